//! `--message-format short`: one `file:line:col: severity[CODE]: message`
//! line per diagnostic, through codespan-reporting.

use crate::diagnostic::{Diagnostic, LabelStyle, Severity};
use crate::source::{FileId, SourceSet};
use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term::{self, Config, DisplayStyle};
use std::ops::Range;

/// Lets codespan-reporting read our sources without copying them.
struct SourceFiles<'a>(&'a SourceSet);

impl<'a> Files<'a> for SourceFiles<'a> {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<&'a str, FilesError> {
        self.0
            .get(id)
            .map(|file| file.name.as_str())
            .ok_or(FilesError::FileMissing)
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, FilesError> {
        self.0
            .get(id)
            .map(|file| file.text.as_str())
            .ok_or(FilesError::FileMissing)
    }

    fn line_index(&'a self, id: FileId, byte_index: usize) -> Result<usize, FilesError> {
        let file = self.0.get(id).ok_or(FilesError::FileMissing)?;
        Ok(file.line_of(byte_index))
    }

    /// From the line index, in code points: the default walks the line from
    /// its start for every diagnostic, which is quadratic on a long line.
    fn column_number(&'a self, id: FileId, _line_index: usize, byte_index: usize) -> Result<usize, FilesError> {
        let file = self.0.get(id).ok_or(FilesError::FileMissing)?;
        Ok(file.line_column(byte_index).column)
    }

    fn line_range(&'a self, id: FileId, line_index: usize) -> Result<Range<usize>, FilesError> {
        let file = self.0.get(id).ok_or(FilesError::FileMissing)?;
        // codespan wants the range with its line ending, up to the next line.
        let next = file.line_range(line_index + 1).map(|range| range.start);
        let this = file.line_range(line_index).ok_or(FilesError::LineTooLarge {
            given: line_index,
            max: file.line_count().saturating_sub(1),
        })?;
        Ok(this.start..next.unwrap_or(file.text.len()))
    }
}

pub fn render(diagnostics: &[Diagnostic], sources: &SourceSet) -> String {
    let files = SourceFiles(sources);
    let config = Config {
        display_style: DisplayStyle::Short,
        ..Config::default()
    };
    let mut out = String::new();
    for diagnostic in diagnostics {
        let converted = to_codespan(diagnostic);
        if term::emit_to_string(&mut out, &config, &files, &converted).is_err() {
            // A span outside its file is a bug; still print the message.
            out.push_str(&format!(
                "{}[{}]: {}\n",
                diagnostic.severity, diagnostic.code, diagnostic.message
            ));
        }
    }
    out
}

/// Only the primary label is given: the short style prints one line per
/// primary label, and each diagnostic has exactly one.
fn to_codespan(diagnostic: &Diagnostic) -> cs::Diagnostic<FileId> {
    let severity = match diagnostic.severity {
        Severity::Error => cs::Severity::Error,
        Severity::Warning => cs::Severity::Warning,
    };
    let primary = diagnostic
        .labels
        .iter()
        .find(|label| label.style == LabelStyle::Primary)
        .map(|label| cs::Label::primary(label.span.file(), label.span.range()).with_message(&label.message));
    cs::Diagnostic::new(severity)
        .with_code(diagnostic.code.as_str())
        .with_message(&diagnostic.message)
        .with_labels(primary.into_iter().collect())
}
