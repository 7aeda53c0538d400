//! One typed configuration: command-line values and `GOVPKI_` environment
//! (read by the binaries) plus an optional TOML file in the data directory.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::profile::{ProfileOverride, ProfileSet, DEFAULT_POLICY_OID};
use crate::signer::{HsmConfig, HsmPin, KeyPassphrase, SignerError};
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
    /// The PKCS#11 token holding CA keys, when one is configured.
    pub hsm: Option<HsmConfig>,
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
    hsm: Option<FileHsm>,
    #[serde(default)]
    profiles: std::collections::BTreeMap<String, ProfileOverride>,
}

/// The `[hsm]` table of the TOML file (the PIN only as a file).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileHsm {
    module: Option<PathBuf>,
    token: Option<String>,
    pin_file: Option<PathBuf>,
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
        let hsm = hsm_config(file.hsm.unwrap_or_default(), |name| {
            std::env::var(name).ok()
        })?;
        Ok(Self {
            data_dir: data_dir.to_owned(),
            database_url,
            public_url: public_url.map(|u| u.trim_end_matches('/').to_owned()),
            passphrase,
            profiles,
            hsm,
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

/// The token configuration: `GOVPKI_HSM_MODULE`, `GOVPKI_HSM_TOKEN`, and
/// the PIN in `GOVPKI_HSM_PIN` or the file `GOVPKI_HSM_PIN_FILE`, each over
/// the `[hsm]` table of the TOML file. `None` when no module is named;
/// a module without a token label or a PIN is refused.
fn hsm_config(
    file: FileHsm,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Option<HsmConfig>, CaError> {
    let env = |name: &str| env(name).filter(|v| !v.trim().is_empty());
    let Some(module) = env("GOVPKI_HSM_MODULE").map(PathBuf::from).or(file.module) else {
        return Ok(None);
    };
    let token = env("GOVPKI_HSM_TOKEN").or(file.token).ok_or_else(|| {
        CaError::Config(
            "GOVPKI_HSM_MODULE is set: set GOVPKI_HSM_TOKEN to the token's label".into(),
        )
    })?;
    let pin = match (env("GOVPKI_HSM_PIN"), env("GOVPKI_HSM_PIN_FILE")) {
        (Some(pin), _) => HsmPin::Value(zeroize::Zeroizing::new(pin)),
        (None, Some(f)) => HsmPin::File(PathBuf::from(f)),
        (None, None) => HsmPin::File(file.pin_file.ok_or_else(|| {
            CaError::Config(
                "GOVPKI_HSM_MODULE is set: set GOVPKI_HSM_PIN or GOVPKI_HSM_PIN_FILE".into(),
            )
        })?),
    };
    Ok(Some(HsmConfig { module, token, pin }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn hsm_settings_from_the_environment_and_the_file() {
        assert!(hsm_config(FileHsm::default(), env(&[])).unwrap().is_none());
        let c = hsm_config(
            FileHsm::default(),
            env(&[
                ("GOVPKI_HSM_MODULE", "/usr/lib/softhsm/libsofthsm2.so"),
                ("GOVPKI_HSM_TOKEN", "govpki"),
                ("GOVPKI_HSM_PIN", "1234"),
            ]),
        )
        .unwrap()
        .expect("configured");
        assert_eq!(c.token, "govpki");
        assert!(matches!(c.pin, HsmPin::Value(_)));
        assert!(
            !format!("{c:?}").contains("1234"),
            "the PIN is never printed"
        );
        // The file gives what the environment does not; the environment wins.
        let file = FileHsm {
            module: Some("/opt/hsm/lib.so".into()),
            token: Some("from-file".into()),
            pin_file: Some("/run/pin".into()),
        };
        let c = hsm_config(file, env(&[("GOVPKI_HSM_TOKEN", "from-env")]))
            .unwrap()
            .expect("configured");
        assert_eq!(c.module, PathBuf::from("/opt/hsm/lib.so"));
        assert_eq!(c.token, "from-env");
        assert!(matches!(c.pin, HsmPin::File(ref p) if p == Path::new("/run/pin")));
        // A module without a token or a PIN is refused, saying what is missing.
        let e = hsm_config(FileHsm::default(), env(&[("GOVPKI_HSM_MODULE", "/x.so")]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("GOVPKI_HSM_TOKEN"), "{e}");
        let e = hsm_config(
            FileHsm::default(),
            env(&[("GOVPKI_HSM_MODULE", "/x.so"), ("GOVPKI_HSM_TOKEN", "t")]),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("GOVPKI_HSM_PIN"), "{e}");
    }
}
