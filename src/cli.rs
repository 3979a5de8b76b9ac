//! Command-line arguments. Parsing only: no command here touches the file system.

use crate::report::Format;
use clap::{Args, Parser, Subcommand};
use std::path::{Path, PathBuf};

/// Turn a folder of YAML error definitions into a checked, static documentation site.
#[derive(Debug, Parser)]
#[command(name = "errdex", version, about, long_about = None)]
pub struct Cli {
    /// Print only diagnostics and errors, no progress or summary lines.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// Log what errdex does (-v: debug, -vv: trace); `ERRDEX_LOG` overrides, e.g. `ERRDEX_LOG=errdex=debug`.
    #[arg(long, short, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    #[command(subcommand)]
    pub command: Command,
}

/// The catalog folder, shared by every command.
#[derive(Debug, Args, Clone)]
pub struct CatalogArg {
    /// The catalog folder (holds errdex.yaml and errors/).
    #[arg(long, value_name = "DIR", default_value_os_t = default_catalog())]
    pub catalog: PathBuf,
}

/// `site`, beside the catalog; `../site` when run inside the catalog folder
/// ([`default_catalog`] is `.`), the same folder as from the one above, since a site is
/// never written into its catalog.
pub fn default_out() -> PathBuf {
    if default_catalog() == Path::new(".") {
        PathBuf::from("../site")
    } else {
        PathBuf::from("site")
    }
}

/// `catalog`, the folder `errdex init` creates, or `.` when run inside a catalog: where
/// there is no `catalog` folder but an errdex.yaml, the writer is in the catalog they
/// mean, as `cargo` finds its Cargo.toml.
pub fn default_catalog() -> PathBuf {
    let beside = Path::new("catalog");
    if !beside.exists() && Path::new(crate::load::CONFIG_FILE).is_file() {
        PathBuf::from(".")
    } else {
        beside.to_owned()
    }
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
    /// Rebuild the site whenever the catalog changes.
    #[command(after_help = "Example:\n  errdex watch --catalog catalog --out site")]
    Watch(WatchArgs),
    /// Build in memory, serve on 127.0.0.1, rebuild on change and live-reload the browser.
    ///
    /// The served site carries a live-reload script, so it is kept in memory and never
    /// written to disk; run `errdex build` to write the site you publish.
    #[command(
        after_help = "Examples:\n  errdex serve --open\n  errdex serve --port 8080 --poll   # on WSL, Docker volumes or network drives"
    )]
    Serve(ServeArgs),
    /// Print an error's documentation as Markdown (like `rustc --explain`).
    #[command(after_help = "Example:\n  errdex explain rate_limited")]
    Explain(ExplainArgs),
    /// Find the error code a concrete API message belongs to.
    #[command(after_help = "Example:\n  errdex lookup \"Shipment shp_123 not found\"")]
    Lookup(LookupArgs),
    /// Write a new, valid error file with every section stubbed.
    #[command(
        after_help = "Example:\n  errdex new card_declined --status 402 --title \"Card declined\" --group billing"
    )]
    New(NewArgs),
    /// Print the JSON Schema of error files (or of errdex.yaml), for editor completion.
    #[command(
        after_help = "Examples:\n  errdex schema > errdex.schema.json\n  errdex schema --catalog-file > errdex.config.schema.json"
    )]
    Schema(SchemaArgs),
    /// Print shell completions.
    #[command(
        after_help = "Example:\n  errdex completions bash > ~/.local/share/bash-completion/completions/errdex"
    )]
    Completions(CompletionsArgs),
    /// Create a new, minimal catalog that checks and builds.
    #[command(
        after_help = "Example:\n  errdex init docs/errors && errdex build --catalog docs/errors"
    )]
    Init(InitArgs),
}

/// `errdex explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    #[command(flatten)]
    pub catalog: CatalogArg,
    /// The error code, e.g. `rate_limited` (or `RATE_LIMITED`, as the API sends it), or a
    /// diagnostic of `check` as it prints it, e.g. `W017`.
    pub code: String,
}

/// `errdex lookup`.
#[derive(Debug, Args)]
pub struct LookupArgs {
    #[command(flatten)]
    pub catalog: CatalogArg,
    /// A message as the API returned it; quotes around it, its case, and a log line or
    /// JSON body around it are forgiven.
    pub message: String,
    /// Print matches as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `errdex new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    #[command(flatten)]
    pub catalog: CatalogArg,
    /// The new error's code (also its file name), e.g. `card_declined`.
    pub code: String,
    /// HTTP status, 400–599.
    #[arg(long)]
    pub status: u16,
    /// Short human title, one line (default: the status's reason phrase, else the code).
    #[arg(long)]
    pub title: Option<String>,
    /// Group id from errdex.yaml.
    #[arg(long)]
    pub group: Option<String>,
}

/// `errdex init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder to create the catalog in.
    #[arg(default_value = "catalog")]
    pub dir: PathBuf,
}

/// Options shared by `watch` and `serve`.
#[derive(Debug, Args)]
pub struct WatchFlags {
    #[command(flatten)]
    pub catalog: CatalogArg,
    /// Poll for changes instead of using file-system events (network drives, WSL, containers).
    #[arg(long)]
    pub poll: bool,
    /// Milliseconds of quiet after a change before rebuilding.
    #[arg(long, value_name = "MS", default_value_t = 30)]
    pub debounce: u64,
}

/// `errdex watch`.
#[derive(Debug, Args)]
pub struct WatchArgs {
    #[command(flatten)]
    pub watch: WatchFlags,
    /// Output folder [default: site, or ../site run inside the catalog folder].
    #[arg(long, value_name = "DIR", default_value_os_t = default_out(), hide_default_value = true)]
    pub out: PathBuf,
    /// Replace the output folder even if errdex did not create it.
    #[arg(long)]
    pub force: bool,
}

/// `errdex serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub watch: WatchFlags,
    /// Port to listen on; the next free one is used if it is taken (0: any free port).
    #[arg(long, default_value_t = 3000)]
    pub port: u16,
    /// Address to listen on. Anything but loopback exposes your drafts to the network.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    /// Open the site in the default browser.
    #[arg(long)]
    pub open: bool,
}

/// `errdex build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub catalog: CatalogArg,
    /// Output folder [default: site, or ../site run inside the catalog folder].
    #[arg(long, value_name = "DIR", default_value_os_t = default_out(), hide_default_value = true)]
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
    /// How to print diagnostics (`github` annotates the pull request in GitHub Actions).
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
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

/// Which file format `errdex schema` describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaKind {
    /// `errors/<code>.yaml`.
    Error,
    /// `errdex.yaml`.
    Catalog,
}

/// `errdex schema`.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Describe errdex.yaml instead of error files.
    #[arg(long = "catalog-file")]
    catalog_file: bool,
    /// Describe error files (the default).
    #[arg(long = "error", conflicts_with = "catalog_file")]
    error: bool,
    /// Set from the flags.
    #[arg(skip = SchemaKind::Error)]
    pub kind: SchemaKind,
}

impl SchemaArgs {
    /// Resolves the flags into a kind.
    pub fn resolve(mut self) -> Self {
        self.kind = if self.catalog_file && !self.error {
            SchemaKind::Catalog
        } else {
            SchemaKind::Error
        };
        self
    }
}

/// `errdex completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    pub shell: clap_complete::Shell,
}
