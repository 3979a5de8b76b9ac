//! `errdex explain CODE`: an error's Markdown in the terminal, like `rustc --explain`.

use super::{Outcome, left_out_note, readable_catalog};
use crate::cli::ExplainArgs;
use crate::codes::spells_code;
use std::io::{IsTerminal, Write};

pub(super) fn run(args: &ExplainArgs) -> anyhow::Result<Outcome> {
    let code = args.code.as_str();
    // A check's diagnostic (`warning[W017]`), as rustc explains its own. Only as printed,
    // in upper case: every error code of a catalog is lower case (E010). Outside a
    // catalog, `e001` can only mean the diagnostic.
    let no_catalog = || !args.catalog.catalog.join(crate::load::CONFIG_FILE).exists();
    let diagnostic = diagnostic_section(code)
        .or_else(|| diagnostic_section(&code.to_ascii_uppercase()).filter(|_| no_catalog()));
    if let Some(explained) = diagnostic {
        print_markdown(explained)?;
        return Ok(Outcome::Success);
    }
    // Quoted in the messages below; a code pasted from a log can hold a terminal's
    // control sequences.
    let shown = crate::check::printable(code);
    // The file of the code asked for, whatever its extension, and whether the code is
    // written as in the catalog or as the API sends it (`INVALID_ARGUMENT` for the error
    // `invalid_argument`: E010 keeps codes lower case, logs and dashboards do not).
    let is_its_file = |path: &str| {
        let name = path.rsplit('/').next().unwrap_or(path);
        name.rsplit_once('.')
            .is_some_and(|(stem, _)| spells_code(code, stem))
    };
    let readable = readable_catalog(&args.catalog.catalog, |path| {
        path == crate::load::CONFIG_FILE || is_its_file(path)
    })?;
    // Its diagnostics, or errdex.yaml's, are printed above.
    let Some(catalog) = readable.catalog else {
        return Ok(Outcome::CatalogErrors);
    };
    if readable.left_out.iter().any(|path| is_its_file(path)) {
        eprintln!("error: `{shown}` has errors (above); fix them to explain it");
        return Ok(Outcome::CatalogErrors);
    }
    // The code as written, else the one error it spells.
    let found = catalog.errors.iter().find(|e| e.code == code).or_else(|| {
        let mut spelled = catalog.errors.iter().filter(|e| spells_code(code, &e.code));
        spelled.next().filter(|_| spelled.next().is_none())
    });
    let Some(entry) = found else {
        let codes: Vec<&str> = catalog.errors.iter().map(|e| e.code.as_str()).collect();
        let hint = diagnostic_hint(code)
            .unwrap_or_else(|| not_found_hint(&code.to_ascii_lowercase(), &codes));
        eprintln!("error: no error with code `{shown}` in the catalog\n  help: {hint}");
        // The code may be in one of them, under another file name (E011).
        if !readable.left_out.is_empty() {
            eprintln!("{}", left_out_note(readable.left_out.len(), "left out"));
        }
        return Ok(Outcome::CatalogErrors);
    };
    if !readable.left_out.is_empty() {
        eprintln!("{}", left_out_note(readable.left_out.len(), "left out"));
    }
    let index = crate::render::views::Index::new(&catalog);
    print_markdown(&crate::render::agent::error_markdown(&index, entry))?;
    Ok(Outcome::Success)
}

/// Markdown on stdout: styled for a terminal, as it is for a pipe.
fn print_markdown(markdown: &str) -> std::io::Result<()> {
    if std::io::stdout().is_terminal() {
        page(&style_for_terminal(markdown))
    } else {
        page(markdown)
    }
}

/// Every diagnostic explained, with an example of its output: the same file the
/// documentation shows, whose examples a test keeps equal to the fixtures' output.
const DIAGNOSTICS_DOC: &str = include_str!("../../docs/diagnostics.md");

/// The help for a code no error of the catalog has, that looks like a check's
/// diagnostic: written in lower case (`w017`), or one that does not exist (`W999`).
fn diagnostic_hint(code: &str) -> Option<String> {
    let upper = code.to_ascii_uppercase();
    let bytes = upper.as_bytes();
    let shaped = bytes.len() == 4
        && matches!(bytes[0], b'E' | b'W')
        && bytes[1..].iter().all(u8::is_ascii_digit);
    if !shaped {
        return None;
    }
    if diagnostic_section(&upper).is_some() {
        return Some(format!(
            "to explain the check's diagnostic, write it as `check` prints it: `errdex explain {upper}`"
        ));
    }
    // The first and last code of a kind: `E001–E044`.
    let range = |prefix: char| {
        let mut ids = crate::diagnostic::Code::ALL
            .iter()
            .map(|c| c.id())
            .filter(|id| id.starts_with(prefix));
        let first = ids.next().unwrap_or_default();
        format!("{first}–{}", ids.next_back().unwrap_or(first))
    };
    Some(format!(
        "`{upper}` is no diagnostic of `check` either: errors are {}, warnings {} (docs/diagnostics.md)",
        range('E'),
        range('W')
    ))
}

/// The section of `docs/diagnostics.md` about the diagnostic `id` (`W017`), from its
/// `## W017` heading to the next section, when `id` is a diagnostic's code as printed.
fn diagnostic_section(id: &str) -> Option<&'static str> {
    let code = crate::diagnostic::Code::ALL.iter().find(|c| c.id() == id)?;
    let heading = format!("## {}\n", code.id());
    let start = DIAGNOSTICS_DOC.find(&heading)?;
    let rest = &DIAGNOSTICS_DOC[start..];
    let end = rest[heading.len()..]
        .find("\n## ")
        .map_or(rest.len(), |at| heading.len() + at + 1);
    Some(&rest[..end])
}

/// Bold headings and dimmed blockquotes; the Markdown stays readable as it is.
/// The help under "no error with code …": the closest code, or the codes themselves when
/// there are few. A catalog of thousands is not listed: `errdex lookup` finds an error
/// by the message the API sent.
fn not_found_hint(code: &str, codes: &[&str]) -> String {
    /// Up to this many codes are listed.
    const LISTED: usize = 20;
    if let Some(closest) = crate::load::closest(code, codes) {
        return format!("did you mean `{closest}`?");
    }
    match codes.len() {
        0 => "the catalog has no error that loads".to_owned(),
        n if n <= LISTED => crate::load::did_you_mean(code, codes),
        n => format!(
            "none of the catalog's {n} codes is close; to find an error by the message the API sent, run `errdex lookup \"MESSAGE\"`"
        ),
    }
}

fn style_for_terminal(markdown: &str) -> String {
    let mut in_fence = false;
    let mut out = String::with_capacity(markdown.len() + 256);
    for line in markdown.lines() {
        if line.starts_with("```") {
            in_fence = !in_fence;
            out.push_str(&format!("\x1b[2m{line}\x1b[0m\n"));
        } else if in_fence {
            out.push_str(&format!("\x1b[36m{line}\x1b[0m\n"));
        } else if line.starts_with('#') {
            out.push_str(&format!("\x1b[1m{line}\x1b[0m\n"));
        } else if line.starts_with('>') {
            out.push_str(&format!("\x1b[2m{line}\x1b[0m\n"));
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// Prints through `$PAGER` (default `less -R`) when the text is longer than the
/// terminal, and straight to stdout otherwise or when piped.
fn page(text: &str) -> std::io::Result<()> {
    let tall = text.lines().count() > 40;
    if std::io::stdout().is_terminal() && tall {
        let pager = std::env::var("PAGER")
            .ok()
            .filter(|p| !p.trim().is_empty())
            .unwrap_or_else(|| "less -R".to_owned());
        let mut parts = pager.split_whitespace();
        if let Some(program) = parts.next()
            && let Ok(mut child) = std::process::Command::new(program)
                .args(parts)
                .stdin(std::process::Stdio::piped())
                .spawn()
        {
            if let Some(mut stdin) = child.stdin.take() {
                let _ = stdin.write_all(text.as_bytes());
            }
            child.wait()?;
            return Ok(());
        }
    }
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()) {
        // A closed pipe (`errdex explain x | head`) is not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}
