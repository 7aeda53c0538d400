//! The trust chain under `/ca/` through Rocket's local client, over a real
//! CA on SQLite and on PostgreSQL: every download is checked with the real
//! `openssl` (parse, fingerprint, path verification, PKCS#7), `trust.json`
//! against openssl's view of the certificates, the Vietnamese page, and
//! every refusal (unknown issuer, path tricks, database failure) as JSON.

mod trust_support;

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use rocket::http::{Header, Status};
use rocket::local::blocking::Client;
use serde_json::Value;
use trust_support::{openssl, openssl_ok, TestCa, PARTY_NAME, PUBLIC_URL};

#[test]
fn downloads_listing_and_page_on_sqlite() {
    downloads_listing_and_page(&TestCa::sqlite());
}

#[test]
fn downloads_listing_and_page_on_postgres() {
    downloads_listing_and_page(&TestCa::postgres());
}

#[test]
fn refusals_on_sqlite() {
    refusals(&TestCa::sqlite());
}

#[test]
fn refusals_on_postgres() {
    refusals(&TestCa::postgres());
}

fn downloads_listing_and_page(t: &TestCa) {
    let client = t.client();
    let fingerprints = downloads(t, &client);
    listing(t, &client, &fingerprints);
    page(&client, &fingerprints);
}

/// Checks every download of every published issuer with openssl; returns
/// openssl's SHA-256 fingerprint of each certificate.
fn downloads(t: &TestCa, client: &Client) -> HashMap<&'static str, String> {
    let dir = &t.work;
    let mut fingerprints = HashMap::new();
    for id in ["root", "gov-ca", "party-ca"] {
        let crt = get(client, &format!("/ca/{id}.crt"));
        crt.expect(Status::Ok, "application/pkix-cert");
        assert_eq!(crt.header("cache-control"), "public, max-age=3600");
        assert!(crt.header("etag").starts_with('"'), "ETag: {crt:?}");
        let crt_path = t.file(&format!("{id}.crt"), &crt.body);
        let crt_path = crt_path.to_str().expect("UTF-8 path");
        let printed = openssl_ok(
            dir,
            &[
                "x509",
                "-inform",
                "DER",
                "-in",
                crt_path,
                "-noout",
                "-fingerprint",
                "-sha256",
            ],
        );
        let fingerprint = printed
            .trim()
            .split_once('=')
            .map(|(_, f)| f.to_owned())
            .expect("openssl prints NAME=FINGERPRINT");
        fingerprints.insert(id, fingerprint);

        // The same certificate as PEM, byte for byte what openssl makes.
        let pem = get(client, &format!("/ca/{id}.pem"));
        pem.expect(Status::Ok, "application/x-pem-file");
        let converted = openssl_ok(dir, &["x509", "-inform", "DER", "-in", crt_path]);
        assert_eq!(pem.text(), converted, "{id}.pem");
        t.file(&format!("{id}.pem"), &pem.body);

        // The chain, issuer first, and the same certificates as PKCS#7.
        let chain = get(client, &format!("/ca/{id}-chain.pem"));
        chain.expect(Status::Ok, "application/x-pem-file");
        let expected_len = if id == "root" { 1 } else { 2 };
        assert_eq!(
            chain.text().matches("BEGIN CERTIFICATE").count(),
            expected_len
        );
        assert!(
            chain.text().starts_with(&pem.text()),
            "{id}-chain.pem starts with {id}"
        );
        t.file(&format!("{id}-chain.pem"), &chain.body);
        let p7c = get(client, &format!("/ca/{id}.p7c"));
        p7c.expect(Status::Ok, "application/pkcs7-mime");
        let p7c_path = t.file(&format!("{id}.p7c"), &p7c.body);
        let listed = openssl_ok(
            dir,
            &[
                "pkcs7",
                "-inform",
                "DER",
                "-in",
                p7c_path.to_str().expect("path"),
                "-print_certs",
            ],
        );
        assert_eq!(listed.matches("BEGIN CERTIFICATE").count(), expected_len);
        for cert in split_pem(&chain.text()) {
            assert!(
                listed.contains(&cert),
                "{id}.p7c holds every certificate of the chain"
            );
        }
    }

    // Path validation as a verifier does it: the root as the only anchor,
    // the rest from the chain file (or from the .p7c).
    openssl_ok(
        dir,
        &[
            "verify",
            "-CAfile",
            "root.pem",
            "-untrusted",
            "gov-ca-chain.pem",
            "gov-ca.pem",
        ],
    );
    openssl_ok(
        dir,
        &[
            "verify",
            "-CAfile",
            "root.pem",
            "-untrusted",
            "party-ca-chain.pem",
            "party-ca.pem",
        ],
    );
    t.file("leaf.pem", t.leaf_pem.as_bytes());
    let verified = openssl_ok(
        dir,
        &[
            "verify",
            "-CAfile",
            "root.pem",
            "-untrusted",
            "gov-ca-chain.pem",
            "leaf.pem",
        ],
    );
    assert!(verified.contains("leaf.pem: OK"), "{verified}");
    let (alone, _) = openssl(dir, &["verify", "-CAfile", "root.pem", "leaf.pem"]);
    assert!(!alone, "without the intermediate the leaf does not verify");
    let from_p7c = openssl_ok(
        dir,
        &[
            "pkcs7",
            "-inform",
            "DER",
            "-in",
            "gov-ca.p7c",
            "-print_certs",
        ],
    );
    t.file("gov-ca-p7c.pem", from_p7c.as_bytes());
    openssl_ok(
        dir,
        &[
            "verify",
            "-CAfile",
            "root.pem",
            "-untrusted",
            "gov-ca-p7c.pem",
            "leaf.pem",
        ],
    );

    // The caIssuers URL written in the leaf answers with its issuer.
    let aia = openssl_ok(
        dir,
        &[
            "x509",
            "-in",
            "leaf.pem",
            "-noout",
            "-ext",
            "authorityInfoAccess",
        ],
    );
    let ca_issuers = aia
        .lines()
        .find_map(|l| l.trim().strip_prefix("CA Issuers - URI:"))
        .expect("the leaf has an AIA caIssuers URL");
    assert_eq!(ca_issuers, format!("{PUBLIC_URL}/ca/gov-ca.crt"));
    let fetched = get(client, ca_issuers.trim_start_matches(PUBLIC_URL));
    assert_eq!(
        fetched.body,
        std::fs::read(dir.join("gov-ca.crt")).expect("gov-ca.crt")
    );

    // A client holding the current version gets 304 without a body.
    let first = get(client, "/ca/gov-ca.p7c");
    let etag = first.header("etag");
    let again = client
        .get("/ca/gov-ca.p7c")
        .header(Header::new("If-None-Match", etag.clone()))
        .dispatch();
    assert_eq!(again.status(), Status::NotModified);
    assert_eq!(again.headers().get_one("ETag"), Some(etag.as_str()));
    assert!(again.into_bytes().unwrap_or_default().is_empty());
    fingerprints
}

/// `trust.json` says what openssl sees, and where everything is.
fn listing(t: &TestCa, client: &Client, fingerprints: &HashMap<&'static str, String>) {
    let got = get(client, "/ca/trust.json");
    got.expect(Status::Ok, "application/json");
    let doc: Value = serde_json::from_slice(&got.body).expect("trust.json is JSON");
    assert_eq!(doc["public_url"], PUBLIC_URL);
    let issuers = doc["issuers"].as_array().expect("issuers array");
    let ids: Vec<&str> = issuers.iter().filter_map(|i| i["id"].as_str()).collect();
    assert_eq!(
        ids,
        ["root", "gov-ca", "party-ca", "ext-ca"],
        "each issuer after its parent"
    );
    assert_eq!(
        got.header("etag"),
        get(client, "/ca/trust.json").header("etag")
    );
    let by_id = |id: &str| -> &Value {
        issuers
            .iter()
            .find(|i| i["id"] == id)
            .unwrap_or_else(|| panic!("{id} in trust.json"))
    };
    for (id, fingerprint) in fingerprints {
        let entry = by_id(id);
        assert_eq!(entry["fingerprint_sha256"], fingerprint.as_str(), "{id}");
        assert_eq!(
            entry["fingerprint_sha256_hex"],
            fingerprint.replace(':', "").to_lowercase(),
            "{id}"
        );
        assert_eq!(entry["status"], "active");
        assert_eq!(entry["key"], "p256");
        let crt = t.work.join(format!("{id}.crt"));
        let dates = openssl_ok(
            &t.work,
            &[
                "x509",
                "-inform",
                "DER",
                "-in",
                crt.to_str().expect("path"),
                "-noout",
                "-dates",
            ],
        );
        for (field, prefix) in [("not_before", "notBefore="), ("not_after", "notAfter=")] {
            let from_openssl = dates
                .lines()
                .find_map(|l| l.strip_prefix(prefix))
                .map(openssl_time)
                .expect("openssl prints the dates");
            let listed = entry[field].as_str().expect("an RFC 3339 time");
            let listed = DateTime::parse_from_rfc3339(listed).expect("RFC 3339");
            assert_eq!(listed, from_openssl, "{id} {field}");
        }
        assert_eq!(entry["ca_issuers_url"], format!("{PUBLIC_URL}/ca/{id}.crt"));
        assert_eq!(entry["ocsp_url"], format!("{PUBLIC_URL}/ocsp"));
        assert_eq!(
            entry["chain_url"],
            format!("{PUBLIC_URL}/ca/{id}-chain.pem")
        );
    }
    let root = by_id("root");
    assert_eq!(root["parent"], Value::Null);
    assert_eq!(root["crl_url"], format!("{PUBLIC_URL}/crl/root.crl"));
    let gov = by_id("gov-ca");
    assert_eq!(gov["parent"], "root");
    assert_eq!(gov["crl_url"], format!("{PUBLIC_URL}/crl/gov-ca.crl"));
    assert!(gov["subject"]
        .as_str()
        .is_some_and(|s| s.contains("CA phục vụ các cơ quan Nhà nước")));
    // The CRL distribution point in the leaf is the one listed.
    let cdp = openssl_ok(
        &t.work,
        &[
            "x509",
            "-in",
            "leaf.pem",
            "-noout",
            "-ext",
            "crlDistributionPoints",
        ],
    );
    assert!(
        cdp.contains(gov["crl_url"].as_str().expect("crl_url")),
        "{cdp}"
    );
    let party = by_id("party-ca");
    assert_eq!(party["parent"], "root");
    assert_eq!(party["common_name"], PARTY_NAME);
    assert_eq!(party["crl_shards"], 4);
    assert_eq!(party["crl_url"], Value::Null, "sharded: one URL per shard");
    assert_eq!(
        party["crl_urls"][0],
        format!("{PUBLIC_URL}/crl/party-ca/0.crl")
    );
    assert_eq!(party["crl_urls"].as_array().map(Vec::len), Some(4));
    let ext = by_id("ext-ca");
    assert_eq!(ext["status"], "awaiting-certificate");
    assert_eq!(ext["fingerprint_sha256"], Value::Null);
    assert_eq!(ext["ca_issuers_url"], Value::Null);
    let text = got.text();
    assert!(!text.contains("key_ref") && !text.contains("passphrase"));
}

/// The Vietnamese page: headings, the tree, every fingerprint, escaping.
fn page(client: &Client, fingerprints: &HashMap<&'static str, String>) {
    let got = get(client, "/ca/");
    got.expect(Status::Ok, "text/html; charset=utf-8");
    let again = get(client, "/ca");
    assert_eq!(again.body, got.body, "/ca and /ca/ are the same page");
    assert_eq!(again.header("etag"), got.header("etag"), "a stable ETag");
    let html = got.text();
    for needed in [
        "<html lang=\"vi\">",
        "<meta charset=\"utf-8\">",
        "Chuỗi chứng thư số tin cậy",
        "Dấu vân tay SHA-256",
        "Danh sách chứng thư số bị thu hồi (CRL)",
        "Dịch vụ kiểm tra trạng thái trực tuyến (OCSP)",
        "Hiệu lực từ",
        "Root CA chuyên dùng Chính phủ (demo)",
        "Đang chờ chứng thư số",
        "href=\"/ca/gov-ca.crt\"",
        "href=\"/ca/gov-ca-chain.pem\"",
        "href=\"/ca/party-ca.p7c\"",
        "href=\"/ca/trust.json\"",
        "http://pki.example.gov.vn/crl/gov-ca.crl",
        "http://pki.example.gov.vn/ocsp",
        "CA phục vụ các cơ quan Đảng &lt;thử&gt; &amp; &quot;kiểm tra&quot;",
    ] {
        assert!(html.contains(needed), "the page shows {needed:?}");
    }
    for fingerprint in fingerprints.values() {
        assert!(
            html.contains(fingerprint.as_str()),
            "the page shows {fingerprint}"
        );
    }
    assert!(!html.contains("<thử>"), "values are escaped");
    assert!(!html.contains("<script"), "no script");
    // The sub-CAs sit in a list nested under the root.
    let root = html.find("id=\"ca-root\"").expect("root article");
    let gov = html.find("id=\"ca-gov-ca\"").expect("gov-ca article");
    assert!(root < gov && html[root..gov].contains("<ul class=\"tree\">"));
}

fn refusals(t: &TestCa) {
    let client = t.client();
    let long = format!("/ca/{}.crt", "a".repeat(5000));
    let cases: Vec<&str> = vec![
        "/ca/nope.crt",
        "/ca/nope-chain.pem",
        "/ca/ext-ca.crt",
        "/ca/ext-ca.pem",
        "/ca/ext-ca-chain.pem",
        "/ca/ext-ca.p7c",
        "/ca/root.der",
        "/ca/root.CRT",
        "/ca/ROOT.crt",
        "/ca/root",
        "/ca/.crt",
        "/ca/-chain.pem",
        "/ca/trust.crt",
        "/ca/trust.json.crt",
        "/ca/root.crt.exe",
        "/ca/root.crt%00",
        "/ca/g%E1%BB%91c.crt",
        "/ca/%FF%FE.crt",
        "/ca/..%2Froot.crt",
        "/ca/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/ca/root%2Fcrt",
        "/ca/root.crt/x",
        "/ca/a/b/c",
        "/ca/../../etc/passwd",
        &long,
    ];
    for path in cases {
        let got = get(&client, path);
        assert!(
            got.status == Status::NotFound || got.status == Status::BadRequest,
            "{path}: {got:?}"
        );
        let body: Value = serde_json::from_slice(&got.body)
            .unwrap_or_else(|e| panic!("{path}: a JSON body ({e}): {got:?}"));
        let code = body["error"].as_str().unwrap_or_default();
        assert!(
            code == "unknown_issuer" || code == "not_found",
            "{path}: {body}"
        );
        assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    let awaiting = get(&client, "/ca/ext-ca.crt");
    let body: Value = serde_json::from_slice(&awaiting.body).expect("JSON");
    assert_eq!(body["error"], "unknown_issuer");
    assert!(body["message"]
        .as_str()
        .is_some_and(|m| m.contains("ext-ca")));
    let unknown: Value = serde_json::from_slice(&get(&client, "/ca/nope.crt").body).expect("JSON");
    assert!(unknown["message"]
        .as_str()
        .is_some_and(|m| m.contains("trust.json")));

    // The database fails: 503 with a JSON body that says nothing inside.
    t.sql("ALTER TABLE issuers RENAME TO issuers_moved_away");
    for path in [
        "/ca/root.crt",
        "/ca/gov-ca-chain.pem",
        "/ca/trust.json",
        "/ca/",
    ] {
        let got = get(&client, path);
        assert_eq!(got.status, Status::ServiceUnavailable, "{path}: {got:?}");
        assert_eq!(got.header("content-type"), "application/json");
        assert_eq!(got.header("retry-after"), "30");
        let body: Value = serde_json::from_slice(&got.body).expect("JSON");
        assert_eq!(body["error"], "unavailable");
        let text = got.text();
        for secret in [
            "issuers_moved_away",
            "relation",
            "no such table",
            "postgres",
            "sqlite",
        ] {
            assert!(!text.contains(secret), "{path}: {text}");
        }
    }
    // A name that cannot be an issuer is refused without the database.
    assert_eq!(get(&client, "/ca/root.der").status, Status::NotFound);
    t.sql("ALTER TABLE issuers_moved_away RENAME TO issuers");
    get(&client, "/ca/root.crt").expect(Status::Ok, "application/pkix-cert");
}

/// A response, read whole.
struct Got {
    status: Status,
    headers: HashMap<String, String>,
    body: Vec<u8>,
}

impl Got {
    fn expect(&self, status: Status, content_type: &str) {
        assert_eq!(self.status, status, "{self:?}");
        assert_eq!(self.header("content-type"), content_type, "{self:?}");
    }

    fn header(&self, name: &str) -> String {
        self.headers.get(name).cloned().unwrap_or_default()
    }

    fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("a UTF-8 body")
    }
}

impl std::fmt::Debug for Got {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let body = String::from_utf8_lossy(&self.body);
        let shown: String = body.chars().take(400).collect();
        write!(f, "{} {:?} {shown}", self.status, self.headers)
    }
}

fn get(client: &Client, path: &str) -> Got {
    let response = client.get(path.to_owned()).dispatch();
    let status = response.status();
    let headers = response
        .headers()
        .iter()
        .map(|h| (h.name().as_str().to_ascii_lowercase(), h.value().to_owned()))
        .collect();
    let body = response.into_bytes().unwrap_or_default();
    Got {
        status,
        headers,
        body,
    }
}

/// The PEM blocks of a bundle.
fn split_pem(bundle: &str) -> Vec<String> {
    bundle
        .split_inclusive("-----END CERTIFICATE-----\n")
        .filter(|b| b.contains("BEGIN CERTIFICATE"))
        .map(str::to_owned)
        .collect()
}

/// `Nov 25 20:28:19 2046 GMT`, as `openssl x509 -dates` prints it.
fn openssl_time(s: &str) -> DateTime<Utc> {
    let squeezed = s.split_whitespace().collect::<Vec<_>>().join(" ");
    NaiveDateTime::parse_from_str(&squeezed, "%b %d %H:%M:%S %Y GMT")
        .unwrap_or_else(|e| panic!("{s:?}: {e}"))
        .and_utc()
}
