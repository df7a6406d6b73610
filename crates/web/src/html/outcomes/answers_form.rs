//! Reading a questionnaire's answers from the answer page's form: one field
//! per item (`{code}-{item}` for shipped instruments, `{code}.{linkId}` for
//! own questionnaires), `helped` and `hindered` when asked, and the day
//! staff say the person answered.

use std::collections::HashMap;

use alongside_domain::feedback::Reflection;
use alongside_evaluation::questionnaire::{Answer as OwnAnswer, Answers as OwnAnswers, ItemType};
use chrono::NaiveDate;

use crate::services::outcomes::{Questionnaire, ReadAnswers};
use crate::services::questionnaires::Own;

/// The field of item `item` (from 1) of a shipped instrument.
pub(super) fn item_field(code: &str, item: usize) -> String {
    format!("{code}-{item}")
}

/// The field of an item of an own questionnaire; a choice that takes
/// several answers has one more field per option, `{field}.{n}`.
pub(super) fn own_field(code: &str, link_id: &str) -> String {
    format!("{code}.{link_id}")
}

/// A problem with one answer, for the error summary: the field's id and
/// what to do.
pub(super) type AnswerProblem = (String, String);

/// Reads the answers of `q`'s instruments from a form (`{code}-{item}`
/// fields, and `helped` and `hindered` when asked); with `submit`, each
/// instrument must be scorable.
///
/// # Errors
/// Each problem, by field.
pub(super) fn read_answers(
    q: &Questionnaire,
    form: &HashMap<String, String>,
    submit: bool,
) -> Result<ReadAnswers, Vec<AnswerProblem>> {
    let mut problems = Vec::new();
    let mut out = Vec::new();
    for asked in &q.instruments {
        let i = asked.instrument;
        let mut answers = Vec::with_capacity(i.item_count);
        for item in 1..=i.item_count {
            let field = item_field(i.code, item);
            let value = form.get(&field).map(|v| v.trim()).unwrap_or_default();
            if value.is_empty() {
                answers.push(None);
                continue;
            }
            match value.parse::<i32>() {
                Ok(v) if i.options.iter().any(|(o, _)| *o == v) => answers.push(Some(v)),
                _ => {
                    problems.push((
                        field,
                        format!("{}, question {item}: choose one of the answers", i.title),
                    ));
                    answers.push(None);
                }
            }
        }
        if submit && let Err(why) = i.score(&answers) {
            let first_missing = answers.iter().position(Option::is_none).unwrap_or(0) + 1;
            problems.push((
                item_field(i.code, first_missing),
                format!(
                    "{}: {why}. Answer question {first_missing}, or save and finish later",
                    i.title
                ),
            ));
        }
        out.push((i, answers));
    }
    let mut own_answers = Vec::new();
    for (o, _) in &q.own {
        let (given, mut found) = read_own(o, form);
        if found.is_empty()
            && let Err(wrong) = o.custom.check_answers(&given, submit)
        {
            found = wrong
                .into_iter()
                .map(|p| {
                    (
                        own_field(&o.code(), &p.at),
                        format!("{}: {}", o.custom.title, p.message),
                    )
                })
                .collect();
        }
        problems.extend(found);
        own_answers.push((o.clone(), given));
    }
    let mut reflection = None;
    if q.reflection.is_some() {
        let field = |k: &str| form.get(k).map(String::as_str).unwrap_or_default();
        match Reflection::new(field("helped"), field("hindered")) {
            Ok(r) => reflection = Some(r),
            Err(errors) => problems.extend(
                errors
                    .as_slice()
                    .iter()
                    .map(|e| (e.field.to_owned(), e.message.clone())),
            ),
        }
    }
    if problems.is_empty() {
        Ok(ReadAnswers {
            instruments: out,
            reflection,
            own: own_answers,
        })
    } else {
        Err(problems)
    }
}

/// Reads an own questionnaire's answers from a form: `{code}.{linkId}`
/// fields, and `{code}.{linkId}.{n}` for each ticked option of a choice
/// that takes several. Returns what could be read and what could not.
fn read_own(own: &Own, form: &HashMap<String, String>) -> (OwnAnswers, Vec<AnswerProblem>) {
    let mut answers = OwnAnswers::new();
    let mut problems = Vec::new();
    let code = own.code();
    for item in own.custom.all_items() {
        if !item.kind.answered() {
            continue;
        }
        let field = own_field(&code, &item.link_id);
        let mut given = Vec::new();
        if item.kind == ItemType::Choice && item.repeats {
            for n in 0..item.options.len() {
                if let Some(v) = form.get(&format!("{field}.{n}")) {
                    given.push(OwnAnswer::Choice(v.clone()));
                }
            }
        } else {
            let typed = form.get(&field).map(|v| v.trim()).unwrap_or_default();
            if !typed.is_empty() {
                let read = match item.kind {
                    ItemType::Boolean => match typed {
                        "yes" => Some(OwnAnswer::Boolean(true)),
                        "no" => Some(OwnAnswer::Boolean(false)),
                        _ => None,
                    },
                    ItemType::Integer => typed.parse().ok().map(OwnAnswer::Integer),
                    ItemType::Decimal => typed
                        .parse::<f64>()
                        .ok()
                        .filter(|d| d.is_finite())
                        .map(OwnAnswer::Decimal),
                    ItemType::Choice => Some(OwnAnswer::Choice(typed.to_owned())),
                    _ => Some(OwnAnswer::Text(typed.to_owned())),
                };
                match read {
                    Some(a) => given.push(a),
                    None => problems.push((
                        field.clone(),
                        format!(
                            "{}: {}",
                            own.custom.title,
                            match item.kind {
                                ItemType::Integer => "answer with a whole number, like 3",
                                ItemType::Decimal => "answer with a number, like 2.5",
                                _ => "choose yes or no",
                            }
                        ),
                    )),
                }
            }
        }
        if !given.is_empty() {
            answers.insert(item.link_id.clone(), given);
        }
    }
    (answers, problems)
}

/// Reads the day the person answered from a staff form (`answered_on`,
/// `YYYY-MM-DD`): today when left empty, never in the future.
pub(super) fn answered_on(
    form: &HashMap<String, String>,
    today: NaiveDate,
) -> Result<NaiveDate, AnswerProblem> {
    let typed = form
        .get("answered_on")
        .map(|v| v.trim())
        .unwrap_or_default();
    if typed.is_empty() {
        return Ok(today);
    }
    let problem = |m: &str| ("answered_on".to_owned(), m.to_owned());
    let day = NaiveDate::parse_from_str(typed, "%Y-%m-%d")
        .map_err(|_| problem("Enter the day they answered as a real date, like 2026-03-31"))?;
    if day > today {
        return Err(problem("The day they answered cannot be in the future"));
    }
    Ok(day)
}
