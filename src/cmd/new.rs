//! `errdex new CODE --status N`: scaffold a valid error file.

use super::{Outcome, Ui};
use crate::cli::NewArgs;
use crate::http_status::reason_phrase;
use std::io::Write;

pub(super) fn run(args: &NewArgs, ui: Ui) -> anyhow::Result<Outcome> {
    let asked = args.code.trim();
    // A code as the API sends it (`INVALID_ARGUMENT`) is documented under its errdex
    // code (`invalid_argument`), and the body keeps the API's spelling (E022 accepts it).
    let Some(code) = crate::codes::code_for(asked) else {
        anyhow::bail!(
            "`{asked}` is not a valid error code\n  help: use 1–64 lower-case letters, digits, `_`, `.` or `-`, starting with a letter or digit, e.g. `card_declined`"
        );
    };
    let (code, sent) = (code.as_str(), asked);
    if !(400..=599).contains(&args.status) {
        anyhow::bail!(
            "status {} is not an HTTP error status\n  help: pass --status with a value from 400 to 599",
            args.status
        );
    }
    if let Some(title) = &args.title {
        check_title(title)?;
    }
    let errors_dir = args.catalog.catalog.join("errors");
    if !args
        .catalog
        .catalog
        .join(crate::load::CONFIG_FILE)
        .is_file()
    {
        anyhow::bail!(
            "`{}` is not an errdex catalog (no errdex.yaml)\n  help: pass --catalog DIR, or create one with `errdex init`",
            args.catalog.catalog.display()
        );
    }
    if let Some(group) = &args.group {
        check_group(&args.catalog.catalog, group)?;
    }
    std::fs::create_dir_all(&errors_dir)?;
    let path = errors_dir.join(format!("{code}.yaml"));
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path);
    let mut file = match file {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            anyhow::bail!(
                "`{}` already exists; errdex new never overwrites\n  help: edit the file, or pick another code",
                path.display()
            )
        }
        Err(e) => return Err(e.into()),
    };
    // Point editors at the schema when the catalog has one (`errdex init` writes it).
    if args
        .catalog
        .catalog
        .join(super::init::ERROR_SCHEMA_FILE)
        .is_file()
    {
        file.write_all(super::init::schema_comment().as_bytes())?;
    }
    let response = response_stub(&args.catalog.catalog, code, sent, args.status);
    file.write_all(
        scaffold(
            code,
            args.status,
            args.title.as_deref(),
            args.group.as_deref(),
            &response,
        )
        .as_bytes(),
    )?;
    if sent == code {
        ui.status(format_args!("Created {}", path.display()));
    } else {
        ui.status(format_args!(
            "Created {} for the code `{code}`; its response body keeps the API's `{sent}`",
            path.display()
        ));
    }
    Ok(Outcome::Success)
}

/// Refuses a title that the next `check` would report in the file just written: an
/// empty one or one of several lines (E019), or one holding a control character (E002).
fn check_title(title: &str) -> anyhow::Result<()> {
    if title.trim().is_empty() {
        anyhow::bail!(
            "the title is empty\n  help: pass a short title, e.g. --title \"Card declined\", or leave out --title to use the status's reason phrase"
        );
    }
    if title.contains(crate::check::LINE_BREAKS) {
        anyhow::bail!(
            "the title spans several lines\n  help: a title is one line; the detail goes in the file's `description`"
        );
    }
    // The same test as `check`'s E002 for control characters.
    if let Some((_, c)) = crate::check::first_control(title) {
        anyhow::bail!(
            "the title holds the control character U+{:04X}\n  help: remove it: control characters are invisible in an editor and garble the pages",
            u32::from(c)
        );
    }
    Ok(())
}

/// Refuses a group that errdex.yaml does not define, which the next `check` would
/// report (E014) in the file just written. An errdex.yaml that does not parse is left
/// for `check` to report.
fn check_group(catalog: &std::path::Path, group: &str) -> anyhow::Result<()> {
    let path = catalog.join(crate::load::CONFIG_FILE);
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(());
    };
    let source = crate::source::SourceFile::new(crate::load::CONFIG_FILE, text);
    let Ok(config) = crate::load::parse_config(&source) else {
        return Ok(());
    };
    let groups = config.group_ids();
    if groups.contains(&group) {
        return Ok(());
    }
    let help = if groups.is_empty() {
        "errdex.yaml defines no groups; add one under `groups:` first, or leave out --group"
            .to_owned()
    } else {
        crate::load::did_you_mean(group, &groups)
    };
    anyhow::bail!("group `{group}` is not defined in errdex.yaml\n  help: {help}")
}

/// A valid error file with every optional section stubbed as a comment; `response` is
/// the example response.
fn scaffold(
    code: &str,
    status: u16,
    title: Option<&str>,
    group: Option<&str>,
    response: &ResponseStub,
) -> String {
    let reason = reason_phrase(status);
    let title = title.map_or_else(
        || {
            if reason.is_empty() {
                code.replace('_', " ")
            } else {
                reason.to_owned()
            }
        },
        str::to_owned,
    );
    let retryable = matches!(status, 429 | 500 | 502 | 503 | 504);
    let action = match status {
        401 => "reauthenticate",
        429 | 503 => "retry_later",
        500 | 502 | 504 => "retry",
        402 | 403 => "ask_user",
        _ => "fix_request",
    };
    let group_line = group.map_or_else(
        || "# group: billing\n".to_owned(),
        |g| format!("group: {}\n", yaml_string(g)),
    );
    format!(
        "code: {code}\ntitle: {title}\nstatus: {status}\nsummary: TODO one sentence saying what went wrong.\n{group_line}\
# description: |\n#   A longer explanation, in Markdown.\n\
# when:\n#   - The situation that triggers this error.\n\
# causes:\n#   - cause: What the caller did.\n#     resolution: What to do instead.\n\
# messages:\n#   - message: \"Exact message with a {{placeholder}}\"\n\
# fields:\n#   - field: name\n#     cause: Why the field is rejected.\n\
# endpoints:\n#   - POST /things\n\
# fix:\n#   - The first step to fix it.\n\
# gotchas:\n#   - A mistake people make.\n\
# response:\n{envelope_line}#   body: |\n#     {body}\n\
# examples:\n#   - title: curl\n#     lang: sh\n#     code: curl https://api.example.com/things\n\
retryable: {retryable}\n\
{retry_after}\
agent:\n  action: {action}\n  guidance: TODO tell an AI agent what to do when it receives this error.\n\
# related: [other_code]\n# links:\n#   - title: Guide\n#     url: https://example.com/guide\n# since: \"2025-01\"\n",
        title = yaml_string(&title),
        // `retry_later` says to wait: the wait is written out (W028 otherwise), on the
        // header 429 and 503 responses carry by RFC 9110 and RFC 6585.
        retry_after = if action == "retry_later" {
            "retry_after:\n  header: Retry-After\n"
        } else {
            "# retry_after:\n#   header: Retry-After\n"
        },
        envelope_line = response
            .envelope
            .as_ref()
            .map_or_else(String::new, |id| format!(
                "#   envelope: {}\n",
                yaml_string(id)
            )),
        body = response.body,
    )
}

/// The scaffold's example response, commented out.
struct ResponseStub {
    /// The envelope to name: the catalog's first when it has several and none is the
    /// default, as a response that names none is then checked against none (W015).
    envelope: Option<String>,
    /// The example body, one line of JSON.
    body: String,
}

/// The example response of the scaffold. Its body is in the shape of the catalog's
/// envelope (its first, named, when it has several): the error's code, status and page
/// URL at its pointers, and a stand-in message (any message passes while `messages` is
/// empty), so that uncommenting `response` gives a body `check` accepts.
/// `{"error": {"code": …}}` otherwise, or when a pointer runs through an array.
/// The response of a new error file, with the code at the envelope's `code` pointer as
/// the API sends it (`sent`) and the page URL of its errdex `code`.
fn response_stub(catalog: &std::path::Path, code: &str, sent: &str, status: u16) -> ResponseStub {
    let generic = |envelope: Option<String>| ResponseStub {
        envelope,
        body: serde_json::json!({ "error": { "code": sent } }).to_string(),
    };
    let Ok(text) = std::fs::read_to_string(catalog.join(crate::load::CONFIG_FILE)) else {
        return generic(None);
    };
    let source = crate::source::SourceFile::new(crate::load::CONFIG_FILE, text);
    let Ok(config) = crate::load::parse_config(&source) else {
        return generic(None);
    };
    // The default envelope, which the response need not name; or, with several and no
    // default, the first, named.
    let (envelope, named) = match crate::check::default_envelope(&config) {
        Some(default) => (default, None),
        None => match config.envelopes.iter().flat_map(|e| &e.value).next() {
            Some(first) => (first, Some(first.id.value.clone())),
            None => return generic(None),
        },
    };
    let Some(pointers) = &envelope.pointers else {
        return generic(named);
    };
    let page = crate::check::validate_base_url(&config.base_url.value)
        .map(|base| format!("{base}/errors/{code}/"))
        .unwrap_or_default();
    let values = [
        (&pointers.code, serde_json::Value::from(sent)),
        (&pointers.status, serde_json::Value::from(status)),
        (&pointers.docs_url, serde_json::Value::from(page)),
        (
            &pointers.message,
            serde_json::Value::from("TODO the exact message"),
        ),
    ];
    let mut body = serde_json::Value::Object(serde_json::Map::new());
    for (pointer, value) in values {
        let Some(pointer) = pointer else { continue };
        if !set_at(&mut body, &pointer.value, value) {
            return generic(named);
        }
    }
    ResponseStub {
        envelope: named,
        body: body.to_string(),
    }
}

/// Sets `value` at the JSON Pointer `pointer` in `body`, making the objects on the way;
/// false for a pointer this cannot follow (the whole body, an array index, a value
/// already set on the way).
fn set_at(body: &mut serde_json::Value, pointer: &str, value: serde_json::Value) -> bool {
    let Some(path) = pointer.strip_prefix('/') else {
        return false;
    };
    let mut here = body;
    let mut tokens = path
        .split('/')
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .peekable();
    while let Some(token) = tokens.next() {
        if token.parse::<usize>().is_ok() || token == "-" {
            return false;
        }
        let Some(object) = here.as_object_mut() else {
            return false;
        };
        if tokens.peek().is_none() {
            object.insert(token, value);
            return true;
        }
        here = object
            .entry(token)
            .or_insert_with(|| serde_json::Value::Object(serde_json::Map::new()));
    }
    false
}

/// A YAML scalar for `text`, quoted when it would otherwise be read as something else.
fn yaml_string(text: &str) -> String {
    let plain = !text.is_empty()
        && text.chars().all(|c| {
            c.is_alphanumeric() || matches!(c, ' ' | '_' | '-' | '.' | ',' | '\'' | '(' | ')')
        })
        && !text.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == ' ')
        && !["true", "false", "null", "yes", "no", "on", "off", "~"]
            .contains(&text.to_ascii_lowercase().as_str());
    if plain {
        text.to_owned()
    } else {
        serde_json::to_string(text).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::set_at;
    use serde_json::json;

    #[test]
    fn values_are_set_at_pointers_through_objects_only() {
        let mut body = json!({});
        assert!(set_at(&mut body, "/error/code", json!("x")));
        assert!(set_at(&mut body, "/error/a~1b~0c", json!(1)));
        assert_eq!(body, json!({"error": {"code": "x", "a/b~c": 1}}));
        // An array index, the whole body, or a value already in the way: the plain stub.
        assert!(!set_at(&mut body, "/errors/0/code", json!("x")));
        assert!(!set_at(&mut body, "", json!("x")));
        assert!(!set_at(&mut body, "/error/code/deeper", json!("x")));
    }
}
