//! Errors of the storage area.

/// What went wrong talking to the database.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database URL is neither `sqlite://PATH`, a plain path, nor
    /// `postgres://…`.
    #[error("database URL {url:?} not understood: {reason}")]
    BadUrl {
        /// The URL as given (without its password).
        url: String,
        /// Why it was refused.
        reason: &'static str,
    },
    /// The pool could not hand out a connection (database down, wrong URL,
    /// too many clients).
    #[error("cannot connect to the database: {0}")]
    Connect(String),
    /// The embedded migrations failed.
    #[error("database migration failed: {0}")]
    Migration(String),
    /// A query failed.
    #[error("database error: {0}")]
    Query(#[from] diesel::result::Error),
    /// A row holds something this version cannot read (edited by hand or
    /// written by a newer version).
    #[error("corrupt row in {table}: {detail}")]
    Corrupt {
        /// The table.
        table: &'static str,
        /// What is wrong.
        detail: String,
    },
}

impl From<diesel::r2d2::PoolError> for StoreError {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        Self::Connect(e.to_string())
    }
}
