//! The catalog format exactly as it appears on disk: the public contract of SPEC §2.
//!
//! These types are deliberately "raw": every value a check can fail on is wrapped in
//! [`Spanned`] so that a diagnostic can point at the value itself rather than at `1:1`.
//! They are strict (`deny_unknown_fields`) so a misspelt key is an error, never silently
//! ignored. The check stage turns them into the validated [`crate::model::Catalog`].

use serde::Deserialize;
use serde_saphyr::Spanned;

/// A string, list or map value with the place it was written.
pub type S<T> = Spanned<T>;

/// `errdex.yaml`: site-wide configuration.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    pub title: S<String>,
    pub summary: S<String>,
    pub base_url: S<String>,
    #[serde(default)]
    pub intro: Option<S<String>>,
    #[serde(default)]
    pub auth: Option<S<String>>,
    #[serde(default)]
    pub agent_instructions: Option<S<String>>,
    #[serde(default)]
    pub envelopes: Option<S<Vec<RawEnvelope>>>,
    #[serde(default)]
    pub groups: Option<S<Vec<RawGroup>>>,
    #[serde(default)]
    pub statuses: Option<S<Vec<RawStatus>>>,
    #[serde(default)]
    pub tips: Option<S<Vec<S<String>>>>,
    #[serde(default)]
    pub links: Option<S<Vec<RawLink>>>,
}

/// A response body shape shared by many errors.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEnvelope {
    pub id: S<String>,
    pub title: S<String>,
    #[serde(default)]
    pub description: Option<S<String>>,
    #[serde(default)]
    pub media_type: Option<S<String>>,
    pub example: S<String>,
    #[serde(default)]
    pub pointers: Option<RawPointers>,
}

/// JSON Pointers (RFC 6901) into an envelope's body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPointers {
    #[serde(default)]
    pub code: Option<S<String>>,
    #[serde(default)]
    pub message: Option<S<String>>,
    #[serde(default)]
    pub docs_url: Option<S<String>>,
    #[serde(default)]
    pub status: Option<S<String>>,
}

/// An ordered section of the catalog, e.g. `auth` or `billing`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGroup {
    pub id: S<String>,
    pub title: S<String>,
    #[serde(default)]
    pub description: Option<S<String>>,
}

/// An extra row for the overview's status table (e.g. a 2xx success code).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStatus {
    pub status: S<i64>,
    pub meaning: S<String>,
}

/// An external link; `description` is only used by the catalog-level list.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLink {
    pub title: S<String>,
    pub url: S<String>,
    #[serde(default)]
    pub description: Option<S<String>>,
}

/// `errors/<code>.yaml`: one API error.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawError {
    pub code: S<String>,
    pub title: S<String>,
    pub status: S<i64>,
    pub summary: S<String>,
    #[serde(default)]
    pub group: Option<S<String>>,
    #[serde(default)]
    pub description: Option<S<String>>,
    #[serde(default)]
    pub when: Option<S<Vec<S<String>>>>,
    #[serde(default)]
    pub causes: Option<S<Vec<RawCause>>>,
    #[serde(default)]
    pub messages: Option<S<Vec<RawMessage>>>,
    #[serde(default)]
    pub fields: Option<S<Vec<RawField>>>,
    #[serde(default)]
    pub endpoints: Option<S<Vec<S<String>>>>,
    #[serde(default)]
    pub fix: Option<S<Vec<S<String>>>>,
    #[serde(default)]
    pub gotchas: Option<S<Vec<S<String>>>>,
    #[serde(default)]
    pub response: Option<S<RawResponse>>,
    #[serde(default)]
    pub examples: Option<S<Vec<RawExample>>>,
    pub retryable: S<bool>,
    #[serde(default)]
    pub retry_after: Option<S<RawRetryAfter>>,
    pub agent: RawAgent,
    #[serde(default)]
    pub related: Option<S<Vec<S<String>>>>,
    #[serde(default)]
    pub links: Option<S<Vec<RawLink>>>,
    #[serde(default)]
    pub since: Option<S<String>>,
    #[serde(default)]
    pub deprecated: Option<S<String>>,
    #[serde(default)]
    pub replaced_by: Option<S<String>>,
}

/// One row of the cause → resolution table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCause {
    pub cause: S<String>,
    pub resolution: S<String>,
}

/// An exact message the API returns; `{name}` marks a variable part.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMessage {
    pub message: S<String>,
    #[serde(default)]
    pub cause: Option<S<String>>,
    #[serde(default)]
    pub resolution: Option<S<String>>,
}

/// A request field that fails validation, and why.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawField {
    pub field: S<String>,
    pub cause: S<String>,
}

/// An example response.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawResponse {
    #[serde(default)]
    pub envelope: Option<S<String>>,
    pub body: S<String>,
    /// `Header-Name: value` pairs, shown in the order written.
    #[serde(default)]
    pub headers: Option<S<OrderedMap>>,
}

/// A YAML mapping of strings kept in the order it was written (a `BTreeMap` would sort
/// `Retry-After` before `Content-Type`, which reads wrong in a response example).
#[derive(Debug, Default)]
pub struct OrderedMap(pub Vec<(String, S<String>)>);

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
                while let Some((key, value)) = map.next_entry::<String, S<String>>()? {
                    pairs.push((key, value));
                }
                Ok(OrderedMap(pairs))
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

/// A request example shown as a tab.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawExample {
    pub title: S<String>,
    pub lang: S<String>,
    pub code: S<String>,
}

/// How long to wait before retrying.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRetryAfter {
    #[serde(default)]
    pub header: Option<S<String>>,
    #[serde(default)]
    pub seconds: Option<S<u64>>,
}

/// "If you're an AI agent": what to do and why.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAgent {
    pub action: S<crate::model::AgentAction>,
    pub guidance: S<String>,
}
