//! The catalog's `static/` folder: files published as they are, at the same path in
//! the site (`static/favicon.ico` → `favicon.ico`, `static/images/flow.png` →
//! `images/flow.png`). It holds what a site needs besides its pages: the `CNAME` of a
//! custom domain, the `favicon.ico` browsers ask for, the images a Markdown text shows,
//! a `.well-known/security.txt`.
//!
//! The loader lists and vets the files (inside the catalog, plain files, within the
//! limits, at a path errdex does not write itself) but does not read them: `check`
//! costs a walk of the folder, and a build reads each file as it writes it.

use super::{broken_link, is_editor_artifact, link_outside, relative_path};
use crate::diagnostic::{Code, Diagnostic};
use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The folder beside `errdex.yaml` whose files are published as they are.
pub const STATIC_DIR: &str = "static";

/// Largest static file: Cloudflare Pages' limit for one file, and far above a
/// favicon, a logo or a diagram.
pub const MAX_STATIC_FILE_BYTES: u64 = 25 * 1024 * 1024;

/// Most static files a catalog may have. `serve` holds them in memory.
pub const MAX_STATIC_FILES: usize = 10_000;

/// Most bytes all static files together may have, for the same reason.
pub const MAX_STATIC_BYTES: u64 = 256 * 1024 * 1024;

/// One file of `static/`, vetted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaticFile {
    /// Where the site has it, with `/` separators: `images/flow.png`.
    pub site_path: String,
    /// Where the catalog has it.
    pub path: PathBuf,
}

/// The vetted files of a catalog's `static/` folder, sorted by site path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StaticFiles {
    /// The catalog folder, resolved: a file must still be inside it when it is read.
    canonical_root: PathBuf,
    pub files: Vec<StaticFile>,
}

impl StaticFiles {
    /// The site paths, for the check of links (`![flow](/images/flow.png)`).
    pub fn site_paths(&self) -> impl Iterator<Item = &str> {
        self.files.iter().map(|f| f.site_path.as_str())
    }

    /// Every file with its bytes, read on all cores. Check has vetted the list; a file
    /// that cannot be read now (deleted or replaced since) is an error naming it.
    pub fn read_all(
        &self,
    ) -> impl rayon::iter::ParallelIterator<Item = std::io::Result<(&StaticFile, bytes::Bytes)>> + '_
    {
        use rayon::prelude::*;
        self.files.par_iter().map(|file| {
            self.read(file).map(|bytes| (file, bytes)).map_err(|e| {
                std::io::Error::new(
                    e.kind(),
                    format!("cannot read `{}`: {e}", file.path.display()),
                )
            })
        })
    }

    /// Reads one file's bytes, vetted again: it may have changed since the walk (a
    /// link put in its place, or grown past the limit).
    fn read(&self, file: &StaticFile) -> std::io::Result<bytes::Bytes> {
        let canonical = file.path.canonicalize()?;
        if !canonical.starts_with(&self.canonical_root) {
            return Err(std::io::Error::other(format!(
                "it now leads outside the catalog, to `{}`",
                canonical.display()
            )));
        }
        let (opened, metadata) = super::open(&canonical).map_err(|problem| match problem {
            super::ReadProblem::Io(e) => e,
            _ => std::io::Error::other("not a file"),
        })?;
        if !metadata.is_file() {
            return Err(std::io::Error::other("it is no longer a plain file"));
        }
        let size = metadata.len().min(MAX_STATIC_FILE_BYTES + 1);
        let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
        opened
            .take(MAX_STATIC_FILE_BYTES + 1)
            .read_to_end(&mut bytes)?;
        if bytes.len() as u64 > MAX_STATIC_FILE_BYTES {
            return Err(std::io::Error::other(format!(
                "it grew past the {} MiB limit for a static file",
                MAX_STATIC_FILE_BYTES / (1024 * 1024)
            )));
        }
        Ok(bytes::Bytes::from(bytes))
    }
}

/// Lists `static/` under `root`, adding a diagnostic for each file (or folder) that
/// cannot be published. No folder → no files.
pub(super) fn discover(
    canonical_root: &Path,
    root: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> StaticFiles {
    let mut found = StaticFiles {
        canonical_root: canonical_root.to_owned(),
        files: Vec::new(),
    };
    let dir = root.join(STATIC_DIR);
    let Ok(metadata) = dir.symlink_metadata() else {
        return found;
    };
    // `static` may be a link to a folder inside the catalog (`static -> ../public`); the
    // walk follows it, and no link below it.
    if metadata.is_symlink() {
        match dir.canonicalize() {
            Ok(target) if !target.starts_with(canonical_root) => {
                diagnostics.push(link_outside(STATIC_DIR, &target));
                return found;
            }
            Ok(_) => {}
            Err(e) => {
                diagnostics.push(broken_link(STATIC_DIR, &e));
                return found;
            }
        }
    }
    if !dir.is_dir() {
        diagnostics.push(
            Diagnostic::whole_file(
                Code::Unreadable,
                STATIC_DIR,
                "`static` is a file, not a folder",
            )
            .with_help("files to publish as they are go in a folder `static/` beside errdex.yaml; rename this file"),
        );
        return found;
    }
    let walker = walkdir::WalkDir::new(&dir)
        .follow_links(false)
        .follow_root_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !left_out(&e.file_name().to_string_lossy(), e.depth()));
    let mut total: u64 = 0;
    let mut paths = Paths::default();
    for entry in walker {
        // A folder that cannot be read is reported, and the walk goes on past it.
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let path = e.path().map_or_else(|| dir.clone(), Path::to_owned);
                diagnostics.push(
                    Diagnostic::whole_file(
                        Code::Unreadable,
                        &relative_path(root, &path),
                        format!(
                            "cannot read this folder: {}",
                            e.io_error()
                                .map_or_else(|| e.to_string(), ToString::to_string)
                        ),
                    )
                    .with_help("check that errdex can read it, or move it out of `static/`"),
                );
                continue;
            }
        };
        if entry.depth() == 0 || entry.file_type().is_dir() {
            continue;
        }
        let display = format!("{STATIC_DIR}/{}", relative_path(&dir, entry.path()));
        let (site_path, size) =
            match publishable(canonical_root, &dir, &entry, &display, &mut paths) {
                Ok(publishable) => publishable,
                Err(diagnostic) => {
                    diagnostics.push(diagnostic);
                    continue;
                }
            };
        if found.files.len() == MAX_STATIC_FILES {
            diagnostics.push(
                Diagnostic::whole_file(
                    Code::ResourceLimit,
                    &display,
                    format!(
                        "`static/` holds more than {} files",
                        super::yaml::with_commas(MAX_STATIC_FILES)
                    ),
                )
                .with_help("a site needs few files besides its pages; publish large sets of files (downloads, another site) from elsewhere and link to them"),
            );
            break;
        }
        total += size;
        if total > MAX_STATIC_BYTES {
            diagnostics.push(
                Diagnostic::whole_file(
                    Code::ResourceLimit,
                    &display,
                    format!(
                        "with this file, `static/` holds more than {} MiB",
                        MAX_STATIC_BYTES / (1024 * 1024)
                    ),
                )
                .with_help(
                    "publish large files (videos, downloads) from elsewhere and link to them",
                ),
            );
            break;
        }
        found.files.push(StaticFile {
            site_path,
            path: entry.into_path(),
        });
    }
    // The walk sorts each folder's entries, which is not the order of whole paths
    // (`a/b` before `a-c`): sort them as the site's other maps are.
    found.files.sort_by(|a, b| a.site_path.cmp(&b.site_path));
    found
}

/// The site path and size of the file the walk found at `entry` (shown as
/// `display`), or why it cannot be published: see [`vet`], [`site_path`], [`reserved`]
/// and [`Paths::claim`]. A file that can be is claimed in `paths`.
fn publishable(
    canonical_root: &Path,
    dir: &Path,
    entry: &walkdir::DirEntry,
    display: &str,
    paths: &mut Paths,
) -> Result<(String, u64), Diagnostic> {
    let size = vet(canonical_root, entry, display)?;
    let site_path = site_path(dir, entry.path()).map_err(|why| {
        Diagnostic::whole_file(
            Code::Unreadable,
            display,
            format!("this name cannot be published: {why}"),
        )
        .with_help("rename it with letters, digits, `-`, `_` and `.`: a name must work as a web address and as a file name on every system")
    })?;
    if let Some(reserved) = reserved(&site_path) {
        return Err(clash(display, &site_path, &reserved));
    }
    paths.claim(&site_path).map_err(|other| {
        Diagnostic::whole_file(
            Code::StaticClash,
            display,
            format!("this path differs only in case or accents from `{STATIC_DIR}/{other}`"),
        )
        .with_help("rename one of them: macOS and Windows, and so a checkout there, see the two as one file or folder (`Logo.png` is `logo.png`, and an accent written as one character is the same letter written as two)")
    })?;
    Ok((site_path, size))
}

/// The paths of the files published so far, and of their folders, by the name a
/// file system that ignores case and accent composition (macOS, Windows) gives them.
#[derive(Default)]
struct Paths {
    /// Folded path → the path as written, with `/` after a folder's.
    by_folded: BTreeMap<String, String>,
}

impl Paths {
    /// Records `site_path` and its folders; `Err` with the path written otherwise that
    /// one of them would be the same as, file or folder.
    fn claim(&mut self, site_path: &str) -> Result<(), String> {
        let mut claims = Vec::new();
        let mut end = 0;
        for (i, part) in site_path.split('/').enumerate() {
            end += part.len() + usize::from(i > 0);
            let is_file = end == site_path.len();
            let written = if is_file {
                site_path.to_owned()
            } else {
                format!("{}/", &site_path[..end])
            };
            let folded = fold(&site_path[..end]);
            match self.by_folded.get(&folded) {
                Some(other) if *other != written => return Err(other.clone()),
                Some(_) => {}
                None => claims.push((folded, written)),
            }
        }
        self.by_folded.extend(claims);
        Ok(())
    }
}

/// `path` as a file system that ignores case and accent composition names it: each
/// letter as the lower case of its upper case (so `ς` and `σ`, `ſ` and `s`, the Kelvin
/// sign and `k` are one), each accented letter composed into one character (NFC). A
/// letter whose upper case is two (`ß`, `SS`) stays as it is, as both systems keep it.
fn fold(path: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut folded = String::with_capacity(path.len());
    for c in path.nfd() {
        let mut upper = c.to_uppercase();
        match (upper.next(), upper.next()) {
            (Some(u), None) => folded.extend(u.to_lowercase()),
            _ => folded.extend(c.to_lowercase()),
        }
    }
    folded.nfc().collect()
}

/// Whether a name in `static/` is left out of the site: editor leftovers, and names
/// that start with a dot (`.DS_Store`, `.gitkeep`, `.git/`), except the `.well-known/`
/// folder at the site's root (`depth` 1), whose files (`security.txt`) are meant to be
/// published.
pub fn left_out(name: &str, depth: usize) -> bool {
    !(depth == 1 && name == ".well-known") && is_editor_artifact(name)
}

/// The size of the file the walk found, or why it cannot be published: a link must
/// lead to a file inside the catalog, and the file must be a plain one within the limit.
fn vet(canonical_root: &Path, entry: &walkdir::DirEntry, display: &str) -> Result<u64, Diagnostic> {
    if entry.path_is_symlink() {
        match entry.path().canonicalize() {
            Ok(target) if !target.starts_with(canonical_root) => {
                return Err(link_outside(display, &target));
            }
            Ok(target) if target.is_dir() => {
                return Err(Diagnostic::whole_file(
                    Code::Unreadable,
                    display,
                    "symbolic link to a folder, which is not followed",
                )
                .with_help("copy the folder into `static/`, or link each file"));
            }
            Ok(_) => {}
            Err(e) => return Err(broken_link(display, &e)),
        }
    }
    let metadata = fs::metadata(entry.path()).map_err(|e| {
        Diagnostic::whole_file(Code::Unreadable, display, format!("cannot read file: {e}"))
            .with_help("check that errdex can read it")
    })?;
    if !metadata.is_file() {
        return Err(Diagnostic::whole_file(
            Code::Unreadable,
            display,
            "this is not a plain file (a named pipe, socket or device)",
        )
        .with_help("remove it from `static/`: only plain files are published"));
    }
    if metadata.len() > MAX_STATIC_FILE_BYTES {
        return Err(Diagnostic::whole_file(
            Code::ResourceLimit,
            display,
            format!(
                "file is {} bytes, over the {} MiB limit for a static file",
                metadata.len(),
                MAX_STATIC_FILE_BYTES / (1024 * 1024)
            ),
        )
        .with_help("shrink it (compress the image, cut the video) or publish it from elsewhere and link to it"));
    }
    // Opened now so that `check` reports a file `build` could not read.
    super::open(entry.path()).map_err(|problem| {
        let message = match problem {
            super::ReadProblem::Io(e) => format!("cannot read file: {e}"),
            _ => "cannot read file".to_owned(),
        };
        Diagnostic::whole_file(Code::Unreadable, display, message)
            .with_help("check the file's permissions")
    })?;
    Ok(metadata.len())
}

/// Characters a name in the site may not hold: a folder separator to Windows and to
/// browsers (`\`), and those Windows refuses in a file name, where a checkout of the
/// catalog would fail (`:` also reads as a scheme in a relative link).
const REFUSED_IN_NAMES: &[char] = &['\\', '<', '>', ':', '"', '|', '?', '*'];

/// `path` (under `dir`) as a site path, or why a name in it cannot be one: not UTF-8,
/// holding a control character or one of [`REFUSED_IN_NAMES`], or ending in a dot or
/// a space, which Windows drops.
fn site_path(dir: &Path, path: &Path) -> Result<String, String> {
    let relative = path
        .strip_prefix(dir)
        .map_err(|_| "it is not inside `static/`".to_owned())?;
    let mut parts = Vec::new();
    for component in relative.components() {
        let name = component
            .as_os_str()
            .to_str()
            .ok_or_else(|| "it is not UTF-8".to_owned())?;
        if let Some(c) = name.chars().find(|c| c.is_control()) {
            return Err(format!(
                "it holds the control character U+{:04X}",
                u32::from(c)
            ));
        }
        if let Some(c) = name.chars().find(|c| REFUSED_IN_NAMES.contains(c)) {
            return Err(format!(
                "`{name}` holds `{c}`, which Windows does not allow in a file name"
            ));
        }
        if name.ends_with(['.', ' ']) {
            return Err(format!(
                "`{name}` ends in a dot or a space, which Windows drops"
            ));
        }
        if is_device_name(name) {
            return Err(format!(
                "`{name}` is the name of a device on Windows, which no file there may have"
            ));
        }
        parts.push(name);
    }
    Ok(parts.join("/"))
}

/// Whether Windows reserves `name` for a device (`CON`, `nul.txt`, `COM1.log`): the
/// part before the first dot is one of the device names, in any case.
pub(crate) fn is_device_name(name: &str) -> bool {
    let stem = name
        .split('.')
        .next()
        .unwrap_or_default()
        .to_ascii_uppercase();
    let numbered = |prefix: &str| {
        stem.strip_prefix(prefix)
            .is_some_and(|n| n.len() == 1 && n.as_bytes()[0].is_ascii_digit() && n != "0")
    };
    matches!(
        stem.as_str(),
        "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$" | "CLOCK$"
    ) || numbered("COM")
        || numbered("LPT")
}

/// Root files errdex writes, with what each is.
const ROOT_FILES: &[(&str, &str)] = &[
    ("index.html", "the overview"),
    ("404.html", "the not-found page"),
    ("llms.txt", "the agent index"),
    ("llms-full.txt", "the full text for agents"),
    ("errors.json", "the machine-readable catalog"),
    ("errors.schema.json", "the schema of errors.json"),
    ("search-index.json", "the search index"),
    ("search-index.js", "the search index"),
    ("sitemap.xml", "the sitemap"),
    ("robots.txt", "the crawler rules"),
    (
        "_headers",
        "the response headers for Netlify and Cloudflare Pages",
    ),
    (
        ".nojekyll",
        "the marker that turns Jekyll off on GitHub Pages",
    ),
    (crate::write::MARKER, "the marker of an errdex site"),
    (
        ".well-known/llms.txt",
        "the agent index where agents look for it",
    ),
];

/// Folders errdex writes, whole, with what each holds.
const FOLDERS: &[(&str, &str)] = &[
    ("errors", "each error's page and Markdown"),
    ("assets", "the theme's stylesheet, script and icon"),
    ("__errdex", "`serve`'s live-reload script"),
];

/// A path errdex writes, which a static file would take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reserved {
    /// The path errdex writes: a root file (`robots.txt`, `.well-known/llms.txt`) or a
    /// folder (`errors`), as errdex spells it.
    pub name: &'static str,
    /// What errdex has there, for the message.
    pub what: &'static str,
    pub folder: bool,
    /// Whether the static file is at that path itself, not below it.
    pub exact: bool,
}

/// What errdex writes at `site_path`, at a folder on its way, or below it, which a
/// static file would take; `None` when the path is free. Letters are compared in any
/// case, since on a case-insensitive file system `Index.html` is `index.html`.
pub fn reserved(site_path: &str) -> Option<Reserved> {
    let lower = site_path.to_lowercase();
    let within = |name: &str| lower == name || lower.starts_with(&format!("{name}/"));
    if let Some((name, what)) = FOLDERS.iter().find(|(name, _)| within(name)) {
        return Some(Reserved {
            name,
            what,
            folder: true,
            exact: lower == *name,
        });
    }
    if let Some((name, what)) = ROOT_FILES.iter().find(|(name, _)| within(name)) {
        return Some(Reserved {
            name,
            what,
            folder: false,
            exact: lower == *name,
        });
    }
    // The parts of a sitemap past 50,000 pages (`render::machine::sitemaps`).
    if lower
        .strip_prefix("sitemap-")
        .and_then(|rest| rest.strip_suffix(".xml"))
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    {
        return Some(Reserved {
            name: "sitemap-N.xml",
            what: "the parts of the sitemap of a site past 50,000 pages",
            folder: false,
            exact: true,
        });
    }
    // A file `.well-known` where errdex writes a folder of that name.
    (lower == ".well-known").then_some(Reserved {
        name: ".well-known",
        what: "the folder of `llms.txt` where agents look for it",
        folder: true,
        exact: true,
    })
}

/// E045 for the static file `display` (at `site_path`) on a path errdex writes.
fn clash(display: &str, site_path: &str, reserved: &Reserved) -> Diagnostic {
    let Reserved {
        name,
        what,
        folder,
        exact,
    } = *reserved;
    let (message, help) = match (folder, exact) {
        (true, false) => (
            format!("the site's `{name}/` folder is errdex's: it holds {what}"),
            "move this file to a folder of your own, such as `static/images/`".to_owned(),
        ),
        (true, true) => (
            format!("errdex writes a folder `{name}/` here: {what}"),
            "rename this file".to_owned(),
        ),
        (false, true) => (
            format!("errdex writes `{name}` itself: {what}"),
            "rename this file, or remove it".to_owned(),
        ),
        (false, false) => (
            format!("errdex writes `{name}` as a file ({what}), so it cannot be a folder"),
            format!(
                "rename the folder `{STATIC_DIR}/{}/`",
                &site_path[..name.len()]
            ),
        ),
    };
    Diagnostic::whole_file(Code::StaticClash, display, message).with_help(help)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_errdex_writes_are_reserved_in_any_case() {
        for taken in [
            "index.html",
            "Index.HTML",
            "llms.txt",
            "errors/x.png",
            "Errors/x.png",
            "assets/logo.png",
            "__errdex/live.js",
            ".well-known/llms.txt",
            ".well-known",
            "robots.txt/x",
            "_headers",
            ".errdex-output",
            "sitemap-1.xml",
            "Sitemap-12.XML",
        ] {
            assert!(reserved(taken).is_some(), "{taken}");
        }
        for free in [
            "favicon.ico",
            "CNAME",
            "images/flow.png",
            ".well-known/security.txt",
            "errors.png",
            "index.htm",
            "docs/index.html",
            "sitemap-.xml",
            "sitemap-a.xml",
            "sitemaps/1.xml",
        ] {
            assert_eq!(reserved(free), None, "{free}");
        }
    }

    #[test]
    fn paths_one_on_macos_or_windows_fold_alike() {
        for (a, b) in [
            ("Logo.png", "logo.png"),
            ("\u{3c3}.txt", "\u{3c2}.txt"),
            ("\u{17f}.txt", "s.txt"),
            ("\u{212a}.txt", "k.txt"),
            ("caf\u{e9}", "cafe\u{301}"),
            ("\u{c5}", "\u{212b}"),
        ] {
            assert_eq!(fold(a), fold(b), "{a} {b}");
        }
        assert_ne!(fold("stra\u{df}e"), fold("STRASSE"));
    }

    #[test]
    fn windows_device_names_are_not_names() {
        for device in [
            "CON",
            "con.tar.gz",
            "nul.txt",
            "Aux.png",
            "COM1.txt",
            "lpt9",
            "CLOCK$",
        ] {
            assert!(is_device_name(device), "{device}");
        }
        for name in [
            "console.txt",
            "COM0",
            "COM10",
            "nullable.md",
            "aux-notes.txt",
        ] {
            assert!(!is_device_name(name), "{name}");
        }
    }

    #[test]
    fn dot_names_are_left_out_but_well_known() {
        for out in [
            ".DS_Store",
            ".gitkeep",
            ".git",
            "logo.png~",
            "x.swp",
            "4913",
        ] {
            assert!(left_out(out, 1), "{out}");
        }
        for kept in [".well-known", "CNAME", "favicon.ico", "_redirects"] {
            assert!(!left_out(kept, 1), "{kept}");
        }
        assert!(left_out(".well-known", 2), "only at the root");
    }
}
