//! The portal over HTTP: the JSON API at `/api/v1` ([`api`]) and the
//! Vietnamese pages at `/` ([`web`]). Both are thin: they parse, call the
//! portal's logic (accounts, requests, registry, import, reports, bulk —
//! modules with no HTTP in them) and turn its answers or refusals into
//! responses. The domain modules never import this one.

pub mod api;
mod blocking;
mod client_addr;
pub mod compression;
pub mod hardening;
mod presented;
pub(crate) mod query;
mod status;
pub(crate) mod web;

pub(crate) use blocking::blocking;
pub(crate) use client_addr::ClientAddr;
pub(crate) use query::RawQuery;
pub(crate) use status::HttpStatus;
