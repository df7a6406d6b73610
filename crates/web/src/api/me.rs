//! `GET /me`: who the token belongs to.

use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use super::Problem;
use crate::auth::ApiAuthorised;
use crate::auth::actions::UseOwnAccount;

/// The organisation a token acts in.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationView {
    /// Its id.
    #[schema(example = "6c1d2a8e-3f4b-4c5d-8e9f-0a1b2c3d4e5f")]
    pub id: String,
    /// Its name.
    #[schema(example = "Alongside Demo Peer Support")]
    pub name: String,
}

/// The owner of the token.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeView {
    /// Account id.
    #[schema(example = "0b8d4a1e-6f0c-4d7b-9a53-2c1e7f9d8b10")]
    pub account_id: String,
    /// Name.
    #[schema(example = "Sam Jones")]
    pub display_name: String,
    /// Sign-in address.
    #[schema(example = "sam@example.org")]
    pub email: String,
    /// Role in the organisation: admin, coordinator, supervisor, safeguarding_lead, peer_supporter, referrer, commissioner or participant.
    #[schema(example = "coordinator")]
    pub role: String,
    /// The organisation.
    pub organisation: OrganisationView,
}

/// Who this token belongs to.
#[utoipa::path(get, path = "/me", tag = "account",
    responses(
        (status = 200, description = "The token's owner", body = MeView),
        (status = 401, description = "No valid token", body = super::ProblemBody, content_type = "application/problem+json"),
    ))]
pub async fn show(auth: ApiAuthorised<UseOwnAccount>) -> Result<Json<MeView>, Problem> {
    let s = &auth.permit.signed_in;
    Ok(Json(MeView {
        account_id: s.actor.account_id.to_string(),
        display_name: s.display_name.clone(),
        email: s.email.clone(),
        role: s.actor.role.as_str().to_owned(),
        organisation: OrganisationView {
            id: s.actor.organisation_id.to_string(),
            name: s.organisation_name.clone(),
        },
    }))
}
