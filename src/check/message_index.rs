//! Indexes of message templates by their literal ends, for the messages stage (E030).
//!
//! Two templates can only share a message if one's literal prefix starts the other's and
//! one's literal suffix ends the other's ("compatible" ends). [`EndsIndex`] finds, for a
//! message, the messages whose two ends are both compatible with its own, without looking
//! at most of the others: comparing every pair would be 10^8 comparisons at 10,000
//! errors.

/// Messages (numbered `0..n` by the caller) indexed by both literal ends.
///
/// Each message is found through one end and checked on the other. Indexing one end
/// alone is not enough: `{field} is required` has an empty prefix, which every message
/// starts with, while its suffix rules out almost all of them. So for each message the
/// end with fewer longer compatible keys is walked. The keys shorter than its own (or
/// equal) are few but can be shared by many messages: a catalog where every tenth message
/// starts with a placeholder has thousands under the empty prefix, which every other
/// message would have checked one by one (100,000 errors: 1.8 billion pairs). So the
/// messages of a large group of one end are indexed again by the other end.
pub(super) struct EndsIndex<'k> {
    prefixes: Side<'k>,
    suffixes: Side<'k>,
}

/// One end's index, with each large group of it indexed again by the other end.
struct Side<'k> {
    index: EndIndex<'k>,
    /// For each group of `index`, its messages by the other end, if it has more than
    /// [`SCANNED_GROUP`] of them.
    by_other_end: Vec<Option<EndIndex<'k>>>,
    /// For each message, its number in its group's `by_other_end` index.
    in_group: Vec<usize>,
}

/// Groups up to this size are checked one message at a time.
const SCANNED_GROUP: usize = 16;

impl<'k> EndsIndex<'k> {
    /// Indexes messages by their literal prefixes and their literal suffixes, each
    /// suffix written backwards (so that "ends with" is "starts with").
    pub(super) fn new(prefixes: Vec<&'k str>, reversed_suffixes: Vec<&'k str>) -> Self {
        EndsIndex {
            prefixes: Side::new(&prefixes, &reversed_suffixes),
            suffixes: Side::new(&reversed_suffixes, &prefixes),
        }
    }

    /// Takes message `i` out of the index: it is no longer found.
    pub(super) fn remove(&mut self, i: usize) {
        self.prefixes.remove(i);
        self.suffixes.remove(i);
    }

    /// Replaces `found` with every message still in the index whose prefix and suffix
    /// are both compatible with message `i`'s, in no particular order. Returns the work
    /// it took: the messages and groups it looked at, at least as many as it found.
    pub(super) fn compatible_with(&mut self, i: usize, found: &mut Vec<usize>) -> usize {
        let (walked, other) =
            if self.prefixes.index.longer_count(i) <= self.suffixes.index.longer_count(i) {
                (&mut self.prefixes, &self.suffixes.index)
            } else {
                (&mut self.suffixes, &self.prefixes.index)
            };
        found.clear();
        // Longer keys on the walked end: checked one by one on the other.
        walked.index.push_longer(i, found);
        let mut work = found.len();
        found.retain(|&j| other.compatible(i, j));
        // Its own key and the shorter keys it starts with: a group each.
        let mut group = Some(walked.index.group_of[i]);
        while let Some(g) = group {
            let before = found.len();
            work += 1 + match &mut walked.by_other_end[g] {
                Some(by_other_end) => by_other_end.compatible_with_key(other.keys[i], found),
                None => {
                    walked.index.push_group(g, found);
                    let scanned = found.len() - before;
                    let mut kept = before;
                    for n in before..found.len() {
                        if other.compatible(i, found[n]) {
                            found[kept] = found[n];
                            kept += 1;
                        }
                    }
                    found.truncate(kept);
                    // The ones dropped; the ones kept are counted below.
                    scanned - (kept - before)
                }
            };
            work += found.len() - before;
            group = walked.index.groups[g].parent;
        }
        work
    }
}

impl<'k> Side<'k> {
    fn new(keys: &[&'k str], other_keys: &[&'k str]) -> Self {
        let index = EndIndex::new(keys.iter().copied().enumerate());
        let mut in_group = vec![0; keys.len()];
        let by_other_end = index
            .groups
            .iter()
            .map(|group| {
                let members = &index.order[group.start..group.start + group.size];
                (group.size > SCANNED_GROUP).then(|| {
                    for (n, &i) in members.iter().enumerate() {
                        in_group[i] = n;
                    }
                    EndIndex::new(members.iter().map(|&i| (i, other_keys[i])))
                })
            })
            .collect();
        Side {
            index,
            by_other_end,
            in_group,
        }
    }

    fn remove(&mut self, i: usize) {
        self.index.remove(i);
        if let Some(by_other_end) = &mut self.by_other_end[self.index.group_of[i]] {
            by_other_end.remove(self.in_group[i]);
        }
    }
}

/// Messages ordered by one key (a literal prefix, or a literal suffix reversed), to find
/// the messages whose key starts ours or starts with ours ("compatible" keys) without
/// looking at the others.
///
/// Sorted, the keys starting with `k` are a contiguous run beginning at `k`. The keys
/// that `k` starts with come earlier, each a prefix of the next: one scan with a stack
/// links every distinct key to the longest other key it starts with (its parent).
///
/// Entries are numbered `0..n` in the order given; each carries the number of the message
/// it stands for, which is what the searches push. Entries can be removed; the searches
/// then skip them at no cost per removed entry.
struct EndIndex<'k> {
    keys: Vec<&'k str>,
    /// The message of each entry.
    messages: Vec<usize>,
    /// Entries, sorted by key.
    order: Vec<usize>,
    /// For each entry, where it is in `order`.
    place_of: Vec<usize>,
    /// For each place in `order` (and one past the end), a place at or after it where
    /// the first entry not removed may be: itself while its entry is in the index.
    /// Following the links finds it; each search shortens the links it followed.
    present_from: Vec<usize>,
    /// For each entry, its group: the run of `order` that shares its key.
    group_of: Vec<usize>,
    groups: Vec<Group>,
}

struct Group {
    /// Where the key's run starts in `order`.
    start: usize,
    /// How many entries have exactly this key.
    size: usize,
    /// Where the run of keys starting with this key ends in `order`.
    end: usize,
    /// The group of the longest shorter key that this key starts with.
    parent: Option<usize>,
}

impl<'k> EndIndex<'k> {
    /// Indexes `(message, key)` entries.
    fn new(entries: impl Iterator<Item = (usize, &'k str)>) -> Self {
        let (messages, keys): (Vec<usize>, Vec<&str>) = entries.unzip();
        let mut order: Vec<usize> = (0..keys.len()).collect();
        // A stable sort by key then entry keeps everything deterministic.
        order.sort_by(|&a, &b| keys[a].cmp(keys[b]));
        let mut group_of = vec![0; keys.len()];
        let mut groups: Vec<Group> = Vec::new();
        // Groups whose key the current key starts with, shortest first.
        let mut stack: Vec<usize> = Vec::new();
        for (place, &entry) in order.iter().enumerate() {
            let key = keys[entry];
            let same_as_last = groups.last().is_some_and(|g| keys[order[g.start]] == key);
            if !same_as_last {
                while let Some(&top) = stack.last() {
                    if key.starts_with(keys[order[groups[top].start]]) {
                        break;
                    }
                    groups[top].end = place;
                    stack.pop();
                }
                stack.push(groups.len());
                groups.push(Group {
                    start: place,
                    size: 0,
                    end: keys.len(),
                    parent: stack.len().checked_sub(2).map(|below| stack[below]),
                });
            }
            if let Some(group) = groups.last_mut() {
                group.size += 1;
            }
            group_of[entry] = groups.len() - 1;
        }
        let mut place_of = vec![0; keys.len()];
        for (place, &entry) in order.iter().enumerate() {
            place_of[entry] = place;
        }
        EndIndex {
            present_from: (0..=keys.len()).collect(),
            keys,
            messages,
            order,
            place_of,
            group_of,
            groups,
        }
    }

    /// Takes entry `e` out of the index: the searches no longer find it.
    fn remove(&mut self, e: usize) {
        let place = self.place_of[e];
        self.present_from[place] = place + 1;
    }

    /// How many entries have a key longer than entry `e`'s that starts with it, removed
    /// ones included.
    fn longer_count(&self, e: usize) -> usize {
        let group = &self.groups[self.group_of[e]];
        group.end - group.start - group.size
    }

    /// Whether entries `a` and `b` have compatible keys.
    fn compatible(&self, a: usize, b: usize) -> bool {
        compatible(self.keys[a], self.keys[b])
    }

    /// Pushes the messages of the entries still in the index whose key is longer than
    /// entry `e`'s and starts with it.
    fn push_longer(&mut self, e: usize, out: &mut Vec<usize>) {
        let group = &self.groups[self.group_of[e]];
        let (start, end) = (group.start + group.size, group.end);
        self.push_present(start, end, out);
    }

    /// Pushes the messages of group `g`'s entries still in the index.
    fn push_group(&mut self, g: usize, out: &mut Vec<usize>) {
        let (start, size) = (self.groups[g].start, self.groups[g].size);
        self.push_present(start, start + size, out);
    }

    /// Pushes the messages of the entries still in the index whose key is compatible
    /// with `key`; returns how many groups of shorter keys it looked at.
    fn compatible_with_key(&mut self, key: &str, out: &mut Vec<usize>) -> usize {
        // The keys starting with `key` follow it in order.
        let start = self.order.partition_point(|&e| self.keys[e] < key);
        let end = start + self.order[start..].partition_point(|&e| self.keys[e].starts_with(key));
        self.push_present(start, end, out);
        // Every key that `key` starts with comes before it, and so does every key between
        // the two; so the longest is the key just before `key` or one of its ancestors.
        let mut group = start
            .checked_sub(1)
            .map(|before| self.group_of[self.order[before]]);
        let mut looked_at = 0;
        while let Some(g) = group {
            looked_at += 1;
            if key.starts_with(self.keys[self.order[self.groups[g].start]]) {
                self.push_group(g, out);
            }
            group = self.groups[g].parent;
        }
        looked_at
    }

    /// Pushes the messages of the entries still in the index in `order[start..end]`.
    fn push_present(&mut self, start: usize, end: usize, out: &mut Vec<usize>) {
        let mut place = self.first_present(start);
        while place < end {
            out.push(self.messages[self.order[place]]);
            place = self.first_present(place + 1);
        }
    }

    /// The first place at or after `from` whose entry is still in the index (the length
    /// of `order` if there is none).
    fn first_present(&mut self, from: usize) -> usize {
        let mut place = from;
        while self.present_from[place] != place {
            let next = self.present_from[place];
            // Halve the path: the next search from here skips one link.
            self.present_from[place] = self.present_from[next];
            place = next;
        }
        place
    }
}

/// Whether one key starts with the other.
fn compatible(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    // The empty key (a message that starts or ends with a placeholder) is common, and
    // comparing it still reads memory: 84% of the time of two codes of 8,000 such
    // messages went to comparing nothing.
    short.is_empty() || long.starts_with(short)
}

#[cfg(test)]
mod tests {
    use super::{EndIndex, EndsIndex, compatible};

    proptest::proptest! {
        /// The index finds exactly the keys a comparison of every pair would find, among
        /// the entries not removed.
        #[test]
        fn one_end_finds_every_compatible_key(
            keys in proptest::collection::vec("[abé]{0,4}", 0..40),
            removed in proptest::collection::vec(proptest::bool::weighted(0.3), 40),
            wanted in "[abé]{0,4}",
        ) {
            let mut index = EndIndex::new(keys.iter().map(String::as_str).enumerate());
            for e in (0..keys.len()).filter(|&e| removed[e]) {
                index.remove(e);
            }
            let present = |e: &usize| !removed[*e];
            for e in 0..keys.len() {
                let mut found = Vec::new();
                index.push_group(index.group_of[e], &mut found);
                index.push_longer(e, &mut found);
                let mut g = index.groups[index.group_of[e]].parent;
                while let Some(parent) = g {
                    index.push_group(parent, &mut found);
                    g = index.groups[parent].parent;
                }
                found.sort_unstable();
                let expected: Vec<usize> = (0..keys.len()).filter(present).filter(|&f| compatible(&keys[e], &keys[f])).collect();
                proptest::prop_assert_eq!(found, expected);
                let longer = (0..keys.len()).filter(|&f| keys[f].len() > keys[e].len() && keys[f].starts_with(keys[e].as_str())).count();
                proptest::prop_assert_eq!(index.longer_count(e), longer);
            }
            let mut found = Vec::new();
            index.compatible_with_key(&wanted, &mut found);
            found.sort_unstable();
            let expected: Vec<usize> = (0..keys.len()).filter(present).filter(|&f| compatible(&wanted, &keys[f])).collect();
            proptest::prop_assert_eq!(found, expected);
        }

        /// Both ends together find exactly the messages whose two ends are compatible,
        /// whichever end they walk and however large the groups.
        #[test]
        fn both_ends_find_every_compatible_message(
            ends in proptest::collection::vec(("[ab]{0,2}", "[ab]{0,2}"), 0..80),
            removed in proptest::collection::vec(proptest::bool::weighted(0.3), 80),
        ) {
            let prefixes: Vec<&str> = ends.iter().map(|(p, _)| p.as_str()).collect();
            let suffixes: Vec<&str> = ends.iter().map(|(_, s)| s.as_str()).collect();
            let mut index = EndsIndex::new(prefixes.clone(), suffixes.clone());
            for i in (0..ends.len()).filter(|&i| removed[i]) {
                index.remove(i);
            }
            for i in 0..ends.len() {
                let mut found = Vec::new();
                let work = index.compatible_with(i, &mut found);
                found.sort_unstable();
                let expected: Vec<usize> = (0..ends.len())
                    .filter(|&j| !removed[j] && compatible(prefixes[i], prefixes[j]) && compatible(suffixes[i], suffixes[j]))
                    .collect();
                proptest::prop_assert!(work >= found.len());
                proptest::prop_assert_eq!(found, expected);
            }
        }
    }
}
