//! Hostile catalogs: each gets a clear diagnostic and a prompt exit, never a panic, a
//! hang or a runaway allocation.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const CONFIG: &str =
    "title: Hostile\nsummary: Hostile inputs.\nbase_url: https://docs.hostile.test\n";

/// A generous bound: these finish in milliseconds; a regression to super-linear work or
/// a hang blows far past it. (Exact figures are measured in benches, not here.)
const BOUND: Duration = Duration::from_secs(10);

fn catalog_with(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("errdex.yaml"), CONFIG).expect("write config");
    std::fs::create_dir(dir.path().join("errors")).expect("errors dir");
    for (name, bytes) in files {
        std::fs::write(dir.path().join("errors").join(name), bytes).expect("write file");
    }
    dir
}

/// Runs `errdex check --format json` and returns (exit code, diagnostics).
fn check(catalog: &Path) -> (i32, Vec<serde_json::Value>) {
    let started = Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_errdex"))
        .args(["check", "--format", "json", "--catalog"])
        .arg(catalog)
        .output()
        .expect("errdex runs");
    assert!(started.elapsed() < BOUND, "took {:?}", started.elapsed());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let diagnostics = serde_json::from_slice(&output.stdout).unwrap_or_default();
    (output.status.code().unwrap_or(-1), diagnostics)
}

fn assert_reports(catalog: &Path, code: &str) -> serde_json::Value {
    let (exit, diagnostics) = check(catalog);
    assert_eq!(exit, 1, "{diagnostics:?}");
    diagnostics
        .into_iter()
        .find(|d| d["code"] == code)
        .unwrap_or_else(|| panic!("expected {code}"))
}

#[test]
fn billion_laughs_is_stopped_by_the_alias_budget() {
    let mut yaml = String::from(
        "a0: &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n",
    );
    for i in 1..10 {
        let prev = i - 1;
        yaml.push_str(&format!("a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"));
    }
    let dir = catalog_with(&[("lol.yaml", yaml.as_bytes())]);
    let (exit, diagnostics) = check(dir.path());
    assert_eq!(exit, 1);
    assert!(!diagnostics.is_empty());
}

#[test]
fn deep_nesting_is_refused_without_overflowing_the_stack() {
    let yaml = format!(
        "code: x\nendpoints: {}{}\n",
        "[".repeat(20_000),
        "]".repeat(20_000)
    );
    let dir = catalog_with(&[("x.yaml", yaml.as_bytes())]);
    assert_reports(dir.path(), "E006");
    let block = (0..5_000)
        .map(|i| format!("{}- \n", " ".repeat(i)))
        .collect::<String>();
    let dir = catalog_with(&[("y.yaml", block.as_bytes())]);
    let (exit, _) = check(dir.path());
    assert_eq!(exit, 1);
}

#[test]
fn a_huge_file_is_refused_unread() {
    let yaml = format!(
        "code: x\ndescription: \"{}\"\n",
        "a".repeat(5 * 1024 * 1024)
    );
    let dir = catalog_with(&[("x.yaml", yaml.as_bytes())]);
    let d = assert_reports(dir.path(), "E006");
    assert!(d["message"].as_str().unwrap_or("").contains("limit"), "{d}");
}

#[test]
fn invalid_utf8_is_reported_at_its_line() {
    let dir = catalog_with(&[("x.yaml", b"code: x\ntitle: caf\xe9\n")]);
    let d = assert_reports(dir.path(), "E007");
    assert_eq!(d["line"], 2);
}

#[cfg(unix)]
#[test]
fn a_symlink_out_of_the_catalog_is_refused() {
    let dir = catalog_with(&[]);
    std::os::unix::fs::symlink("/etc/passwd", dir.path().join("errors/passwd.yaml"))
        .expect("symlink");
    let d = assert_reports(dir.path(), "E008");
    assert!(
        d["message"]
            .as_str()
            .unwrap_or("")
            .contains("outside the catalog"),
        "{d}"
    );
}

#[cfg(unix)]
#[test]
fn symlink_loops_do_not_hang() {
    let dir = catalog_with(&[]);
    std::os::unix::fs::symlink(dir.path().join("errors"), dir.path().join("errors/loop"))
        .expect("symlink");
    std::os::unix::fs::symlink("a.yaml", dir.path().join("errors/b.yaml")).expect("symlink");
    std::os::unix::fs::symlink("b.yaml", dir.path().join("errors/a.yaml")).expect("symlink");
    let (exit, diagnostics) = check(dir.path());
    assert_eq!(exit, 1, "{diagnostics:?}");
}

#[test]
fn a_code_that_climbs_out_is_an_invalid_code() {
    let yaml = "code: ../../x\ntitle: X\nstatus: 400\nsummary: X.\nretryable: false\nagent:\n  action: stop\n  guidance: Stop.\n";
    let dir = catalog_with(&[("x.yaml", yaml.as_bytes())]);
    let d = assert_reports(dir.path(), "E010");
    assert_eq!(d["line"], 1);
}

#[test]
fn an_empty_catalog_is_valid_but_empty() {
    let dir = catalog_with(&[]);
    let (exit, diagnostics) = check(dir.path());
    assert_eq!(exit, 0, "{diagnostics:?}");
}
