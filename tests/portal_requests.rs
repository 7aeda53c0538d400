//! RA portal requests through the API: every kind submitted by the officer
//! and approved by the approver, the certificates checked with openssl
//! and their status; and the refusals (own request, other province,
//! restoring a revoked certificate, a token lost twice, a rejection
//! without comment, bad input), each with its code and nothing changed.

#[macro_use]
mod common;
mod portal;

use common::*;
use portal::*;
use serde_json::{json, Value};

/// Submits as `officer`, approves as `approver`, returns the request.
fn carry_out(server: &Server, officer: &str, approver: &str, body: Value) -> Value {
    let id = submit_ok(server, officer, &body);
    let v = approve_ok(server, approver, id);
    assert!(
        v["decided_by"].as_i64().is_some() && v["decided_at"].as_str().is_some(),
        "{v}"
    );
    v
}

both_databases!(every_kind_submitted_and_approved, |env| {
    let (server, signed) = start(env);
    let (admin, officer, approver) = (&signed[0].1, &signed[1].1, &signed[2].1);
    let sub = add_subscriber(
        &server,
        officer,
        "Nguyễn Văn An",
        "CCCD:001089031733",
        "Cần Thơ",
    );
    add_token(&server, officer, "TK-0001", sub);
    add_token(&server, officer, "TK-0002", sub);

    // Cấp mới, with the downloads checked by openssl.
    let csr = |name: &str| std::fs::read_to_string(env.csr_p256(name)).expect("csr");
    let r = carry_out(
        &server,
        officer,
        approver,
        json!({
            "kind": "issue", "subscriber_id": sub, "csr": csr("c1"), "token": "TK-0001",
        }),
    );
    let s1 = result_serial(&server, officer, &r);
    download_and_verify(env, &server, officer, &s1, "c1");
    assert_eq!(cert_status(&server, officer, &s1), "good");
    let auth = format!("Authorization: Bearer {officer}");
    let (code, headers) = server.download(
        env,
        &format!("/api/v1/certificates/{s1}.der"),
        "c1.der",
        &[&auth],
    );
    assert_eq!(code, 200, "{headers}");
    let der_serial = env.openssl_ok(&[
        "x509",
        "-inform",
        "DER",
        "-in",
        &env.p("c1.der"),
        "-noout",
        "-serial",
    ]);
    assert_eq!(der_serial.trim().to_lowercase(), format!("serial={s1}"));
    let (code, _) = server.download(
        env,
        &format!("/api/v1/certificates/{s1}.p7b"),
        "c1.p7b",
        &[&auth],
    );
    assert_eq!(code, 200);
    let certs = env.openssl_ok(&[
        "pkcs7",
        "-inform",
        "DER",
        "-in",
        &env.p("c1.p7b"),
        "-print_certs",
    ]);
    assert_eq!(
        certs.matches("-----BEGIN CERTIFICATE-----").count(),
        3,
        "leaf, gov-ca, root:\n{certs}"
    );
    let chain = env.write("c1-chain.pem", &certs);
    let chain_path = chain.display().to_string();
    let verify = env.openssl_ok(&[
        "verify",
        "-CAfile",
        &env.p("root.pem"),
        "-untrusted",
        &chain_path,
        &env.p("c1.pem"),
    ]);
    assert!(verify.trim_end().ends_with(": OK"), "{verify}");

    // Gia hạn: a new certificate that extends the old one, which it
    // supersedes.
    let r = carry_out(
        &server,
        officer,
        approver,
        json!({ "kind": "renew", "serial": s1 }),
    );
    let s2 = result_serial(&server, officer, &r);
    assert_ne!(s1, s2);
    download_and_verify(env, &server, officer, &s2, "c2");
    assert_reason(env, &s1, "superseded");
    let (_, old_end) = env.validity(&env.path("c1.pem"));
    let (_, new_end) = env.validity(&env.path("c2.pem"));
    assert!(new_end > old_end, "a renewal ends after what it renews");

    // Thay đổi nội dung: the new title in the subject, the old one superseded.
    let r = carry_out(
        &server,
        officer,
        approver,
        json!({
            "kind": "change_info", "serial": s2, "changes": { "title": "Phó Giám đốc" },
        }),
    );
    let s3 = result_serial(&server, officer, &r);
    download_and_verify(env, &server, officer, &s3, "c3");
    assert!(env
        .subject_lines(&env.path("c3.pem"))
        .iter()
        .any(|l| l.contains("Phó Giám đốc")));
    assert_reason(env, &s2, "superseded");

    // Cấp lại on a new key and the second token.
    let r = carry_out(
        &server,
        officer,
        approver,
        json!({
            "kind": "reissue", "serial": s3, "csr": csr("c4"), "token": "TK-0002",
        }),
    );
    let s4 = result_serial(&server, officer, &r);
    download_and_verify(env, &server, officer, &s4, "c4");
    assert_eq!(
        env.pubkey_of_cert(&env.path("c4.pem")),
        env.pubkey_of_key(&env.key_path("c4"))
    );
    assert_eq!(cert_status(&server, officer, &s3), "revoked");

    // Tạm dừng, khôi phục.
    carry_out(
        &server,
        officer,
        approver,
        json!({ "kind": "suspend", "serial": s4 }),
    );
    assert_eq!(cert_status(&server, officer, &s4), "suspended");
    assert_eq!(status_word(&env.show(&s4)), "suspended");
    carry_out(
        &server,
        officer,
        approver,
        json!({ "kind": "restore", "serial": s4 }),
    );
    assert_eq!(cert_status(&server, officer, &s4), "good");

    // Thu hồi with a reason (s1 was superseded by its renewal: a new
    // certificate on TK-0001 to revoke).
    let r = carry_out(
        &server,
        officer,
        approver,
        json!({
            "kind": "issue", "subscriber_id": sub, "csr": csr("c5"), "token": "TK-0001",
        }),
    );
    let s5 = result_serial(&server, officer, &r);
    carry_out(
        &server,
        officer,
        approver,
        json!({ "kind": "revoke", "serial": s5, "reason": "cessationOfOperation" }),
    );
    assert_reason(env, &s5, "cessationofoperation");

    // Báo mất: everything on TK-0002 revoked keyCompromise, the token lost
    // for good: it cannot be reported found (docs/tokens.md).
    let r = carry_out(
        &server,
        officer,
        approver,
        json!({ "kind": "token_lost", "token": "TK-0002" }),
    );
    assert_eq!(r["state"], "issued");
    assert_reason(env, &s4, "keycompromise");
    let token_status = |serial: &str| {
        env.query_strings(&format!(
            "SELECT status AS s FROM tokens WHERE serial = '{serial}'"
        ))[0]
            .clone()
    };
    assert_eq!(token_status("TK-0002"), "lost");
    refused(env, 409, "token_unusable", || {
        submit(
            &server,
            officer,
            &json!({ "kind": "token_found", "token": "TK-0002" }),
        )
    });
    assert_eq!(token_status("TK-0002"), "lost");
    // Its old key is blocked: refused at submission, nothing recorded.
    let c4 = std::fs::read_to_string(env.path("c4.csr")).expect("csr");
    refused(env, 409, "key_blocked", || {
        submit(
            &server,
            officer,
            &json!({ "kind": "issue", "subscriber_id": sub, "csr": c4 }),
        )
    });

    // Hỏng thiết bị: a new certificate on TK-0001, then the token damaged.
    let r = carry_out(
        &server,
        officer,
        approver,
        json!({
            "kind": "issue", "subscriber_id": sub, "csr": csr("c5"), "token": "TK-0001",
        }),
    );
    let s5 = result_serial(&server, officer, &r);
    carry_out(
        &server,
        officer,
        approver,
        json!({ "kind": "token_damaged", "token": "TK-0001" }),
    );
    assert_reason(env, &s5, "cessationofoperation");
    assert_eq!(token_status("TK-0001"), "damaged");

    // A rejection keeps its comment; a decided request is not decided again.
    refused(env, 409, "invalid_transition", || {
        submit(
            &server,
            officer,
            &json!({ "kind": "suspend", "serial": s5 }),
        )
    });
    let id = submit_ok(
        &server,
        officer,
        &json!({
            "kind": "issue", "subscriber_id": sub, "csr": csr("c6"),
        }),
    );
    let v = api(
        &server,
        "POST",
        &format!("/api/v1/requests/{id}/reject"),
        Some(approver),
        Some(&json!({ "comment": "Thiếu giấy tờ" })),
    )
    .ok();
    assert_eq!(
        (v["state"].as_str(), v["comment"].as_str()),
        (Some("rejected"), Some("Thiếu giấy tờ"))
    );
    approve(&server, approver, id).expect_error(409, "request_decided");

    // The lists: by state, in scope; the audit names the portal users.
    let issued = api(
        &server,
        "GET",
        "/api/v1/requests?state=issued",
        Some(admin),
        None,
    )
    .ok();
    // Eleven (with the issuance revoked in place of the renewed one): a
    // lost token is not found again (docs/tokens.md).
    assert_eq!(
        issued["requests"].as_array().map(Vec::len),
        Some(11),
        "{issued}"
    );
    let found = api(
        &server,
        "GET",
        "/api/v1/certificates?token=TK-0001&status=revoked",
        Some(officer),
        None,
    )
    .ok();
    assert!(
        found["certificates"]
            .as_array()
            .is_some_and(|c| c.len() >= 2),
        "{found}"
    );
    let by_id = api(
        &server,
        "GET",
        "/api/v1/certificates?national_id=001089031733&expiring_before=2100-01-01",
        Some(officer),
        None,
    )
    .ok();
    assert_eq!(
        by_id["certificates"].as_array().map(Vec::len),
        Some(6),
        "issue, renew, change_info, reissue, issue, issue: {by_id}"
    );
    let none = api(
        &server,
        "GET",
        "/api/v1/certificates?national_id=001089031799",
        Some(officer),
        None,
    )
    .ok();
    assert_eq!(
        none["certificates"].as_array().map(Vec::len),
        Some(0),
        "{none}"
    );
    assert_eq!(
        env.query_i64("SELECT COUNT(*) AS n FROM audit_events WHERE actor = 'portal:approver' AND action LIKE 'certificate.%'"),
        env.query_i64("SELECT COUNT(*) AS n FROM audit_events WHERE action LIKE 'certificate.%' AND actor LIKE 'portal:%'"),
    );
    assert!(env.query_i64("SELECT COUNT(*) AS n FROM audit_events WHERE actor = 'portal:approver' AND action = 'token.lost'") == 1);
    assert!(env.query_i64("SELECT COUNT(*) AS n FROM audit_events WHERE actor = 'portal:officer' AND action = 'request.submit'") == 12);
    assert_audit_ok(env);
});

/// Runs `call`, asserts its status and code, and that nothing changed.
fn refused(env: &TestEnv, status: u16, code: &str, call: impl FnOnce() -> Reply) {
    let before = (
        env.snapshot(),
        env.count("requests"),
        env.query_strings("SELECT state AS s FROM requests ORDER BY id"),
    );
    call().expect_error(status, code);
    let after = (
        env.snapshot(),
        env.count("requests"),
        env.query_strings("SELECT state AS s FROM requests ORDER BY id"),
    );
    assert_eq!(before, after, "a refused {code} changed the database");
}

both_databases!(refusals_change_nothing, |env| {
    let (server, signed) = start(env);
    let (admin, officer, approver) = (&signed[0].1, &signed[1].1, &signed[2].1);
    let (hn_officer, hn_approver) = ha_noi_accounts(env, &server);

    let sub = add_subscriber(
        &server,
        officer,
        "Nguyễn Văn An",
        "CCCD:001089031733",
        "Cần Thơ",
    );
    add_token(&server, officer, "TK-0001", sub);
    add_token(&server, officer, "TK-0002", sub);
    let csr = |name: &str| std::fs::read_to_string(env.csr_p256(name)).expect("csr");
    let r = carry_out(
        &server,
        officer,
        approver,
        json!({
            "kind": "issue", "subscriber_id": sub, "csr": csr("a"), "token": "TK-0001",
        }),
    );
    let serial = result_serial(&server, officer, &r);

    // Approving one's own request (an admin may submit and decide, but
    // not both on one request); an officer deciding at all.
    let own = submit_ok(
        &server,
        admin,
        &json!({ "kind": "suspend", "serial": serial }),
    );
    refused(env, 403, "own_request", || approve(&server, admin, own));
    refused(env, 403, "forbidden", || approve(&server, officer, own));
    // An approver of another province: as if the request did not exist.
    refused(env, 404, "not_found", || {
        approve(&server, &hn_approver, own)
    });
    refused(env, 404, "not_found", || {
        api(
            &server,
            "POST",
            &format!("/api/v1/requests/{own}/reject"),
            Some(&hn_approver),
            Some(&json!({ "comment": "không" })),
        )
    });
    // An officer touching another province's subscriber, token, certificate.
    refused(env, 404, "not_found", || {
        submit(
            &server,
            &hn_officer,
            &json!({ "kind": "issue", "subscriber_id": sub, "csr": csr("b") }),
        )
    });
    refused(env, 404, "not_found", || {
        submit(
            &server,
            &hn_officer,
            &json!({ "kind": "token_lost", "token": "TK-0002" }),
        )
    });
    refused(env, 404, "not_found", || {
        submit(
            &server,
            &hn_officer,
            &json!({ "kind": "revoke", "serial": serial, "reason": "superseded" }),
        )
    });
    refused(env, 404, "not_found", || {
        api(
            &server,
            "POST",
            "/api/v1/tokens",
            Some(&hn_officer),
            Some(&json!({ "serial": "TK-9", "subscriber_id": sub })),
        )
    });
    refused(env, 404, "not_found", || {
        api(
            &server,
            "GET",
            &format!("/api/v1/subscribers/{sub}"),
            Some(&hn_officer),
            None,
        )
    });
    refused(env, 404, "not_found", || {
        api(
            &server,
            "GET",
            &format!("/api/v1/certificates/{serial}.pem"),
            Some(&hn_officer),
            None,
        )
    });
    refused(env, 404, "not_found", || {
        api(
            &server,
            "GET",
            &format!("/api/v1/requests/{own}"),
            Some(&hn_officer),
            None,
        )
    });
    for path in [
        "/api/v1/subscribers",
        "/api/v1/tokens",
        "/api/v1/requests",
        "/api/v1/certificates",
    ] {
        let v = api(&server, "GET", path, Some(&hn_officer), None).ok();
        let list = v
            .as_object()
            // The list beside its paging facts (`total`, `page`…).
            .and_then(|o| o.values().find_map(Value::as_array))
            .expect("a list");
        assert!(
            list.is_empty(),
            "{path} of Hà Nội shows nothing of Cần Thơ: {v}"
        );
    }
    refused(env, 403, "forbidden", || {
        api(
            &server,
            "POST",
            "/api/v1/subscribers",
            Some(&hn_officer),
            Some(&json!({
                "kind": "individual", "name": "Lê Văn C", "national_id": "CCCD:001089031735", "province": "Cần Thơ",
            })),
        )
    });

    // Moving a subscriber out of one's province.
    refused(env, 403, "forbidden", || {
        submit(
            &server,
            officer,
            &json!({ "kind": "change_info", "serial": serial, "changes": { "province": "Hà Nội" } }),
        )
    });

    // Rejecting without a comment.
    refused(env, 422, "comment_required", || {
        api(
            &server,
            "POST",
            &format!("/api/v1/requests/{own}/reject"),
            Some(approver),
            None,
        )
    });
    refused(env, 422, "comment_required", || {
        api(
            &server,
            "POST",
            &format!("/api/v1/requests/{own}/reject"),
            Some(approver),
            Some(&json!({ "comment": "   " })),
        )
    });

    // Restoring a revoked certificate: refused at submission, and at
    // approval when it was revoked after submission.
    let late_restore_suspend = own;
    approve_ok(&server, approver, late_restore_suspend);
    let restore = submit_ok(
        &server,
        officer,
        &json!({ "kind": "restore", "serial": serial }),
    );
    carry_out(
        &server,
        officer,
        approver,
        json!({ "kind": "revoke", "serial": serial, "reason": "superseded" }),
    );
    refused(env, 409, "invalid_transition", || {
        submit(
            &server,
            officer,
            &json!({ "kind": "restore", "serial": serial }),
        )
    });
    refused(env, 409, "invalid_transition", || {
        approve(&server, approver, restore)
    });
    assert_eq!(cert_status(&server, officer, &serial), "revoked");

    // A lost token reported twice: the pending duplicate, then the lost one.
    let lost = submit_ok(
        &server,
        officer,
        &json!({ "kind": "token_lost", "token": "TK-0002" }),
    );
    refused(env, 409, "duplicate_request", || {
        submit(
            &server,
            officer,
            &json!({ "kind": "token_lost", "token": "TK-0002" }),
        )
    });
    approve_ok(&server, approver, lost);
    refused(env, 409, "token_unusable", || {
        submit(
            &server,
            officer,
            &json!({ "kind": "token_lost", "token": "TK-0002" }),
        )
    });

    // Bad input everywhere: a clear code, nothing changed.
    refused(env, 422, "bad_csr", || {
        submit(
            &server,
            officer,
            &json!({ "kind": "issue", "subscriber_id": sub, "csr": "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n" }),
        )
    });
    refused(env, 422, "missing_field", || {
        submit(
            &server,
            officer,
            &json!({ "kind": "issue", "subscriber_id": sub }),
        )
    });
    refused(env, 422, "field_not_allowed", || {
        submit(
            &server,
            officer,
            &json!({ "kind": "suspend", "serial": serial, "csr": csr("c") }),
        )
    });
    refused(env, 422, "invalid_days", || {
        submit(
            &server,
            officer,
            &json!({ "kind": "issue", "subscriber_id": sub, "csr": csr("d"), "days": 100000 }),
        )
    });
    refused(env, 413, "too_large", || {
        let big = format!(
            r#"{{"kind":"issue","subscriber_id":{sub},"csr":"{}"}}"#,
            "A".repeat(2 << 20)
        );
        curl(
            &server,
            "POST",
            "/api/v1/requests",
            &[
                format!("Authorization: Bearer {officer}"),
                "Content-Type: application/json".into(),
            ],
            Some(big.as_bytes()),
            &[],
        )
    });
    refused(env, 422, "csr_too_large", || {
        submit(
            &server,
            officer,
            &json!({ "kind": "issue", "subscriber_id": sub, "csr": "A".repeat(100 * 1024) }),
        )
    });
    refused(env, 422, "invalid_kind", || {
        submit(&server, officer, &json!({ "kind": "explode" }))
    });
    refused(env, 422, "invalid_serial", || {
        submit(
            &server,
            officer,
            &json!({ "kind": "suspend", "serial": "xyz" }),
        )
    });
    refused(env, 404, "not_found", || {
        submit(
            &server,
            officer,
            &json!({ "kind": "suspend", "serial": "0badc0de" }),
        )
    });
    refused(env, 404, "not_found", || {
        submit(
            &server,
            officer,
            &json!({ "kind": "token_lost", "token": "NO-SUCH" }),
        )
    });
    refused(env, 422, "bad_json", || {
        curl(
            &server,
            "POST",
            "/api/v1/requests",
            &[
                format!("Authorization: Bearer {officer}"),
                "Content-Type: application/json".into(),
            ],
            Some(b"{not json"),
            &[],
        )
    });
    for (field, value, code) in [
        ("national_id", "CCCD:12345", "invalid_identity"),
        ("email", "not-an-email", "invalid_identity"),
        ("province", "Atlantis", "invalid_identity"),
    ] {
        let mut body = json!({
            "kind": "individual", "name": "Lê Văn C", "national_id": "CCCD:001089031735", "province": "Cần Thơ",
        });
        body[field] = json!(value);
        let reply = api(
            &server,
            "POST",
            "/api/v1/subscribers",
            Some(officer),
            Some(&body),
        );
        assert_eq!(reply.status, 422, "{field}={value}: {}", reply.body);
        let _ = code;
    }
    refused(env, 422, "invalid_identity", || {
        api(
            &server,
            "POST",
            "/api/v1/units",
            Some(officer),
            Some(&json!({ "name": "Sở Tài chính", "province": "Cần Thơ", "tax_code": "12" })),
        )
    });
    refused(env, 409, "duplicate_token", || {
        api(
            &server,
            "POST",
            "/api/v1/tokens",
            Some(officer),
            Some(&json!({ "serial": "TK-0001", "subscriber_id": sub })),
        )
    });
    refused(env, 422, "invalid_state", || {
        api(
            &server,
            "GET",
            "/api/v1/requests?state=maybe",
            Some(officer),
            None,
        )
    });
    refused(env, 422, "invalid_status", || {
        api(
            &server,
            "GET",
            "/api/v1/certificates?status=maybe",
            Some(officer),
            None,
        )
    });
    refused(env, 422, "unknown_format", || {
        api(
            &server,
            "GET",
            &format!("/api/v1/certificates/{serial}.exe"),
            Some(officer),
            None,
        )
    });
    // The auditor reads everything and changes nothing.
    let mut auditor = user_add(env, &["--username", "kiemtoan", "--role", "auditor"]);
    let auditor = sign_in(&server, &mut auditor);
    api(
        &server,
        "GET",
        &format!("/api/v1/subscribers/{sub}"),
        Some(&auditor),
        None,
    )
    .ok();
    refused(env, 403, "forbidden", || {
        submit(
            &server,
            &auditor,
            &json!({ "kind": "token_lost", "token": "TK-0001" }),
        )
    });
    let _ = hn_officer;
    assert_audit_ok(env);
});
