//! The passphrase that encrypts software CA keys at rest.

use std::fmt;
use std::path::Path;

use zeroize::Zeroizing;

use super::SignerError;

/// Shortest passphrase accepted for CA keys.
const MIN_LEN: usize = 12;

/// A key passphrase. Wiped from memory when dropped; `Debug` never shows it.
#[derive(Clone)]
pub struct KeyPassphrase(Zeroizing<String>);

impl KeyPassphrase {
    /// Wraps a passphrase, refusing one too short to protect a CA key.
    pub fn new(secret: String) -> Result<Self, SignerError> {
        let secret = Zeroizing::new(secret);
        if secret.chars().count() < MIN_LEN {
            return Err(SignerError::WeakPassphrase { min: MIN_LEN });
        }
        Ok(Self(secret))
    }

    /// Reads a passphrase from the first line of a file.
    pub fn from_file(path: &Path) -> Result<Self, SignerError> {
        let content =
            Zeroizing::new(
                std::fs::read_to_string(path).map_err(|e| SignerError::KeyFile {
                    path: path.to_owned(),
                    detail: e.to_string(),
                })?,
            );
        let line = content.lines().next().unwrap_or_default().trim_end();
        Self::new(line.to_owned())
    }

    /// A fresh random passphrase (64 hex characters) for demo installations.
    pub fn random() -> Result<Self, SignerError> {
        let mut bytes = Zeroizing::new([0u8; 32]);
        aws_lc_rs::rand::fill(&mut *bytes).map_err(|_| SignerError::Crypto {
            operation: "random passphrase",
        })?;
        Self::new(hex::encode(*bytes))
    }

    pub(crate) fn expose(&self) -> &[u8] {
        self.0.as_bytes()
    }

    pub(crate) fn expose_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for KeyPassphrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KeyPassphrase(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_passphrase_refused_and_debug_hides_it() {
        assert!(matches!(
            KeyPassphrase::new("short".into()),
            Err(SignerError::WeakPassphrase { .. })
        ));
        let p = KeyPassphrase::new("correct horse battery".into()).unwrap();
        assert_eq!(format!("{p:?}"), "KeyPassphrase(***)");
        assert_eq!(KeyPassphrase::random().unwrap().expose().len(), 64);
    }
}
