//! `errdex init [DIR]`: a new, minimal catalog that checks and builds.

use super::schema::schema_json;
use super::{Outcome, Ui};
use crate::cli::{InitArgs, SchemaKind};
use std::fs;

pub(super) fn run(args: &InitArgs, ui: Ui) -> anyhow::Result<Outcome> {
    let dir = &args.dir;
    if dir.join(crate::load::CONFIG_FILE).exists() {
        anyhow::bail!(
            "`{}` already has an errdex.yaml; errdex init never overwrites\n  help: choose another folder",
            dir.display()
        );
    }
    if dir.join("errors").exists() {
        anyhow::bail!(
            "`{}` already has an errors/ folder\n  help: choose another folder",
            dir.display()
        );
    }
    fs::create_dir_all(dir.join("errors"))?;
    // Schemas beside the files, named by a `yaml-language-server` comment in each file,
    // give editors completion and hover help with no set-up.
    fs::write(
        dir.join(ERROR_SCHEMA_FILE),
        schema_json(SchemaKind::Error)? + "\n",
    )?;
    fs::write(
        dir.join(CONFIG_SCHEMA_FILE),
        schema_json(SchemaKind::Catalog)? + "\n",
    )?;
    fs::write(
        dir.join(crate::load::CONFIG_FILE),
        format!("# yaml-language-server: $schema={CONFIG_SCHEMA_FILE}\n{CONFIG}"),
    )?;
    fs::write(
        dir.join("errors/not_found.yaml"),
        format!("{}{NOT_FOUND}", schema_comment()),
    )?;
    fs::write(
        dir.join("errors/rate_limited.yaml"),
        format!("{}{RATE_LIMITED}", schema_comment()),
    )?;
    ui.status(format_args!(
        "Created a catalog in {dir}: errdex.yaml, 2 errors and JSON Schemas for editor completion.\nNext: edit errdex.yaml (title, base_url), then `errdex serve --catalog {dir}` to see it, or `errdex new CODE --status N --catalog {dir}` to add an error.",
        dir = dir.display()
    ));
    Ok(Outcome::Success)
}

/// The schema of error files that `init` writes into the catalog.
pub(super) const ERROR_SCHEMA_FILE: &str = "errdex.schema.json";
/// The schema of `errdex.yaml` that `init` writes into the catalog.
const CONFIG_SCHEMA_FILE: &str = "errdex.config.schema.json";

/// The first line of an error file: where editors find its schema.
pub(super) fn schema_comment() -> String {
    format!("# yaml-language-server: $schema=../{ERROR_SCHEMA_FILE}\n")
}

const CONFIG: &str = r#"# errdex catalog configuration. Reference: docs/catalog.md in the errdex repository.
title: Example API errors
summary: Every error the Example API returns, and what to do about it.
base_url: https://docs.example.com
intro: |
  Errors are returned as JSON with an HTTP status code. Each page below explains one
  error code: when it fires, how to fix it, and what an automated client should do.
agent_instructions: |
  Read the `agent.action` of an error before retrying: only `retry` and `retry_later`
  errors may succeed when sent again unchanged.
envelopes:
  - id: standard
    title: Standard error
    description: Every error response has this shape.
    example: |
      {"error": {"code": "not_found", "message": "Widget w_1 not found", "docs_url": "https://docs.example.com/errors/not_found/"}}
    pointers:
      code: /error/code
      message: /error/message
      docs_url: /error/docs_url
groups:
  - id: requests
    title: Requests
    description: Problems with what was asked for.
  - id: limits
    title: Limits
    description: Too much, too fast.
"#;

const NOT_FOUND: &str = r#"code: not_found
title: Resource not found
status: 404
summary: The requested resource does not exist, or the API key cannot see it.
group: requests
messages:
  - message: "Widget {id} not found"
    cause: The widget ID is wrong or the widget was deleted.
    resolution: List widgets to find the right ID.
fix:
  - Check the ID in the request path.
response:
  body: |
    {"error": {"code": "not_found", "message": "Widget w_1 not found", "docs_url": "https://docs.example.com/errors/not_found/"}}
retryable: false
agent:
  action: fix_request
  guidance: Do not retry with the same ID. Look the resource up again, or ask the user which one they meant.
"#;

const RATE_LIMITED: &str = r#"code: rate_limited
title: Too many requests
status: 429
summary: The API key sent more requests than its limit allows.
group: limits
messages:
  - message: "Rate limit of {limit} requests per minute exceeded"
fix:
  - Wait for the number of seconds in the `Retry-After` header, then retry.
response:
  headers:
    Retry-After: "30"
  body: |
    {"error": {"code": "rate_limited", "message": "Rate limit of 600 requests per minute exceeded", "docs_url": "https://docs.example.com/errors/rate_limited/"}}
retryable: true
retry_after:
  header: Retry-After
agent:
  action: retry_later
  guidance: Wait for `Retry-After` seconds, then retry the same request once.
"#;
