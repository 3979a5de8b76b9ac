//! The `errdex` binary: parse arguments, run the command, map the outcome to an exit code.
//!
//! Exit codes: 0 success, 1 the catalog has errors (or warnings under `--strict`),
//! 2 usage or I/O errors.

use clap::Parser;
use std::io::IsTerminal;
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

// errdex allocates many short-lived strings from two or more rayon threads at once;
// mimalloc's per-thread heaps cut the build's CPU time by about 15% against glibc malloc
// (measured with benches/run.sh and ../shared/bench on 10,000 errors).
//
// Built without transparent huge pages (the `no_thp` feature in Cargo.toml): with them,
// the kernel zeroes a whole 2 MiB page the first time errdex touches any byte of it, and
// again after mimalloc returns part of one. That zeroing was 14% of a 10,000-error
// build's CPU samples (`perf`), and `check` at 100,000 errors spent 6.5-7.3 s in the
// kernel with huge pages against 1.5-2.5 s without, for 50 MB more at its peak
// (docs/performance.md, the eleventh session).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = errdex::cli::Cli::parse();
    init_logging(cli.verbose, cli.quiet);
    match errdex::cmd::run(cli) {
        Ok(outcome) => outcome.exit_code(),
        Err(error) => {
            eprintln!("error: {}", errdex::cmd::error_message(&error));
            ExitCode::from(2)
        }
    }
}

/// Logs go to stderr; `ERRDEX_LOG` (an `EnvFilter` directive) wins over `-v`/`--quiet`.
fn init_logging(verbose: u8, quiet: bool) {
    let level = match (quiet, verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "errdex=debug",
        (false, _) => "errdex=trace",
    };
    let filter = EnvFilter::try_from_env("ERRDEX_LOG").unwrap_or_else(|_| EnvFilter::new(level));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_ansi(
            std::io::stderr().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        )
        .try_init();
}
