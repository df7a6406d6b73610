//! Alongside over HTTP: the real router on a real port, on both engines.

mod api;
mod api_referrals;
mod errors;
mod fhir;
mod import;
mod intake;
mod mail;
mod matches;
mod matching_runs;
mod matrix;
mod outcomes;
mod pages;
mod password_reset;
mod referrals;
mod reports;
mod sessions;
mod sign_in;
mod staff;
mod support;
mod supporters;
