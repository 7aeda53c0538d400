//! Roles of portal accounts.

use std::fmt;
use std::str::FromStr;

use crate::error::PortalError;
use crate::error_code::ErrorCode;

/// What an account may do (see `docs/authorization.md`).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    serde::Serialize,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Everything, every province.
    Admin,
    /// Registers and submits requests in their own province.
    RaOfficer,
    /// Approves or rejects requests of their own province, never their own.
    RaApprover,
    /// Reads everything, changes nothing.
    Auditor,
}

impl Role {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::RaOfficer => "ra_officer",
            Self::RaApprover => "ra_approver",
            Self::Auditor => "auditor",
        }
    }

    /// Whether the role has a province (officers and approvers do; admins
    /// and auditors see every province).
    pub fn is_provincial(self) -> bool {
        matches!(self, Self::RaOfficer | Self::RaApprover)
    }

    /// Whether sign-in needs a TOTP code.
    pub fn needs_totp(self) -> bool {
        matches!(self, Self::Admin | Self::RaApprover)
    }

    /// The Vietnamese label shown on pages.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Admin => "Quản trị viên",
            Self::RaOfficer => "Cán bộ đăng ký (RA)",
            Self::RaApprover => "Lãnh đạo phê duyệt",
            Self::Auditor => "Kiểm toán viên",
        }
    }
}

ca_core::text_enum!(Role, sql_only);

impl FromStr for Role {
    type Err = PortalError;

    fn from_str(s: &str) -> Result<Self, PortalError> {
        match s.trim() {
            "admin" => Ok(Self::Admin),
            "ra_officer" => Ok(Self::RaOfficer),
            "ra_approver" => Ok(Self::RaApprover),
            "auditor" => Ok(Self::Auditor),
            other => Err(PortalError::invalid(
                ErrorCode::InvalidRole,
                format!("unknown role {other:?}; use admin, ra_officer, ra_approver or auditor"),
            )),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
