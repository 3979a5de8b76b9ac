//! Characters no text field may hold: control characters (E002); and what it should
//! not: bidirectional controls (W012), and a note left to fill it in (W014).
//!
//! A YAML file cannot hold them raw, but double-quoted escapes put them in a value
//! (`"\e[31m"`, `"\0"`, `"\u0007"`), where no editor shows them. Passed on, they would
//! reach every output: raw in the Markdown and llms.txt that agents read, and in the
//! terminal of whoever runs `errdex explain`, where an escape sequence can recolour
//! the screen or retitle the window. Tab, line feed and carriage return are text.
//!
//! In a one-line field (a title, a summary, a header value) a control character that
//! breaks the line (vertical tab, form feed, U+0085) is E019's: the writer's mistake
//! is a second line, and one mistake gets one diagnostic.

use super::config::LINE_BREAKS;
use super::visible::is_bidi_control;
use super::{ConfigFile, ErrorFile, at};
use crate::diagnostic::{Code, Diagnostics};
use crate::load::raw::{RawConfig, RawError, RawLink, S};
use crate::source::SourceFile;

/// Reports every text value of an error file that holds a control character or a
/// bidirectional control.
pub(super) fn check_error_texts(file: &ErrorFile<'_>, diagnostics: &mut Diagnostics) {
    let raw = file.raw;
    let header_values = raw.response_headers().map(|(_, value)| value);
    let one_line: Vec<&S<String>> = super::entry::one_line_fields(raw)
        .into_iter()
        .map(|field| field.value)
        .chain(header_values)
        .collect();
    check_all(file.source, one_line, error_texts(raw), diagnostics);
}

/// Reports every text value of `errdex.yaml` that holds a control character or a
/// bidirectional control.
pub(super) fn check_config_texts(config: &ConfigFile<'_>, diagnostics: &mut Diagnostics) {
    let raw = config.raw;
    let one_line: Vec<&S<String>> = super::config::one_line_fields(raw)
        .into_iter()
        .map(|field| field.value)
        .collect();
    check_all(config.source, one_line, config_texts(raw), diagnostics);
}

/// The checks of both kinds of file: control characters in one-line texts and in the
/// others (E002), bidirectional controls (W012) and notes left to fill in (W014) in all.
fn check_all(
    source: &SourceFile,
    one_line: Vec<&S<String>>,
    texts: Vec<&S<String>>,
    diagnostics: &mut Diagnostics,
) {
    check_texts(
        source,
        one_line.iter().copied(),
        first_control_in_line,
        diagnostics,
    );
    check_texts(source, texts.iter().copied(), first_control, diagnostics);
    warn_unfinished(source, one_line.iter().chain(&texts).copied(), diagnostics);
    warn_bidi_controls(source, one_line.into_iter().chain(texts), diagnostics);
}

/// W014 for each text that is still a note to fill it in (see [`unfinished`]).
fn warn_unfinished<'a>(
    source: &SourceFile,
    texts: impl IntoIterator<Item = &'a S<String>>,
    diagnostics: &mut Diagnostics,
) {
    for text in texts {
        let Some(marker) = unfinished(&text.value) else {
            continue;
        };
        diagnostics.push(
            at(
                source,
                text,
                Code::UnfinishedText,
                format!(
                    "this text is still a note to fill it in: `{}`",
                    super::excerpt(&text.value, 60)
                ),
            )
            .with_help(format!(
                "write what readers should see in place of the `{marker}` note; `errdex new` writes `TODO` in each field it cannot fill"
            )),
        );
    }
}

/// The marker a text starts with when it is a note to fill it in (`TODO one sentence…`,
/// as `errdex new` writes, or `FIXME:`, `TBD`), not text for readers. Only a marker in
/// capitals, alone or before a space or punctuation, counts: `Todo list` and `TBDs` are
/// words.
fn unfinished(text: &str) -> Option<&'static str> {
    let text = text.trim_start();
    ["TODO", "FIXME", "TBD"].into_iter().find(|marker| {
        text.strip_prefix(marker).is_some_and(|rest| {
            rest.chars()
                .next()
                .is_none_or(|c| c.is_whitespace() || c.is_ascii_punctuation())
        })
    })
}

/// W012 for each text that holds a bidirectional control, at the first one.
///
/// These characters (U+202A–U+202E, U+2066–U+2069) make a reader see the text after
/// them in another order than the one it is stored in: `"\u202Edaer"` shows as `read`.
/// What a reader sees on the page is then not what an agent reads in the Markdown, nor
/// what a copy of an example pastes, and an override left open in a title also reorders
/// the rest of its line in llms.txt, link included. Right-to-left scripts are shown in
/// their order without them. A warning, not an error: text that mixes directions may
/// use isolates on purpose.
fn warn_bidi_controls<'a>(
    source: &SourceFile,
    texts: impl IntoIterator<Item = &'a S<String>>,
    diagnostics: &mut Diagnostics,
) {
    for text in texts {
        let mut found = bidi_controls(&text.value);
        let Some((offset, c)) = found.next() else {
            continue;
        };
        let also = match found.count() {
            0 => String::new(),
            more => format!(" (and {more} more in this text)"),
        };
        diagnostics.push(
            super::at_markdown_range(
                source,
                text,
                offset..offset + c.len_utf8(),
                Code::BidiControl,
                format!(
                    "this text holds U+{:04X} ({}), which shows the text after it in another order than it is written{also}",
                    u32::from(c),
                    bidi_name(c)
                ),
            )
            .with_help("delete it (in a double-quoted string, the escape that writes it, such as `\\u202E`): readers would see text in another order than agents read it and a copy pastes it; right-to-left scripts are shown in their order without it"),
        );
    }
}

/// The bidirectional embedding, override and isolate controls in `text`, with their
/// byte offsets.
fn bidi_controls(text: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    // Each is three bytes starting with 0xE2, which few characters of prose share (the
    // dashes and curly quotes): memchr finds the candidates, and most texts have none.
    memchr::memchr_iter(0xE2, text.as_bytes()).filter_map(move |i| {
        let c = text.get(i..)?.chars().next()?;
        is_bidi_control(c).then_some((i, c))
    })
}

fn bidi_name(c: char) -> &'static str {
    match c {
        '\u{202A}' => "left-to-right embedding",
        '\u{202B}' => "right-to-left embedding",
        '\u{202C}' => "pop directional formatting",
        '\u{202D}' => "left-to-right override",
        '\u{202E}' => "right-to-left override",
        '\u{2066}' => "left-to-right isolate",
        '\u{2067}' => "right-to-left isolate",
        '\u{2068}' => "first strong isolate",
        _ => "pop directional isolate",
    }
}

fn check_texts<'a>(
    source: &SourceFile,
    texts: impl IntoIterator<Item = &'a S<String>>,
    find_control: fn(&str) -> Option<(usize, char)>,
    diagnostics: &mut Diagnostics,
) {
    for text in texts {
        let Some((position, found)) = find_control(&text.value) else {
            continue;
        };
        diagnostics.push(
            at(
                source,
                text,
                Code::WrongType,
                format!(
                    "this text holds the control character U+{:04X} ({}) at character {}",
                    u32::from(found),
                    name(found),
                    position + 1
                ),
            )
            .with_help("remove the escape that writes it (such as `\\e`, `\\0` or `\\u001b` in a double-quoted string): control characters are invisible in an editor and garble the pages, the Markdown and the terminal"),
        );
    }
}

/// The first control character in `text` other than tab, line feed and carriage
/// return, with its position in characters.
pub(crate) fn first_control(text: &str) -> Option<(usize, char)> {
    first_control_but(text, |c| matches!(c, '\t' | '\n' | '\r'))
}

/// The first control character in a one-line text other than tab and the line breaks,
/// which E019 reports there.
fn first_control_in_line(text: &str) -> Option<(usize, char)> {
    first_control_but(text, |c| c == '\t' || LINE_BREAKS.contains(&c))
}

/// The first control character in `text` that is not `allowed`, which allows at least
/// tab, line feed and carriage return.
fn first_control_but(text: &str, allowed: fn(char) -> bool) -> Option<(usize, char)> {
    // Most text is free of them: look at the bytes first. A C0 control or DEL is one
    // byte; a C1 control (U+0080–U+009F) is encoded as 0xC2 and a second byte. The fold
    // has no early exit and no branch, so the compiler checks many bytes per instruction:
    // every text of every file passes through here.
    let suspect = text.bytes().fold(false, |found, b| {
        let c0 = (b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r');
        found | c0 | (b == 0x7F) | (b == 0xC2)
    });
    if !suspect {
        return None;
    }
    text.chars()
        .enumerate()
        .find(|&(_, c)| c.is_control() && !allowed(c))
}

fn name(c: char) -> &'static str {
    match c {
        '\0' => "null",
        '\u{7}' => "bell",
        '\u{8}' => "backspace",
        '\u{B}' => "vertical tab",
        '\u{C}' => "form feed",
        '\u{1B}' => "escape",
        '\u{7F}' => "delete",
        '\u{85}' => "next line",
        _ => "a control character",
    }
}

/// Every text value of an error file, Markdown and plain, but its one-line fields.
fn error_texts(raw: &RawError) -> Vec<&S<String>> {
    let mut texts = super::markdown_fields::entry_fields(raw);
    // The summary is Markdown, and one line.
    texts.retain(|text| !std::ptr::eq(*text, &raw.summary));
    // Not the values another check refuses, naming the character, whenever they hold a
    // control character, where E002 would report the one character twice: `code`
    // (E010: only `[a-z0-9_.-]`), `group`, `related`, `replaced_by` and the envelope
    // (E014, E016, E015: no id or code holds one, and the message shows it escaped),
    // and `retry_after.header` (E002 already: not a header name).
    texts.extend(&raw.since);
    texts.extend(raw.endpoints.iter().flat_map(|l| &l.value));
    texts.extend(raw.fields.iter().flat_map(|f| &f.value).map(|f| &f.field));
    if let Some(response) = &raw.response {
        texts.push(&response.value.body);
    }
    texts.extend(raw.examples.iter().flat_map(|e| &e.value).map(|e| &e.code));
    texts.extend(link_texts(raw.links.as_ref()));
    texts
}

/// Every text value of `errdex.yaml`, Markdown and plain, but its one-line fields.
fn config_texts(raw: &RawConfig) -> Vec<&S<String>> {
    let mut texts = super::markdown_fields::config_fields(raw);
    // The summary is Markdown, and one line.
    texts.retain(|text| !std::ptr::eq(*text, &raw.summary));
    texts.push(&raw.base_url);
    for envelope in raw.envelopes.iter().flat_map(|e| &e.value) {
        texts.push(&envelope.example);
        texts.extend(&envelope.media_type);
    }
    // Not the ids of groups and envelopes: like codes, they are E010 for any character
    // but `[a-z0-9_.-]`, a control character included.
    texts.extend(link_texts(raw.links.as_ref()));
    texts
}

/// A `links:` list's texts but its titles, which are one line.
fn link_texts(links: Option<&S<Vec<RawLink>>>) -> Vec<&S<String>> {
    let mut texts = Vec::new();
    for link in links.iter().flat_map(|l| &l.value) {
        texts.push(&link.url);
        texts.extend(&link.description);
    }
    texts
}

/// `text` with its control characters and line breaks escaped (`\n`, `\u{1b}`), so a
/// message quoting it stays on one line and cannot recolour a terminal.
pub(crate) fn printable(text: &str) -> String {
    let escaped = |c: char| c.is_control() || LINE_BREAKS.contains(&c);
    // Every diagnostic's message and help pass through here on their way to a terminal,
    // and almost none hold such a character.
    if !text.chars().any(escaped) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if escaped(c) {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_to_fill_in_are_told_from_words() {
        for note in [
            "TODO one sentence.",
            "  FIXME: link",
            "TBD",
            "TODO",
            "TODO(ana) write",
        ] {
            assert!(unfinished(note).is_some(), "{note}");
        }
        for text in [
            "Todo lists are full.",
            "TBDs",
            "TODOS",
            "The TODO field is required.",
            "",
        ] {
            assert_eq!(unfinished(text), None, "{text}");
        }
    }

    #[test]
    fn bidirectional_controls_are_found_and_prose_is_not() {
        let found = |text: &str| -> Vec<(usize, char)> { bidi_controls(text).collect() };
        // Dashes, curly quotes and the ellipsis also start with 0xE2; right-to-left
        // scripts and the left-to-right and right-to-left marks need no control.
        assert_eq!(found("It’s “quoted” — and… done"), []);
        assert_eq!(found("שגיאה: הבקשה לא תקינה \u{200F}"), []);
        assert_eq!(found("خطأ في الطلب"), []);
        assert_eq!(
            found("a\u{202E}b\u{202C} — \u{2066}c\u{2069}"),
            [
                (1, '\u{202E}'),
                (5, '\u{202C}'),
                (13, '\u{2066}'),
                (17, '\u{2069}')
            ]
        );
        for c in ['\u{202A}', '\u{202B}', '\u{202D}', '\u{2067}', '\u{2068}'] {
            assert_eq!(found(&c.to_string()), [(0, c)]);
        }
    }

    #[test]
    fn control_characters_are_found_where_they_are() {
        assert_eq!(first_control("plain text, tabs\tand\r\nbreaks"), None);
        assert_eq!(first_control("héllo — ünïcode ¢"), None);
        assert_eq!(first_control("red \u{1b}[31m"), Some((4, '\u{1b}')));
        assert_eq!(first_control("é\u{85}"), Some((1, '\u{85}')));
        assert_eq!(first_control("a\u{7f}"), Some((1, '\u{7f}')));
        assert_eq!(first_control("\0"), Some((0, '\0')));
    }

    #[test]
    fn a_one_line_text_leaves_its_line_breaks_to_e019() {
        assert_eq!(first_control_in_line("Too many\u{85}requests"), None);
        assert_eq!(first_control_in_line("a\u{b}b\u{c}c\rd"), None);
        assert_eq!(first_control_in_line("a\u{85}b\u{1b}"), Some((3, '\u{1b}')));
        // Elsewhere they are control characters like any other.
        assert_eq!(first_control("a\u{b}b"), Some((1, '\u{b}')));
    }

    #[test]
    fn printable_escapes_what_a_terminal_would_act_on() {
        assert_eq!(printable("X-Foo\r\nEvil: 1"), "X-Foo\\r\\nEvil: 1");
        assert_eq!(printable("a\u{1b}[31m"), "a\\u{1b}[31m");
        assert_eq!(printable("a\u{2028}b é"), "a\\u{2028}b é");
    }
}
