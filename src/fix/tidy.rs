//! The layout around fixed lines: one file's text and the places fixes
//! edited in, the text with the layout there made canonical out.
//!
//! Removing a statement can leave what `crmpol fmt` would not write: a blank
//! line right after a `{` or right before a `}`, two blank lines in a row, a
//! blank line at the start or end of the file, or a block with nothing left
//! in it spread over two lines. Only such spots next to an edit are tidied,
//! so a file's layout elsewhere stays the author's, and a file in the
//! canonical layout stays in it. Files with syntax errors are left alone.

use crate::diagnostic::Edit;
use crate::source::{FileId, SourceFile, SourceSet, Span};
use crate::syntax::{self, SyntaxTree};
use std::collections::BTreeSet;

/// The tidied text, or `None` when there is nothing to tidy.
pub fn tidy(file: FileId, source: &SourceFile, touched: &[usize]) -> Option<String> {
    let parsed = syntax::parse_file(file, source);
    if !parsed.diagnostics.is_empty() || touched.is_empty() {
        return None;
    }
    let mut layout = Layout::new(source, &parsed.tree, touched);
    let mut edits = layout.collapsed_blocks(file);
    edits.extend(layout.surplus_blank_lines(file));
    if edits.is_empty() {
        return None;
    }
    let mut set = SourceSet::new();
    set.add(source.clone());
    let edits: Vec<Edit> = edits
        .into_iter()
        .map(|edit| {
            Edit::replace(
                Span::new(FileId(0), edit.span.start(), edit.span.end()),
                edit.replacement,
            )
        })
        .collect();
    super::apply_edits(&set, &edits).pop().map(|(_, text)| text)
}

/// What the tidy rules need to know about a file's lines.
struct Layout<'a> {
    source: &'a SourceFile,
    tree: &'a SyntaxTree,
    /// Lines an edit touched.
    touched: BTreeSet<usize>,
    /// Lines holding a `{` whose block continues on later lines.
    opening: BTreeSet<usize>,
    /// Lines holding a block's `}` on a line of its own.
    closing: BTreeSet<usize>,
    /// Lines inside blocks that collapse to `{}`: removed with the block.
    consumed: BTreeSet<usize>,
    /// Lines of the file, not counting the empty one after a final line break.
    lines: usize,
}

impl<'a> Layout<'a> {
    fn new(source: &'a SourceFile, tree: &'a SyntaxTree, touched: &[usize]) -> Layout<'a> {
        let mut opening = BTreeSet::new();
        let mut closing = BTreeSet::new();
        for (_, node) in tree.nodes() {
            let Some(block) = node.block() else { continue };
            let Some(close) = block.close else { continue };
            let (open_line, close_line) = (source.line_of(block.open.start()), source.line_of(close.start()));
            if open_line != close_line {
                opening.insert(open_line);
                closing.insert(close_line);
            }
        }
        let lines = source.line_count() - usize::from(source.text.ends_with('\n'));
        Layout {
            source,
            tree,
            touched: touched.iter().map(|&at| source.line_of(at)).collect(),
            opening,
            closing,
            consumed: BTreeSet::new(),
            lines,
        }
    }

    /// Whether an edit touched a line in `first..=last` or next to it.
    fn near(&self, first: usize, last: usize) -> bool {
        self.touched
            .range(first.saturating_sub(1)..=last.saturating_add(1))
            .next()
            .is_some()
    }

    fn is_blank(&self, line: usize) -> bool {
        self.source
            .line_range(line)
            .is_some_and(|range| crate::text::trim_blanks(&self.source.text[range]).is_empty())
    }

    /// A block left with nothing in it, written over several lines,
    /// becomes `{}` on its opening line.
    /// The lines such a block removes take no part in the blank-line rules.
    fn collapsed_blocks(&mut self, file: FileId) -> Vec<Edit> {
        let mut edits = Vec::new();
        let mut consumed = BTreeSet::new();
        for (id, node) in self.tree.nodes() {
            let Some(block) = node.block() else { continue };
            let Some(close) = block.close else { continue };
            let (open_line, close_line) = (
                self.source.line_of(block.open.start()),
                self.source.line_of(close.start()),
            );
            let close_line_end = self
                .source
                .line_range(close_line)
                .map_or(close.end(), |range| range.end);
            let empty = self.tree.children(id).next().is_none()
                && !self.tree.has_comment_in(block.open.end(), close_line_end)
                && (open_line + 1..close_line).all(|line| self.is_blank(line));
            if open_line == close_line || !empty || !self.near(open_line, close_line) {
                continue;
            }
            consumed.extend(open_line + 1..=close_line);
            edits.push(Edit::replace(Span::new(file, block.open.start(), close.end()), "{}"));
        }
        self.consumed = consumed;
        edits
    }

    /// Blank lines that the canonical layout does not have: at the start or
    /// end of the file, after a `{`, before a `}`, or more than one in a row.
    fn surplus_blank_lines(&self, file: FileId) -> Vec<Edit> {
        let mut edits = Vec::new();
        let mut line = 0;
        while line < self.lines {
            if !self.is_blank(line) || self.consumed.contains(&line) {
                line += 1;
                continue;
            }
            let first = line;
            while line < self.lines && self.is_blank(line) && !self.consumed.contains(&line) {
                line += 1;
            }
            let last = line - 1;
            if !self.near(first, last) {
                continue;
            }
            let remove_all =
                first == 0 || line == self.lines || self.opening.contains(&(first - 1)) || self.closing.contains(&line);
            let remove_from = if remove_all { first } else { first + 1 };
            if remove_from <= last {
                edits.push(Edit::delete(self.whole_lines(file, remove_from, last)));
            }
        }
        edits
    }

    /// Lines `first..=last` with their line endings.
    fn whole_lines(&self, file: FileId, first: usize, last: usize) -> Span {
        let start = self.source.line_start(first).unwrap_or(0);
        let end = self.source.line_start(last + 1).unwrap_or(self.source.text.len());
        Span::new(file, start, end)
    }
}
