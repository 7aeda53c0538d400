//! `/certificates`: search, details, downloads (`.pem`, `.der`, `.p7b`).

use std::sync::Arc;

use rocket::http::{ContentType, Header};
use rocket::serde::json::Json;
use rocket::State;
use serde_json::{json, Value};

use super::{ApiResult, ApiUser};
use crate::certificates::{self, Filters, Format, CERTIFICATE_LIST};
use crate::error::PortalError;
use crate::error_code::ErrorCode;
use crate::http::{blocking, RawQuery};
use crate::listing::ListQuery;
use crate::PortalState;

#[rocket::get("/certificates")]
pub(super) async fn list(
    state: &State<Arc<PortalState>>,
    user: Result<ApiUser, PortalError>,
    query: RawQuery,
) -> ApiResult<Json<Value>> {
    let user = user?.0;
    let query = ListQuery::parse(query.as_deref(), CERTIFICATE_LIST)?;
    let ca = Arc::clone(&state.ca);
    let v = blocking(move || {
        let (rows, info) = certificates::search(&ca, &user, &Filters::of(&query), &query)?;
        let mut v = json!({ "certificates": rows });
        info.add_to(&mut v, &query);
        Ok(v)
    })
    .await?;
    Ok(Json(v))
}

/// Details (JSON) or a download, by the file name's extension.
#[derive(rocket::Responder)]
pub(super) enum CertificateReply {
    Json(Json<Value>),
    File(Box<Download>),
}

/// A certificate file.
#[derive(rocket::Responder)]
pub(super) struct Download {
    body: Vec<u8>,
    content_type: ContentType,
    disposition: Header<'static>,
}

#[rocket::get("/certificates/<name>")]
pub(super) async fn get(
    state: &State<Arc<PortalState>>,
    user: Result<ApiUser, PortalError>,
    name: &str,
) -> ApiResult<CertificateReply> {
    let user = user?.0;
    let ca = Arc::clone(&state.ca);
    let (serial, format) = match name.rsplit_once('.') {
        Some((s, "pem")) => (s.to_owned(), Some(Format::Pem)),
        Some((s, "der" | "cer" | "crt")) => (s.to_owned(), Some(Format::Der)),
        Some((s, "p7b" | "p7c")) => (s.to_owned(), Some(Format::P7b)),
        Some((_, ext)) => {
            return Err(PortalError::invalid(
                ErrorCode::UnknownFormat,
                format!("unknown download format {ext:?}; use .pem, .der or .p7b"),
            )
            .into())
        }
        None => (name.to_owned(), None),
    };
    let Some(format) = format else {
        let v = blocking(move || certificates::details(&ca, &user, &serial)).await?;
        return Ok(CertificateReply::Json(Json(v)));
    };
    let file_serial = serial.clone();
    let bytes = blocking(move || certificates::download(&ca, &user, &serial, format)).await?;
    let (content_type, ext) = match format {
        Format::Pem => (ContentType::new("application", "x-pem-file"), "pem"),
        Format::Der => (ContentType::new("application", "pkix-cert"), "der"),
        Format::P7b => (ContentType::new("application", "pkcs7-mime"), "p7b"),
    };
    let safe: String = file_serial
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    let disposition = Header::new(
        "Content-Disposition",
        format!("attachment; filename=\"{safe}.{ext}\""),
    );
    Ok(CertificateReply::File(Box::new(Download {
        body: bytes,
        content_type,
        disposition,
    })))
}
