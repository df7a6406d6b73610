//! Questionnaires an organisation brings itself: imported from FHIR (or
//! another system's export), listed, shown and exported again.

use alongside_db::questionnaires;
use alongside_domain::OrganisationId;
use alongside_evaluation::questionnaire::{Answer, Answers, Custom};
use uuid::Uuid;

use crate::Audit;
use crate::Permit;
use crate::actions::ManageProgrammes;
use crate::{Context, Error};
use alongside_evaluation::fhir_questionnaire as custom;

/// The code a programme stores for an organisation's own questionnaire,
/// beside the instruments' codes.
#[must_use]
pub fn code_of(id: Uuid) -> String {
    format!("q-{id}")
}

/// The id in a code made by [`code_of`].
#[must_use]
pub fn id_in(code: &str) -> Option<Uuid> {
    code.strip_prefix("q-")
        .and_then(|id| Uuid::try_parse(id).ok())
}

/// One of the organisation's own questionnaires.
#[derive(Debug, Clone)]
pub struct Own {
    /// Its id.
    pub id: Uuid,
    /// The questionnaire.
    pub custom: Custom,
    /// Whether it can be chosen for programmes.
    pub active: bool,
}

impl Own {
    /// Its code among a programme's questionnaires.
    #[must_use]
    pub fn code(&self) -> String {
        code_of(self.id)
    }
}

fn read(stored: &questionnaires::Stored) -> Result<Own, Error> {
    let resource: serde_json::Value = serde_json::from_str(&stored.definition)
        .map_err(|e| Error::internal(format!("questionnaire {}: {e}", stored.id)))?;
    let custom = custom::parse(&resource).map_err(|issues| {
        Error::internal(format!(
            "questionnaire {} no longer reads: {}",
            stored.id,
            issues
                .iter()
                .map(|i| i.message.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        ))
    })?;
    Ok(Own {
        id: stored.id,
        custom,
        active: stored.active,
    })
}

/// The organisation's own questionnaires, by title.
///
/// # Errors
/// When the database fails.
pub async fn list(ctx: &Context, organisation: OrganisationId) -> Result<Vec<Own>, Error> {
    questionnaires::list(ctx.db(), organisation)
        .await?
        .iter()
        .map(read)
        .collect()
}

/// One of the organisation's own questionnaires.
///
/// # Errors
/// [`Error::NotFound`] for another organisation's or none.
pub async fn find(ctx: &Context, organisation: OrganisationId, id: Uuid) -> Result<Own, Error> {
    read(&questionnaires::find(ctx.db(), organisation, id).await?)
}

/// Adds a questionnaire (checked already, as [`custom::parse`] does).
/// Returns its id.
///
/// # Errors
/// [`Error::Invalid`] when the organisation has one with the same title.
pub async fn import(
    ctx: &Context,
    permit: &Permit<ManageProgrammes>,
    questionnaire: &Custom,
) -> Result<Uuid, Error> {
    let id = Uuid::new_v4();
    // Stored without this server's address, so it moves with the data.
    let definition = custom::to_fhir(&id.to_string(), questionnaire, true, "").to_string();
    let mut tx = ctx.db().begin().await?;
    questionnaires::create(
        &mut tx,
        permit.actor().organisation_id,
        id,
        &questionnaire.title,
        &definition,
        Some(permit.actor().account_id),
        ctx.now(),
    )
    .await
    .map_err(|e| match e {
        alongside_db::DbError::Conflict(m) => alongside_domain::FieldErrors::one("title", m).into(),
        other => Error::from(other),
    })?;
    Audit::created(
        "questionnaire",
        id,
        format!(
            "questionnaire added: {} ({} items)",
            questionnaire.title,
            questionnaire.all_items().len()
        ),
    )
    .commit(ctx, tx, permit)
    .await?;
    Ok(id)
}

/// Retires an own questionnaire, so programmes can no longer choose it
/// (those that collect it go on until they drop it), or brings it back.
///
/// # Errors
/// [`Error::NotFound`] for another organisation's or none.
pub async fn set_active(
    ctx: &Context,
    permit: &Permit<ManageProgrammes>,
    id: Uuid,
    active: bool,
) -> Result<(), Error> {
    let mut tx = ctx.db().begin().await?;
    questionnaires::set_active(&mut tx, permit.actor().organisation_id, id, active).await?;
    Audit::updated(
        "questionnaire",
        id,
        if active { "brought back" } else { "retired" },
    )
    .commit(ctx, tx, permit)
    .await?;
    Ok(())
}

/// Answers to an own questionnaire as JSON, each tagged with its type:
/// `{"linkId": [{"choice": "a"}, {"integer": 3}]}`.
#[must_use]
pub fn answers_to_json(answers: &Answers) -> String {
    let map: serde_json::Map<String, serde_json::Value> = answers
        .iter()
        .map(|(link, given)| {
            let list = given
                .iter()
                .map(|a| match a {
                    Answer::Boolean(b) => serde_json::json!({"boolean": b}),
                    Answer::Integer(n) => serde_json::json!({"integer": n}),
                    Answer::Decimal(d) => serde_json::json!({"decimal": d}),
                    Answer::Text(t) => serde_json::json!({"text": t}),
                    Answer::Choice(c) => serde_json::json!({"choice": c}),
                })
                .collect();
            (link.clone(), serde_json::Value::Array(list))
        })
        .collect();
    serde_json::Value::Object(map).to_string()
}

/// Answers read back from [`answers_to_json`].
///
/// # Errors
/// [`Error::Internal`] for anything else.
pub fn answers_from_json(json: &str) -> Result<Answers, Error> {
    let bad = || Error::internal("stored answers do not read".to_owned());
    let value: serde_json::Value = serde_json::from_str(json).map_err(|_| bad())?;
    let mut out = Answers::new();
    for (link, given) in value.as_object().ok_or_else(bad)? {
        let mut list = Vec::new();
        for a in given.as_array().ok_or_else(bad)? {
            let answer = if let Some(b) = a["boolean"].as_bool() {
                Answer::Boolean(b)
            } else if let Some(n) = a["integer"].as_i64() {
                Answer::Integer(n)
            } else if let Some(d) = a["decimal"].as_f64() {
                Answer::Decimal(d)
            } else if let Some(t) = a["text"].as_str() {
                Answer::Text(t.to_owned())
            } else if let Some(c) = a["choice"].as_str() {
                Answer::Choice(c.to_owned())
            } else {
                return Err(bad());
            };
            list.push(answer);
        }
        out.insert(link.clone(), list);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_read_back_as_they_were() {
        let mut answers = Answers::new();
        answers.insert("a".into(), vec![Answer::Boolean(true)]);
        answers.insert("b".into(), vec![Answer::Integer(-3)]);
        answers.insert("c".into(), vec![Answer::Decimal(2.5)]);
        answers.insert("d".into(), vec![Answer::Text("Walks \"out\"".into())]);
        answers.insert(
            "e".into(),
            vec![Answer::Choice("x".into()), Answer::Choice("y".into())],
        );
        assert_eq!(
            answers_from_json(&answers_to_json(&answers)).unwrap(),
            answers
        );
        assert!(answers_from_json("[1]").is_err());
        assert!(answers_from_json(r#"{"a": [{"colour": 1}]}"#).is_err());
        assert_eq!(
            code_of(Uuid::nil()),
            "q-00000000-0000-0000-0000-000000000000"
        );
        assert_eq!(id_in(&code_of(Uuid::nil())), Some(Uuid::nil()));
        assert_eq!(id_in("phq9"), None);
    }
}
