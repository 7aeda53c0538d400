//! CSV import of subscribers: a UTF-8 file (RFC 4180, comma-separated,
//! Vietnamese or English headers), every row checked exactly as a single
//! registration is (the CA core's identity checks, the caller's province
//! scope through [`authz::authorize`]), duplicates inside the file and
//! identifiers registered already found, and then either a report (preview, or a refused commit) or every
//! subscriber registered in one transaction. The columns are described in
//! `docs/csv-import.md`.

use std::collections::HashMap;

use ca_core::registry::{check_subscriber, current_province, SubscriberInput, SubscriberKind};
use ca_core::CaError;
use serde_json::{json, Value};
use unicode_normalization::UnicodeNormalization;

use crate::authz::{self, Action};
use crate::error::PortalError;
use crate::error_code::ErrorCode;
use crate::user::User;

/// The largest file accepted.
pub const MAX_BYTES: usize = 5 * 1024 * 1024;
/// [`MAX_BYTES`] for people.
pub const MAX_LABEL: &str = "5 MiB";
/// The most rows one file may hold.
pub const MAX_ROWS: usize = 20_000;

/// A column of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    /// `loại` / `kind`: cá nhân, tổ chức (individual, organization).
    Kind,
    /// `họ và tên` or `tên tổ chức` / `name`.
    Name,
    /// `số định danh` / `national_id`: CCCD, CMND, passport.
    NationalId,
    /// `mã số thuế` / `tax_code`.
    TaxCode,
    /// `chức danh` / `title`.
    Title,
    /// `đơn vị` / `unit`.
    Unit,
    /// `cơ quan chủ quản` / `organization`.
    Organization,
    /// `tỉnh/thành phố` / `province`.
    Province,
    /// `email`.
    Email,
    /// `điện thoại` / `phone`.
    Phone,
}

impl Column {
    /// Every column, in the order of the documentation.
    pub const ALL: [Self; 10] = [
        Self::Kind,
        Self::Name,
        Self::NationalId,
        Self::TaxCode,
        Self::Title,
        Self::Unit,
        Self::Organization,
        Self::Province,
        Self::Email,
        Self::Phone,
    ];

    /// The English header (also the field name of the API and the forms).
    pub fn key(self) -> &'static str {
        match self {
            Self::Kind => "kind",
            Self::Name => "name",
            Self::NationalId => "national_id",
            Self::TaxCode => "tax_code",
            Self::Title => "title",
            Self::Unit => "unit",
            Self::Organization => "organization",
            Self::Province => "province",
            Self::Email => "email",
            Self::Phone => "phone",
        }
    }

    /// The Vietnamese header.
    pub fn vi(self) -> &'static str {
        match self {
            Self::Kind => "loại",
            Self::Name => "họ và tên",
            Self::NationalId => "số định danh",
            Self::TaxCode => "mã số thuế",
            Self::Title => "chức danh",
            Self::Unit => "đơn vị",
            Self::Organization => "cơ quan chủ quản",
            Self::Province => "tỉnh/thành phố",
            Self::Email => "email",
            Self::Phone => "điện thoại",
        }
    }

    /// Whether a file must have this column.
    pub fn required(self) -> bool {
        matches!(self, Self::Kind | Self::Name | Self::Province)
    }

    /// The column a header names (case, surrounding spaces, spaces around
    /// `/` and NFC/NFD differences do not matter).
    fn from_header(header: &str) -> Option<Self> {
        Some(match fold(header).as_str() {
            "loại" | "kind" => Self::Kind,
            "họ và tên" | "tên tổ chức" | "họ và tên/tên tổ chức" | "tên" | "name" => {
                Self::Name
            }
            "số định danh" | "national_id" => Self::NationalId,
            "mã số thuế" | "mst" | "tax_code" => Self::TaxCode,
            "chức danh" | "chức vụ" | "title" => Self::Title,
            "đơn vị" | "unit" => Self::Unit,
            "cơ quan chủ quản" | "organization" => Self::Organization,
            "tỉnh/thành phố" | "tỉnh" | "province" => Self::Province,
            "email" | "thư điện tử" | "e-mail" => Self::Email,
            "điện thoại" | "số điện thoại" | "phone" => Self::Phone,
            _ => return None,
        })
    }
}

/// NFC, lower case, inner whitespace collapsed, none around `/`.
fn fold(s: &str) -> String {
    let nfc: String = s.trim_start_matches('\u{feff}').nfc().collect();
    let lower = nfc.to_lowercase();
    let words = lower.split_whitespace().collect::<Vec<_>>().join(" ");
    words.replace(" /", "/").replace("/ ", "/")
}

/// One problem of one row.
#[derive(Debug, Clone)]
pub struct RowError {
    /// The line's row number: 1 is the first data row (the header is row 0).
    pub row: usize,
    /// The field concerned (`""` for the row as a whole).
    pub field: &'static str,
    /// The header of that column as the file spells it (else the English
    /// key).
    pub column: String,
    /// Stable machine code.
    pub code: &'static str,
    /// What is wrong (English).
    pub message: String,
    /// The refusal itself, for pages that word it in Vietnamese.
    pub error: std::sync::Arc<PortalError>,
}

/// One data row of the file.
#[derive(Debug, Clone)]
pub struct Row {
    /// Row number (1 is the first data row).
    pub row: usize,
    /// The values, by column.
    pub values: HashMap<Column, String>,
    /// The subscriber it describes, when every check passed.
    pub input: Option<SubscriberInput>,
    /// The current province, when it was resolved.
    pub province: Option<String>,
}

impl Row {
    /// The value of a column ("" when absent).
    pub fn get(&self, c: Column) -> &str {
        self.values.get(&c).map_or("", String::as_str)
    }
}

/// The checked file.
#[derive(Debug, Clone)]
pub struct Report {
    /// Every data row.
    pub rows: Vec<Row>,
    /// Every problem, by row.
    pub errors: Vec<RowError>,
    /// The columns of the file (first header naming each).
    pub columns: Vec<(Column, String)>,
}

impl Report {
    /// Rows without an error.
    pub fn valid(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| !self.errors.iter().any(|e| e.row == r.row))
            .count()
    }

    /// The report as the API answers it.
    pub fn to_json(&self) -> Value {
        json!({
            "rows": self.rows.len(),
            "valid": self.valid(),
            "errors": self.errors.iter().map(|e| json!({
                "row": e.row, "column": e.column, "code": e.code, "message": e.message,
            })).collect::<Vec<_>>(),
        })
    }
}

/// A file's columns and records.
struct Decoded {
    /// The columns present, with the header naming each first.
    columns: Vec<(Column, String)>,
    /// For each of [`Column::ALL`], the positions of its fields.
    indexes: Vec<Vec<usize>>,
    /// The non-blank records.
    records: Vec<csv::StringRecord>,
}

/// The file decoded: its header map and records, or a file-level error.
fn decode(bytes: &[u8]) -> Result<Decoded, PortalError> {
    if bytes.len() > MAX_BYTES {
        return Err(PortalError::TooLarge { limit: MAX_LABEL });
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        PortalError::invalid(
            ErrorCode::NotUtf8,
            format!(
                "the file is not UTF-8 text (invalid byte at offset {}); save it as \"CSV UTF-8\"",
                e.valid_up_to()
            ),
        )
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(PortalError::invalid(
            ErrorCode::EmptyFile,
            "the file is empty: it needs a header line and at least one row",
        ));
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = reader.headers().map_err(bad_csv)?.clone();
    let mut columns: Vec<(Column, String)> = Vec::new();
    let mut indexes: Vec<Vec<usize>> = vec![Vec::new(); Column::ALL.len()];
    for (i, h) in headers.iter().enumerate() {
        let Some(c) = Column::from_header(h) else {
            return Err(PortalError::invalid(
                ErrorCode::UnknownColumn,
                format!(
                    "unknown column {:?}; the columns are {}",
                    h.trim(),
                    Column::ALL
                        .iter()
                        .map(|c| format!("{:?} ({})", c.vi(), c.key()))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        };
        let slot = &mut indexes[Column::ALL.iter().position(|x| *x == c).unwrap_or(0)];
        // "họ và tên" and "tên tổ chức" may both be present: the row uses
        // whichever is filled in. Any other column appears once.
        if !slot.is_empty() && c != Column::Name {
            return Err(PortalError::invalid(
                ErrorCode::DuplicateColumn,
                format!("the column {:?} appears twice", h.trim()),
            ));
        }
        slot.push(i);
        if !columns.iter().any(|(x, _)| *x == c) {
            columns.push((c, h.trim().nfc().collect()));
        }
    }
    for c in Column::ALL {
        if c.required() && !columns.iter().any(|(x, _)| *x == c) {
            return Err(PortalError::invalid(
                ErrorCode::MissingColumn,
                format!("the required column {:?} ({}) is missing", c.vi(), c.key()),
            ));
        }
    }
    let mut records = Vec::new();
    for r in reader.records() {
        let r = r.map_err(bad_csv)?;
        if r.iter().all(|v| v.trim().is_empty()) {
            continue;
        }
        records.push(r);
        if records.len() > MAX_ROWS {
            return Err(PortalError::invalid(
                ErrorCode::TooManyRows,
                format!("the file has more than {MAX_ROWS} rows; split it"),
            ));
        }
    }
    if records.is_empty() {
        return Err(PortalError::invalid(
            ErrorCode::EmptyFile,
            "the file has a header line but no row",
        ));
    }
    Ok(Decoded {
        columns,
        indexes,
        records,
    })
}

/// The file-level part of an import without the database: how many rows
/// the file holds, or why it is refused (UTF-8, size, header, columns,
/// CSV syntax). The fuzz target `csv_import` drives it.
pub fn parse_rows(bytes: &[u8]) -> Result<usize, PortalError> {
    Ok(decode(bytes)?.records.len())
}

fn bad_csv(e: csv::Error) -> PortalError {
    let at = e
        .position()
        .map(|p| format!(" (line {})", p.line()))
        .unwrap_or_default();
    let what = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("a line has {len} fields where the header has {expected_len}"),
        _ => e.to_string(),
    };
    PortalError::invalid(
        ErrorCode::BadCsv,
        format!("the file is not valid CSV{at}: {what}"),
    )
}

/// Reads and checks the file as `user` would import it. File-level
/// problems (not UTF-8, empty, unknown or missing column, not CSV, too
/// large) are the error; row problems are in the report.
pub fn check(ca: &ca_core::Ca, user: &User, bytes: &[u8]) -> Result<Report, PortalError> {
    let Decoded {
        columns,
        indexes,
        records,
    } = decode(bytes)?;
    let header_of = |c: Column| -> String {
        columns
            .iter()
            .find(|(x, _)| *x == c)
            .map_or_else(|| c.key().to_owned(), |(_, h)| h.clone())
    };
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (n, record) in records.iter().enumerate() {
        let number = n + 1;
        let mut values = HashMap::new();
        for (k, c) in Column::ALL.iter().enumerate() {
            let v = indexes[k]
                .iter()
                .filter_map(|&i| record.get(i))
                .map(|v| v.nfc().collect::<String>())
                .map(|v| v.trim().to_owned())
                .find(|v| !v.is_empty());
            if let Some(v) = v {
                values.insert(*c, v);
            }
        }
        let mut row = Row {
            row: number,
            values,
            input: None,
            province: None,
        };
        match check_row(user, &mut row) {
            Ok(()) => {
                let uid = row
                    .input
                    .as_ref()
                    .and_then(|i| check_subscriber(i).ok())
                    .and_then(|c| c.uid().map(ToString::to_string));
                if let Some(uid) = uid {
                    if let Some(first) = seen.get(&uid) {
                        let field = if uid.starts_with("MST:") {
                            Column::TaxCode
                        } else {
                            Column::NationalId
                        };
                        let e = PortalError::conflict(
                            ErrorCode::DuplicateInFile,
                            format!("{uid} is already on row {first} of this file"),
                        );
                        errors.push(row_error(number, field.key(), header_of(field), e));
                        row.input = None;
                    } else {
                        seen.insert(uid, number);
                    }
                }
            }
            Err(e) => {
                // A refusal by scope concerns the row's province.
                let field = match &e {
                    PortalError::Forbidden(_) => "province",
                    other => crate::explain::explain(other).0,
                };
                let column = Column::ALL
                    .iter()
                    .find(|c| c.key() == field)
                    .map_or_else(String::new, |c| header_of(*c));
                errors.push(row_error(number, field, column, e));
            }
        }
        rows.push(row);
    }
    registered_already(ca, user, &mut rows, &mut errors, &header_of)?;
    Ok(Report {
        rows,
        errors,
        columns,
    })
}

/// Adds an error to every row whose CCCD or MST another subscriber holds
/// already (the CA core refuses them at commit; the report says which
/// rows).
fn registered_already(
    ca: &ca_core::Ca,
    user: &User,
    rows: &mut [Row],
    errors: &mut Vec<RowError>,
    header_of: &dyn Fn(Column) -> String,
) -> Result<(), PortalError> {
    let mut numbers = Vec::new();
    let mut checked = Vec::new();
    for row in rows.iter() {
        if let Some(c) = row.input.as_ref().and_then(|i| check_subscriber(i).ok()) {
            numbers.push(row.row);
            checked.push(c);
        }
    }
    let found = ca.registered_subscribers(&checked)?;
    for (number, hit) in numbers.into_iter().zip(found) {
        let Some((uid, id)) = hit else { continue };
        let field = if uid.starts_with("MST:") {
            Column::TaxCode
        } else {
            Column::NationalId
        };
        let e = crate::registry::in_scope(
            ca,
            user,
            CaError::DuplicateSubscriber {
                uid,
                existing: Some(id),
            },
        );
        errors.push(row_error(number, field.key(), header_of(field), e));
        if let Some(row) = rows.iter_mut().find(|r| r.row == number) {
            row.input = None;
        }
    }
    errors.sort_by_key(|e| e.row);
    Ok(())
}

fn row_error(row: usize, field: &'static str, column: String, e: PortalError) -> RowError {
    let (_, code) = e.code();
    RowError {
        row,
        field,
        column,
        code,
        message: e.to_string(),
        error: std::sync::Arc::new(e),
    }
}

/// The checks of one row, in the order a person fixes them: kind, the
/// province and the right to register there, then the CA core's checks.
fn check_row(user: &User, row: &mut Row) -> Result<(), PortalError> {
    let kind = parse_kind(row.get(Column::Kind))?;
    let province = row.get(Column::Province).to_owned();
    let (current, _) = current_province(&province)?;
    row.province = Some(current.clone());
    authz::authorize(user, Action::Register, &current)?;
    let opt = |c: Column| Some(row.get(c).to_owned()).filter(|v| !v.is_empty());
    let input = SubscriberInput {
        kind,
        name: row.get(Column::Name).to_owned(),
        national_id: opt(Column::NationalId).map(|v| with_prefix(&v)),
        tax_code: opt(Column::TaxCode),
        title: opt(Column::Title),
        unit: opt(Column::Unit),
        organization: opt(Column::Organization),
        locality: None,
        province,
        email: opt(Column::Email),
        phone: opt(Column::Phone),
    };
    check_subscriber(&input)?;
    row.input = Some(input);
    Ok(())
}

fn parse_kind(value: &str) -> Result<SubscriberKind, PortalError> {
    match fold(value).as_str() {
        "cá nhân" | "individual" => Ok(SubscriberKind::Individual),
        "tổ chức" | "organization" => Ok(SubscriberKind::Organization),
        "thiết bị" | "device" => Ok(SubscriberKind::Device),
        other => Err(CaError::Refused(format!(
            "unknown subscriber kind {other:?}; use individual, organization or device \
             (cá nhân, tổ chức, thiết bị)"
        ))
        .into()),
    }
}

/// A bare number as a CCCD (12 digits) or CMND (9 digits); anything else
/// as written (`CCCD:…`, `CMND:…`, `HC:…`).
fn with_prefix(v: &str) -> String {
    let digits = v.chars().all(|c| c.is_ascii_digit());
    match (digits, v.len()) {
        (true, 12) => format!("CCCD:{v}"),
        (true, 9) => format!("CMND:{v}"),
        _ if v.contains(':') => v.to_owned(),
        _ => format!("CCCD:{v}"),
    }
}

/// Checks the file and, when every row passed, registers every subscriber
/// in one transaction (one `subscriber.add` audit event each). Returns the
/// report and the new ids (none when any row failed: nothing is written).
pub fn commit(
    ca: &ca_core::Ca,
    user: &User,
    bytes: &[u8],
) -> Result<(Report, Vec<i64>), PortalError> {
    let report = check(ca, user, bytes)?;
    if !report.errors.is_empty() {
        return Ok((report, Vec::new()));
    }
    let inputs: Vec<SubscriberInput> = report.rows.iter().filter_map(|r| r.input.clone()).collect();
    let registered = ca
        .add_subscribers(&inputs, &user.actor())
        .map_err(|e| crate::registry::in_scope(ca, user, e))?;
    Ok((report, registered.into_iter().map(|r| r.id).collect()))
}

/// The SHA-256 of a file (hex), which a confirmation must carry.
pub fn digest(bytes: &[u8]) -> String {
    hex::encode(aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, bytes))
}

/// How long a previewed file waits for its confirmation.
const PENDING_MINUTES: u64 = 30;
/// The most files waiting at once (the oldest goes first).
const PENDING_MAX: usize = 32;

/// Files previewed on the page, waiting for the "Xác nhận nhập" button:
/// held server-side under the session that uploaded them and their
/// SHA-256, which the confirmation form carries. What is committed is
/// exactly what was previewed: the digest is checked again on the way out.
#[derive(Default)]
pub struct Pending(std::sync::Mutex<Vec<PendingFile>>);

struct PendingFile {
    owner: String,
    digest: String,
    bytes: Vec<u8>,
    at: std::time::Instant,
}

impl Pending {
    /// Keeps `bytes` for `owner` (a session); returns their SHA-256.
    pub fn put(&self, owner: &str, bytes: Vec<u8>) -> String {
        let digest = digest(&bytes);
        let owner = crate::random::hash_secret(owner);
        let mut all = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let ttl = std::time::Duration::from_secs(PENDING_MINUTES * 60);
        all.retain(|p| p.at.elapsed() < ttl && !(p.owner == owner && p.digest == digest));
        while all.len() >= PENDING_MAX {
            all.remove(0);
        }
        all.push(PendingFile {
            owner,
            digest: digest.clone(),
            bytes,
            at: std::time::Instant::now(),
        });
        digest
    }

    /// The file `owner` previewed under `digest`, taken out of the store,
    /// if it is still there and still hashes to `digest`.
    pub fn take(&self, owner: &str, digest_hex: &str) -> Option<Vec<u8>> {
        let owner = crate::random::hash_secret(owner);
        let mut all = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let ttl = std::time::Duration::from_secs(PENDING_MINUTES * 60);
        all.retain(|p| p.at.elapsed() < ttl);
        let i = all
            .iter()
            .position(|p| p.owner == owner && p.digest == digest_hex)?;
        let file = all.remove(i);
        (digest(&file.bytes) == digest_hex).then_some(file.bytes)
    }
}
