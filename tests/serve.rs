//! `errdex serve` end to end: a real child process on 127.0.0.1, spoken to over HTTP/1.1
//! with a tiny client on `std::net::TcpStream`.
//!
//! Each test copies the example catalog into a temporary folder, starts
//! `errdex serve --catalog <tmp> --port 0`, reads the port from stderr and checks what a
//! browser (or an attacker) would see: content types, HEAD, refused methods, traversal,
//! the DNS-rebinding and cross-origin guards, and live reload over Server-Sent Events
//! through plain writes, atomic saves, broken edits, fixes, new files and deletions.
//! Waits poll against a deadline; nothing sleeps longer than one poll interval.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/catalog");
/// Generous: a rebuild takes milliseconds, but CI machines stall.
const DEADLINE: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(25);

// ---------------------------------------------------------------------------------------
// The server under test

/// A running `errdex serve`, killed when dropped.
struct Server {
    child: Child,
    port: u16,
    catalog: PathBuf,
    /// Everything the server printed on stderr, for failure messages.
    log: Arc<Mutex<String>>,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create folder");
    for entry in std::fs::read_dir(from).expect("read folder") {
        let entry = entry.expect("folder entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

impl Server {
    /// Copies the example catalog and serves it on a free port.
    fn start() -> Server {
        Server::start_with(false)
    }

    /// [`Server::start`], naming the catalog by a relative path (`--catalog catalog`,
    /// as the default does) instead of an absolute one when `relative`.
    fn start_with(relative: bool) -> Server {
        let dir = tempfile::tempdir().expect("temp dir");
        let catalog = dir.path().join("catalog");
        copy_dir(Path::new(EXAMPLE), &catalog);
        let catalog_arg = if relative {
            PathBuf::from("catalog")
        } else {
            catalog.clone()
        };
        let mut child = Command::new(env!("CARGO_BIN_EXE_errdex"))
            .current_dir(dir.path())
            .args(["serve", "--port", "0", "--catalog"])
            .arg(&catalog_arg)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start errdex serve");
        let stderr = child.stderr.take().expect("stderr is piped");
        let log = Arc::new(Mutex::new(String::new()));
        let (port_sender, port_receiver) = mpsc::channel();
        let thread_log = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if let Some(rest) = line.strip_prefix("Serving http://127.0.0.1:") {
                    let port: String = rest.chars().take_while(char::is_ascii_digit).collect();
                    let _ = port_sender.send(port.parse::<u16>().expect("a port number"));
                }
                let mut log = thread_log.lock().expect("log lock");
                log.push_str(&line);
                log.push('\n');
            }
        });
        let mut server = Server {
            child,
            port: 0,
            catalog,
            log,
            _dir: dir,
        };
        match port_receiver.recv_timeout(DEADLINE) {
            Ok(port) => server.port = port,
            Err(_) => panic!(
                "no `Serving http://127.0.0.1:PORT/` line within {DEADLINE:?}; stderr:\n{}",
                server.log()
            ),
        }
        server
    }

    fn log(&self) -> String {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }

    fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    fn error_file(&self, code: &str) -> PathBuf {
        self.catalog.join("errors").join(format!("{code}.yaml"))
    }

    fn get(&self, path: &str) -> Response {
        self.request("GET", path, &[])
    }

    fn request(&self, method: &str, path: &str, headers: &[(&str, &str)]) -> Response {
        let host = self.host();
        let mut all = vec![("Host", host.as_str())];
        all.extend_from_slice(headers);
        request(self.port, method, path, &all)
    }

    /// Polls `GET path` until `ready` accepts the response, or fails with the last one.
    fn wait_for(&self, path: &str, what: &str, ready: impl Fn(&Response) -> bool) -> Response {
        let started = Instant::now();
        loop {
            let response = self.get(path);
            if ready(&response) {
                return response;
            }
            if started.elapsed() > DEADLINE {
                panic!(
                    "GET {path}: still not {what} after {DEADLINE:?} (status {}); stderr:\n{}",
                    response.status,
                    self.log()
                );
            }
            std::thread::sleep(POLL);
        }
    }

    /// Opens the event stream; returns once the server has subscribed it.
    fn events(&self) -> Events {
        Events::connect(self.port, &self.host())
    }
}

// ---------------------------------------------------------------------------------------
// A tiny HTTP/1.1 client

#[derive(Debug)]
struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

fn connect(port: u16) -> TcpStream {
    let stream = TcpStream::connect(("127.0.0.1", port)).expect("connect to the server");
    stream
        .set_read_timeout(Some(DEADLINE))
        .expect("set a read timeout");
    stream
}

fn send_head(stream: &mut TcpStream, method: &str, path: &str, headers: &[(&str, &str)]) {
    let mut head = format!("{method} {path} HTTP/1.1\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("Connection: close\r\n");
    if method != "GET" && method != "HEAD" {
        head.push_str("Content-Length: 0\r\n");
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).expect("send the request");
}

/// Reads the status line and headers.
fn read_head(reader: &mut impl BufRead) -> (u16, Vec<(String, String)>) {
    let mut line = String::new();
    reader.read_line(&mut line).expect("read the status line");
    let status = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line {line:?}"));
    let mut headers = Vec::new();
    loop {
        line.clear();
        reader.read_line(&mut line).expect("read a header");
        let trimmed = line.trim_end();
        if trimmed.is_empty() {
            break;
        }
        let (name, value) = trimmed.split_once(':').expect("a header line");
        headers.push((name.trim().to_owned(), value.trim().to_owned()));
    }
    (status, headers)
}

/// One request on a fresh connection (`Connection: close`), read to the end.
fn request(port: u16, method: &str, path: &str, headers: &[(&str, &str)]) -> Response {
    let mut stream = connect(port);
    send_head(&mut stream, method, path, headers);
    let mut reader = BufReader::new(stream);
    let (status, headers) = read_head(&mut reader);
    let mut body = Vec::new();
    if method != "HEAD" {
        reader.read_to_end(&mut body).expect("read the body");
    }
    let mut response = Response {
        status,
        headers,
        body,
    };
    if response
        .header("transfer-encoding")
        .is_some_and(|t| t.eq_ignore_ascii_case("chunked"))
    {
        response.body = dechunk(&response.body);
    }
    response
}

/// Decodes a complete chunked body.
fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    loop {
        let Some(end) = raw.windows(2).position(|w| w == b"\r\n") else {
            return body;
        };
        let size_text = String::from_utf8_lossy(&raw[..end]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .expect("a chunk size");
        if size == 0 {
            return body;
        }
        body.extend_from_slice(&raw[end + 2..end + 2 + size]);
        raw = &raw[end + 2 + size + 2..];
    }
}

/// A Server-Sent Events connection; events arrive, parsed, on a channel.
struct Events {
    receiver: mpsc::Receiver<serde_json::Value>,
    /// Every event seen so far, for failure messages.
    seen: Vec<serde_json::Value>,
}

impl Events {
    fn connect(port: u16, host: &str) -> Events {
        let mut stream = connect(port);
        send_head(&mut stream, "GET", "/__errdex/events", &[("Host", host)]);
        let mut reader = BufReader::new(stream);
        let (status, headers) = read_head(&mut reader);
        assert_eq!(status, 200, "event stream refused: {headers:?}");
        let content_type = headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("content-type"))
            .map(|(_, v)| v.as_str());
        assert_eq!(content_type, Some("text/event-stream"));
        let chunked = headers.iter().any(|(n, v)| {
            n.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked")
        });
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || read_events(reader, chunked, &sender));
        Events {
            receiver,
            seen: Vec::new(),
        }
    }

    /// Waits for the first event (after those already seen) that `wanted` accepts.
    fn wait_for(
        &mut self,
        what: &str,
        wanted: impl Fn(&serde_json::Value) -> bool,
    ) -> serde_json::Value {
        let deadline = Instant::now() + DEADLINE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.receiver.recv_timeout(left) {
                Ok(event) => {
                    self.seen.push(event.clone());
                    if wanted(&event) {
                        return event;
                    }
                }
                Err(_) => panic!(
                    "no {what} event within {DEADLINE:?}; events seen: {:#?}",
                    self.seen
                ),
            }
        }
    }
}

/// Decodes the stream (chunked or not) and sends each event's `data` as JSON.
fn read_events(
    mut reader: BufReader<TcpStream>,
    chunked: bool,
    sender: &mpsc::Sender<serde_json::Value>,
) {
    let mut pending = String::new();
    loop {
        let mut bytes = Vec::new();
        if chunked {
            let mut size_line = String::new();
            if reader.read_line(&mut size_line).unwrap_or(0) == 0 {
                return;
            }
            let size_text = size_line.split(';').next().unwrap_or("").trim();
            let Ok(size) = usize::from_str_radix(size_text, 16) else {
                return;
            };
            if size == 0 {
                return;
            }
            bytes.resize(size + 2, 0);
            if reader.read_exact(&mut bytes).is_err() {
                return;
            }
            bytes.truncate(size);
        } else {
            let mut buffer = [0; 4096];
            match reader.read(&mut buffer) {
                Ok(0) | Err(_) => return,
                Ok(n) => bytes.extend_from_slice(&buffer[..n]),
            }
        }
        pending.push_str(&String::from_utf8_lossy(&bytes));
        while let Some(end) = pending.find("\n\n") {
            let block: String = pending.drain(..end + 2).collect();
            let data: Vec<&str> = block
                .lines()
                .filter_map(|l| l.strip_prefix("data:"))
                .map(|d| d.strip_prefix(' ').unwrap_or(d))
                .collect();
            if data.is_empty() {
                continue; // a keep-alive comment
            }
            let event = serde_json::from_str(&data.join("\n")).expect("event data is JSON");
            if sender.send(event).is_err() {
                return;
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Catalog edits

/// Replaces the `title:` line of an error file's YAML.
fn with_title(yaml: &str, title: &str) -> String {
    let mut done = false;
    let lines: Vec<String> = yaml
        .lines()
        .map(|line| {
            if !done && line.starts_with("title:") {
                done = true;
                format!("title: {title}")
            } else {
                line.to_owned()
            }
        })
        .collect();
    assert!(done, "the file has a title line");
    lines.join("\n") + "\n"
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Writes `text` to a temp file beside `path` and renames it over `path`, as editors do:
/// the watcher never sees a half-written file.
fn save_atomically(path: &Path, text: &str) {
    let mut temp = path.as_os_str().to_owned();
    temp.push(".tmp");
    std::fs::write(&temp, text).expect("write the temp file");
    std::fs::rename(&temp, path).expect("rename over the real file");
}

/// Whether `html` has a `<script>` tag loading the live-reload script.
fn loads_live_reload(html: &str) -> bool {
    html.match_indices("<script").any(|(start, _)| {
        let tag = &html[start..];
        let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
        tag.contains("src=\"") && tag.contains("__errdex/live.js\"")
    })
}

fn is_reload_of(event: &serde_json::Value, path: &str) -> bool {
    event["type"] == "reload"
        && event["paths"]
            .as_array()
            .is_some_and(|paths| paths.iter().any(|p| p == path))
}

// ---------------------------------------------------------------------------------------
// Serving

#[test]
fn pages_are_served_with_their_types_and_the_live_reload_script() {
    let server = Server::start();

    let index = server.get("/");
    assert_eq!(index.status, 200);
    assert_eq!(
        index.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(
        loads_live_reload(&index.text()),
        "the overview loads the live-reload script"
    );

    let page = server.get("/errors/rate_limited/");
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(loads_live_reload(&page.text()), "error pages load it too");
    assert!(page.text().contains("Too many requests"));

    for (path, content_type) in [
        ("/errors/rate_limited.md", "text/markdown; charset=utf-8"),
        ("/llms.txt", "text/plain; charset=utf-8"),
        ("/.well-known/llms.txt", "text/plain; charset=utf-8"),
        ("/llms-full.txt", "text/plain; charset=utf-8"),
        ("/errors.json", "application/json"),
        ("/search-index.json", "application/json"),
        ("/search-index.js", "text/javascript; charset=utf-8"),
        ("/__errdex/live.js", "text/javascript; charset=utf-8"),
    ] {
        let response = server.get(path);
        assert_eq!(response.status, 200, "{path}");
        assert_eq!(
            response.header("content-type"),
            Some(content_type),
            "{path}"
        );
        assert_eq!(response.header("x-content-type-options"), Some("nosniff"));
        assert!(!response.body.is_empty(), "{path}");
    }
    let json: serde_json::Value =
        serde_json::from_slice(&server.get("/errors.json").body).expect("errors.json parses");
    assert!(json.to_string().contains("rate_limited"));

    // A folder without its slash redirects, as static hosts do.
    let redirect = server.get("/errors/rate_limited");
    assert_eq!(redirect.status, 308);
    assert_eq!(redirect.header("location"), Some("/errors/rate_limited/"));
}

#[test]
fn head_sends_the_headers_of_get_and_no_body() {
    let server = Server::start();
    for path in [
        "/",
        "/errors/rate_limited/",
        "/errors/rate_limited.md",
        "/llms.txt",
    ] {
        let get = server.get(path);
        let head = server.request("HEAD", path, &[]);
        assert_eq!(head.status, 200, "{path}");
        assert_eq!(head.header("content-type"), get.header("content-type"));
        assert_eq!(
            head.header("content-length"),
            Some(get.body.len().to_string().as_str()),
            "HEAD {path} announces the length GET sends"
        );
        // The connection is closed after the head: anything more would be a body.
        let mut stream = connect(server.port);
        send_head(&mut stream, "HEAD", path, &[("Host", &server.host())]);
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).expect("read the response");
        let end = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("end of headers");
        assert_eq!(raw.len(), end + 4, "HEAD {path} sent a body");
    }
    let missing = server.request("HEAD", "/nope", &[]);
    assert_eq!(missing.status, 404);
}

/// The not-found page links its style sheet, scripts and icon from the server's root,
/// not on the base URL `serve` builds with (`http://127.0.0.1:PORT`): a browser that
/// named the server `localhost` would have them refused by the page's CSP (`'self'`).
#[test]
fn the_not_found_page_links_its_assets_from_the_root() {
    let server = Server::start();
    let missing = server.get("/errors/gone/deeper/");
    assert_eq!(missing.status, 404);
    let html = missing.text();
    assert!(loads_live_reload(&html), "it reloads when the page appears");
    // The canonical address names the page and is never fetched.
    let fetched = html.replace("<link rel=\"canonical\" href=", "");
    for attribute in ["href=\"", "src=\""] {
        for link in fetched.split(attribute).skip(1) {
            let link = &link[..link.find('"').expect("a closed attribute")];
            assert!(
                !link.starts_with("http://127.0.0.1"),
                "{link} is on the base URL, which another host name would not be"
            );
        }
    }
    assert!(html.contains("href=\"/assets/style."), "{html}");
}

#[test]
fn only_get_and_head_are_allowed() {
    let server = Server::start();
    for method in ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"] {
        for path in ["/", "/errors/rate_limited/", "/__errdex/events", "/nope"] {
            let response = server.request(method, path, &[]);
            assert_eq!(response.status, 405, "{method} {path}");
            assert_eq!(
                response.header("allow"),
                Some("GET, HEAD"),
                "{method} {path}"
            );
        }
    }
}

#[test]
fn traversal_and_paths_outside_the_site_are_not_found() {
    let server = Server::start();
    // The catalog's own files sit next to nothing errdex rendered; a secret there must
    // not be reachable however the path is spelled.
    std::fs::write(server.catalog.join("secret.txt"), "TOP-SECRET-CONTENT\n").expect("write");
    for path in [
        "/../etc/passwd",
        "/../../../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/errors/%2f..%2f..%2fetc/passwd",
        "/errors/%2F..%2F..%2Fetc%2Fpasswd",
        "/..%5c..%5cetc%5cpasswd",
        "/..%5C..%5Cetc%5Cpasswd",
        "/errors/..%5c..%5csecret.txt",
        "/c:/windows/win.ini",
        "/C:%5cwindows%5cwin.ini",
        "/%00",
        "/errors/rate_limited/%2e%2e/%2e%2e/secret.txt",
        "/./index.html",
        "//etc/passwd",
        // Not traversal, but not rendered either: sources and files beside the catalog.
        "/secret.txt",
        "/errdex.yaml",
        "/errors/rate_limited.yaml",
        "/errors/",
        "/errors/rate_limited/index.md",
        "/etc/passwd",
    ] {
        let response = server.get(path);
        assert_eq!(response.status, 404, "{path}");
        let text = response.text();
        assert!(!text.contains("root:"), "{path} leaked /etc/passwd");
        assert!(!text.contains("TOP-SECRET"), "{path} leaked a catalog file");
        assert!(
            !text.contains("code: rate_limited"),
            "{path} leaked a source"
        );
    }
    // A raw backslash is not valid in a request target; whatever the server answers
    // (400 or 404), it never answers with a file.
    let response = server.get(r"/..\..\etc\passwd");
    assert!(
        matches!(response.status, 400 | 404),
        "raw backslashes: {}",
        response.status
    );
    assert!(!response.text().contains("root:"));
}

#[test]
fn foreign_origins_and_hosts_are_refused() {
    let server = Server::start();
    let foreign = server.request(
        "GET",
        "/__errdex/events",
        &[("Origin", "http://evil.example")],
    );
    assert_eq!(foreign.status, 403);
    assert!(!foreign.text().contains("data:"));

    // DNS rebinding: a page on evil.example resolving to 127.0.0.1 sends its own Host.
    for host in ["evil.example", "evil.example:80", "127.0.0.1.evil.example"] {
        let mut stream = connect(server.port);
        send_head(&mut stream, "GET", "/", &[("Host", host)]);
        let (status, _) = read_head(&mut BufReader::new(stream));
        assert_eq!(status, 403, "Host: {host}");
    }
    let mut stream = connect(server.port);
    send_head(
        &mut stream,
        "GET",
        "/errors.json",
        &[("Host", "evil.example")],
    );
    let (status, _) = read_head(&mut BufReader::new(stream));
    assert_eq!(status, 403);

    // The server's own names are fine, and so is its own origin on the event stream.
    let own = format!("localhost:{}", server.port);
    assert_eq!(
        request(server.port, "GET", "/", &[("Host", &own)]).status,
        200
    );
    let mut stream = connect(server.port);
    let origin = format!("http://{}", server.host());
    send_head(
        &mut stream,
        "GET",
        "/__errdex/events",
        &[("Host", &server.host()), ("Origin", &origin)],
    );
    let (status, _) = read_head(&mut BufReader::new(stream));
    assert_eq!(status, 200);
}

// ---------------------------------------------------------------------------------------
// Live reload

#[test]
fn editing_a_title_reloads_the_page_and_notifies_browsers() {
    let server = Server::start();
    let mut events = server.events();
    let file = server.error_file("rate_limited");
    std::fs::write(&file, with_title(&read(&file), "Slow down plain write")).expect("edit");

    let page = server.wait_for("/errors/rate_limited/", "showing the new title", |r| {
        r.status == 200 && r.text().contains("Slow down plain write")
    });
    assert!(!page.text().contains("Too many requests"));
    let event = events.wait_for("reload naming the page", |e| {
        is_reload_of(e, "errors/rate_limited/index.html")
    });
    assert_eq!(event["all"], false, "{event}");
    let paths = event["paths"].as_array().expect("paths");
    assert!(
        paths.iter().any(|p| p == "errors/rate_limited.md"),
        "{event}"
    );
    // Pages that do not mention the error are left alone.
    assert!(
        !paths
            .iter()
            .any(|p| p == "errors/api_key_missing/index.html"),
        "{event}"
    );
    let markdown = server.get("/errors/rate_limited.md").text();
    assert!(markdown.contains("# rate_limited: Slow down plain write"));
    // The catalog-wide files follow, in the same event or the next one.
    let event = if is_reload_of(&event, "index.html") {
        event
    } else {
        events.wait_for("reload naming the overview", |e| {
            is_reload_of(e, "index.html")
        })
    };
    assert_eq!(event["all"], false, "{event}");
    let overview = server.get("/").text();
    assert!(overview.contains("Slow down plain write"), "{overview}");
    assert!(
        server
            .get("/llms.txt")
            .text()
            .contains("Slow down plain write")
    );
}

#[test]
fn an_atomic_save_is_picked_up() {
    let server = Server::start();
    let mut events = server.events();
    let file = server.error_file("shipment_not_found");
    let temp = server
        .catalog
        .join("errors")
        .join("shipment_not_found.yaml.tmp");
    std::fs::write(&temp, with_title(&read(&file), "Renamed into place")).expect("temp");
    std::fs::rename(&temp, &file).expect("rename over the real file");

    server.wait_for("/errors/shipment_not_found/", "updated", |r| {
        r.status == 200 && r.text().contains("Renamed into place")
    });
    events.wait_for("reload naming the page", |e| {
        is_reload_of(e, "errors/shipment_not_found/index.html")
    });
    // The temp file itself never became a page.
    assert_eq!(server.get("/errors/shipment_not_found.yaml/").status, 404);
}

#[test]
fn a_broken_edit_keeps_the_last_good_site_until_it_is_fixed() {
    let server = Server::start();
    let mut events = server.events();
    let file = server.error_file("rate_limited");
    let good = read(&file);

    // An impossible status: the page stays, browsers get the diagnostics.
    save_atomically(&file, &good.replace("status: 429", "status: 999"));
    let broken = events.wait_for("broken (status 999)", |e| {
        e["type"] == "broken" && e.to_string().contains("999")
    });
    let diagnostics = broken["diagnostics"].as_array().expect("diagnostics");
    let status = diagnostics
        .iter()
        .find(|d| d["message"].as_str().is_some_and(|m| m.contains("999")))
        .unwrap_or_else(|| panic!("a diagnostic about status 999: {broken:#}"));
    assert!(
        status["file"]
            .as_str()
            .is_some_and(|f| f.ends_with("errors/rate_limited.yaml")),
        "{status}"
    );
    assert_eq!(status["line"], 3, "{status}");
    assert!(status["column"].as_u64().is_some_and(|c| c > 0), "{status}");
    assert_eq!(status["severity"], "error");
    let page = server.get("/errors/rate_limited/");
    assert_eq!(page.status, 200);
    assert!(page.text().contains("Too many requests"));
    assert!(page.text().contains("429"));

    // A browser that opens a page now is told at once.
    let mut late = server.events();
    let told = late.wait_for("any", |_| true);
    assert_eq!(told, broken, "the current problems, at once");

    // Invalid YAML is reported with its line too, and still the last good site is served.
    save_atomically(
        &file,
        // (`title: [oops` would be E002: a title that must be text, not a list.)
        &good.replacen("title: Too many requests", "title: Too many: requests", 1),
    );
    let syntax = events.wait_for("broken (syntax)", |e| {
        e["type"] == "broken"
            && !e.to_string().contains("999")
            && e["diagnostics"].as_array().is_some_and(|ds| {
                ds.iter().any(|d| {
                    d["line"].as_u64().is_some_and(|l| l >= 2)
                        && d["file"]
                            .as_str()
                            .is_some_and(|f| f.ends_with("errors/rate_limited.yaml"))
                })
            })
    });
    assert!(
        syntax.to_string().contains("E001"),
        "a YAML syntax error: {syntax}"
    );
    assert_eq!(server.get("/errors/rate_limited/").status, 200);
    assert_eq!(server.get("/").status, 200);

    // Fixed, with a new title: a reload, the new content, and no broken state for
    // browsers that connect afterwards.
    save_atomically(&file, &with_title(&good, "Fixed and renamed"));
    let reload = events.wait_for("reload after the fix", |e| e["type"] == "reload");
    assert!(
        is_reload_of(&reload, "errors/rate_limited/index.html"),
        "{reload}"
    );
    let page = server.wait_for("/errors/rate_limited/", "fixed", |r| {
        r.status == 200 && r.text().contains("Fixed and renamed")
    });
    assert!(!page.text().contains("Too many requests"));
    let mut after = server.events();
    save_atomically(&file, &with_title(&good, "Fixed twice"));
    let first = after.wait_for("any", |_| true);
    assert_eq!(first["type"], "reload", "no stale broken event: {first}");
}

/// A problem of no one error file (a template that does not compile) reaches the
/// browsers too, not only the terminal; the fix reloads them.
#[test]
fn a_broken_template_is_shown_in_the_page_and_its_fix_reloads_it() {
    let server = Server::start();
    let mut events = server.events();
    let templates = server.catalog.join("templates");
    std::fs::create_dir_all(&templates).expect("templates folder");
    let template = templates.join("404.html");
    std::fs::write(&template, "{% if %}").expect("a half-typed template");
    let broken = events.wait_for("broken (template)", |e| e["type"] == "broken");
    let message = broken["diagnostics"][0]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(message.starts_with("template error: Found"), "{broken:#}");
    assert!(message.contains("404.html"), "{broken:#}");
    assert_eq!(broken["diagnostics"][0]["severity"], "error");
    assert_eq!(server.get("/").status, 200, "the last good site is kept");

    std::fs::remove_file(&template).expect("remove the template");
    let reload = events.wait_for("reload after the fix", |e| e["type"] == "reload");
    assert_eq!(reload["type"], "reload");
}

/// The catalog folder deleted while serving: browsers are told, the last good site stays
/// up, and once the folder is back it is watched again: an edit in it reloads the page.
#[test]
fn a_deleted_catalog_folder_is_reported_and_watched_again_when_it_is_back() {
    let server = Server::start();
    let mut events = server.events();
    let kept = server.catalog.with_extension("kept");
    copy_dir(&server.catalog, &kept);
    std::fs::remove_dir_all(&server.catalog).expect("delete the catalog folder");
    let gone = events.wait_for("broken (folder gone)", |e| {
        e["type"] == "broken" && e.to_string().contains("does not exist")
    });
    assert_eq!(gone["diagnostics"][0]["severity"], "error", "{gone:#}");
    assert_eq!(
        server.get("/errors/rate_limited/").status,
        200,
        "the last good site"
    );

    copy_dir(&kept, &server.catalog);
    events.wait_for("reload (folder back)", |e| e["type"] == "reload");
    let file = server.error_file("rate_limited");
    save_atomically(&file, &with_title(&read(&file), "Back again"));
    server.wait_for(
        "/errors/rate_limited/",
        "the edit in the folder made again",
        |r| r.status == 200 && r.text().contains("Back again"),
    );
}

#[test]
fn new_files_appear_and_deleted_files_disappear() {
    let server = Server::start();
    let mut events = server.events();
    let new_file = server.error_file("quota_exceeded");
    let source = "code: quota_exceeded
title: Monthly quota exceeded
status: 402
summary: The account bought every label its plan includes this month.
group: billing
when:
  - The account bought more labels this month than its plan includes.
fix:
  - Upgrade the plan, or wait for the first day of next month.
retryable: false
agent:
  action: ask_user
  guidance: Tell the person the monthly label quota is used up and ask whether to upgrade.
";
    assert_eq!(server.get("/errors/quota_exceeded/").status, 404);
    std::fs::write(&new_file, source).expect("create");

    let page = server.wait_for("/errors/quota_exceeded/", "created", |r| r.status == 200);
    assert!(page.text().contains("Monthly quota exceeded"));
    assert_eq!(server.get("/errors/quota_exceeded.md").status, 200);
    events.wait_for("reload naming the new page", |e| {
        is_reload_of(e, "errors/quota_exceeded/index.html")
    });
    // The catalog-wide files follow the pages (serve publishes the edited pages first).
    server.wait_for("/errors.json", "listing the new error", |r| {
        r.text().contains("quota_exceeded")
    });
    // Both forms of the search index (pages opened from disk load the script).
    for index in ["/search-index.json", "/search-index.js"] {
        server.wait_for(index, "listing the new error", |r| {
            r.text().contains("quota_exceeded")
        });
    }

    std::fs::remove_file(&new_file).expect("delete");
    server.wait_for("/errors/quota_exceeded/", "gone", |r| r.status == 404);
    assert_eq!(server.get("/errors/quota_exceeded.md").status, 404);
    server.wait_for("/errors.json", "without the deleted error", |r| {
        !r.text().contains("quota_exceeded")
    });
    for index in ["/search-index.json", "/search-index.js"] {
        server.wait_for(index, "without the deleted error", |r| {
            !r.text().contains("quota_exceeded")
        });
    }
    events.wait_for("reload naming the removed page", |e| {
        is_reload_of(e, "errors/quota_exceeded/index.html")
    });
    // The rest of the site is still there.
    assert_eq!(server.get("/errors/rate_limited/").status, 200);
}

#[test]
fn edits_are_picked_up_when_the_catalog_is_named_by_a_relative_path() {
    // The watcher reports absolute paths; a session opened on `catalog` once loaded the
    // edited file a second time under its absolute path and reported it as a duplicate
    // of itself, so nothing ever reloaded.
    let server = Server::start_with(true);
    let mut events = server.events();
    let file = server.error_file("rate_limited");
    save_atomically(&file, &with_title(&read(&file), "Relative paths work"));
    server.wait_for("/errors/rate_limited/", "showing the new title", |r| {
        r.status == 200 && r.text().contains("Relative paths work")
    });
    events.wait_for("reload naming the page", |e| {
        is_reload_of(e, "errors/rate_limited/index.html")
    });
    assert!(!server.log().contains("E012"), "{}", server.log());
}

#[test]
fn a_static_file_is_served_with_its_type_and_follows_edits() {
    let server = Server::start();
    let image = server.catalog.join("static/images/flow.png");
    std::fs::create_dir_all(image.parent().expect("a folder")).expect("mkdir");
    std::fs::write(&image, b"\x89PNG first").expect("write");
    let response = server.wait_for("/images/flow.png", "served", |r| r.status == 200);
    assert_eq!(response.header("content-type"), Some("image/png"));
    assert_eq!(response.body, b"\x89PNG first");

    let mut events = server.events();
    std::fs::write(&image, b"\x89PNG second").expect("edit");
    server.wait_for("/images/flow.png", "updated", |r| {
        r.body == b"\x89PNG second"
    });
    events.wait_for("reload naming the file", |e| {
        is_reload_of(e, "images/flow.png")
    });
    std::fs::remove_file(&image).expect("rm");
    server.wait_for("/images/flow.png", "gone", |r| r.status == 404);
}
