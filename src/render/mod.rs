//! Diagnostics as text: miette for people (`human`), codespan-reporting for
//! editors' quickfix lists (`short`), serde for tools (`json`), SARIF for
//! code scanning (`sarif`) and workflow commands for GitHub Actions
//! (`github`).
//!
//! In: [`Diagnostic`]s and the [`SourceSet`] their spans point into. Out: a
//! string, or the same text written to a stream as it is made ([`write`]).
//! The checker never calls into this module.

mod excerpt;
mod github;
mod human;
mod json;
mod json_line;
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
    if holds_raw_controls(&json) {
        escape_raw_controls(&json)
    } else {
        json
    }
}

/// A character [`json_without_raw_controls`] escapes.
fn is_raw_control(c: char) -> bool {
    (c.is_control() && c != '\n') || crate::text::is_bidi_control(c)
}

fn escape_raw_controls(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if is_raw_control(c) {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether a text holds a character [`json_without_raw_controls`]
/// escapes, looking only at the characters that can be one (a quick pass
/// over a large report): C0 controls and DEL are such bytes themselves, a
/// C1 control's UTF-8 starts with 0xC2, the bidirectional controls' with
/// 0xE2, and all of these start a character.
fn holds_raw_controls(text: &str) -> bool {
    const CHUNK: usize = 64;
    let may_start = |byte: u8| (byte < 0x20 && byte != b'\n') | (byte == 0x7f) | (byte == 0xc2) | (byte == 0xe2);
    // A chunk is tested without stopping early, which the compiler turns
    // into vector instructions; only a chunk that may hold one is read
    // character by character.
    text.as_bytes().chunks(CHUNK).enumerate().any(|(index, chunk)| {
        chunk.iter().fold(false, |found, &byte| found | may_start(byte))
            && chunk.iter().enumerate().any(|(offset, &byte)| {
                may_start(byte)
                    && text
                        .get(index * CHUNK + offset..)
                        .and_then(|rest| rest.chars().next())
                        .is_some_and(is_raw_control)
            })
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
    let mut bytes = Vec::new();
    // Writing to memory cannot fail, and every format writes UTF-8.
    let _ = write(diagnostics, suppressed, sources, format, options, &mut bytes);
    crate::text::from_written(bytes)
}

/// [`render`], written to `out`. The `json` format is written a line at a
/// time, so a report of a million diagnostics is never held whole; the
/// others are made whole first (SARIF is one JSON document, and the
/// formats for people are read a screen at a time).
pub fn write(
    diagnostics: &[Diagnostic],
    suppressed: &[Suppressed],
    sources: &SourceSet,
    format: MessageFormat,
    options: RenderOptions,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let text = match format {
        MessageFormat::Json => return json::write(diagnostics, suppressed, sources, out),
        MessageFormat::Human => human::render(diagnostics, sources, options),
        MessageFormat::Short => short::render(diagnostics, sources),
        MessageFormat::Sarif => json_without_raw_controls(sarif::render(diagnostics, suppressed, sources)),
        MessageFormat::Github => github::render(diagnostics, sources),
    };
    out.write_all(text.as_bytes())
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
