//! Helpers of the RA portal tests: the accounts `init --demo` and
//! `user add` print, JSON API calls and form posts through curl against a
//! running `govpki serve`.

#![allow(dead_code)]

pub(crate) mod sheets;

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::{json, Value};

use crate::common::{Server, TestEnv};

pub(crate) mod openapi_check;

/// The password every test account is changed to at first sign-in.
pub(crate) const NEW_PASSWORD: &str = "Mật khẩu mới 2026!";

/// An account as the CLI printed it.
#[derive(Debug, Clone)]
pub(crate) struct Account {
    pub(crate) username: String,
    pub(crate) password: String,
    pub(crate) totp: Option<String>,
}

impl Account {
    /// A TOTP code the portal has not seen yet, when the account has a
    /// secret: the portal accepts each time step once, so a step handed
    /// out before is skipped (the next step is accepted too, as clock
    /// drift); when both are used up, wait for the next step.
    pub(crate) fn code(&self) -> Option<String> {
        let secret = self.totp.as_deref()?;
        Some(fresh_code(secret))
    }
}

/// The code of the earliest time step not handed out yet for `secret`
/// that the portal accepts now (the current step or the next).
pub(crate) fn fresh_code(secret: &str) -> String {
    use std::collections::HashMap;
    use std::sync::Mutex;
    static USED: Mutex<Option<HashMap<String, u64>>> = Mutex::new(None);
    loop {
        let now = ra_portal::totp::unix_now() / ra_portal::totp::STEP;
        {
            let mut used = USED.lock().unwrap_or_else(|e| e.into_inner());
            let used = used.get_or_insert_with(HashMap::new);
            let step = used.get(secret).map_or(now, |last| now.max(last + 1));
            if step <= now + 1 {
                used.insert(secret.to_owned(), step);
                return ra_portal::totp::code_for_step(secret, step).expect("a base32 TOTP secret");
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
}

/// Every account block (`username: …` … `one-time password: …`) in the
/// output of `init --demo` or `user add`.
pub(crate) fn accounts(stdout: &str) -> Vec<Account> {
    let mut out: Vec<Account> = Vec::new();
    for line in stdout.lines() {
        if let Some(u) = line.strip_prefix("username: ") {
            out.push(Account {
                username: u.trim().to_owned(),
                password: String::new(),
                totp: None,
            });
        } else if let Some(p) = line.strip_prefix("one-time password: ") {
            out.last_mut().expect("a username line first").password = p.trim().to_owned();
        } else if let Some(s) = line.strip_prefix("totp secret: ") {
            out.last_mut().expect("a username line first").totp = Some(s.trim().to_owned());
        }
    }
    out
}

/// The account named `name` among `all`.
pub(crate) fn account(all: &[Account], name: &str) -> Account {
    all.iter()
        .find(|a| a.username == name)
        .cloned()
        .unwrap_or_else(|| panic!("no account {name} in {all:?}"))
}

/// `govpki user add …`; returns the account printed.
pub(crate) fn user_add(env: &TestEnv, args: &[&str]) -> Account {
    let mut full = vec!["user", "add"];
    full.extend_from_slice(args);
    let out = env.ok(&full);
    let mut all = accounts(&out);
    assert_eq!(all.len(), 1, "user add prints one account:\n{out}");
    let a = all.remove(0);
    assert!(
        a.password.len() >= 12,
        "a one-time password is printed: {out}"
    );
    a
}

/// An HTTP answer.
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) body: String,
    /// Lowercased header lines.
    pub(crate) headers: String,
}

impl Reply {
    /// The body as JSON.
    pub(crate) fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {} {}", self.status, self.body))
    }

    /// The stable error code of an error body (asserting the shape).
    pub(crate) fn code(&self) -> String {
        let v = self.json();
        let code = v["error"]["code"].as_str().unwrap_or_else(|| {
            panic!(
                "an error body {{\"error\":{{\"code\",\"message\"}}}}, got {} {}",
                self.status, self.body
            )
        });
        assert!(
            v["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "an error message: {}",
            self.body
        );
        code.to_owned()
    }

    /// Asserts the status and the error code.
    pub(crate) fn expect_error(&self, status: u16, code: &str) {
        assert_eq!(
            (self.status, self.code().as_str()),
            (status, code),
            "expected {status} {code}, got {} {}",
            self.status,
            self.body
        );
    }

    /// Asserts a 2xx status; returns the JSON body (Null when empty).
    pub(crate) fn ok(&self) -> Value {
        assert!(
            (200..300).contains(&self.status),
            "expected success, got {} {}",
            self.status,
            self.body
        );
        if self.body.trim().is_empty() {
            Value::Null
        } else {
            self.json()
        }
    }

    /// The `Location` header.
    pub(crate) fn location(&self) -> Option<String> {
        self.headers
            .lines()
            .find_map(|l| l.strip_prefix("location:"))
            .map(|l| l.trim().to_owned())
    }
}

/// One curl request. `extra`: more curl arguments (cookies, forms).
pub(crate) fn curl(
    server: &Server,
    method: &str,
    path: &str,
    headers: &[String],
    body: Option<&[u8]>,
    extra: &[&str],
) -> Reply {
    curl_url(&server.url(path), method, headers, body, extra)
}

/// One curl request to a full URL (see [`curl`]).
pub(crate) fn curl_url(
    url: &str,
    method: &str,
    headers: &[String],
    body: Option<&[u8]>,
    extra: &[&str],
) -> Reply {
    let path = url;
    let dir = tempfile::tempdir().expect("temp dir");
    let head = dir.path().join("headers");
    let mut cmd = Command::new("curl");
    cmd.args(["-s", "-m", "120", "-X", method, "-o", "-", "-D"])
        .arg(&head)
        .args(["-w", "\n%{http_code}"]);
    for h in headers {
        cmd.args(["-H", h]);
    }
    cmd.args(extra);
    if body.is_some() {
        cmd.args(["--data-binary", "@-"]);
    }
    cmd.arg(url)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("run curl");
    {
        let mut stdin = child.stdin.take().expect("stdin");
        if let Some(b) = body {
            stdin.write_all(b).expect("write the body");
        }
    }
    let out = child.wait_with_output().expect("curl output");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let (body, status) = text.rsplit_once('\n').unwrap_or(("", &text));
    let status: u16 = status.trim().parse().unwrap_or_else(|_| {
        panic!(
            "curl {method} {path} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let headers = std::fs::read_to_string(&head)
        .unwrap_or_default()
        .to_lowercase();
    openapi_check::check(method, url, status, &headers, body);
    Reply {
        status,
        body: body.to_owned(),
        headers,
    }
}

/// A JSON API call with an optional bearer token.
pub(crate) fn api(
    server: &Server,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> Reply {
    let (headers, bytes) = json_request(token, body);
    curl(server, method, path, &headers, bytes.as_deref(), &[])
}

/// The headers and body of a JSON API call with an optional bearer token.
pub(crate) fn json_request(
    token: Option<&str>,
    body: Option<&Value>,
) -> (Vec<String>, Option<Vec<u8>>) {
    let mut headers = Vec::new();
    if let Some(t) = token {
        headers.push(format!("Authorization: Bearer {t}"));
    }
    let bytes = body.map(|b| b.to_string().into_bytes());
    if bytes.is_some() {
        headers.push("Content-Type: application/json".to_owned());
    }
    (headers, bytes)
}

/// `POST /api/v1/session`.
pub(crate) fn sign_in_raw(
    server: &Server,
    username: &str,
    password: &str,
    totp: Option<&str>,
) -> Reply {
    let mut body = json!({ "username": username, "password": password });
    if let Some(t) = totp {
        body["totp"] = json!(t);
    }
    api(server, "POST", "/api/v1/session", None, Some(&body))
}

/// Signs in (changing the one-time password on the first time, after
/// which `account.password` is [`NEW_PASSWORD`]); returns a bearer token.
pub(crate) fn sign_in(server: &Server, account: &mut Account) -> String {
    let code = account.code();
    let reply = sign_in_raw(
        server,
        &account.username,
        &account.password,
        code.as_deref(),
    );
    let v = reply.ok();
    let token = v["token"].as_str().expect("a token").to_owned();
    assert!(token.len() >= 43, "a 256-bit token: {token}");
    assert!(v["expires_at"].as_str().is_some(), "an expiry: {v}");
    if v["must_change_password"] == json!(true) {
        let change = json!({ "old": account.password, "new": NEW_PASSWORD });
        api(
            server,
            "POST",
            "/api/v1/password",
            Some(&token),
            Some(&change),
        )
        .ok();
        account.password = NEW_PASSWORD.to_owned();
    }
    token
}

/// `init --demo`, `govpki serve`, and the demo accounts signed in:
/// (server, [admin, officer, approver] with their tokens; the demo's
/// auditor is [`demo_auditor`]).
pub(crate) fn start(env: &TestEnv) -> (Server, Vec<(Account, String)>) {
    let out = env.init_and_export();
    let all = accounts(&out);
    assert_eq!(
        all.iter().map(|a| a.username.as_str()).collect::<Vec<_>>(),
        ["admin", "officer", "approver", "auditor"],
        "init --demo prints the demo accounts:\n{out}"
    );
    env.write("demo-accounts.txt", &out);
    let server = env.serve(&[]);
    let signed = all
        .into_iter()
        .take(3)
        .map(|mut a| {
            let t = sign_in(&server, &mut a);
            (a, t)
        })
        .collect();
    (server, signed)
}

/// The demo's auditor as `init --demo` printed it (after [`start`]).
pub(crate) fn demo_auditor(env: &TestEnv) -> Account {
    let out = std::fs::read_to_string(env.path("demo-accounts.txt")).expect("the demo accounts");
    account(&accounts(&out), "auditor")
}

/// An officer (`cb.hanoi`) and an approver (`ld.hanoi`) of Hà Nội, made
/// with `user add` and signed in: (officer token, approver token), for
/// the cross-province refusals.
pub(crate) fn ha_noi_accounts(env: &TestEnv, server: &Server) -> (String, String) {
    let token = |username: &str, role: &str| {
        let args = [
            "--username",
            username,
            "--role",
            role,
            "--province",
            "Hà Nội",
        ];
        sign_in(server, &mut user_add(env, &args))
    };
    (
        token("cb.hanoi", "ra_officer"),
        token("ld.hanoi", "ra_approver"),
    )
}

/// Registers an individual through the API; returns the id.
pub(crate) fn add_subscriber(
    server: &Server,
    token: &str,
    name: &str,
    cccd: &str,
    province: &str,
) -> i64 {
    let body = json!({
        "kind": "individual", "name": name, "national_id": cccd,
        "province": province, "unit": "Sở Khoa học và Công nghệ",
        "title": "Chuyên viên", "email": "canbo@cantho.gov.vn",
    });
    let v = api(
        server,
        "POST",
        "/api/v1/subscribers",
        Some(token),
        Some(&body),
    )
    .ok();
    v["id"].as_i64().expect("an id")
}

/// Registers a token through the API.
pub(crate) fn add_token(server: &Server, token: &str, serial: &str, subscriber: i64) {
    let body = json!({ "serial": serial, "subscriber_id": subscriber, "model": "ePass2003" });
    api(server, "POST", "/api/v1/tokens", Some(token), Some(&body)).ok();
}

/// Submits a request; returns the reply.
pub(crate) fn submit(server: &Server, token: &str, body: &Value) -> Reply {
    api(server, "POST", "/api/v1/requests", Some(token), Some(body))
}

/// Submits (must succeed) and returns the request id.
pub(crate) fn submit_ok(server: &Server, token: &str, body: &Value) -> i64 {
    let v = submit(server, token, body).ok();
    assert_eq!(v["state"], "submitted", "{v}");
    v["id"].as_i64().expect("an id")
}

/// Approves; returns the reply.
pub(crate) fn approve(server: &Server, token: &str, id: i64) -> Reply {
    api(
        server,
        "POST",
        &format!("/api/v1/requests/{id}/approve"),
        Some(token),
        Some(&json!({ "comment": "Đồng ý" })),
    )
}

/// Approves (must end `issued`); returns the request JSON.
pub(crate) fn approve_ok(server: &Server, token: &str, id: i64) -> Value {
    let v = approve(server, token, id).ok();
    assert_eq!(
        v["state"], "issued",
        "the approved request is carried out: {v}"
    );
    v
}

/// The status of a certificate as the API reports it.
pub(crate) fn cert_status(server: &Server, token: &str, serial: &str) -> String {
    let v = api(
        server,
        "GET",
        &format!("/api/v1/certificates/{serial}"),
        Some(token),
        None,
    )
    .ok();
    v["status"].as_str().expect("a status").to_owned()
}

/// The serial of the certificate a request produced (via its id).
pub(crate) fn result_serial(server: &Server, token: &str, request: &Value) -> String {
    let id = request["result_certificate_id"]
        .as_i64()
        .unwrap_or_else(|| panic!("a result certificate: {request}"));
    let list = api(server, "GET", "/api/v1/certificates", Some(token), None).ok();
    list["certificates"]
        .as_array()
        .expect("a list")
        .iter()
        .find(|c| c["id"].as_i64() == Some(id))
        .and_then(|c| c["serial"].as_str())
        .unwrap_or_else(|| panic!("certificate {id} in the list: {list}"))
        .to_owned()
}

/// What the hostile-input and hardening tests point at: Nguyễn Văn An, a
/// Cần Thơ subscriber with token TK-0001 and a certificate issued from the
/// CSR on key `an` (officer submits, approver approves), and a submitted
/// suspension of it.
pub(crate) struct CanThoFixture {
    /// The subscriber id.
    pub(crate) subscriber: i64,
    /// The CSR the certificate was issued from (PEM).
    pub(crate) csr: String,
    /// The certificate's serial.
    pub(crate) serial: String,
    /// The submitted suspension request's id.
    pub(crate) pending: i64,
}

/// Makes the [`CanThoFixture`].
pub(crate) fn can_tho_fixture(
    env: &TestEnv,
    server: &Server,
    officer: &str,
    approver: &str,
) -> CanThoFixture {
    let subscriber = add_subscriber(
        server,
        officer,
        "Nguyễn Văn An",
        "CCCD:001089031733",
        "Cần Thơ",
    );
    add_token(server, officer, "TK-0001", subscriber);
    let csr = std::fs::read_to_string(env.csr_p256("an")).expect("csr");
    let issued = submit_ok(
        server,
        officer,
        &json!({ "kind": "issue", "subscriber_id": subscriber, "csr": csr }),
    );
    let done = approve_ok(server, approver, issued);
    let serial = result_serial(server, officer, &done);
    let pending = submit_ok(
        server,
        officer,
        &json!({ "kind": "suspend", "serial": serial }),
    );
    CanThoFixture {
        subscriber,
        csr,
        serial,
        pending,
    }
}

/// Downloads a certificate's PEM through the API, saves it as
/// `{name}.pem` and verifies it with openssl against the demo chain.
pub(crate) fn download_and_verify(
    env: &TestEnv,
    server: &Server,
    token: &str,
    serial: &str,
    name: &str,
) {
    let reply = api(
        server,
        "GET",
        &format!("/api/v1/certificates/{serial}.pem"),
        Some(token),
        None,
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let path = env.write(&format!("{name}.pem"), &reply.body);
    env.verify_chain(&path, &[crate::common::GOV_CA]);
    assert_eq!(env.serial_of(&path), serial, "the downloaded certificate");
}

/// A browser without JavaScript: a curl cookie jar, forms posted as a
/// browser posts them (urlencoded, or multipart with a file).
pub(crate) struct Browser<'a> {
    server: &'a Server,
    jar: String,
}

impl<'a> Browser<'a> {
    /// A browser with an empty cookie jar `{name}.cookies` in the work dir.
    pub(crate) fn new(env: &TestEnv, server: &'a Server, name: &str) -> Self {
        Self {
            server,
            jar: env.p(&format!("{name}.cookies")),
        }
    }

    /// `GET path`.
    pub(crate) fn get(&self, path: &str) -> Reply {
        curl(
            self.server,
            "GET",
            path,
            &[],
            None,
            &["-b", &self.jar, "-c", &self.jar],
        )
    }

    /// `GET path`, which must answer 200; the body.
    pub(crate) fn page(&self, path: &str) -> String {
        let r = self.get(path);
        assert_eq!(r.status, 200, "GET {path}: {}", r.body);
        r.body
    }

    /// A urlencoded form POST.
    pub(crate) fn post(&self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let encoded: Vec<String> = fields.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let mut extra = vec!["-b", self.jar.as_str(), "-c", self.jar.as_str()];
        for e in &encoded {
            extra.push("--data-urlencode");
            extra.push(e);
        }
        curl(self.server, "POST", path, &[], None, &extra)
    }

    /// A multipart form POST with text fields and files (field, path).
    pub(crate) fn post_multipart(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &std::path::Path)],
    ) -> Reply {
        let mut args: Vec<String> =
            vec!["-b".into(), self.jar.clone(), "-c".into(), self.jar.clone()];
        for (k, v) in fields {
            args.push("--form-string".into());
            args.push(format!("{k}={v}"));
        }
        for (k, p) in files {
            args.push("-F".into());
            args.push(format!("{k}=@{}", p.display()));
        }
        let extra: Vec<&str> = args.iter().map(String::as_str).collect();
        curl(self.server, "POST", path, &[], None, &extra)
    }

    /// A form of the page at `form_path` posted with its CSRF value.
    pub(crate) fn submit(&self, form_path: &str, action: &str, fields: &[(&str, &str)]) -> Reply {
        let csrf = csrf_of(&self.page(form_path));
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post(action, &all)
    }

    /// Signs in through the sign-in form (with the TOTP code when the
    /// account has one) and changes a one-time password through the
    /// password form; ends on the dashboard.
    pub(crate) fn sign_in(&self, account: &mut Account) {
        let code = account.code();
        let mut fields = vec![
            ("username", account.username.as_str()),
            ("password", account.password.as_str()),
        ];
        if let Some(c) = code.as_deref() {
            fields.push(("totp", c));
        }
        let r = self.submit("/", "/login", &fields);
        assert_eq!(r.status, 303, "sign-in: {}", r.body);
        if r.location().as_deref() == Some("/password") {
            let old = account.password.clone();
            let r = self.submit(
                "/password",
                "/password",
                &[
                    ("old", &old),
                    ("new", NEW_PASSWORD),
                    ("confirm", NEW_PASSWORD),
                ],
            );
            assert_eq!(
                (r.status, r.location().as_deref()),
                (303, Some("/dashboard")),
                "password change: {}",
                r.body
            );
            account.password = NEW_PASSWORD.to_owned();
        } else {
            assert_eq!(r.location().as_deref(), Some("/dashboard"));
        }
    }
}

/// The hidden CSRF value of a form page.
pub(crate) fn csrf_of(page: &str) -> String {
    let marker = r#"name="csrf" value=""#;
    let start = page
        .find(marker)
        .map(|i| i + marker.len())
        .unwrap_or_else(|| panic!("a csrf field in {page}"));
    page[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_owned()
}
