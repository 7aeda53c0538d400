//! Password hashing: argon2id (the `argon2` crate's defaults, RFC 9106's
//! second recommended option: 19 MiB, 2 passes) in PHC string form.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

use crate::error::PortalError;
use crate::error_code::ErrorCode;

/// The shortest password accepted.
pub const MIN_LENGTH: usize = 12;

/// The PHC string of `password` with a fresh salt.
pub fn hash(password: &str) -> Result<String, PortalError> {
    let mut salt = [0u8; 16];
    crate::random::fill(&mut salt)?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| PortalError::Internal(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| PortalError::Internal(format!("password hashing: {e}")))
}

/// Whether `password` matches the PHC string (false for a malformed one).
pub fn verify(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Checks a new password against the policy.
pub fn check_policy(password: &str, username: &str) -> Result<(), PortalError> {
    if password.chars().count() < MIN_LENGTH {
        return Err(PortalError::invalid(
            ErrorCode::WeakPassword,
            format!("the new password must have at least {MIN_LENGTH} characters"),
        ));
    }
    if password.chars().count() > 256 {
        return Err(PortalError::invalid(
            ErrorCode::WeakPassword,
            "the new password must have at most 256 characters",
        ));
    }
    if password.eq_ignore_ascii_case(username) {
        return Err(PortalError::invalid(
            ErrorCode::WeakPassword,
            "the new password must not be the username",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_argon2id_and_verifies() {
        let h = hash("correct horse battery").expect("hash");
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify("correct horse battery", &h));
        assert!(!verify("correct horse batterz", &h));
        assert!(!verify("x", "not a phc string"));
    }

    #[test]
    fn policy() {
        assert!(check_policy("short", "u").is_err());
        assert!(check_policy("officer-name", "officer-name").is_err());
        assert!(check_policy("mật khẩu đủ dài", "u").is_ok());
    }
}
