//! The `errdex` binary: parse arguments, run the command, map the outcome to an exit code.
//!
//! Exit codes: 0 success, 1 the catalog has errors (or warnings under `--strict`),
//! 2 usage or I/O errors.

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = errdex::cli::Cli::parse();
    match errdex::cmd::run(cli) {
        Ok(outcome) => outcome.exit_code(),
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}
