//! Signing: the narrow [`Signer`] trait every issuer key sits behind, the key
//! types the CA accepts for its own keys, and the two backends: software
//! (keys made by aws-lc-rs through rcgen, kept on disk as encrypted PKCS#8)
//! and PKCS#11 (keys generated on an HSM, never leaving it). The CA never
//! knows which backend holds a key, and no private key material ever leaves
//! this module.

mod algorithm;
mod error;
mod passphrase;
mod pkcs11;
mod software;

pub use algorithm::{CaKeyType, KeySpec, SignatureAlgorithm};
pub use error::SignerError;
pub use passphrase::KeyPassphrase;
pub use pkcs11::{
    key_ref as pkcs11_key_ref, Hsm, HsmConfig, HsmPin, Pkcs11Signer, TokenKey, PKCS11_BACKEND,
};
pub(crate) use software::write_secret_file;
pub use software::{SoftwareKeyStore, SoftwareSigner};

/// A private key that can sign, wherever it lives.
///
/// Modelled on rustls' `SigningKey`: the caller gets the algorithm, the public
/// key and a signature over the bytes it hands in; nothing else.
pub trait Signer: Send + Sync {
    /// The signature algorithm this key signs with.
    fn algorithm(&self) -> SignatureAlgorithm;

    /// The DER SubjectPublicKeyInfo of the key.
    fn spki_der(&self) -> &[u8];

    /// Signs `message` (a TBSCertificate, TBSCertList, ResponseData …) and
    /// returns the signature as it goes into the BIT STRING.
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignerError>;
}
