//! `errdex check`: load and check, print every diagnostic, write nothing.

use super::{Outcome, Report, free_at_exit, sources_of};
use crate::cli::CheckArgs;

pub(super) fn run(args: &CheckArgs) -> anyhow::Result<Outcome> {
    let loaded = crate::load::load_catalog(&args.catalog.catalog)?;
    // Only the diagnostics: `check` has no use for the model.
    let found = crate::check::diagnose(&loaded);
    let report = Report::new(args.format, found.sorted(), &sources_of(&loaded));
    report.print();
    let outcome = if report.fails(args.strict) {
        Outcome::CatalogErrors
    } else {
        Outcome::Success
    };
    free_at_exit((loaded, report));
    Ok(outcome)
}
