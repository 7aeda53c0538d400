//! [`PortalError`]: everything a portal operation can refuse or fail
//! with, and its HTTP face (status + stable code) used by the API and the
//! pages alike.

use ca_core::CaError;
use rocket::http::Status;

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
    /// Unknown user, wrong password or disabled account (never said which).
    #[error("wrong username or password")]
    InvalidCredentials,
    /// The account needs its TOTP code.
    #[error("this account needs the TOTP code of its authenticator app")]
    TotpRequired,
    /// The TOTP code is wrong.
    #[error("the TOTP code is wrong or expired")]
    InvalidTotp,
    /// The TOTP code (its time step) was accepted once already.
    #[error("this TOTP code was used already; wait for the next code of the authenticator app")]
    TotpReplayed,
    /// Too many sign-in attempts from one address.
    #[error("too many sign-in attempts from this address; try again in a minute")]
    RateLimited,
    /// Too many failed sign-ins.
    #[error("the account is locked after repeated failed sign-ins until {until} UTC; try again later or ask an administrator")]
    Locked {
        /// When the lock ends (UTC).
        until: String,
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
        code: &'static str,
        /// What to fix.
        message: String,
    },
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
        code: &'static str,
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

impl PortalError {
    /// Invalid input with a code.
    pub fn invalid(code: &'static str, message: impl Into<String>) -> Self {
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
    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::Conflict {
            code,
            message: message.into(),
        }
    }

    /// The HTTP status and the stable code.
    pub fn status_and_code(&self) -> (Status, &'static str) {
        match self {
            Self::Unauthenticated => (Status::Unauthorized, "unauthenticated"),
            Self::SessionExpired => (Status::Unauthorized, "session_expired"),
            Self::InvalidCredentials => (Status::Unauthorized, "invalid_credentials"),
            Self::TotpRequired => (Status::Unauthorized, "totp_required"),
            Self::InvalidTotp => (Status::Unauthorized, "invalid_totp"),
            Self::TotpReplayed => (Status::Unauthorized, "totp_replayed"),
            Self::RateLimited => (Status::TooManyRequests, "rate_limited"),
            Self::Locked { .. } => (Status::Locked, "account_locked"),
            Self::CertificateRequired => (Status::Unauthorized, "certificate_required"),
            Self::CertificateUnknown => (Status::Unauthorized, "certificate_unknown"),
            Self::CertificateNotBound => (Status::Unauthorized, "certificate_not_bound"),
            Self::CertificateUnusable { .. } => (Status::Unauthorized, "certificate_unusable"),
            Self::CertificateMismatch => (Status::Unauthorized, "certificate_mismatch"),
            Self::PasswordChangeRequired => (Status::Forbidden, "password_change_required"),
            Self::Forbidden(_) => (Status::Forbidden, "forbidden"),
            Self::OwnRequest => (Status::Forbidden, "own_request"),
            Self::Csrf => (Status::Forbidden, "csrf"),
            Self::NotFound(_) => (Status::NotFound, "not_found"),
            Self::UnknownPath(_) => (Status::NotFound, "unknown_path"),
            Self::Invalid { code, .. } => (Status::UnprocessableEntity, code),
            Self::Conflict { code, .. } => (Status::Conflict, code),
            Self::TooLarge { .. } => (Status::PayloadTooLarge, "too_large"),
            Self::Ca(e) => ca_status(e),
            Self::Internal(_) => (Status::InternalServerError, "internal"),
        }
    }
}

fn ca_status(e: &CaError) -> (Status, &'static str) {
    match e {
        CaError::UnknownSubscriber { .. }
        | CaError::UnknownCertificate { .. }
        | CaError::UnknownToken { .. }
        | CaError::UnknownIssuer { .. } => (Status::NotFound, "not_found"),
        CaError::InvalidTransition { .. } => (Status::Conflict, "invalid_transition"),
        CaError::TokenUnusable { .. } => (Status::Conflict, "token_unusable"),
        CaError::DuplicateToken { .. } => (Status::Conflict, "duplicate_token"),
        CaError::DuplicateSubscriber { .. } => (Status::Conflict, "duplicate_subscriber"),
        CaError::KeyBlocked { .. } => (Status::Conflict, "key_blocked"),
        CaError::SuspendDisabled { .. } => (Status::Conflict, "suspend_disabled"),
        CaError::AmbiguousSerial { .. } => (Status::Conflict, "ambiguous_serial"),
        CaError::Csr(_) => (Status::UnprocessableEntity, "bad_csr"),
        CaError::Subject(_) => (Status::UnprocessableEntity, "invalid_identity"),
        CaError::Serial(_) => (Status::UnprocessableEntity, "invalid_serial"),
        CaError::Profile(_) => (Status::UnprocessableEntity, "invalid_profile"),
        CaError::Refused(_) => (Status::UnprocessableEntity, "refused"),
        CaError::NotInitialized => (Status::ServiceUnavailable, "not_initialized"),
        _ => (Status::InternalServerError, "internal"),
    }
}

impl From<CaError> for PortalError {
    /// A refusal by a rule of the CA keeps its stable code (422, or 409
    /// for a conflict with what is registered); a missing unit is a 404
    /// like the portal's own; everything else stays the CA's error.
    fn from(e: CaError) -> Self {
        match e {
            CaError::Rule { rule, message } if rule.is_conflict() => Self::Conflict {
                code: rule.code(),
                message,
            },
            CaError::Rule { rule, message } => Self::Invalid {
                code: rule.code(),
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
