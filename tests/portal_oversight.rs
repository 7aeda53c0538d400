//! What approvers and administrators see and do (issue 16, items 9 and 3),
//! on both databases: a token's page lists its certificates and only the
//! actions its state allows; an administrator revokes a lost token's
//! certificates at once (OCSP says revoked, the audit log says emergency)
//! and the approvers acknowledge it, once; a request's page and API show
//! the subject the certificate will carry, its validity, key and the
//! key's SHA-256 fingerprint (checked against openssl), the CSR's own
//! subject and its differences, and the resulting serial; a unit merger's
//! page names both units and lists the certificates it will replace.

#[macro_use]
mod common;
mod portal;

use serde_json::{json, Value};

use common::*;
use portal::*;

/// SHA-256 of the DER SubjectPublicKeyInfo of a CSR's key, by openssl.
fn openssl_spki_sha256(env: &TestEnv, csr: &std::path::Path) -> String {
    let script = format!(
        "openssl req -in '{}' -pubkey -noout | openssl pkey -pubin -outform DER | sha256sum",
        csr.display()
    );
    let out = std::process::Command::new("sh")
        .args(["-c", &script])
        .current_dir(env.work_dir())
        .output()
        .expect("openssl");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .expect("a digest")
        .to_owned()
}

/// Registers an individual of `unit` (Cần Thơ) through the API.
fn person(server: &Server, token: &str, name: &str, cccd: &str, unit: &str) -> i64 {
    let body = json!({
        "kind": "individual", "name": name, "national_id": cccd,
        "province": "Cần Thơ", "unit": unit, "title": "Chuyên viên",
    });
    api(
        server,
        "POST",
        "/api/v1/subscribers",
        Some(token),
        Some(&body),
    )
    .ok()["id"]
        .as_i64()
        .expect("an id")
}

both_databases!(token_page_and_emergency_revocation, |env| {
    let out = env.init_and_export();
    let root = std::fs::read_to_string(env.path("root.pem")).expect("root.pem");
    let gov = std::fs::read_to_string(env.path("gov-ca.pem")).expect("gov-ca.pem");
    env.write("chain.pem", format!("{gov}{root}"));
    let all = accounts(&out);
    let server = env.serve(&["--ocsp-refresh-secs", "1"]);
    let mut admin = account(&all, "admin");
    let mut officer = account(&all, "officer");
    let mut approver = account(&all, "approver");
    let (at, ot, pt) = (
        sign_in(&server, &mut admin),
        sign_in(&server, &mut officer),
        sign_in(&server, &mut approver),
    );
    let sub = add_subscriber(&server, &ot, "Lê Thị Hoa", "CCCD:001089031766", "Cần Thơ");
    add_token(&server, &ot, "TK-LOST-1", sub);
    let mut serials = Vec::new();
    for name in ["hoa1", "hoa2"] {
        let csr = std::fs::read_to_string(env.csr_p256(name)).expect("csr");
        let id = submit_ok(
            &server,
            &ot,
            &json!({ "kind": "issue", "subscriber_id": sub, "csr": csr, "token": "TK-LOST-1" }),
        );
        let done = approve_ok(&server, &pt, id);
        let serial = done["result_serial"]
            .as_str()
            .expect("the serial")
            .to_owned();
        assert_eq!(serial, result_serial(&server, &ot, &done));
        serials.push(serial);
    }
    download_and_verify(env, &server, &ot, &serials[0], "hoa1");

    // The token's page (API and web): its certificates and the actions of
    // an active token; no emergency button for an officer.
    let v = api(&server, "GET", "/api/v1/tokens/TK-LOST-1", Some(&ot), None).ok();
    assert_eq!(v["status"], "active", "{v}");
    assert_eq!(
        v["actions"],
        json!([
            "token_suspend",
            "token_lost",
            "token_damaged",
            "token_retire"
        ]),
        "{v}"
    );
    assert_eq!(v["emergency_allowed"], json!(false), "{v}");
    let listed: Vec<&str> = v["certificates"]
        .as_array()
        .expect("certificates")
        .iter()
        .filter_map(|c| c["serial"].as_str())
        .collect();
    assert_eq!(
        listed,
        serials.iter().map(String::as_str).collect::<Vec<_>>()
    );
    let web = Browser::new(env, &server, "officer");
    web.sign_in(&mut officer);
    let page = web.page("/tokens/TK-LOST-1");
    for s in &serials {
        assert!(
            page.contains(&format!(r#"href="/certificates/{s}""#)),
            "{page}"
        );
    }
    assert!(
        page.contains(r#"href="/requests/new/token_suspend?token=TK-LOST-1""#),
        "{page}"
    );
    assert!(
        !page.contains(r#"href="/requests/new/token_found"#),
        "{page}"
    );
    assert!(!page.contains("emergency-lost"), "{page}");
    assert!(web.page("/tokens").contains(r#"href="/tokens/TK-LOST-1""#));
    // A suspended token offers found, lost and retire, never damaged.
    let id = submit_ok(
        &server,
        &ot,
        &json!({ "kind": "token_suspend", "token": "TK-LOST-1" }),
    );
    approve_ok(&server, &pt, id);
    let v = api(&server, "GET", "/api/v1/tokens/TK-LOST-1", Some(&ot), None).ok();
    assert_eq!(
        v["actions"],
        json!(["token_found", "token_lost", "token_retire"]),
        "{v}"
    );
    let page = web.page("/tokens/TK-LOST-1");
    assert!(
        page.contains(r#"href="/requests/new/token_found?token=TK-LOST-1""#),
        "{page}"
    );
    assert!(
        !page.contains(r#"href="/requests/new/token_damaged"#),
        "{page}"
    );

    // Only an administrator revokes without approval.
    api(
        &server,
        "POST",
        "/api/v1/tokens/TK-LOST-1/emergency-lost",
        Some(&ot),
        None,
    )
    .expect_error(403, "forbidden");
    let admin_web = Browser::new(env, &server, "admin");
    admin_web.sign_in(&mut admin);
    let page = admin_web.page("/tokens/TK-LOST-1");
    assert!(
        page.contains(r#"action="/tokens/TK-LOST-1/emergency-lost""#),
        "{page}"
    );
    let r = admin_web.submit("/tokens/TK-LOST-1", "/tokens/TK-LOST-1/emergency-lost", &[]);
    assert_eq!(
        (r.status, r.location().as_deref()),
        // (the helper lowercases header lines)
        (303, Some("/tokens/tk-lost-1")),
        "{}",
        r.body
    );
    // At once: every certificate revoked, the token lost, OCSP says so.
    for s in &serials {
        assert_eq!(cert_status(&server, &ot, s), "revoked");
    }
    let v = api(&server, "GET", "/api/v1/tokens/TK-LOST-1", Some(&ot), None).ok();
    assert_eq!(
        (v["status"].as_str(), &v["actions"]),
        (Some("lost"), &json!([])),
        "{v}"
    );
    server.wait_for(
        env,
        &["-issuer", "gov-ca.pem", "-cert", "hoa1.pem"],
        &["hoa1.pem: revoked", "Reason: keyCompromise"],
    );
    // A final state: no emergency twice.
    api(
        &server,
        "POST",
        "/api/v1/tokens/TK-LOST-1/emergency-lost",
        Some(&at),
        None,
    )
    .expect_error(409, "token_unusable");
    // The audit log marks it as an emergency, by the administrator.
    let details = env.query_strings(
        "SELECT details AS s FROM audit_events WHERE action = 'token.lost' AND actor = 'portal:admin'",
    );
    assert_eq!(details.len(), 1, "{details:?}");
    let d: Value = serde_json::from_str(&details[0]).expect("JSON details");
    assert_eq!(d["emergency"], json!(true), "{d}");
    assert_eq!(d["revoked"].as_array().map(Vec::len), Some(2), "{d}");

    // The approvers see it on the dashboard and the requests page, and
    // acknowledge it once; the administrator who did it cannot.
    let v = api(&server, "GET", "/api/v1/emergencies", Some(&pt), None).ok();
    let list = v["emergencies"].as_array().expect("a list");
    assert_eq!(list.len(), 1, "{v}");
    let eid = list[0]["id"].as_i64().expect("an id");
    assert_eq!(list[0]["performed_by"], "admin");
    let approver_web = Browser::new(env, &server, "approver");
    approver_web.sign_in(&mut approver);
    let ack = format!("/emergencies/{eid}/acknowledge");
    let ack_api = format!("/api/v1{ack}");
    assert!(approver_web
        .page("/dashboard")
        .contains(&format!(r#"action="{ack}""#)));
    assert!(approver_web.page("/requests").contains("TK-LOST-1"));
    api(&server, "POST", &ack_api, Some(&at), None).expect_error(403, "own_request");
    api(&server, "POST", &ack_api, Some(&ot), None).expect_error(403, "forbidden");
    let r = approver_web.submit("/dashboard", &ack, &[]);
    assert_eq!(
        (r.status, r.location().as_deref()),
        (303, Some("/requests")),
        "{}",
        r.body
    );
    api(&server, "POST", &ack_api, Some(&pt), None).expect_error(409, "already_acknowledged");
    let v = api(&server, "GET", "/api/v1/emergencies", Some(&pt), None).ok();
    assert_eq!(v["emergencies"], json!([]), "{v}");
    assert!(!approver_web.page("/dashboard").contains(&ack));
    assert_eq!(
        env.query_i64(
            "SELECT COUNT(*) AS n FROM audit_events \
             WHERE action = 'emergency.acknowledge' AND actor = 'portal:approver'"
        ),
        1
    );
    assert_audit_ok(env);
});

both_databases!(approvers_see_what_they_approve, |env| {
    let (server, signed) = start(env);
    let (ot, pt) = (signed[1].1.clone(), signed[2].1.clone());
    let mut approver = signed[2].0.clone();
    let sub = person(
        &server,
        &ot,
        "Trần Văn Bảo",
        "CCCD:001089031777",
        "Sở Tài chính",
    );
    env.csr_p256("bao");
    let csr_path = env.csr_for_key("bao", "bao-named", "/CN=Tran Van Bao/O=Wrong Org");
    let csr = std::fs::read_to_string(&csr_path).expect("csr");
    let id = submit_ok(
        &server,
        &ot,
        &json!({ "kind": "issue", "subscriber_id": sub, "csr": csr, "days": 365 }),
    );

    // The API: the certificate-to-be, the dry run, the key's fingerprint
    // as openssl computes it.
    let v = api(
        &server,
        "GET",
        &format!("/api/v1/requests/{id}"),
        Some(&pt),
        None,
    )
    .ok();
    let fp = openssl_spki_sha256(env, &csr_path);
    let c = &v["preview"]["certificate"];
    assert_eq!(c["spki_sha256"].as_str(), Some(fp.as_str()), "{v}");
    assert_eq!(c["key"], "ECDSA P-256", "{v}");
    let subject = c["subject"].as_str().expect("a subject");
    assert!(subject.contains("CN=Trần Văn Bảo"), "{subject}");
    assert!(subject.contains("Sở Tài chính"), "{subject}");
    let days = (unix_seconds(c["not_after"].as_str().expect("not_after"))
        - unix_seconds(c["not_before"].as_str().expect("not_before")))
        / 86_400;
    assert_eq!(days, 365, "{v}");
    assert_eq!(v["check"]["accepted"], json!(true), "{v}");
    let csr_subject = v["preview"]["csr_subject"]
        .as_str()
        .expect("the CSR's subject");
    assert!(csr_subject.contains("CN=Tran Van Bao"), "{csr_subject}");
    let attributes: Vec<&str> = v["preview"]["differences"]
        .as_array()
        .expect("differences")
        .iter()
        .filter_map(|d| d["attribute"].as_str())
        .collect();
    assert!(
        attributes.contains(&"CN") && attributes.contains(&"O"),
        "{v}"
    );
    assert_eq!(v["result_serial"], Value::Null);

    // The page says the same to the approver.
    let web = Browser::new(env, &server, "approver");
    web.sign_in(&mut approver);
    let page = web.page(&format!("/requests/{id}"));
    for needle in [
        format!(r#"<code class="spki-sha256">{fp}</code>"#),
        "ECDSA P-256".to_owned(),
        "Trần Văn Bảo".to_owned(),
        "CN=Tran Van Bao".to_owned(),
        "Kiểm tra thử: CA sẽ chấp nhận".to_owned(),
    ] {
        assert!(page.contains(&needle), "{needle} not in {page}");
    }
    // Once issued: the serial, linked, and the certificate has that subject.
    let done = approve_ok(&server, &pt, id);
    let serial = done["result_serial"]
        .as_str()
        .expect("the serial")
        .to_owned();
    let page = web.page(&format!("/requests/{id}"));
    assert!(
        page.contains(&format!(r#"href="/certificates/{serial}""#)),
        "{page}"
    );
    let list = api(
        &server,
        "GET",
        "/api/v1/requests?state=issued",
        Some(&pt),
        None,
    )
    .ok();
    assert!(
        list["requests"]
            .as_array()
            .expect("a list")
            .iter()
            .any(|r| r["result_serial"] == json!(serial)),
        "{list}"
    );
    let cert = api(
        &server,
        "GET",
        &format!("/api/v1/certificates/{serial}"),
        Some(&pt),
        None,
    )
    .ok();
    assert_eq!(cert["subject"].as_str(), Some(subject), "{cert}");

    // A request the CA would refuse: the dry run says so on the page.
    let again = submit(
        &server,
        &ot,
        &json!({ "kind": "suspend", "serial": serial }),
    )
    .ok();
    let rid = again["id"].as_i64().expect("an id");
    let revoke = submit_ok(
        &server,
        &ot,
        &json!({ "kind": "revoke", "serial": serial, "reason": "superseded" }),
    );
    approve_ok(&server, &pt, revoke);
    let v = api(
        &server,
        "GET",
        &format!("/api/v1/requests/{rid}"),
        Some(&pt),
        None,
    )
    .ok();
    assert_eq!(v["check"]["accepted"], json!(false), "{v}");
    assert!(web
        .page(&format!("/requests/{rid}"))
        .contains("Kiểm tra thử: CA sẽ từ chối"));

    // A unit merger: both units by name, the certificates it replaces.
    let other = person(
        &server,
        &ot,
        "Ngô Thị Cúc",
        "CCCD:001089031788",
        "Sở Nội vụ",
    );
    let csr = std::fs::read_to_string(env.csr_p256("cuc")).expect("csr");
    let issued = submit_ok(
        &server,
        &ot,
        &json!({ "kind": "issue", "subscriber_id": other, "csr": csr }),
    );
    let cuc_serial = approve_ok(&server, &pt, issued)["result_serial"]
        .as_str()
        .expect("a serial")
        .to_owned();
    let units = api(&server, "GET", "/api/v1/units", Some(&ot), None).ok();
    let unit_id = |name: &str| {
        units["units"]
            .as_array()
            .expect("units")
            .iter()
            .find(|u| u["name"] == name)
            .and_then(|u| u["id"].as_i64())
            .unwrap_or_else(|| panic!("unit {name} in {units}"))
    };
    let merge = submit_ok(
        &server,
        &ot,
        &json!({ "kind": "unit_change", "unit_id": unit_id("Sở Nội vụ"), "merge_into": unit_id("Sở Tài chính") }),
    );
    let v = api(
        &server,
        "GET",
        &format!("/api/v1/requests/{merge}"),
        Some(&pt),
        None,
    )
    .ok();
    let change = &v["unit_change"];
    assert_eq!(change["unit"]["name"], "Sở Nội vụ", "{v}");
    assert_eq!(change["merge_into"]["name"], "Sở Tài chính", "{v}");
    assert_eq!(change["replaced_count"], json!(1), "{v}");
    assert_eq!(change["replaced"][0]["serial"], json!(cuc_serial), "{v}");
    let page = web.page(&format!("/requests/{merge}"));
    for needle in ["Sở Nội vụ", "Sở Tài chính", cuc_serial.as_str()] {
        assert!(page.contains(needle), "{needle} not in {page}");
    }
    assert!(page.contains(r#"<p class="replaced-count">"#), "{page}");
});
