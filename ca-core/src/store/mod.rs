//! Storage: one connection type over SQLite (bundled) and PostgreSQL, chosen
//! explicitly from the database URL, an r2d2 pool, and the embedded
//! migrations of both backends. Everything the CA knows lives here; the
//! services share state only through these tables.

mod connection;
mod error;
pub mod models;
pub(crate) mod schema;
mod text_enum;
mod url;

pub use connection::{DbConnection, Pool, Store};
pub use error::StoreError;
pub use url::DatabaseUrl;
