//! The markdown stage: every Markdown field is free of raw HTML, unsafe links and links
//! to pages the site will not have.

use super::bodies::Envelopes;
use super::{ConfigFile, ErrorFile, at_markdown_range};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::load::raw::{RawConfig, RawError, RawLink, S};
use crate::markdown::{
    Finding, UnclosedFence, UrlKind, agent_section_headings, classify_raw, findings, path_and_rest,
};
use crate::render::views::{OverviewIdSources, PageIdSources, error_page_ids, overview_page_ids};
use crate::source::SourceFile;
use std::cell::OnceCell;
use std::collections::{BTreeMap, BTreeSet};

/// What a site-root link (`/errors/x/`, `/images/flow.png`) may lead to, besides the
/// files errdex writes at the root ([`SITE_FILES`]).
pub(super) struct Targets<'a> {
    /// Codes with a page: of the files that parsed, and the stems of those that did
    /// not, so one bad file does not make every link to it an error too.
    pub codes: &'a BTreeSet<&'a str>,
    /// The site paths of the catalog's static files (`images/flow.png`).
    pub static_files: &'a BTreeSet<&'a str>,
}

impl Targets<'_> {
    /// Whether `path` (without its leading `/`) is a static file, or a folder of static
    /// files with an `index.html`, which a host serves for the folder. A browser asks
    /// for the path percent-decoded (`my%20flow.png` is `my flow.png`, and a file
    /// named `p%20q.txt` is `/p%2520q.txt`); an encoded `/` (`%2F`) is not a folder
    /// separator to every host, so it leads to no file.
    fn has_static_file(&self, path: &str) -> bool {
        if self.static_files.is_empty() || path.is_empty() {
            return false;
        }
        let Some(decoded) = crate::markdown::decode_site_path(path) else {
            return false;
        };
        let index = if decoded.ends_with('/') {
            format!("{decoded}index.html")
        } else {
            format!("{decoded}/index.html")
        };
        self.static_files.contains(decoded.as_str()) || self.static_files.contains(index.as_str())
    }
}

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

/// Returns the links of errdex.yaml's texts to a place on an error's page, which
/// [`check_links_into_pages`] checks once every file is known.
pub(super) fn check_config_markdown(
    config: &ConfigFile<'_>,
    site: &Targets<'_>,
    diagnostics: &mut Diagnostics,
) -> Vec<LinkIntoPage> {
    // A `#fragment` alone in these texts leads to the overview, whose ids depend on the
    // whole catalog: it is checked with the links into other pages.
    let fields = config_fields(config.raw);
    let labels = Labels::of(config.source, &fields);
    let mut into_pages = Vec::new();
    for (i, field) in fields.into_iter().enumerate() {
        let elsewhere = |label: &str| labels.defined_outside(i, label);
        let found = Found {
            diagnostics: &mut *diagnostics,
            into_pages: &mut into_pages,
        };
        check_field(config.source, (i, field), site, None, &elsewhere, found);
    }
    let listed = config.raw.links.as_ref();
    check_link_urls(
        config.source,
        listed,
        site,
        None,
        diagnostics,
        &mut into_pages,
    );
    into_pages
}

/// `auth` is errdex.yaml's `auth` text, which some pages quote (it gives them ids).
/// The links to a place on another error's page are left in `into_pages`, for
/// [`check_links_into_pages`].
pub(super) fn check_entry_markdown(
    file: &ErrorFile<'_>,
    envelopes: Option<&Envelopes<'_>>,
    auth: Option<&str>,
    site: &Targets<'_>,
    diagnostics: &mut Diagnostics,
    into_pages: &mut Vec<LinkIntoPage>,
) {
    let page = ErrorPage::of(file.raw, envelopes, auth);
    let fields = entry_fields(file.raw);
    let labels = Labels::of(file.source, &fields);
    for (i, field) in fields.into_iter().enumerate() {
        let elsewhere = |label: &str| labels.defined_outside(i, label);
        let found = Found {
            diagnostics: &mut *diagnostics,
            into_pages: &mut *into_pages,
        };
        check_field(
            file.source,
            (i, field),
            site,
            Some(&page),
            &elsewhere,
            found,
        );
    }
    let listed = file.raw.links.as_ref();
    check_link_urls(
        file.source,
        listed,
        site,
        Some(&page),
        diagnostics,
        into_pages,
    );
}

/// A link to a place on another error's page (`/errors/not_found/#retries`), found in
/// one file's Markdown. Whether that page has the id depends on the other file, so it is
/// checked once every file is parsed, by [`check_links_into_pages`]; `watch` keeps these
/// with the file's other Markdown results.
#[derive(Clone, Debug)]
pub(super) struct LinkIntoPage {
    /// The code of the page it leads to; `None` for the overview.
    code: Option<String>,
    /// The link as written, and its fragment (after the `#`).
    url: String,
    fragment: String,
    place: Place,
}

/// Where a [`LinkIntoPage`] is written; laid out as a position only when reported, as a
/// text can hold thousands of links.
#[derive(Clone, Debug)]
enum Place {
    /// In the file's Markdown text with this index among [`entry_fields`] or
    /// [`config_fields`], at these bytes of it.
    Text {
        field: usize,
        range: std::ops::Range<usize>,
    },
    /// The `url` of the item with this index in the file's `links:` list.
    ListedLink(usize),
}

impl LinkIntoPage {
    /// The link `url` when it leads to a place on the page of another code that exists.
    /// An empty fragment and `#top` lead to the top of any page.
    fn of(
        url: &str,
        place: Place,
        own: Option<&ErrorPage<'_>>,
        site: &Targets<'_>,
    ) -> Option<Self> {
        let code = page_of(url)?;
        let (_, fragment) = url.split_once('#')?;
        let elsewhere = own.is_none_or(|page| page.raw.code.value != code);
        let to_a_place = !fragment.is_empty() && !fragment.eq_ignore_ascii_case("top");
        (elsewhere && to_a_place && site.codes.contains(code)).then(|| LinkIntoPage {
            code: Some(code.to_owned()),
            url: url.to_owned(),
            fragment: fragment.to_owned(),
            place,
        })
    }

    /// The link `url` when it leads to a place on the overview: `/#x` (or
    /// `/index.html#x`) from any text, and `#x` from a text of errdex.yaml (`in_config`),
    /// whose links to a place lead to the overview wherever the text is shown. Its ids
    /// depend on every file, so it is checked with the links into other pages.
    fn into_overview(url: &str, place: Place, in_config: bool) -> Option<Self> {
        Some(LinkIntoPage {
            code: None,
            url: url.to_owned(),
            fragment: overview_fragment(url, in_config)?.to_owned(),
            place,
        })
    }
}

/// The fragment of `url` when it leads to a place on the overview (see
/// [`LinkIntoPage::into_overview`]); an empty one and `#top` lead to its top.
fn overview_fragment(url: &str, in_config: bool) -> Option<&str> {
    let (path, fragment) = url.split_once('#')?;
    let path = path.split_once('?').map_or(path, |(path, _)| path);
    let overview = matches!(path, "/" | "/index.html") || (in_config && path.is_empty());
    let to_a_place = !fragment.is_empty() && !fragment.eq_ignore_ascii_case("top");
    (overview && to_a_place).then_some(fragment)
}

/// The `#fragment` of a site link that leads to an existing page, as far as one file
/// can tell: one into another error's page is left in `into_pages`, for
/// [`check_links_into_pages`]; one into `page`, the file's own, is checked here (W016).
fn fragment_on_a_page(
    url: &str,
    place: Place,
    page: Option<&ErrorPage<'_>>,
    site: &Targets<'_>,
    into_pages: &mut Vec<LinkIntoPage>,
) -> Option<(Code, String, String)> {
    if let Some(overview) = LinkIntoPage::into_overview(url, place.clone(), page.is_none()) {
        into_pages.push(overview);
        return None;
    }
    if let Some(elsewhere) = LinkIntoPage::of(url, place, page, site) {
        into_pages.push(elsewhere);
        return None;
    }
    page?.missing_id_via_path(url)
}

/// Where [`check_field`] puts what it finds.
struct Found<'a> {
    diagnostics: &'a mut Diagnostics,
    into_pages: &'a mut Vec<LinkIntoPage>,
}

/// A file with links into other error pages, as [`check_links_into_pages`] reads it.
pub(super) struct Linking<'a> {
    pub source: &'a SourceFile,
    /// Its Markdown texts and its `links:` list, where the links are written.
    pub fields: Vec<&'a S<String>>,
    pub listed: Option<&'a S<Vec<RawLink>>>,
    pub links: &'a [LinkIntoPage],
}

/// W016 for links into another error's page or the overview (collected by
/// [`check_config_markdown`] and [`check_entry_markdown`]) whose fragment names no id on
/// it. A page whose file did not parse is not checked, as its ids are not known; nor is
/// the overview without `config`, which is given only when every file parsed.
pub(super) fn check_links_into_pages<'a>(
    linking: impl Iterator<Item = Linking<'a>>,
    config: Option<&'a RawConfig>,
    files: &[ErrorFile<'a>],
    envelopes: Option<&'a Envelopes<'a>>,
    auth: Option<&'a str>,
    diagnostics: &mut Diagnostics,
) {
    let mut linking = linking.peekable();
    // Most catalogs link to no place on another page: then there is nothing to index.
    if linking.peek().is_none() {
        return;
    }
    let mut by_code: BTreeMap<&str, &RawError> = BTreeMap::new();
    for file in files {
        by_code
            .entry(file.raw.code.value.as_str())
            .or_insert(file.raw);
    }
    let mut pages: BTreeMap<&str, ErrorPage<'a>> = BTreeMap::new();
    let mut overview: Option<BTreeSet<String>> = None;
    for Linking {
        source,
        fields,
        listed: listed_links,
        links,
    } in linking
    {
        let mut listed = 0;
        let mut unlisted = 0;
        for link in links {
            let missing = match &link.code {
                Some(code) => {
                    let Some((&code, &raw)) = by_code.get_key_value(code.as_str()) else {
                        continue;
                    };
                    let page = pages
                        .entry(code)
                        .or_insert_with(|| ErrorPage::of(raw, envelopes, auth));
                    if names_an_id(&link.fragment, page.ids()) {
                        continue;
                    }
                    Missing::OnPage(page)
                }
                None => {
                    let Some(config) = config else {
                        continue;
                    };
                    let ids = overview.get_or_insert_with(|| overview_ids(config, files));
                    if names_an_id(&link.fragment, ids) {
                        continue;
                    }
                    Missing::OnOverview(ids)
                }
            };
            if listed == MAX_LISTED_PER_FIELD {
                unlisted += 1;
                continue;
            }
            let found = match missing {
                Missing::OnPage(page) => page.missing_id(&link.url, &link.fragment, false),
                Missing::OnOverview(ids) => {
                    Some(missing_overview_id(&link.url, &link.fragment, ids))
                }
            };
            let Some((code, message, help)) = found else {
                continue;
            };
            let found = match &link.place {
                Place::Text { field, range } => fields
                    .get(*field)
                    .map(|field| at_markdown_range(source, field, range.clone(), code, message)),
                Place::ListedLink(i) => listed_links
                    .and_then(|list| list.value.get(*i))
                    .map(|item| super::at(source, &item.url, code, message)),
            };
            if let Some(found) = found {
                listed += 1;
                diagnostics.push(found.with_help(help));
            }
        }
        if unlisted > 0 {
            let links = if unlisted == 1 { "link" } else { "links" };
            diagnostics.push(
                Diagnostic::whole_file(
                    Code::BrokenFragment,
                    &source.path,
                    format!("{unlisted} more {links} into other pages name no id there, not listed"),
                )
                .with_help(format!(
                    "only the first {MAX_LISTED_PER_FIELD} of one file are listed; fix them and check again"
                )),
            );
        }
    }
}

/// Where a link's fragment names no id: on an error's page, or on the overview.
enum Missing<'p, 'a> {
    OnPage(&'p ErrorPage<'a>),
    OnOverview(&'p BTreeSet<String>),
}

/// The ids of the overview, from errdex.yaml and every error file that parsed.
fn overview_ids(config: &RawConfig, files: &[ErrorFile<'_>]) -> BTreeSet<String> {
    fn text(field: &Option<S<String>>) -> Option<&str> {
        field.as_ref().map(|f| f.value.as_str())
    }
    let grouped: BTreeSet<&str> = files
        .iter()
        .filter_map(|f| f.raw.group.as_ref())
        .map(|group| group.value.trim())
        .collect();
    overview_page_ids(&OverviewIdSources {
        codes: files.iter().map(|f| f.raw.code.value.as_str()).collect(),
        statuses: files
            .iter()
            .filter_map(|f| u16::try_from(f.raw.status.value).ok())
            .collect(),
        intro: text(&config.intro),
        auth: text(&config.auth),
        envelopes: config
            .envelopes
            .iter()
            .flat_map(|e| &e.value)
            .map(|e| (e.id.value.as_str(), text(&e.description)))
            .collect(),
        groups: config
            .groups
            .iter()
            .flat_map(|g| &g.value)
            .map(|g| {
                let id = g.id.value.as_str();
                (id, text(&g.description), grouped.contains(id))
            })
            .collect(),
        ungrouped: files.iter().any(|f| f.raw.group.is_none()),
        tips: config
            .tips
            .iter()
            .flat_map(|t| &t.value)
            .map(|t| t.value.as_str())
            .collect(),
    })
}

/// W016's message and help for a link to `fragment` on the overview, which has no such
/// id (`ids`).
fn missing_overview_id(
    url: &str,
    fragment: &str,
    ids: &BTreeSet<String>,
) -> (Code, String, String) {
    let candidates: Vec<&str> = ids.iter().map(String::as_str).collect();
    let suggestion = crate::load::closest(fragment, &candidates)
        .map(|id| format!("did you mean `#{id}`? "))
        .unwrap_or_default();
    (
        Code::BrokenFragment,
        format!("link `{}` names no id on the overview", truncate(url)),
        format!(
            "{suggestion}link to a section of the overview (`#introduction`, `#authentication`, `#response-envelopes`, `#http-status-codes`, `#troubleshooting-tips`), to an error (`#error-` and its code), a status (`#status-429`), an envelope or a group (`#envelope-` or `#group-` and its id), or to a heading of errdex.yaml's texts, whose id is its text in lower case with `-` for spaces (`## Rate limits` is `#rate-limits`)"
        ),
    )
}

/// Site paths in `links:` lists must exist, like links inside Markdown, and their
/// `#fragment`s name ids of the page: of `page`, the file's own, here, and of another
/// error's once every file is known (left in `into_pages`).
fn check_link_urls(
    source: &SourceFile,
    links: Option<&S<Vec<RawLink>>>,
    site: &Targets<'_>,
    page: Option<&ErrorPage<'_>>,
    diagnostics: &mut Diagnostics,
    into_pages: &mut Vec<LinkIntoPage>,
) {
    for (i, link) in links.iter().flat_map(|l| &l.value).enumerate() {
        let url = link.url.value.trim();
        // `//host` and `/\host` have no scheme, which `check_links` reports.
        if classify_raw(url) != UrlKind::SiteRoot {
            continue;
        }
        let suggest = i < MAX_LISTED_PER_FIELD;
        let found = match broken_site_path(url, site, suggest) {
            Some((message, help)) => Some((Code::BrokenLink, message, help)),
            None => fragment_on_a_page(url, Place::ListedLink(i), page, site, into_pages),
        };
        if let Some((code, message, help)) = found {
            diagnostics.push(super::at(source, &link.url, code, message).with_help(help));
        }
    }
}

/// Problems listed per Markdown field: past this many, one more diagnostic counts the
/// rest. A pasted HTML page can hold thousands of tags, and a list of thousands says no
/// more than the first few.
const MAX_LISTED_PER_FIELD: usize = 20;

/// The link labels each Markdown text of one file defines: a reference link to a label
/// its own text does not define may mean one that another text of the file does.
struct Labels {
    /// Per text, in the order given: each label folded to one case, with the line of
    /// its definition.
    defined: Vec<Vec<(String, usize)>>,
}

impl Labels {
    fn of(source: &SourceFile, fields: &[&S<String>]) -> Self {
        let defined = fields
            .iter()
            .map(|field| {
                crate::markdown::defined_labels(&field.value)
                    .into_iter()
                    .map(|(span, label)| (label.to_lowercase(), line_of(source, field, span)))
                    .collect()
            })
            .collect();
        Labels { defined }
    }

    /// The line where a text other than the `text`-th defines `label`, if one does.
    fn defined_outside(&self, text: usize, label: &str) -> Option<usize> {
        let label = label.to_lowercase();
        self.defined
            .iter()
            .enumerate()
            .filter(|(other, _)| *other != text)
            .flat_map(|(_, labels)| labels)
            .find(|(defined, _)| *defined == label)
            .map(|(_, line)| *line)
    }
}

/// `field`: the text, and its index among the file's Markdown texts. `page`: the error
/// page the text is shown on, whose ids a `#fragment` must name. `elsewhere(label)`: the
/// line where another text of the file defines `label`.
fn check_field(
    source: &SourceFile,
    (index, field): (usize, &S<String>),
    site: &Targets<'_>,
    page: Option<&ErrorPage<'_>>,
    elsewhere: &dyn Fn(&str) -> Option<usize>,
    found: Found<'_>,
) {
    let Found {
        diagnostics,
        into_pages,
    } = found;
    for (range, text) in agent_section_headings(&field.value) {
        diagnostics.push(
            at_markdown_range(
                source,
                field,
                range,
                Code::AgentSectionHeading,
                format!(
                    "heading `{}` is named like the section errdex writes from `agent`",
                    truncate(&text)
                ),
            )
            .with_help(
                "every error's page and Markdown already have an \"If you're an AI agent\" section, and an agent that finds two may follow the wrong one: write what this says in `agent.guidance`, or name the heading for what it covers",
            ),
        );
    }
    let mut listed = 0;
    let mut unlisted: Option<(Code, usize)> = None;
    for (range, finding) in findings(&field.value) {
        if let Finding::UnclosedFence(open) = finding {
            diagnostics.push(unclosed_fence_diagnostic(source, field, open));
            continue;
        }
        if let Finding::RepeatedDefinition { label, first } = finding {
            diagnostics.push(repeated_definition_diagnostic(
                source, field, range, &label, first,
            ));
            continue;
        }
        let reported = match finding {
            Finding::UndefinedReference {
                link,
                label,
                closest,
                shortcut,
            } => undefined_reference(&link, &label, closest, shortcut, elsewhere(&label)),
            Finding::SiteLink(url) | Finding::FragmentLink(url)
                if overview_fragment(&url, page.is_none()).is_some() =>
            {
                let place = Place::Text {
                    field: index,
                    range: range.clone(),
                };
                fragment_on_a_page(&url, place, page, site, into_pages)
            }
            Finding::SiteLink(url) if page_of(&url).is_some_and(|c| site.codes.contains(c)) => {
                let place = Place::Text {
                    field: index,
                    range: range.clone(),
                };
                fragment_on_a_page(&url, place, page, site, into_pages)
            }
            finding => {
                let missing_id = page.and_then(|page| page.missing_id_here(&finding));
                let suggest = listed < MAX_LISTED_PER_FIELD;
                problem(finding, site, suggest).or(missing_id)
            }
        };
        let Some((code, message, help)) = reported else {
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

/// The line of the file where the Markdown field `field` writes its bytes `range`, for
/// a message that points at a second place: found as a diagnostic's start is.
fn line_of(source: &SourceFile, field: &S<String>, range: std::ops::Range<usize>) -> usize {
    // The code and message of this throwaway diagnostic play no part in where it starts.
    at_markdown_range(source, field, range, Code::RepeatedDefinition, "")
        .start
        .line
}

/// W017 for the definition at `range` of `label`, first defined at `first`.
fn repeated_definition_diagnostic(
    source: &SourceFile,
    field: &S<String>,
    range: std::ops::Range<usize>,
    label: &str,
    first: Option<std::ops::Range<usize>>,
) -> crate::diagnostic::Diagnostic {
    let code = Code::RepeatedDefinition;
    let label = truncate(label);
    let message = match first {
        Some(first) => {
            let line = line_of(source, field, first);
            format!("`[{label}]` is defined again; links use its definition on line {line}")
        }
        None => format!("`[{label}]` is defined again; links use its first definition"),
    };
    at_markdown_range(source, field, range, code, message).with_help(
        "remove this definition, or give it a label of its own and link to that; Markdown readers ignore a second definition, and agents reading the text cannot tell which one is meant",
    )
}

/// W019 for a reference link to `label`, which its text does not define: `closest` is
/// the text's label it most likely misspells, `elsewhere` the line where another text
/// of the file defines it. A label alone (`shortcut`) is reported only with one of the
/// two: prose writes brackets around a word for other reasons.
fn undefined_reference(
    link: &str,
    label: &str,
    closest: Option<String>,
    shortcut: bool,
    elsewhere: Option<usize>,
) -> Option<(Code, String, String)> {
    if shortcut && closest.is_none() && elsewhere.is_none() {
        return None;
    }
    let (link, label) = (truncate(link), truncate(label));
    let mut message = format!("`{link}` shows as written: this text defines no `[{label}]`");
    let mut help = match closest {
        Some(closest) => format!(
            "did you mean `[{}]`, which this text defines? Otherwise, ",
            truncate(&closest)
        ),
        None => String::new(),
    };
    if let Some(line) = elsewhere {
        message.push_str(&format!(" (the text on line {line} does)"));
        help.push_str(&format!(
            "each field is a text of its own, whose links see only its own definitions: copy the definition line `[{label}]: …` into this text"
        ));
    } else {
        help.push_str(&format!(
            "define it in the same text, on a line of its own (`[{label}]: https://…`; each field is a text of its own, so a definition in `description` does not serve `summary`)"
        ));
    }
    help.push_str(", or write the address in the link (`[text](https://…)`); to show the brackets, write a backslash before the first");
    Some((Code::UndefinedReference, message, help))
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
/// `suggest`: whether to look for what a broken site path misspells, which is worth its
/// cost only for a problem that will be listed.
fn problem(finding: Finding, site: &Targets<'_>, suggest: bool) -> Option<(Code, String, String)> {
    let (code, message, help) = match finding {
        Finding::RawHtml(html) => (
            Code::RawHtml,
            format!("raw HTML `{}` in Markdown", truncate(&html)),
            "raw HTML is shown as text, never run; use Markdown instead, or wrap it in backticks to show it as code",
        ),
        Finding::UnsafeLink { url, scheme } => {
            // A zero-width space or a byte-order mark the browser skips would not show.
            let message = format!(
                "link `{}` uses the `{}:` scheme",
                super::visible::visible(&truncate(&url)),
                super::visible::visible(&scheme)
            );
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
            let (message, help) = broken_site_path(&url, site, suggest)?;
            return Some((Code::BrokenLink, message, help));
        }
        Finding::LinkWithoutText(url) => {
            let url = truncate(&url);
            let message = if url.is_empty() {
                "link has no text and no address".to_owned()
            } else {
                format!("link to `{url}` has no text")
            };
            let help = "write what it leads to between the brackets, e.g. `[the rate limits](/errors/rate_limited/)`: without text the page shows nothing to click, and a screen reader reads out the address, or nothing";
            return Some((Code::LinkWithoutText, message, help.to_owned()));
        }
        // Its help depends on the field; `check_field` reports it.
        Finding::UnclosedFence(_) => return None,
        // Its message says where the first definition is; `check_field` reports it.
        Finding::RepeatedDefinition { .. } => return None,
        Finding::UnusedDefinition(label) => {
            let label = truncate(&label);
            let message = format!("`[{label}]` is defined, but no link uses it");
            let help = format!(
                "link to it (`[text][{label}]`, or `[{label}]` alone) or remove the definition; the page never shows it, while agents reading the Markdown see an address nothing points to"
            );
            return Some((Code::UnusedDefinition, message, help));
        }
        // Whether it is reported depends on the file's other texts; `check_field` tells.
        Finding::UndefinedReference { .. } => return None,
        // Whether the id exists depends on the page; `ErrorPage::missing_id_here` tells.
        Finding::FragmentLink(_) => return None,
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

/// An error's page, for checking that a link's `#fragment` names an id the page has.
/// The ids are worked out when a link first asks: most files link to no fragment at all.
///
/// Links into a file's own page (`#how-to-fix`, or `/errors/<its code>/#how-to-fix`) are
/// checked with the file's other Markdown; links into another page once every file is
/// parsed ([`check_links_into_pages`]), as its ids come from another file. The ids are
/// those of errdex's own templates.
struct ErrorPage<'a> {
    raw: &'a RawError,
    /// The catalog's envelopes, when errdex.yaml loaded.
    envelopes: Option<&'a Envelopes<'a>>,
    /// errdex.yaml's `auth`, when this page quotes it.
    auth: Option<&'a str>,
    ids: OnceCell<BTreeSet<String>>,
}

impl<'a> ErrorPage<'a> {
    fn of(raw: &'a RawError, envelopes: Option<&'a Envelopes<'a>>, auth: Option<&'a str>) -> Self {
        let status = u16::try_from(raw.status.value).ok();
        ErrorPage {
            raw,
            envelopes,
            auth: status.and_then(|s| crate::model::quoted_auth(auth, s, raw.agent.action.value)),
            ids: OnceCell::new(),
        }
    }

    /// The ids the page will have, as the renderer gives them.
    fn ids(&self) -> &BTreeSet<String> {
        self.ids.get_or_init(|| {
            let raw = self.raw;
            let text = |field: &'a Option<S<String>>| field.as_ref().map(|f| f.value.as_str());
            error_page_ids(&PageIdSources {
                sections: sections_shown(raw, self.auth.is_some()),
                deprecated: text(&raw.deprecated),
                description: text(&raw.description),
                envelope_description: raw
                    .response
                    .as_ref()
                    .zip(self.envelopes)
                    .and_then(|(response, envelopes)| {
                        envelopes.followed_by(response.value.envelope.as_ref())
                    })
                    .and_then(|envelope| text(&envelope.description)),
                auth: self.auth,
                guidance: &raw.agent.guidance.value,
                example_titles: raw
                    .examples
                    .iter()
                    .flat_map(|examples| &examples.value)
                    .map(|example| example.title.value.trim())
                    .collect(),
            })
        })
    }

    /// W016's message and help when `finding`, in this page's own file, links to an id
    /// this page does not have.
    fn missing_id_here(&self, finding: &Finding) -> Option<(Code, String, String)> {
        match finding {
            Finding::FragmentLink(url) => self.missing_id(url, url.strip_prefix('#')?, true),
            Finding::SiteLink(url) => self.missing_id_via_path(url),
            _ => None,
        }
    }

    /// [`Self::missing_id_here`] for a site-root link: W016 when it leads to this page
    /// (`/errors/<code>/#x`) and the page has no such id.
    fn missing_id_via_path(&self, url: &str) -> Option<(Code, String, String)> {
        if !self.is_this_page(url) {
            return None;
        }
        self.missing_id(url, url.split_once('#')?.1, true)
    }

    /// W016's message and help when the link `url` leads to `fragment` on this page and
    /// the page has no such id. `here`: whether the link is in this page's own file.
    fn missing_id(&self, url: &str, fragment: &str, here: bool) -> Option<(Code, String, String)> {
        let ids = self.ids();
        if names_an_id(fragment, ids) {
            return None;
        }
        let candidates: Vec<&str> = ids.iter().map(String::as_str).collect();
        let suggestion = crate::load::closest(fragment, &candidates)
            .map(|id| format!("did you mean `#{id}`? "))
            .unwrap_or_default();
        let sections: Vec<String> = sections_shown(self.raw, self.auth.is_some())
            .iter()
            .map(|s| format!("`#{s}`"))
            .collect();
        let code = &self.raw.code.value;
        let (page, examples, markdown) = if here {
            (
                "this page".to_owned(),
                "to an example's tab (`#ex-` and its title: `#ex-curl`), ",
                "this error's Markdown".to_owned(),
            )
        } else {
            (
                format!("the page of `{code}`"),
                "to one of its examples' tabs (`#ex-` and the example's title), ",
                format!("`{code}`'s Markdown"),
            )
        };
        let has_examples = self
            .raw
            .examples
            .as_ref()
            .is_some_and(|e| !e.value.is_empty());
        let examples = if has_examples { examples } else { "" };
        Some((
            Code::BrokenFragment,
            format!(
                "link `{}` names no id on the page of `{code}`",
                truncate(url)
            ),
            format!(
                "{suggestion}link to a section of {page} ({}), {examples}or to a heading of {markdown}, whose id is its text in lower case with `-` for spaces (`## Rate limits` is `#rate-limits`)",
                sections.join(", ")
            ),
        ))
    }

    /// Whether a site-root link leads to this page.
    fn is_this_page(&self, url: &str) -> bool {
        page_of(url) == Some(self.raw.code.value.as_str())
    }
}

/// The code whose page a site-root link leads to, if it has the shape of one:
/// `/errors/<code>/`, with or without its slash or `index.html`. `/errors/<code>.md` is
/// the error's Markdown, never a page (see [`site_path_exists`]).
fn page_of(url: &str) -> Option<&str> {
    let (code, ending) = code_and_ending(site_file(url).strip_prefix("errors/")?);
    (ending != ".md").then_some(code)
}

/// A path under `errors/` as a code and what follows it: `/index.html`, `/`, `.md` (the
/// error's Markdown) or nothing. Tried in that order, so `x.md/` is the page of `x.md`.
fn code_and_ending(path: &str) -> (&str, &'static str) {
    ["/index.html", "/", ".md"]
        .into_iter()
        .find_map(|ending| Some((path.strip_suffix(ending)?, ending)))
        .unwrap_or((path, ""))
}

/// The sections an error's page shows, by their ids and in its order (see
/// [`PageIdSources::sections`]): a list shows when it has an item that is not blank, as
/// the model keeps none of those, and the agent's section is on every page. `auth`:
/// whether the page quotes errdex.yaml's `auth`.
fn sections_shown(raw: &RawError, auth: bool) -> Vec<&'static str> {
    fn has_items<T>(list: &Option<S<Vec<T>>>, blank: impl Fn(&T) -> bool) -> bool {
        list.as_ref()
            .is_some_and(|l| l.value.iter().any(|item| !blank(item)))
    }
    fn text_is_blank(text: &S<String>) -> bool {
        text.value.trim().is_empty()
    }
    fn never<T>(_: &T) -> bool {
        false
    }
    let deprecated = raw.deprecated.as_ref().is_some_and(|d| !text_is_blank(d));
    [
        ("deprecated", deprecated),
        ("replaced", !deprecated && raw.replaced_by.is_some()),
        ("returned-by", has_items(&raw.endpoints, text_is_blank)),
        ("when", has_items(&raw.when, text_is_blank)),
        ("causes", has_items(&raw.causes, never)),
        ("messages", has_items(&raw.messages, never)),
        ("fields", has_items(&raw.fields, never)),
        ("response", raw.response.is_some()),
        ("fix", has_items(&raw.fix, text_is_blank)),
        ("auth", auth),
        ("gotchas", has_items(&raw.gotchas, text_is_blank)),
        ("examples", has_items(&raw.examples, never)),
        ("agent", true),
        ("related", has_items(&raw.related, text_is_blank)),
        ("links", has_items(&raw.links, never)),
    ]
    .into_iter()
    .filter_map(|(section, shown)| shown.then_some(section))
    .collect()
}

/// Whether a link's fragment leads somewhere on a page with `ids`. An empty fragment
/// and `top` lead to the top of any page (HTML's rule for scrolling to a fragment); a
/// fragment may also spell its id percent-encoded (`#caf%C3%A9`).
fn names_an_id(fragment: &str, ids: &BTreeSet<String>) -> bool {
    fragment.is_empty()
        || fragment.eq_ignore_ascii_case("top")
        || ids.contains(fragment)
        || percent_encoding::percent_decode_str(fragment)
            .decode_utf8()
            .is_ok_and(|decoded| ids.contains(decoded.as_ref()))
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
/// when it names something. `suggest`: whether the help names the path it most likely
/// misspells.
fn broken_site_path(url: &str, site: &Targets<'_>, suggest: bool) -> Option<(String, String)> {
    if site_path_exists(url, site) {
        return None;
    }
    let quoted = truncate(url);
    // `/a/../b`, `/./b`, `/a//b`: a browser resolves them, but errdex reads a site path
    // as it is written, and the path written is what agents are handed.
    let unresolved = crate::markdown::decode_site_path(site_file(url)).is_some_and(|path| {
        let count = path.split('/').count();
        path.split('/').enumerate().any(|(i, segment)| {
            matches!(segment, "." | "..") || (segment.is_empty() && i + 1 < count)
        })
    });
    if unresolved {
        return Some((
            format!("link `{quoted}` has a `.` or `..` segment or a double `/`"),
            "write the path it leads to, from the site root, e.g. `/images/flow.png` for `/guides/../images/flow.png`".to_owned(),
        ));
    }
    Some(match page_read_as_markdown(url, site.codes) {
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
        None => {
            let suggestion = suggest
                .then(|| misspelt_path(url, site))
                .flatten()
                .map(|path| format!("did you mean `{}`? ", truncate(&path)))
                .unwrap_or_default();
            (
                format!("link `{quoted}` points at a page the site does not have"),
                format!(
                    "{suggestion}link to `/errors/<code>/`, `/errors/<code>.md`, `/`, `/llms.txt` or `/errors.json` with a code that exists, or to a file in the catalog's `static/` folder"
                ),
            )
        }
    })
}

/// The site path that a broken `url` most likely misspells: `/errors/not_found/` for
/// `/errors/not_fund/#fix`, `/llms.txt` for `/llm.txt`, `/images/flow.png` for
/// `/images/flow.svg` when only the first exists. Without the link's `?query` or
/// `#fragment`, which the page suggested may not have.
fn misspelt_path(url: &str, site: &Targets<'_>) -> Option<String> {
    // Close in the way a typo is: a few letters apart, not only sharing a beginning,
    // which every file of a folder does.
    fn close<'a>(written: &str, candidates: &[&'a str]) -> Option<&'a str> {
        let written = written.to_lowercase();
        crate::load::closest(&written, candidates)
            .filter(|found| strsim::levenshtein(&written, found) <= (found.len() / 4).max(2))
    }
    let file = path_and_rest(url).0.trim_start_matches('/');
    // A static file is published at the site root, not under `static/`.
    if let Some(published) = file.strip_prefix("static/")
        && site.has_static_file(published)
    {
        return Some(format!("/{published}"));
    }
    let page = file
        .strip_prefix("errors/")
        .or_else(|| file.strip_prefix("error/"));
    if let Some(page) = page {
        let (code, ending) = code_and_ending(page);
        let codes: Vec<&str> = site.codes.iter().copied().collect();
        // `/errors/<code>/fix`: a place on the page, written as a folder under it.
        if let Some((code, _)) = code.split_once('/')
            && let Some(code) = close(code, &codes)
        {
            return Some(format!("/errors/{code}/"));
        }
        let code = close(code, &codes)?;
        return Some(format!("/errors/{code}{ending}"));
    }
    let files: Vec<&str> = SITE_FILES
        .iter()
        .copied()
        .filter(|f| !f.is_empty())
        .chain(site.static_files.iter().copied())
        .collect();
    Some(format!("/{}", close(file, &files)?))
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
fn site_path_exists(url: &str, site: &Targets<'_>) -> bool {
    let path = site_file(url);
    if SITE_FILES.contains(&path) || site.has_static_file(path) {
        return true;
    }
    let Some(rest) = path.strip_prefix("errors/") else {
        return false;
    };
    site.codes.contains(code_and_ending(rest).0)
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
        let none = BTreeSet::new();
        let site = Targets {
            codes: &codes,
            static_files: &none,
        };
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
            assert!(site_path_exists(ok, &site), "{ok}");
        }
        for broken in ["/errors/nope/", "/docs/", "/errors/"] {
            assert!(!site_path_exists(broken, &site), "{broken}");
        }
    }

    #[test]
    fn a_static_file_is_a_link_target_as_a_browser_decodes_the_path() {
        let codes: BTreeSet<&str> = ["rate_limited"].into_iter().collect();
        let statics: BTreeSet<&str> = [
            "images/my flow.png",
            "CNAME",
            "guide/index.html",
            "p%20q.txt",
        ]
        .into_iter()
        .collect();
        let site = Targets {
            codes: &codes,
            static_files: &statics,
        };
        for ok in [
            "/images/my flow.png",
            "/images/my%20flow.png",
            "/images/my%20flow.png#top",
            "/CNAME",
            "/guide/",
            "/guide",
            "/guide/index.html",
            "/p%2520q.txt",
            "/errors/rate_limited/",
        ] {
            assert!(site_path_exists(ok, &site), "{ok}");
        }
        for (path, unresolved) in [
            ("/images/../CNAME", true),
            ("/./CNAME", true),
            ("/images//my%20flow.png", true),
            ("/images/%2e%2e/CNAME", true),
            ("/images/nope.png", false),
            ("/errors/nope/", false),
        ] {
            let (message, _) = broken_site_path(path, &site, true).expect("broken");
            assert_eq!(
                message.contains("segment or a double"),
                unresolved,
                "{path}"
            );
        }
        for broken in [
            "/images/",
            "/images/my-flow.png",
            "/cname",
            "/guide/x.html",
            "/images/my%2",
            "/images%2Fmy%20flow.png",
            "/p%20q.txt",
        ] {
            assert!(!site_path_exists(broken, &site), "{broken}");
        }
    }

    #[test]
    fn a_broken_site_path_is_told_the_path_it_most_likely_misspells() {
        let codes: BTreeSet<&str> = ["rate_limited", "not_found"].into_iter().collect();
        let statics: BTreeSet<&str> = ["images/retry-flow.svg"].into_iter().collect();
        let site = Targets {
            codes: &codes,
            static_files: &statics,
        };
        for (broken, meant) in [
            ("/errors/not_fund/#fix", Some("/errors/not_found/")),
            ("/errors/rate_limit", Some("/errors/rate_limited")),
            ("/errors/RATE_LIMITED/", Some("/errors/rate_limited/")),
            ("/errors/rate-limited.md", Some("/errors/rate_limited.md")),
            (
                "/errors/not_fuond/index.html?x=1",
                Some("/errors/not_found/index.html"),
            ),
            ("/llm.txt", Some("/llms.txt")),
            ("/images/retry-flow.png", Some("/images/retry-flow.svg")),
            ("/images/flwo.png", None),
            (
                "/static/images/retry-flow.svg",
                Some("/images/retry-flow.svg"),
            ),
            ("/error/rate_limited/", Some("/errors/rate_limited/")),
            ("/errors/rate_limited/fix", Some("/errors/rate_limited/")),
            ("/errors/payment_required/", None),
            ("/guide/", None),
        ] {
            assert_eq!(misspelt_path(broken, &site).as_deref(), meant, "{broken}");
            let (_, help) = broken_site_path(broken, &site, true).expect("broken");
            let said = meant.map(|m| format!("did you mean `{m}`? "));
            assert!(
                help.starts_with(said.as_deref().unwrap_or("link to")),
                "{help}"
            );
            let (_, unsuggested) = broken_site_path(broken, &site, false).expect("broken");
            assert!(unsuggested.starts_with("link to"), "{unsuggested}");
        }
    }

    #[test]
    fn a_path_ending_in_md_is_an_errors_markdown_even_when_a_code_ends_in_md() {
        let codes: BTreeSet<&str> = ["rate_limited", "not_found.md"].into_iter().collect();
        let none = BTreeSet::new();
        let site = Targets {
            codes: &codes,
            static_files: &none,
        };
        for ok in [
            "/errors/not_found.md/",
            "/errors/not_found.md/#fix",
            "/errors/not_found.md.md",
            "/errors/rate_limited.md",
        ] {
            assert_eq!(broken_site_path(ok, &site, true), None, "{ok}");
        }
        // The page of `not_found.md` without its slash: the Markdown of `not_found`.
        let (message, help) =
            broken_site_path("/errors/not_found.md#fix", &site, true).expect("a broken link");
        assert_eq!(
            message,
            "link `/errors/not_found.md#fix` is read as the Markdown of `not_found`, which is not a code"
        );
        assert!(
            help.contains("for the page of `not_found.md`, write `/errors/not_found.md/#fix`"),
            "{help}"
        );
        let (message, help) =
            broken_site_path("/errors/nope.md", &site, true).expect("a broken link");
        assert!(
            message.contains("a page the site does not have"),
            "{message}"
        );
        assert!(!help.contains("nope"), "{help}");
    }

    #[test]
    fn a_fragment_names_an_id_as_written_or_percent_encoded_and_top_is_always_there() {
        let ids: BTreeSet<String> = ["fix", "café"].into_iter().map(String::from).collect();
        for found in ["fix", "café", "caf%C3%A9", "", "top", "TOP"] {
            assert!(names_an_id(found, &ids), "{found:?}");
        }
        for missing in ["Fix", "fix-1", "caf%C3", "cafe", "%"] {
            assert!(!names_an_id(missing, &ids), "{missing:?}");
        }
    }

    #[test]
    fn a_page_that_quotes_auth_has_its_section_and_headings() {
        let page_of = |status: u16, action: &str| {
            let source = SourceFile::new(
                "errors/e.yaml",
                format!(
                    "code: e\ntitle: T\nstatus: {status}\nsummary: S.\nretryable: false\n\
                     agent:\n  action: {action}\n  guidance: G.\n"
                ),
            );
            crate::load::parse_error(&source).expect("a valid error file")
        };
        let auth = Some("## API keys\n\nSend the key.\n");
        let missing = |raw: &RawError, fragment: &str| {
            let page = ErrorPage::of(raw, None, auth);
            page.missing_id_here(&Finding::FragmentLink(fragment.to_owned()))
                .is_some()
        };
        for quoting in [page_of(401, "stop"), page_of(403, "reauthenticate")] {
            for fragment in ["#auth", "#authentication", "#api-keys"] {
                assert!(!missing(&quoting, fragment), "{fragment}");
            }
        }
        let other = page_of(404, "fix_request");
        for fragment in ["#auth", "#authentication", "#api-keys"] {
            assert!(missing(&other, fragment), "{fragment}");
        }
        // A blank `auth` is quoted nowhere, as the pages render it.
        let blank = ErrorPage::of(&page_of(401, "stop"), None, Some(" \n "))
            .missing_id_here(&Finding::FragmentLink("#auth".to_owned()))
            .is_some();
        assert!(blank);
    }

    #[test]
    fn only_links_into_the_files_own_page_are_checked_against_its_ids() {
        let source = SourceFile::new(
            "errors/rate_limited.yaml",
            "code: rate_limited\ntitle: T\nstatus: 429\nsummary: S.\nretryable: true\n\
             agent:\n  action: retry\n  guidance: G.\n"
                .to_owned(),
        );
        let raw = crate::load::parse_error(&source).expect("a valid error file");
        let page = ErrorPage::of(&raw, None, None);
        for own in [
            "/errors/rate_limited#x",
            "/errors/rate_limited/#x",
            "/errors/rate_limited/index.html#x",
        ] {
            assert!(page.is_this_page(own), "{own}");
            let finding = Finding::SiteLink(own.to_owned());
            assert!(page.missing_id_here(&finding).is_some(), "{own}");
            let fine = Finding::SiteLink(own.replace("#x", "#agent"));
            assert!(page.missing_id_here(&fine).is_none(), "{own}");
        }
        for other in [
            "/errors/rate_limited.md#x",
            "/errors/rate_limited_2/#x",
            "/errors/not_found/#x",
            "/#x",
        ] {
            assert!(!page.is_this_page(other), "{other}");
            assert!(
                page.missing_id_here(&Finding::SiteLink(other.to_owned()))
                    .is_none()
            );
        }
        let (_, message, help) = page
            .missing_id_here(&Finding::FragmentLink("#agnet".to_owned()))
            .expect("a broken fragment");
        assert_eq!(
            message,
            "link `#agnet` names no id on the page of `rate_limited`"
        );
        assert!(help.starts_with("did you mean `#agent`? "), "{help}");
        // The page shows the agent's section alone.
        assert!(help.contains("a section of this page (`#agent`)"), "{help}");
        // The page has no "How to fix" section, nor examples, to link to.
        for absent in ["#fix", "#how-to-fix", "#examples", "#deprecated"] {
            let finding = Finding::FragmentLink(absent.to_owned());
            assert!(page.missing_id_here(&finding).is_some(), "{absent}");
        }
    }
}
