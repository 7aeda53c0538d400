//! The govpki RA portal: where provincial officers register subscribers,
//! units and tokens and submit certificate requests, approvers decide
//! them, and the CA core carries them out. Web pages in Vietnamese (`/`)
//! and a JSON API (`/api/v1`), on Rocket.
//!
//! It depends on `ca-core` only and shares state with the other services
//! through its store. Its own tables (accounts, bearer tokens, web
//! sessions, requests) are in [`schema`]; the migration that makes them is
//! embedded by ca-core with the others. Authorization is decided in one
//! place, [`authz::authorize`].

pub mod accounts;
pub mod audit_view;
pub mod authz;
pub mod batches;
pub mod bulk;
pub mod certificates;
pub mod clock;
pub mod csv_file;
mod error;
mod error_code;
mod explain;
pub mod http;
pub mod import;
mod key_file;
pub mod listing;
pub mod options;
pub mod password;
mod random;
pub mod rate_limit;
pub mod registry;
pub mod reports;
pub mod request_record;
pub mod requests;
pub mod revocation;
mod role;
mod run;
pub mod schema;
pub mod sheet;
pub mod tls;
pub mod tokens;
pub mod totp;
pub mod totp_key;
pub mod user;
pub mod vn_time;
pub mod working_days;
pub mod xlsx_file;

use std::path::Path;
use std::sync::Arc;

use ca_core::Ca;

pub use accounts::client_cert;
pub use error::PortalError;
pub use error_code::ErrorCode;
pub use options::{PortalArgs, PortalOptions};
pub use role::Role;
pub use run::{figment, run, secret_key, RunConfig};
pub use tls::TlsFiles;
pub use user::User;

/// The private cookie holding the web session id.
pub const SESSION_COOKIE: &str = "govpki_session";
/// Default lifetime of a web session.
pub const SESSION_MINUTES: i64 = 8 * 60;

/// What the portal's handlers share.
pub struct PortalState {
    /// The CA.
    pub ca: Arc<Ca>,
    /// How long a web session lasts.
    pub session_ttl: chrono::Duration,
    /// The private-cookie key (base64, 256 bits).
    secret_key: String,
    /// CSV files previewed on the import page, awaiting confirmation.
    pub(crate) imports: import::Pending,
    /// The key sealing TOTP secrets in the database.
    pub totp_key: totp_key::TotpKey,
    /// Sign-in attempts per client address.
    pub sign_in_limit: rate_limit::RateLimiter,
    /// The bulk re-issue jobs running in this process.
    pub bulk: bulk::Runner,
    /// Trusted proxies and cookie security.
    pub options: PortalOptions,
}

impl PortalState {
    /// The state over `ca`, with the cookie key and the TOTP-secret key of
    /// `data_dir` (created on first use as `portal-secret-key` and
    /// `portal-totp-key`, mode 0600). Starting up also seals TOTP secrets
    /// still stored in plaintext and ends, as failed, requests an earlier
    /// run left approved but not carried out
    /// ([`requests::fail_interrupted`]).
    pub fn new(ca: Arc<Ca>, data_dir: &Path) -> Result<Self, PortalError> {
        let totp_key = totp_key::TotpKey::load_or_create(data_dir)?;
        let sealed = accounts::seal_plain_totp_secrets(ca.store(), &totp_key)?;
        if sealed > 0 {
            tracing::info!(sealed, "TOTP secrets encrypted at rest");
        }
        let failed = requests::fail_interrupted(ca.store())?;
        if !failed.is_empty() {
            tracing::warn!(?failed, "requests interrupted after approval marked failed");
        }
        Ok(Self {
            ca,
            session_ttl: chrono::Duration::minutes(SESSION_MINUTES),
            secret_key: secret_key(data_dir)?,
            imports: import::Pending::default(),
            totp_key,
            sign_in_limit: rate_limit::RateLimiter::default(),
            bulk: bulk::Runner::default(),
            options: PortalOptions::default(),
        })
    }

    /// The state with these network options.
    pub fn with_options(mut self, options: PortalOptions) -> Self {
        self.options = options;
        self
    }

    /// Starts the worker of an approved (or retried) unit change.
    pub fn start_bulk(&self, row: &requests::RequestRow) {
        if row.kind == requests::Kind::UnitChange && row.state == requests::APPROVED {
            self.bulk.spawn(Arc::clone(&self.ca), row.id);
        }
    }
}
