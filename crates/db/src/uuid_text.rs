//! Ids that are still plain UUIDs (referrals, people, matching runs, …)
//! bind and read exactly as the domain's id types do: as their hyphenated
//! text, whatever the engine.

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

impl<DB: sqlx::Database> sqlx::Type<DB> for UuidText
where
    String: sqlx::Type<DB>,
{
    fn type_info() -> DB::TypeInfo {
        <String as sqlx::Type<DB>>::type_info()
    }

    fn compatible(ty: &DB::TypeInfo) -> bool {
        <String as sqlx::Type<DB>>::compatible(ty)
    }
}

impl<'q, DB: sqlx::Database> sqlx::Encode<'q, DB> for UuidText
where
    String: sqlx::Encode<'q, DB>,
{
    fn encode_by_ref(
        &self,
        buf: &mut DB::ArgumentBuffer<'q>,
    ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
        <String as sqlx::Encode<'q, DB>>::encode(self.0.hyphenated().to_string(), buf)
    }
}

/// A stored value that is not a UUID is an [`InvalidId`], which the
/// repositories report as a corrupt row.
impl<'r, DB: sqlx::Database> sqlx::Decode<'r, DB> for UuidText
where
    &'r str: sqlx::Decode<'r, DB>,
{
    fn decode(value: DB::ValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        let text = <&str as sqlx::Decode<'r, DB>>::decode(value)?;
        Uuid::parse_str(text)
            .map(Self)
            .map_err(|_| InvalidId { kind: "id" }.into())
    }
}
