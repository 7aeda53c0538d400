//! [`IssuerStatus`]: where an issuer is in its life, stored as text.

use std::str::FromStr;

use crate::CaError;

/// Where an issuer is in its life.
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
pub enum IssuerStatus {
    /// It signs.
    Active,
    /// Its own certificate is being issued.
    Pending,
    /// Waiting for the certificate an external root signs.
    Awaiting,
    /// Its creation was interrupted and resolved by `doctor`.
    Aborted,
}

crate::text_enum!(IssuerStatus);

const ALL: [IssuerStatus; 4] = [
    IssuerStatus::Active,
    IssuerStatus::Pending,
    IssuerStatus::Awaiting,
    IssuerStatus::Aborted,
];

impl IssuerStatus {
    /// The stored and printed word.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Pending => "pending",
            Self::Awaiting => "awaiting-certificate",
            Self::Aborted => "aborted",
        }
    }
}

impl FromStr for IssuerStatus {
    type Err = CaError;

    fn from_str(s: &str) -> Result<Self, CaError> {
        ALL.into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| CaError::Refused(format!("unknown issuer status {s:?}")))
    }
}
