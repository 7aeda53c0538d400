//! Sign-in that cannot be turned against its users (issue 15, item 5), on
//! both databases: one answer whichever of username, password and TOTP
//! code is wrong; failures counted per account and per client address
//! make it wait longer and longer (429 `sign_in_throttled`, `Retry-After`)
//! without ever locking it; unknown usernames answered exactly like
//! existing ones; `X-Forwarded-For` believed from `--trusted-proxy` peers
//! only; unlock by the CLI and the `/users` page; "sign out everywhere";
//! a password change ends every other session and token.

#[macro_use]
mod common;
mod portal;

use serde_json::json;

use common::*;
use portal::*;

/// `POST /api/v1/session` as forwarded by a proxy for client `from`.
fn sign_in_from(server: &Server, from: &str, username: &str, password: &str) -> Reply {
    let body = json!({ "username": username, "password": password });
    let (mut headers, bytes) = json_request(None, Some(&body));
    headers.push(format!("X-Forwarded-For: {from}"));
    curl(
        server,
        "POST",
        "/api/v1/session",
        &headers,
        bytes.as_deref(),
        &[],
    )
}

/// The `Retry-After` of an answer, in seconds.
fn retry_after(r: &Reply) -> u64 {
    r.headers
        .lines()
        .find_map(|l| l.strip_prefix("retry-after:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("a Retry-After header: {}", r.headers))
}

/// A throttled answer, with its wait.
fn throttled(r: &Reply) -> u64 {
    r.expect_error(429, "sign_in_throttled");
    retry_after(r)
}

both_databases!(one_answer_whichever_is_wrong, |env| {
    let (server, signed) = start(env);
    let approver = signed[2].0.clone();
    let code = approver.code().expect("a code");
    let refusals = [
        // A wrong password with the right code (which stays unused).
        sign_in_raw(&server, "approver", "wrong password!!", Some(&code)),
        // The right password without a code, or with a wrong one.
        sign_in_raw(&server, "approver", &approver.password, None),
        sign_in_raw(&server, "approver", &approver.password, Some("12345")),
        // A username that does not exist.
        sign_in_raw(&server, "khong.ton.tai", &approver.password, Some(&code)),
    ];
    for r in &refusals {
        r.expect_error(401, "invalid_credentials");
        assert_eq!(r.body, refusals[0].body, "one body for every refusal");
    }
    // The code refused with the wrong password was never spent: with the
    // right password it signs in, once.
    sign_in_raw(&server, "approver", &approver.password, Some(&code)).ok();
    let replay = sign_in_raw(&server, "approver", &approver.password, Some(&code));
    replay.expect_error(401, "invalid_credentials");
    assert_eq!(replay.body, refusals[0].body);

    // The page says it once for the whole form, next to no field.
    let web = Browser::new(env, &server, "approver");
    let r = web.submit(
        "/",
        "/login",
        &[
            ("username", "approver"),
            ("password", &approver.password),
            ("totp", "000000"),
        ],
    );
    assert_eq!(r.status, 401, "{}", r.body);
    assert!(
        r.body
            .contains("Tên đăng nhập, mật khẩu hoặc mã xác thực (TOTP) không đúng."),
        "{}",
        r.body
    );
    assert!(!r.body.contains("totp-error") && !r.body.contains("password-error"));
    assert_audit_ok(env);
});

both_databases!(failures_make_it_wait_and_never_lock, |env| {
    let (server, signed) = start(env);
    let officer = signed[1].0.clone();
    server.kill();
    let server = env.serve(&["--trusted-proxy", "127.0.0.1"]);

    // Five wrong passwords for one account, from five addresses: then
    // even the right password waits, with Retry-After.
    for i in 1..=5 {
        sign_in_from(
            &server,
            &format!("203.0.113.{i}"),
            "officer",
            "sai mật khẩu",
        )
        .expect_error(401, "invalid_credentials");
    }
    let r = sign_in_from(&server, "203.0.113.6", "officer", &officer.password);
    let wait = throttled(&r);
    assert!((1..=30).contains(&wait), "the first wait is 30 s: {wait}");
    // An unknown username gets exactly the same answers.
    for i in 1..=5 {
        sign_in_from(&server, &format!("203.0.113.{i}"), "khong.ton.tai", "x")
            .expect_error(401, "invalid_credentials");
    }
    let unknown = sign_in_from(&server, "203.0.113.6", "khong.ton.tai", "x");
    assert!((1..=30).contains(&throttled(&unknown)));
    // Nothing signed in before is touched.
    api(&server, "GET", "/api/v1/me", Some(&signed[1].1), None).ok();

    // The wait ends by itself (moved into the past here): the right
    // password signs in and clears the count.
    let past = "UPDATE sign_in_failures SET blocked_until = '2000-01-01 00:00:00'";
    env.sql(&format!("{past} WHERE key = 'account:officer'"));
    sign_in_from(&server, "203.0.113.6", "officer", &officer.password).ok();
    assert_eq!(
        env.query_i64("SELECT COUNT(*) AS n FROM sign_in_failures WHERE key = 'account:officer'"),
        0
    );
    // Each failure past the free ones doubles the wait.
    for i in 1..=5 {
        sign_in_from(&server, &format!("192.0.2.{i}"), "officer", "sai mật khẩu")
            .expect_error(401, "invalid_credentials");
    }
    env.sql(&format!("{past} WHERE key = 'account:officer'"));
    sign_in_from(&server, "192.0.2.6", "officer", "sai mật khẩu")
        .expect_error(401, "invalid_credentials");
    let wait = throttled(&sign_in_from(
        &server,
        "192.0.2.7",
        "officer",
        &officer.password,
    ));
    assert!((31..=60).contains(&wait), "the second wait is 60 s: {wait}");

    // An administrator unlocks it from the CLI, audited.
    let out = env.ok(&["user", "unlock", "officer"]);
    assert!(out.contains("unlocked: officer"), "{out}");
    sign_in_from(&server, "192.0.2.7", "officer", &officer.password).ok();
    assert_eq!(
        env.query_i64("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'user.unlock'"),
        1
    );
    let line = env.fail(&["user", "unlock", "khong.ton.tai"]);
    assert_mentions(&line, &["no", "user"]);

    // Ten failures from one address (other usernames each time): that
    // address waits, for the right password too; another does not.
    for i in 0..10 {
        sign_in_from(&server, "198.51.100.7", &format!("ai.do.{i}"), "x")
            .expect_error(401, "invalid_credentials");
    }
    throttled(&sign_in_from(
        &server,
        "198.51.100.7",
        "officer",
        &officer.password,
    ));
    sign_in_from(&server, "198.51.100.8", "officer", &officer.password).ok();
    // A client cannot choose its address by writing on the left of the
    // header: the proxy's rightmost entry is the one counted.
    throttled(&sign_in_from(
        &server,
        "10.9.9.9, 198.51.100.7",
        "officer",
        &officer.password,
    ));

    // Without --trusted-proxy the header is ignored: every attempt
    // counts against the connection's own address.
    server.kill();
    let server = env.serve(&[]);
    for i in 0..10 {
        sign_in_from(&server, &format!("203.0.113.{}", 100 + i), "ai.khac", "x")
            .expect_error(401, "invalid_credentials");
        if i == 4 {
            // (the account key of ai.khac waits after five)
            env.sql("DELETE FROM sign_in_failures WHERE key = 'account:ai.khac'");
        }
    }
    throttled(&sign_in_from(
        &server,
        "203.0.113.200",
        "officer",
        &officer.password,
    ));
    assert_audit_ok(env);
});

both_databases!(unlock_page_and_sign_out_everywhere, |env| {
    let (server, signed) = start(env);
    let (mut admin, mut officer) = (signed[0].0.clone(), signed[1].0.clone());
    let admin_web = Browser::new(env, &server, "admin");
    admin_web.sign_in(&mut admin);
    for _ in 0..5 {
        sign_in_raw(&server, "officer", "sai mật khẩu", None)
            .expect_error(401, "invalid_credentials");
    }
    throttled(&sign_in_raw(&server, "officer", &officer.password, None));
    // The sign-in page says how long to wait, in Vietnamese.
    let r = Browser::new(env, &server, "officer-waits").submit(
        "/",
        "/login",
        &[("username", "officer"), ("password", &officer.password)],
    );
    assert_eq!(r.status, 429, "{}", r.body);
    assert!((1..=30).contains(&retry_after(&r)));
    assert!(
        r.body.contains("Đăng nhập sai quá nhiều lần: vui lòng chờ"),
        "{}",
        r.body
    );

    // The accounts page lists the failures with an unlock button.
    let page = admin_web.page("/users");
    assert!(page.contains(r#"action="/users/officer/unlock""#), "{page}");
    assert!(!page.contains(r#"action="/users/admin/unlock""#), "{page}");
    // Without the form's CSRF value: refused, nothing done.
    let r = admin_web.post("/users/officer/unlock", &[("csrf", "forged")]);
    assert_eq!(r.status, 403, "{}", r.body);
    throttled(&sign_in_raw(&server, "officer", &officer.password, None));
    let r = admin_web.submit("/users", "/users/officer/unlock", &[]);
    assert_eq!(
        (r.status, r.location().as_deref()),
        (303, Some("/users")),
        "{}",
        r.body
    );
    sign_in_raw(&server, "officer", &officer.password, None).ok();
    assert_eq!(
        env.query_i64(
            "SELECT COUNT(*) AS n FROM audit_events \
             WHERE action = 'user.unlock' AND actor = 'portal:admin'"
        ),
        1
    );
    // Only administrators see the page.
    let officer_web = Browser::new(env, &server, "officer");
    officer_web.sign_in(&mut officer);
    assert_eq!(officer_web.get("/users").status, 403);

    // Sign out everywhere (API): every other token and session ends, the
    // caller's stays.
    let old_token = signed[1].1.clone();
    let mine = sign_in(&server, &mut officer);
    let r = api(
        &server,
        "POST",
        "/api/v1/account/sign-out-everywhere",
        Some(&mine),
        None,
    );
    assert!(
        r.ok()["ended"].as_i64().unwrap_or_default() >= 3,
        "{}",
        r.body
    );
    api(&server, "GET", "/api/v1/me", Some(&old_token), None).expect_error(401, "unauthenticated");
    assert_eq!(
        officer_web.get("/dashboard").location().as_deref(),
        Some("/")
    );
    api(&server, "GET", "/api/v1/me", Some(&mine), None).ok();

    // The same from the account page, which stays signed in.
    officer_web.sign_in(&mut officer);
    let page = officer_web.page("/account");
    assert!(page.contains("Đăng xuất khỏi mọi nơi khác"), "{page}");
    let r = officer_web.submit("/account", "/account/sign-out-everywhere", &[]);
    assert_eq!(r.location().as_deref(), Some("/account"), "{}", r.body);
    api(&server, "GET", "/api/v1/me", Some(&mine), None).expect_error(401, "unauthenticated");
    officer_web.page("/account");
    assert_eq!(
        env.query_i64(
            "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'user.sign-out-everywhere'"
        ),
        2
    );

    // A password change ends every other session and token, those opened
    // with the one-time password included.
    let mut fresh = user_add(
        env,
        &[
            "--username",
            "cb.moi",
            "--role",
            "ra_officer",
            "--province",
            "Cần Thơ",
        ],
    );
    let first = sign_in_raw(&server, "cb.moi", &fresh.password, None).ok()["token"]
        .as_str()
        .expect("a token")
        .to_owned();
    let changer = sign_in(&server, &mut fresh);
    api(&server, "GET", "/api/v1/me", Some(&first), None).expect_error(401, "unauthenticated");
    api(&server, "GET", "/api/v1/me", Some(&changer), None).ok();
    let web = Browser::new(env, &server, "cb.moi");
    web.sign_in(&mut fresh);
    let change = json!({ "old": NEW_PASSWORD, "new": "Một mật khẩu khác 2027!" });
    assert_eq!(
        api(
            &server,
            "POST",
            "/api/v1/password",
            Some(&changer),
            Some(&change)
        )
        .status,
        204
    );
    assert_eq!(web.get("/dashboard").location().as_deref(), Some("/"));
    api(&server, "GET", "/api/v1/me", Some(&changer), None).ok();
    assert_audit_ok(env);
});
