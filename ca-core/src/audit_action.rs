//! [`AuditAction`]: what an audit event records, a closed set. The stored
//! name (`certificate.issue` …) is what the hash chain covers, so a name
//! never changes once events carry it; a new action is a new variant.

use std::fmt;
use std::str::FromStr;

/// What was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditAction {
    /// `bulk.start`
    BulkStart,
    /// `ca.import-certificate`
    CaImportCertificate,
    /// `ca.init`
    CaInit,
    /// `ca.request-external`
    CaRequestExternal,
    /// `ca.use-hsm-key`
    CaUseHsmKey,
    /// `certificate.abandon`
    CertificateAbandon,
    /// `certificate.issue`
    CertificateIssue,
    /// `certificate.record`
    CertificateRecord,
    /// `certificate.resolve-interrupted`
    CertificateResolveInterrupted,
    /// `certificate.restore`
    CertificateRestore,
    /// `certificate.revoke`
    CertificateRevoke,
    /// `certificate.suspend`
    CertificateSuspend,
    /// `crl.generate`
    CrlGenerate,
    /// `ocsp.signer-rotate`
    OcspSignerRotate,
    /// `request.approve`
    RequestApprove,
    /// `request.failed`
    RequestFailed,
    /// `request.issued`
    RequestIssued,
    /// `request.reject`
    RequestReject,
    /// `request.retry`
    RequestRetry,
    /// `request.submit`
    RequestSubmit,
    /// `subscriber.add`
    SubscriberAdd,
    /// `subscriber.update`
    SubscriberUpdate,
    /// `token.add`
    TokenAdd,
    /// `token.damaged`
    TokenDamaged,
    /// `token.found`
    TokenFound,
    /// `token.lost`
    TokenLost,
    /// `token.retire`
    TokenRetire,
    /// `token.suspend`
    TokenSuspend,
    /// `unit.add`
    UnitAdd,
    /// `unit.merge`
    UnitMerge,
    /// `unit.rename`
    UnitRename,
    /// `unit.update`
    UnitUpdate,
    /// `user.add`
    UserAdd,
    /// `user.certificate_bound`
    UserCertificateBound,
    /// `user.certificate_unbound`
    UserCertificateUnbound,
    /// `user.lock`
    UserLock,
    /// `user.password`
    UserPassword,
    /// `user.sign-out-everywhere`
    UserSignOutEverywhere,
    /// `user.unlock`
    UserUnlock,
    /// `user.reset`
    UserReset,
    /// `user.disable`
    UserDisable,
    /// `user.enable`
    UserEnable,
    /// `user.set-role`
    UserSetRole,
    /// `emergency.acknowledge`
    EmergencyAcknowledge,
}

/// Every action.
pub const AUDIT_ACTIONS: [AuditAction; 44] = [
    AuditAction::BulkStart,
    AuditAction::CaImportCertificate,
    AuditAction::CaInit,
    AuditAction::CaRequestExternal,
    AuditAction::CaUseHsmKey,
    AuditAction::CertificateAbandon,
    AuditAction::CertificateIssue,
    AuditAction::CertificateRecord,
    AuditAction::CertificateResolveInterrupted,
    AuditAction::CertificateRestore,
    AuditAction::CertificateRevoke,
    AuditAction::CertificateSuspend,
    AuditAction::CrlGenerate,
    AuditAction::OcspSignerRotate,
    AuditAction::RequestApprove,
    AuditAction::RequestFailed,
    AuditAction::RequestIssued,
    AuditAction::RequestReject,
    AuditAction::RequestRetry,
    AuditAction::RequestSubmit,
    AuditAction::SubscriberAdd,
    AuditAction::SubscriberUpdate,
    AuditAction::TokenAdd,
    AuditAction::TokenDamaged,
    AuditAction::TokenFound,
    AuditAction::TokenLost,
    AuditAction::TokenRetire,
    AuditAction::TokenSuspend,
    AuditAction::UnitAdd,
    AuditAction::UnitMerge,
    AuditAction::UnitRename,
    AuditAction::UnitUpdate,
    AuditAction::UserAdd,
    AuditAction::UserCertificateBound,
    AuditAction::UserCertificateUnbound,
    AuditAction::UserLock,
    AuditAction::UserPassword,
    AuditAction::UserSignOutEverywhere,
    AuditAction::UserUnlock,
    AuditAction::UserReset,
    AuditAction::UserDisable,
    AuditAction::UserEnable,
    AuditAction::UserSetRole,
    AuditAction::EmergencyAcknowledge,
];

impl AuditAction {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BulkStart => "bulk.start",
            Self::CaImportCertificate => "ca.import-certificate",
            Self::CaInit => "ca.init",
            Self::CaRequestExternal => "ca.request-external",
            Self::CaUseHsmKey => "ca.use-hsm-key",
            Self::CertificateAbandon => "certificate.abandon",
            Self::CertificateIssue => "certificate.issue",
            Self::CertificateRecord => "certificate.record",
            Self::CertificateResolveInterrupted => "certificate.resolve-interrupted",
            Self::CertificateRestore => "certificate.restore",
            Self::CertificateRevoke => "certificate.revoke",
            Self::CertificateSuspend => "certificate.suspend",
            Self::CrlGenerate => "crl.generate",
            Self::OcspSignerRotate => "ocsp.signer-rotate",
            Self::RequestApprove => "request.approve",
            Self::RequestFailed => "request.failed",
            Self::RequestIssued => "request.issued",
            Self::RequestReject => "request.reject",
            Self::RequestRetry => "request.retry",
            Self::RequestSubmit => "request.submit",
            Self::SubscriberAdd => "subscriber.add",
            Self::SubscriberUpdate => "subscriber.update",
            Self::TokenAdd => "token.add",
            Self::TokenDamaged => "token.damaged",
            Self::TokenFound => "token.found",
            Self::TokenLost => "token.lost",
            Self::TokenRetire => "token.retire",
            Self::TokenSuspend => "token.suspend",
            Self::UnitAdd => "unit.add",
            Self::UnitMerge => "unit.merge",
            Self::UnitRename => "unit.rename",
            Self::UnitUpdate => "unit.update",
            Self::UserAdd => "user.add",
            Self::UserCertificateBound => "user.certificate_bound",
            Self::UserCertificateUnbound => "user.certificate_unbound",
            Self::UserLock => "user.lock",
            Self::UserPassword => "user.password",
            Self::UserSignOutEverywhere => "user.sign-out-everywhere",
            Self::UserUnlock => "user.unlock",
            Self::UserReset => "user.reset",
            Self::UserDisable => "user.disable",
            Self::UserEnable => "user.enable",
            Self::UserSetRole => "user.set-role",
            Self::EmergencyAcknowledge => "emergency.acknowledge",
        }
    }
}

impl FromStr for AuditAction {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        AUDIT_ACTIONS
            .into_iter()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| format!("unknown audit action {s:?}"))
    }
}

impl fmt::Display for AuditAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_distinct_and_read_back() {
        let names: std::collections::HashSet<&str> =
            AUDIT_ACTIONS.iter().map(|a| a.as_str()).collect();
        assert_eq!(names.len(), AUDIT_ACTIONS.len());
        for a in AUDIT_ACTIONS {
            assert_eq!(a.as_str().parse::<AuditAction>(), Ok(a));
        }
    }
}
