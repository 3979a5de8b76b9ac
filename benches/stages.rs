//! Criterion benchmarks of the pipeline's hot stages on one synthetic catalog:
//! loading (read + parse YAML), checking (+ building the model), rendering one error
//! page, one error's Markdown and parts, the overview, and assembling llms.txt.
//!
//!     cargo bench --bench stages                  # N = 1,000
//!     BENCH_STAGES_N=10000 cargo bench --bench stages
//!
//! The catalog comes from `benches/gen_catalog.py`, cached under
//! `target/bench-catalogs/` like the other benchmarks. `benches/run.sh` measures the
//! whole commands end to end.

use criterion::{Criterion, criterion_group, criterion_main};
use errdex::render::{RenderOptions, Renderer, Theme};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

fn catalog_dir() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let n = std::env::var("BENCH_STAGES_N").unwrap_or_else(|_| "1000".to_owned());
    let dir = root.join(format!("target/bench-catalogs/stages-{n}"));
    if !dir.join("errdex.yaml").is_file() {
        let status = Command::new("python3")
            .arg(root.join("benches/gen_catalog.py"))
            .arg(&n)
            .arg(&dir)
            .status()
            .expect("python3 runs");
        assert!(status.success(), "gen_catalog.py failed");
    }
    dir
}

fn stages(c: &mut Criterion) {
    let dir = catalog_dir();
    let loaded = errdex::load::load_catalog(&dir).expect("the catalog loads");
    let n = loaded.errors.len();
    let catalog = errdex::check::check(&loaded)
        .catalog
        .expect("the benchmark catalog is valid");
    let theme = Theme::new(&errdex::load::load_theme_overrides(&dir).expect("no overrides"))
        .expect("the built-in theme compiles");
    let options = RenderOptions::default();
    let renderer = Renderer::new(&catalog, &theme, &options);
    let middle = n / 2;
    let parts: Vec<_> = (0..n).map(|i| Arc::new(renderer.error_parts(i))).collect();

    let mut group = c.benchmark_group(format!("N = {n}"));
    group.sample_size(10);
    group.bench_function("load (read + parse every file)", |b| {
        b.iter(|| errdex::load::load_catalog(black_box(&dir)))
    });
    group.bench_function("check (+ build the model)", |b| {
        b.iter(|| errdex::check::check(black_box(&loaded)))
    });
    group.bench_function("catalog-wide files from the parts", |b| {
        b.iter(|| renderer.render_shared(black_box(&parts)))
    });
    group.bench_function("llms.txt from the parts", |b| {
        b.iter(|| {
            errdex::render::agent::llms_txt(&catalog, |position| {
                &black_box(&parts)[position].llms_line
            })
        })
    });
    group.finish();

    let mut group = c.benchmark_group("one error");
    group.bench_function("page (error.html)", |b| {
        b.iter(|| renderer.render_error(black_box(middle)))
    });
    group.bench_function("parts (Markdown, llms.txt line, JSON, search)", |b| {
        b.iter(|| renderer.error_parts(black_box(middle)))
    });
    group.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
