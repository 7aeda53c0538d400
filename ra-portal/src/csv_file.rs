//! The one writer of the CSV files the portal hands out (the reports):
//! what Excel reads as UTF-8 (a byte-order mark, quoted fields, CRLF), and
//! inert. A cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage
//! return is a formula to a spreadsheet (`=HYPERLINK(…)` in a unit's name
//! would be a link in the officer's sheet), so it gets a leading `'`, as
//! OWASP's "CSV injection" rule says. Every cell goes through [`inert`].

use std::borrow::Cow;

/// CSV text of a header line and rows, every cell made [`inert`] and
/// quoted where it holds a separator, a quote or a line break.
pub fn csv(head: &[&str], rows: &[Vec<String>]) -> String {
    let line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut out = cells.map(field).collect::<Vec<_>>().join(",");
        out.push_str("\r\n");
        out
    };
    let mut out = String::from("\u{feff}");
    out.push_str(&line(&mut head.iter().copied()));
    for r in rows {
        out.push_str(&line(&mut r.iter().map(String::as_str)));
    }
    out
}

/// The cell as a spreadsheet must read it: text, never a formula. A cell
/// that begins with `=`, `+`, `-`, `@`, tab or carriage return gets a
/// leading `'`.
pub fn inert(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// One inert cell, quoted when it needs to be.
fn field(cell: &str) -> String {
    let cell = inert(cell);
    if cell.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_has_a_bom_quotes_and_crlf() {
        let text = csv(
            &["province", "unit"],
            &[vec!["Cần Thơ".into(), "Sở \"A\", B".into()]],
        );
        assert_eq!(
            text,
            "\u{feff}province,unit\r\nCần Thơ,\"Sở \"\"A\"\", B\"\r\n"
        );
    }

    #[test]
    fn formula_cells_are_inert() {
        for (cell, expected) in [
            ("=1+1", "'=1+1"),
            ("+84 292", "'+84 292"),
            ("-2", "'-2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("Sở = Sở", "Sở = Sở"),
            ("", ""),
            ("12", "12"),
        ] {
            assert_eq!(inert(cell), expected, "{cell:?}");
        }
        let text = csv(
            &["unit"],
            &[
                vec![r#"=HYPERLINK("http://evil.example/","Bấm")"#.into()],
                vec!["\r=1".into()],
            ],
        );
        assert_eq!(
            text,
            "\u{feff}unit\r\n\"'=HYPERLINK(\"\"http://evil.example/\"\",\"\"Bấm\"\")\"\r\n\"'\r=1\"\r\n"
        );
    }
}
