//! Library-level tests of the issuance cycle's crash guarantees: a recorded
//! serial is never lost, a bad signature is never stored.

use std::sync::Arc;

use chrono::{Duration, Utc};
use diesel::prelude::*;
use serde_json::json;

use super::engine::Issuance;
use super::{parse_cert, whole_seconds};
use crate::certificate::RevocationUrls;
use crate::signer::{SignatureAlgorithm, Signer, SignerError};
use crate::status::CertStatus;
use crate::store::models::CertificateRow;
use crate::store::schema::certificates;
use crate::test_support::test_ca as ca_in;
use crate::{Ca, CaError};

fn test_ca(dir: &std::path::Path) -> Ca {
    ca_in(dir, None)
}

/// A signer that signs with the wrong key: what a faulty HSM would do.
struct WrongKey {
    real: Arc<dyn Signer>,
    other: Arc<dyn Signer>,
}

impl Signer for WrongKey {
    fn algorithm(&self) -> SignatureAlgorithm {
        self.real.algorithm()
    }
    fn spki_der(&self) -> &[u8] {
        self.real.spki_der()
    }
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignerError> {
        self.other.sign(message)
    }
}

fn rows(ca: &Ca) -> Vec<CertificateRow> {
    let mut c = ca.store().conn().unwrap();
    certificates::table
        .order(certificates::id.asc())
        .select(CertificateRow::as_select())
        .load(&mut *c)
        .unwrap()
}

/// Issues an OCSP-signer-like certificate for `subject_key` under gov-ca
/// with the given signer.
fn issue_with(ca: &Ca, signer: Arc<dyn Signer>, subject_spki: &[u8]) -> Result<(), CaError> {
    let issuer = ca.issuer("gov-ca").unwrap();
    let issuer_cert = parse_cert(issuer.cert_der.as_deref().unwrap()).unwrap();
    let profile = ca.profiles().get("device").unwrap().clone();
    let now = whole_seconds(Utc::now());
    ca.run_issuance(Issuance {
        issuer_id: "gov-ca",
        issuer_name: &issuer_cert.tbs_certificate.subject,
        issuer_spki: &issuer.spki_der,
        signer,
        subject: &issuer_cert.tbs_certificate.subject,
        subject_spki,
        subject_is_rsa: false,
        spki_sha256: "00",
        not_before: now,
        not_after: now + Duration::days(30),
        profile: &profile,
        path_len: None,
        email: None,
        urls: Some(RevocationUrls::for_issuer("http://x", "gov-ca")),
        subscriber_id: None,
        token_id: None,
        operation: "issue",
        request: json!({}),
        replaces: None,
        new_issuer: None,
        actor: "test",
    })
    .map(drop)
}

#[test]
fn a_wrong_signature_is_never_stored_and_the_serial_is_revoked() {
    let dir = tempfile::tempdir().unwrap();
    let ca = test_ca(dir.path());
    let gov = ca.issuer("gov-ca").unwrap();
    let root = ca.issuer("root").unwrap();
    let bad = Arc::new(WrongKey {
        real: ca.signer_for(&gov).unwrap(),
        other: ca.signer_for(&root).unwrap(),
    });
    let before = rows(&ca).len();
    let err = issue_with(&ca, bad, &root.spki_der).unwrap_err();
    assert!(err.to_string().contains("does not verify"), "{err}");
    let all = rows(&ca);
    assert_eq!(all.len(), before + 1, "the serial stays recorded");
    let last = all.last().unwrap();
    assert_eq!(last.status, CertStatus::Revoked);
    assert_eq!(last.cert_der, None, "no bad certificate stored");
    assert_eq!(
        last.revocation_reason,
        Some(crate::status::RevocationReason::CessationOfOperation)
    );
}

#[test]
fn an_interrupted_issuance_is_resolved_by_doctor() {
    let dir = tempfile::tempdir().unwrap();
    let ca = test_ca(dir.path());
    let gov = ca.issuer("gov-ca").unwrap();
    issue_with(&ca, ca.signer_for(&gov).unwrap(), &gov.spki_der).unwrap();
    // Simulate a crash after the record step: back to pending, no DER.
    let last = rows(&ca).pop().unwrap();
    {
        let mut c = ca.store().conn().unwrap();
        diesel::update(certificates::table.find(last.id))
            .set((
                certificates::status.eq("pending"),
                certificates::cert_der.eq(None::<Vec<u8>>),
            ))
            .execute(&mut *c)
            .unwrap();
    }
    let young = ca.doctor(Duration::seconds(3600), "test").unwrap();
    assert!(
        young.resolved.is_empty(),
        "a young pending row may be in flight"
    );
    let report = ca.doctor(Duration::zero(), "test").unwrap();
    assert_eq!(report.resolved, [format!("gov-ca/{}", last.serial)]);
    assert!(report.healthy(), "{:?}", report.problems);
    let row = rows(&ca).pop().unwrap();
    assert_eq!(row.status, CertStatus::Revoked);
    let der = row.cert_der.unwrap();
    let cert = parse_cert(&der).unwrap();
    assert_eq!(
        der::Encode::to_der(&cert.tbs_certificate).unwrap(),
        row.tbs_der
    );
    assert!(ca
        .doctor(Duration::zero(), "test")
        .unwrap()
        .resolved
        .is_empty());
}

#[test]
fn doctor_reports_a_stored_certificate_that_is_not_its_recorded_tbs() {
    let dir = tempfile::tempdir().unwrap();
    let ca = test_ca(dir.path());
    let gov = ca.issuer("gov-ca").unwrap();
    issue_with(&ca, ca.signer_for(&gov).unwrap(), &gov.spki_der).unwrap();
    let last = rows(&ca).pop().unwrap();
    let root_cert = ca.issuer("root").unwrap().cert_der.unwrap();
    {
        let mut c = ca.store().conn().unwrap();
        diesel::update(certificates::table.find(last.id))
            .set(certificates::cert_der.eq(Some(root_cert)))
            .execute(&mut *c)
            .unwrap();
    }
    let report = ca.doctor(Duration::zero(), "test").unwrap();
    assert!(!report.healthy());
    assert!(
        report.problems[0].contains(&last.serial),
        "{:?}",
        report.problems
    );
}

fn csr_der() -> Vec<u8> {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let csr = rcgen::CertificateParams::default()
        .serialize_request(&key)
        .unwrap();
    csr.der().to_vec()
}

#[test]
fn a_batch_issues_the_good_requests_and_refuses_the_bad_one() {
    use crate::lifecycle::IssueRequest;
    use crate::registry::{SubscriberInput, SubscriberKind};
    let dir = tempfile::tempdir().unwrap();
    let ca = test_ca(dir.path());
    let id = ca
        .add_subscriber(
            &SubscriberInput {
                kind: SubscriberKind::Individual,
                name: "Trần Thị Hoàng Dung".into(),
                national_id: Some("CCCD:079190000123".into()),
                tax_code: None,
                title: None,
                unit: Some("Cục Thuế".into()),
                organization: None,
                locality: None,
                province: "Thành phố Hồ Chí Minh".into(),
                email: None,
                phone: None,
            },
            "test",
        )
        .unwrap()
        .id;
    fn req(subscriber_id: i64, csr: &[u8]) -> IssueRequest<'_> {
        IssueRequest {
            subscriber_id,
            profile: "individual",
            csr,
            issuer: None,
            token: None,
            days: None,
            actor: "test",
        }
    }
    let (a, b) = (csr_der(), csr_der());
    let before = rows(&ca).len();
    let results = ca.issue_batch(&[req(id, &a), req(id, b"not a CSR"), req(id, &b)]);
    assert!(results[0].is_ok() && results[2].is_ok(), "{results:?}");
    assert!(matches!(results[1], Err(CaError::Csr(_))), "{results:?}");
    let all = rows(&ca);
    assert_eq!(all.len(), before + 2);
    assert!(all[before..]
        .iter()
        .all(|r| r.status == CertStatus::Good && r.cert_der.is_some()));
    let report = ca.doctor(Duration::zero(), "test").unwrap();
    assert!(report.healthy() && report.resolved.is_empty(), "{report:?}");
}
