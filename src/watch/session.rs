//! An incremental build session: the catalog kept in memory between rebuilds.
//!
//! A session holds every loaded file, the last good catalog and the last good output.
//! A change to one error file reloads that file only, re-runs the checks over the whole
//! in-memory catalog (cross-file checks need it), re-renders only the pages that depend
//! on what changed (the error itself, pages whose prev/next or related links name it,
//! and the catalog-wide files) and writes only files whose bytes changed. A config or
//! theme change rebuilds everything. `tests/incremental.rs` proves that the result is
//! byte-identical to a full build after any sequence of edits.

use super::classify::Plan;
use crate::check::check_borrowed;
use crate::diagnostic::Diagnostic;
use crate::load::raw::{RawConfig, RawError};
use crate::load::static_files::StaticFiles;
use crate::load::{LoadedFile, load_catalog, load_error_file, load_theme_overrides};
use crate::model::{Catalog, ErrorEntry};
use crate::render::{Bytes, ErrorParts, Files, RenderOptions, Renderer, Theme};
use crate::report::Sources;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

/// The result of one rebuild.
#[derive(Debug)]
pub struct Rebuild {
    /// Every diagnostic (errors and warnings) of the catalog as it now is.
    pub diagnostics: Vec<Diagnostic>,
    /// Whether the catalog has errors; the last good output is kept.
    pub broken: bool,
    /// Output paths whose bytes changed (empty when broken).
    pub changed: Vec<String>,
    /// Whether everything was rebuilt (config or theme change).
    pub full: bool,
    pub elapsed_ms: u128,
}

/// An in-memory catalog that rebuilds incrementally.
pub struct Session {
    root: PathBuf,
    options: RenderOptions,
    base_url_override: Option<String>,
    config: LoadedFile<RawConfig>,
    errors: BTreeMap<PathBuf, LoadedFile<RawError>>,
    folder_diagnostics: Vec<Diagnostic>,
    /// The files of `static/`, as last listed.
    static_files: StaticFiles,
    /// Their bytes in `files`, by site path, as the last full render read them.
    statics: Files,
    /// Per-file check results, so a rebuild re-checks only what an edit can affect.
    check_cache: crate::check::CheckCache,
    theme: Theme,
    catalog: Option<Catalog>,
    files: Files,
    /// The [`ErrorParts`] of every error in `files`, by code.
    parts: BTreeMap<String, Arc<ErrorParts>>,
    /// Whether the catalog-wide files in `files` predate the last rebuild.
    shared_stale: bool,
    /// The catalog before the last rebuild, freed by [`Session::finish`].
    retired: Option<Catalog>,
    /// Source paths reloaded since the last good render (`None`: unknown, render all).
    touched: Option<BTreeSet<String>>,
}

impl Session {
    /// Loads the catalog; call [`Session::rebuild`] with a full plan to render it.
    pub fn open(
        root: &Path,
        options: RenderOptions,
        base_url_override: Option<String>,
    ) -> anyhow::Result<Self> {
        let loaded = load_catalog(root)?;
        let theme = Theme::new(&load_theme_overrides(root)?)?;
        Ok(Session {
            root: root.to_owned(),
            options,
            base_url_override,
            config: loaded.config,
            errors: loaded
                .errors
                .into_iter()
                .map(|f| (root.join(&f.path), f))
                .collect(),
            folder_diagnostics: loaded.diagnostics,
            static_files: loaded.static_files,
            statics: Files::new(),
            check_cache: crate::check::CheckCache::default(),
            theme,
            catalog: None,
            files: Files::new(),
            parts: BTreeMap::new(),
            shared_stale: false,
            retired: None,
            touched: Some(BTreeSet::new()),
        })
    }

    /// A line for each file of the catalog's `templates/` folder that nothing uses
    /// ([`Theme::unused_file_warnings`]), as the theme was last loaded.
    pub fn theme_warnings(&self) -> Vec<String> {
        self.theme.unused_file_warnings().collect()
    }

    /// The last good output.
    pub fn files(&self) -> &Files {
        &self.files
    }

    /// Sources for printing diagnostics.
    pub fn sources(&self) -> Sources<'_> {
        let mut files = BTreeMap::new();
        for source in std::iter::once(&self.config.source)
            .chain(self.errors.values().map(|e| &e.source))
            .flatten()
        {
            files.insert(source.path.as_str(), source);
        }
        Sources {
            prefix: self.root.to_string_lossy().into_owned(),
            files,
        }
    }

    /// Applies a plan: reloads what changed, checks, renders what depends on it.
    ///
    /// `Err` only for I/O problems with the catalog folder itself (it was deleted, a
    /// theme file is unreadable); catalog mistakes come back as a broken [`Rebuild`].
    pub fn rebuild(&mut self, plan: &Plan) -> anyhow::Result<Rebuild> {
        let mut rebuild = self.rebuild_errors(plan)?;
        let started = Instant::now();
        rebuild.changed.extend(self.finish()?);
        rebuild.changed.sort();
        rebuild.changed.dedup();
        rebuild.elapsed_ms += started.elapsed().as_millis();
        Ok(rebuild)
    }

    /// The first half of [`Session::rebuild`], for `serve`: after an edit to error
    /// files, re-renders the pages and Markdown that depend on it but leaves the
    /// catalog-wide files (overview, llms files, JSON, search index) as they were, so
    /// the edited page can be served at once. [`Session::finish`] brings the rest up to
    /// date. A full rebuild (config, theme, first build) does everything here.
    pub fn rebuild_errors(&mut self, plan: &Plan) -> anyhow::Result<Rebuild> {
        let started = Instant::now();
        let full = plan.full || self.catalog.is_none();
        tracing::debug!(full, files = plan.files.len(), "rebuilding");
        if plan.full {
            // Until a full render succeeds, every page may be out of date: a change to
            // errdex.yaml, the theme or `static/` saved while the catalog is broken
            // must reach every page once it is fixed, not only the pages of the files
            // edited since.
            self.touched = None;
            let loaded = load_catalog(&self.root)?;
            self.config = loaded.config;
            self.errors = loaded
                .errors
                .into_iter()
                .map(|f| (self.root.join(&f.path), f))
                .collect();
            self.folder_diagnostics = loaded.diagnostics;
            self.static_files = loaded.static_files;
            self.theme = Theme::new(&load_theme_overrides(&self.root)?)?;
        } else {
            for path in &plan.files {
                match load_error_file(&self.root, path)? {
                    Some(file) => self.errors.insert(path.clone(), file),
                    None => self.errors.remove(path),
                };
            }
        }
        // Source paths (as entries record them) of the files reloaded since the last
        // good render: edits made while the catalog was broken count too. A path
        // outside the catalog folder cannot be matched, so it rebuilds everything.
        for path in &plan.files {
            let relative = path.strip_prefix(&self.root).ok();
            match (&mut self.touched, relative) {
                (Some(touched), Some(relative)) => {
                    touched.insert(relative.to_string_lossy().replace('\\', "/"));
                }
                (touched, _) => *touched = None,
            }
        }
        let errors: Vec<&LoadedFile<RawError>> = self.errors.values().collect();
        let checked = check_borrowed(
            &self.config,
            &errors,
            &self.folder_diagnostics,
            &self.static_files,
            Some(&mut self.check_cache),
        );
        let broken = checked.catalog.is_none();
        let diagnostics = checked.diagnostics.sorted();
        let mut changed = Vec::new();
        if let Some(mut catalog) = checked.catalog {
            if let Some(base_url) = &self.base_url_override {
                catalog.config.base_url.clone_from(base_url);
            }
            let touched = self.touched.replace(BTreeSet::new());
            let rendered = match touched.filter(|_| !full) {
                Some(touched) => self.render_errors(&catalog, &touched),
                None => self.render_everything(&catalog),
            };
            // A failed render (a template error) may have updated part of the output:
            // render everything next time.
            changed = rendered.inspect_err(|_| self.touched = None)?;
            // The catalogs share the entries of the files not reloaded, but after a
            // full reload freeing the previous one's 10,000 entries takes tens of
            // milliseconds: `finish` does it, after `serve` has published the new pages.
            self.retired = self.catalog.replace(catalog);
        }
        Ok(Rebuild {
            diagnostics,
            broken,
            changed,
            full,
            elapsed_ms: started.elapsed().as_millis(),
        })
    }

    /// The second half of [`Session::rebuild`]: re-assembles the catalog-wide files
    /// from the errors' parts if [`Session::rebuild_errors`] left them stale, and
    /// returns the paths whose bytes changed.
    pub fn finish(&mut self) -> anyhow::Result<Vec<String>> {
        self.retired = None;
        let Some(catalog) = self.catalog.as_ref().filter(|_| self.shared_stale) else {
            return Ok(Vec::new());
        };
        let renderer = Renderer::new(catalog, &self.theme, &self.options);
        let shared = renderer.render_shared(&self.parts_in_order(&renderer, catalog))?;
        // The static files are read again only by a full render.
        let statics = &self.statics;
        let is_shared = |path: &str| !path.starts_with("errors/") && !statics.contains_key(path);
        let changed = changed_paths(&self.files, &shared, is_shared);
        self.files.retain(|path, _| !is_shared(path));
        self.files.extend(shared);
        self.shared_stale = false;
        Ok(changed)
    }

    /// The parts of `catalog`'s errors, in catalog order. The render methods keep them
    /// for every error; one missing would be rendered afresh, not skipped.
    fn parts_in_order(&self, renderer: &Renderer<'_>, catalog: &Catalog) -> Vec<Arc<ErrorParts>> {
        (0..catalog.errors.len())
            .map(
                |position| match self.parts.get(catalog.errors[position].code.as_str()) {
                    Some(parts) => Arc::clone(parts),
                    None => Arc::new(renderer.error_parts(position)),
                },
            )
            .collect()
    }

    /// Renders the whole site of `catalog` afresh; returns the paths whose bytes changed.
    fn render_everything(&mut self, catalog: &Catalog) -> anyhow::Result<Vec<String>> {
        let renderer = Renderer::new(catalog, &self.theme, &self.options);
        let (mut files, parts) = renderer.render_all_with_parts()?;
        let statics = read_static_files(&self.static_files)?;
        files.extend(
            statics
                .iter()
                .map(|(path, bytes)| (path.clone(), bytes.clone())),
        );
        self.statics = statics;
        self.parts = catalog
            .errors
            .iter()
            .map(|e| e.code.clone())
            .zip(parts)
            .collect();
        let changed = changed_paths(&self.files, &files, |_| true);
        self.files = files;
        self.shared_stale = false;
        Ok(changed)
    }

    /// Brings the errors' pages and Markdown up to date with `catalog` after the files
    /// in `touched` (source paths) were reloaded, in place; returns the paths whose
    /// bytes changed. The catalog-wide files are left for [`Session::finish`].
    ///
    /// Only errors from touched files can have changed (an entry is made from its own
    /// file and the config, and a config change rebuilds everything). What depends on
    /// them is re-rendered: their own pages and parts, the pages and parts of errors
    /// that link to them (they show the linked title), and the pages of their
    /// neighbours in the group before and after the change (prev/next links).
    fn render_errors(
        &mut self,
        catalog: &Catalog,
        touched: &BTreeSet<String>,
    ) -> anyhow::Result<Vec<String>> {
        let Some(previous) = &self.catalog else {
            return self.render_everything(catalog);
        };
        let dirty = dirty_codes(previous, catalog, touched);
        let mut stale_pages: BTreeSet<&str> = dirty.iter().copied().collect();
        for old_or_new in [previous, catalog] {
            stale_pages.extend(neighbours_of(old_or_new, &dirty));
        }
        let links_to_dirty = |entry: &ErrorEntry| {
            dirty.contains(entry.code.as_str())
                || entry.related.iter().any(|r| dirty.contains(r.as_str()))
                || entry
                    .replaced_by
                    .as_deref()
                    .is_some_and(|r| dirty.contains(r))
        };
        let renderer = Renderer::new(catalog, &self.theme, &self.options);
        type Rendered = ((String, Vec<u8>), Option<ErrorParts>);
        let rendered: Vec<(usize, Rendered)> = (0..catalog.errors.len())
            .into_par_iter()
            .filter_map(|position| {
                let entry = &catalog.errors[position];
                let stale_parts = links_to_dirty(entry);
                let stale_page = stale_parts || stale_pages.contains(entry.code.as_str());
                stale_page.then_some((position, stale_parts))
            })
            .map(|(position, stale_parts)| {
                let page = renderer.render_error(position)?;
                let parts = stale_parts.then(|| renderer.error_parts(position));
                Ok((position, (page, parts)))
            })
            .collect::<Result<_, crate::render::ThemeError>>()?;

        let mut changed = Vec::new();
        // Errors that are gone take their files with them.
        let current: BTreeSet<&str> = catalog.errors.iter().map(|e| e.code.as_str()).collect();
        for code in previous.errors.iter().map(|e| e.code.as_str()) {
            if !current.contains(code) {
                for path in [
                    format!("errors/{code}/index.html"),
                    format!("errors/{code}.md"),
                ] {
                    if self.files.remove(&path).is_some() {
                        changed.push(path);
                    }
                }
                self.parts.remove(code);
            }
        }
        let mut put = |files: &mut Files, path: String, bytes: Bytes| {
            if !files.get(&path).is_some_and(|old| same(old, &bytes)) {
                changed.push(path.clone());
            }
            files.insert(path, bytes);
        };
        for (position, (page, parts)) in rendered {
            let code = &catalog.errors[position].code;
            let (path, bytes) = page;
            put(&mut self.files, path, Bytes::from(bytes));
            if let Some(parts) = parts {
                put(
                    &mut self.files,
                    format!("errors/{code}.md"),
                    parts.markdown.clone(),
                );
                self.parts.insert(code.clone(), Arc::new(parts));
            }
        }
        self.shared_stale = true;
        Ok(changed)
    }
}

/// The bytes of every static file, by site path.
fn read_static_files(found: &StaticFiles) -> anyhow::Result<Files> {
    Ok(found
        .read_all()
        .map(|read| read.map(|(file, bytes)| (file.site_path.clone(), bytes)))
        .collect::<std::io::Result<Files>>()?)
}

/// The paths among `in_scope` whose bytes differ between `old` and `new`, or that are
/// in only one of them.
fn changed_paths(old: &Files, new: &Files, in_scope: impl Fn(&str) -> bool) -> Vec<String> {
    let mut changed: Vec<String> = old
        .keys()
        .filter(|path| in_scope(path) && !new.contains_key(*path))
        .cloned()
        .collect();
    changed.extend(
        new.iter()
            .filter(|(path, bytes)| !old.get(*path).is_some_and(|old| same(old, bytes)))
            .map(|(path, _)| path.clone()),
    );
    changed
}

/// Whether two outputs have the same bytes; kept outputs share their buffer, which
/// makes most comparisons a pointer check.
fn same(a: &Bytes, b: &Bytes) -> bool {
    (a.as_ptr() == b.as_ptr() && a.len() == b.len()) || a == b
}

/// Codes whose entry was added, removed or changed, among the entries made from the
/// `touched` files (before or after the change).
fn dirty_codes<'a>(
    old: &'a Catalog,
    new: &'a Catalog,
    touched: &BTreeSet<String>,
) -> BTreeSet<&'a str> {
    let from_touched = |catalog: &'a Catalog| -> BTreeMap<&'a str, &'a ErrorEntry> {
        catalog
            .errors
            .iter()
            .filter(|e| touched.contains(&e.source))
            .map(|e| (e.code.as_str(), e.as_ref()))
            .collect()
    };
    let (old_touched, new_touched) = (from_touched(old), from_touched(new));
    // A touched file may now hold a code that an untouched file held before (which
    // `check` allows only if that file is gone or changed its code too): look it up
    // among all old entries, indexed only when needed.
    let all_old = std::cell::OnceCell::new();
    let mut dirty = BTreeSet::new();
    for (code, entry) in &new_touched {
        let before = old_touched.get(code).copied().or_else(|| {
            all_old
                .get_or_init(|| {
                    old.errors
                        .iter()
                        .map(|e| (e.code.as_str(), e.as_ref()))
                        .collect::<BTreeMap<&str, &ErrorEntry>>()
                })
                .get(code)
                .copied()
        });
        if before != Some(*entry) {
            dirty.insert(*code);
        }
    }
    for code in old_touched.keys() {
        if !new_touched.contains_key(code) {
            dirty.insert(*code);
        }
    }
    dirty
}

/// The codes just before and after each of `codes` in its group, in `catalog`.
fn neighbours_of<'a>(catalog: &'a Catalog, codes: &BTreeSet<&str>) -> Vec<&'a str> {
    let errors = &catalog.errors;
    let mut found = Vec::new();
    for (i, entry) in errors.iter().enumerate() {
        if !codes.contains(entry.code.as_str()) {
            continue;
        }
        let prev = errors[..i].iter().rev().find(|e| e.group == entry.group);
        let next = errors[i + 1..].iter().find(|e| e.group == entry.group);
        found.extend(prev.into_iter().chain(next).map(|e| e.code.as_str()));
    }
    found
}
