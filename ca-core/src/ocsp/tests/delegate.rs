//! The delegated OCSP signer: reused, rotated, never the issuer's key.

use std::sync::Arc;

use chrono::{Duration, Utc};
use der::Decode;
use diesel::prelude::*;

use super::{answer, check, issue_leaf, openssl, request, setup, test_ca};
use crate::lifecycle::CertificateRef;
use crate::ocsp::*;
use crate::signer::{KeySpec, Signer};
use crate::status::RevocationReason;
use crate::store::schema::{audit_events, ocsp_signers};

#[test]
fn the_delegate_is_reused_then_rotated_and_never_the_issuer_key() {
    let (tmp, ca) = setup();
    let dir = tmp.path();
    let (s1, c1) = ca
        .ensure_ocsp_signer("gov-ca", KeySpec::P256, "test")
        .unwrap();
    let gov = ca.issuer("gov-ca").unwrap();
    assert_ne!(s1.spki_der(), gov.spki_der.as_slice());
    let (s2, c2) = ca
        .ensure_ocsp_signer("gov-ca", KeySpec::P256, "test")
        .unwrap();
    assert_eq!(
        (c1.as_slice(), s1.spki_der()),
        (c2.as_slice(), s2.spki_der())
    );

    std::fs::write(dir.join("signer.pem"), crate::certificate::der_to_pem(&c1)).unwrap();
    let (ok, text) = openssl(dir, &["x509", "-in", "signer.pem", "-noout", "-text"]);
    assert!(ok, "{text}");
    assert!(text.contains("OCSP Signing"), "{text}");
    assert!(text.contains("OCSP No Check"), "{text}");
    let subject = x509_cert::Certificate::from_der(&c1)
        .unwrap()
        .tbs_certificate
        .subject
        .to_string();
    assert!(
        subject.contains("CN=OCSP Responder – CA phục vụ các cơ quan Nhà nước (demo)"),
        "{subject}"
    );
    assert!(subject.contains("O=Ban Cơ yếu Chính phủ"), "{subject}");
    let (ok, text) = openssl(dir, &["verify", "-CAfile", "chain.pem", "signer.pem"]);
    assert!(ok, "{text}");

    // Less than a third of its validity left: rotated.
    {
        let mut c = ca.store().conn().unwrap();
        diesel::update(ocsp_signers::table.find("gov-ca"))
            .set(ocsp_signers::not_after.eq((Utc::now() + Duration::days(2)).naive_utc()))
            .execute(&mut *c)
            .unwrap();
    }
    let (s3, c3) = ca
        .ensure_ocsp_signer("gov-ca", KeySpec::P256, "test")
        .unwrap();
    assert_ne!(c3, c1);
    assert_ne!(s3.spki_der(), s1.spki_der());

    // Another key type asked: rotated to an RSA delegate, which openssl accepts.
    let (s4, c4) = ca
        .ensure_ocsp_signer("gov-ca", KeySpec::Rsa2048, "test")
        .unwrap();
    assert_eq!(s4.algorithm(), KeySpec::Rsa2048.signature_algorithm());
    issue_leaf(&ca, dir, "Hoàng Thị Em", "leaf.pem");
    request(dir, "req.der", &["-cert", "leaf.pem"], &[]);
    answer(&ca, dir, s4.as_ref(), &c4, "req.der", "resp.der");
    assert!(check(dir, "req.der", "resp.der", &["-cert", "leaf.pem"]).contains("leaf.pem: good"));

    let rotations: i64 = {
        let mut c = ca.store().conn().unwrap();
        audit_events::table
            .filter(audit_events::action.eq("ocsp.signer-rotate"))
            .count()
            .get_result(&mut *c)
            .unwrap()
    };
    assert_eq!(rotations, 3);
    assert!(matches!(
        build_response(s4.as_ref(), &c1, &[], Utc::now(), Utc::now(), None),
        Err(OcspError::Malformed(_))
    ));
    let id = ca.ocsp_issuers().unwrap()[1].cert_id(CertIdHash::Sha1, "01".parse().unwrap());
    let err = build_response(
        s4.as_ref(),
        &c1,
        &[(id, OcspStatus::Good)],
        Utc::now(),
        Utc::now(),
        None,
    )
    .unwrap_err();
    assert!(matches!(err, OcspError::Signer(_)), "{err}");
    let _: &Arc<dyn Signer> = &s4;
}

/// Drops the scratch PostgreSQL database when the test ends, pass or fail.
struct ScratchPg {
    admin_url: String,
    name: String,
}

impl Drop for ScratchPg {
    fn drop(&mut self) {
        let drop_db = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        let result = PgConnection::establish(&self.admin_url)
            .map_err(|e| e.to_string())
            .and_then(|mut c| {
                diesel::sql_query(drop_db)
                    .execute(&mut c)
                    .map_err(|e| e.to_string())
            });
        if let Err(e) = result {
            eprintln!("could not drop scratch database {}: {e}", self.name);
        }
    }
}

#[test]
fn delegate_and_statuses_on_postgres() {
    let admin_url = std::env::var("GOVPKI_TEST_PG_URL").unwrap_or_else(|_| {
        panic!("GOVPKI_TEST_PG_URL is required (e.g. postgres://postgres@127.0.0.1:5432/test)")
    });
    let mut random = [0_u8; 8];
    aws_lc_rs::rand::fill(&mut random).unwrap();
    let name = format!("govpki_ocsp_{}", hex::encode(random));
    let mut admin = PgConnection::establish(&admin_url).unwrap();
    diesel::sql_query(format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .unwrap();
    let _scratch = ScratchPg {
        admin_url: admin_url.clone(),
        name: name.clone(),
    };
    let (base, query) = admin_url
        .rsplit_once('/')
        .map(|(base, rest)| (base, rest.find('?').map_or("", |i| &rest[i..])))
        .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let ca = test_ca(tmp.path(), Some(&format!("{base}/{name}{query}")));
    let (s1, c1) = ca
        .ensure_ocsp_signer("gov-ca", KeySpec::P256, "test")
        .unwrap();
    let (s2, c2) = ca
        .ensure_ocsp_signer("gov-ca", KeySpec::P256, "test")
        .unwrap();
    assert_eq!((c1, s1.spki_der()), (c2, s2.spki_der()));
    let leaf = issue_leaf(&ca, tmp.path(), "Vũ Thị Giang", "leaf.pem");
    assert_eq!(
        ca.ocsp_status("gov-ca", &leaf.serial).unwrap(),
        OcspStatus::Good
    );
    assert_eq!(
        ca.ocsp_status("root", &leaf.serial).unwrap(),
        OcspStatus::Unknown
    );
    ca.revoke(
        &CertificateRef::serial(leaf.serial.clone()),
        RevocationReason::CessationOfOperation,
        None,
        "test",
    )
    .unwrap();
    assert!(matches!(
        ca.ocsp_status("gov-ca", &leaf.serial).unwrap(),
        OcspStatus::Revoked {
            reason: Some(RevocationReason::CessationOfOperation),
            ..
        }
    ));
    assert_eq!(ca.ocsp_issuers().unwrap().len(), 2);
    drop(ca);
}
