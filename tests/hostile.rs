//! The hostile-input table (issue 7), on SQLite and PostgreSQL: one test
//! walks the HTTP endpoints of `govpki serve` — the JSON API, the pages,
//! OCSP, CRLs and the trust chain — with malformed, oversized, wrongly
//! typed, unauthenticated, cross-province and CSRF-less requests, and
//! asserts for each the documented status and error code, never a 5xx, and
//! no change in the database (row counts of every table a request could
//! touch, certificates by status, the audit log).
//!
//! The table of cases is also `docs/security.md`: the test renders it and
//! fails if the document does not hold it verbatim, so the document lists
//! exactly what is tested (the rendered table is written to
//! `target/test-artifacts/security-table.md`).

#[macro_use]
mod common;
#[path = "portal/batch_zip.rs"]
mod batch_zip;
mod portal;

use serde_json::{json, Value};

use common::*;
use portal::*;

/// The media type of an `.xlsx` upload.
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Who sends a case.
#[derive(Clone, Copy, Debug)]
enum Who {
    /// No credentials.
    Nobody,
    /// A bearer token that was never issued.
    Forged,
    /// The Cần Thơ officer's token.
    Officer,
    /// The Cần Thơ approver's token.
    Approver,
    /// The Hà Nội officer's token.
    HaNoiOfficer,
    /// The Hà Nội approver's token.
    HaNoiApprover,
    /// The officer's web session cookie, without the CSRF header/field.
    CookieNoCsrf,
    /// The officer's web session cookie and the form's CSRF field.
    Cookie,
    /// The administrator's token.
    Admin,
}

impl Who {
    fn label(self) -> &'static str {
        match self {
            Self::Nobody => "no credentials",
            Self::Forged => "forged bearer token",
            Self::Officer => "officer, Cần Thơ",
            Self::Approver => "approver, Cần Thơ",
            Self::HaNoiOfficer => "officer, Hà Nội",
            Self::HaNoiApprover => "approver, Hà Nội",
            Self::CookieNoCsrf => "session cookie, no CSRF token",
            Self::Cookie => "session cookie and CSRF token",
            Self::Admin => "admin",
        }
    }
}

/// What is sent.
#[derive(Clone, Debug)]
enum Body {
    None,
    Json(Value),
    /// Raw bytes with a content type.
    Raw(&'static str, Vec<u8>),
    /// A urlencoded page form.
    Form(Vec<(&'static str, String)>),
}

/// What must come back.
#[derive(Clone, Copy, Debug)]
enum Expect {
    /// The API's JSON error: status and `error.code`.
    Json(u16, &'static str),
    /// An HTML page with a form message (`class="form-error"`, or
    /// `class="field-error"` next to a field).
    Page(u16),
    /// An OCSP response with this responseStatus (HTTP 200, RFC 6960).
    Ocsp(&'static str),
    /// A bare status with a JSON problem body (`/crl`, `/ca`).
    Problem(u16),
}

impl Expect {
    fn label(self) -> String {
        match self {
            Self::Json(s, c) => format!("{s} `{c}`"),
            Self::Page(s) => format!("{s}, form message"),
            Self::Ocsp(c) => format!("200, OCSP `{c}`"),
            Self::Problem(s) => format!("{s}, JSON problem"),
        }
    }
}

struct Case {
    name: &'static str,
    method: &'static str,
    path: String,
    who: Who,
    body: Body,
    expect: Expect,
}

fn case(
    name: &'static str,
    method: &'static str,
    path: impl Into<String>,
    who: Who,
    body: Body,
    expect: Expect,
) -> Case {
    Case {
        name,
        method,
        path: path.into(),
        who,
        body,
        expect,
    }
}

/// Row counts a refused request must leave alone.
fn state(env: &TestEnv) -> (Snapshot, Vec<i64>) {
    let portal = [
        "users",
        "requests",
        "bulk_jobs",
        "bulk_items",
        "user_certificates",
        "ocsp_signers",
        "batches",
        "batch_requests",
    ]
    .iter()
    .map(|t| env.count(t))
    .collect();
    (env.snapshot(), portal)
}

/// The OCSP responseStatus of a DER OCSPResponse.
fn ocsp_status(body: &[u8]) -> &'static str {
    // OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED, ... }
    match body {
        [0x30, _, 0x0a, 0x01, s, ..] => match s {
            0 => "successful",
            1 => "malformedRequest",
            2 => "internalError",
            3 => "tryLater",
            5 => "sigRequired",
            6 => "unauthorized",
            _ => "unknown",
        },
        _ => "not an OCSP response",
    }
}

/// A CSR made with the issuing CA's own private key.
fn csr_on_issuing_ca_key(env: &TestEnv) -> String {
    let key = std::fs::read_dir(env.data_dir().join("keys"))
        .expect("the keys directory")
        .map(|e| e.expect("a key file").path())
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(GOV_CA))
        })
        .expect("the issuing CA's key file");
    std::fs::read_to_string(env.csr_on_ca_key_file(&key, "gov-ca-key")).expect("csr")
}

both_databases!(hostile_requests_get_their_documented_4xx, |env| {
    let (server, signed) = start(env);
    let (officer, approver) = (signed[1].1.clone(), signed[2].1.clone());
    let admin = signed[0].1.clone();
    let admin_password = signed[0].0.password.clone();
    let (hn_officer, hn_approver) = ha_noi_accounts(env, &server);
    // Something to point at: a Cần Thơ subscriber, a token, a certificate
    // and a submitted request.
    let CanThoFixture {
        subscriber: sub,
        csr,
        serial,
        pending,
    } = can_tho_fixture(env, &server, &officer, &approver);
    // Keys the CA must refuse: An's (certified to An), the issuing CA's
    // own (decrypted from its key file, as an insider could), and an RSA
    // key with exponent 3.
    let binh = add_subscriber(
        &server,
        &officer,
        "Trần Thị Bình",
        "CCCD:092190001234",
        "Cần Thơ",
    );
    let ans_key_csr =
        std::fs::read_to_string(env.csr_for_key("an", "an-copy", "/CN=Trần Thị Bình"))
            .expect("csr");
    let ca_key_csr = csr_on_issuing_ca_key(env);
    let e3_csr = std::fs::read_to_string(env.csr_rsa_exponent_3("e3")).expect("csr");
    let unit = api(&server, "GET", "/api/v1/units", Some(&officer), None).ok()["units"][0]["id"]
        .as_i64()
        .expect("a unit");
    // An emergency revocation of an empty token, acknowledged already.
    add_token(&server, &officer, "TK-HOSTILE", binh);
    api(
        &server,
        "POST",
        "/api/v1/tokens/TK-HOSTILE/emergency-lost",
        Some(&admin),
        None,
    )
    .ok();
    let emergency = api(&server, "GET", "/api/v1/emergencies", Some(&approver), None).ok()
        ["emergencies"][0]["id"]
        .as_i64()
        .expect("an emergency");
    api(
        &server,
        "POST",
        &format!("/api/v1/emergencies/{emergency}/acknowledge"),
        Some(&approver),
        None,
    )
    .ok();
    // The officer's web session, for the CSRF-less cases.
    let mut account = signed[1].0.clone();
    let browser = Browser::new(env, &server, "hostile-officer");
    browser.sign_in(&mut account);
    let jar = env.p("hostile-officer.cookies");
    let csrf = csrf_of(&browser.page("/units"));

    let big_json = json!({ "kind": "individual", "name": "x".repeat(2 * 1024 * 1024) });
    let big_csv = format!(
        "Họ và tên,Số CCCD\n{}",
        "Nguyễn Văn A,001089031733\n".repeat(230_000)
    );
    // A batch decided already (issue 16: batches), and hostile archives.
    let decided = decided_batch(env, &server, &officer, &approver);
    let csr_zip = |name: &str| batch_zip::zip_of(&[(name.to_owned(), csr.clone().into_bytes())]);
    let many: Vec<(String, Vec<u8>)> = (0..1001)
        .map(|i| (format!("s{i}.csr"), b"x".to_vec()))
        .collect();
    let cases = {
        use Body::{Form, Json as J, Raw};
        use Expect::{Json, Ocsp, Page, Problem};
        use Who::*;
        vec![
            // Without valid credentials.
            case(
                "list units, no token",
                "GET",
                "/api/v1/units",
                Nobody,
                Body::None,
                Json(401, "unauthenticated"),
            ),
            case(
                "submit a request, no token",
                "POST",
                "/api/v1/requests",
                Nobody,
                J(json!({ "kind": "revoke", "serial": serial })),
                Json(401, "unauthenticated"),
            ),
            case(
                "search certificates, forged token",
                "GET",
                "/api/v1/certificates",
                Forged,
                Body::None,
                Json(401, "unauthenticated"),
            ),
            case(
                "unknown path, no token",
                "GET",
                "/api/v1/nothing-here",
                Nobody,
                Body::None,
                Json(401, "unauthenticated"),
            ),
            case(
                "client-certificate sign-in over plain HTTP",
                "POST",
                "/api/v1/session/certificate",
                Nobody,
                Body::None,
                Json(401, "certificate_required"),
            ),
            // Malformed and wrongly typed bodies.
            case(
                "sign-in, broken JSON",
                "POST",
                "/api/v1/session",
                Nobody,
                Raw("application/json", b"{\"username\":".to_vec()),
                Json(422, "bad_json"),
            ),
            case(
                "sign-in, username is a number",
                "POST",
                "/api/v1/session",
                Nobody,
                J(json!({ "username": 1, "password": "x" })),
                Json(422, "bad_json"),
            ),
            case(
                "new unit, body is an array",
                "POST",
                "/api/v1/units",
                Officer,
                J(json!([])),
                Json(422, "bad_json"),
            ),
            case(
                "new subscriber, unknown field",
                "POST",
                "/api/v1/subscribers",
                Officer,
                J(json!({ "kind": "individual", "name": "A", "shoe_size": 42 })),
                Json(422, "bad_json"),
            ),
            case(
                "request kind is a number",
                "POST",
                "/api/v1/requests",
                Officer,
                J(json!({ "kind": 5 })),
                Json(422, "bad_json"),
            ),
            case(
                "unit parent is a string",
                "PATCH",
                "/api/v1/units/{unit}",
                Officer,
                J(json!({ "parent_id": "x" })),
                Json(422, "invalid_parent"),
            ),
            case(
                "request id not a number",
                "GET",
                "/api/v1/requests/abc",
                Officer,
                Body::None,
                Json(404, "unknown_path"),
            ),
            // Invalid values.
            case(
                "CCCD of 5 digits",
                "POST",
                "/api/v1/subscribers",
                Officer,
                J(
                    json!({ "kind": "individual", "name": "Trần Bình", "national_id": "CCCD:12345", "province": "Cần Thơ" }),
                ),
                Json(422, "invalid_identity"),
            ),
            case(
                "a CSR that is not a CSR",
                "POST",
                "/api/v1/requests",
                Officer,
                J(
                    json!({ "kind": "issue", "subscriber_id": sub, "csr": "-----BEGIN CERTIFICATE REQUEST-----\nbm90IGEgQ1NS\n-----END CERTIFICATE REQUEST-----\n" }),
                ),
                Json(422, "bad_csr"),
            ),
            case(
                "a CSR on another subscriber's key",
                "POST",
                "/api/v1/requests",
                Officer,
                J(json!({ "kind": "issue", "subscriber_id": binh, "csr": ans_key_csr })),
                Json(409, "key_of_another_subscriber"),
            ),
            case(
                "a new issuance on the key of the subscriber's valid certificate",
                "POST",
                "/api/v1/requests",
                Officer,
                J(json!({ "kind": "issue", "subscriber_id": sub, "csr": csr })),
                Json(409, "key_already_certified"),
            ),
            case(
                "a CSR on the issuing CA's own key",
                "POST",
                "/api/v1/requests",
                Officer,
                J(json!({ "kind": "issue", "subscriber_id": binh, "csr": ca_key_csr })),
                Json(409, "ca_key"),
            ),
            case(
                "a CSR with RSA exponent 3",
                "POST",
                "/api/v1/requests",
                Officer,
                J(json!({ "kind": "issue", "subscriber_id": binh, "csr": e3_csr })),
                Json(422, "bad_csr"),
            ),
            case(
                "status filter unknown",
                "GET",
                "/api/v1/certificates?status=bogus",
                Officer,
                Body::None,
                Json(422, "invalid_status"),
            ),
            case(
                "serial filter not hex",
                "GET",
                "/api/v1/certificates?serial=zz",
                Officer,
                Body::None,
                Json(422, "invalid_serial"),
            ),
            case(
                "revoke with an unknown reason",
                "POST",
                "/api/v1/requests",
                Officer,
                J(json!({ "kind": "revoke", "serial": serial, "reason": "stolen" })),
                Json(422, "refused"),
            ),
            case(
                "reject without a comment",
                "POST",
                "/api/v1/requests/{request}/reject",
                Approver,
                J(json!({})),
                Json(422, "comment_required"),
            ),
            // Oversized.
            case(
                "2 MiB JSON body",
                "POST",
                "/api/v1/subscribers",
                Officer,
                J(big_json),
                Json(413, "too_large"),
            ),
            case(
                "6 MiB CSV import",
                "POST",
                "/api/v1/subscribers/import",
                Officer,
                Raw("text/csv", big_csv.into_bytes()),
                Json(413, "too_large"),
            ),
            // Another province, another role.
            case(
                "read a subscriber of another province",
                "GET",
                "/api/v1/subscribers/{subscriber}",
                HaNoiOfficer,
                Body::None,
                Json(404, "not_found"),
            ),
            case(
                "revoke a certificate of another province",
                "POST",
                "/api/v1/requests",
                HaNoiOfficer,
                J(json!({ "kind": "revoke", "serial": serial, "reason": "key-compromise" })),
                Json(404, "not_found"),
            ),
            case(
                "approve a request of another province",
                "POST",
                "/api/v1/requests/{request}/approve",
                HaNoiApprover,
                J(json!({})),
                Json(404, "not_found"),
            ),
            case(
                "an officer approves",
                "POST",
                "/api/v1/requests/{request}/approve",
                Officer,
                J(json!({})),
                Json(403, "forbidden"),
            ),
            case(
                "an officer reads the audit log",
                "GET",
                "/api/v1/audit",
                Officer,
                Body::None,
                Json(403, "forbidden"),
            ),
            // CSRF.
            case(
                "API write with the session cookie, no X-CSRF-Token",
                "POST",
                "/api/v1/units",
                CookieNoCsrf,
                J(json!({ "name": "Sở Mới", "province": "Cần Thơ" })),
                Json(403, "csrf"),
            ),
            case(
                "page form without its CSRF field",
                "POST",
                "/units",
                CookieNoCsrf,
                Form(vec![
                    ("name", "Sở Mới".into()),
                    ("province", "Cần Thơ".into()),
                ]),
                Page(403),
            ),
            case(
                "page form with a wrong CSRF field",
                "POST",
                "/logout",
                CookieNoCsrf,
                Form(vec![("csrf", "forged".into())]),
                Page(403),
            ),
            // OCSP.
            case(
                "OCSP POST, garbage body",
                "POST",
                "/ocsp",
                Nobody,
                Raw("application/ocsp-request", b"hello".to_vec()),
                Ocsp("malformedRequest"),
            ),
            case(
                "OCSP GET, not base64",
                "GET",
                "/ocsp/%%%not-base64",
                Nobody,
                Body::None,
                Ocsp("malformedRequest"),
            ),
            case(
                "OCSP POST, wrong content type",
                "POST",
                "/ocsp",
                Nobody,
                Raw("text/plain", b"hello".to_vec()),
                Problem(415),
            ),
            case(
                "OCSP POST, 100 KiB body",
                "POST",
                "/ocsp",
                Nobody,
                Raw("application/ocsp-request", vec![0x30; 100 * 1024]),
                Problem(413),
            ),
            // CRLs and the trust chain.
            case(
                "CRL of an unknown issuer",
                "GET",
                "/crl/nobody.crl",
                Nobody,
                Body::None,
                Problem(404),
            ),
            case(
                "CRL, 5 000-character name",
                "GET",
                format!("/crl/{}.crl", "a".repeat(5000)),
                Nobody,
                Body::None,
                Problem(404),
            ),
            case(
                "chain of an unknown issuer",
                "GET",
                "/ca/nobody.crt",
                Nobody,
                Body::None,
                Problem(404),
            ),
            // Sign-in and accounts (issue 15): one answer whichever
            // credential is wrong; another province's objects are missing.
            case(
                "sign-in, wrong password",
                "POST",
                "/api/v1/session",
                Nobody,
                J(json!({ "username": "officer", "password": "sai mật khẩu" })),
                Json(401, "invalid_credentials"),
            ),
            case(
                "sign-in, right password without the TOTP code",
                "POST",
                "/api/v1/session",
                Nobody,
                J(json!({ "username": "admin", "password": admin_password })),
                Json(401, "invalid_credentials"),
            ),
            case(
                "sign-in, unknown username",
                "POST",
                "/api/v1/session",
                Nobody,
                J(json!({ "username": "khong.ton.tai", "password": "sai mật khẩu" })),
                Json(401, "invalid_credentials"),
            ),
            case(
                "read a request of another province",
                "GET",
                "/api/v1/requests/{request}",
                HaNoiOfficer,
                Body::None,
                Json(404, "not_found"),
            ),
            case(
                "a token for another province's subscriber",
                "POST",
                "/api/v1/tokens",
                HaNoiOfficer,
                J(json!({ "serial": "TK-HN-9", "subscriber_id": sub })),
                Json(404, "not_found"),
            ),
            case(
                "sign out everywhere, no token",
                "POST",
                "/api/v1/account/sign-out-everywhere",
                Nobody,
                Body::None,
                Json(401, "unauthenticated"),
            ),
            case(
                "sign out everywhere with the session cookie, no X-CSRF-Token",
                "POST",
                "/api/v1/account/sign-out-everywhere",
                CookieNoCsrf,
                Body::None,
                Json(403, "csrf"),
            ),
            case(
                "the accounts page, as an officer",
                "GET",
                "/users",
                CookieNoCsrf,
                Body::None,
                Page(403),
            ),
            case(
                "unlock an account without the CSRF field",
                "POST",
                "/users/officer/unlock",
                CookieNoCsrf,
                Form(vec![]),
                Page(403),
            ),
            // Names no certificate can hold (issue 15): NUL, U+202E, over
            // the RFC 5280 bound; wherever they enter.
            case(
                "new unit, name with NUL",
                "POST",
                "/api/v1/units",
                Officer,
                J(json!({ "name": "Sở\u{0000}NUL", "province": "Cần Thơ" })),
                Json(422, "invalid_name"),
            ),
            case(
                "new unit, name with U+202E",
                "POST",
                "/api/v1/units",
                Officer,
                J(json!({ "name": "Sở \u{202E}hnìhc iàT", "province": "Cần Thơ" })),
                Json(422, "invalid_name"),
            ),
            case(
                "new unit, name of 65 characters",
                "POST",
                "/api/v1/units",
                Officer,
                J(json!({ "name": "Đ".repeat(65), "province": "Cần Thơ" })),
                Json(422, "invalid_name"),
            ),
            case(
                "new subscriber, name with U+202E",
                "POST",
                "/api/v1/subscribers",
                Officer,
                J(
                    json!({ "kind": "individual", "name": "Trần \u{202E}hnìB", "national_id": "CCCD:001089031735", "province": "Cần Thơ" }),
                ),
                Json(422, "invalid_name"),
            ),
            case(
                "new subscriber, title with NUL",
                "POST",
                "/api/v1/subscribers",
                Officer,
                J(
                    json!({ "kind": "individual", "name": "Trần Bình", "national_id": "CCCD:001089031735", "province": "Cần Thơ", "title": "Chuyên\u{0000}viên" }),
                ),
                Json(422, "invalid_name"),
            ),
            case(
                "CSV import, name with U+202E",
                "POST",
                "/api/v1/subscribers/import",
                Officer,
                Raw(
                    "text/csv",
                    "loại,họ và tên,số định danh,tỉnh/thành phố\ncá nhân,Trần \u{202E}hnìB,001089031735,Cần Thơ\n"
                        .as_bytes()
                        .to_vec(),
                ),
                Json(422, "import_rejected"),
            ),
            case(
                "change of title with U+202E",
                "POST",
                "/api/v1/requests",
                Officer,
                J(
                    json!({ "kind": "change_info", "serial": serial, "changes": { "title": "Chuyên \u{202E}viên" } }),
                ),
                Json(422, "invalid_name"),
            ),
            case(
                "unit rename, name with NUL",
                "POST",
                "/api/v1/requests",
                Officer,
                J(json!({ "kind": "unit_change", "unit_id": unit, "unit_name": "Sở\u{0000}NUL" })),
                Json(422, "invalid_unit_name"),
            ),
            case(
                "unit rename, name with U+202E",
                "POST",
                "/api/v1/requests",
                Officer,
                J(
                    json!({ "kind": "unit_change", "unit_id": unit, "unit_name": "Sở \u{202E}hnìhc iàT" }),
                ),
                Json(422, "invalid_unit_name"),
            ),
            case(
                "unit rename, name of 65 characters",
                "POST",
                "/api/v1/requests",
                Officer,
                J(json!({ "kind": "unit_change", "unit_id": unit, "unit_name": "Đ".repeat(65) })),
                Json(422, "invalid_unit_name"),
            ),
            case(
                "unit page form, name with U+202E",
                "POST",
                "/units",
                Cookie,
                Form(vec![
                    ("name", "Sở \u{202E}hnìhc iàT".into()),
                    ("province", "Cần Thơ".into()),
                ]),
                Page(422),
            ),
            case(
                "subscriber page form, name of 65 characters",
                "POST",
                "/subscribers",
                Cookie,
                Form(vec![
                    ("kind", "individual".into()),
                    ("name", "Đ".repeat(65)),
                    ("national_id", "CCCD:001089031735".into()),
                    ("province", "Cần Thơ".into()),
                ]),
                Page(422),
            ),
            case(
                "unit change page form, name with U+202E",
                "POST",
                "/requests/new/unit_change",
                Cookie,
                Form(vec![
                    ("unit_id", unit.to_string()),
                    ("unit_name", "Sở \u{202E}hnìhc iàT".into()),
                ]),
                Page(422),
            ),
            // Issue 16: accounts, emergencies.
            case(
                "reset an account, by an officer",
                "POST",
                "/api/v1/users/approver/reset",
                Officer,
                Body::None,
                Json(403, "forbidden"),
            ),
            case(
                "disable an account, by an approver",
                "POST",
                "/api/v1/users/officer/disable",
                Approver,
                Body::None,
                Json(403, "forbidden"),
            ),
            case(
                "reset an account through the page, by an officer",
                "POST",
                "/users/approver/reset",
                Cookie,
                Form(vec![]),
                Page(403),
            ),
            case(
                "set an unknown role",
                "POST",
                "/api/v1/users/officer/role",
                Admin,
                J(json!({ "role": "superuser" })),
                Json(422, "invalid_role"),
            ),
            case(
                "disable the last administrator",
                "POST",
                "/api/v1/users/admin/disable",
                Admin,
                Body::None,
                Json(409, "last_admin"),
            ),
            case(
                "demote the last administrator",
                "POST",
                "/api/v1/users/admin/role",
                Admin,
                J(json!({ "role": "auditor" })),
                Json(409, "last_admin"),
            ),
            case(
                "reset an unknown account",
                "POST",
                "/api/v1/users/nobody/reset",
                Admin,
                Body::None,
                Json(404, "not_found"),
            ),
            case(
                "emergency revocation by an officer",
                "POST",
                "/api/v1/tokens/TK-0001/emergency-lost",
                Officer,
                Body::None,
                Json(403, "forbidden"),
            ),
            case(
                "acknowledge an emergency twice",
                "POST",
                "/api/v1/emergencies/{emergency}/acknowledge",
                Approver,
                Body::None,
                Json(409, "already_acknowledged"),
            ),
            // Issue 16: Excel import.
            case(
                "xlsx import, zip bomb (64 MiB unpacked)",
                "POST",
                "/api/v1/subscribers/import",
                Officer,
                Raw(XLSX, sheets::zip_bomb()),
                Json(422, "zip_bomb"),
            ),
            case(
                "xlsx import, CSV text sent as .xlsx",
                "POST",
                "/api/v1/subscribers/import",
                Officer,
                Raw(
                    XLSX,
                    "loại,họ và tên,tỉnh/thành phố\ncá nhân,Trần Bình,Cần Thơ\n"
                        .as_bytes()
                        .to_vec(),
                ),
                Json(422, "not_xlsx"),
            ),
            case(
                "xlsx import, truncated workbook",
                "POST",
                "/api/v1/subscribers/import",
                Officer,
                Raw(XLSX, {
                    let mut book = sheets::far_cell_xlsx();
                    book.truncate(book.len() / 2);
                    book
                }),
                Json(422, "bad_xlsx"),
            ),
            case(
                "xlsx import, a cell at XFD1048576",
                "POST",
                "/api/v1/subscribers/import",
                Officer,
                Raw(XLSX, sheets::far_cell_xlsx()),
                Json(422, "sheet_too_large"),
            ),
            case(
                "CSV import, a cell of 2,001 characters",
                "POST",
                "/api/v1/subscribers/import",
                Officer,
                Raw(
                    "text/csv",
                    format!(
                        "loại;họ và tên;tỉnh/thành phố\ncá nhân;{};Cần Thơ\n",
                        "Đ".repeat(2001)
                    )
                    .into_bytes(),
                ),
                Json(422, "cell_too_long"),
            ),
            // Lists (issue 16): query parameters the list does not know,
            // limits and pages out of range, columns not sortable.
            case(
                "certificate search, unknown query parameter",
                "GET",
                "/api/v1/certificates?subscriber=1",
                Officer,
                Body::None,
                Json(400, "unknown_parameter"),
            ),
            case(
                "subscribers, limit over the maximum",
                "GET",
                "/api/v1/subscribers?limit=501",
                Officer,
                Body::None,
                Json(422, "invalid_limit"),
            ),
            case(
                "tokens, negative limit",
                "GET",
                "/api/v1/tokens?limit=-5",
                Officer,
                Body::None,
                Json(422, "invalid_limit"),
            ),
            case(
                "requests, limit not a number",
                "GET",
                "/api/v1/requests?limit=abc",
                Officer,
                Body::None,
                Json(422, "invalid_limit"),
            ),
            case(
                "requests, page zero",
                "GET",
                "/api/v1/requests?page=0",
                Officer,
                Body::None,
                Json(422, "invalid_page"),
            ),
            case(
                "units, sort column not whitelisted",
                "GET",
                "/api/v1/units?sort=password",
                Officer,
                Body::None,
                Json(422, "invalid_sort"),
            ),
            case(
                "requests, a parameter given twice",
                "GET",
                "/api/v1/requests?state=issued&state=failed",
                Officer,
                Body::None,
                Json(400, "duplicate_parameter"),
            ),
            case(
                "audit log, unknown query parameter",
                "GET",
                "/api/v1/audit?user=admin",
                Officer,
                Body::None,
                Json(400, "unknown_parameter"),
            ),
            case(
                "subscribers page, unknown query parameter",
                "GET",
                "/subscribers?subscriber_id=1",
                CookieNoCsrf,
                Body::None,
                Page(400),
            ),
            case(
                "certificates page, sort column not whitelisted",
                "GET",
                "/certificates?sort=cert_der",
                CookieNoCsrf,
                Body::None,
                Page(422),
            ),
            // Issue 16: choices, not free text (units from the registry,
            // phone numbers and e-mail addresses checked).
            case(
                "change of information, unit not in the registry",
                "POST",
                "/api/v1/requests",
                Officer,
                J(
                    json!({ "kind": "change_info", "serial": serial, "changes": { "unit": "Sở Tài Chính Mới" } }),
                ),
                Json(422, "unknown_unit"),
            ),
            case(
                "change of information page form, unit not in the registry",
                "POST",
                "/requests/new/change_info",
                Cookie,
                Form(vec![
                    ("serial", serial),
                    ("new_unit", "Sở Tài Chính Mới".into()),
                ]),
                Page(422),
            ),
            case(
                "register a subscriber, phone abc-xyz",
                "POST",
                "/api/v1/subscribers",
                Officer,
                J(json!({
                    "kind": "individual", "name": "Lê Văn Cường", "national_id": "CCCD:001089031736",
                    "province": "Cần Thơ", "phone": "abc-xyz",
                })),
                Json(422, "invalid_phone"),
            ),
            case(
                "register a subscriber, e-mail without @",
                "POST",
                "/api/v1/subscribers",
                Officer,
                J(json!({
                    "kind": "individual", "name": "Lê Văn Cường", "national_id": "CCCD:001089031736",
                    "province": "Cần Thơ", "email": "cuong.cantho.gov.vn",
                })),
                Json(422, "invalid_identity"),
            ),
            case(
                "subscriber page form, phone abc-xyz",
                "POST",
                "/subscribers",
                Cookie,
                Form(vec![
                    ("kind", "individual".into()),
                    ("name", "Lê Văn Cường".into()),
                    ("national_id", "CCCD:001089031736".into()),
                    ("province", "Cần Thơ".into()),
                    ("phone", "abc-xyz".into()),
                ]),
                Page(422),
            ),
            case(
                "subscriber page form, e-mail without @",
                "POST",
                "/subscribers",
                Cookie,
                Form(vec![
                    ("kind", "individual".into()),
                    ("name", "Lê Văn Cường".into()),
                    ("national_id", "CCCD:001089031736".into()),
                    ("province", "Cần Thơ".into()),
                    ("email", "cuong.cantho.gov.vn".into()),
                ]),
                Page(422),
            ),
            // Issue 16: batches.
            case(
                "batch of CSRs, a zip bomb (50 MiB entry)",
                "POST",
                "/api/v1/batches?unit_id={unit}",
                Officer,
                Raw("application/zip", batch_zip::zip_bomb()),
                Json(422, "file_too_large"),
            ),
            case(
                "batch of CSRs, path-traversal entry name",
                "POST",
                "/api/v1/batches?unit_id={unit}",
                Officer,
                Raw("application/zip", csr_zip("../../etc/001089031733.csr")),
                Json(422, "unsafe_file_name"),
            ),
            case(
                "batch of CSRs, 1001 entries",
                "POST",
                "/api/v1/batches?unit_id={unit}",
                Officer,
                Raw("application/zip", batch_zip::zip_of(&many)),
                Json(422, "too_many_files"),
            ),
            case(
                "batch of CSRs, a zip inside the zip",
                "POST",
                "/api/v1/batches?unit_id={unit}",
                Officer,
                Raw(
                    "application/zip",
                    batch_zip::zip_of(&[("inner.zip".to_owned(), csr_zip("s1.csr"))]),
                ),
                Json(422, "nested_zip"),
            ),
            case(
                "batch of CSRs, not a zip",
                "POST",
                "/api/v1/batches?unit_id={unit}",
                Officer,
                Raw("application/zip", csr.clone().into_bytes()),
                Json(422, "invalid_zip"),
            ),
            case(
                "batch approved twice",
                "POST",
                "/api/v1/batches/{batch}/approve",
                Approver,
                J(json!({})),
                Json(409, "already_decided"),
            ),
            case(
                "batch approved by an officer",
                "POST",
                "/api/v1/batches/{batch}/approve",
                Officer,
                J(json!({})),
                Json(403, "forbidden"),
            ),
        ]
    };

    let mut rows = Vec::new();
    let mut failures = Vec::new();
    for c in &cases {
        let before = state(env);
        let mut headers = Vec::new();
        let mut extra: Vec<String> = Vec::new();
        match c.who {
            Who::Nobody => {}
            Who::Forged => headers.push("Authorization: Bearer forged-token".to_owned()),
            Who::Officer => headers.push(format!("Authorization: Bearer {officer}")),
            Who::Approver => headers.push(format!("Authorization: Bearer {approver}")),
            Who::HaNoiOfficer => headers.push(format!("Authorization: Bearer {hn_officer}")),
            Who::HaNoiApprover => headers.push(format!("Authorization: Bearer {hn_approver}")),
            Who::CookieNoCsrf => extra.extend(["-b".to_owned(), jar.clone()]),
            Who::Admin => headers.push(format!("Authorization: Bearer {admin}")),
            Who::Cookie => extra.extend([
                "-b".to_owned(),
                jar.clone(),
                "--data-urlencode".to_owned(),
                format!("csrf={csrf}"),
            ]),
        }
        let mut body: Option<Vec<u8>> = None;
        match &c.body {
            Body::None => {}
            Body::Json(v) => {
                headers.push("Content-Type: application/json".to_owned());
                body = Some(v.to_string().into_bytes());
            }
            Body::Raw(ct, bytes) => {
                headers.push(format!("Content-Type: {ct}"));
                body = Some(bytes.clone());
            }
            Body::Form(fields) => {
                for (k, v) in fields {
                    extra.push("--data-urlencode".to_owned());
                    extra.push(format!("{k}={v}"));
                }
            }
        }
        let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
        let path = c
            .path
            .replace("{unit}", &unit.to_string())
            .replace("{subscriber}", &sub.to_string())
            .replace("{request}", &pending.to_string())
            .replace("{emergency}", &emergency.to_string())
            .replace("{batch}", &decided.to_string());
        let reply = curl(&server, c.method, &path, &headers, body.as_deref(), &extra);
        let got = match c.expect {
            _ if reply.status >= 500 || reply.status == 0 => {
                format!("{} {}", reply.status, reply.body)
            }
            Expect::Json(..) => {
                let code = serde_json::from_str::<Value>(&reply.body)
                    .ok()
                    .and_then(|v| v["error"]["code"].as_str().map(str::to_owned))
                    .unwrap_or_else(|| format!("no error body: {}", reply.body));
                format!("{} `{code}`", reply.status)
            }
            Expect::Page(_)
                if reply.body.contains("class=\"form-error\"")
                    || reply.body.contains("class=\"field-error\"") =>
            {
                Expect::Page(reply.status).label()
            }
            Expect::Page(_) => format!("{} without a form message", reply.status),
            Expect::Ocsp(_) => {
                let raw = server_bytes(env, &server, c);
                format!("{}, OCSP `{}`", reply.status, ocsp_status(&raw))
            }
            Expect::Problem(_)
                if serde_json::from_str::<Value>(&reply.body).is_ok_and(|v| v.is_object()) =>
            {
                Expect::Problem(reply.status).label()
            }
            Expect::Problem(_) => format!("{} without a JSON body: {}", reply.status, reply.body),
        };
        if got != c.expect.label() {
            failures.push(format!(
                "{}: expected {}, got {got}",
                c.name,
                c.expect.label()
            ));
        }
        if before != state(env) {
            failures.push(format!("{}: the database changed", c.name));
        }
        let shown_path = if c.path.len() > 60 {
            format!("{}…", &c.path[..40])
        } else {
            c.path.clone()
        };
        rows.push(format!(
            "| {} | `{} {}` | {} | {} |",
            c.name,
            c.method,
            shown_path.replace('|', "\\|"),
            c.who.label(),
            c.expect.label()
        ));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let table = format!(
        "| case | request | sent by | answer (nothing changed) |\n|---|---|---|---|\n{}\n",
        rows.join("\n")
    );
    let artifacts = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-artifacts");
    let _ = std::fs::create_dir_all(&artifacts);
    let _ = std::fs::write(artifacts.join("security-table.md"), &table);
    let doc = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/security.md"),
    )
    .expect("docs/security.md");
    assert!(
        doc.contains(&table),
        "docs/security.md must hold the table of tested cases verbatim; it is now:\n{table}"
    );
});

/// A batch of one person (a unit of their own) submitted by the officer
/// and approved; its id.
fn decided_batch(env: &TestEnv, server: &Server, officer: &str, approver: &str) -> i64 {
    let body = json!({
        "kind": "individual", "name": "Lý Thị Lô", "national_id": "CCCD:001189031799",
        "province": "Cần Thơ", "unit": "Phòng Hành chính lô", "title": "Chuyên viên",
        "email": "canbo@cantho.gov.vn",
    });
    let person = api(
        server,
        "POST",
        "/api/v1/subscribers",
        Some(officer),
        Some(&body),
    )
    .ok();
    let unit = person["unit_id"].as_i64().expect("a unit");
    let csr = std::fs::read(env.csr_p256("batch-lo")).expect("csr");
    let zip = batch_zip::zip_of(&[("001189031799.csr".to_owned(), csr)]);
    let reply = curl(
        server,
        "POST",
        &format!("/api/v1/batches?unit_id={unit}"),
        &[
            format!("Authorization: Bearer {officer}"),
            "Content-Type: application/zip".to_owned(),
        ],
        Some(&zip),
        &[],
    );
    let id = reply.ok()["id"].as_i64().expect("a batch");
    api(
        server,
        "POST",
        &format!("/api/v1/batches/{id}/approve"),
        Some(approver),
        None,
    )
    .ok();
    id
}

/// The raw body of an OCSP case (curl's text view loses bytes).
fn server_bytes(env: &TestEnv, server: &Server, c: &Case) -> Vec<u8> {
    let out = env.path("ocsp-case.der");
    let mut cmd = std::process::Command::new("curl");
    cmd.args(["-s", "-m", "20", "-X", c.method, "-o"]).arg(&out);
    if let Body::Raw(ct, bytes) = &c.body {
        let input = env.write("ocsp-case.req", bytes);
        cmd.args(["-H", &format!("Content-Type: {ct}")])
            .arg("--data-binary")
            .arg(format!("@{}", input.display()));
    }
    let status = cmd.arg(server.url(&c.path)).status().expect("curl");
    assert!(status.success(), "curl {}", c.name);
    std::fs::read(out).expect("the OCSP answer")
}
