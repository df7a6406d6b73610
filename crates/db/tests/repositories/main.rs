//! Every repository, on SQLite and on PostgreSQL.

mod accounts;
mod api_tokens;
mod audit;
mod costs;
mod feedback;
mod idempotency;
mod ids;
mod instance_keys;
mod invitations;
mod matches;
mod matching_runs;
mod migrations;
mod organisations;
mod outcomes;
mod people;
mod programmes;
mod questionnaires;
mod referrals;
mod sessions;
mod support;
mod supporters;
mod transactions;
