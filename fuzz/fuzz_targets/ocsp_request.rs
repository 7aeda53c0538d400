//! OCSP requests: the POST body (DER) and the GET path (base64, percent-
//! encoded) decoded and parsed as the responder does. Never a panic.
#![no_main]

#[path = "../checks/ocsp_request.rs"]
mod check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| check::check(data));
