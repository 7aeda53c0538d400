//! What the seeding examples share (included by each with `#[path]`:
//! examples are separate crates): their `--flag value` command line and
//! the CA of a data dir, opened with the passphrase of
//! `GOVPKI_KEY_PASSPHRASE`.

use std::path::Path;

use ca_core::config::CaConfig;
use ca_core::Ca;

pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The command line as `(flag, value)` pairs: every option takes a value.
pub(crate) fn flag_values() -> Result<Vec<(String, String)>, BoxError> {
    let mut out = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        out.push((flag, value));
    }
    Ok(out)
}

/// The CA at `data_dir` (created when missing) on `database_url` (default:
/// SQLite in the data dir), its keys under `GOVPKI_KEY_PASSPHRASE`.
pub(crate) fn open_ca(data_dir: &Path, database_url: Option<&str>) -> Result<Ca, BoxError> {
    let passphrase =
        std::env::var("GOVPKI_KEY_PASSPHRASE").map_err(|_| "set GOVPKI_KEY_PASSPHRASE")?;
    std::fs::create_dir_all(data_dir)?;
    let config = CaConfig::load(data_dir, database_url, None, None, Some(passphrase), None)?;
    Ok(Ca::open(config)?)
}
