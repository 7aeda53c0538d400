//! A refusal's HTTP face: the status of a [`PortalError`] (whose stable
//! code and status number the error itself knows, without HTTP types).

use rocket::http::Status;

use crate::error::PortalError;

/// The HTTP status and the stable code of an error.
pub(crate) trait HttpStatus {
    /// The status and the code.
    fn status_and_code(&self) -> (Status, &'static str);
}

impl HttpStatus for PortalError {
    fn status_and_code(&self) -> (Status, &'static str) {
        let (status, code) = self.code();
        (
            Status::from_code(status).unwrap_or(Status::InternalServerError),
            code,
        )
    }
}
