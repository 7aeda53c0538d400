//! Import of subscribers from Excel and CSV files (docs/import.md),
//! through the API and the pages, on both databases: a preview that
//! changes nothing, an all-or-nothing commit audited like single
//! registrations, per-row errors with row, column and message, the
//! province scope, the file-level refusals (not UTF-8, missing column,
//! empty, oversized); a 200-row `.xlsx` with a title row and columns the
//! import does not use, a semicolon CSV as a spreadsheet saves it,
//! re-imports (registered people skipped, changes offered as updates),
//! the templates, the paged preview and the `.xlsx` reports.

#[macro_use]
mod common;
mod portal;

use common::*;
use portal::*;
use serde_json::{json, Value};

const IMPORT: &str = "/api/v1/subscribers/import";

/// Family names, middle names, given names to make distinct people.
const FAMILY: [&str; 5] = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh"];
const MIDDLE: [&str; 5] = ["Văn", "Thị", "Hữu", "Ngọc", "Thanh"];
const GIVEN: [&str; 10] = [
    "An", "Bình", "Cường", "Dũng", "Hằng", "Khoa", "Lộc", "Mỹ", "Phúc", "Tường",
];

/// Posts a CSV file to the import endpoint.
fn import(server: &Server, token: &str, body: &[u8], dry_run: bool) -> Reply {
    let path = if dry_run {
        format!("{IMPORT}?dry_run=true")
    } else {
        IMPORT.to_owned()
    };
    curl(
        server,
        "POST",
        &path,
        &[
            format!("Authorization: Bearer {token}"),
            "Content-Type: text/csv".to_owned(),
        ],
        Some(body),
        &[],
    )
}

/// A Vietnamese-header file of `n` valid rows in Cần Thơ (every fifth an
/// organization; row 7 gives the former province Hậu Giang), with a
/// byte-order mark, quoted fields and NFD headers.
fn vietnamese_file(n: usize) -> String {
    // "Loại" and "Họ và tên" in NFD (base letter + combining marks), upper
    // case and padded: the header match must not care.
    let mut out = String::from(
        "\u{feff} LOA\u{323}I ,Ho\u{323} va\u{300} te\u{302}n,tên tổ chức,Số định danh,mã số thuế,chức danh,đơn vị,Tỉnh / Thành phố,email,điện thoại\r\n",
    );
    for i in 0..n {
        let province = if i == 7 { "Hậu Giang" } else { "Cần Thơ" };
        if i % 5 == 4 {
            out.push_str(&format!(
                "tổ chức,,\"Trung tâm Dịch vụ số, {}\",,18000{i:05},,\"Sở Khoa học và Công nghệ\",{province},ttds{i}@cantho.gov.vn,0292381{i:04}\r\n",
                GIVEN[i % 10]
            ));
        } else {
            let name = format!(
                "{} {} {}",
                FAMILY[i % 5],
                MIDDLE[(i / 5) % 5],
                GIVEN[i % 10]
            );
            out.push_str(&format!(
                "cá nhân,{name},,092089031{i:03},,Chuyên viên,Sở Khoa học và Công nghệ,{province},canbo{i}@cantho.gov.vn,09123{i:05}\r\n"
            ));
        }
    }
    out
}

/// Subscribers the account sees through the API.
fn listed(server: &Server, token: &str) -> Vec<Value> {
    api(
        server,
        "GET",
        "/api/v1/subscribers?limit=500",
        Some(token),
        None,
    )
    .ok()["subscribers"]
        .as_array()
        .expect("a list")
        .clone()
}

both_databases!(vietnamese_file_previewed_then_committed, |env| {
    let (server, signed) = start(env);
    let officer = &signed[1].1;
    let file = vietnamese_file(50);

    let before = env.snapshot();
    let preview = import(&server, officer, file.as_bytes(), true);
    assert_eq!(preview.status, 200, "{}", preview.body);
    let v = preview.json();
    assert_eq!(
        (v["rows"].as_i64(), v["valid"].as_i64()),
        (Some(50), Some(50)),
        "{v}"
    );
    assert_eq!(v["errors"].as_array().map(Vec::len), Some(0), "{v}");
    assert_eq!(env.snapshot(), before, "a preview changes nothing");

    let events = env.count("audit_events");
    let done = import(&server, officer, file.as_bytes(), false);
    assert_eq!(done.status, 201, "{}", done.body);
    let v = done.json();
    let ids: Vec<i64> = v["created"]
        .as_array()
        .expect("the created ids")
        .iter()
        .map(|i| i.as_i64().expect("an id"))
        .collect();
    assert_eq!(ids.len(), 50, "{v}");
    assert_eq!(env.count("subscribers"), 50);
    assert_eq!(
        env.query_i64("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'subscriber.add'"),
        50,
        "one audit event per subscriber"
    );
    assert_eq!(env.count("audit_events"), events + 50);
    assert_audit_ok(env);

    let all = listed(&server, officer);
    assert_eq!(all.len(), 50);
    let by_id = |id: i64| {
        all.iter()
            .find(|s| s["id"].as_i64() == Some(id))
            .unwrap_or_else(|| panic!("subscriber {id} listed"))
            .clone()
    };
    let first = by_id(ids[0]);
    assert_eq!(first["name"], "Nguyễn Văn An");
    assert_eq!(first["kind"], "individual");
    assert_eq!(first["uid"], "CCCD:092089031000");
    assert_eq!(first["province"], "Cần Thơ");
    assert_eq!(first["title"], "Chuyên viên");
    let org = by_id(ids[4]);
    assert_eq!(org["kind"], "organization");
    assert_eq!(org["name"], "Trung tâm Dịch vụ số, Hằng");
    assert_eq!(org["uid"], "MST:1800000004");
    // Row 8 said "Hậu Giang": stored as its current unit.
    let former = by_id(ids[7]);
    assert_eq!(former["province"], "Cần Thơ");
    assert_eq!(former["uid"], "CCCD:092089031007");
    assert_eq!(
        all.iter().filter(|s| s["kind"] == "organization").count(),
        10
    );
    // One unit, created on first use, shared by every row.
    assert_eq!(env.count("units"), 1);
});

both_databases!(english_headers, |env| {
    let (server, signed) = start(env);
    let admin = &signed[0].1;
    let file = "Kind,Name,National_ID,Tax_Code,Title,Unit,Province,Email,Phone\n\
                individual,Đỗ Thị Hoa,CCCD:001089031701,,Trưởng phòng,Văn phòng UBND,Hà Nội,hoa@hanoi.gov.vn,0241234567\n\
                organization,Sở Tài chính Hà Nội,,0100112233,,,Hà Nội,,\n\
                individual,Võ Minh Tâm,HC:B1234567,,,,Bình Dương,,\n";
    let preview = import(&server, admin, file.as_bytes(), true);
    assert_eq!(preview.status, 200, "{}", preview.body);
    assert_eq!(preview.json()["valid"], 3, "{}", preview.body);
    let v = import(&server, admin, file.as_bytes(), false);
    assert_eq!(v.status, 201, "{}", v.body);
    let all = listed(&server, admin);
    let names: Vec<&str> = all.iter().filter_map(|s| s["name"].as_str()).collect();
    assert_eq!(names, ["Đỗ Thị Hoa", "Sở Tài chính Hà Nội", "Võ Minh Tâm"]);
    assert_eq!(all[1]["uid"], "MST:0100112233");
    assert_eq!(all[2]["province"], "Thành phố Hồ Chí Minh");
    assert_audit_ok(env);
});

both_databases!(one_broken_row_refuses_the_whole_file, |env| {
    let (server, signed) = start(env);
    let officer = &signed[1].1;
    let mut file = vietnamese_file(10);
    // Row 11: an 11-digit CCCD.
    file.push_str("cá nhân,Lý Thị Sương,,CCCD:09208903199,,,,Cần Thơ,,\r\n");
    file.push_str("cá nhân,Mai Văn Tài,,092089031998,,,,Cần Thơ,,\r\n");
    let before = env.snapshot();
    for dry_run in [true, false] {
        let r = import(&server, officer, file.as_bytes(), dry_run);
        let v = r.json();
        if dry_run {
            assert_eq!(r.status, 200, "{}", r.body);
        } else {
            assert_eq!(r.status, 422, "{}", r.body);
            assert_eq!(r.code(), "import_rejected");
        }
        assert_eq!(
            (v["rows"].as_i64(), v["valid"].as_i64()),
            (Some(12), Some(11)),
            "{v}"
        );
        let errors = v["errors"].as_array().expect("errors");
        assert_eq!(errors.len(), 1, "{v}");
        assert_eq!(errors[0]["row"], 11);
        assert_eq!(errors[0]["column"], "Số định danh");
        assert_eq!(errors[0]["code"], "invalid_identity");
        let message = errors[0]["message"].as_str().unwrap_or_default();
        assert!(message.contains("12 digits"), "{message}");
        assert!(v["created"].is_null());
    }
    assert_eq!(env.snapshot(), before, "nothing imported");
});

both_databases!(duplicate_identifier_inside_the_file, |env| {
    let (server, signed) = start(env);
    let officer = &signed[1].1;
    let file = "loại,họ và tên,số định danh,mã số thuế,tỉnh/thành phố\n\
                cá nhân,Nguyễn Văn An,092089031001,,Cần Thơ\n\
                tổ chức,Sở Y tế,,1800000001,Cần Thơ\n\
                cá nhân,Nguyễn Văn Ân,CCCD:092089031001,,Cần Thơ\n\
                tổ chức,Sở Y tế Cần Thơ,,1800000001,Sóc Trăng\n";
    let before = env.snapshot();
    let r = import(&server, officer, file.as_bytes(), false);
    assert_eq!(r.status, 422, "{}", r.body);
    let v = r.json();
    let errors: Vec<(i64, &str, &str)> = v["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            (
                e["row"].as_i64().unwrap_or(0),
                e["column"].as_str().unwrap_or(""),
                e["code"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        errors,
        [
            (3, "số định danh", "duplicate_in_file"),
            (4, "mã số thuế", "duplicate_in_file")
        ],
        "{v}"
    );
    assert!(v["errors"][0]["message"]
        .as_str()
        .is_some_and(|m| m.contains("row 1")));
    assert_eq!(env.snapshot(), before);
});

both_databases!(officer_cannot_import_another_province, |env| {
    let (server, signed) = start(env);
    let officer = &signed[1].1;
    let file = "loại,họ và tên,số định danh,tỉnh/thành phố\n\
                cá nhân,Nguyễn Văn An,092089031001,Cần Thơ\n\
                cá nhân,Trần Thị Bích,001089031002,Hà Nội\n";
    let before = env.snapshot();
    for dry_run in [true, false] {
        let r = import(&server, officer, file.as_bytes(), dry_run);
        assert_eq!(r.status, if dry_run { 200 } else { 422 }, "{}", r.body);
        let v = r.json();
        assert_eq!(v["valid"], 1, "{v}");
        assert_eq!(v["errors"][0]["row"], 2, "{v}");
        assert_eq!(v["errors"][0]["column"], "tỉnh/thành phố", "{v}");
        assert_eq!(v["errors"][0]["code"], "forbidden", "{v}");
    }
    assert_eq!(env.snapshot(), before, "nothing imported");
    // The approver registers nobody, even in their own province.
    let approver = &signed[2].1;
    let r = import(&server, approver, file.as_bytes(), false);
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.json()["valid"], 0);
    assert_eq!(env.snapshot(), before);
});

both_databases!(file_level_refusals, |env| {
    let (server, signed) = start(env);
    let officer = &signed[1].1;
    let before = env.snapshot();

    // Latin-1 bytes ("Nguyễn" cannot be, but "Hà" can: 0xE0).
    let latin1 = b"kind,name,national_id,province\nindividual,H\xe0 An,092089031001,C\xe0n Tho\n";
    let r = import(&server, officer, latin1, false);
    r.expect_error(422, "not_utf8");
    assert!(r.json()["error"]["message"]
        .as_str()
        .is_some_and(|m| m.contains("UTF-8")));

    let r = import(
        &server,
        officer,
        "loại,họ và tên,số định danh\ncá nhân,Nguyễn Văn An,092089031001\n".as_bytes(),
        true,
    );
    r.expect_error(422, "missing_column");
    assert!(r.body.contains("tỉnh/thành phố"), "{}", r.body);

    // A column the import does not use is listed and ignored.
    let r = import(
        &server,
        officer,
        "loại,họ và tên,số định danh,ngày sinh,tỉnh/thành phố\ncá nhân,An,092089031001,1/1/1990,Cần Thơ\n"
            .as_bytes(),
        true,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.json()["ignored_columns"],
        serde_json::json!(["ngày sinh"])
    );
    assert_eq!(r.json()["new"], 1, "{}", r.body);
    // No line names a column: no header row.
    import(&server, officer, "a,b\nc,d\n".as_bytes(), true).expect_error(422, "no_header");

    import(&server, officer, b"", false).expect_error(422, "empty_file");
    import(&server, officer, "\u{feff}\r\n".as_bytes(), false).expect_error(422, "empty_file");
    import(&server, officer, b"kind,name,province\n", false).expect_error(422, "empty_file");

    let r = import(
        &server,
        officer,
        "kind,name,province\nindividual,\"An,Cần Thơ\n".as_bytes(),
        false,
    );
    assert_eq!(r.status, 422, "{}", r.body);

    let mut big = String::from("kind,name,national_id,province\n");
    while big.len() <= 5 * 1024 * 1024 {
        big.push_str("individual,Nguyễn Văn An,092089031001,Cần Thơ\n");
    }
    import(&server, officer, big.as_bytes(), false).expect_error(413, "too_large");

    // No token: 401 as everywhere.
    let r = curl(&server, "POST", IMPORT, &[], Some(b"kind\n"), &[]);
    r.expect_error(401, "unauthenticated");
    assert_eq!(env.snapshot(), before, "nothing changed");
});

/// The value of the hidden `sha256` field of the confirmation form.
fn digest_of(page: &str) -> String {
    let marker = r#"name="sha256" value=""#;
    let start = page
        .find(marker)
        .map(|i| i + marker.len())
        .unwrap_or_else(|| panic!("a confirmation form in {page}"));
    page[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_owned()
}

both_databases!(through_the_pages, |env| {
    let (server, signed) = start(env);
    let mut officer = signed[1].0.clone();
    let browser = Browser::new(env, &server, "officer");
    browser.sign_in(&mut officer);
    let list = browser.page("/subscribers");
    assert!(list.contains(r#"href="/subscribers/import""#), "{list}");
    let form = browser.page("/subscribers/import");
    assert!(
        form.contains("Nhập danh sách từ tệp Excel hoặc CSV"),
        "{form}"
    );
    assert!(
        form.contains("/api/v1/subscribers/import/template.xlsx"),
        "{form}"
    );
    let csrf = csrf_of(&form);
    let before = env.snapshot();

    // A file with a broken row: the preview says why, in Vietnamese, next
    // to the row, and offers no confirmation.
    let mut broken = vietnamese_file(4);
    broken.push_str("cá nhân,Lý Thị Sương,,CCCD:09208903199,,,,Cần Thơ,,\r\n");
    let path = env.write("broken.csv", &broken);
    let r = browser.post_multipart(
        "/subscribers/import",
        &[("csrf", &csrf)],
        &[("file", &path)],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Tệp có 5 dòng"), "{}", r.body);
    assert!(r.body.contains("Mới: 4"), "{}", r.body);
    assert!(r.body.contains("Lỗi: 1"), "{}", r.body);
    // Row 5 is line 6 of the sheet (the header is line 1).
    let row = r
        .body
        .split("<tr>")
        .find(|tr| tr.starts_with("<td>6</td>"))
        .unwrap_or_else(|| panic!("line 6 in {}", r.body));
    assert!(row.contains("Lý Thị Sương"), "{row}");
    assert!(
        row.contains("Số định danh: Số CCCD phải gồm đúng 12 chữ số (đã nhập 11 chữ số)."),
        "{row}"
    );
    assert!(
        !r.body.contains("/subscribers/import/confirm"),
        "{}",
        r.body
    );
    assert_eq!(env.snapshot(), before);

    // File-level refusals, in Vietnamese.
    let latin1 = env.write(
        "latin1.csv",
        b"kind,name,province\nindividual,H\xe0,C\xe0n Tho\n",
    );
    let r = browser.post_multipart(
        "/subscribers/import",
        &[("csrf", &csrf)],
        &[("file", &latin1)],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("không phải văn bản UTF-8"), "{}", r.body);
    let missing = env.write("missing.csv", "loại,họ và tên\ncá nhân,An\n");
    let r = browser.post_multipart(
        "/subscribers/import",
        &[("csrf", &csrf)],
        &[("file", &missing)],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.body.contains("Thiếu cột bắt buộc “tỉnh/thành phố”."),
        "{}",
        r.body
    );
    // No CSRF value: refused before the file is looked at.
    let r = browser.post_multipart("/subscribers/import", &[], &[("file", &path)]);
    assert_eq!(r.status, 403, "{}", r.body);

    // Files above Rocket's default 1 MiB upload are read (here 3 rows and
    // 2 MiB of blank lines); above 5 MiB they are refused.
    let mut padded = vietnamese_file(3);
    padded.push_str(&"\n".repeat(2 * 1024 * 1024));
    let padded = env.write("padded.csv", padded);
    let r = browser.post_multipart(
        "/subscribers/import",
        &[("csrf", &csrf)],
        &[("file", &padded)],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Tệp có 3 dòng"), "{}", r.body);
    assert!(r.body.contains("Mới: 3"), "{}", r.body);
    let mut huge = vietnamese_file(3);
    huge.push_str(&"\n".repeat(5 * 1024 * 1024 + 1));
    let huge = env.write("huge.csv", huge);
    let r = browser.post_multipart(
        "/subscribers/import",
        &[("csrf", &csrf)],
        &[("file", &huge)],
    );
    assert_eq!(r.status, 413, "{}", r.body);
    assert!(
        r.body.contains("Tệp quá lớn") || r.body.contains("tệp quá lớn"),
        "{}",
        r.body
    );
    assert_eq!(env.snapshot(), before);

    // A valid file: previewed, then confirmed.
    let valid = env.write("valid.csv", vietnamese_file(10));
    let r = browser.post_multipart(
        "/subscribers/import",
        &[("csrf", &csrf)],
        &[("file", &valid)],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Tệp có 10 dòng"), "{}", r.body);
    assert!(r.body.contains("Mới: 10"), "{}", r.body);
    assert!(
        r.body
            .contains("Mới, hợp lệ (tỉnh cũ “Hậu Giang” → Cần Thơ)"),
        "{}",
        r.body
    );
    assert!(r.body.contains("Xác nhận nhập"), "{}", r.body);
    let digest = digest_of(&r.body);
    assert_eq!(digest.len(), 64);
    assert_eq!(env.snapshot(), before, "a preview changes nothing");

    // Without the CSRF value, or with another digest: refused, nothing changed.
    let r = browser.post("/subscribers/import/confirm", &[("sha256", &digest)]);
    assert_eq!(r.status, 403, "{}", r.body);
    let other = "0".repeat(64);
    let r = browser.post(
        "/subscribers/import/confirm",
        &[("csrf", &csrf), ("sha256", &other)],
    );
    assert_eq!(r.status, 409, "{}", r.body);
    assert_eq!(env.snapshot(), before);

    let r = browser.post(
        "/subscribers/import/confirm",
        &[("csrf", &csrf), ("sha256", &digest)],
    );
    assert_eq!(r.status, 201, "{}", r.body);
    assert!(
        r.body.contains(
            "Đã nhập 10 thuê bao mới, cập nhật 0 thuê bao; bỏ qua 0 thuê bao đã đăng ký."
        ),
        "{}",
        r.body
    );
    assert_eq!(env.count("subscribers"), 10);
    assert_audit_ok(env);
    let list = browser.page("/subscribers");
    assert!(list.contains("Nguyễn Văn An"), "{list}");
    assert!(list.contains("Trung tâm Dịch vụ số, Hằng"), "{list}");
    // The same confirmation twice imports nothing more.
    let r = browser.post(
        "/subscribers/import/confirm",
        &[("csrf", &csrf), ("sha256", &digest)],
    );
    assert_eq!(r.status, 409, "{}", r.body);
    assert_eq!(env.count("subscribers"), 10);
});

/// Posts a file with a media type to the import endpoint (`query`:
/// `?dry_run=true`, `?update=true` or empty).
fn import_as(server: &Server, token: &str, media: &str, body: &[u8], query: &str) -> Reply {
    curl(
        server,
        "POST",
        &format!("{IMPORT}{query}"),
        &[
            format!("Authorization: Bearer {token}"),
            format!("Content-Type: {media}"),
        ],
        Some(body),
        &[],
    )
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The subscriber of an id, through the API.
fn subscriber(server: &Server, token: &str, id: i64) -> Value {
    api(
        server,
        "GET",
        &format!("/api/v1/subscribers/{id}"),
        Some(token),
        None,
    )
    .ok()
}

both_databases!(xlsx_of_200_staff_then_reimports, |env| {
    use portal::sheets::{staff_row, xlsx, STAFF_HEAD};
    let (server, signed) = start(env);
    let officer = &signed[1].1;
    let rows: Vec<Vec<String>> = (0..200).map(|i| staff_row(i, None)).collect();
    let book = xlsx(
        Some("DANH SÁCH CÁN BỘ ĐỀ NGHỊ CẤP CHỨNG THƯ SỐ – SỞ KHOA HỌC VÀ CÔNG NGHỆ CẦN THƠ"),
        &STAFF_HEAD,
        &rows,
    );
    env.write("staff-200.xlsx", &book);

    let before = env.snapshot();
    let v = import_as(&server, officer, XLSX, &book, "?dry_run=true").ok();
    assert_eq!(
        (
            &v["rows"],
            &v["new"],
            &v["registered"],
            &v["to_update"],
            &v["header_line"]
        ),
        (&json!(200), &json!(200), &json!(0), &json!(0), &json!(3)),
        "{v}"
    );
    assert_eq!(v["ignored_columns"], json!(["STT", "Ngày sinh"]), "{v}");
    assert_eq!(v["errors"], json!([]), "{v}");
    assert_eq!(env.snapshot(), before, "a preview changes nothing");

    let done = import_as(&server, officer, XLSX, &book, "").ok();
    let created: Vec<i64> = done["created"]
        .as_array()
        .expect("ids")
        .iter()
        .filter_map(Value::as_i64)
        .collect();
    assert_eq!(created.len(), 200, "{done}");
    assert_eq!(env.count("subscribers"), 200);
    let first = subscriber(&server, officer, created[0]);
    assert_eq!(first["name"], rows[0][2].as_str(), "{first}");
    assert_eq!(first["uid"], format!("CCCD:{}", rows[0][4]), "{first}");
    assert!(first["unit_id"].is_i64(), "{first}");
    // The four units of the list, created on first use.
    assert_eq!(env.count("units"), 4);
    assert_audit_ok(env);

    // The same list again: everyone is registered already and skipped.
    let events = env.count("audit_events");
    let v = import_as(&server, officer, XLSX, &book, "?dry_run=true").ok();
    assert_eq!(
        (&v["new"], &v["registered"], &v["to_update"], &v["valid"]),
        (&json!(0), &json!(200), &json!(0), &json!(200)),
        "{v}"
    );
    assert_eq!(v["already_registered"][0]["subscriber_id"], created[0]);
    let again = import_as(&server, officer, XLSX, &book, "?update=true");
    assert_eq!(again.status, 201, "{}", again.body);
    assert_eq!(again.json()["created"], json!([]));
    assert_eq!(again.json()["updated"], json!([]));
    assert_eq!(env.count("subscribers"), 200);
    assert_eq!(env.count("audit_events"), events, "nothing written");

    // A changed list: five promotions and three newcomers.
    let mut changed = rows.clone();
    for row in changed.iter_mut().take(5) {
        row[5] = "Chánh Văn phòng".into();
    }
    changed.extend((200..203).map(|i| staff_row(i, None)));
    let book = xlsx(None, &STAFF_HEAD, &changed);
    let v = import_as(&server, officer, XLSX, &book, "?dry_run=true").ok();
    assert_eq!(
        (&v["new"], &v["registered"], &v["to_update"]),
        (&json!(3), &json!(195), &json!(5)),
        "{v}"
    );
    let update = &v["updates"][0];
    assert_eq!(update["subscriber_id"], created[0], "{v}");
    assert_eq!(
        update["changes"],
        json!([{ "field": "title", "old": rows[0][5], "new": "Chánh Văn phòng" }]),
        "{v}"
    );
    // Without update=true the newcomers are registered, the others left.
    let r = import_as(&server, officer, XLSX, &book, "").ok();
    assert_eq!(r["created"].as_array().map(Vec::len), Some(3), "{r}");
    assert_eq!(r["updated"], json!([]), "{r}");
    assert_eq!(env.count("subscribers"), 203);
    assert_eq!(
        subscriber(&server, officer, created[0])["title"],
        rows[0][5].as_str()
    );
    // With update=true the five changes are applied, each audited.
    let r = import_as(&server, officer, XLSX, &book, "?update=true").ok();
    assert_eq!(r["created"], json!([]), "{r}");
    assert_eq!(r["updated"], json!(created[..5]), "{r}");
    for id in &created[..5] {
        assert_eq!(
            subscriber(&server, officer, *id)["title"],
            "Chánh Văn phòng"
        );
    }
    assert_eq!(
        subscriber(&server, officer, created[5])["title"],
        rows[5][5].as_str()
    );
    assert_eq!(
        env.query_i64("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'subscriber.update'"),
        5
    );
    assert_eq!(env.count("subscribers"), 203);
    assert_audit_ok(env);
});

both_databases!(semicolon_csv_as_a_spreadsheet_saves_it, |env| {
    let (server, signed) = start(env);
    let officer = &signed[1].1;
    // Excel's "CSV UTF-8" in a Vietnamese locale: BOM, semicolons, CRLF,
    // a title line, an STT column, empty trailing columns and blank rows
    // of separators.
    let mut file = String::from("\u{feff}DANH SÁCH CÁN BỘ SỞ Y TẾ;;;;;;;\r\n;;;;;;;\r\n");
    file.push_str("STT;Loại;Họ và tên;Số CCCD;Chức vụ;Đơn vị;Tỉnh/thành phố;Số điện thoại;;\r\n");
    let people = [
        ("Trần Thị Bích Ngọc", "092190001234", "Bác sĩ"),
        ("Lê Hoàng Phúc", "092085004321", "Điều dưỡng"),
        ("Huỳnh Thanh Tâm", "092178000111", "Kế toán viên"),
    ];
    for (i, (name, cccd, title)) in people.iter().enumerate() {
        file.push_str(&format!(
            "{};cá nhân;{name};{cccd};{title};Bệnh viện Đa khoa Thành phố;Cần Thơ;0292 3821 {i:03};;\r\n",
            i + 1
        ));
    }
    file.push_str(";;;;;;;;;\r\n");
    let v = import_as(
        &server,
        officer,
        "text/csv",
        file.as_bytes(),
        "?dry_run=true",
    )
    .ok();
    assert_eq!(
        (&v["rows"], &v["new"], &v["header_line"], &v["errors"]),
        (&json!(3), &json!(3), &json!(3), &json!([])),
        "{v}"
    );
    assert_eq!(v["ignored_columns"], json!(["STT"]), "{v}");
    let done = import_as(&server, officer, "text/csv", file.as_bytes(), "").ok();
    let id = done["created"][0].as_i64().expect("an id");
    let s = subscriber(&server, officer, id);
    assert_eq!(s["name"], "Trần Thị Bích Ngọc", "{s}");
    assert_eq!(s["uid"], "CCCD:092190001234", "{s}");
    assert_eq!(s["title"], "Bác sĩ", "{s}");
    assert_eq!(env.count("subscribers"), 3);
    assert_audit_ok(env);
});

both_databases!(templates_parse_back_and_reports_as_xlsx, |env| {
    use portal::sheets::{download, read_xlsx};
    let (server, signed) = start(env);
    let officer = &signed[1].1;

    let (status, headers, book) =
        download(&server, officer, "/api/v1/subscribers/import/template.xlsx");
    assert_eq!(status, 200);
    assert!(headers.contains("spreadsheetml.sheet"), "{headers}");
    assert!(headers.contains("attachment"), "{headers}");
    let grid = read_xlsx(&book);
    assert_eq!(grid[0][0], "Loại");
    assert_eq!(grid[0][1], "Họ và tên");
    assert_eq!(grid[1][1], "Nguyễn Văn An");
    // The CCCD is text: its leading zero is kept.
    assert_eq!(grid[1][2], "092089031001");
    let v = import_as(&server, officer, XLSX, &book, "?dry_run=true").ok();
    assert_eq!((&v["rows"], &v["new"]), (&json!(1), &json!(1)), "{v}");

    let (status, headers, csv) =
        download(&server, officer, "/api/v1/subscribers/import/template.csv");
    assert_eq!(status, 200);
    assert!(headers.contains("text/csv"), "{headers}");
    let text = String::from_utf8(csv.clone()).expect("UTF-8");
    assert!(text.starts_with("\u{feff}Loại,Họ và tên,"), "{text}");
    let v = import_as(&server, officer, "text/csv", &csv, "").ok();
    assert_eq!(v["created"].as_array().map(Vec::len), Some(1), "{v}");

    // A report as .xlsx: the CSV's table, header and cells alike.
    for name in ["status", "units"] {
        let (status, headers, book) =
            download(&server, officer, &format!("/api/v1/reports/{name}.xlsx"));
        assert_eq!(status, 200, "{name}");
        assert!(headers.contains("spreadsheetml.sheet"), "{headers}");
        let (_, _, csv) = download(&server, officer, &format!("/api/v1/reports/{name}.csv"));
        let csv = String::from_utf8(csv).expect("UTF-8");
        let lines: Vec<Vec<String>> = csv
            .trim_start_matches('\u{feff}')
            .lines()
            .map(|l| l.split(',').map(str::to_owned).collect())
            .collect();
        let grid = read_xlsx(&book);
        assert_eq!(grid[0], lines[0], "{name}: the same header");
        assert_eq!(grid.len(), lines.len(), "{name}: the same rows");
        // The units report has the province of the imported person.
        assert!(
            name != "units" || grid.iter().flatten().any(|c| c == "Cần Thơ"),
            "{name}: {grid:?}"
        );
    }
});

both_databases!(paged_preview_with_the_button_on_top, |env| {
    use portal::sheets::{staff_row, xlsx, STAFF_HEAD};
    let (server, signed) = start(env);
    let mut officer = signed[1].0.clone();
    let browser = Browser::new(env, &server, "officer");
    browser.sign_in(&mut officer);
    let csrf = csrf_of(&browser.page("/subscribers/import"));
    let mut rows: Vec<Vec<String>> = (0..120).map(|i| staff_row(i, None)).collect();
    // Line 3 + 100: a broken CCCD.
    rows[99][4] = "09219000".into();
    let path = env.write("staff.xlsx", xlsx(None, &STAFF_HEAD, &rows));
    let r = browser.post_multipart(
        "/subscribers/import",
        &[("csrf", &csrf)],
        &[("file", &path)],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Mới: 119"), "{}", r.body);
    assert!(r.body.contains("Lỗi: 1"), "{}", r.body);
    assert!(r.body.contains("“STT”, “Ngày sinh”"), "{}", r.body);
    assert!(r.body.contains("Trang 1 / 3 (120 dòng)"), "{}", r.body);
    assert_eq!(r.body.matches("<tr><td>").count(), 50, "50 rows a page");
    let digest = {
        let marker = "sha256=";
        let at = r.body.find(marker).expect("a page link") + marker.len();
        r.body[at..at + 64].to_owned()
    };
    // The rows with errors, on a page of their own.
    let errors = browser.page(&format!(
        "/subscribers/import/preview?sha256={digest}&show=errors&page=1"
    ));
    assert!(errors.contains("Trang 1 / 1 (1 dòng)"), "{errors}");
    assert!(errors.contains("<td>101</td>"), "{errors}");

    // A valid list: the confirmation above the table.
    rows[99][4] = "092190099999".into();
    let path = env.write("staff-ok.xlsx", xlsx(None, &STAFF_HEAD, &rows));
    let r = browser.post_multipart(
        "/subscribers/import",
        &[("csrf", &csrf)],
        &[("file", &path)],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let button = r.body.find("Xác nhận nhập").expect("the button");
    let table = r.body.find("<table").expect("the table");
    assert!(button < table, "the confirmation comes before the table");
    let page3 = browser.page(&format!(
        "/subscribers/import/preview?sha256={}&show=all&page=3",
        digest_of(&r.body)
    ));
    assert!(page3.contains("Trang 3 / 3"), "{page3}");
    assert_eq!(page3.matches("<tr><td>").count(), 20);
    assert!(page3.contains("Xác nhận nhập"), "{page3}");
    let r = browser.post(
        "/subscribers/import/confirm",
        &[("csrf", &csrf), ("sha256", &digest_of(&r.body))],
    );
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(env.count("subscribers"), 120);

    // Hostile files through the page: a Vietnamese message, nothing
    // changed.
    let before = env.snapshot();
    let bomb = env.write("bomb.xlsx", sheets::zip_bomb());
    let r = browser.post_multipart(
        "/subscribers/import",
        &[("csrf", &csrf)],
        &[("file", &bomb)],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("“bom zip”"), "{}", r.body);
    let fake = env.write(
        "danh-sach.xlsx",
        "loại,họ và tên,tỉnh\ncá nhân,An,Cần Thơ\n",
    );
    let r = browser.post_multipart(
        "/subscribers/import",
        &[("csrf", &csrf)],
        &[("file", &fake)],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.body
            .contains("Tệp có đuôi .xlsx nhưng không phải bảng tính Excel"),
        "{}",
        r.body
    );
    assert_eq!(env.snapshot(), before);
});

// Issue 16: telephone numbers and e-mail addresses are checked in every
// row, with the same rule as the API and the pages (ca-core's registry).
both_databases!(rows_with_a_bad_phone_or_e_mail_are_refused, |env| {
    let (server, signed) = start(env);
    let officer = &signed[1].1;
    let file = "Loại,Họ và tên,Số định danh,Tỉnh/thành phố,Điện thoại,Thư điện tử\r\n\
                cá nhân,Nguyễn Văn An,001089031733,Cần Thơ,0912 345 678,an@cantho.gov.vn\r\n\
                cá nhân,Trần Thị Bình,001089031734,Cần Thơ,abc-xyz,binh@cantho.gov.vn\r\n\
                cá nhân,Lê Văn Cường,001089031735,Cần Thơ,+84 292 3820 123,cuong.cantho.gov.vn\r\n";
    let before = env.snapshot();
    for dry_run in [true, false] {
        let r = import(&server, officer, file.as_bytes(), dry_run);
        let v = r.json();
        if dry_run {
            assert_eq!(r.status, 200, "{}", r.body);
        } else {
            assert_eq!(r.status, 422, "{}", r.body);
            assert_eq!(r.code(), "import_rejected");
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
                (2, "Điện thoại".to_owned(), "invalid_phone".to_owned()),
                (3, "Thư điện tử".to_owned(), "invalid_identity".to_owned()),
            ],
            "{v}"
        );
    }
    assert_eq!(env.snapshot(), before, "a refused file changes nothing");
});
