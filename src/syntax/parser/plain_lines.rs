//! Lines whose reading is known without pest: a `}` alone, `call {` or
//! `chat {` alone, and a queue header of printable ASCII without escapes or
//! comment (`queue "A" / "B" {`), blanks around the words allowed. In: a
//! line's text. Out: what the line holds, with offsets from the line's
//! start; `None` for any other line, which pest reads.
//!
//! A large policy is mostly such lines (every block ends with one `}`), and
//! even a reading kept from an earlier line costs a walk over pest's pairs;
//! these need only a look at the line's bytes. The tests hold each reading
//! to pest's.

use crate::vocabulary::Channel;
use std::ops::Range;

/// A line that pest would read as one statement and nothing else.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum PlainLine {
    /// `}`, at this offset.
    Close { at: usize },
    /// `call {` or `chat {`: the channel's word, and the offset of `{`.
    ChannelOpen {
        channel: Channel,
        word: Range<usize>,
        brace: usize,
    },
}

/// Blanks as the grammar's `sp` has them: spaces and tabs.
fn is_blank(byte: u8) -> bool {
    byte == b' ' || byte == b'\t'
}

pub(super) fn read(text: &str) -> Option<PlainLine> {
    let bytes = text.as_bytes();
    let start = bytes.iter().position(|&byte| !is_blank(byte))?;
    let end = bytes.iter().rposition(|&byte| !is_blank(byte))? + 1;
    let body = bytes.get(start..end)?;
    if body == b"}" {
        return Some(PlainLine::Close { at: start });
    }
    let (word, rest) = body.split_at_checked(4)?;
    let channel = match word {
        b"call" => Channel::Call,
        b"chat" => Channel::Chat,
        _ => return None,
    };
    let (&brace, between) = rest.split_last()?;
    (brace == b'{' && between.iter().all(|&byte| is_blank(byte))).then_some(PlainLine::ChannelOpen {
        channel,
        word: start..start + 4,
        brace: end - 1,
    })
}

/// A queue header read without pest: where `queue` starts, where the
/// statement ends (after its `{`, or its last name), and the `{` if any.
/// The names' offsets, quotes included, are in the list given to
/// [`queue_header`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct PlainHeader {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) brace: Option<usize>,
}

fn skip_blanks(bytes: &[u8], mut at: usize) -> usize {
    while bytes.get(at).copied().is_some_and(is_blank) {
        at += 1;
    }
    at
}

/// `queue "A" / "B" {` or `queue "A"`, blanks around the words allowed,
/// the names printable ASCII without a backslash or `#`. Clears `names` and writes the names' offsets in it.
pub(super) fn queue_header(text: &str, names: &mut Vec<Range<usize>>) -> Option<PlainHeader> {
    let bytes = text.as_bytes();
    let start = skip_blanks(bytes, 0);
    if !bytes.get(start..)?.starts_with(b"queue") {
        return None;
    }
    // Outside the quotes only the words above are taken; inside, a name
    // ends at the first quote, and any other byte must be printable.
    let printable = |byte: u8| (b' '..=b'~').contains(&byte) && byte != b'\\' && byte != b'#';
    names.clear();
    let mut at = skip_blanks(bytes, start + "queue".len());
    loop {
        if bytes.get(at) != Some(&b'"') {
            return None;
        }
        let inner = bytes.get(at + 1..)?;
        let length = inner.iter().position(|&byte| byte == b'"' || !printable(byte))?;
        let close = at + 1 + length;
        if bytes.get(close) != Some(&b'"') {
            return None;
        }
        names.push(at..close + 1);
        at = skip_blanks(bytes, close + 1);
        if bytes.get(at) != Some(&b'/') {
            break;
        }
        at = skip_blanks(bytes, at + 1);
    }
    let last_name_end = names.last()?.end;
    match bytes.get(at) {
        None => Some(PlainHeader {
            start,
            end: last_name_end,
            brace: None,
        }),
        Some(b'{') if skip_blanks(bytes, at + 1) == bytes.len() => Some(PlainHeader {
            start,
            end: at + 1,
            brace: Some(at),
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::{PolicyGrammar, Rule};
    use super::*;
    use pest::Parser;

    /// pest's reading of a line, when it is one statement of the rules
    /// plain lines stand for, in the same terms as [`read`].
    fn pest_reading(text: &str) -> Option<PlainLine> {
        let line = PolicyGrammar::parse(Rule::line, text).ok()?.next()?;
        let parts: Vec<_> = line.into_inner().filter(|part| part.as_rule() != Rule::EOI).collect();
        let [statement] = parts.as_slice() else { return None };
        match statement.as_rule() {
            Rule::block_close => Some(PlainLine::Close {
                at: statement.as_span().start(),
            }),
            Rule::channel_open => {
                let mut inner = statement.clone().into_inner();
                let word = inner.next()?;
                let block = inner.next()?;
                if block.as_rule() != Rule::block_open {
                    return None;
                }
                Some(PlainLine::ChannelOpen {
                    channel: Channel::from_keyword(word.as_str())?,
                    word: word.as_span().start()..word.as_span().end(),
                    brace: block.as_span().start(),
                })
            }
            _ => None,
        }
    }

    /// pest's reading of a queue header, in the same terms as
    /// [`queue_header`], when it reads a well-formed `queue_decl` alone
    /// with an open block or none.
    fn pest_header(text: &str) -> Option<(PlainHeader, Vec<Range<usize>>)> {
        let line = PolicyGrammar::parse(Rule::line, text).ok()?.next()?;
        let parts: Vec<_> = line.into_inner().filter(|part| part.as_rule() != Rule::EOI).collect();
        let [statement] = parts.as_slice() else { return None };
        if statement.as_rule() != Rule::queue_decl {
            return None;
        }
        let trimmed_end = |span: pest::Span<'_>| span.start() + span.as_str().trim_end_matches([' ', '\t']).len();
        let mut names = Vec::new();
        let mut brace = None;
        for part in statement.clone().into_inner() {
            match part.as_rule() {
                Rule::queue_path => {
                    for name in part.into_inner() {
                        match name.as_rule() {
                            Rule::queue_name => names.push(name.as_span().start()..name.as_span().end()),
                            Rule::path_sep => {}
                            _ => return None,
                        }
                    }
                }
                Rule::block_open => brace = Some(part.as_span().start()),
                _ => return None,
            }
        }
        let header = PlainHeader {
            start: statement.as_span().start(),
            end: trimmed_end(statement.as_span()),
            brace,
        };
        Some((header, names))
    }

    #[test]
    fn a_plain_queue_header_is_read_as_pest_reads_it() {
        // Each line, and whether it is read without pest. A line read so is
        // read as pest reads it; the others (escapes, comments, tabs or
        // other characters than printable ASCII in a name, mistakes) are
        // left to pest and the general path.
        let lines = [
            ("queue \"A\"", true),
            ("queue \"A\" {", true),
            ("  queue \"Sales\" / \"Refunds\" / \"Q0000001\" {  ", true),
            ("queue\"A\"/\"B\"{", true),
            ("\tqueue \t\"A\"\t/\t\"B\"\t{\t", true),
            ("queue \"\" {", true),
            ("queue \"A/B\" / \"C { }\" {", true),
            ("queue \"A\" {}", false),
            ("queue \"A\" { }", false),
            ("queue \"A\" { # why", false),
            ("queue \"A\" # why", false),
            ("queue \"A\" /", false),
            ("queue \"A\" \"B\" {", false),
            ("queue \"A\" / / \"B\" {", false),
            ("queue \"A {", false),
            ("queue \"A\\\"B\" {", false),
            ("queue \"A\tB\" {", false),
            ("queue \"Caf\u{e9}\" {", false),
            ("queue {", false),
            ("queue", false),
            ("queues \"A\" {", false),
            ("Queue \"A\" {", false),
            ("queue \"A\" {\r", false),
            ("queue \"A\" { x", false),
            ("queue \"A\" {{", false),
            ("queue \"A\" / \"B\" }", false),
        ];
        let mut names = Vec::new();
        for (text, plain) in lines {
            let read = queue_header(text, &mut names).map(|header| (header, names.clone()));
            assert_eq!(read.is_some(), plain, "{text:?}");
            if read.is_some() {
                assert_eq!(read, pest_header(text), "{text:?}");
            }
        }
    }

    #[test]
    fn a_plain_line_is_read_as_pest_reads_it() {
        let lines = [
            "}",
            "    }",
            "\t}\t ",
            "call {",
            "  chat{",
            "\tcall \t {  ",
            "chat {}",
            "chat { }",
            "call { # why",
            "} # end",
            "}}",
            "} }",
            "callx {",
            "Call {",
            "call",
            "call {\r",
            "}\r",
            "  call:  yes",
            "chat { x",
            "queue \"A\" {",
            "",
            "   ",
            "{",
            "cal {",
            "\u{a0}}",
        ];
        for text in lines {
            assert_eq!(read(text), pest_reading(text), "{text:?}");
        }
        assert!(
            read("    }").is_some() && read("\tcall \t {  ").is_some(),
            "the plain lines are read"
        );
    }
}
