//! Times each stage of `errdex build` (load → check → render → write) and reports the
//! process's resident memory after each, so a slow or fat stage shows without a
//! profiler. Runs the same library calls as `src/cmd/build.rs`, in the same order, and
//! keeps the same values alive; the render is then split by re-rendering the
//! catalog-wide files alone (overview, llms files, JSON), which is not part of the total.
//!
//! usage: errdex-bench-phases CATALOG OUT

use errdex::render::{RenderOptions, Renderer, Theme};
use std::path::PathBuf;
use std::time::Instant;

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
    println!("| stage | wall | RSS after | peak RSS |\n|---|---:|---:|---:|");
    let total = Instant::now();
    let t = Instant::now();
    let loaded = errdex::load::load_catalog(&root).expect("load the catalog");
    let t = report("load (read + parse YAML)", t);
    let checked = errdex::check::check(&loaded);
    let catalog = checked.catalog.expect("the catalog has errors: run `errdex check`");
    let t = report("check (+ build the model)", t);
    let overrides = errdex::load::load_theme_overrides(&root).expect("theme overrides");
    let theme = Theme::new(&overrides).expect("theme");
    let options = RenderOptions::default();
    let files = errdex::render::render_site(&catalog, &theme, &options).expect("render");
    let bytes: usize = files.values().map(Vec::len).sum();
    let t = report(&format!("render ({} files, {} MiB)", files.len(), bytes >> 20), t);
    errdex::write::write_site(&out, &files).expect("write");
    let _ = report("write (stage + swap)", t);
    let _ = report("**total**", total);
    let t = Instant::now();
    let shared = Renderer::new(&catalog, &theme, &options)
        .render_shared()
        .expect("render shared");
    let _ = report(
        &format!("(of render: catalog-wide files alone, {} files)", shared.len()),
        t,
    );
}
