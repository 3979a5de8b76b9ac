//! `errdex schema`: JSON Schema of the YAML format, for editor completion.
//!
//! Generated from the same Rust types the loader deserializes, so the schema cannot
//! drift from what `check` accepts. Doc comments on those types become the
//! `description` an editor shows on hover.

use super::Outcome;
use crate::cli::{SchemaArgs, SchemaKind};
use crate::load::raw::{RawConfig, RawError, TEXT_PATTERNS};
use schemars::Schema;
use schemars::generate::SchemaSettings;
use schemars::transform::RecursiveTransform;
use serde_json::Value;

pub(super) fn run(args: &SchemaArgs) -> anyhow::Result<Outcome> {
    println!("{}", schema_json(args.kind)?);
    Ok(Outcome::Success)
}

/// The schema of `errdex.yaml` or of an error file, as pretty JSON.
pub fn schema_json(kind: SchemaKind) -> anyhow::Result<String> {
    let generator = SchemaSettings::draft2020_12()
        .with_transform(RecursiveTransform(text_accepts_numbers_and_booleans))
        .with_transform(RecursiveTransform(no_numeric_formats))
        .into_generator();
    let mut schema = match kind {
        SchemaKind::Error => generator.into_root_schema_for::<RawError>(),
        SchemaKind::Catalog => generator.into_root_schema_for::<RawConfig>(),
    };
    let (title, description) = match kind {
        SchemaKind::Error => (
            "errdex error file",
            "One API error: errors/<code>.yaml in an errdex catalog.",
        ),
        SchemaKind::Catalog => (
            "errdex catalog configuration",
            "errdex.yaml: the catalog's title, base URL, groups and envelopes.",
        ),
    };
    schema.insert("title".to_owned(), title.into());
    schema.insert("description".to_owned(), description.into());
    Ok(serde_json::to_string_pretty(&schema)?)
}

/// Removes the `format` schemars gives a Rust integer (`int64`, `uint64`, …).
///
/// JSON Schema defines no such format, and ajv, the usual validator in CI, refuses a
/// schema with a format it does not know (its strict mode, the default). The type
/// `integer` and the `minimum` beside it already say what they said.
fn no_numeric_formats(schema: &mut Schema) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    let numeric = |format: &str| {
        let bits = format
            .strip_prefix("uint")
            .or_else(|| format.strip_prefix("int"));
        bits.is_some_and(|bits| bits.is_empty() || bits.parse::<u8>().is_ok())
            || matches!(format, "float" | "double")
    };
    if object
        .get("format")
        .and_then(Value::as_str)
        .is_some_and(numeric)
    {
        object.remove("format");
    }
}

/// Widens every free-text field (`"type": "string"`) to accept numbers and booleans.
///
/// The loader reads whatever scalar stands where the format has text as the text it was
/// written as: `title: 404` is the title `404`, `id: 2` the group `2`, `title: true` the
/// title `true` (docs/catalog.md, "YAML rules"). An editor must not flag what `check`
/// accepts. A string with a `pattern`, a `const` or an `enum`, and a type that already
/// names numbers, were written by hand and are left alone: the codes', `since`'s and
/// the header values' schemas in `load::raw` say which numbers and booleans they take.
/// The text patterns ([`TEXT_PATTERNS`]: one line, not blank) are widened: a pattern
/// holds only for a string, and a number or boolean is one line, and not blank.
fn text_accepts_numbers_and_booleans(schema: &mut Schema) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    let text_pattern = object
        .get("pattern")
        .and_then(Value::as_str)
        .is_some_and(|pattern| TEXT_PATTERNS.contains(&pattern));
    if !text_pattern
        && ["pattern", "const", "enum"]
            .iter()
            .any(|key| object.contains_key(*key))
    {
        return;
    }
    let widened = match object.get("type") {
        Some(Value::String(kind)) if kind == "string" => {
            serde_json::json!(["string", "number", "boolean"])
        }
        Some(Value::Array(kinds))
            if kinds.iter().any(|kind| kind == "string")
                && !kinds.iter().any(|kind| kind == "number") =>
        {
            let mut kinds = kinds.clone();
            kinds.extend(["number".into(), "boolean".into()]);
            Value::Array(kinds)
        }
        _ => return,
    };
    object.insert("type".to_owned(), widened);
}
