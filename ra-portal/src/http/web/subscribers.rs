//! The subscriber pages: the list with its search by name, CCCD or MST
//! (`/subscribers?q=…`), the registration form for individuals and
//! organizations (`/subscribers/new`) with the CA core's identity checks
//! shown next to their field, and a subscriber's page with their
//! certificates and tokens (`/subscribers/<id>`). Everything goes through
//! [`crate::registry`], as the API does.

use std::sync::Arc;

use rocket::form::Form;
use rocket::http::Status;
use rocket::response::Redirect;
use rocket::State;
use serde_json::Value;

use super::html::{csrf_input, esc, field, table};
use super::pages::Reply;
use super::paging::{list_table, Column};
use super::registry::{may_register, optional, province_options, refusal_status, text};
use super::vi::FormErrors;
use super::WebSession;
use crate::error::PortalError;
use crate::http::{blocking, RawQuery};
use crate::listing::ListQuery;
use crate::registry::{self, SubscriberJson};
use crate::vn_time;
use crate::PortalState;

/// The subscriber form (individual or organization).
#[derive(Debug, Default, Clone, rocket::FromForm)]
pub(super) struct SubscriberForm {
    pub(super) csrf: Option<String>,
    kind: Option<String>,
    name: Option<String>,
    national_id: Option<String>,
    tax_code: Option<String>,
    title: Option<String>,
    unit: Option<String>,
    organization: Option<String>,
    locality: Option<String>,
    province: Option<String>,
    email: Option<String>,
    phone: Option<String>,
}

#[rocket::get("/subscribers")]
pub(super) async fn list(
    state: &State<Arc<PortalState>>,
    session: Result<WebSession, PortalError>,
    query: RawQuery,
) -> Reply {
    let session = match WebSession::require(session) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let query = match ListQuery::parse(query.as_deref(), registry::SUBSCRIBER_LIST) {
        Ok(q) => q,
        Err(e) => return session.error_page(&e),
    };
    let ca = Arc::clone(&state.ca);
    let user = session.user.clone();
    let asked = query.clone();
    let (rows, info) = match blocking(move || registry::subscriber_page(&ca, &user, &asked)).await {
        Ok(found) => found,
        Err(e) => return session.error_page(&e),
    };
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|s| {
            vec![
                format!(
                    r#"<a href="/subscribers/{}">{}</a>"#,
                    s["id"],
                    esc(s["name"].as_str().unwrap_or_default())
                ),
                esc(session.state(s["kind"].as_str().unwrap_or_default())),
                esc(s["uid"].as_str().unwrap_or("—")),
                esc(s["title"].as_str().unwrap_or("—")),
                esc(s["province"].as_str().unwrap_or_default()),
            ]
        })
        .collect();
    let new_link = if may_register(&session) {
        format!(
            r#"<p><a class="button" href="/subscribers/new">{}</a> <a class="button" href="/subscribers/import">{}</a></p>"#,
            session.t("Đăng ký thuê bao mới"),
            session.t("Nhập danh sách từ tệp CSV"),
        )
    } else {
        String::new()
    };
    let body = format!(
        r#"<form method="get" action="/subscribers" class="search" role="search">
{q}<button type="submit">{search}</button></form>
{new_link}{table}"#,
        search = session.t("Tìm kiếm"),
        q = field(
            "q",
            session.t("Tìm theo họ tên, số CCCD hoặc mã số thuế"),
            "search",
            query.filter("q").unwrap_or_default(),
            None,
            ""
        ),
        table = list_table(
            session.lang,
            "/subscribers",
            session.t("Thuê bao"),
            &[
                Column::sorted(session.t("Họ và tên / tên tổ chức"), "name"),
                Column::sorted(session.t("Loại"), "kind"),
                Column::sorted(session.t("Số định danh"), "uid"),
                Column::sorted(session.t("Chức vụ"), "title"),
                Column::sorted(session.t("Tỉnh, thành phố"), "province"),
            ],
            &rows,
            &query,
            &info,
        ),
    );
    session.page(Status::Ok, session.t("Thuê bao"), &body)
}

#[rocket::get("/subscribers/new")]
pub(super) async fn form(
    state: &State<Arc<PortalState>>,
    session: Result<WebSession, PortalError>,
) -> Reply {
    let session = match WebSession::require(session) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let form = SubscriberForm {
        kind: Some("individual".into()),
        province: session.user.province.clone(),
        ..SubscriberForm::default()
    };
    subscriber_page(state, &session, Status::Ok, &form, &FormErrors::default()).await
}

#[rocket::post("/subscribers", data = "<form>")]
pub(super) async fn add(
    state: &State<Arc<PortalState>>,
    session: Result<WebSession, PortalError>,
    form: Option<Form<SubscriberForm>>,
) -> Reply {
    let (session, form) = match WebSession::posted(session, form) {
        Ok(p) => p,
        Err(r) => return r,
    };
    // A bare number typed in the identity field is a CCCD, the card
    // everyone holds since 2021; other kinds keep their prefix.
    let national_id = optional(&form.national_id).map(|id| {
        if id.contains(':') {
            id
        } else {
            format!("CCCD:{id}")
        }
    });
    let input = SubscriberJson {
        kind: text(&form.kind),
        name: text(&form.name),
        national_id,
        tax_code: optional(&form.tax_code),
        title: optional(&form.title),
        unit: optional(&form.unit),
        organization: optional(&form.organization),
        locality: optional(&form.locality),
        province: text(&form.province),
        email: optional(&form.email),
        phone: optional(&form.phone),
    };
    let ca = Arc::clone(&state.ca);
    let user = session.user.clone();
    match blocking(move || registry::add_subscriber(&ca, &user, &input)).await {
        Ok(v) => Reply::Redirect(Box::new(Redirect::to(format!("/subscribers/{}", v["id"])))),
        Err(e) => {
            let status = refusal_status(&e);
            subscriber_page(state, &session, status, &form, &session.form_errors(&e)).await
        }
    }
}

#[rocket::get("/subscribers/<id>")]
pub(super) async fn show(
    state: &State<Arc<PortalState>>,
    session: Result<WebSession, PortalError>,
    id: i64,
) -> Reply {
    let session = match WebSession::require(session) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let ca = Arc::clone(&state.ca);
    let user = session.user.clone();
    let s = match blocking(move || registry::subscriber(&ca, &user, id)).await {
        Ok(s) => s,
        Err(e) => return session.error_page(&e),
    };
    let t = |k: &str| esc(s[k].as_str().unwrap_or("—"));
    let certs: Vec<Vec<String>> = array(&s["certificates"])
        .iter()
        .map(|c| {
            let serial = c["serial"].as_str().unwrap_or_default();
            vec![
                format!(
                    r#"<a href="/certificates/{}">{}</a>"#,
                    esc(serial),
                    esc(serial)
                ),
                esc(session.state(c["status"].as_str().unwrap_or_default())),
                esc(&vn_time::display_rfc3339(
                    c["not_after"].as_str().unwrap_or_default(),
                )),
                esc(c["subject"].as_str().unwrap_or_default()),
            ]
        })
        .collect();
    let toks: Vec<Vec<String>> = array(&s["tokens"])
        .iter()
        .map(|k| {
            vec![
                esc(k["serial"].as_str().unwrap_or_default()),
                esc(k["model"].as_str().unwrap_or("—")),
                esc(session.state(k["status"].as_str().unwrap_or_default())),
            ]
        })
        .collect();
    let body = format!(
        r#"<dl class="facts">
<dt>{l_kind}</dt><dd>{kind}</dd>
<dt>{l_uid}</dt><dd>{uid}</dd>
<dt>{l_title}</dt><dd>{title}</dd>
<dt>{l_org}</dt><dd>{org}</dd>
<dt>{l_province}</dt><dd>{province}</dd>
<dt>{l_email}</dt><dd>{email}</dd>
<dt>{l_phone}</dt><dd>{phone}</dd>
</dl>
<p><a href="/requests/new/issue?subscriber_id={id}">{l_issue}</a></p>
<h2>{l_certs}</h2>
{certs}
<h2>{l_tokens}</h2>
{toks}"#,
        l_kind = session.t("Loại"),
        l_uid = session.t("Số định danh"),
        l_title = session.t("Chức vụ"),
        l_org = session.t("Cơ quan chủ quản"),
        l_province = session.t("Tỉnh, thành phố"),
        l_email = session.t("Thư điện tử"),
        l_phone = session.t("Điện thoại"),
        l_issue = session.t("Yêu cầu cấp mới chứng thư số"),
        l_certs = session.t("Chứng thư số"),
        l_tokens = session.t("Thiết bị lưu khóa"),
        kind = esc(session.state(s["kind"].as_str().unwrap_or_default())),
        uid = t("uid"),
        title = t("title"),
        org = t("organization"),
        province = t("province"),
        email = t("email"),
        phone = t("phone"),
        certs = table(
            session.lang,
            session.t("Chứng thư số của thuê bao"),
            &[
                session.t("Số hiệu"),
                session.t("Trạng thái"),
                session.t("Hết hạn"),
                session.t("Chủ thể"),
            ],
            &certs
        ),
        toks = table(
            session.lang,
            session.t("Thiết bị lưu khóa của thuê bao"),
            &[session.t("Số sê-ri"), "Model", session.t("Trạng thái")],
            &toks
        ),
    );
    let name = s["name"].as_str().unwrap_or_default().to_owned();
    session.page(
        Status::Ok,
        &session.lang.tf("Thuê bao: {}", &[&name]),
        &body,
    )
}

async fn subscriber_page(
    state: &State<Arc<PortalState>>,
    session: &WebSession,
    status: Status,
    form: &SubscriberForm,
    errors: &FormErrors,
) -> Reply {
    let ca = Arc::clone(&state.ca);
    let user = session.user.clone();
    let units = match blocking(move || registry::units(&ca, &user)).await {
        Ok(rows) => rows,
        Err(e) => return session.error_page(&e),
    };
    let mut unit_options = vec![(String::new(), session.t("— Không chọn —").to_owned())];
    for u in &units {
        let name = u["name"].as_str().unwrap_or_default().to_owned();
        let label = format!("{name} ({})", u["province"].as_str().unwrap_or_default());
        unit_options.push((name, label));
    }
    let v = |f: &Option<String>| f.clone().unwrap_or_default();
    let kinds = [
        (
            "individual".to_owned(),
            session.t("Cá nhân (Mẫu 01)").to_owned(),
        ),
        (
            "organization".to_owned(),
            session.t("Tổ chức (Mẫu 02)").to_owned(),
        ),
    ];
    let fields = [
        "kind",
        "name",
        "national_id",
        "tax_code",
        "title",
        "unit",
        "organization",
        "locality",
        "province",
        "email",
        "phone",
    ];
    let body = format!(
        r#"{general}<form method="post" action="/subscribers" class="card" novalidate>
{csrf}{kind}{name}{national_id}{tax_code}{title}{unit}{organization}{locality}{province}{email}{phone}<button type="submit">{submit}</button>
</form>"#,
        submit = session.t("Đăng ký thuê bao"),
        general = errors.general(&fields),
        csrf = csrf_input(&session.csrf),
        kind = errors.select("kind", session.t("Loại thuê bao"), &kinds, &v(&form.kind)),
        name = errors.field(
            "name",
            session.t("Họ và tên / tên tổ chức"),
            "text",
            &v(&form.name),
            "required"
        ),
        national_id = errors.field(
            "national_id",
            session.t("Số CCCD (cá nhân; hoặc CMND:…, HC:…)"),
            "text",
            &v(&form.national_id),
            r#"placeholder="001089031733""#
        ),
        tax_code = errors.field(
            "tax_code",
            session.t("Mã số thuế (tổ chức)"),
            "text",
            &v(&form.tax_code),
            r#"placeholder="0100231226""#
        ),
        title = errors.field("title", session.t("Chức vụ"), "text", &v(&form.title), ""),
        unit = errors.select("unit", session.t("Đơn vị"), &unit_options, &v(&form.unit)),
        organization = errors.field(
            "organization",
            session.t("Cơ quan chủ quản"),
            "text",
            &v(&form.organization),
            ""
        ),
        locality = errors.field(
            "locality",
            session.t("Địa bàn (xã, phường)"),
            "text",
            &v(&form.locality),
            ""
        ),
        province = errors.select(
            "province",
            session.t("Tỉnh, thành phố"),
            &province_options(session.lang),
            &v(&form.province)
        ),
        email = errors.field(
            "email",
            session.t("Thư điện tử công vụ"),
            "email",
            &v(&form.email),
            ""
        ),
        phone = errors.field("phone", session.t("Điện thoại"), "tel", &v(&form.phone), ""),
    );
    session.page(status, session.t("Đăng ký thuê bao"), &body)
}

fn array(v: &Value) -> &[Value] {
    v.as_array().map(Vec::as_slice).unwrap_or_default()
}
