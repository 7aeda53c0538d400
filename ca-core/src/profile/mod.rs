//! Certificate profiles as data: what a certificate of each kind contains
//! (key usage, extended key usage, policies, validity limits). Built-in
//! defaults follow real Ban Cơ yếu Chính phủ certificates; a TOML file can
//! override them. A profile set that contradicts itself is refused when the
//! CA starts, never at the first request.

mod error;
mod model;
mod set;

pub use error::ProfileError;
pub use model::{ExtendedKeyUsage, KeyUsageBit, Profile, ProfileKind, ProfileName};
pub use set::{ProfileOverride, ProfileSet, DEFAULT_POLICY_OID};

/// Longest validity of a new subscriber certificate (Decree 68/2024 Art. 9: 5 years).
pub const MAX_NEW_DAYS: u32 = 5 * 365 + 1;
/// Longest validity of a renewal (3 years).
pub const MAX_RENEWAL_DAYS: u32 = 3 * 365 + 1;
/// Longest validity of a CA certificate (20 years).
pub const MAX_CA_DAYS: u32 = 20 * 365 + 5;
/// Longest validity of an OCSP-signing delegate certificate.
pub const MAX_OCSP_SIGNER_DAYS: u32 = 90;
