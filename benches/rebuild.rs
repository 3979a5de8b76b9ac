//! Incremental rebuild latency: the work between an editor's save and new content in
//! `errdex serve`, without the watcher's debounce (30 ms by default) and the browser.
//!
//!     cargo bench --bench rebuild                 # example catalog and N = 10,000
//!     BENCH_SIZES="1000 10000" cargo bench --bench rebuild
//!
//! For each catalog: one full build of a [`Session`], then single-file edits (a title
//! change, which also re-renders the pages linking to the error) timed one by one, to
//! the edited pages (what `serve` publishes first) and to every file; prints the
//! median and the slowest of each. Synthetic catalogs come from
//! `benches/gen_catalog.py` and are cached under `target/bench-catalogs/`.

use errdex::render::RenderOptions;
use errdex::watch::classify::Plan;
use errdex::watch::session::Session;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const EDITS: usize = 15;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut catalogs = vec![("example".to_owned(), root.join("catalog"))];
    let sizes = std::env::var("BENCH_SIZES").unwrap_or_else(|_| "10000".to_owned());
    for n in sizes.split_whitespace() {
        catalogs.push((format!("N = {n}"), synthetic(root, n)));
    }
    println!(
        "| catalog | errors | full build | edit → its pages ready, median | slowest | edit → every file ready, median | slowest |"
    );
    println!("|---|---|---|---|---|---|---|");
    for (name, source) in catalogs {
        let work = tempfile::tempdir().expect("temp dir");
        copy_dir(&source, work.path());
        let (errors, full, pages, all) = measure(work.path());
        println!(
            "| {name} | {errors} | {} | {} | {} | {} | {} |",
            ms(full),
            ms(pages[pages.len() / 2]),
            ms(pages[pages.len() - 1]),
            ms(all[all.len() / 2]),
            ms(all[all.len() - 1])
        );
    }
}

/// Times single-file edits the way `serve` applies them: `rebuild_errors` (the edited
/// error's pages, which are served at once), then `finish` (the catalog-wide files).
/// Returns the error count, the full build, and the sorted times to each of the two.
fn measure(root: &Path) -> (usize, Duration, Vec<Duration>, Vec<Duration>) {
    let mut session = Session::open(root, RenderOptions::default(), None).expect("catalog opens");
    let started = Instant::now();
    let first = session
        .rebuild(&Plan {
            full: true,
            ..Plan::default()
        })
        .expect("full build");
    let full = started.elapsed();
    assert!(
        !first.broken,
        "the benchmark catalog must be valid: {:?}",
        first.diagnostics.first()
    );
    let files = error_files(&root.join("errors"));
    let errors = files.len();
    let (mut pages, mut all) = (Vec::with_capacity(EDITS), Vec::with_capacity(EDITS));
    for i in 0..EDITS {
        let path = &files[(i * 7919) % files.len()];
        let text = std::fs::read_to_string(path).expect("readable");
        let edited = text.replacen("\ntitle: ", &format!("\ntitle: Edited {i} "), 1);
        std::fs::write(path, edited).expect("writable");
        let plan = Plan {
            full: false,
            files: [path.clone()].into_iter().collect(),
        };
        let started = Instant::now();
        let rebuild = session.rebuild_errors(&plan).expect("rebuild");
        pages.push(started.elapsed());
        assert!(!rebuild.broken && !rebuild.changed.is_empty());
        session.finish().expect("finish");
        all.push(started.elapsed());
    }
    pages.sort();
    all.sort();
    (errors, full, pages, all)
}

fn synthetic(root: &Path, n: &str) -> PathBuf {
    let dir = root.join(format!("target/bench-catalogs/rebuild-{n}"));
    if !dir.join("errdex.yaml").is_file() {
        let status = Command::new("python3")
            .arg(root.join("benches/gen_catalog.py"))
            .arg(n)
            .arg(&dir)
            .status()
            .expect("python3 runs");
        assert!(status.success(), "gen_catalog.py failed");
    }
    dir
}

fn error_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("readable") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            files.extend(error_files(&path));
        } else if path.extension().is_some_and(|e| e == "yaml") {
            files.push(path);
        }
    }
    files.sort();
    files
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("readable") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}
