//! View models: what the HTML templates see.
//!
//! Markdown fields are rendered to sanitised HTML here (`*_html` fields) with links
//! relative to the page being rendered; every other string is plain text that the
//! templates autoescape. Templates never see the raw model, so a theme cannot forget to
//! sanitise.

use crate::http_status::reason_phrase;
use crate::markdown::{HeadingIds, SiteLinks, may_link, to_html_with_heading_ids, to_inline_html};
use crate::message_template::{Part, parts};
use crate::model::{Catalog, ErrorEntry, page_path};
use pulldown_cmark::HeadingLevel::{self, H2, H3, H4};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Site-wide values every page gets.
#[derive(Debug, Serialize)]
pub struct SiteView<'a> {
    pub title: &'a str,
    /// Plain text, for `<meta>` and Open Graph.
    pub summary: String,
    /// The summary's Markdown rendered inline, for the page body.
    pub summary_html: String,
    pub base_url: &'a str,
    /// The pages' `lang`, a BCP 47 tag.
    pub language: &'a str,
    /// Relative prefix from the page to the site root: `./` or `../../`.
    pub root: &'a str,
}

/// The current page's metadata.
#[derive(Debug, Serialize)]
pub struct PageView {
    pub title: String,
    pub description: String,
    pub canonical: String,
    /// The page's Markdown, absolute, for `rel=alternate`: an agent finds it there.
    pub markdown_url: Option<String>,
    /// The same Markdown, relative, for the links a reader clicks: they stay on the copy
    /// being read (a deploy preview, `serve`, the folder on disk), not on `base_url`.
    pub markdown_href: Option<String>,
    pub kind: &'static str,
}

/// A link to another error.
#[derive(Debug, Serialize)]
pub struct ErrorLink<'a> {
    pub code: &'a str,
    pub title: &'a str,
    pub status: u16,
    pub href: String,
    /// Whether the linked error is deprecated, which every list of errors marks.
    pub deprecated: bool,
}

/// A cause → resolution row.
#[derive(Debug, Serialize)]
pub struct CauseView {
    pub cause_html: String,
    pub resolution_html: String,
}

/// A message template split into literal text and placeholders.
#[derive(Debug, Serialize)]
pub struct MessageView<'a> {
    pub parts: Vec<MessagePart<'a>>,
    pub cause_html: Option<String>,
    pub resolution_html: Option<String>,
}

/// An error's messages, and which of their columns hold anything: a catalog that lists
/// only the messages (most do, at first) gets a table of one column, not two columns of
/// dashes.
#[derive(Debug, Serialize)]
pub struct MessagesView<'a> {
    pub rows: Vec<MessageView<'a>>,
    pub cause: bool,
    pub resolution: bool,
}

/// One piece of a message.
#[derive(Debug, Serialize)]
pub struct MessagePart<'a> {
    pub text: &'a str,
    pub placeholder: bool,
}

/// A failing request field.
#[derive(Debug, Serialize)]
pub struct FieldView<'a> {
    pub field: &'a str,
    pub cause_html: String,
}

/// The envelope a response follows.
#[derive(Debug, Serialize)]
pub struct EnvelopeView<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub description_html: Option<String>,
    pub media_type: &'a str,
    pub example: String,
}

/// An example response.
#[derive(Debug, Serialize)]
pub struct ResponseView<'a> {
    pub envelope: Option<EnvelopeView<'a>>,
    pub media_type: &'a str,
    /// The `Content-Type` shown before the headers when they name none (see
    /// [`crate::model::Response::implied_content_type`]).
    pub content_type: Option<&'a str>,
    pub headers: Vec<Header<'a>>,
    /// `None` for a response sent without a body.
    pub body: Option<String>,
}

/// A response header.
#[derive(Debug, Serialize)]
pub struct Header<'a> {
    pub name: &'a str,
    pub value: &'a str,
}

/// A request example tab.
#[derive(Debug, Serialize)]
pub struct ExampleView<'a> {
    pub id: String,
    pub title: &'a str,
    pub lang: &'a str,
    pub code: &'a str,
}

/// A link to further reading.
#[derive(Debug, Serialize)]
pub struct LinkView<'a> {
    pub title: &'a str,
    pub url: String,
    pub description_html: Option<String>,
}

/// Everything an error page shows.
#[derive(Debug, Serialize)]
pub struct ErrorView<'a> {
    pub code: &'a str,
    /// The code as the API sends it, when spelled otherwise (`INVALID_ARGUMENT`).
    pub sent_as: Option<&'a str>,
    pub title: &'a str,
    pub status: u16,
    pub reason: &'static str,
    pub summary_html: String,
    pub description_html: Option<String>,
    pub group: Option<GroupRef<'a>>,
    pub retryable: bool,
    pub retry_after: Option<&'a crate::model::RetryAfter>,
    pub action: &'static str,
    pub action_label: &'static str,
    /// What the action asks of the agent, as a sentence
    /// ([`crate::model::AgentAction::meaning`]).
    pub action_meaning: String,
    /// The catalog's `auth` text, on a page that quotes it (see [`crate::model::quoted_auth`]).
    pub auth_html: Option<String>,
    pub guidance_html: String,
    pub when_html: Vec<String>,
    pub causes: Vec<CauseView>,
    pub messages: MessagesView<'a>,
    pub fields: Vec<FieldView<'a>>,
    pub endpoints: &'a [String],
    pub fix_html: Vec<String>,
    pub gotchas_html: Vec<String>,
    pub response: Option<ResponseView<'a>>,
    pub examples: Vec<ExampleView<'a>>,
    pub related: Vec<ErrorLink<'a>>,
    pub links: Vec<LinkView<'a>>,
    pub since: Option<&'a str>,
    pub deprecated_html: Option<String>,
    pub replaced_by: Option<ErrorLink<'a>>,
    pub page_url: String,
    pub markdown_url: String,
    /// [`ErrorView::markdown_url`] relative to the page: see [`PageView::markdown_href`].
    pub markdown_href: String,
    pub source: &'a str,
}

/// A group reference.
#[derive(Debug, Serialize)]
pub struct GroupRef<'a> {
    pub id: &'a str,
    pub title: &'a str,
}

/// Lookups shared by every page of one render.
pub struct Index<'a> {
    pub catalog: &'a Catalog,
    pub by_code: BTreeMap<&'a str, &'a ErrorEntry>,
}

impl<'a> Index<'a> {
    /// Indexes a catalog by code.
    pub fn new(catalog: &'a Catalog) -> Self {
        Index {
            catalog,
            by_code: catalog
                .errors
                .iter()
                .map(|e| (e.code.as_str(), e.as_ref()))
                .collect(),
        }
    }

    fn link(&self, code: &'a str, root: &str) -> Option<ErrorLink<'a>> {
        self.by_code.get(code).map(|e| ErrorLink {
            code: &e.code,
            title: &e.title,
            status: e.status,
            href: format!("{root}errors/{}/", e.code),
            deprecated: e.is_deprecated(),
        })
    }
}

/// Renders the block Markdown fields of one page at `root`, giving their headings ids
/// unique on the page. Fields are rendered in the order the page shows them, so of two
/// same headings the first keeps the plain id.
struct Blocks<'a> {
    root: &'a str,
    ids: HeadingIds<'a>,
}

impl Blocks<'_> {
    /// `markdown` as HTML, its top headings at `top`: one level below the heading the
    /// template puts it under (`H2` right under the page's `<h1>`).
    fn render(&mut self, markdown: &str, top: HeadingLevel) -> String {
        to_html_with_heading_ids(markdown, SiteLinks::Relative(self.root), &mut self.ids, top)
    }

    /// [`Blocks::render`] for a text that belongs to another page, `page` (a site path):
    /// its `#fragment` links lead there.
    fn render_from(&mut self, markdown: &str, page: &str, top: HeadingLevel) -> String {
        let links = SiteLinks::RelativeFrom {
            root: self.root,
            page,
        };
        to_html_with_heading_ids(markdown, links, &mut self.ids, top)
    }
}

/// Ids that `base.html` writes on every page.
const BASE_IDS: &[&str] = &["main", "search-input", "search-results"];

/// Ids that `error.html` writes, besides the examples' tabs (`ex-…`, `panel-ex-…`): a
/// section's short id and its heading's slug. Reserved whether or not the page has the
/// section, so adding a section never moves a heading of the writer's.
const ERROR_PAGE_IDS: &[&str] = &[
    "error-title",
    "deprecated",
    "replaced",
    "returned-by",
    "endpoints-label",
    "when",
    "when-it-fires",
    "causes",
    "messages",
    "fields",
    "response",
    "response-shape",
    "fix",
    "how-to-fix",
    "auth",
    "authentication",
    "gotchas",
    "common-gotchas",
    "examples",
    "agent",
    "if-youre-an-ai-agent",
    "related",
    "related-errors",
    "links",
    "further-reading",
];

/// The ids `error.html` writes for a section when it shows it, in the page's order: the
/// section's own and, for most, its heading's. The agent's section is on every page.
const SECTION_IDS: &[(&str, &[&str])] = &[
    ("deprecated", &["deprecated"]),
    ("replaced", &["replaced"]),
    ("returned-by", &["returned-by", "endpoints-label"]),
    ("when", &["when", "when-it-fires"]),
    ("causes", &["causes"]),
    ("messages", &["messages"]),
    ("fields", &["fields"]),
    ("response", &["response", "response-shape"]),
    ("fix", &["fix", "how-to-fix"]),
    ("auth", &["auth", "authentication"]),
    ("gotchas", &["gotchas", "common-gotchas"]),
    ("examples", &["examples"]),
    ("agent", &["agent", "if-youre-an-ai-agent"]),
    ("related", &["related", "related-errors"]),
    ("links", &["links", "further-reading"]),
];

/// The ids of [`ERROR_PAGE_IDS`] outside any section, which every error page has.
const EVERY_ERROR_PAGE_IDS: &[&str] = &["error-title"];

/// Ids that `overview.html` writes with fixed names; [`overview_view`] reserves the
/// ones it names after a status, error, envelope or group too.
const OVERVIEW_IDS: &[&str] = &[
    "introduction",
    "authentication",
    "envelopes",
    "response-envelopes",
    "status-codes",
    "http-status-codes",
    "errors-by-status",
    "groups",
    "errors-by-group",
    "troubleshooting",
    "troubleshooting-tips",
    "links",
];

/// Renders a one-line Markdown field for a page at `root`.
fn inline(markdown: &str, root: &str) -> String {
    to_inline_html(markdown, SiteLinks::Relative(root))
}

/// Causes for any page; `links` says where the page is, and whose page it is.
pub fn causes(entry: &ErrorEntry, links: SiteLinks<'_>) -> Vec<CauseView> {
    entry
        .causes
        .iter()
        .map(|c| CauseView {
            cause_html: to_inline_html(&c.cause, links),
            resolution_html: to_inline_html(&c.resolution, links),
        })
        .collect()
}

/// Messages for any page; `links` says where the page is, and whose page it is.
pub fn messages<'a>(entry: &'a ErrorEntry, links: SiteLinks<'_>) -> MessagesView<'a> {
    let rows: Vec<MessageView<'a>> = entry
        .messages
        .iter()
        .map(|m| MessageView {
            parts: parts(&m.message)
                .into_iter()
                .map(|p| match p {
                    Part::Text(text) => MessagePart {
                        text,
                        placeholder: false,
                    },
                    Part::Placeholder(text) => MessagePart {
                        text,
                        placeholder: true,
                    },
                })
                .collect(),
            cause_html: m.cause.as_deref().map(|c| to_inline_html(c, links)),
            resolution_html: m.resolution.as_deref().map(|r| to_inline_html(r, links)),
        })
        .collect();
    let (cause, resolution) = entry.message_columns();
    MessagesView {
        rows,
        cause,
        resolution,
    }
}

/// External or site links, made relative to the page when they are site paths. A link
/// with an unsafe scheme (`javascript:`…) or none (`//host/x`) is left out: `check`
/// rejects it already, and rendering never trusts that it ran.
fn link_views<'a>(links: &'a [crate::model::Link], root: &str) -> Vec<LinkView<'a>> {
    links
        .iter()
        .filter(|l| may_link(&l.url))
        .map(|l| LinkView {
            title: &l.title,
            url: SiteLinks::Relative(root).link_url(&l.url),
            description_html: l.description.as_deref().map(|d| inline(d, root)),
        })
        .collect()
}

/// Pretty-prints a JSON body; other media types are shown as written.
///
/// The body is re-indented, not parsed and printed again: a value would turn `1e2` into
/// `100.0`, `-0` into `-0.0` and a 30-digit id into a float, and keep one of two
/// repeated keys, and the reader must see the body exactly as the API sends it.
pub fn pretty_body(body: &str) -> String {
    match serde_json::from_str::<serde::de::IgnoredAny>(body) {
        Ok(_) => reindent_json(body),
        Err(_) => body.to_owned(),
    }
}

/// Lays out valid JSON text two spaces a level, as `serde_json::to_string_pretty` does,
/// keeping every token as written, with one difference: a short array of numbers,
/// strings, booleans and nulls stays on one line (`"loc": ["body", "email"]`, as in
/// FastAPI's validation errors), which one item per line would spread over four.
fn reindent_json(json: &str) -> String {
    fn newline(out: &mut String, depth: usize) {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("  ");
        }
    }
    let mut out = String::with_capacity(json.len() * 2);
    let mut depth = 0;
    let mut chars = json.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match c {
            '"' => {
                out.push('"');
                while let Some((_, c)) = chars.next() {
                    out.push(c);
                    match c {
                        '\\' => out.extend(chars.next().map(|(_, c)| c)),
                        '"' => break,
                        _ => {}
                    }
                }
            }
            '[' if let Some((line, end)) = short_array(json, at) => {
                out.push_str(&line);
                while chars.next_if(|&(i, _)| i < end).is_some() {}
            }
            '{' | '[' => {
                let close = if c == '{' { '}' } else { ']' };
                while chars.next_if(|(_, c)| c.is_ascii_whitespace()).is_some() {}
                out.push(c);
                if chars.next_if(|&(_, c)| c == close).is_some() {
                    out.push(close);
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(',');
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            // Whitespace between tokens; inside strings it was copied above.
            c if c.is_ascii_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}

/// The longest array [`reindent_json`] keeps on one line, in characters.
const SHORT_ARRAY: usize = 60;

/// The array of valid JSON `json` opening at byte `open`, on one line (`[a, b]`, each
/// item as written), and the byte after its `]`: if it is not empty, holds no array or
/// object, and is at most [`SHORT_ARRAY`] characters so laid out.
fn short_array(json: &str, open: usize) -> Option<(String, usize)> {
    let mut line = String::from("[");
    let mut in_string = false;
    let mut escaped = false;
    let mut items = 0;
    let mut item_open = false;
    for (at, c) in json[open + 1..].char_indices() {
        if in_string {
            line.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else {
            match c {
                '[' | '{' => return None,
                ']' => {
                    line.push(']');
                    let fits = items > 0 && line.chars().count() <= SHORT_ARRAY;
                    return fits.then_some((line, open + 1 + at + 1));
                }
                ',' => {
                    line.push_str(", ");
                    item_open = false;
                }
                c if c.is_ascii_whitespace() => {}
                c => {
                    if !item_open {
                        items += 1;
                        item_open = true;
                    }
                    in_string = c == '"';
                    line.push(c);
                }
            }
        }
        if line.len() > SHORT_ARRAY * 4 {
            return None;
        }
    }
    None
}

/// A slug usable in an `id` attribute (tab ids of examples).
fn slug(text: &str) -> String {
    let mut slug = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_matches('-').to_owned()
}

/// The tab id of each example, in order: `ex-` and the title's slug, with `-2`, `-3`, …
/// added to a slug already taken. Checked against every id handed out so far, not only
/// against the same slug: titles `curl 2`, `curl`, `curl` would otherwise give the third
/// the first's `ex-curl-2`, and its tab could not be selected.
fn example_ids<'a>(titles: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut taken = std::collections::BTreeSet::new();
    // The next suffix to try for each slug, so that many same titles stay linear.
    let mut next: BTreeMap<String, usize> = BTreeMap::new();
    let mut ids = Vec::new();
    for title in titles {
        let base = format!("ex-{}", slug(title));
        let mut id = base.clone();
        if taken.contains(&id) {
            let n = next.entry(base.clone()).or_insert(2);
            loop {
                id = format!("{base}-{n}");
                *n += 1;
                if !taken.contains(&id) {
                    break;
                }
            }
        }
        taken.insert(id.clone());
        ids.push(id);
    }
    ids
}

/// Whether `id` is one that an error page's templates write: a fixed id of `base.html`
/// or `error.html`, or an example's tab (`ex-…`) or panel (`panel-ex-…`).
fn is_error_page_id(id: &str, example_ids: &[String]) -> bool {
    BASE_IDS.contains(&id)
        || ERROR_PAGE_IDS.contains(&id)
        || example_ids
            .iter()
            .any(|tab| id == tab || id.strip_prefix("panel-") == Some(tab))
}

/// What gives the overview its ids, as [`overview_view`] gives them: the catalog's codes,
/// statuses, envelopes and groups, and errdex.yaml's block texts in the order the page
/// shows them.
pub struct OverviewIdSources<'a> {
    pub codes: Vec<&'a str>,
    pub statuses: BTreeSet<u16>,
    pub intro: Option<&'a str>,
    pub auth: Option<&'a str>,
    /// Every envelope: its id and description.
    pub envelopes: Vec<(&'a str, Option<&'a str>)>,
    /// Every group: its id, its description, and whether any error is in it (the
    /// overview shows only those).
    pub groups: Vec<(&'a str, Option<&'a str>, bool)>,
    /// Whether an error is in no group (shown under `#group-_other` beside groups).
    pub ungrouped: bool,
    pub tips: Vec<&'a str>,
}

/// Every id the overview can have, for checking a link's `#fragment` (W016): the fixed
/// ids of `base.html` and `overview.html` (its sections' whether shown or not: a link to
/// a section the catalog leaves out lands at the top, not nowhere), one per status,
/// error, envelope and shown group, and the ids of the headings in errdex.yaml's texts,
/// given as [`overview_view`] gives them.
pub fn overview_page_ids(page: &OverviewIdSources<'_>) -> BTreeSet<String> {
    let envelope_ids: Vec<&str> = page.envelopes.iter().map(|(id, _)| *id).collect();
    let group_ids: Vec<&str> = page.groups.iter().map(|(id, ..)| *id).collect();
    let reserved = |id: &str| is_overview_id(id, &page.codes, &envelope_ids, &group_ids);
    let mut headings = HeadingIds::new(&reserved);
    let shown_groups = page.groups.iter().filter(|(.., shown)| *shown);
    let blocks = [page.intro, page.auth]
        .into_iter()
        .chain(page.envelopes.iter().map(|(_, description)| *description))
        .chain(shown_groups.clone().map(|(_, description, _)| *description))
        .flatten()
        .chain(page.tips.iter().copied());
    for markdown in blocks {
        // Only the ids are wanted, which do not depend on the links or the level.
        to_html_with_heading_ids(markdown, SiteLinks::Relative(""), &mut headings, H3);
    }
    let mut ids = headings.into_given();
    ids.extend(
        BASE_IDS
            .iter()
            .chain(OVERVIEW_IDS)
            .map(|id| (*id).to_owned()),
    );
    ids.extend(
        page.statuses
            .iter()
            .map(|status| format!("status-{status}")),
    );
    ids.extend(page.codes.iter().map(|code| format!("error-{code}")));
    ids.extend(envelope_ids.iter().map(|id| format!("envelope-{id}")));
    ids.extend(shown_groups.clone().map(|(id, ..)| format!("group-{id}")));
    if page.ungrouped && shown_groups.clone().next().is_some() {
        ids.insert("group-_other".to_owned());
    }
    ids
}

/// Whether `overview.html` can write `id` itself: a fixed id, or one named after a
/// status, an error, an envelope or a group. A heading of the writer's is given another.
fn is_overview_id(id: &str, codes: &[&str], envelopes: &[&str], groups: &[&str]) -> bool {
    BASE_IDS.contains(&id)
        || OVERVIEW_IDS.contains(&id)
        || id
            .strip_prefix("status-")
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        || named_after(id, "error-", codes.iter().copied())
        || named_after(id, "envelope-", envelopes.iter().copied())
        || named_after(id, "group-", groups.iter().copied())
        || id == "group-_other"
}

/// What gives an error page its ids: the sections it shows, its block Markdown fields,
/// in the order the page shows them (see [`error_view`]), and its examples' titles.
pub struct PageIdSources<'a> {
    /// The sections the page shows, by their ids in [`SECTION_IDS`] (`fix`, `returned-by`):
    /// those whose field has an item (a text that is not blank), `deprecated`, or else
    /// `replaced` for an error with only a `replaced_by`, and `agent`, always.
    pub sections: Vec<&'a str>,
    pub deprecated: Option<&'a str>,
    pub description: Option<&'a str>,
    /// The description of the envelope the response follows, shown under "Response shape".
    pub envelope_description: Option<&'a str>,
    /// The catalog's `auth` text, when the page quotes it (under "Authentication").
    pub auth: Option<&'a str>,
    pub guidance: &'a str,
    pub example_titles: Vec<&'a str>,
}

/// Every id an error page has with errdex's templates, for checking a link's
/// `#fragment`: the fixed ids of `base.html`, those of `error.html` for the sections the
/// page shows, the examples' tabs and panels, and the ids of the headings in its
/// Markdown, given as [`error_view`] gives them (clear of every id `error.html` can
/// write, whether or not the page shows the section).
pub fn error_page_ids(page: &PageIdSources<'_>) -> std::collections::BTreeSet<String> {
    let example_ids = example_ids(page.example_titles.iter().copied());
    let reserved = |id: &str| is_error_page_id(id, &example_ids);
    let mut headings = HeadingIds::new(&reserved);
    let blocks = [
        page.deprecated,
        page.description,
        page.envelope_description,
        page.auth,
    ];
    for markdown in blocks.into_iter().flatten().chain([page.guidance]) {
        // Only the ids are wanted; the links are rewritten for no page in particular.
        // Ids do not depend on the level a heading is shown at.
        to_html_with_heading_ids(markdown, SiteLinks::Relative(""), &mut headings, H2);
    }
    let mut ids = headings.into_given();
    let shown = SECTION_IDS
        .iter()
        .filter(|(section, _)| page.sections.contains(section))
        .flat_map(|(_, ids)| ids.iter());
    let fixed = BASE_IDS.iter().chain(EVERY_ERROR_PAGE_IDS).chain(shown);
    ids.extend(fixed.map(|id| (*id).to_owned()));
    for tab in example_ids {
        ids.insert(format!("panel-{tab}"));
        ids.insert(tab);
    }
    ids
}

/// The envelope that applies to an entry's response: the one it names, or the
/// catalog's default (`default_envelope`, or its only envelope).
pub fn envelope_of<'a>(
    catalog: &'a Catalog,
    entry: &ErrorEntry,
) -> Option<&'a crate::model::Envelope> {
    let config = &catalog.config;
    let id = entry
        .response
        .as_ref()
        .and_then(|r| r.envelope.as_deref())
        .or(config.default_envelope.as_deref())?;
    config.envelopes.iter().find(|e| e.id == id)
}

/// The media type an error's bodies are read as: its envelope's, or JSON without one.
pub fn media_type_of(envelope: Option<&crate::model::Envelope>) -> &str {
    envelope.map_or(crate::load::raw::DEFAULT_MEDIA_TYPE, |e| {
        e.media_type.as_str()
    })
}

/// The relative path from an error page (`errors/<code>/index.html`) to the site root.
pub const ERROR_PAGE_ROOT: &str = "../../";

/// The link from a page whose site root is `root` to the Markdown of the error `code`.
/// A code is made of `[a-z0-9_.-]` (E010), which a URL path holds as written.
pub fn markdown_href(root: &str, code: &str) -> String {
    format!("{root}errors/{code}.md")
}

/// The view of one error page (at `errors/<code>/`).
pub fn error_view<'a>(index: &Index<'a>, entry: &'a ErrorEntry) -> ErrorView<'a> {
    let catalog = index.catalog;
    let root = ERROR_PAGE_ROOT;
    let group = entry
        .group
        .as_deref()
        .and_then(|id| catalog.config.groups.iter().find(|g| g.id == id));
    let example_ids = example_ids(entry.examples.iter().map(|e| e.title.as_str()));
    let reserved = |id: &str| is_error_page_id(id, &example_ids);
    let mut blocks = Blocks {
        root,
        ids: HeadingIds::new(&reserved),
    };
    // In the order the page shows them: the callout, the description, the envelope's
    // description (under "Response shape"), the catalog's `auth` (under
    // "Authentication") and the agent's guidance.
    // The callout and the description follow the page's `<h1>`; the rest are in
    // sections with an `<h2>` of their own.
    let deprecated_html = entry.deprecated.as_deref().map(|d| blocks.render(d, H2));
    let description_html = entry.description.as_deref().map(|d| blocks.render(d, H2));
    let response = entry.response.as_ref().map(|r| {
        let envelope = envelope_of(catalog, entry);
        let media_type = media_type_of(envelope);
        ResponseView {
            envelope: envelope.map(|e| envelope_view(e, &mut blocks, H3)),
            media_type,
            content_type: r.implied_content_type(media_type),
            headers: r
                .headers
                .iter()
                .map(|(name, value)| Header { name, value })
                .collect(),
            body: r.has_body().then(|| pretty_body(&r.body)),
        }
    });
    // The overview's text: its `#fragment` links lead there.
    let auth_html = catalog
        .auth_for(entry)
        .map(|auth| blocks.render_from(auth, "/", H3));
    let guidance_html = blocks.render(&entry.agent.guidance, H3);
    ErrorView {
        code: &entry.code,
        sent_as: entry.sent_as.as_deref(),
        title: &entry.title,
        status: entry.status,
        reason: reason_phrase(entry.status),
        summary_html: inline(&entry.summary, root),
        description_html,
        group: group.map(|g| GroupRef {
            id: &g.id,
            title: &g.title,
        }),
        retryable: entry.retryable,
        retry_after: entry.retry_after.as_ref(),
        action: entry.agent.action.as_str(),
        action_label: entry.agent.action.label(),
        action_meaning: sentence(entry.agent.action.meaning()),
        auth_html,
        guidance_html,
        when_html: entry.when.iter().map(|w| inline(w, root)).collect(),
        causes: causes(entry, SiteLinks::Relative(root)),
        messages: messages(entry, SiteLinks::Relative(root)),
        fields: entry
            .fields
            .iter()
            .map(|f| FieldView {
                field: &f.field,
                cause_html: inline(&f.cause, root),
            })
            .collect(),
        endpoints: &entry.endpoints,
        fix_html: entry.fix.iter().map(|f| inline(f, root)).collect(),
        gotchas_html: entry.gotchas.iter().map(|g| inline(g, root)).collect(),
        response,
        examples: entry
            .examples
            .iter()
            .zip(&example_ids)
            .map(|(e, id)| ExampleView {
                id: id.clone(),
                title: &e.title,
                lang: &e.lang,
                code: &e.code,
            })
            .collect(),
        related: entry
            .related
            .iter()
            .filter_map(|c| index.link(c, root))
            .collect(),
        links: link_views(&entry.links, root),
        since: entry.since.as_deref(),
        deprecated_html,
        replaced_by: entry
            .replaced_by
            .as_deref()
            .and_then(|c| index.link(c, root)),
        page_url: catalog.page_url(&entry.code),
        markdown_url: catalog.markdown_url(&entry.code),
        markdown_href: markdown_href(root, &entry.code),
        source: &entry.source,
    }
}

/// An envelope's view; its description's top headings at `top`, below the heading it
/// is shown under (an error page's "Response shape", an `<h2>`; the envelope's own
/// `<h3>` on the overview). The description is a text of errdex.yaml, so its
/// `#fragment` links lead to the overview wherever it is shown.
fn envelope_view<'a>(
    envelope: &'a crate::model::Envelope,
    blocks: &mut Blocks,
    top: HeadingLevel,
) -> EnvelopeView<'a> {
    EnvelopeView {
        id: &envelope.id,
        title: &envelope.title,
        description_html: envelope
            .description
            .as_deref()
            .map(|d| blocks.render_from(d, "/", top)),
        media_type: &envelope.media_type,
        example: pretty_body(&envelope.example),
    }
}

/// Previous and next errors within the same group (or among ungrouped errors).
pub fn neighbours<'a>(
    index: &Index<'a>,
    position: usize,
) -> (Option<ErrorLink<'a>>, Option<ErrorLink<'a>>) {
    let errors = &index.catalog.errors;
    let group = &errors[position].group;
    let root = ERROR_PAGE_ROOT;
    let prev = errors[..position]
        .iter()
        .rev()
        .find(|e| &e.group == group)
        .and_then(|e| index.link(&e.code, root));
    let next = errors[position + 1..]
        .iter()
        .find(|e| &e.group == group)
        .and_then(|e| index.link(&e.code, root));
    (prev, next)
}

/// A row of the overview's status table.
#[derive(Debug, Serialize)]
pub struct StatusView {
    pub status: u16,
    pub reason: &'static str,
    pub meaning_html: Option<String>,
    pub count: usize,
    pub anchor: Option<String>,
    pub success: bool,
}

/// An error as listed on the overview.
#[derive(Debug, Serialize)]
pub struct OverviewError<'a> {
    pub code: &'a str,
    /// The code as the API sends it, when spelled otherwise (`INVALID_ARGUMENT`).
    pub sent_as: Option<&'a str>,
    pub title: &'a str,
    pub href: String,
    pub status: u16,
    pub summary_html: String,
    pub retryable: bool,
    pub action: &'static str,
    pub action_label: &'static str,
    pub causes: Vec<CauseView>,
    pub messages: MessagesView<'a>,
    /// Whether to mark it "Deprecated" (see [`ErrorEntry::is_deprecated`]).
    pub deprecated: bool,
    /// Its successor, which the mark names.
    pub replaced_by: Option<Successor<'a>>,
}

/// The error that replaces a deprecated one, as the overview links it.
#[derive(Debug, Serialize)]
pub struct Successor<'a> {
    pub code: &'a str,
    pub href: String,
}

/// An [`OverviewError`] already converted for the template, with what the overview
/// sorts and groups it by.
///
/// Each error is listed twice (by status and by group). Converting it once and sharing
/// the converted value (Tera values are reference-counted) halves the overview's
/// template context, which at 100,000 errors is hundreds of megabytes.
pub struct Listed<'a> {
    pub code: &'a str,
    pub status: u16,
    pub view: tera::Value,
}

/// One status section of the overview.
#[derive(Debug, Serialize)]
pub struct StatusSection {
    pub status: u16,
    pub reason: &'static str,
    pub anchor: String,
    /// [`OverviewError`]s.
    pub errors: Vec<tera::Value>,
}

/// One group section of the overview.
#[derive(Debug, Serialize)]
pub struct GroupSection<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub description_html: Option<String>,
    /// [`OverviewError`]s.
    pub errors: Vec<tera::Value>,
}

/// Totals shown on the overview.
#[derive(Debug, Serialize)]
pub struct Counts {
    pub errors: usize,
    pub statuses: usize,
}

/// Everything the overview shows.
#[derive(Debug, Serialize)]
pub struct OverviewView<'a> {
    pub intro_html: Option<String>,
    pub auth_html: Option<String>,
    pub envelopes: Vec<EnvelopeView<'a>>,
    pub statuses: Vec<StatusView>,
    pub by_status: Vec<StatusSection>,
    pub groups: Vec<GroupSection<'a>>,
    pub tips_html: Vec<String>,
    pub links: Vec<LinkView<'a>>,
    pub counts: Counts,
}

/// Every error as the overview lists it, in catalog order: built once (in parallel,
/// as it is most of the overview's Markdown) and shown in both the status and the
/// group sections.
pub fn overview_errors(catalog: &Catalog) -> Vec<Listed<'_>> {
    let root = "./";
    catalog
        .errors
        .par_iter()
        .map(|e| {
            // The error's texts belong to its own page: a `#fix` in them leads there.
            let page = page_path(&e.code);
            let links = SiteLinks::RelativeFrom { root, page: &page };
            Listed {
                code: &e.code,
                status: e.status,
                view: tera::Value::from_serializable(&OverviewError {
                    code: &e.code,
                    sent_as: e.sent_as.as_deref(),
                    title: &e.title,
                    href: format!("{root}errors/{}/", e.code),
                    status: e.status,
                    summary_html: to_inline_html(&e.summary, links),
                    retryable: e.retryable,
                    action: e.agent.action.as_str(),
                    action_label: e.agent.action.label(),
                    causes: causes(e, links),
                    messages: messages(e, links),
                    deprecated: e.is_deprecated(),
                    // Linked by code alone: the view depends on this error only, and the
                    // successor exists (E016 checks `replaced_by` like `related`).
                    replaced_by: e.replaced_by.as_deref().map(|code| Successor {
                        code,
                        href: format!("{root}errors/{code}/"),
                    }),
                }),
            }
        })
        .collect()
}

/// Whether `id` is `prefix` followed by one of `names`. A scan, not a lookup: it runs
/// only for the few headings a catalog's overview fields hold.
fn named_after<'n>(id: &str, prefix: &str, mut names: impl Iterator<Item = &'n str>) -> bool {
    id.strip_prefix(prefix)
        .is_some_and(|name| names.any(|n| n == name))
}

/// The view of the overview page (at the site root); `listed` is
/// [`overview_errors`] of the same catalog.
pub fn overview_view<'a>(catalog: &'a Catalog, listed: &[Listed<'a>]) -> OverviewView<'a> {
    let root = "./";
    let mut by_status: BTreeMap<u16, Vec<&Listed<'a>>> = BTreeMap::new();
    for entry in listed {
        by_status.entry(entry.status).or_default().push(entry);
    }
    for entries in by_status.values_mut() {
        entries.sort_by(|a, b| a.code.cmp(b.code));
    }
    let mut statuses: BTreeMap<u16, StatusView> = BTreeMap::new();
    for row in &catalog.config.statuses {
        statuses.insert(
            row.status,
            StatusView {
                status: row.status,
                reason: reason_phrase(row.status),
                meaning_html: Some(inline(&row.meaning, root)),
                count: 0,
                anchor: None,
                success: row.status < 400,
            },
        );
    }
    for (status, entries) in &by_status {
        let view = statuses.entry(*status).or_insert_with(|| StatusView {
            status: *status,
            reason: reason_phrase(*status),
            meaning_html: None,
            count: 0,
            anchor: None,
            success: false,
        });
        view.count = entries.len();
        view.anchor = Some(format!("status-{status}"));
    }
    let grouped = |id: Option<&str>| {
        catalog
            .errors
            .iter()
            .zip(listed)
            .filter(|(e, _)| e.group.as_deref() == id)
            .map(|(_, listed)| listed.view.clone())
            .collect::<Vec<_>>()
    };
    let codes: Vec<&str> = catalog.errors.iter().map(|e| e.code.as_str()).collect();
    let envelope_ids: Vec<&str> = catalog
        .config
        .envelopes
        .iter()
        .map(|e| e.id.as_str())
        .collect();
    let group_ids: Vec<&str> = catalog
        .config
        .groups
        .iter()
        .map(|g| g.id.as_str())
        .collect();
    let reserved = |id: &str| is_overview_id(id, &codes, &envelope_ids, &group_ids);
    let mut blocks = Blocks {
        root,
        ids: HeadingIds::new(&reserved),
    };
    // In the order the page shows them.
    // Each under an `<h2>` of the overview's ("Introduction", "Authentication").
    let intro_html = catalog
        .config
        .intro
        .as_deref()
        .map(|i| blocks.render(i, H3));
    let auth_html = catalog.config.auth.as_deref().map(|a| blocks.render(a, H3));
    let envelopes = catalog
        .config
        .envelopes
        .iter()
        .map(|e| envelope_view(e, &mut blocks, H4))
        .collect();
    let mut groups: Vec<GroupSection<'a>> = catalog
        .config
        .groups
        .iter()
        .map(|g| (g, grouped(Some(&g.id))))
        .filter(|(_, errors)| !errors.is_empty())
        .map(|(g, errors)| GroupSection {
            id: &g.id,
            title: &g.title,
            // Under the group's `<h3>`.
            description_html: g.description.as_deref().map(|d| blocks.render(d, H4)),
            errors,
        })
        .collect();
    let tips_html = catalog
        .config
        .tips
        .iter()
        // Items of a list under the `<h2>` "Troubleshooting tips".
        .map(|t| blocks.render(t, H3))
        .collect();
    let ungrouped = grouped(None);
    if !ungrouped.is_empty() && !groups.is_empty() {
        groups.push(GroupSection {
            // Its anchor is `#group-_other`: no group id starts with `_` (E010), so none
            // can share it, as a group with the id `ungrouped` once did.
            id: "_other",
            title: crate::model::UNGROUPED_TITLE,
            description_html: None,
            errors: ungrouped,
        });
    }
    OverviewView {
        intro_html,
        auth_html,
        envelopes,
        counts: Counts {
            errors: catalog.errors.len(),
            statuses: by_status.len(),
        },
        by_status: by_status
            .into_iter()
            .map(|(status, entries)| StatusSection {
                status,
                reason: reason_phrase(status),
                anchor: format!("status-{status}"),
                errors: entries.into_iter().map(|e| e.view.clone()).collect(),
            })
            .collect(),
        statuses: statuses.into_values().collect(),
        groups,
        tips_html,
        links: link_views(&catalog.config.links, root),
    }
}

/// `text` as a sentence: its first letter upper-case, and a full stop.
fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        format!("{}{}.", first.to_uppercase(), chars.as_str())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fixed `id="…"` values a template writes.
    fn literal_ids(template: &str) -> Vec<&str> {
        template
            .split("id=\"")
            .skip(1)
            .filter_map(|rest| rest.split_once('"').map(|(id, _)| id))
            .filter(|id| !id.contains(['{', '}']))
            .collect()
    }

    #[test]
    fn no_heading_can_take_an_id_the_templates_write() {
        let base = literal_ids(include_str!("../../templates/base.html"));
        let error = literal_ids(include_str!("../../templates/error.html"));
        let overview = literal_ids(include_str!("../../templates/overview.html"));
        assert!(error.contains(&"how-to-fix") && overview.contains(&"groups"));
        for id in base {
            assert!(BASE_IDS.contains(&id), "base.html's {id} is not reserved");
        }
        for id in error {
            assert!(
                ERROR_PAGE_IDS.contains(&id),
                "error.html's {id} is not reserved"
            );
        }
        // What W016 takes for a page's ids covers every id the page can have, once.
        let mut by_section: Vec<&str> = SECTION_IDS
            .iter()
            .flat_map(|(_, ids)| ids.iter().copied())
            .chain(EVERY_ERROR_PAGE_IDS.iter().copied())
            .collect();
        by_section.sort_unstable();
        let mut reserved = ERROR_PAGE_IDS.to_vec();
        reserved.sort_unstable();
        assert_eq!(by_section, reserved);
        for id in overview {
            assert!(
                OVERVIEW_IDS.contains(&id),
                "overview.html's {id} is not reserved"
            );
        }
    }

    #[test]
    fn example_ids_are_unique_against_every_id_given() {
        let ids = |titles: &[&str]| example_ids(titles.iter().copied());
        assert_eq!(
            ids(&["curl 2", "curl", "curl"]),
            ["ex-curl-2", "ex-curl", "ex-curl-3"]
        );
        assert_eq!(
            ids(&["curl", "curl", "curl-2", "Curl", "curl 3"]),
            [
                "ex-curl",
                "ex-curl-2",
                "ex-curl-2-2",
                "ex-curl-3",
                "ex-curl-3-2"
            ]
        );
        assert_eq!(ids(&["Python", "Node.js"]), ["ex-python", "ex-node-js"]);
    }

    #[test]
    fn a_body_is_laid_out_with_every_token_as_written() {
        let body = r#"{"big": 12345678901234567890123, "exp": 1e2, "neg0": -0, "dup": 1, "dup": 2, "s": "a \"q\" \\ {[,:]}", "e": {}, "l": [ ]}"#;
        assert_eq!(
            pretty_body(body),
            r#"{
  "big": 12345678901234567890123,
  "exp": 1e2,
  "neg0": -0,
  "dup": 1,
  "dup": 2,
  "s": "a \"q\" \\ {[,:]}",
  "e": {},
  "l": []
}"#
        );
        assert_eq!(pretty_body("not json {"), "not json {");
        assert_eq!(pretty_body(" 42 "), "42");
    }

    #[test]
    fn a_short_array_of_values_stays_on_one_line() {
        let body = r#"{"detail": [{"loc": ["body", "email"], "msg": "field required", "ids": [1,2 , 3]}], "empty": [], "nested": [[1]]}"#;
        assert_eq!(
            pretty_body(body),
            r#"{
  "detail": [
    {
      "loc": ["body", "email"],
      "msg": "field required",
      "ids": [1, 2, 3]
    }
  ],
  "empty": [],
  "nested": [
    [1]
  ]
}"#
        );
        let long = format!("[\"{}\", \"{}\"]", "a".repeat(30), "b".repeat(30));
        assert_eq!(
            pretty_body(&long),
            format!("[\n  \"{}\",\n  \"{}\"\n]", "a".repeat(30), "b".repeat(30))
        );
        // Brackets and commas inside strings are text.
        assert_eq!(pretty_body(r#"["a,]", "[b"]"#), r#"["a,]", "[b"]"#);
    }

    /// serde_json's pretty layout, but with the arrays `pretty_body` keeps on one line
    /// so: not empty, only numbers, strings, booleans and nulls, and at most 60
    /// characters laid out as `[a, b]`. Written apart from `reindent_json`, as the rule.
    fn expected_layout(value: &serde_json::Value, depth: usize, out: &mut String) {
        use serde_json::Value;
        let indent = |out: &mut String, depth: usize| {
            out.push('\n');
            out.push_str(&"  ".repeat(depth));
        };
        match value {
            Value::Array(items) if !items.is_empty() => {
                let one_line = format!(
                    "[{}]",
                    items
                        .iter()
                        .map(|i| serde_json::to_string(i).unwrap_or_default())
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                if items.iter().all(|i| !(i.is_array() || i.is_object()))
                    && one_line.chars().count() <= 60
                {
                    out.push_str(&one_line);
                    return;
                }
                out.push('[');
                for (n, item) in items.iter().enumerate() {
                    out.push_str(if n > 0 { "," } else { "" });
                    indent(out, depth + 1);
                    expected_layout(item, depth + 1, out);
                }
                indent(out, depth);
                out.push(']');
            }
            Value::Object(members) if !members.is_empty() => {
                out.push('{');
                for (n, (key, member)) in members.iter().enumerate() {
                    out.push_str(if n > 0 { "," } else { "" });
                    indent(out, depth + 1);
                    out.push_str(&serde_json::to_string(key).unwrap_or_default());
                    out.push_str(": ");
                    expected_layout(member, depth + 1, out);
                }
                indent(out, depth);
                out.push('}');
            }
            other => out.push_str(&serde_json::to_string_pretty(other).unwrap_or_default()),
        }
    }

    proptest::proptest! {
        /// Where parsing keeps everything (no repeated keys, numbers it prints back as
        /// written), the layout is serde_json's own, byte for byte, with short arrays of
        /// values on one line.
        #[test]
        fn the_layout_is_serde_jsons(value in json_value()) {
            let compact = serde_json::to_string(&value).unwrap_or_default();
            let mut expected = String::new();
            expected_layout(&value, 0, &mut expected);
            if !compact.contains('[') {
                // Without arrays, exactly serde_json's own.
                proptest::prop_assert_eq!(&expected, &serde_json::to_string_pretty(&value).unwrap_or_default());
            }
            proptest::prop_assert_eq!(pretty_body(&compact), expected.clone());
            // Any whitespace between tokens gives the same layout.
            let spaced = compact.replace(',', " ,\n\t").replace(':', "\r\n: ");
            if !compact.contains('"') {
                proptest::prop_assert_eq!(pretty_body(&spaced), expected);
            }
        }
    }

    fn json_value() -> impl proptest::strategy::Strategy<Value = serde_json::Value> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::from),
            any::<i64>().prop_map(serde_json::Value::from),
            "[ -~\u{e9}\u{1F600}\\\\\"]{0,12}".prop_map(serde_json::Value::from),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..5).prop_map(serde_json::Value::from),
                proptest::collection::btree_map("[a-z\\\\\":,{} ]{0,6}", inner, 0..5)
                    .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
            ]
        })
    }
}
