//! Cross-certificates between two of our CAs (for example the State's root
//! and the Party's): issuer A certifies B's name and key, so a relying party
//! trusting only A reaches B's hierarchy through the cross-certificate.

use chrono::{Duration, Utc};
use serde_json::json;

use super::{check_issuer_id, usable_issuer};
use crate::certificate::RevocationUrls;
use crate::lifecycle::{parse_cert, whole_seconds, Issuance, Issued};
use crate::signer::KeySpec;
use crate::{Ca, CaError};

impl Ca {
    /// Issues, under `issuer_id`, a CA certificate for the name and key of
    /// our CA `subject_id` (operation `cross-certify`, recorded, audited,
    /// revocable and in `issuer_id`'s CRLs like any certificate it signs).
    /// `path_len`: its pathLenConstraint (`None`: none, so B's sub-CAs are
    /// reached too). Valid for `days` (default: the sub-ca profile's), at
    /// most as long as either CA.
    pub fn cross_certify(
        &self,
        issuer_id: &str,
        subject_id: &str,
        days: Option<u32>,
        path_len: Option<u8>,
        actor: &str,
    ) -> Result<Issued, CaError> {
        check_issuer_id(subject_id)?;
        if issuer_id == subject_id {
            return Err(CaError::Refused(
                "a CA cannot cross-certify itself: name two different issuers".into(),
            ));
        }
        let (issuer, subject) = self.store.read(|c| -> Result<_, CaError> {
            Ok((usable_issuer(c, issuer_id)?, usable_issuer(c, subject_id)?))
        })?;
        if issuer.spki_der == subject.spki_der {
            return Err(CaError::Refused(format!(
                "{issuer_id:?} and {subject_id:?} share one key: nothing to cross-certify"
            )));
        }
        let profile = self.config.profiles.get("sub-ca")?;
        let days = days.unwrap_or(profile.default_days);
        if days == 0 || days > profile.max_days {
            return Err(CaError::Refused(format!(
                "a cross-certificate may be valid for 1 to {} days, {days} asked",
                profile.max_days
            )));
        }
        let issuer_cert = parse_cert(issuer.cert_der.as_deref().unwrap_or_default())?;
        let subject_cert = parse_cert(subject.cert_der.as_deref().unwrap_or_default())?;
        let not_before = whole_seconds(Utc::now());
        let mut not_after = not_before + Duration::days(i64::from(days));
        for limit in [issuer.not_after, subject.not_after].into_iter().flatten() {
            not_after = not_after.min(limit.and_utc());
        }
        let spki_sha256 = hex::encode(aws_lc_rs::digest::digest(
            &aws_lc_rs::digest::SHA256,
            &subject.spki_der,
        ));
        let subject_spec: KeySpec = subject.key_spec.parse()?;
        let urls = RevocationUrls::for_issuer(&self.public_url()?, &issuer.id)
            .with_crl_shards(issuer.crl_shards);
        self.run_issuance(Issuance {
            issuer_id: &issuer.id,
            issuer_name: &issuer_cert.tbs_certificate.subject,
            issuer_spki: &issuer.spki_der,
            signer: self.signer_for(&issuer)?,
            subject: &subject_cert.tbs_certificate.subject,
            subject_spki: &subject.spki_der,
            subject_is_rsa: subject_spec.is_rsa(),
            spki_sha256: &spki_sha256,
            not_before,
            not_after,
            profile,
            path_len: Some(path_len),
            email: None,
            urls: Some(urls),
            subscriber_id: None,
            token_id: None,
            operation: "cross-certify",
            request: json!({
                "issuer": issuer.id,
                "subject": subject.id,
                "days": days,
                "path_len": path_len,
            }),
            replaces: None,
            new_issuer: None,
            actor,
        })
    }
}
