//! Stage 2, check: raw YAML types → a validated [`Catalog`], collecting every problem.
//!
//! The checker runs named stages in order, each over the whole catalog, and never stops
//! at the first problem (rustc's tidy does the same for its error index):
//!
//! 1. **parse**: the loader's own diagnostics (YAML syntax, types, unknown fields…);
//! 2. **per-file**: one file at a time: code format, code = file stem, status range,
//!    one-line fields, retry consistency, empty sections, summary length, header
//!    names and values;
//! 3. **cross-file**: unique codes, ids of groups/envelopes/related codes that exist;
//! 4. **envelope bodies**: response bodies parse, repeat no key, and agree with the
//!    entry at the envelope's JSON Pointers;
//! 5. **messages**: no message can be claimed by two codes;
//! 6. **markdown**: no raw HTML, no unsafe or broken links; then the `#fragment`s of
//!    links into other error pages, once every page is known.
//!
//! A file that failed to parse is skipped by the later stages; everything else is
//! still checked, so one run reports every problem.
//!
//! `watch` and `serve` check again after every edit: they keep a [`CheckCache`], so
//! only what an edit can affect is checked again.

mod bodies;
mod cache;
mod config;
pub use bodies::default_envelope;
pub use cache::CheckCache;
pub(crate) use config::LINE_BREAKS;
pub use config::{is_json_media_type, normalize_base_url, validate_base_url};
pub use entry::is_valid_code;
pub(crate) use headers::repeated_header;
pub(crate) use text::{first_control, printable};
mod cross;
mod entry;
pub(crate) use entry::written_as_text;
mod headers;
mod json_keys;
mod markdown_fields;
mod message_index;
mod messages;
mod text;
mod visible;

use crate::diagnostic::{Code, Diagnostic, Diagnostics, Position};
use crate::load::raw::S;
use crate::load::raw::{RawConfig, RawError};
use crate::load::static_files::StaticFiles;
use crate::load::{LoadedCatalog, LoadedFile};
use crate::model::{Catalog, Config, ErrorEntry};
use crate::source::SourceFile;
use cache::{CrossResults, FileResults, Stage};
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::sync::Arc;

/// The outcome of checking: the catalog when it has no errors, and every diagnostic.
#[derive(Debug)]
pub struct Checked {
    pub catalog: Option<Catalog>,
    pub diagnostics: Diagnostics,
}

/// One parsed error file, ready for the semantic stages.
pub(crate) struct ErrorFile<'a> {
    pub source: &'a SourceFile,
    pub raw: &'a RawError,
    /// The file name without `.yaml`/`.yml`.
    pub stem: &'a str,
}

/// The parsed configuration file.
pub(crate) struct ConfigFile<'a> {
    pub source: &'a SourceFile,
    pub raw: &'a RawConfig,
}

/// Checks a loaded catalog.
pub fn check(loaded: &LoadedCatalog) -> Checked {
    check_files(
        &loaded.config,
        &loaded.errors,
        &loaded.diagnostics,
        &loaded.static_files,
    )
}

/// Checks a loaded catalog for its diagnostics only, without building the model: what
/// `errdex check` needs, and the first half of a one-shot build (see [`into_catalog`]).
pub fn diagnose(loaded: &LoadedCatalog) -> Diagnostics {
    let errors: Vec<&LoadedFile<RawError>> = loaded.errors.iter().collect();
    run(
        &loaded.config,
        &errors,
        &loaded.diagnostics,
        &loaded.static_files,
        None,
        Model::Skip,
    )
    .diagnostics
}

/// Turns a catalog in which [`diagnose`] found no errors into the model, moving the
/// values out of the loaded files rather than copying them, so a build never holds the
/// catalog's text twice. `None` if a file did not parse (which `diagnose` reports).
pub fn into_catalog(loaded: LoadedCatalog) -> Option<Catalog> {
    let raw_config = loaded.config.raw.as_ref()?;
    let config = config::to_model(raw_config, normalize_base_url(&raw_config.base_url.value));
    let envelopes = bodies::Envelopes::of(raw_config);
    let entries = loaded
        .errors
        .into_par_iter()
        .map(|file| entry_of(&envelopes, file))
        .collect::<Option<Vec<_>>>()?;
    Some(in_catalog_order(config, entries))
}

/// The model entry of a loaded file, `None` when it did not load.
fn entry_of(
    envelopes: &bodies::Envelopes<'_>,
    file: crate::load::LoadedFile<crate::load::raw::RawError>,
) -> Option<Arc<ErrorEntry>> {
    let sent_as = bodies::sent_as(envelopes, file.raw.as_ref()?);
    Some(Arc::new(entry::to_model(
        file.raw?,
        &file.source?.path,
        sent_as,
    )))
}

/// The model of the files that have no error of their own, for the commands that read
/// entries one at a time (`explain`, `lookup`): an unrelated broken file should not stop
/// them. `with_errors` holds the catalog-relative paths of the files with an error, as
/// [`diagnose`] found them. `None` when errdex.yaml itself has an error, since every
/// entry's URLs come from it.
///
/// A kept entry may name a left-out one in `related` or `replaced_by`; the renderers
/// already treat a code they cannot find as a title they do not know.
pub fn into_partial_catalog(
    loaded: LoadedCatalog,
    with_errors: &BTreeSet<&str>,
) -> Option<Catalog> {
    if with_errors.contains(loaded.config.path.as_str()) {
        return None;
    }
    let raw_config = loaded.config.raw.as_ref()?;
    let config = config::to_model(raw_config, normalize_base_url(&raw_config.base_url.value));
    let envelopes = bodies::Envelopes::of(raw_config);
    let entries = loaded
        .errors
        .into_iter()
        .filter(|file| !with_errors.contains(file.path.as_str()))
        .filter_map(|file| entry_of(&envelopes, file))
        .collect();
    Some(in_catalog_order(config, entries))
}

/// Whether a check builds the model of a catalog without errors.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Model {
    Build,
    Skip,
}

/// Checks a catalog from its files: used by [`check`] and by `watch`, which keeps the
/// loaded files in memory and replaces only the ones that changed.
pub fn check_files(
    config: &LoadedFile<RawConfig>,
    errors: &[LoadedFile<RawError>],
    folder_diagnostics: &[Diagnostic],
    static_files: &StaticFiles,
) -> Checked {
    let errors: Vec<&LoadedFile<RawError>> = errors.iter().collect();
    check_borrowed(config, &errors, folder_diagnostics, static_files, None)
}

/// [`check_files`] over borrowed files, for callers that keep them in a map.
///
/// With a `cache`, the per-file results of the previous call are reused for files that
/// did not change, so checking again after an edit costs little more than the edited
/// files; the outcome is the same as without it.
pub fn check_borrowed(
    config: &LoadedFile<RawConfig>,
    errors: &[&LoadedFile<RawError>],
    folder_diagnostics: &[Diagnostic],
    static_files: &StaticFiles,
    cache: Option<&mut CheckCache>,
) -> Checked {
    run(
        config,
        errors,
        folder_diagnostics,
        static_files,
        cache,
        Model::Build,
    )
}

fn run(
    config: &LoadedFile<RawConfig>,
    errors: &[&LoadedFile<RawError>],
    folder_diagnostics: &[Diagnostic],
    static_files: &StaticFiles,
    mut cache: Option<&mut CheckCache>,
    model: Model,
) -> Checked {
    let mut diagnostics = Diagnostics::default();

    // Stage 1: parse.
    if errors.is_empty() && folder_diagnostics.is_empty() {
        // Nothing to publish: most likely `errors/` is missing or misspelt, or its files
        // are not `.yaml`. Checked here rather than by the loader so that `serve` drops
        // the warning as soon as a first file is saved.
        diagnostics.push(
            Diagnostic::whole_file(Code::NoErrorFiles, &config.path, "the catalog has no error files")
                .with_help("error files live in `errors/` beside errdex.yaml, one per code (`errors/<code>.yaml`); `errdex new CODE --status N` writes one"),
        );
    }
    diagnostics.extend(folder_diagnostics.iter().cloned());
    diagnostics.extend(config.diagnostics.iter().cloned());
    for file in errors.iter() {
        diagnostics.extend(file.diagnostics.iter().cloned());
    }
    let config_file = match (&config.source, &config.raw) {
        (Some(source), Some(raw)) => Some(ConfigFile { source, raw }),
        _ => None,
    };
    let error_files: Vec<ErrorFile<'_>> = errors
        .iter()
        .filter_map(|file| match (&file.source, &file.raw) {
            (Some(source), Some(raw)) => Some(ErrorFile {
                source,
                raw,
                stem: file_stem(&file.path),
            }),
            _ => None,
        })
        .collect();
    let parsed_every_file = config_file.is_some() && error_files.len() == errors.len();
    let unparsed: Vec<String> = errors
        .iter()
        .filter(|f| f.raw.is_none())
        .map(|f| file_stem(&f.path).to_owned())
        .collect();
    // A file that failed to parse still names a code (its stem): links to it are not
    // broken, so one bad file does not cascade into errors in every file citing it.
    let codes: BTreeSet<&str> = error_files
        .iter()
        .map(|f| f.raw.code.value.as_str())
        .chain(unparsed.iter().map(String::as_str))
        .collect();
    let static_paths: BTreeSet<&str> = static_files.site_paths().collect();
    let targets = markdown_fields::Targets {
        codes: &codes,
        static_files: &static_paths,
    };
    let (mut results, kept) = match cache.as_deref_mut() {
        Some(cache) => {
            let config_text = config.source.as_ref().map(|s| s.text.as_str());
            cache.take(&error_files, config_text, &targets, &unparsed)
        }
        None => (
            error_files.iter().map(|_| FileResults::default()).collect(),
            None,
        ),
    };
    let (kept_cross, kept_messages) =
        kept.map_or((None, None), |kept| (Some(kept.cross), Some(kept.messages)));

    // Stage 2: per-file.
    let base_url = config_file.as_ref().and_then(|c| {
        text::check_config_texts(c, &mut diagnostics);
        config::check_config(c, &mut diagnostics)
    });
    diagnostics.extend(per_file(
        &error_files,
        &mut results,
        Stage::Entry,
        |file, found, _| {
            entry::check_entry(file, found);
            headers::check_headers(file, found);
            text::check_error_texts(file, found);
        },
    ));

    // Stage 3: cross-file.
    let cross = cross_file(kept_cross, |found| {
        cross::check_cross_file(config_file.as_ref(), &error_files, &unparsed, found);
    });
    cross::supersede(&mut diagnostics, &cross);
    diagnostics.extend(cross.iter().cloned());

    // Stage 4: envelope bodies (needs the config for envelopes, and base_url for the
    // docs URL: while base_url is wrong, the rest of each body is still checked).
    if let Some(config) = config_file.as_ref() {
        let envelopes = bodies::Envelopes::of(config.raw);
        let base_url = base_url.as_deref();
        diagnostics.extend(per_file(
            &error_files,
            &mut results,
            Stage::Body,
            |file, found, _| bodies::check_body(&envelopes, file, base_url, found),
        ));
    }

    // Stage 5: messages.
    let messages = cross_file(kept_messages, |found| {
        messages::check_messages(&error_files, found);
    });
    diagnostics.extend(messages.iter().cloned());

    // Stage 6: markdown.
    let config_into_pages = config_file.as_ref().map(|config| {
        let into_pages = markdown_fields::check_config_markdown(config, &targets, &mut diagnostics);
        (config, into_pages)
    });
    let envelopes = config_file.as_ref().map(|c| bodies::Envelopes::of(c.raw));
    let auth = config_file
        .as_ref()
        .and_then(|c| c.raw.auth.as_ref())
        .map(|auth| auth.value.as_str());
    diagnostics.extend(per_file(
        &error_files,
        &mut results,
        Stage::Markdown,
        |file, found, into_pages| {
            let (envelopes, site) = (envelopes.as_ref(), &targets);
            markdown_fields::check_entry_markdown(file, envelopes, auth, site, found, into_pages);
        },
    ));
    // Links to a place on another error's page, now that every page is known.
    let linking = config_into_pages
        .iter()
        .filter(|(_, links)| !links.is_empty())
        .map(|(config, links)| markdown_fields::Linking {
            source: config.source,
            fields: markdown_fields::config_fields(config.raw),
            listed: config.raw.links.as_ref(),
            links,
        })
        .chain(
            error_files
                .iter()
                .zip(&results)
                .filter(|(_, results)| !results.into_pages.is_empty())
                .map(|(file, results)| markdown_fields::Linking {
                    source: file.source,
                    fields: markdown_fields::entry_fields(file.raw),
                    listed: file.raw.links.as_ref(),
                    links: &results.into_pages,
                }),
        );
    markdown_fields::check_links_into_pages(
        linking,
        // The overview lists every error: with a file that did not parse, its ids are
        // not known.
        config_file
            .as_ref()
            .filter(|_| parsed_every_file)
            .map(|c| c.raw),
        &error_files,
        envelopes.as_ref(),
        auth,
        &mut diagnostics,
    );

    tracing::debug!(
        files = errors.len(),
        errors = diagnostics.error_count(),
        warnings = diagnostics.warning_count(),
        "checked"
    );
    let catalog = match (config_file, base_url) {
        (Some(config), Some(base_url))
            if model == Model::Build && parsed_every_file && diagnostics.error_count() == 0 =>
        {
            let keep = cache.is_some();
            Some(build_catalog(
                &config,
                base_url,
                &error_files,
                &mut results,
                keep,
            ))
        }
        _ => None,
    };
    if let Some(cache) = cache {
        cache.store(results, CrossResults { cross, messages });
    }
    Checked {
        catalog,
        diagnostics,
    }
}

/// Runs a one-file check over every file whose `stage` result is not known yet, in
/// parallel (the per-file stages are most of the checking work, YAML aside, and files
/// are independent), and returns every file's diagnostics in file order.
fn per_file<F>(
    files: &[ErrorFile<'_>],
    results: &mut [FileResults],
    stage: Stage,
    check: F,
) -> Vec<Diagnostic>
where
    F: Fn(&ErrorFile<'_>, &mut Diagnostics, &mut Vec<markdown_fields::LinkIntoPage>) + Sync,
{
    files
        .par_iter()
        .zip(results.par_iter_mut())
        .for_each(|(file, file_results)| {
            if file_results.stage(stage).is_none() {
                let mut found = Diagnostics::default();
                let mut into_pages = Vec::new();
                check(file, &mut found, &mut into_pages);
                *file_results.stage(stage) = Some(found.into_iter().collect());
                file_results.into_pages.append(&mut into_pages);
            }
        });
    results
        .iter_mut()
        .flat_map(|r| r.stage(stage).iter().flatten().cloned())
        .collect()
}

/// The output of a cross-file stage: `kept` from the cache, when it still holds, or
/// else that of `run`. Debug builds run the stage anyway and assert that the two agree,
/// as what the stage depends on is listed by hand in [`cache`].
fn cross_file(
    kept: Option<Vec<Diagnostic>>,
    run: impl FnOnce(&mut Diagnostics),
) -> Vec<Diagnostic> {
    match kept {
        Some(kept) if !cfg!(debug_assertions) => kept,
        kept => {
            let mut found = Diagnostics::default();
            run(&mut found);
            let found: Vec<Diagnostic> = found.into_iter().collect();
            debug_assert!(
                kept.is_none_or(|kept| kept == found),
                "a kept cross-file result differs from a fresh one"
            );
            found
        }
    }
}

/// Converts checked raw files into the validated model, in catalog order.
///
/// Models already in `results` are reused; `keep` leaves a copy there for the next check
/// instead of moving them into the catalog.
fn build_catalog(
    config: &ConfigFile<'_>,
    base_url: String,
    files: &[ErrorFile<'_>],
    results: &mut [FileResults],
    keep: bool,
) -> Catalog {
    let envelopes = bodies::Envelopes::of(config.raw);
    let config = config::to_model(config.raw, base_url);
    results
        .par_iter_mut()
        .zip(files)
        .filter(|(r, _)| r.model.is_none())
        .for_each(|(r, f)| {
            let sent_as = bodies::sent_as(&envelopes, f.raw);
            r.model = Some(Arc::new(entry::to_model(
                f.raw.clone(),
                &f.source.path,
                sent_as,
            )));
        });
    let entries: Vec<Arc<ErrorEntry>> = if keep {
        results.iter().filter_map(|r| r.model.clone()).collect()
    } else {
        results.iter_mut().filter_map(|r| r.model.take()).collect()
    };
    in_catalog_order(config, entries)
}

/// The catalog with its entries (given in file order) sorted as every output lists
/// them: by group (in the order the config lists groups, ungrouped last), then status,
/// then code, with file order breaking ties.
fn in_catalog_order(config: Config, entries: Vec<Arc<ErrorEntry>>) -> Catalog {
    let group_rank = |group: &Option<String>| match group {
        Some(id) => config
            .groups
            .iter()
            .position(|g| &g.id == id)
            .unwrap_or(usize::MAX),
        None => usize::MAX,
    };
    // Sort indices rather than entries, which are large.
    let mut order: Vec<(usize, u16, &str, usize)> = entries
        .iter()
        .enumerate()
        .map(|(i, m)| (group_rank(&m.group), m.status, m.code.as_str(), i))
        .collect();
    order.sort_unstable();
    let order: Vec<usize> = order.into_iter().map(|(.., i)| i).collect();
    let mut slots: Vec<Option<Arc<ErrorEntry>>> = entries.into_iter().map(Some).collect();
    let errors = order.into_iter().filter_map(|i| slots[i].take()).collect();
    Catalog { config, errors }
}

/// llms.txt past this many characters is too long for an agent's context.
pub const LLMS_TXT_WARN_CHARS: usize = 50_000;

/// W005 when `llms.txt` is `chars` characters long, over [`LLMS_TXT_WARN_CHARS`].
///
/// Not one of the stages above: it measures an output, the llms.txt `build` writes, so
/// only `build` reports it. (`check` would have to render it, and a catalog of a few
/// hundred errors is over the limit, so `check --strict` in CI would fail on
/// something no edit to one file can fix.)
pub fn llms_txt_too_long(chars: usize) -> Option<Diagnostic> {
    (chars > LLMS_TXT_WARN_CHARS).then(|| {
        Diagnostic::whole_file(
            Code::LlmsTxtTooLong,
            crate::load::CONFIG_FILE,
            format!("llms.txt is {chars} characters, over {LLMS_TXT_WARN_CHARS}"),
        )
        .with_help("agents read llms.txt whole, one line per error; shorter titles and summaries make it shorter")
    })
}

fn file_stem(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.strip_suffix(".yaml")
        .or_else(|| name.strip_suffix(".yml"))
        .unwrap_or(name)
}

/// `text`, trimmed, as a message quotes it: at most `max_chars` characters, then `…`.
/// A catalog may hold a message or a body of thousands of characters, and a diagnostic
/// that repeats it whole floods the terminal without saying more.
pub(crate) fn excerpt(text: &str, max_chars: usize) -> String {
    let text = text.trim();
    match text.char_indices().nth(max_chars) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

/// A diagnostic at a spanned value.
pub(crate) fn at<T>(
    source: &SourceFile,
    value: &S<T>,
    code: Code,
    message: impl Into<String>,
) -> Diagnostic {
    let (start, end) = source.span_of(&value.referenced);
    Diagnostic::new(code, &source.path, start, end, message)
}

/// Whether the scalar starting at `start` is the body of a literal block (`|`, `|-`,
/// `|+`, `|2`): serde-saphyr places such a value at its first content line, and the
/// indicator ends the line before.
fn is_literal_block(source: &SourceFile, start: Position) -> bool {
    let before = &source.text[..source.offset_of(start)];
    let indicator = before
        .trim_end()
        .rsplit(|c: char| c.is_whitespace())
        .next()
        .unwrap_or("");
    indicator.starts_with('|')
        && indicator[1..]
            .chars()
            .all(|c| c.is_ascii_digit() || c == '+' || c == '-')
}

/// A diagnostic at a byte range inside a Markdown field's text, underlined when the
/// range is on one line of the file.
///
/// For literal block scalars (`|`) the field's lines are the file's lines. Folded (`>`),
/// plain and quoted scalars join their lines, so the value's text is not the file's;
/// but only whitespace changes, unless an escape or a quote was written, and
/// [`same_text_in_file`] finds the place, escapes read. Where neither works, the field
/// is pointed at.
pub(crate) fn at_markdown_range(
    source: &SourceFile,
    value: &S<String>,
    range: std::ops::Range<usize>,
    code: Code,
    message: impl Into<String>,
) -> Diagnostic {
    let (field_start, field_end) = source.span_of(&value.referenced);
    let literal = is_literal_block(source, field_start);
    // Where a character is written, and in how many characters of the file: one, or an
    // escape's (`\u202E`).
    let locate = |offset: usize| {
        if literal {
            in_literal_block(source, field_start, &value.value, offset).map(|at| (at, 1))
        } else {
            same_text_in_file(source, field_start, &value.value, offset)
        }
    };
    let Some((start, _)) = locate(range.start) else {
        return Diagnostic::new(code, &source.path, field_start, field_end, message);
    };
    let last = value
        .value
        .get(range.clone())
        .and_then(|found| found.trim_end().char_indices().last());
    let end = last
        .and_then(|(i, _)| locate(range.start + i))
        .filter(|(end, _)| end.line == start.line && end.column >= start.column)
        .map_or(start, |(end, width)| Position {
            line: end.line,
            column: end.column + width,
        });
    Diagnostic::new(code, &source.path, start, end, message)
}

/// Where byte `offset` of a literal block's `text` is in the file, the block's first
/// line starting at `first`.
fn in_literal_block(
    source: &SourceFile,
    first: Position,
    text: &str,
    offset: usize,
) -> Option<Position> {
    let before = text.get(..offset.min(text.len()))?;
    let line = first.line + before.matches('\n').count();
    let column_in_line = before.rsplit('\n').next().map_or(0, |l| l.chars().count());
    // The block's indentation is that of its first line, where the value starts; deeper
    // indentation on later lines is part of the Markdown itself.
    (line <= source.line_count()).then_some(Position {
        line,
        column: first.column + column_in_line,
    })
}

/// Where the character at byte `offset` of `value` is written in `source`, when the
/// value's text up to it is the file's from `start` on, whitespace aside and escapes
/// read; and in how many characters of the file it is written.
fn same_text_in_file(
    source: &SourceFile,
    start: Position,
    value: &str,
    offset: usize,
) -> Option<(Position, usize)> {
    let wanted = value.get(offset..)?.chars().find(|c| !c.is_whitespace())?;
    let at_value = source.offset_of(start);
    // A quoted scalar starts at its quote.
    let quote = source.text[at_value..]
        .chars()
        .next()
        .filter(|c| matches!(c, '"' | '\''));
    let from = at_value + quote.map_or(0, char::len_utf8);
    let before = value.get(..offset)?;
    let written = source.text.get(from..)?;
    // Most values read as they are written (a scalar on one line, without escapes), and
    // then the offset carries over as it is. A long summary's W004 is found this way
    // without comparing its 200 characters one by one.
    // An escape at the place itself (`\u202E`) is read below.
    if written.starts_with(before)
        && let Some((at, found)) = written
            .get(offset..)
            .and_then(|rest| rest.char_indices().find(|(_, c)| !c.is_whitespace()))
        && found == wanted
    {
        return Some((source.position_of(from + offset + at), 1));
    }
    let mut in_file = as_read(written, quote).filter(|(_, c, _)| !c.is_whitespace());
    for expected in before.chars().filter(|c| !c.is_whitespace()) {
        let (_, found, _) = in_file.next()?;
        if found != expected {
            return None;
        }
    }
    let (at, found, width) = in_file.next()?;
    (found == wanted).then(|| (source.position_of(from + at), width))
}

/// The characters of a scalar written from the start of `written` as YAML reads them,
/// each with the byte where it is written and the number of characters it is written
/// in: in a double-quoted scalar an escape is read as the character it stands for,
/// found at its backslash and as wide as itself (`\u202E` is one character, 6 wide), and
/// in a single-quoted one `''` is read as one `'`. Line folding is left to the caller,
/// which skips whitespace. Past the scalar's end the characters mean nothing; the caller
/// stops before.
fn as_read(written: &str, quote: Option<char>) -> impl Iterator<Item = (usize, char, usize)> + '_ {
    let mut chars = written.char_indices().peekable();
    std::iter::from_fn(move || {
        let (at, c) = chars.next()?;
        match (quote, c) {
            (Some('"'), '\\') => {
                let (_, escape) = chars.next()?;
                let hex =
                    |digits: usize, chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>| {
                        let mut code = 0u32;
                        for _ in 0..digits {
                            code = code * 16 + chars.next()?.1.to_digit(16)?;
                        }
                        char::from_u32(code)
                    };
                let read = match escape {
                    'x' => hex(2, &mut chars)?,
                    'u' => hex(4, &mut chars)?,
                    'U' => hex(8, &mut chars)?,
                    '0' => '\0',
                    'a' => '\u{7}',
                    'b' => '\u{8}',
                    't' | '\t' => '\t',
                    'n' => '\n',
                    'v' => '\u{b}',
                    'f' => '\u{c}',
                    'r' => '\r',
                    'e' => '\u{1b}',
                    'N' => '\u{85}',
                    '_' => '\u{a0}',
                    'L' => '\u{2028}',
                    'P' => '\u{2029}',
                    // A line break after a backslash joins the lines: whitespace to the
                    // caller. `\ `, `\"`, `\/` and `\\` are the character itself.
                    '\n' | '\r' => ' ',
                    other => other,
                };
                // Escapes are ASCII: their bytes are their characters.
                let width = chars.peek().map_or(written.len(), |&(next, _)| next) - at;
                Some((at, read, width))
            }
            (Some('\''), '\'') if chars.peek().is_some_and(|&(_, next)| next == '\'') => {
                chars.next();
                Some((at, '\'', 2))
            }
            _ => Some((at, c, 1)),
        }
    })
}

/// `code line:column message` of what `check` finds in an error file whose response
/// has these `headers` lines, for the tests of the checks that read a response.
#[cfg(test)]
pub(crate) fn response_header_problems(
    headers: &str,
    check: impl FnOnce(&ErrorFile<'_>, &crate::load::raw::RawResponse, &mut Diagnostics),
) -> Vec<String> {
    let text = format!(
        "code: x\ntitle: T\nstatus: 429\nsummary: S.\nretryable: true\nagent: {{action: retry_later, guidance: g}}\nresponse:\n  body: '{{}}'\n  headers:\n{headers}"
    );
    let source = SourceFile::new("errors/x.yaml", text);
    let Ok(raw) = crate::load::parse_error(&source) else {
        panic!("the response parses: {headers}");
    };
    let file = ErrorFile {
        source: &source,
        raw: &raw,
        stem: "x",
    };
    let mut diagnostics = Diagnostics::default();
    let response = &raw.response.as_ref().expect("a response").value;
    check(&file, response, &mut diagnostics);
    diagnostics
        .sorted()
        .iter()
        .map(|d| {
            let (line, column) = (d.start.line, d.start.column);
            format!("{} {line}:{column} {}", d.code.id(), d.message)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::same_text_in_file;
    use crate::diagnostic::Position;
    use crate::source::SourceFile;

    fn at(line: usize, column: usize) -> Position {
        Position { line, column }
    }

    /// Where `word` of `value` is, for a value written at line 1, column 10.
    fn place(text: &str, value: &str, word: &str) -> Option<Position> {
        let source = SourceFile::new("errors/x.yaml", text.to_owned());
        let offset = value.find(word).expect("the word is in the value");
        same_text_in_file(&source, at(1, 10), value, offset).map(|(at, _)| at)
    }

    #[test]
    fn an_excerpt_keeps_the_first_characters_of_long_text() {
        use super::excerpt;
        assert_eq!(excerpt("  short  ", 10), "short");
        assert_eq!(excerpt("exactly10!", 10), "exactly10!");
        assert_eq!(excerpt("ünïcödé text", 5), "ünïcö…");
    }

    #[test]
    fn a_value_on_one_line_is_found_as_written() {
        let value = "The card was declined.";
        assert_eq!(
            place("summary: The card was declined.\n", value, "declined"),
            Some(at(1, 23))
        );
        assert_eq!(
            place("summary: \"The card was declined.\"\n", value, "declined"),
            Some(at(1, 24)),
            "a quoted value starts after its quote"
        );
        assert_eq!(
            place(
                "summary: ü card was declined.\n",
                "ü card was declined.",
                "declined"
            ),
            Some(at(1, 21)),
            "columns count characters, not bytes"
        );
    }

    #[test]
    fn a_value_joined_from_several_lines_is_found_on_its_line() {
        let value = "The card was declined.";
        assert_eq!(
            place("summary: The card\n  was declined.\n", value, "declined"),
            Some(at(2, 7))
        );
        assert_eq!(
            place(
                "summary: The card\n\n  was   declined.\n",
                value,
                "declined"
            ),
            Some(at(3, 9))
        );
    }

    #[test]
    fn a_value_written_with_escapes_is_read_as_yaml_reads_it() {
        // The file says `\u0041`, the value says `A`.
        assert_eq!(
            place(
                "summary: \"\\u0041 card was declined.\"\n",
                "A card was declined.",
                "declined"
            ),
            Some(at(1, 27))
        );
        // An escape is found at its backslash.
        assert_eq!(
            place(
                "summary: \"Sent \\x41\\t\\\"\\u202Ex\\U0001F600.\"\n",
                "Sent A\t\"\u{202E}x\u{1F600}.",
                "\u{202E}"
            ),
            Some(at(1, 24))
        );
        assert_eq!(
            place("summary: \"a\\\n  \\e<b>\"\n", "a\u{1b}<b>", "<b>"),
            Some(at(2, 5))
        );
        // In single quotes, `''` is one quote.
        assert_eq!(
            place("summary: 'It''s <b>'\n", "It's <b>", "<b>"),
            Some(at(1, 17))
        );
        // A plain scalar has no escapes: a backslash is itself.
        assert_eq!(
            place("summary: a\\u0041 <b>\n", "a\\u0041 <b>", "<b>"),
            Some(at(1, 18))
        );
    }

    #[test]
    fn a_value_the_file_does_not_hold_is_not_guessed() {
        // The caller points at the field instead.
        assert_eq!(
            place(
                "summary: \"card declined.\"\n",
                "A card was declined.",
                "declined"
            ),
            None
        );
    }
}
