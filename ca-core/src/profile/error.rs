//! Errors of the profile area.

/// A profile that cannot be used, or a name that is not a profile.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProfileError {
    /// No profile of this name is configured.
    #[error("unknown profile {name:?}; known profiles: {known}")]
    Unknown {
        /// The name asked for.
        name: String,
        /// The configured names, comma-separated.
        known: String,
    },
    /// A profile name with characters other than a-z, 0-9 and '-'.
    #[error("invalid profile name {name:?}: use lowercase letters, digits and '-'")]
    BadName {
        /// The name.
        name: String,
    },
    /// The profile contradicts itself or the rules for its kind.
    #[error("profile {profile:?} is inconsistent: {reason}")]
    Inconsistent {
        /// The profile.
        profile: String,
        /// What is wrong.
        reason: String,
    },
    /// An unknown key usage, EKU or policy OID in the configuration.
    #[error("profile {profile:?}: {field} value {value:?} is not recognised")]
    BadValue {
        /// The profile.
        profile: String,
        /// The field.
        field: &'static str,
        /// The value.
        value: String,
    },
    /// The TOML could not be read.
    #[error("profile configuration: {0}")]
    Toml(String),
}
