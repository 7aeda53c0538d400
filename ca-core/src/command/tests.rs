//! One set of rules, checked twice: every refusal the dry run reports is
//! the operation's own, nothing changes when a command is refused, and a
//! command that passed its dry run is refused when it is carried out if
//! its target changed in between.

use diesel::prelude::*;

use super::{Command, TokenChange};
use crate::registry::{SubscriberChanges, SubscriberInput, SubscriberKind, UnitChange};
use crate::rule::Rule;
use crate::serial::Serial;
use crate::status::RevocationReason;
use crate::store::schema::{audit_head, certificates};
use crate::test_support::test_ca as ca_in;
use crate::{Ca, CaError};

fn test_ca(dir: &std::path::Path) -> Ca {
    ca_in(dir, None)
}

fn csr_pem() -> String {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    rcgen::CertificateParams::default()
        .serialize_request(&key)
        .unwrap()
        .pem()
        .unwrap()
}

fn subscriber(ca: &Ca, name: &str, cccd: &str) -> i64 {
    ca.add_subscriber(
        &SubscriberInput {
            kind: SubscriberKind::Individual,
            name: name.into(),
            national_id: Some(cccd.into()),
            tax_code: None,
            title: Some("Chuyên viên".into()),
            unit: Some("Sở Tài chính".into()),
            organization: None,
            locality: None,
            province: "Cần Thơ".into(),
            email: None,
            phone: None,
        },
        "test",
    )
    .unwrap()
    .id
}

fn issue(subscriber_id: i64, csr: &str, token: Option<&str>, days: Option<u32>) -> Command {
    Command::Issue {
        subscriber_id,
        profile: None,
        csr: csr.to_owned(),
        token: token.map(str::to_owned),
        days,
    }
}

/// The rows and the audit head: what a refused command must leave as it was.
fn state(ca: &Ca) -> (i64, i64) {
    let mut c = ca.store().conn().unwrap();
    let certs: i64 = certificates::table.count().get_result(&mut *c).unwrap();
    let head: i64 = audit_head::table
        .select(audit_head::seq)
        .first(&mut *c)
        .unwrap();
    (certs, head)
}

fn serial_of(ca: &Ca, command: &Command) -> Serial {
    let id = ca.execute(command, "test").unwrap().certificate_id.unwrap();
    let mut c = ca.store().conn().unwrap();
    let hex: String = certificates::table
        .find(id)
        .select(certificates::serial)
        .first(&mut *c)
        .unwrap();
    hex.parse().unwrap()
}

/// Asserts that both the dry run and the execution refuse `command` with
/// an error `expected` accepts, and that nothing changed.
fn refused(ca: &Ca, command: &Command, expected: impl Fn(&CaError) -> bool) {
    let before = state(ca);
    let checked = ca.check(command).expect_err("the dry run refuses");
    assert!(expected(&checked), "dry run of {command:?}: {checked}");
    let executed = ca
        .execute(command, "test")
        .expect_err("the execution refuses");
    assert!(expected(&executed), "execution of {command:?}: {executed}");
    assert_eq!(state(ca), before, "{command:?} changed something");
}

fn rule(r: Rule) -> impl Fn(&CaError) -> bool {
    move |e| matches!(e, CaError::Rule { rule, .. } if *rule == r)
}

#[test]
fn the_dry_run_reports_every_refusal_the_operation_makes() {
    let dir = tempfile::tempdir().unwrap();
    let ca = test_ca(dir.path());
    let an = subscriber(&ca, "Nguyễn Văn An", "CCCD:001089031733");
    let binh = subscriber(&ca, "Trần Thị Bình", "CCCD:001089031734");
    ca.add_token("TK-AN", an, None, "test").unwrap();
    ca.add_token("TK-BINH", binh, None, "test").unwrap();
    ca.add_token("TK-LOST", an, None, "test").unwrap();

    let on_lost = csr_pem();
    let lost_serial = serial_of(&ca, &issue(an, &on_lost, Some("TK-LOST"), None));
    ca.execute(
        &Command::Token {
            serial: "TK-LOST".into(),
            change: TokenChange::Lost,
        },
        "test",
    )
    .unwrap();
    let good = serial_of(&ca, &issue(an, &csr_pem(), Some("TK-AN"), None));
    let suspended = serial_of(&ca, &issue(an, &csr_pem(), None, None));
    ca.execute(
        &Command::Suspend {
            serial: suspended.clone(),
        },
        "test",
    )
    .unwrap();

    // Key policy: a key blocked with its lost token.
    refused(&ca, &issue(an, &on_lost, None, None), |e| {
        matches!(e, CaError::KeyBlocked { .. })
    });
    // Profile: validity beyond the profile's.
    refused(
        &ca,
        &issue(an, &csr_pem(), None, Some(100_000)),
        rule(Rule::InvalidDays),
    );
    refused(
        &ca,
        &issue(an, &csr_pem(), None, Some(0)),
        rule(Rule::InvalidDays),
    );
    // Tokens: another's, and one that is lost.
    refused(&ca, &issue(an, &csr_pem(), Some("TK-BINH"), None), |e| {
        matches!(e, CaError::TokenUnusable { .. })
    });
    refused(&ca, &issue(an, &csr_pem(), Some("TK-LOST"), None), |e| {
        matches!(e, CaError::TokenUnusable { .. })
    });
    refused(
        &ca,
        &Command::Token {
            serial: "TK-LOST".into(),
            change: TokenChange::Found,
        },
        |e| matches!(e, CaError::TokenUnusable { .. }),
    );
    // Certificate status.
    let transition = |e: &CaError| matches!(e, CaError::InvalidTransition { .. });
    refused(
        &ca,
        &Command::Renew {
            serial: suspended,
            csr: None,
            days: None,
        },
        transition,
    );
    refused(
        &ca,
        &Command::Restore {
            serial: good.clone(),
        },
        transition,
    );
    refused(
        &ca,
        &Command::Revoke {
            serial: lost_serial,
            reason: RevocationReason::Unspecified,
        },
        transition,
    );
    // Reasons.
    refused(
        &ca,
        &Command::Revoke {
            serial: good.clone(),
            reason: RevocationReason::CertificateHold,
        },
        rule(Rule::InvalidReason),
    );
    refused(
        &ca,
        &Command::Reissue {
            serial: good.clone(),
            csr: csr_pem(),
            token: None,
            days: None,
            reason: Some(RevocationReason::AffiliationChanged),
        },
        rule(Rule::InvalidReason),
    );
    // Names and fields.
    refused(
        &ca,
        &Command::ChangeInfo {
            serial: good.clone(),
            changes: SubscriberChanges::default(),
            csr: None,
            days: None,
            reason: None,
        },
        rule(Rule::MissingField),
    );
    refused(
        &ca,
        &Command::ChangeInfo {
            serial: good,
            changes: SubscriberChanges {
                title: Some("x".repeat(200)),
                ..SubscriberChanges::default()
            },
            csr: None,
            days: None,
            reason: None,
        },
        |e| matches!(e, CaError::Subject(_)),
    );
    // A CA certificate is no subscriber's.
    let root_serial: Serial = {
        let mut c = ca.store().conn().unwrap();
        let hex: String = certificates::table
            .filter(certificates::subscriber_id.is_null())
            .select(certificates::serial)
            .first(&mut *c)
            .unwrap();
        hex.parse().unwrap()
    };
    let before = state(&ca);
    let e = ca
        .check(&Command::Suspend {
            serial: root_serial,
        })
        .unwrap_err();
    assert!(rule(Rule::NotASubscriberCertificate)(&e), "{e}");
    assert_eq!(state(&ca), before);
    // Unit changes.
    let unit = ca.units(Some("Cần Thơ"), 10).unwrap()[0].id;
    let e = ca
        .check(&Command::UnitChange(UnitChange {
            unit_id: unit,
            unit_name: None,
            merge_into: Some(unit),
        }))
        .unwrap_err();
    assert!(rule(Rule::SelfMerge)(&e), "{e}");
}

#[test]
fn a_target_changed_after_the_dry_run_is_refused_when_carried_out() {
    let dir = tempfile::tempdir().unwrap();
    let ca = test_ca(dir.path());
    let an = subscriber(&ca, "Nguyễn Văn An", "CCCD:001089031733");
    ca.add_token("TK-AN", an, None, "test").unwrap();
    let serial = serial_of(&ca, &issue(an, &csr_pem(), Some("TK-AN"), None));
    let renew = Command::Renew {
        serial: serial.clone(),
        csr: None,
        days: None,
    };
    let target = ca.check(&renew).unwrap();
    assert_eq!(target.province, "Cần Thơ");
    assert_eq!(target.subscriber_id, Some(an));
    // Meanwhile another approver revokes it.
    ca.execute(
        &Command::Revoke {
            serial,
            reason: RevocationReason::KeyCompromise,
        },
        "test",
    )
    .unwrap();
    let before = state(&ca);
    let e = ca.execute(&renew, "test").unwrap_err();
    assert!(matches!(e, CaError::InvalidTransition { .. }), "{e}");
    assert_eq!(state(&ca), before);
    // A new issuance checked before the token was lost.
    let csr = csr_pem();
    let on_token = issue(an, &csr, Some("TK-AN"), None);
    ca.check(&on_token).unwrap();
    ca.execute(
        &Command::Token {
            serial: "TK-AN".into(),
            change: TokenChange::Lost,
        },
        "test",
    )
    .unwrap();
    let e = ca.execute(&on_token, "test").unwrap_err();
    assert!(matches!(e, CaError::TokenUnusable { .. }), "{e}");
}

/// A renewal extends: it ends its days after the certificate it renews,
/// supersedes it, and is refused (dry run and execution alike) when the
/// issuer's own certificate ends before it could end later.
#[test]
fn a_renewal_extends_and_supersedes_or_is_refused() {
    use crate::status::CertStatus;
    use crate::store::schema::issuers;

    let dir = tempfile::tempdir().unwrap();
    let ca = test_ca(dir.path());
    let an = subscriber(&ca, "Nguyễn Văn An", "CCCD:001089031733");
    let serial = serial_of(&ca, &issue(an, &csr_pem(), None, None));
    let row = |serial: &Serial| {
        let mut c = ca.store().conn().unwrap();
        certificates::table
            .filter(certificates::serial.eq(serial.to_string()))
            .select((
                certificates::id,
                certificates::status,
                certificates::not_after,
                certificates::replaces_id,
                certificates::revocation_reason,
            ))
            .first::<(
                i64,
                CertStatus,
                chrono::NaiveDateTime,
                Option<i64>,
                Option<RevocationReason>,
            )>(&mut *c)
            .unwrap()
    };
    let (old_id, _, old_end, _, _) = row(&serial);

    // The issuer ends exactly when the certificate does: no renewal could
    // end later, so it is refused rather than shortened.
    let renew = |days| Command::Renew {
        serial: serial.clone(),
        csr: None,
        days,
    };
    let set_issuer_end = |end: chrono::NaiveDateTime| {
        let mut c = ca.store().conn().unwrap();
        diesel::update(issuers::table.filter(issuers::id.eq("gov-ca")))
            .set(issuers::not_after.eq(Some(end)))
            .execute(&mut *c)
            .unwrap();
    };
    let issuer_end: Option<chrono::NaiveDateTime> = {
        let mut c = ca.store().conn().unwrap();
        issuers::table
            .filter(issuers::id.eq("gov-ca"))
            .select(issuers::not_after)
            .first(&mut *c)
            .unwrap()
    };
    set_issuer_end(old_end);
    refused(&ca, &renew(None), rule(Rule::RenewalCannotExtend));
    set_issuer_end(issuer_end.unwrap());

    let new = serial_of(&ca, &renew(Some(30)));
    let (_, status, new_end, replaces, _) = row(&new);
    assert_eq!(status, CertStatus::Good);
    assert_eq!(new_end - old_end, chrono::Duration::days(30));
    assert_eq!(replaces, Some(old_id));
    let (_, old_status, _, _, reason) = row(&serial);
    assert_eq!(old_status, CertStatus::Revoked);
    assert_eq!(reason, Some(RevocationReason::Superseded));
}
