//! Bad certificate requests: a corrupted signature, a weak key, a
//! compromised key re-used, garbage, a missing file, unknown profile,
//! subscriber or issuer. Each refusal is one stderr line and changes nothing.

#[macro_use]
mod common;

use common::*;

both_databases!(bad_csrs, |env| {
    env.init_and_export();
    let id = env.add_individual();
    let issue = |csr: &str| {
        env.fail_unchanged(&[
            "cert",
            "issue",
            "--subscriber",
            &id,
            "--profile",
            "individual",
            "--csr",
            csr,
        ])
    };

    // A corrupted signature: flip one byte of the DER signature.
    let good = env.csr_p256("good").display().to_string();
    env.openssl_ok(&["req", "-in", &good, "-outform", "DER", "-out", "good.der"]);
    let mut der = std::fs::read(env.path("good.der")).unwrap();
    let last = der.len() - 1;
    der[last] ^= 0x01;
    let bad_der = env.write("bad-signature.der", &der).display().to_string();
    env.openssl_ok(&[
        "req",
        "-inform",
        "DER",
        "-in",
        &bad_der,
        "-out",
        "bad-signature.csr",
    ]);
    let check = env.openssl(&["req", "-in", "bad-signature.csr", "-noout", "-verify"]);
    assert!(
        !check.status.success() || String::from_utf8_lossy(&check.stderr).contains("fail"),
        "openssl itself must reject the corrupted CSR"
    );
    let line = issue(&env.p("bad-signature.csr"));
    assert_mentions(&line, &["signature"]);
    let line = issue(&bad_der);
    assert_mentions(&line, &["signature"]);

    // A weak key.
    let weak = env.csr_rsa("weak", 1024).display().to_string();
    let line = issue(&weak);
    assert_mentions(&line, &["1024", "too small", "weak"]);

    // Not a CSR at all, and a missing file.
    let not_csr = env.write("garbage.csr", "hello\n").display().to_string();
    let line = issue(&not_csr);
    assert_mentions(&line, &["request", "csr", "pem"]);
    let missing = env.p("does-not-exist.csr");
    let line = issue(&missing);
    assert_mentions(&line, &["does-not-exist.csr", "no such file", "not found"]);

    // Unknown profile, a profile not for subscribers, unknown subscriber.
    let line = env.fail_unchanged(&[
        "cert",
        "issue",
        "--subscriber",
        &id,
        "--profile",
        "bogus",
        "--csr",
        &good,
    ]);
    assert_mentions(&line, &["bogus", "profile"]);
    let line = env.fail_unchanged(&[
        "cert",
        "issue",
        "--subscriber",
        &id,
        "--profile",
        "sub-ca",
        "--csr",
        &good,
    ]);
    assert_mentions(&line, &["sub-ca", "profile"]);
    let line = env.fail_unchanged(&[
        "cert",
        "issue",
        "--subscriber",
        "999999",
        "--profile",
        "individual",
        "--csr",
        &good,
    ]);
    assert_mentions(&line, &["999999", "subscriber"]);
    let line = env.fail_unchanged(&[
        "cert",
        "issue",
        "--subscriber",
        "abc",
        "--profile",
        "individual",
        "--csr",
        &good,
    ]);
    assert_mentions(&line, &["abc", "subscriber"]);
    let line = env.fail_unchanged(&[
        "cert",
        "issue",
        "--subscriber",
        &id,
        "--profile",
        "individual",
        "--csr",
        &good,
        "--issuer",
        "nope-ca",
    ]);
    assert_mentions(&line, &["nope-ca", "issuer"]);

    // A re-used compromised key.
    let (_, serial) = env.issue(&id, &env.path("good.csr"), "good", &[]);
    env.ok(&[
        "cert",
        "revoke",
        "--serial",
        &serial,
        "--reason",
        "key-compromise",
    ]);
    let reused = env
        .csr_for_key("good", "reused", "/CN=Another Name")
        .display()
        .to_string();
    let line = issue(&reused);
    assert_mentions(&line, &["blocked", "compromise"]);
    let line = issue(&good);
    assert_mentions(&line, &["blocked", "compromise"]);
});
