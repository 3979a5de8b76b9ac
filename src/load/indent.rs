//! Indentation mistakes, told as such. YAML reads a key indented one step too far or
//! too little as something else than a misplaced key (the value above it going on, or
//! a field of the mapping around), and its parser's message says what it read; these
//! read the lines around the place it stopped to say what the writer did.

use crate::source::{SourceFile, lines};

/// A line of the form `key: …` or `- key: …`, with a bare key (no quotes or spaces).
struct KeyLine<'a> {
    key: &'a str,
    /// The 1-based column of the key's first character.
    column: usize,
    /// Whether the key has a value on the line, as `action: stop` does and `agent:` not.
    has_value: bool,
}

impl<'a> KeyLine<'a> {
    fn of(line: &'a str) -> Option<Self> {
        let indent = indent_of(line);
        let mut rest = &line[indent..];
        let mut column = indent + 1;
        while let Some(item) = rest.strip_prefix("- ") {
            let spaces = indent_of(item);
            column += 2 + spaces;
            rest = &item[spaces..];
        }
        let (key, after) = rest.split_once(':')?;
        let bare = !key.is_empty()
            && key
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'));
        let value = after.strip_prefix([' ', '\t']).map(str::trim);
        if !bare || !(after.is_empty() || value.is_some()) {
            return None;
        }
        let has_value = value.is_some_and(|v| !v.is_empty() && !v.starts_with('#'));
        Some(KeyLine {
            key,
            column,
            has_value,
        })
    }
}

/// How many spaces a line starts with.
fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// The lines above the 1-based `line` that are neither blank nor a comment, nearest
/// first, with their numbers. The file's lines are read once, however far up a caller
/// walks (past a long block's text, say).
fn lines_above(source: &SourceFile, line: usize) -> impl Iterator<Item = (usize, &str)> {
    let all: Vec<&str> = lines(&source.text).take(line.saturating_sub(1)).collect();
    all.into_iter()
        .enumerate()
        .rev()
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map(|(i, l)| (i + 1, l))
}

/// A key out of line with the keys of its mapping, where YAML's parser stopped: one
/// diagnostic that says so replaces the parser's message, and whatever the typed parse
/// made of the lines from `above_line` on.
pub(super) struct MisplacedKey {
    /// The message and help for the diagnostic where the parser stopped.
    pub message: String,
    pub help: String,
    /// The first line the mistake bears on: the key above whose value YAML read on, or
    /// the key that opens the mapping.
    pub above_line: usize,
}

impl MisplacedKey {
    /// `at`: where the parser stopped, at the key or at its colon.
    pub fn at(source: &SourceFile, at: crate::diagnostic::Position) -> Option<Self> {
        deeper_key(source, at).or_else(|| between_key(source, at))
    }
}

/// A key indented more than the `key: value` line above it:
///
/// ```yaml
/// agent:
///   action: stop
///     guidance: Stop.
/// ```
///
/// YAML reads the line as `action`'s value going on, and stops at the second key's
/// colon ("mapping values are not allowed"); after a quoted value, which cannot go on,
/// or a comment, which ends it, at the key itself ("did not find expected key").
fn deeper_key(source: &SourceFile, at: crate::diagnostic::Position) -> Option<MisplacedKey> {
    let line = lines(&source.text).nth(at.line.checked_sub(1)?)?;
    let this = KeyLine::of(line)?;
    let colon = this.column + this.key.chars().count();
    if at.column != colon && at.column != this.column {
        return None;
    }
    let mut above = lines_above(source, at.line);
    let (above_line, above_text) = above.next()?;
    let before = above.next();
    let above = KeyLine::of(above_text)?;
    if !above.has_value || this.column <= above.column {
        return None;
    }
    // The line above may be the one out of place (`header:` pulled to the margin
    // under `retry_after:`, this line rightly under it): then which line to move is
    // not clear from these two, and the parser's own message stands.
    let misplaced_above = before
        .and_then(|(_, text)| KeyLine::of(text))
        .is_some_and(|before| {
            if before.has_value {
                before.column > above.column
            } else {
                before.column >= above.column
            }
        });
    if misplaced_above {
        return None;
    }
    let (key, above_key) = (this.key, above.key);
    let indent = match above.column - 1 {
        0 => "start it at the left margin".to_owned(),
        n => format!("indent it by {n} spaces"),
    };
    Some(MisplacedKey {
        message: format!("`{key}:` is indented more than `{above_key}:` above it"),
        help: format!(
            "YAML reads a line indented more than `{above_key}: …` as that value going on; if `{key}` is a field beside `{above_key}`, {indent}, as `{above_key}:` is"
        ),
        above_line,
    })
}

/// A key indented less than the key above it, but more than the key that opens their
/// mapping, so it lines up with neither:
///
/// ```yaml
/// agent:
///    action: stop
///   guidance: Stop.
/// ```
///
/// YAML ends `action`'s mapping at the line, finds no mapping that starts in its
/// column, and stops at the key ("did not find expected key"), after the typed parse
/// has found `agent` without `guidance`.
fn between_key(source: &SourceFile, at: crate::diagnostic::Position) -> Option<MisplacedKey> {
    let line = lines(&source.text).nth(at.line.checked_sub(1)?)?;
    let this = KeyLine::of(line)?;
    if at.column != this.column {
        return None;
    }
    // The key line above, past the text of a block (`guidance: |` and its lines), which
    // is indented further than this key.
    let mut above = lines_above(source, at.line);
    let (sibling_line, sibling_text, sibling) = loop {
        let (number, text) = above.next()?;
        match KeyLine::of(text) {
            Some(key_line) => break (number, text, key_line),
            None if indent_of(text) >= this.column => continue,
            None => return None,
        }
    };
    if sibling.column <= this.column {
        return None;
    }
    let (key, sibling_key) = (this.key, sibling.key);
    // A list item's first key (`- cause: A`), with this key between its `-` and it:
    // only this key can move, as `- ` places the other.
    if sibling_text.trim_start().starts_with("- ") && indent_of(sibling_text) < this.column {
        return Some(MisplacedKey {
            message: format!(
                "`{key}:` is not lined up with `{sibling_key}:` on line {sibling_line}, the first key of its list item"
            ),
            help: format!(
                "the keys of a list item start in the column of its first key, after `- `; indent `{key}` by {} spaces, as `{sibling_key}` is",
                sibling.column - 1
            ),
            above_line: sibling_line,
        });
    }
    // Up past the rest of the sibling's mapping (its keys, their values and blocks, all
    // in its column or further in) to the line that opens it.
    let (opener_line, opener_text) =
        above.find(|(_, text)| indent_of(text) + 1 < sibling.column)?;
    let opener = KeyLine::of(opener_text)?;
    if opener.has_value || opener.column >= this.column {
        return None;
    }
    let opener_key = opener.key;
    Some(MisplacedKey {
        message: format!(
            "`{key}:` is not lined up with `{sibling_key}:` on line {sibling_line}, the key above it under `{opener_key}:`"
        ),
        help: format!(
            "the keys of one mapping start in the same column; indent `{key}` by {} spaces, as `{sibling_key}` is, or the keys above it under `{opener_key}:` by {}, as `{key}` is",
            sibling.column - 1,
            this.column - 1
        ),
        above_line: opener_line,
    })
}

/// For an unknown key at `start`: the help when it is indented less than the
/// `key: value` line above it, so it left the mapping it belongs to:
///
/// ```yaml
/// agent:
///   action: stop
/// guidance: Stop.
/// ```
pub(super) fn less_indented_help(
    source: &SourceFile,
    start: crate::diagnostic::Position,
    key: &str,
) -> Option<String> {
    // The key line above, past the text of a block (`guidance: |` and its lines), which
    // is indented further than the key.
    let mut above = lines_above(source, start.line);
    let (above_line, above) = loop {
        let (number, text) = above.next()?;
        match KeyLine::of(text) {
            Some(key_line) => break (number, key_line),
            None if indent_of(text) >= start.column => continue,
            None => return None,
        }
    };
    let above_key = above.key;
    if above.has_value && above.column > start.column {
        return Some(format!(
            "`{key}` is less indented than `{above_key}:` on line {above_line}, so YAML reads it as a field of the mapping around that one; if it belongs beside `{above_key}`, indent it by {} spaces as that key is",
            above.column - 1
        ));
    }
    // `retry_after:` then `header: …` at its own indentation: the mapping it opens is
    // empty, and the key is read beside it.
    (!above.has_value && above.column == start.column).then(|| {
        format!(
            "`{above_key}:` on line {above_line} opens a mapping, and `{key}` is no further in than it, so YAML reads `{key}` beside `{above_key}`, not in it; to put it in, indent it by {} spaces",
            above.column + 1
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Position;

    fn source(text: &str) -> SourceFile {
        SourceFile::new("errors/x.yaml", text.to_owned())
    }

    #[test]
    fn a_key_line_is_a_bare_key_with_a_value_or_none() {
        let of = |line| KeyLine::of(line).map(|k| (k.key, k.column, k.has_value));
        assert_eq!(of("  action: stop"), Some(("action", 3, true)));
        assert_eq!(of("agent:"), Some(("agent", 1, false)));
        assert_eq!(of("  - cause: Typo"), Some(("cause", 5, true)));
        assert_eq!(of("body: |"), Some(("body", 1, true)));
        assert_eq!(of("agent:  # the agent"), Some(("agent", 1, false)));
        for not_a_key in ["  Wait and retry.", "\"a b\": c", "a b: c", "key:value"] {
            assert!(of(not_a_key).is_none(), "{not_a_key}");
        }
    }

    #[test]
    fn a_key_indented_under_a_value_is_told_to_line_up() {
        let deeper =
            |text: &str, line, column| deeper_key(&source(text), Position { line, column });
        let text = "agent:\n  action: stop\n\n    guidance: Stop.\n";
        let found = deeper(text, 4, 13).expect("a deeper key");
        assert_eq!(
            found.message,
            "`guidance:` is indented more than `action:` above it"
        );
        assert!(
            found
                .help
                .ends_with("indent it by 2 spaces, as `action:` is"),
            "{}",
            found.help
        );
        assert_eq!(found.above_line, 2);
        // At the key itself, where the parser stops after a quoted value.
        let quoted = "agent:\n  action: \"stop\"\n    guidance: Stop.\n";
        assert!(deeper(quoted, 3, 5).is_some());
        // At the top level.
        let top = deeper("title: T\n  summary: S.\n", 2, 10).expect("a deeper key");
        assert!(
            top.help
                .ends_with("start it at the left margin, as `title:` is"),
            "{}",
            top.help
        );
        // The line above is the one pulled out of its mapping: no advice to move this one.
        assert!(deeper("retry_after:\nheader: Retry-After\n  seconds: 5\n", 3, 10).is_none());
        assert!(
            deeper(
                "causes:\n  - cause: Z\nresolution: W\n  - cause: V\n",
                4,
                10
            )
            .is_none()
        );
        // Under a key that opens a mapping, deeper is right; elsewhere on the line, the
        // colon is inside a value.
        assert!(deeper("agent:\n    guidance: Stop.\n", 2, 13).is_none());
        assert!(deeper(text, 4, 20).is_none());
    }

    #[test]
    fn a_key_between_its_mapping_and_the_keys_above_is_told_to_line_up() {
        let between =
            |text: &str, line, column| between_key(&source(text), Position { line, column });
        let found = between("agent:\n   action: stop\n  guidance: G.\n", 3, 3).expect("found");
        assert_eq!(
            found.message,
            "`guidance:` is not lined up with `action:` on line 2, the key above it under `agent:`"
        );
        assert!(
            found.help.ends_with(
                "indent `guidance` by 3 spaces, as `action` is, or the keys above it under `agent:` by 2, as `guidance` is"
            ),
            "{}",
            found.help
        );
        assert_eq!(found.above_line, 1);
        // Past a block's text, to the key that holds it.
        let block =
            "agent:\n   action: stop\n   guidance: |\n     Wait.\n\n     Then retry.\n  since: 1\n";
        let found = between(block, 7, 3).expect("found past the block");
        assert!(
            found.message.contains("with `guidance:` on line 3"),
            "{}",
            found.message
        );
        // In a list item, only the key can move.
        let item = "causes:\n  - cause: A\n   resolution: B\n";
        let found = between(item, 3, 4).expect("found in a list item");
        assert!(
            found.message.ends_with("the first key of its list item"),
            "{}",
            found.message
        );
        assert!(
            found
                .help
                .ends_with("indent `resolution` by 4 spaces, as `cause` is")
        );
        assert_eq!(found.above_line, 2);
        // Lined up with the mapping around (a key left out of it), or with its own: not
        // this mistake.
        assert!(between("agent:\n  action: stop\nguidance: G.\n", 3, 1).is_none());
        assert!(between("agent:\n  action: stop\n  guidance: G.\n", 3, 3).is_none());
        // Not where the parser stopped.
        assert!(between("agent:\n   action: stop\n  guidance: G.\n", 3, 10).is_none());
    }

    #[test]
    fn a_key_indented_less_than_the_mapping_above_is_told_where_it_belongs() {
        let text = "agent:\n  action: stop\nguidance: Stop.\n";
        let help = less_indented_help(&source(text), Position { line: 3, column: 1 }, "guidance")
            .expect("a key left out of its mapping");
        assert!(
            help.contains("`guidance` is less indented than `action:` on line 2"),
            "{help}"
        );
        assert!(
            help.ends_with("indent it by 2 spaces as that key is"),
            "{help}"
        );
        let after_block = "agent:\n  guidance: |\n    Wait.\n\n    Then retry.\naction: stop\n";
        let help = less_indented_help(
            &source(after_block),
            Position { line: 6, column: 1 },
            "action",
        )
        .expect("a key left out after a block");
        assert!(help.contains("than `guidance:` on line 2"), "{help}");
        let opened = "retry_after:\nheader: Retry-After\n";
        let help = less_indented_help(&source(opened), Position { line: 2, column: 1 }, "header")
            .expect("a key beside the mapping it belongs in");
        assert!(
            help.starts_with("`retry_after:` on line 1 opens a mapping"),
            "{help}"
        );
        assert!(help.ends_with("indent it by 2 spaces"), "{help}");
        let level = "title: T\nguidance: Stop.\n";
        assert!(
            less_indented_help(&source(level), Position { line: 2, column: 1 }, "guidance")
                .is_none()
        );
    }
}
