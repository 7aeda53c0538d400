//! Why a `/ca/…` request gets no certificate, and how that becomes HTTP: a
//! JSON body `{"error", "message"}` with a stable machine code, in English
//! and Vietnamese. Nothing from the database or the keys reaches the body.

use std::io::Cursor;

use ca_core::CaError;
use rocket::http::{ContentType, Status};
use rocket::response::{self, Responder, Response};
use rocket::Request;

use super::name::IssuerId;

/// A refused or failed trust-chain request.
#[derive(Debug, thiserror::Error)]
pub(crate) enum TrustError {
    /// The file name names no issuer of ours (or has an unknown suffix).
    #[error("no CA certificate is published under this name")]
    UnknownIssuer {
        /// The issuer id asked for, when it is a well-formed id.
        name: Option<IssuerId>,
    },
    /// The issuer exists but publishes no certificate (an external sub-CA
    /// awaiting its certificate, or one whose creation was interrupted).
    #[error("issuer {id} has no published certificate ({status})")]
    NotPublished {
        /// The issuer.
        id: IssuerId,
        /// Its recorded status.
        status: String,
    },
    /// A path under `/ca/` that is no download (several segments, `..`).
    #[error("no such resource under /ca/")]
    NotFound,
    /// The CA's store failed; the detail goes to the log only.
    #[error("the CA store failed: {0}")]
    Unavailable(#[from] CaError),
    /// A blocking task died or a response could not be encoded.
    #[error("internal failure: {0}")]
    Internal(String),
}

impl TrustError {
    /// The HTTP status, the machine code and the message of the body.
    fn parts(&self) -> (Status, &'static str, String) {
        match self {
            Self::UnknownIssuer { name } => {
                let what = match name {
                    Some(id) => format!("issuer \"{id}\""),
                    None => "this name".to_owned(),
                };
                (
                    Status::NotFound,
                    "unknown_issuer",
                    format!(
                        "No CA certificate is published for {what}: downloads are \
                         /ca/{{issuer}}.crt, .pem, -chain.pem and .p7c, and the issuers are \
                         listed at /ca/trust.json. / Không có chứng thư số CA nào được công bố \
                         với tên này; danh sách CA có tại /ca/trust.json."
                    ),
                )
            }
            Self::NotPublished { id, status } => (
                Status::NotFound,
                "unknown_issuer",
                format!(
                    "Issuer \"{id}\" has no certificate yet (status: {status}). / CA \"{id}\" \
                     chưa có chứng thư số được công bố (trạng thái: {status})."
                ),
            ),
            Self::NotFound => (
                Status::NotFound,
                "not_found",
                "No such resource under /ca/: downloads are /ca/{issuer}.crt, .pem, \
                 -chain.pem and .p7c. / Không tìm thấy tài nguyên được yêu cầu."
                    .to_owned(),
            ),
            Self::Unavailable(_) | Self::Internal(_) => (
                Status::ServiceUnavailable,
                "unavailable",
                "The certificate store is temporarily unavailable; try again later. / Kho dữ \
                 liệu chứng thư số tạm thời không truy cập được, vui lòng thử lại sau."
                    .to_owned(),
            ),
        }
    }
}

impl<'r> Responder<'r, 'static> for TrustError {
    fn respond_to(self, _: &'r Request<'_>) -> response::Result<'static> {
        let (status, code, message) = self.parts();
        if status.class().is_server_error() {
            tracing::warn!(error = %self, "trust chain request failed");
        }
        let body = serde_json::json!({ "error": code, "message": message }).to_string();
        let mut response = Response::build();
        response
            .status(status)
            .header(ContentType::JSON)
            .raw_header("X-Content-Type-Options", "nosniff")
            .raw_header("Cache-Control", "no-store");
        if status == Status::ServiceUnavailable {
            response.raw_header("Retry-After", "30");
        }
        response.sized_body(body.len(), Cursor::new(body)).ok()
    }
}
