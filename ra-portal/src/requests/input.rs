//! [`RequestInput`]: a request as an officer submits it (`POST
//! /api/v1/requests`, or a page's form) and as it is stored: one variant
//! per kind with exactly its fields, tagged by `kind`. Adding a kind is
//! adding a variant and its handling.

use ca_core::command::{Command, TokenChange};
use ca_core::registry::UnitChange;
use ca_core::status::RevocationReason;

use super::Kind;
use crate::error::PortalError;
use crate::error_code::ErrorCode;

/// Largest CSR accepted (PEM text).
const MAX_CSR: usize = 64 * 1024;

/// A request, by kind.
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum RequestInput {
    /// Cấp mới.
    Issue {
        /// The subscriber.
        subscriber_id: i64,
        /// The profile (default: the subscriber's kind).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        profile: Option<String>,
        /// The PKCS#10 request as PEM.
        csr: String,
        /// The token the key is on.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        token: Option<String>,
        /// Validity in days.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        days: Option<u32>,
    },
    /// Gia hạn.
    Renew {
        /// The certificate's serial (hex).
        serial: String,
        /// A new key.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        csr: Option<String>,
        /// Validity in days.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        days: Option<u32>,
    },
    /// Thay đổi nội dung.
    ChangeInfo {
        /// The certificate's serial (hex).
        serial: String,
        /// The new registry data.
        changes: ChangesInput,
        /// A new key.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        csr: Option<String>,
        /// Validity in days.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        days: Option<u32>,
        /// superseded (default) or affiliation-changed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// Cấp lại on a new key.
    Reissue {
        /// The certificate's serial (hex).
        serial: String,
        /// The new key's request.
        csr: String,
        /// The new token.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        token: Option<String>,
        /// Validity in days.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        days: Option<u32>,
        /// superseded (default) or key-compromise.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// Tạm dừng.
    Suspend {
        /// The certificate's serial (hex).
        serial: String,
    },
    /// Khôi phục.
    Restore {
        /// The certificate's serial (hex).
        serial: String,
    },
    /// Thu hồi.
    Revoke {
        /// The certificate's serial (hex).
        serial: String,
        /// The RFC 5280 reason.
        reason: String,
    },
    /// Báo mất hẳn thiết bị.
    TokenLost {
        /// The token's serial.
        token: String,
    },
    /// A temporarily lost token found again.
    TokenFound {
        /// The token's serial.
        token: String,
    },
    /// A damaged token.
    TokenDamaged {
        /// The token's serial.
        token: String,
    },
    /// Báo tạm mất.
    TokenSuspend {
        /// The token's serial.
        token: String,
    },
    /// Ngừng sử dụng.
    TokenRetire {
        /// The token's serial.
        token: String,
    },
    /// A unit renamed (`unit_name`) or merged (`merge_into`).
    UnitChange {
        /// The unit renamed or merged away.
        unit_id: i64,
        /// Its new name.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit_name: Option<String>,
        /// The unit of the same province it merges into.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        merge_into: Option<i64>,
    },
}

/// The registry changes of a change of information.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct ChangesInput {
    /// New name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// New title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// New unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// New parent agency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<String>,
    /// New locality.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locality: Option<String>,
    /// New province.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub province: Option<String>,
    /// New e-mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

impl ChangesInput {
    /// The CA core's form.
    pub fn to_core(&self) -> ca_core::registry::SubscriberChanges {
        ca_core::registry::SubscriberChanges {
            name: self.name.clone(),
            title: self.title.clone(),
            unit: self.unit.clone(),
            organization: self.organization.clone(),
            locality: self.locality.clone(),
            province: self.province.clone(),
            email: self.email.clone(),
        }
    }
}

impl RequestInput {
    /// Reads a request from its JSON form, with the portal's codes for
    /// what is wrong: `invalid_kind`, `missing_field` and
    /// `field_not_allowed` (naming the field), `csr_too_large`, else
    /// `bad_json`.
    pub fn from_json(value: serde_json::Value) -> Result<Self, PortalError> {
        let kind: Kind = match value.get("kind") {
            Some(serde_json::Value::String(k)) => k.parse()?,
            _ => return Err(PortalError::invalid(
                ErrorCode::BadJson,
                "the body is not the JSON expected: a request is an object with a kind (a string)",
            )),
        };
        let input: Self = serde_json::from_value(value).map_err(|e| {
            let text = e.to_string();
            let quoted = text.split('`').nth(1).unwrap_or_default().to_owned();
            if text.starts_with("missing field") {
                PortalError::invalid(
                    ErrorCode::MissingField,
                    format!("a {kind} request needs {quoted}"),
                )
            } else if text.starts_with("unknown field") {
                PortalError::invalid(
                    ErrorCode::FieldNotAllowed,
                    format!("{quoted} does not apply to a {kind} request"),
                )
            } else {
                PortalError::invalid(
                    ErrorCode::BadJson,
                    format!("the body is not the JSON expected: {e}"),
                )
            }
        })?;
        let csr = match &input {
            Self::Issue { csr, .. } | Self::Reissue { csr, .. } => Some(csr),
            Self::Renew { csr, .. } | Self::ChangeInfo { csr, .. } => csr.as_ref(),
            _ => None,
        };
        if csr.is_some_and(|c| c.len() > MAX_CSR) {
            return Err(PortalError::invalid(
                ErrorCode::CsrTooLarge,
                format!("the CSR is larger than {} KiB", MAX_CSR / 1024),
            ));
        }
        Ok(input)
    }

    /// Its kind.
    pub fn kind(&self) -> Kind {
        match self {
            Self::Issue { .. } => Kind::Issue,
            Self::Renew { .. } => Kind::Renew,
            Self::ChangeInfo { .. } => Kind::ChangeInfo,
            Self::Reissue { .. } => Kind::Reissue,
            Self::Suspend { .. } => Kind::Suspend,
            Self::Restore { .. } => Kind::Restore,
            Self::Revoke { .. } => Kind::Revoke,
            Self::TokenLost { .. } => Kind::TokenLost,
            Self::TokenFound { .. } => Kind::TokenFound,
            Self::TokenDamaged { .. } => Kind::TokenDamaged,
            Self::TokenSuspend { .. } => Kind::TokenSuspend,
            Self::TokenRetire { .. } => Kind::TokenRetire,
            Self::UnitChange { .. } => Kind::UnitChange,
        }
    }

    /// The province a change of information moves the subscriber to.
    pub fn moves_to_province(&self) -> Option<&str> {
        match self {
            Self::ChangeInfo { changes, .. } => changes.province.as_deref(),
            _ => None,
        }
    }

    /// The units a unit change concerns (both sides of a merger).
    pub fn units(&self) -> Vec<i64> {
        match self {
            Self::UnitChange {
                unit_id,
                merge_into,
                ..
            } => std::iter::once(*unit_id).chain(*merge_into).collect(),
            _ => Vec::new(),
        }
    }

    /// The CA core's command.
    pub fn to_command(&self) -> Result<Command, PortalError> {
        let serial = |text: &str| -> Result<ca_core::serial::Serial, PortalError> {
            text.parse().map_err(|e: ca_core::serial::SerialError| {
                PortalError::invalid(ErrorCode::InvalidSerial, e.to_string())
            })
        };
        let reason = |r: &Option<String>| -> Result<Option<RevocationReason>, PortalError> {
            Ok(r.as_deref()
                .map(str::parse::<RevocationReason>)
                .transpose()?)
        };
        let token = |serial: &str, change| Command::Token {
            serial: serial.to_owned(),
            change,
        };
        Ok(match self {
            Self::Issue {
                subscriber_id,
                profile,
                csr,
                token,
                days,
            } => Command::Issue {
                subscriber_id: *subscriber_id,
                profile: profile.clone(),
                csr: csr.clone(),
                token: token.clone(),
                days: *days,
            },
            Self::Renew {
                serial: s,
                csr,
                days,
            } => Command::Renew {
                serial: serial(s)?,
                csr: csr.clone(),
                days: *days,
            },
            Self::ChangeInfo {
                serial: s,
                changes,
                csr,
                days,
                reason: r,
            } => Command::ChangeInfo {
                serial: serial(s)?,
                changes: changes.to_core(),
                csr: csr.clone(),
                days: *days,
                reason: reason(r)?,
            },
            Self::Reissue {
                serial: s,
                csr,
                token,
                days,
                reason: r,
            } => Command::Reissue {
                serial: serial(s)?,
                csr: csr.clone(),
                token: token.clone(),
                days: *days,
                reason: reason(r)?,
            },
            Self::Suspend { serial: s } => Command::Suspend { serial: serial(s)? },
            Self::Restore { serial: s } => Command::Restore { serial: serial(s)? },
            Self::Revoke {
                serial: s,
                reason: r,
            } => Command::Revoke {
                serial: serial(s)?,
                reason: r.parse()?,
            },
            Self::TokenLost { token: t } => token(t, TokenChange::Lost),
            Self::TokenFound { token: t } => token(t, TokenChange::Found),
            Self::TokenDamaged { token: t } => token(t, TokenChange::Damaged),
            Self::TokenSuspend { token: t } => token(t, TokenChange::Suspend),
            Self::TokenRetire { token: t } => token(t, TokenChange::Retire),
            Self::UnitChange {
                unit_id,
                unit_name,
                merge_into,
            } => Command::UnitChange(UnitChange {
                unit_id: *unit_id,
                unit_name: unit_name.clone(),
                merge_into: *merge_into,
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn code(v: serde_json::Value) -> &'static str {
        match RequestInput::from_json(v) {
            Err(PortalError::Invalid { code, .. }) => code.as_str(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn fields_are_checked_against_the_kind() {
        assert_eq!(
            code(json!({"kind": "revoke", "serial": "01"})),
            "missing_field"
        );
        assert_eq!(
            code(json!({"kind": "suspend", "serial": "01", "csr": "x"})),
            "field_not_allowed"
        );
        assert_eq!(
            code(json!({"kind": "promote", "serial": "01"})),
            "invalid_kind"
        );
        assert_eq!(code(json!({"serial": "01"})), "bad_json");
        assert_eq!(code(json!({"kind": 5})), "bad_json");
        assert_eq!(code(json!({"kind": "suspend", "serial": 1})), "bad_json");
        let big = "A".repeat(MAX_CSR + 1);
        assert_eq!(
            code(json!({"kind": "issue", "subscriber_id": 1, "csr": big})),
            "csr_too_large"
        );
    }

    #[test]
    fn the_stored_form_reads_back() {
        let v =
            json!({"kind": "change_info", "serial": "0a", "changes": {"title": "Phó Giám đốc"}});
        let input = RequestInput::from_json(v.clone()).unwrap();
        assert_eq!(input.kind(), Kind::ChangeInfo);
        assert_eq!(serde_json::to_value(&input).unwrap(), v);
    }
}
