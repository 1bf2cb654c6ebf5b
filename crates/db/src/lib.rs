//! The group database: one SQL schema, run on SQLite (the default: a file in the data folder, WAL
//! mode) or PostgreSQL (`--database postgres://...`), through sqlx's `Any` driver so that the same
//! queries and the same tests serve both.
//!
//! Queries use `$1, $2, ...` placeholders in ascending order: PostgreSQL requires them and sqlx's
//! SQLite driver binds them by number. Integers are 64-bit everywhere and times are Unix seconds,
//! the common ground of the two backends.

pub mod accounts;
pub mod audit;
pub mod institutions;
pub mod sessions;
#[cfg(feature = "test-support")]
pub mod test_support;

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Executor};

pub use accounts::{Role, User, set_password_link};
pub use audit::AuditEntry;
pub use institutions::Institution;
pub use sessions::Session;

/// The file name of the SQLite database inside a data folder.
pub const SQLITE_FILE_NAME: &str = "tandem.db";

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// Errors from the group database.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The database could not be reached or a statement failed.
    #[error("database error: {0}")]
    Sql(#[from] sqlx::Error),
    /// A migration could not be applied.
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The data folder for the SQLite file could not be created.
    #[error("cannot create data folder {path}: {source}")]
    DataDir {
        /// The folder that could not be created.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A `--database` value that is neither a path nor a sqlite:// or postgres:// URL.
    #[error("unsupported database '{0}': expected a file path, sqlite://PATH or postgres://...")]
    UnsupportedUrl(String),
    /// Input that breaks a rule of the data model (a bad e-mail, an unknown institution, ...).
    #[error("{0}")]
    Invalid(String),
    /// A record that was asked for by key does not exist.
    #[error("{0} not found")]
    NotFound(String),
    /// A record with the same key already exists.
    #[error("{0} already exists")]
    Conflict(String),
    /// Password hashing failed (never happens with valid parameters; kept as an error, not a panic).
    #[error("password hashing failed: {0}")]
    PasswordHash(String),
}

/// Result type of this crate.
pub type Result<T, E = DbError> = std::result::Result<T, E>;

/// Which SQL engine a [`Database`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// An SQLite file (the default).
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// A connection pool to the group database, migrated to the current schema.
#[derive(Clone, Debug)]
pub struct Database {
    pool: AnyPool,
    backend: Backend,
}

impl Database {
    /// Opens the database named by `spec`: a `postgres://` URL, a `sqlite://` URL, or a path to an
    /// SQLite file. Creates the SQLite file (and its folder) if needed and applies migrations.
    pub async fn open(spec: &str) -> Result<Self> {
        if spec.starts_with("postgres://") || spec.starts_with("postgresql://") {
            Self::connect_postgres(spec).await
        } else if let Some(path) = spec.strip_prefix("sqlite://") {
            Self::open_sqlite_file(Path::new(path)).await
        } else if spec.contains("://") {
            Err(DbError::UnsupportedUrl(spec.to_string()))
        } else {
            Self::open_sqlite_file(Path::new(spec)).await
        }
    }

    /// Opens (creating on first start) `DATA_DIR/tandem.db`, the default database.
    pub async fn open_in_data_dir(data_dir: &Path) -> Result<Self> {
        Self::open_sqlite_file(&data_dir.join(SQLITE_FILE_NAME)).await
    }

    /// Opens an SQLite file, creating it and its folder if needed, in WAL mode.
    pub async fn open_sqlite_file(path: &Path) -> Result<Self> {
        sqlx::any::install_default_drivers();
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| DbError::DataDir {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        let url = format!("sqlite://{}?mode=rwc", path.display());
        let options = AnyConnectOptions::from_str(&url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(8)
            .after_connect(|conn, _meta| {
                Box::pin(async move {
                    // Per-connection settings: SQLite forgets them between connections.
                    conn.execute("PRAGMA foreign_keys = ON").await?;
                    conn.execute("PRAGMA busy_timeout = 5000").await?;
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        // WAL is a property of the file, so setting it once is enough; readers then never block
        // the writer, which matters for a web server.
        pool.execute("PRAGMA journal_mode = WAL").await?;
        SQLITE_MIGRATIONS.run(&pool).await?;
        Ok(Database {
            pool,
            backend: Backend::Sqlite,
        })
    }

    /// Connects to a PostgreSQL server and applies migrations.
    pub async fn connect_postgres(url: &str) -> Result<Self> {
        sqlx::any::install_default_drivers();
        let pool = AnyPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await?;
        POSTGRES_MIGRATIONS.run(&pool).await?;
        Ok(Database {
            pool,
            backend: Backend::Postgres,
        })
    }

    /// The connection pool, for crates that keep their own tables in this database.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Which engine this database runs on.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Closes every connection (waits for checked-out ones to come back).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// The current time in Unix seconds.
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// A fresh random token of 32 bytes, hex-encoded (256 bits: unguessable, safe in URLs and cookies).
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system's random source is unavailable");
    hex::encode(bytes)
}

/// The SHA-256 of a token, hex-encoded. Only this is stored, so a leaked database holds no usable
/// session or set-password token.
pub fn token_hash(token: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(token.as_bytes()))
}
