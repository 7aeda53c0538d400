//! The OCSP responder's switches and counters, through `govpki serve` and
//! the real `openssl ocsp` client: the nonce policy (`--ocsp-nonce`), the
//! RFC 6960 §2.2 "revoked for non-issued" answer (`--ocsp-non-issued`),
//! `/metrics`, and an issuer created while the responder runs.

#[macro_use]
mod common;

/// openssl's complaint when the response does not echo its nonce.
const NO_NONCE: &str = "WARNING: no nonce in response";

both_databases!(nonce_ignored_or_signed_live, |env| {
    let (ignoring, id) = env.serve_ocsp(&[]);
    let (_, an) = env.issue(&id, &env.csr_p256("an"), "an", &[]);
    let an_args = ["-issuer", "gov-ca.pem", "-cert", "an.pem", "-resp_text"];
    // Ignore (the default, RFC 5019): the pre-signed response, no nonce.
    let out = ignoring.wait_for(env, &an_args, &["an.pem: good"]);
    assert!(out.contains(NO_NONCE), "ignore mode echoed a nonce: {out}");
    assert!(!out.contains("OCSP Nonce"), "{out}");

    // Live: a response signed for this request, the nonce echoed.
    let live = env.serve(&["--ocsp-refresh-secs", "1", "--ocsp-nonce", "live"]);
    let out = live.wait_for(env, &an_args, &["an.pem: good"]);
    assert!(!out.contains(NO_NONCE), "live mode: {out}");
    assert!(out.contains("OCSP Nonce"), "live mode: {out}");
    // Live answers read the database: a revocation shows at once.
    env.ok(&["cert", "revoke", "--serial", &an, "--reason", "superseded"]);
    let out = live.wait_for(env, &an_args, &["an.pem: revoked", "Reason: superseded"]);
    assert!(!out.contains(NO_NONCE), "live mode: {out}");
    // Without a nonce, live mode serves the pre-signed response.
    let plain = ["-issuer", "gov-ca.pem", "-cert", "an.pem", "-no_nonce"];
    live.wait_for(env, &plain, &["an.pem: revoked"]);
    ignoring.wait_for(env, &an_args, &["an.pem: revoked", NO_NONCE]);
});

both_databases!(non_issued_serials_revoked_on_request, |env| {
    let (server, id) = env.serve_ocsp(&["--ocsp-non-issued", "revoked"]);
    env.issue(&id, &env.csr_p256("an"), "an", &[]);
    server.wait_for(
        env,
        &["-issuer", "gov-ca.pem", "-cert", "an.pem"],
        &["an.pem: good"],
    );
    let never = ["-issuer", "gov-ca.pem", "-serial", "0x1234", "-resp_text"];
    let out = server.wait_for(env, &never, &["0x1234: revoked", "Reason: certificateHold"]);
    assert!(
        out.contains("Revocation Time: Jan  1 00:00:00 1970 GMT"),
        "revocation time: {out}"
    );
    // id-pkix-ocsp-extended-revoke (1.3.6.1.5.5.7.48.1.9), which openssl
    // names "valid" (its NULL value printed as "..").
    let extensions = out
        .split("Response Extensions:")
        .nth(1)
        .unwrap_or_else(|| panic!("no response extensions: {out}"));
    assert!(
        extensions.trim_start().starts_with("valid:"),
        "no extended revoke extension: {out}"
    );
    // The default stays unknown.
    let (plain, _) = env.serve_ocsp(&[]);
    plain.wait_for(env, &never, &["0x1234: unknown"]);
});

both_databases!(metrics_count_requests, |env| {
    let (server, id) = env.serve_ocsp(&[]);
    env.issue(&id, &env.csr_p256("an"), "an", &[]);
    let an_args = ["-issuer", "gov-ca.pem", "-cert", "an.pem"];
    server.wait_for(env, &an_args, &["an.pem: good"]);
    server.wait_for(env, &an_args, &["an.pem: good"]);
    server.wait_for(
        env,
        &["-issuer", "gov-ca.pem", "-serial", "0x1234"],
        &["0x1234: unknown"],
    );
    let (code, _) = server.get_text("/ocsp/AAAA");
    assert_eq!(code, 200, "malformed GET");

    let (code, text) = server.get_text("/metrics");
    assert_eq!(code, 200, "metrics: {text}");
    let values = parse_exposition(&text);
    let value = |name: &str| -> f64 {
        values
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| *v)
            .unwrap_or_else(|| panic!("no {name} in:\n{text}"))
    };
    assert!(
        value("govpki_ocsp_requests_total{method=\"POST\",outcome=\"good\"}") >= 2.0,
        "{text}"
    );
    assert!(
        value("govpki_ocsp_requests_total{method=\"POST\",outcome=\"unknown\"}") >= 1.0,
        "{text}"
    );
    assert!(
        value("govpki_ocsp_requests_total{method=\"GET\",outcome=\"malformed\"}") >= 1.0,
        "{text}"
    );
    assert!(
        value("govpki_ocsp_request_duration_seconds_count") >= 4.0,
        "{text}"
    );
    assert!(
        value("govpki_ocsp_request_duration_seconds_bucket{le=\"+Inf\"}") >= 4.0,
        "{text}"
    );
    assert!(value("govpki_ocsp_cache_hits_total") >= 1.0, "{text}");
    assert!(value("govpki_ocsp_cache_misses_total") >= 1.0, "{text}");
    assert!(value("govpki_ocsp_responses_signed_total") >= 1.0, "{text}");
    assert!(
        value("govpki_ocsp_oldest_response_age_seconds") >= 0.0,
        "{text}"
    );
    assert!(value("govpki_ocsp_cached_responses") >= 1.0, "{text}");
    assert_eq!(value("govpki_ocsp_degraded"), 0.0, "{text}");
});

/// Every non-comment line of a Prometheus text exposition as (`name` or
/// `name{labels}`, value); panics on a line that does not parse.
fn parse_exposition(text: &str) -> Vec<(String, f64)> {
    let mut out = Vec::new();
    for line in text.lines() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (series, value) = line
            .rsplit_once(' ')
            .unwrap_or_else(|| panic!("no value: {line:?}"));
        let value: f64 = value
            .parse()
            .unwrap_or_else(|_| panic!("bad value: {line:?}"));
        let name = series.split('{').next().unwrap_or_default();
        assert!(
            !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':'),
            "bad metric name: {line:?}"
        );
        if let Some(labels) = series.strip_prefix(name) {
            if !labels.is_empty() {
                assert!(
                    labels.starts_with('{') && labels.ends_with('}'),
                    "bad labels: {line:?}"
                );
                for pair in labels[1..labels.len() - 1].split(',') {
                    let (k, v) = pair
                        .split_once('=')
                        .unwrap_or_else(|| panic!("bad label: {line:?}"));
                    assert!(!k.is_empty(), "bad label: {line:?}");
                    assert!(
                        v.len() >= 2 && v.starts_with('"') && v.ends_with('"'),
                        "bad label value: {line:?}"
                    );
                }
            }
        }
        out.push((series.to_owned(), value));
    }
    out
}

both_databases!(live_signing_is_bounded, |env| {
    let (server, id) = env.serve_ocsp(&["--ocsp-nonce", "live", "--ocsp-live-limit", "1"]);
    env.issue(&id, &env.csr_p256("an"), "an", &[]);
    let an_args = ["-issuer", "gov-ca.pem", "-cert", "an.pem"];
    server.wait_for(env, &an_args, &["an.pem: good"]);
    // A request with a nonce: every one is signed live.
    env.openssl_ok(&[
        "ocsp",
        "-issuer",
        "gov-ca.pem",
        "-cert",
        "an.pem",
        "-reqout",
        "nonce.der",
    ]);
    // Bursts of parallel requests against one signing slot: the excess is
    // answered tryLater at once, the rest signed; retried a few times in
    // case a burst happens to arrive one by one.
    let url = server.url("/ocsp");
    let mut seen_try_later = false;
    for round in 0..5 {
        let mut args: Vec<String> = [
            "-s",
            "--parallel",
            "--parallel-immediate",
            "--parallel-max",
            "64",
            "-H",
            "Content-Type: application/ocsp-request",
            "--data-binary",
            "@nonce.der",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        let n = 64;
        for i in 0..n {
            args.push("-o".into());
            args.push(format!("burst-{round}-{i}.der"));
            args.push(url.clone());
        }
        let out = std::process::Command::new("curl")
            .current_dir(env.work_dir())
            .args(&args)
            .output()
            .expect("run curl");
        assert!(out.status.success(), "curl: {out:?}");
        let (mut signed, mut later) = (0, 0);
        for i in 0..n {
            let body = std::fs::read(env.path(&format!("burst-{round}-{i}.der")))
                .expect("read a burst answer");
            if body == TRY_LATER {
                later += 1;
            } else {
                // A successful response: SEQUENCE { ENUMERATED 0, … }.
                assert!(
                    body.len() > 100 && body[0] == 0x30,
                    "neither signed nor tryLater: {body:02x?}"
                );
                signed += 1;
            }
        }
        eprintln!("burst {round}: {signed} signed, {later} tryLater");
        assert!(signed > 0, "nothing signed in a burst");
        if later > 0 {
            seen_try_later = true;
            break;
        }
    }
    assert!(
        seen_try_later,
        "64 parallel live requests never met the limit of 1"
    );
    let out = server.wait_for(env, &an_args, &["an.pem: good"]);
    assert!(!out.contains(NO_NONCE), "{out}");
    server.wait_health("ok");
});

/// The unsigned `tryLater` response.
const TRY_LATER: [u8; 5] = [0x30, 0x03, 0x0a, 0x01, 0x03];

both_databases!(new_sub_ca_answered_without_restart, |env| {
    let (server, id) = env.serve_ocsp(&[]);
    // A sub-CA created while the responder runs, and a certificate from it.
    env.ok(&[
        "ca",
        "create-sub",
        "--parent",
        common::ROOT,
        "--id",
        "party-ca",
        "--name",
        "CA phục vụ các cơ quan Đảng",
        "--key",
        "p256",
    ]);
    let party = std::fs::read_to_string(env.export("party-ca")).expect("read party-ca.pem");
    let chain = std::fs::read_to_string(env.path("chain.pem")).expect("read chain.pem");
    env.write("chain.pem", format!("{chain}{party}"));
    let pem = env.ok(&[
        "cert",
        "issue",
        "--issuer",
        "party-ca",
        "--subscriber",
        &id,
        "--profile",
        "individual",
        "--csr",
        &env.csr_p256("chi").display().to_string(),
    ]);
    env.write("chi.pem", pem);
    let args = ["-issuer", "party-ca.pem", "-cert", "chi.pem"];
    let out = server.wait_for(env, &args, &["chi.pem: good"]);
    assert!(!out.contains("unauthorized"), "{out}");
    let serial = env.serial_of(&env.path("chi.pem"));
    env.ok(&[
        "cert",
        "revoke",
        "--serial",
        &serial,
        "--reason",
        "key-compromise",
    ]);
    server.wait_for(env, &args, &["chi.pem: revoked", "Reason: keyCompromise"]);
    // The issuers served before are still answered.
    let (_, an) = env.issue(&id, &env.csr_p256("an"), "an", &[]);
    assert!(!an.is_empty());
    server.wait_for(
        env,
        &["-issuer", "gov-ca.pem", "-cert", "an.pem"],
        &["an.pem: good"],
    );
});
