//! Output that is safe to print on a terminal: no character in it makes
//! the terminal act (move the cursor, change the title, reorder text)
//! rather than show something.

/// What an output may hold besides visible text.
#[derive(Clone, Copy, Debug)]
pub struct Allowed {
    /// Tabs: the human format keeps them in the source lines it shows.
    pub tab: bool,
    /// SGR colour sequences, `ESC [ digits and ; m`, and no other ESC.
    pub color: bool,
}

/// Panics at the first character a terminal must not receive: a control
/// character other than `\n` (and `\t` when allowed), including C1 controls
/// (U+0080 to U+009F) and DEL; ESC outside an SGR sequence, or at all
/// without colour; a bidirectional embedding, override or isolate
/// (U+202A to U+202E, U+2066 to U+2069).
pub fn assert_safe_for_terminal(output: &str, allowed: Allowed, what: &str) {
    let mut chars = output.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let context = || context(output, at);
        match c {
            '\n' => {}
            '\t' if allowed.tab => {}
            '\u{1b}' if allowed.color => {
                assert!(
                    chars.next().map(|(_, c)| c) == Some('['),
                    "{what}: ESC not starting an SGR sequence at byte {at}: {:?}",
                    context()
                );
                while chars.next_if(|(_, c)| c.is_ascii_digit() || *c == ';').is_some() {}
                assert!(
                    chars.next().map(|(_, c)| c) == Some('m'),
                    "{what}: an escape sequence other than SGR at byte {at}: {:?}",
                    context()
                );
            }
            c if c.is_control() => panic!(
                "{what}: raw control character U+{:04X} at byte {at}: {:?}",
                u32::from(c),
                context()
            ),
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => panic!(
                "{what}: raw bidirectional control U+{:04X} at byte {at}: {:?}",
                u32::from(c),
                context()
            ),
            _ => {}
        }
    }
}

/// Up to 40 bytes either side of an offset, on character boundaries.
fn context(text: &str, at: usize) -> &str {
    let mut start = at.saturating_sub(40);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (at + 40).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    &text[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAIN: Allowed = Allowed {
        tab: false,
        color: false,
    };
    const COLOR: Allowed = Allowed { tab: true, color: true };

    #[test]
    fn accepts_text_and_sgr() {
        assert_safe_for_terminal("a\nb é 日本\n", PLAIN, "plain");
        assert_safe_for_terminal("\u{1b}[1;31merror\u{1b}[0m\tx\n", COLOR, "color");
    }

    #[test]
    #[should_panic(expected = "raw control character U+0085")]
    fn refuses_c1() {
        assert_safe_for_terminal("a\u{85}b", COLOR, "c1");
    }

    #[test]
    #[should_panic(expected = "other than SGR")]
    fn refuses_other_escapes() {
        assert_safe_for_terminal("\u{1b}[2J", COLOR, "clear screen");
    }

    #[test]
    #[should_panic(expected = "bidirectional")]
    fn refuses_bidi() {
        assert_safe_for_terminal("\u{202e}", COLOR, "bidi");
    }
}
