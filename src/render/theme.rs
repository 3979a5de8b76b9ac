//! The theme: Tera templates and static assets, built-in or overridden file by file.
//!
//! The default theme is embedded in the binary under the `builtin/` prefix. A user's
//! `templates/` folder beside `errdex.yaml` adds files under their plain names, which
//! Tera's fallback prefixes try first, so `error.html` in the user folder replaces the
//! built-in one while everything else keeps working. (The loader reads that folder;
//! rendering never touches the file system.)

use std::collections::BTreeMap;
use tera::{Context, Tera};

/// Built-in templates and assets, embedded at compile time.
const BUILTIN: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("error.html", include_str!("../../templates/error.html")),
    (
        "overview.html",
        include_str!("../../templates/overview.html"),
    ),
    ("404.html", include_str!("../../templates/404.html")),
    ("style.css", include_str!("../../templates/style.css")),
    ("search.js", include_str!("../../templates/search.js")),
    ("favicon.svg", include_str!("../../templates/favicon.svg")),
];

const BUILTIN_PREFIX: &str = "builtin/";

/// The Content-Security-Policy the built-in theme keeps to: its pages load only the
/// site's own script, stylesheet and icon, and write no inline script or style. Sent
/// with every page, it turns an escaping mistake that lets markup into a page into a
/// blocked script rather than a working one. (`data:` images: the stylesheet draws the
/// search box's magnifier as an inline SVG.) `tests/browser/run.mjs` serves every page
/// with the same policy and fails on any violation.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'";

/// A template or theme problem, naming the template and line.
#[derive(Debug, thiserror::Error)]
#[error(
    "template error: {message}\n  help: fix the template in your `templates/` folder, or delete it to use the built-in one"
)]
pub struct ThemeError {
    pub message: String,
}

impl ThemeError {
    fn from_tera(error: &tera::Error) -> Self {
        // Tera's parse errors start with their own `error: `, which the report prints.
        let text = error.to_string();
        let mut message = text.strip_prefix("error: ").unwrap_or(&text).to_owned();
        let mut source = std::error::Error::source(error);
        while let Some(cause) = source {
            message.push_str(": ");
            message.push_str(&cause.to_string());
            source = cause.source();
        }
        ThemeError { message }
    }
}

/// Compiled templates plus the static assets (CSS, JS).
pub struct Theme {
    tera: Tera,
    assets: BTreeMap<String, String>,
    /// Whether the user's folder replaced a file of the built-in theme.
    overridden: bool,
    /// Files of the user's folder that no page or asset uses: neither a file of the
    /// built-in theme nor a template (`.html`) another template may include.
    unused: Vec<String>,
}

impl Theme {
    /// The built-in theme with `overrides` (file name → content) from the user's folder.
    pub fn new(overrides: &[(String, String)]) -> Result<Self, ThemeError> {
        let mut tera = Tera::new();
        tera.set_escape_fn(escape_html);
        tera.set_fallback_prefixes([BUILTIN_PREFIX])
            .map_err(|e| ThemeError::from_tera(&e))?;
        let mut assets = BTreeMap::new();
        let mut templates: Vec<(String, &str)> = Vec::new();
        for (name, content) in BUILTIN {
            if name.ends_with(".html") {
                templates.push((format!("{BUILTIN_PREFIX}{name}"), content));
            } else {
                assets.insert((*name).to_owned(), (*content).to_owned());
            }
        }
        for (name, content) in overrides {
            if name.ends_with(".html") {
                templates.push((name.clone(), content.as_str()));
            } else {
                assets.insert(name.clone(), content.clone());
            }
        }
        tera.add_raw_templates(templates)
            .map_err(|e| ThemeError::from_tera(&e))?;
        let is_builtin = |name: &str| BUILTIN.iter().any(|(builtin, _)| *builtin == name);
        Ok(Theme {
            tera,
            assets,
            // A template of the user's own (`macros.html`) changes a page only through a
            // replaced one that includes it, and a file of any other name is never
            // published: neither takes the built-in theme's policy away on its own.
            overridden: overrides.iter().any(|(name, _)| is_builtin(name)),
            unused: overrides
                .iter()
                .map(|(name, _)| name)
                .filter(|name| !is_builtin(name) && !name.ends_with(".html"))
                .cloned()
                .collect(),
        })
    }

    /// The files of the user's `templates/` folder that nothing uses (a `README.md`, a
    /// misspelt `styles.css`), by name, so the writer can be told the theme ignored
    /// them rather than wonder why the page did not change.
    pub fn unused_files(&self) -> &[String] {
        &self.unused
    }

    /// What to tell the writer about each of [`Theme::unused_files`], one line each.
    pub fn unused_file_warnings(&self) -> impl Iterator<Item = String> + '_ {
        let names: Vec<&str> = BUILTIN.iter().map(|(name, _)| *name).collect();
        let (last, first) = names.split_last().unwrap_or((&"", &[]));
        let known = format!("{} and {last}", first.join(", "));
        self.unused.iter().map(move |name| {
            match crate::load::closest(name, &names) {
                Some(meant) => format!(
                    "`templates/{name}` is not a file of the theme, so nothing uses it: did you mean `{meant}`?"
                ),
                None => format!(
                    "`templates/{name}` is not a file of the theme, so nothing uses it: the theme's files are {known}, and templates (`.html`) of your own that they include"
                ),
            }
        })
    }

    /// The policy the pages keep to: [`CONTENT_SECURITY_POLICY`] for the built-in theme,
    /// none once any of its files is replaced. A theme of one's own may well load a web font,
    /// an analytics script or an inline style, and a policy errdex wrote for its own
    /// theme would break those pages without a word; its owner writes the policy.
    pub fn content_security_policy(&self) -> Option<&'static str> {
        (!self.overridden).then_some(CONTENT_SECURITY_POLICY)
    }

    /// Renders a template by its plain name (`error.html`).
    pub fn render(&self, name: &str, context: &Context) -> Result<String, ThemeError> {
        self.tera
            .render(name, context)
            .map_err(|e| ThemeError::from_tera(&e))
    }

    /// Renders a template by its plain name straight into `out`.
    pub fn render_to(
        &self,
        name: &str,
        context: &Context,
        out: impl std::io::Write,
    ) -> Result<(), ThemeError> {
        self.tera
            .render_to(name, context, out)
            .map_err(|e| ThemeError::from_tera(&e))
    }

    /// A static asset's content by name (`style.css`).
    pub fn asset(&self, name: &str) -> &str {
        self.assets.get(name).map_or("", String::as_str)
    }
}

/// Tera's autoescape, with the same five characters escaped the same way, but writing
/// each run of plain text in one call. Tera's own writes every byte through `dyn Write`
/// on its own, and at 10,000 errors that was 7% of a build.
fn escape_html(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let bytes = input.as_bytes();
    let mut plain_from = 0;
    for (at, byte) in bytes.iter().enumerate() {
        let entity: &[u8] = match byte {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'"' => b"&quot;",
            b'\'' => b"&#39;",
            _ => continue,
        };
        out.write_all(&bytes[plain_from..at])?;
        out.write_all(entity)?;
        plain_from = at + 1;
    }
    out.write_all(&bytes[plain_from..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ours(input: &str) -> String {
        let mut out = Vec::new();
        escape_html(input, &mut out).expect("writing to a Vec cannot fail");
        String::from_utf8(out).expect("escaping keeps UTF-8")
    }

    fn teras(input: &str) -> String {
        let mut out = Vec::new();
        tera::escape_html(input, &mut out).expect("writing to a Vec cannot fail");
        String::from_utf8(out).expect("escaping keeps UTF-8")
    }

    #[test]
    fn autoescape_gives_the_same_bytes_as_teras_own() {
        for input in [
            "",
            "plain text",
            "<script>alert('x')</script>",
            "a & b \"quoted\" 'single' <tag attr=\"v\">",
            "&&<<>>",
            "ends with <",
            "< starts",
            "ünïcødé → <b>ø</b> 😀 & more",
        ] {
            assert_eq!(ours(input), teras(input), "input {input:?}");
        }
    }

    #[test]
    fn a_file_of_the_folder_that_nothing_uses_is_named_with_what_was_meant() {
        let file = |name: &str| (name.to_owned(), String::new());
        let theme = Theme::new(&[file("styles.css"), file("NOTES.txt"), file("nav.html")])
            .expect("the theme compiles");
        let warnings: Vec<String> = theme.unused_file_warnings().collect();
        assert_eq!(
            warnings,
            [
                "`templates/styles.css` is not a file of the theme, so nothing uses it: did you mean `style.css`?",
                "`templates/NOTES.txt` is not a file of the theme, so nothing uses it: the theme's files are base.html, error.html, overview.html, 404.html, style.css, search.js and favicon.svg, and templates (`.html`) of your own that they include",
            ]
        );
        assert_eq!(
            theme.content_security_policy(),
            Some(CONTENT_SECURITY_POLICY)
        );
    }

    #[test]
    fn a_page_escapes_through_the_theme() {
        let theme = Theme::new(&[("probe.html".to_owned(), "[{{ v }}]".to_owned())])
            .expect("the probe template compiles");
        let mut context = Context::new();
        context.insert("v", "<a href='x'>&\"</a>");
        let page = theme.render("probe.html", &context).expect("renders");
        assert_eq!(page, "[&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;]");
    }
}
