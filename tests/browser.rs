//! The example site in a real browser: builds `catalog/` with the errdex binary, then runs
//! `node tests/browser/run.mjs <site> <artifacts>`, which serves the site on 127.0.0.1
//! under a `script-src 'self'` Content Security Policy and, in Debian's Chromium driven by
//! playwright-core, checks console errors and CSP violations on every page, internal links,
//! search by a pasted message and by code (served, and opened from disk through
//! `file://`), the example tabs, the layout at 375 px,
//! axe-core (light and dark) and the Nu HTML Checker (java). Screenshots and a JSON report go to
//! `target/browser-artifacts/`.
//!
//! `node tests/browser/live.mjs` runs `errdex serve` on a copy of `catalog/` and edits an
//! open error page's YAML: the page must reload by itself, show a half-typed save's
//! diagnostic in its overlay while the server keeps answering, and recover when the file
//! is fixed. Its screenshot goes to `target/browser-artifacts-live/`.
//!
//! Needs node, Chromium (`/usr/bin/chromium`, or `CHROMIUM_PATH`), java (or `JAVA`) and
//! `npm ci --prefix tests/browser`; `.ci/run` installs them. Where one is missing the test
//! prints `SKIPPED: <why>` and passes, except under `CI=true`, where it fails.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const MANIFEST_DIR: &str = env!("CARGO_MANIFEST_DIR");
const NODE_PACKAGES: [&str; 4] = ["playwright-core", "axe-core", "vnu-jar", "markdownlint"];
/// The node script stops itself after 120 s; this is the backstop.
const TIMEOUT: Duration = Duration::from_secs(180);

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}

/// Runs `program args…` and returns its combined output when it succeeds.
fn version_of(program: &str, args: &[&str]) -> Result<String, String> {
    let output = Command::new(program)
        .args(args)
        .output()
        .map_err(|e| format!("`{program}` cannot be run ({e})"))?;
    if !output.status.success() {
        return Err(format!("`{program} {}` failed", args.join(" ")));
    }
    let text = [output.stdout, output.stderr].concat();
    Ok(String::from_utf8_lossy(&text)
        .lines()
        .next()
        .unwrap_or("")
        .trim()
        .to_owned())
}

/// Everything the node script needs, or why it cannot run.
fn prerequisites(browser_dir: &Path) -> Result<Vec<String>, String> {
    let mut found = Vec::new();
    let node = version_of("node", &["--version"]).map_err(|e| format!("{e}: install Node.js"))?;
    let major: u32 = node
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    if major < 18 {
        return Err(format!(
            "node {node} is too old: the browser tests need 18 or later"
        ));
    }
    found.push(format!("node {node}"));
    let chromium = std::env::var("CHROMIUM_PATH").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !Path::new(&chromium).is_file() {
        return Err(format!(
            "no Chromium at {chromium}: `apt-get install chromium`, or set CHROMIUM_PATH"
        ));
    }
    found.push(format!("chromium {chromium}"));
    let java = std::env::var("JAVA").unwrap_or_else(|_| "java".into());
    let java_version = version_of(&java, &["-version"])
        .map_err(|e| format!("{e}: install a Java runtime (`apt-get install default-jre-headless`) for the Nu HTML Checker"))?;
    found.push(java_version);
    for package in NODE_PACKAGES {
        if !browser_dir
            .join("node_modules")
            .join(package)
            .join("package.json")
            .is_file()
        {
            return Err(format!(
                "{package} is not installed: run `npm ci --prefix tests/browser`"
            ));
        }
    }
    Ok(found)
}

/// `target/browser-artifacts`, beside the folder that holds the errdex binary's profile.
fn artifacts_dir() -> PathBuf {
    let exe = Path::new(env!("CARGO_BIN_EXE_errdex"));
    let target = exe
        .parent()
        .and_then(Path::parent)
        .unwrap_or_else(|| Path::new(MANIFEST_DIR));
    target.join("browser-artifacts")
}

fn build_example(out: &Path) {
    build(&Path::new(MANIFEST_DIR).join("catalog"), out);
}

fn build(catalog: &Path, out: &Path) {
    let output = Command::new(env!("CARGO_BIN_EXE_errdex"))
        .args(["build", "--catalog"])
        .arg(catalog)
        .arg("--out")
        .arg(out)
        .env("NO_COLOR", "1")
        .output()
        .expect("errdex runs");
    assert!(
        output.status.success(),
        "errdex build of {} failed:\n{}",
        catalog.display(),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Runs node on `script` in `browser_dir` with `args` and returns (success, combined
/// output); kills it after `TIMEOUT`.
fn run_script(browser_dir: &Path, script: &str, args: &[&Path], mode: &str) -> (bool, String) {
    let mut child = Command::new("node")
        .env("ERRDEX_BROWSER_MODE", mode)
        .arg(browser_dir.join(script))
        .args(args)
        .current_dir(browser_dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node starts");
    let mut stdout = child.stdout.take().expect("piped stdout");
    let mut stderr = child.stderr.take().expect("piped stderr");
    let out_reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    let err_reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for node") {
            break Some(status);
        }
        if started.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let mut output = out_reader.join().unwrap_or_default();
    let errors = err_reader.join().unwrap_or_default();
    if !errors.trim().is_empty() {
        output.push_str("\n--- stderr ---\n");
        output.push_str(&errors);
    }
    match status {
        Some(status) => (status.success(), output),
        None => {
            output.push_str(&format!(
                "\nkilled after {} s without finishing",
                TIMEOUT.as_secs()
            ));
            (false, output)
        }
    }
}

/// The tools the browser tests need; `None` (after saying why) to skip outside CI.
fn ready(browser_dir: &Path) -> Option<Vec<String>> {
    match prerequisites(browser_dir) {
        Ok(found) => Some(found),
        Err(why) if in_ci() => panic!(
            "the browser tests cannot run: {why}\n\
             CI=true, so this is a failure: .ci/run installs chromium, a Java runtime and \
             tests/browser/node_modules before `cargo test`"
        ),
        Err(why) => {
            // Straight to stderr: the test harness captures println!, and a skip should show.
            let _ = writeln!(std::io::stderr(), "SKIPPED: browser tests: {why}");
            None
        }
    }
}

#[test]
fn hostile_catalog_text_never_runs_in_the_browser() {
    let browser_dir = Path::new(MANIFEST_DIR).join("tests").join("browser");
    if ready(&browser_dir).is_none() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let site = dir.path().join("site");
    build(
        &Path::new(MANIFEST_DIR).join("tests/fixtures/render/hostile"),
        &site,
    );
    let artifacts = dir.path().join("artifacts");
    std::fs::create_dir_all(&artifacts).expect("artifacts dir");
    let (passed, output) = run_script(&browser_dir, "run.mjs", &[&site, &artifacts], "hostile");
    println!("{output}");
    assert!(passed, "a hostile page misbehaved in Chromium:\n{output}");
}

#[test]
fn example_site_passes_browser_accessibility_and_html_checks() {
    let browser_dir = Path::new(MANIFEST_DIR).join("tests").join("browser");
    let Some(found) = ready(&browser_dir) else {
        return;
    };
    println!("browser tests with {}", found.join(", "));

    let dir = tempfile::tempdir().expect("temp dir");
    let site = dir.path().join("site");
    build_example(&site);

    let artifacts = artifacts_dir();
    let _ = std::fs::remove_dir_all(&artifacts);
    std::fs::create_dir_all(&artifacts).expect("create target/browser-artifacts");

    let started = Instant::now();
    let (passed, output) = run_script(&browser_dir, "run.mjs", &[&site, &artifacts], "full");
    println!("{output}");
    println!(
        "node tests/browser/run.mjs took {:.1} s; artifacts in {}",
        started.elapsed().as_secs_f64(),
        artifacts.display()
    );
    assert!(
        passed,
        "browser checks failed (screenshots and report.json in {}):\n{output}",
        artifacts.display()
    );
}

/// The Markdown agents read (every `errors/<code>.md`, llms.txt, llms-full.txt) passes
/// markdownlint, with the few rules the format itself breaks turned off in
/// tests/browser/markdown.mjs, which says why for each. Run on the example catalog and
/// on the small render fixture, whose tables have a column only some messages fill.
#[test]
fn agent_markdown_passes_markdownlint() {
    let browser_dir = Path::new(MANIFEST_DIR).join("tests").join("browser");
    if ready(&browser_dir).is_none() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, catalog) in [
        ("example", Path::new(MANIFEST_DIR).join("catalog")),
        (
            "small",
            Path::new(MANIFEST_DIR).join("tests/fixtures/render/small"),
        ),
    ] {
        let site = dir.path().join(name);
        build(&catalog, &site);
        let (passed, output) = run_script(&browser_dir, "markdown.mjs", &[&site], "lint");
        println!("{output}");
        assert!(
            passed,
            "markdownlint found problems in the {name} site's Markdown:\n{output}"
        );
    }
}

#[test]
fn serve_reloads_the_open_page_and_shows_a_broken_save_in_it() {
    let browser_dir = Path::new(MANIFEST_DIR).join("tests").join("browser");
    if ready(&browser_dir).is_none() {
        return;
    }
    // Beside, not inside, `target/browser-artifacts`: the other test empties that folder
    // when it starts, and the two run at the same time.
    let artifacts = artifacts_dir().with_file_name("browser-artifacts-live");
    std::fs::create_dir_all(&artifacts).expect("create target/browser-artifacts-live");
    let binary = Path::new(env!("CARGO_BIN_EXE_errdex"));
    let catalog = Path::new(MANIFEST_DIR).join("catalog");
    let (passed, output) = run_script(
        &browser_dir,
        "live.mjs",
        &[binary, &catalog, &artifacts],
        "live",
    );
    println!("{output}");
    assert!(passed, "live reload misbehaved in Chromium:\n{output}");
}
