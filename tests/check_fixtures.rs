//! `errdex check` on one fixture catalog per diagnostic: exit code and exact output.
//!
//! Each folder under `tests/fixtures/check/` is a small catalog. Its name starts with
//! the diagnostic it exercises (`E013_status_out_of_range`), and the test asserts that
//! code is reported; the full human output is pinned by a snapshot.

use std::path::Path;
use std::process::Command;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/check");

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn check(case: &str, extra: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_errdex"))
        .current_dir(FIXTURES)
        .args(["check", "--catalog", case])
        .args(extra)
        .env("NO_COLOR", "1")
        .output()
        .expect("errdex runs");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn cases() -> Vec<String> {
    let mut cases: Vec<String> = std::fs::read_dir(FIXTURES)
        .expect("fixtures exist")
        .map(|e| {
            e.expect("readable")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| Path::new(FIXTURES).join(name).is_dir())
        .collect();
    cases.sort();
    cases
}

#[test]
fn the_valid_fixture_is_clean() {
    let run = check("valid", &["--strict"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr, "Checked errdex.yaml and 2 error files: no errors or warnings\n",
        "a clean check says so, in one line"
    );
    assert_eq!(run.stdout, "");
    let quiet = check("valid", &["--strict", "--quiet"]);
    assert_eq!(
        (quiet.code, quiet.stderr, quiet.stdout),
        (0, String::new(), String::new())
    );
    for format in ["json", "github"] {
        let tool = check("valid", &["--strict", "--format", format]);
        assert_eq!(
            tool.stderr, "",
            "--format {format} is for tools: no status line"
        );
    }
}

#[test]
fn every_fixture_reports_its_diagnostic() {
    for case in cases()
        .iter()
        .filter(|c| c.starts_with('E') || c.starts_with('W'))
    {
        let code = &case[..4];
        let run = check(case, &[]);
        let expected_exit = if code.starts_with('E') { 1 } else { 0 };
        assert_eq!(run.code, expected_exit, "{case}: {}", run.stderr);
        assert!(
            run.stderr.contains(&format!("[{code}]")),
            "{case} should report {code}:\n{}",
            run.stderr
        );
        // Every diagnostic names a real place: `catalog/file.yaml:LINE:COL:`. (A line of
        // the snippet under it, `10 |   [label]: url`, starts with its number or a `|`,
        // and its help, which may quote one, with `=`.)
        let header = |l: &&str| {
            l.contains("]: ")
                && !l
                    .trim_start()
                    .starts_with(|c: char| c.is_ascii_digit() || c == '|' || c == '=')
        };
        for line in run.stderr.lines().filter(header) {
            assert!(line.starts_with(&format!("{case}/")), "{case}: {line}");
        }
        if code.starts_with('W') {
            assert_eq!(
                check(case, &["--strict"]).code,
                1,
                "{case} must fail under --strict"
            );
        }
    }
}

#[test]
fn human_output_is_pinned() {
    for case in cases() {
        let run = check(&case, &[]);
        insta::assert_snapshot!(
            format!("human__{case}"),
            format!("exit: {}\n{}", run.code, run.stderr)
        );
    }
}

#[test]
fn json_output_is_pinned() {
    for case in [
        "E003_unknown_field",
        "E022_body_code_mismatch",
        "many_problems_in_many_files",
        "W001_not_retryable",
    ] {
        let run = check(case, &["--format", "json"]);
        let parsed: serde_json::Value = serde_json::from_str(&run.stdout).expect("valid JSON");
        assert!(parsed.is_array());
        insta::assert_snapshot!(format!("json__{case}"), run.stdout);
    }
}

#[test]
fn github_output_is_pinned() {
    for case in [
        "E003_unknown_field",
        "E022_body_code_mismatch",
        "many_problems_in_many_files",
        "W001_not_retryable",
    ] {
        let run = check(case, &["--format", "github"]);
        for line in run.stdout.lines() {
            assert!(
                line.starts_with("::error file=") || line.starts_with("::warning file="),
                "{line}"
            );
        }
        insta::assert_snapshot!(format!("github__{case}"), run.stdout);
    }
}

#[test]
fn every_problem_in_every_file_is_reported_at_once() {
    let run = check("many_problems_in_many_files", &["--format", "json"]);
    let parsed: Vec<serde_json::Value> = serde_json::from_str(&run.stdout).expect("valid JSON");
    let codes: Vec<&str> = parsed
        .iter()
        .map(|d| d["code"].as_str().unwrap_or(""))
        .collect();
    for expected in ["E003", "E013", "E014", "E016"] {
        assert!(
            codes.contains(&expected),
            "{expected} missing from {codes:?}"
        );
    }
    let files: std::collections::BTreeSet<&str> = parsed
        .iter()
        .map(|d| d["file"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(files.len(), 2, "{files:?}");
}

#[test]
fn every_key_problem_in_nested_mappings_is_reported_at_once() {
    // serde stops at the first; each of these used to take a run of its own.
    for (case, expected) in [
        (
            "E003_unknown_nested_field",
            &[
                "E003 7:36 `second`",
                "E003 9:3 `acton`",
                "E003 10:3 `guidence`",
                "E003 13:5 `resolutoin`",
                "E003 14:5 `caus`",
                "E005 14:5 `resolution`",
                "E003 16:5 `mesage`",
                "E003 18:29 `cod`",
                "E005 20:5 `url`",
                "E003 21:5 `ulr`",
            ][..],
        ),
        (
            "E005_missing_nested_field",
            &[
                "E005 8:3 `guidance`",
                "E005 10:5 `cause`",
                "E005 11:5 `field`",
                "E005 12:11 `body`",
                "E005 14:5 `code`",
            ][..],
        ),
        (
            "E003_unknown_nested_config_field",
            &[
                "E003 6:5 `titel`",
                "E003 11:7 `mesage`",
                "E003 17:5 `descripton`",
                "E005 18:5 `title`",
                "E003 21:5 `meening`",
                "E003 25:5 `descripion`",
            ][..],
        ),
    ] {
        let run = check(case, &["--format", "json"]);
        let parsed: Vec<serde_json::Value> = serde_json::from_str(&run.stdout).expect("valid JSON");
        let found: Vec<String> = parsed
            .iter()
            .map(|d| {
                let message = d["message"].as_str().unwrap_or("");
                let key = message.find('`').map_or(message, |i| &message[i..]);
                format!(
                    "{} {}:{} {key}",
                    d["code"].as_str().unwrap_or(""),
                    d["line"],
                    d["column"]
                )
            })
            .collect();
        assert_eq!(found, expected, "{case}");
    }
}

#[test]
fn semantic_errors_point_at_the_value() {
    let run = check("E013_status_out_of_range", &["--format", "json"]);
    let parsed: Vec<serde_json::Value> = serde_json::from_str(&run.stdout).expect("valid JSON");
    let status = parsed
        .iter()
        .find(|d| d["code"] == "E013")
        .expect("E013 reported");
    assert_eq!(status["line"], 3);
    assert_eq!(status["column"], 9);
    assert_eq!(status["end_column"], 12);
}

#[test]
fn a_file_copied_without_changing_its_code_gets_one_diagnostic_and_the_original_none() {
    let run = check("E012_copied_file", &["--format", "json"]);
    let parsed: Vec<serde_json::Value> = serde_json::from_str(&run.stdout).expect("valid JSON");
    let found: Vec<(&str, &str)> = parsed
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap_or_default(),
                d["code"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    // Not E011 beside it: the code not being the file's name is the same mistake.
    assert_eq!(
        found,
        [("E012_copied_file/errors/project_missing.yaml", "E012")]
    );
    let help = parsed[0]["help"].as_str().unwrap_or_default();
    assert!(help.contains("set `code: project_missing`"), "{help}");
    assert!(
        parsed[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("errors/not_found.yaml")),
        "the message names the file whose code it is"
    );
}

/// A catalog of the `valid` fixture's errdex.yaml and `errors`, written to a temporary
/// folder: (file name, YAML) pairs.
fn catalog_of(errors: &[(&str, String)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    std::fs::create_dir_all(root.join("errors")).expect("errors folder");
    std::fs::copy(
        Path::new(FIXTURES).join("valid/errdex.yaml"),
        root.join("errdex.yaml"),
    )
    .expect("config copied");
    for (name, yaml) in errors {
        std::fs::write(root.join("errors").join(name), yaml).expect("error written");
    }
    dir
}

/// `errdex check` of the catalog at `root`: its diagnostics as JSON, and as the human
/// report.
fn check_at(root: &Path) -> (Vec<serde_json::Value>, String) {
    let run = |format: &str| {
        Command::new(env!("CARGO_BIN_EXE_errdex"))
            .args(["check", "--format", format, "--catalog"])
            .arg(root)
            .env("NO_COLOR", "1")
            .output()
            .expect("errdex runs")
    };
    let json = serde_json::from_slice(&run("json").stdout).expect("JSON diagnostics");
    let human = String::from_utf8_lossy(&run("human").stderr).into_owned();
    (json, human)
}

/// The codes of `diagnostics`, in order.
fn codes_of(diagnostics: &[serde_json::Value]) -> Vec<&str> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap_or_default())
        .collect()
}

#[test]
fn the_same_message_in_two_errors_is_not_called_one_that_can_be_the_other() {
    let errors = ["first_one", "second_one"].map(|code| {
        (
            format!("{code}.yaml"),
            format!(
                "code: {code}\ntitle: T\nstatus: 400\nsummary: S.\nmessages:\n  - message: Something went wrong\nretryable: false\nagent:\n  action: stop\n  guidance: Stop.\n"
            ),
        )
    });
    let errors: Vec<(&str, String)> = errors
        .iter()
        .map(|(n, y)| (n.as_str(), y.clone()))
        .collect();
    let dir = catalog_of(&errors);
    let (_, human) = check_at(dir.path());
    assert!(
        human.contains("message `Something went wrong` is also a message of `second_one`"),
        "{human}"
    );
    assert!(!human.contains("can also be"), "{human}");
}

#[test]
fn a_body_message_over_several_lines_is_its_message_written_on_one() {
    let file = |sent: &str| {
        format!(
            "code: not_found\ntitle: T\nstatus: 404\nsummary: S.\n\
             messages:\n  - message: \"Invalid request. For {{field}}, nil is not a string.\"\n\
             response:\n  body: |\n    {{\"error\": {{\"code\": \"not_found\", \"message\": \"{sent}\", \"status\": 404, \"docs_url\": \"https://docs.fixture.test/errors/not_found/\"}}}}\n\
             retryable: false\nagent:\n  action: stop\n  guidance: Stop.\n"
        )
    };
    let codes = |sent: &str| {
        let dir = catalog_of(&[("not_found.yaml", file(sent))]);
        let (found, _) = check_at(dir.path());
        codes_of(&found).join(" ")
    };
    // GitHub's `"Invalid request.\n\nFor 'name', nil is not a string."`.
    assert_eq!(
        codes("Invalid request.\\n\\nFor 'name',  nil is not a string."),
        "",
        "line breaks and spaces are one space"
    );
    assert_eq!(
        codes("Invalid request.\\n\\nFor 'name', nil is a string."),
        "E025"
    );
}

#[test]
fn a_code_changed_in_its_file_only_is_one_e011_not_a_body_to_change_too() {
    // `expired_card.yaml` renamed to `card_expired` in its `code` only: its body still
    // says `expired_card`, as its file name does. Which is right is the writer's call.
    let yaml = "code: card_expired\ntitle: T\nstatus: 404\nsummary: S.\n\
                response:\n  body: |\n    {\"error\": {\"code\": \"expired_card\", \"message\": \"Gone\", \"status\": 404, \"docs_url\": \"https://docs.fixture.test/errors/expired_card/\"}}\n\
                retryable: false\nagent:\n  action: stop\n  guidance: Stop.\n";
    let dir = catalog_of(&[("expired_card.yaml", yaml.to_owned())]);
    let (found, human) = check_at(dir.path());
    assert_eq!(codes_of(&found), ["E011"], "{human}");
    // Named as its code, the body is compared again.
    std::fs::rename(
        dir.path().join("errors/expired_card.yaml"),
        dir.path().join("errors/card_expired.yaml"),
    )
    .expect("renamed");
    let (found, human) = check_at(dir.path());
    assert_eq!(codes_of(&found), ["E022", "E024"], "{human}");
}

#[test]
fn the_language_is_a_language_tag() {
    let config = std::fs::read_to_string(Path::new(FIXTURES).join("valid/errdex.yaml"))
        .expect("config read");
    for (language, fine) in [
        ("fr", true),
        ("pt-BR", true),
        ("zh-Hant-TW", true),
        ("\"en\"", true),
        ("english", false),
        ("en_US", false),
        ("e", false),
        ("\"en-\"", false),
    ] {
        let dir = catalog_of(&[]);
        std::fs::write(
            dir.path().join("errdex.yaml"),
            format!("{config}language: {language}\n"),
        )
        .expect("config written");
        let (found, human) = check_at(dir.path());
        // W006: the catalog has no error files, which is beside the point here.
        let expected: &[&str] = if fine { &["W006"] } else { &["W006", "E002"] };
        assert_eq!(codes_of(&found), expected, "{language}: {human}");
    }
}

#[test]
fn a_missing_catalog_is_a_usage_error() {
    let run = check("no_such_catalog", &[]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("does not exist"), "{}", run.stderr);
    assert!(run.stderr.contains("errdex init"), "{}", run.stderr);
}

/// Run inside the catalog folder, the commands take it for their catalog (as `cargo`
/// finds its Cargo.toml), and `build` writes the site beside it, where it would from the
/// folder above. `--catalog catalog` given there, and `--catalog .` run above the
/// catalog: the help names the folder that is the catalog.
#[test]
fn a_catalog_missed_by_one_folder_is_named_in_the_help() {
    let dir = catalog_of(&[]);
    let inside = Command::new(env!("CARGO_BIN_EXE_errdex"))
        .arg("check")
        .current_dir(dir.path())
        .output()
        .expect("errdex runs");
    let stderr = String::from_utf8_lossy(&inside.stderr);
    assert_eq!(inside.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("warning[W006]"), "{stderr}");
    let named = Command::new(env!("CARGO_BIN_EXE_errdex"))
        .args(["check", "--catalog", "catalog"])
        .current_dir(dir.path())
        .output()
        .expect("errdex runs");
    let stderr = String::from_utf8_lossy(&named.stderr);
    assert_eq!(named.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("help: `.` holds errdex.yaml itself: pass --catalog ."),
        "{stderr}"
    );

    let project = tempfile::tempdir().expect("temp dir");
    let init = Command::new(env!("CARGO_BIN_EXE_errdex"))
        .args(["init", "errors-docs"])
        .current_dir(project.path())
        .output()
        .expect("errdex runs");
    assert!(init.status.success());
    let build = Command::new(env!("CARGO_BIN_EXE_errdex"))
        .args(["build", "--quiet"])
        .current_dir(project.path().join("errors-docs"))
        .output()
        .expect("errdex runs");
    assert!(build.status.success(), "{build:?}");
    assert!(project.path().join("site/index.html").is_file());
    assert!(!project.path().join("errors-docs/site").exists());

    let project = tempfile::tempdir().expect("temp dir");
    std::fs::rename(dir.path(), project.path().join("catalog")).expect("move the catalog");
    let above = Command::new(env!("CARGO_BIN_EXE_errdex"))
        .args(["check", "--catalog", "."])
        .current_dir(project.path())
        .output()
        .expect("errdex runs");
    let stderr = String::from_utf8_lossy(&above.stderr);
    assert_eq!(above.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("help: its folder `catalog` is one: pass --catalog ./catalog"),
        "{stderr}"
    );
}

#[test]
fn a_catalog_file_given_for_the_folder_names_the_folder() {
    let run = check("valid/errdex.yaml", &[]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("is a file"), "{}", run.stderr);
    assert!(run.stderr.contains("--catalog "), "{}", run.stderr);
    assert!(run.stderr.trim_end().ends_with("valid"), "{}", run.stderr);
}

#[test]
fn every_diagnostic_code_is_documented() {
    let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/diagnostics.md"))
        .expect("docs/diagnostics.md");
    let catalog_docs =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/catalog.md"))
            .expect("docs/catalog.md");
    for code in errdex::diagnostic::Code::ALL {
        let id = code.id();
        assert!(
            docs.contains(&format!("## {id}\n")),
            "{id} is not documented in docs/diagnostics.md"
        );
        // The table at the top, which `errdex explain` users and readers scan first.
        let severity = match code.severity() {
            errdex::diagnostic::Severity::Error => "error",
            errdex::diagnostic::Severity::Warning => "warning",
        };
        let row = format!(
            "| [{id}](#{}) | {severity} | {} |\n",
            id.to_lowercase(),
            code.summary()
        );
        assert!(docs.contains(&row), "docs/diagnostics.md has no row {row}");
        assert!(
            catalog_docs.contains(&format!("| `{id}` | {severity} | ")),
            "docs/catalog.md's table of checks has no row for {id}"
        );
    }
}

/// The examples `docs/diagnostics.md` shows after "Fixture `tests/fixtures/check/NAME`",
/// each with the text of the next ```` ```text ```` block: up to a line that is only
/// ```` ``` ````, as an example may quote a fence of its own, indented.
fn documented_examples(docs: &str) -> Vec<(String, String)> {
    const INTRO: &str = "Fixture `tests/fixtures/check/";
    let mut examples = Vec::new();
    let mut rest = docs;
    while let Some(at) = rest.find(INTRO) {
        rest = &rest[at + INTRO.len()..];
        let name = &rest[..rest.find('`').expect("the fixture's name is closed")];
        let block = rest
            .find("\n```text\n")
            .expect("a text block after the fixture");
        assert!(
            !rest[..block].contains(INTRO),
            "no text block for the fixture {name}"
        );
        let text: Vec<&str> = rest[block + "\n```text\n".len()..]
            .lines()
            .take_while(|l| *l != "```")
            .collect();
        examples.push((name.to_owned(), text.join("\n")));
    }
    examples
}

#[test]
fn every_example_in_the_docs_is_its_fixtures_output() {
    let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/diagnostics.md"))
        .expect("docs/diagnostics.md");
    let examples = documented_examples(&docs);
    assert!(
        examples.len() >= 60,
        "only {} examples found",
        examples.len()
    );
    for (name, text) in examples {
        let run = check(&name, &[]);
        assert_eq!(
            run.stderr.trim_end(),
            text.trim_end(),
            "docs/diagnostics.md shows other output for the fixture {name}"
        );
    }
}

#[test]
fn every_error_code_has_a_fixture() {
    let cases = cases();
    for code in errdex::diagnostic::Code::ALL {
        // E006 (size, aliases), E008 (symlinks) and W005 (llms.txt length) need files made
        // at run time; tests/hostile.rs and the build tests cover them.
        if ["E006", "E008", "W005"].contains(&code.id()) {
            continue;
        }
        assert!(
            cases.iter().any(|c| c.starts_with(code.id())),
            "no fixture for {}",
            code.id()
        );
    }
}

/// `errdex check` and `errdex build` check once and move the loaded values into the
/// model (`diagnose`, then `into_catalog`); `serve` checks through the path that copies
/// them and keeps a cache. Both must find the same problems and build the same catalog.
#[test]
fn the_one_shot_check_agrees_with_the_copying_one() {
    let mut catalogs: Vec<std::path::PathBuf> = std::fs::read_dir(FIXTURES)
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .collect();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    catalogs.push(root.join("catalog"));
    catalogs.push(root.join("tests/fixtures/render/small"));
    catalogs.sort();
    let mut built = 0;
    for catalog in &catalogs {
        let Ok(loaded) = errdex::load::load_catalog(catalog) else {
            continue;
        };
        let copied = errdex::check::check(&loaded);
        let found = errdex::check::diagnose(&loaded);
        assert_eq!(
            found.sorted(),
            copied.diagnostics.sorted(),
            "{}",
            catalog.display()
        );
        if let Some(expected) = copied.catalog {
            let moved = errdex::check::into_catalog(loaded);
            assert_eq!(moved.as_ref(), Some(&expected), "{}", catalog.display());
            built += 1;
        }
    }
    assert!(built >= 3, "only {built} catalogs built a model");
}

/// W013 lines of `errdex check --format json` on a catalog whose groups are
/// `(id, title)` and whose errors are `(code, group)`.
fn shared_titles(groups: &[(&str, &str)], errors: &[(&str, Option<&str>)]) -> Vec<String> {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config =
        "title: T\nsummary: S.\nbase_url: https://docs.example.com\ngroups:\n".to_owned();
    for (id, title) in groups {
        config.push_str(&format!("  - id: {id}\n    title: \"{title}\"\n"));
    }
    std::fs::write(dir.path().join("errdex.yaml"), config).expect("config");
    std::fs::create_dir(dir.path().join("errors")).expect("errors/");
    for (code, group) in errors {
        let group = group.map(|g| format!("group: {g}\n")).unwrap_or_default();
        let entry = format!(
            "code: {code}\ntitle: T\nstatus: 400\nsummary: S.\n{group}retryable: false\nagent:\n  action: stop\n  guidance: Stop.\n"
        );
        std::fs::write(dir.path().join(format!("errors/{code}.yaml")), entry).expect("entry");
    }
    let catalog = dir.path().to_string_lossy().into_owned();
    let run = check(&catalog, &["--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let diagnostics: Vec<serde_json::Value> =
        serde_json::from_str(&run.stdout).expect("JSON diagnostics");
    diagnostics
        .iter()
        .filter(|d| d["code"] == "W013")
        .map(|d| format!("{}: {}", d["line"], d["message"].as_str().unwrap_or("")))
        .collect()
}

#[test]
fn groups_titled_alike_are_reported_at_the_second() {
    let found = shared_titles(
        &[
            ("billing", "Billing"),
            ("auth", "Auth"),
            ("payments", " billing "),
        ],
        &[("a", Some("billing"))],
    );
    assert_eq!(
        found,
        ["10: group `payments` has the title of group `billing` (line 6), `Billing`"]
    );
}

#[test]
fn a_group_titled_other_errors_is_reported_only_beside_errors_in_no_group() {
    let groups = [("misc", "other ERRORS")];
    // Both sections are shown: the group's and that of `b`, in no group.
    let found = shared_titles(&groups, &[("a", Some("misc")), ("b", None), ("c", None)]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains(
            "is also the title of the section of errors in no group (2 errors, `b` first)"
        ),
        "{found:?}"
    );
    // Every error is in the group: no section of errors in no group.
    assert_eq!(
        shared_titles(&groups, &[("a", Some("misc"))]),
        Vec::<String>::new()
    );
    // The group has no error: it has no section.
    assert_eq!(shared_titles(&groups, &[("b", None)]), Vec::<String>::new());
}

#[test]
fn links_into_another_page_are_listed_twenty_to_a_file_then_counted() {
    let file = |code: &str, description: &str| {
        format!(
            "code: {code}\ntitle: T\nstatus: 400\nsummary: S.\ndescription: |\n  {description}\n\
             retryable: false\nagent:\n  action: stop\n  guidance: Stop.\n"
        )
    };
    let broken: Vec<String> = (0..25)
        .map(|i| format!("[to](/errors/second_one/#nowhere-{i})"))
        .collect();
    let links = format!("[fine](/errors/second_one/#retries) {}", broken.join(" "));
    let dir = catalog_of(&[
        ("first_one.yaml", file("first_one", &links)),
        ("second_one.yaml", file("second_one", "## Retries")),
    ]);
    let (found, human) = check_at(dir.path());
    assert_eq!(codes_of(&found), ["W016"; 21], "{human}");
    assert!(
        human.contains("`/errors/second_one/#nowhere-19`"),
        "{human}"
    );
    assert!(
        !human.contains("`/errors/second_one/#nowhere-20`"),
        "{human}"
    );
    assert!(!human.contains("#retries`"), "{human}");
    assert!(
        human.contains("5 more links into other pages name no id there, not listed"),
        "{human}"
    );
}

#[test]
fn a_key_left_out_of_its_mapping_is_one_problem_even_misspelt() {
    let file = |guidance: &str| {
        format!(
            "code: not_found\ntitle: T\nstatus: 404\nsummary: S.\nretryable: false\n\
             agent:\n  action: fix_request\n{guidance}: Check the identifier.\n"
        )
    };
    for (key, spelling) in [("guidance", false), ("guidanse", true)] {
        let dir = catalog_of(&[("not_found.yaml", file(key))]);
        let (found, human) = check_at(dir.path());
        assert_eq!(codes_of(&found), ["E003"], "{key}: {human}");
        assert!(
            human.contains("indent it by 2 spaces as that key is"),
            "{key}: {human}"
        );
        assert_eq!(
            human.contains("and spell it `guidance`"),
            spelling,
            "{key}: {human}"
        );
    }
}
