//! Spreadsheet files as officers save them, read into a grid of text
//! cells: `.xlsx` workbooks (the first visible worksheet) and CSV text as
//! spreadsheet programs write it (UTF-8 with or without a byte-order mark,
//! comma, semicolon or tab between fields — whichever makes the best header
//! row —, CRLF or LF, rows of unequal length). What the rows mean is the
//! caller's business ([`crate::import`]); this module owns the bounds:
//!
//! - the compressed size is the caller's upload limit;
//! - an `.xlsx` may hold at most [`MAX_ENTRIES`] files whose actual
//!   uncompressed size (measured by decompressing, not read from the
//!   headers, which a zip bomb fills with small lies) is at most
//!   [`MAX_UNCOMPRESSED`] in all;
//! - a sheet may hold at most [`MAX_ROWS`] non-blank rows and use at most
//!   [`MAX_COLUMNS`] columns, a cell at most [`MAX_CELL_CHARS`] characters.
//!
//! A worksheet is read cell by cell (calamine's cell reader), never as one
//! dense range: a sheet that names the cell XFD1048576 is refused at that
//! cell instead of allocating 17 billion cells.

use std::io::{Cursor, Read};

use calamine::{DataRef, Reader, SheetType, SheetVisible, Xlsx};

use crate::error::PortalError;
use crate::error_code::ErrorCode;

/// The most uncompressed bytes an `.xlsx` may unpack to.
pub const MAX_UNCOMPRESSED: u64 = 50 * 1024 * 1024;
/// [`MAX_UNCOMPRESSED`] for people.
pub const MAX_UNCOMPRESSED_LABEL: &str = "50 MiB";
/// The most files inside an `.xlsx`.
pub const MAX_ENTRIES: usize = 500;
/// The most non-blank rows a sheet may hold (title rows, the header and
/// the data).
pub const MAX_ROWS: usize = 20_100;
/// The most columns a sheet may use.
pub const MAX_COLUMNS: usize = 64;
/// The longest cell, in characters.
pub const MAX_CELL_CHARS: usize = 2_000;
/// The rows of a CSV file looked at to choose its separator.
const SNIFF_ROWS: usize = 10;

/// The kind of file an upload says it is (by its name or media type).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// An Office Open XML workbook (`.xlsx`).
    Xlsx,
    /// Comma- or semicolon-separated text (`.csv`).
    Csv,
}

impl Format {
    /// The format a file name (`danh-sach.xlsx`) or a media type names, if
    /// any.
    pub fn from_name(name: &str) -> Option<Self> {
        let name = name.trim().to_ascii_lowercase();
        if name.ends_with(".xlsx") || name.contains("spreadsheetml") {
            Some(Self::Xlsx)
        } else if name.ends_with(".csv") || name.starts_with("text/") {
            Some(Self::Csv)
        } else {
            None
        }
    }
}

/// A sheet's non-blank rows, in order: the line number (1 is the first
/// line, as a spreadsheet program numbers them) and the cells, trimmed
/// text, `""` for an empty cell.
pub type Grid = Vec<(usize, Vec<String>)>;

/// Whether `bytes` begin as a zip archive (an `.xlsx`) does.
pub fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// Reads `bytes` into a grid: an `.xlsx` when they are a zip archive,
/// else CSV text. `claimed` is what the upload says it is: a file named
/// `.xlsx` that is no zip archive is refused as such (`not_xlsx`), not
/// read as CSV. `score` rates a row as a header row (the number of
/// columns it names); the CSV separator is the one whose best row among
/// the first ten scores highest.
pub fn read(
    bytes: &[u8],
    claimed: Option<Format>,
    score: &dyn Fn(&[String]) -> usize,
) -> Result<Grid, PortalError> {
    if is_zip(bytes) {
        return read_xlsx(bytes);
    }
    if claimed == Some(Format::Xlsx) {
        return Err(PortalError::invalid(
            ErrorCode::NotXlsx,
            "the file is named .xlsx but is not an Excel workbook; save it again from the \
             spreadsheet program as \"Excel Workbook (.xlsx)\" or as \"CSV UTF-8\"",
        ));
    }
    read_csv(bytes, score)
}

/// The first visible worksheet of a workbook.
pub fn read_xlsx(bytes: &[u8]) -> Result<Grid, PortalError> {
    measure_zip(bytes)?;
    let mut book = Xlsx::new(Cursor::new(bytes)).map_err(bad_xlsx)?;
    let name = book
        .sheets_metadata()
        .iter()
        .find(|s| s.typ == SheetType::WorkSheet && s.visible == SheetVisible::Visible)
        .map(|s| s.name.clone())
        .ok_or_else(|| {
            PortalError::invalid(ErrorCode::BadXlsx, "the workbook has no visible worksheet")
        })?;
    let mut cells = book.worksheet_cells_reader(&name).map_err(bad_xlsx)?;
    let mut rows: std::collections::BTreeMap<u32, Vec<String>> = Default::default();
    while let Some(cell) = cells.next_cell().map_err(bad_xlsx)? {
        let text = cell_text(cell.get_value());
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        let (row, column) = cell.get_position();
        if column as usize >= MAX_COLUMNS {
            return Err(too_large_sheet(row as usize, column as usize));
        }
        check_cell(row as usize, text)?;
        if !rows.contains_key(&row) && rows.len() >= MAX_ROWS {
            return Err(too_many_rows());
        }
        let cells = rows.entry(row).or_default();
        let column = column as usize;
        if cells.len() <= column {
            cells.resize_with(column + 1, String::new);
        }
        cells[column] = text.to_owned();
    }
    Ok(rows
        .into_iter()
        .map(|(row, cells)| (row as usize + 1, cells))
        .collect())
}

/// Decompresses every file of the archive (into nothing) to learn its
/// real size: refuses more than [`MAX_ENTRIES`] files or more than
/// [`MAX_UNCOMPRESSED`] bytes in all, whatever the headers claim.
fn measure_zip(bytes: &[u8]) -> Result<(), PortalError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
        PortalError::invalid(
            ErrorCode::BadXlsx,
            format!("the file is not a valid .xlsx workbook (zip: {e})"),
        )
    })?;
    if zip.len() > MAX_ENTRIES {
        return Err(PortalError::invalid(
            ErrorCode::BadXlsx,
            format!(
                "the workbook holds {} files, more than the {MAX_ENTRIES} accepted",
                zip.len()
            ),
        ));
    }
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip.by_index(i).map_err(|e| {
            PortalError::invalid(
                ErrorCode::BadXlsx,
                format!("the file is not a valid .xlsx workbook (zip: {e})"),
            )
        })?;
        let budget = MAX_UNCOMPRESSED - total;
        let read =
            std::io::copy(&mut entry.take(budget + 1), &mut std::io::sink()).map_err(|e| {
                PortalError::invalid(
                    ErrorCode::BadXlsx,
                    format!("the file is not a valid .xlsx workbook (zip: {e})"),
                )
            })?;
        total += read;
        if total > MAX_UNCOMPRESSED {
            return Err(PortalError::invalid(
                ErrorCode::ZipBomb,
                format!(
                    "the workbook unpacks to more than {MAX_UNCOMPRESSED_LABEL}; \
                     it is refused (a compressed file that unpacks to far more than a \
                     staff list can hold)"
                ),
            ));
        }
    }
    Ok(())
}

/// A cell as text: numbers without a useless `.0`, dates as `dd/mm/yyyy`.
fn cell_text(value: &DataRef<'_>) -> String {
    match value {
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_owned(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => float_text(*f),
        DataRef::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
        DataRef::DateTime(d) if d.is_datetime() => date_text(d.as_f64()),
        DataRef::DateTime(d) => float_text(d.as_f64()),
        DataRef::Error(e) => e.to_string(),
        DataRef::Empty => String::new(),
    }
}

/// A whole number as digits (a CCCD typed into a number cell), anything
/// else as Rust prints it.
fn float_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
        // Checked above: a whole number well inside i64.
        #[allow(clippy::cast_possible_truncation)]
        let whole = f as i64;
        whole.to_string()
    } else {
        f.to_string()
    }
}

/// An Excel date serial (days since 1899-12-30, 1900 date system) as
/// `dd/mm/yyyy`.
fn date_text(serial: f64) -> String {
    let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30);
    let days = serial.floor();
    let date = (days.is_finite() && days.abs() < 3_000_000.0)
        .then(|| {
            // Bounded above: fits in i64.
            #[allow(clippy::cast_possible_truncation)]
            let days = days as i64;
            epoch?.checked_add_signed(chrono::TimeDelta::try_days(days)?)
        })
        .flatten();
    date.map_or_else(|| float_text(serial), |d| d.format("%d/%m/%Y").to_string())
}

/// CSV text into a grid: the separator sniffed, rows of any length.
fn read_csv(bytes: &[u8], score: &dyn Fn(&[String]) -> usize) -> Result<Grid, PortalError> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        PortalError::invalid(
            ErrorCode::NotUtf8,
            format!(
                "the file is not UTF-8 text (invalid byte at offset {}); save it as \"CSV UTF-8\" \
                 or as an Excel workbook (.xlsx)",
                e.valid_up_to()
            ),
        )
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let delimiter = sniff(text, score);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut grid = Vec::new();
    // Lines counted from the records' byte offsets (blank lines, which
    // the reader skips, count too).
    let (mut seen, mut line) = (0, 1);
    for record in reader.records() {
        let record = record.map_err(bad_csv)?;
        let mut at = record
            .position()
            .and_then(|p| usize::try_from(p.byte()).ok())
            .unwrap_or(seen)
            .clamp(seen, text.len());
        // A record's position may be the line end before it (the `\n` of
        // a CRLF, blank lines): it starts after them.
        while matches!(text.as_bytes().get(at), Some(b'\r' | b'\n')) {
            at += 1;
        }
        line += text.as_bytes()[seen..at]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        seen = at;
        let mut cells: Vec<String> = record.iter().map(|c| c.trim().to_owned()).collect();
        while cells.last().is_some_and(String::is_empty) {
            cells.pop();
        }
        if cells.is_empty() {
            continue;
        }
        if grid.len() >= MAX_ROWS {
            return Err(too_many_rows());
        }
        if cells.len() > MAX_COLUMNS {
            return Err(too_large_sheet(line - 1, cells.len() - 1));
        }
        for cell in &cells {
            check_cell(line - 1, cell)?;
        }
        grid.push((line, cells));
    }
    Ok(grid)
}

/// The separator (`,`, `;` or tab) whose best row among the first
/// [`SNIFF_ROWS`] scores highest as a header; a comma on a tie.
pub fn sniff(text: &str, score: &dyn Fn(&[String]) -> usize) -> u8 {
    let mut best = (0, b',');
    for delimiter in [b',', b';', b'\t'] {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(text.as_bytes());
        let top = reader
            .records()
            .take(SNIFF_ROWS)
            .map_while(Result::ok)
            .map(|r| {
                let cells: Vec<String> = r
                    .iter()
                    .take(MAX_COLUMNS)
                    .map(|c| c.chars().take(MAX_CELL_CHARS).collect())
                    .collect();
                score(&cells)
            })
            .max()
            .unwrap_or(0);
        if top > best.0 {
            best = (top, delimiter);
        }
    }
    best.1
}

fn check_cell(row: usize, cell: &str) -> Result<(), PortalError> {
    if cell.chars().count() > MAX_CELL_CHARS {
        return Err(PortalError::invalid(
            ErrorCode::CellTooLong,
            format!(
                "a cell of line {} has more than {MAX_CELL_CHARS} characters",
                row + 1
            ),
        ));
    }
    Ok(())
}

fn too_large_sheet(row: usize, column: usize) -> PortalError {
    PortalError::invalid(
        ErrorCode::SheetTooLarge,
        format!(
            "the sheet uses column {} (line {}), beyond the {MAX_COLUMNS} columns accepted",
            column + 1,
            row + 1,
        ),
    )
}

fn too_many_rows() -> PortalError {
    PortalError::invalid(
        ErrorCode::SheetTooLarge,
        format!("the sheet has more than {MAX_ROWS} non-blank rows; split it"),
    )
}

fn bad_xlsx(e: calamine::XlsxError) -> PortalError {
    PortalError::invalid(
        ErrorCode::BadXlsx,
        format!("the file is not a valid .xlsx workbook: {e}"),
    )
}

fn bad_csv(e: csv::Error) -> PortalError {
    let at = e
        .position()
        .map(|p| format!(" (line {})", p.line()))
        .unwrap_or_default();
    PortalError::invalid(
        ErrorCode::BadCsv,
        format!("the file is not valid CSV{at}: {e}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(cells: &[String]) -> usize {
        cells
            .iter()
            .filter(|c| ["loại", "họ và tên", "tỉnh"].contains(&c.as_str()))
            .count()
    }

    #[test]
    fn the_separator_is_the_one_that_makes_a_header() {
        let semicolon = "DANH SÁCH, ĐỢT 1\r\nloại;họ và tên;tỉnh\r\ncá nhân;An;Cần Thơ\r\n";
        assert_eq!(sniff(semicolon, &names), b';');
        let comma = "loại,họ và tên,tỉnh\ncá nhân,\"An; B\",Cần Thơ\n";
        assert_eq!(sniff(comma, &names), b',');
        assert_eq!(sniff("", &names), b',');
    }

    #[test]
    fn csv_rows_lose_trailing_empty_cells_and_the_bom() {
        let grid = read(
            "\u{feff}loại;họ và tên;tỉnh;;\r\ncá nhân; An ;Cần Thơ;;\r\n".as_bytes(),
            Some(Format::Csv),
            &names,
        )
        .expect("a grid");
        assert_eq!(
            grid[0],
            (1, vec!["loại".into(), "họ và tên".into(), "tỉnh".into()])
        );
        assert_eq!(
            grid[1],
            (2, vec!["cá nhân".into(), "An".into(), "Cần Thơ".into()])
        );
        let grid = read(
            b"title;;\r\n;;\r\n\r\nlo\xe1\xba\xa1i;t\xe1\xbb\x89nh\r\nx;y\r\n",
            None,
            &names,
        )
        .expect("a grid");
        let lines: Vec<usize> = grid.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, [1, 4, 5]);
    }

    #[test]
    fn a_file_named_xlsx_must_be_one() {
        let e = read(b"loai,ten\n", Some(Format::Xlsx), &names).expect_err("refused");
        assert_eq!(e.code().1, "not_xlsx");
        let e = read(b"PK\x03\x04garbage", None, &names).expect_err("refused");
        assert_eq!(e.code().1, "bad_xlsx");
    }

    #[test]
    fn numbers_and_dates_read_as_people_typed_them() {
        assert_eq!(float_text(92_089_031_001.0), "92089031001");
        assert_eq!(float_text(1.5), "1.5");
        assert_eq!(date_text(45_658.0), "01/01/2025");
    }

    #[test]
    fn formats_from_names() {
        assert_eq!(Format::from_name("Danh sách.XLSX"), Some(Format::Xlsx));
        assert_eq!(
            Format::from_name("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            Some(Format::Xlsx)
        );
        assert_eq!(
            Format::from_name("text/csv; charset=utf-8"),
            Some(Format::Csv)
        );
        assert_eq!(Format::from_name("a.txt"), None);
    }
}
