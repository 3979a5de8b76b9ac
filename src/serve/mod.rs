//! The dev server: the last good site from memory, live reload over Server-Sent Events,
//! and an error overlay while the catalog is broken.
//!
//! Pages are served from the session's in-memory output rather than from disk: a
//! request never sees a half-written file, and a path can only name something errdex
//! rendered, so traversal (`/../`, `%2e%2e`, `%2f`, `..\`, `/c:/`) and symlinks in the
//! output folder cannot reach anything else. Only GET and HEAD are answered, and when
//! bound to loopback only loopback `Host` headers are accepted (a DNS-rebinding guard).

use crate::render::{Bytes, Files};
use axum::body::{Body, HttpBody};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, RwLock};
use tokio::sync::broadcast;
use tokio_stream::StreamExt as _;
use tokio_stream::wrappers::BroadcastStream;

/// Root-relative path of the live-reload script that `serve` injects into pages.
pub const LIVE_RELOAD_SCRIPT: &str = "__errdex/live.js";
const EVENTS_PATH: &str = "/__errdex/events";
const LIVE_JS: &str = include_str!("live.js");
const OVERLAY_CSS: &str = include_str!("overlay.css");

/// What the server shares with the rebuild loop.
pub struct Shared {
    files: RwLock<Arc<Files>>,
    /// The current "broken" event while the catalog has errors, for new connections.
    broken: RwLock<Option<String>>,
    events: broadcast::Sender<String>,
    allowed_hosts: Vec<String>,
    loopback: bool,
}

impl Shared {
    /// State for a server on `addr`.
    pub fn new(addr: SocketAddr) -> Arc<Self> {
        let port = addr.port();
        let loopback = addr.ip().is_loopback();
        let mut allowed_hosts = vec![
            format!("127.0.0.1:{port}"),
            format!("localhost:{port}"),
            format!("[::1]:{port}"),
        ];
        if !loopback {
            allowed_hosts.push(format!("{}:{port}", addr.ip()));
        }
        Arc::new(Shared {
            files: RwLock::new(Arc::new(Files::new())),
            broken: RwLock::new(None),
            events: broadcast::channel(64).0,
            allowed_hosts,
            loopback,
        })
    }

    /// Publishes a new good site and tells browsers which paths changed.
    pub fn publish(&self, files: Files, changed: &[String], all: bool) {
        if let Ok(mut guard) = self.files.write() {
            *guard = Arc::new(files);
        }
        if let Ok(mut broken) = self.broken.write() {
            *broken = None;
        }
        let event = serde_json::json!({"type": "reload", "all": all, "paths": changed});
        let _ = self.events.send(event.to_string());
    }

    /// Tells browsers the catalog is broken; the last good site stays served.
    pub fn report_broken(&self, diagnostics_json: serde_json::Value) {
        let event =
            serde_json::json!({"type": "broken", "diagnostics": diagnostics_json}).to_string();
        if let Ok(mut broken) = self.broken.write() {
            *broken = Some(event.clone());
        }
        let _ = self.events.send(event);
    }

    fn files(&self) -> Arc<Files> {
        self.files
            .read()
            .map(|f| Arc::clone(&f))
            .unwrap_or_default()
    }
}

/// Serves until the process ends.
pub async fn serve(listener: tokio::net::TcpListener, shared: Arc<Shared>) -> std::io::Result<()> {
    let app = axum::Router::new().fallback(handle).with_state(shared);
    axum::serve(listener, app).await
}

async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let method = request.method().clone();
    if method != Method::GET && method != Method::HEAD {
        let mut response = plain(
            StatusCode::METHOD_NOT_ALLOWED,
            "only GET and HEAD are supported\n",
        );
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    if !host_allowed(&shared, request.headers()) {
        return plain(
            StatusCode::FORBIDDEN,
            "unexpected Host header: the dev server answers only on its own address\n",
        );
    }
    let path = request.uri().path().to_owned();
    let response = match path.as_str() {
        EVENTS_PATH => return events(&shared, request.headers()),
        "/__errdex/live.js" => with_type(
            StatusCode::OK,
            Bytes::from_static(LIVE_JS.as_bytes()),
            "text/javascript; charset=utf-8",
        ),
        "/__errdex/overlay.css" => with_type(
            StatusCode::OK,
            Bytes::from_static(OVERLAY_CSS.as_bytes()),
            "text/css; charset=utf-8",
        ),
        _ => page(&shared, &path),
    };
    if method == Method::HEAD {
        // Keep the length GET would send: with an empty body hyper would otherwise
        // announce `content-length: 0`, telling clients the page is empty.
        let (mut parts, body) = response.into_parts();
        if let Some(length) = HttpBody::size_hint(&body).exact() {
            parts
                .headers
                .insert(header::CONTENT_LENGTH, HeaderValue::from(length));
        }
        return Response::from_parts(parts, Body::empty());
    }
    response
}

/// Resolves a request path to an output file, or `None` for anything suspicious.
///
/// The path is percent-decoded once; any `.` or `..` segment, backslash, NUL, or
/// drive-letter segment (`c:`) is refused rather than normalised.
pub fn resolve(path: &str) -> Option<String> {
    // Decoded as `check` reads a link: an encoded `/` leads nowhere.
    let decoded = crate::markdown::decode_site_path(path)?;
    if decoded.contains(['\\', '\0']) || !decoded.starts_with('/') {
        return None;
    }
    let trimmed = &decoded[1..];
    let segments: Vec<&str> = trimmed.split('/').collect();
    for (i, segment) in segments.iter().enumerate() {
        let last = i == segments.len() - 1;
        if *segment == "."
            || *segment == ".."
            || segment.contains(':')
            || (segment.is_empty() && !last)
        {
            return None;
        }
    }
    if trimmed.is_empty() || trimmed.ends_with('/') {
        Some(format!("{trimmed}index.html"))
    } else {
        Some(trimmed.to_owned())
    }
}

fn page(shared: &Shared, path: &str) -> Response {
    let files = shared.files();
    if files.is_empty() {
        return waiting_page();
    }
    let Some(resolved) = resolve(path) else {
        return not_found(&files);
    };
    if let Some(bytes) = files.get(&resolved) {
        return with_type(StatusCode::OK, bytes.clone(), content_type(&resolved));
    }
    // `/errors/x` → `/errors/x/` when that folder has an index, as static hosts do.
    if files.contains_key(&format!("{resolved}/index.html")) {
        let mut response = StatusCode::PERMANENT_REDIRECT.into_response();
        if let Ok(location) = HeaderValue::from_str(&format!("{path}/")) {
            response.headers_mut().insert(header::LOCATION, location);
        }
        return response;
    }
    not_found(&files)
}

fn not_found(files: &Files) -> Response {
    match files.get("404.html") {
        Some(bytes) => with_type(
            StatusCode::NOT_FOUND,
            bytes.clone(),
            "text/html; charset=utf-8",
        ),
        None => plain(StatusCode::NOT_FOUND, "not found\n"),
    }
}

/// Shown before the first good build, with the overlay script so errors show at once.
fn waiting_page() -> Response {
    let html = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>errdex: waiting for a valid catalog</title></head>\
         <body><main><h1>Waiting for a valid catalog</h1><p>Fix the errors shown in the terminal; this page reloads by itself.</p></main>\
         <script src=\"/{LIVE_RELOAD_SCRIPT}\"></script></body></html>\n"
    );
    with_type(
        StatusCode::SERVICE_UNAVAILABLE,
        html.into_bytes(),
        "text/html; charset=utf-8",
    )
}

fn events(shared: &Shared, headers: &HeaderMap) -> Response {
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or("");
        let own = shared
            .allowed_hosts
            .iter()
            .any(|host| origin == format!("http://{host}"));
        if !own {
            return plain(
                StatusCode::FORBIDDEN,
                "event stream refused: foreign Origin\n",
            );
        }
    }
    // Subscribe before reading the current state: a `broken` event sent in between is
    // then delivered by the subscription instead of being missed by both.
    // A connection that fell more than the channel's capacity behind has lost events it
    // cannot get back: tell it to reload everything rather than silently skip them.
    let updates = BroadcastStream::new(shared.events.subscribe()).map(|event| {
        event.unwrap_or_else(|_lagged| {
            serde_json::json!({"type": "reload", "all": true, "paths": []}).to_string()
        })
    });
    let initial = shared.broken.read().ok().and_then(|b| b.clone());
    let stream = tokio_stream::iter(initial)
        .chain(updates)
        .map(|data| Ok::<Event, Infallible>(Event::default().data(data)));
    Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response()
}

fn host_allowed(shared: &Shared, headers: &HeaderMap) -> bool {
    if !shared.loopback {
        return true;
    }
    match headers.get(header::HOST).and_then(|h| h.to_str().ok()) {
        Some(host) => shared.allowed_hosts.iter().any(|allowed| allowed == host),
        None => true,
    }
}

/// The `Content-Type` of an output file, by extension.
pub fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" | "htm" => "text/html; charset=utf-8",
        "md" => "text/markdown; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "json" => "application/json",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "svg" => "image/svg+xml",
        // A file of the catalog's `static/` folder: by its extension.
        _ => mime_guess::from_path(path)
            .first_raw()
            .unwrap_or("application/octet-stream"),
    }
}

/// A response with `bytes` (shared with the site in memory, not copied).
fn with_type(status: StatusCode, bytes: impl Into<Bytes>, content_type: &'static str) -> Response {
    let mut response = (status, bytes.into()).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    response
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    with_type(
        status,
        Bytes::from_static(text.as_bytes()),
        "text/plain; charset=utf-8",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_is_refused() {
        for bad in [
            "/../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/errors/%2e%2e/%2e%2e/x",
            "/a%2f..%2fb",
            "/..%5c..%5cx",
            "/c:/windows",
            "/errors//x",
            "/a/./b",
            "/%00",
            "relative",
        ] {
            assert_eq!(resolve(bad), None, "{bad}");
        }
    }

    #[test]
    fn pages_resolve_to_output_files() {
        assert_eq!(resolve("/").as_deref(), Some("index.html"));
        assert_eq!(
            resolve("/errors/rate_limited/").as_deref(),
            Some("errors/rate_limited/index.html")
        );
        assert_eq!(
            resolve("/errors/rate_limited.md").as_deref(),
            Some("errors/rate_limited.md")
        );
        assert_eq!(resolve("/llms.txt").as_deref(), Some("llms.txt"));
        assert_eq!(
            resolve("/errors/a%20b/").as_deref(),
            Some("errors/a b/index.html")
        );
        // As `check` reads a link: an encoded `/` is no separator.
        for encoded in ["/images%2Fflow.png", "/images%2fflow.png"] {
            assert_eq!(resolve(encoded), None, "{encoded}");
        }
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("errors/x.md"), "text/markdown; charset=utf-8");
        assert_eq!(content_type("llms-full.txt"), "text/plain; charset=utf-8");
        assert_eq!(content_type("errors.json"), "application/json");
        assert_eq!(content_type("assets/favicon.0123abcd.svg"), "image/svg+xml");
        assert_eq!(content_type("images/flow.png"), "image/png");
        assert_eq!(content_type("favicon.ico"), "image/x-icon");
        assert_eq!(content_type("CNAME"), "application/octet-stream");
    }
}
