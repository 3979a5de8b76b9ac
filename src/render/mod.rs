//! Stage 3, render: a validated catalog → every output file, in memory.
//!
//! Rendering is pure: it reads no files and writes none (the theme's user overrides
//! arrive already loaded). The result is a sorted map from output path to bytes, which
//! the `write` stage puts on disk, so the same catalog always yields the same bytes.

pub mod agent;
pub mod machine;
pub mod theme;
pub mod views;

use crate::model::Catalog;
pub use bytes::Bytes;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use tera::Context;
pub use theme::{Theme, ThemeError};

/// Output path (with `/`) → content. [`Bytes`] are shared, not copied, when cloned,
/// so `serve` can publish a new site that reuses most of the previous one's files.
pub type Files = BTreeMap<String, Bytes>;

/// One rendered file's bytes, in pieces written one after another.
///
/// Almost every file is one piece. The big catalog-wide files (llms-full.txt,
/// errors.json, search-index.json and .js) are their errors' [`ErrorParts`] laid end to end,
/// handed over as shared pieces so they are never copied into one buffer: at 100,000
/// errors llms-full.txt alone is over 600 MB.
pub type Content = Vec<Bytes>;

/// Where [`Renderer::render_streamed`] sends the site.
///
/// Most files arrive whole. The overview, llms-full.txt and errors.json grow with the
/// catalog (hundreds of megabytes at 100,000 errors), so they are written piece by
/// piece into a file opened here and are never held whole.
pub trait Output: Sync {
    type Error: From<ThemeError> + From<std::io::Error> + Send;
    type File: std::io::Write + Send;
    /// A complete file.
    fn put(&self, path: String, content: Content) -> Result<(), Self::Error>;
    /// Starts a file that is written piece by piece.
    fn open(&self, path: &str) -> Result<Self::File, Self::Error>;
    /// Completes a file started with [`Output::open`].
    fn close(&self, file: Self::File) -> Result<(), Self::Error>;
}

/// Errors per batch in [`Renderer::render_streamed`]: enough to keep every core busy
/// and make the wait at the end of a batch small, few enough that a batch's parts stay
/// a few megabytes.
const BATCH: usize = 256;

/// What [`Renderer::render_streamed`] keeps of each error's parts for the catalog-wide
/// files written last: small pieces, by position in `catalog.errors`.
struct Kept {
    llms_lines: Vec<String>,
    search: Vec<Bytes>,
}

/// What one error contributes to the site besides its HTML page: its Markdown file and
/// its entries in the catalog-wide files.
///
/// Parts depend only on the error itself and the configuration, never on other errors
/// (unlike the page, whose prev/next and related links name them), so a rebuild after
/// an edit keeps the parts of every other error and only re-assembles the big files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorParts {
    /// `errors/<code>.md`.
    pub markdown: Bytes,
    /// Its section of llms-full.txt: the Markdown without the opening blockquote (which
    /// llms-full.txt has once, at the top) or trailing blank lines; shares `markdown`'s
    /// bytes.
    pub full_section: Bytes,
    /// Its line in llms.txt, with the newline.
    pub llms_line: String,
    /// Its element of the `errors` array in errors.json.
    pub json: Bytes,
    /// Its element of search-index.json (and search-index.js).
    pub search: Bytes,
}

/// Choices that change the output without changing the catalog.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// Root-relative path of the live-reload script; set only by `serve`, so a
    /// published build never contains it.
    pub live_reload: Option<String>,
}

/// Paths of the fingerprinted assets, relative to the site root.
#[derive(Debug, Clone, Serialize)]
pub struct Assets {
    pub css: String,
    pub js: String,
    /// The site icon; linked from every page, so browsers never probe `/favicon.ico`
    /// (a 404 on most hosts, and outside the site when it is published under a path).
    pub icon: String,
    pub search_index: &'static str,
}

/// Everything one render shares across pages.
pub struct Renderer<'a> {
    catalog: &'a Catalog,
    theme: &'a Theme,
    options: &'a RenderOptions,
    assets: Assets,
    index: views::Index<'a>,
    /// What every error page's context starts with (site, assets, live reload), made
    /// once: the site summary's Markdown would otherwise be rendered again per page.
    error_page_base: Context,
}

impl<'a> Renderer<'a> {
    /// Prepares a render of `catalog` with `theme`.
    pub fn new(catalog: &'a Catalog, theme: &'a Theme, options: &'a RenderOptions) -> Self {
        let assets = Assets {
            css: format!(
                "assets/style.{}.css",
                fingerprint(theme.asset("style.css").as_bytes())
            ),
            js: format!(
                "assets/search.{}.js",
                fingerprint(theme.asset("search.js").as_bytes())
            ),
            icon: format!(
                "assets/favicon.{}.svg",
                fingerprint(theme.asset("favicon.svg").as_bytes())
            ),
            search_index: "search-index.json",
        };
        let error_page_base =
            site_context(catalog, theme, options, &assets, views::ERROR_PAGE_ROOT);
        Renderer {
            catalog,
            theme,
            options,
            assets,
            index: views::Index::new(catalog),
            error_page_base,
        }
    }

    /// Renders every output file into memory.
    pub fn render_all(&self) -> Result<Files, ThemeError> {
        Ok(self.render_all_with_parts()?.0)
    }

    /// [`Renderer::render_all`], with every error's [`ErrorParts`] in catalog order, for
    /// a caller that keeps them to re-assemble the catalog-wide files later.
    pub fn render_all_with_parts(&self) -> Result<(Files, Vec<Arc<ErrorParts>>), ThemeError> {
        let files = Mutex::new(Files::new());
        let parts = self.render_each(insert_into(&files))?;
        Ok((files.into_inner().unwrap_or_default(), parts))
    }

    /// Renders every output file and hands each to `emit` as soon as it is ready, from
    /// several threads. `build` writes them straight to disk this way, so the whole site
    /// is never held in memory at once.
    ///
    /// The error pages and the overview (one big template render) run side by side; the
    /// catalog-wide files are then assembled from the errors' [`ErrorParts`], so nothing
    /// an error contributes is rendered twice. Returns the parts, in catalog order.
    pub fn render_each<E, F>(&self, emit: F) -> Result<Vec<Arc<ErrorParts>>, E>
    where
        E: From<ThemeError> + Send,
        F: Fn(String, Content) -> Result<(), E> + Sync,
    {
        let (parts, overview) = rayon::join(
            || {
                (0..self.catalog.errors.len())
                    .into_par_iter()
                    .map(|position| Ok(Arc::new(self.render_pages(position, &emit)?)))
                    .collect::<Result<Vec<_>, E>>()
            },
            || self.render_overview(),
        );
        let parts = parts?;
        self.emit_shared(&parts, overview?, &emit)?;
        Ok(parts)
    }

    /// Renders every output file for `build`, handing each to `out` as soon as it is
    /// ready, from several threads.
    ///
    /// Unlike [`Renderer::render_each`], no error's parts outlive a small batch, so
    /// memory stays flat however large the catalog: errors are rendered in batches in
    /// llms.txt order, and while one batch renders, the previous batch's sections are
    /// appended to llms-full.txt and errors.json. Only the small pieces the remaining
    /// catalog-wide files need (llms.txt lines, search entries) are kept. The overview
    /// renders alongside, straight into its file.
    pub fn render_streamed<O: Output>(&self, out: &O) -> Result<(), O::Error> {
        let (kept, overview) =
            rayon::join(|| self.stream_errors(out), || self.stream_overview(out));
        let kept = kept?;
        overview?;
        self.emit_small(
            |position| &kept.llms_lines[position],
            kept.search.iter(),
            &|path, content| out.put(path, content),
        )
    }

    /// The errors' pages and Markdown, batch by batch, with their sections of
    /// llms-full.txt and errors.json written in between; see [`Renderer::render_streamed`].
    fn stream_errors<O: Output>(&self, out: &O) -> Result<Kept, O::Error> {
        use std::io::Write as _;
        let catalog = self.catalog;
        let order = agent::llms_order(catalog);
        // Every error has a section (`check` refuses a group errdex.yaml does not
        // define, E014), so walking this order renders every page.
        debug_assert_eq!(order.len(), catalog.errors.len());
        let mut kept = Kept {
            llms_lines: vec![String::new(); catalog.errors.len()],
            search: vec![Bytes::new(); catalog.errors.len()],
        };
        let mut full_file = out.open("llms-full.txt")?;
        let mut json_file = out.open("errors.json")?;
        let (mut full, head) = agent::LlmsFull::begin(catalog, order.len());
        full_file.write_all(&head)?;
        let (mut json, head) = machine::ErrorsJson::begin(catalog, order.len());
        json_file.write_all(&head)?;
        {
            let mut append = |batch: Vec<(usize, ErrorParts)>| -> Result<(), O::Error> {
                for (position, parts) in batch {
                    for piece in full.section(&catalog.errors[position], &parts) {
                        full_file.write_all(&piece)?;
                    }
                    for piece in json.element(&parts) {
                        json_file.write_all(&piece)?;
                    }
                    kept.llms_lines[position] = parts.llms_line;
                    kept.search[position] = parts.search;
                }
                Ok(())
            };
            let put = |path, content| out.put(path, content);
            let mut pending = Vec::new();
            for batch in order.chunks(BATCH) {
                let previous = std::mem::take(&mut pending);
                let (rendered, appended) = rayon::join(
                    || {
                        batch
                            .par_iter()
                            .map(|&position| Ok((position, self.render_pages(position, &put)?)))
                            .collect::<Result<Vec<_>, O::Error>>()
                    },
                    || append(previous),
                );
                appended?;
                pending = rendered?;
            }
            append(pending)?;
        }
        if let Some(end) = json.end() {
            json_file.write_all(&end)?;
        }
        out.close(full_file)?;
        out.close(json_file)?;
        Ok(kept)
    }

    /// The overview, rendered straight into its file.
    fn stream_overview<O: Output>(&self, out: &O) -> Result<(), O::Error> {
        let mut file = Recorded {
            inner: out.open("index.html")?,
            error: None,
        };
        if let Err(e) = self
            .theme
            .render_to("overview.html", &self.overview_context(), &mut file)
        {
            // A failed write surfaces as a template error; report the write instead.
            return Err(match file.error {
                Some(io) => io.into(),
                None => e.into(),
            });
        }
        out.close(file.inner)
    }

    /// The page and Markdown file of the error at `position`, handed to `emit`; returns
    /// the error's parts.
    fn render_pages<E>(
        &self,
        position: usize,
        emit: &(dyn Fn(String, Content) -> Result<(), E> + Sync),
    ) -> Result<ErrorParts, E>
    where
        E: From<ThemeError>,
    {
        let code = &self.catalog.errors[position].code;
        let page = self.render_error_page(position)?;
        emit(format!("errors/{code}/index.html"), vec![page.into()])?;
        let parts = self.error_parts(position);
        emit(format!("errors/{code}.md"), vec![parts.markdown.clone()])?;
        Ok(parts)
    }

    /// The error page of the error at `position`, with its path.
    pub fn render_error(&self, position: usize) -> Result<(String, Vec<u8>), ThemeError> {
        let code = &self.catalog.errors[position].code;
        let page = self.render_error_page(position)?;
        Ok((format!("errors/{code}/index.html"), page.into_bytes()))
    }

    /// Everything the error at `position` contributes besides its page.
    pub fn error_parts(&self, position: usize) -> ErrorParts {
        let entry = &self.catalog.errors[position];
        let markdown = with_newline(agent::error_markdown(&self.index, entry));
        let section = agent::full_section_range(&markdown);
        let markdown = Bytes::from(markdown);
        ErrorParts {
            full_section: markdown.slice(section),
            markdown,
            llms_line: agent::llms_line(self.catalog, entry),
            json: machine::error_json(self.catalog, entry).into(),
            search: machine::search_entry(entry).into(),
        }
    }

    /// Files that depend on the whole catalog (overview, llms files, JSON, sitemap,
    /// assets), from every error's parts in catalog order.
    pub fn render_shared(&self, parts: &[Arc<ErrorParts>]) -> Result<Files, ThemeError> {
        let files = Mutex::new(Files::new());
        self.emit_shared(parts, self.render_overview()?, &insert_into(&files))?;
        Ok(files.into_inner().unwrap_or_default())
    }

    /// Hands the catalog-wide files to `emit` one at a time, so only one of the big ones
    /// (llms-full.txt, errors.json) is in memory at once.
    fn emit_shared<E>(
        &self,
        parts: &[Arc<ErrorParts>],
        overview: String,
        emit: &(dyn Fn(String, Content) -> Result<(), E> + Sync),
    ) -> Result<(), E>
    where
        E: From<ThemeError>,
    {
        let catalog = self.catalog;
        emit("index.html".to_owned(), vec![overview.into()])?;
        emit(
            "llms-full.txt".to_owned(),
            agent::llms_full_txt(catalog, parts),
        )?;
        emit(
            "errors.json".to_owned(),
            machine::errors_json(catalog, parts),
        )?;
        self.emit_small(
            |position| &parts[position].llms_line,
            parts.iter().map(|part| &part.search),
            emit,
        )
    }

    /// The catalog-wide files that stay small however large the catalog: everything but
    /// the overview, llms-full.txt and errors.json. `llms_line_of(position)` and
    /// `search` are the errors' [`ErrorParts::llms_line`] and [`ErrorParts::search`].
    fn emit_small<'p, E>(
        &self,
        llms_line_of: impl Fn(usize) -> &'p str,
        search: impl ExactSizeIterator<Item = &'p Bytes> + Clone,
        emit: &(dyn Fn(String, Content) -> Result<(), E> + Sync),
    ) -> Result<(), E>
    where
        E: From<ThemeError>,
    {
        let catalog = self.catalog;
        let put = |path: &str, content: String| emit(path.to_owned(), vec![content.into()]);
        put("404.html", self.render_404()?)?;
        let llms = agent::llms_txt(catalog, llms_line_of);
        put(".well-known/llms.txt", llms.clone())?;
        put("llms.txt", llms)?;
        put("errors.schema.json", machine::errors_schema(catalog))?;
        emit(
            "search-index.json".to_owned(),
            machine::search_index(search.clone()),
        )?;
        emit(
            "search-index.js".to_owned(),
            machine::search_index_script(search),
        )?;
        for (name, xml) in machine::sitemaps(catalog) {
            put(&name, xml)?;
        }
        put(
            "robots.txt",
            format!(
                "User-agent: *\nAllow: /\nSitemap: {}/sitemap.xml\n",
                catalog.base_uri()
            ),
        )?;
        // GitHub Pages, publishing from a branch, runs Jekyll first, which turns `.md`
        // files into HTML and drops `_headers` and `.well-known/`; an empty `.nojekyll`
        // turns that off. It is written here because one the user adds to the output by
        // hand would not last: every build replaces the folder whole.
        put(".nojekyll", String::new())?;
        put(
            "_headers",
            headers_file(
                &catalog.config.base_url,
                self.theme.content_security_policy(),
            ),
        )?;
        put(&self.assets.css, self.theme.asset("style.css").to_owned())?;
        put(&self.assets.js, self.theme.asset("search.js").to_owned())?;
        put(
            &self.assets.icon,
            self.theme.asset("favicon.svg").to_owned(),
        )
    }

    fn context(&self, root: &str, page: views::PageView) -> Context {
        let mut context = site_context(self.catalog, self.theme, self.options, &self.assets, root);
        context.insert("page", &page);
        context
    }

    fn render_error_page(&self, position: usize) -> Result<String, ThemeError> {
        let entry = &self.catalog.errors[position];
        let page = views::PageView {
            title: format!("{}: {}", entry.code, entry.title),
            description: crate::markdown::to_plain_text(&entry.summary),
            canonical: self.catalog.page_url(&entry.code),
            markdown_url: Some(self.catalog.markdown_url(&entry.code)),
            markdown_href: Some(views::markdown_href(views::ERROR_PAGE_ROOT, &entry.code)),
            kind: "error",
        };
        // Tera's maps are reference-counted: this clone shares the site's values.
        let mut context = self.error_page_base.clone();
        context.insert("page", &page);
        context.insert("error", &views::error_view(&self.index, entry));
        let (prev, next) = views::neighbours(&self.index, position);
        context.insert("prev", &prev);
        context.insert("next", &next);
        self.theme.render("error.html", &context)
    }

    fn render_overview(&self) -> Result<String, ThemeError> {
        self.theme.render("overview.html", &self.overview_context())
    }

    fn overview_context(&self) -> Context {
        let config = &self.catalog.config;
        let page = views::PageView {
            title: config.title.clone(),
            description: crate::markdown::to_plain_text(&config.summary),
            canonical: format!("{}/", config.base_url),
            markdown_url: None,
            markdown_href: None,
            kind: "overview",
        };
        let mut context = self.context("./", page);
        let listed = views::overview_errors(self.catalog);
        context.insert("overview", &views::overview_view(self.catalog, &listed));
        context
    }

    fn render_404(&self) -> Result<String, ThemeError> {
        let config = &self.catalog.config;
        let page = views::PageView {
            title: format!("Page not found · {}", config.title),
            description: crate::markdown::to_plain_text(&config.summary),
            canonical: format!("{}/404.html", config.base_url),
            markdown_url: None,
            markdown_href: None,
            kind: "404",
        };
        // Hosts serve 404.html at any depth, so its links must not be relative to the
        // page. They are root-relative (`/docs/errors/style.css`), not absolute on
        // `base_url`: the page also works on a preview or staging host, over `http` or
        // another port, where the CSP (`'self'`) refuses assets from the production
        // host. Under `serve` (the only render with live reload) the site is at the
        // server's root.
        let root = match self.options.live_reload {
            Some(_) => "/".to_owned(),
            None => format!("{}/", base_path(&config.base_url)),
        };
        let context = self.context(&root, page);
        self.theme.render("404.html", &context)
    }
}

/// The values every page's context holds, for a page `root` away from the site root.
fn site_context(
    catalog: &Catalog,
    theme: &Theme,
    options: &RenderOptions,
    assets: &Assets,
    root: &str,
) -> Context {
    let config = &catalog.config;
    let mut context = Context::new();
    context.insert(
        "site",
        &views::SiteView {
            title: &config.title,
            summary: crate::markdown::to_plain_text(&config.summary),
            summary_html: crate::markdown::to_inline_html(
                &config.summary,
                crate::markdown::SiteLinks::Relative(root),
            ),
            base_url: &config.base_url,
            language: &config.language,
            root,
        },
    );
    context.insert("assets", assets);
    context.insert("csp", &theme.content_security_policy());
    context.insert("live_reload", &options.live_reload);
    context
}

/// An `emit` for [`Renderer::render_each`] that collects the files into `files`.
fn insert_into(files: &Mutex<Files>) -> impl Fn(String, Content) -> Result<(), ThemeError> + Sync {
    move |path, content| {
        if let Ok(mut files) = files.lock() {
            files.insert(path, joined(content));
        }
        Ok(())
    }
}

/// A writer that keeps a copy of its first error, which Tera would otherwise report as
/// a template error.
struct Recorded<W> {
    inner: W,
    error: Option<std::io::Error>,
}

impl<W: std::io::Write> std::io::Write for Recorded<W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.inner.write(bytes).inspect_err(|e| {
            self.error
                .get_or_insert_with(|| std::io::Error::new(e.kind(), e.to_string()));
        })
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush().inspect_err(|e| {
            self.error
                .get_or_insert_with(|| std::io::Error::new(e.kind(), e.to_string()));
        })
    }
}

/// A file's pieces as one buffer (no copy for a file of one piece).
fn joined(mut content: Content) -> Bytes {
    if content.len() == 1 {
        return content.pop().unwrap_or_default();
    }
    let mut bytes = Vec::with_capacity(content.iter().map(Bytes::len).sum());
    for piece in &content {
        bytes.extend_from_slice(piece);
    }
    Bytes::from(bytes)
}

/// Renders the whole site.
pub fn render_site(
    catalog: &Catalog,
    theme: &Theme,
    options: &RenderOptions,
) -> Result<Files, ThemeError> {
    Renderer::new(catalog, theme, options).render_all()
}

/// `_headers` (Netlify and Cloudflare Pages format): Markdown and the llms files served
/// with the right `Content-Type`, Markdown kept out of search indexes, and every response
/// pointing to `llms.txt`, telling browsers not to guess a file's type, and keeping to
/// `csp`, the theme's Content-Security-Policy, when it has one. Rule paths and the link
/// start with the path of `base_url`, so the file is right for a site published under a
/// path once it sits at the host's root.
fn headers_file(base_url: &str, csp: Option<&str>) -> String {
    let prefix = base_path(base_url);
    let mut out = String::from(
        "# Response headers for Netlify and Cloudflare Pages, written by errdex; other hosts\n\
         # ignore this file (see docs/hosting.md in the errdex repository).\n",
    );
    if csp.is_none() {
        out.push_str(
            "# No Content-Security-Policy is set: the catalog's templates/ folder overrides\n\
             # the theme, and only its owner knows what those pages load.\n",
        );
    }
    out.push_str(&format!(
        "\n{prefix}/*\n  Link: <{prefix}/llms.txt>; rel=\"llms-txt\"\n  X-Content-Type-Options: nosniff\n"
    ));
    if let Some(csp) = csp {
        out.push_str(&format!("  Content-Security-Policy: {csp}\n"));
    }
    out.push_str(&format!(
        "\n{prefix}/*.md\n  Content-Type: text/markdown; charset=utf-8\n  X-Robots-Tag: noindex\n"
    ));
    for path in ["llms.txt", "llms-full.txt", ".well-known/llms.txt"] {
        out.push_str(&format!(
            "\n{prefix}/{path}\n  Content-Type: text/plain; charset=utf-8\n"
        ));
    }
    out
}

/// The path `base_url` publishes the site under, percent-encoded and without its
/// trailing slash: `/docs/errors` for `https://example.com/docs/errors/`, empty at a
/// host's root.
fn base_path(base_url: &str) -> String {
    url::Url::parse(base_url)
        .map(|url| url.path().trim_end_matches('/').to_owned())
        .unwrap_or_default()
}

fn with_newline(mut text: String) -> String {
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// A short content hash for cache-busting asset names (FNV-1a, 64-bit).
///
/// Not cryptographic, and need not be: it only has to change when the content does.
fn fingerprint(bytes: &[u8]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{:010x}", hash >> 24)
}

#[cfg(test)]
mod tests {
    use super::headers_file;
    use super::theme::CONTENT_SECURITY_POLICY;

    #[test]
    fn headers_file_at_the_root_of_a_domain() {
        let text = headers_file("https://docs.example.com", Some(CONTENT_SECURITY_POLICY));
        assert!(
            text.contains("\n/*\n  Link: </llms.txt>; rel=\"llms-txt\"\n  X-Content-Type-Options: nosniff\n  Content-Security-Policy: default-src 'self'; "),
            "{text}"
        );
        assert!(
            text.contains(
                "\n/*.md\n  Content-Type: text/markdown; charset=utf-8\n  X-Robots-Tag: noindex\n"
            ),
            "{text}"
        );
        for path in ["/llms.txt", "/llms-full.txt", "/.well-known/llms.txt"] {
            assert!(
                text.contains(&format!(
                    "\n{path}\n  Content-Type: text/plain; charset=utf-8\n"
                )),
                "{text}"
            );
        }
    }

    #[test]
    fn headers_file_follows_the_path_of_base_url() {
        let text = headers_file("https://acme.github.io/api-docs/errors", None);
        assert!(
            text.contains(
                "\n/api-docs/errors/*\n  Link: </api-docs/errors/llms.txt>; rel=\"llms-txt\"\n"
            ),
            "{text}"
        );
        assert!(text.contains("\n/api-docs/errors/*.md\n"), "{text}");
        assert!(
            text.contains("\n/api-docs/errors/.well-known/llms.txt\n"),
            "{text}"
        );
        assert!(!text.contains("\n/*"), "{text}");
    }

    #[test]
    fn headers_file_cannot_be_broken_by_the_url() {
        // The URL parser percent-encodes what could end a line or the `<…>` of the link.
        let text = headers_file("https://docs.example.com/a b\"<x>\n", None);
        assert!(text.contains("</a%20b%22%3Cx%3E/llms.txt>"), "{text}");
        assert_eq!(
            text.lines().filter(|l| l.starts_with('/')).count(),
            5,
            "{text}"
        );
    }

    #[test]
    fn headers_file_sets_no_policy_for_a_theme_of_ones_own() {
        let text = headers_file("https://docs.example.com", None);
        assert!(!text.contains("Content-Security-Policy:"), "{text}");
        assert!(
            text.contains("# No Content-Security-Policy is set: "),
            "{text}"
        );
        // Not guessing types stays right whatever the templates load.
        assert!(
            text.contains("  X-Content-Type-Options: nosniff\n"),
            "{text}"
        );
    }
}
