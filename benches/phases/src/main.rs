//! Times each stage of `errdex build` and reports the process's resident memory after
//! each, so a slow or fat stage shows without a profiler. Makes the same library calls
//! as `src/cmd/build.rs`, in the same order, and frees the same values at the same
//! points: load → check → model (moving the values, freeing the sources) → render and
//! stream every file into the staging folder (`Renderer::render_streamed`) → swap. Extra
//! passes that are not part of the total then split the render: everything rendered
//! and nothing written, every error's parts alone, and the catalog-wide files (overview,
//! llms files, JSON) assembled from parts held in memory, as `serve` does; and the YAML
//! front end alone: errdex's parse of every error file, and the parser's bare events.
//!
//! usage: errdex-bench-phases CATALOG OUT

use errdex::render::{Content, Output, RenderOptions, Renderer, Theme};
use errdex::source::SourceFile;
use errdex::write::{Staging, Streamed};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

// The allocator the errdex binary uses (src/main.rs), so the figures match it, counting
// the bytes the program holds: RSS minus that is what the allocator keeps besides.
#[global_allocator]
static ALLOCATOR: Counting = Counting;

static LIVE_BYTES: AtomicUsize = AtomicUsize::new(0);

struct Counting;

unsafe impl std::alloc::GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        LIVE_BYTES.fetch_add(layout.size(), Ordering::Relaxed);
        unsafe { mimalloc::MiMalloc.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        LIVE_BYTES.fetch_add(layout.size(), Ordering::Relaxed);
        unsafe { mimalloc::MiMalloc.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        LIVE_BYTES.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { mimalloc::MiMalloc.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new: usize) -> *mut u8 {
        LIVE_BYTES.fetch_add(new, Ordering::Relaxed);
        LIVE_BYTES.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { mimalloc::MiMalloc.realloc(ptr, layout, new) }
    }
}

/// (current, peak) resident set size in MiB, from /proc/self/status.
fn rss() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
            .map_or(f64::NAN, |kib| kib / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn report(stage: &str, started: Instant) -> Instant {
    let (now, peak) = rss();
    let live = LIVE_BYTES.load(Ordering::Relaxed) as f64 / (1024.0 * 1024.0);
    println!(
        "| {stage} | {:.0} ms | {live:.0} MiB | {now:.0} MiB | {peak:.0} MiB |",
        started.elapsed().as_secs_f64() * 1000.0
    );
    Instant::now()
}

/// The staging folder as `build` uses it, counting files and bytes.
struct ToStaging<'s> {
    staging: &'s Staging,
    files: AtomicUsize,
    bytes: AtomicUsize,
}

impl<'s> Output for ToStaging<'s> {
    type Error = BoxError;
    type File = Streamed<'s>;

    fn put(&self, path: String, content: Content) -> Result<(), BoxError> {
        self.files.fetch_add(1, Ordering::Relaxed);
        let bytes = content.iter().map(|p| p.len()).sum();
        self.bytes.fetch_add(bytes, Ordering::Relaxed);
        Ok(self.staging.write(&path, &content)?)
    }

    fn open(&self, path: &str) -> Result<Self::File, BoxError> {
        self.files.fetch_add(1, Ordering::Relaxed);
        Ok(self.staging.stream(path)?)
    }

    fn close(&self, file: Self::File) -> Result<(), BoxError> {
        Ok(file.finish()?)
    }
}

/// Renders without writing anything.
struct Nowhere;

impl Output for Nowhere {
    type Error = BoxError;
    type File = std::io::Sink;

    fn put(&self, _: String, _: Content) -> Result<(), BoxError> {
        Ok(())
    }

    fn open(&self, _: &str) -> Result<Self::File, BoxError> {
        Ok(std::io::sink())
    }

    fn close(&self, _: Self::File) -> Result<(), BoxError> {
        Ok(())
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, catalog, out] = args.as_slice() else {
        eprintln!("usage: errdex-bench-phases CATALOG OUT");
        std::process::exit(2);
    };
    let (root, out) = (PathBuf::from(catalog), PathBuf::from(out));
    println!(
        "| stage | wall | held after | RSS after | peak RSS so far |\n|---|---:|---:|---:|---:|"
    );
    let total = Instant::now();
    let t = Instant::now();
    let loaded = errdex::load::load_catalog(&root).expect("load the catalog");
    let t = report("load (read + parse YAML)", t);
    let found = errdex::check::diagnose(&loaded);
    assert!(
        found.error_count() == 0,
        "the catalog has errors: run `errdex check`"
    );
    let t = report("check", t);
    let catalog = errdex::check::into_catalog(loaded).expect("a catalog without errors");
    let t = report("build the model (moving the values), free the sources", t);

    let theme = Theme::new(&errdex::load::load_theme_overrides(&root).expect("theme overrides"))
        .expect("theme");
    let options = RenderOptions::default();
    let renderer = Renderer::new(&catalog, &theme, &options);
    let staging = Staging::begin(&out).expect("staging folder");
    let site = ToStaging {
        staging: &staging,
        files: AtomicUsize::new(0),
        bytes: AtomicUsize::new(0),
    };
    renderer.render_streamed(&site).expect("render and write");
    let t = report(
        &format!(
            "render + write, streamed ({} files; {} MiB besides the three streamed ones)",
            site.files.into_inner(),
            site.bytes.into_inner() >> 20
        ),
        t,
    );
    staging.commit().expect("swap in the new site");
    let _ = report("swap", t);
    let _ = report("**total**", total);

    let t = Instant::now();
    renderer.render_streamed(&Nowhere).expect("render");
    let _ = report("(render alone, nothing written)", t);
    let t = Instant::now();
    let parts: Vec<_> = (0..catalog.errors.len())
        .map(|i| std::sync::Arc::new(renderer.error_parts(i)))
        .collect();
    let _ = report("(every error's parts: Markdown, JSON…, one thread)", t);
    let t = Instant::now();
    let shared = renderer.render_shared(&parts).expect("render shared");
    let _ = report(
        &format!(
            "(catalog-wide files from the parts, {} files, one thread)",
            shared.len()
        ),
        t,
    );

    // The YAML front end on its own, for scale: errdex's typed parse (with the positions
    // diagnostics need) against the bare event stream of the parser under serde-saphyr,
    // the least any YAML load through it can cost.
    let sources: Vec<SourceFile> = yaml_files(&root.join("errors"))
        .into_iter()
        .filter_map(|path| {
            let text = std::fs::read_to_string(&path).ok()?;
            Some(SourceFile::new(path.display().to_string(), text))
        })
        .collect();
    let t = Instant::now();
    let parsed = sources
        .iter()
        .filter(|s| errdex::load::parse_error(s).is_ok())
        .count();
    let _ = report(
        &format!("(errdex's parse of the {parsed} error files, one thread)"),
        t,
    );
    let t = Instant::now();
    let events: usize = sources
        .iter()
        .map(|s| granit_parser::Parser::new_from_str(&s.text).count())
        .sum();
    let _ = report(
        &format!("(granit-parser's {events} events alone for the same files, one thread)"),
        t,
    );
}

/// The `.yaml` and `.yml` files under `dir`, in no particular order.
fn yaml_files(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
            let path = entry.path();
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                found.push(path);
            }
        }
    }
    found
}
