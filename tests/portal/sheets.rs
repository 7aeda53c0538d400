//! Spreadsheets for the import and report tests: `.xlsx` workbooks made
//! with rust_xlsxwriter and read back with calamine, realistic staff lists
//! of Cần Thơ, and hostile workbooks (a zip bomb, a sheet that names a
//! far-away cell).

use std::io::{Cursor, Write};

use calamine::{Data, Reader};

/// Family, middle and given names to make distinct people.
const FAMILY: [&str; 8] = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Bùi"];
const MIDDLE: [&str; 6] = ["Văn", "Thị", "Hữu", "Ngọc", "Thanh", "Minh"];
const GIVEN: [&str; 12] = [
    "An", "Bình", "Cường", "Dũng", "Hằng", "Khoa", "Lộc", "Mỹ", "Phúc", "Tường", "Yến", "Đức",
];
const UNITS: [&str; 4] = [
    "Phòng Công nghệ thông tin",
    "Văn phòng Sở",
    "Phòng Kế hoạch – Tài chính",
    "Trung tâm Chuyển đổi số",
];
const TITLES: [&str; 4] = [
    "Chuyên viên",
    "Trưởng phòng",
    "Phó Giám đốc",
    "Kế toán viên",
];

/// The header of an officer's own sheet: STT and the date of birth
/// besides the import's columns, "Số CCCD" for the identity number.
pub(crate) const STAFF_HEAD: [&str; 10] = [
    "STT",
    "Loại",
    "Họ và tên",
    "Ngày sinh",
    "Số CCCD",
    "Chức danh",
    "Đơn vị",
    "Cơ quan chủ quản",
    "Tỉnh/thành phố",
    "Email",
];

/// Person `i` of a staff list: the cells under [`STAFF_HEAD`]; `title`
/// overrides the position.
pub(crate) fn staff_row(i: usize, title: Option<&str>) -> Vec<String> {
    let name = format!(
        "{} {} {}",
        FAMILY[i % FAMILY.len()],
        MIDDLE[(i / FAMILY.len()) % MIDDLE.len()],
        GIVEN[(i / 3) % GIVEN.len()]
    );
    vec![
        (i + 1).to_string(),
        "cá nhân".into(),
        name,
        format!("{:02}/{:02}/19{}", 1 + i % 28, 1 + i % 12, 70 + i % 30),
        format!("092{:03}{:06}", 80 + i % 20, 100_000 + i),
        title.unwrap_or(TITLES[i % TITLES.len()]).into(),
        UNITS[i % UNITS.len()].into(),
        "Sở Khoa học và Công nghệ".into(),
        "Cần Thơ".into(),
        format!("canbo{i}@cantho.gov.vn"),
    ]
}

/// A workbook of one sheet: `title` (if any) on the first line, a blank
/// line, then the header and the rows; the identity column as text.
pub(crate) fn xlsx(title: Option<&str>, head: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("Danh sách cán bộ").expect("name");
    let mut line = 0;
    if let Some(t) = title {
        ws.write_string(0, 0, t).expect("title");
        line = 2;
    }
    for (c, h) in head.iter().enumerate() {
        ws.write_string(line, c as u16, *h).expect("header");
    }
    for (r, cells) in rows.iter().enumerate() {
        for (c, v) in cells.iter().enumerate() {
            let at = (line + 1 + r as u32, c as u16);
            match v.parse::<f64>() {
                // STT as a number, as a spreadsheet holds it.
                Ok(n) if c == 0 => ws.write_number(at.0, at.1, n),
                _ => ws.write_string(at.0, at.1, v),
            }
            .expect("cell");
        }
    }
    book.save_to_buffer().expect("workbook")
}

/// The first sheet of a workbook as text cells.
pub(crate) fn read_xlsx(bytes: &[u8]) -> Vec<Vec<String>> {
    let mut book = calamine::Xlsx::new(Cursor::new(bytes.to_vec())).expect("an .xlsx workbook");
    let name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&name).expect("a sheet");
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

/// A zip archive shaped like a workbook whose worksheet unpacks to
/// 64 MiB of spaces (about 64 KiB compressed).
pub(crate) fn zip_bomb() -> Vec<u8> {
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let deflate = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    out.start_file("[Content_Types].xml", deflate)
        .expect("entry");
    out.write_all(br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#)
        .expect("write");
    out.start_file("xl/worksheets/sheet1.xml", deflate)
        .expect("entry");
    let chunk = vec![b' '; 1024 * 1024];
    for _ in 0..64 {
        out.write_all(&chunk).expect("write");
    }
    out.finish().expect("zip").into_inner()
}

/// A workbook whose sheet names the cell XFD1048576 (the last one Excel
/// has) besides a valid header.
pub(crate) fn far_cell_xlsx() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    for (c, h) in ["loại", "họ và tên", "tỉnh/thành phố"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).expect("header");
    }
    ws.write_string(1_048_575, 16_383, "x").expect("far cell");
    book.save_to_buffer().expect("workbook")
}

/// `GET path` with a bearer token, the body kept as bytes: the status,
/// the lowercased headers and the body.
pub(crate) fn download(
    server: &crate::common::Server,
    token: &str,
    path: &str,
) -> (u16, String, Vec<u8>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let body = dir.path().join("body");
    let head = dir.path().join("headers");
    let out = std::process::Command::new("curl")
        .args(["-s", "-m", "120", "-o"])
        .arg(&body)
        .arg("-D")
        .arg(&head)
        .args(["-w", "%{http_code}", "-H"])
        .arg(format!("Authorization: Bearer {token}"))
        .arg(server.url(path))
        .output()
        .expect("run curl");
    let status = String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .expect("a status");
    (
        status,
        std::fs::read_to_string(&head)
            .unwrap_or_default()
            .to_lowercase(),
        std::fs::read(&body).unwrap_or_default(),
    )
}
