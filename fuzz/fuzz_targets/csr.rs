//! CSR parsing (PEM or DER, any key type): never a panic; an accepted CSR
//! has a public key whose SPKI re-parses; reading its own subject
//! (`csr_subject`) never panics either.
#![no_main]

#[path = "../checks/csr.rs"]
mod check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| check::check(data));
