//! The OCSP library against the real client: requests made by `openssl
//! ocsp`, answered from the store, checked by `openssl ocsp -respin`.

mod delegate;
mod input;

use std::path::Path;
use std::process::Command;

use chrono::{Duration, Utc};
use der::Decode;

use super::*;
use crate::lifecycle::{CertificateRef, IssueRequest, Issued};
use crate::registry::{SubscriberInput, SubscriberKind};
use crate::signer::{KeySpec, Signer};
use crate::status::RevocationReason;
use crate::test_support::test_ca;
use crate::Ca;

/// Issues an individual's certificate under gov-ca and writes it to `file`.
fn issue_leaf(ca: &Ca, dir: &Path, name: &str, file: &str) -> Issued {
    // A CCCD is registered once: each leaf's subscriber has its own.
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let registered = ca
        .add_subscriber(
            &SubscriberInput {
                kind: SubscriberKind::Individual,
                name: name.into(),
                national_id: Some(format!("CCCD:0010890{n:05}")),
                tax_code: None,
                title: None,
                unit: None,
                organization: None,
                locality: None,
                province: "Hà Nội".into(),
                email: None,
                phone: None,
            },
            "test",
        )
        .unwrap();
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let csr = rcgen::CertificateParams::default()
        .serialize_request(&key)
        .unwrap();
    let issued = ca
        .issue(&IssueRequest {
            subscriber_id: registered.id,
            profile: "individual",
            csr: csr.der(),
            issuer: None,
            token: None,
            days: None,
            actor: "test",
        })
        .unwrap();
    std::fs::write(dir.join(file), issued.pem()).unwrap();
    issued
}

/// Runs openssl in `dir`; returns whether it succeeded and all it printed.
fn openssl(dir: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl must be installed");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// Answers the request in `req` as the responder will, into `resp`.
fn answer(ca: &Ca, dir: &Path, signer: &dyn Signer, cert: &[u8], req: &str, resp: &str) {
    let parsed = parse_request(&std::fs::read(dir.join(req)).unwrap()).unwrap();
    let issuers = ca.ocsp_issuers().unwrap();
    let entries: Vec<_> = parsed
        .cert_ids
        .iter()
        .map(|id| {
            let issuer = find_issuer(&issuers, id).unwrap();
            let status = ca.ocsp_status(&issuer.issuer_id, &id.serial).unwrap();
            (id.clone(), status)
        })
        .collect();
    let now = Utc::now();
    let der = build_response(
        signer,
        cert,
        &entries,
        now,
        now + Duration::days(4),
        parsed.nonce.as_deref(),
    )
    .unwrap();
    std::fs::write(dir.join(resp), der).unwrap();
}

/// `openssl ocsp` checks the response `resp` to `req`: first the signature,
/// chain and nonce against the request itself, then the statuses of
/// `targets` (`-cert FILE` or `-serial N` pairs), which it prints.
fn check(dir: &Path, req: &str, resp: &str, targets: &[&str]) -> String {
    let args = [
        "ocsp",
        "-reqin",
        req,
        "-respin",
        resp,
        "-CAfile",
        "chain.pem",
    ];
    let (ok, text) = openssl(dir, &args);
    assert!(ok && text.contains("Response verify OK"), "{text}");
    assert!(!text.to_lowercase().contains("nonce"), "{text}");
    let mut args = vec!["ocsp", "-respin", resp, "-issuer", "gov.pem", "-no_nonce"];
    args.extend(targets);
    args.extend(["-CAfile", "chain.pem", "-resp_text"]);
    let (ok, text) = openssl(dir, &args);
    assert!(ok && text.contains("Response verify OK"), "{text}");
    text
}

/// A fresh request for `targets` under gov-ca, `extra` options first.
fn request(dir: &Path, out: &str, targets: &[&str], extra: &[&str]) {
    let mut args = vec!["ocsp", "-issuer", "gov.pem"];
    args.extend(extra);
    args.extend(targets);
    args.extend(["-reqout", out]);
    let (ok, text) = openssl(dir, &args);
    assert!(ok, "{text}");
}

fn setup() -> (tempfile::TempDir, Ca) {
    let dir = tempfile::tempdir().unwrap();
    let ca = test_ca(dir.path(), None);
    std::fs::write(
        dir.path().join("gov.pem"),
        ca.export("gov-ca", false).unwrap(),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("chain.pem"),
        ca.export("gov-ca", true).unwrap(),
    )
    .unwrap();
    (dir, ca)
}

#[test]
fn good_suspended_restored_revoked_as_openssl_reads_them() {
    let (tmp, ca) = setup();
    let dir = tmp.path();
    let leaf = issue_leaf(&ca, dir, "Nguyễn Văn An", "leaf.pem");
    let (signer, cert) = ca
        .ensure_ocsp_signer("gov-ca", KeySpec::P256, "test")
        .unwrap();
    let cert_ref = CertificateRef::serial(leaf.serial.clone());

    request(dir, "req.der", &["-cert", "leaf.pem"], &[]);
    let parsed = parse_request(&std::fs::read(dir.join("req.der")).unwrap()).unwrap();
    assert_eq!(parsed.cert_ids.len(), 1);
    assert_eq!(parsed.cert_ids[0].hash, CertIdHash::Sha1);
    assert_eq!(parsed.cert_ids[0].serial, leaf.serial);
    let nonce = parsed.nonce.expect("openssl sends a nonce by default");

    answer(&ca, dir, signer.as_ref(), &cert, "req.der", "resp.der");
    let text = check(dir, "req.der", "resp.der", &["-cert", "leaf.pem"]);
    assert!(text.contains("leaf.pem: good"), "{text}");
    let key_id = hex::encode_upper(crate::certificate::key_identifier(signer.spki_der()).unwrap());
    assert!(text.contains(&format!("Responder Id: {key_id}")), "{text}");
    assert!(text.contains("OCSP Nonce"), "{text}");
    let basic = x509_ocsp::OcspResponse::from_der(&std::fs::read(dir.join("resp.der")).unwrap())
        .unwrap()
        .response_bytes
        .unwrap();
    let basic = x509_ocsp::BasicOcspResponse::from_der(basic.response.as_bytes()).unwrap();
    let echoed = basic.tbs_response_data.response_extensions.unwrap();
    assert_eq!(echoed[0].extn_id, ID_PKIX_OCSP_NONCE);
    assert_eq!(echoed[0].extn_value.as_bytes(), nonce.as_slice());

    ca.suspend(&cert_ref, "test").unwrap();
    answer(&ca, dir, signer.as_ref(), &cert, "req.der", "resp.der");
    let text = check(dir, "req.der", "resp.der", &["-cert", "leaf.pem"]);
    assert!(text.contains("leaf.pem: revoked"), "{text}");
    assert!(text.contains("Reason: certificateHold"), "{text}");

    ca.restore(&cert_ref, "test").unwrap();
    answer(&ca, dir, signer.as_ref(), &cert, "req.der", "resp.der");
    assert!(check(dir, "req.der", "resp.der", &["-cert", "leaf.pem"]).contains("leaf.pem: good"));

    ca.revoke(&cert_ref, RevocationReason::KeyCompromise, None, "test")
        .unwrap();
    request(dir, "plain.der", &["-cert", "leaf.pem"], &["-no_nonce"]);
    assert_eq!(
        parse_request(&std::fs::read(dir.join("plain.der")).unwrap())
            .unwrap()
            .nonce,
        None
    );
    answer(&ca, dir, signer.as_ref(), &cert, "plain.der", "resp.der");
    let text = check(dir, "plain.der", "resp.der", &["-cert", "leaf.pem"]);
    assert!(text.contains("leaf.pem: revoked"), "{text}");
    assert!(text.contains("Reason: keyCompromise"), "{text}");
}

#[test]
fn sha256_and_several_cert_ids_and_an_unknown_serial() {
    let (tmp, ca) = setup();
    let dir = tmp.path();
    let a = issue_leaf(&ca, dir, "Trần Thị Bình", "a.pem");
    issue_leaf(&ca, dir, "Lê Văn Cường", "b.pem");
    ca.revoke(
        &CertificateRef::serial(a.serial),
        RevocationReason::Superseded,
        None,
        "test",
    )
    .unwrap();
    let (signer, cert) = ca
        .ensure_ocsp_signer("gov-ca", KeySpec::P256, "test")
        .unwrap();

    request(
        dir,
        "req.der",
        &["-cert", "a.pem", "-cert", "b.pem"],
        &["-sha256"],
    );
    let parsed = parse_request(&std::fs::read(dir.join("req.der")).unwrap()).unwrap();
    assert_eq!(parsed.cert_ids.len(), 2);
    assert!(parsed.cert_ids.iter().all(|i| i.hash == CertIdHash::Sha256));
    answer(&ca, dir, signer.as_ref(), &cert, "req.der", "resp.der");
    let text = check(
        dir,
        "req.der",
        "resp.der",
        &["-sha256", "-cert", "a.pem", "-cert", "b.pem"],
    );
    assert!(text.contains("a.pem: revoked"), "{text}");
    assert!(text.contains("Reason: superseded"), "{text}");
    assert!(text.contains("b.pem: good"), "{text}");

    request(dir, "u.der", &["-serial", "0x1234"], &[]);
    answer(&ca, dir, signer.as_ref(), &cert, "u.der", "u-resp.der");
    let text = check(dir, "u.der", "u-resp.der", &["-serial", "0x1234"]);
    assert!(text.contains("0x1234: unknown"), "{text}");
}

#[test]
fn an_issuer_we_do_not_serve_is_unauthorized_and_errors_read_as_such() {
    let (tmp, ca) = setup();
    let dir = tmp.path();
    issue_leaf(&ca, dir, "Phạm Minh Đức", "leaf.pem");
    let args = [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-subj",
        "/CN=Other CA",
        "-keyout",
        "other.key",
        "-out",
        "other.pem",
    ];
    assert!(openssl(dir, &args).0);
    let args = [
        "ocsp",
        "-issuer",
        "other.pem",
        "-cert",
        "leaf.pem",
        "-reqout",
        "o.der",
    ];
    assert!(openssl(dir, &args).0);
    let parsed = parse_request(&std::fs::read(dir.join("o.der")).unwrap()).unwrap();
    let issuers = ca.ocsp_issuers().unwrap();
    assert_eq!(issuers.len(), 2, "root and gov-ca");
    let err = find_issuer(&issuers, &parsed.cert_ids[0]).unwrap_err();
    assert!(matches!(err, OcspError::Unauthorized), "{err}");
    assert_eq!(err.response_status(), OcspResponseStatus::Unauthorized);

    for (status, word) in [
        (OcspResponseStatus::MalformedRequest, "malformedrequest"),
        (OcspResponseStatus::InternalError, "internalerror"),
        (OcspResponseStatus::TryLater, "trylater"),
        (OcspResponseStatus::Unauthorized, "unauthorized"),
    ] {
        let der = error_response(status);
        let expected = x509_ocsp::OcspResponse {
            response_status: status,
            response_bytes: None,
        };
        assert_eq!(der, der::Encode::to_der(&expected).unwrap());
        std::fs::write(dir.join("err.der"), der).unwrap();
        let (_, text) = openssl(dir, &["ocsp", "-respin", "err.der", "-resp_text"]);
        assert!(text.contains(&format!("Responder Error: {word}")), "{text}");
    }
}
