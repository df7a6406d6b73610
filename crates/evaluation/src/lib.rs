//! Alongside's evaluation: outcome instruments, their scoring and the
//! statistics of reports.
//!
//! [`instruments`] holds the outcome questionnaires, their scoring and
//! missing-item rules; [`questionnaire`] holds questionnaires an
//! organisation brings itself (checked, answered, scored), and
//! [`fhir_questionnaire`] their FHIR R4 interchange and stored form;
//! [`probability`] holds the normal and t distributions; [`change`]
//! compares two timepoints (paired t-test, Wilcoxon signed-rank, effect
//! sizes, reliable change, caseness and recovery) and reads the audit CSV
//! format; [`outcomes`] builds a report's outcome table (completion per
//! timepoint, change with attrition); [`report`] hides small numbers and
//! gives medians and percentiles. Pure: no database, no clock, no I/O.

#![warn(clippy::pedantic)]
#![deny(missing_docs)]

pub mod change;
pub mod fhir_questionnaire;
pub mod instruments;
pub mod outcomes;
pub mod probability;
pub mod questionnaire;
pub mod report;

/// A count of people, answers, items or ranks as a float, for means and
/// the statistics built on them.
#[expect(
    clippy::cast_precision_loss,
    reason = "counts of people, answers and items stay far below 2^52, so the conversion is exact"
)]
pub(crate) fn count_as_f64(count: usize) -> f64 {
    count as f64
}
