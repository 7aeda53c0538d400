//! `ra-portal`: the RA portal alone, against the database of a govpki CA
//! (for deployments that scale it apart from `govpki serve`).

use std::process::ExitCode;

use ca_core::service::{self, ServiceArgs};
use clap::Parser;
use ra_portal::RunConfig;

/// The govpki RA portal (web pages and /api/v1).
#[derive(Debug, Parser)]
#[command(name = "ra-portal", version, about)]
struct Args {
    #[command(flatten)]
    service: ServiceArgs,
}

fn main() -> ExitCode {
    let args = Args::parse();
    service::init_tracing();
    service::exit(run(args))
}

fn run(args: Args) -> anyhow::Result<()> {
    ra_portal::run(RunConfig {
        ca: args.service.load_ca()?,
        listen: args.service.listen,
    })?;
    Ok(())
}
