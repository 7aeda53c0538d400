//! The CRL publisher inside `govpki serve`: CRLs served over HTTP with
//! their caching headers, written into the publishing directory, updated
//! within the change bound after a revocation, followed by `openssl verify
//! -crl_download` from the distribution point written in a certificate;
//! bad names refused; the CRL number never going back across restarts and
//! (PostgreSQL) two publishers, one active at a time.

#[macro_use]
mod common;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use common::*;

/// The schedule the tests run: look every second, revocations in the CRLs
/// within 2 s.
const FAST: [&str; 4] = ["--crl-tick-secs", "1", "--crl-change-bound-secs", "2"];

/// [`FAST`] for `serve_ocsp`, which already asks for the one-second tick.
const BOUND: [&str; 2] = ["--crl-change-bound-secs", "2"];

/// How long a change may take to show (the bound plus slack for a loaded
/// machine).
const PROPAGATION: Duration = Duration::from_secs(30);

/// `init --demo` with the public URL of a server on a port chosen now, so
/// that certificates point at it; returns (port, subscriber id).
fn init_for_port(env: &TestEnv) -> (u16, String) {
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    env.ok(&["init", "--demo", "--public-url", &url]);
    env.export(ROOT);
    env.export(GOV_CA);
    let root = std::fs::read_to_string(env.path("root.pem")).expect("root.pem");
    let gov = std::fs::read_to_string(env.path("gov-ca.pem")).expect("gov-ca.pem");
    env.write("chain.pem", format!("{gov}{root}"));
    (port, env.add_individual())
}

/// Waits until the CRL at `path` satisfies `pred`.
fn wait_crl(
    env: &TestEnv,
    server: &Server,
    path: &str,
    what: &str,
    pred: impl Fn(&str) -> bool,
) -> String {
    let start = Instant::now();
    loop {
        let (code, _) = server.download(env, path, "probe.crl", &[]);
        if code == 200 {
            let text = crl_text(env, server, path, "probe.crl");
            if pred(&text) {
                return text;
            }
        }
        assert!(
            start.elapsed() < PROPAGATION,
            "{path} never showed {what} within {PROPAGATION:?}"
        );
        std::thread::sleep(Duration::from_millis(300));
    }
}

/// The CRL Number in `openssl crl -text` output.
fn crl_number(text: &str) -> u64 {
    let after = text
        .split("X509v3 CRL Number:")
        .nth(1)
        .unwrap_or_else(|| panic!("no CRL Number in {text}"));
    after
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("unreadable CRL Number in {text}"))
}

/// The Delta CRL Indicator (the base CRL number) in `openssl crl -text`.
fn delta_base(text: &str) -> u64 {
    let after = text
        .split("X509v3 Delta CRL Indicator:")
        .nth(1)
        .unwrap_or_else(|| panic!("no Delta CRL Indicator in {text}"));
    after
        .split_whitespace()
        .find_map(|w| w.parse().ok())
        .unwrap_or_else(|| panic!("unreadable Delta CRL Indicator in {text}"))
}

/// `openssl verify -crl_check -crl_download`: the CRL fetched from the
/// distribution point in the certificate.
fn verify_downloading(env: &TestEnv, cert: &str) -> String {
    let out = env.openssl(&[
        "verify",
        "-crl_check",
        "-crl_download",
        "-CAfile",
        "root.pem",
        "-untrusted",
        "gov-ca.pem",
        cert,
    ]);
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

both_databases!(served_published_and_followed_by_openssl, |env| {
    let (port, id) = init_for_port(env);
    let (_, an) = env.issue(&id, &env.csr_p256("an"), "an", &[]);
    env.issue(&id, &env.csr_p256("binh"), "binh", &[]);
    let server = env.serve_on(port, &FAST);

    // The CRLs exist from the first pass, served and published alike.
    let text = wait_crl(env, &server, "/crl/gov-ca.crl", "a first CRL", |_| true);
    assert!(text.contains("No Revoked Certificates"), "{text}");
    let (code, headers) = server.download(env, "/crl/gov-ca.crl", "gov-ca.crl", &[]);
    assert_eq!(code, 200);
    assert!(
        headers.contains("content-type: application/pkix-crl"),
        "{headers}"
    );
    for h in [
        "last-modified:",
        "expires:",
        "etag:",
        "cache-control: max-age=",
    ] {
        assert!(headers.contains(h), "no {h} in {headers}");
    }
    let etag = headers
        .lines()
        .find_map(|l| l.strip_prefix("etag:"))
        .map(str::trim)
        .expect("etag")
        .to_owned();
    let (code, _) = server.download(
        env,
        "/crl/gov-ca.crl",
        "not-modified.crl",
        &[&format!("If-None-Match: {etag}")],
    );
    assert_eq!(code, 304, "revalidation with the ETag");
    wait_crl(env, &server, "/crl/gov-ca-delta.crl", "a delta CRL", |t| {
        t.contains("Delta CRL Indicator")
    });
    wait_crl(env, &server, "/crl/root.crl", "the root's CRL", |_| true);
    let published = env.data_dir().join("crl").join("gov-ca.crl");
    let start = Instant::now();
    while !published.exists() {
        assert!(start.elapsed() < PROPAGATION, "no {}", published.display());
        std::thread::sleep(Duration::from_millis(200));
    }

    // openssl follows the distribution point written in the certificate.
    let out = verify_downloading(env, "binh.pem");
    assert!(
        out.trim_end().ends_with("binh.pem: OK"),
        "good certificate: {out}"
    );
    let before = crl_number(&crl_text(env, &server, "/crl/gov-ca.crl", "before.crl"));

    // A revocation is in the full CRL within the bound.
    env.ok(&[
        "cert",
        "revoke",
        "--serial",
        &an,
        "--reason",
        "key-compromise",
    ]);
    let serial = an.to_uppercase();
    let text = wait_crl(env, &server, "/crl/gov-ca.crl", "the revocation", |t| {
        t.contains(&serial)
    });
    assert!(text.contains("Key Compromise"), "{text}");
    assert!(crl_number(&text) > before, "CRL number went back: {text}");
    // The delta made with it points at that full CRL as its base (and so
    // need not repeat the revocation).
    let base = crl_number(&text);
    wait_crl(env, &server, "/crl/gov-ca-delta.crl", "the new base", |t| {
        delta_base(t) >= base
    });
    let out = verify_downloading(env, "an.pem");
    assert!(
        out.contains("certificate revoked"),
        "revoked certificate: {out}"
    );
    let out = verify_downloading(env, "binh.pem");
    assert!(
        out.trim_end().ends_with("binh.pem: OK"),
        "good certificate: {out}"
    );

    // The published file is what HTTP serves.
    let start = Instant::now();
    loop {
        server.download(env, "/crl/gov-ca.crl", "now.crl", &[]);
        let served = std::fs::read(env.path("now.crl")).expect("now.crl");
        if std::fs::read(&published).expect("published CRL") == served {
            break;
        }
        assert!(
            start.elapsed() < PROPAGATION,
            "published file differs from HTTP"
        );
        std::thread::sleep(Duration::from_millis(300));
    }

    // Metrics name the CRLs.
    let (_, metrics) = server.get_text("/metrics");
    assert!(
        metrics.contains("govpki_crl_number{issuer=\"gov-ca\",shard=\"0\",kind=\"full\"}"),
        "{metrics}"
    );
    assert!(
        metrics.contains("govpki_crl_publisher_active 1"),
        "{metrics}"
    );
    assert!(metrics.contains("govpki_ocsp_requests_total"), "{metrics}");
});

both_databases!(bad_names_are_404_with_a_reason, |env| {
    let (server, _) = env.serve_ocsp(&BOUND);
    // The first pass is over once the last CRL it makes exists.
    for path in [
        "/crl/gov-ca.crl",
        "/crl/gov-ca-delta.crl",
        "/crl/root.crl",
        "/crl/root-delta.crl",
    ] {
        wait_crl(env, &server, path, "a first CRL", |_| true);
    }
    let before = env.snapshot();
    for path in [
        "/crl/nobody.crl",
        "/crl/gov-ca/1.crl",
        "/crl/gov-ca/0.crl",
        "/crl/gov-ca.pem",
        "/crl/GOV-CA.crl",
        "/crl/gov-ca/07-delta.crl",
        "/crl/..%2F..%2Fetc%2Fpasswd",
        "/crl/gov-ca/number/abc.crl",
        "/crl/gov-ca/number/999999.crl",
        "/crl/nobody/number/1.crl",
    ] {
        let (code, body) = server.get_text(path);
        assert_eq!(code, 404, "{path}: {body}");
        let json: serde_json::Value = serde_json::from_str(&body)
            .unwrap_or_else(|e| panic!("{path}: not JSON ({e}): {body}"));
        assert!(
            json["error"].is_string() && json["message"].is_string(),
            "{path}: {json}"
        );
    }
    let long = format!("/crl/{}.crl", "a".repeat(5000));
    let (code, _) = server.get_text(&long);
    assert!((400..500).contains(&code), "long name: {code}");
    assert_eq!(
        env.snapshot(),
        before,
        "a refused request changed the database"
    );
    let (code, _) = server.get_text("/healthz");
    assert_eq!(code, 200);
});

both_databases!(numbers_never_go_back_across_restarts, |env| {
    let (server, _) = env.serve_ocsp(&BOUND);
    let first = crl_number(&wait_crl(env, &server, "/crl/gov-ca.crl", "a CRL", |_| {
        true
    }));
    server.kill();
    env.ok(&["crl", "generate", "--issuer", "gov-ca"]);
    let server = env.serve(&FAST);
    let mut seen = BTreeSet::from([first]);
    let start = Instant::now();
    // Each forced run and each restart gives a higher number.
    for round in 0..3 {
        env.ok(&["crl", "generate", "--issuer", "gov-ca"]);
        let text = wait_crl(env, &server, "/crl/gov-ca.crl", "a newer CRL", |t| {
            crl_number(t) > *seen.iter().next_back().unwrap_or(&0)
        });
        let n = crl_number(&text);
        assert!(seen.insert(n), "CRL number {n} repeated in round {round}");
        assert!(start.elapsed() < PROPAGATION * 3);
    }
});

/// PostgreSQL: two publishers against one database; one is active, the
/// other stands by and takes over when the first dies; numbers only grow.
#[test]
fn postgres_one_active_publisher() {
    let env = TestEnv::postgres();
    let (first, _) = env.serve_ocsp(&BOUND);
    let second = env.serve(&FAST);
    let state = |s: &Server| {
        s.healthz()["crl_publisher"]
            .as_str()
            .unwrap_or("")
            .to_owned()
    };
    let start = Instant::now();
    loop {
        let states = [state(&first), state(&second)];
        if states.contains(&"active".to_owned()) && states.contains(&"standby".to_owned()) {
            break;
        }
        assert!(
            start.elapsed() < PROPAGATION,
            "publisher states: {states:?}"
        );
        std::thread::sleep(Duration::from_millis(300));
    }
    let (active, standby) = if state(&first) == "active" {
        (first, second)
    } else {
        (second, first)
    };
    let before = crl_number(&wait_crl(
        &env,
        &standby,
        "/crl/gov-ca.crl",
        "a CRL",
        |_| true,
    ));
    active.kill();
    let start = Instant::now();
    while state(&standby) != "active" {
        assert!(start.elapsed() < PROPAGATION, "the standby never took over");
        std::thread::sleep(Duration::from_millis(300));
    }
    let id = env.add_person("Trần Thị Bình", "CCCD:001190000456");
    let (_, binh) = env.issue(&id, &env.csr_p256("binh"), "binh", &[]);
    env.ok(&[
        "cert",
        "revoke",
        "--serial",
        &binh,
        "--reason",
        "superseded",
    ]);
    let serial = binh.to_uppercase();
    let text = wait_crl(&env, &standby, "/crl/gov-ca.crl", "the revocation", |t| {
        t.contains(&serial)
    });
    assert!(
        crl_number(&text) > before,
        "the CRL number went back: {text}"
    );
}
