//! The request pages: the list filtered by state (`/requests?state=…`)
//! and a request's page (`/requests/<id>`) with who did what when, the
//! approval and rejection forms for those who may decide (never on their
//! own request: [`authz::decide`]), and the issued certificate's downloads.
//! Decisions go through [`crate::requests`], as the API's do.

use std::sync::Arc;

use rocket::form::Form;
use rocket::http::Status;
use rocket::response::Redirect;
use rocket::State;

use super::html::{csrf_input, esc, table};
use super::pages::Reply;
use super::paging::{list_table, Column};
use super::registry::refusal_status;
use super::request_form::kind_label;
use super::vi::FormErrors;
use super::WebSession;
use crate::error::PortalError;
use crate::http::{blocking, RawQuery};
use crate::listing::ListQuery;
use crate::requests::{self, Kind};
use crate::vn_time;
use crate::{accounts, authz, certificates, registry, PortalState};

/// An approval's or rejection's form.
#[derive(Debug, Default, rocket::FromForm)]
pub(super) struct DecisionForm {
    pub(super) csrf: Option<String>,
    comment: Option<String>,
}

#[rocket::get("/requests")]
pub(super) async fn list(
    portal: &State<Arc<PortalState>>,
    session: Result<WebSession, PortalError>,
    query: RawQuery,
) -> Reply {
    let session = match WebSession::require(session) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let query = match ListQuery::parse(query.as_deref(), requests::REQUEST_LIST) {
        Ok(q) => q,
        Err(e) => return session.error_page(&e),
    };
    let state = query.filter("state").map(str::to_owned);
    let store = portal.ca.store().clone();
    let user = session.user.clone();
    let asked = query.clone();
    let (rows, info) = match blocking(move || requests::page(&store, &user, &asked)).await {
        Ok(found) => found,
        Err(e) => return session.error_page(&e),
    };
    let mut tabs = vec![format!(
        r#"<li><a href="/requests">{}</a></li>"#,
        session.t("Tất cả")
    )];
    for s in requests::STATES {
        let current = if state.as_deref() == Some(s.as_str()) {
            r#" aria-current="page""#
        } else {
            ""
        };
        tabs.push(format!(
            r#"<li><a href="/requests?state={s}"{current}>{}</a></li>"#,
            esc(session.state(s.as_str()))
        ));
    }
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|listed| {
            let r = &listed.row;
            let person = match (r.subscriber_id, &listed.subscriber_name) {
                (Some(id), Some(name)) => {
                    format!(r#"<a href="/subscribers/{id}">{}</a>"#, esc(name))
                }
                _ => "—".to_owned(),
            };
            vec![
                format!(r#"<a href="/requests/{id}">#{id}</a>"#, id = r.id),
                esc(&kind_label_str(&session, r.kind.as_str())),
                person,
                esc(session.state(r.state.as_str())),
                esc(&r.province),
                esc(&time(r.submitted_at)),
            ]
        })
        .collect();
    let body = format!(
        r#"<nav aria-label="{}"><ul class="tabs">{}</ul></nav>
<p><a class="button" href="/requests/new">{}</a></p>
{}"#,
        session.t("Lọc theo trạng thái"),
        tabs.concat(),
        session.t("Yêu cầu mới"),
        list_table(
            session.lang,
            "/requests",
            session.t("Yêu cầu"),
            &[
                Column::sorted(session.t("Số"), "id"),
                Column::sorted(session.t("Loại"), "kind"),
                Column::plain(session.t("Thuê bao")),
                Column::sorted(session.t("Trạng thái"), "state"),
                Column::sorted(session.t("Tỉnh, thành phố"), "province"),
                Column::sorted(session.t("Gửi lúc"), "submitted_at"),
            ],
            &rows,
            &query,
            &info,
        )
    );
    let body = format!(
        "{}{body}",
        super::tokens::emergencies_block(portal, &session).await
    );
    session.page(Status::Ok, session.t("Yêu cầu"), &body)
}

#[rocket::get("/requests/<id>")]
pub(super) async fn show(
    state: &State<Arc<PortalState>>,
    session: Result<WebSession, PortalError>,
    id: i64,
) -> Reply {
    let session = match WebSession::require(session) {
        Ok(s) => s,
        Err(r) => return r,
    };
    request_view(state, &session, id, Status::Ok, "", &FormErrors::default()).await
}

// Ranked after `POST /requests/new/<kind>`: both would match a path such as
// "/requests/new/approve", which Rocket refuses as a collision.
#[rocket::post("/requests/<id>/approve", data = "<form>", rank = 1)]
pub(super) async fn approve(
    state: &State<Arc<PortalState>>,
    session: Result<WebSession, PortalError>,
    id: i64,
    form: Option<Form<DecisionForm>>,
) -> Reply {
    let (session, form) = match WebSession::posted(session, form) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let ca = Arc::clone(&state.ca);
    let user = session.user.clone();
    let comment = form.comment.clone();
    match blocking(move || requests::approve(&ca, &user, id, comment.as_deref())).await {
        Ok(row) => {
            state.start_bulk(&row);
            let to = if row.kind == Kind::UnitChange {
                format!("/bulk/{id}")
            } else {
                format!("/requests/{id}")
            };
            Reply::Redirect(Box::new(Redirect::to(to)))
        }
        Err(e) => {
            let errors = session.form_errors(&e);
            let comment = form.comment.unwrap_or_default();
            request_view(state, &session, id, refusal_status(&e), &comment, &errors).await
        }
    }
}

#[rocket::post("/requests/<id>/reject", data = "<form>", rank = 1)]
pub(super) async fn reject(
    state: &State<Arc<PortalState>>,
    session: Result<WebSession, PortalError>,
    id: i64,
    form: Option<Form<DecisionForm>>,
) -> Reply {
    let (session, form) = match WebSession::posted(session, form) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let store = state.ca.store().clone();
    let user = session.user.clone();
    let comment = form.comment.clone();
    match blocking(move || requests::reject(&store, &user, id, comment.as_deref())).await {
        Ok(_) => Reply::Redirect(Box::new(Redirect::to(format!("/requests/{id}")))),
        Err(e) => {
            let errors = session.form_errors(&e);
            let comment = form.comment.unwrap_or_default();
            request_view(state, &session, id, refusal_status(&e), &comment, &errors).await
        }
    }
}

/// The name of a stored request kind in the session's language (the
/// stored name itself when unknown).
fn kind_label_str(session: &WebSession, kind: &str) -> String {
    match kind.parse::<Kind>() {
        Ok(k) => kind_label(session.lang, k).to_owned(),
        Err(_) => kind.to_owned(),
    }
}

/// A request's page: its steps, the decision forms for those who may
/// decide it, and the downloads of what it issued.
async fn request_view(
    state: &State<Arc<PortalState>>,
    session: &WebSession,
    id: i64,
    status: Status,
    comment: &str,
    errors: &FormErrors,
) -> Reply {
    let ca = Arc::clone(&state.ca);
    let user = session.user.clone();
    let loaded = blocking(move || {
        let row = requests::get(ca.store(), &user, id)?;
        let name = |id: Option<i64>| -> Result<Option<String>, PortalError> {
            id.map(|i| accounts::user_by_id(ca.store(), i).map(|u| u.username))
                .transpose()
        };
        let submitter = name(Some(row.submitted_by))?;
        let decider = name(row.decided_by)?;
        let result = row
            .result_certificate_id
            .map(|c| certificates::serial_by_id(&ca, &user, c))
            .transpose()?;
        // The subscriber's name, when the user may read them (a change of
        // information may have moved them to another province).
        let subscriber = row
            .subscriber_id
            .and_then(|s| registry::subscriber(&ca, &user, s).ok())
            .and_then(|v| v["name"].as_str().map(str::to_owned));
        let review = requests::review::review(&ca, &row)?;
        Ok((row, submitter, decider, result, subscriber, review))
    })
    .await;
    let (row, submitter, decider, result, subscriber, review) = match loaded {
        Ok(v) => v,
        Err(e) => return session.error_page(&e),
    };
    let payload = row.to_json()["payload"].clone();
    let mut facts = vec![
        (
            session.t("Loại yêu cầu"),
            esc(&kind_label_str(session, row.kind.as_str())),
        ),
        (
            session.t("Trạng thái"),
            esc(session.state(row.state.as_str())),
        ),
        (session.t("Tỉnh, thành phố"), esc(&row.province)),
    ];
    if let Some(s) = row.subscriber_id {
        facts.push((
            session.t("Thuê bao"),
            format!(
                r#"<a href="/subscribers/{s}">{}</a>"#,
                esc(subscriber.as_deref().unwrap_or("—"))
            ),
        ));
    }
    for (key, label) in [
        ("serial", session.t("Số hiệu chứng thư")),
        ("token", session.t("Thiết bị lưu khóa")),
        ("reason", session.t("Lý do")),
        ("days", session.t("Số ngày hiệu lực")),
    ] {
        if let Some(v) = payload.get(key).filter(|v| !v.is_null()) {
            let text = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
            let text = if key == "reason" {
                super::certificates::reason_in(session.lang, &text)
            } else {
                text
            };
            facts.push((label, esc(&text)));
        }
    }
    // A unit change's units are named in the review below.
    if row.kind == Kind::UnitChange && row.decided_by.is_some() && row.state != requests::REJECTED {
        facts.push((
            session.t("Cấp lại hàng loạt"),
            format!(
                r#"<a href="/bulk/{id}">{}</a>"#,
                session.t("Xem tiến độ"),
                id = row.id
            ),
        ));
    }
    let facts: String = facts
        .iter()
        .map(|(k, v)| format!("<dt>{}</dt><dd>{v}</dd>\n", esc(k)))
        .collect();
    let mut steps = vec![vec![
        session.t("Gửi yêu cầu").to_owned(),
        esc(submitter.as_deref().unwrap_or("—")),
        esc(&time(row.submitted_at)),
        String::new(),
    ]];
    if let Some(at) = row.decided_at {
        let what = if row.state == requests::REJECTED {
            session.t("Từ chối")
        } else {
            session.t("Phê duyệt")
        };
        steps.push(vec![
            what.to_owned(),
            esc(decider.as_deref().unwrap_or("—")),
            esc(&time(at)),
            esc(row.comment.as_deref().unwrap_or("")),
        ]);
    }
    if let Some(at) = row.finished_at {
        let what = if row.state == requests::ISSUED {
            session.t("CA thực hiện xong")
        } else {
            session.t("CA thực hiện lỗi")
        };
        steps.push(vec![
            what.to_owned(),
            "CA".to_owned(),
            esc(&time(at)),
            esc(row.error.as_deref().unwrap_or("")),
        ]);
    }
    let downloads = match &result {
        Some(serial) => {
            let s = esc(serial);
            format!(
                r#"<h2>{issued}</h2>
<p><a href="/certificates/{s}">{s}</a></p>
<ul class="downloads">
<li><a href="/api/v1/certificates/{s}.pem" download>{pem}</a></li>
<li><a href="/api/v1/certificates/{s}.der" download>{der}</a></li>
<li><a href="/api/v1/certificates/{s}.p7b" download>{p7b}</a></li>
</ul>"#,
                issued = if matches!(
                    row.kind,
                    Kind::Issue | Kind::Renew | Kind::ChangeInfo | Kind::Reissue
                ) {
                    session.t("Chứng thư số đã cấp")
                } else {
                    session.t("Chứng thư số liên quan")
                },
                pem = session.t("Tải về PEM"),
                der = session.t("Tải về DER"),
                p7b = session.t("Tải về chuỗi chứng thư (.p7b)"),
            )
        }
        None => String::new(),
    };
    let may_decide = row.state == requests::SUBMITTED
        && authz::decide(&session.user, row.id, &row.province, row.submitted_by).is_ok();
    let decision = if may_decide {
        format!(
            r#"<h2>{heading}</h2>{general}<div class="decisions">
<form method="post" action="/requests/{id}/approve" class="card">
{csrf}<div class="field"><label for="approve-comment">{approve_note}</label>
<input id="approve-comment" name="comment" type="text" value=""></div><button type="submit">{approve}</button>
</form>
<form method="post" action="/requests/{id}/reject" class="card">
{csrf}{reject_comment}<button type="submit" class="secondary">{reject}</button>
</form></div>"#,
            heading = session.t("Quyết định"),
            approve = session.t("Phê duyệt"),
            reject = session.t("Từ chối"),
            general = errors.general(&["comment"]),
            csrf = csrf_input(&session.csrf),
            approve_note = session.t("Ý kiến (không bắt buộc)"),
            reject_comment = errors.textarea(
                "comment",
                session.t("Lý do từ chối (bắt buộc)"),
                comment,
                "required"
            ),
        )
    } else {
        errors.general(&[])
    };
    let body = format!(
        r#"<dl class="facts">
{facts}</dl>
{review}
<h2>{l_steps}</h2>
{steps}{downloads}{decision}"#,
        review = super::review::section(session, &review),
        l_steps = session.t("Các bước"),
        steps = table(
            session.lang,
            session.t("Các bước xử lý"),
            &[
                session.t("Bước"),
                session.t("Người thực hiện"),
                session.t("Thời điểm (giờ Việt Nam)"),
                session.t("Ý kiến")
            ],
            &steps
        ),
    );
    session.page(status, &session.lang.tf("Yêu cầu #{}", &[&row.id]), &body)
}

fn time(t: chrono::NaiveDateTime) -> String {
    vn_time::display(t)
}
