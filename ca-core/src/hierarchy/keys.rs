//! Moving an issuer's key: `ca use-hsm-key` points an existing issuer at a
//! key pair already on the token (imported there by the HSM's own tools,
//! for example from a key backup), after checking it is the very key its
//! certificate names.

use diesel::prelude::*;
use serde_json::json;

use crate::audit::{self, AuditAction, AuditEvent};
use crate::signer::{pkcs11_key_ref, Signer, PKCS11_BACKEND};
use crate::store::schema::{issuers, ocsp_signers};
use crate::{Ca, CaError};

impl Ca {
    /// Makes the token key labelled `label` the key of issuer `id`: its
    /// public key must be the issuer's, and it must sign (the load test-
    /// signs it). Audited as `ca.use-hsm-key`; the former key reference is
    /// in the event.
    pub fn use_hsm_key(&self, id: &str, label: &str, actor: &str) -> Result<(), CaError> {
        let row = self.issuer(id)?;
        let signer = self.hsm()?.load(&pkcs11_key_ref(label), row.key_type()?)?;
        if signer.spki_der() != row.spki_der {
            return Err(CaError::Refused(format!(
                "the token key {label:?} is not the key of issuer {id:?} (its public key differs)"
            )));
        }
        let key_ref = signer.key_ref();
        self.store.write(|c| -> Result<(), CaError> {
            diesel::update(issuers::table.find(id))
                .set((
                    issuers::key_backend.eq(PKCS11_BACKEND),
                    issuers::key_ref.eq(&key_ref),
                ))
                .execute(c)?;
            audit::append(
                c,
                AuditEvent {
                    actor,
                    action: AuditAction::CaUseHsmKey,
                    object: &format!("issuer:{id}"),
                    details: json!({
                        "from": { "backend": row.key_backend, "key_ref": row.key_ref },
                        "to": { "backend": PKCS11_BACKEND, "key_ref": key_ref },
                    }),
                },
            )?;
            Ok(())
        })?;
        self.remember_signer(id, std::sync::Arc::new(signer));
        Ok(())
    }

    /// (key reference, user) of every issuer and OCSP signer key:
    /// `issuer:ID` or `ocsp-signer:ID`.
    pub fn key_users(&self) -> Result<Vec<(String, String)>, CaError> {
        Ok(self
            .store
            .read(|c| -> Result<_, crate::store::StoreError> {
                let mut out: Vec<(String, String)> = issuers::table
                    .select((issuers::key_ref, issuers::id))
                    .load::<(String, String)>(c)?
                    .into_iter()
                    .map(|(r, id)| (r, format!("issuer:{id}")))
                    .collect();
                let delegates: Vec<(String, String)> = ocsp_signers::table
                    .select((ocsp_signers::key_ref, ocsp_signers::issuer_id))
                    .load(c)?;
                out.extend(
                    delegates
                        .into_iter()
                        .map(|(r, id)| (r, format!("ocsp-signer:{id}"))),
                );
                Ok(out)
            })?)
    }
}
