//! Source files and the mapping between YAML locations and line/column positions.

use crate::diagnostic::Position;
use serde_saphyr::Location;

/// One catalog file's text, kept so diagnostics can show the offending line.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Catalog-relative path with `/` separators.
    pub path: String,
    pub text: String,
    line_starts: Vec<usize>,
}

impl SourceFile {
    /// Indexes `text` for position lookups.
    ///
    /// Lines end as YAML ends them: at `\n`, `\r\n` or a lone `\r`, so positions from
    /// the parser and from this index agree whatever the file's line endings.
    pub fn new(path: impl Into<String>, text: String) -> Self {
        let bytes = text.as_bytes();
        let line_starts = std::iter::once(0)
            .chain(bytes.iter().enumerate().filter_map(|(i, &b)| {
                let ends_line = b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
                ends_line.then_some(i + 1)
            }))
            .collect();
        SourceFile {
            path: path.into(),
            text,
            line_starts,
        }
    }

    /// The start and end of a YAML node, clamped to the file.
    ///
    /// serde-saphyr gives a start line/column and (for string input) a byte length; the
    /// end is derived from that length so an annotation underlines the whole value.
    pub fn span_of(&self, location: &Location) -> (Position, Position) {
        let start = self.clamp(Position {
            line: location.line() as usize,
            column: location.column() as usize,
        });
        let span = location.span();
        let end = match (span.byte_offset(), span.byte_len()) {
            (Some(offset), Some(len)) if len > 0 => {
                let end_byte = (offset as usize).saturating_add(len as usize);
                self.position_of(end_byte.min(self.text.len()))
            }
            _ => start,
        };
        (start, end.max(start))
    }

    /// The 1-based line and character column of a byte offset.
    pub fn position_of(&self, byte: usize) -> Position {
        let byte = byte.min(self.text.len());
        let line_index = match self.line_starts.binary_search(&byte) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let line_start = self.line_starts[line_index];
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
        let Some(&line_start) = self.line_starts.get(position.line.saturating_sub(1)) else {
            return self.text.len();
        };
        let line_end = self
            .line_starts
            .get(position.line)
            .map_or(self.text.len(), |&next| next.saturating_sub(1));
        let line = self.text.get(line_start..line_end).unwrap_or("");
        let within = line
            .char_indices()
            .nth(position.column.saturating_sub(1))
            .map_or(line.len(), |(i, _)| i);
        line_start + within
    }

    /// Number of lines in the file.
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
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
