//! A fresh, migrated database per test, on SQLite and on PostgreSQL.
//!
//! PostgreSQL: a template database is migrated once per test process (under
//! an advisory lock, as test binaries run side by side), each test gets
//! `CREATE DATABASE ... TEMPLATE`, and the database is dropped when the
//! [`TestDb`] is. Databases left by crashed runs are swept at start. The
//! server is `ALONGSIDE_TEST_POSTGRES_URL`, by default
//! `postgres://postgres@127.0.0.1:5432/postgres`; if it cannot be reached the
//! test fails, it is never skipped. Set `ALONGSIDE_TEST_KEEP_DB=1` to keep the
//! databases for a post-mortem; their names are printed.
//!
//! SQLite: a new file in a temporary folder, migrated, removed with the folder.

use std::sync::atomic::{AtomicU32, Ordering};

use alongside_db::Db;
use sqlx::Connection;
use tokio::sync::OnceCell;

/// Runs each listed `async fn name(db: TestDb)` twice: as `sqlite::name` and
/// `postgres::name`.
#[macro_export]
macro_rules! on_both_engines {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::TestDb::sqlite().await).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::TestDb::postgres().await).await
                }
            )*
        }
    };
}

/// A database made for one test.
#[derive(Debug)]
pub struct TestDb {
    /// The connected, migrated database.
    pub db: Db,
    /// Its URL, for starting a server process on it.
    pub url: String,
    cleanup: Cleanup,
}

#[derive(Debug)]
enum Cleanup {
    Sqlite(#[allow(dead_code, reason = "removes the folder when dropped")] tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

static COUNTER: AtomicU32 = AtomicU32::new(0);
static TEMPLATE: OnceCell<String> = OnceCell::const_new();

/// The PostgreSQL server tests use, connected to its maintenance database.
#[must_use]
pub fn admin_url() -> String {
    std::env::var("ALONGSIDE_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

fn keep() -> bool {
    std::env::var("ALONGSIDE_TEST_KEEP_DB").is_ok_and(|v| v == "1")
}

fn url_for(admin_url: &str, database: &str) -> String {
    let (base, _) = admin_url
        .rsplit_once('/')
        .expect("ALONGSIDE_TEST_POSTGRES_URL has a database part");
    format!("{base}/{database}")
}

impl TestDb {
    /// A new SQLite file, migrated.
    ///
    /// # Panics
    /// If the file cannot be made or migrated: the test fails.
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::Builder::new()
            .prefix("alongside-test-")
            .tempdir()
            .expect("make a temporary folder");
        let url = format!("sqlite://{}", dir.path().join("alongside.db").display());
        let db = Db::connect(&url).await.expect("open SQLite test database");
        db.migrate().await.expect("migrate SQLite test database");
        TestDb {
            db,
            url,
            cleanup: Cleanup::Sqlite(dir),
        }
    }

    /// A new PostgreSQL database copied from the migrated template.
    ///
    /// # Panics
    /// If PostgreSQL cannot be reached: the test fails, it is not skipped.
    pub async fn postgres() -> TestDb {
        let admin = admin_url();
        let template = TEMPLATE
            .get_or_init(|| prepare_template(admin.clone()))
            .await;
        let name = format!(
            "alongside_test_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap_or_else(|e| {
            panic!("PostgreSQL for tests is not reachable at {admin} ({e}); start it or set ALONGSIDE_TEST_POSTGRES_URL")
        });
        // Another process may be copying the same template this instant.
        let mut attempt: u32 = 0;
        loop {
            let result = sqlx::query(&format!(
                "CREATE DATABASE \"{name}\" TEMPLATE \"{template}\""
            ))
            .execute(&mut conn)
            .await;
            match result {
                Ok(_) => break,
                Err(e) if attempt < 20 => {
                    attempt += 1;
                    let _ = e;
                    tokio::time::sleep(std::time::Duration::from_millis(50 * u64::from(attempt)))
                        .await;
                }
                Err(e) => panic!("create test database {name}: {e}"),
            }
        }
        conn.close().await.ok();
        if keep() {
            eprintln!("keeping test database {name}");
        }
        let url = url_for(&admin, &name);
        let db = Db::connect(&url)
            .await
            .expect("connect to the test database");
        TestDb {
            db,
            url,
            cleanup: Cleanup::Postgres {
                admin_url: admin,
                name,
            },
        }
    }
}

/// Migrates the template once for this process; returns its name.
async fn prepare_template(admin: String) -> String {
    let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap_or_else(|e| {
        panic!("PostgreSQL for tests is not reachable at {admin} ({e}); start it or set ALONGSIDE_TEST_POSTGRES_URL")
    });
    // Serialise template work across test processes.
    sqlx::query("SELECT pg_advisory_lock(724101)")
        .execute(&mut conn)
        .await
        .expect("take the template lock");
    sweep_leftovers(&mut conn).await;
    let migrations = alongside_db::postgres_migrations();
    let fingerprint = migrations.iter().fold(0u64, |acc, m| {
        m.checksum
            .iter()
            .fold(acc.rotate_left(5) ^ (m.version as u64), |h, b| {
                h.wrapping_mul(31).wrapping_add(u64::from(*b))
            })
    });
    let template = format!("alongside_template_{fingerprint:016x}");
    let exists: Option<(i32,)> = sqlx::query_as("SELECT 1 FROM pg_database WHERE datname = $1")
        .bind(&template)
        .fetch_optional(&mut conn)
        .await
        .expect("look for the template");
    if exists.is_none() {
        let building = format!("{template}_building");
        sqlx::query(&format!(
            "DROP DATABASE IF EXISTS \"{building}\" WITH (FORCE)"
        ))
        .execute(&mut conn)
        .await
        .expect("drop a half-built template");
        sqlx::query(&format!("CREATE DATABASE \"{building}\""))
            .execute(&mut conn)
            .await
            .expect("create the template");
        let db = Db::connect(&url_for(&admin, &building))
            .await
            .expect("connect to the template");
        db.migrate().await.expect("migrate the template");
        db.close().await;
        // A closed pool's backends can take a while to leave on a busy
        // machine; the template is ours alone (under the lock), so end them.
        let rename = format!("ALTER DATABASE \"{building}\" RENAME TO \"{template}\"");
        let mut attempt = 0;
        while let Err(e) = sqlx::query(&rename).execute(&mut conn).await {
            attempt += 1;
            assert!(attempt < 100, "publish the template: {e}");
            sqlx::query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()")
                .bind(&building)
                .execute(&mut conn)
                .await
                .ok();
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }
    sqlx::query("SELECT pg_advisory_unlock(724101)")
        .execute(&mut conn)
        .await
        .expect("release the template lock");
    conn.close().await.ok();
    template
}

/// Drops test databases whose process has ended (a crashed or killed run).
async fn sweep_leftovers(conn: &mut sqlx::PgConnection) {
    let names: Vec<(String,)> =
        sqlx::query_as("SELECT datname FROM pg_database WHERE datname LIKE 'alongside\\_test\\_%'")
            .fetch_all(&mut *conn)
            .await
            .expect("list test databases");
    for (name,) in names {
        let pid = name
            .trim_start_matches("alongside_test_")
            .split('_')
            .next()
            .and_then(|p| p.parse::<u32>().ok());
        let alive = pid.is_some_and(|pid| std::path::Path::new(&format!("/proc/{pid}")).exists());
        if !alive && !keep() {
            sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .execute(&mut *conn)
                .await
                .ok();
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Cleanup::Postgres { admin_url, name } = &self.cleanup else {
            return;
        };
        if keep() {
            return;
        }
        let (admin_url, name) = (admin_url.clone(), name.clone());
        // Drop runs inside the test's runtime; do the async work on a thread of its own.
        let handle = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime for cleanup");
            runtime.block_on(async move {
                // FORCE ends the test's own pooled connections too.
                if let Ok(mut conn) = sqlx::PgConnection::connect(&admin_url).await {
                    sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                        .execute(&mut conn)
                        .await
                        .ok();
                    conn.close().await.ok();
                }
            });
        });
        handle.join().ok();
    }
}
