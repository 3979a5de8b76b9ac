//! Message templates: exact API messages with `{placeholder}` variable parts.
//!
//! `Branch {branch} does not match the cost estimation branch` matches any message in
//! which `{branch}` is replaced by non-empty text. The same matcher answers three
//! questions: does a concrete message match a template, or hold one inside it (`lookup`,
//! search), does a response body's message belong to its error (check), and can two
//! templates match the same message (the "claimed by two codes" check).

/// A parsed message template: the literal text around its placeholders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    /// One more piece than there are placeholders: the text before the first, between
    /// each two (empty for `{a}{b}`), and after the last.
    pieces: Vec<String>,
}

/// A piece of a template for display: literal text or a placeholder name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part<'a> {
    Text(&'a str),
    Placeholder(&'a str),
}

/// Splits a template into literal text and `{name}` placeholders.
///
/// A placeholder name is an ASCII letter or `_` followed by letters, digits, `_`, `-` or
/// `.`; anything else in braces (`{"a": 1}`, `{}`) is literal text, so JSON-looking
/// messages need no escaping.
pub fn parts(template: &str) -> Vec<Part<'_>> {
    let mut parts = Vec::new();
    let mut literal_start = 0;
    let mut i = 0;
    let bytes = template.as_bytes();
    while i < bytes.len() {
        if bytes[i] == b'{'
            && let Some(len) = placeholder_len(&template[i + 1..])
        {
            if literal_start < i {
                parts.push(Part::Text(&template[literal_start..i]));
            }
            parts.push(Part::Placeholder(&template[i + 1..i + 1 + len]));
            i += len + 2;
            literal_start = i;
            continue;
        }
        i += 1;
    }
    if literal_start < template.len() {
        parts.push(Part::Text(&template[literal_start..]));
    }
    parts
}

/// Whether `text` holds a placeholder, as [`parts`] would find one, without building
/// the parts.
pub fn has_placeholder(text: &str) -> bool {
    text.match_indices('{')
        .any(|(at, _)| placeholder_len(&text[at + 1..]).is_some())
}

/// Whether `c` may appear in a placeholder name after its first character.
pub fn is_name_character(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')
}

/// Whether `name` is a placeholder name: an ASCII letter or `_`, then letters, digits,
/// `_`, `-` or `.`. The one rule for what the checks, `lookup` and the pages call a
/// placeholder.
pub fn is_placeholder_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(is_name_character)
}

/// Length in bytes of the run of name characters `text` starts with: a placeholder's
/// name, or the start of a malformed one. It stops at the next brace, so scanning from
/// every `{` of a message stays linear in the message.
pub fn name_run_len(text: &str) -> usize {
    text.find(|c: char| !is_name_character(c))
        .unwrap_or(text.len())
}

/// Whether `text` starts with a `{name}` placeholder, as [`parts`] reads one.
pub fn starts_with_placeholder(text: &str) -> bool {
    text.strip_prefix('{').and_then(placeholder_len).is_some()
}

/// Length of the placeholder name at the start of `rest` if it is followed by `}`.
fn placeholder_len(rest: &str) -> Option<usize> {
    let len = name_run_len(rest);
    (is_placeholder_name(&rest[..len]) && rest[len..].starts_with('}')).then_some(len)
}

impl Template {
    /// Parses a template.
    pub fn parse(template: &str) -> Self {
        let mut pieces = vec![String::new()];
        for part in parts(template) {
            match part {
                Part::Text(text) => {
                    if let Some(last) = pieces.last_mut() {
                        last.push_str(text);
                    }
                }
                Part::Placeholder(_) => pieces.push(String::new()),
            }
        }
        Template { pieces }
    }

    /// Whether the template has at least one placeholder.
    pub fn has_placeholders(&self) -> bool {
        self.pieces.len() > 1
    }

    /// The literal text before the first placeholder (all of it if there is none).
    pub fn literal_prefix(&self) -> &str {
        self.pieces.first().map_or("", String::as_str)
    }

    /// The literal text after the last placeholder (all of it if there is none).
    pub fn literal_suffix(&self) -> &str {
        self.pieces.last().map_or("", String::as_str)
    }

    /// Whether a concrete message matches this template.
    ///
    /// Each piece between two placeholders is found at its first place after the one
    /// before it: a placeholder takes any text, so the earliest place leaves the most
    /// room for the rest. `str::find` is linear, so the whole match is: retrying every
    /// length of the latest placeholder instead took minutes on a 1 MB file (E025).
    pub fn matches(&self, message: &str) -> bool {
        let (prefix, suffix) = (self.literal_prefix(), self.literal_suffix());
        if !self.has_placeholders() {
            return message == prefix;
        }
        if message.len() < prefix.len() + suffix.len()
            || !message.starts_with(prefix)
            || !message.ends_with(suffix)
        {
            return false;
        }
        let end = message.len() - suffix.len();
        let mut at = prefix.len();
        for piece in &self.pieces[1..self.pieces.len() - 1] {
            // The placeholder before this piece takes at least one character.
            let Some(rest) = after_one_char(message, at, end) else {
                return false;
            };
            match message[rest..end].find(piece.as_str()) {
                Some(found) => at = rest + found + piece.len(),
                None => return false,
            }
        }
        // And so does the last one.
        after_one_char(message, at, end).is_some()
    }

    /// Whether some part of `text` that splits no word matches the template: a message
    /// pasted with more around it, as a log line's timestamp or the JSON body it came in
    /// (`lookup`). A literal edge of the template must meet a word's edge in `text`
    /// (`Authenticate` is not in `reauthenticated`); a placeholder at an edge takes the
    /// rest of a word, as it takes any text.
    ///
    /// The same scan as [`Template::matches`] without the two anchors: the literal
    /// prefix at its first place that starts a word, each later piece at its first place
    /// after one character of the placeholder before it, and the last at its first place
    /// that ends a word. The earliest place of each leaves the most room for the rest,
    /// so no other needs trying, and the scan stays linear.
    pub fn is_found_in(&self, text: &str) -> bool {
        let pieces = &self.pieces;
        if !self.has_placeholders() {
            return text
                .match_indices(pieces[0].as_str())
                .any(|(i, found)| at_word_edge(text, i) && at_word_edge(text, i + found.len()));
        }
        // An empty prefix is a placeholder at the start, which may begin anywhere.
        let Some(start) = text
            .match_indices(pieces[0].as_str())
            .find(|&(i, _)| pieces[0].is_empty() || at_word_edge(text, i))
            .map(|(i, _)| i)
        else {
            return false;
        };
        let mut at = start + pieces[0].len();
        let last = pieces.len() - 1;
        for (n, piece) in pieces.iter().enumerate().skip(1) {
            let Some(rest) = after_one_char(text, at, text.len()) else {
                return false;
            };
            let found = if n == last && !piece.is_empty() {
                text[rest..]
                    .match_indices(piece.as_str())
                    .map(|(i, _)| rest + i)
                    .find(|&i| at_word_edge(text, i + piece.len()))
            } else {
                text[rest..].find(piece.as_str()).map(|i| rest + i)
            };
            match found {
                Some(found) => at = found + piece.len(),
                None => return false,
            }
        }
        true
    }

    /// The literal text of the template, placeholders left out.
    pub fn literal_text(&self) -> impl Iterator<Item = &str> {
        self.pieces.iter().map(String::as_str)
    }

    /// Whether some message matches both templates.
    ///
    /// A template without placeholders is one message, which the other matches or not.
    /// Two templates with placeholders share a message exactly when one's literal prefix
    /// starts the other's and one's literal suffix ends the other's: then the longer
    /// prefix, `x`, the first template's middle (from its first placeholder to its last,
    /// each placeholder written `x`), `x`, the second's middle, `x` and the longer suffix
    /// is a message of both, since each template's first or last placeholder can take
    /// the other's middle. So no search is needed: E030 compares millions of pairs.
    pub fn overlaps(&self, other: &Template) -> bool {
        match (self.has_placeholders(), other.has_placeholders()) {
            (true, true) => {
                let (pa, pb) = (self.literal_prefix(), other.literal_prefix());
                let (sa, sb) = (self.literal_suffix(), other.literal_suffix());
                (pa.starts_with(pb) || pb.starts_with(pa)) && (sa.ends_with(sb) || sb.ends_with(sa))
            }
            (true, false) => self.matches(other.literal_prefix()),
            (false, true) => other.matches(self.literal_prefix()),
            (false, false) => self.pieces == other.pieces,
        }
    }

    /// A message both templates match, for two templates with placeholders that
    /// overlap: the construction [`Template::overlaps`] describes, with each placeholder
    /// written `x`. The shortest of its forms that both match is given, as an example a
    /// writer can read ("both match `Key x expired`"); `None` when the templates do not
    /// overlap, or when one has no placeholder, as it is then the shared message itself.
    pub fn shared_message(&self, other: &Template) -> Option<String> {
        if !(self.has_placeholders() && other.has_placeholders() && self.overlaps(other)) {
            return None;
        }
        let longer = |a: &'_ str, b: &'_ str| {
            if a.len() >= b.len() {
                a.to_owned()
            } else {
                b.to_owned()
            }
        };
        let prefix = longer(self.literal_prefix(), other.literal_prefix());
        let suffix = longer(self.literal_suffix(), other.literal_suffix());
        // From the first placeholder to the last, both left out.
        let middle = |t: &Template| t.pieces[1..t.pieces.len() - 1].join("x");
        let (a, b) = (middle(self), middle(other));
        [
            format!("{prefix}x{suffix}"),
            format!("{prefix}x{a}x{suffix}"),
            format!("{prefix}x{b}x{suffix}"),
            // Always matches both: see `overlaps`.
            format!("{prefix}x{a}x{b}x{suffix}"),
        ]
        .into_iter()
        .find(|message| self.matches(message) && other.matches(message))
    }
}

/// `text` split at its runs of white space: its words, and the runs between them (one
/// fewer). A placeholder's name holds no white space, so each placeholder is in one word.
pub fn words_and_spaces(text: &str) -> (Vec<&str>, Vec<&str>) {
    let (mut words, mut spaces) = (Vec::new(), Vec::new());
    let mut rest = text;
    loop {
        let word_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        words.push(&rest[..word_end]);
        rest = &rest[word_end..];
        if rest.is_empty() {
            return (words, spaces);
        }
        let space_end = rest
            .find(|c: char| !c.is_whitespace())
            .unwrap_or(rest.len());
        spaces.push(&rest[..space_end]);
        rest = &rest[space_end..];
    }
}

/// Whether `message` fits `template` with each placeholder a *value*: one or more
/// characters that are not white space, as an id, a name or a number is. E030 reads
/// placeholders so, and so no two codes fit one message this way; [`Template::matches`]
/// also lets a placeholder hold words.
pub fn matches_values(template: &str, message: &str) -> bool {
    let (template_words, template_spaces) = words_and_spaces(template);
    let (message_words, message_spaces) = words_and_spaces(message);
    template_spaces == message_spaces
        && template_words
            .iter()
            .zip(&message_words)
            .all(|(t, m)| Template::parse(t).matches(m))
}

/// Whether the byte offset `at` of `text` splits no word: a word character (a letter, a
/// digit or `_`) is not on both sides of it.
fn at_word_edge(text: &str, at: usize) -> bool {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    let before = text[..at].chars().next_back().is_some_and(is_word);
    let after = text[at..].chars().next().is_some_and(is_word);
    !(before && after)
}

/// The byte position one character after `at` in `text`, if that is not past `end`.
fn after_one_char(text: &str, at: usize, end: usize) -> Option<usize> {
    text[at..end].chars().next().map(|c| at + c.len_utf8())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Template {
        Template::parse(s)
    }

    #[test]
    fn placeholders_match_non_empty_text() {
        let branch = t("Branch {branch} does not match the cost estimation branch");
        assert!(branch.matches("Branch main does not match the cost estimation branch"));
        assert!(branch.matches("Branch feature/x y does not match the cost estimation branch"));
        assert!(
            !branch.matches(
                "Branch  does not match the cost estimation branch"
                    .replace("  ", " ")
                    .as_str()
            )
        );
        assert!(!branch.matches("Branch main does not match"));
    }

    #[test]
    fn braces_that_are_not_names_are_literal() {
        assert_eq!(parts("{\"a\": 1}"), vec![Part::Text("{\"a\": 1}")]);
        assert!(t("body {} is empty").matches("body {} is empty"));
        assert!(!t("body {} is empty").has_placeholders());
        assert_eq!(
            parts("a {b} c"),
            vec![Part::Text("a "), Part::Placeholder("b"), Part::Text(" c")]
        );
    }

    #[test]
    fn exact_messages_match_only_themselves() {
        assert!(t("Not found").matches("Not found"));
        assert!(!t("Not found").matches("Not found."));
    }

    #[test]
    fn a_template_is_found_inside_a_longer_text() {
        let log = "2026-11-30T17:02:11Z ERROR Project p1 not found (request req_9)";
        assert!(t("Project {id} not found").is_found_in(log));
        assert!(!t("Project {id} not found").matches(log));
        assert!(t("Project {id} not found").is_found_in("Project p1 not found"));
        assert!(t("{what} not found").is_found_in(log));
        assert!(t("request {id}").is_found_in(log));
        assert!(!t("Project {id} is archived").is_found_in(log));
        // Each placeholder still takes a character.
        assert!(!t("Project {id} not found").is_found_in("Project  not found"));
        assert!(!t("ERROR {x}").is_found_in("an ERROR "));
        assert!(t("not found").is_found_in(log));
        // Only where no word is split: a short message is not in a longer word.
        assert!(!t("Authenticate").is_found_in("user reauthenticated successfully"));
        assert!(!t("Authenticate").is_found_in("Authenticated"));
        assert!(t("Authenticate").is_found_in("twilio: Authenticate (20003)"));
        assert!(!t("Project {id} not found").is_found_in("SubProject p1 not found"));
        assert!(!t("Project {id} not foun").is_found_in("Project p1 not found"));
        // A placeholder at an edge takes the rest of the word.
        assert!(t("{what} not found").is_found_in("Widget_42 not found"));
        assert!(t("Rate limit of {n}").is_found_in("Rate limit of 600/min exceeded"));
        assert!(
            t("Project {id} not found").is_found_in("Project p1 not foundProject p2 not found.")
        );
    }

    #[test]
    fn adjacent_placeholders_need_a_character_each() {
        let two = t("{a}{b}");
        assert!(!two.matches("x"));
        assert!(two.matches("xy"));
    }

    #[test]
    fn overlap_finds_shared_messages() {
        assert!(t("Project {id} not found").overlaps(&t("Project abc not found")));
        assert!(t("Project {id} not found").overlaps(&t("{what} not found")));
        assert!(t("{a} x").overlaps(&t("y {b}")));
        assert!(!t("Project {id} not found").overlaps(&t("Project {id} is archived")));
        assert!(!t("Key {k} expired").overlaps(&t("Token {k} expired")));
        assert!(!t("a{x}b").overlaps(&t("ab")));
    }

    #[test]
    fn a_long_hostile_message_is_still_linear() {
        let template = t(&"{a}a".repeat(50));
        let message = "a".repeat(20_000) + "b";
        assert!(!template.matches(&message));
    }

    #[test]
    fn a_long_hostile_template_is_linear_too() {
        // Retrying every length of the placeholder cost 10^10 steps here.
        let template = t(&format!("{{a}}{}y", "x".repeat(100_000)));
        assert!(!template.matches(&"x".repeat(200_000)));
        assert!(template.matches(&format!("{}y", "x".repeat(100_001))));
    }

    #[test]
    fn pieces_are_found_after_one_character_of_each_placeholder() {
        assert!(!t("{a}é").matches("é"));
        assert!(t("{a}é").matches("éé"));
        assert!(!t("a{x}b{y}c").matches("abc"));
        assert!(!t("a{x}b{y}c").matches("abbc"));
        assert!(t("a{x}b{y}c").matches("aébéc"));
        // The first `b` fits and leaves room; a later one would not.
        assert!(t("{x}b{y}").matches("abcb"));
    }

    #[test]
    fn long_templates_are_compared_without_a_table_of_both_lengths() {
        // A search of every pair of positions wanted 90 GB for these two, and aborted.
        let x = t(&format!("{{a}}{}{{b}}", "x".repeat(300_000)));
        let y = t(&format!("{{a}}{}{{b}}", "y".repeat(300_000)));
        assert!(x.overlaps(&y));
        assert!(!x.overlaps(&t(&"y".repeat(300_000))));
    }

    #[test]
    fn templates_with_placeholders_overlap_when_their_ends_agree() {
        assert!(t("{a}1{b}").overlaps(&t("{a}2{b}")));
        assert!(t("Key {k} expired at {t}").overlaps(&t("Key {k}")));
        assert!(!t("Key {k} expired").overlaps(&t("Token {k}")));
        assert!(!t("{k} expired").overlaps(&t("{k} revoked")));
    }

    #[test]
    fn two_open_ended_templates_are_shown_a_message_both_match() {
        let (a, b) = (
            t("{property} must be an email"),
            t("Internal error, reference {id}"),
        );
        assert_eq!(
            a.shared_message(&b).as_deref(),
            Some("Internal error, reference x must be an email")
        );
        assert_eq!(
            t("Key {k} expired at {t}")
                .shared_message(&t("Key {k}"))
                .as_deref(),
            Some("Key x expired at x")
        );
        assert_eq!(t("{k} expired").shared_message(&t("{k} revoked")), None);
        // One message without placeholders is the shared message itself.
        assert_eq!(t("Key {k}").shared_message(&t("Key 1")), None);
    }

    // The reference matcher and the template as characters and holes are the fuzz
    // target's, so both check against one definition.
    use crate::fuzzing::{Piece, pieces, reference_matches};

    /// A search of every pair of positions in the two templates (the product automaton):
    /// what `overlaps` computed before it relied on the literal ends.
    fn reference_overlap(a: &[Piece], b: &[Piece]) -> bool {
        // State (i, j, after_a, after_b): positions, and whether each side sits just after
        // a hole it may keep extending.
        let mut seen = std::collections::HashSet::new();
        let mut queue = vec![(0usize, 0usize, false, false)];
        let moves = |pieces: &[Piece], pos: usize, extendable: bool| {
            let mut m: Vec<(usize, bool, Option<char>)> = Vec::new();
            if extendable {
                m.push((pos, true, None));
            }
            match pieces.get(pos) {
                Some(Piece::Char(c)) => m.push((pos + 1, false, Some(*c))),
                Some(Piece::Hole) => m.push((pos + 1, true, None)),
                None => {}
            }
            m
        };
        while let Some(state) = queue.pop() {
            if !seen.insert(state) {
                continue;
            }
            let (i, j, ea, eb) = state;
            if i == a.len() && j == b.len() {
                return true;
            }
            for (ni, na, ca) in moves(a, i, ea) {
                for (nj, nb, cb) in moves(b, j, eb) {
                    if ca.zip(cb).is_none_or(|(x, y)| x == y) {
                        queue.push((ni, nj, na, nb));
                    }
                }
            }
        }
        false
    }

    proptest::proptest! {
        #[test]
        fn matching_agrees_with_brute_force(template in "[ab{}xé]{0,8}|(a|b|é|\\{x\\}|\\{\\}){0,6}", message in "[abé]{0,10}") {
            let text: Vec<char> = message.chars().collect();
            proptest::prop_assert_eq!(t(&template).matches(&message), reference_matches(&pieces(&template), &text));
        }

        #[test]
        fn finding_inside_agrees_with_matching_some_part(template in "[ab {}xé]{0,8}|(a|b| |é|\\{x\\}|\\{\\}){0,6}", text in "[ab é]{0,10}") {
            let chars: Vec<char> = text.chars().collect();
            let template_pieces = pieces(&template);
            // A part that splits no word: no letter on both sides of either edge.
            let edge = |i: usize| i == 0 || i == chars.len() || chars[i - 1] == ' ' || chars[i] == ' ';
            let some_part = (0..=chars.len()).any(|i| {
                (i..=chars.len()).any(|j| edge(i) && edge(j) && reference_matches(&template_pieces, &chars[i..j]))
            });
            proptest::prop_assert_eq!(t(&template).is_found_in(&text), some_part);
        }

        #[test]
        fn has_placeholder_agrees_with_parsing(template in "[ab{}x_.é -]{0,10}|(a|\\{x\\}|\\{\\}|\\{1\\}|\\{x y\\}){0,4}") {
            proptest::prop_assert_eq!(has_placeholder(&template), t(&template).has_placeholders());
        }

        #[test]
        fn overlap_agrees_with_a_search_of_both_templates(a in "(a|b|é|\\{x\\}){0,6}", b in "(a|b|é|\\{x\\}){0,6}") {
            proptest::prop_assert_eq!(t(&a).overlaps(&t(&b)), reference_overlap(&pieces(&a), &pieces(&b)));
        }

        #[test]
        fn the_shared_message_of_two_overlapping_templates_matches_both(a in "(a|b|é|\\{x\\}){0,6}", b in "(a|b|é|\\{x\\}){0,6}") {
            let (a, b) = (t(&a), t(&b));
            let both_open = a.has_placeholders() && b.has_placeholders();
            match a.shared_message(&b) {
                Some(message) => proptest::prop_assert!(a.matches(&message) && b.matches(&message)),
                None => proptest::prop_assert!(!(both_open && a.overlaps(&b))),
            }
        }
    }
}
