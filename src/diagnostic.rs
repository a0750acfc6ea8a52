//! The diagnostic model every stage reports in.
//!
//! In: findings of the parser and the check rules. Out: [`Diagnostic`] values
//! (code, severity, message, labelled spans, help, notes) that the renderers
//! in `render` turn into miette, codespan-reporting or JSON output. Nothing
//! here knows about terminals, and nothing in the checker knows about
//! renderers.
//!
//! Codes are stable: tools may match on them, and each has an entry in
//! `docs/diagnostics.md`, which is compiled into the binary as the single
//! source of the long explanations.

use crate::source::{FileId, Span};
use serde::Serialize;
use std::fmt;

/// How bad a diagnostic is. Errors stop `compile`; warnings only do so
/// under `--deny-warnings`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// Declares the diagnostic codes with their severity and one-line title.
macro_rules! codes {
    ($($code:ident => $severity:ident, $title:literal;)*) => {
        /// A stable diagnostic code.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $($code,)* }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$code,)*];

            /// The code as printed: `E0101`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$code => stringify!($code),)* }
            }

            pub fn severity(self) -> Severity {
                match self { $(Code::$code => Severity::$severity,)* }
            }

            /// What the code is about, in a few words.
            pub fn title(self) -> &'static str {
                match self { $(Code::$code => $title,)* }
            }
        }
    };
}

codes! {
    E0001 => Error, "syntax error";
    E0002 => Error, "unknown setting name";
    E0003 => Error, "invalid value";
    E0004 => Error, "no `crm:` declaration";
    E0005 => Error, "more than one `crm:` declaration";
    E0006 => Error, "more than one `defaults` block";
    E0007 => Error, "setting given twice for the same queue and channel";
    E0008 => Error, "invalid queue name";
    E0009 => Error, "invalid allow comment";
    E0101 => Error, "append to the latest open record without an account lookup";
    E0102 => Error, "account lookup skipped while accounts are still created";
    E0103 => Error, "`records` option not offered for this combination";
    E0104 => Error, "skipping creation is not supported by this CRM";
    E0105 => Error, "one-channel setting in the other channel's block";
    E0106 => Error, "push to the account is offered only by ServiceNow";
    E0301 => Error, "queue not in the catalog";
    E0302 => Error, "the catalog cannot be used";
    E0303 => Error, "more than one `catalog:` declaration";
    W0201 => Warning, "setting repeats the value it inherits";
    W0202 => Warning, "setting is never effective";
    W0203 => Warning, "session data attached to nothing";
    W0204 => Warning, "sibling queue names differ only in case or spacing";
    W0205 => Warning, "sibling queue names look alike";
    W0206 => Warning, "allow comment silences nothing";
    W0207 => Warning, "setting has no effect";
    W0208 => Warning, "abandoned calls get no record while the call delay is on";
    W0209 => Warning, "Zendesk keeps no ticket when both creations are skipped";
    W0301 => Warning, "channel block that no catalog queue takes";
    W0302 => Warning, "the catalog lists a queue path twice for one channel";
}

impl Code {
    pub fn parse(text: &str) -> Option<Code> {
        Code::ALL
            .iter()
            .copied()
            .find(|code| code.as_str().eq_ignore_ascii_case(text))
    }

    /// The long explanation of this code: its section of
    /// `docs/diagnostics.md`, without the heading line.
    pub fn documentation(self) -> Option<&'static str> {
        documentation_section(DIAGNOSTICS_DOC, self.as_str())
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// The diagnostics reference, the one source of every code's explanation.
pub const DIAGNOSTICS_DOC: &str = include_str!("../docs/diagnostics.md");

/// The text under the `## CODE ...` heading, up to the next `## ` heading.
fn documentation_section(doc: &'static str, code: &str) -> Option<&'static str> {
    let mut offset = 0;
    for line in doc.split_inclusive('\n') {
        offset += line.len();
        let Some(heading) = line.strip_prefix("## ") else {
            continue;
        };
        if heading.split_whitespace().next() == Some(code) {
            let rest = &doc[offset..];
            let end = rest.find("\n## ").map_or(rest.len(), |at| at + 1);
            return Some(rest[..end].trim());
        }
    }
    None
}

/// Whether a label marks the place to fix or a place that contributes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LabelStyle {
    Primary,
    Secondary,
}

/// A span with a short explanation of its part in the diagnostic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
    pub style: LabelStyle,
}

/// Replace the bytes under `span` with `replacement` (empty to delete, an
/// empty span to insert).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub replacement: String,
}

impl Edit {
    pub fn replace(span: Span, replacement: impl Into<String>) -> Edit {
        Edit {
            span,
            replacement: replacement.into(),
        }
    }

    pub fn delete(span: Span) -> Edit {
        Edit::replace(span, "")
    }

    pub fn insert(at: Span, text: impl Into<String>) -> Edit {
        Edit::replace(Span::new(at.file(), at.start(), at.start()), text)
    }
}

/// Whether a fix may be applied without a person choosing it, after
/// ruff's model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// Does only what the author evidently meant, and changes the decision
    /// table of no entry that had no error: `crmpol check --fix` applies it
    /// when it is the diagnostic's only fix.
    Safe,
    /// A reasonable edit that makes a decision for the author (an editor
    /// offers it; `--fix --unsafe-fixes` applies it when it is the
    /// diagnostic's only fix).
    Unsafe,
}

/// One way to resolve a diagnostic: edits that belong together.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// What the fix does, as an imperative: "remove this line".
    pub description: String,
    pub applicability: Applicability,
    pub edits: Vec<Edit>,
}

impl Fix {
    pub fn safe(description: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix {
            description: description.into(),
            applicability: Applicability::Safe,
            edits,
        }
    }

    pub fn unsafe_fix(description: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix {
            description: description.into(),
            applicability: Applicability::Unsafe,
            edits,
        }
    }

    pub fn is_safe(&self) -> bool {
        self.applicability == Applicability::Safe
    }
}

/// One finding about a policy set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    /// One line, lower case, no final period, user text in backticks.
    pub message: String,
    /// The first primary label is where the diagnostic is reported.
    pub labels: Vec<Label>,
    pub help: Option<String>,
    pub notes: Vec<String>,
    /// Ways to resolve it, best first; empty when only a person can decide.
    pub fixes: Vec<Fix>,
    /// The leaf/channel entries the finding is about, as indexes into the
    /// analysis's entries; empty for findings about the text alone.
    pub entries: Vec<usize>,
}

impl Diagnostic {
    pub fn new(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: code.severity(),
            message: message.into(),
            labels: Vec::new(),
            help: None,
            notes: Vec::new(),
            fixes: Vec::new(),
            entries: Vec::new(),
        }
    }

    pub fn with_primary(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.labels.push(Label {
            span,
            message: message.into(),
            style: LabelStyle::Primary,
        });
        self
    }

    pub fn with_secondary(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.labels.push(Label {
            span,
            message: message.into(),
            style: LabelStyle::Secondary,
        });
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    pub fn with_fix(mut self, fix: Fix) -> Diagnostic {
        self.fixes.push(fix);
        self
    }

    pub fn with_entries(mut self, entries: Vec<usize>) -> Diagnostic {
        self.entries = entries;
        self
    }

    /// The fix `--fix` may apply on its own: the only fix there is, and a
    /// safe one (or, with `unsafe_fixes`, an unsafe one). With two candidate
    /// fixes, choosing is a person's job, whatever the flags.
    pub fn automatic_fix(&self, unsafe_fixes: bool) -> Option<&Fix> {
        match self.fixes.as_slice() {
            [only] if only.is_safe() || unsafe_fixes => Some(only),
            _ => None,
        }
    }

    /// Where the diagnostic is reported: its first primary label.
    pub fn primary_span(&self) -> Option<Span> {
        self.labels
            .iter()
            .find(|label| label.style == LabelStyle::Primary)
            .or(self.labels.first())
            .map(|label| label.span)
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Where the diagnostic comes in reading order: by file, then
    /// position, then code; those without a place first.
    pub fn reading_key(&self) -> (Option<(FileId, usize, usize)>, Code) {
        let span = self.primary_span();
        (span.map(|span| (span.file(), span.start(), span.end())), self.code)
    }
}

/// Puts diagnostics in reading order: by file, then position, then code.
pub fn sort_for_reading(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by_cached_key(Diagnostic::reading_key);
}

/// Counts of errors and warnings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub errors: usize,
    pub warnings: usize,
}

impl Tally {
    pub fn of(diagnostics: &[Diagnostic]) -> Tally {
        let errors = diagnostics.iter().filter(|d| d.is_error()).count();
        Tally {
            errors,
            warnings: diagnostics.len() - errors,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_parse_back_from_their_text() {
        for code in Code::ALL {
            assert_eq!(Code::parse(code.as_str()), Some(*code));
            assert_eq!(Code::parse(&code.as_str().to_lowercase()), Some(*code));
        }
        assert_eq!(Code::parse("E9999"), None);
    }

    #[test]
    fn severity_follows_the_code_letter() {
        for code in Code::ALL {
            let expected = if code.as_str().starts_with('E') {
                Severity::Error
            } else {
                Severity::Warning
            };
            assert_eq!(code.severity(), expected, "{code}");
        }
    }

    #[test]
    fn documentation_section_stops_at_next_heading() {
        let doc = "# T\n\n## E0001 syntax\n\nbody one\n\n## E0002 x\n\nbody two\n";
        assert_eq!(documentation_section(doc, "E0001"), Some("body one"));
        assert_eq!(documentation_section(doc, "E0002"), Some("body two"));
        assert_eq!(documentation_section(doc, "E0003"), None);
    }
}
