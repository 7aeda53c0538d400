//! HTML building: escaping and the page layout.

use super::lang::Lang;
use crate::user::User;

/// Escapes text for HTML element content and attribute values.
pub(super) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The navigation bar of a signed-in user: (path, label).
const NAV: [(&str, &str); 8] = [
    ("/dashboard", "Bảng điều khiển"),
    ("/units", "Đơn vị"),
    ("/subscribers", "Thuê bao"),
    ("/tokens", "Thiết bị lưu khóa"),
    ("/requests", "Yêu cầu"),
    ("/requests/new", "Yêu cầu mới"),
    ("/certificates", "Chứng thư số"),
    ("/reports", "Báo cáo"),
];

/// The navigation entry of admins and auditors only.
const AUDIT_NAV: (&str, &str) = ("/audit", "Nhật ký kiểm toán");

/// The navigation entry of admins only.
const USERS_NAV: (&str, &str) = ("/users", "Quản lý tài khoản");

/// A whole page in `lang`: `title`, the signed-in user's bar (with the
/// sign-out form) when there is one, the language switch, and `body`.
pub(super) fn page(lang: Lang, title: &str, user: Option<(&User, &str)>, body: &str) -> String {
    page_with_head(lang, title, user, "", body)
}

/// As [`page`], with more (already escaped) `<head>` elements.
pub(super) fn page_with_head(
    lang: Lang,
    title: &str,
    user: Option<(&User, &str)>,
    head: &str,
    body: &str,
) -> String {
    let bar = match user {
        Some((u, csrf)) => format!(
            r#"<nav class="bar" aria-label="{nav}"><ul class="menu">{links}</ul><span>{name} · {role}</span>
<form method="post" action="/logout" class="inline"><input type="hidden" name="csrf" value="{csrf}"><button type="submit">{logout}</button></form></nav>"#,
            nav = lang.t("Điều hướng chính"),
            links = NAV
                .iter()
                .chain(super::reports::reads_audit(u.role).then_some(&AUDIT_NAV))
                .chain((u.role == crate::role::Role::Admin).then_some(&USERS_NAV))
                .map(|(href, label)| {
                    format!(r#"<li><a href="{href}">{}</a></li>"#, lang.t(label))
                })
                .collect::<String>(),
            name = esc(&u.username),
            role = esc(lang.t(u.role.label_vi())),
            csrf = esc(csrf),
            logout = lang.t("Đăng xuất"),
        ),
        None => String::new(),
    };
    format!(
        r#"<!DOCTYPE html>
<html lang="{code}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} — govpki</title>
<link rel="stylesheet" href="{style}">
{head}</head>
<body>
<header><p class="brand">govpki · {brand}</p><p class="lang">{switch}</p>{bar}</header>
<main>
<h1>{title}</h1>
{body}
</main>
</body>
</html>
"#,
        title = esc(title),
        code = lang.code(),
        brand = lang.t("Cổng đăng ký chứng thư số"),
        switch = lang.switch_link(),
        style = super::assets::style_url(),
    )
}

/// A form field: label, input, and the error next to it.
pub(super) fn field(
    name: &str,
    label: &str,
    kind: &str,
    value: &str,
    error: Option<&str>,
    extra: &str,
) -> String {
    format!(
        r#"<div class="field"><label for="{name}">{label}</label>
<input id="{name}" name="{name}" type="{kind}" value="{value}"{described} {extra}>{err}</div>
"#,
        label = esc(label),
        value = esc(value),
        described = described(name, error),
        err = error_text(name, error),
    )
}

/// A select: label, options (value, text), the selected value, and the
/// error next to it.
pub(super) fn select(
    name: &str,
    label: &str,
    options: &[(String, String)],
    selected: &str,
    error: Option<&str>,
) -> String {
    let opts: String = options
        .iter()
        .map(|(v, t)| {
            let sel = if v == selected { " selected" } else { "" };
            format!(r#"<option value="{}"{sel}>{}</option>"#, esc(v), esc(t))
        })
        .collect();
    format!(
        r#"<div class="field"><label for="{name}">{label}</label>
<select id="{name}" name="{name}"{described}>{opts}</select>{err}</div>
"#,
        label = esc(label),
        described = described(name, error),
        err = error_text(name, error),
    )
}

/// A multi-line text field with the error next to it.
pub(super) fn textarea(
    name: &str,
    label: &str,
    value: &str,
    error: Option<&str>,
    extra: &str,
) -> String {
    format!(
        r#"<div class="field"><label for="{name}">{label}</label>
<textarea id="{name}" name="{name}" rows="8"{described} {extra}>{value}</textarea>{err}</div>
"#,
        label = esc(label),
        value = esc(value),
        described = described(name, error),
        err = error_text(name, error),
    )
}

/// A table in `lang`: the header cells and rows of already-escaped cells.
pub(super) fn table(lang: Lang, caption: &str, head: &[&str], rows: &[Vec<String>]) -> String {
    if rows.is_empty() {
        return format!(
            r#"<p class="empty">{}: {}</p>"#,
            esc(caption),
            lang.t("chưa có dữ liệu.")
        );
    }
    let head: String = head
        .iter()
        .map(|h| format!(r#"<th scope="col">{}</th>"#, esc(h)))
        .collect();
    let body: String = rows
        .iter()
        .map(|r| {
            let cells: String = r.iter().map(|c| format!("<td>{c}</td>")).collect();
            format!("<tr>{cells}</tr>\n")
        })
        .collect();
    // The box scrolls sideways on a narrow screen, not the page.
    format!(
        r#"<div class="table-wrap"><table><caption>{}</caption><thead><tr>{head}</tr></thead><tbody>
{body}</tbody></table></div>
"#,
        esc(caption)
    )
}

/// The hidden CSRF field of a form.
pub(super) fn csrf_input(csrf: &str) -> String {
    format!(r#"<input type="hidden" name="csrf" value="{}">"#, esc(csrf))
}

fn described(name: &str, error: Option<&str>) -> String {
    if error.is_some() {
        format!(r#" aria-invalid="true" aria-describedby="{name}-error""#)
    } else {
        String::new()
    }
}

fn error_text(name: &str, error: Option<&str>) -> String {
    error
        .map(|e| {
            format!(
                r#"<p class="field-error" id="{name}-error" role="alert">{}</p>"#,
                esc(e)
            )
        })
        .unwrap_or_default()
}
