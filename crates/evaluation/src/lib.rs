//! Alongside's evaluation: outcome instruments, their scoring and the
//! statistics of reports.
//!
//! What belongs here: questionnaire definitions with their scoring and
//! missing-item rules, paired comparisons, effect sizes, reliable change and
//! the suppression of small numbers. Pure: no database, no clock, no I/O. The
//! instruments arrive with the evaluation capability; this crate holds its
//! place in the workspace so the boundary is visible from the start.

pub mod report;
