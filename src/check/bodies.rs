//! The envelope-bodies stage: example responses agree with the errors they document.
//!
//! A body is read through its envelope's JSON Pointers: the code there must be the
//! entry's code, the status its status, the docs URL its page URL, and a message one of
//! its `messages`. This is what keeps a copy-pasted example from documenting the wrong
//! error.

use super::config::is_json_media_type;
use super::visible::visible;
use super::{ErrorFile, at, json_keys};
use crate::codes::value_spells_code;
use crate::diagnostic::{Code, Diagnostics};
use crate::load::closest;
use crate::load::raw::{DEFAULT_MEDIA_TYPE, RawConfig, RawEnvelope, RawError, RawResponse, S};
use crate::message_template::Template;
use crate::model::{is_no_body, is_page};
use serde_json::Value;
use std::collections::BTreeSet;

/// The catalog's envelopes, gathered once for every file.
pub(super) struct Envelopes<'a> {
    all: Vec<&'a RawEnvelope>,
    /// What a response that names no envelope follows (see [`default_envelope`]).
    default: Option<&'a RawEnvelope>,
    /// Whether errdex.yaml sets `default_envelope`, even to an id it does not define
    /// (E015 there): then a response without `envelope:` is not told to name one too.
    default_set: bool,
    /// Each envelope's pointers at which its own example has nothing (by envelope id):
    /// reported once in errdex.yaml, not again in every body that follows the example.
    unmet: BTreeSet<(&'a str, &'a str)>,
}

impl<'a> Envelopes<'a> {
    pub(super) fn of(config: &'a RawConfig) -> Self {
        let all: Vec<&RawEnvelope> = config.envelopes.iter().flat_map(|e| &e.value).collect();
        let unmet = all
            .iter()
            .filter(|e| is_json_media_type(e.media_type()))
            .filter_map(|e| Some((e, serde_json::from_str::<Value>(&e.example.value).ok()?)))
            .flat_map(|(e, example)| {
                pointers_the_example_lacks(e, &example)
                    .into_iter()
                    .map(|pointer| (e.id.value.as_str(), pointer.value.as_str()))
            })
            .collect();
        Envelopes {
            all,
            default: default_envelope(config),
            default_set: config.default_envelope.is_some(),
            unmet,
        }
    }

    /// The envelope a response follows: the one it names (`named`), or, when it names
    /// none, the catalog's default.
    pub(super) fn followed_by(&self, named: Option<&S<String>>) -> Option<&'a RawEnvelope> {
        match named {
            Some(id) => self.all.iter().find(|e| e.id.value == id.value).copied(),
            None => self.default,
        }
    }
}

/// The envelope of a response that names none: the one `default_envelope` names, or,
/// without that key, the catalog's only envelope. None when the key names no envelope
/// (E015), or there are several and no default.
pub fn default_envelope(config: &RawConfig) -> Option<&RawEnvelope> {
    let mut all = config.envelopes.iter().flat_map(|e| &e.value);
    match &config.default_envelope {
        Some(id) => all.find(|e| e.id.value == id.value),
        None => match (all.next(), all.next()) {
            (Some(only), None) => Some(only),
            _ => None,
        },
    }
}

/// The pointers of `envelope` at which its own `example` (parsed: `example`) has
/// nothing: a pointer mistyped in errdex.yaml (`/error/error_code`), which every body
/// that rightly follows the example would otherwise be blamed for.
pub(super) fn pointers_the_example_lacks<'e>(
    envelope: &'e RawEnvelope,
    example: &Value,
) -> Vec<&'e S<String>> {
    envelope
        .pointers
        .iter()
        .flat_map(|pointers| pointers.set())
        .filter(|p| super::config::validate_pointer(&p.value).is_ok())
        .filter(|p| example.pointer(&p.value).is_none())
        .collect()
}

/// The pointer `example` has that is closest to `pointer`, to suggest.
pub(super) fn closest_pointer(example: &Value, pointer: &str) -> Option<String> {
    let mut held = Vec::new();
    pointers_in(example, &mut String::new(), &mut held);
    let held: Vec<&str> = held.iter().map(String::as_str).collect();
    closest(pointer, &held).map(str::to_owned)
}

/// The last segment of a JSON Pointer, unescaped: `code` of `/error/code`.
fn last_segment(pointer: &str) -> String {
    let last = pointer.rsplit('/').next().unwrap_or_default();
    last.replace("~1", "/").replace("~0", "~")
}

/// A key of the object that should hold `pointer`'s last segment, close to it in
/// spelling, with its own pointer: `docs_url` in a body whose envelope reads
/// `/error/doc_url`.
fn key_written_otherwise<'b>(body: &'b Value, pointer: &str) -> Option<(String, &'b str)> {
    let (parent, _) = pointer.rsplit_once('/')?;
    let Value::Object(map) = body.pointer(parent)? else {
        return None;
    };
    let keys: Vec<&str> = map.keys().map(String::as_str).collect();
    let key = closest(&last_segment(pointer), &keys)?;
    Some((format!("{parent}/{}", escaped_segment(key)), key))
}

/// A key as a JSON Pointer segment (RFC 6901): `~` as `~0`, `/` as `~1`.
fn escaped_segment(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Most pointers listed from one example, to suggest one: an example is a few keys, and
/// a pasted giant one need not be walked whole.
const MAX_POINTERS_LISTED: usize = 10_000;

/// Every JSON Pointer at which `value` has a value under `prefix`, depth first.
fn pointers_in(value: &Value, prefix: &mut String, found: &mut Vec<String>) {
    let mut visit = |segment: &str, child: &Value, found: &mut Vec<String>| {
        if found.len() >= MAX_POINTERS_LISTED {
            return;
        }
        let length = prefix.len();
        prefix.push('/');
        prefix.push_str(&escaped_segment(segment));
        found.push(prefix.clone());
        pointers_in(child, prefix, found);
        prefix.truncate(length);
    };
    match value {
        Value::Object(map) => map.iter().for_each(|(key, child)| visit(key, child, found)),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .for_each(|(i, child)| visit(&i.to_string(), child, found)),
        _ => {}
    }
}

/// The code as the API sends it, for [`ErrorEntry::sent_as`](crate::model::ErrorEntry):
/// the string at the envelope's `code` pointer in the body, when it is this error's
/// code spelled otherwise (E022 accepts that, see `spells_code`). `None` when it is the
/// code as written, or when there is no JSON body or no `code` pointer to read.
pub(super) fn sent_as(envelopes: &Envelopes<'_>, raw: &RawError) -> Option<String> {
    let response = &raw.response.as_ref()?.value;
    let envelope = envelopes.followed_by(response.envelope.as_ref())?;
    let pointer = envelope.pointers.as_ref()?.code.as_ref()?;
    let body: Value = serde_json::from_str(json_body(envelope.media_type(), response)?).ok()?;
    let code = raw.code.value.as_str();
    match body.pointer(&pointer.value)? {
        Value::String(sent) if sent != code && crate::codes::spells_code(sent, code) => {
            Some(sent.clone())
        }
        _ => None,
    }
}

/// The text of a response's body when it is JSON to parse and point into: its
/// `media_type` (the envelope's) is a JSON one, and the body is not blank. A blank body
/// is a response without one (a 401 that only sets `WWW-Authenticate`, a 204-like error
/// from a proxy): the envelope describes bodies that are sent.
fn json_body<'r>(media_type: &str, response: &'r RawResponse) -> Option<&'r str> {
    let body = response.body.value.as_str();
    (is_json_media_type(media_type) && !is_no_body(body)).then_some(body)
}

/// W023 when the example's `Content-Type` header names another media type than the one
/// its body is read as (the envelope's, or JSON without one). The page shows both, and
/// the body is checked, or not, by the envelope's; an API that sends
/// `application/problem+json` under an envelope left at the default is the usual case.
/// Parameters (`; charset=utf-8`) and case are not compared.
fn warn_content_type_disagrees(
    file: &ErrorFile<'_>,
    response: &RawResponse,
    envelope: Option<&RawEnvelope>,
    media_type: &str,
    diagnostics: &mut Diagnostics,
) {
    let essence = |value: &str| super::config::essence_of(value).to_ascii_lowercase();
    let Some((_, header)) = response
        .headers
        .iter()
        .flat_map(|h| &h.value.0)
        .find(|(name, _)| name.value.trim().eq_ignore_ascii_case("content-type"))
    else {
        return;
    };
    let said = essence(&header.value);
    if said.is_empty() || said == essence(media_type) {
        return;
    }
    let said = super::text::printable(&said);
    let (read_as, help) = match envelope {
        Some(envelope) => (
            format!(
                "envelope `{}`'s media type, `{media_type}`",
                envelope.id.value
            ),
            format!(
                "if the API sends `{said}`, set `media_type: {said}` on envelope `{}` in errdex.yaml, so its bodies are read as that; otherwise correct the header",
                envelope.id.value
            ),
        ),
        None => (
            format!("`{media_type}`, as no envelope applies"),
            format!(
                "name an envelope whose `media_type` is `{said}` with `response.envelope`, or correct the header"
            ),
        ),
    };
    diagnostics.push(
        at(
            file.source,
            header,
            Code::ContentTypeDisagrees,
            format!("the `Content-Type` header says `{said}`, but the body is read as {read_as}"),
        )
        .with_help(help),
    );
}

/// Checks one error's response body against its envelope.
pub(super) fn check_body(
    envelopes: &Envelopes<'_>,
    file: &ErrorFile<'_>,
    base_url: Option<&str>,
    diagnostics: &mut Diagnostics,
) {
    let Some(response) = &file.raw.response else {
        return;
    };
    let response = &response.value;
    let envelope = envelopes.followed_by(response.envelope.as_ref());
    if envelope.is_none() && response.envelope.is_none() && !envelopes.default_set {
        warn_no_envelope_named(&envelopes.all, file, diagnostics);
    }
    // JSON when no envelope applies.
    let media_type = envelope.map_or(DEFAULT_MEDIA_TYPE, RawEnvelope::media_type);
    warn_content_type_disagrees(file, response, envelope, media_type, diagnostics);
    let Some(text) = json_body(media_type, response) else {
        return;
    };
    let (source, raw) = (file.source, file.raw);
    let body: Value = match json_keys::parse(text) {
        Ok(parsed) => {
            let body = &response.body;
            json_keys::warn_repeated(source, body, "the body", &parsed.repeated, diagnostics);
            parsed.value
        }
        Err(e) => {
            diagnostics.push(
                json_keys::not_parsed(
                    source,
                    &response.body,
                    &e,
                    &format!("response body is not valid {media_type}"),
                )
                .with_help(
                    "write the body as JSON in a `|` block scalar, exactly as the API returns it",
                ),
            );
            return;
        }
    };
    let Some(pointers) = envelope.and_then(|e| e.pointers.as_ref()) else {
        return;
    };
    let envelope_id = envelope.map_or("", |e| e.id.value.as_str());
    // A diagnostic at the value at `pointer`, on the line of the file that holds it.
    let at_value =
        |pointer: &str, code: Code, message: String| match json_keys::value_range(text, pointer) {
            Some(range) => super::at_markdown_range(source, &response.body, range, code, message),
            None => at(source, &response.body, code, message),
        };
    // A pointer the envelope's own example lacks is reported in errdex.yaml instead.
    let missing = |pointer: &str, diagnostics: &mut Diagnostics| {
        if envelopes.unmet.contains(&(envelope_id, pointer)) {
            return;
        }
        let message =
            format!("the body has nothing at `{pointer}`, where envelope `{envelope_id}` keeps it");
        // A key spelt otherwise is pointed at; otherwise the whole body is.
        let diagnostic = match key_written_otherwise(&body, pointer) {
            Some((written, key)) => at_value(&written, Code::PointerMissing, message).with_help(
                format!(
                    "the body has `{key}` there: did you mean `{}`, as envelope `{envelope_id}` names it?",
                    last_segment(pointer)
                ),
            ),
            None => at(source, &response.body, Code::PointerMissing, message).with_help(
                "make the body follow the envelope's shape (see its `example` in errdex.yaml)",
            ),
        };
        diagnostics.push(diagnostic);
    };

    // A code that is itself invalid (E010) is not compared with the body: the help would
    // ask to write the invalid code there too. Nor is one that is not its file's name
    // (E011): the code or the name is wrong, and the body's code and docs URL, often
    // the old name's, would be two more errors for one mistake, asking to change them to
    // what may be the wrong one. Fixing the code comes first.
    let code_valid = super::entry::is_valid_code(&raw.code.value) && raw.code.value == file.stem;
    if let Some(pointer) = pointers.code.as_ref().filter(|_| code_valid) {
        let code = &raw.code.value;
        match body.pointer(&pointer.value) {
            Some(found) if value_spells_code(found, code) => {}
            Some(found @ (Value::String(_) | Value::Number(_))) => diagnostics.push(
                at_value(
                    &pointer.value,
                    Code::BodyCodeMismatch,
                    format!("the body's code is {found}, but this error is `{code}`"),
                )
                .with_help(mismatch_help(&pointer.value, found, code)),
            ),
            Some(found) => diagnostics.push(
                at_value(
                    &pointer.value,
                    Code::BodyCodeMismatch,
                    format!(
                        "the body's code is {}, but this error's code `{code}` can only match a string or a number",
                        described(found)
                    ),
                )
                .with_help(format!(
                    "set the value at `{}` to {}",
                    pointer.value,
                    code_as_json(found, code)
                )),
            ),
            None => missing(&pointer.value, diagnostics),
        }
    }
    if let Some(pointer) = &pointers.status {
        let status = raw.status.value;
        // JSON:API and some gateways send the status as a string ("404"); that is the
        // same status, so it matches like the number.
        match body.pointer(&pointer.value) {
            Some(Value::Number(n)) if n.as_i64() == Some(status) => {}
            Some(Value::String(s)) if s.trim() == status.to_string() => {}
            Some(found @ (Value::String(_) | Value::Number(_))) => diagnostics.push(
                at_value(
                    &pointer.value,
                    Code::BodyStatusMismatch,
                    format!("the body's status is {found}, but this error's status is {status}"),
                )
                .with_help(format!("set the value at `{}` to {status}", pointer.value)),
            ),
            Some(found) => diagnostics.push(
                at_value(
                    &pointer.value,
                    Code::BodyStatusMismatch,
                    format!(
                        "the body's status is {}, but a status can only match a number or a string of digits",
                        described(found)
                    ),
                )
                .with_help(format!("set the value at `{}` to {status}", pointer.value)),
            ),
            None => missing(&pointer.value, diagnostics),
        }
    }
    // A `base_url` that is itself wrong (E018) makes no page URL to compare with.
    if let (Some(pointer), Some(base_url)) =
        (pointers.docs_url.as_ref().filter(|_| code_valid), base_url)
    {
        let page = format!("{base_url}/errors/{}/", raw.code.value);
        match body.pointer(&pointer.value) {
            Some(Value::String(url)) if is_page(url, &page) => {}
            // RFC 9457 §4.2.1: a problem `type` of "about:blank" means the problem has no
            // semantics beyond its status code. It names no other error's page, so it
            // cannot be a body copied from one, and real APIs send it for some errors.
            Some(Value::String(url)) if url == ABOUT_BLANK => {}
            // And a problem details body without `type` has that type (RFC 9457 §3.1.1).
            None if pointer.value == "/type" && is_problem_details(media_type) => {}
            Some(found) => diagnostics.push(
                at_value(
                    &pointer.value,
                    Code::BodyDocsUrlMismatch,
                    format!("the body's docs URL is {found}, not this error's page"),
                )
                .with_help(docs_url_help(&pointer.value, &page, envelope_id)),
            ),
            None => missing(&pointer.value, diagnostics),
        }
    }
    if let Some(pointer) = &pointers.message {
        let messages: Vec<&str> = raw
            .messages
            .iter()
            .flat_map(|m| &m.value)
            .map(|m| m.message.value.trim())
            .collect();
        match body.pointer(&pointer.value) {
            // A list of field errors (e.g. FastAPI's `detail`) is accepted as is.
            Some(Value::String(text)) if !messages.is_empty() => {
                // A message the API sends over several lines is written on one (E019):
                // it is the same message with its runs of spaces and line breaks as one
                // space.
                let known = messages.iter().any(|m| Template::parse(m).matches(text)) || {
                    let spaced = crate::markdown::one_line;
                    let one_line = spaced(text);
                    messages
                        .iter()
                        .any(|m| Template::parse(&spaced(m)).matches(&one_line))
                };
                if !known {
                    diagnostics.push(
                            at_value(&pointer.value, Code::BodyMessageUnknown, format!("the body's message \"{}\" is none of this error's `messages`", super::excerpt(text, super::messages::MESSAGE_EXCERPT)))
                                .with_help("add the message to `messages` (use `{name}` for variable parts), or fix the example"),
                        );
                }
            }
            Some(_) => {}
            None => missing(&pointer.value, diagnostics),
        }
    }
}

/// The problem type RFC 9457 defines for "no further semantics than the status code".
const ABOUT_BLANK: &str = "about:blank";

/// Whether bodies of `media_type` are RFC 9457 problem details, whose `type` is
/// `about:blank` when the member is left out.
fn is_problem_details(media_type: &str) -> bool {
    super::config::essence_of(media_type).eq_ignore_ascii_case("application/problem+json")
}

/// W015 for a response that names no envelope in a catalog with several, which no
/// envelope is the default of: its body is checked against none. Without the warning, a
/// writer who adds a second envelope loses the checks on every unnamed response unseen.
fn warn_no_envelope_named(
    envelopes: &[&RawEnvelope],
    file: &ErrorFile<'_>,
    diagnostics: &mut Diagnostics,
) {
    let (Some(response), true) = (&file.raw.response, envelopes.len() > 1) else {
        return;
    };
    // A response without a body has nothing an envelope would check.
    if is_no_body(&response.value.body.value) {
        return;
    }
    let ids: Vec<String> = envelopes
        .iter()
        .map(|e| format!("`{}`", visible(&e.id.value)))
        .collect();
    let help = match envelope_of_shape(envelopes, &response.value.body.value) {
        Some(id) => format!(
            "the body has the shape of envelope `{}`: add `envelope: {}` under `response:`, or, if most responses have that shape, `default_envelope: {}` in errdex.yaml",
            visible(id),
            visible(id),
            visible(id)
        ),
        None => "add `envelope: <id>` under `response:`, or set `default_envelope: <id>` in errdex.yaml for every response that names none; for a body in none of these shapes, define an envelope for it in errdex.yaml (its `pointers` may be left out)".to_owned(),
    };
    diagnostics.push(
        at(
            file.source,
            response,
            Code::NoEnvelopeNamed,
            format!(
                "this response names no envelope, so its body is not checked: errdex.yaml defines several ({}), and none is the default",
                ids.join(", ")
            ),
        )
        .with_help(help),
    );
}

/// The one envelope whose every pointer finds a value in `body`, the envelope the writer
/// most likely meant; none when the body is not JSON, or when no envelope or several fit.
/// An envelope without pointers fits every body and tells nothing, so it never fits.
fn envelope_of_shape<'a>(envelopes: &[&'a RawEnvelope], body: &str) -> Option<&'a str> {
    let body: Value = serde_json::from_str(body).ok()?;
    let mut fitting = envelopes.iter().filter(|envelope| {
        let Some(p) = &envelope.pointers else {
            return false;
        };
        let pointers: Vec<&str> = p.set().map(|pointer| pointer.value.as_str()).collect();
        !pointers.is_empty()
            && pointers
                .iter()
                .all(|pointer| body.pointer(pointer).is_some())
    });
    match (fitting.next(), fitting.next()) {
        (Some(envelope), None) => Some(envelope.id.value.as_str()),
        _ => None,
    }
}

/// The help of E024. At `/type`, RFC 9457's member, the body may be a problem with no
/// page of its own, so `about:blank` is offered beside the page URL.
fn docs_url_help(pointer: &str, page: &str, envelope_id: &str) -> String {
    let set = format!("set the value at `{pointer}` to \"{page}\"");
    let blank = if pointer == "/type" {
        format!(
            ", or to \"{ABOUT_BLANK}\" for a problem with no meaning beyond its status (RFC 9457)"
        )
    } else {
        String::new()
    };
    // An API already live sends its own documentation URL, which no setting of errdex
    // makes this page's: the check is then the envelope's to drop.
    format!(
        "{set}{blank}; or, if the API sends another URL there, drop `docs_url` from the pointers of envelope `{envelope_id}` in errdex.yaml"
    )
}

/// How to fix a body whose code is another one. The body may be a copy from another
/// error, or it may be exactly what the API sends, and then the error's code is wrong:
/// the API's own code is offered as an errdex code (`codes::code_for`), when it makes one.
fn mismatch_help(pointer: &str, found: &Value, code: &str) -> String {
    let set = format!(
        "set the value at `{pointer}` to {}",
        code_as_json(found, code)
    );
    let sent = match found {
        Value::String(text) => crate::codes::code_for(text),
        other => crate::codes::code_for(&other.to_string()),
    };
    match sent {
        Some(sent) => format!(
            "{set}; or, if the body is what the API sends, make `{sent}` this error's code (and its file's name)"
        ),
        None => set,
    }
}

/// The code as the body should carry it: a number where the body already has a number
/// and the code reads as one, a JSON string otherwise.
fn code_as_json(found: &Value, code: &str) -> String {
    let numeric = serde_json::from_str::<Value>(code)
        .is_ok_and(|v| matches!(&v, Value::Number(n) if n.to_string() == code));
    if found.is_number() && numeric {
        code.to_owned()
    } else {
        Value::String(code.to_owned()).to_string()
    }
}

/// A value with its JSON type ("the boolean true"), for messages about the wrong type.
fn described(value: &Value) -> String {
    let kind = match value {
        Value::Null => return "null".to_owned(),
        Value::Bool(_) => "the boolean",
        Value::Number(_) => "the number",
        Value::String(_) => "the string",
        Value::Array(_) => "the array",
        Value::Object(_) => "the object",
    };
    format!("{kind} {value}")
}

#[cfg(test)]
mod tests {
    use super::{code_as_json, is_page, warn_content_type_disagrees};
    use crate::codes::value_spells_code as code_matches;
    use serde_json::{Value, json};

    /// `code line:column message` of W023 for a response with these `headers` lines, its
    /// body read as `media_type` with no envelope.
    fn content_type_problems(headers: &str, media_type: &str) -> Vec<String> {
        crate::check::response_header_problems(headers, |file, response, diagnostics| {
            warn_content_type_disagrees(file, response, None, media_type, diagnostics);
        })
    }

    #[test]
    fn a_content_type_is_compared_without_its_parameters_or_case() {
        for headers in [
            "    Content-Type: application/json; charset=utf-8\n",
            "    content-type: Application/JSON\n",
            "    X-Request-Id: r1\n",
            "    Content-Type: ''\n",
        ] {
            assert!(
                content_type_problems(headers, "application/json").is_empty(),
                "{headers}"
            );
        }
        assert_eq!(
            content_type_problems(
                "    X-Request-Id: r1\n    CONTENT-TYPE: text/html\n",
                "application/json"
            ),
            [
                "W023 11:19 the `Content-Type` header says `text/html`, but the body is read as `application/json`, as no envelope applies"
            ]
        );
        assert!(
            content_type_problems(
                "    Content-Type: text/plain\n",
                "text/plain; charset=utf-8"
            )
            .is_empty()
        );
    }

    #[test]
    fn a_docs_url_is_the_page_in_either_form_of_a_base_url_in_other_letters() {
        let page = "https://bücher.example/fehler/errors/x/";
        for url in [
            page,
            "https://bücher.example/fehler/errors/x",
            "https://xn--bcher-kva.example/fehler/errors/x/",
            "https://xn--bcher-kva.example/fehler/errors/x",
        ] {
            assert!(is_page(url, page), "{url}");
        }
        assert!(is_page(
            "https://xn--bcher-kva.example/errors/x/",
            "https://bücher.example/errors/x/"
        ));
        for url in [
            "https://bucher.example/fehler/errors/x/",
            "https://xn--bcher-kva.example/fehler/errors/y/",
            "https://bücher.example/fehler/errors/x/#fix",
        ] {
            assert!(!is_page(url, page), "{url}");
        }
        assert!(is_page(
            "https://a.example/errors/x",
            "https://a.example/errors/x/"
        ));
        // The scheme and host in any case, the path as written.
        assert!(is_page(
            "HTTPS://Docs.Example.com/errors/x/",
            "https://docs.example.com/errors/x/"
        ));
        assert!(!is_page(
            "https://docs.example.com/Errors/x/",
            "https://docs.example.com/errors/x/"
        ));
    }

    #[test]
    fn a_number_matches_a_code_with_the_same_decimal_text() {
        assert!(code_matches(&json!(20003), "20003"));
        assert!(code_matches(&json!("20003"), "20003"));
        assert!(!code_matches(&json!(20004), "20003"));
        assert!(!code_matches(&json!(7), "007"));
        assert!(!code_matches(&json!(1000.0), "1e3"));
        assert!(!code_matches(&json!(true), "true"));
        assert!(!code_matches(&Value::Null, "null"));
        assert!(!code_matches(&json!({"code": "x"}), "x"));
    }

    #[test]
    fn the_help_keeps_a_numeric_body_numeric() {
        assert_eq!(code_as_json(&json!(20004), "20003"), "20003");
        assert_eq!(code_as_json(&json!("20004"), "20003"), "\"20003\"");
        assert_eq!(code_as_json(&json!(5), "007"), "\"007\"");
        assert_eq!(code_as_json(&json!(5), "not_found"), "\"not_found\"");
        assert_eq!(code_as_json(&json!(true), "20003"), "\"20003\"");
    }
}
