//! The per-address limit on sign-in attempts (web form and
//! `POST /api/v1/session`): at most [`SIGN_IN_ATTEMPTS`] in any
//! [`SIGN_IN_WINDOW`] from one client address, kept in memory, counting
//! every attempt, successful or not. It is independent of the throttling
//! of failures (`accounts::throttle`, per username and per address, kept
//! in the database): this one bounds bursts. The address is the
//! connection's peer, or what a trusted proxy says (`options::PortalOptions`),
//! never a forwarded header a client could choose.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::error::PortalError;

/// Sign-in attempts allowed per address in a window.
pub const SIGN_IN_ATTEMPTS: usize = 20;
/// The window.
pub const SIGN_IN_WINDOW: Duration = Duration::from_secs(60);
/// Addresses tracked before idle ones are dropped.
const MAX_ADDRESSES: usize = 10_000;

/// A sliding-window counter of attempts per address.
#[derive(Debug)]
pub struct RateLimiter {
    max: usize,
    window: Duration,
    hits: Mutex<HashMap<IpAddr, VecDeque<Instant>>>,
}

impl Default for RateLimiter {
    fn default() -> Self {
        Self::new(SIGN_IN_ATTEMPTS, SIGN_IN_WINDOW)
    }
}

impl RateLimiter {
    /// At most `max` attempts per `window` per address.
    pub fn new(max: usize, window: Duration) -> Self {
        Self {
            max,
            window,
            hits: Mutex::new(HashMap::new()),
        }
    }

    /// Counts an attempt from `addr`, or refuses it when the address has
    /// used up its attempts (a refused attempt is not counted). Without an
    /// address (not a TCP connection) nothing is limited.
    pub fn attempt(&self, addr: Option<IpAddr>) -> Result<(), PortalError> {
        let Some(addr) = addr else {
            return Ok(());
        };
        let now = Instant::now();
        let mut hits = self.hits.lock().unwrap_or_else(|e| e.into_inner());
        if hits.len() >= MAX_ADDRESSES && !hits.contains_key(&addr) {
            let window = self.window;
            hits.retain(|_, q| q.back().is_some_and(|t| now.duration_since(*t) < window));
        }
        let queue = hits.entry(addr).or_default();
        while queue
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.window)
        {
            queue.pop_front();
        }
        if queue.len() >= self.max {
            return Err(PortalError::RateLimited);
        }
        queue.push_back(now);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_each_address_on_its_own() {
        let limiter = RateLimiter::new(3, Duration::from_secs(3600));
        let a: IpAddr = "192.0.2.1".parse().expect("address");
        let b: IpAddr = "192.0.2.2".parse().expect("address");
        for _ in 0..3 {
            limiter.attempt(Some(a)).expect("within the limit");
        }
        assert!(matches!(
            limiter.attempt(Some(a)),
            Err(PortalError::RateLimited)
        ));
        limiter
            .attempt(Some(b))
            .expect("another address has its own count");
        limiter.attempt(None).expect("no address: not limited");
    }

    #[test]
    fn attempts_leave_the_window() {
        let limiter = RateLimiter::new(1, Duration::ZERO);
        let a: IpAddr = "192.0.2.1".parse().expect("address");
        limiter.attempt(Some(a)).expect("first");
        limiter
            .attempt(Some(a))
            .expect("the first one has left a zero window");
    }
}
