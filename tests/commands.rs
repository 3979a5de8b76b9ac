//! The scaffolding and lookup commands, end to end: `init`, `new`, `explain`, `lookup`.

use std::path::Path;
use std::process::{Command, Output};

fn errdex(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_errdex"))
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("errdex runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn init_makes_a_catalog_that_checks_strictly_and_builds() {
    let dir = tempfile::tempdir().expect("temp dir");
    let init = errdex(&["init", "docs"], dir.path());
    assert!(init.status.success(), "{}", text(&init.stderr));
    let check = errdex(&["check", "--catalog", "docs", "--strict"], dir.path());
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stderr));
    let build = errdex(&["build", "--catalog", "docs", "--out", "site"], dir.path());
    assert_eq!(build.status.code(), Some(0), "{}", text(&build.stderr));
    assert!(
        dir.path()
            .join("site/errors/not_found/index.html")
            .is_file()
    );
    // The dev server's live-reload script is for `serve` only: a build never has it.
    for entry in walk(&dir.path().join("site")) {
        let content = std::fs::read(&entry).expect("readable");
        assert!(
            !text(&content).contains("__errdex"),
            "{} mentions the dev server",
            entry.display()
        );
    }
    let again = errdex(&["init", "docs"], dir.path());
    assert_eq!(again.status.code(), Some(2), "init must never overwrite");
}

#[test]
fn build_names_a_theme_file_that_nothing_uses_and_keeps_the_policy() {
    // A misspelt stylesheet replaced nothing, and took the built-in theme's
    // Content-Security-Policy away without a word.
    let dir = tempfile::tempdir().expect("temp dir");
    assert!(errdex(&["init", "docs"], dir.path()).status.success());
    let templates = dir.path().join("docs/templates");
    std::fs::create_dir(&templates).expect("templates folder");
    std::fs::write(templates.join("styles.css"), "body { color: red }\n").expect("write");
    let build = errdex(&["build", "--catalog", "docs", "--out", "site"], dir.path());
    assert_eq!(build.status.code(), Some(0), "{}", text(&build.stderr));
    assert!(
        text(&build.stderr).contains(
            "warning: `templates/styles.css` is not a file of the theme, so nothing uses it: did you mean `style.css`?"
        ),
        "{}",
        text(&build.stderr)
    );
    let page = std::fs::read_to_string(dir.path().join("site/index.html")).expect("overview");
    assert!(
        page.contains("Content-Security-Policy"),
        "the policy is kept"
    );
}

#[test]
fn new_writes_a_valid_file_and_never_overwrites() {
    let dir = tempfile::tempdir().expect("temp dir");
    assert!(errdex(&["init", "c"], dir.path()).status.success());
    let new = errdex(
        &[
            "new",
            "card_declined",
            "--status",
            "402",
            "--title",
            "Card declined",
            "--group",
            "requests",
            "--catalog",
            "c",
        ],
        dir.path(),
    );
    assert!(new.status.success(), "{}", text(&new.stderr));
    // Valid, but its `TODO` notes are not for readers: `--strict` holds them back (W014).
    assert_eq!(only_unfinished_notes(dir.path()), 2);
    // So is a file for each kind of status, whose action `new` picks: a 429 or 503 is
    // `retry_later`, with the wait it names (W028 otherwise).
    for (code, status) in [
        ("busy", "503"),
        ("slow_down", "429"),
        ("crashed", "500"),
        ("who", "401"),
    ] {
        let made = errdex(
            &["new", code, "--status", status, "--catalog", "c"],
            dir.path(),
        );
        assert!(made.status.success(), "{}", text(&made.stderr));
    }
    assert_eq!(only_unfinished_notes(dir.path()), 10);
    let busy = std::fs::read_to_string(dir.path().join("c/errors/busy.yaml")).expect("written");
    assert!(
        busy.contains("\nretry_after:\n  header: Retry-After\nagent:\n  action: retry_later\n"),
        "{busy}"
    );
    for code in ["slow_down", "crashed", "who", "busy"] {
        std::fs::remove_file(dir.path().join(format!("c/errors/{code}.yaml"))).expect("remove");
    }
    let before = std::fs::read(dir.path().join("c/errors/card_declined.yaml")).expect("written");
    let again = errdex(
        &["new", "card_declined", "--status", "400", "--catalog", "c"],
        dir.path(),
    );
    assert_eq!(again.status.code(), Some(2));
    assert!(text(&again.stderr).contains("already exists"));
    assert_eq!(
        std::fs::read(dir.path().join("c/errors/card_declined.yaml")).expect("kept"),
        before
    );
    // A group errdex.yaml does not define would fail the next check (E014).
    let unknown = errdex(
        &[
            "new",
            "card_expired",
            "--status",
            "402",
            "--group",
            "request",
            "--catalog",
            "c",
        ],
        dir.path(),
    );
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        text(&unknown.stderr).contains("did you mean `requests`?"),
        "{}",
        text(&unknown.stderr)
    );
    assert!(!dir.path().join("c/errors/card_expired.yaml").exists());
    // A title the next check would refuse (E019, E002) is refused before any file is
    // written.
    for (title, says) in [
        ("", "the title is empty"),
        ("  ", "the title is empty"),
        ("Card\ndeclined", "the title spans several lines"),
        ("Card\r", "the title spans several lines"),
        (
            "Card\u{1b}[31m",
            "the title holds the control character U+001B",
        ),
    ] {
        let bad = errdex(
            &[
                "new",
                "card_expired",
                "--status",
                "402",
                "--title",
                title,
                "--catalog",
                "c",
            ],
            dir.path(),
        );
        assert_eq!(bad.status.code(), Some(2), "{title:?}");
        assert!(text(&bad.stderr).contains(says), "{}", text(&bad.stderr));
        assert!(!dir.path().join("c/errors/card_expired.yaml").exists());
    }
    for (code, status) in [("Bad Code", "400"), ("ok_code", "200")] {
        let bad = errdex(
            &["new", code, "--status", status, "--catalog", "c"],
            dir.path(),
        );
        assert_eq!(bad.status.code(), Some(2), "{code} {status}");
    }
}

/// `errdex new` given a code as the API sends it writes the file of its errdex code,
/// with the API's spelling in the response body, and the file checks clean.
#[test]
fn new_takes_a_code_as_the_api_spells_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    assert!(errdex(&["init", "c"], dir.path()).status.success());
    let new = errdex(
        &["new", "InvalidCursor", "--status", "400", "--catalog", "c"],
        dir.path(),
    );
    assert!(new.status.success(), "{}", text(&new.stderr));
    assert!(
        text(&new.stderr).contains(
            "for the code `invalid_cursor`; its response body keeps the API's `InvalidCursor`"
        ),
        "{}",
        text(&new.stderr)
    );
    let written = std::fs::read_to_string(dir.path().join("c/errors/invalid_cursor.yaml"))
        .expect("written under the errdex code");
    assert!(written.contains("code: invalid_cursor\n"), "{written}");
    assert!(written.contains("\"code\":\"InvalidCursor\""), "{written}");
    assert_eq!(only_unfinished_notes(dir.path()), 2);
}

#[test]
fn lookup_finds_the_code_of_a_concrete_message() {
    let dir = tempfile::tempdir().expect("temp dir");
    assert!(errdex(&["init", "c"], dir.path()).status.success());
    let found = errdex(
        &[
            "lookup",
            "Widget w_42 not found",
            "--catalog",
            "c",
            "--json",
        ],
        dir.path(),
    );
    assert_eq!(found.status.code(), Some(0));
    let matches: Vec<serde_json::Value> = serde_json::from_slice(&found.stdout).expect("JSON");
    assert_eq!(matches.len(), 1);
    assert_eq!(matches[0]["code"], "not_found");
    assert_eq!(matches[0]["message"], "Widget {id} not found");
    let missing = errdex(
        &["lookup", "Something else entirely", "--catalog", "c"],
        dir.path(),
    );
    assert_eq!(missing.status.code(), Some(1));
    // An API that spells the code otherwise: the match says how.
    let file = dir.path().join("c/errors/rate_limited.yaml");
    let text_of = std::fs::read_to_string(&file).expect("read");
    std::fs::write(
        &file,
        text_of.replace("\"code\": \"rate_limited\"", "\"code\": \"RATE_LIMITED\""),
    )
    .expect("write");
    let pasted = "Rate limit of 600 requests per minute exceeded";
    let json = errdex(&["lookup", pasted, "--catalog", "c", "--json"], dir.path());
    let matches: Vec<serde_json::Value> = serde_json::from_slice(&json.stdout).expect("JSON");
    assert_eq!(matches[0]["code"], "rate_limited");
    assert_eq!(matches[0]["sent_as"], "RATE_LIMITED");
    let human = errdex(&["lookup", pasted, "--catalog", "c"], dir.path());
    assert!(
        text(&human.stdout).starts_with("rate_limited (HTTP 429, sent as RATE_LIMITED): "),
        "{}",
        text(&human.stdout)
    );
}

/// `errdex lookup PASTED --json` on the catalog `c` in `dir`: its exit code, and each
/// match as `"code" "fit"`, joined by `, `.
fn lookup_json(dir: &Path, pasted: &str) -> (Option<i32>, String) {
    let run = errdex(&["lookup", pasted, "--catalog", "c", "--json"], dir);
    let matches: Vec<serde_json::Value> = serde_json::from_slice(&run.stdout).expect("JSON");
    let found: Vec<String> = matches
        .iter()
        .map(|m| format!("{} {}", m["code"], m["fit"]))
        .collect();
    (run.status.code(), found.join(", "))
}

#[test]
fn lookup_forgives_what_people_paste() {
    let dir = tempfile::tempdir().expect("temp dir");
    assert!(errdex(&["init", "c"], dir.path()).status.success());
    let lookup = |pasted: &str| lookup_json(dir.path(), pasted);
    let found = |fit: &str| (Some(0), format!("\"not_found\" \"{fit}\""));
    assert_eq!(lookup("  \"Widget w_42 not found\"\n"), found("exact"));
    assert_eq!(lookup("widget W_42 NOT FOUND"), found("loose"));
    assert_eq!(
        lookup("2026-11-30T17:02:11Z ERROR api: Widget w_42 not found (req_9)"),
        found("inside")
    );
    // A body whose code is unknown is searched for the message.
    assert_eq!(
        lookup(r#"{"error": {"code": "nope", "message": "Widget w_42 not found"}}"#),
        found("inside")
    );
    assert_eq!(lookup("Nothing like it"), (Some(1), String::new()));
    // Inside a longer text, a message splits no word.
    assert_eq!(
        lookup("2026-11-30 ERROR SubWidget w_42 not found"),
        (Some(1), String::new())
    );

    // Nothing matches: the closest messages, or the code the text spells, are suggested.
    let near = errdex(
        &["lookup", "Widgt w_42 was not found", "--catalog", "c"],
        dir.path(),
    );
    assert_eq!(near.status.code(), Some(1));
    let stderr = text(&near.stderr);
    assert!(
        stderr.contains("help: the closest messages in the catalog:\n  not_found (HTTP 404): Widget {id} not found\n"),
        "{stderr}"
    );
    assert!(!stderr.contains("rate_limited"), "{stderr}");
    let code = errdex(&["lookup", "not_fuond", "--catalog", "c"], dir.path());
    assert_eq!(code.status.code(), Some(1));
    assert!(
        text(&code.stderr).contains("help: did you mean the code `not_found`?"),
        "{}",
        text(&code.stderr)
    );
    // A code pasted alone, as written or as the API sends it, names its error.
    assert_eq!(lookup("not_found"), found("code"));
    assert_eq!(lookup("NotFound"), found("code"));
    assert_eq!(lookup("'NOT_FOUND'"), found("code"));
    let sent = errdex(&["lookup", "NotFound", "--catalog", "c"], dir.path());
    assert_eq!(sent.status.code(), Some(0));
    assert!(text(&sent.stdout).starts_with("not_found (HTTP 404)"));
    assert_eq!(
        text(&sent.stderr),
        "note: found by its code; `errdex explain not_found` prints its page\n"
    );
    // A numeric code alone is a code, not a body; a number next to it is another error.
    let numeric = errdex(
        &["new", "20003", "--status", "401", "--catalog", "c"],
        dir.path(),
    );
    assert!(numeric.status.success(), "{}", text(&numeric.stderr));
    let alone = errdex(&["lookup", "20003", "--catalog", "c"], dir.path());
    assert_eq!(
        text(&alone.stderr),
        "note: found by its code; `errdex explain 20003` prints its page\n"
    );
    let next = errdex(&["lookup", "20004", "--catalog", "c"], dir.path());
    assert_eq!(next.status.code(), Some(1));
    assert!(
        !text(&next.stderr).contains("did you mean"),
        "{}",
        text(&next.stderr)
    );
    std::fs::remove_file(dir.path().join("c/errors/20003.yaml")).expect("remove");
    // A body whose code is undocumented and whose message fits nothing says so.
    let unknown = errdex(
        &[
            "lookup",
            r#"{"error": {"code": "nope", "message": "Nothing like it"}}"#,
            "--catalog",
            "c",
        ],
        dir.path(),
    );
    assert_eq!(unknown.status.code(), Some(1));
    assert!(
        text(&unknown.stderr)
            .contains("note: the body's code \"nope\" names no error in this catalog"),
        "{}",
        text(&unknown.stderr)
    );
    // A message that is the very text wins over the code it spells.
    let file = dir.path().join("c/errors/rate_limited.yaml");
    let written = std::fs::read_to_string(&file).expect("read");
    let with_message = written.replace("messages:\n", "messages:\n  - message: \"NotFound\"\n");
    assert_ne!(with_message, written);
    std::fs::write(&file, with_message).expect("write");
    assert_eq!(
        lookup("NotFound"),
        (Some(0), "\"rate_limited\" \"exact\"".to_owned())
    );
    std::fs::write(&file, written).expect("write");
    // A status alone, or an error's title, is no match: the help says which errors.
    let status = errdex(
        &["lookup", "HTTP/1.1 404 Not Found", "--catalog", "c"],
        dir.path(),
    );
    assert_eq!(status.status.code(), Some(1));
    assert!(
        text(&status.stderr).contains(
            "help: one error has HTTP status 404: `not_found`; `errdex explain not_found` prints its page"
        ),
        "{}",
        text(&status.stderr)
    );
    let none = errdex(&["lookup", "418", "--catalog", "c"], dir.path());
    assert!(
        text(&none.stderr).contains("help: no error in the catalog has HTTP status 418"),
        "{}",
        text(&none.stderr)
    );
    // `--json` keeps stdout the list a script parses, and gives the help on stderr.
    let title = errdex(
        &["lookup", "too many requests", "--catalog", "c", "--json"],
        dir.path(),
    );
    assert_eq!(title.status.code(), Some(1));
    assert_eq!(text(&title.stdout), "[]\n");
    assert!(
        text(&title.stderr).contains("help: that is the title of `rate_limited` (HTTP 429)"),
        "{}",
        text(&title.stderr)
    );
    let human = errdex(
        &["lookup", "WIDGET w_42 NOT FOUND", "--catalog", "c"],
        dir.path(),
    );
    assert_eq!(human.status.code(), Some(0));
    assert!(text(&human.stdout).starts_with("not_found (HTTP 404)"));
    assert_eq!(
        text(&human.stderr),
        "note: matched ignoring case and spacing\n"
    );
}

#[test]
fn lookup_names_the_error_a_pasted_body_names_by_its_code() {
    let dir = tempfile::tempdir().expect("temp dir");
    assert!(errdex(&["init", "c"], dir.path()).status.success());
    let lookup = |pasted: &str| lookup_json(dir.path(), pasted);
    // The code at the envelope's `code` pointer decides, whatever the message says.
    let body = r#"{"error": {"code": "rate_limited", "message": "Widget w_42 not found"}}"#;
    assert_eq!(
        lookup(body),
        (Some(0), "\"rate_limited\" \"code\"".to_owned())
    );
    // In a log line, and spelt as the API sends it.
    let logged =
        r#"12:00 WARN {"error": {"code": "NOT_FOUND", "message": "Widget w_1 not found"}}"#;
    assert_eq!(
        lookup(logged),
        (Some(0), "\"not_found\" \"code\"".to_owned())
    );
    let run = errdex(&["lookup", logged, "--catalog", "c"], dir.path());
    assert_eq!(
        text(&run.stderr),
        "note: found by the code in the response body\n"
    );
    // The message of the body, when one of the error's fits it.
    let out = text(&run.stdout);
    assert!(
        out.contains("\n  message: Widget {id} not found\n"),
        "{out}"
    );
}

/// An RFC 9457 body names its error by `type`, the page's address, when the envelope
/// points `docs_url` there; the address alone, pasted, names it too.
#[test]
fn lookup_names_the_error_whose_page_a_body_or_the_text_gives() {
    let dir = tempfile::tempdir().expect("temp dir");
    assert!(errdex(&["init", "c"], dir.path()).status.success());
    let lookup = |pasted: &str| lookup_json(dir.path(), pasted);
    // No code, and a message no template has: only the docs URL says which error.
    let body = r#"{"error": {"message": "Gadget g_1 is gone", "docs_url": "https://docs.example.com/errors/not_found/"}}"#;
    assert_eq!(lookup(body), (Some(0), "\"not_found\" \"page\"".to_owned()));
    for address in [
        "https://docs.example.com/errors/rate_limited/",
        "https://docs.example.com/errors/rate_limited",
        "https://docs.example.com/errors/rate_limited.md",
    ] {
        assert_eq!(
            lookup(address),
            (Some(0), "\"rate_limited\" \"page\"".to_owned()),
            "{address}"
        );
    }
    // Another site's page names nothing.
    assert_eq!(
        lookup("https://docs.other.example/errors/not_found/").0,
        Some(1)
    );
}

/// What an agent decides from comes with each match: the action, whether and when to
/// retry, the Markdown to read next, and whether the error is on its way out. A body
/// whose code names no error of the catalog says so when its message finds one.
#[test]
fn lookup_gives_what_an_agent_decides_with() {
    let dir = tempfile::tempdir().expect("temp dir");
    assert!(errdex(&["init", "c"], dir.path()).status.success());
    let run = errdex(
        &[
            "lookup",
            "--catalog",
            "c",
            "--json",
            r#"{"error": {"code": "rate_limited"}}"#,
        ],
        dir.path(),
    );
    let matches: Vec<serde_json::Value> = serde_json::from_slice(&run.stdout).expect("JSON");
    let found = &matches[0];
    assert_eq!(found["action"], "retry_later", "{found:#}");
    assert_eq!(found["retryable"], true);
    assert!(found["retry_after"].is_object(), "{found:#}");
    assert_eq!(found["deprecated"], false);
    // Present when empty, as in errors.json.
    assert_eq!(found.get("replaced_by"), Some(&serde_json::Value::Null));
    assert_eq!(
        found["markdown_url"],
        "https://docs.example.com/errors/rate_limited.md"
    );
    let human = errdex(
        &[
            "lookup",
            "--catalog",
            "c",
            r#"{"error": {"code": "rate_limited"}}"#,
        ],
        dir.path(),
    );
    assert!(
        text(&human.stdout).contains("\n  action: retry_later, retryable after "),
        "{}",
        text(&human.stdout)
    );

    let unknown = r#"{"error": {"code": "gadget_gone", "message": "Widget w_1 not found"}}"#;
    let run = errdex(&["lookup", "--catalog", "c", "--json", unknown], dir.path());
    let matches: Vec<serde_json::Value> = serde_json::from_slice(&run.stdout).expect("JSON");
    assert_eq!(matches[0]["code"], "not_found");
    assert_eq!(
        matches[0]["note"],
        "the body's code \"gadget_gone\" names no error in this catalog; matched by its message"
    );
    let run = errdex(&["lookup", "--catalog", "c", unknown], dir.path());
    assert!(
        text(&run.stderr).contains("note: the body's code \"gadget_gone\" names no error"),
        "{}",
        text(&run.stderr)
    );
}

/// When two envelopes each find a code in the body (a card's `code` and its
/// `decline_code`), the error whose message the body holds too is the answer.
#[test]
fn lookup_prefers_the_named_error_whose_message_the_body_holds() {
    let dir = tempfile::tempdir().expect("temp dir");
    assert!(errdex(&["init", "c"], dir.path()).status.success());
    let config = dir.path().join("c/errdex.yaml");
    let text_of_config = std::fs::read_to_string(&config).expect("init wrote errdex.yaml");
    let second = "  - id: decline\n    title: Decline\n    example: |\n      {\"error\": {\"code\": \"x\", \"decline_code\": \"y\"}}\n    pointers:\n      code: /error/decline_code\ngroups:";
    std::fs::write(&config, text_of_config.replacen("groups:", second, 1)).expect("edit");
    let body = r#"{"error": {"code": "not_found", "decline_code": "rate_limited", "message": "Widget w_9 not found"}}"#;
    assert_eq!(
        lookup_json(dir.path(), body),
        (Some(0), "\"not_found\" \"code\"".to_owned())
    );
    // Without a message that decides, both are named.
    let body = r#"{"error": {"code": "not_found", "decline_code": "rate_limited"}}"#;
    assert_eq!(
        lookup_json(dir.path(), body),
        (
            Some(0),
            "\"not_found\" \"code\", \"rate_limited\" \"code\"".to_owned()
        )
    );
}

#[test]
fn lookup_searches_files_that_share_a_message_and_names_them_all() {
    let dir = tempfile::tempdir().expect("temp dir");
    assert!(errdex(&["init", "c"], dir.path()).status.success());
    // Two codes send one message: E030 in check, but both are what lookup is asked.
    let twin = std::fs::read_to_string(dir.path().join("c/errors/not_found.yaml"))
        .expect("init wrote not_found.yaml")
        .replace("code: not_found", "code: gone")
        .replace("\"code\": \"not_found\"", "\"code\": \"gone\"")
        .replace("errors/not_found/", "errors/gone/");
    std::fs::write(dir.path().join("c/errors/gone.yaml"), twin).expect("write gone.yaml");
    let check = errdex(&["check", "--catalog", "c"], dir.path());
    assert_eq!(check.status.code(), Some(1));
    assert!(
        text(&check.stderr).contains("error[E030]"),
        "{}",
        text(&check.stderr)
    );
    assert_eq!(
        lookup_json(dir.path(), "Widget w_42 not found"),
        (
            Some(0),
            "\"gone\" \"exact\", \"not_found\" \"exact\"".to_owned()
        )
    );
    let run = errdex(
        &["lookup", "Widget w_42 not found", "--catalog", "c"],
        dir.path(),
    );
    assert_eq!(
        text(&run.stderr),
        "note: 2 errors claim this message; `errdex check` reports it (E030) until one does\n"
    );
}

#[test]
fn lookup_prefers_the_message_whose_placeholders_hold_values() {
    let dir = tempfile::tempdir().expect("temp dir");
    assert!(errdex(&["init", "c"], dir.path()).status.success());
    // A catch-all of another code: `{what}` could hold "Widget w_42" too.
    let catch_all = std::fs::read_to_string(dir.path().join("c/errors/not_found.yaml"))
        .expect("init wrote not_found.yaml")
        .replace("code: not_found", "code: gone")
        .replace("Widget {id} not found", "{what} not found")
        .replace("\"code\": \"not_found\"", "\"code\": \"gone\"")
        .replace("Widget w_1 not found", "w_1 not found")
        .replace("errors/not_found/", "errors/gone/");
    std::fs::write(dir.path().join("c/errors/gone.yaml"), catch_all).expect("write gone.yaml");
    let check = errdex(&["check", "--catalog", "c", "--strict"], dir.path());
    assert!(check.status.success(), "{}", text(&check.stderr));
    let lookup = |pasted: &str| lookup_json(dir.path(), pasted).1;
    // Each placeholder a value: one error, as check promises.
    assert_eq!(lookup("Widget w_42 not found"), "\"not_found\" \"exact\"");
    assert_eq!(lookup("w_42 not found"), "\"gone\" \"exact\"");
    // A value with spaces fits both, and both are listed, in catalog order.
    assert_eq!(
        lookup("Widget big one not found"),
        "\"gone\" \"spaced\", \"not_found\" \"spaced\""
    );
}

#[test]
fn explain_prints_the_markdown_and_suggests_close_codes() {
    let dir = tempfile::tempdir().expect("temp dir");
    assert!(errdex(&["init", "c"], dir.path()).status.success());
    let explain = errdex(&["explain", "rate_limited", "--catalog", "c"], dir.path());
    assert_eq!(explain.status.code(), Some(0));
    let out = text(&explain.stdout);
    assert!(out.starts_with(
        "> Fetch the complete documentation index at: https://docs.example.com/llms.txt"
    ));
    assert!(out.contains("# rate_limited: Too many requests"));
    assert!(!out.contains('\x1b'), "no colour when piped");
    let typo = errdex(&["explain", "rate_limitd", "--catalog", "c"], dir.path());
    assert_eq!(typo.status.code(), Some(1));
    assert!(
        text(&typo.stderr).contains("did you mean `rate_limited`?"),
        "{}",
        text(&typo.stderr)
    );
}

/// Logs and dashboards print codes as the API sends them (`RATE_LIMITED`,
/// `RateLimited`); `explain` finds the error they spell. A code close to none of the
/// catalog's is answered with the catalog's codes, never with an empty list.
#[test]
fn explain_finds_a_code_written_as_the_api_sends_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    assert!(errdex(&["init", "c"], dir.path()).status.success());
    for spelled in ["RATE_LIMITED", "RateLimited", "rate-limited"] {
        let explain = errdex(&["explain", spelled, "--catalog", "c"], dir.path());
        assert_eq!(explain.status.code(), Some(0), "{spelled}");
        assert!(
            text(&explain.stdout).contains("# rate_limited: Too many requests"),
            "{spelled}"
        );
    }
    let unknown = errdex(&["explain", "zzz", "--catalog", "c"], dir.path());
    assert_eq!(unknown.status.code(), Some(1));
    let help = text(&unknown.stderr);
    assert!(help.contains("expected one of `"), "{help}");
    assert!(help.contains("`rate_limited`"), "{help}");
}

/// `check` prints `warning[W017]`; `explain W017` tells what it means, with its example,
/// as `rustc --explain` does, and needs no catalog to do so.
#[test]
fn explain_tells_what_a_checks_diagnostic_means() {
    let dir = tempfile::tempdir().expect("temp dir");
    let explained = errdex(&["explain", "W017"], dir.path());
    assert_eq!(
        explained.status.code(),
        Some(0),
        "{}",
        text(&explained.stderr)
    );
    let out = text(&explained.stdout);
    assert!(
        out.starts_with("## W017\n\nA Markdown text defines a link label twice"),
        "{out}"
    );
    assert!(
        out.contains("warning[W017]: `[Limits]` is defined again"),
        "{out}"
    );
    assert!(
        !out.contains("## W016") && !out.contains("## E001"),
        "one section: {out}"
    );
    // The last section of the file, and the first, end where they should too.
    let first = text(&errdex(&["explain", "E001"], dir.path()).stdout);
    assert!(
        first.starts_with("## E001\n") && !first.contains("## E002"),
        "{first}"
    );

    assert!(errdex(&["init", "c"], dir.path()).status.success());
    for (asked, help) in [
        (
            "w017",
            "write it as `check` prints it: `errdex explain W017`",
        ),
        (
            "W999",
            "`W999` is no diagnostic of `check` either: errors are E001–E",
        ),
        ("W999", ", warnings W001–W"),
    ] {
        let run = errdex(&["explain", asked, "--catalog", "c"], dir.path());
        assert_eq!(run.status.code(), Some(1), "{asked}");
        assert!(
            text(&run.stderr).contains(help),
            "{asked}: {}",
            text(&run.stderr)
        );
    }
}

/// A `|` is escaped in a code span inside a table cell, where it would end the cell,
/// and nowhere else, where the backslash would show.
#[test]
fn explain_and_lookup_never_echo_a_terminal_control_sequence() {
    // A message pasted from a log may hold escape sequences (`\e]52;…` writes the
    // clipboard, `\e[2J` clears the screen): they are quoted escaped.
    let dir = tempfile::tempdir().expect("temp dir");
    assert!(errdex(&["init", "docs"], dir.path()).status.success());
    for args in [
        ["lookup", "--catalog", "docs", "boom \u{1b}[2J"],
        ["explain", "--catalog", "docs", "x\u{1b}]52;c;aGk=\u{7}"],
    ] {
        let run = errdex(&args, dir.path());
        let stderr = text(&run.stderr);
        assert!(!stderr.contains('\u{1b}'), "{args:?}: {stderr:?}");
        assert!(stderr.contains("\\u{1b}"), "{args:?}: {stderr}");
    }
}

#[test]
fn explain_takes_a_diagnostic_in_lower_case_outside_a_catalog() {
    // Inside a catalog, `e001` may be one of its error codes (they are lower case).
    let dir = tempfile::tempdir().expect("temp dir");
    let run = errdex(&["explain", "e001"], dir.path());
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    assert!(
        text(&run.stdout).starts_with("## E001"),
        "{}",
        text(&run.stdout)
    );
}

#[test]
fn explain_escapes_pipes_in_table_cells_only() {
    let dir = tempfile::tempdir().expect("temp dir");
    assert!(errdex(&["init", "c"], dir.path()).status.success());
    let file = dir.path().join("c/errors/rate_limited.yaml");
    let mut yaml = std::fs::read_to_string(&file).expect("read");
    yaml.push_str("endpoints:\n  - GET /a|b\nfields:\n  - field: a|b\n    cause: It is wrong.\n");
    std::fs::write(&file, yaml).expect("write");
    let explain = errdex(&["explain", "rate_limited", "--catalog", "c"], dir.path());
    assert_eq!(explain.status.code(), Some(0), "{}", text(&explain.stderr));
    let out = text(&explain.stdout);
    assert!(out.contains("\n- `GET /a|b`\n"), "{out}");
    assert!(out.contains("\n| `a\\|b` | It is wrong. |\n"), "{out}");
}

/// A writer halfway through editing one file can still read the others: `explain` and
/// `lookup` leave a broken file out (and say so) instead of refusing the whole catalog.
#[test]
fn explain_and_lookup_leave_a_broken_file_out_instead_of_refusing() {
    let dir = tempfile::tempdir().expect("temp dir");
    assert!(errdex(&["init", "c"], dir.path()).status.success());
    std::fs::write(
        dir.path().join("c/errors/half.yaml"),
        "code: half\ntitle: [\n",
    )
    .expect("write");

    let explain = errdex(&["explain", "rate_limited", "--catalog", "c"], dir.path());
    assert_eq!(explain.status.code(), Some(0), "{}", text(&explain.stderr));
    assert!(text(&explain.stdout).contains("# rate_limited: Too many requests"));
    let note = text(&explain.stderr);
    assert!(
        note.contains("note: left out 1 error file that has errors; `errdex check` lists them"),
        "{note}"
    );
    assert!(
        !note.contains("half.yaml"),
        "only the code asked for: {note}"
    );

    // A related code whose file is left out has no title to show: its link is the code.
    let limited = dir.path().join("c/errors/rate_limited.yaml");
    let before = std::fs::read_to_string(&limited).expect("read");
    std::fs::write(
        &limited,
        format!("{before}related:\n  - half\n  - not_found\n"),
    )
    .expect("write");
    let explain = errdex(&["explain", "rate_limited", "--catalog", "c"], dir.path());
    assert_eq!(explain.status.code(), Some(0), "{}", text(&explain.stderr));
    let out = text(&explain.stdout);
    assert!(
        out.contains("\n- [half](https://docs.example.com/errors/half.md)\n"),
        "{out}"
    );
    assert!(
        out.contains("\n- [not_found: Resource not found]("),
        "{out}"
    );
    std::fs::write(&limited, before).expect("write");

    // A code not found may be in a file left out, under another name: the note says so.
    let unknown = errdex(&["explain", "not_here", "--catalog", "c"], dir.path());
    assert_eq!(unknown.status.code(), Some(1));
    assert!(
        text(&unknown.stderr).contains("note: left out 1 error file that has errors"),
        "{}",
        text(&unknown.stderr)
    );

    // The broken file itself is refused, with its diagnostics.
    let broken = errdex(&["explain", "half", "--catalog", "c"], dir.path());
    assert_eq!(broken.status.code(), Some(1));
    let stderr = text(&broken.stderr);
    assert!(stderr.contains("c/errors/half.yaml:2:"), "{stderr}");
    assert!(stderr.contains("`half` has errors"), "{stderr}");

    // lookup: 0 with a match, 1 without, as grep does.
    let found = errdex(
        &["lookup", "Widget w_42 not found", "--catalog", "c"],
        dir.path(),
    );
    assert_eq!(found.status.code(), Some(0), "{}", text(&found.stderr));
    assert!(text(&found.stdout).starts_with("not_found (HTTP 404)"));
    assert!(text(&found.stderr).contains("note: did not search 1 error file"));
    let missing = errdex(&["lookup", "Nothing like it", "--catalog", "c"], dir.path());
    assert_eq!(missing.status.code(), Some(1));

    // A catalog whose errdex.yaml is broken cannot be searched: exit 2, not "no match".
    let config = dir.path().join("c/errdex.yaml");
    let mut text_of_config = std::fs::read_to_string(&config).expect("read");
    text_of_config.push_str("base_url: [\n");
    std::fs::write(&config, text_of_config).expect("write");
    let unsearchable = errdex(
        &["lookup", "Widget w_42 not found", "--catalog", "c"],
        dir.path(),
    );
    assert_eq!(unsearchable.status.code(), Some(2));
    let stderr = text(&unsearchable.stderr);
    assert!(stderr.contains("c/errdex.yaml:"), "{stderr}");
    assert!(stderr.contains("cannot be searched"), "{stderr}");
    let explain = errdex(&["explain", "rate_limited", "--catalog", "c"], dir.path());
    assert_eq!(explain.status.code(), Some(1));
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("readable dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[test]
fn completions_are_printed_for_each_shell() {
    let dir = tempfile::tempdir().expect("temp dir");
    for shell in ["bash", "zsh", "fish"] {
        let out = errdex(&["completions", shell], dir.path());
        assert!(out.status.success(), "{shell}");
        let script = text(&out.stdout);
        assert!(
            script.contains("errdex") && script.contains("lookup"),
            "{shell}"
        );
    }
}

#[test]
fn new_files_point_editors_at_the_schema_init_wrote() {
    let dir = tempfile::tempdir().expect("temp dir");
    assert!(errdex(&["init", "c"], dir.path()).status.success());
    assert!(dir.path().join("c/errdex.schema.json").is_file());
    assert!(
        errdex(
            &["new", "gone", "--status", "410", "--catalog", "c"],
            dir.path()
        )
        .status
        .success()
    );
    let file = std::fs::read_to_string(dir.path().join("c/errors/gone.yaml")).expect("written");
    assert!(
        file.starts_with("# yaml-language-server: $schema=../errdex.schema.json\n"),
        "{file}"
    );
}

#[test]
fn quiet_silences_progress_and_verbose_logs_stages() {
    let dir = tempfile::tempdir().expect("temp dir");
    assert!(
        errdex(&["init", "c", "--quiet"], dir.path())
            .stderr
            .is_empty()
    );
    let quiet = errdex(
        &["build", "--catalog", "c", "--out", "site", "--quiet"],
        dir.path(),
    );
    assert_eq!(quiet.status.code(), Some(0));
    assert_eq!(text(&quiet.stderr), "", "--quiet prints nothing on success");
    let normal = errdex(&["build", "--catalog", "c", "--out", "site"], dir.path());
    assert!(
        text(&normal.stderr).starts_with("Built 2 errors into site: "),
        "{}",
        text(&normal.stderr)
    );
    std::fs::remove_file(dir.path().join("c/errors/rate_limited.yaml")).expect("rm");
    let one = errdex(&["build", "--catalog", "c", "--out", "site"], dir.path());
    assert!(
        text(&one.stderr).starts_with("Built 1 error into site: "),
        "{}",
        text(&one.stderr)
    );
    let verbose = errdex(&["-v", "check", "--catalog", "c"], dir.path());
    let log = text(&verbose.stderr);
    assert!(log.contains("DEBUG") && log.contains("checked"), "{log}");
    assert!(!log.contains('\x1b'), "no colour codes when not a terminal");
}

#[test]
fn the_response_stub_of_new_follows_the_catalog_envelope() {
    // Uncommented, the stub `{"error": {"code": …}}` lacked the message and docs URL
    // that the envelope of `errdex init` points at: two E026 in a file errdex wrote.
    let dir = tempfile::tempdir().expect("temp dir");
    assert!(errdex(&["init", "c"], dir.path()).status.success());
    let new = errdex(
        &["new", "widget_locked", "--status", "423", "--catalog", "c"],
        dir.path(),
    );
    assert!(new.status.success(), "{}", text(&new.stderr));
    let file = dir.path().join("c/errors/widget_locked.yaml");
    let stubbed = std::fs::read_to_string(&file).expect("written");
    let uncommented = stubbed
        .replace("# response:\n", "response:\n")
        .replace("#   body: |\n#     {", "  body: |\n    {");
    assert_ne!(uncommented, stubbed, "the stub is there to uncomment");
    std::fs::write(&file, uncommented).expect("edit");
    assert_eq!(only_unfinished_notes(dir.path()), 2);
}

#[test]
fn with_several_envelopes_the_response_stub_of_new_names_the_first() {
    // A response that names no envelope is checked against none when there are several
    // (W015): the uncommented stub would have been warned about.
    let dir = tempfile::tempdir().expect("temp dir");
    assert!(errdex(&["init", "c"], dir.path()).status.success());
    let config = dir.path().join("c/errdex.yaml");
    let text_of_config = std::fs::read_to_string(&config).expect("init wrote errdex.yaml");
    let second = "  - id: problem\n    title: Problem details\n    media_type: application/problem+json\n    example: |\n      {\"type\": \"about:blank\", \"status\": 404}\n    pointers:\n      status: /status\ngroups:";
    std::fs::write(&config, text_of_config.replacen("groups:", second, 1)).expect("edit");
    for code in ["not_found", "rate_limited"] {
        let file = dir.path().join(format!("c/errors/{code}.yaml"));
        let yaml = std::fs::read_to_string(&file).expect("init wrote it");
        let named = yaml.replace("response:\n", "response:\n  envelope: standard\n");
        std::fs::write(&file, named).expect("edit");
    }
    let new = errdex(
        &["new", "widget_locked", "--status", "423", "--catalog", "c"],
        dir.path(),
    );
    assert!(new.status.success(), "{}", text(&new.stderr));
    let file = dir.path().join("c/errors/widget_locked.yaml");
    let stubbed = std::fs::read_to_string(&file).expect("written");
    assert!(
        stubbed.contains("# response:\n#   envelope: standard\n#   body: |\n"),
        "{stubbed}"
    );
    let uncommented = stubbed
        .replace("# response:\n#   envelope:", "response:\n  envelope:")
        .replace("#   body: |\n#     {", "  body: |\n    {");
    std::fs::write(&file, uncommented).expect("edit");
    assert_eq!(only_unfinished_notes(dir.path()), 2);
}

/// Checks the catalog `c` in `dir`, asserts that its only diagnostics are W014 (the
/// `TODO` notes `errdex new` writes) and that `--strict` fails on them, and returns how
/// many there are.
fn only_unfinished_notes(dir: &Path) -> usize {
    let check = errdex(&["check", "--catalog", "c", "--format", "json"], dir);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stdout));
    let diagnostics: Vec<serde_json::Value> =
        serde_json::from_str(&text(&check.stdout)).expect("JSON diagnostics");
    assert!(
        diagnostics.iter().all(|d| d["code"] == "W014"),
        "{diagnostics:#?}"
    );
    let strict = errdex(&["check", "--catalog", "c", "--strict"], dir);
    assert_eq!(strict.status.code(), Some(1), "{}", text(&strict.stderr));
    diagnostics.len()
}

/// `default_envelope` names the envelope a response that names none follows, once
/// errdex.yaml defines several: its body is checked against it, the page and
/// `errors.json` name it, and `errdex new` leaves it unnamed. A default that names no
/// envelope is one E015 in errdex.yaml, not a W015 in every file.
#[test]
fn a_default_envelope_serves_every_response_that_names_none() {
    let dir = tempfile::tempdir().expect("temp dir");
    assert!(errdex(&["init", "c"], dir.path()).status.success());
    let config = dir.path().join("c/errdex.yaml");
    let original = std::fs::read_to_string(&config).expect("init wrote errdex.yaml");
    let second = "  - id: problem\n    title: Problem details\n    media_type: application/problem+json\n    example: |\n      {\"type\": \"about:blank\", \"status\": 404}\n    pointers:\n      status: /status\ngroups:";
    let two = original.replacen("groups:", second, 1);
    let with_default = |default: &str| {
        std::fs::write(&config, format!("{two}default_envelope: {default}\n")).expect("edit");
    };
    let check = |dir: &Path| {
        let output = errdex(&["check", "--catalog", "c"], dir);
        (output.status.code(), text(&output.stderr))
    };

    std::fs::write(&config, &two).expect("edit");
    let (_, stderr) = check(dir.path());
    assert_eq!(stderr.matches("warning[W015]").count(), 2, "{stderr}");
    assert!(
        stderr.contains(
            "or, if most responses have that shape, `default_envelope: standard` in errdex.yaml"
        ),
        "{stderr}"
    );

    with_default("standard");
    let (status, stderr) = check(dir.path());
    assert_eq!(status, Some(0), "{stderr}");
    assert!(stderr.contains("no errors or warnings"), "{stderr}");
    // The body is checked against the default: a wrong code there is found.
    let file = dir.path().join("c/errors/not_found.yaml");
    let yaml = std::fs::read_to_string(&file).expect("init wrote it");
    std::fs::write(
        &file,
        yaml.replacen("\"code\": \"not_found\"", "\"code\": \"missing\"", 1),
    )
    .expect("edit");
    let (status, stderr) = check(dir.path());
    assert_eq!(status, Some(1), "{stderr}");
    assert!(
        stderr.contains("error[E022]: the body's code is \"missing\""),
        "{stderr}"
    );
    std::fs::write(&file, &yaml).expect("restore");

    let out = dir.path().join("site");
    let build = errdex(
        &[
            "build",
            "--catalog",
            "c",
            "--out",
            out.to_str().expect("UTF-8"),
        ],
        dir.path(),
    );
    assert!(build.status.success(), "{}", text(&build.stderr));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("errors.json")).expect("written"))
            .expect("JSON");
    let not_found = json["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .find(|e| e["code"] == "not_found")
        .expect("not_found");
    assert_eq!(not_found["response"]["envelope"], "standard");
    let page = std::fs::read_to_string(out.join("errors/not_found/index.html")).expect("page");
    assert!(
        page.contains("#envelope-standard"),
        "the page links its envelope"
    );

    let new = errdex(
        &["new", "widget_locked", "--status", "423", "--catalog", "c"],
        dir.path(),
    );
    assert!(new.status.success(), "{}", text(&new.stderr));
    let stub =
        std::fs::read_to_string(dir.path().join("c/errors/widget_locked.yaml")).expect("new");
    assert!(stub.contains("# response:\n#   body: |\n"), "{stub}");
    std::fs::remove_file(dir.path().join("c/errors/widget_locked.yaml")).expect("remove");

    with_default("standrd");
    let (status, stderr) = check(dir.path());
    assert_eq!(status, Some(1), "{stderr}");
    assert!(
        stderr.contains("errdex.yaml:")
            && stderr.contains(
                "error[E015]: `default_envelope` names `standrd`, which is not one of the envelopes"
            ),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `standard`?"), "{stderr}");
    assert!(!stderr.contains("W015"), "{stderr}");
}
