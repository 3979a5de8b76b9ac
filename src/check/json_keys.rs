//! JSON parsing that notices repeated keys.
//!
//! `{"code": "a", "code": "b"}` is valid JSON, but RFC 8259 (section 4) leaves open which
//! value a reader keeps: some parsers keep the first, most the last, some refuse the text.
//! `serde_json::Value` keeps the last without a word, so the envelope pointers would check
//! one value while a client may read the other. [`parse`] builds the same `Value` in the
//! same single pass, and lists where keys repeat; [`warn_repeated`] reports them (W009).

use super::at;
use super::text::printable;
use crate::diagnostic::{Code, Diagnostics};
use crate::load::raw::S;
use crate::source::SourceFile;
use serde::de::{DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::map::Entry;
use serde_json::{Map, Number, Value};
use std::collections::BTreeMap;
use std::fmt;

/// Most repeated keys listed for one text: a body with more was generated, not typed, and
/// the first ones say what is wrong.
const MAX_LISTED: usize = 100;

/// A parsed JSON text and where it repeats a key.
pub(super) struct Parsed {
    /// What `serde_json::from_str::<Value>` gives: a repeated key holds its last value.
    pub value: Value,
    /// Every repeated key by its JSON Pointer (RFC 6901), e.g. `/error/code` → `code`.
    pub repeated: BTreeMap<String, String>,
}

/// Parses `text` as JSON, as `serde_json::from_str` does (same value, same errors).
pub(super) fn parse(text: &str) -> Result<Parsed, serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let mut found = Vec::new();
    let value = Node(&mut found).deserialize(&mut deserializer)?;
    deserializer.end()?;
    let repeated = found
        .into_iter()
        .map(|path| (pointer(&path), path.into_iter().next().unwrap_or_default()))
        .collect();
    Ok(Parsed { value, repeated })
}

/// Where the value at `pointer` (RFC 6901) is written in `text`, a JSON text: the byte
/// range of its spelling, so a diagnostic can point at the line that holds it rather than
/// at the body's first. serde_json finds it: a `RawValue` borrows each value's text, and
/// the pointer is followed one level at a time. Of a key written twice, the last is
/// found, as [`parse`] keeps it. `None` when `text` is not JSON or holds nothing there.
pub(super) fn value_range(text: &str, pointer: &str) -> Option<std::ops::Range<usize>> {
    let mut raw: &serde_json::value::RawValue = serde_json::from_str(text).ok()?;
    for segment in pointer.split('/').skip(1) {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        let inner = raw.get();
        raw = if inner.starts_with('[') {
            let items: Vec<&serde_json::value::RawValue> = serde_json::from_str(inner).ok()?;
            items.get(segment.parse::<usize>().ok()?).copied()?
        } else {
            let members: BTreeMap<String, &serde_json::value::RawValue> =
                serde_json::from_str(inner).ok()?;
            members.get(&segment).copied()?
        };
    }
    // The value's text is a part of `text`: where it starts is how far its first byte is
    // from `text`'s.
    let start = (raw.get().as_ptr() as usize).checked_sub(text.as_ptr() as usize)?;
    let end = start + raw.get().len();
    (end <= text.len()).then_some(start..end)
}

/// E021 for `json`, which did not parse: `what` names it ("response body is not valid
/// application/json"). At the place the parser stopped, where the file holds it; then
/// the parser's own "at line 4 column 19", counted in the text, would only confuse.
pub(super) fn not_parsed(
    source: &SourceFile,
    json: &S<String>,
    error: &serde_json::Error,
    what: &str,
) -> crate::diagnostic::Diagnostic {
    let text = json.value.as_str();
    let reason = reason_of(error);
    match error_offset(text, error) {
        Some(offset) => {
            let next = text[offset..].chars().next().map_or(0, char::len_utf8);
            let reason = reason
                .rsplit_once(" at line ")
                .map_or(reason.as_str(), |(r, _)| r);
            super::at_markdown_range(
                source,
                json,
                offset..offset + next,
                Code::BodyNotParsed,
                format!("{what}: {reason}"),
            )
        }
        None => at(
            source,
            json,
            Code::BodyNotParsed,
            format!("{what}: {reason}"),
        ),
    }
}

/// What is wrong with a JSON text, in serde_json's words, but for two of its limits,
/// which valid JSON can reach: they are said as limits, not as mistakes in the text.
fn reason_of(error: &serde_json::Error) -> String {
    let reason = error.to_string();
    if reason.starts_with("recursion limit exceeded") {
        reason.replacen(
            "recursion limit exceeded",
            "it nests deeper than the 127 levels errdex reads",
            1,
        )
    } else if reason.starts_with("number out of range") {
        reason.replacen(
            "number out of range",
            "a number is beyond what errdex reads (a 64-bit float, up to about 1.8e308)",
            1,
        )
    } else {
        reason
    }
}

/// The byte offset in `text` of a parse error's line and column (serde_json counts both
/// from 1, the column in bytes), on a character boundary.
pub(super) fn error_offset(text: &str, error: &serde_json::Error) -> Option<usize> {
    let line_start = if error.line() <= 1 {
        0
    } else {
        text.match_indices('\n').nth(error.line() - 2)?.0 + 1
    };
    let mut at = (line_start + error.column().saturating_sub(1)).min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    Some(at)
}

/// A W009 warning for each key `json` repeats; `what` names it ("the body").
pub(super) fn warn_repeated(
    source: &SourceFile,
    json: &S<String>,
    what: &str,
    repeated: &BTreeMap<String, String>,
    diagnostics: &mut Diagnostics,
) {
    for (pointer, key) in repeated {
        let key = printable(key);
        diagnostics.push(
            at(
                source,
                json,
                Code::RepeatedJsonKey,
                format!("{what} repeats the key `{key}` at `{}`: clients differ on which value they keep", printable(pointer)),
            )
            .with_help(format!("keep one `{key}` and remove the others: some JSON parsers keep the first value, most the last, some refuse the text (RFC 8259, section 4)")),
        );
    }
}

/// The path of a repeated key, leaf first: the segments are added on the way out of the
/// nesting, so a text without repeated keys costs no path bookkeeping at all.
type ReversedPath = Vec<String>;

fn pointer(reversed: &ReversedPath) -> String {
    let mut pointer = String::new();
    for segment in reversed.iter().rev() {
        pointer.push('/');
        pointer.push_str(&segment.replace('~', "~0").replace('/', "~1"));
    }
    pointer
}

/// One JSON value; repeated keys found in it are pushed to the list it holds.
struct Node<'a>(&'a mut Vec<ReversedPath>);

impl Node<'_> {
    /// Adds `segment` to the paths of the repeated keys found since `first`: they lie
    /// inside the value that `segment` names.
    fn nest(&mut self, first: usize, segment: impl FnOnce() -> String) {
        if let Some(found) = self.0.get_mut(first..).filter(|f| !f.is_empty()) {
            let segment = segment();
            for path in found {
                path.push(segment.clone());
            }
        }
    }
}

impl<'de> DeserializeSeed<'de> for Node<'_> {
    type Value = Value;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any valid JSON value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Value, E> {
        Ok(Number::from_f64(value).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_owned()))
    }

    fn visit_string<E>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut items: A) -> Result<Value, A::Error> {
        let mut array = Vec::with_capacity(items.size_hint().unwrap_or(0));
        loop {
            let first = self.0.len();
            let Some(item) = items.next_element_seed(Node(&mut *self.0))? else {
                break;
            };
            let index = array.len();
            self.nest(first, || index.to_string());
            array.push(item);
        }
        Ok(Value::Array(array))
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut entries: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = entries.next_key::<String>()? {
            let first = self.0.len();
            let value = entries.next_value_seed(Node(&mut *self.0))?;
            self.nest(first, || key.clone());
            // As `Value` does: the last value wins, in the place of the first.
            match object.entry(key) {
                Entry::Vacant(entry) => {
                    entry.insert(value);
                }
                Entry::Occupied(mut entry) => {
                    if self.0.len() < MAX_LISTED {
                        self.0.push(vec![entry.key().clone()]);
                    }
                    entry.insert(value);
                }
            }
        }
        Ok(Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pointer_finds_where_its_value_is_written() {
        let body = "{\n  \"error\": {\n    \"code\": \"gone\",\n    \"a/b\": [1, {\"x~\": null}],\n    \"code\": 7\n  }\n}";
        let spelt = |pointer: &str| value_range(body, pointer).map(|r| &body[r]);
        // Of a key written twice, the last, as the parsed value keeps it.
        assert_eq!(spelt("/error/code"), Some("7"));
        assert_eq!(spelt("/error/a~1b/0"), Some("1"));
        assert_eq!(spelt("/error/a~1b/1/x~0"), Some("null"));
        assert_eq!(spelt(""), Some(body));
        for nothing in [
            "/error/missing",
            "/error/a~1b/2",
            "/error/code/0",
            "/error/a~1b/x",
        ] {
            assert_eq!(spelt(nothing), None, "{nothing}");
        }
        assert_eq!(value_range("{not json", "/a"), None);
    }

    #[test]
    fn the_parsers_limits_are_said_as_limits() {
        let said =
            |json: &str| reason_of(&serde_json::from_str::<Value>(json).expect_err("a limit"));
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert!(
            said(&deep).starts_with("it nests deeper than the 127 levels errdex reads at line 1")
        );
        assert!(said("[1e400]").starts_with("a number is beyond what errdex reads"));
        assert!(said("[1,]").starts_with("trailing comma"));
    }

    #[test]
    fn a_parse_error_is_placed_at_its_line_and_column() {
        let body = "{\n  \"é\": 1,,\n}";
        let error = serde_json::from_str::<Value>(body).expect_err("two commas");
        let at = error_offset(body, &error).expect("a place");
        assert_eq!(&body[at..at + 1], ",");
        assert_eq!(body[..at].matches('\n').count(), 1, "on the second line");
    }

    fn repeated(text: &str) -> Vec<String> {
        parse(text)
            .expect("valid JSON")
            .repeated
            .into_keys()
            .collect()
    }

    #[test]
    fn repeated_keys_are_found_with_their_pointer() {
        assert_eq!(repeated(r#"{"code": "a", "code": "b"}"#), ["/code"]);
        assert_eq!(
            repeated(r#"{"error": {"code": "a", "message": "m", "code": "b"}}"#),
            ["/error/code"]
        );
        assert_eq!(
            repeated(
                r#"{"errors": [{"a": 1}, {"a/b~": 1, "a/b~": 2, "x": [0, {"y": 1, "y": 1}]}]}"#
            ),
            ["/errors/1/a~1b~0", "/errors/1/x/1/y"]
        );
        assert_eq!(repeated(r#"{"a": 1, "a": 2, "a": 3}"#), ["/a"]);
        assert_eq!(
            repeated(r#"{"a": {"b": 1, "b": 2}, "a": 3}"#),
            ["/a", "/a/b"]
        );
        assert!(repeated(r#"{"a": {"a": 1}, "b": [{"a": 1}, {"a": 1}]}"#).is_empty());
    }

    #[test]
    fn the_value_and_the_errors_are_those_of_serde_json() {
        for text in [
            r#"{"error": {"code": "x", "status": 404, "code": "y"}}"#,
            r#"[1, -2, 3.5, 1e300, 18446744073709551615, -9223372036854775808, true, null, "\u00e9"]"#,
            r#"{"b": 1, "a": 2, "b": 3}"#,
            "  {} ",
        ] {
            let ours = parse(text).expect("valid JSON").value;
            let theirs: Value = serde_json::from_str(text).expect("valid JSON");
            assert_eq!(ours, theirs, "{text}");
            // Key order too (`preserve_order`): the page shows the body as parsed.
            assert_eq!(ours.to_string(), theirs.to_string(), "{text}");
        }
        for text in [r#"{"a": 1,}"#, "{} {}", "", r#"{"a" 1}"#, "[1, 2", "1e400"] {
            let ours = parse(text).err().map(|e| e.to_string());
            let theirs = serde_json::from_str::<Value>(text)
                .err()
                .map(|e| e.to_string());
            assert_eq!(ours, theirs, "{text}");
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let deep = "[".repeat(100_000);
        assert!(parse(&deep).is_err());
    }
}
