//! Diagnostics as text: miette for people (`human`), codespan-reporting for
//! editors' quickfix lists (`short`), serde for tools (`json`).
//!
//! In: [`Diagnostic`]s and the [`SourceSet`] their spans point into. Out: a
//! string. The checker never calls into this module.

mod human;
mod json;
mod short;

use crate::diagnostic::Diagnostic;
use crate::source::SourceSet;

pub use json::{JsonDiagnostic, JsonSpan};

/// How diagnostics are printed (`--message-format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MessageFormat {
    Human,
    Short,
    Json,
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
    }
}
