//! The `.xlsx` reader of the import (zip, the workbook's XML, the bounds
//! on unpacked size, rows, columns and cells): never a panic; a refusal is
//! a 4xx; what it reads stays within the bounds.
//!
//! Shared by the fuzz target and the corpus replay test in CI.

/// Runs one input; panics on a broken invariant.
pub(crate) fn check(data: &[u8]) {
    use ra_portal::sheet;
    match sheet::read_xlsx(data) {
        Ok(grid) => {
            assert!(grid.len() <= sheet::MAX_ROWS, "{} rows", grid.len());
            for (line, cells) in &grid {
                assert!(cells.len() <= sheet::MAX_COLUMNS, "line {line}");
                assert!(cells
                    .iter()
                    .all(|c| c.chars().count() <= sheet::MAX_CELL_CHARS));
            }
        }
        Err(e) => {
            let status = e.code().0;
            assert!((400..500).contains(&status), "{status}: {e}");
        }
    }
    // The whole import's file-level part, on the same bytes.
    if let Err(e) = ra_portal::import::parse_rows(data) {
        let status = e.code().0;
        assert!((400..500).contains(&status), "{status}: {e}");
    }
}
