//! Property test: an incremental rebuild is byte-identical to a full build.
//!
//! A small catalog is generated in a temporary folder and opened as a watch
//! [`Session`]. Random sequences of edits (titles, groups, statuses, related lists,
//! `replaced_by`, summaries, and edits that break the file), creations, deletions and
//! renames (within `errors/` and into or out of a subfolder) are applied to the files,
//! each followed by `session.rebuild` with a plan naming exactly the touched paths, as
//! the watcher would send. After every step:
//!
//! - the session is broken exactly when a fresh `load_catalog` + `check` of the folder is,
//!   and reports the same diagnostics;
//! - when valid, `session.files()` equals a fresh `render_site` byte for byte, and
//!   `changed` names exactly the paths whose bytes differ from the previous good output;
//! - when broken, the last good output is kept untouched and `changed` is empty.

use errdex::check::check;
use errdex::load::load_catalog;
use errdex::render::{Files, RenderOptions, Theme, render_site};
use errdex::watch::classify::Plan;
use errdex::watch::session::Session;
use proptest::prelude::*;
use proptest::sample::Index;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const CONFIG: &str = "title: Incremental
summary: A catalog edited at random.
base_url: https://docs.incremental.test
groups:
  - id: auth
    title: Authentication
  - id: billing
    title: Billing
";

/// Codes the generated files can have.
const CODES: &[&str] = &["alpha", "bravo", "charlie", "delta", "echo", "foxtrot"];
/// Folders under `errors/` a file can live in (`m` sorts between the codes).
const DIRS: &[&str] = &["", "m/"];
const STATUSES: &[u16] = &[400, 402, 404, 409, 429, 500, 503];
const GROUPS: &[Option<&str>] = &[None, Some("auth"), Some("billing")];
const WORDS: &[&str] = &[
    "Card", "declined", "Key", "expired", "Too", "many", "requests", "Gone", "Busy", "Nope",
];

/// How an edit breaks a file.
#[derive(Debug, Clone, Copy)]
enum Breakage {
    /// Not YAML at all.
    Syntax,
    /// `status: 999`.
    Status,
    /// A group errdex.yaml does not define.
    UnknownGroup,
    /// `code:` differs from the file name.
    CodeMismatch,
    /// A field of the wrong type.
    WrongType,
}

/// The content of one error file, rendered to YAML by [`Spec::yaml`].
#[derive(Debug, Clone)]
struct Spec {
    title: String,
    summary: String,
    status: u16,
    group: Option<&'static str>,
    /// Indices into the codes present when the edit was made (resolved at apply time).
    related: Vec<String>,
    replaced_by: Option<String>,
    broken: Option<Breakage>,
}

impl Spec {
    fn yaml(&self, code: &str) -> String {
        if let Some(Breakage::Syntax) = self.broken {
            return format!("code: {code}\ntitle: [unclosed\nstatus: {}\n", self.status);
        }
        let code_line = match self.broken {
            Some(Breakage::CodeMismatch) => format!("code: {code}_renamed"),
            _ => format!("code: {code}"),
        };
        let status = match self.broken {
            Some(Breakage::Status) => 999,
            _ => self.status,
        };
        let retryable = matches!(status, 429 | 500 | 503);
        let mut yaml = format!(
            "{code_line}\ntitle: {}\nstatus: {status}\nsummary: {}\nwhen:\n  - Something about {code} happened.\nfix:\n  - Do the right thing.\n",
            self.title, self.summary
        );
        match (self.broken, self.group) {
            (Some(Breakage::UnknownGroup), _) => yaml.push_str("group: nowhere\n"),
            (_, Some(group)) => yaml.push_str(&format!("group: {group}\n")),
            _ => {}
        }
        if let Some(Breakage::WrongType) = self.broken {
            yaml.push_str("retryable: [not, a, boolean]\n");
        } else {
            yaml.push_str(&format!("retryable: {retryable}\n"));
        }
        yaml.push_str(&format!(
            "agent:\n  action: {}\n  guidance: Handle `{code}` calmly.\n",
            if retryable {
                "retry_later"
            } else {
                "fix_request"
            }
        ));
        if !self.related.is_empty() {
            yaml.push_str("related:\n");
            for related in &self.related {
                yaml.push_str(&format!("  - {related}\n"));
            }
        }
        if let Some(replaced_by) = &self.replaced_by {
            yaml.push_str(&format!(
                "deprecated: Use `{replaced_by}` instead.\nreplaced_by: {replaced_by}\n"
            ));
        }
        yaml
    }
}

/// One generated step.
#[derive(Debug, Clone)]
enum Op {
    Title(Index, Vec<usize>),
    Summary(Index, Vec<usize>),
    Status(Index, usize),
    Group(Index, usize),
    /// Related codes, as indices into the other codes present.
    Related(Index, Vec<Index>),
    ReplacedBy(Index, Option<Index>),
    Break(Index, Breakage),
    Fix(Index),
    Create(usize, usize, usize),
    Delete(Index),
    /// Rename to another code/folder; `true` also updates `code:` to the new name.
    Rename(Index, usize, usize, bool),
    /// The site's title in errdex.yaml, which every page shows: a full rebuild.
    SiteTitle(Vec<usize>),
    /// Several edits in one batch, as a debounced burst (e.g. a `git checkout`).
    Batch(Vec<Op>),
}

fn words() -> impl Strategy<Value = Vec<usize>> {
    proptest::collection::vec(0..WORDS.len(), 1..4)
}

fn breakage() -> impl Strategy<Value = Breakage> {
    prop_oneof![
        Just(Breakage::Syntax),
        Just(Breakage::Status),
        Just(Breakage::UnknownGroup),
        Just(Breakage::CodeMismatch),
        Just(Breakage::WrongType),
    ]
}

fn single_op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (any::<Index>(), words()).prop_map(|(i, w)| Op::Title(i, w)),
        2 => (any::<Index>(), words()).prop_map(|(i, w)| Op::Summary(i, w)),
        2 => (any::<Index>(), 0..STATUSES.len()).prop_map(|(i, s)| Op::Status(i, s)),
        2 => (any::<Index>(), 0..GROUPS.len()).prop_map(|(i, g)| Op::Group(i, g)),
        2 => (any::<Index>(), proptest::collection::vec(any::<Index>(), 0..3))
            .prop_map(|(i, r)| Op::Related(i, r)),
        1 => (any::<Index>(), proptest::option::of(any::<Index>()))
            .prop_map(|(i, r)| Op::ReplacedBy(i, r)),
        2 => (any::<Index>(), breakage()).prop_map(|(i, b)| Op::Break(i, b)),
        2 => any::<Index>().prop_map(Op::Fix),
        2 => (0..CODES.len(), 0..DIRS.len(), 0..STATUSES.len())
            .prop_map(|(c, d, s)| Op::Create(c, d, s)),
        1 => any::<Index>().prop_map(Op::Delete),
        1 => words().prop_map(Op::SiteTitle),
        2 => (any::<Index>(), 0..CODES.len(), 0..DIRS.len(), proptest::bool::weighted(0.8))
            .prop_map(|(i, c, d, u)| Op::Rename(i, c, d, u)),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        8 => single_op(),
        1 => proptest::collection::vec(single_op(), 2..4).prop_map(Op::Batch),
    ]
}

/// The catalog on disk and the model it was written from.
struct World {
    _dir: tempfile::TempDir,
    root: PathBuf,
    /// Path relative to `errors/` (e.g. `m/alpha.yaml`) → (code written in the file, spec).
    files: BTreeMap<String, (String, Spec)>,
}

fn code_of(relative: &str) -> String {
    relative
        .rsplit('/')
        .next()
        .and_then(|n| n.strip_suffix(".yaml"))
        .unwrap_or(relative)
        .to_owned()
}

fn spec(code: &str, status: u16) -> Spec {
    Spec {
        title: format!("The {code} error"),
        summary: format!("Something about {code} went wrong."),
        status,
        group: None,
        related: Vec::new(),
        replaced_by: None,
        broken: None,
    }
}

impl World {
    fn new() -> World {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().to_owned();
        std::fs::write(root.join("errdex.yaml"), CONFIG).expect("write config");
        std::fs::create_dir_all(root.join("errors/m")).expect("errors dirs");
        let mut world = World {
            _dir: dir,
            root,
            files: BTreeMap::new(),
        };
        for (relative, status) in [
            ("alpha.yaml", 404),
            ("bravo.yaml", 429),
            ("m/charlie.yaml", 500),
        ] {
            let code = code_of(relative);
            world.write(relative, code.clone(), spec(&code, status));
        }
        world
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.root.join("errors").join(relative)
    }

    fn write(&mut self, relative: &str, code: String, spec: Spec) {
        std::fs::write(self.path(relative), spec.yaml(&code)).expect("write error file");
        self.files.insert(relative.to_owned(), (code, spec));
    }

    fn pick(&self, index: &Index) -> Option<String> {
        if self.files.is_empty() {
            return None;
        }
        self.files
            .keys()
            .nth(index.index(self.files.len()))
            .cloned()
    }

    /// Codes present other than `code`, for related lists.
    fn others(&self, code: &str) -> Vec<String> {
        let codes: BTreeSet<String> = self
            .files
            .values()
            .map(|(c, _)| c.clone())
            .filter(|c| c != code)
            .collect();
        codes.into_iter().collect()
    }

    /// Edits the file at `index` with `change`; returns the touched path.
    fn edit(
        &mut self,
        index: &Index,
        change: impl FnOnce(&World, &str, &mut Spec),
    ) -> Vec<PathBuf> {
        let Some(relative) = self.pick(index) else {
            return Vec::new();
        };
        let (code, mut spec) = self.files[&relative].clone();
        change(self, &code, &mut spec);
        self.write(&relative, code, spec);
        vec![self.path(&relative)]
    }

    /// Applies one step to the disk; returns the paths the watcher would report.
    fn apply(&mut self, op: &Op) -> Vec<PathBuf> {
        let sentence = |w: &[usize]| w.iter().map(|&i| WORDS[i]).collect::<Vec<_>>().join(" ");
        match op {
            Op::Title(i, w) => self.edit(i, |_, _, s| s.title = sentence(w)),
            Op::Summary(i, w) => self.edit(i, |_, _, s| s.summary = format!("{}.", sentence(w))),
            Op::Status(i, status) => self.edit(i, |_, _, s| s.status = STATUSES[*status]),
            Op::Group(i, group) => self.edit(i, |_, _, s| s.group = GROUPS[*group]),
            Op::Related(i, related) => self.edit(i, |world, code, s| {
                let others = world.others(code);
                s.related = if others.is_empty() {
                    Vec::new()
                } else {
                    let picked: BTreeSet<String> = related
                        .iter()
                        .map(|r| others[r.index(others.len())].clone())
                        .collect();
                    picked.into_iter().collect()
                };
            }),
            Op::ReplacedBy(i, replaced_by) => self.edit(i, |world, code, s| {
                let others = world.others(code);
                s.replaced_by = replaced_by
                    .as_ref()
                    .filter(|_| !others.is_empty())
                    .map(|r| others[r.index(others.len())].clone());
            }),
            Op::Break(i, breakage) => self.edit(i, |_, _, s| s.broken = Some(*breakage)),
            Op::Fix(i) => self.edit(i, |_, _, s| s.broken = None),
            Op::Create(code, dir, status) => {
                let code = CODES[*code];
                let relative = format!("{}{code}.yaml", DIRS[*dir]);
                let spec = spec(code, STATUSES[*status]);
                self.write(&relative, code.to_owned(), spec);
                vec![self.path(&relative)]
            }
            Op::Delete(i) => {
                let Some(relative) = self.pick(i) else {
                    return Vec::new();
                };
                std::fs::remove_file(self.path(&relative)).expect("delete error file");
                self.files.remove(&relative);
                vec![self.path(&relative)]
            }
            Op::Rename(i, code, dir, update_code) => {
                let Some(from) = self.pick(i) else {
                    return Vec::new();
                };
                let to = format!("{}{}.yaml", DIRS[*dir], CODES[*code]);
                if from == to {
                    return Vec::new();
                }
                let (old_code, spec) = self.files.remove(&from).expect("picked file");
                std::fs::rename(self.path(&from), self.path(&to)).expect("rename error file");
                let written_code = if *update_code {
                    CODES[*code].to_owned()
                } else {
                    old_code
                };
                // Rewrite through `write` so the model and the disk agree (when the code
                // is updated the content changes too, as after `git mv` plus an edit).
                self.write(&to, written_code, spec);
                vec![self.path(&from), self.path(&to)]
            }
            Op::SiteTitle(w) => {
                let config =
                    CONFIG.replacen("title: Incremental", &format!("title: {}", sentence(w)), 1);
                std::fs::write(self.root.join("errdex.yaml"), config).expect("write config");
                vec![self.root.join("errdex.yaml")]
            }
            Op::Batch(ops) => ops.iter().flat_map(|op| self.apply(op)).collect(),
        }
    }
}

/// A full, from-scratch build of the folder: (diagnostics, rendered site if valid).
fn fresh(root: &Path) -> (Vec<errdex::diagnostic::Diagnostic>, Option<Files>) {
    let loaded = load_catalog(root).expect("load the catalog");
    let checked = check(&loaded);
    let theme = Theme::new(&[]).expect("default theme");
    let files = checked
        .catalog
        .as_ref()
        .map(|catalog| render_site(catalog, &theme, &RenderOptions::default()).expect("render"));
    (checked.diagnostics.sorted(), files)
}

/// Paths whose bytes differ between two outputs (added, changed or removed).
fn differing(old: &Files, new: &Files) -> BTreeSet<String> {
    let keys: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    keys.into_iter()
        .filter(|k| old.get(*k) != new.get(*k))
        .cloned()
        .collect()
}

fn run(ops: &[Op]) -> Result<(), TestCaseError> {
    let mut world = World::new();
    let mut session = Session::open(&world.root, RenderOptions::default(), None)
        .map_err(|e| TestCaseError::fail(format!("open: {e:#}")))?;
    let first = session
        .rebuild(&Plan {
            full: true,
            ..Plan::default()
        })
        .map_err(|e| TestCaseError::fail(format!("first rebuild: {e:#}")))?;
    let (_, expected) = fresh(&world.root);
    prop_assert!(
        !first.broken,
        "the starting catalog is valid: {:?}",
        first.diagnostics
    );
    prop_assert!(
        expected.as_ref() == Some(session.files()),
        "first build differs from render_site"
    );

    for (step, op) in ops.iter().enumerate() {
        let touched = world.apply(op);
        if touched.is_empty() {
            continue;
        }
        // As the watcher classifies them: errdex.yaml reloads everything.
        let config = world.root.join("errdex.yaml");
        let plan = Plan {
            full: touched.contains(&config),
            files: touched.into_iter().filter(|p| *p != config).collect(),
        };
        let before = session.files().clone();
        let (diagnostics, expected) = fresh(&world.root);
        let fail = |e: anyhow::Error| TestCaseError::fail(format!("step {step} {op:?}: {e:#}"));
        // Odd steps go the way `serve` does: the error pages first, and they must be
        // final already; then the catalog-wide files.
        let rebuild = if step % 2 == 1 {
            let mut rebuild = session.rebuild_errors(&plan).map_err(fail)?;
            if let Some(expected) = &expected {
                let pages = |files: &Files| -> Files {
                    files
                        .iter()
                        .filter(|(path, _)| path.starts_with("errors/"))
                        .map(|(path, bytes)| (path.clone(), bytes.clone()))
                        .collect()
                };
                let wrong = differing(&pages(expected), &pages(session.files()));
                prop_assert!(
                    wrong.is_empty(),
                    "step {step} {op:?}: after rebuild_errors, error files differ from a full build in {wrong:?}"
                );
            }
            rebuild.changed.extend(session.finish().map_err(fail)?);
            rebuild.changed.sort();
            rebuild.changed.dedup();
            rebuild
        } else {
            session.rebuild(&plan).map_err(fail)?
        };
        prop_assert_eq!(
            &rebuild.diagnostics,
            &diagnostics,
            "step {} {:?}: diagnostics differ from a full check",
            step,
            op
        );
        match expected {
            Some(expected) => {
                prop_assert!(!rebuild.broken, "step {step} {op:?}: reported broken");
                let session_files = session.files();
                if session_files != &expected {
                    let wrong = differing(&expected, session_files);
                    return Err(TestCaseError::fail(format!(
                        "step {step} {op:?}: incremental output differs from a full build in {wrong:?}"
                    )));
                }
                let changed: BTreeSet<String> = rebuild.changed.iter().cloned().collect();
                prop_assert_eq!(
                    changed,
                    differing(&before, session_files),
                    "step {} {:?}: `changed` is wrong",
                    step,
                    op
                );
            }
            None => {
                prop_assert!(
                    rebuild.broken,
                    "step {step} {op:?}: a broken catalog was not reported broken"
                );
                prop_assert!(
                    rebuild.changed.is_empty(),
                    "step {step}: changed while broken"
                );
                prop_assert!(
                    session.files() == &before,
                    "step {step} {op:?}: the last good output was not kept"
                );
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 64,
        max_shrink_iters: 2000,
        ..ProptestConfig::default()
    })]

    #[test]
    fn incremental_rebuilds_match_a_full_build(ops in proptest::collection::vec(op(), 1..12)) {
        run(&ops)?;
    }
}

/// A fixed sequence touching every kind of step, so a regression shows up with a
/// readable history even before proptest shrinks anything.
#[test]
fn a_scripted_session_matches_full_builds() {
    let ops = vec![
        Op::Title(any_index(0), vec![0, 1]),
        Op::Group(any_index(1), 1),
        Op::Group(any_index(0), 1),
        Op::Related(any_index(2), vec![any_index(0), any_index(1)]),
        Op::Title(any_index(0), vec![4, 5]),
        Op::Break(any_index(1), Breakage::Status),
        Op::Title(any_index(0), vec![6]),
        // errdex.yaml saved while a file is broken: every page takes it once fixed.
        Op::SiteTitle(vec![2, 3]),
        Op::Fix(any_index(1)),
        Op::Create(3, 0, 0),
        Op::Rename(any_index(0), 4, 1, true),
        Op::Break(any_index(2), Breakage::Syntax),
        Op::Delete(any_index(2)),
        Op::Create(0, 1, 2),
        Op::Rename(any_index(1), 5, 0, false),
        Op::Fix(any_index(1)),
    ];
    run(&ops).unwrap_or_else(|e| panic!("{e}"));
}

/// A link under `errors/` that is broken, or that leads outside the catalog, is reported
/// after an incremental reload exactly as a fresh load reports it; removing it brings
/// the catalog back.
#[cfg(unix)]
#[test]
fn links_are_vetted_the_same_when_reloaded() {
    let world = World::new();
    let outside = tempfile::tempdir().expect("temp dir");
    let stray = outside.path().join("stray.yaml");
    std::fs::copy(world.path("alpha.yaml"), &stray).expect("copy");
    let mut session =
        Session::open(&world.root, RenderOptions::default(), None).expect("open the session");
    let full = Plan {
        full: true,
        ..Plan::default()
    };
    assert!(!session.rebuild(&full).expect("first build").broken);
    let link = world.path("ghost.yaml");
    for target in [world.path("missing.yaml"), stray] {
        std::os::unix::fs::symlink(&target, &link).expect("symlink");
        let plan = Plan {
            full: false,
            files: BTreeSet::from([link.clone()]),
        };
        let rebuild = session.rebuild(&plan).expect("rebuild");
        let (diagnostics, files) = fresh(&world.root);
        assert!(
            files.is_none(),
            "{} makes the catalog fail",
            target.display()
        );
        assert!(rebuild.broken);
        assert_eq!(rebuild.diagnostics, diagnostics, "{}", target.display());
        std::fs::remove_file(&link).expect("remove the link");
        let rebuild = session.rebuild(&plan).expect("rebuild");
        assert!(!rebuild.broken, "{:?}", rebuild.diagnostics);
    }
}

/// An [`Index`] that picks the `n`-th of up to eight items.
fn any_index(n: usize) -> Index {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    // `Index` has no public constructor; draw one and rely on `index(len)` being
    // proportional, which proptest documents.
    let mut runner = TestRunner::deterministic();
    loop {
        let index = any::<Index>()
            .new_tree(&mut runner)
            .expect("draw an index")
            .current();
        if index.index(8) == n {
            return index;
        }
    }
}

/// A session over a catalog of `config` (errdex.yaml) and one error, `alpha`, with the
/// response `body` and the agent `guidance` given.
fn session_of_alpha(root: &Path, config: &str, body: &str, guidance: &str) -> Session {
    std::fs::write(root.join("errdex.yaml"), config).expect("write config");
    std::fs::create_dir_all(root.join("errors")).expect("errors dir");
    std::fs::write(
        root.join("errors/alpha.yaml"),
        format!(
            "code: alpha\ntitle: Alpha\nstatus: 400\nsummary: Alpha went wrong.\n\
             response:\n  body: {body}\nretryable: false\n\
             agent:\n  action: fix_request\n  guidance: {guidance}\n"
        ),
    )
    .expect("write the error");
    Session::open(root, RenderOptions::default(), None).expect("open the session")
}

/// W016 reads errdex.yaml: an envelope's description gives the error pages whose
/// responses follow it their heading ids. So a link to such a heading is warned about,
/// or not, after errdex.yaml alone changes, exactly as a fresh check says.
#[test]
fn an_envelope_heading_is_seen_by_fragment_links_after_errdex_yaml_changes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    let config = |description: &str| {
        format!(
            "{CONFIG}envelopes:\n  - id: standard\n    title: Standard\n    description: |\n      {description}\n    example: '{{\"code\": \"alpha\"}}'\n    pointers:\n      code: /code\n"
        )
    };
    let config_path = root.join("errdex.yaml");
    let mut session = session_of_alpha(
        root,
        &config("Plain text."),
        "'{\"code\": \"alpha\"}'",
        "Read [the body's fields](#body-fields).",
    );
    let warned = |diagnostics: &[errdex::diagnostic::Diagnostic]| {
        diagnostics
            .iter()
            .filter(|d| d.code == errdex::diagnostic::Code::BrokenFragment)
            .count()
    };
    let first = session
        .rebuild(&Plan {
            full: true,
            ..Plan::default()
        })
        .expect("first build");
    assert_eq!(warned(&first.diagnostics), 1, "{:?}", first.diagnostics);
    // An edit of errdex.yaml reloads everything, but the session keeps each unchanged
    // error file's check results unless what they depend on changed.
    let config_changed = Plan {
        full: true,
        ..Plan::default()
    };
    for (description, expected) in [("## Body fields", 0), ("## Fields of the body", 1)] {
        std::fs::write(&config_path, config(description)).expect("edit config");
        let rebuild = session.rebuild(&config_changed).expect("rebuild");
        assert_eq!(rebuild.diagnostics, fresh(root).0, "after {description:?}");
        assert_eq!(
            warned(&rebuild.diagnostics),
            expected,
            "after {description:?}"
        );
    }
}

/// A link to a place on another error's page is checked against that page's ids, which
/// come from the other file. So after only the linked file changes, the link is warned
/// about, or not, exactly as a fresh check says, though the linking file's own results
/// are kept.
#[test]
fn a_link_into_another_page_is_seen_after_only_that_page_changes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    let mut session = session_of_alpha(
        root,
        CONFIG,
        "'{\"code\": \"alpha\"}'",
        "Read [how bravo retries](/errors/bravo/#retries).",
    );
    let bravo = root.join("errors/bravo.yaml");
    let write_bravo = |heading: &str| {
        let text = format!(
            "code: bravo\ntitle: Bravo\nstatus: 503\nsummary: Bravo is busy.\n\
             description: |\n  ## {heading}\n\n  Wait a little.\nretryable: true\n\
             agent:\n  action: retry_later\n  guidance: Wait, then send it again.\n"
        );
        std::fs::write(&bravo, text).expect("write bravo");
    };
    let warned = |diagnostics: &[errdex::diagnostic::Diagnostic]| {
        diagnostics
            .iter()
            .filter(|d| d.code == errdex::diagnostic::Code::BrokenFragment)
            .map(|d| (d.file.clone(), d.start.line))
            .collect::<Vec<_>>()
    };
    write_bravo("Retries");
    let first = session
        .rebuild(&Plan {
            full: true,
            ..Plan::default()
        })
        .expect("first build");
    assert_eq!(warned(&first.diagnostics), [], "{:?}", first.diagnostics);
    let bravo_changed = Plan {
        full: false,
        files: [bravo.clone()].into_iter().collect(),
    };
    let alpha_line = 10;
    for (heading, expected) in [
        (
            "Retrying",
            vec![("errors/alpha.yaml".to_owned(), alpha_line)],
        ),
        ("Retries", vec![]),
    ] {
        write_bravo(heading);
        let rebuild = session.rebuild(&bravo_changed).expect("rebuild");
        assert_eq!(rebuild.diagnostics, fresh(root).0, "after {heading:?}");
        assert_eq!(warned(&rebuild.diagnostics), expected, "after {heading:?}");
    }
}

/// An error's `sent_as` (the API's spelling of its code, shown on its page and in the
/// agent outputs) is read through errdex.yaml's `code` pointer. So after errdex.yaml
/// alone changes which field the pointer names, the session's output is a fresh
/// build's, byte for byte: the kept entry is made again.
#[test]
fn the_api_spelling_of_a_code_follows_the_code_pointer_after_errdex_yaml_changes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    let config = |pointer: &str| {
        format!(
            "{CONFIG}envelopes:\n  - id: standard\n    title: Standard\n    example: '{{\"code\": \"alpha\", \"status\": \"ALPHA\"}}'\n    pointers:\n      code: {pointer}\n"
        )
    };
    let config_path = root.join("errdex.yaml");
    let mut session = session_of_alpha(
        root,
        &config("/code"),
        "'{\"code\": \"alpha\", \"status\": \"ALPHA\"}'",
        "Fix the request.",
    );
    let full = Plan {
        full: true,
        ..Plan::default()
    };
    session.rebuild(&full).expect("first build");
    let sent_as = |files: &Files| {
        let markdown = String::from_utf8_lossy(&files["errors/alpha.md"]).into_owned();
        markdown.contains("- **Code:** `alpha` (the API sends `ALPHA`)")
    };
    assert!(!sent_as(session.files()));
    for (pointer, expected) in [("/status", true), ("/code", false)] {
        std::fs::write(&config_path, config(pointer)).expect("edit config");
        let rebuild = session.rebuild(&full).expect("rebuild");
        assert!(!rebuild.broken, "{:?}", rebuild.diagnostics);
        let fresh_files = fresh(root).1.expect("a fresh build");
        assert!(
            session.files() == &fresh_files,
            "after pointing at {pointer}: {:?}",
            differing(&fresh_files, session.files())
        );
        assert_eq!(sent_as(session.files()), expected, "{pointer}");
    }
}
