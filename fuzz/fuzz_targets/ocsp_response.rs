//! The OCSP response builder fed arbitrary entries (serials, statuses,
//! revocation times and reasons, nonces): never a panic; what it builds is
//! a DER OCSPResponse that decodes again.
#![no_main]

#[path = "../checks/ocsp_response.rs"]
mod check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| check::check(data));
