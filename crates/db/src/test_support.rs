//! Throw-away databases for tests, on SQLite and (when `TANDEM_TEST_POSTGRES_URL` is set) on a
//! real PostgreSQL server. Each PostgreSQL test database is a fresh schema, so tests run in
//! parallel without seeing each other's rows.
//!
//! Enabled by the `test-support` feature; the crates that keep tables in the group database use it
//! from their dev-dependencies so that one suite runs against both backends.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::{Backend, Database, Result};

/// The environment variable naming the PostgreSQL server used by tests.
pub const POSTGRES_URL_VAR: &str = "TANDEM_TEST_POSTGRES_URL";

/// A database that lives as long as one test.
pub struct TestDb {
    /// The migrated database.
    pub db: Database,
    // Keeps the SQLite file's folder alive.
    _dir: Option<tempfile::TempDir>,
    schema: Option<(String, String)>,
    reopen_spec: String,
}

impl std::ops::Deref for TestDb {
    type Target = Database;
    fn deref(&self) -> &Database {
        &self.db
    }
}

impl TestDb {
    /// A fresh SQLite file in a temporary folder.
    pub async fn sqlite() -> Result<TestDb> {
        let dir = tempfile::tempdir().map_err(|source| crate::DbError::DataDir {
            path: std::env::temp_dir(),
            source,
        })?;
        let db = Database::open_in_data_dir(dir.path()).await?;
        let reopen_spec = dir
            .path()
            .join(crate::SQLITE_FILE_NAME)
            .display()
            .to_string();
        Ok(TestDb {
            db,
            _dir: Some(dir),
            schema: None,
            reopen_spec,
        })
    }

    /// A fresh schema on the PostgreSQL server named by `TANDEM_TEST_POSTGRES_URL`, or `None`
    /// (after printing why) when the variable is unset.
    pub async fn postgres(test_name: &str) -> Result<Option<TestDb>> {
        let Ok(url) = std::env::var(POSTGRES_URL_VAR) else {
            eprintln!(
                "{test_name}: skipping the PostgreSQL run: {POSTGRES_URL_VAR} is not set \
                 (CI sets it after starting a server; see .ci/run)"
            );
            return Ok(None);
        };
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let schema = format!(
            "t_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            &crate::random_token()[..8]
        );
        sqlx::any::install_default_drivers();
        {
            use sqlx::Connection;
            let mut admin = sqlx::AnyConnection::connect(&url).await?;
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
                .execute(&mut admin)
                .await?;
            admin.close().await?;
        }
        // Every connection of the pool starts with the test's schema first on its search path, so
        // the migrations and all unqualified table names land there.
        let separator = if url.contains('?') { '&' } else { '?' };
        let scoped = format!("{url}{separator}options=-c%20search_path%3D{schema}");
        let db = Database::connect_postgres(&scoped).await?;
        assert_eq!(db.backend(), Backend::Postgres);
        Ok(Some(TestDb {
            db,
            _dir: None,
            schema: Some((url, schema)),
            reopen_spec: scoped,
        }))
    }

    /// What [`Database::open`] (and `tandem ... --database`) takes to reach this database: the
    /// SQLite file's path, or the PostgreSQL URL scoped to the test's schema.
    pub fn spec(&self) -> &str {
        &self.reopen_spec
    }

    /// Opens a second pool on the same database (migrations run again and must change nothing).
    pub async fn reopen(&self) -> Result<Database> {
        Database::open(&self.reopen_spec).await
    }

    /// Closes the pool and drops the PostgreSQL schema (a no-op on SQLite, whose folder is removed
    /// on drop). A test that panics leaves its schema behind, named `t_PID_...`, for inspection.
    pub async fn finish(self) -> Result<()> {
        self.db.close().await;
        if let Some((url, schema)) = &self.schema {
            use sqlx::Connection;
            let mut admin = sqlx::AnyConnection::connect(url).await?;
            sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
                .execute(&mut admin)
                .await?;
            admin.close().await?;
        }
        Ok(())
    }
}

/// Defines one async test per backend: `NAME::sqlite` always runs, `NAME::postgres` runs against
/// the server in `TANDEM_TEST_POSTGRES_URL` and prints a reason and passes when it is unset.
///
/// ```ignore
/// tandem_db::backend_tests! {
///     async fn creates_users(db: &TestDb) { ... }
/// }
/// ```
#[macro_export]
macro_rules! backend_tests {
    ($(async fn $name:ident($db:ident : &TestDb) $body:block)*) => {
        $(
            mod $name {
                #[allow(unused_imports)]
                use super::*;

                async fn body($db: &$crate::test_support::TestDb) $body

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let db = $crate::test_support::TestDb::sqlite().await.expect("open SQLite test database");
                    body(&db).await;
                    db.finish().await.expect("clean up");
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    let name = concat!(module_path!(), "::postgres");
                    let Some(db) = $crate::test_support::TestDb::postgres(name)
                        .await
                        .expect("open PostgreSQL test schema")
                    else {
                        return;
                    };
                    body(&db).await;
                    db.finish().await.expect("clean up");
                }
            }
        )*
    };
}
