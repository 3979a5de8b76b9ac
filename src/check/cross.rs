//! Cross-file checks: codes are unique and every id an error names exists.

use super::visible::visible;
use super::{ConfigFile, ErrorFile, at};
use crate::codes::is_valid_code;
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Position};
use crate::load::closest;
use crate::model::UNGROUPED_TITLE;
use std::collections::{BTreeMap, BTreeSet};

pub(super) fn check_cross_file(
    config: Option<&ConfigFile<'_>>,
    files: &[ErrorFile<'_>],
    unparsed: &[String],
    diagnostics: &mut Diagnostics,
) {
    let mut by_code: BTreeMap<&str, Vec<&ErrorFile<'_>>> = BTreeMap::new();
    for file in files {
        by_code
            .entry(file.raw.code.value.as_str())
            .or_default()
            .push(file);
    }
    for (code, defining) in &by_code {
        if defining.len() < 2 {
            continue;
        }
        // The usual way to a repeated code: a file copied to start a new error, its
        // `code` not changed yet. The file named after the code is right as it is, so
        // only the copies are told what to change.
        if let [owner] = defining
            .iter()
            .filter(|f| f.stem == *code)
            .collect::<Vec<_>>()[..]
        {
            for copy in defining.iter().filter(|f| f.stem != *code) {
                diagnostics.push(copied_code(code, owner, copy));
            }
            continue;
        }
        for file in defining {
            let others: Vec<String> = defining
                .iter()
                .filter(|o| o.source.path != file.source.path)
                .map(|o| format!("{}:{}", o.source.path, o.raw.code.referenced.line()))
                .collect();
            diagnostics.push(
                at(
                    file.source,
                    &file.raw.code,
                    Code::DuplicateCode,
                    format!("code `{code}` is also defined in {}", others.join(", ")),
                )
                .with_help(own_code_help(file.stem, code)),
            );
        }
    }

    // The page of `x.md` is written in the folder `errors/x.md/`, the very path of the
    // Markdown file of `x`: a site cannot hold both, so `check` must say so, not `build`.
    for (code, defining) in &by_code {
        let Some(stem) = code.strip_suffix(".md") else {
            continue;
        };
        let Some(other) = by_code.get(stem).and_then(|files| files.first()) else {
            continue;
        };
        for file in defining {
            diagnostics.push(
                at(
                    file.source,
                    &file.raw.code,
                    Code::DuplicateCode,
                    format!(
                        "code `{code}` clashes with `{stem}` ({}:{}): its page would be the folder `errors/{code}/`, where `{stem}`'s Markdown is written",
                        other.source.path,
                        other.raw.code.referenced.line()
                    ),
                )
                .with_help(format!(
                    "rename `{code}` and its file: a code cannot be another code followed by `.md`"
                )),
            );
        }
    }

    // Files that failed to parse still count under their stem, so their problems are not
    // echoed as "related code does not exist" in every file citing them.
    let codes: BTreeSet<&str> = by_code
        .keys()
        .copied()
        .chain(unparsed.iter().map(String::as_str))
        .collect();
    // Without a readable config, group and envelope ids cannot be judged.
    let Some(config) = config else { return };
    // Each id with its title: a writer may name a group or an envelope by the title the
    // pages show (`group: Messaging`), where its id is meant.
    let group_titles: Vec<(&str, &str)> = config
        .raw
        .groups
        .iter()
        .flat_map(|g| &g.value)
        .map(|g| (g.id.value.as_str(), g.title.value.as_str()))
        .collect();
    let envelope_titles: Vec<(&str, &str)> = config
        .raw
        .envelopes
        .iter()
        .flat_map(|e| &e.value)
        .map(|e| (e.id.value.as_str(), e.title.value.as_str()))
        .collect();
    let groups: Vec<&str> = group_titles.iter().map(|(id, _)| *id).collect();
    let envelopes: Vec<&str> = envelope_titles.iter().map(|(id, _)| *id).collect();

    warn_group_titled_like_ungrouped(config, files, diagnostics);

    for file in files {
        let (source, raw) = (file.source, file.raw);
        if let Some(group) = &raw.group
            && !groups.contains(&group.value.as_str())
        {
            diagnostics.push(
                at(
                    source,
                    group,
                    Code::UnknownGroup,
                    format!(
                        "group `{}` is not defined in errdex.yaml",
                        visible(&group.value)
                    ),
                )
                .with_help(meant("group", &group.value, &group_titles)),
            );
        }
        if let Some(envelope) = raw
            .response
            .as_ref()
            .and_then(|r| r.value.envelope.as_ref())
            && !envelopes.contains(&envelope.value.as_str())
        {
            diagnostics.push(
                at(
                    source,
                    envelope,
                    Code::UnknownEnvelope,
                    format!(
                        "envelope `{}` is not defined in errdex.yaml",
                        visible(&envelope.value)
                    ),
                )
                .with_help(meant("envelope", &envelope.value, &envelope_titles)),
            );
        }
        for related in raw.related.iter().flat_map(|r| &r.value) {
            if related.value == raw.code.value {
                diagnostics.push(
                    at(
                        source,
                        related,
                        Code::UnknownRelated,
                        "an error cannot be related to itself",
                    )
                    .with_help("remove this entry from `related`"),
                );
            } else if !codes.contains(related.value.as_str()) {
                diagnostics.push(
                    at(
                        source,
                        related,
                        Code::UnknownRelated,
                        format!("related code `{}` does not exist", visible(&related.value)),
                    )
                    .with_help(suggest_code(&related.value, &codes)),
                );
            }
        }
        if let Some(replaced_by) = &raw.replaced_by
            && replaced_by.value == raw.code.value
        {
            diagnostics.push(
                at(
                    source,
                    replaced_by,
                    Code::UnknownRelated,
                    "`replaced_by` names this error itself",
                )
                .with_help(
                    "name the error that replaces this one, or remove `replaced_by` if nothing does",
                ),
            );
        } else if let Some(replaced_by) = &raw.replaced_by
            && !codes.contains(replaced_by.value.as_str())
        {
            diagnostics.push(
                at(
                    source,
                    replaced_by,
                    Code::UnknownRelated,
                    format!(
                        "`replaced_by` names `{}`, which is not another error",
                        visible(&replaced_by.value)
                    ),
                )
                .with_help(suggest_code(&replaced_by.value, &codes)),
            );
        }
    }
    replaced_by_chains(&by_code, diagnostics);
}

/// The `replaced_by` chains: E016 for each error whose chain leads, error after error,
/// back to itself (`a` → `b` → `a`), as none of them is the current error a reader is
/// sent to, each reported in its own file, as each file's `replaced_by` is part of the
/// loop; and W021 for a `replaced_by` that names an error replaced in turn (`a` → `b`
/// → `c`), which sends a reader through a page that sends them on again.
///
/// Each error is walked once, so a chain of every error in the catalog costs one step
/// per error: walked from each error on its own, a chain of 20,000 took 26 s.
fn replaced_by_chains(
    by_code: &BTreeMap<&str, Vec<&ErrorFile<'_>>>,
    diagnostics: &mut Diagnostics,
) {
    #[derive(Clone, Copy)]
    enum Walked<'a> {
        /// On the walk being made.
        Now,
        /// Its chain ends at this error, which has no `replaced_by`.
        EndsAt(&'a str),
        /// Its chain ends in a loop, or at a code that is no error (E016 either way).
        Nowhere,
    }
    let file_of = |code: &str| by_code.get(code).and_then(|files| files.first().copied());
    let next = |code: &str| {
        let replaced_by = file_of(code)?.raw.replaced_by.as_ref()?;
        Some(replaced_by.value.as_str())
    };
    let mut walked: BTreeMap<&str, Walked<'_>> = BTreeMap::new();
    for &start in by_code.keys() {
        let mut walk: Vec<&str> = Vec::new();
        let mut at_code = start;
        let end = loop {
            match walked.get(at_code) {
                Some(Walked::Now) => {
                    // A loop: from where `at_code` was first met on this walk.
                    let from = walk.iter().position(|c| *c == at_code).unwrap_or(0);
                    report_loop(&walk[from..], &file_of, diagnostics);
                    break Walked::Nowhere;
                }
                Some(&end) => break end,
                None if file_of(at_code).is_none() => break Walked::Nowhere,
                None => {}
            }
            walked.insert(at_code, Walked::Now);
            walk.push(at_code);
            match next(at_code) {
                Some(following) => at_code = following,
                None => break Walked::EndsAt(at_code),
            }
        };
        for code in walk {
            walked.insert(code, end);
        }
    }
    // W021, now that every chain's end is known.
    for (&code, files) in by_code {
        let Some(file) = files.first() else { continue };
        let (Some(replaced_by), Some(Walked::EndsAt(current))) =
            (&file.raw.replaced_by, walked.get(code))
        else {
            continue;
        };
        let Some(then) = next(&replaced_by.value) else {
            continue;
        };
        diagnostics.push(
            at(
                file.source,
                replaced_by,
                Code::ReplacedInTurn,
                format!(
                    "`replaced_by` names `{}`, which is replaced in turn, by `{}`",
                    visible(&replaced_by.value),
                    visible(then)
                ),
            )
            .with_help(format!(
                "write `replaced_by: {}`, the error that replaces them all, so readers are not sent on twice",
                visible(current)
            )),
        );
    }
}

/// E016 for each error of `cycle`, in its own file, naming the loop from it.
fn report_loop<'a, 'f>(
    cycle: &[&'a str],
    file_of: &impl Fn(&str) -> Option<&'f ErrorFile<'f>>,
    diagnostics: &mut Diagnostics,
) {
    // `replaced_by` naming the error itself is reported on its own.
    if cycle.len() < 2 {
        return;
    }
    for (i, &code) in cycle.iter().enumerate() {
        let Some(file) = file_of(code) else { continue };
        let Some(replaced_by) = &file.raw.replaced_by else {
            continue;
        };
        let path: Vec<String> = cycle[i..]
            .iter()
            .chain(&cycle[..=i])
            .map(|c| format!("`{}`", visible(c)))
            .collect();
        diagnostics.push(
            at(
                file.source,
                replaced_by,
                Code::UnknownRelated,
                format!(
                    "`replaced_by` leads back to `{}` ({}): none of these errors replaces the others",
                    visible(code),
                    path.join(" → ")
                ),
            )
            .with_help("point `replaced_by` at the error to use now, which has no `replaced_by` of its own"),
        );
    }
}

pub(super) fn known(what: &str, ids: &[&str]) -> String {
    if ids.is_empty() {
        format!("errdex.yaml defines no {what}; add one under `{what}:`")
    } else {
        let list: Vec<String> = ids.iter().map(|i| format!("`{}`", visible(i))).collect();
        format!("defined {what}: {}", list.join(", "))
    }
}

/// The help for a `group` or `envelope` that names none of errdex.yaml's: the id meant
/// when the name is one's title or its id in another case, or a close misspelling of
/// an id; and the ids there are.
fn meant(what: &str, written: &str, ids_and_titles: &[(&str, &str)]) -> String {
    let ids: Vec<&str> = ids_and_titles.iter().map(|(id, _)| *id).collect();
    let list = known(&format!("{what}s"), &ids);
    let folded = written.trim().to_lowercase();
    let by_title = ids_and_titles
        .iter()
        .find(|(_, title)| title.trim().to_lowercase() == folded);
    if let Some((id, title)) = by_title {
        return format!(
            "`{}` is the title of {what} `{}`; name it by its id: `{what}: {}`; {list}",
            visible(title),
            visible(id),
            visible(id)
        );
    }
    let by_case = ids.iter().find(|id| id.to_lowercase() == folded);
    match by_case.copied().or_else(|| closest(written, &ids)) {
        Some(id) => format!("did you mean `{}`? {list}", visible(id)),
        None => list,
    }
}

fn suggest_code(code: &str, codes: &BTreeSet<&str>) -> String {
    let candidates: Vec<&str> = codes.iter().copied().collect();
    let best = candidates
        .iter()
        .map(|c| (strsim::jaro_winkler(code, c), *c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    match best {
        Some((_, c)) => format!("did you mean `{}`?", visible(c)),
        None => "use the `code` of an error in this catalog".to_owned(),
    }
}

/// W013 for a group titled like the section the overview and llms.txt give to errors in
/// no group ([`UNGROUPED_TITLE`]), when both are shown: the group has errors, and some
/// errors have no group.
fn warn_group_titled_like_ungrouped(
    config: &ConfigFile<'_>,
    files: &[ErrorFile<'_>],
    diagnostics: &mut Diagnostics,
) {
    let mut ungrouped = files.iter().filter(|f| f.raw.group.is_none());
    let Some(first) = ungrouped.next() else {
        return;
    };
    let count = 1 + ungrouped.count();
    let used: BTreeSet<&str> = files
        .iter()
        .filter_map(|f| f.raw.group.as_ref())
        .map(|g| g.value.as_str())
        .collect();
    let reserved = super::config::section_title_key(UNGROUPED_TITLE);
    for group in config.raw.groups.iter().flat_map(|g| &g.value) {
        if !used.contains(group.id.value.as_str())
            || super::config::section_title_key(&group.title.value) != reserved
        {
            continue;
        }
        let errors = if count == 1 {
            format!("`{}`", visible(&first.raw.code.value))
        } else {
            format!("{count} errors, `{}` first", visible(&first.raw.code.value))
        };
        diagnostics.push(
            at(
                config.source,
                &group.title,
                Code::SharedSectionTitle,
                format!(
                    "group title `{}` is also the title of the section of errors in no group ({errors})",
                    group.title.value.trim()
                ),
            )
            .with_help(format!(
                "the overview and llms.txt would show two sections of one name; give the group another title, or put those errors in it with `group: {}`",
                visible(&group.id.value)
            )),
        );
    }
}

/// E012 for `copy`, a file not named after its `code`, which is `owner`'s.
fn copied_code(code: &str, owner: &ErrorFile<'_>, copy: &ErrorFile<'_>) -> Diagnostic {
    let help = if is_valid_code(copy.stem) {
        format!(
            "set `code: {}`, the file's name: a copied file keeps the code it was copied from until it is changed",
            copy.stem
        )
    } else if let Some(left_out) = super::entry::how_to_leave_out(copy.stem) {
        left_out
    } else {
        "give this error a code of its own, and name its file after it (`<code>.yaml`)".to_owned()
    };
    at(
        copy.source,
        &copy.raw.code,
        Code::DuplicateCode,
        format!(
            "code `{code}` is the code of {}:{}; this file is named `{}`",
            owner.source.path,
            owner.raw.code.referenced.line(),
            visible(copy.stem)
        ),
    )
    .with_help(help)
}

/// E012's help for a file named `stem` that repeats `code`: when the file's name is not
/// the code, setting the code to the name is the fix (and E011, dropped by `supersede`,
/// would only say so again).
fn own_code_help(stem: &str, code: &str) -> String {
    if stem != code && is_valid_code(stem) {
        format!("set `code: {stem}`, the file's name: every error needs its own code")
    } else {
        "every error needs its own code; rename one of the files and its `code`".to_owned()
    }
}

/// Drops a file's E011 (its code is not its name) where an E012 (the code is another
/// file's too) stands at the same place: one mistake, one diagnostic. E012 names the
/// other file and gives the fix E011 would; E011 is a file's own check, made before the
/// other files are known, so it cannot tell.
pub(super) fn supersede(diagnostics: &mut Diagnostics, cross: &[Diagnostic]) {
    let copies: BTreeSet<(&str, Position)> = cross
        .iter()
        .filter(|d| d.code == Code::DuplicateCode)
        .map(|d| (d.file.as_str(), d.start))
        .collect();
    if copies.is_empty() {
        return;
    }
    diagnostics.retain(|d| {
        d.code != Code::CodeStemMismatch || !copies.contains(&(d.file.as_str(), d.start))
    });
}

#[cfg(test)]
mod tests {
    use super::super::check_files;
    use crate::load::{LoadedFile, load_catalog, parse_error};
    use crate::source::SourceFile;

    /// The diagnostics of `path` once the example's `original` file is edited by `edit`
    /// and saved as `path`, each as `code: message (help)`.
    fn check_edited(original: &str, path: &str, edit: impl Fn(&str) -> String) -> Vec<String> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("catalog");
        let Ok(mut catalog) = load_catalog(&root) else {
            panic!("the example catalog loads");
        };
        let text = catalog
            .errors
            .iter()
            .find(|f| f.path == original)
            .and_then(|f| f.source.as_ref())
            .map(|s| s.text.clone())
            .unwrap_or_default();
        let source = SourceFile::new(path, edit(&text));
        let raw = parse_error(&source).ok();
        assert!(raw.is_some(), "the edited file parses");
        catalog.errors.retain(|f| f.path != original);
        catalog.errors.push(LoadedFile {
            path: path.to_owned(),
            source: Some(source),
            raw,
            diagnostics: Vec::new(),
        });
        let checked = check_files(
            &catalog.config,
            &catalog.errors,
            &catalog.diagnostics,
            &catalog.static_files,
        );
        checked
            .diagnostics
            .iter()
            .filter(|d| d.file == path)
            .map(|d| {
                format!(
                    "{}: {} ({})",
                    d.code.id(),
                    d.message,
                    d.help.as_deref().unwrap_or("")
                )
            })
            .collect()
    }

    #[test]
    fn names_with_invisible_characters_are_shown_escaped() {
        // The same file under a name with a zero-width space, naming a group, an
        // envelope and two codes that hide one too.
        let found = check_edited(
            "errors/account_restricted.yaml",
            "errors/account\u{200b}_restricted.yaml",
            |text| {
                text.replace("group: auth", "group: \"auth\\u200b\"")
                    .replace("envelope: standard", "envelope: \"standard\\u2060\"")
                    .replace(
                        "  - permission_denied\n",
                        "  - \"permission\\u200b_denied\"\n",
                    )
                    .replace(
                        "since:",
                        "replaced_by: \"insufficient_balance\\ufe0f\"\nsince:",
                    )
            },
        );
        let expected = [
            "E011: code `account_restricted` does not match the file name `account\\u{200b}_restricted` (rename the file to `account_restricted.yaml`)",
            "E014: group `auth\\u{200b}` is not defined in errdex.yaml",
            "E015: envelope `standard\\u{2060}` is not defined in errdex.yaml",
            "E016: related code `permission\\u{200b}_denied` does not exist (did you mean `permission_denied`?)",
            "E016: `replaced_by` names `insufficient_balance\\u{fe0f}`, which is not another error (did you mean `insufficient_balance`?)",
        ];
        for expected in expected {
            assert!(
                found.iter().any(|f| f.starts_with(expected)),
                "{expected}\nnot among\n{found:#?}"
            );
        }
    }

    #[test]
    fn an_error_replaced_by_itself_is_told_so_without_a_suggestion_of_itself() {
        let found = check_edited(
            "errors/account_restricted.yaml",
            "errors/account_restricted.yaml",
            |text| text.replace("since:", "replaced_by: account_restricted\nsince:"),
        );
        assert_eq!(
            found,
            [
                "E016: `replaced_by` names this error itself (name the error that replaces this one, or remove `replaced_by` if nothing does)"
            ]
        );
    }
}
