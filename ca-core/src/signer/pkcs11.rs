//! CA keys on a PKCS#11 token (an HSM; SoftHSM2 in the tests): generated on
//! the token as sensitive, non-extractable keys, found again by label, and
//! used through a pool of logged-in sessions. The private key never leaves
//! the token; the PIN is held in memory only (zeroized on drop) and never
//! printed.
//!
//! Mechanisms: RSA signs with `CKM_SHA256_RSA_PKCS` (the token hashes);
//! ECDSA hashes here (SHA-256 for P-256, SHA-384 for P-384) and signs the
//! digest with `CKM_ECDSA` — SoftHSM2 refuses `CKM_ECDSA_SHA256` — then the
//! raw `r ‖ s` is encoded as the DER `Ecdsa-Sig-Value` X.509 wants.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error as CkError, RvError};
use cryptoki::mechanism::Mechanism;
use cryptoki::object::{
    Attribute, AttributeInfo, AttributeType, KeyType, ObjectClass, ObjectHandle,
};
use cryptoki::session::{Session, UserType};
use cryptoki::slot::Slot;
use cryptoki::types::AuthPin;
use der::asn1::{BitString, ObjectIdentifier, OctetString};
use der::{Decode, Encode};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use zeroize::Zeroizing;

use super::{CaKeyType, KeySpec, SignatureAlgorithm, Signer, SignerError};

/// The `key_backend` of issuers whose key is on the token.
pub const PKCS11_BACKEND: &str = "pkcs11";

const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");

/// Where the token is. Read from `GOVPKI_HSM_MODULE`, `GOVPKI_HSM_TOKEN`
/// and `GOVPKI_HSM_PIN` or `GOVPKI_HSM_PIN_FILE` (or the `[hsm]` table of
/// govpki.toml).
#[derive(Clone)]
pub struct HsmConfig {
    /// The PKCS#11 module (shared library), e.g.
    /// `/usr/lib/softhsm/libsofthsm2.so`.
    pub module: PathBuf,
    /// The label of the token holding the CA keys.
    pub token: String,
    /// The user PIN.
    pub pin: HsmPin,
}

impl std::fmt::Debug for HsmConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HsmConfig")
            .field("module", &self.module)
            .field("token", &self.token)
            .field("pin", &self.pin)
            .finish()
    }
}

/// Where the token's user PIN comes from.
#[derive(Clone)]
pub enum HsmPin {
    /// Given directly (`GOVPKI_HSM_PIN`).
    Value(Zeroizing<String>),
    /// Read from a file when the token is opened (`GOVPKI_HSM_PIN_FILE`).
    File(PathBuf),
}

impl std::fmt::Debug for HsmPin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Value(_) => f.write_str("HsmPin::Value(<redacted>)"),
            Self::File(p) => write!(f, "HsmPin::File({})", p.display()),
        }
    }
}

impl HsmPin {
    fn resolve(&self) -> Result<AuthPin, SignerError> {
        let pin = match self {
            Self::Value(v) => v.trim().to_owned(),
            Self::File(path) => {
                let text = Zeroizing::new(std::fs::read_to_string(path).map_err(|e| {
                    SignerError::KeyFile {
                        path: path.clone(),
                        detail: format!("cannot read the HSM PIN file: {e}"),
                    }
                })?);
                text.trim().to_owned()
            }
        };
        if pin.is_empty() {
            return Err(hsm("the HSM PIN is empty"));
        }
        Ok(AuthPin::new(pin.into()))
    }
}

/// An open token: the loaded module, the slot of the token, its PIN and a
/// pool of logged-in read-write sessions (a `Session` is `Send` but not
/// `Sync`, so each signature borrows one from the pool).
pub struct Hsm {
    ctx: Pkcs11,
    slot: Slot,
    token: String,
    pin: AuthPin,
    pool: Mutex<Vec<Session>>,
}

impl std::fmt::Debug for Hsm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hsm")
            .field("token", &self.token)
            .finish_non_exhaustive()
    }
}

impl Hsm {
    /// Loads the module, finds the token by label and logs in once, so that
    /// a missing module, a missing token or a wrong PIN is a clear error at
    /// start-up rather than at the first signature.
    pub fn open(config: &HsmConfig) -> Result<Arc<Self>, SignerError> {
        let module = &config.module;
        if !module.is_file() {
            return Err(hsm(format!(
                "the PKCS#11 module {} does not exist (set GOVPKI_HSM_MODULE)",
                module.display()
            )));
        }
        let ctx = context(module)?;
        let slot = find_token(&ctx, &config.token)?;
        let this = Self {
            ctx,
            slot,
            token: config.token.clone(),
            pin: config.pin.resolve()?,
            pool: Mutex::new(Vec::new()),
        };
        let session = this.new_session()?;
        this.lock_pool().push(session);
        Ok(Arc::new(this))
    }

    /// The token's label.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// Generates a key pair of type `key_type` on the token under `label`:
    /// the private key sensitive, non-extractable, able to sign only.
    /// Refuses a label already in use.
    pub fn generate(
        self: &Arc<Self>,
        label: &str,
        key_type: impl Into<CaKeyType>,
    ) -> Result<Pkcs11Signer, SignerError> {
        let key_type = key_type.into();
        let spec = key_type.spec();
        check_label(label)?;
        let exists = self.with_session(|s| {
            s.find_objects(&[Attribute::Label(label.as_bytes().to_vec())])
                .map(|found| !found.is_empty())
        })?;
        if exists {
            return Err(SignerError::Mismatch {
                key_ref: key_ref(label),
                detail: "the token already holds an object with this label; refusing to overwrite a CA key".into(),
            });
        }
        let mut id = [0u8; 16];
        aws_lc_rs::rand::fill(&mut id).map_err(|_| SignerError::Crypto {
            operation: "key id",
        })?;
        let common = |private: bool| {
            vec![
                Attribute::Token(true),
                Attribute::Label(label.as_bytes().to_vec()),
                Attribute::Id(id.to_vec()),
                Attribute::Private(private),
            ]
        };
        let mut public = common(false);
        public.push(Attribute::Verify(true));
        let mut private = common(true);
        private.extend([
            Attribute::Sensitive(true),
            Attribute::Extractable(false),
            Attribute::Sign(true),
            Attribute::Decrypt(false),
            Attribute::Unwrap(false),
            Attribute::Derive(false),
        ]);
        let mechanism = match spec {
            KeySpec::Rsa2048 | KeySpec::Rsa3072 | KeySpec::Rsa4096 => {
                let bits: u64 = match spec {
                    KeySpec::Rsa2048 => 2048,
                    KeySpec::Rsa3072 => 3072,
                    _ => 4096,
                };
                public.push(Attribute::ModulusBits(bits.into()));
                public.push(Attribute::PublicExponent(vec![0x01, 0x00, 0x01]));
                Mechanism::RsaPkcsKeyPairGen
            }
            KeySpec::P256 | KeySpec::P384 => {
                let curve = if spec == KeySpec::P256 { P256 } else { P384 };
                let params = curve.to_der().map_err(|_| SignerError::Crypto {
                    operation: "curve encoding",
                })?;
                public.push(Attribute::EcParams(params));
                Mechanism::EccKeyPairGen
            }
        };
        self.with_session(|s| s.generate_key_pair(&mechanism, &public, &private).map(drop))?;
        self.load(&key_ref(label), key_type)
    }

    /// The signer of the key pair `key_ref` (`pkcs11:object=LABEL`) of type
    /// `key_type`, after a test signature verified with its public key (a
    /// public and a private key of one label that do not match are caught
    /// here, not in a certificate).
    pub fn load(
        self: &Arc<Self>,
        key_ref: &str,
        key_type: impl Into<CaKeyType>,
    ) -> Result<Pkcs11Signer, SignerError> {
        let key_type = key_type.into();
        let label = label_of(key_ref)?;
        let handles = self.find_pair(&label)?;
        let spki = self
            .with_session(|s| public_key_info(s, handles.public, key_type.spec()))?
            .map_err(|detail| SignerError::Mismatch {
                key_ref: self::key_ref(&label),
                detail,
            })?;
        let signer = Pkcs11Signer {
            hsm: Arc::clone(self),
            label,
            key_type,
            spki,
            private: Mutex::new(Some(handles.private)),
        };
        signer.self_test()?;
        Ok(signer)
    }

    /// The private and public key objects labelled `label`.
    fn find_pair(&self, label: &str) -> Result<KeyPair, SignerError> {
        let find = |class: ObjectClass| {
            self.with_session(|s| {
                s.find_objects(&[
                    Attribute::Class(class),
                    Attribute::Label(label.as_bytes().to_vec()),
                ])
            })
        };
        let missing = |what: &str| SignerError::Mismatch {
            key_ref: key_ref(label),
            detail: format!(
                "the token {:?} holds no {what} labelled {label:?}",
                self.token
            ),
        };
        let private = find(ObjectClass::PRIVATE_KEY)?;
        let public = find(ObjectClass::PUBLIC_KEY)?;
        if private.len() > 1 || public.len() > 1 {
            return Err(SignerError::Mismatch {
                key_ref: key_ref(label),
                detail: "more than one key carries this label on the token".into(),
            });
        }
        Ok(KeyPair {
            private: *private.first().ok_or_else(|| missing("private key"))?,
            public: *public.first().ok_or_else(|| missing("public key"))?,
        })
    }

    /// Runs `f` on a logged-in session of the pool. A session the token no
    /// longer knows (the token was reset or removed and put back) is thrown
    /// away and `f` runs once more on a fresh session, logged in again.
    fn with_session<T>(
        &self,
        f: impl Fn(&Session) -> Result<T, CkError>,
    ) -> Result<T, SignerError> {
        let mut retried = false;
        loop {
            let pooled = self.lock_pool().pop();
            let session = match pooled {
                Some(s) => s,
                None => self.new_session()?,
            };
            match f(&session) {
                Ok(v) => {
                    self.lock_pool().push(session);
                    return Ok(v);
                }
                Err(e) if !retried && session_lost(&e) => {
                    tracing::warn!(token = %self.token, error = %e, "PKCS#11 session lost; logging in again");
                    drop(session);
                    self.lock_pool().clear();
                    retried = true;
                }
                Err(e) => {
                    self.lock_pool().push(session);
                    return Err(hsm(format!("token {:?}: {e}", self.token)));
                }
            }
        }
    }

    fn new_session(&self) -> Result<Session, SignerError> {
        let session = self.ctx.open_rw_session(self.slot).map_err(|e| {
            hsm(format!(
                "cannot open a session on token {:?}: {e}",
                self.token
            ))
        })?;
        match session.login(UserType::User, Some(&self.pin)) {
            Ok(()) | Err(CkError::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => Ok(session),
            Err(CkError::Pkcs11(RvError::PinIncorrect, _)) => Err(hsm(format!(
                "wrong PIN for token {:?} (GOVPKI_HSM_PIN or GOVPKI_HSM_PIN_FILE)",
                self.token
            ))),
            Err(CkError::Pkcs11(RvError::PinLocked, _)) => Err(hsm(format!(
                "the user PIN of token {:?} is locked",
                self.token
            ))),
            Err(e) => Err(hsm(format!("cannot log in to token {:?}: {e}", self.token))),
        }
    }

    fn lock_pool(&self) -> MutexGuard<'_, Vec<Session>> {
        // A poisoned pool only lost a session being pushed back.
        self.pool.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Logs the application out of the token, as a token reset does: the
    /// next signature must log in again (for tests of that path).
    pub fn log_out(&self) -> Result<(), SignerError> {
        let session = match self.lock_pool().pop() {
            Some(s) => s,
            None => self.new_session()?,
        };
        session
            .logout()
            .map_err(|e| hsm(format!("token {:?}: {e}", self.token)))
    }

    /// Every private key on the token, with its protection as the token
    /// reports it and whether its private value can be read back (asked
    /// for: `CKA_PRIVATE_EXPONENT` of RSA keys, `CKA_VALUE` of EC keys).
    pub fn private_keys(&self) -> Result<Vec<TokenKey>, SignerError> {
        self.with_session(|s| {
            let mut out = Vec::new();
            for key in s.find_objects(&[Attribute::Class(ObjectClass::PRIVATE_KEY)])? {
                let attrs = s.get_attributes(
                    key,
                    &[
                        AttributeType::Label,
                        AttributeType::KeyType,
                        AttributeType::Sensitive,
                        AttributeType::Extractable,
                    ],
                )?;
                let mut k = TokenKey::default();
                for a in attrs {
                    match a {
                        Attribute::Label(l) => k.label = String::from_utf8_lossy(&l).into_owned(),
                        Attribute::KeyType(t) => k.key_type = t.to_string(),
                        Attribute::Sensitive(v) => k.sensitive = v,
                        Attribute::Extractable(v) => k.extractable = v,
                        _ => {}
                    }
                }
                let secret = s.get_attribute_info(
                    key,
                    &[AttributeType::PrivateExponent, AttributeType::Value],
                )?;
                k.value_readable = secret
                    .iter()
                    .any(|i| matches!(i, AttributeInfo::Available(_)));
                out.push(k);
            }
            out.sort_by(|a, b| a.label.cmp(&b.label));
            Ok(out)
        })
    }
}

/// A private key on the token, as [`Hsm::private_keys`] lists it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TokenKey {
    /// `CKA_LABEL`.
    pub label: String,
    /// `CKA_KEY_TYPE` (RSA, EC …).
    pub key_type: String,
    /// `CKA_SENSITIVE`.
    pub sensitive: bool,
    /// `CKA_EXTRACTABLE`.
    pub extractable: bool,
    /// Whether the token handed out the private value when asked.
    pub value_readable: bool,
}

/// The private and public objects of one key pair.
#[derive(Debug, Clone, Copy)]
struct KeyPair {
    private: ObjectHandle,
    public: ObjectHandle,
}

/// A key on the token, as a [`Signer`].
pub struct Pkcs11Signer {
    hsm: Arc<Hsm>,
    label: String,
    key_type: CaKeyType,
    spki: Vec<u8>,
    /// The private key's handle, looked up again when the token forgets it.
    private: Mutex<Option<ObjectHandle>>,
}

impl std::fmt::Debug for Pkcs11Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pkcs11Signer")
            .field("token", &self.hsm.token)
            .field("label", &self.label)
            .field("key_type", &self.key_type)
            .finish_non_exhaustive()
    }
}

impl Pkcs11Signer {
    /// The key reference to record in the issuer row.
    pub fn key_ref(&self) -> String {
        key_ref(&self.label)
    }

    fn handle(&self) -> Result<ObjectHandle, SignerError> {
        let mut cached = self.private.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(h) = *cached {
            return Ok(h);
        }
        let h = self.hsm.find_pair(&self.label)?.private;
        *cached = Some(h);
        Ok(h)
    }

    fn forget_handle(&self) {
        *self.private.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }

    fn sign_once(&self, message: &[u8]) -> Result<Vec<u8>, SignerError> {
        let key = self.handle()?;
        let rsa = |mechanism: Mechanism<'static>| {
            self.hsm.with_session(|s| s.sign(&mechanism, key, message))
        };
        // SoftHSM2 (and some HSMs) have no CKM_ECDSA_SHA256: hash here and
        // sign the digest with CKM_ECDSA, which returns r || s.
        let ecdsa = |digest: &'static aws_lc_rs::digest::Algorithm| {
            let digest = aws_lc_rs::digest::digest(digest, message);
            let raw = self
                .hsm
                .with_session(|s| s.sign(&Mechanism::Ecdsa, key, digest.as_ref()))?;
            ecdsa_der(&raw)
        };
        match self.key_type.algorithm() {
            SignatureAlgorithm::RsaPkcs1Sha256 => rsa(Mechanism::Sha256RsaPkcs),
            SignatureAlgorithm::RsaPkcs1Sha384 => rsa(Mechanism::Sha384RsaPkcs),
            SignatureAlgorithm::RsaPkcs1Sha512 => rsa(Mechanism::Sha512RsaPkcs),
            SignatureAlgorithm::EcdsaP256Sha256 => ecdsa(&aws_lc_rs::digest::SHA256),
            SignatureAlgorithm::EcdsaP384Sha384 => ecdsa(&aws_lc_rs::digest::SHA384),
        }
    }

    /// Signs a fixed message and verifies it with the public key.
    fn self_test(&self) -> Result<(), SignerError> {
        let message = b"govpki PKCS#11 key check";
        let signature = self.sign(message)?;
        let spki =
            SubjectPublicKeyInfoOwned::from_der(&self.spki).map_err(|_| SignerError::Crypto {
                operation: "public key decoding",
            })?;
        let algorithm = self.key_type.algorithm().verification();
        aws_lc_rs::signature::UnparsedPublicKey::new(algorithm, spki.subject_public_key.raw_bytes())
            .verify(message, &signature)
            .map_err(|_| SignerError::Mismatch {
                key_ref: self.key_ref(),
                detail: "the private key on the token does not match its public key".into(),
            })
    }
}

impl Signer for Pkcs11Signer {
    fn algorithm(&self) -> SignatureAlgorithm {
        self.key_type.algorithm()
    }

    fn spki_der(&self) -> &[u8] {
        &self.spki
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignerError> {
        match self.sign_once(message) {
            Ok(s) => Ok(s),
            // After a token reset the handle may name nothing (or another
            // object): find the key again by label, once.
            Err(_) => {
                self.forget_handle();
                self.sign_once(message)
            }
        }
    }
}

/// `pkcs11:object=LABEL` (RFC 7512), the key reference of an issuer row.
pub fn key_ref(label: &str) -> String {
    format!("pkcs11:object={label}")
}

/// The label of a key reference (`pkcs11:object=LABEL`, or a bare label).
fn label_of(key_ref: &str) -> Result<String, SignerError> {
    let label = key_ref
        .strip_prefix("pkcs11:")
        .map(|rest| {
            rest.split(';')
                .find_map(|part| part.strip_prefix("object="))
                .unwrap_or_default()
        })
        .unwrap_or(key_ref);
    check_label(label)?;
    Ok(label.to_owned())
}

/// Labels are printable ASCII without `;` (they go into a PKCS#11 URI).
fn check_label(label: &str) -> Result<(), SignerError> {
    let ok = !label.is_empty()
        && label.len() <= 64
        && label
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(SignerError::Mismatch {
            key_ref: label.to_owned(),
            detail: "a key label is 1 to 64 of A-Z, a-z, 0-9, '-', '_', '.'".into(),
        })
    }
}

/// The module's context: loaded and initialised once per process and
/// shared by every token of the module (a second `C_Initialize` of the
/// same library would fail, and one library instance serves all slots).
fn context(module: &std::path::Path) -> Result<Pkcs11, SignerError> {
    static CONTEXTS: Mutex<Vec<(PathBuf, Pkcs11)>> = Mutex::new(Vec::new());
    let mut open = CONTEXTS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, ctx)) = open.iter().find(|(m, _)| m == module) {
        return Ok(ctx.clone());
    }
    let ctx = Pkcs11::new(module).map_err(|e| {
        hsm(format!(
            "cannot load the PKCS#11 module {}: {e}",
            module.display()
        ))
    })?;
    match ctx.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
        Ok(()) | Err(CkError::Pkcs11(RvError::CryptokiAlreadyInitialized, _)) => {}
        Err(e) => return Err(hsm(format!("cannot initialise {}: {e}", module.display()))),
    }
    open.push((module.to_owned(), ctx.clone()));
    Ok(ctx)
}

/// The slot whose token carries `label`.
fn find_token(ctx: &Pkcs11, label: &str) -> Result<Slot, SignerError> {
    let slots = ctx
        .get_slots_with_token()
        .map_err(|e| hsm(format!("cannot list the token slots: {e}")))?;
    let mut seen = Vec::new();
    for slot in slots {
        let info = ctx
            .get_token_info(slot)
            .map_err(|e| hsm(format!("cannot read a token's information: {e}")))?;
        let found = info.label().trim_end().to_owned();
        if found == label {
            return Ok(slot);
        }
        seen.push(found);
    }
    Err(hsm(format!(
        "no token labelled {label:?} (tokens present: {})",
        if seen.is_empty() {
            "none".to_owned()
        } else {
            seen.join(", ")
        }
    )))
}

/// The DER SubjectPublicKeyInfo of the public key object `key`.
fn public_key_info(
    session: &Session,
    key: ObjectHandle,
    spec: KeySpec,
) -> Result<Result<Vec<u8>, String>, CkError> {
    let encode = |algorithm: AlgorithmIdentifierOwned, key: &[u8]| -> Result<Vec<u8>, String> {
        let info = SubjectPublicKeyInfoOwned {
            algorithm,
            subject_public_key: BitString::from_bytes(key)
                .map_err(|e| format!("cannot encode its public key: {e}"))?,
        };
        info.to_der()
            .map_err(|e| format!("cannot encode its public key: {e}"))
    };
    if spec.is_rsa() {
        let attrs = session.get_attributes(
            key,
            &[
                AttributeType::KeyType,
                AttributeType::Modulus,
                AttributeType::PublicExponent,
            ],
        )?;
        let mut modulus = None;
        let mut exponent = None;
        let mut rsa = false;
        for a in attrs {
            match a {
                Attribute::KeyType(t) => rsa = t == KeyType::RSA,
                Attribute::Modulus(m) => modulus = Some(m),
                Attribute::PublicExponent(e) => exponent = Some(e),
                _ => {}
            }
        }
        let (Some(n), Some(e), true) = (modulus, exponent, rsa) else {
            return Ok(Err(format!(
                "the public key on the token is not a {spec} key"
            )));
        };
        let bits = n.iter().skip_while(|b| **b == 0).count() * 8;
        let expected = match spec {
            KeySpec::Rsa2048 => 2048,
            KeySpec::Rsa3072 => 3072,
            _ => 4096,
        };
        if bits != expected {
            return Ok(Err(format!(
                "the RSA key on the token has {bits} bits, a {spec} key {expected}"
            )));
        }
        let rsa_public = der_sequence(&[der_uint(&n), der_uint(&e)]);
        let algorithm = AlgorithmIdentifierOwned {
            oid: RSA_ENCRYPTION,
            parameters: Some(der::asn1::AnyRef::NULL.into()),
        };
        Ok(encode(algorithm, &rsa_public))
    } else {
        let attrs =
            session.get_attributes(key, &[AttributeType::EcParams, AttributeType::EcPoint])?;
        let mut params = None;
        let mut point = None;
        for a in attrs {
            match a {
                Attribute::EcParams(p) => params = Some(p),
                Attribute::EcPoint(p) => point = Some(p),
                _ => {}
            }
        }
        let curve = if spec == KeySpec::P256 { P256 } else { P384 };
        let same_curve = params
            .as_deref()
            .and_then(|p| ObjectIdentifier::from_der(p).ok())
            == Some(curve);
        let Some(point) = point.filter(|_| same_curve) else {
            return Ok(Err(format!(
                "the public key on the token is not a {spec} key"
            )));
        };
        // CKA_EC_POINT is a DER OCTET STRING around the point (some tokens
        // give the bare point).
        let point = OctetString::from_der(&point)
            .map(OctetString::into_bytes)
            .unwrap_or(point);
        let algorithm = AlgorithmIdentifierOwned {
            oid: EC_PUBLIC_KEY,
            parameters: Some(der::asn1::Any::from(curve)),
        };
        Ok(encode(algorithm, &point))
    }
}

/// `r ‖ s` (each half the length) as a DER `Ecdsa-Sig-Value`.
fn ecdsa_der(raw: &[u8]) -> Result<Vec<u8>, SignerError> {
    if raw.is_empty() || raw.len() % 2 != 0 {
        return Err(SignerError::Crypto {
            operation: "ECDSA signature from the token",
        });
    }
    let (r, s) = raw.split_at(raw.len() / 2);
    Ok(der_sequence(&[der_uint(r), der_uint(s)]))
}

/// A DER INTEGER of the unsigned big-endian `bytes`.
fn der_uint(bytes: &[u8]) -> Vec<u8> {
    let trimmed: &[u8] = match bytes.iter().position(|b| *b != 0) {
        Some(i) => &bytes[i..],
        None => &[0],
    };
    let mut content = Vec::with_capacity(trimmed.len() + 1);
    if trimmed[0] & 0x80 != 0 {
        content.push(0);
    }
    content.extend_from_slice(trimmed);
    der_tlv(0x02, &content)
}

/// A DER SEQUENCE of already encoded elements.
fn der_sequence(elements: &[Vec<u8>]) -> Vec<u8> {
    der_tlv(0x30, &elements.concat())
}

fn der_tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(content);
    out
}

fn hsm(detail: impl Into<String>) -> SignerError {
    SignerError::Hsm {
        detail: detail.into(),
    }
}

/// Errors that mean the session is gone (a token reset, removal, or a
/// logout), so a fresh logged-in session may succeed.
fn session_lost(e: &CkError) -> bool {
    matches!(
        e,
        CkError::Pkcs11(
            RvError::SessionHandleInvalid
                | RvError::SessionClosed
                | RvError::UserNotLoggedIn
                | RvError::DeviceRemoved
                | RvError::TokenNotPresent
                | RvError::DeviceError,
            _
        )
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn der_integers_and_signatures() {
        assert_eq!(der_uint(&[0x00, 0x01]), [0x02, 0x01, 0x01]);
        assert_eq!(der_uint(&[0x80]), [0x02, 0x02, 0x00, 0x80]);
        assert_eq!(der_uint(&[0, 0]), [0x02, 0x01, 0x00]);
        let raw = [[0x81u8; 32], [0x01u8; 32]].concat();
        let sig = ecdsa_der(&raw).expect("a signature");
        assert_eq!(sig[0], 0x30);
        assert_eq!(usize::from(sig[1]), sig.len() - 2);
        assert!(ecdsa_der(&[1, 2, 3]).is_err());
        let long = der_tlv(0x04, &[0u8; 300]);
        assert_eq!(&long[..4], &[0x04, 0x82, 0x01, 0x2c]);
    }

    /// The SoftHSM2 module (Debian's path; `SOFTHSM2_MODULE` overrides).
    fn softhsm_module() -> PathBuf {
        std::env::var_os("SOFTHSM2_MODULE")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("/usr/lib/softhsm/libsofthsm2.so"))
    }

    /// A fresh SoftHSM2 token `label` (user PIN 1234) in `dir`. Sets
    /// `SOFTHSM2_CONF` for this process: the only test here that loads the
    /// module, before it is initialised.
    fn softhsm_token(dir: &std::path::Path, label: &str) {
        let tokens = dir.join("tokens");
        std::fs::create_dir_all(&tokens).unwrap();
        let conf = dir.join("softhsm2.conf");
        std::fs::write(
            &conf,
            format!(
                "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\n",
                tokens.display()
            ),
        )
        .unwrap();
        std::env::set_var("SOFTHSM2_CONF", &conf);
        let out = std::process::Command::new("softhsm2-util")
            .args(["--init-token", "--free", "--label", label])
            .args(["--so-pin", "4321", "--pin", "1234"])
            .output()
            .expect(
                "softhsm2-util (Debian package softhsm2, installed by scripts/install-deps.sh)",
            );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn config(token: &str, pin: &str) -> HsmConfig {
        HsmConfig {
            module: softhsm_module(),
            token: token.into(),
            pin: HsmPin::Value(Zeroizing::new(pin.into())),
        }
    }

    fn verify(
        algorithm: SignatureAlgorithm,
        spki_der: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> bool {
        let spki = SubjectPublicKeyInfoOwned::from_der(spki_der).unwrap();
        aws_lc_rs::signature::UnparsedPublicKey::new(
            algorithm.verification(),
            spki.subject_public_key.raw_bytes(),
        )
        .verify(message, signature)
        .is_ok()
    }

    /// Every path on a real SoftHSM2 token: start-up errors, generation of
    /// each key type as sensitive and non-extractable, signatures that
    /// verify, refusals, and signing again after the token logged us out.
    #[test]
    fn softhsm_keys_sign_and_stay_on_the_token() {
        let dir = tempfile::tempdir().unwrap();
        softhsm_token(dir.path(), "govpki-unit");

        let err =
            |r: Result<Arc<Hsm>, SignerError>| r.err().map(|e| e.to_string()).unwrap_or_default();
        let missing = HsmConfig {
            module: dir.path().join("no-such-module.so"),
            ..config("govpki-unit", "1234")
        };
        assert!(err(Hsm::open(&missing)).contains("does not exist"));
        let e = err(Hsm::open(&config("no-such-token", "1234")));
        assert!(
            e.contains("no token labelled") && e.contains("govpki-unit"),
            "{e}"
        );
        let e = err(Hsm::open(&config("govpki-unit", "9999")));
        assert!(e.contains("wrong PIN") && !e.contains("9999"), "{e}");

        let hsm = Hsm::open(&config("govpki-unit", "1234")).expect("open the token");
        let message = b"TBSCertificate stand-in";
        for (label, spec) in [
            ("k-rsa", KeySpec::Rsa2048),
            ("k-p256", KeySpec::P256),
            ("k-p384", KeySpec::P384),
        ] {
            let signer = hsm.generate(label, spec).expect("generate");
            assert_eq!(signer.key_ref(), format!("pkcs11:object={label}"));
            let signature = signer.sign(message).expect("sign");
            let algorithm = spec.signature_algorithm();
            assert!(
                verify(algorithm, signer.spki_der(), message, &signature),
                "{spec}"
            );
            // Found again by label, same public key.
            let again = hsm.load(&signer.key_ref(), spec).expect("load");
            assert_eq!(again.spki_der(), signer.spki_der());
        }
        // The RSA key signs with SHA-384 and SHA-512 too (CKM_SHA384_RSA_PKCS,
        // CKM_SHA512_RSA_PKCS), and only the matching digest verifies.
        for name in ["rsa2048-sha384", "rsa2048-sha512"] {
            let key_type: CaKeyType = name.parse().unwrap();
            let signer = hsm.load("pkcs11:object=k-rsa", key_type).expect(name);
            assert_eq!(signer.algorithm(), key_type.algorithm());
            let signature = signer.sign(message).expect(name);
            assert!(verify(
                key_type.algorithm(),
                signer.spki_der(),
                message,
                &signature
            ));
            assert!(!verify(
                SignatureAlgorithm::RsaPkcs1Sha256,
                signer.spki_der(),
                message,
                &signature
            ));
        }
        let keys = hsm.private_keys().expect("list");
        assert_eq!(keys.len(), 3, "{keys:?}");
        for k in &keys {
            assert!(k.sensitive && !k.extractable && !k.value_readable, "{k:?}");
        }

        // Refusals: a label in use, a missing key, a key of another type.
        assert!(hsm.generate("k-rsa", KeySpec::Rsa2048).is_err());
        let e = hsm
            .load("pkcs11:object=nothing", KeySpec::P256)
            .unwrap_err()
            .to_string();
        assert!(e.contains("holds no private key"), "{e}");
        assert!(hsm.load("pkcs11:object=k-rsa", KeySpec::P256).is_err());
        assert!(hsm.load("pkcs11:object=k-p256", KeySpec::P384).is_err());
        assert!(hsm.load("pkcs11:object=k-rsa", KeySpec::Rsa3072).is_err());

        // The token logs the application out (as a reset does): the next
        // signature logs in again.
        let signer = hsm.load("pkcs11:object=k-p256", KeySpec::P256).unwrap();
        hsm.log_out().expect("log out");
        let signature = signer.sign(message).expect("sign after a log-out");
        assert!(verify(
            SignatureAlgorithm::EcdsaP256Sha256,
            signer.spki_der(),
            message,
            &signature
        ));
    }

    #[test]
    fn key_references() {
        assert_eq!(key_ref("gov-ca"), "pkcs11:object=gov-ca");
        assert_eq!(label_of("pkcs11:token=x;object=gov-ca").unwrap(), "gov-ca");
        assert_eq!(label_of("gov-ca").unwrap(), "gov-ca");
        assert!(label_of("pkcs11:object=a b").is_err());
        assert_eq!(label_of("pkcs11:object=a;id=%01").unwrap(), "a");
        assert!(label_of("pkcs11:token=x").is_err());
        assert!(check_label(&"a".repeat(65)).is_err());
    }
}
