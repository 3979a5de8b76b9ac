//! Markdown fields: the one place that knows how CommonMark is parsed, checked and
//! rendered.
//!
//! Catalog data is untrusted. Raw HTML is never passed through (it is rendered as
//! visible text), and a link whose scheme is not one of [`LINK_SCHEMES`] is dropped, in
//! every output, even though `check` already rejects both: defence in depth. So is a
//! protocol-relative link (`//host/x`), which leaves the site while it reads like a
//! site path. Links
//! written site-root-relative (`/errors/rate_limited/`) are the way to link inside the
//! catalog; each output rewrites them for its reader (relative in HTML so the site
//! works under any prefix, absolute on `base_url` in Markdown for agents).

use pulldown_cmark::{
    Alignment, BlockQuoteKind, BrokenLink, BrokenLinkCallback, CowStr, Event, HeadingLevel,
    LinkType, Options, Parser, RefDefs, Tag, TagEnd,
};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::ops::Range;

/// CommonMark plus tables, strikethrough and GitHub's alerts (`> [!NOTE]`, whose first
/// line names the kind); never wiki links. Alerts are what writers moving from GitHub,
/// or from docs tools that copy it, write for a note or a warning: without them the
/// page would show `[!NOTE]` as text. (`ENABLE_GFM` enables nothing else in
/// pulldown-cmark 0.13.)
fn parser_options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_GFM
}

/// The opening HTML of a GitHub alert (`> [!WARNING]`): a box with the kind as its
/// title, in GitHub's own class names, so a stylesheet written for them applies.
/// pulldown-cmark would write a `<blockquote>` with a class and no title, and a reader
/// would not know the quote is a warning without the theme's colours.
fn alert_open(kind: BlockQuoteKind) -> &'static str {
    match kind {
        BlockQuoteKind::Note => {
            "<div class=\"markdown-alert markdown-alert-note\">\n<p class=\"markdown-alert-title\">Note</p>\n"
        }
        BlockQuoteKind::Tip => {
            "<div class=\"markdown-alert markdown-alert-tip\">\n<p class=\"markdown-alert-title\">Tip</p>\n"
        }
        BlockQuoteKind::Important => {
            "<div class=\"markdown-alert markdown-alert-important\">\n<p class=\"markdown-alert-title\">Important</p>\n"
        }
        BlockQuoteKind::Warning => {
            "<div class=\"markdown-alert markdown-alert-warning\">\n<p class=\"markdown-alert-title\">Warning</p>\n"
        }
        BlockQuoteKind::Caution => {
            "<div class=\"markdown-alert markdown-alert-caution\">\n<p class=\"markdown-alert-title\">Caution</p>\n"
        }
    }
}

/// What a link destination is, for safety and for rewriting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlKind {
    /// A scheme of [`LINK_SCHEMES`]: `http:`, `https:`, `mailto:` or `tel:`.
    External,
    /// `#section` on the same page.
    Fragment,
    /// `/errors/x/`: a page of this site, written from the site root.
    SiteRoot,
    /// `../x` or `x.html`: relative to a page, which is ambiguous across outputs.
    Relative,
    /// `//host/x`, or `/\host/x`, `\\host/x` and `\/host/x`, which browsers read the
    /// same: another site, reached with whatever scheme the page has, although it
    /// starts like a site path.
    ProtocolRelative,
    /// Any other scheme (`javascript:`, `data:`, `vbscript:`…), lower-cased.
    Unsafe(String),
}

impl UrlKind {
    /// Whether an output may write this destination as a link: neither an unsafe
    /// scheme nor an address that leaves the site while it reads like a site path.
    pub fn may_link(&self) -> bool {
        !matches!(self, UrlKind::Unsafe(_) | UrlKind::ProtocolRelative)
    }
}

/// The schemes a link may use: web pages, e-mail addresses and phone numbers, which
/// support pages link. Any other scheme (`javascript:`, `data:`, `file:`…) is refused by
/// `check` (E041) and never written as a link. The one list: checks, help texts and
/// rendering all read it.
pub const LINK_SCHEMES: [&str; 4] = ["http", "https", "mailto", "tel"];

/// [`LINK_SCHEMES`] as a help text names them: "http, https, mailto or tel".
pub fn link_schemes_in_words() -> String {
    match LINK_SCHEMES.split_last() {
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// Classifies a link destination the way a browser would read it.
///
/// Browsers ignore ASCII whitespace and control characters inside a URL and compare
/// schemes case-insensitively, so `Java\tScript:` is `javascript:`. Entities
/// (`&#106;avascript:`) are already decoded by the Markdown parser; [`classify_raw`]
/// decodes them for URLs that did not come through it.
pub fn classify(url: &str) -> UrlKind {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_ascii_control() && !c.is_whitespace())
        .collect();
    if is_protocol_relative(&cleaned) {
        return UrlKind::ProtocolRelative;
    }
    let end_of_scheme = cleaned.find([':', '/', '?', '#', '\\']);
    if let Some(i) = end_of_scheme
        && cleaned.as_bytes()[i] == b':'
    {
        let scheme = cleaned[..i].to_ascii_lowercase();
        return if LINK_SCHEMES.contains(&scheme.as_str()) {
            UrlKind::External
        } else {
            UrlKind::Unsafe(scheme)
        };
    }
    if cleaned.starts_with('#') {
        UrlKind::Fragment
    } else if cleaned.starts_with('/') {
        UrlKind::SiteRoot
    } else {
        UrlKind::Relative
    }
}

/// Whether `url` starts with two slashes, either of which may be a backslash: in an
/// http(s) page a browser reads `\` as `/`, so `/\host/x` is `//host/x`.
fn is_protocol_relative(url: &str) -> bool {
    url.as_bytes()
        .get(..2)
        .is_some_and(|start| start.iter().all(|b| matches!(b, b'/' | b'\\')))
}

/// [`classify`] for a URL from a plain YAML field, decoding HTML character references
/// first so `&#106;avascript:` is caught there too.
pub fn classify_raw(url: &str) -> UrlKind {
    classify(&decode_entities(url))
}

/// Decodes numeric character references and the few named ones that matter for schemes.
fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest[1..].find(';').map(|e| e + 1).filter(|&e| e <= 12);
        let decoded = end.and_then(|e| {
            let entity = &rest[1..e];
            let code = if let Some(hex) = entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
            {
                u32::from_str_radix(hex, 16).ok()
            } else if let Some(dec) = entity.strip_prefix('#') {
                dec.parse().ok()
            } else {
                match entity {
                    "colon" => Some(58),
                    "Tab" => Some(9),
                    "NewLine" => Some(10),
                    "amp" => Some(38),
                    _ => None,
                }
            };
            code.and_then(char::from_u32).map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &rest[e + 1..];
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

/// Something in a Markdown field that `check` must look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// Raw HTML (block or inline), with its text.
    RawHtml(String),
    /// A link or image whose scheme is not allowed.
    UnsafeLink { url: String, scheme: String },
    /// A protocol-relative link or image (`//host/x`, `/\host/x`): it leaves the site
    /// although it reads like a site path, so `check` asks for the full address.
    ProtocolRelativeLink(String),
    /// A page-relative link, which cannot mean the same thing in every output.
    RelativeLink(String),
    /// A site-root link; the checker verifies the page exists.
    SiteLink(String),
    /// A link to a place on the same page (`#how-to-fix`); the checker verifies the
    /// page has that id.
    FragmentLink(String),
    /// A link whose address starts or ends with white space or holds a control
    /// character, written as a character reference (`[x](&#32;https://…)`): the page
    /// writes it percent-encoded (`%20https://…`), which leads nowhere.
    UnusableLink(String),
    /// A link with nothing in it to read (`[](/errors/x/)`, `[ ](…)`, or an image with
    /// no alt text as its only content): the page shows nothing to click, and a screen
    /// reader names it by its address or not at all.
    LinkWithoutText(String),
    /// A fenced code block the text opens at its top level and never closes.
    UnclosedFence(UnclosedFence),
    /// A reference definition of a label defined earlier in the text: links use the
    /// first definition, and CommonMark ignores this one.
    RepeatedDefinition {
        /// The label, as this definition writes it.
        label: String,
        /// Where the first definition of the label is written.
        first: Option<Range<usize>>,
    },
    /// A reference definition no link or image of the text uses, with its label as
    /// written: the page never shows it, but agents reading the Markdown do.
    UnusedDefinition(String),
    /// A reference link (`[text][label]`, `[label][]`, `[label]`) to a label the text
    /// does not define: it shows as written, brackets and all.
    UndefinedReference {
        /// The whole link, as written.
        link: String,
        /// The label it names.
        label: String,
        /// The label the text does define that this one most likely misspells, if any.
        closest: Option<String>,
        /// Whether it is a label alone, `[label]`, which prose also writes as brackets
        /// around a word: only context (a close label, one defined in another text)
        /// says it was meant as a link.
        shortcut: bool,
    },
}

/// Whether `markdown` can hold raw HTML, a link, an image, an autolink or a reference
/// definition: none of them can be written without `<` or `[`. Most fields (titles,
/// one-line causes) have neither, so the passes that look only at those skip parsing.
/// Searched as bytes: both are ASCII, which no byte of a longer character equals, and
/// memchr looks at many bytes a step where `str::contains` decodes every character.
fn may_hold_markup(markdown: &str) -> bool {
    memchr::memchr2(b'<', b'[', markdown.as_bytes()).is_some()
}

/// Whether a link's text shows anything (for W025, and for the pages, which name a link
/// made of an image from another site "image" when it does not): a character that is
/// neither white space nor one of the invisible ones (zero-width space and joiners, word joiner, byte-order
/// mark, soft hyphen).
fn shows_something(text: &str) -> bool {
    text.chars().any(|c| {
        !c.is_whitespace()
            && !matches!(
                c,
                '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{AD}'
            )
    })
}

/// A fenced code block that a Markdown text opens at its top level and never closes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnclosedFence {
    /// The byte range of the opening fence (`~~~` or three or more backticks).
    pub opener: Range<usize>,
    /// A line that closes it: the opening character, as many times.
    pub closing: String,
}

/// Whether `markdown` may open a fenced code block at its top level: only three
/// backticks or tildes at the start of a line, after at most three spaces, can. Most
/// texts have none, and the few bytes around each backtick or tilde tell.
fn may_open_fence(markdown: &str) -> bool {
    let bytes = markdown.as_bytes();
    memchr::memchr2_iter(b'`', b'~', bytes).any(|at| {
        let fence = bytes[at];
        let spaces = bytes[at.saturating_sub(4)..at]
            .iter()
            .rev()
            .take_while(|&&b| b == b' ')
            .count();
        bytes.get(at + 1) == Some(&fence)
            && bytes.get(at + 2) == Some(&fence)
            && spaces <= 3
            && (at == spaces || bytes[at - spaces - 1] == b'\n')
    })
}

/// Follows the events of a parse for the last fenced code block at the top level, which
/// [`FenceWatch::open_fence`] then finds open or closed. It rides along the parses that
/// look for HTML and links, so finding an open block costs no parse of its own there.
#[derive(Default)]
struct FenceWatch {
    depth: usize,
    last_top_level_fence: Option<Range<usize>>,
}

impl FenceWatch {
    fn see(&mut self, event: &Event<'_>, range: &Range<usize>) {
        match event {
            Event::Start(tag) => {
                if self.depth == 0 {
                    let fenced = matches!(
                        tag,
                        Tag::CodeBlock(pulldown_cmark::CodeBlockKind::Fenced(_))
                    );
                    self.last_top_level_fence = fenced.then(|| range.clone());
                }
                self.depth += 1;
            }
            Event::End(_) => self.depth = self.depth.saturating_sub(1),
            _ if self.depth == 0 => self.last_top_level_fence = None,
            _ => {}
        }
    }

    /// The block seen last, when no closing fence ends it. An open block runs to the end,
    /// so only the last top-level block can be one.
    fn open_fence(self, markdown: &str) -> Option<UnclosedFence> {
        let range = self.last_top_level_fence?;
        let block = markdown.get(range.clone())?;
        let indent = block.len() - block.trim_start_matches(' ').len();
        let opening = &block[indent..];
        let fence_char = opening.chars().next().filter(|c| matches!(c, '`' | '~'))?;
        let length = opening.len() - opening.trim_start_matches(fence_char).len();
        let closes = |line: &str| {
            let line = line.trim_end_matches(['\r', '\n']);
            let unindented = line.trim_start_matches(' ');
            let run = unindented.len() - unindented.trim_start_matches(fence_char).len();
            line.len() - unindented.len() <= 3
                && run >= length
                && unindented[run..].trim_matches([' ', '\t']).is_empty()
        };
        let closed = block.lines().skip(1).last().is_some_and(closes);
        let start = range.start + indent;
        (!closed).then(|| UnclosedFence {
            opener: start..start + length,
            closing: fence_char.to_string().repeat(length),
        })
    }
}

/// The code block `markdown` leaves open, if any. CommonMark runs an unclosed fence to
/// the end of the document. A field rendered on its own ends there, which hides the
/// mistake; laid out among other text, as in the agent Markdown, the block would take in
/// everything after it (every later error of `llms-full.txt`, say). Only a block at the
/// top level can do that: inside a list item or a quote it ends with its container.
pub fn unclosed_fence(markdown: &str) -> Option<UnclosedFence> {
    if !may_open_fence(markdown) {
        return None;
    }
    let mut watch = FenceWatch::default();
    for (event, range) in Parser::new_ext(markdown, parser_options()).into_offset_iter() {
        watch.see(&event, &range);
    }
    watch.open_fence(markdown)
}

/// `markdown` with `open`, the block it leaves open, closed at its end.
fn close_fence(mut markdown: String, open: &UnclosedFence) -> String {
    if !markdown.ends_with('\n') {
        markdown.push('\n');
    }
    markdown.push_str(&open.closing);
    markdown
}

/// Every finding in a Markdown field, with its byte range in the field's text.
pub fn findings(markdown: &str) -> Vec<(Range<usize>, Finding)> {
    if !may_hold_markup(markdown) && !may_open_fence(markdown) {
        return Vec::new();
    }
    parsed_findings(markdown)
}

/// [`findings`], always parsing.
fn parsed_findings<'a>(markdown: &'a str) -> Vec<(Range<usize>, Finding)> {
    let mut found = Vec::new();
    let mut html_reported = false;
    let mut watch = FenceWatch::default();
    // The parser asks this callback for an address when a reference link names a label
    // the text does not define; without one, the link stays text, brackets and all.
    // The label is borrowed from the text: a pasted text can hold a hundred thousand.
    let mut undefined = Vec::new();
    let note_undefined = |link: BrokenLink<'a>| {
        undefined.push((link.span, link.link_type, link.reference));
        None
    };
    let parser =
        Parser::new_with_broken_link_callback(markdown, parser_options(), Some(note_undefined));
    // Past the rounds, the agent Markdown falls back to escaped text: nothing to report.
    for definition in every_definition(markdown, &parser).unwrap_or_default() {
        if definition.repeated {
            let first = parser.reference_definitions().get(&definition.label);
            let finding = Finding::RepeatedDefinition {
                first: first.map(|first| first.span.clone()),
                label: definition.label,
            };
            found.push((definition.span, finding));
        }
    }
    // The definitions links use, by where they start, until a link or image uses them.
    let mut unused: BTreeMap<usize, (Range<usize>, String)> = parser
        .reference_definitions()
        .iter()
        .map(|(label, def)| (def.span.start, (def.span.clone(), label.to_owned())))
        .collect();
    // Every label the text defines, for the one a link to an undefined label misspells.
    let defined: Vec<String> = unused.values().map(|(_, label)| label.clone()).collect();
    // The links open where the parser is, innermost last: where each starts, its
    // address, and whether it holds text yet (a link in a link is text, not a link,
    // to CommonMark, but an image in a link is its content, named by its alt text).
    let mut open_links: Vec<(Range<usize>, String, bool)> = Vec::new();
    let mut events = parser.into_offset_iter();
    while let Some((event, range)) = events.next() {
        watch.see(&event, &range);
        match &event {
            Event::Text(text)
            | Event::Code(text)
            | Event::InlineMath(text)
            | Event::Html(text)
            | Event::InlineHtml(text)
            | Event::DisplayMath(text)
                if !open_links.is_empty() && shows_something(text) =>
            {
                if let Some((_, _, has_text)) = open_links.last_mut() {
                    *has_text = true;
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                open_links.push((range.clone(), dest_url.to_string(), false));
            }
            Event::End(TagEnd::Link) => {
                if let Some((start, url, false)) = open_links.pop() {
                    found.push((start, Finding::LinkWithoutText(url)));
                }
            }
            _ => {}
        }
        match event {
            // The closing tag of HTML already reported is noise. Any other HTML is
            // reported, a block that starts with a closing tag included: `</div>` opens
            // an HTML block that runs on with whatever follows it on the line.
            Event::Html(html) | Event::InlineHtml(html)
                if html_reported && is_one_closing_tag(&html) => {}
            Event::Html(html) | Event::InlineHtml(html) => {
                html_reported = true;
                found.push((range, Finding::RawHtml(html.trim_end().to_owned())));
            }
            Event::Start(
                Tag::Link {
                    dest_url,
                    link_type,
                    id,
                    ..
                }
                | Tag::Image {
                    dest_url,
                    link_type,
                    id,
                    ..
                },
            ) => {
                if let LinkType::Reference | LinkType::Collapsed | LinkType::Shortcut = link_type {
                    // `id` is the label as the link writes it; the parser matches it to a
                    // definition as CommonMark says (any case, runs of space as one).
                    if let Some(used) = events.reference_definitions().get(&id) {
                        unused.remove(&used.span.start);
                    }
                }
                if link_type == LinkType::Email {
                    continue;
                }
                let url = dest_url.to_string();
                let mangled = url.trim() != url || url.chars().any(char::is_control);
                let finding = match classify(&url) {
                    // An unsafe scheme is the graver problem, and classify finds it
                    // through the white space and controls meant to hide it.
                    UrlKind::Unsafe(scheme) => Finding::UnsafeLink { url, scheme },
                    // So is leaving the site, which the outputs drop however it is spelt.
                    UrlKind::ProtocolRelative => Finding::ProtocolRelativeLink(url),
                    _ if mangled => Finding::UnusableLink(url),
                    UrlKind::External => continue,
                    UrlKind::Fragment => Finding::FragmentLink(url),
                    UrlKind::SiteRoot => Finding::SiteLink(url),
                    UrlKind::Relative if url.is_empty() => continue,
                    UrlKind::Relative => Finding::RelativeLink(url),
                };
                found.push((range, finding));
            }
            _ => {}
        }
    }
    drop(events);
    found.extend(undefined_references(markdown, undefined, &defined));
    for (span, label) in unused.into_values() {
        found.push((span, Finding::UnusedDefinition(label)));
    }
    if let Some(open) = watch.open_fence(markdown) {
        found.push((open.opener.clone(), Finding::UnclosedFence(open)));
    }
    // In the order of the text, as a writer reads the diagnostics.
    found.sort_by_key(|(range, _)| range.start);
    found
}

/// The labels `markdown` defines (`[label]: destination`), each with where its first
/// definition is written. Without a `]:` the text defines none, and is not parsed: most
/// texts have no `:` at all, and the few there are are quick to look behind.
pub fn defined_labels(markdown: &str) -> Vec<(Range<usize>, String)> {
    let bytes = markdown.as_bytes();
    let may_define = memchr::memchr_iter(b':', bytes).any(|at| at > 0 && bytes[at - 1] == b']');
    if !may_define {
        return Vec::new();
    }
    let parser = Parser::new_ext(markdown, parser_options());
    let mut labels: Vec<_> = parser
        .reference_definitions()
        .iter()
        .map(|(label, def)| (def.span.clone(), label.to_owned()))
        .collect();
    labels.sort_by_key(|(span, _)| span.start);
    labels
}

/// The findings for the reference links the parser could not resolve, once each. An
/// index, `items[0][1]`, is not one: a letter or digit just before the first `[` tells
/// it apart from a link. The parser also tries each part of a full link that failed as
/// a label alone (`[y]` of `[x][y]`); those are left out.
fn undefined_references(
    markdown: &str,
    undefined: Vec<(Range<usize>, LinkType, CowStr<'_>)>,
    defined: &[String],
) -> Vec<(Range<usize>, Finding)> {
    if undefined.is_empty() {
        return Vec::new();
    }
    // Labels match in any case, so they are compared in one.
    let folded: Vec<String> = defined.iter().map(|label| label.to_lowercase()).collect();
    let candidates: Vec<&str> = folded.iter().map(String::as_str).collect();
    let closest = |label: &str| {
        let found = crate::load::closest(&label.to_lowercase(), &candidates)?;
        let at = candidates.iter().position(|c| *c == found)?;
        Some(defined[at].clone())
    };
    let mut seen = std::collections::BTreeSet::new();
    // Where the full and collapsed links are (a collapsed one's span ends before its `[]`).
    let whole: Vec<Range<usize>> = undefined
        .iter()
        .filter(|(_, link_type, _)| *link_type != LinkType::Shortcut)
        .map(|(span, _, _)| span.start..span.end + 2)
        .collect();
    let part_of_whole = |span: &Range<usize>| {
        whole
            .iter()
            .any(|w| w.start <= span.start && span.end <= w.end)
    };
    undefined
        .into_iter()
        .filter(|(span, link_type, _)| {
            let after_word = markdown
                .get(..span.start)
                .and_then(|before| before.chars().next_back())
                .is_some_and(char::is_alphanumeric);
            let part = *link_type == LinkType::Shortcut && part_of_whole(span);
            if after_word || part {
                return false;
            }
            seen.insert(span.start)
        })
        .filter_map(|(mut span, link_type, label)| {
            // The parser's span of a collapsed link ends before its `[]`.
            let then = markdown.get(span.end..).unwrap_or_default();
            if link_type == LinkType::Collapsed && then.starts_with("[]") {
                span.end += 2;
            }
            let link = markdown.get(span.clone())?.to_owned();
            let label = label.into_string();
            let finding = Finding::UndefinedReference {
                closest: closest(&label),
                shortcut: link_type == LinkType::Shortcut,
                link,
                label,
            };
            Some((span, finding))
        })
        .collect()
}

/// Whether `html` is one closing tag and nothing else, e.g. `</b>`.
fn is_one_closing_tag(html: &str) -> bool {
    html.trim()
        .strip_prefix("</")
        .and_then(|tag| tag.strip_suffix('>'))
        .is_some_and(|name| {
            let name = name.trim_end();
            name.starts_with(|c: char| c.is_ascii_alphabetic())
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

/// How site-root links are written in one output.
#[derive(Debug, Clone, Copy)]
pub enum SiteLinks<'a> {
    /// Relative to the current page: the prefix that reaches the site root
    /// (`./` on the overview, `../../` on an error page).
    Relative(&'a str),
    /// Absolute on the published site (`https://docs.example.com/api`).
    Absolute(&'a str),
    /// Relative to the current page, like `Relative(root)`, for text that belongs to
    /// another page, `page` (a site path: `/errors/x/`), such as an error's summary on
    /// the overview: a link to a place on the text's own page (`#fix`) leads there
    /// (`./errors/x/#fix`), not to a place of the same name on the page it is shown on.
    RelativeFrom { root: &'a str, page: &'a str },
    /// Absolute, like `Absolute(base)`, for text that belongs to the page `page` and is
    /// read away from it (an error's texts in its Markdown file, in `errors.json`): a
    /// link to a place on that page (`#fix`) leads there (`https://…/errors/x/#fix`).
    AbsoluteFrom { base: &'a str, page: &'a str },
}

/// Whether `url` may be written as a link: its scheme is one of [`LINK_SCHEMES`] or it
/// has none, and it is not protocol-relative (see [`UrlKind::may_link`]). `check`
/// already rejects the others in `links:`; the outputs ask again, as defence in depth.
pub fn may_link(url: &str) -> bool {
    classify_raw(url).may_link()
}

impl SiteLinks<'_> {
    /// A link's URL for this output: a site path resolved (see [`SiteLinks::resolve`]),
    /// any other URL as written.
    pub fn link_url(&self, url: &str) -> String {
        if url.starts_with('/') {
            self.resolve(url)
        } else {
            url.to_owned()
        }
    }

    /// Rewrites a site-root path such as `/errors/x/#fix` for this output, in its
    /// canonical form: an error page with its trailing slash.
    pub fn resolve(&self, path: &str) -> String {
        let trimmed = with_page_slash(path.trim_start_matches('/'));
        match self {
            SiteLinks::Relative(root) | SiteLinks::RelativeFrom { root, .. } => {
                if trimmed.is_empty() {
                    (*root).to_owned()
                } else {
                    format!("{root}{trimmed}")
                }
            }
            SiteLinks::Absolute(base) | SiteLinks::AbsoluteFrom { base, .. } => {
                format!("{base}/{trimmed}")
            }
        }
    }

    /// The site path a link to `dest` (of kind `kind`) leads to, when this output
    /// rewrites it: a site path itself, or a link to a place on the page the text
    /// belongs to (`#fix` → `/errors/x/#fix`) when that is not the page it is shown on.
    fn site_path<'d>(&self, dest: &'d str, kind: &UrlKind) -> Option<Cow<'d, str>> {
        match (kind, self) {
            (UrlKind::SiteRoot, _) => Some(Cow::Borrowed(dest)),
            (
                UrlKind::Fragment,
                SiteLinks::RelativeFrom { page, .. } | SiteLinks::AbsoluteFrom { page, .. },
            ) => Some(Cow::Owned(format!("{page}{dest}"))),
            _ => None,
        }
    }
}

/// A site path as a browser asks for it: each `/`-separated segment percent-decoded
/// once (`my%20flow.png` is `my flow.png`). `None` when a segment is not UTF-8 once
/// decoded, or holds an encoded `/` (`%2F`), which not every static host reads as a
/// folder separator: `check` leads no link through one, and `serve` answers none.
pub(crate) fn decode_site_path(path: &str) -> Option<String> {
    let mut decoded = String::with_capacity(path.len());
    for (i, segment) in path.split('/').enumerate() {
        let segment = percent_encoding::percent_decode_str(segment)
            .decode_utf8()
            .ok()?;
        if segment.contains('/') {
            return None;
        }
        if i > 0 {
            decoded.push('/');
        }
        decoded.push_str(&segment);
    }
    Some(decoded)
}

/// A site path split before its `?query` or `#fragment`: (`/errors/x`, `#fix`).
pub(crate) fn path_and_rest(url: &str) -> (&str, &str) {
    url.split_at(url.find(['?', '#']).unwrap_or(url.len()))
}

/// `errors/x`, an error page written without its slash (with any `?query` or
/// `#fragment` after it), as `errors/x/`. The page is `errors/x/index.html`: a static
/// host redirects `errors/x` to it, but a site opened from disk shows the folder, and
/// `errors/x/` is the canonical URL. `errors/x.md` is the page's Markdown, even when
/// a code `x.md` exists (`check` asks for `errors/x.md/` for its page, E042), and any
/// other path is kept as written.
fn with_page_slash(path: &str) -> Cow<'_, str> {
    let (file, rest) = path_and_rest(path);
    match file.strip_prefix("errors/") {
        Some(code) if !code.is_empty() && !code.contains('/') && !code.ends_with(".md") => {
            Cow::Owned(format!("{file}/{rest}"))
        }
        _ => Cow::Borrowed(path),
    }
}

/// Renders Markdown to safe HTML.
pub fn to_html(markdown: &str, links: SiteLinks<'_>) -> String {
    if is_plain_text(markdown) {
        return format!("<p>{markdown}</p>\n");
    }
    parsed_html(markdown, links, HeadingLevel::H2)
}

/// Whether `markdown` is one paragraph of text that renders as itself: one line that
/// starts with a letter (so it opens no list, heading, quote or code block), ends
/// without whitespace (which the paragraph would drop) and holds no character inline
/// Markdown or HTML gives a meaning to. Many one-line fields (causes, resolutions,
/// titles) are such text, and parsing them was most of a page's Markdown cost.
fn is_plain_text(markdown: &str) -> bool {
    markdown.starts_with(char::is_alphabetic)
        && !markdown.ends_with(char::is_whitespace)
        && !markdown.contains(|c: char| {
            c.is_control()
                || matches!(
                    c,
                    '\\' | '`' | '*' | '_' | '[' | ']' | '!' | '<' | '>' | '&' | '~' | '|'
                )
        })
}

/// [`to_html`], with an `id` on every heading, unique on the page `ids` keeps, so a
/// heading a writer put in a field can be linked to (`/errors/x/#decline-codes`). The
/// text's top headings are `top`: `<h2>` for a text right under the page's `<h1>` (an
/// error's description), `<h3>` for one in a section of the page's own (the agent's
/// guidance, under "If you're an AI agent"), so that a writer's heading never reads as
/// a sibling of the section it is in.
pub fn to_html_with_heading_ids(
    markdown: &str,
    links: SiteLinks<'_>,
    ids: &mut HeadingIds<'_>,
    top: HeadingLevel,
) -> String {
    if is_plain_text(markdown) {
        return format!("<p>{markdown}</p>\n");
    }
    // Without a heading there is no id to give, and the events need not be held: for
    // a long text they take many times its size (with a 1 MB description, a build's live
    // heap peaked at 38 MB holding them and at 17 MB without, by massif).
    if !may_hold_heading(markdown) && !may_hold_setext_dashes(markdown) {
        return parsed_html(markdown, links, top);
    }
    // A heading's id is its text's, which comes after its start: the events are held.
    let mut events: Vec<Event<'_>> = safe_events(markdown, links, top).collect();
    give_heading_ids(&mut events, ids);
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, in_scrolling_tables(events.into_iter()));
    html
}

/// [`to_html`], always parsing, with the text's top headings at `top`.
fn parsed_html(markdown: &str, links: SiteLinks<'_>, top: HeadingLevel) -> String {
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(
        &mut html,
        in_scrolling_tables(safe_events(markdown, links, top)),
    );
    html
}

/// The start of the box around a table (see [`in_scrolling_tables`]).
pub(crate) const TABLE_BOX_OPEN: &str =
    "<div class=\"table-scroll\" tabindex=\"0\" role=\"group\" aria-label=\"Table\">\n";

/// `events` with each table in a box that scrolls sideways, as the pages' own tables
/// are: a table wider than the column (a long URL in a cell) scrolls instead of being
/// cut off, so its cells need not break words anywhere to fit. A scrolling box must be
/// reachable by keyboard, hence `tabindex`. The box is HTML of errdex's own, added after
/// the writer's HTML became text.
///
/// A column's alignment (`|:--|--:|`) becomes a class on its cells: pulldown-cmark
/// writes it as a `style` attribute, which the pages' Content-Security-Policy refuses
/// (`style-src 'self'`), so the alignment was lost and the browser reported each cell.
fn in_scrolling_tables<'e>(
    events: impl Iterator<Item = Event<'e>>,
) -> impl Iterator<Item = Event<'e>> {
    let html = |html: &'static str| Some(Event::Html(CowStr::Borrowed(html)));
    let mut alignments: Vec<Alignment> = Vec::new();
    let mut in_head = false;
    let mut column = 0;
    events.flat_map(move |event| {
        let pair = match event {
            Event::Start(Tag::Table(columns)) => {
                let unaligned = vec![Alignment::None; columns.len()];
                alignments = columns;
                [
                    html(TABLE_BOX_OPEN),
                    Some(Event::Start(Tag::Table(unaligned))),
                ]
            }
            Event::End(TagEnd::Table) => [Some(event), html("</div>\n")],
            Event::Start(Tag::TableHead) => {
                (in_head, column) = (true, 0);
                [Some(event), None]
            }
            Event::End(TagEnd::TableHead) => {
                in_head = false;
                [Some(event), None]
            }
            Event::Start(Tag::TableRow) => {
                column = 0;
                [Some(event), None]
            }
            Event::Start(Tag::TableCell) => {
                let aligned = aligned_cell(in_head, alignments.get(column));
                column += 1;
                [aligned.map_or(Some(event), html), None]
            }
            other => [Some(other), None],
        };
        pair.into_iter().flatten()
    })
}

/// The start tag of a cell in a column with an alignment, which the theme's style sheet
/// gives; `None` for a column without one, which the writer's own tag serves.
fn aligned_cell(in_head: bool, alignment: Option<&Alignment>) -> Option<&'static str> {
    Some(match (in_head, alignment?) {
        (_, Alignment::None) => return None,
        (true, Alignment::Left) => "<th class=\"align-left\">",
        (true, Alignment::Center) => "<th class=\"align-center\">",
        (true, Alignment::Right) => "<th class=\"align-right\">",
        (false, Alignment::Left) => "<td class=\"align-left\">",
        (false, Alignment::Center) => "<td class=\"align-center\">",
        (false, Alignment::Right) => "<td class=\"align-right\">",
    })
}

/// What a link or an image of the Markdown became on the page (see [`safe_events`]).
enum Opened {
    /// Dropped, its text kept.
    Dropped,
    Kept,
    /// An image from another site, made a link to it: the pages' Content-Security-Policy
    /// loads images from the site only, so the browser would refuse it (an error in its
    /// console, which Lighthouse reports) and show the alt text anyway. `has_text`:
    /// whether the link has text yet.
    ImageAsLink {
        has_text: bool,
    },
}

/// The events of `markdown` made safe for a page: raw HTML as text, unsafe links
/// dropped (their text kept), site links resolved, images from other sites made links to
/// them, headings one level down.
fn safe_events<'m>(
    markdown: &'m str,
    links: SiteLinks<'_>,
    top: HeadingLevel,
) -> impl Iterator<Item = Event<'m>> {
    let mut opened: Vec<Opened> = Vec::new();
    // Links open around the current event: a link inside one is dropped, as HTML nests
    // no `<a>`.
    let open_links = |opened: &[Opened]| {
        opened
            .iter()
            .any(|o| matches!(o, Opened::Kept | Opened::ImageAsLink { .. }))
    };
    // The headings the next one may be under: each as written and as shown.
    let mut outline = Outline::under(top);
    // Each event becomes none, one, or two (an image's link and the text that names it).
    type Out<'m> = (Option<Event<'m>>, Option<Event<'m>>);
    let one = |event| (Some(event), None);
    let none = || (None, None);
    Parser::new_ext(markdown, parser_options())
        .map(move |event| -> Out<'m> {
            match event {
                Event::Html(html) | Event::InlineHtml(html) => one(Event::Text(html)),
                Event::Text(text) => {
                    if let Some(Opened::ImageAsLink { has_text }) = opened.last_mut() {
                        *has_text |= shows_something(&text);
                    }
                    one(Event::Text(text))
                }
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => {
                    let dest = safe_dest(dest_url, links);
                    opened.push(if dest.is_some() {
                        Opened::Kept
                    } else {
                        Opened::Dropped
                    });
                    let start = dest.map(|dest_url| {
                        Event::Start(Tag::Link {
                            link_type,
                            dest_url,
                            title,
                            id,
                        })
                    });
                    (start, None)
                }
                Event::End(TagEnd::Link) => match opened.pop() {
                    Some(Opened::Kept) => one(Event::End(TagEnd::Link)),
                    _ => none(),
                },
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => {
                    let external = matches!(classify(&dest_url), UrlKind::External);
                    let dest = safe_dest(dest_url, links);
                    match dest {
                        None => {
                            opened.push(Opened::Dropped);
                            none()
                        }
                        // Inside a link, the image is its alt text.
                        Some(_) if external && open_links(&opened) => {
                            opened.push(Opened::Dropped);
                            none()
                        }
                        Some(dest_url) if external => {
                            opened.push(Opened::ImageAsLink { has_text: false });
                            one(Event::Start(Tag::Link {
                                link_type,
                                dest_url,
                                title,
                                id,
                            }))
                        }
                        Some(dest_url) => {
                            opened.push(Opened::Kept);
                            one(Event::Start(Tag::Image {
                                link_type,
                                dest_url,
                                title,
                                id,
                            }))
                        }
                    }
                }
                Event::End(TagEnd::Image) => match opened.pop() {
                    Some(Opened::Kept) => one(Event::End(TagEnd::Image)),
                    // A link needs text to be named by a screen reader: an image without alt
                    // text is named by what it is.
                    Some(Opened::ImageAsLink { has_text: true }) => one(Event::End(TagEnd::Link)),
                    Some(Opened::ImageAsLink { has_text: false }) => (
                        Some(Event::Text(CowStr::Borrowed("image"))),
                        Some(Event::End(TagEnd::Link)),
                    ),
                    _ => none(),
                },
                // The page's own headings come first: its title is the one `<h1>`. And no level
                // is skipped: a field may follow the `<h1>` itself (a description), so its top
                // headings are `<h2>`s, and a heading under another is one level below it,
                // however many `#` it skips (`# A` then `### B` is `<h2>` then `<h3>`). A skipped
                // level is an error to the Nu HTML Checker, and a gap in a screen reader's
                // outline. Headings written at one level stay at one level.
                Event::Start(Tag::Heading {
                    level,
                    id,
                    classes,
                    attrs,
                }) => {
                    let shown = outline.place(level);
                    outline.push(level, shown);
                    one(Event::Start(Tag::Heading {
                        level: shown,
                        id,
                        classes,
                        attrs,
                    }))
                }
                Event::End(TagEnd::Heading(_)) => {
                    one(Event::End(TagEnd::Heading(outline.current())))
                }
                // errdex's own HTML, as the table box is: the writer's is text by now.
                Event::Start(Tag::BlockQuote(Some(kind))) => {
                    one(Event::Html(CowStr::Borrowed(alert_open(kind))))
                }
                Event::End(TagEnd::BlockQuote(Some(_))) => {
                    one(Event::Html(CowStr::Borrowed("</div>\n")))
                }
                other => one(other),
            }
        })
        .flat_map(|(first, second)| first.into_iter().chain(second))
}

/// Sets the `id` of every heading in `events` from its text.
fn give_heading_ids(events: &mut [Event<'_>], ids: &mut HeadingIds<'_>) {
    let mut start = None;
    let mut text = String::new();
    for at in 0..events.len() {
        match &events[at] {
            Event::Start(Tag::Heading { .. }) => {
                start = Some(at);
                text.clear();
            }
            Event::End(TagEnd::Heading(_)) => {
                let id = ids.give(&text);
                if let Some(Event::Start(Tag::Heading { id: slot, .. })) =
                    start.take().and_then(|at| events.get_mut(at))
                {
                    *slot = Some(CowStr::from(id));
                }
            }
            event if start.is_some() => push_heading_text(&mut text, event),
            _ => {}
        }
    }
}

/// Adds what `event`, inside a heading, gives the heading's text, from which its id is
/// made: its text and code, and a space for a line break.
fn push_heading_text(text: &mut String, event: &Event<'_>) {
    match event {
        Event::Text(t) | Event::Code(t) => text.push_str(t),
        Event::SoftBreak | Event::HardBreak => text.push(' '),
        _ => {}
    }
}

/// The `id`s on one page: those its template writes, which `reserved` recognises, and
/// those given to headings so far. Ids are handed out in page order, so the same
/// catalog always gives the same ids.
pub struct HeadingIds<'a> {
    reserved: &'a dyn Fn(&str) -> bool,
    given: std::collections::BTreeSet<String>,
}

impl<'a> HeadingIds<'a> {
    /// No heading ids given yet on a page whose template writes the ids `reserved`
    /// accepts.
    pub fn new(reserved: &'a dyn Fn(&str) -> bool) -> Self {
        HeadingIds {
            reserved,
            given: std::collections::BTreeSet::new(),
        }
    }

    /// The id of a heading reading `text`: its [`heading_slug`], with `-1`, `-2`, …
    /// added (as GitHub does) while that is taken.
    pub fn give(&mut self, text: &str) -> String {
        let slug = heading_slug(text);
        let mut id = slug.clone();
        let mut n = 0;
        while (self.reserved)(&id) || self.given.contains(&id) {
            n += 1;
            id = format!("{slug}-{n}");
        }
        self.given.insert(id.clone());
        id
    }

    /// The ids given to headings.
    pub fn into_given(self) -> std::collections::BTreeSet<String> {
        self.given
    }
}

/// The headings of `markdown` named like the section errdex writes from `agent` on every
/// error's page and in its Markdown ("If you're an AI agent"), each with its first line's
/// range and its text (W027): an agent that reads two such sections may follow the
/// writer's one. Texts that hold no `gent` and no heading are not parsed.
pub fn agent_section_headings(markdown: &str) -> Vec<(Range<usize>, String)> {
    let bytes = markdown.as_bytes();
    let names_an_agent = memchr::memmem::find(bytes, b"gent").is_some()
        || memchr::memmem::find(bytes, b"GENT").is_some();
    if !names_an_agent || !(may_hold_heading(markdown) || may_hold_setext_dashes(markdown)) {
        return Vec::new();
    }
    let mut found = Vec::new();
    let mut heading: Option<(Range<usize>, String)> = None;
    for (event, range) in Parser::new_ext(markdown, parser_options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { .. }) => heading = Some((range, String::new())),
            Event::End(TagEnd::Heading(_)) => {
                let Some((range, text)) = heading.take() else {
                    continue;
                };
                // By its slug, so case, punctuation and curly quotes do not matter.
                if matches!(
                    heading_slug(&text).as_str(),
                    "if-youre-an-ai-agent" | "if-you-are-an-ai-agent"
                ) {
                    let line = markdown[range.clone()].split('\n').next().unwrap_or("");
                    let line = line.trim_end_matches('\r');
                    found.push((
                        range.start..range.start + line.len(),
                        text.trim().to_owned(),
                    ));
                }
            }
            event => {
                if let Some((_, text)) = heading.as_mut() {
                    push_heading_text(text, &event);
                }
            }
        }
    }
    found
}

/// A heading's slug as GitHub makes it, so the anchor a reader guesses from the heading
/// works: lower case, each space a `-`, punctuation and symbols dropped, letters and
/// digits of any script kept (`Décline codes` → `décline-codes`). A heading with no
/// letter or digit (`!!!`) is `section`, where GitHub's would be an empty id.
pub fn heading_slug(text: &str) -> String {
    let slug: String = text
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            c if c.is_whitespace() => Some('-'),
            _ => None,
        })
        .collect();
    if !slug.chars().any(char::is_alphanumeric) {
        "section".to_owned()
    } else {
        slug
    }
}

/// `line`, one line of Markdown, escaped where needed to read as a paragraph: a `#`,
/// `>`, list marker, fence or rule at its start would make it a heading, a quote, a list
/// or a code block, which a one-line field (a summary, a list item, a table cell) shows
/// as text, as GitHub does in a table cell. `# Not a heading` stays those words, with
/// its `#`; a heading there broke the page's outline (the Nu HTML Checker and axe flag
/// an `<h2>` in a summary followed by the page's `<h3>`s).
pub fn as_paragraph(line: &str) -> Cow<'_, str> {
    let text = line.trim_start();
    if text.is_empty() || text.trim_end().contains('\n') {
        return Cow::Borrowed(line);
    }
    // Only these can start a block other than a paragraph on one line (an HTML block
    // is made text anyway): most texts are paragraphs, and are not parsed to know it.
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let may_start_a_block = match text.as_bytes()[0] {
        b'#' | b'>' | b'-' | b'+' | b'*' | b'_' | b'`' | b'~' | b'[' => true,
        b'0'..=b'9' => matches!(text.as_bytes().get(digits), Some(b'.' | b')')),
        _ => false,
    };
    if !may_start_a_block {
        return Cow::Borrowed(text);
    }
    let first = Parser::new_ext(text, parser_options()).next();
    // Raw HTML is made text wherever it is (see `safe_events`). Indentation would make
    // a code block: it is dropped.
    if matches!(first, Some(Event::Start(Tag::Paragraph | Tag::HtmlBlock))) {
        return Cow::Borrowed(text);
    }
    // The marker is the first character, or the `.`/`)` after an ordered list's number.
    Cow::Owned(format!("{}\\{}", &text[..digits], &text[digits..]))
}

/// Renders a one-line Markdown field (a summary, a table cell) without the `<p>` wrapper.
pub fn to_inline_html(markdown: &str, links: SiteLinks<'_>) -> String {
    // What `to_html` would wrap in `<p>` as it is (see `is_plain_text`).
    if is_plain_text(markdown) {
        return markdown.to_owned();
    }
    let html = to_html(&as_paragraph(markdown), links);
    let trimmed = html.trim_end();
    match trimmed
        .strip_prefix("<p>")
        .and_then(|s| s.strip_suffix("</p>"))
    {
        Some(inner) if !inner.contains("<p>") => inner.to_owned(),
        _ => html,
    }
}

/// The link destination to emit, or `None` to drop the link and keep its text.
fn safe_dest<'a>(dest: CowStr<'a>, links: SiteLinks<'_>) -> Option<CowStr<'a>> {
    let kind = classify(&dest);
    if !kind.may_link() {
        return None;
    }
    match links.site_path(&dest, &kind) {
        Some(path) => Some(CowStr::from(links.resolve(&path))),
        None => Some(dest),
    }
}

/// The heading level under `level`; the sixth, the last HTML has, stays.
fn one_level_down(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H2,
        HeadingLevel::H2 => HeadingLevel::H3,
        HeadingLevel::H3 => HeadingLevel::H4,
        HeadingLevel::H4 => HeadingLevel::H5,
        HeadingLevel::H5 | HeadingLevel::H6 => HeadingLevel::H6,
    }
}

/// `markdown` with its headings one level down, for text laid out under a document's
/// own `#` title (an error's Markdown, each error of llms-full.txt): a `# Overview` in a
/// description would otherwise read as a second title, in llms-full.txt as another
/// error. An ATX heading gets one more `#` (a sixth-level one stays); a `===` underline
/// becomes `---`. A `---` underline stays: a setext heading has no third level, and a
/// second-level heading cannot pass for a title.
pub fn headings_one_level_down(markdown: &str) -> Cow<'_, str> {
    if !may_hold_heading(markdown) {
        return Cow::Borrowed(markdown);
    }
    let mut edits: Vec<(Range<usize>, &str)> = Vec::new();
    for (event, range) in Parser::new_ext(markdown, parser_options()).into_offset_iter() {
        let Event::Start(Tag::Heading { level, .. }) = event else {
            continue;
        };
        match atx_hashes(markdown, &range) {
            Some((at, _)) if level != HeadingLevel::H6 => edits.push((at..at, "#")),
            Some(_) => {}
            None if level == HeadingLevel::H1 => underline_h2(markdown, &range, &mut edits),
            None => {}
        }
    }
    edited(markdown, edits)
}

/// `markdown` with its headings placed as the pages place them (see `safe_events`), for
/// Markdown shown under a heading of level `top - 1`: its top headings at `top`, and a
/// heading under another one level below it, however many levels it skips as written.
/// So `## Limits` first in a description is `## Limits` under the error's `#` title,
/// not `###`, which markdownlint (MD001) and a reader's outline take for a skipped level.
/// Headings written at one level stay at one level. An underlined heading has only two
/// levels: at the second it stays underlined, and placed deeper it is written with `#`s,
/// as the page shows it; under a `##` section, a `---` underline would make it a
/// sibling of the section (`If you're an AI agent`) rather than a part of it.
pub fn headings_in_outline(markdown: &str, top: HeadingLevel) -> Cow<'_, str> {
    const HASHES: &str = "######";
    // Under a `##` section a lone `---` heading changes shape too.
    let may_change =
        may_hold_heading(markdown) || (top > HeadingLevel::H2 && may_hold_setext_dashes(markdown));
    if !may_change {
        return Cow::Borrowed(markdown);
    }
    let mut edits: Vec<(Range<usize>, &str)> = Vec::new();
    let mut outline = Outline::under(top);
    for (event, range) in Parser::new_ext(markdown, parser_options()).into_offset_iter() {
        let Event::Start(Tag::Heading { level, .. }) = event else {
            continue;
        };
        let placed = outline.place(level);
        let shown = match atx_hashes(markdown, &range) {
            Some((at, hashes)) => {
                if hashes != placed as usize {
                    edits.push((at..at + hashes, &HASHES[..placed as usize]));
                }
                placed
            }
            None if placed > HeadingLevel::H2 => {
                setext_as_atx(markdown, &range, &HASHES[..placed as usize], &mut edits);
                placed
            }
            None => {
                if level == HeadingLevel::H1 {
                    underline_h2(markdown, &range, &mut edits);
                }
                HeadingLevel::H2
            }
        };
        outline.push(level, shown);
    }
    edited(markdown, edits)
}

/// Where a text's headings are shown, the pages' way: the top ones at `top`, and one
/// under another one level below it, however many `#` it skips (`# A` then `### B` is
/// `<h2>` then `<h3>`). Headings written at one level stay at one level.
struct Outline {
    top: HeadingLevel,
    /// The headings the next one may be under: each as written and as shown.
    open: Vec<(HeadingLevel, HeadingLevel)>,
}

impl Outline {
    fn under(top: HeadingLevel) -> Self {
        Outline {
            top,
            open: Vec::new(),
        }
    }

    /// Where a heading written at `level` goes; then [`Outline::push`] where it went.
    fn place(&mut self, level: HeadingLevel) -> HeadingLevel {
        while self
            .open
            .last()
            .is_some_and(|&(written, _)| written >= level)
        {
            self.open.pop();
        }
        self.open
            .last()
            .map_or(self.top, |&(_, shown)| one_level_down(shown))
    }

    fn push(&mut self, written: HeadingLevel, shown: HeadingLevel) {
        self.open.push((written, shown));
    }

    /// The level of the heading placed last.
    fn current(&self) -> HeadingLevel {
        self.open.last().map_or(self.top, |&(_, shown)| shown)
    }
}

/// Where the `#`s of the ATX heading at `range` start, and how many there are; `None`
/// for an underlined (setext) heading.
fn atx_hashes(markdown: &str, range: &Range<usize>) -> Option<(usize, usize)> {
    let first_line = markdown[range.clone()].split('\n').next().unwrap_or("");
    let indent = first_line.len() - first_line.trim_start_matches(' ').len();
    let hashes = first_line[indent..]
        .bytes()
        .take_while(|&b| b == b'#')
        .count();
    let after = first_line.as_bytes().get(indent + hashes);
    let atx = (1..=6).contains(&hashes) && matches!(after, None | Some(b' ' | b'\t' | b'\r'));
    atx.then_some((range.start + indent, hashes))
}

/// The edits that write the underlined (setext) heading at `range` with `hashes`: its
/// lines of text become one, each line break (with the quote markers or indentation
/// after it) a space, and the underline goes.
fn setext_as_atx<'h>(
    markdown: &str,
    range: &Range<usize>,
    hashes: &'h str,
    edits: &mut Vec<(Range<usize>, &'h str)>,
) {
    let body = markdown[range.clone()].trim_end_matches(['\n', '\r']);
    let Some(underline) = body.rfind('\n') else {
        return;
    };
    let indent = body.len() - body.trim_start_matches(' ').len();
    let at = range.start + indent;
    edits.push((at..at, hashes));
    edits.push((at..at, " "));
    let line_end = |i: usize| if body[..i].ends_with('\r') { i - 1 } else { i };
    let text = &body[..underline];
    for (i, _) in text.match_indices('\n') {
        let next = &text[i + 1..];
        let prefix = next.len() - next.trim_start_matches([' ', '\t', '>']).len();
        edits.push((range.start + line_end(i)..range.start + i + 1 + prefix, " "));
    }
    edits.push((
        range.start + line_end(underline)..range.start + body.len(),
        "",
    ));
}

/// The edits that make the `===` underline of the setext heading at `range` a `---` one.
fn underline_h2(markdown: &str, range: &Range<usize>, edits: &mut Vec<(Range<usize>, &str)>) {
    // The underline is the heading's last line.
    let body = markdown[range.clone()].trim_end_matches(['\n', '\r']);
    let underline = body.rfind('\n').map_or(0, |i| i + 1);
    for (i, b) in body.bytes().enumerate().skip(underline) {
        if b == b'=' {
            let at = range.start + i;
            edits.push((at..at + 1, "-"));
        }
    }
}

/// [`with_edits`], borrowing `markdown` when there is nothing to edit.
fn edited<'m>(markdown: &'m str, edits: Vec<(Range<usize>, &str)>) -> Cow<'m, str> {
    if edits.is_empty() {
        return Cow::Borrowed(markdown);
    }
    Cow::Owned(with_edits(markdown, edits))
}

/// Whether `markdown` may hold a heading, by a byte scan: a `#` that starts a line's
/// text and is followed by another, a space or the end of the line, or a line of `=`.
/// Only list markers, quote markers and indentation may come before either on its line.
/// A `#` in prose (`C#`, `#hashtag`) or a `=` in code (`a = b`) costs no parse: most
/// fields hold one of them and no heading.
fn may_hold_heading(markdown: &str) -> bool {
    // Most fields have neither character, and then no line is looked at.
    memchr::memchr2(b'#', b'=', markdown.as_bytes()).is_some()
        && markdown.split('\n').any(|line| {
            let text = line.trim_start_matches([' ', '\t', '>', '-', '*', '+', '.', ')']);
            let text = text.trim_start_matches(|c: char| c.is_ascii_digit());
            let text = text.trim_start_matches([' ', '\t', '>', '-', '*', '+', '.', ')']);
            match text.as_bytes() {
                [b'#'] | [b'#', b'#' | b' ' | b'\t' | b'\r', ..] => true,
                [b'=', ..] => text.trim_end().bytes().all(|b| b == b'='),
                _ => false,
            }
        })
}

/// Whether `markdown` may hold a line of `-` under a paragraph, the other setext
/// underline, which [`may_hold_heading`] leaves out: only quote markers and indentation
/// may come before it on its line.
fn may_hold_setext_dashes(markdown: &str) -> bool {
    memchr::memchr(b'-', markdown.as_bytes()).is_some()
        && markdown.split('\n').any(|line| {
            let text = line.trim_start_matches([' ', '\t', '>']).trim_end();
            !text.is_empty() && text.bytes().all(|b| b == b'-')
        })
}

/// The Markdown source made fit for agents: site-root links made absolute on
/// `base_url` however their destination is spelt (`/errors/rate\_limited/`,
/// `&#47;errors/…`, `</errors/…>`, on the line after the `(`), any raw HTML escaped so
/// it reads as text, and a code block left open closed at the end.
///
/// The author's Markdown is otherwise kept byte for byte (edits are spliced into the
/// source by offset) because it is already the best Markdown for a reader.
pub fn to_agent_markdown(markdown: &str, base_url: &str) -> String {
    agent_markdown(markdown, SiteLinks::Absolute(base_url))
}

/// [`to_agent_markdown`] for text that belongs to the page at `page` (a site path:
/// `/errors/x/` for an error's texts, `/` for the overview's): a link to a place on
/// that page (`#fix`) is made absolute on it too (`https://…/errors/x/#fix`), since
/// an agent reads the text away from the page, in a file of its own or beside other
/// errors' texts.
pub fn to_agent_markdown_of(markdown: &str, base_url: &str, page: &str) -> String {
    agent_markdown(
        markdown,
        SiteLinks::AbsoluteFrom {
            base: base_url,
            page,
        },
    )
}

/// `links` is `Absolute` or `AbsoluteFrom`: the agent Markdown has no page of its own.
fn agent_markdown(markdown: &str, links: SiteLinks<'_>) -> String {
    // Laid out before other text, a code block the writer left open would take it in.
    // It is closed last: escaping raw HTML can itself open one (a `~~~` line inside an
    // HTML block is the block's text; once the tag is escaped, it is a fence).
    let (safe, open) = made_safe(markdown, links, true);
    match open {
        Some(open) => close_fence(safe, &open),
        None => safe,
    }
}

/// The edits of [`to_agent_markdown`] but the closing of an open code block, for a
/// whole document laid out from pieces that each went through it: its blocks are closed
/// already.
pub fn made_safe_for_agents(markdown: &str, base_url: &str) -> String {
    made_safe(markdown, SiteLinks::Absolute(base_url), false).0
}

/// `markdown` with the edits of [`to_agent_markdown`] but the closing of a code block,
/// and the code block the result leaves open: found by the parse that checks the result
/// when there is one, and otherwise, with `look_for_fence`, by a parse of its own.
fn made_safe(
    markdown: &str,
    links: SiteLinks<'_>,
    look_for_fence: bool,
) -> (String, Option<UnclosedFence>) {
    // Every edit below starts at raw HTML, a link, an image, an autolink or a reference
    // definition.
    if !may_hold_markup(markdown) {
        let open = if look_for_fence {
            unclosed_fence(markdown)
        } else {
            None
        };
        return (markdown.to_owned(), open);
    }
    // Replacing an unsafe link by its text can let the brackets around it form a new
    // link (`[a [b](javascript:x)](javascript:y)` → `[a b](javascript:y)`), and
    // escaping can let a `<` before it open a tag, so repeat until nothing unsafe is
    // left, and no site link still relative (the new link may lead into the site).
    // Real text settles in one pass; `check` rejects all of these anyway.
    let mut out = agent_markdown_pass(markdown, links);
    for pass in 0..=MAX_AGENT_PASSES {
        let found = findings(&out);
        if !found.iter().any(|(_, f)| is_unsafe(f) || is_site_link(f)) {
            let open = found.into_iter().find_map(|(_, f)| match f {
                Finding::UnclosedFence(open) => Some(open),
                _ => None,
            });
            return (out, open);
        }
        if pass < MAX_AGENT_PASSES {
            out = agent_markdown_pass(&out, links);
        }
    }
    // Pathological nesting: give up on Markdown and show the text inert (a fence is
    // escaped too, so none is left open).
    (escape_all_punctuation(&out), None)
}

/// Passes [`to_agent_markdown`] makes before falling back to inert text.
const MAX_AGENT_PASSES: usize = 4;

/// Whether a finding is raw HTML, a link with an unsafe scheme or a link off the site
/// without one: what the agent Markdown must not hold.
fn is_unsafe(finding: &Finding) -> bool {
    matches!(
        finding,
        Finding::RawHtml(_) | Finding::UnsafeLink { .. } | Finding::ProtocolRelativeLink(_)
    )
}

/// Whether a finding is a link still written from the site root, which an agent
/// reading the Markdown alone cannot resolve. A pass makes every site link absolute,
/// but one can form after it, from the brackets around a link it removed.
fn is_site_link(finding: &Finding) -> bool {
    matches!(finding, Finding::SiteLink(_))
}

/// Whether Markdown holds what [`is_unsafe`] names.
#[cfg(test)]
fn has_unsafe_markup(markdown: &str) -> bool {
    findings(markdown).iter().any(|(_, f)| is_unsafe(f))
}

/// Backslash-escapes every ASCII punctuation character, so no markup can form.
fn escape_all_punctuation(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len() * 2);
    for c in markdown.chars() {
        if c.is_ascii_punctuation() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// One pass of [`to_agent_markdown`], with `links` as in [`agent_markdown`].
fn agent_markdown_pass(markdown: &str, links: SiteLinks<'_>) -> String {
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    let parser = Parser::new_ext(markdown, parser_options());
    let Some(definitions) = every_definition(markdown, &parser) else {
        return escape_all_punctuation(markdown);
    };
    // The links and images around the current event, innermost last.
    let mut open: Vec<OpenLink> = Vec::new();
    for (event, range) in parser.into_offset_iter() {
        // A link's closing event spans the whole link, which lies in the text of the
        // link around it, if any, not in its own: it is taken off before the update.
        let closed = match event {
            Event::End(TagEnd::Link | TagEnd::Image) => open.pop(),
            _ => None,
        };
        if let Some(around) = open.last_mut() {
            around.text_end = around.text_end.max(range.end);
        }
        match event {
            Event::Html(html) | Event::InlineHtml(html) => {
                edits.push((range, html.replace('<', "&lt;").replace('>', "&gt;")));
            }
            Event::Start(
                Tag::Link {
                    dest_url,
                    link_type,
                    ..
                }
                | Tag::Image {
                    dest_url,
                    link_type,
                    ..
                },
            ) => {
                let kind = classify(&dest_url);
                if !kind.may_link() {
                    // An unsafe link of any spelling (entities, `<…>` destinations,
                    // autolinks, references) is replaced whole by its visible text, and
                    // so is one that leaves the site without a scheme.
                    let text = link_text(markdown, &range);
                    let shown = if link_type == LinkType::Autolink {
                        format!("`{}`", text.replace('`', "'"))
                    } else {
                        text
                    };
                    edits.push((range.clone(), shown));
                }
                open.push(OpenLink::new(
                    markdown, range, kind, link_type, dest_url, links,
                ));
            }
            _ => {}
        }
        if let Some(link) = closed {
            edits.extend(link.destination_edit(markdown, links));
        }
    }
    for Definition { span, dest, .. } in definitions {
        edits.extend(definition_edit(markdown, span, &dest, links));
    }
    // Nested events (an image inside a link) can overlap; the outermost edit is kept,
    // so an unsafe link around an image is removed whole: outermost first (by start,
    // then the longest), and `with_edits` skips an edit that overlaps one before it.
    edits.sort_by_key(|(range, _)| (range.start, std::cmp::Reverse(range.end)));
    with_edits(markdown, edits)
}

/// `text` with each range replaced by its string. The edits are in order and do not
/// overlap (one that does, or that would cut a character, is skipped). The result is
/// laid out front to back in one go: replacing in place, even from the end, moves the
/// rest of the text at every edit, and 140,000 links in a 1 MiB text took minutes.
pub(crate) fn with_edits<S: AsRef<str>>(text: &str, edits: Vec<(Range<usize>, S)>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for (range, replacement) in edits {
        if range.start >= copied
            && range.start <= range.end
            && text.is_char_boundary(range.start)
            && text.is_char_boundary(range.end)
        {
            out.push_str(&text[copied..range.start]);
            out.push_str(replacement.as_ref());
            copied = range.end;
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// Most rounds [`every_definition`] looks for repeated definitions of a label.
const MAX_DEFINITION_ROUNDS: usize = 16;

/// The destination of every reference definition of `markdown`, a repeated one included
/// (`None` past [`MAX_DEFINITION_ROUNDS`]): what the fuzz target asks of the agent
/// Markdown, where each must be safe and absolute like a link.
pub(crate) fn definition_destinations(markdown: &str) -> Option<Vec<String>> {
    let parser = Parser::new_ext(markdown, parser_options());
    let all = every_definition(markdown, &parser)?;
    Some(all.into_iter().map(|d| d.dest).collect())
}

/// A reference definition, `[label]: destination`.
struct Definition {
    /// Where it is written.
    span: Range<usize>,
    /// Its label, as written.
    label: String,
    /// Its destination, as the parser reads it (escapes and references resolved).
    dest: String,
    /// Whether an earlier definition of its label is the one links use.
    repeated: bool,
}

/// Every reference definition of `markdown`, a repeated one included, or `None` when a
/// label is defined more than [`MAX_DEFINITION_ROUNDS`] times.
///
/// The parser lists the first definition of each label, the one links use. A repeated
/// one is ignored by CommonMark, but its text is still in the agent Markdown, where an
/// agent reads it as written, and another Markdown reader may take the last definition:
/// it must be made absolute and safe like the first. Blanking the definitions found
/// (spaces, line breaks kept, so every offset stays put) and parsing again makes the
/// next definition of each label the first. Only text with definitions pays for it.
fn every_definition<'a, F: BrokenLinkCallback<'a>>(
    markdown: &str,
    parser: &Parser<'a, F>,
) -> Option<Vec<Definition>> {
    let listed = |definitions: &RefDefs<'_>, repeated: bool| -> Vec<Definition> {
        definitions
            .iter()
            .map(|(label, def)| Definition {
                span: def.span.clone(),
                label: label.to_owned(),
                dest: def.dest.to_string(),
                repeated,
            })
            .collect()
    };
    let mut all = listed(parser.reference_definitions(), false);
    // The definitions the last parse found, at the end of `all`.
    let mut found = all.len();
    if found == 0 {
        return Some(all);
    }
    let mut blanked = markdown.as_bytes().to_vec();
    for _ in 0..MAX_DEFINITION_ROUNDS {
        for definition in &all[all.len() - found..] {
            for byte in &mut blanked[definition.span.clone()] {
                if !matches!(*byte, b'\n' | b'\r') {
                    *byte = b' ';
                }
            }
        }
        // Bytes of a character are all blanked or none: a span is whole characters.
        let text = std::str::from_utf8(&blanked).ok()?;
        let parsed = Parser::new_ext(text, parser_options());
        let again = listed(parsed.reference_definitions(), true);
        found = again.len();
        all.extend(again);
        if found == 0 {
            return Some(all);
        }
    }
    None
}

/// A link or image [`agent_markdown_pass`] is inside of.
struct OpenLink {
    /// The whole link, `[text](destination "title")`.
    range: Range<usize>,
    /// Where the last event inside its text ends (where the text starts, before one):
    /// the `]` that closes the text is the first one from here. Escaped brackets, code
    /// spans and images inside are events of their own, so none of theirs comes first.
    text_end: usize,
    /// Its destination and the site path it leads to (the same but for a fragment-only
    /// link on a page's text: `#fix`, `/errors/x/#fix`), when it is an inline link that
    /// leads into the site, whose destination is written in it. A reference link's is
    /// its definition's: see [`definition_edit`].
    site_path: Option<(String, String)>,
}

impl OpenLink {
    fn new(
        markdown: &str,
        range: Range<usize>,
        kind: UrlKind,
        link_type: LinkType,
        dest_url: CowStr<'_>,
        links: SiteLinks<'_>,
    ) -> Self {
        // `![` opens an image's text, `[` a link's.
        let text_start = range.start + markdown[range.clone()].find('[').unwrap_or(0) + 1;
        let site_path = if link_type == LinkType::Inline {
            let path = links.site_path(&dest_url, &kind).map(Cow::into_owned);
            path.map(|path| (dest_url.into_string(), path))
        } else {
            None
        };
        OpenLink {
            range,
            text_end: text_start,
            site_path,
        }
    }

    /// The edit that makes its site path absolute, once its text has been read.
    fn destination_edit(
        self,
        markdown: &str,
        links: SiteLinks<'_>,
    ) -> Option<(Range<usize>, String)> {
        let (dest, path) = self.site_path?;
        let written = inline_destination(markdown, self.text_end, self.range.end);
        destination_edit(markdown, written, &dest, &path, links)
    }
}

/// The edit a reference definition needs: a site path made absolute, an unsafe
/// destination (or one off the site without a scheme) replaced by `#`.
fn definition_edit(
    markdown: &str,
    span: Range<usize>,
    dest: &str,
    links: SiteLinks<'_>,
) -> Option<(Range<usize>, String)> {
    let written = definition_destination(markdown, span);
    let kind = classify(dest);
    if let Some(path) = links.site_path(dest, &kind) {
        return destination_edit(markdown, written, dest, &path, links);
    }
    match kind {
        kind if !kind.may_link() => written
            .filter(|w| spells(&markdown[w.clone()], dest))
            .map(|w| (w, "#".to_owned())),
        _ => None,
    }
}

/// Where the destination of the inline link whose text ends before `text_end` is
/// written: from the `](` that closes the text, up to the link's `end`.
fn inline_destination(markdown: &str, text_end: usize, end: usize) -> Option<Range<usize>> {
    let close = text_end + markdown.get(text_end..end)?.find("](")?;
    destination_at(markdown, close + 2, end)
}

/// Where the destination of the reference definition `span` (`[label]: destination`)
/// is written. A label holds no unescaped bracket, so the first one ends it.
fn definition_destination(markdown: &str, span: Range<usize>) -> Option<Range<usize>> {
    let definition = markdown.get(span.clone())?;
    let bytes = definition.as_bytes();
    let mut at = definition.find('[')? + 1;
    while at < bytes.len() && bytes[at] != b']' {
        at += if bytes[at] == b'\\' {
            escape_len(bytes, at)
        } else {
            1
        };
    }
    let colon = span.start + at + 1;
    markdown
        .get(colon..span.end)?
        .starts_with(':')
        .then_some(())?;
    destination_at(markdown, colon + 1, span.end)
}

/// Where a link destination written from `from` (just after `(` or `]:`) lies, `<…>`
/// included. Before it may come spaces, tabs and one line break, and after the break
/// the `>` of a block quote the link is in: a site path starts with none of these.
fn destination_at(markdown: &str, from: usize, end: usize) -> Option<Range<usize>> {
    let rest = markdown.get(from..end)?;
    let start = from + rest.len() - rest.trim_start_matches([' ', '\t', '\r', '\n', '>']).len();
    let written = &markdown.as_bytes()[start..end];
    let len = if written.first() == Some(&b'<') {
        angle_destination_len(written)?
    } else {
        bare_destination_len(written)
    };
    Some(start..start + len)
}

/// The length of a `<…>` destination at the start of `written`: up to the first `>`
/// not escaped. A line break or another `<` before it means it is none.
fn angle_destination_len(written: &[u8]) -> Option<usize> {
    let mut at = 1;
    while let Some(&b) = written.get(at) {
        match b {
            b'\\' => at += escape_len(written, at),
            b'>' => return Some(at + 1),
            b'<' | b'\n' | b'\r' => return None,
            _ => at += 1,
        }
    }
    None
}

/// The length of a bare destination at the start of `written`: up to a space, a
/// control character or a `)` that closes no `(` of its own, escaped ones aside.
fn bare_destination_len(written: &[u8]) -> usize {
    let mut depth = 0usize;
    let mut at = 0;
    while let Some(&b) = written.get(at) {
        match b {
            b'\\' => at += escape_len(written, at),
            b'(' => {
                depth += 1;
                at += 1;
            }
            b')' if depth == 0 => break,
            b')' => {
                depth -= 1;
                at += 1;
            }
            b if b <= b' ' || b == 0x7f => break,
            _ => at += 1,
        }
    }
    at.min(written.len())
}

/// How many bytes the `\\` at `at` takes with what it escapes: two before ASCII
/// punctuation, and one, itself, before anything else, which it leaves as it is.
fn escape_len(bytes: &[u8], at: usize) -> usize {
    if bytes.get(at + 1).is_some_and(u8::is_ascii_punctuation) {
        2
    } else {
        1
    }
}

/// Whether `written`, a destination as the source spells it (bare or in `<…>`), reads
/// as `dest`: with escapes (`rate\_limited`) and references (`&#95;`) decoded, as the
/// parser decoded them. The parser, not a copy of its rules, tells.
fn spells(written: &str, dest: &str) -> bool {
    let inner = written
        .strip_prefix('<')
        .and_then(|w| w.strip_suffix('>'))
        .unwrap_or(written);
    if inner == dest {
        return true;
    }
    let probe = format!("[]({written})");
    Parser::new(&probe).any(|event| {
        matches!(event, Event::Start(Tag::Link { dest_url, .. }) if dest_url.as_ref() == dest)
    })
}

/// The edit that writes the destination `dest`, written at `written`, as the site path
/// `path` it leads to, absolute on the site, in the source's form (bare or `<…>`). None
/// when `written` is not where `dest` is spelt; [`made_safe`] then passes again, and in
/// the end shows the text inert.
fn destination_edit(
    markdown: &str,
    written: Option<Range<usize>>,
    dest: &str,
    path: &str,
    links: SiteLinks<'_>,
) -> Option<(Range<usize>, String)> {
    let written = written.filter(|w| spells(&markdown[w.clone()], dest))?;
    let inner = if markdown[written.clone()].starts_with('<') {
        written.start + 1..written.end - 1
    } else {
        written
    };
    Some((inner, written_destination(&links.resolve(path))))
}

/// `url` written as a Markdown link destination, bare or inside `<…>`, that reads as
/// `url` again and as itself to a reader of the raw text: what would end or break the
/// destination (white space, controls, `<>()`, `"`, `\\`) or a table cell (`|`) is
/// percent-encoded, which a browser reads the same, and an `&` that would start a
/// character reference is escaped.
pub fn written_destination(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for (at, c) in url.char_indices() {
        if c.is_control()
            || c.is_whitespace()
            || matches!(c, '<' | '>' | '(' | ')' | '"' | '\\' | '|')
        {
            let mut buf = [0; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                let _ = write!(out, "%{b:02X}");
            }
        } else {
            if c == '&' && starts_reference(&url[at..]) {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out
}

/// Whether `text`, which starts with `&`, starts with what could be a character
/// reference (`&amp;`, `&#95;`, `&#x5F;`): a name or number, then `;`.
fn starts_reference(text: &str) -> bool {
    let name = text[1..].trim_start_matches('#');
    let len = name.len()
        - name
            .trim_start_matches(|c: char| c.is_ascii_alphanumeric())
            .len();
    len > 0 && name[len..].starts_with(';')
}

/// The visible text of the link spanning `range`, escaped so it cannot form markup.
fn link_text(markdown: &str, range: &Range<usize>) -> String {
    let mut text = String::new();
    for event in Parser::new_ext(&markdown[range.clone()], parser_options()) {
        if let Event::Text(t) | Event::Code(t) = event {
            text.push_str(&t);
        }
    }
    text.chars()
        .map(|c| match c {
            '<' => "&lt;".to_owned(),
            '[' | ']' | '(' | ')' | '\\' | '`' | '*' | '_' => format!("\\{c}"),
            c => c.to_string(),
        })
        .collect()
}

/// The text of a Markdown field without markup, for meta descriptions and search.
pub fn to_plain_text(markdown: &str) -> String {
    // Text that renders as itself (see `is_plain_text`) is its own plain text.
    if is_plain_text(markdown) {
        return one_line(markdown);
    }
    parsed_plain_text(markdown)
}

/// [`to_plain_text`] by the parser, without the shortcut.
fn parsed_plain_text(markdown: &str) -> String {
    let mut text = String::with_capacity(markdown.len());
    // One line reads as on the page: `# Not a heading` keeps its `#`.
    let markdown = as_paragraph(markdown);
    for event in Parser::new_ext(&markdown, parser_options()) {
        match event {
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                text.push_str(&t)
            }
            Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::Paragraph | TagEnd::Item) => {
                text.push(' ')
            }
            _ => {}
        }
    }
    one_line(&text)
}

/// `text` with each run of white space (line breaks too) one space, and trimmed.
pub fn one_line(text: &str) -> String {
    let mut line = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    line
}

#[cfg(test)]
mod tests {
    #[test]
    fn heading_slugs_are_githubs() {
        assert_eq!(heading_slug("Decline codes"), "decline-codes");
        assert_eq!(heading_slug("  What's `new`?  "), "whats-new");
        assert_eq!(heading_slug("C++ & Rust_2"), "c--rust_2");
        assert_eq!(heading_slug("Décline Ünïcode 日本"), "décline-ünïcode-日本");
        assert_eq!(heading_slug("\"><script>"), "script");
        assert_eq!(heading_slug("!!!"), "section");
        assert_eq!(heading_slug("- -"), "section");
    }

    #[test]
    fn heading_ids_are_unique_on_a_page_and_skip_reserved_ids() {
        let reserved = |id: &str| id == "fix" || id == "codes-1";
        let mut ids = HeadingIds::new(&reserved);
        let given: Vec<String> = ["Codes", "Fix", "Codes", "Codes", "Fix", "!", "?"]
            .iter()
            .map(|text| ids.give(text))
            .collect();
        assert_eq!(
            given,
            [
                "codes",
                "fix-1",
                "codes-2",
                "codes-3",
                "fix-2",
                "section",
                "section-1"
            ]
        );
    }

    #[test]
    fn headings_in_a_field_get_ids_from_their_text() {
        let none = |_: &str| false;
        let mut ids = HeadingIds::new(&none);
        let links = SiteLinks::Relative("../../");
        let html = to_html_with_heading_ids(
            "# Decline *codes*\n\ntext\n\nSetext `two`\n---\n\n## Decline codes",
            links,
            &mut ids,
            HeadingLevel::H2,
        );
        assert_eq!(
            html,
            "<h2 id=\"decline-codes\">Decline <em>codes</em></h2>\n<p>text</p>\n\
             <h3 id=\"setext-two\">Setext <code>two</code></h3>\n\
             <h3 id=\"decline-codes-1\">Decline codes</h3>\n"
        );
        // The page's ids carry over to its next field.
        assert_eq!(
            to_html_with_heading_ids("# Decline codes", links, &mut ids, HeadingLevel::H2),
            "<h2 id=\"decline-codes-2\">Decline codes</h2>\n"
        );
        // In a section of the page's own, the text's top headings are one level below
        // the section's.
        assert_eq!(
            to_html_with_heading_ids(
                "# Retry policy\n\n## Backoff",
                links,
                &mut ids,
                HeadingLevel::H3
            ),
            "<h3 id=\"retry-policy\">Retry policy</h3>\n<h4 id=\"backoff\">Backoff</h4>\n"
        );
    }

    #[test]
    fn a_table_is_in_a_box_that_scrolls_sideways() {
        let table = "| mode | limit |\n|---|---|\n| live | 25 |\n";
        let open = "<div class=\"table-scroll\" tabindex=\"0\" role=\"group\" aria-label=\"Table\">\n<table>";
        for html in [
            to_html(table, SiteLinks::Relative("")),
            to_html_with_heading_ids(
                &format!("# Limits\n\n{table}"),
                SiteLinks::Relative(""),
                &mut HeadingIds::new(&|_| false),
                HeadingLevel::H2,
            ),
        ] {
            assert!(html.contains(open), "{html}");
            assert!(html.trim_end().ends_with("</table>\n</div>"), "{html}");
        }
        // The writer's own box is text, as any HTML of theirs is.
        let typed = to_html(
            "<div class=\"table-scroll\">x</div>",
            SiteLinks::Relative(""),
        );
        assert!(!typed.contains("<div"), "{typed}");
    }

    #[test]
    fn a_column_alignment_is_a_class_the_content_security_policy_allows() {
        let table = "| a | b | c |\n|:--|:-:|---|\n| 1 | 2 | 3 |\n| 4 | 5 | 6 |\n";
        let html = to_html(table, SiteLinks::Relative(""));
        assert!(!html.contains("style="), "{html}");
        assert!(
            html.contains(
                "<thead><tr><th class=\"align-left\">a</th><th class=\"align-center\">b</th><th>c</th></tr></thead>"
            ),
            "{html}"
        );
        // Each row counts its columns afresh.
        assert_eq!(
            html.matches("<td class=\"align-left\">").count(),
            2,
            "{html}"
        );
        assert_eq!(
            html.matches("<td class=\"align-center\">").count(),
            2,
            "{html}"
        );
        assert!(
            html.contains("<td>3</td>") && html.contains("<td>6</td>"),
            "{html}"
        );
        let right = to_html("| n |\n|--:|\n| 1 |\n", SiteLinks::Relative(""));
        assert!(
            right.contains("<td class=\"align-right\">1</td>"),
            "{right}"
        );
    }

    #[test]
    fn a_github_alert_is_a_titled_box_and_a_plain_quote_stays_a_quote() {
        let html = |markdown: &str| to_html(markdown, SiteLinks::Relative(""));
        assert_eq!(
            html("> [!WARNING]\n> Keys are shown **once**."),
            "<div class=\"markdown-alert markdown-alert-warning\">\n\
             <p class=\"markdown-alert-title\">Warning</p>\n\
             <p>Keys are shown <strong>once</strong>.</p>\n</div>\n"
        );
        // Each kind GitHub knows, in any case; nested in a list it is still one box.
        for (written, title) in [
            ("[!note]", "Note"),
            ("[!Tip]", "Tip"),
            ("[!IMPORTANT]", "Important"),
            ("[!CAUTION]", "Caution"),
        ] {
            let out = html(&format!("- step\n\n  > {written}\n  > text\n"));
            assert!(
                out.contains(&format!("<p class=\"markdown-alert-title\">{title}</p>")),
                "{out}"
            );
            assert_eq!(out.matches("<div").count(), out.matches("</div>").count());
            assert!(!out.contains(written), "{out}");
        }
        // An unknown kind, or text after the tag on its line, is an ordinary quote.
        for markdown in ["> [!DANGER]\n> text", "> [!NOTE] text", "> a quote"] {
            let out = html(markdown);
            assert!(out.starts_with("<blockquote>"), "{markdown}: {out}");
            assert!(!out.contains("markdown-alert"), "{markdown}: {out}");
        }
        // The writer's HTML inside an alert is text, as anywhere else.
        let out = html("> [!NOTE]\n> <script>alert(1)</script>");
        assert!(out.contains("&lt;script&gt;"), "{out}");
        assert!(!out.contains("<script>"), "{out}");
    }

    #[test]
    fn an_image_from_another_site_is_a_link_to_it_and_a_site_image_stays() {
        let html = |markdown: &str| to_html(markdown, SiteLinks::Relative("../../"));
        assert_eq!(
            html("![Flow](https://cdn.example/f.png \"t\")"),
            "<p><a href=\"https://cdn.example/f.png\" title=\"t\">Flow</a></p>\n"
        );
        // A link needs a name; inside a link, the image is its alt text (no `<a>` in an
        // `<a>`).
        assert_eq!(
            html("![](https://cdn.example/f.png)"),
            "<p><a href=\"https://cdn.example/f.png\">image</a></p>\n"
        );
        // Text W025 calls none, a zero-width space, names nothing either.
        assert_eq!(
            html("![\u{200B}](https://cdn.example/f.png)"),
            "<p><a href=\"https://cdn.example/f.png\">\u{200B}image</a></p>\n"
        );
        assert_eq!(
            html("[![Logo](https://cdn.example/l.png)](https://example.com/)"),
            "<p><a href=\"https://example.com/\">Logo</a></p>\n"
        );
        assert_eq!(
            html("![Flow](/images/f.svg)"),
            "<p><img src=\"../../images/f.svg\" alt=\"Flow\" /></p>\n"
        );
    }

    #[test]
    fn one_line_reads_as_a_paragraph_whatever_it_starts_with() {
        for (line, expected) in [
            ("# Not a heading", "\\# Not a heading"),
            ("- an item", "\\- an item"),
            ("> a quote", "\\> a quote"),
            ("12. Twelfth", "12\\. Twelfth"),
            ("```sh", "\\```sh"),
            ("---", "\\---"),
            ("    indented code", "indented code"),
            ("[label]: /target", "\\[label]: /target"),
        ] {
            assert_eq!(as_paragraph(line), expected, "{line:?}");
            let html = to_inline_html(line, SiteLinks::Relative("./"));
            assert!(
                !html.contains("<h") && !html.contains("<ul") && !html.contains("<pre"),
                "{html}"
            );
        }
        for line in [
            "Plain *text*",
            "C# and #tag",
            "<b>raw</b> text",
            "two\nlines\n# here",
            "",
        ] {
            assert!(matches!(as_paragraph(line), Cow::Borrowed(_)), "{line:?}");
        }
        assert_eq!(to_plain_text("# Not a heading"), "# Not a heading");
    }

    #[test]
    fn headings_are_placed_in_an_outline_under_their_section() {
        let placed = |markdown: &str, top| headings_in_outline(markdown, top).into_owned();
        // The top headings at `top`, whatever level they are written at; one under
        // another one level below it, however many it skips.
        assert_eq!(
            placed(
                "## Limits\n\n#### Per key\n\n## Headers\n",
                HeadingLevel::H2
            ),
            "## Limits\n\n### Per key\n\n## Headers\n"
        );
        assert_eq!(
            placed("# A\n\n### B\n\n# C\n", HeadingLevel::H3),
            "### A\n\n#### B\n\n### C\n"
        );
        // An underlined heading stays at the second level, and what is under it follows.
        assert_eq!(
            placed("Top\n===\n\n#### Under\n", HeadingLevel::H2),
            "Top\n---\n\n### Under\n"
        );
        // Placed deeper, it is written with `#`s, its lines one: under a `##` section a
        // `---` underline would make it the section's sibling.
        assert_eq!(
            placed("# A\n\nB\n---\n\n### C\n", HeadingLevel::H2),
            "## A\n\n### B\n\n#### C\n"
        );
        assert_eq!(
            placed("If you're an AI agent\n---\n\nRetry.\n", HeadingLevel::H3),
            "### If you're an AI agent\n\nRetry.\n"
        );
        assert_eq!(
            placed("Two\r\nlines\r\n===\r\n\ntext", HeadingLevel::H3),
            "### Two lines\r\n\ntext"
        );
        assert_eq!(
            placed("> Quoted\n> heading\n> ---\n", HeadingLevel::H3),
            "> ### Quoted heading\n"
        );
        assert_eq!(
            placed("- Item\n  text\n  ===\n", HeadingLevel::H4),
            "- #### Item text\n"
        );
        // In a quote, in a list (under the quote's, as on the page); a `#` that is no
        // heading is left alone.
        assert_eq!(
            placed(
                "> #### Note\n\n- ##### Item\n\nC# and #tag\n",
                HeadingLevel::H2
            ),
            "> ## Note\n\n- ### Item\n\nC# and #tag\n"
        );
        // Six levels at most.
        let deep = "# 1\n## 2\n### 3\n#### 4\n##### 5\n###### 6\n";
        assert_eq!(
            placed(deep, HeadingLevel::H3),
            "### 1\n#### 2\n##### 3\n###### 4\n###### 5\n###### 6\n"
        );
        assert!(matches!(
            headings_in_outline("No heading.", HeadingLevel::H2),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn headings_named_like_the_agent_section_are_found_in_any_spelling() {
        let found = |md: &str| -> Vec<String> {
            agent_section_headings(md)
                .into_iter()
                .map(|(range, text)| format!("{}={text}", &md[range]))
                .collect()
        };
        assert_eq!(
            found("Intro.\n\n## If you're an AI agent\n\nRetry."),
            ["## If you're an AI agent=If you're an AI agent"]
        );
        assert_eq!(
            found("IF YOU ARE AN AI AGENT:\r\n---\r\n"),
            ["IF YOU ARE AN AI AGENT:=IF YOU ARE AN AI AGENT:"]
        );
        assert_eq!(
            found("> ### If you’re an *AI* agent"),
            ["### If you’re an *AI* agent=If you’re an AI agent"]
        );
        // Its lines read as one, with a space between, as its id is made.
        assert_eq!(
            found("If you're an AI\nagent\n---\n"),
            ["If you're an AI=If you're an AI agent"]
        );
        for other in [
            "If you're an AI agent, retry.",
            "## For AI agents",
            "```\n# If you're an AI agent\n```",
            "## If you're an AI agent reading this page",
        ] {
            assert!(found(other).is_empty(), "{other}");
        }
    }

    #[test]
    fn headings_go_one_level_down_under_a_title() {
        let down = |md: &str| headings_one_level_down(md).into_owned();
        assert_eq!(down("# Overview\n\ntext"), "## Overview\n\ntext");
        assert_eq!(down("  ## Codes ##\n"), "  ### Codes ##\n");
        assert_eq!(down("###### Deepest"), "###### Deepest");
        assert_eq!(down("Title\n=====\n\nNext"), "Title\n-----\n\nNext");
        assert_eq!(down("Part\n---\n"), "Part\n---\n");
        assert_eq!(
            down("- # In a list\n> # In a quote\n"),
            "- ## In a list\n> ## In a quote\n"
        );
        // Not headings: a hash without a space, code, a `=` in text.
        for same in [
            "#hashtag",
            "```\n# comment\n```",
            "    # indented code",
            "a = b",
            "C# and F#",
        ] {
            assert_eq!(down(same), same);
        }
        assert!(!may_hold_heading("C# and F#, a = b, #hashtag\n  x == y"));
        assert!(may_hold_heading("text\n\n  ## Codes"));
        assert!(may_hold_heading("- text\n  ==="));
        // A setext title whose text starts with hashes is a setext title.
        assert_eq!(down("#x\n==="), "#x\n---");
        // HTML agrees: no heading of the writer's is the page's `<h1>`. Nor does one skip
        // a level, which the Nu HTML Checker reports: `######` after `##` is one below it.
        let html = to_html("# A\n\n## B\n\n###### F", SiteLinks::Relative(""));
        assert_eq!(html, "<h2>A</h2>\n<h3>B</h3>\n<h4>F</h4>\n");
    }

    #[test]
    fn no_heading_level_is_skipped_on_a_page() {
        let links = SiteLinks::Relative("");
        // A description follows the page's `<h1>`: its first heading is an `<h2>`.
        assert_eq!(
            to_html("## Limits\n\ntext\n\n#### Per key", links),
            "<h2>Limits</h2>\n<p>text</p>\n<h3>Per key</h3>\n"
        );
        // Going back up is no skip, and each heading is then read from there.
        assert_eq!(
            to_html("# A\n\n### B\n\n# C\n\n#### D\n\n###### E", links),
            "<h2>A</h2>\n<h3>B</h3>\n<h2>C</h2>\n<h3>D</h3>\n<h4>E</h4>\n"
        );
        // Headings written at one level stay siblings, however deep the first was shown.
        assert_eq!(
            to_html("## A\n\n## B\n\n#### C\n\n### D", links),
            "<h2>A</h2>\n<h2>B</h2>\n<h3>C</h3>\n<h3>D</h3>\n"
        );
        // With ids, the same levels (the events are held there).
        let html = to_html_with_heading_ids(
            "### Deep\n\ntext",
            links,
            &mut HeadingIds::new(&|_| false),
            HeadingLevel::H2,
        );
        assert_eq!(html, "<h2 id=\"deep\">Deep</h2>\n<p>text</p>\n");
    }

    use super::*;

    #[test]
    fn a_code_block_left_open_at_the_top_level_is_found() {
        let open = |text: &str| unclosed_fence(text).map(|f| (f.opener, f.closing));
        assert_eq!(
            open("Text.\n\n```json\n{}\n"),
            Some((7..10, "```".to_owned()))
        );
        assert_eq!(open("~~~ all on one line"), Some((0..3, "~~~".to_owned())));
        assert_eq!(
            open("````\ncode\n```\n"),
            Some((0..4, "````".to_owned())),
            "a shorter fence does not close it"
        );
        assert_eq!(
            open("  ```\ncode"),
            Some((2..5, "```".to_owned())),
            "indented up to three spaces"
        );
        assert_eq!(open("```\ncode\n```"), None);
        assert_eq!(
            open("```\ncode\n`````  \n"),
            None,
            "a longer fence closes it"
        );
        assert_eq!(
            open("~~~\n```\n~~~\n"),
            None,
            "only the same character closes it"
        );
        assert_eq!(open("``` not ` a fence"), None);
        assert_eq!(open("    ```\nindented code"), None);
        assert_eq!(open("- ```\n  code\n"), None, "ends with its list item");
        assert_eq!(open("> ```\n> code\n"), None, "ends with its quote");
        assert_eq!(open("No fence at all."), None);
    }

    #[test]
    fn only_a_fence_at_the_start_of_a_line_may_open_a_block() {
        for opens in [
            "```",
            "~~~ sh",
            "  ```",
            "   ~~~",
            "text\n```",
            "text\r\n````x",
        ] {
            assert!(may_open_fence(opens), "{opens:?}");
        }
        for inline in [
            "",
            "`x`",
            "``",
            "a ```",
            "    ```",
            "text\n    ~~~",
            "~~ ~",
            "x~~~",
        ] {
            assert!(!may_open_fence(inline), "{inline:?}");
        }
    }

    #[test]
    fn a_code_block_left_open_is_closed_for_the_agent_markdown() {
        let agent = |text: &str| to_agent_markdown(text, "https://d.example");
        assert_eq!(agent("```\ncode\n"), "```\ncode\n```");
        assert_eq!(agent("~~~~ sh\nls"), "~~~~ sh\nls\n~~~~");
        assert_eq!(agent("```\ncode\n```"), "```\ncode\n```");
        assert_eq!(
            agent("Run:\n\n```\n<b>x</b>\n"),
            "Run:\n\n```\n<b>x</b>\n```",
            "closed, and the HTML inside stays code"
        );
        // Inside an HTML block, `~~~` is the block's text; escaping the tag makes it a
        // fence, which is then closed too.
        let escaped = agent("<div>\n~~~\n");
        assert!(unclosed_fence(&escaped).is_none(), "{escaped:?}");
        assert!(escaped.starts_with("&lt;div&gt;"), "{escaped:?}");
        // The whole-document pass leaves blocks as they are.
        assert_eq!(
            made_safe_for_agents("```\ncode", "https://d.example"),
            "```\ncode"
        );
    }

    #[test]
    fn only_text_without_angle_or_square_brackets_skips_the_parser() {
        for plain in ["", "Retry in 30 s.", "naïve café — 日本語 (see docs)"] {
            assert!(!may_hold_markup(plain), "{plain}");
        }
        for markup in ["日本語<b>", "é[link](/x)", "<", "x ["] {
            assert!(may_hold_markup(markup), "{markup}");
        }
    }

    #[test]
    fn dangerous_schemes_are_caught_in_any_spelling() {
        for url in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "java\tscript:x",
            " javascript:x",
            "\u{1}javascript:x",
            "data:text/html,x",
            "vbscript:x",
            "file:///etc/passwd",
            "telnet://host",
            "tel-x:1",
        ] {
            assert!(matches!(classify(url), UrlKind::Unsafe(_)), "{url:?}");
        }
        assert!(matches!(
            classify_raw("&#106;avascript:alert(1)"),
            UrlKind::Unsafe(_)
        ));
        assert!(matches!(
            classify_raw("&#x6A;avascript&colon;alert(1)"),
            UrlKind::Unsafe(_)
        ));
        assert_eq!(classify("https://example.com"), UrlKind::External);
        assert_eq!(classify("MAILTO:a@b.c"), UrlKind::External);
        assert_eq!(classify("tel:+1-555-0100"), UrlKind::External);
        assert_eq!(classify("TEL:+15550100"), UrlKind::External);
        assert_eq!(classify("/errors/x/"), UrlKind::SiteRoot);
        assert_eq!(classify("#fix"), UrlKind::Fragment);
        assert_eq!(classify("../x/"), UrlKind::Relative);
    }

    #[test]
    fn the_allowed_schemes_are_named_where_they_are_explained() {
        assert_eq!(link_schemes_in_words(), "http, https, mailto or tel");
        // E041's summary is a literal (docs/diagnostics.md repeats it): it must follow
        // the list.
        let summary = crate::diagnostic::Code::UnsafeLink.summary();
        assert!(summary.contains(&link_schemes_in_words()), "{summary}");
    }

    #[test]
    fn phone_numbers_are_links() {
        let html = to_html(
            "Call [support](tel:+1-555-0100).",
            SiteLinks::Relative("./"),
        );
        assert!(html.contains("href=\"tel:+1-555-0100\""), "{html}");
        let agent = to_agent_markdown("Call [support](tel:+1-555-0100).", "https://d.example");
        assert!(agent.contains("[support](tel:+1-555-0100)"), "{agent}");
    }

    #[test]
    fn raw_html_is_shown_as_text() {
        let html = to_html(
            "hi <img src=x onerror=alert(1)>\n\n<script>alert(1)</script>",
            SiteLinks::Relative("./"),
        );
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("<script"), "{html}");
        assert!(html.contains("&lt;img"), "{html}");
    }

    #[test]
    fn unsafe_links_keep_their_text_but_lose_the_link() {
        let html = to_html(
            "[click](javascript:alert(1)) and [ok](https://a.example)",
            SiteLinks::Relative("./"),
        );
        assert!(!html.to_ascii_lowercase().contains("javascript"), "{html}");
        assert!(html.contains("click"));
        assert!(html.contains("href=\"https://a.example\""));
        let entity = to_html("[x](&#106;avascript:alert(1))", SiteLinks::Relative("./"));
        assert!(!entity.contains("href"), "{entity}");
    }

    #[test]
    fn site_links_are_rewritten_per_output() {
        let md = "See [limits](/errors/rate_limited/) and [ref][r].\n\n[r]: /llms.txt\n";
        assert!(
            to_html(md, SiteLinks::Relative("../../"))
                .contains("href=\"../../errors/rate_limited/\"")
        );
        let agent = to_agent_markdown(md, "https://d.example/api");
        assert!(
            agent.contains("(https://d.example/api/errors/rate_limited/)"),
            "{agent}"
        );
        assert!(
            agent.contains("[r]: https://d.example/api/llms.txt"),
            "{agent}"
        );
    }

    #[test]
    fn a_link_to_an_error_page_gets_its_trailing_slash_in_every_output() {
        // `errors/x` is a folder on disk; the page is `errors/x/index.html`.
        let md = "[a](/errors/rate_limited) [b](</errors/rate_limited?x=1#fix>) [c][r] \
                  [d](/errors/rate_limited.md) [e](/errors/rate_limited/#fix) [f](/llms.txt)\n\n\
                  [r]: /errors/rate_limited#fix\n";
        let html = to_html(md, SiteLinks::Relative("../../"));
        for href in [
            "../../errors/rate_limited/",
            "../../errors/rate_limited/?x=1#fix",
            "../../errors/rate_limited/#fix",
            "../../errors/rate_limited.md",
            "../../llms.txt",
        ] {
            assert!(html.contains(&format!("href=\"{href}\"")), "{href}: {html}");
        }
        assert!(!html.contains("rate_limited\""), "{html}");
        let agent = to_agent_markdown(md, "https://d.example/api");
        assert_eq!(
            agent,
            "[a](https://d.example/api/errors/rate_limited/) \
             [b](<https://d.example/api/errors/rate_limited/?x=1#fix>) [c][r] \
             [d](https://d.example/api/errors/rate_limited.md) \
             [e](https://d.example/api/errors/rate_limited/#fix) \
             [f](https://d.example/api/llms.txt)\n\n\
             [r]: https://d.example/api/errors/rate_limited/#fix\n"
        );
    }

    /// Spellings of links to `/errors/rate_limited/…` that the parser reads alike, with
    /// what the agent Markdown makes of each: the destination made absolute where it is
    /// written, the rest kept byte for byte.
    const SITE_LINK_SPELLINGS: &[(&str, &str)] = &[
        (
            r"[a](/errors/rate\_limited/)",
            "[a](https://d.example/api/errors/rate_limited/)",
        ),
        (
            "[a](&#47;errors/rate&#95;limited/#fix)",
            "[a](https://d.example/api/errors/rate_limited/#fix)",
        ),
        (
            "[a](&sol;errors/rate&lowbar;limited)",
            "[a](https://d.example/api/errors/rate_limited/)",
        ),
        (
            r"[a](\/errors/rate_limited/)",
            "[a](https://d.example/api/errors/rate_limited/)",
        ),
        (
            r"[a](</errors/rate\_limited/>)",
            "[a](<https://d.example/api/errors/rate_limited/>)",
        ),
        (
            "[a]( </errors/rate_limited/> \"t\")",
            "[a]( <https://d.example/api/errors/rate_limited/> \"t\")",
        ),
        (
            "[a](\n/errors/rate_limited/)",
            "[a](\nhttps://d.example/api/errors/rate_limited/)",
        ),
        (
            "> [a \\] `]`](\n> /errors/rate&#x5F;limited/#fix 't')",
            "> [a \\] `]`](\n> https://d.example/api/errors/rate_limited/#fix 't')",
        ),
        (
            "- [a](\n  /errors/rate_limited)",
            "- [a](\n  https://d.example/api/errors/rate_limited/)",
        ),
        (
            r"![a](/errors/rate\_limited.md)",
            "![a](https://d.example/api/errors/rate_limited.md)",
        ),
        (
            "[a][r]\n\n[r]:\n  /errors/rate\\_limited/ \"t\"",
            "[a][r]\n\n[r]:\n  https://d.example/api/errors/rate_limited/ \"t\"",
        ),
        (
            "[a][r]\n\n[r]: </errors/rate&#95;limited/?x=1&amp;y=2>",
            "[a][r]\n\n[r]: <https://d.example/api/errors/rate_limited/?x=1&y=2>",
        ),
    ];

    #[test]
    fn a_site_link_is_absolute_for_agents_however_its_destination_is_spelt() {
        for (markdown, expected) in SITE_LINK_SPELLINGS {
            assert_eq!(
                to_agent_markdown(markdown, "https://d.example/api"),
                *expected,
                "{markdown:?}"
            );
        }
    }

    #[test]
    fn check_and_the_html_read_every_spelling_of_a_site_link_as_the_agent_markdown_does() {
        for (markdown, _) in SITE_LINK_SPELLINGS {
            let site_links = picked(markdown, |f| match f {
                Finding::SiteLink(url) => Some(url),
                _ => None,
            });
            let [site_link] = site_links.as_slice() else {
                panic!("{markdown:?}: {site_links:?}");
            };
            // `check` looks the decoded path up, and the page links to it.
            assert!(site_link.starts_with("/errors/rate_limited"), "{site_link}");
            let absolute = SiteLinks::Absolute("https://d.example/api").resolve(site_link);
            let agent = to_agent_markdown(markdown, "https://d.example/api");
            assert!(agent.contains(&absolute), "{agent:?} lacks {absolute}");
            let relative = SiteLinks::Relative("../../").resolve(site_link);
            let html = to_html(markdown, SiteLinks::Relative("../../"));
            let href = format!("=\"{}", relative.replace('&', "&amp;"));
            assert!(html.contains(&href), "{markdown:?}: {html} lacks {href}");
        }
    }

    #[test]
    fn a_site_link_that_forms_once_an_unsafe_one_is_removed_is_made_absolute_too() {
        // The inner link is the only link at first; once it is text, the outer brackets
        // are a link into the site, which another pass rewrites.
        assert_eq!(
            to_agent_markdown(
                r"[a [b](javascript:x)](/errors/rate\_limited/)",
                "https://d.example"
            ),
            "[a b](https://d.example/errors/rate_limited/)"
        );
    }

    #[test]
    fn a_destination_is_written_to_read_as_itself() {
        for (url, written) in [
            ("https://d.example/a?b=1&c=2", "https://d.example/a?b=1&c=2"),
            // Read as a reference, `&amp;` would become `&`.
            ("https://d.example/?b&amp;c", "https://d.example/?b\\&amp;c"),
            ("https://d.example/?b&#95;", "https://d.example/?b\\&#95;"),
            // `|` would end a table cell, the others the destination.
            (
                "https://d.example/a b|(c)\"<d>\\",
                "https://d.example/a%20b%7C%28c%29%22%3Cd%3E%5C",
            ),
        ] {
            assert_eq!(written_destination(url), written, "{url:?}");
            let read = Parser::new(&format!("[x]({written})")).find_map(|event| match event {
                Event::Start(Tag::Link { dest_url, .. }) => Some(dest_url.to_string()),
                _ => None,
            });
            assert_eq!(read.as_deref(), Some(written.replace('\\', "").as_str()));
        }
    }

    #[test]
    fn an_unsafe_definition_is_emptied_however_its_destination_is_spelt() {
        assert_eq!(
            to_agent_markdown("[a][r]\n\n[r]: &#106;avascript:x\n", "https://d.example"),
            "\\[a\\]\\[r\\]\n\n[r]: #\n"
        );
    }

    #[test]
    fn a_repeated_definition_is_made_absolute_and_safe_like_the_first() {
        // CommonMark ignores the second `[g]:`, but its text is still in the Markdown an
        // agent reads, and another reader may take the last definition.
        let written = "See [the guide][g] and [h].\n\n\
                       [g]: /errors/a/\n[g]: javascript:alert(1)\n[g]: /errors/b/\n\
                       [h]: &#106;avascript:x\n> [h]: /llms.txt\n";
        assert_eq!(
            to_agent_markdown(written, "https://d.example"),
            "See [the guide][g] and \\[h\\].\n\n\
             [g]: https://d.example/errors/a/\n[g]: #\n[g]: https://d.example/errors/b/\n\
             [h]: #\n> [h]: https://d.example/llms.txt\n"
        );
    }

    #[test]
    fn a_repeated_definition_is_found_with_the_first_one_links_use() {
        let text = "[a] [b]\n\n[a]: /x\n[b]: /y\n[A]: /z\n> [a]: /w\n";
        let repeated: Vec<_> = findings(text)
            .into_iter()
            .filter_map(|(at, f)| match f {
                Finding::RepeatedDefinition { label, first } => {
                    Some((&text[at], label, first.map(|first| &text[first])))
                }
                _ => None,
            })
            .collect();
        assert_eq!(
            repeated,
            [
                ("[A]: /z", "A".to_owned(), Some("[a]: /x")),
                ("[a]: /w", "a".to_owned(), Some("[a]: /x")),
            ]
        );
        let once = findings("[a]\n\n[a]: /x\n[b]: /y\n");
        assert!(
            !once
                .iter()
                .any(|(_, f)| matches!(f, Finding::RepeatedDefinition { .. })),
            "{once:?}"
        );
    }

    #[test]
    fn a_definition_no_link_uses_is_found_whatever_way_links_write_labels() {
        let text = "[full][One], [Two][], [three  four], ![logo] and `[spare]`\n\n\
                    [one]: /a\n[two]: /b\n[Three Four]: /c\n[logo]: /l.png\n\
                    [spare]: javascript:x\n[one]: /again\n";
        let unused: Vec<_> = findings(text)
            .into_iter()
            .filter_map(|(at, f)| match f {
                Finding::UnusedDefinition(label) => Some((&text[at], label)),
                _ => None,
            })
            .collect();
        // `[one]: /again` is a repeat (W017), which no link could use.
        assert_eq!(unused, [("[spare]: javascript:x", "spare".to_owned())]);
        assert!(
            findings("[a](/x)\n\n[a]: /y\n")
                .iter()
                .any(|(_, f)| { matches!(f, Finding::UnusedDefinition(label) if label == "a") })
        );
    }

    #[test]
    fn a_reference_link_to_a_label_the_text_does_not_define_is_found() {
        let text = "[full][nowhere], [collapsed][], [ok][Here], [shortcut], \
                    a[0][1], \\[escaped][x], `[code][y]`, [again][nowhere] \
                    and [a typo][Rate-Limts]\n\n\
                    [here]: /x\n[rate-limits]: /y\n";
        let undefined: Vec<_> = findings(text)
            .into_iter()
            .filter_map(|(at, f)| match f {
                Finding::UndefinedReference {
                    link,
                    label,
                    closest,
                    shortcut,
                } => {
                    assert_eq!(&text[at], link);
                    Some((link, label, closest, shortcut))
                }
                _ => None,
            })
            .collect();
        let owned = |link: &str, label: &str, closest: Option<&str>, shortcut| {
            let closest = closest.map(str::to_owned);
            (link.to_owned(), label.to_owned(), closest, shortcut)
        };
        // Not the parts of a full link (`[nowhere]`), an index or code; `[x]` after an
        // escaped bracket is a label alone, which `check` weighs with the file's context.
        assert_eq!(
            undefined,
            [
                owned("[full][nowhere]", "nowhere", None, false),
                owned("[collapsed][]", "collapsed", None, false),
                owned("[shortcut]", "shortcut", None, true),
                owned("[x]", "x", None, true),
                owned("[again][nowhere]", "nowhere", None, false),
                owned(
                    "[a typo][Rate-Limts]",
                    "Rate-Limts",
                    Some("rate-limits"),
                    false
                ),
            ]
        );
    }

    #[test]
    fn the_labels_a_text_defines_are_listed_only_when_it_may_define_one() {
        let text = "[a] and [B]\n\n[a]: /x\n[B]: /y\n[a]: /again\n";
        let labels: Vec<_> = defined_labels(text)
            .into_iter()
            .map(|(at, label)| (&text[at], label))
            .collect();
        assert_eq!(
            labels,
            [("[a]: /x", "a".to_owned()), ("[B]: /y", "B".to_owned())]
        );
        assert!(defined_labels("[a] without a definition").is_empty());
    }

    #[test]
    fn a_label_defined_past_the_rounds_makes_the_whole_text_inert() {
        let mut written = "[g]\n\n".to_owned();
        for _ in 0..MAX_DEFINITION_ROUNDS {
            written.push_str("[g]: /errors/a/\n");
        }
        let within = to_agent_markdown(&written, "https://d.example");
        assert_eq!(
            within.matches("]: https://d.example/errors/a/").count(),
            MAX_DEFINITION_ROUNDS
        );

        written.push_str("[g]: javascript:alert(1)\n");
        let past = to_agent_markdown(&written, "https://d.example");
        assert!(
            past.contains("\\[g\\]\\: javascript\\:alert\\(1\\)"),
            "{past}"
        );
        assert!(!past.contains("]: javascript"), "{past}");
    }

    #[test]
    fn findings_report_html_and_links() {
        let found: Vec<_> = findings("a <b>x</b> [j](javascript:x) [s](/errors/y/) [r](y)")
            .into_iter()
            .map(|(_, f)| f)
            .collect();
        assert!(found.contains(&Finding::RawHtml("<b>".into())));
        assert!(
            found
                .iter()
                .any(|f| matches!(f, Finding::UnsafeLink { scheme, .. } if scheme == "javascript"))
        );
        assert!(found.contains(&Finding::SiteLink("/errors/y/".into())));
        assert!(found.contains(&Finding::RelativeLink("y".into())));
    }

    /// The findings of `markdown` that `pick` keeps, as text.
    fn picked(markdown: &str, pick: fn(Finding) -> Option<String>) -> Vec<String> {
        findings(markdown)
            .into_iter()
            .filter_map(|(_, f)| pick(f))
            .collect()
    }

    #[test]
    fn a_link_without_anything_to_read_is_found() {
        let without_text = |markdown: &str| {
            picked(markdown, |f| match f {
                Finding::LinkWithoutText(url) => Some(url),
                _ => None,
            })
        };
        for empty in [
            "[](/errors/x/)",
            "[ ](/errors/x/)",
            "[![](/i.png)](/errors/x/)",
            "[\n](/errors/x/)",
            "[][x]\n\n[x]: /errors/x/",
            "[&#8203;](/errors/x/)",
            "[\u{200B}](/errors/x/)",
        ] {
            assert_eq!(without_text(empty), ["/errors/x/"], "{empty:?}");
        }
        for named in [
            "[x](/errors/x/)",
            "[`x`](/errors/x/)",
            "[![x](/i.png)](/errors/x/)",
            "<https://x.example/>",
            "<a@x.example>",
            "[x][]\n\n[x]: /errors/x/",
            "![](/i.png)",
        ] {
            assert_eq!(without_text(named), Vec::<String>::new(), "{named:?}");
        }
        assert_eq!(without_text("[]()"), [""]);
    }

    #[test]
    fn a_link_hidden_behind_a_space_or_a_control_character_is_unusable() {
        let unusable = |markdown: &str| {
            picked(markdown, |f| match f {
                Finding::UnusableLink(url) => Some(url),
                _ => None,
            })
        };
        assert_eq!(
            unusable("[a](&#32;https://x.example/b/)"),
            [" https://x.example/b/"]
        );
        assert_eq!(unusable("[a](&#13;/errors/x/)"), ["\r/errors/x/"]);
        assert_eq!(
            unusable("[a](<https://x.example/b/ >)"),
            ["https://x.example/b/ "]
        );
        // A space inside an address is written %20 and works.
        assert!(unusable("[a](<https://x.example/a b>)").is_empty());
        assert!(unusable("[a](https://x.example/)").is_empty());
        // An unsafe scheme stays E041, however it is hidden.
        assert!(
            findings("[a](&#32;javascript:alert(1))")
                .iter()
                .any(|(_, f)| matches!(f, Finding::UnsafeLink { .. }))
        );
    }

    /// Links that leave the site without a scheme, spelt as a browser reads them: `\`
    /// is `/` in an http(s) URL, and a tab inside a URL is dropped.
    const PROTOCOL_RELATIVE: &str = r"[a](//evil.example/a) [b](/\evil.example/b) [c](<//evil.example/c>) [d](\\\\evil.example/d) [e](\\/evil.example/e) [t](/&#9;/evil.example/t) ![i](//evil.example/i.png) [r][ref]

[ref]: //evil.example/r
";

    #[test]
    fn a_protocol_relative_link_is_found_in_any_spelling() {
        let found = picked(PROTOCOL_RELATIVE, |f| match f {
            Finding::ProtocolRelativeLink(url) => Some(url),
            _ => None,
        });
        assert_eq!(
            found,
            [
                "//evil.example/a",
                "/\\evil.example/b",
                "//evil.example/c",
                "\\\\evil.example/d",
                "\\/evil.example/e",
                "/\t/evil.example/t",
                "//evil.example/i.png",
                "//evil.example/r",
            ]
        );
        for url in ["//x", "/\\x", "\\\\x", "\\/x", " //x", "/\n/x"] {
            assert_eq!(classify(url), UrlKind::ProtocolRelative, "{url:?}");
        }
        for url in ["/", "/x", "\\x", "/x//y", "https://x/"] {
            assert_ne!(classify(url), UrlKind::ProtocolRelative, "{url:?}");
        }
    }

    #[test]
    fn a_protocol_relative_link_keeps_its_text_and_loses_the_link_in_every_output() {
        for links in [
            SiteLinks::Relative("../../"),
            SiteLinks::Absolute("https://d.example"),
        ] {
            let html = to_html(PROTOCOL_RELATIVE, links);
            assert!(!html.contains("evil"), "{html}");
            assert!(html.contains("a b c d e t"), "{html}");
        }
        let md = to_agent_markdown(PROTOCOL_RELATIVE, "https://d.example");
        assert!(!has_unsafe_markup(&md), "{md}");
        let destinations: Vec<String> = Parser::new_ext(&md, parser_options())
            .filter_map(|event| match event {
                Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                    Some(dest_url.to_string())
                }
                _ => None,
            })
            .collect();
        assert!(destinations.is_empty(), "{md}");
        assert_eq!(md, "a b c d e t i \\[r\\]\\[ref\\]\n\n[ref]: #\n");
    }

    #[test]
    fn html_that_starts_with_a_closing_tag_is_reported() {
        let html = |markdown: &str| {
            picked(markdown, |f| match f {
                Finding::RawHtml(html) => Some(html),
                _ => None,
            })
        };
        // A block that opens with a closing tag runs on to the end of the line.
        assert_eq!(
            html("</div><script>alert(1)</script>"),
            ["</div><script>alert(1)</script>"]
        );
        assert_eq!(html("</title><b>"), ["</title><b>"]);
        assert_eq!(html("text </p>"), ["</p>"]);
        // The closing tag of reported HTML is not reported again.
        assert_eq!(html("a <b>x</b> and <i>y</i >"), ["<b>", "<i>"]);
        assert!(!is_one_closing_tag("</b><i>") && is_one_closing_tag(" </my-tag >"));
    }

    #[test]
    fn agent_markdown_removes_an_unsafe_link_around_an_image() {
        // Found by the fuzz harness: the inner image's edit used to win, keeping the outer link.
        let md = to_agent_markdown("[![img](javascript:x)](javascript:y)", "https://d.example");
        assert!(!md.contains("javascript"), "{md}");
    }

    #[test]
    fn a_dropped_links_text_is_escaped_so_it_forms_no_markup() {
        // Escaped backticks in the link's text are plain characters there; once the
        // link is gone they must stay escaped, or they would pair into a code span.
        let md = to_agent_markdown("[one \\` and \\` two](javascript:x)", "https://d.example");
        assert_eq!(md, "one \\` and \\` two");
    }

    #[test]
    fn agent_markdown_leaves_no_unsafe_markup_after_rewriting() {
        // Removing the inner link lets the outer brackets become a link, and unescaped
        // text can close a tag: both need another pass.
        for input in [
            "[a [b](javascript:z)](javascript:q)",
            "<[a](javascript:b)>",
            &format!(
                "{}[b](javascript:z){}",
                "[a ".repeat(50),
                "](javascript:q)".repeat(50)
            ),
        ] {
            let md = to_agent_markdown(input, "https://d.example");
            assert!(!has_unsafe_markup(&md), "{input:?} → {md:?}");
        }
    }

    #[test]
    fn only_one_line_of_unmarked_text_skips_the_parser() {
        for plain in [
            "Verify the workspace and retry",
            "Rate-limited: 5 per second (see docs).",
            "Ünïcode → fine",
        ] {
            assert!(is_plain_text(plain), "{plain:?}");
        }
        for marked in [
            "",
            "1. first",
            "- item",
            "# Title",
            " leading space",
            "trailing space ",
            "a `code` span",
            "two\nlines",
            "a *b*",
            "a_b",
            "[link](x)",
            "a <b>",
            "AT&T",
            "~~gone~~",
            "a | b",
            "a\\b",
        ] {
            assert!(!is_plain_text(marked), "{marked:?}");
        }
    }

    #[test]
    fn inline_html_drops_the_paragraph() {
        assert_eq!(
            to_inline_html("a *b*", SiteLinks::Relative("./")),
            "a <em>b</em>"
        );
        assert_eq!(to_plain_text("a *b*\n\n- c"), "a b c");
    }

    proptest::proptest! {
        /// The shortcut in `to_agent_markdown`: text with neither `<` nor `[` comes
        /// through a full pass unchanged, so skipping the parser cannot change output.
        #[test]
        fn text_without_angle_or_square_brackets_needs_no_agent_edits(
            text in "([^<\\[]|[*_`()\\]!:/#&;\\\\\n >|~-]){0,120}"
        ) {
            proptest::prop_assert_eq!(agent_markdown_pass(&text, SiteLinks::Absolute("https://x.test")), text.clone());
            proptest::prop_assert!(!has_unsafe_markup(&text));
        }

        /// The shortcuts in `to_html` and `to_plain_text`: text they take for plain
        /// renders as the parser would render it. Mostly plain text, then anything with Markdown mixed in.
        #[test]
        fn plain_text_renders_as_the_parser_renders_it(
            text in "[a-zA-Zéß→][a-zA-Z0-9 éß→😀.,;:'\"()/?+=#$%@^{}\u{a0}-]{0,80}",
            marked in "[a-zA-Z1#>+ -][a-z ]{0,12}(`[a-z]+`|[*][a-z]+[*]|_[a-z]+_|<b>|&amp;|~~[a-z]+~~|\\[[a-z]\\]\\(x\\)|!\\[\\]\\(x\\)|[|] a [|]|a\\\\[*]|  \n|\n[-=]+|\t)[a-z ]{0,12}",
        ) {
            for text in [text, marked] {
                if is_plain_text(&text) {
                    proptest::prop_assert_eq!(
                        to_html(&text, SiteLinks::Relative("./")),
                        parsed_html(&text, SiteLinks::Relative("./"), HeadingLevel::H2)
                    );
                    // And `to_plain_text`'s: it is its own plain text.
                    proptest::prop_assert_eq!(to_plain_text(&text), parsed_plain_text(&text));
                }
            }
        }

        /// A site path spelt in any way the parser reads alike (each character as is,
        /// escaped or as a character reference; bare or in `<…>`; on the line after the
        /// `(`; in a quote or a list item) is absolute in the agent Markdown.
        #[test]
        fn a_site_link_in_any_spelling_is_absolute_for_agents(
            path in proptest::sample::select(vec![
                "/errors/rate_limited/",
                "/errors/a.b-c_d#fix",
                "/llms.txt?x=(1)&y",
            ]),
            spellings in proptest::collection::vec(0u8..4, 1..24),
            angle: bool,
            line_break: bool,
            container in 0usize..3,
            title: bool,
        ) {
            let mut written = String::new();
            for (c, how) in path.chars().zip(spellings.iter().cycle()) {
                // A bare destination ends at a `)` it did not open: keep parentheses
                // out of the count, escaped or as references.
                let how = if !angle && matches!(c, '(' | ')') { how.max(&1) } else { how };
                match how {
                    1 if c.is_ascii_punctuation() => {
                        written.push('\\');
                        written.push(c);
                    }
                    2 => written.push_str(&format!("&#{};", u32::from(c))),
                    3 => written.push_str(&format!("&#x{:X};", u32::from(c))),
                    _ => written.push(c),
                }
            }
            if angle {
                written = format!("<{written}>");
            }
            let (first, next) = [("", ""), ("> ", "> "), ("- ", "  ")][container];
            let markdown = format!(
                "{first}See [a]({}{written}{})",
                if line_break { format!("\n{next}") } else { String::new() },
                if title { " \"t\"" } else { "" },
            );
            let agent = to_agent_markdown(&markdown, "https://x.test");
            let destinations: Vec<String> = Parser::new(&agent)
                .filter_map(|event| match event {
                    Event::Start(Tag::Link { dest_url, .. }) => Some(dest_url.to_string()),
                    _ => None,
                })
                .collect();
            let absolute = written_destination(&SiteLinks::Absolute("https://x.test").resolve(path));
            proptest::prop_assert_eq!(destinations, vec![absolute], "{:?} → {:?}", markdown, agent);
        }

        /// The shortcuts in `findings`: without `<` or `[` only a code block left open
        /// can be found, and only where a line may open one.
        #[test]
        fn text_without_angle_or_square_brackets_has_no_findings(
            text in "([^<\\[]|[*_`()\\]!:/#&;\\\\\n >|~-]|https?://[a-z.]{1,8}|javascript:|mailto:a@b|/errors/x/){0,120}"
        ) {
            proptest::prop_assert!(!may_hold_markup(&text));
            let found = parsed_findings(&text);
            proptest::prop_assert!(
                found.iter().all(|(_, f)| matches!(f, Finding::UnclosedFence(_))),
                "{found:?}"
            );
            if !may_open_fence(&text) {
                proptest::prop_assert_eq!(found, Vec::new());
            }
        }
    }

    #[test]
    fn a_same_page_link_in_text_shown_on_another_page_leads_to_the_texts_page() {
        let links = SiteLinks::RelativeFrom {
            root: "./",
            page: "/errors/rate_limited/",
        };
        let html = to_html(
            "[a](#limits) [b](/errors/other/#x) [c](https://e.example/#z) [d][r]\n\n[r]: #fix",
            links,
        );
        for href in [
            "./errors/rate_limited/#limits",
            "./errors/other/#x",
            "https://e.example/#z",
            "./errors/rate_limited/#fix",
        ] {
            assert!(html.contains(&format!("href=\"{href}\"")), "{href}: {html}");
        }
        // On the text's own page the link stays where it is.
        let own = to_html("[a](#limits)", SiteLinks::Relative("../../"));
        assert!(own.contains("href=\"#limits\""), "{own}");
    }

    #[test]
    fn edits_are_laid_out_in_order_and_an_overlapping_or_cutting_one_is_skipped() {
        let edit = |range: Range<usize>, to: &str| (range, to.to_owned());
        assert_eq!(
            with_edits(
                "see [a](/x) and [b](/y)",
                vec![edit(8..10, "https://e/x"), edit(20..22, "https://e/y")]
            ),
            "see [a](https://e/x) and [b](https://e/y)"
        );
        // The second overlaps the first, and the third would cut `é` in two.
        assert_eq!(
            with_edits(
                "abcdé",
                vec![edit(0..2, "X"), edit(1..3, "Y"), edit(4..5, "Z")]
            ),
            "Xcdé"
        );
        assert_eq!(
            with_edits("abc", vec![edit(1..1, "-"), edit(3..3, "!")]),
            "a-bc!"
        );
        assert_eq!(with_edits("abc", vec![edit(2..9, "!")]), "abc");
    }

    #[test]
    fn agent_markdown_of_a_page_makes_its_same_page_links_absolute_on_it() {
        let text =
            "[a](#limits) [b][r] [c](</errors/y/#z>) [d](https://e.example/#w)\n\n[r]: #fix\n";
        let of_page = to_agent_markdown_of(text, "https://d.example/api", "/errors/e/");
        assert_eq!(
            of_page,
            "[a](https://d.example/api/errors/e/#limits) [b][r] [c](<https://d.example/api/errors/y/#z>) [d](https://e.example/#w)\n\n[r]: https://d.example/api/errors/e/#fix\n"
        );
        let of_overview = to_agent_markdown_of("[a](#limits)", "https://d.example/api", "/");
        assert_eq!(of_overview, "[a](https://d.example/api/#limits)");
        // Without a page, a same-page link stays as written.
        assert_eq!(
            to_agent_markdown("[a](#limits)", "https://d.example/api"),
            "[a](#limits)"
        );
    }

    #[test]
    fn every_heading_shape_is_given_an_id_and_text_without_one_is_not_held() {
        for heading in [
            "# A",
            "Text\n\n## A",
            "A\n===",
            "A\n---",
            "> A\n> ---",
            "- A\n  ---",
            "1. A\n   ===\n",
            "Intro\n\nA\n---  ",
        ] {
            assert!(
                may_hold_heading(heading) || may_hold_setext_dashes(heading),
                "{heading:?}"
            );
            let mut ids = HeadingIds::new(&|_| false);
            let html = to_html_with_heading_ids(
                heading,
                SiteLinks::Relative(""),
                &mut ids,
                HeadingLevel::H2,
            );
            assert!(html.contains(" id=\"a\""), "{heading:?}: {html}");
        }
        for text in [
            "C# and F#",
            "a = b",
            "x - y",
            "A\n\n* * *",
            "[x](https://a.example) *b*",
        ] {
            let mut ids = HeadingIds::new(&|_| false);
            let html =
                to_html_with_heading_ids(text, SiteLinks::Relative(""), &mut ids, HeadingLevel::H2);
            assert_eq!(
                html,
                parsed_html(text, SiteLinks::Relative(""), HeadingLevel::H2),
                "{text:?}"
            );
        }
    }
}
