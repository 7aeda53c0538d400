//! The publishing directory: every CRL written as a file a plain web
//! server can serve, atomically (a temporary file in the same directory,
//! flushed to disk, then renamed over the old one, and the directory
//! flushed), so a reader sees the old CRL or the new one, never a part.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use crate::PublisherError;

/// Writes `der` to `dir/relative` atomically. `relative` comes from
/// `CrlName::path` (`gov-ca.crl`, `gov-ca/3-delta.crl`); anything that
/// would leave `dir` is refused.
pub(crate) fn write_atomically(
    dir: &Path,
    relative: &str,
    der: &[u8],
) -> Result<PathBuf, PublisherError> {
    let relative = Path::new(relative);
    let plain = relative.components().next().is_some()
        && relative
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
    if !plain {
        return Err(PublisherError::Publish(format!(
            "refusing to write outside the publishing directory: {}",
            relative.display()
        )));
    }
    let target = dir.join(relative);
    let parent = target.parent().unwrap_or(dir).to_owned();
    let io = |what: &str, path: &Path, e: std::io::Error| {
        PublisherError::Publish(format!("{what} {}: {e}", path.display()))
    };
    fs::create_dir_all(&parent).map_err(|e| io("cannot create", &parent, e))?;
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = parent.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = File::create(&temp).map_err(|e| io("cannot create", &temp, e))?;
        file.write_all(der)
            .map_err(|e| io("cannot write", &temp, e))?;
        file.sync_all().map_err(|e| io("cannot flush", &temp, e))?;
        fs::rename(&temp, &target).map_err(|e| io("cannot rename to", &target, e))?;
        // The rename itself reaches the disk with the directory.
        File::open(&parent)
            .and_then(|d| d.sync_all())
            .map_err(|e| io("cannot flush", &parent, e))
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result.map(|()| target)
}

#[cfg(test)]
mod tests {
    use super::write_atomically;

    #[test]
    fn writes_replaces_and_refuses_escapes() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = write_atomically(dir.path(), "gov-ca/3-delta.crl", b"one").expect("write");
        assert_eq!(std::fs::read(&path).expect("read"), b"one");
        write_atomically(dir.path(), "gov-ca/3-delta.crl", b"two").expect("replace");
        assert_eq!(std::fs::read(&path).expect("read"), b"two");
        let left: Vec<_> = std::fs::read_dir(dir.path().join("gov-ca"))
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(left.len(), 1, "temporary files left behind: {left:?}");
        for bad in ["../x.crl", "/etc/x.crl", "a/../../x.crl", ""] {
            assert!(write_atomically(dir.path(), bad, b"x").is_err(), "{bad}");
        }
    }
}
