//! Text edits that whole-statement fixes share: removing a statement's
//! line, or adding a statement above another with the same indentation and
//! line ending.

use crate::diagnostic::Edit;
use crate::source::{SourceSet, Span};

/// Removes the lines of a statement, with their line ending.
pub fn remove_line(sources: &SourceSet, statement: Span) -> Edit {
    let lines = sources
        .get(statement.file)
        .map_or(statement, |file| file.full_lines(statement));
    Edit::delete(lines)
}

/// Adds `statement` on a new line above `beside`, indented like it.
pub fn insert_line_above(sources: &SourceSet, beside: Span, statement: &str) -> Edit {
    let Some(file) = sources.get(beside.file) else {
        return Edit::insert(beside, statement);
    };
    let line_start = file.full_lines(beside);
    let text = format!("{}{statement}{}", file.indentation_at(beside.start), file.line_ending());
    Edit::insert(line_start, text)
}
