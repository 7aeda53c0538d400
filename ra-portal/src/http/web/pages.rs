//! The page handlers.

use std::sync::Arc;

use rocket::form::Form;
use rocket::http::{Cookie, CookieJar, Header, SameSite, Status};
use rocket::response::content::RawHtml;
use rocket::response::Redirect;
use rocket::State;

use super::html::{esc, field, page};
use super::lang::Lang;
use super::WebSession;
use crate::accounts;
use crate::client_cert::Presented;
use crate::error::PortalError;
use crate::error_code::ErrorCode;
use crate::http::HttpStatus;
use crate::http::{blocking, ClientAddr};
use crate::{requests, PortalState, SESSION_COOKIE};

/// The private cookie holding the sign-in form's CSRF value.
const LOGIN_CSRF_COOKIE: &str = "govpki_login_csrf";

/// A page or a redirect.
#[derive(rocket::Responder)]
pub(super) enum Reply {
    Page((Status, RawHtml<String>)),
    Redirect(Box<Redirect>),
    /// A page asking to wait (`Retry-After`).
    Wait(Box<WaitPage>),
}

/// A refused sign-in page with its `Retry-After` header.
#[derive(rocket::Responder)]
pub(super) struct WaitPage {
    inner: (Status, RawHtml<String>),
    retry_after: Header<'static>,
}

impl Reply {
    /// This page, with `Retry-After` when `e` asks to wait.
    pub(super) fn waiting(self, e: &PortalError) -> Self {
        match (self, e.retry_after()) {
            (Self::Page(inner), Some(secs)) => Self::Wait(Box::new(WaitPage {
                inner,
                retry_after: Header::new("Retry-After", secs.to_string()),
            })),
            (other, _) => other,
        }
    }
}

pub(super) fn html(status: Status, body: String) -> Reply {
    Reply::Page((status, RawHtml(body)))
}

/// The sign-in form's fields.
#[derive(Debug, Default, rocket::FromForm)]
pub(super) struct LoginForm {
    csrf: Option<String>,
    username: Option<String>,
    password: Option<String>,
    totp: Option<String>,
}

/// The password form's fields.
#[derive(Debug, Default, rocket::FromForm)]
pub(super) struct PasswordForm {
    csrf: Option<String>,
    old: Option<String>,
    new: Option<String>,
    confirm: Option<String>,
}

/// The sign-out form.
#[derive(Debug, Default, rocket::FromForm)]
pub(super) struct CsrfForm {
    csrf: Option<String>,
}

/// Where a page asked without a live session sends the browser: the
/// sign-in page, saying so when the session has expired.
pub(super) fn to_sign_in(e: &PortalError) -> Reply {
    let to = match e {
        PortalError::SessionExpired => "/?session=expired",
        e if ends_certificate_session(e) => "/?session=certificate",
        _ => "/",
    };
    Reply::Redirect(Box::new(Redirect::to(to)))
}

/// Whether `e` ends a session opened with a client certificate: the
/// certificate is no longer presented, no longer ours, or no longer good.
pub(super) fn ends_certificate_session(e: &PortalError) -> bool {
    matches!(
        e,
        PortalError::CertificateRequired
            | PortalError::CertificateUnknown
            | PortalError::CertificateUnusable { .. }
            | PortalError::CertificateMismatch
    )
}

#[rocket::get("/?<session>")]
pub(super) fn index(
    state: &State<Arc<PortalState>>,
    session: Option<&str>,
    web: Result<WebSession, PortalError>,
    cookies: &CookieJar<'_>,
    presented: Option<Presented>,
) -> Reply {
    if web.is_ok() {
        return Reply::Redirect(Box::new(Redirect::to("/dashboard")));
    }
    let lang = Lang::of(cookies);
    let general = match session {
        Some("expired") => Some(lang.t("Phiên đăng nhập đã hết hạn; vui lòng đăng nhập lại. Thao tác vừa rồi chưa được thực hiện.")),
        Some("certificate") => Some(lang.t("Chứng thư số của phiên đăng nhập không còn được xuất trình hoặc không còn hiệu lực (bị thu hồi, tạm dừng hoặc hết hạn); phiên đã kết thúc.")),
        _ => None,
    };
    let errors = LoginErrors {
        general: general.map(str::to_owned),
    };
    login_page(state, cookies, Status::Ok, "", presented.as_ref(), &errors)
}

#[rocket::post("/login", data = "<form>")]
pub(super) async fn login(
    state: &State<Arc<PortalState>>,
    cookies: &CookieJar<'_>,
    client: ClientAddr,
    presented: Option<Presented>,
    form: Option<Form<LoginForm>>,
) -> Reply {
    let form = form.map(Form::into_inner).unwrap_or_default();
    let username = form.username.clone().unwrap_or_default();
    let presented = presented.as_ref();
    if !login_csrf_ok(cookies, form.csrf.as_deref()) {
        let errors = LoginErrors::general(message(Lang::of(cookies), &PortalError::Csrf));
        return login_page(
            state,
            cookies,
            Status::Forbidden,
            &username,
            presented,
            &errors,
        );
    }
    if let Err(e) = state.sign_in_limit.attempt(client.0) {
        let errors = LoginErrors::general(message(Lang::of(cookies), &e));
        return login_page(
            state,
            cookies,
            e.status_and_code().0,
            &username,
            presented,
            &errors,
        )
        .waiting(&e);
    }
    let portal = Arc::clone(state.inner());
    let ttl = state.session_ttl;
    let outcome = blocking(move || {
        let store = portal.ca.store();
        let given = accounts::Credentials {
            username: form.username.as_deref().unwrap_or_default(),
            password: form.password.as_deref().unwrap_or_default(),
            totp: form.totp.as_deref(),
        };
        let user = accounts::authenticate(store, &portal.totp_key, given, client.0)?;
        let (id, _) = accounts::create_session(store, &user, ttl, None)?;
        Ok((user, id))
    })
    .await;
    match outcome {
        Ok((user, id)) => signed_in(state, cookies, &user, id, ttl),
        Err(e) => {
            // One message for the whole form: which of username, password
            // and code was wrong is never said.
            let errors = LoginErrors::general(message(Lang::of(cookies), &e));
            login_page(
                state,
                cookies,
                e.status_and_code().0,
                &username,
                presented,
                &errors,
            )
            .waiting(&e)
        }
    }
}

/// Whether the sign-in form carried the CSRF value of its private cookie.
pub(super) fn login_csrf_ok(cookies: &CookieJar<'_>, given: Option<&str>) -> bool {
    let expected = cookies
        .get_private(LOGIN_CSRF_COOKIE)
        .map(|c| c.value().to_owned());
    csrf_matches(expected.as_deref(), given)
}

/// A successful sign-in: the session cookie, then the password page (one-
/// time password still in use) or the dashboard. The cookie's `Max-Age`
/// and `Expires` both say the session's lifetime (Rocket would otherwise
/// write a week into `Expires`).
pub(super) fn signed_in(
    state: &PortalState,
    cookies: &CookieJar<'_>,
    user: &crate::user::User,
    session: String,
    ttl: chrono::Duration,
) -> Reply {
    cookies.remove_private(LOGIN_CSRF_COOKIE);
    let lifetime = rocket::time::Duration::minutes(ttl.num_minutes());
    let cookie = Cookie::build((SESSION_COOKIE, session))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .max_age(lifetime)
        .expires(rocket::time::OffsetDateTime::now_utc() + lifetime);
    cookies.add_private(secure(state, cookie));
    let next = if user.must_change_password {
        "/password"
    } else {
        "/dashboard"
    };
    Reply::Redirect(Box::new(Redirect::to(next)))
}

#[rocket::get("/dashboard")]
pub(super) async fn dashboard(
    state: &State<Arc<PortalState>>,
    session: Result<WebSession, PortalError>,
) -> Reply {
    let session = match session {
        Ok(s) => s,
        Err(e) => return to_sign_in(&e),
    };
    if session.user.must_change_password {
        return Reply::Redirect(Box::new(Redirect::to("/password")));
    }
    let store = state.ca.store().clone();
    let user = session.user.clone();
    let pending = match blocking(move || requests::pending_count(&store, &user)).await {
        Ok(n) => n.to_string(),
        Err(e) => {
            tracing::error!(error = %e, "dashboard");
            "—".to_owned()
        }
    };
    let u = &session.user;
    let province = u
        .province
        .clone()
        .unwrap_or_else(|| session.t("Tất cả tỉnh, thành phố").to_owned());
    let body = format!(
        r#"<dl class="facts">
<dt>{t_account}</dt><dd>{name}</dd>
<dt>{t_role}</dt><dd>{role}</dd>
<dt>{t_province}</dt><dd>{province}</dd>
<dt>{t_unit}</dt><dd>{department}</dd>
<dt>{t_pending}</dt><dd id="pending">{pending}</dd>
</dl>
<p><a href="/requests?state=submitted">{t_see}</a> · <a href="/certificates">{t_search}</a></p>
<p>API: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a> · <a href="/password">{t_password}</a> · <a href="/account">{t_account_page}</a></p>
"#,
        t_account = session.t("Tài khoản"),
        t_role = session.t("Vai trò"),
        t_province = session.t("Tỉnh, thành phố"),
        t_unit = session.t("Đơn vị"),
        t_pending = session.t("Yêu cầu chờ phê duyệt"),
        t_see = session.t("Xem các yêu cầu chờ phê duyệt"),
        t_search = session.t("Tìm kiếm chứng thư số"),
        t_password = session.t("Đổi mật khẩu"),
        t_account_page = session.t("Tài khoản của tôi"),
        name = esc(&u.username),
        role = esc(session.t(u.role.label_vi())),
        province = esc(&province),
        department = esc(u.department.as_deref().unwrap_or("—")),
    );
    let body = format!(
        "{}{body}",
        super::tokens::emergencies_block(state, &session).await
    );
    session.page(Status::Ok, session.t("Bảng điều khiển"), &body)
}

#[rocket::get("/password")]
pub(super) fn password_form(session: Result<WebSession, PortalError>) -> Reply {
    let session = match session {
        Ok(s) => s,
        Err(e) => return to_sign_in(&e),
    };
    password_page(&session, Status::Ok, &PasswordErrors::default())
}

#[rocket::post("/password", data = "<form>")]
pub(super) async fn password_submit(
    state: &State<Arc<PortalState>>,
    session: Result<WebSession, PortalError>,
    form: Option<Form<PasswordForm>>,
) -> Reply {
    let session = match session {
        Ok(s) => s,
        Err(e) => return to_sign_in(&e),
    };
    let form = form.map(Form::into_inner).unwrap_or_default();
    if !csrf_matches(Some(&session.csrf), form.csrf.as_deref()) {
        let errors = PasswordErrors {
            general: Some(session.message(&PortalError::Csrf)),
            ..PasswordErrors::default()
        };
        return password_page(&session, Status::Forbidden, &errors);
    }
    if form.new != form.confirm {
        let errors = PasswordErrors {
            confirm: Some(session.t("Mật khẩu nhập lại không khớp.").to_owned()),
            ..PasswordErrors::default()
        };
        return password_page(&session, Status::UnprocessableEntity, &errors);
    }
    let store = state.ca.store().clone();
    let user = session.user.clone();
    let id = session.id.clone();
    let result = blocking(move || {
        accounts::change_password(
            &store,
            &user,
            form.old.as_deref().unwrap_or_default(),
            form.new.as_deref().unwrap_or_default(),
            &accounts::Current::Session(&id),
        )
    })
    .await;
    match result {
        Ok(()) => Reply::Redirect(Box::new(Redirect::to("/dashboard"))),
        Err(e) => {
            let message = session.message(&e);
            let code = match &e {
                PortalError::Invalid { code, .. } => Some(*code),
                _ => None,
            };
            let errors = match code {
                Some(ErrorCode::WrongPassword) => PasswordErrors {
                    old: Some(message),
                    ..PasswordErrors::default()
                },
                Some(ErrorCode::WeakPassword) => PasswordErrors {
                    new: Some(message),
                    ..PasswordErrors::default()
                },
                _ => PasswordErrors {
                    general: Some(message),
                    ..PasswordErrors::default()
                },
            };
            password_page(&session, e.status_and_code().0, &errors)
        }
    }
}

#[rocket::post("/logout", data = "<form>")]
pub(super) async fn logout(
    state: &State<Arc<PortalState>>,
    session: Result<WebSession, PortalError>,
    cookies: &CookieJar<'_>,
    form: Option<Form<CsrfForm>>,
) -> Reply {
    let session = match session {
        Ok(s) => s,
        Err(e) => {
            cookies.remove_private(SESSION_COOKIE);
            return to_sign_in(&e);
        }
    };
    let form = form.map(Form::into_inner).unwrap_or_default();
    if !csrf_matches(Some(&session.csrf), form.csrf.as_deref()) {
        let body = format!(
            r#"<p class="form-error" role="alert">{}</p><p><a href="/dashboard">{}</a></p>"#,
            esc(&session.message(&PortalError::Csrf)),
            session.t("Quay lại"),
        );
        return session.page(Status::Forbidden, session.t("Đăng xuất"), &body);
    }
    let store = state.ca.store().clone();
    let id = session.id.clone();
    if let Err(e) = blocking(move || accounts::delete_session(&store, &id)).await {
        tracing::error!(error = %e, "sign-out");
    }
    cookies.remove_private(SESSION_COOKIE);
    Reply::Redirect(Box::new(Redirect::to("/")))
}

/// The messages of a refused sign-in: the form's, or next to a field.
#[derive(Debug, Default)]
pub(super) struct LoginErrors {
    general: Option<String>,
}

impl LoginErrors {
    /// A message for the whole form.
    pub(super) fn general(message: String) -> Self {
        Self {
            general: Some(message),
        }
    }
}

#[derive(Debug, Default)]
struct PasswordErrors {
    general: Option<String>,
    old: Option<String>,
    new: Option<String>,
    confirm: Option<String>,
}

/// `cookie`, marked `Secure` when the portal is told it sits behind a
/// proxy that terminates TLS (over HTTPS Rocket marks it anyway).
pub(super) fn secure<'c>(state: &PortalState, cookie: impl Into<Cookie<'c>>) -> Cookie<'c> {
    let mut cookie = cookie.into();
    if state.options.cookie_secure {
        cookie.set_secure(true);
    }
    cookie
}

/// The sign-in page with a fresh CSRF value (also set in a private cookie);
/// with a client certificate presented, a button signing in with it.
pub(super) fn login_page(
    state: &PortalState,
    cookies: &CookieJar<'_>,
    status: Status,
    username: &str,
    presented: Option<&Presented>,
    e: &LoginErrors,
) -> Reply {
    let lang = Lang::of(cookies);
    let csrf = match crate::random::secret_256() {
        Ok(c) => c,
        Err(err) => {
            tracing::error!(error = %err, "sign-in page");
            return html(
                Status::InternalServerError,
                page(
                    lang,
                    lang.t("Lỗi"),
                    None,
                    &format!("<p>{}</p>", lang.t("Lỗi hệ thống.")),
                ),
            );
        }
    };
    let hour = rocket::time::Duration::hours(1);
    cookies.add_private(secure(
        state,
        Cookie::build((LOGIN_CSRF_COOKIE, csrf.clone()))
            .path("/")
            .http_only(true)
            .same_site(SameSite::Strict)
            .max_age(hour)
            .expires(rocket::time::OffsetDateTime::now_utc() + hour),
    ));
    let general = general_error(e.general.as_deref());
    let certificate = presented
        .map(|p| {
            format!(
                r#"<form method="post" action="/login/certificate" class="card" id="certificate-login">
<input type="hidden" name="csrf" value="{csrf}">
<p>{t_presented} <strong>{subject}</strong></p>
<button type="submit">{t_submit}</button>
</form>
"#,
                csrf = esc(&csrf),
                t_presented = lang.t("Trình duyệt đang xuất trình chứng thư số:"),
                subject = esc(&p.subject().unwrap_or_default()),
                t_submit = lang.t("Đăng nhập bằng chứng thư số"),
            )
        })
        .unwrap_or_default();
    let body = format!(
        r#"{general}{certificate}<form method="post" action="/login" class="card" novalidate>
<input type="hidden" name="csrf" value="{csrf}">
{user}{pass}{totp}<p class="hint">{hint}</p>
<button type="submit">{submit}</button>
</form>
"#,
        hint = lang.t("Mã xác thực bắt buộc với quản trị viên và lãnh đạo phê duyệt."),
        submit = lang.t("Đăng nhập"),
        csrf = esc(&csrf),
        user = field(
            "username",
            lang.t("Tên đăng nhập"),
            "text",
            username,
            None,
            r#"autocomplete="username" required"#
        ),
        pass = field(
            "password",
            lang.t("Mật khẩu"),
            "password",
            "",
            None,
            r#"autocomplete="current-password" required"#
        ),
        totp = field(
            "totp",
            lang.t("Mã xác thực (TOTP)"),
            "text",
            "",
            None,
            r#"inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}""#
        ),
    );
    html(status, page(lang, lang.t("Đăng nhập"), None, &body))
}

fn password_page(session: &WebSession, status: Status, e: &PasswordErrors) -> Reply {
    let notice = if session.user.must_change_password {
        format!(
            r#"<p class="notice">{}</p>"#,
            session.t("Bạn đang dùng mật khẩu một lần: hãy đặt mật khẩu mới (ít nhất 12 ký tự) trước khi tiếp tục.")
        )
    } else {
        String::new()
    };
    let body = format!(
        r#"{notice}{general}<form method="post" action="/password" class="card" novalidate>
<input type="hidden" name="csrf" value="{csrf}">
{old}{new}{confirm}<button type="submit">{submit}</button>
</form>
"#,
        submit = session.t("Đổi mật khẩu"),
        general = general_error(e.general.as_deref()),
        csrf = esc(&session.csrf),
        old = field(
            "old",
            session.t("Mật khẩu hiện tại"),
            "password",
            "",
            e.old.as_deref(),
            r#"autocomplete="current-password" required"#
        ),
        new = field(
            "new",
            session.t("Mật khẩu mới"),
            "password",
            "",
            e.new.as_deref(),
            r#"autocomplete="new-password" minlength="12" required"#
        ),
        confirm = field(
            "confirm",
            session.t("Nhập lại mật khẩu mới"),
            "password",
            "",
            e.confirm.as_deref(),
            r#"autocomplete="new-password" required"#
        ),
    );
    session.page(status, session.t("Đổi mật khẩu"), &body)
}

pub(super) fn general_error(message: Option<&str>) -> String {
    message
        .map(|m| format!(r#"<p class="form-error" role="alert">{}</p>"#, esc(m)))
        .unwrap_or_default()
}

/// Constant-time comparison of the expected CSRF value with the form's.
pub(super) fn csrf_matches(expected: Option<&str>, given: Option<&str>) -> bool {
    match (expected, given) {
        (Some(a), Some(b)) if !a.is_empty() && a.len() == b.len() => {
            a.bytes()
                .zip(b.bytes())
                .fold(0u8, |acc, (x, y)| acc | (x ^ y))
                == 0
        }
        _ => false,
    }
}

/// The message of an error shown on a page in `lang`.
pub(super) fn message(lang: Lang, e: &PortalError) -> String {
    match lang {
        Lang::Vi => crate::explain::vi_message(e),
        Lang::En => en_message(e),
    }
}

/// The English message of an error shown on a page: what its code means
/// ([`ErrorCode::english`]) with the API's message as the detail, or the
/// API's message alone; never the details of an internal failure.
pub(super) fn en_message(e: &PortalError) -> String {
    match e {
        _ if e.status_and_code().0 == Status::InternalServerError => {
            tracing::error!(error = %e, "page");
            "System error; please try again later.".to_owned()
        }
        PortalError::Invalid { code, message } | PortalError::Conflict { code, message } => {
            format!("{} ({message})", code.english())
        }
        _ => e.to_string(),
    }
}
