//! The messages stage: no concrete message may belong to two codes.
//!
//! An agent or a person pasting a message into search must land on exactly one error,
//! so two codes whose templates can produce the same text are an error in both files.

use super::message_index::{ShapeIndex, Words};
use super::{ErrorFile, at};
use crate::diagnostic::{Code, Diagnostics};
use crate::load::raw::S;
use std::ops::Range;

struct Claim<'a> {
    file: &'a ErrorFile<'a>,
    /// The position of `file` in the files searched.
    file_index: usize,
    message: &'a S<String>,
    /// The message, trimmed.
    text: &'a str,
}

/// The work the overlap search may do before it stops and says so: a second or two.
///
/// A step is a list or a message the index looks at, or a byte of two messages compared.
/// Messages whose every word holds a placeholder can each fit thousands of others, and
/// only a comparison tells which really overlap: two codes of 16,000 `{a}…{b}` messages
/// are 256 million pairs, and a template against messages of a megabyte each is a
/// megabyte per pair. Catalogs far larger than real ones stay far below (see the
/// `steps` debug log of `check`).
const MAX_STEPS: u64 = 200_000_000;

pub(super) fn check_messages(files: &[ErrorFile<'_>], diagnostics: &mut Diagnostics) {
    let steps = find_claimed_twice(files, MAX_STEPS, diagnostics);
    tracing::debug!(steps, max = MAX_STEPS, "compared messages");
}

/// Reports the messages two codes claim, and returns the steps it took (see
/// [`MAX_STEPS`]); past `max_steps` it reports where it stopped instead of going on.
fn find_claimed_twice(
    files: &[ErrorFile<'_>],
    max_steps: u64,
    diagnostics: &mut Diagnostics,
) -> u64 {
    let mut claims: Vec<Claim<'_>> = Vec::new();
    // The claims of each file, which are consecutive.
    let mut of_file: Vec<Range<usize>> = Vec::with_capacity(files.len());
    for (file_index, file) in files.iter().enumerate() {
        let start = claims.len();
        // A message written twice in one file is one claim (and a W010 warning).
        let mut seen = std::collections::BTreeSet::new();
        for message in file.raw.messages.iter().flat_map(|m| &m.value) {
            if !seen.insert(message.message.value.trim()) {
                continue;
            }
            claims.push(Claim {
                file,
                file_index,
                message: &message.message,
                text: message.message.value.trim(),
            });
        }
        of_file.push(start..claims.len());
    }
    // Each message's words are split again where it is compared, not kept: kept, they
    // took 145 MB at 100,000 errors.
    let index = ShapeIndex::new(&claims.iter().map(|c| c.text).collect::<Vec<_>>());
    let mut candidates: Vec<usize> = Vec::new();
    // Overlaps listed per message. Messages of one word with placeholders (`{a}-{b}`)
    // can overlap every other code's, so a catalog of such messages has pairs in the
    // square of its size: 1,000 files gave two million diagnostics and 2.4 GB. Past the
    // cap a message's overlaps are not listed, and a pair whose two messages are both past
    // it is not even compared.
    let mut listed = vec![0usize; claims.len()];
    // Overlaps listed per file. Eight files of 30,000 such messages each reached every
    // message's cap: 460,000 diagnostics, 1.5 GB, for 7 MB of YAML.
    let mut listed_in_file = vec![0usize; files.len()];
    let mut steps = 0u64;
    for range in of_file {
        // Each message is compared only with the files after its own: never with a
        // message of its own error, of which one error of 8,000 `{a}…{b}` messages had
        // 32 million pairs.
        let after = range.end;
        for i in range {
            let claim = &claims[i];
            let words = Words::new(claim.text);
            steps += index.candidates(i, &words, after, &mut candidates) as u64;
            let full = |k: usize, listed: &[usize], in_file: &[usize]| {
                listed[k] >= MAX_LISTED_PER_MESSAGE
                    || in_file[claims[k].file_index] >= MAX_LISTED_PER_FILE
            };
            candidates.retain(|&j| {
                !(full(i, &listed, &listed_in_file) && full(j, &listed, &listed_in_file))
            });
            for &j in &candidates {
                if steps > max_steps {
                    report_stop(claim, diagnostics);
                    return steps;
                }
                // Reports earlier in this loop may have filled both since.
                if full(i, &listed, &listed_in_file) && full(j, &listed, &listed_in_file) {
                    continue;
                }
                let other = &claims[j];
                // Another file of the same code is E012's to report.
                if other.file.raw.code.value == claim.file.raw.code.value {
                    continue;
                }
                steps += (claim.text.len() + other.text.len()) as u64;
                let other_words = Words::new(other.text);
                if words.overlap(&other_words) {
                    let shared = words.shared_message(&other_words);
                    for (one, two, k) in [(claim, other, i), (other, claim, j)] {
                        let counts = Listed {
                            message: &mut listed[k],
                            file: &mut listed_in_file[one.file_index],
                        };
                        report(one, two, shared.as_deref(), counts, diagnostics);
                    }
                }
            }
            if steps > max_steps {
                report_stop(claim, diagnostics);
                return steps;
            }
        }
    }
    steps
}

/// Characters of a message a diagnostic quotes.
pub(super) const MESSAGE_EXCERPT: usize = 120;

/// Overlaps listed for one message; the last one listed says there may be more.
const MAX_LISTED_PER_MESSAGE: usize = 5;

/// Overlaps listed for the messages of one file; the last one listed says there may be
/// more.
const MAX_LISTED_PER_FILE: usize = 100;

/// The overlaps listed so far for a message and for its file.
struct Listed<'c> {
    message: &'c mut usize,
    file: &'c mut usize,
}

/// Reports that `claim`'s message can be `other`'s, unless its count or its file's
/// (`listed`) has reached its cap ([`MAX_LISTED_PER_MESSAGE`], [`MAX_LISTED_PER_FILE`]).
/// `shared` is a message both fit, when both have placeholders.
fn report(
    claim: &Claim<'_>,
    other: &Claim<'_>,
    shared: Option<&str>,
    listed: Listed<'_>,
    diagnostics: &mut Diagnostics,
) {
    if *listed.message >= MAX_LISTED_PER_MESSAGE || *listed.file >= MAX_LISTED_PER_FILE {
        return;
    }
    *listed.message += 1;
    *listed.file += 1;
    let (message, other_message) = (claim.message, other.message);
    let same = message.value == other_message.value;
    // Two templates can differ as written and still fit one message; an example of it
    // shows how. The same text twice needs no example.
    let help = match shared {
        _ if same => "a message must identify one error: keep it in one error only, or make the fixed text of the two differ".to_owned(),
        Some(shared) => format!(
            "both fit `{}`, each placeholder a value without spaces; a message must identify one error: give the two messages fixed words that differ, or keep the message in one error only",
            super::excerpt(shared, MESSAGE_EXCERPT)
        ),
        None => "a message must identify one error: make the fixed text of the two messages differ, or keep the message in one error only".to_owned(),
    };
    let help = if *listed.file == MAX_LISTED_PER_FILE {
        format!(
            "{help}; at most {MAX_LISTED_PER_FILE} overlaps are listed per file, and this file may have more"
        )
    } else if *listed.message == MAX_LISTED_PER_MESSAGE {
        format!(
            "{help}; at most {MAX_LISTED_PER_MESSAGE} overlaps are listed per message, and this one may have more"
        )
    } else {
        help
    };
    diagnostics.push(
        at(
            claim.file.source,
            message,
            Code::MessageClaimedTwice,
            format!(
                "message `{}` {} of `{}` ({}:{})",
                super::excerpt(&message.value, MESSAGE_EXCERPT),
                if same {
                    "is also a message".to_owned()
                } else {
                    format!(
                        "can also be `{}`",
                        super::excerpt(&other_message.value, MESSAGE_EXCERPT)
                    )
                },
                other.file.raw.code.value,
                other.file.source.path,
                other_message.referenced.line()
            ),
        )
        .with_help(help),
    );
}

/// Reports that the search stopped at `claim` (see [`MAX_STEPS`]): the claims before it
/// were compared with every other, the ones from it on were not.
fn report_stop(claim: &Claim<'_>, diagnostics: &mut Diagnostics) {
    diagnostics.push(
        at(
            claim.file.source,
            claim.message,
            Code::MessageClaimedTwice,
            format!(
                "stopped looking for messages claimed twice at `{}`: too many messages of different codes could be the same text to compare them all",
                super::excerpt(&claim.message.value, MESSAGE_EXCERPT)
            ),
        )
        .with_help("messages whose every word holds a placeholder (`{a}-{b}`) can fit thousands of others; give them fixed words where you can, fix the overlaps listed, and check again (messages in the files before this one, and above it in this file, were compared with every other; the rest were not)"),
    );
}

#[cfg(test)]
mod tests {
    use super::find_claimed_twice;
    use crate::check::{ErrorFile, file_stem};
    use crate::diagnostic::{Code, Diagnostics};
    use crate::load::parse_error;
    use crate::load::raw::RawError;
    use crate::source::SourceFile;

    /// Error files of the given codes, each with the given messages.
    fn errors(files: &[(&str, Vec<String>)]) -> Vec<(SourceFile, RawError)> {
        files
            .iter()
            .map(|(code, messages)| {
                let mut text = format!(
                    "code: {code}\ntitle: T\nstatus: 400\nsummary: S.\nretryable: false\nagent: {{action: stop, guidance: G.}}\nmessages:\n"
                );
                for message in messages {
                    text.push_str(&format!("  - message: \"{message}\"\n"));
                }
                let source = SourceFile::new(format!("errors/{code}.yaml"), text);
                let raw = parse_error(&source).expect("the test file parses");
                (source, raw)
            })
            .collect()
    }

    /// Runs the search with `max_steps`: its diagnostics and the steps it took.
    fn search(files: &[(SourceFile, RawError)], max_steps: u64) -> (Diagnostics, u64) {
        let files: Vec<ErrorFile<'_>> = files
            .iter()
            .map(|(source, raw)| ErrorFile {
                source,
                raw,
                stem: file_stem(&source.path),
            })
            .collect();
        let mut diagnostics = Diagnostics::default();
        let steps = find_claimed_twice(&files, max_steps, &mut diagnostics);
        (diagnostics, steps)
    }

    fn open_at_both_ends(count: usize) -> Vec<String> {
        (0..count).map(|i| format!("{{a}}{i}{{b}}")).collect()
    }

    #[test]
    fn the_messages_of_one_error_are_never_compared() {
        // Each could be the text of every other, and used to be a candidate for each.
        let files = errors(&[("one", open_at_both_ends(2_000))]);
        let (diagnostics, steps) = search(&files, u64::MAX);
        assert_eq!(diagnostics.iter().count(), 0);
        // A step per message (a look at its own group), none per pair.
        assert!(steps <= 2_000, "{steps}");
    }

    #[test]
    fn messages_starting_with_a_placeholder_are_not_checked_one_by_one() {
        // Every other message starts with what they start with (nothing), but their
        // suffixes rule them out for each other as a group.
        let mut files: Vec<(String, Vec<String>)> = Vec::new();
        for k in 0..200 {
            files.push((
                format!("lead{k}"),
                vec![format!("{{x}} was refused (ref {k})")],
            ));
            files.push((
                format!("plain{k}"),
                vec![format!("Plain {k}: {{y}} failed.")],
            ));
        }
        let files: Vec<(&str, Vec<String>)> =
            files.iter().map(|(c, m)| (c.as_str(), m.clone())).collect();
        let (diagnostics, steps) = search(&errors(&files), u64::MAX);
        assert_eq!(diagnostics.iter().count(), 0);
        // A few steps per message; one by one, each `plain` would check every `lead`.
        assert!(steps < 400 * 10, "{steps}");
    }

    #[test]
    fn messages_of_two_errors_are_compared_once_per_pair_at_most() {
        let files = errors(&[
            ("one", open_at_both_ends(300)),
            ("two", open_at_both_ends(300)),
        ]);
        let (diagnostics, steps) = search(&files, u64::MAX);
        // Each pair is a candidate once; few are compared, since a hundred overlaps are
        // listed per file.
        let comparisons = 300 * 300;
        assert!(steps >= comparisons && steps < comparisons * 2, "{steps}");
        assert_eq!(diagnostics.iter().count(), 2 * 100);
    }

    #[test]
    fn five_overlaps_are_listed_per_message() {
        let files = errors(&[
            ("one", open_at_both_ends(15)),
            ("two", open_at_both_ends(15)),
        ]);
        let (diagnostics, _) = search(&files, u64::MAX);
        let mut per_line = std::collections::BTreeMap::<_, usize>::new();
        for d in diagnostics.iter() {
            *per_line.entry((&d.file, d.start.line)).or_default() += 1;
        }
        assert_eq!(per_line.len(), 30);
        assert!(per_line.values().all(|&n| n == 5), "{per_line:?}");
    }

    #[test]
    fn past_its_budget_the_search_says_where_it_stopped() {
        let files = errors(&[
            ("one", open_at_both_ends(300)),
            ("two", open_at_both_ends(300)),
        ]);
        let (diagnostics, steps) = search(&files, 20_000);
        // It stops within the candidates of one message past the budget.
        assert!(steps < 20_000 + 1_000, "{steps}");
        let stops: Vec<_> = diagnostics
            .iter()
            .filter(|d| d.message.starts_with("stopped"))
            .collect();
        assert_eq!(stops.len(), 1, "{stops:?}");
        let stop = stops[0];
        assert_eq!(stop.code, Code::MessageClaimedTwice);
        assert_eq!(stop.file, "errors/one.yaml");
        assert!(stop.help.as_deref().unwrap_or("").contains("check again"));
        // What it found before stopping is still reported.
        assert!(diagnostics.iter().count() > 1);
    }
}
