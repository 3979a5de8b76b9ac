//! `errdex build`: check, then render and write the site.

use super::{Outcome, print_human, sources_of};
use crate::cli::BuildArgs;
use crate::diagnostic::{Code, Diagnostic};
use crate::render::{RenderOptions, Theme, render_site};
use anyhow::Context as _;
use std::time::Instant;

/// llms.txt past this many characters is too long for an agent's context.
const LLMS_TXT_WARN_CHARS: usize = 50_000;

pub(super) fn run(args: &BuildArgs) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let root = &args.catalog.catalog;
    crate::write::check_destination(&args.out, root, args.force)?;
    let base_url_override = args.base_url.as_deref().map(parse_base_url).transpose()?;

    let loaded = crate::load::load_catalog(root)?;
    let checked = crate::check::check(&loaded);
    let mut diagnostics = checked.diagnostics;
    let Some(mut catalog) = checked.catalog else {
        print_human(&diagnostics.sorted(), &sources_of(&loaded));
        return Ok(Outcome::CatalogErrors);
    };
    if let Some(base_url) = base_url_override {
        catalog.config.base_url = base_url;
    }

    let overrides = crate::load::load_theme_overrides(root)?;
    let theme = Theme::new(&overrides)?;
    let files = render_site(&catalog, &theme, &RenderOptions::default())?;

    let llms_chars = char_count(&files, "llms.txt");
    if llms_chars > LLMS_TXT_WARN_CHARS {
        diagnostics.push(
            Diagnostic::whole_file(
                Code::LlmsTxtTooLong,
                crate::load::CONFIG_FILE,
                format!("llms.txt is {llms_chars} characters, over {LLMS_TXT_WARN_CHARS}"),
            )
            .with_help(
                "agents read llms.txt whole; shorten summaries or split the catalog into groups",
            ),
        );
    }
    let fails = diagnostics.fails(args.strict);
    print_human(&diagnostics.sorted(), &sources_of(&loaded));
    if fails {
        return Ok(Outcome::CatalogErrors);
    }

    crate::write::write_site(&args.out, &files)
        .with_context(|| format!("the previous site in `{}` is unchanged", args.out.display()))?;

    let bytes: usize = files.values().map(Vec::len).sum();
    let full_chars = char_count(&files, "llms-full.txt");
    eprintln!(
        "Built {} errors into {}: {} files, {}; llms.txt {} chars (~{} tokens), llms-full.txt {} chars (~{} tokens) in {} ms",
        catalog.errors.len(),
        args.out.display(),
        files.len() + 1,
        human_bytes(bytes),
        llms_chars,
        llms_chars / 4,
        full_chars,
        full_chars / 4,
        started.elapsed().as_millis()
    );
    Ok(Outcome::Success)
}

fn char_count(files: &crate::render::Files, path: &str) -> usize {
    files
        .get(path)
        .map_or(0, |bytes| String::from_utf8_lossy(bytes).chars().count())
}

fn human_bytes(bytes: usize) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{:.1} KiB", bytes as f64 / 1024.0)
    }
}

/// Validates `--base-url`: an absolute http(s) URL.
pub(crate) fn parse_base_url(text: &str) -> anyhow::Result<String> {
    match url::Url::parse(text) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host_str().is_some() => {
            Ok(crate::check::normalize_base_url(text))
        }
        _ => anyhow::bail!(
            "--base-url `{text}` is not an absolute http(s) URL\n  help: e.g. --base-url https://docs.example.com/errors"
        ),
    }
}
