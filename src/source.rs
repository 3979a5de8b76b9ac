//! Source files and the mapping between YAML locations and line/column positions.

use crate::diagnostic::Position;
use serde_saphyr::Location;

/// Where a YAML value was written: its start line and column and its byte extent.
///
/// serde-saphyr's [`Location`] is 28 bytes and every spanned value carries two (where it
/// is used and where it is defined); a large catalog holds millions of spanned values,
/// so the raw files keep only this much, which is all a diagnostic needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    line: u32,
    column: u32,
    byte_offset: u32,
    /// 0 when the extent is unknown: the diagnostic then marks the start only.
    byte_len: u32,
}

impl Place {
    /// The 1-based line.
    pub fn line(&self) -> u64 {
        u64::from(self.line)
    }

    /// The 1-based column.
    pub fn column(&self) -> u64 {
        u64::from(self.column)
    }
}

impl From<&Location> for Place {
    fn from(location: &Location) -> Self {
        let narrow = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
        let span = location.span();
        let (byte_offset, byte_len) = match (span.byte_offset(), span.byte_len()) {
            (Some(offset), Some(len)) => (narrow(offset), narrow(len)),
            _ => (0, 0),
        };
        Place {
            line: narrow(location.line()),
            column: narrow(location.column()),
            byte_offset,
            byte_len,
        }
    }
}

/// The lines of `text` without their endings, split where YAML splits them: at `\n`,
/// `\r\n` and a lone `\r`, as [`SourceFile`]'s positions count them. Built as it goes,
/// with no index kept, so a scan of every file costs no memory.
pub fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let current = rest?;
        match current.find(['\n', '\r']) {
            Some(end) => {
                let ending = if current[end..].starts_with("\r\n") {
                    2
                } else {
                    1
                };
                rest = Some(&current[end + ending..]);
                Some(&current[..end])
            }
            None => {
                rest = None;
                Some(current)
            }
        }
    })
}

/// One catalog file's text, kept so diagnostics can show the offending line.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Catalog-relative path with `/` separators.
    pub path: String,
    /// Never changed once read: [`SourceFile::id`] stands for it.
    pub text: String,
    /// Tells this reading of the file from every other in the process (a copy keeps
    /// it): see [`SourceFile::id`].
    id: u64,
    /// Byte offset of each line's start, indexed on the first position lookup: most
    /// files never have a diagnostic, and at 100,000 files the index would be over
    /// 100 MB. `u32` suffices, as the loader reads no file over 1 MiB.
    line_starts: std::sync::OnceLock<Vec<u32>>,
}

impl SourceFile {
    /// A file's text, for position lookups.
    ///
    /// Lines end as YAML ends them: at `\n`, `\r\n` or a lone `\r`, so positions from
    /// the parser and from this index agree whatever the file's line endings.
    pub fn new(path: impl Into<String>, text: String) -> Self {
        /// The next reading's id; never reused, so no two readings share one.
        static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        SourceFile {
            path: path.into(),
            text,
            id: NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            line_starts: std::sync::OnceLock::new(),
        }
    }

    /// Which reading of a file this is: two `SourceFile`s with the same id hold the same
    /// text, so `watch`'s check cache knows the files it did not read again without
    /// comparing 60 MB of text after each edit at 10,000 errors. A file read again gets
    /// a new id even if its text is the same; the cache then compares the texts.
    pub fn id(&self) -> u64 {
        self.id
    }

    fn line_starts(&self) -> &[u32] {
        self.line_starts.get_or_init(|| {
            let bytes = self.text.as_bytes();
            let narrow = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
            // memchr jumps between line ends instead of testing every byte: the index
            // is built for every file with a diagnostic, and a file is a few kilobytes.
            std::iter::once(0)
                .chain(memchr::memchr2_iter(b'\n', b'\r', bytes).filter_map(|i| {
                    let ends_line = bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n');
                    ends_line.then(|| narrow(i + 1))
                }))
                .collect()
        })
    }

    /// Byte offset of the start of the line at `index` (0-based).
    fn line_start(&self, index: usize) -> Option<usize> {
        self.line_starts().get(index).map(|&start| start as usize)
    }

    /// The start and end of a YAML node, clamped to the file.
    ///
    /// serde-saphyr gives a start line/column and (for string input) a byte length; the
    /// end is derived from that length so an annotation underlines the whole value.
    pub fn span_of(&self, place: &Place) -> (Position, Position) {
        let start = self.clamp(Position {
            line: place.line as usize,
            column: place.column as usize,
        });
        let end = if place.byte_len > 0 {
            let end_byte = (place.byte_offset as usize).saturating_add(place.byte_len as usize);
            self.position_of(end_byte.min(self.text.len()))
        } else {
            start
        };
        (start, end.max(start))
    }

    /// The text of a YAML node as it is written, when its extent is known.
    pub fn text_of(&self, place: &Place) -> Option<&str> {
        let start = place.byte_offset as usize;
        let end = start.checked_add(place.byte_len as usize)?;
        (place.byte_len > 0)
            .then(|| self.text.get(start..end))
            .flatten()
    }

    /// The 1-based line and character column of a byte offset.
    pub fn position_of(&self, byte: usize) -> Position {
        let byte = byte.min(self.text.len());
        let key = u32::try_from(byte).unwrap_or(u32::MAX);
        let line_index = match self.line_starts().binary_search(&key) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let line_start = self.line_start(line_index).unwrap_or(0);
        let column = self
            .text
            .get(line_start..byte)
            .map_or(1, |s| s.chars().count() + 1);
        Position {
            line: line_index + 1,
            column,
        }
    }

    /// The byte offset of a position, or the end of the file when out of range.
    pub fn offset_of(&self, position: Position) -> usize {
        let Some(line_start) = self.line_start(position.line.saturating_sub(1)) else {
            return self.text.len();
        };
        let line_end = self
            .line_start(position.line)
            .map_or(self.text.len(), |next| next.saturating_sub(1));
        let line = self.text.get(line_start..line_end).unwrap_or("");
        let column = position.column.saturating_sub(1);
        // Columns count characters; in ASCII they are bytes, and checking that is many
        // times faster than walking the characters of a long line.
        let within = match line.as_bytes().get(..column) {
            Some(before) if before.is_ascii() => column,
            _ => line
                .char_indices()
                .nth(column)
                .map_or(line.len(), |(i, _)| i),
        };
        line_start + within
    }

    /// The text of the file before `position`.
    pub fn text_before(&self, position: Position) -> &str {
        self.text.get(..self.offset_of(position)).unwrap_or("")
    }

    /// The text of the file from `position` on.
    pub fn text_from(&self, position: Position) -> &str {
        self.text.get(self.offset_of(position)..).unwrap_or("")
    }

    /// What is written at `position` up to the first space, comma, closing bracket or
    /// comment: a plain scalar (`5`, `0x1AD`) or an alias (`*base`).
    pub fn token_at(&self, position: Position) -> &str {
        let written = self.text_from(position);
        let end = written
            .find(|c: char| c.is_whitespace() || matches!(c, ',' | ']' | '}' | '#'))
            .unwrap_or(written.len());
        &written[..end]
    }

    /// Number of lines in the file.
    pub fn line_count(&self) -> usize {
        self.line_starts().len()
    }

    fn clamp(&self, position: Position) -> Position {
        let line = position.line.clamp(1, self.line_count());
        Position {
            line,
            column: position.column.max(1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_split_where_positions_count_a_new_line() {
        let text = "a\nb\r\nc\rd\n\re";
        let split: Vec<&str> = lines(text).collect();
        assert_eq!(split, ["a", "b", "c", "d", "", "e"]);
        let file = SourceFile::new("x.yaml", text.to_owned());
        for (index, line) in split.iter().enumerate() {
            let at = Position {
                line: index + 1,
                column: 1,
            };
            assert_eq!(text[file.offset_of(at)..].get(..line.len()), Some(*line));
        }
        assert_eq!(lines("").collect::<Vec<_>>(), [""]);
        assert_eq!(lines("x\n").collect::<Vec<_>>(), ["x", ""]);
    }

    #[test]
    fn positions_count_characters_not_bytes() {
        let file = SourceFile::new("a.yaml", "title: é\nstatus: 4x\n".to_owned());
        assert_eq!(file.position_of(9), Position { line: 1, column: 9 });
        assert_eq!(file.position_of(10), Position { line: 2, column: 1 });
        assert_eq!(file.offset_of(Position { line: 2, column: 9 }), 18);
    }

    #[test]
    fn every_yaml_line_break_starts_a_line() {
        // LF, CRLF and a lone CR (classic Mac OS) are all line breaks in YAML.
        let file = SourceFile::new("a.yaml", "a: 1\nb: 2\r\nc: 3\rd: 4".to_owned());
        assert_eq!(file.line_count(), 4);
        assert_eq!(file.position_of(16), Position { line: 4, column: 1 });
        assert_eq!(file.position_of(14), Position { line: 3, column: 4 });
        assert_eq!(file.offset_of(Position { line: 3, column: 1 }), 11);
        assert_eq!(file.offset_of(Position { line: 4, column: 4 }), 19);
    }

    #[test]
    fn offsets_beyond_the_file_are_clamped() {
        let file = SourceFile::new("a.yaml", "a: 1".to_owned());
        assert_eq!(file.offset_of(Position { line: 9, column: 1 }), 4);
        assert_eq!(file.position_of(99), Position { line: 1, column: 5 });
    }
}
