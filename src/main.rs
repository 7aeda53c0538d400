//! `govpki`: the command line of the CA. Parses arguments, opens the CA and
//! calls the library; every failure ends with one line on stderr and a
//! non-zero exit.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::main()
}
