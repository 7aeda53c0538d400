//! The route handlers: each reads the hierarchy off the async executor,
//! then builds its answer. Errors become HTTP only in
//! [`TrustError`]'s responder.

use std::sync::Arc;

use chrono::Utc;
use rocket::http::uri::fmt::Path;
use rocket::http::uri::Segments;
use rocket::State;

use super::error::TrustError;
use super::hierarchy::{Hierarchy, Issuer};
use super::listing::TrustList;
use super::name::{Download, Format};
use super::reply::Reply;
use super::{page, pkcs7};
use crate::Publisher;

/// `GET /ca` and `GET /ca/`: the page.
#[rocket::get("/")]
pub(super) async fn index(publisher: &State<Arc<Publisher>>) -> Result<Reply, TrustError> {
    let hierarchy = load(publisher).await?;
    Ok(Reply::page(page::render(&hierarchy, Utc::now())))
}

/// `GET /ca/trust.json`.
#[rocket::get("/trust.json")]
pub(super) async fn trust_json(publisher: &State<Arc<Publisher>>) -> Result<Reply, TrustError> {
    let hierarchy = load(publisher).await?;
    let body = serde_json::to_string_pretty(&TrustList::new(&hierarchy, Utc::now()))
        .map_err(|e| TrustError::Internal(format!("trust.json: {e}")))?;
    Ok(Reply::json(body))
}

/// `GET /ca/{issuer}.crt`, `.pem`, `-chain.pem`, `.p7c`.
#[rocket::get("/<name>")]
pub(super) async fn download(
    publisher: &State<Arc<Publisher>>,
    name: &str,
) -> Result<Reply, TrustError> {
    let candidates = Download::candidates(name);
    if candidates.is_empty() {
        // Not a download name (bad suffix or id): refused without a query,
        // and without echoing what was sent.
        return Err(TrustError::UnknownIssuer { name: None });
    }
    let hierarchy = load(publisher).await?;
    let Some((wanted, issuer)) = candidates
        .iter()
        .find_map(|d| Some((d, hierarchy.find(d.issuer.as_str())?)))
    else {
        return Err(TrustError::UnknownIssuer {
            name: candidates.first().map(|d| d.issuer.clone()),
        });
    };
    let Some(cert) = &issuer.cert else {
        return Err(TrustError::NotPublished {
            id: wanted.issuer.clone(),
            status: issuer.status.clone(),
        });
    };
    let body = match wanted.format {
        Format::Der => cert.der.clone(),
        Format::Pem => pem(&[issuer]).into_bytes(),
        Format::ChainPem => pem(&hierarchy.chain(&wanted.issuer)).into_bytes(),
        Format::Pkcs7 => {
            let chain = hierarchy.chain(&wanted.issuer);
            pkcs7::certs_only(
                chain
                    .iter()
                    .filter_map(|i| i.cert.as_ref().map(|c| &c.parsed)),
            )
            .map_err(|e| TrustError::Internal(format!("{}: {e}", wanted.file_name())))?
        }
    };
    Ok(Reply::certificate(
        body,
        wanted.format.media_type(),
        wanted.file_name(),
    ))
}

/// Anything else under `/ca/` (several segments, `..`, an empty name): a
/// JSON 404 rather than the server's default page.
#[rocket::get("/<_rest..>", rank = 20)]
pub(super) fn fallback(_rest: Segments<'_, Path>) -> TrustError {
    TrustError::NotFound
}

/// Reads the hierarchy on the blocking pool.
async fn load(publisher: &State<Arc<Publisher>>) -> Result<Hierarchy, TrustError> {
    let publisher = Arc::clone(publisher.inner());
    rocket::tokio::task::spawn_blocking(move || Hierarchy::load(publisher.ca()))
        .await
        .map_err(|e| TrustError::Internal(format!("hierarchy task: {e}")))?
        .map_err(TrustError::from)
}

/// The PEM certificates of `issuers`, in order.
fn pem(issuers: &[&Issuer]) -> String {
    issuers
        .iter()
        .filter_map(|i| i.cert.as_ref())
        .map(|c| ca_core::certificate::der_to_pem(&c.der))
        .collect()
}
