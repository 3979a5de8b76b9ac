//! Outputs for AI agents: per-error Markdown, `llms.txt` and `llms-full.txt`.
//!
//! The Markdown has the same sections as the HTML page, uses only absolute links (an
//! agent fetching `…/errors/x.md` has no page to resolve relative links against), and
//! never contains HTML.

use crate::http_status::reason_phrase;
use crate::markdown::{
    SiteLinks, as_paragraph, headings_in_outline, headings_one_level_down, made_safe_for_agents,
    may_link, one_line, to_agent_markdown_of, written_destination,
};
use crate::model::{Catalog, ErrorEntry, page_path};
use crate::render::views::Index;
use crate::render::{Bytes, Content, ErrorParts};
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::fmt::Write as _;
use std::ops::Range;
use std::sync::Arc;

/// The first line of every Markdown page: where to find the whole index.
pub fn index_directive(catalog: &Catalog) -> String {
    format!(
        "> Fetch the complete documentation index at: {}/llms.txt",
        catalog.config.base_url
    )
}

/// `errors/<code>.md`.
pub fn error_markdown(index: &Index<'_>, entry: &ErrorEntry) -> String {
    let catalog = index.catalog;
    let base = catalog.config.base_url.as_str();
    // The error's texts belong to its page: a `#fix` in them is made a link to it.
    let page = page_path(&entry.code);
    // Under the page's `#` title, the writer's top headings are `##`, as on the page.
    let md = |text: &str| {
        to_agent_markdown_of(&headings_in_outline(text, HeadingLevel::H2), base, &page)
    };
    // A text under one of the page's `##` sections (the guidance, a deprecation note, an
    // envelope's description) starts at `###`, so its `# Heading` cannot pass for the
    // next section to an agent that splits the page at `## `. (A setext heading has no
    // third level: an underlined one stays at the second.)
    let in_section = |text: &str| {
        to_agent_markdown_of(&headings_in_outline(text, HeadingLevel::H3), base, &page)
    };
    // Text placed inside other Markdown (a cell, a list item, a quote) is made safe in
    // the place it ends up: see `inline_markdown`.
    let cell = |text: &str| table_cell(&inline_markdown(text, base, &page));
    let mut out = String::with_capacity(4096);
    out.push_str(&index_directive(catalog));
    out.push('\n');
    if let Some(instructions) = &catalog.config.agent_instructions {
        let mut quote = String::from(">\n");
        for line in instructions.lines() {
            quote.push_str(if line.is_empty() { ">" } else { "> " });
            quote.push_str(line);
            quote.push('\n');
        }
        // The site's instructions belong to the overview.
        out.push_str(&to_agent_markdown_of(
            &headings_one_level_down(&quote),
            base,
            OVERVIEW,
        ));
    }
    let _ = write!(out, "\n# {}: {}\n\n", entry.code, plain_text(&entry.title));
    // A status without a standard reason phrase (499, 521) is the number alone.
    let status = format!("{} {}", entry.status, reason_phrase(entry.status));
    let _ = writeln!(out, "- **HTTP status:** {}", status.trim_end());
    let sent_as = entry
        .sent_as
        .as_deref()
        .map(|sent| format!(" (the API sends {})", code_span(sent)))
        .unwrap_or_default();
    let _ = writeln!(out, "- **Code:** `{}`{sent_as}", entry.code);
    let _ = writeln!(
        out,
        "- **Retryable:** {}",
        if entry.retryable { "yes" } else { "no" }
    );
    if let Some(retry) = &entry.retry_after {
        let _ = writeln!(out, "- **Retry after:** {}", retry_after_text(retry));
    }
    let _ = writeln!(
        out,
        "- **Agent action:** `{}` ({})",
        entry.agent.action.as_str(),
        entry.agent.action.label()
    );
    if let Some(group) = entry
        .group
        .as_deref()
        .and_then(|id| catalog.config.groups.iter().find(|g| g.id == id))
    {
        let _ = writeln!(out, "- **Group:** {}", plain_text(&group.title));
    }
    if let Some(since) = &entry.since {
        let _ = writeln!(out, "- **Since:** {}", plain_text(since));
    }
    // A bare URL, as the index directive's (which the spec words so): an autolink
    // (`<…>`) would send every page through the final made-safe parse, which skips text
    // without markup, and cost a build a fifth more instructions.
    let _ = writeln!(out, "- **Page:** {}", catalog.page_url(&entry.code));
    out.push('\n');
    // One line: a `# …` or `- …` summary is text, as on the page.
    out.push_str(&md(&as_paragraph(&entry.summary)));
    out.push_str("\n\n");

    // The description belongs to the error itself, under its title: after a
    // `## Deprecated` heading an agent would read it as part of the deprecation notice.
    if let Some(description) = &entry.description {
        out.push_str(&md(description));
        out.push_str("\n\n");
    }
    lifecycle_section(&mut out, catalog, entry, &in_section);
    list_section(&mut out, "When it fires", &entry.when, &md, false);
    if !entry.causes.is_empty() {
        out.push_str("## Causes\n\n| Cause | Resolution |\n| --- | --- |\n");
        for c in &entry.causes {
            let _ = writeln!(out, "| {} | {} |", cell(&c.cause), cell(&c.resolution));
        }
        out.push('\n');
    }
    if !entry.messages.is_empty() {
        out.push_str(
            "## Messages\n\nExact messages the API returns; `{name}` marks a part that varies.\n\n",
        );
        // A column no message fills is left out, as on the page.
        let (cause, resolution) = entry.message_columns();
        // An empty cell is `| |`: one space, as markdownlint's compact table style
        // (MD060) wants, where joining with " | " would give `|  |`.
        let row = |first: String, cause_cell: String, resolution_cell: String| {
            let mut line = String::new();
            let cells = std::iter::once(first)
                .chain(cause.then_some(cause_cell))
                .chain(resolution.then_some(resolution_cell));
            for cell in cells {
                line.push_str("| ");
                if !cell.is_empty() {
                    line.push_str(&cell);
                    line.push(' ');
                }
            }
            line.push_str("|\n");
            line
        };
        let text = |text: &Option<String>| text.as_deref().map_or_else(String::new, cell);
        out.push_str(&row("Message".into(), "Cause".into(), "Resolution".into()));
        out.push_str(&row("---".into(), "---".into(), "---".into()));
        for m in &entry.messages {
            out.push_str(&row(
                cell_code_span(&m.message),
                text(&m.cause),
                text(&m.resolution),
            ));
        }
        out.push('\n');
    }
    if !entry.fields.is_empty() {
        out.push_str("## Fields\n\n| Field | Cause |\n| --- | --- |\n");
        for f in &entry.fields {
            let _ = writeln!(out, "| {} | {} |", cell_code_span(&f.field), cell(&f.cause));
        }
        out.push('\n');
    }
    if !entry.endpoints.is_empty() {
        out.push_str("## Returned by\n\n");
        for e in &entry.endpoints {
            let _ = writeln!(out, "- {}", code_span(e));
        }
        out.push('\n');
    }
    if let Some(response) = &entry.response {
        out.push_str("## Response shape\n\n");
        let envelope = super::views::envelope_of(catalog, entry);
        if let Some(envelope) = envelope {
            let _ = write!(
                out,
                "Envelope: **{}** ({}).\n\n",
                plain_text(&envelope.title),
                code_span(&envelope.media_type)
            );
            // A text of errdex.yaml: its `#fragment` links lead to the overview.
            if let Some(description) = &envelope.description {
                let description = headings_in_outline(description, HeadingLevel::H3);
                out.push_str(&to_agent_markdown_of(&description, base, OVERVIEW));
                out.push_str("\n\n");
            }
        }
        // The status line and the headers, as the page shows them: with a body, its
        // `Content-Type` when the headers do not give one.
        let status_line = format!("HTTP/1.1 {} {}", entry.status, reason_phrase(entry.status));
        let media_type = super::views::media_type_of(envelope);
        let content_type = response
            .implied_content_type(media_type)
            .map(|media_type| format!("Content-Type: {media_type}"));
        let head: Vec<String> = std::iter::once(status_line.trim_end().to_owned())
            .chain(content_type)
            .chain(response.headers.iter().map(|(k, v)| format!("{k}: {v}")))
            .collect();
        out.push_str(&fence("http", &head.join("\n")));
        if response.has_body() {
            let lang = if envelope.is_none_or(|e| crate::check::is_json_media_type(&e.media_type)) {
                "json"
            } else {
                ""
            };
            out.push_str(&fence(lang, &super::views::pretty_body(&response.body)));
        } else {
            out.push_str("The response has no body.\n\n");
        }
    }
    list_section(&mut out, "How to fix", &entry.fix, &md, true);
    if let Some(auth) = catalog.auth_for(entry) {
        // The overview's text, under a section of this page: its `#fragment` links lead
        // to the overview, and its headings start at `###`.
        let auth = headings_in_outline(auth, HeadingLevel::H3);
        out.push_str("## Authentication\n\n");
        out.push_str(&to_agent_markdown_of(&auth, base, OVERVIEW));
        out.push_str("\n\n");
    }
    list_section(&mut out, "Common gotchas", &entry.gotchas, &md, false);
    if !entry.examples.is_empty() {
        out.push_str("## Examples\n\n");
        for example in &entry.examples {
            let _ = write!(out, "### {}\n\n", plain_text(&example.title));
            out.push_str(&fence(&example.lang, &example.code));
        }
    }
    out.push_str("## If you're an AI agent\n\n");
    let _ = write!(
        out,
        "Action: `{}` ({}): {}.\n\n",
        entry.agent.action.as_str(),
        entry.agent.action.label(),
        entry.agent.action.meaning()
    );
    out.push_str(&in_section(&entry.agent.guidance));
    out.push_str("\n\n");
    if !entry.related.is_empty() {
        out.push_str("## Related\n\n");
        for code in &entry.related {
            let url = catalog.markdown_url(code);
            // `explain` and `lookup` leave out files with errors, so a related code may
            // have no entry and no title: its link is the code alone, not `code: `.
            let _ = match index.by_code.get(code.as_str()) {
                Some(related) => writeln!(
                    out,
                    "- [{code}: {}]({url}){}",
                    plain_text(&related.title),
                    if related.is_deprecated() {
                        " (deprecated)"
                    } else {
                        ""
                    }
                ),
                None => writeln!(out, "- [{code}]({url})"),
            };
        }
        out.push('\n');
    }
    if entry.links.iter().any(|l| may_link(&l.url)) {
        out.push_str("## Links\n\n");
        for link in entry.links.iter().filter(|l| may_link(&l.url)) {
            let _ = writeln!(
                out,
                "- [{}]({})",
                plain_text(&link.title),
                link_destination(&link.url, base)
            );
        }
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    // Each piece above was made safe where it was written, but Markdown reads a piece by
    // what comes before it: after a list, an indented paragraph joins the last item, so
    // a summary that was an inert code block on its own is HTML there. The document is
    // made safe once more as a whole, as agents will read it.
    made_safe_for_agents(&out, base)
}

/// "Deprecated", or "Replaced" for an error with a `replaced_by` and no `deprecated`,
/// as its page's callout says: the successor is named either way.
fn lifecycle_section(
    out: &mut String,
    catalog: &Catalog,
    entry: &ErrorEntry,
    md: &dyn Fn(&str) -> String,
) {
    if entry.deprecated.is_none() && entry.replaced_by.is_none() {
        return;
    }
    if let Some(deprecated) = &entry.deprecated {
        out.push_str("## Deprecated\n\n");
        out.push_str(&md(deprecated));
        out.push_str("\n\n");
    } else {
        out.push_str("## Replaced\n\n");
    }
    if let Some(replacement) = &entry.replaced_by {
        let _ = write!(
            out,
            "Replaced by [`{replacement}`]({}).\n\n",
            catalog.markdown_url(replacement)
        );
    }
}

/// A list of Markdown items. Each item is laid out under its marker first and made safe
/// after, as it will be read: made safe on its own, an item starting with a tab is an
/// indented code block, whose HTML is fine as code, and under `- ` it is HTML.
fn list_section(
    out: &mut String,
    title: &str,
    items: &[String],
    md: &dyn Fn(&str) -> String,
    ordered: bool,
) {
    if items.is_empty() {
        return;
    }
    let _ = write!(out, "## {title}\n\n");
    for (i, item) in items.iter().enumerate() {
        let marker = if ordered {
            format!("{}. ", i + 1)
        } else {
            "- ".to_owned()
        };
        let indent = " ".repeat(marker.len());
        let mut laid_out = String::with_capacity(item.len() + 16);
        let mut lines = item.trim_end().lines();
        let _ = writeln!(laid_out, "{marker}{}", lines.next().unwrap_or(""));
        for line in lines {
            if line.trim().is_empty() {
                laid_out.push('\n');
            } else {
                let _ = writeln!(laid_out, "{indent}{line}");
            }
        }
        out.push_str(&md(&laid_out));
    }
    out.push('\n');
}

/// A fenced code block whose fence is longer than any backtick run inside, so the
/// block always closes where it should.
fn fence(lang: &str, code: &str) -> String {
    let longest = longest_backtick_run(code);
    let ticks = "`".repeat(longest.max(2) + 1);
    let lang: String = lang
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '+' | '_'))
        .collect();
    format!("{ticks}{lang}\n{}\n{ticks}\n\n", code.trim_end())
}

/// The longest run of backticks in `text`. Bytes, not chars: a backtick is ASCII and
/// no byte of a multi-byte character equals it, and memchr skips the rest of a body.
fn longest_backtick_run(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut longest = 0;
    let mut from = 0;
    while let Some(found) = memchr::memchr(b'`', &bytes[from..]) {
        let start = from + found;
        let run = bytes[start..].iter().take_while(|&&b| b == b'`').count();
        longest = longest.max(run);
        from = start + run;
    }
    longest
}

/// An inline code span that survives backticks in the text, for running text and list
/// items. A `|` is left as it is: outside a table, `\\|` in a code span shows its
/// backslash.
fn code_span(text: &str) -> String {
    span_of(&one_line(text))
}

/// An inline code span inside a table cell, where a `|` would end the cell: it is
/// escaped as `\|`, which the table reads as a `|` of the cell's text, before the code
/// span is read.
///
/// A text holding `\|` is written as escaped text instead, not code: inside code, GFM
/// tables disagree on it. GitHub's and markdown-it's show `\\|` as `\|`, micromark's
/// (remark, MDX) ends the cell there; escaped text (`\\\|`) reads as `\|` in all three.
fn cell_code_span(text: &str) -> String {
    let line = one_line(text);
    if line.contains("\\|") {
        return table_cell(&plain_text(&line));
    }
    span_of(&line.replace('|', "\\|"))
}

/// `text` (one line) between enough backticks that none inside ends the span.
fn span_of(text: &str) -> String {
    let ticks = "`".repeat(longest_backtick_run(text) + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{ticks}{pad}{text}{pad}{ticks}")
}

/// One line of Markdown made safe for a table cell: every `|` that would end the cell,
/// escaped. One the writer escaped already (`\\|`, after an odd run of backslashes) is
/// left as it is: another backslash would escape the backslash instead, and the `|`
/// would end the cell. After an even run (`\\\\|`, a backslash shown, then a pipe), it
/// needs its own.
fn table_cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut backslashes = 0;
    for c in text.chars() {
        if c == '|' && backslashes % 2 == 0 {
            out.push('\\');
        }
        backslashes = if c == '\\' { backslashes + 1 } else { 0 };
        out.push(c);
    }
    out
}

/// Markdown for one line inside other Markdown (a table cell, an llms.txt entry, a
/// quoted summary): flattened to one line first and made safe after, so what is made
/// safe is what agents read. The other way round, an indented or fenced code block
/// (whose HTML and links are inert as code) would be flattened into inline text, its
/// HTML and links live.
fn inline_markdown(text: &str, base: &str, page: &str) -> String {
    let line = one_line(text);
    // On a line of its own a fence opener starts a code block, a `#` a heading; inside a
    // line they are text, so they are escaped to be read as text here too.
    to_agent_markdown_of(&as_paragraph(&line), base, page)
}

/// The site path of the overview, the page the texts of errdex.yaml belong to.
pub(crate) const OVERVIEW: &str = "/";

/// Plain text (a title, a name) made fit for Markdown: one line, with every character
/// Markdown reads as markup escaped, so it shows as written and can never open an HTML
/// tag, a link or a code span. `<` becomes an entity because not every Markdown renderer
/// honours `\<` (Markdown.pl's escapes leave it out), and so does the `&` of a character
/// reference (`&amp;` in a title is shown as `&amp;`, not `&`). A final `#` is escaped too: at the end of a heading (`# x: Retry #`),
/// CommonMark reads a run of `#` after a space as the heading's closing sequence, and
/// drops it.
fn plain_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let line = one_line(text);
    for (at, c) in line.char_indices() {
        match c {
            '<' => out.push_str("&lt;"),
            '&' if names_a_character(&line[at + 1..]) => out.push_str("&amp;"),
            // Between two letters or digits a `_` can neither open nor close emphasis
            // (CommonMark's flanking rules): `INVALID_ARGUMENT` reads as written.
            '_' if line[..at]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric)
                && line[at + 1..]
                    .chars()
                    .next()
                    .is_some_and(char::is_alphanumeric) =>
            {
                out.push('_');
            }
            '\\' | '`' | '*' | '_' | '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    if out.ends_with('#') {
        out.insert(out.len() - 1, '\\');
    }
    out
}

/// Whether the text after a `&` would make it a character reference (`&amp;`, `&#38;`,
/// `&#x26;`), which Markdown shows as the character it names.
fn names_a_character(after: &str) -> bool {
    let Some((name, _)) = after.split_once(';') else {
        return false;
    };
    let name = name.as_bytes();
    match name {
        [b'#', b'x' | b'X', hex @ ..] => {
            (1..=6).contains(&hex.len()) && hex.iter().all(u8::is_ascii_hexdigit)
        }
        [b'#', digits @ ..] => {
            (1..=7).contains(&digits.len()) && digits.iter().all(u8::is_ascii_digit)
        }
        [first, ..] => {
            first.is_ascii_alphabetic()
                && name.len() <= 32
                && name.iter().all(u8::is_ascii_alphanumeric)
        }
        [] => false,
    }
}

/// A URL as a Markdown link destination: absolute on `base` when it is a site path, and
/// written so that it reads as itself (see [`written_destination`]).
fn link_destination(url: &str, base: &str) -> String {
    written_destination(&SiteLinks::Absolute(base).link_url(url))
}

fn retry_after_text(retry: &crate::model::RetryAfter) -> String {
    retry.in_words(code_span).unwrap_or_default()
}

/// The shared header of llms.txt and llms-full.txt: title, summary, instructions.
fn llms_header(catalog: &Catalog) -> String {
    let config = &catalog.config;
    let mut out = format!(
        "# {}\n\n> {}\n\n",
        plain_text(&config.title),
        inline_markdown(&config.summary, &config.base_url, OVERVIEW)
    );
    match &config.agent_instructions {
        Some(instructions) => out.push_str(&fences_off_the_margin(&demote_headings(
            &to_agent_markdown_of(instructions, &config.base_url, OVERVIEW),
        ))),
        // Without a paragraph between the summary and the first section, the format's
        // reference parser takes the summary for the paragraph and finds no summary.
        None => out.push_str(
            "Each error below links to its page in Markdown: when it happens, how to fix it, whether a retry can succeed, and what an agent should do.",
        ),
    }
    out.push_str("\n\n");
    out
}

/// llms.txt allows only H1 and H2 headings; headings inside prose become bold lines.
///
/// Headings are found by the Markdown parser, so setext headings (`Title` over `===`)
/// are caught too, and `#` lines inside code blocks are left alone.
fn demote_headings(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    // The open heading's whole range and the range of its content so far.
    let mut open: Option<(Range<usize>, Option<Range<usize>>)> = None;
    for (event, range) in Parser::new_ext(markdown, options).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { .. }) => open = Some((range, None)),
            Event::End(TagEnd::Heading(_)) => {
                if let Some((whole, content)) = open.take() {
                    let text = one_line(content.map_or("", |r| &markdown[r]));
                    let mut bold = if text.is_empty() {
                        String::new()
                    } else {
                        format!("**{text}**")
                    };
                    if markdown[whole.clone()].ends_with('\n') {
                        bold.push('\n');
                    }
                    edits.push((whole, bold));
                }
            }
            _ => {
                if let Some((_, content)) = open.as_mut() {
                    *content = Some(match content.take() {
                        Some(r) => r.start.min(range.start)..r.end.max(range.end),
                        None => range,
                    });
                }
            }
        }
    }
    crate::markdown::with_edits(markdown, edits)
}

/// Each top-level fenced code block holding a line that starts with `#` moved one space
/// in, fences and all: the llms.txt reference parser splits the file into sections at
/// every line starting with `##`, code or not. A fence indented one space takes one
/// space off each of its lines (CommonMark 4.5), so the code reads the same.
fn fences_off_the_margin(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    let mut depth = 0usize;
    for (event, range) in Parser::new_ext(markdown, options).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(pulldown_cmark::CodeBlockKind::Fenced(_)))
                if depth == 0 =>
            {
                let block = &markdown[range.clone()];
                let indent = block.len() - block.trim_start_matches(' ').len();
                if indent <= 2 && block.lines().any(|line| line.starts_with('#')) {
                    let moved: String = block
                        .split_inclusive('\n')
                        .map(|line| format!(" {line}"))
                        .collect();
                    edits.push((range, moved));
                }
                depth += 1;
            }
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    crate::markdown::with_edits(markdown, edits)
}

/// Errors in llms.txt order, with their section titles: catalog groups in order, then
/// ungrouped errors under "Other errors", as on the overview (or under "Errors" when no
/// error is in a group). Errors are given by their position in `catalog.errors`, which
/// is also where their [`ErrorParts`] are.
pub fn sections(catalog: &Catalog) -> Vec<(&str, Vec<usize>)> {
    let positions = |group: Option<&str>| -> Vec<usize> {
        (0..catalog.errors.len())
            .filter(|&i| catalog.errors[i].group.as_deref() == group)
            .collect()
    };
    let mut sections: Vec<(&str, Vec<usize>)> = catalog
        .config
        .groups
        .iter()
        .map(|g| (g.title.as_str(), positions(Some(&g.id))))
        .collect();
    sections.retain(|(_, errors)| !errors.is_empty());
    let ungrouped = positions(None);
    if !ungrouped.is_empty() {
        let title = if sections.is_empty() {
            crate::model::ALL_ERRORS_TITLE
        } else {
            crate::model::UNGROUPED_TITLE
        };
        sections.push((title, ungrouped));
    }
    sections
}

/// Every error's position in llms.txt order, the order of llms-full.txt and errors.json
/// too.
pub fn llms_order(catalog: &Catalog) -> Vec<usize> {
    sections(catalog)
        .into_iter()
        .flat_map(|(_, positions)| positions)
        .collect()
}

/// An error's line in llms.txt, with its newline. A deprecated error's line ends with
/// a note (see [`deprecation_note`]) after the summary, so the line still starts in the
/// spec's form and an agent scanning the index learns not to build on the error.
pub fn llms_line(catalog: &Catalog, entry: &ErrorEntry) -> String {
    // An agent holding a response finds its error by the code as the API sends it too.
    let sent_as = entry
        .sent_as
        .as_deref()
        .map(|sent| format!(", sent as {}", code_span(sent)))
        .unwrap_or_default();
    let mut line = format!(
        "- [{}: {}]({}): HTTP {}{sent_as}. {}",
        entry.code,
        link_text(&entry.title),
        catalog.markdown_url(&entry.code),
        entry.status,
        inline_markdown(
            &entry.summary,
            &catalog.config.base_url,
            &page_path(&entry.code)
        )
    );
    if let Some(note) = deprecation_note(catalog, entry) {
        line.push(' ');
        line.push_str(&note);
    }
    line.push('\n');
    line
}

/// Plain text as the text of an llms.txt link. A `]` is written `&#93;`, which Markdown
/// shows as `]` too: the format's reference parser (the `llms-txt` package) reads a
/// link's text up to the first `]`, escaped or not, and fails on the whole file.
fn link_text(text: &str) -> String {
    plain_text(text).replace("\\]", "&#93;")
}

/// `Deprecated.`, or `Deprecated; use [code](…/code.md) instead.` for an error with a
/// successor; `None` for an error that is not deprecated. The successor's code needs no
/// escaping: codes are `[a-z0-9_.-]`, and `_` inside a word is not emphasis.
fn deprecation_note(catalog: &Catalog, entry: &ErrorEntry) -> Option<String> {
    if !entry.is_deprecated() {
        return None;
    }
    Some(match &entry.replaced_by {
        Some(code) => format!(
            "Deprecated; use [{code}]({}) instead.",
            catalog.markdown_url(code)
        ),
        None => "Deprecated.".to_owned(),
    })
}

/// `llms.txt` (llmstxt.org format).
/// `line_of(position)` is the error's [`ErrorParts::llms_line`].
pub fn llms_txt<'p>(catalog: &Catalog, line_of: impl Fn(usize) -> &'p str) -> String {
    let mut out = llms_header(catalog);
    for (title, positions) in sections(catalog) {
        let _ = write!(out, "## {}\n\n", plain_text(title));
        for position in positions {
            out.push_str(line_of(position));
        }
        out.push('\n');
    }
    let base = &catalog.config.base_url;
    out.push_str("## Optional\n\n");
    let _ = writeln!(
        out,
        "- [llms-full.txt]({base}/llms-full.txt): every error's full Markdown in one file"
    );
    let _ = writeln!(
        out,
        "- [errors.json]({base}/errors.json): the machine-readable catalog (JSON Schema: {base}/errors.schema.json)"
    );
    for link in catalog.config.links.iter().filter(|l| may_link(&l.url)) {
        let _ = write!(
            out,
            "- [{}]({})",
            link_text(&link.title),
            link_destination(&link.url, base)
        );
        if let Some(description) = &link.description {
            let _ = write!(out, ": {}", inline_markdown(description, base, OVERVIEW));
        }
        out.push('\n');
    }
    out
}

/// `llms-full.txt`: the llms.txt header, then every error's Markdown in llms.txt order,
/// as pieces that share the errors' [`ErrorParts::full_section`] bytes.
pub fn llms_full_txt(catalog: &Catalog, parts: &[Arc<ErrorParts>]) -> Content {
    let positions = llms_order(catalog);
    let (mut full, head) = LlmsFull::begin(catalog, positions.len());
    let mut pieces = Vec::with_capacity(positions.len() * 3 + 1);
    pieces.push(head);
    for position in positions {
        pieces.extend(full.section(&catalog.errors[position], &parts[position]));
    }
    pieces
}

/// llms-full.txt, laid out one error at a time in llms.txt order: [`llms_full_txt`]
/// uses it on parts already held, and `build` to write the file as errors are
/// rendered, so both follow one definition of the format.
pub struct LlmsFull<'a> {
    catalog: &'a Catalog,
    /// Sections still to come.
    remaining: usize,
}

impl<'a> LlmsFull<'a> {
    /// Starts the file for `count` errors; returns it and the file's first piece.
    pub fn begin(catalog: &'a Catalog, count: usize) -> (Self, Bytes) {
        let header = llms_header(catalog);
        let head = if count == 0 {
            format!("{}\n", header.trim_end())
        } else {
            header
        };
        (
            LlmsFull {
                catalog,
                remaining: count,
            },
            Bytes::from(head),
        )
    }

    /// The pieces of the next error's section.
    pub fn section(&mut self, entry: &ErrorEntry, parts: &ErrorParts) -> [Bytes; 3] {
        self.remaining = self.remaining.saturating_sub(1);
        let url = self.catalog.markdown_url(&entry.code);
        // The header already has the index directive and the instructions; repeating
        // them for every error would only spend an agent's context.
        [
            Bytes::from(format!("---\n\nSource: {url}\n\n")),
            parts.full_section.clone(),
            Bytes::from_static(if self.remaining == 0 { b"\n" } else { b"\n\n" }),
        ]
    }
}

/// Where an error's llms-full.txt section lies in its Markdown file: after the opening
/// blockquote (directive and instructions), without trailing whitespace.
pub fn full_section_range(markdown: &str) -> Range<usize> {
    let mut rest = markdown;
    while rest.starts_with('>') {
        rest = rest.split_once('\n').map_or("", |(_, after)| after);
    }
    let rest = rest.trim_start_matches('\n');
    let start = markdown.len() - rest.len();
    start..start + rest.trim_end().len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backtick_runs_are_counted_between_other_characters() {
        assert_eq!(longest_backtick_run(""), 0);
        assert_eq!(longest_backtick_run("no ticks, é"), 0);
        assert_eq!(longest_backtick_run("a`é``b```"), 3);
        assert_eq!(longest_backtick_run("````x`"), 4);
    }

    #[test]
    fn fences_outgrow_backticks_inside() {
        assert_eq!(fence("sh", "echo ```"), "````sh\necho ```\n````\n\n");
        assert_eq!(fence("", "x"), "```\nx\n```\n\n");
    }

    #[test]
    fn a_pipe_the_writer_escaped_stays_in_its_cell() {
        assert_eq!(table_cell("a | b"), "a \\| b");
        assert_eq!(table_cell("a \\| b"), "a \\| b");
        assert_eq!(table_cell("a \\\\| b"), "a \\\\\\| b");
        assert_eq!(table_cell("`x|y` \\"), "`x\\|y` \\");
        // Each cell, as a GFM table reads it, shows what the text outside a table shows.
        for text in ["a | b", "a \\| b", "a \\\\| b", "no pipe \\"] {
            let table = format!("| h | g |\n| --- | --- |\n| {} | end |\n", table_cell(text));
            let html = crate::markdown::to_html(&table, crate::markdown::SiteLinks::Relative(""));
            let alone = crate::markdown::to_html(text, crate::markdown::SiteLinks::Relative(""));
            let shown = alone.trim_start_matches("<p>").trim_end_matches("</p>\n");
            assert!(
                html.contains(&format!("<td>{shown}</td>")),
                "{text:?}: {html}"
            );
            assert!(html.contains("<td>end</td>"), "{text:?}: {html}");
        }
    }

    #[test]
    fn code_spans_escape_pipes_in_table_cells_only() {
        assert_eq!(cell_code_span("a|b"), "`a\\|b`");
        // A message holding `\|` is escaped text, which every GFM table reads alike.
        assert_eq!(cell_code_span("a \\| b"), "a \\\\\\| b");
        let table = format!("| h |\n| --- |\n| {} |\n", cell_code_span("a \\| b"));
        let html = crate::markdown::to_html(&table, crate::markdown::SiteLinks::Relative(""));
        assert!(html.contains("<td>a \\| b</td>"), "{html}");
        assert_eq!(cell_code_span("`x`"), "`` `x` ``");
        // In a list or running text, `\\|` would show its backslash.
        assert_eq!(code_span("GET /a|b"), "`GET /a|b`");
        assert_eq!(code_span("`x`"), "`` `x` ``");
        assert_eq!(code_span("a ``b`` c"), "```a ``b`` c```");
    }

    #[test]
    fn a_final_hash_is_kept_in_a_heading() {
        assert_eq!(plain_text("Retry #"), "Retry \\#");
        assert_eq!(plain_text("C# ##"), "C# #\\#");
        assert_eq!(plain_text("C#"), "C\\#");
        assert_eq!(plain_text("#1 in line"), "#1 in line");
        for title in ["Retry #", "C# ##", "#", "Issue #  "] {
            let heading = format!("# x: {}", plain_text(title));
            let html = crate::markdown::to_html(&heading, crate::markdown::SiteLinks::Relative(""));
            assert_eq!(html, format!("<h2>x: {}</h2>\n", title.trim()), "{heading}");
        }
    }

    #[test]
    fn plain_text_never_opens_a_tag_or_a_link() {
        assert_eq!(
            plain_text("a <img src=x>\n[b](javascript:x) *c*"),
            "a &lt;img src=x> \\[b\\](javascript:x) \\*c\\*"
        );
        assert_eq!(
            plain_text("INVALID_ARGUMENT _x_ a_ _b"),
            "INVALID_ARGUMENT \\_x\\_ a\\_ \\_b"
        );
        // A title is shown as written, `&amp;` too; a lone `&` needs no escape.
        assert_eq!(
            plain_text("Use &amp; &#38; &#x26; & &; &a b;"),
            "Use &amp;amp; &amp;#38; &amp;#x26; & &; &a b;"
        );
        for (title, shown) in [
            (
                "a <b> &amp; &#38; & c",
                "a &lt;b&gt; &amp;amp; &amp;#38; &amp; c",
            ),
            ("x < y && z", "x &lt; y &amp;&amp; z"),
            ("INVALID_ARGUMENT or _x_", "INVALID_ARGUMENT or _x_"),
        ] {
            let heading = format!("# {}", plain_text(title));
            let html = crate::markdown::to_html(&heading, crate::markdown::SiteLinks::Relative(""));
            assert_eq!(html, format!("<h2>{shown}</h2>\n"), "{heading}");
        }
        assert_eq!(
            link_destination("https://a.test/x y(\"<>)", "https://b.test"),
            "https://a.test/x%20y%28%22%3C%3E%29"
        );
        assert_eq!(
            link_destination("/errors.json", "https://b.test"),
            "https://b.test/errors.json"
        );
        // A URL is plain text in a `links` list; in Markdown `&amp;` would read as `&`.
        assert_eq!(
            link_destination("https://a.test/?q=a&amp;b|c", "https://b.test"),
            "https://a.test/?q=a\\&amp;b%7Cc"
        );
    }

    #[test]
    fn a_fenced_line_starting_with_a_hash_leaves_the_margin() {
        let moved =
            fences_off_the_margin("Text\n\n```sh\n## comment\necho\n```\n\n> ```\n> # q\n> ```\n");
        assert_eq!(
            moved,
            "Text\n\n ```sh\n ## comment\n echo\n ```\n\n> ```\n> # q\n> ```\n"
        );
        // The code reads the same.
        let html =
            |md: &str| crate::markdown::to_html(md, crate::markdown::SiteLinks::Relative(""));
        assert_eq!(
            html(&moved),
            html("Text\n\n```sh\n## comment\necho\n```\n\n> ```\n> # q\n> ```\n")
        );
        assert_eq!(
            fences_off_the_margin("```\ncode\n```\n"),
            "```\ncode\n```\n"
        );
    }

    #[test]
    fn headings_in_instructions_are_demoted() {
        assert_eq!(
            demote_headings("### Rules\ntext\n```\n# not a heading\n```"),
            "**Rules**\ntext\n```\n# not a heading\n```"
        );
        assert_eq!(
            demote_headings("Rules\n=====\n\nMore `x`\nhere\n---\n\n    # code\n#\n"),
            "**Rules**\n\n**More `x` here**\n\n    # code\n\n"
        );
    }
}
