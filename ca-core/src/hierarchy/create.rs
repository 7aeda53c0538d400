//! Creating CAs: `init` (root + issuing CA) and `ca create-sub`.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{Duration, Utc};
use diesel::prelude::*;
use serde_json::json;

use super::{check_issuer_id, query, IssuerInfo, DEFAULT_ISSUER_SETTING, ISSUER_PENDING};
use crate::audit::{self, AuditAction, AuditEvent};
use crate::ca::PUBLIC_URL_SETTING;
use crate::certificate::RevocationUrls;
use crate::config::{DEFAULT_PUBLIC_URL, DEMO_PASSPHRASE_FILE};
use crate::lifecycle::{now, parse_cert, whole_seconds, Issuance};
use crate::profile::{KeyUsageBit, Profile, ProfileKind, MAX_CA_DAYS};
use crate::signer::{pkcs11_key_ref, CaKeyType, KeyPassphrase, KeySpec, Signer, PKCS11_BACKEND};
use crate::store::models::IssuerRow;
use crate::store::schema::{issuers, settings};
use crate::subject::SubjectInfo;
use crate::{Ca, CaError, SOFTWARE_BACKEND};

/// The root's id in demo mode.
pub const DEMO_ROOT_ID: &str = "root";
/// The issuing CA's id in demo mode.
pub const DEMO_ISSUING_ID: &str = "gov-ca";

/// What `govpki init` creates.
#[derive(Debug, Clone)]
pub struct InitOptions {
    /// Demo mode: a random key passphrase written to a 0600 file when none
    /// is configured.
    pub demo: bool,
    /// The root's id.
    pub root_id: String,
    /// The root's common name.
    pub root_name: String,
    /// The root's key type (and signature algorithm).
    pub root_key: CaKeyType,
    /// The issuing CA's id.
    pub issuing_id: String,
    /// The issuing CA's common name.
    pub issuing_name: String,
    /// The issuing CA's key type (and signature algorithm).
    pub issuing_key: CaKeyType,
    /// O of both CA names.
    pub organization: String,
    /// Where the root's key is made.
    pub root_key_at: KeyLocation,
    /// Where the issuing CA's key is made.
    pub issuing_key_at: KeyLocation,
}

/// A further root CA (`ca create-root`), e.g. the Party's beside the
/// State's, to be cross-certified with the first.
#[derive(Debug, Clone)]
pub struct RootOptions {
    /// The root's id.
    pub id: String,
    /// Its common name.
    pub name: String,
    /// O of its name.
    pub organization: String,
    /// Its key type (and signature algorithm).
    pub key: CaKeyType,
    /// Where its key is made.
    pub key_at: KeyLocation,
}

/// Where a new CA key is made.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum KeyLocation {
    /// A software key: encrypted PKCS#8 under the data directory.
    #[default]
    Software,
    /// Generated on the configured PKCS#11 token (sensitive,
    /// non-extractable).
    Hsm,
    /// A key pair already on the token, adopted by its label.
    HsmLabel(String),
}

impl InitOptions {
    /// The demo hierarchy: `root` → `gov-ca`, Vietnamese names.
    pub fn demo() -> Self {
        Self {
            demo: true,
            root_id: DEMO_ROOT_ID.into(),
            root_name: "Root CA chuyên dùng Chính phủ (demo)".into(),
            root_key: KeySpec::Rsa4096.into(),
            issuing_id: DEMO_ISSUING_ID.into(),
            issuing_name: "CA phục vụ các cơ quan Nhà nước (demo)".into(),
            issuing_key: KeySpec::Rsa2048.into(),
            organization: "Ban Cơ yếu Chính phủ".into(),
            root_key_at: KeyLocation::Software,
            issuing_key_at: KeyLocation::Software,
        }
    }
}

/// What `init` made.
#[derive(Debug, Clone)]
pub struct InitReport {
    /// The root and the issuing CA.
    pub issuers: Vec<IssuerInfo>,
    /// The demo passphrase file, when one was written.
    pub demo_passphrase_file: Option<PathBuf>,
}

/// A sub-CA to create under one of ours.
#[derive(Debug, Clone)]
pub struct SubCaOptions {
    /// The parent issuer.
    pub parent: String,
    /// The new id.
    pub id: String,
    /// The common name.
    pub name: String,
    /// O.
    pub organization: Option<String>,
    /// The key type (and signature algorithm).
    pub key: CaKeyType,
    /// Validity in days (default: the sub-ca profile's).
    pub days: Option<u32>,
    /// pathLenConstraint (default: the sub-ca profile's).
    pub path_len: Option<u8>,
    /// Whether suspension is allowed for its certificates.
    pub allow_suspend: bool,
    /// How many CRL shards its certificates are spread over (1 to
    /// [`MAX_CRL_SHARDS`](crate::crl::MAX_CRL_SHARDS); fixed for its life,
    /// since each certificate names its shard's CRL).
    pub crl_shards: u32,
    /// Where its key is made.
    pub key_at: KeyLocation,
}

impl Ca {
    /// Creates the root and the issuing CA under it.
    pub fn init(&self, opts: &InitOptions, actor: &str) -> Result<InitReport, CaError> {
        let existing = self.issuers()?;
        if !existing.is_empty() {
            return Err(CaError::AlreadyInitialized {
                existing: existing
                    .iter()
                    .map(|i| i.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        check_issuer_id(&opts.root_id)?;
        check_issuer_id(&opts.issuing_id)?;
        if opts.root_id == opts.issuing_id {
            return Err(CaError::BadIssuerId {
                id: opts.issuing_id.clone(),
                reason: "the root and the issuing CA need different ids",
            });
        }
        let demo_passphrase_file = if opts.demo {
            self.ensure_demo_passphrase()?
        } else {
            None
        };
        let public_url = self
            .config
            .public_url
            .clone()
            .unwrap_or_else(|| DEFAULT_PUBLIC_URL.to_owned());
        self.store.write(|c| -> Result<(), CaError> {
            for (name, value) in [
                (PUBLIC_URL_SETTING, public_url.as_str()),
                (DEFAULT_ISSUER_SETTING, opts.issuing_id.as_str()),
            ] {
                diesel::delete(settings::table.filter(settings::name.eq(name))).execute(c)?;
                diesel::insert_into(settings::table)
                    .values((settings::name.eq(name), settings::value.eq(value)))
                    .execute(c)?;
            }
            audit::append(
                c,
                AuditEvent {
                    actor,
                    action: AuditAction::CaInit,
                    object: "hierarchy",
                    details: json!({
                        "root": opts.root_id,
                        "issuing": opts.issuing_id,
                        "public_url": public_url,
                        "demo": opts.demo,
                    }),
                },
            )?;
            Ok(())
        })?;
        self.create_root(
            &RootOptions {
                id: opts.root_id.clone(),
                name: opts.root_name.clone(),
                organization: opts.organization.clone(),
                key: opts.root_key,
                key_at: opts.root_key_at.clone(),
            },
            actor,
        )?;
        self.create_sub(
            &SubCaOptions {
                parent: opts.root_id.clone(),
                id: opts.issuing_id.clone(),
                name: opts.issuing_name.clone(),
                organization: Some(opts.organization.clone()),
                key: opts.issuing_key,
                days: None,
                path_len: None,
                allow_suspend: true,
                crl_shards: 1,
                key_at: opts.issuing_key_at.clone(),
            },
            actor,
        )?;
        Ok(InitReport {
            issuers: self.issuers()?,
            demo_passphrase_file,
        })
    }

    /// Creates a subordinate CA under one of ours.
    pub fn create_sub(&self, opts: &SubCaOptions, actor: &str) -> Result<IssuerInfo, CaError> {
        check_issuer_id(&opts.id)?;
        crate::crl::check_shard_count(opts.crl_shards)?;
        let profile = self.config.profiles.get("sub-ca")?;
        let (parent, taken) = self.store.read(|c| -> Result<_, CaError> {
            let parent = query::usable_issuer(c, &opts.parent)?;
            let taken = query::load(c, &opts.id).is_ok();
            Ok((parent, taken))
        })?;
        if taken {
            return Err(CaError::BadIssuerId {
                id: opts.id.clone(),
                reason: "an issuer with this id exists already",
            });
        }
        let days = opts.days.unwrap_or(profile.default_days);
        if days == 0 || days > profile.max_days {
            return Err(CaError::Refused(format!(
                "a sub-CA may be valid for 1 to {} days, {days} asked",
                profile.max_days
            )));
        }
        let subject = ca_subject(&opts.name, opts.organization.as_deref())?;
        let (signer, backend, key_ref) = self.new_ca_key(&opts.id, opts.key, &opts.key_at)?;
        let parent_signer = self.signer_for(&parent)?;
        let parent_cert = parse_cert(parent.cert_der.as_deref().unwrap_or_default())?;
        let public_url = self.public_url()?;
        let not_before = whole_seconds(Utc::now());
        let mut not_after = not_before + Duration::days(i64::from(days));
        if let Some(limit) = parent.not_after {
            not_after = not_after.min(limit.and_utc());
        }
        let spki = signer.spki_der().to_vec();
        let spki_sha256 = hex::encode(aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, &spki));
        let mut profile = profile.clone();
        if let Some(p) = opts.path_len {
            profile.path_len = Some(p);
        }
        let mut issuer_row = new_issuer_row(
            &opts.id,
            Some(&parent.id),
            &subject,
            (opts.key, backend, &key_ref),
            spki.clone(),
            opts.allow_suspend,
        );
        // check_shard_count bounded it to MAX_CRL_SHARDS, far below i32::MAX.
        issuer_row.crl_shards = i32::try_from(opts.crl_shards).unwrap_or(1);
        let parent_urls =
            RevocationUrls::for_issuer(&public_url, &parent.id).with_crl_shards(parent.crl_shards);
        self.run_issuance(Issuance {
            issuer_id: &parent.id,
            issuer_name: &parent_cert.tbs_certificate.subject,
            issuer_spki: &parent.spki_der,
            signer: parent_signer,
            subject: &subject,
            subject_spki: &spki,
            subject_is_rsa: opts.key.spec().is_rsa(),
            spki_sha256: &spki_sha256,
            not_before,
            not_after,
            profile: &profile,
            path_len: None,
            email: None,
            urls: Some(parent_urls),
            subscriber_id: None,
            token_id: None,
            operation: "sub-ca",
            request: json!({ "id": opts.id, "parent": opts.parent, "key": opts.key.to_string(), "days": days }),
            replaces: None,
            new_issuer: Some(issuer_row),
            actor,
        })?;
        self.remember_signer(&opts.id, signer);
        self.issuers()?
            .into_iter()
            .find(|i| i.id == opts.id)
            .ok_or_else(|| CaError::UnknownIssuer {
                id: opts.id.clone(),
            })
    }

    /// Creates a further self-signed root in an initialised CA (it signs
    /// nothing until sub-CAs are made under it; `ca cross-certify` links it
    /// with another root).
    pub fn create_extra_root(
        &self,
        opts: &RootOptions,
        actor: &str,
    ) -> Result<IssuerInfo, CaError> {
        check_issuer_id(&opts.id)?;
        self.public_url()?;
        if self.store.read(|c| query::load(c, &opts.id)).is_ok() {
            return Err(CaError::BadIssuerId {
                id: opts.id.clone(),
                reason: "an issuer with this id exists already",
            });
        }
        self.create_root(opts, actor)?;
        self.issuers()?
            .into_iter()
            .find(|i| i.id == opts.id)
            .ok_or_else(|| CaError::UnknownIssuer {
                id: opts.id.clone(),
            })
    }

    fn create_root(&self, opts: &RootOptions, actor: &str) -> Result<(), CaError> {
        let subject = ca_subject(&opts.name, Some(&opts.organization))?;
        let (signer, backend, key_ref) = self.new_ca_key(&opts.id, opts.key, &opts.key_at)?;
        let spki = signer.spki_der().to_vec();
        let spki_sha256 = hex::encode(aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, &spki));
        let not_before = whole_seconds(Utc::now());
        let not_after = not_before + Duration::days(i64::from(MAX_CA_DAYS - 5));
        let profile = root_profile();
        self.run_issuance(Issuance {
            issuer_id: &opts.id,
            issuer_name: &subject,
            issuer_spki: &spki,
            signer: Arc::clone(&signer),
            subject: &subject,
            subject_spki: &spki,
            subject_is_rsa: opts.key.spec().is_rsa(),
            spki_sha256: &spki_sha256,
            not_before,
            not_after,
            profile: &profile,
            path_len: Some(None),
            email: None,
            urls: None,
            subscriber_id: None,
            token_id: None,
            operation: "root",
            request: json!({ "id": opts.id, "key": opts.key.to_string() }),
            replaces: None,
            new_issuer: Some(new_issuer_row(
                &opts.id,
                None,
                &subject,
                (opts.key, backend, &key_ref),
                spki.clone(),
                true,
            )),
            actor,
        })?;
        self.remember_signer(&opts.id, signer);
        Ok(())
    }

    /// A new CA key of type `key_type` for issuer `id`, made (or adopted) where
    /// `at` says: (signer, `key_backend`, `key_ref`). An adopted token key
    /// must not be the key of another issuer already.
    pub(crate) fn new_ca_key(
        &self,
        id: &str,
        key_type: CaKeyType,
        at: &KeyLocation,
    ) -> Result<(Arc<dyn Signer>, &'static str, String), CaError> {
        match at {
            KeyLocation::Software => {
                let (signer, key_ref) = self
                    .software_keys()?
                    .generate(&key_file_stem(id), key_type)?;
                Ok((Arc::new(signer), SOFTWARE_BACKEND, key_ref))
            }
            KeyLocation::Hsm => {
                let signer = self.hsm()?.generate(&key_file_stem(id), key_type)?;
                let key_ref = signer.key_ref();
                Ok((Arc::new(signer), PKCS11_BACKEND, key_ref))
            }
            KeyLocation::HsmLabel(label) => {
                let signer = self.hsm()?.load(&pkcs11_key_ref(label), key_type)?;
                let spki = signer.spki_der().to_vec();
                if let Some(other) = self.issuers_with_key(&spki)?.first() {
                    return Err(CaError::Refused(format!(
                        "the key {label:?} is already the key of issuer {other:?}"
                    )));
                }
                let key_ref = signer.key_ref();
                Ok((Arc::new(signer), PKCS11_BACKEND, key_ref))
            }
        }
    }

    /// The ids of the issuers whose public key is `spki`.
    pub(crate) fn issuers_with_key(&self, spki: &[u8]) -> Result<Vec<String>, CaError> {
        Ok(self.store.read(|c| {
            issuers::table
                .filter(issuers::spki_der.eq(spki))
                .select(issuers::id)
                .load::<String>(c)
                .map_err(crate::store::StoreError::from)
        })?)
    }

    /// Writes a random passphrase to the demo file unless a passphrase is
    /// configured or the file exists.
    fn ensure_demo_passphrase(&self) -> Result<Option<PathBuf>, CaError> {
        if !matches!(
            self.config.passphrase,
            crate::config::PassphraseSource::Unset
        ) {
            return Ok(None);
        }
        let path = self.config.data_dir.join(DEMO_PASSPHRASE_FILE);
        if !path.exists() {
            let p = KeyPassphrase::random()?;
            crate::signer::write_secret_file(&path, format!("{}\n", p.expose_str()).as_bytes())?;
        }
        Ok(Some(path))
    }
}

/// A CA's subject: CN, O, C=VN.
pub(crate) fn ca_subject(
    name: &str,
    organization: Option<&str>,
) -> Result<x509_cert::name::Name, CaError> {
    Ok(SubjectInfo {
        common_name: name.to_owned(),
        organization: organization.map(str::to_owned),
        ..SubjectInfo::default()
    }
    .to_name()?)
}

/// The issuer row recorded with a CA's own certificate; `key`: its type,
/// backend and reference.
pub(crate) fn new_issuer_row(
    id: &str,
    parent: Option<&str>,
    subject: &x509_cert::name::Name,
    (key, backend, key_ref): (CaKeyType, &str, &str),
    spki_der: Vec<u8>,
    allow_suspend: bool,
) -> IssuerRow {
    IssuerRow {
        id: id.to_owned(),
        parent_id: parent.map(str::to_owned),
        subject_dn: subject.to_string(),
        status: ISSUER_PENDING.to_owned(),
        key_spec: key.spec().as_str().to_owned(),
        key_backend: backend.to_owned(),
        key_ref: key_ref.to_owned(),
        spki_der,
        cert_der: None,
        csr_der: None,
        allow_suspend,
        not_before: None,
        not_after: None,
        created_at: now(),
        crl_shards: 1,
        signature_algorithm: key.algorithm().as_str().to_owned(),
    }
}

/// A key file name unique to this issuer and this moment, so a retried
/// creation never collides with the key of an interrupted one.
pub(crate) fn key_file_stem(id: &str) -> String {
    format!("{id}-{}", Utc::now().format("%Y%m%dT%H%M%S%.3f"))
}

/// The self-signed root: keyCertSign + cRLSign, no path length limit, no
/// AIA/CDP (nobody above it).
fn root_profile() -> Profile {
    Profile {
        name: "root"
            .parse()
            .unwrap_or_else(|_| unreachable!("\"root\" is a valid profile name")),
        kind: ProfileKind::SubCa,
        default_days: MAX_CA_DAYS,
        max_days: MAX_CA_DAYS,
        max_renewal_days: MAX_CA_DAYS,
        key_usage: vec![KeyUsageBit::KeyCertSign, KeyUsageBit::CrlSign],
        key_encipherment_for_rsa: false,
        extended_key_usage: Vec::new(),
        policies: Vec::new(),
        path_len: None,
        revocation_info: false,
    }
}
