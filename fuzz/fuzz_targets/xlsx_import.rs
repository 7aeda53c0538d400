//! The `.xlsx` reader of the import (zip bombs, broken XML, far-away
//! cells): never a panic; a refusal is a 4xx.
#![no_main]

#[path = "../checks/xlsx_import.rs"]
mod check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| check::check(data));
