//! The `errdex` binary: parse arguments, run the command, map the outcome to an exit code.
//!
//! Exit codes: 0 success, 1 the catalog has errors (or warnings under `--strict`),
//! 2 usage or I/O errors.

use clap::Parser;
use errdex::cli::Command;
use std::io::IsTerminal;
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

// errdex allocates many short-lived strings from two or more rayon threads at once;
// mimalloc's per-thread heaps cut the build's CPU time by about 15% against glibc malloc
// (measured with benches/run.sh and ../shared/bench on 10,000 errors).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = errdex::cli::Cli::parse();
    if !matches!(cli.command, Command::Serve(_) | Command::Watch(_)) {
        keep_freed_memory();
    }
    init_logging(cli.verbose, cli.quiet);
    match errdex::cmd::run(cli) {
        Ok(outcome) => outcome.exit_code(),
        Err(error) => {
            eprintln!("error: {}", errdex::cmd::error_message(&error));
            ExitCode::from(2)
        }
    }
}

/// mimalloc's `mi_option_purge_delay`, which libmimalloc-sys has no name for: the slot
/// before `mi_option_use_numa_nodes` in mimalloc's `mi_option_e`, where it has been
/// since mimalloc 1.x called it `reset_delay`. A test pins its default.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t =
    libmimalloc_sys::mi_option_use_numa_nodes - 1;

/// Has mimalloc keep the memory a one-shot command frees, for the command's later
/// allocations, instead of returning it to the system a second after it was freed.
///
/// Returning memory is a system call that, with two threads, interrupts the other core
/// to flush its view of the memory; in a virtual machine that core may be descheduled,
/// and the wait is long and unpredictable. `check` at 100,000 errors spent 11 s of its
/// 27 s in the kernel with mimalloc's default and 3 s without purging (13 s in all), and
/// a build at 10,000 errors ran 7% faster (`docs/performance.md`, the eleventh session).
/// These commands end within seconds or minutes, and the process's exit returns all
/// of it at once; the peak barely moves, since freed memory is reused rather than
/// returned. `serve` and `watch` run for hours and keep the default. An explicit
/// `MIMALLOC_PURGE_DELAY` in the environment still wins.
fn keep_freed_memory() {
    // SAFETY: `mi_option_set_default` stores a number in mimalloc's table of options,
    // which mimalloc reads when it next considers purging; `main` calls this before
    // starting any thread, so no other thread reads the table meanwhile.
    unsafe { libmimalloc_sys::mi_option_set_default(MI_OPTION_PURGE_DELAY, -1) }
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

#[cfg(test)]
mod tests {
    use super::MI_OPTION_PURGE_DELAY;

    /// The option errdex sets is the purge delay: mimalloc 3's default for it, 1,000 ms,
    /// differs from its neighbours' (0 and 0, `use_numa_nodes`). A libmimalloc-sys that numbers the
    /// options otherwise fails here rather than setting another option silently.
    #[test]
    fn the_option_set_for_one_shot_commands_is_mimallocs_purge_delay() {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
            return;
        }
        // SAFETY: reads mimalloc's table of options; no test sets an option.
        let delay = unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) };
        assert_eq!(delay, 1000);
    }
}
