//! How the repositories run their statements, written once for both engines.
//!
//! A statement is its SQL, written so both engines read it, and its
//! parameters: a tuple of the values of its placeholders, `$1` first.
//! [`Run`] runs it on the pool of a [`Db`] or in an open [`Tx`] alike, and
//! reads the rows into any [`Row`] type:
//!
//! ```text
//! let row: Row = db.fetch_one(&sql, (id, organisation)).await?;
//! tx.change("UPDATE supporters SET status = $1 WHERE id = $2 AND organisation_id = $3",
//!     (status.as_str(), id, organisation)).await?;
//! ```

use sqlx::error::BoxDynError;
use sqlx::postgres::{PgArguments, PgRow, Postgres};
use sqlx::sqlite::{Sqlite, SqliteArguments, SqliteRow};
use sqlx::{Arguments, Encode, FromRow, Type};

use crate::{Db, DbError, DbResult, Tx};

/// What a row reads into on either engine: a `#[derive(sqlx::FromRow)]`
/// struct, or a tuple of columns.
pub(crate) trait Row:
    for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}

impl<R> Row for R where R: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{}

/// One value a statement binds, stored the same way on either engine.
pub(crate) trait Param<'q>:
    'q + Send + Encode<'q, Sqlite> + Type<Sqlite> + Encode<'q, Postgres> + Type<Postgres>
{
}

impl<'q, T> Param<'q> for T where
    T: 'q + Send + Encode<'q, Sqlite> + Type<Sqlite> + Encode<'q, Postgres> + Type<Postgres>
{
}

/// The arguments of a statement on the engine it runs on, as its values are
/// added.
pub(crate) trait Binder<'q> {
    /// Adds the next value.
    ///
    /// # Errors
    /// When the value cannot be encoded.
    fn push(&mut self, value: impl Param<'q>) -> Result<(), BoxDynError>;
}

impl<'q> Binder<'q> for SqliteArguments<'q> {
    fn push(&mut self, value: impl Param<'q>) -> Result<(), BoxDynError> {
        self.add(value)
    }
}

impl<'q> Binder<'q> for PgArguments {
    fn push(&mut self, value: impl Param<'q>) -> Result<(), BoxDynError> {
        self.add(value)
    }
}

/// What stands at one place of a statement's parameters: a value, or a
/// [`Group`] of them.
pub(crate) trait Bind<'q>: Send {
    /// Adds the value, or each value in order.
    ///
    /// # Errors
    /// When a value cannot be encoded.
    fn bind(self, args: &mut impl Binder<'q>) -> Result<(), BoxDynError>;
}

impl<'q, T: Param<'q>> Bind<'q> for T {
    fn bind(self, args: &mut impl Binder<'q>) -> Result<(), BoxDynError> {
        args.push(self)
    }
}

/// Values bound one after another at one place of a statement's
/// parameters: the columns two statements share (a record's details, written
/// by its insert and its update), or a list of ids for an `IN (...)`.
pub(crate) struct Group<P>(pub P);

impl<'q, P: Params<'q>> Bind<'q> for Group<P> {
    fn bind(self, args: &mut impl Binder<'q>) -> Result<(), BoxDynError> {
        self.0.bind_all(args)
    }
}

/// The values of a statement's placeholders, `$1` first: a tuple (`()` for
/// none), or a list of values of one kind.
pub(crate) trait Params<'q>: Send {
    /// Adds every value in order.
    ///
    /// # Errors
    /// When a value cannot be encoded.
    fn bind_all(self, args: &mut impl Binder<'q>) -> Result<(), BoxDynError>;
}

impl<'q> Params<'q> for () {
    fn bind_all(self, _: &mut impl Binder<'q>) -> Result<(), BoxDynError> {
        Ok(())
    }
}

impl<'q, B: Bind<'q>> Params<'q> for Vec<B> {
    fn bind_all(self, args: &mut impl Binder<'q>) -> Result<(), BoxDynError> {
        self.into_iter().try_for_each(|value| value.bind(args))
    }
}

/// [`Params`] for the tuples of one to `n` values, given `n` pairs of a type
/// name and a variable name.
macro_rules! tuple_params {
    () => {};
    ($first:ident $first_value:ident $(, $name:ident $value:ident)*) => {
        impl<'q, $first: Bind<'q>, $($name: Bind<'q>),*> Params<'q> for ($first, $($name,)*) {
            fn bind_all(self, args: &mut impl Binder<'q>) -> Result<(), BoxDynError> {
                let ($first_value, $($value,)*) = self;
                $first_value.bind(args)?;
                $($value.bind(args)?;)*
                Ok(())
            }
        }
        tuple_params!($($name $value),*);
    };
}

tuple_params!(
    A a, B b, C c, D d, E e, F f, G g, H h, I i, J j, K k, L l, M m, N n, O o, P p, Q q, R r,
    S s, T t
);

/// `count` placeholders from `$first` on, for an `IN (...)` list:
/// `placeholders(2, 3)` is `"$2, $3, $4"`.
pub(crate) fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Where statements run.
pub(crate) enum Target<'c> {
    /// On a connection of the pool, each statement on its own.
    Pool(&'c Db),
    /// Inside an open transaction.
    Tx(&'c mut Tx),
}

fn arguments<'q, A: Binder<'q> + Default>(params: impl Params<'q>) -> Result<A, sqlx::Error> {
    let mut args = A::default();
    params.bind_all(&mut args).map_err(sqlx::Error::Encode)?;
    Ok(args)
}

/// Runs one sqlx expression on the executor of a [`Target`], with the
/// statement's parameters as that engine's arguments.
macro_rules! on_target {
    ($target:expr, $params:expr, |$executor:ident, $args:ident| $body:expr) => {
        match $target {
            Target::Pool(Db::Sqlite($executor)) => {
                let $args = arguments::<SqliteArguments>($params)?;
                $body
            }
            Target::Pool(Db::Postgres($executor)) => {
                let $args = arguments::<PgArguments>($params)?;
                $body
            }
            Target::Tx(Tx::Sqlite(tx)) => {
                let $executor = &mut **tx;
                let $args = arguments::<SqliteArguments>($params)?;
                $body
            }
            Target::Tx(Tx::Postgres(tx)) => {
                let $executor = &mut **tx;
                let $args = arguments::<PgArguments>($params)?;
                $body
            }
        }
    };
}

/// A method of [`Target`] reading rows with the sqlx method of its name.
macro_rules! fetch {
    ($method:ident -> $rows:ty) => {
        async fn $method<'q, R: Row>(
            self,
            sql: &'q str,
            params: impl Params<'q>,
        ) -> DbResult<$rows> {
            Ok(on_target!(self, params, |e, args| {
                sqlx::query_as_with(sql, args).$method(e).await
            })?)
        }
    };
}

impl Target<'_> {
    async fn execute<'q>(self, sql: &'q str, params: impl Params<'q>) -> DbResult<u64> {
        Ok(on_target!(self, params, |e, args| sqlx::query_with(
            sql, args
        )
        .execute(e)
        .await
        .map(|done| done.rows_affected()))?)
    }

    fetch!(fetch_optional -> Option<R>);
    fetch!(fetch_all -> Vec<R>);
}

/// Runs statements on the pool of a [`Db`] (`&Db`) or in an open [`Tx`]
/// (`&mut Tx`) alike.
///
/// Each method only hands its target to [`Target`]'s own, so that the
/// futures stay `Send` wherever the caller's are.
pub(crate) trait Run<'c>: Sized {
    /// Where the statements run.
    fn target(self) -> Target<'c>;

    /// Runs a statement; how many rows it changed.
    async fn execute<'q>(self, sql: &'q str, params: impl Params<'q>) -> DbResult<u64> {
        self.target().execute(sql, params).await
    }

    /// Runs a statement that changes a record which must be there: when no
    /// row changed there is none (or it is another organisation's), and that
    /// is [`DbError::NotFound`].
    async fn change<'q>(self, sql: &'q str, params: impl Params<'q>) -> DbResult<()> {
        match self.target().execute(sql, params).await? {
            0 => Err(DbError::NotFound),
            _ => Ok(()),
        }
    }

    /// The one row a query finds; none is [`DbError::NotFound`].
    async fn fetch_one<'q, R: Row>(self, sql: &'q str, params: impl Params<'q>) -> DbResult<R> {
        let row = self.target().fetch_optional(sql, params).await?;
        row.ok_or(DbError::NotFound)
    }

    /// The row a query finds, if it finds one.
    async fn fetch_optional<'q, R: Row>(
        self,
        sql: &'q str,
        params: impl Params<'q>,
    ) -> DbResult<Option<R>> {
        self.target().fetch_optional(sql, params).await
    }

    /// Every row a query finds.
    async fn fetch_all<'q, R: Row>(
        self,
        sql: &'q str,
        params: impl Params<'q>,
    ) -> DbResult<Vec<R>> {
        self.target().fetch_all(sql, params).await
    }

    /// The one value a query of one column finds; none is
    /// [`DbError::NotFound`].
    async fn scalar<'q, T>(self, sql: &'q str, params: impl Params<'q>) -> DbResult<T>
    where
        (T,): Row,
    {
        let row: Option<(T,)> = self.target().fetch_optional(sql, params).await?;
        row.map(|(value,)| value).ok_or(DbError::NotFound)
    }

    /// The value a query of one column finds, if it finds a row.
    async fn optional_scalar<'q, T>(
        self,
        sql: &'q str,
        params: impl Params<'q>,
    ) -> DbResult<Option<T>>
    where
        (T,): Row,
    {
        let row: Option<(T,)> = self.target().fetch_optional(sql, params).await?;
        Ok(row.map(|(value,)| value))
    }

    /// Every value a query of one column finds.
    async fn scalars<'q, T>(self, sql: &'q str, params: impl Params<'q>) -> DbResult<Vec<T>>
    where
        (T,): Row,
    {
        let rows: Vec<(T,)> = self.target().fetch_all(sql, params).await?;
        Ok(rows.into_iter().map(|(value,)| value).collect())
    }
}

impl<'c> Run<'c> for &'c Db {
    fn target(self) -> Target<'c> {
        Target::Pool(self)
    }
}

impl<'c> Run<'c> for &'c mut Tx {
    fn target(self) -> Target<'c> {
        Target::Tx(self)
    }
}

#[cfg(test)]
mod tests {
    use super::placeholders;

    #[test]
    fn placeholders_count_on_from_the_first() {
        assert_eq!(placeholders(2, 3), "$2, $3, $4");
        assert_eq!(placeholders(1, 1), "$1");
        assert_eq!(placeholders(1, 0), "");
    }
}
