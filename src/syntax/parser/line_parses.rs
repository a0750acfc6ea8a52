//! Reading lines with pest, and reusing readings: a line's text in, the
//! `line` rule's match for it out, from pest or from an earlier line that
//! pest reads the same way (the same text, or a queue header of the same
//! shape).

use super::{PolicyGrammar, Rule};
use pest::Parser;
use pest::iterators::{Pair, Pairs};
use rustc_hash::FxHashMap;

/// pest's reading of each distinct line seen so far, and of each shape of
/// queue header. The grammar reads one line at a time and its reading
/// depends on nothing else, so a line that repeats an earlier one (the
/// settings, braces and channel blocks that make up most of a policy) reuses
/// that reading instead of parsing again: its offsets are relative to the
/// line, and the text is the same. Queue headers rarely repeat, but their
/// shapes do ([`queue_header_shape`]): a header reuses the reading of an
/// earlier header of its shape, whose offsets are its own too, and the
/// builder takes the words from the line itself ([`super::Builder::text`]).
#[derive(Default)]
pub(super) struct LineParses<'a> {
    seen: FxHashMap<&'a str, Pairs<'a, Rule>>,
    shapes: FxHashMap<Box<[u8]>, Pairs<'a, Rule>>,
    /// The shape of the line being read, kept to reuse its allocation.
    shape: Vec<u8>,
}

impl<'a> LineParses<'a> {
    /// Lines, and shapes, kept at most each. Queue headers are kept by
    /// shape only; the limit bounds what an unusual file (every line
    /// different) costs.
    const CAPACITY: usize = 4096;

    /// The `line` rule's match for a line.
    pub(super) fn parse(&mut self, text: &'a str) -> Option<Pair<'a, Rule>> {
        if queue_header_shape(text, &mut self.shape) {
            return self.parse_queue_header(text);
        }
        if let Some(pairs) = self.seen.get(text) {
            return pairs.clone().next();
        }
        let pairs = PolicyGrammar::parse(Rule::line, text).ok()?;
        let line = pairs.clone().next()?;
        if self.seen.len() < Self::CAPACITY && worth_keeping(&line) {
            self.seen.insert(text, pairs);
        }
        Some(line)
    }

    /// A queue header whose shape is in `self.shape`.
    fn parse_queue_header(&mut self, text: &'a str) -> Option<Pair<'a, Rule>> {
        if let Some(pairs) = self.shapes.get(self.shape.as_slice()) {
            return pairs.clone().next();
        }
        let pairs = PolicyGrammar::parse(Rule::line, text).ok()?;
        let line = pairs.clone().next()?;
        if self.shapes.len() < Self::CAPACITY && is_whole_queue_header(&line) {
            self.shapes.insert(self.shape.as_slice().into(), pairs);
        }
        Some(line)
    }
}

/// Whether a line's reading is likely to be needed again: a setting, a
/// channel block's opening, a `}`, a comment or a blank line; not a queue
/// header (whose names differ line to line) nor a line pest could not read.
fn worth_keeping(line: &Pair<'_, Rule>) -> bool {
    line.clone().into_inner().all(|part| {
        matches!(
            part.as_rule(),
            Rule::setting | Rule::channel_open | Rule::block_close | Rule::comment | Rule::EOI
        )
    })
}

/// Writes into `shape` the shape of a queue header, and says whether the
/// line has one: the line with every byte between a pair of quotes
/// replaced by `x`. Only a line that starts (after blanks) with `queue` and
/// holds no backslash and no `#`, with its quotes in pairs, has a shape.
///
/// In such a line every quoted name is read by `name_text`, which takes any
/// character but a quote or a backslash, and no rule of the grammar looks
/// inside the quotes in any other way: pest's reading of the line, rules
/// and offsets, is the same for every line of the shape. (A `#` would
/// start a comment for `value_char` and `comment`, a backslash is an
/// escape, and an unpaired quote an unterminated name, so such lines are
/// read on their own.)
fn queue_header_shape(text: &str, shape: &mut Vec<u8>) -> bool {
    if !crate::text::trim_start_blanks(text).starts_with("queue") {
        return false;
    }
    shape.clear();
    let mut quoted = false;
    for &byte in text.as_bytes() {
        match byte {
            b'\\' | b'#' => return false,
            b'"' => {
                quoted = !quoted;
                shape.push(byte);
            }
            _ if quoted => shape.push(b'x'),
            _ => shape.push(byte),
        }
    }
    !quoted
}

/// Whether a line was read as a queue header and nothing else (no comment,
/// no unterminated name): the readings shared by shape.
fn is_whole_queue_header(line: &Pair<'_, Rule>) -> bool {
    line.clone().into_inner().all(|part| match part.as_rule() {
        Rule::EOI => true,
        Rule::queue_decl => part
            .into_inner()
            .flatten()
            .all(|inner| inner.as_rule() != Rule::unterminated_name),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape_of(text: &str) -> Option<String> {
        let mut shape = Vec::new();
        queue_header_shape(text, &mut shape).then(|| String::from_utf8_lossy(&shape).into_owned())
    }

    #[test]
    fn a_shape_keeps_everything_but_the_bytes_inside_quotes() {
        assert_eq!(
            shape_of("  queue \"Sales\" / \"Tier 1\" {").as_deref(),
            Some("  queue \"xxxxx\" / \"xxxxxx\" {")
        );
        // Byte for byte, so every offset stays where it was.
        assert_eq!(shape_of("queue \"Café\"").as_deref(), Some("queue \"xxxxx\""));
        assert_eq!(shape_of("queue \"\" {}").as_deref(), Some("queue \"\" {}"));
    }

    #[test]
    fn lines_pest_reads_differently_inside_quotes_have_no_shape() {
        for line in [
            "queue \"A\\\"B\" {",
            "queue \"A\" { # note",
            "queue \"Team #1\" {",
            "queue \"A\" / \"B {",
            "skip record creation: yes",
            "chat {",
        ] {
            assert_eq!(shape_of(line), None, "{line}");
        }
    }

    #[test]
    fn headers_of_one_shape_share_a_reading_and_other_lines_do_not() {
        let mut parses = LineParses::default();
        for line in [
            "queue \"Sales\" / \"Q1\" {",
            "queue \"Sales\" / \"Q2\" {",
            "queue \"Claim\" / \"Q3\" {",
        ] {
            assert!(parses.parse(line).is_some());
        }
        assert_eq!(parses.shapes.len(), 1);
        assert!(parses.parse("queue \"Sales\" / \"Q1\" x").is_some());
        assert!(parses.parse("queue \"Billing\" {").is_some());
        assert_eq!(parses.shapes.len(), 2, "a bad line is not kept; a new shape is");
    }

    /// The statement and diagnostics of `header` when it is read after a
    /// line of `before`, as the file's second line.
    fn second_line(before: &str, header: &str) -> (String, Vec<String>) {
        super::super::read_from(&format!("{before}\n{header}\n"), before.len() + 1)
    }

    /// `header` with every byte between quotes replaced by `p`: a line of
    /// the same shape (or the same line, if it has no shape).
    fn with_other_names(header: &str) -> String {
        let mut quoted = false;
        let bytes: Vec<u8> = header
            .bytes()
            .map(|byte| {
                if byte == b'"' {
                    quoted = !quoted;
                    byte
                } else if quoted {
                    b'p'
                } else {
                    byte
                }
            })
            .collect();
        let mut shape = Vec::new();
        if queue_header_shape(header, &mut shape) {
            String::from_utf8_lossy(&bytes).into_owned()
        } else {
            header.to_owned()
        }
    }

    /// Independent of the shapes: a header read after another of its shape
    /// (so from that one's reading) becomes the same statement, with the
    /// same diagnostics, as when it is read after a comment of the same
    /// length (so by pest on its own).
    #[test]
    fn a_header_read_by_shape_is_read_as_pest_reads_it_alone() {
        let headers = [
            "queue \"Sales\" / \"Tier1\" / \"Q0000001\" {",
            "queue \"Sales\"/\"Tier1\"{}",
            "queue \"\" / \"B\" {",
            "  queue   \"Support\"   /   \"Überweisung ✓\"  {  ",
            "queue \"a { b } / c : d\" {",
            "queue \"Tab\there\" {",
            "queue \"\u{202e}Reversed\" {",
            "queue \" Padded \" / \"x\"",
            "queue\"Tight\"{",
            "queue \"A\" / / \"B\" {",
            "queue \"A\" \"B\" {",
            "queue \"A\" {} }",
        ];
        for header in headers {
            let same_shape = with_other_names(header);
            let comment = format!("#{}", " ".repeat(same_shape.len().saturating_sub(1)));
            assert_eq!(comment.len(), same_shape.len());
            let by_shape = second_line(&same_shape, header);
            let alone = second_line(&comment, header);
            assert_eq!(by_shape, alone, "{header}");
            assert!(
                !alone.0.is_empty() || !alone.1.is_empty(),
                "{header} was not read at all"
            );
        }
    }
}
