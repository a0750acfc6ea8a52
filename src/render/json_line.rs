//! One [`JsonDiagnostic`] as one line of JSON, written by hand. In: the
//! diagnostic's JSON view. Out: the text serde_json writes for it, with
//! the raw controls [`super::json_without_raw_controls`] escapes already
//! escaped, in one pass.
//!
//! A large report is tens of thousands of these lines, and serde's general
//! path (a check of every byte of every string, then a second pass for raw
//! controls) was most of its cost. The tests hold this writer to serde's
//! text.

use super::json::{JsonDiagnostic, JsonEdit, JsonFix, JsonRange, JsonSpan};
use serde::Serialize;

/// Appends the diagnostic's JSON line, without its line feed, to `out`.
pub(super) fn write_line(diagnostic: &JsonDiagnostic<'_>, out: &mut Vec<u8>) {
    out.extend_from_slice(b"{\"code\":");
    string(diagnostic.code.as_str(), out);
    out.extend_from_slice(b",\"severity\":");
    serde_scalar(&diagnostic.severity, out);
    out.extend_from_slice(b",\"message\":");
    string(diagnostic.message, out);
    out.extend_from_slice(b",\"help\":");
    match diagnostic.help {
        Some(help) => string(help, out),
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\"notes\":");
    list(diagnostic.notes, out, |note, out| string(note, out));
    out.extend_from_slice(b",\"spans\":");
    list(&diagnostic.spans, out, span);
    out.extend_from_slice(b",\"fixes\":");
    list(&diagnostic.fixes, out, fix);
    out.extend_from_slice(b",\"suppressed\":");
    out.extend_from_slice(if diagnostic.suppressed { b"true" } else { b"false" });
    if let Some(by) = &diagnostic.suppressed_by {
        out.extend_from_slice(b",\"suppressed_by\":{");
        range_fields(by, out);
        out.push(b'}');
    }
    out.push(b'}');
}

fn span(span: &JsonSpan<'_>, out: &mut Vec<u8>) {
    out.push(b'{');
    range_fields(&span.range, out);
    out.extend_from_slice(b",\"label\":");
    string(span.label, out);
    out.extend_from_slice(b",\"primary\":");
    out.extend_from_slice(if span.primary { b"true" } else { b"false" });
    out.push(b'}');
}

fn fix(fix: &JsonFix<'_>, out: &mut Vec<u8>) {
    out.extend_from_slice(b"{\"description\":");
    string(fix.description, out);
    out.extend_from_slice(b",\"applicability\":");
    serde_scalar(&fix.applicability, out);
    out.extend_from_slice(b",\"edits\":");
    list(&fix.edits, out, edit);
    out.push(b'}');
}

fn edit(edit: &JsonEdit<'_>, out: &mut Vec<u8>) {
    out.push(b'{');
    range_fields(&edit.range, out);
    out.extend_from_slice(b",\"replacement\":");
    string(edit.replacement, out);
    out.push(b'}');
}

/// A range's fields, without braces: spans and edits flatten them.
fn range_fields(range: &JsonRange<'_>, out: &mut Vec<u8>) {
    out.extend_from_slice(b"\"file\":");
    string(range.file, out);
    let numbers = [
        ("byte_start", range.byte_start),
        ("byte_end", range.byte_end),
        ("line_start", range.line_start),
        ("column_start", range.column_start),
        ("line_end", range.line_end),
        ("column_end", range.column_end),
    ];
    for (name, value) in numbers {
        out.extend_from_slice(b",\"");
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b"\":");
        number(value, out);
    }
}

fn list<T>(items: &[T], out: &mut Vec<u8>, mut write: impl FnMut(&T, &mut Vec<u8>)) {
    out.push(b'[');
    for (index, item) in items.iter().enumerate() {
        if index > 0 {
            out.push(b',');
        }
        write(item, out);
    }
    out.push(b']');
}

/// A unit enum as serde spells it (its `rename_all` is the one source of
/// the names).
fn serde_scalar(value: &impl Serialize, out: &mut Vec<u8>) {
    // Writing a unit variant to memory cannot fail.
    let _ = serde_json::to_writer(&mut *out, value);
}

fn number(value: usize, out: &mut Vec<u8>) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = value;
    loop {
        at -= 1;
        // A digit, so the cast cannot truncate.
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    out.extend_from_slice(digits.get(at..).unwrap_or_default());
}

/// A JSON string: what serde escapes (quote, backslash, C0 controls), and
/// what the report escapes besides (DEL, C1 controls, bidirectional
/// controls), each as serde and [`super::json_without_raw_controls`] write
/// it.
fn string(text: &str, out: &mut Vec<u8>) {
    out.push(b'"');
    if may_need_escapes(text.as_bytes()) {
        escaped(text, out);
    } else {
        out.extend_from_slice(text.as_bytes());
    }
    out.push(b'"');
}

/// Whether a byte may begin something [`string`] escapes: a C0 control,
/// a quote, a backslash, DEL, or the first byte of a C1 control (0xC2) or
/// of a bidirectional control (0xE2).
fn may_begin_escape(byte: u8) -> bool {
    (byte < 0x20) | (byte == b'"') | (byte == b'\\') | (byte == 0x7f) | (byte == 0xc2) | (byte == 0xe2)
}

/// Whether a text holds such a byte, tested without stopping early, which
/// the compiler turns into vector instructions.
fn may_need_escapes(bytes: &[u8]) -> bool {
    bytes.iter().fold(false, |found, &byte| found | may_begin_escape(byte))
}

fn escaped(text: &str, out: &mut Vec<u8>) {
    let bytes = text.as_bytes();
    let mut plain_from = 0;
    let mut at = 0;
    while let Some(offset) = bytes
        .get(at..)
        .and_then(|rest| rest.iter().position(|&byte| may_begin_escape(byte)))
    {
        at += offset;
        let Some(c) = text.get(at..).and_then(|rest| rest.chars().next()) else {
            break;
        };
        let escape: Option<&[u8]> = match c {
            '"' => Some(b"\\\""),
            '\\' => Some(b"\\\\"),
            '\u{8}' => Some(b"\\b"),
            '\u{c}' => Some(b"\\f"),
            '\n' => Some(b"\\n"),
            '\r' => Some(b"\\r"),
            '\t' => Some(b"\\t"),
            _ => None,
        };
        let hex = escape.is_none() && (c.is_control() || crate::text::is_bidi_control(c));
        if escape.is_some() || hex {
            out.extend_from_slice(bytes.get(plain_from..at).unwrap_or_default());
            plain_from = at + c.len_utf8();
            match escape {
                Some(escape) => out.extend_from_slice(escape),
                None => unicode_escape(c, out),
            }
        }
        at += c.len_utf8();
    }
    out.extend_from_slice(bytes.get(plain_from..).unwrap_or_default());
}

/// `\uXXXX`, lower-case hex, for a character of the Basic Multilingual
/// Plane (every character [`escaped`] writes so is one).
fn unicode_escape(c: char, out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let code = u32::from(c);
    out.extend_from_slice(b"\\u");
    for shift in [12, 8, 4, 0] {
        out.push(HEX[((code >> shift) & 0xf) as usize]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Applicability, Code, Diagnostic, Edit, Fix, Severity};
    use crate::source::{FileId, SourceSet, Span};

    /// What the report wrote before this writer: serde's text, then raw
    /// controls escaped.
    fn serde_line(diagnostic: &JsonDiagnostic<'_>) -> String {
        super::super::json_without_raw_controls(serde_json::to_string(diagnostic).expect("json"))
    }

    fn hand_line(diagnostic: &JsonDiagnostic<'_>) -> String {
        let mut out = Vec::new();
        write_line(diagnostic, &mut out);
        String::from_utf8(out).expect("UTF-8")
    }

    const AWKWARD: [&str; 12] = [
        "",
        "plain text",
        "\"quoted\" \\ back",
        "tab\there\nnew line\r\u{8}\u{c}",
        "\u{0}\u{1}\u{1f}\u{7f}",
        "C1 \u{80}\u{85}\u{9f} and \u{a0}\u{c2}\u{bf}",
        "bidi \u{202a}\u{202e}\u{2066}\u{2069} and \u{2028}\u{2029}\u{200b}",
        "\u{e2}\u{20ac} euro, \u{1f600} emoji",
        "`queue` \"Sales\" / \"Q0000007\" (chat)",
        "ends with a backslash \\",
        "\u{feff}bom and \u{fffd}",
        "",
    ];

    #[test]
    fn a_line_is_the_text_serde_writes_with_raw_controls_escaped() {
        let sources = SourceSet::from_texts([("dir/\"odd\"\u{202e}.crmpol", "crm: zendesk\nqueue \"A\" {\n}\n")]);
        let span = Span::new(FileId(0), 13, 24);
        for (index, text) in AWKWARD.iter().enumerate() {
            let mut diagnostic = Diagnostic::new(Code::W0203, *text)
                .with_primary(span, *text)
                .with_secondary(Span::new(FileId(0), 0, 3), "second")
                .with_note(*text)
                .with_note("another")
                .with_fix(Fix::unsafe_fix(
                    *text,
                    vec![Edit::replace(span, *text), Edit::delete(span)],
                ));
            if index % 2 == 0 {
                diagnostic = diagnostic.with_help(*text);
            }
            if index % 3 == 0 {
                diagnostic.severity = Severity::Error;
                diagnostic.fixes.push(Fix {
                    applicability: Applicability::Safe,
                    ..Fix::unsafe_fix("safe", vec![])
                });
            }
            let mut json = JsonDiagnostic::new(&diagnostic, &sources);
            assert_eq!(hand_line(&json), serde_line(&json), "{text:?}");
            json.suppressed = true;
            json.suppressed_by = Some(super::super::json_range(&sources, Span::new(FileId(0), 1, 2)));
            assert_eq!(hand_line(&json), serde_line(&json), "{text:?}, suppressed");
        }
        let bare = Diagnostic::new(Code::E0001, "no labels");
        let json = JsonDiagnostic::new(&bare, &sources);
        assert_eq!(hand_line(&json), serde_line(&json));
    }

    #[test]
    fn every_character_of_the_first_planes_is_written_as_serde_writes_it() {
        // Every character up to U+3000, which holds every control and
        // bidirectional mark, in strings of a few characters each.
        let all: Vec<char> = (0..0x3000u32).filter_map(char::from_u32).collect();
        for chunk in all.chunks(7) {
            let text: String = chunk.iter().collect();
            let mut out = Vec::new();
            string(&text, &mut out);
            let expected = super::super::json_without_raw_controls(serde_json::to_string(&text).expect("json"));
            assert_eq!(String::from_utf8(out).expect("UTF-8"), expected, "{text:?}");
        }
    }

    #[test]
    fn numbers_are_written_in_decimal() {
        for value in [0, 7, 10, 99, 100, 65_535, 4_294_967_296, usize::MAX] {
            let mut out = Vec::new();
            number(value, &mut out);
            assert_eq!(out, value.to_string().as_bytes());
        }
    }
}
