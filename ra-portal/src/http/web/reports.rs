//! The report pages (`/reports`: certificates by status and kind, expiring
//! soon, units with an organization certificate, turnaround; each with a
//! chart, its table and its CSV download) and the audit log page
//! (`/audit`, admins and auditors). They call [`crate::reports`] and
//! [`crate::audit_view`], as the API does, so both show the same figures.

use std::sync::Arc;

use rocket::http::Status;
use rocket::State;

use super::chart::{bar_chart, Bar};
use super::html::{esc, table};
use super::lang::Lang;
use super::pages::{en_message, Reply};
use super::registry::refusal_status;
use super::vi::{self, FormErrors};
use super::WebSession;
use crate::audit_view::{self, AuditFilters, AuditPage};
use crate::error::PortalError;
use crate::error_code::ErrorCode;
use crate::http::query::{AuditQuery, ReportQuery};
use crate::http::{blocking, RawQuery};
use crate::listing::ListQuery;
use crate::reports::{
    self, Counts, ExpiringReport, ReportFilters, StatusReport, TurnaroundReport, UnitsReport,
};
use crate::role::Role;
use crate::vn_time;
use crate::PortalState;

/// Everything the reports page shows.
struct AllReports {
    status: StatusReport,
    expiring: ExpiringReport,
    units: UnitsReport,
    turnaround: TurnaroundReport,
}

#[rocket::get("/reports?<filters..>")]
pub(super) async fn page(
    state: &State<Arc<PortalState>>,
    session: Result<WebSession, PortalError>,
    filters: ReportQuery,
) -> Reply {
    let filters = ReportFilters::from(filters);
    let session = match WebSession::require(session) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let ca = Arc::clone(&state.ca);
    let user = session.user.clone();
    let f = filters.clone();
    let outcome = blocking(move || {
        let units = crate::registry::units(&ca, &user)?;
        let all = (|| -> Result<AllReports, PortalError> {
            Ok(AllReports {
                status: reports::status(&ca, &user, &f)?,
                expiring: reports::expiring(&ca, &user, &f)?,
                units: reports::units(&ca, &user, &f)?,
                turnaround: reports::turnaround(&ca, &user, &f)?,
            })
        })();
        Ok((units, all))
    })
    .await;
    let (units, all) = match outcome {
        Ok(v) => v,
        Err(e) => return session.error_page(&e),
    };
    match all {
        Ok(all) => {
            let body = format!(
                "{}{}",
                form(&session, &filters, &units, &FormErrors::default()),
                sections(session.lang, &all, &query(&filters))
            );
            session.page(Status::Ok, session.t("Báo cáo"), &body)
        }
        Err(e @ PortalError::Forbidden(_)) => session.error_page(&e),
        Err(e) => {
            let errors = report_errors(session.lang, &e);
            let body = form(&session, &filters, &units, &errors);
            session.page(refusal_status(&e), session.t("Báo cáo"), &body)
        }
    }
}

/// The message of a refused filter in `lang` (the API's own message in
/// English), next to its field.
fn report_errors(lang: Lang, e: &PortalError) -> FormErrors {
    let PortalError::Invalid { code, message } = e else {
        return FormErrors::from_error_in(lang, e);
    };
    let (field, text) = match *code {
        ErrorCode::UnknownProvince => (
            "province",
            "Không phải một trong 34 tỉnh, thành phố hiện hành.",
        ),
        ErrorCode::InvalidUnit | ErrorCode::UnknownUnit => ("unit", "Không tìm thấy đơn vị này."),
        ErrorCode::UnitNotInProvince => ("unit", "Đơn vị này không thuộc tỉnh, thành phố đã chọn."),
        ErrorCode::InvalidDate if message.starts_with("to") => (
            "to",
            "Ngày không hợp lệ: nhập theo dạng năm-tháng-ngày (2026-01-31).",
        ),
        ErrorCode::InvalidDate => (
            "from",
            "Ngày không hợp lệ: nhập theo dạng năm-tháng-ngày (2026-01-31).",
        ),
        ErrorCode::InvalidPeriod => ("to", "Ngày kết thúc phải sau ngày bắt đầu."),
        ErrorCode::InvalidPage => ("page", "Số trang phải là số nguyên từ 1."),
        ErrorCode::InvalidPerPage => ("per_page", "Số dòng mỗi trang phải từ 1 đến 200."),
        _ => return FormErrors::from_error_in(lang, e),
    };
    match lang {
        Lang::Vi => FormErrors::on(field, text),
        Lang::En => FormErrors::on(field, en_message(e)),
    }
}

/// The filters as a query string (for the CSV links).
fn query(f: &ReportFilters) -> String {
    let parts: Vec<String> = [
        ("province", &f.province),
        ("unit", &f.unit),
        ("from", &f.from),
        ("to", &f.to),
    ]
    .iter()
    .filter_map(|(k, v)| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(|v| format!("{k}={}", percent(v)))
    })
    .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

/// Percent-encodes a query value (UTF-8).
pub(super) fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn form(
    session: &WebSession,
    f: &ReportFilters,
    units: &[serde_json::Value],
    errors: &FormErrors,
) -> String {
    let lang = session.lang;
    let v = |x: &Option<String>| x.clone().unwrap_or_default();
    let province = if session.user.role.is_provincial() {
        format!(
            r#"<p>{}: <strong>{}</strong></p>"#,
            lang.t("Tỉnh, thành phố"),
            esc(session.user.province.as_deref().unwrap_or("—"))
        )
    } else {
        let mut options = vec![(String::new(), lang.t("— Tất cả —").to_owned())];
        options.extend(
            ca_core::subject::all_provinces()
                .iter()
                .map(|p| (p.name.to_owned(), p.name.to_owned())),
        );
        let given = v(&f.province);
        if !given.is_empty() && !options.iter().any(|(o, _)| *o == given) {
            options.push((given.clone(), given.clone()));
        }
        errors.select("province", lang.t("Tỉnh, thành phố"), &options, &given)
    };
    let mut unit_options = vec![(String::new(), lang.t("— Tất cả —").to_owned())];
    unit_options.extend(units.iter().map(|u| {
        (
            u["id"].to_string(),
            format!(
                "{} ({})",
                u["name"].as_str().unwrap_or_default(),
                u["province"].as_str().unwrap_or_default()
            ),
        )
    }));
    let given_unit = v(&f.unit);
    if !given_unit.is_empty() && !unit_options.iter().any(|(o, _)| *o == given_unit) {
        unit_options.push((given_unit.clone(), given_unit.clone()));
    }
    format!(
        r#"{general}<form method="get" action="/reports" class="card search" novalidate>
{province}{unit}{from}{to}<button type="submit">{submit}</button></form>
"#,
        submit = lang.t("Xem báo cáo"),
        general = errors.general(&["province", "unit", "from", "to"]),
        unit = errors.select("unit", lang.t("Đơn vị"), &unit_options, &given_unit),
        from = errors.field(
            "from",
            lang.t("Yêu cầu gửi từ ngày (thời gian xử lý)"),
            "date",
            &v(&f.from),
            "",
        ),
        to = errors.field("to", lang.t("đến ngày"), "date", &v(&f.to), ""),
    )
}

fn counts_cells(c: &Counts) -> Vec<String> {
    [
        c.active,
        c.suspended,
        c.revoked,
        c.replaced,
        c.expired,
        c.total,
        c.individual,
        c.organization,
        c.device,
    ]
    .iter()
    .map(ToString::to_string)
    .collect()
}

fn unit_label(lang: Lang, unit: Option<&String>) -> String {
    unit.map_or_else(|| lang.t("(không thuộc đơn vị)").to_owned(), Clone::clone)
}

fn csv_link(lang: Lang, name: &str, query: &str) -> String {
    format!(
        r#"<p><a class="download" href="/api/v1/reports/{name}.xlsx{q}" download>{xlsx}</a> · <a class="download" href="/api/v1/reports/{name}.csv{q}" download>{csv}</a> · <a href="/api/v1/reports/{name}{q}">JSON</a></p>"#,
        q = esc(query),
        xlsx = lang.t("Tải về Excel"),
        csv = lang.t("Tải về CSV"),
    )
}

fn sections(lang: Lang, all: &AllReports, query: &str) -> String {
    [
        status_section(lang, &all.status, query),
        expiring_section(lang, &all.expiring, query),
        units_section(lang, &all.units, query),
        turnaround_section(lang, &all.turnaround, query),
    ]
    .concat()
}

fn status_section(lang: Lang, r: &StatusReport, query: &str) -> String {
    let t = &r.totals;
    let chart = bar_chart(
        "chart-status",
        lang.t("Chứng thư số theo trạng thái"),
        &[
            Bar::new(lang.t("Đang hoạt động"), t.active),
            Bar::new(lang.t("Tạm dừng"), t.suspended),
            Bar::new(lang.t("Đã thu hồi"), t.revoked),
            Bar::new(lang.t("Đã được thay thế"), t.replaced),
            Bar::new(lang.t("Hết hạn"), t.expired),
            Bar::new(lang.t("Cá nhân"), t.individual),
            Bar::new(lang.t("Tổ chức"), t.organization),
        ],
    );
    let mut rows = Vec::new();
    for p in &r.provinces {
        for u in &p.units {
            let mut row = vec![esc(&p.province), esc(&unit_label(lang, u.unit.as_ref()))];
            row.extend(counts_cells(&u.figures));
            rows.push(row);
        }
        let mut row = vec![
            format!("<strong>{}</strong>", esc(&p.province)),
            format!("<strong>{}</strong>", lang.t("Cả tỉnh")),
        ];
        row.extend(counts_cells(&p.figures));
        rows.push(row);
    }
    let mut row = vec![
        format!("<strong>{}</strong>", lang.t("Tổng cộng")),
        String::new(),
    ];
    row.extend(counts_cells(t));
    rows.push(row);
    format!(
        r#"<section id="status"><h2>{heading}</h2>
{chart}{table}{csv}</section>
"#,
        heading = lang.t("Chứng thư số theo trạng thái và loại thuê bao"),
        table = table(
            lang,
            lang.t("Chứng thư số theo tỉnh, thành phố và đơn vị"),
            &[
                lang.t("Tỉnh, thành phố"),
                lang.t("Đơn vị"),
                lang.t("Đang hoạt động"),
                lang.t("Tạm dừng"),
                lang.t("Đã thu hồi"),
                lang.t("Đã được thay thế"),
                lang.t("Hết hạn"),
                lang.t("Tổng"),
                lang.t("Cá nhân"),
                lang.t("Tổ chức"),
                lang.t("Thiết bị, dịch vụ"),
            ],
            &rows
        ),
        csv = csv_link(lang, "status", query),
    )
}

fn expiring_section(lang: Lang, r: &ExpiringReport, query: &str) -> String {
    let t = &r.totals;
    let chart = bar_chart(
        "chart-expiring",
        lang.t("Chứng thư số sắp hết hạn"),
        &[
            Bar::new(lang.t("Trong 30 ngày"), t.within_30),
            Bar::new(lang.t("Trong 60 ngày"), t.within_60),
            Bar::new(lang.t("Trong 90 ngày"), t.within_90),
        ],
    );
    let cells = |e: &reports::Expiring| {
        vec![
            e.within_30.to_string(),
            e.within_60.to_string(),
            e.within_90.to_string(),
        ]
    };
    let mut rows = Vec::new();
    for p in &r.provinces {
        for u in &p.units {
            let mut row = vec![esc(&p.province), esc(&unit_label(lang, u.unit.as_ref()))];
            row.extend(cells(&u.figures));
            rows.push(row);
        }
    }
    let mut row = vec![
        format!("<strong>{}</strong>", lang.t("Tổng cộng")),
        String::new(),
    ];
    row.extend(cells(t));
    rows.push(row);
    let list: Vec<Vec<String>> = r
        .certificates
        .iter()
        .map(|c| {
            vec![
                format!(r#"<a href="/certificates/{s}">{s}</a>"#, s = esc(&c.serial)),
                esc(&c.subscriber),
                esc(vi::state_in(lang, &c.kind)),
                esc(&c.province),
                esc(&unit_label(lang, c.unit.as_ref())),
                esc(&vn_time::display(c.not_after)),
                c.days_left.to_string(),
            ]
        })
        .collect();
    format!(
        r#"<section id="expiring"><h2>{heading}</h2>
{chart}{table}{csv}{list}</section>
"#,
        heading = lang.t("Chứng thư số sắp hết hạn (đang hoạt động)"),
        table = table(
            lang,
            lang.t("Sắp hết hạn theo đơn vị"),
            &[
                lang.t("Tỉnh, thành phố"),
                lang.t("Đơn vị"),
                lang.t("Trong 30 ngày"),
                lang.t("Trong 60 ngày"),
                lang.t("Trong 90 ngày")
            ],
            &rows
        ),
        csv = csv_link(lang, "expiring", query),
        list = table(
            lang,
            lang.t("Danh sách chứng thư số hết hạn trong 90 ngày"),
            &[
                lang.t("Số hiệu"),
                lang.t("Thuê bao"),
                lang.t("Loại"),
                lang.t("Tỉnh, thành phố"),
                lang.t("Đơn vị"),
                lang.t("Hết hạn"),
                lang.t("Còn (ngày)")
            ],
            &list
        ),
    )
}

fn units_section(lang: Lang, r: &UnitsReport, query: &str) -> String {
    let bars: Vec<Bar> = r
        .provinces
        .iter()
        .map(|p| Bar::part(&p.province, p.with_organization_certificate, p.units))
        .collect();
    let chart = bar_chart(
        "chart-units",
        lang.t("Đơn vị có chứng thư số tổ chức trên tổng số đơn vị"),
        &bars,
    );
    let rows: Vec<Vec<String>> = r
        .provinces
        .iter()
        .map(|p| {
            vec![
                esc(&p.province),
                p.with_organization_certificate.to_string(),
                p.units.to_string(),
                format!(r#"<span class="fraction">{}</span>"#, esc(&p.fraction)),
            ]
        })
        .collect();
    let unit_rows: Vec<Vec<String>> = r
        .units
        .iter()
        .map(|u| {
            vec![
                esc(&u.province),
                esc(&u.unit),
                u.active_organization_certificates.to_string(),
            ]
        })
        .collect();
    format!(
        r#"<section id="units"><h2>{heading}</h2>
{chart}{table}{csv}{units}</section>
"#,
        heading = lang.t("Đơn vị có chứng thư số tổ chức"),
        table = table(
            lang,
            lang.t("Đơn vị có ít nhất một chứng thư số tổ chức đang hoạt động"),
            &[
                lang.t("Tỉnh, thành phố"),
                lang.t("Đơn vị có chứng thư"),
                lang.t("Tổng số đơn vị"),
                lang.t("Tỷ lệ")
            ],
            &rows
        ),
        csv = csv_link(lang, "units", query),
        units = table(
            lang,
            lang.t("Chứng thư số tổ chức đang hoạt động theo đơn vị"),
            &[
                lang.t("Tỉnh, thành phố"),
                lang.t("Đơn vị"),
                lang.t("Chứng thư số tổ chức")
            ],
            &unit_rows
        ),
    )
}

fn turnaround_section(lang: Lang, r: &TurnaroundReport, query: &str) -> String {
    let t = &r.totals;
    let chart = bar_chart(
        "chart-turnaround",
        lang.t("Thời gian xử lý yêu cầu"),
        &[
            Bar::new(lang.t("Đã cấp"), t.completed),
            Bar::new(
                lang.tf("Quá {} ngày làm việc", &[&r.target_working_days]),
                t.breaches,
            ),
            Bar::new(lang.t("Đang chờ, đã quá hạn"), t.pending_overdue),
        ],
    );
    let cells = |name: String, f: &reports::Turnaround| {
        vec![
            name,
            f.completed.to_string(),
            f.breaches.to_string(),
            f.pending_overdue.to_string(),
            format!("{:.1}", f.average_working_days),
            f.max_working_days.to_string(),
        ]
    };
    let mut rows: Vec<Vec<String>> = r
        .provinces
        .iter()
        .map(|p| cells(esc(&p.province), &p.figures))
        .collect();
    rows.push(cells(
        format!("<strong>{}</strong>", lang.t("Tổng cộng")),
        t,
    ));
    let flagged: Vec<Vec<String>> = r
        .flagged
        .iter()
        .map(|q| {
            let what = if q.finished_at.is_some() {
                lang.t("Cấp quá hạn")
            } else {
                lang.t("Đang chờ quá hạn")
            };
            vec![
                format!(r#"<a href="/requests/{id}">{id}</a>"#, id = q.id),
                esc(&q.kind),
                esc(vi::state_in(lang, &q.state)),
                esc(&q.province),
                esc(&vn_time::display(q.submitted_at)),
                q.working_days.to_string(),
                format!(r#"<span class="breach">{what}</span>"#),
            ]
        })
        .collect();
    format!(
        r#"<section id="turnaround"><h2>{heading}</h2>
<p>{note}</p>
{chart}{table}{csv}{flagged}</section>
"#,
        heading = lang.tf(
            "Thời gian xử lý (chỉ tiêu {} ngày làm việc)",
            &[&r.target_working_days]
        ),
        note = lang.t(
            "Tính từ khi gửi yêu cầu đến khi cấp, không kể thứ Bảy, Chủ nhật và ngày nghỉ lễ, Tết."
        ),
        table = table(
            lang,
            lang.t("Thời gian xử lý theo tỉnh, thành phố"),
            &[
                lang.t("Tỉnh, thành phố"),
                lang.t("Đã cấp"),
                lang.t("Quá hạn"),
                lang.t("Đang chờ quá hạn"),
                lang.t("Trung bình (ngày làm việc)"),
                lang.t("Lâu nhất (ngày làm việc)")
            ],
            &rows
        ),
        csv = csv_link(lang, "turnaround", query),
        flagged = table(
            lang,
            lang.t("Yêu cầu quá hạn"),
            &[
                lang.t("Yêu cầu"),
                lang.t("Loại"),
                lang.t("Trạng thái"),
                lang.t("Tỉnh, thành phố"),
                lang.t("Gửi lúc"),
                lang.t("Số ngày làm việc"),
                lang.t("Cảnh báo")
            ],
            &flagged
        ),
    )
}

#[rocket::get("/audit?<filters..>")]
pub(super) async fn audit(
    state: &State<Arc<PortalState>>,
    session: Result<WebSession, PortalError>,
    filters: AuditQuery,
    query: RawQuery,
) -> Reply {
    let filters = AuditFilters::from(filters);
    let session = match WebSession::require(session) {
        Ok(s) => s,
        Err(r) => return r,
    };
    if let Err(e) = ListQuery::parse(query.as_deref(), audit_view::AUDIT_LIST) {
        return session.error_page(&e);
    }
    let ca = Arc::clone(&state.ca);
    let user = session.user.clone();
    let f = filters.clone();
    match blocking(move || audit_view::view(&ca, &user, &f)).await {
        Ok(page) => {
            let body = format!(
                "{}{}{}",
                chain_box(session.lang, &page),
                audit_form(session.lang, &filters, &FormErrors::default()),
                audit_table(session.lang, &page, &filters)
            );
            session.page(Status::Ok, session.t("Nhật ký kiểm toán"), &body)
        }
        Err(e @ PortalError::Invalid { .. }) => {
            let errors = report_errors(session.lang, &e);
            let body = audit_form(session.lang, &filters, &errors);
            session.page(refusal_status(&e), session.t("Nhật ký kiểm toán"), &body)
        }
        Err(e) => session.error_page(&e),
    }
}

fn chain_box(lang: Lang, page: &AuditPage) -> String {
    let c = &page.chain;
    if c.ok {
        format!(
            r#"<div class="card chain-ok" id="chain" role="status"><p><strong>{intact}</strong>: {checked}</p><p>{last}</p></div>
"#,
            intact = lang.t("Chuỗi băm toàn vẹn"),
            checked = lang.tf("{} sự kiện đã được kiểm tra.", &[&c.events.unwrap_or(0)]),
            last = lang.tf(
                "Sự kiện cuối: số {}, mã băm <code>{}</code>",
                &[&c.head_seq, &esc(&c.head_hash)]
            ),
        )
    } else {
        format!(
            r#"<div class="card chain-broken form-error" id="chain" role="alert"><p><strong>{broken}</strong> {at}</p><p>{details}</p></div>
"#,
            broken = lang.t("Chuỗi băm bị phá vỡ"),
            at = lang.tf(
                "tại sự kiện số {}: nhật ký từ sự kiện này trở đi không còn đáng tin cậy.",
                &[&c.broken_seq.unwrap_or_default()]
            ),
            details = lang.tf(
                "Chi tiết: {}",
                &[&esc(&chain_reason(
                    lang,
                    c.reason.as_deref().unwrap_or_default()
                ))]
            ),
        )
    }
}

/// Why the hash chain is broken, in `lang` (ca-core words it in English,
/// one sentence per kind of break).
fn chain_reason(lang: Lang, reason: &str) -> String {
    if lang == Lang::En {
        return reason.to_owned();
    }
    let vi = if reason.contains("last event deleted") {
        "sự kiện cuối cùng đã bị xóa."
    } else if reason.starts_with("head hash") {
        "mã băm ở đầu chuỗi không khớp với sự kiện cuối cùng."
    } else if reason.contains("beyond the head") {
        "có sự kiện nằm ngoài chuỗi (được chèn thêm, hoặc đầu chuỗi bị quay lui)."
    } else if reason.starts_with("prev_hash") {
        "mã băm liên kết không khớp với sự kiện trước (sự kiện bị xóa hoặc đổi thứ tự)."
    } else if reason.contains("(edited)") {
        "nội dung sự kiện đã bị sửa: mã băm không khớp."
    } else {
        "chuỗi băm không khớp."
    };
    vi.to_owned()
}

fn audit_form(lang: Lang, f: &AuditFilters, errors: &FormErrors) -> String {
    let v = |x: &Option<String>| x.clone().unwrap_or_default();
    format!(
        r#"{general}<form method="get" action="/audit" class="card search" role="search" novalidate>
{actor}{action}{object}{from}{to}{per_page}<button type="submit">{filter}</button></form>
"#,
        filter = lang.t("Lọc"),
        general = errors.general(&["actor", "action", "object", "from", "to", "per_page"]),
        actor = errors.field("actor", lang.t("Người thực hiện"), "text", &v(&f.actor), ""),
        action = errors.select(
            "action",
            lang.t("Thao tác"),
            &action_options(lang),
            &v(&f.action),
        ),
        object = errors.field("object", lang.t("Đối tượng"), "text", &v(&f.object), ""),
        from = errors.field("from", lang.t("Từ ngày"), "date", &v(&f.from), ""),
        to = errors.field("to", lang.t("Đến ngày"), "date", &v(&f.to), ""),
        per_page = errors.field(
            "per_page",
            lang.t("Số dòng mỗi trang"),
            "number",
            &v(&f.per_page),
            r#"min="1" max="200" inputmode="numeric""#
        ),
    )
}

/// Every audit action, by its name in `lang`, for the filter.
fn action_options(lang: Lang) -> Vec<(String, String)> {
    let mut options: Vec<(String, String)> = ca_core::audit::AUDIT_ACTIONS
        .iter()
        .map(|a| {
            (
                a.as_str().to_owned(),
                super::audit_action::label(lang, *a).to_owned(),
            )
        })
        .collect();
    options.sort_by(|a, b| a.1.cmp(&b.1));
    options.insert(0, (String::new(), lang.t("Tất cả").to_owned()));
    options
}

fn audit_table(lang: Lang, page: &AuditPage, f: &AuditFilters) -> String {
    let rows: Vec<Vec<String>> = page
        .events
        .iter()
        .map(|e| {
            vec![
                e.seq.to_string(),
                esc(&vn_time::display(e.at)),
                esc(&e.actor),
                match e.action.parse::<ca_core::audit::AuditAction>() {
                    Ok(a) => format!(
                        r#"<span title="{code}">{}</span>"#,
                        esc(super::audit_action::label(lang, a)),
                        code = esc(&e.action)
                    ),
                    Err(_) => esc(&e.action),
                },
                format!(
                    r#"<span title="{raw}">{}</span>"#,
                    esc(&super::audit_action::object(lang, &e.object)),
                    raw = esc(&e.object)
                ),
                esc(&super::audit_action::details(lang, &e.details)),
            ]
        })
        .collect();
    let pages = (page.total + page.per_page - 1) / page.per_page;
    let link = |n: i64, label: &str| {
        let mut at = f.clone();
        at.page = Some(n.to_string());
        format!(r#"<a href="/audit?{}">{label}</a>"#, esc(&audit_query(&at)))
    };
    let mut nav = lang.tf(
        "Trang {} / {} ({} sự kiện)",
        &[&page.page, &pages.max(1), &page.total],
    );
    if page.page > 1 {
        nav = format!("{} · {nav}", link(page.page - 1, lang.t("‹ Trang trước")));
    }
    if page.page < pages {
        nav = format!("{nav} · {}", link(page.page + 1, lang.t("Trang sau ›")));
    }
    // The one sortable column: the sequence number, newest or oldest first.
    let (caption, other, other_dir) = if page.dir == "asc" {
        (
            lang.t("Sự kiện (cũ nhất trước)"),
            lang.t("Mới nhất trước"),
            "desc",
        )
    } else {
        (
            lang.t("Sự kiện (mới nhất trước)"),
            lang.t("Cũ nhất trước"),
            "asc",
        )
    };
    let mut flipped = f.clone();
    flipped.dir = Some(other_dir.to_owned());
    flipped.page = None;
    let order = format!(
        r#"<p class="sort">{}: <a href="/audit?{}">{other}</a></p>"#,
        lang.t("Sắp xếp"),
        esc(&audit_query(&flipped)),
    );
    format!(
        r#"{order}{table}<nav class="pages" aria-label="{paging}"><p>{nav}</p></nav>
"#,
        paging = lang.t("Phân trang"),
        table = table(
            lang,
            caption,
            &[
                lang.t("Số"),
                lang.t("Thời điểm (giờ Việt Nam)"),
                lang.t("Người thực hiện"),
                lang.t("Thao tác"),
                lang.t("Đối tượng"),
                lang.t("Chi tiết")
            ],
            &rows
        ),
    )
}

/// The query string of the audit page with filters `f` (blank ones left
/// out).
fn audit_query(f: &AuditFilters) -> String {
    [
        ("actor", &f.actor),
        ("action", &f.action),
        ("object", &f.object),
        ("from", &f.from),
        ("to", &f.to),
        ("per_page", &f.per_page),
        ("limit", &f.limit),
        ("dir", &f.dir),
        ("page", &f.page),
    ]
    .iter()
    .filter_map(|(k, v)| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(|v| format!("{k}={}", percent(v)))
    })
    .collect::<Vec<_>>()
    .join("&")
}

/// Whether the role reads the audit log (for the navigation bar).
pub(super) fn reads_audit(role: Role) -> bool {
    crate::authz::allowed(role, crate::authz::Action::Audit, false)
}
