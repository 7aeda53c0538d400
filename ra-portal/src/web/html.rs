//! HTML building: escaping and the page layout.

use crate::User;

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

/// A whole page: `title`, the signed-in user's bar (with the sign-out
/// form) when there is one, and `body`.
pub(super) fn page(title: &str, user: Option<(&User, &str)>, body: &str) -> String {
    let bar = match user {
        Some((u, csrf)) => format!(
            r#"<nav class="bar"><span>{name} · {role}</span>
<form method="post" action="/logout" class="inline"><input type="hidden" name="csrf" value="{csrf}"><button type="submit">Đăng xuất</button></form></nav>"#,
            name = esc(&u.username),
            role = esc(u.role.label_vi()),
            csrf = esc(csrf),
        ),
        None => String::new(),
    };
    format!(
        r#"<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} — govpki</title>
<link rel="stylesheet" href="/static/style.css">
</head>
<body>
<header><p class="brand">govpki · Cổng đăng ký chứng thư số</p>{bar}</header>
<main>
<h1>{title}</h1>
{body}
</main>
</body>
</html>
"#,
        title = esc(title),
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
    let err = error
        .map(|e| {
            format!(
                r#"<p class="field-error" id="{name}-error" role="alert">{}</p>"#,
                esc(e)
            )
        })
        .unwrap_or_default();
    let described = if error.is_some() {
        format!(r#" aria-invalid="true" aria-describedby="{name}-error""#)
    } else {
        String::new()
    };
    format!(
        r#"<div class="field"><label for="{name}">{label}</label>
<input id="{name}" name="{name}" type="{kind}" value="{value}"{described} {extra}>{err}</div>
"#,
        label = esc(label),
        value = esc(value),
    )
}
