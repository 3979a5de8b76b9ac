//! Machine-readable outputs: `errors.json` (+ its JSON Schema), `search-index.json` (+
//! the same index as `search-index.js`) and `sitemap.xml`.

use crate::markdown::{SiteLinks, may_link, to_agent_markdown_of, to_plain_text};
use crate::model::{
    Catalog, Cause, Envelope, ErrorEntry, Example, FieldError, Group, Message, Response,
    RetryAfter, ascii_url, page_path,
};
use crate::render::agent::OVERVIEW;
use crate::render::{Bytes, Content, ErrorParts};
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use std::borrow::Cow;
use std::fmt::Write as _;
use std::sync::Arc;

/// Version of the `errors.json` layout; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct AgentJson {
    action: &'static str,
    guidance: String,
}

/// An example response: the envelope that applies (named, or the catalog's only one),
/// the body as written (empty when the API sends none) and the headers in the order
/// written.
#[derive(Serialize)]
struct ResponseJson<'a> {
    envelope: Option<&'a str>,
    body: &'a str,
    #[serde(serialize_with = "header_map")]
    headers: &'a [(String, String)],
}

/// Headers as a JSON object, `{"Name": "value"}`, as they are written in the YAML. The
/// names are unique (E004 checks them ignoring case), and their order is the file's.
fn header_map<S: Serializer>(headers: &&[(String, String)], out: S) -> Result<S::Ok, S::Error> {
    let mut map = out.serialize_map(Some(headers.len()))?;
    for (name, value) in *headers {
        map.serialize_entry(name, value)?;
    }
    map.end()
}

/// A link to further reading, a site path made absolute on `base_url`.
#[derive(Serialize)]
struct LinkJson<'a> {
    title: &'a str,
    url: String,
}

#[derive(Serialize)]
struct ErrorJson<'a> {
    code: &'a str,
    /// Left out when the API sends the code as written, so that catalogs without such
    /// codes keep the same `errors.json`.
    #[serde(skip_serializing_if = "Option::is_none")]
    sent_as: Option<&'a str>,
    title: &'a str,
    status: u16,
    summary: String,
    description: Option<String>,
    group: Option<&'a str>,
    #[serde(rename = "type")]
    type_uri: String,
    doc_url: String,
    markdown_url: String,
    retryable: bool,
    retry_after: Option<&'a RetryAfter>,
    agent: AgentJson,
    when: Vec<String>,
    messages: Vec<Message>,
    causes: Vec<Cause>,
    fields: Vec<FieldError>,
    endpoints: &'a [String],
    fix: Vec<String>,
    gotchas: Vec<String>,
    response: Option<ResponseJson<'a>>,
    examples: &'a [Example],
    related: &'a [String],
    links: Vec<LinkJson<'a>>,
    since: Option<&'a str>,
    deprecated: Option<String>,
    replaced_by: Option<&'a str>,
}

/// The layout of `errors.json` without its `errors` array, which
/// [`errors_json`] fills from the errors' [`ErrorParts::json`].
#[derive(Serialize)]
struct ErrorsJsonHead<'a> {
    #[serde(rename = "$schema")]
    schema: String,
    schema_version: u32,
    title: &'a str,
    summary: &'a str,
    base_url: Cow<'a, str>,
    agent_instructions: Option<String>,
    /// errdex.yaml's `auth`: how to authenticate, which an agent told to
    /// `reauthenticate` needs.
    auth: Option<String>,
    groups: Vec<GroupJson<'a>>,
    envelopes: Vec<EnvelopeJson<'a>>,
    /// The envelope of a response that names none; an error without an example
    /// response arrives in it too.
    default_envelope: Option<&'a str>,
    statuses: Vec<StatusJson>,
    links: Vec<CatalogLinkJson<'a>>,
}

/// A row `errdex.yaml` adds to the status table (a success code, a status no error uses).
#[derive(Serialize)]
struct StatusJson {
    status: u16,
    meaning: String,
}

/// A page of `errdex.yaml`'s `links`, the further reading llms.txt lists under
/// `## Optional`.
#[derive(Serialize)]
struct CatalogLinkJson<'a> {
    title: &'a str,
    url: String,
    description: Option<String>,
}

/// A group of `errdex.yaml`, for an agent to turn an error's `group` into its title.
#[derive(Serialize)]
struct GroupJson<'a> {
    id: &'a str,
    title: &'a str,
    description: Option<String>,
}

/// An envelope of `errdex.yaml`: the shape of the bodies whose `response.envelope` names
/// it, and where in them the code, message, docs URL and status are.
#[derive(Serialize)]
struct EnvelopeJson<'a> {
    id: &'a str,
    title: &'a str,
    description: Option<String>,
    media_type: &'a str,
    example: &'a str,
    pointers: PointersJson<'a>,
}

#[derive(Serialize)]
struct PointersJson<'a> {
    code: Option<&'a str>,
    message: Option<&'a str>,
    docs_url: Option<&'a str>,
    status: Option<&'a str>,
}

fn group_json<'a>(group: &'a Group, base: &str) -> GroupJson<'a> {
    GroupJson {
        id: &group.id,
        title: &group.title,
        description: group
            .description
            .as_deref()
            .map(|d| to_agent_markdown_of(d, base, OVERVIEW)),
    }
}

fn envelope_json<'a>(envelope: &'a Envelope, base: &str) -> EnvelopeJson<'a> {
    let pointers = &envelope.pointers;
    EnvelopeJson {
        id: &envelope.id,
        title: &envelope.title,
        description: envelope
            .description
            .as_deref()
            .map(|d| to_agent_markdown_of(d, base, OVERVIEW)),
        media_type: &envelope.media_type,
        example: &envelope.example,
        pointers: PointersJson {
            code: pointers.code.as_deref(),
            message: pointers.message.as_deref(),
            docs_url: pointers.docs_url.as_deref(),
            status: pointers.status.as_deref(),
        },
    }
}

fn response_json<'a>(catalog: &'a Catalog, e: &ErrorEntry, r: &'a Response) -> ResponseJson<'a> {
    ResponseJson {
        envelope: super::views::envelope_of(catalog, e).map(|env| env.id.as_str()),
        body: &r.body,
        headers: &r.headers,
    }
}

/// An error's `links`: those with a URL that may be a link (`check` rejects the others
/// already; this is defence in depth), site paths made absolute on `base`. The
/// catalog's `links` are filtered the same way.
fn links_json<'a>(links: &'a [crate::model::Link], base: &str) -> Vec<LinkJson<'a>> {
    links
        .iter()
        .filter(|l| may_link(&l.url))
        .map(|l| LinkJson {
            title: &l.title,
            url: link_uri(base, &l.url),
        })
        .collect()
}

/// A `links` URL as `errors.json` gives it: absolute, and a URI in ASCII like the rest
/// of the file's URLs (`https://xn--bcher-kva.example/…` for a site path under
/// `https://bücher.example`).
fn link_uri(base: &str, url: &str) -> String {
    let url = SiteLinks::Absolute(base).link_url(url);
    match ascii_url(&url) {
        Cow::Borrowed(_) => url,
        Cow::Owned(ascii) => ascii,
    }
}

/// One error's element of the `errors` array in `errors.json`, pretty-printed and
/// indented for its place there.
///
/// Markdown fields keep their Markdown, with site links made absolute on `base_url`:
/// an agent reading the JSON has no page to resolve `/errors/x/` against.
pub fn error_json(catalog: &Catalog, e: &ErrorEntry) -> String {
    let base = &catalog.config.base_url;
    // The error's texts belong to its page: a `#fix` in them is made a link to it.
    let page = page_path(&e.code);
    let md = |text: &str| to_agent_markdown_of(text, base, &page);
    let entry = ErrorJson {
        code: &e.code,
        sent_as: e.sent_as.as_deref(),
        title: &e.title,
        status: e.status,
        summary: md(&e.summary),
        description: e.description.as_deref().map(md),
        group: e.group.as_deref(),
        type_uri: catalog.page_uri(&e.code),
        doc_url: catalog.page_uri(&e.code),
        markdown_url: catalog.markdown_uri(&e.code),
        retryable: e.retryable,
        retry_after: e.retry_after.as_ref(),
        agent: AgentJson {
            action: e.agent.action.as_str(),
            guidance: md(&e.agent.guidance),
        },
        when: e.when.iter().map(|w| md(w)).collect(),
        messages: e
            .messages
            .iter()
            .map(|m| Message {
                message: m.message.clone(),
                cause: m.cause.as_deref().map(md),
                resolution: m.resolution.as_deref().map(md),
            })
            .collect(),
        causes: e
            .causes
            .iter()
            .map(|c| Cause {
                cause: md(&c.cause),
                resolution: md(&c.resolution),
            })
            .collect(),
        fields: e
            .fields
            .iter()
            .map(|f| FieldError {
                field: f.field.clone(),
                cause: md(&f.cause),
            })
            .collect(),
        endpoints: &e.endpoints,
        fix: e.fix.iter().map(|f| md(f)).collect(),
        gotchas: e.gotchas.iter().map(|g| md(g)).collect(),
        response: e.response.as_ref().map(|r| response_json(catalog, e, r)),
        examples: &e.examples,
        related: &e.related,
        links: links_json(&e.links, base),
        since: e.since.as_deref(),
        deprecated: e.deprecated.as_deref().map(md),
        replaced_by: e.replaced_by.as_deref(),
    };
    let json = serde_json::to_string_pretty(&entry).unwrap_or_default();
    // The element sits two levels deep (document → `errors` → element). JSON strings
    // escape their line breaks, so every line break is between tokens, and indenting
    // each line gives exactly what pretty-printing the whole document would.
    let mut indented = String::with_capacity(json.len() + json.len() / 8);
    for (i, line) in json.lines().enumerate() {
        if i > 0 {
            indented.push('\n');
        }
        indented.push_str("    ");
        indented.push_str(line);
    }
    indented
}

/// `errors.json`, errors in llms.txt order.
pub fn errors_json(catalog: &Catalog, parts: &[Arc<ErrorParts>]) -> Content {
    let positions = super::agent::llms_order(catalog);
    let (mut json, head) = ErrorsJson::begin(catalog, positions.len());
    let mut pieces = Vec::with_capacity(positions.len() * 2 + 2);
    pieces.push(head);
    for position in positions {
        pieces.extend(json.element(&parts[position]));
    }
    pieces.extend(json.end());
    pieces
}

/// errors.json, laid out one error at a time in llms.txt order: [`errors_json`] uses
/// it on parts already held, and `build` to write the file as errors are rendered.
pub struct ErrorsJson {
    /// Whether the `errors` array is still empty, and whether it will stay so.
    first: bool,
    none: bool,
}

impl ErrorsJson {
    /// Starts the document for `count` errors; returns it and the file's first piece.
    pub fn begin(catalog: &Catalog, count: usize) -> (Self, Bytes) {
        let base = &catalog.config.base_url;
        let head = ErrorsJsonHead {
            schema: format!("{}/errors.schema.json", catalog.base_uri()),
            schema_version: SCHEMA_VERSION,
            title: &catalog.config.title,
            summary: &catalog.config.summary,
            base_url: catalog.base_uri(),
            agent_instructions: catalog
                .config
                .agent_instructions
                .as_deref()
                .map(|i| to_agent_markdown_of(i, base, OVERVIEW)),
            auth: catalog
                .config
                .auth
                .as_deref()
                .map(|a| to_agent_markdown_of(a, base, OVERVIEW)),
            groups: catalog
                .config
                .groups
                .iter()
                .map(|g| group_json(g, base))
                .collect(),
            envelopes: catalog
                .config
                .envelopes
                .iter()
                .map(|e| envelope_json(e, base))
                .collect(),
            default_envelope: catalog.config.default_envelope.as_deref(),
            statuses: catalog
                .config
                .statuses
                .iter()
                .map(|row| StatusJson {
                    status: row.status,
                    meaning: to_agent_markdown_of(&row.meaning, base, OVERVIEW),
                })
                .collect(),
            links: catalog
                .config
                .links
                .iter()
                .filter(|l| may_link(&l.url))
                .map(|l| CatalogLinkJson {
                    title: &l.title,
                    url: link_uri(base, &l.url),
                    description: l
                        .description
                        .as_deref()
                        .map(|d| to_agent_markdown_of(d, base, OVERVIEW)),
                })
                .collect(),
        };
        let head = serde_json::to_string_pretty(&head).unwrap_or_default();
        // `{ …head fields… }` reopened to add the last field, `errors`.
        let head = head.trim_end().trim_end_matches('}').trim_end();
        let none = count == 0;
        let head = if none {
            format!("{head},\n  \"errors\": []\n}}\n")
        } else {
            format!("{head},\n  \"errors\": [\n")
        };
        (ErrorsJson { first: true, none }, Bytes::from(head))
    }

    /// The pieces of the next error's element.
    pub fn element(&mut self, parts: &ErrorParts) -> [Bytes; 2] {
        let separator = if self.first { &b""[..] } else { b",\n" };
        self.first = false;
        [Bytes::from_static(separator), parts.json.clone()]
    }

    /// The file's last piece.
    pub fn end(self) -> Option<Bytes> {
        (!self.none).then(|| Bytes::from_static(b"\n  ]\n}\n"))
    }
}

/// The JSON Schema (draft 2020-12) of `errors.json`, published beside it.
pub fn errors_schema(catalog: &Catalog) -> String {
    let actions: Vec<&str> = crate::model::AgentAction::ALL
        .iter()
        .map(|a| a.as_str())
        .collect();
    let action_meanings = crate::model::AgentAction::ALL
        .iter()
        .map(|a| format!("`{}`: {}.", a.as_str(), a.meaning()))
        .collect::<Vec<_>>()
        .join(" ");
    let nullable_string = serde_json::json!({"type": ["string", "null"]});
    let markdown_list = serde_json::json!({"type": "array", "items": {"type": "string"}, "description": "Markdown items, site links absolute."});
    let nullable_pointer = serde_json::json!({"type": ["string", "null"], "description": "A JSON Pointer (RFC 6901) into a body."});
    let example = serde_json::json!({
        "type": "object", "additionalProperties": false, "required": ["title", "lang", "code"],
        "properties": {"title": {"type": "string"}, "lang": {"type": "string"}, "code": {"type": "string", "description": "A request example, verbatim."}}
    });
    let groups = serde_json::json!({"type": "array", "description": "Sections of the catalog, in order; an error's `group` is one's `id`.", "items": {
        "type": "object", "additionalProperties": false, "required": ["id", "title", "description"],
        "properties": {"id": {"type": "string"}, "title": {"type": "string"}, "description": nullable_string}
    }});
    let envelopes = serde_json::json!({"type": "array", "description": "Response body shapes; an error's `response.envelope` is one's `id`.", "items": {
        "type": "object", "additionalProperties": false, "required": ["id", "title", "description", "media_type", "example", "pointers"],
        "properties": {
            "id": {"type": "string"},
            "title": {"type": "string"},
            "description": nullable_string,
            "media_type": {"type": "string"},
            "example": {"type": "string", "description": "An example body, verbatim."},
            "pointers": {
                "type": "object", "additionalProperties": false, "required": ["code", "message", "docs_url", "status"],
                "properties": {"code": nullable_pointer, "message": nullable_pointer, "docs_url": nullable_pointer, "status": nullable_pointer}
            }
        }
    }});
    let response = serde_json::json!({
        "type": ["object", "null"],
        "additionalProperties": false,
        "required": ["envelope", "body", "headers"],
        "properties": {
            "envelope": {"type": ["string", "null"], "description": "The envelope the body follows: the one named, or the catalog's only envelope."},
            "body": {"type": "string", "description": "The body exactly as written; empty when the API sends no body."},
            "headers": {"type": "object", "additionalProperties": {"type": "string"}, "description": "Response headers, in the order written."}
        }
    });
    let error = serde_json::json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["code", "title", "status", "summary", "description", "group", "type", "doc_url", "markdown_url", "retryable", "retry_after", "agent", "when", "messages", "causes", "fields", "endpoints", "fix", "gotchas", "response", "examples", "related", "links", "since", "deprecated", "replaced_by"],
        "properties": {
            "code": {"type": "string", "pattern": crate::load::raw::CODE_PATTERN, "maxLength": crate::codes::MAX_CODE_LENGTH, "description": "Stable error code; also the URL slug."},
            "sent_as": {"type": "string", "description": "The code as the API sends it in a response body, present when it is spelled otherwise than `code` (`INVALID_ARGUMENT` for `invalid_argument`). Match a response's code against this or `code`."},
            "title": {"type": "string"},
            "status": {"type": "integer", "minimum": 400, "maximum": 599},
            "summary": {"type": "string", "description": "One sentence, Markdown."},
            "description": {"type": ["string", "null"], "description": "A longer explanation, Markdown."},
            "group": nullable_string,
            "type": {"type": "string", "format": "uri", "description": "The error's page URL, usable as an RFC 9457 problem `type`."},
            "doc_url": {"type": "string", "format": "uri"},
            "markdown_url": {"type": "string", "format": "uri"},
            "retryable": {"type": "boolean", "description": "May the same request succeed later unchanged?"},
            "retry_after": {
                "type": ["object", "null"],
                "description": "How long to wait before sending the same request again; null when the catalog does not say.",
                "additionalProperties": false,
                "properties": {
                    "header": {"type": "string", "description": "The response header that says how long to wait (`Retry-After`: seconds or an HTTP date, RFC 9110; another header in the API's own unit, which the error's guidance explains). Honour it when the response has it."},
                    "seconds": {"type": "integer", "minimum": 0, "description": "Seconds to wait when the response has no such header, or when no header is named."}
                }
            },
            "agent": {
                "type": "object",
                "additionalProperties": false,
                "required": ["action", "guidance"],
                "properties": {
                    "action": {"enum": actions, "description": action_meanings},
                    "guidance": {"type": "string"}
                }
            },
            "when": markdown_list,
            "messages": {"type": "array", "items": {
                "type": "object", "additionalProperties": false, "required": ["message"],
                "properties": {"message": {"type": "string", "description": "Exact message, as a template: `{name}` (an ASCII letter or `_`, then ASCII letters, digits, `_`, `.` or `-`) marks a part that varies and matches any text of one character or more; every other character, other braces included, matches itself."}, "cause": {"type": "string"}, "resolution": {"type": "string"}}
            }},
            "causes": {"type": "array", "items": {
                "type": "object", "additionalProperties": false, "required": ["cause", "resolution"],
                "properties": {"cause": {"type": "string"}, "resolution": {"type": "string"}}
            }},
            "fields": {"type": "array", "items": {
                "type": "object", "additionalProperties": false, "required": ["field", "cause"],
                "properties": {"field": {"type": "string"}, "cause": {"type": "string"}}
            }},
            "endpoints": {"type": "array", "items": {"type": "string"}},
            "fix": markdown_list,
            "gotchas": markdown_list,
            "response": response,
            "examples": {"type": "array", "items": example},
            "related": {"type": "array", "items": {"type": "string"}},
            "links": {"type": "array", "items": {
                "type": "object", "additionalProperties": false, "required": ["title", "url"],
                "properties": {"title": {"type": "string"}, "url": {"type": "string", "description": "Absolute; a site path is made absolute on base_url."}}
            }},
            "since": nullable_string,
            "deprecated": nullable_string,
            "replaced_by": nullable_string
        }
    });
    let schema = serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": format!("{}/errors.schema.json", catalog.base_uri()),
        "title": "errdex error catalog",
        "description": "Every error an API returns, with what to do about it. Generated by errdex.",
        "type": "object",
        "required": ["schema_version", "title", "base_url", "agent_instructions", "auth", "groups", "envelopes", "default_envelope", "statuses", "links", "errors"],
        "additionalProperties": false,
        "properties": {
            "$schema": {"type": "string"},
            "schema_version": {"const": SCHEMA_VERSION},
            "title": {"type": "string"},
            "summary": {"type": "string"},
            "base_url": {"type": "string", "format": "uri"},
            "agent_instructions": {"type": ["string", "null"], "description": "Site-wide guidance for agents, Markdown."},
            "auth": {"type": ["string", "null"], "description": "How to authenticate, Markdown: what an error whose `agent.action` is `reauthenticate`, or whose status is 401, asks for. Its pages quote it under \"Authentication\"."},
            "groups": groups,
            "envelopes": envelopes,
            "default_envelope": {"type": ["string", "null"], "description": "The `id` of the envelope of a response that names none (the only envelope, or errdex.yaml's `default_envelope`); null when there are several and no default. An error whose `response` is null arrives in this envelope too."},
            "statuses": {"type": "array", "description": "Rows errdex.yaml adds to the status table.", "items": {
                "type": "object", "additionalProperties": false, "required": ["status", "meaning"],
                "properties": {"status": {"type": "integer"}, "meaning": {"type": "string", "description": "Markdown."}}
            }},
            "links": {"type": "array", "description": "Further reading, as llms.txt lists it under ## Optional.", "items": {
                "type": "object", "additionalProperties": false, "required": ["title", "url", "description"],
                "properties": {
                    "title": {"type": "string"},
                    "url": {"type": "string", "description": "Absolute; a site path is made absolute on base_url."},
                    "description": {"type": ["string", "null"], "description": "Markdown."}
                }
            }},
            "errors": {"type": "array", "items": {"$ref": "#/$defs/error"}}
        },
        "$defs": {
            "error": error
        }
    });
    let mut json = serde_json::to_string_pretty(&schema).unwrap_or_default();
    json.push('\n');
    json
}

#[derive(Serialize)]
struct SearchEntry<'a> {
    code: &'a str,
    title: &'a str,
    status: u16,
    summary: String,
    url: String,
    messages: Vec<&'a str>,
    /// Present only when true, so the index of a catalog without deprecated errors
    /// stays as small as it was.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    deprecated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    replaced_by: Option<&'a str>,
}

/// One error's element of `search-index.json`: code, title, summary, message
/// templates, and whether it is deprecated (and by what replaced).
pub fn search_entry(e: &ErrorEntry) -> String {
    let entry = SearchEntry {
        code: &e.code,
        title: &e.title,
        status: e.status,
        summary: to_plain_text(&e.summary),
        url: format!("errors/{}/", e.code),
        messages: e.messages.iter().map(|m| m.message.as_str()).collect(),
        deprecated: e.is_deprecated(),
        replaced_by: e.replaced_by.as_deref(),
    };
    serde_json::to_string(&entry).unwrap_or_else(|_| "{}".to_owned())
}

/// `search-index.json`: an array of the errors' [`search_entry`], in catalog order.
pub fn search_index<'p>(entries: impl ExactSizeIterator<Item = &'p Bytes>) -> Content {
    let mut pieces = Vec::with_capacity(entries.len() * 2 + 2);
    pieces.push(Bytes::from_static(b"["));
    for (i, entry) in entries.enumerate() {
        if i > 0 {
            pieces.push(Bytes::from_static(b","));
        }
        pieces.push(entry.clone());
    }
    pieces.push(Bytes::from_static(b"]"));
    pieces
}

/// What `search-index.js` starts with: the name `search.js` reads the index from.
const SEARCH_SCRIPT_START: &[u8] = b"window.errdexSearchIndex = ";

/// `search-index.js`: [`search_index`] assigned to `window.errdexSearchIndex`.
///
/// Browsers refuse `fetch()` to a page opened from disk (`file://`) but still run a
/// `<script src>`, so `search.js` loads this file there instead of the JSON. The JSON
/// pieces are shared with `search-index.json`, except the few that [`script_safe`] has
/// to rewrite.
pub fn search_index_script<'p>(entries: impl ExactSizeIterator<Item = &'p Bytes>) -> Content {
    let json = search_index(entries);
    let mut pieces = Vec::with_capacity(json.len() + 2);
    pieces.push(Bytes::from_static(SEARCH_SCRIPT_START));
    pieces.extend(json.into_iter().map(script_safe));
    pieces.push(Bytes::from_static(b";\n"));
    pieces
}

/// JSON text made safe to embed in a script: `<` (which could start `</script>` or
/// `<!--` should the text ever be inlined into a page) and U+2028/U+2029 (line breaks
/// that end a string in engines older than ES2019) become `\u` escapes.
///
/// In serde_json's output these characters only occur inside strings, where the escape
/// means the same character, so the JSON value is unchanged. A piece with none of them
/// is returned as is, without a copy.
fn script_safe(json: Bytes) -> Bytes {
    const LINE_SEPARATOR: &[u8] = "\u{2028}".as_bytes();
    const PARAGRAPH_SEPARATOR: &[u8] = "\u{2029}".as_bytes();
    let separator = |window: &[u8]| window == LINE_SEPARATOR || window == PARAGRAPH_SEPARATOR;
    // Both separators start with the byte 0xE2, as do dashes and curly quotes. memchr
    // finds neither byte in most pieces at many bytes a step; only the rest are scanned
    // byte by byte, and copied only when there is something to escape.
    let may_need = memchr::memchr2(b'<', LINE_SEPARATOR[0], &json).is_some();
    if !may_need || (!json.contains(&b'<') && !json.windows(3).any(separator)) {
        return json;
    }
    let mut out = Vec::with_capacity(json.len() + 16);
    let mut rest: &[u8] = &json;
    while let Some((&first, tail)) = rest.split_first() {
        if first == b'<' {
            out.extend_from_slice(b"\\u003c");
            rest = tail;
        } else if let Some(tail) = rest.strip_prefix(LINE_SEPARATOR) {
            out.extend_from_slice(b"\\u2028");
            rest = tail;
        } else if let Some(tail) = rest.strip_prefix(PARAGRAPH_SEPARATOR) {
            out.extend_from_slice(b"\\u2029");
            rest = tail;
        } else {
            out.push(first);
            rest = tail;
        }
    }
    Bytes::from(out)
}

/// Most URLs one sitemap file may list: the sitemaps.org protocol's limit, past which
/// search engines stop reading it.
pub const SITEMAP_URLS: usize = 50_000;

/// The sitemap, as files: the overview and every error page in `sitemap.xml`, or, for a
/// site of more than [`SITEMAP_URLS`] pages, in `sitemap-1.xml`, `sitemap-2.xml`…, of
/// which `sitemap.xml` is then the index (robots.txt names it either way).
pub fn sitemaps(catalog: &Catalog) -> Vec<(String, String)> {
    let base = catalog.base_uri();
    let urls: Vec<String> = std::iter::once(format!("{base}/"))
        .chain(catalog.errors.iter().map(|e| catalog.page_uri(&e.code)))
        .collect();
    if urls.len() <= SITEMAP_URLS {
        return vec![(
            "sitemap.xml".to_owned(),
            sitemap_xml("urlset", "url", &urls),
        )];
    }
    let parts: Vec<(String, String)> = urls
        .chunks(SITEMAP_URLS)
        .enumerate()
        .map(|(i, chunk)| {
            (
                format!("sitemap-{}.xml", i + 1),
                sitemap_xml("urlset", "url", chunk),
            )
        })
        .collect();
    let index: Vec<String> = parts
        .iter()
        .map(|(name, _)| format!("{base}/{name}"))
        .collect();
    let mut files = vec![(
        "sitemap.xml".to_owned(),
        sitemap_xml("sitemapindex", "sitemap", &index),
    )];
    files.extend(parts);
    files
}

/// A sitemap document: `<urlset>` of `<url>`s, or `<sitemapindex>` of `<sitemap>`s.
fn sitemap_xml(list: &str, item: &str, locations: &[String]) -> String {
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<{list} xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
    );
    for location in locations {
        let _ = writeln!(
            xml,
            "  <{item}><loc>{}</loc></{item}>",
            escape_xml(location)
        );
    }
    let _ = writeln!(xml, "</{list}>");
    xml
}

fn escape_xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Agent, AgentAction, Config};

    #[test]
    fn a_links_url_is_an_ascii_uri_like_the_rest_of_errors_json() {
        let base = "https://bücher.example/fehler";
        assert_eq!(
            link_uri(base, "/errors.json"),
            "https://xn--bcher-kva.example/fehler/errors.json"
        );
        assert_eq!(
            link_uri(base, "https://status.example/ünï"),
            "https://status.example/%C3%BCn%C3%AF"
        );
        assert_eq!(
            link_uri("https://docs.example", "/guide/"),
            "https://docs.example/guide/"
        );
    }

    fn entry(code: &str, title: &str, messages: &[&str]) -> ErrorEntry {
        ErrorEntry {
            code: code.to_owned(),
            sent_as: None,
            title: title.to_owned(),
            status: 400,
            summary: "Summary.".to_owned(),
            group: None,
            description: None,
            when: Vec::new(),
            causes: Vec::new(),
            messages: messages
                .iter()
                .map(|m| Message {
                    message: (*m).to_owned(),
                    cause: None,
                    resolution: None,
                })
                .collect(),
            fields: Vec::new(),
            endpoints: Vec::new(),
            fix: Vec::new(),
            gotchas: Vec::new(),
            response: None,
            examples: Vec::new(),
            retryable: false,
            retry_after: None,
            agent: Agent {
                action: AgentAction::Stop,
                guidance: "Stop.".to_owned(),
            },
            related: Vec::new(),
            links: Vec::new(),
            since: None,
            deprecated: None,
            replaced_by: None,
            source: format!("errors/{code}.yaml"),
        }
    }

    #[test]
    fn a_sitemap_past_50000_pages_is_split_under_an_index() {
        let catalog_of = |errors: usize| Catalog {
            config: Config {
                title: "T".to_owned(),
                summary: "S.".to_owned(),
                base_url: "https://d.example/a&b".to_owned(),
                language: "en".to_owned(),
                intro: None,
                auth: None,
                agent_instructions: None,
                envelopes: Vec::new(),
                default_envelope: None,
                groups: Vec::new(),
                statuses: Vec::new(),
                tips: Vec::new(),
                links: Vec::new(),
            },
            errors: (0..errors)
                .map(|i| Arc::new(entry(&format!("e{i}"), "T", &[])))
                .collect(),
        };
        // The overview and 49,999 errors: one file.
        let files = sitemaps(&catalog_of(SITEMAP_URLS - 1));
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].0, "sitemap.xml");
        assert_eq!(files[0].1.matches("<url>").count(), SITEMAP_URLS);
        // One page more: an index of two parts, every page in one of them, in order.
        let files = sitemaps(&catalog_of(SITEMAP_URLS));
        let names: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(names, ["sitemap.xml", "sitemap-1.xml", "sitemap-2.xml"]);
        assert_eq!(
            files[0].1,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n  <sitemap><loc>https://d.example/a&amp;b/sitemap-1.xml</loc></sitemap>\n  <sitemap><loc>https://d.example/a&amp;b/sitemap-2.xml</loc></sitemap>\n</sitemapindex>\n"
        );
        assert_eq!(files[1].1.matches("<url>").count(), SITEMAP_URLS);
        assert!(files[1].1.contains("<loc>https://d.example/a&amp;b/</loc>"));
        assert_eq!(files[2].1.matches("<url>").count(), 1, "{}", files[2].1);
        assert!(files[2].1.contains("/errors/e49999/</loc>"));
    }

    fn text(content: &Content) -> String {
        String::from_utf8(content.concat()).expect("UTF-8")
    }

    /// The JSON that `search-index.js` assigns, or a panic if the file has another shape.
    fn assigned_json(script: &str) -> serde_json::Value {
        let json = script
            .strip_prefix("window.errdexSearchIndex = ")
            .and_then(|rest| rest.strip_suffix(";\n"))
            .unwrap_or_else(|| panic!("not one assignment: {script}"));
        serde_json::from_str(json).unwrap_or_else(|e| panic!("not JSON ({e}): {json}"))
    }

    fn index_of(entries: &[ErrorEntry]) -> (String, String) {
        let parts: Vec<Bytes> = entries.iter().map(|e| search_entry(e).into()).collect();
        (
            text(&search_index(parts.iter())),
            text(&search_index_script(parts.iter())),
        )
    }

    #[test]
    fn the_search_script_assigns_the_same_index_as_the_json() {
        let entries = [
            entry("plain", "Plain title", &["Branch {branch} is gone"]),
            entry("other", "Other", &[]),
        ];
        let (json, script) = index_of(&entries);
        let json: serde_json::Value = serde_json::from_str(&json).expect("JSON");
        assert_eq!(assigned_json(&script), json);
        assert_eq!(json.as_array().map(Vec::len), Some(2));
    }

    #[test]
    fn hostile_text_cannot_end_the_search_script() {
        let title = "</script><script>alert(1)</script>";
        let message = "a\u{2028}b\u{2029}c <!-- d --> </SCRIPT >";
        let entries = [entry("xss", title, &[message]), entry("calm", "Calm", &[])];
        let (json, script) = index_of(&entries);

        assert!(!script.contains('<'), "{script}");
        assert!(!script.contains(['\u{2028}', '\u{2029}']), "{script}");
        assert!(script.contains(r"\u003c/script>\u003cscript>alert(1)\u003c/script>"));
        assert!(script.contains(r"a\u2028b\u2029c"));
        // The escapes stand for the same text: the data is unchanged.
        let assigned = assigned_json(&script);
        assert_eq!(
            assigned,
            serde_json::from_str::<serde_json::Value>(&json).unwrap()
        );
        assert_eq!(assigned[0]["title"], title);
        assert_eq!(assigned[0]["messages"][0], message);
    }

    #[test]
    fn pieces_without_anything_to_escape_are_shared_not_copied() {
        let calm = Bytes::from(search_entry(&entry("calm", "Calm — “quoted” …", &[])));
        let hostile = Bytes::from(search_entry(&entry("xss", "<b>", &[])));
        let script = search_index_script([calm.clone(), hostile.clone()].iter());
        assert!(script.iter().any(|piece| piece.as_ptr() == calm.as_ptr()));
        assert!(
            !script
                .iter()
                .any(|piece| piece.as_ptr() == hostile.as_ptr())
        );
    }
}
