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
use crate::load::{LoadedFile, load_catalog, load_error_file, load_theme_overrides};
use crate::model::{Catalog, ErrorEntry};
use crate::render::{Files, RenderOptions, Renderer, Theme, agent};
use crate::report::Sources;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
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
    theme: Theme,
    catalog: Option<Catalog>,
    files: Files,
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
            theme,
            catalog: None,
            files: Files::new(),
        })
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
        let started = Instant::now();
        let full = plan.full || self.catalog.is_none();
        tracing::debug!(full, files = plan.files.len(), "rebuilding");
        if plan.full {
            let loaded = load_catalog(&self.root)?;
            self.config = loaded.config;
            self.errors = loaded
                .errors
                .into_iter()
                .map(|f| (self.root.join(&f.path), f))
                .collect();
            self.folder_diagnostics = loaded.diagnostics;
            self.theme = Theme::new(&load_theme_overrides(&self.root)?)?;
        } else {
            for path in &plan.files {
                if path.is_file() {
                    self.errors
                        .insert(path.clone(), load_error_file(&self.root, path)?);
                } else {
                    self.errors.remove(path);
                }
            }
        }
        let errors: Vec<&LoadedFile<RawError>> = self.errors.values().collect();
        let checked = check_borrowed(&self.config, &errors, &self.folder_diagnostics);
        let broken = checked.catalog.is_none();
        let diagnostics = checked.diagnostics.sorted();
        let mut changed = Vec::new();
        if let Some(mut catalog) = checked.catalog {
            if let Some(base_url) = &self.base_url_override {
                catalog.config.base_url.clone_from(base_url);
            }
            let files = self.render(&catalog, full)?;
            changed = files
                .iter()
                .filter(|(path, bytes)| self.files.get(*path) != Some(*bytes))
                .map(|(path, _)| path.clone())
                .chain(
                    self.files
                        .keys()
                        .filter(|p| !files.contains_key(*p))
                        .cloned(),
                )
                .collect();
            self.files = files;
            self.catalog = Some(catalog);
        }
        Ok(Rebuild {
            diagnostics,
            broken,
            changed,
            full,
            elapsed_ms: started.elapsed().as_millis(),
        })
    }

    /// Renders `catalog`, reusing the previous output for pages that cannot have changed.
    fn render(&self, catalog: &Catalog, full: bool) -> anyhow::Result<Files> {
        let renderer = Renderer::new(catalog, &self.theme, &self.options);
        let previous = match (&self.catalog, full) {
            (Some(previous), false) => previous,
            _ => return Ok(renderer.render_all()?),
        };
        let dirty = dirty_codes(previous, catalog);
        let old_neighbours = neighbour_codes(previous);
        let new_neighbours = neighbour_codes(catalog);
        let mut files = Files::new();
        for (position, entry) in catalog.errors.iter().enumerate() {
            let code = entry.code.as_str();
            let depends_on_dirty = dirty.contains(code)
                || entry.related.iter().any(|r| dirty.contains(r.as_str()))
                || entry
                    .replaced_by
                    .as_deref()
                    .is_some_and(|r| dirty.contains(r))
                || old_neighbours.get(code) != new_neighbours.get(code)
                || new_neighbours.get(code).is_some_and(|(p, n)| {
                    p.is_some_and(|p| dirty.contains(p)) || n.is_some_and(|n| dirty.contains(n))
                });
            if depends_on_dirty {
                files.extend(renderer.render_error(position)?);
            } else {
                for path in [
                    format!("errors/{code}/index.html"),
                    format!("errors/{code}.md"),
                ] {
                    if let Some(bytes) = self.files.get(&path) {
                        files.insert(path, bytes.clone());
                    }
                }
            }
        }
        files.extend(renderer.render_shared_with(&|entry: &ErrorEntry| {
            // llms-full.txt is every error's Markdown: reuse the pages just rendered.
            files
                .get(&format!("errors/{}.md", entry.code))
                .map(|bytes| String::from_utf8_lossy(bytes).into_owned())
                .unwrap_or_else(|| agent::error_markdown(catalog, entry))
        })?);
        Ok(files)
    }
}

/// Codes whose entry was added, removed or changed.
fn dirty_codes<'a>(old: &'a Catalog, new: &'a Catalog) -> BTreeSet<&'a str> {
    let old_by_code: BTreeMap<&str, &ErrorEntry> =
        old.errors.iter().map(|e| (e.code.as_str(), e)).collect();
    let new_by_code: BTreeMap<&str, &ErrorEntry> =
        new.errors.iter().map(|e| (e.code.as_str(), e)).collect();
    let mut dirty = BTreeSet::new();
    for (code, entry) in &new_by_code {
        if old_by_code.get(code) != Some(entry) {
            dirty.insert(*code);
        }
    }
    dirty.extend(old_by_code.keys().filter(|c| !new_by_code.contains_key(*c)));
    dirty
}

/// Each error's previous and next codes within its group.
fn neighbour_codes(catalog: &Catalog) -> BTreeMap<&str, (Option<&str>, Option<&str>)> {
    let errors = &catalog.errors;
    let mut result = BTreeMap::new();
    for (i, entry) in errors.iter().enumerate() {
        let prev = errors[..i]
            .iter()
            .rev()
            .find(|e| e.group == entry.group)
            .map(|e| e.code.as_str());
        let next = errors[i + 1..]
            .iter()
            .find(|e| e.group == entry.group)
            .map(|e| e.code.as_str());
        result.insert(entry.code.as_str(), (prev, next));
    }
    result
}
