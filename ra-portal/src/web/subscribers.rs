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

use super::html::{csrf_input, esc, field, select, table};
use super::pages::Reply;
use super::registry::{may_register, optional, province_options, refusal_status, text};
use super::vi::{self, FormErrors};
use super::WebSession;
use crate::api::blocking;
use crate::registry::{self, SubscriberJson};
use crate::{PortalError, PortalState};

/// The subscriber form (individual or organization).
#[derive(Debug, Default, Clone, rocket::FromForm)]
pub(super) struct SubscriberForm {
    csrf: Option<String>,
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

#[rocket::get("/subscribers?<q>")]
pub(super) async fn list(
    state: &State<Arc<PortalState>>,
    session: Result<WebSession, PortalError>,
    q: Option<String>,
) -> Reply {
    let session = match WebSession::require(session) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let ca = Arc::clone(&state.ca);
    let user = session.user.clone();
    let query = q.clone();
    let rows =
        match blocking(move || registry::search_subscribers(&ca, &user, query.as_deref())).await {
            Ok(rows) => rows,
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
                esc(vi::state(s["kind"].as_str().unwrap_or_default())),
                esc(s["uid"].as_str().unwrap_or("—")),
                esc(s["title"].as_str().unwrap_or("—")),
                esc(s["province"].as_str().unwrap_or_default()),
            ]
        })
        .collect();
    let new_link = if may_register(&session) {
        r#"<p><a class="button" href="/subscribers/new">Đăng ký thuê bao mới</a> <a class="button" href="/subscribers/import">Nhập danh sách từ tệp CSV</a></p>"#
    } else {
        ""
    };
    let body = format!(
        r#"<form method="get" action="/subscribers" class="search" role="search">
{q}<button type="submit">Tìm kiếm</button></form>
{new_link}{table}"#,
        q = field(
            "q",
            "Tìm theo họ tên, số CCCD hoặc mã số thuế",
            "search",
            q.as_deref().unwrap_or_default(),
            None,
            ""
        ),
        table = table(
            "Thuê bao",
            &[
                "Họ và tên / tên tổ chức",
                "Loại",
                "Số định danh",
                "Chức vụ",
                "Tỉnh, thành phố"
            ],
            &rows
        ),
    );
    session.page(Status::Ok, "Thuê bao", &body)
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
    let session = match WebSession::require(session) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let form = form.map(Form::into_inner).unwrap_or_default();
    if !session.csrf_ok(form.csrf.as_deref()) {
        return session.csrf_refused();
    }
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
            subscriber_page(state, &session, status, &form, &FormErrors::from_error(&e)).await
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
                esc(vi::state(c["status"].as_str().unwrap_or_default())),
                esc(c["not_after"].as_str().unwrap_or_default()),
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
                esc(vi::state(k["status"].as_str().unwrap_or_default())),
            ]
        })
        .collect();
    let body = format!(
        r#"<dl class="facts">
<dt>Loại</dt><dd>{kind}</dd>
<dt>Số định danh</dt><dd>{uid}</dd>
<dt>Chức vụ</dt><dd>{title}</dd>
<dt>Cơ quan chủ quản</dt><dd>{org}</dd>
<dt>Tỉnh, thành phố</dt><dd>{province}</dd>
<dt>Thư điện tử</dt><dd>{email}</dd>
<dt>Điện thoại</dt><dd>{phone}</dd>
</dl>
<p><a href="/requests/new/issue?subscriber_id={id}">Yêu cầu cấp mới chứng thư số</a></p>
<h2>Chứng thư số</h2>
{certs}
<h2>Thiết bị lưu khóa</h2>
{toks}"#,
        kind = esc(vi::state(s["kind"].as_str().unwrap_or_default())),
        uid = t("uid"),
        title = t("title"),
        org = t("organization"),
        province = t("province"),
        email = t("email"),
        phone = t("phone"),
        certs = table(
            "Chứng thư số của thuê bao",
            &["Số hiệu", "Trạng thái", "Hết hạn", "Chủ thể"],
            &certs
        ),
        toks = table(
            "Thiết bị lưu khóa của thuê bao",
            &["Số sê-ri", "Model", "Trạng thái"],
            &toks
        ),
    );
    let name = s["name"].as_str().unwrap_or_default().to_owned();
    session.page(Status::Ok, &format!("Thuê bao: {name}"), &body)
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
    let mut unit_options = vec![(String::new(), "— Không chọn —".to_owned())];
    for u in &units {
        let name = u["name"].as_str().unwrap_or_default().to_owned();
        let label = format!("{name} ({})", u["province"].as_str().unwrap_or_default());
        unit_options.push((name, label));
    }
    let v = |f: &Option<String>| f.clone().unwrap_or_default();
    let kinds = [
        ("individual".to_owned(), "Cá nhân (Mẫu 01)".to_owned()),
        ("organization".to_owned(), "Tổ chức (Mẫu 02)".to_owned()),
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
{csrf}{kind}{name}{national_id}{tax_code}{title}{unit}{organization}{locality}{province}{email}{phone}<button type="submit">Đăng ký thuê bao</button>
</form>"#,
        general = errors.general(&fields),
        csrf = csrf_input(&session.csrf),
        kind = select(
            "kind",
            "Loại thuê bao",
            &kinds,
            &v(&form.kind),
            errors.get("kind")
        ),
        name = field(
            "name",
            "Họ và tên / tên tổ chức",
            "text",
            &v(&form.name),
            errors.get("name"),
            "required"
        ),
        national_id = field(
            "national_id",
            "Số CCCD (cá nhân; hoặc CMND:…, HC:…)",
            "text",
            &v(&form.national_id),
            errors.get("national_id"),
            r#"placeholder="001089031733""#
        ),
        tax_code = field(
            "tax_code",
            "Mã số thuế (tổ chức)",
            "text",
            &v(&form.tax_code),
            errors.get("tax_code"),
            r#"placeholder="0100231226""#
        ),
        title = field(
            "title",
            "Chức vụ",
            "text",
            &v(&form.title),
            errors.get("title"),
            ""
        ),
        unit = select(
            "unit",
            "Đơn vị",
            &unit_options,
            &v(&form.unit),
            errors.get("unit")
        ),
        organization = field(
            "organization",
            "Cơ quan chủ quản",
            "text",
            &v(&form.organization),
            errors.get("organization"),
            ""
        ),
        locality = field(
            "locality",
            "Địa bàn (xã, phường)",
            "text",
            &v(&form.locality),
            errors.get("locality"),
            ""
        ),
        province = select(
            "province",
            "Tỉnh, thành phố",
            &province_options(),
            &v(&form.province),
            errors.get("province")
        ),
        email = field(
            "email",
            "Thư điện tử công vụ",
            "email",
            &v(&form.email),
            errors.get("email"),
            ""
        ),
        phone = field(
            "phone",
            "Điện thoại",
            "tel",
            &v(&form.phone),
            errors.get("phone"),
            ""
        ),
    );
    session.page(status, "Đăng ký thuê bao", &body)
}

fn array(v: &Value) -> &[Value] {
    v.as_array().map(Vec::as_slice).unwrap_or_default()
}
