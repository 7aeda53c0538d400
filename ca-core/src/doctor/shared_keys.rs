//! Certificates issued before the key policy that break it: a key certified
//! to two subscribers, or a subscriber certificate carrying a key of the CA
//! itself. `govpki doctor` reports them; `--fix` revokes them
//! (keyCompromise: whoever else holds the key could sign as the holder).

use diesel::dsl::count;
use diesel::prelude::*;

use crate::lifecycle::{ca_keys, revoke_compromised};
use crate::status::CertStatus;
use crate::store::schema::certificates;
use crate::store::DbConnection;
use crate::{Ca, CaError};

/// What is wrong with a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyFindingKind {
    /// Certified to more than one subscriber.
    SharedAcrossSubscribers,
    /// A key of an issuer or an OCSP delegate, certified to a subscriber.
    CaKey,
}

/// A key that breaks the policy, with the live subscriber certificates
/// carrying it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyFinding {
    /// What is wrong.
    pub kind: KeyFindingKind,
    /// SHA-256 of the SubjectPublicKeyInfo.
    pub spki_sha256: String,
    /// The live (good or suspended) subscriber certificates on the key, as
    /// issuer/serial.
    pub certificates: Vec<String>,
    /// Those revoked by `--fix` (empty without it).
    pub revoked: Vec<String>,
}

impl std::fmt::Display for KeyFinding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = match self.kind {
            KeyFindingKind::SharedAcrossSubscribers => "is certified to more than one subscriber",
            KeyFindingKind::CaKey => "is a key of the CA itself",
        };
        write!(
            f,
            "key {} {what}; live certificates on it: {}",
            self.spki_sha256,
            self.certificates.join(", ")
        )?;
        if !self.revoked.is_empty() {
            write!(f, "; revoked (key-compromise): {}", self.revoked.join(", "))?;
        }
        Ok(())
    }
}

impl Ca {
    /// Finds live subscriber certificates on a key certified to another
    /// subscriber or on a CA key; with `fix`, revokes each (keyCompromise,
    /// which blocks the key), one audit event per certificate.
    pub fn key_findings(&self, fix: bool, actor: &str) -> Result<Vec<KeyFinding>, CaError> {
        let found = self.store.read(|c| -> Result<Vec<KeyFinding>, CaError> {
            let mut found = Vec::new();
            for spki in ca_keys(c)? {
                push_live(c, &mut found, KeyFindingKind::CaKey, spki)?;
            }
            let shared: Vec<String> = certificates::table
                .filter(certificates::subscriber_id.is_not_null())
                .group_by(certificates::spki_sha256)
                .having(
                    count(certificates::subscriber_id)
                        .aggregate_distinct()
                        .gt(1),
                )
                .select(certificates::spki_sha256)
                .load(c)?;
            for spki in shared {
                if !found.iter().any(|f: &KeyFinding| f.spki_sha256 == spki) {
                    push_live(c, &mut found, KeyFindingKind::SharedAcrossSubscribers, spki)?;
                }
            }
            Ok(found)
        })?;
        if !fix {
            return Ok(found);
        }
        found
            .into_iter()
            .map(|mut finding| {
                finding.revoked = self.revoke_live_on_key(&finding.spki_sha256, actor)?;
                Ok(finding)
            })
            .collect()
    }

    /// Revokes every live subscriber certificate on the key
    /// (keyCompromise), in one transaction.
    fn revoke_live_on_key(&self, spki_sha256: &str, actor: &str) -> Result<Vec<String>, CaError> {
        self.store.write(|c| -> Result<Vec<String>, CaError> {
            let live = live_on_key(c, spki_sha256)?;
            let mut revoked = Vec::with_capacity(live.len());
            for (id, name) in live {
                revoke_compromised(c, id, "doctor --fix", actor)?;
                revoked.push(name);
            }
            Ok(revoked)
        })
    }
}

/// The live subscriber certificates on a key, as (id, issuer/serial).
fn live_on_key(c: &mut DbConnection, spki_sha256: &str) -> Result<Vec<(i64, String)>, CaError> {
    let rows: Vec<(i64, String, String)> = certificates::table
        .filter(certificates::spki_sha256.eq(spki_sha256))
        .filter(certificates::subscriber_id.is_not_null())
        .filter(
            certificates::status
                .eq_any([CertStatus::Good.as_str(), CertStatus::Suspended.as_str()]),
        )
        .order(certificates::id.asc())
        .select((
            certificates::id,
            certificates::issuer_id,
            certificates::serial,
        ))
        .load(c)?;
    Ok(rows
        .into_iter()
        .map(|(id, issuer, serial)| (id, format!("{issuer}/{serial}")))
        .collect())
}

fn push_live(
    c: &mut DbConnection,
    found: &mut Vec<KeyFinding>,
    kind: KeyFindingKind,
    spki_sha256: String,
) -> Result<(), CaError> {
    let live = live_on_key(c, &spki_sha256)?;
    if !live.is_empty() {
        found.push(KeyFinding {
            kind,
            spki_sha256,
            certificates: live.into_iter().map(|(_, name)| name).collect(),
            revoked: Vec::new(),
        });
    }
    Ok(())
}
