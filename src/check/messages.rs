//! The messages stage: no concrete message may belong to two codes.
//!
//! An agent or a person pasting a message into search must land on exactly one error,
//! so two codes whose templates can produce the same text are an error in both files.

use super::{ErrorFile, at};
use crate::diagnostic::{Code, Diagnostics};
use crate::load::raw::S;
use crate::message_template::Template;

struct Claim<'a> {
    file: &'a ErrorFile<'a>,
    message: &'a S<String>,
    template: Template,
}

pub(super) fn check_messages(files: &[ErrorFile<'_>], diagnostics: &mut Diagnostics) {
    let mut claims: Vec<Claim<'_>> = Vec::new();
    for file in files {
        // A message written twice in one file is one claim: the overlap search below
        // compares claims sharing a prefix, so thousands of copies in one file made it
        // quadratic (30,000 took 7 s).
        let mut seen = std::collections::BTreeSet::new();
        for message in file.raw.messages.iter().flat_map(|m| &m.value) {
            if !seen.insert(message.message.value.trim()) {
                continue;
            }
            claims.push(Claim {
                file,
                message: &message.message,
                template: Template::parse(message.message.value.trim()),
            });
        }
    }
    // Two templates can only overlap if one's literal prefix starts the other's, and one's
    // literal suffix ends the other's. Comparing every pair would be 10^8 comparisons at
    // 10,000 errors, so each claim is compared only with the claims that pass both tests,
    // found through whichever of the two indexes offers fewer of them. Indexing prefixes
    // alone is not enough: `{field} is required` has an empty prefix, which every claim
    // passes, while its suffix rules out almost all of them.
    let prefixes = EndIndex::new(
        claims
            .iter()
            .map(|c| c.template.literal_prefix().to_owned()),
    );
    let suffixes = EndIndex::new(
        claims
            .iter()
            .map(|c| c.template.literal_suffix().chars().rev().collect()),
    );
    let mut candidates: Vec<usize> = Vec::new();
    // Overlaps listed per message. A template that starts with a placeholder can overlap
    // every template of every other code that ends with one, so a catalog of such
    // messages has pairs in the square of its size: 1,000 files gave two million
    // diagnostics and 2.4 GB. Past the cap a message's overlaps are not listed, and a
    // pair whose two messages are both past it is not even compared.
    let mut listed = vec![0usize; claims.len()];
    for (i, claim) in claims.iter().enumerate() {
        candidates.clear();
        let (walk, filter) = if prefixes.count(i) <= suffixes.count(i) {
            (&prefixes, &suffixes)
        } else {
            (&suffixes, &prefixes)
        };
        walk.compatible_with(i, &mut candidates);
        let full = |k: usize| listed[k] >= MAX_LISTED_PER_MESSAGE;
        candidates.retain(|&j| j > i && !(full(i) && full(j)) && filter.compatible(i, j));
        // Report in claim order, whichever index found them, so output stays the same.
        candidates.sort_unstable();
        for &j in &candidates {
            // Reports earlier in this loop may have filled both since.
            if listed[i] >= MAX_LISTED_PER_MESSAGE && listed[j] >= MAX_LISTED_PER_MESSAGE {
                continue;
            }
            let other = &claims[j];
            if other.file.raw.code.value != claim.file.raw.code.value
                && claim.template.overlaps(&other.template)
            {
                report(claim, other, &mut listed[i], diagnostics);
                report(other, claim, &mut listed[j], diagnostics);
            }
        }
    }
}

/// The claims ordered by a key (a literal prefix, or a literal suffix reversed), to find
/// the claims whose key starts ours or starts with ours ("compatible" keys) without
/// looking at the others.
///
/// Sorted, the keys starting with `k` are a contiguous run beginning at `k`. The keys
/// that `k` starts with come earlier, each a prefix of the next: one scan with a stack
/// links every distinct key to the longest other key it starts with (its parent).
struct EndIndex {
    keys: Vec<String>,
    /// Claim indexes, sorted by key.
    order: Vec<usize>,
    /// For each claim, its group: the run of `order` that shares its key.
    group_of: Vec<usize>,
    groups: Vec<Group>,
}

struct Group {
    /// Where the key's run starts in `order`.
    start: usize,
    /// How many claims have exactly this key.
    size: usize,
    /// Where the run of keys starting with this key ends in `order`.
    end: usize,
    /// The group of the longest shorter key that this key starts with.
    parent: Option<usize>,
    /// How many claims have a key that this key starts with and is longer than.
    ancestors: usize,
}

impl EndIndex {
    fn new(keys: impl Iterator<Item = String>) -> Self {
        let keys: Vec<String> = keys.collect();
        let mut order: Vec<usize> = (0..keys.len()).collect();
        // A stable sort by key then index keeps everything deterministic.
        order.sort_by(|&a, &b| keys[a].cmp(&keys[b]));
        let mut group_of = vec![0; keys.len()];
        let mut groups: Vec<Group> = Vec::new();
        // Groups whose key the current key starts with, shortest first.
        let mut stack: Vec<usize> = Vec::new();
        for (position, &claim) in order.iter().enumerate() {
            let key = &keys[claim];
            let same_as_last = groups.last().is_some_and(|g| keys[order[g.start]] == *key);
            if !same_as_last {
                while let Some(&top) = stack.last() {
                    if key.starts_with(&keys[order[groups[top].start]]) {
                        break;
                    }
                    groups[top].end = position;
                    stack.pop();
                }
                let parent = stack.last().copied();
                let ancestors = parent.map_or(0, |p| {
                    let p = &groups[p];
                    p.ancestors + p.size
                });
                stack.push(groups.len());
                groups.push(Group {
                    start: position,
                    size: 0,
                    end: keys.len(),
                    parent,
                    ancestors,
                });
            }
            if let Some(group) = groups.last_mut() {
                group.size += 1;
            }
            group_of[claim] = groups.len() - 1;
        }
        EndIndex {
            keys,
            order,
            group_of,
            groups,
        }
    }

    /// How many claims have a key compatible with claim `i`'s (itself included).
    fn count(&self, i: usize) -> usize {
        let group = &self.groups[self.group_of[i]];
        group.ancestors + (group.end - group.start)
    }

    /// Pushes every claim whose key is compatible with claim `i`'s (itself included).
    fn compatible_with(&self, i: usize, out: &mut Vec<usize>) {
        let mut group = &self.groups[self.group_of[i]];
        out.extend(&self.order[group.start..group.end]);
        while let Some(parent) = group.parent {
            group = &self.groups[parent];
            out.extend(&self.order[group.start..group.start + group.size]);
        }
    }

    /// Whether claim `i`'s and claim `j`'s keys are compatible.
    fn compatible(&self, i: usize, j: usize) -> bool {
        let (a, b) = (&self.keys[i], &self.keys[j]);
        a.starts_with(b.as_str()) || b.starts_with(a.as_str())
    }
}

/// Overlaps listed for one message; the last one listed says there may be more.
const MAX_LISTED_PER_MESSAGE: usize = 5;

/// Reports that `claim`'s message can be `other`'s, unless `listed` (its count so far)
/// has reached [`MAX_LISTED_PER_MESSAGE`].
fn report(claim: &Claim<'_>, other: &Claim<'_>, listed: &mut usize, diagnostics: &mut Diagnostics) {
    if *listed >= MAX_LISTED_PER_MESSAGE {
        return;
    }
    *listed += 1;
    let (message, other_message) = (claim.message, other.message);
    let help = "a message must identify one error: make the fixed text of the two messages differ, or keep the message in one error only";
    let help = if *listed == MAX_LISTED_PER_MESSAGE {
        format!(
            "{help}; at most {MAX_LISTED_PER_MESSAGE} overlaps are listed per message, and this one may have more"
        )
    } else {
        help.to_owned()
    };
    diagnostics.push(
        at(
            claim.file.source,
            message,
            Code::MessageClaimedTwice,
            format!(
                "message `{}` can also be `{}` of `{}` ({}:{})",
                message.value.trim(),
                other_message.value.trim(),
                other.file.raw.code.value,
                other.file.source.path,
                other_message.referenced.line()
            ),
        )
        .with_help(help),
    );
}

#[cfg(test)]
mod tests {
    use super::EndIndex;

    proptest::proptest! {
        /// The index finds exactly the keys a comparison of every pair would find.
        #[test]
        fn the_index_finds_every_compatible_key(keys in proptest::collection::vec("[abé]{0,4}", 0..40)) {
            let index = EndIndex::new(keys.iter().cloned());
            for i in 0..keys.len() {
                let mut found = Vec::new();
                index.compatible_with(i, &mut found);
                found.sort_unstable();
                let expected: Vec<usize> = (0..keys.len())
                    .filter(|&j| keys[i].starts_with(keys[j].as_str()) || keys[j].starts_with(keys[i].as_str()))
                    .collect();
                proptest::prop_assert_eq!(index.count(i), expected.len());
                proptest::prop_assert_eq!(found, expected);
            }
        }
    }
}
