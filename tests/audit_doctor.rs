//! The audit log under tampering, and `govpki doctor` resolving an
//! interrupted issuance.

#[macro_use]
mod common;

use std::process::Output;

use common::*;

/// Init, a subscriber, a token, two certificates and a revocation: a log
/// of a dozen events. Returns the serial of the good certificate.
fn some_history(env: &TestEnv) -> String {
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
    let (_, first) = env.issue(&id, &env.csr_p256("a"), "a", &["--token", "TOKEN-SN-0001"]);
    env.ok(&[
        "cert",
        "revoke",
        "--serial",
        &first,
        "--reason",
        "superseded",
    ]);
    let (_, second) = env.issue(&id, &env.csr_p256("b"), "b", &[]);
    second
}

/// `audit verify` succeeds and counts every event.
fn audit_ok(env: &TestEnv) -> i64 {
    let out = env.ok(&["audit", "verify"]);
    let n = env.count("audit_events");
    assert!(n > 5, "expected a real history, got {n} events");
    assert!(
        out.contains(&format!("ok: {n} events")),
        "audit verify must say \"ok: {n} events\": {out:?}"
    );
    n
}

/// Everything the binary printed.
fn printed(out: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// `audit verify` fails and names event `seq`.
fn audit_broken_at(env: &TestEnv, seq: i64) {
    let out = env.run(&["audit", "verify"]);
    let text = printed(&out);
    assert!(
        !out.status.success(),
        "audit verify must fail after tampering:\n{text}"
    );
    assert!(!text.contains("ok:"), "{text}");
    assert!(
        number_tokens(&text).contains(&seq.to_string()),
        "audit verify must name event {seq}:\n{text}"
    );
    let doctor = env.run(&["doctor"]);
    assert!(
        !doctor.status.success(),
        "doctor must not report a tampered log healthy:\n{}",
        printed(&doctor)
    );
}

both_databases!(edited_event_is_detected, |env| {
    some_history(env);
    let n = audit_ok(env);
    let seq = n / 2;
    let changed = env.sql(&format!(
        "UPDATE audit_events SET details = '{{\"tampered\":true}}' WHERE seq = {seq}"
    ));
    assert_eq!(changed, 1);
    audit_broken_at(env, seq);
});

both_databases!(edited_actor_is_detected, |env| {
    some_history(env);
    let n = audit_ok(env);
    let seq = n - 2;
    assert_eq!(
        env.sql(&format!(
            "UPDATE audit_events SET actor = 'mallory' WHERE seq = {seq}"
        )),
        1
    );
    audit_broken_at(env, seq);
});

both_databases!(deleted_middle_event_is_detected, |env| {
    some_history(env);
    let n = audit_ok(env);
    let seq = n / 2 + 1;
    assert_eq!(
        env.sql(&format!("DELETE FROM audit_events WHERE seq = {seq}")),
        1
    );
    audit_broken_at(env, seq);
});

both_databases!(deleted_last_event_is_detected, |env| {
    some_history(env);
    let n = audit_ok(env);
    assert_eq!(
        env.sql(&format!("DELETE FROM audit_events WHERE seq = {n}")),
        1
    );
    let out = env.run(&["audit", "verify"]);
    assert!(
        !out.status.success(),
        "a deleted tail must be detected:\n{}",
        printed(&out)
    );
});

both_databases!(doctor_healthy_database, |env| {
    let serial = some_history(env);
    let before = env.snapshot();
    let out = env.ok(&["doctor"]);
    assert!(
        mentions(&out, &["healthy"]) || has_word(&out, "ok"),
        "doctor must report a healthy database: {out:?}"
    );
    assert!(!out.contains(&serial), "nothing to resolve: {out:?}");
    let after = env.snapshot();
    assert_eq!(
        before, after,
        "doctor on a healthy database changes nothing"
    );
});

both_databases!(doctor_resolves_interrupted_issuance, |env| {
    let serial = some_history(env);
    let n = audit_ok(env);
    let updated = env.sql(&format!(
        "UPDATE certificates SET status = 'pending', cert_der = NULL WHERE serial = '{serial}'"
    ));
    assert_eq!(updated, 1, "the certificate row of {serial}");

    // Too recent for the default threshold (60 s): left alone.
    let out = env.ok(&["doctor"]);
    assert!(
        !out.contains(&serial),
        "a fresh pending issuance is not resolved yet: {out:?}"
    );
    assert_eq!(status_word(&env.show(&serial)), "pending");

    let out = env.ok(&["doctor", "--older-than", "0"]);
    assert!(
        out.contains(&serial),
        "doctor must report the serial it resolved: {out:?}"
    );
    let show = env.show(&serial);
    assert_eq!(
        status_word(&show),
        "revoked",
        "a resolved issuance is revoked:\n{show}"
    );
    assert_eq!(
        env.query_i64(&format!(
            "SELECT COUNT(*) AS n FROM certificates WHERE serial = '{serial}' AND cert_der IS NOT NULL AND status = 'revoked'"
        )),
        1,
        "the record is completed from the recorded TBS"
    );
    let events = env.ok(&["audit", "verify"]);
    let now = env.count("audit_events");
    assert!(now > n, "the resolution is audited");
    assert!(events.contains(&format!("ok: {now} events")), "{events:?}");

    let out = env.ok(&["doctor", "--older-than", "0"]);
    assert!(
        !out.contains(&serial),
        "a second run resolves nothing: {out:?}"
    );
    let before = env.snapshot();
    env.ok(&["doctor", "--older-than", "0"]);
    assert_eq!(before, env.snapshot());

    let line = env.fail_unchanged(&["doctor", "--older-than", "soon"]);
    assert_mentions(&line, &["soon", "older-than"]);
});
