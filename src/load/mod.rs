//! Stage 1, load: catalog folder → raw YAML types with spans.
//!
//! The loader finds `errdex.yaml` and every `errors/**/*.yaml`, reads each file under
//! strict resource bounds and deserializes it into [`raw`] types. A file that fails to
//! read or parse becomes diagnostics, never an early return: the other files are still
//! loaded so `check` can report everything at once.

mod indent;
mod keys;
pub mod raw;
pub mod static_files;
mod yaml;

use crate::diagnostic::{Code, Diagnostic};
use crate::source::SourceFile;
use rayon::prelude::*;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

pub use yaml::{closest, did_you_mean, parse_config, parse_error};

/// Largest catalog file errdex reads: a real error file is a few kilobytes.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// The name of the catalog configuration file.
pub const CONFIG_FILE: &str = "errdex.yaml";

/// Why a catalog could not be loaded at all (as opposed to loaded with problems).
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("catalog folder `{}` does not exist\n  help: {help}", path.display())]
    NotFound { path: PathBuf, help: String },
    #[error(
        "`{}` is a file; --catalog takes the folder that holds errdex.yaml\n  help: pass --catalog {}",
        path.display(),
        folder.display()
    )]
    NotAFolder { path: PathBuf, folder: PathBuf },
    #[error("`{}` is not an errdex catalog: it has no errdex.yaml\n  help: {help}", path.display())]
    NoConfig { path: PathBuf, help: String },
    #[error("theme file `{file}`: {message}\n  help: {help}")]
    Theme {
        file: String,
        message: String,
        help: String,
    },
    #[error("cannot read `{path}`: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// One file as loaded: its text (if readable), its parsed value (if valid) and the
/// problems found while reading and parsing it.
#[derive(Debug)]
pub struct LoadedFile<T> {
    /// Catalog-relative path with `/` separators.
    pub path: String,
    pub source: Option<SourceFile>,
    pub raw: Option<T>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The whole catalog as loaded, before any semantic check.
#[derive(Debug)]
pub struct LoadedCatalog {
    /// The catalog folder as given.
    pub root: PathBuf,
    pub config: LoadedFile<raw::RawConfig>,
    /// Error files sorted by path.
    pub errors: Vec<LoadedFile<raw::RawError>>,
    /// Problems with the folder itself (e.g. a symlink leading outside).
    pub diagnostics: Vec<Diagnostic>,
    /// The files of `static/` that can be published.
    pub static_files: static_files::StaticFiles,
}

/// The help when no catalog is where `--catalog` says: `near`'s, when `near` (a folder
/// one step away) holds errdex.yaml, or else how to name or make one.
fn catalog_help(near: &Path, near_help: impl FnOnce() -> String) -> String {
    if near.join(CONFIG_FILE).is_file() {
        near_help()
    } else {
        "pass --catalog DIR, or create one with `errdex init`".to_owned()
    }
}

/// Loads the catalog at `root`.
pub fn load_catalog(root: &Path) -> Result<LoadedCatalog, LoadError> {
    let parent = root
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if root.is_file() {
        return Err(LoadError::NotAFolder {
            path: root.to_owned(),
            folder: parent.to_owned(),
        });
    }
    if !root.is_dir() {
        // `errdex check` run inside the catalog folder looks for `./catalog`.
        let help = catalog_help(parent, || {
            format!(
                "`{0}` holds errdex.yaml itself: pass --catalog {0}",
                parent.display()
            )
        });
        return Err(LoadError::NotFound {
            path: root.to_owned(),
            help,
        });
    }
    let canonical_root = root.canonicalize().map_err(|source| LoadError::Io {
        path: root.to_owned(),
        source,
    })?;
    let config_path = root.join(CONFIG_FILE);
    // A link that leads nowhere, or in a circle, is an errdex.yaml that cannot be read,
    // which the file's diagnostic says, not a missing one.
    if config_path.symlink_metadata().is_err() {
        // `--catalog .` run from the project's folder, above the catalog.
        let below = root.join("catalog");
        let help = catalog_help(&below, || {
            format!(
                "its folder `catalog` is one: pass --catalog {}",
                below.display()
            )
        });
        return Err(LoadError::NoConfig {
            path: root.to_owned(),
            help,
        });
    }
    let config = load_file(&canonical_root, root, &config_path, None, parse_config);

    let mut diagnostics = Vec::new();
    let discovered = discover_error_files(&canonical_root, root, &mut diagnostics)?;
    tracing::debug!(files = discovered.len(), catalog = %root.display(), "loading error files");
    let errors = discovered
        .par_iter()
        .map(|found| load_file(&canonical_root, root, &found.path, found.inode, parse_error))
        .collect();
    let static_files = static_files::discover(&canonical_root, root, &mut diagnostics);
    Ok(LoadedCatalog {
        root: root.to_owned(),
        config,
        errors,
        diagnostics,
        static_files,
    })
}

/// The user's theme overrides: every file directly in `templates/` beside
/// `errdex.yaml`, as (file name, content). Missing folder → none.
pub fn load_theme_overrides(root: &Path) -> Result<Vec<(String, String)>, LoadError> {
    let dir = root.join("templates");
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| LoadError::Io { path, source }
    };
    let canonical_root = root.canonicalize().map_err(io(root))?;
    let mut overrides = Vec::new();
    for entry in fs::read_dir(&dir).map_err(io(&dir))? {
        let entry = entry.map_err(io(&dir))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if is_editor_artifact(&name) || !path.is_file() {
            continue;
        }
        // A theme file is published (a stylesheet as it is, a template as pages), so it
        // is vetted like a catalog file: a link out of the catalog is refused.
        let text = read_bounded(&canonical_root, &path, None).map_err(|problem| {
            let d = problem.into_diagnostic(&relative_path(root, &path));
            LoadError::Theme {
                file: d.file,
                message: d.message,
                help: d.help.unwrap_or_default(),
            }
        })?;
        overrides.push((name, text));
    }
    overrides.sort();
    Ok(overrides)
}

/// Loads one path under `errors/` again (used by `watch` to reload only what changed),
/// vetted as [`load_catalog`] vets it, so a session reports what a fresh load would.
///
/// `None` when the catalog has no such error file any more: the path is gone, or it
/// is a link to a folder. A link that is broken or leads outside the catalog gives a
/// file that did not load, with the diagnostic `load_catalog` would give.
pub fn load_error_file(
    root: &Path,
    path: &Path,
) -> Result<Option<LoadedFile<raw::RawError>>, LoadError> {
    let canonical_root = root.canonicalize().map_err(|source| LoadError::Io {
        path: root.to_owned(),
        source,
    })?;
    let Ok(metadata) = fs::symlink_metadata(path) else {
        return Ok(None);
    };
    if metadata.is_dir() {
        return Ok(None);
    }
    let found = if metadata.file_type().is_symlink() {
        vet_link(&canonical_root, root, path)
    } else {
        Found::File
    };
    Ok(match found {
        Found::File => Some(load_file(&canonical_root, root, path, None, parse_error)),
        Found::Skip => None,
        Found::Problem(diagnostic) => Some(LoadedFile {
            path: relative_path(root, path),
            source: None,
            raw: None,
            diagnostics: vec![diagnostic],
        }),
    })
}

/// Whether a file name is an editor's temporary or backup file rather than content.
///
/// Vim writes `.x.swp`/`.x.swx`/`x~`, Emacs `#x#` and `.#x`, JetBrains IDEs
/// `x___jb_tmp___`/`x___jb_old___`, and many editors save atomically through `x.tmp`.
/// Vim also creates and deletes a file named `4913` to test that a folder is writable.
pub fn is_editor_artifact(name: &str) -> bool {
    name.starts_with('.')
        || name == "4913"
        || name.ends_with('~')
        || (name.starts_with('#') && name.ends_with('#'))
        || name.contains("___jb_")
        || [".swp", ".swx", ".swo", ".tmp", ".bck", ".bak", ".orig"]
            .iter()
            .any(|suffix| name.ends_with(suffix))
}

/// Whether a path names a catalog error file (`.yaml`/`.yml`, not an editor artifact).
///
/// The extension is matched in any case, so `X.YAML` is loaded and then reported for
/// its name (E011), rather than silently left out of the site.
pub fn is_error_file_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    !is_editor_artifact(name) && (lower.ends_with(".yaml") || lower.ends_with(".yml"))
}

/// The catalog-relative display path of `path` (always with `/`).
pub fn relative_path(root: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// An error file the walk found.
struct Discovered {
    path: PathBuf,
    /// The inode of a file the walk saw as a plain file (not a link) in an `errors/`
    /// inside the catalog: reading it, the loader confirms it opened that same file
    /// instead of resolving the whole path again (six system calls a file).
    inode: Option<u64>,
}

fn discover_error_files(
    canonical_root: &Path,
    root: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Vec<Discovered>, LoadError> {
    let errors_dir = root.join("errors");
    if !errors_dir.is_dir() {
        return Ok(Vec::new());
    }
    // `errors/` itself may be a link; only when it resolves inside the catalog does
    // every plain file the walk finds in it lie inside too.
    let errors_inside = errors_dir
        .canonicalize()
        .is_ok_and(|dir| dir.starts_with(canonical_root));
    let mut paths = Vec::new();
    // Symlinks are not followed by the walk; each one is resolved and vetted below, so a
    // link can neither escape the catalog nor send the walk round a loop.
    let walker = walkdir::WalkDir::new(&errors_dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_editor_artifact(&e.file_name().to_string_lossy()));
    for entry in walker {
        let entry = entry.map_err(|e| LoadError::Io {
            path: e.path().map_or_else(|| errors_dir.clone(), Path::to_owned),
            source: e
                .into_io_error()
                .unwrap_or_else(|| std::io::Error::other("walk failed")),
        })?;
        let name = entry.file_name().to_string_lossy();
        if entry.file_type().is_dir() || !is_error_file_name(&name) {
            continue;
        }
        let inode = if entry.path_is_symlink() {
            match vet_link(canonical_root, root, entry.path()) {
                Found::File => None,
                Found::Skip => continue,
                Found::Problem(diagnostic) => {
                    diagnostics.push(diagnostic);
                    continue;
                }
            }
        } else if errors_inside {
            inode_of_entry(&entry)
        } else {
            None
        };
        paths.push(Discovered {
            path: entry.into_path(),
            inode,
        });
    }
    Ok(paths)
}

/// What the loader makes of a path under `errors/`.
enum Found {
    /// An error file: load it.
    File,
    /// Not an error file (a link to a folder): leave it out.
    Skip,
    /// A link that cannot be loaded, and why.
    Problem(Diagnostic),
}

/// Vets a symbolic link under `errors/`: it must lead to a file inside the catalog.
fn vet_link(canonical_root: &Path, root: &Path, path: &Path) -> Found {
    let display = relative_path(root, path);
    match path.canonicalize() {
        Ok(target) if !target.starts_with(canonical_root) => {
            Found::Problem(link_outside(&display, &target))
        }
        Ok(target) if !target.is_file() => Found::Skip,
        Ok(_) => Found::File,
        Err(e) => Found::Problem(broken_link(&display, &e)),
    }
}

/// E008 for the symbolic link `display`, which leads to `target`, outside the catalog.
fn link_outside(display: &str, target: &Path) -> Diagnostic {
    Diagnostic::whole_file(
        Code::OutsideCatalog,
        display,
        format!(
            "symbolic link leads outside the catalog, to `{}`",
            target.display()
        ),
    )
    .with_help("copy the file into the catalog instead of linking to it")
}

/// E007 for the symbolic link `display`, which leads nowhere (or round a loop).
fn broken_link(display: &str, e: &std::io::Error) -> Diagnostic {
    Diagnostic::whole_file(
        Code::Unreadable,
        display,
        format!("broken symbolic link: {e}"),
    )
    .with_help("remove the link or point it at an existing file in the catalog")
}

/// Reads and parses one file, turning every failure into diagnostics.
fn load_file<T>(
    canonical_root: &Path,
    root: &Path,
    path: &Path,
    inode: Option<u64>,
    parse: fn(&SourceFile) -> Result<T, Vec<Diagnostic>>,
) -> LoadedFile<T> {
    let display = relative_path(root, path);
    let mut loaded = LoadedFile {
        path: display.clone(),
        source: None,
        raw: None,
        diagnostics: Vec::new(),
    };
    match read_bounded(canonical_root, path, inode) {
        Ok(text) => {
            let source = SourceFile::new(display, text);
            match parse(&source) {
                Ok(raw) => loaded.raw = Some(raw),
                Err(diagnostics) => loaded.diagnostics = diagnostics,
            }
            loaded.source = Some(source);
        }
        Err(diagnostic) => loaded
            .diagnostics
            .push(diagnostic.into_diagnostic(&display)),
    }
    loaded
}

/// Why a file's bytes could not become text.
enum ReadProblem {
    TooLarge(u64),
    /// A folder where a file should be.
    Folder,
    /// A named pipe, socket or device where a file should be.
    NotAFile,
    NotUtf8 {
        line: usize,
        column: usize,
    },
    /// UTF-16 (by its byte order mark or its zero bytes) with a lone surrogate or half
    /// a character at the end.
    NotUtf16 {
        line: usize,
        column: usize,
    },
    Outside(PathBuf),
    Io(std::io::Error),
}

impl ReadProblem {
    fn into_diagnostic(self, file: &str) -> Diagnostic {
        // errdex.yaml must keep its name: the help for it is never to rename it.
        let config = file.rsplit('/').next() == Some(CONFIG_FILE);
        match self {
            ReadProblem::TooLarge(size) => Diagnostic::whole_file(
                Code::ResourceLimit,
                file,
                format!("file is {size} bytes, over the {MAX_FILE_BYTES}-byte limit for one catalog file"),
            )
            .with_help("an error file is normally a few kilobytes; move long examples out or split the error"),
            ReadProblem::Folder => Diagnostic::whole_file(
                Code::Unreadable,
                file,
                "this is a folder, not a file",
            )
            .with_help(if config {
                "errdex.yaml is the file of the catalog's settings: move the folder away and write the file (`errdex init` writes one to start from)"
            } else {
                "move the folder out of `errors/`, or rename it so it does not end in `.yaml`"
            }),
            ReadProblem::NotAFile => Diagnostic::whole_file(
                Code::Unreadable,
                file,
                "not a regular file (a named pipe, socket or device)",
            )
            .with_help(if config {
                "errdex.yaml is the file of the catalog's settings: replace it with a YAML file (`errdex init` writes one to start from)"
            } else {
                "replace it with a YAML file, or rename it so it does not end in `.yaml`"
            }),
            ReadProblem::NotUtf8 { line, column } => {
                let at = crate::diagnostic::Position { line, column };
                Diagnostic::new(Code::Unreadable, file, at, at, "file is not valid UTF-8")
                    .with_help("save the file as UTF-8 (most editors: \"Save with encoding\")")
            }
            ReadProblem::NotUtf16 { line, column } => {
                let at = crate::diagnostic::Position { line, column };
                Diagnostic::new(Code::Unreadable, file, at, at, "file is UTF-16, but not valid UTF-16 here")
                    .with_help("save the file as UTF-8 (most editors: \"Save with encoding\"; in PowerShell, `Out-File -Encoding utf8`)")
            }
            ReadProblem::Outside(target) => Diagnostic::whole_file(
                Code::OutsideCatalog,
                file,
                format!("file resolves outside the catalog, to `{}`", target.display()),
            )
            .with_help("copy the file into the catalog instead of linking to it"),
            ReadProblem::Io(e) => {
                let help = match e.kind() {
                    std::io::ErrorKind::PermissionDenied => "check the file's permissions",
                    std::io::ErrorKind::NotFound => {
                        "the file is gone, or is a symbolic link that leads to no file: point the link at a file, or put the file in its place"
                    }
                    _ => "check that errdex can read it: a symbolic link must lead to a file, not to another link in a circle",
                };
                Diagnostic::whole_file(Code::Unreadable, file, format!("cannot read file: {e}")).with_help(help)
            }
        }
    }
}

/// Reads at most [`MAX_FILE_BYTES`] of a file inside the catalog as UTF-8 text.
///
/// `inode` is what the walk saw at `path` (see [`Discovered`]): when the opened file is
/// that one, it is inside the catalog; otherwise the path is resolved to check.
fn read_bounded(
    canonical_root: &Path,
    path: &Path,
    inode: Option<u64>,
) -> Result<String, ReadProblem> {
    let vetted = match inode {
        Some(inode) => open(path)
            .ok()
            .filter(|(_, metadata)| inode_of(metadata) == Some(inode)),
        None => None,
    };
    let (file, metadata) = match vetted {
        Some(opened) => opened,
        None => {
            let canonical = path.canonicalize().map_err(ReadProblem::Io)?;
            if !canonical.starts_with(canonical_root) {
                return Err(ReadProblem::Outside(canonical));
            }
            open(&canonical)?
        }
    };
    if metadata.is_dir() {
        return Err(ReadProblem::Folder);
    }
    if !metadata.is_file() {
        return Err(ReadProblem::NotAFile);
    }
    // The text stays in memory until the diagnostics are printed, so it is read into a
    // buffer of the file's size: grown by `read_to_end` instead, a 3 KB file would hold
    // 8 KB, and at 100,000 files that was over 200 MB. (The size is a hint only.)
    let size = metadata.len().min(MAX_FILE_BYTES + 1);
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    // Read one byte past the limit so an oversized file is detected without trusting
    // metadata (which can change between the stat and the read).
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadProblem::Io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ReadProblem::TooLarge(
            metadata.len().max(bytes.len() as u64),
        ));
    }
    if let Some(big_endian) = utf16_order(&bytes) {
        return from_utf16(&bytes, big_endian);
    }
    let bytes = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .map(<[u8]>::to_vec)
        .unwrap_or(bytes);
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        // Safe: `valid_up_to` marks the longest valid prefix.
        let prefix = std::str::from_utf8(valid).unwrap_or("");
        let line = prefix.matches('\n').count() + 1;
        let column = prefix.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        ReadProblem::NotUtf8 { line, column }
    })
}

/// Whether `bytes` are UTF-16, and in which order (`true`: big-endian), as YAML 1.2
/// (§5.2) tells: by a byte order mark, or, without one, by the zero byte beside the
/// first character, which YAML requires to be ASCII. Windows PowerShell 5 writes UTF-16
/// with a mark (`>`, `Out-File`), so a file saved there is read as the text it is.
fn utf16_order(bytes: &[u8]) -> Option<bool> {
    match bytes {
        [0xFE, 0xFF, ..] => Some(true),
        // `FF FE 00 00` is UTF-32's mark, which no editor writes a YAML file in: left to
        // be reported as not UTF-8.
        [0xFF, 0xFE, 0, 0, ..] => None,
        [0xFF, 0xFE, ..] => Some(false),
        [0, first, ..] if *first != 0 => Some(true),
        [first, 0, ..] if *first != 0 => Some(false),
        _ => None,
    }
}

/// The text of UTF-16 `bytes`, without its byte order mark.
fn from_utf16(bytes: &[u8], big_endian: bool) -> Result<String, ReadProblem> {
    let units = bytes.chunks(2).map(|pair| match (pair, big_endian) {
        ([high, low], true) | ([low, high], false) => u16::from_be_bytes([*high, *low]),
        // An odd last byte is half a character, which no character can be.
        _ => 0xDC00,
    });
    let mut text = String::with_capacity(bytes.len());
    let (mut line, mut column) = (1, 1);
    for c in char::decode_utf16(units) {
        match c {
            Ok(c) => {
                text.push(c);
                if c == '\n' {
                    (line, column) = (line + 1, 1);
                } else {
                    column += 1;
                }
            }
            Err(_) => return Err(ReadProblem::NotUtf16 { line, column }),
        }
    }
    Ok(text
        .strip_prefix('\u{feff}')
        .map(str::to_owned)
        .unwrap_or(text))
}

/// Opens a file for reading, with what it is. Without blocking: opening a named pipe
/// waits for a writer, and a pipe named `x.yaml` would hang the load.
fn open(path: &Path) -> Result<(fs::File, fs::Metadata), ReadProblem> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    let file = options.open(path).map_err(ReadProblem::Io)?;
    let metadata = file.metadata().map_err(ReadProblem::Io)?;
    Ok((file, metadata))
}

#[cfg(unix)]
fn inode_of(metadata: &fs::Metadata) -> Option<u64> {
    Some(std::os::unix::fs::MetadataExt::ino(metadata))
}

#[cfg(unix)]
fn inode_of_entry(entry: &walkdir::DirEntry) -> Option<u64> {
    Some(walkdir::DirEntryExt::ino(entry))
}

#[cfg(not(unix))]
fn inode_of(_: &fs::Metadata) -> Option<u64> {
    None
}

#[cfg(not(unix))]
fn inode_of_entry(_: &walkdir::DirEntry) -> Option<u64> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(content: &[u8]) -> Result<String, ReadProblem> {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().canonicalize().expect("canonical");
        let path = root.join("x.yaml");
        fs::write(&path, content).expect("write");
        read_bounded(&root, &path, None)
    }

    #[test]
    fn a_files_text_is_held_in_a_buffer_of_its_size() {
        for len in [0, 1, 3_000, 5_861, 70_000] {
            let text = read(&vec![b'a'; len]).unwrap_or_else(|_| panic!("{len} bytes read"));
            assert_eq!(text.len(), len);
            // `read_to_end` on its own grows to the next power of two (8 KiB for 5,861).
            assert!(
                text.capacity() <= len.max(32),
                "{len} bytes held in {}",
                text.capacity()
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_path_that_no_longer_holds_the_walked_file_is_resolved_again() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().canonicalize().expect("canonical");
        let outside = tempfile::tempdir().expect("outside");
        let secret = outside.path().join("secret.yaml");
        fs::write(&secret, "secret: 1\n").expect("write");

        // The file the walk saw is read as it is.
        let plain = root.join("plain.yaml");
        fs::write(&plain, "code: x\n").expect("write");
        let inode = fs::symlink_metadata(&plain).expect("stat").ino();
        assert_eq!(
            read_bounded(&root, &plain, Some(inode)).ok().as_deref(),
            Some("code: x\n")
        );

        // Replaced by a link out of the catalog after the walk: the opened file is not
        // the one the walk saw, so the path is resolved, and refused.
        fs::remove_file(&plain).expect("rm");
        std::os::unix::fs::symlink(&secret, &plain).expect("symlink");
        assert!(matches!(
            read_bounded(&root, &plain, Some(inode)),
            Err(ReadProblem::Outside(_))
        ));
    }

    /// `text` in UTF-16, with a byte order mark when `mark`.
    fn utf16(text: &str, big_endian: bool, mark: bool) -> Vec<u8> {
        let mark = mark.then_some('\u{feff}');
        mark.into_iter()
            .chain(text.chars())
            .collect::<String>()
            .encode_utf16()
            .flat_map(|unit| {
                if big_endian {
                    unit.to_be_bytes()
                } else {
                    unit.to_le_bytes()
                }
            })
            .collect()
    }

    #[test]
    fn a_file_saved_as_utf16_is_read_as_its_text() {
        let text = "code: x\r\ntitle: Größe – 🚦\n";
        for big_endian in [false, true] {
            for mark in [true, false] {
                assert_eq!(
                    read(&utf16(text, big_endian, mark)).ok().as_deref(),
                    Some(text),
                    "big-endian {big_endian}, mark {mark}"
                );
            }
        }
        // A lone surrogate on line 2, after `ti`: reported where it is.
        let mut broken = utf16("code: x\nti", false, true);
        broken.extend([0x00, 0xD8]);
        broken.extend(utf16("tle: T\n", false, false));
        assert!(matches!(
            read(&broken),
            Err(ReadProblem::NotUtf16 { line: 2, column: 3 })
        ));
        // Half a character at the end.
        let mut odd = utf16("code: x\n", false, true);
        odd.push(b'a');
        assert!(matches!(
            read(&odd),
            Err(ReadProblem::NotUtf16 { line: 2, column: 1 })
        ));
        // UTF-32's mark is not taken for UTF-16's.
        assert!(matches!(
            read(b"\xFF\xFE\x00\x00c\x00\x00\x00"),
            Err(ReadProblem::NotUtf8 { .. })
        ));
    }

    #[test]
    fn a_byte_order_mark_is_dropped_and_an_oversized_file_refused() {
        assert_eq!(
            read(b"\xEF\xBB\xBFcode: x\n").ok().as_deref(),
            Some("code: x\n")
        );
        let limit = usize::try_from(MAX_FILE_BYTES).expect("fits");
        assert!(read(&vec![b'a'; limit]).is_ok());
        assert!(matches!(
            read(&vec![b'a'; limit + 1]),
            Err(ReadProblem::TooLarge(size)) if size == MAX_FILE_BYTES + 1
        ));
    }
}
