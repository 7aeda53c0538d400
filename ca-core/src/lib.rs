//! The govpki certificate authority: everything that decides what gets
//! signed, records it and signs it. No HTTP lives here; the services and the
//! `govpki` CLI call into this crate and share state only through its store.

pub mod audit;
mod audit_action;
mod ca;
pub mod certificate;
pub mod command;
pub mod config;
pub mod crl;
pub mod csr;
pub mod doctor;
mod error;
pub mod hierarchy;
pub mod lifecycle;
pub mod ocsp;
pub mod profile;
pub mod registry;
pub mod rule;
pub mod serial;
#[cfg(feature = "service")]
pub mod service;
pub mod signer;
pub mod status;
pub mod status_events;
pub mod store;
pub mod subject;
#[cfg(test)]
mod test_support;
pub mod token;
pub mod views;

pub use ca::{Ca, SOFTWARE_BACKEND};
pub use error::CaError;
