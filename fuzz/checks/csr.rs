//! CSR parsing (PEM or DER, any key type): never a panic; an accepted CSR
//! has a public key whose SPKI re-parses; reading a CSR's own subject
//! (`csr_subject`, shown to approvers) never panics either.
//!
//! Shared by the fuzz target and the corpus replay test in CI.

/// Runs one input; panics on a broken invariant.
pub(crate) fn check(data: &[u8]) {
    if let Ok(key) = ca_core::csr::parse_csr(data) {
        let again = ca_core::csr::SubscriberKey::from_spki_der(key.spki_der())
            .expect("an accepted key's SPKI parses again");
        assert_eq!(again.spki_der(), key.spki_der());
    }
    // The subject of any input, accepted or not: an error, never a panic.
    let _ = ca_core::csr::csr_subject(data);
}
