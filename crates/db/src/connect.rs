//! Choosing the engine from the URL, loudly, and connecting.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::MigrateDatabase;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use crate::Db;

/// The database engines Alongside runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// Embedded SQLite.
    Sqlite,
    /// PostgreSQL server.
    Postgres,
}

impl Engine {
    /// The engine a URL names.
    ///
    /// # Errors
    /// [`ConnectError::UnknownScheme`] for any other scheme.
    pub fn from_url(url: &str) -> Result<Self, ConnectError> {
        let scheme = url.split_once(':').map(|(s, _)| s).unwrap_or_default();
        match scheme {
            "sqlite" => Ok(Engine::Sqlite),
            "postgres" | "postgresql" => Ok(Engine::Postgres),
            _ => Err(ConnectError::UnknownScheme),
        }
    }
}

/// Why the service could not connect. Each message says what to do.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// The URL names no engine we know.
    #[error(
        "DATABASE_URL must start with sqlite: (for example sqlite://data/alongside.db) or postgres:// (for example postgres://postgres@127.0.0.1:5432/alongside)"
    )]
    UnknownScheme,
    /// The SQLite file's folder does not exist; we will not guess another.
    #[error(
        "the folder {0} for the SQLite database does not exist; create it or change DATABASE_URL"
    )]
    MissingFolder(String),
    /// The URL could not be parsed.
    #[error("DATABASE_URL is not a valid database URL: {0}")]
    BadUrl(String),
    /// The server did not answer or refused us.
    #[error(
        "cannot connect to {engine} at {target}: {reason}. Is the server running and does DATABASE_URL point at it?"
    )]
    Unreachable {
        /// Engine name.
        engine: &'static str,
        /// Host and port, or file, without any password.
        target: String,
        /// What the driver said.
        reason: String,
    },
    /// The database does not exist and could not be created.
    #[error(
        "the PostgreSQL database {database} does not exist and could not be created ({reason}); create it with: createdb -h HOST -U USER {database}"
    )]
    CannotCreate {
        /// Database name.
        database: String,
        /// What the server said.
        reason: String,
    },
}

/// How many connections, and how long to wait for one.
#[derive(Debug, Clone, Copy)]
pub struct PoolSize {
    /// Most connections held open at once.
    pub max_connections: u32,
    /// How long a request waits for a free connection before failing.
    pub acquire_timeout: Duration,
}

impl Default for PoolSize {
    fn default() -> Self {
        Self {
            max_connections: 10,
            acquire_timeout: Duration::from_secs(5),
        }
    }
}

impl Db {
    /// Connects to the database a URL names, creating a SQLite file or a
    /// PostgreSQL database when it is missing. Does not migrate.
    ///
    /// # Errors
    /// A [`ConnectError`] whose message says what to change.
    pub async fn connect(url: &str) -> Result<Db, ConnectError> {
        Self::connect_with(url, PoolSize::default()).await
    }

    /// [`Db::connect`] with a chosen pool size.
    ///
    /// # Errors
    /// See [`Db::connect`].
    pub async fn connect_with(url: &str, size: PoolSize) -> Result<Db, ConnectError> {
        match Engine::from_url(url)? {
            Engine::Sqlite => connect_sqlite(url, size).await,
            Engine::Postgres => connect_postgres(url, size).await,
        }
    }
}

async fn connect_sqlite(url: &str, size: PoolSize) -> Result<Db, ConnectError> {
    let options =
        SqliteConnectOptions::from_str(url).map_err(|e| ConnectError::BadUrl(e.to_string()))?;
    let file = options.get_filename().to_path_buf();
    let in_memory = file.as_os_str() == ":memory:" || url.contains("mode=memory");
    if !in_memory {
        let folder = file
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        if !folder.is_dir() {
            return Err(ConnectError::MissingFolder(folder.display().to_string()));
        }
    }
    let options = options
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5));
    let pool = SqlitePoolOptions::new()
        .max_connections(size.max_connections)
        .acquire_timeout(size.acquire_timeout)
        .connect_with(options)
        .await
        .map_err(|e| ConnectError::Unreachable {
            engine: "SQLite",
            target: file.display().to_string(),
            reason: e.to_string(),
        })?;
    Ok(Db::Sqlite(pool))
}

async fn connect_postgres(url: &str, size: PoolSize) -> Result<Db, ConnectError> {
    let options =
        PgConnectOptions::from_str(url).map_err(|e| ConnectError::BadUrl(e.to_string()))?;
    let target = format!("{}:{}", options.get_host(), options.get_port());
    let database = options.get_database().unwrap_or("postgres").to_owned();
    let unreachable = |e: sqlx::Error| ConnectError::Unreachable {
        engine: "PostgreSQL",
        target: target.clone(),
        reason: first_line(&e.to_string()),
    };
    let exists = sqlx::Postgres::database_exists(url)
        .await
        .map_err(unreachable)?;
    if !exists {
        sqlx::Postgres::create_database(url)
            .await
            .map_err(|e| ConnectError::CannotCreate {
                database: database.clone(),
                reason: first_line(&e.to_string()),
            })?;
        tracing::info!(database, "created PostgreSQL database");
    }
    let pool = PgPoolOptions::new()
        .max_connections(size.max_connections)
        .acquire_timeout(size.acquire_timeout)
        .connect_with(options)
        .await
        .map_err(unreachable)?;
    Ok(Db::Postgres(pool))
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engines_are_chosen_by_scheme() {
        assert_eq!(
            Engine::from_url("sqlite://data/a.db").unwrap(),
            Engine::Sqlite
        );
        assert_eq!(Engine::from_url("sqlite::memory:").unwrap(), Engine::Sqlite);
        assert_eq!(
            Engine::from_url("postgres://u@h/db").unwrap(),
            Engine::Postgres
        );
        assert_eq!(
            Engine::from_url("postgresql://u@h/db").unwrap(),
            Engine::Postgres
        );
        for bad in ["mysql://u@h/db", "data/a.db", ""] {
            let err = Engine::from_url(bad).unwrap_err();
            assert!(
                err.to_string().contains("sqlite:") && err.to_string().contains("postgres://"),
                "{bad}"
            );
        }
    }

    #[tokio::test]
    async fn a_missing_sqlite_folder_is_an_error_not_a_new_file() {
        let err = Db::connect("sqlite://no-such-folder-for-alongside/x.db")
            .await
            .unwrap_err();
        assert!(
            matches!(err, ConnectError::MissingFolder(ref f) if f == "no-such-folder-for-alongside"),
            "{err}"
        );
    }

    #[tokio::test]
    async fn an_unreachable_postgres_is_one_actionable_line() {
        let err = Db::connect("postgres://postgres@127.0.0.1:1/alongside")
            .await
            .unwrap_err();
        let message = err.to_string();
        assert!(
            message.starts_with("cannot connect to PostgreSQL at 127.0.0.1:1"),
            "{message}"
        );
        assert!(!message.contains('\n'));
    }
}
