//! [`PortalOptions`]: how the portal sits behind the network — the proxies
//! whose `X-Forwarded-For` names the client, and whether cookies are
//! `Secure` behind a TLS-terminating proxy — with their flags
//! ([`PortalArgs`], shared by `ra-portal` and `govpki serve`).

use std::net::IpAddr;

/// The portal's network options.
#[derive(Debug, Clone, Default)]
pub struct PortalOptions {
    /// Peers whose `X-Forwarded-For` header is believed (reverse proxies).
    pub trusted_proxies: Vec<IpAddr>,
    /// Mark every cookie `Secure` even over plain HTTP (the portal behind
    /// a proxy that terminates TLS). Over HTTPS they are `Secure` anyway.
    pub cookie_secure: bool,
}

/// The portal's network flags.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct PortalArgs {
    /// A reverse proxy in front of the portal (IP address, repeatable):
    /// only from these peers is `X-Forwarded-For` read to find the client
    /// address that sign-in limits count; from anyone else it is ignored.
    #[arg(
        long = "trusted-proxy",
        value_name = "ADDR",
        env = "GOVPKI_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<IpAddr>,
    /// Mark cookies `Secure` although the portal itself speaks plain HTTP
    /// (behind a proxy that terminates TLS); automatic over HTTPS.
    #[arg(long, env = "GOVPKI_COOKIE_SECURE")]
    pub cookie_secure: bool,
}

impl PortalArgs {
    /// The options these flags name.
    pub fn options(&self) -> PortalOptions {
        PortalOptions {
            trusted_proxies: self.trusted_proxies.clone(),
            cookie_secure: self.cookie_secure,
        }
    }
}

impl PortalOptions {
    /// The client of a request that reached us from `peer` with these
    /// `X-Forwarded-For` values: `peer` itself unless it is a trusted
    /// proxy; otherwise the header's addresses are walked from the right
    /// (the hop nearest to us), trusted proxies skipped, and the first
    /// other one is the client. An entry that is not an address stops the
    /// walk at the last trusted hop (a client cannot choose its address by
    /// writing garbage).
    pub fn client(&self, peer: Option<IpAddr>, forwarded: &[&str]) -> Option<IpAddr> {
        let mut client = peer?;
        if !self.trusted_proxies.contains(&client) {
            return Some(client);
        }
        let hops = forwarded.iter().flat_map(|h| h.split(',')).rev();
        for hop in hops {
            let Ok(addr) = hop.trim().parse::<IpAddr>() else {
                break;
            };
            client = addr;
            if !self.trusted_proxies.contains(&addr) {
                break;
            }
        }
        Some(client)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("an address")
    }

    #[test]
    fn forwarded_for_is_read_from_trusted_proxies_only() {
        let options = PortalOptions {
            trusted_proxies: vec![ip("10.0.0.1"), ip("10.0.0.2")],
            cookie_secure: false,
        };
        let peer = Some(ip("10.0.0.1"));
        assert_eq!(
            options.client(peer, &["203.0.113.5"]),
            Some(ip("203.0.113.5"))
        );
        // The rightmost untrusted hop: what the client wrote on the left
        // is not believed.
        assert_eq!(
            options.client(peer, &["198.51.100.9, 203.0.113.5, 10.0.0.2"]),
            Some(ip("203.0.113.5"))
        );
        assert_eq!(
            options.client(peer, &["198.51.100.9", "203.0.113.5"]),
            Some(ip("203.0.113.5"))
        );
        assert_eq!(options.client(peer, &["not-an-ip"]), peer);
        assert_eq!(options.client(peer, &[]), peer);
        // From anyone else the header is ignored.
        let other = Some(ip("192.0.2.7"));
        assert_eq!(options.client(other, &["203.0.113.5"]), other);
        assert_eq!(options.client(None, &["203.0.113.5"]), None);
    }
}
