//! One module per subcommand, each thin: it wires pipeline stages together and prints.

mod build;
mod check;
mod explain;
mod init;
mod lookup;
mod new;
mod schema;
mod serve;
mod watch;

use crate::cli::{Cli, Command};
use crate::diagnostic::Diagnostic;
use crate::load::LoadedCatalog;
use crate::report::{self, Format, Sources};
use std::io::IsTerminal;
use std::process::ExitCode;

/// How a command ended, when it ran to completion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0.
    Success,
    /// Exit 1: the catalog has errors (or warnings under `--strict`).
    CatalogErrors,
}

impl Outcome {
    /// The process exit code.
    pub fn exit_code(self) -> ExitCode {
        match self {
            Outcome::Success => ExitCode::SUCCESS,
            Outcome::CatalogErrors => ExitCode::from(1),
        }
    }
}

/// Runs a parsed command line. `Err` means a usage or I/O error (exit 2).
pub fn run(cli: Cli) -> anyhow::Result<Outcome> {
    let ui = Ui { quiet: cli.quiet };
    match cli.command {
        Command::Build(args) => build::run(&args, ui),
        Command::Check(args) => check::run(&args, ui),
        Command::Watch(args) => watch::run(&args, ui),
        Command::Serve(args) => serve::run(&args, ui),
        Command::Explain(args) => explain::run(&args),
        Command::Lookup(args) => lookup::run(&args),
        Command::New(args) => new::run(&args, ui),
        Command::Init(args) => init::run(&args, ui),
        Command::Schema(args) => schema::run(&args.resolve()),
        Command::Completions(args) => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(args.shell, &mut command, "errdex", &mut std::io::stdout());
            Ok(Outcome::Success)
        }
    }
}

/// Leaves `value` for the process's exit to reclaim instead of freeing it now.
///
/// `check` and `build` end as soon as they are done with their catalog. Freeing one of
/// 10,000 errors, string by string, took 30 to 50 ms on one core after all the work was
/// done (timed around the drop); the operating system takes the memory back at once.
/// Only for the one-shot commands, and only for plain data: `watch` and `serve` free
/// what they replace, and nothing handed here has a `Drop` with an effect outside
/// memory.
fn free_at_exit<T>(value: T) {
    std::mem::forget(value);
}

/// How chatty the commands are: `--quiet` keeps diagnostics and errors only.
#[derive(Debug, Clone, Copy)]
pub struct Ui {
    quiet: bool,
}

impl Ui {
    /// Prints a progress or summary line to stderr, unless `--quiet`.
    pub fn status(self, line: impl std::fmt::Display) {
        if !self.quiet {
            eprintln!("{line}");
        }
    }
}

/// Sources for diagnostics snippets from a loaded catalog.
/// The text of an error that stopped a command: each cause after the first, unless
/// an earlier message already says it. Many errors write their cause into their own
/// message (`cannot write x: Permission denied`), and printing the whole chain would
/// repeat it (`…: Permission denied (os error 13): Permission denied (os error 13)`).
pub fn error_message(error: &anyhow::Error) -> String {
    let mut message = error.to_string();
    for cause in error.chain().skip(1) {
        let cause = cause.to_string();
        if !message.contains(&cause) {
            message.push_str(": ");
            message.push_str(&cause);
        }
    }
    message
}

pub(crate) fn sources_of(loaded: &LoadedCatalog) -> Sources<'_> {
    let mut files = std::collections::BTreeMap::new();
    for source in std::iter::once(&loaded.config.source)
        .chain(loaded.errors.iter().map(|e| &e.source))
        .flatten()
    {
        files.insert(source.path.as_str(), source);
    }
    Sources {
        prefix: loaded.root.to_string_lossy().into_owned(),
        files,
    }
}

/// A catalog as the commands that read entries (`explain`, `lookup`) see it.
pub(crate) struct Readable {
    /// Every error file without an error of its own; `None` when errdex.yaml has one.
    pub catalog: Option<crate::model::Catalog>,
    /// The catalog-relative paths of the error files left out for their errors.
    pub left_out: Vec<String>,
}

/// Loads and checks a catalog for a command that reads entries. An error in one file
/// leaves that file out rather than stopping the command; the diagnostics are printed
/// for the files `show` picks (by catalog-relative path), the ones the user asked about.
///
/// A message two codes claim (E030) does not leave a file out: each file is sound on
/// its own, and which codes send that message is what `lookup` is asked.
pub(crate) fn readable_catalog(
    root: &std::path::Path,
    show: impl Fn(&str) -> bool,
) -> anyhow::Result<Readable> {
    let loaded = crate::load::load_catalog(root)?;
    let diagnostics = crate::check::diagnose(&loaded).sorted();
    let with_errors: std::collections::BTreeSet<&str> = diagnostics
        .iter()
        .filter(|d| d.severity() == crate::diagnostic::Severity::Error)
        .filter(|d| d.code != crate::diagnostic::Code::MessageClaimedTwice)
        .map(|d| d.file.as_str())
        .collect();
    let errors_in = |path: &str| with_errors.contains(path);
    let left_out: Vec<String> = loaded
        .errors
        .iter()
        .map(|file| file.path.clone())
        .filter(|path| errors_in(path))
        .collect();
    let shown: Vec<Diagnostic> = diagnostics
        .iter()
        .filter(|d| show(&d.file) && errors_in(&d.file))
        .cloned()
        .collect();
    print_human(&shown, &sources_of(&loaded));
    Ok(Readable {
        catalog: crate::check::into_partial_catalog(loaded, &with_errors),
        left_out,
    })
}

/// What a reading command says on stderr when it left `count` broken files out, e.g.
/// `note: did not search 2 error files that have errors; …`.
pub(crate) fn left_out_note(count: usize, done: &str) -> String {
    let (files, have) = if count == 1 {
        ("file", "has")
    } else {
        ("files", "have")
    };
    format!("note: {done} {count} error {files} that {have} errors; `errdex check` lists them")
}

/// The diagnostics of a `check` or `build` run, printed once, in the format asked for:
/// people get snippets and a tally on stderr, tools one JSON array or GitHub workflow
/// commands on stdout.
///
/// The snippets need the files' text, which a build gives away to the model before it
/// renders, so they are laid out when the report is made; a diagnostic found later
/// (W005, measured on the rendered llms.txt) points at no text and is added after.
pub(crate) struct Report {
    format: Format,
    /// The catalog folder as the user wrote it, for the printed paths.
    prefix: String,
    diagnostics: Vec<Diagnostic>,
    /// The human layout of `diagnostics`, empty for the other formats.
    human: String,
}

impl Report {
    pub(crate) fn new(format: Format, diagnostics: Vec<Diagnostic>, sources: &Sources<'_>) -> Self {
        let human = match format {
            Format::Human => report::human(&diagnostics, sources, stderr_color()),
            Format::Json | Format::Github => String::new(),
        };
        Report {
            format,
            prefix: sources.prefix.clone(),
            diagnostics,
            human,
        }
    }

    /// Adds diagnostics about whole files, which need no snippet.
    pub(crate) fn extend(&mut self, diagnostics: impl IntoIterator<Item = Diagnostic>) {
        for diagnostic in diagnostics {
            if self.format == Format::Human {
                let sources = self.sources();
                let one = std::slice::from_ref(&diagnostic);
                self.human
                    .push_str(&report::human(one, &sources, stderr_color()));
            }
            self.diagnostics.push(diagnostic);
        }
    }

    /// Whether the run fails: any error, or any warning when `strict`.
    pub(crate) fn fails(&self, strict: bool) -> bool {
        self.diagnostics
            .iter()
            .any(|d| strict || d.severity() == crate::diagnostic::Severity::Error)
    }

    /// Whether the report is for people and has nothing to say: the command then says
    /// so in a line of its own, which tools reading the other formats have no use for.
    pub(crate) fn is_clean_human(&self) -> bool {
        self.format == Format::Human && self.diagnostics.is_empty()
    }

    /// Prints the report: nothing for a clean human run, `[]` for a clean JSON one.
    pub(crate) fn print(&self) {
        let sources = self.sources();
        match self.format {
            Format::Human if self.diagnostics.is_empty() => {}
            Format::Human => eprint_human(&self.human, &self.diagnostics),
            Format::Json => print!("{}", report::json(&self.diagnostics, &sources)),
            Format::Github => print!("{}", report::github(&self.diagnostics, &sources)),
        }
    }

    /// The paths only: the JSON and GitHub formats, and whole-file diagnostics, show no
    /// source text.
    fn sources(&self) -> Sources<'static> {
        Sources {
            prefix: self.prefix.clone(),
            files: std::collections::BTreeMap::new(),
        }
    }
}

/// Whether diagnostics on stderr are coloured: a terminal, and `NO_COLOR` unset.
fn stderr_color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Prints human diagnostics and their tally to stderr.
pub(crate) fn print_human(diagnostics: &[Diagnostic], sources: &Sources<'_>) {
    if diagnostics.is_empty() {
        return;
    }
    eprint_human(
        &report::human(diagnostics, sources, stderr_color()),
        diagnostics,
    );
}

/// Prints the human layout of `diagnostics` to stderr, then their tally.
fn eprint_human(laid_out: &str, diagnostics: &[Diagnostic]) {
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity() == crate::diagnostic::Severity::Error)
        .count();
    eprint!("{laid_out}");
    eprintln!("{}", report::tally(errors, diagnostics.len() - errors));
    if let Some(hint) = report::explain_hint(diagnostics) {
        eprintln!("{hint}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cause_already_in_the_message_is_not_repeated() {
        let denied = || std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        let written = crate::write::WriteError::Io {
            path: "site/x".into(),
            source: denied(),
        };
        let error = anyhow::Error::from(written).context("the previous site is unchanged");
        let message = error_message(&error);
        assert_eq!(
            message.matches(&denied().to_string()).count(),
            1,
            "{message}"
        );
        assert!(message.starts_with("the previous site is unchanged: cannot write `site/x`: "));
        // A cause that adds something is kept.
        let error = anyhow::Error::from(denied()).context("cannot read `x`");
        assert_eq!(
            error_message(&error),
            format!("cannot read `x`: {}", denied())
        );
    }
}
