//! `.zip` archives made in the tests (batches of CSRs, hostile ones) and
//! read back (the certificates downloaded), with the `zip` crate.

// Each test binary uses some of these helpers.
#![allow(dead_code)]
use std::io::{Read, Write};

use zip::write::SimpleFileOptions;
use zip::CompressionMethod;

/// A `.zip` of `(name, bytes)` entries, deflated.
pub(crate) fn zip_of(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, bytes) in entries {
        w.start_file(name.as_str(), options).expect("zip entry");
        w.write_all(bytes).expect("zip write");
    }
    w.finish().expect("zip").into_inner()
}

/// The entries of a `.zip`, in order.
pub(crate) fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut a = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a .zip");
    (0..a.len())
        .map(|i| {
            let mut e = a.by_index(i).expect("entry");
            let name = e.name().expect("name").into_owned();
            let mut data = Vec::new();
            e.read_to_end(&mut data).expect("read");
            (name, data)
        })
        .collect()
}

/// A zip bomb: one `ok.csr` entry of 50 MiB of zeros (a few KiB
/// deflated).
pub(crate) fn zip_bomb() -> Vec<u8> {
    zip_of(&[("s1.csr".to_owned(), vec![0u8; 50 * 1024 * 1024])])
}
