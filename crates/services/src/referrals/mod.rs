//! Every way in (self-referral, professional referral, API, import), the
//! coordinator's queue, triage, consent changes and the merge of duplicates.

mod changes;
mod intake;
mod reading;

pub use changes::{change_consent, merge, record_first_contact, triage};
pub(crate) use intake::store_all;
pub use intake::{Outcome, Referred, home, organisation, refer, refer_once, self_refer};
pub use reading::{QueueSearch, QueueView, ReferralPage, mine, one_of_mine, queue, show};
