//! `watch` and the watching half of `serve`: file-system events → incremental rebuilds.
//!
//! Uses notify with notify-debouncer-full, which merges the burst of events an editor's
//! save produces (write temp, rename, chmod) into one batch and pairs renames.
//! `--poll` switches to notify's `PollWatcher` comparing contents, for network drives,
//! WSL and containers where native events do not arrive (mtime alone has one-second
//! granularity on some of those, so a quick second save would be missed).

pub mod classify;
pub mod session;

use classify::{Plan, classify, is_relevant};
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
/// Blocks until `on_change` returns `false` or the watcher stops.
pub fn watch(
    root: &Path,
    out: &Path,
    options: &WatchOptions,
    mut on_change: impl FnMut(Plan) -> bool,
) -> anyhow::Result<()> {
    let root = absolute(root);
    let out = absolute(out);
    let (sender, receiver) = mpsc::channel::<DebounceEventResult>();
    let handler = move |result: DebounceEventResult| {
        let _ = sender.send(result);
    };
    // The debouncer's thread wakes every tick; half the debounce keeps saves snappy
    // while an idle session stays near 0% CPU.
    let tick = Some(options.debounce / 2);
    // Keep the debouncer alive for the whole loop: dropping it stops watching.
    let _guard: Box<dyn std::any::Any> = if options.poll {
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
        debouncer.watch(&root, RecursiveMode::Recursive)?;
        Box::new(debouncer)
    } else {
        let mut debouncer = new_debouncer(options.debounce, tick, handler)?;
        debouncer.watch(&root, RecursiveMode::Recursive)?;
        Box::new(debouncer)
    };
    for result in receiver {
        match result {
            Ok(events) => {
                let mut plan = Plan::default();
                for event in events.iter().filter(|e| is_relevant(&e.kind)) {
                    for path in &event.paths {
                        plan.add(classify(path, &root, &out));
                    }
                }
                if !plan.is_empty() && !on_change(plan) {
                    break;
                }
            }
            Err(errors) => {
                for error in errors {
                    eprintln!("warning: file watcher: {error}");
                }
            }
        }
    }
    Ok(())
}
