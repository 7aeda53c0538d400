//! OCSP requests: the POST body (DER) and the GET path (base64, percent-
//! encoded) decoded and parsed as the responder does. Never a panic.
//!
//! Shared by the fuzz target and the corpus replay test in CI.

/// Runs one input; panics on a broken invariant.
pub(crate) fn check(data: &[u8]) {
    let _ = ca_core::ocsp::parse_request(data);
    if let Ok(path) = std::str::from_utf8(data) {
        if let Ok(der) = ca_core::ocsp::decode_get_path(path) {
            let _ = ca_core::ocsp::parse_request(&der);
        }
    }
}
