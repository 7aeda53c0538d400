//! Running the responder: mounting it on a Rocket (alone, or beside the
//! other services in `govpki serve`) and the standalone [`run`].

use std::net::SocketAddr;
use std::sync::Arc;

use ca_core::config::CaConfig;
use ca_core::Ca;
use rocket::config::LogLevel;
use rocket::fairing::AdHoc;
use rocket::figment::Figment;
use rocket::{Build, Rocket};

use crate::{refresher, routes, service_routes, Responder, ResponderConfig, ResponderError};

/// What the standalone binary runs with.
#[derive(Debug)]
pub struct RunConfig {
    /// The CA (data dir, database, passphrase).
    pub ca: CaConfig,
    /// Address and port to listen on (port 0: any free port).
    pub listen: SocketAddr,
    /// The responder's own settings.
    pub responder: ResponderConfig,
}

/// Mounts the OCSP routes, `/healthz` and `/metrics`, manages `responder`
/// as state and starts the refresher once the server is up.
pub fn mount(rocket: Rocket<Build>, responder: Arc<Responder>) -> Rocket<Build> {
    mount_with(rocket, responder, routes())
}

/// As [`mount`], without `/healthz` and `/metrics` (the caller serves
/// those for all its services).
pub fn mount_service(rocket: Rocket<Build>, responder: Arc<Responder>) -> Rocket<Build> {
    mount_with(rocket, responder, service_routes())
}

fn mount_with(
    rocket: Rocket<Build>,
    responder: Arc<Responder>,
    routes: Vec<rocket::Route>,
) -> Rocket<Build> {
    let for_refresher = Arc::clone(&responder);
    rocket
        .mount("/", routes)
        .manage(responder)
        .attach(AdHoc::on_liftoff("OCSP refresher", move |_| {
            Box::pin(async move {
                rocket::tokio::spawn(refresher::run_forever(for_refresher));
            })
        }))
}

/// A Rocket configuration listening on `listen`, Rocket's own logging off
/// (the binaries log through `tracing`).
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

/// Prints `listening on http://ADDR:PORT` on stderr once bound (the port
/// actually bound when 0 was asked).
pub fn announce_listening() -> AdHoc {
    AdHoc::on_liftoff("announce", |rocket| {
        Box::pin(async move {
            let config = rocket.config();
            eprintln!("listening on http://{}:{}", config.address, config.port);
        })
    })
}

/// Opens the CA, builds the responder and serves until shut down.
pub fn run(config: RunConfig) -> Result<(), ResponderError> {
    let ca = Arc::new(Ca::open(config.ca)?);
    let responder = Arc::new(Responder::new(ca, config.responder)?);
    let rocket =
        mount(rocket::custom(rocket_config(config.listen)), responder).attach(announce_listening());
    rocket::execute(async move {
        rocket
            .launch()
            .await
            .map(drop)
            .map_err(|e| ResponderError::Server(e.to_string()))
    })
}
