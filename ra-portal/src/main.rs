//! `ra-portal`: the RA portal alone, against the database of a govpki CA
//! (for deployments that scale it apart from `govpki serve`).

use std::path::PathBuf;
use std::process::ExitCode;

use ca_core::service::{self, ServiceArgs};
use clap::Parser;
use ra_portal::{PortalArgs, RunConfig, TlsFiles};

/// The govpki RA portal (web pages and /api/v1).
#[derive(Debug, Parser)]
#[command(name = "ra-portal", version, about)]
struct Args {
    #[command(flatten)]
    service: ServiceArgs,
    #[command(flatten)]
    portal: PortalArgs,
    /// Serve HTTPS with this server certificate chain (PEM); browsers may
    /// then sign in with a client certificate issued by this CA.
    #[arg(long, env = "GOVPKI_PORTAL_TLS_CERT", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The private key (PEM) of --tls-cert.
    #[arg(long, env = "GOVPKI_PORTAL_TLS_KEY", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    service::init_tracing();
    service::exit(run(args))
}

fn run(args: Args) -> anyhow::Result<()> {
    ra_portal::run(RunConfig {
        ca: args.service.load_ca()?,
        listen: args.service.listen.listen,
        header_read_timeout: args.service.listen.header_read_timeout,
        tls: args
            .tls_cert
            .zip(args.tls_key)
            .map(|(cert, key)| TlsFiles { cert, key }),
        options: args.portal.options(),
    })?;
    Ok(())
}
