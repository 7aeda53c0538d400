//! "Nhập danh sách từ tệp Excel hoặc CSV" (`/subscribers/import`): an
//! `.xlsx` or CSV file uploaded (multipart), checked by [`crate::import`]
//! as the API checks it, shown as a preview — counts of new rows, rows
//! registered already, updates and errors, the ignored columns, the
//! confirmation button above a table paged by [`PAGE_ROWS`] rows with each
//! row's errors or changes (in the page language) —, then committed by the
//! "Xác nhận nhập" button (CSRF). The previewed file waits server-side
//! under the session and its SHA-256, which the preview's pages and the
//! confirmation carry: what is committed is exactly what was previewed,
//! all rows or none. The templates (`.xlsx`, `.csv`) are the API's
//! downloads, which the session signs in to.

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
use crate::import::{self, Column, Report, RowError, RowStatus};
use crate::sheet::Format;
use crate::PortalState;

/// The page title.
const TITLE: &str = "Nhập danh sách từ tệp Excel hoặc CSV";
/// Rows on one page of the preview.
pub(super) const PAGE_ROWS: usize = 50;

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
    /// `true`: apply the offered updates too.
    update: Option<bool>,
}

/// Which rows a preview page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Show {
    All,
    Errors,
    Updates,
    New,
    Registered,
}

impl Show {
    const ALL: [Self; 5] = [
        Self::All,
        Self::Errors,
        Self::Updates,
        Self::New,
        Self::Registered,
    ];

    fn parse(v: Option<&str>) -> Self {
        Self::ALL
            .into_iter()
            .find(|s| Some(s.key()) == v)
            .unwrap_or(Self::All)
    }

    fn key(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::Errors => "errors",
            Self::Updates => "updates",
            Self::New => "new",
            Self::Registered => "registered",
        }
    }

    fn label(self, lang: Lang) -> &'static str {
        match self {
            Self::All => lang.t("Tất cả"),
            Self::Errors => lang.t("Lỗi"),
            Self::Updates => lang.t("Cập nhật"),
            Self::New => lang.t("Mới"),
            Self::Registered => lang.t("Đã đăng ký"),
        }
    }

    fn keeps(self, status: &RowStatus) -> bool {
        matches!(
            (self, status),
            (Self::All, _)
                | (Self::Errors, RowStatus::Invalid)
                | (Self::Updates, RowStatus::Update { .. })
                | (Self::New, RowStatus::New)
                | (Self::Registered, RowStatus::Registered { .. })
        )
    }
}

/// Where the preview stands: the file, the page and the rows shown.
struct View<'a> {
    digest: &'a str,
    page: usize,
    show: Show,
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
    let claimed = form.file.as_ref().and_then(claimed_format);
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
    match blocking(move || import::check(&ca, &user, &checked, claimed)).await {
        Ok(report) => {
            let digest = state.imports.put(&session.id, bytes, claimed);
            let view = View {
                digest: &digest,
                page: 1,
                show: Show::All,
            };
            preview_page(&session, Status::Ok, &report, Some(&view), None)
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
    let Some((bytes, claimed)) = state.imports.take(&session.id, digest.trim()) else {
        return not_pending(&session);
    };
    let ca = Arc::clone(&state.ca);
    let user = session.user.clone();
    let apply = form.update.unwrap_or(false);
    match blocking(move || import::commit(&ca, &user, &bytes, claimed, apply)).await {
        Ok(done) if done.report.errors.is_empty() => {
            let counts = done.report.counts();
            let skipped = counts.registered + if apply { 0 } else { counts.update };
            let body = format!(
                r#"<p class="notice" role="status">{done}</p>
<p><a class="button" href="/subscribers">{list}</a></p>
{table}"#,
                done = session.lang.tf(
                    "Đã nhập {} thuê bao mới, cập nhật {} thuê bao; bỏ qua {} thuê bao đã đăng ký.",
                    &[&done.created.len(), &done.updated.len(), &skipped]
                ),
                list = session.t("Xem danh sách thuê bao"),
                table = done_table(session.lang, &done),
            );
            session.page(Status::Created, session.t(TITLE), &body)
        }
        Ok(done) => preview_page(
            &session,
            Status::UnprocessableEntity,
            &done.report,
            None,
            Some(session.t("Không nhập được: tệp có dòng lỗi (có thể quyền hoặc dữ liệu đã thay đổi từ lúc xem trước). Không thuê bao nào được tạo.")),
        ),
        Err(e) => session.error_page(&e),
    }
}

/// `/subscribers/import/preview?sha256=…&page=…&show=…`: another page of
/// a previewed file (checked again: the registry may have changed).
#[rocket::get("/subscribers/import/preview?<sha256>&<page>&<show>")]
pub(super) async fn preview_more(
    state: &State<Arc<PortalState>>,
    session: Result<WebSession, PortalError>,
    sha256: Option<&str>,
    page: Option<usize>,
    show: Option<&str>,
) -> Reply {
    let session = match WebSession::require(session) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let digest = sha256.unwrap_or_default().trim().to_owned();
    let Some((bytes, claimed)) = state.imports.peek(&session.id, &digest) else {
        return not_pending(&session);
    };
    let ca = Arc::clone(&state.ca);
    let user = session.user.clone();
    match blocking(move || import::check(&ca, &user, &bytes, claimed)).await {
        Ok(report) => {
            let view = View {
                digest: &digest,
                page: page.unwrap_or(1).max(1),
                show: Show::parse(show),
            };
            preview_page(&session, Status::Ok, &report, Some(&view), None)
        }
        Err(e) => session.error_page(&e),
    }
}

/// The upload page saying the previewed file is gone.
fn not_pending(session: &WebSession) -> Reply {
    let errors = FormErrors::on(
        "file",
        session.t("Không tìm thấy tệp đã xem trước (đã quá 30 phút, đã được nhập, hoặc nội dung đã thay đổi): hãy tải tệp lên lại."),
    );
    upload_page(session, Status::Conflict, &errors)
}

/// The format an upload names: its media type, else its file name's
/// extension.
fn claimed_format(file: &TempFile<'_>) -> Option<Format> {
    file.content_type()
        .and_then(|c| Format::from_name(&c.to_string()))
        .or_else(|| {
            file.raw_name()
                .map(|n| n.dangerous_unsafe_unsanitized_raw().as_str())
                .and_then(Format::from_name)
        })
}

/// The uploaded file's bytes, or the status and reason (in `lang`) there
/// are none.
async fn read(lang: Lang, file: Option<&TempFile<'_>>) -> Result<Vec<u8>, (Status, String)> {
    use rocket::tokio::io::AsyncReadExt;
    let Some(file) = file.filter(|f| f.len() > 0) else {
        return Err((
            Status::UnprocessableEntity,
            lang.t("Hãy chọn tệp Excel (.xlsx) hoặc CSV để tải lên.")
                .into(),
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
            ErrorCode::NotUtf8 => "Tệp không phải văn bản UTF-8: hãy lưu lại bằng “CSV UTF-8” hoặc “Excel Workbook (.xlsx)”.".into(),
            ErrorCode::NotXlsx => "Tệp có đuôi .xlsx nhưng không phải bảng tính Excel: hãy mở tệp bằng Excel hoặc LibreOffice và lưu lại dưới dạng “Excel Workbook (.xlsx)”.".into(),
            ErrorCode::BadXlsx => format!("Tệp không phải bảng tính Excel (.xlsx) hợp lệ. Chi tiết: {message}"),
            ErrorCode::ZipBomb => format!(
                "Tệp bị từ chối: khi giải nén, tệp lớn hơn {} (tệp nén bất thường, có thể là “bom zip”). Hãy lưu lại danh sách từ Excel rồi tải lên.",
                crate::sheet::MAX_UNCOMPRESSED_LABEL
            ),
            ErrorCode::SheetTooLarge => format!(
                "Trang tính quá lớn: chỉ nhận tối đa {} dòng và {} cột. Hãy xóa các dòng, cột thừa hoặc chia thành nhiều tệp.",
                crate::sheet::MAX_ROWS,
                crate::sheet::MAX_COLUMNS
            ),
            ErrorCode::CellTooLong => format!(
                "Có ô dài quá {} ký tự: hãy kiểm tra lại tệp.",
                crate::sheet::MAX_CELL_CHARS
            ),
            ErrorCode::NoHeader => format!(
                "Không tìm thấy dòng tiêu đề trong {} dòng đầu: dòng tiêu đề ghi tên các cột, ít nhất {}. Hãy dùng tệp mẫu.",
                import::HEADER_LINES,
                Column::ALL.iter().filter(|c| c.required()).map(|c| format!("“{}”", c.vi())).collect::<Vec<_>>().join(", ")
            ),
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
            _ => format!("Tệp không đúng định dạng CSV (phân tách bằng dấu phẩy hoặc dấu chấm phẩy). Chi tiết: {message}"),
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
<p>{template_intro} <a class="download" href="/api/v1/subscribers/import/template.xlsx" download>{template_xlsx}</a> · <a class="download" href="/api/v1/subscribers/import/template.csv" download>{template_csv}</a></p>
<form method="post" action="/subscribers/import" class="card" enctype="multipart/form-data" novalidate>
{csrf}<div class="field"><label for="file">{label}</label>
<input id="file" name="file" type="file" accept=".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"{described}>{error}</div>
<button type="submit">{preview}</button>
</form>
<p>{columns_intro}</p>
<ul>{columns}</ul>
<p>{tolerant}</p>
<p>{checked_first}</p>"#,
        back = session.t("Thuê bao"),
        template_intro = session.t("Chưa có tệp? Tải tệp mẫu (tiêu đề tiếng Việt và một dòng ví dụ):"),
        template_xlsx = session.t("Tệp mẫu Excel (.xlsx)"),
        template_csv = session.t("Tệp mẫu CSV"),
        label = session
            .lang
            .tf("Tệp Excel (.xlsx) hoặc CSV (tối đa {})", &[&import::MAX_LABEL]),
        preview = session.t("Xem trước"),
        columns_intro = session.t("Dòng tiêu đề ghi tên cột, tiếng Việt hoặc tiếng Anh; loại là “cá nhân” hoặc “tổ chức”. Các cột:"),
        tolerant = session.t("Các dòng tiêu đề phía trên (tên danh sách…) được bỏ qua; các cột khác (STT, Ngày sinh…) được liệt kê và bỏ qua. Tệp CSV có thể phân tách bằng dấu phẩy hoặc dấu chấm phẩy. Người đã đăng ký (cùng số định danh) được bỏ qua, hoặc được đề nghị cập nhật khi thông tin thay đổi."),
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

/// The preview: the counts, the ignored columns, the confirmation button
/// (when every row is valid and the file is still pending: `view` given)
/// above one page of the rows with their errors or changes.
fn preview_page(
    session: &WebSession,
    status: Status,
    report: &Report,
    view: Option<&View<'_>>,
    alert: Option<&str>,
) -> Reply {
    let lang = session.lang;
    let counts = report.counts();
    let summary = format!(
        r#"<p role="status">{}</p>
<ul class="counts"><li>{}</li><li>{}</li><li>{}</li><li>{}</li></ul>"#,
        lang.tf(
            "Tệp có {} dòng (dòng tiêu đề: dòng {} của trang tính).",
            &[&report.rows.len(), &report.header_line]
        ),
        lang.tf("Mới: {}", &[&counts.new]),
        lang.tf("Đã đăng ký (bỏ qua): {}", &[&counts.registered]),
        lang.tf("Cần cập nhật: {}", &[&counts.update]),
        lang.tf("Lỗi: {}", &[&counts.errors]),
    );
    let ignored = if report.ignored.is_empty() {
        String::new()
    } else {
        format!(
            "<p>{}</p>",
            lang.tf(
                "Các cột không dùng, được bỏ qua: {}.",
                &[&report
                    .ignored
                    .iter()
                    .map(|h| format!("“{}”", esc(h)))
                    .collect::<Vec<_>>()
                    .join(", ")]
            )
        )
    };
    let alert = alert
        .map(|m| format!(r#"<p class="form-error" role="alert">{}</p>"#, esc(m)))
        .unwrap_or_default();
    let action = match view {
        Some(v) if counts.errors == 0 && counts.new + counts.update > 0 => {
            let update = if counts.update > 0 {
                format!(
                    r#"<div class="field"><label><input type="checkbox" name="update" value="true" checked> {}</label></div>"#,
                    lang.tf(
                        "Cập nhật cả {} thuê bao đã đăng ký có thông tin thay đổi (xem cột “Kết quả kiểm tra”).",
                        &[&counts.update]
                    )
                )
            } else {
                String::new()
            };
            format!(
                r#"<form method="post" action="/subscribers/import/confirm" class="card">
{csrf}<input type="hidden" name="sha256" value="{d}">{update}
<button type="submit">{}</button></form>"#,
                session.t("Xác nhận nhập"),
                csrf = csrf_input(&session.csrf),
                d = esc(v.digest),
            )
        }
        Some(_) if counts.errors == 0 => format!(
            r#"<p class="notice" role="status">{}</p>
<p><a class="button" href="/subscribers/import">{}</a></p>"#,
            session.t("Mọi người trong tệp đã được đăng ký với cùng thông tin: không có gì để nhập."),
            session.t("Tải tệp khác"),
        ),
        _ => format!(
            r#"<p class="form-error" role="alert">{}</p>
<p><a class="button" href="/subscribers/import">{}</a></p>"#,
            session.t("Tệp có dòng lỗi nên chưa thể nhập: hãy sửa các dòng được đánh dấu rồi tải tệp lên lại. Không thuê bao nào được tạo."),
            session.t("Tải tệp khác"),
        ),
    };
    let (page, show) = view.map_or((1, Show::All), |v| (v.page, v.show));
    let shown: Vec<&import::Row> = report
        .rows
        .iter()
        .filter(|r| show.keeps(&r.status))
        .collect();
    let pages = shown.len().div_ceil(PAGE_ROWS).max(1);
    let page = page.min(pages);
    let slice =
        &shown[((page - 1) * PAGE_ROWS).min(shown.len())..(page * PAGE_ROWS).min(shown.len())];
    let nav = view
        .map(|v| pager(lang, v, page, pages, shown.len()))
        .unwrap_or_default();
    let body = format!(
        "<p><a href=\"/subscribers/import\">← {other}</a></p>\n{alert}{summary}{ignored}{action}{nav}{table}{nav}",
        other = session.t("Tải tệp khác"),
        table = rows_table(lang, report, slice),
    );
    session.page(status, session.t(TITLE), &body)
}

/// The filters and page links of a preview.
fn pager(lang: Lang, v: &View<'_>, page: usize, pages: usize, rows: usize) -> String {
    let link = |show: Show, n: usize, label: &str| {
        format!(
            r#"<a href="/subscribers/import/preview?sha256={}&amp;show={}&amp;page={n}">{label}</a>"#,
            esc(v.digest),
            show.key(),
        )
    };
    let filters: Vec<String> = Show::ALL
        .into_iter()
        .map(|s| {
            if s == v.show {
                format!("<strong>{}</strong>", s.label(lang))
            } else {
                link(s, 1, s.label(lang))
            }
        })
        .collect();
    let mut nav = lang.tf("Trang {} / {} ({} dòng)", &[&page, &pages, &rows]);
    if page > 1 {
        nav = format!(
            "{} · {nav}",
            link(v.show, page - 1, lang.t("‹ Trang trước"))
        );
    }
    if page < pages {
        nav = format!("{nav} · {}", link(v.show, page + 1, lang.t("Trang sau ›")));
    }
    format!(
        r#"<nav class="pages" aria-label="{paging}"><p>{show}: {filters}</p><p>{nav}</p></nav>
"#,
        paging = lang.t("Phân trang"),
        show = lang.t("Hiển thị"),
        filters = filters.join(" · "),
    )
}

/// The head of the rows table: the line, the file's used columns, the
/// result.
fn head(lang: Lang, report: &Report) -> (Vec<Column>, Vec<&'static str>) {
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
    (shown, head)
}

/// Rows of the file, each with its errors, its changes or what will
/// happen to it.
fn rows_table(lang: Lang, report: &Report, rows: &[&import::Row]) -> String {
    let (shown, head) = head(lang, report);
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            let mut cells = vec![row.line.to_string()];
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
            cells.push(if errors.is_empty() {
                outcome(lang, row)
            } else {
                errors.concat()
            });
            cells
        })
        .collect();
    table(lang, lang.t("Các dòng của tệp"), &head, &rows)
}

/// What confirmation does with a valid row, for people.
fn outcome(lang: Lang, row: &import::Row) -> String {
    match &row.status {
        RowStatus::Registered { id } => format!(
            r#"<a href="/subscribers/{id}">{}</a>"#,
            lang.tf("Đã đăng ký (#{}): bỏ qua", &[&id])
        ),
        RowStatus::Update { id, fields, .. } => {
            let changes: String = fields
                .iter()
                .map(|f| {
                    let name =
                        Column::ALL
                            .iter()
                            .find(|c| c.key() == f.field)
                            .map_or(f.field, |c| match lang {
                                Lang::Vi => c.vi(),
                                Lang::En => c.key(),
                            });
                    format!(
                        "<li>{}: “{}” → “{}”</li>",
                        esc(name),
                        esc(f.old.as_deref().unwrap_or("")),
                        esc(&f.new)
                    )
                })
                .collect();
            format!(
                r#"<a href="/subscribers/{id}">{}</a><ul>{changes}</ul>"#,
                lang.tf("Cập nhật thuê bao #{}", &[&id])
            )
        }
        RowStatus::New | RowStatus::Invalid => {
            let given = row.get(Column::Province);
            let former = ca_core::registry::current_province(given)
                .ok()
                .and_then(|(current, note)| note.map(|_| current));
            let note = former
                .map(|current| lang.tf(" (tỉnh cũ “{}” → {})", &[&esc(given), &esc(&current)]))
                .unwrap_or_default();
            format!("{}{note}", lang.t("Mới, hợp lệ"))
        }
    }
}

/// The rows a confirmed import created or updated (the first
/// [`PAGE_ROWS`] of each), with links to them.
fn done_table(lang: Lang, done: &import::Committed) -> String {
    let (shown, head) = head(lang, &done.report);
    let mut rows = Vec::new();
    for (ids, label) in [
        (&done.created, lang.t("Đã tạo (#{})")),
        (&done.updated, lang.t("Đã cập nhật (#{})")),
    ] {
        for (number, id) in ids.iter().take(PAGE_ROWS) {
            let Some(row) = done.report.rows.iter().find(|r| r.row == *number) else {
                continue;
            };
            let mut cells = vec![row.line.to_string()];
            cells.extend(shown.iter().map(|c| esc(row.get(*c))));
            cells.push(format!(
                r#"<a href="/subscribers/{id}">{}</a>"#,
                lang.tf(label, &[&id])
            ));
            rows.push(cells);
        }
    }
    table(lang, lang.t("Các dòng đã nhập"), &head, &rows)
}
