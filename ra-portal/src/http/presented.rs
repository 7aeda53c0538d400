//! The client certificate of a request (mTLS), as the accounts logic takes
//! it ([`Presented`]): a request guard and a lookup.

use crate::accounts::client_cert::Presented;

impl Presented {
    /// The presented certificate of a request: `None` over plain HTTP or
    /// when the browser sent none.
    pub async fn of(req: &rocket::Request<'_>) -> Option<Self> {
        req.guard::<rocket::mtls::Certificate<'_>>()
            .await
            .succeeded()
            .map(|c| Self(c.as_bytes().to_vec()))
    }
}

#[rocket::async_trait]
impl<'r> rocket::request::FromRequest<'r> for Presented {
    type Error = std::convert::Infallible;

    async fn from_request(
        req: &'r rocket::Request<'_>,
    ) -> rocket::request::Outcome<Self, Self::Error> {
        match Self::of(req).await {
            Some(p) => rocket::request::Outcome::Success(p),
            None => rocket::request::Outcome::Forward(rocket::http::Status::Unauthorized),
        }
    }
}
