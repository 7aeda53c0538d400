//! Import of subscribers from a spreadsheet: an `.xlsx` workbook or a CSV
//! file as spreadsheet programs write it (read by [`crate::sheet`]), the
//! header row found among the first lines (title rows above it skipped),
//! Vietnamese or English headers, columns the import does not use (STT,
//! Ngày sinh…) listed and ignored. Every row is checked exactly as a single
//! registration is (the CA core's identity checks, the caller's province
//! scope through [`authz::authorize`]); duplicates inside the file are
//! errors; people registered already (same CCCD or MST) are skipped, or
//! offered as updates when the file changes their registered fields. Then
//! either a report (preview, or a refused commit) or every new subscriber
//! registered and every confirmed update applied in one transaction. The
//! columns are described in `docs/import.md`.

use std::collections::HashMap;

use ca_core::registry::{
    check_subscriber, current_province, FieldChange, SubscriberChanges, SubscriberInput,
    SubscriberKind,
};
use ca_core::CaError;
use serde_json::{json, Value};
use unicode_normalization::UnicodeNormalization;

use crate::authz::{self, Action};
use crate::error::PortalError;
use crate::error_code::ErrorCode;
use crate::sheet::{self, Format};
use crate::user::User;

/// The largest file accepted.
pub const MAX_BYTES: usize = 5 * 1024 * 1024;
/// [`MAX_BYTES`] for people.
pub const MAX_LABEL: &str = "5 MiB";
/// The most rows one file may hold.
pub const MAX_ROWS: usize = 20_000;
/// The header row is looked for among this many first lines (title rows
/// above it are skipped).
pub const HEADER_LINES: usize = 10;

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
            "loại" | "loại thuê bao" | "kind" => Self::Kind,
            "họ và tên" | "họ tên" | "tên tổ chức" | "họ và tên/tên tổ chức" | "tên" | "name" => {
                Self::Name
            }
            "số định danh"
            | "số định danh cá nhân"
            | "số cccd"
            | "cccd"
            | "số cccd/cmnd"
            | "cccd/cmnd"
            | "số cmnd"
            | "cmnd"
            | "số căn cước"
            | "số căn cước công dân"
            | "căn cước công dân"
            | "national_id" => Self::NationalId,
            "mã số thuế" | "mst" | "tax_code" => Self::TaxCode,
            "chức danh" | "chức vụ" | "title" => Self::Title,
            "đơn vị" | "đơn vị công tác" | "unit" => Self::Unit,
            "cơ quan chủ quản" | "organization" => Self::Organization,
            "tỉnh/thành phố" | "tỉnh/tp" | "tỉnh" | "province" => Self::Province,
            "email" | "thư điện tử" | "e-mail" | "địa chỉ email" => Self::Email,
            "điện thoại" | "số điện thoại" | "sđt" | "phone" => Self::Phone,
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

/// What a row does on confirmation.
#[derive(Debug, Clone)]
pub enum RowStatus {
    /// A new subscriber, registered on confirmation.
    New,
    /// The same subscriber (same CCCD or MST) is registered already with
    /// the same fields: skipped.
    Registered {
        /// The registered subscriber.
        id: i64,
    },
    /// Registered already, but the file changes some of its fields:
    /// updated when the officer confirms the updates.
    Update {
        /// The registered subscriber.
        id: i64,
        /// What the update writes.
        changes: SubscriberChanges,
        /// The fields that change, old and new values, for review.
        fields: Vec<FieldChange>,
    },
    /// The row has an error (in [`Report::errors`]).
    Invalid,
}

impl RowStatus {
    /// The stable name the API answers.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Registered { .. } => "registered",
            Self::Update { .. } => "update",
            Self::Invalid => "error",
        }
    }
}

/// One data row of the file.
#[derive(Debug, Clone)]
pub struct Row {
    /// Row number (1 is the first data row).
    pub row: usize,
    /// The line of the sheet it is on (1 is the sheet's first line, as a
    /// spreadsheet program numbers them).
    pub line: usize,
    /// The values, by column.
    pub values: HashMap<Column, String>,
    /// The subscriber it describes, when every check passed and it is new.
    pub input: Option<SubscriberInput>,
    /// The current province, when it was resolved.
    pub province: Option<String>,
    /// What confirmation does with it.
    pub status: RowStatus,
}

impl Row {
    /// The value of a column ("" when absent).
    pub fn get(&self, c: Column) -> &str {
        self.values.get(&c).map_or("", String::as_str)
    }
}

/// How many rows of each kind a report holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// New subscribers.
    pub new: usize,
    /// Registered already, unchanged: skipped.
    pub registered: usize,
    /// Registered already, with changed fields.
    pub update: usize,
    /// Rows with an error.
    pub errors: usize,
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
    /// The headers of the columns the import does not use (STT, Ngày
    /// sinh…), as the file spells them.
    pub ignored: Vec<String>,
    /// The sheet line of the header row (1-based).
    pub header_line: usize,
}

impl Report {
    /// Rows without an error.
    pub fn valid(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| !self.errors.iter().any(|e| e.row == r.row))
            .count()
    }

    /// Rows of each kind.
    pub fn counts(&self) -> Counts {
        let mut counts = Counts::default();
        for row in &self.rows {
            match row.status {
                RowStatus::New => counts.new += 1,
                RowStatus::Registered { .. } => counts.registered += 1,
                RowStatus::Update { .. } => counts.update += 1,
                RowStatus::Invalid => counts.errors += 1,
            }
        }
        counts
    }

    /// The report as the API answers it.
    pub fn to_json(&self) -> Value {
        let counts = self.counts();
        json!({
            "rows": self.rows.len(),
            "valid": self.valid(),
            "new": counts.new,
            "registered": counts.registered,
            "to_update": counts.update,
            "header_line": self.header_line,
            "ignored_columns": self.ignored,
            "already_registered": self.rows.iter().filter_map(|r| match r.status {
                RowStatus::Registered { id } => Some(json!({
                    "row": r.row, "line": r.line, "subscriber_id": id,
                })),
                _ => None,
            }).collect::<Vec<_>>(),
            "updates": self.rows.iter().filter_map(|r| match &r.status {
                RowStatus::Update { id, fields, .. } => Some(json!({
                    "row": r.row,
                    "line": r.line,
                    "subscriber_id": id,
                    "changes": fields.iter().map(|f| json!({
                        "field": f.field, "old": f.old, "new": f.new,
                    })).collect::<Vec<_>>(),
                })),
                _ => None,
            }).collect::<Vec<_>>(),
            "errors": self.errors.iter().map(|e| json!({
                "row": e.row,
                "line": self.rows.iter().find(|r| r.row == e.row).map_or(0, |r| r.line),
                "column": e.column, "code": e.code, "message": e.message,
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
    /// The headers of the columns not used.
    ignored: Vec<String>,
    /// The sheet line of the header (1-based).
    header_line: usize,
    /// The non-blank records, with their sheet lines (1-based).
    records: Vec<(usize, Vec<String>)>,
}

/// How many columns a row names as headers (distinct columns).
fn header_score(cells: &[String]) -> usize {
    let mut named: Vec<Column> = cells
        .iter()
        .filter_map(|c| Column::from_header(c))
        .collect();
    named.sort_by_key(|c| c.key());
    named.dedup();
    named.len()
}

/// The file decoded: its header map and records, or a file-level error.
fn decode(bytes: &[u8], claimed: Option<Format>) -> Result<Decoded, PortalError> {
    if bytes.len() > MAX_BYTES {
        return Err(PortalError::TooLarge { limit: MAX_LABEL });
    }
    let grid = sheet::read(bytes, claimed, &header_score)?;
    if grid.is_empty() {
        return Err(PortalError::invalid(
            ErrorCode::EmptyFile,
            "the file is empty: it needs a header line and at least one row",
        ));
    }
    // The header: the first line naming the most columns among the first
    // lines; title lines above it ("DANH SÁCH CÁN BỘ…") name none.
    let (score, at) = grid
        .iter()
        .take_while(|(line, _)| *line <= HEADER_LINES)
        .enumerate()
        .map(|(i, (_, r))| (header_score(r), i))
        .fold(
            (0, 0),
            |best, this| if this.0 > best.0 { this } else { best },
        );
    if score == 0 {
        return Err(PortalError::invalid(
            ErrorCode::NoHeader,
            format!(
                "no header line among the first {HEADER_LINES} lines; the header names the \
                 columns, among them {}",
                Column::ALL
                    .iter()
                    .filter(|c| c.required())
                    .map(|c| format!("{:?} ({})", c.vi(), c.key()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    let (header_line, headers) = &grid[at];
    let header_line = *header_line;
    let mut columns: Vec<(Column, String)> = Vec::new();
    let mut indexes: Vec<Vec<usize>> = vec![Vec::new(); Column::ALL.len()];
    let mut ignored = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        let Some(c) = Column::from_header(h) else {
            if !h.trim().is_empty() {
                ignored.push(h.trim().nfc().collect());
            }
            continue;
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
    for (line, r) in grid.into_iter().skip(at + 1) {
        // Only the cells under a used column count: a filled-in STT or
        // date of birth alone is no person.
        let used = indexes
            .iter()
            .flatten()
            .any(|&k| r.get(k).is_some_and(|v| !v.is_empty()));
        if !used {
            continue;
        }
        records.push((line, r));
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
        ignored,
        header_line,
        records,
    })
}

/// The file-level part of an import without the database: how many rows
/// the file holds, or why it is refused (size, format, header, columns,
/// bounds). The fuzz targets `csv_import` and `xlsx_import` drive it.
pub fn parse_rows(bytes: &[u8]) -> Result<usize, PortalError> {
    Ok(decode(bytes, None)?.records.len())
}

/// Reads and checks the file as `user` would import it. `claimed` is the
/// format the upload names (file name, media type). File-level problems
/// (format, empty, missing column, no header, too large) are the error;
/// row problems are in the report.
pub fn check(
    ca: &ca_core::Ca,
    user: &User,
    bytes: &[u8],
    claimed: Option<Format>,
) -> Result<Report, PortalError> {
    let Decoded {
        columns,
        indexes,
        ignored,
        header_line,
        records,
    } = decode(bytes, claimed)?;
    let header_of = |c: Column| -> String {
        columns
            .iter()
            .find(|(x, _)| *x == c)
            .map_or_else(|| c.key().to_owned(), |(_, h)| h.clone())
    };
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (n, (line, record)) in records.iter().enumerate() {
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
            line: *line,
            values,
            input: None,
            province: None,
            status: RowStatus::Invalid,
        };
        match check_row(user, &mut row) {
            Ok(()) => {
                row.status = RowStatus::New;
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
                        row.status = RowStatus::Invalid;
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
        ignored,
        header_line,
    })
}

/// Sorts out the rows whose CCCD or MST a subscriber holds already: one
/// the user may register for is skipped (the same fields) or offered as an
/// update (changed fields); one of another province is an error that
/// names neither that subscriber nor its province.
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
    for ((number, hit), mine) in numbers.into_iter().zip(found).zip(&checked) {
        let Some((uid, id)) = hit else { continue };
        let Some(row) = rows.iter_mut().find(|r| r.row == number) else {
            continue;
        };
        row.input = None;
        let existing = ca.subscriber(id)?;
        if authz::authorize(user, Action::Register, &existing.province).is_ok() {
            let (changes, fields) = ca.differences(id, mine)?;
            row.status = if fields.is_empty() {
                RowStatus::Registered { id }
            } else {
                RowStatus::Update {
                    id,
                    changes,
                    fields,
                }
            };
            continue;
        }
        row.status = RowStatus::Invalid;
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

/// What a confirmed import did.
#[derive(Debug, Clone)]
pub struct Committed {
    /// The file as checked at confirmation.
    pub report: Report,
    /// The new subscribers: (row number, id). Empty when any row failed
    /// (nothing is written).
    pub created: Vec<(usize, i64)>,
    /// The subscribers updated: (row number, id).
    pub updated: Vec<(usize, i64)>,
}

/// Checks the file and, when every row passed, registers every new
/// subscriber (one `subscriber.add` audit event each) and, when
/// `apply_updates`, applies every offered update (one `subscriber.update`
/// each), all in one transaction. Rows registered already with the same
/// fields are skipped. Nothing is written when any row failed.
pub fn commit(
    ca: &ca_core::Ca,
    user: &User,
    bytes: &[u8],
    claimed: Option<Format>,
    apply_updates: bool,
) -> Result<Committed, PortalError> {
    let report = check(ca, user, bytes, claimed)?;
    if !report.errors.is_empty() {
        return Ok(Committed {
            report,
            created: Vec::new(),
            updated: Vec::new(),
        });
    }
    let new: Vec<(usize, SubscriberInput)> = report
        .rows
        .iter()
        .filter_map(|r| r.input.clone().map(|i| (r.row, i)))
        .collect();
    let updates: Vec<(usize, i64, SubscriberChanges)> = if apply_updates {
        report
            .rows
            .iter()
            .filter_map(|r| match &r.status {
                RowStatus::Update { id, changes, .. } => Some((r.row, *id, changes.clone())),
                _ => None,
            })
            .collect()
    } else {
        Vec::new()
    };
    let inputs: Vec<SubscriberInput> = new.iter().map(|(_, i)| i.clone()).collect();
    let changes: Vec<(i64, SubscriberChanges)> =
        updates.iter().map(|(_, id, c)| (*id, c.clone())).collect();
    let registered = ca
        .add_and_update_subscribers(&inputs, &changes, &user.actor())
        .map_err(|e| crate::registry::in_scope(ca, user, e))?;
    Ok(Committed {
        report,
        created: new
            .iter()
            .zip(registered)
            .map(|((row, _), r)| (*row, r.id))
            .collect(),
        updated: updates.iter().map(|(row, id, _)| (*row, *id)).collect(),
    })
}

/// The headers of the template, in the order of [`Column::ALL`].
const TEMPLATE_HEAD: [&str; 10] = [
    "Loại",
    "Họ và tên",
    "Số định danh",
    "Mã số thuế",
    "Chức danh",
    "Đơn vị",
    "Cơ quan chủ quản",
    "Tỉnh/thành phố",
    "Email",
    "Điện thoại",
];

/// The example row of the template.
fn template_example() -> Vec<String> {
    [
        "cá nhân",
        "Nguyễn Văn An",
        "092089031001",
        "",
        "Chuyên viên",
        "Phòng Công nghệ thông tin",
        "Sở Khoa học và Công nghệ",
        "Cần Thơ",
        "nvan@cantho.gov.vn",
        "0912345678",
    ]
    .map(str::to_owned)
    .to_vec()
}

/// The columns of the template whose cells are text, not numbers (a
/// CCCD, an MST and a phone number keep their leading zeros).
const TEMPLATE_TEXT: [usize; 3] = [2, 3, 9];

/// The import template as an `.xlsx` workbook: the Vietnamese headers,
/// one example row, the identifier and phone columns formatted as text.
pub fn template_xlsx() -> Result<Vec<u8>, PortalError> {
    crate::xlsx_file::workbook(
        "Danh sách",
        &TEMPLATE_HEAD,
        &[template_example()],
        &TEMPLATE_TEXT,
    )
}

/// The import template as CSV (UTF-8 with a byte-order mark, commas).
pub fn template_csv() -> String {
    crate::csv_file::csv(&TEMPLATE_HEAD, &[template_example()])
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
    claimed: Option<Format>,
    at: std::time::Instant,
}

impl Pending {
    /// Keeps `bytes` (of the format the upload named) for `owner` (a
    /// session); returns their SHA-256.
    pub fn put(&self, owner: &str, bytes: Vec<u8>, claimed: Option<Format>) -> String {
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
            claimed,
            at: std::time::Instant::now(),
        });
        digest
    }

    /// A copy of the file `owner` previewed under `digest`, left in the
    /// store (the preview's other pages), if it is still there.
    pub fn peek(&self, owner: &str, digest_hex: &str) -> Option<(Vec<u8>, Option<Format>)> {
        let owner = crate::random::hash_secret(owner);
        let all = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let ttl = std::time::Duration::from_secs(PENDING_MINUTES * 60);
        all.iter()
            .find(|p| p.owner == owner && p.digest == digest_hex && p.at.elapsed() < ttl)
            .filter(|p| digest(&p.bytes) == digest_hex)
            .map(|p| (p.bytes.clone(), p.claimed))
    }

    /// The file `owner` previewed under `digest`, taken out of the store,
    /// if it is still there and still hashes to `digest`.
    pub fn take(&self, owner: &str, digest_hex: &str) -> Option<(Vec<u8>, Option<Format>)> {
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
        (digest(&file.bytes) == digest_hex).then_some((file.bytes, file.claimed))
    }
}
