//! Ending and pausing certificates: suspend/restore (tạm dừng / khôi
//! phục), revoke (thu hồi) and the lost token (báo mất thiết bị).

#[macro_use]
mod common;

use common::*;

both_databases!(suspend_then_restore, |env| {
    let (_, serial) = init_with_certificate(env, "an");
    env.ok(&["cert", "suspend", "--serial", &serial]);
    assert_eq!(status_word(&env.show(&serial)), "suspended");
    let line = env.fail_unchanged(&["cert", "suspend", "--serial", &serial]);
    assert_mentions(&line, &["suspended"]);
    env.ok(&["cert", "restore", "--serial", &serial]);
    assert_eq!(status_word(&env.show(&serial)), "good");
    let line = env.fail_unchanged(&["cert", "restore", "--serial", &serial]);
    assert_mentions(&line, &["good", "suspended"]);
    // A suspended certificate can still be revoked.
    env.ok(&["cert", "suspend", "--serial", &serial]);
    env.ok(&[
        "cert",
        "revoke",
        "--serial",
        &serial,
        "--reason",
        "cessation-of-operation",
    ]);
    assert_reason(env, &serial, "cessationofoperation");
    assert_audit_ok(env);
});

both_databases!(revoke_key_compromise_blocks_the_key, |env| {
    let (id, serial) = init_with_certificate(env, "an");
    env.ok(&[
        "cert",
        "revoke",
        "--serial",
        &serial.to_uppercase(),
        "--reason",
        "key-compromise",
        "--invalidity-date",
        "2025-01-01T00:00:00Z",
    ]);
    assert_reason(env, &serial, "keycompromise");
    let line = env.fail_unchanged(&[
        "cert",
        "revoke",
        "--serial",
        &serial,
        "--reason",
        "superseded",
    ]);
    assert_mentions(&line, &["revoked"]);

    // The same key, in a fresh CSR with another subject, is refused for
    // this subscriber and for anyone else.
    let csr = env.csr_for_key("an", "an-again", "/CN=Someone/O=Other");
    let csr = csr.display().to_string();
    let line = env.fail_unchanged(&[
        "cert",
        "issue",
        "--subscriber",
        &id,
        "--profile",
        "individual",
        "--csr",
        &csr,
    ]);
    assert_mentions(&line, &["blocked", "compromise"]);
    let other = env.add_person("Phạm Văn Dũng", "CCCD:001089031734");
    let line = env.fail_unchanged(&[
        "cert",
        "issue",
        "--subscriber",
        &other,
        "--profile",
        "individual",
        "--csr",
        &csr,
    ]);
    assert_mentions(&line, &["blocked", "compromise"]);
    // A new key is fine.
    let fresh = env.csr_p256("fresh");
    env.issue(&id, &fresh, "fresh", &[]);
    assert_audit_ok(env);
});

both_databases!(lost_token_revokes_every_certificate_on_it, |env| {
    env.init_and_export();
    let id = env.add_individual();
    env.ok(&[
        "token",
        "add",
        "--serial",
        "TOKEN-SN-0001",
        "--subscriber",
        &id,
    ]);
    let (_, on_token_1) = env.issue(
        &id,
        &env.csr_p256("t1"),
        "t1",
        &["--token", "TOKEN-SN-0001"],
    );
    let (_, on_token_2) = env.issue(
        &id,
        &env.csr_rsa2048("t2"),
        "t2",
        &["--token", "TOKEN-SN-0001"],
    );
    let (_, elsewhere) = env.issue(&id, &env.csr_p256("t3"), "t3", &[]);
    env.ok(&["cert", "suspend", "--serial", &on_token_2]);

    env.ok(&["token", "lost", "--serial", "TOKEN-SN-0001"]);
    assert_reason(env, &on_token_1, "keycompromise");
    assert_reason(env, &on_token_2, "keycompromise");
    assert_eq!(
        status_word(&env.show(&elsewhere)),
        "good",
        "a certificate off the token stays good"
    );
    assert_eq!(
        env.query_i64("SELECT COUNT(*) AS n FROM tokens WHERE status = 'lost'"),
        1
    );

    for key in ["t1", "t2"] {
        let csr = env.csr_for_key(key, &format!("{key}-again"), "/CN=again");
        let line = env.fail_unchanged(&[
            "cert",
            "issue",
            "--subscriber",
            &id,
            "--profile",
            "individual",
            "--csr",
            &csr.display().to_string(),
        ]);
        assert_mentions(&line, &["blocked", "compromise", "lost"]);
    }
    let csr = env.csr_p256("t4");
    let line = env.fail_unchanged(&[
        "cert",
        "issue",
        "--subscriber",
        &id,
        "--profile",
        "individual",
        "--csr",
        &csr.display().to_string(),
        "--token",
        "TOKEN-SN-0001",
    ]);
    assert_mentions(&line, &["TOKEN-SN-0001", "lost"]);
    let line = env.fail_unchanged(&["token", "lost", "--serial", "TOKEN-SN-0001"]);
    assert_mentions(&line, &["lost"]);
    // Re-issue onto a new token.
    env.ok(&[
        "token",
        "add",
        "--serial",
        "TOKEN-SN-0002",
        "--subscriber",
        &id,
    ]);
    let pem = env.ok(&[
        "cert",
        "issue",
        "--subscriber",
        &id,
        "--profile",
        "individual",
        "--csr",
        &csr.display().to_string(),
        "--token",
        "TOKEN-SN-0002",
    ]);
    env.save_leaf("t4", &pem);
    assert_audit_ok(env);
});
