//! openssl, the independent client: keys and CSRs, chain verification,
//! and reading certificates (`x509 -text`, `asn1parse`, subjects, dates).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use super::{expect_success, TestEnv};

impl TestEnv {
    /// `openssl verify -CAfile root.pem [-untrusted each.pem] cert`: asserts OK.
    pub(crate) fn verify_chain(&self, cert: &Path, intermediates: &[&str]) {
        self.verify_chain_to(cert, &self.path("root.pem"), intermediates);
    }

    /// `openssl verify -CAfile ANCHOR [-untrusted each.pem] cert`: asserts OK.
    pub(crate) fn verify_chain_to(&self, cert: &Path, anchor: &Path, intermediates: &[&str]) {
        let anchor = anchor.display().to_string();
        let cert = cert.display().to_string();
        let untrusted: Vec<String> = intermediates
            .iter()
            .map(|id| self.p(&format!("{id}.pem")))
            .collect();
        let mut args = vec!["verify", "-CAfile", &anchor];
        for u in &untrusted {
            args.extend_from_slice(&["-untrusted", u]);
        }
        args.push(&cert);
        let out = self.openssl_ok(&args);
        assert!(
            out.trim_end().ends_with(": OK"),
            "openssl verify did not say OK: {out}"
        );
    }

    /// The serial of a certificate, lowercase hex as openssl prints it.
    pub(crate) fn serial_of(&self, cert: &Path) -> String {
        self.openssl_serial(cert).to_lowercase()
    }

    /// The serial as `openssl x509 -serial` prints it (uppercase hex).
    pub(crate) fn openssl_serial(&self, cert: &Path) -> String {
        let cert = cert.display().to_string();
        let out = self.openssl_ok(&["x509", "-in", &cert, "-noout", "-serial"]);
        out.trim()
            .strip_prefix("serial=")
            .unwrap_or_else(|| panic!("unexpected openssl -serial output {out:?}"))
            .to_owned()
    }

    /// `openssl x509 -noout -text`.
    pub(crate) fn cert_text(&self, cert: &Path) -> String {
        let cert = cert.display().to_string();
        self.openssl_ok(&["x509", "-in", &cert, "-noout", "-text"])
    }

    /// The subject, one `ATTR=value` per line (`-nameopt utf8,sep_multiline`).
    pub(crate) fn subject_lines(&self, cert: &Path) -> Vec<String> {
        let cert = cert.display().to_string();
        let out = self.openssl_ok(&[
            "x509",
            "-in",
            &cert,
            "-noout",
            "-subject",
            "-nameopt",
            "utf8,sep_multiline",
        ]);
        out.lines()
            .skip(1)
            .map(|l| l.trim().to_owned())
            .filter(|l| !l.is_empty())
            .collect()
    }

    /// The public key PEM of a certificate.
    pub(crate) fn pubkey_of_cert(&self, cert: &Path) -> String {
        let cert = cert.display().to_string();
        self.openssl_ok(&["x509", "-in", &cert, "-noout", "-pubkey"])
    }

    /// The public key PEM of a private key file.
    pub(crate) fn pubkey_of_key(&self, key: &Path) -> String {
        let key = key.display().to_string();
        self.openssl_ok(&["pkey", "-in", &key, "-pubout"])
    }

    /// (notBefore, notAfter) as Unix seconds.
    pub(crate) fn validity(&self, cert: &Path) -> (i64, i64) {
        let cert = cert.display().to_string();
        let out = self.openssl_ok(&[
            "x509", "-in", &cert, "-noout", "-dates", "-dateopt", "iso_8601",
        ]);
        let field = |name: &str| {
            out.lines()
                .find_map(|l| l.strip_prefix(name))
                .map(unix_seconds)
                .unwrap_or_else(|| panic!("no {name} in {out:?}"))
        };
        (field("notBefore="), field("notAfter="))
    }

    /// Validity length in seconds.
    pub(crate) fn validity_seconds(&self, cert: &Path) -> i64 {
        let (from, to) = self.validity(cert);
        assert!(to > from, "notAfter before notBefore");
        to - from
    }

    /// Runs openssl in the work directory.
    pub(crate) fn openssl(&self, args: &[&str]) -> Output {
        Command::new("openssl")
            .current_dir(&self.work_dir)
            .args(args)
            .output()
            .expect("run openssl")
    }

    /// Runs openssl, asserts success, returns stdout.
    pub(crate) fn openssl_ok(&self, args: &[&str]) -> String {
        expect_success(&format!("openssl {}", args.join(" ")), &self.openssl(args))
    }

    /// A new P-256 key `{name}.key` and its CSR `{name}.csr`; returns the CSR.
    pub(crate) fn csr_p256(&self, name: &str) -> PathBuf {
        self.new_key_csr(
            name,
            &["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
        )
    }

    /// A new RSA-2048 key `{name}.key` and its CSR `{name}.csr`.
    pub(crate) fn csr_rsa2048(&self, name: &str) -> PathBuf {
        self.csr_rsa(name, 2048)
    }

    /// A new RSA key of `bits` and its CSR.
    pub(crate) fn csr_rsa(&self, name: &str, bits: u32) -> PathBuf {
        self.new_key_csr(name, &["-newkey", &format!("rsa:{bits}")])
    }

    fn new_key_csr(&self, name: &str, key_args: &[&str]) -> PathBuf {
        let key = self.p(&format!("{name}.key"));
        let csr = self.p(&format!("{name}.csr"));
        let mut args = vec!["req", "-new"];
        args.extend_from_slice(key_args);
        args.extend_from_slice(&[
            "-nodes",
            "-keyout",
            &key,
            "-subj",
            "/CN=ignored",
            "-out",
            &csr,
        ]);
        self.openssl_ok(&args);
        PathBuf::from(csr)
    }

    /// A new CSR `{name}.csr` for the existing key `{key}.key`, with its own
    /// subject.
    pub(crate) fn csr_for_key(&self, key: &str, name: &str, subject: &str) -> PathBuf {
        let key = self.p(&format!("{key}.key"));
        let csr = self.p(&format!("{name}.csr"));
        self.openssl_ok(&[
            "req", "-new", "-utf8", "-key", &key, "-subj", subject, "-out", &csr,
        ]);
        PathBuf::from(csr)
    }

    /// A new RSA-2048 key `{name}.key` whose public exponent is 3, and its
    /// CSR `{name}.csr` (a key the CA must refuse).
    pub(crate) fn csr_rsa_exponent_3(&self, name: &str) -> PathBuf {
        let key = self.p(&format!("{name}.key"));
        self.openssl_ok(&[
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:2048",
            "-pkeyopt",
            "rsa_keygen_pubexp:3",
            "-out",
            &key,
        ]);
        self.csr_for_key(name, name, "/CN=x")
    }

    /// A CA key file of the data directory decrypted with the demo
    /// passphrase into `{name}.key` (what an insider with the files could
    /// do), and a CSR `{name}.csr` on that key.
    pub(crate) fn csr_on_ca_key_file(&self, key_file: &Path, name: &str) -> PathBuf {
        let pass = format!(
            "file:{}",
            self.data_dir().join("demo-key-passphrase").display()
        );
        self.openssl_ok(&[
            "pkey",
            "-in",
            &key_file.display().to_string(),
            "-passin",
            &pass,
            "-out",
            &self.p(&format!("{name}.key")),
        ]);
        self.csr_for_key(name, name, "/CN=Insider")
    }

    /// The private key file made with a CSR.
    pub(crate) fn key_path(&self, name: &str) -> PathBuf {
        self.path(&format!("{name}.key"))
    }
}

/// The lines of `openssl x509 -text` following a heading (the extension
/// values), up to the next heading.
pub(crate) fn extension_value(text: &str, heading: &str) -> Option<String> {
    let mut lines = text.lines();
    lines.find(|l| l.trim_start().starts_with(heading))?;
    let value: Vec<&str> = lines
        .take_while(|l| !l.trim_start().starts_with("X509v3") && !l.contains("Signature Algorithm"))
        .map(str::trim)
        .collect();
    Some(value.join("\n"))
}

/// The heading line itself (to check `critical`).
pub(crate) fn extension_heading<'a>(text: &'a str, heading: &str) -> Option<&'a str> {
    text.lines().map(str::trim).find(|l| l.starts_with(heading))
}

/// Colons removed, lowercase: to compare fingerprints printed either way.
pub(crate) fn normalize_hex(s: &str) -> String {
    s.chars()
        .filter(|c| *c != ':')
        .flat_map(char::to_lowercase)
        .collect()
}

/// `openssl x509 -fingerprint -sha256` of a certificate, normalised.
pub(crate) fn fingerprint(env: &TestEnv, cert: &Path) -> String {
    let cert = cert.display().to_string();
    let out = env.openssl_ok(&["x509", "-in", &cert, "-noout", "-fingerprint", "-sha256"]);
    let value = out
        .trim()
        .split_once('=')
        .map(|(_, v)| v)
        .unwrap_or_else(|| panic!("unexpected fingerprint output {out:?}"));
    normalize_hex(value)
}

/// Unix seconds of `YYYY-MM-DD HH:MM:SSZ`.
pub(crate) fn unix_seconds(iso: &str) -> i64 {
    let iso = iso.trim().trim_end_matches('Z');
    let (date, time) = iso
        .split_once(' ')
        .or_else(|| iso.split_once('T'))
        .unwrap_or_else(|| panic!("bad date {iso:?}"));
    let num = |s: &str| -> i64 { s.parse().unwrap_or_else(|_| panic!("bad date {iso:?}")) };
    let d: Vec<i64> = date.split('-').map(num).collect();
    let t: Vec<i64> = time.split(':').map(num).collect();
    assert!(d.len() == 3 && t.len() == 3, "bad date {iso:?}");
    days_from_civil(d[0], d[1], d[2]) * 86_400 + t[0] * 3600 + t[1] * 60 + t[2]
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// One day in seconds.
pub(crate) const DAY: i64 = 86_400;

/// The PEM blocks of a text.
pub(crate) fn pem_blocks(text: &str, label: &str) -> Vec<String> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(&begin) {
        let after = &rest[start..];
        let stop = after
            .find(&end)
            .unwrap_or_else(|| panic!("unterminated {label} PEM in {text:?}"))
            + end.len();
        out.push(format!("{}\n", &after[..stop]));
        rest = &after[stop..];
    }
    out
}

/// The Subject Key Identifier in `openssl x509 -text`, normalised.
pub(crate) fn ski(text: &str) -> String {
    normalize_hex(&extension_value(text, "X509v3 Subject Key Identifier").unwrap_or_default())
}

/// The Authority Key Identifier (key id) in `openssl x509 -text`, normalised.
pub(crate) fn aki(text: &str) -> String {
    let value = extension_value(text, "X509v3 Authority Key Identifier").unwrap_or_default();
    let first = value.lines().next().unwrap_or_default();
    normalize_hex(first.trim_start_matches("keyid:"))
}

/// Every DN string attribute of a certificate is a UTF8String except
/// countryName (PrintableString).
pub(crate) fn check_string_types(env: &TestEnv, cert: &Path) {
    let cert = cert.display().to_string();
    let parsed = env.openssl_ok(&["asn1parse", "-in", &cert]);
    let lines: Vec<&str> = parsed.lines().collect();
    let mut seen = 0;
    for (i, line) in lines.iter().enumerate() {
        if !line.contains("prim: OBJECT") {
            continue;
        }
        let Some(attr) = line.rsplit_once(':').map(|(_, a)| a.trim()) else {
            continue;
        };
        let expected = match attr {
            "countryName" => "PRINTABLESTRING",
            "commonName"
            | "organizationName"
            | "organizationalUnitName"
            | "stateOrProvinceName"
            | "localityName"
            | "title"
            | "userId" => "UTF8STRING",
            _ => continue,
        };
        seen += 1;
        assert!(
            lines.get(i + 1).is_some_and(|next| next.contains(expected)),
            "{attr} must be a {expected} in {cert}:\n{parsed}"
        );
    }
    assert!(seen >= 4, "expected subject and issuer names in {cert}");
}

/// The extension checks every CA certificate passes.
pub(crate) fn check_ca_certificate(env: &TestEnv, cert: &Path, path_len: Option<u8>) {
    let text = env.cert_text(cert);
    assert_eq!(
        extension_heading(&text, "X509v3 Basic Constraints"),
        Some("X509v3 Basic Constraints: critical"),
        "basicConstraints must be critical:\n{text}"
    );
    let expected_bc = match path_len {
        Some(n) => format!("CA:TRUE, pathlen:{n}"),
        None => "CA:TRUE".to_owned(),
    };
    assert_eq!(
        extension_value(&text, "X509v3 Basic Constraints").as_deref(),
        Some(expected_bc.as_str()),
        "basicConstraints of {}:\n{text}",
        cert.display()
    );
    assert_eq!(
        extension_value(&text, "X509v3 Key Usage").as_deref(),
        Some("Certificate Sign, CRL Sign"),
        "keyUsage of {}:\n{text}",
        cert.display()
    );
    assert!(ski(&text).len() >= 20, "no SKI in {}", cert.display());
    assert!(!aki(&text).is_empty(), "no AKI in {}", cert.display());
    let seconds = env.validity_seconds(cert);
    assert!(
        seconds <= (20 * 365 + 5) * DAY,
        "{} is valid for {} days, more than 20 years",
        cert.display(),
        seconds / DAY
    );
}

/// The profile extensions of a subscriber certificate.
pub(crate) fn check_leaf_extensions(
    env: &TestEnv,
    cert: &Path,
    rsa: bool,
    base: &str,
    issuer: &str,
) {
    let text = env.cert_text(cert);
    let value = |h: &str| {
        extension_value(&text, h).unwrap_or_else(|| panic!("no {h} in {}:\n{text}", cert.display()))
    };
    assert!(
        value("X509v3 Certificate Policies")
            .lines()
            .any(|l| l == "Policy: 2.16.704.1.1.1.1.1"),
        "policy 2.16.704.1.1.1.1.1 missing:\n{text}"
    );
    let expected_ku = if rsa {
        "Digital Signature, Non Repudiation, Key Encipherment"
    } else {
        "Digital Signature, Non Repudiation"
    };
    assert_eq!(value("X509v3 Key Usage"), expected_ku, "keyUsage:\n{text}");
    let eku = value("X509v3 Extended Key Usage");
    let mut ekus: Vec<&str> = eku.split(", ").collect();
    ekus.sort_unstable();
    assert_eq!(
        ekus,
        [
            "1.3.6.1.4.1.311.10.3.12",
            "E-mail Protection",
            "TLS Web Client Authentication"
        ],
        "extendedKeyUsage:\n{text}"
    );
    let aia = value("Authority Information Access");
    assert!(
        aia.contains(&format!("CA Issuers - URI:{base}/ca/{issuer}.crt")),
        "AIA caIssuers:\n{aia}"
    );
    assert!(
        aia.contains(&format!("OCSP - URI:{base}/ocsp")),
        "AIA OCSP:\n{aia}"
    );
    let cdp = value("X509v3 CRL Distribution Points");
    assert!(
        cdp.contains(&format!("URI:{base}/crl/{issuer}.crl")),
        "CRL DP:\n{cdp}"
    );
    if let Some(bc) = extension_value(&text, "X509v3 Basic Constraints") {
        assert_eq!(bc, "CA:FALSE", "a subscriber certificate is no CA");
    }
    let issuer_text = env.cert_text(&env.path(&format!("{issuer}.pem")));
    assert_eq!(
        aki(&text),
        ski(&issuer_text),
        "AKI must be the issuer's SKI"
    );
    assert!(!ski(&text).is_empty(), "SKI missing");
}

pub(crate) fn check_serial(env: &TestEnv, cert: &Path) -> String {
    let printed = env.openssl_serial(cert);
    assert!(
        !printed.starts_with('-'),
        "serial must be positive: {printed}"
    );
    assert!(printed.chars().all(|c| c.is_ascii_hexdigit()), "{printed}");
    let bytes = hex::decode(&printed).expect("even-length serial");
    let magnitude: Vec<u8> = bytes.iter().copied().skip_while(|b| *b == 0).collect();
    assert!(!magnitude.is_empty(), "serial must not be zero");
    assert!(bytes.len() <= 20, "serial longer than 20 octets: {printed}");
    assert!(
        magnitude.len() >= 8,
        "serial must carry at least 64 bits: {printed}"
    );
    assert!(bytes[0] < 0x80, "serial must be positive in DER: {printed}");
    printed
}
