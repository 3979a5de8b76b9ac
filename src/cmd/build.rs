//! `errdex build`: check, then render and write the site.

use super::{Outcome, print_human, sources_of};
use crate::cli::BuildArgs;

pub(super) fn run(args: &BuildArgs) -> anyhow::Result<Outcome> {
    let loaded = crate::load::load_catalog(&args.catalog.catalog)?;
    let checked = crate::check::check(&loaded);
    let fails = checked.diagnostics.fails(args.strict);
    print_human(&checked.diagnostics.clone().sorted(), &sources_of(&loaded));
    if fails || checked.catalog.is_none() {
        return Ok(Outcome::CatalogErrors);
    }
    Ok(Outcome::Success)
}
