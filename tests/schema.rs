//! `errdex schema`: the JSON Schema editors use agrees with what `check` accepts.
//!
//! The example catalog and the valid fixtures must validate; the unknown-field fixture
//! must not. Validation uses `check-jsonschema` (PyPI), installed by `.ci/run`; locally
//! the test is skipped when it is missing, in CI it fails.

use std::path::{Path, PathBuf};
use std::process::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn schema(kind_flag: Option<&str>, dir: &Path) -> PathBuf {
    let output = Command::new(env!("CARGO_BIN_EXE_errdex"))
        .arg("schema")
        .args(kind_flag)
        .output()
        .expect("errdex runs");
    assert!(output.status.success());
    let parsed: serde_json::Value = serde_json::from_slice(&output.stdout).expect("schema is JSON");
    assert_eq!(
        parsed["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(parsed["additionalProperties"], false);
    let path = dir.join(format!("schema{}.json", kind_flag.unwrap_or("")));
    std::fs::write(&path, &output.stdout).expect("write schema");
    path
}

fn yaml_files(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(Path::new(ROOT).join(dir))
        .expect("fixture dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
}

/// `errdex check --strict` of `catalog`, without colour.
fn check_strict(catalog: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_errdex"))
        .args(["check", "--strict", "--catalog"])
        .arg(catalog)
        .env("NO_COLOR", "1")
        .output()
        .expect("errdex runs")
}

/// A catalog at `catalog` of a minimal errdex.yaml and one error file, `errors/<stem>.yaml`
/// holding `text`; returns that file's path.
fn write_catalog(catalog: &Path, stem: &str, text: &str) -> PathBuf {
    let errors = catalog.join("errors");
    std::fs::create_dir_all(&errors).expect("mkdir");
    std::fs::write(
        catalog.join("errdex.yaml"),
        "title: T\nsummary: S.\nbase_url: https://docs.example.com\n",
    )
    .expect("write");
    let file = errors.join(format!("{stem}.yaml"));
    std::fs::write(&file, text).expect("write");
    file
}

/// Runs check-jsonschema; `None` when it is not installed (outside CI).
fn validate(schema: &Path, files: &[PathBuf]) -> Option<bool> {
    match Command::new("check-jsonschema")
        .arg("--schemafile")
        .arg(schema)
        .args(files)
        .output()
    {
        Ok(output) => Some(output.status.success()),
        Err(_) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("check-jsonschema is not installed; .ci/run installs it with pip")
        }
        Err(_) => {
            eprintln!("SKIPPED: check-jsonschema is not installed (pip install check-jsonschema)");
            None
        }
    }
}

#[test]
fn every_field_has_a_description_for_editor_hover() {
    let dir = tempfile::tempdir().expect("temp dir");
    for flag in [None, Some("--catalog-file")] {
        let path = schema(flag, dir.path());
        let parsed: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("JSON");
        let properties = parsed["properties"].as_object().expect("properties");
        assert!(!properties.is_empty());
        for (name, property) in properties {
            assert!(
                property["description"].is_string(),
                "{name} has no description"
            );
        }
    }
}

/// Every string value of a `key` (`format`, `pattern`) anywhere in `value`, with its
/// JSON path.
fn strings_at_key(
    value: &serde_json::Value,
    key: &str,
    path: &str,
    found: &mut Vec<(String, String)>,
) {
    match value {
        serde_json::Value::Object(map) => {
            for (name, child) in map {
                if name == key
                    && let Some(text) = child.as_str()
                {
                    found.push((path.to_owned(), text.to_owned()));
                }
                strings_at_key(child, key, &format!("{path}/{name}"), found);
            }
        }
        serde_json::Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                strings_at_key(child, key, &format!("{path}/{i}"), found);
            }
        }
        _ => {}
    }
}

#[test]
fn every_format_is_one_json_schema_defines() {
    // ajv, in its default strict mode, refuses a schema with a format it does not know,
    // such as the `int64` schemars gives a Rust integer.
    const DEFINED: &[&str] = &[
        "date-time",
        "date",
        "time",
        "duration",
        "email",
        "idn-email",
        "hostname",
        "idn-hostname",
        "ipv4",
        "ipv6",
        "uri",
        "uri-reference",
        "iri",
        "iri-reference",
        "uuid",
        "uri-template",
        "json-pointer",
        "relative-json-pointer",
        "regex",
    ];
    let dir = tempfile::tempdir().expect("temp dir");
    for flag in [None, Some("--catalog-file")] {
        let path = schema(flag, dir.path());
        let parsed: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("JSON");
        let mut found = Vec::new();
        strings_at_key(&parsed, "format", "", &mut found);
        for (path, format) in found {
            assert!(
                DEFINED.contains(&format.as_str()),
                "{flag:?}: `{format}` at {path} is no JSON Schema format"
            );
        }
    }
}

/// Validators built on RE2 (Go's, and those wrapping it) refuse a pattern with
/// look-around or back-references, which JSON Schema's ECMA-262 regexes allow. The
/// `regex` crate has RE2's limits: every pattern of the three schemas compiles with it.
/// The code pattern, with its `maxLength`, accepts exactly the codes E010 does.
#[test]
fn every_pattern_compiles_in_an_engine_without_look_around() {
    let dir = tempfile::tempdir().expect("temp dir");
    let built = Command::new(env!("CARGO_BIN_EXE_errdex"))
        .args(["build", "--quiet", "--catalog"])
        .arg(Path::new(ROOT).join("catalog"))
        .arg("--out")
        .arg(dir.path().join("site"))
        .output()
        .expect("errdex runs");
    assert!(built.status.success(), "{built:?}");
    let mut schemas = vec![dir.path().join("site/errors.schema.json")];
    schemas.extend([None, Some("--catalog-file")].map(|flag| schema(flag, dir.path())));
    let mut compiled = 0;
    for path in &schemas {
        let parsed: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("JSON");
        let mut found = Vec::new();
        strings_at_key(&parsed, "pattern", "", &mut found);
        for (at, pattern) in found {
            if let Err(e) = regex::Regex::new(&pattern) {
                panic!(
                    "{}: the pattern at {at} needs look-around or more: {e}",
                    path.display()
                );
            }
            compiled += 1;
        }
    }
    assert!(compiled >= 10, "only {compiled} patterns found");

    let code = regex::Regex::new(errdex::load::raw::CODE_PATTERN).expect("compiles");
    let fits = |c: &str| code.is_match(c) && c.chars().count() <= errdex::codes::MAX_CODE_LENGTH;
    let long = "a".repeat(errdex::codes::MAX_CODE_LENGTH);
    let too_long = format!("{long}b");
    for c in [
        "rate_limited",
        "a",
        "0",
        "a.",
        "a.b",
        "a.-b",
        "auth.invalid-email",
        "v1.2.3",
        long.as_str(),
        too_long.as_str(),
        "",
        ".",
        "..",
        "a..b",
        "a..",
        ".a",
        "_a",
        "-a",
        "A",
        "rate limited",
        "é",
        "a/b",
    ] {
        assert_eq!(fits(c), errdex::codes::is_valid_code(c), "{c:?}");
    }
}

#[test]
fn the_agent_actions_are_an_enum() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = std::fs::read_to_string(schema(None, dir.path())).expect("read");
    for action in [
        "stop",
        "fix_request",
        "retry",
        "retry_later",
        "reauthenticate",
        "ask_user",
        "contact_support",
    ] {
        assert!(text.contains(&format!("\"{action}\"")), "{action}");
    }
}

#[test]
fn valid_catalogs_validate_and_unknown_fields_do_not() {
    let dir = tempfile::tempdir().expect("temp dir");
    let error_schema = schema(None, dir.path());
    let config_schema = schema(Some("--catalog-file"), dir.path());
    let mut valid = yaml_files("catalog/errors");
    valid.extend(yaml_files("tests/fixtures/check/valid/errors"));
    valid.extend(yaml_files("tests/fixtures/render/small/errors"));
    let Some(ok) = validate(&error_schema, &valid) else {
        return;
    };
    assert!(
        ok,
        "the example catalog must validate against the error schema"
    );
    let configs = [
        "catalog/errdex.yaml",
        "tests/fixtures/check/valid/errdex.yaml",
    ]
    .map(|p| Path::new(ROOT).join(p));
    assert_eq!(validate(&config_schema, &configs), Some(true));
    let unknown = yaml_files("tests/fixtures/check/E003_unknown_field/errors");
    assert_eq!(
        validate(&error_schema, &unknown),
        Some(false),
        "an unknown field must be rejected"
    );
}

/// A header name is an RFC 9110 token and a value one line (E002, E019): the schema says
/// so too, so an editor flags `Retry After:` as it is typed.
#[test]
fn header_names_and_values_are_checked_by_the_schema_too() {
    let dir = tempfile::tempdir().expect("temp dir");
    let error_schema = schema(None, dir.path());
    let error_file = |name: &str, header: &str| {
        let path = dir.path().join(format!("{name}.yaml"));
        let text = format!(
            "code: {name}\ntitle: T\nstatus: 400\nsummary: S.\nretryable: false\n\
             agent:\n  action: stop\n  guidance: G.\n\
             response:\n  body: '{{}}'\n  headers:\n    {header}\n"
        );
        std::fs::write(&path, text).expect("write");
        path
    };
    let good = error_file("good", "X-Request-Id: \"req_1\"");
    let Some(ok) = validate(&error_schema, &[good]) else {
        return;
    };
    assert!(ok, "a valid header must validate");
    for (name, header) in [
        ("space", "Retry After: 30"),
        ("colon", "\"X-Foo:\": bar"),
        ("line_feed", "Retry-After: \"30\\r\\nSet-Cookie: a=b\""),
        ("line_separator", "X-Note: \"one\\u2028two\""),
    ] {
        assert_eq!(
            validate(&error_schema, &[error_file(name, header)]),
            Some(false),
            "the schema must reject `{header}`"
        );
    }
}

/// What `check` accepts in an error file, the schema accepts, and what it refuses, the
/// schema refuses: a number or boolean where the format has text is read as written
/// (numeric codes are common), and a number or boolean in quotes, which YAML makes text,
/// is refused (E002, with the fix) by both.
#[test]
fn the_schema_and_the_loader_agree_on_numbers_and_quotes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let error_schema = schema(None, dir.path());
    let error_file = |stem: &str, lines: &str| {
        let mut fields: Vec<(String, String)> = [
            ("code", stem),
            ("title", "T"),
            ("status", "404"),
            ("summary", "S."),
            ("retryable", "false"),
            ("agent", "\n  action: stop\n  guidance: G."),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        for line in lines.lines() {
            let (key, value) = line.split_once(": ").expect("key: value");
            match fields.iter_mut().find(|(k, _)| k == key) {
                Some(field) => field.1 = value.to_owned(),
                None => fields.push((key.to_owned(), value.to_owned())),
            }
        }
        fields
            .iter()
            .map(|(k, v)| format!("{k}: {v}\n"))
            .collect::<String>()
    };
    for (stem, lines, accepted) in [
        ("20003", "code: 20003", true),
        ("20003", "code: \"20003\"", true),
        ("1.5", "code: 1.5", true),
        ("not_found", "title: 404", true),
        ("not_found", "summary: 12.5", true),
        ("not_found", "title: true", true),
        ("not_found", "fix: [1, 2]", true),
        ("not_found", "replaced_by: 20003\nrelated: [20003]", true),
        ("not_found", "since: 0x1F", true),
        ("not_found", "since: 2", true),
        ("not_found", "since: \"2024-05-01\"", true),
        ("not_found", "since: true", false),
        ("not_found", "since: \" Yes\"", false),
        ("not_found", "deprecated: false", false),
        ("not_found", "deprecated: 'On'", false),
        ("not_found", "deprecated: 2", true),
        ("not_found", "deprecated: Use nothing.", true),
        ("not_found", "deprecated: Nothing to do.", true),
        ("not_found", "status: \"404\"", false),
        ("not_found", "status: '404'", false),
        ("not_found", "retryable: \"false\"", false),
        (
            "not_found",
            "status: 429\nretryable: true\nretry_after: {seconds: \"30\"}\nagent: {action: retry_later, guidance: G.}",
            false,
        ),
        (
            "not_found",
            "status: 429\nretryable: true\nretry_after: {seconds: 30}\nagent: {action: retry_later, guidance: G.}",
            true,
        ),
    ] {
        let catalog = dir.path().join(format!("case_{stem}_{}", lines.len()));
        let file = write_catalog(&catalog, stem, &error_file(stem, lines));
        let errors = catalog.join("errors");
        if stem != "20003" {
            std::fs::write(errors.join("20003.yaml"), error_file("20003", "")).expect("write");
        }
        let check = check_strict(&catalog);
        let stderr = String::from_utf8_lossy(&check.stderr);
        assert_eq!(
            check.status.success(),
            accepted,
            "check, {lines}:\n{stderr}"
        );
        if !accepted {
            assert!(stderr.contains("error[E002]"), "{lines}:\n{stderr}");
        }
        let Some(valid) = validate(&error_schema, &[file]) else {
            return;
        };
        assert_eq!(valid, accepted, "the schema, {lines}");
    }
}

/// A value of the right type that `check` still refuses is flagged by the editor too:
/// an empty or blank title, a title or message on two lines, `retry_after` naming
/// nothing, a blank `agent.guidance`, a code with `..`. Each case is one file, so
/// the schema's verdict is the case's own.
#[test]
fn what_check_refuses_in_a_text_the_schema_refuses_too() {
    let dir = tempfile::tempdir().expect("temp dir");
    let error_schema = schema(None, dir.path());
    let base = |code: &str| {
        format!(
            "code: {code}\ntitle: T\nstatus: 429\nsummary: S.\nretryable: true\n\
             retry_after: {{seconds: 30}}\nmessages:\n  - message: Slow down\n\
             agent:\n  action: retry_later\n  guidance: G.\n"
        )
    };
    let cases: [(&str, &str, &str); 11] = [
        ("good", "", ""),
        ("good_trimmed", "title: \"  T  \"", ""),
        ("good_block", "title: |\n  T\n", ""),
        ("empty_title", "title: \"\"", "E019"),
        ("blank_summary", "summary: \"   \"", "E019"),
        ("two_line_title", "title: \"Too many\\nrequests\"", "E019"),
        (
            "two_line_message",
            "  - message: \"Slow\\u2028down\"",
            "E019",
        ),
        ("empty_retry_after", "retry_after: {}", "E005"),
        ("blank_guidance", "  guidance: \" \"", "W003"),
        ("a..b", "", "E010"),
        ("good_dots", "", ""),
    ];
    for (code, line, refused_with) in cases {
        let code = if code == "good_dots" { "v1.2_x" } else { code };
        let mut text = base(code);
        if let Some((key, _)) = line.trim_start().split_once(": ") {
            let indent = &line[..line.len() - line.trim_start().len()];
            let prefix = format!("{indent}{key}: ");
            let replaced = text
                .lines()
                .map(|l| {
                    if l.starts_with(&prefix) {
                        line.to_owned()
                    } else {
                        l.to_owned()
                    }
                })
                .collect::<Vec<_>>()
                .join("\n");
            text = if replaced.contains(line) {
                replaced + "\n"
            } else {
                format!("{text}{line}\n")
            };
        }
        let catalog = dir.path().join(format!("case_{}", code.replace('.', "_")));
        let file = write_catalog(&catalog, code, &text);
        let check = check_strict(&catalog);
        let stderr = String::from_utf8_lossy(&check.stderr);
        if refused_with.is_empty() {
            assert!(check.status.success(), "check, {code}:\n{text}\n{stderr}");
        } else {
            assert!(!check.status.success(), "check, {code}:\n{text}");
            assert!(
                stderr.contains(&format!("[{refused_with}]")),
                "{code}:\n{stderr}"
            );
        }
        let Some(valid) = validate(&error_schema, &[file]) else {
            return;
        };
        assert_eq!(
            valid,
            refused_with.is_empty(),
            "the schema, {code}:\n{text}"
        );
    }
}

/// The same agreement in `errdex.yaml` and across the two files: numeric group and
/// envelope ids, named by an error as numbers too, are read as written by `check` and
/// accepted by both schemas.
#[test]
fn numeric_ids_and_titles_in_the_catalog_file_are_accepted_by_check_and_schemas() {
    let dir = tempfile::tempdir().expect("temp dir");
    let error_schema = schema(None, dir.path());
    let config_schema = schema(Some("--catalog-file"), dir.path());
    let catalog = dir.path().join("catalog");
    std::fs::create_dir_all(catalog.join("errors")).expect("mkdir");
    let config = catalog.join("errdex.yaml");
    std::fs::write(
        &config,
        "title: 2024\nsummary: S.\nbase_url: https://docs.example.com\n\
         groups:\n  - id: 1\n    title: 2\n\
         envelopes:\n  - id: 7\n    title: Standard\n    example: '{\"a\": 1}'\n",
    )
    .expect("write");
    let error = catalog.join("errors/404.yaml");
    std::fs::write(
        &error,
        "code: 404\ntitle: 404\nstatus: 404\nsummary: S.\nretryable: false\ngroup: 1\n\
         agent:\n  action: stop\n  guidance: G.\n\
         response:\n  envelope: 7\n  body: '{\"a\": 2}'\n",
    )
    .expect("write");
    let check = check_strict(&catalog);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let Some(valid) = validate(&config_schema, &[config]) else {
        return;
    };
    assert!(valid, "the catalog file's schema");
    assert_eq!(
        validate(&error_schema, &[error]),
        Some(true),
        "the error schema"
    );
}
