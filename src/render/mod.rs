//! Diagnostics as text: miette for people (`human`), codespan-reporting for
//! editors' quickfix lists (`short`), serde for tools (`json`), SARIF for
//! code scanning (`sarif`) and workflow commands for GitHub Actions
//! (`github`).
//!
//! In: [`Diagnostic`]s and the [`SourceSet`] their spans point into. Out: a
//! string. The checker never calls into this module.

mod github;
mod human;
mod json;
mod sarif;
mod short;

use crate::diagnostic::Diagnostic;
use crate::source::SourceSet;

pub use json::{JsonDiagnostic, JsonEdit, JsonFix, JsonRange, JsonSpan};

/// How diagnostics are printed (`--message-format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MessageFormat {
    Human,
    Short,
    Json,
    Sarif,
    Github,
}

impl MessageFormat {
    /// Formats read by people are capped (`--max-diagnostics`); formats
    /// read by tools always carry every diagnostic.
    pub fn is_for_people(self) -> bool {
        matches!(
            self,
            MessageFormat::Human | MessageFormat::Short | MessageFormat::Github
        )
    }
}

/// Presentation choices for the human format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RenderOptions {
    pub color: bool,
    /// Terminal width in columns, for wrapping.
    pub width: usize,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            color: false,
            width: 100,
        }
    }
}

/// Renders diagnostics in a format; each ends with a newline.
pub fn render(
    diagnostics: &[Diagnostic],
    sources: &SourceSet,
    format: MessageFormat,
    options: RenderOptions,
) -> String {
    match format {
        MessageFormat::Human => human::render(diagnostics, sources, options),
        MessageFormat::Short => short::render(diagnostics, sources),
        MessageFormat::Json => json::render(diagnostics, sources),
        MessageFormat::Sarif => sarif::render(diagnostics, sources),
        MessageFormat::Github => github::render(diagnostics, sources),
    }
}
