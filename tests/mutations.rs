//! Property test: random mutations of a valid error file never panic, and either pass or
//! yield diagnostics whose line numbers are inside the file.

use proptest::prelude::*;

const CONFIG: &str =
    "title: Mutations\nsummary: Mutated files.\nbase_url: https://docs.mutations.test\n";

const VALID: &str = r#"code: rate_limited
title: Too many requests
status: 429
summary: You sent too many requests.
description: |
  The API allows **100 requests** a minute per key.
when:
  - More than 100 requests in a minute.
causes:
  - cause: A retry loop without backoff.
    resolution: Back off exponentially.
messages:
  - message: "Rate limit of {limit} requests exceeded"
fix:
  - Wait for `Retry-After` seconds.
retryable: true
retry_after:
  header: Retry-After
  seconds: 60
agent:
  action: retry_later
  guidance: Wait, then retry once.
"#;

#[derive(Debug, Clone)]
enum Mutation {
    DeleteLine(usize),
    SwapType(usize),
    InjectKey(usize, String),
    Truncate(usize),
    DuplicateLine(usize),
    InsertBytes(usize, Vec<u8>),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (0..30usize).prop_map(Mutation::DeleteLine),
        (0..30usize).prop_map(Mutation::SwapType),
        (0..30usize, "[a-z_]{1,12}").prop_map(|(l, k)| Mutation::InjectKey(l, k)),
        (0..VALID.len()).prop_map(Mutation::Truncate),
        (0..30usize).prop_map(Mutation::DuplicateLine),
        (0..VALID.len(), proptest::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(at, b)| Mutation::InsertBytes(at, b)),
    ]
}

fn apply(text: &str, mutations: &[Mutation]) -> Vec<u8> {
    let mut bytes = text.as_bytes().to_vec();
    for m in mutations {
        let s = String::from_utf8_lossy(&bytes).into_owned();
        let mut lines: Vec<String> = s.lines().map(str::to_owned).collect();
        let n = lines.len().max(1);
        match m {
            Mutation::DeleteLine(i) if !lines.is_empty() => {
                lines.remove(i % n);
            }
            Mutation::SwapType(i) if !lines.is_empty() => {
                let line = &mut lines[i % n];
                if let Some((key, _)) = line.split_once(": ") {
                    *line = format!("{key}: [1, {{a: b}}]");
                }
            }
            // Anywhere from before the first line to after the last: an empty file (truncated
            // to nothing) has one such place.
            Mutation::InjectKey(i, key) => {
                lines.insert(i % (lines.len() + 1), format!("{key}: injected"));
            }
            Mutation::DuplicateLine(i) if !lines.is_empty() => {
                let line = lines[i % n].clone();
                lines.insert(i % n, line);
            }
            Mutation::Truncate(at) => {
                bytes.truncate((*at).min(bytes.len()));
                continue;
            }
            Mutation::InsertBytes(at, extra) => {
                let at = (*at).min(bytes.len());
                bytes.splice(at..at, extra.iter().copied());
                continue;
            }
            _ => {}
        }
        bytes = (lines.join("\n") + "\n").into_bytes();
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn mutated_files_yield_located_diagnostics_or_pass(mutations in proptest::collection::vec(mutation(), 1..4)) {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("errdex.yaml"), CONFIG).expect("config");
        std::fs::create_dir(dir.path().join("errors")).expect("errors");
        let bytes = apply(VALID, &mutations);
        std::fs::write(dir.path().join("errors/rate_limited.yaml"), &bytes).expect("file");
        // Lines as YAML counts them: a lone `\r` ends a line too (a mutation can insert
        // one, and the parser then rightly reports a line past the last `\n`).
        let lone_cr = bytes.windows(2).filter(|w| w[0] == b'\r' && w[1] != b'\n').count()
            + usize::from(bytes.last() == Some(&b'\r'));
        let line_count = bytes.iter().filter(|b| **b == b'\n').count() + lone_cr + 1;

        let loaded = errdex::load::load_catalog(dir.path()).expect("catalog loads");
        let checked = errdex::check::check(&loaded);
        let diagnostics = checked.diagnostics.sorted();
        if checked.catalog.is_none() {
            prop_assert!(!diagnostics.is_empty(), "a failed check must say why");
        }
        for d in &diagnostics {
            prop_assert!(d.start.line >= 1 && d.start.line <= line_count, "line {} outside 1..={line_count}: {d:?}", d.start.line);
            prop_assert!(d.start.column >= 1);
        }
    }
}
