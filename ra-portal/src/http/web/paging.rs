//! The parts every list page shares: a table whose column headers sort
//! (`?sort=name&dir=asc`, the list's whitelisted columns only), inside a
//! box that scrolls sideways on a narrow screen instead of the page, and
//! the pager under it ("Trang x / y", the total, previous and next).
//! The query itself is read by [`crate::listing`], as the API reads it.

use ca_core::views::lists::Direction;

use super::html::esc;
use super::lang::Lang;
use crate::listing::{ListQuery, PageInfo};

/// A column of a list table: its header and, when it sorts, the column
/// name `?sort=` takes.
pub(super) struct Column<'a> {
    /// The header text (not escaped yet).
    pub(super) label: &'a str,
    /// The sort column, if the list sorts by it.
    pub(super) sort: Option<&'static str>,
}

impl<'a> Column<'a> {
    /// A column the list sorts by.
    pub(super) fn sorted(label: &'a str, sort: &'static str) -> Self {
        Self {
            label,
            sort: Some(sort),
        }
    }

    /// A column that does not sort.
    pub(super) fn plain(label: &'a str) -> Self {
        Self { label, sort: None }
    }
}

/// The table of one page of a list at `path`: sortable headers, the rows
/// (cells already escaped), and the pager. With no row at all, says so
/// (and, past the last page, links back to the first).
pub(super) fn list_table(
    lang: Lang,
    path: &str,
    caption: &str,
    columns: &[Column<'_>],
    rows: &[Vec<String>],
    query: &ListQuery,
    info: &PageInfo,
) -> String {
    if rows.is_empty() {
        let empty = format!(
            r#"<p class="empty">{}: {}</p>"#,
            esc(caption),
            lang.t("chưa có dữ liệu.")
        );
        return if info.total > 0 {
            format!("{empty}{}", pager(lang, path, query, info))
        } else {
            empty
        };
    }
    let head: String = columns
        .iter()
        .map(|c| header(lang, path, c, query))
        .collect();
    let body: String = rows
        .iter()
        .map(|r| {
            let cells: String = r.iter().map(|c| format!("<td>{c}</td>")).collect();
            format!("<tr>{cells}</tr>\n")
        })
        .collect();
    format!(
        r#"<div class="table-wrap"><table><caption>{}</caption><thead><tr>{head}</tr></thead><tbody>
{body}</tbody></table></div>
{}"#,
        esc(caption),
        pager(lang, path, query, info)
    )
}

/// The pager: where this page is, the total, and the links around it.
pub(super) fn pager(lang: Lang, path: &str, query: &ListQuery, info: &PageInfo) -> String {
    let link = |page: i64, label: &str, rel: &str| {
        let q = query.at_page(page);
        let href = if q.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{q}")
        };
        format!(r#"<a href="{}" rel="{rel}">{label}</a>"#, esc(&href))
    };
    let mut parts = Vec::new();
    if info.page > 1 {
        let previous = (info.page - 1).min(info.pages);
        parts.push(link(previous, lang.t("‹ Trang trước"), "prev"));
    }
    parts.push(format!(
        r#"<span class="where">{}</span>"#,
        lang.tf(
            "Trang {} / {} · {} kết quả",
            &[&info.page, &info.pages, &info.total]
        )
    ));
    if let Some(next) = info.next {
        parts.push(link(next, lang.t("Trang sau ›"), "next"));
    }
    format!(
        r#"<nav class="pages" aria-label="{}"><p>{}</p></nav>
"#,
        lang.t("Phân trang"),
        parts.join(" · ")
    )
}

/// A header cell: a link sorting by its column (the other way round when
/// the list is sorted by it now), with `aria-sort` on the current one.
fn header(lang: Lang, path: &str, column: &Column<'_>, query: &ListQuery) -> String {
    let Some(sort) = column.sort else {
        return format!(r#"<th scope="col">{}</th>"#, esc(column.label));
    };
    let current = query.sort == sort;
    let (aria, mark) = match (current, query.dir) {
        (true, Direction::Asc) => (r#" aria-sort="ascending""#, " ▲"),
        (true, Direction::Desc) => (r#" aria-sort="descending""#, " ▼"),
        (false, _) => ("", ""),
    };
    let href = format!("{path}?{}", query.sorted_by(sort));
    format!(
        r#"<th scope="col"{aria}><a href="{}" title="{}">{}{mark}</a></th>"#,
        esc(&href),
        lang.t("Sắp xếp theo cột này"),
        esc(column.label)
    )
}
