//! Tests with requests produced by the `openssl` command line tool.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use der::asn1::{AnyRef, BitStringRef, UintRef};
use der::{Decode, Encode};
use spki::{AlgorithmIdentifierRef, SubjectPublicKeyInfoRef};

use super::*;

fn openssl(args: &[&str]) -> Vec<u8> {
    let output = Command::new("openssl")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run openssl");
    assert!(
        output.status.success(),
        "openssl {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("UTF-8 temp path")
}

/// One RSA-2048 private key (PEM) shared by all tests: RSA keygen is slow.
fn rsa2048_key_pem() -> &'static [u8] {
    static KEY: OnceLock<Vec<u8>> = OnceLock::new();
    KEY.get_or_init(|| {
        openssl(&[
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:2048",
        ])
    })
}

/// Writes the shared RSA-2048 key into `dir` and makes a request with it.
fn rsa2048_csr(dir: &Path, extra: &[&str]) -> PathBuf {
    let key = dir.join("rsa.pem");
    std::fs::write(&key, rsa2048_key_pem()).expect("write key");
    let out = dir.join("rsa-req.pem");
    let mut args = vec![
        "req",
        "-new",
        "-key",
        path_str(&key),
        "-subj",
        "/CN=test",
        "-out",
        path_str(&out),
    ];
    args.extend_from_slice(extra);
    openssl(&args);
    out
}

/// Makes a request with a fresh key: `newkey` is e.g. "ec" or "ed25519",
/// `extra` adds -pkeyopt, -sha384, -outform DER and the like.
fn new_csr(dir: &Path, name: &str, newkey: &str, extra: &[&str]) -> PathBuf {
    let key = dir.join(format!("{name}.key"));
    let out = dir.join(format!("{name}.csr"));
    let mut args = vec![
        "req",
        "-new",
        "-newkey",
        newkey,
        "-nodes",
        "-keyout",
        path_str(&key),
        "-subj",
        "/CN=test",
        "-out",
        path_str(&out),
    ];
    args.extend_from_slice(extra);
    openssl(&args);
    out
}

fn ec_csr(dir: &Path, curve: &str, extra: &[&str]) -> PathBuf {
    let curve_opt = format!("ec_paramgen_curve:{curve}");
    let mut args = vec!["-pkeyopt", curve_opt.as_str()];
    args.extend_from_slice(extra);
    new_csr(dir, curve, "ec", &args)
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).expect("read file")
}

/// SHA-256 of the request's public key as computed by openssl and sha256sum.
fn openssl_spki_sha256(csr_pem: &Path) -> String {
    let script = format!(
        "openssl req -in '{}' -pubkey -noout | openssl pkey -pubin -outform DER | sha256sum",
        path_str(csr_pem)
    );
    let output = Command::new("sh")
        .args(["-c", &script])
        .output()
        .expect("run sh");
    assert!(output.status.success());
    String::from_utf8(output.stdout).expect("UTF-8")[..64].to_owned()
}

fn to_der(csr_pem: &Path) -> Vec<u8> {
    openssl(&["req", "-in", path_str(csr_pem), "-outform", "DER"])
}

#[test]
fn rsa_2048_pem_and_der() {
    let dir = tempfile::tempdir().unwrap();
    let pem = rsa2048_csr(dir.path(), &[]);
    let key = parse_csr(&read(&pem)).unwrap();
    assert_eq!(key.kind(), PublicKeyKind::Rsa { bits: 2048 });
    assert_eq!(key.kind().to_string(), "RSA-2048");
    assert_eq!(key.spki_sha256_hex(), openssl_spki_sha256(&pem));
    assert_eq!(hex::encode(key.spki_sha256()), key.spki_sha256_hex());

    let der_path = dir.path().join("rsa-req.der");
    rsa2048_csr(
        dir.path(),
        &["-outform", "DER", "-out", path_str(&der_path)],
    );
    let from_der = parse_csr(&read(&der_path)).unwrap();
    assert_eq!(from_der, key);
    assert_eq!(SubscriberKey::from_spki_der(key.spki_der()).unwrap(), key);
}

#[test]
fn rsa_sha384_and_sha512() {
    let dir = tempfile::tempdir().unwrap();
    for digest in ["-sha384", "-sha512"] {
        let pem = rsa2048_csr(dir.path(), &[digest]);
        let key = parse_csr(&read(&pem)).unwrap();
        assert_eq!(key.kind(), PublicKeyKind::Rsa { bits: 2048 });
    }
}

#[test]
fn rsa_pss_with_digest_salt_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    for digest in ["-sha256", "-sha384", "-sha512"] {
        let pem = rsa2048_csr(
            dir.path(),
            &[
                digest,
                "-sigopt",
                "rsa_padding_mode:pss",
                "-sigopt",
                "rsa_pss_saltlen:digest",
            ],
        );
        let key = parse_csr(&read(&pem)).unwrap();
        assert_eq!(key.kind(), PublicKeyKind::Rsa { bits: 2048 }, "{digest}");
    }
}

#[test]
fn rsa_pss_with_other_salt_length_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let pem = rsa2048_csr(
        dir.path(),
        &[
            "-sha256",
            "-sigopt",
            "rsa_padding_mode:pss",
            "-sigopt",
            "rsa_pss_saltlen:20",
        ],
    );
    let err = parse_csr(&read(&pem)).unwrap_err();
    assert!(
        matches!(err, CsrError::UnsupportedPssParameters { ref detail } if detail.contains("salt length 20")),
        "{err:?}"
    );
}

#[test]
fn rsa_1024_is_too_small() {
    let dir = tempfile::tempdir().unwrap();
    let pem = new_csr(dir.path(), "rsa1024", "rsa:1024", &[]);
    assert_eq!(
        parse_csr(&read(&pem)),
        Err(CsrError::RsaKeyTooSmall {
            bits: 1024,
            min: 2048
        })
    );
}

#[test]
fn p256_and_p384() {
    let dir = tempfile::tempdir().unwrap();
    for (curve, kind, label) in [
        ("P-256", PublicKeyKind::EcP256, "ECDSA P-256"),
        ("P-384", PublicKeyKind::EcP384, "ECDSA P-384"),
    ] {
        let pem = ec_csr(dir.path(), curve, &[]);
        let key = parse_csr(&read(&pem)).unwrap();
        assert_eq!(key.kind(), kind);
        assert_eq!(kind.to_string(), label);
        assert_eq!(key.spki_sha256_hex(), openssl_spki_sha256(&pem));
        // The canonical form of a strict DER EC key is the key itself.
        let openssl_spki = openssl(&["req", "-in", path_str(&pem), "-pubkey", "-noout"]);
        let (_, spki) = der::pem::decode_vec(&openssl_spki).unwrap();
        assert_eq!(key.spki_der(), spki.as_slice());
    }
}

#[test]
fn ecdsa_cross_hashes_verify() {
    let dir = tempfile::tempdir().unwrap();
    for (curve, digest) in [
        ("P-256", "-sha384"),
        ("P-256", "-sha512"),
        ("P-384", "-sha256"),
        ("P-384", "-sha512"),
    ] {
        let pem = ec_csr(dir.path(), curve, &[digest]);
        assert!(parse_csr(&read(&pem)).is_ok(), "{curve} {digest}");
    }
}

#[test]
fn p521_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let pem = ec_csr(dir.path(), "P-521", &[]);
    let err = parse_csr(&read(&pem)).unwrap_err();
    assert_eq!(
        err,
        CsrError::UnsupportedCurve {
            oid: "1.3.132.0.35".to_owned()
        }
    );
    assert!(err.to_string().contains("secp521r1"), "{err}");
}

#[test]
fn ed25519_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let pem = new_csr(dir.path(), "ed25519", "ed25519", &[]);
    let err = parse_csr(&read(&pem)).unwrap_err();
    assert_eq!(
        err,
        CsrError::UnsupportedKeyAlgorithm {
            oid: "1.3.101.112".to_owned()
        }
    );
}

#[test]
fn flipped_signature_byte_is_bad_signature() {
    let dir = tempfile::tempdir().unwrap();
    let pem = ec_csr(dir.path(), "P-256", &[]);
    let mut der = to_der(&pem);
    // The DER ends with the signature BIT STRING, whose last byte is the last
    // byte of the ECDSA `s` value.
    *der.last_mut().unwrap() ^= 0x01;
    assert_eq!(parse_csr(&der), Err(CsrError::BadSignature));
}

#[test]
fn altered_request_info_is_bad_signature() {
    let dir = tempfile::tempdir().unwrap();
    let pem = ec_csr(dir.path(), "P-256", &[]);
    let mut der = to_der(&pem);
    let cn = der
        .windows(4)
        .position(|w| w == b"test")
        .expect("subject in DER");
    der[cn] = b'b';
    assert_eq!(parse_csr(&der), Err(CsrError::BadSignature));
}

#[test]
fn garbage_is_refused() {
    assert_eq!(parse_csr(b""), Err(CsrError::NotPemOrDer));
    assert_eq!(parse_csr(b"hello world"), Err(CsrError::NotPemOrDer));
    assert_eq!(parse_csr(&[0xff, 0x00, 0x12]), Err(CsrError::NotPemOrDer));
    assert!(matches!(
        parse_csr(&[0x30, 0x03, 0x02, 0x01, 0x00]),
        Err(CsrError::Malformed { .. })
    ));
    assert!(matches!(
        parse_csr(
            b"-----BEGIN CERTIFICATE REQUEST-----\n!!!!\n-----END CERTIFICATE REQUEST-----\n"
        ),
        Err(CsrError::Malformed { .. })
    ));
    assert!(matches!(
        parse_csr(b"-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n"),
        Err(CsrError::Malformed { .. })
    ));
}

#[test]
fn truncated_and_trailing_der_are_malformed() {
    let dir = tempfile::tempdir().unwrap();
    let der = to_der(&ec_csr(dir.path(), "P-256", &[]));
    for len in [1, 2, 10, der.len() / 2, der.len() - 1] {
        let err = parse_csr(&der[..len]).unwrap_err();
        assert!(matches!(err, CsrError::Malformed { .. }), "{len}: {err:?}");
    }
    let mut trailing = der.clone();
    trailing.push(0);
    assert!(matches!(
        parse_csr(&trailing),
        Err(CsrError::Malformed { .. })
    ));
    assert!(parse_csr(&der).is_ok());
}

#[test]
fn version_other_than_v1_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut der = to_der(&ec_csr(dir.path(), "P-256", &[]));
    // The first INTEGER 0 in the DER is the CertificationRequestInfo version.
    let version = der
        .windows(3)
        .position(|w| w == [0x02, 0x01, 0x00])
        .expect("version");
    der[version + 2] = 0x01;
    assert_eq!(
        parse_csr(&der),
        Err(CsrError::UnsupportedVersion { version: 1 })
    );
}

#[test]
fn lenient_pem_armour() {
    let dir = tempfile::tempdir().unwrap();
    let pem_path = ec_csr(dir.path(), "P-384", &[]);
    let expected = parse_csr(&read(&pem_path)).unwrap();
    let der = to_der(&pem_path);

    // Re-wrap at 76 characters with CRLF, NEW CERTIFICATE REQUEST label,
    // leading and trailing whitespace and explanatory text before the block.
    let pem = String::from_utf8(read(&pem_path)).unwrap();
    let body: String = pem
        .lines()
        .filter(|line| !line.starts_with("-----"))
        .collect();
    let mut text = String::from("  \r\nCertificate request for test\r\n");
    text.push_str("-----BEGIN NEW CERTIFICATE REQUEST-----\r\n");
    for chunk in body.as_bytes().chunks(76) {
        text.push_str(std::str::from_utf8(chunk).unwrap());
        text.push_str("\r\n");
    }
    text.push_str("-----END NEW CERTIFICATE REQUEST-----\r\n\r\n  ");
    assert_eq!(parse_csr(text.as_bytes()).unwrap(), expected);

    // DER gives the same key.
    assert_eq!(parse_csr(&der).unwrap(), expected);

    // Trailing data after the END line is refused.
    let mut two = pem.clone();
    two.push_str(&pem);
    assert!(matches!(
        parse_csr(two.as_bytes()),
        Err(CsrError::Malformed { .. })
    ));
}

#[test]
fn wrong_pem_label_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let pem_path = ec_csr(dir.path(), "P-256", &[]);
    let pem = String::from_utf8(read(&pem_path))
        .unwrap()
        .replace("CERTIFICATE REQUEST", "CERTIFICATE");
    assert_eq!(
        parse_csr(pem.as_bytes()),
        Err(CsrError::UnexpectedPemLabel {
            label: "CERTIFICATE".to_owned()
        })
    );
}

#[test]
fn vietnamese_utf8_subject_parses() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("vn.key");
    let out = dir.path().join("vn.csr");
    openssl(&[
        "req",
        "-new",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        path_str(&key),
        "-utf8",
        "-subj",
        "/CN=Nguyễn Văn An/O=Bộ Nội vụ",
        "-out",
        path_str(&out),
    ]);
    let der = to_der(&out);
    assert!(
        der.windows("Nguyễn Văn An".len())
            .any(|w| w == "Nguyễn Văn An".as_bytes()),
        "subject should be UTF8String"
    );
    let parsed = parse_csr(&read(&out)).unwrap();
    assert_eq!(parsed.kind(), PublicKeyKind::EcP256);
}

/// The shared RSA-2048 key's modulus and SubjectPublicKeyInfo.
fn rsa2048_spki() -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("rsa.pem");
    std::fs::write(&key, rsa2048_key_pem()).unwrap();
    openssl(&["pkey", "-in", path_str(&key), "-pubout", "-outform", "DER"])
}

fn rsa_spki(modulus: &[u8], exponent: &[u8], parameters: Option<AnyRef<'_>>) -> Vec<u8> {
    let rsa = pkcs1::RsaPublicKey {
        modulus: UintRef::new(modulus).unwrap(),
        public_exponent: UintRef::new(exponent).unwrap(),
    }
    .to_der()
    .unwrap();
    SubjectPublicKeyInfoRef {
        algorithm: AlgorithmIdentifierRef {
            oid: const_oid::db::rfc5912::RSA_ENCRYPTION,
            parameters,
        },
        subject_public_key: BitStringRef::from_bytes(&rsa).unwrap(),
    }
    .to_der()
    .unwrap()
}

#[test]
fn rsa_exponent_policy() {
    let spki_der = rsa2048_spki();
    let spki = SubjectPublicKeyInfoRef::from_der(&spki_der).unwrap();
    let rsa = pkcs1::RsaPublicKey::from_der(spki.subject_public_key.raw_bytes()).unwrap();
    let modulus = rsa.modulus.as_bytes();

    let with_exponent =
        |e: &[u8]| SubscriberKey::from_spki_der(&rsa_spki(modulus, e, Some(AnyRef::NULL)));
    assert!(with_exponent(&[0x01, 0x00, 0x01]).is_ok());
    for bad in [
        &[0x01][..],
        &[0x02],
        &[0x03],
        &[0x11],
        &[0x01, 0xff, 0xff, 0xff, 0xff],
        &[0x01, 0x00, 0x02],
        &[0x02, 0x00, 0x00, 0x00, 0x01],
        &[0x01, 0x00, 0x00, 0x00, 0x00, 0x01],
    ] {
        assert_eq!(
            with_exponent(bad),
            Err(CsrError::RsaExponentNotAllowed),
            "{bad:02x?}"
        );
    }
}

#[test]
fn rsa_absent_parameters_are_canonicalised_to_null() {
    let spki_der = rsa2048_spki();
    let spki = SubjectPublicKeyInfoRef::from_der(&spki_der).unwrap();
    let rsa = pkcs1::RsaPublicKey::from_der(spki.subject_public_key.raw_bytes()).unwrap();
    let absent = rsa_spki(rsa.modulus.as_bytes(), rsa.public_exponent.as_bytes(), None);
    assert_ne!(absent, spki_der);
    let key = SubscriberKey::from_spki_der(&absent).unwrap();
    assert_eq!(key.spki_der(), spki_der.as_slice());
    assert_eq!(key.kind(), PublicKeyKind::Rsa { bits: 2048 });

    let oid_param = AnyRef::new(Tag::Integer, &[0]).unwrap();
    assert!(matches!(
        SubscriberKey::from_spki_der(&rsa_spki(
            rsa.modulus.as_bytes(),
            rsa.public_exponent.as_bytes(),
            Some(oid_param)
        )),
        Err(CsrError::InvalidPublicKey { .. })
    ));
}

#[test]
fn rsa_size_limits() {
    let mut too_large = vec![0xff; 1025];
    too_large[1024] = 0xfb;
    assert_eq!(
        SubscriberKey::from_spki_der(&rsa_spki(&too_large, &[1, 0, 1], Some(AnyRef::NULL))),
        Err(CsrError::RsaKeyTooLarge {
            bits: 8200,
            max: 8192
        })
    );
    let mut small = vec![0xff; 255];
    small[0] = 0x7f;
    assert_eq!(
        SubscriberKey::from_spki_der(&rsa_spki(&small, &[1, 0, 1], None)),
        Err(CsrError::RsaKeyTooSmall {
            bits: 2039,
            min: 2048
        })
    );
}

#[test]
fn ec_point_policy() {
    let dir = tempfile::tempdir().unwrap();
    let pem = ec_csr(dir.path(), "P-256", &[]);
    let good = parse_csr(&read(&pem)).unwrap();
    let spki = SubjectPublicKeyInfoRef::from_der(good.spki_der()).unwrap();
    let point = spki.subject_public_key.raw_bytes();
    assert_eq!(point.len(), 65);

    let with_point = |point: &[u8]| {
        let der = SubjectPublicKeyInfoRef {
            algorithm: spki.algorithm,
            subject_public_key: BitStringRef::from_bytes(point).unwrap(),
        }
        .to_der()
        .unwrap();
        SubscriberKey::from_spki_der(&der)
    };
    assert_eq!(with_point(point).unwrap(), good);

    let mut compressed = vec![0x02 | (point[64] & 1)];
    compressed.extend_from_slice(&point[1..33]);
    assert!(matches!(
        with_point(&compressed),
        Err(CsrError::InvalidPublicKey { .. })
    ));

    let mut off_curve = point.to_vec();
    off_curve[64] ^= 0x01;
    assert!(matches!(
        with_point(&off_curve),
        Err(CsrError::InvalidPublicKey { .. })
    ));

    assert!(matches!(
        with_point(&point[..64]),
        Err(CsrError::InvalidPublicKey { .. })
    ));
}

#[test]
fn error_messages_name_the_algorithm() {
    let err = CsrError::UnsupportedKeyAlgorithm {
        oid: "1.3.101.112".to_owned(),
    };
    assert_eq!(
        err.to_string(),
        "unsupported public key algorithm 1.3.101.112 (id-Ed25519)"
    );
    let err = CsrError::UnsupportedSignatureAlgorithm {
        oid: "9.9.9".to_owned(),
    };
    assert_eq!(err.to_string(), "unsupported signature algorithm 9.9.9");
}
