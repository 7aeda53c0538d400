//! Errors of the signing area. No variant ever carries key material.

use std::path::PathBuf;

/// What went wrong with a CA key.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SignerError {
    /// The key type named is not one the CA uses for its own keys.
    #[error("unknown key type {given:?}: use one of rsa2048, rsa3072, rsa4096, p256, p384")]
    UnknownKeySpec {
        /// What was given.
        given: String,
    },
    /// The signature algorithm named is not one the CA signs with.
    #[error("unknown signature algorithm {given:?}: a key type with an optional digest, like rsa3072 or rsa3072-sha384 (RSA: sha256, sha384, sha512; p256: sha256; p384: sha384)")]
    UnknownAlgorithm {
        /// What was given.
        given: String,
    },
    /// A key type and a signature algorithm that do not go together.
    #[error("a {spec} key cannot sign with {algorithm}")]
    AlgorithmMismatch {
        /// The key type.
        spec: super::KeySpec,
        /// The algorithm asked for.
        algorithm: super::SignatureAlgorithm,
    },
    /// No passphrase is configured to protect software keys.
    #[error(
        "no key passphrase: set GOVPKI_KEY_PASSPHRASE, or GOVPKI_KEY_PASSPHRASE_FILE to a file holding it"
    )]
    NoPassphrase,
    /// The passphrase is too short to protect a CA key.
    #[error("the key passphrase must have at least {min} characters")]
    WeakPassphrase {
        /// Minimum length.
        min: usize,
    },
    /// A key file could not be read or written.
    #[error("key file {path}: {detail}")]
    KeyFile {
        /// The file.
        path: PathBuf,
        /// What failed.
        detail: String,
    },
    /// A key file exists already; the CA never overwrites a key.
    #[error("key file {path} exists already; refusing to overwrite a CA key")]
    KeyExists {
        /// The file.
        path: PathBuf,
    },
    /// The key file did not decrypt: wrong passphrase or damaged file.
    #[error("cannot decrypt key {key_ref}: wrong passphrase or damaged key file")]
    Decrypt {
        /// Which key.
        key_ref: String,
    },
    /// The key does not match what the issuer record says.
    #[error("key {key_ref} does not match its issuer record: {detail}")]
    Mismatch {
        /// Which key.
        key_ref: String,
        /// What differs.
        detail: String,
    },
    /// The key's backend is not available in this build or configuration.
    #[error("key backend {backend:?} is not available")]
    UnknownBackend {
        /// The backend named in the issuer record.
        backend: String,
    },
    /// The PKCS#11 module, token or PIN (the PIN is never in the message).
    #[error("HSM: {detail}")]
    Hsm {
        /// What failed.
        detail: String,
    },
    /// Key generation or signing failed inside the crypto library.
    #[error("{operation} failed in the crypto library")]
    Crypto {
        /// What was being done.
        operation: &'static str,
    },
}
