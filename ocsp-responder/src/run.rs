//! The responder as a [`Service`]: mounted beside the other services by
//! `govpki serve`, or alone by [`run`]; and [`OcspArgs`], its flags, shared
//! by both.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use ca_core::config::CaConfig;
use ca_core::service::{Health, Service};
use ca_core::signer::KeySpec;
use ca_core::Ca;
use rocket::fairing::AdHoc;
use rocket::{Build, Rocket};

use crate::{
    handlers, notified, refresher, NonIssued, NonceMode, Responder, ResponderConfig, ResponderError,
};

/// What the standalone binary runs with.
#[derive(Debug)]
pub struct RunConfig {
    /// The CA (data dir, database, passphrase).
    pub ca: CaConfig,
    /// Address and port to listen on (port 0: any free port).
    pub listen: SocketAddr,
    /// Seconds a client has to send a whole request head (0: no limit).
    pub header_read_timeout: u64,
    /// The responder's own settings.
    pub responder: ResponderConfig,
}

/// The responder's flags (`ocsp-responder` and `govpki serve`).
#[derive(Debug, Clone, clap::Args)]
pub struct OcspArgs {
    /// Seconds between two passes of the OCSP refresher: the safety net
    /// behind status notifications (which answer a change within
    /// seconds), and the interval of re-signing aged responses.
    #[arg(long, env = "GOVPKI_OCSP_REFRESH_SECS", default_value_t = 60)]
    pub ocsp_refresh_secs: u64,
    /// Key type of the delegated OCSP signers: rsa2048 or p256.
    #[arg(long, env = "GOVPKI_OCSP_KEY", default_value = "rsa2048")]
    pub ocsp_key: KeySpec,
    /// A request's nonce: `ignore` serves the pre-signed response (RFC
    /// 5019); `live` signs a response echoing it (bounded concurrency:
    /// excess requests get tryLater).
    #[arg(long, env = "GOVPKI_OCSP_NONCE", value_enum, default_value_t = NonceMode::Ignore)]
    pub ocsp_nonce: NonceMode,
    /// Most OCSP responses signed at once for requests (live nonces,
    /// several CertIDs, cache misses); more get tryLater at once.
    #[arg(long, env = "GOVPKI_OCSP_LIVE_LIMIT", default_value_t = 4)]
    pub ocsp_live_limit: usize,
    /// A serial the issuer never issued: `unknown`, or `revoked` (RFC 6960
    /// §2.2: revoked at 1970-01-01 with certificateHold and the extended
    /// revoke extension).
    #[arg(long, env = "GOVPKI_OCSP_NON_ISSUED", value_enum, default_value_t = NonIssued::Unknown)]
    pub ocsp_non_issued: NonIssued,
}

impl OcspArgs {
    /// The responder's configuration; refuses a delegate key type other
    /// than rsa2048 or p256.
    pub fn to_config(&self, actor: &str) -> Result<ResponderConfig, ResponderError> {
        if !matches!(self.ocsp_key, KeySpec::Rsa2048 | KeySpec::P256) {
            return Err(ResponderError::Config(
                "--ocsp-key must be rsa2048 or p256".into(),
            ));
        }
        Ok(ResponderConfig {
            refresh_interval: Duration::from_secs(self.ocsp_refresh_secs.max(1)),
            key: self.ocsp_key,
            nonce: self.ocsp_nonce,
            live_signing_limit: self.ocsp_live_limit.max(1),
            non_issued: self.ocsp_non_issued,
            actor: actor.to_owned(),
            ..ResponderConfig::default()
        })
    }
}

#[rocket::async_trait]
impl Service for Responder {
    /// `POST /ocsp` and `GET /ocsp/<base64>`, the responder as state, and
    /// the status notifications and the refresher, started once the server
    /// is up.
    fn mount(self: Arc<Self>, rocket: Rocket<Build>) -> Rocket<Build> {
        let for_refresher = Arc::clone(&self);
        rocket
            .mount("/", handlers::routes())
            .manage(self)
            .attach(AdHoc::on_liftoff("OCSP refresher", move |_| {
                Box::pin(async move {
                    notified::start(Arc::clone(&for_refresher));
                    rocket::tokio::spawn(refresher::run_forever(for_refresher));
                })
            }))
    }

    /// The database answers (2 s at most), the issuers answered for and
    /// the responses held.
    async fn health(&self) -> Health {
        handlers::health(self).await
    }

    fn metrics(&self) -> String {
        self.metrics_text()
    }
}

/// Opens the CA, builds the responder and serves until shut down.
pub fn run(config: RunConfig) -> Result<(), ResponderError> {
    let ca = Arc::new(Ca::open(config.ca)?);
    let responder = Arc::new(Responder::new(ca, config.responder)?);
    ca_core::service::serve(
        ca_core::service::rocket_config(config.listen)
            .merge(("header_read_timeout", config.header_read_timeout)),
        vec![responder],
    )
    .map_err(ResponderError::Server)
}
