//! Stable text forms of what a stored response depends on: the status it
//! states and the CertID hash it repeats.

use ca_core::ocsp::{CertIdHash, OcspStatus};

/// The status a response states, as stored with it: `good`, `unknown`,
/// `revoked:<reason or none>@<unix seconds>`. Two statuses with the same
/// text give the same SingleResponse.
pub(crate) fn status_text(status: OcspStatus) -> String {
    match status {
        OcspStatus::Good => "good".to_owned(),
        OcspStatus::Unknown => "unknown".to_owned(),
        OcspStatus::Revoked { at, reason } => format!(
            "revoked:{}@{}",
            reason.map_or("none", |r| r.as_str()),
            at.timestamp()
        ),
    }
}

/// `sha1` or `sha256`.
pub(crate) fn hash_text(hash: CertIdHash) -> &'static str {
    match hash {
        CertIdHash::Sha1 => "sha1",
        CertIdHash::Sha256 => "sha256",
    }
}

/// The inverse of [`hash_text`].
pub(crate) fn hash_from_text(text: &str) -> Option<CertIdHash> {
    match text {
        "sha1" => Some(CertIdHash::Sha1),
        "sha256" => Some(CertIdHash::Sha256),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ca_core::status::RevocationReason;
    use chrono::DateTime;

    #[test]
    fn status_texts_differ_by_reason_and_time() {
        let at = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        let hold = OcspStatus::Revoked {
            at,
            reason: Some(RevocationReason::CertificateHold),
        };
        let none = OcspStatus::Revoked { at, reason: None };
        assert_eq!(status_text(OcspStatus::Good), "good");
        assert_eq!(status_text(none), "revoked:none@1700000000");
        assert_ne!(status_text(hold), status_text(none));
    }

    #[test]
    fn hash_texts_round_trip() {
        for h in [CertIdHash::Sha1, CertIdHash::Sha256] {
            assert_eq!(hash_from_text(hash_text(h)), Some(h));
        }
        assert_eq!(hash_from_text("md5"), None);
    }
}
