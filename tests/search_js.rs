//! The site's search ranking (`templates/search.js`), run in Node without a browser:
//! the script is evaluated with a stand-in `window` and `document`, and its ranking
//! (`window.errdexSearch.search`) is asked for the codes a query finds, best first.
//!
//! `tests/browser.rs` checks search end to end in Chromium on the example site; these
//! tests pin rankings that need a catalog made for them, in milliseconds. Node comes
//! with npm, which `.ci/run` uses; locally the tests are skipped when it is missing,
//! in CI they fail.

use std::process::Command;

const SEARCH_JS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/templates/search.js");

/// Loads search.js as a page would, prepares `index` (search-index.json's shape) and
/// prints, for each query, the codes it finds, best first.
const HARNESS: &str = r#"
const [script, index, queries] = process.argv.slice(1);
globalThis.window = { location: { protocol: "http:", search: "" } };
globalThis.document = {
  readyState: "complete",
  querySelectorAll: () => [],
  addEventListener: () => {},
};
(0, eval)(require("fs").readFileSync(script, "utf8"));
const search = window.errdexSearch;
const entries = search.prepare(JSON.parse(index));
const found = JSON.parse(queries).map((q) => search.search(entries, q).map((r) => r.entry.code));
process.stdout.write(JSON.stringify(found));
"#;

/// The codes each query finds, best first; `None` (with a notice) when Node is missing
/// outside CI.
fn ranked(index: serde_json::Value, queries: &[&str]) -> Option<Vec<Vec<String>>> {
    let output = match Command::new("node")
        .args(["-e", HARNESS, SEARCH_JS])
        .arg(index.to_string())
        .arg(serde_json::to_string(queries).expect("queries as JSON"))
        .output()
    {
        Ok(output) => output,
        Err(_) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("node is not installed; .ci/run needs Node.js and npm")
        }
        Err(_) => {
            eprintln!("SKIPPED: node is not installed");
            return None;
        }
    };
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(serde_json::from_slice(&output.stdout).expect("the harness prints JSON"))
}

fn entry(code: &str, messages: &[&str]) -> serde_json::Value {
    serde_json::json!({
        "code": code,
        "title": format!("The {code} error"),
        "status": 400,
        "summary": "Something went wrong.",
        "url": format!("errors/{code}/"),
        "messages": messages,
    })
}

/// A pasted message matches two templates whole. The one whose placeholders each hold
/// one value comes first, as in `errdex lookup`, even when the other, whose
/// placeholder swallowed words, has more fixed text.
#[test]
fn a_template_whose_placeholders_hold_single_values_ranks_first() {
    let index = serde_json::json!([
        // Fixed text: 25 characters; `{id}` = `w_42`, `{place}` = `workspace_7`.
        entry("widget_missing", &["Widget {id} was not found in {place}"]),
        // Fixed text: 29 characters; `{what}` = `Widget w_42`, two words.
        entry("anything_missing", &["{what} was not found in workspace_7"]),
    ]);
    let Some(found) = ranked(
        index,
        &[
            "Widget w_42 was not found in workspace_7",
            // Neither fits: the longer fixed text decides.
            "Widget w 42 was not found in workspace_7",
        ],
    ) else {
        return;
    };
    assert_eq!(found[0], ["widget_missing", "anything_missing"]);
    assert_eq!(found[1], ["anything_missing", "widget_missing"]);
}

/// A code as the API sends it finds its error first: in upper case, in CamelCase,
/// with other punctuation (the rule of `codes::spells_code`).
#[test]
fn a_code_in_the_api_spelling_finds_its_error_first() {
    let index = serde_json::json!([
        entry("access_denied", &["Access denied"]),
        entry("access_denied_for_key", &["Access denied for key {key}"]),
        entry(
            "auth.invalid-email",
            &["The email address is badly formatted"]
        ),
    ]);
    let Some(found) = ranked(
        index,
        &[
            "ACCESS_DENIED",
            "AccessDenied",
            "auth/invalid-email",
            "Access Denied",
        ],
    ) else {
        return;
    };
    assert_eq!(found[0][0], "access_denied");
    assert_eq!(found[1][0], "access_denied");
    assert_eq!(found[2][0], "auth.invalid-email");
    // With a space it is words, not a code: both errors whose words match are found.
    assert!(
        found[3].contains(&"access_denied".to_owned()),
        "{:?}",
        found[3]
    );
}

/// A message found inside a longer query splits no word at its fixed ends, as in
/// `errdex lookup`: Twilio's one-word `Authenticate` is not in `reauthenticated`.
#[test]
fn a_message_inside_a_query_splits_no_word() {
    let index = serde_json::json!([
        entry("20003", &["Authenticate"]),
        entry("not_found", &["Project {id} not found"]),
    ]);
    let Some(found) = ranked(
        index,
        &[
            "user reauthenticated successfully",
            "twilio error: Authenticate (HTTP 401)",
            "2026-12-02 ERROR Project p_1 not found (req_9)",
        ],
    ) else {
        return;
    };
    assert!(!found[0].contains(&"20003".to_owned()), "{:?}", found[0]);
    assert_eq!(found[1].first().map(String::as_str), Some("20003"));
    assert_eq!(found[2].first().map(String::as_str), Some("not_found"));
}
