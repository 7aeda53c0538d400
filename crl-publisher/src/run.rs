//! Running the publisher: mounting it on a Rocket (alone, or beside the
//! other services in `govpki serve`) and the standalone [`run`].

use std::net::SocketAddr;
use std::sync::Arc;

use ca_core::config::CaConfig;
use ca_core::Ca;
use rocket::config::LogLevel;
use rocket::fairing::AdHoc;
use rocket::figment::Figment;
use rocket::{Build, Rocket};

use crate::{routes, schedule, trust, Publisher, PublisherConfig, PublisherError};

/// What the standalone binary runs with.
#[derive(Debug)]
pub struct RunConfig {
    /// The CA (data dir, database, passphrase).
    pub ca: CaConfig,
    /// Address and port to listen on (port 0: any free port).
    pub listen: SocketAddr,
    /// The publisher's own settings.
    pub publisher: PublisherConfig,
}

/// Mounts `/crl/…` and `/ca/…`, manages `publisher` as state and starts
/// the schedule once the server is up (`/metrics` is left to the caller:
/// `govpki serve` shows every service's metrics on one route).
pub fn mount(rocket: Rocket<Build>, publisher: Arc<Publisher>) -> Rocket<Build> {
    let for_schedule = Arc::clone(&publisher);
    rocket
        .mount("/crl", routes::routes())
        .mount("/ca", trust::routes())
        .manage(publisher)
        .attach(AdHoc::on_liftoff("CRL schedule", move |_| {
            Box::pin(async move {
                rocket::tokio::spawn(schedule::run_forever(for_schedule));
            })
        }))
}

/// A Rocket configuration listening on `listen`, Rocket's own logging off.
/// An ephemeral `secret_key` keeps a release build launching when Rocket's
/// `secrets` feature is on ([`ca_core::service::ephemeral_secret_key`]).
pub fn rocket_config(listen: SocketAddr) -> Figment {
    Figment::from(rocket::Config::default())
        .merge(("address", listen.ip()))
        .merge(("port", listen.port()))
        .merge(("log_level", LogLevel::Off))
        .merge(("cli_colors", false))
        .merge(("secret_key", ca_core::service::ephemeral_secret_key()))
}

#[rocket::get("/metrics")]
fn metrics(publisher: &rocket::State<Arc<Publisher>>) -> (rocket::http::ContentType, String) {
    let text = rocket::http::ContentType::new("text", "plain").with_params(("version", "0.0.4"));
    (text, publisher.metrics_text())
}

/// `GET /healthz`: whether this instance publishes or stands by, and
/// whether its last scheduler run succeeded.
#[rocket::get("/healthz")]
fn healthz(publisher: &rocket::State<Arc<Publisher>>) -> (rocket::http::ContentType, String) {
    let body = serde_json::json!({
        "status": if publisher.last_run_ok() { "ok" } else { "degraded" },
        "crl_publisher": if publisher.is_active() { "active" } else { "standby" },
    });
    (rocket::http::ContentType::JSON, body.to_string())
}

/// Opens the CA and serves CRLs and the trust chain until shut down.
pub fn run(config: RunConfig) -> Result<(), PublisherError> {
    config.publisher.check().map_err(PublisherError::Config)?;
    let ca = Arc::new(Ca::open(config.ca)?);
    let publisher = Arc::new(Publisher::new(ca, config.publisher));
    let rocket = mount(rocket::custom(rocket_config(config.listen)), publisher)
        .mount("/", rocket::routes![metrics, healthz])
        .attach(AdHoc::on_liftoff("announce", |rocket| {
            Box::pin(async move {
                let c = rocket.config();
                eprintln!("listening on http://{}:{}", c.address, c.port);
            })
        }));
    rocket::execute(async move {
        rocket
            .launch()
            .await
            .map(drop)
            .map_err(|e| PublisherError::Server(e.to_string()))
    })
}
