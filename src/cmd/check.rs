//! `errdex check`: load and check, print every diagnostic, write nothing.

use super::{Outcome, Report, Ui, free_at_exit, sources_of};
use crate::cli::CheckArgs;

pub(super) fn run(args: &CheckArgs, ui: Ui) -> anyhow::Result<Outcome> {
    let loaded = crate::load::load_catalog(&args.catalog.catalog)?;
    // Only the diagnostics: `check` has no use for the model.
    let found = crate::check::diagnose(&loaded);
    let report = Report::new(args.format, found.sorted(), &sources_of(&loaded));
    report.print();
    if report.is_clean_human() {
        // A writer who ran `check` learns it ran and found nothing, not just silence.
        let files = loaded.errors.len();
        let plural = if files == 1 { "" } else { "s" };
        // Static files are counted only when there are some, so the writer sees they
        // were found (a misspelt `statics/` would be silently not one).
        let checked = match loaded.static_files.files.len() {
            0 => format!("errdex.yaml and {files} error file{plural}"),
            1 => format!("errdex.yaml, {files} error file{plural} and 1 static file"),
            n => format!("errdex.yaml, {files} error file{plural} and {n} static files"),
        };
        ui.status(format_args!("Checked {checked}: no errors or warnings"));
    }
    let outcome = if report.fails(args.strict) {
        Outcome::CatalogErrors
    } else {
        Outcome::Success
    };
    free_at_exit((loaded, report));
    Ok(outcome)
}
