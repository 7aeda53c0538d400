//! The RA portal's pages driven like a browser without JavaScript (curl
//! with a cookie jar): the officer signs in through the form, registers a
//! unit, subscribers and a token, uploads a CSR file (multipart) for a new
//! certificate; the approver (password + TOTP) approves on the request
//! page; the certificate is downloaded and verified with openssl. Bad
//! input on the forms shows the Vietnamese message next to the field and
//! changes nothing; a form without its CSRF value is refused; an officer of
//! another province gets the page of a missing object (404).

#[macro_use]
mod common;
mod portal;

use common::*;
use portal::*;

/// The id at the end of a `Location` such as `/subscribers/7`.
fn id_of(r: &Reply, prefix: &str) -> i64 {
    let loc = r
        .location()
        .unwrap_or_else(|| panic!("a redirect, got {} {}", r.status, r.body));
    loc.strip_prefix(prefix)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{loc} is not {prefix}<id>"))
}

/// Asserts the page shows every text.
fn shows(page: &str, texts: &[&str]) {
    for t in texts {
        assert!(page.contains(t), "the page shows {t:?}:\n{page}");
    }
}

/// The rows a refused form must leave alone: the registry, certificates,
/// audit log, and requests.
fn state(env: &TestEnv) -> (Snapshot, i64) {
    (env.snapshot(), env.count("requests"))
}

/// Signs the demo officer in and registers an individual through the
/// form; returns (officer browser, subscriber id).
fn officer_with_subscriber<'a>(
    env: &TestEnv,
    server: &'a Server,
    officer: &mut Account,
) -> (Browser<'a>, i64) {
    let web = Browser::new(env, server, "officer");
    web.sign_in(officer);
    let r = web.submit(
        "/subscribers/new",
        "/subscribers",
        &[
            ("kind", "individual"),
            ("name", "Trần Thị Hoàng Dung"),
            ("national_id", "001089031733"),
            ("title", "Chuyên viên"),
            ("province", "Cần Thơ"),
            ("email", "dung@cantho.gov.vn"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let id = id_of(&r, "/subscribers/");
    (web, id)
}

both_databases!(officer_and_approver_through_the_pages, |env| {
    let out = env.init_and_export();
    let all = accounts(&out);
    let mut officer = account(&all, "officer");
    let mut approver = account(&all, "approver");
    let server = env.serve(&[]);
    let web = Browser::new(env, &server, "officer");
    web.sign_in(&mut officer);

    let dashboard = web.page("/dashboard");
    shows(
        &dashboard,
        &[
            "Bảng điều khiển",
            r#"href="/units">Đơn vị"#,
            r#"href="/subscribers">Thuê bao"#,
            r#"href="/tokens">Thiết bị lưu khóa"#,
            r#"href="/requests">Yêu cầu"#,
            r#"href="/certificates">Chứng thư số"#,
            "Đăng xuất",
            r#"href="/requests?state=submitted""#,
        ],
    );

    // Đơn vị: the form with the 34 provinces.
    let units = web.page("/units");
    shows(
        &units,
        &[
            r#"<label for="name">Tên đơn vị</label>"#,
            r#"<label for="parent_agency">Cơ quan chủ quản</label>"#,
            r#"<label for="province">Tỉnh, thành phố</label>"#,
            r#"<label for="tax_code">Mã số thuế (MST)</label>"#,
            r#"<option value="Cần Thơ" selected>Cần Thơ</option>"#,
            r#"<option value="Thành phố Hồ Chí Minh">"#,
        ],
    );
    let select = &units[units.find(r#"<select id="province""#).expect("the select")..];
    let select = &select[..select.find("</select>").expect("its end")];
    assert_eq!(
        select.matches("<option").count(),
        35,
        "a blank choice and the 34 provinces: {select}"
    );
    let r = web.submit(
        "/units",
        "/units",
        &[
            ("name", "Sở Tài chính"),
            ("parent_agency", "UBND thành phố Cần Thơ"),
            ("province", "Cần Thơ"),
            ("tax_code", "1800155244"),
        ],
    );
    assert_eq!((r.status, r.location().as_deref()), (303, Some("/units")));
    shows(
        &web.page("/units"),
        &["Sở Tài chính", "UBND thành phố Cần Thơ", "MST:1800155244"],
    );

    // Thuê bao: an individual in the new unit, and an organization.
    let form = web.page("/subscribers/new");
    shows(
        &form,
        &[
            r#"<label for="kind">Loại thuê bao</label>"#,
            "Cá nhân (Mẫu 01)",
            "Tổ chức (Mẫu 02)",
            r#"<label for="name">Họ và tên / tên tổ chức</label>"#,
            r#"<label for="national_id">Số CCCD"#,
            r#"<label for="tax_code">Mã số thuế (tổ chức)</label>"#,
            r#"<option value="Sở Tài chính">"#,
        ],
    );
    let r = web.submit(
        "/subscribers/new",
        "/subscribers",
        &[
            ("kind", "individual"),
            ("name", "Trần Thị Hoàng Dung"),
            ("national_id", "001089031733"),
            ("title", "Chuyên viên"),
            ("unit", "Sở Tài chính"),
            ("province", "Cần Thơ"),
            ("email", "dung@cantho.gov.vn"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let person = id_of(&r, "/subscribers/");
    let r = web.submit(
        "/subscribers/new",
        "/subscribers",
        &[
            ("kind", "organization"),
            ("name", "SỞ TÀI CHÍNH"),
            ("tax_code", "1800155244"),
            ("organization", "UBND THÀNH PHỐ CẦN THƠ"),
            ("province", "Hậu Giang"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let org = id_of(&r, "/subscribers/");
    assert_ne!(person, org);
    // Search by CCCD, by MST, by name.
    let found = web.page("/subscribers?q=001089031733");
    assert!(found.contains("Trần Thị Hoàng Dung") && !found.contains("SỞ TÀI CHÍNH"));
    let found = web.page("/subscribers?q=1800155244");
    assert!(!found.contains("Trần Thị Hoàng Dung") && found.contains("SỞ TÀI CHÍNH"));
    let found = web.page("/subscribers?q=Ho%C3%A0ng%20Dung");
    shows(&found, &["CCCD:001089031733"]);
    // The former province was mapped: Hậu Giang → Cần Thơ.
    shows(
        &web.page(&format!("/subscribers/{org}")),
        &["Cần Thơ", "MST:1800155244"],
    );

    // Thiết bị lưu khóa.
    let tokens = web.page("/tokens");
    shows(
        &tokens,
        &[
            r#"<label for="serial">Số sê-ri</label>"#,
            r#"<label for="model">Model</label>"#,
            r#"<label for="subscriber_id">Người giữ</label>"#,
        ],
    );
    let holder = person.to_string();
    let r = web.submit(
        "/tokens",
        "/tokens",
        &[
            ("serial", "TK-PAGES-1"),
            ("model", "ePass2003"),
            ("subscriber_id", &holder),
        ],
    );
    assert_eq!((r.status, r.location().as_deref()), (303, Some("/tokens")));
    shows(
        &web.page("/tokens"),
        &["TK-PAGES-1", "ePass2003", "Đang dùng"],
    );

    // Cấp mới: the CSR uploaded as a file (multipart).
    let kinds = web.page("/requests/new");
    shows(
        &kinds,
        &[
            "Cấp mới chứng thư số",
            "Gia hạn chứng thư số",
            "Thay đổi nội dung thông tin",
            "Cấp lại",
            "Tạm dừng chứng thư số",
            "Khôi phục chứng thư số",
            "Thu hồi chứng thư số",
            "Báo mất thiết bị lưu khóa",
            "Báo tìm thấy thiết bị lưu khóa",
            "Báo hỏng thiết bị lưu khóa",
        ],
    );
    let issue = web.page("/requests/new/issue");
    shows(
        &issue,
        &[
            r#"enctype="multipart/form-data""#,
            r#"<label for="csr_file">Tệp CSR"#,
            r#"type="file""#,
            r#"<label for="csr">Hoặc dán nội dung PEM</label>"#,
            r#"<label for="subscriber_id">Thuê bao</label>"#,
        ],
    );
    shows(
        &web.page("/requests/new/revoke"),
        &[
            r#"<label for="reason">Lý do thu hồi</label>"#,
            "Khóa bí mật bị lộ",
        ],
    );
    let csr = env.csr_p256("pages");
    let csrf = csrf_of(&issue);
    let r = web.post_multipart(
        "/requests/new/issue",
        &[
            ("csrf", &csrf),
            ("subscriber_id", &holder),
            ("token", "TK-PAGES-1"),
        ],
        &[("csr_file", &csr)],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let request = id_of(&r, "/requests/");
    let mine = web.page(&format!("/requests/{request}"));
    shows(
        &mine,
        &[
            "Đã gửi",
            "Cấp mới chứng thư số",
            "officer",
            "TK-PAGES-1",
            "Trần Thị Hoàng Dung",
        ],
    );
    assert!(
        !mine.contains("/approve"),
        "an officer is offered no approval"
    );
    shows(
        &web.page("/requests?state=submitted"),
        &[&format!(r#"href="/requests/{request}""#)],
    );
    assert!(!web
        .page("/requests?state=issued")
        .contains(&format!(r#"href="/requests/{request}""#)));

    // The approver: password and TOTP through the form, then the request
    // page. A rejection without a comment is refused next to the field.
    let boss = Browser::new(env, &server, "approver");
    boss.sign_in(&mut approver);
    let page = boss.page(&format!("/requests/{request}"));
    shows(&page, &["Phê duyệt", "Từ chối", "Lý do từ chối (bắt buộc)"]);
    let before = state(env);
    let r = boss.submit(
        &format!("/requests/{request}"),
        &format!("/requests/{request}/reject"),
        &[("comment", "  ")],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    shows(
        &r.body,
        &[r#"id="comment-error""#, "Từ chối phải ghi rõ lý do."],
    );
    assert_eq!(state(env), before, "nothing changed");
    let r = boss.submit(
        &format!("/requests/{request}"),
        &format!("/requests/{request}/approve"),
        &[("comment", "Đồng ý cấp")],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let done = boss.page(&format!("/requests/{request}"));
    shows(
        &done,
        &[
            "Đã thực hiện",
            "Chứng thư số đã cấp",
            "approver",
            "Đồng ý cấp",
            "Tải về PEM",
            ".p7b",
        ],
    );
    assert!(!done.contains("/approve"), "decided: no more buttons");

    // The officer downloads the certificate from the request page.
    let mine = web.page(&format!("/requests/{request}"));
    let marker = r#"href="/api/v1/certificates/"#;
    let start = mine.find(marker).expect("a download link") + marker.len();
    let serial = mine[start..]
        .split(".pem")
        .next()
        .expect("serial")
        .to_owned();
    let pem = web.get(&format!("/api/v1/certificates/{serial}.pem"));
    assert_eq!(pem.status, 200, "{}", pem.body);
    let path = env.write("pages.pem", &pem.body);
    env.verify_chain(&path, &[GOV_CA]);
    assert_eq!(env.serial_of(&path), serial);
    for ext in ["der", "p7b"] {
        let r = web.get(&format!("/api/v1/certificates/{serial}.{ext}"));
        assert_eq!(r.status, 200, "{ext}");
    }

    // The certificate in the search and on its page.
    let search = web.page("/certificates?name=Ho%C3%A0ng+Dung");
    shows(
        &search,
        &[
            r#"<label for="serial">Số hiệu</label>"#,
            r#"<label for="national_id">Số CCCD hoặc mã số thuế</label>"#,
            r#"<label for="within">Hết hạn trong vòng (ngày)</label>"#,
            &serial,
        ],
    );
    for (query, expected) in [
        ("national_id=001089031733", true),
        ("token=TK-PAGES-1", true),
        ("unit=S%E1%BB%9F+T%C3%A0i+ch%C3%ADnh", true),
        ("status=good", true),
        ("status=revoked", false),
        ("within=30", false),
        ("within=3650", true),
    ] {
        let page = web.page(&format!("/certificates?{query}"));
        assert_eq!(page.contains(&serial), expected, "{query}:\n{page}");
    }
    let bad = web.get("/certificates?within=abc");
    assert_eq!(bad.status, 422);
    shows(
        &bad.body,
        &[r#"id="within-error""#, "Số ngày phải là số nguyên"],
    );
    let cert = web.page(&format!("/certificates/{serial}"));
    shows(
        &cert,
        &[
            "Đang hoạt động",
            "Trần Thị Hoàng Dung",
            "CCCD:001089031733",
            "Hiệu lực đến",
            &format!(r#"href="/api/v1/certificates/{serial}.p7b""#),
        ],
    );
    // The subscriber's page lists the certificate and the token.
    shows(
        &web.page(&format!("/subscribers/{person}")),
        &[&serial, "TK-PAGES-1", "Chứng thư số", "Thiết bị lưu khóa"],
    );

    // Thu hồi with a reason through the page, approved: revoked.
    let form = web.page(&format!("/requests/new/revoke?serial={serial}"));
    shows(&form, &[&format!(r#"value="{serial}""#)]);
    let r = web.submit(
        "/requests/new/revoke",
        "/requests/new/revoke",
        &[("serial", &serial), ("reason", "key-compromise")],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let revoke = id_of(&r, "/requests/");
    let r = boss.submit(
        &format!("/requests/{revoke}"),
        &format!("/requests/{revoke}/approve"),
        &[],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    shows(
        &web.page(&format!("/certificates/{serial}")),
        &["Đã thu hồi", "Lộ khóa bí mật"],
    );
    // A second token and two certificates on it: one from a DER file, one
    // from a pasted PEM. Reporting the token lost revokes both.
    let r = web.submit(
        "/tokens",
        "/tokens",
        &[("serial", "TK-PAGES-2"), ("subscriber_id", &holder)],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let der = env.csr_p256("der");
    env.openssl_ok(&[
        "req",
        "-in",
        &der.display().to_string(),
        "-outform",
        "DER",
        "-out",
        &env.p("der.csr.der"),
    ]);
    let csrf = csrf_of(&web.page("/requests/new/issue"));
    let r = web.post_multipart(
        "/requests/new/issue",
        &[
            ("csrf", &csrf),
            ("subscriber_id", &holder),
            ("token", "TK-PAGES-2"),
        ],
        &[("csr_file", &env.path("der.csr.der"))],
    );
    assert_eq!(r.status, 303, "a DER upload: {}", r.body);
    let from_der = id_of(&r, "/requests/");
    let pasted = std::fs::read_to_string(env.csr_p256("pasted")).expect("csr");
    let r = web.submit(
        "/requests/new/issue",
        "/requests/new/issue",
        &[
            ("subscriber_id", &holder),
            ("token", "TK-PAGES-2"),
            ("csr", &pasted),
            ("days", "365"),
        ],
    );
    assert_eq!(r.status, 303, "a pasted PEM: {}", r.body);
    let from_paste = id_of(&r, "/requests/");
    let mut on_token = Vec::new();
    for id in [from_der, from_paste] {
        let r = boss.submit(
            &format!("/requests/{id}"),
            &format!("/requests/{id}/approve"),
            &[],
        );
        assert_eq!(r.status, 303, "{}", r.body);
        let page = boss.page(&format!("/requests/{id}"));
        shows(&page, &["Đã thực hiện"]);
        let start = page.find(marker).expect("a download link") + marker.len();
        on_token.push(
            page[start..]
                .split(".pem")
                .next()
                .expect("serial")
                .to_owned(),
        );
    }
    let lost = web.page("/requests/new/token_lost?token=TK-PAGES-2");
    shows(
        &lost,
        &[
            "Báo mất thiết bị lưu khóa",
            r#"<label for="token">Số sê-ri thiết bị lưu khóa</label>"#,
            r#"value="TK-PAGES-2""#,
        ],
    );
    let r = web.submit(
        "/requests/new/token_lost",
        "/requests/new/token_lost",
        &[("token", "TK-PAGES-2")],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let report = id_of(&r, "/requests/");
    let r = boss.submit(
        &format!("/requests/{report}"),
        &format!("/requests/{report}/approve"),
        &[("comment", "Xác nhận mất")],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    shows(&web.page("/tokens"), &["TK-PAGES-2", "Bị mất"]);
    for s in &on_token {
        shows(&web.page(&format!("/certificates/{s}")), &["Đã thu hồi"]);
    }
    let listed = web.page("/certificates?token=TK-PAGES-2&status=revoked");
    assert!(on_token.iter().all(|s| listed.contains(s)), "{listed}");

    // Restoring a revoked certificate: refused next to the serial.
    let before = state(env);
    let r = web.submit(
        "/requests/new/restore",
        "/requests/new/restore",
        &[("serial", &serial)],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    shows(&r.body, &[r#"id="serial-error""#, "Đã thu hồi"]);
    assert_eq!(state(env), before);
});

both_databases!(bad_input_csrf_and_other_province, |env| {
    let out = env.init_and_export();
    let mut officer = account(&accounts(&out), "officer");
    let mut far = user_add(
        env,
        &[
            "--username",
            "officer-hn",
            "--role",
            "ra_officer",
            "--province",
            "Hà Nội",
        ],
    );
    let server = env.serve(&[]);
    let (web, person) = officer_with_subscriber(env, &server, &mut officer);
    let before = state(env);

    // An invalid CCCD: the Vietnamese message next to the field, the
    // values kept, nothing changed.
    let r = web.submit(
        "/subscribers/new",
        "/subscribers",
        &[
            ("kind", "individual"),
            ("name", "Lê Văn Bình"),
            ("national_id", "00108903173"),
            ("province", "Cần Thơ"),
            ("email", "binh@cantho.gov.vn"),
        ],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    shows(
        &r.body,
        &[
            r#"aria-invalid="true" aria-describedby="national_id-error""#,
            r#"<p class="field-error" id="national_id-error" role="alert">Số CCCD phải gồm đúng 12 chữ số (đã nhập 11 chữ số).</p>"#,
            r#"value="Lê Văn Bình""#,
            r#"value="00108903173""#,
            r#"value="binh@cantho.gov.vn""#,
            r#"<option value="Cần Thơ" selected>"#,
        ],
    );
    assert_eq!(state(env), before, "nothing changed");

    // Other fields, each with its message next to it.
    for (fields, field, message) in [
        (
            vec![
                ("kind", "individual"),
                ("name", "Lê Văn Bình"),
                ("national_id", "001089031734"),
                ("province", "Cần Thơ"),
                ("email", "bình@cantho"),
            ],
            "email",
            "Địa chỉ thư điện tử không hợp lệ",
        ),
        (
            vec![
                ("kind", "organization"),
                ("name", "SỞ Y TẾ"),
                ("tax_code", "18001"),
                ("province", "Cần Thơ"),
            ],
            "tax_code",
            "Mã số thuế gồm đúng 10 chữ số",
        ),
        (
            vec![
                ("kind", "organization"),
                ("name", "SỞ Y TẾ"),
                ("province", "Cần Thơ"),
            ],
            "tax_code",
            "Tổ chức cần mã số thuế (MST).",
        ),
        (
            vec![
                ("kind", "individual"),
                ("name", "Lê Văn Bình"),
                ("national_id", "001089031734"),
                ("province", "Atlantis"),
            ],
            "province",
            "Không phải một trong 34 tỉnh, thành phố",
        ),
    ] {
        let r = web.submit("/subscribers/new", "/subscribers", &fields);
        assert_eq!(r.status, 422, "{}", r.body);
        shows(
            &r.body,
            &[&format!(r#"id="{field}-error" role="alert">{message}"#)],
        );
        assert_eq!(state(env), before, "nothing changed ({field})");
    }
    let r = web.submit(
        "/units",
        "/units",
        &[
            ("name", "Sở Y tế"),
            ("province", "Cần Thơ"),
            ("tax_code", "12345"),
        ],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    shows(
        &r.body,
        &[
            r#"id="tax_code-error""#,
            "Mã số thuế gồm đúng 10 chữ số",
            r#"value="Sở Y tế""#,
        ],
    );
    let r = web.submit(
        "/units",
        "/units",
        &[("name", " "), ("province", "Cần Thơ")],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    shows(
        &r.body,
        &[r#"id="name-error""#, "Tên đơn vị phải có từ 1 đến 64 ký tự"],
    );
    let r = web.submit(
        "/tokens",
        "/tokens",
        &[
            ("serial", "TK 01/ABC"),
            ("subscriber_id", &person.to_string()),
        ],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    shows(
        &r.body,
        &[
            r#"id="serial-error""#,
            "Số sê-ri thiết bị gồm",
            r#"value="TK 01/ABC""#,
        ],
    );
    let r = web.submit("/tokens", "/tokens", &[("serial", "TK-02")]);
    assert_eq!(r.status, 422, "{}", r.body);
    shows(
        &r.body,
        &[
            r#"id="subscriber_id-error""#,
            "Hãy chọn người giữ thiết bị.",
        ],
    );
    assert_eq!(state(env), before);

    // A file that is not a CSR; no CSR at all; both a file and a paste.
    let not_csr = env.write("not-a-csr.pem", "Đây không phải là CSR\n");
    let csrf = csrf_of(&web.page("/requests/new/issue"));
    let holder = person.to_string();
    let r = web.post_multipart(
        "/requests/new/issue",
        &[("csrf", &csrf), ("subscriber_id", &holder)],
        &[("csr_file", &not_csr)],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    shows(
        &r.body,
        &[
            r#"id="csr-error""#,
            "Không phải yêu cầu chứng thư (CSR PKCS#10",
        ],
    );
    let r = web.post_multipart(
        "/requests/new/issue",
        &[("csrf", &csrf), ("subscriber_id", &holder)],
        &[],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    shows(
        &r.body,
        &[
            r#"id="csr-error""#,
            "Hãy tải lên tệp CSR hoặc dán nội dung PEM",
        ],
    );
    let csr = env.csr_p256("both");
    let pem = std::fs::read_to_string(&csr).expect("csr");
    let r = web.post_multipart(
        "/requests/new/issue",
        &[("csrf", &csrf), ("subscriber_id", &holder), ("csr", &pem)],
        &[("csr_file", &csr)],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    shows(&r.body, &[r#"id="csr-error""#, "không cả hai"]);
    let r = web.post_multipart(
        "/requests/new/issue",
        &[
            ("csrf", &csrf),
            ("subscriber_id", &holder),
            ("days", "99999"),
        ],
        &[("csr_file", &csr)],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    shows(
        &r.body,
        &[
            r#"id="days-error""#,
            "Số ngày hiệu lực phải từ 1 đến",
            r#"value="99999""#,
        ],
    );
    let big = env.write("big.csr", "A".repeat(20 * 1024));
    let r = web.post_multipart(
        "/requests/new/issue",
        &[("csrf", &csrf), ("subscriber_id", &holder)],
        &[("csr_file", &big)],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    shows(&r.body, &[r#"id="csr-error""#, "Tệp CSR quá lớn"]);
    let r = web.submit(
        "/requests/new/token_lost",
        "/requests/new/token_lost",
        &[("token", "KHÔNG-CÓ")],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    shows(
        &r.body,
        &[r#"id="token-error""#, "Không tìm thấy thiết bị lưu khóa"],
    );
    assert_eq!(state(env), before);

    // Without the CSRF value (or with a forged one): refused, nothing
    // changed, even with a valid session and valid fields.
    let valid = [
        ("kind", "individual"),
        ("name", "Lê Văn Bình"),
        ("national_id", "001089031734"),
        ("province", "Cần Thơ"),
    ];
    let r = web.post("/subscribers", &valid);
    assert_eq!(r.status, 403, "{}", r.body);
    shows(&r.body, &["tải lại trang"]);
    let mut forged = vec![("csrf", "giả-mạo")];
    forged.extend_from_slice(&valid);
    assert_eq!(web.post("/subscribers", &forged).status, 403);
    assert_eq!(
        web.post("/units", &[("name", "Sở Y tế"), ("province", "Cần Thơ")])
            .status,
        403
    );
    let r = web.post_multipart(
        "/requests/new/issue",
        &[("subscriber_id", &holder)],
        &[("csr_file", &csr)],
    );
    assert_eq!(r.status, 403, "{}", r.body);
    assert_eq!(state(env), before, "nothing changed without CSRF");
    // Signed out, a page sends to the sign-in form.
    let stranger = Browser::new(env, &server, "stranger");
    let r = stranger.get(&format!("/subscribers/{person}"));
    assert_eq!((r.status, r.location().as_deref()), (303, Some("/")));

    // A valid request of Cần Thơ, for the other province to be refused.
    let csrf = csrf_of(&web.page("/requests/new/issue"));
    let r = web.post_multipart(
        "/requests/new/issue",
        &[("csrf", &csrf), ("subscriber_id", &holder)],
        &[("csr_file", &csr)],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let request = id_of(&r, "/requests/");

    // An officer of Hà Nội: the Cần Thơ subscriber's and request's pages
    // are missing ones (404, naming no province), left out of the lists,
    // and a token for them is refused as for an unknown subscriber.
    let hn = Browser::new(env, &server, "officer-hn");
    hn.sign_in(&mut far);
    let r = hn.get(&format!("/requests/{request}"));
    assert_eq!(r.status, 404, "{}", r.body);
    shows(&r.body, &["Không tìm thấy"]);
    assert!(!r.body.contains("Cần Thơ"), "{}", r.body);
    assert!(!hn
        .page("/requests")
        .contains(&format!(r#"href="/requests/{request}""#)));
    // Signing in and changing the password are audited: the baseline.
    let before = state(env);
    let r = hn.get(&format!("/subscribers/{person}"));
    assert_eq!(r.status, 404, "{}", r.body);
    shows(&r.body, &["Không tìm thấy"]);
    let missing = hn.get("/subscribers/987654");
    assert_eq!(missing.status, 404);
    assert!(!r.body.contains("Trần Thị Hoàng Dung"));
    assert!(!hn.page("/subscribers").contains("Trần Thị Hoàng Dung"));
    let r = hn.submit(
        "/tokens",
        "/tokens",
        &[("serial", "TK-HN-1"), ("subscriber_id", &holder)],
    );
    // The form's answer for a subscriber that does not exist.
    assert_eq!(r.status, 422, "{}", r.body);
    shows(&r.body, &["Không tìm thấy thuê bao"]);
    assert_eq!(state(env), before, "nothing changed by the other province");
});
