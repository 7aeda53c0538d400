//! Unit rename / merger through the RA portal: one approval re-issues
//! every active certificate of the unit's subscribers (change of
//! information, same key), the new certificates checked with openssl
//! (subject, chain, public key), the old ones revoked superseded (API and
//! OCSP), one audit event per certificate; the refusals each with their
//! code and nothing changed; an interrupted job resumed by the next start
//! with no certificate issued twice; failed items retried.

#[macro_use]
mod common;
mod portal;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use portal::*;
use serde_json::{json, Value};

const OLD_NAME: &str = "Sở Thông tin và Truyền thông";
const NEW_NAME: &str = "Sở Khoa học, Công nghệ và Truyền thông";
const OTHER_UNIT: &str = "Sở Tài chính";
/// How long a small job may take on a loaded machine (a bound on the
/// wait, not a measurement).
const JOB_WAIT: Duration = Duration::from_secs(180);

/// The demo accounts signed in on a server with a fast OCSP refresh, and
/// `chain.pem` for openssl ocsp.
fn start_fast(env: &TestEnv) -> (Server, Vec<(Account, String)>) {
    let out = env.init_and_export();
    let root = std::fs::read_to_string(env.path("root.pem")).expect("root.pem");
    let gov = std::fs::read_to_string(env.path("gov-ca.pem")).expect("gov-ca.pem");
    env.write("chain.pem", format!("{gov}{root}"));
    let server = env.serve(&["--ocsp-refresh-secs", "1"]);
    let signed = accounts(&out)
        .into_iter()
        .map(|mut a| {
            let t = sign_in(&server, &mut a);
            (a, t)
        })
        .collect();
    (server, signed)
}

/// Registers an individual of `unit` (Cần Thơ) through the API.
fn add_member(server: &Server, token: &str, name: &str, cccd: &str, unit: &str) -> i64 {
    let body = json!({
        "kind": "individual", "name": name, "national_id": cccd,
        "province": "Cần Thơ", "unit": unit, "title": "Chuyên viên",
        "email": "canbo@cantho.gov.vn",
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

/// Subscribers of the tests: (name, CCCD).
const AN: (&str, &str) = ("Nguyễn Văn An", "CCCD:001089031733");
const BINH: (&str, &str) = ("Trần Thị Bình", "CCCD:001189031734");
const CUONG: (&str, &str) = ("Lê Văn Cường", "CCCD:001089031735");
const DUNG: (&str, &str) = ("Phạm Thị Dung", "CCCD:001189031736");

/// Registers each ((name, CCCD), unit) of Cần Thơ; returns their ids.
fn add_members<const N: usize>(
    server: &Server,
    token: &str,
    people: [((&str, &str), &str); N],
) -> [i64; N] {
    people.map(|((name, cccd), unit)| add_member(server, token, name, cccd, unit))
}

/// The id of the unit named `name`.
fn unit_id(server: &Server, token: &str, name: &str) -> i64 {
    let v = api(server, "GET", "/api/v1/units", Some(token), None).ok();
    v["units"]
        .as_array()
        .expect("a list")
        .iter()
        .find(|u| u["name"] == name)
        .and_then(|u| u["id"].as_i64())
        .unwrap_or_else(|| panic!("unit {name} in {v}"))
}

/// Issues a certificate (key `name`) through a request; returns its serial.
fn issue(
    env: &TestEnv,
    server: &Server,
    officer: &str,
    approver: &str,
    sub: i64,
    name: &str,
) -> String {
    let csr = std::fs::read_to_string(env.csr_p256(name)).expect("csr");
    let id = submit_ok(
        server,
        officer,
        &json!({ "kind": "issue", "subscriber_id": sub, "csr": csr }),
    );
    let r = approve_ok(server, approver, id);
    let serial = result_serial(server, officer, &r);
    download_and_verify(env, server, officer, &serial, name);
    serial
}

/// Suspends or revokes through a request.
fn change_status(server: &Server, officer: &str, approver: &str, body: &Value) {
    let id = submit_ok(server, officer, body);
    approve_ok(server, approver, id);
}

/// Waits until the request of a bulk job is no longer `approved`;
/// returns the job.
fn wait_job(server: &Server, token: &str, id: i64) -> Value {
    let start = Instant::now();
    loop {
        let v = api(
            server,
            "GET",
            &format!("/api/v1/bulk/{id}"),
            Some(token),
            None,
        )
        .ok();
        if v["request_state"] != "approved" {
            return v;
        }
        assert!(start.elapsed() < JOB_WAIT, "the job never ended: {v}");
        std::thread::sleep(Duration::from_millis(300));
    }
}

/// The certificate JSON of the API.
fn cert(server: &Server, token: &str, serial: &str) -> Value {
    api(
        server,
        "GET",
        &format!("/api/v1/certificates/{serial}"),
        Some(token),
        None,
    )
    .ok()
}

/// Checks a done item: the new certificate verifies, carries `unit` as
/// its OU and the old key; the old one is revoked superseded.
fn check_replaced(
    env: &TestEnv,
    server: &Server,
    token: &str,
    item: &Value,
    old_key: &str,
    unit: &str,
) {
    assert_eq!(item["state"], "done", "{item}");
    assert!(item["error"].is_null(), "{item}");
    let old = item["old_serial"].as_str().expect("old serial");
    let new = item["new_serial"].as_str().expect("new serial");
    assert_ne!(old, new);
    let name = format!("new-{old}");
    download_and_verify(env, server, token, new, &name);
    let path = env.path(&format!("{name}.pem"));
    let subject = env.openssl_ok(&[
        "x509",
        "-in",
        &path.display().to_string(),
        "-noout",
        "-subject",
        "-nameopt",
        "utf8",
    ]);
    assert!(
        subject.contains(&format!("OU={unit}")) || subject.contains(&format!("OU = {unit}")),
        "the new certificate carries the unit {unit:?}: {subject}"
    );
    assert_eq!(
        env.pubkey_of_cert(&path),
        env.pubkey_of_cert(&env.path(&format!("{old_key}.pem"))),
        "the new certificate re-uses the old key"
    );
    let o = cert(server, token, old);
    assert_eq!(
        (o["status"].as_str(), o["revocation_reason"].as_str()),
        (Some("revoked"), Some("superseded")),
        "{o}"
    );
    assert_eq!(cert(server, token, new)["status"], "good");
}

/// The old serial → item of a job.
fn item_of<'a>(job: &'a Value, old: &str) -> &'a Value {
    job["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["old_serial"] == old)
        .unwrap_or_else(|| panic!("an item for {old} in {job}"))
}

/// The change-of-information issuance events.
fn change_info_events(env: &TestEnv) -> i64 {
    env.query_i64(
        "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'certificate.issue' \
         AND details LIKE '%\"operation\":\"change-info\"%'",
    )
}

/// No certificate was replaced twice.
fn assert_replaced_once(env: &TestEnv) {
    assert_eq!(
        env.query_i64(
            "SELECT COUNT(*) AS n FROM (SELECT replaces_id FROM certificates \
             WHERE replaces_id IS NOT NULL GROUP BY replaces_id HAVING COUNT(*) > 1) AS t"
        ),
        0,
        "a certificate was replaced twice"
    );
}

both_databases!(rename_replaces_every_active_certificate, |env| {
    let (server, signed) = start_fast(env);
    let (officer, approver) = (&signed[1].1, &signed[2].1);
    let [a, b, c, d] = add_members(
        &server,
        officer,
        [
            (AN, OLD_NAME),
            (BINH, OLD_NAME),
            (CUONG, OLD_NAME),
            (DUNG, OTHER_UNIT),
        ],
    );
    let a1 = issue(env, &server, officer, approver, a, "a1");
    let a2 = issue(env, &server, officer, approver, a, "a2");
    let b1 = issue(env, &server, officer, approver, b, "b1");
    let b2 = issue(env, &server, officer, approver, b, "b2");
    let c1 = issue(env, &server, officer, approver, c, "c1");
    let d1 = issue(env, &server, officer, approver, d, "d1");
    change_status(
        &server,
        officer,
        approver,
        &json!({ "kind": "revoke", "serial": b2, "reason": "key-compromise" }),
    );
    change_status(
        &server,
        officer,
        approver,
        &json!({ "kind": "suspend", "serial": c1 }),
    );
    let unit = unit_id(&server, officer, OLD_NAME);
    let events_before = change_info_events(env);

    let id = submit_ok(
        &server,
        officer,
        &json!({ "kind": "unit_change", "unit_id": unit, "unit_name": NEW_NAME }),
    );
    let approved = approve(&server, approver, id).ok();
    assert!(
        ["approved", "issued"].contains(&approved["state"].as_str().unwrap_or_default()),
        "{approved}"
    );
    let job = wait_job(&server, approver, id);
    assert_eq!(job["request_state"], "issued", "{job}");
    assert_eq!(
        (&job["total"], &job["done"], &job["failed"], &job["pending"]),
        (&json!(3), &json!(3), &json!(0), &json!(0)),
        "{job}"
    );
    assert_eq!(job["skipped_suspended"], 1, "{job}");
    assert_eq!(job["unit_name"], NEW_NAME);
    assert_eq!(job["action"], "rename");
    for (old, key) in [(&a1, "a1"), (&a2, "a2"), (&b1, "b1")] {
        check_replaced(env, &server, approver, item_of(&job, old), key, NEW_NAME);
    }
    // The unit has its new name; the others are untouched.
    let units = api(&server, "GET", "/api/v1/units", Some(officer), None).ok();
    assert!(
        units["units"]
            .as_array()
            .expect("units")
            .iter()
            .any(|u| u["id"] == unit && u["name"] == NEW_NAME),
        "{units}"
    );
    assert_eq!(cert(&server, officer, &c1)["status"], "suspended");
    let b2v = cert(&server, officer, &b2);
    assert_eq!(b2v["revocation_reason"], "key-compromise", "{b2v}");
    assert_eq!(cert(&server, officer, &d1)["status"], "good");
    // OCSP says so too.
    let a1_path = env.p("a1.pem");
    let ocsp = server.wait_for(
        env,
        &["-issuer", "gov-ca.pem", "-cert", &a1_path],
        &["revoked", "superseded"],
    );
    assert!(ocsp.contains("Reason: superseded"), "{ocsp}");
    // One issuance event per certificate, by the approver.
    assert_eq!(change_info_events(env) - events_before, 3);
    assert_eq!(
        env.query_i64(
            "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'certificate.issue' \
             AND details LIKE '%\"operation\":\"change-info\"%' AND actor = 'portal:approver'"
        ),
        3
    );
    assert_replaced_once(env);
    assert_eq!(
        env.query_i64("SELECT COUNT(*) AS n FROM certificates WHERE status = 'pending'"),
        0
    );
    // The request's page links to the progress page, which shows the items.
    let mut account = signed[2].0.clone();
    let browser = Browser::new(env, &server, "approver");
    browser.sign_in(&mut account);
    let page = browser.page(&format!("/requests/{id}"));
    assert!(page.contains(&format!("/bulk/{id}")), "{page}");
    let page = browser.page(&format!("/bulk/{id}"));
    assert!(
        page.contains("Đã cấp lại") && page.contains("<progress"),
        "{page}"
    );
    assert!(
        page.contains(&a1) && !page.contains("http-equiv=\"refresh\""),
        "{page}"
    );
    assert_audit_ok(env);
});

both_databases!(merger_moves_the_subscribers, |env| {
    let (server, signed) = start_fast(env);
    let (officer, approver) = (&signed[1].1, &signed[2].1);
    let [a, b, d] = add_members(
        &server,
        officer,
        [(AN, OLD_NAME), (BINH, OLD_NAME), (DUNG, OTHER_UNIT)],
    );
    let a1 = issue(env, &server, officer, approver, a, "a1");
    let b1 = issue(env, &server, officer, approver, b, "b1");
    let d1 = issue(env, &server, officer, approver, d, "d1");
    let from = unit_id(&server, officer, OLD_NAME);
    let into = unit_id(&server, officer, OTHER_UNIT);

    // The officer asks through the page form (the rename test uses the
    // API): a unit merged into itself is refused next to the field, and
    // nothing is recorded; then the real merger.
    let mut officer_account = signed[1].0.clone();
    let browser = Browser::new(env, &server, "officer-merge");
    browser.sign_in(&mut officer_account);
    let form = "/requests/new/unit_change";
    let (from_s, into_s) = (from.to_string(), into.to_string());
    let requests_before = env.count("requests");
    let r = browser.submit(form, form, &[("unit_id", &from_s), ("merge_into", &from_s)]);
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.body.contains(r#"id="merge_into-error""#),
        "the refusal is shown next to the field: {}",
        r.body
    );
    assert_eq!(env.count("requests"), requests_before);
    let r = browser.submit(form, form, &[("unit_id", &from_s), ("merge_into", &into_s)]);
    assert_eq!(r.status, 303, "{}", r.body);
    let id: i64 = r
        .location()
        .and_then(|l| l.strip_prefix("/requests/")?.parse().ok())
        .unwrap_or_else(|| panic!("redirected to the request: {:?}", r.location()));
    approve(&server, approver, id).ok();
    let job = wait_job(&server, approver, id);
    assert_eq!(job["request_state"], "issued", "{job}");
    assert_eq!(
        (&job["total"], &job["done"]),
        (&json!(2), &json!(2)),
        "{job}"
    );
    assert_eq!(job["action"], "merge");
    for (old, key) in [(&a1, "a1"), (&b1, "b1")] {
        check_replaced(env, &server, approver, item_of(&job, old), key, OTHER_UNIT);
    }
    for s in [a, b, d] {
        let v = api(
            &server,
            "GET",
            &format!("/api/v1/subscribers/{s}"),
            Some(officer),
            None,
        )
        .ok();
        assert_eq!(
            v["unit_id"], into,
            "subscriber {s} belongs to the unit merged into: {v}"
        );
    }
    assert_eq!(cert(&server, officer, &d1)["status"], "good");
    assert_eq!(change_info_events(env), 2);
    assert_replaced_once(env);
    assert_audit_ok(env);
});

/// Runs `call`, asserts its status and code, and that nothing changed.
fn refused(env: &TestEnv, status: u16, code: &str, call: impl FnOnce() -> Reply) {
    let state = || {
        (
            env.snapshot(),
            env.query_strings("SELECT state AS s FROM requests ORDER BY id"),
            env.query_strings("SELECT name AS s FROM units ORDER BY id"),
            env.query_strings(
                "SELECT CAST(COALESCE(unit_id, 0) AS TEXT) AS s FROM subscribers ORDER BY id",
            ),
            env.count("bulk_jobs"),
            env.count("bulk_items"),
        )
    };
    let before = state();
    call().expect_error(status, code);
    assert_eq!(before, state(), "a refused {code} changed the database");
}

both_databases!(refusals_change_nothing, |env| {
    let (server, signed) = start(env);
    let (admin, officer, approver) = (&signed[0].1, &signed[1].1, &signed[2].1);
    let (hn_officer, hn_approver) = ha_noi_accounts(env, &server);
    let [a, _] = add_members(&server, officer, [(AN, OLD_NAME), (DUNG, OTHER_UNIT)]);
    issue(env, &server, officer, approver, a, "a1");
    let unit = unit_id(&server, officer, OLD_NAME);
    let other = unit_id(&server, officer, OTHER_UNIT);
    let hn_unit = api(
        &server,
        "POST",
        "/api/v1/units",
        Some(&hn_officer),
        Some(&json!({ "name": "Sở Nội vụ", "province": "Hà Nội" })),
    )
    .ok()["id"]
        .as_i64()
        .expect("an id");
    let rename = |name: &str| json!({ "kind": "unit_change", "unit_id": unit, "unit_name": name });

    // Bad input at submission.
    refused(env, 422, "self_merge", || {
        submit(
            &server,
            officer,
            &json!({ "kind": "unit_change", "unit_id": unit, "merge_into": unit }),
        )
    });
    refused(env, 409, "unit_name_taken", || {
        submit(&server, officer, &rename(OTHER_UNIT))
    });
    refused(env, 409, "unit_name_taken", || {
        submit(&server, officer, &rename(OLD_NAME))
    });
    refused(env, 422, "invalid_unit_name", || {
        submit(&server, officer, &rename("   "))
    });
    refused(env, 422, "invalid_unit_name", || {
        submit(&server, officer, &rename(&"Đ".repeat(201)))
    });
    refused(env, 422, "other_province", || {
        submit(
            &server,
            officer,
            &json!({ "kind": "unit_change", "unit_id": unit, "merge_into": hn_unit }),
        )
    });
    refused(env, 422, "invalid_unit_change", || {
        submit(
            &server,
            officer,
            &json!({ "kind": "unit_change", "unit_id": unit, "merge_into": other, "unit_name": "Sở Mới" }),
        )
    });
    refused(env, 422, "invalid_unit_change", || {
        submit(
            &server,
            officer,
            &json!({ "kind": "unit_change", "unit_id": unit }),
        )
    });
    refused(env, 422, "missing_field", || {
        submit(
            &server,
            officer,
            &json!({ "kind": "unit_change", "unit_name": "Sở Mới" }),
        )
    });
    refused(env, 422, "field_not_allowed", || {
        submit(
            &server,
            officer,
            &json!({ "kind": "unit_change", "unit_id": unit, "unit_name": "Sở Mới", "serial": "01" }),
        )
    });
    refused(env, 422, "field_not_allowed", || {
        submit(
            &server,
            officer,
            &json!({ "kind": "revoke", "serial": "01", "reason": "superseded", "unit_id": unit }),
        )
    });
    refused(env, 404, "not_found", || {
        submit(
            &server,
            officer,
            &json!({ "kind": "unit_change", "unit_id": 999_999, "unit_name": "Sở Mới" }),
        )
    });
    // Another province's officer; an approver submitting.
    refused(env, 404, "not_found", || {
        submit(&server, &hn_officer, &rename("Sở Mới"))
    });
    refused(env, 403, "forbidden", || {
        submit(&server, approver, &rename("Sở Mới"))
    });

    // Deciding: one's own request, an officer, another province.
    let own = submit_ok(&server, admin, &rename("Sở Mới"));
    refused(env, 409, "duplicate_request", || {
        submit(&server, officer, &rename("Sở Mới hơn"))
    });
    refused(env, 403, "own_request", || approve(&server, admin, own));
    refused(env, 403, "forbidden", || approve(&server, officer, own));
    refused(env, 404, "not_found", || {
        approve(&server, &hn_approver, own)
    });
    // The name taken meanwhile: refused at approval, nothing changed.
    api(
        &server,
        "POST",
        "/api/v1/units",
        Some(officer),
        Some(&json!({ "name": "Sở Mới", "province": "Cần Thơ" })),
    )
    .ok();
    refused(env, 409, "unit_name_taken", || {
        approve(&server, approver, own)
    });
    // Retrying what has not failed; unknown jobs.
    refused(env, 409, "no_bulk_job", || {
        api(
            &server,
            "POST",
            &format!("/api/v1/bulk/{own}/retry"),
            Some(approver),
            None,
        )
    });
    refused(env, 404, "not_found", || {
        api(&server, "GET", "/api/v1/bulk/999999", Some(approver), None)
    });
    api(
        &server,
        "POST",
        &format!("/api/v1/requests/{own}/reject"),
        Some(approver),
        Some(&json!({ "comment": "Tên đã có" })),
    )
    .ok();
    let ok = submit_ok(&server, officer, &rename("Sở Thông tin"));
    approve(&server, approver, ok).ok();
    let job = wait_job(&server, approver, ok);
    assert_eq!(job["request_state"], "issued", "{job}");
    refused(env, 409, "not_failed", || {
        api(
            &server,
            "POST",
            &format!("/api/v1/bulk/{ok}/retry"),
            Some(approver),
            None,
        )
    });
    refused(env, 403, "forbidden", || {
        api(
            &server,
            "POST",
            &format!("/api/v1/bulk/{ok}/retry"),
            Some(officer),
            None,
        )
    });
    refused(env, 404, "not_found", || {
        api(
            &server,
            "GET",
            &format!("/api/v1/bulk/{ok}"),
            Some(&hn_officer),
            None,
        )
    });
    assert_audit_ok(env);
});

/// The CA of the test's data directory and database, opened in-process.
fn open_ca(env: &TestEnv) -> Arc<ca_core::Ca> {
    let url = env.database_url();
    let config =
        ca_core::config::CaConfig::load(env.data_dir(), Some(&url), None, None, None, None)
            .expect("the configuration");
    Arc::new(ca_core::Ca::open(config).expect("open the CA"))
}

/// Sets up a unit of five subscribers with one certificate each, and a
/// submitted rename; stops the server. Returns (serials, request id,
/// approver token).
fn five_and_a_rename(env: &TestEnv) -> (Vec<String>, i64, String) {
    let (server, signed) = start(env);
    let (officer, approver) = (&signed[1].1, &signed[2].1);
    let mut serials = Vec::new();
    for n in 0..5 {
        let sub = add_member(
            &server,
            officer,
            &format!("Cán bộ Số {n}"),
            &format!("CCCD:00108903174{n}"),
            OLD_NAME,
        );
        serials.push(issue(
            env,
            &server,
            officer,
            approver,
            sub,
            &format!("k{n}"),
        ));
    }
    let unit = unit_id(&server, officer, OLD_NAME);
    let id = submit_ok(
        &server,
        officer,
        &json!({ "kind": "unit_change", "unit_id": unit, "unit_name": NEW_NAME }),
    );
    server.kill();
    (serials, id, approver.clone())
}

both_databases!(interrupted_job_resumes_without_issuing_twice, |env| {
    let (serials, id, approver_token) = five_and_a_rename(env);
    {
        let ca = open_ca(env);
        let approver = ra_portal::accounts::api_token_user(ca.store(), &approver_token, None)
            .expect("the approver");
        let row = ra_portal::requests::approve(&ca, &approver, id, None).expect("approve");
        assert_eq!(row.state.as_str(), "approved");
        // Two items, then the process "dies".
        let p = ra_portal::bulk::process(&ca, id, Some(2)).expect("process two");
        assert_eq!((p.processed, p.counts.done, p.counts.pending), (2, 2, 3));
        assert!(!p.finished);
        // A worker that died between the CA's commit and its own: the
        // third certificate is replaced, its item still pending, its
        // lease not yet lapsed... then lapsed.
        let third = env.query_i64(&format!(
            "SELECT certificate_id AS n FROM bulk_items WHERE request_id = {id} AND state = 'pending' ORDER BY id LIMIT 1"
        ));
        let serial: ca_core::serial::Serial = env.query_strings(&format!(
            "SELECT serial AS s FROM certificates WHERE id = {third}"
        ))[0]
            .parse()
            .expect("a serial");
        ca.change_info(&ca_core::lifecycle::ReplaceRequest {
            cert: ca_core::lifecycle::CertificateRef::serial(serial),
            csr: None,
            days: None,
            reason: None,
            token: None,
            changes: ca_core::registry::SubscriberChanges::default(),
            actor: "portal:approver",
        })
        .expect("the replacement a dead worker made");
        env.sql(&format!(
            "UPDATE bulk_jobs SET claimed_by = 'dead', claimed_until = '2000-01-01 00:00:00' WHERE request_id = {id}"
        ));
    }
    assert_eq!(change_info_events(env), 3);
    // The next start finishes the job.
    let server = env.serve(&[]);
    let job = wait_job(&server, &approver_token, id);
    assert_eq!(job["request_state"], "issued", "{job}");
    assert_eq!(
        (&job["total"], &job["done"], &job["failed"]),
        (&json!(5), &json!(5), &json!(0))
    );
    for (n, s) in serials.iter().enumerate() {
        check_replaced(
            env,
            &server,
            &approver_token,
            item_of(&job, s),
            &format!("k{n}"),
            NEW_NAME,
        );
    }
    assert_replaced_once(env);
    assert_eq!(
        change_info_events(env),
        5,
        "five certificates, none issued twice"
    );
    assert_eq!(
        env.query_i64("SELECT COUNT(*) AS n FROM certificates WHERE replaces_id IS NOT NULL"),
        5
    );
    assert_eq!(
        env.query_i64(&format!(
            "SELECT COUNT(*) AS n FROM bulk_jobs WHERE request_id = {id} AND claimed_by IS NULL AND finished_at IS NOT NULL"
        )),
        1
    );
    assert_audit_ok(env);
});

both_databases!(failed_items_are_retried, |env| {
    let (serials, id, approver_token) = five_and_a_rename(env);
    {
        let ca = open_ca(env);
        let approver = ra_portal::accounts::api_token_user(ca.store(), &approver_token, None)
            .expect("the approver");
        ra_portal::requests::approve(&ca, &approver, id, None).expect("approve");
        // Suspended after the approval: its item fails, the others go on.
        let serial: ca_core::serial::Serial = serials[1].parse().expect("a serial");
        let suspended = ca_core::lifecycle::CertificateRef::serial(serial);
        ca.suspend(&suspended, "portal:approver").expect("suspend");
        let p = ra_portal::bulk::process(&ca, id, None).expect("process");
        assert!(p.finished);
        assert_eq!((p.counts.done, p.counts.failed), (4, 1));
        ca.restore(&suspended, "portal:approver").expect("restore");
    }
    let server = env.serve(&[]);
    let job = api(
        &server,
        "GET",
        &format!("/api/v1/bulk/{id}"),
        Some(&approver_token),
        None,
    )
    .ok();
    assert_eq!(job["request_state"], "failed", "{job}");
    let request = api(
        &server,
        "GET",
        &format!("/api/v1/requests/{id}"),
        Some(&approver_token),
        None,
    )
    .ok();
    let error = request["error"].as_str().unwrap_or_default();
    assert!(error.starts_with("1 of 5 certificates"), "{request}");
    let failed = item_of(&job, &serials[1]);
    assert_eq!(failed["state"], "failed");
    assert!(
        failed["error"]
            .as_str()
            .unwrap_or_default()
            .contains("suspended"),
        "{failed}"
    );
    assert_eq!(
        cert(&server, &approver_token, &serials[1])["status"],
        "good"
    );

    let retried = api(
        &server,
        "POST",
        &format!("/api/v1/bulk/{id}/retry"),
        Some(&approver_token),
        None,
    )
    .ok();
    assert!(
        ["approved", "issued"].contains(&retried["state"].as_str().unwrap_or_default()),
        "{retried}"
    );
    let job = wait_job(&server, &approver_token, id);
    assert_eq!(job["request_state"], "issued", "{job}");
    assert_eq!((&job["done"], &job["failed"]), (&json!(5), &json!(0)));
    check_replaced(
        env,
        &server,
        &approver_token,
        item_of(&job, &serials[1]),
        "k1",
        NEW_NAME,
    );
    assert_replaced_once(env);
    assert_eq!(change_info_events(env), 5);
    assert_audit_ok(env);
});
