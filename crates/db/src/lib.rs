//! Alongside's data access: one layer over SQLite and PostgreSQL.
//!
//! [`Db`] holds a pool for whichever engine the URL names. Each query is
//! written once, in SQL both engines read (`$1` placeholders, `RETURNING`,
//! times passed in from the caller), and run through the crate's `query`
//! module: its parameters are a tuple in placeholder order, and it runs on a
//! `&Db` or a `&mut Tx` alike (`db.fetch_all(sql, (organisation,))`,
//! `tx.change(sql, (status, id, organisation))`). Where the dialects really
//! differ, a repository writes the part that differs for each engine.
//! [`on_db!`] and [`on_tx!`] run any other sqlx expression on either engine.
//! Repositories take `&Db` to read and `&mut Tx` to write, so one request's
//! writes, and its audit entries, commit or roll back together.
//!
//! Rows are not domain types: each repository reads a `...Row` and converts
//! it, and a row that breaks a domain rule is an error ([`DbError::Corrupt`]),
//! never silently dropped.
//!
//! Ids bind and read as themselves: the domain's id types (with its `sqlx`
//! feature) and the ids that are still plain UUIDs (through `UuidText`) are
//! stored as their hyphenated text on both engines.

pub mod accounts;
pub mod api_tokens;
pub mod audit;
mod connect;
pub mod feedback;
pub mod idempotency;
pub mod instance_keys;
pub mod invitations;
pub mod matches;
pub mod matching_runs;
pub mod memberships;
pub mod organisations;
pub mod outbox;
pub mod outcomes;
pub mod password_resets;
pub mod people;
pub mod programmes;
mod query;
pub mod questionnaires;
pub mod referrals;
pub mod reports;
pub mod sealed;
pub mod sessions;
mod stored_preferences;
pub mod supporters;
mod uuid_text;

use alongside_domain::ids::InvalidId;

pub use connect::{ConnectError, Engine};
pub(crate) use uuid_text::{UuidText, uuid_texts};

/// A pool of connections to one database, on one of the two engines.
#[derive(Clone, Debug)]
pub enum Db {
    /// An embedded SQLite file.
    Sqlite(sqlx::SqlitePool),
    /// A PostgreSQL server.
    Postgres(sqlx::PgPool),
}

/// An open transaction on either engine. Dropped without [`Tx::commit`], it
/// rolls back.
#[derive(Debug)]
pub enum Tx {
    /// A SQLite transaction.
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    /// A PostgreSQL transaction.
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

/// Runs one sqlx expression on the pool of a [`Db`], whichever engine it is.
///
/// ```text
/// on_db!(db, |pool| sqlx::query("SELECT 1").execute(pool).await)
/// ```
#[macro_export]
macro_rules! on_db {
    ($db:expr, |$pool:ident| $body:expr) => {
        match $db {
            $crate::Db::Sqlite($pool) => $body,
            $crate::Db::Postgres($pool) => $body,
        }
    };
}

/// Runs one sqlx expression on the connection of a [`Tx`].
#[macro_export]
macro_rules! on_tx {
    ($tx:expr, |$conn:ident| $body:expr) => {
        match $tx {
            $crate::Tx::Sqlite(tx) => {
                let $conn = &mut **tx;
                $body
            }
            $crate::Tx::Postgres(tx) => {
                let $conn = &mut **tx;
                $body
            }
        }
    };
}

/// What can go wrong reading or writing.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The record does not exist (or belongs to another organisation).
    #[error("not found")]
    NotFound,
    /// A unique rule was broken; the text names which, in words.
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// A stored row breaks a domain rule: a bug or a hand edit, never hidden.
    #[error("stored {entity} is invalid: {reason}")]
    Corrupt {
        /// What kind of record.
        entity: &'static str,
        /// Which rule it breaks.
        reason: String,
    },
    /// The database could not be reached or timed out.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// Anything else sqlx reports.
    #[error(transparent)]
    Sqlx(sqlx::Error),
}

impl From<sqlx::Error> for DbError {
    fn from(err: sqlx::Error) -> Self {
        match err {
            sqlx::Error::RowNotFound => DbError::NotFound,
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                DbError::Unavailable(err.to_string())
            }
            // An id column holding something that is not an id.
            sqlx::Error::ColumnDecode { index, source } => {
                match source.downcast_ref::<InvalidId>() {
                    Some(invalid) => DbError::corrupt(invalid.kind, format!("column {index}")),
                    None => DbError::Sqlx(sqlx::Error::ColumnDecode { index, source }),
                }
            }
            other => DbError::Sqlx(other),
        }
    }
}

impl DbError {
    /// Turns a unique-constraint failure into [`DbError::Conflict`] with
    /// `what` as its message; leaves any other error as it is.
    #[must_use]
    pub fn unique_as(self, what: &'static str) -> Self {
        match &self {
            DbError::Sqlx(sqlx::Error::Database(db)) if db.is_unique_violation() => {
                DbError::Conflict(what)
            }
            _ => self,
        }
    }

    pub(crate) fn corrupt(entity: &'static str, reason: impl ToString) -> Self {
        DbError::Corrupt {
            entity,
            reason: reason.to_string(),
        }
    }
}

/// Result of a repository call.
pub type DbResult<T> = Result<T, DbError>;

impl Db {
    /// Which engine this is.
    #[must_use]
    pub fn engine(&self) -> Engine {
        match self {
            Db::Sqlite(_) => Engine::Sqlite,
            Db::Postgres(_) => Engine::Postgres,
        }
    }

    /// Starts a transaction.
    ///
    /// # Errors
    /// [`DbError::Unavailable`] when no connection can be had.
    pub async fn begin(&self) -> DbResult<Tx> {
        Ok(match self {
            Db::Sqlite(pool) => Tx::Sqlite(pool.begin().await?),
            Db::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    /// Checks that the database answers, for `/readyz`.
    ///
    /// # Errors
    /// The reason it does not.
    pub async fn ping(&self) -> DbResult<()> {
        on_db!(self, |pool| sqlx::query("SELECT 1")
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// Applies every migration not yet applied. Forward-only.
    ///
    /// # Errors
    /// The migration that failed and why.
    pub async fn migrate(&self) -> DbResult<()> {
        let result = match self {
            Db::Sqlite(pool) => sqlite_migrations().run(pool).await,
            Db::Postgres(pool) => postgres_migrations().run(pool).await,
        };
        result.map_err(|e| DbError::Sqlx(sqlx::Error::Migrate(Box::new(e))))
    }

    /// Closes every connection, waiting for those in use.
    pub async fn close(&self) {
        on_db!(self, |pool| pool.close().await);
    }
}

impl Tx {
    /// Makes every write of this transaction permanent.
    ///
    /// # Errors
    /// When the database refuses the commit.
    pub async fn commit(self) -> DbResult<()> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await?,
            Tx::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }

    /// Undoes every write of this transaction and releases its locks now,
    /// rather than whenever the connection is next used (as dropping does).
    ///
    /// # Errors
    /// When the database cannot be reached to roll back.
    pub async fn rollback(self) -> DbResult<()> {
        match self {
            Tx::Sqlite(tx) => tx.rollback().await?,
            Tx::Postgres(tx) => tx.rollback().await?,
        }
        Ok(())
    }
}

/// The SQLite migrations, embedded in the binary.
#[must_use]
pub fn sqlite_migrations() -> sqlx::migrate::Migrator {
    sqlx::migrate!("./migrations/sqlite")
}

/// The PostgreSQL migrations, embedded in the binary.
#[must_use]
pub fn postgres_migrations() -> sqlx::migrate::Migrator {
    sqlx::migrate!("./migrations/postgres")
}
