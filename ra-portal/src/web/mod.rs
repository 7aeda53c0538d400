//! The web pages (Vietnamese): sign-in at `/`, the dashboard, password
//! change, sign-out, the stylesheet, and for signed-in users the registry
//! (units, subscribers, tokens), requests (a form per kind, the list, a
//! request's page with its decision) and certificates (search, details).
//! Pages call the same logic as the API (`crate::registry`,
//! `crate::requests`, `crate::certificates`), so one `authorize` decides
//! both; refusals are worded in Vietnamese next to their field by
//! [`vi`]. Forms work without JavaScript;
//! every form carries a CSRF token (before sign-in a random value also held
//! in a private cookie, after it the session's secret). The session id
//! lives in a private (encrypted, authenticated) cookie with an expiry and
//! in the `sessions` table, so signing out or disabling a user ends it at
//! once.

mod bulk;
mod certificates;
mod html;
mod import;
mod pages;
mod registry;
mod request_form;
mod requests;
mod subscribers;
mod vi;

use std::sync::Arc;

use rocket::http::Status;
use rocket::request::{FromRequest, Outcome, Request};
use rocket::Route;

use crate::accounts::{self, User};
use crate::{PortalError, PortalState, SESSION_COOKIE};

use self::pages::{html, Reply};

pub(crate) use self::vi::explain;

/// Every page route (mounted at `/`).
pub(crate) fn routes() -> Vec<Route> {
    rocket::routes![
        pages::index,
        pages::login,
        pages::dashboard,
        pages::password_form,
        pages::password_submit,
        pages::logout,
        pages::stylesheet,
        registry::units,
        registry::add_unit,
        subscribers::list,
        subscribers::form,
        import::form,
        import::preview,
        import::confirm,
        subscribers::add,
        subscribers::show,
        registry::tokens,
        registry::add_token,
        request_form::kinds,
        request_form::form,
        request_form::submit,
        requests::list,
        requests::show,
        requests::approve,
        requests::reject,
        bulk::show,
        bulk::retry,
        certificates::search,
        certificates::show,
    ]
}

/// A signed-in web session.
#[derive(Debug, Clone)]
pub(crate) struct WebSession {
    user: User,
    csrf: String,
    id: String,
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for WebSession {
    type Error = PortalError;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, PortalError> {
        let Some(state) = req.rocket().state::<Arc<PortalState>>() else {
            return Outcome::Error((
                Status::InternalServerError,
                PortalError::Internal("portal state missing".into()),
            ));
        };
        let Some(cookie) = req.cookies().get_private(SESSION_COOKIE) else {
            return Outcome::Error((Status::Unauthorized, PortalError::Unauthenticated));
        };
        let id = cookie.value().to_owned();
        let store = state.ca.store().clone();
        let sid = id.clone();
        match crate::api::blocking(move || accounts::session_user(&store, &sid)).await {
            Ok((user, csrf)) => Outcome::Success(Self { user, csrf, id }),
            Err(e) => Outcome::Error((e.status_and_code().0, e)),
        }
    }
}

impl WebSession {
    /// The session of a page that needs a signed-in user who has changed
    /// their one-time password; otherwise the redirect to take instead.
    fn require(session: Result<Self, PortalError>) -> Result<Self, Reply> {
        match session {
            Ok(s) if s.user.must_change_password => Err(Reply::Redirect(Box::new(
                rocket::response::Redirect::to("/password"),
            ))),
            Ok(s) => Ok(s),
            Err(_) => Err(Reply::Redirect(Box::new(rocket::response::Redirect::to(
                "/",
            )))),
        }
    }

    /// A page of this session's user.
    fn page(&self, status: Status, title: &str, body: &str) -> Reply {
        html(
            status,
            html::page(title, Some((&self.user, self.csrf.as_str())), body),
        )
    }

    /// The page of a refusal or failure: its status, the Vietnamese message.
    fn error_page(&self, e: &PortalError) -> Reply {
        let (status, _) = e.status_and_code();
        let (_, message) = explain(e);
        let title = match status.code {
            403 => "Không có quyền truy cập",
            404 => "Không tìm thấy",
            _ => "Không thực hiện được",
        };
        let body = format!(
            r#"<p class="form-error" role="alert">{}</p><p><a href="/dashboard">Về bảng điều khiển</a></p>"#,
            html::esc(&message)
        );
        self.page(status, title, &body)
    }

    /// Whether the form's CSRF value is this session's.
    fn csrf_ok(&self, given: Option<&str>) -> bool {
        pages::csrf_matches(Some(&self.csrf), given)
    }

    /// The 403 page of a form without its CSRF value.
    fn csrf_refused(&self) -> Reply {
        self.error_page(&PortalError::Csrf)
    }
}
