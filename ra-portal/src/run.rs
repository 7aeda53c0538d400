//! The portal as a [`Service`] (mounted alone by [`run`], or beside the
//! other services by `govpki serve`), its cookie key, and the Rocket
//! configuration of a portal on its own (possibly HTTPS) listener.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use ca_core::config::CaConfig;
use ca_core::service::{Health, Service};
use ca_core::Ca;
use rocket::figment::Figment;
use rocket::{Build, Rocket};

use crate::error::PortalError;
use crate::http::{api, web};
use crate::tls::TlsFiles;
use crate::{bulk, import, PortalState};

/// The file in the data directory holding the private-cookie key.
const SECRET_KEY_FILE: &str = "portal-secret-key";

/// What the standalone binary runs with.
#[derive(Debug)]
pub struct RunConfig {
    /// The CA (data dir, database, passphrase).
    pub ca: CaConfig,
    /// Address and port to listen on (port 0: any free port).
    pub listen: SocketAddr,
    /// Seconds a client has to send a whole request head (0: no limit).
    pub header_read_timeout: u64,
    /// HTTPS with client certificates of this CA; `None`: plain HTTP.
    pub tls: Option<TlsFiles>,
    /// Trusted proxies and cookie security.
    pub options: crate::PortalOptions,
}

#[rocket::async_trait]
impl Service for PortalState {
    /// Mounts the pages at `/` (and `/static/…`), the API at `/api/v1`
    /// with its JSON catchers, sets the private-cookie key and manages the
    /// state. Bulk re-issue jobs left unfinished by a stopped process start
    /// again.
    fn mount(self: Arc<Self>, rocket: Rocket<Build>) -> Rocket<Build> {
        match bulk::resume(&self.ca, &self.bulk) {
            Ok(0) => {}
            Ok(n) => tracing::info!(jobs = n, "resuming unfinished bulk re-issue jobs"),
            Err(e) => tracing::error!(error = %e, "cannot resume the bulk re-issue jobs"),
        }
        let figment = rocket
            .figment()
            .clone()
            .merge(("secret_key", self.secret_key.clone()))
            // The CSV import page uploads files of up to 5 MiB (the CSR
            // fields keep their own 8 KiB cap).
            .merge(("limits.file", import::MAX_BYTES + 64 * 1024))
            .merge(("limits.data-form", import::MAX_BYTES + 256 * 1024));
        rocket
            .configure(figment)
            .mount("/", web::routes())
            .attach(crate::http::hardening::Hardening)
            .attach(crate::http::compression::Gzip)
            .mount(api::BASE, api::routes())
            .register(api::BASE, api::catchers())
            .manage(self)
    }

    /// The portal has nothing of its own to report: its database is the
    /// CA's, which the OCSP responder's health pings.
    async fn health(&self) -> Health {
        Health::default()
    }
}

/// The private-cookie key of a data directory (base64 of 32 random
/// bytes), generated into `portal-secret-key` (0600) when missing. Every
/// portal instance sharing the data directory shares the key, so a
/// session cookie made by one is read by the others.
pub fn secret_key(data_dir: &Path) -> Result<String, PortalError> {
    crate::key_file::key_file(data_dir, SECRET_KEY_FILE)
}

/// The Rocket configuration of a portal served on its own listener:
/// the services' one ([`ca_core::service::rocket_config`]), with HTTPS and
/// client certificates when `tls` is given.
pub fn figment(
    ca: &Ca,
    listen: SocketAddr,
    tls: Option<&TlsFiles>,
) -> Result<Figment, PortalError> {
    let figment = ca_core::service::rocket_config(listen);
    match tls {
        Some(files) => crate::tls::configure(figment, ca, files),
        None => Ok(figment),
    }
}

/// Opens the CA and serves the portal alone until shut down.
pub fn run(config: RunConfig) -> Result<(), PortalError> {
    let data_dir = config.ca.data_dir.clone();
    let ca = Arc::new(Ca::open(config.ca)?);
    let state = Arc::new(PortalState::new(ca, &data_dir)?.with_options(config.options));
    let figment = figment(&state.ca, config.listen, config.tls.as_ref())?
        .merge(("header_read_timeout", config.header_read_timeout));
    ca_core::service::serve(figment, vec![state])
        .map_err(|e| PortalError::Internal(format!("HTTP server: {e}")))
}
