//! Random secrets (tokens, session ids, one-time passwords) from the
//! system CSPRNG through aws-lc-rs, and their stored SHA-256 form.

use aws_lc_rs::digest::{digest, SHA256};

use crate::error::PortalError;

/// Fills `buf` from the CSPRNG.
pub(crate) fn fill(buf: &mut [u8]) -> Result<(), PortalError> {
    aws_lc_rs::rand::fill(buf).map_err(|_| PortalError::Internal("no randomness".into()))
}

/// A 256-bit random secret as URL-safe base64 (43 characters).
pub(crate) fn secret_256() -> Result<String, PortalError> {
    use base64::Engine;
    let mut bytes = [0u8; 32];
    fill(&mut bytes)?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// The SHA-256 (hex) under which a token or session id is stored.
pub(crate) fn hash_secret(secret: &str) -> String {
    hex::encode(digest(&SHA256, secret.as_bytes()))
}

/// A one-time password: 16 characters without look-alikes.
pub(crate) fn one_time_password() -> Result<String, PortalError> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 16];
    fill(&mut bytes)?;
    // 256 is not a multiple of 54: reject the top values so every
    // character is equally likely.
    let mut out = String::with_capacity(16);
    let mut extra = [0u8; 1];
    for mut b in bytes {
        while usize::from(b) >= 256 - 256 % ALPHABET.len() {
            fill(&mut extra)?;
            b = extra[0];
        }
        out.push(char::from(ALPHABET[usize::from(b) % ALPHABET.len()]));
    }
    Ok(out)
}
