//! Paged, sorted lists as the API and the pages ask for them: the query
//! string of a list (`?q=…&sort=name&dir=asc&page=2&limit=50`) read against
//! the list's own [`ListSpec`] — the filters it knows and the columns it
//! sorts by, nothing else — and the paging facts every answer carries
//! ([`PageInfo`]: `total`, `limit`, `page`, `pages`, `next`).
//!
//! A parameter the list does not know is refused (`400 unknown_parameter`,
//! naming it), never ignored: an ignored filter would answer with rows the
//! caller did not ask for. The query is bounded before it is looked at
//! ([`MAX_QUERY_BYTES`], [`MAX_PARAMETERS`], [`MAX_VALUE_CHARS`]).

use ca_core::views::lists::{Direction, Window};

use crate::error::PortalError;
pub use crate::error::QueryProblem;

/// Rows per page unless `limit` says otherwise.
pub const DEFAULT_LIMIT: i64 = 50;
/// The largest `limit`.
pub const MAX_LIMIT: i64 = 500;
/// The largest `page`.
pub const MAX_PAGE: i64 = 1_000_000;
/// The longest query string read (bytes, still percent-encoded).
pub const MAX_QUERY_BYTES: usize = 4096;
/// The most parameters in one query string.
pub const MAX_PARAMETERS: usize = 32;
/// The longest value of one parameter (characters, decoded).
pub const MAX_VALUE_CHARS: usize = 256;

/// A page of a list as JSON rows, and its paging facts.
pub type Listed = (Vec<serde_json::Value>, PageInfo);

/// The parameters every list takes besides its filters.
pub const PAGING: [&str; 4] = ["page", "limit", "sort", "dir"];

/// What one list accepts.
#[derive(Debug, Clone, Copy)]
pub struct ListSpec {
    /// The filters, by name.
    pub filters: &'static [&'static str],
    /// The columns it sorts by (`?sort=`), the default first.
    pub sorts: &'static [&'static str],
    /// The direction of the default sort.
    pub default_dir: Direction,
}

/// A list's query string, checked against its [`ListSpec`].
#[derive(Debug, Clone)]
pub struct ListQuery {
    /// The page, from 1.
    pub page: i64,
    /// Rows per page, 1–[`MAX_LIMIT`].
    pub limit: i64,
    /// The column sorted by (one of the spec's).
    pub sort: &'static str,
    /// Ascending or descending.
    pub dir: Direction,
    spec: ListSpec,
    /// The filters given (non-empty), in the spec's order.
    filters: Vec<(&'static str, String)>,
    /// Whether `limit`, `sort`, `dir` were given (kept in links).
    limit_given: bool,
    sort_given: bool,
}

/// The paging facts of an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct PageInfo {
    /// Rows matching the filters, on every page.
    pub total: i64,
    /// Rows per page.
    pub limit: i64,
    /// This page, from 1.
    pub page: i64,
    /// How many pages there are (at least 1).
    pub pages: i64,
    /// The next page, `None` on the last one (or beyond it).
    pub next: Option<i64>,
}

impl ListQuery {
    /// Reads `raw` (the query string after `?`, percent-encoded) against
    /// `spec`. Empty values count as absent (a form's blank fields).
    pub fn parse(raw: Option<&str>, spec: ListSpec) -> Result<Self, PortalError> {
        let raw = raw.unwrap_or_default();
        if raw.len() > MAX_QUERY_BYTES {
            return Err(problem(
                400,
                "query_too_long",
                "",
                format!("the query string is longer than {MAX_QUERY_BYTES} bytes"),
                format!("Địa chỉ trang quá dài (tối đa {MAX_QUERY_BYTES} byte sau dấu “?”)."),
            ));
        }
        let mut seen: Vec<(&'static str, String)> = Vec::new();
        for (i, pair) in raw.split('&').filter(|p| !p.is_empty()).enumerate() {
            if i >= MAX_PARAMETERS {
                return Err(problem(
                    400,
                    "too_many_parameters",
                    "",
                    format!("the query string has more than {MAX_PARAMETERS} parameters"),
                    format!("Địa chỉ trang có quá {MAX_PARAMETERS} tham số."),
                ));
            }
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let key = decode(k)?;
            let Some(name) = known(&key, spec) else {
                return Err(unknown(&key, spec));
            };
            if seen.iter().any(|(n, _)| *n == name) {
                return Err(problem(
                    400,
                    "duplicate_parameter",
                    name,
                    format!("the query parameter {name:?} is given twice"),
                    format!("Tham số “{name}” xuất hiện hai lần trong địa chỉ trang."),
                ));
            }
            let value = decode(v)?;
            if value.chars().count() > MAX_VALUE_CHARS {
                return Err(problem(
                    422,
                    "value_too_long",
                    name,
                    format!("the value of {name:?} is longer than {MAX_VALUE_CHARS} characters"),
                    format!("Giá trị của “{name}” dài quá {MAX_VALUE_CHARS} ký tự."),
                ));
            }
            seen.push((name, value.trim().to_owned()));
        }
        let get = |name: &str| {
            seen.iter()
                .find(|(n, v)| *n == name && !v.is_empty())
                .map(|(_, v)| v.as_str())
        };
        let limit = match get("limit") {
            None => DEFAULT_LIMIT,
            Some(v) => number(v, "limit", MAX_LIMIT)?,
        };
        let page = match get("page") {
            None => 1,
            Some(v) => number(v, "page", MAX_PAGE)?,
        };
        let sort = match get("sort") {
            None => spec.sorts.first().copied().unwrap_or("id"),
            Some(v) => spec
                .sorts
                .iter()
                .copied()
                .find(|s| *s == v)
                .ok_or_else(|| {
                    problem(
                        422,
                        "invalid_sort",
                        "sort",
                        format!(
                            "this list cannot be sorted by {v:?}; sort by {}",
                            spec.sorts.join(", ")
                        ),
                        format!(
                            "Không sắp xếp được theo “{v}”; chỉ sắp xếp theo: {}.",
                            spec.sorts.join(", ")
                        ),
                    )
                })?,
        };
        let dir = match get("dir") {
            None if get("sort").is_some() => Direction::Asc,
            None => spec.default_dir,
            Some("asc") => Direction::Asc,
            Some("desc") => Direction::Desc,
            Some(v) => {
                return Err(problem(
                    422,
                    "invalid_dir",
                    "dir",
                    format!("dir {v:?} is neither asc nor desc"),
                    format!(
                    "Chiều sắp xếp “{v}” không hợp lệ: dùng asc (tăng dần) hoặc desc (giảm dần)."
                ),
                ))
            }
        };
        let filters = spec
            .filters
            .iter()
            .filter_map(|f| get(f).map(|v| (*f, v.to_owned())))
            .collect();
        Ok(Self {
            page,
            limit,
            sort,
            dir,
            spec,
            filters,
            limit_given: get("limit").is_some(),
            sort_given: get("sort").is_some() || get("dir").is_some(),
        })
    }

    /// The first page of a list with no filter, sorted by default (the
    /// list a page shows under a form it answers).
    pub fn first_page(spec: ListSpec) -> Self {
        Self {
            page: 1,
            limit: DEFAULT_LIMIT,
            sort: spec.sorts.first().copied().unwrap_or("id"),
            dir: spec.default_dir,
            spec,
            filters: Vec::new(),
            limit_given: false,
            sort_given: false,
        }
    }

    /// The value of filter `name`, trimmed, when given and not blank.
    pub fn filter(&self, name: &str) -> Option<&str> {
        self.filters
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Filter `name` as an id (a whole number), when given.
    pub fn id(&self, name: &'static str) -> Result<Option<i64>, PortalError> {
        self.filter(name)
            .map(|v| {
                v.parse::<i64>().map_err(|_| {
                    problem(
                        422,
                        "invalid_id",
                        name,
                        format!("{name} {v:?} is not an id (a whole number)"),
                        format!("“{name}” phải là một số (mã số), không phải “{v}”."),
                    )
                })
            })
            .transpose()
    }

    /// The rows of this page.
    pub fn window(&self) -> Window {
        Window {
            limit: self.limit,
            offset: (self.page - 1).saturating_mul(self.limit),
        }
    }

    /// The paging facts of this page when `total` rows match.
    pub fn page_info(&self, total: i64) -> PageInfo {
        let pages = ((total + self.limit - 1) / self.limit).max(1);
        PageInfo {
            total,
            limit: self.limit,
            page: self.page,
            pages,
            next: (self.page < pages).then_some(self.page + 1),
        }
    }

    /// The query string (without `?`) of this list at `page`, sorted as
    /// now, with the same filters and limit.
    pub fn at_page(&self, page: i64) -> String {
        self.link(page, self.sort_given.then_some((self.sort, self.dir)))
    }

    /// The query string (without `?`) of this list's first page sorted by
    /// `column`: ascending, or descending when it is sorted ascending by
    /// it now.
    pub fn sorted_by(&self, column: &str) -> String {
        let dir = if self.sort == column && self.dir == Direction::Asc {
            Direction::Desc
        } else {
            Direction::Asc
        };
        self.link(1, Some((column, dir)))
    }

    fn link(&self, page: i64, sort: Option<(&str, Direction)>) -> String {
        let mut parts: Vec<String> = self
            .filters
            .iter()
            .map(|(k, v)| format!("{k}={}", encode(v)))
            .collect();
        if let Some((column, dir)) = sort {
            parts.push(format!("sort={}", encode(column)));
            parts.push(format!("dir={}", dir_name(dir)));
        }
        if self.limit_given {
            parts.push(format!("limit={}", self.limit));
        }
        if page > 1 {
            parts.push(format!("page={page}"));
        }
        parts.join("&")
    }

    /// The list's spec.
    pub fn spec(&self) -> ListSpec {
        self.spec
    }
}

impl PageInfo {
    /// Adds the paging facts to a JSON answer object.
    pub fn add_to(&self, v: &mut serde_json::Value, query: &ListQuery) {
        if let Some(o) = v.as_object_mut() {
            o.insert("total".into(), self.total.into());
            o.insert("limit".into(), self.limit.into());
            o.insert("page".into(), self.page.into());
            o.insert("pages".into(), self.pages.into());
            o.insert("next".into(), self.next.into());
            o.insert("sort".into(), query.sort.into());
            o.insert("dir".into(), dir_name(query.dir).into());
        }
    }
}

/// `asc` or `desc`.
pub fn dir_name(dir: Direction) -> &'static str {
    match dir {
        Direction::Asc => "asc",
        Direction::Desc => "desc",
    }
}

/// A refusal of a list query.
fn problem(
    status: u16,
    code: &'static str,
    parameter: &str,
    english: String,
    vietnamese: String,
) -> PortalError {
    PortalError::BadQuery(Box::new(QueryProblem {
        status,
        code,
        parameter: parameter.to_owned(),
        english,
        vietnamese,
    }))
}

/// The spec's own name for `key` (paging or a filter).
fn known(key: &str, spec: ListSpec) -> Option<&'static str> {
    PAGING
        .iter()
        .chain(spec.filters)
        .copied()
        .find(|k| *k == key)
}

/// The refusal of a parameter the list does not know.
fn unknown(key: &str, spec: ListSpec) -> PortalError {
    let shown: String = key.chars().take(64).collect();
    let accepted = spec
        .filters
        .iter()
        .chain(&PAGING)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    problem(
        400,
        "unknown_parameter",
        &shown,
        format!("unknown query parameter {shown:?}; this list accepts {accepted}"),
        format!("Tham số “{shown}” không được hỗ trợ; danh sách này nhận: {accepted}."),
    )
}

/// A whole number from 1 to `max`.
fn number(v: &str, name: &'static str, max: i64) -> Result<i64, PortalError> {
    match v.parse::<i64>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(problem(
            422,
            if name == "page" {
                "invalid_page"
            } else {
                "invalid_limit"
            },
            name,
            format!("{name} {v:?} must be a whole number from 1 to {max}"),
            format!("“{name}” phải là số nguyên từ 1 đến {max}, không phải “{v}”."),
        )),
    }
}

/// Decodes one `application/x-www-form-urlencoded` component.
fn decode(s: &str) -> Result<String, PortalError> {
    let bad = || {
        problem(
            400,
            "bad_query",
            "",
            "the query string is not valid percent-encoded UTF-8".to_owned(),
            "Địa chỉ trang không hợp lệ (mã hóa ký tự sai).".to_owned(),
        )
    };
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes.get(i + 1..i + 3).ok_or_else(bad)?;
                let hex = std::str::from_utf8(hex).map_err(|_| bad())?;
                out.push(u8::from_str_radix(hex, 16).map_err(|_| bad())?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| bad())
}

/// Percent-encodes a query value (everything but unreserved characters).
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: ListSpec = ListSpec {
        filters: &["q", "subscriber_id"],
        sorts: &["id", "name"],
        default_dir: Direction::Asc,
    };

    fn refused(raw: &str) -> QueryProblem {
        match ListQuery::parse(Some(raw), SPEC) {
            Err(PortalError::BadQuery(p)) => *p,
            other => panic!("{raw}: {other:?}"),
        }
    }

    #[test]
    fn defaults_and_values() {
        let q = ListQuery::parse(None, SPEC).unwrap();
        assert_eq!(
            (q.page, q.limit, q.sort, q.dir),
            (1, 50, "id", Direction::Asc)
        );
        let q = ListQuery::parse(
            Some("q=Nguy%E1%BB%85n+V%C4%83n&sort=name&dir=desc&page=3&limit=20&subscriber_id="),
            SPEC,
        )
        .unwrap();
        assert_eq!(q.filter("q"), Some("Nguyễn Văn"));
        assert_eq!(q.filter("subscriber_id"), None);
        assert_eq!(
            (q.page, q.limit, q.sort, q.dir),
            (3, 20, "name", Direction::Desc)
        );
        assert_eq!(
            q.window(),
            Window {
                limit: 20,
                offset: 40
            }
        );
        assert_eq!(
            q.at_page(4),
            "q=Nguy%E1%BB%85n%20V%C4%83n&sort=name&dir=desc&limit=20&page=4"
        );
        assert_eq!(
            q.sorted_by("name"),
            "q=Nguy%E1%BB%85n%20V%C4%83n&sort=name&dir=asc&limit=20"
        );
    }

    #[test]
    fn page_info() {
        let q = ListQuery::parse(Some("limit=50&page=2"), SPEC).unwrap();
        let p = q.page_info(610);
        assert_eq!((p.pages, p.next), (13, Some(3)));
        let q = ListQuery::parse(Some("limit=50&page=99"), SPEC).unwrap();
        assert_eq!(q.page_info(610).next, None);
        assert_eq!(q.page_info(0).pages, 1);
    }

    #[test]
    fn refusals() {
        let p = refused("subscriber=1");
        assert_eq!(
            (p.status, p.code, p.parameter.as_str()),
            (400, "unknown_parameter", "subscriber")
        );
        assert!(p.english.contains("\"subscriber\""), "{}", p.english);
        assert_eq!(refused("q=a&q=b").code, "duplicate_parameter");
        assert_eq!(refused("limit=501").code, "invalid_limit");
        assert_eq!(refused("limit=-1").code, "invalid_limit");
        assert_eq!(refused("limit=abc").code, "invalid_limit");
        assert_eq!(refused("page=0").code, "invalid_page");
        assert_eq!(refused("sort=password").code, "invalid_sort");
        assert_eq!(refused("dir=up").code, "invalid_dir");
        assert_eq!(refused("q=%ZZ").code, "bad_query");
        assert_eq!(refused("q=%C3").code, "bad_query");
        assert_eq!(refused(&"a=1&".repeat(40)).status, 400);
        assert_eq!(
            refused(&"q=".to_owned().repeat(3000)).code,
            "query_too_long"
        );
        assert_eq!(
            refused(&format!("q={}", "x".repeat(300))).code,
            "value_too_long"
        );
        let q = ListQuery::parse(Some("subscriber_id=abc"), SPEC).unwrap();
        assert!(matches!(
            q.id("subscriber_id"),
            Err(PortalError::BadQuery(_))
        ));
    }
}
