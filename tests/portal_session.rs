//! Expired sessions. A session is expired by moving `sessions.expires_at`
//! (and `api_tokens.expires_at` for a bearer token) into the past with SQL,
//! as the clock would: then a page asked with the session cookie redirects
//! to the sign-in page, which says in Vietnamese that the session has
//! expired; a form posted with it (with the CSRF value it had) changes
//! nothing; the API answers 401 `session_expired` with the error body.

#[macro_use]
mod common;
mod portal;

use common::*;
use portal::*;

/// Where the pages send a browser whose session has expired.
const EXPIRED: &str = "/?session=expired";

/// Copies the cookie jar `from` to a new browser `name` (each refused
/// request clears the cookie in its jar).
fn clone_browser<'a>(env: &TestEnv, server: &'a Server, from: &str, name: &str) -> Browser<'a> {
    std::fs::copy(
        env.path(&format!("{from}.cookies")),
        env.path(&format!("{name}.cookies")),
    )
    .expect("copy the cookie jar");
    Browser::new(env, server, name)
}

both_databases!(an_expired_session_changes_nothing, |env| {
    let out = env.init_and_export();
    let all = accounts(&out);
    let mut officer = account(&all, "officer");
    let server = env.serve(&[]);
    let token = sign_in(&server, &mut officer);
    let web = Browser::new(env, &server, "officer");
    web.sign_in(&mut officer);
    let form = web.page("/subscribers/new");
    let csrf = csrf_of(&form);
    assert!(web.page("/dashboard").contains("Bảng điều khiển"));

    let before = (env.snapshot(), env.count("requests"));
    let moved = env.sql("UPDATE sessions SET expires_at = '2001-01-01 00:00:00'");
    assert!(moved >= 1, "the web session is in the sessions table");

    // A page: back to the sign-in page, which says why (each in a copy of
    // the jar, since the answer also clears the cookie).
    for (n, path) in ["/dashboard", "/subscribers", "/certificates/01"]
        .iter()
        .enumerate()
    {
        let page = clone_browser(env, &server, "officer", &format!("page{n}"));
        let r = page.get(path);
        assert_eq!(
            (r.status, r.location().as_deref()),
            (303, Some(EXPIRED)),
            "GET {path}: {}",
            r.body
        );
    }
    let page = clone_browser(env, &server, "officer", "page");
    let r = page.get("/subscribers/new");
    assert_eq!(r.location().as_deref(), Some(EXPIRED), "{}", r.body);
    let sign_in_page = page.page(EXPIRED);
    assert!(
        sign_in_page.contains("Phiên đăng nhập đã hết hạn; vui lòng đăng nhập lại."),
        "{sign_in_page}"
    );
    assert!(
        sign_in_page.contains(r#"action="/login""#),
        "{sign_in_page}"
    );
    // The cookie was cleared: the next page is the plain sign-in page.
    let r = page.get("/dashboard");
    assert_eq!(r.location().as_deref(), Some("/"), "{}", r.headers);

    // A form with the session's CSRF value: refused, nothing changed.
    let post = clone_browser(env, &server, "officer", "post");
    let r = post.post(
        "/subscribers",
        &[
            ("csrf", &csrf),
            ("kind", "individual"),
            ("name", "Đỗ Thị Hạnh"),
            ("national_id", "001089031755"),
            ("province", "Cần Thơ"),
        ],
    );
    assert_eq!(
        (r.status, r.location().as_deref()),
        (303, Some(EXPIRED)),
        "{}",
        r.body
    );
    let r = clone_browser(env, &server, "officer", "logout").post("/logout", &[("csrf", &csrf)]);
    assert_eq!(r.location().as_deref(), Some(EXPIRED), "{}", r.body);
    assert_eq!(
        (env.snapshot(), env.count("requests")),
        before,
        "nothing changed"
    );

    // The API with the session cookie: 401 and the error body.
    let api_browser = clone_browser(env, &server, "officer", "api");
    let r = api_browser.get("/api/v1/me");
    r.expect_error(401, "session_expired");
    let r = api_browser.get("/api/v1/subscribers");
    r.expect_error(401, "session_expired");

    // A bearer token past its expiry: the same answer.
    assert!(api(&server, "GET", "/api/v1/me", Some(&token), None).status == 200);
    env.sql("UPDATE api_tokens SET expires_at = '2001-01-01 00:00:00'");
    let r = api(
        &server,
        "POST",
        "/api/v1/subscribers",
        Some(&token),
        Some(&serde_json::json!({
            "kind": "individual", "name": "Đỗ Thị Hạnh", "national_id": "001089031755",
            "province": "Cần Thơ",
        })),
    );
    r.expect_error(401, "session_expired");
    assert_eq!(
        (env.snapshot(), env.count("requests")),
        before,
        "nothing changed"
    );

    // Signing in again works.
    let fresh = Browser::new(env, &server, "fresh");
    fresh.sign_in(&mut officer);
    assert!(fresh.page("/dashboard").contains("Bảng điều khiển"));
});
