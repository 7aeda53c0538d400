//! One key, one holder (issue 15): the CA refuses to certify its own keys
//! (issuers, OCSP delegate), a key certified to another subscriber, a new
//! issuance on a key the subscriber's valid certificate already carries,
//! and weak RSA keys; a compromised key is revoked in every certificate
//! carrying it; `govpki doctor` finds keys shared before the policy and
//! `--fix` revokes them. Answers are checked with `openssl ocsp`.

#[macro_use]
mod common;

use std::path::PathBuf;

use common::*;

/// Every CA key file of the data directory.
fn ca_key_files(env: &TestEnv) -> Vec<PathBuf> {
    let mut keys: Vec<PathBuf> = std::fs::read_dir(env.data_dir().join("keys"))
        .expect("the keys directory")
        .map(|e| e.expect("a key file").path())
        .collect();
    keys.sort();
    keys
}

fn issue_args<'a>(subscriber: &'a str, csr: &'a str) -> Vec<&'a str> {
    vec![
        "cert",
        "issue",
        "--subscriber",
        subscriber,
        "--profile",
        "individual",
        "--csr",
        csr,
    ]
}

both_databases!(ca_and_delegate_keys_are_never_certified, |env| {
    // The responder makes gov-ca's OCSP delegate when it starts.
    let (server, id) = env.serve_ocsp(&[]);
    let started = std::time::Instant::now();
    while env.count("ocsp_signers") == 0 {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "the responder made no OCSP delegate"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    // Stopped, so that nothing but the requests below could change the store.
    drop(server);
    let keys = ca_key_files(env);
    // root, gov-ca and the OCSP delegates.
    assert!(
        keys.len() >= 3,
        "expected the demo's CA keys, found {keys:?}"
    );
    let names: Vec<String> = keys
        .iter()
        .map(|k| k.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().any(|n| n.contains("ocsp")),
        "the demo has an OCSP delegate key: {names:?}"
    );
    for (i, key) in keys.iter().enumerate() {
        let csr = env.csr_on_ca_key_file(key, &format!("ca-key-{i}"));
        let csr = csr.display().to_string();
        let line = env.fail_unchanged(&issue_args(&id, &csr));
        assert_mentions(&line, &["key", "certification", "authority"]);
    }
    assert_eq!(
        env.query_i64("SELECT COUNT(*) AS n FROM certificates WHERE subscriber_id IS NOT NULL"),
        0,
        "no subscriber certificate was issued"
    );
    assert_audit_ok(env);
});

both_databases!(one_key_one_holder, |env| {
    env.init_and_export();
    let an = env.add_individual();
    let binh = env.add_person("Trần Thị Bình", "CCCD:092190001234");
    let csr = env.csr_p256("an");
    let (_, serial) = env.issue(&an, &csr, "an", &[]);

    // Bình's request on An's key (a fresh CSR with Bình's name, signed by
    // An's key) is refused, and so is a re-issue that would move it to her.
    let stolen = env.csr_for_key("an", "stolen", "/CN=Trần Thị Bình");
    let stolen = stolen.display().to_string();
    let line = env.fail_unchanged(&issue_args(&binh, &stolen));
    assert_mentions(&line, &["another", "subscriber"]);

    // An's new issuance on the key of An's valid certificate points to
    // renewal; the renewal itself keeps the key.
    let again = env.csr_for_key("an", "again", "/CN=Nguyễn Văn An");
    let again = again.display().to_string();
    let line = env.fail_unchanged(&issue_args(&an, &again));
    assert_mentions(&line, &["renew"]);
    let pem = env.ok(&["cert", "renew", "--serial", &serial]);
    let (renewed, _) = env.save_leaf("renewed", &pem);
    assert_eq!(
        env.pubkey_of_cert(&renewed),
        env.pubkey_of_key(&env.key_path("an"))
    );
    // Once An's certificates are revoked (not for compromise), the key is
    // still An's alone: Bình is still refused.
    // (The renewal superseded the first one already.)
    for s in env.query_strings(
        "SELECT serial AS s FROM certificates WHERE subscriber_id IS NOT NULL AND status = 'good'",
    ) {
        env.ok(&["cert", "revoke", "--serial", &s, "--reason", "superseded"]);
    }
    let line = env.fail_unchanged(&issue_args(&binh, &stolen));
    assert_mentions(&line, &["another", "subscriber"]);
    assert_audit_ok(env);
});

both_databases!(weak_keys_are_refused, |env| {
    env.init_and_export();
    let id = env.add_individual();

    // Exponent 3.
    let e3_csr = env.csr_rsa_exponent_3("e3").display().to_string();
    let line = env.fail_unchanged(&issue_args(&id, &e3_csr));
    assert_mentions(&line, &["exponent", "65537"]);

    // p = 3·2^1022 + 1697, q = 3·2^1022 + 1037: Fermat's method splits the
    // modulus in its first round (the key was written with `openssl
    // asn1parse -genconf` from these primes; `openssl rsa -check` accepts it).
    let close = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/close-primes-rsa2048.key")
        .display()
        .to_string();
    let check = env.openssl_ok(&["rsa", "-in", &close, "-check", "-noout"]);
    assert!(check.contains("RSA key ok"), "{check}");
    let close_csr = env.p("close.csr");
    env.openssl_ok(&[
        "req", "-new", "-key", &close, "-subj", "/CN=x", "-out", &close_csr,
    ]);
    let line = env.fail_unchanged(&issue_args(&id, &close_csr));
    assert_mentions(&line, &["weak", "Fermat"]);

    // A sound key of the same size is issued.
    env.issue(&id, &env.csr_rsa2048("sound"), "sound", &[]);
});

both_databases!(a_compromised_key_dies_everywhere, |env| {
    let (server, an) = env.serve_ocsp(&[]);
    let csr = env.csr_p256("an");
    let (first, first_serial) = env.issue(&an, &csr, "an", &[]);
    let pem = env.ok(&["cert", "renew", "--serial", &first_serial]);
    let (second, second_serial) = env.save_leaf("renewed", &pem);
    unsupersede(env, &first_serial);
    // Before the policy, a copy of the key could have been certified to
    // someone else: make the renewed certificate Bình's, as such a
    // database would hold it.
    let binh = env.add_person("Trần Thị Bình", "CCCD:092190001234");
    env.sql(&format!(
        "UPDATE certificates SET subscriber_id = {binh} WHERE serial = '{second_serial}'"
    ));
    let (first, second) = (first.display().to_string(), second.display().to_string());
    fn ask(cert: &str) -> Vec<&str> {
        vec!["-issuer", "gov-ca.pem", "-cert", cert, "-resp_text"]
    }
    server.wait_for(env, &ask(&second), &["good"]);

    env.ok(&[
        "cert",
        "revoke",
        "--serial",
        &first_serial,
        "--reason",
        "key-compromise",
    ]);
    server.wait_for(env, &ask(&first), &["revoked", "keyCompromise"]);
    server.wait_for(env, &ask(&second), &["revoked", "keyCompromise"]);
    assert_reason(env, &second_serial, "keycompromise");
    let events = env.query_strings(&format!(
        "SELECT details AS s FROM audit_events WHERE object LIKE '%{second_serial}'"
    ));
    assert!(
        events
            .iter()
            .any(|d| d.contains("shares_key_with") && d.contains(&first_serial)),
        "one audit event for the copy, naming the compromised certificate: {events:?}"
    );
    assert_audit_ok(env);
    drop(server);
});

both_databases!(doctor_finds_shared_keys_and_fix_revokes_them, |env| {
    let (id, serial) = init_with_certificate(env, "an");
    let pem = env.ok(&["cert", "renew", "--serial", &serial]);
    let (_, copy) = env.save_leaf("renewed", &pem);
    unsupersede(env, &serial);
    assert!(env.ok(&["doctor"]).contains("ok"));
    let binh = env.add_person("Trần Thị Bình", "CCCD:092190001234");
    env.sql(&format!(
        "UPDATE certificates SET subscriber_id = {binh} WHERE serial = '{copy}'"
    ));

    let out = env.run(&["doctor"]);
    assert!(!out.status.success(), "doctor must fail on a shared key");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("more than one subscriber") && text.contains(&serial) && text.contains(&copy),
        "{text}"
    );
    assert_eq!(
        status_word(&env.show(&serial)),
        "good",
        "doctor alone changes nothing"
    );

    let fixed = env.ok(&["doctor", "--fix"]);
    assert!(fixed.contains("revoked (key-compromise)"), "{fixed}");
    assert_reason(env, &serial, "keycompromise");
    assert_reason(env, &copy, "keycompromise");
    assert!(env.ok(&["doctor"]).contains("ok"));
    // The key is blocked for everyone now.
    let again = env
        .csr_for_key("an", "again", "/CN=x")
        .display()
        .to_string();
    let line = env.fail_unchanged(&issue_args(&id, &again));
    assert_mentions(&line, &["blocked"]);
    assert_audit_ok(env);
});

/// Makes certificate `serial`, superseded by its renewal, good again: a
/// database from before renewals superseded what they renew holds both
/// good, and the key policy's clean-up must handle it.
fn unsupersede(env: &TestEnv, serial: &str) {
    assert_eq!(
        env.sql(&format!(
            "UPDATE certificates SET status = 'good', revoked_at = NULL, revocation_reason = NULL WHERE serial = '{serial}'"
        )),
        1
    );
}
