//! Command-line arguments. Parsing only: no command here touches the file system.

use crate::report::Format;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Turn a folder of YAML error definitions into a checked, static documentation site.
#[derive(Debug, Parser)]
#[command(name = "errdex", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// The catalog folder, shared by every command.
#[derive(Debug, Args, Clone)]
pub struct CatalogArg {
    /// The catalog folder (holds errdex.yaml and errors/).
    #[arg(long, value_name = "DIR", default_value = "catalog")]
    pub catalog: PathBuf,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the catalog, then render the site into the output folder.
    #[command(
        after_help = "Example:\n  errdex build --catalog catalog --out site --base-url https://docs.example.com/errors"
    )]
    Build(BuildArgs),
    /// Check the catalog and report every problem, without writing anything.
    #[command(
        after_help = "Examples:\n  errdex check\n  errdex check --format github --strict   # in CI"
    )]
    Check(CheckArgs),
}

/// `errdex build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub catalog: CatalogArg,
    /// Output folder.
    #[arg(long, value_name = "DIR", default_value = "site")]
    pub out: PathBuf,
    /// Publish under this URL instead of `base_url` from errdex.yaml.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Replace the output folder even if errdex did not create it.
    #[arg(long)]
    pub force: bool,
    /// Fail on warnings too.
    #[arg(long)]
    pub strict: bool,
}

/// `errdex check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub catalog: CatalogArg,
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// Fail on warnings too.
    #[arg(long)]
    pub strict: bool,
}
