//! Reading queue names: quoted, escaped, unterminated, or broken over two
//! lines (E0008), each turned into a [`QueueName`] with its span.

use super::{BlockStart, Builder, Line, Rule};
use crate::diagnostic::{Code, Diagnostic, Edit, Fix};
use crate::source::Span;
use crate::syntax::ast::QueueName;
use pest::iterators::Pair;
use rustc_hash::FxHashSet;
use std::sync::Arc;

/// Queue names read so far, each kept once: the names above the leaves
/// repeat in every path through them.
#[derive(Default)]
pub(super) struct SharedNames(FxHashSet<Arc<str>>);

impl SharedNames {
    /// Names kept at most: most names past the first thousands are leaves
    /// named once, which sharing would not save anything on.
    const CAPACITY: usize = 16_384;

    /// `name`, shared with its earlier uses.
    pub(super) fn share(&mut self, name: &str) -> Arc<str> {
        if let Some(shared) = self.0.get(name) {
            return Arc::clone(shared);
        }
        let name: Arc<str> = Arc::from(name);
        if self.0.len() < Self::CAPACITY {
            self.0.insert(Arc::clone(&name));
        }
        name
    }
}

impl Builder<'_> {
    /// A well-formed quoted name: unescapes it and reports empty names and
    /// unknown escapes (E0008).
    pub(super) fn queue_name(&mut self, pair: &Pair<'_, Rule>) -> QueueName {
        let span = self.trimmed_span(pair);
        let quoted = self.text(pair);
        self.quoted_name(quoted, span)
    }

    /// [`Builder::queue_name`] for the quoted text at `span`, quotes
    /// included, however it was found.
    pub(super) fn quoted_name(&mut self, quoted: &str, span: Span) -> QueueName {
        let inner = quoted.get(1..quoted.len().saturating_sub(1)).unwrap_or("");
        // Printable ASCII without a backslash, as most names are: nothing to
        // report or resolve, and the name is shared with its earlier uses.
        let name = if inner.bytes().all(|byte| (b' '..=b'~').contains(&byte) && byte != b'\\') {
            self.names.share(inner)
        } else {
            Arc::from(self.unescape(inner, span.start() + 1))
        };
        if name.is_empty() {
            self.diagnostics.push(
                Diagnostic::new(Code::E0008, "queue name is empty")
                    .with_primary(span, "empty name")
                    .with_help("give the queue the name it has in the portal, such as `\"Support\"`"),
            );
        }
        QueueName { name, span }
    }

    /// Resolves `\"` and `\\`; any other escape is reported and kept as
    /// written. A control character or a bidirectional override in the name
    /// is reported too (E0008): a queue in the portal has no such name, and
    /// printed raw it could clear a terminal or reorder what a reviewer sees.
    fn unescape(&mut self, inner: &str, inner_start: usize) -> String {
        self.report_hidden_characters(inner, inner_start);
        let mut name = String::with_capacity(inner.len());
        let mut chars = inner.char_indices();
        while let Some((at, c)) = chars.next() {
            if c != '\\' {
                name.push(c);
                continue;
            }
            match chars.next() {
                Some((_, escaped @ ('"' | '\\'))) => name.push(escaped),
                Some((_, other)) => {
                    let start = inner_start + at;
                    let escape_span = self.span(start, start + 1 + other.len_utf8());
                    self.diagnostics.push(
                        Diagnostic::new(
                            Code::E0008,
                            format!(
                                "unknown escape `\\{}` in queue name",
                                crate::text::escape_hidden(&other.to_string())
                            ),
                        )
                        .with_primary(escape_span, "not an escape the language knows")
                        .with_help(
                            "only `\\\"` (a quote) and `\\\\` (a backslash) are escapes; write a backslash as `\\\\`",
                        )
                        .with_fix(Fix::unsafe_fix(
                            "write the backslash as `\\\\`",
                            vec![Edit::insert(escape_span, "\\")],
                        )),
                    );
                    name.push('\\');
                    name.push(other);
                }
                None => name.push('\\'),
            }
        }
        name
    }

    /// A name whose closing quote is missing on its line (E0008). If the next
    /// line closes it, the name spans lines and both lines are taken as one
    /// statement; otherwise a trailing `{` is taken as opening the block, so
    /// one missing quote does not turn the whole block into errors.
    pub(super) fn unterminated_name(&mut self, pair: &Pair<'_, Rule>, next_line: Option<&Line<'_>>) -> RecoveredName {
        let open = self.base + pair.as_span().start();
        let rest = self.text(pair).get(1..).unwrap_or("");
        if let Some(recovered) = next_line.and_then(|next| self.name_across_lines(open, rest, next)) {
            return recovered;
        }
        let written = crate::text::trim_end_blanks(rest);
        let (name_text, block) = if let Some(before) = written.strip_suffix("{}") {
            let at = open + 1 + before.len();
            (
                before,
                Some(BlockStart {
                    span: self.span(at, at + 2),
                    empty: true,
                }),
            )
        } else if let Some(before) = written.strip_suffix('{') {
            let at = open + 1 + before.len();
            (
                before,
                Some(BlockStart {
                    span: self.span(at, at + 1),
                    empty: false,
                }),
            )
        } else {
            (written, None)
        };
        let name_text = crate::text::trim_end_blanks(name_text);
        let name_end = self.span(open + 1 + name_text.len(), open + 1 + name_text.len());
        self.diagnostics.push(
            Diagnostic::new(Code::E0008, "queue name is not closed")
                .with_primary(self.span(open, open + 1), "this `\"` has no closing `\"` on its line")
                .with_help("queue names are written on one line between double quotes, such as `queue \"Support\" {`")
                .with_fix(Fix::safe(
                    "close the name with `\"`",
                    vec![Edit::insert(name_end, "\"")],
                )),
        );
        let name = self.unescape(name_text, open + 1);
        RecoveredName {
            name: QueueName {
                name: Arc::from(name),
                span: self.span(open, open + 1 + name_text.len()),
            },
            block,
            statement_end: None,
        }
    }

    /// `queue "Long` / `name" {`: a name broken over two lines.
    fn name_across_lines(&mut self, open: usize, first_part: &str, next: &Line<'_>) -> Option<RecoveredName> {
        let next_text = next.text;
        let next_start = next.start;
        let close = closing_quote(next_text)?;
        let after_quote = &next_text[close + 1..];
        let tail = crate::text::trim_blanks(after_quote.split('#').next().unwrap_or(""));
        let block = match tail {
            "" => None,
            "{" | "{}" => {
                let at = next_start + close + 1 + after_quote.find('{')?;
                let len = if tail == "{}" {
                    after_quote.find('}')? - after_quote.find('{')? + 1
                } else {
                    1
                };
                Some(BlockStart {
                    span: self.span(at, at + len),
                    empty: tail == "{}",
                })
            }
            _ => return None,
        };
        let name_span = self.span(open, next_start + close + 1);
        let first = crate::text::trim_end_blanks(first_part);
        let second = crate::text::trim_start_blanks(&next_text[..close]);
        let first_end = open + 1 + first.len();
        let second_start = next_start + (close - second.len());
        self.diagnostics.push(
            Diagnostic::new(Code::E0008, "queue name spans lines")
                .with_primary(name_span, "this name runs over a line break")
                .with_help("write the whole name on one line")
                .with_fix(Fix::safe(
                    "join the name into one line",
                    vec![Edit::replace(self.span(first_end, second_start), " ")],
                )),
        );
        // Each part is read where it stands, so what is reported inside it
        // points at the right bytes.
        let name = format!(
            "{} {}",
            self.unescape(first, open + 1),
            self.unescape(second, second_start)
        );
        Some(RecoveredName {
            name: QueueName {
                name: Arc::from(name),
                span: name_span,
            },
            statement_end: Some(block.map_or(name_span.end(), |block| block.span.end())),
            block,
        })
    }
}

impl Builder<'_> {
    fn report_hidden_characters(&mut self, inner: &str, inner_start: usize) {
        let forbidden = |c: char| crate::text::is_control(c) || crate::text::is_bidi_control(c);
        let Some((at, first)) = inner.char_indices().find(|&(_, c)| forbidden(c)) else {
            return;
        };
        let start = inner_start + at;
        let removals: Vec<Edit> = inner
            .char_indices()
            .filter(|&(_, c)| forbidden(c))
            .map(|(at, c)| Edit::delete(self.span(inner_start + at, inner_start + at + c.len_utf8())))
            .collect();
        self.diagnostics.push(
            Diagnostic::new(
                Code::E0008,
                format!("queue name holds {}", crate::text::describe_char(first)),
            )
            .with_primary(
                self.span(start, start + first.len_utf8()),
                "not a character a queue name can hold",
            )
            .with_help(
                "queue names hold printable text only, without control characters or bidirectional overrides; \
                 write the name as the portal shows it",
            )
            .with_fix(Fix::unsafe_fix("remove the characters", removals)),
        );
    }
}

/// What became of a name with a missing closing quote.
pub(super) struct RecoveredName {
    pub(super) name: QueueName,
    pub(super) block: Option<BlockStart>,
    /// Where the statement ends, when it ran on into the next line.
    pub(super) statement_end: Option<usize>,
}

/// A name's text between its quotes with `\"` and `\\` resolved, other
/// escapes kept as written: the name the parser gives a well-formed name,
/// for text that is not parsed (a line being typed).
pub(crate) fn unescape_name(inner: &str) -> String {
    let mut name = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match (c, c == '\\') {
            (_, false) => name.push(c),
            (_, true) => match chars.next() {
                Some(escaped @ ('"' | '\\')) => name.push(escaped),
                Some(other) => {
                    name.push('\\');
                    name.push(other);
                }
                None => name.push('\\'),
            },
        }
    }
    name
}

/// Byte index of the first unescaped `"` in a line.
pub(crate) fn closing_quote(text: &str) -> Option<usize> {
    let mut escaped = false;
    for (at, c) in text.char_indices() {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => return Some(at),
            _ => escaped = false,
        }
    }
    None
}
