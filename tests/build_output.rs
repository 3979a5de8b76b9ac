//! How `errdex build` treats the output folder: byte-identical rebuilds, an atomic swap
//! that a failure never half-completes, refusal to clobber folders it did not create or
//! that hold the catalog, removal of stale pages, and nothing written for a bad catalog.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const SMALL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/render/small");
const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/catalog");

/// The outcome of one `errdex` run.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `errdex build --catalog <catalog> --out <out> <extra…>` in `cwd` with `env`.
fn build_in(cwd: &Path, catalog: &Path, out: &Path, extra: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_errdex"));
    command
        .current_dir(cwd)
        .args(["build", "--catalog"])
        .arg(catalog)
        .arg("--out")
        .arg(out)
        .args(extra)
        .env("NO_COLOR", "1")
        .env_remove("ERRDEX_TEST_FAIL_AFTER")
        .env_remove("SOURCE_DATE_EPOCH");
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command.output().expect("errdex runs");
    let run = Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    run
}

fn build(catalog: &Path, out: &Path, extra: &[&str], env: &[(&str, &str)]) -> Run {
    build_in(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        catalog,
        out,
        extra,
        env,
    )
}

fn build_ok(catalog: &Path, out: &Path) {
    let run = build(catalog, out, &[], &[]);
    assert_eq!(run.code, 0, "build failed:\n{}", run.stderr);
}

/// Every file and folder under `dir` (relative, `/`-separated; folders end in `/`), with
/// file contents. A missing `dir` reads as empty.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut tree = BTreeMap::new();
    if !dir.exists() {
        return tree;
    }
    for entry in walkdir::WalkDir::new(dir).min_depth(1).sort_by_file_name() {
        let entry = entry.expect("walk");
        let relative = entry.path().strip_prefix(dir).expect("inside");
        let mut key = relative.to_string_lossy().replace('\\', "/");
        if entry.file_type().is_dir() {
            key.push('/');
            tree.insert(key, Vec::new());
        } else {
            tree.insert(key, std::fs::read(entry.path()).expect("read"));
        }
    }
    tree
}

/// The names directly in `dir`.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Asserts `errdex` left no staging or backup folder in `parent`.
fn assert_no_leftovers(parent: &Path) {
    let leftovers: Vec<String> = names(parent)
        .into_iter()
        .filter(|n| n.contains(".errdex-staging") || n.contains(".errdex-old"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "left behind in {}: {leftovers:?}",
        parent.display()
    );
}

/// Asserts two trees are identical, naming the first difference.
fn assert_same_tree(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>, what: &str) {
    let paths_a: Vec<&String> = a.keys().collect();
    let paths_b: Vec<&String> = b.keys().collect();
    assert_eq!(paths_a, paths_b, "{what}: different files");
    for (path, bytes) in a {
        assert!(bytes == &b[path], "{what}: {path} differs");
    }
}

/// A copy of a fixture catalog in a fresh temporary folder, at `<tmp>/catalog`.
fn catalog_copy(source: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let catalog = dir.path().join("catalog");
    for entry in walkdir::WalkDir::new(source) {
        let entry = entry.expect("walk");
        let target = catalog.join(entry.path().strip_prefix(source).expect("inside"));
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
    (dir, catalog)
}

#[test]
fn rebuilds_are_byte_identical() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (first, second) = (dir.path().join("first"), dir.path().join("second"));
    let catalog = Path::new(EXAMPLE);
    let run = build(catalog, &first, &[], &[("SOURCE_DATE_EPOCH", "0")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = build(
        catalog,
        &second,
        &[],
        &[("SOURCE_DATE_EPOCH", "1700000000")],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let first_tree = tree(&first);
    assert!(first_tree.len() > 40, "{} files", first_tree.len());
    assert_same_tree(
        &first_tree,
        &tree(&second),
        "two builds of the example catalog",
    );

    // Building again over the first site changes nothing either.
    build_ok(catalog, &first);
    assert_same_tree(&first_tree, &tree(&first), "a rebuild in place");
}

/// Whether errdex reads the test hook `hook` (only debug builds do); says so when not.
fn has_test_hook(hook: &str) -> bool {
    if !cfg!(debug_assertions) {
        eprintln!("SKIPPED: {hook} exists only in debug builds");
    }
    cfg!(debug_assertions)
}

#[test]
fn a_failed_write_leaves_the_previous_site_intact() {
    if !has_test_hook("ERRDEX_TEST_FAIL_AFTER") {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("site");
    let catalog = Path::new(SMALL);
    build_ok(catalog, &out);
    let before = tree(&out);

    // Another base URL changes every page, so any file the failed build wrote would show.
    let other_base = ["--base-url", "https://elsewhere.test/docs"];
    let run = build(
        catalog,
        &out,
        &other_base,
        &[("ERRDEX_TEST_FAIL_AFTER", "5")],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("injected failure"), "{}", run.stderr);
    assert!(
        run.stderr.contains("unchanged"),
        "says the site is unchanged: {}",
        run.stderr
    );
    assert_same_tree(&before, &tree(&out), "the site after a failed build");
    assert_no_leftovers(dir.path());
    assert_eq!(names(dir.path()), ["site"]);

    // Without the failure the same build does replace the site.
    let run = build(catalog, &out, &other_base, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(tree(&out)["llms.txt"] != before["llms.txt"]);
    assert_no_leftovers(dir.path());
}

#[test]
fn a_failed_first_build_creates_nothing() {
    if !has_test_hook("ERRDEX_TEST_FAIL_AFTER") {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("site");
    let run = build(
        Path::new(SMALL),
        &out,
        &[],
        &[("ERRDEX_TEST_FAIL_AFTER", "5")],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(!out.exists(), "a failed build created {}", out.display());
    assert!(names(dir.path()).is_empty(), "{:?}", names(dir.path()));
    // There is no previous site to be "unchanged".
    assert!(
        run.stderr.contains("nothing was written to"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("previous site"), "{}", run.stderr);
}

#[test]
fn a_foreign_folder_is_refused_without_force_and_replaced_with_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("site");
    std::fs::create_dir_all(out.join("photos")).expect("mkdir");
    std::fs::write(out.join("notes.txt"), "mine").expect("write");
    std::fs::write(out.join("photos/cat.jpg"), "meow").expect("write");
    let before = tree(&out);

    let run = build(Path::new(SMALL), &out, &[], &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("--force"),
        "suggests --force: {}",
        run.stderr
    );
    assert_same_tree(
        &before,
        &tree(&out),
        "a foreign folder after a refused build",
    );
    assert_no_leftovers(dir.path());

    let run = build(Path::new(SMALL), &out, &["--force"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let after = tree(&out);
    assert!(!after.contains_key("notes.txt") && !after.contains_key("photos/"));
    assert!(after.contains_key("index.html") && after.contains_key(".errdex-output"));
    assert_no_leftovers(dir.path());

    // Now it is errdex's folder: no --force needed again.
    build_ok(Path::new(SMALL), &out);
}

#[test]
fn an_empty_folder_is_used_without_force() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("site");
    std::fs::create_dir(&out).expect("mkdir");
    build_ok(Path::new(SMALL), &out);
    assert!(out.join("index.html").is_file());
}

#[test]
fn the_catalog_and_the_folders_around_it_are_refused() {
    let (dir, catalog) = catalog_copy(SMALL);
    let catalog_before = tree(&catalog);
    let cwd = dir.path().join("project");
    std::fs::create_dir(&cwd).expect("mkdir");
    let refused = |out: &Path, in_dir: &Path, why: &str| {
        let run = build_in(in_dir, &catalog, out, &["--force"], &[]);
        assert_eq!(run.code, 2, "{why}: {}", run.stderr);
        assert!(run.stderr.contains("refusing"), "{why}: {}", run.stderr);
        assert_same_tree(&catalog_before, &tree(&catalog), why);
        assert_no_leftovers(dir.path());
        assert_no_leftovers(&catalog);
    };
    refused(&catalog, dir.path(), "out = the catalog");
    refused(&catalog.join("site"), dir.path(), "out inside the catalog");
    refused(dir.path(), dir.path(), "out containing the catalog");
    refused(Path::new("."), &cwd, "out = the current folder");
    refused(&cwd, &cwd, "out = the current folder, spelled absolute");
    assert!(!catalog.join("site").exists());
    assert!(names(&cwd).is_empty(), "{:?}", names(&cwd));
    assert_eq!(names(dir.path()), ["catalog", "project"]);
}

/// The inode of the file at `path`: the same inode after a rebuild means the file was
/// carried over, not written again.
#[cfg(unix)]
fn inode(path: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    std::fs::symlink_metadata(path).expect("file exists").ino()
}

#[cfg(unix)]
#[test]
fn a_rebuild_writes_only_the_files_that_changed() {
    let (dir, catalog) = catalog_copy(SMALL);
    let out = dir.path().join("site");
    build_ok(&catalog, &out);
    let css = names(&out.join("assets"))
        .into_iter()
        .find(|n| n.ends_with(".css"))
        .expect("a stylesheet");
    let css = out.join("assets").join(css);
    let (css_inode, page) = (inode(&css), out.join("errors/api_key_invalid/index.html"));
    let page_inode = inode(&page);
    let streamed: Vec<(std::path::PathBuf, u64)> = ["index.html", "llms-full.txt", "errors.json"]
        .iter()
        .map(|p| (out.join(p), inode(&out.join(p))))
        .collect();

    // Tamper with the old site: a file edited by hand (same length, other bytes) and a
    // symlink planted where a page was, pointing at the right content elsewhere.
    let markdown = out.join("errors/card_declined.md");
    let mut bytes = std::fs::read(&markdown).expect("read");
    bytes[0] = if bytes[0] == b'#' { b'>' } else { b'#' };
    std::fs::write(&markdown, &bytes).expect("tamper");
    let planted = out.join("errors/charge_failed.md");
    let elsewhere = dir.path().join("elsewhere.md");
    std::fs::rename(&planted, &elsewhere).expect("move");
    std::os::unix::fs::symlink(&elsewhere, &planted).expect("symlink");

    // Change one error: its page changes, the stylesheet does not.
    let source = catalog.join("errors/api_key_invalid.yaml");
    let text = std::fs::read_to_string(&source).expect("read");
    let edited = text.replacen("title: ", "title: Edited ", 1);
    assert_ne!(text, edited, "the fixture has a title");
    std::fs::write(&source, edited).expect("edit");
    let run = build(&catalog, &out, &[], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    assert_eq!(inode(&css), css_inode, "an unchanged file is carried over");
    assert_ne!(inode(&page), page_inode, "a changed page is written anew");
    for (path, before) in &streamed {
        assert_ne!(
            inode(path),
            *before,
            "{} holds the title: written anew",
            path.display()
        );
    }
    assert!(
        std::fs::symlink_metadata(&planted)
            .expect("exists")
            .file_type()
            .is_file(),
        "a planted symlink is replaced by a real file"
    );
    let fresh = dir.path().join("fresh");
    build_ok(&catalog, &fresh);
    assert_same_tree(&tree(&fresh), &tree(&out), "a rebuild and a fresh build");
    let unchanged = run
        .stderr
        .split(" unchanged)")
        .next()
        .and_then(|head| head.rsplit('(').next())
        .and_then(|n| n.parse::<usize>().ok())
        .expect("the summary counts unchanged files");
    let total = tree(&out).keys().filter(|p| !p.ends_with('/')).count();
    assert!(
        unchanged > 0 && unchanged < total - 3,
        "{unchanged} of {total} unchanged"
    );
    assert_no_leftovers(dir.path());
}

#[cfg(unix)]
#[test]
fn a_rebuild_of_an_unchanged_catalog_keeps_every_file() {
    let (dir, catalog) = catalog_copy(SMALL);
    let out = dir.path().join("site");
    build_ok(&catalog, &out);
    let files: Vec<String> = site_files(&out).into_keys().collect();
    let inodes: Vec<u64> = files.iter().map(|p| inode(&out.join(p))).collect();
    // The streamed files (overview, llms-full.txt, errors.json) included.
    for streamed in ["index.html", "llms-full.txt", "errors.json"] {
        assert!(files.iter().any(|p| p == streamed), "{streamed} is built");
    }
    build_ok(&catalog, &out);
    for (path, before) in files.iter().zip(inodes) {
        assert_eq!(inode(&out.join(path)), before, "{path} is carried over");
    }
    assert_no_leftovers(dir.path());
}

/// The files of the site in `out` (not its folders or errdex's marker), with contents.
fn site_files(out: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = tree(out);
    files.retain(|path, _| !path.ends_with('/') && path != ".errdex-output");
    files
}

/// Builds `catalog` with `errdex build` and asserts the site is the one `render_site`
/// renders in memory; returns how many files it has.
fn assert_build_matches_memory(catalog: &Path, what: &str) -> usize {
    use rayon::iter::ParallelIterator;
    let loaded = errdex::load::load_catalog(catalog).expect("loads");
    let model = errdex::check::check(&loaded).catalog.expect("valid");
    let theme = errdex::render::Theme::new(&[]).expect("built-in theme");
    let mut rendered: BTreeMap<String, Vec<u8>> =
        errdex::render::render_site(&model, &theme, &Default::default())
            .expect("renders")
            .into_iter()
            .map(|(path, bytes)| (path, bytes.to_vec()))
            .collect();
    // With the catalog's static files, as they are.
    let statics: Vec<(String, Vec<u8>)> = loaded
        .static_files
        .read_all()
        .map(|read| read.map(|(file, bytes)| (file.site_path.clone(), bytes.to_vec())))
        .collect::<std::io::Result<_>>()
        .expect("static files read");
    rendered.extend(statics);
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("site");
    build_ok(catalog, &out);
    let built = site_files(&out);
    assert_same_tree(&rendered, &built, what);
    built.len()
}

/// `build` writes the big files as the errors render, while `serve` assembles them from
/// parts held in memory; both must give the same site.
#[test]
fn build_writes_exactly_the_site_that_is_rendered_in_memory() {
    for catalog in [SMALL, EXAMPLE] {
        assert_build_matches_memory(Path::new(catalog), catalog);
    }
}

/// [`build_writes_exactly_the_site_that_is_rendered_in_memory`] across several of the
/// streaming render's batches, with grouped and ungrouped errors interleaved so the
/// llms.txt order differs from the catalog order.
#[test]
fn a_catalog_of_many_batches_builds_the_same_as_in_memory() {
    let (_dir, catalog) = catalog_copy(SMALL);
    let template =
        std::fs::read_to_string(catalog.join("errors/api_key_invalid.yaml")).expect("read");
    for i in 0..700 {
        let group = ["group: auth", "group: payments", ""][i % 3];
        let text = template
            .replace("code: api_key_invalid", &format!("code: key_{i:03}"))
            .replace("group: auth", group)
            .replace(
                "Invalid API key provided",
                &format!("Invalid API key number {i}"),
            );
        std::fs::write(catalog.join(format!("errors/key_{i:03}.yaml")), text).expect("write");
    }
    let files = assert_build_matches_memory(&catalog, "704 errors");
    // Beside each error's page and Markdown, 16 catalog-wide files: the overview, 404,
    // llms.txt (twice), llms-full.txt, errors.json, its schema, the search index (as
    // JSON and as a script), the sitemap, robots.txt, .nojekyll, _headers and the three
    // theme assets.
    assert_eq!(files, 2 * 704 + 16, "every page and Markdown file");
}

#[test]
fn pages_of_a_deleted_error_disappear_on_rebuild() {
    let (dir, catalog) = catalog_copy(SMALL);
    let out = dir.path().join("site");
    build_ok(&catalog, &out);
    assert!(out.join("errors/api_key_invalid/index.html").is_file());
    assert!(out.join("errors/api_key_invalid.md").is_file());

    std::fs::remove_file(catalog.join("errors/api_key_invalid.yaml")).expect("delete");
    build_ok(&catalog, &out);
    let after = tree(&out);
    let stale: Vec<&String> = after
        .keys()
        .filter(|p| p.contains("api_key_invalid"))
        .collect();
    assert!(stale.is_empty(), "stale files: {stale:?}");
    for path in [
        "llms.txt",
        "llms-full.txt",
        "errors.json",
        "search-index.json",
        "search-index.js",
        "sitemap.xml",
        "index.html",
    ] {
        let text = String::from_utf8_lossy(&after[path]);
        assert!(
            !text.contains("api_key_invalid"),
            "{path} still lists the deleted error"
        );
    }
    // The same as a fresh build of the smaller catalog.
    let fresh = dir.path().join("fresh");
    build_ok(&catalog, &fresh);
    assert_same_tree(&tree(&fresh), &after, "a rebuild and a fresh build");
    assert_no_leftovers(dir.path());
}

#[test]
fn a_catalog_with_errors_writes_nothing() {
    let (dir, catalog) = catalog_copy(SMALL);
    std::fs::write(
        catalog.join("errors/broken.yaml"),
        "code: broken\ntitle: Broken\nstatus: 99\nsummary: Broken.\nretryable: maybe\n",
    )
    .expect("write");

    let fresh = dir.path().join("fresh");
    let run = build(&catalog, &fresh, &[], &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("broken.yaml"),
        "names the file: {}",
        run.stderr
    );
    assert!(
        !fresh.exists(),
        "a failed check created {}",
        fresh.display()
    );
    assert_no_leftovers(dir.path());

    // Over an existing site, the previous site stays as it was.
    let out = dir.path().join("site");
    std::fs::rename(
        catalog.join("errors/broken.yaml"),
        dir.path().join("broken.yaml"),
    )
    .expect("move aside");
    build_ok(&catalog, &out);
    let before = tree(&out);
    std::fs::rename(
        dir.path().join("broken.yaml"),
        catalog.join("errors/broken.yaml"),
    )
    .expect("move back");
    let run = build(&catalog, &out, &[], &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_same_tree(&before, &tree(&out), "the site after a failed check");
    assert_no_leftovers(dir.path());
}

/// A `#fragment` in errdex.yaml's texts, and `/#fragment` in any text, names a place on
/// the overview: every id the built page has is one, and any other is W016.
#[test]
fn links_to_the_overview_name_the_ids_the_built_page_has() {
    let check = |catalog: &Path| -> Vec<serde_json::Value> {
        let run = Command::new(env!("CARGO_BIN_EXE_errdex"))
            .args(["check", "--format", "json", "--catalog"])
            .arg(catalog)
            .output()
            .expect("errdex runs");
        serde_json::from_slice(&run.stdout).expect("a JSON array")
    };
    for source in [EXAMPLE, SMALL] {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("site");
        build_ok(Path::new(source), &out);
        let overview = std::fs::read_to_string(out.join("index.html")).expect("index.html");
        let ids: Vec<&str> = overview
            .split(" id=\"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .collect();
        assert!(ids.len() > 20, "{source}: {ids:?}");
        let (_copy, catalog) = catalog_copy(source);
        let config = catalog.join("errdex.yaml");
        let text = std::fs::read_to_string(&config).expect("errdex.yaml");
        let links: String = ids.iter().map(|id| format!("[{id}](#{id}) ")).collect();
        let broken = "[broken](#troubleshootin) [also](/#no-such-place)";
        let text = text.replacen("intro: |\n", &format!("intro: |\n  {links}{broken}\n\n"), 1);
        std::fs::write(&config, text).expect("write errdex.yaml");
        let found = check(&catalog);
        let w016: Vec<&serde_json::Value> = found.iter().filter(|d| d["code"] == "W016").collect();
        let messages: Vec<&str> = w016.iter().filter_map(|d| d["message"].as_str()).collect();
        assert_eq!(
            messages,
            [
                "link `#troubleshootin` names no id on the overview",
                "link `/#no-such-place` names no id on the overview",
            ],
            "{source}"
        );
        let help = w016[0]["help"].as_str().unwrap_or("");
        assert!(
            help.starts_with("did you mean `#troubleshooting`?"),
            "{help}"
        );

        // With an error file that does not parse, the overview's ids are not known (the
        // page lists every error): its links are not reported, rightly or wrongly.
        let first_error = std::fs::read_dir(catalog.join("errors"))
            .expect("errors folder")
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .find(|path| path.extension().is_some_and(|e| e == "yaml"))
            .expect("an error file");
        std::fs::write(&first_error, "code: [unclosed\n").expect("break a file");
        let found = check(&catalog);
        assert!(!found.is_empty(), "{source}: the broken file is reported");
        assert!(
            !found.iter().any(|d| d["message"]
                .as_str()
                .is_some_and(|m| m.contains("the overview"))),
            "{source}: {found:#?}"
        );
    }
}

/// The `--format` a build was asked for: each diagnostic of `run`, as `(code, file)`.
fn reported(run: &Run, format: &str) -> Vec<(String, String)> {
    match format {
        "json" => {
            let items: Vec<serde_json::Value> =
                serde_json::from_str(&run.stdout).expect("stdout is one JSON array");
            items
                .iter()
                .map(|d| {
                    (
                        d["code"].as_str().unwrap_or("").to_owned(),
                        d["file"].as_str().unwrap_or("").to_owned(),
                    )
                })
                .collect()
        }
        "github" => run
            .stdout
            .lines()
            .map(|line| {
                let property = |name: &str| {
                    line.split(&format!("{name}="))
                        .nth(1)
                        .and_then(|rest| rest.split([',', ':']).next())
                        .unwrap_or("")
                        .to_owned()
                };
                (property("title"), property("file"))
            })
            .collect(),
        other => panic!("no format {other}"),
    }
}

#[test]
fn build_prints_diagnostics_in_the_format_asked_for() {
    let (dir, catalog) = catalog_copy(SMALL);
    // Run from the catalog's parent, so paths print as `catalog/…`.
    // A warning (W004) in a catalog that builds.
    let long = "A summary that goes on. ".repeat(10);
    std::fs::write(
        catalog.join("errors/wordy.yaml"),
        format!("code: wordy\ntitle: Wordy\nstatus: 400\nsummary: {long}\nretryable: false\nagent:\n  action: fix_request\n  guidance: Shorten it.\n"),
    )
    .expect("write");
    for format in ["json", "github"] {
        let out = dir.path().join(format!("site-{format}"));
        let run = build_in(
            dir.path(),
            Path::new("catalog"),
            &out,
            &["--format", format],
            &[],
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert_eq!(
            reported(&run, format),
            [("W004".to_owned(), "catalog/errors/wordy.yaml".to_owned())],
            "{format}: {}",
            run.stdout
        );
        assert!(run.stderr.starts_with("Built 5 errors"), "{}", run.stderr);
        assert!(out.join("errors/wordy/index.html").is_file());
        // --strict fails on the warning and writes nothing, and still says why.
        let strict_out = dir.path().join(format!("strict-{format}"));
        let strict = build_in(
            dir.path(),
            Path::new("catalog"),
            &strict_out,
            &["--format", format, "--strict"],
            &[],
        );
        assert_eq!(strict.code, 1, "{}", strict.stderr);
        assert_eq!(reported(&strict, format), reported(&run, format));
        assert!(!strict_out.exists());
    }

    // A catalog with errors: annotations, exit 1, nothing written.
    std::fs::write(
        catalog.join("errors/broken.yaml"),
        "code: broken\ntitle: Broken\nstatus: 99\nsummary: Broken.\nretryable: false\nagent:\n  action: stop\n  guidance: Stop.\n",
    )
    .expect("write");
    let out = dir.path().join("broken-site");
    let run = build_in(
        dir.path(),
        Path::new("catalog"),
        &out,
        &["--format", "github"],
        &[],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("::error file=catalog/errors/broken.yaml,line=3,col=9"),
        "{}",
        run.stdout
    );
    assert!(!out.exists());
    // The human format stays on stderr, as before.
    let human = build_in(dir.path(), Path::new("catalog"), &out, &[], &[]);
    assert_eq!(human.code, 1);
    assert!(human.stdout.is_empty(), "{}", human.stdout);
    assert!(human.stderr.contains("error[E013]"), "{}", human.stderr);
}

/// W005 is measured on the llms.txt a build renders, so it comes after the catalog's
/// own diagnostics, in the same report, in every format.
#[test]
fn a_too_long_llms_txt_is_reported_with_the_other_diagnostics() {
    let (dir, catalog) = catalog_copy(SMALL);
    // Run from the catalog's parent, so paths print as `catalog/…`.
    let summary =
        "Explains at length what went wrong with this request, why, and what to try next. "
            .repeat(2);
    for n in 0..300 {
        std::fs::write(
            catalog.join(format!("errors/e{n:03}.yaml")),
            format!("code: e{n:03}\ntitle: Error number {n}\nstatus: 400\nsummary: {summary}\nretryable: false\nagent:\n  action: fix_request\n  guidance: Fix it.\n"),
        )
        .expect("write");
    }
    let out = dir.path().join("site");
    let run = build_in(
        dir.path(),
        Path::new("catalog"),
        &out,
        &["--format", "json"],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        reported(&run, "json"),
        [("W005".to_owned(), "catalog/errdex.yaml".to_owned())],
        "{}",
        run.stdout
    );
    let strict = build_in(
        dir.path(),
        Path::new("catalog"),
        &dir.path().join("strict"),
        &["--strict"],
        &[],
    );
    assert_eq!(strict.code, 1, "{}", strict.stderr);
    assert!(
        strict.stderr.contains("warning[W005]: llms.txt is "),
        "{}",
        strict.stderr
    );
    assert!(
        strict.stderr.contains("0 errors and 1 warning"),
        "{}",
        strict.stderr
    );
    assert!(!dir.path().join("strict").exists());
}

#[test]
fn the_home_folder_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let home = dir.path().join("home");
    std::fs::create_dir(&home).expect("mkdir");
    std::fs::write(home.join(".profile"), "mine").expect("write");
    let home_text = home.to_str().expect("UTF-8 path");
    let run = build(
        Path::new(SMALL),
        &home,
        &["--force"],
        &[("HOME", home_text)],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("home folder"), "{}", run.stderr);
    assert_eq!(names(&home), [".profile"]);
    assert_no_leftovers(dir.path());
}

#[test]
fn a_folder_holding_the_current_or_home_folder_is_refused_even_with_force() {
    // Regression: `--out /tmp/t --force` run from /tmp/t/proj deleted proj/.
    let dir = tempfile::tempdir().expect("temp dir");
    let project = dir.path().join("t/proj");
    std::fs::create_dir_all(&project).expect("mkdir");
    std::fs::write(project.join("file.txt"), "important").expect("write");
    let home = dir.path().join("h2/user");
    std::fs::create_dir_all(&home).expect("mkdir");
    std::fs::write(home.join(".profile"), "mine").expect("write");
    let home_text = home.to_str().expect("UTF-8 path");
    let before = tree(dir.path());

    let refused = |cwd: &Path, out: &Path, env: &[(&str, &str)], what: &str| {
        let run = build_in(cwd, Path::new(SMALL), out, &["--force"], env);
        assert_eq!(run.code, 2, "{what}: {}", run.stderr);
        assert!(run.stderr.contains("refusing"), "{what}: {}", run.stderr);
        assert!(run.stderr.contains(what), "{what}: {}", run.stderr);
        assert!(run.stderr.contains("--out"), "says how: {}", run.stderr);
        assert_same_tree(&before, &tree(dir.path()), what);
    };
    let here = [("HOME", "/nonexistent-home")];
    refused(&project, &dir.path().join("t"), &here, "the current folder");
    refused(&project, Path::new(".."), &here, "the current folder");
    refused(&project, Path::new("../.."), &here, "the current folder");
    let there = [("HOME", home_text)];
    refused(
        dir.path(),
        &dir.path().join("h2"),
        &there,
        "your home folder",
    );

    // A folder that does not exist yet holds nothing, and a sibling is fine.
    let run = build_in(
        &project,
        Path::new(SMALL),
        Path::new("../site"),
        &[],
        &there,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(dir.path().join("t/site/index.html").is_file());
}

#[cfg(unix)]
#[test]
fn a_base_url_in_other_letters_is_ascii_where_a_uri_is_wanted() {
    // The sitemap protocol wants its URLs escaped, crawlers read robots.txt as ASCII, and
    // errors.json's URLs are URIs (its schema says `format: uri`, and a JSON Schema `$id`
    // must be one); pages and llms.txt keep the address as the writer wrote it.
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("site");
    let base = "https://bücher.example/fehler";
    let run = build(Path::new(SMALL), &out, &["--base-url", base], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let read = |name: &str| std::fs::read_to_string(out.join(name)).expect(name);
    let ascii = "https://xn--bcher-kva.example/fehler";
    let sitemap = read("sitemap.xml");
    assert!(
        sitemap.contains(&format!("<loc>{ascii}/</loc>")),
        "{sitemap}"
    );
    assert!(
        sitemap.contains(&format!("<loc>{ascii}/errors/")),
        "{sitemap}"
    );
    assert!(sitemap.is_ascii(), "{sitemap}");
    assert!(read("robots.txt").contains(&format!("Sitemap: {ascii}/sitemap.xml\n")));
    assert!(read("llms.txt").contains(base));

    let json: serde_json::Value =
        serde_json::from_str(&read("errors.json")).expect("errors.json parses");
    assert_eq!(json["base_url"], ascii);
    assert_eq!(json["$schema"], format!("{ascii}/errors.schema.json"));
    let errors = json["errors"].as_array().expect("errors");
    assert!(!errors.is_empty());
    for error in errors {
        let code = error["code"].as_str().expect("code");
        assert_eq!(error["type"], format!("{ascii}/errors/{code}/"));
        assert_eq!(error["doc_url"], format!("{ascii}/errors/{code}/"));
        assert_eq!(error["markdown_url"], format!("{ascii}/errors/{code}.md"));
    }
    let schema: serde_json::Value =
        serde_json::from_str(&read("errors.schema.json")).expect("the schema parses");
    assert_eq!(schema["$id"], format!("{ascii}/errors.schema.json"));
}

#[test]
fn a_symlinked_out_folder_is_built_where_it_points_and_the_link_is_kept() {
    // Regression: the swap replaced the link `site -> realout` with a folder, so
    // realout (a web server's root, say) never saw another build.
    let dir = tempfile::tempdir().expect("temp dir");
    let real = dir.path().join("realout");
    std::fs::create_dir(&real).expect("mkdir");
    let link = dir.path().join("site");
    std::os::unix::fs::symlink("realout", &link).expect("symlink");
    let link_slash = dir.path().join("site/");
    let catalog = Path::new(SMALL);

    for (out, base) in [
        (&link, "https://one.test/docs"),
        (&link_slash, "https://two.test/docs"),
    ] {
        let run = build(catalog, out, &["--base-url", base], &[]);
        assert_eq!(run.code, 0, "{}: {}", out.display(), run.stderr);
        assert_eq!(
            std::fs::read_link(&link).expect("still a link"),
            Path::new("realout"),
            "{}",
            out.display()
        );
        let llms = std::fs::read_to_string(real.join("llms.txt")).expect("built into realout");
        assert!(llms.contains(base), "{}: {llms}", out.display());
        assert_eq!(names(dir.path()), ["realout", "site"]);
    }

    // A link to nowhere is refused, and left as it is.
    std::fs::remove_dir_all(&real).expect("remove realout");
    let run = build(catalog, &link, &[], &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("symbolic link"), "{}", run.stderr);
    assert!(run.stderr.contains("help:"), "{}", run.stderr);
    assert_eq!(names(dir.path()), ["site"]);
    assert!(std::fs::symlink_metadata(&link).expect("kept").is_symlink());
}

#[test]
fn a_previous_site_that_cannot_be_removed_is_a_warning_that_tells_the_truth() {
    // Regression: the swap succeeded, then removing the old site failed, and the build
    // said "the previous site ... is unchanged" although the new one was in place.
    if !has_test_hook("ERRDEX_TEST_FAIL_REMOVE_OLD") {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("site");
    build_ok(Path::new(SMALL), &out);
    let run = build(
        Path::new(SMALL),
        &out,
        &["--base-url", "https://elsewhere.test/docs"],
        &[("ERRDEX_TEST_FAIL_REMOVE_OLD", "1")],
    );
    assert_eq!(run.code, 0, "the new site is built: {}", run.stderr);
    assert!(!run.stderr.contains("is unchanged"), "{}", run.stderr);
    assert!(run.stderr.contains("warning:"), "{}", run.stderr);
    assert!(
        run.stderr.contains("new site is in place"),
        "{}",
        run.stderr
    );
    let llms = std::fs::read_to_string(out.join("llms.txt")).expect("llms.txt");
    assert!(llms.contains("https://elsewhere.test/docs"), "{llms}");
    let old: Vec<String> = names(dir.path())
        .into_iter()
        .filter(|n| n.starts_with(".site.errdex-old-"))
        .collect();
    assert_eq!(old.len(), 1, "{:?}", names(dir.path()));
    assert!(
        run.stderr.contains(&old[0]),
        "names where it is: {}",
        run.stderr
    );
    assert!(run.stderr.contains("help:"), "{}", run.stderr);

    // That build's process is gone, so the next build removes what it left.
    if cfg!(target_os = "linux") {
        build_ok(Path::new(SMALL), &out);
        assert_no_leftovers(dir.path());
    }
}

/// A process id that is surely not running: a child that has exited and been waited for.
#[cfg(unix)]
fn gone_pid() -> u32 {
    let mut child = Command::new("true").spawn().expect("spawn true");
    let pid = child.id();
    child.wait().expect("wait");
    pid
}

#[cfg(unix)]
#[test]
fn a_later_build_removes_what_a_killed_build_left_and_nothing_else() {
    // Regression: after `kill -9` mid-build, `.site.errdex-staging-<pid>` stayed forever.
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("site");
    build_ok(Path::new(SMALL), &out);
    let folder = |name: &str| {
        std::fs::create_dir_all(dir.path().join(name).join("errors")).expect("mkdir");
        std::fs::write(dir.path().join(name).join("errors/x.md"), name).expect("write");
        // What errdex writes first into a staging folder, and what a site holds.
        std::fs::write(dir.path().join(name).join(".errdex-output"), "errdex").expect("mark");
    };
    let (gone, gone_file, gone_link) = (gone_pid(), gone_pid(), gone_pid());
    let stale = [
        format!(".site.errdex-staging-{gone}"),
        format!(".site.errdex-old-{gone}"),
    ];
    let alive = std::process::id();
    let kept = [
        format!(".site.errdex-staging-{alive}"), // a build still running
        format!(".other.errdex-staging-{gone}"), // another output folder's
        format!(".site.errdex-staging-{gone}x"),
        format!(".site.errdex-staging-0{gone}"),
        format!("site.errdex-staging-{gone}"),
        "precious".to_owned(),
    ];
    for name in stale.iter().chain(&kept) {
        folder(name);
    }
    // A folder of someone's under a stale name, without errdex's marker: a catalog
    // named so is not removed, even with `--catalog` pointing at it.
    let unmarked = format!(".site.errdex-old-{}", gone_pid());
    std::fs::create_dir_all(dir.path().join(&unmarked).join("errors")).expect("mkdir");
    std::fs::write(dir.path().join(&unmarked).join("errdex.yaml"), "title: T").expect("write");
    // A file or a link under a stale name is not a folder errdex made.
    let file = format!(".site.errdex-old-{gone_file}");
    std::fs::write(dir.path().join(&file), "mine").expect("write");
    let outside_site = |tree: BTreeMap<String, Vec<u8>>| -> BTreeMap<String, Vec<u8>> {
        let ours = |path: &str| {
            let top = path.split('/').next().unwrap_or(path);
            top == "site" || stale.iter().any(|s| s == top)
        };
        tree.into_iter().filter(|(path, _)| !ours(path)).collect()
    };
    let kept_tree = outside_site(tree(dir.path()));
    // Made after the tree is read: `tree` would follow it.
    let link = format!(".site.errdex-staging-{gone_link}");
    std::os::unix::fs::symlink("precious", dir.path().join(&link)).expect("symlink");

    build_ok(Path::new(SMALL), &out);
    for name in &stale {
        assert!(!dir.path().join(name).exists(), "{name} is still there");
    }
    assert!(dir.path().join(&link).is_symlink(), "the link is kept");
    std::fs::remove_file(dir.path().join(&link)).expect("remove the link");
    let after = outside_site(tree(dir.path()));
    assert_same_tree(&kept_tree, &after, "what is not errdex's own leftover");
}

#[test]
fn an_out_folder_below_a_file_is_refused_naming_the_file() {
    // `--out` below a regular file: the system says only "File exists" or "Not a
    // directory", without which path; nor is there a previous site to be "unchanged".
    let (dir, catalog) = catalog_copy(SMALL);
    std::fs::write(dir.path().join("file"), "x").expect("a file");
    for out in ["file/site", "file/deeper/site"] {
        let run = build(&catalog, &dir.path().join(out), &[], &[]);
        assert_eq!(run.code, 2, "{}", run.stderr);
        let file = dir.path().join("file");
        assert!(
            run.stderr.contains(&format!(
                "`{}` is a file, and the site's folder would have to be inside it",
                file.display()
            )),
            "{}",
            run.stderr
        );
        assert!(!run.stderr.contains("previous site"), "{}", run.stderr);
        assert_eq!(std::fs::read_to_string(&file).expect("kept"), "x");
    }
}

/// A link to any page or file the build writes for readers passes `check`: the list of
/// files `check` knows (E042) cannot fall behind what `build` writes.
#[test]
fn every_file_the_site_serves_may_be_linked_to() {
    let (dir, catalog) = catalog_copy(SMALL);
    let out = dir.path().join("site");
    build_ok(&catalog, &out);
    // Host configuration, build bookkeeping, hashed assets and the scripts pages load are
    // not pages to link to; error pages are checked by code.
    let served: Vec<String> = tree(&out)
        .into_keys()
        .filter(|path| !path.ends_with('/'))
        .filter(|path| !path.starts_with("errors/") && !path.starts_with("assets/"))
        .filter(|path| !path.starts_with('_') && !path.starts_with(".errdex"))
        .filter(|path| path != ".nojekyll")
        .filter(|path| !path.ends_with(".js"))
        .collect();
    assert!(
        served.contains(&".well-known/llms.txt".to_owned()),
        "{served:?}"
    );
    let links: String = served
        .iter()
        .map(|path| format!("[{path}](/{path}) "))
        .collect();
    let config = catalog.join("errdex.yaml");
    let text = std::fs::read_to_string(&config).expect("read config");
    std::fs::write(&config, format!("{text}tips:\n  - \"{links}\"\n")).expect("write config");
    let run = build(&catalog, &out, &[], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("E042"), "{}", run.stderr);
}

/// `watch` writes only what a rebuild changed, into the site it wrote before; when that
/// folder is gone (deleted while `watch` runs), the next rebuild writes the whole site,
/// marker included, so a later `build` still takes it for errdex's own.
#[test]
fn watch_writes_the_whole_site_again_when_its_folder_was_deleted() {
    let (dir, catalog) = catalog_copy(concat!(env!("CARGO_MANIFEST_DIR"), "/catalog"));
    let out = dir.path().join("site");
    let mut child = Command::new(env!("CARGO_BIN_EXE_errdex"))
        .args(["watch", "--debounce", "20", "--catalog"])
        .arg(&catalog)
        .arg("--out")
        .arg(&out)
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("errdex watch starts");
    let wait_for = |what: &str, done: &dyn Fn() -> bool| {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while !done() {
            assert!(
                std::time::Instant::now() < deadline,
                "timed out waiting for {what}"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    };
    let marker = out.join(errdex::write::MARKER);
    wait_for("the first write", &|| marker.is_file());
    std::fs::remove_dir_all(&out).expect("delete the site");
    let file = catalog.join("errors/rate_limited.yaml");
    let yaml = std::fs::read_to_string(&file).expect("read");
    let edited = yaml.replacen("title: ", "title: Edited ", 1);
    std::fs::write(&file, &edited).expect("edit");
    let page = out.join("errors/rate_limited/index.html");
    wait_for("the edited page", &|| {
        std::fs::read_to_string(&page).is_ok_and(|html| html.contains("Edited "))
    });
    // Give the write its last files, then compare with a fresh build.
    wait_for("the overview", &|| {
        out.join("index.html").is_file() && marker.is_file()
    });
    std::thread::sleep(std::time::Duration::from_millis(300));
    let _ = child.kill();
    let _ = child.wait();
    let fresh = dir.path().join("fresh");
    build_ok(&catalog, &fresh);
    assert_same_tree(
        &tree(&fresh),
        &tree(&out),
        "the rewritten site and a fresh build",
    );
}
