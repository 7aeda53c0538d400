//! [`ClientAddr`]: the client address of a request, as the sign-in limits
//! count it — the connection's peer, or what a trusted proxy says in
//! `X-Forwarded-For` ([`crate::options::PortalOptions::client`]).

use std::convert::Infallible;
use std::net::IpAddr;
use std::sync::Arc;

use rocket::request::{FromRequest, Outcome, Request};

use crate::PortalState;

/// The client address (`None`: not a TCP connection).
#[derive(Debug, Clone, Copy)]
pub(crate) struct ClientAddr(pub(crate) Option<IpAddr>);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for ClientAddr {
    type Error = Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Infallible> {
        let peer = req.remote().map(|a| a.ip());
        let addr = match req.rocket().state::<Arc<PortalState>>() {
            Some(state) => {
                let forwarded: Vec<&str> = req.headers().get("X-Forwarded-For").collect();
                state.options.client(peer, &forwarded)
            }
            None => peer,
        };
        Outcome::Success(Self(addr))
    }
}
