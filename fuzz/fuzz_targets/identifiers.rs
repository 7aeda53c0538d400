//! The subject and identifier validators: national ids (CCCD, CMND,
//! passport, MST), serials, provinces, telephone numbers, and a whole
//! subject built from the input. Never a panic; an accepted subject
//! encodes.
#![no_main]

#[path = "../checks/identifiers.rs"]
mod check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| check::check(data));
