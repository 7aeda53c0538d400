//! The web pages (Vietnamese): sign-in at `/`, the dashboard, password
//! change, sign-out, and the stylesheet. Forms work without JavaScript;
//! every form carries a CSRF token (before sign-in a random value also held
//! in a private cookie, after it the session's secret). The session id
//! lives in a private (encrypted, authenticated) cookie with an expiry and
//! in the `sessions` table, so signing out or disabling a user ends it at
//! once.

mod html;
mod pages;

use std::sync::Arc;

use rocket::http::Status;
use rocket::request::{FromRequest, Outcome, Request};
use rocket::Route;

use crate::accounts::{self, User};
use crate::{PortalError, PortalState, SESSION_COOKIE};

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
