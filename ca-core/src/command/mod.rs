//! [`Command`]: every lifecycle operation a registration authority asks
//! of the CA, typed, with one way to check it and one way to carry it out.
//!
//! A portal checks a command when an officer submits it ([`Ca::check`]:
//! a dry run that writes nothing) and carries it out when an approver
//! approves it ([`Ca::execute`]). Both run the same checks — the lifecycle
//! operations' own, inside their transactions — so a rule lives once, and
//! a command whose target changed in between is refused at execution as
//! it would have been at submission.

use serde_json::json;

use crate::lifecycle::{CertificateRef, IssueRequest, Issued, Operation, ReplaceRequest};
use crate::registry::{SubscriberChanges, UnitChange};
use crate::rule::Rule;
use crate::serial::Serial;
use crate::status::{CertStatus, RevocationReason};
use crate::store::models::CertificateRow;
use crate::token::{check_transition, load_token, TokenState};
use crate::{Ca, CaError};

/// A lifecycle operation, with exactly the data it needs.
#[derive(Debug, Clone)]
pub enum Command {
    /// Cấp mới: a certificate for a registered subscriber from a CSR.
    Issue {
        /// The subscriber.
        subscriber_id: i64,
        /// The profile (default: the subscriber's kind).
        profile: Option<String>,
        /// The PKCS#10 request, PEM.
        csr: String,
        /// The token the key is on.
        token: Option<String>,
        /// Validity in days (default: the profile's).
        days: Option<u32>,
    },
    /// Gia hạn: same subject, new validity; the old key unless a CSR is given.
    Renew {
        /// The certificate renewed.
        serial: Serial,
        /// A new key.
        csr: Option<String>,
        /// Validity in days.
        days: Option<u32>,
    },
    /// Thay đổi nội dung: the registry changed, a new certificate, the old
    /// one revoked superseded or affiliationChanged.
    ChangeInfo {
        /// The certificate replaced.
        serial: Serial,
        /// The registry changes (at least one).
        changes: SubscriberChanges,
        /// A new key.
        csr: Option<String>,
        /// Validity in days.
        days: Option<u32>,
        /// How the old certificate ends.
        reason: Option<RevocationReason>,
    },
    /// Cấp lại: a new key, possibly a new token; the old certificate
    /// revoked superseded or keyCompromise.
    Reissue {
        /// The certificate replaced.
        serial: Serial,
        /// The new key's request.
        csr: String,
        /// The new token.
        token: Option<String>,
        /// Validity in days.
        days: Option<u32>,
        /// How the old certificate ends.
        reason: Option<RevocationReason>,
    },
    /// Tạm dừng.
    Suspend {
        /// The certificate.
        serial: Serial,
    },
    /// Khôi phục.
    Restore {
        /// The certificate.
        serial: Serial,
    },
    /// Thu hồi with an RFC 5280 reason.
    Revoke {
        /// The certificate.
        serial: Serial,
        /// Why.
        reason: RevocationReason,
    },
    /// A token's state changes, and with it its certificates'.
    Token {
        /// The token's serial.
        serial: String,
        /// What happened to it.
        change: TokenChange,
    },
    /// A unit renamed or merged (its certificates are replaced by a job
    /// the caller runs; see [`crate::registry::apply_unit_change`]).
    UnitChange(UnitChange),
}

/// What happened to a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenChange {
    /// Báo mất hẳn: its certificates revoked keyCompromise, its keys blocked.
    Lost,
    /// Found again after a temporary loss: its held certificates restored.
    Found,
    /// Damaged: its certificates revoked cessationOfOperation.
    Damaged,
    /// Báo tạm mất: its certificates on hold.
    Suspend,
    /// Ngừng sử dụng: its certificates revoked cessationOfOperation.
    Retire,
}

impl TokenChange {
    /// The token state it leads to.
    pub fn state(self) -> TokenState {
        match self {
            Self::Lost => TokenState::Lost,
            Self::Found => TokenState::Active,
            Self::Damaged => TokenState::Damaged,
            Self::Suspend => TokenState::Suspended,
            Self::Retire => TokenState::Retired,
        }
    }
}

/// What a command is about: its province (the one whose officers may ask
/// for it) and the objects it acts on.
#[derive(Debug, Clone, Default)]
pub struct Target {
    /// The province of the subscriber (or unit) concerned.
    pub province: String,
    /// The subscriber.
    pub subscriber_id: Option<i64>,
    /// The certificate acted upon: id and serial.
    pub certificate: Option<(i64, String)>,
    /// The token: id and serial.
    pub token: Option<(i64, String)>,
}

/// What carrying out a command produced.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The certificate issued (issue, renew, change of information,
    /// re-issue) or changed (suspend, restore, revoke).
    pub certificate_id: Option<i64>,
    /// What happened, for the audit log.
    pub details: serde_json::Value,
}

impl Ca {
    /// The target of a command, found without checking whether the
    /// command would be accepted: what a caller authorizes before it asks
    /// for [`check`](Self::check) (which would otherwise tell it about
    /// objects it may not see).
    pub fn target(&self, command: &Command) -> Result<Target, CaError> {
        self.store.read(|c| -> Result<Target, CaError> {
            let (subscriber_id, certificate, token) = match command {
                Command::Issue {
                    subscriber_id,
                    token,
                    ..
                } => {
                    let token = match token {
                        Some(serial) => Some(load_token(c, serial)?),
                        None => None,
                    };
                    (*subscriber_id, None, token)
                }
                Command::UnitChange(change) => {
                    let unit = crate::registry::unit::load_unit(c, change.unit_id)?;
                    return Ok(Target {
                        province: unit.province,
                        ..Target::default()
                    });
                }
                Command::Token { serial, .. } => {
                    let token = load_token(c, serial)?;
                    let holder = token.subscriber_id.ok_or_else(|| {
                        Rule::TokenWithoutHolder
                            .refuse(format!("token {} has no holder", token.serial))
                    })?;
                    (holder, None, Some(token))
                }
                other => {
                    let row = certificate_of(other)
                        .map(|r| r.find(c))
                        .transpose()?
                        .ok_or_else(|| Rule::MissingField.refuse("a serial is needed"))?;
                    let holder = row.subscriber_id.ok_or_else(|| {
                        Rule::NotASubscriberCertificate.refuse(format!(
                            "certificate {} is a CA certificate, not a subscriber's",
                            row.serial
                        ))
                    })?;
                    (holder, Some(row), None)
                }
            };
            let subscriber = crate::registry::load_subscriber(c, subscriber_id)?;
            Ok(Target {
                province: subscriber.province,
                subscriber_id: Some(subscriber_id),
                certificate: certificate.map(|r| (r.id, r.serial)),
                token: token.map(|t| (t.id, t.serial)),
            })
        })
    }

    /// Everything that would refuse the command now, checked without
    /// changing anything: key policy, profile and validity, the
    /// certificate's status, the token's state, names. The same checks run
    /// again when the command is carried out.
    pub fn check(&self, command: &Command) -> Result<Target, CaError> {
        let target = self.target(command)?;
        check_fields(command)?;
        match command {
            Command::Issue { .. } => {
                let profile = self.issue_profile(command)?;
                self.plan_issue(&issue_request(command, &profile, ""))?;
            }
            Command::Renew { .. } | Command::ChangeInfo { .. } | Command::Reissue { .. } => {
                let (req, op) = replace_request(command, "")?;
                self.check_replace(&req, op)?;
            }
            Command::Suspend { serial } => self.store.read(|c| {
                let row = CertificateRef::serial(serial.clone()).find(c)?;
                crate::lifecycle::check_suspend(c, &row)
            })?,
            Command::Restore { serial } => {
                let row = self.certificate_row(serial)?;
                crate::lifecycle::expect_status(&row, &[CertStatus::Suspended], "restore")?;
            }
            Command::Revoke { serial, reason } => {
                crate::lifecycle::check_revocation(*reason, None)?;
                let row = self.certificate_row(serial)?;
                crate::lifecycle::expect_status(
                    &row,
                    &[CertStatus::Good, CertStatus::Suspended],
                    "revoke",
                )?;
            }
            Command::Token { serial, change } => {
                let token = self.store.read(|c| load_token(c, serial))?;
                check_transition(&token, change.state())?;
            }
            Command::UnitChange(change) => {
                self.check_unit_change(change)?;
            }
        }
        Ok(target)
    }

    /// Carries out a command as `actor` (every check runs again inside the
    /// operation). A unit change is refused here: its registry change is
    /// part of the caller's own transaction
    /// ([`crate::registry::apply_unit_change`]).
    pub fn execute(&self, command: &Command, actor: &str) -> Result<Outcome, CaError> {
        check_fields(command)?;
        let cert = |serial: &Serial| CertificateRef::serial(serial.clone());
        match command {
            Command::Issue { .. } => {
                let profile = self.issue_profile(command)?;
                issued(&self.issue(&issue_request(command, &profile, actor))?)
            }
            Command::Renew { .. } | Command::ChangeInfo { .. } | Command::Reissue { .. } => {
                let (req, op) = replace_request(command, actor)?;
                let done = match op {
                    Operation::Renew => self.renew(&req)?,
                    Operation::ChangeInfo => self.change_info(&req)?,
                    Operation::Reissue => self.reissue(&req)?,
                };
                issued(&done)
            }
            Command::Suspend { serial } => Ok(changed(&self.suspend(&cert(serial), actor)?)),
            Command::Restore { serial } => Ok(changed(&self.restore(&cert(serial), actor)?)),
            Command::Revoke { serial, reason } => Ok(changed(&self.revoke(
                &cert(serial),
                *reason,
                None,
                actor,
            )?)),
            Command::Token { serial, change } => {
                let (key, serials) = match change {
                    TokenChange::Lost => ("revoked", self.token_lost(serial, actor)?),
                    TokenChange::Damaged => ("revoked", self.token_damaged(serial, actor)?),
                    TokenChange::Retire => ("revoked", self.token_retire(serial, actor)?),
                    TokenChange::Found => ("restored", self.token_found(serial, actor)?),
                    TokenChange::Suspend => ("held", self.token_suspend(serial, actor)?),
                };
                Ok(Outcome {
                    certificate_id: None,
                    details: json!({ key: serials }),
                })
            }
            Command::UnitChange(_) => Err(CaError::Refused(
                "a unit change is carried out with its bulk job".into(),
            )),
        }
    }

    fn issue_profile(&self, command: &Command) -> Result<String, CaError> {
        match command {
            Command::Issue {
                profile: Some(p), ..
            } => Ok(p.clone()),
            Command::Issue { subscriber_id, .. } => {
                Ok(self.subscriber(*subscriber_id)?.kind.as_str().to_owned())
            }
            _ => Err(CaError::Refused("not an issuance".into())),
        }
    }

    fn certificate_row(&self, serial: &Serial) -> Result<CertificateRow, CaError> {
        self.store
            .read(|c| CertificateRef::serial(serial.clone()).find(c))
    }
}

/// Rules of the command's own fields, whatever the target's state.
fn check_fields(command: &Command) -> Result<(), CaError> {
    if let Command::ChangeInfo { changes, .. } = command {
        if changes.is_empty() {
            return Err(
                Rule::MissingField.refuse("a change_info request needs at least one change")
            );
        }
        if let Some(p) = changes.province.as_deref() {
            crate::registry::current_province(p)?;
        }
    }
    Ok(())
}

/// The certificate a command acts on.
fn certificate_of(command: &Command) -> Option<CertificateRef> {
    match command {
        Command::Renew { serial, .. }
        | Command::ChangeInfo { serial, .. }
        | Command::Reissue { serial, .. }
        | Command::Suspend { serial }
        | Command::Restore { serial }
        | Command::Revoke { serial, .. } => Some(CertificateRef::serial(serial.clone())),
        _ => None,
    }
}

fn issue_request<'a>(command: &'a Command, profile: &'a str, actor: &'a str) -> IssueRequest<'a> {
    let (subscriber_id, csr, token, days) = match command {
        Command::Issue {
            subscriber_id,
            csr,
            token,
            days,
            ..
        } => (*subscriber_id, csr.as_str(), token.as_deref(), *days),
        _ => (0, "", None, None),
    };
    IssueRequest {
        subscriber_id,
        profile,
        csr: csr.as_bytes(),
        issuer: None,
        token,
        days,
        actor,
    }
}

fn replace_request<'a>(
    command: &'a Command,
    actor: &'a str,
) -> Result<(ReplaceRequest<'a>, Operation), CaError> {
    let empty = SubscriberChanges::default();
    let (serial, csr, token, days, reason, changes, op) = match command {
        Command::Renew { serial, csr, days } => (
            serial,
            csr.as_deref(),
            None,
            *days,
            None,
            empty,
            Operation::Renew,
        ),
        Command::ChangeInfo {
            serial,
            changes,
            csr,
            days,
            reason,
        } => (
            serial,
            csr.as_deref(),
            None,
            *days,
            *reason,
            changes.clone(),
            Operation::ChangeInfo,
        ),
        Command::Reissue {
            serial,
            csr,
            token,
            days,
            reason,
        } => (
            serial,
            Some(csr.as_str()),
            token.as_deref(),
            *days,
            *reason,
            empty,
            Operation::Reissue,
        ),
        _ => return Err(CaError::Refused("not a renewal or replacement".into())),
    };
    Ok((
        ReplaceRequest {
            cert: CertificateRef::serial(serial.clone()),
            csr: csr.map(str::as_bytes),
            days,
            reason,
            token,
            changes,
            actor,
        },
        op,
    ))
}

fn issued(done: &Issued) -> Result<Outcome, CaError> {
    Ok(Outcome {
        certificate_id: Some(done.id),
        details: json!({ "issuer": done.issuer_id, "serial": done.serial.to_hex() }),
    })
}

fn changed(row: &CertificateRow) -> Outcome {
    Outcome {
        certificate_id: Some(row.id),
        details: json!({ "serial": row.serial, "status": row.status }),
    }
}

mod preview;

pub use preview::{Preview, SubjectDifference};

#[cfg(test)]
mod tests;
