//! `errdex watch`: rebuild on every change, print one line per rebuild, keep going.

use super::{Outcome, Ui, print_human};
use crate::cli::{WatchArgs, WatchFlags};
use crate::render::RenderOptions;
use crate::watch::classify::Plan;
use crate::watch::session::{Rebuild, Session};
use crate::watch::{WatchOptions, Watcher};
use std::time::Duration;

pub(super) fn run(args: &WatchArgs, ui: Ui) -> anyhow::Result<Outcome> {
    let flags = &args.watch;
    let mut writer = OutputWriter::new(args)?;
    let mut session = Session::open(&flags.catalog.catalog, RenderOptions::default(), None)?;
    for warning in session.theme_warnings() {
        eprintln!("warning: {warning}");
    }
    // Watch before the first (full) build, so an edit saved while it runs is not lost.
    let watcher = Watcher::start(&flags.catalog.catalog, &args.out, &options(flags))?;
    let first = session.rebuild(&Plan {
        full: true,
        ..Plan::default()
    })?;
    report(&session, &first, None, ui);
    writer.write(&session, &first)?;
    ui.status(format_args!(
        "Watching {} for changes (Ctrl-C to stop)",
        flags.catalog.catalog.display()
    ));
    watcher.run(|plan| {
        let what = plan.describe(&flags.catalog.catalog);
        match session.rebuild(&plan) {
            Ok(rebuild) => {
                report(&session, &rebuild, Some(&what), ui);
                if let Err(e) = writer.write(&session, &rebuild) {
                    eprintln!("error: {e:#}");
                }
            }
            Err(e) => eprintln!("error: {e:#}"),
        }
        true
    })?;
    Ok(Outcome::Success)
}

/// Watch options from the flags.
pub(super) fn options(flags: &WatchFlags) -> WatchOptions {
    WatchOptions {
        poll: flags.poll,
        debounce: Duration::from_millis(flags.debounce),
    }
}

/// Prints the diagnostics and the one-line summary of a rebuild: after `what` changed,
/// or the first build when `what` is `None`.
pub(super) fn report(session: &Session, rebuild: &Rebuild, what: Option<&str>, ui: Ui) {
    print_human(&rebuild.diagnostics, &session.sources());
    match (what, rebuild.broken) {
        (None, true) => ui.status(format_args!(
            "the catalog has errors; the site is built once they are fixed ({} ms)",
            rebuild.elapsed_ms
        )),
        (None, false) => ui.status(format_args!(
            "built {} files in {} ms",
            rebuild.changed.len(),
            rebuild.elapsed_ms
        )),
        (Some(what), true) => ui.status(format_args!(
            "{what} changed: the catalog has errors; keeping the last good site ({} ms)",
            rebuild.elapsed_ms
        )),
        (Some(what), false) => ui.status(format_args!(
            "{what} changed: rebuilt, {} files updated in {} ms",
            rebuild.changed.len(),
            rebuild.elapsed_ms
        )),
    }
}

/// Writes rebuilds to the output folder: the first atomically (with the usual safety
/// checks), later ones in place, only the files that changed.
struct OutputWriter {
    out: std::path::PathBuf,
    /// What was asked for (`--out`, the catalog, `--force`), to check again.
    requested: std::path::PathBuf,
    catalog: std::path::PathBuf,
    force: bool,
    written: Option<crate::render::Files>,
}

impl OutputWriter {
    /// Checks the destination once, up front.
    fn new(args: &WatchArgs) -> anyhow::Result<Self> {
        let out =
            crate::write::check_destination(&args.out, &args.watch.catalog.catalog, args.force)?;
        Ok(OutputWriter {
            out,
            requested: args.out.clone(),
            catalog: args.watch.catalog.catalog.clone(),
            force: args.force,
            written: None,
        })
    }

    /// Writes the session's current output if the rebuild succeeded.
    fn write(&mut self, session: &Session, rebuild: &Rebuild) -> anyhow::Result<()> {
        if rebuild.broken {
            return Ok(());
        }
        // An output folder deleted (or emptied) since the last write gets a whole new
        // site, not only the files of this rebuild: the rest would be missing, and the
        // marker too, which `build` then takes for someone else's folder.
        if self.written.is_some() && !self.out.join(crate::write::MARKER).is_file() {
            eprintln!(
                "note: {} lost its files since the last write; writing the whole site",
                self.out.display()
            );
            self.out = crate::write::check_destination(&self.requested, &self.catalog, self.force)?;
            self.written = None;
        }
        match &self.written {
            None => {
                if let Some(leftover) = crate::write::write_site(&self.out, session.files())? {
                    eprintln!("warning: {leftover}");
                }
            }
            Some(previous) => {
                crate::write::update_in_place(&self.out, previous, session.files())?;
            }
        }
        self.written = Some(session.files().clone());
        Ok(())
    }
}
