//! The page language: Vietnamese by default, English after `/lang/en`
//! (a cookie), back with `/lang/vi`; the switch returns to the page it was
//! clicked on and never to another site; forms keep working in English
//! and a refusal reads in English; nothing else changes.

#[macro_use]
mod common;
mod portal;

use serde_json::{json, Value};

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

/// The text a person reads on a page: the HTML without its tags, scripts
/// and styles (attribute values, ids and links are not read).
fn visible_text(page: &str) -> String {
    let mut out = String::with_capacity(page.len());
    let mut rest = page;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        out.push('\n');
        rest = &rest[open..];
        let skip_to = ["<script", "<style"]
            .iter()
            .find(|t| rest.starts_with(**t))
            .map(|t| format!("</{}>", &t[1..]));
        let end = match skip_to {
            Some(close) => rest.find(&close).map(|i| i + close.len()),
            None => rest.find('>').map(|i| i + 1),
        };
        rest = &rest[end.unwrap_or(rest.len())..];
    }
    out.push_str(rest);
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
}

/// Words of the CA's and the API's English that must never reach a
/// Vietnamese page (data, usernames and protocol names aside).
const ENGLISH: [&str; 14] = [
    " the ",
    " is not ",
    "subscriber",
    "superseded",
    "key-compromise",
    "individual",
    "PEM block",
    "UTC",
    "+00:00",
    "Details",
    "Submitted",
    "Carried out",
    "it is ",
    "must be",
];

/// Words of the pages' Vietnamese that must never reach an English page
/// (names of people, units and provinces aside).
const VIETNAMESE: [&str; 16] = [
    "Trạng thái",
    "Chứng thư",
    "Thuê bao",
    "Đã thực hiện",
    "Đã cấp",
    "Lý do",
    "giờ Việt Nam",
    "Tạm dừng",
    "Thu hồi",
    "Gia hạn",
    "thay thế",
    "Thay thế",
    "Lộ khóa",
    "Cá nhân",
    "Hết hạn",
    "Không đổi",
];

/// Asserts that `page`, in `lang`, reads in that language only.
fn one_language(path: &str, lang: &str, page: &str) {
    let text = visible_text(page);
    let foreign: &[&str] = if lang == "vi" { &ENGLISH } else { &VIETNAMESE };
    let found: Vec<&&str> = foreign.iter().filter(|w| text.contains(**w)).collect();
    assert!(
        found.is_empty(),
        "{path} in {lang} shows {found:?}:\n{text}"
    );
    assert!(
        page.contains(&format!(r#"<html lang="{lang}">"#)),
        "{path} is not in {lang}"
    );
}

both_databases!(
    every_page_kind_reads_in_one_language_and_vietnam_time,
    |env| {
        let (server, signed) = start(env);
        let (officer, approver) = (signed[1].1.clone(), signed[2].1.clone());
        let CanThoFixture {
            subscriber,
            serial,
            pending,
            ..
        } = can_tho_fixture(env, &server, &officer, &approver);
        // Another certificate, still good, for the change-of-information form.
        let binh = add_subscriber(
            &server,
            &officer,
            "Trần Thị Bình",
            "CCCD:092190001234",
            "Cần Thơ",
        );
        let binh_csr = std::fs::read_to_string(env.csr_p256("binh")).expect("csr");
        let issued = submit_ok(
            &server,
            &officer,
            &json!({ "kind": "issue", "subscriber_id": binh, "csr": binh_csr }),
        );
        let binh_serial = result_serial(&server, &officer, &approve_ok(&server, &approver, issued));
        // A carried-out suspension, then a restoration, then a renewal that
        // supersedes the certificate and a revocation for key compromise of
        // the renewal: every state and reason the pages word.
        approve_ok(&server, &approver, pending);
        let restore = submit_ok(
            &server,
            &officer,
            &json!({ "kind": "restore", "serial": serial }),
        );
        approve_ok(&server, &approver, restore);
        let renew = submit_ok(
            &server,
            &officer,
            &json!({ "kind": "renew", "serial": serial }),
        );
        let renewed = result_serial(&server, &officer, &approve_ok(&server, &approver, renew));
        let revoke = submit_ok(
            &server,
            &officer,
            &json!({ "kind": "revoke", "serial": renewed, "reason": "key-compromise" }),
        );
        approve_ok(&server, &approver, revoke);
        // The renewal ends after the certificate it renews, which it replaces.
        let cert = |s: &str| {
            api(
                &server,
                "GET",
                &format!("/api/v1/certificates/{s}"),
                Some(&officer),
                None,
            )
            .ok()
        };
        let (old, new) = (cert(&serial), cert(&renewed));
        let end = |v: &Value| {
            chrono::DateTime::parse_from_rfc3339(v["not_after"].as_str().expect("not_after"))
                .expect("RFC 3339")
                .timestamp()
        };
        assert!(end(&new) > end(&old), "{old}\n{new}");
        assert_eq!(old["revocation_reason"], "superseded");
        assert_eq!(old["replaced_by_serial"], json!(renewed));
        assert_eq!(new["replaces_serial"], json!(serial));
        for v in [&old, &new] {
            for k in ["not_before", "not_after"] {
                let t = v[k].as_str().expect("a time");
                assert!(t.ends_with("+00:00"), "RFC 3339 with an offset: {k} {t}");
            }
        }
        // Issued at 23:38 UTC: the officer in Cần Thơ reads 06:38 the next day.
        env.sql(&format!(
            "UPDATE certificates SET not_before = '2026-12-04 23:38:38' WHERE serial = '{serial}'"
        ));
        let requests_api = api(&server, "GET", "/api/v1/requests", Some(&officer), None).ok();
        let submitted = requests_api["requests"][0]["submitted_at"]
            .as_str()
            .unwrap_or_else(|| panic!("a submitted_at: {requests_api}"));
        assert!(submitted.ends_with("+00:00"), "{submitted}");

        let mut officer_account = signed[1].0.clone();
        let web = Browser::new(env, &server, "officer");
        web.sign_in(&mut officer_account);
        let mut admin_account = signed[0].0.clone();
        let admin = Browser::new(env, &server, "admin");
        admin.sign_in(&mut admin_account);

        let old_page = web.page(&format!("/certificates/{serial}"));
        shows(
            &old_page,
            &[
                r#"<dd id="status">Đã được thay thế</dd>"#,
                "05/12/2026 06:38",
                "Được thay thế bằng chứng thư mới",
                &format!(r#"<dd id="replaced-by"><a href="/certificates/{renewed}">"#),
                "Cá nhân",
            ],
        );
        let new_page = web.page(&format!("/certificates/{renewed}"));
        shows(
            &new_page,
            &[
                &format!(r#"<dd id="replaces"><a href="/certificates/{serial}">"#),
                "Lộ khóa bí mật",
            ],
        );
        let suspension = web.page(&format!("/requests/{pending}"));
        shows(&suspension, &["Đã thực hiện", "Chứng thư số liên quan"]);
        hides(&suspension, &["Đã cấp", "Chứng thư số đã cấp"]);
        let revocation = web.page(&format!("/requests/{revoke}"));
        shows(&revocation, &["Đã thực hiện", "Lộ khóa bí mật"]);
        let audit = admin.page("/audit");
        shows(
            &audit,
            &[
                "Cấp chứng thư số",
                "Thời điểm (giờ Việt Nam)",
                "Thao tác: gia hạn",
            ],
        );
        hides(&audit, &["certificate.issue</", "{&quot;"]);

        // Every kind of page, in Vietnamese and then in English.
        let mut pages: Vec<(String, &Browser)> = [
            "/dashboard".to_owned(),
            "/units".to_owned(),
            "/subscribers".to_owned(),
            format!("/subscribers/{subscriber}"),
            "/subscribers/new".to_owned(),
            "/subscribers/import".to_owned(),
            "/tokens".to_owned(),
            "/requests".to_owned(),
            format!("/requests/{pending}"),
            format!("/requests/{restore}"),
            format!("/requests/{renew}"),
            format!("/requests/{revoke}"),
            "/requests/new".to_owned(),
            format!("/requests/new/change_info?serial={binh_serial}"),
            format!("/requests/new/revoke?serial={serial}"),
            "/requests/new/unit_change".to_owned(),
            "/certificates".to_owned(),
            format!("/certificates/{serial}"),
            format!("/certificates/{renewed}"),
            "/reports".to_owned(),
            "/account".to_owned(),
        ]
        .into_iter()
        .map(|p| (p, &web))
        .collect();
        pages.push(("/audit".to_owned(), &admin));
        pages.push(("/users".to_owned(), &admin));
        for (path, who) in &pages {
            one_language(path, "vi", &who.page(path));
        }
        // A refusal on a Vietnamese page is Vietnamese: the unit of a change
        // of information is one of the registry's, never a typed variant.
        let before = env.snapshot();
        let r = web.submit(
            &format!("/requests/new/change_info?serial={binh_serial}"),
            "/requests/new/change_info",
            &[
                ("serial", &binh_serial),
                ("new_unit", "Sở Khoa Học Và Công Nghệ"),
            ],
        );
        assert_eq!(r.status, 422, "{}", r.body);
        shows(&r.body, &["Không có đơn vị này trong danh mục đơn vị"]);
        one_language("change_info refused", "vi", &r.body);
        assert_eq!(env.snapshot(), before, "a refused form changes nothing");
        // The form offers the registry's units, not a text field.
        let form = web.page(&format!("/requests/new/change_info?serial={binh_serial}"));
        shows(
            &form,
            &[
                r#"<select id="new_unit" name="new_unit">"#,
                r#"<option value="Sở Khoa học và Công nghệ">"#,
            ],
        );

        for name in ["officer", "admin"] {
            let jar = env.p(&format!("{name}.cookies"));
            let r = curl(
                &server,
                "GET",
                "/lang/en",
                &[],
                None,
                &["-b", &jar, "-c", &jar],
            );
            assert_eq!(r.status, 303);
        }
        for (path, who) in &pages {
            one_language(path, "en", &who.page(path));
        }
        let old_page = web.page(&format!("/certificates/{serial}"));
        shows(&old_page, &["Replaced", "05/12/2026 06:38", "Replaced by"]);
    }
);
