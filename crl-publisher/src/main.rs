//! `crl-publisher`: CRLs and the trust chain alone, against the database
//! of a govpki CA (for deployments that run it apart from `govpki serve`).

use std::process::ExitCode;

use ca_core::service::{self, ServiceArgs};
use clap::Parser;
use crl_publisher::{RunConfig, ScheduleArgs};

/// The govpki CRL publisher (RFC 5280 full, delta and sharded CRLs) and
/// trust chain.
#[derive(Debug, Parser)]
#[command(name = "crl-publisher", version, about)]
struct Args {
    #[command(flatten)]
    service: ServiceArgs,
    #[command(flatten)]
    crl: ScheduleArgs,
}

fn main() -> ExitCode {
    let args = Args::parse();
    service::init_tracing();
    service::exit(run(args))
}

fn run(args: Args) -> anyhow::Result<()> {
    let publisher = args.crl.to_config(&args.service.ca.data_dir)?;
    crl_publisher::run(RunConfig {
        ca: args.service.load_ca()?,
        listen: args.service.listen.listen,
        header_read_timeout: args.service.listen.header_read_timeout,
        publisher,
    })?;
    Ok(())
}
