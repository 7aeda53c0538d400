//! Account management (issue 16, item 8), on both databases: an
//! administrator lists, creates, resets, unlocks, disables, enables and
//! changes the role or province of accounts through the JSON API, the
//! `/users` pages and `govpki user …`; a reset forces a password change,
//! a disabled account's session and token stop at once, so do those of an
//! account whose role changed; the last enabled administrator can be
//! neither disabled nor demoted; every change is in the audit log; the
//! demo includes an auditor.

#[macro_use]
mod common;
mod portal;

use serde_json::json;

use common::*;
use portal::*;

/// How many audit events of `action` the portal's admin recorded.
fn audited(env: &TestEnv, action: &str, actor: &str) -> i64 {
    env.query_i64(&format!(
        "SELECT COUNT(*) AS n FROM audit_events WHERE action = '{action}' AND actor = '{actor}'"
    ))
}

both_databases!(accounts_through_the_api, |env| {
    let (server, signed) = start(env);
    let admin = signed[0].1.clone();
    let (mut officer, officer_token) = signed[1].clone();
    let (mut approver, approver_token) = signed[2].clone();

    // The demo's auditor signs in and reads the audit log, changes nothing.
    let mut auditor = demo_auditor(env);
    assert!(auditor.totp.is_none(), "an auditor has no second factor");
    let auditor_token = sign_in(&server, &mut auditor);
    api(&server, "GET", "/api/v1/audit", Some(&auditor_token), None).ok();
    api(&server, "GET", "/api/v1/users", Some(&auditor_token), None).expect_error(403, "forbidden");

    // The list: every account, with role, province and state.
    let list = api(&server, "GET", "/api/v1/users", Some(&admin), None).ok();
    let names: Vec<&str> = list["users"]
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|u| u["username"].as_str())
        .collect();
    assert_eq!(names, ["admin", "approver", "auditor", "officer"], "{list}");
    let off = &list["users"][3];
    assert_eq!(
        (
            off["role"].as_str(),
            off["province"].as_str(),
            &off["disabled"]
        ),
        (Some("ra_officer"), Some("Cần Thơ"), &json!(false)),
        "{off}"
    );
    // Officers and approvers manage no accounts.
    for t in [&officer_token, &approver_token] {
        api(&server, "GET", "/api/v1/users", Some(t), None).expect_error(403, "forbidden");
        api(
            &server,
            "POST",
            "/api/v1/users/officer/reset",
            Some(t),
            None,
        )
        .expect_error(403, "forbidden");
    }

    // Create: a one-time password (and a TOTP secret for an approver).
    let r = api(
        &server,
        "POST",
        "/api/v1/users",
        Some(&admin),
        Some(&json!({ "username": "ld.soctrang", "role": "ra_approver", "province": "Sóc Trăng" })),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let v = r.json();
    assert_eq!(
        v["user"]["province"], "Cần Thơ",
        "a former name mapped: {v}"
    );
    assert!(v["province_note"].as_str().is_some(), "{v}");
    let mut made = Account {
        username: "ld.soctrang".into(),
        password: v["one_time_password"].as_str().expect("a password").into(),
        totp: Some(v["totp_secret"].as_str().expect("a TOTP secret").into()),
    };
    sign_in(&server, &mut made);
    api(
        &server,
        "POST",
        "/api/v1/users",
        Some(&admin),
        Some(&json!({ "username": "ld.soctrang", "role": "auditor" })),
    )
    .expect_error(409, "duplicate_user");

    // Reset: the old password and every token end; the new one-time
    // password must be changed before anything else.
    let r = api(
        &server,
        "POST",
        "/api/v1/users/officer/reset",
        Some(&admin),
        None,
    )
    .ok();
    let otp = r["one_time_password"]
        .as_str()
        .expect("a password")
        .to_owned();
    assert_eq!(r["user"]["must_change_password"], json!(true), "{r}");
    api(&server, "GET", "/api/v1/units", Some(&officer_token), None)
        .expect_error(401, "unauthenticated");
    sign_in_raw(&server, "officer", &officer.password, None)
        .expect_error(401, "invalid_credentials");
    let fresh = sign_in_raw(&server, "officer", &otp, None).ok();
    assert_eq!(fresh["must_change_password"], json!(true), "{fresh}");
    let t = fresh["token"].as_str().expect("a token");
    api(&server, "GET", "/api/v1/units", Some(t), None)
        .expect_error(403, "password_change_required");
    officer.password = otp;
    let officer_token = sign_in(&server, &mut officer);
    api(&server, "GET", "/api/v1/units", Some(&officer_token), None).ok();

    // Disable: the token and the web session stop at once; sign-in is
    // refused like a wrong password; enabling lets it sign in again.
    let web = Browser::new(env, &server, "officer");
    web.sign_in(&mut officer);
    assert_eq!(web.get("/dashboard").status, 200);
    let r = api(
        &server,
        "POST",
        "/api/v1/users/officer/disable",
        Some(&admin),
        None,
    )
    .ok();
    assert_eq!(r["disabled"], json!(true), "{r}");
    api(&server, "GET", "/api/v1/units", Some(&officer_token), None)
        .expect_error(401, "unauthenticated");
    let page = web.get("/dashboard");
    assert_eq!(
        (page.status, page.location().as_deref()),
        (303, Some("/")),
        "a disabled account's session is refused at once: {}",
        page.body
    );
    sign_in_raw(&server, "officer", &officer.password, None)
        .expect_error(401, "invalid_credentials");
    api(
        &server,
        "POST",
        "/api/v1/users/officer/disable",
        Some(&admin),
        None,
    )
    .expect_error(409, "already_disabled");
    api(
        &server,
        "POST",
        "/api/v1/users/officer/enable",
        Some(&admin),
        None,
    )
    .ok();
    let officer_token = sign_in(&server, &mut officer);

    // Role and province: the account's tokens end at once; an unknown role
    // and a province for an auditor are refused.
    let r = api(
        &server,
        "POST",
        "/api/v1/users/officer/role",
        Some(&admin),
        Some(&json!({ "role": "ra_officer", "province": "Hà Nội" })),
    )
    .ok();
    assert_eq!(r["user"]["province"], "Hà Nội", "{r}");
    api(&server, "GET", "/api/v1/units", Some(&officer_token), None)
        .expect_error(401, "unauthenticated");
    let me = sign_in(&server, &mut officer);
    let v = api(&server, "GET", "/api/v1/me", Some(&me), None).ok();
    assert_eq!(v["province"], "Hà Nội", "{v}");
    api(
        &server,
        "POST",
        "/api/v1/users/officer/role",
        Some(&admin),
        Some(&json!({ "role": "superuser" })),
    )
    .expect_error(422, "invalid_role");
    api(
        &server,
        "POST",
        "/api/v1/users/officer/role",
        Some(&admin),
        Some(&json!({ "role": "auditor", "province": "Cần Thơ" })),
    )
    .expect_error(422, "province_not_allowed");
    // An approver made officer: its token ends; it now signs in without a code.
    api(
        &server,
        "POST",
        "/api/v1/users/approver/role",
        Some(&admin),
        Some(&json!({ "role": "ra_officer", "province": "Cần Thơ" })),
    )
    .ok();
    api(&server, "GET", "/api/v1/units", Some(&approver_token), None)
        .expect_error(401, "unauthenticated");
    approver.totp = None;
    sign_in(&server, &mut approver);

    // The last enabled administrator: neither disabled nor demoted, by
    // themselves or anyone.
    api(
        &server,
        "POST",
        "/api/v1/users/admin/disable",
        Some(&admin),
        None,
    )
    .expect_error(409, "last_admin");
    api(
        &server,
        "POST",
        "/api/v1/users/admin/role",
        Some(&admin),
        Some(&json!({ "role": "auditor" })),
    )
    .expect_error(409, "last_admin");
    api(&server, "GET", "/api/v1/me", Some(&admin), None).ok();
    // With a second administrator, the first may step down.
    let r = api(
        &server,
        "POST",
        "/api/v1/users",
        Some(&admin),
        Some(&json!({ "username": "admin2", "role": "admin" })),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    api(
        &server,
        "POST",
        "/api/v1/users/admin2/disable",
        Some(&admin),
        None,
    )
    .ok();
    api(
        &server,
        "POST",
        "/api/v1/users/admin/disable",
        Some(&admin),
        None,
    )
    .expect_error(409, "last_admin");
    api(
        &server,
        "POST",
        "/api/v1/users/admin2/enable",
        Some(&admin),
        None,
    )
    .ok();
    api(
        &server,
        "POST",
        "/api/v1/users/nobody/reset",
        Some(&admin),
        None,
    )
    .expect_error(404, "not_found");

    // Every change audited with the administrator as actor.
    for (action, n) in [
        ("user.add", 2),
        ("user.reset", 1),
        ("user.disable", 2),
        ("user.enable", 2),
        ("user.set-role", 2),
    ] {
        assert_eq!(audited(env, action, "portal:admin"), n, "{action}");
    }
    assert_audit_ok(env);
});

both_databases!(accounts_through_the_pages, |env| {
    let (server, signed) = start(env);
    let mut admin = signed[0].0.clone();
    let (mut officer, officer_token) = signed[1].clone();
    let web = Browser::new(env, &server, "admin");
    web.sign_in(&mut admin);

    let list = web.page("/users");
    for name in ["admin", "officer", "approver", "auditor"] {
        assert!(list.contains(&format!(r#"href="/users/{name}""#)), "{list}");
    }
    assert!(list.contains("Kiểm toán viên"), "{list}");

    // Create: the one-time password is shown once.
    let r = web.submit(
        "/users",
        "/users",
        &[
            ("username", "cb.cantho2"),
            ("role", "ra_officer"),
            ("province", "Cần Thơ"),
            ("department", "Sở Tài chính"),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Mật khẩu dùng một lần"), "{}", r.body);
    assert_eq!(env.count("users"), 5);
    // A refused creation says why next to the field and creates nothing.
    let r = web.submit(
        "/users",
        "/users",
        &[
            ("username", "kt.hn"),
            ("role", "auditor"),
            ("province", "Hà Nội"),
        ],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("class=\"field-error\""), "{}", r.body);
    assert_eq!(env.count("users"), 5);

    // Reset from the account's page: the officer's token ends, the page
    // shows the new one-time password.
    let page = web.page("/users/officer");
    assert!(page.contains(r#"action="/users/officer/reset""#), "{page}");
    let r = web.submit("/users/officer", "/users/officer/reset", &[]);
    assert_eq!(r.status, 200, "{}", r.body);
    let marker = r#"<code class="one-time-password">"#;
    let start_at = r.body.find(marker).expect("the password shown") + marker.len();
    let otp = r.body[start_at..]
        .split('<')
        .next()
        .unwrap_or_default()
        .to_owned();
    api(&server, "GET", "/api/v1/units", Some(&officer_token), None)
        .expect_error(401, "unauthenticated");
    officer.password = otp;
    // The officer's next sign-in goes through the password change.
    let officer_web = Browser::new(env, &server, "officer");
    officer_web.sign_in(&mut officer);
    assert_eq!(officer.password, NEW_PASSWORD);
    // Officers do not manage accounts.
    let r = officer_web.submit("/dashboard", "/users/approver/reset", &[]);
    assert_eq!(r.status, 403, "{}", r.body);

    // Disable and enable through the page.
    let r = web.submit("/users/officer", "/users/officer/disable", &[]);
    assert_eq!(
        (r.status, r.location().as_deref()),
        (303, Some("/users/officer"))
    );
    assert_eq!(officer_web.get("/dashboard").status, 303);
    assert!(web.page("/users/officer").contains("Đã vô hiệu hóa"));
    let r = web.submit("/users/officer", "/users/officer/enable", &[]);
    assert_eq!(r.status, 303, "{}", r.body);

    // Role: an unknown role, and the last administrator's own demotion,
    // are refused with a message; a real change is saved.
    let r = web.submit(
        "/users/officer",
        "/users/officer/role",
        &[("role", "chief"), ("province", "")],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("Vai trò không hợp lệ"), "{}", r.body);
    let r = web.submit(
        "/users/admin",
        "/users/admin/role",
        &[("role", "auditor"), ("province", "")],
    );
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("quản trị viên cuối cùng"), "{}", r.body);
    let r = web.submit(
        "/users/officer",
        "/users/officer/role",
        &[("role", "ra_officer"), ("province", "Hà Nội")],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(web.page("/users/officer").contains("Hà Nội"));
    assert_eq!(audited(env, "user.set-role", "portal:admin"), 1);
    assert_eq!(audited(env, "user.reset", "portal:admin"), 1);
    assert_audit_ok(env);
});

both_databases!(accounts_through_the_cli, |env| {
    let out = env.init_and_export();
    let names: Vec<String> = accounts(&out).into_iter().map(|a| a.username).collect();
    assert_eq!(names, ["admin", "officer", "approver", "auditor"], "{out}");
    let list = env.ok(&["user", "list"]);
    assert!(
        list.lines()
            .any(|l| l.starts_with("auditor\tauditor\t-\tenabled")),
        "{list}"
    );
    assert!(
        list.contains("officer\tra_officer\tCần Thơ\tenabled"),
        "{list}"
    );

    let out = env.ok(&["user", "reset", "officer"]);
    let reset = accounts(&out);
    assert_eq!(reset.len(), 1, "{out}");
    assert!(reset[0].password.len() >= 12, "{out}");

    // Refusals: one line, nothing changed.
    let line = env.fail_unchanged(&["user", "disable", "admin"]);
    assert!(line.contains("last enabled administrator"), "{line}");
    let line = env.fail_unchanged(&["user", "set-role", "admin", "--role", "auditor"]);
    assert!(line.contains("last enabled administrator"), "{line}");
    let line = env.fail_unchanged(&["user", "set-role", "officer", "--role", "chief"]);
    assert!(line.contains("unknown role"), "{line}");
    env.fail_unchanged(&["user", "reset", "nobody"]);
    env.fail_unchanged(&["user", "set-role", "officer", "--role", "ra_officer"]);

    env.ok(&["user", "disable", "officer"]);
    assert!(env
        .ok(&["user", "list"])
        .contains("officer\tra_officer\tCần Thơ\tdisabled"));
    env.ok(&["user", "enable", "officer"]);
    let out = env.ok(&[
        "user",
        "set-role",
        "officer",
        "--role",
        "ra_approver",
        "--province",
        "Hà Nội",
    ]);
    assert!(out.contains("role: ra_approver"), "{out}");
    assert!(
        out.contains("totp secret: "),
        "a new approver gets a TOTP secret: {out}"
    );
    for action in ["user.reset", "user.disable", "user.enable", "user.set-role"] {
        assert_eq!(
            env.query_i64(&format!(
                "SELECT COUNT(*) AS n FROM audit_events WHERE action = '{action}'"
            )),
            1,
            "{action}"
        );
    }
    assert_audit_ok(env);
});
