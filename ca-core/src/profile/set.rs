//! The configured profiles: built-in defaults plus TOML overrides.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{
    ExtendedKeyUsage, KeyUsageBit, Profile, ProfileError, ProfileKind, ProfileName, MAX_NEW_DAYS,
    MAX_RENEWAL_DAYS,
};

/// The certificate policy of the government CA (Ban Cơ yếu Chính phủ).
pub const DEFAULT_POLICY_OID: &str = "2.16.704.1.1.1.1.1";

/// Every profile the CA issues under, checked as a whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileSet {
    profiles: BTreeMap<ProfileName, Profile>,
}

/// Changes to one profile, as written in TOML under `[profiles.NAME]`. A
/// name that is not built in must say which profile it starts from
/// (`based_on`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileOverride {
    /// Start from this profile (required for a new name).
    pub based_on: Option<ProfileName>,
    /// See [`Profile::default_days`].
    pub default_days: Option<u32>,
    /// See [`Profile::max_days`].
    pub max_days: Option<u32>,
    /// See [`Profile::max_renewal_days`].
    pub max_renewal_days: Option<u32>,
    /// See [`Profile::key_usage`].
    pub key_usage: Option<Vec<KeyUsageBit>>,
    /// See [`Profile::key_encipherment_for_rsa`].
    pub key_encipherment_for_rsa: Option<bool>,
    /// See [`Profile::extended_key_usage`].
    pub extended_key_usage: Option<Vec<ExtendedKeyUsage>>,
    /// See [`Profile::policies`].
    pub policies: Option<Vec<String>>,
    /// See [`Profile::path_len`].
    pub path_len: Option<u8>,
    /// See [`Profile::revocation_info`].
    pub revocation_info: Option<bool>,
}

impl ProfileSet {
    /// The built-in profiles, with `policy_oid` as the certificate policy of
    /// subscriber and sub-CA certificates.
    pub fn builtin(policy_oid: &str) -> Self {
        let eku = |names: &[&str]| -> Vec<ExtendedKeyUsage> {
            names
                .iter()
                .filter_map(|n| ExtendedKeyUsage::try_from((*n).to_owned()).ok())
                .collect()
        };
        let policies = vec![policy_oid.to_owned()];
        let subscriber = |name: &str, ekus: &[&str]| Profile {
            name: ProfileName(name.to_owned()),
            kind: ProfileKind::EndEntity,
            default_days: MAX_NEW_DAYS,
            max_days: MAX_NEW_DAYS,
            max_renewal_days: MAX_RENEWAL_DAYS,
            key_usage: vec![KeyUsageBit::DigitalSignature, KeyUsageBit::NonRepudiation],
            key_encipherment_for_rsa: true,
            extended_key_usage: eku(ekus),
            policies: policies.clone(),
            path_len: None,
            revocation_info: true,
        };
        let signing = ["client-auth", "email-protection", "document-signing"];
        let mut device = subscriber("device", &["client-auth", "server-auth"]);
        device.key_usage = vec![KeyUsageBit::DigitalSignature];
        let list = [
            subscriber("individual", &signing),
            subscriber("organization", &signing),
            device,
            Profile {
                name: ProfileName("sub-ca".into()),
                kind: ProfileKind::SubCa,
                default_days: 10 * 365 + 2,
                max_days: super::MAX_CA_DAYS,
                max_renewal_days: super::MAX_CA_DAYS,
                key_usage: vec![KeyUsageBit::KeyCertSign, KeyUsageBit::CrlSign],
                key_encipherment_for_rsa: false,
                extended_key_usage: Vec::new(),
                policies: policies.clone(),
                path_len: Some(0),
                revocation_info: true,
            },
            Profile {
                name: ProfileName("ocsp-signer".into()),
                kind: ProfileKind::OcspSigner,
                default_days: 30,
                max_days: super::MAX_OCSP_SIGNER_DAYS,
                max_renewal_days: super::MAX_OCSP_SIGNER_DAYS,
                key_usage: vec![KeyUsageBit::DigitalSignature],
                key_encipherment_for_rsa: false,
                extended_key_usage: vec![ExtendedKeyUsage::OCSP_SIGNING],
                policies: Vec::new(),
                path_len: None,
                revocation_info: false,
            },
        ];
        Self {
            profiles: list.into_iter().map(|p| (p.name.clone(), p)).collect(),
        }
    }

    /// The built-in profiles changed by `overrides`, then checked.
    pub fn with_overrides(
        policy_oid: &str,
        overrides: &BTreeMap<String, ProfileOverride>,
    ) -> Result<Self, ProfileError> {
        let mut set = Self::builtin(policy_oid);
        for (name, o) in overrides {
            let name = ProfileName::try_from(name.clone())?;
            let mut profile = match (set.profiles.get(&name), &o.based_on) {
                (_, Some(base)) => set.get(base.as_str())?.clone(),
                (Some(existing), None) => existing.clone(),
                (None, None) => {
                    return Err(ProfileError::Inconsistent {
                        profile: name.to_string(),
                        reason: "a new profile needs based_on = \"<existing profile>\"".into(),
                    })
                }
            };
            profile.name = name.clone();
            apply(&mut profile, o);
            set.profiles.insert(name, profile);
        }
        set.check()?;
        Ok(set)
    }

    /// Reads `[profiles.NAME]` tables from TOML text.
    pub fn from_toml(policy_oid: &str, text: &str) -> Result<Self, ProfileError> {
        #[derive(Deserialize)]
        struct File {
            #[serde(default)]
            profiles: BTreeMap<String, ProfileOverride>,
        }
        let file: File = toml::from_str(text).map_err(|e| ProfileError::Toml(e.to_string()))?;
        Self::with_overrides(policy_oid, &file.profiles)
    }

    /// Checks every profile; the CA refuses to start on the first error.
    pub fn check(&self) -> Result<(), ProfileError> {
        self.profiles.values().try_for_each(Profile::check)
    }

    /// The profile of this name.
    pub fn get(&self, name: &str) -> Result<&Profile, ProfileError> {
        self.profiles
            .iter()
            .find(|(n, _)| n.as_str() == name)
            .map(|(_, p)| p)
            .ok_or_else(|| ProfileError::Unknown {
                name: name.to_owned(),
                known: self.names().join(", "),
            })
    }

    /// The names of every profile.
    pub fn names(&self) -> Vec<&str> {
        self.profiles.keys().map(ProfileName::as_str).collect()
    }
}

fn apply(p: &mut Profile, o: &ProfileOverride) {
    if let Some(v) = o.default_days {
        p.default_days = v;
    }
    if let Some(v) = o.max_days {
        p.max_days = v;
    }
    if let Some(v) = o.max_renewal_days {
        p.max_renewal_days = v;
    }
    if let Some(v) = &o.key_usage {
        p.key_usage.clone_from(v);
    }
    if let Some(v) = o.key_encipherment_for_rsa {
        p.key_encipherment_for_rsa = v;
    }
    if let Some(v) = &o.extended_key_usage {
        p.extended_key_usage.clone_from(v);
    }
    if let Some(v) = &o.policies {
        p.policies.clone_from(v);
    }
    if let Some(v) = o.path_len {
        p.path_len = Some(v);
    }
    if let Some(v) = o.revocation_info {
        p.revocation_info = v;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_profiles_are_consistent() {
        let set = ProfileSet::builtin(DEFAULT_POLICY_OID);
        set.check().unwrap();
        assert_eq!(
            set.names(),
            [
                "device",
                "individual",
                "ocsp-signer",
                "organization",
                "sub-ca"
            ]
        );
        let ind = set.get("individual").unwrap();
        assert_eq!(ind.policies, [DEFAULT_POLICY_OID]);
        assert!(ind
            .key_usage_for(true)
            .contains(&KeyUsageBit::KeyEncipherment));
        assert!(!ind
            .key_usage_for(false)
            .contains(&KeyUsageBit::KeyEncipherment));
        let err = set.get("nope").unwrap_err().to_string();
        assert!(err.contains("nope") && err.contains("individual"), "{err}");
    }

    #[test]
    fn overrides_apply_and_new_profiles_need_a_base() {
        let set = ProfileSet::from_toml(
            DEFAULT_POLICY_OID,
            r#"
            [profiles.individual]
            default_days = 730
            extended_key_usage = ["client-auth", "1.3.6.1.4.1.311.20.2.2"]
            [profiles.tax-officer]
            based_on = "individual"
            policies = ["2.16.704.1.1.1.1.1", "2.16.704.1.2.3"]
            "#,
        )
        .unwrap();
        let ind = set.get("individual").unwrap();
        assert_eq!(ind.default_days, 730);
        assert_eq!(ind.extended_key_usage.len(), 2);
        assert_eq!(set.get("tax-officer").unwrap().policies.len(), 2);
        let err = ProfileSet::from_toml(DEFAULT_POLICY_OID, "[profiles.x]\nmax_days = 3\n");
        assert!(matches!(err, Err(ProfileError::Inconsistent { .. })));
    }

    #[test]
    fn inconsistent_profiles_are_refused() {
        let cases = [
            "[profiles.individual]\nmax_days = 4000\n",
            "[profiles.individual]\nkey_usage = [\"digital-signature\", \"key-cert-sign\"]\n",
            "[profiles.individual]\nextended_key_usage = [\"ocsp-signing\"]\n",
            "[profiles.sub-ca]\nkey_usage = [\"key-cert-sign\"]\n",
            "[profiles.ocsp-signer]\nextended_key_usage = [\"client-auth\"]\n",
            "[profiles.individual]\nmax_renewal_days = 1500\n",
            "[profiles.individual]\npolicies = [\"not-an-oid\"]\n",
            "[profiles.individual]\ndefault_days = 0\n",
            "[profiles.individual]\nkey_usage = []\n",
            "[profiles.individual]\nextended_key_usage = [\"bogus\"]\n",
            "[profiles.individual]\nunknown_field = 1\n",
        ];
        for case in cases {
            assert!(
                ProfileSet::from_toml(DEFAULT_POLICY_OID, case).is_err(),
                "{case}"
            );
        }
    }
}
