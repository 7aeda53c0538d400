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

use super::html::esc;
use super::lang::Lang;
use super::pages::Reply;
use super::paging::{list_table, Column};
use super::registry::refusal_status;
use super::vi::{self, FormErrors};
use super::WebSession;
use crate::certificates::{self, Filters};
use crate::error::PortalError;
use crate::http::{blocking, RawQuery};
use crate::listing::{ListQuery, ListSpec, PageInfo};
use crate::vn_time;
use crate::PortalState;

/// The search form (GET).
#[derive(Debug, Default, Clone)]
pub(super) struct SearchForm {
    serial: Option<String>,
    name: Option<String>,
    national_id: Option<String>,
    unit: Option<String>,
    token: Option<String>,
    status: Option<String>,
    within: Option<String>,
    subscriber_id: Option<String>,
}

/// The search page's query: the API's filters, with the number of days
/// (`within`) in place of a date, and the same sortable columns.
const SEARCH_LIST: ListSpec = ListSpec {
    filters: &[
        "serial",
        "name",
        "national_id",
        "unit",
        "token",
        "status",
        "within",
        "subscriber_id",
    ],
    sorts: certificates::CERTIFICATE_LIST.sorts,
    default_dir: certificates::CERTIFICATE_LIST.default_dir,
};

impl SearchForm {
    fn of(query: &ListQuery) -> Self {
        let get = |k: &str| query.filter(k).map(str::to_owned);
        Self {
            serial: get("serial"),
            name: get("name"),
            national_id: get("national_id"),
            unit: get("unit"),
            token: get("token"),
            status: get("status"),
            within: get("within"),
            subscriber_id: get("subscriber_id"),
        }
    }
}

#[rocket::get("/certificates")]
pub(super) async fn search(
    state: &State<Arc<PortalState>>,
    session: Result<WebSession, PortalError>,
    query: RawQuery,
) -> Reply {
    let session = match WebSession::require(session) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let query = match ListQuery::parse(query.as_deref(), SEARCH_LIST) {
        Ok(q) => q,
        Err(e) => return session.error_page(&e),
    };
    let form = SearchForm::of(&query);
    let within = form
        .within
        .as_deref()
        .map(str::trim)
        .filter(|w| !w.is_empty());
    let before = match within.map(str::parse::<u32>) {
        None => None,
        Some(Ok(days)) if days <= 3650 => Some(
            (crate::working_days::vn_date(chrono::Utc::now().naive_utc())
                + chrono::Duration::days(i64::from(days) + 1))
            .format("%Y-%m-%d")
            .to_string(),
        ),
        Some(_) => {
            let errors = FormErrors::on(
                "within",
                session.t("Số ngày phải là số nguyên từ 0 đến 3650."),
            );
            let found = Found::none(&query);
            return results(
                &session,
                Status::UnprocessableEntity,
                &form,
                &found,
                &errors,
            );
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
        subscriber_id: form.subscriber_id.clone(),
    };
    let ca = Arc::clone(&state.ca);
    let user = session.user.clone();
    let asked = query.clone();
    match blocking(move || certificates::search(&ca, &user, &filters, &asked)).await {
        Ok((rows, info)) => {
            let found = Found {
                rows,
                info,
                query: &query,
            };
            results(&session, Status::Ok, &form, &found, &FormErrors::default())
        }
        Err(e) => {
            let errors = session.form_errors(&e);
            let found = Found::none(&query);
            results(&session, refusal_status(&e), &form, &found, &errors)
        }
    }
}

/// A page of search results and where it sits in the list.
struct Found<'a> {
    rows: Vec<Value>,
    info: PageInfo,
    query: &'a ListQuery,
}

impl<'a> Found<'a> {
    /// No result (a refused search).
    fn none(query: &'a ListQuery) -> Self {
        Self {
            rows: Vec::new(),
            info: query.page_info(0),
            query,
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
    let time = |k: &str| time_of(&c, k);
    let link = |k: &str| {
        c[k].as_str().map_or_else(
            || "—".to_owned(),
            |s| format!(r#"<a href="/certificates/{s}">{s}</a>"#, s = esc(s)),
        )
    };
    let serial = c["serial"].as_str().unwrap_or_default().to_owned();
    let s = esc(&serial);
    let mut status = session
        .state(c["status"].as_str().unwrap_or_default())
        .to_owned();
    if c["status"] == "revoked" && c["revocation_reason"] == "superseded" {
        status = session.t("Đã được thay thế").to_owned();
    }
    if c["expired"] == Value::Bool(true) {
        status = session.lang.tf("{} (đã hết hạn)", &[&status]);
    }
    let subscriber = match c["subscriber_id"].as_i64() {
        Some(id) => format!(
            r#"<a href="/subscribers/{id}">{}</a>"#,
            session.lang.tf("Thuê bao số {}", &[&id])
        ),
        None => session.t("— (chứng thư CA)").to_owned(),
    };
    let actions: String = [
        ("renew", session.t("Gia hạn")),
        ("change_info", session.t("Thay đổi nội dung")),
        ("reissue", session.t("Cấp lại")),
        ("suspend", session.t("Tạm dừng")),
        ("restore", session.t("Khôi phục")),
        ("revoke", session.t("Thu hồi")),
    ]
    .iter()
    .map(|(k, l)| {
        format!(
            r#"<li><a href="/requests/new/{k}?serial={s}">{}</a></li>"#,
            l
        )
    })
    .collect();
    let reason = c["revocation_reason"]
        .as_str()
        .map_or_else(|| "—".to_owned(), |r| reason_in(session.lang, r));
    let facts: String = [
        (session.t("Số hiệu"), r#" id="serial""#, s.clone()),
        (session.t("Trạng thái"), r#" id="status""#, esc(&status)),
        (session.t("Chủ thể"), "", t("subject")),
        (session.t("Thuê bao"), "", subscriber),
        (session.t("CA cấp"), "", t("issuer")),
        (
            session.t("Hồ sơ"),
            "",
            esc(&vi::profile_in(
                session.lang,
                c["profile"].as_str().unwrap_or_default(),
            )),
        ),
        (session.t("Hiệu lực từ"), "", time("not_before")),
        (session.t("Hiệu lực đến"), "", time("not_after")),
        (session.t("Thu hồi lúc"), "", time("revoked_at")),
        (session.t("Lý do thu hồi"), "", esc(&reason)),
        (
            session.t("Thay thế cho"),
            r#" id="replaces""#,
            link("replaces_serial"),
        ),
        (
            session.t("Được thay thế bởi"),
            r#" id="replaced-by""#,
            link("replaced_by_serial"),
        ),
    ]
    .iter()
    .map(|(label, id, value)| format!("<dt>{label}</dt><dd{id}>{value}</dd>\n"))
    .collect();
    let body = format!(
        r#"<dl class="facts">
{facts}</dl>
{live}
<h2>{l_download}</h2>
<ul class="downloads">
<li><a href="/api/v1/certificates/{s}.pem" download>PEM</a></li>
<li><a href="/api/v1/certificates/{s}.der" download>DER</a></li>
<li><a href="/api/v1/certificates/{s}.p7b" download>{l_chain}</a></li>
</ul>
<h2>{l_requests}</h2>
<ul class="kinds">{actions}</ul>"#,
        live = live_status(session.lang, &c),
        l_download = session.t("Tải về"),
        l_chain = session.t("Chuỗi chứng thư (.p7b)"),
        l_requests = session.t("Yêu cầu với chứng thư này"),
    );
    let title = session.lang.tf("Chứng thư số {}", &[&serial]);
    session.page(Status::Ok, &title, &body)
}

/// The OCSP answer served now and the CRL that first listed the
/// revocation (the `ocsp` and `crl` objects of the details).
fn live_status(lang: Lang, c: &Value) -> String {
    format!(
        "<h2>{}</h2>\n{}\n{}",
        lang.t("Trạng thái trực tuyến (OCSP)"),
        ocsp_facts(lang, &c["ocsp"]),
        crl_facts(lang, &c["crl"])
    )
}

fn text(v: &Value, k: &str) -> String {
    esc(v[k].as_str().unwrap_or("—"))
}

/// The RFC 3339 time `k` of `v` in Vietnam time, or "—".
fn time_of(v: &Value, k: &str) -> String {
    v[k].as_str()
        .map_or_else(|| "—".to_owned(), |t| esc(&vn_time::display_rfc3339(t)))
}

/// The OCSP answer served now.
fn ocsp_facts(lang: Lang, o: &Value) -> String {
    if o["available"] != Value::Bool(true) {
        return format!(
            r#"<p id="ocsp-status" class="notice">{}</p>"#,
            lang.t("Dịch vụ OCSP chưa có phản hồi cho chứng thư này; phản hồi sẽ được ký trong lần làm mới tới.")
        );
    }
    let revoked = if o["status"] == "revoked" {
        format!(
            r#"<dt>{}</dt><dd id="ocsp-revoked-at">{}</dd>
<dt>{}</dt><dd id="ocsp-reason">{}</dd>
"#,
            lang.t("Thu hồi lúc (OCSP)"),
            time_of(o, "revoked_at"),
            lang.t("Lý do (OCSP)"),
            esc(&o["reason"].as_str().map_or_else(
                || lang.t("Không nêu lý do").to_owned(),
                |r| reason_in(lang, r)
            )),
        )
    } else {
        String::new()
    };
    format!(
        r#"<dl class="facts">
<dt>{l_status}</dt><dd id="ocsp-status">{status}</dd>
{revoked}<dt>{l_this}</dt><dd id="ocsp-this-update">{this}</dd>
<dt>{l_next}</dt><dd id="ocsp-next-update">{next}</dd>
</dl>"#,
        l_status = lang.t("Trạng thái OCSP"),
        status = esc(&ocsp_status_in(
            lang,
            o["status"].as_str().unwrap_or_default()
        )),
        l_this = lang.t("Cập nhật lúc (thisUpdate)"),
        this = time_of(o, "this_update"),
        l_next = lang.t("Cập nhật tiếp theo (nextUpdate)"),
        next = time_of(o, "next_update"),
    )
}

/// The CRL that first listed the revocation, if any.
fn crl_facts(lang: Lang, r: &Value) -> String {
    if r.is_null() {
        return String::new();
    }
    let heading = lang.t("Danh sách chứng thư bị thu hồi (CRL)");
    if r["listed"] != Value::Bool(true) {
        return format!(
            r#"<h2>{heading}</h2>
<p id="crl-first" class="notice">{}</p>"#,
            lang.t("Chưa có CRL nào đã phát hành liệt kê chứng thư này; chứng thư sẽ có trong CRL phát hành tiếp theo.")
        );
    }
    let number = r["number"].as_i64().unwrap_or_default();
    let kind = if r["delta"] == Value::Bool(true) {
        lang.tf("CRL bổ sung (delta) số {}", &[&number])
    } else {
        lang.tf("CRL đầy đủ số {}", &[&number])
    };
    format!(
        r#"<h2>{heading}</h2>
<dl class="facts">
<dt>{l_first}</dt><dd id="crl-first"><a href="{url}">{kind}</a></dd>
<dt>{l_this}</dt><dd id="crl-this-update">{this}</dd>
<dt>{l_next}</dt><dd>{next}</dd>
</dl>"#,
        l_first = lang.t("Lần đầu có trong"),
        url = text(r, "url"),
        l_this = lang.t("CRL phát hành lúc (thisUpdate)"),
        this = time_of(r, "this_update"),
        l_next = lang.t("CRL cập nhật tiếp theo (nextUpdate)"),
        next = time_of(r, "next_update"),
    )
}

/// A revocation reason in `lang`, followed by its name.
pub(super) fn reason_in(lang: Lang, s: &str) -> String {
    if lang == Lang::Vi {
        return vi::reason(s);
    }
    let label = match s {
        "unspecified" => "Unspecified",
        "key-compromise" => "Key compromise",
        "ca-compromise" => "CA key compromise",
        "affiliation-changed" => "Change of affiliation",
        "superseded" => "Superseded by a new certificate",
        "cessation-of-operation" => "Cessation of operation",
        "certificate-hold" => "Suspended",
        "privilege-withdrawn" => "Privilege withdrawn",
        "aa-compromise" => "Attribute authority key compromise",
        other => other,
    };
    label.to_owned()
}

/// An OCSP certificate status in `lang`.
fn ocsp_status_in(lang: Lang, s: &str) -> String {
    match (lang, s) {
        (Lang::Vi, _) => vi::ocsp_status(s).to_owned(),
        (Lang::En, "good") => "Valid (good)".to_owned(),
        (Lang::En, "revoked") => "Revoked (revoked)".to_owned(),
        (Lang::En, "unknown") => "Unknown (unknown)".to_owned(),
        (Lang::En, other) => other.to_owned(),
    }
}

fn results(
    session: &WebSession,
    status: Status,
    form: &SearchForm,
    found: &Found<'_>,
    errors: &FormErrors,
) -> Reply {
    let v = |f: &Option<String>| f.clone().unwrap_or_default();
    let statuses: Vec<(String, String)> =
        ["", "good", "suspended", "revoked", "expired", "pending"]
            .iter()
            .map(|s| {
                let label = if s.is_empty() {
                    session.t("— Tất cả —")
                } else {
                    session.state(s)
                };
                ((*s).to_owned(), label.to_owned())
            })
            .collect();
    let fields = [
        errors.field("serial", session.t("Số hiệu"), "text", &v(&form.serial), ""),
        errors.field(
            "name",
            session.t("Họ tên / tên tổ chức"),
            "text",
            &v(&form.name),
            "",
        ),
        errors.field(
            "national_id",
            session.t("Số CCCD hoặc mã số thuế"),
            "text",
            &v(&form.national_id),
            "",
        ),
        errors.field("unit", session.t("Đơn vị"), "text", &v(&form.unit), ""),
        errors.field(
            "token",
            session.t("Số sê-ri thiết bị"),
            "text",
            &v(&form.token),
            "",
        ),
        errors.select(
            "status",
            session.t("Trạng thái"),
            &statuses,
            &v(&form.status),
        ),
        errors.field(
            "within",
            session.t("Hết hạn trong vòng (ngày)"),
            "number",
            &v(&form.within),
            r#"min="0" inputmode="numeric""#,
        ),
    ]
    .concat();
    // A search narrowed to one subscriber (linked from their page) stays so.
    let fields = match &form.subscriber_id {
        Some(id) => format!(
            r#"{fields}<input type="hidden" name="subscriber_id" value="{}">"#,
            esc(id)
        ),
        None => fields,
    };
    let rows: Vec<Vec<String>> = found
        .rows
        .iter()
        .map(|c| {
            let serial = c["serial"].as_str().unwrap_or_default();
            let mut status = session
                .state(c["status"].as_str().unwrap_or_default())
                .to_owned();
            if c["expired"] == Value::Bool(true) {
                status = session.state("expired").to_owned();
            }
            vec![
                format!(r#"<a href="/certificates/{s}">{s}</a>"#, s = esc(serial)),
                esc(c["subscriber_name"].as_str().unwrap_or_default()),
                esc(c["subscriber_uid"].as_str().unwrap_or("—")),
                esc(&status),
                esc(&vn_time::display_rfc3339(
                    c["not_after"].as_str().unwrap_or_default(),
                )),
                esc(c["province"].as_str().unwrap_or_default()),
            ]
        })
        .collect();
    let body = format!(
        r#"{general}<form method="get" action="/certificates" class="card search" role="search" novalidate>
{fields}<button type="submit">{search}</button></form>
{table}"#,
        search = session.t("Tìm kiếm"),
        general = errors.general(&[
            "serial",
            "name",
            "national_id",
            "unit",
            "token",
            "status",
            "within"
        ]),
        table = list_table(
            session.lang,
            "/certificates",
            session.t("Kết quả tìm kiếm"),
            &[
                Column::sorted(session.t("Số hiệu"), "serial"),
                Column::sorted(session.t("Thuê bao"), "name"),
                Column::plain(session.t("Số định danh")),
                Column::sorted(session.t("Trạng thái"), "status"),
                Column::sorted(session.t("Hết hạn"), "not_after"),
                Column::sorted(session.t("Tỉnh, thành phố"), "province"),
            ],
            &rows,
            found.query,
            &found.info,
        ),
    );
    session.page(status, session.t("Tìm kiếm chứng thư số"), &body)
}
