//! Batches of issuance requests (docs/batches.md), on SQLite and
//! PostgreSQL: twenty people of a unit and their CSRs in one `.zip` made
//! here (three file-name rules, a folder), matched, submitted, approved in
//! one decision, their certificates downloaded as one `.zip` and each
//! verified with `openssl verify -CAfile root -untrusted chain.pem`; a
//! missing and an extra file, and a person whose key is certified to
//! someone else, refuse the whole batch with each problem listed and
//! nothing recorded; a batch rejected; the submitter cannot approve their
//! own batch, nor can a batch be decided twice; a unit change's
//! certificates downloaded as one `.zip`.

#[macro_use]
mod common;
#[path = "portal/batch_zip.rs"]
mod batch_zip;
mod portal;

use std::time::{Duration, Instant};

use batch_zip::{unzip, zip_of};
use common::*;
use portal::*;
use serde_json::{json, Value};

const UNIT: &str = "Sở Nội vụ";

/// Registers an individual of `UNIT` (Cần Thơ); returns the id.
fn add_member(server: &Server, token: &str, name: &str, cccd: &str) -> i64 {
    let body = json!({
        "kind": "individual", "name": name, "national_id": cccd,
        "province": "Cần Thơ", "unit": UNIT, "title": "Chuyên viên",
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

/// The id of `UNIT`.
fn unit_id(server: &Server, token: &str) -> i64 {
    let v = api(server, "GET", "/api/v1/units", Some(token), None).ok();
    v["units"]
        .as_array()
        .expect("a list")
        .iter()
        .find(|u| u["name"] == UNIT)
        .and_then(|u| u["id"].as_i64())
        .unwrap_or_else(|| panic!("unit {UNIT} in {v}"))
}

/// `n` people of `UNIT` with a fresh P-256 CSR each: (id, CCCD digits,
/// CSR PEM).
fn people(env: &TestEnv, server: &Server, token: &str, n: usize) -> Vec<(i64, String, Vec<u8>)> {
    const NAMES: [&str; 5] = [
        "Nguyễn Văn An",
        "Trần Thị Bình",
        "Lê Văn Cường",
        "Phạm Thị Dung",
        "Đặng Văn Đức",
    ];
    (0..n)
        .map(|i| {
            let digits = format!("0010890320{i:02}");
            let name = format!("{} {i}", NAMES[i % NAMES.len()]);
            let id = add_member(server, token, &name, &format!("CCCD:{digits}"));
            let csr = std::fs::read(env.csr_p256(&format!("p{i}"))).expect("csr");
            (id, digits, csr)
        })
        .collect()
}

/// The files of a batch, named by the three rules in turn, in a folder.
fn files_of(people: &[(i64, String, Vec<u8>)]) -> Vec<(String, Vec<u8>)> {
    people
        .iter()
        .enumerate()
        .map(|(i, (id, digits, csr))| {
            let name = match i % 3 {
                0 => format!("csr/{digits}.csr"),
                1 => format!("csr/CCCD-{digits}.pem"),
                _ => format!("csr/s{id}.csr"),
            };
            (name, csr.clone())
        })
        .collect()
}

/// `POST /api/v1/batches` with a `.zip` body.
fn post_batch(server: &Server, token: &str, unit: i64, zip: &[u8]) -> Reply {
    curl(
        server,
        "POST",
        &format!("/api/v1/batches?unit_id={unit}"),
        &[
            format!("Authorization: Bearer {token}"),
            "Content-Type: application/zip".to_owned(),
        ],
        Some(zip),
        &[],
    )
}

/// A decision on a batch.
fn decide(server: &Server, token: &str, id: i64, what: &str, comment: Option<&str>) -> Reply {
    let body = comment.map(|c| json!({ "comment": c }));
    api(
        server,
        "POST",
        &format!("/api/v1/batches/{id}/{what}"),
        Some(token),
        body.as_ref(),
    )
}

/// Downloads a `.zip` of the API (the contract checked, then the bytes).
fn download_zip(env: &TestEnv, server: &Server, token: &str, path: &str) -> Vec<u8> {
    let auth = format!("Authorization: Bearer {token}");
    let reply = curl(server, "GET", path, std::slice::from_ref(&auth), None, &[]);
    assert_eq!(reply.status, 200, "{path}: {}", reply.body);
    assert!(
        reply.headers.contains("content-type: application/zip"),
        "{}",
        reply.headers
    );
    let out = env.path("download.zip");
    let status = std::process::Command::new("curl")
        .args(["-s", "-f", "-m", "60", "-H", &auth, "-o"])
        .arg(&out)
        .arg(server.url(path))
        .status()
        .expect("curl");
    assert!(status.success(), "curl {path}");
    std::fs::read(out).expect("the .zip")
}

/// Unzips certificates, checks there is one per expected serial named
/// `<number>_<ASCII name>_<serial>.pem`, and verifies each with openssl
/// against the root and the archive's `chain.pem`.
fn verify_archive(env: &TestEnv, zip: &[u8], serials: &[String], tag: &str) {
    let entries = unzip(zip);
    let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(entries.len(), serials.len() + 1, "{names:?}");
    let chain = entries
        .iter()
        .find(|(n, _)| n == "chain.pem")
        .expect("chain.pem");
    env.write(&format!("{tag}-chain.pem"), &chain.1);
    for serial in serials {
        let (name, pem) = entries
            .iter()
            .find(|(n, _)| n.ends_with(&format!("_{}.pem", serial.to_ascii_lowercase())))
            .unwrap_or_else(|| panic!("a file for {serial} in {names:?}"));
        assert!(name.is_ascii() && name.split('_').count() == 3, "{name}");
        let path = env.write(&format!("{tag}-{serial}.pem"), pem);
        env.verify_chain(&path, &[&format!("{tag}-chain")]);
        assert_eq!(
            env.serial_of(&path).to_ascii_lowercase(),
            serial.to_ascii_lowercase()
        );
    }
}

both_databases!(batch_of_twenty_issued_in_one_decision, |env| {
    let (server, signed) = start(env);
    let (admin, officer, approver) = (&signed[0].1, &signed[1].1, &signed[2].1);
    let people = people(env, &server, officer, 20);
    let unit = unit_id(&server, officer);
    let requests_before = env.count("requests");

    let reply = post_batch(&server, officer, unit, &zip_of(&files_of(&people)));
    assert_eq!(reply.status, 201, "{}", reply.body);
    let batch = reply.json();
    let id = batch["id"].as_i64().expect("an id");
    assert_eq!(batch["state"], "submitted");
    assert_eq!(batch["unit_name"], UNIT);
    let items = batch["items"].as_array().expect("items");
    assert_eq!(items.len(), 20, "{batch}");
    for (item, (sub, _, _)) in items.iter().zip(&people) {
        assert_eq!(
            (item["subscriber_id"].as_i64(), &item["state"]),
            (Some(*sub), &json!("submitted"))
        );
    }
    assert_eq!(env.count("requests"), requests_before + 20);
    let list = api(&server, "GET", "/api/v1/batches", Some(officer), None).ok();
    assert_eq!(list["batches"][0]["id"], id, "{list}");
    assert_eq!(list["batches"][0]["requests"], 20, "{list}");

    // An officer decides nothing; the approver approves in one decision.
    decide(&server, officer, id, "approve", None).expect_error(403, "forbidden");
    let started = Instant::now();
    let done = decide(&server, approver, id, "approve", Some("Đã kiểm tra hồ sơ")).ok();
    assert_eq!(done["state"], "done", "{done}");
    let serials: Vec<String> = done["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| {
            assert_eq!(i["state"], "issued", "{i}");
            i["serial"].as_str().expect("a serial").to_owned()
        })
        .collect();
    assert_eq!(serials.len(), 20);
    assert!(started.elapsed() < Duration::from_secs(300));
    // Decided once only.
    decide(&server, approver, id, "approve", None).expect_error(409, "already_decided");
    decide(&server, approver, id, "reject", Some("không")).expect_error(409, "already_decided");

    let zip = download_zip(
        env,
        &server,
        officer,
        &format!("/api/v1/batches/{id}/certificates.zip"),
    );
    verify_archive(env, &zip, &serials, "batch");
    let names: Vec<String> = unzip(&zip).into_iter().map(|(n, _)| n).collect();
    assert!(
        names
            .iter()
            .any(|n| n.starts_with("001089032000_Nguyen-Van-An-0_")),
        "{names:?}"
    );

    // The admin's own batch: nobody approves their own.
    let more = people_from(env, &server, officer, 20, 2);
    let reply = post_batch(&server, admin, unit, &zip_of(&files_of(&more)));
    // The 20 earlier people have no file in this archive: refused, listed.
    assert_eq!(reply.status, 422, "{}", reply.body);
    let v = reply.json();
    assert_eq!(v["error"]["code"], "batch_refused");
    assert_eq!(
        v["people_without_file"].as_array().map(Vec::len),
        Some(20),
        "{v}"
    );
    // Narrowed by the filter to the two new people, it is recorded.
    let reply = curl(
        &server,
        "POST",
        &format!("/api/v1/batches?unit_id={unit}&filter=00108903202"),
        &[
            format!("Authorization: Bearer {admin}"),
            "Content-Type: application/zip".to_owned(),
        ],
        Some(&zip_of(&files_of(&more))),
        &[],
    );
    assert_eq!(reply.status, 201, "{}", reply.body);
    let own = reply.json()["id"].as_i64().expect("an id");
    decide(&server, admin, own, "approve", None).expect_error(403, "own_request");
    // Rejecting takes a comment, and rejects every request.
    decide(&server, approver, own, "reject", None).expect_error(422, "comment_required");
    let rejected = decide(&server, approver, own, "reject", Some("Sai đơn vị")).ok();
    assert_eq!(rejected["state"], "rejected", "{rejected}");
    assert!(
        rejected["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|i| i["state"] == "rejected" && i["serial"].is_null()),
        "{rejected}"
    );
    api(
        &server,
        "GET",
        &format!("/api/v1/batches/{own}/certificates.zip"),
        Some(officer),
        None,
    )
    .expect_error(409, "no_certificates");
});

/// `n` more people, numbered from `from` (CSR keys `p{from}`…).
fn people_from(
    env: &TestEnv,
    server: &Server,
    token: &str,
    from: usize,
    n: usize,
) -> Vec<(i64, String, Vec<u8>)> {
    (from..from + n)
        .map(|i| {
            let digits = format!("0010890320{i:02}");
            let id = add_member(
                server,
                token,
                &format!("Võ Thị Hạnh {i}"),
                &format!("CCCD:{digits}"),
            );
            let csr = std::fs::read(env.csr_p256(&format!("p{i}"))).expect("csr");
            (id, digits, csr)
        })
        .collect()
}

both_databases!(mismatches_and_refusals_record_nothing, |env| {
    let (server, signed) = start(env);
    let (officer, approver) = (&signed[1].1, &signed[2].1);
    let people = people(env, &server, officer, 4);
    let unit = unit_id(&server, officer);
    // Someone of another unit holds a certificate on key `taken`.
    let other = add_subscriber(
        &server,
        officer,
        "Huỳnh Văn Tài",
        "CCCD:001089039999",
        "Cần Thơ",
    );
    let taken = std::fs::read_to_string(env.csr_p256("taken")).expect("csr");
    let rid = submit_ok(
        &server,
        officer,
        &json!({ "kind": "issue", "subscriber_id": other, "csr": taken }),
    );
    approve_ok(&server, approver, rid);
    let before = (env.count("requests"), env.count("batches"), env.snapshot());

    // Person 3 has no file; an extra file names nobody; one file follows no rule.
    let mut files = files_of(&people[..3]);
    files.push(("999999999999.csr".into(), people[3].2.clone()));
    files.push(("ghi-chu.txt".into(), b"x".to_vec()));
    let reply = post_batch(&server, officer, unit, &zip_of(&files));
    assert_eq!(reply.status, 422, "{}", reply.body);
    let v = reply.json();
    assert_eq!(v["error"]["code"], "batch_refused");
    assert_eq!(
        v["unmatched_files"],
        json!(["999999999999.csr", "ghi-chu.txt"]),
        "{v}"
    );
    let missing = v["people_without_file"].as_array().expect("a list");
    assert_eq!(missing.len(), 1, "{v}");
    assert_eq!(missing[0]["subscriber_id"].as_i64(), Some(people[3].0));
    assert_eq!(missing[0]["uid"], format!("CCCD:{}", people[3].1));

    // Two files for one person.
    let mut files = files_of(&people);
    files.push((format!("s{}.csr", people[0].0), people[0].2.clone()));
    let v = post_batch(&server, officer, unit, &zip_of(&files)).json();
    assert_eq!(
        v["duplicate_files"],
        json!([format!("s{}.csr", people[0].0)]),
        "{v}"
    );

    // Person 1's CSR is on a key certified to someone else: the whole
    // batch is refused, that person listed with the CA's code.
    let mut files = files_of(&people);
    files[1].1 = taken.into_bytes();
    let reply = post_batch(&server, officer, unit, &zip_of(&files));
    assert_eq!(reply.status, 422, "{}", reply.body);
    let v = reply.json();
    let refused = v["refused"].as_array().expect("a list");
    assert_eq!(refused.len(), 1, "{v}");
    assert_eq!(refused[0]["subscriber_id"].as_i64(), Some(people[1].0));
    assert!(
        !refused[0]["code"].as_str().unwrap_or_default().is_empty(),
        "{v}"
    );
    assert!(v["unmatched_files"].as_array().is_some_and(Vec::is_empty));
    assert_eq!(
        (env.count("requests"), env.count("batches"), env.snapshot()),
        before,
        "a refused batch records nothing"
    );

    // Another province's officer does not see the unit.
    let (hn_officer, _) = ha_noi_accounts(env, &server);
    post_batch(&server, &hn_officer, unit, &zip_of(&files_of(&people)))
        .expect_error(404, "not_found");
});

both_databases!(unit_change_certificates_download_as_one_zip, |env| {
    let (server, signed) = start(env);
    let (officer, approver) = (&signed[1].1, &signed[2].1);
    let people = people(env, &server, officer, 3);
    let unit = unit_id(&server, officer);
    let batch = post_batch(&server, officer, unit, &zip_of(&files_of(&people))).ok();
    let id = batch["id"].as_i64().expect("an id");
    decide(&server, approver, id, "approve", None).ok();
    let change = submit_ok(
        &server,
        officer,
        &json!({ "kind": "unit_change", "unit_id": unit, "unit_name": "Sở Nội vụ thành phố Cần Thơ" }),
    );
    approve(&server, approver, change).ok();
    let started = Instant::now();
    let job = loop {
        let v: Value = api(
            &server,
            "GET",
            &format!("/api/v1/bulk/{change}"),
            Some(approver),
            None,
        )
        .ok();
        if v["request_state"] != "approved" {
            break v;
        }
        assert!(
            started.elapsed() < Duration::from_secs(180),
            "the job never ended: {v}"
        );
        std::thread::sleep(Duration::from_millis(300));
    };
    assert_eq!(job["done"], 3, "{job}");
    let serials: Vec<String> = job["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["new_serial"].as_str().expect("a new serial").to_owned())
        .collect();
    let zip = download_zip(
        env,
        &server,
        officer,
        &format!("/api/v1/bulk/{change}/certificates.zip"),
    );
    verify_archive(env, &zip, &serials, "unit-change");
    // A request that is not a unit change has no such archive.
    let first = batch["items"][0]["request_id"].as_i64().expect("a request");
    api(
        &server,
        "GET",
        &format!("/api/v1/bulk/{first}/certificates.zip"),
        Some(officer),
        None,
    )
    .expect_error(404, "not_found");
});

both_databases!(pages_make_approve_and_download_a_batch, |env| {
    let (server, signed) = start(env);
    let officer = &signed[1].1;
    let people = people(env, &server, officer, 3);
    let unit = unit_id(&server, officer);
    let mut officer_account = signed[1].0.clone();
    let mut approver_account = signed[2].0.clone();
    let web = Browser::new(env, &server, "batch-officer");
    web.sign_in(&mut officer_account);

    let form = web.page(&format!("/batches/new?unit_id={unit}"));
    assert!(
        form.contains("Quy tắc tên tệp"),
        "the rule is stated: {form}"
    );
    assert!(form.contains("3 người được chọn."), "{form}");
    assert!(form.contains(&format!("{}.csr", people[0].1)), "{form}");
    let csrf = csrf_of(&form);
    let unit_s = unit.to_string();
    let fields = [
        ("csrf", csrf.as_str()),
        ("unit_id", unit_s.as_str()),
        ("filter", ""),
    ];

    // A zip bomb: refused with a Vietnamese message, nothing recorded.
    let bomb = env.write("bomb.zip", batch_zip::zip_bomb());
    let before = env.count("requests");
    let r = web.post_multipart("/batches", &fields, &[("files", &bomb)]);
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("lớn hơn 64 KiB"), "{}", r.body);
    assert_eq!(env.count("requests"), before);
    // Two of three files: the missing person is listed.
    let paths: Vec<std::path::PathBuf> = people
        .iter()
        .map(|(_, digits, csr)| env.write(&format!("{digits}.csr"), csr))
        .collect();
    let two: Vec<(&str, &std::path::Path)> =
        paths[..2].iter().map(|p| ("files", p.as_path())).collect();
    let r = web.post_multipart("/batches", &fields, &two);
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("Người chưa có tệp CSR"), "{}", r.body);
    assert!(
        r.body.contains(&format!("CCCD:{}", people[2].1)),
        "{}",
        r.body
    );
    // All three files, several in one form.
    let all: Vec<(&str, &std::path::Path)> = paths.iter().map(|p| ("files", p.as_path())).collect();
    let r = web.post_multipart("/batches", &fields, &all);
    assert_eq!(r.status, 303, "{}", r.body);
    let at = r.location().expect("the batch's page");
    let page = web.page(&at);
    assert!(page.contains("Lô chờ phê duyệt"), "{page}");
    assert!(
        !page.contains("Phê duyệt cả lô"),
        "the submitter cannot approve: {page}"
    );

    let approver = Browser::new(env, &server, "batch-approver");
    approver.sign_in(&mut approver_account);
    let page = approver.page(&at);
    assert!(page.contains("Phê duyệt cả lô"), "{page}");
    let r = approver.submit(&at, &format!("{at}/approve"), &[("comment", "Đồng ý")]);
    assert_eq!(r.status, 303, "{}", r.body);
    let page = approver.page(&at);
    assert!(page.contains("Lô đã thực hiện xong"), "{page}");
    assert!(
        page.contains(&format!("/api/v1{at}/certificates.zip")),
        "{page}"
    );
    // Approving again: a form message, nothing changed.
    let r = approver.submit("/batches", &format!("{at}/approve"), &[]);
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("đã được quyết định trước đó"), "{}", r.body);
    // The list shows the batch.
    let list = web.page("/batches");
    assert!(list.contains(&format!("href=\"{at}\"")), "{list}");
});
