//! The portal's secret keys at rest: 256-bit keys kept as base64 in files
//! of the data directory (the cookie key, the TOTP-sealing key).

use std::io::Write;
use std::path::{Path, PathBuf};

use base64::Engine;

use crate::error::PortalError;

/// A 256-bit key kept as base64 in the file `name` of the data directory,
/// generated (mode 0600) when missing. Every portal instance sharing the
/// data directory shares it.
pub(crate) fn key_file(data_dir: &Path, name: &str) -> Result<String, PortalError> {
    let path = data_dir.join(name);
    let io = |e: std::io::Error, p: &PathBuf| {
        PortalError::Internal(format!("key file {}: {e}", p.display()))
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let key = text.trim().to_owned();
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(&key)
                .map_err(|e| PortalError::Internal(format!("key file {}: {e}", path.display())))?;
            if bytes.len() != 32 {
                return Err(PortalError::Internal(format!(
                    "key file {} must hold 32 bytes in base64",
                    path.display()
                )));
            }
            return Ok(key);
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(io(e, &path)),
    }
    let mut bytes = [0u8; 32];
    crate::random::fill(&mut bytes)?;
    let key = base64::engine::general_purpose::STANDARD.encode(bytes);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(&path) {
        Ok(mut f) => {
            f.write_all(key.as_bytes())
                .and_then(|()| f.sync_all())
                .map_err(|e| io(e, &path))?;
            Ok(key)
        }
        // Another process made it meanwhile: use theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => key_file(data_dir, name),
        Err(e) => Err(io(e, &path)),
    }
}
