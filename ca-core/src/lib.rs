//! The govpki certificate authority: everything that decides what gets
//! signed, records it and signs it. No HTTP lives here; the services and the
//! `govpki` CLI call into this crate and share state only through its store.

pub mod audit;
pub mod certificate;
pub mod csr;
pub mod profile;
pub mod serial;
pub mod signer;
pub mod store;
pub mod subject;
