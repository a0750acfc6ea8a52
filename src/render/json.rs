//! `--message-format json`: one JSON object per diagnostic, one per line.

use crate::diagnostic::{Applicability, Code, Diagnostic, LabelStyle, Severity};
use crate::source::{SourceSet, Span};
use crate::suppress::Suppressed;
use serde::Serialize;

/// A diagnostic as tools read it. Field names are part of the interface.
#[derive(Clone, Debug, Serialize)]
pub struct JsonDiagnostic<'a> {
    pub code: Code,
    pub severity: Severity,
    pub message: &'a str,
    pub help: Option<&'a str>,
    pub notes: &'a [String],
    pub spans: Vec<JsonSpan<'a>>,
    pub fixes: Vec<JsonFix<'a>>,
    /// Silenced by an allow comment: it does not count towards the exit
    /// status.
    pub suppressed: bool,
    /// Where the allow comment's code is, for a suppressed diagnostic.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed_by: Option<JsonRange<'a>>,
}

/// A way to resolve a diagnostic, as edits an editor can apply.
#[derive(Clone, Debug, Serialize)]
pub struct JsonFix<'a> {
    pub description: &'a str,
    pub applicability: Applicability,
    pub edits: Vec<JsonEdit<'a>>,
}

/// Replace the range with `replacement`.
#[derive(Clone, Debug, Serialize)]
pub struct JsonEdit<'a> {
    #[serde(flatten)]
    pub range: JsonRange<'a>,
    pub replacement: &'a str,
}

/// A labelled range.
#[derive(Clone, Debug, Serialize)]
pub struct JsonSpan<'a> {
    #[serde(flatten)]
    pub range: JsonRange<'a>,
    pub label: &'a str,
    pub primary: bool,
}

/// A range of a file: byte offsets and one-based lines and columns
/// (columns count characters); the end is exclusive.
#[derive(Clone, Debug, Serialize)]
pub struct JsonRange<'a> {
    pub file: &'a str,
    pub byte_start: usize,
    pub byte_end: usize,
    pub line_start: usize,
    pub column_start: usize,
    pub line_end: usize,
    pub column_end: usize,
}

impl<'a> JsonDiagnostic<'a> {
    pub fn new(diagnostic: &'a Diagnostic, sources: &'a SourceSet) -> Self {
        JsonDiagnostic {
            code: diagnostic.code,
            severity: diagnostic.severity,
            message: &diagnostic.message,
            help: diagnostic.help.as_deref(),
            notes: &diagnostic.notes,
            spans: diagnostic
                .labels
                .iter()
                .map(|label| JsonSpan {
                    range: json_range(sources, label.span),
                    label: &label.message,
                    primary: label.style == LabelStyle::Primary,
                })
                .collect(),
            fixes: diagnostic
                .fixes
                .iter()
                .map(|fix| JsonFix {
                    description: &fix.description,
                    applicability: fix.applicability,
                    edits: fix
                        .edits
                        .iter()
                        .map(|edit| JsonEdit {
                            range: json_range(sources, edit.span),
                            replacement: &edit.replacement,
                        })
                        .collect(),
                })
                .collect(),
            suppressed: false,
            suppressed_by: None,
        }
    }

    /// A diagnostic an allow comment silenced.
    pub fn suppressed(suppressed: &'a Suppressed, sources: &'a SourceSet) -> Self {
        JsonDiagnostic {
            suppressed: true,
            suppressed_by: Some(json_range(sources, suppressed.by)),
            ..JsonDiagnostic::new(&suppressed.diagnostic, sources)
        }
    }
}

pub fn json_range(sources: &SourceSet, span: Span) -> JsonRange<'_> {
    let (start, end) = match sources.get(span.file()) {
        Some(file) => (file.line_column(span.start()), file.line_column(span.end())),
        None => Default::default(),
    };
    JsonRange {
        file: sources.name(span.file()),
        byte_start: span.start(),
        byte_end: span.end(),
        line_start: start.line,
        column_start: start.column,
        line_end: end.line,
        column_end: end.column,
    }
}

/// One line per diagnostic in force, then one per diagnostic an allow
/// comment silenced, written to `out` as each is made (a large report is
/// never held whole), raw controls escaped (see
/// [`super::json_without_raw_controls`]; [`super::json_line`] writes them).
pub fn write(
    diagnostics: &[Diagnostic],
    suppressed: &[Suppressed],
    sources: &SourceSet,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let objects = diagnostics
        .iter()
        .map(|diagnostic| JsonDiagnostic::new(diagnostic, sources))
        .chain(
            suppressed
                .iter()
                .map(|suppressed| JsonDiagnostic::suppressed(suppressed, sources)),
        );
    let mut line = Vec::new();
    for object in objects {
        line.clear();
        super::json_line::write_line(&object, &mut line);
        line.push(b'\n');
        out.write_all(&line)?;
    }
    Ok(())
}
