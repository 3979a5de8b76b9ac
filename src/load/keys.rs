//! Every unknown and every missing key of a file, and every value of the wrong type, at
//! every level.
//!
//! serde stops at the first problem, so a writer who misspelt three keys would learn of
//! them over three runs. When a file's typed parse has failed, it is parsed once more
//! into a bare tree of mappings, lists and scalars with the place of every key, and the
//! tree is walked together with the JSON Schema of the file's type: a key the schema's
//! mapping does not list is unknown (E003), a key it requires and the mapping lacks is
//! missing (E005), and a value of a type the schema does not take where it is (a list
//! for a number, `maybe` for a boolean) is of the wrong type (E002). The schema is
//! generated from the same Rust types as the parse, so the allowed keys and types
//! cannot drift from them. A valid file never gets here.
//!
//! The tree takes any YAML the typed parse can read, whatever its keys and values: a key
//! that is a list, a mapping or null names no field and is reported as such (E002), and
//! the walk goes on past it. A value is judged as loosely as the typed parse reads it:
//! any scalar is text in a text field (`.inf`, `12`, `yes`), a number or boolean in
//! quotes is taken (the checks report the quotes once the file parses), and a tag
//! errdex does not know is the typed parse's to report.
//!
//! The tree keeps a key written twice in one mapping, which the walk reports (E004)
//! naming the first, and where: the parser says only where the second is, and the
//! first may be spelt otherwise (`12:` and `0x0C:` are one number, so one key). In a
//! file past the walk's limits, the one the typed parse stopped at is named likewise,
//! by a reading that keeps no tree ([`repeated_key_at`]).

use super::raw::OrderedMap;
use super::yaml::{
    Expected, Written, closest, first_content_line, is_limit, listed_with_and, missing_field,
    original_error, tag_before, tagged_not_text, unknown_field, unknown_word, wrong_type,
};
use crate::check::repeated_header;
use crate::diagnostic::{Code, Diagnostic, Position};
use crate::source::{Place, SourceFile};
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use serde_saphyr::budget::BudgetBreach;
use serde_saphyr::{DuplicateKeyPolicy, NonFiniteFloatPolicy, Options, Spanned};
use std::any::TypeId;
use std::borrow::Cow;
use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::ControlFlow;
use std::sync::{Mutex, OnceLock, PoisonError};

/// Most unknown, missing and repeated keys and values of the wrong type reported for one
/// file. A file with more is not a writer's typos but generated or hostile input: the
/// typed parse's one diagnostic is reported, with a note that there are more, and the
/// walk stops counting once past this.
pub(super) const MAX_KEY_PROBLEMS: usize = 100;

/// Most nodes the walk reads; a file with more is reported by the typed parse alone.
const WALK_MAX_NODES: usize = 20_000;

/// Deepest nesting the walk reads. The formats nest four levels at most (`envelopes`,
/// an item, its `pointers`, a value), and the typed parse, which stops at the first
/// level the schema does not expect, never recursed as deep as its own limit of 64
/// allows; reading a tree that deep took more than a 2 MiB thread stack in a debug
/// build.
const WALK_MAX_DEPTH: usize = 16;

/// Most events the walk replays for aliases and merge keys.
const WALK_MAX_REPLAYED_EVENTS: usize = 10_000;

/// What the walk of a file found.
pub enum KeyProblems {
    /// Every unknown and every missing key and every value of the wrong type, by
    /// position (none, when the file's problem is elsewhere).
    Found {
        diagnostics: Vec<Diagnostic>,
        /// From the start of each value of the wrong type to the start of the last
        /// node inside it: the typed parse may have stopped anywhere in there (at the
        /// `1` of `action: {stop: 1}`), at what is the same mistake.
        wrong_values: Vec<(Position, Position)>,
    },
    /// More than [`MAX_KEY_PROBLEMS`]; where the one past them is.
    TooMany(Position),
    /// The file passes one of the walk's limits. They are tighter than the typed
    /// parse's, so this is no mistake of the writer's and must not be reported.
    TooBig,
    /// The file passes one of the typed parse's own limits further on than the typed
    /// parse read (more aliases than its anchors allow, say): the writer's next problem
    /// (E006), which the typed parse would report once the first is fixed.
    OverLimit(serde_saphyr::Error),
    /// The file cannot be read as a tree, for this reason: a syntax error further on
    /// than the typed parse got.
    Unreadable(serde_saphyr::Error),
}

/// Every unknown, missing and repeated key of the file, by the schema of `T`.
pub fn key_problems<T: schemars::JsonSchema + 'static>(
    source: &SourceFile,
    options: Options,
) -> KeyProblems {
    let mut options = untyped(options);
    // The typed parse stopped at its first problem, often early; the walk reads the
    // whole file, so it has limits of its own, well under the typed parse's and well
    // over any error file a person writes. Past them the typed parse's one diagnostic
    // is reported: a merge-key bomb, say, costs the parser's merge buffers memory in
    // proportion to the events it replays.
    if let Some(budget) = options.budget.as_mut() {
        budget.max_nodes = budget.max_nodes.min(WALK_MAX_NODES);
        budget.max_depth = budget.max_depth.min(WALK_MAX_DEPTH);
        budget.flow_nesting_limit = budget.flow_nesting_limit.min(WALK_MAX_DEPTH);
    }
    let replayed = &mut options.alias_limits.max_total_replayed_events;
    *replayed = (*replayed).min(WALK_MAX_REPLAYED_EVENTS);
    let tree: Spanned<Node> = match serde_saphyr::from_str_with_options(&source.text, options) {
        Ok(tree) => tree,
        Err(e) if is_walk_limit(&e) => return KeyProblems::TooBig,
        Err(e) if is_limit(&e) => return KeyProblems::OverLimit(e),
        Err(e) => return KeyProblems::Unreadable(e),
    };
    let schema = schema_of::<T>();
    let mut walk = Walk {
        source,
        defs: schema.get("$defs").and_then(Value::as_object),
        found: Vec::new(),
        seen: BTreeSet::new(),
        wrong_values: Vec::new(),
    };
    if walk.node(&tree, schema.as_value(), true).is_break() {
        let past = walk
            .found
            .last()
            .map_or(Position { line: 1, column: 1 }, |d| d.start);
        return KeyProblems::TooMany(past);
    }
    let mut found = std::mem::take(&mut walk.found);
    // By position; a mapping's missing keys stay in the schema's order.
    found.sort_by_key(|d| (d.start, d.code));
    KeyProblems::Found {
        diagnostics: found,
        wrong_values: walk.wrong_values,
    }
}

/// The typed parse's `options` for reading a file without its types: every key kept,
/// whatever the values.
fn untyped(mut options: Options) -> Options {
    // The typed parse may have stopped at a duplicate key; both are kept, for the second
    // to be reported with the first (the walk looks at the first value only).
    options.duplicate_keys = DuplicateKeyPolicy::PassThrough;
    // Scalars are read by their type, which is not looked at: `.inf` and `1e999` (text in
    // a text field) and a tag the typed parse refuses must not stop the reading.
    options.non_finite_float_policy = NonFiniteFloatPolicy::PassThrough;
    options.reject_unsupported_tags = false;
    // `!!bool yes` is refused under strict booleans, and would stop it too.
    options.strict_booleans = false;
    options
}

/// E004 for the key repeated at `at`, where the typed parse stopped, naming the first
/// as the walk does; none if it is not found there.
///
/// The parser says only which key is repeated, and where. The walk finds the first too,
/// but only in a file within its limits: this reads no further than the repeated key,
/// which the typed parse read to, and keeps no tree, only the keys of the mappings open
/// around the place being read. So the typed parse's limits bound it, but for depth:
/// the typed parse read nothing deeper than its types, four levels, and a reading
/// nested as deep as its limit allows would take more stack than a thread has.
pub fn repeated_key_at(source: &SourceFile, options: Options, at: Position) -> Option<Diagnostic> {
    let mut options = untyped(options);
    if let Some(budget) = options.budget.as_mut() {
        budget.max_depth = budget.max_depth.min(WALK_MAX_DEPTH);
        budget.flow_nesting_limit = budget.flow_nesting_limit.min(WALK_MAX_DEPTH);
    }
    let mut found = None;
    let seek = Seek {
        source,
        at,
        found: &mut found,
    };
    // Whatever the reading ends with, the key was found or not: an error is the one
    // `Seek` stops it with once found, or a problem the typed parse reported first.
    let _ = serde_saphyr::with_deserializer_from_str_with_options(&source.text, options, |d| {
        seek.deserialize(d)
    });
    found
}

/// Whether `error` is one of the limits the walk sets tighter than the typed parse (see
/// [`key_problems`]), which the file may well be within. The others are the typed
/// parse's own.
fn is_walk_limit(error: &serde_saphyr::Error) -> bool {
    matches!(
        original_error(error),
        serde_saphyr::Error::Budget {
            breach: BudgetBreach::Nodes { .. } | BudgetBreach::Depth { .. },
            ..
        } | serde_saphyr::Error::AliasReplayLimitExceeded { .. }
    )
}

/// The JSON Schema of `T`, generated once per type and kept for the process: when every
/// file of a catalog has the same mistake (a key renamed in all of them), generating it
/// for each file took a third of `check`'s time.
fn schema_of<T: schemars::JsonSchema + 'static>() -> &'static schemars::Schema {
    type Schemas = BTreeMap<TypeId, &'static schemars::Schema>;
    static SCHEMAS: OnceLock<Mutex<Schemas>> = OnceLock::new();
    let mut schemas = SCHEMAS
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    // One per type of file (two), so leaking them is bounded.
    schemas
        .entry(TypeId::of::<T>())
        .or_insert_with(|| Box::leak(Box::new(schemars::schema_for!(T))))
}

/// Whether `key`, or a key a typo from it, is a field of some mapping of an error file
/// or of errdex.yaml, at any depth. One that is not (`owner:`, an anchor's holder) is no
/// field left out of the mapping above it, however it is indented.
pub(super) fn is_catalog_key(key: &str) -> bool {
    static KEYS: OnceLock<Vec<String>> = OnceLock::new();
    let keys = KEYS.get_or_init(|| {
        let mut keys = BTreeSet::new();
        for schema in [
            schema_of::<super::raw::RawError>(),
            schema_of::<super::raw::RawConfig>(),
        ] {
            property_names(schema.as_value(), &mut keys);
        }
        keys.into_iter().collect()
    });
    let names: Vec<&str> = keys.iter().map(String::as_str).collect();
    // Two letters swapped or one wrong is a typo however short the key (`ulr`).
    let typo = |name: &&str| strsim::damerau_levenshtein(key, name) <= 1;
    names.contains(&key) || names.iter().any(typo) || super::closest(key, &names).is_some()
}

/// The names of every `properties` in a schema, at any depth.
fn property_names(schema: &Value, names: &mut BTreeSet<String>) {
    match schema {
        Value::Object(map) => {
            if let Some(Value::Object(properties)) = map.get("properties") {
                names.extend(properties.keys().cloned());
            }
            map.values().for_each(|child| property_names(child, names));
        }
        Value::Array(items) => items.iter().for_each(|child| property_names(child, names)),
        _ => {}
    }
}

/// The walk of a file's tree along its schema.
struct Walk<'a> {
    source: &'a SourceFile,
    /// The schema's named types (`RawAgent`, `RawCause`, …), which `$ref`s point into.
    defs: Option<&'a Map<String, Value>>,
    found: Vec<Diagnostic>,
    /// The place, code and message of each of `found`.
    seen: BTreeSet<(Position, Code, String)>,
    /// See [`KeyProblems::Found`].
    wrong_values: Vec<(Position, Position)>,
}

impl<'a> Walk<'a> {
    /// Checks `node` and everything under it against `schema`. Breaks once more than
    /// [`MAX_KEY_PROBLEMS`] are found. A node of a type the schema does not take there
    /// (a scalar for a mapping, a mapping for text) is reported, and nothing under it
    /// is looked at.
    fn node(&mut self, node: &Spanned<Node>, schema: &'a Value, root: bool) -> ControlFlow<()> {
        if let Some(wrong) = self.wrong_type(node, schema) {
            // Nothing under a value of the wrong type is looked at: its keys would only
            // be guesses.
            let last = self
                .source
                .span_of(&Place::from(&last_inside(node).defined))
                .0;
            let used = self.source.span_of(&Place::from(&node.referenced)).0;
            self.wrong_values.push((wrong.start, last.max(wrong.start)));
            self.wrong_values.push((used, used));
            return self.push(wrong);
        }
        match &node.value {
            Node::Scalar(_) => {}
            Node::List(items) => {
                let Some(item_schema) = self.resolve(schema, "items") else {
                    return ControlFlow::Continue(());
                };
                let Some(item_schema) = item_schema.get("items") else {
                    return ControlFlow::Continue(());
                };
                for item in items {
                    self.node(item, item_schema, false)?;
                }
            }
            Node::Map(entries) => {
                let entries = self.first_of_each_key(entries)?;
                let Some(object) = self.resolve(schema, "properties") else {
                    return self.open_mapping(&entries, schema);
                };
                let properties = object.get("properties").and_then(Value::as_object);
                let known: Vec<&str> = properties
                    .iter()
                    .flat_map(|p| p.keys())
                    .map(String::as_str)
                    .collect();
                let closed = object.get("additionalProperties") == Some(&Value::Bool(false));
                if closed
                    && !root
                    && let Some(found) = self.text_written_as_a_key(&entries, object, &known)
                {
                    return self.push(found);
                }
                // Required keys that an unknown key is likely a misspelling of: its E003
                // asks "did you mean `action`?", and an E005 for `action` beside it would
                // report the one mistake twice.
                let mut misspelt: Vec<&str> = Vec::new();
                for (key, value) in entries.iter().copied() {
                    let name = match key_name(self.source, key) {
                        Ok(name) => name,
                        Err(what) => {
                            self.push(self.not_text(key, what))?;
                            continue;
                        }
                    };
                    match properties.and_then(|p| p.get(name)) {
                        Some(property) => {
                            match self.number_written_as_text(name, value, property) {
                                Some(found) => self.push(found)?,
                                None => self.node(value, property, false)?,
                            }
                        }
                        None if closed => {
                            // Where the key is written: for one merged in (`<<: *base`) or
                            // reached through an alias, that is its anchored definition,
                            // where the fix goes.
                            let (start, end) = self.source.span_of(&Place::from(&key.defined));
                            misspelt.extend(closest(name, &known));
                            let found = unknown_field(self.source, start, end, name, &known);
                            self.push(found)?;
                        }
                        None => {}
                    }
                }
                let required = object.get("required").and_then(Value::as_array);
                // The file's own mapping is pointed at by its first line, as serde's first
                // missing key has always been; a nested one where it starts (its first key
                // or its `{`), and one used through an alias where it is defined, so that
                // a mapping aliased twice is reported once, where the key is to be added.
                let at = if root {
                    first_content_line(self.source)
                } else {
                    self.source.span_of(&Place::from(&node.defined)).0
                };
                for field in required.into_iter().flatten().filter_map(Value::as_str) {
                    let present = entries
                        .iter()
                        .any(|(key, _)| key_name(self.source, key) == Ok(field));
                    if !present && !misspelt.contains(&field) {
                        self.push(missing_field(&self.source.path, at, field))?;
                    }
                }
            }
        }
        ControlFlow::Continue(())
    }

    /// E002 for a number or a boolean written in quotes or as a block (`status: "429"`),
    /// in the words of `check`, which refuses it once the file parses: the typed parse
    /// takes it, so a file that does not parse for another reason would name it only
    /// after that was fixed, one more run for the writer.
    fn number_written_as_text(
        &self,
        key: &str,
        value: &Spanned<Node>,
        schema: &'a Value,
    ) -> Option<Diagnostic> {
        let Node::Scalar(Scalar::Text(text)) = &value.value else {
            return None;
        };
        let accepts = self.accepts(schema);
        if accepts.anything || accepts.types.contains(&"string") {
            return None;
        }
        let number = accepts
            .types
            .iter()
            .any(|t| matches!(*t, "integer" | "number"));
        let kind = if number && is_number_text(text, accepts.format) {
            "a number"
        } else if accepts.types.contains(&"boolean") && is_boolean_word(text.trim()) {
            "`true` or `false`"
        } else {
            return None;
        };
        let (start, end) = self.place(value);
        crate::check::written_as_text(self.source, start, end, key, kind, text.trim())
    }

    /// One E003 for a mapping written as a single `text: text` pair where its fields
    /// were meant (`- The key expired: Roll it.` under `causes:`, `- Docs: https://…`
    /// under `links:`): YAML ends a key at `: `, so the writer's text became a field
    /// name. The help says which fields to write the text under, where an unknown field
    /// and a missing one for each required field would name three problems for one
    /// mistake. Only when the key is no misspelling of a field, its value is text, and
    /// every required field takes text (and, for one field, the key is a sentence).
    fn text_written_as_a_key(
        &self,
        entries: &[&MapEntry],
        object: &'a Value,
        known: &[&str],
    ) -> Option<Diagnostic> {
        let [(key, value)] = entries else {
            return None;
        };
        let name = key_name(self.source, key).ok()?;
        if known.contains(&name) || closest(name, known).is_some() {
            return None;
        }
        let Node::Scalar(Scalar::Text(text)) = &value.value else {
            return None;
        };
        let properties = object.get("properties").and_then(Value::as_object)?;
        let required: Vec<&str> = object
            .get("required")
            .and_then(Value::as_array)?
            .iter()
            .filter_map(Value::as_str)
            .collect();
        let all_text = required.iter().all(|field| {
            properties.get(*field).is_some_and(|schema| {
                let accepts = self.accepts(schema);
                // Text, or a set of words (`agent.action`).
                !accepts.anything
                    && accepts.types.iter().all(|t| *t == "string")
                    && !(accepts.types.is_empty() && accepts.words.is_empty())
            })
        });
        // With one field, the whole line is its text: a sentence, not a name such as a
        // JSON key under `response:` (`message: Not found`, where `body` is meant).
        let sentence = name.contains(char::is_whitespace);
        if required.is_empty() || !all_text || (required.len() == 1 && !sentence) {
            return None;
        }
        let (start, end) = self.source.span_of(&Place::from(&key.defined));
        let quoted = |text: &str| {
            const MOST: usize = 60;
            match text.char_indices().nth(MOST) {
                Some((cut, _)) => format!("{}…", &text[..cut]),
                None => text.to_owned(),
            }
        };
        let help = match required.as_slice() {
            [only] => format!(
                "to keep the whole line as the {only}, write `{only}:` before it and put the text in quotes: `{only}: \"{}: {}\"`",
                quoted(name),
                quoted(text)
            ),
            [first, second] => format!(
                "write the two parts under their own keys, one under the other: `{first}: {}` and `{second}: {}`",
                quoted(name),
                quoted(text)
            ),
            _ => format!(
                "write the item's fields, each on its own line: {}",
                listed_with_and(&required)
            ),
        };
        let belong = if required.len() == 1 {
            "belongs"
        } else {
            "belong"
        };
        let fields = format!("{} {belong}", listed_with_and(&required));
        // The message is the one serde gives the same key, so the two are one finding.
        Some(
            Diagnostic::new(
                Code::UnknownField,
                &self.source.path,
                start,
                end,
                format!("unknown field `{name}`"),
            )
            .with_help(format!(
                "this is text written as `text: text` where {fields}, as YAML reads `: ` in unquoted text as the end of a key; {help}"
            )),
        )
    }

    /// E002 for `node` if the typed parse does not take it where `schema` puts it: a
    /// list for text, text for a number, a word not in the set (`retry_latr`). Only
    /// what the typed parse refuses, read as loosely as it reads: text fields take any
    /// scalar, and a number or boolean in quotes is taken (and reported by the checks
    /// once the file parses).
    fn wrong_type(&self, node: &Spanned<Node>, schema: &'a Value) -> Option<Diagnostic> {
        let accepts = self.accepts(schema);
        if accepts.anything {
            return None;
        }
        let has = |t: &str| accepts.types.contains(&t);
        let number = has("integer") || has("number");
        // A set of words, and no other text (`agent.action`).
        let words_only = has("string") && !accepts.free_text;
        // `-0` is 0, but the typed parse refuses any sign in an unsigned number.
        let unsigned = accepts.format.is_some_and(|f| f.starts_with("uint"));
        let written = match &node.value {
            Node::List(_) if has("array") => return None,
            Node::Map(_) if has("object") => return None,
            Node::List(_) | Node::Map(_) => Written::Nested,
            Node::Scalar(Scalar::Text(text)) if words_only => {
                if accepts.words.contains(&text.as_str()) {
                    return None;
                }
                let (start, end) = self.place(node);
                return Some(unknown_word(self.source, start, end, text, &accepts.words));
            }
            // `action: 5`: the typed parse names it as written.
            Node::Scalar(Scalar::Boolean | Scalar::Integer(_) | Scalar::Number) if words_only => {
                let (start, end) = self.place(node);
                let word = self.written_token(node);
                return Some(unknown_word(self.source, start, end, word, &accepts.words));
            }
            Node::Scalar(scalar) => {
                // A tag decides the type where it is written: `!!int 12` is no text, and
                // `!!str true` no boolean, to the typed parse.
                let (start, end) = self.place(node);
                let tag = tag_before(self.source, start);
                let tagged_other = matches!(tag, Some("!!int" | "!!float" | "!!bool"));
                let tagged_text = tag == Some("!!str");
                if has("string") && tagged_other && !matches!(scalar, Scalar::Text(_)) {
                    return Some(tagged_not_text(self.source, start, end));
                }
                // Tags the typed parse takes, but not as written: `!!binary` decodes
                // base64 into other text, and `!!null` drops the text after it.
                let lossy = match tag {
                    Some("!!binary") => true,
                    Some("!!null") => !matches!(
                        self.written_token(node),
                        "" | "~" | "null" | "Null" | "NULL"
                    ),
                    _ => false,
                };
                if has("string") && lossy {
                    return Some(tagged_not_text(self.source, start, end));
                }
                let taken = match scalar {
                    Scalar::Null => has("null"),
                    Scalar::Boolean => {
                        has("string") || (has("boolean") && self.written_as_boolean(node))
                    }
                    Scalar::Integer(n) => {
                        has("string")
                            || has("number")
                            || (has("integer")
                                && fits(*n, accepts.format)
                                && !(unsigned && self.written_token(node).starts_with('-')))
                    }
                    Scalar::Number => has("string") || has("number"),
                    Scalar::Text(text) => {
                        has("string")
                            || (!tagged_text
                                && ((number && is_number_text(text, accepts.format))
                                    || (has("boolean") && is_boolean_word(text.trim()))))
                    }
                };
                if taken {
                    return None;
                }
                if matches!(scalar, Scalar::Null) {
                    Written::Null
                } else {
                    Written::Scalar
                }
            }
        };
        // What to ask for: a word of the set, text, a number, a boolean, a list or a
        // mapping, the first the schema takes.
        let expected = if words_only {
            Expected::Word(&accepts.words)
        } else if has("string") {
            Expected::Text
        } else if number {
            Expected::WholeNumber { unsigned }
        } else if has("boolean") {
            Expected::Boolean
        } else if has("array") {
            Expected::List
        } else if has("object") {
            Expected::Mapping
        } else {
            return None;
        };
        let (start, end) = self.place(node);
        Some(wrong_type(self.source, start, end, expected, written))
    }

    /// Where a value of the wrong type is reported: where it is written, which for one
    /// merged in (`<<: {status: x}`, `<<: *base`) is in the mapping merged, and is
    /// reported once however often it is merged; but for an alias used as the value
    /// (`fix: [*agent]`), where the alias is, as the typed parse does: the anchored value
    /// may be right where it is defined, and wrong only where it is used.
    fn place(&self, node: &Spanned<Node>) -> (Position, Position) {
        let (start, end) = self.source.span_of(&Place::from(&node.referenced));
        let before = self.source.text_before(start);
        let merged = before[before.rfind('\n').map_or(0, |i| i + 1)..].contains("<<");
        if !merged && self.is_anchored_as_used(node) {
            (start, end)
        } else {
            self.source.span_of(&Place::from(&node.defined))
        }
    }

    /// Whether `node` is the value an alias names (`*c` where `&c` is written just
    /// before it), not a node inside that value, which is read through the alias as
    /// well but is wrong where it is written.
    fn is_anchored_as_used(&self, node: &Spanned<Node>) -> bool {
        let used = self
            .source
            .token_at(self.source.span_of(&Place::from(&node.referenced)).0);
        let Some(name) = used.strip_prefix('*') else {
            return false;
        };
        let before = self
            .source
            .text_before(self.source.span_of(&Place::from(&node.defined)).0);
        // `&c`, or `&c !!map`, just before the value.
        let mut properties = before.split_whitespace().rev();
        let is_anchor =
            |property: Option<&str>| property.and_then(|p| p.strip_prefix('&')) == Some(name);
        let last = properties.next();
        is_anchor(last)
            || (last.is_some_and(|p| p.starts_with('!')) && is_anchor(properties.next()))
    }

    /// The scalar `node` as written, up to the first space, comma, bracket or comment.
    fn written_token(&self, node: &Spanned<Node>) -> &'a str {
        self.source
            .token_at(self.source.span_of(&Place::from(&node.defined)).0)
    }

    /// Whether the boolean `node` is written as the typed parse takes a boolean (see
    /// [`is_boolean_word`]), and not `yes`, `off` or another YAML 1.1 spelling, which
    /// the untyped reading resolves as well.
    fn written_as_boolean(&self, node: &Spanned<Node>) -> bool {
        is_boolean_word(self.written_token(node))
    }

    /// What `schema` takes, its `$ref`s followed and the branches of its `anyOf` and
    /// `oneOf` joined. Bounded like [`Walk::resolve`].
    fn accepts(&self, schema: &'a Value) -> Accepts<'a> {
        let mut accepts = Accepts::default();
        let mut pending = vec![schema];
        let mut steps = 0;
        while let Some(schema) = pending.pop() {
            steps += 1;
            if steps > 64 {
                accepts.anything = true;
                break;
            }
            let mut typed = false;
            let types = match schema.get("type") {
                Some(Value::String(t)) => vec![t.as_str()],
                Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            };
            typed |= !types.is_empty();
            let mut words: Vec<&str> = schema
                .get("const")
                .and_then(Value::as_str)
                .into_iter()
                .collect();
            words.extend(
                schema
                    .get("enum")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str),
            );
            typed |= !words.is_empty();
            if types.contains(&"string") && words.is_empty() {
                accepts.free_text = true;
            }
            accepts.types.extend(types);
            accepts.words.extend(words);
            if let Some(format) = schema.get("format").and_then(Value::as_str) {
                accepts.format.get_or_insert(format);
            }
            if let Some(name) = schema
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/$defs/"))
            {
                typed = true;
                pending.extend(self.defs.and_then(|defs| defs.get(name)));
            }
            for branches in ["anyOf", "oneOf"] {
                if let Some(branches) = schema.get(branches).and_then(Value::as_array) {
                    typed = true;
                    pending.extend(branches.iter().rev());
                }
            }
            // `{}` or `true`: any value.
            accepts.anything |= !typed;
        }
        accepts
    }

    /// Checks the `entries` of an open mapping, whose keys are any text and whose values
    /// have one schema: response headers, the formats' only one.
    fn open_mapping(&mut self, entries: &[&MapEntry], schema: &'a Value) -> ControlFlow<()> {
        let Some(open) = self.resolve(schema, "additionalProperties") else {
            return ControlFlow::Continue(());
        };
        let Some(values) = open
            .get("additionalProperties")
            .filter(|values| values.is_object())
        else {
            return ControlFlow::Continue(());
        };
        for (key, value) in entries.iter().copied() {
            if let Err(what) = key_name(self.source, key) {
                self.push(self.not_text(key, what))?;
            }
            self.node(value, values, false)?;
        }
        if self.is_headers(open) {
            self.names_in_other_cases(entries)?;
        }
        ControlFlow::Continue(())
    }

    /// Whether `schema` is that of response headers.
    fn is_headers(&self, schema: &Value) -> bool {
        let name = <OrderedMap as schemars::JsonSchema>::schema_name();
        self.defs
            .and_then(|defs| defs.get(name.as_ref()))
            .is_some_and(|headers| std::ptr::eq(headers, schema))
    }

    /// E004 for each header name of `entries` that an earlier one is already, in
    /// another case (`retry-after` after `Retry-After`): one header to a client. The
    /// check of a file that parses reports them; this one does not parse, and they
    /// were left for the run after the file's other problems were fixed.
    fn names_in_other_cases(&mut self, entries: &[&MapEntry]) -> ControlFlow<()> {
        // The first name of each in lower case.
        let mut firsts: BTreeMap<String, &Spanned<Key>> = BTreeMap::new();
        for (key, _) in entries.iter().copied() {
            let Ok(name) = key_name(self.source, key) else {
                continue;
            };
            match firsts.entry(name.to_ascii_lowercase()) {
                Entry::Occupied(first) => {
                    let first_name = key_name(self.source, first.get()).unwrap_or_default();
                    if let Some((first_at, at)) = repeat_places(first.get(), key) {
                        let (start, end) = self.source.span_of(&at);
                        let path = &self.source.path;
                        let line = first_at.line();
                        self.push(repeated_header(path, start, end, name, first_name, line))?;
                    }
                }
                Entry::Vacant(slot) => {
                    slot.insert(key);
                }
            }
        }
        ControlFlow::Continue(())
    }

    /// The entries of a mapping without the keys written again, each of which is
    /// reported (E004) with the first: the typed parse reads only the first.
    fn first_of_each_key<'n>(
        &mut self,
        entries: &'n [MapEntry],
    ) -> ControlFlow<(), Vec<&'n MapEntry>> {
        let mut kept = Vec::with_capacity(entries.len());
        let mut firsts: BTreeMap<KeyIdentity<'_>, &Spanned<Key>> = BTreeMap::new();
        for entry in entries {
            let key = &entry.0;
            match key_identity(self.source, key).map(|identity| firsts.entry(identity)) {
                Some(Entry::Occupied(first)) => {
                    if let Some(repeated) = repeated_key(self.source, first.get(), key) {
                        self.push(repeated)?;
                    }
                    continue;
                }
                Some(Entry::Vacant(slot)) => {
                    slot.insert(key);
                }
                None => {}
            }
            kept.push(entry);
        }
        ControlFlow::Continue(kept)
    }

    /// E002 for `key`, which is `what` (a list, a mapping or null) and names no field.
    /// The typed parse reports it (as a value that must be text) only when it is the
    /// first problem of the file.
    fn not_text(&self, key: &Spanned<Key>, what: &str) -> Diagnostic {
        // Where the key is written, as for an unknown key.
        let (start, end) = self.source.span_of(&Place::from(&key.defined));
        Diagnostic::new(
            Code::WrongType,
            &self.source.path,
            start,
            end,
            format!("a key must be text, not {what}"),
        )
        // The same words under `headers:`, where a key names a header, not a field.
        .with_help("write the key as text (in quotes if it starts with `[` or `{`, or is `null` or `~`), or remove it: a key names a field such as `title`, or under `headers:` a header such as `Retry-After`")
    }

    /// Keeps `diagnostic` unless it is kept already. A mapping aliased or merged into
    /// several places is walked at each, and its mistakes are found at each, where they
    /// are written: one mistake, reported and counted once. Counted at each use, 99
    /// aliases of one misspelt key went past [`MAX_KEY_PROBLEMS`] and hid every other
    /// problem of the file.
    fn push(&mut self, diagnostic: Diagnostic) -> ControlFlow<()> {
        let key = (
            diagnostic.start,
            diagnostic.code,
            diagnostic.message.clone(),
        );
        if !self.seen.insert(key) {
            return ControlFlow::Continue(());
        }
        self.found.push(diagnostic);
        if self.found.len() > MAX_KEY_PROBLEMS {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    }

    /// The schema, or the branch of it, that has `member`: `$ref`s are followed and an
    /// optional field's `anyOf: [{$ref}, {type: null}]` searched. Bounded, so a schema
    /// whose `$ref`s ran in a circle could not hang the walk.
    fn resolve(&self, schema: &'a Value, member: &str) -> Option<&'a Value> {
        let mut pending = vec![schema];
        for _ in 0..32 {
            let schema = pending.pop()?;
            if schema.get(member).is_some() {
                return Some(schema);
            }
            if let Some(name) = schema
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/$defs/"))
            {
                pending.extend(self.defs.and_then(|defs| defs.get(name)));
            }
            for branches in ["anyOf", "oneOf", "allOf"] {
                if let Some(branches) = schema.get(branches).and_then(Value::as_array) {
                    pending.extend(branches.iter().rev());
                }
            }
        }
        None
    }
}

/// A reading of a file, node by node, that stops at the key repeated at `at`, once
/// its mapping has shown the first (see [`repeated_key_at`]).
struct Seek<'s> {
    source: &'s SourceFile,
    at: Position,
    /// E004 for the repeated key, once found.
    found: &'s mut Option<Diagnostic>,
}

impl Seek<'_> {
    /// A reading of a node under this one, into the same `found`.
    fn under(&mut self) -> Seek<'_> {
        Seek {
            source: self.source,
            at: self.at,
            found: self.found,
        }
    }

    /// Whether `key` is the one the typed parse stopped at: the parser places a key where
    /// it is defined, as the walk does.
    fn is_sought(&self, key: &Spanned<Key>) -> bool {
        self.source.span_of(&Place::from(&key.defined)).0 == self.at
    }
}

impl<'de> DeserializeSeed<'de> for Seek<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seek<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_i128<E: de::Error>(self, _: i128) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u128<E: de::Error>(self, _: u128) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_bytes<E: de::Error>(self, _: &[u8]) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_some<D: Deserializer<'de>>(self, inner: D) -> Result<(), D::Error> {
        inner.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(self.under())?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        // The first key of each identity in this mapping so far.
        let mut firsts: BTreeMap<KeyIdentity<'static>, Spanned<Key>> = BTreeMap::new();
        while let Some(key) = map.next_key::<Spanned<Key>>()? {
            let identity = key_identity(self.source, &key).map(KeyIdentity::into_owned);
            match identity.map(|identity| firsts.entry(identity)) {
                Some(Entry::Occupied(first)) if self.is_sought(&key) => {
                    if let Some(repeated) = repeated_key(self.source, first.get(), &key) {
                        *self.found = Some(repeated);
                        // Nothing further is read: the rest may be past a limit.
                        return Err(de::Error::custom("the repeated key is found"));
                    }
                }
                Some(Entry::Vacant(slot)) => {
                    slot.insert(key);
                }
                Some(Entry::Occupied(_)) | None => {}
            }
            map.next_value_seed(self.under())?;
        }
        Ok(())
    }
}

/// The node written last inside `node` (itself, if it holds none).
fn last_inside(mut node: &Spanned<Node>) -> &Spanned<Node> {
    loop {
        node = match &node.value {
            Node::List(items) => match items.last() {
                Some(item) => item,
                None => return node,
            },
            Node::Map(entries) => match entries.last() {
                Some((_, value)) => value,
                None => return node,
            },
            Node::Scalar(_) => return node,
        };
    }
}

/// What a schema takes, for [`Walk::wrong_type`].
#[derive(Default)]
struct Accepts<'a> {
    /// JSON Schema types: `string`, `integer`, `null`, …
    types: Vec<&'a str>,
    /// The words a text must be one of, unless `free_text`.
    words: Vec<&'a str>,
    /// Some text is taken that is not one of `words`.
    free_text: bool,
    /// The JSON Schema format of a number (`int64`, `uint64`): its range.
    format: Option<&'a str>,
    /// Anything is taken: a part of the schema says nothing of the value.
    anything: bool,
}

/// Whether the whole number `n` is within the range of `format`, as the typed parse
/// reads it into a Rust number of that size.
fn fits(n: i128, format: Option<&str>) -> bool {
    match format {
        Some("int64") => i64::try_from(n).is_ok(),
        Some("uint64") => u64::try_from(n).is_ok(),
        Some("int32") => i32::try_from(n).is_ok(),
        Some("uint32") => u32::try_from(n).is_ok(),
        Some("int16") => i16::try_from(n).is_ok(),
        Some("uint16") => u16::try_from(n).is_ok(),
        Some("int8") => i8::try_from(n).is_ok(),
        Some("uint8") => u8::try_from(n).is_ok(),
        _ => true,
    }
}

/// Whether `word` is a boolean to the typed parse: YAML 1.2's spellings, `true`,
/// `True`, `TRUE` and the same of `false`.
fn is_boolean_word(word: &str) -> bool {
    matches!(word, "true" | "True" | "TRUE" | "false" | "False" | "FALSE")
}

/// Whether `text` reads as a whole number within the range of `format`, as the typed
/// parse reads a number in quotes: `"429"`, `" -1 "`, `"0x1AD"`, `"4_29"`. One with a
/// decimal point is left to the typed parse.
fn is_number_text(text: &str, format: Option<&str>) -> bool {
    let text = text.trim();
    let (negative, digits) = match text.strip_prefix('-') {
        Some(digits) => (true, digits),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (digits, radix) = match digits.get(..2) {
        Some("0x" | "0X") => (&digits[2..], 16),
        Some("0o" | "0O") => (&digits[2..], 8),
        Some("0b" | "0B") => (&digits[2..], 2),
        _ => (digits, 10),
    };
    let valid = |c: char| c == '_' || c == '.' || c.is_digit(radix);
    if !digits.chars().all(valid) || !digits.chars().any(|c| c.is_digit(radix)) {
        return false;
    }
    if digits.contains('.') {
        return true;
    }
    let digits: String = digits.chars().filter(|c| *c != '_').collect();
    i128::from_str_radix(&digits, radix).is_ok_and(|n| fits(if negative { -n } else { n }, format))
}

/// A YAML node reduced to what the walk needs: its shape, and its keys with places.
#[derive(Debug)]
enum Node {
    /// Any scalar, null included.
    Scalar(Scalar),
    List(Vec<Spanned<Node>>),
    /// Entries in the order written, merge keys expanded.
    Map(Vec<MapEntry>),
}

/// A scalar as the untyped reading resolves it, for the walk to tell whether the typed
/// parse takes it where the schema puts it.
#[derive(Debug)]
enum Scalar {
    Null,
    Boolean,
    /// A whole number (one past what 128 bits hold is at their limit).
    Integer(i128),
    /// Another number (`4.5`, `.inf`).
    Number,
    Text(String),
}

/// A key of a mapping and its value.
type MapEntry = (Spanned<Key>, Spanned<Node>);

/// A mapping key, any YAML node.
#[derive(Debug)]
enum Key {
    /// Text, as the typed parse reads a field name.
    Text(String),
    /// A whole number, in decimal (`31`). The typed parse reads a field name as it is
    /// written (`0x1F`), and [`key_name`] reads it from the file likewise.
    Integer(String),
    /// Another number or a boolean, as parsed (`1.5`, `true`), named as written too.
    Parsed(String),
    /// A list, a mapping or null, which names no field: what it is, for the message.
    NotText(&'static str),
}

/// E004 for `key`, which `first` (earlier in its mapping) is already, named as each is
/// written: `0x0C` and `12` are one key, which the site would show as two. None when
/// the two are one key written once, read twice through an alias of its mapping: that
/// repeat is reported where the mapping is written.
fn repeated_key(
    source: &SourceFile,
    first: &Spanned<Key>,
    key: &Spanned<Key>,
) -> Option<Diagnostic> {
    let (first_at, at) = repeat_places(first, key)?;
    let (start, end) = source.span_of(&at);
    let name = key_name(source, key).unwrap_or_default();
    let first_name = key_name(source, first).unwrap_or_default();
    let line = first_at.line();
    let diagnostic =
        |message: String| Diagnostic::new(Code::DuplicateKey, &source.path, start, end, message);
    // Keys other than whole numbers are one key only when spelt alike.
    Some(if name == first_name {
        diagnostic(format!("duplicate key `{name}`: line {line} has it too"))
            .with_help("a key may appear once per mapping; merge the two values or delete one")
    } else {
        diagnostic(format!(
            "duplicate key `{name}`: line {line} has it too, as `{first_name}`"
        ))
        .with_help(format!(
            "YAML reads `{first_name}` and `{name}` as the same number, so they are one key; put both in quotes to keep them apart as text (`\"{name}\":`), or merge the two values and delete one"
        ))
    })
}

/// Where `first` and `key`, one key twice in a mapping, are to be pointed at: where each
/// is written, as a key merged in or read through an alias of its mapping is fixed
/// there. But a key that is an alias (`*k:` after `&k name:`, or twice `*k:`) is written
/// where its anchor is, which would be "line 10 has it too" at line 10 itself: such a
/// key is pointed at where it is used. None when both are the one place either way.
fn repeat_places(first: &Spanned<Key>, key: &Spanned<Key>) -> Option<(Place, Place)> {
    if first.defined != key.defined {
        Some((Place::from(&first.defined), Place::from(&key.defined)))
    } else if first.referenced != key.referenced {
        Some((Place::from(&first.referenced), Place::from(&key.referenced)))
    } else {
        None
    }
}

/// The name `key` gives a field, as the typed parse reads it, or what the key is instead
/// of text.
fn key_name<'k>(source: &'k SourceFile, key: &'k Spanned<Key>) -> Result<&'k str, &'static str> {
    match &key.value {
        Key::Text(text) => Ok(text),
        Key::Integer(parsed) | Key::Parsed(parsed) => {
            Ok(source.text_of(&Place::from(&key.defined)).unwrap_or(parsed))
        }
        Key::NotText(what) => Err(what),
    }
}

/// What makes two keys of a mapping one key to YAML, as serde-saphyr's duplicate check
/// compares them.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum KeyIdentity<'k> {
    /// A whole number, by its value: `12`, `0x0C` and `+12` are one key.
    Integer(Cow<'k, str>),
    /// Any other scalar, by its text, quoted or not: `title` and `"title"` are one key.
    Text(Cow<'k, str>),
}

impl KeyIdentity<'_> {
    /// The identity with its text copied, to be kept when the key is gone.
    fn into_owned(self) -> KeyIdentity<'static> {
        match self {
            Self::Integer(value) => KeyIdentity::Integer(Cow::Owned(value.into_owned())),
            Self::Text(text) => KeyIdentity::Text(Cow::Owned(text.into_owned())),
        }
    }
}

/// The identity of `key`; none for a key that is not text, which is reported as such.
fn key_identity<'k>(source: &'k SourceFile, key: &'k Spanned<Key>) -> Option<KeyIdentity<'k>> {
    match &key.value {
        Key::Integer(value) => Some(KeyIdentity::Integer(Cow::Borrowed(value))),
        _ => key_name(source, key)
            .ok()
            .map(|name| KeyIdentity::Text(Cow::Borrowed(name))),
    }
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("any YAML key")
            }
            fn visit_str<E: de::Error>(self, key: &str) -> Result<Key, E> {
                Ok(Key::Text(key.to_owned()))
            }
            fn visit_bool<E: de::Error>(self, key: bool) -> Result<Key, E> {
                Ok(Key::Parsed(key.to_string()))
            }
            fn visit_i64<E: de::Error>(self, key: i64) -> Result<Key, E> {
                Ok(Key::Integer(key.to_string()))
            }
            fn visit_i128<E: de::Error>(self, key: i128) -> Result<Key, E> {
                Ok(Key::Integer(key.to_string()))
            }
            fn visit_u64<E: de::Error>(self, key: u64) -> Result<Key, E> {
                Ok(Key::Integer(key.to_string()))
            }
            fn visit_u128<E: de::Error>(self, key: u128) -> Result<Key, E> {
                Ok(Key::Integer(key.to_string()))
            }
            fn visit_f64<E: de::Error>(self, key: f64) -> Result<Key, E> {
                Ok(Key::Parsed(key.to_string()))
            }
            fn visit_bytes<E: de::Error>(self, key: &[u8]) -> Result<Key, E> {
                Ok(Key::Parsed(String::from_utf8_lossy(key).into_owned()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Key, E> {
                Ok(Key::NotText("null"))
            }
            fn visit_none<E: de::Error>(self) -> Result<Key, E> {
                Ok(Key::NotText("null"))
            }
            fn visit_some<D: Deserializer<'de>>(self, inner: D) -> Result<Key, D::Error> {
                Key::deserialize(inner)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Key, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Key::NotText("a list"))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Key, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Key::NotText("a mapping"))
            }
        }
        // Read as what it is, not as a field name: reading a list or null as a field
        // name fails, and the whole tree with it.
        deserializer.deserialize_any(KeyVisitor)
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NodeVisitor;
        impl<'de> Visitor<'de> for NodeVisitor {
            type Value = Node;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("any YAML value")
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Node, E> {
                Ok(Node::Scalar(Scalar::Boolean))
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Node, E> {
                Ok(Node::Scalar(Scalar::Integer(n.into())))
            }
            fn visit_i128<E: de::Error>(self, n: i128) -> Result<Node, E> {
                Ok(Node::Scalar(Scalar::Integer(n)))
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Node, E> {
                Ok(Node::Scalar(Scalar::Integer(n.into())))
            }
            fn visit_u128<E: de::Error>(self, n: u128) -> Result<Node, E> {
                Ok(Node::Scalar(Scalar::Integer(
                    i128::try_from(n).unwrap_or(i128::MAX),
                )))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Node, E> {
                Ok(Node::Scalar(Scalar::Number))
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Node, E> {
                Ok(Node::Scalar(Scalar::Text(text.to_owned())))
            }
            fn visit_bytes<E: de::Error>(self, bytes: &[u8]) -> Result<Node, E> {
                Ok(Node::Scalar(Scalar::Text(
                    String::from_utf8_lossy(bytes).into_owned(),
                )))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Node, E> {
                Ok(Node::Scalar(Scalar::Null))
            }
            fn visit_none<E: de::Error>(self) -> Result<Node, E> {
                Ok(Node::Scalar(Scalar::Null))
            }
            fn visit_some<D: Deserializer<'de>>(self, inner: D) -> Result<Node, D::Error> {
                Node::deserialize(inner)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Node::List(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Node::Map(entries))
            }
        }
        deserializer.deserialize_any(NodeVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::super::yaml::{parse_config, parse_error};
    use super::*;

    /// `code line:column message` of each diagnostic for an error file.
    fn problems(text: &str) -> Vec<String> {
        let source = SourceFile::new("errors/x.yaml", text.to_owned());
        found(parse_error(&source).err().unwrap_or_default())
    }

    /// The help of each diagnostic of an error file, in order.
    fn helps(text: &str) -> Vec<String> {
        let source = SourceFile::new("errors/x.yaml", text.to_owned());
        parse_error(&source)
            .err()
            .unwrap_or_default()
            .into_iter()
            .filter_map(|d| d.help)
            .collect()
    }

    fn found(diagnostics: Vec<Diagnostic>) -> Vec<String> {
        diagnostics
            .iter()
            .map(|d| {
                format!(
                    "{} {}:{} {}",
                    d.code.id(),
                    d.start.line,
                    d.start.column,
                    d.message
                )
            })
            .collect()
    }

    const HEAD: &str = "code: x\ntitle: T\nstatus: 400\nsummary: S.\nretryable: false\n";

    #[test]
    fn a_number_in_quotes_is_reported_beside_another_mistake() {
        let text = "code: x\ntitle: T\nstatus: \"429\"\nsummary: S.\nretryable: 'false'\nretry_afer: {}\nagent: {action: stop, guidance: G}\n";
        assert_eq!(
            problems(text),
            [
                "E002 3:9 `status` is a number, but this one is in quotes, which YAML reads as text",
                "E002 5:12 `retryable` is `true` or `false`, but this one is in quotes, which YAML reads as text",
                "E003 6:1 unknown field `retry_afer`",
            ]
        );
        assert_eq!(helps(text)[0], "write `status: 429`, without quotes");
        // Quoted text where text belongs, and a word that is no number, are not this.
        let text = format!("{HEAD}since: \"2\"\nretry_after: {{seconds: \"soon\"}}\nagent: {{}}\n");
        let found = problems(&text);
        assert!(!found.iter().any(|p| p.contains("in quotes")), "{found:?}");
    }

    #[test]
    fn a_tag_that_names_another_type_is_reported_beside_another_mistake() {
        // The typed parse refuses these and stops at the first; the walk, which reads
        // `!!int 12` as a number any text field takes and `!!str true` as the quoted
        // boolean a boolean field takes, must look at the tag too.
        let text = "code: x\ntitle: !!int 12\nstatus: !!str 400\nsummary: !!bool true\nretryable: !!str false\nagent: {action: stop, guidance: !!float 1.5}\ngotchs: [x]\n";
        assert_eq!(
            problems(text),
            [
                "E002 2:14 this value is tagged `!!int`, but must be text",
                "E002 3:15 `status` must be a whole number",
                "E002 4:17 this value is tagged `!!bool`, but must be text",
                "E002 5:18 `retryable` must be `true` or `false`",
                "E002 6:41 this value is tagged `!!float`, but must be text",
                "E003 7:1 unknown field `gotchs`",
            ]
        );
        assert_eq!(
            helps(
                "code: x\ntitle: T\nstatus: !!str 400\nsummary: S.\nretryable: !!str false\nagent: {action: stop, guidance: g}\n"
            ),
            [
                "remove the tag `!!str`: with it, YAML reads the value as another type",
                "remove the tag `!!str`: with it, YAML reads the value as another type",
            ]
        );
        // Beside an anchor, in either order, and written in full.
        assert_eq!(
            problems(
                "code: x\ntitle: !!int &t 12\nstatus: &s !!str 400\nsummary: !<tag:yaml.org,2002:float> 1.5\nretryable: !<tag:yaml.org,2002:str> true\nagent: {action: stop, guidance: g}\ngotchs: [x]\n"
            ),
            [
                "E002 2:17 this value is tagged `!!int`, but must be text",
                "E002 3:18 `status` must be a whole number",
                "E002 4:37 this value is tagged `!!float`, but must be text",
                "E002 5:37 `retryable` must be `true` or `false`",
                "E003 7:1 unknown field `gotchs`",
            ]
        );
        // Read without complaint by the typed parse, but not as written: base64
        // decoded, text dropped. Reported in a file with no other mistake too.
        assert_eq!(
            problems(
                "code: x\ntitle: !!binary aGVsbG8=\nstatus: 400\nsummary: S.\nretryable: false\nagent: {action: stop, guidance: g}\ndescription: !!null Text here.\nsince: !!null ~\ndeprecated: !!null\n"
            ),
            [
                "E002 2:17 this value is tagged `!!binary`, but must be text",
                "E002 7:21 this value is tagged `!!null`, but must be text",
            ]
        );
        // The tag of the field's own type, or `!!str` on text, is no mistake.
        assert_eq!(
            problems(
                "code: x\ntitle: !!str 12\nstatus: !!int 400\nsummary: S.\nretryable: !!bool false\ngotchs: [x]\n"
            ),
            [
                "E005 1:1 missing required field `agent`",
                "E003 6:1 unknown field `gotchs`"
            ]
        );
    }

    #[test]
    fn every_unknown_nested_key_is_reported_with_its_mappings_keys() {
        let text = format!(
            "{HEAD}agent:\n  acton: retry\n  guidence: wait\ncauses:\n  - cause: x\n    resolutoin: y\n  - caus: z\n"
        );
        assert_eq!(
            problems(&text),
            [
                "E003 7:3 unknown field `acton`",
                "E003 8:3 unknown field `guidence`",
                "E003 11:5 unknown field `resolutoin`",
                "E003 12:5 unknown field `caus`",
                // The second cause lacks a resolution; the first wrote one, misspelt.
                "E005 12:5 missing required field `resolution`",
            ]
        );
        let helps = helps(&text);
        assert!(
            helps[0].starts_with("did you mean `action`? expected one of `action`, `guidance`"),
            "{helps:?}"
        );
        assert!(
            helps[2]
                .starts_with("did you mean `resolution`? expected one of `cause`, `resolution`"),
            "{helps:?}"
        );
    }

    #[test]
    fn an_item_written_as_text_colon_text_is_one_problem_with_its_fields_named() {
        let text = format!(
            "{HEAD}causes:\n  - The key expired: Roll it.\nmessages:\n  - Key {{id}} expired: roll it\nagent:\n  stop: Ask the user.\n"
        );
        assert_eq!(
            problems(&text),
            [
                "E003 7:5 unknown field `The key expired`",
                "E003 9:5 unknown field `Key {id} expired`",
                "E003 11:3 unknown field `stop`",
            ]
        );
        let written = helps(&text);
        assert!(
            written[0].ends_with("`cause: The key expired` and `resolution: Roll it.`"),
            "{written:?}"
        );
        assert!(
            written[1].ends_with("`message: \"Key {id} expired: roll it\"`"),
            "{written:?}"
        );
        assert!(
            written[2].ends_with("`action: stop` and `guidance: Ask the user.`"),
            "{written:?}"
        );
        // A misspelt field, a value that is not text, a second key, or a required field
        // that takes no text (a response's body) is left to the usual diagnostics.
        for (yaml, first) in [
            ("causes:\n  - caus: x\n", "did you mean `cause`?"),
            ("causes:\n  - A: [x]\n", "expected one of"),
            ("causes:\n  - A: x\n    B: y\n", "expected one of"),
            ("response:\n  A: x\n", "expected one of"),
        ] {
            let found = helps(&format!("{HEAD}{yaml}"));
            assert!(
                found.iter().any(|h| h.starts_with(first)),
                "{yaml}: {found:?}"
            );
            assert!(
                !found.iter().any(|h| h.contains("`text: text`")),
                "{yaml}: {found:?}"
            );
        }
    }

    #[test]
    fn flow_mappings_are_walked_like_block_ones() {
        assert_eq!(
            problems(&format!(
                "{HEAD}agent: {{acton: retry, guidence: wait}}\ncauses: [{{cause: x, resolutoin: y}}, {{caus: z}}]\n"
            )),
            [
                "E003 6:9 unknown field `acton`",
                "E003 6:23 unknown field `guidence`",
                "E003 7:21 unknown field `resolutoin`",
                // At the item's `{`, where serde put it at its last key.
                "E005 7:37 missing required field `resolution`",
                "E003 7:38 unknown field `caus`",
            ]
        );
        // serde alone put a flow mapping's missing key at the file's first line.
        assert_eq!(
            problems(&format!("{HEAD}agent: {{action: retry}}\n")),
            ["E005 6:8 missing required field `guidance`"]
        );
    }

    #[test]
    fn every_missing_key_is_reported_at_its_mapping() {
        assert_eq!(
            problems(&format!(
                "{HEAD}agent:\n  action: stop\nmessages:\n  - cause: c\nexamples:\n  - title: t\n    lang: sh\nresponse:\n  headers:\n    A: b\n"
            )),
            [
                "E005 7:3 missing required field `guidance`",
                "E005 9:5 missing required field `message`",
                "E005 11:5 missing required field `code`",
                "E005 14:3 missing required field `body`",
            ]
        );
        // The file's own mapping: at its first line, as before, and nested ones too.
        assert_eq!(
            problems("# c\ncode: x\ntitle: T\nagent: {action: stop}\n"),
            [
                "E005 2:1 missing required field `status`",
                "E005 2:1 missing required field `summary`",
                "E005 2:1 missing required field `retryable`",
                "E005 4:8 missing required field `guidance`",
            ]
        );
    }

    #[test]
    fn the_config_files_nested_items_are_walked() {
        let source = SourceFile::new(
            "errdex.yaml",
            "title: T\nsummary: S.\nbase_url: https://x.test\nenvelopes:\n  - id: e\n    titel: E\n    example: '{}'\n    pointers: {cod: /c}\ngroups:\n  - id: g\n  - id: h\n    title: H\n    descripton: D\nstatuses:\n  - status: 200\n    meening: OK\nlinks:\n  - {title: t, ulr: x}\n"
                .to_owned(),
        );
        assert_eq!(
            found(parse_config(&source).err().unwrap_or_default()),
            [
                "E003 6:5 unknown field `titel`",
                "E003 8:16 unknown field `cod`",
                "E005 10:5 missing required field `title`",
                "E003 13:5 unknown field `descripton`",
                "E003 16:5 unknown field `meening`",
                // Not close enough to `url` to be taken for it: both are reported.
                "E005 18:5 missing required field `url`",
                "E003 18:16 unknown field `ulr`",
            ]
        );
    }

    #[test]
    fn a_mapping_used_twice_is_reported_where_it_is_written() {
        // The anchored cause is used again through a merge and an alias: its misspelt
        // key is one mistake, at its one place.
        assert_eq!(
            problems(&format!(
                "{HEAD}agent: {{action: stop, guidance: g}}\ncauses:\n  - &c\n    cause: x\n    resolutoin: y\n  - <<: *c\n    cause: z\n  - *c\n"
            )),
            ["E003 10:5 unknown field `resolutoin`"]
        );
        assert_eq!(
            problems(&format!(
                "{HEAD}agent: {{action: stop, guidance: g}}\nexamples:\n  - &e {{title: t, lang: sh}}\n  - *e\n"
            )),
            ["E005 8:8 missing required field `code`"]
        );
    }

    #[test]
    fn a_mistake_used_many_times_counts_once_towards_the_cap() {
        // A misspelt key, used again in 99 causes through an alias key, a merge or an
        // alias of its mapping, is one mistake. Counted at each use, it went past the cap
        // of 100 problems, and the misspelt `titel` below was not reported. (From 100
        // aliases on, the parser wants an anchor for every 10.)
        for used in ["{cause: d, *k : r}", "{<<: *c, cause: d}", "*c"] {
            let uses: String = (0..99).map(|_| format!("  - {used}\n")).collect();
            assert_eq!(
                problems(&format!(
                    "{HEAD}agent: {{action: stop, guidance: g}}\ncauses:\n  - &c {{cause: c, &k resolutoin: r}}\n{uses}titel: U\n"
                )),
                [
                    "E003 8:22 unknown field `resolutoin`",
                    "E003 108:1 unknown field `titel`",
                ],
                "{used}"
            );
        }
    }

    #[test]
    fn a_limit_of_the_typed_parse_further_on_is_reported_beside_the_first_problem() {
        // 120 aliases of two anchors: past the parser's rule of 10 aliases per anchor,
        // which the typed parse, stopped at the misspelt key, had not got to. The walk
        // stopped there too and was taken for one past its own, tighter limits: the file
        // seemed to have one problem, and the next run found another.
        let uses: String = (0..120).map(|_| "  - {cause: d, *k : r}\n").collect();
        assert_eq!(
            problems(&format!(
                "{HEAD}agent: {{action: stop, guidance: g}}\ncauses:\n  - {{cause: c, &k resolutoin: r}}\n{uses}"
            )),
            [
                "E003 8:19 unknown field `resolutoin`",
                "E006 129:1 the file uses 120 aliases (`*name`) of 1 anchor (`&name`): from 100 aliases on, at most 10 per anchor",
            ]
        );
    }

    #[test]
    fn the_first_problem_of_another_kind_is_kept_beside_the_keys() {
        // A wrong type, a duplicate key: serde stops there, the walk goes on.
        assert_eq!(
            problems(
                "code: x\ntitle: T\nstatus: 4o4\nsummary: S.\nretryable: false\nagent: {acton: stop}\n"
            ),
            [
                "E002 3:9 `status` must be a whole number",
                "E005 6:8 missing required field `guidance`",
                "E003 6:9 unknown field `acton`",
            ]
        );
        assert_eq!(
            problems(&format!(
                "{HEAD}title: U\nagent:\n  acton: stop\n  guidance: g\n"
            )),
            [
                "E004 6:1 duplicate key `title`: line 2 has it too",
                "E003 8:3 unknown field `acton`",
            ]
        );
        // A syntax error past the first unknown key: the tree cannot be read, and the
        // error is the next thing to fix.
        assert_eq!(
            problems(&format!(
                "{HEAD}agent:\n  acton: stop\n  guidence: g\nwhen: [open\n"
            )),
            [
                "E003 7:3 unknown field `acton`",
                "E001 9:7 unclosed bracket '['",
            ]
        );
    }

    #[test]
    fn a_repeated_key_names_the_first_as_it_is_written() {
        // YAML compares whole numbers by value: `12`, `0x0C` and `+12` are one header name
        // to the parser, which said only "duplicate key `0x0C`", though the site would
        // show them as three headers. `"12"` is text, and `012` is no number, so both are
        // other keys to YAML; but `"12"` is header `12` again to a client, which the
        // check of a file that parses reports, and now this file's walk too.
        let text = format!(
            "{HEAD}agent: {{action: stop, guidance: g}}\nresponse:\n  body: b\n  headers:\n    12: a\n    X-Id: b\n    0x0C: c\n    +12: d\n    \"12\": e\n    012: f\ntitle: U\n"
        );
        assert_eq!(
            problems(&text),
            [
                "E004 12:5 duplicate key `0x0C`: line 10 has it too, as `12`",
                "E004 13:5 duplicate key `+12`: line 10 has it too, as `12`",
                "E004 14:5 duplicate header `12`: line 10 names it too",
                "E004 16:1 duplicate key `title`: line 2 has it too",
            ]
        );
        let helps = helps(&text);
        assert!(
            helps[0].starts_with("YAML reads `12` and `0x0C` as the same number"),
            "{helps:?}"
        );
    }

    #[test]
    fn a_header_name_repeated_in_another_case_is_reported_with_the_other_repeats() {
        // `retry-after` is `Retry-After` to a client: the check of a file that parses
        // reports it. A key written twice stops the parse, and with it the check, so it
        // was left for the run after that key was fixed.
        let text = format!(
            "{HEAD}agent: {{action: stop, guidance: g}}\nresponse:\n  body: b\n  headers:\n    Retry-After: \"1\"\n    12: a\n    retry-after: \"2\"\n    0x0C: b\n    RETRY-AFTER: \"3\"\n    Retry-After: \"4\"\ntitle: U\n"
        );
        assert_eq!(
            problems(&text),
            [
                "E004 12:5 duplicate header `retry-after`: line 10 names it too, as `Retry-After`",
                "E004 13:5 duplicate key `0x0C`: line 11 has it too, as `12`",
                "E004 14:5 duplicate header `RETRY-AFTER`: line 10 names it too, as `Retry-After`",
                // Written alike, it is the key written twice, reported once as such.
                "E004 15:5 duplicate key `Retry-After`: line 10 has it too",
                "E004 16:1 duplicate key `title`: line 2 has it too",
            ]
        );
        assert!(
            helps(&text)[0].starts_with("HTTP header names ignore case (RFC 9110)"),
            "{:?}",
            helps(&text)
        );
    }

    #[test]
    fn a_key_repeated_through_an_alias_is_reported_where_the_alias_is() {
        // An alias key is written where its anchor is: `*h` was reported there, at line
        // 10, as "line 10 has it too", and the alias itself was not pointed at.
        let text = "code: x\n&t title: T\nstatus: 400\nsummary: S.\nretryable: false\nagent: {action: stop, guidance: g}\nresponse:\n  body: b\n  headers:\n    &h X-A: x\n    *h : y\ncauses:\n  - &c cause: c\n    resolution: r\n  - *c : d\n    *c : e\n    resolution: r\n  - &e {&k cause: c, *k : f, resolution: r}\n  - *e\n*t : U\n";
        assert_eq!(
            problems(text),
            [
                "E004 11:5 duplicate key `X-A`: line 10 has it too",
                "E004 16:5 duplicate key `cause`: line 15 has it too",
                // Once, where the mapping is written; not again where `*e` reads it.
                "E004 18:22 duplicate key `cause`: line 18 has it too",
                "E004 20:1 duplicate key `title`: line 2 has it too",
            ]
        );
    }

    #[test]
    fn a_repeated_key_names_the_first_in_a_file_too_big_for_the_walk() {
        // Past each limit of the walk, the parser's "duplicate key `0x0C`" was all the
        // writer learnt: not which key it repeats, nor that YAML reads both as 12.
        let past_the_walk = [
            (
                "deeper than it reads",
                format!("when: {}a{}\n", "[".repeat(40), "]".repeat(40)),
            ),
            (
                "more nodes than it reads",
                format!("when:\n{}", "  - a\n".repeat(25_000)),
            ),
            (
                "more unknown keys than it lists",
                (0..101).map(|i| format!("k{i}: v\n")).collect(),
            ),
            ("a syntax error further on", "when: [open\n".to_owned()),
        ];
        for (what, rest) in past_the_walk {
            let text = format!(
                "{HEAD}agent: {{action: stop, guidance: g}}\nresponse:\n  body: b\n  headers:\n    12: a\n    0x0C: b\n{rest}"
            );
            assert_eq!(
                problems(&text).first().map(String::as_str),
                Some("E004 11:5 duplicate key `0x0C`: line 10 has it too, as `12`"),
                "{what}"
            );
            assert!(
                helps(&text)[0].starts_with("YAML reads `12` and `0x0C` as the same number"),
                "{what}"
            );
        }
    }

    #[test]
    fn a_key_that_is_not_text_is_reported_and_the_walk_goes_on() {
        // The typed parse stops at the list key, as a value that must be text; reading
        // the tree stopped there too, and the typos after it went unreported.
        assert_eq!(
            problems(&format!(
                "{HEAD}? [a, b]\n: 1\nagent:\n  acton: stop\n  guidance: g\ncauses:\n  - {{[x]: 1, cause: c, resolutoin: r}}\nnull: 2\n~: 3\n"
            )),
            [
                "E002 6:3 a key must be text, not a list",
                "E003 9:3 unknown field `acton`",
                "E002 12:6 a key must be text, not a list",
                "E003 12:24 unknown field `resolutoin`",
                "E002 13:1 a key must be text, not null",
                "E002 14:1 a key must be text, not null",
            ]
        );
        // In the headers, whose names are any text.
        assert_eq!(
            problems(&format!(
                "{HEAD}agent: {{acton: stop, guidance: g}}\nresponse:\n  body: b\n  headers: {{{{x: 1}}: y, X-Id: z}}\n"
            )),
            [
                "E003 6:9 unknown field `acton`",
                "E002 9:13 a key must be text, not a mapping",
            ]
        );
    }

    #[test]
    fn a_number_or_a_boolean_key_is_named_as_written() {
        // The tree reads them as what they are, the typed parse as a field name: `0x1F`
        // is the key the writer sees, not 31.
        assert_eq!(
            problems(&format!(
                "{HEAD}agent: {{action: stop, guidance: g}}\n0x1F: 1\nTrue: 2\n.Inf: 3\n"
            )),
            [
                "E003 7:1 unknown field `0x1F`",
                "E003 8:1 unknown field `True`",
                "E003 9:1 unknown field `.Inf`",
            ]
        );
    }

    #[test]
    fn every_value_of_the_wrong_type_is_reported_at_once() {
        // serde stops at the title; the walk reads on along the schema, which knows a
        // status is a number where serde's message called it text.
        assert_eq!(
            problems(
                "code: x\ntitle: [T]\nstatus: [429]\nsummary:\nretryable: maybe\nfix: Wait.\nagent:\n  action: retry_latr\n  guidance: g\nretry_after: {seconds: -5}\n"
            ),
            [
                "E002 2:8 `title` must be text, not a list or mapping",
                "E002 3:9 `status` must be a whole number, not a list or mapping",
                "E002 4:8 `summary` is empty",
                "E002 5:12 `retryable` must be `true` or `false`",
                "E002 6:6 `fix` must be a list",
                "E002 8:11 unknown value `retry_latr`",
                "E002 10:24 `seconds` must be a whole number, 0 or more",
            ]
        );
        assert_eq!(
            problems(&format!(
                "{HEAD}fix:\n  - [a]\n  - ok\n  -\nagent: [stop]\n"
            )),
            [
                "E002 7:5 each item of `fix` must be text, not a list or mapping",
                "E002 9:4 each item of `fix` is empty",
                "E002 10:8 `agent` must be a mapping",
            ]
        );
        let helps = helps(&format!(
            "{HEAD}fix:\n  -\nagent: {{action: [stop], guidance: g}}\n"
        ));
        assert_eq!(
            helps[0],
            "write the item after the `- `, or remove the line"
        );
        assert!(
            helps[1].starts_with("write one of `stop`, `fix_request`"),
            "{helps:?}"
        );
    }

    #[test]
    fn what_the_typed_parse_takes_is_left_to_the_checks() {
        // `yes` in a text field, a number for text, a word of a set in quotes: the typed
        // parse takes them and no check refuses them, so the walk must not call them
        // wrong beside the one mistake. A number or a boolean in quotes the typed parse
        // takes too, but `check` refuses it once the file parses: the walk says so in
        // the same words (`number_written_as_text`), so it is told with the mistake.
        assert_eq!(
            problems(
                "code: x\ntitle: [T]\nstatus: \"429\"\nsummary: 12\nretryable: \"false\"\nsince: yes\nretry_after: {seconds: \"30\"}\nagent: {action: \"stop\", guidance: true}\n"
            ),
            [
                "E002 2:8 `title` must be text, not a list or mapping",
                "E002 3:9 `status` is a number, but this one is in quotes, which YAML reads as text",
                "E002 5:12 `retryable` is `true` or `false`, but this one is in quotes, which YAML reads as text",
                "E002 7:24 `seconds` is a number, but this one is in quotes, which YAML reads as text",
            ]
        );
    }

    /// The walk's problems for `source` read as an error file, or as errdex.yaml, but
    /// for repeated headers.
    fn walked(source: &SourceFile, config: bool) -> Vec<String> {
        let options = super::super::yaml::options();
        let problems = if config {
            key_problems::<crate::load::raw::RawConfig>(source, options)
        } else {
            key_problems::<crate::load::raw::RawError>(source, options)
        };
        match problems {
            // A header repeated in another case is the checks' to report in a file that
            // parses; the walk reports it in one that does not.
            // So is a number or a boolean in quotes, which the checks refuse in the same
            // words when the file parses.
            KeyProblems::Found { diagnostics, .. } => found(diagnostics)
                .into_iter()
                .filter(|d| !d.starts_with("E004") && !d.ends_with(", which YAML reads as text"))
                .collect(),
            _ => vec!["the walk did not read the file".to_owned()],
        }
    }

    #[test]
    fn the_walk_finds_nothing_in_a_file_the_typed_parse_takes() {
        // Were the walk stricter than the typed parse anywhere, a file with one mistake
        // would be told of others that are none. Every catalog file in the repository
        // the typed parse takes, and values it takes however they are written.
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        let mut pending = vec![root.join("catalog"), root.join("tests/fixtures")];
        while let Some(dir) = pending.pop() {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    pending.push(path);
                } else if path.extension().is_some_and(|e| e == "yaml") {
                    files.push(path);
                }
            }
        }
        let mut read = 0;
        for path in files {
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let source = SourceFile::new(path.to_string_lossy(), text);
            let config = path.file_name().is_some_and(|n| n == "errdex.yaml");
            let taken = if config {
                parse_config(&source).is_ok()
            } else {
                parse_error(&source).is_ok()
            };
            if taken {
                read += 1;
                assert_eq!(
                    walked(&source, config),
                    Vec::<String>::new(),
                    "{}",
                    path.display()
                );
            }
        }
        assert!(read > 100, "only {read} files read");
        let values = [
            "title: 12",
            "title: yes",
            "title: .inf",
            "title: 1e999",
            "title: !!str 12",
            "status: 0x190",
            "status: \"400\"",
            "status: +400",
            "retryable: \"false\"",
            "retryable: True",
            "retryable: FALSE",
            "<<: {retryable: true}",
            "fix: &f [a]",
            "retry_after: {seconds: \"30\"}",
            "retry_after: {seconds: 0}",
            "retry_after: {seconds: \"0x1_F\"}",
            "retryable: |\n  true",
            "since: 2",
            "since: 2.5",
            "code: 20003",
            "related: [12, x]",
            "response: {body: '{}', headers: {X-A: 1, X-B: true, X-C: 1.5}}",
            "agent: {action: \"stop\", guidance: 12}",
            "when: []",
            "causes: ~",
            "fix:\n  - 12\n  - true",
            "description: |\n  text",
        ];
        for value in values {
            let key = value.split(':').next().unwrap_or_default();
            let base = "code: x\ntitle: T\nstatus: 400\nsummary: S.\nretryable: false\nagent: {action: stop, guidance: g}\n";
            let kept: String = base
                .lines()
                .filter(|line| !line.starts_with(&format!("{key}:")))
                .map(|line| format!("{line}\n"))
                .collect();
            let source = SourceFile::new("errors/x.yaml", format!("{kept}{value}\n"));
            assert!(
                parse_error(&source).is_ok(),
                "the typed parse refuses {value}"
            );
            assert_eq!(walked(&source, false), Vec::<String>::new(), "{value}");
        }
    }

    #[test]
    fn merged_values_are_judged_where_they_are_written_and_aliases_where_used() {
        // A merged value that is right is taken; one that is wrong is reported once,
        // where it is written and under its own key, however often it is merged.
        assert_eq!(
            problems(
                "code: x\ntitle: T\n<<: {retryable: true}\nstatus: x\nsummary: S.\nagent: {action: stop, guidance: g}\n"
            ),
            ["E002 4:9 `status` must be a whole number"]
        );
        assert_eq!(
            problems(
                "code: x\ntitle: T\n<<: {status: [429]}\nsummary: S.\nretryable: true\nagent: {action: stop, guidance: g}\n"
            ),
            ["E002 3:14 `status` must be a whole number, not a list or mapping"]
        );
        assert_eq!(
            problems(&format!(
                "{HEAD}causes:\n  - &c {{cause: [B], resolution: R}}\n  - <<: *c\n  - <<: *c\nfix: &f Wait.\nagent:\n  <<: {{action: {{stop: 1}}}}\n  guidance: g\n"
            )),
            [
                "E002 7:16 `cause` must be text, not a list or mapping",
                "E002 10:9 `fix` must be a list",
                "E002 12:16 `action` must be one word, not a list or mapping",
            ]
        );
        // A mistake inside an aliased value is where it is written, once.
        assert_eq!(
            problems(&format!(
                "{HEAD}agent: {{action: stop, guidance: g}}\nmessages:\n  - &m {{message: [m]}}\n  - *m\n  - *m\n"
            )),
            ["E002 8:18 `message` must be text, not a list or mapping"]
        );
        // An alias is wrong where it is used, not where its value is defined.
        assert_eq!(
            problems(&format!(
                "{HEAD}agent: &g {{action: stop, guidance: g}}\nfix: [*g]\nbogus: 1\n"
            )),
            [
                "E002 7:7 each item of `fix` must be text, not a list or mapping",
                "E003 8:1 unknown field `bogus`",
            ]
        );
    }

    #[test]
    fn what_the_typed_parse_refuses_the_walk_refuses_too() {
        assert_eq!(
            problems(
                "code: x\ntitle: [T]\nstatus: 9999999999999999999\nsummary: S.\nretryable: True\nagent: {action: 5, guidance: g}\nfields: [x]\nretry_after: {seconds: \"0x10000000000000000\"}\n"
            ),
            [
                "E002 2:8 `title` must be text, not a list or mapping",
                "E002 3:9 `status` is too large a number",
                "E002 6:17 unknown value `5`",
                "E002 7:10 each item of `fields` must be a mapping",
                "E002 8:24 `seconds` must be a whole number, 0 or more",
            ]
        );
    }

    #[test]
    fn a_signed_zero_is_no_unsigned_number() {
        let text =
            format!("{HEAD}agent: {{action: stop, guidance: g}}\nretry_after: {{seconds: -0}}\n");
        assert_eq!(
            problems(&text),
            ["E002 7:24 `seconds` must be a whole number, 0 or more"]
        );
        // Beside another mistake, the walk finds it too.
        assert_eq!(
            problems(&text.replace("title: T", "title: [T]")),
            [
                "E002 2:8 `title` must be text, not a list or mapping",
                "E002 7:24 `seconds` must be a whole number, 0 or more",
            ]
        );
    }

    #[test]
    fn a_mistake_inside_a_value_of_the_wrong_type_is_reported_once() {
        // serde stops at the `1`, inside the mapping the walk reports as a whole.
        assert_eq!(
            problems(&format!(
                "{HEAD}agent:\n  action: {{retry: 1}}\n  guidance: g\n"
            )),
            ["E002 7:11 `action` must be one word, not a list or mapping"]
        );
        assert_eq!(
            problems(&format!(
                "{HEAD}agent:\n  action:\n    retry:\n      after: 1\n  guidance: g\n"
            )),
            ["E002 8:5 `action` must be one word, not a list or mapping"]
        );
    }

    #[test]
    fn no_value_stops_the_walk() {
        // `.inf`, `-.nan` and `1e999` are text in `when`, and a tag the typed parse does
        // not know is its to report, once past `acton`. Reading them as typed values
        // stopped the tree, and `gotchs` went unreported.
        assert_eq!(
            problems(&format!(
                "{HEAD}agent: {{acton: stop, guidance: g}}\nwhen: [.inf, -.nan, 1e999, !custom x]\ngotchs: [x]\n"
            )),
            [
                "E003 6:9 unknown field `acton`",
                "E003 8:1 unknown field `gotchs`",
            ]
        );
    }

    #[test]
    fn a_deeply_nested_file_is_not_read_past_the_walks_depth() {
        // 60 levels, under the typed parse's limit of 64: the typed parse stops at
        // `acton`; reading the tree to the bottom overflowed a test thread's stack.
        let deep = format!("{}1{}", "{a: ".repeat(60), "}".repeat(60));
        assert_eq!(
            problems(&format!(
                "{HEAD}agent:
  acton: stop
when: {deep}
"
            )),
            ["E003 7:3 unknown field `acton`"]
        );
    }

    #[test]
    fn the_walks_own_limits_are_not_reported() {
        // 4,000 items replayed three times through aliases: 12,000 replayed events, under
        // the typed parse's limit of 100,000 and over the walk's 10,000. Only the typo is
        // the writer's mistake.
        let items: String = (0..4000).map(|i| format!("  - item {i}\n")).collect();
        let text = format!(
            "code: x\ntitel: T\nstatus: 400\nsummary: S.\nretryable: false\nagent: {{action: stop, guidance: g}}\nwhen: &w\n{items}fix: *w\ngotchas: *w\nendpoints: *w\n"
        );
        assert_eq!(problems(&text), ["E003 2:1 unknown field `titel`"]);
        // Spelt right, the file is valid: the limit is the walk's alone.
        let source = SourceFile::new("errors/x.yaml", text.replace("titel", "title"));
        assert!(parse_error(&source).is_ok());
    }

    #[test]
    fn a_file_of_countless_unknown_keys_reports_the_first() {
        let keys: String = (0..MAX_KEY_PROBLEMS)
            .map(|i| format!("  k{i}: v\n"))
            .collect();
        // 100 unknown keys: all are listed (with `action` and `guidance` missing).
        let listed = problems(&format!(
            "{HEAD}agent:\n{keys}  action: stop\n  guidance: g\n"
        ));
        assert_eq!(listed.len(), MAX_KEY_PROBLEMS, "{listed:?}");
        // One more: the typed parse's one diagnostic, and where the walk stopped
        // counting, so the file is not taken for one with a single mistake.
        let keys = format!("{keys}  extra: v\n");
        assert_eq!(
            problems(&format!(
                "{HEAD}agent:\n{keys}  action: stop\n  guidance: g\n"
            )),
            [
                "E003 7:3 unknown field `k0`",
                "E003 107:3 this file has more than 100 problems (unknown, missing or repeated keys, values of the wrong type); only the first is listed",
            ]
        );
    }
}
