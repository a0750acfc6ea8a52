//! Every span a diagnostic carries points into its file's text, on
//! character boundaries, so that renderers and editors can slice it.

use crmpol::{Diagnostic, SourceSet, Span};

/// Checks the labels and the fix edits of every diagnostic, and that
/// every diagnostic has a label to be reported at and points only at
/// leaf/channel entries that exist.
pub fn assert_diagnostics_point_inside(sources: &SourceSet, diagnostics: &[Diagnostic], entry_count: usize) {
    for diagnostic in diagnostics {
        assert!(
            !diagnostic.labels.is_empty(),
            "{} {:?} has no label",
            diagnostic.code,
            diagnostic.message
        );
        for label in &diagnostic.labels {
            assert_span_inside(sources, label.span, diagnostic, "label");
        }
        for fix in &diagnostic.fixes {
            for edit in &fix.edits {
                assert_span_inside(sources, edit.span, diagnostic, "fix edit");
            }
        }
        for &entry in &diagnostic.entries {
            assert!(
                entry < entry_count,
                "{} {:?} names entry {entry} of {entry_count}",
                diagnostic.code,
                diagnostic.message
            );
        }
    }
}

/// One span lies inside its file and starts and ends on character boundaries.
pub fn assert_span_inside(sources: &SourceSet, span: Span, diagnostic: &Diagnostic, what: &str) {
    let code = diagnostic.code;
    let message = &diagnostic.message;
    let Some(file) = sources.get(span.file()) else {
        panic!("{code} {message:?}: {what} {span:?} is in no file of the set");
    };
    let text = &file.text;
    assert!(
        span.start() <= span.end() && span.end() <= text.len(),
        "{code} {message:?}: {what} {span:?} is outside its file of {} bytes",
        text.len()
    );
    assert!(
        text.is_char_boundary(span.start()) && text.is_char_boundary(span.end()),
        "{code} {message:?}: {what} {span:?} cuts a character"
    );
}
