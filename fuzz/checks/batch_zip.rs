//! The batch `.zip` reader (CSR files of a batch of issuance requests,
//! issue 16) and the file-name rule: never a panic; a refusal is a 4xx;
//! what it accepts stays within its bounds (entry count, entry size,
//! total, no folder in a name).
//!
//! Shared by the fuzz target and the corpus replay test in CI.

use ra_portal::batches::files::{self, FileKey};

/// Runs one input; panics on a broken invariant.
pub(crate) fn check(data: &[u8]) {
    match files::read_zip(data) {
        Err(e) => {
            let status = e.code().0;
            assert!((400..500).contains(&status), "{status}: {e}");
        }
        Ok(found) => {
            assert!(found.len() <= files::MAX_FILES);
            let mut total = 0u64;
            for f in &found {
                assert!(f.bytes.len() as u64 <= files::MAX_FILE, "{}", f.name);
                assert!(
                    !f.name.contains(['/', '\\']) && f.name != "..",
                    "{}",
                    f.name
                );
                total += f.bytes.len() as u64;
                let _ = FileKey::parse(&f.name);
            }
            assert!(total <= files::MAX_TOTAL);
        }
    }
    // The file-name rule on arbitrary text.
    if let Ok(name) = std::str::from_utf8(data) {
        if let Some(key) = FileKey::parse(name) {
            let _ = key.names(1, Some(name));
        }
    }
}
