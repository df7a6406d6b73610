//! Referrals: where they come from and how triage moves them on.
//!
//! ```text
//! received ─▶ in triage ─┬─▶ accepted (waiting list) ─▶ placed ─▶ closed
//!                        ├─▶ signposted ─────────────────────────▶ closed
//!                        └─▶ declined ───────────────────────────▶ closed
//! ```
//! Every move goes through [`ReferralStatus::apply`]; anything else is an
//! [`IllegalTransition`](crate::IllegalTransition) whose message names both
//! states.

mod duplicates;
mod intake;
mod status;
mod triage;

pub use duplicates::{DuplicateReason, Identity, days_waiting, likely_duplicate, waiting_too_long};
pub use intake::{NewReferral, ReferralInput, Referrer, SelfReferralInput};
pub use status::{DeclineReason, ReferralEvent, ReferralSource, ReferralStatus};
pub use triage::{Triage, TriageDecision, TriageInput};
