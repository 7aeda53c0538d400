//! `/users` (administrators): every account with its role, province and
//! sign-in state, the form creating one, and each account's page
//! `/users/<username>` with its actions: reset the password (the new
//! one-time password shown once), unlock sign-in, disable or enable,
//! change the role or province. Each is a form with the CSRF value,
//! carried out by [`crate::accounts::listing`] and audited.

use std::sync::Arc;

use rocket::form::Form;
use rocket::http::Status;
use rocket::response::Redirect;
use rocket::State;

use super::html::{csrf_input, esc, select, table};
use super::pages::Reply;
use super::vi::FormErrors;
use super::WebSession;
use crate::accounts::listing::{self, AccountSummary};
use crate::accounts::NewAccount;
use crate::error::PortalError;
use crate::http::blocking;
use crate::http::HttpStatus;
use crate::role::Role;
use crate::user::User;
use crate::vn_time;
use crate::{totp, PortalState};

/// The unlock, reset, disable and enable forms: only the CSRF value.
#[derive(Debug, Default, rocket::FromForm)]
pub(super) struct UnlockForm {
    pub(super) csrf: Option<String>,
}

/// The account creation form.
#[derive(Debug, Default, Clone, rocket::FromForm)]
pub(super) struct CreateForm {
    pub(super) csrf: Option<String>,
    username: Option<String>,
    role: Option<String>,
    province: Option<String>,
    department: Option<String>,
}

/// The role and province form.
#[derive(Debug, Default, Clone, rocket::FromForm)]
pub(super) struct RoleForm {
    pub(super) csrf: Option<String>,
    role: Option<String>,
    province: Option<String>,
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
    users_page(state, &session, Status::Ok, None, &CreateForm::default()).await
}

#[rocket::post("/users", data = "<form>")]
pub(super) async fn create(
    state: &State<Arc<PortalState>>,
    session: Result<WebSession, PortalError>,
    form: Option<Form<CreateForm>>,
) -> Reply {
    let (session, form) = match WebSession::posted(session, form) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let portal = Arc::clone(state.inner());
    let user = session.user.clone();
    let input = form.clone();
    let created = blocking(move || {
        let role: Role = input.role.as_deref().unwrap_or_default().parse()?;
        listing::create_by(
            portal.ca.store(),
            &portal.totp_key,
            &user,
            &NewAccount {
                username: input.username.as_deref().unwrap_or_default(),
                role,
                province: input.province.as_deref().filter(|p| !p.trim().is_empty()),
                department: input.department.as_deref(),
            },
        )
    })
    .await;
    match created {
        Ok(c) => secrets_page(
            &session,
            &c.user,
            &c.one_time_password,
            c.totp_secret.as_deref(),
        ),
        Err(e) => {
            let status = e.status_and_code().0;
            users_page(state, &session, status, Some(&e), &form).await
        }
    }
}

#[rocket::get("/users/<username>")]
pub(super) async fn show(
    state: &State<Arc<PortalState>>,
    session: Result<WebSession, PortalError>,
    username: &str,
) -> Reply {
    let session = match WebSession::require(session) {
        Ok(s) => s,
        Err(r) => return r,
    };
    account_page(state, &session, username, Status::Ok, None).await
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
            users_page(state, &session, status, Some(&e), &CreateForm::default()).await
        }
    }
}

#[rocket::post("/users/<username>/reset", data = "<form>")]
pub(super) async fn reset(
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
    match blocking(move || listing::reset_by(&store, &user, &name)).await {
        Ok(done) => secrets_page(&session, &done.user, &done.one_time_password, None),
        Err(e) => refused(state, &session, username, &e).await,
    }
}

#[rocket::post("/users/<username>/disable", data = "<form>")]
pub(super) async fn disable(
    state: &State<Arc<PortalState>>,
    session: Result<WebSession, PortalError>,
    username: &str,
    form: Option<Form<UnlockForm>>,
) -> Reply {
    set_disabled(state, session, username, form, true).await
}

#[rocket::post("/users/<username>/enable", data = "<form>")]
pub(super) async fn enable(
    state: &State<Arc<PortalState>>,
    session: Result<WebSession, PortalError>,
    username: &str,
    form: Option<Form<UnlockForm>>,
) -> Reply {
    set_disabled(state, session, username, form, false).await
}

#[rocket::post("/users/<username>/role", data = "<form>")]
pub(super) async fn set_role(
    state: &State<Arc<PortalState>>,
    session: Result<WebSession, PortalError>,
    username: &str,
    form: Option<Form<RoleForm>>,
) -> Reply {
    let (session, form) = match WebSession::posted(session, form) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let portal = Arc::clone(state.inner());
    let user = session.user.clone();
    let name = username.to_owned();
    let changed = blocking(move || {
        listing::set_role_by(
            portal.ca.store(),
            &portal.totp_key,
            &user,
            &name,
            form.role.as_deref().unwrap_or_default(),
            form.province.as_deref(),
        )
    })
    .await;
    match changed {
        Ok((u, Some(secret))) => {
            let body = format!(
                "<p>{}</p>{}",
                esc(session.t("Vai trò đã được đổi. Tài khoản này nay cần mã xác thực (TOTP): khóa bí mật chỉ hiện một lần.")),
                totp_block(&session, &u, &secret),
            );
            session.page(Status::Ok, session.t("Quản lý tài khoản"), &body)
        }
        Ok((u, None)) => Reply::Redirect(Box::new(Redirect::to(format!("/users/{}", u.username)))),
        Err(e) => refused(state, &session, username, &e).await,
    }
}

async fn set_disabled(
    state: &State<Arc<PortalState>>,
    session: Result<WebSession, PortalError>,
    username: &str,
    form: Option<Form<UnlockForm>>,
    disabled: bool,
) -> Reply {
    let (session, _) = match WebSession::posted(session, form) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let store = state.ca.store().clone();
    let user = session.user.clone();
    let name = username.to_owned();
    match blocking(move || listing::set_disabled_by(&store, &user, &name, disabled)).await {
        Ok(u) => Reply::Redirect(Box::new(Redirect::to(format!("/users/{}", u.username)))),
        Err(e) => refused(state, &session, username, &e).await,
    }
}

/// The refusal of an action on an account: its page with the message, or
/// the error page when the page itself cannot be shown (not an admin, no
/// such account).
async fn refused(
    state: &State<Arc<PortalState>>,
    session: &WebSession,
    username: &str,
    e: &PortalError,
) -> Reply {
    let status = e.status_and_code().0;
    account_page(state, session, username, status, Some(e)).await
}

/// The list and the creation form, with the refusal of the last action
/// if any.
async fn users_page(
    state: &State<Arc<PortalState>>,
    session: &WebSession,
    status: Status,
    error: Option<&PortalError>,
    form: &CreateForm,
) -> Reply {
    let store = state.ca.store().clone();
    let user = session.user.clone();
    let accounts = match blocking(move || listing::list(&store, &user)).await {
        Ok(a) => a,
        Err(e) => return session.error_page(&e),
    };
    let rows: Vec<Vec<String>> = accounts.iter().map(|a| row(session, a)).collect();
    let errors = error.map_or_else(FormErrors::default, |e| session.form_errors(e));
    let body = format!(
        "{general}<p>{explain}</p>\n{table}\n<h2>{new}</h2>\n<form method=\"post\" action=\"/users\">{csrf}{username}{role}{province}{department}<button type=\"submit\">{create}</button></form>\n",
        general = errors.general(&["username", "role", "province", "department"]),
        explain = session.t("Đăng nhập sai nhiều lần làm tài khoản phải chờ lâu dần trước khi được thử lại; mở khóa cho phép đăng nhập ngay."),
        table = table(
            session.lang,
            session.t("Tài khoản"),
            &[
                session.t("Tên đăng nhập"),
                session.t("Vai trò"),
                session.t("Tỉnh, thành phố"),
                session.t("Tình trạng"),
                session.t("Đăng nhập sai"),
                session.t("Phải chờ đến"),
                "",
            ],
            &rows,
        ),
        new = session.t("Tạo tài khoản"),
        csrf = csrf_input(&session.csrf),
        username = errors.field(
            "username",
            session.t("Tên đăng nhập"),
            "text",
            form.username.as_deref().unwrap_or_default(),
            r#"required maxlength="64" autocomplete="off""#,
        ),
        role = role_select(session, &errors, form.role.as_deref().unwrap_or_default()),
        province = province_select(session, &errors, form.province.as_deref().unwrap_or_default()),
        department = errors.field(
            "department",
            session.t("Phòng, ban (không bắt buộc)"),
            "text",
            form.department.as_deref().unwrap_or_default(),
            r#"maxlength="200""#,
        ),
        create = session.t("Tạo tài khoản"),
    );
    session.page(status, session.t("Quản lý tài khoản"), &body)
}

/// One account's page: its details and its actions.
async fn account_page(
    state: &State<Arc<PortalState>>,
    session: &WebSession,
    username: &str,
    status: Status,
    error: Option<&PortalError>,
) -> Reply {
    let store = state.ca.store().clone();
    let user = session.user.clone();
    let name = username.to_owned();
    let a = match blocking(move || listing::account(&store, &user, &name)).await {
        Ok(a) => a,
        Err(e) => return session.error_page(error.unwrap_or(&e)),
    };
    let errors = error.map_or_else(FormErrors::default, |e| session.form_errors(e));
    let action = |path: &str, label: &str| {
        format!(
            r#"<form method="post" action="/users/{name}/{path}" class="inline">{csrf}<button type="submit">{label}</button></form> "#,
            name = esc(&a.username),
            csrf = csrf_input(&session.csrf),
            label = esc(label),
        )
    };
    let mut actions = action("reset", session.t("Đặt lại mật khẩu"));
    if a.failures > 0 || a.waiting_until.is_some() {
        actions.push_str(&action("unlock", session.t("Mở khóa")));
    }
    if a.disabled {
        actions.push_str(&action("enable", session.t("Kích hoạt lại")));
    } else {
        actions.push_str(&action("disable", session.t("Vô hiệu hóa")));
    }
    let body = format!(
        r#"{general}<dl>
<dt>{l_user}</dt><dd>{username}</dd>
<dt>{l_role}</dt><dd>{role}</dd>
<dt>{l_province}</dt><dd>{province}</dd>
<dt>{l_department}</dt><dd>{department}</dd>
<dt>{l_state}</dt><dd>{state}</dd>
<dt>{l_failures}</dt><dd>{failures}</dd>
</dl>
<p>{explain}</p>
<p>{actions}</p>
<h2>{l_change}</h2>
<form method="post" action="/users/{username}/role">{csrf}{role_select}{province_select}<button type="submit">{save}</button></form>
<p><a href="/users">{back}</a></p>
"#,
        general = errors.general(&["role", "province"]),
        l_user = session.t("Tên đăng nhập"),
        username = esc(&a.username),
        l_role = session.t("Vai trò"),
        role = esc(session.t(a.role.label_vi())),
        l_province = session.t("Tỉnh, thành phố"),
        province = esc(a.province.as_deref().unwrap_or("—")),
        l_department = session.t("Phòng, ban"),
        department = esc(a.department.as_deref().unwrap_or("—")),
        l_state = session.t("Tình trạng"),
        state = esc(account_state(session, &a)),
        l_failures = session.t("Đăng nhập sai"),
        failures = a.failures,
        explain = session.t("Đặt lại mật khẩu, vô hiệu hóa hoặc đổi vai trò kết thúc ngay mọi phiên đăng nhập và mã truy cập API của tài khoản. Mật khẩu dùng một lần chỉ hiện một lần và phải được đổi ở lần đăng nhập sau."),
        actions = actions,
        l_change = session.t("Đổi vai trò hoặc tỉnh, thành phố"),
        csrf = csrf_input(&session.csrf),
        role_select = role_select(session, &errors, a.role.as_str()),
        province_select =
            province_select(session, &errors, a.province.as_deref().unwrap_or_default()),
        save = session.t("Lưu"),
        back = session.t("Về danh sách tài khoản"),
    );
    session.page(
        status,
        &format!("{}: {}", session.t("Tài khoản"), a.username),
        &body,
    )
}

/// The page showing a new one-time password (and TOTP secret) once.
fn secrets_page(session: &WebSession, user: &User, password: &str, secret: Option<&str>) -> Reply {
    let mut body = format!(
        r#"<p>{explain}</p>
<dl><dt>{l_user}</dt><dd>{username}</dd><dt>{l_password}</dt><dd><code class="one-time-password">{password}</code></dd></dl>
"#,
        explain = session.t("Mật khẩu dùng một lần dưới đây chỉ hiện một lần: hãy trao cho người dùng qua kênh an toàn. Người dùng phải đổi mật khẩu ở lần đăng nhập tới."),
        l_user = session.t("Tên đăng nhập"),
        username = esc(&user.username),
        l_password = session.t("Mật khẩu dùng một lần"),
        password = esc(password),
    );
    if let Some(secret) = secret {
        body.push_str(&totp_block(session, user, secret));
    }
    body.push_str(&format!(
        r#"<p><a href="/users/{}">{}</a></p>"#,
        esc(&user.username),
        session.t("Về trang tài khoản")
    ));
    session.page(Status::Ok, session.t("Quản lý tài khoản"), &body)
}

/// A TOTP secret and its `otpauth://` URI.
fn totp_block(session: &WebSession, user: &User, secret: &str) -> String {
    format!(
        r#"<dl><dt>{l_secret}</dt><dd><code>{secret}</code></dd><dt>URI</dt><dd><code>{uri}</code></dd></dl>"#,
        l_secret = session.t("Khóa bí mật TOTP"),
        secret = esc(secret),
        uri = esc(&totp::otpauth_uri("govpki", &user.username, secret)),
    )
}

/// The role choice.
fn role_select(session: &WebSession, errors: &FormErrors, selected: &str) -> String {
    let options: Vec<(String, String)> = [
        Role::RaOfficer,
        Role::RaApprover,
        Role::Auditor,
        Role::Admin,
    ]
    .iter()
    .map(|r| (r.as_str().to_owned(), session.t(r.label_vi()).to_owned()))
    .collect();
    select(
        "role",
        session.t("Vai trò"),
        &options,
        selected,
        errors.get("role"),
    )
}

/// The province choice (none for admins and auditors).
fn province_select(session: &WebSession, errors: &FormErrors, selected: &str) -> String {
    let mut options = vec![(
        String::new(),
        session
            .t("— Không (quản trị viên, kiểm toán viên) —")
            .to_owned(),
    )];
    options.extend(
        ca_core::subject::all_provinces()
            .iter()
            .map(|p| (p.name.to_owned(), p.name.to_owned())),
    );
    select(
        "province",
        session.t("Tỉnh, thành phố"),
        &options,
        selected,
        errors.get("province"),
    )
}

/// Disabled, must change password, or active.
fn account_state(session: &WebSession, a: &AccountSummary) -> &'static str {
    if a.disabled {
        session.t("Đã vô hiệu hóa")
    } else if a.must_change_password {
        session.t("Chờ đổi mật khẩu dùng một lần")
    } else {
        session.t("Đang hoạt động")
    }
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
    let name = format!(r#"<a href="/users/{n}">{n}</a>"#, n = esc(&a.username));
    let name = if a.disabled {
        format!("{name} ({})", esc(session.t("đã vô hiệu hóa")))
    } else {
        name
    };
    vec![
        name,
        esc(session.t(a.role.label_vi())),
        esc(a.province.as_deref().unwrap_or("—")),
        esc(account_state(session, a)),
        a.failures.to_string(),
        a.waiting_until
            .map(|t| esc(&vn_time::display(t)))
            .unwrap_or_else(|| "—".to_owned()),
        unlock,
    ]
}
