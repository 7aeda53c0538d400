//! The CA hierarchy: `init --demo`, `ca list`, `ca export`, sub-CAs under
//! our root and under an external root, and how CA keys sit on disk.

#[macro_use]
mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use common::*;

/// The extension checks every CA certificate passes.
fn check_ca_certificate(env: &TestEnv, cert: &Path, path_len: Option<u8>) {
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

both_databases!(init_lists_and_exports, |env| {
    let out = env.init();
    let root = env.export(ROOT);
    let gov = env.export(GOV_CA);
    let root_fp = fingerprint(env, &root);
    let gov_fp = fingerprint(env, &gov);
    let printed = normalize_hex(&out);
    assert!(
        out.contains(ROOT) && out.contains(GOV_CA),
        "init --demo must print the ids:\n{out}"
    );
    assert!(
        printed.contains(&root_fp),
        "init must print the root's SHA-256 fingerprint {root_fp}:\n{out}"
    );
    assert!(
        printed.contains(&gov_fp),
        "init must print gov-ca's SHA-256 fingerprint {gov_fp}:\n{out}"
    );

    let list = env.ok(&["ca", "list"]);
    for (id, fp) in [(ROOT, &root_fp), (GOV_CA, &gov_fp)] {
        let lines: Vec<&str> = list
            .lines()
            .filter(|l| normalize_hex(l).contains(fp.as_str()))
            .collect();
        assert_eq!(
            lines.len(),
            1,
            "ca list must show {id} on one line:\n{list}"
        );
        let first_word = lines[0].split_whitespace().next().unwrap_or_default();
        assert_eq!(
            first_word.trim_matches(|c: char| !c.is_alphanumeric() && c != '-'),
            id,
            "line {:?}",
            lines[0]
        );
        assert!(
            lines[0].contains("active"),
            "{id} must be active: {:?}",
            lines[0]
        );
    }
    let gov_line = list
        .lines()
        .find(|l| l.starts_with(GOV_CA))
        .unwrap_or_default();
    assert!(
        gov_line.contains("CA phục vụ các cơ quan Nhà nước"),
        "ca list must show the subject: {gov_line:?}"
    );
    let with_fingerprint = list
        .lines()
        .filter(|l| {
            normalize_hex(l)
                .split(|c: char| !c.is_ascii_hexdigit())
                .any(|t| t.len() == 64)
        })
        .count();
    assert_eq!(with_fingerprint, 2, "one line per issuer:\n{list}");

    // A second init refuses and changes nothing.
    let line = env.fail_unchanged(&["init", "--demo"]);
    assert_mentions(&line, &["already", "exist", "initiali"]);
    assert_eq!(
        fingerprint(env, &env.export(ROOT)),
        root_fp,
        "the root must not change"
    );
});

both_databases!(ca_certificates_are_well_formed, |env| {
    env.init();
    let root = env.export(ROOT);
    let gov = env.export(GOV_CA);
    env.verify_chain_to(&gov, &root, &[]);
    env.verify_chain_to(&root, &root, &[]);

    let chain = env.ok(&["ca", "export", GOV_CA, "--chain"]);
    let blocks = pem_blocks(&chain, "CERTIFICATE");
    assert_eq!(
        blocks.len(),
        2,
        "gov-ca --chain must hold gov-ca and root:\n{chain}"
    );
    assert_eq!(
        blocks[0].trim(),
        std::fs::read_to_string(&gov).unwrap().trim()
    );
    assert_eq!(
        blocks[1].trim(),
        std::fs::read_to_string(&root).unwrap().trim()
    );
    let chain_file = env.write("chain.pem", &chain);
    let (gov_s, root_s, chain_s) = (
        gov.display().to_string(),
        root.display().to_string(),
        chain_file.display().to_string(),
    );
    let out = env.openssl_ok(&["verify", "-CAfile", &root_s, "-untrusted", &chain_s, &gov_s]);
    assert!(out.trim_end().ends_with(": OK"), "{out}");

    check_ca_certificate(env, &root, None);
    check_ca_certificate(env, &gov, Some(0));
    let (root_text, gov_text) = (env.cert_text(&root), env.cert_text(&gov));
    assert_eq!(
        aki(&gov_text),
        ski(&root_text),
        "gov-ca's AKI must be the root's SKI"
    );
    assert_eq!(
        aki(&root_text),
        ski(&root_text),
        "the root's AKI is its own SKI"
    );
    assert_ne!(ski(&gov_text), ski(&root_text));

    let subject = env.subject_lines(&gov);
    assert!(subject.contains(&"C=VN".to_owned()), "{subject:?}");
    assert!(
        subject
            .iter()
            .any(|l| l.starts_with("CN=CA phục vụ các cơ quan Nhà nước")),
        "gov-ca's CN must be the exact Vietnamese text: {subject:?}"
    );
    check_string_types(env, &gov);
    check_string_types(env, &root);
});

both_databases!(sub_ca_under_root, |env| {
    env.init_and_export();
    env.ok(&[
        "ca",
        "create-sub",
        "--parent",
        ROOT,
        "--id",
        "party-ca",
        "--name",
        "CA phục vụ các cơ quan Đảng",
        "--key",
        "p256",
    ]);
    let party = env.export("party-ca");
    env.verify_chain(&party, &[]);
    check_ca_certificate(env, &party, Some(0));
    let text = env.cert_text(&party);
    assert!(
        text.contains("prime256v1") || text.contains("P-256"),
        "party-ca must have a P-256 key:\n{text}"
    );
    assert_eq!(aki(&text), ski(&env.cert_text(&env.path("root.pem"))));
    let subject = env.subject_lines(&party);
    assert!(
        subject.contains(&"CN=CA phục vụ các cơ quan Đảng".to_owned()),
        "{subject:?}"
    );
    let list = env.ok(&["ca", "list"]);
    assert!(
        list.lines()
            .any(|l| l.starts_with("party-ca") && l.contains("active")),
        "{list}"
    );

    // It issues, and the chain holds.
    let subscriber = env.add_individual();
    let csr = env.csr_p256("leaf");
    let pem = env.ok(&[
        "cert",
        "issue",
        "--subscriber",
        &subscriber,
        "--profile",
        "individual",
        "--csr",
        &csr.display().to_string(),
        "--issuer",
        "party-ca",
    ]);
    let leaf = env.write("leaf.pem", &pem);
    env.verify_chain(&leaf, &["party-ca"]);
    assert!(
        env.cert_text(&leaf).contains("/ca/party-ca.crt"),
        "AIA must name party-ca"
    );

    // The same id twice is refused.
    let line = env.fail_unchanged(&[
        "ca",
        "create-sub",
        "--parent",
        ROOT,
        "--id",
        "party-ca",
        "--name",
        "Khác",
        "--key",
        "p256",
    ]);
    assert_mentions(&line, &["party-ca", "exist"]);
});

/// A root made with openssl, standing in for an external authority.
fn external_root(env: &TestEnv) {
    env.write(
        "ext-root.cnf",
        "[req]\ndistinguished_name = dn\nx509_extensions = v3\nprompt = no\n[dn]\nCN = x\n\
         [v3]\nbasicConstraints = critical,CA:TRUE\nkeyUsage = critical,keyCertSign,cRLSign\n\
         subjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid:always\n",
    );
    env.openssl_ok(&[
        "req",
        "-x509",
        "-config",
        "ext-root.cnf",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        "ext-root.key",
        "-subj",
        "/C=VN/O=External Authority/CN=External Root",
        "-days",
        "3650",
        "-out",
        "ext-root.pem",
    ]);
}

/// Signs a CSR with the external root.
fn external_sign(env: &TestEnv, csr: &str, out: &str, ca: bool) {
    let ext = if ca {
        "basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n"
    } else {
        "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
    };
    env.write(
        "ext-sub.cnf",
        format!("{ext}subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n"),
    );
    env.openssl_ok(&[
        "x509",
        "-req",
        "-in",
        csr,
        "-CA",
        "ext-root.pem",
        "-CAkey",
        "ext-root.key",
        "-CAcreateserial",
        "-days",
        "1825",
        "-extfile",
        "ext-sub.cnf",
        "-out",
        out,
    ]);
}

both_databases!(external_sub_ca, |env| {
    env.init_and_export();
    let out = env.ok(&[
        "ca",
        "create-sub",
        "--external",
        "--id",
        "ext-ca",
        "--name",
        "CA chuyên dùng Bộ Tài chính",
        "--key",
        "p256",
    ]);
    let csrs = pem_blocks(&out, "CERTIFICATE REQUEST");
    assert_eq!(
        csrs.len(),
        1,
        "create-sub --external must print a CSR:\n{out}"
    );
    env.write("ext-ca.csr", &csrs[0]);
    let checked = env.openssl(&["req", "-in", "ext-ca.csr", "-noout", "-verify"]);
    assert!(
        checked.status.success(),
        "the CSR must be self-signed correctly"
    );
    let subject = env.openssl_ok(&[
        "req",
        "-in",
        "ext-ca.csr",
        "-noout",
        "-subject",
        "-nameopt",
        "utf8,sep_multiline",
    ]);
    assert!(
        subject.contains("CN=CA chuyên dùng Bộ Tài chính"),
        "{subject}"
    );
    let list = env.ok(&["ca", "list"]);
    let line = list
        .lines()
        .find(|l| l.starts_with("ext-ca"))
        .unwrap_or_default();
    assert!(
        !line.is_empty() && !line.contains("active"),
        "ext-ca waits for its certificate: {list}"
    );

    external_root(env);
    // A certificate for another key is refused, and so is a non-CA one.
    env.csr_p256("other");
    external_sign(env, "other.csr", "other.pem", true);
    let line = env.fail_unchanged(&[
        "ca",
        "import-cert",
        "--id",
        "ext-ca",
        "--cert",
        &env.p("other.pem"),
    ]);
    assert_mentions(&line, &["key"]);
    external_sign(env, "ext-ca.csr", "not-ca.pem", false);
    let line = env.fail_unchanged(&[
        "ca",
        "import-cert",
        "--id",
        "ext-ca",
        "--cert",
        &env.p("not-ca.pem"),
    ]);
    assert_mentions(&line, &["CA certificate", "basicConstraints", "not a CA"]);

    external_sign(env, "ext-ca.csr", "ext-ca.pem", true);
    env.ok(&[
        "ca",
        "import-cert",
        "--id",
        "ext-ca",
        "--cert",
        &env.p("ext-ca.pem"),
    ]);
    let list = env.ok(&["ca", "list"]);
    let line = list
        .lines()
        .find(|l| l.starts_with("ext-ca"))
        .unwrap_or_default();
    assert!(
        line.contains("active"),
        "ext-ca must be active after import: {list}"
    );
    let exported = env.ok(&["ca", "export", "ext-ca"]);
    assert_eq!(
        exported.trim(),
        std::fs::read_to_string(env.path("ext-ca.pem"))
            .unwrap()
            .trim()
    );

    // It issues under the external root.
    let subscriber = env.add_individual();
    let csr = env.csr_p256("leaf");
    let pem = env.ok(&[
        "cert",
        "issue",
        "--subscriber",
        &subscriber,
        "--profile",
        "individual",
        "--csr",
        &csr.display().to_string(),
        "--issuer",
        "ext-ca",
    ]);
    let leaf = env.write("leaf.pem", &pem);
    env.verify_chain_to(&leaf, &env.path("ext-root.pem"), &["ext-ca"]);
});

both_databases!(ca_keys_are_encrypted_on_disk, |env| {
    let out = env.run(&["init", "--demo"]);
    let init_output = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{init_output}");
    env.ok(&[
        "ca",
        "create-sub",
        "--parent",
        ROOT,
        "--id",
        "party-ca",
        "--name",
        "CA Đảng",
        "--key",
        "p256",
    ]);

    let pass_file = env.data_dir().join("demo-key-passphrase");
    let mode = std::fs::metadata(&pass_file)
        .expect("demo-key-passphrase exists")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "the demo passphrase file must be 0600");
    let passphrase = std::fs::read_to_string(&pass_file)
        .unwrap()
        .trim()
        .to_owned();
    assert!(
        passphrase.chars().count() >= 12,
        "the demo passphrase is too short"
    );
    assert!(
        !init_output.contains(&passphrase),
        "init must not print the passphrase"
    );

    let key_dir = env.data_dir().join("keys");
    let mut key_pubs = Vec::new();
    for entry in std::fs::read_dir(&key_dir).expect("a keys directory in the data dir") {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"),
            "{} is not an encrypted PKCS#8 key",
            path.display()
        );
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{} must be 0600", path.display());
        let p = path.display().to_string();
        let wrong = env.openssl(&[
            "pkey",
            "-in",
            &p,
            "-passin",
            "pass:not-the-passphrase",
            "-pubout",
        ]);
        assert!(
            !wrong.status.success(),
            "a wrong passphrase must not open {p}"
        );
        let pass_arg = format!("file:{}", pass_file.display());
        key_pubs.push(env.openssl_ok(&["pkey", "-in", &p, "-passin", &pass_arg, "-pubout"]));
    }
    assert_eq!(
        key_pubs.len(),
        3,
        "three CA keys expected in {}",
        key_dir.display()
    );
    for id in [ROOT, GOV_CA, "party-ca"] {
        let public = env.pubkey_of_cert(&env.export(id));
        assert!(
            key_pubs.contains(&public),
            "no key file holds the key of {id}"
        );
    }

    let details = env.query_strings("SELECT details AS s FROM audit_events");
    assert!(details
        .iter()
        .all(|d| !d.contains(&passphrase) && !d.contains("PRIVATE KEY")));
    if !env.is_postgres() {
        for name in ["govpki.db", "govpki.db-wal"] {
            if let Ok(bytes) = std::fs::read(env.data_dir().join(name)) {
                let text = String::from_utf8_lossy(&bytes);
                assert!(
                    !text.contains(&passphrase) && !text.contains("PRIVATE KEY"),
                    "{name} holds a secret"
                );
            }
        }
    }
});
