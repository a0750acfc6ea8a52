//! `--message-format github`: GitHub Actions workflow commands, one line per
//! diagnostic, which the runner turns into annotations on the pull request:
//! `::error file=F,line=L,col=C,endLine=..,endColumn=..,title=CODE::message`.

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::SourceSet;

pub fn render(diagnostics: &[Diagnostic], sources: &SourceSet) -> String {
    let mut out = String::new();
    for diagnostic in diagnostics {
        let command = match diagnostic.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut properties = Vec::new();
        if let Some(span) = diagnostic.primary_span() {
            properties.push(format!("file={}", escape_property(sources.name(span.file()))));
            if let Some(file) = sources.get(span.file()) {
                let start = file.line_column(span.start());
                let end = file.line_column(span.end());
                properties.push(format!("line={}", start.line));
                properties.push(format!("col={}", start.column));
                properties.push(format!("endLine={}", end.line));
                properties.push(format!("endColumn={}", end.column));
            }
        }
        properties.push(format!(
            "title={}",
            escape_property(&format!("{} {}", diagnostic.code, diagnostic.code.title()))
        ));
        let mut message = diagnostic.message.clone();
        if let Some(help) = &diagnostic.help {
            message.push_str(&format!("\nhelp: {help}"));
        }
        out.push_str(&format!(
            "::{command} {}::{}\n",
            properties.join(","),
            escape_data(&message)
        ));
    }
    out
}

/// The runner's escaping for a command's message.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// The runner's escaping for a property value, which also may not hold the
/// separators `:` and `,`.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_separators_and_line_breaks() {
        assert_eq!(escape_data("50%\nnext"), "50%25%0Anext");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
