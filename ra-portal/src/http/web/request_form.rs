//! The "Yêu cầu mới" pages: one form per kind (`/requests/new/<kind>`),
//! the CSR of a new certificate uploaded as a file — multipart, PEM or
//! DER — or pasted as PEM. Submission goes through
//! [`crate::requests::submit`], as the API's does; the form only turns the
//! fields into its input.

use std::sync::Arc;

use rocket::data::Capped;
use rocket::form::Form;
use rocket::http::Status;
use rocket::response::Redirect;
use rocket::State;

use super::html::{csrf_input, esc, select};
use super::lang::Lang;
use super::pages::Reply;
use super::registry::{optional, province_options, refusal_status};
use super::vi::FormErrors;
use super::WebSession;
use crate::error::PortalError;
use crate::http::blocking;
use crate::requests::{self, ChangesInput, Kind, RequestInput};
use crate::{registry, PortalState};

/// The fields of every request form (those of the kind are shown).
#[derive(Debug, Default, rocket::FromForm)]
pub(super) struct RequestForm<'r> {
    csrf: Option<String>,
    subscriber_id: Option<String>,
    csr: Option<String>,
    csr_file: Option<Capped<&'r [u8]>>,
    token: Option<String>,
    days: Option<String>,
    serial: Option<String>,
    reason: Option<String>,
    new_name: Option<String>,
    new_title: Option<String>,
    new_unit: Option<String>,
    new_organization: Option<String>,
    new_province: Option<String>,
    new_email: Option<String>,
    unit_id: Option<String>,
    unit_name: Option<String>,
    merge_into: Option<String>,
}

/// What a request form shows again after a refusal (the file excepted:
/// browsers never re-send a file).
#[derive(Debug, Default, Clone)]
struct Values {
    subscriber_id: String,
    csr: String,
    token: String,
    days: String,
    serial: String,
    reason: String,
    new_name: String,
    new_title: String,
    new_unit: String,
    new_organization: String,
    new_province: String,
    new_email: String,
    unit_id: String,
    unit_name: String,
    merge_into: String,
}

#[rocket::get("/requests/new")]
pub(super) fn kinds(session: Result<WebSession, PortalError>) -> Reply {
    let session = match WebSession::require(session) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let items: String = Kind::all()
        .map(|k| {
            format!(
                r#"<li><a href="/requests/new/{}">{}</a></li>"#,
                k.as_str(),
                esc(kind_label(session.lang, k))
            )
        })
        .collect();
    session.page(
        Status::Ok,
        session.t("Yêu cầu mới"),
        &format!(
            r#"<ul class="kinds">{items}<li><a href="/batches/new">{batch}</a></li></ul>"#,
            // Issue 16: batches.
            batch = esc(session.t("Cấp mới cho nhiều người (lô yêu cầu)"))
        ),
    )
}

#[rocket::get("/requests/new/<kind>?<subscriber_id>&<serial>&<token>")]
pub(super) async fn form(
    state: &State<Arc<PortalState>>,
    session: Result<WebSession, PortalError>,
    kind: &str,
    subscriber_id: Option<String>,
    serial: Option<String>,
    token: Option<String>,
) -> Reply {
    let session = match WebSession::require(session) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let Ok(kind) = kind.parse::<Kind>() else {
        return session.error_page(&PortalError::NotFound(format!("no request kind {kind}")));
    };
    let values = Values {
        subscriber_id: subscriber_id.unwrap_or_default(),
        serial: serial.unwrap_or_default(),
        token: token.unwrap_or_default(),
        ..Values::default()
    };
    request_page(
        state,
        &session,
        kind,
        Status::Ok,
        &values,
        &FormErrors::default(),
    )
    .await
}

#[rocket::post("/requests/new/<kind>", data = "<form>")]
pub(super) async fn submit(
    state: &State<Arc<PortalState>>,
    session: Result<WebSession, PortalError>,
    kind: &str,
    form: Result<Form<RequestForm<'_>>, rocket::form::Errors<'_>>,
) -> Reply {
    let session = match WebSession::require(session) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let Ok(kind) = kind.parse::<Kind>() else {
        return session.error_page(&PortalError::NotFound(format!("no request kind {kind}")));
    };
    let Ok(form) = form.map(Form::into_inner) else {
        let errors = FormErrors::on(
            "",
            session.t("Không đọc được biểu mẫu (tệp quá lớn hoặc dữ liệu hỏng); vui lòng thử lại."),
        );
        return request_page(
            state,
            &session,
            kind,
            Status::BadRequest,
            &Values::default(),
            &errors,
        )
        .await;
    };
    if !session.csrf_ok(form.csrf.as_deref()) {
        return session.csrf_refused();
    }
    let values = values_of(&form);
    let input = match input_of(session.lang, kind, &form) {
        Ok(i) => i,
        Err(errors) => {
            return request_page(
                state,
                &session,
                kind,
                Status::UnprocessableEntity,
                &values,
                &errors,
            )
            .await
        }
    };
    let ca = Arc::clone(&state.ca);
    let user = session.user.clone();
    match blocking(move || requests::submit(&ca, &user, &input)).await {
        Ok(row) => Reply::Redirect(Box::new(Redirect::to(format!("/requests/{}", row.id)))),
        Err(e) => {
            let errors = session.form_errors(&e);
            request_page(state, &session, kind, refusal_status(&e), &values, &errors).await
        }
    }
}

/// The name of a request kind in `lang`.
pub(super) fn kind_label(lang: Lang, kind: Kind) -> &'static str {
    match kind {
        Kind::Issue => lang.t("Cấp mới chứng thư số"),
        Kind::Renew => lang.t("Gia hạn chứng thư số"),
        Kind::ChangeInfo => lang.t("Thay đổi nội dung thông tin"),
        Kind::Reissue => lang.t("Cấp lại (khóa mới)"),
        Kind::Suspend => lang.t("Tạm dừng chứng thư số"),
        Kind::Restore => lang.t("Khôi phục chứng thư số"),
        Kind::Revoke => lang.t("Thu hồi chứng thư số"),
        Kind::TokenSuspend => lang.t("Báo tạm mất thiết bị lưu khóa"),
        Kind::TokenFound => lang.t("Báo tìm thấy thiết bị lưu khóa (đã tạm mất)"),
        Kind::TokenLost => lang.t("Báo mất thiết bị lưu khóa"),
        Kind::TokenDamaged => lang.t("Báo hỏng thiết bị lưu khóa"),
        Kind::TokenRetire => lang.t("Ngừng sử dụng thiết bị lưu khóa"),
        Kind::UnitChange => lang.t("Đổi tên hoặc sáp nhập đơn vị (cấp lại hàng loạt)"),
    }
}

/// The request as the CA core's logic takes it, or the errors of fields
/// that are not even of the right shape (a number, one CSR).
fn input_of(lang: Lang, kind: Kind, form: &RequestForm<'_>) -> Result<RequestInput, FormErrors> {
    let mut input = serde_json::Map::new();
    input.insert("kind".into(), kind.as_str().into());
    let mut put = |field: &str, value: Option<serde_json::Value>| {
        if let Some(v) = value {
            input.insert(field.into(), v);
        }
    };
    let shown = fields(kind);
    let has = |f: &str| shown.contains(&f);
    if has("subscriber_id") {
        let id: Option<i64> = match optional(&form.subscriber_id) {
            None => None,
            Some(s) => Some(
                s.parse()
                    .map_err(|_| FormErrors::on("subscriber_id", lang.t("Hãy chọn thuê bao.")))?,
            ),
        };
        put("subscriber_id", id.map(Into::into));
    }
    if has("csr") {
        put("csr", csr_of(lang, form)?.map(Into::into));
    }
    if has("token") {
        put("token", optional(&form.token).map(Into::into));
    }
    if has("days") {
        let days: Option<u32> = match optional(&form.days) {
            None => None,
            Some(d) => Some(d.parse().map_err(|_| {
                FormErrors::on(
                    "days",
                    lang.t("Số ngày hiệu lực phải là một số nguyên dương."),
                )
            })?),
        };
        put("days", days.map(Into::into));
    }
    if has("serial") {
        put("serial", optional(&form.serial).map(Into::into));
    }
    if has("reason") {
        put("reason", optional(&form.reason).map(Into::into));
    }
    if has("new_name") {
        let changes = ChangesInput {
            name: optional(&form.new_name),
            title: optional(&form.new_title),
            unit: optional(&form.new_unit),
            organization: optional(&form.new_organization),
            province: optional(&form.new_province),
            email: optional(&form.new_email),
            ..ChangesInput::default()
        };
        put("changes", serde_json::to_value(changes).ok());
    }
    if has("unit_id") {
        fn number(
            f: &Option<String>,
            field: &'static str,
            message: &'static str,
        ) -> Result<Option<i64>, FormErrors> {
            match optional(f) {
                None => Ok(None),
                Some(s) => s
                    .parse()
                    .map(Some)
                    .map_err(|_| FormErrors::on(field, message)),
            }
        }
        put(
            "unit_id",
            number(&form.unit_id, "unit_id", lang.t("Hãy chọn đơn vị."))?.map(Into::into),
        );
        put("unit_name", optional(&form.unit_name).map(Into::into));
        put(
            "merge_into",
            number(
                &form.merge_into,
                "merge_into",
                lang.t("Hãy chọn đơn vị sáp nhập vào."),
            )?
            .map(Into::into),
        );
    }
    RequestInput::from_json(input.into()).map_err(|e| FormErrors::from_error_in(lang, &e))
}

/// The CSR of the form: the uploaded file (PEM, or DER turned into PEM)
/// or the pasted text, not both.
fn csr_of(lang: Lang, form: &RequestForm<'_>) -> Result<Option<String>, FormErrors> {
    let file = form
        .csr_file
        .as_ref()
        .filter(|f| !f.value.is_empty() || !f.is_complete());
    let pasted = optional(&form.csr);
    match (file, pasted) {
        (Some(_), Some(_)) => Err(FormErrors::on(
            "csr",
            lang.t("Chỉ tải lên tệp CSR hoặc dán nội dung PEM, không cả hai."),
        )),
        (Some(f), None) if !f.is_complete() => Err(FormErrors::on(
            "csr",
            lang.t("Tệp CSR quá lớn (tối đa 8 KiB)."),
        )),
        (Some(f), None) => Ok(Some(match std::str::from_utf8(f.value) {
            Ok(text) if text.contains("-----BEGIN") => text.to_owned(),
            _ => der_to_pem(f.value),
        })),
        (None, pasted) => Ok(pasted),
    }
}

fn der_to_pem(der: &[u8]) -> String {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = String::from("-----BEGIN CERTIFICATE REQUEST-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out.push_str("-----END CERTIFICATE REQUEST-----\n");
    out
}

fn values_of(form: &RequestForm<'_>) -> Values {
    let v = |f: &Option<String>| f.clone().unwrap_or_default();
    Values {
        subscriber_id: v(&form.subscriber_id),
        csr: v(&form.csr),
        token: v(&form.token),
        days: v(&form.days),
        serial: v(&form.serial),
        reason: v(&form.reason),
        new_name: v(&form.new_name),
        new_title: v(&form.new_title),
        new_unit: v(&form.new_unit),
        new_organization: v(&form.new_organization),
        new_province: v(&form.new_province),
        new_email: v(&form.new_email),
        unit_id: v(&form.unit_id),
        unit_name: v(&form.unit_name),
        merge_into: v(&form.merge_into),
    }
}

/// The fields each kind's form shows (the rules on them are the
/// submission's).
fn fields(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Issue => &["subscriber_id", "csr", "token", "days"],
        Kind::Renew => &["serial", "days", "csr"],
        Kind::ChangeInfo => &["serial", "new_name", "reason"],
        Kind::Reissue => &["serial", "csr", "token", "reason"],
        Kind::Suspend | Kind::Restore => &["serial"],
        Kind::Revoke => &["serial", "reason"],
        Kind::TokenSuspend
        | Kind::TokenFound
        | Kind::TokenLost
        | Kind::TokenDamaged
        | Kind::TokenRetire => &["token"],
        Kind::UnitChange => &["unit_id", "unit_name", "merge_into"],
    }
}

/// The reasons offered by a kind's form: (value, label in `lang`).
fn reasons(lang: Lang, kind: Kind) -> Vec<(String, String)> {
    let all: Vec<(&str, &str)> = match kind {
        Kind::Revoke => vec![
            ("", lang.t("— Chọn lý do —")),
            ("unspecified", lang.t("Không nêu lý do")),
            ("key-compromise", lang.t("Khóa bí mật bị lộ")),
            ("affiliation-changed", lang.t("Thay đổi cơ quan công tác")),
            ("superseded", lang.t("Được thay thế bằng chứng thư khác")),
            (
                "cessation-of-operation",
                lang.t("Ngừng hoạt động (nghỉ hưu, giải thể, …)"),
            ),
        ],
        Kind::Reissue => vec![
            ("", lang.t("Được thay thế (mặc định)")),
            ("superseded", lang.t("Được thay thế")),
            ("key-compromise", lang.t("Khóa bí mật bị lộ")),
        ],
        _ => vec![
            ("", lang.t("Được thay thế (mặc định)")),
            ("superseded", lang.t("Được thay thế")),
            ("affiliation-changed", lang.t("Thay đổi cơ quan công tác")),
        ],
    };
    all.iter()
        .map(|(v, l)| ((*v).to_owned(), (*l).to_owned()))
        .collect()
}

async fn request_page(
    state: &State<Arc<PortalState>>,
    session: &WebSession,
    kind: Kind,
    status: Status,
    v: &Values,
    errors: &FormErrors,
) -> Reply {
    let shown = fields(kind);
    let mut html = String::new();
    for f in shown {
        match *f {
            "subscriber_id" => {
                let ca = Arc::clone(&state.ca);
                let user = session.user.clone();
                let subs = match blocking(move || registry::subscribers(&ca, &user)).await {
                    Ok(s) => s,
                    Err(e) => return session.error_page(&e),
                };
                let mut options = vec![(String::new(), session.t("— Chọn thuê bao —").to_owned())];
                options.extend(subs.iter().map(|s| {
                    (
                        s["id"].to_string(),
                        format!(
                            "{} ({})",
                            s["name"].as_str().unwrap_or_default(),
                            s["uid"].as_str().unwrap_or("—")
                        ),
                    )
                }));
                html.push_str(&errors.select(
                    "subscriber_id",
                    session.t("Thuê bao"),
                    &options,
                    &v.subscriber_id,
                ));
            }
            "csr" => {
                let optional_note = if matches!(kind, Kind::Renew) {
                    session.t(" (không bắt buộc: chỉ khi dùng khóa mới)")
                } else {
                    ""
                };
                html.push_str(&format!(
                    r#"<fieldset><legend>{legend}{optional_note}</legend>
<div class="field"><label for="csr_file">{file_label}</label>
<input id="csr_file" name="csr_file" type="file" accept=".csr,.pem,.der,.req"></div>
{}</fieldset>
"#,
                    errors.textarea(
                        "csr",
                        session.t("Hoặc dán nội dung PEM"),
                        &v.csr,
                        r#"placeholder="-----BEGIN CERTIFICATE REQUEST-----""#
                    ),
                    legend = session.t("Yêu cầu chứng thư (CSR PKCS#10)"),
                    file_label = session.t("Tệp CSR (.csr, .pem hoặc .der)"),
                ));
            }
            "token" => html.push_str(&errors.field(
                "token",
                if kind.on_token() {
                    session.t("Số sê-ri thiết bị lưu khóa")
                } else {
                    session.t("Số sê-ri thiết bị lưu khóa (không bắt buộc)")
                },
                "text",
                &v.token,
                "",
            )),
            "days" => html.push_str(&errors.field(
                "days",
                session.t("Số ngày hiệu lực (để trống: mặc định của hồ sơ)"),
                "number",
                &v.days,
                r#"min="1" inputmode="numeric""#,
            )),
            "serial" => html.push_str(&errors.field(
                "serial",
                session.t("Số hiệu chứng thư số (serial)"),
                "text",
                &v.serial,
                "required",
            )),
            "reason" => html.push_str(&errors.select(
                "reason",
                if kind == Kind::Revoke {
                    session.t("Lý do thu hồi")
                } else {
                    session.t("Lý do thu hồi chứng thư cũ")
                },
                &reasons(session.lang, kind),
                &v.reason,
            )),
            "new_name" => {
                html.push_str(&format!(
                    "<fieldset><legend>{}</legend>\n",
                    session.t("Thông tin mới (chỉ điền mục thay đổi)")
                ));
                for (name, label, value) in [
                    (
                        "new_name",
                        session.t("Họ và tên / tên tổ chức mới"),
                        &v.new_name,
                    ),
                    ("new_title", session.t("Chức vụ mới"), &v.new_title),
                ] {
                    html.push_str(&errors.field(name, label, "text", value, ""));
                }
                // The new unit is one of the registry's, never typed: a
                // typed name that differs in one letter would be a second
                // unit beside the real one.
                let ca = Arc::clone(&state.ca);
                let user = session.user.clone();
                let units = match blocking(move || registry::units(&ca, &user)).await {
                    Ok(u) => u,
                    Err(e) => return session.error_page(&e),
                };
                let mut unit_options = vec![(String::new(), session.t("— Không đổi —").to_owned())];
                unit_options.extend(units.iter().map(|u| {
                    let name = u["name"].as_str().unwrap_or_default().to_owned();
                    let label = format!("{name} ({})", u["province"].as_str().unwrap_or_default());
                    (name, label)
                }));
                html.push_str(&select(
                    "new_unit",
                    session.t("Đơn vị mới"),
                    &unit_options,
                    &v.new_unit,
                    errors.get("unit").or_else(|| errors.get("new_unit")),
                ));
                for (name, label, value) in [
                    (
                        "new_organization",
                        session.t("Cơ quan chủ quản mới"),
                        &v.new_organization,
                    ),
                    ("new_email", session.t("Thư điện tử mới"), &v.new_email),
                ] {
                    html.push_str(&errors.field(name, label, "text", value, ""));
                }
                let mut provinces = province_options(session.lang);
                provinces[0].1 = session.t("— Không đổi —").to_owned();
                html.push_str(&select(
                    "new_province",
                    session.t("Tỉnh, thành phố mới"),
                    &provinces,
                    &v.new_province,
                    errors.get("province"),
                ));
                html.push_str("</fieldset>\n");
            }
            "unit_id" | "merge_into" => {
                let ca = Arc::clone(&state.ca);
                let user = session.user.clone();
                let units = match blocking(move || registry::units(&ca, &user)).await {
                    Ok(u) => u,
                    Err(e) => return session.error_page(&e),
                };
                let (label, none, value) = if *f == "unit_id" {
                    (
                        session.t("Đơn vị"),
                        session.t("— Chọn đơn vị —"),
                        &v.unit_id,
                    )
                } else {
                    (
                        session.t("Sáp nhập vào đơn vị (để trống nếu chỉ đổi tên)"),
                        session.t("— Không sáp nhập —"),
                        &v.merge_into,
                    )
                };
                let mut options = vec![(String::new(), none.to_owned())];
                options.extend(units.iter().map(|u| {
                    (
                        u["id"].to_string(),
                        format!(
                            "{} ({})",
                            u["name"].as_str().unwrap_or_default(),
                            u["province"].as_str().unwrap_or_default()
                        ),
                    )
                }));
                html.push_str(&errors.select(f, label, &options, value));
            }
            "unit_name" => html.push_str(&errors.field(
                "unit_name",
                session.t("Tên mới của đơn vị (để trống nếu sáp nhập)"),
                "text",
                &v.unit_name,
                r#"maxlength="200""#,
            )),
            _ => {}
        }
    }
    let mut on_form: Vec<&str> = shown.to_vec();
    if kind == Kind::ChangeInfo {
        on_form.extend([
            "new_title",
            "new_unit",
            "unit",
            "new_organization",
            "province",
        ]);
        on_form.retain(|f| *f != "new_name");
    }
    // Change-of-information errors name the subject field ("name",
    // "email"): shown next to their "new_" field through the general
    // alert, which names the field in its message.
    let body = format!(
        r#"<p><a href="/requests/new">← {kinds}</a></p>{general}<form method="post" action="/requests/new/{kind}" class="card" enctype="multipart/form-data" novalidate>
{csrf}{html}<button type="submit">{submit}</button>
</form>"#,
        kinds = session.t("Các loại yêu cầu"),
        submit = session.t("Gửi yêu cầu"),
        general = errors.general(&on_form),
        kind = kind.as_str(),
        csrf = csrf_input(&session.csrf),
    );
    session.page(status, kind_label(session.lang, kind), &body)
}
