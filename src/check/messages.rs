//! The messages stage: no concrete message may belong to two codes.
//!
//! An agent or a person pasting a message into search must land on exactly one error,
//! so two codes whose templates can produce the same text are an error in both files.

use super::message_index::EndsIndex;
use super::{ErrorFile, at};
use crate::diagnostic::{Code, Diagnostics};
use crate::load::raw::S;
use crate::message_template::Template;
use std::ops::Range;

struct Claim<'a> {
    file: &'a ErrorFile<'a>,
    message: &'a S<String>,
    template: Template,
}

pub(super) fn check_messages(files: &[ErrorFile<'_>], diagnostics: &mut Diagnostics) {
    let steps = find_claimed_twice(files, diagnostics);
    tracing::debug!(steps, "compared messages");
}

/// Reports the messages two codes claim, and returns the work it took: a step per
/// message or group looked at, and one per byte of two messages compared.
fn find_claimed_twice(files: &[ErrorFile<'_>], diagnostics: &mut Diagnostics) -> u64 {
    let mut claims: Vec<Claim<'_>> = Vec::new();
    // The claims of each file, which are consecutive.
    let mut of_file: Vec<Range<usize>> = Vec::with_capacity(files.len());
    for file in files {
        let start = claims.len();
        // A message written twice in one file is one claim.
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
        of_file.push(start..claims.len());
    }
    let reversed_suffixes: Vec<String> = claims
        .iter()
        .map(|c| c.template.literal_suffix().chars().rev().collect())
        .collect();
    let mut index = EndsIndex::new(
        claims.iter().map(|c| c.template.literal_prefix()).collect(),
        reversed_suffixes.iter().map(String::as_str).collect(),
    );
    let mut candidates: Vec<usize> = Vec::new();
    // Overlaps listed per message. A template that starts with a placeholder can overlap
    // every template of every other code that ends with one, so a catalog of such
    // messages has pairs in the square of its size: 1,000 files gave two million
    // diagnostics and 2.4 GB. Past the cap a message's overlaps are not listed, and a
    // pair whose two messages are both past it is not even compared.
    let mut listed = vec![0usize; claims.len()];
    let mut steps = 0u64;
    for range in of_file {
        // Each file's claims leave the indexes before they are compared, so each is
        // compared only with the files after it: never with a message of its own error,
        // of which one error of 8,000 `{a}…{b}` messages had 32 million pairs.
        for k in range.clone() {
            index.remove(k);
        }
        for i in range {
            let claim = &claims[i];
            steps += index.compatible_with(i, &mut candidates) as u64;
            let full = |k: usize| listed[k] >= MAX_LISTED_PER_MESSAGE;
            candidates.retain(|&j| !(full(i) && full(j)));
            // Report in claim order, whichever index found them, so output stays the same.
            candidates.sort_unstable();
            for &j in &candidates {
                // Reports earlier in this loop may have filled both since.
                if listed[i] >= MAX_LISTED_PER_MESSAGE && listed[j] >= MAX_LISTED_PER_MESSAGE {
                    continue;
                }
                let other = &claims[j];
                // Another file of the same code is E012's to report.
                if other.file.raw.code.value == claim.file.raw.code.value {
                    continue;
                }
                steps += (claim.message.value.len() + other.message.value.len()) as u64;
                if claim.template.overlaps(&other.template) {
                    report(claim, other, &mut listed[i], diagnostics);
                    report(other, claim, &mut listed[j], diagnostics);
                }
            }
        }
    }
    steps
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
    use super::find_claimed_twice;
    use crate::check::{ErrorFile, file_stem};
    use crate::diagnostic::Diagnostics;
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

    /// Runs the search: its diagnostics and the steps it took.
    fn search(files: &[(SourceFile, RawError)]) -> (Diagnostics, u64) {
        let files: Vec<ErrorFile<'_>> = files
            .iter()
            .map(|(source, raw)| ErrorFile {
                source,
                raw,
                stem: file_stem(&source.path),
            })
            .collect();
        let mut diagnostics = Diagnostics::default();
        let steps = find_claimed_twice(&files, &mut diagnostics);
        (diagnostics, steps)
    }

    fn open_at_both_ends(count: usize) -> Vec<String> {
        (0..count).map(|i| format!("{{a}}{i}{{b}}")).collect()
    }

    #[test]
    fn the_messages_of_one_error_are_never_compared() {
        // Each could be the text of every other, and used to be a candidate for each.
        let files = errors(&[("one", open_at_both_ends(2_000))]);
        let (diagnostics, steps) = search(&files);
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
        let (diagnostics, steps) = search(&errors(&files));
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
        let (diagnostics, steps) = search(&files);
        // Each pair is a candidate once; few are compared, since five overlaps are
        // listed per message.
        let comparisons = 300 * 300;
        assert!(steps >= comparisons && steps < comparisons * 2, "{steps}");
        assert_eq!(diagnostics.iter().count(), 5 * 600);
    }
}
