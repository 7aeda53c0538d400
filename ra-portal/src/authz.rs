//! The authorization matrix (docs/authorization.md), enforced here and
//! only here: every handler asks [`authorize`] with the signed-in user,
//! the action and the province of what it touches — through
//! [`authorize_object`] when that is an existing object, which to a user
//! of another province does not exist: it answers exactly as a missing id
//! does (404 `not_found`, the same message), naming no province.

use crate::error::PortalError;
use crate::role::Role;
use crate::user::User;

/// What a user wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Read units, subscribers, tokens, certificates, requests; download
    /// certificates.
    Read,
    /// Register units, subscribers and tokens.
    Register,
    /// Submit a request (issue, renew, …, token lost).
    Submit,
    /// Approve or reject a request (never one's own: see [`decide`]).
    Decide,
    /// Read the audit log and its hash-chain check (every province).
    Audit,
}

impl Action {
    /// Every action, for the matrix test and the docs.
    pub const ALL: [Self; 5] = [
        Self::Read,
        Self::Register,
        Self::Submit,
        Self::Decide,
        Self::Audit,
    ];

    /// The name used in docs and errors.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Register => "register",
            Self::Submit => "submit",
            Self::Decide => "decide",
            Self::Audit => "audit",
        }
    }
}

/// Whether `user` may do `action` on something of `province`.
pub fn authorize(user: &User, action: Action, province: &str) -> Result<(), PortalError> {
    if allowed(user.role, action, in_scope(user, province)) {
        return Ok(());
    }
    let why = match (user.role, action) {
        (_, Action::Audit) => "only administrators and auditors read the audit log".to_owned(),
        (Role::Auditor, _) => "an auditor reads and changes nothing".to_owned(),
        (Role::RaApprover, Action::Register | Action::Submit) => {
            "an approver decides requests; an officer registers and submits them".to_owned()
        }
        (Role::RaOfficer, Action::Decide) => {
            "an officer cannot approve or reject requests".to_owned()
        }
        _ => format!(
            "your account ({}, {}) cannot {} for province {province:?}",
            user.role,
            user.province.as_deref().unwrap_or("every province"),
            action.as_str()
        ),
    };
    Err(PortalError::Forbidden(why))
}

/// [`authorize`] for an existing object of `province`: to a user whose
/// scope does not cover the province the object does not exist, and the
/// answer is `missing()`, the very error its id would get if it were
/// missing (so a refusal tells nothing about other provinces).
pub fn authorize_object(
    user: &User,
    action: Action,
    province: &str,
    missing: impl FnOnce() -> PortalError,
) -> Result<(), PortalError> {
    if !sees(user, province) {
        return Err(missing());
    }
    authorize(user, action, province)
}

/// Whether objects of `province` exist for `user` (its scope covers it).
pub fn sees(user: &User, province: &str) -> bool {
    in_scope(user, province)
}

/// The decision rule on request `id`: [`authorize_object`] for
/// [`Action::Decide`], and never on a request one submitted oneself.
pub fn decide(user: &User, id: i64, province: &str, submitted_by: i64) -> Result<(), PortalError> {
    authorize_object(user, Action::Decide, province, || {
        PortalError::NotFound(format!("no request {id}"))
    })?;
    if submitted_by == user.id {
        return Err(PortalError::OwnRequest);
    }
    Ok(())
}

/// The province a user's lists are limited to (`None`: every province).
pub fn scope(user: &User) -> Option<&str> {
    if user.role.is_provincial() {
        // A provincial account without a province sees nothing: an
        // impossible province name matches no row.
        Some(user.province.as_deref().unwrap_or("\u{0}"))
    } else {
        None
    }
}

/// The matrix itself: role × action × (own province or another).
pub fn allowed(role: Role, action: Action, own_province: bool) -> bool {
    match (role, action) {
        (Role::Admin, _) => true,
        (Role::Auditor, Action::Read | Action::Audit) => true,
        (Role::Auditor, _) => false,
        (Role::RaOfficer, Action::Read | Action::Register | Action::Submit) => own_province,
        (Role::RaOfficer, Action::Decide | Action::Audit) => false,
        (Role::RaApprover, Action::Read | Action::Decide) => own_province,
        (Role::RaApprover, Action::Register | Action::Submit | Action::Audit) => false,
    }
}

fn in_scope(user: &User, province: &str) -> bool {
    match scope(user) {
        None => true,
        Some(own) => own == province,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role, province: Option<&str>) -> User {
        User {
            id: 1,
            username: "u".into(),
            role,
            province: province.map(str::to_owned),
            department: None,
            must_change_password: false,
        }
    }

    #[test]
    fn officers_and_approvers_stay_in_their_province() {
        let officer = user(Role::RaOfficer, Some("Cần Thơ"));
        assert!(authorize(&officer, Action::Submit, "Cần Thơ").is_ok());
        assert!(authorize(&officer, Action::Submit, "Hà Nội").is_err());
        assert!(authorize(&officer, Action::Decide, "Cần Thơ").is_err());
        let approver = user(Role::RaApprover, Some("Cần Thơ"));
        assert!(decide(&approver, 7, "Cần Thơ", 2).is_ok());
        assert!(matches!(
            decide(&approver, 7, "Cần Thơ", 1),
            Err(PortalError::OwnRequest)
        ));
        // Another province's request is a missing one, said the same way.
        match decide(&approver, 7, "Hà Nội", 2) {
            Err(PortalError::NotFound(m)) => assert_eq!(m, "no request 7"),
            other => panic!("expected not_found, got {other:?}"),
        }
        let missing = || PortalError::NotFound("no subscriber 3".into());
        assert!(matches!(
            authorize_object(&officer, Action::Read, "Hà Nội", missing),
            Err(PortalError::NotFound(_))
        ));
        // Within its province an officer is refused by role, openly.
        assert!(matches!(
            authorize_object(&officer, Action::Decide, "Cần Thơ", missing),
            Err(PortalError::Forbidden(_))
        ));
        let auditor = user(Role::Auditor, None);
        assert!(authorize(&auditor, Action::Read, "Hà Nội").is_ok());
        assert!(authorize(&auditor, Action::Register, "Hà Nội").is_err());
        assert!(authorize(&auditor, Action::Audit, "").is_ok());
        assert!(authorize(&user(Role::Admin, None), Action::Audit, "").is_ok());
        assert!(authorize(&officer, Action::Audit, "Cần Thơ").is_err());
        assert!(authorize(&approver, Action::Audit, "Cần Thơ").is_err());
    }
}
