//! What the stand-alone service binaries (`ocsp-responder`,
//! `crl-publisher`, `ra-portal`) share: the flags that locate the CA, the
//! log set-up and the exit convention (one `error:` line, non-zero exit).
//! Behind the `service` feature so the library itself needs no CLI crates.

use std::fmt::Display;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::config::CaConfig;
use crate::CaError;

/// The flags every service takes: where the CA lives and where to listen.
#[derive(Debug, Clone, clap::Args)]
pub struct ServiceArgs {
    /// Data directory of the CA: keys, the SQLite database.
    #[arg(long, env = "GOVPKI_DATA_DIR", default_value = "./govpki-data")]
    pub data_dir: PathBuf,
    /// Database URL: sqlite://PATH, a plain path, or postgres://….
    #[arg(long, env = "GOVPKI_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Configuration file (default: DATA_DIR/govpki.toml when present).
    #[arg(long, env = "GOVPKI_CONFIG")]
    pub config: Option<PathBuf>,
    /// File holding the key passphrase (else GOVPKI_KEY_PASSPHRASE).
    #[arg(long, env = "GOVPKI_KEY_PASSPHRASE_FILE")]
    pub key_passphrase_file: Option<PathBuf>,
    /// Address to listen on.
    #[arg(long, env = "GOVPKI_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
}

impl ServiceArgs {
    /// The CA these flags name (passphrase from `GOVPKI_KEY_PASSPHRASE`
    /// or the passphrase file).
    pub fn load_ca(&self) -> Result<CaConfig, CaError> {
        CaConfig::load(
            &self.data_dir,
            self.database_url.as_deref(),
            None,
            self.config.as_deref(),
            std::env::var("GOVPKI_KEY_PASSPHRASE").ok(),
            self.key_passphrase_file.as_deref(),
        )
    }
}

/// Logs to stderr, filtered by `RUST_LOG` (default: warnings, without
/// Rocket's launch banner).
pub fn init_tracing() {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
                tracing_subscriber::EnvFilter::new("warn,rocket::launch=error")
            }),
        )
        .init();
}

/// The process exit of a service: success, or its error on one line.
pub fn exit<E: Display>(result: Result<(), E>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// A fresh random key (base64 of 32 bytes) for a service's Rocket
/// `secret_key`. The OCSP responder and the CRL publisher use no private
/// cookies, but when they are built in one workspace with the RA portal
/// Rocket's `secrets` feature is on for them too, and Rocket then refuses
/// to launch in a release build without a key; an ephemeral one is right
/// for a service that never reads a cookie back.
pub fn ephemeral_secret_key() -> String {
    use base64::Engine;
    let mut bytes = [0u8; 32];
    // Should the system RNG fail, the key stays all zeros: harmless here,
    // since these services never set or read a private cookie (the RA
    // portal, which does, keeps its own key file).
    let _ = aws_lc_rs::rand::fill(&mut bytes);
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
