//! The OCSP responder of `govpki serve`, driven by the real `openssl ocsp`
//! client and by curl: statuses and their changes, unknown serials and
//! issuers, several CertIDs, SHA-256 CertIDs, GET with caching headers, and
//! bad input.

#[macro_use]
mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::*;

/// How long a status change may take to reach the responder (the tests
/// run it with a refresh interval of one second).
const PROPAGATION: Duration = Duration::from_secs(20);

/// The unsigned `malformedRequest` response.
const MALFORMED: [u8; 5] = [0x30, 0x03, 0x0a, 0x01, 0x01];

/// Starts the server (which creates the demo CA), exports the chain and
/// registers a subscriber; returns the server and the subscriber id.
fn start(env: &TestEnv) -> (Server, String) {
    env.serve_ocsp(&[])
}

/// `openssl ocsp -url … -CAfile chain.pem ARGS`: stdout and stderr.
fn ocsp(env: &TestEnv, server: &Server, args: &[&str]) -> String {
    server.ocsp(env, args)
}

/// Asks until the answer contains every one of `needles`.
fn wait_for(env: &TestEnv, server: &Server, args: &[&str], needles: &[&str]) -> String {
    server.wait_for(env, args, needles)
}

/// `curl -s -o OUT -D HEADERS -w %{http_code} ARGS` in the work directory:
/// (HTTP status, headers, body).
fn curl(env: &TestEnv, args: &[&str]) -> (u16, String, Vec<u8>) {
    // curl writes no file for an empty body: never read an older one.
    let _ = std::fs::remove_file(env.path("curl.body"));
    let out = Command::new("curl")
        .current_dir(env.work_dir())
        .args([
            "-s",
            "-o",
            "curl.body",
            "-D",
            "curl.headers",
            "-w",
            "%{http_code}",
        ])
        .args(args)
        .output()
        .expect("run curl");
    let code = String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .unwrap_or(0);
    let headers = std::fs::read_to_string(env.path("curl.headers")).unwrap_or_default();
    let body = std::fs::read(env.path("curl.body")).unwrap_or_default();
    (code, headers.to_lowercase(), body)
}

/// POSTs `file` as an OCSP request.
fn post_file(env: &TestEnv, server: &Server, file: &str, content_type: &str) -> (u16, Vec<u8>) {
    let data = format!("@{file}");
    let header = format!("Content-Type: {content_type}");
    let (code, _, body) = curl(
        env,
        &["-H", &header, "--data-binary", &data, &server.url("/ocsp")],
    );
    (code, body)
}

/// The number of responses the server holds (from `/healthz`).
fn cached_responses(env: &TestEnv, server: &Server) -> u64 {
    let (_, _, body) = curl(env, &[&server.url("/healthz")]);
    let json: serde_json::Value = serde_json::from_slice(&body).expect("healthz JSON");
    json["cached_responses"]
        .as_u64()
        .expect("cached_responses in healthz")
}

/// `/healthz` says ok.
fn assert_healthy(env: &TestEnv, server: &Server) {
    let (code, headers, body) = curl(env, &[&server.url("/healthz")]);
    assert_eq!(code, 200, "healthz: {headers}");
    let json: serde_json::Value = serde_json::from_slice(&body).expect("healthz JSON");
    assert_eq!(json["status"], "ok", "healthz: {json}");
}

both_databases!(statuses_through_openssl, |env| {
    let (server, id) = start(env);
    let before = cached_responses(env, &server);
    let (_, an) = env.issue(&id, &env.csr_p256("an"), "an", &[]);
    let (_, binh) = env.issue(&id, &env.csr_p256("binh"), "binh", &[]);
    // The refresher signs responses for new certificates before anyone asks.
    let start = Instant::now();
    while cached_responses(env, &server) < before + 2 {
        assert!(
            start.elapsed() < PROPAGATION,
            "no responses pre-signed for new certificates"
        );
        std::thread::sleep(Duration::from_millis(300));
    }
    let an_args = ["-issuer", "gov-ca.pem", "-cert", "an.pem"];
    wait_for(env, &server, &an_args, &["an.pem: good"]);

    // Several CertIDs in one request, and a SHA-256 CertID.
    let both = [
        "-issuer",
        "gov-ca.pem",
        "-cert",
        "an.pem",
        "-cert",
        "binh.pem",
    ];
    wait_for(env, &server, &both, &["an.pem: good", "binh.pem: good"]);
    let sha256 = ["-issuer", "gov-ca.pem", "-sha256", "-cert", "an.pem"];
    wait_for(env, &server, &sha256, &["an.pem: good"]);

    // Revoked with its reason, for both hash algorithms.
    env.ok(&[
        "cert",
        "revoke",
        "--serial",
        &an,
        "--reason",
        "key-compromise",
    ]);
    wait_for(
        env,
        &server,
        &an_args,
        &["an.pem: revoked", "Reason: keyCompromise"],
    );
    wait_for(
        env,
        &server,
        &sha256,
        &["an.pem: revoked", "Reason: keyCompromise"],
    );

    // Suspended is certificateHold; restored is good again.
    let binh_args = ["-issuer", "gov-ca.pem", "-cert", "binh.pem"];
    env.ok(&["cert", "suspend", "--serial", &binh]);
    wait_for(
        env,
        &server,
        &binh_args,
        &["binh.pem: revoked", "Reason: certificateHold"],
    );
    env.ok(&["cert", "restore", "--serial", &binh]);
    wait_for(env, &server, &binh_args, &["binh.pem: good"]);

    // A serial gov-ca never issued; an issuer we do not serve.
    let unknown = ["-issuer", "gov-ca.pem", "-serial", "0x1234"];
    wait_for(env, &server, &unknown, &["0x1234: unknown"]);
    env.openssl_ok(&[
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        "other.key",
        "-subj",
        "/CN=Other CA",
        "-days",
        "2",
        "-out",
        "other.pem",
    ]);
    let out = ocsp(env, &server, &["-issuer", "other.pem", "-serial", "0x1234"]);
    assert!(out.contains("unauthorized"), "unknown issuer: {out}");

    // -VAfile: a verifier that trusts the delegated responder certificate
    // itself (taken from a response), without the chain; a VAfile naming
    // another certificate fails verification.
    let text = wait_for(
        env,
        &server,
        &[&binh_args[..], &["-resp_text"]].concat(),
        &["binh.pem: good"],
    );
    let begin = text
        .find("-----BEGIN CERTIFICATE-----")
        .expect("responder certificate in -resp_text");
    let end = text[begin..]
        .find("-----END CERTIFICATE-----")
        .expect("end of certificate")
        + begin;
    env.write(
        "delegate.pem",
        format!("{}-----END CERTIFICATE-----\n", &text[begin..end]),
    );
    let subject = env.openssl_ok(&[
        "x509",
        "-in",
        "delegate.pem",
        "-noout",
        "-subject",
        "-ext",
        "extendedKeyUsage",
    ]);
    assert!(
        subject.contains("OCSP Signing"),
        "the responder certificate is not the delegate: {subject}"
    );
    let url = server.url("/ocsp");
    let va = |file: &str| {
        let out = env.openssl(&[
            "ocsp",
            "-url",
            &url,
            "-issuer",
            "gov-ca.pem",
            "-cert",
            "binh.pem",
            "-VAfile",
            file,
        ]);
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    };
    let out = va("delegate.pem");
    assert!(
        out.contains("Response verify OK") && out.contains("binh.pem: good"),
        "-VAfile delegate: {out}"
    );
    let out = va("other.pem");
    assert!(
        !out.contains("Response verify OK") && out.contains("Response Verify Failure"),
        "-VAfile other: {out}"
    );
    assert_healthy(env, &server);
});

both_databases!(get_with_caching_headers, |env| {
    let (server, id) = start(env);
    env.issue(&id, &env.csr_p256("an"), "an", &[]);
    wait_for(
        env,
        &server,
        &["-issuer", "gov-ca.pem", "-cert", "an.pem"],
        &["an.pem: good"],
    );
    env.openssl_ok(&[
        "ocsp",
        "-issuer",
        "gov-ca.pem",
        "-cert",
        "an.pem",
        "-no_nonce",
        "-reqout",
        "req.der",
    ]);
    let der = std::fs::read(env.path("req.der")).expect("read req.der");
    let standard = base64_encode(&der, false);
    let url_safe = base64_encode(&der, true);
    let percent = standard
        .replace('/', "%2F")
        .replace('+', "%2B")
        .replace('=', "%3D");
    for encoded in [&standard, &url_safe, &percent] {
        let (code, headers, body) = curl(env, &[&server.url(&format!("/ocsp/{encoded}"))]);
        assert_eq!(code, 200, "GET {encoded}: {headers}");
        assert!(
            headers.contains("content-type: application/ocsp-response"),
            "{headers}"
        );
        assert!(headers.contains("cache-control: max-age="), "{headers}");
        assert!(
            headers.contains("public, no-transform, must-revalidate"),
            "{headers}"
        );
        for h in ["last-modified:", "expires:", "etag:"] {
            assert!(headers.contains(h), "no {h} in {headers}");
        }
        env.write("resp.der", &body);
        let out = env.openssl(&[
            "ocsp",
            "-respin",
            "resp.der",
            "-issuer",
            "gov-ca.pem",
            "-cert",
            "an.pem",
            "-CAfile",
            "chain.pem",
        ]);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("an.pem: good"), "GET answer: {text}");
    }
    // A cache revalidating with the ETag gets 304 and no body; another
    // ETag gets the response.
    let url = server.url(&format!("/ocsp/{url_safe}"));
    let (_, headers, _) = curl(env, &[&url]);
    let etag = headers
        .lines()
        .find_map(|l| l.strip_prefix("etag:"))
        .map(str::trim)
        .expect("etag header")
        .to_owned();
    let if_none_match = format!("If-None-Match: {etag}");
    let (code, headers, body) = curl(env, &["-H", &if_none_match, &url]);
    assert_eq!(code, 304, "revalidation: {headers}");
    assert!(body.is_empty() && headers.contains("etag:"), "{headers}");
    let (code, _, body) = curl(env, &["-H", "If-None-Match: \"other\"", &url]);
    assert_eq!(code, 200);
    assert!(!body.is_empty());
    let (code, _, body) = curl(env, &[&server.url("/ocsp/%%%zz!!")]);
    assert_eq!(
        (code, body.as_slice()),
        (200, MALFORMED.as_slice()),
        "bad base64"
    );
    let (code, _, body) = curl(env, &[&server.url("/ocsp/AAAA")]);
    assert_eq!(
        (code, body.as_slice()),
        (200, MALFORMED.as_slice()),
        "not a request"
    );
    assert_healthy(env, &server);
});

both_databases!(bad_input_gets_errors_not_crashes, |env| {
    let (server, id) = start(env);
    env.issue(&id, &env.csr_p256("an"), "an", &[]);
    env.openssl_ok(&[
        "ocsp",
        "-issuer",
        "gov-ca.pem",
        "-cert",
        "an.pem",
        "-no_nonce",
        "-reqout",
        "req.der",
    ]);
    let der = std::fs::read(env.path("req.der")).expect("read req.der");
    env.write("truncated.der", &der[..der.len() - 7]);
    env.write("garbage.der", b"this is not DER at all");
    env.write("empty.der", b"");
    env.write("big.der", vec![0x30u8; 100 * 1024]);
    let ocsp_type = "application/ocsp-request";
    for file in ["truncated.der", "garbage.der", "empty.der"] {
        let (code, body) = post_file(env, &server, file, ocsp_type);
        assert_eq!(
            (code, body.as_slice()),
            (200, MALFORMED.as_slice()),
            "{file}"
        );
    }
    let (code, body) = post_file(env, &server, "big.der", ocsp_type);
    assert_eq!(
        code,
        413,
        "oversized body: {}",
        String::from_utf8_lossy(&body)
    );
    let (code, body) = post_file(env, &server, "req.der", "text/plain");
    assert_eq!(code, 415, "wrong content type");
    let json: serde_json::Value = serde_json::from_slice(&body).expect("415 JSON body");
    assert_eq!(json["error"], "unsupported_media_type", "{json}");
    assert_healthy(env, &server);
    wait_for(
        env,
        &server,
        &["-issuer", "gov-ca.pem", "-cert", "an.pem"],
        &["an.pem: good"],
    );
});

/// Base64 of `data`, standard or URL-safe alphabet, padded.
fn base64_encode(data: &[u8], url_safe: bool) -> String {
    let alphabet: &[u8; 64] = if url_safe {
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    } else {
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    };
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(alphabet[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}
