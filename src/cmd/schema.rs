//! `errdex schema`: JSON Schema of the YAML format, for editor completion.
//!
//! Generated from the same Rust types the loader deserializes, so the schema cannot
//! drift from what `check` accepts. Doc comments on those types become the
//! `description` an editor shows on hover.

use super::Outcome;
use crate::cli::{SchemaArgs, SchemaKind};
use crate::load::raw::{RawConfig, RawError};
use schemars::generate::SchemaSettings;

pub(super) fn run(args: &SchemaArgs) -> anyhow::Result<Outcome> {
    println!("{}", schema_json(args.kind)?);
    Ok(Outcome::Success)
}

/// The schema of `errdex.yaml` or of an error file, as pretty JSON.
pub fn schema_json(kind: SchemaKind) -> anyhow::Result<String> {
    let generator = SchemaSettings::draft2020_12().into_generator();
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
