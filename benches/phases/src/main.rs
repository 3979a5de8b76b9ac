//! Times each stage of `errdex build` and reports the process's resident memory after
//! each, so a slow or fat stage shows without a profiler. Makes the same library calls
//! as `src/cmd/build.rs`, in the same order, and frees the same values at the same
//! points: load → check → model (moving the values, freeing the sources) → render each
//! file and stream it into the staging folder → swap. The stream is then split by two
//! extra passes that are not part of the total: rendering every file without writing
//! it, and rendering the catalog-wide files (overview, llms files, JSON) alone.
//!
//! usage: errdex-bench-phases CATALOG OUT

use errdex::render::{RenderOptions, Renderer, Theme};
use errdex::write::Staging;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

// The allocator the errdex binary uses (src/main.rs), so the figures match it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    println!(
        "| {stage} | {:.0} ms | {now:.0} MiB | {peak:.0} MiB |",
        started.elapsed().as_secs_f64() * 1000.0
    );
    Instant::now()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, catalog, out] = args.as_slice() else {
        eprintln!("usage: errdex-bench-phases CATALOG OUT");
        std::process::exit(2);
    };
    let (root, out) = (PathBuf::from(catalog), PathBuf::from(out));
    println!("| stage | wall | RSS after | peak RSS so far |\n|---|---:|---:|---:|");
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
    let (files, bytes) = (AtomicUsize::new(0), AtomicUsize::new(0));
    renderer
        .render_each(|path, content| {
            files.fetch_add(1, Ordering::Relaxed);
            bytes.fetch_add(content.iter().map(|p| p.len()).sum(), Ordering::Relaxed);
            staging.write(&path, &content).map_err(BoxError::from)
        })
        .expect("render and write");
    let t = report(
        &format!(
            "render + write, streamed ({} files, {} MiB)",
            files.into_inner(),
            bytes.into_inner() >> 20
        ),
        t,
    );
    staging.commit().expect("swap in the new site");
    let _ = report("swap", t);
    let _ = report("**total**", total);

    let t = Instant::now();
    renderer
        .render_each(|_, _| Ok::<(), errdex::render::ThemeError>(()))
        .expect("render");
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
}
