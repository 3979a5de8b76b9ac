//! Replays the curated fuzz seed corpus (`fuzz/seeds/<target>/`) through the same
//! code the cargo-fuzz targets run (`errdex::fuzzing`), so every seed — valid catalogs
//! and every hostile case — is checked by `cargo test` without cargo-fuzz or nightly.
//!
//! Crashes the fuzzer finds are minimised and added to the seeds as regressions.
//!
//! `ERRDEX_REPLAY_FUZZ_CORPUS=1 cargo test --test fuzz_corpus -- --nocapture` also
//! replays the local, git-ignored corpus the fuzzers grew (`fuzz/corpus/<target>/`).

use std::path::{Path, PathBuf};

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("seed entry").path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    files
}

fn seeds(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/seeds")
        .join(target);
    let mut files = files_in(&dir);
    if std::env::var_os("ERRDEX_REPLAY_FUZZ_CORPUS").is_some() {
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fuzz/corpus")
            .join(target);
        if corpus.is_dir() {
            files.extend(files_in(&corpus));
        }
    }
    assert!(!files.is_empty(), "no seeds in {}", dir.display());
    files
}

fn replay(target: &str, run: impl Fn(&[u8])) {
    for path in seeds(target) {
        let bytes = std::fs::read(&path).expect("read seed");
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(&bytes)));
        assert!(outcome.is_ok(), "seed {} failed", path.display());
    }
}

#[test]
fn catalog_seeds() {
    let rendered = std::sync::atomic::AtomicUsize::new(0);
    replay("catalog", |bytes| {
        if errdex::fuzzing::catalog(bytes) {
            rendered.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
    });
    eprintln!(
        "catalog: {} of {} inputs were clean catalogs and rendered",
        rendered.into_inner(),
        seeds("catalog").len()
    );
}

#[test]
fn clean_catalog_seeds_reach_the_renderer() {
    // Without this the harness could silently stop short of rendering.
    let clean: Vec<_> = seeds("catalog")
        .into_iter()
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("clean-"))
        })
        .collect();
    assert!(clean.len() >= 2);
    for path in clean {
        let bytes = std::fs::read(&path).expect("read seed");
        assert!(
            errdex::fuzzing::catalog(&bytes),
            "{} did not render",
            path.display()
        );
    }
}

#[test]
fn markdown_seeds() {
    replay("markdown", errdex::fuzzing::markdown);
}

#[test]
fn template_seeds() {
    replay("template", errdex::fuzzing::template);
}

#[test]
fn serve_path_seeds() {
    replay("serve_path", errdex::fuzzing::serve_path);
}
