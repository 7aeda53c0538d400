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

use anyhow::Context;
use ca_core::service::{self, ListenArgs, Service};
use ca_core::Ca;
use crl_publisher::{Publisher, ScheduleArgs};
use ocsp_responder::{OcspArgs, Responder};

use super::maintenance::{self, InitArgs};

/// `govpki serve`.
#[derive(Debug, clap::Args)]
pub(super) struct ServeArgs {
    #[command(flatten)]
    listen: ListenArgs,
    #[command(flatten)]
    ocsp: OcspArgs,
    #[command(flatten)]
    crl: ScheduleArgs,
    #[command(flatten)]
    portal: ra_portal::PortalArgs,
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
    let config = args.ocsp.to_config(actor)?;
    let crl_config = args.crl.to_config(&ca.config().data_dir)?;
    let ca = if ca.issuers()?.is_empty() {
        eprintln!("no CA in this data directory and database yet: creating the demo hierarchy (init --demo)");
        maintenance::init(&ca, &InitArgs::demo(), actor)?;
        drop(ca);
        reopen()?
    } else {
        ca
    };
    let ca = Arc::new(ca);
    let data_dir = ca.config().data_dir.clone();
    let portal = Arc::new(
        ra_portal::PortalState::new(Arc::clone(&ca), &data_dir)
            .context("cannot start the RA portal")?
            .with_options(args.portal.options()),
    );
    let responder = Arc::new(
        Responder::new(Arc::clone(&ca), config).context("cannot start the OCSP responder")?,
    );
    let tls = args
        .portal_tls_cert
        .clone()
        .zip(args.portal_tls_key.clone())
        .map(|(cert, key)| ra_portal::TlsFiles { cert, key });
    let publisher = Arc::new(Publisher::new(Arc::clone(&ca), crl_config));
    let mut services: Vec<Arc<dyn Service>> = vec![responder, publisher];
    let https_portal = match &tls {
        // The HTTPS portal on its own listener, the other services on
        // plain HTTP.
        Some(files) => {
            let figment = ra_portal::figment(&ca, args.portal_listen, Some(files))
                .context("cannot configure the HTTPS portal")?
                .merge(("header_read_timeout", args.listen.header_read_timeout));
            Some(
                service::compose(rocket::custom(figment), vec![portal])
                    .attach(service::announce("portal listening on")),
            )
        }
        None => {
            services.push(portal);
            None
        }
    };
    let rocket = service::compose(
        rocket::custom(
            service::rocket_config(args.listen.listen)
                .merge(("header_read_timeout", args.listen.header_read_timeout)),
        ),
        services,
    )
    .attach(service::announce("listening on"));
    rocket::execute(async move {
        match https_portal {
            Some(portal) => rocket::tokio::try_join!(rocket.launch(), portal.launch()).map(drop),
            None => rocket.launch().await.map(drop),
        }
    })
    .map_err(|e| anyhow::anyhow!("HTTP server: {e}"))
}
