//! Client-certificate sign-in (`POST /login/certificate`) and the account
//! page listing the certificates an account signs in with
//! (`/account`): bind the certificate this browser presents, unbind one
//! (the rules are [`crate::client_cert`]'s); and "sign out everywhere"
//! (`POST /account/sign-out-everywhere`).

use std::sync::Arc;

use rocket::form::Form;
use rocket::http::{CookieJar, Status};
use rocket::response::Redirect;
use rocket::State;

use super::html::{csrf_input, esc, table};
use super::lang::Lang;
use super::pages::{self, Reply};
use super::WebSession;
use crate::client_cert::{self, BoundCertificate, Presented};
use crate::error::PortalError;
use crate::http::HttpStatus;
use crate::http::{blocking, ClientAddr};
use crate::vn_time;
use crate::{accounts, PortalState};

/// A form carrying only the CSRF value.
#[derive(Debug, Default, rocket::FromForm)]
pub(super) struct AccountForm {
    pub(super) csrf: Option<String>,
}

#[rocket::post("/login/certificate", data = "<form>")]
pub(super) async fn login(
    state: &State<Arc<PortalState>>,
    cookies: &CookieJar<'_>,
    client: ClientAddr,
    presented: Option<Presented>,
    form: Option<Form<AccountForm>>,
) -> Reply {
    let form = form.map(Form::into_inner).unwrap_or_default();
    let lang = Lang::of(cookies);
    let refuse = |e: &PortalError| {
        let errors = pages::LoginErrors::general(pages::message(lang, e));
        pages::login_page(
            state,
            cookies,
            e.status_and_code().0,
            "",
            presented.as_ref(),
            &errors,
        )
    };
    if !pages::login_csrf_ok(cookies, form.csrf.as_deref()) {
        return refuse(&PortalError::Csrf);
    }
    if let Err(e) = state.sign_in_limit.attempt(client.0) {
        return refuse(&e);
    }
    let Some(certificate) = presented.clone() else {
        return refuse(&PortalError::CertificateRequired);
    };
    let portal = Arc::clone(state.inner());
    let ttl = state.session_ttl;
    let outcome = blocking(move || {
        let store = portal.ca.store();
        let (user, id) = client_cert::sign_in(store, &certificate)?;
        let (session, _) = accounts::create_session(store, &user, ttl, Some(id))?;
        Ok((user, session))
    })
    .await;
    match outcome {
        Ok((user, session)) => pages::signed_in(state, cookies, &user, session, ttl),
        Err(e) => refuse(&e),
    }
}

#[rocket::get("/account")]
pub(super) async fn page(
    state: &State<Arc<PortalState>>,
    session: Result<WebSession, PortalError>,
    presented: Option<Presented>,
) -> Reply {
    let session = match WebSession::require(session) {
        Ok(s) => s,
        Err(r) => return r,
    };
    account_page(state, &session, presented.as_ref(), Status::Ok, None).await
}

#[rocket::post("/account/certificates", data = "<form>")]
pub(super) async fn bind(
    state: &State<Arc<PortalState>>,
    session: Result<WebSession, PortalError>,
    presented: Option<Presented>,
    form: Option<Form<AccountForm>>,
) -> Reply {
    let (session, _) = match WebSession::posted(session, form) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let store = state.ca.store().clone();
    let user = session.user.clone();
    let p = presented.clone();
    let done = blocking(move || client_cert::bind(&store, &user, p.as_ref()).map(drop)).await;
    back_to_account(state, &session, presented.as_ref(), done).await
}

#[rocket::post("/account/certificates/<id>/remove", data = "<form>")]
pub(super) async fn unbind(
    state: &State<Arc<PortalState>>,
    session: Result<WebSession, PortalError>,
    presented: Option<Presented>,
    id: i64,
    form: Option<Form<AccountForm>>,
) -> Reply {
    let (session, _) = match WebSession::posted(session, form) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let store = state.ca.store().clone();
    let user = session.user.clone();
    let done = blocking(move || client_cert::unbind(&store, &user, id)).await;
    back_to_account(state, &session, presented.as_ref(), done).await
}

#[rocket::post("/account/sign-out-everywhere", data = "<form>")]
pub(super) async fn sign_out_everywhere(
    state: &State<Arc<PortalState>>,
    session: Result<WebSession, PortalError>,
    presented: Option<Presented>,
    form: Option<Form<AccountForm>>,
) -> Reply {
    let (session, _) = match WebSession::posted(session, form) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let store = state.ca.store().clone();
    let user = session.user.clone();
    let id = session.id.clone();
    let done = blocking(move || {
        accounts::sign_out::sign_out_everywhere(&store, &user, &accounts::Current::Session(&id))
            .map(drop)
    })
    .await;
    back_to_account(state, &session, presented.as_ref(), done).await
}

/// After a change of the account page: back to it, or the page again with
/// the refusal.
async fn back_to_account(
    state: &State<Arc<PortalState>>,
    session: &WebSession,
    presented: Option<&Presented>,
    done: Result<(), PortalError>,
) -> Reply {
    match done {
        Ok(()) => Reply::Redirect(Box::new(Redirect::to("/account"))),
        Err(e) => {
            let status = e.status_and_code().0;
            account_page(state, session, presented, status, Some(&e)).await
        }
    }
}

/// The account page: the account, its sign-in certificates, and the bind
/// button when this browser presents a certificate not bound yet.
async fn account_page(
    state: &State<Arc<PortalState>>,
    session: &WebSession,
    presented: Option<&Presented>,
    status: Status,
    error: Option<&PortalError>,
) -> Reply {
    let store = state.ca.store().clone();
    let user = session.user.clone();
    let bound = match blocking(move || client_cert::bound(&store, &user)).await {
        Ok(b) => b,
        Err(e) => return session.error_page(&e),
    };
    let rows: Vec<Vec<String>> = bound.iter().map(|b| row(session, b)).collect();
    let general = pages::general_error(error.map(|e| session.message(e)).as_deref());
    let offer = match presented {
        Some(p) => format!(
            r#"<form method="post" action="/account/certificates" class="card">
{csrf}<p>{t_presented} <strong id="presented-subject">{subject}</strong></p>
<button type="submit">{t_bind}</button>
</form>
"#,
            csrf = csrf_input(&session.csrf),
            t_presented = session.t("Trình duyệt đang xuất trình chứng thư số:"),
            subject = esc(&p.subject().unwrap_or_default()),
            t_bind = session.t("Dùng chứng thư số này để đăng nhập"),
        ),
        None => format!(
            r#"<p class="hint">{}</p>"#,
            session.t("Để đăng nhập bằng chứng thư số, mở cổng qua HTTPS với thiết bị ký số (USB token) đã cắm: trình duyệt sẽ xuất trình chứng thư số, rồi bấm nút gắn chứng thư trên trang này.")
        ),
    };
    let body = format!(
        r#"{general}<dl class="facts">
<dt>{t_account}</dt><dd>{name}</dd>
<dt>{t_role}</dt><dd>{role}</dd>
</dl>
<h2>{t_certs}</h2>
<p>{t_explain}</p>
{table}{offer}<h2>{t_sessions}</h2>
<form method="post" action="/account/sign-out-everywhere" class="card" id="sign-out-everywhere">
{csrf}<p>{t_sessions_explain}</p>
<button type="submit">{t_sign_out_everywhere}</button>
</form>
"#,
        csrf = csrf_input(&session.csrf),
        t_sessions = session.t("Phiên đăng nhập"),
        t_sessions_explain = session.t("Kết thúc mọi phiên đăng nhập và mã truy cập API khác của tài khoản này (trên các máy và trình duyệt khác); phiên đang dùng vẫn giữ."),
        t_sign_out_everywhere = session.t("Đăng xuất khỏi mọi nơi khác"),
        t_account = session.t("Tài khoản"),
        t_role = session.t("Vai trò"),
        name = esc(&session.user.username),
        role = esc(session.t(session.user.role.label_vi())),
        t_certs = session.t("Chứng thư số dùng để đăng nhập"),
        t_explain = session.t("Chứng thư số do hệ thống này cấp có thể thay cho mật khẩu khi đăng nhập qua HTTPS. Trạng thái của chứng thư được kiểm tra ở mỗi yêu cầu: chứng thư bị thu hồi, tạm dừng hoặc hết hạn không còn đăng nhập được."),
        table = table(
            session.lang,
            session.t("Chứng thư số dùng để đăng nhập"),
            &[
                session.t("Số hiệu"),
                session.t("Chủ thể"),
                session.t("Trạng thái"),
                session.t("Hết hạn"),
                session.t("Gắn lúc"),
                ""
            ],
            &rows
        ),
    );
    session.page(status, session.t("Tài khoản của tôi"), &body)
}

/// One bound certificate's row, with its unbind button.
fn row(session: &WebSession, b: &BoundCertificate) -> Vec<String> {
    vec![
        format!(
            r#"<a href="/certificates/{s}"><code>{s}</code></a>"#,
            s = esc(&b.serial)
        ),
        esc(&b.subject),
        esc(session.state(&b.status)),
        esc(&vn_time::display(b.not_after)),
        esc(&vn_time::display(b.bound_at)),
        format!(
            r#"<form method="post" action="/account/certificates/{id}/remove">{csrf}<button type="submit" class="secondary">{t}</button></form>"#,
            id = b.certificate_id,
            csrf = csrf_input(&session.csrf),
            t = session.t("Gỡ"),
        ),
    ]
}
