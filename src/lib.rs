//! errdex: a folder of YAML error definitions → a checked, static documentation site.
//!
//! The pipeline is one-way and each stage is a module:
//! [`load`] (files → raw YAML types with spans) → [`check`] (raw → validated
//! [`model::Catalog`], every diagnostic collected) → `render` (catalog → in-memory
//! pages) → `write` (pages → output folder, atomically). Commands in [`cmd`] wire the
//! stages together; `watch` and `serve` reuse the same pipeline.

pub mod check;
pub mod cli;
pub mod cmd;
pub mod codes;
pub mod diagnostic;
#[doc(hidden)]
pub mod fuzzing;
pub mod http_status;
pub mod load;
pub mod markdown;
pub mod message_template;
pub mod model;
pub mod render;
pub mod report;
pub mod serve;
pub mod source;
pub mod watch;
pub mod write;
