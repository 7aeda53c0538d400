//! Subscriber certificates: new issuance, renewal, change of information
//! and re-issue. Each checks everything first (nothing is recorded for a
//! refused request), then runs the issuance cycle.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use serde_json::json;
use x509_cert::name::Name;

use super::engine::{Issuance, Issued};
use super::key_policy::{check_subscriber_key, KeyUse};
use super::revoke::expect_status;
use super::{parse_cert, whole_seconds, CertificateRef};
use crate::certificate::RevocationUrls;
use crate::csr::{parse_csr, PublicKeyKind, SubscriberKey};
use crate::profile::{Profile, ProfileKind};
use crate::registry::SubscriberChanges;
use crate::rule::Rule;
use crate::signer::Signer;
use crate::status::{CertStatus, RevocationReason};
use crate::store::models::{IssuerRow, SubscriberRow, TokenRow};
use crate::store::DbConnection;
use crate::{Ca, CaError};

/// A new issuance (cấp mới) from a CSR made on the subscriber's token.
#[derive(Debug, Clone)]
pub struct IssueRequest<'a> {
    /// The subscriber.
    pub subscriber_id: i64,
    /// The profile name.
    pub profile: &'a str,
    /// The PKCS#10 request, PEM or DER.
    pub csr: &'a [u8],
    /// The issuing CA (default: the one `init` made).
    pub issuer: Option<&'a str>,
    /// The token the key lives on.
    pub token: Option<&'a str>,
    /// Validity in days (default: the profile's).
    pub days: Option<u32>,
    /// Who asks.
    pub actor: &'a str,
}

/// Renewal, change of information or re-issue of an existing certificate.
#[derive(Debug, Clone)]
pub struct ReplaceRequest<'a> {
    /// The certificate renewed or replaced.
    pub cert: CertificateRef,
    /// A new CSR (required for re-issue; otherwise the old key is kept).
    pub csr: Option<&'a [u8]>,
    /// Validity in days.
    pub days: Option<u32>,
    /// How the old certificate ends (change-info, re-issue).
    pub reason: Option<RevocationReason>,
    /// A new token (re-issue onto a new device).
    pub token: Option<&'a str>,
    /// Registry changes that come with a change of information (applied
    /// only once every check has passed).
    pub changes: SubscriberChanges,
    /// Who asks.
    pub actor: &'a str,
}

/// What a subscriber certificate is made from, checked.
pub(crate) struct Plan<'a> {
    issuer: IssuerRow,
    subscriber: SubscriberRow,
    subject: Name,
    key: SubscriberKey,
    profile: &'a Profile,
    days: u32,
    token_id: Option<i64>,
    /// A renewal: the notAfter of the certificate it renews, which the new
    /// one extends (see [`validity`]).
    extends: Option<DateTime<Utc>>,
}

/// What a planned certificate will hold, computed by the code that
/// builds it, before anything is recorded: what an approver sees.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CertificatePreview {
    /// The subject DN exactly as the certificate will carry it (RFC 4514).
    pub subject: String,
    /// notBefore if it were issued now.
    pub not_before: DateTime<Utc>,
    /// notAfter if it were issued now (clamped to the issuer's notAfter).
    pub not_after: DateTime<Utc>,
    /// Key algorithm and size (`RSA-2048`, `ECDSA P-256`).
    pub key: String,
    /// SHA-256 of the DER SubjectPublicKeyInfo, lowercase hexadecimal.
    pub spki_sha256: String,
    /// The profile.
    pub profile: String,
    /// The issuer.
    pub issuer: String,
}

impl Plan<'_> {
    /// The validity a certificate of this plan gets if issued now (see
    /// [`validity`]: a renewal extends the certificate it renews).
    fn validity(&self) -> Result<(DateTime<Utc>, DateTime<Utc>), CaError> {
        validity(self, whole_seconds(Utc::now()))
    }

    /// What the certificate of this plan will hold.
    pub(crate) fn preview(&self) -> Result<CertificatePreview, CaError> {
        let (not_before, not_after) = self.validity()?;
        Ok(CertificatePreview {
            subject: self.subject.to_string(),
            not_before,
            not_after,
            key: self.key.kind().to_string(),
            spki_sha256: self.key.spki_sha256_hex(),
            profile: self.profile.name.as_str().to_owned(),
            issuer: self.issuer.id.clone(),
        })
    }
}

/// A plan with its issuer's name and signer, validity and URLs resolved.
struct Prepared<'a> {
    plan: Plan<'a>,
    issuer_name: Name,
    signer: Arc<dyn Signer>,
    spki_sha256: String,
    not_before: DateTime<Utc>,
    not_after: DateTime<Utc>,
    urls: RevocationUrls,
    operation: &'static str,
    request: serde_json::Value,
    replaces: Option<(i64, RevocationReason)>,
}

impl Prepared<'_> {
    fn issuance<'s>(&'s self, actor: &'s str) -> Issuance<'s> {
        let plan = &self.plan;
        Issuance {
            issuer_id: &plan.issuer.id,
            issuer_name: &self.issuer_name,
            issuer_spki: &plan.issuer.spki_der,
            signer: Arc::clone(&self.signer),
            subject: &plan.subject,
            subject_spki: plan.key.spki_der(),
            subject_is_rsa: matches!(plan.key.kind(), PublicKeyKind::Rsa { .. }),
            spki_sha256: &self.spki_sha256,
            not_before: self.not_before,
            not_after: self.not_after,
            profile: plan.profile,
            path_len: None,
            email: plan.subscriber.email.as_deref(),
            urls: Some(self.urls.clone()),
            subscriber_id: Some(plan.subscriber.id),
            token_id: plan.token_id,
            operation: self.operation,
            request: self.request.clone(),
            replaces: self.replaces,
            new_issuer: None,
            actor,
        }
    }
}

impl Ca {
    /// Cấp mới: issues a certificate for a registered subscriber.
    pub fn issue(&self, req: &IssueRequest<'_>) -> Result<Issued, CaError> {
        let (plan, request) = self.plan_issue(req)?;
        self.issue_plan(plan, "issue", request, None, req.actor)
    }

    /// Everything that would refuse a new issuance, checked without
    /// writing anything (the dry run and the issuance run this same code).
    pub(crate) fn plan_issue(
        &self,
        req: &IssueRequest<'_>,
    ) -> Result<(Plan<'_>, serde_json::Value), CaError> {
        let profile = self.subscriber_profile(req.profile)?;
        let key = parse_csr(req.csr)?;
        let plan = self.store.read(|c| -> Result<Plan<'_>, CaError> {
            let issuer_id = match req.issuer {
                Some(id) => id.to_owned(),
                None => crate::hierarchy::default_issuer(c)?,
            };
            let issuer = crate::hierarchy::usable_issuer(c, &issuer_id)?;
            let subscriber = crate::registry::load_subscriber(c, req.subscriber_id)?;
            let subject = crate::registry::subject_of(c, &subscriber)?.to_name()?;
            let token_id = token_for(c, req.token, &subscriber)?;
            let days = pick_days(
                req.days,
                profile.default_days,
                profile.max_days,
                "issue",
                &profile.name,
            )?;
            check_subscriber_key(c, &key, subscriber.id, KeyUse::New)?;
            Ok(Plan {
                issuer,
                subscriber,
                subject,
                key,
                profile,
                days,
                token_id,
                extends: None,
            })
        })?;
        let request = json!({
            "subscriber": req.subscriber_id,
            "profile": req.profile,
            "days": req.days,
            "token": req.token,
            "key": plan.key.kind().to_string(),
            "spki_sha256": plan.key.spki_sha256_hex(),
        });
        Ok((plan, request))
    }

    /// Cấp mới for many requests at once (bulk registration, unit
    /// mergers): every request is checked on its own and refused ones do
    /// not stop the others; the accepted ones share one record and one
    /// store transaction (see `engine`). Results come in request order.
    pub fn issue_batch(&self, reqs: &[IssueRequest<'_>]) -> Vec<Result<Issued, CaError>> {
        let prepared: Vec<Result<Prepared<'_>, CaError>> = reqs
            .iter()
            .map(|req| {
                let (plan, request) = self.plan_issue(req)?;
                self.prepare(plan, "issue", request, None)
            })
            .collect();
        let issuances: Vec<Issuance<'_>> = prepared
            .iter()
            .zip(reqs)
            .filter_map(|(p, req)| p.as_ref().ok().map(|p| p.issuance(req.actor)))
            .collect();
        let mut issued = self.run_issuances(&issuances).into_iter();
        prepared
            .into_iter()
            .map(|p| match p {
                Err(e) => Err(e),
                Ok(_) => issued
                    .next()
                    .unwrap_or_else(|| Err(CaError::Refused("issuance batch out of step".into()))),
            })
            .collect()
    }

    /// Gia hạn: same subject, the old key unless a CSR is given, a
    /// validity that extends the old certificate's (see [`validity`]); the
    /// old certificate is superseded (revoked `superseded`) in the
    /// transaction that stores the new one.
    pub fn renew(&self, req: &ReplaceRequest<'_>) -> Result<Issued, CaError> {
        self.replace(req, Operation::Renew)
    }

    /// Thay đổi nội dung: a certificate with the subscriber's registry data
    /// after `changes`, the old key unless a CSR is given; the old one is
    /// revoked superseded (or affiliationChanged). The registry changes are
    /// written only once every check has passed.
    pub fn change_info(&self, req: &ReplaceRequest<'_>) -> Result<Issued, CaError> {
        self.replace(req, Operation::ChangeInfo)
    }

    /// Cấp lại: a certificate on a new key (new CSR required), possibly on a
    /// new token; the old one is revoked superseded (or keyCompromise).
    pub fn reissue(&self, req: &ReplaceRequest<'_>) -> Result<Issued, CaError> {
        self.replace(req, Operation::Reissue)
    }

    /// Thay đổi nội dung for many certificates at once (a unit renamed or
    /// merged): every request is checked on its own and refused ones do
    /// not stop the others; the accepted ones share one record and one
    /// store transaction, each keeping the whole issuance cycle (record the
    /// TBS, sign, verify, store) and its own audit events. Results come in
    /// request order. Registry changes, if any, are written per request
    /// before its certificate is planned, as [`change_info`](Self::change_info)
    /// does; a caller that already changed the registry passes none.
    pub fn change_info_batch(&self, reqs: &[ReplaceRequest<'_>]) -> Vec<Result<Issued, CaError>> {
        let prepared: Vec<Result<Prepared<'_>, CaError>> = reqs
            .iter()
            .map(|req| self.plan_replace(req, Operation::ChangeInfo))
            .collect();
        let issuances: Vec<Issuance<'_>> = prepared
            .iter()
            .zip(reqs)
            .filter_map(|(p, req)| p.as_ref().ok().map(|p| p.issuance(req.actor)))
            .collect();
        let mut issued = self.run_issuances(&issuances).into_iter();
        prepared
            .into_iter()
            .map(|p| match p {
                Err(e) => Err(e),
                Ok(_) => issued
                    .next()
                    .unwrap_or_else(|| Err(CaError::Refused("issuance batch out of step".into()))),
            })
            .collect()
    }

    fn replace(&self, req: &ReplaceRequest<'_>, op: Operation) -> Result<Issued, CaError> {
        let prepared = self.plan_replace(req, op)?;
        self.run_issuance(prepared.issuance(req.actor))
    }

    /// Checks a renewal, change of information or re-issue, writes its
    /// registry changes, and prepares its issuance.
    fn plan_replace(
        &self,
        req: &ReplaceRequest<'_>,
        op: Operation,
    ) -> Result<Prepared<'_>, CaError> {
        let (plan, request, replaces) = self.check_replace(req, op)?;
        if !req.changes.is_empty() {
            self.update_subscriber(plan.subscriber.id, &req.changes, req.actor)?;
        }
        self.prepare(plan, op.as_str(), request, replaces)
    }

    /// Everything that would refuse a renewal, change of information or
    /// re-issue, checked without writing anything: the dry run
    /// ([`Ca::check`]) and the operation itself run this same code.
    #[allow(clippy::type_complexity)]
    pub(crate) fn check_replace(
        &self,
        req: &ReplaceRequest<'_>,
        op: Operation,
    ) -> Result<(Plan<'_>, serde_json::Value, Option<(i64, RevocationReason)>), CaError> {
        if op != Operation::ChangeInfo && !req.changes.is_empty() {
            return Err(CaError::Refused(format!(
                "{} does not change subscriber information; use change-info",
                op.as_str()
            )));
        }
        let new_key = match (req.csr, op) {
            (Some(csr), _) => Some(parse_csr(csr)?),
            (None, Operation::Reissue) => {
                return Err(Rule::MissingField.refuse("a reissue request needs csr"))
            }
            (None, _) => None,
        };
        let reason = match (op, req.reason) {
            (Operation::Renew, Some(_)) => {
                return Err(Rule::InvalidReason.refuse(
                    "a renewal does not revoke the old certificate: a reason does not apply",
                ))
            }
            (Operation::Renew, None) => Some(RevocationReason::Superseded),
            (Operation::ChangeInfo, r) => Some(r.unwrap_or(RevocationReason::Superseded)),
            (Operation::Reissue, r) => Some(r.unwrap_or(RevocationReason::Superseded)),
        };
        if let Some(r) = reason.filter(|_| op != Operation::Renew) {
            let allowed = match op {
                Operation::ChangeInfo => [
                    RevocationReason::Superseded,
                    RevocationReason::AffiliationChanged,
                ],
                _ => [
                    RevocationReason::Superseded,
                    RevocationReason::KeyCompromise,
                ],
            };
            if !allowed.contains(&r) {
                return Err(Rule::InvalidReason.refuse(format!(
                    "the reason must be one of {}, {}: {} revokes the old certificate so, not as {r}",
                    allowed[0],
                    allowed[1],
                    op.as_str(),
                )));
            }
        }
        let (plan, old) = self.store.read(|c| -> Result<_, CaError> {
            let old = req.cert.find(c)?;
            let allowed: &[CertStatus] = match op {
                Operation::Renew => &[CertStatus::Good],
                _ => &[CertStatus::Good, CertStatus::Suspended],
            };
            expect_status(&old, allowed, op.as_str())?;
            let subscriber_id = old.subscriber_id.ok_or_else(|| {
                CaError::Refused(format!("certificate {} has no subscriber", old.serial))
            })?;
            let profile = self.subscriber_profile(&old.profile)?;
            let old_cert = parse_cert(old.cert_der.as_deref().unwrap_or_default())?;
            let issuer = crate::hierarchy::usable_issuer(c, &old.issuer_id)?;
            let subscriber = crate::registry::load_subscriber(c, subscriber_id)?;
            let subject = match op {
                Operation::Renew => old_cert.tbs_certificate.subject.clone(),
                _ => {
                    let current = crate::registry::subject_of(c, &subscriber)?;
                    let (info, _) = req.changes.apply(current)?;
                    if req.changes.unit.is_some() {
                        crate::registry::expect_unit(
                            c,
                            info.organizational_unit.as_deref(),
                            info.province.as_deref().unwrap_or(&subscriber.province),
                        )?;
                    }
                    info.to_name()?
                }
            };
            let old_spki = der::Encode::to_der(&old_cert.tbs_certificate.subject_public_key_info)
                .map_err(crate::certificate::CertificateError::from)?;
            let key = match &new_key {
                Some(k) => k.clone(),
                None => SubscriberKey::from_spki_der(&old_spki)?,
            };
            if op == Operation::Reissue && key.spki_sha256_hex() == old.spki_sha256 {
                return Err(CaError::Refused(
                    "re-issue needs a new key; this CSR carries the old certificate's key".into(),
                ));
            }
            let key_use = if key.spki_sha256_hex() == old.spki_sha256 {
                KeyUse::Kept
            } else {
                KeyUse::New
            };
            let token_id = match req.token {
                Some(_) => token_for(c, req.token, &subscriber)?,
                None if req.csr.is_some() && op == Operation::Reissue => None,
                None => old.token_id,
            };
            let (default, max) = match op {
                Operation::Renew => (profile.max_renewal_days, profile.max_renewal_days),
                _ => (profile.default_days, profile.max_days),
            };
            let days = pick_days(req.days, default, max, op.as_str(), &profile.name)?;
            check_subscriber_key(c, &key, subscriber.id, key_use)?;
            let plan = Plan {
                issuer,
                subscriber,
                subject,
                key,
                profile,
                days,
                token_id,
                extends: (op == Operation::Renew).then(|| old.not_after.and_utc()),
            };
            validity(&plan, whole_seconds(Utc::now()))?;
            Ok((plan, old))
        })?;
        let request = json!({
            "replaces": old.serial,
            "days": req.days,
            "token": req.token,
            "new_key": req.csr.is_some(),
            "key": plan.key.kind().to_string(),
            "spki_sha256": plan.key.spki_sha256_hex(),
            "reason": reason.map(RevocationReason::as_str),
        });
        let replaces = reason.map(|r| (old.id, r));
        Ok((plan, request, replaces))
    }

    fn issue_plan(
        &self,
        plan: Plan<'_>,
        operation: &'static str,
        request: serde_json::Value,
        replaces: Option<(i64, RevocationReason)>,
        actor: &str,
    ) -> Result<Issued, CaError> {
        let prepared = self.prepare(plan, operation, request, replaces)?;
        self.run_issuance(prepared.issuance(actor))
    }

    /// Everything an issuance needs beyond the plan: the issuer's name and
    /// signer, the validity, the URLs.
    fn prepare<'p>(
        &self,
        plan: Plan<'p>,
        operation: &'static str,
        request: serde_json::Value,
        replaces: Option<(i64, RevocationReason)>,
    ) -> Result<Prepared<'p>, CaError> {
        let issuer_cert = parse_cert(plan.issuer.cert_der.as_deref().unwrap_or_default())?;
        let signer = self.signer_for(&plan.issuer)?;
        let (not_before, not_after) = plan.validity()?;
        let urls = RevocationUrls::for_issuer(&self.public_url()?, &plan.issuer.id)
            .with_crl_shards(plan.issuer.crl_shards);
        Ok(Prepared {
            spki_sha256: plan.key.spki_sha256_hex(),
            issuer_name: issuer_cert.tbs_certificate.subject,
            plan,
            signer,
            not_before,
            not_after,
            urls,
            operation,
            request,
            replaces,
        })
    }

    fn subscriber_profile(&self, name: &str) -> Result<&Profile, CaError> {
        let profile = self.config.profiles.get(name)?;
        if profile.kind != ProfileKind::EndEntity {
            return Err(CaError::Refused(format!(
                "profile {name:?} is not for subscriber certificates"
            )));
        }
        Ok(profile)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Operation {
    Renew,
    ChangeInfo,
    Reissue,
}

impl Operation {
    fn as_str(self) -> &'static str {
        match self {
            Self::Renew => "renew",
            Self::ChangeInfo => "change-info",
            Self::Reissue => "reissue",
        }
    }
}

/// The validity of a planned certificate issued at `now`.
///
/// A new issuance, change of information or re-issue runs `days` from
/// now. A renewal (gia hạn) extends: it runs `days` from the later of now
/// and the renewed certificate's notAfter, so it never ends before the
/// certificate it renews. Either is clamped to the issuer's notAfter; a
/// renewal the issuer cannot carry past the old notAfter is refused
/// ([`Rule::RenewalCannotExtend`]) rather than shortened.
fn validity(
    plan: &Plan<'_>,
    now: DateTime<Utc>,
) -> Result<(DateTime<Utc>, DateTime<Utc>), CaError> {
    let start = plan.extends.map_or(now, |old| old.max(now));
    let mut not_after = start + Duration::days(i64::from(plan.days));
    let issuer_end = plan.issuer.not_after.map(|t| t.and_utc());
    if let Some(limit) = issuer_end {
        not_after = not_after.min(limit);
    }
    if not_after <= now {
        return Err(CaError::IssuerUnavailable {
            id: plan.issuer.id.clone(),
            reason: "its certificate has expired".into(),
        });
    }
    if let Some(old) = plan.extends.filter(|old| not_after <= *old) {
        return Err(Rule::RenewalCannotExtend.refuse(format!(
            "a renewal must end after the certificate it renews ({}), but the issuer {} ends at {}",
            old.to_rfc3339(),
            plan.issuer.id,
            issuer_end.map_or_else(|| "?".to_owned(), |t| t.to_rfc3339()),
        )));
    }
    Ok((now, not_after))
}

fn pick_days(
    asked: Option<u32>,
    default: u32,
    max: u32,
    what: &str,
    profile: &impl std::fmt::Display,
) -> Result<u32, CaError> {
    match asked {
        None => Ok(default),
        Some(d) if d == 0 || d > max => Err(Rule::InvalidDays.refuse(format!(
            "days must be 1-{max} for a {what} with profile {profile}, {d} asked"
        ))),
        Some(d) => Ok(d),
    }
}

/// The token a certificate goes on: registered, active, held by the subscriber.
fn token_for(
    c: &mut DbConnection,
    serial: Option<&str>,
    subscriber: &SubscriberRow,
) -> Result<Option<i64>, CaError> {
    let Some(serial) = serial else {
        return Ok(None);
    };
    let token: TokenRow = crate::token::load_token(c, serial)?;
    if token.status != crate::token::TokenState::Active {
        return Err(CaError::TokenUnusable {
            serial: token.serial,
            reason: format!("it is {}", token.status),
        });
    }
    if token.subscriber_id != Some(subscriber.id) {
        return Err(CaError::TokenUnusable {
            serial: token.serial,
            reason: format!("it is not held by subscriber {}", subscriber.id),
        });
    }
    Ok(Some(token.id))
}
