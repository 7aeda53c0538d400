//! "Nhập danh sách từ tệp CSV" (`/subscribers/import`): a CSV file
//! uploaded (multipart), checked by [`crate::import`] as the API checks
//! it, shown as a preview table with each row's errors (in the page language) next
//! to the row, then committed by the "Xác nhận nhập" button (CSRF). The
//! previewed file waits server-side under the session and its SHA-256,
//! which the confirmation carries: what is committed is exactly what was
//! previewed, all rows or none.

use std::sync::Arc;

use rocket::form::Form;
use rocket::fs::TempFile;
use rocket::http::Status;
use rocket::State;

use super::html::{csrf_input, esc, table};
use super::lang::Lang;
use super::pages::{en_message, Reply};
use super::vi::{self, FormErrors};
use super::WebSession;
use crate::error::PortalError;
use crate::error_code::ErrorCode;
use crate::http::blocking;
use crate::http::HttpStatus;
use crate::import::{self, Column, Report, RowError};
use crate::PortalState;

/// The page title.
const TITLE: &str = "Nhập danh sách từ tệp CSV";

/// The upload form.
#[derive(Debug, rocket::FromForm)]
pub(super) struct UploadForm<'r> {
    pub(super) csrf: Option<String>,
    file: Option<TempFile<'r>>,
}

/// The confirmation form.
#[derive(Debug, Default, rocket::FromForm)]
pub(super) struct ConfirmForm {
    pub(super) csrf: Option<String>,
    sha256: Option<String>,
}

#[rocket::get("/subscribers/import")]
pub(super) fn form(session: Result<WebSession, PortalError>) -> Reply {
    let session = match WebSession::require(session) {
        Ok(s) => s,
        Err(r) => return r,
    };
    upload_page(&session, Status::Ok, &FormErrors::default())
}

#[rocket::post("/subscribers/import", data = "<form>")]
pub(super) async fn preview(
    state: &State<Arc<PortalState>>,
    session: Result<WebSession, PortalError>,
    form: Result<Form<UploadForm<'_>>, rocket::form::Errors<'_>>,
) -> Reply {
    let session = match WebSession::require(session) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let Ok(form) = form.map(Form::into_inner) else {
        let errors = FormErrors::on(
            "file",
            session.lang.tf(
                "Không đọc được tệp: tệp quá lớn (tối đa {}) hoặc dữ liệu gửi lên bị hỏng.",
                &[&import::MAX_LABEL],
            ),
        );
        return upload_page(&session, Status::PayloadTooLarge, &errors);
    };
    if !session.csrf_ok(form.csrf.as_deref()) {
        return session.csrf_refused();
    }
    let bytes = match read(session.lang, form.file.as_ref()).await {
        Ok(b) => b,
        Err((status, message)) => {
            let errors = FormErrors::on("file", message);
            return upload_page(&session, status, &errors);
        }
    };
    let user = session.user.clone();
    let checked = bytes.clone();
    let ca = Arc::clone(&state.ca);
    match blocking(move || import::check(&ca, &user, &checked)).await {
        Ok(report) => {
            let digest = state.imports.put(&session.id, bytes);
            preview_page(&session, Status::Ok, &report, Some(&digest), None)
        }
        Err(e) => {
            let status = e.status_and_code().0;
            upload_page(
                &session,
                status,
                &FormErrors::on("file", file_error(session.lang, &e)),
            )
        }
    }
}

#[rocket::post("/subscribers/import/confirm", data = "<form>")]
pub(super) async fn confirm(
    state: &State<Arc<PortalState>>,
    session: Result<WebSession, PortalError>,
    form: Option<Form<ConfirmForm>>,
) -> Reply {
    let (session, form) = match WebSession::posted(session, form) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let digest = form.sha256.unwrap_or_default();
    let Some(bytes) = state.imports.take(&session.id, digest.trim()) else {
        let errors = FormErrors::on(
            "file",
            session.t("Không tìm thấy tệp đã xem trước (đã quá 30 phút, đã được nhập, hoặc nội dung đã thay đổi): hãy tải tệp lên lại."),
        );
        return upload_page(&session, Status::Conflict, &errors);
    };
    let ca = Arc::clone(&state.ca);
    let user = session.user.clone();
    match blocking(move || import::commit(&ca, &user, &bytes)).await {
        Ok((report, ids)) if report.errors.is_empty() => {
            let body = format!(
                r#"<p class="notice" role="status">{done}</p>
<p><a class="button" href="/subscribers">{list}</a></p>
{table}"#,
                done = session.lang.tf("Đã nhập {} thuê bao.", &[&ids.len()]),
                list = session.t("Xem danh sách thuê bao"),
                table = rows_table(session.lang, &report, &ids),
            );
            session.page(Status::Created, session.t(TITLE), &body)
        }
        Ok((report, _)) => preview_page(
            &session,
            Status::UnprocessableEntity,
            &report,
            None,
            Some(session.t("Không nhập được: tệp có dòng lỗi (có thể quyền hoặc dữ liệu đã thay đổi từ lúc xem trước). Không thuê bao nào được tạo.")),
        ),
        Err(e) => session.error_page(&e),
    }
}

/// The uploaded file's bytes, or the status and reason (in `lang`) there
/// are none.
async fn read(lang: Lang, file: Option<&TempFile<'_>>) -> Result<Vec<u8>, (Status, String)> {
    use rocket::tokio::io::AsyncReadExt;
    let Some(file) = file.filter(|f| f.len() > 0) else {
        return Err((
            Status::UnprocessableEntity,
            lang.t("Hãy chọn tệp CSV (UTF-8) để tải lên.").into(),
        ));
    };
    if file.len() > import::MAX_BYTES as u64 {
        return Err((
            Status::PayloadTooLarge,
            lang.tf("Tệp quá lớn (tối đa {}).", &[&import::MAX_LABEL]),
        ));
    }
    let unreadable = |_| {
        (
            Status::InternalServerError,
            lang.t("Không đọc được tệp đã tải lên; hãy thử lại.")
                .to_owned(),
        )
    };
    let mut bytes = Vec::new();
    let mut reader = file.open().await.map_err(unreadable)?;
    reader.read_to_end(&mut bytes).await.map_err(unreadable)?;
    Ok(bytes)
}

/// The message of a file-level refusal in `lang` (the API's own message
/// in English).
fn file_error(lang: Lang, e: &PortalError) -> String {
    if lang == Lang::En {
        return en_message(e);
    }
    let quoted = |m: &str| m.split('"').nth(1).map(str::to_owned).unwrap_or_default();
    match e {
        PortalError::TooLarge { .. } => format!("Tệp quá lớn (tối đa {}).", import::MAX_LABEL),
        PortalError::Invalid { code, message } => match code {
            ErrorCode::NotUtf8 => "Tệp không phải văn bản UTF-8: hãy lưu lại bằng “CSV UTF-8 (phân tách bằng dấu phẩy)”.".into(),
            ErrorCode::EmptyFile => "Tệp rỗng: cần một dòng tiêu đề và ít nhất một dòng dữ liệu.".into(),
            ErrorCode::MissingColumn => format!("Thiếu cột bắt buộc “{}”.", quoted(message)),
            ErrorCode::UnknownColumn => format!(
                "Cột “{}” không được hỗ trợ. Các cột: {}.",
                quoted(message),
                Column::ALL.iter().map(|c| c.vi()).collect::<Vec<_>>().join(", ")
            ),
            ErrorCode::DuplicateColumn => format!("Cột “{}” xuất hiện hai lần.", quoted(message)),
            ErrorCode::TooManyRows => format!(
                "Tệp có quá nhiều dòng (tối đa {}): hãy chia thành nhiều tệp.",
                import::MAX_ROWS
            ),
            _ => format!("Tệp không đúng định dạng CSV (RFC 4180, phân tách bằng dấu phẩy). Chi tiết: {message}"),
        },
        other => vi::explain(other).1,
    }
}

/// The message of one row's error in `lang` (the API's own message in
/// English).
fn row_error(lang: Lang, e: &RowError) -> String {
    if lang == Lang::En {
        return en_message(&e.error);
    }
    match &*e.error {
        PortalError::Conflict {
            code: ErrorCode::DuplicateInFile,
            message,
        } => {
            let first = message.rsplit(' ').nth(3).unwrap_or("?");
            format!(
                "{}: trùng với dòng {first} trong tệp.",
                if e.field == "tax_code" {
                    "Mã số thuế"
                } else {
                    "Số định danh"
                }
            )
        }
        other => vi::explain(other).1,
    }
}

fn upload_page(session: &WebSession, status: Status, errors: &FormErrors) -> Reply {
    let error = errors
        .get("file")
        .map(|m| {
            format!(
                r#"<p class="field-error" id="file-error" role="alert">{}</p>"#,
                esc(m)
            )
        })
        .unwrap_or_default();
    let columns: String = Column::ALL
        .iter()
        .map(|c| {
            format!(
                "<li><code>{}</code> (<code>{}</code>){}</li>",
                esc(c.vi()),
                c.key(),
                if c.required() {
                    session.t(" — bắt buộc")
                } else {
                    ""
                }
            )
        })
        .collect();
    let body = format!(
        r#"<p><a href="/subscribers">← {back}</a></p>
<form method="post" action="/subscribers/import" class="card" enctype="multipart/form-data" novalidate>
{csrf}<div class="field"><label for="file">{label}</label>
<input id="file" name="file" type="file" accept=".csv,text/csv"{described}>{error}</div>
<button type="submit">{preview}</button>
</form>
<p>{columns_intro}</p>
<ul>{columns}</ul>
<p>{checked_first}</p>"#,
        back = session.t("Thuê bao"),
        label = session
            .lang
            .tf("Tệp CSV (UTF-8, tối đa {})", &[&import::MAX_LABEL]),
        preview = session.t("Xem trước"),
        columns_intro = session.t("Dòng đầu là tiêu đề cột, tiếng Việt hoặc tiếng Anh; loại là “cá nhân” hoặc “tổ chức”. Các cột:"),
        checked_first = session.t("Tệp được kiểm tra trước; chỉ khi mọi dòng hợp lệ mới có thể xác nhận nhập, và tất cả các dòng được nhập cùng lúc."),
        csrf = csrf_input(&session.csrf),
        described = if error.is_empty() {
            ""
        } else {
            r#" aria-invalid="true" aria-describedby="file-error""#
        },
    );
    session.page(status, session.t(TITLE), &body)
}

/// The preview: a summary, the rows with their errors, and the
/// confirmation button when every row is valid (`digest` given).
fn preview_page(
    session: &WebSession,
    status: Status,
    report: &Report,
    digest: Option<&str>,
    alert: Option<&str>,
) -> Reply {
    let bad = report.rows.len() - report.valid();
    let summary = format!(
        r#"<p role="status">{}</p>"#,
        session.lang.tf(
            "Tệp có {} dòng: {} dòng hợp lệ, {} dòng lỗi.",
            &[&report.rows.len(), &report.valid(), &bad]
        )
    );
    let alert = alert
        .map(|m| format!(r#"<p class="form-error" role="alert">{}</p>"#, esc(m)))
        .unwrap_or_default();
    let action = match digest {
        Some(d) if bad == 0 => format!(
            r#"<form method="post" action="/subscribers/import/confirm" class="card">
{csrf}<input type="hidden" name="sha256" value="{d}">
<button type="submit">{}</button></form>"#,
            session.t("Xác nhận nhập"),
            csrf = csrf_input(&session.csrf),
            d = esc(d),
        ),
        _ => format!(
            r#"<p class="form-error" role="alert">{}</p>
<p><a class="button" href="/subscribers/import">{}</a></p>"#,
            session.t("Tệp có dòng lỗi nên chưa thể nhập: hãy sửa các dòng được đánh dấu rồi tải tệp lên lại. Không thuê bao nào được tạo."),
            session.t("Tải tệp khác"),
        ),
    };
    let body = format!(
        "<p><a href=\"/subscribers/import\">← {other}</a></p>\n{alert}{summary}{table}{action}",
        other = session.t("Tải tệp khác"),
        table = rows_table(session.lang, report, &[]),
    );
    session.page(status, session.t(TITLE), &body)
}

/// The rows of the file, each with its errors (or the new subscriber's
/// link once created).
fn rows_table(lang: Lang, report: &Report, ids: &[i64]) -> String {
    let shown: Vec<Column> = Column::ALL
        .into_iter()
        .filter(|c| report.columns.iter().any(|(x, _)| x == c))
        .collect();
    let mut head: Vec<&str> = vec![lang.t("Dòng")];
    head.extend(shown.iter().map(|c| match lang {
        Lang::Vi => c.vi(),
        Lang::En => c.key(),
    }));
    head.push(lang.t("Kết quả kiểm tra"));
    let rows: Vec<Vec<String>> = report
        .rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let mut cells = vec![row.row.to_string()];
            cells.extend(shown.iter().map(|c| esc(row.get(*c))));
            let errors: Vec<String> = report
                .errors
                .iter()
                .filter(|e| e.row == row.row)
                .map(|e| {
                    let column = if e.column.is_empty() {
                        String::new()
                    } else {
                        format!("{}: ", esc(&e.column))
                    };
                    format!(
                        r#"<p class="field-error" role="alert">{column}{}</p>"#,
                        esc(&row_error(lang, e))
                    )
                })
                .collect();
            cells.push(if !errors.is_empty() {
                errors.concat()
            } else if let Some(id) = ids.get(i) {
                format!(
                    r#"<a href="/subscribers/{id}">{}</a>"#,
                    lang.tf("Đã tạo (#{})", &[&id])
                )
            } else {
                let given = row.get(Column::Province);
                let former = ca_core::registry::current_province(given)
                    .ok()
                    .and_then(|(current, note)| note.map(|_| current));
                let note = former
                    .map(|current| lang.tf(" (tỉnh cũ “{}” → {})", &[&esc(given), &esc(&current)]))
                    .unwrap_or_default();
                format!("{}{note}", lang.t("Hợp lệ"))
            });
            cells
        })
        .collect();
    table(lang, lang.t("Các dòng của tệp"), &head, &rows)
}
