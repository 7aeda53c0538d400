//! `ocsp-responder`: the OCSP service alone, against the database of a
//! govpki CA (for deployments that scale it apart from `govpki serve`).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use ca_core::config::CaConfig;
use ca_core::signer::KeySpec;
use clap::Parser;
use ocsp_responder::{NonIssued, NonceMode, ResponderConfig, RunConfig};

/// The govpki OCSP responder (RFC 6960 / RFC 5019).
#[derive(Debug, Parser)]
#[command(name = "ocsp-responder", version, about)]
struct Args {
    /// Data directory of the CA: keys, the SQLite database.
    #[arg(long, env = "GOVPKI_DATA_DIR", default_value = "./govpki-data")]
    data_dir: PathBuf,
    /// Database URL: sqlite://PATH, a plain path, or postgres://….
    #[arg(long, env = "GOVPKI_DATABASE_URL")]
    database_url: Option<String>,
    /// Configuration file (default: DATA_DIR/govpki.toml when present).
    #[arg(long, env = "GOVPKI_CONFIG")]
    config: Option<PathBuf>,
    /// File holding the key passphrase (else GOVPKI_KEY_PASSPHRASE).
    #[arg(long, env = "GOVPKI_KEY_PASSPHRASE_FILE")]
    key_passphrase_file: Option<PathBuf>,
    /// Address to listen on.
    #[arg(long, env = "GOVPKI_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
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
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
                tracing_subscriber::EnvFilter::new("warn,rocket::launch=error")
            }),
        )
        .init();
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Args) -> anyhow::Result<()> {
    let passphrase = std::env::var("GOVPKI_KEY_PASSPHRASE").ok();
    let ca = CaConfig::load(
        &args.data_dir,
        args.database_url.as_deref(),
        None,
        args.config.as_deref(),
        passphrase,
        args.key_passphrase_file.as_deref(),
    )?;
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
        listen: args.listen,
        responder,
    })?;
    Ok(())
}
