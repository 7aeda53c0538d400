//! The publisher's error enum.

use ca_core::CaError;

/// What can go wrong in the publisher.
#[derive(Debug, thiserror::Error)]
pub enum PublisherError {
    /// The CA refused or failed (database, signing).
    #[error(transparent)]
    Ca(#[from] CaError),
    /// Writing a CRL into the publishing directory failed.
    #[error("publishing: {0}")]
    Publish(String),
    /// A setting is out of range.
    #[error("configuration: {0}")]
    Config(String),
    /// The HTTP server failed.
    #[error("HTTP server: {0}")]
    Server(String),
    /// A background task failed.
    #[error("task: {0}")]
    Task(String),
}
