//! The questionnaire page, answered by the person through a private link or
//! by staff on their behalf: its fields, with what was typed or saved and
//! each problem.

use std::collections::HashMap;

use alongside_evaluation::instruments::Instrument;
use alongside_evaluation::questionnaire::{Answer as OwnAnswer, Answers as OwnAnswers, ItemType};
use askama::Template;

use super::answers_form::{AnswerProblem, item_field, own_field};
use crate::html::Layout;
use crate::services::outcomes::{Asked, Questionnaire};
use crate::services::questionnaires::Own;

#[derive(Template)]
#[template(path = "outcomes/answer.html")]
pub(super) struct AnswerPage {
    pub(super) layout: Layout,
    pub(super) caption: String,
    pub(super) action: String,
    pub(super) staff: bool,
    pub(super) q: Questionnaire,
    pub(super) problems: Vec<AnswerProblem>,
    pub(super) typed: HashMap<String, String>,
    pub(super) back: Option<String>,
}

impl AnswerPage {
    /// The value of an item, as typed or as saved.
    fn value(&self, instrument: &Instrument, item: &usize) -> String {
        let field = item_field(instrument.code, *item);
        if let Some(v) = self.typed.get(&field) {
            return v.clone();
        }
        self.q
            .answers
            .get(instrument.code)
            .and_then(|a| a.get(item - 1).copied().flatten())
            .map(|v| v.to_string())
            .unwrap_or_default()
    }

    fn problem(&self, instrument: &Instrument, item: &usize) -> Option<&str> {
        let field = item_field(instrument.code, *item);
        self.problems
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }

    fn field_problem(&self, field: &str) -> Option<&str> {
        self.problems
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    fn question(&self, field: &str) -> &'static str {
        alongside_domain::feedback::Part::parse(field).map_or("", |p| p.question())
    }

    /// What was typed in answer to an open question, or the draft so far.
    fn reflection_value(&self, field: &str) -> String {
        if let Some(v) = self.typed.get(field) {
            return v.clone();
        }
        let part = alongside_domain::feedback::Part::parse(field);
        match (&self.q.reflection, part) {
            (Some(r), Some(part)) => r.answer(part).to_owned(),
            _ => String::new(),
        }
    }

    fn typed_value(&self, field: &str) -> String {
        self.typed.get(field).cloned().unwrap_or_default()
    }

    /// The fields of an own questionnaire, in order, with what was typed or
    /// saved and any problem.
    fn own_fields(&self, own: &Own, saved: &OwnAnswers) -> Vec<OwnField> {
        let code = own.code();
        let mut out = Vec::new();
        for item in own.custom.all_items() {
            let id = own_field(&code, &item.link_id);
            let saved_values: Vec<String> = saved
                .get(&item.link_id)
                .into_iter()
                .flatten()
                .map(|a| match a {
                    OwnAnswer::Boolean(true) => "yes".to_owned(),
                    OwnAnswer::Boolean(false) => "no".to_owned(),
                    other => other.to_string(),
                })
                .collect();
            let typed_any = self
                .typed
                .keys()
                .any(|k| k.starts_with(&format!("{code}.")));
            let value = if typed_any {
                self.typed.get(&id).cloned().unwrap_or_default()
            } else {
                saved_values.first().cloned().unwrap_or_default()
            };
            let (kind, options) = match item.kind {
                ItemType::Group => ("heading", Vec::new()),
                ItemType::Display => ("display", Vec::new()),
                ItemType::Boolean => (
                    "radios",
                    vec![
                        ("yes".to_owned(), "Yes".to_owned(), value == "yes"),
                        ("no".to_owned(), "No".to_owned(), value == "no"),
                    ],
                ),
                ItemType::Choice if item.repeats => (
                    "checkboxes",
                    item.options
                        .iter()
                        .enumerate()
                        .map(|(n, o)| {
                            let ticked = if typed_any {
                                self.typed.get(&format!("{id}.{n}")) == Some(&o.code)
                            } else {
                                saved_values.contains(&o.code)
                            };
                            (o.code.clone(), o.display.clone(), ticked)
                        })
                        .collect(),
                ),
                ItemType::Choice => (
                    "radios",
                    item.options
                        .iter()
                        .map(|o| (o.code.clone(), o.display.clone(), value == o.code))
                        .collect(),
                ),
                ItemType::Text => ("textarea", Vec::new()),
                ItemType::Integer | ItemType::Decimal | ItemType::String => ("input", Vec::new()),
            };
            out.push(OwnField {
                kind,
                problem: self.field_problem(&id).map(str::to_owned),
                id,
                label: item.text.clone(),
                required: item.required,
                numeric: matches!(item.kind, ItemType::Integer | ItemType::Decimal),
                options,
                value,
            });
        }
        out
    }

    fn items(&self, asked: &Asked) -> Vec<(usize, String)> {
        asked
            .items
            .iter()
            .enumerate()
            .map(|(i, text)| (i + 1, text.clone()))
            .collect()
    }
}

/// One field of an own questionnaire on the answer page.
struct OwnField {
    /// heading, display, radios, checkboxes, input or textarea.
    kind: &'static str,
    id: String,
    label: String,
    required: bool,
    numeric: bool,
    /// Value, words, chosen.
    options: Vec<(String, String, bool)>,
    value: String,
    problem: Option<String>,
}
