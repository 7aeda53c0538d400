//! [`RawQuery`]: a request's query string as sent, for the lists, which
//! read it against their own spec (`crate::listing`) so that a parameter
//! they do not know is refused instead of silently ignored.

use std::convert::Infallible;

use rocket::request::{FromRequest, Outcome, Request};

/// The query string after `?`, still percent-encoded (`None` without one).
#[derive(Debug, Clone, Default)]
pub(crate) struct RawQuery(pub(crate) Option<String>);

impl RawQuery {
    /// The query string, if any.
    pub(crate) fn as_deref(&self) -> Option<&str> {
        self.0.as_deref()
    }
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for RawQuery {
    type Error = Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Infallible> {
        Outcome::Success(Self(req.uri().query().map(|q| q.as_str().to_owned())))
    }
}
