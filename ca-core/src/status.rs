//! Certificate states and RFC 5280 revocation reasons, as stored and as
//! typed on the command line.

use std::str::FromStr;

use crate::CaError;

/// Where a certificate is in its life.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum CertStatus {
    /// Recorded (serial and TBS durable), not yet signed and stored.
    Pending,
    /// Issued and valid.
    Good,
    /// On hold (tạm dừng): revoked with certificateHold until restored.
    Suspended,
    /// Revoked (thu hồi) for good.
    Revoked,
}

impl CertStatus {
    /// The stored and printed word.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Good => "good",
            Self::Suspended => "suspended",
            Self::Revoked => "revoked",
        }
    }

    /// Reads a stored value.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Pending, Self::Good, Self::Suspended, Self::Revoked]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

crate::text_enum!(CertStatus);
crate::text_enum!(RevocationReason);

impl FromStr for CertStatus {
    type Err = CaError;

    fn from_str(s: &str) -> Result<Self, CaError> {
        Self::parse(s).ok_or_else(|| CaError::Refused(format!("unknown certificate status {s:?}")))
    }
}

/// CRLReason (RFC 5280 §5.3.1), stored by its kebab-case name.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum RevocationReason {
    /// 0
    Unspecified,
    /// 1: the private key is compromised (lost token).
    KeyCompromise,
    /// 2
    CaCompromise,
    /// 3: the subscriber changed agency.
    AffiliationChanged,
    /// 4: replaced by a new certificate.
    Superseded,
    /// 5: no longer needed (retirement, dissolved organization).
    CessationOfOperation,
    /// 6: suspension; only through suspend.
    CertificateHold,
    /// 9
    PrivilegeWithdrawn,
    /// 10
    AaCompromise,
}

const REASONS: [(RevocationReason, &str, u8); 9] = [
    (RevocationReason::Unspecified, "unspecified", 0),
    (RevocationReason::KeyCompromise, "key-compromise", 1),
    (RevocationReason::CaCompromise, "ca-compromise", 2),
    (
        RevocationReason::AffiliationChanged,
        "affiliation-changed",
        3,
    ),
    (RevocationReason::Superseded, "superseded", 4),
    (
        RevocationReason::CessationOfOperation,
        "cessation-of-operation",
        5,
    ),
    (RevocationReason::CertificateHold, "certificate-hold", 6),
    (
        RevocationReason::PrivilegeWithdrawn,
        "privilege-withdrawn",
        9,
    ),
    (RevocationReason::AaCompromise, "aa-compromise", 10),
];

impl RevocationReason {
    /// The kebab-case name (stored, CLI).
    pub fn as_str(self) -> &'static str {
        REASONS
            .iter()
            .find(|r| r.0 == self)
            .map_or("unspecified", |r| r.1)
    }

    /// The CRLReason code.
    pub fn code(self) -> u8 {
        REASONS.iter().find(|r| r.0 == self).map_or(0, |r| r.2)
    }

    /// Every name, for help and error texts.
    pub fn names() -> Vec<&'static str> {
        REASONS.iter().map(|r| r.1).collect()
    }
}

impl FromStr for RevocationReason {
    type Err = CaError;

    /// Accepts kebab-case, camelCase (`keyCompromise`) and snake_case.
    fn from_str(s: &str) -> Result<Self, CaError> {
        let norm: String = s
            .trim()
            .chars()
            .filter(|c| !matches!(c, '-' | '_' | ' '))
            .flat_map(char::to_lowercase)
            .collect();
        REASONS
            .iter()
            .find(|r| r.1.replace('-', "") == norm)
            .map(|r| r.0)
            .ok_or_else(|| {
                CaError::Refused(format!(
                    "unknown revocation reason {s:?}; use one of: {}",
                    Self::names().join(", ")
                ))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_parse_in_every_spelling() {
        for (r, name, _) in REASONS {
            assert_eq!(name.parse::<RevocationReason>().unwrap(), r);
        }
        assert_eq!(
            "keyCompromise".parse::<RevocationReason>().unwrap(),
            RevocationReason::KeyCompromise
        );
        assert_eq!(RevocationReason::CertificateHold.code(), 6);
        assert!("stolen".parse::<RevocationReason>().is_err());
    }

    #[test]
    fn statuses_round_trip() {
        for s in ["pending", "good", "suspended", "revoked"] {
            assert_eq!(CertStatus::parse(s).unwrap().as_str(), s);
        }
        assert_eq!(CertStatus::parse("bogus"), None);
    }
}
