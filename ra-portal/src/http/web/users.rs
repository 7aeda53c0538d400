//! `/users` (administrators): every account with its role, province and
//! sign-in state, and an unlock button for an account whose failed
//! sign-ins make it wait (`POST /users/<username>/unlock`, audited as
//! `user.unlock`).

use std::sync::Arc;

use rocket::form::Form;
use rocket::http::Status;
use rocket::response::Redirect;
use rocket::State;

use super::html::{csrf_input, esc, table};
use super::pages::{self, Reply};
use super::WebSession;
use crate::accounts::listing::{self, AccountSummary};
use crate::error::PortalError;
use crate::http::blocking;
use crate::http::HttpStatus;
use crate::vn_time;
use crate::PortalState;

/// The unlock form: only the CSRF value.
#[derive(Debug, Default, rocket::FromForm)]
pub(super) struct UnlockForm {
    pub(super) csrf: Option<String>,
}

#[rocket::get("/users")]
pub(super) async fn list(
    state: &State<Arc<PortalState>>,
    session: Result<WebSession, PortalError>,
) -> Reply {
    let session = match WebSession::require(session) {
        Ok(s) => s,
        Err(r) => return r,
    };
    users_page(state, &session, Status::Ok, None).await
}

#[rocket::post("/users/<username>/unlock", data = "<form>")]
pub(super) async fn unlock(
    state: &State<Arc<PortalState>>,
    session: Result<WebSession, PortalError>,
    username: &str,
    form: Option<Form<UnlockForm>>,
) -> Reply {
    let (session, _) = match WebSession::posted(session, form) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let store = state.ca.store().clone();
    let user = session.user.clone();
    let name = username.to_owned();
    match blocking(move || listing::unlock_by(&store, &user, &name)).await {
        Ok(()) => Reply::Redirect(Box::new(Redirect::to("/users"))),
        Err(e) => {
            let status = e.status_and_code().0;
            users_page(state, &session, status, Some(&e)).await
        }
    }
}

/// The list, with the refusal of the last action if any.
async fn users_page(
    state: &State<Arc<PortalState>>,
    session: &WebSession,
    status: Status,
    error: Option<&PortalError>,
) -> Reply {
    let store = state.ca.store().clone();
    let user = session.user.clone();
    let accounts = match blocking(move || listing::list(&store, &user)).await {
        Ok(a) => a,
        Err(e) => return session.error_page(&e),
    };
    let rows: Vec<Vec<String>> = accounts.iter().map(|a| row(session, a)).collect();
    let body = format!(
        "{general}<p>{explain}</p>\n{table}",
        general = pages::general_error(error.map(|e| session.message(e)).as_deref()),
        explain = session.t("Đăng nhập sai nhiều lần làm tài khoản phải chờ lâu dần trước khi được thử lại; mở khóa cho phép đăng nhập ngay."),
        table = table(
            session.lang,
            session.t("Tài khoản"),
            &[
                session.t("Tên đăng nhập"),
                session.t("Vai trò"),
                session.t("Tỉnh, thành phố"),
                session.t("Đăng nhập sai"),
                session.t("Phải chờ đến"),
                "",
            ],
            &rows,
        ),
    );
    session.page(status, session.t("Quản lý tài khoản"), &body)
}

/// One account's row, with its unlock button when it has failures.
fn row(session: &WebSession, a: &AccountSummary) -> Vec<String> {
    let unlock = if a.failures > 0 || a.waiting_until.is_some() {
        format!(
            r#"<form method="post" action="/users/{name}/unlock">{csrf}<button type="submit">{t}</button></form>"#,
            name = esc(&a.username),
            csrf = csrf_input(&session.csrf),
            t = session.t("Mở khóa"),
        )
    } else {
        String::new()
    };
    let name = if a.disabled {
        format!(
            "{} ({})",
            esc(&a.username),
            esc(session.t("đã vô hiệu hóa"))
        )
    } else {
        esc(&a.username)
    };
    vec![
        name,
        esc(session.t(a.role.label_vi())),
        esc(a.province.as_deref().unwrap_or("—")),
        a.failures.to_string(),
        a.waiting_until
            .map(|t| esc(&vn_time::display(t)))
            .unwrap_or_else(|| "—".to_owned()),
        unlock,
    ]
}
