//! Subscriber identity as it goes into a certificate: national identifiers
//! for the UID attribute ([`NationalId`]), the current provinces and the
//! mapping of former province names ([`resolve_province`]), and the subject
//! itself ([`SubjectInfo`]) with its validation, normalisation and encoding
//! as an X.509 distinguished name, and the rules of every name that goes
//! into one ([`NameKind`]), checked where a name enters the registry.

mod dn;
mod error;
mod info;
mod name;
mod national_id;
mod province;
mod text;

pub use error::SubjectError;
pub use info::SubjectInfo;
pub use name::{
    check_named, NameKind, UB_COMMON_NAME, UB_EMAIL_ADDRESS, UB_LOCALITY_NAME,
    UB_ORGANIZATIONAL_UNIT_NAME, UB_ORGANIZATION_NAME, UB_STATE_NAME, UB_TITLE,
};
pub use national_id::{NationalId, NationalIdKind};
pub use province::{all_provinces, resolve_province, Province, ProvinceKind, ProvinceMatch};
