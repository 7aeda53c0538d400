//! [`Kind`]: what a request asks for, stored as text.

use std::str::FromStr;

use crate::error::PortalError;
use crate::error_code::ErrorCode;

/// What a request asks for.
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
pub enum Kind {
    /// Cấp mới from a CSR.
    Issue,
    /// Gia hạn.
    Renew,
    /// Thay đổi nội dung.
    ChangeInfo,
    /// Cấp lại on a new key.
    Reissue,
    /// Tạm dừng.
    Suspend,
    /// Khôi phục.
    Restore,
    /// Thu hồi with a reason.
    Revoke,
    /// Báo mất hẳn thiết bị: everything on the token revoked
    /// keyCompromise, its keys blocked (from active or suspended).
    TokenLost,
    /// A temporarily lost (suspended) token found again: active, its held
    /// certificates restored.
    TokenFound,
    /// A damaged token (from active).
    TokenDamaged,
    /// Báo tạm mất: the token suspended, its certificates on hold.
    TokenSuspend,
    /// Ngừng sử dụng: the token retired, its live certificates revoked
    /// cessationOfOperation.
    TokenRetire,
    /// A unit renamed or merged: every active certificate of its
    /// subscribers replaced (change of information, same key).
    UnitChange,
}

const KINDS: [(Kind, &str); 13] = [
    (Kind::Issue, "issue"),
    (Kind::Renew, "renew"),
    (Kind::ChangeInfo, "change_info"),
    (Kind::Reissue, "reissue"),
    (Kind::Suspend, "suspend"),
    (Kind::Restore, "restore"),
    (Kind::Revoke, "revoke"),
    (Kind::TokenLost, "token_lost"),
    (Kind::TokenFound, "token_found"),
    (Kind::TokenDamaged, "token_damaged"),
    (Kind::TokenSuspend, "token_suspend"),
    (Kind::TokenRetire, "token_retire"),
    (Kind::UnitChange, "unit_change"),
];

impl Kind {
    /// Every kind.
    pub fn all() -> impl Iterator<Item = Self> {
        KINDS.iter().map(|k| k.0)
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        KINDS.iter().find(|k| k.0 == self).map_or("issue", |k| k.1)
    }

    /// Whether the request is about one certificate (by serial).
    pub fn on_certificate(self) -> bool {
        matches!(
            self,
            Self::Renew
                | Self::ChangeInfo
                | Self::Reissue
                | Self::Suspend
                | Self::Restore
                | Self::Revoke
        )
    }

    /// Whether the request is about a token.
    pub fn on_token(self) -> bool {
        matches!(
            self,
            Self::TokenLost
                | Self::TokenFound
                | Self::TokenDamaged
                | Self::TokenSuspend
                | Self::TokenRetire
        )
    }
}

impl FromStr for Kind {
    type Err = PortalError;

    fn from_str(s: &str) -> Result<Self, PortalError> {
        KINDS
            .iter()
            .find(|k| k.1 == s.trim())
            .map(|k| k.0)
            .ok_or_else(|| {
                PortalError::invalid(
                    ErrorCode::InvalidKind,
                    format!(
                        "unknown request kind {s:?}; use one of {}",
                        KINDS.iter().map(|k| k.1).collect::<Vec<_>>().join(", ")
                    ),
                )
            })
    }
}

ca_core::text_enum!(Kind);
