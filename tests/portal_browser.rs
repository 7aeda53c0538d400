//! The RA portal in a real browser: headless Chromium driven over
//! WebDriver (`chromedriver`). The demo officer signs in (changing the
//! one-time password), registers a subscriber and a token, uploads a CSR
//! file through the file input and signs out; the approver signs in with
//! password and TOTP and approves; the officer downloads the certificate
//! from its page (checked with `openssl verify`), reports the token lost
//! through its request form, the approver approves, and the certificate's
//! page says revoked, as `openssl ocsp` hears from the responder. The
//! officer imports a 200-row `.xlsx` through the import page.
//!
//! A screenshot of every step is saved as
//! `target/test-artifacts/browser/<sqlite|postgres>/NN-step.png`. Without
//! Chromium or chromedriver the test fails (run `scripts/install-deps.sh`).

#[macro_use]
mod common;
mod browser;
mod portal;

use std::path::PathBuf;
use std::time::Duration;

use browser::Browser;
use common::*;
use portal::{account, accounts, Account, NEW_PASSWORD};

/// How long a revocation may take to reach the page's OCSP status (the
/// responder refreshes every second; slack for a loaded machine).
const PROPAGATION: Duration = Duration::from_secs(40);

/// `target/test-artifacts/browser/<db>`.
fn artifacts(env: &TestEnv) -> PathBuf {
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let target = tmp.parent().expect("the target directory").to_path_buf();
    let db = if env.is_postgres() {
        "postgres"
    } else {
        "sqlite"
    };
    target.join("test-artifacts").join("browser").join(db)
}

/// Signs in through the sign-in form (with the TOTP code when the account
/// has one), changing a one-time password through the password form;
/// ends on the dashboard. `step` names the screenshots.
fn sign_in(b: &mut Browser, base: &str, a: &mut Account, step: &str) {
    b.go(&format!("{base}/"));
    b.find("#username").fill(&a.username);
    b.find("#password").fill(&a.password);
    if let Some(code) = a.code() {
        b.find("#totp").fill(&code);
    }
    b.shot(&format!("{step}-sign-in"));
    b.find(r#"form[action="/login"] button[type="submit"]"#)
        .click();
    let url = b.wait_url("the dashboard or the password form", |u| {
        u.ends_with("/dashboard") || u.ends_with("/password")
    });
    if url.ends_with("/password") {
        b.find("#old").fill(&a.password);
        b.find("#new").fill(NEW_PASSWORD);
        b.find("#confirm").fill(NEW_PASSWORD);
        b.shot(&format!("{step}-password-change"));
        b.find(r#"form[action="/password"] button[type="submit"]"#)
            .click();
        b.wait_url("the dashboard", |u| u.ends_with("/dashboard"));
        a.password = NEW_PASSWORD.to_owned();
    }
    b.wait_text("main", a.username.as_str());
}

/// Signs out through the bar's form; ends on the sign-in page.
fn sign_out(b: &Browser, base: &str) {
    b.find(r#"form[action="/logout"] button[type="submit"]"#)
        .click();
    let home = format!("{base}/");
    b.wait_url("the sign-in page", |u| u == home);
    b.find(r#"form[action="/login"]"#);
}

/// The number at the end of a URL such as `…/requests/7`.
fn last_id(url: &str, prefix: &str) -> i64 {
    url.rsplit_once(prefix)
        .and_then(|(_, id)| id.parse().ok())
        .unwrap_or_else(|| panic!("{url} does not end with {prefix}<id>"))
}

/// Whether `url` ends with `prefix` and a number.
fn ends_with_id(url: &str, prefix: &str) -> bool {
    url.rsplit_once(prefix)
        .is_some_and(|(_, id)| !id.is_empty() && id.chars().all(|c| c.is_ascii_digit()))
}

/// Approves request `id` on its page as the signed-in approver.
fn approve(b: &mut Browser, base: &str, id: i64, step: &str) {
    b.go(&format!("{base}/requests/{id}"));
    b.find("#approve-comment").fill("Đồng ý");
    b.shot(&format!("{step}-request"));
    b.find(&format!(
        r#"form[action="/requests/{id}/approve"] button[type="submit"]"#
    ))
    .click();
    b.wait_text("main", "Đã thực hiện");
    b.shot(&format!("{step}-approved"));
}

both_databases!(officer_and_approver_in_a_real_browser, |env| {
    let out = env.init_and_export();
    let all = accounts(&out);
    let mut officer = account(&all, "officer");
    let mut approver = account(&all, "approver");
    let server = env.serve(&["--ocsp-refresh-secs", "1", "--crl-tick-secs", "1"]);
    let root = std::fs::read_to_string(env.path("root.pem")).expect("root.pem");
    let gov = std::fs::read_to_string(env.path("gov-ca.pem")).expect("gov-ca.pem");
    env.write("chain.pem", format!("{gov}{root}"));
    let base = server.url("");
    let csr = env.csr_p256("browser");
    let mut b = Browser::start(&env.path("downloads"), &artifacts(env));

    // The officer: sign-in with the forced password change.
    sign_in(&mut b, &base, &mut officer, "officer");
    b.shot("dashboard");

    // A subscriber through the form.
    b.go(&format!("{base}/subscribers/new"));
    b.find(r#"#kind option[value="individual"]"#).click();
    b.find("#name").fill("Lý Thị Thu Trang");
    b.find("#national_id").fill("001089031766");
    b.find("#title").fill("Chuyên viên");
    b.find(r#"#province option[value="Cần Thơ"]"#).click();
    b.find("#email").fill("trang@cantho.gov.vn");
    b.shot("subscriber-form");
    b.find(r#"form[action="/subscribers"] button[type="submit"]"#)
        .click();
    let url = b.wait_url("the subscriber's page", |u| {
        ends_with_id(u, "/subscribers/")
    });
    let subscriber = last_id(&url, "/subscribers/");
    b.wait_text("main", "Lý Thị Thu Trang");
    b.shot("subscriber");

    // A token held by the subscriber.
    b.go(&format!("{base}/tokens"));
    b.find("#serial").fill("TK-BROWSER-1");
    b.find("#model").fill("ePass2003");
    b.find(&format!(r#"#subscriber_id option[value="{subscriber}"]"#))
        .click();
    b.find(r#"form[action="/tokens"] button[type="submit"]"#)
        .click();
    b.wait_text("table", "TK-BROWSER-1");
    b.shot("token");

    // The CSR file through the file input.
    b.go(&format!("{base}/requests/new/issue"));
    b.find(&format!(r#"#subscriber_id option[value="{subscriber}"]"#))
        .click();
    b.find("#token").fill("TK-BROWSER-1");
    b.find("#csr_file").send(&csr.display().to_string());
    b.shot("issue-form");
    b.find(r#"form[action="/requests/new/issue"] button[type="submit"]"#)
        .click();
    let url = b.wait_url("the request's page", |u| ends_with_id(u, "/requests/"));
    let issue = last_id(&url, "/requests/");
    b.wait_text("main", "Đã gửi");
    b.shot("issue-submitted");
    sign_out(&b, &base);

    // The approver: password, TOTP, forced password change; approves.
    sign_in(&mut b, &base, &mut approver, "approver");
    approve(&mut b, &base, issue, "issue");
    sign_out(&b, &base);

    // The officer downloads the certificate from its page.
    sign_in(&mut b, &base, &mut officer, "officer-again");
    b.go(&format!("{base}/requests/{issue}"));
    let href = b
        .find(r#"a[href$=".pem"]"#)
        .attr("href")
        .expect("a PEM link");
    let serial = href
        .trim_start_matches("/api/v1/certificates/")
        .trim_end_matches(".pem")
        .to_owned();
    b.go(&format!("{base}/certificates/{serial}"));
    b.wait_text("#status", "Đang hoạt động");
    b.shot("certificate");
    b.find(r#"ul.downloads a[href$=".pem"]"#).click();
    let file = b.wait_download(&format!("{serial}.pem"));
    env.verify_chain(&file, &[GOV_CA]);
    assert_eq!(env.serial_of(&file), serial, "the downloaded certificate");

    // Báo mất thiết bị: the token-lost request through its form.
    b.go(&format!("{base}/requests/new/token_lost"));
    b.find("#token").fill("TK-BROWSER-1");
    b.shot("token-lost-form");
    b.find(r#"form[action="/requests/new/token_lost"] button[type="submit"]"#)
        .click();
    let url = b.wait_url("the request's page", |u| ends_with_id(u, "/requests/"));
    let lost = last_id(&url, "/requests/");
    b.wait_text("main", "Báo mất thiết bị lưu khóa");
    sign_out(&b, &base);
    sign_in(&mut b, &base, &mut approver, "approver-again");
    approve(&mut b, &base, lost, "token-lost");

    // The certificate is revoked, and OCSP says so.
    b.go(&format!("{base}/certificates/{serial}"));
    b.reload_until("#status", "Đã thu hồi", PROPAGATION);
    b.reload_until("#ocsp-status", "Đã thu hồi (revoked)", PROPAGATION);
    b.wait_text("#ocsp-reason", "Lộ khóa bí mật");
    b.shot("certificate-revoked");
    let cert = file.display().to_string();
    let heard = server.wait_for(
        env,
        &["-issuer", "gov-ca.pem", "-cert", &cert],
        &[": revoked", "Reason: keyCompromise"],
    );
    assert!(heard.contains("Response verify OK"), "{heard}");
    // The pages issue 15 added, at a desktop and a phone width: the
    // approver's account page ("sign out everywhere") and the admin's
    // accounts page (unlock).
    for (width, height, label) in [(1366, 900, "1366"), (390, 844, "390")] {
        b.resize(width, height);
        b.go(&format!("{base}/account"));
        b.wait_text("#sign-out-everywhere", "Đăng xuất khỏi mọi nơi khác");
        b.shot(&format!("account-{label}"));
    }
    let mut admin = account(&all, "admin");
    b.resize(1366, 900);
    sign_out(&b, &base);
    sign_in(&mut b, &base, &mut admin, "admin");
    for (width, height, label) in [(1366, 900, "1366"), (390, 844, "390")] {
        b.resize(width, height);
        b.go(&format!("{base}/users"));
        b.wait_text("main", "Tên đăng nhập");
        b.shot(&format!("users-{label}"));
        // Issue 16: the audit log in words and Vietnam time, and the
        // revoked certificate's reason and dates.
        b.go(&format!("{base}/audit"));
        b.wait_text("main", "Thời điểm (giờ Việt Nam)");
        b.wait_text("main", "Cấp chứng thư số");
        b.shot(&format!("audit-{label}"));
        b.go(&format!("{base}/certificates/{serial}"));
        b.wait_text("main", "Lộ khóa bí mật");
        b.shot(&format!("certificate-revoked-{label}"));
    }
    // Issue 16: an account's page (reset, disable, role) and the lost
    // token's page (its revoked certificate, no action left), at both
    // widths; the request pages above show what the approver approved.
    for (width, height, label) in [(1366, 900, "1366"), (390, 844, "390")] {
        b.resize(width, height);
        b.go(&format!("{base}/users/officer"));
        b.wait_text("main", "Đặt lại mật khẩu");
        b.shot(&format!("user-officer-{label}"));
        b.go(&format!("{base}/tokens/TK-BROWSER-1"));
        b.wait_text("main", "Chứng thư số trên thiết bị");
        b.shot(&format!("token-page-{label}"));
    }
    // Issue 16: a 200-row .xlsx (a title line, STT and date-of-birth
    // columns) through the import page; the preview at a desktop and a
    // phone width, the confirmation above the table; then confirmed.
    let rows: Vec<Vec<String>> = (0..200)
        .map(|i| portal::sheets::staff_row(i, None))
        .collect();
    let book = env.write(
        "staff-200.xlsx",
        portal::sheets::xlsx(
            Some("DANH SÁCH CÁN BỘ ĐỀ NGHỊ CẤP CHỨNG THƯ SỐ"),
            &portal::sheets::STAFF_HEAD,
            &rows,
        ),
    );
    b.resize(1366, 900);
    sign_out(&b, &base);
    sign_in(&mut b, &base, &mut officer, "officer-import");
    b.go(&format!("{base}/subscribers/import"));
    b.find("#file").send(&book.display().to_string());
    b.shot("import-form");
    b.find(r#"form[action="/subscribers/import"] button[type="submit"]"#)
        .click();
    b.wait_text("main", "Mới: 200");
    for (width, height, label) in [(1366, 900, "1366"), (390, 844, "390")] {
        b.resize(width, height);
        b.shot(&format!("import-preview-{label}"));
    }
    b.resize(1366, 900);
    b.find(r#"form[action="/subscribers/import/confirm"] button[type="submit"]"#)
        .click();
    b.wait_text("main", "Đã nhập 200 thuê bao mới");
    b.shot("import-done");
    // Every page kind at a desktop and a phone width, as the admin (the
    // longest navigation bar): nothing scrolls sideways but the tables in
    // their own box (issue 16). A unit renamed gives the bulk job's page.
    let bulk = unit_rename(&server, &mut officer, &mut approver);
    let pages = [
        ("dashboard", "/dashboard".to_owned()),
        ("units", "/units".to_owned()),
        ("subscribers", "/subscribers".to_owned()),
        ("subscriber", format!("/subscribers/{subscriber}")),
        ("tokens", "/tokens".to_owned()),
        ("requests", "/requests".to_owned()),
        ("request", format!("/requests/{issue}")),
        ("request-form", "/requests/new/issue".to_owned()),
        ("certificates", "/certificates".to_owned()),
        ("certificate", format!("/certificates/{serial}")),
        ("import", "/subscribers/import".to_owned()),
        ("reports", "/reports".to_owned()),
        ("audit", "/audit".to_owned()),
        ("account", "/account".to_owned()),
        ("users", "/users".to_owned()),
        ("bulk", format!("/bulk/{bulk}")),
    ];
    let mut wide = Vec::new();
    for (width, height) in [(1366, 900), (390, 844)] {
        b.resize(width, height);
        for (name, path) in &pages {
            b.go(&format!("{base}{path}"));
            b.find("main h1");
            let sizes = b.eval(
                "return [document.documentElement.scrollWidth, window.innerWidth, \
                 document.querySelector('header').getBoundingClientRect().height];",
            );
            let (scroll, inner) = (sizes[0].as_f64(), sizes[1].as_f64());
            if !matches!((scroll, inner), (Some(s), Some(i)) if s <= i) {
                wide.push(format!("{path} at {width} px: {sizes}"));
            }
            // A compact header on a phone: the bar, not the page.
            if width == 390 && sizes[2].as_f64().is_none_or(|h| h > 160.0) {
                wide.push(format!(
                    "{path} at {width} px: the header is {} px high",
                    sizes[2]
                ));
            }
            b.shot(&format!("page-{name}-{width}"));
        }
    }
    assert!(
        wide.is_empty(),
        "pages wider than the window:\n{}",
        wide.join("\n")
    );
    let shots = std::fs::read_dir(artifacts(env))
        .expect("the screenshots")
        .count();
    assert!(
        shots >= 15 + 2 * pages.len(),
        "a screenshot of every step: {shots}"
    );
});

/// A unit registered and renamed through the API (the officer submits,
/// the approver approves): the request id, whose bulk job has a page.
fn unit_rename(server: &Server, officer: &mut Account, approver: &mut Account) -> i64 {
    let officer = portal::sign_in(server, officer);
    let approver = portal::sign_in(server, approver);
    let unit = portal::api(
        server,
        "POST",
        "/api/v1/units",
        Some(&officer),
        Some(&serde_json::json!({ "name": "Ban Quản lý dự án Chuyển đổi số", "province": "Cần Thơ" })),
    )
    .ok()["id"]
        .as_i64()
        .expect("a unit id");
    let id = portal::submit_ok(
        server,
        &officer,
        &serde_json::json!({
            "kind": "unit_change", "unit_id": unit,
            "unit_name": "Ban Quản lý dự án Chuyển đổi số thành phố Cần Thơ",
        }),
    );
    portal::approve(server, &approver, id).ok();
    id
}

// Issue 16: batches. The officer selects a unit's people, uploads their
// CSR files together and submits one batch; the approver approves it in
// one decision; the batch page at a desktop and a phone width. The
// screenshots go to `target/test-artifacts/browser/batch-<db>/` (the
// test above empties its own directory when it starts).
both_databases!(batch_in_a_real_browser, |env| {
    let own = artifacts(env);
    let db = own.file_name().expect("a directory").to_string_lossy();
    let shots = own.with_file_name(format!("batch-{db}"));
    let out = env.init_and_export();
    let all = accounts(&out);
    let mut officer = account(&all, "officer");
    let mut approver = account(&all, "approver");
    let server = env.serve(&[]);
    let base = server.url("");
    let token = portal::sign_in(&server, &mut officer);
    let mut files = Vec::new();
    let mut unit = 0;
    for (i, name) in ["Trương Thị Mai", "Đỗ Văn Hùng", "Ngô Thị Lan"]
        .iter()
        .enumerate()
    {
        let cccd = format!("0011890377{i:02}");
        let body = serde_json::json!({
            "kind": "individual", "name": name, "national_id": format!("CCCD:{cccd}"),
            "province": "Cần Thơ", "unit": "Sở Y tế", "title": "Chuyên viên",
        });
        let v = portal::api(
            &server,
            "POST",
            "/api/v1/subscribers",
            Some(&token),
            Some(&body),
        )
        .ok();
        unit = v["unit_id"].as_i64().expect("a unit");
        let csr = std::fs::read(env.csr_p256(&format!("batch{i}"))).expect("csr");
        files.push(
            env.write(&format!("CCCD-{cccd}.csr"), csr)
                .display()
                .to_string(),
        );
    }
    let mut b = Browser::start(&env.path("downloads"), &shots);
    sign_in(&mut b, &base, &mut officer, "batch-officer");
    b.go(&format!("{base}/batches/new?unit_id={unit}"));
    b.wait_text("main", "3 người được chọn.");
    b.find("#files").send(&files.join("\n"));
    for (width, height, label) in [(390, 844, "390"), (1366, 900, "1366")] {
        b.resize(width, height);
        b.shot(&format!("batch-form-{label}"));
    }
    b.find(r#"form[action="/batches"] button[type="submit"]"#)
        .click();
    let url = b.wait_url("the batch's page", |u| ends_with_id(u, "/batches/"));
    let id = last_id(&url, "/batches/");
    b.wait_text("main", "Lô chờ phê duyệt");
    b.shot("batch-submitted");
    sign_out(&b, &base);
    sign_in(&mut b, &base, &mut approver, "batch-approver");
    b.go(&format!("{base}/batches/{id}"));
    b.find(&format!(
        r#"form[action="/batches/{id}/approve"] button[type="submit"]"#
    ))
    .click();
    b.wait_text("main", "Lô đã thực hiện xong");
    for (width, height, label) in [(1366, 900, "1366"), (390, 844, "390")] {
        b.resize(width, height);
        b.go(&format!("{base}/batches/{id}"));
        b.find(r#"a[href$="/certificates.zip"]"#);
        b.shot(&format!("batch-approved-{label}"));
    }
});
