//! The source lines a human-format report shows, made safe to print.
//!
//! In: one file and the label spans of one report in it. Out: a
//! [`miette::SourceCode`] holding only the lines the report shows (each
//! label's line and one line around it), rewritten for a terminal, and the
//! labels moved into that text:
//! - characters a terminal would act on or that cannot be seen (controls,
//!   bidirectional overrides, a no-break space, a lone carriage return) are
//!   written out as `<U+001B>`; tabs stay, miette expands them;
//! - a line longer than [`LINE_LIMIT`] characters is cut to a window around
//!   its labels, with `…` where text was left out.
//!
//! Lines end where [`crate::source::SourceFile`] says (LF, or CRLF), and the
//! position in the header counts code points in the original line, as every
//! other format does. Reading only the shown lines also keeps a report's
//! cost independent of the file's size.

use crate::source::{ColumnUnit, SourceFile, Span};
use crate::text;
use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

/// Lines longer than this many characters are cut to a window.
pub const LINE_LIMIT: usize = 160;
/// How many characters of a cut line are shown before its first label.
const LEAD: usize = 40;
/// How many characters a cut line's window holds.
const WINDOW: usize = 120;
/// Context lines shown around each label, as the handler is configured.
pub const CONTEXT_LINES: usize = 1;
/// Two labels' snippets this few lines apart are shown as one, with the
/// lines between them, rather than as two snippets with two headers.
const MERGE_GAP: usize = 2;

const ELLIPSIS: &str = "…";

/// The shown lines of one file, for one report.
pub struct Excerpt<'a> {
    file: &'a SourceFile,
    lines: Vec<ShownLine>,
    text: String,
}

/// One original line as shown.
struct ShownLine {
    /// Zero-based line number in the file.
    number: usize,
    /// Where the line starts in the excerpt's text.
    start: usize,
    /// Where its text ends there (before the line break).
    end: usize,
    /// Original offsets at which the display changes, with where each lands
    /// in the excerpt's text: runs copied as they are, and replacements.
    pieces: Vec<Piece>,
}

/// Part of a line: `original` bytes shown as `shown` bytes of the excerpt.
#[derive(Clone, Copy)]
struct Piece {
    original: (usize, usize),
    shown: (usize, usize),
    /// Copied byte for byte (offsets inside map one to one).
    copied: bool,
}

impl<'a> Excerpt<'a> {
    /// The excerpt showing `spans` (offsets into `file`).
    pub fn new(file: &'a SourceFile, spans: &[Span]) -> Excerpt<'a> {
        let last_line = file.line_count().saturating_sub(1);
        let mut numbers: Vec<usize> = Vec::new();
        for span in spans {
            let first = file.line_of(file.clamp(span.start())).saturating_sub(CONTEXT_LINES);
            let last = (file.line_of(file.clamp(span.end())) + CONTEXT_LINES).min(last_line);
            numbers.extend(first..=last);
        }
        numbers.sort_unstable();
        numbers.dedup();
        let gaps: Vec<usize> = numbers
            .windows(2)
            .filter(|pair| pair[1] - pair[0] - 1 <= MERGE_GAP)
            .flat_map(|pair| pair[0] + 1..pair[1])
            .collect();
        numbers.extend(gaps);
        numbers.sort_unstable();
        let mut excerpt = Excerpt {
            file,
            lines: Vec::with_capacity(numbers.len()),
            text: String::new(),
        };
        for number in numbers {
            let anchors: Vec<usize> = spans
                .iter()
                .map(|span| file.clamp(span.start()))
                .filter(|&start| file.line_of(start) == number)
                .collect();
            excerpt.push_line(number, &anchors);
        }
        excerpt
    }

    fn push_line(&mut self, number: usize, anchors: &[usize]) {
        let Some(range) = self.file.line_range(number) else {
            return;
        };
        let line = &self.file.text[range.clone()];
        let window = window(self.file, line, range.start, anchors);
        let start = self.text.len();
        let mut pieces = Vec::new();
        if window.0 > range.start {
            self.push_piece(&mut pieces, (range.start, window.0), ELLIPSIS, false);
        }
        let mut run_start = window.0;
        for (at, c) in self.file.text[window.0..window.1].char_indices() {
            let at = window.0 + at;
            if c == '\t' || !text::needs_escape(c) {
                continue;
            }
            if run_start < at {
                let copied = self.file.text[run_start..at].to_owned();
                self.push_piece(&mut pieces, (run_start, at), &copied, true);
            }
            let written = format!("<{}>", text::code_point(c));
            self.push_piece(&mut pieces, (at, at + c.len_utf8()), &written, false);
            run_start = at + c.len_utf8();
        }
        if run_start < window.1 {
            let copied = self.file.text[run_start..window.1].to_owned();
            self.push_piece(&mut pieces, (run_start, window.1), &copied, true);
        }
        if window.1 < range.end {
            self.push_piece(&mut pieces, (window.1, range.end), ELLIPSIS, false);
        }
        let end = self.text.len();
        // A line break after every line the file breaks after.
        if range.end < self.file.text.len() {
            self.text.push('\n');
        }
        self.lines.push(ShownLine {
            number,
            start,
            end,
            pieces,
        });
    }

    fn push_piece(&mut self, pieces: &mut Vec<Piece>, original: (usize, usize), shown: &str, copied: bool) {
        let start = self.text.len();
        self.text.push_str(shown);
        pieces.push(Piece {
            original,
            shown: (start, self.text.len()),
            copied,
        });
    }

    /// Where an original offset is shown; `end` for the end of a span (the
    /// far side of a replaced character).
    fn shown_offset(&self, offset: usize, end: bool) -> usize {
        let offset = self.file.clamp(offset);
        let number = self.file.line_of(offset);
        let Some(line) = self.lines.iter().find(|line| line.number == number) else {
            return self.text.len();
        };
        let piece = line
            .pieces
            .iter()
            .rev()
            .find(|piece| piece.original.0 < offset || (piece.original.0 == offset && !end))
            .or(line.pieces.first());
        match piece {
            None => line.start,
            Some(piece) if piece.copied => (piece.shown.0 + offset.saturating_sub(piece.original.0)).min(piece.shown.1),
            Some(piece) if offset > piece.original.0 || end => piece.shown.1,
            Some(piece) => piece.shown.0,
        }
        .min(line.end)
    }

    /// A span of the file as a span of the excerpt.
    pub fn shown_span(&self, span: Span) -> SourceSpan {
        let start = self.shown_offset(span.start(), false);
        let end = if span.end() > span.start() {
            self.shown_offset(span.end(), true).max(start)
        } else {
            start
        };
        SourceSpan::new(start.into(), end - start)
    }

    /// The original offset shown at `shown` (for the header's column).
    fn original_offset(&self, shown: usize) -> usize {
        let Some(line) = self.line_holding(shown) else {
            return 0;
        };
        match line.pieces.iter().rev().find(|piece| piece.shown.0 <= shown) {
            None => self.file.line_start(line.number).unwrap_or(0),
            Some(piece) if piece.copied => {
                piece.original.0 + (shown - piece.shown.0).min(piece.original.1 - piece.original.0)
            }
            Some(piece) if shown == piece.shown.0 => piece.original.0,
            Some(piece) => piece.original.1,
        }
    }

    fn line_holding(&self, shown: usize) -> Option<&ShownLine> {
        let index = self.lines.partition_point(|line| line.start <= shown);
        self.lines.get(index.checked_sub(1)?)
    }

    fn index_holding(&self, shown: usize) -> usize {
        self.lines.partition_point(|line| line.start <= shown).saturating_sub(1)
    }
}

/// The part of a line to show: all of it, or a window around its first
/// label when it is too long.
fn window(file: &SourceFile, line: &str, line_start: usize, anchors: &[usize]) -> (usize, usize) {
    let line_end = line_start + line.len();
    // Character counts come from the line index, so a report on a line of a
    // million characters costs the window, not the line.
    if file.column_in(line_end, ColumnUnit::CodePoints) <= LINE_LIMIT {
        return (line_start, line_end);
    }
    let anchor = anchors
        .iter()
        .copied()
        .min()
        .unwrap_or(line_start)
        .clamp(line_start, line_end);
    let before = &file.text[line_start..anchor];
    let start = before
        .char_indices()
        .rev()
        .nth(LEAD.saturating_sub(1))
        .map_or(line_start, |(at, _)| line_start + at);
    let end = file.text[start..line_end]
        .char_indices()
        .nth(WINDOW)
        .map_or(line_end, |(at, _)| start + at);
    (start, end)
}

impl SourceCode for Excerpt<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        if self.lines.is_empty() || span.offset() > self.text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let first = self.index_holding(span.offset());
        let last = self.index_holding(span.offset() + span.len().saturating_sub(1));
        let last = last.max(first);
        // Context stops at a line that is not the next one of the file.
        let mut from = first;
        while from > 0
            && first - from < context_lines_before
            && self.lines[from - 1].number + 1 == self.lines[from].number
        {
            from -= 1;
        }
        let mut to = last;
        while to + 1 < self.lines.len()
            && to - last < context_lines_after
            && self.lines[to].number + 1 == self.lines[to + 1].number
        {
            to += 1;
        }
        let (start, column) = if context_lines_before == 0 {
            let original = self.original_offset(span.offset());
            (span.offset(), self.file.line_column(original).column - 1)
        } else {
            (self.lines[from].start, 0)
        };
        let end = if context_lines_after == 0 && context_lines_before == 0 {
            (span.offset() + span.len()).min(self.text.len())
        } else {
            self.lines.get(to + 1).map_or(self.text.len(), |next| next.start)
        };
        let line = self.lines[from].number;
        let data = self.text.get(start..end).unwrap_or("").as_bytes();
        Ok(Box::new(MietteSpanContents::new_named(
            self.file.name.clone(),
            data,
            SourceSpan::new(start.into(), end - start),
            line,
            column,
            // miette shows two snippets as one when this reaches the next
            // one's first line: the lines between them are in the excerpt
            // exactly when they are at most `MERGE_GAP`.
            to + 1 - from + MERGE_GAP,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn span(start: usize, end: usize) -> Span {
        Span::new(FileId(0), start, end)
    }

    #[test]
    fn control_characters_are_written_out_and_labels_follow() {
        let file = SourceFile::from_text("a", "queue \"a\u{1b}[2Jb\" {\n}\n");
        let excerpt = Excerpt::new(&file, &[span(8, 9)]);
        assert!(excerpt.text.contains("a<U+001B>[2Jb"), "{}", excerpt.text);
        assert!(!excerpt.text.contains('\u{1b}'));
        let shown = excerpt.shown_span(span(8, 9));
        assert_eq!(&excerpt.text[shown.offset()..shown.offset() + shown.len()], "<U+001B>");
    }

    #[test]
    fn a_long_line_is_cut_around_its_label() {
        let line = format!("crm: {}x", "a".repeat(200_000));
        let file = SourceFile::from_text("a", line.clone());
        let at = line.len() - 1;
        let excerpt = Excerpt::new(&file, &[span(at, at + 1)]);
        assert!(excerpt.text.chars().count() < WINDOW + 10, "{}", excerpt.text.len());
        assert!(excerpt.text.starts_with(ELLIPSIS));
        let shown = excerpt.shown_span(span(at, at + 1));
        assert_eq!(&excerpt.text[shown.offset()..shown.offset() + shown.len()], "x");
    }

    #[test]
    fn only_the_lines_around_labels_are_read() {
        let text: String = (0..10_000).map(|n| format!("# line {n}\n")).collect();
        let file = SourceFile::from_text("a", text);
        let at = file.line_start(5_000).expect("line");
        let excerpt = Excerpt::new(&file, &[span(at, at + 1)]);
        assert_eq!(excerpt.lines.len(), 3);
    }
}
