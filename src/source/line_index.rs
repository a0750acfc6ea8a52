//! Where a byte offset is in a file's lines.
//!
//! In: a file's text. Out: the line of any byte offset and its column in the
//! unit a reader wants: Unicode code points (what crmpol prints everywhere,
//! like SARIF's `unicodeCodePoints`), UTF-16 code units (what editors speak)
//! or bytes. Lines end at LF; a CR before the LF belongs to the line ending,
//! and a CR anywhere else is an ordinary character. That one rule holds for
//! the parser and every renderer.
//!
//! Columns cost a binary search, never a walk from the line's start, so a
//! million diagnostics on one long line take linear time. The table of
//! multi-byte characters this needs is built the first time a column is
//! asked for, and stays empty for ASCII text.

use std::sync::OnceLock;

/// The unit a column counts in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnUnit {
    /// Unicode code points: one per character, whatever its encoding.
    CodePoints,
    /// UTF-16 code units: two for a character beyond the Basic Multilingual Plane.
    Utf16,
    /// UTF-8 bytes.
    Bytes,
}

/// Line starts, and (once needed) the multi-byte characters of a text.
#[derive(Clone, Debug, Default)]
pub struct LineIndex {
    /// Byte offset where each line starts: 0, then one past every LF.
    line_starts: Vec<usize>,
    wide: OnceLock<WideChars>,
}

/// Every character of more than one byte, in text order, with running
/// totals of the bytes they add beyond one column.
#[derive(Clone, Debug, Default)]
struct WideChars {
    starts: Vec<usize>,
    /// `extra_bytes[i]`: over the first `i` wide characters, bytes beyond
    /// one per character (for code-point columns).
    extra_bytes: Vec<usize>,
    /// `extra_bytes_utf16[i]`: over the first `i`, UTF-8 bytes beyond their
    /// UTF-16 units (for UTF-16 columns).
    extra_bytes_utf16: Vec<usize>,
}

impl WideChars {
    fn of(text: &str) -> WideChars {
        let mut wide = WideChars {
            starts: Vec::new(),
            extra_bytes: vec![0],
            extra_bytes_utf16: vec![0],
        };
        if text.is_ascii() {
            return wide;
        }
        let (mut extra, mut extra_utf16) = (0, 0);
        for (at, c) in text.char_indices().filter(|(_, c)| !c.is_ascii()) {
            extra += c.len_utf8() - 1;
            extra_utf16 += c.len_utf8() - c.len_utf16();
            wide.starts.push(at);
            wide.extra_bytes.push(extra);
            wide.extra_bytes_utf16.push(extra_utf16);
        }
        wide
    }

    /// Bytes beyond one column per character in `from..to`, in `unit`.
    fn extra_between(&self, from: usize, to: usize, unit: ColumnUnit) -> usize {
        let totals = match unit {
            ColumnUnit::CodePoints => &self.extra_bytes,
            ColumnUnit::Utf16 => &self.extra_bytes_utf16,
            ColumnUnit::Bytes => return 0,
        };
        let before = |offset: usize| self.starts.partition_point(|&start| start < offset);
        let total = |count: usize| totals.get(count).copied().unwrap_or(0);
        total(before(to)).saturating_sub(total(before(from)))
    }
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let line_starts = std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|at| at + 1))
            .collect();
        LineIndex {
            line_starts,
            wide: OnceLock::new(),
        }
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Zero-based line holding `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next.saturating_sub(1),
        }
    }

    /// Byte offset where a zero-based line starts.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.line_starts.get(line).copied()
    }

    /// The byte offset of a zero-based line and column in `unit`, as an
    /// editor names a position. Positions past the end of a line mean its
    /// end (before the line ending), lines past the last mean the end of the
    /// text, and a column inside a character (half of a UTF-16 surrogate
    /// pair, a byte inside a character) means that character's start.
    pub fn offset(&self, text: &str, line: usize, column: usize, unit: ColumnUnit) -> usize {
        let Some(start) = self.line_start(line) else {
            return text.len();
        };
        let end = self.line_start(line + 1).map_or(text.len(), |next| next - 1);
        let content = text.get(start..end).unwrap_or("");
        let content = content.strip_suffix('\r').unwrap_or(content);
        let mut counted = 0;
        for (at, c) in content.char_indices() {
            let width = match unit {
                ColumnUnit::CodePoints => 1,
                ColumnUnit::Utf16 => c.len_utf16(),
                ColumnUnit::Bytes => c.len_utf8(),
            };
            if counted + width > column {
                return start + at;
            }
            counted += width;
        }
        start + content.len()
    }

    /// Zero-based column of `offset` in its line, in `unit`. `offset` must
    /// be a character boundary of `text`, the text this index was made of.
    pub fn column(&self, text: &str, offset: usize, unit: ColumnUnit) -> usize {
        self.line_and_column(text, offset, unit).1
    }

    /// [`LineIndex::line_of`] and [`LineIndex::column`] with one search.
    pub fn line_and_column(&self, text: &str, offset: usize, unit: ColumnUnit) -> (usize, usize) {
        let line = self.line_of(offset);
        let line_start = self.line_start(line).unwrap_or(0);
        let bytes = offset.saturating_sub(line_start);
        let wide = self.wide.get_or_init(|| WideChars::of(text));
        (line, bytes - wide.extra_between(line_start, offset, unit).min(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(text: &str, offset: usize, unit: ColumnUnit) -> usize {
        LineIndex::new(text).column(text, offset, unit)
    }

    #[test]
    fn ascii_columns_are_byte_columns() {
        let text = "ab\ncde";
        assert_eq!(column(text, 5, ColumnUnit::CodePoints), 2);
        assert_eq!(column(text, 5, ColumnUnit::Utf16), 2);
        assert_eq!(column(text, 5, ColumnUnit::Bytes), 2);
    }

    #[test]
    fn columns_of_emoji_cjk_and_combining_marks() {
        // `🎉` is 4 bytes, 2 UTF-16 units, 1 code point; `日` 3, 1, 1; the
        // combining acute accent after `e` is a code point of its own.
        let text = "x\n🎉日e\u{301}z";
        let z = text.find('z').expect("z");
        assert_eq!(column(text, z, ColumnUnit::Bytes), 4 + 3 + 1 + 2);
        assert_eq!(column(text, z, ColumnUnit::Utf16), 2 + 1 + 1 + 1);
        assert_eq!(column(text, z, ColumnUnit::CodePoints), 1 + 1 + 1 + 1);
        // Wide characters on earlier lines do not count.
        let later = "日本\nab";
        assert_eq!(column(later, later.len(), ColumnUnit::CodePoints), 2);
    }

    #[test]
    fn positions_in_every_unit_map_back_to_offsets() {
        // Emoji, CJK and a combining mark before and after `z`.
        let text = "crm: x\r\n🎉日e\u{301}z🎉日e\u{301}\nlast";
        let index = LineIndex::new(text);
        for unit in [ColumnUnit::CodePoints, ColumnUnit::Utf16, ColumnUnit::Bytes] {
            // Every place but inside a line ending, which has no column.
            for (offset, _) in text.char_indices().filter(|(_, c)| !matches!(c, '\r' | '\n')) {
                let line = index.line_of(offset);
                let column = index.column(text, offset, unit);
                assert_eq!(index.offset(text, line, column, unit), offset, "{unit:?} at {offset}");
            }
        }
        let second = text.find('🎉').expect("emoji");
        assert_eq!(
            index.offset(text, 1, 1, ColumnUnit::Utf16),
            second,
            "inside a surrogate pair"
        );
        assert_eq!(
            index.offset(text, 0, 99, ColumnUnit::Utf16),
            6,
            "past the end, before CRLF"
        );
        assert_eq!(
            index.offset(text, 9, 0, ColumnUnit::Utf16),
            text.len(),
            "past the last line"
        );
    }

    #[test]
    fn a_lone_carriage_return_is_not_a_line_break() {
        let index = LineIndex::new("# a\rb\nc\r\nd");
        assert_eq!(index.line_count(), 3);
        assert_eq!(index.line_of(4), 0, "`b` is on the comment's line");
        assert_eq!(index.line_of(9), 2);
    }

    #[test]
    fn columns_on_a_long_line_stay_fast_and_exact() {
        let text = "é".repeat(100_000);
        let index = LineIndex::new(&text);
        for n in (0..100_000).step_by(997) {
            assert_eq!(index.column(&text, n * 2, ColumnUnit::CodePoints), n);
        }
    }
}
