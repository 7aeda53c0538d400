//! A file download: a body, its media type and the file name it is saved
//! under (`Content-Disposition: attachment`).

use rocket::http::{ContentType, Header};

/// A file the browser saves.
#[derive(rocket::Responder)]
pub(super) struct Download {
    body: Vec<u8>,
    content_type: ContentType,
    disposition: Header<'static>,
}

impl Download {
    /// `body` of type `content_type`, saved as `file_name` (ASCII).
    pub(super) fn attachment(body: Vec<u8>, content_type: ContentType, file_name: &str) -> Self {
        Self {
            body,
            content_type,
            disposition: Header::new(
                "Content-Disposition",
                format!("attachment; filename=\"{file_name}\""),
            ),
        }
    }

    /// An `.xlsx` workbook saved as `file_name`.
    pub(super) fn xlsx(body: Vec<u8>, file_name: &str) -> Self {
        let (top, sub) = crate::xlsx_file::MEDIA_TYPE;
        Self::attachment(body, ContentType::new(top, sub), file_name)
    }
}
