//! More hostile catalogs (see also `hostile.rs`), each run as a child process under a
//! virtual-memory cap, timed, and measured:
//!
//! - the child runs as `bash -c 'ulimit -v 1000000; exec …'`, so a runaway allocation
//!   makes it fail (abort, not exit 1 or 2) instead of swapping the machine;
//! - when `/usr/bin/time` exists, the child's peak RSS (`%M`, in KiB) is read from it
//!   and must stay under [`MAX_RSS_KIB`]. The child's allocator (mimalloc) is told to
//!   return freed pages at once (`MIMALLOC_PURGE_DELAY=0`), so the peak is what errdex
//!   holds, not pages freed in the last milliseconds and not yet given back: with the
//!   default delay the 1 MB scalar's build peaked anywhere from 82 to 107 MiB from run
//!   to run of the same binary, while its live heap (massif, system allocator) peaks at
//!   16 MiB, and the same build with glibc's allocator at 36–45 MiB;
//! - wall time must stay under [`BOUND`] (they take milliseconds; the bound is generous
//!   so a loaded CI machine does not flake, while a hang or quadratic blow-up fails).
//!
//! Every case must end with a clear diagnostic and exit 1 (catalog problem) or 2 (not
//! a catalog / I/O), never a panic. Run with `--nocapture` to see each case's figures.
#![cfg(unix)]

use std::ffi::OsString;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// Wall-time bound for one run.
const BOUND: Duration = Duration::from_secs(10);

/// Peak-RSS bound for one run, in KiB (errdex checks a 1 MiB file in a few MB).
const MAX_RSS_KIB: u64 = 100 * 1024;

/// Virtual-memory cap for the child, in KiB (`ulimit -v`): address space, not RSS, so
/// it leaves room for thread stacks and allocator arenas.
const VM_CAP_KIB: u64 = 1_000_000;

const CONFIG: &str =
    "title: Hostile\nsummary: Hostile inputs.\nbase_url: https://docs.hostile.test\n";

/// A valid error file for `code`; `extra` is appended (more fields).
fn entry(code: &str, extra: &str) -> String {
    format!(
        "code: {code}\ntitle: T\nstatus: 400\nsummary: S.\nretryable: false\nagent:\n  action: stop\n  guidance: Stop.\n{extra}"
    )
}

fn catalog_with(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("errdex.yaml"), CONFIG).expect("write config");
    std::fs::create_dir(dir.path().join("errors")).expect("errors dir");
    for (name, bytes) in files {
        std::fs::write(dir.path().join("errors").join(name), bytes).expect("write file");
    }
    dir
}

/// [`catalog_with`] for files made at run time, as (name, YAML).
fn catalog_of(files: &[(String, String)]) -> tempfile::TempDir {
    let borrowed: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(name, yaml)| (name.as_str(), yaml.as_bytes()))
        .collect();
    catalog_with(&borrowed)
}

struct Run {
    exit: i32,
    stdout: String,
    stderr: String,
    elapsed: Duration,
    max_rss_kib: Option<u64>,
}

/// Runs errdex with `args` under the memory cap, measuring time and peak RSS.
fn run(case: &str, args: &[OsString]) -> Run {
    let time = Path::new("/usr/bin/time");
    // `timeout` turns a hang into a failure (exit 124) rather than a stalled test run.
    let limit = BOUND.as_secs() * 3;
    let script = if time.exists() {
        format!(
            "ulimit -v {VM_CAP_KIB}; exec timeout -k 5 {limit} /usr/bin/time -f 'errdex-max-rss-kib=%M' \"$@\""
        )
    } else {
        format!("ulimit -v {VM_CAP_KIB}; exec timeout -k 5 {limit} \"$@\"")
    };
    let started = Instant::now();
    let output = Command::new("bash")
        .arg("-c")
        .arg(script)
        .arg("bash")
        .arg(env!("CARGO_BIN_EXE_errdex"))
        .args(args)
        .env("MIMALLOC_PURGE_DELAY", "0")
        .output()
        .expect("bash runs errdex");
    let elapsed = started.elapsed();
    let mut stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let mut max_rss_kib = None;
    if let Some(at) = stderr.rfind("errdex-max-rss-kib=") {
        max_rss_kib = stderr[at + "errdex-max-rss-kib=".len()..]
            .trim()
            .parse()
            .ok();
        stderr.truncate(at);
    }
    let run = Run {
        exit: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr,
        elapsed,
        max_rss_kib,
    };
    eprintln!(
        "{case}: exit {}, {:.0} ms, peak RSS {}",
        run.exit,
        run.elapsed.as_secs_f64() * 1000.0,
        run.max_rss_kib
            .map_or("not measured".to_owned(), |k| format!("{k} KiB"))
    );
    assert!(!run.stderr.contains("panicked"), "{case}: {}", run.stderr);
    assert!(
        run.elapsed < BOUND,
        "{case}: took {:?} (bound {BOUND:?})",
        run.elapsed
    );
    if let Some(kib) = run.max_rss_kib {
        assert!(kib < MAX_RSS_KIB, "{case}: peak RSS {kib} KiB");
    }
    run
}

/// `errdex build` of `catalog` into `site/` in a fresh folder outside it, with `extra`
/// arguments: the run, and the site's path (valid while the returned folder lives).
fn build(
    case: &str,
    catalog: &Path,
    extra: &[&str],
) -> (Run, tempfile::TempDir, std::path::PathBuf) {
    let out = tempfile::tempdir().expect("out dir");
    let site = out.path().join("site");
    let mut args: Vec<OsString> = vec![
        "build".into(),
        "--catalog".into(),
        catalog.into(),
        "--out".into(),
        site.clone().into(),
    ];
    args.extend(extra.iter().map(OsString::from));
    (run(case, &args), out, site)
}

/// `errdex check --format json` on a catalog: (exit code, diagnostics).
fn check(case: &str, catalog: &Path) -> (i32, Vec<serde_json::Value>) {
    let args = ["check", "--format", "json", "--catalog"]
        .map(OsString::from)
        .into_iter()
        .chain([catalog.as_os_str().to_owned()])
        .collect::<Vec<_>>();
    let run = run(case, &args);
    let diagnostics = serde_json::from_str(&run.stdout).unwrap_or_default();
    (run.exit, diagnostics)
}

/// Asserts exit 1 and a diagnostic `code` with a message and a help line; returns it.
fn assert_reports(case: &str, catalog: &Path, code: &str) -> serde_json::Value {
    let (exit, diagnostics) = check(case, catalog);
    assert_eq!(exit, 1, "{case}: {diagnostics:#?}");
    let d = diagnostics
        .into_iter()
        .find(|d| d["code"] == code)
        .unwrap_or_else(|| panic!("{case}: expected {code}"));
    assert!(
        !d["message"].as_str().unwrap_or("").is_empty(),
        "{case}: {d}"
    );
    assert!(
        !d["help"].as_str().unwrap_or("").is_empty(),
        "{case}: no help: {d}"
    );
    d
}

fn at(d: &serde_json::Value) -> (u64, u64) {
    (
        d["line"].as_u64().unwrap_or(0),
        d["column"].as_u64().unwrap_or(0),
    )
}

// --- YAML resource attacks -------------------------------------------------------

#[test]
fn billion_laughs_is_refused_in_little_memory() {
    // The classic bomb: a `code:` that would expand to 10^9 scalars. The strict schema
    // refuses it before any expansion (nothing in an error file can hold it), and the
    // alias budget stands behind that.
    let mut yaml = String::from("code: x\n");
    let mut anchors = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 9].join(", ");
        anchors.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    yaml.push_str(&format!("response:\n  headers:\n{}", indent(&anchors, 4)));
    yaml.push_str("when: *a9\n");
    for (case, text) in [
        ("billion laughs", anchors.clone() + "code: *a9\n"),
        ("billion laughs in headers", yaml),
    ] {
        let dir = catalog_with(&[("lol.yaml", text.as_bytes())]);
        let (exit, diagnostics) = check(case, dir.path());
        assert_eq!(exit, 1, "{case}: {diagnostics:#?}");
        assert!(
            diagnostics
                .iter()
                .any(|d| matches!(d["code"].as_str(), Some("E001" | "E002" | "E003" | "E006"))),
            "{case}: {diagnostics:#?}"
        );
    }
}

#[test]
fn the_alias_and_anchor_budgets_hold() {
    let aliases = entry(
        "x",
        &format!("when: [&s lol, {}]\n", vec!["*s"; 1_001].join(", ")),
    );
    let dir = catalog_with(&[("x.yaml", aliases.as_bytes())]);
    let d = assert_reports("1,001 aliases", dir.path(), "E006");
    assert_eq!(d["line"], 9, "{d}");
    let anchors = entry(
        "x",
        &format!(
            "when: [{}]\n",
            (0..1_001)
                .map(|i| format!("&s{i} lol"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    );
    let dir = catalog_with(&[("x.yaml", anchors.as_bytes())]);
    assert_reports("1,001 anchors", dir.path(), "E006");
    // 1,000 aliases, each replaying a 200-item list, would be 200,000 events.
    let list = (0..200).map(|_| "lol").collect::<Vec<_>>().join(", ");
    let replay =
        format!("code: x\nwhen: &w [{list}]\nfix: *w\ngotchas: *w\nendpoints: *w\nrelated: *w\n");
    let dir = catalog_with(&[("x.yaml", replay.as_bytes())]);
    let (exit, diagnostics) = check("replayed list aliases", dir.path());
    assert_eq!(exit, 1, "{diagnostics:#?}");
}

fn indent(text: &str, by: usize) -> String {
    text.lines()
        .map(|l| format!("{}{l}\n", " ".repeat(by)))
        .collect()
}

#[test]
fn a_merge_key_bomb_stops_at_the_budget() {
    let mut yaml = String::from("a0: &a0 {k0: 1, k1: 2, k2: 3, k3: 4, k4: 5}\n");
    for i in 1..12 {
        let p = i - 1;
        yaml.push_str(&format!(
            "a{i}: &a{i}\n  <<: [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n  x{i}: 1\n"
        ));
    }
    let dir = catalog_with(&[("merge.yaml", yaml.as_bytes())]);
    let (exit, diagnostics) = check("merge-key bomb", dir.path());
    assert_eq!(exit, 1, "{diagnostics:#?}");
    assert!(!diagnostics.is_empty());
}

#[test]
fn alias_cycles_are_refused() {
    for (case, yaml) in [
        ("alias cycle in a sequence", "code: &a [*a]\n"),
        (
            "alias cycle in a mapping",
            "code: x\nagent: &a {action: *a}\n",
        ),
        ("alias to an undefined anchor", "code: *nowhere\n"),
    ] {
        let dir = catalog_with(&[("x.yaml", yaml.as_bytes())]);
        let (exit, diagnostics) = check(case, dir.path());
        assert_eq!(exit, 1, "{case}: {diagnostics:#?}");
        let d = diagnostics
            .iter()
            .find(|d| d["file"].as_str().unwrap_or("").ends_with("x.yaml"))
            .unwrap_or_else(|| panic!("{case}: no diagnostic for x.yaml"));
        assert!(
            matches!(d["code"].as_str(), Some("E001" | "E002" | "E006")),
            "{case}: {d}"
        );
    }
}

#[test]
fn nesting_20000_deep_is_refused_in_flow_and_block_style() {
    let n = 20_000;
    let flow_seq = format!("code: x\nendpoints: {}{}\n", "[".repeat(n), "]".repeat(n));
    let flow_map = format!("{}1{}\n", "{a: ".repeat(n), "}".repeat(n));
    let mixed = format!(
        "code: x\ncauses: {}1{}\n",
        "[{cause: ".repeat(n),
        "}]".repeat(n)
    );
    for (case, yaml) in [
        ("20,000-deep flow sequences", flow_seq),
        ("20,000-deep flow mappings", flow_map),
        ("20,000-deep flow sequences of mappings", mixed),
    ] {
        assert!(
            yaml.len() < 1024 * 1024,
            "{case} must be under the size limit"
        );
        let dir = catalog_with(&[("x.yaml", yaml.as_bytes())]);
        let d = assert_reports(case, dir.path(), "E006");
        assert!(
            d["help"].as_str().unwrap_or("").contains("nesting"),
            "{case}: {d}"
        );
    }
    // 20,000 compact block sequences (`- - - … x`, 40 KB on one line): the schema wants
    // a string at the second level, so this stops there, at the right place.
    let block_seq = format!("code: x\nendpoints:\n  {}x\n", "- ".repeat(n));
    let dir = catalog_with(&[("x.yaml", block_seq.as_bytes())]);
    let d = assert_reports("20,000-deep block sequences", dir.path(), "E002");
    assert_eq!(d["line"], 3, "{d}");
    assert_eq!(
        d["message"], "each item of `endpoints` must be text, not a list or mapping",
        "{d}"
    );
    // Indented block mappings, as deep as fits in the 1 MiB limit (~1,400 levels): the
    // unknown top-level key is reported first.
    let block_map: String = (0..1_400)
        .map(|i| format!("{}a:\n", " ".repeat(i)))
        .collect();
    let dir = catalog_with(&[("x.yaml", block_map.as_bytes())]);
    let d = assert_reports("1,400-deep block mappings", dir.path(), "E003");
    assert_eq!(at(&d), (1, 1), "{d}");
}

#[test]
fn a_10_mib_scalar_is_refused_without_being_read() {
    let yaml = format!(
        "code: x\ndescription: \"{}\"\n",
        "a".repeat(10 * 1024 * 1024)
    );
    let dir = catalog_with(&[("x.yaml", yaml.as_bytes())]);
    let d = assert_reports("10 MiB scalar", dir.path(), "E006");
    assert_eq!(at(&d), (1, 1));
    assert!(d["message"].as_str().unwrap_or("").contains("limit"), "{d}");
}

#[test]
fn a_scalar_just_under_the_size_limit_is_checked_and_built() {
    // ~1,000,000 characters of Markdown in one field: accepted, and fast to render.
    let long = "lorem ipsum *dolor* sit `amet` [x](https://a.example) ".repeat(18_000);
    let yaml = entry("x", &format!("description: \"{long}\"\n"));
    assert!(yaml.len() < 1024 * 1024);
    let dir = catalog_with(&[("x.yaml", yaml.as_bytes())]);
    let (exit, diagnostics) = check("1 MB Markdown scalar: check", dir.path());
    assert!(exit == 0 || exit == 1, "{diagnostics:#?}");
    let (built, _out, site) = build("1 MB Markdown scalar: build", dir.path(), &[]);
    assert_eq!(built.exit, 0, "{}", built.stderr);
    assert!(site.join("errors/x/index.html").is_file());
}

#[test]
fn pathological_markdown_just_under_the_limit_is_fast() {
    // Shapes that make naive Markdown parsers quadratic, each ~500 KB.
    for (case, field) in [
        ("500k open brackets", "[".repeat(500_000)),
        (
            "nested links",
            "[a ".repeat(60_000) + &"](/x)".repeat(60_000),
        ),
        ("emphasis runs", "*a **b ".repeat(70_000)),
        ("backtick runs", "`a ``b ```c ".repeat(40_000)),
        ("nested quotes", "> ".repeat(200_000) + "x"),
        ("unclosed angle brackets", "<a ".repeat(150_000)),
    ] {
        let yaml = entry(
            "x",
            &format!(
                "description: {}\n",
                serde_json::to_string(&field).expect("json string")
            ),
        );
        assert!(yaml.len() < 1024 * 1024, "{case}");
        let dir = catalog_with(&[("x.yaml", yaml.as_bytes())]);
        let (exit, diagnostics) = check(case, dir.path());
        assert!(exit == 0 || exit == 1, "{case}: {diagnostics:#?}");
    }
}

#[test]
fn a_text_of_many_links_is_built_and_explained_in_linear_time() {
    // The agent Markdown writes every site link absolute. Each was replaced in place,
    // which moved the rest of the text at every link: 140,000 links in one 1 MB text
    // passed `check` in 0.1 s and then kept `build` busy for minutes.
    for (case, link) in [
        ("site links", "[a](/) "),
        ("fragment links", "[a](#causes) "),
    ] {
        let links = 950_000 / link.len();
        let yaml = entry("x", &format!("description: |\n  {}\n", link.repeat(links)));
        assert!(yaml.len() < 1024 * 1024, "{case}");
        let dir = catalog_with(&[("x.yaml", yaml.as_bytes())]);
        let (built, _out, site) = build(case, dir.path(), &[]);
        assert_eq!(built.exit, 0, "{case}: {}", built.stderr);
        let markdown = std::fs::read_to_string(site.join("errors/x.md")).expect("x.md");
        assert!(
            markdown.matches("](https://docs.hostile.test/").count() >= links,
            "{case}: the links are not all absolute"
        );
        let args = ["explain", "x", "--catalog"]
            .map(OsString::from)
            .into_iter()
            .chain([dir.path().as_os_str().to_owned()])
            .collect::<Vec<_>>();
        let explained = run(case, &args);
        assert_eq!(explained.exit, 0, "{case}: {}", explained.stderr);
    }
}

#[test]
fn a_chain_of_every_error_replaced_by_the_next_is_checked_in_linear_time() {
    // Each error's `replaced_by` chain was walked from that error: one chain through
    // 20,000 errors took 26 s, and 100,000 would have taken minutes.
    let n = 20_000;
    let files: Vec<(String, String)> = (0..n)
        .map(|i| {
            let lifecycle = if i + 1 < n {
                format!("deprecated: Replaced.\nreplaced_by: e{}\n", i + 1)
            } else {
                String::new()
            };
            (format!("e{i}.yaml"), entry(&format!("e{i}"), &lifecycle))
        })
        .collect();
    let dir = catalog_of(&files);
    let args = ["check".into(), "--catalog".into(), dir.path().into()];
    let checked = run("chain", &args);
    assert_eq!(
        checked.exit,
        0,
        "{}",
        &checked.stderr[..checked.stderr.len().min(2_000)]
    );
    // Every error but the last two names one that is replaced in turn.
    assert_eq!(checked.stderr.matches("warning[W021]").count(), n - 2);
    assert!(
        checked
            .stderr
            .contains(&format!("write `replaced_by: e{}`", n - 1))
    );
}

#[test]
fn thousands_of_markdown_problems_in_one_text_are_counted_not_listed() {
    // A pasted HTML page: 60,000 tags, on one 300 KB line (a literal block) and on
    // 60,000 lines (a folded one). Listing each, with the line at fault laid out for
    // every one, took minutes; the first 20 are listed and the rest counted.
    let one_line = format!("description: |\n  {}\n", "<b>x ".repeat(60_000));
    let many_lines = format!("description: >\n{}", "  <b>x\n".repeat(60_000));
    for (case, extra) in [("one long line", one_line), ("many lines", many_lines)] {
        let yaml = entry("x", &extra);
        let dir = catalog_with(&[("x.yaml", yaml.as_bytes())]);
        let args = ["check".into(), "--catalog".into(), dir.path().into()];
        let human = run(case, &args);
        assert_eq!(human.exit, 1, "{case}: {}", human.stderr);
        assert_eq!(
            human.stderr.matches("error[E040]").count(),
            21,
            "{case}: {}",
            &human.stderr[..human.stderr.len().min(2_000)]
        );
        assert!(
            human
                .stderr
                .contains("error[E040]: 59980 more Markdown problems in this text, not listed"),
            "{case}"
        );
        assert!(
            human.stderr.len() < 100_000,
            "{case}: {} bytes",
            human.stderr.len()
        );
    }
}

#[test]
fn thousands_of_diagnostics_on_one_long_line_are_laid_out_quickly() {
    // 3,000 malformed templates in one flow sequence: 3,000 diagnostics on one 65 KB
    // line. Each showed the whole line (80 s for 5,000 before); now a window of it.
    let items = vec![r#"{message: "Bad {x"}"#; 3_000].join(", ");
    let yaml = entry("x", &format!("messages: [{items}]\n"));
    let dir = catalog_with(&[("x.yaml", yaml.as_bytes())]);
    let args = ["check".into(), "--catalog".into(), dir.path().into()];
    let human = run("3,000 diagnostics on one line", &args);
    assert_eq!(
        human.exit,
        1,
        "{}",
        &human.stderr[..human.stderr.len().min(2_000)]
    );
    assert_eq!(human.stderr.matches("error[E031]").count(), 3_000);
}

#[test]
fn messages_that_all_overlap_are_listed_a_few_at_a_time() {
    // A word that starts and ends with a placeholder can be every other such word, so
    // each of these messages fits every other code's of its shape: 400 files of two such
    // messages are 320,000 overlapping pairs, which took 2.4 GB as diagnostics at 1,000
    // files.
    let files: Vec<(String, String)> = (0..400)
        .map(|i| {
            let yaml = entry(
                &format!("e{i:03}"),
                &format!(
                    "messages:\n  - message: \"{{field}}#{i}#{{value}}\"\n  - message: \"Request {{id}}/{i}/{{system}} rejected\"\n"
                ),
            );
            (format!("e{i:03}.yaml"), yaml)
        })
        .collect();
    let dir = catalog_of(&files);
    let (exit, diagnostics) = check("400 files of overlapping messages", dir.path());
    assert_eq!(exit, 1);
    let mut per_message: std::collections::BTreeMap<(String, u64), usize> = Default::default();
    for d in &diagnostics {
        assert_eq!(d["code"], "E030", "{d}");
        let file = d["file"].as_str().unwrap_or("").to_owned();
        *per_message
            .entry((file, d["line"].as_u64().unwrap_or(0)))
            .or_default() += 1;
    }
    // Every message is reported, none more than five times.
    assert_eq!(per_message.len(), 800);
    assert!(
        per_message.values().all(|&n| (1..=5).contains(&n)),
        "{per_message:?}"
    );
}

#[test]
fn files_of_many_overlapping_messages_are_listed_a_hundred_at_a_time() {
    // Each message of these files fits every message of the others, and each reached
    // its cap of five: eight such files of 30,000 messages were 460,000 diagnostics and
    // 1.5 GB. Four files of 2,500 keep the test quick; each lists at most 100. (Of
    // 5,000, they took 1.2 s in a release build and 11.5 s in CI's debug build, over the
    // 10 s bound: the comparison stops at its step budget, which a debug build spends
    // ten times slower.)
    let files: Vec<(String, String)> = (0..4)
        .map(|f| {
            let messages: String = (0..2_500)
                .map(|i| format!("  - message: \"{{a}}{f}_{i}{{b}}\"\n"))
                .collect();
            (
                format!("ov{f}.yaml"),
                entry(&format!("ov{f}"), &format!("messages:\n{messages}")),
            )
        })
        .collect();
    let dir = catalog_of(&files);
    let (exit, diagnostics) = check("4 files of 2,500 overlapping messages", dir.path());
    assert_eq!(exit, 1);
    let mut per_file: std::collections::BTreeMap<String, usize> = Default::default();
    for d in &diagnostics {
        assert_eq!(d["code"], "E030", "{d}");
        *per_file
            .entry(d["file"].as_str().unwrap_or("").to_owned())
            .or_default() += 1;
    }
    assert_eq!(per_file.len(), 4, "{per_file:?}");
    assert!(per_file.values().all(|&n| n <= 101), "{per_file:?}");
    let last_listed = diagnostics
        .iter()
        .filter(|d| {
            d["help"].as_str().is_some_and(|h| {
                h.ends_with("at most 100 overlaps are listed per file, and this file may have more")
            })
        })
        .count();
    assert_eq!(last_listed, 4, "each file says it may have more");
}

#[test]
fn messages_full_of_template_openers_are_checked_in_linear_time() {
    // W026 looks for `{{name}}` and `%(name)s`: a message of 200,000 `{{` (or `%(`)
    // with nothing closing them once took 15 s, each opener scanning the rest of the
    // message for its close. And one of 130,000 `{a:` once took 112 s: each `{a:`
    // (an object written out, not a malformed placeholder) asked whether a placeholder
    // follows by splitting the whole rest of the message.
    for (case, opener, times) in [
        ("200,000 `{{`", "{{", 200_000),
        ("200,000 `%(`", "%(", 200_000),
        ("130,000 `{a:`", "{a:", 130_000),
    ] {
        let message = opener.repeat(times);
        let dir = catalog_of(&[(
            "a.yaml".to_owned(),
            entry("a", &format!("messages:\n  - message: \"{message}\"\n")),
        )]);
        let (exit, diagnostics) = check(case, dir.path());
        assert_eq!(exit, 0, "{case}: {diagnostics:#?}");
    }
}

#[test]
fn one_hundred_thousand_keys_stop_at_the_node_budget() {
    // `k00000: 0` … : 100,000 keys in ~1 MB, over the 100,000-node budget.
    let yaml: String = (0..100_000).map(|i| format!("{i:05x}: 0\n")).collect();
    assert!(yaml.len() < 1024 * 1024);
    let dir = catalog_with(&[("x.yaml", yaml.as_bytes())]);
    let (exit, diagnostics) = check("100,000 keys", dir.path());
    assert_eq!(exit, 1, "{diagnostics:#?}");
    assert!(
        diagnostics
            .iter()
            .any(|d| matches!(d["code"].as_str(), Some("E003" | "E006"))),
        "{diagnostics:#?}"
    );
    // The same keys in a flow mapping.
    let flow = format!(
        "{{{}}}\n",
        (0..100_000)
            .map(|i| format!("{i:x}: 0"))
            .collect::<Vec<_>>()
            .join(",")
    );
    let dir = catalog_with(&[("x.yaml", flow.as_bytes())]);
    let (exit, diagnostics) = check("100,000 keys, flow style", dir.path());
    assert_eq!(exit, 1, "{diagnostics:#?}");
}

#[test]
fn a_file_past_the_node_budget_is_told_so_in_words() {
    // The parser's own text is Rust's (`budget breached: Nodes { nodes: 100001 }`).
    let items: String = (0..100_001).map(|_| "- a\n").collect();
    let yaml = entry("x", &format!("endpoints:\n{items}"));
    let dir = catalog_with(&[("x.yaml", yaml.as_bytes())]);
    let d = assert_reports("100,001 endpoints", dir.path(), "E006");
    let message = d["message"].as_str().unwrap_or("");
    assert_eq!(
        message, "the file holds more than 100,000 values, keys and list items",
        "{d}"
    );
}

#[test]
fn a_file_with_more_aliases_than_its_anchors_allow_is_told_so_in_words() {
    // From 100 aliases on, the parser allows 10 per anchor: 101 aliases of one anchor were
    // "past a size limit", with a help that named 1,000 aliases as the limit.
    let yaml = entry(
        "x",
        &format!("when: [&s a, {}]\n", vec!["*s"; 101].join(", ")),
    );
    let dir = catalog_with(&[("x.yaml", yaml.as_bytes())]);
    let d = assert_reports("101 aliases of one anchor", dir.path(), "E006");
    assert_eq!(
        d["message"],
        "the file uses 101 aliases (`*name`) of 1 anchor (`&name`): from 100 aliases on, at most 10 per anchor",
        "{d}"
    );
    let help = d["help"].as_str().unwrap_or("");
    assert!(help.contains("at most 10 aliases per anchor"), "{d}");
}

#[test]
fn a_key_repeated_at_the_end_of_a_big_file_names_the_first() {
    // 90,000 list items, past the 20,000 nodes the key walk reads: the parser's
    // "duplicate key `title`" named no line. The first is found by reading as far as
    // the repeated key, keeping no tree.
    let items: String = (0..90_000).map(|_| "- a\n").collect();
    let yaml = entry("x", &format!("endpoints:\n{items}title: Again\n"));
    let dir = catalog_with(&[("x.yaml", yaml.as_bytes())]);
    let d = assert_reports("a repeated key after 90,000 items", dir.path(), "E004");
    assert_eq!(
        d["message"], "duplicate key `title`: line 2 has it too",
        "{d}"
    );
    assert_eq!(at(&d), (90_010, 1), "{d}");
}

#[test]
fn a_tab_in_the_indentation_is_reported_at_the_tab() {
    // The scanner said "found a tab" at the value of the line before.
    for (case, yaml, line) in [
        (
            "tab before a key",
            "code: x\ntitle: T\nstatus: 400\nsummary: ok\n\tretryable: false\nagent:\n  action: stop\n  guidance: Stop.\n",
            5,
        ),
        (
            "tab before a list item",
            "code: x\ntitle: T\nstatus: 400\nsummary: ok\nwhen:\n  - a\n\t- b\nretryable: false\nagent:\n  action: stop\n  guidance: Stop.\n",
            7,
        ),
    ] {
        let dir = catalog_with(&[("x.yaml", yaml.as_bytes())]);
        let d = assert_reports(case, dir.path(), "E001");
        assert_eq!(at(&d), (line, 1), "{case}: {d}");
        assert_eq!(
            d["message"], "this line is indented with a tab",
            "{case}: {d}"
        );
        assert!(
            d["help"].as_str().unwrap_or("").contains("spaces"),
            "{case}: {d}"
        );
    }
}

#[test]
fn a_text_of_invisible_characters_only_is_empty() {
    // A zero-width space passed as a title, a summary and the agent's guidance: the
    // page showed nothing where the reader looks first.
    let x = "code: x\ntitle: \"\\u200B\"\nstatus: 400\nsummary: \"\\u2060 \"\nretryable: false\nagent:\n  action: stop\n  guidance: \"\\u200B\\u200D\"\n";
    let dir = catalog_with(&[("x.yaml", x.as_bytes())]);
    let (exit, diagnostics) = check("invisible texts", dir.path());
    assert_eq!(exit, 1, "{diagnostics:#?}");
    let found: Vec<(String, String)> = diagnostics
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or("").to_owned(),
                d["message"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    let expected = [
        (
            "E019",
            "`title` holds only characters that show as nothing (`\\u{200b}`)",
        ),
        (
            "E019",
            "`summary` holds only characters that show as nothing (`\\u{2060}`)",
        ),
        (
            "W003",
            "`agent.guidance` holds only characters that show as nothing (`\\u{200b}\\u{200d}`)",
        ),
    ];
    assert_eq!(
        found,
        expected.map(|(c, m)| (c.to_owned(), m.to_owned())),
        "{diagnostics:#?}"
    );
}

#[test]
fn a_long_message_is_quoted_in_part() {
    // E030 and E025 quoted whole messages: a 20,000-character one filled the terminal.
    let long = "x".repeat(20_000);
    let a = entry("a", &format!("messages:\n  - message: \"{{id}} {long}\"\n"));
    let b = entry("b", &format!("messages:\n  - message: \"{{id}} {long}\"\n"));
    let dir = catalog_with(&[("a.yaml", a.as_bytes()), ("b.yaml", b.as_bytes())]);
    let d = assert_reports("two long messages", dir.path(), "E030");
    let message = d["message"].as_str().unwrap_or("");
    assert!(message.len() < 400, "{} characters", message.len());
    assert!(message.contains("xxx…"), "{message}");
}

// --- Encodings and line endings ----------------------------------------------------

#[test]
fn crlf_line_endings_keep_line_numbers() {
    let yaml = "code: x\r\ntitle: T\r\nstatus: 400\r\nsummary: S.\r\nbogus: 1\r\nretryable: false\r\nagent:\r\n  action: stop\r\n  guidance: Stop.\r\n";
    let dir = catalog_with(&[("x.yaml", yaml.as_bytes())]);
    let d = assert_reports("CRLF", dir.path(), "E003");
    assert_eq!(at(&d), (5, 1), "{d}");
}

#[test]
fn mixed_line_endings_keep_line_numbers() {
    // LF, CRLF and a lone CR (old Mac OS), which YAML also counts as a line break.
    let yaml = "code: x\ntitle: T\r\nstatus: 400\rsummary: S.\r\nretryable: false\nbogus: 1\nagent:\n  action: stop\n  guidance: Stop.\n";
    let dir = catalog_with(&[("x.yaml", yaml.as_bytes())]);
    let d = assert_reports("mixed line endings", dir.path(), "E003");
    assert_eq!(at(&d), (6, 1), "{d}");
    let cr_only = entry("x", "bogus: 1\n").replace('\n', "\r");
    let dir = catalog_with(&[("x.yaml", cr_only.as_bytes())]);
    let d = assert_reports("CR-only line endings", dir.path(), "E003");
    assert_eq!(at(&d), (9, 1), "{d}");
}

#[test]
fn lone_cr_line_endings_show_the_right_line_in_the_human_report() {
    // Regression: a lone `\r` is a YAML line break, but positions were counted on `\n`
    // only, so a CR-only file reported every problem at line 1 and showed the whole file
    // as one line.
    let cr_only = entry("x", "bogus: 1\n").replace('\n', "\r");
    let dir = catalog_with(&[("x.yaml", cr_only.as_bytes())]);
    let args: Vec<OsString> = vec!["check".into(), "--catalog".into(), dir.path().into()];
    let run = run("CR-only line endings, human report", &args);
    assert_eq!(run.exit, 1);
    let report = run.stdout + &run.stderr;
    assert!(report.contains("x.yaml:9:1: error[E003]"), "{report}");
    assert!(report.contains("9 | bogus: 1\n"), "{report}");
}

#[test]
fn a_byte_order_mark_does_not_shift_positions() {
    let yaml = format!("\u{feff}{}", entry("x", "bogus: 1\n"));
    let dir = catalog_with(&[("x.yaml", yaml.as_bytes())]);
    let d = assert_reports("UTF-8 BOM", dir.path(), "E003");
    assert_eq!(at(&d), (9, 1), "{d}");
    // A BOM on the config too: the catalog is still clean.
    let dir = catalog_with(&[("x.yaml", format!("\u{feff}{}", entry("x", "")).as_bytes())]);
    std::fs::write(dir.path().join("errdex.yaml"), format!("\u{feff}{CONFIG}")).expect("config");
    let (exit, diagnostics) = check("UTF-8 BOM on every file", dir.path());
    assert_eq!(exit, 0, "{diagnostics:#?}");
}

#[test]
fn a_file_saved_as_utf16_by_windows_powershell_is_read_as_its_text() {
    // PowerShell 5's `>` writes UTF-16LE with a byte order mark; YAML 1.2 allows it.
    let utf16 = |text: &str| -> Vec<u8> {
        "\u{feff}"
            .encode_utf16()
            .chain(text.encode_utf16())
            .flat_map(u16::to_le_bytes)
            .collect()
    };
    let dir = catalog_with(&[("x.yaml", &utf16(&entry("x", "")))]);
    let (exit, diagnostics) = check("UTF-16 error file", dir.path());
    assert_eq!(exit, 0, "{diagnostics:#?}");
    // A mistake in it is found at its line, as in UTF-8.
    let dir = catalog_with(&[("x.yaml", &utf16(&entry("x", "bogus: 1\n")))]);
    let d = assert_reports("UTF-16 with a mistake", dir.path(), "E003");
    assert_eq!(at(&d), (9, 1), "{d}");
}

#[test]
fn a_wrong_base_url_does_not_hide_the_bodies_other_mistakes() {
    // Only the docs URL needs base_url; a body's status is checked without it.
    let config = format!(
        "{}envelopes:\n  - id: e\n    title: E\n    example: '{{\"status\": 400, \"url\": \"https://x.test/errors/x/\"}}'\n    pointers:\n      status: /status\n      docs_url: /url\n",
        CONFIG.replace("https://docs.hostile.test", "docs.hostile.test")
    );
    let x = entry(
        "x",
        "response:\n  body: '{\"status\": 403, \"url\": \"https://elsewhere.test/\"}'\n",
    );
    let dir = catalog_with(&[("x.yaml", x.as_bytes())]);
    std::fs::write(dir.path().join("errdex.yaml"), config).expect("config");
    let (exit, diagnostics) = check("wrong base_url and a wrong status", dir.path());
    assert_eq!(exit, 1, "{diagnostics:#?}");
    let codes: Vec<&str> = diagnostics
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert!(codes.contains(&"E018"), "{codes:?}");
    assert!(codes.contains(&"E023"), "{codes:?}");
    // The docs URL has no page URL to be compared with.
    assert!(!codes.contains(&"E024"), "{codes:?}");
}

#[test]
fn a_template_beside_the_errors_is_told_how_to_stay_out() {
    let x = entry("x", "");
    let dir = catalog_with(&[("x.yaml", x.as_bytes()), ("_template.yaml", x.as_bytes())]);
    // A copy of `x.yaml` keeps its code: E012 names `x.yaml` (and stands for E011).
    let d = assert_reports("a template named _template.yaml", dir.path(), "E012");
    let help = d["help"].as_str().unwrap_or_default();
    assert!(help.contains("`.template.yaml`"), "{help}");
    // Named so, it is left out, and the catalog is clean.
    std::fs::rename(
        dir.path().join("errors/_template.yaml"),
        dir.path().join("errors/.template.yaml"),
    )
    .expect("rename");
    let (exit, diagnostics) = check("a template named .template.yaml", dir.path());
    assert_eq!(exit, 0, "{diagnostics:#?}");
}

#[test]
fn a_code_windows_gives_no_file_is_a_warning() {
    // Made at run time: a fixture named `con.yaml` would not check out on Windows.
    for (code, says) in [
        ("con", "is the name of a device on Windows"),
        ("com1.v2", "is the name of a device on Windows"),
        ("v2.", "ends in `.`"),
    ] {
        let dir = catalog_of(&[(format!("{code}.yaml"), entry(code, ""))]);
        let (exit, diagnostics) = check(code, dir.path());
        assert_eq!(exit, 0, "{code}: a warning only: {diagnostics:#?}");
        let d = diagnostics
            .iter()
            .find(|d| d["code"] == "W022")
            .unwrap_or_else(|| panic!("{code}: no W022 in {diagnostics:#?}"));
        assert!(d["message"].as_str().unwrap_or("").contains(says), "{d}");
    }
    // Names that only start like a device are names.
    let dir = catalog_of(&[("console.yaml".to_owned(), entry("console", ""))]);
    let (exit, diagnostics) = check("console", dir.path());
    assert_eq!((exit, diagnostics.len()), (0, 0), "{diagnostics:#?}");
}

#[test]
fn tab_indentation_is_reported_at_its_line() {
    let yaml = "code: x\ntitle: T\nstatus: 400\nsummary: S.\nretryable: false\nagent:\n\taction: stop\n\tguidance: Stop.\n";
    let dir = catalog_with(&[("x.yaml", yaml.as_bytes())]);
    let (exit, diagnostics) = check("tab indentation", dir.path());
    assert_eq!(exit, 1, "{diagnostics:#?}");
    let d = &diagnostics[0];
    assert!(
        (6..=7).contains(&d["line"].as_u64().unwrap_or(0)),
        "tab on line 7 reported at {d}"
    );
    // Tabs inside values and as separation after a key are fine.
    let ok = entry("x", "description: \"a\\tb\tc\"\n");
    let dir = catalog_with(&[("x.yaml", ok.as_bytes())]);
    let (exit, diagnostics) = check("tabs inside values", dir.path());
    assert_eq!(exit, 0, "{diagnostics:#?}");
}

#[test]
fn invalid_utf8_anywhere_is_reported_at_its_position() {
    for (case, bytes, line) in [
        (
            "invalid UTF-8 on line 3",
            b"code: x\ntitle: T\nsummary: caf\xe9\n".to_vec(),
            3,
        ),
        (
            "truncated UTF-8 at the end",
            b"code: x\ntitle: \xe2\x82".to_vec(),
            2,
        ),
        // UTF-16 is read (see `a_file_saved_as_utf16_…`); a lone surrogate is not text.
        (
            "UTF-16 file with a lone surrogate on line 2",
            b"\xff\xfec\0:\0 \0x\0\n\0t\0\x00\xd8".to_vec(),
            2,
        ),
    ] {
        let dir = catalog_with(&[("x.yaml", &bytes)]);
        let d = assert_reports(case, dir.path(), "E007");
        assert_eq!(d["line"], line, "{case}: {d}");
    }
}

#[test]
fn control_characters_written_as_escapes_are_refused() {
    // YAML refuses them raw, but double-quoted escapes write them; none may reach a page,
    // the Markdown or a terminal. A lone `\r` breaks a one-line field like `\n`.
    let x = entry(
        "x",
        "when:\n  - \"red \\e[31m text\"\ndescription: \"bell \\a\"\n",
    )
    .replace("title: T", "title: \"one\\rtwo\"");
    let config = format!("{CONFIG}intro: \"null \\0 here\"\n");
    let dir = catalog_with(&[("x.yaml", x.as_bytes())]);
    std::fs::write(dir.path().join("errdex.yaml"), config).expect("config");
    let (exit, diagnostics) = check("control characters", dir.path());
    assert_eq!(exit, 1, "{diagnostics:#?}");
    let found = file_line_code(&diagnostics);
    for expected in [
        ("x.yaml", 2, "E019"),
        ("x.yaml", 10, "E002"),
        ("x.yaml", 11, "E002"),
        ("errdex.yaml", 4, "E002"),
    ] {
        let expected = (expected.0.to_owned(), expected.1, expected.2.to_owned());
        assert!(found.contains(&expected), "{expected:?} in {found:?}");
    }
    assert_eq!(found.len(), 4, "{diagnostics:#?}");
    let escape = diagnostics
        .iter()
        .find(|d| d["line"] == 10)
        .map(|d| d["message"].to_string())
        .unwrap_or_default();
    assert!(
        escape.contains("U+001B (escape) at character 5"),
        "{escape}"
    );
}

#[test]
fn a_link_behind_a_space_or_an_invisible_character_is_reported() {
    // `&#32;https://…` passed check as an external link, and the page wrote it as
    // `%20https://…`, a relative link that leads nowhere.
    let x = entry(
        "x",
        "gotchas:\n  - \"See [a](&#32;https://x.example/b/) and [b](&#13;/errors/x/).\"\n",
    );
    let dir = catalog_with(&[("x.yaml", x.as_bytes())]);
    let (exit, diagnostics) = check("unusable links", dir.path());
    assert_eq!(exit, 1, "{diagnostics:#?}");
    let messages: Vec<String> = diagnostics
        .iter()
        .map(|d| format!("{} {}", d["code"], d["message"]))
        .collect();
    assert_eq!(messages.len(), 2, "{messages:#?}");
    assert!(messages[0].contains("E042") && messages[0].contains("starts with a space"));
    assert!(messages[1].contains("E042") && messages[1].contains("U+000D"));
}

#[test]
fn a_control_character_in_a_code_group_or_envelope_id_is_reported_once() {
    // E010 refuses any character of a code, group or envelope id outside `[a-z0-9_.-]`
    // and names it; E002's control-character check reported the same character again.
    let x = entry("x", "").replace("code: x", "code: \"x\\ax\"");
    let config = format!(
        "{CONFIG}groups:\n  - id: \"g\\ag\"\n    title: G\nenvelopes:\n  - id: \"e\\ae\"\n    title: E\n    example: '{{}}'\n"
    );
    let dir = catalog_with(&[("x.yaml", x.as_bytes())]);
    std::fs::write(dir.path().join("errdex.yaml"), config).expect("config");
    let (exit, diagnostics) = check("control character in ids", dir.path());
    assert_eq!(exit, 1, "{diagnostics:#?}");
    let found = file_line_code(&diagnostics);
    let codes: Vec<&str> = found.iter().map(|(_, _, code)| code.as_str()).collect();
    assert_eq!(codes, ["E010", "E010", "E010"], "{diagnostics:#?}");
}

#[test]
fn an_envelope_id_follows_the_rule_of_group_ids() {
    // It becomes the page's `#envelope-<id>` anchor: a space made an invalid HTML id and
    // a link that led nowhere.
    let config =
        format!("{CONFIG}envelopes:\n  - id: std ard\n    title: Standard\n    example: '{{}}'\n");
    let dir = catalog_with(&[("x.yaml", entry("x", "").as_bytes())]);
    std::fs::write(dir.path().join("errdex.yaml"), config).expect("config");
    let d = assert_reports("envelope id with a space", dir.path(), "E010");
    assert!(
        d["message"]
            .as_str()
            .unwrap_or("")
            .contains("envelope id `std ard`"),
        "{d}"
    );
}

#[test]
fn a_control_character_in_a_reference_or_a_header_name_is_reported_once() {
    // A group, related code, replaced_by, envelope or retry_after.header that holds a
    // control character is refused by the check of what it names (E014, E016, E015,
    // and E002's "not a header name"), which shows the character; E002's
    // control-character check reported it a second time.
    let y = entry("y", "");
    let x = entry(
        "x",
        "group: \"g\\x01\"\nrelated: [\"y\\x85y\"]\nreplaced_by: \"y\\x01\"\nresponse:\n  envelope: \"e\\x01\"\n  body: '{}'\nretry_after:\n  header: \"Retry\\x85After\"\n",
    )
    // Retryable, for its `retry_after`, and so told to retry later (W024 otherwise).
    .replace("retryable: false", "retryable: true")
    .replace("action: stop", "action: retry_later");
    let dir = catalog_with(&[("x.yaml", x.as_bytes()), ("y.yaml", y.as_bytes())]);
    let (exit, diagnostics) = check("control character in references", dir.path());
    assert_eq!(exit, 1, "{diagnostics:#?}");
    let mut codes: Vec<(u64, String)> = file_line_code(&diagnostics)
        .into_iter()
        .map(|(_, line, code)| (line, code))
        .collect();
    codes.sort();
    let expected: Vec<(u64, String)> = [
        (9, "E014"),
        (10, "E016"),
        (11, "E016"),
        (13, "E015"),
        (16, "E002"),
    ]
    .into_iter()
    .map(|(line, code)| (line, code.to_owned()))
    .collect();
    assert_eq!(codes, expected, "{diagnostics:#?}");
}

#[test]
fn a_control_character_that_breaks_the_line_of_a_one_line_field_is_reported_once() {
    // Vertical tab, form feed and next line (U+0085) are control characters (E002) and
    // line breaks (E019). In a one-line field the mistake is a second line: E019 alone,
    // naming the character. Elsewhere (a description) they are E002, as before.
    for (escape, named) in [
        ("\\N", "a next line (U+0085)"),
        ("\\u0085", "a next line (U+0085)"),
        ("\\v", "a vertical tab (U+000B)"),
        ("\\f", "a form feed (U+000C)"),
    ] {
        let config = format!(
            "title: \"Hostile{escape}API\"\nsummary: \"Hostile{escape}inputs.\"\nbase_url: https://docs.hostile.test\ngroups:\n  - id: g\n    title: \"G{escape}G\"\nenvelopes:\n  - id: std\n    title: \"S{escape}S\"\n    example: '{{\"code\": \"x\"}}'\n    pointers:\n      code: /code\nlinks:\n  - title: \"L{escape}L\"\n    url: https://example.com/\n"
        );
        let x = entry(
            "x",
            &format!(
                "messages:\n  - message: \"M{escape}M\"\nexamples:\n  - title: \"E{escape}E\"\n    lang: \"s{escape}h\"\n    code: curl x\nlinks:\n  - title: \"L{escape}L\"\n    url: https://example.com/\nresponse:\n  body: '{{\"code\": \"x\"}}'\n  headers:\n    X-Note: \"a{escape}b\"\ndescription: \"d{escape}d\"\n"
            ),
        )
        .replace("title: T", &format!("title: \"T{escape}T\""))
        .replace("summary: S.", &format!("summary: \"S{escape}S.\""));
        let dir = catalog_with(&[("x.yaml", x.as_bytes())]);
        std::fs::write(dir.path().join("errdex.yaml"), config).expect("config");
        let (exit, diagnostics) = check(escape, dir.path());
        assert_eq!(exit, 1, "{diagnostics:#?}");
        let found = file_line_code(&diagnostics);
        let expected: Vec<(String, u64, String)> = [
            ("errdex.yaml", 1, "E019"),
            ("errdex.yaml", 2, "E019"),
            ("errdex.yaml", 6, "E019"),
            ("errdex.yaml", 9, "E019"),
            ("errdex.yaml", 14, "E019"),
            ("x.yaml", 2, "E019"),
            ("x.yaml", 4, "E019"),
            ("x.yaml", 10, "E019"),
            ("x.yaml", 12, "E019"),
            ("x.yaml", 13, "E019"),
            ("x.yaml", 16, "E019"),
            ("x.yaml", 21, "E019"),
            ("x.yaml", 22, "E002"),
        ]
        .iter()
        .map(|&(file, line, code)| (file.to_owned(), line, code.to_owned()))
        .collect();
        assert_eq!(found, expected, "{escape}: {diagnostics:#?}");
        for d in diagnostics.iter().filter(|d| d["code"] == "E019") {
            let message = d["message"].as_str().unwrap_or("");
            assert!(message.contains(named), "{escape}: {message}");
        }
    }
}

#[test]
fn an_unsafe_link_is_quoted_with_what_cannot_be_seen_made_visible() {
    // A byte-order mark or a zero-width space, which the browser skips, showed as
    // nothing in the message: `javascript:` looked like an allowed link.
    let extra = "description: \"[a](\\uFEFFjavascript:alert(1)) and [b](java\\u200Bscript:x)\"\nlinks:\n  - title: L\n    url: \"\\u200Bjavascript:alert(1)\"\n";
    let dir = catalog_with(&[("x.yaml", entry("x", extra).as_bytes())]);
    let (exit, diagnostics) = check("invisible characters in links", dir.path());
    assert_eq!(exit, 1, "{diagnostics:#?}");
    let messages: Vec<&str> = diagnostics
        .iter()
        .filter(|d| d["code"] == "E041")
        .filter_map(|d| d["message"].as_str())
        .collect();
    assert_eq!(messages.len(), 3, "{diagnostics:#?}");
    assert!(
        messages
            .iter()
            .any(|m| m.contains("`\\u{feff}javascript:alert(1)`")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("`java\\u{200b}script:x`")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .all(|m| !m.contains(['\u{feff}', '\u{200b}'])),
        "{messages:?}"
    );
}

#[test]
fn a_listed_link_without_a_scheme_is_refused() {
    // `//host/x` is a link off the site; written as a site path it would read
    // `https://docs.hostile.test//evil.example` in llms.txt and `./evil.example` in HTML.
    let links = "links:\n  - title: A\n    url: //evil.example\n  - title: B\n    url: /\\evil.example/y\n  - title: C\n    url: /errors/x/\n";
    let dir = catalog_with(&[("x.yaml", entry("x", links).as_bytes())]);
    let (exit, diagnostics) = check("links without a scheme", dir.path());
    assert_eq!(exit, 1, "{diagnostics:#?}");
    let lines: Vec<u64> = diagnostics
        .iter()
        .filter(|d| d["code"] == "E042")
        .map(|d| d["line"].as_u64().unwrap_or(0))
        .collect();
    assert_eq!(lines, [11, 13], "{diagnostics:#?}");
}

#[test]
fn an_upper_case_extension_is_loaded_and_reported_not_skipped() {
    // Left out silently, `X.YAML` would be an error missing from the site.
    let dir = catalog_with(&[("x.YAML", entry("x", "").as_bytes())]);
    let d = assert_reports("upper-case extension", dir.path(), "E011");
    assert!(d["help"].as_str().unwrap_or("").contains("`x.yaml`"), "{d}");
}

#[test]
fn an_invalid_code_is_not_compared_with_the_body() {
    // E010 says what is wrong with the code; E022/E024 would ask to write the invalid
    // code into the body as well.
    let dir = catalog_with(&[(
        "Not_Found.yaml",
        entry(
            "Not_Found",
            "response:\n  envelope: std\n  body: '{\"code\": \"Not_Found\", \"docs_url\": \"x\"}'\n",
        )
        .as_bytes(),
    )]);
    let config = format!(
        "{CONFIG}envelopes:\n  - id: std\n    title: Standard\n    example: '{{\"code\": \"a\", \"docs_url\": \"b\"}}'\n    pointers:\n      code: /code\n      docs_url: /docs_url\n"
    );
    std::fs::write(dir.path().join("errdex.yaml"), config).expect("config");
    let (exit, diagnostics) = check("invalid code and a body", dir.path());
    assert_eq!(exit, 1, "{diagnostics:#?}");
    let codes: Vec<&str> = diagnostics
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert_eq!(codes, ["E010"], "{diagnostics:#?}");
}

#[test]
fn nul_bytes_are_refused() {
    for (case, bytes) in [
        ("NUL in a plain scalar", b"code: x\0y\n".to_vec()),
        ("NUL in a quoted scalar", b"code: \"x\0y\"\n".to_vec()),
        ("NUL file", vec![0u8; 4096]),
    ] {
        let dir = catalog_with(&[("x.yaml", &bytes)]);
        let (exit, diagnostics) = check(case, dir.path());
        assert_eq!(exit, 1, "{case}: {diagnostics:#?}");
        assert!(!diagnostics.is_empty(), "{case}");
    }
}

// --- Codes that try to name other paths --------------------------------------------

#[test]
fn codes_that_name_paths_or_look_alike_are_invalid() {
    for (case, code) in [
        ("code with ..", "../../etc/passwd"),
        ("code with /", "a/b"),
        ("code with a backslash", "'a\\b'"),
        ("code with a drive", "'C:'"),
        ("drive-relative code", "'c:x'"),
        ("code with NUL", "\"a\\0b\""),
        ("code with a leading /", "/etc/passwd"),
        ("Cyrillic look-alike", "r\u{430}te_limited"),
        ("fullwidth look-alike", "\u{ff52}ate_limited"),
        ("only dots", "'..'"),
        ("upper case", "Rate_Limited"),
        ("65 characters", &"a".repeat(65)),
    ] {
        let yaml = entry(code, "");
        let dir = catalog_with(&[("x.yaml", yaml.as_bytes())]);
        let d = assert_reports(case, dir.path(), "E010");
        assert_eq!(d["line"], 1, "{case}: {d}");
    }
}

#[test]
fn a_look_alike_file_name_is_a_stem_mismatch_not_a_second_code() {
    let dir = catalog_with(&[
        ("rate_limited.yaml", entry("rate_limited", "").as_bytes()),
        (
            "r\u{430}te_limited.yaml",
            entry("rate_limited", "").as_bytes(),
        ),
    ]);
    let (exit, diagnostics) = check("look-alike file name", dir.path());
    assert_eq!(exit, 1, "{diagnostics:#?}");
    assert!(
        diagnostics
            .iter()
            .any(|d| matches!(d["code"].as_str(), Some("E011" | "E012"))),
        "{diagnostics:#?}"
    );
}

// --- The file system ---------------------------------------------------------------

#[test]
fn symlinks_leading_outside_are_refused() {
    let outside = tempfile::tempdir().expect("outside");
    std::fs::write(outside.path().join("x.yaml"), entry("x", "")).expect("outside file");
    // A file link, a link to a folder named like a file, and the config itself.
    let dir = catalog_with(&[]);
    let errors = dir.path().join("errors");
    std::os::unix::fs::symlink(outside.path().join("x.yaml"), errors.join("x.yaml"))
        .expect("symlink");
    std::os::unix::fs::symlink(outside.path(), errors.join("dir.yaml")).expect("symlink");
    let d = assert_reports("symlinks outside", dir.path(), "E008");
    assert!(
        d["message"].as_str().unwrap_or("").contains("outside"),
        "{d}"
    );

    let dir = catalog_with(&[]);
    std::fs::remove_file(dir.path().join("errdex.yaml")).expect("rm config");
    std::fs::write(outside.path().join("errdex.yaml"), CONFIG).expect("outside config");
    std::os::unix::fs::symlink(
        outside.path().join("errdex.yaml"),
        dir.path().join("errdex.yaml"),
    )
    .expect("symlink");
    assert_reports("config symlinked outside", dir.path(), "E008");

    // `errors/` itself a link to a folder outside.
    let dir = catalog_with(&[]);
    std::fs::remove_dir(dir.path().join("errors")).expect("rm errors");
    std::os::unix::fs::symlink(outside.path(), dir.path().join("errors")).expect("symlink");
    assert_reports("errors/ symlinked outside", dir.path(), "E008");
}

#[test]
fn a_theme_file_linked_out_of_the_catalog_is_refused() {
    // A theme file is published: a stylesheet linked to a secret would put the secret
    // on the site. Both a linked file and a linked `templates/` folder are refused.
    let outside = tempfile::tempdir().expect("outside");
    std::fs::write(outside.path().join("style.css"), "SECRET-OUTSIDE").expect("secret");
    for linked in ["templates/style.css", "templates"] {
        let dir = catalog_with(&[("x.yaml", entry("x", "").as_bytes())]);
        let target = outside.path().join(
            linked
                .trim_start_matches("templates")
                .trim_start_matches('/'),
        );
        if linked.contains('/') {
            std::fs::create_dir(dir.path().join("templates")).expect("templates");
        }
        std::os::unix::fs::symlink(&target, dir.path().join(linked)).expect("symlink");
        let (built, _out, site) = build(&format!("{linked} linked outside"), dir.path(), &[]);
        assert_eq!(built.exit, 2, "{linked}: {}", built.stderr);
        assert!(
            built.stderr.contains("templates/style.css")
                && built.stderr.contains("outside the catalog"),
            "{linked}: {}",
            built.stderr
        );
        assert!(built.stderr.contains("help:"), "{}", built.stderr);
        assert!(!site.exists(), "{linked}: nothing is written");
    }
}

#[test]
fn a_named_pipe_is_reported_instead_of_waited_on() {
    // Opening a named pipe for reading waits for a writer; a loader that did so would
    // hang `check`, `build` and `serve` on a pipe left in the catalog.
    let dir = catalog_with(&[]);
    for pipe in ["errors/pipe.yaml", "errdex.yaml"] {
        let path = dir.path().join(pipe);
        let _ = std::fs::remove_file(&path);
        let made = Command::new("mkfifo")
            .arg(&path)
            .status()
            .expect("mkfifo runs");
        assert!(made.success(), "mkfifo {pipe}");
    }
    let (exit, diagnostics) = check("named pipes", dir.path());
    assert_eq!(exit, 1, "{diagnostics:#?}");
    for pipe in ["errors/pipe.yaml", "errdex.yaml"] {
        let d = diagnostics
            .iter()
            .find(|d| d["file"].as_str().unwrap_or("").ends_with(pipe))
            .unwrap_or_else(|| panic!("{pipe} is reported: {diagnostics:#?}"));
        assert_eq!(d["code"], "E007", "{d}");
        assert!(
            d["message"]
                .as_str()
                .unwrap_or("")
                .contains("not a regular file"),
            "{d}"
        );
        // errdex.yaml must end in `.yaml`: the help for it is to replace it.
        let help = d["help"].as_str().unwrap_or("");
        assert_eq!(help.contains("rename it"), pipe != "errdex.yaml", "{d}");
    }
}

#[cfg(unix)]
#[test]
fn an_errdex_yaml_link_to_nothing_is_unreadable_not_missing() {
    // A link that leads nowhere or in a circle was "not an errdex catalog: it has no
    // errdex.yaml", though the file is right there.
    for (case, target) in [("dangling", "nowhere.yaml"), ("circle", "errdex.yaml")] {
        let dir = catalog_with(&[("x.yaml", entry("x", "").as_bytes())]);
        let config = dir.path().join("errdex.yaml");
        std::fs::remove_file(&config).expect("remove the config");
        std::os::unix::fs::symlink(target, &config).expect("symlink");
        let d = assert_reports(case, dir.path(), "E007");
        assert!(
            d["message"]
                .as_str()
                .unwrap_or("")
                .starts_with("cannot read file"),
            "{case}: {d}"
        );
        assert!(
            d["help"].as_str().unwrap_or("").contains("symbolic link"),
            "{case}: {d}"
        );
    }
}

#[test]
fn an_errdex_yaml_that_is_a_folder_is_called_a_folder() {
    // It was "not a regular file (a named pipe, socket or device)", with the help to
    // rename it so it would not end in `.yaml`, which errdex.yaml must.
    let dir = catalog_with(&[("x.yaml", entry("x", "").as_bytes())]);
    let config = dir.path().join("errdex.yaml");
    std::fs::remove_file(&config).expect("remove the config");
    std::fs::create_dir(&config).expect("a folder in its place");
    let d = assert_reports("errdex.yaml folder", dir.path(), "E007");
    assert_eq!(d["message"], "this is a folder, not a file", "{d}");
    assert!(
        d["help"].as_str().unwrap_or("").contains("errdex init"),
        "{d}"
    );
}

#[test]
fn a_file_name_mismatch_suggests_only_fixes_that_work() {
    // `code: nf.YAML` or `code: Not Found` would be E010: only renaming the file fixes
    // these, and an upper-case extension is named as the whole problem.
    for (file, code, message, help) in [
        (
            "nf.YAML",
            "nf",
            "the file name `nf.YAML` has its extension in upper case",
            "rename the file to `nf.yaml`",
        ),
        (
            "Not Found.yml",
            "not_found",
            "code `not_found` does not match the file name `Not Found`",
            "rename the file to `not_found.yaml`",
        ),
        (
            // A lower-case extension left in the stem is no upper-case extension.
            "nf.yaml.yaml",
            "nf",
            "code `nf` does not match the file name `nf.yaml`",
            "rename the file to `nf.yaml`, or set `code: nf.yaml`",
        ),
        (
            "other.yaml",
            "not_found",
            "code `not_found` does not match the file name `other`",
            "rename the file to `not_found.yaml`, or set `code: other`",
        ),
    ] {
        let dir = catalog_with(&[(file, entry(code, "").as_bytes())]);
        let d = assert_reports(file, dir.path(), "E011");
        assert_eq!(d["message"], message, "{d}");
        assert_eq!(d["help"], help, "{d}");
    }
}

#[test]
fn symlink_loops_end_with_a_diagnostic() {
    let dir = catalog_with(&[]);
    let errors = dir.path().join("errors");
    std::os::unix::fs::symlink("self.yaml", errors.join("self.yaml")).expect("symlink");
    std::os::unix::fs::symlink(&errors, errors.join("loop")).expect("symlink");
    std::fs::create_dir(errors.join("sub")).expect("sub");
    std::os::unix::fs::symlink("..", errors.join("sub/up")).expect("symlink");
    let d = assert_reports("symlink loops", dir.path(), "E007");
    assert!(d["message"].as_str().unwrap_or("").contains("link"), "{d}");
}

#[test]
fn an_unreadable_file_is_reported() {
    // Root reads a chmod-000 file anyway (CI containers run tests as root), so the
    // case cannot be provoked there; it is skipped rather than faked.
    if running_as_root() {
        eprintln!("unreadable file: skipped (running as root, chmod 000 does not stop reads)");
        return;
    }
    use std::os::unix::fs::PermissionsExt;
    let dir = catalog_with(&[("x.yaml", entry("x", "").as_bytes())]);
    let path = dir.path().join("errors/x.yaml");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    let d = assert_reports("unreadable file", dir.path(), "E007");
    assert!(
        d["message"].as_str().unwrap_or("").contains("cannot read"),
        "{d}"
    );
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
}

fn running_as_root() -> bool {
    // `/proc/self/status` has `Uid: real effective …`; no libc needed.
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(2).map(|uid| uid == "0"))
        })
        .unwrap_or(false)
}

#[test]
fn an_empty_folder_is_not_a_catalog() {
    let dir = tempfile::tempdir().expect("temp dir");
    let args: Vec<OsString> = vec!["check".into(), "--catalog".into(), dir.path().into()];
    let run = run("empty folder", &args);
    assert_eq!(run.exit, 2, "{}", run.stderr);
    assert!(run.stderr.contains("no errdex.yaml"), "{}", run.stderr);
    assert!(run.stderr.contains("help:"), "{}", run.stderr);
}

#[test]
fn empty_files_are_reported() {
    let dir = catalog_with(&[("x.yaml", b""), ("y.yaml", b"  \n\n# only a comment\n")]);
    std::fs::write(dir.path().join("errdex.yaml"), "").expect("empty config");
    let (exit, diagnostics) = check("empty files", dir.path());
    assert_eq!(exit, 1, "{diagnostics:#?}");
    // A file of comments only is empty too, and each kind of file is told what it needs.
    for (file, needs) in [
        ("/errdex.yaml", "`base_url`"),
        ("/x.yaml", "`retryable`"),
        ("/y.yaml", "`retryable`"),
    ] {
        let d = diagnostics
            .iter()
            .find(|d| d["file"].as_str().unwrap_or("").ends_with(file))
            .unwrap_or_else(|| panic!("{file}: {diagnostics:#?}"));
        assert_eq!(d["message"], "file is empty", "{d}");
        assert!(d["help"].as_str().unwrap_or("").contains(needs), "{d}");
    }
}

#[test]
fn a_base_url_that_would_break_out_of_markdown_is_refused() {
    // Regression (found by the fuzz harness's agent-output check): the URL parser
    // accepts these, and `base_url` is written as is into llms.txt, the agent Markdown
    // and robots.txt, where they injected raw HTML or an extra line.
    for (case, base_url) in [
        (
            "base_url with markup",
            "\"https://d.example/x)<img src=x onerror=alert(1)>(\"",
        ),
        (
            "base_url with a newline",
            "\"https://d.example/a\\nSitemap: https://evil.example/s.xml\"",
        ),
        ("base_url with a space", "\"https://d.example/a b\""),
    ] {
        let dir = catalog_with(&[("x.yaml", entry("x", "").as_bytes())]);
        std::fs::write(
            dir.path().join("errdex.yaml"),
            CONFIG.replace("https://docs.hostile.test", base_url),
        )
        .expect("config");
        let d = assert_reports(case, dir.path(), "E018");
        assert!(
            d["message"]
                .as_str()
                .unwrap_or("")
                .contains("percent-encoded"),
            "{case}: {d}"
        );
    }
}

#[test]
fn a_base_url_override_is_checked_like_base_url_in_the_config() {
    // Regression: `build --base-url` skipped E018's rules, so these reached robots.txt,
    // llms.txt and the agent Markdown as is.
    for (case, base_url, problem) in [
        (
            "--base-url with markup",
            "https://x.example/<script>",
            "percent-encoded",
        ),
        (
            "--base-url with a Markdown link",
            "https://x.example/a)[click](https://evil.example)(",
            "percent-encoded",
        ),
        (
            "--base-url with a newline",
            "https://x.example/a\nSitemap: https://evil.example/s.xml",
            "percent-encoded",
        ),
        ("--base-url with a query", "https://x.example/?a=b", "query"),
        ("--base-url without http", "ftp://x.example/", "http"),
    ] {
        let catalog = catalog_with(&[("x.yaml", entry("x", "").as_bytes())]);
        let (run, _elsewhere, out) = build(case, catalog.path(), &["--base-url", base_url]);
        assert_eq!(run.exit, 2, "{case}: {}", run.stderr);
        assert!(run.stderr.contains("--base-url"), "{case}: {}", run.stderr);
        assert!(run.stderr.contains(problem), "{case}: {}", run.stderr);
        assert!(run.stderr.contains("help:"), "{case}: {}", run.stderr);
        assert!(!out.exists(), "{case}: wrote {}", out.display());
    }
}

/// Each diagnostic's file name (without its folders), line and code.
fn file_line_code(diagnostics: &[serde_json::Value]) -> Vec<(String, u64, String)> {
    diagnostics
        .iter()
        .map(|d| {
            let file = d["file"].as_str().unwrap_or("");
            let file = file.rsplit('/').next().unwrap_or(file).to_owned();
            let code = d["code"].as_str().unwrap_or("").to_owned();
            (file, d["line"].as_u64().unwrap_or(0), code)
        })
        .collect()
}

/// The help for a key left out of its mapping reads up past the text of a block above
/// it (`guidance: |` and its lines). It reads the file's lines once for that, not once
/// per line passed: a 24,000-line block under sixty such keys took 31 s in a release build before. (This one is smaller, for debug builds.)
#[test]
fn keys_left_out_below_a_long_block_are_told_in_linear_time() {
    let block: Vec<String> = (0..8_000)
        .map(|i| format!("    line {i} of a long block text here"))
        .collect();
    // Keys of other mappings, each left at the top level: a key no mapping has gets
    // other help (keep it as a comment), without reading up.
    let keys: Vec<String> = [
        "action",
        "header",
        "seconds",
        "cause",
        "resolution",
        "message",
        "field",
        "lang",
        "url",
        "body",
        "headers",
        "envelope",
        "pointers",
        "media_type",
        "example",
        "id",
        "meaning",
        "docs_url",
        "guidanse",
        "resoluton",
    ]
    .iter()
    .map(|key| format!("{key}: x"))
    .collect();
    let text = format!(
        "code: not_found\ntitle: T\nstatus: 404\nsummary: S.\nretryable: false\nagent:\n  action: stop\n  guidance: |\n{}\n{}\n",
        block.join("\n"),
        keys.join("\n")
    );
    assert!(text.len() < 1024 * 1024, "within E006's limit");
    let dir = catalog_of(&[("not_found.yaml".to_owned(), text)]);
    let d = assert_reports("keys left out below a long block", dir.path(), "E003");
    let help = d["help"].as_str().unwrap_or_default();
    assert!(
        help.contains("less indented than `guidance:` on line 8"),
        "{help}"
    );
}
