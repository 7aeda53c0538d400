//! The part of a request's page that shows what will be issued or changed
//! ([`crate::requests::review`]): the subject as the certificate will
//! carry it, validity, key and its SHA-256 fingerprint, the CSR's own
//! subject with its differences, the dry run's verdict; for a unit change
//! the units by name and the certificates it will replace.

use serde_json::Value;

use super::html::{esc, table};
use super::WebSession;
use crate::requests::review::Review;

/// The review section (empty when there is nothing to show).
pub(super) fn section(session: &WebSession, review: &Review) -> String {
    let v = &review.json;
    let mut out = String::new();
    if let Some(change) = v.get("unit_change").filter(|c| c.is_object()) {
        out.push_str(&unit_change(session, change));
    }
    if let Some(p) = v.get("preview").filter(|p| p.is_object()) {
        out.push_str(&preview(session, p));
    }
    if v.get("check").is_some() {
        out.push_str(&match &review.refusal {
            None => format!(
                r#"<p class="check-ok">{}</p>"#,
                session.t("Kiểm tra thử: CA sẽ chấp nhận yêu cầu này nếu được phê duyệt bây giờ.")
            ),
            Some(e) => format!(
                r#"<p class="form-error" role="alert">{} {}</p>"#,
                session.t("Kiểm tra thử: CA sẽ từ chối yêu cầu này:"),
                esc(&session.message(e))
            ),
        });
    }
    out
}

fn preview(session: &WebSession, p: &Value) -> String {
    let c = &p["certificate"];
    let text = |v: &Value| esc(v.as_str().unwrap_or("—"));
    let day = |v: &Value| esc(v.as_str().map_or("—", |s| s.get(..10).unwrap_or(s)));
    let mut out = format!(
        r#"<h2>{title}</h2>
<dl class="facts preview">
<dt>{l_subject}</dt><dd><code class="subject">{subject}</code></dd>
<dt>{l_validity}</dt><dd>{from} – {to}</dd>
<dt>{l_key}</dt><dd class="key">{key}</dd>
<dt>{l_fp}</dt><dd><code class="spki-sha256">{fp}</code></dd>
<dt>{l_profile}</dt><dd>{profile}</dd>
<dt>{l_csr}</dt><dd><code class="csr-subject">{csr}</code></dd>
</dl>
"#,
        title = session.t("Nội dung chứng thư số sẽ được cấp"),
        l_subject = session.t("Chủ thể trong chứng thư"),
        subject = text(&c["subject"]),
        l_validity = session.t("Hiệu lực (nếu phê duyệt bây giờ)"),
        from = day(&c["not_before"]),
        to = day(&c["not_after"]),
        l_key = session.t("Khóa công khai"),
        key = text(&c["key"]),
        l_fp = session.t("Dấu vân tay SHA-256 của khóa (SPKI)"),
        fp = text(&c["spki_sha256"]),
        l_profile = session.t("Hồ sơ chứng thư"),
        profile = esc(session.state(c["profile"].as_str().unwrap_or("—"))),
        l_csr = session.t("Chủ thể ghi trong CSR"),
        csr = text(&p["csr_subject"]),
    );
    let differences: Vec<Vec<String>> = p["differences"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|d| {
            vec![
                text(&d["attribute"]),
                text(&d["csr"]),
                text(&d["certificate"]),
            ]
        })
        .collect();
    if !differences.is_empty() {
        out.push_str(&format!(
            "<p>{}</p>{}",
            session.t("Chủ thể ghi trong CSR khác với thông tin đăng ký; chứng thư số lấy thông tin từ cơ sở dữ liệu đăng ký, không lấy từ CSR:"),
            table(
                session.lang,
                session.t("Khác biệt giữa CSR và chứng thư"),
                &[
                    session.t("Thuộc tính"),
                    session.t("Trong CSR"),
                    session.t("Trong chứng thư"),
                ],
                &differences,
            )
        ));
    }
    out
}

fn unit_change(session: &WebSession, c: &Value) -> String {
    let name = |u: &Value| format!("{} (#{})", esc(u["name"].as_str().unwrap_or("—")), u["id"]);
    let mut facts = format!(
        "<dt>{}</dt><dd class=\"unit\">{}</dd>",
        session.t("Đơn vị thay đổi"),
        name(&c["unit"])
    );
    if c["merge_into"].is_object() {
        facts.push_str(&format!(
            "<dt>{}</dt><dd class=\"unit\">{}</dd>",
            session.t("Sáp nhập vào đơn vị"),
            name(&c["merge_into"])
        ));
    }
    if let Some(n) = c["new_name"].as_str() {
        facts.push_str(&format!(
            "<dt>{}</dt><dd>{}</dd>",
            session.t("Tên mới của đơn vị"),
            esc(n)
        ));
    }
    let mut out = format!(
        r#"<h2>{}</h2><dl class="facts">{facts}</dl>"#,
        session.t("Thay đổi đơn vị")
    );
    if let Some(count) = c["replaced_count"].as_u64() {
        let rows: Vec<Vec<String>> = c["replaced"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|r| {
                let s = esc(r["serial"].as_str().unwrap_or_default());
                vec![
                    format!(r#"<a href="/certificates/{s}"><code>{s}</code></a>"#),
                    esc(r["subject"].as_str().unwrap_or_default()),
                    esc(r["not_after"]
                        .as_str()
                        .map_or("—", |t| t.get(..10).unwrap_or(t))),
                ]
            })
            .collect();
        out.push_str(&format!(
            r#"<p class="replaced-count">{}</p>{}"#,
            session.lang.tf(
                "Số chứng thư số sẽ được cấp lại với tên đơn vị mới và thu hồi bản cũ: {} (chứng thư đang tạm dừng giữ nguyên: {}).",
                &[&count, &c["suspended_left"].as_i64().unwrap_or(0)]
            ),
            table(
                session.lang,
                session.t("Chứng thư số sẽ được thay thế"),
                &[
                    session.t("Số hiệu"),
                    session.t("Chủ thể"),
                    session.t("Hết hạn"),
                ],
                &rows,
            )
        ));
    }
    out
}
