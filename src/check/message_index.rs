//! Which message templates of a catalog can be the same message, for the messages stage
//! (E030).
//!
//! A placeholder stands for a value: an id, a name, a path, a number. E030 reads it as
//! one or more characters that are not white space. Read as *any* text, a template that
//! starts with a placeholder could be any other code's message that ends with one
//! (`{property} must be an email` and `{path} does not match {sha}` share
//! `x does not match x must be an email`), so nearly every pair of real validation
//! messages clashed. Read as a value, a message has exactly its template's white space,
//! in the same places: two templates can share a message only if they have the same white
//! space in the same order (the same *shape*) and each of their words, the text between
//! it, can be the same word. Both are quick to find without comparing every pair.

use crate::message_template::{Template, has_placeholder, words_and_spaces};
use std::collections::BTreeMap;

/// A template as words between runs of white space.
pub(super) struct Words<'t> {
    /// The white space between the words, joined by `|` (never white space), so that two
    /// templates have the same shape exactly when their keys are equal.
    shape: String,
    words: Vec<Word<'t>>,
}

struct Word<'t> {
    text: &'t str,
    /// The word as a template, if it holds a placeholder. A placeholder's name holds no
    /// white space, so a word holds the same placeholders alone as in its message.
    template: Option<Template>,
}

impl<'t> Words<'t> {
    /// Splits a (trimmed) template at its runs of white space.
    pub(super) fn new(template: &'t str) -> Self {
        let (words, spaces) = words_and_spaces(template);
        let words = words
            .into_iter()
            .map(|text| Word {
                text,
                template: has_placeholder(text).then(|| Template::parse(text)),
            })
            .collect();
        Words {
            shape: spaces.join("|"),
            words,
        }
    }

    /// Whether the template has a placeholder.
    pub(super) fn has_placeholders(&self) -> bool {
        self.words.iter().any(|w| w.template.is_some())
    }

    /// Whether some message, each placeholder a value without white space, fits both.
    pub(super) fn overlap(&self, other: &Words<'_>) -> bool {
        self.shape == other.shape
            && self
                .words
                .iter()
                .zip(&other.words)
                .all(|(a, b)| a.overlaps(b))
    }

    /// A message both fit, each placeholder written `x` (see [`Template::shared_message`])
    /// when both have placeholders and overlap; `None` otherwise, as one without a
    /// placeholder is then the shared message itself.
    pub(super) fn shared_message(&self, other: &Words<'_>) -> Option<String> {
        if !(self.has_placeholders() && other.has_placeholders() && self.overlap(other)) {
            return None;
        }
        let mut spaces = self.shape.split('|');
        let mut message = String::new();
        for (n, (a, b)) in self.words.iter().zip(&other.words).enumerate() {
            if n > 0 {
                message.push_str(spaces.next().unwrap_or(" "));
            }
            match (&a.template, &b.template) {
                (Some(ta), Some(tb)) => message.push_str(&ta.shared_message(tb)?),
                (None, _) => message.push_str(a.text),
                (Some(_), None) => message.push_str(b.text),
            }
        }
        Some(message)
    }
}

impl Word<'_> {
    /// Whether some word fits both. The words hold no white space, so the reading of a
    /// placeholder as any text ([`Template::overlaps`]) is the same here.
    fn overlaps(&self, other: &Word<'_>) -> bool {
        match (&self.template, &other.template) {
            (None, None) => self.text == other.text,
            (Some(a), None) => a.matches(other.text),
            (None, Some(b)) => b.matches(self.text),
            (Some(a), Some(b)) => a.overlaps(b),
        }
    }
}

/// Templates (numbered `0..n` by the caller, in the order given) by shape, and within a
/// shape by the word at each of its first places: a fixed word, or one with a
/// placeholder.
///
/// The index is kept small, as a catalog of 100,000 errors has some 250,000 messages:
/// a fixed word is kept as its hash (two words of one hash are both found, and the
/// comparison that follows tells them apart), and only the first
/// [`INDEXED_PLACES`] places are indexed, which tell messages apart as well as all of
/// them would.
pub(super) struct ShapeIndex {
    /// For each template, its shape's number.
    shape_of: Vec<u32>,
    shapes: Vec<Shape>,
}

/// Places of a shape indexed.
const INDEXED_PLACES: usize = 8;

#[derive(Default)]
struct Shape {
    /// Every template of this shape, in order.
    members: Vec<u32>,
    /// For each indexed place, (hash of the fixed word, template), sorted: the templates
    /// with one fixed word there are a run of it, in order.
    fixed: Vec<Vec<Fixed>>,
    /// For each indexed place, the templates with a placeholder there, in order.
    open: Vec<Vec<u32>>,
}

/// A template with a fixed word at a place: (the word's hash, the template).
type Fixed = (u64, u32);

fn hash_of(word: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    // `DefaultHasher::new()` has fixed keys: the same hash in every run.
    let mut hasher = std::hash::DefaultHasher::new();
    word.hash(&mut hasher);
    hasher.finish()
}

impl ShapeIndex {
    pub(super) fn new(templates: &[&str]) -> Self {
        let mut numbers: BTreeMap<String, u32> = BTreeMap::new();
        let mut shapes: Vec<Shape> = Vec::new();
        let mut shape_of = Vec::with_capacity(templates.len());
        for (i, template) in templates.iter().enumerate() {
            let i = i as u32;
            let (words, spaces) = words_and_spaces(template);
            let places = words.len().min(INDEXED_PLACES);
            let number = *numbers.entry(spaces.join("|")).or_insert_with(|| {
                shapes.push(Shape {
                    fixed: vec![Vec::new(); places],
                    open: vec![Vec::new(); places],
                    ..Shape::default()
                });
                (shapes.len() - 1) as u32
            });
            shape_of.push(number);
            let shape = &mut shapes[number as usize];
            shape.members.push(i);
            for (place, word) in words.iter().take(places).enumerate() {
                if has_placeholder(word) {
                    shape.open[place].push(i);
                } else {
                    shape.fixed[place].push((hash_of(word), i));
                }
            }
        }
        for shape in &mut shapes {
            for fixed in &mut shape.fixed {
                fixed.sort_unstable();
            }
        }
        ShapeIndex { shape_of, shapes }
    }

    /// Replaces `found` with the templates numbered `after` or more that may overlap
    /// template `i` (`words`), in order: those of its shape with, at one of its fixed
    /// words' places, the same word or a placeholder. The place is the one with the
    /// fewest of them. Returns the work it took: the places it looked at and the
    /// templates it found.
    pub(super) fn candidates(
        &self,
        i: usize,
        words: &Words<'_>,
        after: usize,
        found: &mut Vec<usize>,
    ) -> usize {
        found.clear();
        let shape = &self.shapes[self.shape_of[i] as usize];
        let after = after as u32;
        let from = |list: &[u32]| list.partition_point(|&j| j < after);
        let mut best: Option<(&[Fixed], &[u32])> = None;
        let mut work = 0;
        for (place, word) in words.words.iter().take(INDEXED_PLACES).enumerate() {
            if word.template.is_some() {
                continue;
            }
            work += 1;
            let fixed = &shape.fixed[place];
            let hash = hash_of(word.text);
            let run_start = fixed.partition_point(|&(h, j)| (h, j) < (hash, after));
            let run_end = fixed.partition_point(|&(h, _)| h <= hash);
            let same = &fixed[run_start..run_end.max(run_start)];
            let open = &shape.open[place][from(&shape.open[place])..];
            if best.is_none_or(|(s, o)| same.len() + open.len() < s.len() + o.len()) {
                best = Some((same, open));
            }
        }
        match best {
            // Both runs are in order: merged, so are the candidates.
            Some((same, open)) => {
                let (mut a, mut b) = (
                    same.iter().map(|&(_, j)| j as usize).peekable(),
                    open.iter().map(|&j| j as usize).peekable(),
                );
                while let (Some(&x), Some(&y)) = (a.peek(), b.peek()) {
                    if x < y {
                        found.push(x);
                        a.next();
                    } else {
                        found.push(y);
                        b.next();
                    }
                }
                found.extend(a.chain(b));
            }
            // Placeholders in every indexed word: every template of its shape may
            // overlap.
            None => found.extend(
                shape.members[from(&shape.members)..]
                    .iter()
                    .map(|&j| j as usize),
            ),
        }
        work + found.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fuzzing::{Piece, pieces};

    fn overlap(a: &str, b: &str) -> bool {
        Words::new(a).overlap(&Words::new(b))
    }

    #[test]
    fn a_placeholder_is_a_value_without_white_space() {
        // Real validation messages with placeholders at either end no longer clash.
        assert!(!overlap(
            "{path} does not match {sha}",
            "{property} must be an email"
        ));
        assert!(!overlap(
            "{field} is required",
            "Unknown parameter: {param}"
        ));
        // A value of one word still can.
        assert!(overlap("{field} is required", "name is required"));
        assert!(overlap("Key {k} expired", "Key {id} expired"));
        assert!(overlap("{a} x", "y {b}"));
        assert!(overlap("Retry after {s}s", "Retry after {t}"));
        assert!(!overlap("Key {k} expired", "Key {k}  expired"));
        assert!(!overlap("{resource} not found", "Shipment {id} not found"));
    }

    #[test]
    fn the_shared_message_keeps_the_white_space_and_fits_both() {
        let (a, b) = (Words::new("{a}\tis {b}"), Words::new("x{c}\tis  ok"));
        assert_eq!(a.shared_message(&b), None, "different shapes");
        let (a, b) = (
            Words::new("Key {k}\texpired v{n}"),
            Words::new("Key a{j}\t{w} v2"),
        );
        let shared = a.shared_message(&b);
        assert_eq!(shared.as_deref(), Some("Key ax\texpired v2"));
        // One without placeholders is the shared message itself.
        assert_eq!(
            Words::new("Key {k}").shared_message(&Words::new("Key 1")),
            None
        );
    }

    #[test]
    fn words_past_the_indexed_places_are_still_compared() {
        let templates = [
            "{a} {b} {c} {d} {e} {f} {g} {h} expired",
            "{a} {b} {c} {d} {e} {f} {g} {h} revoked",
            "w w w w w w w w expired",
            "{a} {b} {c} {d} {e} {f} {g} x{h} expired",
        ];
        let words: Vec<Words<'_>> = templates.iter().map(|t| Words::new(t)).collect();
        let index = ShapeIndex::new(&templates);
        let mut found = Vec::new();
        index.candidates(2, &words[2], 0, &mut found);
        assert_eq!(
            found,
            [0, 1, 2, 3],
            "every place it is fixed at is open in the others"
        );
        assert!(words[2].overlap(&words[0]) && !words[2].overlap(&words[1]));
        assert!(!words[2].overlap(&words[3]));
    }

    /// Whether `message` fits `template`, each placeholder one or more characters that
    /// are not white space: the definition, by recursion, written apart from `Words`.
    fn fits(template: &str, message: &str) -> bool {
        fn go(t: &[Piece], m: &[char]) -> bool {
            match t.first() {
                None => m.is_empty(),
                Some(Piece::Char(c)) => m.first() == Some(c) && go(&t[1..], &m[1..]),
                Some(Piece::Hole) => (1..=m.len())
                    .take_while(|&k| !m[k - 1].is_whitespace())
                    .any(|k| go(&t[1..], &m[k..])),
            }
        }
        go(&pieces(template), &message.chars().collect::<Vec<_>>())
    }

    proptest::proptest! {
        #[test]
        fn overlap_agrees_with_the_definition(
            a in "(a|b| |\\{x\\}){0,5}",
            b in "(a|b| |\\{x\\}){0,5}",
        ) {
            let (a, b) = (a.trim(), b.trim());
            let (wa, wb) = (Words::new(a), Words::new(b));
            let overlap = wa.overlap(&wb);
            // A message both fit, from the definition: every trimmed message of up to 6
            // characters of a, b and space.
            let mut message = String::new();
            for n in 0..(1..=6).map(|len| 3usize.pow(len)).sum::<usize>() {
                message.clear();
                let mut k = n;
                loop {
                    message.push(['a', 'b', ' '][k % 3]);
                    if k < 3 {
                        break;
                    }
                    k = k / 3 - 1;
                }
                proptest::prop_assert_eq!(
                    crate::message_template::matches_values(a, &message),
                    fits(a, &message),
                    "{:?} / {:?}", a, message
                );
                if message.trim() == message && fits(a, &message) && fits(b, &message) {
                    proptest::prop_assert!(overlap, "{:?} and {:?} both fit {:?}", a, b, message);
                }
            }
            // And an overlap comes with a message that fits both.
            if overlap {
                let shared = match (wa.has_placeholders(), wb.has_placeholders()) {
                    (true, true) => wa.shared_message(&wb),
                    (false, _) => Some(a.to_owned()),
                    (true, false) => Some(b.to_owned()),
                };
                let shared = shared.unwrap_or_default();
                proptest::prop_assert!(fits(a, &shared) && fits(b, &shared), "{:?} / {:?}: {:?}", a, b, shared);
            }
        }

    #[test]
        fn the_index_finds_every_overlapping_template(
            templates in proptest::collection::vec("(a|b| |\\{x\\}){1,5}", 1..12),
            after in 0usize..12,
        ) {
            let templates: Vec<&str> = templates.iter().map(|t| t.trim()).collect();
            let words: Vec<Words<'_>> = templates.iter().map(|t| Words::new(t)).collect();
            let index = ShapeIndex::new(&templates);
            let mut found = Vec::new();
            for i in 0..words.len() {
                index.candidates(i, &words[i], after, &mut found);
                proptest::prop_assert!(found.windows(2).all(|w| w[0] < w[1]), "{:?}", found);
                for j in after..words.len() {
                    if words[i].overlap(&words[j]) {
                        proptest::prop_assert!(found.contains(&j), "{:?} / {:?}", templates[i], templates[j]);
                    }
                }
                proptest::prop_assert!(found.iter().all(|&j| j >= after));
            }
        }
    }
}
