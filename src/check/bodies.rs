//! The envelope-bodies stage: example responses agree with the errors they document.
//!
//! A body is read through its envelope's JSON Pointers: the code there must be the
//! entry's code, the status its status, the docs URL its page URL, and a message one of
//! its `messages`. This is what keeps a copy-pasted example from documenting the wrong
//! error.

use super::config::is_json_media_type;
use super::{ConfigFile, ErrorFile, at};
use crate::diagnostic::{Code, Diagnostics};
use crate::load::raw::RawEnvelope;
use crate::message_template::Template;
use serde_json::Value;

/// The catalog's envelopes, gathered once for every file.
pub(super) struct Envelopes<'a>(Vec<&'a RawEnvelope>);

impl<'a> Envelopes<'a> {
    pub(super) fn of(config: &'a ConfigFile<'a>) -> Self {
        Envelopes(config.raw.envelopes.iter().flat_map(|e| &e.value).collect())
    }
}

/// Checks one error's response body against its envelope.
pub(super) fn check_body(
    envelopes: &Envelopes<'_>,
    file: &ErrorFile<'_>,
    base_url: &str,
    diagnostics: &mut Diagnostics,
) {
    let envelopes = &envelopes.0;
    let Some(response) = &file.raw.response else {
        return;
    };
    let response = &response.value;
    let envelope = match &response.envelope {
        Some(id) => envelopes.iter().find(|e| e.id.value == id.value).copied(),
        // With exactly one envelope in the catalog, it is every response's default.
        None if envelopes.len() == 1 => Some(envelopes[0]),
        None => None,
    };
    let media_type = envelope
        .and_then(|e| e.media_type.as_ref())
        .map_or("application/json", |m| m.value.as_str());
    if !is_json_media_type(media_type) {
        return;
    }
    let (source, raw) = (file.source, file.raw);
    let body: Value = match serde_json::from_str(&response.body.value) {
        Ok(body) => body,
        Err(e) => {
            diagnostics.push(
                at(
                    source,
                    &response.body,
                    Code::BodyNotParsed,
                    format!("response body is not valid {media_type}: {e}"),
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
    let missing = |pointer: &str| {
        at(
            source,
            &response.body,
            Code::PointerMissing,
            format!("the body has nothing at `{pointer}`, where envelope `{envelope_id}` keeps it"),
        )
        .with_help("make the body follow the envelope's shape (see its `example` in errdex.yaml)")
    };

    if let Some(pointer) = &pointers.code {
        match body.pointer(&pointer.value) {
            Some(Value::String(code)) if *code == raw.code.value => {}
            Some(found) => diagnostics.push(
                at(
                    source,
                    &response.body,
                    Code::BodyCodeMismatch,
                    format!(
                        "the body's code is {found}, but this error is `{}`",
                        raw.code.value
                    ),
                )
                .with_help(format!(
                    "set the value at `{}` to \"{}\"",
                    pointer.value, raw.code.value
                )),
            ),
            None => diagnostics.push(missing(&pointer.value)),
        }
    }
    if let Some(pointer) = &pointers.status {
        let status = raw.status.value;
        match body.pointer(&pointer.value) {
            Some(Value::Number(n)) if n.as_i64() == Some(status) => {}
            Some(Value::String(s)) if s.trim() == status.to_string() => {}
            Some(found) => diagnostics.push(
                at(
                    source,
                    &response.body,
                    Code::BodyStatusMismatch,
                    format!("the body's status is {found}, but this error's status is {status}"),
                )
                .with_help(format!("set the value at `{}` to {status}", pointer.value)),
            ),
            None => diagnostics.push(missing(&pointer.value)),
        }
    }
    if let Some(pointer) = &pointers.docs_url {
        let page = format!("{base_url}/errors/{}/", raw.code.value);
        match body.pointer(&pointer.value) {
            Some(Value::String(url)) if *url == page || *url == page.trim_end_matches('/') => {}
            Some(found) => diagnostics.push(
                at(
                    source,
                    &response.body,
                    Code::BodyDocsUrlMismatch,
                    format!("the body's docs URL is {found}, not this error's page"),
                )
                .with_help(format!(
                    "set the value at `{}` to \"{page}\"",
                    pointer.value
                )),
            ),
            None => diagnostics.push(missing(&pointer.value)),
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
                if !messages.iter().any(|m| Template::parse(m).matches(text)) {
                    diagnostics.push(
                            at(source, &response.body, Code::BodyMessageUnknown, format!("the body's message \"{text}\" is none of this error's `messages`"))
                                .with_help("add the message to `messages` (use `{name}` for variable parts), or fix the example"),
                        );
                }
            }
            Some(_) => {}
            None => diagnostics.push(missing(&pointer.value)),
        }
    }
}
