//! The OCSP responder without its database and beside other responders:
//! it answers from its cache while the database is unreachable, says
//! `degraded` on `/healthz`, and catches up when the database returns;
//! several responders on one PostgreSQL database see a revocation within
//! the refresh bound.

#[macro_use]
mod common;

use std::time::{Duration, Instant};

use common::*;

/// A revocation reaches every responder within this bound when they poll
/// every second (the refresh interval plus one pass, with slack for a
/// loaded machine).
const SCALE_OUT_BOUND: Duration = Duration::from_secs(10);

both_databases!(outage_served_from_cache, |env| {
    let (server, id) = env.serve_ocsp(&[]);
    let (_, an) = env.issue(&id, &env.csr_p256("an"), "an", &[]);
    let an_args = ["-issuer", "gov-ca.pem", "-cert", "an.pem"];
    server.wait_for(env, &an_args, &["an.pem: good"]);
    server.wait_health("ok");

    // PostgreSQL: every connection cut and new ones refused; SQLite: the
    // database file renamed away.
    env.cut_database(true);
    server.wait_health("degraded");
    let out = server.ocsp(env, &an_args);
    assert!(
        out.contains("an.pem: good") && out.contains("Response verify OK"),
        "not served from the cache during the outage: {out}"
    );
    let (_, metrics) = server.get_text("/metrics");
    assert!(metrics.contains("govpki_ocsp_degraded 1"), "{metrics}");

    env.cut_database(false);
    server.wait_health("ok");
    env.ok(&[
        "cert",
        "revoke",
        "--serial",
        &an,
        "--reason",
        "key-compromise",
    ]);
    server.wait_for(env, &an_args, &["an.pem: revoked", "Reason: keyCompromise"]);
    server.wait_health("ok");
});

#[test]
fn postgres_scale_out_two_responders() {
    let env = TestEnv::postgres();
    let (first, id) = env.serve_ocsp(&[]);
    let second = env.serve(&["--ocsp-refresh-secs", "1"]);
    let (_, an) = env.issue(&id, &env.csr_p256("an"), "an", &[]);
    let an_args = ["-issuer", "gov-ca.pem", "-cert", "an.pem"];
    first.wait_for(&env, &an_args, &["an.pem: good"]);
    second.wait_for(&env, &an_args, &["an.pem: good"]);

    env.ok(&[
        "cert",
        "revoke",
        "--serial",
        &an,
        "--reason",
        "key-compromise",
    ]);
    let revoked = Instant::now();
    for server in [&first, &second] {
        loop {
            let out = server.ocsp(&env, &an_args);
            if out.contains("an.pem: revoked") {
                assert!(out.contains("Response verify OK"), "{out}");
                break;
            }
            assert!(
                revoked.elapsed() < SCALE_OUT_BOUND,
                "the revocation did not reach a responder within {SCALE_OUT_BOUND:?}: {out}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }
    first.wait_health("ok");
    second.wait_health("ok");
}
