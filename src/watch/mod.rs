//! `watch` and the watching half of `serve`: file-system events → incremental rebuilds.
//!
//! Uses notify with notify-debouncer-full, which merges the burst of events an editor's
//! save produces (write temp, rename, chmod) into one batch and pairs renames.
//! `--poll` switches to notify's `PollWatcher` comparing contents, for network drives,
//! WSL and containers where native events do not arrive (mtime alone has one-second
//! granularity on some of those, so a quick second save would be missed).

pub mod classify;
pub mod session;

use classify::{Change, Plan, classify, is_relevant};
use notify::{PollWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, NoCache, new_debouncer, new_debouncer_opt};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

/// How to watch.
#[derive(Debug, Clone)]
pub struct WatchOptions {
    /// Poll instead of using native events.
    pub poll: bool,
    /// Quiet time after the last event before a batch is handed over.
    pub debounce: Duration,
}

/// Absolute form of a path that may not exist yet.
pub fn absolute(path: &Path) -> PathBuf {
    if let Ok(canonical) = path.canonicalize() {
        return canonical;
    }
    let joined = if path.is_absolute() {
        path.to_owned()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    match (joined.parent().map(Path::canonicalize), joined.file_name()) {
        (Some(Ok(parent)), Some(name)) => parent.join(name),
        _ => joined,
    }
}

/// Watches the catalog at `root` and calls `on_change` with each non-empty plan.
///
/// Blocks until `on_change` returns `false` or the watcher stops. Changes made before
/// this call are not seen: to build first and then watch without missing an edit made
/// during the build, use [`Watcher::start`] before building and [`Watcher::run`] after.
pub fn watch(
    root: &Path,
    out: &Path,
    options: &WatchOptions,
    on_change: impl FnMut(Plan) -> bool,
) -> anyhow::Result<()> {
    Watcher::start(root, out, options)?.run(on_change)
}

/// A file watcher that is already recording events, not yet handing them over.
pub struct Watcher {
    /// The catalog folder as the caller gave it (plans name files under it).
    given_root: PathBuf,
    /// Its absolute form, as the watcher reports paths.
    root: PathBuf,
    out: PathBuf,
    receiver: mpsc::Receiver<DebounceEventResult>,
    /// Watches the catalog folder (again): the debouncer lives in it, and dropping it
    /// stops watching. A folder deleted and made again is a new folder to the system's
    /// events, which the first watch never reports on.
    watch_root: Box<dyn FnMut() -> notify::Result<()>>,
}

/// How often `run` looks whether the catalog folder is still there: deleting it (or
/// moving it away) sends no event about it the plans would see.
const ROOT_CHECK: Duration = Duration::from_secs(1);

/// The shortest wait of the debouncer's thread between two looks at its events.
const MIN_TICK: Duration = Duration::from_millis(5);

impl Watcher {
    /// Starts watching `root`; events are queued until [`Watcher::run`].
    pub fn start(root: &Path, out: &Path, options: &WatchOptions) -> anyhow::Result<Self> {
        let absolute_root = absolute(root);
        let (sender, receiver) = mpsc::channel::<DebounceEventResult>();
        let handler = move |result: DebounceEventResult| {
            let _ = sender.send(result);
        };
        // The debouncer's thread wakes every tick; half the debounce keeps saves snappy
        // while an idle session stays near 0% CPU. Never under a few milliseconds:
        // `--debounce 0` made a tick of zero, a thread spinning on a core while idle.
        let tick = Some((options.debounce / 2).max(MIN_TICK));
        let watch_root: Box<dyn FnMut() -> notify::Result<()>> = if options.poll {
            let config = notify::Config::default()
                .with_poll_interval(Duration::from_millis(500))
                .with_compare_contents(true);
            let mut debouncer = new_debouncer_opt::<_, PollWatcher, NoCache>(
                options.debounce,
                tick,
                handler,
                NoCache,
                config,
            )?;
            debouncer.watch(&absolute_root, RecursiveMode::Recursive)?;
            let root = absolute_root.clone();
            Box::new(move || debouncer.watch(&root, RecursiveMode::Recursive))
        } else {
            let mut debouncer = new_debouncer(options.debounce, tick, handler)?;
            debouncer.watch(&absolute_root, RecursiveMode::Recursive)?;
            let root = absolute_root.clone();
            Box::new(move || debouncer.watch(&root, RecursiveMode::Recursive))
        };
        Ok(Watcher {
            given_root: root.to_owned(),
            root: absolute_root,
            out: absolute(out),
            receiver,
            watch_root,
        })
    }

    /// Calls `on_change` with each non-empty plan, including changes queued since
    /// [`Watcher::start`]. Blocks until `on_change` returns `false` or the watcher stops.
    ///
    /// When the catalog folder disappears, `on_change` gets a full plan, whose rebuild
    /// reports the folder missing; when it is back, it is watched again and rebuilt.
    pub fn run(mut self, mut on_change: impl FnMut(Plan) -> bool) -> anyhow::Result<()> {
        let full = || Plan {
            full: true,
            ..Plan::default()
        };
        let mut missing = false;
        loop {
            let plan = match self.receiver.recv_timeout(ROOT_CHECK) {
                Ok(Ok(events)) => self.plan(&events),
                Ok(Err(errors)) => {
                    for error in errors {
                        eprintln!("warning: file watcher: {error}");
                    }
                    Plan::default()
                }
                Err(mpsc::RecvTimeoutError::Timeout) => Plan::default(),
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            };
            let plan = match (missing, self.root.is_dir()) {
                (false, false) => {
                    missing = true;
                    full()
                }
                (true, true) => match (self.watch_root)() {
                    Ok(()) => {
                        missing = false;
                        full()
                    }
                    // Not readable yet (being copied back, say): the next look retries.
                    Err(_) => Plan::default(),
                },
                (true, false) => Plan::default(),
                (false, true) => plan,
            };
            if !plan.is_empty() && !on_change(plan) {
                break;
            }
        }
        Ok(())
    }

    /// What a batch of debounced events asks for.
    fn plan(&self, events: &[notify_debouncer_full::DebouncedEvent]) -> Plan {
        let mut plan = Plan::default();
        for event in events.iter().filter(|e| is_relevant(&e.kind)) {
            // The OS dropped events (e.g. the inotify queue overflowed during a large
            // checkout): which files changed is unknown, so reload everything.
            if event.need_rescan() {
                plan.full = true;
            }
            for path in &event.paths {
                plan.add(match classify(path, &self.root, &self.out) {
                    // The watcher reports absolute, canonical paths, but the session keys
                    // error files by `root.join(relative)` with `root` as the caller gave
                    // it (e.g. the default, relative `catalog`). Map paths back to that
                    // form, or an edited file would be loaded a second time under another
                    // key and reported as a duplicate of itself.
                    Change::ErrorFile(path) => {
                        Change::ErrorFile(path.strip_prefix(&self.root).map_or_else(
                            |_| path.clone(),
                            |relative| self.given_root.join(relative),
                        ))
                    }
                    other => other,
                });
            }
        }
        plan
    }
}
