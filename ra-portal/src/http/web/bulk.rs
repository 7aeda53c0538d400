//! The progress page of a unit change's bulk re-issue job (`/bulk/<request
//! id>`): counts, a progress bar, the items (old serial → new serial,
//! state, error), refreshed every few seconds while the job runs (no
//! JavaScript), and the retry form of a failed job for those who may
//! decide. Reads and retries go through [`crate::bulk`], as the API's do.

use std::sync::Arc;

use rocket::form::Form;
use rocket::http::Status;
use rocket::response::Redirect;
use rocket::State;

use super::html::{self, csrf_input, esc, table};
use super::lang::Lang;
use super::pages::{self as pages_mod, Reply};
use super::registry::refusal_status;
use super::vi::FormErrors;
use super::WebSession;
use crate::error::PortalError;
use crate::http::blocking;
use crate::{authz, bulk, requests, PortalState};

/// Items listed on the page (the API lists them all).
const SHOWN: usize = 500;
/// Seconds between refreshes while the job runs.
const REFRESH_SECONDS: u32 = 3;

/// The retry form.
#[derive(Debug, Default, rocket::FromForm)]
pub(super) struct RetryForm {
    pub(super) csrf: Option<String>,
}

#[rocket::get("/bulk/<id>")]
pub(super) async fn show(
    state: &State<Arc<PortalState>>,
    session: Result<WebSession, PortalError>,
    id: i64,
) -> Reply {
    let session = match WebSession::require(session) {
        Ok(s) => s,
        Err(r) => return r,
    };
    view(state, &session, id, Status::Ok, &FormErrors::default()).await
}

#[rocket::post("/bulk/<id>/retry", data = "<form>")]
pub(super) async fn retry(
    state: &State<Arc<PortalState>>,
    session: Result<WebSession, PortalError>,
    id: i64,
    form: Option<Form<RetryForm>>,
) -> Reply {
    let (session, _form) = match WebSession::posted(session, form) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let store = state.ca.store().clone();
    let user = session.user.clone();
    match blocking(move || bulk::retry(&store, &user, id)).await {
        Ok(row) => {
            state.start_bulk(&row);
            Reply::Redirect(Box::new(Redirect::to(format!("/bulk/{id}"))))
        }
        Err(e) => {
            let errors = session.form_errors(&e);
            view(state, &session, id, refusal_status(&e), &errors).await
        }
    }
}

async fn view(
    state: &State<Arc<PortalState>>,
    session: &WebSession,
    id: i64,
    status: Status,
    errors: &FormErrors,
) -> Reply {
    let store = state.ca.store().clone();
    let user = session.user.clone();
    let loaded = blocking(move || {
        let request = requests::get(&store, &user, id)?;
        let job = bulk::view(&store, &user, id)?;
        Ok((request, job))
    })
    .await;
    let (request, job) = match loaded {
        Ok(v) => v,
        Err(e) => return session.error_page(&e),
    };
    let c = job.counts;
    let running = request.state == requests::APPROVED;
    let percent = if c.total == 0 {
        100
    } else {
        (c.done + c.failed) * 100 / c.total
    };
    let action = if job.job.action == bulk::Action::Merge {
        session.t("Sáp nhập đơn vị")
    } else {
        session.t("Đổi tên đơn vị")
    };
    let facts = [
        (
            session.t("Yêu cầu"),
            format!(r#"<a href="/requests/{id}">#{id}</a>"#),
        ),
        (session.t("Thao tác"), esc(action)),
        (
            session.t("Tên đơn vị trên chứng thư mới"),
            esc(&job.job.unit_name),
        ),
        (
            session.t("Trạng thái yêu cầu"),
            esc(session.state(request.state.as_str())),
        ),
        (session.t("Tổng số chứng thư"), c.total.to_string()),
        (session.t("Đã cấp lại"), c.done.to_string()),
        (session.t("Lỗi"), c.failed.to_string()),
        (session.t("Đang chờ"), c.pending.to_string()),
        (
            session.t("Chứng thư tạm dừng (không cấp lại)"),
            job.job.skipped_suspended.to_string(),
        ),
    ];
    let facts: String = facts
        .iter()
        .map(|(k, v)| format!("<dt>{}</dt><dd>{v}</dd>\n", esc(k)))
        .collect();
    let rows: Vec<Vec<String>> = job
        .items
        .iter()
        .take(SHOWN)
        .map(|i| {
            vec![
                format!(
                    r#"<a href="/certificates/{s}">{s}</a>"#,
                    s = esc(&i.old_serial)
                ),
                i.new_serial.as_deref().map_or_else(
                    || "—".to_owned(),
                    |s| format!(r#"<a href="/certificates/{s}">{s}</a>"#, s = esc(s)),
                ),
                esc(item_state(session.lang, i.state)),
                esc(i.error.as_deref().unwrap_or("")),
            ]
        })
        .collect();
    let more = if job.items.len() > SHOWN {
        format!(
            r#"<p>{} <a href="/api/v1/bulk/{id}">/api/v1/bulk/{id}</a>.</p>"#,
            session.lang.tf(
                "Hiển thị {} trên {} mục; danh sách đầy đủ:",
                &[&SHOWN, &job.items.len()]
            )
        )
    } else {
        String::new()
    };
    let may_retry = request.state == requests::FAILED
        && authz::authorize(&session.user, authz::Action::Decide, &request.province).is_ok();
    let retry = if may_retry {
        format!(
            r#"<form method="post" action="/bulk/{id}/retry" class="card">{}<p>{}</p><button type="submit">{}</button></form>"#,
            csrf_input(&session.csrf),
            session
                .lang
                .tf("{} chứng thư chưa cấp lại được.", &[&c.failed]),
            session.t("Thử lại các mục lỗi"),
        )
    } else {
        String::new()
    };
    let note = if running {
        format!(
            r#"<p role="status">{}</p>"#,
            session.lang.tf(
                "Đang cấp lại… Trang tự làm mới sau {} giây.",
                &[&REFRESH_SECONDS]
            )
        )
    } else {
        String::new()
    };
    let body = format!(
        r#"{general}<dl class="facts">
{facts}</dl>
<p><label for="progress">{progress}</label>
<progress id="progress" max="{total}" value="{ended}">{percent}%</progress></p>
{note}{error}{retry}{download}<h2>{l_items}</h2>
{items}{more}"#,
        progress = session.lang.tf("Tiến độ: {}%", &[&percent]),
        // Issue 16: batches (the new certificates as one .zip).
        download = if c.done > 0 {
            format!(
                r#"<p><a class="button" href="/api/v1/bulk/{id}/certificates.zip" download>{}</a></p>"#,
                esc(session.t("Tải các chứng thư mới (.zip)"))
            )
        } else {
            String::new()
        },
        l_items = session.t("Các chứng thư"),
        general = errors.general(&[]),
        total = c.total.max(1),
        ended = if c.total == 0 { 1 } else { c.done + c.failed },
        error = request
            .error
            .as_deref()
            .map(|e| format!(r#"<p class="form-error">{}</p>"#, esc(e)))
            .unwrap_or_default(),
        items = table(
            session.lang,
            session.t("Các chứng thư được cấp lại"),
            &[
                session.t("Chứng thư cũ"),
                session.t("Chứng thư mới"),
                session.t("Trạng thái"),
                session.t("Lỗi")
            ],
            &rows
        ),
    );
    let head = if running {
        format!(r#"<meta http-equiv="refresh" content="{REFRESH_SECONDS}">"#)
    } else {
        String::new()
    };
    pages_mod::html(
        status,
        html::page_with_head(
            session.lang,
            &session.lang.tf("Cấp lại hàng loạt — yêu cầu #{}", &[&id]),
            Some((&session.user, session.csrf.as_str())),
            &head,
            &body,
        ),
    )
}

/// The name of an item's state in `lang`.
fn item_state(lang: Lang, s: bulk::ItemState) -> &'static str {
    match s {
        bulk::ItemState::Pending => lang.t("Đang chờ"),
        bulk::ItemState::Done => lang.t("Đã cấp lại"),
        bulk::ItemState::Failed => lang.t("Lỗi"),
    }
}
