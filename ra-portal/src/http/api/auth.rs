//! Who is calling: a bearer token (`Authorization: Bearer …`) or the web
//! session's private cookie. With the cookie, a request that changes
//! something must repeat the session's CSRF secret in `X-CSRF-Token`.

use std::sync::Arc;

use rocket::http::Method;
use rocket::request::{FromRequest, Outcome, Request};

use crate::accounts;
use crate::client_cert::Presented;
use crate::error::PortalError;
use crate::http::HttpStatus;
use crate::user::User;
use crate::{PortalState, SESSION_COOKIE};

/// How the caller authenticated.
#[derive(Debug, Clone)]
pub enum Credential {
    /// A bearer token (the token itself, to revoke it on sign-out).
    Token(String),
    /// The web session cookie (the session id).
    Session(String),
}

/// Any signed-in caller, even one who must still change a one-time
/// password (for `POST /password`, `DELETE /session`, `GET /me`).
#[derive(Debug, Clone)]
pub struct AnyApiUser {
    /// The account.
    pub user: User,
    /// How it signed in.
    pub credential: Credential,
}

/// A signed-in caller free to use the API.
#[derive(Debug, Clone)]
pub struct ApiUser(pub User);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for AnyApiUser {
    type Error = PortalError;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, PortalError> {
        match authenticate(req).await {
            Ok(u) => Outcome::Success(u),
            Err(e) => Outcome::Error((e.status_and_code().0, e)),
        }
    }
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for ApiUser {
    type Error = PortalError;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, PortalError> {
        match authenticate(req).await {
            Ok(u) if u.user.must_change_password => {
                let e = PortalError::PasswordChangeRequired;
                Outcome::Error((e.status_and_code().0, e))
            }
            Ok(u) => Outcome::Success(Self(u.user)),
            Err(e) => Outcome::Error((e.status_and_code().0, e)),
        }
    }
}

async fn authenticate(req: &Request<'_>) -> Result<AnyApiUser, PortalError> {
    let state = req
        .rocket()
        .state::<Arc<PortalState>>()
        .ok_or_else(|| PortalError::Internal("portal state missing".into()))?;
    let store = state.ca.store().clone();
    let presented = Presented::of(req).await;
    if let Some(header) = req.headers().get_one("Authorization") {
        let token = header
            .strip_prefix("Bearer ")
            .or_else(|| header.strip_prefix("bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(PortalError::Unauthenticated)?
            .to_owned();
        let t = token.clone();
        let user =
            crate::http::blocking(move || accounts::api_token_user(&store, &t, presented.as_ref()))
                .await?;
        return Ok(AnyApiUser {
            user,
            credential: Credential::Token(token),
        });
    }
    let Some(cookie) = req.cookies().get_private(SESSION_COOKIE) else {
        return Err(PortalError::Unauthenticated);
    };
    let id = cookie.value().to_owned();
    let sid = id.clone();
    let (user, csrf) =
        crate::http::blocking(move || accounts::session_user(&store, &sid, presented.as_ref()))
            .await?;
    let safe = matches!(req.method(), Method::Get | Method::Head | Method::Options);
    if !safe && req.headers().get_one("X-CSRF-Token") != Some(csrf.as_str()) {
        return Err(PortalError::Csrf);
    }
    Ok(AnyApiUser {
        user,
        credential: Credential::Session(id),
    })
}
