//! [`Service`]: what every HTTP component of govpki offers (the OCSP
//! responder, the CRL publisher and trust chain, the RA portal), so that
//! the Rocket configuration, the start-up announcement, `/healthz` and
//! `/metrics` are written once — here — whether a component runs alone
//! (its own binary) or beside the others (`govpki serve`, which composes
//! them in a loop). The components never import each other: each hands
//! `govpki serve` a `Service`.

use std::net::SocketAddr;
use std::sync::Arc;

use rocket::config::LogLevel;
use rocket::fairing::AdHoc;
use rocket::figment::Figment;
use rocket::http::ContentType;
use rocket::{Build, Rocket, State};
use serde_json::{Map, Value};

/// A component served over HTTP.
#[rocket::async_trait]
pub trait Service: Send + Sync {
    /// Mounts its routes, manages its state and attaches its background
    /// tasks (which start once the server is up).
    fn mount(self: Arc<Self>, rocket: Rocket<Build>) -> Rocket<Build>;

    /// Its part of `/healthz`.
    async fn health(&self) -> Health;

    /// Its part of `/metrics` (Prometheus text exposition), if any.
    fn metrics(&self) -> String {
        String::new()
    }
}

/// A component's health: whether it works as it should, and what it tells
/// an operator (merged into the `/healthz` JSON of the process).
#[derive(Debug, Clone, Default)]
pub struct Health {
    /// `false` turns the process's status to `degraded`.
    pub degraded: bool,
    /// Fields of the `/healthz` object.
    pub details: Map<String, Value>,
}

/// The components a process serves, for `/healthz` and `/metrics`.
struct Served(Vec<Arc<dyn Service>>);

/// Mounts every service on `rocket`, then `/healthz` and `/metrics` over
/// all of them.
pub fn compose(mut rocket: Rocket<Build>, services: Vec<Arc<dyn Service>>) -> Rocket<Build> {
    for service in &services {
        rocket = Arc::clone(service).mount(rocket);
    }
    rocket
        .manage(Served(services))
        .mount("/", rocket::routes![healthz, metrics])
}

/// Seconds a client has to send a whole request head before its connection
/// is closed (the slow-header attack): read by the patched Rocket in
/// `vendor/rocket` (see its GOVPKI-PATCH.md). `--header-read-timeout`
/// ([`super::ListenArgs`]: `govpki serve` and every service binary) changes
/// it.
pub const DEFAULT_HEADER_READ_TIMEOUT_SECS: u64 = 10;

/// The Rocket configuration of a plain-HTTP listener on `listen`:
/// Rocket's own logging off (the binaries log through `tracing`) and an
/// ephemeral `secret_key` (see [`super::ephemeral_secret_key`]; the portal
/// sets its own when it is mounted).
pub fn rocket_config(listen: SocketAddr) -> Figment {
    Figment::from(rocket::Config::default())
        .merge(("header_read_timeout", DEFAULT_HEADER_READ_TIMEOUT_SECS))
        .merge(("address", listen.ip()))
        .merge(("port", listen.port()))
        .merge(("log_level", LogLevel::Off))
        .merge(("cli_colors", false))
        .merge(("secret_key", super::ephemeral_secret_key()))
}

/// A fairing printing `{what} http(s)://ADDRESS:PORT` on stderr once the
/// server listens (the port actually bound when 0 was asked; scripts and
/// tests wait for the line).
pub fn announce(what: &'static str) -> AdHoc {
    AdHoc::on_liftoff("announce", move |rocket| {
        Box::pin(async move {
            let c = rocket.config();
            let scheme = if c.tls_enabled() { "https" } else { "http" };
            eprintln!("{what} {scheme}://{}:{}", c.address, c.port);
        })
    })
}

/// Serves `services` on the Rocket configured by `figment` (announced as
/// `listening on …`) until shut down.
pub fn serve(figment: Figment, services: Vec<Arc<dyn Service>>) -> Result<(), String> {
    let rocket = compose(rocket::custom(figment), services).attach(announce("listening on"));
    rocket::execute(async move { rocket.launch().await.map(drop) }).map_err(|e| e.to_string())
}

/// `GET /healthz`: `status` `ok`, or `degraded` when any service is, with
/// every service's details.
#[rocket::get("/healthz")]
async fn healthz(served: &State<Served>) -> (ContentType, String) {
    let mut body = Map::new();
    let mut degraded = false;
    for service in &served.0 {
        let health = service.health().await;
        degraded |= health.degraded;
        body.extend(health.details);
    }
    body.insert(
        "status".into(),
        if degraded { "degraded" } else { "ok" }.into(),
    );
    (ContentType::JSON, Value::Object(body).to_string())
}

/// `GET /metrics`: every service's metrics.
#[rocket::get("/metrics")]
fn metrics(served: &State<Served>) -> (ContentType, String) {
    let text: String = served.0.iter().map(|s| s.metrics()).collect();
    let content_type =
        ContentType::new("text", "plain").with_params([("version", "0.0.4"), ("charset", "utf-8")]);
    (content_type, text)
}
