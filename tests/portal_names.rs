//! Names that cannot go into a certificate are refused where they enter
//! (issue 15, item 3), on both databases: a NUL, a right-to-left override
//! (U+202E) and an over-long name, through the JSON API, the pages, the
//! CSV import and a unit change (at submission, and again at approval when
//! the registry changed meanwhile); every refusal is a 422 with its code
//! (and `field` in the API) or a form message, and changes nothing. Names
//! at their RFC 5280 bound, and NFD input, are accepted and certified as
//! they are stored (checked with openssl). The CSV files the portal writes
//! are inert (item 4): cells starting with `=`, `+`, `-` or `@` come out
//! with a leading `'`.
//!
//! Two situations cannot be made through the portal any more and are
//! written with SQL, as the comments where they happen say: a unit name
//! and a subscriber's title registered before the name rules existed.

#[macro_use]
mod common;
mod portal;

use serde_json::{json, Value};

use common::*;
use portal::*;

const CT: &str = "Cần Thơ";
const SKHCN: &str = "Sở Khoa học và Công nghệ";

/// The three names of the issue, each with what it is.
fn bad_names() -> [(&'static str, String); 3] {
    [
        ("NUL", "Sở\u{0000}NUL".to_owned()),
        ("U+202E", "Sở \u{202E}hnìhc iàT".to_owned()),
        ("65 characters", "Đ".repeat(65)),
    ]
}

/// Everything a refused request must leave alone.
fn state(env: &TestEnv) -> (Snapshot, i64, i64) {
    (
        env.snapshot(),
        env.count("requests"),
        env.count("bulk_jobs"),
    )
}

/// Asserts an API refusal: status, code, the field named (`""`: none),
/// nothing changed.
fn refused(env: &TestEnv, what: &str, code: &str, field: &str, call: impl FnOnce() -> Reply) {
    let before = state(env);
    let reply = call();
    assert_eq!(
        (reply.status, reply.code().as_str()),
        (422, code),
        "{what}: {}",
        reply.body
    );
    assert_eq!(
        reply.json()["error"]["field"].as_str().unwrap_or_default(),
        field,
        "{what}: {}",
        reply.body
    );
    assert_eq!(before, state(env), "{what}: the refusal changed something");
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

/// Registers a unit through the API; returns its id.
fn add_unit(server: &Server, token: &str, name: &str) -> i64 {
    let body = json!({ "name": name, "province": CT });
    api(server, "POST", "/api/v1/units", Some(token), Some(&body)).ok()["id"]
        .as_i64()
        .expect("an id")
}

/// Registers an individual of Cần Thơ in `unit`; returns the id.
fn add_person(server: &Server, token: &str, name: &str, cccd: &str, unit: &str) -> i64 {
    let body = json!({
        "kind": "individual", "name": name, "national_id": cccd,
        "province": CT, "unit": unit, "title": "Chuyên viên",
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

/// Issues a certificate (key `key`, `days` of validity) through a request;
/// returns the serial and the saved PEM, verified against the chain.
fn issue(
    env: &TestEnv,
    server: &Server,
    officer: &str,
    approver: &str,
    sub: i64,
    key: &str,
    days: u32,
) -> (String, std::path::PathBuf) {
    let csr = std::fs::read_to_string(env.csr_p256(key)).expect("csr");
    let id = submit_ok(
        server,
        officer,
        &json!({ "kind": "issue", "subscriber_id": sub, "csr": csr, "days": days }),
    );
    let r = approve_ok(server, approver, id);
    let serial = result_serial(server, officer, &r);
    download_and_verify(env, server, officer, &serial, key);
    (serial, env.path(&format!("{key}.pem")))
}

/// A urlencoded form POST of exactly these bytes (curl's `--data-urlencode`
/// cannot carry a NUL on its command line).
fn post_form(server: &Server, jar: &str, path: &str, fields: &[(&str, &str)]) -> Reply {
    let encode = |s: &str| -> String {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect()
    };
    let body: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect();
    curl(
        server,
        "POST",
        path,
        &["Content-Type: application/x-www-form-urlencoded".to_owned()],
        Some(body.join("&").as_bytes()),
        &["-b", jar, "-c", jar],
    )
}

both_databases!(the_api_refuses_names_no_certificate_can_hold, |env| {
    let (server, signed) = start(env);
    let (officer, approver) = (signed[1].1.clone(), signed[2].1.clone());

    for (what, name) in bad_names() {
        refused(
            env,
            &format!("unit, {what}"),
            "invalid_name",
            "name",
            || {
                api(
                    &server,
                    "POST",
                    "/api/v1/units",
                    Some(&officer),
                    Some(&json!({ "name": name, "province": CT })),
                )
            },
        );
        refused(
            env,
            &format!("unit's parent agency, {what}"),
            "invalid_name",
            "parent_agency",
            || {
                api(
                    &server,
                    "POST",
                    "/api/v1/units",
                    Some(&officer),
                    Some(&json!({ "name": "Sở Tư pháp", "parent_agency": name, "province": CT })),
                )
            },
        );
        for field in ["name", "title", "unit", "organization"] {
            let mut body = json!({
                "kind": "individual", "name": "Lê Văn Cường", "national_id": "CCCD:001089031735",
                "province": CT, "title": "Chuyên viên", "unit": SKHCN,
            });
            body[field] = json!(name);
            refused(
                env,
                &format!("subscriber {field}, {what}"),
                "invalid_name",
                field,
                || {
                    api(
                        &server,
                        "POST",
                        "/api/v1/subscribers",
                        Some(&officer),
                        Some(&body),
                    )
                },
            );
        }
    }
    // A bidirectional isolate in the locality (bound 128), and 129
    // characters there.
    for (what, locality) in [
        ("U+2066", "Phường \u{2066}Ninh Kiều".to_owned()),
        ("129 characters", "Đ".repeat(129)),
    ] {
        refused(
            env,
            &format!("locality, {what}"),
            "invalid_name",
            "locality",
            || {
                api(
                    &server,
                    "POST",
                    "/api/v1/subscribers",
                    Some(&officer),
                    Some(&json!({
                        "kind": "individual", "name": "Lê Văn Cường", "national_id": "CCCD:001089031735",
                        "province": CT, "locality": locality,
                    })),
                )
            },
        );
    }
    // A change of information that would put U+202E into a certificate is
    // refused at submission.
    let sub = add_person(
        &server,
        &officer,
        "Nguyễn Văn An",
        "CCCD:001089031733",
        SKHCN,
    );
    let (serial, _) = issue(env, &server, &officer, &approver, sub, "an", 365);
    refused(
        env,
        "change of title, U+202E",
        "invalid_name",
        "title",
        || {
            submit(
                &server,
                &officer,
                &json!({ "kind": "change_info", "serial": serial, "changes": { "title": "Chuyên \u{202E}viên" } }),
            )
        },
    );

    // At the bound, and in NFD: accepted, stored and certified in NFC.
    let ou = "Đ".repeat(64);
    let unit = add_unit(&server, &officer, &ou);
    let nfd_unit = add_unit(
        &server,
        &officer,
        "So\u{31B}\u{309} Ta\u{300}i chi\u{301}nh",
    );
    assert_eq!(unit_id(&server, &officer, "Sở Tài chính"), nfd_unit);
    let cn = format!("Nguyễn Văn {}", "B".repeat(53));
    assert_eq!(cn.chars().count(), 64);
    let nfd_cn = format!("Nguye\u{302}\u{303}n Va\u{306}n {}", "B".repeat(53));
    let at_bound = add_person(&server, &officer, &nfd_cn, "CCCD:001089031736", &ou);
    assert_eq!(unit_id(&server, &officer, &ou), unit);
    let (_, pem) = issue(env, &server, &officer, &approver, at_bound, "bound", 365);
    let subject = env.subject_lines(&pem);
    assert!(subject.contains(&format!("OU={ou}")), "{subject:?}");
    assert!(subject.contains(&format!("CN={cn}")), "{subject:?}");
});

both_databases!(the_pages_refuse_them_with_a_form_message, |env| {
    let (server, signed) = start(env);
    let mut account = signed[1].0.clone();
    let officer = signed[1].1.clone();
    let browser = Browser::new(env, &server, "names-officer");
    browser.sign_in(&mut account);
    let jar = env.p("names-officer.cookies");
    let csrf = csrf_of(&browser.page("/units"));
    add_person(
        &server,
        &officer,
        "Nguyễn Văn An",
        "CCCD:001089031733",
        SKHCN,
    );
    let unit = unit_id(&server, &officer, SKHCN);

    // The message is next to the field it concerns.
    let page_refuses =
        |what: &str, path: &str, fields: &[(&str, &str)], field: &str, words: &[&str]| {
            let before = state(env);
            let mut all = vec![("csrf", csrf.as_str())];
            all.extend_from_slice(fields);
            let r = post_form(&server, &jar, path, &all);
            assert_eq!(r.status, 422, "{what}: {}", r.body);
            let marker = format!("<p class=\"field-error\" id=\"{field}-error\"");
            assert!(r.body.contains(&marker), "{what}: {marker} in {}", r.body);
            for w in words {
                assert!(r.body.contains(w), "{what}: {w:?} in {}", r.body);
            }
            assert_eq!(before, state(env), "{what}: the refusal changed something");
        };
    for (what, name) in bad_names() {
        page_refuses(
            &format!("unit form, {what}"),
            "/units",
            &[("name", &name), ("province", CT)],
            "name",
            &["Tên đơn vị phải có từ 1 đến 64 ký tự"],
        );
        page_refuses(
            &format!("unit change form, {what}"),
            "/requests/new/unit_change",
            &[("unit_id", &unit.to_string()), ("unit_name", &name)],
            "unit_name",
            &["Tên đơn vị mới phải có từ 1 đến 64 ký tự"],
        );
    }
    for (what, name, words) in [
        ("NUL", "Trần\u{0000}Bình", &["ký tự điều khiển U+0000"][..]),
        (
            "U+202E",
            "Trần \u{202E}hnìB",
            &["ký tự điều khiển hướng văn bản U+202E"][..],
        ),
        (
            "65 characters",
            &*"Đ".repeat(65),
            &["quá dài, 65 ký tự (tối đa 64)"][..],
        ),
    ] {
        page_refuses(
            &format!("subscriber form, {what}"),
            "/subscribers",
            &[
                ("kind", "individual"),
                ("name", name),
                ("national_id", "CCCD:001089031735"),
                ("province", CT),
            ],
            "name",
            words,
        );
    }
});

both_databases!(the_csv_import_refuses_them_row_by_row, |env| {
    let (server, signed) = start(env);
    let officer = signed[1].1.clone();
    let file = format!(
        "loại,họ và tên,số định danh,chức danh,đơn vị,tỉnh/thành phố\r\n\
         cá nhân,Nguyễn Văn An,001089031733,Chuyên viên,{SKHCN},{CT}\r\n\
         cá nhân,Trần \u{202E}hnìB,001089031734,Chuyên viên,{SKHCN},{CT}\r\n\
         cá nhân,Lê Văn Cường,001089031735,Chuyên\u{0000}viên,{SKHCN},{CT}\r\n\
         cá nhân,Phạm Thị Dung,001089031736,Chuyên viên,{},{CT}\r\n",
        "Đ".repeat(65)
    );
    for dry_run in [true, false] {
        let before = state(env);
        let path = if dry_run {
            "/api/v1/subscribers/import?dry_run=true"
        } else {
            "/api/v1/subscribers/import"
        };
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
        let v: Value = r.json();
        if dry_run {
            assert_eq!(r.status, 200, "{}", r.body);
        } else {
            r.expect_error(422, "import_rejected");
        }
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
            [
                (2, "họ và tên".to_owned(), "invalid_name".to_owned()),
                (3, "chức danh".to_owned(), "invalid_name".to_owned()),
                (4, "đơn vị".to_owned(), "invalid_name".to_owned()),
            ],
            "{v}"
        );
        assert_eq!(before, state(env), "the import changed something");
    }
});

both_databases!(unit_changes_refuse_them_before_anything_changes, |env| {
    let (server, signed) = start(env);
    let (officer, approver) = (signed[1].1.clone(), signed[2].1.clone());
    let an = add_person(
        &server,
        &officer,
        "Nguyễn Văn An",
        "CCCD:001089031733",
        SKHCN,
    );
    issue(env, &server, &officer, &approver, an, "an", 365);
    let unit = unit_id(&server, &officer, SKHCN);

    for (what, name) in bad_names() {
        refused(
            env,
            &format!("rename, {what}"),
            "invalid_unit_name",
            "unit_name",
            || {
                submit(
                    &server,
                    &officer,
                    &json!({ "kind": "unit_change", "unit_id": unit, "unit_name": name }),
                )
            },
        );
    }

    // A unit whose name was registered before the name rules (written
    // with SQL: the portal refuses it now): merging into it would make the
    // certificates of the unit's people unissuable.
    let old = add_unit(&server, &officer, "Sở Cũ");
    let legacy = "Đ".repeat(123);
    env.sql(&format!(
        "UPDATE units SET name = '{legacy}' WHERE id = {old}"
    ));
    refused(
        env,
        "merger into a 123-character unit",
        "unissuable_subject",
        "",
        || {
            submit(
                &server,
                &officer,
                &json!({ "kind": "unit_change", "unit_id": unit, "merge_into": old }),
            )
        },
    );

    // Checked again at approval: a rename submitted while every name was
    // fine, then a title with U+202E registered before the rules (SQL).
    let id = submit_ok(
        &server,
        &officer,
        &json!({ "kind": "unit_change", "unit_id": unit, "unit_name": "Sở Khoa học, Công nghệ và Đổi mới sáng tạo" }),
    );
    env.sql(&format!(
        "UPDATE subscribers SET title = 'Chuyên \u{202E}viên' WHERE id = {an}"
    ));
    let before = state(env);
    let r = approve(&server, &approver, id);
    r.expect_error(422, "unissuable_subject");
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains(&format!("subscriber {an}")) && m.contains("U+202E")),
        "{}",
        r.body
    );
    assert_eq!(before, state(env), "the refused approval changed something");
    let request = api(
        &server,
        "GET",
        &format!("/api/v1/requests/{id}"),
        Some(&officer),
        None,
    )
    .ok();
    assert_eq!(request["state"], "submitted", "{request}");
    assert_eq!(unit_id(&server, &officer, SKHCN), unit, "not renamed");
});

both_databases!(report_csv_files_are_inert, |env| {
    let (server, signed) = start(env);
    let (officer, approver) = (signed[1].1.clone(), signed[2].1.clone());
    let units = [
        r#"=HYPERLINK("http://evil.example/","Bấm")"#,
        "+Sở Tư pháp",
        "-Sở Nội vụ",
        "@Sở Y tế",
    ];
    for (i, u) in units.iter().enumerate() {
        let sub = add_person(
            &server,
            &officer,
            &format!("Nguyễn Văn {}", ["An", "Bình", "Cường", "Dũng"][i]),
            &format!("CCCD:00108903173{i}"),
            u,
        );
        issue(env, &server, &officer, &approver, sub, &format!("k{i}"), 20);
    }
    for report in ["status", "expiring"] {
        let path = format!("/api/v1/reports/{report}.csv");
        let r = api(&server, "GET", &path, Some(&officer), None);
        assert_eq!(r.status, 200, "{path}: {}", r.body);
        for u in units {
            let cell = format!("'{u}");
            let quoted = format!("\"{}\"", cell.replace('"', "\"\""));
            let expected = if cell.contains([',', '"']) {
                quoted
            } else {
                cell
            };
            assert!(
                r.body.contains(&format!(",{expected},")),
                "{path}: {expected} in {}",
                r.body
            );
        }
        // No line has a cell that a spreadsheet would read as a formula.
        for line in r.body.split("\r\n") {
            for start in [",=", ",+", ",-", ",@", ",\"=", ",\"+", ",\"-", ",\"@"] {
                assert!(!line.contains(start), "{path}: {line}");
            }
        }
    }
});
