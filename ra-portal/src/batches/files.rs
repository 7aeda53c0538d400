//! The CSR files of a batch: several uploaded files, or one `.zip`, read
//! within bounds, and the file-name rule that matches each file to a
//! person. Public so the fuzz target (`fuzz/fuzz_targets/batch_zip.rs`)
//! drives the same parser.

use std::io::Read;

use crate::error::PortalError;
use crate::error_code::ErrorCode;

/// Most files in one batch (zip entries or uploaded files).
pub const MAX_FILES: usize = 1000;
/// Largest CSR file (a CSR is a few KiB).
pub const MAX_FILE: u64 = 64 * 1024;
/// Largest total of the files, uncompressed.
pub const MAX_TOTAL: u64 = 16 * 1024 * 1024;
/// Largest `.zip` archive or upload: the portal's upload limit.
pub const MAX_ARCHIVE: usize = crate::import::MAX_BYTES;
/// [`MAX_ARCHIVE`] for people.
pub const MAX_ARCHIVE_LABEL: &str = crate::import::MAX_LABEL;

/// One uploaded CSR file: its base name and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsrFile {
    /// The file's name, without any folder.
    pub name: String,
    /// The bytes (PEM or DER).
    pub bytes: Vec<u8>,
}

/// Who a file names, by the rule the page states.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileKey {
    /// `s42.csr`: subscriber id 42.
    Subscriber(i64),
    /// `001089031733.csr` or `CCCD-001089031733.csr`: the identity number,
    /// with the identifier's prefix (upper case) when one was given.
    Identity {
        /// `CCCD`, `CMND`, `HC`, `MST`, or none.
        prefix: Option<String>,
        /// The number.
        number: String,
    },
}

/// Whether `bytes` start like a zip archive.
pub fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

/// The files of a `.zip` archive, within the bounds above: refused when
/// it is not a zip, has too many entries, an entry or the total is too
/// large (its real size, not the one it declares), an entry's name
/// climbs out of its folder or is absolute, or an entry is itself an
/// archive. Folders are skipped; files are named by their base name.
pub fn read_zip(bytes: &[u8]) -> Result<Vec<CsrFile>, PortalError> {
    if bytes.len() > MAX_ARCHIVE {
        return Err(PortalError::TooLarge { limit: "16 MiB" });
    }
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| {
        invalid(
            ErrorCode::InvalidZip,
            format!("the file is not a readable .zip: {e}"),
        )
    })?;
    if archive.len() > MAX_FILES {
        return Err(invalid(
            ErrorCode::TooManyFiles,
            format!(
                "the .zip has {} entries; at most {MAX_FILES}",
                archive.len()
            ),
        ));
    }
    let mut files = Vec::new();
    let mut total = 0u64;
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(|e| {
            invalid(
                ErrorCode::InvalidZip,
                format!("entry {i} cannot be read: {e}"),
            )
        })?;
        let raw = entry
            .name()
            .map_err(|e| {
                invalid(
                    ErrorCode::InvalidZip,
                    format!("entry {i} has no readable name: {e}"),
                )
            })?
            .into_owned();
        if entry.is_dir() {
            continue;
        }
        let name = safe_name(&raw)?;
        if entry.size() > MAX_FILE {
            return Err(entry_too_large(&name));
        }
        let mut data = Vec::new();
        (&mut entry)
            .take(MAX_FILE + 1)
            .read_to_end(&mut data)
            .map_err(|e| invalid(ErrorCode::InvalidZip, format!("{name} cannot be read: {e}")))?;
        if data.len() as u64 > MAX_FILE {
            return Err(entry_too_large(&name));
        }
        total += data.len() as u64;
        if total > MAX_TOTAL {
            return Err(invalid(
                ErrorCode::ZipTooLarge,
                format!(
                    "the files of the .zip total more than {} MiB",
                    MAX_TOTAL / (1024 * 1024)
                ),
            ));
        }
        if is_zip(&data) || name.to_ascii_lowercase().ends_with(".zip") {
            return Err(invalid(
                ErrorCode::NestedZip,
                format!("{name} is an archive inside the archive; put the CSR files in one .zip"),
            ));
        }
        files.push(CsrFile { name, bytes: data });
    }
    Ok(files)
}

/// The files of an upload: a single `.zip` is opened ([`read_zip`]),
/// other files are taken as CSR files, within the same bounds.
pub fn collect(uploads: Vec<CsrFile>) -> Result<Vec<CsrFile>, PortalError> {
    if uploads.len() == 1 && is_zip(&uploads[0].bytes) {
        return read_zip(&uploads[0].bytes);
    }
    if uploads.len() > MAX_FILES {
        return Err(invalid(
            ErrorCode::TooManyFiles,
            format!("{} files; at most {MAX_FILES}", uploads.len()),
        ));
    }
    let mut total = 0u64;
    let mut files = Vec::with_capacity(uploads.len());
    for f in uploads {
        let name = safe_name(&f.name)?;
        if f.bytes.len() as u64 > MAX_FILE {
            return Err(entry_too_large(&name));
        }
        if is_zip(&f.bytes) {
            return Err(invalid(
                ErrorCode::NestedZip,
                format!("{name} is an archive: send one .zip alone, or the CSR files"),
            ));
        }
        total += f.bytes.len() as u64;
        if total > MAX_TOTAL {
            return Err(invalid(
                ErrorCode::ZipTooLarge,
                "the files total more than 16 MiB",
            ));
        }
        files.push(CsrFile {
            name,
            bytes: f.bytes,
        });
    }
    Ok(files)
}

impl FileKey {
    /// The key a file name gives, if it follows the rule: the name
    /// without its extension (`.csr`, `.pem`, `.der`, `.req`) is `s` and
    /// a subscriber id, or an identity number (digits, letters for a
    /// passport), optionally after `CCCD-`, `CMND-`, `HC-` or `MST-`.
    pub fn parse(file_name: &str) -> Option<Self> {
        let (stem, ext) = file_name.rsplit_once('.')?;
        if !["csr", "pem", "der", "req"].contains(&ext.to_ascii_lowercase().as_str()) {
            return None;
        }
        let stem = stem.trim();
        if let Some(id) = stem.strip_prefix(['s', 'S']) {
            if !id.is_empty() && id.len() <= 18 && id.bytes().all(|b| b.is_ascii_digit()) {
                return id.parse().ok().map(Self::Subscriber);
            }
        }
        let (prefix, number) = match stem.split_once(['-', '_']) {
            Some((p, n)) => {
                let p = p.to_ascii_uppercase();
                if !["CCCD", "CMND", "HC", "MST"].contains(&p.as_str()) {
                    return None;
                }
                (Some(p), n)
            }
            None => (None, stem),
        };
        let ok = !number.is_empty()
            && number.len() <= 20
            && number.bytes().all(|b| b.is_ascii_alphanumeric());
        ok.then(|| Self::Identity {
            prefix,
            number: number.to_ascii_uppercase(),
        })
    }

    /// Whether this key names the subscriber `id` whose identifier is
    /// `uid` (`CCCD:001089031733`).
    pub fn names(&self, id: i64, uid: Option<&str>) -> bool {
        match self {
            Self::Subscriber(s) => *s == id,
            Self::Identity { prefix, number } => {
                let Some((kind, value)) = uid.and_then(|u| u.split_once(':')) else {
                    return false;
                };
                value.eq_ignore_ascii_case(number)
                    && prefix
                        .as_deref()
                        .is_none_or(|p| p.eq_ignore_ascii_case(kind))
            }
        }
    }
}

/// A file's base name, refused when the name is absolute, climbs out of
/// its folder (`..`), or holds control characters.
fn safe_name(raw: &str) -> Result<String, PortalError> {
    let unsafe_name = raw.starts_with('/')
        || raw.starts_with('\\')
        || raw.get(1..2) == Some(":")
        || raw.split(['/', '\\']).any(|part| part == "..")
        || raw.chars().any(char::is_control);
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default().trim();
    if unsafe_name || base.is_empty() || base.chars().count() > 255 {
        return Err(invalid(
            ErrorCode::UnsafeFileName,
            format!("the file name {raw:?} is not allowed (no folders above it, no absolute path)"),
        ));
    }
    Ok(base.to_owned())
}

fn entry_too_large(name: &str) -> PortalError {
    invalid(
        ErrorCode::FileTooLarge,
        format!("{name} is larger than {} KiB", MAX_FILE / 1024),
    )
}

fn invalid(code: ErrorCode, message: impl Into<String>) -> PortalError {
    PortalError::invalid(code, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_follow_the_rule() {
        assert_eq!(FileKey::parse("s42.csr"), Some(FileKey::Subscriber(42)));
        let cccd = FileKey::parse("CCCD-001089031733.csr").unwrap();
        assert!(cccd.names(1, Some("CCCD:001089031733")));
        assert!(!cccd.names(1, Some("CMND:001089031733")));
        let bare = FileKey::parse("001089031733.PEM").unwrap();
        assert!(bare.names(1, Some("CCCD:001089031733")));
        assert!(!bare.names(1, Some("CCCD:001089031734")));
        assert_eq!(FileKey::parse("notes.txt"), None);
        assert_eq!(FileKey::parse("Nguyễn.csr"), None);
        assert_eq!(FileKey::parse("XYZ-123.csr"), None);
    }

    #[test]
    fn unsafe_names_are_refused() {
        for n in [
            "../a.csr",
            "/etc/a.csr",
            "a/../../b.csr",
            "C:\\a.csr",
            "a\u{0}.csr",
        ] {
            assert!(safe_name(n).is_err(), "{n}");
        }
        assert_eq!(safe_name("folder/s1.csr").unwrap(), "s1.csr");
    }
}
