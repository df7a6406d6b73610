//! Ids that are still plain UUIDs (referrals, people, matching runs, …)
//! bind and read exactly as the domain's id types do, through the same
//! [`alongside_domain::stored_as_text!`]: as their hyphenated text, whatever
//! the engine.

use std::fmt;
use std::str::FromStr;

use alongside_domain::ids::InvalidId;
use uuid::Uuid;

/// A plain [`Uuid`] as a query parameter or a column: `UuidText(id)` among
/// a statement's parameters, and a row field of this type for an id column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct UuidText(pub Uuid);

/// Each of `ids` as a query parameter, for an `IN (...)` list.
pub(crate) fn uuid_texts(ids: &[Uuid]) -> Vec<UuidText> {
    ids.iter().copied().map(UuidText).collect()
}

impl From<UuidText> for Uuid {
    fn from(value: UuidText) -> Self {
        value.0
    }
}

impl fmt::Display for UuidText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

/// A stored value that is not a UUID is an [`InvalidId`], which the
/// repositories report as a corrupt row.
impl FromStr for UuidText {
    type Err = InvalidId;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uuid::parse_str(s)
            .map(Self)
            .map_err(|_| InvalidId { kind: "id" })
    }
}

alongside_domain::stored_as_text!(UuidText);
