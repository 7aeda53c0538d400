//! The CSV import parser (UTF-8, BOM, the separator and the header row
//! found among the first lines, Vietnamese or English headers, quoting,
//! blank lines): never a panic; a refusal is a 4xx.
//!
//! Shared by the fuzz target and the corpus replay test in CI.

/// Runs one input; panics on a broken invariant.
pub(crate) fn check(data: &[u8]) {
    if let Err(e) = ra_portal::import::parse_rows(data) {
        let status = e.code().0;
        assert!((400..500).contains(&status), "{status}: {e}");
    }
}
