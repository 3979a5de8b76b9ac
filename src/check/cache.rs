//! The results of earlier checks that a watch session keeps between rebuilds.
//!
//! An edit in `errdex serve` changes one file of thousands, yet the checks run over the
//! whole catalog. Most of that work is per file (stages 2, 4 and 6 and the conversion to
//! the model), so each file's results are kept with the exact text they came from and
//! reused while that text, and whatever else a result depends on, is unchanged.
//!
//! The cross-file stages (3 and 5) read only a few fields of each file (codes, ids,
//! messages), which most edits do not touch: their output is kept too, and reused while
//! no file's [`CrossInputs`] changed.
//!
//! Files are compared by their full text, not by modification time: an editor can save
//! twice within the clock's resolution, and comparing is cheap next to checking.

use super::ErrorFile;
use super::markdown_fields::LinkIntoPage;
use crate::diagnostic::{Diagnostic, Position};
use crate::load::raw::S;
use crate::model::ErrorEntry;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// Check results kept between checks of the same catalog; see
/// [`check_borrowed`](super::check_borrowed).
///
/// It holds a copy of every error file's text and model, about twice the size of the
/// catalog's YAML.
#[derive(Default)]
pub struct CheckCache {
    /// In the order of the last check.
    files: Vec<FileResults>,
    /// The text of `errdex.yaml` that the stage-3 and stage-4 results were computed with
    /// (group and envelope ids, `base_url`); `None` when it was unreadable.
    config: Option<String>,
    /// The codes (sorted) that the stage-6 results were computed with: a link to
    /// `/errors/<code>/` is broken or not depending on them.
    codes: Vec<String>,
    /// The site paths of the static files (sorted) the stage-6 results were computed
    /// with, which links may lead to too.
    static_files: Vec<String>,
    /// The stems of the files that failed to parse, which count as codes in stage 3.
    unparsed: Vec<String>,
    cross: Option<CrossResults>,
}

/// The output of the cross-file stages.
pub(super) struct CrossResults {
    /// Stage 3.
    pub cross: Vec<Diagnostic>,
    /// Stage 5.
    pub messages: Vec<Diagnostic>,
}

/// The per-file stages whose results are kept.
#[derive(Clone, Copy)]
pub(super) enum Stage {
    /// Stage 2: depends on the file only.
    Entry,
    /// Stage 4: depends on the file and on `errdex.yaml`.
    Body,
    /// Stage 6: depends on the file, on the set of codes and on `errdex.yaml` (the
    /// description of the envelope a response follows gives the page heading ids).
    Markdown,
}

/// What is known about one error file: filled in by the stages as they run.
#[derive(Default)]
pub(super) struct FileResults {
    /// The path, text and stem the results are of; empty when not caching, as nothing
    /// is kept then.
    path: String,
    text: String,
    /// The [`SourceFile::id`](crate::source::SourceFile::id) of `text`.
    source_id: u64,
    stem: String,
    cross_inputs: CrossInputs,
    /// The diagnostics of each [`Stage`], once run.
    stages: [Option<Vec<Diagnostic>>; 3],
    /// What stage 6 found to check once every file is known: links to a place on
    /// another error's page.
    pub into_pages: Vec<LinkIntoPage>,
    /// Behind a pointer: an entry is about 600 bytes, and every file has a
    /// `FileResults` even when no model is built (`errdex check`); inline, that was 60 MB
    /// of `None`s at 100,000 files. Shared with the catalog built from it.
    pub model: Option<Arc<ErrorEntry>>,
}

impl FileResults {
    pub fn stage(&mut self, stage: Stage) -> &mut Option<Vec<Diagnostic>> {
        &mut self.stages[stage as usize]
    }

    /// Drops the results of `stage`, for it to run again.
    fn forget(&mut self, stage: Stage) {
        *self.stage(stage) = None;
        if let Stage::Markdown = stage {
            self.into_pages.clear();
        }
    }
}

/// What the cross-file stages read of a file besides its path: the values of `code`,
/// `group`, `response.envelope`, `related`, `replaced_by` (stage 3, `cross.rs`) and
/// `messages[].message` (stage 5, `messages.rs`), each with the place a diagnostic
/// would point at. A field those stages start reading must be added here; debug builds
/// re-run them and assert that a reused output is still right.
#[derive(Default, PartialEq)]
struct CrossInputs(Vec<(&'static str, String, Position, Position, u64)>);

impl CrossInputs {
    fn of(file: &ErrorFile<'_>) -> Self {
        let raw = file.raw;
        let envelope = raw
            .response
            .as_ref()
            .and_then(|r| r.value.envelope.as_ref());
        let single = [
            ("code", Some(&raw.code)),
            ("group", raw.group.as_ref()),
            ("envelope", envelope),
            ("replaced_by", raw.replaced_by.as_ref()),
        ];
        let related = raw.related.iter().flat_map(|r| &r.value);
        let messages = raw.messages.iter().flat_map(|m| &m.value);
        let fields = single
            .into_iter()
            .filter_map(|(name, value)| Some((name, value?)))
            .chain(related.map(|r| ("related", r)))
            .chain(messages.map(|m| ("message", &m.message)));
        let place = |name, value: &S<String>| {
            let (start, end) = file.source.span_of(&value.referenced);
            let line = value.referenced.line();
            (name, value.value.clone(), start, end, line)
        };
        CrossInputs(fields.map(|(name, value)| place(name, value)).collect())
    }
}

impl CheckCache {
    /// Takes the results that still hold for `files`, one per file in the same order
    /// (results of files that changed, or that depend on something that changed, are
    /// left empty for the stages to fill in), and the cross-file stages' output if it
    /// still holds. Give them back with [`CheckCache::store`].
    pub(super) fn take(
        &mut self,
        files: &[ErrorFile<'_>],
        config: Option<&str>,
        targets: &super::markdown_fields::Targets<'_>,
        unparsed: &[String],
    ) -> (Vec<FileResults>, Option<CrossResults>) {
        let config_changed = self.config.as_deref() != config;
        if config_changed {
            self.config = config.map(str::to_owned);
        }
        let same = |kept: &[String], now: &BTreeSet<&str>| {
            kept.iter().map(String::as_str).eq(now.iter().copied())
        };
        let owned = |now: &BTreeSet<&str>| now.iter().map(|c| (*c).to_owned()).collect();
        let codes_changed = !same(&self.codes, targets.codes);
        if codes_changed {
            self.codes = owned(targets.codes);
        }
        let static_changed = !same(&self.static_files, targets.static_files);
        if static_changed {
            self.static_files = owned(targets.static_files);
        }
        let unparsed_changed = self.unparsed != unparsed;
        if unparsed_changed {
            self.unparsed = unparsed.to_vec();
        }

        // The kept results are in the order of the last check, which is usually that of
        // `files`; when not (a file was added, removed or renamed), match them by path,
        // dropping those of files that are gone.
        let mut results = std::mem::take(&mut self.files);
        let same_order = results.len() == files.len()
            && results
                .iter()
                .zip(files)
                .all(|(r, f)| r.path == f.source.path);
        if !same_order {
            let mut by_path: BTreeMap<String, FileResults> =
                results.into_iter().map(|r| (r.path.clone(), r)).collect();
            results = files
                .iter()
                .map(|f| by_path.remove(&f.source.path).unwrap_or_default())
                .collect();
        }

        // A file not read again since is the same reading; the texts of the others are
        // compared (after a full reload, most are unchanged), which reads the whole
        // catalog: spread it over the cores.
        let same_cross_inputs = results
            .par_iter_mut()
            .zip(files)
            .map(|(kept, file)| {
                let unchanged = kept.path == file.source.path
                    && kept.stem == file.stem
                    && (kept.source_id == file.source.id() || kept.text == file.source.text);
                if unchanged {
                    kept.source_id = file.source.id();
                    if config_changed {
                        kept.forget(Stage::Body);
                        // The entry's `sent_as` is read through an envelope's pointer.
                        kept.model = None;
                    }
                    if codes_changed || static_changed || config_changed {
                        kept.forget(Stage::Markdown);
                    }
                    return true;
                }
                let fresh = FileResults {
                    path: file.source.path.clone(),
                    text: file.source.text.clone(),
                    source_id: file.source.id(),
                    stem: file.stem.to_owned(),
                    cross_inputs: CrossInputs::of(file),
                    ..FileResults::default()
                };
                let same = fresh.cross_inputs == kept.cross_inputs;
                *kept = fresh;
                same
            })
            // Not `all`, which would stop at the first changed file.
            .reduce(|| true, |a, b| a && b);

        let cross_holds = !config_changed && !unparsed_changed && same_order && same_cross_inputs;
        let cross = self.cross.take().filter(|_| cross_holds);
        (results, cross)
    }

    /// Keeps the results of a check, taken with [`CheckCache::take`], for the next one.
    pub(super) fn store(&mut self, results: Vec<FileResults>, cross: CrossResults) {
        self.files = results;
        self.cross = Some(cross);
    }
}

#[cfg(test)]
mod tests {
    use super::super::{check_borrowed, check_files};
    use super::CheckCache;
    use crate::diagnostic::{Code, Diagnostic};
    use crate::load::raw::{RawConfig, RawError};
    use crate::load::{LoadedCatalog, LoadedFile, load_catalog, parse_config, parse_error};
    use crate::source::SourceFile;

    fn example() -> LoadedCatalog {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("catalog");
        load_catalog(&root).expect("the example catalog loads")
    }

    fn load<T>(
        path: &str,
        text: String,
        parse: fn(&SourceFile) -> Result<T, Vec<Diagnostic>>,
    ) -> LoadedFile<T> {
        let source = SourceFile::new(path, text);
        let (raw, diagnostics) = match parse(&source) {
            Ok(raw) => (Some(raw), Vec::new()),
            Err(diagnostics) => (None, diagnostics),
        };
        LoadedFile {
            path: path.to_owned(),
            source: Some(source),
            raw,
            diagnostics,
        }
    }

    fn text_of(catalog: &LoadedCatalog, path: &str) -> String {
        let file = catalog.errors.iter().find(|f| f.path == path);
        file.and_then(|f| f.source.as_ref())
            .map(|s| s.text.clone())
            .expect("the example has this file")
    }

    /// Replaces (or adds) an error file, keeping the files sorted by path as the loader does.
    fn put(catalog: &mut LoadedCatalog, path: &str, text: String) {
        catalog.errors.retain(|f| f.path != path);
        catalog.errors.push(load(path, text, parse_error));
        catalog.errors.sort_by(|a, b| a.path.cmp(&b.path));
    }

    fn set_config(catalog: &mut LoadedCatalog, text: String) {
        catalog.config = load::<RawConfig>("errdex.yaml", text, parse_config);
    }

    /// Checks with the cache and without; both must agree exactly (same diagnostics in
    /// the same order, same catalog). Returns the diagnostics.
    fn check_both(cache: &mut CheckCache, catalog: &LoadedCatalog) -> Vec<Diagnostic> {
        let errors: Vec<&LoadedFile<RawError>> = catalog.errors.iter().collect();
        let cached = check_borrowed(
            &catalog.config,
            &errors,
            &catalog.diagnostics,
            &catalog.static_files,
            Some(cache),
        );
        let full = check_files(
            &catalog.config,
            &catalog.errors,
            &catalog.diagnostics,
            &catalog.static_files,
        );
        let cached_diagnostics: Vec<Diagnostic> = cached.diagnostics.iter().cloned().collect();
        let full_diagnostics: Vec<Diagnostic> = full.diagnostics.iter().cloned().collect();
        assert_eq!(cached_diagnostics, full_diagnostics);
        assert_eq!(cached.catalog, full.catalog);
        full_diagnostics
    }

    fn count(diagnostics: &[Diagnostic], code: Code) -> usize {
        diagnostics.iter().filter(|d| d.code == code).count()
    }

    #[test]
    fn a_cached_check_after_edits_equals_a_full_check() {
        let mut catalog = example();
        let mut cache = CheckCache::default();
        assert!(check_both(&mut cache, &catalog).is_empty());
        // Unchanged: everything is reused.
        check_both(&mut cache, &catalog);

        let rate_limited = "errors/rate_limited.yaml";
        let original = text_of(&catalog, rate_limited);
        put(
            &mut catalog,
            rate_limited,
            original.replacen("title: ", "title: Edited ", 1),
        );
        check_both(&mut cache, &catalog);

        // A message that another error also claims: stage 5 must run again, in both files.
        let claimed = "No shipment with ID {shipment_id} exists in this account";
        let other = text_of(&catalog, "errors/shipment_not_found.yaml");
        assert!(other.contains(claimed), "the example changed");
        let duplicate = original.replacen(
            "messages:\n",
            &format!("messages:\n  - message: {claimed}\n"),
            1,
        );
        put(&mut catalog, rate_limited, duplicate.clone());
        let found = check_both(&mut cache, &catalog);
        assert_eq!(count(&found, Code::MessageClaimedTwice), 2);
        // Moving the other claim down a line moves both diagnostics (one quotes its line),
        // though its messages and code are the same.
        put(
            &mut catalog,
            "errors/shipment_not_found.yaml",
            format!("# moved\n{other}"),
        );
        check_both(&mut cache, &catalog);

        // Stage 3: an unknown group, then a file that no longer parses, then fixed.
        put(
            &mut catalog,
            rate_limited,
            duplicate.replacen("group: platform", "group: nowhere", 1),
        );
        assert_eq!(
            count(&check_both(&mut cache, &catalog), Code::UnknownGroup),
            1
        );
        put(&mut catalog, rate_limited, "code: [unclosed\n".to_owned());
        check_both(&mut cache, &catalog);
        put(&mut catalog, rate_limited, original.clone());
        check_both(&mut cache, &catalog);

        // A file that does not parse still counts as a code for `related`: one appearing
        // changes stage 3 though no parsed file changed.
        let citing = original.replacen("related:\n", "related:\n  - ghost\n", 1);
        put(&mut catalog, rate_limited, citing);
        let found = check_both(&mut cache, &catalog);
        assert_eq!(count(&found, Code::UnknownRelated), 1);
        put(
            &mut catalog,
            "errors/ghost.yaml",
            "code: [unclosed\n".to_owned(),
        );
        let found = check_both(&mut cache, &catalog);
        assert_eq!(count(&found, Code::UnknownRelated), 0);
        catalog.errors.retain(|f| f.path != "errors/ghost.yaml");
        put(&mut catalog, rate_limited, original.clone());
        check_both(&mut cache, &catalog);

        // Renamed into a folder (a new path, the same code), then removed.
        catalog.errors.retain(|f| f.path != rate_limited);
        put(&mut catalog, "errors/platform/rate_limited.yaml", original);
        assert!(check_both(&mut cache, &catalog).is_empty());
        catalog
            .errors
            .retain(|f| f.path != "errors/platform/rate_limited.yaml");
        check_both(&mut cache, &catalog);
    }

    #[test]
    fn a_config_change_invalidates_the_bodies_stage() {
        let mut catalog = example();
        let mut cache = CheckCache::default();
        let config = catalog
            .config
            .source
            .as_ref()
            .map(|s| s.text.clone())
            .expect("the example has a config");
        assert!(check_both(&mut cache, &catalog).is_empty());
        // Every body's `docs_url` now names the old site: no error file changed.
        let moved = config.replacen(
            "base_url: https://docs.quillpost.example/reference",
            "base_url: https://moved.example",
            1,
        );
        set_config(&mut catalog, moved);
        let found = check_both(&mut cache, &catalog);
        assert!(count(&found, Code::BodyDocsUrlMismatch) > 1);
        set_config(&mut catalog, config);
        assert!(check_both(&mut cache, &catalog).is_empty());
    }

    #[test]
    fn adding_or_removing_a_code_invalidates_the_markdown_stage() {
        let mut catalog = example();
        let mut cache = CheckCache::default();
        let path = "errors/rate_limited.yaml";
        let linking = text_of(&catalog, path).replacen(
            "description: |\n",
            "description: |\n  See [the new error](/errors/brand_new/).\n",
            1,
        );
        put(&mut catalog, path, linking);
        assert_eq!(
            count(&check_both(&mut cache, &catalog), Code::BrokenLink),
            1
        );

        // The linking file does not change; the code it links to appears, then goes.
        let new = text_of(&catalog, "errors/internal_error.yaml").replacen(
            "code: internal_error",
            "code: brand_new",
            1,
        );
        put(&mut catalog, "errors/brand_new.yaml", new);
        assert_eq!(
            count(&check_both(&mut cache, &catalog), Code::BrokenLink),
            0
        );
        catalog.errors.retain(|f| f.path != "errors/brand_new.yaml");
        assert_eq!(
            count(&check_both(&mut cache, &catalog), Code::BrokenLink),
            1
        );
    }

    /// The entry of `code` in a cached check of `catalog`.
    fn entry_of(
        cache: &mut CheckCache,
        catalog: &LoadedCatalog,
        code: &str,
    ) -> std::sync::Arc<crate::model::ErrorEntry> {
        let errors: Vec<&LoadedFile<RawError>> = catalog.errors.iter().collect();
        let checked = check_borrowed(
            &catalog.config,
            &errors,
            &catalog.diagnostics,
            &catalog.static_files,
            Some(cache),
        );
        let catalog = checked.catalog.expect("the example is valid");
        let entry = catalog.errors.iter().find(|e| e.code == code);
        entry.cloned().expect("the example has this code")
    }

    #[test]
    fn a_file_not_read_again_or_read_again_unchanged_keeps_its_entry() {
        use std::sync::Arc;
        let mut catalog = example();
        let mut cache = CheckCache::default();
        let path = "errors/rate_limited.yaml";
        let first = entry_of(&mut cache, &catalog, "rate_limited");
        // Not read again: the same reading, known without comparing its text.
        assert!(Arc::ptr_eq(
            &first,
            &entry_of(&mut cache, &catalog, "rate_limited")
        ));
        // Read again with the same text (an editor saving without a change).
        let text = text_of(&catalog, path);
        put(&mut catalog, path, text.clone());
        assert!(Arc::ptr_eq(
            &first,
            &entry_of(&mut cache, &catalog, "rate_limited")
        ));
        // Read again, edited: checked and modelled again.
        put(
            &mut catalog,
            path,
            text.replacen("title: ", "title: Edited ", 1),
        );
        let edited = entry_of(&mut cache, &catalog, "rate_limited");
        assert!(!Arc::ptr_eq(&first, &edited));
        assert!(edited.title.starts_with("Edited "), "{}", edited.title);
    }
}
