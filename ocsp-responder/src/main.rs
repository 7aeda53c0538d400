//! `ocsp-responder`: the OCSP service alone, against the database of a
//! govpki CA (for deployments that scale it apart from `govpki serve`).

use std::process::ExitCode;
use std::time::Duration;

use ca_core::service::{self, ServiceArgs};
use ca_core::signer::KeySpec;
use clap::Parser;
use ocsp_responder::{NonIssued, NonceMode, ResponderConfig, RunConfig};

/// The govpki OCSP responder (RFC 6960 / RFC 5019).
#[derive(Debug, Parser)]
#[command(name = "ocsp-responder", version, about)]
struct Args {
    #[command(flatten)]
    service: ServiceArgs,
    /// Seconds between two passes of the refresher.
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
}

fn main() -> ExitCode {
    let args = Args::parse();
    service::init_tracing();
    service::exit(run(args))
}

fn run(args: Args) -> anyhow::Result<()> {
    let ca = args.service.load_ca()?;
    let responder = ResponderConfig {
        refresh_interval: Duration::from_secs(args.ocsp_refresh_secs.max(1)),
        key: args.ocsp_key,
        nonce: args.ocsp_nonce,
        live_signing_limit: args.ocsp_live_limit.max(1),
        non_issued: args.ocsp_non_issued,
        ..ResponderConfig::default()
    };
    ocsp_responder::run(RunConfig {
        ca,
        listen: args.service.listen,
        responder,
    })?;
    Ok(())
}
