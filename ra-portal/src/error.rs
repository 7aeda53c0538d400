//! [`PortalError`]: everything a portal operation can refuse or fail
//! with, and its HTTP face (status + stable code) used by the API and the
//! pages alike.

use ca_core::CaError;

use crate::error_code::ErrorCode;

/// Why a portal operation was refused or failed. Refusals change nothing.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PortalError {
    /// No valid bearer token or session.
    #[error("sign in first: this needs a valid bearer token or session")]
    Unauthenticated,
    /// The bearer token or web session has expired.
    #[error("the session or token has expired; sign in again")]
    SessionExpired,
    /// Unknown user, wrong password, wrong, missing or already used TOTP
    /// code, or disabled account: one answer, never saying which.
    #[error("wrong username, password or TOTP code")]
    InvalidCredentials,
    /// Too many sign-in attempts from one address.
    #[error("too many sign-in attempts from this address; try again in a minute")]
    RateLimited,
    /// Too many failed sign-ins for this username or from this address:
    /// nothing is judged until the wait is over.
    #[error("too many failed sign-ins; try again in {retry_after} s")]
    Throttled {
        /// Seconds to wait (the `Retry-After` header).
        retry_after: u64,
    },
    /// A one-time password must be changed before anything else.
    #[error("change the one-time password first (POST /api/v1/password)")]
    PasswordChangeRequired,
    /// No client certificate was presented (plain HTTP, or none chosen).
    #[error("present a client certificate issued by this CA (HTTPS with a certificate)")]
    CertificateRequired,
    /// The presented certificate is not one this CA issued.
    #[error("the client certificate was not issued by this CA")]
    CertificateUnknown,
    /// The presented certificate is bound to no account.
    #[error("this certificate is not bound to an account: sign in with your password and bind it on your account page")]
    CertificateNotBound,
    /// The presented certificate is revoked, suspended or expired.
    #[error("the client certificate is {status}: it signs no one in")]
    CertificateUnusable {
        /// suspended, revoked, expired, pending.
        status: &'static str,
    },
    /// The session was opened with another certificate than the one
    /// presented now.
    #[error("this session was opened with another certificate; sign in again")]
    CertificateMismatch,
    /// The role or province does not allow the action.
    #[error("{0}")]
    Forbidden(String),
    /// An approver may not decide a request they submitted.
    #[error("you submitted this request: another approver must decide it")]
    OwnRequest,
    /// The form's CSRF token is missing or wrong.
    #[error("the form's security token is missing or out of date; reload the page and try again")]
    Csrf,
    /// Nothing with this id.
    #[error("{0}")]
    NotFound(String),
    /// No API route has this path.
    #[error("{0}")]
    UnknownPath(String),
    /// Malformed or invalid input.
    #[error("{message}")]
    Invalid {
        /// Stable machine code.
        code: ErrorCode,
        /// What to fix.
        message: String,
    },
    /// A list's query string it cannot take: an unknown or repeated
    /// parameter (400), a page, limit, sort or id out of range (422).
    #[error("{0}")]
    BadQuery(Box<QueryProblem>),
    /// The body exceeds its limit.
    #[error("the body is larger than the {limit} allowed")]
    TooLarge {
        /// The limit, for people.
        limit: &'static str,
    },
    /// The target's state does not allow it.
    #[error("{message}")]
    Conflict {
        /// Stable machine code.
        code: ErrorCode,
        /// Why.
        message: String,
    },
    /// The CA refused or failed.
    #[error(transparent)]
    Ca(CaError),
    /// Something on our side (database, randomness, hashing).
    #[error("internal error: {0}")]
    Internal(String),
}

/// A refused list query: what is wrong, in English (the API's message)
/// and in Vietnamese (the pages'), and the parameter to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryProblem {
    /// 400 for a query the list cannot read (unknown or repeated
    /// parameter, too long, broken encoding), 422 for a value out of range.
    pub status: u16,
    /// Stable machine code.
    pub code: &'static str,
    /// The parameter concerned (empty for the query as a whole).
    pub parameter: String,
    /// The API's message.
    pub english: String,
    /// The pages' message.
    pub vietnamese: String,
}

impl std::fmt::Display for QueryProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.english)
    }
}

impl PortalError {
    /// Invalid input with a code.
    pub fn invalid(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::Invalid {
            code,
            message: message.into(),
        }
    }

    /// No route has this path.
    pub fn invalid_path(message: impl Into<String>) -> Self {
        Self::UnknownPath(message.into())
    }

    /// A state conflict with a code.
    pub fn conflict(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::Conflict {
            code,
            message: message.into(),
        }
    }

    /// How many seconds a refused sign-in should wait (`Retry-After`).
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            Self::RateLimited => Some(60),
            Self::Throttled { retry_after } => Some(*retry_after),
            _ => None,
        }
    }

    /// Whether it is a failure on our side, not a refusal of the input
    /// (its details belong in the log, not in front of the user).
    pub fn is_internal(&self) -> bool {
        self.code().1 == "internal"
    }

    /// The HTTP status number and the stable code.
    pub fn code(&self) -> (u16, &'static str) {
        match self {
            Self::Unauthenticated => (401, "unauthenticated"),
            Self::SessionExpired => (401, "session_expired"),
            Self::InvalidCredentials => (401, "invalid_credentials"),
            Self::RateLimited => (429, "rate_limited"),
            Self::Throttled { .. } => (429, "sign_in_throttled"),
            Self::CertificateRequired => (401, "certificate_required"),
            Self::CertificateUnknown => (401, "certificate_unknown"),
            Self::CertificateNotBound => (401, "certificate_not_bound"),
            Self::CertificateUnusable { .. } => (401, "certificate_unusable"),
            Self::CertificateMismatch => (401, "certificate_mismatch"),
            Self::PasswordChangeRequired => (403, "password_change_required"),
            Self::Forbidden(_) => (403, "forbidden"),
            Self::OwnRequest => (403, "own_request"),
            Self::Csrf => (403, "csrf"),
            Self::NotFound(_) => (404, "not_found"),
            Self::UnknownPath(_) => (404, "unknown_path"),
            Self::Invalid { code, .. } => (422, code.as_str()),
            Self::Conflict { code, .. } => (409, code.as_str()),
            Self::TooLarge { .. } => (413, "too_large"),
            Self::BadQuery(p) => (p.status, p.code),
            Self::Ca(e) => ca_status(e),
            Self::Internal(_) => (500, "internal"),
        }
    }
}

fn ca_status(e: &CaError) -> (u16, &'static str) {
    match e {
        CaError::UnknownSubscriber { .. }
        | CaError::UnknownCertificate { .. }
        | CaError::UnknownToken { .. }
        | CaError::UnknownIssuer { .. } => (404, "not_found"),
        CaError::InvalidTransition { .. } => (409, "invalid_transition"),
        CaError::TokenUnusable { .. } => (409, "token_unusable"),
        CaError::DuplicateToken { .. } => (409, "duplicate_token"),
        CaError::DuplicateSubscriber { .. } => (409, "duplicate_subscriber"),
        CaError::KeyBlocked { .. } => (409, "key_blocked"),
        CaError::SuspendDisabled { .. } => (409, "suspend_disabled"),
        CaError::AmbiguousSerial { .. } => (409, "ambiguous_serial"),
        CaError::Csr(_) => (422, "bad_csr"),
        CaError::Subject(e) if e.is_name_problem() => (422, "invalid_name"),
        CaError::Subject(_) => (422, "invalid_identity"),
        CaError::Serial(_) => (422, "invalid_serial"),
        CaError::Profile(_) => (422, "invalid_profile"),
        CaError::Refused(_) => (422, "refused"),
        CaError::NotInitialized => (503, "not_initialized"),
        _ => (500, "internal"),
    }
}

impl From<CaError> for PortalError {
    /// A refusal by a rule of the CA keeps its stable code (422, or 409
    /// for a conflict with what is registered); a missing unit is a 404
    /// like the portal's own; everything else stays the CA's error.
    fn from(e: CaError) -> Self {
        match e {
            CaError::Rule { rule, message } if rule.is_conflict() => Self::Conflict {
                code: ErrorCode::Rule(rule),
                message,
            },
            CaError::Rule { rule, message } => Self::Invalid {
                code: ErrorCode::Rule(rule),
                message,
            },
            CaError::UnknownUnit { id } => Self::NotFound(format!("no unit {id}")),
            other => Self::Ca(other),
        }
    }
}

impl From<diesel::result::Error> for PortalError {
    fn from(e: diesel::result::Error) -> Self {
        Self::Internal(format!("database: {e}"))
    }
}

impl From<ca_core::store::StoreError> for PortalError {
    fn from(e: ca_core::store::StoreError) -> Self {
        Self::Ca(e.into())
    }
}
