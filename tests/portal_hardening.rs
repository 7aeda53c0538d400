//! HTTP hardening of the RA portal (issue 15, item 6), on both databases:
//! the security headers on pages and API answers (a Content-Security-Policy
//! the pages keep: no script, no inline style; `Cache-Control: no-store`
//! where personal data is shown, while OCSP, CRLs and the chain keep their
//! own caching), session cookies whose `Max-Age` and `Expires` agree,
//! `Secure` cookies with `--cookie-secure`, and another province's objects
//! answered exactly as missing ones.

#[macro_use]
mod common;
mod portal;

use serde_json::json;

use common::*;
use portal::*;

/// The value of header `name` (lowercased headers).
fn header<'a>(r: &'a Reply, name: &str) -> Option<&'a str> {
    let prefix = format!("{name}:");
    r.headers
        .lines()
        .find_map(|l| l.strip_prefix(prefix.as_str()))
        .map(str::trim)
}

/// Asserts the headers every portal answer carries.
fn hardened(what: &str, r: &Reply) {
    assert_eq!(
        header(r, "content-security-policy"),
        Some(
            "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; \
             frame-ancestors 'none'; base-uri 'none'"
        ),
        "{what}: {}",
        r.headers
    );
    assert_eq!(header(r, "cache-control"), Some("no-store"), "{what}");
    assert_eq!(
        header(r, "x-content-type-options"),
        Some("nosniff"),
        "{what}"
    );
    assert_eq!(header(r, "x-frame-options"), Some("deny"), "{what}");
    assert_eq!(header(r, "referrer-policy"), Some("same-origin"), "{what}");
}

/// The `Set-Cookie` line of cookie `name`.
fn set_cookie(r: &Reply, name: &str) -> String {
    r.headers
        .lines()
        .filter_map(|l| l.strip_prefix("set-cookie:"))
        .map(str::trim)
        .find(|c| c.starts_with(&format!("{name}=")))
        .unwrap_or_else(|| panic!("a {name} cookie: {}", r.headers))
        .to_owned()
}

/// Signs in through the form of a fresh browser; the answer.
fn form_sign_in(web: &Browser<'_>, account: &Account) -> Reply {
    let r = web.submit(
        "/",
        "/login",
        &[
            ("username", &account.username),
            ("password", &account.password),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    r
}

both_databases!(security_headers_and_cookies, |env| {
    let (server, signed) = start(env);
    let (officer, token) = (signed[1].0.clone(), signed[1].1.clone());
    let web = Browser::new(env, &server, "officer");
    let signed_in = form_sign_in(&web, &officer);

    // The session cookie lives 8 hours by both its Max-Age and Expires.
    let cookie = set_cookie(&signed_in, "govpki_session");
    assert!(cookie.contains("max-age=28800"), "{cookie}");
    let expires = cookie
        .split(';')
        .find_map(|p| p.trim().strip_prefix("expires="))
        .unwrap_or_else(|| panic!("an Expires: {cookie}"));
    let expires = chrono::NaiveDateTime::parse_from_str(
        expires.trim_end_matches(" gmt"),
        "%a, %d %b %Y %H:%M:%S",
    )
    .unwrap_or_else(|e| panic!("{expires}: {e}"));
    let minutes = (expires - chrono::Utc::now().naive_utc()).num_minutes();
    assert!(
        (7 * 60 + 30..=8 * 60).contains(&minutes),
        "Expires in {minutes} min, not 8 h: {cookie}"
    );
    assert!(cookie.contains("httponly") && cookie.contains("samesite=strict"));
    assert!(!cookie.contains("secure"), "plain HTTP, no --cookie-secure");

    // Pages and API answers, signed in or not, success or refusal.
    let pages = [
        "/",
        "/dashboard",
        "/subscribers",
        "/requests",
        "/certificates",
        "/account",
        "/reports",
    ];
    for path in pages {
        let r = if path == "/" {
            Browser::new(env, &server, "anonymous").get("/")
        } else {
            web.get(path)
        };
        assert_eq!(r.status, 200, "{path}: {}", r.body);
        hardened(path, &r);
        // Nothing the policy would block: no script, no inline style.
        for blocked in ["<script", "<style", "style=", "javascript:", " on"] {
            let found = if blocked == " on" {
                r.body.contains(" onclick=")
                    || r.body.contains(" onsubmit=")
                    || r.body.contains(" onload=")
                    || r.body.contains(" onchange=")
            } else {
                r.body.contains(blocked)
            };
            assert!(!found, "{path} holds {blocked:?}");
        }
    }
    hardened(
        "GET /api/v1/me",
        &api(&server, "GET", "/api/v1/me", Some(&token), None),
    );
    let refused = api(&server, "GET", "/api/v1/units", None, None);
    refused.expect_error(401, "unauthenticated");
    hardened("a refusal", &refused);
    // The stylesheet holds no personal data: cacheable (issue 16), the
    // other headers as everywhere.
    let css = Browser::new(env, &server, "css").get("/static/style.css");
    assert_eq!(
        header(&css, "cache-control"),
        Some("public, max-age=3600"),
        "{}",
        css.headers
    );
    assert_eq!(header(&css, "x-content-type-options"), Some("nosniff"));
    assert!(header(&css, "content-security-policy").is_some());
    // OCSP, CRLs and the trust chain keep their own caching.
    for path in [format!("/crl/{GOV_CA}.crl"), format!("/ca/{GOV_CA}.crt")] {
        let r = curl(&server, "GET", &path, &[], None, &[]);
        assert_eq!(r.status, 200, "{path}");
        let cache = header(&r, "cache-control").unwrap_or_default();
        assert!(cache.contains("max-age"), "{path}: {cache}");
    }
    server.kill();

    // Behind a proxy that terminates TLS: cookies marked Secure.
    let server = env.serve(&["--cookie-secure"]);
    let web = Browser::new(env, &server, "officer-tls");
    let r = web.get("/");
    assert!(set_cookie(&r, "govpki_login_csrf").contains("secure"));
    let r = form_sign_in(&web, &officer);
    assert!(set_cookie(&r, "govpki_session").contains("secure"));
});

both_databases!(another_province_is_a_missing_object, |env| {
    let (server, signed) = start(env);
    let (officer, approver) = (signed[1].1.clone(), signed[2].1.clone());
    let (hn_officer, hn_approver) = ha_noi_accounts(env, &server);
    let CanThoFixture {
        subscriber: sub,
        serial,
        pending,
        ..
    } = can_tho_fixture(env, &server, &officer, &approver);
    let missing_id = 900_000_i64;

    // The Hà Nội accounts get what a missing id gets: the same status,
    // code and message (with the id they asked for), naming no province.
    let same =
        |path: &str, real: i64, token: &str, method: &str, body: Option<&serde_json::Value>| {
            let foreign = api(
                &server,
                method,
                &path.replace("{}", &real.to_string()),
                Some(token),
                body,
            );
            let missing = api(
                &server,
                method,
                &path.replace("{}", &missing_id.to_string()),
                Some(token),
                body,
            );
            foreign.expect_error(404, "not_found");
            assert_eq!(
                foreign.body,
                missing
                    .body
                    .replace(&missing_id.to_string(), &real.to_string()),
                "{path}"
            );
            assert!(!foreign.body.contains("Cần Thơ"), "{}", foreign.body);
        };
    same("/api/v1/subscribers/{}", sub, &hn_officer, "GET", None);
    same("/api/v1/requests/{}", pending, &hn_officer, "GET", None);
    same(
        "/api/v1/requests/{}/approve",
        pending,
        &hn_approver,
        "POST",
        Some(&json!({})),
    );
    same(
        "/api/v1/requests/{}/reject",
        pending,
        &hn_approver,
        "POST",
        Some(&json!({ "comment": "không" })),
    );
    let token_for = json!({ "serial": "TK-HN-1", "subscriber_id": sub });
    let r = api(
        &server,
        "POST",
        "/api/v1/tokens",
        Some(&hn_officer),
        Some(&token_for),
    );
    r.expect_error(404, "not_found");
    // A request on another province's certificate: as an unknown serial.
    let revoke = api(
        &server,
        "POST",
        "/api/v1/requests",
        Some(&hn_officer),
        Some(&json!({ "kind": "revoke", "serial": serial, "reason": "key-compromise" })),
    );
    revoke.expect_error(404, "not_found");
    let unknown = api(
        &server,
        "POST",
        "/api/v1/requests",
        Some(&hn_officer),
        Some(
            &json!({ "kind": "revoke", "serial": "7f0000000000000001", "reason": "key-compromise" }),
        ),
    );
    unknown.expect_error(404, "not_found");
    let certificate = api(
        &server,
        "GET",
        &format!("/api/v1/certificates/{serial}"),
        Some(&hn_officer),
        None,
    );
    certificate.expect_error(404, "not_found");
    // Within the province, a refusal by role is still said openly.
    approve(&server, &officer, pending).expect_error(403, "forbidden");

    // A CCCD registered in another province: refused, naming neither the
    // subscriber nor its province; in one's own province the id is given.
    let again = json!({
        "kind": "individual",
        "name": "Nguyễn Văn An",
        "national_id": "CCCD:001089031733",
        "province": "Hà Nội",
    });
    let r = api(
        &server,
        "POST",
        "/api/v1/subscribers",
        Some(&hn_officer),
        Some(&again),
    );
    r.expect_error(409, "duplicate_subscriber");
    let message = r.json()["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        !message.contains("subscriber") && !message.contains("Cần Thơ"),
        "{message}"
    );
    let mut own = again;
    own["province"] = json!("Cần Thơ");
    let r = api(
        &server,
        "POST",
        "/api/v1/subscribers",
        Some(&officer),
        Some(&own),
    );
    r.expect_error(409, "duplicate_subscriber");
    assert!(r.body.contains(&format!("subscriber {sub}")), "{}", r.body);
});
