//! The catalog format exactly as it appears on disk: the public contract of SPEC §2.
//!
//! These types are deliberately "raw": every value a check can fail on is wrapped in
//! [`Spanned`] so that a diagnostic can point at the value itself rather than at `1:1`.
//! They are strict (`deny_unknown_fields`) so a misspelt key is an error, never silently
//! ignored. The check stage turns them into the validated [`crate::model::Catalog`].

use crate::source::Place;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_saphyr::Spanned;
use std::borrow::Cow;

/// A value with the place it was written, so a check can point at it.
///
/// Deserialized through serde-saphyr's [`Spanned`]; its JSON Schema is that of the
/// value alone, so `errdex schema` describes the YAML a writer types.
#[derive(Debug, Clone)]
pub struct S<T> {
    pub value: T,
    /// Where the value is used (an alias's position, for aliased values).
    pub referenced: Place,
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for S<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spanned = Spanned::<T>::deserialize(deserializer)?;
        Ok(S {
            value: spanned.value,
            referenced: Place::from(&spanned.referenced),
        })
    }
}

impl<T: JsonSchema> JsonSchema for S<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }

    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }

    fn schema_id() -> Cow<'static, str> {
        T::schema_id()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        T::json_schema(generator)
    }
}

/// A BCP 47 language tag as pages write it in `lang`: a language of two or three letters,
/// then subtags of one to eight letters or digits (`en`, `pt-BR`, `zh-Hant-TW`). The
/// white space around it is trimmed, by `check` as here.
pub const LANGUAGE_PATTERN: &str = r"^\s*[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*\s*$";

/// The schema pattern of a one-line field (a title, a summary, a message): some text,
/// on one line once the whitespace around it is trimmed, as `check` demands (E019). A
/// pattern holds only for a string; a number is one line anyway.
const ONE_LINE: &str = r"^\s*[^\s\u0085](?:[^\n\r\u000B\u000C\u0085\u2028\u2029]*[^\s\u0085])?\s*$";

/// The schema pattern of text that must not be blank (`agent.guidance`).
const NOT_BLANK: &str = r"\S";

/// The patterns that only narrow free text: `errdex schema` widens their type to
/// numbers and booleans as it does any text's.
pub const TEXT_PATTERNS: [&str; 2] = [ONE_LINE, NOT_BLANK];

/// `errdex.yaml`: site-wide configuration.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    /// Site title; also the H1 of llms.txt.
    #[schemars(extend("pattern" = ONE_LINE))]
    pub title: S<String>,
    /// One line describing the API; the llms.txt blockquote and the HTML meta description.
    #[schemars(extend("pattern" = ONE_LINE))]
    pub summary: S<String>,
    /// Absolute http(s) URL where the site is published, e.g. `https://docs.example.com/errors`. Every agent-facing link is absolute on it.
    pub base_url: S<String>,
    /// The language of the catalog's texts, as a BCP 47 tag (`en`, `fr`, `pt-BR`): the `lang` of every page, which screen readers and translators go by. Default `en`.
    #[serde(default)]
    #[schemars(extend("pattern" = LANGUAGE_PATTERN))]
    pub language: Option<S<String>>,
    /// Markdown shown at the top of the overview page.
    #[serde(default)]
    pub intro: Option<S<String>>,
    /// Markdown: how to authenticate; shown on the overview.
    #[serde(default)]
    pub auth: Option<S<String>>,
    /// Markdown guidance for AI agents: top of llms.txt and of every error's Markdown page.
    #[serde(default)]
    pub agent_instructions: Option<S<String>>,
    /// Response body shapes shared by many errors.
    #[serde(default)]
    pub envelopes: Option<S<Vec<RawEnvelope>>>,
    /// Id of the envelope a response follows when it names none (`response.envelope`). With one envelope, that one is the default anyway.
    #[serde(default)]
    pub default_envelope: Option<S<String>>,
    /// Ordered sections (e.g. `auth`, `billing`); the overview and llms.txt follow this order.
    #[serde(default)]
    pub groups: Option<S<Vec<RawGroup>>>,
    /// Extra rows for the overview's status table, e.g. 200/201/204 success codes.
    #[serde(default)]
    pub statuses: Option<S<Vec<RawStatus>>>,
    /// Markdown items for the overview's "Troubleshooting tips".
    #[serde(default)]
    pub tips: Option<S<Vec<S<String>>>>,
    /// External pages, listed under `## Optional` in llms.txt.
    #[serde(default)]
    pub links: Option<S<Vec<RawLink>>>,
}

impl RawConfig {
    /// The ids of the groups it defines, in order.
    pub fn group_ids(&self) -> Vec<&str> {
        self.groups
            .iter()
            .flat_map(|g| &g.value)
            .map(|g| g.id.value.as_str())
            .collect()
    }
}

/// A response body shape shared by many errors.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawEnvelope {
    /// Identifier that errors name in `response.envelope`.
    pub id: S<String>,
    /// Short name, e.g. "Standard error".
    #[schemars(extend("pattern" = ONE_LINE))]
    pub title: S<String>,
    /// Markdown explanation of the shape.
    #[serde(default)]
    pub description: Option<S<String>>,
    /// Media type of bodies (default `application/json`); JSON types (`application/json`, `*+json`) are parsed and checked.
    #[serde(default)]
    pub media_type: Option<S<String>>,
    /// An example body in this shape.
    pub example: S<String>,
    /// Where the code, message, docs URL and status live in a body.
    #[serde(default)]
    pub pointers: Option<RawPointers>,
}

/// The media type of bodies when the envelope does not say (or there is no envelope).
pub const DEFAULT_MEDIA_TYPE: &str = "application/json";

impl RawEnvelope {
    /// The media type of its bodies, as written, or [`DEFAULT_MEDIA_TYPE`].
    pub fn media_type(&self) -> &str {
        self.media_type
            .as_ref()
            .map_or(DEFAULT_MEDIA_TYPE, |m| m.value.as_str())
    }
}

/// JSON Pointers (RFC 6901) into an envelope's body.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPointers {
    /// JSON Pointer (RFC 6901) to the error code, e.g. `/error/code`; it must equal the error's `code`.
    #[serde(default)]
    pub code: Option<S<String>>,
    /// JSON Pointer to the message; it must match one of the error's `messages`.
    #[serde(default)]
    pub message: Option<S<String>>,
    /// JSON Pointer to the documentation URL; it must be the error's page URL, or `about:blank` (RFC 9457).
    #[serde(default)]
    pub docs_url: Option<S<String>>,
    /// JSON Pointer to the HTTP status; it must equal the error's `status`.
    #[serde(default)]
    pub status: Option<S<String>>,
}

impl RawPointers {
    /// The pointers the envelope sets, in the order of the fields.
    pub fn set(&self) -> impl Iterator<Item = &S<String>> {
        [&self.code, &self.message, &self.docs_url, &self.status]
            .into_iter()
            .flatten()
    }
}

/// An ordered section of the catalog, e.g. `auth` or `billing`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawGroup {
    /// Identifier that errors name in `group`.
    pub id: S<String>,
    /// Section title.
    #[schemars(extend("pattern" = ONE_LINE))]
    pub title: S<String>,
    /// Markdown introduction of the section.
    #[serde(default)]
    pub description: Option<S<String>>,
}

/// An extra row for the overview's status table (e.g. a 2xx success code).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawStatus {
    /// HTTP status code (100–599).
    pub status: S<i64>,
    /// Markdown: what this status means in this API.
    pub meaning: S<String>,
}

/// An external link; `description` is only used by the catalog-level list.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawLink {
    /// Link text.
    #[schemars(extend("pattern" = ONE_LINE))]
    pub title: S<String>,
    /// Absolute http(s) URL, or a site path such as `/errors/not_found/`.
    pub url: S<String>,
    /// One line on what the page offers (catalog-level links only).
    #[serde(default)]
    pub description: Option<S<String>>,
}

/// `errors/<code>.yaml`: one API error.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawError {
    /// Stable identifier and URL slug; must equal the file name.
    #[schemars(schema_with = "code_schema")]
    pub code: S<String>,
    /// Short human title.
    #[schemars(extend("pattern" = ONE_LINE))]
    pub title: S<String>,
    /// HTTP status, 400–599.
    #[schemars(range(min = 400, max = 599))]
    pub status: S<i64>,
    /// One Markdown sentence; used in llms.txt and tables (at most 200 characters).
    #[schemars(extend("pattern" = ONE_LINE))]
    pub summary: S<String>,
    /// Id of a group defined in errdex.yaml.
    #[serde(default)]
    pub group: Option<S<String>>,
    /// Markdown: the longer explanation.
    #[serde(default)]
    pub description: Option<S<String>>,
    /// Markdown items: the situations that trigger the error ("When it fires").
    #[serde(default)]
    pub when: Option<S<Vec<S<String>>>>,
    /// Cause → resolution rows.
    #[serde(default)]
    pub causes: Option<S<Vec<RawCause>>>,
    /// Exact messages the API returns; `{name}` marks a variable part.
    #[serde(default)]
    pub messages: Option<S<Vec<RawMessage>>>,
    /// Validation failures: which request field fails and why.
    #[serde(default)]
    pub fields: Option<S<Vec<RawField>>>,
    /// Where the error is returned, e.g. `POST /scans`.
    #[serde(default)]
    pub endpoints: Option<S<Vec<S<String>>>>,
    /// Markdown steps, in order ("How to fix").
    #[serde(default)]
    pub fix: Option<S<Vec<S<String>>>>,
    /// Markdown items ("Common gotchas").
    #[serde(default)]
    pub gotchas: Option<S<Vec<S<String>>>>,
    /// An example response; its body is checked against the envelope.
    #[serde(default)]
    pub response: Option<S<RawResponse>>,
    /// Request examples, shown as tabs.
    #[serde(default)]
    pub examples: Option<S<Vec<RawExample>>>,
    /// May the same request succeed later, unchanged?
    pub retryable: S<bool>,
    /// How long to wait before retrying (only for retryable errors).
    #[serde(default)]
    pub retry_after: Option<S<RawRetryAfter>>,
    /// What an AI agent should do.
    pub agent: RawAgent,
    /// Codes of related errors; they must exist.
    #[serde(default)]
    #[schemars(schema_with = "codes_schema")]
    pub related: Option<S<Vec<S<String>>>>,
    /// Further reading.
    #[serde(default)]
    pub links: Option<S<Vec<RawLink>>>,
    /// When the error was introduced, e.g. a date or API version.
    #[serde(default)]
    #[schemars(schema_with = "since_schema")]
    pub since: Option<S<String>>,
    /// Markdown: why the error is no longer returned; codes are never deleted.
    #[serde(default)]
    #[schemars(schema_with = "deprecated_schema")]
    pub deprecated: Option<S<String>>,
    /// Code of the error that replaces this one.
    #[serde(default)]
    #[schemars(schema_with = "optional_code_schema")]
    pub replaced_by: Option<S<String>>,
}

/// The schema of an error code: the code rule (E010), or a number that is not negative.
/// The loader reads `code: 20003` as the code `20003` and `code: 1.5` as `1.5`, as
/// written, and numeric codes (Twilio's, MySQL's) are common, so an editor must not
/// flag what `check` accepts. (`true` and `false` also fit the code rule.)
fn code_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "anyOf": [
            {"type": "string", "pattern": CODE_PATTERN, "maxLength": crate::codes::MAX_CODE_LENGTH},
            {"type": ["number", "boolean"], "minimum": 0}
        ]
    })
}

/// The code rule (E010) as a schema pattern: `[a-z0-9][a-z0-9_.-]{0,63}`, without `..`
/// (each `.` followed by another character or by the end), with
/// [`MAX_CODE_LENGTH`](crate::codes::MAX_CODE_LENGTH) as `maxLength`. No look-ahead:
/// validators built on RE2 (Go's, and the many that wrap it) refuse a schema that has
/// one.
pub const CODE_PATTERN: &str = r"^[a-z0-9](?:\.?[a-z0-9_-])*\.?$";

/// [`code_schema`] for an optional key, which may be left empty (null) as any other.
fn optional_code_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({"anyOf": [code_schema(generator), {"type": "null"}]})
}

/// The schema of an optional list of codes, each as [`code_schema`].
fn codes_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({"type": ["array", "null"], "items": code_schema(generator)})
}

/// The words writers use as flags. `since` and `deprecated` are text, so `since: yes` or
/// `deprecated: false` would be published as a version or a note; `check` refuses a value
/// that is only one of these, in any case (E002), and so does the schema.
pub const FLAG_WORDS: [&str; 6] = ["true", "false", "yes", "no", "on", "off"];

/// The schema of text that is not a flag: text or a number, kept as written, but not a
/// boolean nor a [`FLAG_WORDS`] word in any case, quoted or not.
fn text_but_not_a_flag() -> schemars::Schema {
    let any_case = |word: &str| -> String {
        word.chars()
            .map(|c| format!("[{}{}]", c.to_ascii_lowercase(), c.to_ascii_uppercase()))
            .collect()
    };
    let words: Vec<String> = FLAG_WORDS.iter().map(|word| any_case(word)).collect();
    let pattern = format!(r"^\s*(?:{})\s*$", words.join("|"));
    schemars::json_schema!({
        "type": ["string", "number", "null"],
        "not": {"type": "string", "pattern": pattern}
    })
}

/// The schema of `since`: a date or version as text, or a number (`since: 2`,
/// `since: 0x1F`), not a flag.
fn since_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    text_but_not_a_flag()
}

/// The schema of `deprecated`: a Markdown note, not a flag.
fn deprecated_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    text_but_not_a_flag()
}

/// One row of the cause → resolution table.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCause {
    /// Markdown: what the caller did.
    pub cause: S<String>,
    /// Markdown: what to do instead.
    pub resolution: S<String>,
}

/// An exact message the API returns; `{name}` marks a variable part.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawMessage {
    /// The exact message; `{name}` matches any non-empty text.
    #[schemars(extend("pattern" = ONE_LINE))]
    pub message: S<String>,
    /// Markdown: why the API returns it.
    #[serde(default)]
    pub cause: Option<S<String>>,
    /// Markdown: what to do.
    #[serde(default)]
    pub resolution: Option<S<String>>,
}

/// A request field that fails validation, and why.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawField {
    /// The request field, e.g. `address.postal_code`.
    pub field: S<String>,
    /// Markdown: why the field is rejected.
    pub cause: S<String>,
}

impl RawError {
    /// The example response's headers, name and value, in the order written.
    pub fn response_headers(&self) -> impl Iterator<Item = &(S<String>, S<String>)> {
        self.response
            .iter()
            .filter_map(|r| r.value.headers.as_ref())
            .flat_map(|h| &h.value.0)
    }
}

/// An example response.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawResponse {
    /// Id of an envelope in errdex.yaml (default: the only envelope, if there is one; with
    /// several, a response that names none is not checked, W015).
    #[serde(default)]
    pub envelope: Option<S<String>>,
    /// The body exactly as the API returns it.
    pub body: S<String>,
    /// `Header-Name: value` pairs, shown in the order written.
    #[serde(default)]
    pub headers: Option<S<OrderedMap>>,
}

/// A YAML mapping of strings kept in the order it was written (a `BTreeMap` would sort
/// `Retry-After` before `Content-Type`, which reads wrong in a response example). Names
/// keep their place too, so a check can point at a name that is not an HTTP token.
#[derive(Debug, Clone, Default)]
pub struct OrderedMap(pub Vec<(S<String>, S<String>)>);

impl OrderedMap {
    /// Whether YAML may read two of the names as one key, which only the strict parse
    /// reports (E004): the same name twice, or names that are not plain text to YAML,
    /// where two spellings are one value (`12` and `0x0C`, `null` and `~`). A header's
    /// name starts with a letter, so this is false for every real one.
    fn may_repeat_a_key(&self) -> bool {
        let mut seen = std::collections::BTreeSet::new();
        self.0.iter().any(|(name, _)| {
            let name = name.value.as_str();
            !name.starts_with(|c: char| c.is_ascii_alphabetic())
                || ["null", "true", "false"]
                    .iter()
                    .any(|word| name.eq_ignore_ascii_case(word))
                || !seen.insert(name)
        })
    }
}

/// A file's typed form, and what the fast parse cannot tell about it (see
/// `yaml::parse`).
pub trait Parsed: serde::de::DeserializeOwned + JsonSchema + 'static {
    /// Whether a key may be repeated in a mapping the file's types read freely: serde's
    /// derived structs refuse a repeated field themselves, a free-form mapping keeps both.
    fn may_repeat_a_key(&self) -> bool;
}

impl Parsed for RawConfig {
    fn may_repeat_a_key(&self) -> bool {
        false
    }
}

impl Parsed for RawError {
    fn may_repeat_a_key(&self) -> bool {
        self.response
            .iter()
            .flat_map(|r| &r.value.headers)
            .any(|h| h.value.may_repeat_a_key())
    }
}

impl JsonSchema for OrderedMap {
    fn schema_name() -> Cow<'static, str> {
        "Headers".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        // What `check` demands (E002, E019), so an editor flags it as it is typed: a name
        // is an RFC 9110 token, a value holds no line break.
        schemars::json_schema!({
            "type": "object",
            "description": "Response headers, `Header-Name: value`, in the order written.",
            "propertyNames": {"pattern": "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$"},
            "additionalProperties": {
                "type": ["string", "number", "boolean"],
                "pattern": "^[^\\n\\r\\u000B\\u000C\\u0085\\u2028\\u2029]*$"
            }
        })
    }
}

impl<'de> Deserialize<'de> for OrderedMap {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = OrderedMap;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a mapping of header names to values")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<OrderedMap, A::Error> {
                let mut pairs = Vec::new();
                while let Some((key, value)) = map.next_entry::<S<String>, S<String>>()? {
                    pairs.push((key, value));
                }
                Ok(OrderedMap(pairs))
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

/// A request example shown as a tab.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawExample {
    /// Tab title, e.g. "curl".
    #[schemars(extend("pattern" = ONE_LINE))]
    pub title: S<String>,
    /// Language of the code, e.g. `sh`, `typescript`, `python`.
    pub lang: S<String>,
    /// The example code.
    pub code: S<String>,
}

/// How long to wait before retrying.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
// `retry_after: {}` says nothing; `check` asks for one of the two (E005).
#[schemars(extend("minProperties" = 1))]
pub struct RawRetryAfter {
    /// Response header that says how long to wait, e.g. `Retry-After`.
    #[serde(default)]
    #[schemars(regex(pattern = r"^\s*[!#$%&'*+.^_`|~0-9A-Za-z-]+\s*$"))]
    pub header: Option<S<String>>,
    /// Seconds to wait when there is no header.
    #[serde(default)]
    pub seconds: Option<S<u64>>,
}

/// "If you're an AI agent": what to do and why.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawAgent {
    /// What to do: `stop`, `fix_request`, `retry`, `retry_later`, `reauthenticate`, `ask_user` or `contact_support`.
    pub action: S<crate::model::AgentAction>,
    /// Markdown: "If you're an AI agent".
    #[schemars(extend("pattern" = NOT_BLANK))]
    pub guidance: S<String>,
}
