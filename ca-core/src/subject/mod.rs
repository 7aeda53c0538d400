//! Subscriber identity as it goes into a certificate: national identifiers
//! for the UID attribute ([`NationalId`]), the current provinces and the
//! mapping of former province names ([`resolve_province`]), and the subject
//! itself ([`SubjectInfo`]) with its validation, normalisation and encoding
//! as an X.509 distinguished name.

mod dn;
mod error;
mod info;
mod national_id;
mod province;
mod text;

pub use error::SubjectError;
pub use info::SubjectInfo;
pub use national_id::{NationalId, NationalIdKind};
pub use province::{all_provinces, resolve_province, Province, ProvinceKind, ProvinceMatch};
