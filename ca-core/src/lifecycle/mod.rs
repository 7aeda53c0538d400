//! The certificate lifecycle of Decree 68/2024: new issuance (cấp mới),
//! renewal (gia hạn), change of information (thay đổi nội dung), re-issue
//! (cấp lại), suspension (tạm dừng), restoration (khôi phục), revocation
//! (thu hồi) and the lost token. Every transition is one transaction plus
//! one audit event; issuance follows the cycle in [`engine`].

mod engine;
mod issue;
mod key_policy;
mod lookup;
mod revoke;
mod transition;

pub use engine::Issued;
pub use issue::{CertificatePreview, IssueRequest, ReplaceRequest};
pub use lookup::{briefs, replacements, CertificateBrief, CertificateInfo, CertificateRef};

pub(crate) use engine::{now, parse_cert, whole_seconds, Issuance};
pub(crate) use issue::Operation;
pub(crate) use key_policy::ca_keys;
pub(crate) use revoke::{
    check_revocation, check_suspend, expect_status, revoke_compromised, revoke_row,
};
pub(crate) use transition::{change_status, StatusChange};

#[cfg(test)]
mod tests;
