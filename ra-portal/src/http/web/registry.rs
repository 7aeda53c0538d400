//! The registry pages of units (`/units`) and tokens (`/tokens`), each a
//! list with its registration form, and the helpers the other forms share.
//! Every list and registration goes through [`crate::registry`], the same
//! functions and checks as the API.

use std::sync::Arc;

use rocket::form::Form;
use rocket::http::Status;
use rocket::response::Redirect;
use rocket::State;

use super::html::{csrf_input, esc};
use super::lang::Lang;
use super::pages::Reply;
use super::paging::{list_table, Column};
use super::vi::FormErrors;
use super::WebSession;
use crate::authz::{self, Action};
use crate::error::PortalError;
use crate::http::HttpStatus;
use crate::http::{blocking, RawQuery};
use crate::listing::ListQuery;
use crate::registry::{self, TokenInput, UnitInput};
use crate::PortalState;

/// The unit form.
#[derive(Debug, Default, Clone, rocket::FromForm)]
pub(super) struct UnitForm {
    pub(super) csrf: Option<String>,
    name: Option<String>,
    parent_agency: Option<String>,
    province: Option<String>,
    tax_code: Option<String>,
    parent_id: Option<String>,
    agency_code: Option<String>,
}

/// The token form.
#[derive(Debug, Default, Clone, rocket::FromForm)]
pub(super) struct TokenForm {
    pub(super) csrf: Option<String>,
    serial: Option<String>,
    model: Option<String>,
    subscriber_id: Option<String>,
}

#[rocket::get("/units")]
pub(super) async fn units(
    state: &State<Arc<PortalState>>,
    session: Result<WebSession, PortalError>,
    query: RawQuery,
) -> Reply {
    let session = match WebSession::require(session) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let query = match ListQuery::parse(query.as_deref(), registry::UNIT_LIST) {
        Ok(q) => q,
        Err(e) => return session.error_page(&e),
    };
    let form = UnitForm {
        province: session.user.province.clone(),
        ..UnitForm::default()
    };
    let page = UnitsPage {
        status: Status::Ok,
        form: &form,
        errors: &FormErrors::default(),
        query: &query,
    };
    units_page(state, &session, page).await
}

#[rocket::post("/units", data = "<form>")]
pub(super) async fn add_unit(
    state: &State<Arc<PortalState>>,
    session: Result<WebSession, PortalError>,
    form: Option<Form<UnitForm>>,
) -> Reply {
    let (session, form) = match WebSession::posted(session, form) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let parent_id = match optional(&form.parent_id).map(|p| p.parse::<i64>()) {
        None => None,
        Some(Ok(id)) => Some(id),
        Some(Err(_)) => {
            let errors = FormErrors::on(
                "parent_id",
                session.t("Hãy chọn đơn vị cấp trên trong danh sách."),
            );
            let page = UnitsPage {
                status: Status::UnprocessableEntity,
                form: &form,
                errors: &errors,
                query: &ListQuery::first_page(registry::UNIT_LIST),
            };
            return units_page(state, &session, page).await;
        }
    };
    let input = UnitInput {
        name: text(&form.name),
        parent_agency: optional(&form.parent_agency),
        province: text(&form.province),
        tax_code: optional(&form.tax_code),
        parent_id,
        agency_code: optional(&form.agency_code),
    };
    let ca = Arc::clone(&state.ca);
    let user = session.user.clone();
    match blocking(move || registry::add_unit(&ca, &user, &input)).await {
        Ok(_) => Reply::Redirect(Box::new(Redirect::to("/units"))),
        Err(e) => {
            let page = UnitsPage {
                status: refusal_status(&e),
                form: &form,
                errors: &session.form_errors(&e),
                query: &ListQuery::first_page(registry::UNIT_LIST),
            };
            units_page(state, &session, page).await
        }
    }
}

#[rocket::get("/tokens")]
pub(super) async fn tokens(
    state: &State<Arc<PortalState>>,
    session: Result<WebSession, PortalError>,
    query: RawQuery,
) -> Reply {
    let session = match WebSession::require(session) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let query = match ListQuery::parse(query.as_deref(), registry::TOKEN_LIST) {
        Ok(q) => q,
        Err(e) => return session.error_page(&e),
    };
    tokens_page(
        state,
        &session,
        (Status::Ok, &TokenForm::default(), &FormErrors::default()),
        &query,
    )
    .await
}

#[rocket::post("/tokens", data = "<form>")]
pub(super) async fn add_token(
    state: &State<Arc<PortalState>>,
    session: Result<WebSession, PortalError>,
    form: Option<Form<TokenForm>>,
) -> Reply {
    let (session, form) = match WebSession::posted(session, form) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let Some(subscriber_id) = optional(&form.subscriber_id).and_then(|s| s.parse().ok()) else {
        let errors = FormErrors::on("subscriber_id", session.t("Hãy chọn người giữ thiết bị."));
        let first = ListQuery::first_page(registry::TOKEN_LIST);
        let shown = (Status::UnprocessableEntity, &form, &errors);
        return tokens_page(state, &session, shown, &first).await;
    };
    let input = TokenInput {
        serial: text(&form.serial),
        subscriber_id,
        model: optional(&form.model),
    };
    let ca = Arc::clone(&state.ca);
    let user = session.user.clone();
    match blocking(move || registry::add_token(&ca, &user, &input)).await {
        Ok(_) => Reply::Redirect(Box::new(Redirect::to("/tokens"))),
        Err(e) => {
            let errors = session.form_errors(&e);
            let first = ListQuery::first_page(registry::TOKEN_LIST);
            tokens_page(
                state,
                &session,
                (refusal_status(&e), &form, &errors),
                &first,
            )
            .await
        }
    }
}

/// What the units page shows besides the list: the status, the form as
/// filled in and its errors, and the list's query.
struct UnitsPage<'a> {
    status: Status,
    form: &'a UnitForm,
    errors: &'a FormErrors,
    query: &'a ListQuery,
}

async fn units_page(
    state: &State<Arc<PortalState>>,
    session: &WebSession,
    shown: UnitsPage<'_>,
) -> Reply {
    let UnitsPage {
        status,
        form,
        errors,
        query,
    } = shown;
    let ca = Arc::clone(&state.ca);
    let user = session.user.clone();
    let asked = query.clone();
    let (all, (rows, info)) = match blocking(move || {
        Ok((
            registry::units(&ca, &user)?,
            registry::unit_page(&ca, &user, &asked)?,
        ))
    })
    .await
    {
        Ok(found) => found,
        Err(e) => return session.error_page(&e),
    };
    let mut parents = vec![(String::new(), session.t("— Không có —").to_owned())];
    parents.extend(all.iter().map(|u| {
        (
            u["id"].to_string(),
            format!(
                "{} ({})",
                u["name"].as_str().unwrap_or_default(),
                u["province"].as_str().unwrap_or_default()
            ),
        )
    }));
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|u| {
            let mut cells: Vec<String> = [
                "name",
                "parent_name",
                "parent_agency",
                "province",
                "tax_code",
            ]
            .iter()
            .map(|k| esc(u[*k].as_str().unwrap_or("—")))
            .collect();
            cells.push(esc(u["agency_code"].as_str().unwrap_or("—")));
            cells
        })
        .collect();
    let form_html = if may_register(session) {
        let v = |f: &Option<String>| f.clone().unwrap_or_default();
        format!(
            r#"<h2>{heading}</h2>{general}<form method="post" action="/units" class="card" novalidate>
{csrf}{name}{parent_unit}{parent}{province}{tax}{agency_code}<button type="submit">{heading}</button>
</form>"#,
            heading = session.t("Đăng ký đơn vị"),
            general = errors.general(&[
                "name",
                "parent_id",
                "parent_agency",
                "province",
                "tax_code",
                "agency_code"
            ]),
            parent_unit = errors.select(
                "parent_id",
                session.t("Đơn vị cấp trên"),
                &parents,
                &v(&form.parent_id)
            ),
            agency_code = errors.field(
                "agency_code",
                session.t("Mã định danh điện tử của cơ quan (QĐ 20/2020/QĐ-TTg)"),
                "text",
                &v(&form.agency_code),
                r#"placeholder="000.00.31.H29" maxlength="13""#
            ),
            csrf = csrf_input(&session.csrf),
            name = errors.field(
                "name",
                session.t("Tên đơn vị"),
                "text",
                &v(&form.name),
                "required maxlength=\"200\""
            ),
            parent = errors.field(
                "parent_agency",
                session.t("Cơ quan chủ quản"),
                "text",
                &v(&form.parent_agency),
                ""
            ),
            province = errors.select(
                "province",
                session.t("Tỉnh, thành phố"),
                &province_options(session.lang),
                &v(&form.province)
            ),
            tax = errors.field(
                "tax_code",
                session.t("Mã số thuế (MST)"),
                "text",
                &v(&form.tax_code),
                r#"inputmode="numeric" placeholder="0100231226""#
            ),
        )
    } else {
        String::new()
    };
    let body = format!(
        "{}{form_html}",
        list_table(
            session.lang,
            "/units",
            session.t("Đơn vị"),
            &[
                Column::sorted(session.t("Tên đơn vị"), "name"),
                Column::plain(session.t("Đơn vị cấp trên")),
                Column::plain(session.t("Cơ quan chủ quản")),
                Column::sorted(session.t("Tỉnh, thành phố"), "province"),
                Column::plain(session.t("Mã số thuế")),
                Column::sorted(session.t("Mã định danh điện tử"), "agency_code"),
            ],
            &rows,
            query,
            &info,
        )
    );
    session.page(status, session.t("Đơn vị"), &body)
}

async fn tokens_page(
    state: &State<Arc<PortalState>>,
    session: &WebSession,
    (status, form, errors): (Status, &TokenForm, &FormErrors),
    query: &ListQuery,
) -> Reply {
    let ca = Arc::clone(&state.ca);
    let user = session.user.clone();
    let asked = query.clone();
    let ((rows, info), holders) = match blocking(move || {
        Ok((
            registry::token_page(&ca, &user, &asked)?,
            registry::subscribers(&ca, &user)?,
        ))
    })
    .await
    {
        Ok(v) => v,
        Err(e) => return session.error_page(&e),
    };
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|t| {
            vec![
                format!(
                    r#"<a href="/tokens/{s}">{s}</a>"#,
                    s = esc(t["serial"].as_str().unwrap_or_default())
                ),
                esc(t["model"].as_str().unwrap_or("—")),
                format!(
                    r#"<a href="/subscribers/{}">{}</a>"#,
                    t["subscriber_id"],
                    esc(t["holder"].as_str().unwrap_or("—"))
                ),
                esc(session.state(t["status"].as_str().unwrap_or_default())),
            ]
        })
        .collect();
    let form_html = if may_register(session) {
        let mut options = vec![(String::new(), session.t("— Chọn người giữ —").to_owned())];
        for h in &holders {
            options.push((
                h["id"].to_string(),
                format!(
                    "{} ({})",
                    h["name"].as_str().unwrap_or_default(),
                    h["uid"].as_str().unwrap_or("—")
                ),
            ));
        }
        let v = |f: &Option<String>| f.clone().unwrap_or_default();
        format!(
            r#"<h2>{heading}</h2>{general}<form method="post" action="/tokens" class="card" novalidate>
{csrf}{serial}{model}{holder}<button type="submit">{submit}</button>
</form>"#,
            heading = session.t("Đăng ký thiết bị lưu khóa"),
            submit = session.t("Đăng ký thiết bị"),
            general = errors.general(&["serial", "model", "subscriber_id"]),
            csrf = csrf_input(&session.csrf),
            serial = errors.field(
                "serial",
                session.t("Số sê-ri"),
                "text",
                &v(&form.serial),
                "required maxlength=\"64\""
            ),
            model = errors.field(
                "model",
                "Model",
                "text",
                &v(&form.model),
                r#"placeholder="ePass2003""#
            ),
            holder = errors.select(
                "subscriber_id",
                session.t("Người giữ"),
                &options,
                &v(&form.subscriber_id)
            ),
        )
    } else {
        String::new()
    };
    let body = format!(
        "{}{form_html}",
        list_table(
            session.lang,
            "/tokens",
            session.t("Thiết bị lưu khóa bí mật"),
            &[
                Column::sorted(session.t("Số sê-ri"), "serial"),
                Column::plain("Model"),
                Column::sorted(session.t("Người giữ"), "holder"),
                Column::sorted(session.t("Trạng thái"), "status"),
            ],
            &rows,
            query,
            &info,
        )
    );
    session.page(status, session.t("Thiết bị lưu khóa"), &body)
}

/// The 34 provinces and cities as select options, blank first (its text
/// in `lang`; the names themselves are data).
pub(super) fn province_options(lang: Lang) -> Vec<(String, String)> {
    let mut out = vec![(String::new(), lang.t("— Chọn tỉnh, thành phố —").to_owned())];
    out.extend(
        ca_core::subject::all_provinces()
            .iter()
            .map(|p| (p.name.to_owned(), p.name.to_owned())),
    );
    out
}

/// Whether the user's role registers in their own scope (the forms are
/// shown only then; the operation itself asks [`authz::authorize`]).
pub(super) fn may_register(session: &WebSession) -> bool {
    authz::allowed(session.user.role, Action::Register, true)
}

/// The status of a form shown again after a refusal: 403 when the role
/// or province forbids it, 5xx for our failures, and otherwise 422 — the
/// form as filled in cannot be carried out (an unknown token or serial, a
/// certificate whose state does not allow the request: the API's 404 and
/// 409), and the message next to the field says why.
pub(super) fn refusal_status(e: &PortalError) -> Status {
    let status = e.status_and_code().0;
    match status.code {
        403 | 500..=599 => status,
        _ => Status::UnprocessableEntity,
    }
}

/// A form field's text, trimmed.
pub(super) fn text(f: &Option<String>) -> String {
    f.as_deref().map(str::trim).unwrap_or_default().to_owned()
}

/// A form field's text, `None` when blank.
pub(super) fn optional(f: &Option<String>) -> Option<String> {
    f.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}
