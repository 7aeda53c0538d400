//! One typed configuration: command-line values and `GOVPKI_` environment
//! (read by the binaries) plus an optional TOML file in the data directory.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::profile::{ProfileOverride, ProfileSet, DEFAULT_POLICY_OID};
use crate::signer::{KeyPassphrase, SignerError};
use crate::store::DatabaseUrl;
use crate::CaError;

/// The name of the configuration file looked for in the data directory.
pub const CONFIG_FILE: &str = "govpki.toml";
/// The demo passphrase file `init --demo` writes (mode 0600).
pub const DEMO_PASSPHRASE_FILE: &str = "demo-key-passphrase";
/// The default public base URL written into certificates.
pub const DEFAULT_PUBLIC_URL: &str = "http://127.0.0.1:8080";

/// Everything the CA needs to open.
#[derive(Debug, Clone)]
pub struct CaConfig {
    /// Where keys, the SQLite database and demo files live.
    pub data_dir: PathBuf,
    /// The database.
    pub database_url: DatabaseUrl,
    /// The public base URL given on the command line (used by `init`; later
    /// the one stored in the database wins).
    pub public_url: Option<String>,
    /// Where the key passphrase comes from.
    pub passphrase: PassphraseSource,
    /// Certificate profiles.
    pub profiles: ProfileSet,
}

/// Where the passphrase of software CA keys comes from, in this order:
/// `GOVPKI_KEY_PASSPHRASE`, a file (`GOVPKI_KEY_PASSPHRASE_FILE` or
/// `key_passphrase_file` in the TOML), the demo file in the data directory.
#[derive(Debug, Clone)]
pub enum PassphraseSource {
    /// Given directly.
    Value(KeyPassphrase),
    /// Read from a file.
    File(PathBuf),
    /// Not configured: only a demo passphrase file can help.
    Unset,
}

/// The TOML file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    policy_oid: Option<String>,
    key_passphrase_file: Option<PathBuf>,
    #[serde(default)]
    profiles: std::collections::BTreeMap<String, ProfileOverride>,
}

impl CaConfig {
    /// Builds the configuration from the values the binary parsed; reads
    /// `{data_dir}/govpki.toml` (or `config_file`) when present and checks
    /// the profiles.
    pub fn load(
        data_dir: &Path,
        database_url: Option<&str>,
        public_url: Option<&str>,
        config_file: Option<&Path>,
        passphrase: Option<String>,
        passphrase_file: Option<&Path>,
    ) -> Result<Self, CaError> {
        let default_file = data_dir.join(CONFIG_FILE);
        let file_path =
            config_file.or_else(|| default_file.exists().then_some(default_file.as_path()));
        let file: FileConfig = match file_path {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| CaError::Config(format!("{}: {e}", path.display())))?;
                toml::from_str(&text)
                    .map_err(|e| CaError::Config(format!("{}: {e}", path.display())))?
            }
            None => FileConfig::default(),
        };
        let policy = file.policy_oid.as_deref().unwrap_or(DEFAULT_POLICY_OID);
        let profiles = ProfileSet::with_overrides(policy, &file.profiles)?;
        let database_url = match database_url {
            Some(url) => DatabaseUrl::parse(url)?,
            None => DatabaseUrl::Sqlite(data_dir.join("govpki.db")),
        };
        let passphrase = match (
            passphrase,
            passphrase_file.or(file.key_passphrase_file.as_deref()),
        ) {
            (Some(p), _) => PassphraseSource::Value(KeyPassphrase::new(p)?),
            (None, Some(f)) => PassphraseSource::File(f.to_owned()),
            (None, None) => PassphraseSource::Unset,
        };
        if let Some(url) = public_url {
            check_public_url(url)?;
        }
        Ok(Self {
            data_dir: data_dir.to_owned(),
            database_url,
            public_url: public_url.map(|u| u.trim_end_matches('/').to_owned()),
            passphrase,
            profiles,
        })
    }

    /// The directory of software keys.
    pub fn key_dir(&self) -> PathBuf {
        self.data_dir.join("keys")
    }

    /// Resolves the key passphrase.
    pub fn resolve_passphrase(&self) -> Result<KeyPassphrase, SignerError> {
        match &self.passphrase {
            PassphraseSource::Value(p) => Ok(p.clone()),
            PassphraseSource::File(f) => KeyPassphrase::from_file(f),
            PassphraseSource::Unset => {
                let demo = self.data_dir.join(DEMO_PASSPHRASE_FILE);
                if demo.exists() {
                    KeyPassphrase::from_file(&demo)
                } else {
                    Err(SignerError::NoPassphrase)
                }
            }
        }
    }
}

/// Refuses a public URL that cannot go into AIA/CDP.
pub fn check_public_url(url: &str) -> Result<(), CaError> {
    let ok = (url.starts_with("http://") || url.starts_with("https://"))
        && url.is_ascii()
        && !url.contains(char::is_whitespace)
        && url.len() > "http://".len();
    if ok {
        Ok(())
    } else {
        Err(CaError::Config(format!(
            "public URL {url:?} must be an absolute http:// or https:// URL"
        )))
    }
}
