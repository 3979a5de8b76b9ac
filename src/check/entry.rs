//! Per-file checks of one `errors/<code>.yaml`.

use super::config::{OneLine, check_links, check_one_line, link_titles};
use super::visible::{char_name, how_blank, is_blank, is_invisible, visible};
use super::{ErrorFile, at};
pub use crate::codes::is_valid_code;
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Position};
use crate::load::raw::{FLAG_WORDS, RawError, RawMessage, S};
use crate::message_template::{
    Part, is_name_character, is_placeholder_name, name_run_len, parts, starts_with_placeholder,
};
use crate::model::{
    Agent, AgentAction, Cause, ErrorEntry, Example, FieldError, Message, Response, RetryAfter,
};
use crate::source::SourceFile;
use std::collections::BTreeMap;
use std::collections::btree_map::Entry;

/// Longest summary that still reads well as one llms.txt line.
pub const MAX_SUMMARY_CHARS: usize = 200;

/// Why `code` is not a valid code, in words, or `None` when it is one: the first rule
/// it breaks, naming a character the writer may not be able to see. Only called for a
/// code [`is_valid_code`] refused; a test keeps the two in agreement.
pub fn code_problem(code: &str) -> Option<String> {
    let Some(first) = code.chars().next() else {
        return Some("it is empty".to_owned());
    };
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || "_.-".contains(c);
    if let Some((index, c)) = code.chars().enumerate().find(|&(_, c)| !allowed(c)) {
        let what = if c.is_ascii_uppercase() {
            format!("the upper-case letter `{c}` (codes are lower-case)")
        } else {
            char_name(c)
        };
        return Some(format!("character {} is {what}", index + 1));
    }
    if code.len() > crate::codes::MAX_CODE_LENGTH {
        Some(format!(
            "it is {} characters long, over {}",
            code.len(),
            crate::codes::MAX_CODE_LENGTH
        ))
    } else if !first.is_ascii_alphanumeric() {
        Some(format!("it starts with `{first}`"))
    } else if code == "." || code.contains("..") {
        Some("it contains `..`".to_owned())
    } else {
        None
    }
}

/// The fields of an error file that are one line.
pub(super) fn one_line_fields(raw: &RawError) -> Vec<OneLine<'_>> {
    let mut fields = vec![
        OneLine::beside_description(&raw.title, "title"),
        OneLine::beside_description(&raw.summary, "summary"),
    ];
    for message in raw.messages.iter().flat_map(|m| &m.value) {
        fields.push(OneLine {
            value: &message.message,
            key: "message",
            instead: "write it with a space for each line break (a body that sends it over several lines still matches it), and explain it in the message's `cause` and `resolution`",
        });
    }
    for example in raw.examples.iter().flat_map(|e| &e.value) {
        fields.push(OneLine::beside_description(&example.title, "title"));
        fields.push(OneLine {
            value: &example.lang,
            key: "lang",
            instead: "it names the example's language, such as `sh` or `json`",
        });
    }
    fields.extend(link_titles(raw.links.as_ref()));
    fields
}

pub(super) fn check_entry(file: &ErrorFile<'_>, diagnostics: &mut Diagnostics) {
    let (source, raw) = (file.source, file.raw);
    let code = &raw.code.value;
    if !is_valid_code(code) {
        let why = code_problem(code).unwrap_or_default();
        let help = match crate::codes::code_for(code).filter(|slug| slug != code) {
            Some(slug) => format!(
                "write `code: {slug}`, in a file named `{slug}.yaml`: codes are lower case, as they name the error's pages; the response body may keep the API's spelling (`{}`), which the body check accepts and the outputs show as the code the API sends",
                visible(code)
            ),
            None => "codes are 1–64 characters of lower-case letters, digits, `_`, `.` and `-`, starting with a letter or digit (e.g. `rate_limited`); `..` is not allowed".to_owned(),
        };
        diagnostics.push(
            at(
                source,
                &raw.code,
                Code::InvalidCode,
                format!("`{}` is not a valid error code: {why}", visible(code)),
            )
            .with_help(help),
        );
    } else if *code != file.stem {
        diagnostics.push(stem_mismatch(source, &raw.code, file.stem));
    }
    // The code names the error's file and its pages (`errors/con.yaml`, `errors/con/`),
    // which Windows refuses for a device name and strips a final dot from.
    if is_valid_code(code)
        && (crate::load::static_files::is_device_name(code) || code.ends_with('.'))
    {
        let (why, so) = if code.ends_with('.') {
            (
                "ends in `.`, which Windows drops from a file name",
                format!(
                    "a build on Windows writes its pages where no link leads (`errors/{code}/` is `errors/{}/` there)",
                    code.trim_end_matches('.')
                ),
            )
        } else {
            (
                "is the name of a device on Windows, which no file there may have",
                "writers on Windows can neither check out this error's file nor build its pages"
                    .to_owned(),
            )
        };
        diagnostics.push(
            at(
                source,
                &raw.code,
                Code::NotAWindowsName,
                format!("code `{code}` {why}"),
            )
            .with_help(format!(
                "{so}; if the API does not send this code yet, choose another"
            )),
        );
    }

    check_unquoted(source, &raw.status, "status", "a number", diagnostics);
    check_unquoted(
        source,
        &raw.retryable,
        "retryable",
        "`true` or `false`",
        diagnostics,
    );
    if let Some(seconds) = raw
        .retry_after
        .as_ref()
        .and_then(|r| r.value.seconds.as_ref())
    {
        check_unquoted(source, seconds, "seconds", "a number", diagnostics);
    }
    let status = raw.status.value;
    if !(400..=599).contains(&status) {
        diagnostics.push(
            at(
                source,
                &raw.status,
                Code::StatusOutOfRange,
                format!("status {status} is not an HTTP error status"),
            )
            .with_help(
                "error statuses are 400–599; success codes belong in `statuses` in errdex.yaml",
            ),
        );
    }

    for field in one_line_fields(raw) {
        check_one_line(source, &field, diagnostics);
    }
    let summary_chars = raw.summary.value.trim().chars().count();
    if summary_chars > MAX_SUMMARY_CHARS {
        // The characters past the limit are underlined, as line-length lints do.
        let text = &raw.summary.value;
        let leading = text.len() - text.trim_start().len();
        let past = text[leading..]
            .char_indices()
            .nth(MAX_SUMMARY_CHARS)
            .map_or(text.len(), |(i, _)| leading + i);
        let end = leading + text.trim().len();
        diagnostics.push(
            super::at_markdown_range(source, &raw.summary, past..end, Code::SummaryTooLong, format!("summary is {summary_chars} characters, over {MAX_SUMMARY_CHARS}"))
                .with_help("llms.txt shows the summary on one line; keep it to one sentence and move detail to `description`"),
        );
    }
    if is_blank(&raw.agent.guidance.value) {
        diagnostics.push(
            at(
                source,
                &raw.agent.guidance,
                Code::EmptySection,
                format!("`agent.guidance` {}", how_blank(&raw.agent.guidance.value)),
            )
            .with_help("tell an AI agent what to do when it receives this error"),
        );
    }

    let action = raw.agent.action.value;
    // A 429 or 503 that waiting cannot fix exists (a used-up quota or plan: OpenAI's
    // `insufficient_quota` is a 429), and a writer who says a person has to act (ask
    // the user, contact support, stop) has decided it is one: warning them would leave
    // `--strict` no way to pass but to tell agents to retry in vain.
    let person_must_act = matches!(
        action,
        AgentAction::Stop | AgentAction::AskUser | AgentAction::ContactSupport
    );
    if (status == 429 || status == 503) && !raw.retryable.value && !person_must_act {
        diagnostics.push(
            at(source, &raw.retryable, Code::NotRetryable, format!("a {status} error is marked not retryable"))
                .with_help(format!("clients retry {status} responses after a delay; set `retryable: true` and describe `retry_after`; if waiting cannot help (a used-up quota), set `agent.action` to `ask_user`, `contact_support` or `stop`, which says so")),
        );
    }
    if !raw.retryable.value && matches!(action, AgentAction::Retry | AgentAction::RetryLater) {
        // `retryable: false` says the same request cannot succeed later; an agent told to
        // retry it would loop on a request that is bound to fail.
        diagnostics.push(
            at(
                source,
                &raw.agent.action,
                Code::RetryActionNotRetryable,
                format!(
                    "`agent.action` is `{}`, but the error is marked `retryable: false`",
                    action.as_str()
                ),
            )
            .with_help("set `retryable: true` if the same request can succeed later, or choose another action, such as `fix_request` or `stop`"),
        );
    }
    if raw.retryable.value && matches!(action, AgentAction::Stop | AgentAction::FixRequest) {
        // `retryable: true` says the same request may succeed later; `stop` and
        // `fix_request` say not to send it again as it is. An agent reading both (in
        // errors.json, or `lookup`'s "fix_request, retryable") cannot tell which holds.
        diagnostics.push(
            at(
                source,
                &raw.retryable,
                Code::RetryableButNotRetried,
                format!(
                    "the error is marked `retryable: true`, but `agent.action` is `{}`",
                    action.as_str()
                ),
            )
            .with_help(format!(
                "set `retryable: false` if the same request cannot succeed later, as `{}` says; or, if it can, make the action `retry` or `retry_later`",
                action.as_str()
            )),
        );
    }
    if raw.retryable.value && matches!(action, AgentAction::RetryLater) {
        // `retry_later` is "wait, then send the same request again": an agent told that
        // learns how long from `retry_after` (errors.json, the page, `lookup`), and
        // without it guesses. A wait of 0 seconds, with no header, is `retry`.
        let zero_wait = raw.retry_after.as_ref().and_then(|after| {
            let seconds = after.value.seconds.as_ref()?;
            (after.value.header.is_none() && seconds.value == 0).then_some(seconds)
        });
        if raw.retry_after.is_none() {
            diagnostics.push(at(
                source,
                &raw.agent.action,
                Code::RetryLaterWithoutWait,
                "`agent.action` is `retry_later`, but no `retry_after` says how long to wait",
            )
            .with_help("add `retry_after` with the response header that gives the wait (`header: Retry-After`), the seconds to wait (`seconds: 30`), or both; if the request can be sent again at once, make the action `retry`"));
        } else if let Some(seconds) = zero_wait {
            diagnostics.push(at(
                source,
                seconds,
                Code::RetryLaterWithoutWait,
                "`retry_after` waits 0 seconds, but `agent.action` is `retry_later`",
            )
            .with_help("give the seconds to wait, or name the response header that gives them (`header: Retry-After`); if the request can be sent again at once, make the action `retry`"));
        }
    }
    if let Some(retry_after) = &raw.retry_after {
        if !raw.retryable.value {
            diagnostics.push(
                at(
                    source,
                    retry_after,
                    Code::RetryAfterNotRetryable,
                    "`retry_after` is set but the error is not retryable",
                )
                .with_help("remove `retry_after`, or set `retryable: true`"),
            );
        }
        if retry_after.value.header.is_none() && retry_after.value.seconds.is_none() {
            diagnostics.push(
                at(
                    source,
                    retry_after,
                    Code::MissingField,
                    "`retry_after` names neither `header` nor `seconds`",
                )
                .with_help("add `header: Retry-After` or `seconds: 30`"),
            );
        }
    }

    if let Some(messages) = &raw.messages {
        for message in &messages.value {
            if let Some((range, meant)) = foreign_placeholder(&message.message.value) {
                let written = &message.message.value[range.clone()];
                diagnostics.push(
                    super::at_markdown_range(
                        source,
                        &message.message,
                        range.clone(),
                        Code::ForeignPlaceholder,
                        format!("`{}` marks a part that varies in another template language's style, which errdex reads as text", visible(written)),
                    )
                    .with_help(format!("write `{meant}`, or another name in one pair of braces: errdex marks a part that varies so, and reads anything else as the message's own text, so `lookup`, search and the body check would match no message the API sends")),
                );
            }
            let Some(malformed) = malformed_placeholder(&message.message.value) else {
                continue;
            };
            let (problem, help) = match malformed {
                Malformed::Unclosed { name, .. } => (
                    format!("placeholder `{{{name}` is not closed"),
                    format!("write `{{{name}}}` for a variable part of the message"),
                ),
                Malformed::NotAName { inside, bad, .. } => (
                    format!(
                        "placeholder `{{{}}}` has {} in its name",
                        visible(inside),
                        character_name(bad)
                    ),
                    format!(
                        "a placeholder's name holds only ASCII letters, digits, `_`, `-` and `.`: write `{{{}}}` for a variable part of the message",
                        inside
                            .split(|c: char| !is_name_character(c))
                            .filter(|part| !part.is_empty())
                            .collect::<Vec<_>>()
                            .join("_")
                    ),
                ),
            };
            // Pointed at the placeholder, not the whole message.
            diagnostics.push(
                super::at_markdown_range(
                    source,
                    &message.message,
                    malformed.range(),
                    Code::InvalidTemplate,
                    problem,
                )
                .with_help(help),
            );
        }
    }
    if let Some(links) = &raw.links {
        check_links(source, &links.value, diagnostics);
    }

    warn_if_empty_opt(source, &raw.when, "when", diagnostics);
    warn_if_empty_opt(source, &raw.causes, "causes", diagnostics);
    warn_if_empty_opt(source, &raw.messages, "messages", diagnostics);
    warn_if_empty_opt(source, &raw.fields, "fields", diagnostics);
    warn_if_empty_opt(source, &raw.endpoints, "endpoints", diagnostics);
    warn_if_empty_opt(source, &raw.fix, "fix", diagnostics);
    warn_if_empty_opt(source, &raw.gotchas, "gotchas", diagnostics);
    warn_if_empty_opt(source, &raw.examples, "examples", diagnostics);
    warn_if_empty_opt(source, &raw.related, "related", diagnostics);
    warn_if_empty_opt(source, &raw.links, "links", diagnostics);
    if let Some(related) = &raw.related {
        warn_repeated_related(source, &related.value, diagnostics);
    }
    if let Some(messages) = &raw.messages {
        warn_repeated_messages(source, &messages.value, diagnostics);
    }
    if let Some(deprecated) = &raw.deprecated {
        check_not_a_flag(
            source,
            deprecated,
            NotAFlag {
                key: "deprecated",
                holds: "a note",
                shown_as: "the reason",
                help: "write why the error is deprecated and what to use instead, such as `deprecated: Replaced by new_code in v3.`, or remove the key if the error is not deprecated",
            },
            diagnostics,
        );
    }
    if let Some(since) = &raw.since {
        check_not_a_flag(
            source,
            since,
            NotAFlag {
                key: "since",
                holds: "a version or date",
                shown_as: "the version that introduced the error",
                help: "write when the error was introduced, such as `since: v2.3` or `since: \"2024-05-01\"`, or remove the key",
            },
            diagnostics,
        );
    }
    for (field, value) in [
        ("description", &raw.description),
        ("deprecated", &raw.deprecated),
        ("since", &raw.since),
    ] {
        if let Some(value) = value
            && value.value.trim().is_empty()
        {
            diagnostics.push(
                at(
                    source,
                    value,
                    Code::EmptySection,
                    format!("`{field}` is empty"),
                )
                .with_help(format!("write the {field}, or remove the key")),
            );
        }
    }
    for (field, items) in [
        ("when", &raw.when),
        ("fix", &raw.fix),
        ("gotchas", &raw.gotchas),
        ("endpoints", &raw.endpoints),
    ] {
        for item in items.iter().flat_map(|i| &i.value) {
            if is_blank(&item.value) {
                diagnostics.push(
                    at(
                        source,
                        item,
                        Code::EmptySection,
                        format!("an item of `{field}` {}", how_blank(&item.value)),
                    )
                    .with_help("write the item, or remove the `- ` line"),
                );
            }
        }
    }
}

/// E002 for a number or a boolean written in quotes (`status: "404"`) or as a block
/// (`status: >-` and `404` on the next line). The loader reads
/// it as the number all the same, but in YAML a quoted value is text: the JSON Schema
/// editors check against (`errdex schema`), and every other YAML tool, see a string
/// where the format has a number. So `check` refuses it too, with the fix, and the two
/// agree.
pub(super) fn check_unquoted<T: std::fmt::Display>(
    source: &SourceFile,
    value: &S<T>,
    key: &str,
    kind: &str,
    diagnostics: &mut Diagnostics,
) {
    let (start, end) = source.span_of(&value.referenced);
    if let Some(found) = written_as_text(source, start, end, key, kind, &value.value) {
        diagnostics.push(found);
    }
}

/// The E002 of [`check_unquoted`] for the value written from `start` to `end`, which
/// the loader reads as `value`, when it is written in quotes or as a block. Also what
/// the loader's walk of a file that does not parse reports, so the mistake is named
/// with the file's other problems, in the same words.
pub(crate) fn written_as_text(
    source: &SourceFile,
    start: Position,
    end: Position,
    key: &str,
    kind: &str,
    value: impl std::fmt::Display,
) -> Option<Diagnostic> {
    let written = source.text_from(start);
    let before = source.text_before(start);
    // A tag makes it what it names, whatever the quotes: `!!int "429"` is a number.
    let tagged = before
        .trim_end()
        .rsplit([' ', '\t', '\n'])
        .next()
        .is_some_and(|last| last.starts_with('!'));
    let block = is_block_content(before);
    let how = match written.chars().next() {
        _ if tagged => return None,
        _ if block => "a block (`|` or `>`)",
        Some('"' | '\'') => "in quotes",
        _ => return None,
    };
    let without = if block {
        " on one line, without `|` or `>`"
    } else {
        ", without quotes"
    };
    Some(
        Diagnostic::new(
            Code::WrongType,
            &source.path,
            start,
            end,
            format!("`{key}` is {kind}, but this one is {how}, which YAML reads as text"),
        )
        .with_help(format!("write `{key}: {value}`{without}")),
    )
}

/// Whether the value that `before` is the text before is the first line of a block
/// scalar: it starts its line, and the line above that is not blank is the block's
/// header, `key: |` or `>-`, a comment after it aside. (A comment line there would be
/// the block's text, so a value below one is no block.)
fn is_block_content(before: &str) -> bool {
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    if !before[line_start..].trim().is_empty() {
        return false;
    }
    let Some(header) = before[..line_start]
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
    else {
        return false;
    };
    // A comment starts at a `#` after a space or a tab.
    let header = [" #", "\t#"]
        .iter()
        .filter_map(|mark| header.find(mark))
        .min()
        .map_or(header, |comment| &header[..comment]);
    let last = header.trim_end().rsplit([' ', '\t']).next().unwrap_or("");
    last.starts_with(['|', '>'])
        && last[1..]
            .chars()
            .all(|c| matches!(c, '-' | '+' | '1'..='9'))
}

/// What a text field holds instead of a yes/no word, for [`check_not_a_flag`].
struct NotAFlag<'a> {
    /// The YAML key, e.g. `since`.
    key: &'a str,
    /// What the field holds, e.g. "a note".
    holds: &'a str,
    /// What a reader would take the word for, e.g. "the reason".
    shown_as: &'a str,
    help: &'a str,
}

/// An E002 error when a text field holds only a yes/no word.
///
/// `deprecated` (a Markdown note) and `since` (a version or date) are text, but writers
/// reach for `deprecated: false` or `since: yes` as flags. With strict booleans these
/// parse as text, and would be published as a note saying "false" or a version "yes".
fn check_not_a_flag(
    source: &SourceFile,
    value: &S<String>,
    what: NotAFlag<'_>,
    diagnostics: &mut Diagnostics,
) {
    let word = value.value.trim();
    let is_flag = FLAG_WORDS
        .iter()
        .any(|flag| word.eq_ignore_ascii_case(flag));
    if is_flag {
        diagnostics.push(
            at(
                source,
                value,
                Code::WrongType,
                format!(
                    "`{}` is {}, not a flag: `{word}` would be shown as {}",
                    what.key, what.holds, what.shown_as
                ),
            )
            .with_help(what.help),
        );
    }
}

/// A W008 warning at each code `related` lists again: the page would link to it twice.
/// (A code naming itself is E016, found with the codes that do not exist.)
fn warn_repeated_related(
    source: &SourceFile,
    related: &[S<String>],
    diagnostics: &mut Diagnostics,
) {
    let mut first_lines: BTreeMap<&str, u64> = BTreeMap::new();
    for code in related {
        let line = code.referenced.line();
        match first_lines.entry(code.value.as_str()) {
            Entry::Vacant(first) => {
                first.insert(line);
            }
            Entry::Occupied(first) => diagnostics.push(
                at(
                    source,
                    code,
                    Code::DuplicateRelated,
                    format!("`{}` is already in `related`", code.value),
                )
                .with_help(format!(
                    "remove this entry: the page would link to `{}` twice (it is first listed at line {})",
                    code.value,
                    first.get()
                )),
            ),
        }
    }
}

/// A W010 warning at each message `messages` lists again, placeholder names aside
/// (`Project {id} not found` is `Project {project} not found`): every table of the page,
/// its Markdown and `errors.json` would list it twice.
fn warn_repeated_messages(
    source: &SourceFile,
    messages: &[RawMessage],
    diagnostics: &mut Diagnostics,
) {
    // A message as its literal texts, with `None` for each placeholder.
    let mut first: BTreeMap<Vec<Option<&str>>, &S<String>> = BTreeMap::new();
    for message in messages.iter().map(|m| &m.message) {
        let text = message.value.trim();
        let pieces = parts(text).into_iter().map(|part| match part {
            Part::Text(text) => Some(text),
            Part::Placeholder(_) => None,
        });
        match first.entry(pieces.collect()) {
            Entry::Vacant(entry) => {
                entry.insert(message);
            }
            Entry::Occupied(entry) => {
                let earlier = entry.get();
                let line = earlier.referenced.line();
                let written = earlier.value.trim();
                let problem = if written == text {
                    format!("message `{text}` is already listed at line {line}")
                } else {
                    format!("message `{text}` is already listed at line {line}, as `{written}`")
                };
                diagnostics.push(
                    at(source, message, Code::DuplicateMessage, problem).with_help(
                        "remove this entry, keeping its `cause` and `resolution` in the first if they say more: the page, its Markdown and `errors.json` would list the message twice",
                    ),
                );
            }
        }
    }
}

/// A W003 warning when a list is present but has no items.
pub(super) fn warn_if_empty<T>(
    source: &SourceFile,
    list: &S<Vec<T>>,
    field: &str,
    diagnostics: &mut Diagnostics,
) {
    if list.value.is_empty() {
        diagnostics.push(
            at(
                source,
                list,
                Code::EmptySection,
                format!("`{field}` is empty"),
            )
            .with_help(format!(
                "add items to `{field}`, or remove the key so the section is not shown"
            )),
        );
    }
}

fn warn_if_empty_opt<T>(
    source: &SourceFile,
    list: &Option<S<Vec<T>>>,
    field: &str,
    diagnostics: &mut Diagnostics,
) {
    if let Some(list) = list {
        warn_if_empty(source, list, field, diagnostics);
    }
}

/// A brace that opens a placeholder name but does not make a placeholder: the message
/// would show it as written, braces and all.
#[derive(Debug, PartialEq)]
enum Malformed<'a> {
    /// `Branch {branch does…`: a name that never closes.
    Unclosed { name: &'a str, at: usize },
    /// `{a b}`: closed, but with `bad`, which no name holds, inside it.
    NotAName {
        inside: &'a str,
        bad: char,
        at: usize,
    },
}

impl Malformed<'_> {
    /// The bytes of the message it is written in: from its `{` to its name's end, or
    /// to its `}`.
    fn range(&self) -> std::ops::Range<usize> {
        match self {
            Malformed::Unclosed { name, at } => *at..at + 1 + name.len(),
            Malformed::NotAName { inside, at, .. } => *at..at + 2 + inside.len(),
        }
    }
}

/// The first part of `message` that marks a variable part in another template
/// language's style, which [`parts`] reads as text: `{{name}}` or `{{ name }}`
/// (Mustache, Handlebars, Jinja, as messages copied from translation files have them),
/// `%(name)s` (Python) and printf's `%s`, `%d`, `%1$s`. Its byte range, and the
/// placeholder to write instead. A `%` before a word (`%success`) or a space (`50% off`)
/// is text.
fn foreign_placeholder(message: &str) -> Option<(std::ops::Range<usize>, String)> {
    // The name that starts at byte `from`, and where it ends. A name holds no brace,
    // `%` or `(`, so each scan stops before the next place it is started from: linear in
    // the message however many `{{` or `%(` it holds.
    let name_from = |from: usize| {
        let len = name_run_len(&message[from..]);
        (&message[from..from + len], from + len)
    };
    let spaces_from = |from: usize| {
        let text = &message[from..];
        from + text.len() - text.trim_start_matches(' ').len()
    };
    for (at, _) in message.match_indices("{{") {
        let (name, end) = name_from(spaces_from(at + 2));
        let close = spaces_from(end);
        if is_placeholder_name(name) && message[close..].starts_with("}}") {
            return Some((at..close + 2, format!("{{{name}}}")));
        }
    }
    const VERBS: &[char] = &['s', 'd', 'i', 'f', 'u', 'x', 'v', '@'];
    for (at, _) in message.match_indices('%') {
        let rest = &message[at + 1..];
        // `%(name)s`
        if rest.starts_with('(') {
            let (name, end) = name_from(at + 2);
            if is_placeholder_name(name)
                && let Some(after) = message[end..].strip_prefix(')')
                && after.starts_with(VERBS)
            {
                return Some((at..end + 2, format!("{{{name}}}")));
            }
        }
        // `%s`, `%d`, `%1$s`: a verb that ends a word.
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let (skip, verb_at) = match rest[digits..].strip_prefix('$') {
            Some(_) if digits > 0 => (digits + 1, &rest[digits + 1..]),
            _ => (0, rest),
        };
        let mut chars = verb_at.chars();
        if chars.next().is_some_and(|c| VERBS.contains(&c))
            && !chars.next().is_some_and(char::is_alphanumeric)
        {
            return Some((at..at + 1 + skip + 1, "{value}".to_owned()));
        }
    }
    None
}

/// The first brace in `message` that starts a name but is not a placeholder, if any.
fn malformed_placeholder(message: &str) -> Option<Malformed<'_>> {
    let mut rest = message;
    while let Some(i) = rest.find('{') {
        let after = &rest[i + 1..];
        let name_len = name_run_len(after);
        let name = &after[..name_len];
        let next = after[name_len..].chars().next();
        // `{"a": 1}`, `{a: 1}`, `{a:'x'}`: an object written out, shown as it is. But a
        // colon straight before a placeholder (`{owner:{branch}`) is an open one.
        let object_like = match next {
            Some('"' | '\'') => true,
            Some(':') => !starts_with_placeholder(&after[name_len + 1..]),
            _ => false,
        };
        if is_placeholder_name(name) && next != Some('}') && !object_like {
            // A `}` before any other `{` closes it: the name is what is wrong.
            let tail = &after[name_len..];
            let at = message.len() - rest.len() + i;
            return Some(match (next, tail.find(['{', '}'])) {
                (Some(bad), Some(end)) if tail[end..].starts_with('}') => Malformed::NotAName {
                    inside: &after[..name_len + end],
                    bad,
                    at,
                },
                _ => Malformed::Unclosed { name, at },
            });
        }
        rest = after;
    }
    None
}

/// A character as a message names it: `a space`, `` `/` ``, `` `é` (U+00E9) ``.
fn character_name(c: char) -> String {
    if c == ' ' {
        "a space".to_owned()
    } else if is_invisible(c) {
        format!("U+{:04X}, an invisible character,", u32::from(c))
    } else if c.is_ascii() {
        format!("`{c}`")
    } else {
        format!("`{c}` (U+{:04X})", u32::from(c))
    }
}

/// The validated entry, made by moving the raw values: most strings need no trimming,
/// so they change hands without a copy (a large catalog's text is hundreds of MB).
pub(super) fn to_model(raw: RawError, source_path: &str, sent_as: Option<String>) -> ErrorEntry {
    let text = |s: Option<S<String>>| s.map(|s| trim_end_owned(s.value));
    // A blank item is W003; the outputs leave it out rather than show an empty bullet,
    // step or code span.
    let list = |l: Option<S<Vec<S<String>>>>| {
        l.into_iter()
            .flat_map(|l| l.value)
            .filter(|s| !is_blank(&s.value))
            .map(|s| trim_end_owned(s.value))
            .collect::<Vec<_>>()
    };
    let links = super::config::links_to_model(raw.links.as_ref());
    ErrorEntry {
        code: raw.code.value,
        sent_as,
        title: trim_owned(raw.title.value),
        status: u16::try_from(raw.status.value).unwrap_or(500),
        summary: trim_owned(raw.summary.value),
        group: raw.group.map(|g| g.value),
        description: text(raw.description),
        when: list(raw.when),
        causes: raw
            .causes
            .into_iter()
            .flat_map(|c| c.value)
            .map(|c| Cause {
                cause: trim_end_owned(c.cause.value),
                resolution: trim_end_owned(c.resolution.value),
            })
            .collect(),
        messages: raw
            .messages
            .into_iter()
            .flat_map(|m| m.value)
            .map(|m| Message {
                message: trim_owned(m.message.value),
                cause: text(m.cause),
                resolution: text(m.resolution),
            })
            .collect(),
        fields: raw
            .fields
            .into_iter()
            .flat_map(|f| f.value)
            .map(|f| FieldError {
                field: trim_owned(f.field.value),
                cause: trim_end_owned(f.cause.value),
            })
            .collect(),
        endpoints: list(raw.endpoints),
        fix: list(raw.fix),
        gotchas: list(raw.gotchas),
        response: raw.response.map(|r| Response {
            envelope: r.value.envelope.map(|e| e.value),
            body: trim_end_owned(r.value.body.value),
            headers: r
                .value
                .headers
                .into_iter()
                .flat_map(|h| h.value.0)
                .map(|(name, value)| (name.value, value.value))
                .collect(),
        }),
        examples: raw
            .examples
            .into_iter()
            .flat_map(|e| e.value)
            .map(|e| Example {
                title: trim_owned(e.title.value),
                lang: trim_owned(e.lang.value),
                code: trim_end_owned(e.code.value),
            })
            .collect(),
        retryable: raw.retryable.value,
        retry_after: raw.retry_after.map(|r| RetryAfter {
            header: r.value.header.map(|h| trim_owned(h.value)),
            seconds: r.value.seconds.map(|s| s.value),
        }),
        agent: Agent {
            action: raw.agent.action.value,
            guidance: trim_end_owned(raw.agent.guidance.value),
        },
        related: list(raw.related),
        links,
        since: raw.since.map(|s| trim_owned(s.value)),
        deprecated: text(raw.deprecated),
        replaced_by: raw.replaced_by.map(|r| r.value),
        source: source_path.to_owned(),
    }
}

/// `text` without trailing whitespace, in its own buffer.
fn trim_end_owned(mut text: String) -> String {
    text.truncate(text.trim_end().len());
    text
}

/// `text` without surrounding whitespace; copied only when it starts with whitespace.
fn trim_owned(text: String) -> String {
    let text = trim_end_owned(text);
    if text.starts_with(char::is_whitespace) {
        text.trim_start().to_owned()
    } else {
        text
    }
}

/// E011 for a valid `code` written in a file named otherwise (`stem` is the file name
/// without a lower-case `.yaml`/`.yml`).
fn stem_mismatch(
    source: &crate::source::SourceFile,
    code: &S<String>,
    stem: &str,
) -> crate::diagnostic::Diagnostic {
    let code_text = visible(&code.value);
    // `x.YAML` is loaded (the walk matches the extension in any case) but its stem keeps
    // the extension: the writer only has to lower its case. (`x.yaml.yaml` keeps a
    // lower-case one, and is an ordinary mismatch.)
    let upper_case_extension = stem.rsplit_once('.').is_some_and(|(name, extension)| {
        name == code.value
            && (extension.eq_ignore_ascii_case("yaml") || extension.eq_ignore_ascii_case("yml"))
            && extension.bytes().any(|b| b.is_ascii_uppercase())
    });
    if upper_case_extension {
        return at(
            source,
            code,
            Code::CodeStemMismatch,
            format!(
                "the file name `{}` has its extension in upper case",
                visible(stem)
            ),
        )
        .with_help(format!("rename the file to `{code_text}.yaml`"));
    }
    // `code: <stem>` is offered only when it would be a valid code (not E010).
    let help = if is_valid_code(stem) {
        format!("rename the file to `{code_text}.yaml`, or set `code: {stem}`")
    } else if let Some(left_out) = how_to_leave_out(stem) {
        format!("rename the file to `{code_text}.yaml`; {left_out}")
    } else {
        format!("rename the file to `{code_text}.yaml`")
    };
    at(
        source,
        code,
        Code::CodeStemMismatch,
        format!(
            "code `{code_text}` does not match the file name `{}`",
            visible(stem)
        ),
    )
    .with_help(help)
}

/// For a file named like one kept beside the errors on purpose (`_template.yaml`,
/// `~draft.yaml`), how to keep it out of the catalog.
pub(super) fn how_to_leave_out(stem: &str) -> Option<String> {
    stem.starts_with(['_', '~', '-']).then(|| {
        format!(
            "a file that is no error (a template, a draft) is left out of the catalog when its name starts with a dot: `.{}.yaml`",
            stem.trim_start_matches(['_', '~', '-'])
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_below_a_block_header_is_a_block_and_no_other() {
        let block = |text: &str| {
            let offset = text.find("429").expect("the value");
            is_block_content(&text[..offset])
        };
        for written in [
            "status: |\n  429",
            "status: >-\n  429",
            "status: |2+ # a comment\n  429",
            "status: >-\t# c\n  429",
            "status: |\n\n  429",
            "status: |\r\n  429",
        ] {
            assert!(block(written), "{written:?}");
        }
        for written in [
            "status: 429",
            "status: \"429\"",
            "status: # see |\n  429",
            "status:\n  # |\n  429",
            "status: &a # >\n  429",
            "status: a|\n  429",
        ] {
            assert!(!block(written), "{written:?}");
        }
    }

    #[test]
    fn code_format() {
        for good in [
            "rate_limited",
            "e404",
            "a",
            "billing.card-declined",
            &"a".repeat(64),
        ] {
            assert!(is_valid_code(good), "{good}");
        }
        for bad in [
            "",
            "Rate",
            "_x",
            "-x",
            ".x",
            "a/b",
            "../x",
            "a..b",
            "a b",
            "é",
            &"a".repeat(65),
            "c:",
        ] {
            assert!(!is_valid_code(bad), "{bad}");
        }
    }

    #[test]
    fn an_invalid_code_is_told_why_and_shown_with_its_invisible_characters() {
        let why = |code: &str| code_problem(code).unwrap_or_default();
        assert_eq!(
            why("rate\u{200B}_limited"),
            "character 5 is U+200B, an invisible character"
        );
        assert_eq!(
            why("Rate"),
            "character 1 is the upper-case letter `R` (codes are lower-case)"
        );
        assert_eq!(why("a b"), "character 2 is a space");
        assert_eq!(why("é"), "character 1 is `é` (U+00E9), which is not ASCII");
        assert_eq!(why("a/b"), "character 2 is `/`");
        assert_eq!(why("_x"), "it starts with `_`");
        assert_eq!(why("a..b"), "it contains `..`");
        assert_eq!(why(""), "it is empty");
        assert_eq!(why(&"a".repeat(65)), "it is 65 characters long, over 64");
    }

    #[test]
    fn a_placeholder_in_another_template_style_is_found_with_the_one_to_write() {
        let found = |message: &str| {
            foreign_placeholder(message).map(|(range, meant)| (message[range].to_owned(), meant))
        };
        for (message, written, meant) in [
            ("The number {{to}} is not valid.", "{{to}}", "{to}"),
            ("The number {{ to }} is not valid.", "{{ to }}", "{to}"),
            ("Unknown field %s", "%s", "{value}"),
            ("Expected %d items, got %d", "%d", "{value}"),
            ("Card %1$s was declined", "%1$s", "{value}"),
            ("Field %(field)s is required", "%(field)s", "{field}"),
        ] {
            assert_eq!(
                found(message),
                Some((written.to_owned(), meant.to_owned())),
                "{message}"
            );
        }
        for text in [
            "Branch {branch} does not match",
            "A body of {{\"a\": 1}} is not allowed",
            "50% of the quota is used",
            "The %success rate fell",
            "Rate at 100%",
            "{{}} is empty",
        ] {
            assert_eq!(found(text), None, "{text}");
        }
    }

    proptest::proptest! {
        /// `code_problem` explains exactly the codes `is_valid_code` refuses.
        #[test]
        fn code_problem_agrees_with_is_valid_code(code in "[a-zA-Z0-9_.\\-/ \u{200B}é]{0,70}") {
            proptest::prop_assert_eq!(is_valid_code(&code), code_problem(&code).is_none(), "{:?}", code);
        }
    }

    #[test]
    fn a_line_break_is_sent_where_the_field_keeps_longer_text() {
        let text = "code: x\ntitle: T\nstatus: 400\nsummary: S.\nretryable: false\nagent: {action: stop, guidance: G.}\nmessages:\n  - message: \"Not\\nfound\"\nexamples:\n  - title: \"Fetch\\nit\"\n    lang: \"sh\\nell\"\n    code: curl\n";
        let source = SourceFile::new("errors/x.yaml", text.to_owned());
        let raw = crate::load::parse_error(&source).expect("the test file parses");
        assert_eq!(
            super::super::config::one_line_helps(&source, one_line_fields(&raw)),
            [
                // A message the API sends over several lines is written on one, which a
                // body over several lines matches; a message has no `description`.
                "`message` must be one line; write it with a space for each line break (a body that sends it over several lines still matches it), and explain it in the message's `cause` and `resolution`",
                "`title` must be one line; move the detail to `description`",
                "`lang` must be one line; it names the example's language, such as `sh` or `json`",
            ]
        );
    }

    #[test]
    fn a_message_listed_again_is_one_with_the_same_text_and_placeholders() {
        let text = "code: x\ntitle: T\nstatus: 400\nsummary: S.\nretryable: false\nagent: {action: stop, guidance: G.}\nmessages:\n  - message: x {a} y\n  - message: x {…} y\n  - message: \" x {b} y\"\n  - message: x {a}{b} y\n";
        let source = SourceFile::new("errors/x.yaml", text.to_owned());
        let raw = crate::load::parse_error(&source).expect("the test file parses");
        let mut diagnostics = Diagnostics::default();
        let messages = raw.messages.as_ref().map_or(&[][..], |m| &m.value[..]);
        warn_repeated_messages(&source, messages, &mut diagnostics);
        let found: Vec<&str> = diagnostics.iter().map(|d| d.message.as_str()).collect();
        // `{…}` is text, not a placeholder; two placeholders are not one.
        assert_eq!(
            found,
            ["message `x {b} y` is already listed at line 8, as `x {a} y`"]
        );
    }

    #[test]
    fn unclosed_placeholders() {
        let unclosed = |name, at| Some(Malformed::Unclosed { name, at });
        assert_eq!(
            malformed_placeholder("Branch {branch does not"),
            unclosed("branch", 7)
        );
        // The placeholder as written, for the diagnostic's place.
        let found = malformed_placeholder("Branch {branch does not").map(|m| m.range());
        assert_eq!(found, Some(7..14));
        assert_eq!(malformed_placeholder("Branch {branch} ok"), None);
        assert_eq!(malformed_placeholder("Body {\"a\": 1}"), None);
        assert_eq!(malformed_placeholder("Value {x"), unclosed("x", 6));
        // A colon before another placeholder: `{owner}` lost its brace.
        assert_eq!(
            malformed_placeholder("A pull request exists for {owner:{branch}."),
            unclosed("owner", 26)
        );
        // An object written out stays text, nested or not.
        assert_eq!(malformed_placeholder("Body {a: 1}"), None);
        assert_eq!(malformed_placeholder("Body {a:{b:1}}"), None);
        assert_eq!(malformed_placeholder("Body {a:'x'}"), None);
        // The next brace opens another placeholder, so this one is still open.
        assert_eq!(
            malformed_placeholder("Branch {branch does not match {other}"),
            unclosed("branch", 7)
        );
    }

    #[test]
    fn a_closed_placeholder_with_a_character_no_name_holds_is_told_apart() {
        let not_a_name = |inside, bad, at| Some(Malformed::NotAName { inside, bad, at });
        assert_eq!(
            malformed_placeholder("{a b} space"),
            not_a_name("a b", ' ', 0)
        );
        assert_eq!(
            malformed_placeholder("Path {dir/file} is missing"),
            not_a_name("dir/file", '/', 5)
        );
        let found = malformed_placeholder("Path {dir/file} is missing").map(|m| m.range());
        assert_eq!(found, Some(5..15));
        assert_eq!(malformed_placeholder("{café}"), not_a_name("café", 'é', 0));
        assert_eq!(character_name(' '), "a space");
        assert_eq!(character_name('/'), "`/`");
        assert_eq!(character_name('é'), "`é` (U+00E9)");
    }
}
