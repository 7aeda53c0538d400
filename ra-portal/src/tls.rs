//! HTTPS for the portal, with optional client certificates (mTLS).
//!
//! With a server certificate and key, the portal speaks TLS and asks every
//! browser for a client certificate without requiring one: a certificate
//! that does not chain to an issuer of this CA ends the handshake; none at
//! all leaves the password sign-in. The trust anchors are the issuer
//! certificates in the store when the portal starts (a new sub-CA needs a
//! restart before its subscribers can sign in with their certificates).
//! What a presented certificate is worth is then decided per request by
//! [`crate::client_cert`].

use std::path::PathBuf;

use ca_core::Ca;
use rocket::config::{MutualTls, TlsConfig};
use rocket::figment::Figment;

use crate::client_cert;
use crate::error::PortalError;

/// The portal's HTTPS server certificate chain and private key (PEM files).
#[derive(Debug, Clone)]
pub struct TlsFiles {
    /// The server certificate, followed by its chain (PEM).
    pub cert: PathBuf,
    /// The server's private key (PEM: PKCS#8, PKCS#1 or SEC1).
    pub key: PathBuf,
}

/// `figment` with TLS on and client certificates of this CA requested.
/// Refused at once, with the file named, when a file cannot be read or
/// the CA has no issuer certificate.
pub fn configure(figment: Figment, ca: &Ca, files: &TlsFiles) -> Result<Figment, PortalError> {
    let read = |path: &PathBuf, what: &str| {
        std::fs::read(path).map_err(|e| {
            PortalError::Internal(format!(
                "cannot read the TLS {what} {}: {e}",
                path.display()
            ))
        })
    };
    let cert = read(&files.cert, "certificate")?;
    let key = read(&files.key, "private key")?;
    if !String::from_utf8_lossy(&cert).contains("-----BEGIN CERTIFICATE-----") {
        return Err(PortalError::Internal(format!(
            "the TLS certificate {} holds no PEM certificate",
            files.cert.display()
        )));
    }
    let anchors = client_cert::trust_anchors_pem(ca)?;
    let tls = TlsConfig::from_bytes(&cert, &key)
        .with_mutual(MutualTls::from_bytes(anchors.as_bytes()).mandatory(false));
    Ok(figment.merge(("tls", tls)))
}
