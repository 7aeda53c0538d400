//! The live revocation status on a certificate's page and in its JSON:
//! the OCSP answer the responder serves now (its stored pre-signed
//! response) and the CRL in which a revocation first appears. A
//! certificate is issued and revoked through requests with the OCSP
//! responder and the CRL publisher running on a one-second schedule; the
//! portal's answer is compared with `openssl ocsp` against the server and
//! with `openssl crl -text` of the CRL it names by number, and no earlier
//! CRL of the issuer lists the serial.

#[macro_use]
mod common;
mod portal;

use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDateTime};
use common::*;
use portal::*;
use serde_json::{json, Value};

/// Responder refresh and CRL schedule: look every second, revocations in
/// the CRLs within 2 s.
const FAST: [&str; 6] = [
    "--ocsp-refresh-secs",
    "1",
    "--crl-tick-secs",
    "1",
    "--crl-change-bound-secs",
    "2",
];

/// How long a status change may take to reach the responder and the CRLs
/// (the one-second schedule plus slack for a loaded machine).
const PROPAGATION: Duration = Duration::from_secs(40);

/// The certificate's JSON, polled until `ready` holds (within
/// [`PROPAGATION`]).
fn wait_details(
    server: &Server,
    token: &str,
    serial: &str,
    ready: impl Fn(&Value) -> bool,
) -> Value {
    let start = Instant::now();
    loop {
        let v = api(
            server,
            "GET",
            &format!("/api/v1/certificates/{serial}"),
            Some(token),
            None,
        )
        .ok();
        if ready(&v) {
            return v;
        }
        assert!(
            start.elapsed() < PROPAGATION,
            "the certificate never reached the expected state; last answer: {v}"
        );
        std::thread::sleep(Duration::from_millis(300));
    }
}

/// Unix seconds of an RFC 3339 time in the JSON.
fn rfc3339(v: &Value) -> i64 {
    let s = v.as_str().unwrap_or_else(|| panic!("a time, got {v}"));
    DateTime::parse_from_rfc3339(s)
        .unwrap_or_else(|e| panic!("{s:?} is not RFC 3339: {e}"))
        .timestamp()
}

/// Unix seconds of the time openssl prints after `label` (`Nov  5
/// 23:10:00 2026 GMT`).
fn openssl_time(text: &str, label: &str) -> i64 {
    let line = text
        .lines()
        .find_map(|l| l.trim().strip_prefix(label))
        .unwrap_or_else(|| panic!("no {label:?} in {text}"));
    let words: Vec<&str> = line.split_whitespace().collect();
    let joined = words.join(" ");
    NaiveDateTime::parse_from_str(&joined, "%b %d %H:%M:%S %Y GMT")
        .unwrap_or_else(|e| panic!("{joined:?}: {e}"))
        .and_utc()
        .timestamp()
}

/// The CRL Number in `openssl crl -text` output.
fn crl_number(text: &str) -> i64 {
    text.split("X509v3 CRL Number:")
        .nth(1)
        .and_then(|after| after.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no CRL Number in {text}"))
}

/// Whether `openssl crl -text` output lists the (lowercase hex) serial.
fn crl_lists(text: &str, serial: &str) -> bool {
    text.lines()
        .filter_map(|l| l.trim().strip_prefix("Serial Number:"))
        .any(|s| normalize_hex(s.trim()).trim_start_matches('0') == serial.trim_start_matches('0'))
}

both_databases!(ocsp_and_crl_status_of_a_revoked_certificate, |env| {
    let out = env.init_and_export();
    let all = accounts(&out);
    let server = env.serve(&FAST);
    let root = std::fs::read_to_string(env.path("root.pem")).expect("root.pem");
    let gov = std::fs::read_to_string(env.path("gov-ca.pem")).expect("gov-ca.pem");
    env.write("chain.pem", format!("{gov}{root}"));
    let mut officer = account(&all, "officer");
    let mut approver = account(&all, "approver");
    let ot = sign_in(&server, &mut officer);
    let at = sign_in(&server, &mut approver);
    let sub = add_subscriber(
        &server,
        &ot,
        "Phạm Minh Châu",
        "CCCD:001089031744",
        "Cần Thơ",
    );
    add_token(&server, &ot, "TK-STATUS-1", sub);
    let csr = std::fs::read_to_string(env.csr_p256("status")).expect("csr");
    let id = submit_ok(
        &server,
        &ot,
        &json!({ "kind": "issue", "subscriber_id": sub, "csr": csr, "token": "TK-STATUS-1" }),
    );
    let serial = result_serial(&server, &ot, &approve_ok(&server, &at, id));
    download_and_verify(env, &server, &ot, &serial, "leaf");
    let ocsp_args = ["-issuer", "gov-ca.pem", "-cert", "leaf.pem"];

    // Good: the stored response says so, as openssl hears it; no CRL.
    let v = wait_details(&server, &ot, &serial, |v| {
        v["ocsp"]["available"] == json!(true)
    });
    assert_eq!(v["ocsp"]["status"], "good", "{v}");
    assert!(v["ocsp"]["revoked_at"].is_null(), "{v}");
    assert!(v["crl"].is_null(), "no CRL for a good certificate: {v}");
    assert!(rfc3339(&v["ocsp"]["this_update"]) < rfc3339(&v["ocsp"]["next_update"]));
    server.wait_for(env, &ocsp_args, &["leaf.pem: good"]);
    let web = Browser::new(env, &server, "officer");
    web.sign_in(&mut officer);
    let page = web.page(&format!("/certificates/{serial}"));
    for text in [
        "Trạng thái trực tuyến (OCSP)",
        r#"<dd id="ocsp-status">Hợp lệ (good)</dd>"#,
    ] {
        assert!(page.contains(text), "the page shows {text:?}:\n{page}");
    }
    assert!(!page.contains("crl-first"), "no CRL for a good certificate");

    // Revoked through a request: wait for the responder and a CRL.
    let id = submit_ok(
        &server,
        &ot,
        &json!({ "kind": "revoke", "serial": serial, "reason": "keyCompromise" }),
    );
    approve_ok(&server, &at, id);
    let v = wait_details(&server, &ot, &serial, |v| {
        v["ocsp"]["status"] == "revoked" && v["crl"]["listed"] == json!(true)
    });
    assert_eq!(v["status"], "revoked", "{v}");
    assert_eq!(v["ocsp"]["reason"], "key-compromise", "{v}");

    // The same answer from the responder over HTTP, by openssl.
    let heard = server.wait_for(
        env,
        &ocsp_args,
        &["leaf.pem: revoked", "Reason: keyCompromise"],
    );
    assert_eq!(
        openssl_time(&heard, "Revocation Time:"),
        rfc3339(&v["ocsp"]["revoked_at"]),
        "the revocation time: {heard}\n{v}"
    );
    assert_eq!(
        rfc3339(&v["ocsp"]["revoked_at"]),
        rfc3339(&v["revoked_at"]),
        "OCSP states the recorded revocation time: {v}"
    );

    // The CRL named by number lists it, with the thisUpdate shown.
    let crl = &v["crl"];
    let number = crl["number"].as_i64().expect("a CRL number");
    let url = crl["url"].as_str().expect("a CRL URL");
    assert_eq!(url, format!("/crl/gov-ca/number/{number}.crl"));
    let text = crl_text(env, &server, url, "first.crl");
    assert_eq!(crl_number(&text), number, "{text}");
    assert!(
        crl_lists(&text, &serial),
        "CRL {number} lists {serial}:\n{text}"
    );
    assert!(text.contains("Key Compromise"), "{text}");
    assert_eq!(
        openssl_time(&text, "Last Update:"),
        rfc3339(&crl["this_update"]),
        "{text}\n{crl}"
    );
    assert_eq!(
        crl["delta"] == json!(true),
        text.contains("X509v3 Delta CRL Indicator"),
        "full or delta as said: {crl}\n{text}"
    );
    // No earlier CRL of the issuer lists it: this is where it first appears.
    for earlier in 1..number {
        let path = format!("/crl/gov-ca/number/{earlier}.crl");
        let (code, _) = server.download(env, &path, "earlier.crl", &[]);
        if code == 404 {
            continue;
        }
        let text = crl_text(env, &server, &path, "earlier.crl");
        assert!(
            !crl_lists(&text, &serial),
            "CRL {earlier} already listed {serial}, before {number}:\n{text}"
        );
    }

    // The page says the same, in Vietnamese, with the link to that CRL.
    let page = web.page(&format!("/certificates/{serial}"));
    for text in [
        r#"<dd id="ocsp-status">Đã thu hồi (revoked)</dd>"#,
        r#"<dd id="ocsp-reason">Lộ khóa bí mật</dd>"#,
        "Danh sách chứng thư bị thu hồi (CRL)",
        &format!(r#"href="/crl/gov-ca/number/{number}.crl""#),
        &format!("số {number}</a>"),
    ] {
        assert!(page.contains(text), "the page shows {text:?}:\n{page}");
    }
});
