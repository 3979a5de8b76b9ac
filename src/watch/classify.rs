//! Turning raw file-system events into what they mean for the catalog.
//!
//! Pure and table-tested: no I/O, no watcher types beyond the event kind. The rules:
//!
//! - `Access` events are dropped: notify ≥ 7 reports file *opens*, and a rebuild reads
//!   every source, so acting on them would make each rebuild trigger the next forever.
//! - Anything inside the output folder is ignored, wherever that folder is (even inside
//!   the catalog), so writing the site never triggers a rebuild.
//! - Editor temp and backup files are ignored (Vim `.swp`/`~`, Emacs `#x#`/`.#x`,
//!   JetBrains `___jb_tmp___`, the `.tmp` of atomic saves); the rename that completes an
//!   atomic save arrives as an event on the real file name and is caught.
//! - `errdex.yaml`, a theme file or anything under `static/` → rebuild everything; an
//!   error file → reload it alone; a change to a folder under `errors/` (a rename, a
//!   delete) → rescan. In `static/`, names the site leaves out (dot names but
//!   `.well-known`, editor files) are ignored, as the loader leaves them out.

use crate::load::static_files::{self, STATIC_DIR};
use crate::load::{CONFIG_FILE, is_editor_artifact, is_error_file_name};
use notify::EventKind;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// What one changed path means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Not catalog content (output, temp files, unrelated files).
    Ignored,
    /// `errdex.yaml` changed: everything depends on it.
    Config,
    /// A theme file in `templates/` changed: every page depends on it.
    Theme,
    /// Something in `static/` changed: it is listed again and copied as a whole.
    Static,
    /// One error file was created, edited or deleted.
    ErrorFile(PathBuf),
    /// Something under `errors/` that is not a single file (a folder moved): rescan.
    Rescan,
}

/// Classifies one path. `root` and `out` must be absolute (the watcher reports
/// absolute paths).
pub fn classify(path: &Path, root: &Path, out: &Path) -> Change {
    if path.starts_with(out) {
        return Change::Ignored;
    }
    let Ok(relative) = path.strip_prefix(root) else {
        return Change::Ignored;
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // In `static/`, a component's depth is counted from it (`static/.well-known` is 1).
    let in_static = relative.starts_with(STATIC_DIR);
    let left_out = |depth: usize, name: &str| match in_static {
        true => depth > 0 && static_files::left_out(name, depth),
        false => is_editor_artifact(name),
    };
    if relative
        .components()
        .enumerate()
        .any(|(depth, c)| left_out(depth, &c.as_os_str().to_string_lossy()))
    {
        return Change::Ignored;
    }
    if in_static {
        return Change::Static;
    }
    let mut components = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned());
    match (components.next().as_deref(), components.next()) {
        (Some(CONFIG_FILE), None) => Change::Config,
        (Some("templates"), Some(_)) => Change::Theme,
        (Some("templates"), None) => Change::Theme,
        (Some("errors"), Some(_)) if is_error_file_name(&name) => {
            Change::ErrorFile(path.to_owned())
        }
        (Some("errors"), _) if path.extension().is_none() => Change::Rescan,
        _ => Change::Ignored,
    }
}

/// Whether an event kind can change file content.
pub fn is_relevant(kind: &EventKind) -> bool {
    !matches!(kind, EventKind::Access(_))
}

/// What a batch of events asks the session to do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// Reload and re-render everything.
    pub full: bool,
    /// Error files to reload (created, edited or deleted).
    pub files: BTreeSet<PathBuf>,
}

impl Plan {
    /// Whether there is nothing to do.
    pub fn is_empty(&self) -> bool {
        !self.full && self.files.is_empty()
    }

    /// Folds one classified change into the plan.
    pub fn add(&mut self, change: Change) {
        match change {
            Change::Ignored => {}
            Change::Config | Change::Theme | Change::Static | Change::Rescan => self.full = true,
            Change::ErrorFile(path) => {
                self.files.insert(path);
            }
        }
    }

    /// A short description for the rebuild line, e.g. `errors/rate_limited.yaml`.
    pub fn describe(&self, root: &Path) -> String {
        if self.full {
            return "catalog".to_owned();
        }
        let names: Vec<String> = self
            .files
            .iter()
            .map(|p| crate::load::relative_path(root, p))
            .collect();
        match names.len() {
            0 => "nothing".to_owned(),
            1..=3 => names.join(", "),
            n => format!("{n} files"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{AccessKind, CreateKind, ModifyKind};

    fn classify_at(path: &str) -> Change {
        classify(
            Path::new(path),
            Path::new("/p/catalog"),
            Path::new("/p/site"),
        )
    }

    #[test]
    fn paths_are_classified() {
        let table: &[(&str, Change)] = &[
            ("/p/catalog/errdex.yaml", Change::Config),
            ("/p/catalog/templates/error.html", Change::Theme),
            ("/p/catalog/templates/style.css", Change::Theme),
            ("/p/catalog/static", Change::Static),
            ("/p/catalog/static/CNAME", Change::Static),
            ("/p/catalog/static/images/flow.png", Change::Static),
            ("/p/catalog/static/.well-known/security.txt", Change::Static),
            ("/p/catalog/static/docs/.well-known/x.txt", Change::Ignored),
            ("/p/catalog/static/.DS_Store", Change::Ignored),
            ("/p/catalog/static/images/.flow.png.swp", Change::Ignored),
            ("/p/catalog/static/logo.svg~", Change::Ignored),
            ("/p/catalog/statics/x.png", Change::Ignored),
            (
                "/p/catalog/errors/rate_limited.yaml",
                Change::ErrorFile("/p/catalog/errors/rate_limited.yaml".into()),
            ),
            (
                "/p/catalog/errors/billing/card.yml",
                Change::ErrorFile("/p/catalog/errors/billing/card.yml".into()),
            ),
            ("/p/catalog/errors/billing", Change::Rescan),
            ("/p/catalog/errors/.rate_limited.yaml.swp", Change::Ignored),
            ("/p/catalog/errors/rate_limited.yaml~", Change::Ignored),
            ("/p/catalog/errors/#rate_limited.yaml#", Change::Ignored),
            ("/p/catalog/errors/.#rate_limited.yaml", Change::Ignored),
            (
                "/p/catalog/errors/rate_limited.yaml___jb_tmp___",
                Change::Ignored,
            ),
            ("/p/catalog/errors/rate_limited.yaml.tmp", Change::Ignored),
            ("/p/catalog/errors/rate_limited.yaml.bck", Change::Ignored),
            ("/p/catalog/errors/4913", Change::Ignored),
            ("/p/catalog/errors/notes.txt", Change::Ignored),
            ("/p/catalog/README.md", Change::Ignored),
            ("/p/site/errors/rate_limited/index.html", Change::Ignored),
            ("/p/other/errdex.yaml", Change::Ignored),
        ];
        for (path, expected) in table {
            assert_eq!(&classify_at(path), expected, "{path}");
        }
    }

    #[test]
    fn output_inside_the_catalog_is_still_ignored() {
        let change = classify(
            Path::new("/p/catalog/errors/site/x.yaml"),
            Path::new("/p/catalog"),
            Path::new("/p/catalog/errors/site"),
        );
        assert_eq!(change, Change::Ignored);
    }

    #[test]
    fn opens_are_not_changes() {
        assert!(!is_relevant(&EventKind::Access(AccessKind::Any)));
        assert!(is_relevant(&EventKind::Create(CreateKind::File)));
        assert!(is_relevant(&EventKind::Modify(ModifyKind::Any)));
    }

    #[test]
    fn plans_merge_changes() {
        let mut plan = Plan::default();
        plan.add(Change::Ignored);
        assert!(plan.is_empty());
        plan.add(Change::ErrorFile("/p/catalog/errors/a.yaml".into()));
        plan.add(Change::ErrorFile("/p/catalog/errors/a.yaml".into()));
        assert_eq!(plan.files.len(), 1);
        assert_eq!(plan.describe(Path::new("/p/catalog")), "errors/a.yaml");
        plan.add(Change::Theme);
        assert!(plan.full);
    }
}
