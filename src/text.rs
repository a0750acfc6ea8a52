//! Characters: what the language counts as white space, which characters
//! cannot be seen or would act on a terminal, and how text from a policy is
//! quoted in messages.
//!
//! In: characters and strings from policy files. Out: classifications, names
//! ("a no-break space (U+00A0)") and display forms in which every such
//! character is written out as `<U+00A0>`, so no output of crmpol ever
//! carries a raw control character, and a message never shows two spellings
//! that look the same but differ.
//!
//! White space is one definition everywhere: a space or a tab, as in
//! "between words, any run of spaces or tabs counts as one space". Other
//! Unicode spaces (a no-break space pasted from a web page, a vertical tab)
//! are not white space but characters of their own, which the parser reports
//! by name.

use std::borrow::Cow;

/// The language's white space: a space or a tab, nothing else.
pub fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// `text` without the blanks at its end.
pub fn trim_end_blanks(text: &str) -> &str {
    text.trim_end_matches(is_blank)
}

/// `text` without the blanks at its start.
pub fn trim_start_blanks(text: &str) -> &str {
    text.trim_start_matches(is_blank)
}

/// `text` without the blanks at either end.
pub fn trim_blanks(text: &str) -> &str {
    trim_start_blanks(trim_end_blanks(text))
}

/// C0 controls (tab included), DEL and C1 controls: characters a terminal may
/// act on rather than show.
pub fn is_control(c: char) -> bool {
    c.is_control()
}

/// Characters that reorder the text around them (bidirectional overrides,
/// embeddings, isolates and marks): the "Trojan source" characters.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Characters with no visible shape, or that look like a plain space but are
/// not one: zero-width characters, the byte-order mark, the soft hyphen and
/// Unicode's other spaces.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00A0}'
            | '\u{00AD}'
            | '\u{034F}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{1680}'
            | '\u{180E}'
            | '\u{2000}'..='\u{200D}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202F}'
            | '\u{205F}'
            | '\u{2060}'..='\u{2064}'
            | '\u{3000}'
            | '\u{3164}'
            | '\u{FEFF}'
            | '\u{FFA0}'
    )
}

/// Whether a character is written out as `<U+XXXX>` wherever crmpol shows
/// text from a policy: controls, bidirectional controls and invisible
/// characters.
pub fn needs_escape(c: char) -> bool {
    is_control(c) || is_bidi_control(c) || is_invisible(c)
}

/// Unicode's spaces that are not the language's white space: mistaken for
/// a space, so a fix may put a space in their place.
pub fn is_space_look_alike(c: char) -> bool {
    c != ' ' && c != '\t' && (c.is_whitespace() || matches!(c, '\u{180E}' | '\u{200B}' | '\u{FEFF}'))
}

/// `U+00A0`.
pub fn code_point(c: char) -> String {
    format!("U+{:04X}", u32::from(c))
}

/// A character by name, for messages: "a no-break space (U+00A0)".
pub fn describe_char(c: char) -> String {
    let name = match c {
        '\t' => "a tab",
        '\u{0B}' => "a vertical tab",
        '\u{0C}' => "a form feed",
        '\r' => "a carriage return",
        '\u{1B}' => "an escape character",
        '\u{7F}' => "a delete character",
        '\u{85}' => "a next-line character",
        '\u{A0}' => "a no-break space",
        '\u{AD}' => "a soft hyphen",
        '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{1680}' => "a typographic space",
        '\u{3000}' => "an ideographic space",
        '\u{200B}' => "a zero-width space",
        '\u{200C}' => "a zero-width non-joiner",
        '\u{200D}' => "a zero-width joiner",
        '\u{2060}' => "a word joiner",
        '\u{FEFF}' => "a zero-width no-break space (byte-order mark)",
        '\u{2028}' => "a line separator",
        '\u{2029}' => "a paragraph separator",
        '\u{202A}' => "a left-to-right embedding",
        '\u{202B}' => "a right-to-left embedding",
        '\u{202C}' => "a pop-directional-formatting character",
        '\u{202D}' => "a left-to-right override",
        '\u{202E}' => "a right-to-left override",
        '\u{2066}' => "a left-to-right isolate",
        '\u{2067}' => "a right-to-left isolate",
        '\u{2068}' => "a first-strong isolate",
        '\u{2069}' => "a pop-directional-isolate character",
        '\u{200E}' => "a left-to-right mark",
        '\u{200F}' => "a right-to-left mark",
        '\u{061C}' => "an Arabic letter mark",
        c if is_control(c) => "a control character",
        c if is_invisible(c) => "an invisible character",
        _ => return format!("`{c}` ({})", code_point(c)),
    };
    format!("{name} ({})", code_point(c))
}

/// `text` with every character that [`needs_escape`] written as `<U+XXXX>`.
/// Borrowed when nothing needs escaping, which is nearly always.
pub fn escape_hidden(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if needs_escape(c) {
            out.push('<');
            out.push_str(&code_point(c));
            out.push('>');
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// How many characters of a policy's text a message quotes before cutting.
pub const QUOTED_CHARS: usize = 60;

/// Text from a policy as a message quotes it (the caller adds the
/// backticks): hidden characters written out, and text longer than
/// [`QUOTED_CHARS`] characters cut with "…", so a 200,000-character value
/// does not become a 200 KB message.
pub fn quoted(text: &str) -> Cow<'_, str> {
    shown_cut(text, QUOTED_CHARS)
}

/// Text from a policy shown to a person: hidden characters written out,
/// and cut with "…" after `max_chars` characters.
pub fn shown_cut(text: &str, max_chars: usize) -> Cow<'_, str> {
    match text.char_indices().nth(max_chars) {
        None => escape_hidden(text),
        Some((cut, _)) => Cow::Owned(format!("{}…", escape_hidden(&text[..cut]))),
    }
}

/// "a", "a or b", "a, b or c".
pub fn or_list(items: &[String]) -> String {
    joined(items, "or")
}

/// "a", "a and b", "a, b and c".
pub fn and_list(items: &[String]) -> String {
    joined(items, "and")
}

fn joined(items: &[String], conjunction: &str) -> String {
    match items.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, init)) => format!("{} {conjunction} {last}", init.join(", ")),
        None => String::new(),
    }
}

/// Text written to memory as bytes (a report made by a writer), as a
/// string: it is UTF-8, since every writer of crmpol writes text; should a
/// byte not be, it is replaced rather than lost.
pub fn from_written(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn white_space_is_spaces_and_tabs_only() {
        assert_eq!(trim_blanks(" \tyes\t "), "yes");
        assert_eq!(
            trim_end_blanks("yes\u{a0}"),
            "yes\u{a0}",
            "a no-break space is a character"
        );
        assert_eq!(trim_end_blanks("yes\u{b}"), "yes\u{b}");
    }

    #[test]
    fn hidden_characters_are_written_out() {
        assert_eq!(escape_hidden("a\u{1b}[2Jb"), "a<U+001B>[2Jb");
        assert_eq!(escape_hidden("skip\u{a0}account"), "skip<U+00A0>account");
        assert_eq!(escape_hidden("\u{202e}evil"), "<U+202E>evil");
        assert!(matches!(escape_hidden("plain é 日本"), Cow::Borrowed(_)));
    }

    #[test]
    fn characters_are_named() {
        assert_eq!(describe_char('\u{a0}'), "a no-break space (U+00A0)");
        assert_eq!(describe_char('\u{1b}'), "an escape character (U+001B)");
        assert_eq!(describe_char('\u{9b}'), "a control character (U+009B)");
    }

    #[test]
    fn long_text_is_cut_in_messages() {
        let long = "x".repeat(200_000);
        let shown = quoted(&long);
        assert_eq!(shown.chars().count(), QUOTED_CHARS + 1);
        assert!(shown.ends_with('…'));
        assert_eq!(quoted("short"), "short");
    }
}
