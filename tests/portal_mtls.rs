//! Sign-in to the RA portal with a client certificate issued by govpki
//! (mutual TLS), on SQLite and PostgreSQL. `govpki serve --portal-tls-cert`
//! serves the portal over HTTPS on its own port; curl presents the
//! certificates (a real TLS client: the handshake, not a header, carries
//! them). The certificate's status is read on every request: revoked or
//! suspended, it signs no one in at once; restored, it works again.

#[macro_use]
mod common;
mod portal;

use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use common::*;
use portal::*;

/// The HTTPS portal of a test: its port and the files curl needs.
struct Https {
    port: u16,
    /// The server certificate (self-signed for 127.0.0.1), as curl's CA.
    server_cert: String,
}

/// A client identity: certificate and key files (PEM).
#[derive(Clone, Copy)]
struct Identity<'a> {
    cert: &'a str,
    key: &'a str,
}

impl Https {
    fn url(&self, path: &str) -> String {
        format!("https://127.0.0.1:{}{path}", self.port)
    }

    fn tls_args<'a>(&'a self, who: Option<Identity<'a>>) -> Vec<&'a str> {
        let mut args = vec!["--cacert", self.server_cert.as_str()];
        if let Some(id) = who {
            args.extend_from_slice(&["--cert", id.cert, "--key", id.key]);
        }
        args
    }

    /// A JSON API call over HTTPS, presenting `who`'s certificate.
    fn api(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        who: Option<Identity<'_>>,
        body: Option<&Value>,
    ) -> Reply {
        let (headers, bytes) = json_request(token, body);
        let extra = self.tls_args(who);
        curl_url(
            &self.url(&format!("/api/v1{path}")),
            method,
            &headers,
            bytes.as_deref(),
            &extra,
        )
    }

    /// A page request with the cookie jar `jar` (urlencoded `fields` for
    /// a POST), presenting `who`'s certificate.
    fn page(
        &self,
        method: &str,
        path: &str,
        jar: &str,
        who: Option<Identity<'_>>,
        fields: &[(&str, &str)],
    ) -> Reply {
        let encoded: Vec<String> = fields.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let mut extra = self.tls_args(who);
        extra.extend_from_slice(&["-b", jar, "-c", jar]);
        for e in &encoded {
            extra.push("--data-urlencode");
            extra.push(e);
        }
        curl_url(&self.url(path), method, &[], None, &extra)
    }

    /// curl's exit status and HTTP code for a request presenting `who`
    /// (for handshakes that must fail: no HTTP code at all).
    fn handshake(&self, who: Identity<'_>) -> (Option<i32>, String) {
        let out = Command::new("curl")
            .args(["-s", "-m", "20", "-o", "/dev/null", "-w", "%{http_code}"])
            .args(self.tls_args(Some(who)))
            .arg(self.url("/api/v1/me"))
            .output()
            .expect("run curl");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).trim().to_owned(),
        )
    }

    /// Waits until the HTTPS portal answers.
    fn wait(&self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let out = Command::new("curl")
                .args(["-s", "-m", "5", "-o", "/dev/null", "-w", "%{http_code}"])
                .args(self.tls_args(None))
                .arg(self.url("/api/v1/openapi.json"))
                .output()
                .expect("run curl");
            if String::from_utf8_lossy(&out.stdout).trim() == "200" {
                return;
            }
            assert!(Instant::now() < deadline, "the HTTPS portal never answered");
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

/// A new P-256 key and a self-signed end-entity certificate for
/// `subject` (+ `ext`).
fn self_signed(env: &TestEnv, name: &str, subject: &str, ext: &str) -> (String, String) {
    let (cert, key) = (env.p(&format!("{name}.pem")), env.p(&format!("{name}.key")));
    env.openssl_ok(&[
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        &key,
        "-out",
        &cert,
        "-days",
        "2",
        "-subj",
        subject,
        "-addext",
        "basicConstraints=critical,CA:FALSE",
        "-addext",
        ext,
    ]);
    (cert, key)
}

/// The officer's certificate `name` issued by govpki (individual profile,
/// P-256 key made by openssl): (cert, key, serial).
fn issued(env: &TestEnv, subscriber: &str, name: &str) -> (String, String, String) {
    let csr = env.csr_p256(name);
    let (cert, serial) = env.issue(subscriber, &csr, name, &[]);
    (
        cert.display().to_string(),
        env.key_path(name).display().to_string(),
        serial,
    )
}

both_databases!(certificate_sign_in_follows_the_certificate_status, |env| {
    let out = env.init_and_export();
    let mut officer = account(&accounts(&out), "officer");
    let (server_cert, server_key) = self_signed(
        env,
        "portal-tls",
        "/CN=127.0.0.1",
        "subjectAltName=IP:127.0.0.1",
    );
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let plain = env.serve(&[
        "--portal-tls-cert",
        &server_cert,
        "--portal-tls-key",
        &server_key,
        "--portal-listen",
        &listen,
    ]);
    let https = Https { port, server_cert };
    https.wait();
    // The portal left the plain listener; OCSP, CRLs and health stay there.
    assert_eq!(plain.get_text("/api/v1/openapi.json").0, 404);
    assert_eq!(plain.get_text("/healthz").0, 200);

    // Two certificates of the officer (as a subscriber), one foreign one.
    let person = env.add_person("Lê Thị Hồng", "CCCD:092190004321");
    let (cert_a, key_a, serial_a) = issued(env, &person, "officer-a");
    let (cert_b, key_b, serial_b) = issued(env, &person, "officer-b");
    let a = Identity {
        cert: &cert_a,
        key: &key_a,
    };
    let b = Identity {
        cert: &cert_b,
        key: &key_b,
    };
    let (foreign_cert, foreign_key) = self_signed(
        env,
        "foreign",
        "/CN=Nguyen Van Gia Mao",
        "extendedKeyUsage=clientAuth",
    );
    let foreign = Identity {
        cert: &foreign_cert,
        key: &foreign_key,
    };

    // A certificate that does not chain to govpki ends the TLS handshake.
    let (exit, code) = https.handshake(foreign);
    assert!(
        exit != Some(0) && code == "000",
        "a foreign certificate is refused in the handshake: exit {exit:?}, HTTP {code}"
    );

    // Without a certificate, or with one bound to no account: refused.
    https
        .api("POST", "/session/certificate", None, None, None)
        .expect_error(401, "certificate_required");
    https
        .api("POST", "/session/certificate", None, Some(a), None)
        .expect_error(401, "certificate_not_bound");
    let jar = env.p("mtls.cookies");
    let sign_in_page = https.page("GET", "/", &jar, None, &[]);
    assert!(!sign_in_page.body.contains("/login/certificate"));
    let sign_in_page = https.page("GET", "/", &jar, Some(a), &[]);
    assert!(
        sign_in_page.body.contains(r#"action="/login/certificate""#)
            && sign_in_page.body.contains("Lê Thị Hồng"),
        "the sign-in page offers the presented certificate: {}",
        sign_in_page.body
    );

    // The officer signs in with the password (over HTTPS, no certificate),
    // changes the one-time password, and binds certificate A by
    // presenting it.
    let reply = https.api(
        "POST",
        "/session",
        None,
        None,
        Some(&json!({ "username": officer.username, "password": officer.password })),
    );
    let password_token = reply.ok()["token"].as_str().expect("token").to_owned();
    https
        .api(
            "POST",
            "/password",
            Some(&password_token),
            None,
            Some(&json!({ "old": officer.password, "new": NEW_PASSWORD })),
        )
        .ok();
    officer.password = NEW_PASSWORD.to_owned();
    https
        .api(
            "POST",
            "/account/certificates",
            Some(&password_token),
            None,
            None,
        )
        .expect_error(401, "certificate_required");
    let before = env.snapshot();
    let reply = https.api(
        "POST",
        "/account/certificates",
        Some(&password_token),
        Some(foreign),
        None,
    );
    assert_eq!(reply.status, 0, "no HTTP answer to a foreign certificate");
    assert_eq!(env.snapshot(), before, "nothing changed");
    assert_eq!(env.count("user_certificates"), 0);
    let bound = https
        .api(
            "POST",
            "/account/certificates",
            Some(&password_token),
            Some(a),
            None,
        )
        .ok();
    assert_eq!(bound["serial"], json!(serial_a));
    assert_eq!(bound["status"], json!("good"));
    let id_a = bound["certificate_id"].as_i64().expect("an id");
    https
        .api(
            "POST",
            "/account/certificates",
            Some(&password_token),
            Some(a),
            None,
        )
        .expect_error(409, "certificate_bound");

    // Certificate A now signs in: a token that works only with A.
    let v = https
        .api("POST", "/session/certificate", None, Some(a), None)
        .ok();
    assert_eq!(v["user"]["username"], json!("officer"));
    let cert_token = v["token"].as_str().expect("token").to_owned();
    let me = https
        .api("GET", "/me", Some(&cert_token), Some(a), None)
        .ok();
    assert_eq!(me["username"], json!("officer"));
    https
        .api("GET", "/me", Some(&cert_token), None, None)
        .expect_error(401, "certificate_required");
    https
        .api("GET", "/me", Some(&cert_token), Some(b), None)
        .expect_error(401, "certificate_mismatch");

    // And the pages: sign in with the certificate, reach the dashboard.
    let csrf = csrf_of(&sign_in_page.body);
    let r = https.page(
        "POST",
        "/login/certificate",
        &jar,
        Some(a),
        &[("csrf", &csrf)],
    );
    assert_eq!(
        (r.status, r.location().as_deref()),
        (303, Some("/dashboard")),
        "{}",
        r.body
    );
    // Over HTTPS the session cookie is Secure, 8 hours by Max-Age.
    let cookie = r
        .headers
        .lines()
        .find(|l| l.starts_with("set-cookie: govpki_session="))
        .unwrap_or_else(|| panic!("a session cookie: {}", r.headers));
    assert!(
        cookie.contains("; secure") && cookie.contains("max-age=28800"),
        "{cookie}"
    );
    let dashboard = https.page("GET", "/dashboard", &jar, Some(a), &[]);
    assert_eq!(dashboard.status, 200);
    assert!(dashboard.body.contains("officer"));
    let account_page = https.page("GET", "/account", &jar, Some(a), &[]);
    assert!(
        account_page.body.contains(&serial_a),
        "{}",
        account_page.body
    );

    // Revoked: out at once, on the API and the pages; the password
    // sign-in (no certificate) is a separate credential.
    env.ok(&[
        "cert",
        "revoke",
        "--serial",
        &serial_a,
        "--reason",
        "key-compromise",
    ]);
    https
        .api("GET", "/me", Some(&cert_token), Some(a), None)
        .expect_error(401, "certificate_unusable");
    https
        .api("POST", "/session/certificate", None, Some(a), None)
        .expect_error(401, "certificate_unusable");
    let r = https.page("GET", "/dashboard", &jar, Some(a), &[]);
    assert_eq!(
        (r.status, r.location().as_deref()),
        (303, Some("/?session=certificate")),
        "{}",
        r.body
    );
    let listed = https
        .api(
            "GET",
            "/account/certificates",
            Some(&password_token),
            None,
            None,
        )
        .ok();
    assert_eq!(listed["certificates"][0]["status"], json!("revoked"));

    // Certificate B: bound from a page of the password session, then
    // suspended (out), restored (in again), unbound (out for good).
    let jar_b = env.p("mtls-b.cookies");
    let form = https.page("GET", "/", &jar_b, Some(b), &[]);
    let fields = [
        ("csrf", csrf_of(&form.body)),
        ("username", officer.username.clone()),
        ("password", officer.password),
    ];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = https.page("POST", "/login", &jar_b, Some(b), &fields);
    assert_eq!(r.location().as_deref(), Some("/dashboard"), "{}", r.body);
    let page = https.page("GET", "/account", &jar_b, Some(b), &[]);
    assert!(page.body.contains(r#"id="presented-subject""#));
    let r = https.page(
        "POST",
        "/account/certificates",
        &jar_b,
        Some(b),
        &[("csrf", &csrf_of(&page.body))],
    );
    assert_eq!(r.location().as_deref(), Some("/account"), "{}", r.body);
    let v = https
        .api("POST", "/session/certificate", None, Some(b), None)
        .ok();
    let token_b = v["token"].as_str().expect("token").to_owned();
    env.ok(&["cert", "suspend", "--serial", &serial_b]);
    https
        .api("GET", "/me", Some(&token_b), Some(b), None)
        .expect_error(401, "certificate_unusable");
    env.ok(&["cert", "restore", "--serial", &serial_b]);
    https.api("GET", "/me", Some(&token_b), Some(b), None).ok();
    let listed = https
        .api(
            "GET",
            "/account/certificates",
            Some(&token_b),
            Some(b),
            None,
        )
        .ok();
    let id_b = listed["certificates"]
        .as_array()
        .expect("a list")
        .iter()
        .find(|c| c["serial"] == json!(serial_b))
        .and_then(|c| c["certificate_id"].as_i64())
        .expect("B is listed");
    assert_ne!(id_a, id_b);
    let unbind_b = || {
        https.api(
            "DELETE",
            &format!("/account/certificates/{id_b}"),
            Some(&password_token),
            None,
            None,
        )
    };
    unbind_b().ok();
    https
        .api("GET", "/me", Some(&token_b), Some(b), None)
        .expect_error(401, "unauthenticated");
    https
        .api("POST", "/session/certificate", None, Some(b), None)
        .expect_error(401, "certificate_not_bound");
    unbind_b().expect_error(404, "not_found");

    // Every binding and unbinding is in the audit chain, which holds.
    let events = |action: &str| {
        env.query_i64(&format!(
            "SELECT COUNT(*) AS n FROM audit_events WHERE action = '{action}'"
        ))
    };
    assert_eq!(events("user.certificate_bound"), 2);
    assert_eq!(events("user.certificate_unbound"), 1);
    assert_audit_ok(env);
});

both_databases!(unreadable_tls_files_stop_the_start, |env| {
    env.init_and_export();
    let missing = env.p("no-such-key.pem");
    let (cert, _) = self_signed(env, "tls", "/CN=127.0.0.1", "subjectAltName=IP:127.0.0.1");
    let out = env.run(&[
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--portal-tls-cert",
        &cert,
        "--portal-tls-key",
        &missing,
    ]);
    let line = expect_one_line_failure("serve with a missing TLS key", &out);
    assert!(line.contains("no-such-key.pem"), "{line}");
    // One of the pair alone is refused by the argument parser.
    let out = env.run(&["serve", "--portal-tls-cert", &cert]);
    assert!(!out.status.success());
});
