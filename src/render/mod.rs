//! Diagnostics as text: miette for people (`human`), codespan-reporting for
//! editors' quickfix lists (`short`), serde for tools (`json`), SARIF for
//! code scanning (`sarif`) and workflow commands for GitHub Actions
//! (`github`).
//!
//! In: [`Diagnostic`]s and the [`SourceSet`] their spans point into. Out: a
//! string. The checker never calls into this module.

mod excerpt;
mod github;
mod human;
mod json;
mod sarif;
mod short;

use crate::diagnostic::Diagnostic;
use crate::source::SourceSet;
use crate::suppress::Suppressed;

pub use json::{JsonDiagnostic, JsonEdit, JsonFix, JsonRange, JsonSpan, json_range};

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

/// JSON text with every control character and bidirectional override that
/// serde leaves raw (DEL, C1 controls, U+202A–U+202E, U+2066–U+2069) written
/// as a `\uXXXX` escape. Such characters only occur inside JSON strings, so
/// the JSON means the same, and no output of crmpol carries them raw: a
/// fix's replacement text, for one, comes straight from a policy file.
pub fn json_without_raw_controls(json: String) -> String {
    let raw = |c: char| (c.is_control() && c != '\n') || crate::text::is_bidi_control(c);
    if !holds_raw_controls(&json, raw) {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if raw(c) {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether a text holds a character `raw` says [`json_without_raw_controls`]
/// escapes, looking only at the characters that can be one (a quick pass
/// over a large report): C0 controls and DEL are such bytes themselves, a
/// C1 control's UTF-8 starts with 0xC2, the bidirectional controls' with
/// 0xE2, and all of these start a character.
fn holds_raw_controls(text: &str, raw: impl Fn(char) -> bool) -> bool {
    text.bytes().enumerate().any(|(at, byte)| {
        ((byte < 0x20 && byte != b'\n') || matches!(byte, 0x7f | 0xc2 | 0xe2))
            && text.get(at..).and_then(|rest| rest.chars().next()).is_some_and(&raw)
    })
}

/// Presentation choices for the human format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RenderOptions {
    pub color: bool,
    /// Terminal width in columns, for wrapping.
    pub width: usize,
    /// Draw with Unicode box characters; plain ASCII when the terminal
    /// cannot show them.
    pub unicode: bool,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            color: false,
            width: 100,
            unicode: true,
        }
    }
}

/// Renders diagnostics in a format; each ends with a newline. The formats
/// for tools (`json`, `sarif`) also carry the diagnostics allow comments
/// silenced, marked as such; the formats for people leave them out.
pub fn render(
    diagnostics: &[Diagnostic],
    suppressed: &[Suppressed],
    sources: &SourceSet,
    format: MessageFormat,
    options: RenderOptions,
) -> String {
    match format {
        MessageFormat::Human => human::render(diagnostics, sources, options),
        MessageFormat::Short => short::render(diagnostics, sources),
        MessageFormat::Json => json_without_raw_controls(json::render(diagnostics, suppressed, sources)),
        MessageFormat::Sarif => json_without_raw_controls(sarif::render(diagnostics, suppressed, sources)),
        MessageFormat::Github => github::render(diagnostics, sources),
    }
}

#[cfg(test)]
mod tests {
    use super::json_without_raw_controls;

    #[test]
    fn raw_controls_in_json_become_escapes_of_the_same_string() {
        let json = serde_json::to_string(&"a\u{85}b\u{202e}c\u{7f}").expect("json");
        let safe = json_without_raw_controls(json);
        assert_eq!(safe, r#""a\u0085b\u202ec\u007f""#);
        let back: String = serde_json::from_str(&safe).expect("still JSON");
        assert_eq!(back, "a\u{85}b\u{202e}c\u{7f}");
    }
}
