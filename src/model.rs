//! The validated catalog: what the check stage hands to rendering.
//!
//! Everything here has passed every check, so renderers never re-validate. Markdown
//! fields hold their CommonMark source; rendering decides how to present it.

use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::sync::Arc;

/// What an agent should do when it receives an error.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Deserialize,
    Serialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum AgentAction {
    /// Do not retry; the request cannot succeed.
    Stop,
    /// Change the request (parameters, body) and send it again.
    FixRequest,
    /// Retry the same request immediately.
    Retry,
    /// Retry the same request after waiting.
    RetryLater,
    /// Obtain fresh credentials, then retry.
    Reauthenticate,
    /// Stop and ask the person for a decision or information.
    AskUser,
    /// Stop and tell the person to contact support.
    ContactSupport,
}

impl AgentAction {
    /// Every action, in documentation order.
    pub const ALL: [AgentAction; 7] = [
        AgentAction::Stop,
        AgentAction::FixRequest,
        AgentAction::Retry,
        AgentAction::RetryLater,
        AgentAction::Reauthenticate,
        AgentAction::AskUser,
        AgentAction::ContactSupport,
    ];

    /// The YAML/JSON spelling, e.g. `fix_request`.
    pub fn as_str(self) -> &'static str {
        match self {
            AgentAction::Stop => "stop",
            AgentAction::FixRequest => "fix_request",
            AgentAction::Retry => "retry",
            AgentAction::RetryLater => "retry_later",
            AgentAction::Reauthenticate => "reauthenticate",
            AgentAction::AskUser => "ask_user",
            AgentAction::ContactSupport => "contact_support",
        }
    }

    /// What the action asks of an agent, as the error's page and Markdown say it after the
    /// label: an agent meets the action word there, often without errdex's docs.
    pub fn meaning(self) -> &'static str {
        match self {
            AgentAction::Stop => "do not send the request again, changed or not; it cannot succeed",
            AgentAction::FixRequest => {
                "change the request (its parameters, body or headers), then send it again"
            }
            AgentAction::Retry => "send the same request again now, backing off between attempts",
            AgentAction::RetryLater => "wait, then send the same request again",
            AgentAction::Reauthenticate => {
                "get valid credentials (refresh the token, or ask the person for new ones), then send the request again with them"
            }
            AgentAction::AskUser => {
                "stop and ask the person for the decision or information the request needs"
            }
            AgentAction::ContactSupport => {
                "stop and tell the person to contact the API provider's support"
            }
        }
    }

    /// A short human label for badges, e.g. "Fix the request".
    pub fn label(self) -> &'static str {
        match self {
            AgentAction::Stop => "Stop",
            AgentAction::FixRequest => "Fix the request",
            AgentAction::Retry => "Retry",
            AgentAction::RetryLater => "Retry later",
            AgentAction::Reauthenticate => "Re-authenticate",
            AgentAction::AskUser => "Ask the user",
            AgentAction::ContactSupport => "Contact support",
        }
    }
}

/// A whole validated catalog.
#[derive(Debug, Clone, PartialEq)]
pub struct Catalog {
    pub config: Config,
    /// Errors in catalog order: by group order, then status, then code. Shared, so a
    /// rebuild in `watch` and `serve` reuses the entries of the files it did not reload
    /// instead of copying 10,000 of them after each edit.
    pub errors: Vec<Arc<ErrorEntry>>,
}

/// Validated `errdex.yaml`.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub title: String,
    pub summary: String,
    /// Without a trailing slash, e.g. `https://docs.example.com/api`.
    pub base_url: String,
    /// A BCP 47 tag, `en` unless errdex.yaml says otherwise.
    pub language: String,
    pub intro: Option<String>,
    pub auth: Option<String>,
    pub agent_instructions: Option<String>,
    pub envelopes: Vec<Envelope>,
    /// The envelope a response that names none follows: `default_envelope`, or the
    /// only envelope; none when there are several and no default.
    pub default_envelope: Option<String>,
    pub groups: Vec<Group>,
    pub statuses: Vec<StatusRow>,
    pub tips: Vec<String>,
    pub links: Vec<Link>,
}

/// A shared response body shape.
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope {
    pub id: String,
    pub title: String,
    pub description: Option<String>,
    pub media_type: String,
    pub example: String,
    pub pointers: Pointers,
}

/// JSON Pointers into an envelope body.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Pointers {
    pub code: Option<String>,
    pub message: Option<String>,
    pub docs_url: Option<String>,
    pub status: Option<String>,
}

/// The title of the section of errors in no group, beside the groups' sections: on the
/// overview and in llms.txt. A catalog without groups has one section in llms.txt,
/// [`ALL_ERRORS_TITLE`].
pub const UNGROUPED_TITLE: &str = "Other errors";

/// The title of llms.txt's one section when no error is in a group.
pub const ALL_ERRORS_TITLE: &str = "Errors";

/// An ordered section of the catalog.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub id: String,
    pub title: String,
    pub description: Option<String>,
}

/// An extra row for the status table.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusRow {
    pub status: u16,
    pub meaning: String,
}

/// A link to further reading.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Link {
    pub title: String,
    pub url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// One validated API error.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorEntry {
    pub code: String,
    /// The code as the API sends it, when it spells `code` otherwise (`INVALID_ARGUMENT`
    /// for `invalid_argument`): the string at the envelope's `code` pointer in the
    /// response body. Agents match a response against it as well as against `code`.
    pub sent_as: Option<String>,
    pub title: String,
    pub status: u16,
    pub summary: String,
    pub group: Option<String>,
    pub description: Option<String>,
    pub when: Vec<String>,
    pub causes: Vec<Cause>,
    pub messages: Vec<Message>,
    pub fields: Vec<FieldError>,
    pub endpoints: Vec<String>,
    pub fix: Vec<String>,
    pub gotchas: Vec<String>,
    pub response: Option<Response>,
    pub examples: Vec<Example>,
    pub retryable: bool,
    pub retry_after: Option<RetryAfter>,
    pub agent: Agent,
    pub related: Vec<String>,
    pub links: Vec<Link>,
    pub since: Option<String>,
    pub deprecated: Option<String>,
    pub replaced_by: Option<String>,
    /// The catalog-relative source file, for "edit this page" and diagnostics.
    pub source: String,
}

/// Cause → resolution.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cause {
    pub cause: String,
    pub resolution: String,
}

/// An exact API message (a template when it has `{placeholders}`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Message {
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolution: Option<String>,
}

/// A failing request field.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub cause: String,
}

/// An example response.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub envelope: Option<String>,
    pub body: String,
    pub headers: Vec<(String, String)>,
}

/// A request example.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Example {
    pub title: String,
    pub lang: String,
    pub code: String,
}

/// How long to wait before retrying.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RetryAfter {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seconds: Option<u64>,
}

impl RetryAfter {
    /// How long to wait, in words (`the Retry-After header (seconds, or an HTTP date), or
    /// 30 seconds`), with the header's name as `header` writes it; none when it names
    /// neither.
    pub fn in_words(&self, header: impl Fn(&str) -> String) -> Option<String> {
        let seconds = self.seconds.map(|n| match n {
            1 => "1 second".to_owned(),
            n => format!("{n} seconds"),
        });
        // RFC 9110 lets `Retry-After` be a date as well as seconds; an agent that reads
        // only a number would miss the date form.
        let named = |name: &str| {
            if name.eq_ignore_ascii_case("retry-after") {
                format!("the {} header (seconds, or an HTTP date)", header(name))
            } else {
                format!("the {} header", header(name))
            }
        };
        match (&self.header, seconds) {
            (Some(name), Some(seconds)) => Some(format!("{}, or {seconds}", named(name))),
            (Some(name), None) => Some(named(name)),
            (None, seconds) => seconds,
        }
    }
}

/// Agent guidance.
#[derive(Debug, Clone, PartialEq)]
pub struct Agent {
    pub action: AgentAction,
    pub guidance: String,
}

impl ErrorEntry {
    /// Whether lists should mark the error as on its way out: it has a deprecation note
    /// or a successor (a replaced error is deprecated in all but name).
    pub fn is_deprecated(&self) -> bool {
        self.deprecated.is_some() || self.replaced_by.is_some()
    }

    /// Whether some message has a `cause`, and whether some has a `resolution`: a
    /// messages table shows only the columns some message fills.
    pub fn message_columns(&self) -> (bool, bool) {
        let filled = |text: &Option<String>| text.as_deref().is_some_and(|t| !t.trim().is_empty());
        (
            self.messages.iter().any(|m| filled(&m.cause)),
            self.messages.iter().any(|m| filled(&m.resolution)),
        )
    }
}

impl Response {
    /// Whether the API sends a body with this response (see [`is_no_body`]).
    pub fn has_body(&self) -> bool {
        !is_no_body(&self.body)
    }

    /// The `Content-Type` an example shows before its headers, `media_type` (the
    /// envelope's): when it has a body and its headers name none.
    pub fn implied_content_type<'m>(&self, media_type: &'m str) -> Option<&'m str> {
        let named = self
            .headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("content-type"));
        (self.has_body() && !named).then_some(media_type)
    }
}

/// Whether a `response.body` stands for a response without a body: it is empty or only
/// whitespace. That is how a writer documents an error sent with headers alone (a 401
/// with `WWW-Authenticate`); pages show it as "no body", not as an empty code block.
pub fn is_no_body(body: &str) -> bool {
    body.trim().is_empty()
}

/// The path of an error's page from the site's root: `/errors/{code}/`. It names the
/// page an error's texts belong to, so that a same-page link (`#fix`) in them can be
/// made a link to that page wherever the text is shown.
pub fn page_path(code: &str) -> String {
    format!("/errors/{code}/")
}

/// Whether `url` is the page `page`, with or without its final `/`, and in either
/// form of a `base_url` in other letters than ASCII: as written, or as a URI
/// (`xn--bcher-kva.example`), which is what `errors.json` and an API send.
pub fn is_page(url: &str, page: &str) -> bool {
    // Scheme and host in any case (`base_url` names them in lower case); the path as
    // written, with or without the final slash.
    let same = |url: &str, page: &str| {
        let (url_origin, url_path) = origin_and_path(url);
        let (page_origin, page_path) = origin_and_path(page);
        url_origin.eq_ignore_ascii_case(page_origin)
            && (url_path == page_path || url_path == page_path.trim_end_matches('/'))
    };
    same(url, page)
        || ((!page.is_ascii() || !url.is_ascii()) && same(&ascii_url(url), &ascii_url(page)))
}

/// `https://host:port` and `/path` of an absolute URL; a text that is not one is all
/// origin.
fn origin_and_path(url: &str) -> (&str, &str) {
    let start = url.find("://").map_or(url.len(), |i| i + 3);
    url.split_at(url[start..].find('/').map_or(url.len(), |i| start + i))
}

/// `url` in ASCII, a URI: a host in other letters in its punycode form
/// (`https://xn--bcher-kva.example`), other characters of the path percent-encoded. The
/// sitemap protocol and robots.txt ask for it, and `errors.json`'s URLs are URIs (its
/// schema says `format: uri`, and RFC 9457 holds a problem's `type` to one). `base_url`
/// is written as is in the pages and the Markdown, where browsers and readers take the
/// letters as they are; a response body's `docs_url` may be written either way (E024).
pub fn ascii_url(url: &str) -> Cow<'_, str> {
    if url.is_ascii() {
        return Cow::Borrowed(url);
    }
    match url::Url::parse(url) {
        // The parser gives a bare host a `/`, which `base_url` is written without.
        Ok(parsed) if !url.ends_with('/') => {
            Cow::Owned(parsed.as_str().trim_end_matches('/').to_owned())
        }
        Ok(parsed) => Cow::Owned(parsed.as_str().to_owned()),
        // E018 lets no such `base_url` through.
        Err(_) => Cow::Borrowed(url),
    }
}

/// The catalog's `auth` text as an error's page quotes it: on a 401 (the request was
/// not authenticated), and on any error whose agent is told to re-authenticate, which
/// needs to know how; none when the text is blank. `check` (for the page's ids) and the
/// outputs both ask here, so they agree.
pub fn quoted_auth(auth: Option<&str>, status: u16, action: AgentAction) -> Option<&str> {
    auth.filter(|auth| {
        !auth.trim().is_empty() && (status == 401 || action == AgentAction::Reauthenticate)
    })
}

impl Catalog {
    /// The `auth` text an error's page and Markdown quote (see [`quoted_auth`]).
    pub fn auth_for(&self, entry: &ErrorEntry) -> Option<&str> {
        quoted_auth(
            self.config.auth.as_deref(),
            entry.status,
            entry.agent.action,
        )
    }

    /// The page URL of an error: `{base_url}/errors/{code}/`.
    pub fn page_url(&self, code: &str) -> String {
        format!("{}{}", self.config.base_url, page_path(code))
    }

    /// The Markdown URL of an error: `{base_url}/errors/{code}.md`.
    pub fn markdown_url(&self, code: &str) -> String {
        format!("{}/errors/{}.md", self.config.base_url, code)
    }

    /// `base_url` as a URI, in ASCII (see [`ascii_url`]).
    pub fn base_uri(&self) -> Cow<'_, str> {
        ascii_url(&self.config.base_url)
    }

    /// [`Catalog::page_url`] as a URI, in ASCII (a code is ASCII already).
    pub fn page_uri(&self, code: &str) -> String {
        format!("{}{}", self.base_uri(), page_path(code))
    }

    /// [`Catalog::markdown_url`] as a URI, in ASCII.
    pub fn markdown_uri(&self, code: &str) -> String {
        format!("{}/errors/{}.md", self.base_uri(), code)
    }
}
