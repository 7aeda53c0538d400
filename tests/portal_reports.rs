//! Reports and the audit view of the RA portal, on both databases: a known
//! situation built through the API (two provinces, units, individual and
//! organization certificates, one suspended, one revoked, one expiring
//! soon), then the exact figures in the JSON, the same figures in the CSV
//! and on the page (with its SVG charts), officers held to their province,
//! the "units with an organization certificate" fraction, a turnaround
//! breach; the audit log filtered, paginated, its chain check, and the
//! break shown after tampering. Bad input answers 422 with its code, or
//! the form message next to the field, and changes nothing.
//!
//! Two things cannot be made through the API and are written with SQL, as
//! the comments where they happen say: an expired certificate (the CA never
//! signs one with a notAfter in the past, so a certificate's `not_after`
//! is moved back) and a late request (its `submitted_at` is moved back 14
//! days).

#[macro_use]
mod common;
mod portal;

use chrono::{Duration, Utc};
use common::*;
use portal::*;
use serde_json::{json, Value};

const CT: &str = "Cần Thơ";
const HN: &str = "Hà Nội";
const SKHCN: &str = "Sở Khoa học và Công nghệ";

/// Signs in an account made by `user add`.
fn extra_account(env: &TestEnv, server: &Server, args: &[&str]) -> (Account, String) {
    let mut a = user_add(env, args);
    let t = sign_in(server, &mut a);
    (a, t)
}

/// Registers a subscriber from a JSON body; returns the id.
fn subscriber(server: &Server, token: &str, body: &Value) -> i64 {
    api(
        server,
        "POST",
        "/api/v1/subscribers",
        Some(token),
        Some(body),
    )
    .ok()["id"]
        .as_i64()
        .expect("an id")
}

/// Issues a certificate through a request (optionally of `days`); returns
/// (request id, serial).
fn issue(
    env: &TestEnv,
    server: &Server,
    officer: &str,
    approver: &str,
    sub: i64,
    name: &str,
    days: Option<u32>,
) -> (i64, String) {
    let csr = std::fs::read_to_string(env.csr_p256(name)).expect("csr");
    let mut body = json!({ "kind": "issue", "subscriber_id": sub, "csr": csr });
    if let Some(d) = days {
        body["days"] = json!(d);
    }
    let id = submit_ok(server, officer, &body);
    let r = approve_ok(server, approver, id);
    (id, result_serial(server, officer, &r))
}

/// Carries out a request on a certificate (suspend, revoke).
fn act(server: &Server, officer: &str, approver: &str, body: &Value) {
    let id = submit_ok(server, officer, body);
    approve_ok(server, approver, id);
}

/// GET as JSON (must succeed).
fn get(server: &Server, token: &str, path: &str) -> Value {
    api(server, "GET", path, Some(token), None).ok()
}

/// The figures of `province` in a status or expiry report.
fn province<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["provinces"]
        .as_array()
        .expect("provinces")
        .iter()
        .find(|p| p["province"] == name)
        .unwrap_or_else(|| panic!("{name} in {report}"))
}

/// The line of unit `unit` in a province of a report.
fn unit<'a>(p: &'a Value, unit: &str) -> &'a Value {
    p["units"]
        .as_array()
        .expect("units")
        .iter()
        .find(|u| u["unit"] == unit)
        .unwrap_or_else(|| panic!("unit {unit} in {p}"))
}

/// The figures of a status line, in the order of the CSV columns.
fn status_figures(v: &Value) -> Vec<i64> {
    [
        "active",
        "suspended",
        "revoked",
        "replaced",
        "expired",
        "total",
        "individual",
        "organization",
        "device",
    ]
    .iter()
    .map(|k| v[k].as_i64().unwrap_or_else(|| panic!("{k} in {v}")))
    .collect()
}

/// Downloads a CSV through the API and checks its headers; returns the
/// lines split into cells (the BOM removed, no quoted commas expected).
fn csv(server: &Server, token: &str, path: &str) -> Vec<Vec<String>> {
    let r = api(server, "GET", path, Some(token), None);
    assert_eq!(r.status, 200, "{path}: {}", r.body);
    assert!(
        r.headers.contains("content-type: text/csv; charset=utf-8"),
        "{}",
        r.headers
    );
    assert!(
        r.headers
            .contains("content-disposition: attachment; filename="),
        "{}",
        r.headers
    );
    let text = r
        .body
        .strip_prefix('\u{feff}')
        .unwrap_or_else(|| panic!("a UTF-8 BOM first: {:?}", &r.body[..20.min(r.body.len())]));
    assert!(text.contains("\r\n"), "CRLF line ends");
    text.split("\r\n")
        .filter(|l| !l.is_empty())
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect()
}

/// The CSV line whose first cells are `key`.
fn csv_line<'a>(lines: &'a [Vec<String>], key: &[&str]) -> &'a [String] {
    lines
        .iter()
        .find(|l| l.len() >= key.len() && l.iter().zip(key).all(|(a, b)| a == b))
        .unwrap_or_else(|| panic!("a line {key:?} in {lines:?}"))
}

fn numbers(cells: &[String]) -> Vec<i64> {
    cells
        .iter()
        .map(|c| c.parse().unwrap_or_else(|_| panic!("a number: {c:?}")))
        .collect()
}

both_databases!(reports_count_exactly_within_scope, |env| {
    let (server, signed) = start(env);
    let (admin, officer, approver) = (&signed[0].1, &signed[1].1, &signed[2].1);
    let (_, hn_officer) = extra_account(
        env,
        &server,
        &[
            "--username",
            "cb.hanoi",
            "--role",
            "ra_officer",
            "--province",
            HN,
        ],
    );
    let (_, hn_approver) = extra_account(
        env,
        &server,
        &[
            "--username",
            "ld.hanoi",
            "--role",
            "ra_approver",
            "--province",
            HN,
        ],
    );
    let (mut auditor_account, auditor) = extra_account(
        env,
        &server,
        &["--username", "kiemtoan", "--role", "auditor"],
    );

    // Cần Thơ: two individuals of the Sở KH&CN, an organization (its own
    // unit), and a unit with nobody: 3 units, 1 with an organization
    // certificate.
    let an = add_subscriber(&server, officer, "Nguyễn Văn An", "CCCD:001089031733", CT);
    let binh = add_subscriber(&server, officer, "Lê Thị Bình", "CCCD:001089031734", CT);
    let org = subscriber(
        &server,
        officer,
        &json!({
            "kind": "organization", "name": "Văn phòng UBND thành phố Cần Thơ",
            "tax_code": "1800155244", "province": CT, "unit": "Văn phòng UBND",
        }),
    );
    api(
        &server,
        "POST",
        "/api/v1/units",
        Some(officer),
        Some(&json!({ "name": "Sở Tư pháp", "province": CT })),
    )
    .ok();
    let (_, a1) = issue(env, &server, officer, approver, an, "a1", None);
    let (_, a2) = issue(env, &server, officer, approver, an, "a2", None);
    let (_, a3) = issue(env, &server, officer, approver, an, "a3", None);
    let (_, b1) = issue(env, &server, officer, approver, binh, "b1", Some(20));
    let (_, b2) = issue(env, &server, officer, approver, binh, "b2", None);
    let (late, o1) = issue(env, &server, officer, approver, org, "o1", None);
    act(
        &server,
        officer,
        approver,
        &json!({ "kind": "suspend", "serial": a2 }),
    );
    act(
        &server,
        officer,
        approver,
        &json!({ "kind": "revoke", "serial": b2, "reason": "cessationOfOperation" }),
    );
    // Expired: the CA signs nothing already expired, so a3's notAfter is
    // moved into the past directly in the database.
    assert_eq!(
        env.sql(&format!(
            "UPDATE certificates SET not_after = '2020-01-01 00:00:00' WHERE serial = '{a3}'"
        )),
        1
    );
    // A turnaround breach: o1's request is made to have been submitted 14
    // days ago (written with SQL: requests are timestamped by the server).
    // And a request still waiting, submitted 14 days ago: overdue.
    let ago = (Utc::now() - Duration::days(14))
        .naive_utc()
        .format("%Y-%m-%d %H:%M:%S")
        .to_string();
    assert_eq!(
        env.sql(&format!(
            "UPDATE requests SET submitted_at = '{ago}' WHERE id = {late}"
        )),
        1
    );
    let csr = std::fs::read_to_string(env.csr_p256("waiting")).expect("csr");
    let waiting = submit_ok(
        &server,
        officer,
        &json!({ "kind": "issue", "subscriber_id": binh, "csr": csr }),
    );
    assert_eq!(
        env.sql(&format!(
            "UPDATE requests SET submitted_at = '{ago}' WHERE id = {waiting}"
        )),
        1
    );

    // Hà Nội: an organization of the Sở Nội vụ and an individual of the
    // Sở Tài chính: 2 units, 1 with an organization certificate.
    let hn_org = subscriber(
        &server,
        &hn_officer,
        &json!({
            "kind": "organization", "name": "Sở Nội vụ thành phố Hà Nội",
            "tax_code": "0100112233", "province": HN, "unit": "Sở Nội vụ",
        }),
    );
    let hn_person = subscriber(
        &server,
        &hn_officer,
        &json!({
            "kind": "individual", "name": "Trần Văn Cường", "national_id": "CCCD:001089031735",
            "province": HN, "unit": "Sở Tài chính", "email": "cuong@hanoi.gov.vn",
        }),
    );
    issue(env, &server, &hn_officer, &hn_approver, hn_org, "h1", None);
    issue(
        env,
        &server,
        &hn_officer,
        &hn_approver,
        hn_person,
        "h2",
        None,
    );
    assert_eq!(cert_status(&server, officer, &a1), "good");
    assert_eq!(cert_status(&server, officer, &o1), "good");

    // Status, as the admin: exact figures by province and unit.
    let status = get(&server, admin, "/api/v1/reports/status");
    let ct = province(&status, CT);
    //                          act sus rev rep exp tot ind org dev
    assert_eq!(status_figures(ct), [3, 1, 1, 0, 1, 6, 5, 1, 0], "{ct}");
    assert_eq!(
        status_figures(unit(ct, SKHCN)),
        [2, 1, 1, 0, 1, 5, 5, 0, 0],
        "{ct}"
    );
    assert_eq!(
        status_figures(unit(ct, "Văn phòng UBND")),
        [1, 0, 0, 0, 0, 1, 0, 1, 0]
    );
    let hn = province(&status, HN);
    assert_eq!(status_figures(hn), [2, 0, 0, 0, 0, 2, 1, 1, 0], "{hn}");
    assert_eq!(
        status_figures(&status["totals"]),
        [5, 1, 1, 0, 1, 8, 6, 2, 0],
        "{status}"
    );
    assert_eq!(status["provinces"].as_array().map(Vec::len), Some(2));

    // The same figures in the CSV: Vietnamese headers, English ones
    // for the English interface (`?lang=en` or the pages' cookie).
    let english = csv(&server, admin, "/api/v1/reports/status.csv?lang=en");
    assert_eq!(
        english[0],
        [
            "province",
            "unit_id",
            "unit",
            "active",
            "suspended",
            "revoked",
            "replaced",
            "expired",
            "total",
            "individual",
            "organization",
            "device"
        ]
    );
    assert_eq!(
        numbers(&csv_line(&english, &["total"])[3..]),
        status_figures(&status["totals"])
    );
    let lines = csv(&server, admin, "/api/v1/reports/status.csv");
    assert_eq!(
        lines[0],
        [
            "Tỉnh/thành phố",
            "Mã đơn vị",
            "Đơn vị",
            "Đang hoạt động",
            "Tạm dừng",
            "Đã thu hồi",
            "Đã được thay thế",
            "Hết hạn",
            "Tổng số",
            "Cá nhân",
            "Tổ chức",
            "Thiết bị/dịch vụ"
        ]
    );
    assert_eq!(
        numbers(&csv_line(&lines, &[CT, "", ""])[3..]),
        status_figures(ct)
    );
    let skhcn_id = unit(ct, SKHCN)["unit_id"].as_i64().expect("a unit id");
    assert_eq!(
        numbers(&csv_line(&lines, &[CT, &skhcn_id.to_string(), SKHCN])[3..]),
        status_figures(unit(ct, SKHCN))
    );
    assert_eq!(
        numbers(&csv_line(&lines, &[HN, "", ""])[3..]),
        status_figures(hn)
    );
    assert_eq!(
        numbers(&csv_line(&lines, &["Tổng cộng"])[3..]),
        status_figures(&status["totals"])
    );

    // Expiring: b1 (20 days) is within 30, 60 and 90 days; the list links
    // to it; nothing else expires within 90 days.
    let expiring = get(&server, admin, "/api/v1/reports/expiring");
    assert_eq!(
        expiring["totals"],
        json!({ "within_30": 1, "within_60": 1, "within_90": 1 }),
        "{expiring}"
    );
    let list = expiring["certificates"].as_array().expect("a list");
    assert_eq!(list.len(), 1, "{expiring}");
    assert_eq!(list[0]["serial"], json!(b1));
    assert!(
        matches!(list[0]["days_left"].as_i64(), Some(19 | 20)),
        "{}",
        list[0]
    );
    let lines = csv(&server, admin, "/api/v1/reports/expiring.csv");
    assert_eq!(numbers(&csv_line(&lines, &["Tổng cộng"])[3..]), [1, 1, 1]);
    assert_eq!(numbers(&csv_line(&lines, &[CT, "", ""])[3..]), [1, 1, 1]);

    // Units with an organization certificate: 1/3 in Cần Thơ, 1/2 in Hà Nội.
    let units = get(&server, admin, "/api/v1/reports/units");
    let fractions: Vec<(String, String)> = units["provinces"]
        .as_array()
        .expect("provinces")
        .iter()
        .map(|p| {
            (
                p["province"].as_str().unwrap_or_default().to_owned(),
                p["fraction"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        fractions,
        [
            (CT.to_owned(), "1/3".to_owned()),
            (HN.to_owned(), "1/2".to_owned())
        ],
        "{units}"
    );
    let lines = csv(&server, admin, "/api/v1/reports/units.csv");
    assert_eq!(csv_line(&lines, &[CT])[1..], ["1", "3", "1/3"]);
    assert_eq!(csv_line(&lines, &[HN])[1..], ["1", "2", "1/2"]);

    // Turnaround: o1 took more than 3 working days, one request waits
    // overdue; the others were done the same day.
    let t = get(&server, admin, "/api/v1/reports/turnaround");
    let ct_t = province(&t, CT);
    assert_eq!(
        (
            &ct_t["completed"],
            &ct_t["breaches"],
            &ct_t["pending_overdue"]
        ),
        (&json!(6), &json!(1), &json!(1)),
        "{t}"
    );
    let hn_t = province(&t, HN);
    assert_eq!(
        (
            &hn_t["completed"],
            &hn_t["breaches"],
            &hn_t["pending_overdue"]
        ),
        (&json!(2), &json!(0), &json!(0)),
        "{t}"
    );
    let flagged = t["flagged"].as_array().expect("flagged");
    let ids: Vec<i64> = flagged.iter().filter_map(|f| f["id"].as_i64()).collect();
    assert_eq!(ids, [late, waiting], "{t}");
    for f in flagged {
        // 14 calendar days hold 10 weekdays, fewer with a holiday among them.
        let days = f["working_days"].as_i64().expect("working days");
        assert!((4..=10).contains(&days), "{f}");
        assert_eq!(f["breach"], json!(true));
    }
    assert_eq!(ct_t["max_working_days"], flagged[0]["working_days"]);
    let lines = csv(&server, admin, "/api/v1/reports/turnaround.csv");
    assert_eq!(csv_line(&lines, &[CT])[1..4], ["6", "1", "1"]);
    assert_eq!(csv_line(&lines, &["Tổng cộng"])[1..4], ["8", "1", "1"]);
    // The period: requests submitted in the last 7 days leave the two
    // late ones out.
    let from = (Utc::now() - Duration::days(7)).format("%Y-%m-%d");
    let recent = get(
        &server,
        admin,
        &format!("/api/v1/reports/turnaround?from={from}&province=C%E1%BA%A7n%20Th%C6%A1"),
    );
    let r = province(&recent, CT);
    assert_eq!(
        (&r["completed"], &r["breaches"], &r["pending_overdue"]),
        (&json!(5), &json!(0), &json!(0)),
        "{recent}"
    );
    assert_eq!(recent["provinces"].as_array().map(Vec::len), Some(1));

    // A unit filter: the Sở KH&CN alone.
    let one = get(
        &server,
        admin,
        &format!("/api/v1/reports/status?unit={skhcn_id}"),
    );
    assert_eq!(
        status_figures(&one["totals"]),
        status_figures(unit(ct, SKHCN))
    );

    // Officers see their own province only, and nobody else's.
    let theirs = get(&server, &hn_officer, "/api/v1/reports/status");
    let provinces: Vec<&str> = theirs["provinces"]
        .as_array()
        .expect("provinces")
        .iter()
        .filter_map(|p| p["province"].as_str())
        .collect();
    assert_eq!(provinces, [HN]);
    assert_eq!(status_figures(&theirs["totals"]), status_figures(hn));
    let units_hn = get(&server, &hn_officer, "/api/v1/reports/units");
    assert_eq!(units_hn["provinces"].as_array().map(Vec::len), Some(1));
    assert_eq!(units_hn["provinces"][0]["fraction"], "1/2");
    api(
        &server,
        "GET",
        "/api/v1/reports/status?province=C%E1%BA%A7n%20Th%C6%A1",
        Some(&hn_officer),
        None,
    )
    .expect_error(403, "forbidden");
    api(
        &server,
        "GET",
        &format!("/api/v1/reports/units?unit={skhcn_id}"),
        Some(&hn_officer),
        None,
    )
    // Another province's unit: as a missing one.
    .expect_error(422, "unknown_unit");
    let ct_by_approver = get(&server, approver, "/api/v1/reports/status");
    assert_eq!(
        status_figures(&ct_by_approver["totals"]),
        status_figures(ct)
    );

    // The page, as the auditor: the same figures, the charts, the links.
    let web = Browser::new(env, &server, "auditor");
    web.sign_in(&mut auditor_account);
    let page = web.page("/reports");
    assert_eq!(page.matches("<svg").count(), 4, "four charts");
    assert!(page.contains(r#"role="img""#) && page.contains("<title id=\"chart-status\">"));
    let row = |cells: &[&str]| {
        cells
            .iter()
            .map(|c| format!("<td>{c}</td>"))
            .collect::<String>()
    };
    assert!(
        page.contains(&row(&[
            CT, SKHCN, "2", "1", "1", "0", "1", "5", "5", "0", "0"
        ])),
        "the Sở KH&CN line on the page:\n{page}"
    );
    assert!(page.contains(&row(&[
        "<strong>Tổng cộng</strong>",
        "",
        "5",
        "1",
        "1",
        "0",
        "1",
        "8",
        "6",
        "2",
        "0"
    ])));
    assert!(page.contains(r#"<span class="fraction">1/3</span>"#));
    assert!(page.contains(r#"<span class="fraction">1/2</span>"#));
    assert!(page.contains(&format!(r#"<a href="/certificates/{b1}">{b1}</a>"#)));
    assert!(page.contains(&format!(r#"<a href="/requests/{late}">{late}</a>"#)));
    assert!(page.contains("Cấp quá hạn") && page.contains("Đang chờ quá hạn"));
    assert!(page.contains(r#"href="/api/v1/reports/status.csv""#));
    assert!(page.contains(r#"<a href="/audit">Nhật ký kiểm toán</a>"#));
    // The CSV link works with the web session too.
    let r = web.get("/api/v1/reports/units.csv");
    assert_eq!(r.status, 200);
    assert!(r.body.starts_with('\u{feff}') && r.body.contains("Cần Thơ,1,3,1/3"));

    // Bad filters: 422 with a code, the form message on the page, nothing
    // changed.
    let before = env.snapshot();
    for (path, code) in [
        (
            "/api/v1/reports/status?province=Atlantis",
            "unknown_province",
        ),
        ("/api/v1/reports/turnaround?from=2026-13-01", "invalid_date"),
        (
            "/api/v1/reports/turnaround?from=2026-02-01&to=2026-01-01",
            "invalid_period",
        ),
        ("/api/v1/reports/units?unit=abc", "invalid_unit"),
        ("/api/v1/reports/units?unit=999999", "unknown_unit"),
    ] {
        api(&server, "GET", path, Some(admin), None).expect_error(422, code);
    }
    api(&server, "GET", "/api/v1/reports/nothing", Some(admin), None)
        .expect_error(404, "not_found");
    let r = web.get("/reports?from=31%2F12%2F2026");
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains(r#"id="from-error""#), "{}", r.body);
    assert!(r.body.contains("Ngày không hợp lệ"), "{}", r.body);
    assert!(!r.body.contains("<svg"));
    let r = web.get("/reports?province=Atlantis");
    assert_eq!(r.status, 422);
    assert!(r.body.contains(r#"id="province-error""#), "{}", r.body);
    assert_eq!(
        before,
        env.snapshot(),
        "refused filters changed the database"
    );

    // The officer's page: no audit link, their province only.
    let mut officer_account = signed[1].0.clone();
    let web = Browser::new(env, &server, "officer");
    web.sign_in(&mut officer_account);
    let page = web.page("/reports");
    assert!(page.contains(r#"<a href="/reports">Báo cáo</a>"#));
    assert!(!page.contains(r#"href="/audit""#));
    assert!(
        !page.contains(HN),
        "a Cần Thơ officer sees nothing of Hà Nội"
    );
    assert!(page.contains(r#"<span class="fraction">1/3</span>"#));

    // The auditor reads every province, as the admin does.
    let seen = get(&server, &auditor, "/api/v1/reports/status");
    assert_eq!(
        status_figures(&seen["totals"]),
        status_figures(&status["totals"])
    );
});

both_databases!(audit_view_filters_pages_and_checks_the_chain, |env| {
    let (server, signed) = start(env);
    let (admin, officer, approver) = (&signed[0].1, &signed[1].1, &signed[2].1);
    let (mut auditor_account, auditor) = extra_account(
        env,
        &server,
        &["--username", "kiemtoan", "--role", "auditor"],
    );
    let unit_id = api(
        &server,
        "POST",
        "/api/v1/units",
        Some(officer),
        Some(&json!({ "name": "Sở Tư pháp", "province": CT })),
    )
    .ok()["id"]
        .as_i64()
        .expect("an id");
    let sub = add_subscriber(&server, officer, "Nguyễn Văn An", "CCCD:001089031733", CT);
    issue(env, &server, officer, approver, sub, "a1", None);

    // (The CRL publisher of `serve` may append events of its own at any
    // time: the figures are compared within one answer, or by sequence.)
    let v = get(&server, &auditor, "/api/v1/audit");
    assert_eq!(v["chain"]["ok"], json!(true), "{v}");
    let head = v["chain"]["head_seq"].as_i64().expect("the head");
    let all = v["chain"]["events"].as_i64().expect("events verified");
    assert_eq!(all, head, "an intact log numbers its events 1..head");
    assert!(all <= env.count("audit_events"));
    let head_hash = env.query_strings(&format!(
        "SELECT hash AS s FROM audit_events WHERE seq = {head}"
    ));
    assert_eq!(v["chain"]["head_hash"], json!(head_hash[0]));
    assert_eq!(v["total"], json!(all));
    let seqs: Vec<i64> = v["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e["seq"].as_i64())
        .collect();
    assert_eq!(seqs.first(), Some(&head), "newest first");
    assert!(seqs.windows(2).all(|w| w[0] > w[1]));

    // Filters return exactly the matching events.
    let unit_add = get(&server, admin, "/api/v1/audit?action=unit.add");
    assert_eq!(unit_add["total"], json!(1), "{unit_add}");
    let e = &unit_add["events"][0];
    assert_eq!(
        (&e["action"], &e["object"], &e["actor"]),
        (
            &json!("unit.add"),
            &json!(format!("unit:{unit_id}")),
            &json!("portal:officer")
        ),
        "{e}"
    );
    let by_officer = get(
        &server,
        admin,
        "/api/v1/audit?actor=portal%3Aofficer&per_page=200",
    );
    let expected =
        env.query_i64("SELECT COUNT(*) AS n FROM audit_events WHERE actor = 'portal:officer'");
    assert!(expected >= 3, "the officer's unit, subscriber and request");
    assert_eq!(by_officer["total"], json!(expected));
    assert_eq!(
        by_officer["events"].as_array().map(Vec::len),
        Some(usize::try_from(expected).unwrap_or_default())
    );
    assert!(by_officer["events"]
        .as_array()
        .expect("events")
        .iter()
        .all(|e| e["actor"] == "portal:officer"));
    let by_object = get(
        &server,
        admin,
        &format!("/api/v1/audit?object=unit%3A{unit_id}&actor=portal%3Aofficer"),
    );
    assert_eq!(by_object["total"], json!(1));
    // Days of Vietnam (UTC+7), as the pages show them.
    let vn_now = Utc::now() + Duration::hours(7);
    let today = vn_now.format("%Y-%m-%d").to_string();
    let tomorrow = (vn_now + Duration::days(1)).format("%Y-%m-%d").to_string();
    let yesterday = (vn_now - Duration::days(1)).format("%Y-%m-%d").to_string();
    let dated = get(
        &server,
        admin,
        &format!("/api/v1/audit?from={yesterday}&to={tomorrow}"),
    );
    let everything = get(&server, admin, "/api/v1/audit");
    assert!(dated["total"].as_i64() >= Some(all));
    assert!(dated["total"].as_i64() <= everything["total"].as_i64());
    let today_only = get(
        &server,
        admin,
        &format!("/api/v1/audit?from={today}&to={today}"),
    );
    assert!(today_only["total"].as_i64() >= Some(1));
    let none = get(&server, admin, &format!("/api/v1/audit?from={tomorrow}"));
    assert_eq!(none["total"], json!(0));
    assert_eq!(none["events"], json!([]));
    let before_today = get(&server, admin, &format!("/api/v1/audit?to={yesterday}"));
    assert_eq!(before_today["total"], json!(0));

    // Pages of two, newest first, without overlap.
    let p1 = get(&server, admin, "/api/v1/audit?per_page=2&page=1");
    let p2 = get(&server, admin, "/api/v1/audit?per_page=2&page=2");
    let seq = |v: &Value, i: usize| v["events"][i]["seq"].as_i64().expect("a seq");
    let head = seq(&p1, 0);
    assert_eq!(p1["events"].as_array().map(Vec::len), Some(2));
    assert_eq!(seq(&p1, 1), head - 1);
    assert_eq!((seq(&p2, 0), seq(&p2, 1)), (head - 2, head - 3));
    assert_eq!(
        (p1["page"].clone(), p1["per_page"].clone()),
        (json!(1), json!(2))
    );

    // Officers and approvers are refused.
    for t in [officer, approver] {
        api(&server, "GET", "/api/v1/audit", Some(t), None).expect_error(403, "forbidden");
    }
    let mut officer_account = signed[1].0.clone();
    let web = Browser::new(env, &server, "officer");
    web.sign_in(&mut officer_account);
    let r = web.get("/audit");
    assert_eq!(r.status, 403);
    assert!(r.body.contains("Không có quyền"), "{}", r.body);

    // Bad input: 422 with a code; on the page the message by the field.
    let before = env.snapshot();
    for (path, code) in [
        ("/api/v1/audit?per_page=500", "invalid_per_page"),
        ("/api/v1/audit?per_page=0", "invalid_per_page"),
        ("/api/v1/audit?page=0", "invalid_page"),
        ("/api/v1/audit?from=yesterday", "invalid_date"),
        (
            "/api/v1/audit?from=2026-02-01&to=2026-01-01",
            "invalid_period",
        ),
    ] {
        api(&server, "GET", path, Some(auditor.as_str()), None).expect_error(422, code);
    }
    let web = Browser::new(env, &server, "auditor");
    web.sign_in(&mut auditor_account);
    let r = web.get("/audit?per_page=1000");
    assert_eq!(r.status, 422);
    assert!(r.body.contains(r#"id="per_page-error""#), "{}", r.body);
    assert!(r.body.contains("Số dòng mỗi trang phải từ 1 đến 200."));
    assert_eq!(before, env.snapshot());

    // The page: the chain intact, the head, the events.
    let page = web.page("/audit?action=unit.add");
    assert!(page.contains("Chuỗi băm toàn vẹn"), "{page}");
    assert!(page.contains(&format!(
        r#"<td><span title="unit:{unit_id}">Đơn vị số {unit_id}</span></td>"#
    )));
    assert!(page.contains("Đăng ký đơn vị") && !page.contains("{&quot;"));
    assert!(page.contains("(1 sự kiện)"));

    // Tampering with one event shows as a break at its sequence number.
    assert_eq!(
        env.sql("UPDATE audit_events SET details = '{}' WHERE seq = 3"),
        1
    );
    let v = get(&server, &auditor, "/api/v1/audit");
    assert_eq!(v["chain"]["ok"], json!(false), "{v}");
    assert_eq!(v["chain"]["broken_seq"], json!(3));
    assert!(v["chain"]["reason"]
        .as_str()
        .is_some_and(|r| r.contains("edited")));
    let page = web.page("/audit");
    assert!(
        page.contains("Chuỗi băm bị phá vỡ</strong> tại sự kiện số 3"),
        "{page}"
    );
    assert!(
        page.contains("Chi tiết: nội dung sự kiện đã bị sửa"),
        "the break in Vietnamese: {page}"
    );
    assert!(!page.contains("Chuỗi băm toàn vẹn"));
});
