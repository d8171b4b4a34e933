//! Source files as read from disk, with the line index that turns byte offsets
//! into `line:column` for diagnostics.
//!
//! Both lookups are O(log n + 64) whatever the shape of the text: a Markdown
//! file may be one line of megabytes with a link every few bytes, and each link
//! asks for its column, so counting characters from the line start (O(line)
//! per lookup, O(n^2) per file) is not an option.

use std::sync::{Arc, Weak};

/// One file of the handbook, kept whole so diagnostics can quote it.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Relative to the handbook root, `/`-separated: what users see in errors.
    pub path: String,
    /// `path` again, shared by every [`Place`] in this file instead of copied into each.
    shared_path: Arc<str>,
    pub text: String,
    line_starts: Vec<usize>,
    /// Characters that start before byte `i * CHUNK`, for every chunk
    /// boundary; empty when the text is ASCII, where characters are bytes.
    chars_before_chunk: Vec<usize>,
}

/// Bytes per entry of the character index: a column lookup counts at most this many.
const CHUNK: usize = 64;

impl SourceFile {
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        // Sized exactly: an organisation's files hold hundreds of thousands of lines.
        let newlines = text.bytes().filter(|&b| b == b'\n').count();
        let mut line_starts = Vec::with_capacity(newlines + 1);
        line_starts.push(0);
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        let chars_before_chunk = if text.is_ascii() {
            Vec::new()
        } else {
            chars_before_chunks(&text)
        };
        let path = path.into();
        SourceFile {
            shared_path: Arc::from(path.as_str()),
            path,
            text,
            line_starts,
            chars_before_chunk,
        }
    }

    /// 1-based line and column (in characters) of a byte offset, in O(log n).
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset);
        let start = self.line_starts[line - 1];
        let column = self.chars_before(offset) - self.chars_before(start) + 1;
        (line, column)
    }

    /// How many characters start before byte `offset`: one chunk entry plus at most `CHUNK` bytes counted.
    fn chars_before(&self, offset: usize) -> usize {
        if self.chars_before_chunk.is_empty() {
            return offset.min(self.text.len());
        }
        let chunk = offset / CHUNK;
        let bytes = self.text.as_bytes();
        let counted = bytes.get(chunk * CHUNK..offset).map_or(0, char_starts);
        self.chars_before_chunk.get(chunk).copied().unwrap_or(0) + counted
    }

    /// Up to `radius` characters either side of 1-based `column` of `line`, and how
    /// many characters of the line come before them; O(log n + radius).
    pub fn line_window(&self, line: usize, column: usize, radius: usize) -> (String, usize) {
        let text = self.line_text(line);
        let Some(&start) = line_starts_get(&self.line_starts, line) else {
            return (String::new(), 0);
        };
        let base = self.chars_before(start);
        let line_chars = self.chars_before(start + text.len()) - base;
        let from = column
            .saturating_sub(1)
            .saturating_sub(radius)
            .min(line_chars);
        let to = column
            .saturating_sub(1)
            .saturating_add(radius)
            .min(line_chars);
        let first = self.byte_of_char(base + from);
        let last = self.byte_of_char(base + to).min(start + text.len());
        let window = self.text.get(first..last).unwrap_or_default();
        (window.to_string(), from)
    }

    /// The byte where character number `index` (0-based, whole file) starts, or the end.
    fn byte_of_char(&self, index: usize) -> usize {
        if self.chars_before_chunk.is_empty() {
            return index.min(self.text.len());
        }
        let chunk = self
            .chars_before_chunk
            .partition_point(|&c| c <= index)
            .saturating_sub(1);
        let bytes = self.text.as_bytes();
        let mut count = self.chars_before_chunk.get(chunk).copied().unwrap_or(0);
        for (at, &b) in bytes.iter().enumerate().skip(chunk * CHUNK) {
            if b & 0xC0 != 0x80 {
                if count == index {
                    return at;
                }
                count += 1;
            }
        }
        bytes.len()
    }

    /// The text of a 1-based line, without its newline.
    pub fn line_text(&self, line: usize) -> &str {
        if line == 0 || line > self.line_starts.len() {
            return "";
        }
        let start = self.line_starts[line - 1];
        let end = self
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// A place in this file, kept in the model for diagnostics raised later. It
    /// shares the file (two reference counts) instead of copying the path and the
    /// line: a large organisation has hundreds of thousands of answers.
    pub fn place(self: &Arc<Self>, line: usize, column: usize) -> Place {
        Place {
            file: Arc::clone(&self.shared_path),
            line,
            column,
            source: Some(Arc::downgrade(self)),
        }
    }
}

/// The start of 1-based `line`, if the file has that line.
fn line_starts_get(line_starts: &[usize], line: usize) -> Option<&usize> {
    line_starts.get(line.checked_sub(1)?)
}

/// For each `CHUNK` boundary of `text`, the characters that start before it.
fn chars_before_chunks(text: &str) -> Vec<usize> {
    let mut chars_before_chunk = Vec::with_capacity(text.len() / CHUNK + 2);
    chars_before_chunk.push(0);
    let mut count = 0;
    for chunk in text.as_bytes().chunks(CHUNK) {
        count += char_starts(chunk);
        chars_before_chunk.push(count);
    }
    chars_before_chunk
}

/// The bytes of `bytes` that start a UTF-8 character (every byte but continuation bytes).
fn char_starts(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count()
}

/// Where something was written, remembered in the model for diagnostics raised
/// after loading; the line it quotes is looked up only when one is made.
///
/// The file's text is not owned here: whoever reads the files holds them
/// (the run's `Checked::texts`, `orr serve`'s caches) for as long as
/// diagnostics may be made, and `build` lets them go before rendering, which
/// makes none. At 5,000 services the texts are 150 MB.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Place {
    #[serde(serialize_with = "serialize_str")]
    pub file: Arc<str>,
    pub line: usize,
    pub column: usize,
    #[serde(skip)]
    source: Option<Weak<SourceFile>>,
}

impl Place {
    /// The text of the line, without its newline: empty for a place made by
    /// hand, or once its file is no longer held.
    pub fn text(&self) -> String {
        self.source
            .as_ref()
            .and_then(Weak::upgrade)
            .map_or_else(String::new, |s| s.line_text(self.line).to_string())
    }
}

/// Two places are equal when they point at the same spot of the same file.
impl PartialEq for Place {
    fn eq(&self, other: &Self) -> bool {
        (&self.file, self.line, self.column) == (&other.file, other.line, other.column)
    }
}

impl Eq for Place {}

fn serialize_str<S: serde::Serializer>(value: &Arc<str>, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_starts_follow_every_newline() {
        let file = SourceFile::new("x.yaml", "a\n\nbc\r\nd\n");
        assert_eq!(file.line_starts, [0, 2, 3, 7, 9]);
        assert_eq!(file.line_col(7), (4, 1));
    }

    #[test]
    fn an_ascii_file_finds_columns_as_the_character_index_would() {
        let text = format!(
            "key: value\n{}\n\nlast: {}",
            "x".repeat(200),
            "y".repeat(70)
        );
        let ascii = SourceFile::new("a.yaml", text.as_str());
        assert!(ascii.chars_before_chunk.is_empty());
        let indexed = SourceFile {
            chars_before_chunk: chars_before_chunks(&text),
            ..ascii.clone()
        };
        for offset in 0..=text.len() + 3 {
            assert_eq!(ascii.line_col(offset), indexed.line_col(offset));
        }
        for (line, column) in [(1, 3), (2, 150), (4, 1), (4, 90), (9, 1)] {
            assert_eq!(
                ascii.line_window(line, column, 20),
                indexed.line_window(line, column, 20)
            );
        }
    }

    #[test]
    fn places_quote_their_line_from_the_shared_file() {
        let file = Arc::new(SourceFile::new("s.yaml", "a: 1\nb: 2\n"));
        let place = file.place(2, 1);
        assert_eq!(
            (&*place.file, place.line, place.text().as_str()),
            ("s.yaml", 2, "b: 2")
        );
        assert_eq!(place, file.place(2, 1));
        assert_eq!(Place::default().text(), "");
        let json = serde_json::to_string(&place).expect("serialises");
        assert_eq!(json, r#"{"file":"s.yaml","line":2,"column":1}"#);
    }

    #[test]
    fn a_place_quotes_its_line_while_its_file_is_held_and_nothing_after() {
        let file = Arc::new(SourceFile::new("s.yaml", "a: 1\nb: 2\n"));
        let place = file.place(1, 1);
        assert_eq!(place.text(), "a: 1");
        drop(file);
        // The model outlives the texts in `build`: its places keep no copy.
        assert_eq!(
            (place.text().as_str(), &*place.file, place.line),
            ("", "s.yaml", 1)
        );
    }

    #[test]
    fn maps_offsets_to_lines() {
        let s = SourceFile::new("a", "ab\ncdé\nf");
        assert_eq!(s.line_col(0), (1, 1));
        assert_eq!(s.line_col(3), (2, 1));
        assert_eq!(s.line_col(7), (2, 4));
        assert_eq!(s.line_col(8), (3, 1));
        assert_eq!(s.line_text(2), "cdé");
        assert_eq!(s.line_text(9), "");
    }

    #[test]
    fn columns_count_characters_across_chunks() {
        let line = format!("{}x{}y", "é".repeat(100), "a".repeat(70));
        let s = SourceFile::new("a", format!("z\n{line}\n"));
        let x = 2 + line.find('x').unwrap();
        let y = 2 + line.find('y').unwrap();
        assert_eq!(s.line_col(x), (2, 101));
        assert_eq!(s.line_col(y), (2, 172));
        assert_eq!(s.line_col(usize::MAX), (3, 1));
        let (window, from) = s.line_window(2, 101, 3);
        assert_eq!((window.as_str(), from), ("éééxaa", 97));
        assert_eq!(s.line_window(2, 1, 2), ("éé".to_string(), 0));
        assert_eq!(s.line_window(2, 500, 2), (String::new(), 172));
        assert_eq!(s.line_window(9, 1, 2), (String::new(), 0));
    }
}
