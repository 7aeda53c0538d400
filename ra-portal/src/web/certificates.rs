//! The certificate pages: search (`/certificates`, by serial, name,
//! CCCD/MST, unit, token, status, expiring within N days) and a
//! certificate's page (`/certificates/<serial>`) with its details, status,
//! downloads, the OCSP answer served now, the CRL that first listed its
//! revocation, and the requests that act on it. Both go through
//! [`crate::certificates`], as the API does.

use std::sync::Arc;

use rocket::http::Status;
use rocket::State;
use serde_json::Value;

use super::html::{esc, field, select, table};
use super::pages::Reply;
use super::registry::refusal_status;
use super::vi::{self, FormErrors};
use super::WebSession;
use crate::api::blocking;
use crate::certificates::{self, Filters};
use crate::{PortalError, PortalState};

/// The search form (GET).
#[derive(Debug, Default, Clone, rocket::FromForm)]
pub(super) struct SearchForm {
    serial: Option<String>,
    name: Option<String>,
    national_id: Option<String>,
    unit: Option<String>,
    token: Option<String>,
    status: Option<String>,
    within: Option<String>,
}

#[rocket::get("/certificates?<form..>")]
pub(super) async fn search(
    state: &State<Arc<PortalState>>,
    session: Result<WebSession, PortalError>,
    form: SearchForm,
) -> Reply {
    let session = match WebSession::require(session) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let within = form
        .within
        .as_deref()
        .map(str::trim)
        .filter(|w| !w.is_empty());
    let before = match within.map(str::parse::<u32>) {
        None => None,
        Some(Ok(days)) if days <= 3650 => Some(
            (chrono::Utc::now().date_naive() + chrono::Duration::days(i64::from(days) + 1))
                .format("%Y-%m-%d")
                .to_string(),
        ),
        Some(_) => {
            let errors = FormErrors::on("within", "Số ngày phải là số nguyên từ 0 đến 3650.");
            return results(&session, Status::UnprocessableEntity, &form, &[], &errors);
        }
    };
    let filters = Filters {
        serial: form.serial.clone(),
        name: form.name.clone(),
        national_id: form.national_id.clone(),
        unit: form.unit.clone(),
        token: form.token.clone(),
        status: form.status.clone(),
        expiring_before: before,
    };
    let ca = Arc::clone(&state.ca);
    let user = session.user.clone();
    match blocking(move || certificates::search(&ca, &user, &filters)).await {
        Ok(rows) => results(&session, Status::Ok, &form, &rows, &FormErrors::default()),
        Err(e) => {
            let errors = FormErrors::from_error(&e);
            results(&session, refusal_status(&e), &form, &[], &errors)
        }
    }
}

#[rocket::get("/certificates/<serial>")]
pub(super) async fn show(
    state: &State<Arc<PortalState>>,
    session: Result<WebSession, PortalError>,
    serial: &str,
) -> Reply {
    let session = match WebSession::require(session) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let ca = Arc::clone(&state.ca);
    let user = session.user.clone();
    let wanted = serial.to_owned();
    let c = match blocking(move || certificates::details(&ca, &user, &wanted)).await {
        Ok(c) => c,
        Err(e) => return session.error_page(&e),
    };
    let t = |k: &str| esc(c[k].as_str().unwrap_or("—"));
    let serial = c["serial"].as_str().unwrap_or_default().to_owned();
    let s = esc(&serial);
    let mut status = vi::state(c["status"].as_str().unwrap_or_default()).to_owned();
    if c["expired"] == Value::Bool(true) {
        status = format!("{status} (đã hết hạn)");
    }
    let subscriber = match c["subscriber_id"].as_i64() {
        Some(id) => format!(r#"<a href="/subscribers/{id}">Thuê bao số {id}</a>"#),
        None => "— (chứng thư CA)".to_owned(),
    };
    let actions: String = [
        ("renew", "Gia hạn"),
        ("change_info", "Thay đổi nội dung"),
        ("reissue", "Cấp lại"),
        ("suspend", "Tạm dừng"),
        ("restore", "Khôi phục"),
        ("revoke", "Thu hồi"),
    ]
    .iter()
    .map(|(k, l)| format!(r#"<li><a href="/requests/new/{k}?serial={s}">{l}</a></li>"#))
    .collect();
    let body = format!(
        r#"<dl class="facts">
<dt>Số hiệu</dt><dd id="serial">{s}</dd>
<dt>Trạng thái</dt><dd id="status">{status}</dd>
<dt>Chủ thể</dt><dd>{subject}</dd>
<dt>Thuê bao</dt><dd>{subscriber}</dd>
<dt>CA cấp</dt><dd>{issuer}</dd>
<dt>Hồ sơ</dt><dd>{profile}</dd>
<dt>Hiệu lực từ</dt><dd>{nb}</dd>
<dt>Hiệu lực đến</dt><dd>{na}</dd>
<dt>Thu hồi lúc</dt><dd>{ra}</dd>
<dt>Lý do thu hồi</dt><dd>{rr}</dd>
</dl>
{live}
<h2>Tải về</h2>
<ul class="downloads">
<li><a href="/api/v1/certificates/{s}.pem" download>PEM</a></li>
<li><a href="/api/v1/certificates/{s}.der" download>DER</a></li>
<li><a href="/api/v1/certificates/{s}.p7b" download>Chuỗi chứng thư (.p7b)</a></li>
</ul>
<h2>Yêu cầu với chứng thư này</h2>
<ul class="kinds">{actions}</ul>"#,
        status = esc(&status),
        subject = t("subject"),
        issuer = t("issuer"),
        profile = t("profile"),
        nb = t("not_before"),
        na = t("not_after"),
        ra = t("revoked_at"),
        rr = esc(&c["revocation_reason"]
            .as_str()
            .map_or_else(|| "—".to_owned(), vi::reason)),
        live = live_status(&c),
    );
    session.page(Status::Ok, &format!("Chứng thư số {serial}"), &body)
}

/// The OCSP answer served now and the CRL that first listed the
/// revocation (the `ocsp` and `crl` objects of the details).
fn live_status(c: &Value) -> String {
    let t = |v: &Value, k: &str| esc(v[k].as_str().unwrap_or("—"));
    let o = &c["ocsp"];
    let ocsp = if o["available"] == Value::Bool(true) {
        let revoked = if o["status"] == "revoked" {
            format!(
                r#"<dt>Thu hồi lúc (OCSP)</dt><dd id="ocsp-revoked-at">{}</dd>
<dt>Lý do (OCSP)</dt><dd id="ocsp-reason">{}</dd>
"#,
                t(o, "revoked_at"),
                esc(&o["reason"]
                    .as_str()
                    .map_or_else(|| "Không nêu lý do".to_owned(), vi::reason)),
            )
        } else {
            String::new()
        };
        format!(
            r#"<dl class="facts">
<dt>Trạng thái OCSP</dt><dd id="ocsp-status">{status}</dd>
{revoked}<dt>Cập nhật lúc (thisUpdate)</dt><dd id="ocsp-this-update">{this}</dd>
<dt>Cập nhật tiếp theo (nextUpdate)</dt><dd id="ocsp-next-update">{next}</dd>
</dl>"#,
            status = esc(vi::ocsp_status(o["status"].as_str().unwrap_or_default())),
            this = t(o, "this_update"),
            next = t(o, "next_update"),
        )
    } else {
        r#"<p id="ocsp-status" class="notice">Dịch vụ OCSP chưa có phản hồi cho chứng thư này; phản hồi sẽ được ký trong lần làm mới tới.</p>"#
            .to_owned()
    };
    let r = &c["crl"];
    let crl = if r.is_null() {
        String::new()
    } else if r["listed"] == Value::Bool(true) {
        let number = r["number"].as_i64().unwrap_or_default();
        let kind = if r["delta"] == Value::Bool(true) {
            "CRL bổ sung (delta)"
        } else {
            "CRL đầy đủ"
        };
        format!(
            r#"<h2>Danh sách chứng thư bị thu hồi (CRL)</h2>
<dl class="facts">
<dt>Lần đầu có trong</dt><dd id="crl-first"><a href="{url}">{kind} số {number}</a></dd>
<dt>CRL phát hành lúc (thisUpdate)</dt><dd id="crl-this-update">{this}</dd>
<dt>CRL cập nhật tiếp theo (nextUpdate)</dt><dd>{next}</dd>
</dl>"#,
            url = t(r, "url"),
            this = t(r, "this_update"),
            next = t(r, "next_update"),
        )
    } else {
        r#"<h2>Danh sách chứng thư bị thu hồi (CRL)</h2>
<p id="crl-first" class="notice">Chưa có CRL nào đã phát hành liệt kê chứng thư này; chứng thư sẽ có trong CRL phát hành tiếp theo.</p>"#
            .to_owned()
    };
    format!("<h2>Trạng thái trực tuyến (OCSP)</h2>\n{ocsp}\n{crl}")
}

fn results(
    session: &WebSession,
    status: Status,
    form: &SearchForm,
    rows: &[Value],
    errors: &FormErrors,
) -> Reply {
    let v = |f: &Option<String>| f.clone().unwrap_or_default();
    let statuses: Vec<(String, String)> =
        ["", "good", "suspended", "revoked", "expired", "pending"]
            .iter()
            .map(|s| {
                let label = if s.is_empty() {
                    "— Tất cả —"
                } else {
                    vi::state(s)
                };
                ((*s).to_owned(), label.to_owned())
            })
            .collect();
    let fields = [
        field(
            "serial",
            "Số hiệu",
            "text",
            &v(&form.serial),
            errors.get("serial"),
            "",
        ),
        field(
            "name",
            "Họ tên / tên tổ chức",
            "text",
            &v(&form.name),
            errors.get("name"),
            "",
        ),
        field(
            "national_id",
            "Số CCCD hoặc mã số thuế",
            "text",
            &v(&form.national_id),
            errors.get("national_id"),
            "",
        ),
        field(
            "unit",
            "Đơn vị",
            "text",
            &v(&form.unit),
            errors.get("unit"),
            "",
        ),
        field(
            "token",
            "Số sê-ri thiết bị",
            "text",
            &v(&form.token),
            errors.get("token"),
            "",
        ),
        select(
            "status",
            "Trạng thái",
            &statuses,
            &v(&form.status),
            errors.get("status"),
        ),
        field(
            "within",
            "Hết hạn trong vòng (ngày)",
            "number",
            &v(&form.within),
            errors.get("within"),
            r#"min="0" inputmode="numeric""#,
        ),
    ]
    .concat();
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|c| {
            let serial = c["serial"].as_str().unwrap_or_default();
            let mut status = vi::state(c["status"].as_str().unwrap_or_default()).to_owned();
            if c["expired"] == Value::Bool(true) {
                status = vi::state("expired").to_owned();
            }
            vec![
                format!(r#"<a href="/certificates/{s}">{s}</a>"#, s = esc(serial)),
                esc(c["subscriber_name"].as_str().unwrap_or_default()),
                esc(c["subscriber_uid"].as_str().unwrap_or("—")),
                esc(&status),
                esc(c["not_after"].as_str().unwrap_or_default()),
                esc(c["province"].as_str().unwrap_or_default()),
            ]
        })
        .collect();
    let body = format!(
        r#"{general}<form method="get" action="/certificates" class="card search" role="search" novalidate>
{fields}<button type="submit">Tìm kiếm</button></form>
{table}"#,
        general = errors.general(&[
            "serial",
            "name",
            "national_id",
            "unit",
            "token",
            "status",
            "within"
        ]),
        table = table(
            session.lang,
            "Kết quả tìm kiếm",
            &[
                "Số hiệu",
                "Thuê bao",
                "Số định danh",
                "Trạng thái",
                "Hết hạn",
                "Tỉnh, thành phố"
            ],
            &rows
        ),
    );
    session.page(status, "Tìm kiếm chứng thư số", &body)
}
