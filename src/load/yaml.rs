//! YAML parsing with serde-saphyr, and the translation of its errors into diagnostics.

use super::indent;
use super::keys::{self, KeyProblems};
use super::raw::{Parsed, RawConfig, RawError};
use crate::diagnostic::{Code, Diagnostic, Position};
use crate::source::{SourceFile, lines};
use serde_saphyr::{Error as YamlError, Options};

/// Levels of nesting a catalog file may have.
const MAX_DEPTH: usize = 64;
/// Values, keys and list items a catalog file may hold.
const MAX_NODES: usize = 100_000;
/// Aliases (`*name`) a catalog file may use, and anchors (`&name`) it may define.
const MAX_ALIASES: usize = 1_000;
/// Events the aliases of a file may replay in all: what stops an alias bomb.
const MAX_REPLAYED_EVENTS: usize = 100_000;

/// Parser options: strict booleans (`yes` is a string, not `true`), duplicate keys are
/// errors, and budgets that stop alias bombs and deep nesting long before they cost
/// memory or stack. E006's messages and help name the same limits, from the same
/// constants.
pub(super) fn options() -> Options {
    serde_saphyr::options! {
        strict_booleans: true,
        with_snippet: false,
        reject_unsupported_tags: true,
        budget: serde_saphyr::budget! {
            max_depth: MAX_DEPTH,
            flow_nesting_limit: MAX_DEPTH,
            max_nodes: MAX_NODES,
            max_aliases: MAX_ALIASES,
            max_anchors: MAX_ALIASES,
            max_documents: 1,
        },
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: MAX_REPLAYED_EVENTS,
        },
    }
}

/// E006's help: every limit, so the writer knows what to stay under.
fn limits_help() -> String {
    format!(
        "catalog files are limited to {} levels of nesting, {} nodes and {} aliases; simplify the file",
        with_commas(MAX_DEPTH),
        with_commas(MAX_NODES),
        with_commas(MAX_ALIASES)
    )
}

/// `n` with a comma between thousands, as prose writes it: `100,000`.
pub(super) fn with_commas(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// Parses `errdex.yaml`.
pub fn parse_config(source: &SourceFile) -> Result<RawConfig, Vec<Diagnostic>> {
    parse(
        source,
        "errdex.yaml needs at least `title`, `summary` and `base_url`; `errdex init` writes a catalog to start from",
    )
}

/// Parses one `errors/<code>.yaml`.
pub fn parse_error(source: &SourceFile) -> Result<RawError, Vec<Diagnostic>> {
    parse(
        source,
        "an error file needs at least `code`, `title`, `status`, `summary`, `retryable` and `agent`; `errdex new CODE --status N` writes one",
    )
}

/// The typed parse of a file that is not empty, first the fast way.
///
/// serde-saphyr holds every key of every mapping, replaying it to serde, to find a
/// repeated key (E004) and to expand merge keys (`<<`): 4.5% of the instructions of
/// `check` (callgrind, 1,000 files), more of its time. Most files need neither. serde's derived structs refuse a repeated
/// field themselves, and without `<<` in its text a file has no merge key. So a file is
/// first parsed passing keys straight through. When that fails, or when it may have
/// let a repeated key through (in `headers`, the one mapping read freely), the file is
/// parsed again with the strict options, whose outcome and diagnostics are the ones
/// kept. Either way the result is the strict parse's (tested on every fixture).
fn typed<T: Parsed>(source: &SourceFile) -> Result<T, YamlError> {
    if !source.text.contains("<<") {
        let mut fast = options();
        fast.duplicate_keys = serde_saphyr::DuplicateKeyPolicy::PassThrough;
        fast.merge_keys = serde_saphyr::MergeKeyPolicy::AsOrdinary;
        if let Ok(value) = serde_saphyr::from_str_with_options::<T>(&source.text, fast)
            && !value.may_repeat_a_key()
        {
            return Ok(value);
        }
    }
    serde_saphyr::from_str_with_options::<T>(&source.text, options())
}

/// Whether `text` may hold a tag the typed parse reads as something else than what is
/// written (`!!binary`, `!!null`), in either spelling.
fn has_lossy_tag(text: &str) -> bool {
    ["!!binary", "!!null", "2002:binary>", "2002:null>"]
        .iter()
        .any(|tag| text.contains(tag))
}

/// Parses a file; `when_empty` is the help for a file with nothing in it.
fn parse<T: Parsed>(source: &SourceFile, when_empty: &str) -> Result<T, Vec<Diagnostic>> {
    // A file of comments only is as empty: YAML would call it an unexpected end.
    let empty = lines(&source.text)
        .all(|line| line.trim().is_empty() || line.trim_start().starts_with('#'));
    if empty {
        return Err(vec![
            Diagnostic::whole_file(Code::MissingField, &source.path, "file is empty")
                .with_help(when_empty),
        ]);
    }
    let parsed = typed::<T>(source);
    // `!!binary` and `!!null` are read without complaint, as other text or none: the
    // walk, which knows where each value is, says so (only files that have them).
    if parsed.is_ok()
        && has_lossy_tag(&source.text)
        && let KeyProblems::Found { diagnostics, .. } = keys::key_problems::<T>(source, options())
        && !diagnostics.is_empty()
    {
        return Err(diagnostics);
    }
    parsed.map_err(|e| {
        // A second document is the writer's mistake, whatever the parser tripped over
        // first (often a field the first document lacks, as it ends at the `---`).
        match second_document(source) {
            Some(at) => vec![
                Diagnostic::new(Code::YamlSyntax, &source.path, at, at, "the file holds more than one YAML document")
                    .with_help("remove the `---` line and what follows it, or move that part to its own file: each error lives in its own file"),
            ],
            None => with_key_problems::<T>(source, to_diagnostic(&e, source)),
        }
    })
}

/// The typed parse's diagnostic `first`, with every other unknown and missing key of
/// the file: serde stops at its first problem, and a writer would otherwise learn of
/// one misspelt key per run. Only for problems in a file's values and keys; after a
/// syntax error or a resource limit, reading the file again would fail the same way.
fn with_key_problems<T: schemars::JsonSchema + 'static>(
    source: &SourceFile,
    first: Diagnostic,
) -> Vec<Diagnostic> {
    let walked = matches!(
        first.code,
        Code::WrongType | Code::UnknownField | Code::DuplicateKey | Code::MissingField
    );
    if !walked {
        return vec![first];
    }
    // The parser names a repeated key, but not the first: found by a reading of its own,
    // the first is named in files too big for the walk as well.
    let first = match first.code {
        Code::DuplicateKey => {
            keys::repeated_key_at(source, options(), first.start).unwrap_or(first)
        }
        _ => first,
    };
    let (mut all, wrong_values) = match keys::key_problems::<T>(source, options()) {
        KeyProblems::Found {
            diagnostics,
            wrong_values,
        } => (diagnostics, wrong_values),
        // Past the walk's own limits, which are tighter than the typed parse's: the file
        // is within the typed parse's, so nothing about them is the writer's to fix.
        KeyProblems::TooBig => return vec![first],
        // Generated or foreign input more than a writer's typos: its problems would
        // bury the rest of the catalog's, but the one problem alone would read as the
        // file's only one.
        KeyProblems::TooMany(past) => {
            let more = Diagnostic::new(
                first.code,
                &source.path,
                past,
                past,
                format!(
                    "this file has more than {} problems (unknown, missing or repeated keys, values of the wrong type); only the first is listed",
                    keys::MAX_KEY_PROBLEMS
                ),
            )
            .with_help("fix the first and check again; a file this far from the format may not be an error file at all (`errdex new CODE --status N` writes one to start from)");
            return vec![first, more];
        }
        // The typed parse stopped before the syntax error or the limit the walk tripped
        // over (a quote left open further down, more aliases than the anchors allow),
        // which the writer will have to fix next.
        KeyProblems::Unreadable(e) => {
            let later = to_diagnostic(&e, source);
            // Text read as `key: value` ends in a "value" YAML may not accept (one that
            // starts with a backtick); quoting the text, as `first` says, fixes both.
            let same_mistake = later.start.line == first.start.line
                && colon_in_plain_text(source, first.start).is_some();
            // A key out of line with its mapping: what the typed parse made of the lines
            // from there on (a value read on into the key's line, `action: stop
            // guidance`; a mapping without `guidance`) is no mistake of its own.
            let misplaced = indent::MisplacedKey::at(source, later.start)
                .filter(|key| (key.above_line..later.start.line).contains(&first.start.line));
            if misplaced.is_some() {
                return vec![later];
            }
            return if same_mistake {
                vec![first]
            } else {
                with_later(first, later, Code::YamlSyntax)
            };
        }
        KeyProblems::OverLimit(e) => {
            return with_later(first, to_diagnostic(&e, source), Code::ResourceLimit);
        }
    };
    // The walk finds serde's unknown or missing key again, placed by its own rule: a
    // missing key at its mapping's start, where serde puts it at the mapping's last key,
    // and a merged key where it is written, where serde puts it at the `<<`. The same
    // code and message is the same mistake. A key that is not text, serde reports as a
    // value that must be text, where the walk reports the key: at the same place. So
    // the walk reports a repeated key, naming the first, which serde does not. A value
    // of the wrong type, the walk reports from the schema, which knows what the value
    // should be where serde's message may not (`status: [429]` is no text field): at
    // the value, or around the place inside it where serde stopped.
    let found_again = match first.code {
        Code::UnknownField | Code::MissingField => all
            .iter()
            .any(|d| d.code == first.code && d.message == first.message),
        Code::WrongType | Code::DuplicateKey => {
            all.iter()
                .any(|d| d.code == first.code && d.start == first.start)
                || (first.code == Code::WrongType
                    && wrong_values
                        .iter()
                        .any(|(start, last)| (*start..=*last).contains(&first.start)))
        }
        _ => false,
    };
    if !found_again {
        all.push(first);
        all.sort_by_key(|d| (d.start, d.code));
    }
    without_keys_left_out(source, all)
}

/// Drops E005 for a required key that is written, but indented less than its mapping
/// (`guidance:` at column 1 under `agent:`): the E003 of that key says where it
/// belongs, and one mistake gets one diagnostic.
fn without_keys_left_out(source: &SourceFile, mut all: Vec<Diagnostic>) -> Vec<Diagnostic> {
    // The messages are those of `unknown_field` and `missing_field`.
    let key_of = |d: &Diagnostic, prefix: &str| -> Option<String> {
        let key = d.message.strip_prefix(prefix)?.strip_suffix('`')?;
        Some(key.to_owned())
    };
    let missing: Vec<(usize, String)> = all
        .iter()
        .enumerate()
        .filter(|(_, d)| d.code == Code::MissingField)
        .filter_map(|(i, d)| Some((i, key_of(d, "missing required field `")?)))
        .collect();
    if missing.is_empty() {
        return all;
    }
    let mut dropped = Vec::new();
    for i in 0..all.len() {
        let Some(key) =
            key_of(&all[i], "unknown field `").filter(|_| all[i].code == Code::UnknownField)
        else {
            continue;
        };
        let at = all[i].start;
        if indent::less_indented_help(source, at, &key).is_none() {
            continue;
        }
        // The required key of a mapping above this one, as written or misspelt.
        let left_out = missing.iter().find(|(m, field)| {
            let place = all[*m].start;
            let spelt = *field == key || closest(&key, &[field.as_str()]).is_some();
            spelt && place.line < at.line && place.column > at.column && !dropped.contains(m)
        });
        if let Some((m, field)) = left_out {
            dropped.push(*m);
            if *field != key
                && let Some(help) = all[i].help.as_mut()
            {
                help.push_str(&format!(", and spell it `{field}`"));
            }
        }
    }
    all.into_iter()
        .enumerate()
        .filter(|(i, _)| !dropped.contains(i))
        .map(|(_, d)| d)
        .collect()
}

/// `first`, and `later` too if it is a problem of kind `code` further on in the file,
/// which the writer meets once `first` is fixed.
fn with_later(first: Diagnostic, later: Diagnostic, code: Code) -> Vec<Diagnostic> {
    if later.code == code && later.start > first.start {
        vec![first, later]
    } else {
        vec![first]
    }
}

/// Where a second YAML document starts: a `---` or `...` line after content. (A `---`
/// before any content only marks the start of the one document.)
fn second_document(source: &SourceFile) -> Option<Position> {
    let mut content_seen = false;
    for (number, line) in lines(&source.text).enumerate() {
        let marker = line == "---" || line.starts_with("--- ") || line == "...";
        if marker && content_seen {
            return Some(Position {
                line: number + 1,
                column: 1,
            });
        }
        let blank = line.trim().is_empty() || line.trim_start().starts_with('#');
        content_seen |= !marker && !blank && !line.starts_with('%');
    }
    None
}

/// Turns a serde-saphyr error into a diagnostic at the right place with a useful hint.
fn to_diagnostic(error: &YamlError, source: &SourceFile) -> Diagnostic {
    let error = error.without_snippet();
    // Placed by the outer error (where the alias is used), classified by the inner one:
    // a limit reached while replaying an alias is wrapped in `AliasError`, and was
    // reported as a syntax error.
    let kind = original_error(error);
    let (start, end) = error.location().map_or(
        (
            Position { line: 1, column: 1 },
            Position { line: 1, column: 1 },
        ),
        |l| source.span_of(&(&l).into()),
    );
    let diagnostic =
        |code: Code, message: String| Diagnostic::new(code, &source.path, start, end, message);
    if let Some((expected, written)) = expected_shape(&error.to_string()) {
        return wrong_type(source, start, end, expected, written);
    }
    match kind {
        YamlError::SerdeUnknownField {
            field, expected, ..
        } => unknown_field(source, start, end, field, expected),
        YamlError::SerdeUnknownVariant {
            variant, expected, ..
        } => unknown_word(source, start, end, variant, expected),
        YamlError::SerdeMissingField { field, .. } => {
            // serde-saphyr notices a missing field at the end of its mapping; for the
            // file's top-level mapping, its first line is the clearer place to point at.
            let line = lines(&source.text)
                .nth(start.line.saturating_sub(1))
                .unwrap_or("");
            let top_level = !line.starts_with([' ', '\t', '-']);
            let at = if top_level {
                first_content_line(source)
            } else {
                start
            };
            missing_field(&source.path, at, field)
        }
        YamlError::DuplicateMappingKey { key, .. } => {
            let key = key.as_deref().unwrap_or("a key");
            diagnostic(Code::DuplicateKey, format!("duplicate key `{key}`"))
                .with_help("a key may appear once per mapping; merge the two values or delete one")
        }
        YamlError::TaggedScalarCannotDeserializeIntoString { .. } => {
            tagged_not_text(source, start, end)
        }
        YamlError::InvalidBooleanStrict { .. } => {
            wrong_type(source, start, end, Expected::Boolean, Written::Scalar)
        }
        // A list or mapping where one word of a set belongs (`action: [stop]`); the words
        // are the walk's to name (see `keys`), from the schema.
        YamlError::ExternallyTaggedEnumExpectedScalarOrMapping { .. }
        | YamlError::ExpectedStringKeyForExternallyTaggedEnum { .. }
        | YamlError::UnexpectedValueForUnitEnumVariant { .. } => {
            wrong_type(source, start, end, Expected::Word(&[]), Written::Nested)
        }
        YamlError::Budget { breach, .. } => {
            let (message, help) = budget_message(breach);
            diagnostic(Code::ResourceLimit, message).with_help(help)
        }
        YamlError::AliasReplayLimitExceeded { .. }
        | YamlError::AliasExpansionLimitExceeded { .. }
        | YamlError::AliasReplayStackDepthExceeded { .. }
        | YamlError::AliasReplayCounterOverflow { .. } => {
            diagnostic(Code::ResourceLimit, first_line(&error.to_string())).with_help(limits_help())
        }
        YamlError::MultipleDocuments { .. } => diagnostic(
            Code::YamlSyntax,
            "the file holds more than one YAML document".to_owned(),
        )
        .with_help("remove the `---` separator: each error lives in its own file"),
        YamlError::SerdeInvalidType { .. }
        | YamlError::SerdeInvalidValue { .. }
        | YamlError::SerdeInvalidLength { .. }
        | YamlError::InvalidScalar { .. }
        | YamlError::NullIntoString { .. }
        | YamlError::NonFiniteFloat { .. }
        | YamlError::UnsupportedTag { .. } => {
            diagnostic(Code::WrongType, first_line(&error.to_string()))
                .with_help(type_help(&error.to_string()))
        }
        _ if error.to_string().contains("recursion") || error.to_string().contains("depth") => {
            diagnostic(Code::ResourceLimit, first_line(&error.to_string())).with_help(format!(
                "catalog files are limited to {MAX_DEPTH} levels of nesting; simplify the file"
            ))
        }
        _ => {
            let text = error.to_string();
            // The scanner trips over a tab in the indentation while still reading the
            // line before, and says so there; the writer's mistake is the tab.
            let tab = text
                .contains("tab")
                .then(|| indenting_tab(source, start))
                .flatten();
            if let Some(at) = tab {
                return Diagnostic::new(Code::YamlSyntax, &source.path, at, at, "this line is indented with a tab".to_owned())
                    .with_help("YAML indents with spaces only: replace the tab with spaces, as many as the lines around it use");
            }
            if let Some(reserved) = reserved_start(source, start, &text) {
                // A backtick quoted in backticks would read as an empty code span.
                let name = if reserved == '`' {
                    "a backtick".to_owned()
                } else {
                    format!("`{reserved}`")
                };
                return diagnostic(
                    Code::YamlSyntax,
                    format!("unquoted text cannot start with {name}"),
                )
                .with_help(format!(
                    "YAML reserves {name} at the start of a value: {QUOTE_TEXT}"
                ));
            }
            let stopped_at_a_key = [
                "mapping values are not allowed",
                "while parsing a block mapping, did not find expected key",
                "while parsing a block collection, did not find expected '-' indicator",
            ]
            .iter()
            .any(|m| first_line(&text).starts_with(m));
            if stopped_at_a_key && let Some(misplaced) = indent::MisplacedKey::at(source, start) {
                return diagnostic(Code::YamlSyntax, misplaced.message).with_help(misplaced.help);
            }
            if let Some(help) = colon_in_value_help(source, start, &text) {
                return diagnostic(
                    Code::YamlSyntax,
                    "`: ` in unquoted text reads as the start of a new key".to_owned(),
                )
                .with_help(help);
            }
            if let Some(quote) = quote_inside_quotes(source, start) {
                let (message, help) = if quote == '\'' {
                    (
                        "an apostrophe ends the single-quoted text here",
                        "inside '…' write an apostrophe twice (`'The card''s code'`), or put the text in double quotes (`\"The card's code\"`)",
                    )
                } else {
                    (
                        "a `\"` ends the double-quoted text here",
                        "inside \"…\" write a quote as `\\\"` (`\"Say \\\"hi\\\"\"`), or put the text in single quotes (`'Say \"hi\"'`)",
                    )
                };
                return diagnostic(Code::YamlSyntax, message.to_owned()).with_help(help);
            }
            let help = match opened_quote(source, start) {
                Some(open) => format!(
                    "the quoted string that ends just before this opened at line {}, column {}; if it should have ended on that line, close its quote there",
                    open.line, open.column
                ),
                None => "check indentation and quoting near this line; strings containing `: ` or starting with `{`, `[`, `*`, `&` or `#` need quotes".to_owned(),
            };
            diagnostic(Code::YamlSyntax, first_line(&text)).with_help(help)
        }
    }
}

/// Which budget of [`options`] a file went past, in words, and how to come back within
/// it: the parser's own text is the Rust value (`budget breached: Nodes { nodes: 100001 }`).
fn budget_message(breach: &serde_saphyr::budget::BudgetBreach) -> (String, String) {
    use serde_saphyr::budget::BudgetBreach;
    let message = match breach {
        // The parser's rule against alias bombs: from 100 aliases on, at most 10 for each
        // anchor. It is the one a file far under 1,000 aliases can meet, and "past a size
        // limit" beside a help naming 1,000 aliases left the writer guessing.
        BudgetBreach::AliasAnchorRatio { aliases, anchors } => {
            let anchors = match anchors {
                1 => "1 anchor".to_owned(),
                n => format!("{n} anchors"),
            };
            return (
                format!(
                    "the file uses {aliases} aliases (`*name`) of {anchors} (`&name`): from 100 aliases on, at most 10 per anchor"
                ),
                "write some of the aliased values out in full instead of as `*name`, or anchor a copy under another name, until there are at most 10 aliases per anchor".to_owned(),
            );
        }
        BudgetBreach::Nodes { .. } => format!(
            "the file holds more than {} values, keys and list items",
            with_commas(MAX_NODES)
        ),
        BudgetBreach::Depth { .. } => format!("the file nests more than {MAX_DEPTH} levels deep"),
        BudgetBreach::Aliases { .. } => format!(
            "the file uses more than {} aliases (`*name`)",
            with_commas(MAX_ALIASES)
        ),
        BudgetBreach::Anchors { .. } => format!(
            "the file defines more than {} anchors (`&name`)",
            with_commas(MAX_ALIASES)
        ),
        _ => "the file is past a size limit of the YAML parser".to_owned(),
    };
    (message, limits_help())
}

/// The first tab in the indentation of the line at `at` or of the two after it, where a
/// scanner that "found a tab" points at the line before.
fn indenting_tab(source: &SourceFile, at: Position) -> Option<Position> {
    lines(&source.text)
        .enumerate()
        .skip(at.line.saturating_sub(1))
        .take(3)
        .find_map(|(index, line)| {
            let indentation = &line[..line.len() - line.trim_start_matches([' ', '\t']).len()];
            let column = indentation.find('\t')? + 1;
            Some(Position {
                line: index + 1,
                column,
            })
        })
}

/// The tag (`!!int`) written just before `at` on its line, as the parser points at the
/// value after it.
pub(super) fn tag_before(source: &SourceFile, at: Position) -> Option<&str> {
    let line_start = source.offset_of(Position {
        line: at.line,
        column: 1,
    });
    let before = source
        .text
        .get(line_start..source.offset_of(at))?
        .trim_end();
    // A core tag written in full, `!<tag:yaml.org,2002:int>`, is `!!int` (its comma
    // would split it below).
    if let Some(core) = before
        .rsplit_once("!<tag:yaml.org,2002:")
        .and_then(|(_, t)| t.strip_suffix('>'))
    {
        return CORE_TAGS.iter().copied().find(|t| t[2..] == *core);
    }
    // The tag and an anchor may come in either order (`!!int &a 1`, `&a !!int 1`).
    let mut words = before.rsplit([' ', '\t', '{', ',', '[']);
    let tag = match words.next()? {
        anchor if anchor.starts_with('&') => words.find(|w| !w.is_empty())?,
        word => word,
    };
    (tag.starts_with('!') && tag.len() > 1).then_some(tag)
}

/// The YAML core tags, as a message names them.
const CORE_TAGS: &[&str] = &[
    "!!str", "!!int", "!!float", "!!bool", "!!null", "!!binary", "!!seq", "!!map",
];

/// The error under any alias and snippet wrappers, which say where but not what.
pub(super) fn original_error(mut error: &YamlError) -> &YamlError {
    while let YamlError::AliasError { error: inner, .. }
    | YamlError::WithSnippet { error: inner, .. } = error
    {
        error = inner;
    }
    error
}

/// Whether the parse stopped at one of the budgets of [`Options`] (nodes, depth, aliases,
/// replayed events) rather than at something wrong in the text.
pub(super) fn is_limit(error: &YamlError) -> bool {
    matches!(
        original_error(error),
        YamlError::Budget { .. }
            | YamlError::AliasReplayLimitExceeded { .. }
            | YamlError::AliasExpansionLimitExceeded { .. }
            | YamlError::AliasReplayStackDepthExceeded { .. }
            | YamlError::AliasReplayCounterOverflow { .. }
    )
}

/// Where the quoted string that ends just before `at` opened, when that is on an
/// earlier line. A quote left open (`title: "Card declined`) runs on to the next quote
/// in the file, often lines below, and the parser only complains where the string
/// ends; the writer's mistake is where it opened.
fn opened_quote(source: &SourceFile, at: Position) -> Option<Position> {
    let before = source.text_before(at).trim_end_matches([' ', '\t']);
    let quote = before
        .chars()
        .next_back()
        .filter(|c| matches!(c, '"' | '\''))?;
    // The closing quote is one byte: everything before it is the string and what
    // precedes it.
    let inside = &before[..before.len() - 1];
    let open = match quote {
        // In a double-quoted string `\"` is an escaped quote: skip quotes preceded by an
        // odd number of backslashes.
        '"' => {
            let mut end = inside.len();
            loop {
                let i = inside[..end].rfind('"')?;
                let backslashes = inside[..i].len() - inside[..i].trim_end_matches('\\').len();
                if backslashes.is_multiple_of(2) {
                    break i;
                }
                end = i;
            }
        }
        // In a single-quoted string `''` is an escaped quote: skip quotes in pairs.
        '\'' => {
            let mut end = inside.len();
            loop {
                let i = inside[..end].rfind('\'')?;
                if i > 0 && inside.as_bytes()[i - 1] == b'\'' {
                    end = i - 1;
                    continue;
                }
                break i;
            }
        }
        _ => return None,
    };
    let open = source.position_of(open);
    (open.line < at.line).then_some(open)
}

/// The quote character (`'` or `"`) that ended a quoted text on this line right before
/// `at`, where the text goes on as a word (`'The card's code'`): a quote the writer
/// meant as part of the text.
fn quote_inside_quotes(source: &SourceFile, at: Position) -> Option<char> {
    let before = source.text_before(at);
    let quote = before
        .chars()
        .next_back()
        .filter(|c| matches!(c, '"' | '\''))?;
    if !source.text_from(at).starts_with(char::is_alphanumeric) {
        return None;
    }
    // The text was opened on this line, after the key: `key: '…`, or `- '…`.
    let line = &before[before.rfind('\n').map_or(0, |i| i + 1)..before.len() - 1];
    let opened = line
        .find(quote)
        .is_some_and(|i| line[..i].trim_end().ends_with([':', '-']));
    opened.then_some(quote)
}

/// E003 for `key`, which is none of `expected`: from serde's first, and from the walk
/// of the file's keys for the others, in the same words (serde's is recognised among
/// the walk's by them).
pub(super) fn unknown_field(
    source: &SourceFile,
    start: Position,
    end: Position,
    key: &str,
    expected: &[&str],
) -> Diagnostic {
    let help = match block_ended_by(source, start) {
        Some(block) => format!(
            "this line is less indented than the `{block}` block above it, so YAML ended the block here and read the line as a key; indent it as far as the block's other lines"
        ),
        // A key no catalog file has anywhere is a note of the writer's own (`owner:`,
        // a ticket): errdex keeps none, and a comment keeps it in the file.
        None if !keys::is_catalog_key(key) => format!(
            "{}; errdex has no field of that name anywhere: to keep a note of your own in the file, write it as a comment (`# {key}: …`)",
            did_you_mean(key, expected)
        ),
        None => closest(key, expected)
            .is_none()
            .then(|| indent::less_indented_help(source, start, key))
            .flatten()
            .unwrap_or_else(|| did_you_mean(key, expected)),
    };
    Diagnostic::new(
        Code::UnknownField,
        &source.path,
        start,
        end,
        format!("unknown field `{key}`"),
    )
    .with_help(help)
}

/// The key and indicator of the block scalar (`body: |`) that the line at `at` ends by
/// being less indented than its text, when the line is JSON's (it opens with `"`, `{`
/// or `}`, as a pasted body's lines do): a body pasted into `body: |` keeps the pasted
/// indentation, and a line of it at the key's own indentation ends the block.
fn block_ended_by(source: &SourceFile, at: Position) -> Option<String> {
    let all: Vec<&str> = lines(&source.text).collect();
    let line = *all.get(at.line.checked_sub(1)?)?;
    let indent = |l: &str| l.len() - l.trim_start_matches(' ').len();
    if !line.trim_start().starts_with(['"', '{', '}']) {
        return None;
    }
    let own = indent(line);
    // Up through the block's text, which is more indented than the line, to its header.
    let mut text_indent = usize::MAX;
    for above in all[..at.line - 1].iter().rev() {
        if above.trim().is_empty() {
            continue;
        }
        let at_indent = indent(above);
        if let Some(header) = block_header(above)
            && at_indent < text_indent
            && own < text_indent
            && text_indent != usize::MAX
        {
            return Some(header);
        }
        if at_indent <= own {
            return None;
        }
        text_indent = text_indent.min(at_indent);
    }
    None
}

/// `body: |` of a line that opens a block scalar (`key: |`, `- key: >-`), if it does.
fn block_header(line: &str) -> Option<String> {
    let (key, indicator) = line.trim().rsplit_once(": ")?;
    let indicator = indicator.trim();
    let modifiers = indicator.strip_prefix(['|', '>'])?;
    modifiers
        .chars()
        .all(|c| matches!(c, '-' | '+') || c.is_ascii_digit())
        .then(|| format!("{}: {indicator}", key.trim_start_matches("- ")))
}

/// E005 for a required `field` the mapping at `at` lacks.
pub(super) fn missing_field(path: &str, at: Position, field: &str) -> Diagnostic {
    Diagnostic::new(
        Code::MissingField,
        path,
        at,
        at,
        format!("missing required field `{field}`"),
    )
    .with_help(format!(
        "add `{field}:` to this mapping; `docs/catalog.md` describes every field"
    ))
}

/// The first line that is not blank, a comment or a document marker.
pub(super) fn first_content_line(source: &SourceFile) -> Position {
    let line = lines(&source.text)
        .position(|l| {
            let t = l.trim();
            !(t.is_empty() || t.starts_with('#') || t == "---")
        })
        .map_or(1, |i| i + 1);
    Position { line, column: 1 }
}

/// serde-saphyr appends "at line L column C"; our renderer prints the position itself.
fn first_line(message: &str) -> String {
    let line = message.lines().next().unwrap_or(message);
    // Through an alias, it says where the anchored value is too: "expected string scalar
    // (defined at line 6 column 8)".
    let line = line.split(" (defined at line ").next().unwrap_or(line);
    let trimmed = match line.find(" at line ") {
        Some(i) => &line[..i],
        None => line,
    };
    trimmed.trim_end_matches(':').to_owned()
}

/// What a value must be, for E002 (see [`wrong_type`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Expected<'a> {
    List,
    Mapping,
    Text,
    /// A whole number; `unsigned` when it cannot be below 0.
    WholeNumber {
        unsigned: bool,
    },
    Boolean,
    /// One of these words (none when the typed parse, which does not know them, says so).
    Word(&'a [&'a str]),
}

/// What a value of the wrong type is instead, as far as E002's words go.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Written {
    /// A list or a mapping.
    Nested,
    /// Nothing: `key:` or `~`.
    Null,
    /// Text, a number or a boolean.
    Scalar,
}

/// E002 for the value at `start..end`, which is `found` where `expected` belongs, named
/// by its key (``each item of `fix` ``) when the line shows it. One builder for the
/// typed parse, which stops at the first such value, and the walk of the file's schema
/// (see `keys`), which finds them all: the same mistake reads the same either way.
pub(super) fn wrong_type(
    source: &SourceFile,
    start: Position,
    end: Position,
    expected: Expected,
    written: Written,
) -> Diagnostic {
    const NESTED: &str = "must be text, not a list or mapping";
    let (what, help): (&str, String) = match (expected, written) {
        (Expected::List, _) => (
            "must be a list",
            "put each item on its own line under the key, starting with `- `".into(),
        ),
        (Expected::Mapping, _) => (
            "must be a mapping",
            "write its `key: value` lines on their own lines, indented under it".into(),
        ),
        // `action: !stop`: a tag, which names a type, on an empty value.
        (Expected::Text | Expected::Word(_), Written::Null)
            if tag_before(source, start).is_some_and(|tag| !tag.starts_with("!!")) =>
        {
            let tag = tag_before(source, start).unwrap_or_default();
            (
                "is empty",
                format!(
                    "YAML reads `{tag}` as a tag, which names a type, and the value after it as empty; write `{}` without the `!`",
                    tag.trim_start_matches('!')
                ),
            )
        }
        (Expected::Text | Expected::Word(_), Written::Null) => (
            "is empty",
            "write the text after the colon, or remove the key if it is optional".into(),
        ),
        (Expected::Text, _) => (
            NESTED,
            "write plain text; quote it if it starts with `[` or `{`".into(),
        ),
        (Expected::WholeNumber { .. }, Written::Nested) => (
            "must be a whole number, not a list or mapping",
            "write digits only after the colon, e.g. `404`".into(),
        ),
        // Digits the parser could not take are digits past what a number holds
        // (`99999999999999999999`): "must be a whole number" would be untrue.
        (Expected::WholeNumber { .. }, _) if too_many_digits(source, start) => (
            "is too large a number",
            "write a number of at most 18 digits, e.g. `404`".into(),
        ),
        (Expected::WholeNumber { unsigned: false }, _) => (
            "must be a whole number",
            "write digits only, without quotes, a decimal point or a unit, e.g. `404`".into(),
        ),
        (Expected::WholeNumber { unsigned: true }, _) => (
            "must be a whole number, 0 or more",
            "write digits only, without quotes, a sign, a decimal point or a unit, e.g. `30`"
                .into(),
        ),
        (Expected::Boolean, Written::Nested) => (
            "must be `true` or `false`, not a list or mapping",
            "write `true` or `false` after the colon".into(),
        ),
        (Expected::Boolean, _) => (
            "must be `true` or `false`",
            "YAML 1.1 spellings such as `yes`, `no`, `on` and `off` are not booleans here; write `true` or `false`".into(),
        ),
        (Expected::Word(words), _) => (
            "must be one word, not a list or mapping",
            if words.is_empty() {
                "write one of the values `docs/catalog.md` lists for this key".into()
            } else {
                format!("write one of {}", listed(words))
            },
        ),
    };
    let key = key_of(source, start);
    let help = match (written, &key) {
        (Written::Null, Some((_, true))) => {
            "write the item after the `- `, or remove the line".into()
        }
        // `messages: - "Gone"` and `related: not_found`: the shape, shown with what
        // was written, says more than "must be a mapping".
        (Written::Scalar, Some((key, item))) => {
            shape_help(expected, key, *item, source.text_from(start)).unwrap_or(help)
        }
        _ => help,
    };
    let message = match &key {
        Some((key, true)) => format!("each item of `{key}` {what}"),
        Some((key, false)) => format!("`{key}` {what}"),
        None => format!("this value {what}"),
    };
    // Why YAML read text as something else, where text belongs; or a number or a
    // boolean as something else (`retryable: !!str true`): the tag.
    let help = match (expected, written) {
        (Expected::Text, _) => text_help(source, start, key.as_ref().map(|(key, _)| key.as_str())),
        (Expected::Boolean | Expected::WholeNumber { .. }, Written::Scalar) => {
            let own = match expected {
                Expected::Boolean => "!!bool",
                _ => "!!int",
            };
            tag_before(source, start)
                .filter(|tag| *tag != own)
                .map(|tag| {
                    format!("remove the tag `{tag}`: with it, YAML reads the value as another type")
                })
        }
        _ => None,
    }
    .unwrap_or(help);
    Diagnostic::new(Code::WrongType, &source.path, start, end, message).with_help(help)
}

/// The field that names an item of the list `key`, in a catalog file.
fn item_field(key: &str) -> Option<&'static str> {
    Some(match key {
        "messages" => "message",
        "causes" => "cause",
        "fields" => "field",
        "examples" | "links" => "title",
        "envelopes" | "groups" => "id",
        "statuses" => "status",
        _ => return None,
    })
}

/// The help for a text or number written where a mapping (as a list's item) or a list
/// belongs, showing the shape with what was written (`written`, from the value on).
fn shape_help(expected: Expected, key: &str, item: bool, written: &str) -> Option<String> {
    let value = written.lines().next().unwrap_or_default().trim();
    // A long value is shown by its start: the help shows a shape, not the text.
    let value = match value.char_indices().nth(40) {
        Some((cut, _)) => format!("{}…", &value[..cut]),
        None => value.to_owned(),
    };
    match expected {
        Expected::Mapping if item => item_field(key).map(|field| {
            format!(
                "each item of `{key}` is a mapping: write `- {field}: {value}`, with the item's other keys on the lines below, lined up with `{field}`"
            )
        }),
        // `[a, b]` is a list too, but text with a comma or a colon would not stay one item.
        Expected::List if !item && !value.contains([',', ':', '[', ']', '{', '}', '#']) => {
            Some(format!(
                "write a list: `- {value}` on its own line under `{key}:`, or `{key}: [{value}]`"
            ))
        }
        Expected::List if !item => Some(format!(
            "write a list: `- {value}` on its own line under `{key}:`"
        )),
        _ => None,
    }
}

/// E002 for valid YAML (`!!int 12`, `!!bool yes`) whose tag names another type than
/// the text its field holds. One builder for the typed parse and the walk.
pub(super) fn tagged_not_text(source: &SourceFile, start: Position, end: Position) -> Diagnostic {
    let tag = tag_before(source, start)
        .map_or_else(|| "with another type".to_owned(), |t| format!("`{t}`"));
    // `!!int title: x` tags the key: the word is followed by its colon.
    let line = source.text_from(start).lines().next().unwrap_or_default();
    let token = source.token_at(start);
    let what = match token.ends_with(':') || line[token.len().min(line.len())..].starts_with(':') {
        true => "key",
        false => "value",
    };
    Diagnostic::new(
        Code::WrongType,
        &source.path,
        start,
        end,
        format!("this {what} is tagged {tag}, but must be text"),
    )
    .with_help("remove the tag; write `!!str` or quote the value if it could be read as a number or a boolean")
}

/// E002 for `word`, written where one of `expected` belongs.
pub(super) fn unknown_word(
    source: &SourceFile,
    start: Position,
    end: Position,
    word: &str,
    expected: &[&str],
) -> Diagnostic {
    Diagnostic::new(
        Code::WrongType,
        &source.path,
        start,
        end,
        format!("unknown value `{word}`"),
    )
    .with_help(did_you_mean(word, expected))
}

/// What a value should have been, by the parser's messages about a value of the wrong
/// shape; they name parser events and Rust types (`expected sequence start`, `invalid
/// i64`), which mean nothing to a docs writer.
fn expected_shape(message: &str) -> Option<(Expected<'static>, Written)> {
    let message = first_line(message);
    Some(match message.as_str() {
        "expected sequence start" => (Expected::List, Written::Scalar),
        "expected mapping start" => (Expected::Mapping, Written::Scalar),
        "expected string scalar" | "expected scalar" => (Expected::Text, Written::Nested),
        m if m.starts_with("cannot deserialize null into string") => {
            (Expected::Text, Written::Null)
        }
        "invalid i64" | "invalid i32" => {
            (Expected::WholeNumber { unsigned: false }, Written::Scalar)
        }
        "invalid u64" | "invalid u32" => {
            (Expected::WholeNumber { unsigned: true }, Written::Scalar)
        }
        // `!!str true` where a boolean belongs: the tag makes it text.
        "invalid boolean" => (Expected::Boolean, Written::Scalar),
        _ => return None,
    })
}

/// Whether the plain value written at `at` is a whole number as YAML writes one (digits,
/// `0x` hexadecimal or `0o` octal, a sign allowed before them) past what a signed
/// 64-bit number holds: 18 decimal digits always fit, 20 never do.
fn too_many_digits(source: &SourceFile, at: Position) -> bool {
    let token = source.token_at(at);
    let unsigned = token.strip_prefix(['+', '-']).unwrap_or(token);
    let (digits, radix) = match (unsigned.strip_prefix("0x"), unsigned.strip_prefix("0o")) {
        (Some(hex), _) => (hex, 16),
        (_, Some(octal)) => (octal, 8),
        _ => (unsigned, 10),
    };
    !digits.is_empty()
        && digits.chars().all(|c| c.is_digit(radix))
        && i64::from_str_radix(digits, radix).is_err()
}

/// How to make YAML read a value as text, for the helps of the mistakes below.
const QUOTE_TEXT: &str =
    "quote the whole text (`'…'`, doubling any `'` inside, or `\"…\"`) or write it as a `|` block";

/// A help for text that YAML read as a list or mapping where text belongs, when the
/// usual help ("quote it if it starts with `[` or `{`") would not name the cause: a body
/// written as YAML instead of as the text the API sends, or a `: ` inside unquoted text
/// (``- Send `unit: kg` always`` is a mapping of one key).
fn text_help(source: &SourceFile, at: Position, key: Option<&str>) -> Option<String> {
    if let Some(key @ ("body" | "example")) = key {
        return Some(format!(
            "write the body as text, exactly as the API sends it: put `|` after `{key}:` and the JSON on the lines below, indented"
        ));
    }
    let colon = colon_in_plain_text(source, at)?;
    Some(format!(
        "the `: ` at column {} made YAML read this text as `key: value`; put the whole text in quotes (`'…'`, doubling any `'` inside, or `\"…\"`) or in a `|` block",
        colon.column
    ))
}

/// Where the first `: ` is in the unquoted text that starts at `at`, if the text before
/// it reads as prose (a space or a backtick): a deliberate mapping written where text
/// belongs (`- cause: …` under `fix`) starts with a bare key, and keeps the plain help.
fn colon_in_plain_text(source: &SourceFile, at: Position) -> Option<Position> {
    let start = source.offset_of(at);
    let line = source.text.get(start..)?.split(['\n', '\r']).next()?;
    // Quoted, flow and block values, and YAML's indicators, are not unquoted text.
    if line.starts_with(['{', '[', '"', '\'', '|', '>', '-', '?', '!', '&', '*']) {
        return None;
    }
    let colon = line.match_indices(':').map(|(i, _)| i).find(|&i| {
        let after = &line[i + 1..];
        after.is_empty() || after.starts_with([' ', '\t'])
    })?;
    line[..colon]
        .contains([' ', '\t', '`'])
        .then(|| source.position_of(start + colon))
}

/// The character YAML reserves (a backtick or `@`) that starts the value at `at`, when
/// the parser stopped there ("unexpected character"): Markdown text often starts with
/// inline code, and the parser's message quotes the backtick in backticks.
fn reserved_start(source: &SourceFile, at: Position, message: &str) -> Option<char> {
    if !first_line(message).starts_with("unexpected character") {
        return None;
    }
    let c = source.text_from(at).chars().next()?;
    matches!(c, '`' | '@').then_some(c)
}

/// The help for a `: ` the parser found inside unquoted text ("mapping values are not
/// allowed"): the writer meant text, YAML saw a second key. Names the key whose value it
/// is when the value starts on the line, and says the line goes on with the text above
/// when it does not; a line that starts with a bare key is more likely indented wrongly,
/// which the general help covers.
fn colon_in_value_help(source: &SourceFile, at: Position, message: &str) -> Option<String> {
    if !first_line(message).starts_with("mapping values are not allowed") {
        return None;
    }
    let line = lines(&source.text).nth(at.line.checked_sub(1)?)?;
    let before: String = line.chars().take(at.column.saturating_sub(1)).collect();
    let content = before.trim_start();
    let content = content.strip_prefix("- ").unwrap_or(content).trim_start();
    match content.split_once(": ") {
        Some((key, _)) => {
            let key = key.trim().trim_matches(|c| c == '"' || c == '\'');
            (!key.is_empty() && !key.contains([' ', '\t'])).then(|| {
                format!("the value of `{key}` holds a `: `, which YAML reads as the start of another key: {QUOTE_TEXT}")
            })
        }
        None => content.contains([' ', '\t', '`']).then(|| {
            format!("this line goes on with the unquoted text above it, and YAML reads its `: ` as the start of a key: {QUOTE_TEXT}")
        }),
    }
}

/// The key a value at `at` belongs to, and whether the value is an item of its list:
/// `status` for `status: 4o4`, `cause` for `  - cause: …`, and for a value on a line of
/// its own, the key it is indented under (`agent` for `agent:` then `  stop`).
fn key_of(source: &SourceFile, at: Position) -> Option<(String, bool)> {
    let above: Vec<&str> = lines(&source.text).take(at.line).collect();
    let line = above.last()?;
    let clean = |key: &str| {
        let key = key.trim().trim_start_matches("- ").trim();
        let key = key.trim_matches(|c| c == '"' || c == '\'');
        (!key.is_empty() && !key.contains([':', ' '])).then(|| key.to_owned())
    };
    // The value follows its key on the line (after an anchor or a tag, `fix: &f …`); an
    // empty value sits on the colon itself.
    for width in [at.column.saturating_sub(1), at.column] {
        let before: String = line.chars().take(width).collect();
        let before = without_properties(&before);
        if let Some(key) = before.strip_suffix(':') {
            // In a flow mapping, the key after its `{` or `,`: `{seconds: -5}`.
            let key = key.rsplit(['{', ',']).next().unwrap_or(key);
            return clean(key).map(|key| (key, false));
        }
    }
    let before: String = line.chars().take(at.column.saturating_sub(1)).collect();
    let before = without_properties(&before);
    // An item of a flow list: `fields: [x]`, `fix: [a, [b]]` (the key of the list the
    // item is in, if it is on this line).
    if let Some(open) = open_flow_list(before) {
        let key = without_properties(&before[..open]).strip_suffix(':')?;
        let key = key.rsplit(['{', ',']).next().unwrap_or(key);
        return clean(key).map(|key| (key, true));
    }
    let item = match before.trim() {
        "" => false,
        "-" => true,
        _ => return None,
    };
    let indent = |l: &str| l.len() - l.trim_start().len();
    let own = indent(line);
    let parent = above[..above.len() - 1]
        .iter()
        .rev()
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .find(|l| {
            indent(l) < own || (item && indent(l) == own && !l.trim_start().starts_with('-'))
        })?;
    clean(parent.trim_end().strip_suffix(':')?).map(|key| (key, item))
}

/// `before` (the line up to a value) without the anchor and tag written before the
/// value (`&f`, `!!str`), and without trailing spaces.
fn without_properties(before: &str) -> &str {
    let mut before = before.trim_end();
    for _ in 0..2 {
        let (rest, last) = before.rsplit_once([' ', '\t']).unwrap_or(("", before));
        if !(last.starts_with('&') || last.starts_with('!')) {
            break;
        }
        before = rest.trim_end();
    }
    before
}

/// Where the flow list that `before` ends inside opens, if `before` ends where an item
/// starts (just after its `[` or a `,`) and the innermost bracket open is a `[`.
fn open_flow_list(before: &str) -> Option<usize> {
    if !before.ends_with(['[', ',']) {
        return None;
    }
    let mut open: Vec<(usize, char)> = Vec::new();
    let mut quote = None;
    for (i, c) in before.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '{') => open.push((i, c)),
            (None, ']' | '}') => {
                open.pop();
            }
            _ => {}
        }
    }
    match open.last() {
        Some(&(i, '[')) => Some(i),
        _ => None,
    }
}

fn type_help(message: &str) -> String {
    if message.contains("string") {
        "quote the value, e.g. `\"…\"`; for several lines use a block scalar `|`".to_owned()
    } else if message.contains("sequence") {
        "this field takes a list: put each item on its own line starting with `- `".to_owned()
    } else if message.contains("map") || message.contains("struct") {
        "this field takes a mapping of `key: value` lines, indented under it".to_owned()
    } else {
        "see `docs/catalog.md` for the type of each field".to_owned()
    }
}

/// "did you mean `status`?" when a close match exists, else the list of valid names.
pub fn did_you_mean(found: &str, expected: &[&str]) -> String {
    let best = closest(found, expected);
    let list = listed(expected);
    match best {
        Some(candidate) => format!("did you mean `{candidate}`? expected one of {list}"),
        None => format!("expected one of {list}"),
    }
}

/// `words` in backticks, separated by commas: `` `stop`, `fix_request` ``.
fn listed(words: &[&str]) -> String {
    words
        .iter()
        .map(|word| format!("`{word}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `words` in backticks as a sentence lists them: `` `field`, `cause` and `resolution` ``.
pub(crate) fn listed_with_and(words: &[&str]) -> String {
    match words {
        [rest @ .., last] if !rest.is_empty() => format!("{} and `{last}`", listed(rest)),
        _ => listed(words),
    }
}

/// The one of `expected` that `found` is most likely a misspelling of, if any is close.
pub fn closest<'a>(found: &str, expected: &[&'a str]) -> Option<&'a str> {
    expected
        .iter()
        .map(|candidate| (strsim::jaro_winkler(found, candidate), *candidate))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    #[test]
    fn words_are_listed_as_a_sentence_lists_them() {
        assert_eq!(listed_with_and(&[]), "");
        assert_eq!(listed_with_and(&["a"]), "`a`");
        assert_eq!(listed_with_and(&["a", "b"]), "`a` and `b`");
        assert_eq!(listed_with_and(&["a", "b", "c"]), "`a`, `b` and `c`");
    }

    /// The strict parse alone, as every file was parsed before the fast one.
    fn strict<T: Parsed + std::fmt::Debug>(text: &str) -> String {
        format!(
            "{:?}",
            serde_saphyr::from_str_with_options::<T>(text, options())
        )
    }

    fn fast_or_strict<T: Parsed + std::fmt::Debug>(text: &str) -> String {
        format!(
            "{:?}",
            typed::<T>(&SourceFile::new("x.yaml", text.to_owned()))
        )
    }

    #[test]
    fn the_fast_parse_ends_as_the_strict_one_would() {
        // Every catalog file in the repository, valid and broken: the same value, spans
        // included, or the same error.
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut pending = vec![root.join("catalog"), root.join("tests/fixtures")];
        let mut compared = 0;
        while let Some(dir) = pending.pop() {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    pending.push(path);
                    continue;
                }
                let Some(text) = path
                    .extension()
                    .is_some_and(|e| e == "yaml")
                    .then(|| std::fs::read_to_string(&path).ok())
                    .flatten()
                else {
                    continue;
                };
                let (fast, strict) = if path.ends_with("errdex.yaml") {
                    (
                        fast_or_strict::<RawConfig>(&text),
                        strict::<RawConfig>(&text),
                    )
                } else {
                    (fast_or_strict::<RawError>(&text), strict::<RawError>(&text))
                };
                assert_eq!(fast, strict, "{}", path.display());
                compared += 1;
            }
        }
        assert!(compared > 150, "only {compared} files compared");

        // What the fast parse lets through and must not keep: repeated keys, in a
        // struct, in `headers`, spelt alike as YAML reads them, and merge keys; and
        // headers it keeps.
        let head = "code: x\ntitle: X\nstatus: 400\nsummary: S.\nretryable: false\nagent:\n  action: stop\n  guidance: G.\n";
        assert!(typed::<RawError>(&SourceFile::new("x.yaml", head.to_owned())).is_ok());
        for tail in [
            "title: Again\n",
            "response:\n  body: x\n  headers:\n    Retry-After: 1\n    Retry-After: 2\n",
            "response:\n  body: x\n  headers:\n    12: a\n    0x0C: b\n",
            "response:\n  body: x\n  headers:\n    True: a\n    true: b\n",
            "response:\n  body: x\n  headers:\n    \"12\": a\n    12: b\n",
            "response:\n  body: x\n  headers:\n    X-A: 1\n    X-B: 2\n",
            "response:\n  headers: &h\n    X-A: 1\n  <<: {body: x}\n",
            "response:\n  body: x\n  <<: {headers: {X-A: 1}}\n  headers: {X-A: 2}\n",
            "response:\n  body: x\n  headers:\n    <<: {X-A: 1}\n    X-B: 2\n",
        ] {
            let text = format!("{head}{tail}");
            let strict_result = strict::<RawError>(&text);
            // Not one that fails for another reason first.
            assert!(
                strict_result.starts_with("Ok") || strict_result.contains("Duplicate"),
                "{text}: {strict_result}"
            );
            assert_eq!(fast_or_strict::<RawError>(&text), strict_result, "{text}");
        }
    }

    #[test]
    fn limits_are_written_as_prose_writes_numbers() {
        use super::with_commas;
        assert_eq!(with_commas(64), "64");
        assert_eq!(with_commas(1_000), "1,000");
        assert_eq!(with_commas(100_000), "100,000");
        assert_eq!(with_commas(1_234_567), "1,234,567");
        assert_eq!(
            super::limits_help(),
            "catalog files are limited to 64 levels of nesting, 100,000 nodes and 1,000 aliases; simplify the file"
        );
    }

    use super::*;

    #[test]
    fn suggests_the_closest_field() {
        assert!(
            did_you_mean("staus", &["status", "summary"]).starts_with("did you mean `status`?")
        );
        assert!(did_you_mean("zzz", &["status", "summary"]).starts_with("expected one of"));
    }

    fn syntax_help(text: &str) -> (Position, String) {
        let source = SourceFile::new("errors/x.yaml", text.to_owned());
        let diagnostics = parse_error(&source).expect_err("the file is broken");
        let d = &diagnostics[0];
        assert_eq!(d.code, Code::YamlSyntax, "{}", d.message);
        (d.start, d.help.clone().unwrap_or_default())
    }

    #[test]
    fn an_unclosed_quote_is_traced_back_to_where_it_opened() {
        let (at, help) = syntax_help(
            "code: x\ntitle: \"Card declined\nstatus: 402\nwhen:\n  - \"A card is declined.\"\n",
        );
        assert_eq!(at.line, 5, "the parser notices where the string ends");
        assert!(help.contains("opened at line 2, column 8"), "{help}");

        let (_, help) = syntax_help(
            "code: x\ntitle: 'It''s declined\nstatus: 402\nwhen:\n  - 'A card is declined.'\n",
        );
        assert!(help.contains("opened at line 2, column 8"), "{help}");
    }

    #[test]
    fn a_text_tagged_as_another_type_is_a_wrong_type_and_the_other_keys_are_still_read() {
        // Valid YAML: serde's "cannot deserialize tagged scalar into string" was E001
        // (not valid YAML), which also stopped the reading of the file's other keys.
        for (line, tag) in [
            ("title: !!int 12", "!!int"),
            ("title: !!float 1e999", "!!float"),
            ("title: !!bool true", "!!bool"),
            // Not a boolean under strict booleans either; the walk reads past it.
            ("title: !!bool yes", "!!bool"),
        ] {
            let text = format!("code: x\n{line}\nstatus: 400\nwhatever: 1\n");
            let source = SourceFile::new("errors/x.yaml", text);
            let diagnostics = parse_error(&source).expect_err("the title is not text");
            let tagged = diagnostics
                .iter()
                .find(|d| d.code == Code::WrongType)
                .unwrap_or_else(|| panic!("no E002 in {diagnostics:#?}"));
            assert_eq!(
                tagged.message,
                format!("this value is tagged `{tag}`, but must be text")
            );
            assert_eq!(tagged.start.line, 2);
            assert!(diagnostics.iter().all(|d| d.code != Code::YamlSyntax));
            assert!(
                diagnostics
                    .iter()
                    .any(|d| d.code == Code::UnknownField && d.message.contains("whatever")),
                "{diagnostics:#?}"
            );
        }
    }

    #[test]
    fn other_syntax_errors_keep_the_general_hint() {
        // A list left open where a list belongs. (`title: [unclosed` is reported as a
        // title that must be text, whose help says to quote text starting with `[`.)
        let (_, help) = syntax_help("code: x\nwhen: [unclosed, list\n");
        assert!(help.starts_with("check indentation and quoting"), "{help}");
        let (_, help) = syntax_help("code: \"x\" y\n");
        assert!(help.starts_with("check indentation and quoting"), "{help}");
    }

    proptest::proptest! {
        /// Tracing a quote back never panics, whatever the quotes, escapes and
        /// multi-byte characters around it.
        #[test]
        fn tracing_quotes_never_panics(text in "(code: x\n)?([a-z]{1,3}: )?([\"'\\\\ \n:é😀-]|[a-z]{1,4}){0,40}") {
            let source = SourceFile::new("errors/x.yaml", text);
            let _ = parse_error(&source);
        }
    }

    #[test]
    fn a_value_of_the_wrong_shape_is_named_by_its_key() {
        // The first problem other than a missing key: these files lack most keys, each
        // reported beside the problem under test.
        let first = |text: &str| {
            let source = SourceFile::new("errors/x.yaml".to_owned(), text.to_owned());
            parse_error(&source)
                .err()
                .and_then(|found| found.into_iter().find(|d| d.code != Code::MissingField))
                .map(|d| (d.code.id(), d.message, d.start.line))
        };
        let says = |text: &str, message: &str, line: usize| {
            assert_eq!(
                first(text),
                Some(("E002", message.to_owned(), line)),
                "{text}"
            );
        };
        says("code: x\nwhen: hello\n", "`when` must be a list", 2);
        says(
            "code: x\ntitle: [a, b]\n",
            "`title` must be text, not a list or mapping",
            2,
        );
        says("code: x\ntitle:\n", "`title` is empty", 2);
        says(
            "code: x\nstatus: 404.0\n",
            "`status` must be a whole number",
            2,
        );
        says(
            "code: x\nstatus: 99999999999999999999\n",
            "`status` is too large a number",
            2,
        );
        for large in [
            "9999999999999999999",
            "0x1FFFFFFFFFFFFFFFF",
            "-0o7777777777777777777777",
        ] {
            says(
                &format!("code: x\nstatus: {large}\n"),
                "`status` is too large a number",
                2,
            );
        }
        says(
            "code: x\nretryable: !!str true\n",
            "`retryable` must be `true` or `false`",
            2,
        );
        says("code: x\nagent:\n  action: !stop\n", "`action` is empty", 3);
        says(
            "code: x\nstatus: !!str 404\n",
            "`status` must be a whole number",
            2,
        );
        // Their helps name the tag.
        let help = |text: &str| {
            parse_error(&SourceFile::new("errors/x.yaml", text.to_owned()))
                .err()
                .and_then(|found| {
                    found
                        .into_iter()
                        .find(|d| d.code == Code::WrongType)
                        .and_then(|d| d.help)
                })
                .unwrap_or_default()
        };
        assert_eq!(
            help("code: x\nretryable: !!str true\n"),
            "remove the tag `!!str`: with it, YAML reads the value as another type"
        );
        says(
            "code: x\n!!int title: T\n",
            "this key is tagged `!!int`, but must be text",
            2,
        );
        assert_eq!(
            help("code: x\nstatus: !!str 404\n"),
            "remove the tag `!!str`: with it, YAML reads the value as another type"
        );
        assert_eq!(
            help("code: x\nagent:\n  action: !stop\n"),
            "YAML reads `!stop` as a tag, which names a type, and the value after it as empty; write `stop` without the `!`"
        );
        says("code: x\nagent:\n  stop\n", "`agent` must be a mapping", 3);
        // A pasted body's line less indented than its `|` block ends the block.
        let unknown = |text: &str| {
            parse_error(&SourceFile::new("errors/x.yaml", text.to_owned()))
                .err()
                .and_then(|found| found.into_iter().find(|d| d.code == Code::UnknownField))
                .and_then(|d| d.help)
                .unwrap_or_default()
        };
        let pasted = "code: x\nresponse:\n  body: |\n    {\n      \"status\": 404,\n  \"detail\": \"Gone.\"\n    }\n";
        assert!(
            unknown(pasted)
                .starts_with("this line is less indented than the `body: |` block above it"),
            "{}",
            unknown(pasted)
        );
        // Further left than the key too; and a key that is no JSON gets the field names.
        assert!(unknown(&pasted.replace("\n  \"detail", "\n\"detail")).starts_with("this line"));
        assert!(
            unknown("code: x\ndescription: |\n  Text.\ndetial: x\n").contains("expected one of")
        );
        // A value where a list or a list of mappings belongs: the help shows the shape.
        assert_eq!(
            help("code: x\nmessages:\n  - \"Gone\"\n"),
            "each item of `messages` is a mapping: write `- message: \"Gone\"`, with the item's other keys on the lines below, lined up with `message`"
        );
        assert_eq!(
            help("code: x\nrelated: not_found\n"),
            "write a list: `- not_found` on its own line under `related:`, or `related: [not_found]`"
        );
        // Text that would not stay one item in `[…]` gets the block form only.
        assert_eq!(
            help("code: x\nwhen: The key is old, or revoked\n"),
            "write a list: `- The key is old, or revoked` on its own line under `when:`"
        );
        says(
            "code: x\nretry_after:\n  seconds: -5\n",
            "`seconds` must be a whole number, 0 or more",
            3,
        );
        says(
            "code: x\nmessages:\n  # why\n  - [x]\n",
            "each item of `messages` must be a mapping",
            4,
        );
        // Each diagnostic of an error file, as its message and line.
        let found = |text: &str| -> Vec<(String, usize)> {
            let source = SourceFile::new("errors/x.yaml", text.to_owned());
            parse_error(&source)
                .err()
                .unwrap_or_default()
                .into_iter()
                .map(|d| (d.message, d.start.line))
                .collect()
        };
        // Every missing top-level key is reported, not only the first.
        let missing = found("# c\ncode: x\ntitle: T\n");
        let expected: Vec<(String, usize)> = ["status", "summary", "retryable", "agent"]
            .iter()
            .map(|f| (format!("missing required field `{f}`"), 2))
            .collect();
        assert_eq!(missing, expected);
        // Every unknown top-level key is reported, each on its own line.
        let unknown = found("code: x\ntitel: T\nagent:\n  action: stop\nsumary: S.\n");
        // Missing keys too, but not `title` and `summary`: the misspelt keys' help asks
        // "did you mean `title`?".
        assert_eq!(
            unknown,
            [
                ("missing required field `status`".to_owned(), 1),
                ("missing required field `retryable`".to_owned(), 1),
                ("unknown field `titel`".to_owned(), 2),
                ("missing required field `guidance`".to_owned(), 4),
                ("unknown field `sumary`".to_owned(), 5)
            ]
        );
        // A second document, after a first that is incomplete or complete.
        for text in ["code: x\n---\ncode: y\n", "---\n# c\ncode: x\n---\n"] {
            let second = first(text);
            let expected = (
                "E001",
                "the file holds more than one YAML document".to_owned(),
            );
            assert_eq!(second.map(|(c, m, _)| (c, m)), Some(expected), "{text}");
        }
        assert!(second_document(&SourceFile::new("x", "---\ncode: x\n".to_owned())).is_none());
        says(
            "code: x\nwhen:\n- [a]\n",
            "each item of `when` must be text, not a list or mapping",
            3,
        );
    }

    #[test]
    fn strips_the_position_suffix() {
        assert_eq!(
            first_line("invalid type: found x at line 3 column 4"),
            "invalid type: found x"
        );
    }
}
