//! Sign-in hardening and request failure handling in the RA portal, on
//! both databases: a TOTP code accepted once, TOTP secrets encrypted at
//! rest (the database never holds the base32 secret), the per-address
//! sign-in rate limit (API and page) independent of the failure throttle, and
//! the `failed` request state — a CA operation refused after approval,
//! and requests a crash left approved, resolved at start-up.

#[macro_use]
mod common;
mod portal;

use common::*;
use portal::*;
use serde_json::json;

/// Every TOTP column of the users table.
fn stored_secrets(env: &TestEnv) -> Vec<String> {
    env.query_strings(
        "SELECT totp_secret AS s FROM users WHERE totp_secret IS NOT NULL ORDER BY id",
    )
}

both_databases!(totp_codes_are_accepted_once_and_secrets_sealed, |env| {
    let (server, signed) = start(env);
    let (admin, approver) = (signed[0].0.clone(), signed[2].0.clone());
    let secrets: Vec<String> = [&admin, &approver]
        .iter()
        .map(|a| a.totp.clone().expect("a TOTP secret"))
        .collect();

    // The database holds sealed values only, never a base32 secret.
    let stored = stored_secrets(env);
    assert_eq!(stored.len(), 2, "{stored:?}");
    for value in &stored {
        assert!(value.starts_with("v1:"), "{value}");
        for secret in &secrets {
            assert!(!value.contains(secret.as_str()), "the secret in {value}");
        }
    }
    let key = env.data_dir().join("portal-totp-key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key)
            .expect("the key file")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{}", key.display());
    }

    // A code is accepted once: the same code again is refused, with the
    // answer of any wrong credential, and counts as a failed sign-in.
    let code = approver.code().expect("a code");
    sign_in_raw(&server, &approver.username, &approver.password, Some(&code)).ok();
    let failed = |who: &str| {
        env.query_i64(&format!(
            "SELECT COALESCE(MAX(CAST(failures AS BIGINT)), 0) AS n FROM sign_in_failures \
             WHERE key = 'account:{who}'"
        ))
    };
    assert_eq!(failed("approver"), 0);
    sign_in_raw(&server, &approver.username, &approver.password, Some(&code))
        .expect_error(401, "invalid_credentials");
    assert_eq!(failed("approver"), 1);
    // A fresh code signs in (and clears the count).
    let fresh = approver.code().expect("a code");
    assert_ne!(fresh, code);
    sign_in_raw(
        &server,
        &approver.username,
        &approver.password,
        Some(&fresh),
    )
    .ok();
    assert_eq!(failed("approver"), 0);

    // The page says it for the whole form, naming no field.
    let web = Browser::new(env, &server, "admin");
    let used = admin.code().expect("a code");
    sign_in_raw(&server, &admin.username, &admin.password, Some(&used)).ok();
    let r = web.submit(
        "/",
        "/login",
        &[
            ("username", &admin.username),
            ("password", &admin.password),
            ("totp", &used),
        ],
    );
    assert_eq!(r.status, 401, "{}", r.body);
    assert!(
        r.body.contains(
            r#"class="form-error" role="alert">Tên đăng nhập, mật khẩu hoặc mã xác thực (TOTP) không đúng."#
        ),
        "{}",
        r.body
    );
    let mut admin_account = admin;
    web.sign_in(&mut admin_account);
    assert!(web.page("/dashboard").contains("Bảng điều khiển"));

    // A secret stored in plaintext by an older version is sealed when the
    // portal starts, and still signs in.
    let sealed_before = stored_secrets(env);
    env.sql(&format!(
        "UPDATE users SET totp_secret = '{}' WHERE username = 'approver'",
        secrets[1]
    ));
    server.kill();
    let server = env.serve(&[]);
    let stored = stored_secrets(env);
    assert!(
        stored
            .iter()
            .all(|v| v.starts_with("v1:") && !v.contains(secrets[1].as_str())),
        "{stored:?}"
    );
    assert_eq!(stored[0], sealed_before[0], "a sealed value is left alone");
    let code = approver.code().expect("a code");
    sign_in_raw(&server, &approver.username, &approver.password, Some(&code)).ok();
    assert_audit_ok(env);
});

both_databases!(sign_in_is_rate_limited_per_address, |env| {
    let (server, signed) = start(env);
    let officer = signed[1].0.clone();
    // A fresh server: its count of attempts starts at zero.
    server.kill();
    let server = env.serve(&[]);
    // Twenty attempts within a minute are answered (right ones here, so
    // that no failure is counted: failures have their own throttle, see
    // tests/portal_signin.rs); then the address is refused for a while.
    for _ in 0..20 {
        sign_in_raw(&server, &officer.username, &officer.password, None).ok();
    }
    let mut limited = None;
    for _ in 0..40 {
        let r = sign_in_raw(&server, &officer.username, &officer.password, None);
        if r.status == 429 {
            limited = Some(r);
            break;
        }
        r.ok();
    }
    let limited = limited.expect("the address is limited after 20 attempts a minute");
    limited.expect_error(429, "rate_limited");
    assert!(
        limited.headers.contains("retry-after: 60"),
        "{}",
        limited.headers
    );

    // Refused attempts touch no account: nothing counted, nothing written.
    let before = env.snapshot();
    sign_in_raw(&server, "khong.ton.tai", "sai mật khẩu", None).expect_error(429, "rate_limited");
    assert_eq!(env.count("sign_in_failures"), 0, "no failure counted");
    assert_eq!(env.snapshot(), before);

    // The sign-in page says it in Vietnamese.
    let web = Browser::new(env, &server, "officer");
    let r = web.submit(
        "/",
        "/login",
        &[
            ("username", &officer.username),
            ("password", &officer.password),
        ],
    );
    assert_eq!(r.status, 429, "{}", r.body);
    assert!(
        r.body.contains("Có quá nhiều lần đăng nhập từ địa chỉ này"),
        "{}",
        r.body
    );
    // What was signed in before stays signed in.
    api(&server, "GET", "/api/v1/me", Some(&signed[1].1), None).ok();
});

both_databases!(
    the_ca_checks_a_request_at_submission_and_again_at_approval,
    |env| {
        let (server, signed) = start(env);
        let (officer, approver) = (&signed[1].1, &signed[2].1);
        let sub = add_subscriber(
            &server,
            officer,
            "Nguyễn Văn An",
            "CCCD:092089031301",
            "Cần Thơ",
        );
        let csr = std::fs::read_to_string(env.csr_p256("c1")).expect("csr");
        let id = submit_ok(
            &server,
            officer,
            &json!({ "kind": "issue", "subscriber_id": sub, "csr": csr }),
        );
        let issued = approve_ok(&server, approver, id);
        let serial = result_serial(&server, officer, &issued);

        let tables = [
            "certificates",
            "blocked_keys",
            "subscribers",
            "tokens",
            "requests",
        ];
        let counts = || tables.map(|t| env.count(t));
        // A re-issue on the very key of the certificate: the CA core's dry run
        // refuses it at submission (the portal used to let it through to the
        // approval), and nothing is recorded.
        let before = counts();
        let events = env.count("audit_events");
        submit(
            &server,
            officer,
            &json!({ "kind": "reissue", "serial": serial, "csr": csr }),
        )
        .expect_error(422, "refused");
        assert_eq!(before, counts(), "{tables:?}: nothing recorded");
        assert_eq!(env.count("audit_events"), events);

        // A renewal passes at submission; the certificate is then revoked by
        // another approved request; the approval of the renewal is refused by
        // the same check, before anything changes, and the request still
        // waits (to be rejected).
        let renew = submit_ok(
            &server,
            officer,
            &json!({ "kind": "renew", "serial": serial }),
        );
        let revoke = submit_ok(
            &server,
            officer,
            &json!({ "kind": "revoke", "serial": serial, "reason": "key-compromise" }),
        );
        approve_ok(&server, approver, revoke);
        let before = counts();
        let events = env.count("audit_events");
        approve(&server, approver, renew).expect_error(409, "invalid_transition");
        assert_eq!(before, counts(), "{tables:?}: nothing half-done");
        assert_eq!(env.count("audit_events"), events);
        assert_eq!(
            env.query_strings(&format!(
                "SELECT state AS s FROM requests WHERE id = {renew}"
            )),
            ["submitted"]
        );
        assert_eq!(cert_status(&server, officer, &serial), "revoked");
        // The page of the request says why it cannot be approved.
        let mut approver_account = signed[2].0.clone();
        let web = Browser::new(env, &server, "approver");
        web.sign_in(&mut approver_account);
        let page = web.page(&format!("/requests/{renew}"));
        assert!(page.contains("Đã gửi"), "{page}");
        assert_audit_ok(env);
    }
);

both_databases!(requests_left_approved_by_a_crash_fail_at_start_up, |env| {
    let (server, signed) = start(env);
    let (officer, approver) = (&signed[1].1, &signed[2].1);
    let sub = add_subscriber(
        &server,
        officer,
        "Nguyễn Văn An",
        "CCCD:092089031401",
        "Cần Thơ",
    );
    let csr = std::fs::read_to_string(env.csr_p256("c1")).expect("csr");
    let id = submit_ok(
        &server,
        officer,
        &json!({ "kind": "issue", "subscriber_id": sub, "csr": csr }),
    );
    let serial = result_serial(&server, officer, &approve_ok(&server, approver, id));
    // Two requests approved, the portal gone before their CA operation:
    // a suspension approved an hour ago, an issuance just now (which
    // another portal may still be carrying out: left alone).
    let old = submit_ok(
        &server,
        officer,
        &json!({ "kind": "suspend", "serial": serial }),
    );
    let csr2 = std::fs::read_to_string(env.csr_p256("c2")).expect("csr");
    let recent = submit_ok(
        &server,
        officer,
        &json!({ "kind": "issue", "subscriber_id": sub, "csr": csr2 }),
    );
    server.kill();
    let at = |minutes: i64| {
        (chrono::Utc::now() - chrono::Duration::minutes(minutes))
            .format("%Y-%m-%d %H:%M:%S")
            .to_string()
    };
    for (id, when) in [(old, at(60)), (recent, at(0))] {
        env.sql(&format!(
            "UPDATE requests SET state = 'approved', decided_at = '{when}', \
             decided_by = (SELECT id FROM users WHERE username = 'approver') WHERE id = {id}"
        ));
    }
    let certificates = env.count("certificates");
    let server = env.serve(&[]);
    let v = api(
        &server,
        "GET",
        &format!("/api/v1/requests/{old}"),
        Some(officer),
        None,
    );
    // The officer's token outlives the restart (it is in the database).
    let v = v.ok();
    assert_eq!(v["state"], "failed", "{v}");
    assert!(
        v["error"]
            .as_str()
            .unwrap_or_default()
            .starts_with("interrupted:"),
        "{v}"
    );
    assert!(v["finished_at"].as_str().is_some(), "{v}");
    let recent_state = env.query_strings(&format!(
        "SELECT state AS s FROM requests WHERE id = {recent}"
    ));
    assert_eq!(recent_state, ["approved"]);
    assert_eq!(
        env.query_strings(&format!(
            "SELECT actor AS s FROM audit_events WHERE object = 'request:{old}' AND action = 'request.failed'"
        )),
        ["ra-portal"]
    );
    assert_eq!(
        env.count("certificates"),
        certificates,
        "nothing carried out"
    );
    assert_eq!(cert_status(&server, officer, &serial), "good");
    // It can be submitted again, and carried out.
    let again = submit_ok(
        &server,
        officer,
        &json!({ "kind": "suspend", "serial": serial }),
    );
    approve_ok(&server, approver, again);
    assert_eq!(cert_status(&server, officer, &serial), "suspended");
    assert_audit_ok(env);
});
