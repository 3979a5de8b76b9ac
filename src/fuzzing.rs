//! Fuzz-target logic, shared by the cargo-fuzz targets in `fuzz/` and by the
//! `tests/fuzz_corpus.rs` replay of the seed corpus, so both run the same assertions.
//!
//! Each function takes arbitrary bytes, drives one part of errdex with them and panics
//! when an invariant is broken. Not a stable API: hidden from the documentation.

use crate::check::{Checked, check_files, is_valid_code};
use crate::load::raw::{RawConfig, RawError};
use crate::load::{LoadedFile, MAX_FILE_BYTES, parse_config, parse_error};
use crate::markdown::{self, SiteLinks, UrlKind};
use crate::message_template::{Part, Template, parts};
use crate::render::{RenderOptions, Theme, render_site};
use crate::report::{self, Sources};
use crate::source::SourceFile;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// Splits the `catalog` input into files: `errdex.yaml`, then error files. 0xFF never
/// occurs in UTF-8, so every piece can still be valid text.
pub const FILE_SEPARATOR: u8 = 0xFF;

/// Most error files one `catalog` input is split into.
const MAX_ERROR_FILES: usize = 8;

/// Splits the inputs of the `template` target: template a, template b, message.
pub const FIELD_SEPARATOR: u8 = 0xFF;

/// Bytes → text the way the loader reads a file: a leading BOM is dropped; text that is
/// not UTF-8 is decoded lossily here (the loader reports it instead), so the parser still
/// sees something close to what the fuzzer wrote.
fn text_of(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let bytes = &bytes[..bytes.len().min(MAX_FILE_BYTES as usize)];
    String::from_utf8_lossy(bytes).into_owned()
}

fn load<T>(
    path: String,
    text: String,
    parse: fn(&SourceFile) -> Result<T, Vec<crate::diagnostic::Diagnostic>>,
) -> LoadedFile<T> {
    let source = SourceFile::new(path.clone(), text);
    let (raw, diagnostics) = match parse(&source) {
        Ok(raw) => (Some(raw), Vec::new()),
        Err(diagnostics) => (None, diagnostics),
    };
    LoadedFile {
        path,
        source: Some(source),
        raw,
        diagnostics,
    }
}

fn theme() -> &'static Theme {
    static THEME: OnceLock<Theme> = OnceLock::new();
    THEME.get_or_init(|| Theme::new(&[]).expect("the built-in theme compiles"))
}

/// Fuzz target `catalog`: bytes → config + error files → check → render.
///
/// Each error file is named after the `code` it declares when that code is valid (so
/// the fuzzer can reach a clean catalog and the renderer), else `errors/fileN.yaml`.
/// Returns whether the input was a clean catalog that got rendered.
pub fn catalog(data: &[u8]) -> bool {
    let mut pieces = data.split(|&b| b == FILE_SEPARATOR);
    let config_text = text_of(pieces.next().unwrap_or_default());
    let config = load("errdex.yaml".to_owned(), config_text, parse_config);
    let mut errors: Vec<LoadedFile<RawError>> = Vec::new();
    for (i, piece) in pieces.take(MAX_ERROR_FILES).enumerate() {
        let loaded = load(format!("errors/file{i}.yaml"), text_of(piece), parse_error);
        let named = match &loaded.raw {
            Some(raw) if is_valid_code(&raw.code.value) => {
                Some(format!("errors/{}.yaml", raw.code.value))
            }
            _ => None,
        };
        // Two files on disk cannot share a name: a repeated code keeps `fileN`.
        match named.filter(|path| errors.iter().all(|e| &e.path != path)) {
            Some(path) => {
                let text = loaded.source.map(|s| s.text).unwrap_or_default();
                errors.push(load(path, text, parse_error));
            }
            None => errors.push(loaded),
        }
    }
    let checked = check_files(&config, &errors, &[], &Default::default());
    check_diagnostics(&checked, &config, &errors);
    if let Some(catalog) = &checked.catalog {
        let files = render_site(catalog, theme(), &RenderOptions::default())
            .expect("a checked catalog renders with the built-in theme");
        check_site(&files);
    }
    checked.catalog.is_some()
}

/// Every diagnostic points inside its file, and every report format renders.
fn check_diagnostics(
    checked: &Checked,
    config: &LoadedFile<RawConfig>,
    errors: &[LoadedFile<RawError>],
) {
    let mut files: BTreeMap<&str, &SourceFile> = BTreeMap::new();
    for source in std::iter::once(&config.source)
        .chain(errors.iter().map(|e| &e.source))
        .flatten()
    {
        files.insert(source.path.as_str(), source);
    }
    for d in checked.diagnostics.iter() {
        assert!(d.start <= d.end, "diagnostic ends before it starts: {d:?}");
        assert!(d.start.line >= 1 && d.start.column >= 1, "{d:?}");
        if let Some(source) = files.get(d.file.as_str()) {
            let lines = source.line_count().max(1);
            assert!(
                d.end.line <= lines + 1,
                "diagnostic past the end of {} ({lines} lines): {d:?}",
                d.file
            );
        }
    }
    let sources = Sources {
        prefix: "catalog".to_owned(),
        files,
    };
    let diagnostics: Vec<_> = checked.diagnostics.iter().cloned().collect();
    let _ = report::human(&diagnostics, &sources, false);
    let json = report::json(&diagnostics, &sources);
    serde_json::from_str::<serde_json::Value>(&json).expect("--format json is JSON");
    let _ = report::github(&diagnostics, &sources);
}

/// Invariants of a rendered site.
fn check_site(files: &crate::render::Files) {
    crate::write::validate_paths(files).expect("every output path stays inside the output");
    for (path, bytes) in files {
        let text = std::str::from_utf8(bytes).expect("every output is UTF-8");
        if path.ends_with(".html") {
            let lower = text.to_ascii_lowercase();
            assert_eq!(
                lower.matches("<script").count(),
                1,
                "{path}: only the theme's own script tag may appear"
            );
            check_urls_in_html(path, text);
        } else if path.ends_with(".json") {
            serde_json::from_str::<serde_json::Value>(text)
                .unwrap_or_else(|e| panic!("{path} is not JSON: {e}"));
        } else if path.ends_with(".xml") {
            check_xml_text(path, text);
        } else if path == "robots.txt" {
            assert_eq!(text.lines().count(), 3, "robots.txt: {text:?}");
        } else if path.ends_with(".md") || path.ends_with(".txt") {
            // Markdown for agents: may be rendered by any Markdown viewer, or read with
            // no page to resolve a site path against.
            for (range, finding) in markdown::findings(text) {
                if let markdown::Finding::RawHtml(_)
                | markdown::Finding::UnsafeLink { .. }
                | markdown::Finding::ProtocolRelativeLink(_)
                | markdown::Finding::SiteLink(_) = finding
                {
                    panic!("{path}: {finding:?} at {range:?}:\n{text}");
                }
            }
        }
    }
}

/// No `href`/`src` attribute in generated HTML carries an unsafe scheme or leaves the
/// site without one.
fn check_urls_in_html(path: &str, html: &str) {
    for attr in ["href=\"", "src=\""] {
        for (i, _) in html.match_indices(attr) {
            let rest = &html[i + attr.len()..];
            let value = &rest[..rest.find('"').unwrap_or(rest.len())];
            if let Some(scheme) = unsafe_scheme(value) {
                panic!("{path}: unsafe `{scheme}:` URL in {attr}…: {value:?}");
            }
            assert!(
                markdown::classify_raw(value) != UrlKind::ProtocolRelative,
                "{path}: protocol-relative URL in {attr}…: {value:?}"
            );
        }
    }
}

/// The scheme a browser would give an attribute's URL, if it is not an allowed one.
///
/// [`markdown::classify_raw`] is deliberately stricter than a browser (anything before
/// a `:` counts as a scheme); here only what a browser reads as a scheme (an ASCII
/// letter, then letters, digits, `+`, `-` or `.`) counts, so `%5Cx:y` (a relative path
/// to a browser, and how pulldown-cmark writes `\x:y`) is not a false alarm.
fn unsafe_scheme(url: &str) -> Option<String> {
    let UrlKind::Unsafe(scheme) = markdown::classify_raw(url) else {
        return None;
    };
    let mut chars = scheme.chars();
    let is_scheme = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    is_scheme.then_some(scheme)
}

/// The sitemap's only markup is its own elements: catalog text cannot open a tag.
fn check_xml_text(path: &str, xml: &str) {
    const TAGS: &[&str] = &["?xml", "urlset", "/urlset", "url", "/url", "loc", "/loc"];
    for (i, _) in xml.match_indices('<') {
        let rest = &xml[i + 1..];
        assert!(
            TAGS.iter()
                .any(|t| rest.starts_with(t) && rest[t.len()..].starts_with([' ', '>'])),
            "{path}: unexpected markup at byte {i}: {:?}",
            &rest[..rest.len().min(40)]
        );
    }
}

/// Tags (and their attributes) pulldown-cmark emits for the Markdown errdex enables.
/// Anything else after a `<` in the HTML would be raw HTML from the input.
const HTML_TAGS: &[(&str, &[&str])] = &[
    ("p", &[]),
    ("em", &[]),
    ("strong", &[]),
    ("del", &[]),
    ("code", &["class"]),
    ("pre", &[]),
    ("blockquote", &[]),
    ("ul", &[]),
    ("ol", &["start"]),
    ("li", &[]),
    ("h1", &[]),
    ("h2", &[]),
    ("h3", &[]),
    ("h4", &[]),
    ("h5", &[]),
    ("h6", &[]),
    ("hr", &[]),
    ("br", &[]),
    ("a", &["href", "title"]),
    ("img", &["src", "alt", "title"]),
    ("table", &[]),
    ("thead", &[]),
    ("tbody", &[]),
    ("tr", &[]),
    ("th", &["class"]),
    ("td", &["class"]),
];

/// Checks that `html` is only markup pulldown-cmark generates, with safe URLs.
fn check_generated_html(html: &str) {
    // The one markup of errdex's own: the box around each table, exactly as written.
    let boxes = html.matches(markdown::TABLE_BOX_OPEN).count();
    assert_eq!(boxes, html.matches("<table>").count(), "{html}");
    assert_eq!(boxes, html.matches("</table>\n</div>").count(), "{html}");
    let html = &html
        .replace(markdown::TABLE_BOX_OPEN, "")
        .replace("</table>\n</div>", "</table>");
    let mut rest = html.as_str();
    while let Some(i) = rest.find('<') {
        let after = &rest[i + 1..];
        let end = after
            .find('>')
            .unwrap_or_else(|| panic!("unterminated `<` in output: {:?}", &after));
        let tag = &after[..end];
        let tag = tag.strip_prefix('/').unwrap_or(tag);
        let tag = tag.strip_suffix(" /").unwrap_or(tag);
        let name_end = tag.find(' ').unwrap_or(tag.len());
        let name = &tag[..name_end];
        let allowed = HTML_TAGS
            .iter()
            .find(|(n, _)| *n == name)
            .unwrap_or_else(|| panic!("raw markup `<{tag}>` in output:\n{html}"))
            .1;
        // Attributes: ` name="value"` repeated; values never contain `"` (escaped).
        let mut attrs = &tag[name_end..];
        while !attrs.is_empty() {
            let a = attrs
                .strip_prefix(' ')
                .unwrap_or_else(|| panic!("malformed tag `<{tag}>`"));
            let eq = a
                .find("=\"")
                .unwrap_or_else(|| panic!("malformed attribute in `<{tag}>`"));
            let attr = &a[..eq];
            assert!(
                allowed.contains(&attr),
                "attribute `{attr}` on `<{name}>` in output:\n{html}"
            );
            let value_and_rest = &a[eq + 2..];
            let close = value_and_rest
                .find('"')
                .unwrap_or_else(|| panic!("unterminated attribute in `<{tag}>`"));
            let value = &value_and_rest[..close];
            if (attr == "href" || attr == "src")
                && let Some(scheme) = unsafe_scheme(value)
            {
                panic!("unsafe `{scheme}:` URL survived: {value:?}\n{html}");
            }
            assert!(
                !(attr == "href" || attr == "src")
                    || markdown::classify_raw(value) != UrlKind::ProtocolRelative,
                "protocol-relative URL survived: {value:?}\n{html}"
            );
            attrs = &value_and_rest[close + 1..];
        }
        rest = &after[end + 1..];
    }
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "{html}");
}

/// Fuzz target `markdown`: every Markdown entry point on arbitrary text.
pub fn markdown(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for links in [
        SiteLinks::Relative("./"),
        SiteLinks::Relative("../../"),
        SiteLinks::Absolute("https://docs.example.test/api"),
        SiteLinks::RelativeFrom {
            root: "./",
            page: "/errors/x/",
        },
    ] {
        check_generated_html(&markdown::to_html(text, links));
        check_generated_html(&markdown::to_inline_html(text, links));
    }
    for (range, _) in markdown::findings(text) {
        assert!(
            range.start <= range.end
                && range.end <= text.len()
                && text.is_char_boundary(range.start)
                && text.is_char_boundary(range.end),
            "finding range {range:?} is not a slice of the input"
        );
    }
    let base = "https://docs.example.test/api";
    for agent in [
        markdown::to_agent_markdown(text, base),
        markdown::to_agent_markdown_of(text, base, "/errors/x/"),
    ] {
        check_agent_markdown(text, &agent);
    }
    let plain = markdown::to_plain_text(text);
    assert!(!plain.contains('\n'), "plain text is one line");
}

/// What agent Markdown must never hold, whatever the text it came from.
fn check_agent_markdown(text: &str, agent: &str) {
    for (_, finding) in markdown::findings(agent) {
        match finding {
            markdown::Finding::RawHtml(html) => {
                panic!("raw HTML {html:?} in agent Markdown:\n{agent}\n--- from:\n{text}")
            }
            markdown::Finding::UnsafeLink { url, .. }
            | markdown::Finding::ProtocolRelativeLink(url) => {
                panic!("unsafe link {url:?} in agent Markdown:\n{agent}\n--- from:\n{text}")
            }
            // An agent reading the Markdown alone has no page to resolve it against.
            markdown::Finding::SiteLink(url) => {
                panic!(
                    "site link {url:?} left relative in agent Markdown:\n{agent}\n--- from:\n{text}"
                )
            }
            _ => {}
        }
    }
    // A repeated definition is no link to the parser, but an agent reads it as written.
    for dest in markdown::definition_destinations(agent).unwrap_or_default() {
        let kind = markdown::classify(&dest);
        assert!(
            kind.may_link() && kind != markdown::UrlKind::SiteRoot,
            "definition {dest:?} in agent Markdown is unsafe or relative:\n{agent}\n--- from:\n{text}"
        );
    }
}

/// A template piece for the reference matcher (and the reference overlap search of
/// `message_template`'s tests).
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Piece {
    Char(char),
    Hole,
}

pub(crate) fn pieces(template: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    for part in parts(template) {
        match part {
            Part::Text(t) => out.extend(t.chars().map(Piece::Char)),
            Part::Placeholder(_) => out.push(Piece::Hole),
        }
    }
    out
}

/// Reference matcher: the definition, memoised recursion (a hole takes 1+ chars).
pub(crate) fn reference_matches(template: &[Piece], message: &[char]) -> bool {
    fn go(
        t: &[Piece],
        m: &[char],
        i: usize,
        j: usize,
        memo: &mut BTreeMap<(usize, usize), bool>,
    ) -> bool {
        if let Some(&r) = memo.get(&(i, j)) {
            return r;
        }
        let r = match t.get(i) {
            None => j == m.len(),
            Some(Piece::Char(c)) => m.get(j) == Some(c) && go(t, m, i + 1, j + 1, memo),
            Some(Piece::Hole) => (j + 1..=m.len()).any(|k| go(t, m, i + 1, k, memo)),
        };
        memo.insert((i, j), r);
        r
    }
    go(template, message, 0, 0, &mut BTreeMap::new())
}

/// One message the template matches: each hole filled with `x`.
fn witness(template: &[Piece]) -> String {
    template
        .iter()
        .map(|p| match p {
            Piece::Char(c) => *c,
            Piece::Hole => 'x',
        })
        .collect()
}

/// Fuzz target `template`: `a 0xFF b 0xFF message` → parse, matches, overlaps.
pub fn template(data: &[u8]) {
    let mut fields = data.split(|&b| b == FIELD_SEPARATOR);
    let (Some(a), Some(b), m) = (fields.next(), fields.next(), fields.next()) else {
        return;
    };
    let (Ok(a), Ok(b)) = (std::str::from_utf8(a), std::str::from_utf8(b)) else {
        return;
    };
    let m = m.and_then(|m| std::str::from_utf8(m).ok()).unwrap_or("");
    let (ta, tb) = (Template::parse(a), Template::parse(b));
    let (pa, pb) = (pieces(a), pieces(b));
    let short = |s: &str| s.chars().count() <= 48;

    for (t, p, src) in [(&ta, &pa, a), (&tb, &pb, b)] {
        assert_eq!(
            t.has_placeholders(),
            p.contains(&Piece::Hole),
            "has_placeholders({src:?})"
        );
        let w = witness(p);
        assert!(
            t.matches(&w),
            "{src:?} does not match its own witness {w:?}"
        );
        assert!(t.overlaps(t), "{src:?} does not overlap itself");
        for msg in [m, a, b] {
            if short(src) && short(msg) {
                let chars: Vec<char> = msg.chars().collect();
                assert_eq!(
                    t.matches(msg),
                    reference_matches(p, &chars),
                    "Template::parse({src:?}).matches({msg:?}) disagrees with the reference"
                );
            }
        }
    }

    let ab = ta.overlaps(&tb);
    assert_eq!(
        ab,
        tb.overlaps(&ta),
        "overlaps is not symmetric: {a:?} {b:?}"
    );
    for msg in [m, a, b, &witness(&pa), &witness(&pb)] {
        if ta.matches(msg) && tb.matches(msg) {
            assert!(ab, "{a:?} and {b:?} both match {msg:?} but do not overlap");
        }
    }
    // A template without placeholders is one message: overlap is exactly a match.
    if !ta.has_placeholders() {
        assert_eq!(ab, tb.matches(a), "overlaps({a:?}, {b:?}) vs matches");
    }
    if !tb.has_placeholders() {
        assert_eq!(ab, ta.matches(b), "overlaps({a:?}, {b:?}) vs matches");
    }
}

/// Fuzz target `serve_path`: a request path never resolves outside the site.
pub fn serve_path(data: &[u8]) {
    let Ok(path) = std::str::from_utf8(data) else {
        return;
    };
    let Some(resolved) = crate::serve::resolve(path) else {
        return;
    };
    assert!(!resolved.is_empty(), "{path:?} resolved to nothing");
    assert!(!resolved.starts_with('/'), "{path:?} → {resolved:?}");
    assert!(
        !resolved.contains(['\\', '\0', ':']),
        "{path:?} → {resolved:?}"
    );
    for segment in resolved.split('/') {
        assert!(
            !segment.is_empty() && segment != "." && segment != "..",
            "{path:?} → {resolved:?} has segment {segment:?}"
        );
    }
    assert!(
        std::path::Path::new(&resolved)
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_))),
        "{path:?} → {resolved:?}"
    );
}
