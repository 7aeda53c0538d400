//! One profile and the vocabulary it is written in.

use std::fmt;
use std::str::FromStr;

use der::asn1::ObjectIdentifier;
use serde::{Deserialize, Serialize};

use super::ProfileError;

/// A profile name: lowercase letters, digits and '-'.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ProfileName(pub(super) String);

impl ProfileName {
    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ProfileName {
    type Error = ProfileError;

    fn try_from(name: String) -> Result<Self, ProfileError> {
        let ok = !name.is_empty()
            && name.len() <= 64
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if ok {
            Ok(Self(name))
        } else {
            Err(ProfileError::BadName { name })
        }
    }
}

impl FromStr for ProfileName {
    type Err = ProfileError;

    fn from_str(s: &str) -> Result<Self, ProfileError> {
        Self::try_from(s.to_owned())
    }
}

impl From<ProfileName> for String {
    fn from(n: ProfileName) -> Self {
        n.0
    }
}

impl fmt::Display for ProfileName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a certificate of the profile is for; decides the rules it must keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProfileKind {
    /// A subscriber certificate (individual, organization, device).
    EndEntity,
    /// A subordinate CA.
    SubCa,
    /// The OCSP-signing delegate of an issuer.
    OcspSigner,
}

/// A keyUsage bit (RFC 5280 §4.2.1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum KeyUsageBit {
    /// digitalSignature
    DigitalSignature,
    /// nonRepudiation (contentCommitment)
    NonRepudiation,
    /// keyEncipherment (RSA keys only)
    KeyEncipherment,
    /// dataEncipherment
    DataEncipherment,
    /// keyAgreement (EC keys only)
    KeyAgreement,
    /// keyCertSign (CAs only)
    KeyCertSign,
    /// cRLSign (CAs only)
    CrlSign,
}

/// An extended key usage, by name or as a dotted OID.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ExtendedKeyUsage(ObjectIdentifier);

/// Names accepted for well-known EKUs.
const EKU_NAMES: [(&str, &str); 8] = [
    ("server-auth", "1.3.6.1.5.5.7.3.1"),
    ("client-auth", "1.3.6.1.5.5.7.3.2"),
    ("code-signing", "1.3.6.1.5.5.7.3.3"),
    ("email-protection", "1.3.6.1.5.5.7.3.4"),
    ("time-stamping", "1.3.6.1.5.5.7.3.8"),
    ("ocsp-signing", "1.3.6.1.5.5.7.3.9"),
    ("document-signing", "1.3.6.1.4.1.311.10.3.12"),
    ("smartcard-logon", "1.3.6.1.4.1.311.20.2.2"),
];

impl ExtendedKeyUsage {
    /// id-kp-OCSPSigning.
    pub const OCSP_SIGNING: Self = Self(ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.9"));

    /// The OID.
    pub fn oid(&self) -> ObjectIdentifier {
        self.0
    }
}

impl TryFrom<String> for ExtendedKeyUsage {
    type Error = String;

    fn try_from(s: String) -> Result<Self, String> {
        let dotted = EKU_NAMES
            .iter()
            .find(|(name, _)| *name == s)
            .map_or(s.as_str(), |(_, oid)| oid);
        ObjectIdentifier::new(dotted)
            .map(Self)
            .map_err(|_| format!("unknown extended key usage {s:?}"))
    }
}

impl From<ExtendedKeyUsage> for String {
    fn from(e: ExtendedKeyUsage) -> Self {
        let dotted = e.0.to_string();
        EKU_NAMES
            .iter()
            .find(|(_, oid)| *oid == dotted)
            .map_or(dotted, |(name, _)| (*name).to_owned())
    }
}

/// A certificate profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// The name requests use.
    pub name: ProfileName,
    /// What the certificates are for.
    pub kind: ProfileKind,
    /// Validity given when the request names none, in days.
    pub default_days: u32,
    /// Longest validity of a new certificate, in days.
    pub max_days: u32,
    /// Longest validity of a renewal, in days.
    pub max_renewal_days: u32,
    /// keyUsage bits (critical).
    pub key_usage: Vec<KeyUsageBit>,
    /// Add keyEncipherment when the subscriber key is RSA.
    pub key_encipherment_for_rsa: bool,
    /// extendedKeyUsage (non-critical); empty means the extension is left out.
    pub extended_key_usage: Vec<ExtendedKeyUsage>,
    /// certificatePolicies OIDs.
    pub policies: Vec<String>,
    /// basicConstraints pathLenConstraint of a sub-CA.
    pub path_len: Option<u8>,
    /// Write AIA (caIssuers + OCSP) and the CRL distribution point.
    pub revocation_info: bool,
}

impl Profile {
    /// Whether certificates of this profile are CAs.
    pub fn is_ca(&self) -> bool {
        self.kind == ProfileKind::SubCa
    }

    /// The key usage for a subscriber key of the given kind.
    pub fn key_usage_for(&self, rsa_key: bool) -> Vec<KeyUsageBit> {
        let mut bits = self.key_usage.clone();
        if rsa_key && self.key_encipherment_for_rsa && !bits.contains(&KeyUsageBit::KeyEncipherment)
        {
            bits.push(KeyUsageBit::KeyEncipherment);
        }
        if !rsa_key {
            bits.retain(|b| *b != KeyUsageBit::KeyEncipherment);
        }
        bits
    }

    /// The policy OIDs, parsed (checked by [`Profile::check`]).
    pub fn policy_oids(&self) -> Vec<ObjectIdentifier> {
        self.policies
            .iter()
            .filter_map(|p| ObjectIdentifier::new(p).ok())
            .collect()
    }

    /// Refuses a profile that contradicts itself or the rules of its kind.
    pub fn check(&self) -> Result<(), ProfileError> {
        let bad = |reason: String| ProfileError::Inconsistent {
            profile: self.name.to_string(),
            reason,
        };
        for p in &self.policies {
            ObjectIdentifier::new(p).map_err(|_| ProfileError::BadValue {
                profile: self.name.to_string(),
                field: "policies",
                value: p.clone(),
            })?;
        }
        if self.default_days == 0 || self.default_days > self.max_days {
            return Err(bad(format!(
                "default_days {} must be between 1 and max_days {}",
                self.default_days, self.max_days
            )));
        }
        if self.key_usage.is_empty() {
            return Err(bad("key_usage is empty".into()));
        }
        let signs_certs = self.key_usage.contains(&KeyUsageBit::KeyCertSign)
            || self.key_usage.contains(&KeyUsageBit::CrlSign);
        let ocsp_eku = self
            .extended_key_usage
            .contains(&ExtendedKeyUsage::OCSP_SIGNING);
        let (limit, renewal_limit) = match self.kind {
            ProfileKind::EndEntity => (super::MAX_NEW_DAYS, super::MAX_RENEWAL_DAYS),
            ProfileKind::SubCa => (super::MAX_CA_DAYS, super::MAX_CA_DAYS),
            ProfileKind::OcspSigner => (super::MAX_OCSP_SIGNER_DAYS, super::MAX_OCSP_SIGNER_DAYS),
        };
        if self.max_days > limit {
            return Err(bad(format!(
                "max_days {} exceeds the limit of {limit} days",
                self.max_days
            )));
        }
        if self.max_renewal_days > renewal_limit || self.max_renewal_days > self.max_days {
            return Err(bad(format!(
                "max_renewal_days {} exceeds {} days or max_days",
                self.max_renewal_days, renewal_limit
            )));
        }
        match self.kind {
            ProfileKind::EndEntity => {
                if signs_certs {
                    return Err(bad(
                        "an end-entity profile cannot have keyCertSign or cRLSign".into(),
                    ));
                }
                if ocsp_eku {
                    return Err(bad(
                        "ocsp-signing belongs to the ocsp-signer kind only".into()
                    ));
                }
                if self.path_len.is_some() {
                    return Err(bad("path_len is for sub-CA profiles only".into()));
                }
            }
            ProfileKind::SubCa => {
                if !self.key_usage.contains(&KeyUsageBit::KeyCertSign)
                    || !self.key_usage.contains(&KeyUsageBit::CrlSign)
                {
                    return Err(bad("a sub-CA profile needs keyCertSign and cRLSign".into()));
                }
                if ocsp_eku {
                    return Err(bad("a sub-CA profile cannot carry ocsp-signing".into()));
                }
            }
            ProfileKind::OcspSigner => {
                if signs_certs {
                    return Err(bad(
                        "an OCSP signer cannot have keyCertSign or cRLSign".into()
                    ));
                }
                if self.extended_key_usage != [ExtendedKeyUsage::OCSP_SIGNING] {
                    return Err(bad(
                        "an OCSP signer needs exactly the ocsp-signing EKU".into()
                    ));
                }
                if !self.key_usage.contains(&KeyUsageBit::DigitalSignature) {
                    return Err(bad("an OCSP signer needs digitalSignature".into()));
                }
            }
        }
        Ok(())
    }
}
