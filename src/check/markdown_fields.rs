//! The markdown stage: every Markdown field is free of raw HTML, unsafe links and links
//! to pages the site will not have.

use super::{ConfigFile, ErrorFile, at_markdown_range};
use crate::diagnostic::{Code, Diagnostics};
use crate::load::raw::{RawConfig, RawError, RawLink, S};
use crate::markdown::{Finding, UnclosedFence, UrlKind, classify_raw, findings, path_and_rest};
use crate::source::SourceFile;
use std::collections::BTreeSet;

/// Files errdex writes at the site root, which Markdown may link to.
const SITE_FILES: &[&str] = &[
    "",
    "index.html",
    "404.html",
    "llms.txt",
    ".well-known/llms.txt",
    "llms-full.txt",
    "errors.json",
    "errors.schema.json",
    "search-index.json",
    "sitemap.xml",
    "robots.txt",
];

pub(super) fn check_config_markdown(
    config: &ConfigFile<'_>,
    codes: &BTreeSet<&str>,
    diagnostics: &mut Diagnostics,
) {
    for field in config_fields(config.raw) {
        check_field(config.source, field, codes, diagnostics);
    }
    check_link_urls(config.source, config.raw.links.as_ref(), codes, diagnostics);
}

pub(super) fn check_entry_markdown(
    file: &ErrorFile<'_>,
    codes: &BTreeSet<&str>,
    diagnostics: &mut Diagnostics,
) {
    for field in entry_fields(file.raw) {
        check_field(file.source, field, codes, diagnostics);
    }
    check_link_urls(file.source, file.raw.links.as_ref(), codes, diagnostics);
}

/// Site paths in `links:` lists must exist, like links inside Markdown.
fn check_link_urls(
    source: &SourceFile,
    links: Option<&S<Vec<RawLink>>>,
    codes: &BTreeSet<&str>,
    diagnostics: &mut Diagnostics,
) {
    for link in links.iter().flat_map(|l| &l.value) {
        let url = link.url.value.trim();
        // `//host` and `/\host` have no scheme, which `check_links` reports.
        if classify_raw(url) != UrlKind::SiteRoot {
            continue;
        }
        if let Some((message, help)) = broken_site_path(url, codes) {
            diagnostics
                .push(super::at(source, &link.url, Code::BrokenLink, message).with_help(help));
        }
    }
}

/// Problems listed per Markdown field: past this many, one more diagnostic counts the
/// rest. A pasted HTML page can hold thousands of tags, and a list of thousands says no
/// more than the first few.
const MAX_LISTED_PER_FIELD: usize = 20;

fn check_field(
    source: &SourceFile,
    field: &S<String>,
    codes: &BTreeSet<&str>,
    diagnostics: &mut Diagnostics,
) {
    let mut listed = 0;
    let mut unlisted: Option<(Code, usize)> = None;
    for (range, finding) in findings(&field.value) {
        if let Finding::UnclosedFence(open) = finding {
            diagnostics.push(unclosed_fence_diagnostic(source, field, open));
            continue;
        }
        let Some((code, message, help)) = problem(finding, codes) else {
            continue;
        };
        if listed == MAX_LISTED_PER_FIELD {
            let (_, count) = unlisted.get_or_insert((code, 0));
            *count += 1;
            continue;
        }
        listed += 1;
        diagnostics.push(at_markdown_range(source, field, range, code, message).with_help(help));
    }
    if let Some((code, count)) = unlisted {
        let problems = if count == 1 { "problem" } else { "problems" };
        diagnostics.push(
            super::at(
                source,
                field,
                code,
                format!("{count} more Markdown {problems} in this text, not listed"),
            )
            .with_help(format!(
                "only the first {MAX_LISTED_PER_FIELD} of one text are listed; fix them and check again"
            )),
        );
    }
}

/// W011 for a code block `field` leaves open.
fn unclosed_fence_diagnostic(
    source: &SourceFile,
    field: &S<String>,
    open: UnclosedFence,
) -> crate::diagnostic::Diagnostic {
    // Text with a fence of backticks is quoted between two: no fence is a run of two.
    let quote = |fence: &str| {
        if fence.contains('`') {
            format!("`` {fence} ``")
        } else {
            format!("`{fence}`")
        }
    };
    let opener = quote(&field.value[open.opener.clone()]);
    let one_line = !field.value.trim().contains('\n');
    let help = if one_line {
        format!(
            "the whole text is read as the start of a code block, so the page shows an empty one; remove {opener}, or write it with a backslash first ({}) to show it as text",
            quote(&format!("\\{}", open.closing))
        )
    } else {
        format!(
            "end the code with a line of {}; left open, the code block takes in the rest of the text (errdex closes it at the end of the text in the agent Markdown)",
            quote(&open.closing)
        )
    };
    at_markdown_range(
        source,
        field,
        open.opener,
        Code::UnclosedCodeFence,
        format!("{opener} opens a code block that is never closed"),
    )
    .with_help(help)
}

/// What is wrong with a Markdown finding, if anything: code, message and help.
fn problem(finding: Finding, codes: &BTreeSet<&str>) -> Option<(Code, String, String)> {
    let (code, message, help) = match finding {
        Finding::RawHtml(html) => (
            Code::RawHtml,
            format!("raw HTML `{}` in Markdown", truncate(&html)),
            "raw HTML is shown as text, never run; use Markdown instead, or wrap it in backticks to show it as code",
        ),
        Finding::UnsafeLink { url, scheme } => {
            let message = format!("link `{}` uses the `{scheme}:` scheme", truncate(&url));
            return Some((Code::UnsafeLink, message, unsafe_link_help()));
        }
        Finding::ProtocolRelativeLink(url) => {
            let (message, help) = no_scheme(&url);
            return Some((Code::BrokenLink, message, help));
        }
        Finding::RelativeLink(url) => (
            Code::BrokenLink,
            format!("relative link `{}` cannot be resolved", truncate(&url)),
            "the same Markdown appears on several pages; link from the site root, e.g. `/errors/not_found/`",
        ),
        Finding::SiteLink(url) => {
            let (message, help) = broken_site_path(&url, codes)?;
            return Some((Code::BrokenLink, message, help));
        }
        // Its help depends on the field; `check_field` reports it.
        Finding::UnclosedFence(_) => return None,
        Finding::UnusableLink(url) => {
            let why = match url.chars().find(|c| c.is_control()) {
                Some(c) => format!("holds the invisible character U+{:04X}", u32::from(c)),
                None if url.starts_with(char::is_whitespace) => "starts with a space".to_owned(),
                None => "ends with a space".to_owned(),
            };
            (
                Code::BrokenLink,
                format!(
                    "link `{}` {why}, so it leads nowhere",
                    truncate(&super::text::printable(url.trim()))
                ),
                "remove it: the page writes the address percent-encoded (a leading space as `%20`), which no browser follows",
            )
        }
    };
    Some((code, message, help.to_owned()))
}

/// The help of E041, in Markdown and in a `links:` list: the schemes a link may use.
pub(super) fn unsafe_link_help() -> String {
    format!(
        "links must be {} URLs, or site paths such as `/errors/not_found/`",
        crate::markdown::link_schemes_in_words()
    )
}

/// Message and help for a protocol-relative URL (`//host/x`, `/\host/x`), in Markdown or
/// in a `links:` list: it leaves the site, so it is no site path, and it names no
/// scheme, so it is no full address either. The help spells out the full address.
pub(super) fn no_scheme(url: &str) -> (String, String) {
    let rest = url.trim_start_matches(|c: char| {
        matches!(c, '/' | '\\') || c.is_whitespace() || c.is_control()
    });
    (
        format!("link `{}` has no scheme", truncate(url)),
        format!(
            "a link that starts with `//` (or `/\\`, which browsers read the same) leads to another site; write the full address, such as `https://{}`, or a site path with one leading `/`",
            truncate(rest)
        ),
    )
}

/// Message and help for a site-root path that names nothing errdex writes, or `None`
/// when it names something.
fn broken_site_path(url: &str, codes: &BTreeSet<&str>) -> Option<(String, String)> {
    if site_path_exists(url, codes) {
        return None;
    }
    let quoted = truncate(url);
    Some(match page_read_as_markdown(url, codes) {
        // The page of the code `x.md`, written without its slash, reads as the Markdown
        // of `x`, as everywhere else: the help says what to write for the page instead.
        Some(code) => (
            format!(
                "link `{quoted}` is read as the Markdown of `{}`, which is not a code",
                code.strip_suffix(".md").unwrap_or(code)
            ),
            format!(
                "a path ending in `.md` is an error's Markdown; for the page of `{code}`, write `{}`, and for its Markdown `/errors/{code}.md`",
                truncate(&with_slash(url))
            ),
        ),
        None => (
            format!("link `{quoted}` points at a page the site does not have"),
            "link to `/errors/<code>/`, `/errors/<code>.md`, `/`, `/llms.txt` or `/errors.json`, with a code that exists".to_owned(),
        ),
    })
}

/// `url` with a `/` after its path, before any `?query` or `#fragment`.
fn with_slash(url: &str) -> String {
    let (path, rest) = path_and_rest(url);
    format!("{path}/{rest}")
}

/// A site-root path without its `?query` or `#fragment` and leading `/`.
fn site_file(url: &str) -> &str {
    path_and_rest(url).0.trim_start_matches('/')
}

/// Whether a site-root path names something errdex writes.
///
/// `errors/x.md` is always the Markdown of `x`, never the page of a code `x.md` written
/// without its slash: agents are told that `/errors/<code>.md` is an error's Markdown,
/// and what a link means must not depend on which other codes exist (a code `x.md`
/// beside `x` is E012 anyway). The page of `x.md` is `errors/x.md/`.
fn site_path_exists(url: &str, codes: &BTreeSet<&str>) -> bool {
    let path = site_file(url);
    if SITE_FILES.contains(&path) {
        return true;
    }
    let Some(rest) = path.strip_prefix("errors/") else {
        return false;
    };
    let code = rest
        .strip_suffix("/index.html")
        .or_else(|| rest.strip_suffix('/'))
        .or_else(|| rest.strip_suffix(".md"))
        .unwrap_or(rest);
    codes.contains(code)
}

/// The code `x.md` when `url` is `/errors/x.md` and `x.md` is a code: a link meant for
/// its page, written without the slash, which reads as the Markdown of `x`.
fn page_read_as_markdown<'a>(url: &str, codes: &BTreeSet<&'a str>) -> Option<&'a str> {
    let code = site_file(url).strip_prefix("errors/")?;
    if !code.ends_with(".md") {
        return None;
    }
    codes.get(code).copied()
}

/// A link or HTML as a message quotes it: its first 60 characters.
fn truncate(s: &str) -> String {
    super::excerpt(s, 60)
}

/// Every Markdown field of the configuration.
pub(crate) fn config_fields(raw: &RawConfig) -> Vec<&S<String>> {
    let mut fields: Vec<&S<String>> = [&raw.summary].into_iter().collect();
    fields.extend(
        [&raw.intro, &raw.auth, &raw.agent_instructions]
            .into_iter()
            .flatten(),
    );
    fields.extend(
        raw.envelopes
            .iter()
            .flat_map(|e| &e.value)
            .filter_map(|e| e.description.as_ref()),
    );
    fields.extend(
        raw.groups
            .iter()
            .flat_map(|g| &g.value)
            .filter_map(|g| g.description.as_ref()),
    );
    fields.extend(
        raw.statuses
            .iter()
            .flat_map(|s| &s.value)
            .map(|s| &s.meaning),
    );
    fields.extend(raw.tips.iter().flat_map(|t| &t.value));
    fields.extend(
        raw.links
            .iter()
            .flat_map(|l| &l.value)
            .filter_map(|l| l.description.as_ref()),
    );
    fields
}

/// Every Markdown field of an error.
pub(crate) fn entry_fields(raw: &RawError) -> Vec<&S<String>> {
    let mut fields: Vec<&S<String>> = vec![&raw.summary, &raw.agent.guidance];
    fields.extend([&raw.description, &raw.deprecated].into_iter().flatten());
    for list in [&raw.when, &raw.fix, &raw.gotchas] {
        fields.extend(list.iter().flat_map(|l| &l.value));
    }
    for cause in raw.causes.iter().flat_map(|c| &c.value) {
        fields.extend([&cause.cause, &cause.resolution]);
    }
    for message in raw.messages.iter().flat_map(|m| &m.value) {
        fields.extend([&message.cause, &message.resolution].into_iter().flatten());
    }
    fields.extend(raw.fields.iter().flat_map(|f| &f.value).map(|f| &f.cause));
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_paths() {
        let codes: BTreeSet<&str> = ["rate_limited"].into_iter().collect();
        for ok in [
            "/",
            "/llms.txt",
            "/errors/rate_limited/",
            "/errors/rate_limited",
            "/errors/rate_limited.md",
            "/errors/rate_limited/#fix",
            "/.well-known/llms.txt",
            "/robots.txt",
            "/404.html",
        ] {
            assert!(site_path_exists(ok, &codes), "{ok}");
        }
        for broken in ["/errors/nope/", "/docs/", "/errors/"] {
            assert!(!site_path_exists(broken, &codes), "{broken}");
        }
    }

    #[test]
    fn a_path_ending_in_md_is_an_errors_markdown_even_when_a_code_ends_in_md() {
        let codes: BTreeSet<&str> = ["rate_limited", "not_found.md"].into_iter().collect();
        for ok in [
            "/errors/not_found.md/",
            "/errors/not_found.md/#fix",
            "/errors/not_found.md.md",
            "/errors/rate_limited.md",
        ] {
            assert_eq!(broken_site_path(ok, &codes), None, "{ok}");
        }
        // The page of `not_found.md` without its slash: the Markdown of `not_found`.
        let (message, help) =
            broken_site_path("/errors/not_found.md#fix", &codes).expect("a broken link");
        assert_eq!(
            message,
            "link `/errors/not_found.md#fix` is read as the Markdown of `not_found`, which is not a code"
        );
        assert!(
            help.contains("for the page of `not_found.md`, write `/errors/not_found.md/#fix`"),
            "{help}"
        );
        let (message, help) = broken_site_path("/errors/nope.md", &codes).expect("a broken link");
        assert!(
            message.contains("a page the site does not have"),
            "{message}"
        );
        assert!(!help.contains("nope"), "{help}");
    }
}
