//! [`User`]: an account as the rest of the portal sees it (who, which
//! role, which province), without any secret. A leaf: it imports nothing
//! of the portal but the role.

use crate::role::Role;

/// A signed-in (or looked-up) account, without any secret.
#[derive(Debug, Clone, serde::Serialize)]
pub struct User {
    /// The id.
    pub id: i64,
    /// The username.
    pub username: String,
    /// The role.
    pub role: Role,
    /// The province (officers, approvers); `None`: every province.
    pub province: Option<String>,
    /// The department label, e.g. "Sở Khoa học và Công nghệ".
    pub department: Option<String>,
    /// Whether the one-time password must be changed first.
    pub must_change_password: bool,
}

impl User {
    /// The actor recorded in the audit log.
    pub fn actor(&self) -> String {
        format!("portal:{}", self.username)
    }
}
