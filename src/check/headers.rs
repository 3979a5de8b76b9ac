//! Header names and values: what the page prints as `Name: value` lines.
//!
//! A response example's headers are shown one per line in an `http` block, on the page
//! and in the Markdown agents read. A line break inside a value would start a new line
//! there, an example that reads like header injection (E019, the one-line rule of titles
//! and summaries). A name with a space or a colon is no header at all: RFC 9110 (section
//! 5.1) makes a field name a `token` (E002). `retry_after.header` names a header too.
//! Field names ignore case (RFC 9110, section 5.1), so `Retry-After` and `retry-after`
//! are one header written twice, though YAML sees two keys (E004, as for a key written
//! twice in the same case).

use super::config::{first_line_break, line_break_name};
use super::text::printable;
use super::visible::char_name;
use super::{ErrorFile, at};
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Position};
use crate::load::raw::S;
use crate::source::SourceFile;
use std::collections::BTreeMap;
use std::collections::btree_map::Entry;

/// Reports the header names and values of an error file that a response cannot carry.
pub(super) fn check_headers(file: &ErrorFile<'_>, diagnostics: &mut Diagnostics) {
    let (source, raw) = (file.source, file.raw);
    // Each name in lower case, with its first spelling.
    let mut first_spellings: BTreeMap<String, &S<String>> = BTreeMap::new();
    for (name, value) in raw.response_headers() {
        check_name(source, name, &name.value, diagnostics);
        match first_spellings.entry(name.value.to_ascii_lowercase()) {
            Entry::Occupied(first) => {
                diagnostics.push(repeated_name(source, first.get(), name));
            }
            Entry::Vacant(slot) => {
                slot.insert(name);
            }
        }
        if let Some((position, found)) = first_line_break(&value.value) {
            diagnostics.push(
                at(
                    source,
                    value,
                    Code::NotOneLine,
                    format!(
                        "the value of header `{}` spans several lines: it holds {} at character {}",
                        printable(&name.value),
                        line_break_name(found),
                        position + 1
                    ),
                )
                .with_help("write the value on one line after the name, such as `Retry-After: 30`: in the example, a line break would start a new header (a `|` block ends with one)"),
            );
        }
    }
    if let Some(header) = raw
        .retry_after
        .as_ref()
        .and_then(|r| r.value.header.as_ref())
    {
        // The model trims this name before it is shown, so the check does too.
        check_name(source, header, header.value.trim(), diagnostics);
    }
}

/// An E002 error when `name` (the text of `spanned`) is not an HTTP field name.
fn check_name(source: &SourceFile, spanned: &S<String>, name: &str, diagnostics: &mut Diagnostics) {
    let message = match name.chars().find(|&c| !is_tchar(c)) {
        None if !name.is_empty() => return,
        None => "a header name is empty".to_owned(),
        Some(c) => format!(
            "`{}` is not a header name: it holds {}",
            printable(name),
            char_name(c)
        ),
    };
    diagnostics.push(
        at(source, spanned, Code::WrongType, message)
            .with_help("a header name is one word of ASCII letters, digits and ``!#$%&'*+-.^_`|~`` (RFC 9110), such as `Retry-After`: no spaces, and no colon, as YAML's `:` already ends the name"),
    );
}

/// The E004 error for `name`, a header that `first` names already, in another case: a
/// client reads the two as one header, and the example shows it twice.
fn repeated_name(source: &SourceFile, first: &S<String>, name: &S<String>) -> Diagnostic {
    let (start, end) = source.span_of(&name.referenced);
    let line = first.referenced.line();
    repeated_header(&source.path, start, end, &name.value, &first.value, line)
}

/// The E004 error for header `name` at `start`..`end` in the file at `path`, which
/// `first_name` on line `first_line` is already, in another case. The key walk of a
/// file that does not parse reports these too, in the same words.
pub(crate) fn repeated_header(
    path: &str,
    start: Position,
    end: Position,
    name: &str,
    first_name: &str,
    first_line: u64,
) -> Diagnostic {
    const KEEP_ONE: &str = "keep one (for a header whose value is a list, write its items on one line, separated by `, `)";
    let (name, first_name) = (printable(name), printable(first_name));
    let diagnostic =
        |message: String| Diagnostic::new(Code::DuplicateKey, path, start, end, message);
    // Spelt alike, they are two keys to YAML only as a number and a text (`12:` and
    // `"12":`); "ignore case" would leave the writer looking for a difference of case.
    if name == first_name {
        return diagnostic(format!("duplicate header `{name}`: line {first_line} names it too"))
            .with_help(format!("YAML reads one of the two as a number and the other as text, so they are two keys to it, but a client reads one header `{name}`; {KEEP_ONE}"));
    }
    diagnostic(format!(
        "duplicate header `{name}`: line {first_line} names it too, as `{first_name}`"
    ))
    .with_help(format!(
        "HTTP header names ignore case (RFC 9110), so a client reads these as one header; {KEEP_ONE}"
    ))
}

/// Whether `c` may appear in an HTTP token (RFC 9110, section 5.6.2: `tchar`).
fn is_tchar(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `code line:column message` of what the header check finds in a response with
    /// these `headers` lines.
    fn header_problems(headers: &str) -> Vec<String> {
        crate::check::response_header_problems(headers, |file, _, diagnostics| {
            check_headers(file, diagnostics);
        })
    }

    #[test]
    fn a_header_written_again_in_another_case_is_a_duplicate() {
        assert_eq!(
            header_problems(
                "    Retry-After: '30'\n    Content-Type: text/plain\n    retry-after: '60'\n    RETRY-AFTER: '90'\n"
            ),
            [
                "E004 12:5 duplicate header `retry-after`: line 10 names it too, as `Retry-After`",
                "E004 13:5 duplicate header `RETRY-AFTER`: line 10 names it too, as `Retry-After`",
            ]
        );
        // Names that only look alike are two headers.
        assert!(header_problems("    X-Rate: '1'\n    X-Rate-Limit: '2'\n").is_empty());
    }

    #[test]
    fn a_header_written_again_as_text_after_a_number_is_a_duplicate_without_a_case() {
        // Two keys to YAML, a number and a text, but one header to a client. It was told
        // "as `12`" of `12`, with a help about case, which the two do not differ in.
        assert_eq!(
            header_problems("    12: a\n    \"12\": b\n"),
            ["E004 11:5 duplicate header `12`: line 10 names it too"]
        );
        let at = Position { line: 1, column: 1 };
        let help = repeated_header("errors/x.yaml", at, at, "12", "12", 1).help;
        assert!(
            help.is_some_and(|h| h.starts_with("YAML reads one of the two as a number")),
            "a help about numbers and text"
        );
    }

    #[test]
    fn a_repeated_header_is_quoted_with_its_invisible_characters_escaped() {
        // Such a name is no token (E002) either; the duplicate is reported all the same,
        // and neither message lets the escape reach a terminal.
        let found = header_problems("    \"X-A\\e[2J\": '1'\n    \"x-a\\e[2J\": '2'\n");
        assert!(
            found.contains(
                &"E004 11:5 duplicate header `x-a\\u{1b}[2J`: line 10 names it too, as `X-A\\u{1b}[2J`"
                    .to_owned()
            ),
            "{found:?}"
        );
        assert!(found.iter().all(|f| !f.contains('\u{1b}')), "{found:?}");
    }

    #[test]
    fn header_names_are_rfc_9110_tokens() {
        for good in [
            "Retry-After",
            "X-Request-Id",
            "www-authenticate",
            "a!#$%&'*+-.^_`|~9",
        ] {
            assert!(good.chars().all(is_tchar), "{good}");
        }
        for bad in [
            "Retry After",
            "X-Foo:",
            "Ünïcode",
            "a\tb",
            "a\nb",
            "(x)",
            "a/b",
            "a\"b",
            "{x}",
        ] {
            assert!(!bad.chars().all(is_tchar), "{bad}");
        }
    }
}
