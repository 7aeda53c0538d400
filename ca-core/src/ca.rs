//! [`Ca`]: the certificate authority as the binaries hold it — the store,
//! the profiles, and access to the issuers' keys.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use diesel::prelude::*;

use crate::config::CaConfig;
use crate::profile::ProfileSet;
use crate::signer::{Hsm, Signer, SignerError, SoftwareKeyStore, PKCS11_BACKEND};
use crate::store::models::IssuerRow;
use crate::store::schema::{issuers, settings};
use crate::store::{DbConnection, Store};
use crate::CaError;

/// The `key_backend` of software keys.
pub const SOFTWARE_BACKEND: &str = "software";
/// The settings row holding the public base URL.
pub(crate) const PUBLIC_URL_SETTING: &str = "public_url";

/// The certificate authority.
pub struct Ca {
    pub(crate) store: Store,
    pub(crate) config: CaConfig,
    signers: Mutex<HashMap<String, Arc<dyn Signer>>>,
    /// The configured token, once opened.
    hsm: Mutex<Option<Arc<Hsm>>>,
}

impl Ca {
    /// Opens the store (running migrations) and checks that every active
    /// issuer's key is where its record says: software key files exist;
    /// keys on a token are found and test-signed now (a missing module,
    /// token or key, or a wrong PIN, fails here). Software keys are
    /// decrypted only when first needed.
    pub fn open(config: CaConfig) -> Result<Self, CaError> {
        let store = Store::open(&config.database_url)?;
        let ca = Self {
            store,
            config,
            signers: Mutex::new(HashMap::new()),
            hsm: Mutex::new(None),
        };
        ca.check_issuer_keys()?;
        Ok(ca)
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The profiles.
    pub fn profiles(&self) -> &ProfileSet {
        &self.config.profiles
    }

    /// The configuration.
    pub fn config(&self) -> &CaConfig {
        &self.config
    }

    /// The public base URL recorded at `init`.
    pub fn public_url(&self) -> Result<String, CaError> {
        self.store
            .read(|c| setting(c, PUBLIC_URL_SETTING))?
            .ok_or(CaError::NotInitialized)
    }

    /// The signer of an issuer, loaded (and decrypted) once per process.
    pub fn signer_for(&self, issuer: &IssuerRow) -> Result<Arc<dyn Signer>, CaError> {
        if let Some(s) = self.lock_signers().get(&issuer.id) {
            return Ok(Arc::clone(s));
        }
        let signer: Arc<dyn Signer> = match issuer.key_backend.as_str() {
            SOFTWARE_BACKEND => Arc::new(
                self.software_keys()?
                    .load(&issuer.key_ref, issuer.key_type()?)?,
            ),
            PKCS11_BACKEND => Arc::new(self.hsm()?.load(&issuer.key_ref, issuer.key_type()?)?),
            other => {
                return Err(SignerError::UnknownBackend {
                    backend: other.to_owned(),
                }
                .into())
            }
        };
        if signer.spki_der() != issuer.spki_der {
            return Err(SignerError::Mismatch {
                key_ref: issuer.key_ref.clone(),
                detail: format!("public key differs from issuer {:?}", issuer.id),
            }
            .into());
        }
        self.lock_signers()
            .insert(issuer.id.clone(), Arc::clone(&signer));
        Ok(signer)
    }

    pub(crate) fn remember_signer(&self, id: &str, signer: Arc<dyn Signer>) {
        self.lock_signers().insert(id.to_owned(), signer);
    }

    /// The configured PKCS#11 token, opened (and logged in) on first use.
    pub fn hsm(&self) -> Result<Arc<Hsm>, CaError> {
        let mut open = self.hsm.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(h) = open.as_ref() {
            return Ok(Arc::clone(h));
        }
        let config = self.config.hsm.as_ref().ok_or_else(|| SignerError::Hsm {
            detail: "no HSM is configured: set GOVPKI_HSM_MODULE, GOVPKI_HSM_TOKEN and GOVPKI_HSM_PIN (or GOVPKI_HSM_PIN_FILE)".into(),
        })?;
        let hsm = Hsm::open(config)?;
        *open = Some(Arc::clone(&hsm));
        Ok(hsm)
    }

    pub(crate) fn software_keys(&self) -> Result<SoftwareKeyStore, CaError> {
        let passphrase = self.config.resolve_passphrase()?;
        Ok(SoftwareKeyStore::new(self.config.key_dir(), passphrase))
    }

    fn lock_signers(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<dyn Signer>>> {
        // A poisoned lock only means another thread panicked while inserting
        // into the cache; the map itself is still consistent.
        self.signers.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn check_issuer_keys(&self) -> Result<(), CaError> {
        let rows: Vec<IssuerRow> = self.store.read(|c| {
            issuers::table
                .select(IssuerRow::as_select())
                .load(c)
                .map_err(crate::store::StoreError::from)
        })?;
        for row in rows {
            if row.key_backend == PKCS11_BACKEND {
                self.signer_for(&row)?;
            }
            if row.key_backend == SOFTWARE_BACKEND {
                let path = self.config.key_dir().join(&row.key_ref);
                if !path.exists() {
                    return Err(SignerError::KeyFile {
                        path,
                        detail: format!("the key of issuer {:?} is missing", row.id),
                    }
                    .into());
                }
            }
        }
        Ok(())
    }
}

/// Reads a setting.
pub(crate) fn setting(conn: &mut DbConnection, name: &str) -> Result<Option<String>, CaError> {
    Ok(settings::table
        .filter(settings::name.eq(name))
        .select(settings::value)
        .first(conn)
        .optional()
        .map_err(crate::store::StoreError::from)?)
}

impl From<diesel::result::Error> for CaError {
    fn from(e: diesel::result::Error) -> Self {
        Self::Store(e.into())
    }
}
