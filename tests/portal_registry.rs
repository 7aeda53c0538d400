//! Registry completeness in the RA portal, on both databases: a CCCD or
//! MST registered once (single form, API, CSV import), units with a parent
//! unit and an electronic agency code, and the token state machine
//! (docs/tokens.md) — every allowed transition carried out with its effect
//! on the token's certificates, every other one refused with nothing
//! changed.

#[macro_use]
mod common;
mod portal;

use common::*;
use portal::*;
use serde_json::{json, Value};

/// Asserts a refusal with its status and code and that nothing changed.
fn refused(env: &TestEnv, status: u16, code: &str, call: impl FnOnce() -> Reply) -> Reply {
    let state = || {
        (
            env.snapshot(),
            env.count("requests"),
            env.query_strings("SELECT status AS s FROM tokens ORDER BY id"),
            env.query_strings("SELECT state AS s FROM requests ORDER BY id"),
            env.query_strings("SELECT status AS s FROM certificates ORDER BY id"),
        )
    };
    let before = state();
    let reply = call();
    reply.expect_error(status, code);
    assert_eq!(before, state(), "a refused {code} changed the database");
    reply
}

fn individual(name: &str, cccd: &str) -> Value {
    json!({
        "kind": "individual", "name": name, "national_id": cccd,
        "province": "Cần Thơ", "unit": "Sở Khoa học và Công nghệ",
    })
}

fn post(server: &Server, token: &str, path: &str, body: &Value) -> Reply {
    api(server, "POST", path, Some(token), Some(body))
}

both_databases!(a_cccd_or_mst_is_registered_once, |env| {
    let (server, signed) = start(env);
    let officer = &signed[1].1;
    let mut officer_account = signed[1].0.clone();
    let first = post(
        &server,
        officer,
        "/api/v1/subscribers",
        &individual("Nguyễn Văn An", "CCCD:092089031101"),
    )
    .ok();
    let first_id = first["id"].as_i64().expect("an id");

    // The same CCCD again, under another name: 409, nothing written.
    let r = refused(env, 409, "duplicate_subscriber", || {
        post(
            &server,
            officer,
            "/api/v1/subscribers",
            &individual("Nguyễn Văn Ân", "CCCD:092089031101"),
        )
    });
    let message = r.json()["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        message.contains("CCCD:092089031101") && message.contains(&first_id.to_string()),
        "{message}"
    );

    // An organization's MST, once; a device may carry its MST.
    let org = json!({
        "kind": "organization", "name": "Sở Tài chính thành phố Cần Thơ",
        "tax_code": "1800112233", "province": "Cần Thơ",
    });
    post(&server, officer, "/api/v1/subscribers", &org).ok();
    let mut again = org;
    again["name"] = json!("Sở Tài chính Cần Thơ");
    again["tax_code"] = json!("MST:1800112233");
    refused(env, 409, "duplicate_subscriber", || {
        post(&server, officer, "/api/v1/subscribers", &again)
    });
    post(
        &server,
        officer,
        "/api/v1/subscribers",
        &json!({
            "kind": "device", "name": "Máy chủ cổng dịch vụ công",
            "tax_code": "MST:1800112233", "province": "Cần Thơ",
        }),
    )
    .ok();
    assert_eq!(env.count("subscribers"), 3);

    // The page: the Vietnamese message next to the CCCD field.
    let web = Browser::new(env, &server, "officer");
    web.sign_in(&mut officer_account);
    let before = env.snapshot();
    let r = web.submit(
        "/subscribers/new",
        "/subscribers",
        &[
            ("kind", "individual"),
            ("name", "Trần Thị Bích"),
            ("national_id", "092089031101"),
            ("province", "Cần Thơ"),
        ],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.body.contains(r#"id="national_id-error" role="alert">Số định danh (CCCD, CMND, hộ chiếu) CCCD:092089031101 đã được đăng ký"#),
        "{}",
        r.body
    );
    let r = web.submit(
        "/subscribers/new",
        "/subscribers",
        &[
            ("kind", "organization"),
            ("name", "Sở Tài chính"),
            ("tax_code", "1800112233"),
            ("province", "Cần Thơ"),
        ],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.body.contains(
            r#"id="tax_code-error" role="alert">Mã số thuế MST:1800112233 đã được đăng ký"#
        ),
        "{}",
        r.body
    );
    assert_eq!(env.snapshot(), before, "nothing changed");

    // The CSV import: two rows name subscribers registered already with
    // other names (offered as updates, issue 16), one repeats an earlier
    // row of the file (an error on its row); nothing written.
    let file = "Kind,Name,National_ID,Tax_Code,Province\n\
                individual,Lê Văn Cường,CCCD:092089031102,,Cần Thơ\n\
                individual,Phạm Thị Dung,CCCD:092089031101,,Cần Thơ\n\
                organization,Sở Y tế,,1800112233,Cần Thơ\n\
                individual,Lê Văn Cường,092089031102,,Cần Thơ\n";
    let before = (env.snapshot(), env.count("audit_events"));
    for path in [
        "/api/v1/subscribers/import?dry_run=true",
        "/api/v1/subscribers/import",
    ] {
        let r = curl(
            &server,
            "POST",
            path,
            &[
                format!("Authorization: Bearer {officer}"),
                "Content-Type: text/csv".to_owned(),
            ],
            Some(file.as_bytes()),
            &[],
        );
        let v = r.json();
        assert_eq!(
            (v["rows"].as_i64(), v["valid"].as_i64()),
            (Some(4), Some(3)),
            "{v}"
        );
        assert_eq!((&v["new"], &v["to_update"]), (&json!(1), &json!(2)), "{v}");
        assert_eq!(v["updates"][0]["changes"][0]["new"], "Phạm Thị Dung", "{v}");
        let errors: Vec<(i64, String, String)> = v["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .map(|e| {
                (
                    e["row"].as_i64().unwrap_or_default(),
                    e["column"].as_str().unwrap_or_default().to_owned(),
                    e["code"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        assert_eq!(
            errors,
            [(4, "National_ID".to_owned(), "duplicate_in_file".to_owned())],
            "{v}"
        );
        assert!(v["created"].is_null(), "{v}");
    }
    assert_eq!(
        (env.snapshot(), env.count("audit_events")),
        before,
        "nothing imported"
    );
    assert_audit_ok(env);
});

both_databases!(units_have_a_parent_and_an_agency_code, |env| {
    let (server, signed) = start(env);
    let (admin, officer) = (&signed[0].1, &signed[1].1);
    let mut officer_account = signed[1].0.clone();
    let ubnd = post(
        &server,
        officer,
        "/api/v1/units",
        &json!({
            "name": "UBND thành phố Cần Thơ", "province": "Cần Thơ",
            "agency_code": "000.00.00.h29",
        }),
    )
    .ok();
    let ubnd_id = ubnd["id"].as_i64().expect("an id");
    assert_eq!(ubnd["agency_code"], "000.00.00.H29", "stored in upper case");
    let so = post(
        &server,
        officer,
        "/api/v1/units",
        &json!({
            "name": "Sở Khoa học và Công nghệ", "province": "Cần Thơ",
            "parent_id": ubnd_id, "agency_code": "000.00.31.H29",
        }),
    )
    .ok();
    assert_eq!(so["parent_id"], ubnd_id);
    let hn = post(
        &server,
        admin,
        "/api/v1/units",
        &json!({ "name": "UBND thành phố Hà Nội", "province": "Hà Nội" }),
    )
    .ok();
    let listed = api(&server, "GET", "/api/v1/units", Some(officer), None).ok();
    let units = listed["units"].as_array().expect("units");
    let so_row = units
        .iter()
        .find(|u| u["name"] == "Sở Khoa học và Công nghệ")
        .expect("listed");
    assert_eq!(
        (&so_row["parent_id"], &so_row["agency_code"]),
        (&json!(ubnd_id), &json!("000.00.31.H29"))
    );

    // Refusals, nothing changed.
    for (body, status, code) in [
        (
            json!({ "name": "Sở Y tế", "province": "Cần Thơ", "agency_code": "000.00.31" }),
            422,
            "invalid_agency_code",
        ),
        (
            json!({ "name": "Sở Y tế", "province": "Cần Thơ", "agency_code": "000.0A.31.H29" }),
            422,
            "invalid_agency_code",
        ),
        (
            json!({ "name": "Sở Y tế", "province": "Cần Thơ", "agency_code": "000.00.31.H29" }),
            409,
            "duplicate_agency_code",
        ),
        (
            json!({ "name": "Sở Y tế", "province": "Cần Thơ", "parent_id": hn["id"] }),
            422,
            "invalid_parent",
        ),
        (
            json!({ "name": "Sở Y tế", "province": "Cần Thơ", "parent_id": 987654 }),
            422,
            "invalid_parent",
        ),
    ] {
        refused(env, status, code, || {
            post(&server, officer, "/api/v1/units", &body)
        });
    }

    // Moving units: never under themselves or a descendant, never under a
    // unit of another province.
    let so_id = so["id"].as_i64().expect("an id");
    let patch = |id: i64, body: Value| {
        api(
            &server,
            "PATCH",
            &format!("/api/v1/units/{id}"),
            Some(officer),
            Some(&body),
        )
    };
    refused(env, 422, "invalid_parent", || {
        patch(ubnd_id, json!({ "parent_id": so_id }))
    });
    refused(env, 422, "invalid_parent", || {
        patch(so_id, json!({ "parent_id": so_id }))
    });
    refused(env, 422, "invalid_parent", || {
        patch(so_id, json!({ "parent_id": hn["id"] }))
    });
    refused(env, 409, "duplicate_agency_code", || {
        patch(ubnd_id, json!({ "agency_code": "000.00.31.H29" }))
    });
    // Another province's unit: as a missing one.
    refused(env, 404, "not_found", || {
        api(
            &server,
            "PATCH",
            &format!("/api/v1/units/{}", hn["id"]),
            Some(officer),
            Some(&json!({ "agency_code": null })),
        )
    });
    let moved = patch(
        so_id,
        json!({ "parent_id": null, "agency_code": "000.00.31.h29" }),
    )
    .ok();
    assert_eq!(
        (&moved["parent_id"], &moved["agency_code"]),
        (&Value::Null, &json!("000.00.31.H29"))
    );
    patch(ubnd_id, json!({ "parent_id": so_id })).ok();
    refused(env, 422, "invalid_parent", || {
        patch(so_id, json!({ "parent_id": ubnd_id }))
    });
    patch(ubnd_id, json!({ "parent_id": null })).ok();
    patch(so_id, json!({ "parent_id": ubnd_id })).ok();

    // The page: the form has both fields, the list shows them, a bad code
    // is refused next to its field.
    let web = Browser::new(env, &server, "officer");
    web.sign_in(&mut officer_account);
    let page = web.page("/units");
    for needle in [
        r#"<select id="parent_id" name="parent_id""#,
        r#"id="agency_code" name="agency_code""#,
        "000.00.31.H29",
        "Mã định danh điện tử",
    ] {
        assert!(page.contains(needle), "{needle} in {page}");
    }
    let before = env.snapshot();
    let r = web.submit(
        "/units",
        "/units",
        &[
            ("name", "Sở Y tế"),
            ("province", "Cần Thơ"),
            ("parent_id", &ubnd_id.to_string()),
            ("agency_code", "H29.00.31.000"),
        ],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.body.contains(r#"id="agency_code-error" role="alert">Mã định danh điện tử của cơ quan có dạng 000.00.00.H00"#),
        "{}",
        r.body
    );
    assert_eq!(env.snapshot(), before);
    let r = web.submit(
        "/units",
        "/units",
        &[
            ("name", "Sở Y tế"),
            ("province", "Cần Thơ"),
            ("parent_id", &ubnd_id.to_string()),
            ("agency_code", "000.00.32.H29"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let row = env.query_strings("SELECT agency_code AS s FROM units WHERE name = 'Sở Y tế'");
    assert_eq!(row, ["000.00.32.H29"]);
    assert_eq!(
        env.query_i64("SELECT parent_id AS n FROM units WHERE name = 'Sở Y tế'"),
        ubnd_id
    );
    assert_audit_ok(env);
});

/// The token transitions the state machine allows (docs/tokens.md).
const ALLOWED: [(&str, &str); 7] = [
    ("active", "suspended"),
    ("suspended", "active"),
    ("suspended", "lost"),
    ("active", "lost"),
    ("active", "damaged"),
    ("active", "retired"),
    ("suspended", "retired"),
];

/// The request kind that moves a token to a state.
const KIND_TO: [(&str, &str); 5] = [
    ("token_suspend", "suspended"),
    ("token_found", "active"),
    ("token_lost", "lost"),
    ("token_damaged", "damaged"),
    ("token_retire", "retired"),
];

both_databases!(token_states_follow_the_state_machine, |env| {
    let (server, signed) = start(env);
    let (officer, approver) = (&signed[1].1, &signed[2].1);
    let sub = add_subscriber(
        &server,
        officer,
        "Nguyễn Văn An",
        "CCCD:092089031201",
        "Cần Thơ",
    );
    for t in ["TK-S", "TK-A", "TK-D", "TK-R", "TK-R2", "TK-X", "TK-Y"] {
        add_token(&server, officer, t, sub);
    }
    let carry_out = |body: Value| -> Value {
        let id = submit_ok(&server, officer, &body);
        approve_ok(&server, approver, id)
    };
    let csr = |name: &str| std::fs::read_to_string(env.csr_p256(name)).expect("csr");
    let issue_on = |token: &str, name: &str| -> String {
        let r = carry_out(json!({
            "kind": "issue", "subscriber_id": sub, "csr": csr(name), "token": token,
        }));
        result_serial(&server, officer, &r)
    };
    let token_status = |serial: &str| {
        env.query_strings(&format!(
            "SELECT status AS s FROM tokens WHERE serial = '{serial}'"
        ))[0]
            .clone()
    };
    let on_token = |token: &str, kind: &str| carry_out(json!({ "kind": kind, "token": token }));

    // active → suspended: the certificate on hold; suspended → active: it
    // is restored; suspended → lost: revoked keyCompromise, key blocked.
    let s = issue_on("TK-S", "s");
    let held = on_token("TK-S", "token_suspend");
    assert_eq!(held["state"], "issued");
    assert_eq!(token_status("TK-S"), "suspended");
    assert_eq!(cert_status(&server, officer, &s), "suspended");
    let reason = env.query_strings(&format!(
        "SELECT revocation_reason AS s FROM certificates WHERE serial = '{s}'"
    ));
    assert_eq!(
        reason
            .iter()
            .map(|r| r.to_lowercase().replace(['-', '_'], ""))
            .collect::<Vec<_>>(),
        ["certificatehold"]
    );
    on_token("TK-S", "token_found");
    assert_eq!(token_status("TK-S"), "active");
    assert_eq!(cert_status(&server, officer, &s), "good");
    on_token("TK-S", "token_suspend");
    let blocked = env.count("blocked_keys");
    on_token("TK-S", "token_lost");
    assert_eq!(token_status("TK-S"), "lost");
    assert_reason(env, &s, "keycompromise");
    assert_eq!(env.count("blocked_keys"), blocked + 1);

    // active → lost, active → damaged.
    on_token("TK-A", "token_lost");
    assert_eq!(token_status("TK-A"), "lost");
    on_token("TK-D", "token_damaged");
    assert_eq!(token_status("TK-D"), "damaged");

    // active → retired: revoked cessationOfOperation, no key blocked;
    // suspended → retired.
    let r = issue_on("TK-R", "r");
    let blocked = env.count("blocked_keys");
    on_token("TK-R", "token_retire");
    assert_eq!(token_status("TK-R"), "retired");
    assert_reason(env, &r, "cessationofoperation");
    assert_eq!(env.count("blocked_keys"), blocked);
    let r2 = issue_on("TK-R2", "r2");
    on_token("TK-R2", "token_suspend");
    on_token("TK-R2", "token_retire");
    assert_eq!(token_status("TK-R2"), "retired");
    assert_reason(env, &r2, "cessationofoperation");
    on_token("TK-Y", "token_suspend");

    // Every other transition, from every state, is refused at submission.
    let in_state = [
        ("TK-X", "active"),
        ("TK-Y", "suspended"),
        ("TK-A", "lost"),
        ("TK-D", "damaged"),
        ("TK-R", "retired"),
    ];
    let mut refusals = 0;
    for (token, from) in in_state {
        assert_eq!(token_status(token), from);
        for (kind, to) in KIND_TO {
            if ALLOWED.contains(&(from, to)) {
                continue;
            }
            let r = refused(env, 409, "token_unusable", || {
                submit(&server, officer, &json!({ "kind": kind, "token": token }))
            });
            let message = r.json()["error"]["message"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            assert!(
                message.contains(&format!("it is {from}: it cannot become {to}")),
                "{kind} on {from}: {message}"
            );
            refusals += 1;
        }
    }
    assert_eq!(refusals, 5 * 5 - ALLOWED.len());

    // The state is checked again at approval: a damaged report submitted
    // while TK-X was active is refused once TK-X is suspended.
    let damaged = submit_ok(
        &server,
        officer,
        &json!({ "kind": "token_damaged", "token": "TK-X" }),
    );
    on_token("TK-X", "token_suspend");
    refused(env, 409, "token_unusable", || {
        approve(&server, approver, damaged)
    });
    assert_eq!(token_status("TK-X"), "suspended");

    // The page says it next to the token field, in Vietnamese.
    let mut officer_account = signed[1].0.clone();
    let web = Browser::new(env, &server, "officer");
    web.sign_in(&mut officer_account);
    let form = web.page("/requests/new/token_retire");
    assert!(form.contains("Ngừng sử dụng thiết bị lưu khóa"), "{form}");
    let before = env.snapshot();
    let r = web.submit(
        "/requests/new/token_found",
        "/requests/new/token_found",
        &[("token", "TK-A")],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.body.contains(r#"id="token-error""#)
            && r.body.contains("Thiết bị TK-A đang ở trạng thái “Bị mất”")
            && !r.body.contains("it is "),
        "{}",
        r.body
    );
    assert_eq!(env.snapshot(), before);

    // The API document lists the new kinds.
    let doc = api(&server, "GET", "/api/v1/openapi.json", None, None).ok();
    let text = doc.to_string();
    assert!(text.contains("token_suspend") && text.contains("token_retire"));
    assert_audit_ok(env);
});
