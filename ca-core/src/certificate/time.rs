//! Conversions between chrono times and X.509 `Time` (UTCTime through
//! 2049, GeneralizedTime from 2050, as RFC 5280 §4.1.2.5 requires).

use std::time::Duration;

use chrono::{DateTime, Utc};
use der::asn1::{GeneralizedTime, UtcTime};
use x509_cert::time::Time;

use super::CertificateError;

/// A chrono time as X.509 `Time`, whole seconds.
pub fn to_x509_time(t: DateTime<Utc>) -> Result<Time, CertificateError> {
    let secs = u64::try_from(t.timestamp())
        .map_err(|_| CertificateError::Validity(format!("{t} is before 1970")))?;
    let dt = der::DateTime::from_unix_duration(Duration::from_secs(secs))?;
    if dt.year() < 2050 {
        Ok(Time::UtcTime(UtcTime::from_date_time(dt)?))
    } else {
        Ok(Time::GeneralTime(GeneralizedTime::from_date_time(dt)))
    }
}

/// An X.509 `Time` as chrono.
pub fn from_x509_time(t: &Time) -> DateTime<Utc> {
    let secs = t.to_unix_duration().as_secs();
    DateTime::from_timestamp(i64::try_from(secs).unwrap_or(i64::MAX), 0).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_before_2050_generalized_after() {
        let t = DateTime::parse_from_rfc3339("2049-12-31T23:59:59Z")
            .unwrap()
            .to_utc();
        assert!(matches!(to_x509_time(t).unwrap(), Time::UtcTime(_)));
        let t = DateTime::parse_from_rfc3339("2050-01-01T00:00:00Z")
            .unwrap()
            .to_utc();
        let x = to_x509_time(t).unwrap();
        assert!(matches!(x, Time::GeneralTime(_)));
        assert_eq!(from_x509_time(&x), t);
    }
}
