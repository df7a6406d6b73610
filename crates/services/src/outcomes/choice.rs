//! Which questionnaires a programme collects, and the wording of licensed
//! instruments an organisation loads under its licence.

use alongside_db::outcomes;
use alongside_domain::{FieldErrors, OrganisationId, ProgrammeId};
use alongside_evaluation::instruments::{self, Instrument};
use uuid::Uuid;

use crate::actions::{LoadLicensedText, ManageProgrammes};
use crate::questionnaires::{self as own, Own};
use crate::{Audit, Context, Error, Permit};

/// An instrument as this organisation asks it: with its wording, shipped
/// with Alongside or loaded under the organisation's licence.
#[derive(Debug, Clone)]
pub struct Asked {
    /// The instrument.
    pub instrument: &'static Instrument,
    /// Its items' wording.
    pub items: Vec<String>,
}

/// The instruments the organisation can ask, with their wording: those
/// whose text ships, and licensed ones whose text it loaded.
///
/// # Errors
/// When the database fails.
pub async fn askable(ctx: &Context, organisation: OrganisationId) -> Result<Vec<Asked>, Error> {
    let loaded = outcomes::texts(ctx.db(), organisation).await?;
    Ok(instruments::ALL
        .iter()
        .filter_map(|i| {
            let items = if i.has_text() {
                i.items.iter().map(|t| (*t).to_owned()).collect()
            } else {
                loaded.get(i.code)?.clone()
            };
            Some(Asked {
                instrument: i,
                items,
            })
        })
        .collect())
}

/// The questionnaires a programme collects, in the order chosen (its
/// choice, or the default set): the shipped instruments with their wording,
/// and the organisation's own (retired ones still collect until the
/// programme drops them). The choice is read once.
///
/// # Errors
/// When the database fails.
pub async fn asked_in(
    ctx: &Context,
    organisation: OrganisationId,
    programme: ProgrammeId,
) -> Result<(Vec<Asked>, Vec<Own>), Error> {
    let codes = codes_of(ctx, organisation, programme).await?;
    let askable = askable(ctx, organisation).await?;
    let shipped = codes
        .iter()
        .filter_map(|c| askable.iter().find(|a| a.instrument.code == c).cloned())
        .collect();
    let ids: Vec<Uuid> = codes.iter().filter_map(|c| own::id_in(c)).collect();
    let mine = if ids.is_empty() {
        Vec::new()
    } else {
        let all = own::list(ctx, organisation).await?;
        ids.iter()
            .filter_map(|id| all.iter().find(|o| o.id == *id).cloned())
            .collect()
    };
    Ok((shipped, mine))
}

/// Loads the wording of a licensed instrument under the organisation's
/// licence: one line per item.
///
/// # Errors
/// [`Error::Invalid`] for an instrument whose text ships, or the wrong
/// number of items.
pub async fn load_text(
    ctx: &Context,
    permit: &Permit<LoadLicensedText>,
    code: &str,
    text: &str,
) -> Result<(), Error> {
    let Some(instrument) = instruments::by_code(code).filter(|i| !i.has_text()) else {
        return Err(Error::NotFound);
    };
    let items: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    if items.len() != instrument.item_count {
        return Err(FieldErrors::one(
            "items",
            format!(
                "Enter the {} items of {}, one per line: there are {}",
                instrument.item_count,
                instrument.title,
                items.len()
            ),
        )
        .into());
    }
    if items.iter().any(|i| i.chars().count() > 300) {
        return Err(FieldErrors::one("items", "Each item must be 300 characters or fewer").into());
    }
    let mut tx = ctx.db().begin().await?;
    outcomes::set_text(
        &mut tx,
        permit.actor().organisation_id,
        instrument.code,
        &items,
        permit.actor().account_id,
        ctx.now(),
    )
    .await?;
    Audit::updated(
        "instrument_text",
        instrument.code,
        "licensed wording loaded",
    )
    .commit(ctx, tx, permit)
    .await?;
    Ok(())
}

/// The instrument codes a programme collects now (its choice, or the
/// default set).
///
/// # Errors
/// [`Error::NotFound`] for another organisation's programme.
pub async fn chosen_codes(
    ctx: &Context,
    permit: &Permit<ManageProgrammes>,
    programme: ProgrammeId,
) -> Result<Vec<String>, Error> {
    codes_of(ctx, permit.actor().organisation_id, programme).await
}

async fn codes_of(
    ctx: &Context,
    organisation: OrganisationId,
    programme: ProgrammeId,
) -> Result<Vec<String>, Error> {
    let codes = outcomes::instruments(ctx.db(), organisation, programme).await?;
    Ok(if codes.is_empty() {
        instruments::DEFAULT
            .iter()
            .map(|i| i.code.to_owned())
            .collect()
    } else {
        codes
    })
}

/// Chooses the instruments a programme collects.
///
/// # Errors
/// [`Error::Invalid`] for none chosen, an unknown code, or a licensed
/// instrument whose text is not loaded.
pub async fn choose(
    ctx: &Context,
    permit: &Permit<ManageProgrammes>,
    programme: ProgrammeId,
    codes: &[String],
) -> Result<(), Error> {
    let askable = askable(ctx, permit.actor().organisation_id).await?;
    let mine = own::list(ctx, permit.actor().organisation_id).await?;
    let mut chosen: Vec<String> = Vec::new();
    for code in codes {
        if let Some(id) = own::id_in(code) {
            match mine.iter().find(|o| o.id == id && o.active) {
                Some(o) => chosen.push(o.code()),
                None => return Err(FieldErrors::one("instruments", "Choose from the list").into()),
            }
            continue;
        }
        match instruments::by_code(code) {
            Some(i) if askable.iter().any(|a| a.instrument.code == i.code) => {
                chosen.push(i.code.to_owned());
            }
            Some(i) => {
                return Err(FieldErrors::one(
                    "instruments",
                    format!(
                        "{} needs its item text loaded under your licence first",
                        i.title
                    ),
                )
                .into());
            }
            None => return Err(FieldErrors::one("instruments", "Choose from the list").into()),
        }
    }
    if chosen.is_empty() {
        return Err(FieldErrors::one("instruments", "Choose at least one questionnaire").into());
    }
    let chosen: Vec<&str> = chosen.iter().map(String::as_str).collect();
    let mut tx = ctx.db().begin().await?;
    outcomes::set_instruments(&mut tx, permit.actor().organisation_id, programme, &chosen).await?;
    Audit::updated(
        "programme",
        programme,
        format!("outcome questionnaires: {}", chosen.join(", ")),
    )
    .commit(ctx, tx, permit)
    .await?;
    Ok(())
}
