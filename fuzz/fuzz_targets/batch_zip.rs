//! The batch `.zip` reader and the file-name rule: never a panic; a
//! refusal is a 4xx; what it accepts stays within its bounds.
#![no_main]

#[path = "../checks/batch_zip.rs"]
mod check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| check::check(data));
