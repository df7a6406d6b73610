//! `/programmes`: list, create, read, replace, archive, restore.

use alongside_domain::ProgrammeId;
use alongside_domain::programme::{Programme, ProgrammeInput};
use axum::Json;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{ApiId, ApiJson, Problem, ProblemBody};
use crate::AppState;
use crate::auth::ApiAuthorised;
use crate::auth::actions::{ManageProgrammes, ViewProgrammes};
use crate::services::programmes as service;

/// A programme: one peer support offer of the organisation.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProgrammeView {
    /// Its id.
    #[schema(example = "0b8d4a1e-6f0c-4d7b-9a53-2c1e7f9d8b10")]
    pub id: String,
    /// Name.
    #[schema(example = "Breathe Easy buddies")]
    pub name: String,
    /// Description.
    pub description: String,
    /// How support is given: befriending, peer_mentoring, facilitated_group, peer_led_group, activity_group, community_hub or online_community.
    #[schema(example = "befriending")]
    pub model: String,
    /// Where support happens: community, clinical, inpatient, secure or online.
    #[schema(example = "community")]
    pub setting: String,
    /// Long-term conditions served; empty for any.
    #[schema(example = json!(["COPD", "Asthma"]))]
    pub conditions: Vec<String>,
    /// Who can join.
    pub eligibility: String,
    /// People supported at once; null for no set limit.
    #[schema(example = 40)]
    pub capacity: Option<u32>,
    /// Who funds it.
    pub funding_source: String,
    /// Days without contact before the coordinator is asked to follow up.
    #[schema(example = 14)]
    pub contact_gap_days: u16,
    /// Days from referral to first contact before a referral is flagged.
    #[schema(example = 14)]
    pub waiting_target_days: u16,
    /// Weeks between supervision sessions of its peer supporters.
    #[schema(example = 4)]
    pub supervision_every_weeks: u8,
    /// active or archived.
    #[schema(example = "active")]
    pub status: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<Programme> for ProgrammeView {
    fn from(p: Programme) -> Self {
        Self {
            id: p.id.to_string(),
            name: p.details.name,
            description: p.details.description,
            model: p.details.model.as_str().to_owned(),
            setting: p.details.setting.as_str().to_owned(),
            conditions: p.details.conditions,
            eligibility: p.details.eligibility,
            capacity: p.details.capacity,
            funding_source: p.details.funding_source,
            contact_gap_days: p.details.contact_gap_days,
            waiting_target_days: p.details.waiting_target_days,
            supervision_every_weeks: p.details.supervision_every_weeks,
            status: p.status.as_str().to_owned(),
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

/// The fields of a programme to create or replace. Unknown fields are refused.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgrammeRequest {
    /// Name, 2 to 120 characters.
    #[schema(example = "Breathe Easy buddies")]
    pub name: String,
    /// Description, up to 2,000 characters.
    #[serde(default)]
    pub description: String,
    /// How support is given: befriending, peer_mentoring, facilitated_group, peer_led_group, activity_group, community_hub or online_community.
    #[schema(example = "befriending")]
    pub model: String,
    /// Where support happens: community, clinical, inpatient, secure or online.
    #[schema(example = "community")]
    pub setting: String,
    /// Long-term conditions served, each 1 to 100 characters, at most 30; empty for any.
    #[serde(default)]
    #[schema(example = json!(["COPD"]))]
    pub conditions: Vec<String>,
    /// Who can join, up to 2,000 characters.
    #[serde(default)]
    pub eligibility: String,
    /// People supported at once, 1 to 100,000; null or absent for no set limit.
    #[serde(default)]
    #[schema(example = 40)]
    pub capacity: Option<i64>,
    /// Who funds it, up to 200 characters.
    #[serde(default)]
    pub funding_source: String,
    /// Days without contact before a follow-up, 1 to 365; default 14.
    #[serde(default)]
    #[schema(example = 14)]
    pub contact_gap_days: Option<i64>,
    /// Days from referral to first contact before a referral is flagged as
    /// waiting too long, 1 to 365; default 14.
    #[serde(default)]
    #[schema(example = 14)]
    pub waiting_target_days: Option<i64>,
    /// Weeks between supervision sessions, 1 to 26; default 4.
    #[serde(default)]
    #[schema(example = 4)]
    pub supervision_every_weeks: Option<i64>,
}

impl ProgrammeRequest {
    fn into_input(self) -> Result<ProgrammeInput, Problem> {
        // One rule set for every face: the domain validates text, as typed into the form.
        if let Some(bad) = self.conditions.iter().position(|c| c.contains('\n')) {
            return Err(crate::Error::Invalid(alongside_domain::FieldErrors::one(
                "conditions",
                format!("Condition {} must be on one line", bad + 1),
            ))
            .into());
        }
        let number = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
        Ok(ProgrammeInput {
            name: self.name,
            description: self.description,
            model: self.model,
            setting: self.setting,
            conditions: self.conditions.join("\n"),
            eligibility: self.eligibility,
            capacity: number(self.capacity),
            funding_source: self.funding_source,
            contact_gap_days: number(self.contact_gap_days),
            waiting_target_days: number(self.waiting_target_days),
            supervision_every_weeks: number(self.supervision_every_weeks),
        })
    }
}

/// Filters for the programme list.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ListParams {
    /// Include archived programmes.
    #[serde(default)]
    pub include_archived: bool,
}

/// The organisation's programmes, by name.
#[utoipa::path(get, path = "/programmes", tag = "programmes", params(ListParams),
    responses(
        (status = 200, description = "The programmes", body = Vec<ProgrammeView>),
        (status = 401, description = "No valid token", body = ProblemBody, content_type = "application/problem+json"),
    ))]
pub async fn list(
    State(state): State<AppState>,
    auth: ApiAuthorised<ViewProgrammes>,
    params: Result<Query<ListParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Vec<ProgrammeView>>, Problem> {
    let Query(params) = params.map_err(|e| crate::Error::BadRequest(e.body_text()))?;
    let programmes = service::list(state.services(), &auth.permit, params.include_archived).await?;
    Ok(Json(
        programmes.into_iter().map(ProgrammeView::from).collect(),
    ))
}

/// Creates a programme.
#[utoipa::path(post, path = "/programmes", tag = "programmes", request_body = ProgrammeRequest,
    responses(
        (status = 201, description = "Created; Location names it", body = ProgrammeView),
        (status = 400, description = "Malformed JSON or unknown field", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "Role may not manage programmes", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Fields break validation rules", body = ProblemBody, content_type = "application/problem+json"),
    ))]
pub async fn create(
    State(state): State<AppState>,
    auth: ApiAuthorised<ManageProgrammes>,
    ApiJson(request): ApiJson<ProgrammeRequest>,
) -> Result<Response, Problem> {
    let programme = service::create(state.services(), &auth.permit, &request.into_input()?).await?;
    let location = format!("/api/v1/programmes/{}", programme.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(ProgrammeView::from(programme)),
    )
        .into_response())
}

/// One programme.
#[utoipa::path(get, path = "/programmes/{id}", tag = "programmes", params(("id" = String, Path, description = "Programme id")),
    responses(
        (status = 200, description = "The programme", body = ProgrammeView),
        (status = 400, description = "Malformed id", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such programme in your organisation", body = ProblemBody, content_type = "application/problem+json"),
    ))]
pub async fn show(
    State(state): State<AppState>,
    auth: ApiAuthorised<ViewProgrammes>,
    ApiId(id): ApiId<ProgrammeId>,
) -> Result<Json<ProgrammeView>, Problem> {
    Ok(Json(
        service::find(state.services(), &auth.permit, id)
            .await?
            .into(),
    ))
}

/// Replaces a programme's fields.
#[utoipa::path(put, path = "/programmes/{id}", tag = "programmes", request_body = ProgrammeRequest, params(("id" = String, Path, description = "Programme id")),
    responses(
        (status = 200, description = "The programme as saved", body = ProgrammeView),
        (status = 404, description = "No such programme in your organisation", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Fields break validation rules", body = ProblemBody, content_type = "application/problem+json"),
    ))]
pub async fn replace(
    State(state): State<AppState>,
    auth: ApiAuthorised<ManageProgrammes>,
    ApiId(id): ApiId<ProgrammeId>,
    ApiJson(request): ApiJson<ProgrammeRequest>,
) -> Result<Json<ProgrammeView>, Problem> {
    Ok(Json(
        service::update(state.services(), &auth.permit, id, &request.into_input()?)
            .await?
            .into(),
    ))
}

/// Archives a programme.
#[utoipa::path(post, path = "/programmes/{id}/archive", tag = "programmes", params(("id" = String, Path, description = "Programme id")),
    responses(
        (status = 200, description = "Archived", body = ProgrammeView),
        (status = 409, description = "Already archived", body = ProblemBody, content_type = "application/problem+json"),
    ))]
pub async fn archive(
    State(state): State<AppState>,
    auth: ApiAuthorised<ManageProgrammes>,
    ApiId(id): ApiId<ProgrammeId>,
) -> Result<Json<ProgrammeView>, Problem> {
    Ok(Json(
        service::archive(state.services(), &auth.permit, id)
            .await?
            .into(),
    ))
}

/// Restores an archived programme.
#[utoipa::path(post, path = "/programmes/{id}/restore", tag = "programmes", params(("id" = String, Path, description = "Programme id")),
    responses(
        (status = 200, description = "Restored", body = ProgrammeView),
        (status = 409, description = "Not archived", body = ProblemBody, content_type = "application/problem+json"),
    ))]
pub async fn restore(
    State(state): State<AppState>,
    auth: ApiAuthorised<ManageProgrammes>,
    ApiId(id): ApiId<ProgrammeId>,
) -> Result<Json<ProgrammeView>, Problem> {
    Ok(Json(
        service::restore(state.services(), &auth.permit, id)
            .await?
            .into(),
    ))
}
