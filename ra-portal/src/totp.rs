//! TOTP (RFC 6238 over RFC 4226 HOTP): HMAC-SHA-1, 6 digits, 30-second
//! steps, one step of clock drift accepted either way; secrets are 20
//! random bytes shown as base32 (RFC 4648, no padding) and as an
//! `otpauth://` URI for authenticator apps.

use aws_lc_rs::hmac;

/// Seconds per step.
pub const STEP: u64 = 30;
/// Digits of a code.
const DIGITS: u32 = 6;
const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// A new random secret, base32.
pub fn new_secret() -> Result<String, crate::PortalError> {
    let mut bytes = [0u8; 20];
    crate::random::fill(&mut bytes)?;
    Ok(base32_encode(&bytes))
}

/// The code for `secret` (raw bytes) at Unix time `unix`.
pub fn code_at(secret: &[u8], unix: u64) -> String {
    hotp(secret, unix / STEP, DIGITS)
}

/// The current code of a base32 secret (for tests and tooling).
pub fn current_code(secret_b32: &str) -> Option<String> {
    Some(code_at(&base32_decode(secret_b32)?, unix_now()))
}

/// The code of a base32 secret at time step `step` (Unix time / 30).
pub fn code_for_step(secret_b32: &str, step: u64) -> Option<String> {
    Some(hotp(&base32_decode(secret_b32)?, step, DIGITS))
}

/// Whether `code` is the code of `secret_b32` now, one step before or one
/// step after.
pub fn verify(secret_b32: &str, code: &str, unix: u64) -> bool {
    verify_step(secret_b32, code, unix).is_some()
}

/// The time step whose code `code` is (now, one step before or one step
/// after), if any: what replay protection remembers.
pub fn verify_step(secret_b32: &str, code: &str, unix: u64) -> Option<u64> {
    let secret = base32_decode(secret_b32)?;
    let code = code.trim();
    if code.len() != DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let step = unix / STEP;
    let mut found = None;
    // Every candidate is compared, so the time taken does not say which.
    for s in [step.saturating_sub(1), step, step + 1] {
        if constant_time_eq(hotp(&secret, s, DIGITS).as_bytes(), code.as_bytes()) {
            found = Some(s);
        }
    }
    found
}

/// The URI an authenticator app scans.
pub fn otpauth_uri(issuer: &str, account: &str, secret_b32: &str) -> String {
    format!(
        "otpauth://totp/{}:{}?secret={secret_b32}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP}",
        percent(issuer),
        percent(account),
        percent(issuer)
    )
}

/// Seconds since the Unix epoch.
pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// RFC 4226 HOTP with HMAC-SHA-1 and dynamic truncation.
fn hotp(secret: &[u8], counter: u64, digits: u32) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, secret);
    let tag = hmac::sign(&key, &counter.to_be_bytes());
    let mac = tag.as_ref();
    let offset = usize::from(mac[mac.len() - 1] & 0x0f);
    let binary = (u32::from(mac[offset]) & 0x7f) << 24
        | u32::from(mac[offset + 1]) << 16
        | u32::from(mac[offset + 2]) << 8
        | u32::from(mac[offset + 3]);
    let value = binary % 10u32.pow(digits);
    format!("{value:0width$}", width = digits as usize)
}

fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(BASE32[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(BASE32[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for c in text.chars().filter(|c| !c.is_whitespace() && *c != '=') {
        let c = c.to_ascii_uppercase() as u8;
        let v = BASE32.iter().position(|&x| x == c)? as u32;
        buffer = (buffer << 5) | v;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(((buffer >> bits) & 0xff) as u8);
        }
    }
    (!out.is_empty()).then_some(out)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.') {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 Appendix B, SHA-1 rows (8 digits there; the 6-digit codes
    /// are their last six).
    #[test]
    fn rfc6238_vectors() {
        let secret = b"12345678901234567890";
        for (t, expected) in [
            (59u64, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ] {
            assert_eq!(hotp(secret, t / STEP, 8), expected, "T = {t}");
            assert_eq!(code_at(secret, t), expected[2..], "T = {t}");
        }
    }

    #[test]
    fn base32_round_trip_and_rfc4648() {
        assert_eq!(base32_encode(b"foobar"), "MZXW6YTBOI");
        assert_eq!(base32_decode("MZXW6YTBOI").as_deref(), Some(&b"foobar"[..]));
        assert_eq!(
            base32_decode("mzxw6ytboi======").as_deref(),
            Some(&b"foobar"[..])
        );
        assert!(base32_decode("M1").is_none());
    }

    #[test]
    fn verify_accepts_one_step_of_drift_only() {
        let secret = base32_encode(b"12345678901234567890");
        let t = 1_234_567_890;
        let code = code_at(b"12345678901234567890", t);
        assert!(verify(&secret, &code, t));
        assert!(verify(&secret, &code, t + STEP));
        assert!(verify(&secret, &code, t - STEP));
        assert!(!verify(&secret, &code, t + 3 * STEP));
        assert!(!verify(&secret, "12345", t));
        assert!(!verify(&secret, "abcdef", t));
    }
}
