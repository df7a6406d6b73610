//! Referral pages: the public self-referral form, the coordinator's queue,
//! a referral's page with the changes made on it, the professional referral
//! form, and a referrer's own referrals.

mod mine;
mod page;
mod professional;
mod queue;
mod self_referral;

pub use mine::{mine, one_of_mine};
pub(crate) use page::show_page;
pub use page::{consent, first_contact, merge, show, triage};
pub use professional::{create, new_form, sent};
pub use queue::queue;
pub use self_referral::{received, refer, refer_form};

/// A reference as shown back from a link: only the shape of one (letters,
/// digits and dashes, at most 12), never arbitrary text.
fn shown_reference(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(12)
        .collect()
}
