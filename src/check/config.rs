//! Per-file checks of `errdex.yaml`.

use super::visible::visible;
use super::{ConfigFile, at};
use crate::diagnostic::{Code, Diagnostics};
use crate::load::raw::{RawConfig, RawGroup, RawLink, S};
use crate::markdown::{UrlKind, classify_raw};
use crate::model::{Config, Envelope, Group, Link, Pointers, StatusRow};
use crate::source::SourceFile;
use std::collections::BTreeMap;

/// Checks the configuration; returns the normalised `base_url` when it is valid.
pub(super) fn check_config(
    config: &ConfigFile<'_>,
    diagnostics: &mut Diagnostics,
) -> Option<String> {
    let (source, raw) = (config.source, config.raw);
    for field in one_line_fields(raw) {
        check_one_line(source, &field, diagnostics);
    }
    let base_url = check_base_url(source, &raw.base_url, diagnostics);

    if let Some(groups) = &raw.groups {
        super::entry::warn_if_empty(source, groups, "groups", diagnostics);
        let mut seen = BTreeMap::new();
        let mut titles: BTreeMap<String, &RawGroup> = BTreeMap::new();
        for group in &groups.value {
            check_id(source, &group.id, "group", "billing", diagnostics);
            shared_title(source, group, &mut titles, diagnostics);
            // Each group is a `##` section of llms.txt, whose format gives the section
            // `Optional` a meaning: what an agent may skip when its context is short.
            if group.title.value.trim().eq_ignore_ascii_case("optional") {
                diagnostics.push(
                    at(source, &group.title, Code::ReservedGroupTitle, format!("group title `{}` is the name llms.txt gives to what agents may skip", group.title.value.trim()))
                        .with_help("name the group after what its errors have in common, e.g. `Optional features`; llms.txt lists errdex's own optional files under `## Optional`"),
                );
            }
            duplicate_id(source, &group.id, "group", &mut seen, diagnostics);
        }
    }

    if let Some(envelopes) = &raw.envelopes {
        super::entry::warn_if_empty(source, envelopes, "envelopes", diagnostics);
        let mut seen = BTreeMap::new();
        for envelope in &envelopes.value {
            // The id names the envelope in error files and, on the page, its anchor
            // (`#envelope-<id>`), so it follows the rule of group ids and codes.
            check_id(source, &envelope.id, "envelope", "standard", diagnostics);
            duplicate_id(source, &envelope.id, "envelope", &mut seen, diagnostics);
            if let Some(pointers) = &envelope.pointers {
                for pointer in pointers.set() {
                    if let Err(problem) = validate_pointer(&pointer.value) {
                        diagnostics.push(
                            at(source, pointer, Code::InvalidPointer, format!("`{}` is not a JSON Pointer: {problem}", pointer.value))
                                .with_help("a JSON Pointer (RFC 6901) starts with `/` and names one key per segment, e.g. `/error/code`; write `~0` for `~` and `~1` for `/`"),
                        );
                    }
                }
            }
            check_media_type(source, envelope, diagnostics);
            if is_json_media_type(envelope.media_type()) {
                match super::json_keys::parse(&envelope.example.value) {
                    Ok(parsed) => {
                        super::json_keys::warn_repeated(
                            source,
                            &envelope.example,
                            "the envelope example",
                            &parsed.repeated,
                            diagnostics,
                        );
                        for pointer in
                            super::bodies::pointers_the_example_lacks(envelope, &parsed.value)
                        {
                            let held =
                                super::bodies::closest_pointer(&parsed.value, &pointer.value);
                            let help = match held {
                                Some(held) => format!(
                                    "did you mean `{held}`, where the example has a value? Otherwise add the value at `{}` to the example",
                                    pointer.value
                                ),
                                None => format!(
                                    "write the pointer to where the example keeps the value, or add the value at `{}` to the example",
                                    pointer.value
                                ),
                            };
                            diagnostics.push(
                                at(
                                    source,
                                    pointer,
                                    Code::PointerMissing,
                                    format!(
                                        "envelope `{}`'s own example has nothing at `{}`",
                                        visible(&envelope.id.value),
                                        pointer.value
                                    ),
                                )
                                .with_help(help),
                            );
                        }
                    }
                    Err(e) => diagnostics.push(
                        super::json_keys::not_parsed(
                            source,
                            &envelope.example,
                            &e,
                            "envelope example is not valid JSON",
                        )
                        .with_help("write the example body as JSON, in a `|` block scalar"),
                    ),
                }
            }
        }
    }

    if let Some(language) = &raw.language
        && !is_language_tag(language.value.trim())
    {
        diagnostics.push(
            at(
                source,
                language,
                Code::WrongType,
                format!(
                    "`language` is `{}`, which is not a language tag",
                    visible(&language.value)
                ),
            )
            .with_help(
                "write a BCP 47 tag, as the pages' `lang` takes it: `en`, `fr`, `pt-BR`, `zh-Hant`",
            ),
        );
    }

    if let Some(default) = &raw.default_envelope {
        let ids: Vec<&str> = raw
            .envelopes
            .iter()
            .flat_map(|e| &e.value)
            .map(|e| e.id.value.as_str())
            .collect();
        if !ids.contains(&default.value.as_str()) {
            let help = match crate::load::closest(&default.value, &ids) {
                Some(id) => format!("did you mean `{}`?", visible(id)),
                None => super::cross::known("envelopes", &ids),
            };
            diagnostics.push(
                at(
                    source,
                    default,
                    Code::UnknownEnvelope,
                    format!(
                        "`default_envelope` names `{}`, which is not one of the envelopes",
                        visible(&default.value)
                    ),
                )
                .with_help(help),
            );
        }
    }

    if let Some(statuses) = &raw.statuses {
        super::entry::warn_if_empty(source, statuses, "statuses", diagnostics);
        let mut seen = BTreeMap::new();
        for row in &statuses.value {
            super::entry::check_unquoted(source, &row.status, "status", "a number", diagnostics);
            if !(100..=599).contains(&row.status.value) {
                diagnostics.push(
                    at(
                        source,
                        &row.status,
                        Code::InvalidStatusRow,
                        format!("status {} is not an HTTP status code", row.status.value),
                    )
                    .with_help("HTTP status codes are between 100 and 599"),
                );
            }
            let key = S {
                value: row.status.value.to_string(),
                referenced: row.status.referenced,
            };
            duplicate_id(source, &key, "status row", &mut seen, diagnostics);
        }
    }
    if let Some(tips) = &raw.tips {
        super::entry::warn_if_empty(source, tips, "tips", diagnostics);
    }
    if let Some(links) = &raw.links {
        super::entry::warn_if_empty(source, links, "links", diagnostics);
        check_links(source, &links.value, diagnostics);
    }
    base_url
}

/// Checks `links:` URLs: absolute URLs of a [`crate::markdown::LINK_SCHEMES`] scheme, or site-root paths.
pub(super) fn check_links(source: &SourceFile, links: &[RawLink], diagnostics: &mut Diagnostics) {
    for link in links {
        match classify_raw(&link.url.value) {
            UrlKind::External | UrlKind::SiteRoot => {}
            // `//host/x` leaves the site like a full URL, but reads like a site path:
            // demand the scheme, as for the same link in Markdown.
            UrlKind::ProtocolRelative => {
                let (message, help) = super::markdown_fields::no_scheme(link.url.value.trim());
                diagnostics.push(
                    at(source, &link.url, Code::BrokenLink, message).with_help(help),
                );
            }
            UrlKind::Unsafe(scheme) => diagnostics.push(
                at(source, &link.url, Code::UnsafeLink, format!("link uses the `{}:` scheme", super::visible::visible(&scheme)))
                    .with_help(super::markdown_fields::unsafe_link_help()),
            ),
            UrlKind::Fragment | UrlKind::Relative => diagnostics.push(
                at(source, &link.url, Code::BrokenLink, format!("link `{}` is not an absolute URL", super::visible::visible(&link.url.value)))
                    .with_help("write a full URL such as `https://example.com/guide`, or a site path such as `/errors/not_found/`"),
            ),
        }
    }
}

/// Every line break Unicode knows: a lone `\r` (from `"a\rb"`) breaks the line in a
/// terminal and in the Markdown as surely as `\n`.
pub(crate) const LINE_BREAKS: [char; 7] = [
    '\n', '\r', '\u{B}', '\u{C}', '\u{85}', '\u{2028}', '\u{2029}',
];

/// The first line break in `text`, with its position in characters.
pub(super) fn first_line_break(text: &str) -> Option<(usize, char)> {
    text.chars()
        .enumerate()
        .find(|(_, c)| LINE_BREAKS.contains(c))
}

/// A line break named so that an invisible one (U+0085, U+2028, a lone `\r`) can be
/// found: `a next line (U+0085)`.
pub(super) fn line_break_name(c: char) -> String {
    let name = match c {
        '\n' => "a line feed",
        '\r' => "a carriage return",
        '\u{B}' => "a vertical tab",
        '\u{C}' => "a form feed",
        '\u{85}' => "a next line",
        '\u{2028}' => "a line separator",
        '\u{2029}' => "a paragraph separator",
        _ => "a line break",
    };
    format!("{name} (U+{:04X})", u32::from(c))
}

/// A field that holds one line: its value, its key, and where longer text belongs.
pub(super) struct OneLine<'a> {
    pub value: &'a S<String>,
    pub key: &'static str,
    /// What E019's help says after "`key` must be one line; ".
    pub instead: &'static str,
}

impl<'a> OneLine<'a> {
    /// A title or summary of something that has a `description`.
    pub(super) fn beside_description(value: &'a S<String>, key: &'static str) -> Self {
        OneLine {
            value,
            key,
            instead: "move the detail to `description`",
        }
    }
}

/// The help of each E019 (or other one-line problem) of `fields`, for the tests of
/// both kinds of file.
#[cfg(test)]
pub(super) fn one_line_helps(source: &SourceFile, fields: Vec<OneLine<'_>>) -> Vec<String> {
    let mut diagnostics = Diagnostics::default();
    for field in fields {
        check_one_line(source, &field, &mut diagnostics);
    }
    diagnostics.iter().filter_map(|d| d.help.clone()).collect()
}

/// The fields of `errdex.yaml` that are one line.
pub(super) fn one_line_fields(raw: &RawConfig) -> Vec<OneLine<'_>> {
    // The catalog has no `description`: its longer text is the `intro`.
    let to_intro = |value, key| OneLine {
        value,
        key,
        instead: "move the detail to `intro`",
    };
    let mut fields = vec![
        to_intro(&raw.title, "title"),
        to_intro(&raw.summary, "summary"),
    ];
    for group in raw.groups.iter().flat_map(|g| &g.value) {
        fields.push(OneLine::beside_description(&group.title, "title"));
    }
    for envelope in raw.envelopes.iter().flat_map(|e| &e.value) {
        fields.push(OneLine::beside_description(&envelope.title, "title"));
    }
    fields.extend(link_titles(raw.links.as_ref()));
    fields
}

/// The titles of a `links:` list, one-line fields in either kind of file.
pub(super) fn link_titles(links: Option<&S<Vec<RawLink>>>) -> impl Iterator<Item = OneLine<'_>> {
    links
        .into_iter()
        .flat_map(|l| &l.value)
        .map(|l| OneLine::beside_description(&l.title, "title"))
}

/// Title-like fields: one non-empty line. A line break is named, and where it is: a
/// title in double quotes reads as one line in the file however many it holds
/// (`"Too many\u0085requests"`).
pub(super) fn check_one_line(
    source: &SourceFile,
    field: &OneLine<'_>,
    diagnostics: &mut Diagnostics,
) {
    let OneLine {
        value,
        key: field,
        instead,
    } = field;
    // Surrounding whitespace, line breaks included, is trimmed off before it is shown.
    let text = value.value.trim();
    if super::visible::is_blank(text) {
        diagnostics.push(
            at(
                source,
                value,
                Code::NotOneLine,
                format!("`{field}` {}", super::visible::how_blank(text)),
            )
            .with_help(format!("write a short `{field}`")),
        );
    } else if let Some((position, found)) = first_line_break(text) {
        let leading = value.value.len() - value.value.trim_start().len();
        let leading = value.value[..leading].chars().count();
        diagnostics.push(
            at(
                source,
                value,
                Code::NotOneLine,
                format!(
                    "`{field}` spans several lines: it holds {} at character {}",
                    line_break_name(found),
                    leading + position + 1
                ),
            )
            .with_help(format!("`{field}` must be one line; {instead}")),
        );
    }
}

/// W013 for a group titled like an earlier one: the overview and llms.txt would show
/// two sections of one name, and an agent reading llms.txt could not tell them apart.
/// Case is ignored, as a reader would: `Billing` and `billing` read as one section.
fn shared_title<'a>(
    source: &SourceFile,
    group: &'a RawGroup,
    titles: &mut BTreeMap<String, &'a RawGroup>,
    diagnostics: &mut Diagnostics,
) {
    let key = section_title_key(&group.title.value);
    if key.is_empty() {
        return; // E019's
    }
    if let Some(first) = titles.get(&key) {
        diagnostics.push(
            at(
                source,
                &group.title,
                Code::SharedSectionTitle,
                format!(
                    "group `{}` has the title of group `{}` (line {}), `{}`",
                    visible(&group.id.value),
                    visible(&first.id.value),
                    first.title.referenced.line(),
                    first.title.value.trim()
                ),
            )
            .with_help("the overview and llms.txt would show two sections of one name; give each group its own title, or merge the two groups"),
        );
    } else {
        titles.insert(key, group);
    }
}

/// A section title as a reader tells titles apart: without the spaces around it and
/// without case.
pub(super) fn section_title_key(title: &str) -> String {
    title.trim().to_lowercase()
}

fn duplicate_id(
    source: &SourceFile,
    id: &S<String>,
    what: &str,
    seen: &mut BTreeMap<String, usize>,
    diagnostics: &mut Diagnostics,
) {
    let line = id.referenced.line() as usize;
    if let Some(first) = seen.insert(id.value.clone(), line) {
        seen.insert(id.value.clone(), first);
        diagnostics.push(
            at(
                source,
                id,
                Code::DuplicateId,
                format!("{what} `{}` is defined twice", id.value),
            )
            .with_help(format!(
                "the first definition is at line {first}; rename or remove one"
            )),
        );
    }
}

fn check_base_url(
    source: &SourceFile,
    base_url: &S<String>,
    diagnostics: &mut Diagnostics,
) -> Option<String> {
    match validate_base_url(&base_url.value) {
        Ok(url) => Some(url),
        Err(message) => {
            diagnostics.push(
                at(source, base_url, Code::InvalidBaseUrl, message).with_help(
                    "write where the site is published, e.g. `https://docs.example.com/errors`",
                ),
            );
            None
        }
    }
}

/// The rules of E018, for `base_url` in errdex.yaml and `build --base-url` alike: returns
/// the normalised URL, or what is wrong with it.
pub fn validate_base_url(text: &str) -> Result<String, String> {
    let text = text.trim();
    // The URL parser accepts (and silently encodes or drops) characters that would break
    // out of a Markdown link or a line where `base_url` is written as is (llms.txt,
    // robots.txt): `https://x.example/a)<img src=x onerror=…>(`.
    // Quoted in the messages below with what no one can see made visible (`\u{200b}`),
    // and nothing else escaped: a `"` reads as itself.
    let shown = super::visible::visible(text);
    let unencoded = text.chars().find(|&c| {
        super::visible::is_invisible(c)
            || c.is_control()
            || matches!(
                c,
                '<' | '>' | '"' | '\'' | '`' | '\\' | '^' | '{' | '}' | '|' | '(' | ')'
            )
    });
    if let Some(c) = unencoded {
        let what = match c {
            ' ' => "a space".to_owned(),
            c if super::visible::is_invisible(c) || c.is_control() => {
                format!("the invisible character U+{:04X}", u32::from(c))
            }
            c => format!("`{c}`"),
        };
        return Err(format!(
            "`{shown}` contains {what}, which must be percent-encoded"
        ));
    }
    match url::Url::parse(text) {
        Ok(url) if !matches!(url.scheme(), "http" | "https") => {
            Err(format!("`{shown}` is not an http or https URL"))
        }
        Ok(url) if url.host_str().is_none_or(str::is_empty) => {
            Err(format!("`{shown}` has no host"))
        }
        Ok(url) if url.query().is_some() || url.fragment().is_some() => {
            Err(format!("`{shown}` has a query or fragment"))
        }
        Ok(url) if !url.username().is_empty() || url.password().is_some() => Err(format!(
            "`{shown}` holds a user name or password, which every page would publish"
        )),
        Ok(url) => match written_path(text, url.scheme()) {
            // The parser reads `https:docs.example.com` and `https:/docs.example.com` as
            // `https://docs.example.com`, but `base_url` is written as is, and there a
            // browser reads them as paths relative to the page.
            None => Err(format!(
                "`{shown}` does not start with `{}://` and a host",
                url.scheme()
            )),
            // The parser resolves `/a/../b` to `/b`; the links would keep `/a/../b` while
            // `_headers` and the sitemap's readers see `/b`.
            Some(path) if path.split('/').any(is_dot_segment) => {
                Err(format!("`{shown}` has a `.` or `..` segment in its path"))
            }
            // `https://example.com//docs`: `_headers` would write `//docs/llms.txt`, which
            // names a host called `docs`, and every page's URL would hold the `//`.
            Some(path) if path.trim_end_matches('/').contains("//") => {
                Err(format!("`{shown}` has an empty segment (`//`) in its path"))
            }
            // `…/docs/index.html` would make every page `…/index.html/errors/<code>/`.
            Some(path)
                if path
                    .trim_end_matches('/')
                    .rsplit('/')
                    .next()
                    .is_some_and(|last| {
                        let last = last.to_ascii_lowercase();
                        last.ends_with(".html") || last.ends_with(".htm")
                    }) =>
            {
                Err(format!(
                    "`{shown}` names a page; `base_url` is the folder the site is published in"
                ))
            }
            Some(_) => Ok(normalize_base_url(text)),
        },
        Err(e) => Err(format!("`{shown}` is not an absolute URL: {e}")),
    }
}

/// E010 for a group or envelope id that does not follow the rule of codes.
fn check_id(
    source: &SourceFile,
    id: &S<String>,
    kind: &str,
    example: &str,
    diagnostics: &mut Diagnostics,
) {
    if super::entry::is_valid_code(&id.value) {
        return;
    }
    diagnostics.push(
        at(
            source,
            id,
            Code::InvalidCode,
            format!(
                "{kind} id `{}` is not a valid id: {}",
                super::visible::visible(&id.value),
                super::entry::code_problem(&id.value).unwrap_or_default()
            ),
        )
        .with_help(format!(
            "ids use lower-case letters, digits, `_`, `.` and `-`, e.g. `{example}`"
        )),
    );
}

/// The path of a URL as written (`/errors` of `https://d.example/errors`), when it is
/// written `scheme://host…` as an absolute URL must be; `None` otherwise.
fn written_path<'a>(text: &'a str, scheme: &str) -> Option<&'a str> {
    let (written_scheme, rest) = text.split_once("://")?;
    if !written_scheme.eq_ignore_ascii_case(scheme) || rest.is_empty() || rest.starts_with('/') {
        return None;
    }
    Some(rest.find('/').map_or("", |slash| &rest[slash..]))
}

/// A path segment the URL parser would resolve away: `.` or `..`, also percent-encoded.
fn is_dot_segment(segment: &str) -> bool {
    matches!(
        segment.to_ascii_lowercase().as_str(),
        "." | ".." | "%2e" | "%2e." | ".%2e" | "%2e%2e"
    )
}

/// `base_url` as every output writes it: without its trailing slash, so
/// `{base_url}/errors/…` never doubles it, and with its scheme and host in lower case and
/// no default port (`HTTPS://Docs.Example.com:443/Errors` is
/// `https://docs.example.com/Errors`), so the outputs name the host one way, the way a
/// browser shows it. The path is kept as written: paths are case-sensitive.
pub fn normalize_base_url(url: &str) -> String {
    let url = url.trim().trim_end_matches('/');
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned(); // Not absolute: E018 reports it.
    };
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let scheme = scheme.to_ascii_lowercase();
    let authority = authority.to_lowercase();
    let default_port = if scheme == "https" { ":443" } else { ":80" };
    let host = authority.strip_suffix(default_port).unwrap_or(&authority);
    format!("{scheme}://{host}{path}")
}

/// W020: an envelope whose bodies are not checked, though it looks meant to be: its
/// `media_type` is not JSON and it has `pointers` (which only JSON has), or is close
/// to a JSON type (`aplication/json`), or is no media type at all. Each of these turns
/// off, without a word, every check of the bodies that follow the envelope.
fn check_media_type(
    source: &SourceFile,
    envelope: &crate::load::raw::RawEnvelope,
    diagnostics: &mut Diagnostics,
) {
    let Some(media_type) = &envelope.media_type else {
        return; // The default is `application/json`.
    };
    let written = media_type.value.as_str();
    if is_json_media_type(written) {
        return;
    }
    let essence = essence_of(written);
    let lower = essence.to_ascii_lowercase();
    let meant = crate::load::closest(&lower, &["application/json", "application/problem+json"])
        // `json`, `text/json`: JSON, written another way.
        .or_else(|| lower.contains("json").then_some("application/json"));
    let has_pointers = envelope
        .pointers
        .as_ref()
        .is_some_and(|p| p.set().next().is_some());
    let well_formed = is_media_type(essence);
    if well_formed && !has_pointers && meant.is_none() {
        return; // A body in another format (`text/html`), named as such.
    }
    let what = if well_formed {
        "not a JSON one"
    } else {
        "not a media type"
    };
    let help = match (meant, has_pointers) {
        (Some(meant), _) => format!(
            "did you mean `{meant}`? JSON bodies are `application/json` or a `+json` type, such as `application/problem+json` (or AWS's `application/x-amz-json-1.1`)"
        ),
        (None, true) => "`pointers` are read from JSON bodies: write `application/json` or a `+json` type (`application/problem+json`) if the bodies are JSON, or leave `pointers` out for bodies in another format".to_owned(),
        (None, false) => "write a media type as `type/subtype`, e.g. `application/json` or `text/html`".to_owned(),
    };
    diagnostics.push(
        at(
            source,
            media_type,
            Code::UncheckedMediaType,
            format!(
                "media type `{}` is {what}, so the bodies that follow envelope `{}` are not checked",
                visible(written),
                visible(&envelope.id.value)
            ),
        )
        .with_help(help),
    );
}

/// Whether `essence` is `type/subtype`, each a name of RFC 6838 (a letter or digit,
/// then letters, digits and `!#$&-^_.+`, 127 characters at most).
fn is_media_type(essence: &str) -> bool {
    let name = |part: &str| {
        part.len() <= 127
            && part
                .bytes()
                .enumerate()
                .all(|(i, b)| b.is_ascii_alphanumeric() || (i > 0 && b"!#$&-^_.+".contains(&b)))
            && !part.is_empty()
    };
    essence
        .split_once('/')
        .is_some_and(|(kind, subtype)| name(kind) && name(subtype))
}

/// Whether bodies of this media type are JSON: `application/json`, any `…+json`, and
/// the unregistered names real APIs send JSON under: AWS's JSON protocols
/// (`application/x-amz-json-1.0`, `-1.1`), `application/x-json`, and the old
/// `text/json` and `text/x-json`. A catalog of such an API would otherwise have to name
/// another media type than the one its responses carry to get its bodies checked.
pub fn is_json_media_type(media_type: &str) -> bool {
    let essence = essence_of(media_type).to_ascii_lowercase();
    let Some((kind, subtype)) = essence.split_once('/') else {
        return false;
    };
    let json_kind = matches!(kind, "application" | "text");
    subtype.ends_with("+json")
        || (json_kind && matches!(subtype, "json" | "x-json"))
        || (kind == "application" && subtype.starts_with("x-amz-json-"))
}

/// A media type without its parameters: `text/html` of `text/html; charset=utf-8`.
pub(super) fn essence_of(media_type: &str) -> &str {
    media_type.split(';').next().unwrap_or("").trim()
}

/// Validates RFC 6901 syntax: empty, or `/`-separated segments with `~` only as `~0`/`~1`.
pub(super) fn validate_pointer(pointer: &str) -> Result<(), &'static str> {
    if pointer.is_empty() {
        return Ok(());
    }
    if !pointer.starts_with('/') {
        return Err("it must start with `/`");
    }
    let mut chars = pointer.chars();
    while let Some(c) = chars.next() {
        if c == '~' && !matches!(chars.next(), Some('0' | '1')) {
            return Err("`~` must be followed by `0` or `1`");
        }
    }
    Ok(())
}

/// Whether `tag` is a language tag as [`crate::load::raw::LANGUAGE_PATTERN`] says: a
/// language of two or three letters, then subtags of one to eight letters or digits.
fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let language = parts.next().unwrap_or_default();
    (2..=3).contains(&language.len())
        && language.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// The validated configuration.
pub(super) fn to_model(raw: &RawConfig, base_url: String) -> Config {
    let text = |s: &Option<S<String>>| s.as_ref().map(|s| s.value.trim_end().to_owned());
    Config {
        title: raw.title.value.trim().to_owned(),
        summary: raw.summary.value.trim().to_owned(),
        base_url,
        language: raw
            .language
            .as_ref()
            .map_or_else(|| "en".to_owned(), |l| l.value.trim().to_owned()),
        intro: text(&raw.intro),
        auth: text(&raw.auth),
        agent_instructions: text(&raw.agent_instructions),
        default_envelope: super::bodies::default_envelope(raw).map(|e| e.id.value.clone()),
        envelopes: raw
            .envelopes
            .iter()
            .flat_map(|e| &e.value)
            .map(|e| Envelope {
                id: e.id.value.clone(),
                title: e.title.value.trim().to_owned(),
                description: text(&e.description),
                media_type: e.media_type.as_ref().map_or_else(
                    || "application/json".to_owned(),
                    |m| m.value.trim().to_owned(),
                ),
                example: e.example.value.trim_end().to_owned(),
                pointers: e
                    .pointers
                    .as_ref()
                    .map_or_else(Pointers::default, |p| Pointers {
                        code: p.code.as_ref().map(|s| s.value.clone()),
                        message: p.message.as_ref().map(|s| s.value.clone()),
                        docs_url: p.docs_url.as_ref().map(|s| s.value.clone()),
                        status: p.status.as_ref().map(|s| s.value.clone()),
                    }),
            })
            .collect(),
        groups: raw
            .groups
            .iter()
            .flat_map(|g| &g.value)
            .map(|g| Group {
                id: g.id.value.clone(),
                title: g.title.value.trim().to_owned(),
                description: text(&g.description),
            })
            .collect(),
        statuses: {
            let mut rows: Vec<StatusRow> = raw
                .statuses
                .iter()
                .flat_map(|s| &s.value)
                .filter_map(|s| {
                    Some(StatusRow {
                        status: u16::try_from(s.status.value).ok()?,
                        meaning: s.meaning.value.trim_end().to_owned(),
                    })
                })
                .collect();
            rows.sort_by_key(|r| r.status);
            rows
        },
        tips: raw
            .tips
            .iter()
            .flat_map(|t| &t.value)
            .map(|t| t.value.trim_end().to_owned())
            .collect(),
        links: links_to_model(raw.links.as_ref()),
    }
}

/// Validated links.
pub(super) fn links_to_model(links: Option<&S<Vec<RawLink>>>) -> Vec<Link> {
    links
        .iter()
        .flat_map(|l| &l.value)
        .map(|l| Link {
            title: l.title.value.trim().to_owned(),
            // Written `%20` as Markdown writes a space in a link, so every output
            // has the same, valid address.
            url: l.url.value.trim().replace(' ', "%20"),
            description: l
                .description
                .as_ref()
                .map(|d| d.value.trim_end().to_owned()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_must_be_written_as_an_absolute_url_without_credentials() {
        for ok in [
            "https://docs.example.com",
            "https://docs.example.com/errors/",
            "HTTP://Docs.Example.com:8080/a.b/..c/",
        ] {
            assert!(validate_base_url(ok).is_ok(), "{ok}");
        }
        for (bad, problem) in [
            (
                "https:docs.example.com/errors",
                "does not start with `https://`",
            ),
            ("https:/docs.example.com", "does not start with `https://`"),
            (
                "https:///docs.example.com",
                "does not start with `https://`",
            ),
            ("https:x.example/a://b", "does not start with `https://`"),
            (
                "https://user:secret@docs.example.com",
                "user name or password",
            ),
            ("https://user@docs.example.com", "user name or password"),
            ("https://docs.example.com/a/../b", "`.` or `..` segment"),
            ("https://docs.example.com/a/./b", "`.` or `..` segment"),
            ("https://docs.example.com/a/%2E%2e/b", "`.` or `..` segment"),
            ("https://docs.example.com/..", "`.` or `..` segment"),
            ("https://docs.example.com//docs", "empty segment (`//`)"),
            ("https://docs.example.com/a//b/", "empty segment (`//`)"),
            ("https://docs.example.com/docs/index.html", "names a page"),
            ("https://docs.example.com/Errors.HTM/", "names a page"),
            // Quoted as written, but for what cannot be seen.
            (
                "https://docs.example.com/a\"b",
                "`https://docs.example.com/a\"b` contains `\"`",
            ),
            (
                "https://docs.example.com/a b",
                "`https://docs.example.com/a b` contains a space",
            ),
            (
                "https://docs.example.com/\u{200b}x",
                "`https://docs.example.com/\\u{200b}x` contains the invisible character U+200B",
            ),
        ] {
            let message = validate_base_url(bad).expect_err(bad);
            assert!(message.contains(problem), "{bad}: {message}");
        }
    }

    #[test]
    fn base_url_names_its_scheme_and_host_in_lower_case_without_a_default_port() {
        for (written, normal) in [
            (
                "HTTPS://Docs.Example.COM:443/Errors/",
                "https://docs.example.com/Errors",
            ),
            ("http://Example.com:80", "http://example.com"),
            ("https://example.com:80/a", "https://example.com:80/a"),
            ("http://[::1]:8080/", "http://[::1]:8080"),
            ("https://docs.example.com//", "https://docs.example.com"),
            (
                "https://Bücher.example/Fehler",
                "https://bücher.example/Fehler",
            ),
        ] {
            assert_eq!(
                validate_base_url(written).as_deref(),
                Ok(normal),
                "{written}"
            );
        }
    }

    #[test]
    fn the_catalog_title_sends_longer_text_to_the_intro() {
        let text = "title: \"Fixture\\nAPI\"\nsummary: S.\nbase_url: https://docs.example.com\ngroups:\n  - id: core\n    title: \"Core\\nerrors\"\n";
        let source = SourceFile::new("errdex.yaml", text.to_owned());
        let raw = crate::load::parse_config(&source).expect("the test file parses");
        assert_eq!(
            one_line_helps(&source, one_line_fields(&raw)),
            [
                // errdex.yaml has no `description`.
                "`title` must be one line; move the detail to `intro`",
                "`title` must be one line; move the detail to `description`",
            ]
        );
    }

    #[test]
    fn pointers_follow_rfc_6901() {
        assert!(validate_pointer("/error/code").is_ok());
        assert!(validate_pointer("").is_ok());
        assert!(validate_pointer("/a~1b/~0").is_ok());
        assert!(validate_pointer("error/code").is_err());
        assert!(validate_pointer("/a~2").is_err());
    }

    #[test]
    fn json_media_types() {
        assert!(is_json_media_type("application/json"));
        assert!(is_json_media_type(
            "application/problem+json; charset=utf-8"
        ));
        assert!(!is_json_media_type("text/plain"));
        for json in [
            "application/x-amz-json-1.1",
            "Application/X-Amz-Json-1.0; charset=UTF-8",
            "application/x-json",
            "text/json",
            "application/vnd.api+json",
        ] {
            assert!(is_json_media_type(json), "{json}");
        }
        for other in [
            "application/x-ndjson",
            "application/json-seq",
            "application/jsonl",
            "image/json",
            "json",
        ] {
            assert!(!is_json_media_type(other), "{other}");
        }
    }

    #[test]
    fn a_media_type_is_type_slash_subtype_of_rfc_6838_names() {
        for good in [
            "text/html",
            "application/vnd.api+json",
            "application/x-www-form-urlencoded",
        ] {
            assert!(is_media_type(good), "{good}");
        }
        for bad in [
            "json",
            "application/",
            "/json",
            "text/html/x",
            "text /html",
            "-a/b",
            "a/b c",
            "",
        ] {
            assert!(!is_media_type(bad), "{bad}");
        }
    }
}
