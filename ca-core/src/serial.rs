//! Certificate serial numbers (RFC 5280 §4.1.2.2): positive, at most 20
//! octets, and here always 128 bits from a CSPRNG (the CA/B Forum asks for
//! at least 64).

use std::fmt;
use std::str::FromStr;

/// Octets in a serial the CA generates.
const GENERATED_LEN: usize = 16;

/// A certificate serial number: positive, 1 to 20 octets, kept in minimal
/// big-endian form. Printed as lowercase hex without separators.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Serial(Vec<u8>);

/// Why a serial was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SerialError {
    /// Not hexadecimal (colons, spaces and a `0x` prefix are allowed).
    #[error("serial {given:?} is not hexadecimal")]
    NotHex {
        /// What was given.
        given: String,
    },
    /// Zero, or empty.
    #[error("serial must be a positive number")]
    NotPositive,
    /// Longer than RFC 5280's 20 octets.
    #[error("serial {given:?} is longer than 20 octets")]
    TooLong {
        /// What was given.
        given: String,
    },
    /// The system random source failed.
    #[error("the system random number generator failed")]
    Random,
}

impl Serial {
    /// A fresh random serial: 128 bits, positive, always 16 octets in DER
    /// (the first octet is in 0x01..=0x7f).
    pub fn random() -> Result<Self, SerialError> {
        let mut bytes = [0u8; GENERATED_LEN];
        loop {
            aws_lc_rs::rand::fill(&mut bytes).map_err(|_| SerialError::Random)?;
            bytes[0] &= 0x7f;
            if bytes[0] != 0 {
                return Ok(Self(bytes.to_vec()));
            }
        }
    }

    /// From the big-endian magnitude (as the INTEGER's content octets, a
    /// leading 0x00 sign octet allowed).
    pub fn from_be_bytes(bytes: &[u8]) -> Result<Self, SerialError> {
        let start = bytes
            .iter()
            .position(|&b| b != 0)
            .ok_or(SerialError::NotPositive)?;
        let magnitude = &bytes[start..];
        let encoded_len = magnitude.len() + usize::from(magnitude[0] & 0x80 != 0);
        if encoded_len > 20 {
            return Err(SerialError::TooLong {
                given: hex::encode(bytes),
            });
        }
        Ok(Self(magnitude.to_vec()))
    }

    /// The minimal big-endian magnitude.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Lowercase hex, no separators: the form stored and printed.
    pub fn to_hex(&self) -> String {
        hex::encode(&self.0)
    }

    /// The x509-cert serial (DER INTEGER content, sign octet added).
    pub fn to_x509(&self) -> x509_cert::serial_number::SerialNumber {
        // Cannot fail: the magnitude is positive and at most 20 octets
        // encoded, which is all SerialNumber::new checks.
        #[allow(clippy::expect_used)]
        x509_cert::serial_number::SerialNumber::new(&self.der_content())
            .expect("a validated serial is a valid SerialNumber")
    }

    fn der_content(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.0.len() + 1);
        if self.0[0] & 0x80 != 0 {
            out.push(0);
        }
        out.extend_from_slice(&self.0);
        out
    }
}

/// Accepts any case, colons, spaces and leading zeros, as `openssl x509
/// -serial` and browsers print serials.
impl FromStr for Serial {
    type Err = SerialError;

    fn from_str(s: &str) -> Result<Self, SerialError> {
        let trimmed = s.trim();
        let body = trimmed
            .strip_prefix("serial=")
            .or_else(|| trimmed.strip_prefix("0x"))
            .or_else(|| trimmed.strip_prefix("0X"))
            .unwrap_or(trimmed);
        let mut digits: String = body.chars().filter(|c| !matches!(c, ':' | ' ')).collect();
        if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(SerialError::NotHex {
                given: s.to_owned(),
            });
        }
        if digits.len() % 2 == 1 {
            digits.insert(0, '0');
        }
        let bytes = hex::decode(&digits).map_err(|_| SerialError::NotHex {
            given: s.to_owned(),
        })?;
        Self::from_be_bytes(&bytes).map_err(|e| match e {
            SerialError::TooLong { .. } => SerialError::TooLong {
                given: s.to_owned(),
            },
            other => other,
        })
    }
}

impl fmt::Display for Serial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_serials_are_positive_16_octets_and_distinct() {
        let a = Serial::random().unwrap();
        let b = Serial::random().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.as_bytes().len(), 16);
        assert!(a.as_bytes()[0] > 0 && a.as_bytes()[0] < 0x80);
        assert_eq!(a.to_x509().as_bytes(), a.as_bytes());
    }

    #[test]
    fn parses_openssl_forms() {
        let s: Serial = "serial=00:1A:2b".parse().unwrap();
        assert_eq!(s.to_hex(), "1a2b");
        assert_eq!("0x1A2B".parse::<Serial>().unwrap(), s);
        assert_eq!("0001a2b".parse::<Serial>().unwrap(), s);
        assert_eq!("abc".parse::<Serial>().unwrap().to_hex(), "0abc");
    }

    #[test]
    fn refuses_bad_serials() {
        assert!(matches!(
            "xyz".parse::<Serial>(),
            Err(SerialError::NotHex { .. })
        ));
        assert!(matches!(
            "".parse::<Serial>(),
            Err(SerialError::NotHex { .. })
        ));
        assert_eq!("00:00".parse::<Serial>(), Err(SerialError::NotPositive));
        assert!(matches!(
            "ff".repeat(20).parse::<Serial>(),
            Err(SerialError::TooLong { .. })
        ));
        assert!("7f".repeat(20).parse::<Serial>().is_ok());
    }

    #[test]
    fn high_bit_gets_a_sign_octet() {
        let s: Serial = "80".parse().unwrap();
        assert_eq!(s.der_content(), vec![0, 0x80]);
    }
}
