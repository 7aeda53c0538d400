//! The lists' query strings (`ra_portal::listing`) and the
//! `Accept-Encoding` header the gzip fairing reads: never a panic; a
//! refusal is a 400 or 422 naming a parameter the list knows (or none);
//! an accepted query has a page and limit in range, a whitelisted sort
//! column, and the links it makes read back as the same query. Input:
//! the query string, then optionally a newline and an Accept-Encoding
//! value.
//!
//! Shared by the fuzz target and the corpus replay test in CI.

use ra_portal::listing::{ListQuery, ListSpec, MAX_LIMIT, MAX_PAGE};

/// A list as the API's certificate search has it.
const SPEC: ListSpec = ra_portal::certificates::CERTIFICATE_LIST;

/// Runs one input; panics on a broken invariant.
pub(crate) fn check(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (query, accept) = text.split_once('\n').unwrap_or((text, ""));
    let _ = ra_portal::http::compression::accepts_gzip(std::iter::once(accept));
    match ListQuery::parse(Some(query), SPEC) {
        Err(e) => {
            let status = e.code().0;
            assert!(status == 400 || status == 422, "{status}: {e}");
        }
        Ok(q) => {
            assert!((1..=MAX_PAGE).contains(&q.page), "page {}", q.page);
            assert!((1..=MAX_LIMIT).contains(&q.limit), "limit {}", q.limit);
            assert!(SPEC.sorts.contains(&q.sort), "sort {}", q.sort);
            let w = q.window();
            assert!(w.offset >= 0 && w.limit == q.limit);
            let info = q.page_info(i64::from(u16::MAX));
            assert!(info.pages >= 1);
            // The pager's links read back as the same list.
            let again = ListQuery::parse(Some(&q.at_page(q.page)), SPEC).expect("a pager link");
            assert_eq!(
                (again.page, again.limit, again.dir),
                (q.page, q.limit, q.dir)
            );
            for f in SPEC.filters {
                assert_eq!(again.filter(f), q.filter(f), "filter {f}");
            }
            let sorted = ListQuery::parse(Some(&q.sorted_by(q.sort)), SPEC).expect("a header link");
            assert_eq!(sorted.sort, q.sort);
        }
    }
}
