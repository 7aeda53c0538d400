//! Narrow read views of the CA's tables for the code outside ca-core.
//!
//! ca-core is the only code that reads or writes the CA's tables
//! (issuers, certificates, subscribers, units, tokens, audit, OCSP
//! responses, CRLs): the services and tools call the typed functions here
//! instead of writing their own queries. Each module serves one consumer
//! and holds only what that consumer needs (Boulder's narrow storage
//! clients):
//!
//! | module | for |
//! |---|---|
//! | [`audit`] | the portal's audit log view |
//! | [`reports`] | the portal's reports (counts grouped in SQL) |
//! | [`certificates`] | the portal's certificate search, details and live status |
//! | [`lists`] | the portal's paged lists of subscribers, units and tokens, and names for a page of rows |
//! | [`client_certs`] | the portal's sign-in with a client certificate |
//! | [`issuers`] | the crl-publisher's trust chain downloads |
//! | [`ocsp`] | the OCSP responder's refresher and health check |
//! | [`bench`] | the benchmarks and the RA seeding example |
//!
//! Functions take a connection, so that a caller keeps its own
//! transaction boundaries, and return row types of
//! [`crate::store::models`] or small structs of their own. Errors are
//! diesel's, as the queries give them.

pub mod audit;
pub mod bench;
pub mod certificates;
pub mod client_certs;
pub mod issuers;
pub mod lists;
pub mod ocsp;
pub mod reports;
