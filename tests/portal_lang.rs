//! The page language: Vietnamese by default, English after `/lang/en`
//! (a cookie), back with `/lang/vi`; the switch returns to the page it was
//! clicked on and never to another site; forms keep working in English
//! and a refusal reads in English; nothing else changes.

#[macro_use]
mod common;
mod portal;

use common::*;
use portal::*;

/// Asserts the page shows every text.
fn shows(page: &str, texts: &[&str]) {
    for t in texts {
        assert!(page.contains(t), "the page shows {t:?}:\n{page}");
    }
}

/// Asserts the page shows none of the texts.
fn hides(page: &str, texts: &[&str]) {
    for t in texts {
        assert!(!page.contains(t), "the page does not show {t:?}:\n{page}");
    }
}

/// `GET /lang/{code}` from `referer` in the browser's cookie jar: the
/// redirect's target.
fn switch(server: &Server, env: &TestEnv, code: &str, referer: &str) -> String {
    let jar = env.p("officer.cookies");
    let r = curl(
        server,
        "GET",
        &format!("/lang/{code}"),
        &[format!("Referer: {referer}")],
        None,
        &["-b", &jar, "-c", &jar],
    );
    assert_eq!(r.status, 303, "switch to {code}: {}", r.body);
    r.location().unwrap_or_default()
}

both_databases!(pages_switch_between_vietnamese_and_english, |env| {
    let out = env.init_and_export();
    let mut officer = account(&accounts(&out), "officer");
    let server = env.serve(&[]);
    let web = Browser::new(env, &server, "officer");

    // Vietnamese by default, before and after sign-in.
    let login = web.page("/");
    shows(
        &login,
        &[r#"<html lang="vi">"#, "Đăng nhập", "Tên đăng nhập"],
    );
    web.sign_in(&mut officer);
    let dashboard = web.page("/dashboard");
    shows(
        &dashboard,
        &["Bảng điều khiển", "Đăng xuất", ">English</a>"],
    );

    // English, back to the page the link was on.
    let origin = server.url("/subscribers?q=x");
    assert_eq!(switch(&server, env, "en", &origin), "/subscribers?q=x");
    let dashboard = web.page("/dashboard");
    shows(
        &dashboard,
        &[
            r#"<html lang="en">"#,
            "<h1>Dashboard</h1>",
            "Sign out",
            "Registration officer (RA)",
            ">Tiếng Việt</a>",
        ],
    );
    hides(&dashboard, &["Bảng điều khiển", "Đăng xuất", "Vai trò"]);
    let subscribers = web.page("/subscribers/new");
    shows(
        &subscribers,
        &["Register a subscriber", "Kind of subscriber"],
    );

    // A form in English: the refusal is the API's English message, next
    // to its field, and nothing is registered.
    let before = env.snapshot();
    let r = web.submit(
        "/subscribers/new",
        "/subscribers",
        &[
            ("kind", "individual"),
            ("name", "Lê Văn Bình"),
            ("national_id", "12345"),
            ("province", "Cần Thơ"),
        ],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    shows(
        &r.body,
        &[r#"id="national_id-error""#, r#"<html lang="en">"#],
    );
    hides(&r.body, &["Số CCCD phải gồm đúng 12 chữ số"]);
    assert_eq!(env.snapshot(), before, "a refused form changes nothing");

    // A switch from elsewhere never leaves the site; back to Vietnamese.
    assert_eq!(switch(&server, env, "vi", "https://evil.example/x"), "/");
    let dashboard = web.page("/dashboard");
    shows(&dashboard, &[r#"<html lang="vi">"#, "Bảng điều khiển"]);
    hides(&dashboard, &["<h1>Dashboard</h1>"]);
});
