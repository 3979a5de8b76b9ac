//! `errdex check`: load and check, print every diagnostic, write nothing.

use super::{Outcome, print_human, sources_of};
use crate::cli::CheckArgs;
use crate::report::{self, Format};

pub(super) fn run(args: &CheckArgs) -> anyhow::Result<Outcome> {
    let loaded = crate::load::load_catalog(&args.catalog.catalog)?;
    let checked = crate::check::check(&loaded);
    let fails = checked.diagnostics.fails(args.strict);
    let diagnostics = checked.diagnostics.sorted();
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
