//! `errdex build`: check, then render and write the site.

use super::{Outcome, Report, Ui, free_at_exit, sources_of};
use crate::cli::BuildArgs;
use crate::load::static_files::StaticFiles;
use crate::render::{Bytes, Content, Output, RenderOptions, Renderer, Theme};
use crate::write::{Staging, Streamed, WriteError};
use anyhow::Context as _;
use rayon::prelude::*;
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

pub(super) fn run(args: &BuildArgs, ui: Ui) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let root = &args.catalog.catalog;
    // Where the site goes: `--out`, or the folder it links to.
    let out = crate::write::check_destination(&args.out, root, args.force)?;
    let base_url_override = args.base_url.as_deref().map(parse_base_url).transpose()?;

    let mut loaded = crate::load::load_catalog(root)?;
    let found = crate::check::diagnose(&loaded);
    let mut report = Report::new(args.format, found.sorted(), &sources_of(&loaded));
    if report.fails(args.strict) {
        report.print();
        return Ok(Outcome::CatalogErrors);
    }
    // The static files are published as they are, beside the model's pages.
    let static_files = std::mem::take(&mut loaded.static_files);
    // The model takes the loaded values over, and the sources (needed only for the
    // diagnostics' snippets, laid out above) are freed on the way, before rendering.
    let Some(mut catalog) = crate::check::into_catalog(loaded) else {
        report.print();
        return Ok(Outcome::CatalogErrors);
    };
    if let Some(base_url) = base_url_override {
        catalog.config.base_url = base_url;
    }
    // The diagnostics are printed whatever happens next, and before the summary line.
    let published = publish(args, &out, &catalog, &static_files, &mut report);
    report.print();
    let Some(stats) = published? else {
        return Ok(Outcome::CatalogErrors);
    };
    let llms_chars = stats.llms_chars.load(Ordering::Relaxed);
    let full_chars = stats.full_chars.load(Ordering::Relaxed);
    ui.status(format_args!(
        "Built {} error{} into {}: {} files ({} unchanged), {}; llms.txt {} chars (~{} tokens), llms-full.txt {} chars (~{} tokens) in {} ms",
        catalog.errors.len(),
        if catalog.errors.len() == 1 { "" } else { "s" },
        args.out.display(),
        stats.files.load(Ordering::Relaxed) + 1,
        stats.reused,
        human_bytes(stats.bytes.load(Ordering::Relaxed)),
        llms_chars,
        llms_chars / 4,
        full_chars,
        full_chars / 4,
        started.elapsed().as_millis()
    ));
    free_at_exit(catalog);
    Ok(Outcome::Success)
}

/// Renders the site into a staging folder and swaps it in for `out`. `None` when
/// `--strict` refuses a warning about the rendered site (W005), which `report` holds;
/// the staging folder is then dropped and the previous site stays.
fn publish(
    args: &BuildArgs,
    out: &std::path::Path,
    catalog: &crate::model::Catalog,
    static_files: &StaticFiles,
    report: &mut Report,
) -> anyhow::Result<Option<Stats>> {
    let theme = Theme::new(&crate::load::load_theme_overrides(&args.catalog.catalog)?)?;
    for warning in theme.unused_file_warnings() {
        eprintln!("warning: {warning}");
    }
    let options = RenderOptions::default();
    let renderer = Renderer::new(catalog, &theme, &options);
    // What a failed build leaves: the previous site as it was, or, when there was none,
    // nothing at all.
    let had_site = out.exists();
    let unchanged = || {
        if had_site {
            format!("the previous site in `{}` is unchanged", args.out.display())
        } else {
            format!("nothing was written to `{}`", args.out.display())
        }
    };
    let staging = Staging::begin(out).with_context(unchanged)?;
    let mut stats = Stats::default();
    let site = Site {
        staging: &staging,
        stats: &stats,
    };
    renderer.render_streamed(&site).with_context(unchanged)?;
    static_files
        .read_all()
        .try_for_each(|read| {
            let (file, bytes) = read?;
            site.put(file.site_path.clone(), vec![bytes])
        })
        .with_context(unchanged)?;

    report.extend(crate::check::llms_txt_too_long(
        stats.llms_chars.load(Ordering::Relaxed),
    ));
    if report.fails(args.strict) {
        // Dropping the staging folder discards the new site.
        return Ok(None);
    }
    stats.reused = staging.reused();
    match staging.commit() {
        Ok(None) => {}
        // A warning, exit 0: see `write::swap`.
        Ok(Some(leftover)) => eprintln!("warning: {leftover}"),
        // The previous site is no longer where it was, so `unchanged` would be untrue.
        Err(stranded @ WriteError::Stranded { .. }) => return Err(stranded.into()),
        Err(other) => return Err(anyhow::Error::from(other).context(unchanged())),
    }
    Ok(Some(stats))
}

/// The staging folder as the renderer's [`Output`], counting what goes by.
struct Site<'s> {
    staging: &'s Staging,
    stats: &'s Stats,
}

impl<'s> Output for Site<'s> {
    type Error = anyhow::Error;
    type File = Counted<Streamed<'s>>;

    fn put(&self, path: String, content: Content) -> anyhow::Result<()> {
        let chars = || content.iter().map(|piece| count_chars(piece)).sum();
        self.stats
            .record(&path, content.iter().map(Bytes::len).sum(), chars);
        Ok(self.staging.write(&path, &content)?)
    }

    fn open(&self, path: &str) -> anyhow::Result<Self::File> {
        Ok(Counted {
            inner: self.staging.stream(path)?,
            path: path.to_owned(),
            bytes: 0,
            chars: self.stats.chars_of(path).map(|_| 0),
        })
    }

    fn close(&self, file: Self::File) -> anyhow::Result<()> {
        let chars = file.chars.unwrap_or_default();
        self.stats.record(&file.path, file.bytes, || chars);
        Ok(file.inner.finish()?)
    }
}

/// A streamed file with a count of its bytes, and of its characters when the summary
/// line needs them.
struct Counted<W> {
    inner: W,
    path: String,
    bytes: usize,
    chars: Option<usize>,
}

impl<W: Write> Write for Counted<W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let written = self.inner.write(bytes)?;
        self.bytes += written;
        if let Some(chars) = &mut self.chars {
            *chars += count_chars(&bytes[..written]);
        }
        Ok(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Characters in UTF-8 text, counted per byte so that text cut anywhere (a streamed
/// file's writes) adds up: every byte but a continuation byte starts a character.
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

/// Figures for the summary line, gathered as files stream to disk.
#[derive(Default)]
struct Stats {
    files: AtomicUsize,
    bytes: AtomicUsize,
    llms_chars: AtomicUsize,
    full_chars: AtomicUsize,
    /// Files left as they were in the previous site.
    reused: usize,
}

impl Stats {
    /// Counts one file; `chars` is asked for only for a file [`Stats::chars_of`] names.
    fn record(&self, path: &str, bytes: usize, chars: impl FnOnce() -> usize) {
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(bytes, Ordering::Relaxed);
        if let Some(counter) = self.chars_of(path) {
            counter.store(chars(), Ordering::Relaxed);
        }
    }

    /// Where the summary line's size in characters of the file at `path` goes: only the
    /// llms files have one.
    fn chars_of(&self, path: &str) -> Option<&AtomicUsize> {
        match path {
            "llms.txt" => Some(&self.llms_chars),
            "llms-full.txt" => Some(&self.full_chars),
            _ => None,
        }
    }
}

fn human_bytes(bytes: usize) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{:.1} KiB", bytes as f64 / 1024.0)
    }
}

/// Validates `--base-url` by the rules E018 applies to `base_url` in errdex.yaml: the
/// URL is written as is into llms.txt, robots.txt and the agent Markdown.
pub(crate) fn parse_base_url(text: &str) -> anyhow::Result<String> {
    crate::check::validate_base_url(text).map_err(|problem| {
        anyhow::anyhow!(
            "--base-url {problem}\n  help: write where the site is published, e.g. --base-url https://docs.example.com/errors"
        )
    })
}
