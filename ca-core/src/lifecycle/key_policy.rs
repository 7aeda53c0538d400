//! One key, one holder: which public keys a subscriber certificate may
//! carry. Checked by the dry run and again by the operation (both run the
//! plan that calls [`check_subscriber_key`]).
//!
//! A key is refused when it is blocked (a compromised key, a lost token);
//! when it is the key of any issuer or OCSP delegate, current or past,
//! software or HSM (a CA key certified as a person's would let its holder
//! impersonate the CA's own signatures); when it is certified to another
//! subscriber, whatever that certificate's status; and, for a new issuance,
//! when one of the subscriber's own live certificates already carries it
//! (that is what a renewal is for).

use std::collections::BTreeSet;

use diesel::prelude::*;

use crate::csr::{spki_identity, SubscriberKey};
use crate::rule::Rule;
use crate::status::CertStatus;
use crate::store::schema::{blocked_keys, certificates, issuers, ocsp_signers};
use crate::store::DbConnection;
use crate::CaError;

/// Whether the operation brings the key in or keeps the one the
/// subscriber's certificate already carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyUse {
    /// A new issuance or a re-issue: the key must be new to the CA.
    New,
    /// A renewal, change of information or unit change keeping the key of
    /// the certificate it replaces.
    Kept,
}

/// The identities of every key of the CA: issuers, OCSP delegates, and
/// every certificate issued to no subscriber (CA and delegate
/// certificates, current or past).
pub(crate) fn ca_keys(c: &mut DbConnection) -> Result<BTreeSet<String>, CaError> {
    let mut keys: BTreeSet<String> = certificates::table
        .filter(certificates::subscriber_id.is_null())
        .select(certificates::spki_sha256)
        .distinct()
        .load::<String>(c)?
        .into_iter()
        .collect();
    let issuer_keys: Vec<Vec<u8>> = issuers::table.select(issuers::spki_der).load(c)?;
    let delegate_keys: Vec<Vec<u8>> = ocsp_signers::table.select(ocsp_signers::spki_der).load(c)?;
    keys.extend(
        issuer_keys
            .iter()
            .chain(&delegate_keys)
            .map(|k| spki_identity(k)),
    );
    Ok(keys)
}

/// Applies the key policy to a key a subscriber's certificate would carry.
pub(crate) fn check_subscriber_key(
    c: &mut DbConnection,
    key: &SubscriberKey,
    subscriber_id: i64,
    key_use: KeyUse,
) -> Result<(), CaError> {
    let hex = key.spki_sha256_hex();
    let blocked: Option<String> = blocked_keys::table
        .find(&hex)
        .select(blocked_keys::reason)
        .first(c)
        .optional()?;
    if let Some(reason) = blocked {
        return Err(CaError::KeyBlocked {
            spki_sha256: hex,
            reason,
        });
    }
    if ca_keys(c)?.contains(&hex) {
        return Err(Rule::CaKey.refuse(format!(
            "public key {hex} is a key of the certification authority itself (an issuing CA or \
             its OCSP delegate); a subscriber needs a key of its own"
        )));
    }
    let holders: Vec<(Option<i64>, CertStatus)> = certificates::table
        .filter(certificates::spki_sha256.eq(&hex))
        .select((certificates::subscriber_id, certificates::status))
        .load(c)?;
    if holders
        .iter()
        .any(|(holder, _)| *holder != Some(subscriber_id))
    {
        return Err(Rule::KeyOfAnotherSubscriber.refuse(format!(
            "public key {hex} is certified to another subscriber; one key has one holder, so this \
             subscriber needs a key of its own"
        )));
    }
    let live = holders.iter().any(|(_, status)| {
        matches!(
            status,
            CertStatus::Pending | CertStatus::Good | CertStatus::Suspended
        )
    });
    if key_use == KeyUse::New && live {
        return Err(Rule::KeyAlreadyCertified.refuse(format!(
            "public key {hex} is already certified to this subscriber in a valid certificate; \
             to extend it, renew that certificate (gia hạn) instead of issuing a new one"
        )));
    }
    Ok(())
}
