//! `GET /openapi.json`: the hand-written OpenAPI 3 document of the API
//! (a test checks that every path it lists is served).

use rocket::http::ContentType;

/// The document.
const OPENAPI: &str = include_str!("openapi.json");

#[rocket::get("/openapi.json")]
pub(super) fn document() -> (ContentType, &'static str) {
    (ContentType::JSON, OPENAPI)
}
