//! The publisher as a [`Service`]: mounted beside the other services by
//! `govpki serve`, or alone by [`run`].

use std::net::SocketAddr;
use std::sync::Arc;

use ca_core::config::CaConfig;
use ca_core::service::{Health, Service};
use ca_core::Ca;
use rocket::fairing::AdHoc;
use rocket::{Build, Rocket};

use crate::{routes, schedule, trust, Publisher, PublisherConfig, PublisherError};

/// What the standalone binary runs with.
#[derive(Debug)]
pub struct RunConfig {
    /// The CA (data dir, database, passphrase).
    pub ca: CaConfig,
    /// Address and port to listen on (port 0: any free port).
    pub listen: SocketAddr,
    /// Seconds a client has to send a whole request head (0: no limit).
    pub header_read_timeout: u64,
    /// The publisher's own settings.
    pub publisher: PublisherConfig,
}

#[rocket::async_trait]
impl Service for Publisher {
    /// `/crl/…` and `/ca/…`, the publisher as state, and the schedule,
    /// started once the server is up.
    fn mount(self: Arc<Self>, rocket: Rocket<Build>) -> Rocket<Build> {
        let for_schedule = Arc::clone(&self);
        rocket
            .mount("/crl", routes::routes())
            .mount("/ca", trust::routes())
            .manage(self)
            .attach(AdHoc::on_liftoff("CRL schedule", move |_| {
                Box::pin(async move {
                    rocket::tokio::spawn(schedule::run_forever(for_schedule));
                })
            }))
    }

    /// Whether this instance publishes or stands by, and whether its last
    /// scheduler run succeeded.
    async fn health(&self) -> Health {
        let mut details = serde_json::Map::new();
        details.insert(
            "crl_publisher".into(),
            if self.is_active() {
                "active"
            } else {
                "standby"
            }
            .into(),
        );
        let ok = self.last_run_ok();
        if !ok {
            details.insert("crl".into(), "last run failed".into());
        }
        Health {
            degraded: !ok,
            details,
        }
    }

    fn metrics(&self) -> String {
        self.metrics_text()
    }
}

/// Opens the CA and serves CRLs and the trust chain until shut down.
pub fn run(config: RunConfig) -> Result<(), PublisherError> {
    config.publisher.check().map_err(PublisherError::Config)?;
    let ca = Arc::new(Ca::open(config.ca)?);
    let publisher = Arc::new(Publisher::new(ca, config.publisher));
    ca_core::service::serve(
        ca_core::service::rocket_config(config.listen)
            .merge(("header_read_timeout", config.header_read_timeout)),
        vec![publisher],
    )
    .map_err(PublisherError::Server)
}
