//! List query strings and Accept-Encoding: never a panic; refusals are
//! 400/422; links read back as the same list.
#![no_main]

#[path = "../checks/list_query.rs"]
mod check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| check::check(data));
