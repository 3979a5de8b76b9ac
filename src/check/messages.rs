//! The messages stage: no concrete message may belong to two codes.
//!
//! An agent or a person pasting a message into search must land on exactly one error,
//! so two codes whose templates can produce the same text are an error in both files.

use super::{ErrorFile, at};
use crate::diagnostic::{Code, Diagnostics};
use crate::load::raw::S;
use crate::message_template::Template;
use std::collections::HashMap;

struct Claim<'a> {
    file: &'a ErrorFile<'a>,
    message: &'a S<String>,
    template: Template,
    prefix: String,
}

pub(super) fn check_messages(files: &[ErrorFile<'_>], diagnostics: &mut Diagnostics) {
    let mut claims: Vec<Claim<'_>> = Vec::new();
    for file in files {
        for message in file.raw.messages.iter().flat_map(|m| &m.value) {
            let template = Template::parse(message.message.value.trim());
            let prefix = template.literal_prefix();
            claims.push(Claim {
                file,
                message: &message.message,
                template,
                prefix,
            });
        }
    }
    // Two templates can only overlap if one literal prefix starts the other. Index the
    // prefixes so each claim is compared with those candidates only, not with all
    // (10,000 errors would otherwise be 10^8 comparisons).
    let mut by_prefix: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, claim) in claims.iter().enumerate() {
        by_prefix.entry(claim.prefix.as_str()).or_default().push(i);
    }
    let mut sorted: Vec<usize> = (0..claims.len()).collect();
    sorted.sort_by(|&a, &b| claims[a].prefix.cmp(&claims[b].prefix));

    let mut reported = std::collections::BTreeSet::new();
    for (i, claim) in claims.iter().enumerate() {
        let mut candidates: Vec<usize> = Vec::new();
        // Claims whose prefix is a prefix of ours (including equal).
        for (end, _) in claim
            .prefix
            .char_indices()
            .map(|(i, c)| (i + c.len_utf8(), c))
            .chain([(0, ' ')])
        {
            if let Some(list) = by_prefix.get(&claim.prefix[..end]) {
                candidates.extend(list);
            }
        }
        // Claims whose prefix starts with ours: a contiguous run in sorted order.
        let start = sorted.partition_point(|&j| claims[j].prefix.as_str() < claim.prefix.as_str());
        candidates.extend(
            sorted[start..]
                .iter()
                .take_while(|&&j| claims[j].prefix.starts_with(&claim.prefix)),
        );
        candidates.sort_unstable();
        candidates.dedup();
        for j in candidates {
            let other = &claims[j];
            if j <= i || other.file.raw.code.value == claim.file.raw.code.value {
                continue;
            }
            if !claim.template.overlaps(&other.template) || !reported.insert((i, j)) {
                continue;
            }
            report(claim, other, diagnostics);
            report(other, claim, diagnostics);
        }
    }
}

fn report(claim: &Claim<'_>, other: &Claim<'_>, diagnostics: &mut Diagnostics) {
    let (message, other_message) = (claim.message, other.message);
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
        .with_help("a message must identify one error: make the fixed text of the two messages differ, or keep the message in one error only"),
    );
}
