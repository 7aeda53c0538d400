//! The key that encrypts TOTP secrets at rest: AES-256-GCM (aws-lc-rs)
//! under 32 random bytes kept in `portal-totp-key` (base64, mode 0600) in
//! the data directory, beside the cookie key. A stored secret is
//! `v1:` + base64(nonce ‖ ciphertext ‖ tag), with the username as the
//! associated data, so a value copied onto another account does not open.
//! The database alone never gives away a second factor.

use std::path::Path;

use aws_lc_rs::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};
use base64::Engine;

use crate::error::PortalError;

/// The file in the data directory holding the key.
pub const TOTP_KEY_FILE: &str = "portal-totp-key";
/// The prefix of the stored form (the format's version).
const V1: &str = "v1:";

/// The TOTP-secret key of a data directory.
pub struct TotpKey {
    key: LessSafeKey,
}

impl std::fmt::Debug for TotpKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpKey(..)")
    }
}

impl TotpKey {
    /// The key of `data_dir`, created (0600) on first use.
    pub fn load_or_create(data_dir: &Path) -> Result<Self, PortalError> {
        let text = crate::key_file::key_file(data_dir, TOTP_KEY_FILE)?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(text)
            .map_err(|e| PortalError::Internal(format!("{TOTP_KEY_FILE}: {e}")))?;
        let key = UnboundKey::new(&AES_256_GCM, &bytes)
            .map_err(|_| PortalError::Internal(format!("{TOTP_KEY_FILE}: not a 256-bit key")))?;
        Ok(Self {
            key: LessSafeKey::new(key),
        })
    }

    /// The stored form of `secret_b32` for the account `username`.
    pub fn seal(&self, username: &str, secret_b32: &str) -> Result<String, PortalError> {
        let mut nonce = [0u8; NONCE_LEN];
        crate::random::fill(&mut nonce)?;
        let mut data = secret_b32.as_bytes().to_vec();
        self.key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(username.as_bytes()),
                &mut data,
            )
            .map_err(|_| PortalError::Internal("TOTP secret: encryption failed".into()))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&data);
        Ok(format!(
            "{V1}{}",
            base64::engine::general_purpose::STANDARD.encode(out)
        ))
    }

    /// The base32 secret of a stored value of `username`.
    pub fn open(&self, username: &str, stored: &str) -> Result<String, PortalError> {
        let bad = || {
            PortalError::Internal(format!(
                "the TOTP secret of {username:?} does not open with {TOTP_KEY_FILE}"
            ))
        };
        let b64 = stored.strip_prefix(V1).ok_or_else(bad)?;
        let mut data = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .map_err(|_| bad())?;
        if data.len() < NONCE_LEN {
            return Err(bad());
        }
        let mut nonce = [0u8; NONCE_LEN];
        nonce.copy_from_slice(&data[..NONCE_LEN]);
        let plain = self
            .key
            .open_in_place(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(username.as_bytes()),
                &mut data[NONCE_LEN..],
            )
            .map_err(|_| bad())?;
        String::from_utf8(plain.to_vec()).map_err(|_| bad())
    }

    /// Whether a stored value is sealed (rather than a plaintext secret
    /// from before encryption at rest).
    pub fn is_sealed(stored: &str) -> bool {
        stored.starts_with(V1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seals_opens_and_binds_to_the_account() {
        let dir = tempfile_dir();
        let key = TotpKey::load_or_create(&dir).expect("key");
        let sealed = key.seal("pd.cantho", "JBSWY3DPEHPK3PXP").expect("seal");
        assert!(sealed.starts_with("v1:") && !sealed.contains("JBSWY3DPEHPK3PXP"));
        assert_eq!(
            key.open("pd.cantho", &sealed).expect("open"),
            "JBSWY3DPEHPK3PXP"
        );
        assert!(key.open("someone.else", &sealed).is_err());
        assert_ne!(
            sealed,
            key.seal("pd.cantho", "JBSWY3DPEHPK3PXP").expect("seal")
        );
        // The same file gives the same key.
        let again = TotpKey::load_or_create(&dir).expect("key");
        assert_eq!(
            again.open("pd.cantho", &sealed).expect("open"),
            "JBSWY3DPEHPK3PXP"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.join(TOTP_KEY_FILE))
                .expect("file")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::remove_dir_all(&dir).ok();
    }

    fn tempfile_dir() -> std::path::PathBuf {
        let mut bytes = [0u8; 8];
        crate::random::fill(&mut bytes).expect("random");
        let dir = std::env::temp_dir().join(format!("govpki-totp-key-{}", hex::encode(bytes)));
        std::fs::create_dir_all(&dir).expect("dir");
        dir
    }
}
