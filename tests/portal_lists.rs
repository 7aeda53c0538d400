//! Lists that scale (issue 16), on SQLite and PostgreSQL: 61 Cần Thơ
//! subscribers with Vietnamese names and 610 certificates (made with
//! ca-core in-process, as a province's registry would hold them), then
//! the API and the pages over them — totals and pages beyond the 500 a
//! page may hold, sorting by whitelisted columns, unknown parameters
//! refused, an id filter matching nothing answered with nothing, search
//! ignoring case and Vietnamese diacritics (keys filled at start for rows
//! written without one), the requests list naming people — and the
//! portal's answers compressed with gzip while OCSP, CRLs and the chain
//! are not, with a cacheable, versioned stylesheet.

#[macro_use]
mod common;
mod portal;

use std::io::Read;
use std::process::Command;

use serde_json::{json, Value};

use ca_core::registry::{search_key, SubscriberInput, SubscriberKind};
use common::*;
use portal::*;

/// Subscribers seeded.
const PEOPLE: usize = 61;
/// Certificates per subscriber.
const EACH: usize = 10;

const FAMILIES: [&str; 16] = [
    "Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý",
];
const MIDDLES: [&str; 4] = ["Văn", "Thị", "Minh", "Ngọc"];
const GIVEN: [&str; 13] = [
    "Bình", "Cường", "Dũng", "Đào", "Giang", "Hương", "Khánh", "Lan", "Mai", "Nam", "Oanh", "Phúc",
    "Quân",
];

/// The seeded names: three the searches look for, then combinations.
fn names() -> Vec<String> {
    let mut out = vec![
        "Nguyễn Văn An".to_owned(),
        "Đặng Thị Đào".to_owned(),
        "Huỳnh Ngọc Ước".to_owned(),
    ];
    let mut i = 1;
    while out.len() < PEOPLE {
        out.push(format!(
            "{} {} {}",
            FAMILIES[i % 16],
            MIDDLES[i % 4],
            GIVEN[i % 13]
        ));
        i += 1;
    }
    out
}

/// The subscribers and their certificates, through ca-core (the server is
/// not running yet); then every search key is cleared, as rows written
/// before the key existed have none.
fn seed(env: &TestEnv) {
    let config = ca_core::config::CaConfig::load(
        env.data_dir(),
        Some(&env.database_url()),
        None,
        None,
        None,
        None,
    )
    .expect("the configuration");
    let ca = ca_core::Ca::open(config).expect("open the CA");
    let inputs: Vec<SubscriberInput> = names()
        .iter()
        .enumerate()
        .map(|(n, name)| SubscriberInput {
            kind: SubscriberKind::Individual,
            name: name.clone(),
            national_id: Some(format!("CCCD:09219{n:07}")),
            tax_code: None,
            title: Some("Chuyên viên".into()),
            unit: Some("Sở Khoa học và Công nghệ".into()),
            organization: None,
            locality: None,
            province: "Cần Thơ".into(),
            email: Some(format!("canbo{n}@cantho.gov.vn")),
            phone: None,
        })
        .collect();
    let ids: Vec<i64> = ca
        .add_subscribers(&inputs, "test-seed")
        .expect("the subscribers")
        .into_iter()
        .map(|r| r.id)
        .collect();
    let csrs: Vec<Vec<u8>> = (0..PEOPLE * EACH)
        .map(|_| {
            let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).expect("a key");
            rcgen::CertificateParams::default()
                .serialize_request(&key)
                .expect("a CSR")
                .der()
                .to_vec()
        })
        .collect();
    let reqs: Vec<ca_core::lifecycle::IssueRequest<'_>> = csrs
        .iter()
        .enumerate()
        .map(|(n, csr)| ca_core::lifecycle::IssueRequest {
            subscriber_id: ids[n % PEOPLE],
            profile: "individual",
            csr,
            issuer: Some(GOV_CA),
            token: None,
            days: Some(30 + u32::try_from(n).expect("small")),
            actor: "test-seed",
        })
        .collect();
    for chunk in reqs.chunks(305) {
        for issued in ca.issue_batch(chunk) {
            issued.expect("issued");
        }
    }
    drop(ca);
    assert_eq!(
        env.sql("UPDATE subscribers SET search_key = NULL"),
        PEOPLE,
        "every subscriber had a key"
    );
}

/// A GET with `Accept-Encoding: gzip` (or none): (status, lowercased
/// headers, the body bytes as sent).
fn raw_get(env: &TestEnv, server: &Server, path: &str, headers: &[&str]) -> (u16, String, Vec<u8>) {
    let body = env.path("raw-body");
    let head = env.path("raw-headers");
    // curl leaves the file alone when no body comes (a 304).
    let _ = std::fs::remove_file(&body);
    let mut cmd = Command::new("curl");
    cmd.args(["-s", "-m", "60", "-o"])
        .arg(&body)
        .arg("-D")
        .arg(&head)
        .args(["-w", "%{http_code}"]);
    for h in headers {
        cmd.args(["-H", h]);
    }
    let out = cmd.arg(server.url(path)).output().expect("curl");
    let status = String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .expect("a status");
    (
        status,
        std::fs::read_to_string(&head)
            .unwrap_or_default()
            .to_lowercase(),
        std::fs::read(&body).unwrap_or_default(),
    )
}

/// The bytes of a gzip member, decoded.
fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .expect("a gzip body");
    out
}

/// The value of header `name` (lowercased headers).
fn header<'a>(headers: &'a str, name: &str) -> Option<&'a str> {
    headers
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{name}:")))
        .map(str::trim)
}

/// The names of a subscribers answer.
fn listed_names(v: &Value) -> Vec<String> {
    v["subscribers"]
        .as_array()
        .expect("subscribers")
        .iter()
        .map(|s| s["name"].as_str().expect("a name").to_owned())
        .collect()
}

both_databases!(lists_page_sort_search_and_compress, |env| {
    let out = env.init_and_export();
    let all = accounts(&out);
    seed(env);
    let server = env.serve(&[]);
    // The start filled the keys the seed cleared.
    assert_eq!(
        env.query_i64("SELECT COUNT(*) AS n FROM subscribers WHERE search_key IS NULL"),
        0
    );
    let mut officer_account = account(&all, "officer");
    let officer = sign_in(&server, &mut officer_account);
    let get = |path: &str| api(&server, "GET", path, Some(&officer), None);

    // Totals and pages past the 500 a page may hold.
    let total = i64::try_from(PEOPLE * EACH).expect("small");
    let first = get("/api/v1/certificates").ok();
    assert_eq!(
        (
            &first["total"],
            &first["limit"],
            &first["page"],
            &first["pages"],
            &first["next"]
        ),
        (&json!(total), &json!(50), &json!(1), &json!(13), &json!(2)),
        "{}",
        first["total"]
    );
    assert_eq!(first["certificates"].as_array().map(Vec::len), Some(50));
    let p1 = get("/api/v1/certificates?limit=500").ok();
    let p2 = get("/api/v1/certificates?limit=500&page=2").ok();
    assert_eq!(p1["certificates"].as_array().map(Vec::len), Some(500));
    assert_eq!(
        p2["certificates"].as_array().map(Vec::len),
        Some(PEOPLE * EACH - 500)
    );
    assert_eq!(
        (p1["next"].clone(), p2["next"].clone()),
        (json!(2), Value::Null)
    );
    let mut serials: Vec<&str> = p1["certificates"]
        .as_array()
        .into_iter()
        .chain(p2["certificates"].as_array())
        .flatten()
        .map(|c| c["serial"].as_str().expect("a serial"))
        .collect();
    serials.sort_unstable();
    serials.dedup();
    assert_eq!(
        serials.len(),
        PEOPLE * EACH,
        "two pages, no overlap, none missing"
    );
    // A page beyond the end: empty, not an error, the total kept.
    let beyond = get("/api/v1/certificates?limit=500&page=3").ok();
    assert_eq!(beyond["certificates"], json!([]));
    assert_eq!(
        (&beyond["total"], &beyond["next"]),
        (&json!(total), &Value::Null)
    );
    let subs = get("/api/v1/subscribers?limit=500").ok();
    assert_eq!(subs["total"], json!(PEOPLE));

    // Sorting: by the folded name (Đặng among the D's), both ways; by
    // notAfter; ties and pages stay consistent.
    let asc = listed_names(&get("/api/v1/subscribers?sort=name&dir=asc&limit=500").ok());
    let mut expected: Vec<String> = names();
    expected.sort_by_key(|n| search_key(n));
    assert_eq!(
        asc.iter().map(|n| search_key(n)).collect::<Vec<_>>(),
        expected.iter().map(|n| search_key(n)).collect::<Vec<_>>()
    );
    let desc = listed_names(&get("/api/v1/subscribers?sort=name&dir=desc&limit=500").ok());
    let mut reversed = asc;
    reversed.reverse();
    assert_eq!(
        desc.iter().map(|n| search_key(n)).collect::<Vec<_>>(),
        reversed.iter().map(|n| search_key(n)).collect::<Vec<_>>()
    );
    let by_expiry = get("/api/v1/certificates?sort=not_after&dir=asc&limit=100").ok();
    let ends: Vec<&str> = by_expiry["certificates"]
        .as_array()
        .expect("certificates")
        .iter()
        .map(|c| c["not_after"].as_str().expect("not_after"))
        .collect();
    assert!(ends.windows(2).all(|w| w[0] <= w[1]), "{ends:?}");
    assert_eq!(
        (&by_expiry["sort"], &by_expiry["dir"]),
        (&json!("not_after"), &json!("asc"))
    );

    // Unknown parameters and out-of-range values are refused, naming
    // the parameter; an id matching nothing finds nothing.
    let r = get("/api/v1/certificates?subscriber=1");
    r.expect_error(400, "unknown_parameter");
    assert_eq!(r.json()["error"]["parameter"], json!("subscriber"));
    assert!(r.json()["error"]["message"]
        .as_str()
        .is_some_and(|m| m.contains("\"subscriber\"") && m.contains("subscriber_id")));
    get("/api/v1/subscribers?limit=501").expect_error(422, "invalid_limit");
    get("/api/v1/subscribers?sort=email").expect_error(422, "invalid_sort");
    get("/api/v1/requests?state=issued&state=failed").expect_error(400, "duplicate_parameter");
    let none = get("/api/v1/certificates?subscriber_id=999999").ok();
    assert_eq!(
        (&none["total"], &none["certificates"]),
        (&json!(0), &json!([]))
    );
    let an_id = get("/api/v1/subscribers?q=nguyen%20van%20an").ok()["subscribers"][0]["id"]
        .as_i64()
        .expect("Nguyễn Văn An");
    let ans = get(&format!(
        "/api/v1/certificates?subscriber_id={an_id}&limit=500"
    ))
    .ok();
    assert_eq!(ans["total"], json!(EACH));
    assert!(ans["certificates"]
        .as_array()
        .expect("certificates")
        .iter()
        .all(|c| c["subscriber_id"] == json!(an_id)));

    // Search ignoring case and diacritics, on subscribers, certificates
    // and tokens' holders alike.
    for (query, wanted) in [
        ("nguyen%20van%20an", "Nguyễn Văn An"),
        ("NGUYEN%20VAN%20AN", "Nguyễn Văn An"),
        ("huynh", "Huỳnh Ngọc Ước"),
        ("d", "Đặng Thị Đào"),
        ("dao", "Đặng Thị Đào"),
        ("%C4%90%E1%BA%B7ng", "Đặng Thị Đào"),
        ("uoc", "Huỳnh Ngọc Ước"),
    ] {
        let found = listed_names(&get(&format!("/api/v1/subscribers?q={query}&limit=500")).ok());
        assert!(found.iter().any(|n| n == wanted), "{query}: {found:?}");
        let plain = query.replace("%20", " ");
        let folded = search_key(&plain.replace("%C4%90%E1%BA%B7ng", "Đặng"));
        let expected = names()
            .iter()
            .filter(|n| search_key(n).contains(&folded))
            .count();
        assert_eq!(found.len(), expected, "{query}: {found:?}");
    }
    let certs = get("/api/v1/certificates?name=huynh%20ngoc&limit=500").ok();
    assert_eq!(certs["total"], json!(EACH), "{}", certs["total"]);
    assert!(certs["certificates"]
        .as_array()
        .expect("certificates")
        .iter()
        .all(|c| c["subscriber_name"] == json!("Huỳnh Ngọc Ước")));

    // The requests list names the person.
    let serial = ans["certificates"][0]["serial"].as_str().expect("a serial");
    submit_ok(
        &server,
        &officer,
        &json!({ "kind": "revoke", "serial": serial, "reason": "superseded" }),
    );
    let requests = get("/api/v1/requests").ok();
    assert_eq!(requests["total"], json!(1));
    assert_eq!(
        requests["requests"][0]["subscriber_name"],
        json!("Nguyễn Văn An")
    );

    // The pages: totals, "Trang x / y", sortable headers, the same
    // search, the same refusals in Vietnamese.
    let web = Browser::new(env, &server, "officer");
    web.sign_in(&mut officer_account);
    let page = web.page("/certificates");
    assert!(
        page.contains(&format!("Trang 1 / 13 · {total} kết quả")),
        "{page}"
    );
    assert!(
        page.contains(r#"href="/certificates?page=2" rel="next""#),
        "{page}"
    );
    assert!(page.contains(r#"href="/certificates?sort=not_after&amp;dir=asc""#));
    let page = web.page("/subscribers?q=huynh&sort=name&dir=desc");
    assert!(page.contains("Huỳnh Ngọc Ước"), "{page}");
    assert!(page.contains(r#"aria-sort="descending""#), "{page}");
    assert!(!page.contains("Nguyễn Văn An"), "{page}");
    let page = web.page("/requests");
    assert!(page.contains(&format!(
        r#"<a href="/subscribers/{an_id}">Nguyễn Văn An</a>"#
    )));
    let page = web.page("/subscribers?page=99");
    assert!(
        page.contains(&format!("Trang 99 / 2 · {PEOPLE} kết quả")),
        "{page}"
    );
    let refused = web.get("/subscribers?bogus=1");
    assert_eq!(refused.status, 400);
    assert!(
        refused.body.contains("Tham số “bogus” không được hỗ trợ"),
        "{}",
        refused.body
    );
    let refused = web.get("/tokens?limit=0");
    assert_eq!(refused.status, 422);
    assert!(
        refused.body.contains("phải là số nguyên từ 1 đến 500"),
        "{}",
        refused.body
    );

    // gzip: pages and API answers compressed when asked, identical once
    // decoded; `Vary: Accept-Encoding` either way.
    let cookie = format!("Cookie: {}", session_cookie(env, "officer"));
    let bearer = format!("Authorization: Bearer {officer}");
    for (path, auth) in [
        ("/certificates?limit=200", cookie.as_str()),
        ("/api/v1/certificates?limit=500", bearer.as_str()),
        ("/subscribers", cookie.as_str()),
    ] {
        let (s1, h1, plain) = raw_get(env, &server, path, &[auth]);
        let (s2, h2, packed) = raw_get(env, &server, path, &[auth, "Accept-Encoding: gzip"]);
        assert_eq!((s1, s2), (200, 200), "{path}");
        assert_eq!(header(&h1, "content-encoding"), None, "{path}: {h1}");
        assert_eq!(
            header(&h2, "content-encoding"),
            Some("gzip"),
            "{path}: {h2}"
        );
        assert!(header(&h2, "vary").is_some_and(|v| v.contains("accept-encoding")));
        assert!(header(&h1, "vary").is_some_and(|v| v.contains("accept-encoding")));
        assert!(
            packed.len() * 3 < plain.len(),
            "{path}: {} of {}",
            packed.len(),
            plain.len()
        );
        let decoded = gunzip(&packed);
        if path.starts_with("/api/") {
            let a: Value = serde_json::from_slice(&plain).expect("JSON");
            let b: Value = serde_json::from_slice(&decoded).expect("JSON");
            assert_eq!(a, b, "{path}");
        } else {
            // Pages carry a fresh CSRF-free body: the same HTML.
            assert_eq!(decoded, plain, "{path}");
        }
    }
    // A small answer is sent as it is.
    let (_, h, _) = raw_get(
        env,
        &server,
        "/api/v1/requests?state=rejected",
        &[&bearer, "Accept-Encoding: gzip"],
    );
    assert_eq!(header(&h, "content-encoding"), None, "{h}");
    // OCSP, CRLs and the chain are never compressed.
    for path in [
        "/crl/gov-ca.crl",
        "/ca/gov-ca-chain.pem",
        "/ca/trust.json",
        "/ca/",
    ] {
        let (status, h, _) = raw_get(env, &server, path, &["Accept-Encoding: gzip"]);
        assert_eq!(status, 200, "{path}");
        assert_eq!(header(&h, "content-encoding"), None, "{path}: {h}");
    }
    // The stylesheet: a versioned URL kept a year, an ETag answered 304.
    let page = web.page("/dashboard");
    let href = page
        .split(r#"<link rel="stylesheet" href=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the stylesheet link")
        .to_owned();
    assert!(href.starts_with("/static/style.css?v="), "{href}");
    let (status, h, css) = raw_get(env, &server, &href, &[]);
    assert_eq!(status, 200);
    assert_eq!(
        header(&h, "cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    assert!(String::from_utf8_lossy(&css).contains(".table-wrap"));
    let etag = header(&h, "etag").expect("an etag").to_owned();
    let (status, _, body) = raw_get(env, &server, &href, &[&format!("If-None-Match: {etag}")]);
    assert_eq!((status, body.len()), (304, 0));
    let (_, h, _) = raw_get(env, &server, "/static/style.css", &[]);
    assert_eq!(header(&h, "cache-control"), Some("public, max-age=3600"));
});

/// The `Cookie` header value of a browser's cookie jar `{name}.cookies`.
fn session_cookie(env: &TestEnv, name: &str) -> String {
    let jar = std::fs::read_to_string(env.path(&format!("{name}.cookies"))).expect("a jar");
    jar.lines()
        .filter(|l| !l.trim().is_empty() && (!l.starts_with('#') || l.starts_with("#HttpOnly_")))
        .filter_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f.len() >= 7).then(|| format!("{}={}", f[5], f[6]))
        })
        .collect::<Vec<_>>()
        .join("; ")
}
