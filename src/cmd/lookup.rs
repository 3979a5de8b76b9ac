//! `errdex lookup "MESSAGE"`: which error a concrete message belongs to.
//!
//! Uses the same template matcher as the checker: a `{placeholder}` matches any
//! non-empty text. The site's search runs the same rule in JavaScript.

use super::{Outcome, left_out_note, readable_catalog};
use crate::cli::LookupArgs;
use crate::message_template::Template;
use serde::Serialize;

#[derive(Serialize)]
struct Match<'a> {
    code: &'a str,
    status: u16,
    title: &'a str,
    summary: String,
    message: &'a str,
    url: String,
}

/// Exit 0 with a match and 1 without, as `grep` does, so scripts can branch on it;
/// a catalog that cannot be searched (errdex.yaml has errors) is exit 2.
pub(super) fn run(args: &LookupArgs) -> anyhow::Result<Outcome> {
    let readable = readable_catalog(&args.catalog.catalog, |path| {
        path == crate::load::CONFIG_FILE
    })?;
    let Some(catalog) = readable.catalog else {
        anyhow::bail!(
            "{} has errors (above), so the catalog cannot be searched",
            crate::load::CONFIG_FILE
        );
    };
    if !readable.left_out.is_empty() {
        eprintln!(
            "{}",
            left_out_note(readable.left_out.len(), "did not search")
        );
    }
    let wanted = args.message.trim();
    let matches: Vec<Match<'_>> = catalog
        .errors
        .iter()
        .flat_map(|entry| entry.messages.iter().map(move |m| (entry, m)))
        .filter(|(_, m)| Template::parse(&m.message).matches(wanted))
        .map(|(entry, m)| Match {
            code: &entry.code,
            status: entry.status,
            title: &entry.title,
            summary: crate::markdown::to_plain_text(&entry.summary),
            message: &m.message,
            url: catalog.page_url(&entry.code),
        })
        .collect();
    if args.json {
        println!("{}", serde_json::to_string_pretty(&matches)?);
    } else if matches.is_empty() {
        eprintln!("no error in the catalog has a message matching \"{wanted}\"");
    } else {
        for m in &matches {
            println!(
                "{} (HTTP {}): {}\n  {}\n  message: {}\n  {}",
                m.code, m.status, m.title, m.summary, m.message, m.url
            );
        }
    }
    Ok(if matches.is_empty() {
        Outcome::CatalogErrors
    } else {
        Outcome::Success
    })
}
