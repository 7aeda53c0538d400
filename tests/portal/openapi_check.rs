//! Every answer of the JSON API that a test receives is checked against
//! the schema its operation declares in `openapi.json` (issue 16: an
//! honest API contract). The check is strict where a contract must be: an
//! operation or status the document does not list, a body that is not the
//! declared media type, a missing required property, a property the schema
//! does not declare (unless it says `additionalProperties`), a wrong type,
//! a value outside an `enum`, or a `date-time` without an offset all fail
//! the test that received the answer, naming the operation and the JSON
//! path.
//!
//! It reads the OpenAPI 3.0 subset the document uses: `$ref` to
//! `#/components/schemas` and `#/components/responses`, `type`,
//! `nullable`, `properties`, `required`, `additionalProperties`, `items`,
//! `enum`, `oneOf`, `allOf` (of object schemas), `format: date-time`, and response keys that are codes,
//! ranges (`4XX`) or `default`.

use std::sync::OnceLock;

use serde_json::Value;

/// The document the portal serves (the same file, compiled in).
const DOCUMENT: &str = include_str!("../../ra-portal/src/http/api/openapi.json");

/// The mount point of the API.
const BASE: &str = "/api/v1";

fn document() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| serde_json::from_str(DOCUMENT).expect("openapi.json is JSON"))
}

/// Checks one answer when `url` is an API URL; panics with every
/// disagreement found.
pub(crate) fn check(method: &str, url: &str, status: u16, headers: &str, body: &str) {
    let Some(path) = api_path(url) else { return };
    if let Some(dir) = std::env::var_os("GOVPKI_OPENAPI_RECORD") {
        record(
            std::path::Path::new(&dir),
            method,
            &path,
            status,
            headers,
            body,
        );
        return;
    }
    if let Err(problems) = check_answer(document(), method, &path, status, headers, body) {
        panic!(
            "{method} {BASE}{path} answered {status} outside its openapi.json contract:\n  {}\nbody: {}",
            problems.join("\n  "),
            truncate(body)
        );
    }
}

/// With `GOVPKI_OPENAPI_RECORD=DIR`, answers are appended to
/// `DIR/<pid>-<thread>.jsonl` instead of checked: the raw material for writing the
/// schemas of new operations (`bench/`-style tooling for maintainers; the
/// test suite itself always checks).
fn record(dir: &std::path::Path, method: &str, path: &str, status: u16, headers: &str, body: &str) {
    use std::io::Write;
    let line = serde_json::json!({
        "method": method,
        "path": path,
        "template": find_path(document(), path).map(|(t, _)| t),
        "status": status,
        "content_type": content_type(headers),
        "body": body,
    });
    // One file per thread: lines of concurrent tests never interleave.
    let file = dir.join(format!(
        "{}-{:?}.jsonl",
        std::process::id(),
        std::thread::current().id()
    ));
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&file)
        .expect("open the record file");
    writeln!(f, "{line}").expect("append to the record file");
}

/// The path after `/api/v1`, without the query string, when `url` is one
/// of the API's.
pub(crate) fn api_path(url: &str) -> Option<String> {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = &after_scheme[after_scheme.find('/')?..];
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let rest = path.strip_prefix(BASE)?;
    (rest.is_empty() || rest.starts_with('/')).then(|| rest.to_owned())
}

fn truncate(body: &str) -> String {
    let mut s: String = body.chars().take(600).collect();
    if s.len() < body.len() {
        s.push('…');
    }
    s
}

/// The check of one answer against `doc`.
pub(crate) fn check_answer(
    doc: &Value,
    method: &str,
    path: &str,
    status: u16,
    headers: &str,
    body: &str,
) -> Result<(), Vec<String>> {
    if status == 0 {
        // No HTTP answer at all (a refused TLS handshake): nothing to check.
        return Ok(());
    }
    let Some((template, item)) = find_path(doc, path) else {
        // Unknown paths are answered 404 unknown_path (401 first without
        // credentials) with the error body.
        if (400..500).contains(&status) {
            return check_error_body(doc, body);
        }
        return Err(vec![format!("no path of openapi.json matches {path}")]);
    };
    let Some(operation) = item.get(method.to_ascii_lowercase()) else {
        // A method the path does not serve: a 4xx with the error body.
        if (400..500).contains(&status) {
            return check_error_body(doc, body);
        }
        return Err(vec![format!(
            "{template} declares no {method} operation (answered {status})"
        )]);
    };
    let Some(response) = find_response(doc, operation, status) else {
        return Err(vec![format!(
            "{method} {template} declares no response for status {status}"
        )]);
    };
    let Some(content) = response.get("content").and_then(Value::as_object) else {
        if body.trim().is_empty() {
            return Ok(());
        }
        return Err(vec![format!(
            "{method} {template} {status} declares no body, but one came"
        )]);
    };
    let media = content_type(headers);
    // Declared media types may carry parameters (`text/csv; charset=utf-8`).
    let declared = content.iter().find_map(|(k, v)| {
        let k = k
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        (k == media).then_some(v)
    });
    let Some(declared) = declared else {
        return Err(vec![format!(
            "{method} {template} {status} answered {media:?}, declared {:?}",
            content.keys().collect::<Vec<_>>()
        )]);
    };
    let Some(schema) = declared.get("schema") else {
        return Err(vec![format!(
            "{method} {template} {status} {media} has no schema"
        )]);
    };
    if media != "application/json" {
        // Text and binary bodies: the media type is the contract.
        return Ok(());
    }
    let value: Value =
        serde_json::from_str(body).map_err(|e| vec![format!("the body is not JSON ({e})")])?;
    let mut problems = Vec::new();
    validate(doc, schema, &value, "$", &mut problems);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

fn check_error_body(doc: &Value, body: &str) -> Result<(), Vec<String>> {
    let value: Value = serde_json::from_str(body)
        .map_err(|e| vec![format!("the error body is not JSON ({e})")])?;
    let schema = serde_json::json!({ "$ref": "#/components/schemas/Error" });
    let mut problems = Vec::new();
    validate(doc, &schema, &value, "$", &mut problems);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// The lowercased media type of the `content-type` header, without
/// parameters.
fn content_type(headers: &str) -> String {
    headers
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix("content-type:"))
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .unwrap_or_default()
}

/// The path item whose template matches `path` (`{name}` matches one
/// segment; literal segments win over parameters, so
/// `/certificates/{serial}.pem` and `/certificates/{serial}` both work).
fn find_path<'a>(doc: &'a Value, path: &str) -> Option<(&'a str, &'a Value)> {
    let paths = doc.get("paths")?.as_object()?;
    let mut best: Option<(usize, &str, &Value)> = None;
    for (template, item) in paths {
        if let Some(literal) = matches_template(template, path) {
            if best.is_none_or(|(b, _, _)| literal > b) {
                best = Some((literal, template, item));
            }
        }
    }
    best.map(|(_, t, i)| (t, i))
}

/// When `path` matches `template`, the count of literal characters
/// matched (to prefer the most specific template).
fn matches_template(template: &str, path: &str) -> Option<usize> {
    let t: Vec<&str> = template.split('/').collect();
    let p: Vec<&str> = path.split('/').collect();
    if t.len() != p.len() {
        return None;
    }
    let mut literal = 0;
    for (ts, ps) in t.iter().zip(&p) {
        literal += segment_matches(ts, ps)?;
    }
    Some(literal)
}

/// `{x}` matches a non-empty segment, `{x}.pem` a segment ending `.pem`
/// (longer than the suffix), anything else itself.
fn segment_matches(template: &str, segment: &str) -> Option<usize> {
    match (template.find('{'), template.find('}')) {
        (Some(open), Some(close)) if open < close => {
            let (prefix, suffix) = (&template[..open], &template[close + 1..]);
            let ok = segment.len() > prefix.len() + suffix.len()
                && segment.starts_with(prefix)
                && segment.ends_with(suffix);
            ok.then_some(prefix.len() + suffix.len())
        }
        _ => (template == segment).then_some(template.len()),
    }
}

/// The response declared for `status`: the code itself, then its range
/// (`4XX`), then `default`, with `$ref` followed.
fn find_response<'a>(doc: &'a Value, operation: &'a Value, status: u16) -> Option<&'a Value> {
    let responses = operation.get("responses")?;
    let range = format!("{}XX", status / 100);
    let r = responses
        .get(status.to_string())
        .or_else(|| responses.get(&range))
        .or_else(|| responses.get("default"))?;
    Some(resolve(doc, r))
}

/// Follows `$ref` (local references only).
fn resolve<'a>(doc: &'a Value, mut v: &'a Value) -> &'a Value {
    for _ in 0..16 {
        let Some(r) = v.get("$ref").and_then(Value::as_str) else {
            return v;
        };
        let Some(pointer) = r.strip_prefix('#') else {
            return v;
        };
        match doc.pointer(pointer) {
            Some(target) => v = target,
            None => return v,
        }
    }
    v
}

/// Checks `value` against `schema`, adding each disagreement (with its
/// JSON path) to `problems`.
fn validate(doc: &Value, schema: &Value, value: &Value, at: &str, problems: &mut Vec<String>) {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let resolved = resolve(doc, schema);
        if std::ptr::eq(resolved, schema) {
            problems.push(format!("{at}: unresolvable $ref {r}"));
            return;
        }
        return validate(doc, resolved, value, at, problems);
    }
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        return validate(doc, &merge_all_of(doc, parts), value, at, problems);
    }
    if value.is_null() && schema.get("nullable") == Some(&Value::Bool(true)) {
        return;
    }
    if let Some(options) = schema.get("oneOf").and_then(Value::as_array) {
        let matching = options
            .iter()
            .filter(|o| {
                let mut p = Vec::new();
                validate(doc, o, value, at, &mut p);
                p.is_empty()
            })
            .count();
        if matching != 1 {
            problems.push(format!(
                "{at}: matches {matching} of the {} oneOf schemas (exactly one expected)",
                options.len()
            ));
        }
        return;
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
        if !allowed.contains(value) {
            problems.push(format!("{at}: {value} is not one of {allowed:?}"));
        }
    }
    let Some(ty) = schema.get("type").and_then(Value::as_str) else {
        // No type: anything (a free-form value, e.g. audit details).
        return;
    };
    let type_ok = match ty {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        other => {
            problems.push(format!("{at}: the schema has an unknown type {other:?}"));
            return;
        }
    };
    if !type_ok {
        problems.push(format!("{at}: expected {ty}, got {}", short(value)));
        return;
    }
    match value {
        Value::String(s)
            if schema.get("format").and_then(Value::as_str) == Some("date-time")
                && chrono::DateTime::parse_from_rfc3339(s).is_err() =>
        {
            problems.push(format!(
                "{at}: {s:?} is not an RFC 3339 date-time with an offset"
            ));
        }
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for (i, item) in items.iter().enumerate() {
                    validate(doc, item_schema, item, &format!("{at}[{i}]"), problems);
                }
            }
        }
        Value::Object(map) => {
            let properties = schema.get("properties").and_then(Value::as_object);
            if let Some(required) = schema.get("required").and_then(Value::as_array) {
                for name in required.iter().filter_map(Value::as_str) {
                    if !map.contains_key(name) {
                        problems.push(format!("{at}: the required property {name:?} is missing"));
                    }
                }
            }
            let additional = schema.get("additionalProperties");
            for (name, v) in map {
                let path = format!("{at}.{name}");
                match properties.and_then(|p| p.get(name)) {
                    Some(s) => validate(doc, s, v, &path, problems),
                    None => match additional {
                        Some(Value::Bool(true)) => {}
                        Some(s @ Value::Object(_)) => validate(doc, s, v, &path, problems),
                        _ => {
                            problems.push(format!("{path}: a property the schema does not declare"))
                        }
                    },
                }
            }
        }
        _ => {}
    }
}

/// One object schema holding every part's properties and required names
/// (the parts of an `allOf` extend one another: a property declared by any
/// part is declared).
fn merge_all_of(doc: &Value, parts: &[Value]) -> Value {
    let mut properties = serde_json::Map::new();
    let mut required = Vec::new();
    for part in parts {
        let part = resolve(doc, part);
        if let Some(p) = part.get("properties").and_then(Value::as_object) {
            properties.extend(p.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        if let Some(r) = part.get("required").and_then(Value::as_array) {
            required.extend(r.iter().cloned());
        }
    }
    serde_json::json!({ "type": "object", "properties": properties, "required": required })
}

fn short(value: &Value) -> String {
    let s = value.to_string();
    if s.chars().count() > 80 {
        format!("{}…", s.chars().take(80).collect::<String>())
    } else {
        s
    }
}
