//! Alongside's matching engine: which peer supporter for which person.
//!
//! The candidate graph is built from people's preferences and supporters'
//! profiles ([`candidate`]): hard constraints remove a pair, the pairs that
//! remain get a score made of named parts. [`assignment`] then chooses the
//! pairs exactly (most people matched, then the best total score), and
//! [`plan`] explains every proposal and every person left unmatched.
//! [`groups`] ranks the groups a person could join. [`format`](mod@format)
//! reads the plain text format of audits and benchmarks. Pure: no database,
//! no clock, no I/O.

#![warn(clippy::pedantic)]
#![deny(missing_docs)]

pub mod assignment;
pub mod candidate;
pub mod format;
pub mod groups;
pub mod plan;
