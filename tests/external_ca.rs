//! A sub-CA certified by an external root: the CSR out, the certificate
//! in (`ca create-sub --external`, `ca import-cert`), then issuing under it.

#[macro_use]
mod common;

use common::*;

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
