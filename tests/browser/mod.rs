//! A real browser for the tests: headless Chromium driven through
//! `chromedriver` (Debian `chromium`, `chromium-driver`, installed by
//! `scripts/install-deps.sh`) with a small client of the W3C WebDriver
//! protocol (JSON over HTTP/1.1 on loopback). Waits poll for elements with
//! a deadline; screenshots go to `target/test-artifacts/browser/<db>/`;
//! the chromedriver process is killed when the browser is dropped.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{json, Value};

/// How long an element, a page or a download may take to appear.
pub(crate) const WAIT: Duration = Duration::from_secs(30);

/// The W3C key of an element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A program on the PATH (or at a Debian location), or a clear failure:
/// the browser test never skips.
fn program(names: &[&str], package: &str) -> PathBuf {
    for name in names {
        let p = Path::new(name);
        if p.is_absolute() {
            if p.exists() {
                return p.to_path_buf();
            }
            continue;
        }
        if let Some(paths) = std::env::var_os("PATH") {
            for dir in std::env::split_paths(&paths) {
                let candidate = dir.join(name);
                if candidate.is_file() {
                    return candidate;
                }
            }
        }
    }
    panic!(
        "{names:?} not found: the browser test needs Debian's {package} \
         (run scripts/install-deps.sh)"
    );
}

/// A loopback port free a moment ago.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("bind a free port")
}

/// One WebDriver HTTP exchange: (status, JSON body).
fn http(port: u16, method: &str, path: &str, body: Option<&Value>) -> Result<(u16, Value), String> {
    let mut stream =
        TcpStream::connect(("127.0.0.1", port)).map_err(|e| format!("connect: {e}"))?;
    stream
        .set_read_timeout(Some(Duration::from_secs(120)))
        .map_err(|e| e.to_string())?;
    let payload = body.map(Value::to_string).unwrap_or_default();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\
         Content-Type: application/json; charset=utf-8\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        payload.len()
    );
    stream
        .write_all(head.as_bytes())
        .and_then(|()| stream.write_all(payload.as_bytes()))
        .map_err(|e| format!("send: {e}"))?;
    // Read the headers, then exactly the body they announce: chromedriver
    // may keep the connection open whatever the request said.
    let mut raw = Vec::new();
    let mut buf = [0u8; 8192];
    let split = loop {
        if let Some(i) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = stream.read(&mut buf).map_err(|e| format!("read: {e}"))?;
        if n == 0 {
            return Err("the connection closed before the headers ended".into());
        }
        raw.extend_from_slice(&buf[..n]);
    };
    let headers = String::from_utf8_lossy(&raw[..split]).to_lowercase();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers.contains("transfer-encoding: chunked");
    let length: Option<usize> = headers.lines().find_map(|l| {
        l.strip_prefix("content-length:")
            .and_then(|v| v.trim().parse().ok())
    });
    loop {
        let complete = match length {
            Some(n) => body.len() >= n,
            None if chunked => body.ends_with(b"0\r\n\r\n"),
            None => false,
        };
        if complete {
            break;
        }
        let n = stream.read(&mut buf).map_err(|e| format!("read: {e}"))?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&buf[..n]);
    }
    if let Some(n) = length {
        body.truncate(n);
    }
    if chunked {
        body = dechunk(&body)?;
    }
    let status: u16 = headers
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("bad status line: {headers}"))?;
    let json = if body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&body)
            .map_err(|e| format!("not JSON ({e}): {}", String::from_utf8_lossy(&body)))?
    };
    Ok((status, json))
}

/// The body of a chunked transfer.
fn dechunk(mut data: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    loop {
        let line_end = data
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or("bad chunk")?;
        let size_text = String::from_utf8_lossy(&data[..line_end]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .map_err(|e| format!("bad chunk size {size_text:?}: {e}"))?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Ok(out);
        }
        out.extend_from_slice(data.get(..size).ok_or("short chunk")?);
        data = data.get(size + 2..).unwrap_or_default();
    }
}

/// A running chromedriver with one headless Chromium session.
pub(crate) struct Browser {
    driver: Child,
    port: u16,
    session: String,
    /// Where downloads land.
    pub(crate) downloads: PathBuf,
    shots: PathBuf,
    step: u32,
    profile: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver on a free port and a headless Chromium session
    /// (temporary profile, downloads into `downloads`, no prompt);
    /// screenshots go to `shots` (emptied first).
    pub(crate) fn start(downloads: &Path, shots: &Path) -> Self {
        let chromedriver = program(&["chromedriver"], "chromium-driver");
        let chromium = program(
            &["/usr/lib/chromium/chromium", "chromium", "chromium-browser"],
            "chromium",
        );
        let port = free_port();
        let driver = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}", chromedriver.display()));
        let profile = tempfile::Builder::new()
            .prefix("govpki-chromium-")
            .tempdir()
            .expect("a profile directory");
        std::fs::create_dir_all(downloads).expect("the download directory");
        let _ = std::fs::remove_dir_all(shots);
        std::fs::create_dir_all(shots).expect("the screenshot directory");
        let mut browser = Self {
            driver,
            port,
            session: String::new(),
            downloads: downloads.to_path_buf(),
            shots: shots.to_path_buf(),
            step: 0,
            profile,
        };
        browser.wait_ready();
        let caps = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium.display().to_string(),
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu",
                    "--disable-dev-shm-usage", "--window-size=1280,1400",
                    "--lang=vi-VN",
                    format!("--user-data-dir={}", browser.profile.path().display()),
                ],
                "prefs": {
                    "download.default_directory": downloads.display().to_string(),
                    "download.prompt_for_download": false,
                    "download.directory_upgrade": true,
                    "safebrowsing.enabled": false,
                },
            },
        }}});
        let v = browser.raw("POST", "/session", Some(&caps));
        browser.session = v["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("a WebDriver session: {v}"))
            .to_owned();
        // Headless Chromium may download only when told where (CDP); the
        // preferences above say it too, so a refusal here is not fatal.
        for cmd in ["Browser.setDownloadBehavior", "Page.setDownloadBehavior"] {
            let set = browser.try_cmd(
                "POST",
                "/goog/cdp/execute",
                &json!({ "cmd": cmd, "params": {
                    "behavior": "allow", "downloadPath": downloads.display().to_string(),
                }}),
            );
            if set.is_ok() {
                break;
            }
        }
        browser
    }

    /// Polls chromedriver's `/status` until it is ready.
    fn wait_ready(&mut self) {
        let start = Instant::now();
        loop {
            if let Ok((200, v)) = http(self.port, "GET", "/status", None) {
                if v["value"]["ready"] == json!(true) {
                    return;
                }
            }
            if let Ok(Some(status)) = self.driver.try_wait() {
                panic!("chromedriver exited at start: {status}");
            }
            assert!(start.elapsed() < WAIT, "chromedriver never became ready");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// A WebDriver command on the server (not the session): the `value`.
    fn raw(&self, method: &str, path: &str, body: Option<&Value>) -> Value {
        match http(self.port, method, path, body) {
            Ok((200, v)) => v["value"].clone(),
            Ok((status, v)) => panic!("WebDriver {method} {path}: {status} {v}"),
            Err(e) => panic!("WebDriver {method} {path}: {e}"),
        }
    }

    /// A session command that must succeed: the `value`.
    fn cmd(&self, method: &str, path: &str, body: &Value) -> Value {
        let full = format!("/session/{}{path}", self.session);
        let body = (method == "POST").then_some(body);
        self.raw(method, &full, body)
    }

    /// A session command that may fail (a missing element): the `value`
    /// or the WebDriver error.
    fn try_cmd(&self, method: &str, path: &str, body: &Value) -> Result<Value, Value> {
        let full = format!("/session/{}{path}", self.session);
        let body = (method == "POST").then_some(body);
        match http(self.port, method, &full, body) {
            Ok((200, v)) => Ok(v["value"].clone()),
            Ok((_, v)) => Err(v["value"].clone()),
            Err(e) => panic!("WebDriver {method} {full}: {e}"),
        }
    }

    /// Opens `url`.
    pub(crate) fn go(&self, url: &str) {
        self.cmd("POST", "/url", &json!({ "url": url }));
    }

    /// The current URL.
    pub(crate) fn url(&self) -> String {
        self.cmd("GET", "/url", &Value::Null)
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// The page's HTML as the browser holds it now.
    pub(crate) fn source(&self) -> String {
        self.cmd("GET", "/source", &Value::Null)
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// The element matching the CSS selector, waiting for it.
    pub(crate) fn find(&self, css: &str) -> Element<'_> {
        let start = Instant::now();
        loop {
            let found = self.try_cmd(
                "POST",
                "/element",
                &json!({ "using": "css selector", "value": css }),
            );
            let last = match found {
                Ok(v) => match v[ELEMENT].as_str() {
                    Some(id) => {
                        return Element {
                            browser: self,
                            id: id.to_owned(),
                        }
                    }
                    None => v,
                },
                Err(e) => e,
            };
            assert!(
                start.elapsed() < WAIT,
                "no element {css:?} within {WAIT:?} on {} (last answer {last}):\n{}",
                self.url(),
                self.source()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Waits until the current URL satisfies `pred`; returns it.
    pub(crate) fn wait_url(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let url = self.url();
            if pred(&url) {
                return url;
            }
            assert!(
                start.elapsed() < WAIT,
                "the browser never reached {what}; it is on {url}:\n{}",
                self.source()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Waits until the text of the element at `css` contains `needle`;
    /// returns the text.
    pub(crate) fn wait_text(&self, css: &str, needle: &str) -> String {
        let start = Instant::now();
        loop {
            // The page may be replaced between finding the element and
            // reading it (a form just posted): a stale element is retried.
            let text = self.find(css).try_text().unwrap_or_default();
            if text.contains(needle) {
                return text;
            }
            assert!(
                start.elapsed() < WAIT,
                "{css:?} never said {needle:?}; it says {text:?}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Reloads the page until the element at `css` says `needle`
    /// (within `within`): for a state another service changes.
    pub(crate) fn reload_until(&self, css: &str, needle: &str, within: Duration) -> String {
        let start = Instant::now();
        loop {
            // The page may be replaced between finding the element and
            // reading it (a form just posted): a stale element is retried.
            let text = self.find(css).try_text().unwrap_or_default();
            if text.contains(needle) {
                return text;
            }
            assert!(
                start.elapsed() < within,
                "{css:?} never said {needle:?} within {within:?}; it says {text:?}"
            );
            std::thread::sleep(Duration::from_millis(500));
            self.cmd("POST", "/refresh", &json!({}));
        }
    }

    /// Resizes the window (CSS pixels), e.g. to a phone's 390 px width.
    pub(crate) fn resize(&self, width: u32, height: u32) {
        self.cmd(
            "POST",
            "/window/rect",
            &json!({ "width": width, "height": height }),
        );
    }

    /// Runs `script` (a function body, `return …` for a value) in the
    /// page; returns its value.
    pub(crate) fn eval(&self, script: &str) -> Value {
        self.cmd(
            "POST",
            "/execute/sync",
            &json!({ "script": script, "args": [] }),
        )
    }

    /// Saves a screenshot as `NN-name.png`; returns its path.
    pub(crate) fn shot(&mut self, name: &str) -> PathBuf {
        self.step += 1;
        let b64 = self.cmd("GET", "/screenshot", &Value::Null);
        let png = base64::engine::general_purpose::STANDARD
            .decode(b64.as_str().unwrap_or_default())
            .expect("a base64 screenshot");
        assert!(png.starts_with(b"\x89PNG"), "a PNG screenshot");
        let path = self.shots.join(format!("{:02}-{name}.png", self.step));
        std::fs::write(&path, png).expect("write the screenshot");
        path
    }

    /// Waits for a finished download named `name` in the download
    /// directory; returns its path.
    pub(crate) fn wait_download(&self, name: &str) -> PathBuf {
        let path = self.downloads.join(name);
        let start = Instant::now();
        loop {
            let partial = std::fs::read_dir(&self.downloads)
                .map(|d| {
                    d.filter_map(Result::ok)
                        .any(|e| e.file_name().to_string_lossy().ends_with(".crdownload"))
                })
                .unwrap_or(false);
            if path.is_file() && !partial {
                return path;
            }
            assert!(
                start.elapsed() < WAIT,
                "no download {name} within {WAIT:?} in {}",
                self.downloads.display()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = http(
                self.port,
                "DELETE",
                &format!("/session/{}", self.session),
                None,
            );
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// An element of the page.
pub(crate) struct Element<'a> {
    browser: &'a Browser,
    id: String,
}

impl Element<'_> {
    fn path(&self, what: &str) -> String {
        format!("/element/{}{what}", self.id)
    }

    /// Clicks it.
    pub(crate) fn click(&self) {
        self.browser.cmd("POST", &self.path("/click"), &json!({}));
    }

    /// Types `text` into it (for a file input: the file's path).
    pub(crate) fn send(&self, text: &str) {
        self.browser
            .cmd("POST", &self.path("/value"), &json!({ "text": text }));
    }

    /// Clears and types `text`.
    pub(crate) fn fill(&self, text: &str) {
        self.browser.cmd("POST", &self.path("/clear"), &json!({}));
        self.send(text);
    }

    /// Its rendered text.
    pub(crate) fn text(&self) -> String {
        self.browser
            .cmd("GET", &self.path("/text"), &Value::Null)
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Its rendered text, or `None` when the element went stale (the page
    /// was replaced meanwhile).
    pub(crate) fn try_text(&self) -> Option<String> {
        self.browser
            .try_cmd("GET", &self.path("/text"), &Value::Null)
            .ok()
            .map(|v| v.as_str().unwrap_or_default().to_owned())
    }

    /// An attribute's value.
    pub(crate) fn attr(&self, name: &str) -> Option<String> {
        self.browser
            .cmd(
                "GET",
                &self.path(&format!("/attribute/{name}")),
                &Value::Null,
            )
            .as_str()
            .map(str::to_owned)
    }
}
