//! Running the portal's blocking work (database, argon2, signing) off
//! Rocket's async workers: what every API handler and page does.

use crate::error::PortalError;

/// Runs `f` on a blocking thread.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, PortalError> + Send + 'static,
) -> Result<T, PortalError> {
    rocket::tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| PortalError::Internal(format!("worker: {e}")))?
}
