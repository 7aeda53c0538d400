//! Where a request is: submitted → approved | rejected, approved →
//! issued | failed (a failed unit change goes back to approved when its
//! failed items are retried).

use std::str::FromStr;

use crate::error::PortalError;
use crate::error_code::ErrorCode;

/// The state of a request.
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
pub enum RequestState {
    /// Submitted, waiting for a decision.
    Submitted,
    /// Approved, the CA operation running.
    Approved,
    /// Rejected with a comment.
    Rejected,
    /// Approved and carried out.
    Issued,
    /// Approved, but the CA operation failed (see `error`).
    Failed,
}

ca_core::text_enum!(RequestState);

/// Submitted, waiting for a decision.
pub const SUBMITTED: RequestState = RequestState::Submitted;
/// Approved, the CA operation running.
pub const APPROVED: RequestState = RequestState::Approved;
/// Rejected with a comment.
pub const REJECTED: RequestState = RequestState::Rejected;
/// Approved and carried out.
pub const ISSUED: RequestState = RequestState::Issued;
/// Approved, but the CA operation failed (see `error`).
pub const FAILED: RequestState = RequestState::Failed;
/// Every state.
pub const STATES: [RequestState; 5] = [SUBMITTED, APPROVED, REJECTED, ISSUED, FAILED];

impl RequestState {
    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
            Self::Issued => "issued",
            Self::Failed => "failed",
        }
    }
}

impl FromStr for RequestState {
    type Err = PortalError;

    fn from_str(s: &str) -> Result<Self, PortalError> {
        STATES
            .into_iter()
            .find(|state| state.as_str() == s)
            .ok_or_else(|| {
                PortalError::invalid(
                    ErrorCode::InvalidState,
                    format!(
                        "unknown state {s:?}; use one of {}",
                        STATES.map(Self::as_str).join(", ")
                    ),
                )
            })
    }
}
