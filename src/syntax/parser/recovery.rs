//! Recovery: a line pest could not read as a statement becomes one E0001
//! in an operator's words, and as much of the line as can be kept.

use super::messages::{error_offset, expected_phrases, found_at, found_end, junk_help, miscased_keyword};
use super::slips::Slip;
use super::{BlockStart, Builder, PolicyGrammar, Rule};
use crate::diagnostic::{Code, Diagnostic, Edit, Fix};
use crate::syntax::ast::{NodeId, NodeKind};
use pest::Parser;
use pest::iterators::Pair;

impl Builder<'_> {
    /// Re-reads a line on its own as `text` (the line itself, or the line
    /// with a keyword's case corrected) and adds the statement it starts
    /// with, if that statement ends by `within` (where the line goes wrong).
    /// Returns the statement added.
    fn salvage_statement(&mut self, text: &str, line_start: usize, within: usize) -> Option<NodeId> {
        let mut pairs = PolicyGrammar::parse(Rule::statement_prefix, text).ok()?;
        let statement = pairs.next()?.into_inner().next()?;
        if statement.as_span().end() > within {
            return None;
        }
        let before = self.tree.len();
        // The pairs are of `text`, which may differ from the line in a
        // keyword's case, so their words are read from `text` itself.
        let outer_base = std::mem::replace(&mut self.base, line_start);
        let outer_line = self.line_text.take();
        self.statement(statement, None);
        self.base = outer_base;
        self.line_text = outer_line;
        (self.tree.len() > before).then_some(NodeId(before))
    }

    /// A line pest could not read as a statement: one E0001 (or more, for a
    /// miscased keyword) and as much of the line as can be kept.
    pub(super) fn bad_line(&mut self, pair: &Pair<'_, Rule>) {
        let start = self.base + pair.as_span().start();
        let written = BadLine {
            text: self.text(pair),
            start,
        };
        // `Queue "A" {` is read as `queue "A" {` after reporting the case;
        // keywords are ASCII, so every offset in the corrected line matches.
        let corrected = written.miscased_keyword().map(|keyword| {
            let span = self.span(start, start + keyword.len());
            self.diagnostics
                .push(miscased_keyword(span, &written.text[..keyword.len()], keyword));
            format!("{keyword}{}", &written.text[keyword.len()..])
        });
        let line = BadLine {
            text: corrected.as_deref().unwrap_or(written.text),
            start,
        };
        match self.recognise_slip(&line) {
            Some(Slip::Comment) => return,
            Some(Slip::Statement) => return self.keep_braces_balanced(&line, None),
            None => {}
        }
        let kept = match line.strict_rule().map(|rule| PolicyGrammar::parse(rule, line.text)) {
            None => {
                self.diagnostics.push(self.unrecognised_line(&line));
                None
            }
            Some(Ok(_)) => self.salvage_statement(line.text, start, line.text.len()),
            Some(Err(error)) => self.statement_with_junk(&line, &error),
        };
        self.keep_braces_balanced(&line, kept);
    }

    /// Reports where a line stops being a statement. A good statement
    /// followed by junk is kept, so `queue "A" x` still declares the queue.
    fn statement_with_junk(&mut self, line: &BadLine<'_>, error: &pest::error::Error<Rule>) -> Option<NodeId> {
        let at_in_line = error_offset(error).min(line.text.len());
        let at = line.start + at_in_line;
        let kept = self.salvage_statement(line.text, line.start, at_in_line);
        let expected = expected_phrases(error);
        let found = found_at(self.text, at, line.end());
        let message = match expected.as_str() {
            "" => format!("unexpected {found}"),
            expected => format!("expected {expected}, found {found}"),
        };
        let label = if kept.is_some() {
            "unexpected after a complete statement"
        } else {
            "unexpected here"
        };
        let mut diagnostic = Diagnostic::new(Code::E0001, message)
            .with_primary(self.span(at, found_end(self.text, at, line.end())), label);
        let rest = self.text.get(at..line.end()).unwrap_or("");
        if let Some(help) = junk_help(&expected, kept.is_some(), rest) {
            diagnostic = diagnostic.with_help(help);
        }
        if let Some(fix) = self.junk_fix(&expected, kept, at, rest) {
            diagnostic = diagnostic.with_fix(fix);
        }
        self.diagnostics.push(diagnostic);
        kept
    }

    /// The edit for a broken statement, where one is clear: quote a bare
    /// queue name, or move what follows a complete statement to a line of
    /// its own (a guess at the intent, so a person confirms it).
    fn junk_fix(&self, expected: &str, kept: Option<NodeId>, at: usize, rest: &str) -> Option<Fix> {
        if kept.is_some() && expected == "end of line" && rest.starts_with("//") {
            return Some(Fix::safe(
                "start the comment with `#`",
                vec![Edit::replace(self.span(at, at + 2), "#")],
            ));
        }
        if expected.starts_with("a queue name") {
            let bare = bare_name(rest)?;
            let span = self.span(at, at + bare.len());
            return Some(Fix::safe(
                format!("quote the name: `\"{bare}\"`"),
                vec![Edit::replace(span, format!("\"{bare}\""))],
            ));
        }
        let kept = self.tree.node(kept?)?;
        if expected != "end of line" || crate::text::trim_end_blanks(rest).ends_with('}') {
            return None;
        }
        let indent = self.source.indentation_at(at);
        let deeper = if kept.block().is_some() { "    " } else { "" };
        let gap_start = kept
            .span
            .end()
            .max(crate::text::trim_end_blanks(&self.text[..at]).len());
        let break_line = format!("{}{indent}{deeper}", self.source.line_ending());
        Some(Fix::unsafe_fix(
            "move the rest to a line of its own",
            vec![Edit::replace(self.span(gap_start, at), break_line)],
        ))
    }

    /// A bad line that ends in `{` still opens a block, so the `}` that
    /// closes it further down does not close the wrong block. The block goes
    /// to the statement kept from the line, or else to an unparsed node whose
    /// contents are still syntax-checked but not otherwise used.
    fn keep_braces_balanced(&mut self, line: &BadLine<'_>, kept: Option<NodeId>) {
        let code = line.code();
        if code.ends_with('}') {
            self.close_one_line_block(line, kept);
            return;
        }
        if !code.ends_with('{') {
            return;
        }
        let at = line.start + code.len() - 1;
        let brace = BlockStart {
            span: self.span(at, at + 1),
            empty: false,
        };
        let kept_without_block = kept.filter(|&id| {
            self.tree.node(id).is_some_and(|node| {
                node.block().is_none()
                    && matches!(
                        node.kind,
                        NodeKind::Queue(_) | NodeKind::Defaults | NodeKind::Channel(_)
                    )
            })
        });
        match kept_without_block {
            Some(id) => self.open_block(id, brace),
            None if kept.is_some() => {}
            None => {
                let span = self.span(line.start, line.start + code.len());
                self.add(NodeKind::Unparsed, span, Some(brace));
            }
        }
    }

    /// `queue "A" { skip record creation: yes }`: the block the kept
    /// statement opened ends on the same line, so the `}` closes it rather
    /// than the block around it.
    fn close_one_line_block(&mut self, line: &BadLine<'_>, kept: Option<NodeId>) {
        let Some(id) = kept.filter(|&id| self.open_blocks.last().is_some_and(|open| open.id == id)) else {
            return;
        };
        let at = line.start + line.code().len() - 1;
        self.close_block(self.span(at, at + 1));
        debug_assert!(!self.open_blocks.iter().any(|open| open.id == id));
    }

    fn unrecognised_line(&self, line: &BadLine<'_>) -> Diagnostic {
        let container = self.container();
        if let Some(diagnostic) = self.setting_without_colon(line, container == super::Container::TopLevel) {
            return diagnostic;
        }
        let found = found_at(self.text, line.start, line.end());
        Diagnostic::new(Code::E0001, format!("expected {}, found {found}", container.expected())).with_primary(
            self.span(line.start, found_end(self.text, line.start, line.end())),
            format!("not a statement {}", container.describe()),
        )
    }
}

/// A line pest could not read as any statement.
pub(super) struct BadLine<'a> {
    /// The line from its first non-blank character to its end.
    pub(super) text: &'a str,
    pub(super) start: usize,
}

const KEYWORDS: [&str; 6] = ["crm", "catalog", "defaults", "queue", "call", "chat"];

impl<'a> BadLine<'a> {
    fn end(&self) -> usize {
        self.start + self.text.len()
    }

    pub(super) fn first_word(&self) -> &'a str {
        let end = self
            .text
            .find(|c: char| c.is_whitespace() || matches!(c, ':' | '"' | '{' | '}' | '#' | '“' | '‘' | '\''))
            .unwrap_or(self.text.len());
        &self.text[..end]
    }

    /// The line without a trailing comment (a `#` outside quotes) or blanks.
    pub(super) fn code(&self) -> &'a str {
        let mut in_quotes = false;
        let mut escaped = false;
        for (at, c) in self.text.char_indices() {
            match c {
                '\\' if in_quotes && !escaped => {
                    escaped = true;
                    continue;
                }
                '"' if !escaped => in_quotes = !in_quotes,
                '#' if !in_quotes => return crate::text::trim_end_blanks(&self.text[..at]),
                _ => {}
            }
            escaped = false;
        }
        crate::text::trim_end_blanks(self.text)
    }

    /// `Queue "A" {`: a keyword in the wrong case.
    fn miscased_keyword(&self) -> Option<&'static str> {
        let word = self.first_word();
        KEYWORDS
            .into_iter()
            .find(|keyword| *keyword != word && keyword.eq_ignore_ascii_case(word))
    }

    /// The one statement rule this line most likely meant.
    fn strict_rule(&self) -> Option<Rule> {
        match self.first_word() {
            "" if self.text.starts_with('}') => Some(Rule::close_line),
            word if KEYWORDS.contains(&word) => Some(Rule::strict_line_for(word)),
            _ if self.text.contains(':') => Some(Rule::setting_line),
            _ => None,
        }
    }
}

impl Rule {
    /// The strict single-statement rule for a line starting with `keyword`.
    fn strict_line_for(keyword: &str) -> Rule {
        match keyword {
            "crm" => Rule::crm_line,
            "catalog" => Rule::catalog_line,
            "defaults" => Rule::defaults_line,
            "queue" => Rule::queue_line,
            "call" | "chat" => Rule::channel_line,
            _ => Rule::setting_line,
        }
    }
}

/// The quoted form of a bare queue name: the words up to a `{` or comment.
pub(super) fn bare_name(rest: &str) -> Option<&str> {
    let code = rest.split('#').next().unwrap_or("");
    let bare = crate::text::trim_end_blanks(crate::text::trim_end_blanks(code).trim_end_matches('{'));
    let quoted_already = bare.contains(['"', '/', '\'', '“', '”', '„', '‘', '’', '«', '»', '＂']);
    let words_only = !bare.chars().any(crate::text::needs_escape);
    (!bare.is_empty() && !quoted_already && words_only).then_some(bare)
}
