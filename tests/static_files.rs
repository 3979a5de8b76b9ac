//! The catalog's `static/` folder: its files are published as they are, links may lead
//! to them, and a file errdex cannot publish (at a path errdex writes, a link out of
//! the catalog, two names one case apart) is reported by `check` and stops `build`.

use std::path::{Path, PathBuf};
use std::process::Command;

const SMALL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/render/small");

struct Run {
    code: i32,
    stderr: String,
    stdout: String,
}

fn errdex(args: &[&str], catalog: &Path, out: Option<&Path>) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_errdex"));
    command
        .args(args)
        .arg("--catalog")
        .arg(catalog)
        .env("NO_COLOR", "1");
    if let Some(out) = out {
        command.arg("--out").arg(out);
    }
    let output = command.output().expect("errdex runs");
    let run = Run {
        code: output.status.code().unwrap_or(-1),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
    };
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    run
}

/// A copy of the small fixture catalog at `<tmp>/catalog`, with `files` (path under
/// the catalog, bytes) added.
fn catalog_with(files: &[(&str, &[u8])]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let catalog = dir.path().join("catalog");
    for entry in walkdir::WalkDir::new(SMALL) {
        let entry = entry.expect("walk");
        let target = catalog.join(entry.path().strip_prefix(SMALL).expect("inside"));
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
    for (path, bytes) in files {
        put(&catalog, path, bytes);
    }
    (dir, catalog)
}

fn put(catalog: &Path, path: &str, bytes: &[u8]) {
    let path = catalog.join(path);
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
    std::fs::write(path, bytes).expect("write");
}

/// The code, file (relative to the catalog) and message of each diagnostic
/// `check --format json` reports.
fn reported(catalog: &Path) -> Vec<(String, String, String)> {
    let run = errdex(&["check", "--format", "json"], catalog, None);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON output");
    let prefix = format!("{}/", catalog.display());
    json.as_array()
        .expect("a list")
        .iter()
        .map(|d| {
            let field = |name: &str| d[name].as_str().unwrap_or_default().to_owned();
            let file = field("file");
            let file = file.strip_prefix(&prefix).unwrap_or(&file).to_owned();
            (field("code"), file, field("message"))
        })
        .collect()
}

/// The code and file of each diagnostic [`reported`] returned.
fn codes_and_files(found: &[(String, String, String)]) -> Vec<(&str, &str)> {
    found
        .iter()
        .map(|(code, file, _)| (code.as_str(), file.as_str()))
        .collect()
}

#[test]
fn static_files_are_published_as_they_are_and_dot_files_left_out() {
    let png: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    let (dir, catalog) = catalog_with(&[
        ("static/CNAME", b"docs.example.com\n"),
        ("static/images/retry flow.png", png),
        (
            "static/.well-known/security.txt",
            b"Contact: mailto:security@example.com\n",
        ),
        ("static/.DS_Store", b"junk"),
        ("static/.git/HEAD", b"ref: refs/heads/main\n"),
        ("static/images/notes.txt~", b"backup"),
    ]);
    let run = errdex(&["check"], &catalog, None);
    assert_eq!(
        run.stderr,
        "Checked errdex.yaml, 4 error files and 3 static files: no errors or warnings\n",
        "the static files are counted, the left-out ones not"
    );
    let out = dir.path().join("site");
    let run = errdex(&["build"], &catalog, Some(&out));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        std::fs::read(out.join("CNAME")).expect("CNAME"),
        b"docs.example.com\n"
    );
    assert_eq!(
        std::fs::read(out.join("images/retry flow.png")).expect("image"),
        png
    );
    assert!(out.join(".well-known/security.txt").is_file());
    assert!(
        out.join(".well-known/llms.txt").is_file(),
        "errdex's own file in the same folder"
    );
    for left_out in [".DS_Store", ".git", "images/notes.txt~"] {
        assert!(!out.join(left_out).exists(), "{left_out} is not published");
    }

    // A rebuild keeps them; one deleted from `static/` leaves the site with it.
    std::fs::remove_file(catalog.join("static/CNAME")).expect("rm");
    let run = errdex(&["build"], &catalog, Some(&out));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!out.join("CNAME").exists());
    assert!(out.join("images/retry flow.png").is_file());
}

#[test]
fn markdown_may_link_to_a_static_file_and_the_page_links_it_relatively() {
    let (dir, catalog) = catalog_with(&[("static/images/retry flow.png", b"PNG")]);
    let source = catalog.join("errors/api_key_invalid.yaml");
    let text = std::fs::read_to_string(&source).expect("read");
    let edited = text.replacen(
        "summary: ",
        "description: \"![Retry flow](/images/retry%20flow.png)\"\nsummary: ",
        1,
    );
    assert_ne!(text, edited);
    std::fs::write(&source, &edited).expect("edit");
    assert_eq!(reported(&catalog), []);
    let out = dir.path().join("site");
    let run = errdex(&["build"], &catalog, Some(&out));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page =
        std::fs::read_to_string(out.join("errors/api_key_invalid/index.html")).expect("the page");
    assert!(
        page.contains(r#"<img src="../../images/retry%20flow.png" alt="Retry flow" />"#),
        "{page}"
    );

    // Without the file, the same link is broken.
    std::fs::remove_dir_all(catalog.join("static")).expect("rm");
    let found = reported(&catalog);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "E042");
}

#[test]
fn a_static_file_errdex_cannot_publish_is_reported_and_stops_the_build() {
    let (dir, catalog) = catalog_with(&[
        ("static/llms.txt", b"mine"),
        ("static/Index.html", b"<p>mine</p>"),
        ("static/errors/diagram.png", b"PNG"),
        ("static/assets/logo.svg", b"<svg/>"),
        ("static/images/Logo.png", b"1"),
        ("static/images/logo.png", b"2"),
        ("static/fine.txt", b"fine"),
    ]);
    let found = reported(&catalog);
    let summary = codes_and_files(&found);
    assert_eq!(
        summary,
        [
            ("E045", "static/Index.html"),
            ("E045", "static/assets/logo.svg"),
            ("E045", "static/errors/diagram.png"),
            ("E045", "static/images/logo.png"),
            ("E045", "static/llms.txt"),
        ]
    );
    assert_eq!(
        found[0].2,
        "errdex writes `index.html` itself: the overview"
    );
    assert_eq!(
        found[3].2,
        "this path differs only in case or accents from `static/images/Logo.png`"
    );
    let out = dir.path().join("site");
    let run = errdex(&["build"], &catalog, Some(&out));
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(!out.exists(), "nothing is written");
}

#[cfg(unix)]
#[test]
fn a_static_link_must_stay_inside_the_catalog() {
    let (dir, catalog) = catalog_with(&[("static/inside.txt", b"inside")]);
    let secret = dir.path().join("secret.txt");
    std::fs::write(&secret, "secret").expect("write");
    std::os::unix::fs::symlink(&secret, catalog.join("static/secret.txt")).expect("link");
    std::os::unix::fs::symlink(
        catalog.join("static/inside.txt"),
        catalog.join("static/alias.txt"),
    )
    .expect("link");
    // A folder inside the catalog: not followed, and said so.
    std::os::unix::fs::symlink(catalog.join("errors"), catalog.join("static/folder"))
        .expect("link");
    let found = reported(&catalog);
    let summary = codes_and_files(&found);
    assert_eq!(
        summary,
        [("E007", "static/folder"), ("E008", "static/secret.txt")]
    );

    std::fs::remove_file(catalog.join("static/secret.txt")).expect("rm");
    std::fs::remove_file(catalog.join("static/folder")).expect("rm");
    let out = dir.path().join("site");
    let run = errdex(&["build"], &catalog, Some(&out));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(out.join("alias.txt")).expect("published"),
        "inside"
    );
}

/// The names errdex keeps for itself cover every file it writes, so a static file can
/// never be silently replaced by one (or replace one).
#[test]
fn every_path_errdex_writes_is_reserved() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("site");
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("catalog");
    let run = errdex(&["build"], &example, Some(&out));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut checked = 0;
    for entry in walkdir::WalkDir::new(&out).min_depth(1) {
        let entry = entry.expect("walk");
        if entry.file_type().is_dir() {
            continue;
        }
        let path = entry
            .path()
            .strip_prefix(&out)
            .expect("inside")
            .to_string_lossy()
            .replace('\\', "/");
        // The example's own static files are its, not errdex's.
        if example.join("static").join(&path).is_file() {
            continue;
        }
        assert!(
            errdex::load::static_files::reserved(&path).is_some(),
            "{path} is written by errdex but not reserved"
        );
        checked += 1;
    }
    assert!(checked > 40, "{checked} files");
    assert!(errdex::load::static_files::reserved(errdex::serve::LIVE_RELOAD_SCRIPT).is_some());
}

/// `watch` and `serve` keep the static files in the site they hold: a change in
/// `static/` is a full rebuild (as the watcher classifies it), an edit of an error file
/// leaves them in place, and a link to a static file is broken or not as the folder is
/// now, although the session keeps each unchanged file's check results.
#[test]
fn a_session_publishes_static_files_and_sees_them_change() {
    use errdex::watch::classify::{Plan, classify};
    use errdex::watch::session::Session;
    let (_dir, catalog) = catalog_with(&[]);
    let source = catalog.join("errors/api_key_invalid.yaml");
    let text = std::fs::read_to_string(&source).expect("read");
    let linked = text.replacen(
        "summary: ",
        "description: See [the flow](/images/flow.svg).\nsummary: ",
        1,
    );
    std::fs::write(&source, &linked).expect("edit");
    let root = catalog.canonicalize().expect("canonical");
    let mut session = Session::open(&root, Default::default(), None).expect("open the session");
    let full = Plan {
        full: true,
        ..Plan::default()
    };
    let first = session.rebuild(&full).expect("first build");
    let codes: Vec<&str> = first.diagnostics.iter().map(|d| d.code.id()).collect();
    assert_eq!(codes, ["E042"]);

    // The file appears: the watcher asks for a full rebuild, the link is good.
    put(&root, "static/images/flow.svg", b"<svg/>");
    let mut plan = Plan::default();
    plan.add(classify(
        &root.join("static/images/flow.svg"),
        &root,
        &root.join("site"),
    ));
    assert!(plan.full);
    let rebuild = session.rebuild(&plan).expect("rebuild");
    assert!(rebuild.diagnostics.is_empty(), "{:?}", rebuild.diagnostics);
    assert_eq!(
        session.files().get("images/flow.svg").map(|b| b.to_vec()),
        Some(b"<svg/>".to_vec())
    );
    assert!(rebuild.changed.iter().any(|p| p == "images/flow.svg"));

    // An edit of an error file re-renders its pages; the static file stays.
    std::fs::write(&source, linked.replacen("title: ", "title: Edited ", 1)).expect("edit");
    let one_file = Plan {
        files: [source.canonicalize().expect("canonical")]
            .into_iter()
            .collect(),
        ..Plan::default()
    };
    let rebuild = session.rebuild(&one_file).expect("rebuild");
    assert!(rebuild.diagnostics.is_empty(), "{:?}", rebuild.diagnostics);
    assert!(!rebuild.changed.iter().any(|p| p == "images/flow.svg"));
    assert!(session.files().contains_key("images/flow.svg"));

    // Changed bytes are published.
    put(&root, "static/images/flow.svg", b"<svg></svg>");
    let rebuild = session.rebuild(&full).expect("rebuild");
    assert_eq!(rebuild.changed, ["images/flow.svg"]);

    // Deleted, the file breaks the link to it; without the link, it leaves the site.
    std::fs::remove_dir_all(root.join("static")).expect("rm");
    let rebuild = session.rebuild(&full).expect("rebuild");
    let codes: Vec<&str> = rebuild.diagnostics.iter().map(|d| d.code.id()).collect();
    assert_eq!(codes, ["E042"]);
    assert!(rebuild.broken);
    std::fs::write(&source, &text).expect("edit");
    let rebuild = session.rebuild(&full).expect("rebuild");
    assert!(!rebuild.broken, "{:?}", rebuild.diagnostics);
    assert!(rebuild.changed.iter().any(|p| p == "images/flow.svg"));
    assert!(!session.files().contains_key("images/flow.svg"));
}

/// The limits hold without reading a byte too many: a file past 25 MiB (sparse, so the
/// test writes nothing) and a folder past 10,000 files are reported, not published.
#[test]
fn static_files_past_the_limits_are_refused() {
    let (dir, catalog) = catalog_with(&[("static/small.txt", b"small")]);
    let big = std::fs::File::create(catalog.join("static/video.mp4")).expect("create");
    big.set_len(25 * 1024 * 1024 + 1).expect("grow");
    let found = reported(&catalog);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        (found[0].0.as_str(), found[0].1.as_str()),
        ("E006", "static/video.mp4")
    );
    assert!(
        found[0].2.contains("over the 25 MiB limit"),
        "{}",
        found[0].2
    );
    std::fs::remove_file(catalog.join("static/video.mp4")).expect("rm");

    let many = catalog.join("static/many");
    std::fs::create_dir_all(&many).expect("mkdir");
    for i in 0..10_000 {
        std::fs::write(many.join(format!("{i:05}.txt")), "").expect("write");
    }
    let found = reported(&catalog);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "E006");
    assert!(
        found[0].2.contains("more than 10,000 files"),
        "{}",
        found[0].2
    );
    let out = dir.path().join("site");
    let run = errdex(&["build"], &catalog, Some(&out));
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(!out.exists());
}

/// What a case-insensitive, accent-folding file system (macOS, Windows) would make one
/// path, folders included, and names Windows refuses, are reported; a folder named
/// like a file errdex writes is named as a folder.
#[test]
fn paths_one_on_macos_or_windows_and_names_windows_refuses_are_reported() {
    let (_dir, catalog) = catalog_with(&[
        ("static/Images/a.png", b"1"),
        ("static/images/b.png", b"2"),
        ("static/docs", b"3"),
        ("static/Docs/x.txt", b"4"),
        ("static/caf\u{e9}.txt", b"5"),
        ("static/cafe\u{301}.txt", b"6"),
        ("static/a:b.txt", b"7"),
        ("static/notes.", b"8"),
        ("static/robots.txt/x.txt", b"9"),
        ("static/docs2/.well-known/x.txt", b"10"),
        ("static/nul.txt", b"11"),
        ("static/\u{3c3}.txt", b"12"),
        ("static/\u{3c2}.txt", b"13"),
    ]);
    let found = reported(&catalog);
    let summary: Vec<(&str, &str, &str)> = found
        .iter()
        .map(|(code, file, message)| (code.as_str(), file.as_str(), message.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            (
                "E007",
                "static/a:b.txt",
                "this name cannot be published: `a:b.txt` holds `:`, which Windows does not allow in a file name"
            ),
            // The walk reads names in byte order: `e` and a combining accent before `é`,
            // `Docs/` before `docs`.
            (
                "E045",
                "static/caf\u{e9}.txt",
                "this path differs only in case or accents from `static/cafe\u{301}.txt`"
            ),
            (
                "E045",
                "static/docs",
                "this path differs only in case or accents from `static/Docs/`"
            ),
            (
                "E045",
                "static/images/b.png",
                "this path differs only in case or accents from `static/Images/`"
            ),
            (
                "E007",
                "static/notes.",
                "this name cannot be published: `notes.` ends in a dot or a space, which Windows drops"
            ),
            (
                "E007",
                "static/nul.txt",
                "this name cannot be published: `nul.txt` is the name of a device on Windows, which no file there may have"
            ),
            (
                "E045",
                "static/robots.txt/x.txt",
                "errdex writes `robots.txt` as a file (the crawler rules), so it cannot be a folder"
            ),
            // Final and medial sigma: one letter in upper case.
            (
                "E045",
                "static/\u{3c3}.txt",
                "this path differs only in case or accents from `static/\u{3c2}.txt`"
            ),
        ]
    );
}

/// `static` may be a link to a folder inside the catalog, and a `links:` URL to a static
/// file is checked like a Markdown link, and written with a space as `%20`.
#[cfg(unix)]
#[test]
fn static_may_be_a_link_and_links_lists_lead_to_its_files() {
    let (dir, catalog) = catalog_with(&[("public/guides/retry flow.pdf", b"%PDF")]);
    std::os::unix::fs::symlink("public", catalog.join("static")).expect("link");
    let source = catalog.join("errors/api_key_invalid.yaml");
    let text = std::fs::read_to_string(&source).expect("read");
    let with_links = |url: &str| format!("{text}links:\n  - title: Retry flow\n    url: {url}\n");
    std::fs::write(&source, with_links("/guides/retry%20flow.pdf")).expect("edit");
    assert_eq!(reported(&catalog), []);
    let out = dir.path().join("site");
    let run = errdex(&["build"], &catalog, Some(&out));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        std::fs::read(out.join("guides/retry flow.pdf")).expect("published"),
        b"%PDF"
    );

    // A space, as Markdown writes it, is `%20` in every output.
    std::fs::write(&source, with_links("/guides/retry flow.pdf")).expect("edit");
    assert_eq!(reported(&catalog), []);
    let run = errdex(&["build"], &catalog, Some(&out));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page =
        std::fs::read_to_string(out.join("errors/api_key_invalid/index.html")).expect("the page");
    assert!(
        page.contains("href=\"../../guides/retry%20flow.pdf\""),
        "{page}"
    );
    let json = std::fs::read_to_string(out.join("errors.json")).expect("errors.json");
    assert!(json.contains("/guides/retry%20flow.pdf\""), "{json}");
    assert!(!json.contains("retry flow.pdf"), "{json}");
    std::fs::write(&source, with_links("/guides/retry%20flaw.pdf")).expect("edit");
    let found = reported(&catalog);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "E042");
}
