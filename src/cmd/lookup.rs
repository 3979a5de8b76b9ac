//! `errdex lookup "MESSAGE"`: which error a concrete message belongs to.
//!
//! Uses the template matchers of the checker: first each `{placeholder}` a value
//! without spaces, as E030 reads it, so the match names one error; then any non-empty
//! text, as the site's search (in JavaScript) and the check of response bodies read it.
//!
//! People paste what they have: a message in quotes, in another case, in a log line
//! behind its timestamp, or in the JSON body it came in. So the text is tried in three
//! ways, best first ([`Fit`]), and the matches of the best way that finds any are
//! printed. When nothing matches, the messages sharing most words with the text, or the
//! code it spells, are suggested.

use super::{Outcome, left_out_note, readable_catalog};
use crate::cli::LookupArgs;
use crate::codes::{spells_code, value_spells_code};
use crate::message_template::{Part, Template, matches_values, parts};
use crate::model::{AgentAction, Catalog, ErrorEntry, Pointers, RetryAfter, is_page};
use serde::Serialize;
use serde_json::Value;

#[derive(Serialize)]
struct Match<'a> {
    code: &'a str,
    /// How the API spells the code, when otherwise (see `ErrorEntry::sent_as`).
    #[serde(skip_serializing_if = "Option::is_none")]
    sent_as: Option<&'a str>,
    status: u16,
    title: &'a str,
    summary: String,
    /// The message that fits; with [`Fit::Code`], the one the body's strings fit, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<&'a str>,
    url: String,
    /// The error's Markdown, for an agent to read next.
    markdown_url: String,
    fit: Fit,
    /// What to do, as the error's page and `errors.json` say: an agent decides from
    /// these without a second request.
    action: AgentAction,
    retryable: bool,
    /// `null` when none, as in `errors.json`: a typed client reads every match alike.
    retry_after: Option<&'a RetryAfter>,
    /// Whether the error is deprecated (`errors.json` gives the notice itself).
    deprecated: bool,
    replaced_by: Option<&'a str>,
    /// What the match leaves uncertain: a body whose code names no error here.
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
}

/// How the pasted text holds a message, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
enum Fit {
    /// The text is a response body (or holds one) whose value at an envelope's `code`
    /// pointer is the error's code, as the API spells it: the body says which error it
    /// is, whatever its message. Or the text is the code alone, written either way
    /// (`rate_limited`, `RATE_LIMITED`), and no message is that text.
    Code,
    /// The text is a response body whose docs URL (at an envelope's `docs_url`
    /// pointer: RFC 9457's `type`) is the error's page, or is the page's address.
    Page,
    /// The text, trimmed of spaces and enclosing quotes, is an instance of the message,
    /// each placeholder a value without spaces. `check` (E030) makes sure no two codes
    /// have such an instance, so this fit names one error.
    Exact,
    /// The same, with some placeholder holding words: `{field} is required` for
    /// `Unknown parameter: foo is required`. Another code may fit as well.
    Spaced,
    /// The same, ignoring case and how many spaces or line breaks separate words.
    Loose,
    /// A string of the JSON in the text, or some part of the text, is one (loosely): a
    /// response body, or a log line with a timestamp before the message.
    Inside,
}

/// A template's fixed text, spaces aside, must be this long to be looked for inside a
/// longer text: `E{code}` would be found in any line with an `e`. The site's search
/// (`templates/search.js`) sets the same bar.
const MIN_LITERAL_INSIDE: usize = 3;

/// At most this many words of the pasted text are compared with each message.
const MAX_WORDS: usize = 64;

/// At most this many messages are suggested when none matches.
const SUGGESTIONS: usize = 3;

/// At most this many codes are named for a status pasted alone.
const MAX_STATUS_CODES: usize = 8;

/// Exit 0 with a match and 1 without, as `grep` does, so scripts can branch on it;
/// a catalog that cannot be searched (errdex.yaml has errors) is exit 2.
pub(super) fn run(args: &LookupArgs) -> anyhow::Result<Outcome> {
    let readable = readable_catalog(&args.catalog.catalog, |path| {
        path == crate::load::CONFIG_FILE
    })?;
    let Some(catalog) = readable.catalog else {
        anyhow::bail!(
            "{} has errors (above), so the catalog cannot be searched",
            crate::load::CONFIG_FILE
        );
    };
    if !readable.left_out.is_empty() {
        eprintln!(
            "{}",
            left_out_note(readable.left_out.len(), "did not search")
        );
    }
    let pasted = Pasted::new(&args.message);
    let matches = best_matches(&catalog, &pasted);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&matches)?);
    }
    if matches.is_empty() {
        // With `--json` too: stdout stays the (empty) list a script parses, and whoever
        // reads stderr (a person, an agent's log) learns what to try instead.
        eprintln!(
            "no error in the catalog has a message matching \"{}\"",
            // A pasted message can hold a terminal's control sequences (`\e]52;…`).
            crate::check::printable(&crate::check::excerpt(&pasted.text, 200))
        );
        if let Some(codes) = unknown_codes(&catalog, &pasted) {
            eprintln!(
                "note: the body's code {codes} names no error in this catalog: the API may send a code the catalog does not document yet"
            );
        }
        if let Some(help) = suggestion(&catalog, &pasted) {
            eprintln!("{help}");
        }
    } else if !args.json {
        match matches[0].fit {
            Fit::Exact if matches.len() > 1 => eprintln!(
                "note: {} errors claim this message; `errdex check` reports it (E030) until one does",
                matches.len()
            ),
            Fit::Exact => {}
            Fit::Spaced if matches.len() > 1 => eprintln!(
                "note: each of these messages fits only with a placeholder holding several words"
            ),
            Fit::Spaced => {}
            Fit::Loose => eprintln!("note: matched ignoring case and spacing"),
            Fit::Inside => eprintln!("note: no message is the whole text; found inside it"),
            Fit::Code if !pasted.is_body() => eprintln!(
                "note: found by its code; `errdex explain {}` prints its page",
                matches[0].code
            ),
            Fit::Code => eprintln!("note: found by the code in the response body"),
            Fit::Page => eprintln!("note: found by the address of its page"),
        }
        if let Some(note) = &matches[0].note {
            eprintln!("note: {note}");
        }
        for m in &matches {
            let sent_as = m
                .sent_as
                .map(|sent| format!(", sent as {sent}"))
                .unwrap_or_default();
            let message = m
                .message
                .map(|message| format!("\n  message: {message}"))
                .unwrap_or_default();
            let retry = match (m.retryable, m.retry_after) {
                (false, _) => "not retryable".to_owned(),
                (true, None) => "retryable".to_owned(),
                (true, Some(after)) => format!(
                    "retryable after {}",
                    after
                        .in_words(str::to_owned)
                        .unwrap_or_else(|| "a while".to_owned())
                ),
            };
            let replaced = m
                .replaced_by
                .map(|code| format!("; replaced by {code}"))
                .unwrap_or_default();
            println!(
                "{} (HTTP {}{sent_as}): {}\n  {}{message}\n  action: {}, {retry}{replaced}\n  {}",
                m.code,
                m.status,
                m.title,
                m.summary,
                m.action.as_str(),
                m.url
            );
        }
    }
    Ok(if matches.is_empty() {
        Outcome::CatalogErrors
    } else {
        Outcome::Success
    })
}

/// The errors a pasted response body names by its code or its docs URL, or every
/// message that fits the text in the best way any does, in catalog order.
fn best_matches<'a>(catalog: &'a Catalog, pasted: &Pasted) -> Vec<Match<'a>> {
    let (named, fit) = match named_by_code(catalog, pasted) {
        named if !named.is_empty() => (named, Fit::Code),
        _ => (named_by_page(catalog, pasted), Fit::Page),
    };
    if !named.is_empty() {
        // The message of the body, when one of the error's fits it.
        let with_messages: Vec<(&ErrorEntry, Option<&str>)> = named
            .into_iter()
            .map(|entry| {
                let message = entry
                    .messages
                    .iter()
                    .map(|m| m.message.as_str())
                    .find(|m| pasted.fit(m).is_some());
                (entry, message)
            })
            .collect();
        // Two envelopes may each name an error (a card's `code` and its
        // `decline_code`): the one whose message the body has too is the better answer.
        let any_message = with_messages.iter().any(|(_, m)| m.is_some());
        return with_messages
            .into_iter()
            .filter(|(_, message)| message.is_some() || !any_message)
            .map(|(entry, message)| matched(catalog, entry, message, fit, None))
            .collect();
    }
    let fitting: Vec<(&ErrorEntry, &str, Fit)> = messages(catalog)
        .filter_map(|(entry, message)| Some((entry, message, pasted.fit(message)?)))
        .collect();
    let best = fitting.iter().map(|(_, _, fit)| *fit).min();
    // A code pasted alone (from a body's `code` field, a log, an SDK's exception) names
    // its error, unless a message is that very text: then the message is what was meant.
    if best.is_none_or(|best| best > Fit::Spaced) {
        let named = named_by_bare_code(catalog, pasted);
        if !named.is_empty() {
            return named
                .into_iter()
                .map(|entry| matched(catalog, entry, None, Fit::Code, None))
                .collect();
        }
    }
    let Some(best) = best else {
        return Vec::new();
    };
    // A body whose code names no error of the catalog, matched by its message: the API
    // may have a code the catalog does not document yet, whose action may differ.
    let note = unknown_codes(catalog, pasted).map(|codes| {
        format!("the body's code {codes} names no error in this catalog; matched by its message")
    });
    fitting
        .into_iter()
        .filter(|(_, _, fit)| *fit == best)
        .map(|(entry, message, fit)| matched(catalog, entry, Some(message), fit, note.clone()))
        .collect()
}

fn matched<'a>(
    catalog: &'a Catalog,
    entry: &'a ErrorEntry,
    message: Option<&'a str>,
    fit: Fit,
    note: Option<String>,
) -> Match<'a> {
    Match {
        code: &entry.code,
        sent_as: entry.sent_as.as_deref(),
        status: entry.status,
        title: &entry.title,
        summary: crate::markdown::to_plain_text(&entry.summary),
        message,
        url: catalog.page_url(&entry.code),
        markdown_url: catalog.markdown_url(&entry.code),
        fit,
        action: entry.agent.action,
        retryable: entry.retryable,
        retry_after: entry.retry_after.as_ref(),
        deprecated: entry.is_deprecated(),
        replaced_by: entry.replaced_by.as_deref(),
        note,
    }
}

/// The values the pasted body holds at one pointer of each envelope (`code`, say).
fn at_pointers<'p>(
    catalog: &Catalog,
    pasted: &'p Pasted,
    pointer: impl Fn(&Pointers) -> Option<&str>,
) -> Vec<&'p Value> {
    let Some(body) = &pasted.json else {
        return Vec::new();
    };
    catalog
        .config
        .envelopes
        .iter()
        .filter_map(|envelope| body.pointer(pointer(&envelope.pointers)?))
        .collect()
}

/// The values the pasted body holds at the envelopes' `code` pointers.
fn body_codes<'p>(catalog: &Catalog, pasted: &'p Pasted) -> Vec<&'p Value> {
    at_pointers(catalog, pasted, |p| p.code.as_deref())
}

/// The errors whose code the pasted body holds at an envelope's `code` pointer, as the
/// API spells it (`INVALID_ARGUMENT`, or a number for a numeric code), in catalog order.
fn named_by_code<'a>(catalog: &'a Catalog, pasted: &Pasted) -> Vec<&'a ErrorEntry> {
    // `sent_as` is such a spelling too, so it needs no test of its own.
    let sent = body_codes(catalog, pasted);
    catalog
        .errors
        .iter()
        .map(AsRef::as_ref)
        .filter(|entry| {
            sent.iter()
                .any(|value| value_spells_code(value, &entry.code))
        })
        .collect()
}

/// The errors whose code the pasted text is, alone, as written in the catalog or as the
/// API spells it (`RATE_LIMITED`, `RateLimited`, or in quotes), in catalog order.
fn named_by_bare_code<'a>(catalog: &'a Catalog, pasted: &Pasted) -> Vec<&'a ErrorEntry> {
    if pasted.text.is_empty() || pasted.text.contains(char::is_whitespace) {
        return Vec::new();
    }
    // `sent_as` is such a spelling too (`check` keeps only one that spells the code), so
    // it needs no test of its own.
    catalog
        .errors
        .iter()
        .map(AsRef::as_ref)
        .filter(|entry| spells_code(&pasted.text, &entry.code))
        .collect()
}

/// The codes (strings or numbers) the pasted body holds at the envelopes' `code`
/// pointers, as JSON, when there are some and none names an error of the catalog.
fn unknown_codes(catalog: &Catalog, pasted: &Pasted) -> Option<String> {
    let codes: Vec<String> = body_codes(catalog, pasted)
        .into_iter()
        .filter(|value| matches!(value, Value::String(_) | Value::Number(_)))
        .map(|value| crate::check::printable(&crate::check::excerpt(&value.to_string(), 80)))
        .collect();
    (!codes.is_empty()).then(|| codes.join(", "))
}

/// The errors whose page the pasted text names: the docs URL of a body (at an
/// envelope's `docs_url` pointer, RFC 9457's `type`), or the text itself when it is an
/// address, of the page or of its Markdown.
fn named_by_page<'a>(catalog: &'a Catalog, pasted: &Pasted) -> Vec<&'a ErrorEntry> {
    let mut urls: Vec<&str> = at_pointers(catalog, pasted, |p| p.docs_url.as_deref())
        .into_iter()
        .filter_map(Value::as_str)
        .collect();
    if pasted.text.starts_with("http") && !pasted.text.contains(char::is_whitespace) {
        urls.push(&pasted.text);
    }
    if urls.is_empty() {
        return Vec::new();
    }
    catalog
        .errors
        .iter()
        .map(AsRef::as_ref)
        .filter(|entry| {
            let page = catalog.page_url(&entry.code);
            let markdown = catalog.markdown_url(&entry.code);
            urls.iter()
                .any(|url| is_page(url, &page) || is_page(url, &markdown))
        })
        .collect()
}

fn messages(catalog: &Catalog) -> impl Iterator<Item = (&ErrorEntry, &str)> {
    catalog.errors.iter().flat_map(|entry| {
        entry
            .messages
            .iter()
            .map(move |m| (entry.as_ref(), m.message.as_str()))
    })
}

/// The pasted text in the forms it is compared in.
struct Pasted {
    /// Trimmed of white space and of quotes around it.
    text: String,
    /// `text` in the loose form ([`loose`]).
    loose: String,
    /// The JSON the text is or holds, if any (a response body).
    json: Option<Value>,
    /// The strings in that JSON, loose.
    json_strings: Vec<String>,
}

impl Pasted {
    fn new(raw: &str) -> Self {
        let text = unquoted(raw).to_owned();
        let json = json_in(&text);
        let json_strings = json
            .as_ref()
            .map(json_strings)
            .unwrap_or_default()
            .iter()
            .map(|s| loose(s))
            .collect();
        Pasted {
            loose: loose(&text),
            text,
            json,
            json_strings,
        }
    }

    /// Whether the text is (or holds) a response body: JSON with fields or items, not a
    /// bare number or string (`20003` is a code pasted alone).
    fn is_body(&self) -> bool {
        matches!(self.json, Some(Value::Object(_) | Value::Array(_)))
    }

    /// How the text holds `message`, a template, if it does.
    fn fit(&self, message: &str) -> Option<Fit> {
        if matches_values(message, &self.text) {
            return Some(Fit::Exact);
        }
        if Template::parse(message).matches(&self.text) {
            return Some(Fit::Spaced);
        }
        let template = Template::parse(&loose(message));
        if template.matches(&self.loose) {
            Some(Fit::Loose)
        } else if self.json_strings.iter().any(|s| template.matches(s))
            || (identifies(&template) && template.is_found_in(&self.loose))
        {
            Some(Fit::Inside)
        } else {
            None
        }
    }
}

/// `text` trimmed of white space and of the quotes a copied string keeps (`"…"`,
/// `'…'`, `` `…` ``, `“…”`, `‘…’`), as often as they enclose it. A pair is removed only
/// when the text has no other such quote: `"a": "b"` is not one quoted string.
fn unquoted(text: &str) -> &str {
    const PAIRS: [(char, char); 5] = [
        ('"', '"'),
        ('\'', '\''),
        ('`', '`'),
        ('\u{201C}', '\u{201D}'),
        ('\u{2018}', '\u{2019}'),
    ];
    let mut text = text.trim();
    while let Some(inner) = PAIRS.iter().find_map(|&(open, close)| {
        let inner = text.strip_prefix(open)?.strip_suffix(close)?;
        (!inner.contains([open, close])).then_some(inner)
    }) {
        text = inner.trim();
    }
    text
}

/// Lower-cased, with each run of white space one space, trimmed, and without the
/// full stops or exclamation marks that end it: a message read from a log wraps,
/// changes case and loses its final period (or a writer leaves it out of the catalog)
/// without becoming another message.
fn loose(text: &str) -> String {
    let one_line = crate::markdown::one_line(text).to_lowercase();
    one_line
        .trim_end_matches(|c: char| matches!(c, '.' | '!' | '\u{3002}') || c.is_whitespace())
        .to_owned()
}

/// Whether a template has enough fixed text to be looked for inside a longer text.
fn identifies(template: &Template) -> bool {
    template
        .literal_text()
        .flat_map(str::chars)
        .filter(|c| !c.is_whitespace())
        .nth(MIN_LITERAL_INSIDE - 1)
        .is_some()
}

/// The JSON value the text is, or holds from its first `{` to its last `}` (a log line
/// ending in a body); `None` when there is no such JSON.
fn json_in(text: &str) -> Option<Value> {
    let object = text
        .find('{')
        .zip(text.rfind('}'))
        .and_then(|(start, end)| text.get(start..=end));
    [Some(text), object]
        .into_iter()
        .flatten()
        .find_map(|json| serde_json::from_str::<Value>(json).ok())
}

/// The strings in a JSON value, at any depth.
fn json_strings(value: &Value) -> Vec<String> {
    let mut strings = Vec::new();
    let mut stack = vec![value];
    while let Some(value) = stack.pop() {
        match value {
            Value::String(s) => strings.push(s.clone()),
            Value::Array(items) => stack.extend(items),
            Value::Object(fields) => stack.extend(fields.values()),
            _ => {}
        }
    }
    strings
}

/// What to try instead when nothing matches: the errors of the status the text is, the
/// code the text nearly spells, or the messages sharing most words with it.
fn suggestion(catalog: &Catalog, pasted: &Pasted) -> Option<String> {
    if let Some(status) = with_status(catalog, pasted) {
        return Some(status);
    }
    if let Some(code) = spelt_code(catalog, pasted) {
        return Some(code);
    }
    if let Some(titled) = titled(catalog, pasted) {
        return Some(titled);
    }
    let mut words = words(&pasted.loose);
    // A whole pasted log is compared by its first words, so that a catalog of thousands
    // of messages is still ranked at once.
    words.truncate(MAX_WORDS);
    let mut scored: Vec<(f64, &ErrorEntry, &str)> = messages(catalog)
        .map(|(entry, message)| (similarity(&template_words(message), &words), entry, message))
        .filter(|(score, _, _)| *score >= 0.5)
        .collect();
    // Best first; a stable sort keeps catalog order among equals.
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    if scored.is_empty() {
        return None;
    }
    let lines: Vec<String> = scored
        .iter()
        .take(SUGGESTIONS)
        .map(|(_, entry, message)| format!("  {} (HTTP {}): {message}", entry.code, entry.status))
        .collect();
    Some(format!(
        "help: the closest messages in the catalog:\n{}",
        lines.join("\n")
    ))
}

/// A hint for a text that is an HTTP status alone (`429`, `HTTP 429`, `HTTP/1.1 429
/// Too Many Requests`): which errors have it. A status names a kind of failure, not one
/// error, so it is no match.
fn with_status(catalog: &Catalog, pasted: &Pasted) -> Option<String> {
    let status = status_alone(&pasted.loose)?;
    let codes: Vec<&str> = catalog
        .errors
        .iter()
        .filter(|entry| entry.status == status)
        .map(|entry| entry.code.as_str())
        .collect();
    let shown = codes
        .iter()
        .take(MAX_STATUS_CODES)
        .map(|c| format!("`{c}`"));
    let mut list = shown.collect::<Vec<_>>().join(", ");
    if codes.len() > MAX_STATUS_CODES {
        list.push_str(&format!(" and {} more", codes.len() - MAX_STATUS_CODES));
    }
    Some(match codes.len() {
        0 => format!("help: no error in the catalog has HTTP status {status}"),
        1 => format!(
            "help: one error has HTTP status {status}: {list}; `errdex explain {}` prints its page",
            codes[0]
        ),
        n => format!(
            "help: {n} errors have HTTP status {status}: {list}; paste the response body or its message to find which"
        ),
    })
}

/// A hint for a text that is an error's title, not one of its messages (an RFC 9457
/// body's `title` is often what a log keeps): the errors with that title.
fn titled(catalog: &Catalog, pasted: &Pasted) -> Option<String> {
    let entries: Vec<&ErrorEntry> = catalog
        .errors
        .iter()
        .map(AsRef::as_ref)
        .filter(|entry| loose(&entry.title) == pasted.loose)
        .collect();
    let first = entries.first()?;
    let named: Vec<String> = entries
        .iter()
        .map(|entry| format!("`{}` (HTTP {})", entry.code, entry.status))
        .collect();
    Some(format!(
        "help: that is the title of {}; `errdex explain {}` prints its page",
        named.join(", "),
        first.code
    ))
}

/// The status a loose text is alone: three digits, after `http` or a status line's
/// `http/1.1` and before the status's reason phrase, if any.
fn status_alone(loose: &str) -> Option<u16> {
    let rest = match loose.strip_prefix("http") {
        Some(rest) => rest
            .strip_prefix('/')
            .map_or(rest, |version| {
                version.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.')
            })
            .trim_start(),
        None => loose,
    };
    let digits = rest.get(..3)?;
    let status: u16 = digits.parse().ok().filter(|s| (100..600).contains(s))?;
    let reason = rest[3..].trim();
    (reason.is_empty() || reason.eq_ignore_ascii_case(crate::http_status::reason_phrase(status)))
        .then_some(status)
}

/// A hint for a text that is one word and close to an error code: people paste the
/// code from a body's `code` field too, and misspell it. (One that spells a code is a
/// match: [`named_by_bare_code`].)
fn spelt_code(catalog: &Catalog, pasted: &Pasted) -> Option<String> {
    // A number a digit away from a numeric code is another error, not a typo of it
    // (Twilio's 21212 is not 21211).
    if pasted.loose.is_empty()
        || pasted.loose.contains(' ')
        || pasted.loose.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let codes: Vec<&str> = catalog.errors.iter().map(|e| e.code.as_str()).collect();
    let code = crate::load::closest(&pasted.loose, &codes)?;
    Some(format!(
        "help: did you mean the code `{code}`? `errdex explain {code}` prints its page"
    ))
}

/// The lower-case words of a text: runs of letters, digits and `_`.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The words of a template's fixed text: a placeholder's value is no word to compare.
fn template_words(message: &str) -> Vec<String> {
    parts(message)
        .into_iter()
        .filter_map(|part| match part {
            Part::Text(text) => Some(words(text)),
            Part::Placeholder(_) => None,
        })
        .flatten()
        .collect()
}

/// How alike two texts' words are, 0 to 1: the Dice coefficient, with words of four
/// letters or more counted as the same when they are near spellings (`Widgt`).
fn similarity(template: &[String], pasted: &[String]) -> f64 {
    if template.is_empty() || pasted.is_empty() {
        return 0.0;
    }
    let alike = |a: &str, b: &str| {
        a == b
            || (a.chars().count() >= 4
                && b.chars().count() >= 4
                && strsim::jaro_winkler(a, b) >= 0.9)
    };
    let shared = template
        .iter()
        .filter(|t| pasted.iter().any(|p| alike(t, p)))
        .count();
    2.0 * shared as f64 / (template.len() + pasted.len()) as f64
}

#[cfg(test)]
mod tests {
    use super::{Fit, Pasted, similarity, template_words, unquoted, words};

    #[test]
    fn quotes_and_spaces_around_a_message_are_dropped() {
        assert_eq!(
            unquoted("  \"Widget w_1 not found\"\n"),
            "Widget w_1 not found"
        );
        assert_eq!(unquoted("'`Not found`'"), "Not found");
        assert_eq!(unquoted("\u{201C}Not found\u{201D}"), "Not found");
        assert_eq!(unquoted("\"a\": \"b\""), "\"a\": \"b\"");
        assert_eq!(unquoted("\"\""), "");
    }

    #[test]
    fn the_best_fit_is_found_first() {
        let fit = |pasted: &str, message: &str| Pasted::new(pasted).fit(message);
        let template = "Widget {id} not found";
        assert_eq!(fit("Widget w_1 not found", template), Some(Fit::Exact));
        assert_eq!(fit(" 'Widget w_1 not found' ", template), Some(Fit::Exact));
        assert_eq!(fit("Widget w 1 not found", template), Some(Fit::Spaced));
        assert_eq!(fit("widget W_1 NOT  found", template), Some(Fit::Loose));
        // A final period, kept by one and not the other.
        assert_eq!(fit("Widget w_1 not found.", template), Some(Fit::Loose));
        let declined = "Your card was declined.";
        assert_eq!(fit("Your card was declined", declined), Some(Fit::Loose));
        assert_eq!(fit("your card was declined!", declined), Some(Fit::Loose));
        assert_eq!(
            fit("card c_1 was declined", "Card {id} was declined."),
            Some(Fit::Loose)
        );
        assert_eq!(fit("Your card was", declined), None);
        assert_eq!(
            fit(
                "2026-11-30T17:02:11Z ERROR Widget w_1 not found (req_9)",
                template
            ),
            Some(Fit::Inside)
        );
        assert_eq!(
            fit(
                r#"{"error": {"code": "not_found", "message": "Widget \"w 1\" not found"}}"#,
                template
            ),
            Some(Fit::Inside)
        );
        assert_eq!(
            fit(r#"HTTP 404 {"message": "Widget w_1 not found"}"#, template),
            Some(Fit::Inside)
        );
        assert_eq!(fit("Widget not found", template), None);
        // Too little fixed text to be looked for inside a longer line.
        assert_eq!(fit("time=1 E42 happened", "E{code}"), None);
        assert_eq!(fit("E42", "E{code}"), Some(Fit::Exact));
    }

    #[test]
    fn messages_sharing_words_are_alike() {
        let template = template_words("Widget {id} not found");
        assert_eq!(template, ["widget", "not", "found"]);
        assert!(similarity(&template, &words("Widgt w_1 was not found")) >= 0.5);
        assert!(similarity(&template, &words("Rate limit exceeded")) < 0.5);
        assert_eq!(similarity(&[], &words("x")), 0.0);
    }
}
