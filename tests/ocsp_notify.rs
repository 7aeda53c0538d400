//! Status changes reach OCSP at once (issue 15): the responder's polling
//! is set to an hour, so only the status notification explains a fast
//! answer. Checked with `openssl ocsp` against the running server, with
//! bounded waits: a change made through the portal's API is answered
//! within 1 s by the same process; one made by `govpki cert revoke` (another
//! process) within 2 s; with two responders on one database and the change
//! made by a third process, both within 2 s.

#[macro_use]
mod common;
mod portal;

use std::time::{Duration, Instant};

use common::*;
use portal::*;
use serde_json::json;

/// Polling only as a distant safety net: the refresher's first pass at
/// start, then nothing for an hour; CRLs out of the way likewise.
const SLOW_POLL: [&str; 6] = [
    "--ocsp-refresh-secs",
    "3600",
    "--crl-tick-secs",
    "3600",
    "--crl-change-bound-secs",
    "3600",
];

/// The goal in the process that made the change.
const SAME_PROCESS: Duration = Duration::from_secs(1);
/// The goal in any other process.
const OTHER_PROCESS: Duration = Duration::from_secs(2);

/// Asks `openssl ocsp` until the answer contains every one of `needles`,
/// failing once `bound` has passed since `since`; returns the elapsed time
/// and checks the response verified.
fn within(
    env: &TestEnv,
    server: &Server,
    args: &[&str],
    needles: &[&str],
    since: Instant,
    bound: Duration,
) -> Duration {
    loop {
        let out = server.ocsp(env, args);
        let elapsed = since.elapsed();
        if needles.iter().all(|n| out.contains(n)) {
            assert!(out.contains("Response verify OK"), "unverified: {out}");
            assert!(
                elapsed < bound,
                "openssl ocsp {args:?} said {needles:?} only after {elapsed:?} (goal {bound:?})"
            );
            return elapsed;
        }
        assert!(
            elapsed < bound,
            "openssl ocsp {args:?} did not say {needles:?} within {bound:?}; last answer:\n{out}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The served chain as `chain.pem` (what `Server::ocsp` verifies with).
fn write_chain(env: &TestEnv) {
    let root = std::fs::read_to_string(env.path("root.pem")).expect("root.pem");
    let gov = std::fs::read_to_string(env.path("gov-ca.pem")).expect("gov-ca.pem");
    env.write("chain.pem", format!("{gov}{root}"));
}

both_databases!(portal_changes_are_answered_within_a_second, |env| {
    let out = env.init_and_export();
    write_chain(env);
    let all = accounts(&out);
    let server = env.serve(&SLOW_POLL);
    let mut officer = account(&all, "officer");
    let mut approver = account(&all, "approver");
    let ot = sign_in(&server, &mut officer);
    let at = sign_in(&server, &mut approver);
    let sub = add_subscriber(
        &server,
        &ot,
        "Trần Thị Bình",
        "CCCD:001089031755",
        "Cần Thơ",
    );
    let csr = std::fs::read_to_string(env.csr_p256("binh")).expect("csr");
    let id = submit_ok(
        &server,
        &ot,
        &json!({ "kind": "issue", "subscriber_id": sub, "csr": csr }),
    );
    let approved = Instant::now();
    let serial = result_serial(&server, &ot, &approve_ok(&server, &at, id));
    download_and_verify(env, &server, &ot, &serial, "binh");
    let args = ["-issuer", "gov-ca.pem", "-cert", "binh.pem"];
    // A new certificate is answered at once too (not at the next poll).
    within(
        env,
        &server,
        &args,
        &["binh.pem: good"],
        approved,
        SAME_PROCESS * 5,
    );

    let web = Browser::new(env, &server, "officer");
    web.sign_in(&mut officer);
    let change = |body: serde_json::Value| {
        let id = submit_ok(&server, &ot, &body);
        approve_ok(&server, &at, id);
        Instant::now()
    };

    // Suspended: revoked with certificateHold within a second, and the
    // certificate's page no longer says good.
    let t = change(json!({ "kind": "suspend", "serial": serial }));
    within(
        env,
        &server,
        &args,
        &["binh.pem: revoked", "Reason: certificateHold"],
        t,
        SAME_PROCESS,
    );
    let page = web.page(&format!("/certificates/{serial}"));
    assert!(
        page.contains(r#"<dd id="ocsp-status">Đã thu hồi (revoked)</dd>"#),
        "the page shows the suspension:\n{page}"
    );

    // Restored: good again within a second.
    let t = change(json!({ "kind": "restore", "serial": serial }));
    within(env, &server, &args, &["binh.pem: good"], t, SAME_PROCESS);

    // Revoked: within a second.
    let t = change(json!({ "kind": "revoke", "serial": serial, "reason": "superseded" }));
    within(
        env,
        &server,
        &args,
        &["binh.pem: revoked", "Reason: superseded"],
        t,
        SAME_PROCESS,
    );
    let page = web.page(&format!("/certificates/{serial}"));
    assert!(
        page.contains(r#"<dd id="ocsp-status">Đã thu hồi (revoked)</dd>"#),
        "the page shows the revocation:\n{page}"
    );
});

both_databases!(cli_revocation_is_answered_within_two_seconds, |env| {
    env.init_and_export();
    write_chain(env);
    let server = env.serve(&SLOW_POLL);
    let id = env.add_individual();
    let (_, serial) = env.issue(&id, &env.csr_p256("an"), "an", &[]);
    let issued = Instant::now();
    let args = ["-issuer", "gov-ca.pem", "-cert", "an.pem"];
    within(
        env,
        &server,
        &args,
        &["an.pem: good"],
        issued,
        OTHER_PROCESS * 5,
    );

    env.ok(&["cert", "suspend", "--serial", &serial]);
    let t = Instant::now();
    within(
        env,
        &server,
        &args,
        &["an.pem: revoked", "Reason: certificateHold"],
        t,
        OTHER_PROCESS,
    );
    env.ok(&["cert", "restore", "--serial", &serial]);
    let t = Instant::now();
    within(env, &server, &args, &["an.pem: good"], t, OTHER_PROCESS);
    env.ok(&[
        "cert",
        "revoke",
        "--serial",
        &serial,
        "--reason",
        "affiliation-changed",
    ]);
    let t = Instant::now();
    within(
        env,
        &server,
        &args,
        &["an.pem: revoked", "Reason: affiliationChanged"],
        t,
        OTHER_PROCESS,
    );
});

both_databases!(two_responders_hear_a_third_process, |env| {
    env.init_and_export();
    write_chain(env);
    let first = env.serve(&SLOW_POLL);
    let second = env.serve(&SLOW_POLL);
    let id = env.add_individual();
    let (_, serial) = env.issue(&id, &env.csr_p256("chi"), "chi", &[]);
    let issued = Instant::now();
    let args = ["-issuer", "gov-ca.pem", "-cert", "chi.pem"];
    for server in [&first, &second] {
        within(
            env,
            server,
            &args,
            &["chi.pem: good"],
            issued,
            OTHER_PROCESS * 5,
        );
    }
    env.ok(&[
        "cert",
        "revoke",
        "--serial",
        &serial,
        "--reason",
        "cessation-of-operation",
    ]);
    let t = Instant::now();
    for server in [&first, &second] {
        within(
            env,
            server,
            &args,
            &["chi.pem: revoked", "Reason: cessationOfOperation"],
            t,
            OTHER_PROCESS,
        );
    }
});
