//! `errdex serve`: watch + an HTTP server with live reload on 127.0.0.1.

use super::watch::{options, report};
use super::{Outcome, Ui};
use crate::cli::ServeArgs;
use crate::render::RenderOptions;
use crate::serve::{LIVE_RELOAD_SCRIPT, Shared, serve};
use crate::watch::Watcher;
use crate::watch::classify::Plan;
use crate::watch::session::{Rebuild, Session};
use anyhow::Context as _;
use std::net::SocketAddr;
use std::sync::Arc;

/// How many ports after `--port` to try before giving up.
const PORT_ATTEMPTS: u16 = 20;

pub(super) fn run(args: &ServeArgs, ui: Ui) -> anyhow::Result<Outcome> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let listener = runtime.block_on(bind(args))?;
    let addr = listener.local_addr()?;
    if args.port != 0 && addr.port() != args.port {
        eprintln!(
            "note: port {} is in use; trying the next free one",
            args.port
        );
    }
    if !addr.ip().is_loopback() {
        eprintln!("warning: serving on {addr}: anyone on your network can read your drafts");
    }
    let flags = &args.watch;
    let url = format!("http://{}/", display_addr(addr));
    let options_for_render = RenderOptions {
        live_reload: Some(LIVE_RELOAD_SCRIPT.to_owned()),
    };
    let mut session = Session::open(
        &flags.catalog.catalog,
        options_for_render,
        Some(url.trim_end_matches('/').to_owned()),
    )?;
    for warning in session.theme_warnings() {
        eprintln!("warning: {warning}");
    }
    // Watch before the first (full) build, so an edit saved while it runs is not lost.
    // Nothing is written, so there is no output folder for the watcher to ignore.
    let watcher = Watcher::start(
        &flags.catalog.catalog,
        std::path::Path::new("\0no-output"),
        &options(flags),
    )?;
    let shared = Shared::new(addr);
    let first = session.rebuild(&Plan {
        full: true,
        ..Plan::default()
    })?;
    publish(&shared, &session, &first);
    report(&session, &first, None, ui);

    let server_shared = Arc::clone(&shared);
    runtime.spawn(async move {
        if let Err(e) = serve(listener, server_shared).await {
            eprintln!("error: the server stopped: {e}");
        }
    });
    eprintln!("Serving {url} (Ctrl-C to stop)");
    if args.open {
        open_browser(&url);
    }
    watcher.run(|plan| {
        let what = plan.describe(&flags.catalog.catalog);
        // Two steps, so the page being edited is served before the catalog-wide files
        // (overview, llms files, JSON), which a 10,000-error catalog takes a few
        // hundred milliseconds to re-assemble.
        match session.rebuild_errors(&plan) {
            Ok(mut rebuild) => {
                publish(&shared, &session, &rebuild);
                let pages_ms = rebuild.elapsed_ms;
                let started = std::time::Instant::now();
                match session.finish() {
                    Ok(changed) if !changed.is_empty() => {
                        shared.publish(session.files().clone(), &changed, false);
                        rebuild.changed.extend(changed);
                    }
                    Ok(_) => {}
                    Err(e) => eprintln!("error: {e:#}"),
                }
                rebuild.elapsed_ms += started.elapsed().as_millis();
                report(&session, &rebuild, Some(&what), ui);
                if !rebuild.broken && !rebuild.full {
                    tracing::info!(
                        pages_ms,
                        total_ms = rebuild.elapsed_ms,
                        "rebuilt in two steps"
                    );
                }
            }
            Err(e) => {
                // A broken template, or a catalog folder without errdex.yaml: shown in
                // the page as well, with the last good site kept.
                let message = format!("{e:#}");
                eprintln!("error: {message}");
                shared
                    .report_broken(serde_json::json!([{"severity": "error", "message": message}]));
            }
        }
        true
    })?;
    Ok(Outcome::Success)
}

/// Binds `--bind:--port`, or the next free port.
async fn bind(args: &ServeArgs) -> anyhow::Result<tokio::net::TcpListener> {
    let attempts = if args.port == 0 { 1 } else { PORT_ATTEMPTS };
    let mut last_error = None;
    for offset in 0..attempts {
        let Some(port) = args.port.checked_add(offset) else {
            break;
        };
        match tokio::net::TcpListener::bind(SocketAddr::new(args.bind, port)).await {
            Ok(listener) => return Ok(listener),
            Err(e) => last_error = Some(e),
        }
    }
    let error = last_error.unwrap_or_else(|| std::io::Error::other("no port to try"));
    Err(error).with_context(|| {
        format!(
            "cannot listen on {} ports {}–{}\n  help: pass --port with a free port",
            args.bind,
            args.port,
            args.port.saturating_add(attempts - 1)
        )
    })
}

fn display_addr(addr: SocketAddr) -> String {
    if addr.ip().is_unspecified() {
        format!("127.0.0.1:{}", addr.port())
    } else {
        addr.to_string()
    }
}

/// Hands a rebuild to the server: new pages, or the diagnostics overlay.
fn publish(shared: &Shared, session: &Session, rebuild: &Rebuild) {
    if rebuild.broken {
        let sources = session.sources();
        let diagnostics: serde_json::Value =
            serde_json::from_str(&crate::report::json(&rebuild.diagnostics, &sources))
                .unwrap_or_default();
        shared.report_broken(diagnostics);
    } else {
        shared.publish(session.files().clone(), &rebuild.changed, rebuild.full);
    }
}

fn open_browser(url: &str) {
    let command = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if let Err(e) = std::process::Command::new(command).arg(url).spawn() {
        eprintln!("warning: could not open a browser ({e}); open {url} yourself");
    }
}
