//! Requests that are not what they should be, the GET encoding, and the
//! status of each kind of row.

use chrono::{DateTime, Utc};
use der::asn1::{ObjectIdentifier, OctetString};
use der::{Decode, Encode};
use x509_cert::ext::Extension;
use x509_ocsp::{CertId, OcspRequest, Request, TbsRequest};

use super::super::*;
use crate::status::RevocationReason;
use crate::store::models::CertificateRow;

/// A CertID; `serial` is the INTEGER's content octets, taken as they are.
fn cert_id(oid: &str, hash_len: usize, serial: &[u8]) -> CertId {
    let mut int = vec![0x02, u8::try_from(serial.len()).unwrap()];
    int.extend_from_slice(serial);
    CertId {
        hash_algorithm: spki::AlgorithmIdentifierOwned {
            oid: ObjectIdentifier::new_unwrap(oid),
            parameters: None,
        },
        issuer_name_hash: OctetString::new(vec![1; hash_len]).unwrap(),
        issuer_key_hash: OctetString::new(vec![2; hash_len]).unwrap(),
        serial_number: x509_cert::serial_number::SerialNumber::from_der(&int).unwrap(),
    }
}

fn request_der(ids: Vec<CertId>, nonce: Option<Vec<u8>>) -> Vec<u8> {
    OcspRequest {
        tbs_request: TbsRequest {
            request_list: ids
                .into_iter()
                .map(|req_cert| Request {
                    req_cert,
                    single_request_extensions: None,
                })
                .collect(),
            request_extensions: nonce.map(|n| {
                vec![Extension {
                    extn_id: ID_PKIX_OCSP_NONCE,
                    critical: false,
                    extn_value: OctetString::new(n).unwrap(),
                }]
            }),
            ..TbsRequest::default()
        },
        optional_signature: None,
    }
    .to_der()
    .unwrap()
}

const SHA1: &str = "1.3.14.3.2.26";

#[test]
fn a_well_formed_request_parses_and_round_trips_its_cert_id() {
    let nonce = OctetString::new(vec![7u8; 16]).unwrap().to_der().unwrap();
    let der = request_der(
        vec![cert_id(SHA1, 20, &[0x00, 0x80, 0x01])],
        Some(nonce.clone()),
    );
    let parsed = parse_request(&der).unwrap();
    assert_eq!(parsed.nonce, Some(nonce));
    let id = &parsed.cert_ids[0];
    assert_eq!(id.serial.to_hex(), "8001");
    let back = id.to_x509().unwrap();
    assert_eq!(CertIdOwned::from_x509(&back).unwrap(), *id);
}

#[test]
fn malformed_requests_are_refused() {
    let good = request_der(vec![cert_id(SHA1, 20, &[1])], None);
    let mut trailing = good.clone();
    trailing.push(0);
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("garbage", b"this is not DER at all".to_vec()),
        ("truncated", good[..good.len() - 3].to_vec()),
        ("trailing data", trailing),
        ("no CertID", request_der(Vec::new(), None)),
        (
            "short hash",
            request_der(vec![cert_id(SHA1, 19, &[1])], None),
        ),
        (
            "negative serial",
            request_der(vec![cert_id(SHA1, 20, &[0x80])], None),
        ),
        (
            "zero serial",
            request_der(vec![cert_id(SHA1, 20, &[0])], None),
        ),
        (
            "nonce of 33",
            request_der(
                vec![cert_id(SHA1, 20, &[1])],
                Some(OctetString::new(vec![1u8; 33]).unwrap().to_der().unwrap()),
            ),
        ),
        (
            "empty nonce",
            request_der(vec![cert_id(SHA1, 20, &[1])], Some(Vec::new())),
        ),
    ];
    for (what, der) in cases {
        let err = parse_request(&der).unwrap_err();
        assert!(matches!(err, OcspError::Malformed(_)), "{what}: {err}");
        assert_eq!(err.response_status(), OcspResponseStatus::MalformedRequest);
    }
    let sha384 = request_der(vec![cert_id("2.16.840.1.101.3.4.2.2", 48, &[1])], None);
    let err = parse_request(&sha384).unwrap_err();
    assert!(matches!(err, OcspError::UnsupportedHash { .. }), "{err}");
    assert_eq!(err.response_status(), OcspResponseStatus::MalformedRequest);
    assert!(OcspRequest::from_der(&good).is_ok());
}

#[test]
fn get_paths_in_every_base64_spelling() {
    // Bytes whose base64 uses '+' and '/' (standard) or '-' and '_' (URL-safe).
    let der = vec![0x30, 0xfb, 0xff, 0x3e, 0x01];
    let std_b64 = "MPv/PgE=";
    for path in [
        std_b64,
        "MPv/PgE",
        "MPv%2FPgE%3D",
        "MPv%2fPgE",
        "MPv_PgE=",
        "MPv_PgE",
    ] {
        assert_eq!(decode_get_path(path).unwrap(), der, "{path}");
    }
    let plus = vec![0xfb, 0xef];
    assert_eq!(decode_get_path("++8=").unwrap(), plus);
    assert_eq!(decode_get_path("%2B%2B8%3D").unwrap(), plus);
    assert_eq!(decode_get_path("  8").unwrap(), plus, "form-decoded '+'");
    assert_eq!(decode_get_path("--8").unwrap(), plus);
    for bad in ["", "%", "%4", "%zz", "%+1AA", "not*base64", "MPv/PgE-", "A"] {
        let err = decode_get_path(bad).unwrap_err();
        assert!(matches!(err, OcspError::Malformed(_)), "{bad:?}: {err}");
    }
}

fn row(status: &str, reason: Option<&str>) -> CertificateRow {
    let t = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().naive_utc();
    CertificateRow {
        id: 1,
        issuer_id: "gov-ca".into(),
        serial: "01".into(),
        subscriber_id: None,
        token_id: None,
        profile: "individual".into(),
        operation: "issue".into(),
        request_json: "{}".into(),
        replaces_id: None,
        status: status.parse().unwrap(),
        subject_dn: "CN=x".into(),
        spki_sha256: "00".into(),
        tbs_der: Vec::new(),
        cert_der: None,
        not_before: t("2026-01-01T00:00:00Z"),
        not_after: t("2027-01-01T00:00:00Z"),
        revoked_at: reason.map(|_| t("2026-06-01T00:00:00Z")),
        revocation_reason: reason.map(|r| r.parse().unwrap()),
        invalidity_date: None,
        created_at: t("2026-01-01T00:00:00Z"),
        issued_at: None,
    }
}

#[test]
fn each_row_status_has_its_ocsp_status() {
    let created: DateTime<Utc> = "2026-01-01T00:00:00Z".parse().unwrap();
    let revoked: DateTime<Utc> = "2026-06-01T00:00:00Z".parse().unwrap();
    assert_eq!(status_from_row(&row("good", None)), OcspStatus::Good);
    assert_eq!(
        status_from_row(&row("revoked", Some("key-compromise"))),
        OcspStatus::Revoked {
            at: revoked,
            reason: Some(RevocationReason::KeyCompromise)
        }
    );
    assert_eq!(
        status_from_row(&row("suspended", Some("certificate-hold"))),
        OcspStatus::Revoked {
            at: revoked,
            reason: Some(RevocationReason::CertificateHold)
        }
    );
    assert_eq!(
        status_from_row(&row("pending", None)),
        OcspStatus::Revoked {
            at: created,
            reason: None
        }
    );
    assert!("bogus".parse::<crate::status::CertStatus>().is_err());
}
