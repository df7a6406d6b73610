//! Outcome questionnaire pages: the private link a person answers through
//! (no account), staff entering answers on their behalf and making a link,
//! and a programme's questionnaires, schedule and licensed wording.

mod answer_page;
mod answers_form;
mod entry;
mod links;
mod programme;
mod wording;

pub use entry::{enter, enter_form, make_link};
pub use links::{answer, answer_form};
pub use programme::{choose, programme_form, set_schedule};
pub use wording::{load_text, text_form};
