//! The one writer of the `.xlsx` workbooks the portal hands out (report
//! downloads, the import template): one worksheet, a bold header row frozen
//! at the top, columns as wide as their text. Every text cell is written as
//! a string, never as a formula, so a unit named `=HYPERLINK(…)` stays
//! text; numbers are written as numbers except in the columns a caller
//! marks as text (a CCCD keeps its leading zero).

use rust_xlsxwriter::{Format, Workbook};

use crate::error::PortalError;

/// The media type of an `.xlsx` file.
pub const MEDIA_TYPE: (&str, &str) = (
    "application",
    "vnd.openxmlformats-officedocument.spreadsheetml.sheet",
);

/// A workbook of one sheet named `sheet`: the header row, then `rows`.
/// Cells of the columns in `text_columns` are text (and so is the column's
/// format, for what people type into it later); elsewhere a cell that is a
/// plain decimal number is written as a number.
pub fn workbook(
    sheet: &str,
    head: &[&str],
    rows: &[Vec<String>],
    text_columns: &[usize],
) -> Result<Vec<u8>, PortalError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@");
    let ws = book.add_worksheet();
    ws.set_name(sheet).map_err(failed)?;
    let mut widths: Vec<usize> = head.iter().map(|h| h.chars().count()).collect();
    for (c, h) in head.iter().enumerate() {
        let col = column(c)?;
        ws.write_string_with_format(0, col, *h, &bold)
            .map_err(failed)?;
        if text_columns.contains(&c) {
            ws.set_column_format(col, &text).map_err(failed)?;
        }
    }
    for (r, cells) in rows.iter().enumerate() {
        let row = u32::try_from(r + 1).map_err(|_| too_many())?;
        for (c, cell) in cells.iter().enumerate() {
            let col = column(c)?;
            if let Some(w) = widths.get_mut(c) {
                *w = (*w).max(cell.chars().count());
            }
            match number(cell).filter(|_| !text_columns.contains(&c)) {
                Some(n) => ws.write_number(row, col, n).map_err(failed)?,
                None if text_columns.contains(&c) => ws
                    .write_string_with_format(row, col, cell, &text)
                    .map_err(failed)?,
                None => ws.write_string(row, col, cell).map_err(failed)?,
            };
        }
    }
    for (c, w) in widths.iter().enumerate() {
        // Display widths of a few dozen characters: the cast is exact.
        #[allow(clippy::cast_precision_loss)]
        let width = (*w).clamp(6, 60) as f64 + 2.0;
        ws.set_column_width(column(c)?, width).map_err(failed)?;
    }
    ws.set_freeze_panes(1, 0).map_err(failed)?;
    book.save_to_buffer().map_err(failed)
}

/// The same table as CSV text made by [`crate::csv_file::csv`] (a report
/// download), as a workbook: the same header and cells, the leading `'`
/// that makes a CSV cell inert dropped (an `.xlsx` text cell is never a
/// formula).
pub fn from_csv(sheet: &str, text: &str) -> Result<Vec<u8>, PortalError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut lines = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| PortalError::Internal(format!("a report's CSV: {e}")))?;
        lines.push(record.iter().map(uninert).collect::<Vec<String>>());
    }
    let mut lines = lines.into_iter();
    let head = lines.next().unwrap_or_default();
    let head: Vec<&str> = head.iter().map(String::as_str).collect();
    workbook(sheet, &head, &lines.collect::<Vec<_>>(), &[])
}

/// A CSV cell without the `'` that [`crate::csv_file::inert`] put before
/// a formula character.
fn uninert(cell: &str) -> String {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest.to_owned(),
        _ => cell.to_owned(),
    }
}

/// A plain decimal number (`12`, `-3`, `4.5`), not an identifier with
/// leading zeros (`0292…`) nor text that only parses as one (`inf`, `1e5`).
fn number(cell: &str) -> Option<f64> {
    let digits = cell.strip_prefix('-').unwrap_or(cell);
    let plain = !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && digits.chars().filter(|c| *c == '.').count() <= 1
        && !(digits.len() > 1 && digits.starts_with('0') && !digits.starts_with("0."))
        && digits.len() <= 15;
    plain.then(|| cell.parse().ok()).flatten()
}

fn column(c: usize) -> Result<u16, PortalError> {
    u16::try_from(c).map_err(|_| too_many())
}

fn too_many() -> PortalError {
    PortalError::Internal("a table too large for one worksheet".into())
}

fn failed(e: rust_xlsxwriter::XlsxError) -> PortalError {
    PortalError::Internal(format!("writing an .xlsx workbook: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_plain_decimals_only() {
        assert_eq!(number("12"), Some(12.0));
        assert_eq!(number("-3"), Some(-3.0));
        assert_eq!(number("0.5"), Some(0.5));
        assert_eq!(number("0"), Some(0.0));
        for text in ["092089031001", "1e5", "inf", "", "-", "1.2.3", "Cần Thơ"] {
            assert_eq!(number(text), None, "{text}");
        }
    }

    #[test]
    fn inert_prefix_is_dropped() {
        assert_eq!(uninert("'=1+1"), "=1+1");
        assert_eq!(uninert("'abc"), "'abc");
        assert_eq!(uninert("Sở"), "Sở");
    }
}
