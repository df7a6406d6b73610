#![deny(missing_docs)]
#![warn(clippy::pedantic)]
//! Alongside's domain: the words of peer support as types.
//!
//! What belongs here: identifiers, value types that cannot hold an invalid
//! value (email addresses, passwords, programme fields), the state machines
//! that say how statuses may change, validation rules with messages a person
//! can act on, and the access policy that decides what each role may do.
//!
//! What does not: anything that touches a database, the network, the clock
//! or the file system. Callers pass the current time in; this crate never
//! reads it. There is no `async` here.

pub mod access;
pub mod account;
pub mod audit;
pub mod consent;
pub mod costs;
pub mod feedback;
pub mod ids;
pub mod import;
pub mod membership;
pub mod organisation;
pub mod peer_match;
pub mod person;
pub mod preferences;
pub mod programme;
pub mod referral;
pub mod role;
pub mod schedule;
pub mod snomed;
pub mod supporter;
pub mod transition;
pub mod validation;

pub use access::{Action, Actor, Decision};
pub use ids::{AccountId, ApiTokenId, InvitationId, OrganisationId, ProgrammeId, SupporterId};
pub use role::Role;
pub use transition::IllegalTransition;
pub use validation::{FieldError, FieldErrors};
