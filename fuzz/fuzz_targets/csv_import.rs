//! The CSV import parser (UTF-8, BOM, comma or semicolon found from the
//! header row, title rows, Vietnamese or English headers, quoting, blank
//! lines): never a panic; a refusal is a 4xx.
#![no_main]

#[path = "../checks/csv_import.rs"]
mod check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| check::check(data));
