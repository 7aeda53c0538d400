//! CA keys on a PKCS#11 token (SoftHSM2, a fresh token per test in the
//! test's own directory), on SQLite and PostgreSQL: the whole lifecycle with
//! every issuer key and the OCSP delegate on the token, checked by openssl;
//! a software root beside an HSM issuing CA; the key ceremony (CSR of a
//! sub-CA whose key is on the token, signed by an external root made with
//! openssl, the certificate imported); an issuer moved onto a key imported
//! into the token; keys that cannot be read back; and the start-up errors.

#[macro_use]
mod common;

use common::*;

/// Debian's SoftHSM2 module (package softhsm2, installed by
/// scripts/install-deps.sh); `SOFTHSM2_MODULE` overrides.
fn module() -> String {
    std::env::var("SOFTHSM2_MODULE").unwrap_or_else(|_| "/usr/lib/softhsm/libsofthsm2.so".into())
}

/// The token's label and user PIN in these tests.
const TOKEN: &str = "govpki-test";
const PIN: &str = "1234";

/// A fresh SoftHSM2 token for `env`, and the HSM settings every later
/// command of `env` gets.
fn with_token(env: &TestEnv) {
    let dir = env.path("softhsm");
    let tokens = dir.join("tokens");
    std::fs::create_dir_all(&tokens).expect("token dir");
    let conf = dir.join("softhsm2.conf");
    std::fs::write(
        &conf,
        format!(
            "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\n",
            tokens.display()
        ),
    )
    .expect("softhsm2.conf");
    let conf = conf.display().to_string();
    let out = std::process::Command::new("softhsm2-util")
        .env("SOFTHSM2_CONF", &conf)
        .args(["--init-token", "--free", "--label", TOKEN])
        .args(["--so-pin", "4321", "--pin", PIN])
        .output()
        .expect("run softhsm2-util (Debian package softhsm2)");
    assert!(
        out.status.success(),
        "softhsm2-util --init-token: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    env.set_env("SOFTHSM2_CONF", &conf);
    env.set_env("GOVPKI_HSM_MODULE", &module());
    env.set_env("GOVPKI_HSM_TOKEN", TOKEN);
    env.set_env("GOVPKI_HSM_PIN", PIN);
}

/// `softhsm2-util` with the environment's token configuration.
fn softhsm_util(env: &TestEnv, args: &[&str]) -> String {
    let conf = env.path("softhsm").join("softhsm2.conf");
    let out = std::process::Command::new("softhsm2-util")
        .env("SOFTHSM2_CONF", conf)
        .args(args)
        .output()
        .expect("run softhsm2-util");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "softhsm2-util {args:?}: {text}");
    text
}

/// (key backend, key reference) of every issuer, by id.
fn issuer_keys(env: &TestEnv) -> Vec<String> {
    env.query_strings(
        "SELECT id || ' ' || key_backend || ' ' || key_ref AS s FROM issuers ORDER BY id",
    )
}

/// `ca hsm-keys`: one line per private key on the token.
fn token_keys(env: &TestEnv) -> Vec<String> {
    env.ok(&["ca", "hsm-keys"])
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Every key on the token is sensitive, not extractable, unreadable.
fn assert_protected(keys: &[String]) {
    for k in keys {
        assert!(
            k.contains("sensitive=yes")
                && k.contains("extractable=no")
                && k.contains("private-value-readable=no"),
            "{k}"
        );
    }
}

/// What openssl saw of one certificate's life under gov-ca.
struct Seen {
    /// The certificate (PEM file).
    cert: std::path::PathBuf,
    /// Its `openssl x509 -text`.
    cert_text: String,
    /// `openssl ocsp -resp_text` once it answered `revoked`.
    ocsp: String,
    /// `openssl crl -text` of gov-ca's CRL listing it.
    crl_text: String,
}

/// Issues a certificate from gov-ca and checks it with openssl through its
/// life: the chain verifies, OCSP says `good`; revoked (keyCompromise), OCSP
/// says `revoked` in a response that verifies, and gov-ca's new CRL
/// (written to `gov-ca.crl.pem`) verifies under `chain.pem` and lists it.
fn issue_and_revoke(env: &TestEnv, server: &Server, subscriber: &str) -> Seen {
    let csr = env.csr_p256("an");
    let (cert, serial) = env.issue(subscriber, &csr, "an", &[]);
    env.verify_chain(&cert, &[GOV_CA]);
    let cert_path = cert.display().to_string();
    let ask = ["-issuer", "gov-ca.pem", "-cert", &cert_path, "-resp_text"];
    server.wait_for(env, &ask, &["good"]);
    env.ok(&[
        "cert",
        "revoke",
        "--serial",
        &serial,
        "--reason",
        "key-compromise",
    ]);
    let ocsp = server.wait_for(env, &ask, &["revoked"]);
    assert!(ocsp.contains("Response verify OK"), "{ocsp}");

    env.ok(&["crl", "generate"]);
    let crl = env.p("gov-ca.crl.pem");
    env.ok(&["crl", "show", "--issuer", "gov-ca", "--pem", "--out", &crl]);
    let out = env.openssl(&[
        "crl",
        "-in",
        &crl,
        "-noout",
        "-text",
        "-verify",
        "-CAfile",
        "chain.pem",
    ]);
    let crl_text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && crl_text.contains("verify OK"),
        "openssl crl -verify: {crl_text}"
    );
    let marker = format!("Serial Number: {}", serial.to_uppercase());
    assert!(crl_text.contains(&marker), "{crl_text}");
    Seen {
        cert_text: env.cert_text(&cert),
        cert,
        ocsp,
        crl_text,
    }
}

/// `ca create-sub` of `party-ca` under the root, its key of type `key`
/// generated on the token; its certificate exported to `party-ca.pem`.
fn party_ca_on_the_token(env: &TestEnv, key: &str) {
    env.ok(&[
        "ca",
        "create-sub",
        "--parent",
        "root",
        "--id",
        "party-ca",
        "--name",
        "CA phục vụ cơ quan Đảng (thử nghiệm)",
        "--key",
        key,
        "--hsm",
    ]);
    env.export("party-ca");
}

/// A certificate from `issuer` for `subscriber` (file `NAME.pem`), its
/// chain verified by openssl.
fn issue_verified(env: &TestEnv, issuer: &str, subscriber: &str, name: &str) -> std::path::PathBuf {
    let csr = env.csr_p256(name);
    let pem = env.ok(&[
        "cert",
        "issue",
        "--issuer",
        issuer,
        "--subscriber",
        subscriber,
        "--profile",
        "individual",
        "--csr",
        &csr.display().to_string(),
    ]);
    let path = env.write(&format!("{name}.pem"), &pem);
    env.verify_chain(&path, &[issuer]);
    path
}

both_databases!(lifecycle_with_every_key_on_the_token, |env| {
    with_token(env);
    // Root P-384 and issuing CA RSA-2048, both generated on the token.
    env.ok(&[
        "init",
        "--demo",
        "--hsm",
        "--root-key",
        "p384",
        "--issuing-key",
        "rsa2048",
    ]);
    let keys = issuer_keys(env);
    assert_eq!(keys.len(), 2, "{keys:?}");
    for k in &keys {
        assert!(k.contains(" pkcs11 pkcs11:object="), "{k}");
    }
    let key_files = std::fs::read_dir(env.data_dir().join("keys"))
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(key_files, 0, "no software key file for a token key");

    // Issue, check the chain, revoke, CRL, OCSP — every signature by the
    // token (the OCSP delegate's key too).
    let (server, subscriber) = env.serve_ocsp(&[]);
    let seen = issue_and_revoke(env, &server, &subscriber);
    let delegates = env.query_strings("SELECT key_backend AS s FROM ocsp_signers");
    assert!(
        !delegates.is_empty() && delegates.iter().all(|b| b == "pkcs11"),
        "the OCSP delegates' keys are on the token: {delegates:?}"
    );
    let (crl, cert_path) = (env.p("gov-ca.crl.pem"), seen.cert.display().to_string());
    // openssl verify with the CRL: revoked.
    let out = env.openssl(&[
        "verify",
        "-crl_check",
        "-CAfile",
        "chain.pem",
        "-CRLfile",
        &crl,
        &cert_path,
    ]);
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(text.contains("certificate revoked"), "{text}");

    // Root, issuing CA and delegate keys: on the token, none readable.
    let keys = token_keys(env);
    assert!(keys.len() >= 3, "{keys:?}");
    assert_protected(&keys);
    assert!(
        keys.iter().any(|k| k.contains("used-by=issuer:root")),
        "{keys:?}"
    );
    assert!(
        keys.iter()
            .any(|k| k.contains("used-by=ocsp-signer:gov-ca")),
        "{keys:?}"
    );
    drop(server);
    assert_audit_ok(env);
});

/// The `Signature Algorithm:` lines of `openssl … -text` output.
fn signature_algorithms(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.trim().strip_prefix("Signature Algorithm: "))
        .map(str::to_owned)
        .collect()
}

both_databases!(rsa_issuers_sign_with_sha384_and_sha512, |env| {
    with_token(env);
    // An offline software root signing with SHA-512, the issuing CA's
    // RSA-3072 key on the token signing with SHA-384 (CKM_SHA384_RSA_PKCS).
    env.ok(&[
        "init",
        "--demo",
        "--hsm-issuing",
        "--root-key",
        "rsa4096-sha512",
        "--issuing-key",
        "rsa3072-sha384",
    ]);
    let recorded = env.query_strings(
        "SELECT id || ' ' || key_spec || ' ' || signature_algorithm AS s FROM issuers ORDER BY id",
    );
    assert_eq!(
        recorded,
        [
            "gov-ca rsa3072 sha384WithRSAEncryption",
            "root rsa4096 sha512WithRSAEncryption"
        ]
    );
    let list = env.ok(&["ca", "list"]);
    assert!(
        list.lines()
            .any(|l| l.starts_with("gov-ca\t") && l.ends_with("\tsha384WithRSAEncryption")),
        "{list}"
    );

    let (server, subscriber) = env.serve_ocsp(&[]);
    // The root signed itself and gov-ca with SHA-512; gov-ca signs with SHA-384.
    for (id, expected) in [
        (ROOT, "sha512WithRSAEncryption"),
        (GOV_CA, "sha512WithRSAEncryption"),
    ] {
        let text = env.cert_text(&env.path(&format!("{id}.pem")));
        assert_eq!(
            signature_algorithms(&text),
            [expected, expected],
            "{id}: {text}"
        );
    }
    let seen = issue_and_revoke(env, &server, &subscriber);
    let sha384 = "sha384WithRSAEncryption";
    assert_eq!(
        signature_algorithms(&seen.cert_text),
        [sha384, sha384],
        "{}",
        seen.cert_text
    );
    // The delegate's certificate in the response: signed by the token with SHA-384.
    assert!(seen.ocsp.contains(sha384), "{}", seen.ocsp);
    assert_eq!(
        signature_algorithms(&seen.crl_text),
        [sha384, sha384],
        "{}",
        seen.crl_text
    );
    drop(server);

    // A sub-CA on the token signing with SHA-512 (CKM_SHA512_RSA_PKCS).
    party_ca_on_the_token(env, "rsa2048-sha512");
    let leaf = issue_verified(env, "party-ca", &subscriber, "b");
    let text = env.cert_text(&leaf);
    assert_eq!(
        signature_algorithms(&text),
        ["sha512WithRSAEncryption", "sha512WithRSAEncryption"],
        "{text}"
    );

    // A digest an ECDSA key does not sign with: one line, nothing changed.
    let line = env.fail_unchanged(&[
        "ca",
        "create-sub",
        "--parent",
        "root",
        "--id",
        "bad-ca",
        "--name",
        "CA sai",
        "--key",
        "p256-sha512",
    ]);
    assert!(line.contains("p256") && line.contains("sha512"), "{line}");
    assert_audit_ok(env);
});

both_databases!(software_root_beside_hsm_issuing_ca, |env| {
    with_token(env);
    env.ok(&["init", "--demo", "--hsm-issuing", "--issuing-key", "p256"]);
    let keys = issuer_keys(env);
    assert!(keys[0].starts_with("gov-ca pkcs11 "), "{keys:?}");
    assert!(keys[1].starts_with("root software "), "{keys:?}");
    env.export(ROOT);
    env.export(GOV_CA);
    // A further sub-CA under the software root, its key on the token.
    party_ca_on_the_token(env, "rsa3072");
    let subscriber = env.add_individual();
    for (issuer, name) in [("gov-ca", "a"), ("party-ca", "b")] {
        issue_verified(env, issuer, &subscriber, name);
    }
    assert_eq!(token_keys(env).len(), 2);
    assert_protected(&token_keys(env));
});

both_databases!(key_ceremony_with_an_external_root, |env| {
    with_token(env);
    env.init_and_export();
    // The CSR of a sub-CA whose key is generated on the token.
    let csr = env.ok(&[
        "ca",
        "request-sub",
        "--id",
        "national-sub",
        "--name",
        "CA chuyên dùng (ký bởi Root quốc gia)",
        "--key",
        "p256",
        "--hsm",
    ]);
    let csr_path = env.write("national-sub.csr", &csr);
    let csr_arg = csr_path.display().to_string();
    env.openssl_ok(&["req", "-in", &csr_arg, "-noout", "-verify"]);
    // The external root (openssl) signs it as a CA certificate.
    let (root_key, root_cert) = (env.p("national-root.key"), env.p("national-root.pem"));
    env.openssl_ok(&[
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-384",
        "-nodes",
        "-keyout",
        &root_key,
        "-out",
        &root_cert,
        "-days",
        "30",
        "-subj",
        "/CN=Root CA quoc gia (thu nghiem)/C=VN",
    ]);
    let ext = env.write(
        "sub.ext",
        "basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n",
    );
    // The external root signs a CA certificate for a CSR.
    let sign = |csr: &str, out: &str| {
        env.openssl_ok(&[
            "x509",
            "-req",
            "-in",
            csr,
            "-CA",
            &root_cert,
            "-CAkey",
            &root_key,
            "-CAcreateserial",
            "-days",
            "20",
            "-extfile",
            &ext.display().to_string(),
            "-out",
            out,
        ]);
    };
    let signed = env.p("national-sub.pem");
    sign(&csr_arg, &signed);
    // A certificate for another key is refused; the right one installed.
    let other = env.p("other.pem");
    sign(&env.csr_p256("other").display().to_string(), &other);
    let line = env.fail_unchanged(&[
        "ca",
        "import-cert",
        "--id",
        "national-sub",
        "--cert",
        &other,
    ]);
    assert!(line.contains("another key"), "{line}");
    env.ok(&[
        "ca",
        "import-cert",
        "--id",
        "national-sub",
        "--cert",
        &signed,
    ]);
    let subscriber = env.add_individual();
    let pem = env.ok(&[
        "cert",
        "issue",
        "--issuer",
        "national-sub",
        "--subscriber",
        &subscriber,
        "--profile",
        "individual",
        "--csr",
        &env.csr_p256("leaf").display().to_string(),
    ]);
    let leaf = env.write("leaf.pem", &pem);
    env.verify_chain_to(&leaf, &env.path("national-root.pem"), &["national-sub"]);
    assert_protected(&token_keys(env));
});

both_databases!(issuer_moves_onto_an_imported_token_key, |env| {
    with_token(env);
    env.init_and_export();
    // The issuing CA's software key, decrypted with the demo passphrase and
    // imported into the token (as an HSM vendor's backup/restore would).
    let key_ref = env.query_strings("SELECT key_ref AS s FROM issuers WHERE id = 'gov-ca'");
    let key_file = env.data_dir().join("keys").join(&key_ref[0]);
    let pass = env.data_dir().join("demo-key-passphrase");
    let plain = env.p("gov-ca-plain.key");
    env.openssl_ok(&[
        "pkey",
        "-in",
        &key_file.display().to_string(),
        "-passin",
        &format!("file:{}", pass.display()),
        "-out",
        &plain,
    ]);
    softhsm_util(
        env,
        &[
            "--import",
            &plain,
            "--token",
            TOKEN,
            "--label",
            "gov-ca-imported",
            "--id",
            "0a01",
            "--pin",
            PIN,
        ],
    );
    // The root's label on the wrong issuer, or a missing label: refused.
    let line = env.fail_unchanged(&[
        "ca",
        "use-hsm-key",
        "--id",
        "root",
        "--label",
        "gov-ca-imported",
    ]);
    assert!(
        line.contains("pkcs11:object=gov-ca-imported") && line.contains("does not match"),
        "{line}"
    );
    let line = env.fail_unchanged(&["ca", "use-hsm-key", "--id", "gov-ca", "--label", "nothing"]);
    assert!(line.contains("holds no private key"), "{line}");
    env.ok(&[
        "ca",
        "use-hsm-key",
        "--id",
        "gov-ca",
        "--label",
        "gov-ca-imported",
    ]);
    assert!(issuer_keys(env)[0].starts_with("gov-ca pkcs11 pkcs11:object=gov-ca-imported"));
    // The software key file is gone: the token signs.
    std::fs::remove_file(&key_file).expect("remove the software key");
    let subscriber = env.add_individual();
    let (cert, _) = env.issue(&subscriber, &env.csr_p256("after"), "after", &[]);
    env.verify_chain(&cert, &[GOV_CA]);
    assert_eq!(
        env.query_i64("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'ca.use-hsm-key'"),
        1
    );
    assert_audit_ok(env);
});

both_databases!(start_up_errors_are_clear, |env| {
    with_token(env);
    env.ok(&[
        "init",
        "--demo",
        "--hsm",
        "--root-key",
        "p256",
        "--issuing-key",
        "p256",
    ]);
    let before = env.snapshot();
    let fails = |what: &str, needle: &str| {
        let line = env.fail(&["ca", "list"]);
        assert!(line.contains(needle), "{what}: {line}");
        assert!(
            !line.contains(PIN) || needle.contains(PIN),
            "{what}: the PIN is never printed"
        );
    };
    env.set_env("GOVPKI_HSM_PIN", "9999");
    fails("wrong PIN", "wrong PIN");
    env.set_env("GOVPKI_HSM_PIN", PIN);
    env.set_env("GOVPKI_HSM_TOKEN", "no-such-token");
    fails("missing token", "no token labelled");
    env.set_env("GOVPKI_HSM_TOKEN", TOKEN);
    env.set_env("GOVPKI_HSM_MODULE", "/nonexistent/libpkcs11.so");
    fails("missing module", "does not exist");
    env.set_env("GOVPKI_HSM_MODULE", "");
    fails("no HSM configured", "no HSM is configured");
    env.set_env("GOVPKI_HSM_MODULE", &module());
    env.set_env("GOVPKI_HSM_PIN", "");
    fails("no PIN", "GOVPKI_HSM_PIN");
    env.set_env("GOVPKI_HSM_PIN", PIN);
    // A key that left the token (its label changed in the record).
    env.sql("UPDATE issuers SET key_ref = 'pkcs11:object=gone' WHERE id = 'gov-ca'");
    fails("missing key", "holds no private key labelled \"gone\"");
    env.sql("UPDATE issuers SET key_ref = (SELECT key_ref FROM issuers WHERE id = 'root') WHERE id = 'gov-ca'");
    fails("another issuer's key", "does not match");
    assert_eq!(env.snapshot(), before);
});
