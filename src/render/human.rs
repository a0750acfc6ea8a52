//! `--message-format human`: miette's graphical report with the source
//! lines, one report per diagnostic. Labels in other files than the primary
//! one appear as related reports under it, each with its own source lines.
//! The lines come from an [`Excerpt`], which writes out characters a
//! terminal must not receive and cuts very long lines.

use super::RenderOptions;
use super::excerpt::{CONTEXT_LINES, Excerpt};
use crate::diagnostic::{Diagnostic, Label, LabelStyle, Severity};
use crate::source::{FileId, SourceSet};
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceCode, ThemeCharacters, ThemeStyles};
use std::fmt;

pub fn render(diagnostics: &[Diagnostic], sources: &SourceSet, options: RenderOptions) -> String {
    let theme = GraphicalTheme {
        characters: if options.unicode {
            ThemeCharacters::unicode()
        } else {
            ThemeCharacters::ascii()
        },
        styles: if options.color {
            ThemeStyles::ansi()
        } else {
            ThemeStyles::none()
        },
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(options.width)
        .with_links(false)
        .with_context_lines(CONTEXT_LINES);
    let mut out = String::new();
    for diagnostic in diagnostics {
        let (report, elsewhere) = Report::split(diagnostic, sources);
        render_one(&handler, &report, &mut out);
        for note in &diagnostic.notes {
            out.push_str(&wrap(note, "  note: ", options.width));
        }
        // Labels in other files follow the notes, so the notes stay with the
        // report they explain.
        for part in &elsewhere {
            out.push('\n');
            render_one(&handler, part, &mut out);
        }
        out.push('\n');
    }
    out
}

/// Wraps text at word boundaries under a label, indenting later lines to
/// the text, as miette does for `help:`.
fn wrap(text: &str, label: &str, width: usize) -> String {
    let indent = " ".repeat(label.chars().count());
    let mut out = String::from(label);
    let mut column = label.chars().count();
    let mut line_has_words = false;
    for word in text.split(' ') {
        let length = word.chars().count();
        if line_has_words && column + 1 + length > width {
            out.push('\n');
            out.push_str(&indent);
            column = indent.len();
            line_has_words = false;
        }
        if line_has_words {
            out.push(' ');
            column += 1;
        }
        out.push_str(word);
        column += length;
        line_has_words = true;
    }
    out.push('\n');
    out
}

fn render_one(handler: &GraphicalReportHandler, report: &Report<'_>, out: &mut String) {
    if handler.render_report(out, report).is_err() {
        let diagnostic = report.diagnostic;
        out.push_str(&format!(
            "{}[{}]: {}\n",
            diagnostic.severity, diagnostic.code, diagnostic.message
        ));
    }
}

/// One diagnostic, or the part of it in one other file, as miette sees it.
struct Report<'a> {
    diagnostic: &'a Diagnostic,
    /// The message: the diagnostic's own, or a pointer for a part elsewhere.
    message: String,
    source: Option<Excerpt<'a>>,
    labels: Vec<&'a Label>,
    /// A part in another file: no code, help or severity of its own.
    is_elsewhere: bool,
}

impl<'a> Report<'a> {
    /// The report for the primary label's file, and one per other file.
    fn split(diagnostic: &'a Diagnostic, sources: &'a SourceSet) -> (Report<'a>, Vec<Report<'a>>) {
        let home = diagnostic.primary_span().map(|span| span.file());
        let mut files: Vec<Option<FileId>> = vec![home];
        for label in &diagnostic.labels {
            if !files.contains(&Some(label.span.file())) {
                files.push(Some(label.span.file()));
            }
        }
        let mut reports = files.into_iter().map(|file| {
            let labels: Vec<&Label> = diagnostic
                .labels
                .iter()
                .filter(|label| Some(label.span.file()) == file)
                .collect();
            let spans: Vec<_> = labels.iter().map(|label| label.span).collect();
            Report {
                diagnostic,
                message: match file {
                    Some(file) if file != home.unwrap_or(file) => {
                        format!("see also `{}`", crate::text::escape_hidden(sources.name(file)))
                    }
                    _ => diagnostic.message.clone(),
                },
                source: file
                    .and_then(|file| sources.get(file))
                    .map(|source| Excerpt::new(source, &spans)),
                labels,
                is_elsewhere: file != home,
            }
        });
        let main = reports.next().unwrap_or(Report {
            diagnostic,
            message: diagnostic.message.clone(),
            source: None,
            labels: Vec::new(),
            is_elsewhere: false,
        });
        (main, reports.collect())
    }
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        (!self.is_elsewhere).then(|| Box::new(self.diagnostic.code) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match (self.is_elsewhere, self.diagnostic.severity) {
            (true, _) => miette::Severity::Advice,
            (false, Severity::Error) => miette::Severity::Error,
            (false, Severity::Warning) => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        if self.is_elsewhere {
            return None;
        }
        self.diagnostic
            .help
            .as_ref()
            .map(|help| Box::new(help) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|source| source as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let excerpt = self.source.as_ref()?;
        let labels = self.labels.iter().map(move |label| {
            let span = excerpt.shown_span(label.span);
            let text = Some(label.message.clone());
            match label.style {
                LabelStyle::Primary => LabeledSpan::new_primary_with_span(text, span),
                LabelStyle::Secondary => LabeledSpan::new_with_span(text, span),
            }
        });
        Some(Box::new(labels))
    }
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wraps_under_the_label() {
        let wrapped = wrap("one two three four", "  note: ", 20);
        assert_eq!(wrapped, "  note: one two\n        three four\n");
    }

    #[test]
    fn keeps_an_overlong_word_whole() {
        assert_eq!(wrap("abcdefghijklmnop", "n: ", 5), "n: abcdefghijklmnop\n");
    }
}
