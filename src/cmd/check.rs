//! `errdex check`: load and check, print every diagnostic, write nothing.

use super::{Outcome, print_human, sources_of};
use crate::cli::CheckArgs;
use crate::report::{self, Format};

pub(super) fn run(args: &CheckArgs) -> anyhow::Result<Outcome> {
    let loaded = crate::load::load_catalog(&args.catalog.catalog)?;
    // Only the diagnostics: `check` has no use for the model.
    let found = crate::check::diagnose(&loaded);
    let fails = found.fails(args.strict);
    let diagnostics = found.sorted();
    let sources = sources_of(&loaded);
    match args.format {
        Format::Human => print_human(&diagnostics, &sources),
        Format::Json => print!("{}", report::json(&diagnostics, &sources)),
        Format::Github => print!("{}", report::github(&diagnostics, &sources)),
    }
    Ok(if fails {
        Outcome::CatalogErrors
    } else {
        Outcome::Success
    })
}
