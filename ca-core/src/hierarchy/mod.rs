//! The CA hierarchy: the root, subordinate CAs under it, and sub-CAs whose
//! certificate an external root signs (CSR out, certificate in). Every CA
//! certificate goes through the same recorded issuance cycle as subscriber
//! certificates.

mod create;
mod cross;
mod external;
mod keys;
mod query;

pub use create::{
    InitOptions, InitReport, KeyLocation, RootOptions, SubCaOptions, DEMO_ISSUING_ID, DEMO_ROOT_ID,
};
pub use query::IssuerInfo;

pub(crate) use query::{default_issuer, usable_issuer};

mod status;

pub use status::IssuerStatus;

/// An issuer that signs.
pub const ISSUER_ACTIVE: IssuerStatus = IssuerStatus::Active;
/// An issuer whose own certificate is being issued.
pub const ISSUER_PENDING: IssuerStatus = IssuerStatus::Pending;
/// An issuer waiting for the certificate an external root signs.
pub const ISSUER_AWAITING: IssuerStatus = IssuerStatus::Awaiting;
/// An issuer whose creation was interrupted and resolved by `doctor`.
pub const ISSUER_ABORTED: IssuerStatus = IssuerStatus::Aborted;
/// The settings row naming the issuer subscriber certificates come from by default.
pub(crate) const DEFAULT_ISSUER_SETTING: &str = "default_issuer";

/// Checks an issuer id: it becomes part of URLs and file names.
pub(crate) fn check_issuer_id(id: &str) -> Result<(), crate::CaError> {
    let ok = !id.is_empty()
        && id.len() <= 32
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !id.starts_with('-')
        // `{id}-delta.crl` names the delta CRL of `{id}`.
        && !id.ends_with("-delta")
        && id != "trust";
    if ok {
        Ok(())
    } else {
        Err(crate::CaError::BadIssuerId {
            id: id.to_owned(),
            reason: "use 1-32 lowercase letters, digits and '-' (not \"trust\", not ending in \"-delta\")",
        })
    }
}
