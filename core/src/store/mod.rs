//! The SQL store: one module per table family, each a set of plain async fns over an
//! `AnyConnection`, so the same SQL (with `$n` placeholders) runs on SQLite and PostgreSQL.

pub mod applications;
pub mod audit;
mod db;
pub mod domains;
pub mod events;
pub mod grants;
pub mod identities;
pub mod identity_providers;
pub mod orgs;
pub mod retention;
pub mod roles;
pub mod scripts;
pub mod sessions;
pub mod signing_keys;
pub(crate) mod sql;
pub mod submissions;
pub mod teams;
pub mod tokens;
pub mod users;

pub use db::{Backend, Db, WriteTx};

/// The migration that added signatures to audit chain heads (0010).
pub const HEAD_SIGNING_MIGRATION: i64 = 10;

/// A day in milliseconds (events are counted per UTC day).
pub const DAY_MS: i64 = 86_400_000;

/// Current time as UTC unix milliseconds, the unit of every `*_at` column.
pub fn now_ms() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

/// A new time-ordered id (UUIDv7), so ids sort by creation and index well.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// A stored value this build cannot read: an internal error naming the row (logged with its
/// id), never a default that would quietly change what the row means.
pub(crate) fn corrupt(
    table: &str,
    id: &str,
    column: &str,
    why: impl std::fmt::Display,
) -> sqlx::Error {
    tracing::error!(table, id, column, %why, "a stored value is corrupt");
    sqlx::Error::Decode(format!("{table} row {id}: column {column}: {why}").into())
}

/// True when a database error is a unique-constraint violation (same meaning on both backends).
pub fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.is_unique_violation())
}
