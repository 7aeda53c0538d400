//! The report pages (`/reports`: certificates by status and kind, expiring
//! soon, units with an organization certificate, turnaround; each with a
//! chart, its table and its CSV download) and the audit log page
//! (`/audit`, admins and auditors). They call [`crate::reports`] and
//! [`crate::audit_view`], as the API does, so both show the same figures.

use std::sync::Arc;

use rocket::http::Status;
use rocket::State;

use super::chart::{bar_chart, Bar};
use super::html::{esc, field, select, table};
use super::lang::Lang;
use super::pages::Reply;
use super::registry::refusal_status;
use super::vi::{self, FormErrors};
use super::WebSession;
use crate::api::blocking;
use crate::audit_view::{self, AuditFilters, AuditPage};
use crate::reports::{
    self, Counts, ExpiringReport, ReportFilters, StatusReport, TurnaroundReport, UnitsReport,
};
use crate::{PortalError, PortalState, Role};

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
    filters: ReportFilters,
) -> Reply {
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
                sections(&all, &query(&filters))
            );
            session.page(Status::Ok, "Báo cáo", &body)
        }
        Err(e @ PortalError::Forbidden(_)) => session.error_page(&e),
        Err(e) => {
            let errors = report_errors(&e);
            let body = form(&session, &filters, &units, &errors);
            session.page(refusal_status(&e), "Báo cáo", &body)
        }
    }
}

/// The Vietnamese message of a refused filter, next to its field.
fn report_errors(e: &PortalError) -> FormErrors {
    let PortalError::Invalid { code, message } = e else {
        return FormErrors::from_error(e);
    };
    let (field, text) = match *code {
        "unknown_province" => (
            "province",
            "Không phải một trong 34 tỉnh, thành phố hiện hành.",
        ),
        "invalid_unit" | "unknown_unit" => ("unit", "Không tìm thấy đơn vị này."),
        "unit_not_in_province" => ("unit", "Đơn vị này không thuộc tỉnh, thành phố đã chọn."),
        "invalid_date" if message.starts_with("to") => (
            "to",
            "Ngày không hợp lệ: nhập theo dạng năm-tháng-ngày (2026-01-31).",
        ),
        "invalid_date" => (
            "from",
            "Ngày không hợp lệ: nhập theo dạng năm-tháng-ngày (2026-01-31).",
        ),
        "invalid_period" => ("to", "Ngày kết thúc phải sau ngày bắt đầu."),
        "invalid_page" => ("page", "Số trang phải là số nguyên từ 1."),
        "invalid_per_page" => ("per_page", "Số dòng mỗi trang phải từ 1 đến 200."),
        _ => return FormErrors::from_error(e),
    };
    FormErrors::on(field, text)
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
    let v = |x: &Option<String>| x.clone().unwrap_or_default();
    let province = if session.user.role.is_provincial() {
        format!(
            r#"<p>Tỉnh, thành phố: <strong>{}</strong></p>"#,
            esc(session.user.province.as_deref().unwrap_or("—"))
        )
    } else {
        let mut options = vec![(String::new(), "— Tất cả —".to_owned())];
        options.extend(
            ca_core::subject::all_provinces()
                .iter()
                .map(|p| (p.name.to_owned(), p.name.to_owned())),
        );
        let given = v(&f.province);
        if !given.is_empty() && !options.iter().any(|(o, _)| *o == given) {
            options.push((given.clone(), given.clone()));
        }
        select(
            "province",
            "Tỉnh, thành phố",
            &options,
            &given,
            errors.get("province"),
        )
    };
    let mut unit_options = vec![(String::new(), "— Tất cả —".to_owned())];
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
{province}{unit}{from}{to}<button type="submit">Xem báo cáo</button></form>
"#,
        general = errors.general(&["province", "unit", "from", "to"]),
        unit = select(
            "unit",
            "Đơn vị",
            &unit_options,
            &given_unit,
            errors.get("unit")
        ),
        from = field(
            "from",
            "Yêu cầu gửi từ ngày (thời gian xử lý)",
            "date",
            &v(&f.from),
            errors.get("from"),
            "",
        ),
        to = field("to", "đến ngày", "date", &v(&f.to), errors.get("to"), ""),
    )
}

fn counts_cells(c: &Counts) -> Vec<String> {
    [
        c.active,
        c.suspended,
        c.revoked,
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

fn unit_label(unit: Option<&String>) -> String {
    unit.map_or_else(|| "(không thuộc đơn vị)".to_owned(), Clone::clone)
}

fn csv_link(name: &str, query: &str) -> String {
    format!(
        r#"<p><a class="download" href="/api/v1/reports/{name}.csv{q}" download>Tải về CSV</a> · <a href="/api/v1/reports/{name}{q}">JSON</a></p>"#,
        q = esc(query)
    )
}

fn sections(all: &AllReports, query: &str) -> String {
    [
        status_section(&all.status, query),
        expiring_section(&all.expiring, query),
        units_section(&all.units, query),
        turnaround_section(&all.turnaround, query),
    ]
    .concat()
}

fn status_section(r: &StatusReport, query: &str) -> String {
    let t = &r.totals;
    let chart = bar_chart(
        "chart-status",
        "Chứng thư số theo trạng thái",
        &[
            Bar::new("Đang hoạt động", t.active),
            Bar::new("Tạm dừng", t.suspended),
            Bar::new("Đã thu hồi", t.revoked),
            Bar::new("Hết hạn", t.expired),
            Bar::new("Cá nhân", t.individual),
            Bar::new("Tổ chức", t.organization),
        ],
    );
    let mut rows = Vec::new();
    for p in &r.provinces {
        for u in &p.units {
            let mut row = vec![esc(&p.province), esc(&unit_label(u.unit.as_ref()))];
            row.extend(counts_cells(&u.figures));
            rows.push(row);
        }
        let mut row = vec![
            format!("<strong>{}</strong>", esc(&p.province)),
            "<strong>Cả tỉnh</strong>".to_owned(),
        ];
        row.extend(counts_cells(&p.figures));
        rows.push(row);
    }
    let mut row = vec!["<strong>Tổng cộng</strong>".to_owned(), String::new()];
    row.extend(counts_cells(t));
    rows.push(row);
    format!(
        r#"<section id="status"><h2>Chứng thư số theo trạng thái và loại thuê bao</h2>
{chart}{table}{csv}</section>
"#,
        table = table(
            Lang::Vi,
            "Chứng thư số theo tỉnh, thành phố và đơn vị",
            &[
                "Tỉnh, thành phố",
                "Đơn vị",
                "Đang hoạt động",
                "Tạm dừng",
                "Đã thu hồi",
                "Hết hạn",
                "Tổng",
                "Cá nhân",
                "Tổ chức",
                "Thiết bị, dịch vụ",
            ],
            &rows
        ),
        csv = csv_link("status", query),
    )
}

fn expiring_section(r: &ExpiringReport, query: &str) -> String {
    let t = &r.totals;
    let chart = bar_chart(
        "chart-expiring",
        "Chứng thư số sắp hết hạn",
        &[
            Bar::new("Trong 30 ngày", t.within_30),
            Bar::new("Trong 60 ngày", t.within_60),
            Bar::new("Trong 90 ngày", t.within_90),
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
            let mut row = vec![esc(&p.province), esc(&unit_label(u.unit.as_ref()))];
            row.extend(cells(&u.figures));
            rows.push(row);
        }
    }
    let mut row = vec!["<strong>Tổng cộng</strong>".to_owned(), String::new()];
    row.extend(cells(t));
    rows.push(row);
    let list: Vec<Vec<String>> = r
        .certificates
        .iter()
        .map(|c| {
            vec![
                format!(r#"<a href="/certificates/{s}">{s}</a>"#, s = esc(&c.serial)),
                esc(&c.subscriber),
                esc(vi::state(&c.kind)),
                esc(&c.province),
                esc(&unit_label(c.unit.as_ref())),
                esc(&c.not_after.format("%Y-%m-%d %H:%M UTC").to_string()),
                c.days_left.to_string(),
            ]
        })
        .collect();
    format!(
        r#"<section id="expiring"><h2>Chứng thư số sắp hết hạn (đang hoạt động)</h2>
{chart}{table}{csv}{list}</section>
"#,
        table = table(
            Lang::Vi,
            "Sắp hết hạn theo đơn vị",
            &[
                "Tỉnh, thành phố",
                "Đơn vị",
                "Trong 30 ngày",
                "Trong 60 ngày",
                "Trong 90 ngày"
            ],
            &rows
        ),
        csv = csv_link("expiring", query),
        list = table(
            Lang::Vi,
            "Danh sách chứng thư số hết hạn trong 90 ngày",
            &[
                "Số hiệu",
                "Thuê bao",
                "Loại",
                "Tỉnh, thành phố",
                "Đơn vị",
                "Hết hạn",
                "Còn (ngày)"
            ],
            &list
        ),
    )
}

fn units_section(r: &UnitsReport, query: &str) -> String {
    let bars: Vec<Bar> = r
        .provinces
        .iter()
        .map(|p| Bar::part(&p.province, p.with_organization_certificate, p.units))
        .collect();
    let chart = bar_chart(
        "chart-units",
        "Đơn vị có chứng thư số tổ chức trên tổng số đơn vị",
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
        r#"<section id="units"><h2>Đơn vị có chứng thư số tổ chức</h2>
{chart}{table}{csv}{units}</section>
"#,
        table = table(
            Lang::Vi,
            "Đơn vị có ít nhất một chứng thư số tổ chức đang hoạt động",
            &[
                "Tỉnh, thành phố",
                "Đơn vị có chứng thư",
                "Tổng số đơn vị",
                "Tỷ lệ"
            ],
            &rows
        ),
        csv = csv_link("units", query),
        units = table(
            Lang::Vi,
            "Chứng thư số tổ chức đang hoạt động theo đơn vị",
            &["Tỉnh, thành phố", "Đơn vị", "Chứng thư số tổ chức"],
            &unit_rows
        ),
    )
}

fn turnaround_section(r: &TurnaroundReport, query: &str) -> String {
    let t = &r.totals;
    let chart = bar_chart(
        "chart-turnaround",
        "Thời gian xử lý yêu cầu",
        &[
            Bar::new("Đã cấp", t.completed),
            Bar::new(
                format!("Quá {} ngày làm việc", r.target_working_days),
                t.breaches,
            ),
            Bar::new("Đang chờ, đã quá hạn", t.pending_overdue),
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
    rows.push(cells("<strong>Tổng cộng</strong>".to_owned(), t));
    let flagged: Vec<Vec<String>> = r
        .flagged
        .iter()
        .map(|q| {
            let what = if q.finished_at.is_some() {
                "Cấp quá hạn"
            } else {
                "Đang chờ quá hạn"
            };
            vec![
                format!(r#"<a href="/requests/{id}">{id}</a>"#, id = q.id),
                esc(&q.kind),
                esc(vi::state(&q.state)),
                esc(&q.province),
                esc(&q.submitted_at.format("%Y-%m-%d %H:%M UTC").to_string()),
                q.working_days.to_string(),
                format!(r#"<span class="breach">{what}</span>"#),
            ]
        })
        .collect();
    format!(
        r#"<section id="turnaround"><h2>Thời gian xử lý (chỉ tiêu {target} ngày làm việc)</h2>
<p>Tính từ khi gửi yêu cầu đến khi cấp, không kể thứ Bảy, Chủ nhật và ngày nghỉ lễ, Tết.</p>
{chart}{table}{csv}{flagged}</section>
"#,
        target = r.target_working_days,
        table = table(
            Lang::Vi,
            "Thời gian xử lý theo tỉnh, thành phố",
            &[
                "Tỉnh, thành phố",
                "Đã cấp",
                "Quá hạn",
                "Đang chờ quá hạn",
                "Trung bình (ngày làm việc)",
                "Lâu nhất (ngày làm việc)"
            ],
            &rows
        ),
        csv = csv_link("turnaround", query),
        flagged = table(
            Lang::Vi,
            "Yêu cầu quá hạn",
            &[
                "Yêu cầu",
                "Loại",
                "Trạng thái",
                "Tỉnh, thành phố",
                "Gửi lúc",
                "Số ngày làm việc",
                "Cảnh báo"
            ],
            &flagged
        ),
    )
}

#[rocket::get("/audit?<filters..>")]
pub(super) async fn audit(
    state: &State<Arc<PortalState>>,
    session: Result<WebSession, PortalError>,
    filters: AuditFilters,
) -> Reply {
    let session = match WebSession::require(session) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let ca = Arc::clone(&state.ca);
    let user = session.user.clone();
    let f = filters.clone();
    match blocking(move || audit_view::view(&ca, &user, &f)).await {
        Ok(page) => {
            let body = format!(
                "{}{}{}",
                chain_box(&page),
                audit_form(&filters, &FormErrors::default()),
                audit_table(&page, &filters)
            );
            session.page(Status::Ok, "Nhật ký kiểm toán", &body)
        }
        Err(e @ PortalError::Invalid { .. }) => {
            let body = audit_form(&filters, &report_errors(&e));
            session.page(refusal_status(&e), "Nhật ký kiểm toán", &body)
        }
        Err(e) => session.error_page(&e),
    }
}

fn chain_box(page: &AuditPage) -> String {
    let c = &page.chain;
    if c.ok {
        format!(
            r#"<div class="card chain-ok" id="chain" role="status"><p><strong>Chuỗi băm toàn vẹn</strong>: {n} sự kiện đã được kiểm tra.</p><p>Sự kiện cuối: số {seq}, mã băm <code>{hash}</code></p></div>
"#,
            n = c.events.unwrap_or(0),
            seq = c.head_seq,
            hash = esc(&c.head_hash),
        )
    } else {
        format!(
            r#"<div class="card chain-broken form-error" id="chain" role="alert"><p><strong>Chuỗi băm bị phá vỡ</strong> tại sự kiện số {seq}: nhật ký từ sự kiện này trở đi không còn đáng tin cậy.</p><p>Chi tiết: {reason}</p></div>
"#,
            seq = c.broken_seq.unwrap_or_default(),
            reason = esc(c.reason.as_deref().unwrap_or_default()),
        )
    }
}

fn audit_form(f: &AuditFilters, errors: &FormErrors) -> String {
    let v = |x: &Option<String>| x.clone().unwrap_or_default();
    format!(
        r#"{general}<form method="get" action="/audit" class="card search" role="search" novalidate>
{actor}{action}{object}{from}{to}{per_page}<button type="submit">Lọc</button></form>
"#,
        general = errors.general(&["actor", "action", "object", "from", "to", "per_page"]),
        actor = field(
            "actor",
            "Người thực hiện",
            "text",
            &v(&f.actor),
            errors.get("actor"),
            ""
        ),
        action = field(
            "action",
            "Thao tác (ví dụ certificate.issue)",
            "text",
            &v(&f.action),
            errors.get("action"),
            ""
        ),
        object = field(
            "object",
            "Đối tượng",
            "text",
            &v(&f.object),
            errors.get("object"),
            ""
        ),
        from = field(
            "from",
            "Từ ngày (UTC)",
            "date",
            &v(&f.from),
            errors.get("from"),
            ""
        ),
        to = field(
            "to",
            "Đến ngày (UTC)",
            "date",
            &v(&f.to),
            errors.get("to"),
            ""
        ),
        per_page = field(
            "per_page",
            "Số dòng mỗi trang",
            "number",
            &v(&f.per_page),
            errors.get("per_page"),
            r#"min="1" max="200" inputmode="numeric""#
        ),
    )
}

fn audit_table(page: &AuditPage, f: &AuditFilters) -> String {
    let rows: Vec<Vec<String>> = page
        .events
        .iter()
        .map(|e| {
            vec![
                e.seq.to_string(),
                esc(&e.at.format("%Y-%m-%d %H:%M:%S UTC").to_string()),
                esc(&e.actor),
                esc(&e.action),
                esc(&e.object),
                format!("<code>{}</code>", esc(&e.details.to_string())),
            ]
        })
        .collect();
    let pages = (page.total + page.per_page - 1) / page.per_page;
    let link = |n: i64, label: &str| {
        let mut q: Vec<String> = [
            ("actor", &f.actor),
            ("action", &f.action),
            ("object", &f.object),
            ("from", &f.from),
            ("to", &f.to),
            ("per_page", &f.per_page),
        ]
        .iter()
        .filter_map(|(k, v)| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(|v| format!("{k}={}", percent(v)))
        })
        .collect();
        q.push(format!("page={n}"));
        format!(r#"<a href="/audit?{}">{label}</a>"#, esc(&q.join("&")))
    };
    let mut nav = format!(
        "Trang {} / {} ({} sự kiện)",
        page.page,
        pages.max(1),
        page.total
    );
    if page.page > 1 {
        nav = format!("{} · {nav}", link(page.page - 1, "‹ Trang trước"));
    }
    if page.page < pages {
        nav = format!("{nav} · {}", link(page.page + 1, "Trang sau ›"));
    }
    format!(
        r#"{table}<nav class="pages" aria-label="Phân trang"><p>{nav}</p></nav>
"#,
        table = table(
            Lang::Vi,
            "Sự kiện (mới nhất trước)",
            &[
                "Số",
                "Thời điểm",
                "Người thực hiện",
                "Thao tác",
                "Đối tượng",
                "Chi tiết"
            ],
            &rows
        ),
    )
}

/// Whether the role reads the audit log (for the navigation bar).
pub(super) fn reads_audit(role: Role) -> bool {
    crate::authz::allowed(role, crate::authz::Action::Audit, false)
}
