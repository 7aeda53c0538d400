//! The batch pages (`docs/batches.md`): the list (`/batches`), the form
//! that selects a unit's people and uploads their CSRs (`/batches/new`,
//! several files or one `.zip`, the file-name rule stated on the page),
//! and a batch's page (`/batches/<id>`: its requests and outcomes, one
//! approve/reject decision, the certificates as one `.zip`). Everything
//! goes through [`crate::batches`], as the API does.

use std::sync::Arc;

use rocket::form::Form;
use rocket::fs::TempFile;
use rocket::http::Status;
use rocket::response::Redirect;
use rocket::State;

use super::html::{self, csrf_input, esc, table};
use super::lang::Lang;
use super::pages::{self as pages_mod, Reply};
use super::registry::refusal_status;
use super::vi::{self, FormErrors};
use super::WebSession;
use crate::batches::{self, files, BatchView, CsrFile, NewBatch, Refusal};
use crate::error::PortalError;
use crate::error_code::ErrorCode;
use crate::http::blocking;
use crate::{authz, registry, PortalState};

/// The upload form.
#[derive(Debug, Default, rocket::FromForm)]
pub(super) struct BatchForm<'r> {
    pub(super) csrf: Option<String>,
    unit_id: Option<String>,
    filter: Option<String>,
    days: Option<String>,
    files: Vec<TempFile<'r>>,
}

/// A decision on a batch.
#[derive(Debug, Default, rocket::FromForm)]
pub(super) struct BatchDecisionForm {
    pub(super) csrf: Option<String>,
    comment: Option<String>,
}

#[rocket::get("/batches")]
pub(super) async fn list(
    state: &State<Arc<PortalState>>,
    session: Result<WebSession, PortalError>,
) -> Reply {
    let session = match WebSession::require(session) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let (ca, user) = (Arc::clone(&state.ca), session.user.clone());
    let rows = match blocking(move || batches::list(&ca, &user)).await {
        Ok(r) => r,
        Err(e) => return session.error_page(&e),
    };
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|(b, unit, count)| {
            vec![
                format!(r#"<a href="/batches/{id}">#{id}</a>"#, id = b.id),
                esc(unit),
                count.to_string(),
                esc(batch_state(session.lang, &b.state)),
                esc(&crate::vn_time::display(b.submitted_at)),
            ]
        })
        .collect();
    let may_submit = authz::authorize(
        &session.user,
        authz::Action::Submit,
        session.user.province.as_deref().unwrap_or_default(),
    )
    .is_ok();
    let new = if may_submit {
        format!(
            r#"<p><a class="button" href="/batches/new">{}</a></p>"#,
            esc(session.t("Tạo lô yêu cầu cấp mới"))
        )
    } else {
        String::new()
    };
    let body = format!(
        "{new}{}",
        table(
            session.lang,
            session.t("Các lô yêu cầu"),
            &[
                session.t("Mã lô"),
                session.t("Đơn vị"),
                session.t("Số yêu cầu trong lô"),
                session.t("Trạng thái"),
                session.t("Ngày gửi lô"),
            ],
            &rows
        )
    );
    pages_mod::html(
        Status::Ok,
        html::page(
            session.lang,
            session.t("Lô yêu cầu cấp mới"),
            Some((&session.user, session.csrf.as_str())),
            &body,
        ),
    )
}

#[rocket::get("/batches/new?<unit_id>&<filter>")]
pub(super) async fn form(
    state: &State<Arc<PortalState>>,
    session: Result<WebSession, PortalError>,
    unit_id: Option<i64>,
    filter: Option<String>,
) -> Reply {
    let session = match WebSession::require(session) {
        Ok(s) => s,
        Err(r) => return r,
    };
    form_page(
        state,
        &session,
        Status::Ok,
        unit_id,
        filter.as_deref().unwrap_or_default(),
        &FormErrors::default(),
        None,
    )
    .await
}

#[rocket::post("/batches", data = "<form>")]
pub(super) async fn create(
    state: &State<Arc<PortalState>>,
    session: Result<WebSession, PortalError>,
    form: Result<Form<BatchForm<'_>>, rocket::form::Errors<'_>>,
) -> Reply {
    let session = match WebSession::require(session) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let Ok(form) = form.map(Form::into_inner) else {
        let errors = FormErrors::on("files", too_large(session.lang));
        return form_page(
            state,
            &session,
            Status::PayloadTooLarge,
            None,
            "",
            &errors,
            None,
        )
        .await;
    };
    if !session.csrf_ok(form.csrf.as_deref()) {
        return session.csrf_refused();
    }
    let filter = form.filter.clone().unwrap_or_default();
    let Some(unit_id) = form.unit_id.as_deref().and_then(|u| u.trim().parse().ok()) else {
        let errors = FormErrors::on("unit_id", session.t("Hãy chọn đơn vị."));
        return form_page(
            state,
            &session,
            Status::UnprocessableEntity,
            None,
            &filter,
            &errors,
            None,
        )
        .await;
    };
    let days = match form
        .days
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        None => None,
        Some(d) => match d.parse::<u32>() {
            Ok(d) => Some(d),
            Err(_) => {
                let errors = FormErrors::on(
                    "days",
                    session.t("Số ngày hiệu lực của lô phải là số nguyên dương."),
                );
                return form_page(
                    state,
                    &session,
                    Status::UnprocessableEntity,
                    Some(unit_id),
                    &filter,
                    &errors,
                    None,
                )
                .await;
            }
        },
    };
    let mut uploads = Vec::with_capacity(form.files.len());
    for f in form.files.iter().filter(|f| f.len() > 0) {
        match read(f).await {
            Some(bytes) => uploads.push(CsrFile {
                name: f
                    .raw_name()
                    .map(|n| n.dangerous_unsafe_unsanitized_raw().as_str().to_owned())
                    .unwrap_or_default(),
                bytes,
            }),
            None => {
                let errors = FormErrors::on("files", too_large(session.lang));
                return form_page(
                    state,
                    &session,
                    Status::PayloadTooLarge,
                    Some(unit_id),
                    &filter,
                    &errors,
                    None,
                )
                .await;
            }
        }
    }
    let input = NewBatch {
        unit_id,
        filter: Some(filter.clone()),
        days,
        files: uploads,
    };
    let (ca, user) = (Arc::clone(&state.ca), session.user.clone());
    match blocking(move || batches::create(&ca, &user, input)).await {
        Ok(Ok(view)) => Reply::Redirect(Box::new(Redirect::to(format!(
            "/batches/{}",
            view.batch.id
        )))),
        Ok(Err(refusal)) => {
            let errors = FormErrors::on(
                "files",
                session.t("Lô chưa được gửi: các tệp và danh sách người chưa khớp, hoặc có yêu cầu bị từ chối. Không có yêu cầu nào được ghi nhận."),
            );
            form_page(
                state,
                &session,
                Status::UnprocessableEntity,
                Some(unit_id),
                &filter,
                &errors,
                Some(&refusal),
            )
            .await
        }
        Err(e) => {
            let errors = FormErrors::on("files", file_error(session.lang, &e));
            form_page(
                state,
                &session,
                refusal_status(&e),
                Some(unit_id),
                &filter,
                &errors,
                None,
            )
            .await
        }
    }
}

#[rocket::get("/batches/<id>")]
pub(super) async fn show(
    state: &State<Arc<PortalState>>,
    session: Result<WebSession, PortalError>,
    id: i64,
) -> Reply {
    let session = match WebSession::require(session) {
        Ok(s) => s,
        Err(r) => return r,
    };
    view(state, &session, id, Status::Ok, &FormErrors::default()).await
}

#[rocket::post("/batches/<id>/approve", data = "<form>")]
pub(super) async fn approve(
    state: &State<Arc<PortalState>>,
    session: Result<WebSession, PortalError>,
    id: i64,
    form: Option<Form<BatchDecisionForm>>,
) -> Reply {
    decide(state, session, id, form, true).await
}

#[rocket::post("/batches/<id>/reject", data = "<form>")]
pub(super) async fn reject(
    state: &State<Arc<PortalState>>,
    session: Result<WebSession, PortalError>,
    id: i64,
    form: Option<Form<BatchDecisionForm>>,
) -> Reply {
    decide(state, session, id, form, false).await
}

async fn decide(
    state: &State<Arc<PortalState>>,
    session: Result<WebSession, PortalError>,
    id: i64,
    form: Option<Form<BatchDecisionForm>>,
    approve: bool,
) -> Reply {
    let (session, form) = match WebSession::posted(session, form) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let (ca, user) = (Arc::clone(&state.ca), session.user.clone());
    let comment = form.comment;
    let done = blocking(move || {
        if approve {
            batches::approve(&ca, &user, id, comment.as_deref())
        } else {
            batches::reject(&ca, &user, id, comment.as_deref())
        }
    })
    .await;
    match done {
        Ok(_) => Reply::Redirect(Box::new(Redirect::to(format!("/batches/{id}")))),
        Err(PortalError::Conflict {
            code: ErrorCode::AlreadyDecided,
            ..
        }) => {
            let errors = FormErrors::on(
                "",
                session.t("Lô này đã được quyết định trước đó; không có gì thay đổi."),
            );
            view(state, &session, id, Status::Conflict, &errors).await
        }
        Err(e) => {
            let errors = session.form_errors(&e);
            view(state, &session, id, refusal_status(&e), &errors).await
        }
    }
}

async fn view(
    state: &State<Arc<PortalState>>,
    session: &WebSession,
    id: i64,
    status: Status,
    errors: &FormErrors,
) -> Reply {
    let (ca, user) = (Arc::clone(&state.ca), session.user.clone());
    let view: BatchView = match blocking(move || batches::get(&ca, &user, id)).await {
        Ok(v) => v,
        Err(e) => return session.error_page(&e),
    };
    let b = &view.batch;
    let lang = session.lang;
    let issued = view.items.iter().filter(|i| i.serial.is_some()).count();
    let facts = [
        (session.t("Đơn vị"), esc(&view.unit_name)),
        (session.t("Trạng thái"), esc(batch_state(lang, &b.state))),
        (
            session.t("Số yêu cầu trong lô"),
            view.items.len().to_string(),
        ),
        (session.t("Đã cấp"), issued.to_string()),
        (
            session.t("Ngày gửi lô"),
            esc(&crate::vn_time::display(b.submitted_at)),
        ),
        (
            session.t("Ý kiến"),
            esc(b.comment.as_deref().unwrap_or("—")),
        ),
    ];
    let facts: String = facts
        .iter()
        .map(|(k, v)| format!("<dt>{}</dt><dd>{v}</dd>\n", esc(k)))
        .collect();
    let rows: Vec<Vec<String>> = view
        .items
        .iter()
        .map(|i| {
            vec![
                format!(r#"<a href="/requests/{r}">#{r}</a>"#, r = i.request_id),
                format!(
                    r#"<a href="/subscribers/{}">{}</a>"#,
                    i.subscriber_id,
                    esc(&i.name)
                ),
                esc(i.uid.as_deref().unwrap_or("")),
                esc(&i.file_name),
                esc(vi::state_in(lang, i.state.as_str())),
                i.serial.as_deref().map_or_else(String::new, |s| {
                    format!(r#"<a href="/certificates/{s}">{s}</a>"#, s = esc(s))
                }),
                esc(i.error.as_deref().unwrap_or("")),
            ]
        })
        .collect();
    let may_decide = b.state == "submitted"
        && b.submitted_by != session.user.id
        && authz::authorize(&session.user, authz::Action::Decide, &b.province).is_ok();
    let decision = if may_decide {
        format!(
            r#"<form method="post" action="/batches/{id}/approve" class="card">{csrf}<p>{note}</p>{comment}<button type="submit">{approve}</button></form>
<form method="post" action="/batches/{id}/reject" class="card">{csrf}{reason}<button type="submit">{reject}</button></form>"#,
            csrf = csrf_input(&session.csrf),
            note = esc(&lang.tf(
                "Phê duyệt cả lô: {} yêu cầu được thực hiện lần lượt; yêu cầu nào bị từ chối khi thực hiện sẽ được ghi rõ lý do.",
                &[&view.items.len()]
            )),
            comment = errors.field("comment", session.t("Ý kiến (không bắt buộc)"), "text", "", ""),
            approve = esc(session.t("Phê duyệt cả lô")),
            reason = errors.textarea("comment", session.t("Lý do từ chối (bắt buộc)"), "", ""),
            reject = esc(session.t("Từ chối cả lô")),
        )
    } else {
        String::new()
    };
    let download = if issued > 0 {
        format!(
            r#"<p><a class="button" href="/api/v1/batches/{id}/certificates.zip" download>{}</a></p>"#,
            esc(session.t("Tải tất cả chứng thư (.zip)"))
        )
    } else {
        String::new()
    };
    let body = format!(
        r#"{general}<dl class="facts">
{facts}</dl>
{download}{decision}
{items}"#,
        general = errors.general(&["comment"]),
        items = table(
            lang,
            session.t("Các yêu cầu của lô"),
            &[
                session.t("Yêu cầu"),
                session.t("Họ tên / tên tổ chức"),
                session.t("Số định danh"),
                session.t("Tệp CSR đã khớp"),
                session.t("Trạng thái"),
                session.t("Chứng thư số"),
                session.t("Lỗi"),
            ],
            &rows
        ),
    );
    pages_mod::html(
        status,
        html::page(
            lang,
            &lang.tf("Lô yêu cầu #{}", &[&id]),
            Some((&session.user, session.csrf.as_str())),
            &body,
        ),
    )
}

/// The form: the unit and filter, the people they select with the file
/// name each expects, the upload, and what a refusal listed.
async fn form_page(
    state: &State<Arc<PortalState>>,
    session: &WebSession,
    status: Status,
    unit_id: Option<i64>,
    filter: &str,
    errors: &FormErrors,
    refusal: Option<&Refusal>,
) -> Reply {
    let lang = session.lang;
    let (ca, user) = (Arc::clone(&state.ca), session.user.clone());
    let f = filter.to_owned();
    let loaded = blocking(move || {
        let units = registry::units(&ca, &user)?;
        let people = match unit_id {
            Some(u) => batches::people(&ca, &user, u, Some(&f))?,
            None => Vec::new(),
        };
        Ok((units, people))
    })
    .await;
    let (units, people) = match loaded {
        Ok(v) => v,
        Err(e) => return session.error_page(&e),
    };
    let options: String = units
        .iter()
        .map(|u| {
            let id = u["id"].as_i64().unwrap_or_default();
            format!(
                r#"<option value="{id}"{sel}>{}</option>"#,
                esc(u["name"].as_str().unwrap_or_default()),
                sel = if Some(id) == unit_id { " selected" } else { "" }
            )
        })
        .collect();
    let select = format!(
        r#"<div class="field"><label for="unit_id">{}</label><select id="unit_id" name="unit_id">{options}</select>{}</div>"#,
        esc(session.t("Đơn vị")),
        errors
            .get("unit_id")
            .map(|e| format!(r#"<p class="field-error">{}</p>"#, esc(e)))
            .unwrap_or_default()
    );
    let choose = format!(
        r#"<form method="get" action="/batches/new" class="card">{select}{filter}<button type="submit">{label}</button></form>"#,
        filter = errors.field(
            "filter",
            session.t("Lọc theo tên hoặc số định danh (không bắt buộc)"),
            "text",
            filter,
            ""
        ),
        label = esc(session.t("Chọn người trong đơn vị")),
    );
    let rule = format!(
        "<p>{}</p>",
        esc(session.t("Quy tắc tên tệp: mỗi người một tệp CSR (.csr, .pem, .der hoặc .req), đặt tên theo số định danh (001089031733.csr hoặc CCCD-001089031733.csr) hoặc theo mã người dùng (s42.csr). Có thể tải lên nhiều tệp, hoặc một tệp .zip (tối đa 1000 tệp, mỗi tệp tối đa 64 KiB)."))
    );
    let people_rows: Vec<Vec<String>> = people
        .iter()
        .map(|s| {
            let number = s
                .uid
                .as_deref()
                .and_then(|u| u.split_once(':'))
                .map(|(_, n)| format!("{n}.csr"))
                .unwrap_or_default();
            vec![
                esc(&s.full_name),
                esc(s.uid.as_deref().unwrap_or("")),
                esc(&format!("{number} / s{}.csr", s.id)),
            ]
        })
        .collect();
    let upload = match unit_id {
        Some(u) if !people.is_empty() => format!(
            r#"<form method="post" action="/batches" enctype="multipart/form-data" class="card">{csrf}
<input type="hidden" name="unit_id" value="{u}"><input type="hidden" name="filter" value="{filter}">
<p>{count}</p>{people}
<div class="field"><label for="files">{l_files}</label><input id="files" name="files" type="file" multiple accept=".csr,.pem,.der,.req,.zip">{file_error}</div>
{days}<button type="submit">{submit}</button></form>"#,
            csrf = csrf_input(&session.csrf),
            filter = esc(filter),
            count = esc(&lang.tf("{} người được chọn.", &[&people.len()])),
            people = table(
                lang,
                session.t("Danh sách người được chọn"),
                &[
                    session.t("Họ tên / tên tổ chức"),
                    session.t("Số định danh"),
                    session.t("Tên tệp CSR cần có")
                ],
                &people_rows
            ),
            l_files = esc(session.t("Các tệp CSR hoặc một tệp .zip")),
            file_error = errors
                .get("files")
                .map(|e| format!(r#"<p class="field-error">{}</p>"#, esc(e)))
                .unwrap_or_default(),
            days = errors.field(
                "days",
                session.t("Số ngày hiệu lực của các chứng thư (không bắt buộc)"),
                "number",
                "",
                ""
            ),
            submit = esc(session.t("Gửi lô yêu cầu")),
        ),
        Some(_) => format!(
            r#"<p class="form-error">{}</p>"#,
            esc(session.t("Không có người nào của đơn vị khớp với bộ lọc."))
        ),
        None => String::new(),
    };
    let listed = refusal.map(|r| refusal_html(lang, r)).unwrap_or_default();
    let general = if unit_id.is_some() && !people.is_empty() {
        errors.general(&["files", "unit_id", "filter", "days"])
    } else {
        errors.general(&["unit_id", "filter"])
    };
    let body = format!("{general}{rule}{choose}{listed}{upload}");
    pages_mod::html(
        status,
        html::page(
            lang,
            session.t("Tạo lô yêu cầu cấp mới"),
            Some((&session.user, session.csrf.as_str())),
            &body,
        ),
    )
}

/// Every problem a refused batch listed.
fn refusal_html(lang: Lang, r: &Refusal) -> String {
    let mut out = String::from(r#"<div class="card" role="alert">"#);
    let list = |title: &str, items: Vec<String>| {
        if items.is_empty() {
            String::new()
        } else {
            format!(
                "<h2>{}</h2><ul>{}</ul>",
                esc(title),
                items
                    .iter()
                    .map(|i| format!("<li>{i}</li>"))
                    .collect::<String>()
            )
        }
    };
    out += &list(
        lang.t("Tệp không khớp với người nào"),
        r.unmatched_files.iter().map(|f| esc(f)).collect(),
    );
    out += &list(
        lang.t("Tệp trùng (đã có tệp cho người này)"),
        r.duplicate_files.iter().map(|f| esc(f)).collect(),
    );
    out += &list(
        lang.t("Người chưa có tệp CSR"),
        r.people_without_file
            .iter()
            .map(|p| format!("{} ({})", esc(&p.name), esc(p.uid.as_deref().unwrap_or(""))))
            .collect(),
    );
    out += &list(
        lang.t("Yêu cầu bị từ chối khi kiểm tra"),
        r.refused
            .iter()
            .map(|p| {
                let why = if lang == Lang::En { &p.message } else { &p.vi };
                format!(
                    "{} ({}): {}",
                    esc(&p.person.name),
                    esc(&p.file_name),
                    esc(why)
                )
            })
            .collect(),
    );
    out + "</div>"
}

/// The bytes of an uploaded file, `None` past the per-file bound.
async fn read(file: &TempFile<'_>) -> Option<Vec<u8>> {
    use rocket::tokio::io::AsyncReadExt;
    if file.len() > files::MAX_ARCHIVE as u64 {
        return None;
    }
    let mut bytes = Vec::new();
    let mut reader = file.open().await.ok()?;
    reader.read_to_end(&mut bytes).await.ok()?;
    Some(bytes)
}

fn too_large(lang: Lang) -> String {
    lang.tf(
        "Các tệp quá lớn (tối đa {}) hoặc dữ liệu gửi lên bị hỏng.",
        &[&files::MAX_ARCHIVE_LABEL],
    )
}

/// The message of a refused upload in `lang`.
fn file_error(lang: Lang, e: &PortalError) -> String {
    let code = match e {
        PortalError::Invalid { code, .. } => *code,
        PortalError::TooLarge { .. } => return too_large(lang),
        other => return message(lang, other),
    };
    let text = match code {
        ErrorCode::InvalidZip => lang.t("Tệp .zip bị hỏng hoặc không phải tệp .zip."),
        ErrorCode::NestedZip => lang
            .t("Tệp .zip chứa một tệp nén khác: hãy đặt tất cả tệp CSR vào một tệp .zip duy nhất."),
        ErrorCode::UnsafeFileName => {
            lang.t("Tệp .zip chứa tên tệp không hợp lệ (đường dẫn tuyệt đối hoặc “..”).")
        }
        ErrorCode::TooManyFiles => lang.t("Quá nhiều tệp: tối đa 1000 tệp trong một lô."),
        ErrorCode::FileTooLarge => {
            lang.t("Có tệp lớn hơn 64 KiB (sau khi giải nén): đó không phải là một CSR.")
        }
        ErrorCode::ZipTooLarge => {
            lang.t("Tổng dung lượng các tệp sau khi giải nén vượt quá 16 MiB.")
        }
        ErrorCode::NoFiles => lang.t("Hãy chọn các tệp CSR hoặc một tệp .zip."),
        ErrorCode::NoPeople => lang.t("Không có người nào của đơn vị khớp với bộ lọc."),
        ErrorCode::TooManyPeople => lang.t("Quá nhiều người: tối đa 1000 người trong một lô."),
        _ => return message(lang, e),
    };
    text.to_owned()
}

/// A refusal's own wording in `lang`.
fn message(lang: Lang, e: &PortalError) -> String {
    if lang == Lang::En {
        e.to_string()
    } else {
        crate::explain::vi_message(e)
    }
}

/// The name of a batch's state in `lang`.
fn batch_state(lang: Lang, s: &str) -> &'static str {
    match s {
        "submitted" => lang.t("Lô chờ phê duyệt"),
        "approved" => lang.t("Lô đang thực hiện"),
        "done" => lang.t("Lô đã thực hiện xong"),
        _ => lang.t("Lô đã bị từ chối"),
    }
}
