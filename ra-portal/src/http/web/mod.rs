//! The web pages (Vietnamese): sign-in at `/`, the dashboard, password
//! change, sign-out, the stylesheet, and for signed-in users the registry
//! (units, subscribers, tokens), requests (a form per kind, the list, a
//! request's page with its decision), certificates (search, details),
//! reports and the audit log.
//! Pages call the same logic as the API (`crate::registry`,
//! `crate::requests`, `crate::certificates`), so one `authorize` decides
//! both; refusals are worded in Vietnamese next to their field by
//! [`vi`]. Forms work without JavaScript;
//! every form carries a CSRF token (before sign-in a random value also held
//! in a private cookie, after it the session's secret). The session id
//! lives in a private (encrypted, authenticated) cookie with an expiry and
//! in the `sessions` table, so signing out or disabling a user ends it at
//! once.

mod account;
mod assets;
mod audit_action;
mod batches;
mod bulk;
mod certificates;
mod chart;
mod en;
mod html;
mod import;
mod lang;
mod pages;
mod paging;
mod registry;
mod reports;
mod request_form;
mod requests;
mod review;
mod subscribers;
mod tokens;
mod users;
mod vi;

use std::sync::Arc;

use rocket::http::Status;
use rocket::request::{FromRequest, Outcome, Request};
use rocket::Route;

use crate::accounts;
use crate::error::PortalError;
use crate::http::HttpStatus;
use crate::user::User;
use crate::{PortalState, SESSION_COOKIE};

use self::lang::Lang;
use self::pages::{html, Reply};

pub(crate) use self::lang::LANG_COOKIE;
pub(crate) use self::vi::explain;

/// Every page route (mounted at `/`).
pub(crate) fn routes() -> Vec<Route> {
    rocket::routes![
        pages::index,
        lang::switch,
        pages::login,
        account::login,
        account::page,
        account::bind,
        account::unbind,
        account::sign_out_everywhere,
        users::list,
        users::create,
        users::show,
        users::unlock,
        users::reset,
        users::disable,
        users::enable,
        users::set_role,
        tokens::show,
        tokens::emergency_lost,
        tokens::acknowledge,
        pages::dashboard,
        pages::password_form,
        pages::password_submit,
        pages::logout,
        assets::stylesheet,
        registry::units,
        registry::add_unit,
        subscribers::list,
        subscribers::form,
        import::form,
        import::preview,
        import::confirm,
        import::preview_more,
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
        reports::page,
        reports::audit,
        // Issue 16: batches.
        batches::list,
        batches::form,
        batches::create,
        batches::show,
        batches::approve,
        batches::reject,
    ]
}

/// A page form carrying the session's CSRF value.
trait PostedForm: Default {
    /// The CSRF value the form carried.
    fn csrf(&self) -> Option<&str>;
}

/// Implements [`PostedForm`] for forms with a `csrf: Option<String>` field.
macro_rules! posted_forms {
    ($($form:ty),* $(,)?) => {$(
        impl PostedForm for $form {
            fn csrf(&self) -> Option<&str> {
                self.csrf.as_deref()
            }
        }
    )*};
}

posted_forms!(
    account::AccountForm,
    batches::BatchDecisionForm,
    bulk::RetryForm,
    import::ConfirmForm,
    registry::UnitForm,
    registry::TokenForm,
    requests::DecisionForm,
    subscribers::SubscriberForm,
    users::UnlockForm,
    users::CreateForm,
    users::RoleForm,
);

/// A signed-in web session.
#[derive(Debug, Clone)]
pub(crate) struct WebSession {
    user: User,
    csrf: String,
    id: String,
    lang: Lang,
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
        let lang = Lang::of(req.cookies());
        let store = state.ca.store().clone();
        let sid = id.clone();
        let presented = crate::client_cert::Presented::of(req).await;
        let session = move || accounts::session_user(&store, &sid, presented.as_ref());
        match crate::http::blocking(session).await {
            Ok((user, csrf)) => Outcome::Success(Self {
                user,
                csrf,
                id,
                lang,
            }),
            Err(e) => {
                if matches!(e, PortalError::SessionExpired) || pages::ends_certificate_session(&e) {
                    req.cookies().remove_private(SESSION_COOKIE);
                }
                Outcome::Error((e.status_and_code().0, e))
            }
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
            Err(e) => Err(pages::to_sign_in(&e)),
        }
    }

    /// A page of this session's user.
    fn page(&self, status: Status, title: &str, body: &str) -> Reply {
        html(
            status,
            html::page(
                self.lang,
                title,
                Some((&self.user, self.csrf.as_str())),
                body,
            ),
        )
    }

    /// `vi` in the session's language.
    fn t(&self, vi: &'static str) -> &'static str {
        self.lang.t(vi)
    }

    /// The name of a state, kind or status in the session's language.
    fn state<'a>(&self, s: &'a str) -> &'a str {
        vi::state_in(self.lang, s)
    }

    /// The errors of a refused form in the session's language.
    fn form_errors(&self, e: &PortalError) -> vi::FormErrors {
        vi::FormErrors::from_error_in(self.lang, e)
    }

    /// The message of a refusal in the session's language: the Vietnamese
    /// wording, or the API's English message.
    fn message(&self, e: &PortalError) -> String {
        match self.lang {
            Lang::Vi => explain(e).1,
            Lang::En => pages::en_message(e),
        }
    }

    /// The page of a refusal or failure: its status and message.
    fn error_page(&self, e: &PortalError) -> Reply {
        let (status, _) = e.status_and_code();
        let title = match status.code {
            403 => self.t("Không có quyền truy cập"),
            404 => self.t("Không tìm thấy"),
            _ => self.t("Không thực hiện được"),
        };
        let body = format!(
            r#"<p class="form-error" role="alert">{}</p><p><a href="/dashboard">{}</a></p>"#,
            html::esc(&self.message(e)),
            self.t("Về bảng điều khiển"),
        );
        self.page(status, title, &body)
    }

    /// The session and form of a posted page form: the redirect of
    /// [`Self::require`] without a usable session, the 403 page without the
    /// session's CSRF value.
    fn posted<F: PostedForm>(
        session: Result<Self, PortalError>,
        form: Option<rocket::form::Form<F>>,
    ) -> Result<(Self, F), Reply> {
        let session = Self::require(session)?;
        let form = form.map(rocket::form::Form::into_inner).unwrap_or_default();
        if session.csrf_ok(form.csrf()) {
            Ok((session, form))
        } else {
            Err(session.csrf_refused())
        }
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
