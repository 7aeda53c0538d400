//! RA portal accounts and sign-in: `govpki user add` and `init --demo`,
//! the API's sign-in (wrong password, TOTP, throttling, password change,
//! sign-out), 401 on every API path without a token, the OpenAPI document
//! true to the routes, and the web sign-in (CSRF, session cookie, expiry).

#[macro_use]
mod common;
mod portal;

use common::*;
use portal::*;
use serde_json::{json, Value};

both_databases!(user_add_and_api_sign_in, |env| {
    env.init_and_export();
    let users_before = env.count("users");
    assert_eq!(
        users_before, 4,
        "init --demo creates four demo accounts (with the auditor)"
    );

    // Bad input: one line, non-zero exit, nothing changed.
    for (args, words) in [
        (
            vec!["--username", "x1y", "--role", "king"],
            &["role", "king"][..],
        ),
        (
            vec!["--username", "cb.hanoi", "--role", "ra_officer"],
            &["province"][..],
        ),
        (
            vec![
                "--username",
                "root2",
                "--role",
                "admin",
                "--province",
                "Hà Nội",
            ],
            &["province"][..],
        ),
        (
            vec![
                "--username",
                "cb.x",
                "--role",
                "ra_officer",
                "--province",
                "Atlantis",
            ],
            &["atlantis", "province"][..],
        ),
        (
            vec!["--username", "Bad Name", "--role", "auditor"],
            &["username"][..],
        ),
        (
            vec!["--username", "officer", "--role", "auditor"],
            &["officer", "taken"][..],
        ),
    ] {
        let mut full = vec!["user", "add"];
        full.extend_from_slice(&args);
        let line = env.fail_unchanged(&full);
        assert_mentions(&line, words);
        assert_eq!(env.count("users"), users_before, "{args:?} created nothing");
    }

    // A former province name is mapped; the department is data.
    let mut hn = user_add(
        env,
        &[
            "--username",
            "cb.hanoi",
            "--role",
            "ra_officer",
            "--province",
            "Hà Nội",
            "--department",
            "Sở Khoa học và Công nghệ",
        ],
    );
    assert!(hn.totp.is_none(), "an officer has no TOTP secret");
    let mut ap = user_add(
        env,
        &[
            "--username",
            "ld.hanoi",
            "--role",
            "ra_approver",
            "--province",
            "Hà Nội",
        ],
    );
    assert!(ap.totp.is_some(), "an approver gets a TOTP secret");
    let stored: Vec<String> = env.query_strings("SELECT password_hash AS s FROM users");
    assert!(
        stored.iter().all(|h| h.starts_with("$argon2id$")),
        "{stored:?}"
    );
    assert!(
        !stored.iter().any(|h| h.contains(&hn.password)),
        "only hashes are stored"
    );

    let server = env.serve(&[]);

    // Wrong password, then the one-time password: a token that must first
    // change the password.
    sign_in_raw(&server, "cb.hanoi", "wrong password!", None)
        .expect_error(401, "invalid_credentials");
    sign_in_raw(&server, "nobody", "whatever", None).expect_error(401, "invalid_credentials");
    let first = sign_in_raw(&server, &hn.username, &hn.password, None).ok();
    assert_eq!(first["must_change_password"], true);
    assert_eq!(first["user"]["role"], "ra_officer");
    assert_eq!(first["user"]["province"], "Hà Nội");
    assert!(first.get("password_hash").is_none() && first["user"].get("totp_secret").is_none());
    let t = first["token"].as_str().expect("token").to_owned();
    api(&server, "GET", "/api/v1/units", Some(&t), None)
        .expect_error(403, "password_change_required");
    let short = json!({ "old": hn.password, "new": "short" });
    api(&server, "POST", "/api/v1/password", Some(&t), Some(&short))
        .expect_error(422, "weak_password");
    let wrong_old = json!({ "old": "not the password", "new": NEW_PASSWORD });
    api(
        &server,
        "POST",
        "/api/v1/password",
        Some(&t),
        Some(&wrong_old),
    )
    .expect_error(422, "wrong_password");
    let change = json!({ "old": hn.password, "new": NEW_PASSWORD });
    assert_eq!(
        api(&server, "POST", "/api/v1/password", Some(&t), Some(&change)).status,
        204
    );
    hn.password = NEW_PASSWORD.to_owned();
    let me = api(&server, "GET", "/api/v1/me", Some(&t), None).ok();
    assert_eq!(me["must_change_password"], false);
    api(&server, "GET", "/api/v1/units", Some(&t), None).ok();

    // The approver needs the TOTP code; without it, or with a wrong one,
    // the answer is the one of a wrong password.
    sign_in_raw(&server, &ap.username, &ap.password, None).expect_error(401, "invalid_credentials");
    sign_in_raw(&server, &ap.username, &ap.password, Some("000000"))
        .expect_error(401, "invalid_credentials");
    let code = ap.code();
    let ok = sign_in_raw(&server, &ap.username, &ap.password, code.as_deref()).ok();
    assert!(ok["token"].as_str().is_some());
    let _ = sign_in(&server, &mut ap);

    // Five failures make the account wait (the right password too), never
    // lock it: tests/portal_signin.rs has the details. Nothing is audited
    // but the unlock.
    for _ in 0..5 {
        sign_in_raw(&server, &hn.username, "wrong password!", None)
            .expect_error(401, "invalid_credentials");
    }
    sign_in_raw(&server, &hn.username, &hn.password, None).expect_error(429, "sign_in_throttled");
    // The token made before still works; sign-out revokes it.
    api(&server, "GET", "/api/v1/me", Some(&t), None).ok();
    assert_eq!(
        api(&server, "DELETE", "/api/v1/session", Some(&t), None).status,
        204
    );
    api(&server, "GET", "/api/v1/me", Some(&t), None).expect_error(401, "unauthenticated");
    // Unlocked by an administrator, the password works at once.
    env.ok(&["user", "unlock", "cb.hanoi"]);
    let t = sign_in(&server, &mut hn);
    api(&server, "GET", "/api/v1/me", Some(&t), None).ok();
    // An expired bearer token is refused, saying so.
    env.sql("UPDATE api_tokens SET expires_at = '2000-01-01 00:00:00'");
    api(&server, "GET", "/api/v1/me", Some(&t), None).expect_error(401, "session_expired");
    // A disabled account is out at once, token or not.
    let t = sign_in(&server, &mut hn);
    env.sql("UPDATE users SET disabled = TRUE WHERE username = 'cb.hanoi'");
    api(&server, "GET", "/api/v1/me", Some(&t), None).expect_error(401, "unauthenticated");
    sign_in_raw(&server, &hn.username, &hn.password, None).expect_error(401, "invalid_credentials");
    assert_audit_ok(env);
});

/// The paths of the OpenAPI document with their methods.
fn documented(doc: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("a path item").keys() {
            out.push((method.to_uppercase(), path.clone()));
        }
    }
    out
}

both_databases!(every_api_path_needs_a_token, |env| {
    let (server, signed) = start(env);
    let doc = api(&server, "GET", "/api/v1/openapi.json", None, None).ok();
    assert!(doc["openapi"]
        .as_str()
        .unwrap_or_default()
        .starts_with("3."));
    let paths = documented(&doc);
    assert!(paths.len() >= 20, "{paths:?}");
    for p in [
        "/session",
        "/units",
        "/subscribers",
        "/tokens",
        "/requests",
        "/certificates",
    ] {
        assert!(paths.iter().any(|(_, q)| q == p), "{p} documented");
    }
    for (method, path) in &paths {
        let url = format!(
            "/api/v1{}",
            path.replace("{id}", "1")
                .replace("{serial}", "01")
                .replace("{username}", "auditor")
        );
        let reply = api(&server, method, &url, None, Some(&json!({})));
        if (method.as_str(), path.as_str()) == ("POST", "/session") || path == "/openapi.json" {
            assert_ne!(reply.status, 401, "{method} {path} is open");
            continue;
        }
        if path == "/session/certificate" {
            // Open, but plain HTTP carries no client certificate.
            reply.expect_error(401, "certificate_required");
            continue;
        }
        reply.expect_error(401, "unauthenticated");
    }
    // Unknown paths too, any method, and a forged token.
    for (method, path) in [
        ("GET", "/api/v1/nothing-here"),
        ("POST", "/api/v1/requests/1/explode"),
        ("DELETE", "/api/v1/units"),
        ("PUT", "/api/v1"),
        ("GET", "/api/v1/requests/not-a-number"),
    ] {
        api(&server, method, path, None, None).expect_error(401, "unauthenticated");
    }
    api(&server, "GET", "/api/v1/units", Some("forged-token"), None)
        .expect_error(401, "unauthenticated");

    // With a token, every documented path is served (never the 404 of a
    // missing route), with real ids.
    let admin = &signed[0].1;
    let officer = &signed[1].1;
    let sub = add_subscriber(
        &server,
        officer,
        "Trần Thị Bình",
        "CCCD:001089031734",
        "Cần Thơ",
    );
    let csr = std::fs::read_to_string(env.csr_p256("b")).expect("csr");
    let req = submit_ok(
        &server,
        officer,
        &json!({ "kind": "issue", "subscriber_id": sub, "csr": csr }),
    );
    let done = approve_ok(&server, &signed[2].1, req);
    let serial = result_serial(&server, admin, &done);
    let other = submit_ok(
        &server,
        officer,
        &json!({ "kind": "suspend", "serial": serial }),
    );
    for (method, path) in &paths {
        if path == "/session" && method == "DELETE" {
            continue;
        }
        let id = if path.contains("approve") || path.contains("reject") {
            other
        } else {
            req
        };
        let id = if path == "/subscribers/{id}" { sub } else { id };
        let url = format!(
            "/api/v1{}",
            path.replace("{id}", &id.to_string())
                .replace("{serial}", &serial)
                .replace("{username}", "auditor")
        );
        // The officer cannot decide: a 403, which proves the route.
        let token = if path.contains("approve") || path.contains("reject") {
            officer
        } else {
            admin
        };
        let reply = api(&server, method, &url, Some(token), Some(&json!({})));
        if path.starts_with("/batches/{id}") || path == "/bulk/{id}/certificates.zip" {
            // There is no batch nor unit change: the route's own refusal
            // (404 not_found, or 422 for a rejection without a comment),
            // never unknown_path.
            assert!(
                reply.status < 500 && !reply.body.contains("unknown_path"),
                "{method} {url}: {} {}",
                reply.status,
                reply.body
            );
            continue;
        }
        if path.starts_with("/tokens/{serial}") || path.starts_with("/emergencies/{id}") {
            // No token has a certificate's serial, and there is no
            // emergency action: the route's own 404.
            reply.expect_error(404, "not_found");
            continue;
        }
        if path == "/account/certificates/{id}" {
            // Nothing is bound in this test: the route's own 404.
            reply.expect_error(404, "not_found");
            continue;
        }
        assert_ne!(reply.status, 404, "{method} {url}: {}", reply.body);
        assert!(reply.status < 500, "{method} {url}: {}", reply.body);
    }
    api(&server, "GET", "/api/v1/nothing-here", Some(admin), None)
        .expect_error(404, "unknown_path");
    api(&server, "GET", "/api/v1/requests/999999", Some(admin), None)
        .expect_error(404, "not_found");
});

/// The hidden CSRF value of a form page.
fn csrf_of(page: &str) -> String {
    let marker = r#"name="csrf" value=""#;
    let start = page
        .find(marker)
        .map(|i| i + marker.len())
        .expect("a csrf field");
    page[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// A form POST with the cookie jar `jar`.
fn form(server: &Server, jar: &str, path: &str, fields: &[(&str, &str)]) -> Reply {
    let mut extra = vec!["-b", jar, "-c", jar];
    let encoded: Vec<String> = fields.iter().map(|(k, v)| format!("{k}={v}")).collect();
    for e in &encoded {
        extra.push("--data-urlencode");
        extra.push(e);
    }
    curl(server, "POST", path, &[], None, &extra)
}

fn page(server: &Server, jar: &str, path: &str) -> Reply {
    curl(server, "GET", path, &[], None, &["-b", jar, "-c", jar])
}

both_databases!(web_sign_in_csrf_and_expiry, |env| {
    let out = env.init_and_export();
    let officer = account(&accounts(&out), "officer");
    let server = env.serve(&[]);
    let jar = env.p("cookies.txt");

    let css = page(&server, &jar, "/static/style.css");
    assert_eq!(css.status, 200);
    assert!(
        css.headers.contains("content-type: text/css"),
        "{}",
        css.headers
    );

    let login = page(&server, &jar, "/");
    assert_eq!(login.status, 200);
    for text in [
        "Đăng nhập",
        "Tên đăng nhập",
        "Mật khẩu",
        "Mã xác thực (TOTP)",
        r#"lang="vi""#,
    ] {
        assert!(login.body.contains(text), "the sign-in page shows {text:?}");
    }
    let csrf = csrf_of(&login.body);
    assert!(csrf.len() >= 43);

    // A form without its CSRF value (or with a forged one) is refused.
    let sessions = env.count("sessions");
    for fields in [
        vec![
            ("username", "officer"),
            ("password", officer.password.as_str()),
        ],
        vec![
            ("csrf", "forged"),
            ("username", "officer"),
            ("password", officer.password.as_str()),
        ],
    ] {
        let r = form(&server, &jar, "/login", &fields);
        assert_eq!(r.status, 403, "{}", r.body);
        assert!(r.body.contains("tải lại trang"), "{}", r.body);
        assert_eq!(env.count("sessions"), sessions, "no session made");
    }
    // A wrong password: one message for the whole form (which of the
    // credentials was wrong is never said).
    let csrf = csrf_of(&page(&server, &jar, "/").body);
    let r = form(
        &server,
        &jar,
        "/login",
        &[
            ("csrf", &csrf),
            ("username", "officer"),
            ("password", "sai mật khẩu"),
        ],
    );
    assert_eq!(r.status, 401);
    assert!(
        r.body.contains(r#"class="form-error" role="alert">Tên đăng nhập, mật khẩu hoặc mã xác thực (TOTP) không đúng."#)
            && !r.body.contains(r#"id="password-error""#),
        "{}",
        r.body
    );

    // The one-time password: redirected to the password change.
    let csrf = csrf_of(&r.body);
    let r = form(
        &server,
        &jar,
        "/login",
        &[
            ("csrf", &csrf),
            ("username", "officer"),
            ("password", &officer.password),
        ],
    );
    assert_eq!(
        (r.status, r.location().as_deref()),
        (303, Some("/password")),
        "{}",
        r.body
    );
    assert!(
        r.headers.contains("set-cookie: govpki_session="),
        "{}",
        r.headers
    );
    assert!(
        r.headers.contains("max-age=") && r.headers.contains("httponly"),
        "{}",
        r.headers
    );
    assert_eq!(env.count("sessions"), sessions + 1);
    let dash = page(&server, &jar, "/dashboard");
    assert_eq!(dash.location().as_deref(), Some("/password"));
    let pw = page(&server, &jar, "/password");
    let session_csrf = csrf_of(&pw.body);
    let r = form(
        &server,
        &jar,
        "/password",
        &[
            ("old", &officer.password),
            ("new", NEW_PASSWORD),
            ("confirm", NEW_PASSWORD),
        ],
    );
    assert_eq!(r.status, 403, "a password change without CSRF is refused");
    let r = form(
        &server,
        &jar,
        "/password",
        &[
            ("csrf", &session_csrf),
            ("old", &officer.password),
            ("new", "ngắn"),
            ("confirm", "ngắn"),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains(r#"id="new-error""#), "{}", r.body);
    let r = form(
        &server,
        &jar,
        "/password",
        &[
            ("csrf", &session_csrf),
            ("old", &officer.password),
            ("new", NEW_PASSWORD),
            ("confirm", NEW_PASSWORD),
        ],
    );
    assert_eq!(
        (r.status, r.location().as_deref()),
        (303, Some("/dashboard")),
        "{}",
        r.body
    );

    let dash = page(&server, &jar, "/dashboard");
    assert_eq!(dash.status, 200, "{}", dash.body);
    for text in [
        "officer",
        "Cần Thơ",
        "Sở Khoa học và Công nghệ",
        "Cán bộ đăng ký",
        r#"<dd id="pending">0</dd>"#,
    ] {
        assert!(
            dash.body.contains(text),
            "the dashboard shows {text:?}:\n{}",
            dash.body
        );
    }
    // The session also opens the API (reads; writes need the CSRF header).
    let me = curl(&server, "GET", "/api/v1/me", &[], None, &["-b", &jar]);
    assert_eq!(me.json()["username"], "officer");
    let units = env.count("units");
    let unit = json!({ "name": "Sở Tài chính", "province": "Cần Thơ" }).to_string();
    let no_header = curl(
        &server,
        "POST",
        "/api/v1/units",
        &["Content-Type: application/json".into()],
        Some(unit.as_bytes()),
        &["-b", &jar],
    );
    no_header.expect_error(403, "csrf");
    assert_eq!(env.count("units"), units, "nothing registered");

    // Sign-out needs the CSRF value too; then the cookie is worthless.
    let r = form(&server, &jar, "/logout", &[]);
    assert_eq!(r.status, 403);
    let r = form(&server, &jar, "/logout", &[("csrf", &session_csrf)]);
    assert_eq!((r.status, r.location().as_deref()), (303, Some("/")));
    assert_eq!(
        page(&server, &jar, "/dashboard").location().as_deref(),
        Some("/")
    );

    // An expired session is refused by the pages and the API.
    let csrf = csrf_of(&page(&server, &jar, "/").body);
    let r = form(
        &server,
        &jar,
        "/login",
        &[
            ("csrf", &csrf),
            ("username", "officer"),
            ("password", NEW_PASSWORD),
        ],
    );
    assert_eq!(r.location().as_deref(), Some("/dashboard"));
    assert_eq!(page(&server, &jar, "/dashboard").status, 200);
    env.sql("UPDATE sessions SET expires_at = '2000-01-01 00:00:00'");
    assert_eq!(
        page(&server, &jar, "/dashboard").location().as_deref(),
        Some("/?session=expired")
    );
    // That answer also cleared the cookie.
    curl(&server, "GET", "/api/v1/me", &[], None, &["-b", &jar])
        .expect_error(401, "unauthenticated");
});
