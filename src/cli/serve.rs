//! `govpki serve`: every HTTP service built so far (the RA portal, the
//! OCSP responder, the CRL publisher and the trust chain) in one process on
//! one port, with one `/healthz` and one `/metrics` over all of them — or,
//! with `--portal-tls-cert`, the portal on its own HTTPS port (client
//! certificates accepted) beside the plain-HTTP services. On a
//! data dir and database with no CA yet it first creates the demo
//! hierarchy, as `init --demo` does.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use ca_core::signer::KeySpec;
use ca_core::Ca;
use crl_publisher::{Publisher, ScheduleArgs};
use ocsp_responder::{NonIssued, NonceMode, Responder, ResponderConfig};
use rocket::http::ContentType;
use rocket::State;

use super::maintenance::{self, InitArgs};

/// `govpki serve`.
#[derive(Debug, clap::Args)]
pub(super) struct ServeArgs {
    /// Address to listen on (port 0: any free port, printed once bound).
    #[arg(long, env = "GOVPKI_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Seconds between two passes of the OCSP refresher (new and changed
    /// statuses are answered within this bound).
    #[arg(long, env = "GOVPKI_OCSP_REFRESH_SECS", default_value_t = 60)]
    ocsp_refresh_secs: u64,
    /// Key type of the delegated OCSP signers: rsa2048 or p256.
    #[arg(long, env = "GOVPKI_OCSP_KEY", default_value = "rsa2048")]
    ocsp_key: KeySpec,
    /// A request's nonce: `ignore` serves the pre-signed response (RFC
    /// 5019); `live` signs a response echoing it (bounded concurrency:
    /// excess requests get tryLater).
    #[arg(long, env = "GOVPKI_OCSP_NONCE", value_enum, default_value_t = NonceMode::Ignore)]
    ocsp_nonce: NonceMode,
    /// Most OCSP responses signed at once for requests (live nonces,
    /// several CertIDs, cache misses); more get tryLater at once.
    #[arg(long, env = "GOVPKI_OCSP_LIVE_LIMIT", default_value_t = 4)]
    ocsp_live_limit: usize,
    /// A serial the issuer never issued: `unknown`, or `revoked` (RFC 6960
    /// §2.2: revoked at 1970-01-01 with certificateHold and the extended
    /// revoke extension).
    #[arg(long, env = "GOVPKI_OCSP_NON_ISSUED", value_enum, default_value_t = NonIssued::Unknown)]
    ocsp_non_issued: NonIssued,
    #[command(flatten)]
    crl: ScheduleArgs,
    /// Serve the RA portal over HTTPS with this server certificate chain
    /// (PEM), on --portal-listen instead of --listen; officers may then
    /// sign in with a client certificate issued by this CA. OCSP, CRLs and
    /// the chain stay on plain HTTP at --listen.
    #[arg(long, env = "GOVPKI_PORTAL_TLS_CERT", requires = "portal_tls_key")]
    portal_tls_cert: Option<PathBuf>,
    /// The private key (PEM) of --portal-tls-cert.
    #[arg(long, env = "GOVPKI_PORTAL_TLS_KEY", requires = "portal_tls_cert")]
    portal_tls_key: Option<PathBuf>,
    /// Where the HTTPS portal listens (with --portal-tls-cert).
    #[arg(long, env = "GOVPKI_PORTAL_LISTEN", default_value = "127.0.0.1:8443")]
    portal_listen: SocketAddr,
}

/// Serves until interrupted. `reopen` opens the CA again after a demo
/// `init` (which may have written the demo passphrase file).
pub(super) fn serve(
    ca: Ca,
    reopen: impl FnOnce() -> anyhow::Result<Ca>,
    args: &ServeArgs,
    actor: &str,
) -> anyhow::Result<()> {
    if !matches!(args.ocsp_key, KeySpec::Rsa2048 | KeySpec::P256) {
        anyhow::bail!("--ocsp-key must be rsa2048 or p256");
    }
    let crl_config = args.crl.to_config(&ca.config().data_dir)?;
    let ca = if ca.issuers()?.is_empty() {
        eprintln!("no CA in this data directory and database yet: creating the demo hierarchy (init --demo)");
        maintenance::init(&ca, &InitArgs::demo(), actor)?;
        drop(ca);
        reopen()?
    } else {
        ca
    };
    let config = ResponderConfig {
        refresh_interval: Duration::from_secs(args.ocsp_refresh_secs.max(1)),
        key: args.ocsp_key,
        nonce: args.ocsp_nonce,
        live_signing_limit: args.ocsp_live_limit.max(1),
        non_issued: args.ocsp_non_issued,
        actor: actor.to_owned(),
        ..ResponderConfig::default()
    };
    let ca = Arc::new(ca);
    let data_dir = ca.config().data_dir.clone();
    let portal = Arc::new(
        ra_portal::PortalState::new(Arc::clone(&ca), &data_dir)
            .context("cannot start the RA portal")?,
    );
    let responder = Arc::new(
        Responder::new(Arc::clone(&ca), config).context("cannot start the OCSP responder")?,
    );
    let tls = args
        .portal_tls_cert
        .clone()
        .zip(args.portal_tls_key.clone())
        .map(|(cert, key)| ra_portal::TlsFiles { cert, key });
    // The HTTPS portal on its own listener, when asked for.
    let https_portal = match &tls {
        Some(files) => {
            let figment = ra_portal::figment(&ca, args.portal_listen, Some(files))
                .context("cannot configure the HTTPS portal")?;
            Some(ra_portal::mount(
                rocket::custom(figment),
                Arc::clone(&portal),
            ))
        }
        None => None,
    };
    let publisher = Arc::new(Publisher::new(ca, crl_config));
    let rocket = rocket::custom(ocsp_responder::rocket_config(args.listen));
    let rocket = ocsp_responder::mount_service(rocket, responder);
    let rocket = crl_publisher::mount(rocket, publisher);
    let rocket = if https_portal.is_some() {
        rocket
    } else {
        ra_portal::mount(rocket, portal)
    }
    .mount("/", rocket::routes![healthz, metrics])
    .attach(ocsp_responder::announce_listening());
    rocket::execute(async move {
        match https_portal {
            Some(portal) => {
                let portal = portal.attach(ra_portal::announce("portal listening on"));
                rocket::tokio::try_join!(rocket.launch(), portal.launch()).map(drop)
            }
            None => rocket.launch().await.map(drop),
        }
    })
    .map_err(|e| anyhow::anyhow!("HTTP server: {e}"))
}

/// `GET /healthz`: the OCSP responder's view of the database (`ok` or
/// `degraded`) and whether this process is the active CRL publisher.
#[rocket::get("/healthz")]
async fn healthz(
    responder: &State<Arc<Responder>>,
    publisher: &State<Arc<Publisher>>,
) -> (ContentType, String) {
    let mut body = ocsp_responder::health(Arc::clone(responder.inner())).await;
    body["crl_publisher"] = if publisher.is_active() {
        "active".into()
    } else {
        "standby".into()
    };
    if !publisher.last_run_ok() {
        body["status"] = "degraded".into();
        body["crl"] = "last run failed".into();
    }
    (ContentType::JSON, body.to_string())
}

/// `GET /metrics`: every service's metrics (Prometheus text).
#[rocket::get("/metrics")]
fn metrics(
    responder: &State<Arc<Responder>>,
    publisher: &State<Arc<Publisher>>,
) -> (ContentType, String) {
    let text = format!("{}{}", responder.metrics_text(), publisher.metrics_text());
    let content_type =
        ContentType::new("text", "plain").with_params([("version", "0.0.4"), ("charset", "utf-8")]);
    (content_type, text)
}
