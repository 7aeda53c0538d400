//! What the `govpki` CLI and the service binaries (`ocsp-responder`,
//! `crl-publisher`, `ra-portal`) share: the flags that locate the CA and
//! where to listen (one definition, [`CaArgs`] and [`ServiceArgs`]), the
//! log set-up, the exit convention (one `error:` line, non-zero exit), and
//! in [`http`] the [`Service`] interface every HTTP component offers.
//! Behind the `service` feature so the library itself needs no CLI or
//! HTTP crates.

mod http;

pub use http::{
    announce, compose, rocket_config, serve, Health, Service, DEFAULT_HEADER_READ_TIMEOUT_SECS,
};

use std::fmt::Display;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::config::CaConfig;
use crate::CaError;

/// The flags that locate a CA: every `govpki` command and every service
/// binary takes them.
#[derive(Debug, Clone, clap::Args)]
pub struct CaArgs {
    /// Data directory: keys, the SQLite database, demo files.
    #[arg(
        long,
        global = true,
        env = "GOVPKI_DATA_DIR",
        default_value = "./govpki-data"
    )]
    pub data_dir: PathBuf,
    /// Database URL: sqlite://PATH, a plain path, or postgres://… (default: SQLite in the data dir).
    #[arg(long, global = true, env = "GOVPKI_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Configuration file (default: DATA_DIR/govpki.toml when present).
    #[arg(long, global = true, env = "GOVPKI_CONFIG")]
    pub config: Option<PathBuf>,
    /// File holding the key passphrase (else GOVPKI_KEY_PASSPHRASE).
    #[arg(long, global = true, env = "GOVPKI_KEY_PASSPHRASE_FILE")]
    pub key_passphrase_file: Option<PathBuf>,
}

impl CaArgs {
    /// The CA these flags name (passphrase from `GOVPKI_KEY_PASSPHRASE`
    /// or the passphrase file), with the public base URL to record at
    /// `init` when one is given.
    pub fn load(&self, public_url: Option<&str>) -> Result<CaConfig, CaError> {
        CaConfig::load(
            &self.data_dir,
            self.database_url.as_deref(),
            public_url,
            self.config.as_deref(),
            std::env::var("GOVPKI_KEY_PASSPHRASE").ok(),
            self.key_passphrase_file.as_deref(),
        )
    }
}

/// Where a service listens.
#[derive(Debug, Clone, clap::Args)]
pub struct ListenArgs {
    /// Address to listen on (port 0: any free port, printed once bound).
    #[arg(long, env = "GOVPKI_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Close a connection that has not sent a whole request head within
    /// this many seconds (slow-header attacks); 0: no limit.
    #[arg(
        long,
        env = "GOVPKI_HEADER_READ_TIMEOUT",
        default_value_t = DEFAULT_HEADER_READ_TIMEOUT_SECS
    )]
    pub header_read_timeout: u64,
}

/// The flags every service binary takes: where the CA lives and where to
/// listen.
#[derive(Debug, Clone, clap::Args)]
pub struct ServiceArgs {
    /// The CA.
    #[command(flatten)]
    pub ca: CaArgs,
    /// Where to listen.
    #[command(flatten)]
    pub listen: ListenArgs,
}

impl ServiceArgs {
    /// The CA these flags name.
    pub fn load_ca(&self) -> Result<CaConfig, CaError> {
        self.ca.load(None)
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

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Debug, Parser)]
    struct Binary {
        #[command(flatten)]
        listen: ListenArgs,
    }

    #[test]
    fn every_binary_takes_the_header_read_timeout() {
        let default = Binary::try_parse_from(["x"]).expect("no flags");
        assert_eq!(
            default.listen.header_read_timeout,
            DEFAULT_HEADER_READ_TIMEOUT_SECS
        );
        let set = Binary::try_parse_from(["x", "--header-read-timeout", "3"]).expect("the flag");
        assert_eq!(set.listen.header_read_timeout, 3);
        assert!(Binary::try_parse_from(["x", "--header-read-timeout", "-1"]).is_err());
    }
}
