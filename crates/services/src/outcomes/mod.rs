//! Outcome questionnaires of a person's support: which are due, private
//! links to answer them without an account, answers entered by staff on the
//! person's behalf, drafts, and submitted responses that are never changed
//! (a correction is a new version).
//!
//! - [`schedule`]: a programme's timepoints and the dates of a person's
//!   support they are counted from;
//! - [`choice`]: which questionnaires a programme collects, and licensed
//!   wording;
//! - [`progress`]: where each questionnaire stands for a person;
//! - [`links`]: private links, emailed as windows open, and answers given
//!   through them;
//! - [`responses`]: storing answers, and staff entering them;
//! - [`received`]: answers another system sends.

use alongside_db::referrals::QueueEntry;
use alongside_domain::referral::ReferralStatus;

pub mod choice;
pub mod links;
pub mod progress;
pub mod received;
pub mod responses;
pub mod schedule;

pub use choice::{Asked, askable, asked_in, choose, chosen_codes, load_text};
pub use links::{
    AnswerError, Answered, LINK_DAYS, LinkMade, LinkProblem, REMIND_AFTER_DAYS, answer_link,
    make_link, open_link, send_links_as_windows_open,
};
pub use progress::{State, TimepointRow, for_referral, responses};
pub use received::{Answering, Received, record};
pub use responses::{Answers, Questionnaire, ReadAnswers, enter, staff_questionnaire};
pub use schedule::{schedule_of, set_schedule, span_of, timepoint_names};

/// Whether the person is, or was, in support on a programme: accepted,
/// placed, or closed after being placed (follow-ups go on after the end).
fn followed(summary: &QueueEntry) -> bool {
    summary.programme_id.is_some()
        && match summary.status {
            ReferralStatus::Accepted | ReferralStatus::Placed => true,
            ReferralStatus::Closed => summary.ended_at.is_some(),
            _ => false,
        }
}
