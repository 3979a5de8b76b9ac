//! What `errdex build` writes: every output kind pinned by a snapshot, the same content in
//! every output (HTML, Markdown, JSON), `llms.txt` read by the reference parser, and
//! hostile text shown literally, never executed.
//!
//! Fixture catalogs live in `tests/fixtures/render/`: `small` exercises every section of
//! a page in a few errors; `hostile` holds markup and template syntax in every field the
//! checker accepts as plain text. The parity and llms.txt tests also run over the example
//! catalog in `catalog/`.

use errdex::markdown::{classify, classify_raw, to_agent_markdown, to_plain_text};
use errdex::model::Catalog;
use errdex::render::{Files, RenderOptions, Theme, render_site};
use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

const SMALL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/render/small");
const HOSTILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/render/hostile");
const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/catalog");

// ---------------------------------------------------------------------------------------
// Helpers

/// A site built by the binary into a temporary folder.
struct Site {
    _dir: tempfile::TempDir,
    out: PathBuf,
}

impl Site {
    fn read(&self, path: &str) -> String {
        let full = self.out.join(path);
        std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
    }

    /// Every file of the site, by `/`-separated relative path.
    fn files(&self) -> BTreeMap<String, Vec<u8>> {
        let mut files = BTreeMap::new();
        for entry in walkdir::WalkDir::new(&self.out).sort_by_file_name() {
            let entry = entry.expect("walk the site");
            if entry.file_type().is_file() {
                let relative = entry
                    .path()
                    .strip_prefix(&self.out)
                    .expect("inside the site");
                let key = relative.to_string_lossy().replace('\\', "/");
                files.insert(key, std::fs::read(entry.path()).expect("read a site file"));
            }
        }
        files
    }
}

/// `errdex build --catalog <catalog> --out <tmp>/site`, which must succeed.
fn build(catalog: &str) -> Site {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("site");
    let output = Command::new(env!("CARGO_BIN_EXE_errdex"))
        .args(["build", "--catalog", catalog, "--out"])
        .arg(&out)
        .env("NO_COLOR", "1")
        .output()
        .expect("errdex runs");
    assert!(
        output.status.success(),
        "build of {catalog} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    Site { _dir: dir, out }
}

/// The validated catalog, through the library (the same stages `build` runs).
fn load(catalog: &str) -> Catalog {
    let loaded = errdex::load::load_catalog(Path::new(catalog)).expect("catalog loads");
    let checked = errdex::check::check(&loaded);
    checked
        .catalog
        .unwrap_or_else(|| panic!("{catalog} has errors: {:?}", checked.diagnostics))
}

/// Replaces the content hash in fingerprinted asset names, so a theme edit changes the
/// snapshots of the theme files only. (The assets themselves are checked to exist.)
fn redact_fingerprints(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("assets/") {
        let (before, after) = rest.split_at(at + "assets/".len());
        out.push_str(before);
        rest = after;
        let Some(dot) = rest.find('.') else { break };
        let hash_len = rest[dot + 1..]
            .find(|c: char| !c.is_ascii_hexdigit())
            .unwrap_or(rest.len() - dot - 1);
        let ext = &rest[dot + 1 + hash_len..];
        if hash_len >= 8 && [".css", ".js", ".svg"].iter().any(|e| ext.starts_with(e)) {
            out.push_str(&rest[..=dot]);
            out.push_str("[hash]");
            rest = &rest[dot + 1 + hash_len..];
        }
    }
    out.push_str(rest);
    out
}

/// The index `search-index.js` assigns: the file must be one assignment of a JSON value
/// to `window.errdexSearchIndex`, so JavaScript reads the same data as `search-index.json`.
fn script_index(script: &str) -> serde_json::Value {
    let json = script
        .strip_prefix("window.errdexSearchIndex = ")
        .and_then(|rest| rest.strip_suffix(";\n"))
        .unwrap_or_else(|| panic!("search-index.js is not one assignment: {script:.200}"));
    serde_json::from_str(json).unwrap_or_else(|e| panic!("search-index.js holds no JSON: {e}"))
}

fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Decodes the character references that HTML escaping produces.
fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let decoded = rest.find(';').filter(|&end| end <= 10).and_then(|end| {
            let name = &rest[1..end];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// One HTML tag: its lower-cased name and attributes (values entity-decoded).
#[derive(Debug)]
struct HtmlTag {
    name: String,
    attrs: Vec<(String, String)>,
    /// Byte offset just past the tag's `>`.
    end: usize,
}

/// Every start tag in an HTML document. errdex escapes all text, so each `<` that starts
/// a tag name is a real tag.
fn html_tags(html: &str) -> Vec<HtmlTag> {
    let bytes = html.as_bytes();
    let mut tags = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'<' || !bytes.get(i + 1).is_some_and(u8::is_ascii_alphabetic) {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < bytes.len() && !bytes[j].is_ascii_whitespace() && !matches!(bytes[j], b'>' | b'/')
        {
            j += 1;
        }
        let name = html[i + 1..j].to_ascii_lowercase();
        let mut attrs = Vec::new();
        loop {
            while j < bytes.len() && (bytes[j].is_ascii_whitespace() || bytes[j] == b'/') {
                j += 1;
            }
            if j >= bytes.len() || bytes[j] == b'>' {
                break;
            }
            let start = j;
            while j < bytes.len()
                && !bytes[j].is_ascii_whitespace()
                && !matches!(bytes[j], b'=' | b'>' | b'/')
            {
                j += 1;
            }
            let attr = html[start..j].to_ascii_lowercase();
            let mut value = String::new();
            if bytes.get(j) == Some(&b'=') {
                j += 1;
                if let Some(&quote @ (b'"' | b'\'')) = bytes.get(j) {
                    let close = html[j + 1..]
                        .find(quote as char)
                        .map_or(bytes.len(), |e| j + 1 + e);
                    value = decode_entities(&html[j + 1..close.min(bytes.len())]);
                    j = close + 1;
                } else {
                    let start = j;
                    while j < bytes.len() && !bytes[j].is_ascii_whitespace() && bytes[j] != b'>' {
                        j += 1;
                    }
                    value = decode_entities(&html[start..j]);
                }
            }
            attrs.push((attr, value));
        }
        tags.push(HtmlTag {
            name,
            attrs,
            end: (j + 1).min(bytes.len()),
        });
        i = j + 1;
    }
    tags
}

/// The visible text of an HTML page: tags removed, entities decoded, whitespace collapsed.
fn html_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        match rest[open..].find('>') {
            Some(close) => rest = &rest[open + close + 1..],
            None => {
                rest = "";
            }
        }
    }
    text.push_str(rest);
    collapse_whitespace(&decode_entities(&text))
}

fn markdown_options() -> pulldown_cmark::Options {
    pulldown_cmark::Options::ENABLE_TABLES | pulldown_cmark::Options::ENABLE_STRIKETHROUGH
}

/// Raw HTML that a Markdown renderer would pass through, as found by a CommonMark parser.
fn markdown_html(markdown: &str) -> Vec<String> {
    Parser::new_ext(markdown, markdown_options())
        .filter_map(|event| match event {
            Event::Html(html) | Event::InlineHtml(html) => Some(html.to_string()),
            _ => None,
        })
        .collect()
}

/// Every link and image destination in a Markdown document.
fn markdown_destinations(markdown: &str) -> Vec<String> {
    Parser::new_ext(markdown, markdown_options())
        .filter_map(|event| match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                Some(dest_url.to_string())
            }
            _ => None,
        })
        .collect()
}

/// The destination of every line shaped like a reference definition (`[label]: dest`,
/// in a block quote or not), a repeated one included: CommonMark ignores a repeated
/// definition, so the parser does not list it, but an agent reads its text as written
/// and another Markdown reader may take the last definition of a label.
fn definition_lines(markdown: &str) -> Vec<String> {
    markdown
        .lines()
        .filter_map(|line| {
            let rest = line.trim_start_matches([' ', '>']).strip_prefix('[')?;
            let (_, after) = rest.split_once("]:")?;
            let dest = after.split_whitespace().next()?;
            Some(
                dest.trim_start_matches('<')
                    .trim_end_matches('>')
                    .to_owned(),
            )
        })
        .collect()
}

/// Every heading of a Markdown document: level and plain text.
fn markdown_headings(markdown: &str) -> Vec<(HeadingLevel, String)> {
    let mut headings = Vec::new();
    let mut current: Option<(HeadingLevel, String)> = None;
    for event in Parser::new_ext(markdown, markdown_options()) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => current = Some((level, String::new())),
            Event::End(TagEnd::Heading(_)) => headings.extend(current.take()),
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, text)) = current.as_mut() {
                    text.push_str(&t);
                }
            }
            _ => {}
        }
    }
    headings
}

/// Asserts every fenced code block closes: a fence of N backticks or tildes closes only
/// on a line of at least N of the same character and nothing else.
fn assert_fences_balanced(path: &str, markdown: &str) {
    let mut open: Option<(char, usize, usize)> = None;
    for (number, line) in markdown.lines().enumerate() {
        let trimmed = line.trim_start_matches(' ');
        if line.len() - trimmed.len() > 3 {
            continue;
        }
        let Some(ch) = trimmed.chars().next().filter(|c| matches!(c, '`' | '~')) else {
            continue;
        };
        let run = trimmed.chars().take_while(|&c| c == ch).count();
        if run < 3 {
            continue;
        }
        match open {
            None => open = Some((ch, run, number + 1)),
            Some((open_ch, open_run, _))
                if ch == open_ch && run >= open_run && trimmed[run..].trim().is_empty() =>
            {
                open = None;
            }
            Some(_) => {}
        }
    }
    if let Some((_, _, line)) = open {
        panic!("{path}: the code fence opened on line {line} never closes");
    }
}

// ---------------------------------------------------------------------------------------
// 1. Snapshots of every output kind for the small fixture

#[test]
fn small_catalog_outputs_match_their_snapshots() {
    let site = build(SMALL);
    let files = site.files();

    // The file list, so a new or vanished output shows up in review.
    let listing = files
        .keys()
        .map(|path| redact_fingerprints(path))
        .collect::<Vec<_>>()
        .join("\n");
    insta::assert_snapshot!("small__files", listing);

    // Fingerprinted assets that pages name must exist.
    let index = site.read("index.html");
    let tags = html_tags(&index);
    assert!(
        tags.iter().any(|tag| tag.name == "link"
            && tag.attrs.iter().any(|(a, v)| a == "rel" && v == "icon")
            && tag
                .attrs
                .iter()
                .any(|(a, v)| a == "href" && v.ends_with(".svg"))),
        "pages name their icon, so browsers do not probe /favicon.ico"
    );
    for tag in tags {
        for (attr, value) in &tag.attrs {
            if (attr == "href" || attr == "src") && value.starts_with("./assets/") {
                assert!(
                    files.contains_key(value.trim_start_matches("./")),
                    "index.html links to a missing asset {value}"
                );
            }
        }
    }

    for path in [
        "index.html",
        "errors/card_declined/index.html",
        "errors/charge_failed/index.html",
        "errors/card_declined.md",
        "errors/charge_failed.md",
        "errors/rate_limited.md",
        "llms.txt",
        "llms-full.txt",
        "errors.json",
        "errors.schema.json",
        "search-index.json",
        "search-index.js",
        "sitemap.xml",
        "robots.txt",
        "404.html",
    ] {
        let name = format!("small__{}", path.replace('/', "__"));
        insta::assert_snapshot!(name, redact_fingerprints(&site.read(path)));
    }
}

// ---------------------------------------------------------------------------------------
// 2. Parity: every cause, resolution, message and example is in every output

#[test]
fn every_cause_message_and_example_appears_in_every_output() {
    let catalog = load(EXAMPLE);
    let site = build(EXAMPLE);
    let errors_json: serde_json::Value =
        serde_json::from_str(&site.read("errors.json")).expect("errors.json parses");
    let json_errors = errors_json["errors"].as_array().expect("errors array");
    assert_eq!(json_errors.len(), catalog.errors.len());

    let mut checked = 0;
    for entry in &catalog.errors {
        let code = &entry.code;
        let page = html_text(&site.read(&format!("errors/{code}/index.html")));
        let markdown = to_plain_text(&site.read(&format!("errors/{code}.md")));
        let json = json_errors
            .iter()
            .find(|e| e["code"] == code.as_str())
            .unwrap_or_else(|| panic!("{code} is missing from errors.json"));

        // (what, its text as a reader sees it)
        let mut expected: Vec<(String, String)> = Vec::new();
        for cause in &entry.causes {
            expected.push(("cause".into(), to_plain_text(&cause.cause)));
            expected.push(("resolution".into(), to_plain_text(&cause.resolution)));
        }
        for message in &entry.messages {
            expected.push(("message".into(), collapse_whitespace(&message.message)));
            for markdown in [&message.cause, &message.resolution].into_iter().flatten() {
                expected.push(("message cause/resolution".into(), to_plain_text(markdown)));
            }
        }
        for example in &entry.examples {
            expected.push(("example code".into(), collapse_whitespace(&example.code)));
        }
        for (what, text) in &expected {
            assert!(!text.is_empty(), "{code}: empty {what}");
            assert!(
                page.contains(text.as_str()),
                "{code}: {what} missing from its HTML page:\n  {text}"
            );
            assert!(
                markdown.contains(text.as_str()),
                "{code}: {what} missing from its .md:\n  {text}"
            );
            checked += 1;
        }

        // errors.json carries the source text exactly.
        let causes: Vec<(String, String)> = json["causes"]
            .as_array()
            .expect("causes")
            .iter()
            .map(|c| {
                (
                    c["cause"].as_str().unwrap().into(),
                    c["resolution"].as_str().unwrap().into(),
                )
            })
            .collect();
        let source_causes: Vec<(String, String)> = entry
            .causes
            .iter()
            .map(|c| (c.cause.clone(), c.resolution.clone()))
            .collect();
        assert_eq!(causes, source_causes, "{code}: causes in errors.json");
        let messages = json["messages"].as_array().expect("messages");
        assert_eq!(messages.len(), entry.messages.len(), "{code}");
        for (json, source) in messages.iter().zip(&entry.messages) {
            assert_eq!(json["message"], source.message.as_str(), "{code}");
            assert_eq!(json["cause"].as_str(), source.cause.as_deref(), "{code}");
            assert_eq!(
                json["resolution"].as_str(),
                source.resolution.as_deref(),
                "{code}"
            );
        }
        let examples = json["examples"]
            .as_array()
            .expect("examples in errors.json");
        assert_eq!(examples.len(), entry.examples.len(), "{code}");
        for (json, source) in examples.iter().zip(&entry.examples) {
            assert_eq!(json["code"], source.code.as_str(), "{code}");
            assert_eq!(json["title"], source.title.as_str(), "{code}");
            assert_eq!(json["lang"], source.lang.as_str(), "{code}");
        }
    }
    // errors.json keeps to its published schema: every required key, no other key.
    let schema: serde_json::Value =
        serde_json::from_str(&site.read("errors.schema.json")).expect("the schema parses");
    let error_schema = &schema["$defs"]["error"];
    let properties = error_schema["properties"].as_object().expect("properties");
    for json in json_errors {
        let object = json.as_object().expect("an error is an object");
        for key in object.keys() {
            assert!(
                properties.contains_key(key),
                "{key} is not in errors.schema.json"
            );
        }
        for key in error_schema["required"].as_array().expect("required") {
            let key = key.as_str().unwrap();
            assert!(object.contains_key(key), "{}: no {key}", json["code"]);
        }
    }

    // The example catalog is rich; a parity test that compares nothing proves nothing.
    assert!(checked > 200, "only {checked} strings compared");
}

#[test]
fn the_search_script_holds_the_same_index_as_search_index_json() {
    // Pages opened from disk cannot fetch the JSON, so they load the script instead.
    for catalog in [EXAMPLE, HOSTILE] {
        let site = build(catalog);
        let json: serde_json::Value =
            serde_json::from_str(&site.read("search-index.json")).expect("the index parses");
        let script = site.read("search-index.js");
        assert_eq!(script_index(&script), json, "{catalog}");
        assert!(json.as_array().is_some_and(|index| !index.is_empty()));
        // Nothing in it can end a <script> element, not even the hostile titles.
        assert!(!script.contains('<'), "{catalog}: `<` in search-index.js");
    }
}

// ---------------------------------------------------------------------------------------
// 3. llms.txt: the reference parser, the exact entry form, and the .md pages

/// Reads llms.txt with `llms_txt.parse_llms_file` from PyPI's `llms-txt` and prints the
/// result as JSON. Exit 3: the package is not importable.
const PARSE_LLMS_TXT: &str = r#"
import json, sys
try:
    from llms_txt import parse_llms_file
except ImportError as error:
    print(f"cannot import llms_txt: {error}", file=sys.stderr)
    sys.exit(3)
with open(sys.argv[1], encoding="utf-8") as f:
    parsed = parse_llms_file(f.read())
print(json.dumps({
    "title": parsed.title,
    "summary": parsed.summary,
    "info": parsed.info,
    "sections": [[name, [dict(link) for link in links]] for name, links in parsed.sections.items()],
}))
"#;

/// The reference parser's reading of `path`, or `None` (with a notice) when the package
/// is missing on a developer's machine. On CI (`CI=true`) a missing package fails.
fn parse_with_reference_parser(path: &Path) -> Option<serde_json::Value> {
    let output = Command::new("python3")
        .arg("-c")
        .arg(PARSE_LLMS_TXT)
        .arg(path)
        .output();
    let unavailable = match &output {
        Err(error) => Some(format!("python3 could not be run: {error}")),
        Ok(out) if out.status.code() == Some(3) => {
            Some(String::from_utf8_lossy(&out.stderr).trim().to_owned())
        }
        Ok(_) => None,
    };
    if let Some(reason) = unavailable {
        let help = "install it with `pip install llms-txt` (.ci/run does)";
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("the llms.txt reference parser is required on CI: {reason}; {help}");
        }
        eprintln!("SKIPPED the llms.txt reference-parser check: {reason}; {help}");
        return None;
    }
    let output = output.expect("ran");
    assert!(
        output.status.success(),
        "the reference parser failed on {}:\n{}",
        path.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    Some(serde_json::from_slice(&output.stdout).expect("the parser script prints JSON"))
}

/// llms.txt section titles in order, with the errors each lists.
fn expected_sections(catalog: &Catalog) -> Vec<(String, Vec<&errdex::model::ErrorEntry>)> {
    let mut sections: Vec<(String, Vec<_>)> = catalog
        .config
        .groups
        .iter()
        .map(|g| {
            let errors = catalog
                .errors
                .iter()
                .filter(|e| e.group.as_deref() == Some(g.id.as_str()))
                .map(Arc::as_ref)
                .collect();
            (g.title.clone(), errors)
        })
        .collect();
    sections.retain(|(_, errors)| !errors.is_empty());
    // Beside groups, errors in no group are "Other errors", as on the overview; alone,
    // they are all the errors.
    let ungrouped = if sections.is_empty() {
        "Errors"
    } else {
        "Other errors"
    };
    sections.push((
        ungrouped.into(),
        catalog
            .errors
            .iter()
            .filter(|e| e.group.is_none())
            .map(Arc::as_ref)
            .collect(),
    ));
    sections.retain(|(_, errors)| !errors.is_empty());
    sections
}

/// The one form an llms.txt entry may take.
fn expected_entry(catalog: &Catalog, entry: &errdex::model::ErrorEntry) -> String {
    let base = &catalog.config.base_url;
    format!(
        "- [{code}: {title}]({base}/errors/{code}.md): {description}",
        code = entry.code,
        title = entry.title,
        description = expected_description(catalog, entry),
    )
}

/// What follows the link of an llms.txt entry: the status (and how the API spells the
/// code, when otherwise), the summary and, for a deprecated error, a note naming its
/// successor.
fn expected_description(catalog: &Catalog, entry: &errdex::model::ErrorEntry) -> String {
    let base = &catalog.config.base_url;
    let summary = collapse_whitespace(&to_agent_markdown(&entry.summary, base));
    let note = match (&entry.deprecated, &entry.replaced_by) {
        (_, Some(code)) => format!(" Deprecated; use [{code}]({base}/errors/{code}.md) instead."),
        (Some(_), None) => " Deprecated.".to_owned(),
        (None, None) => String::new(),
    };
    let sent_as = match &entry.sent_as {
        // A code span: one backtick more than the longest run inside, and a space
        // inside each end when the text starts or ends with one (CommonMark 6.1).
        Some(sent) => {
            let longest = sent.split(|c| c != '`').map(str::len).max().unwrap_or(0);
            let ticks = "`".repeat(longest + 1);
            let pad = if sent.starts_with('`') || sent.ends_with('`') {
                " "
            } else {
                ""
            };
            format!(", sent as {ticks}{pad}{sent}{pad}{ticks}")
        }
        None => String::new(),
    };
    format!("HTTP {}{sent_as}. {summary}{note}", entry.status)
}

fn check_llms_txt(catalog_dir: &str) {
    let catalog = load(catalog_dir);
    let site = build(catalog_dir);
    let base = catalog.config.base_url.as_str();
    let llms = site.read("llms.txt");
    let sections = expected_sections(&catalog);

    // Headings: one H1 (the title), then one H2 per section, `Optional` last.
    let headings = markdown_headings(&llms);
    let mut expected_headings = vec![(HeadingLevel::H1, catalog.config.title.clone())];
    expected_headings.extend(sections.iter().map(|(t, _)| (HeadingLevel::H2, t.clone())));
    expected_headings.push((HeadingLevel::H2, "Optional".into()));
    assert_eq!(
        headings, expected_headings,
        "{catalog_dir}: llms.txt headings"
    );

    // Entries: the exact form, in catalog order, under their section.
    for (title, errors) in &sections {
        let heading = format!("\n## {title}\n\n");
        let start = llms.find(&heading).expect("section heading") + heading.len();
        let body = &llms[start
            ..llms[start..]
                .find("\n## ")
                .map_or(llms.len(), |e| start + e)];
        let expected: Vec<String> = errors.iter().map(|e| expected_entry(&catalog, e)).collect();
        let actual: Vec<&str> = body.lines().filter(|l| !l.is_empty()).collect();
        assert_eq!(actual, expected, "{catalog_dir}: section {title}");
    }
    assert!(
        llms.trim_end()
            .rsplit("\n## ")
            .next()
            .unwrap()
            .starts_with("Optional\n"),
        "{catalog_dir}: `## Optional` is not the last section"
    );
    assert!(
        markdown_html(&llms).is_empty(),
        "{catalog_dir}: HTML in llms.txt"
    );
    assert_eq!(
        site.read(".well-known/llms.txt"),
        llms,
        "{catalog_dir}: .well-known/llms.txt differs from llms.txt"
    );

    // Every .md page: the index directive first, closed fences, no HTML.
    let directive = format!("> Fetch the complete documentation index at: {base}/llms.txt\n");
    for entry in &catalog.errors {
        let path = format!("errors/{}.md", entry.code);
        let markdown = site.read(&path);
        assert!(
            markdown.starts_with(&directive),
            "{path} does not open with the directive"
        );
        assert_fences_balanced(&path, &markdown);
        assert_eq!(
            markdown_html(&markdown),
            Vec::<String>::new(),
            "HTML in {path}"
        );
    }
    let full = site.read("llms-full.txt");
    assert_fences_balanced("llms-full.txt", &full);
    assert_eq!(
        markdown_html(&full),
        Vec::<String>::new(),
        "HTML in llms-full.txt"
    );

    // The reference parser agrees, and every link under base_url is a file of the site.
    let Some(parsed) = parse_with_reference_parser(&site.out.join("llms.txt")) else {
        return;
    };
    assert_eq!(parsed["title"], catalog.config.title.as_str());
    assert_eq!(
        parsed["summary"],
        collapse_whitespace(&catalog.config.summary).as_str()
    );
    if let Some(instructions) = &catalog.config.agent_instructions {
        let first_line = instructions.lines().next().unwrap_or_default();
        assert!(
            parsed["info"]
                .as_str()
                .unwrap_or_default()
                .contains(first_line),
            "{catalog_dir}: agent instructions missing from the parsed info: {}",
            parsed["info"]
        );
    }
    let parsed_sections = parsed["sections"].as_array().expect("sections");
    let names: Vec<&str> = parsed_sections
        .iter()
        .map(|s| s[0].as_str().unwrap())
        .collect();
    let mut expected_names: Vec<&str> = sections.iter().map(|(t, _)| t.as_str()).collect();
    expected_names.push("Optional");
    assert_eq!(
        names, expected_names,
        "{catalog_dir}: sections per the reference parser"
    );
    // Links the catalog author wrote (`links:` in errdex.yaml) may point anywhere, even
    // elsewhere under base_url; every link errdex itself writes must be in the output.
    let author_links: Vec<String> = catalog
        .config
        .links
        .iter()
        .map(|l| match l.url.strip_prefix('/') {
            Some(path) => format!("{base}/{path}"),
            None => l.url.clone(),
        })
        .collect();
    let mut resolved = 0;
    for section in parsed_sections {
        let name = section[0].as_str().unwrap();
        let links = section[1].as_array().unwrap();
        if let Some((_, errors)) = sections.iter().find(|(t, _)| t == name) {
            let titles: Vec<String> = errors
                .iter()
                .map(|e| format!("{}: {}", e.code, e.title))
                .collect();
            let parsed_titles: Vec<&str> =
                links.iter().map(|l| l["title"].as_str().unwrap()).collect();
            assert_eq!(parsed_titles, titles, "{catalog_dir}: links of {name}");
            let descriptions: Vec<String> = errors
                .iter()
                .map(|e| expected_description(&catalog, e))
                .collect();
            let parsed_descriptions: Vec<&str> =
                links.iter().map(|l| l["desc"].as_str().unwrap()).collect();
            assert_eq!(parsed_descriptions, descriptions, "{catalog_dir}: {name}");
        }
        for link in links {
            let url = link["url"].as_str().expect("url");
            if author_links.iter().any(|l| l == url) {
                continue;
            }
            if let Some(path) = url.strip_prefix(&format!("{base}/")) {
                assert!(
                    site.out.join(path).is_file(),
                    "{catalog_dir}: llms.txt links to {url}, which is not in the output"
                );
                resolved += 1;
            }
        }
    }
    assert!(
        resolved >= catalog.errors.len() + 2,
        "{catalog_dir}: {resolved} links resolved"
    );
}

#[test]
fn llms_txt_of_the_small_catalog_follows_the_format() {
    check_llms_txt(SMALL);
}

#[test]
fn llms_txt_of_the_example_catalog_follows_the_format() {
    check_llms_txt(EXAMPLE);
}

// ---------------------------------------------------------------------------------------
// 5. Hostile strings are shown, never executed

/// Text from the hostile fixture that must reach the pages literally: template syntax a
/// second, accidental template pass would evaluate or strip.
const TEMPLATE_SYNTAX: &[&str] = &[
    "{{ site.title }}",
    "{{ 7*7 }}",
    "{% raw %}",
    "{{ error.title }}",
    "{{ template }}",
    "{# not a comment #}",
    "{{ tera }}",
];

/// Asserts nothing in `files` can run script: no tag or attribute that executes, no
/// unsafe URL in a link, Markdown without raw HTML, JSON that parses.
fn assert_inert(files: &Files) {
    let search_js: Vec<&String> = files
        .keys()
        .filter(|p| p.starts_with("assets/search.") && p.ends_with(".js"))
        .collect();
    assert!(search_js.len() <= 1, "one search script: {search_js:?}");
    let search_js = search_js.first().map_or("assets/search.js", |p| p.as_str());
    for (path, bytes) in files {
        let text = std::str::from_utf8(bytes).unwrap_or_else(|_| panic!("{path} is not UTF-8"));
        let lower = text.to_ascii_lowercase();
        if path.ends_with(".html") {
            let tags = html_tags(text);
            let mut scripts = 0;
            for tag in &tags {
                let where_ = format!("{path}: <{} {:?}>", tag.name, tag.attrs);
                assert!(
                    !matches!(
                        tag.name.as_str(),
                        "img"
                            | "iframe"
                            | "svg"
                            | "object"
                            | "embed"
                            | "frame"
                            | "base"
                            | "math"
                            | "textarea"
                            | "style"
                    ),
                    "forbidden tag in {where_}"
                );
                for (attr, value) in &tag.attrs {
                    assert!(!attr.starts_with("on"), "event handler in {where_}");
                    assert!(
                        !attr.contains(['"', '\'', '<']),
                        "an attribute value broke out in {where_}"
                    );
                    if matches!(
                        attr.as_str(),
                        "href" | "src" | "action" | "formaction" | "xlink:href" | "poster" | "data"
                    ) {
                        assert!(classify_raw(value).may_link(), "unsafe URL in {where_}");
                    }
                }
                if tag.name == "script" {
                    scripts += 1;
                    let src = tag
                        .attrs
                        .iter()
                        .find(|(a, _)| a == "src")
                        .map(|(_, v)| v.as_str())
                        .unwrap_or_else(|| panic!("inline script in {where_}"));
                    assert!(
                        src.ends_with(search_js) && !src.contains("javascript"),
                        "foreign script in {where_}"
                    );
                    assert!(tag.attrs.iter().any(|(a, _)| a == "defer"), "{where_}");
                    assert!(
                        text[tag.end..].starts_with("</script>"),
                        "script with content in {where_}"
                    );
                }
            }
            assert_eq!(
                lower.matches("<script").count(),
                scripts,
                "{path}: a <script that is not a tag"
            );
            assert!(!lower.contains("<img"), "{path}: unescaped <img");
        } else if path.ends_with(".md") || path.ends_with(".txt") {
            assert_eq!(
                markdown_html(text),
                Vec::<String>::new(),
                "raw HTML in {path}"
            );
            for dest in markdown_destinations(text) {
                assert!(classify(&dest).may_link(), "{path}: unsafe link {dest}");
            }
            for dest in definition_lines(text) {
                assert!(
                    classify(&dest).may_link(),
                    "{path}: unsafe definition {dest}"
                );
            }
        } else if path.ends_with(".json") {
            serde_json::from_str::<serde_json::Value>(text)
                .unwrap_or_else(|e| panic!("{path} does not parse: {e}"));
        } else if path == "search-index.js" {
            assert!(
                !text.contains(['<', '\u{2028}', '\u{2029}']),
                "{path}: {text}"
            );
            let json = std::str::from_utf8(&files["search-index.json"]).expect("UTF-8");
            assert_eq!(
                script_index(text),
                serde_json::from_str::<serde_json::Value>(json).expect("the index parses")
            );
        } else if path.ends_with(".xml") {
            assert!(
                !lower.contains("<script") && !lower.contains("<img"),
                "{path}"
            );
        }
    }
}

fn render(catalog: &Catalog) -> Files {
    let theme = Theme::new(&[]).expect("built-in theme");
    render_site(catalog, &theme, &RenderOptions::default()).expect("renders")
}

/// A copy of a fixture catalog in a temporary folder, to edit.
fn copy_of(catalog: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    for entry in walkdir::WalkDir::new(catalog) {
        let entry = entry.expect("walk the fixture");
        let relative = entry
            .path()
            .strip_prefix(catalog)
            .expect("inside the fixture");
        let target = dir.path().join(relative);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("copy a folder");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy a file");
        }
    }
    dir
}

fn path_of(dir: &tempfile::TempDir) -> &str {
    dir.path().to_str().expect("UTF-8 path")
}

/// Replaces the first `from` in `file` of the catalog copy `dir` with `to`.
fn replace_in(dir: &tempfile::TempDir, file: &str, from: &str, to: &str) {
    let path = dir.path().join(file);
    let text = std::fs::read_to_string(&path).expect("read the copy");
    assert!(text.contains(from), "{file} holds {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).expect("write the copy");
}

fn file<'a>(files: &'a Files, path: &str) -> &'a str {
    std::str::from_utf8(&files[path]).expect("UTF-8")
}

#[test]
fn a_repeated_reference_definition_is_made_safe_and_absolute_in_every_output() {
    let dir = copy_of(HOSTILE);
    replace_in(
        &dir,
        "errors/xss.yaml",
        "  and a link to [`other`](/errors/other/).\n",
        "  and a link to [`other`](/errors/other/) and [the guide][g].\n\n  \
         [g]: /errors/other/\n  [g]: javascript:alert(1)\n  [g]: /llms.txt\n",
    );
    let files = render(&load(path_of(&dir)));
    assert_inert(&files);
    for path in ["errors/xss.md", "llms-full.txt"] {
        let text = file(&files, path);
        assert!(
            text.contains("[g]: https://docs.hostile.test/errors/other/\n[g]: #\n[g]: https://docs.hostile.test/llms.txt\n"),
            "{path}: {text}"
        );
    }
    let json: serde_json::Value =
        serde_json::from_str(file(&files, "errors.json")).expect("errors.json parses");
    let description = json["errors"]
        .as_array()
        .and_then(|errors| errors.iter().find(|e| e["code"] == "xss"))
        .and_then(|e| e["description"].as_str())
        .expect("xss has a description");
    assert!(
        !description.contains("javascript")
            && description.contains("[g]: https://docs.hostile.test/llms.txt"),
        "{description}"
    );
}

#[test]
fn hostile_plain_text_is_escaped_in_every_output() {
    let catalog = load(HOSTILE);
    let files = render(&catalog);
    assert_inert(&files);

    // Template syntax in the data is shown as written, not evaluated.
    let index = html_text(file(&files, "index.html"));
    let page = html_text(file(&files, "errors/xss/index.html"));
    let markdown = file(&files, "errors/xss.md");
    for needle in TEMPLATE_SYNTAX {
        let in_index = index.contains(needle);
        let in_page = page.contains(needle);
        assert!(
            in_index || in_page,
            "{needle} is not shown literally on the pages"
        );
    }
    assert!(index.contains(&collapse_whitespace(&catalog.config.title)));
    let xss = &catalog.errors.iter().find(|e| e.code == "xss").unwrap();
    assert!(
        page.contains(&collapse_whitespace(&xss.title)),
        "title shown as written"
    );
    assert!(
        page.contains(&collapse_whitespace(&xss.examples[0].code)),
        "code shown as written"
    );
    assert!(
        markdown.contains(&xss.examples[0].code.trim_end().to_string()),
        "code kept verbatim"
    );
    for message in &xss.messages {
        assert!(page.contains(&message.message), "{}", message.message);
    }

    // In Markdown, plain text is escaped so that it reads exactly as written.
    let title = collapse_whitespace(&xss.title);
    assert!(
        markdown_headings(markdown).contains(&(HeadingLevel::H1, format!("xss: {title}"))),
        "{:?}",
        markdown_headings(markdown)
    );
    let group = collapse_whitespace(&catalog.config.groups[0].title);
    let llms_headings = markdown_headings(file(&files, "llms.txt"));
    assert!(
        llms_headings.contains(&(HeadingLevel::H2, group)),
        "{llms_headings:?}"
    );

    // JSON keeps the data exactly.
    let json: serde_json::Value = serde_json::from_str(file(&files, "errors.json")).unwrap();
    assert_eq!(json["title"], catalog.config.title.as_str());
    let entry = json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["code"] == "xss")
        .unwrap();
    assert_eq!(entry["title"], xss.title.as_str());
    assert_eq!(
        entry["messages"][0]["message"],
        xss.messages[0].message.as_str()
    );
    let search: serde_json::Value =
        serde_json::from_str(file(&files, "search-index.json")).unwrap();
    assert!(
        search
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["title"] == xss.title.as_str())
    );
}

/// Raw HTML and script links, as if `check` had let them through.
const RAW_HTML: &str = "Text <script>alert(1)</script> <img src=x onerror=alert(1)> \
    <a href=\"javascript:alert(1)\">a</a> [click](javascript:alert(1)) \
    ![img](javascript:alert(1)) [ref][r] <!-- c --> \
    <svg onload=alert(1)>\n\n<div onclick=\"alert(1)\">block</div>\n\n\
    <script>alert(2)</script>\n\n[r]: javascript:alert(1)\n";

#[test]
fn hostile_markdown_and_links_are_neutralised_even_without_check() {
    let mut catalog = load(HOSTILE);
    let raw = |label: &str| format!("{label} {RAW_HTML}");
    let one_line = |label: &str| {
        format!(
            "{label} <img src=x onerror=alert(1)> [x](javascript:alert(1)) <b onmouseover=alert(1)>b</b>"
        )
    };
    let config = &mut catalog.config;
    config.summary = one_line("Site summary");
    config.intro = Some(raw("Intro"));
    config.auth = Some(raw("Auth"));
    config.agent_instructions = Some(raw("Instructions"));
    config.tips = vec![raw("Tip")];
    for group in &mut config.groups {
        group.description = Some(raw("Group"));
    }
    for envelope in &mut config.envelopes {
        envelope.description = Some(raw("Envelope"));
    }
    for status in &mut config.statuses {
        status.meaning = one_line("Meaning");
    }
    for (i, url) in [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "&#106;avascript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
    ]
    .into_iter()
    .enumerate()
    {
        config.links.push(errdex::model::Link {
            title: format!("Bad link {i}"),
            url: url.into(),
            description: Some(one_line("Link")),
        });
    }
    let links = config.links.clone();
    for entry in &mut catalog.errors {
        let entry = Arc::make_mut(entry);
        entry.summary = one_line("Summary");
        entry.description = Some(raw("Description"));
        entry.when = vec![one_line("When")];
        entry.fix = vec![raw("Fix")];
        entry.gotchas = vec![raw("Gotcha")];
        entry.agent.guidance = raw("Guidance");
        entry.deprecated = Some(raw("Deprecated"));
        entry.causes = vec![errdex::model::Cause {
            cause: one_line("Cause"),
            resolution: one_line("Resolution"),
        }];
        for message in &mut entry.messages {
            message.cause = Some(one_line("Message cause"));
            message.resolution = Some(one_line("Message resolution"));
        }
        for field in &mut entry.fields {
            field.cause = one_line("Field cause");
        }
        entry.links = links.clone();
        // Header names that are not HTTP tokens are E002, so the fixture cannot hold them.
        if let Some(response) = &mut entry.response {
            response
                .headers
                .push((one_line("X-Evil\""), one_line("Header value")));
        }
        if let Some(retry_after) = &mut entry.retry_after {
            retry_after.header = Some(one_line("Retry-After\""));
        }
    }
    let files = render(&catalog);
    assert_inert(&files);

    // The raw HTML is still there for the reader to see, as text.
    let page = html_text(file(&files, "errors/xss/index.html"));
    assert!(
        page.contains("Description Text <script>alert(1)</script>"),
        "{page}"
    );
    // Header names are plain text, shown as written.
    for name in [one_line("X-Evil\""), one_line("Retry-After\"")] {
        assert!(page.contains(&name), "{name}");
    }
    // The dropped links keep their text.
    assert!(page.contains("click"));
    // Safe links survive the filtering of unsafe ones.
    let index = file(&files, "index.html");
    assert!(
        index.contains("href=\"https://example.test/?q=%22%3E%3Cscript%3E&amp;a=1&amp;b=%27\"")
    );
    assert!(
        !index.contains("Bad link"),
        "links with unsafe URLs are left out"
    );
    assert!(!file(&files, "llms.txt").contains("Bad link"));
}

/// Spellings of a script link that the Markdown parser decodes (`&#106;`), unwraps
/// (`<…>`) or finds on its own (autolinks).
const SCRIPT_LINK_SPELLINGS: &str = "[enc](&#106;avascript:alert(1)) [angle](<javascript:alert(1)>) \
    <javascript:alert(1)> [hex](&#x6A;avascript&colon;alert(1))";

/// The HTML outputs render Markdown through the parser's events, so every spelling of a
/// script link is dropped there.
#[test]
fn script_links_in_any_spelling_never_reach_the_html() {
    let mut catalog = load(HOSTILE);
    catalog.config.intro = Some(SCRIPT_LINK_SPELLINGS.into());
    for entry in &mut catalog.errors {
        let entry = Arc::make_mut(entry);
        entry.description = Some(SCRIPT_LINK_SPELLINGS.into());
        entry.agent.guidance = SCRIPT_LINK_SPELLINGS.into();
    }
    let mut files = render(&catalog);
    files.retain(|path, _| !path.ends_with(".md") && !path.ends_with(".txt"));
    assert_inert(&files);
    assert!(html_text(file(&files, "errors/xss/index.html")).contains("enc angle"));
}

/// The same spellings in the Markdown for agents. `to_agent_markdown` (src/markdown.rs)
/// rewrites only inline links whose destination appears verbatim in the source, so these
/// three pass through to `.md`, `llms.txt` and `llms-full.txt`. `check` rejects them
/// (E041), so no built site has them; this is the defence-in-depth layer.
#[test]

fn script_links_in_any_spelling_never_reach_the_agent_markdown() {
    let mut catalog = load(HOSTILE);
    catalog.config.agent_instructions = Some(SCRIPT_LINK_SPELLINGS.into());
    for entry in &mut catalog.errors {
        let entry = Arc::make_mut(entry);
        entry.description = Some(SCRIPT_LINK_SPELLINGS.into());
    }
    let mut files = render(&catalog);
    files.retain(|path, _| path.ends_with(".md") || path.ends_with(".txt"));
    assert_inert(&files);
}

/// Links that leave the site while they read like site paths: `//host`, and `\` for a
/// `/`, which browsers read the same in an http(s) URL.
const PROTOCOL_RELATIVE_SPELLINGS: &str = r"[slashes](//evil.example/a) [backslash](/\evil.example/b) [angle](<//evil.example/c>) [both](\\\\evil.example/d) [escaped](\\/evil.example/e)";

/// `check` reports these (E042, "has no scheme"); every output drops the link and keeps
/// its text all the same, in Markdown fields and in `links` lists.
#[test]
fn protocol_relative_links_never_reach_any_output() {
    let mut catalog = load(HOSTILE);
    catalog.config.intro = Some(PROTOCOL_RELATIVE_SPELLINGS.into());
    catalog.config.summary = PROTOCOL_RELATIVE_SPELLINGS.into();
    catalog.config.agent_instructions = Some(PROTOCOL_RELATIVE_SPELLINGS.into());
    let listed = |url: &str| errdex::model::Link {
        title: "Listed".into(),
        url: url.into(),
        description: Some(PROTOCOL_RELATIVE_SPELLINGS.into()),
    };
    catalog.config.links = vec![listed("//evil.example/l"), listed("/\\evil.example/m")];
    for entry in &mut catalog.errors {
        let entry = Arc::make_mut(entry);
        entry.summary = PROTOCOL_RELATIVE_SPELLINGS.into();
        entry.description = Some(PROTOCOL_RELATIVE_SPELLINGS.into());
        entry.agent.guidance = PROTOCOL_RELATIVE_SPELLINGS.into();
        entry.links = vec![listed("\\/evil.example/n")];
    }
    let files = render(&catalog);
    assert_inert(&files);
    let page = file(&files, "errors/xss/index.html");
    assert!(!page.contains("evil.example"), "{page}");
    assert!(html_text(page).contains("slashes backslash angle both escaped"));
    let markdown = file(&files, "errors/xss.md");
    assert!(!markdown.contains("evil.example"), "{markdown}");
    assert!(
        markdown.contains("slashes backslash angle both escaped"),
        "{markdown}"
    );
}

/// `/errors/rate_limited` names the page, but `errors/rate_limited` is a folder: opened
/// from disk a browser lists it. Every output writes the page's canonical URL, with
/// its slash, from Markdown and from `links` lists alike.
#[test]
fn a_link_to_an_error_page_without_its_slash_is_written_with_it() {
    let mut catalog = load(SMALL);
    let text = "See [limits](/errors/rate_limited) and [why](</errors/rate_limited?v=2#causes>).";
    catalog.config.intro = Some(text.into());
    catalog.config.links = vec![errdex::model::Link {
        title: "Limits".into(),
        url: "/errors/rate_limited#fix".into(),
        description: Some(text.into()),
    }];
    for entry in &mut catalog.errors {
        let entry = Arc::make_mut(entry);
        entry.description = Some(text.into());
        entry.links = vec![errdex::model::Link {
            title: "Limits".into(),
            url: "/errors/rate_limited".into(),
            description: None,
        }];
    }
    let files = render(&catalog);
    let hrefs = |path: &str| -> Vec<String> {
        html_tags(file(&files, path))
            .into_iter()
            .flat_map(|tag| tag.attrs)
            .filter(|(attr, _)| attr == "href")
            .map(|(_, value)| value)
            .filter(|value| value.contains("errors/rate_limited"))
            .collect()
    };
    let overview = hrefs("index.html");
    for expected in [
        "./errors/rate_limited/",
        "./errors/rate_limited/?v=2#causes",
        "./errors/rate_limited/#fix",
    ] {
        assert!(
            overview.iter().any(|h| h == expected),
            "{expected}: {overview:?}"
        );
    }
    let page = hrefs("errors/card_declined/index.html");
    assert!(
        page.iter().any(|h| h == "../../errors/rate_limited/"),
        "{page:?}"
    );
    for hrefs in [overview, page] {
        assert!(
            hrefs.iter().all(|h| h.contains("errors/rate_limited/")
                || h.contains("errors/rate_limited.md")),
            "{hrefs:?}"
        );
    }
    for path in ["errors/card_declined.md", "llms.txt", "llms-full.txt"] {
        for dest in markdown_destinations(file(&files, path)) {
            if dest.contains("errors/rate_limited") {
                assert!(
                    dest.starts_with("https://docs.tinypay.test/api/errors/rate_limited/")
                        || dest.ends_with("errors/rate_limited.md"),
                    "{path}: {dest}"
                );
            }
        }
    }
    let markdown = file(&files, "errors/card_declined.md");
    for expected in [
        "(https://docs.tinypay.test/api/errors/rate_limited/)",
        "(<https://docs.tinypay.test/api/errors/rate_limited/?v=2#causes>)",
    ] {
        assert!(markdown.contains(expected), "{expected}: {markdown}");
    }
}

/// One site path, `/errors/rate_limited/`, spelt in the ways CommonMark reads alike:
/// backslash escapes, character references, `<…>`, a line break after `(`, a reference
/// definition. Every line but the last is a Markdown text of its own.
const SITE_LINK_SPELLINGS: &[&str] = &[
    r"See [escaped](/errors/rate\_limited/).",
    "See [references](&#47;errors/rate&#95;limited/#fix).",
    r"See [angle](</errors/rate\_limited/>).",
    "See [broken](\n/errors/rate_limited) over two lines.",
    "See [defined][r].\n\n[r]: /errors/rate&lowbar;limited/",
];

/// An agent reading `errors/x.md`, `llms.txt`, `llms-full.txt` or `errors.json` has no
/// page to resolve a site path against: every spelling `check` accepts and the HTML
/// links reaches every agent output absolute.
#[test]
fn a_site_link_reaches_agents_absolute_however_its_destination_is_spelt() {
    let dir = copy_of(SMALL);
    let block = |text: &str| text.replace('\n', "\n    ");
    let spelt: Vec<String> = SITE_LINK_SPELLINGS.iter().map(|s| block(s)).collect();
    replace_in(
        &dir,
        "errors/card_declined.yaml",
        "summary: The card issuer refused the charge; ask the customer for another card.",
        r"summary: 'The card issuer refused the charge; see [limits](/errors/rate\_limited).'",
    );
    replace_in(
        &dir,
        "errors/card_declined.yaml",
        "description: |\n",
        &format!(
            "description: |\n  {}\n\n",
            spelt[4].replace("\n    ", "\n  ")
        ),
    );
    replace_in(
        &dir,
        "errors/card_declined.yaml",
        "    resolution: Ask the customer to use another card or to top up.",
        r"    resolution: 'Ask for another card; see [limits](&#47;errors/rate\_limited/).'",
    );
    let items: String = spelt[..4]
        .iter()
        .map(|s| format!("  - |\n    {s}\n"))
        .collect();
    replace_in(
        &dir,
        "errors/card_declined.yaml",
        "gotchas:\n",
        &format!("gotchas:\n{items}"),
    );
    let site = build(path_of(&dir));

    let page = site.read("errors/card_declined/index.html");
    let hrefs = html_tags(&page)
        .into_iter()
        .flat_map(|tag| tag.attrs)
        .filter(|(attr, value)| attr == "href" && value.contains("rate"))
        .map(|(_, value)| value)
        .collect::<Vec<_>>();
    assert_eq!(hrefs.len(), 7, "{hrefs:?}");
    assert!(
        hrefs
            .iter()
            .all(|h| h.starts_with("../../errors/rate_limited/")),
        "{hrefs:?}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&site.read("errors.json")).expect("errors.json parses");
    let texts_in_json = json["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|e| {
            [
                &e["summary"],
                &e["description"],
                &e["gotchas"],
                &e["causes"],
            ]
        })
        .map(|v| v.to_string())
        .collect::<String>();
    for (path, markdown) in [
        (
            "errors/card_declined.md",
            site.read("errors/card_declined.md"),
        ),
        ("llms.txt", site.read("llms.txt")),
        ("llms-full.txt", site.read("llms-full.txt")),
    ] {
        let destinations = markdown_destinations(&markdown);
        let relative: Vec<&String> = destinations.iter().filter(|d| d.starts_with('/')).collect();
        assert!(relative.is_empty(), "{path}: {relative:?}");
        let to_the_page = destinations
            .iter()
            .filter(|d| d.starts_with("https://docs.tinypay.test/api/errors/rate_limited/"))
            .count();
        let expected = if path == "llms.txt" { 1 } else { 7 };
        assert_eq!(to_the_page, expected, "{path}: {destinations:?}");
    }
    assert!(!texts_in_json.contains("](/"), "{texts_in_json}");
    assert!(!texts_in_json.contains("]: /"), "{texts_in_json}");
}

/// Code blocks whose HTML and links are inert as code, in every field that the agent
/// Markdown lays out inside other Markdown: under a list marker, in a table cell, behind
/// `> `, or on one llms.txt line. `check` passes them (they are code where they are
/// written), so the layout must not bring them to life.
#[test]
fn code_blocks_stay_inert_when_laid_out_in_lists_tables_quotes_and_lines() {
    let shapes = [
        "\t<img src=x onerror=alert(1)>",
        "    <b onmouseover=alert(2)>four spaces</b>",
        "\t[tab](javascript:alert(3))",
        "~~~\n[fenced](javascript:alert(4))\n~~~",
        "```\n<script>alert(5)</script>\n```",
        "See below.\n\n    <script>alert(6)</script>",
    ];
    for shape in shapes {
        let mut catalog = load(HOSTILE);
        catalog.config.summary = shape.into();
        catalog.config.agent_instructions = Some(shape.into());
        for link in &mut catalog.config.links {
            link.description = Some(shape.into());
        }
        for entry in &mut catalog.errors {
            let entry = Arc::make_mut(entry);
            entry.summary = shape.into();
            entry.when = vec![shape.into()];
            entry.fix = vec![shape.into(), shape.into()];
            entry.gotchas = vec![shape.into()];
            entry.causes = vec![errdex::model::Cause {
                cause: shape.into(),
                resolution: shape.into(),
            }];
            for message in &mut entry.messages {
                message.cause = Some(shape.into());
                message.resolution = Some(shape.into());
            }
            for field in &mut entry.fields {
                field.cause = shape.into();
            }
        }
        let mut files = render(&catalog);
        files.retain(|path, _| path.ends_with(".md") || path.ends_with(".txt"));
        assert_inert(&files);
    }
}

#[test]
fn a_status_without_a_reason_phrase_is_the_number_alone() {
    let mut catalog = load(SMALL);
    Arc::make_mut(&mut catalog.errors[0]).status = 499;
    let code = catalog.errors[0].code.clone();
    let files = render(&catalog);
    let markdown = file(&files, &format!("errors/{code}.md"));
    assert!(
        markdown.contains("\n- **HTTP status:** 499\n"),
        "{markdown}"
    );
}

#[test]
fn a_writers_heading_never_passes_for_a_pages_title() {
    let mut catalog = load(SMALL);
    let code = catalog.errors[0].code.clone();
    Arc::make_mut(&mut catalog.errors[0]).description =
        Some("# Overview\n\nText.\n\nDetails\n=======\n".into());
    Arc::make_mut(&mut catalog.errors[0]).agent.guidance = "# What to do\n\nStop.".into();
    let files = render(&catalog);
    let h1 = |markdown: &str| -> Vec<String> {
        markdown_headings(markdown)
            .into_iter()
            .filter(|(level, _)| *level == HeadingLevel::H1)
            .map(|(_, title)| title)
            .collect()
    };
    let page = file(&files, &format!("errors/{code}.md"));
    assert_eq!(h1(page).len(), 1, "{page}");
    assert!(page.contains("\n## Overview\n"), "{page}");
    assert!(page.contains("\nDetails\n-------\n"), "{page}");
    // The guidance sits under the page's `## If you're an AI agent`: its `#` goes two
    // down, so an agent splitting the page at `## ` keeps it in that section.
    assert!(page.contains("\n### What to do\n"), "{page}");
    assert!(!page.contains("\n## What to do\n"), "{page}");
    // In llms-full.txt, each error is one `#` title; none of the writer's adds another.
    let full = file(&files, "llms-full.txt");
    assert_eq!(h1(full).len(), 1 + catalog.errors.len(), "{full:?}");
    let html = file(&files, &format!("errors/{code}/index.html"));
    assert_eq!(html.matches("<h1").count(), 1, "{html}");
    assert!(html.contains("<h2 id=\"overview\">Overview</h2>"), "{html}");
}

#[test]
fn a_401_or_an_error_that_asks_to_reauthenticate_quotes_how_to_authenticate() {
    let mut catalog = load(SMALL);
    catalog.config.auth = Some(
        "Send the key as `Authorization: Bearer KEY`; see [scopes](#scopes).\n\n# Scopes\n\nEach key has scopes.\n".into(),
    );
    for (i, (status, action)) in [
        (401, errdex::model::AgentAction::Stop),
        (403, errdex::model::AgentAction::Reauthenticate),
        (404, errdex::model::AgentAction::FixRequest),
    ]
    .into_iter()
    .enumerate()
    {
        let error = Arc::make_mut(&mut catalog.errors[i]);
        error.status = status;
        error.agent.action = action;
    }
    let files = render(&catalog);
    for (i, quoted) in [(0, true), (1, true), (2, false)] {
        let code = &catalog.errors[i].code;
        let markdown = file(&files, &format!("errors/{code}.md"));
        let html = file(&files, &format!("errors/{code}/index.html"));
        assert_eq!(
            markdown.contains("\n## Authentication\n"),
            quoted,
            "{markdown}"
        );
        assert_eq!(
            html.contains("<h2 id=\"authentication\">Authentication</h2>"),
            quoted,
            "{html}"
        );
        if quoted {
            // The overview's text: its `#scopes` is the overview's, and its heading sits
            // under the page's section.
            let base = &catalog.config.base_url;
            assert!(
                markdown.contains(&format!("]({base}/#scopes)")),
                "{markdown}"
            );
            assert!(markdown.contains("\n### Scopes\n"), "{markdown}");
            assert!(html.contains("href=\"../../#scopes\""), "{html}");
            assert!(
                html.contains("<a href=\"#auth\">Authentication</a>"),
                "{html}"
            );
        }
    }
    let json: serde_json::Value =
        serde_json::from_str(file(&files, "errors.json")).expect("errors.json parses");
    assert!(
        json["auth"]
            .as_str()
            .is_some_and(|auth| auth.contains("Authorization: Bearer KEY")),
        "{}",
        json["auth"]
    );
}

/// A blank `auth` is none: no 401 page quotes it, in HTML or Markdown, and `check`
/// (which asks the same `model::quoted_auth`) counts no `#auth` id on it.
#[test]
fn a_blank_auth_is_quoted_nowhere() {
    let mut catalog = load(SMALL);
    catalog.config.auth = Some("  \n\n".into());
    Arc::make_mut(&mut catalog.errors[0]).status = 401;
    let files = render(&catalog);
    let code = &catalog.errors[0].code;
    let markdown = file(&files, &format!("errors/{code}.md"));
    let html = file(&files, &format!("errors/{code}/index.html"));
    assert!(!markdown.contains("Authentication"), "{markdown}");
    assert!(!html.contains("id=\"auth\""), "{html}");
    assert!(!html.contains(">Authentication<"), "{html}");
}

#[test]
fn a_one_line_field_that_starts_like_a_heading_or_a_list_is_text() {
    let mut catalog = load(SMALL);
    let error = Arc::make_mut(&mut catalog.errors[0]);
    error.summary = "# Not a heading".into();
    error.when = vec!["- not a list".into()];
    let code = error.code.clone();
    let files = render(&catalog);
    let page = file(&files, &format!("errors/{code}/index.html"));
    let overview = file(&files, "index.html");
    for html in [page, overview] {
        assert!(html.contains("# Not a heading"), "{html}");
        assert!(!html.contains(">Not a heading</h"), "{html}");
    }
    assert!(page.contains("- not a list"), "{page}");
    let markdown = file(&files, &format!("errors/{code}.md"));
    assert!(
        !markdown_headings(markdown)
            .iter()
            .any(|(_, title)| title == "Not a heading"),
        "{markdown}"
    );
}

#[test]
fn every_page_has_the_catalogs_language() {
    let mut catalog = load(SMALL);
    assert_eq!(catalog.config.language, "en", "the default");
    catalog.config.language = "pt-BR".into();
    let files = render(&catalog);
    let code = &catalog.errors[0].code;
    for path in [
        "index.html",
        "404.html",
        &format!("errors/{code}/index.html"),
    ] {
        assert!(
            file(&files, path).contains("<html lang=\"pt-BR\">"),
            "{path}"
        );
    }
}

/// RFC 9110 lets `Retry-After` be a date as well as a number of seconds: the page and
/// the Markdown both say so, where an agent reads the wait.
#[test]
fn retry_after_is_said_to_be_seconds_or_a_date_on_the_page_and_in_the_markdown() {
    let catalog = load(SMALL);
    let files = render(&catalog);
    let page = file(&files, "errors/rate_limited/index.html");
    assert!(
        page.contains(
            "Honour the <code>Retry-After</code> response header (seconds, or an HTTP date)"
        ),
        "{page}"
    );
    let markdown = file(&files, "errors/rate_limited.md");
    assert!(
        markdown.contains("the `Retry-After` header (seconds, or an HTTP date)"),
        "{markdown}"
    );
}

/// Search engines are told not to index the not-found page, which the host serves at
/// every missing address; a canonical URL beside that would ask them to.
#[test]
fn only_indexed_pages_name_a_canonical_url() {
    let catalog = load(SMALL);
    let files = render(&catalog);
    let not_found = file(&files, "404.html");
    assert!(not_found.contains("<meta name=\"robots\" content=\"noindex\">"));
    assert!(!not_found.contains("rel=\"canonical\""), "{not_found}");
    let code = &catalog.errors[0].code;
    for path in ["index.html", &format!("errors/{code}/index.html")] {
        let page = file(&files, path);
        assert!(
            page.contains("<link rel=\"canonical\" href=\"https://"),
            "{path}"
        );
        assert!(!page.contains("noindex"), "{path}");
    }
}

/// An envelope's description is a text of errdex.yaml, shown on every error page that
/// follows the envelope: a `#fragment` in it names a place on the overview, as in the
/// catalog's other texts, not on whichever error page shows it.
#[test]
fn a_fragment_in_an_envelopes_description_leads_to_the_overview() {
    let dir = copy_of(SMALL);
    replace_in(
        &dir,
        "errdex.yaml",
        "description: Every error body has this shape.",
        "description: Every error body has this shape; see [the tips](#troubleshooting).",
    );
    let catalog = load(path_of(&dir));
    let base = catalog.config.base_url.clone();
    let files = render(&catalog);
    let shown_on: Vec<&str> = catalog
        .errors
        .iter()
        .filter(|e| e.response.is_some())
        .map(|e| e.code.as_str())
        .collect();
    assert!(!shown_on.is_empty());
    for code in shown_on {
        let page = file(&files, &format!("errors/{code}/index.html"));
        assert!(
            page.contains("<a href=\"../../#troubleshooting\">the tips</a>"),
            "{code}: {page}"
        );
        let markdown = file(&files, &format!("errors/{code}.md"));
        assert!(
            markdown.contains(&format!("[the tips]({base}/#troubleshooting)")),
            "{code}: {markdown}"
        );
    }
    let overview = file(&files, "index.html");
    assert!(
        overview.contains("#troubleshooting\">the tips</a>"),
        "{overview}"
    );
}

/// The host serves 404.html at any missing address, so its links cannot be relative to
/// it; root-relative ones keep it styled on a preview host, where the CSP (`'self'`)
/// would refuse the production host's assets.
#[test]
fn the_not_found_page_links_root_relative_under_the_base_path() {
    let mut catalog = load(SMALL);
    catalog.config.base_url = "https://example.com/docs/errors".into();
    let files = render(&catalog);
    let not_found = file(&files, "404.html");
    for link in [
        "<link rel=\"stylesheet\" href=\"/docs/errors/assets/style.",
        "<script src=\"/docs/errors/assets/search.",
        "data-root=\"/docs/errors/\"",
        "href=\"/docs/errors/llms.txt\"",
    ] {
        assert!(not_found.contains(link), "{link} in {not_found}");
    }
    // Only its Open Graph URL, which names the page, is absolute.
    assert_eq!(
        not_found.matches("https://example.com").count(),
        1,
        "{not_found}"
    );
    assert!(not_found.contains(
        "<meta property=\"og:url\" content=\"https://example.com/docs/errors/404.html\">"
    ));
}

#[test]
fn no_heading_level_is_skipped_in_an_errors_markdown() {
    // markdownlint's MD001: a `## Limits` first in a description is `##` under the
    // error's `#` title, not `###`; one under a `##` section starts at `###`.
    let mut catalog = load(EXAMPLE);
    Arc::make_mut(&mut catalog.errors[0]).description =
        Some("## Limits\n\nText.\n\n#### Per key\n\nMore.\n".into());
    Arc::make_mut(&mut catalog.errors[0]).agent.guidance = "#### Wait\n\nThen retry.".into();
    let files = render(&catalog);
    for entry in &catalog.errors {
        let markdown = file(&files, &format!("errors/{}.md", entry.code));
        let mut previous: Option<HeadingLevel> = None;
        for (level, title) in markdown_headings(markdown) {
            if let Some(previous) = previous {
                assert!(
                    level as usize <= previous as usize + 1,
                    "{}: `{title}` skips a level after {previous:?}:\n{markdown}",
                    entry.code
                );
            }
            previous = Some(level);
        }
    }
    let first = file(&files, &format!("errors/{}.md", catalog.errors[0].code));
    assert!(first.contains("\n## Limits\n"), "{first}");
    assert!(first.contains("\n### Per key\n"), "{first}");
    assert!(first.contains("\n### Wait\n"), "{first}");
}

#[test]
fn errors_in_no_group_are_other_errors_beside_groups_and_errors_alone() {
    let catalog = load(SMALL);
    assert!(catalog.errors.iter().any(|e| e.group.is_none()));
    let h2 = |catalog: &Catalog| h2_titles(file(&render(catalog), "llms.txt"));
    // The overview calls them "Other errors" beside the groups; llms.txt does too.
    assert_eq!(
        h2(&catalog),
        ["Payments", "Authentication", "Other errors", "Optional"]
    );
    let files = render(&catalog);
    let overview = file(&files, "index.html");
    assert!(overview.contains("<h3>Other errors</h3>"), "{overview}");

    let mut ungrouped = catalog;
    ungrouped.config.groups.clear();
    for error in &mut ungrouped.errors {
        let error = Arc::make_mut(error);
        error.group = None;
    }
    assert_eq!(h2(&ungrouped), ["Errors", "Optional"]);
}

#[test]
fn headings_in_agent_instructions_never_add_llms_txt_sections() {
    let mut catalog = load(SMALL);
    catalog.config.agent_instructions = Some(
        "# Rules\n\nSetext\n======\n\nAlso\n----\n\n### Deep\n\n```\n# not a heading\n```\n".into(),
    );
    let files = render(&catalog);
    for path in ["llms.txt", "llms-full.txt"] {
        let text = file(&files, path);
        let headings = markdown_headings(text);
        let h1: Vec<_> = headings
            .iter()
            .filter(|(level, _)| *level == HeadingLevel::H1)
            .collect();
        let h2: Vec<&str> = headings
            .iter()
            .filter(|(level, _)| *level == HeadingLevel::H2)
            .map(|(_, t)| t.as_str())
            .collect();
        if path == "llms.txt" {
            assert_eq!(h1.len(), 1, "{path}: {headings:?}");
            assert_eq!(
                h2,
                ["Payments", "Authentication", "Other errors", "Optional"]
            );
            assert!(headings.iter().all(|(l, _)| *l <= HeadingLevel::H2));
        }
        for demoted in ["**Rules**", "**Setext**", "**Also**", "**Deep**"] {
            assert!(text.contains(demoted), "{path}: {demoted} missing");
        }
        // A code block with a line starting with `#` is one space in (see
        // `a_hash_line_in_a_code_block_of_the_instructions_is_no_llms_txt_section`).
        assert!(text.contains(" ```\n # not a heading\n ```"), "{path}");
    }
}

#[test]
fn the_built_in_theme_states_its_policy_and_an_overridden_one_states_none() {
    let catalog = load(SMALL);
    let policy_meta = "<meta http-equiv=\"Content-Security-Policy\"";
    let html_pages = |files: &Files| {
        files
            .keys()
            .filter(|path| path.ends_with(".html"))
            .cloned()
            .collect::<Vec<_>>()
    };

    let built_in = render(&catalog);
    for path in html_pages(&built_in) {
        assert!(file(&built_in, &path).contains(policy_meta), "{path}");
    }
    let headers = file(&built_in, "_headers");
    assert!(
        headers.contains("\n  Content-Security-Policy: default-src 'self'; script-src 'self';"),
        "{headers}"
    );

    // A file no page uses (notes, a misspelt stylesheet) and a template of one's own
    // that no replaced template includes change no page: the policy stays.
    let unused = [
        ("README.md".to_owned(), "# Our theme\n".to_owned()),
        ("styles.css".to_owned(), "body { color: red }\n".to_owned()),
        ("partial.html".to_owned(), "<p>partial</p>\n".to_owned()),
    ];
    let theme = Theme::new(&unused).expect("theme with files nothing uses");
    assert_eq!(theme.unused_files(), ["README.md", "styles.css"]);
    let kept = render_site(&catalog, &theme, &RenderOptions::default()).expect("renders");
    for path in html_pages(&kept) {
        assert!(file(&kept, &path).contains(policy_meta), "{path}");
    }
    assert_eq!(file(&kept, "_headers"), file(&built_in, "_headers"));

    // Any replaced file, even only the stylesheet, may load what errdex's policy
    // forbids (a web font, say), so the policy goes from the pages and from _headers.
    let own_css = [(
        "style.css".to_owned(),
        "@import url(\"https://fonts.example.com/x.css\");\n".to_owned(),
    )];
    let theme = Theme::new(&own_css).expect("theme with a stylesheet of its own");
    let overridden = render_site(&catalog, &theme, &RenderOptions::default()).expect("renders");
    for path in html_pages(&overridden) {
        assert!(!file(&overridden, &path).contains(policy_meta), "{path}");
    }
    let headers = file(&overridden, "_headers");
    assert!(!headers.contains("Content-Security-Policy:"), "{headers}");
    assert!(
        headers.contains("X-Content-Type-Options: nosniff"),
        "{headers}"
    );
}

#[test]
fn a_code_block_left_open_in_one_text_never_swallows_what_follows() {
    // The small catalog, with a fence left open at the end of the site-wide agent
    // instructions and of one error's description (W011, a warning: it builds).
    let dir = copy_of(SMALL);
    let add = |file: &str, after: &str, insert: &str| {
        replace_in(&dir, file, after, &format!("{after}{insert}"));
    };
    add(
        "errdex.yaml",
        "  with a new `Idempotency-Key`.\n",
        "\n  ~~~\n  GET /v1/charges\n",
    );
    add(
        "errors/card_declined.yaml",
        "  issuer tells us.\n",
        "\n  ```json\n  {\"decline_code\": \"insufficient_funds\"}\n",
    );
    let edited = render(&load(path_of(&dir)));
    let original = render(&load(SMALL));

    for path in ["llms.txt", "llms-full.txt", "errors/card_declined.md"] {
        let (now, before) = (file(&edited, path), file(&original, path));
        assert_eq!(
            markdown_headings(now),
            markdown_headings(before),
            "{path} keeps every heading after the open block:\n{now}"
        );
        assert_eq!(
            markdown_destinations(now),
            markdown_destinations(before),
            "{path} keeps every link after the open block:\n{now}"
        );
        assert_fences_balanced(path, now);
    }
    assert!(
        file(&edited, "errors/card_declined.md")
            .contains("```json\n{\"decline_code\": \"insufficient_funds\"}\n```"),
        "the block holds the writer's code and ends there"
    );
}

#[test]
fn ids_on_an_error_page_stay_unique_whatever_the_example_titles() {
    // A tab's panel was `<tab id>-panel`: titles `curl` and `curl-panel` gave the first
    // tab's panel and the second tab the same id.
    let dir = copy_of(SMALL);
    replace_in(
        &dir,
        "errors/card_declined.yaml",
        "  - title: Python\n",
        "  - title: curl-panel\n",
    );
    let files = render(&load(path_of(&dir)));
    let page = file(&files, "errors/card_declined/index.html");
    let mut ids: Vec<String> = html_tags(page)
        .into_iter()
        .flat_map(|tag| tag.attrs)
        .filter(|(name, _)| name == "id")
        .map(|(_, value)| value)
        .collect();
    assert!(ids.iter().any(|id| id == "ex-curl-panel"), "{ids:?}");
    let count = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), count, "an id is used twice");
}

#[test]
fn blank_list_items_are_left_out_of_every_output() {
    // W003 warns; the pages showed an empty step and the Markdown a broken code span
    // (two backticks) for a blank endpoint.
    let dir = copy_of(SMALL);
    replace_in(
        &dir,
        "errors/card_declined.yaml",
        "  - POST /v1/charges\n",
        "  - POST /v1/charges\n  - \"  \"\n",
    );
    replace_in(
        &dir,
        "errors/card_declined.yaml",
        "fix:\n",
        "fix:\n  - \"\"\n",
    );
    let edited = render(&load(path_of(&dir)));
    let original = render(&load(SMALL));
    for path in [
        "errors/card_declined.md",
        "errors/card_declined/index.html",
        "errors.json",
    ] {
        assert_eq!(file(&edited, path), file(&original, path), "{path}");
    }
}

/// The `## ` headings of a Markdown text, in order.
fn h2_titles(markdown: &str) -> Vec<String> {
    markdown_headings(markdown)
        .into_iter()
        .filter(|(level, _)| *level == HeadingLevel::H2)
        .map(|(_, title)| title)
        .collect()
}

/// The small catalog's deprecated error, replaced by `card_declined`.
fn charge_failed(catalog: &mut Catalog) -> &mut errdex::model::ErrorEntry {
    catalog
        .errors
        .iter_mut()
        .find(|e| e.code == "charge_failed")
        .map(Arc::make_mut)
        .expect("charge_failed is in the small catalog")
}

#[test]
fn an_error_description_is_never_read_as_part_of_its_deprecation_notice() {
    // The description came after `## Deprecated`, so agents read it as the notice.
    let mut catalog = load(SMALL);
    let legacy = charge_failed(&mut catalog);
    legacy.description = Some("What a failed charge meant on old versions.".into());
    let markdown = file(&render(&catalog), "errors/charge_failed.md").to_owned();
    let description = markdown
        .find("What a failed charge meant")
        .expect("the description is in the Markdown");
    let notice = markdown.find("## Deprecated").expect("the notice is there");
    assert!(description < notice, "{markdown}");
}

#[test]
fn a_replacement_without_a_deprecation_notice_is_named_in_the_markdown() {
    // The page said "Replaced … use card_declined instead"; the Markdown said nothing.
    let mut catalog = load(SMALL);
    let legacy = charge_failed(&mut catalog);
    legacy.deprecated = None;
    let markdown = file(&render(&catalog), "errors/charge_failed.md").to_owned();
    assert!(
        h2_titles(&markdown).contains(&"Replaced".to_owned()),
        "{markdown}"
    );
    assert!(
        markdown.contains(
            "Replaced by [`card_declined`](https://docs.tinypay.test/api/errors/card_declined.md)."
        ),
        "{markdown}"
    );
}

/// The part of `html` from the first `start` to the first `end` after it.
fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("{start:?} is not in the page"));
    let to = html[from..]
        .find(end)
        .map_or(html.len(), |at| from + at + end.len());
    &html[from..to]
}

#[test]
fn a_deprecated_error_is_marked_in_every_list_that_shows_it() {
    // Only its own page and Markdown said so: agents reading llms.txt, readers of the
    // overview and searchers picked the legacy code as if it were current.
    let catalog = load(SMALL);
    let files = render(&catalog);
    let base = &catalog.config.base_url;

    let llms = file(&files, "llms.txt");
    let line = |code: &str| {
        let start = format!("- [{code}: ");
        llms.lines()
            .find(|l| l.starts_with(&start))
            .unwrap_or_else(|| panic!("no entry for {code}:\n{llms}"))
            .to_owned()
    };
    assert!(
        line("charge_failed").ends_with(&format!(
            "only to old API versions. Deprecated; use [card_declined]({base}/errors/card_declined.md) instead."
        )),
        "{llms}"
    );
    assert!(!line("card_declined").contains("Deprecated"), "{llms}");

    let overview = file(&files, "index.html");
    let article = between(overview, "id=\"error-charge_failed\"", "</article>");
    assert!(
        article.contains(
            "<li class=\"chip chip-deprecated\">Deprecated; use&nbsp;<a href=\"./errors/card_declined/\"><code>card_declined</code></a></li>"
        ),
        "{article}"
    );
    let row = between(
        overview,
        "<tr><td class=\"nowrap\"><a href=\"./errors/charge_failed/\">",
        "</tr>",
    );
    assert!(
        row.contains("<span class=\"badge badge-deprecated\">Deprecated</span>"),
        "{row}"
    );
    let current = between(overview, "id=\"error-card_declined\"", "</article>");
    assert!(!current.contains("Deprecated"), "{current}");

    let index: serde_json::Value =
        serde_json::from_str(file(&files, "search-index.json")).expect("JSON");
    let entry = |code: &str| {
        index
            .as_array()
            .and_then(|entries| entries.iter().find(|e| e["code"] == code))
            .unwrap_or_else(|| panic!("{code} is not in the index"))
            .clone()
    };
    assert_eq!(entry("charge_failed")["deprecated"], true);
    assert_eq!(entry("charge_failed")["replaced_by"], "card_declined");
    assert_eq!(entry("card_declined").get("deprecated"), None);

    let json: serde_json::Value = serde_json::from_str(file(&files, "errors.json")).expect("JSON");
    let legacy = json["errors"]
        .as_array()
        .and_then(|errors| errors.iter().find(|e| e["code"] == "charge_failed"))
        .expect("charge_failed is in errors.json");
    assert_eq!(legacy["replaced_by"], "card_declined");
    assert!(legacy["deprecated"].is_string(), "{legacy}");
}

#[test]
fn an_error_deprecated_without_a_successor_is_marked_deprecated_alone() {
    let mut catalog = load(SMALL);
    charge_failed(&mut catalog).replaced_by = None;
    let files = render(&catalog);
    let llms = file(&files, "llms.txt");
    assert!(
        llms.contains("returned only to old API versions. Deprecated.\n"),
        "{llms}"
    );
    let overview = file(&files, "index.html");
    let article = between(overview, "id=\"error-charge_failed\"", "</article>");
    assert!(
        article.contains("<li class=\"chip chip-deprecated\">Deprecated</li>"),
        "{article}"
    );
    let index: serde_json::Value =
        serde_json::from_str(file(&files, "search-index.json")).expect("JSON");
    let legacy = index
        .as_array()
        .and_then(|entries| entries.iter().find(|e| e["code"] == "charge_failed"))
        .expect("charge_failed is in the index");
    assert_eq!(legacy["deprecated"], true);
    assert_eq!(legacy.get("replaced_by"), None);
}

/// The small catalog's fully documented error, with every section of a page.
fn card_declined(catalog: &mut Catalog) -> &mut errdex::model::ErrorEntry {
    catalog
        .errors
        .iter_mut()
        .find(|e| e.code == "card_declined")
        .map(Arc::make_mut)
        .expect("card_declined is in the small catalog")
}

/// Every `id` attribute of an HTML page, in order.
fn ids_of(html: &str) -> Vec<String> {
    html_tags(html)
        .into_iter()
        .flat_map(|tag| tag.attrs)
        .filter(|(attr, _)| attr == "id")
        .map(|(_, value)| value)
        .collect()
}

#[test]
fn headings_in_fields_can_be_linked_to_by_their_slug() {
    // `/errors/card_declined/#decline-codes` led nowhere: headings had no ids.
    let mut catalog = load(SMALL);
    let entry = card_declined(&mut catalog);
    entry.description =
        Some("## Decline codes\n\nWhy.\n\n## How to fix\n\n## Décline codes".into());
    entry.agent.guidance = "# Decline codes\n\n# Ex curl\n\nAsk the user.".into();
    catalog.config.intro = Some("# Groups\n\n# Error card_declined\n\n# Payments".into());
    let files = render(&catalog);

    let page = file(&files, "errors/card_declined/index.html");
    // The description follows the page's `<h1>`, so its `##` headings are `<h2>`s: an
    // `<h3>` there would skip a level.
    for heading in [
        "<h2 id=\"decline-codes\">Decline codes</h2>",
        // "How to fix" is the page's own section heading, so the writer's gets `-1`.
        "<h2 id=\"how-to-fix-1\">How to fix</h2>",
        "<h2 id=\"décline-codes\">Décline codes</h2>",
        // Fields share the page's ids: the guidance comes after the description. It is
        // in the page's "If you're an AI agent" section, an `<h2>`, so its `#` headings
        // are `<h3>`s: an `<h2>` would read as a section beside it.
        "<h3 id=\"decline-codes-1\">Decline codes</h3>",
        // `ex-curl` is the tab of the `curl` example.
        "<h3 id=\"ex-curl-1\">Ex curl</h3>",
    ] {
        assert!(
            page.contains(heading),
            "{heading} is not on the page:\n{page}"
        );
    }
    for section in [
        "<h2 id=\"how-to-fix\">How to fix</h2>",
        "<h2 id=\"when-it-fires\">When it fires</h2>",
        "<h2 id=\"if-youre-an-ai-agent\">",
    ] {
        assert!(page.contains(section), "{section} is not on the page");
    }

    let overview = file(&files, "index.html");
    // The intro is under the overview's `<h2>` "Introduction".
    for heading in [
        "<h3 id=\"groups-1\">Groups</h3>",
        "<h3 id=\"error-card_declined-1\">Error card_declined</h3>",
        // Not an id of the page: the group's section is `group-payments`.
        "<h3 id=\"payments\">Payments</h3>",
    ] {
        assert!(
            overview.contains(heading),
            "{heading} is not on the overview"
        );
    }
}

#[test]
fn every_id_on_every_page_is_unique() {
    let mut edited = load(SMALL);
    let entry = card_declined(&mut edited);
    entry.description = Some("# Causes\n\n# Examples\n\n# Causes\n\n# Ex python".into());
    edited.config.tips = vec!["# Status codes\n\n# Status 402".into(); 2];
    let files = render(&edited);
    let writers = |path: &str, from: &str| -> Vec<String> {
        let ids = ids_of(file(&files, path));
        let at = ids.iter().position(|id| id == from).unwrap_or(ids.len());
        ids[at..].iter().take(4).cloned().collect()
    };
    assert_eq!(
        writers("errors/card_declined/index.html", "causes-1"),
        ["causes-1", "examples-1", "causes-2", "ex-python-1"]
    );
    assert_eq!(
        writers("index.html", "status-codes-1"),
        [
            "status-codes-1",
            "status-402-1",
            "status-codes-2",
            "status-402-2"
        ]
    );
    for (name, catalog) in [
        ("small, edited", edited),
        ("example", load(EXAMPLE)),
        ("hostile", load(HOSTILE)),
    ] {
        let files = render(&catalog);
        for (path, bytes) in &files {
            if !path.ends_with(".html") {
                continue;
            }
            let ids = ids_of(std::str::from_utf8(bytes).expect("UTF-8"));
            let mut seen = std::collections::BTreeSet::new();
            for id in &ids {
                assert!(seen.insert(id), "{name}: {path} has the id {id:?} twice");
            }
        }
    }
}

#[test]
fn a_response_without_a_body_shows_no_empty_code_block() {
    // `body: ""` rendered an empty code block, under a made-up Content-Type.
    let mut catalog = load(SMALL);
    let response = card_declined(&mut catalog)
        .response
        .as_mut()
        .expect("card_declined has a response");
    response.body = " \n\t".into();
    response.headers = vec![("WWW-Authenticate".into(), "Bearer".into())];
    let files = render(&catalog);

    let page = file(&files, "errors/card_declined/index.html");
    let figure = between(
        between(page, "id=\"response\"", "</section>"),
        "<figure",
        "</figure>",
    );
    assert!(figure.contains("<span>no body</span>"), "{figure}");
    assert!(!figure.contains("Content-Type"), "{figure}");
    assert!(
        figure.contains("<span class=\"http-h\">WWW-Authenticate</span>: Bearer\n</code></pre>"),
        "{figure}"
    );

    let markdown = file(&files, "errors/card_declined.md");
    let shape = between(markdown, "## Response shape", "## How to fix");
    assert!(shape.contains("The response has no body."), "{shape}");
    assert!(!shape.contains("```json"), "{shape}");
}

/// Runs `check-jsonschema` on `file` against `schema`: `None` (with a notice) when it is
/// not installed on a developer's machine; on CI (`CI=true`) a missing tool fails.
fn validates_against(schema: &Path, file: &Path) -> Option<bool> {
    match Command::new("check-jsonschema")
        .arg("--schemafile")
        .arg(schema)
        .arg(file)
        .output()
    {
        Ok(output) => {
            if !output.status.success() {
                eprintln!("{}", String::from_utf8_lossy(&output.stdout));
            }
            Some(output.status.success())
        }
        Err(_) if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("check-jsonschema is not installed; .ci/run installs it with pip")
        }
        Err(_) => {
            eprintln!("SKIPPED: check-jsonschema is not installed (pip install check-jsonschema)");
            None
        }
    }
}

#[test]
fn errors_json_holds_the_whole_catalog_in_its_published_schema() {
    // It had codes, messages and causes, but no envelopes, group titles, status rows,
    // further reading, descriptions, triggers, fixes, gotchas, responses or links: an
    // agent had to scrape the pages.
    let catalog = load(EXAMPLE);
    let site = build(EXAMPLE);
    let base = catalog.config.base_url.as_str();
    let md = |text: &str| to_agent_markdown(text, base);
    let json: serde_json::Value = serde_json::from_str(&site.read("errors.json")).expect("JSON");

    let groups: Vec<(String, String)> = catalog
        .config
        .groups
        .iter()
        .map(|g| (g.id.clone(), g.title.clone()))
        .collect();
    let json_groups: Vec<(String, String)> = json["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .map(|g| {
            (
                g["id"].as_str().unwrap().into(),
                g["title"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(json_groups, groups);
    let envelopes = json["envelopes"].as_array().expect("envelopes");
    assert_eq!(envelopes.len(), catalog.config.envelopes.len());
    for (json, source) in envelopes.iter().zip(&catalog.config.envelopes) {
        assert_eq!(json["id"], source.id.as_str());
        assert_eq!(json["media_type"], source.media_type.as_str());
        assert_eq!(json["example"], source.example.as_str());
        assert_eq!(
            json["pointers"]["code"].as_str(),
            source.pointers.code.as_deref()
        );
    }

    let statuses: Vec<(u64, String)> = json["statuses"]
        .as_array()
        .expect("statuses")
        .iter()
        .map(|s| {
            (
                s["status"].as_u64().unwrap(),
                s["meaning"].as_str().unwrap().into(),
            )
        })
        .collect();
    let written: Vec<(u64, String)> = catalog
        .config
        .statuses
        .iter()
        .map(|s| (u64::from(s.status), md(&s.meaning)))
        .collect();
    assert!(!written.is_empty(), "the example catalog has status rows");
    assert_eq!(statuses, written);
    let links: Vec<(&str, &str, Option<&str>)> = json["links"]
        .as_array()
        .expect("links")
        .iter()
        .map(|l| {
            (
                l["title"].as_str().unwrap(),
                l["url"].as_str().unwrap(),
                l["description"].as_str(),
            )
        })
        .collect();
    let written: Vec<(&str, &str, Option<&str>)> = catalog
        .config
        .links
        .iter()
        .map(|l| (l.title.as_str(), l.url.as_str(), l.description.as_deref()))
        .collect();
    assert!(!written.is_empty(), "the example catalog has links");
    assert_eq!(
        links, written,
        "absolute URLs, Markdown without site links, as written"
    );

    let mut responses = 0;
    for entry in &catalog.errors {
        let error = json["errors"]
            .as_array()
            .and_then(|errors| errors.iter().find(|e| e["code"] == entry.code.as_str()))
            .unwrap_or_else(|| panic!("{} is not in errors.json", entry.code));
        let code = &entry.code;
        assert_eq!(
            error["description"].as_str(),
            entry.description.as_deref().map(md).as_deref(),
            "{code}"
        );
        for (key, items) in [
            ("when", &entry.when),
            ("fix", &entry.fix),
            ("gotchas", &entry.gotchas),
        ] {
            let expected: Vec<String> = items.iter().map(|i| md(i)).collect();
            assert_eq!(error[key], serde_json::json!(expected), "{code}: {key}");
        }
        assert_eq!(
            error["links"].as_array().map(Vec::len),
            Some(entry.links.len()),
            "{code}"
        );
        match &entry.response {
            None => assert!(error["response"].is_null(), "{code}"),
            Some(response) => {
                responses += 1;
                assert_eq!(error["response"]["body"], response.body.as_str(), "{code}");
                let headers: Vec<(&str, &str)> = error["response"]["headers"]
                    .as_object()
                    .expect("headers are an object")
                    .iter()
                    .map(|(name, value)| (name.as_str(), value.as_str().unwrap()))
                    .collect();
                let written: Vec<(&str, &str)> = response
                    .headers
                    .iter()
                    .map(|(n, v)| (n.as_str(), v.as_str()))
                    .collect();
                assert_eq!(headers, written, "{code}: headers in the order written");
                assert!(error["response"]["envelope"].is_string(), "{code}");
            }
        }
    }
    assert!(responses > 5, "only {responses} responses compared");

    if let Some(valid) = validates_against(
        &site.out.join("errors.schema.json"),
        &site.out.join("errors.json"),
    ) {
        assert!(
            valid,
            "errors.json does not validate against errors.schema.json"
        );
    }
}

const HEADINGS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/render/headings"
);

/// The `id="…"` values of a page, decoded.
fn page_ids(html: &str) -> Vec<String> {
    html.split(" id=\"")
        .skip(1)
        .filter_map(|rest| rest.split_once('"').map(|(id, _)| decode_entities(id)))
        .collect()
}

/// W016 and the pages agree: a link in an error file may name every id its rendered page,
/// or another error's, has, and is warned about for an id the page lacks, spelt either
/// way.
#[test]
fn a_fragment_link_is_warned_about_exactly_when_its_page_lacks_the_id() {
    use errdex::diagnostic::Code;
    use errdex::load::raw::S;
    for catalog in [HEADINGS, SMALL, HOSTILE, EXAMPLE] {
        let files = render(&load(catalog));
        let mut loaded = errdex::load::load_catalog(Path::new(catalog)).expect("catalog loads");
        let before = errdex::check::diagnose(&loaded).sorted();
        assert!(
            !before.iter().any(|d| d.code == Code::BrokenFragment),
            "{catalog} has W016 already: {before:?}"
        );
        let codes: Vec<String> = loaded
            .errors
            .iter()
            .filter_map(|f| f.raw.as_ref().map(|raw| raw.code.value.clone()))
            .collect();
        assert!(codes.len() > 1, "{catalog}");
        let ids_of = |code: &str| page_ids(file(&files, &format!("errors/{code}/index.html")));
        let mut pages = 0;
        for (i, loaded_file) in loaded.errors.iter_mut().enumerate() {
            let raw = loaded_file.raw.as_mut().expect("the error file loads");
            let code = raw.code.value.clone();
            let ids = ids_of(&code);
            assert!(ids.iter().any(|id| id == "error-title"), "{code}: {ids:?}");
            // Gotchas give the page no id of their own beyond the reserved `#gotchas`.
            let mut links: Vec<String> = ids.iter().map(|id| format!("[to](#{id})")).collect();
            links.push(format!("[to](/errors/{code}/#{})", ids[ids.len() / 2]));
            links.push("[to](#no-such-id)".to_owned());
            links.push(format!("[to](/errors/{code}/#no-such-id-either)"));
            // And into the next error's page, by every id it has.
            let next = &codes[(i + 1) % codes.len()];
            links.extend(
                ids_of(next)
                    .iter()
                    .map(|id| format!("[to](/errors/{next}/#{id})")),
            );
            links.push(format!("[to](/errors/{next}/#no-such-id-there)"));
            let place = raw.summary.referenced;
            raw.gotchas = Some(S {
                value: vec![S {
                    value: links.join(" "),
                    referenced: place,
                }],
                referenced: place,
            });
            pages += 1;
        }
        let warned: Vec<String> = errdex::check::diagnose(&loaded)
            .sorted()
            .into_iter()
            .filter(|d| d.code == Code::BrokenFragment)
            .map(|d| d.message)
            .collect();
        assert_eq!(warned.len(), 3 * pages, "{catalog}: {warned:#?}");
        for message in &warned {
            assert!(message.contains("no-such-id"), "{catalog}: {message}");
        }
    }
}

/// An error's summary, causes and messages are shown on the overview too; a link in them
/// to a place on the error's own page (`#rate-limits`) leads to that page from there, and
/// stays a same-page link on the page itself.
#[test]
fn a_same_page_link_in_an_errors_text_leads_to_its_page_from_the_overview() {
    let files = render(&load(HEADINGS));
    let overview = file(&files, "index.html");
    let page = file(&files, "errors/rate_limited/index.html");
    for (fragment, text) in [("rate-limits", "the limits"), ("fix", "how")] {
        let on_overview = format!("<a href=\"./errors/rate_limited/#{fragment}\">{text}</a>");
        assert!(overview.contains(&on_overview), "{on_overview}");
        assert!(
            !overview.contains(&format!("\"#{fragment}\"")),
            "{fragment}"
        );
        let on_page = format!("<a href=\"#{fragment}\">{text}</a>");
        assert!(page.contains(&on_page), "{on_page}");
    }
    let ids = page_ids(page);
    assert!(ids.iter().any(|id| id == "rate-limits") && ids.iter().any(|id| id == "fix"));
    // Agents read the texts away from the page: the link is made absolute on it.
    let absolute = "https://docs.headings.test/errors/rate_limited/";
    let everything: &[&str] = &["rate-limits", "fix"];
    for (path, fragments) in [
        ("errors/rate_limited.md", everything),
        ("llms.txt", &["rate-limits"]), // the summary alone
        ("llms-full.txt", everything),
        ("errors.json", everything),
    ] {
        let text = file(&files, path);
        for fragment in fragments {
            assert!(
                text.contains(&format!("{absolute}#{fragment})")),
                "{path}: {fragment}"
            );
        }
        assert!(!text.contains("](#"), "{path} keeps a same-page link");
    }
}

/// An API that sends `RATE_LIMITED` documents it as the error `rate_limited` (E022
/// accepts the spelling). Every output says how the API spells it, so an agent holding
/// the response finds the error: `sent_as` in `errors.json` (in its published schema),
/// its `llms.txt` entry, the Markdown page's code line, the page's header and the
/// overview's entry, each
/// escaped for where it stands. An error whose body spells its code as written (as in
/// the snapshots), or that has no body, has no `sent_as`.
#[test]
fn the_api_spelling_of_a_code_is_in_every_output_that_names_the_code() {
    let copy = copy_of(SMALL);
    replace_in(
        &copy,
        "errors/rate_limited.yaml",
        "\"code\": \"rate_limited\"",
        "\"code\": \"RATE_LIMITED\"",
    );
    // Markup in the API's spelling stays text: `<card>declined` spells `card_declined`.
    replace_in(
        &copy,
        "errors/card_declined.yaml",
        "\"code\": \"card_declined\"",
        "\"code\": \"<card>&declined<>``\"",
    );
    let site = build(path_of(&copy));
    let json: serde_json::Value = serde_json::from_str(&site.read("errors.json")).expect("JSON");
    let errors = json["errors"].as_array().expect("errors");
    let sent_as = |code: &str| {
        errors
            .iter()
            .find(|e| e["code"] == code)
            .map(|e| e.get("sent_as").cloned())
            .expect("the error is listed")
    };
    assert_eq!(sent_as("rate_limited"), Some("RATE_LIMITED".into()));
    assert_eq!(sent_as("card_declined"), Some("<card>&declined<>``".into()));
    assert_eq!(sent_as("charge_failed"), None);
    let files: Files = site
        .files()
        .into_iter()
        .map(|(path, bytes)| (path, bytes.into()))
        .collect();
    assert_inert(&files);
    if let Some(valid) = validates_against(
        &site.out.join("errors.schema.json"),
        &site.out.join("errors.json"),
    ) {
        assert!(valid, "errors.json with `sent_as` follows its schema");
    }
    let markdown = site.read("errors/rate_limited.md");
    assert!(
        markdown.contains("- **Code:** `rate_limited` (the API sends `RATE_LIMITED`)\n"),
        "{markdown}"
    );
    assert!(
        site.read("errors/charge_failed.md")
            .contains("- **Code:** `charge_failed`\n")
    );
    let llms = site.read("llms.txt");
    assert!(
        llms.contains("/errors/rate_limited.md): HTTP 429, sent as `RATE_LIMITED`. "),
        "{llms}"
    );
    let page = site.read("errors/rate_limited/index.html");
    assert!(
        page.contains("<span class=\"sent-as\">sent as <code>RATE_LIMITED</code></span>"),
        "{page}"
    );
    assert!(
        !site
            .read("errors/charge_failed/index.html")
            .contains("sent-as")
    );
    // The overview too, where a reader searches the page for the code in a log.
    let overview = site.read("index.html");
    assert!(
        overview.contains("<span class=\"sent-as\">sent as <code>RATE_LIMITED</code></span>"),
        "{overview}"
    );
    assert_eq!(
        overview.matches("class=\"sent-as\"").count(),
        2,
        "rate_limited and card_declined"
    );
    // The entries still follow the llms.txt format, read by the reference parser.
    check_llms_txt(path_of(&copy));
}

/// A message column no message fills is left out of the table, on the page, in the
/// overview and in the agent Markdown; one that any message fills stays, with a dash (or
/// an empty cell) where a message has nothing.
#[test]
fn a_message_column_no_message_fills_is_left_out() {
    let dir = copy_of(SMALL);
    replace_in(
        &dir,
        "errors/card_declined.yaml",
        "    resolution: Show the `decline_code` to the customer.\n",
        "",
    );
    let site = build(path_of(&dir));
    let messages_section = |html: &str| -> String {
        let start = html.find("id=\"messages\"").expect("a messages section");
        let end = start + html[start..].find("</section>").expect("its end");
        html[start..end].to_owned()
    };
    let page = messages_section(&site.read("errors/card_declined/index.html"));
    assert!(
        page.contains(r#"<th scope="col">Message</th><th scope="col">Cause</th></tr>"#),
        "{page}"
    );
    assert!(!page.contains("Resolution"), "{page}");
    assert_eq!(
        page.matches("<td").count(),
        4,
        "two messages, two cells each:\n{page}"
    );
    // The page's own cause table keeps both of its columns.
    let whole = site.read("errors/card_declined/index.html");
    assert!(whole.contains(r#"<th scope="col">Cause</th><th scope="col">Resolution</th>"#));

    let overview = site.read("index.html");
    let card = &overview[overview
        .find("card_declined: messages")
        .expect("the overview's table")..];
    let table = &card[..card.find("</table>").expect("its end")];
    assert!(
        table.contains(r#"<th scope="col">Message</th><th scope="col">Cause</th></tr>"#),
        "{table}"
    );

    let markdown = site.read("errors/card_declined.md");
    let start = markdown.find("## Messages").expect("a messages section");
    let section = &markdown[start..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |i| i + 3)];
    assert!(
        section.contains("| Message | Cause |\n| --- | --- |\n"),
        "{section}"
    );
    // The empty cell has one space, as markdownlint's compact table style wants.
    assert!(section.contains("| `Card was declined` | |\n"), "{section}");
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, Parser::new_ext(section, markdown_options()));
    let cells = html.matches("<td>").count() + html.matches("<th>").count();
    assert_eq!(cells, 6, "a header and two rows of two cells:\n{html}");

    // None filled: one column.
    replace_in(
        &dir,
        "errors/card_declined.yaml",
        "    cause: The issuer gave a reason.\n",
        "",
    );
    let site = build(path_of(&dir));
    let page = messages_section(&site.read("errors/card_declined/index.html"));
    assert!(
        page.contains(r#"<th scope="col">Message</th></tr>"#),
        "{page}"
    );
    assert!(
        site.read("errors/card_declined.md")
            .contains("| Message |\n| --- |\n")
    );
}

/// The page's chip names the header to honour and the seconds to fall back on, as the
/// agent section and the Markdown do; `seconds: 0` is shown, not taken for none.
#[test]
fn the_retry_chip_names_the_header_and_the_seconds() {
    let dir = copy_of(SMALL);
    let site = build(path_of(&dir));
    let page = site.read("errors/rate_limited/index.html");
    assert!(
        page.contains("Retry after: <code>Retry-After</code> or 1&nbsp;s</li>"),
        "{page}"
    );
    replace_in(
        &dir,
        "errors/rate_limited.yaml",
        "  header: Retry-After\n  seconds: 1\n",
        "  seconds: 0\n",
    );
    let site = build(path_of(&dir));
    let page = site.read("errors/rate_limited/index.html");
    assert!(page.contains("Retry after 0&nbsp;s</li>"), "{page}");
    assert!(page.contains("Wait 0 seconds before retrying."), "{page}");
    assert!(site.read("errors/rate_limited.md").contains("0 seconds"));
}

/// llms.txt stays readable by the format's reference parser when nothing fills the
/// paragraph after the summary (no `agent_instructions`), which it needs to find the
/// summary, and when a title holds `]`, which ended its reading of a link's text.
#[test]
fn llms_txt_without_instructions_and_with_brackets_in_a_title_parses() {
    let dir = copy_of(SMALL);
    replace_in(
        &dir,
        "errdex.yaml",
        "agent_instructions: |\n  Read `error.code` from the body and open `/errors/{code}.md`. Never retry a charge\n  with a new `Idempotency-Key`.\n",
        "",
    );
    replace_in(
        &dir,
        "errors/card_declined.yaml",
        "title: Card declined",
        "title: Card declined [issuer]",
    );
    let site = build(path_of(&dir));
    let llms = site.read("llms.txt");
    assert!(
        llms.contains("[card_declined: Card declined \\[issuer&#93;]("),
        "{llms}"
    );
    // CommonMark shows the title as written.
    let html = errdex::markdown::to_html(&llms, errdex::markdown::SiteLinks::Relative(""));
    assert!(
        html.contains(">card_declined: Card declined [issuer]</a>"),
        "{html}"
    );
    let Some(parsed) = parse_with_reference_parser(&site.out.join("llms.txt")) else {
        return;
    };
    let catalog = load(path_of(&dir));
    assert_eq!(
        parsed["summary"],
        catalog.config.summary.as_str(),
        "{parsed:#}"
    );
    assert!(
        parsed["info"]
            .as_str()
            .is_some_and(|info| info.starts_with("Each error below links")),
        "{parsed:#}"
    );
    let listed = parsed.to_string();
    assert!(
        listed.contains("card_declined: Card declined"),
        "{parsed:#}"
    );
}

/// A `##` line inside a code block of `agent_instructions` is code: the reference
/// parser, which splits llms.txt at every line starting with `##`, finds no section in it.
#[test]
fn a_hash_line_in_a_code_block_of_the_instructions_is_no_llms_txt_section() {
    let dir = copy_of(SMALL);
    replace_in(
        &dir,
        "errdex.yaml",
        "  with a new `Idempotency-Key`.\n",
        "  with a new `Idempotency-Key`.\n\n  ```sh\n  ## retry by hand\n  curl https://api.test/charges\n  ```\n",
    );
    let site = build(path_of(&dir));
    let llms = site.read("llms.txt");
    assert!(llms.contains(" ```sh\n ## retry by hand\n"), "{llms}");
    let Some(parsed) = parse_with_reference_parser(&site.out.join("llms.txt")) else {
        return;
    };
    let names: Vec<&str> = parsed["sections"]
        .as_array()
        .expect("sections")
        .iter()
        .map(|s| s[0].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        names,
        ["Payments", "Authentication", "Other errors", "Optional"],
        "{parsed:#}"
    );
    assert!(
        parsed["info"]
            .as_str()
            .is_some_and(|i| i.contains("## retry by hand")),
        "{parsed:#}"
    );
}

/// A reader may be on a deploy preview, on `errdex serve` or on the folder on disk: the
/// links they click keep them on that copy. Only the page's own address, shown as such
/// (the "Permalink", the Markdown's URL written out for agents), and `rel=alternate`
/// point at `base_url`. The Markdown links are relative and lead to the file.
#[test]
fn links_a_reader_clicks_stay_on_the_copy_being_read() {
    let site = build(EXAMPLE);
    let catalog = load(EXAMPLE);
    let base = catalog.config.base_url.clone();
    let mut pages = 0;
    for (path, bytes) in site.files() {
        let Some(code) = path
            .strip_prefix("errors/")
            .and_then(|p| p.strip_suffix("/index.html"))
        else {
            continue;
        };
        pages += 1;
        let html = String::from_utf8(bytes).expect("UTF-8");
        let mut markdown_links = 0;
        for tag in html_tags(&html) {
            let Some(href) = tag.attrs.iter().find(|(a, _)| a == "href").map(|(_, v)| v) else {
                continue;
            };
            if tag.name == "link" {
                continue;
            }
            let text = html[tag.end..].split("</a>").next().unwrap_or_default();
            if href.starts_with(&base) {
                assert!(
                    text == "Permalink" || decode_entities(text) == *href,
                    "{path}: `{text}` leads to {href}, off the copy being read"
                );
            }
            if href.ends_with(".md") && !href.starts_with("http") {
                assert_eq!(*href, format!("../../errors/{code}.md"), "{path}");
                assert!(site.out.join(format!("errors/{code}.md")).is_file());
                markdown_links += 1;
            }
        }
        assert!(
            markdown_links >= 3,
            "{path}: {markdown_links} Markdown links"
        );
        let alternate = format!(
            "<link rel=\"alternate\" type=\"text/markdown\" title=\"Markdown\" href=\"{}\">",
            catalog.markdown_url(code)
        );
        assert!(html.contains(&alternate), "{path}: no {alternate}");
    }
    assert_eq!(pages, 21);
}

/// A deprecated error is marked in every list of errors, "Related errors" too: on the
/// page (a badge on its card) and in the Markdown (`(deprecated)` after its title).
#[test]
fn a_deprecated_related_error_is_marked_on_the_page_and_in_the_markdown() {
    let site = build(EXAMPLE);
    let page = site.read("errors/address_invalid/index.html");
    let card = page
        .split("<li><a class=\"card\" href=\"../../errors/address_unverifiable/\">")
        .nth(1)
        .and_then(|rest| rest.split("</a></li>").next())
        .expect("address_unverifiable is related to address_invalid");
    assert!(card.contains("badge-deprecated\">Deprecated<"), "{card}");
    let fresh = page
        .split("<li><a class=\"card\" href=\"../../errors/validation_failed/\">")
        .nth(1)
        .and_then(|rest| rest.split("</a></li>").next())
        .expect("validation_failed is related too");
    assert!(!fresh.contains("Deprecated"), "{fresh}");
    let markdown = site.read("errors/address_invalid.md");
    let line = markdown
        .lines()
        .find(|l| l.starts_with("- [address_unverifiable: "))
        .expect("a Related line");
    assert!(line.ends_with(".md) (deprecated)"), "{line}");
    let line = markdown
        .lines()
        .find(|l| l.starts_with("- [validation_failed: "))
        .expect("a Related line");
    assert!(line.ends_with(".md)"), "{line}");
}
