//! Printing diagnostics: rustc-style for people, JSON for tools, workflow commands for
//! GitHub Actions.
//!
//! Paths are printed joined to the catalog folder as the user named it
//! (`catalog/errors/x.yaml`), so they can be clicked in a terminal or an editor and
//! match the repository paths GitHub annotates.

use crate::check::printable;
use crate::diagnostic::{Diagnostic, Position, Severity};
use crate::source::SourceFile;
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Output format of `errdex check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Source snippets with carets, for people.
    Human,
    /// One JSON array of diagnostics, for tools.
    Json,
    /// GitHub Actions workflow commands (`::error file=…`), for CI annotations.
    Github,
}

/// Where the sources of diagnostics are, so snippets can show the offending line.
pub struct Sources<'a> {
    /// The catalog folder as the user wrote it, e.g. `catalog`.
    pub prefix: String,
    pub files: BTreeMap<&'a str, &'a SourceFile>,
}

impl Sources<'_> {
    /// `catalog/errors/x.yaml` for the catalog-relative `errors/x.yaml`.
    pub fn display_path(&self, file: &str) -> String {
        if self.prefix.is_empty() || self.prefix == "." {
            file.to_owned()
        } else {
            format!("{}/{file}", self.prefix.trim_end_matches('/'))
        }
    }
}

/// Renders diagnostics in the human format.
///
/// Each diagnostic is laid out on its own (in parallel: a large catalog can have
/// thousands of warnings) and the texts are joined in order.
pub fn human(diagnostics: &[Diagnostic], sources: &Sources<'_>, color: bool) -> String {
    use rayon::prelude::*;
    diagnostics
        .par_iter()
        .map(|d| human_one(d, sources, color))
        .collect::<Vec<String>>()
        .concat()
}

fn human_one(d: &Diagnostic, sources: &Sources<'_>, color: bool) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    let level = match d.severity() {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    // Messages quote what the catalog holds (a key, a body's message, a file name), and
    // a terminal acts on control characters: `\e]52;…` writes the clipboard, `\e[2K\r`
    // erases the line. They are printed escaped.
    let path = printable(&sources.display_path(&d.file));
    // The place before the severity word and the code and message after it: the word is
    // coloured on its own, so the header is built from these parts.
    let place = format!("{path}:{}:{}: ", d.start.line, d.start.column);
    let rest = format!("[{}]: {}", d.code.id(), printable(&d.message));
    let mut elements: Vec<annotate_snippets::Element<'_>> = Vec::new();
    // Only the line at fault is shown, so only that line is handed to the snippet
    // renderer: given the whole file it would lay out every line of it, for every
    // diagnostic. The slice stops before `\n` or `\r`, the line breaks of YAML
    // and of [`SourceFile`].
    // A line can be a whole minified JSON body, 1 MiB long: then only a window around
    // the caret is handed over, with `…` where it was cut, or every diagnostic on that
    // line would lay out all of it.
    let shown: String;
    if let Some(source) = sources.files.get(d.file.as_str()) {
        let text = source.text.as_str();
        let start = source.offset_of(d.start);
        let line_start = source.offset_of(Position {
            line: d.start.line,
            column: 1,
        });
        let view_end = char_boundary_at_or_before(text, start.saturating_add(LONG_LINE_CONTEXT));
        let line_end = text[start..view_end]
            .find(['\n', '\r'])
            .map_or(view_end, |i| start + i);
        let end = source.offset_of(d.end).clamp(start, line_end);
        let end = if end == start {
            next_char_boundary(text, start, line_end)
        } else {
            end
        };
        let view_start = char_boundary_at_or_before(
            text,
            start.saturating_sub(LONG_LINE_CONTEXT).max(line_start),
        );
        let cut_before = if view_start > line_start { "…" } else { "" };
        let cut_after = if line_end == view_end
            && !text[line_end..].starts_with(['\n', '\r'])
            && line_end < text.len()
        {
            "…"
        } else {
            ""
        };
        shown = format!("{cut_before}{}{cut_after}", &text[view_start..line_end]);
        let offset = cut_before.len();
        elements.push(
            Snippet::source(shown.as_str())
                .line_start(d.start.line)
                .fold(true)
                .annotation(
                    AnnotationKind::Primary
                        .span(start - view_start + offset..end - view_start + offset),
                )
                .into(),
        );
    }
    let help = d.help.as_deref().map(printable);
    if let Some(help) = &help {
        elements.push(Level::HELP.message(help.as_str()).into());
    }
    let word = severity_word(d.severity());
    let title = if color {
        styled_header(&place, d.severity(), &rest)
    } else {
        format!("{place}{word}{rest}")
    };
    out.push_str(&title);
    out.push('\n');
    if !elements.is_empty() {
        let group = Group::with_level(level).elements(elements);
        out.push_str(&renderer.render(&[group]));
        out.push('\n');
    }
    out.push('\n');
    out
}

/// Bytes of a line shown on each side of a diagnostic's start.
const LONG_LINE_CONTEXT: usize = 1024;

/// `at`, or the char boundary before it, within `text`.
fn char_boundary_at_or_before(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn next_char_boundary(text: &str, start: usize, limit: usize) -> usize {
    text[start..limit]
        .chars()
        .next()
        .map_or(start, |c| start + c.len_utf8())
}

fn severity_word(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// The header in bold with the severity word coloured: `place` (`path:line:col: `) and
/// `rest` (`[E0xx]: message`) are the parts around the word. Built from the parts, as a
/// search for the word would find the `error` in `catalog/errors/x.yaml` first.
fn styled_header(place: &str, severity: Severity, rest: &str) -> String {
    let colour = match severity {
        Severity::Error => "\x1b[1;31m",
        Severity::Warning => "\x1b[1;33m",
    };
    let word = severity_word(severity);
    format!("\x1b[1m{place}{colour}{word}\x1b[0m\x1b[1m{rest}\x1b[0m")
}

/// The line after the tally that says where each code is explained, naming the first
/// error printed (the first warning when there is no error), as rustc names one after
/// its errors: a writer who meets `W017` for the first time learns that
/// `errdex explain W017` tells what it means, and one whose build failed is pointed at
/// what failed it.
pub fn explain_hint(diagnostics: &[Diagnostic]) -> Option<String> {
    let first = diagnostics
        .iter()
        .find(|d| d.severity() == Severity::Error)
        .or_else(|| diagnostics.first())?
        .code
        .id();
    Some(format!(
        "For more about a code, run `errdex explain {first}`."
    ))
}

/// The one-line tally printed after human diagnostics.
pub fn tally(errors: usize, warnings: usize) -> String {
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("1 {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    format!(
        "{} and {}",
        plural(errors, "error"),
        plural(warnings, "warning")
    )
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    file: String,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    severity: Severity,
    code: &'static str,
    message: &'a str,
    help: Option<&'a str>,
}

/// Renders diagnostics as one JSON array.
pub fn json(diagnostics: &[Diagnostic], sources: &Sources<'_>) -> String {
    let items: Vec<JsonDiagnostic<'_>> = diagnostics
        .iter()
        .map(|d| JsonDiagnostic {
            file: sources.display_path(&d.file),
            line: d.start.line,
            column: d.start.column,
            end_line: d.end.line,
            end_column: d.end.column,
            severity: d.severity(),
            code: d.code.id(),
            message: &d.message,
            help: d.help.as_deref(),
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&items).unwrap_or_else(|_| "[]".to_owned());
    out.push('\n');
    out
}

/// Renders diagnostics as GitHub Actions workflow commands.
pub fn github(diagnostics: &[Diagnostic], sources: &Sources<'_>) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let command = match d.severity() {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut message = printable(&d.message);
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(&printable(help));
        }
        let _ = writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            escape_property(&printable(&sources.display_path(&d.file))),
            d.start.line,
            d.start.column,
            d.end.line,
            d.end.column,
            escape_property(d.code.id()),
            escape_data(&message)
        );
    }
    out
}

/// Workflow-command data escaping: `%`, CR and LF.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Workflow-command property escaping: data escaping plus `:` and `,`.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_escaping() {
        assert_eq!(escape_data("50% done\nnext"), "50%25 done%0Anext");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }

    #[test]
    fn a_long_line_is_shown_around_the_caret_only() {
        let line = format!("body: {}<b>{}", "x".repeat(500_000), "y".repeat(500_000));
        let source = SourceFile::new("errors/x.yaml", format!("code: x\n{line}\nnext: 1\n"));
        let column = 6 + 500_000 + 1;
        let at = crate::diagnostic::Position { line: 2, column };
        let end = crate::diagnostic::Position {
            line: 2,
            column: column + 3,
        };
        let d = Diagnostic::new(
            crate::diagnostic::Code::RawHtml,
            "errors/x.yaml",
            at,
            end,
            "raw HTML",
        );
        let sources = Sources {
            prefix: String::new(),
            files: [("errors/x.yaml", &source)].into_iter().collect(),
        };
        let text = human(&[d], &sources, false);
        assert!(
            text.starts_with("errors/x.yaml:2:500007: error[E040]: raw HTML\n"),
            "{text}"
        );
        assert!(text.len() < 4_000, "{} bytes", text.len());
        // The caret is under `<b>`.
        let lines: Vec<&str> = text.lines().collect();
        let shown = lines
            .iter()
            .position(|l| l.contains("<b>"))
            .expect("the line is shown");
        let caret = lines[shown + 1].find('^').expect("a caret");
        assert_eq!(&lines[shown][caret..caret + 3], "<b>", "{text}");
        assert_eq!(lines[shown + 1].matches('^').count(), 3, "{text}");
    }

    #[test]
    fn control_characters_from_the_catalog_are_printed_escaped() {
        let d = Diagnostic::whole_file(
            crate::diagnostic::Code::BodyMessageUnknown,
            "errors/a\nb.yaml",
            "the body's message `\u{1b}]52;c;ZWNobw==\u{7}\u{1b}[2K\rWidget` is none of the messages",
        )
        .with_help("add `\u{1b}[31m` to `messages`");
        let sources = Sources {
            prefix: String::new(),
            files: BTreeMap::new(),
        };
        for text in [
            human(std::slice::from_ref(&d), &sources, false),
            github(std::slice::from_ref(&d), &sources),
        ] {
            assert!(!text.contains(['\u{1b}', '\u{7}', '\r']), "{text:?}");
            assert!(text.contains("\\u{1b}]52;c;ZWNobw==\\u{7}"), "{text}");
        }
    }

    #[test]
    fn the_severity_word_is_coloured_not_a_word_of_the_path() {
        let d = Diagnostic::new(
            crate::diagnostic::Code::RawHtml,
            "catalog/errors/x.yaml",
            crate::diagnostic::Position { line: 3, column: 5 },
            crate::diagnostic::Position { line: 3, column: 5 },
            "an error here",
        );
        let sources = Sources {
            prefix: String::new(),
            files: BTreeMap::new(),
        };
        let coloured = human(std::slice::from_ref(&d), &sources, true);
        let header = coloured.lines().next().unwrap_or_default();
        assert_eq!(
            header,
            "\x1b[1mcatalog/errors/x.yaml:3:5: \x1b[1;31merror\x1b[0m\x1b[1m[E040]: an error here\x1b[0m"
        );
        // Without colour, the same text.
        let plain = human(&[d], &sources, false);
        assert!(
            plain.starts_with("catalog/errors/x.yaml:3:5: error[E040]: an error here\n"),
            "{plain}"
        );
    }

    #[test]
    fn the_report_ends_by_naming_how_its_first_code_is_explained() {
        assert_eq!(explain_hint(&[]), None);
        let at = Position { line: 1, column: 1 };
        let diagnostics = [
            Diagnostic::new(
                crate::diagnostic::Code::BrokenLink,
                "errors/a.yaml",
                at,
                at,
                "x",
            ),
            Diagnostic::new(
                crate::diagnostic::Code::NotRetryable,
                "errors/b.yaml",
                at,
                at,
                "y",
            ),
        ];
        assert_eq!(
            explain_hint(&diagnostics).as_deref(),
            Some("For more about a code, run `errdex explain E042`.")
        );
        // An error printed after a warning is still the one named.
        let warning_first = [diagnostics[1].clone(), diagnostics[0].clone()];
        assert_eq!(
            explain_hint(&warning_first).as_deref(),
            Some("For more about a code, run `errdex explain E042`.")
        );
        assert_eq!(
            explain_hint(&diagnostics[1..]).as_deref(),
            Some("For more about a code, run `errdex explain W001`.")
        );
    }

    #[test]
    fn tally_pluralises() {
        assert_eq!(tally(1, 0), "1 error and 0 warnings");
        assert_eq!(tally(2, 1), "2 errors and 1 warning");
    }
}
