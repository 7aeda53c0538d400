//! `ocsp-responder`: the OCSP service alone, against the database of a
//! govpki CA (for deployments that scale it apart from `govpki serve`).

use std::process::ExitCode;

use ca_core::service::{self, ServiceArgs};
use clap::Parser;
use ocsp_responder::{OcspArgs, RunConfig};

/// The govpki OCSP responder (RFC 6960 / RFC 5019).
#[derive(Debug, Parser)]
#[command(name = "ocsp-responder", version, about)]
struct Args {
    #[command(flatten)]
    service: ServiceArgs,
    #[command(flatten)]
    ocsp: OcspArgs,
}

fn main() -> ExitCode {
    let args = Args::parse();
    service::init_tracing();
    service::exit(run(args))
}

fn run(args: Args) -> anyhow::Result<()> {
    ocsp_responder::run(RunConfig {
        ca: args.service.load_ca()?,
        listen: args.service.listen.listen,
        header_read_timeout: args.service.listen.header_read_timeout,
        responder: args.ocsp.to_config("ocsp-responder")?,
    })?;
    Ok(())
}
