//! The lifecycle after issuance: renew (gia hạn), change of information
//! (thay đổi nội dung), re-issue (cấp lại), suspend/restore (tạm dừng /
//! khôi phục), revoke (thu hồi) and the lost token (báo mất thiết bị).

#[macro_use]
mod common;

use common::*;

/// `cert show` names the revocation reason (any spelling).
fn assert_reason(env: &TestEnv, serial: &str, reason: &str) {
    let show = env.show(serial);
    assert_eq!(
        status_word(&show),
        "revoked",
        "{serial} must be revoked:\n{show}"
    );
    let squashed: String = show
        .to_lowercase()
        .chars()
        .filter(|c| !matches!(c, '-' | '_' | ' '))
        .collect();
    assert!(
        squashed.contains(reason),
        "{serial} must be revoked for {reason}:\n{show}"
    );
}

/// `audit verify` says `ok: N events`, N being every row of the log.
fn assert_audit_ok(env: &TestEnv) -> i64 {
    let out = env.ok(&["audit", "verify"]);
    let n: i64 = out
        .split("ok: ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("audit verify must say \"ok: N events\", got {out:?}"));
    assert!(out.contains(&format!("ok: {n} events")), "{out:?}");
    assert!(n > 0);
    assert_eq!(
        n,
        env.count("audit_events"),
        "audit verify must cover every event"
    );
    n
}

/// Issues a P-256 certificate for a new individual; returns (id, serial).
fn setup(env: &TestEnv, name: &str) -> (String, String) {
    env.init_and_export();
    let id = env.add_individual();
    let csr = env.csr_p256(name);
    let (_, serial) = env.issue(&id, &csr, name, &[]);
    (id, serial)
}

both_databases!(renew_same_key_old_stays_valid, |env| {
    let (_, old) = setup(env, "an");
    let old_path = env.path("an.pem");
    let pem = env.ok(&["cert", "renew", "--serial", &old]);
    let (new_path, new) = env.save_leaf("renewed", &pem);
    assert_ne!(new, old, "a renewal has a new serial");
    assert_eq!(
        env.pubkey_of_cert(&new_path),
        env.pubkey_of_cert(&old_path),
        "same key without a CSR"
    );
    assert_eq!(
        env.subject_lines(&new_path),
        env.subject_lines(&old_path),
        "same subject"
    );
    assert_eq!(
        status_word(&env.show(&old)),
        "good",
        "the renewed certificate stays valid"
    );
    assert_eq!(status_word(&env.show(&new)), "good");
    let seconds = env.validity_seconds(&new_path);
    assert!(
        seconds <= (3 * 365 + 1) * DAY,
        "a renewal is valid {} days, more than 3 years",
        seconds / DAY
    );

    let line = env.fail_unchanged(&["cert", "renew", "--serial", &new, "--days", "2000"]);
    assert_mentions(&line, &["2000", "days"]);

    // Renewal with a new CSR takes the new key.
    let csr = env.csr_p256("an-next");
    let pem = env.ok(&[
        "cert",
        "renew",
        "--serial",
        &new,
        "--csr",
        &csr.display().to_string(),
    ]);
    let (next_path, _) = env.save_leaf("renewed2", &pem);
    assert_eq!(
        env.pubkey_of_cert(&next_path),
        env.pubkey_of_key(&env.key_path("an-next"))
    );
    assert_eq!(status_word(&env.show(&new)), "good");
    assert_audit_ok(env);
});

both_databases!(change_info_updates_subject_and_supersedes, |env| {
    let (_, old) = setup(env, "an");
    let old_path = env.path("an.pem");
    let pem = env.ok(&[
        "cert",
        "change-info",
        "--serial",
        &old,
        "--title",
        "Phó Giám đốc",
    ]);
    let (new_path, new) = env.save_leaf("changed", &pem);
    let subject = env.subject_lines(&new_path);
    assert!(
        subject.iter().any(|l| l == "title=Phó Giám đốc"),
        "the new title: {subject:?}"
    );
    assert!(
        subject.iter().any(|l| l == "CN=Nguyễn Văn An"),
        "{subject:?}"
    );
    assert!(!env
        .subject_lines(&old_path)
        .iter()
        .any(|l| l.starts_with("title=")));
    check_string_types(env, &new_path);
    assert_eq!(
        env.pubkey_of_cert(&new_path),
        env.pubkey_of_cert(&old_path),
        "same key without a CSR"
    );
    assert_reason(env, &old, "superseded");
    assert_eq!(status_word(&env.show(&new)), "good");

    // A move to another unit, revoked as affiliationChanged.
    let pem = env.ok(&[
        "cert",
        "change-info",
        "--serial",
        &new,
        "--unit",
        "Sở Tài chính",
        "--reason",
        "affiliation-changed",
    ]);
    let (moved_path, moved) = env.save_leaf("moved", &pem);
    let subject = env.subject_lines(&moved_path);
    assert!(
        subject.iter().any(|l| l == "OU=Sở Tài chính"),
        "{subject:?}"
    );
    assert!(
        subject.iter().any(|l| l == "title=Phó Giám đốc"),
        "the title stays: {subject:?}"
    );
    assert_reason(env, &new, "affiliationchanged");
    assert_eq!(status_word(&env.show(&moved)), "good");
    assert_audit_ok(env);
});

both_databases!(reissue_on_new_key_revokes_old, |env| {
    let (_, old) = setup(env, "an");
    let line = env.fail_unchanged(&["cert", "reissue", "--serial", &old]);
    assert_mentions(&line, &["csr"]);
    let line = env.fail_unchanged(&[
        "cert",
        "reissue",
        "--serial",
        &old,
        "--csr",
        &env.p("an.csr"),
    ]);
    assert_mentions(&line, &["key"]);

    let csr = env.csr_rsa2048("an-new");
    let pem = env.ok(&[
        "cert",
        "reissue",
        "--serial",
        &old,
        "--csr",
        &csr.display().to_string(),
    ]);
    let (new_path, new) = env.save_leaf("reissued", &pem);
    assert_eq!(
        env.pubkey_of_cert(&new_path),
        env.pubkey_of_key(&env.key_path("an-new"))
    );
    assert_eq!(
        env.subject_lines(&new_path),
        env.subject_lines(&env.path("an.pem"))
    );
    assert_reason(env, &old, "superseded");
    assert_eq!(status_word(&env.show(&new)), "good");

    // Re-issue after a compromise: the old key is refused from then on.
    let csr = env.csr_p256("an-third");
    env.ok(&[
        "cert",
        "reissue",
        "--serial",
        &new,
        "--csr",
        &csr.display().to_string(),
        "--reason",
        "key-compromise",
    ]);
    assert_reason(env, &new, "keycompromise");
    let again = env.csr_for_key("an-new", "an-new-again", "/CN=again");
    let id = env.add_person("Phạm Văn Dũng", "CCCD:001089031734");
    let line = env.fail_unchanged(&[
        "cert",
        "issue",
        "--subscriber",
        &id,
        "--profile",
        "individual",
        "--csr",
        &again.display().to_string(),
    ]);
    assert_mentions(&line, &["blocked", "compromise", "revoked"]);
    assert_audit_ok(env);
});

both_databases!(suspend_then_restore, |env| {
    let (_, serial) = setup(env, "an");
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
    let (id, serial) = setup(env, "an");
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
