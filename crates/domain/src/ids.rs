//! Identifiers. Each kind of record has its own type so that a programme id
//! can never be passed where an account id is expected.
//!
//! With the `sqlx` feature, which only the database layer turns on, each id
//! binds and reads as itself, stored as its hyphenated text.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A text that is not a well-formed identifier (the URL or body had a typo).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} is not valid: an id looks like 0b8d4a1e-6f0c-4d7b-9a53-2c1e7f9d8b10")]
pub struct InvalidId {
    /// What kind of id was expected, in words ("programme id").
    pub kind: &'static str,
}

/// Makes a type bind and read as its text, on every engine that stores
/// text (the column type is the one `String` has there): written with its
/// `Display`, read back with its `FromStr`, whose error a failed read
/// carries. The ids here are stored so, and so are the database layer's ids
/// that are still plain UUIDs; the crate using it needs `sqlx`.
#[cfg(feature = "sqlx")]
#[macro_export]
macro_rules! stored_as_text {
    ($name:ty) => {
        impl<DB: ::sqlx::Database> ::sqlx::Type<DB> for $name
        where
            ::std::string::String: ::sqlx::Type<DB>,
        {
            fn type_info() -> DB::TypeInfo {
                <::std::string::String as ::sqlx::Type<DB>>::type_info()
            }

            fn compatible(ty: &DB::TypeInfo) -> bool {
                <::std::string::String as ::sqlx::Type<DB>>::compatible(ty)
            }
        }

        impl<'q, DB: ::sqlx::Database> ::sqlx::Encode<'q, DB> for $name
        where
            ::std::string::String: ::sqlx::Encode<'q, DB>,
        {
            fn encode_by_ref(
                &self,
                buf: &mut DB::ArgumentBuffer<'q>,
            ) -> ::std::result::Result<::sqlx::encode::IsNull, ::sqlx::error::BoxDynError> {
                <::std::string::String as ::sqlx::Encode<'q, DB>>::encode(self.to_string(), buf)
            }
        }

        impl<'r, DB: ::sqlx::Database> ::sqlx::Decode<'r, DB> for $name
        where
            &'r str: ::sqlx::Decode<'r, DB>,
        {
            fn decode(
                value: DB::ValueRef<'r>,
            ) -> ::std::result::Result<Self, ::sqlx::error::BoxDynError> {
                Ok(<&str as ::sqlx::Decode<'r, DB>>::decode(value)?.parse()?)
            }
        }
    };
}

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident, $words:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// What this id is called in messages.
            pub const KIND: &'static str = $words;

            /// A new random id.
            #[must_use]
            pub fn new() -> Self {
                Self(Uuid::new_v4())
            }

            /// The id as a UUID.
            #[must_use]
            pub fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl From<Uuid> for $name {
            fn from(value: Uuid) -> Self {
                Self(value)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = InvalidId;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                // Only the canonical hyphenated form: one spelling per record.
                if s.len() != 36 {
                    return Err(InvalidId { kind: $words });
                }
                Uuid::parse_str(s).map(Self).map_err(|_| InvalidId { kind: $words })
            }
        }

        // Stored as the hyphenated text; a stored value that is not an id of
        // this kind reads as an `InvalidId`.
        #[cfg(feature = "sqlx")]
        $crate::stored_as_text!($name);
    };
}

id_type!(
    /// An organisation: a charity, NHS team or partnership member running peer support.
    OrganisationId,
    "organisation id"
);
id_type!(
    /// A person who can sign in (staff, peer supporter, participant).
    AccountId,
    "account id"
);
id_type!(
    /// A programme: one peer support offer of an organisation.
    ProgrammeId,
    "programme id"
);
id_type!(
    /// An invitation for a new member of staff.
    InvitationId,
    "invitation id"
);
id_type!(
    /// A peer supporter's record.
    SupporterId,
    "supporter id"
);
id_type!(
    /// A personal API token of an account.
    ApiTokenId,
    "API token id"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_text() {
        let id = ProgrammeId::new();
        assert_eq!(id.to_string().parse::<ProgrammeId>(), Ok(id));
    }

    #[test]
    fn malformed_ids_are_rejected_with_their_kind() {
        for bad in ["", "42", "not-a-uuid", "0b8d4a1e6f0c4d7b9a532c1e7f9d8b10"] {
            let err = bad.parse::<ProgrammeId>().unwrap_err();
            assert_eq!(err.kind, "programme id", "input {bad:?}");
        }
    }
}
