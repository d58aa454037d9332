//! The database handle: one `AnyPool` for SQLite or PostgreSQL, chosen by the URL, and the
//! migrations of each backend.

use crate::Error;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::AnyPool;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, Clone)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
    /// SQLite has one writer at a time. Writers of this process queue here instead of in
    /// SQLite's busy handler, which sleeps (1, 2, 5, 10… ms) between retries and turned a
    /// burst of concurrent writes into a trickle.
    write_gate: Arc<tokio::sync::Mutex<()>>,
    /// Signs each audit chain's head as it advances (see `store::audit`); None only for
    /// tools that load the log in bulk and sign heads themselves.
    head_key: Option<HeadKey>,
    /// Counts committed write transactions, so what is cached from the database (subjects
    /// of decisions) can tell that something changed since it was read.
    generation: Arc<std::sync::atomic::AtomicU64>,
}

/// HMAC-SHA-256 under a key derived from the server key, which signs audit chain heads.
pub type HeadKey = Arc<crate::secret::Secret<hmac::Hmac<sha2::Sha256>>>;

/// A write transaction (from [`Db::begin`]): derefs to its connection; on SQLite it also
/// holds this process's write gate until it ends.
#[derive(Debug)]
pub struct WriteTx {
    tx: sqlx::Transaction<'static, sqlx::Any>,
    _gate: Option<tokio::sync::OwnedMutexGuard<()>>,
    head_key: Option<HeadKey>,
    generation: Arc<std::sync::atomic::AtomicU64>,
}

impl WriteTx {
    /// The key audit appends in this transaction sign their chain's new head with.
    pub fn head_key(&self) -> Option<HeadKey> {
        self.head_key.clone()
    }

    pub async fn commit(self) -> sqlx::Result<()> {
        let generation = self.generation.clone();
        self.tx.commit().await?;
        generation.fetch_add(1, std::sync::atomic::Ordering::Release);
        Ok(())
    }

    /// Undoes the transaction now, before the write gate opens for the next writer.
    pub async fn rollback(self) -> sqlx::Result<()> {
        self.tx.rollback().await
    }
}

impl std::ops::Deref for WriteTx {
    type Target = sqlx::AnyConnection;

    fn deref(&self) -> &sqlx::AnyConnection {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.tx
    }
}

/// The SQLite file holds password hashes, sealed secrets and the audit log: only Foxgate's
/// user may read it. Created (or tightened) to mode 0600 before SQLite opens it; SQLite gives
/// its `-wal` and `-shm` files the database file's mode.
fn owner_only_sqlite_files(url: &str) -> Result<(), Error> {
    let options = sqlx::sqlite::SqliteConnectOptions::from_str(url)
        .map_err(|e| Error::invalid("database_url", e.to_string()))?;
    let path = options.get_filename();
    if path.as_os_str().is_empty() || path.to_string_lossy().contains(":memory:") {
        return Ok(());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        let created = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(path);
        if created.is_ok() {
            for suffix in ["", "-wal", "-shm"] {
                let mut file = path.as_os_str().to_owned();
                file.push(suffix);
                let _ = std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600));
            }
        }
    }
    Ok(())
}

impl Db {
    /// Opens a pool without touching the database, so the server can start (and report
    /// "not ready") while the database is still down.
    pub fn connect_lazy(url: &str) -> Result<Self, Error> {
        Self::connect_lazy_sized(url, None)
    }

    /// [`Db::connect_lazy`] with at most `max_connections` (None: 8 on SQLite, 16 on
    /// PostgreSQL). No code path holds one pooled connection while it waits for another (or
    /// for the write gate), so even a pool of one cannot deadlock; the integration tests run
    /// with one to keep it so.
    pub fn connect_lazy_sized(url: &str, max_connections: Option<u32>) -> Result<Self, Error> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(Error::invalid(
                "database_url",
                "must start with sqlite: or postgres:",
            ));
        };
        let options = AnyConnectOptions::from_str(url)
            .map_err(|e| Error::invalid("database_url", e.to_string()))?;
        if backend == Backend::Sqlite {
            owner_only_sqlite_files(url)?;
        }
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections.unwrap_or(match backend {
                Backend::Sqlite => 8,
                Backend::Postgres => 16,
            }))
            .acquire_timeout(Duration::from_secs(3))
            // A local SQLite file does not go stale between uses; pinging it before every
            // acquire would double the work of each one-query request (token checks).
            .test_before_acquire(backend == Backend::Postgres)
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers run beside the one writer; NORMAL is durable under WAL.
                        sqlx::query("PRAGMA journal_mode = WAL")
                            .execute(&mut *conn)
                            .await?;
                        sqlx::query("PRAGMA synchronous = NORMAL")
                            .execute(&mut *conn)
                            .await?;
                        sqlx::query("PRAGMA foreign_keys = ON")
                            .execute(&mut *conn)
                            .await?;
                        sqlx::query("PRAGMA busy_timeout = 5000")
                            .execute(&mut *conn)
                            .await?;
                        // 32 MiB of page cache per connection (SQLite's default is 2 MiB): a
                        // log of millions of events keeps its index pages in memory.
                        sqlx::query("PRAGMA cache_size = -32768")
                            .execute(&mut *conn)
                            .await?;
                    }
                    Ok(())
                })
            })
            .connect_lazy_with(options);
        Ok(Self {
            pool,
            backend,
            write_gate: Arc::default(),
            head_key: None,
            generation: Arc::default(),
        })
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// A write transaction. On SQLite it waits for this process's write gate, then takes
    /// the write lock at once (`BEGIN IMMEDIATE`): a transaction that reads first and
    /// writes later would otherwise fail with "database is locked" when another writer
    /// committed in between, instead of waiting its turn.
    pub async fn begin(&self) -> sqlx::Result<WriteTx> {
        Ok(match self.backend {
            Backend::Sqlite => {
                let gate = self.write_gate.clone().lock_owned().await;
                WriteTx {
                    tx: self.pool.begin_with("BEGIN IMMEDIATE").await?,
                    _gate: Some(gate),
                    head_key: self.head_key.clone(),
                    generation: self.generation.clone(),
                }
            }
            Backend::Postgres => WriteTx {
                tx: self.pool.begin().await?,
                _gate: None,
                head_key: self.head_key.clone(),
                generation: self.generation.clone(),
            },
        })
    }

    /// How many write transactions this process has committed: a cache entry read at an
    /// older generation may be stale.
    pub fn generation(&self) -> u64 {
        self.generation.load(std::sync::atomic::Ordering::Acquire)
    }

    /// Audit appends through this handle sign their chain heads with `key`.
    pub fn with_head_key(mut self, key: hmac::Hmac<sha2::Sha256>) -> Self {
        self.head_key = Some(Arc::new(crate::secret::Secret::new(key)));
        self
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    fn migrator(&self) -> &'static Migrator {
        match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        }
    }

    /// Applies the pending migrations; returns the versions it applied.
    pub async fn migrate(&self) -> Result<Vec<i64>, Error> {
        // A database never migrated has no table of applied versions yet.
        let before: Vec<i64> =
            sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success = TRUE")
                .fetch_all(&self.pool)
                .await
                .unwrap_or_default();
        self.migrator()
            .run(&self.pool)
            .await
            .map_err(|e| Error::internal(format!("migrations failed: {e}")))?;
        Ok(self
            .migrator()
            .iter()
            .map(|m| m.version)
            .filter(|v| !before.contains(v))
            .collect())
    }

    /// Ok when the database answers and every migration this build knows is applied;
    /// otherwise a reason fit for `/readyz`.
    pub async fn readiness(&self) -> Result<(), String> {
        let applied: Vec<i64> =
            sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success = TRUE")
                .fetch_all(&self.pool)
                .await
                .map_err(|e| match e {
                    sqlx::Error::Database(_) => "migrations have not been applied".to_string(),
                    _ => "database unreachable".to_string(),
                })?;
        match self
            .migrator()
            .iter()
            .find(|m| !applied.contains(&m.version))
        {
            Some(m) => Err(format!(
                "migration {} ({}) is not applied",
                m.version, m.description
            )),
            None => Ok(()),
        }
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}
