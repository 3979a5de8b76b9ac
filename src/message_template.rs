//! Message templates: exact API messages with `{placeholder}` variable parts.
//!
//! `Branch {branch} does not match the cost estimation branch` matches any message in
//! which `{branch}` is replaced by non-empty text. The same matcher answers three
//! questions: does a concrete message match a template (`lookup`, search), does a
//! response body's message belong to its error (check), and can two templates match the
//! same message (the "claimed by two codes" check).

/// One piece of a parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    /// Exactly this character.
    Char(char),
    /// A placeholder: one or more characters of anything.
    Hole,
}

/// A parsed message template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    tokens: Vec<Token>,
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

/// Length of the placeholder name at the start of `rest` if it is followed by `}`.
fn placeholder_len(rest: &str) -> Option<usize> {
    let mut chars = rest.char_indices();
    let (_, first) = chars.next()?;
    if !(first.is_ascii_alphabetic() || first == '_') {
        return None;
    }
    for (i, c) in chars {
        if c == '}' {
            return Some(i);
        }
        if !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')) {
            return None;
        }
    }
    None
}

impl Template {
    /// Parses a template.
    pub fn parse(template: &str) -> Self {
        let mut tokens = Vec::with_capacity(template.len());
        for part in parts(template) {
            match part {
                Part::Text(text) => tokens.extend(text.chars().map(Token::Char)),
                Part::Placeholder(_) => tokens.push(Token::Hole),
            }
        }
        Template { tokens }
    }

    /// Whether the template has at least one placeholder.
    pub fn has_placeholders(&self) -> bool {
        self.tokens.contains(&Token::Hole)
    }

    /// The literal text before the first placeholder.
    pub fn literal_prefix(&self) -> String {
        self.tokens
            .iter()
            .map_while(|t| match t {
                Token::Char(c) => Some(*c),
                Token::Hole => None,
            })
            .collect()
    }

    /// The literal text after the last placeholder.
    pub fn literal_suffix(&self) -> String {
        let mut suffix: Vec<char> = self
            .tokens
            .iter()
            .rev()
            .map_while(|t| match t {
                Token::Char(c) => Some(*c),
                Token::Hole => None,
            })
            .collect();
        suffix.reverse();
        suffix.into_iter().collect()
    }

    /// Whether a concrete message matches this template.
    ///
    /// Glob matching where a hole is "one character, then any number more": walk the
    /// message, and on a mismatch let the most recent hole swallow one more character.
    /// Returning to the latest hole only is enough (an earlier hole could absorb the
    /// same text), so the work is linear in practice and O(message × template) at worst;
    /// no input can make it blow up.
    pub fn matches(&self, message: &str) -> bool {
        let text: Vec<char> = message.chars().collect();
        let tokens = &self.tokens;
        let (mut p, mut t) = (0, 0);
        // After the last hole passed: (token index after it, text index it extends from).
        let mut last_hole: Option<(usize, usize)> = None;
        while t < text.len() {
            match tokens.get(p) {
                Some(Token::Char(c)) if *c == text[t] => {
                    p += 1;
                    t += 1;
                }
                Some(Token::Hole) => {
                    p += 1;
                    t += 1;
                    last_hole = Some((p, t));
                }
                _ => match last_hole {
                    Some((after_hole, from)) => {
                        p = after_hole;
                        t = from + 1;
                        last_hole = Some((after_hole, from + 1));
                    }
                    None => return false,
                },
            }
        }
        p == tokens.len()
    }

    /// Whether some message matches both templates.
    ///
    /// A breadth-first search over pairs of template positions (the product automaton);
    /// it visits each pair at most once, so it costs O(|a| × |b|).
    pub fn overlaps(&self, other: &Template) -> bool {
        // Quick rejections from the literal ends, which settle almost every pair.
        let (pa, pb) = (self.literal_prefix(), other.literal_prefix());
        if !(pa.starts_with(&pb) || pb.starts_with(&pa)) {
            return false;
        }
        let (sa, sb) = (self.literal_suffix(), other.literal_suffix());
        if !(sa.ends_with(&sb) || sb.ends_with(&sa)) {
            return false;
        }
        let (a, b) = (&self.tokens, &other.tokens);
        // State (i, j, after_a, after_b): positions plus whether each side sits just
        // after a hole it may keep extending. Encoded as i, j and the two flags.
        let width = b.len() + 1;
        let mut seen = vec![0u8; (a.len() + 1) * width];
        let mut queue = vec![(0usize, 0usize, false, false)];
        while let Some((i, j, ea, eb)) = queue.pop() {
            let bit = 1u8 << (u8::from(ea) * 2 + u8::from(eb));
            let slot = &mut seen[i * width + j];
            if *slot & bit != 0 {
                continue;
            }
            *slot |= bit;
            if i == a.len() && j == b.len() {
                return true;
            }
            // Each side's moves on reading one character: (new position, extendable?, literal char if fixed).
            let moves = |tokens: &[Token],
                         pos: usize,
                         extendable: bool|
             -> Vec<(usize, bool, Option<char>)> {
                let mut m = Vec::with_capacity(2);
                if extendable {
                    m.push((pos, true, None));
                }
                match tokens.get(pos) {
                    Some(Token::Char(c)) => m.push((pos + 1, false, Some(*c))),
                    Some(Token::Hole) => m.push((pos + 1, true, None)),
                    None => {}
                }
                m
            };
            for (ni, na, ca) in moves(a, i, ea) {
                for &(nj, nb, cb) in &moves(b, j, eb) {
                    let compatible = match (ca, cb) {
                        (Some(x), Some(y)) => x == y,
                        _ => true,
                    };
                    if compatible {
                        queue.push((ni, nj, na, nb));
                    }
                }
            }
        }
        false
    }
}

/// A template with placeholders replaced by `…`, used to compare for exact duplicates.
pub fn normalized(template: &str) -> String {
    parts(template)
        .into_iter()
        .map(|p| match p {
            Part::Text(t) => t,
            Part::Placeholder(_) => "{…}",
        })
        .collect()
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

    /// Brute force: try every split of the message among the holes.
    fn reference(tokens: &[Token], text: &[char]) -> bool {
        match tokens.split_first() {
            None => text.is_empty(),
            Some((Token::Char(c), rest)) => text.first() == Some(c) && reference(rest, &text[1..]),
            Some((Token::Hole, rest)) => (1..=text.len()).any(|n| reference(rest, &text[n..])),
        }
    }

    proptest::proptest! {
        #[test]
        fn matching_agrees_with_brute_force(template in "[ab{}x]{0,8}", message in "[ab]{0,10}") {
            let parsed = Template::parse(&template);
            let text: Vec<char> = message.chars().collect();
            proptest::prop_assert_eq!(parsed.matches(&message), reference(&parsed.tokens, &text));
        }
    }
}
