//! A token's page `/tokens/<serial>`: its holder and state, its
//! certificates (serial, subject, status, validity) and only the requests
//! its state allows; for administrators, the emergency revocation of a lost
//! token's certificates (`POST /tokens/<serial>/emergency-lost`, carried
//! out at once). The emergency actions not acknowledged yet are listed on
//! the dashboard and the requests page with an "acknowledge" button
//! (`POST /emergencies/<id>/acknowledge`). See [`crate::tokens`].

use std::sync::Arc;

use rocket::form::Form;
use rocket::http::Status;
use rocket::response::Redirect;
use rocket::State;

use super::html::{csrf_input, esc, table};
use super::pages::Reply;
use super::request_form::kind_label;
use super::users::UnlockForm;
use super::WebSession;
use crate::error::PortalError;
use crate::http::blocking;
use crate::http::HttpStatus;
use crate::request_record::Kind;
use crate::role::Role;
use crate::tokens::{self, Emergency, TokenView};
use crate::PortalState;

#[rocket::get("/tokens/<serial>")]
pub(super) async fn show(
    state: &State<Arc<PortalState>>,
    session: Result<WebSession, PortalError>,
    serial: &str,
) -> Reply {
    let session = match WebSession::require(session) {
        Ok(s) => s,
        Err(r) => return r,
    };
    token_page(state, &session, serial, Status::Ok, None).await
}

#[rocket::post("/tokens/<serial>/emergency-lost", data = "<form>")]
pub(super) async fn emergency_lost(
    state: &State<Arc<PortalState>>,
    session: Result<WebSession, PortalError>,
    serial: &str,
    form: Option<Form<UnlockForm>>,
) -> Reply {
    let (session, _) = match WebSession::posted(session, form) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let ca = Arc::clone(&state.ca);
    let user = session.user.clone();
    let name = serial.to_owned();
    match blocking(move || tokens::emergency_lost(&ca, &user, &name)).await {
        Ok(e) => Reply::Redirect(Box::new(Redirect::to(format!(
            "/tokens/{}",
            e.token_serial
        )))),
        Err(e) => {
            let status = e.status_and_code().0;
            token_page(state, &session, serial, status, Some(&e)).await
        }
    }
}

#[rocket::post("/emergencies/<id>/acknowledge", data = "<form>")]
pub(super) async fn acknowledge(
    state: &State<Arc<PortalState>>,
    session: Result<WebSession, PortalError>,
    id: i64,
    form: Option<Form<UnlockForm>>,
) -> Reply {
    let (session, _) = match WebSession::posted(session, form) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let ca = Arc::clone(&state.ca);
    let user = session.user.clone();
    match blocking(move || tokens::acknowledge(&ca, &user, id)).await {
        Ok(_) => Reply::Redirect(Box::new(Redirect::to("/requests"))),
        Err(e) => session.error_page(&e),
    }
}

/// The emergency actions the session's user may acknowledge, as a block
/// for the dashboard and the requests page (empty when there are none).
pub(super) async fn emergencies_block(
    state: &State<Arc<PortalState>>,
    session: &WebSession,
) -> String {
    let ca = Arc::clone(&state.ca);
    let user = session.user.clone();
    let Ok(list) = blocking(move || tokens::unacknowledged(&ca, &user)).await else {
        return String::new();
    };
    if list.is_empty() {
        return String::new();
    }
    let may_acknowledge = matches!(session.user.role, Role::Admin | Role::RaApprover);
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|e| emergency_row(session, e, may_acknowledge))
        .collect();
    format!(
        r#"<section class="emergencies" aria-labelledby="emergencies"><h2 id="emergencies">{title}</h2><p>{explain}</p>{table}</section>"#,
        title = session.t("Thao tác khẩn cấp chờ xác nhận"),
        explain = session.t("Quản trị viên đã thu hồi ngay các chứng thư số của thiết bị bị mất, không qua phê duyệt. Lãnh đạo phê duyệt của tỉnh, thành phố xác nhận đã biết."),
        table = table(
            session.lang,
            session.t("Thao tác khẩn cấp"),
            &[
                session.t("Thiết bị lưu khóa"),
                session.t("Tỉnh, thành phố"),
                session.t("Chứng thư số đã thu hồi"),
                session.t("Người thực hiện"),
                session.t("Thời điểm"),
                "",
            ],
            &rows,
        ),
    )
}

fn emergency_row(session: &WebSession, e: &Emergency, may_acknowledge: bool) -> Vec<String> {
    let button = if may_acknowledge && e.performed_by != session.user.username {
        format!(
            r#"<form method="post" action="/emergencies/{id}/acknowledge">{csrf}<button type="submit">{t}</button></form>"#,
            id = e.id,
            csrf = csrf_input(&session.csrf),
            t = session.t("Xác nhận đã biết"),
        )
    } else {
        String::new()
    };
    vec![
        format!(r#"<a href="/tokens/{s}">{s}</a>"#, s = esc(&e.token_serial)),
        esc(&e.province),
        e.revoked
            .iter()
            .map(|s| {
                format!(
                    r#"<a href="/certificates/{s}"><code>{s}</code></a>"#,
                    s = esc(s)
                )
            })
            .collect::<Vec<_>>()
            .join(" "),
        esc(&e.performed_by),
        esc(&e.performed_at),
        button,
    ]
}

/// The token's page, with the refusal of the last action if any.
async fn token_page(
    state: &State<Arc<PortalState>>,
    session: &WebSession,
    serial: &str,
    status: Status,
    error: Option<&PortalError>,
) -> Reply {
    let ca = Arc::clone(&state.ca);
    let user = session.user.clone();
    let name = serial.to_owned();
    let view = match blocking(move || tokens::token(&ca, &user, &name)).await {
        Ok(v) => v,
        Err(e) => return session.error_page(error.unwrap_or(&e)),
    };
    let general = error
        .map(|e| {
            format!(
                r#"<p class="form-error" role="alert">{}</p>"#,
                esc(&session.message(e))
            )
        })
        .unwrap_or_default();
    let body = format!(
        r#"{general}<dl>
<dt>{l_serial}</dt><dd><code>{serial}</code></dd>
<dt>Model</dt><dd>{model}</dd>
<dt>{l_holder}</dt><dd>{holder}</dd>
<dt>{l_province}</dt><dd>{province}</dd>
<dt>{l_state}</dt><dd>{state}</dd>
</dl>
{certificates}
<h2>{l_actions}</h2>
{actions}
{emergency}"#,
        l_serial = session.t("Số sê-ri"),
        serial = esc(&view.serial),
        model = esc(view.model.as_deref().unwrap_or("—")),
        l_holder = session.t("Người giữ"),
        holder = match (view.subscriber_id, &view.subscriber_name) {
            (Some(id), Some(n)) => format!(r#"<a href="/subscribers/{id}">{}</a>"#, esc(n)),
            _ => "—".to_owned(),
        },
        l_province = session.t("Tỉnh, thành phố"),
        province = esc(&view.province),
        l_state = session.t("Trạng thái"),
        state = esc(session.state(view.status.as_str())),
        certificates = certificates_table(session, &view),
        l_actions = session.t("Thao tác được phép"),
        actions = actions(session, &view),
        emergency = emergency_form(session, &view),
    );
    session.page(
        status,
        &format!("{}: {}", session.t("Thiết bị lưu khóa"), view.serial),
        &body,
    )
}

fn certificates_table(session: &WebSession, view: &TokenView) -> String {
    let rows: Vec<Vec<String>> = view
        .certificates
        .iter()
        .map(|c| {
            let serial = c["serial"].as_str().unwrap_or_default();
            let day = |k: &str| {
                c[k].as_str()
                    .map(|s| s.get(..10).unwrap_or(s).to_owned())
                    .unwrap_or_default()
            };
            vec![
                format!(
                    r#"<a href="/certificates/{s}"><code>{s}</code></a>"#,
                    s = esc(serial)
                ),
                esc(c["subject"].as_str().unwrap_or_default()),
                esc(session.state(c["status"].as_str().unwrap_or_default())),
                esc(&format!("{} – {}", day("not_before"), day("not_after"))),
            ]
        })
        .collect();
    table(
        session.lang,
        session.t("Chứng thư số trên thiết bị"),
        &[
            session.t("Số hiệu"),
            session.t("Chủ thể"),
            session.t("Trạng thái"),
            session.t("Hiệu lực"),
        ],
        &rows,
    )
}

/// Links to the request forms the token's state allows (officers and
/// admins submit them), or why there are none.
fn actions(session: &WebSession, view: &TokenView) -> String {
    if view.actions.is_empty() {
        return format!(
            "<p>{}</p>",
            session
                .t("Thiết bị ở trạng thái cuối: không còn thao tác nào. Hãy đăng ký thiết bị mới.")
        );
    }
    let may_submit = matches!(session.user.role, Role::Admin | Role::RaOfficer);
    let items: String = view
        .actions
        .iter()
        .map(|kind| {
            let label = match kind.parse::<Kind>() {
                Ok(k) => esc(kind_label(session.lang, k)),
                Err(_) => esc(kind),
            };
            if may_submit {
                format!(
                    r#"<li><a href="/requests/new/{kind}?token={s}">{label}</a></li>"#,
                    s = esc(&view.serial)
                )
            } else {
                format!("<li>{label}</li>")
            }
        })
        .collect();
    format!(r#"<ul class="token-actions">{items}</ul>"#)
}

/// The administrators' emergency revocation, when the state allows it.
fn emergency_form(session: &WebSession, view: &TokenView) -> String {
    if !view.emergency_allowed {
        return String::new();
    }
    format!(
        r#"<h2>{title}</h2><p>{explain}</p><form method="post" action="/tokens/{s}/emergency-lost">{csrf}<button type="submit" class="danger">{button}</button></form>"#,
        title = session.t("Thu hồi khẩn cấp"),
        explain = session.t("Báo mất thiết bị và thu hồi ngay mọi chứng thư số trên thiết bị (lý do: lộ khóa), không chờ phê duyệt. Thao tác được ghi vào nhật ký kiểm toán là khẩn cấp và lãnh đạo phê duyệt của tỉnh, thành phố sẽ được yêu cầu xác nhận."),
        s = esc(&view.serial),
        csrf = csrf_input(&session.csrf),
        button = session.t("Thu hồi ngay các chứng thư số"),
    )
}
