//! Parsing: one file's text in, its [`SyntaxTree`] and syntax diagnostics
//! (E0001, E0008) out.
//!
//! pest splits the file into lines and recognises each statement; this module
//! pairs `{` with `}` on an explicit stack, checks that each statement stands
//! where the language allows it, and turns every line pest could not read
//! into one E0001 in an operator's words. Parsing never stops at the first
//! mistake: a bad line is reported and skipped, a statement with trailing
//! junk is kept, and an unclosed block is reported at its `{`.

use super::ast::{Block, CrmDecl, NodeId, NodeKind, QueueDecl, QueueName, SettingStmt, SyntaxTree};
use crate::diagnostic::{Code, Diagnostic, Edit, Fix};
use crate::source::{FileId, SourceFile, Span, Spanned};
use crate::vocabulary::{self, Channel, Crm, SettingKey};
use pest::Parser;
use pest::iterators::Pair;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/crmpol.pest"]
struct PolicyGrammar;

/// A parsed file: its tree and what was wrong with its syntax.
#[derive(Clone, Debug)]
pub struct ParsedFile {
    pub tree: SyntaxTree,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses one file. Never fails: whatever the input, the result is a tree of
/// the statements that could be read and a diagnostic for each that could not.
pub fn parse_file(file: FileId, source: &SourceFile) -> ParsedFile {
    if let Some(diagnostic) = binary_content(file, source) {
        let mut builder = Builder::new(file, source, BlockEnds::ByBraces);
        builder.diagnostics.push(diagnostic);
        builder.tree.unreadable = true;
        return builder.finish_without_blocks();
    }
    let lines = lines(&source.text);
    let by_braces = read(file, source, &lines, BlockEnds::ByBraces);
    if by_braces.unclosed_blocks == 0 {
        return by_braces.parsed;
    }
    // A `{` was never closed, so every line after it was read as inside its
    // block. Read the file again letting indentation end blocks, and keep
    // the reading with fewer syntax errors; on a tie the one that follows
    // the author's indentation.
    let by_indentation = read(file, source, &lines, BlockEnds::ByIndentation);
    if by_indentation.parsed.diagnostics.len() <= by_braces.parsed.diagnostics.len() {
        by_indentation.parsed
    } else {
        by_braces.parsed
    }
}

/// How a reading decides where a block ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BlockEnds {
    /// At its `}`, only.
    ByBraces,
    /// Also where a line is indented no deeper than the block's first line
    /// (an unclosed block is taken to end there).
    ByIndentation,
}

/// One reading of a file, and how many blocks it found never closed.
struct Reading {
    parsed: ParsedFile,
    unclosed_blocks: usize,
}

fn read(file: FileId, source: &SourceFile, lines: &[Line<'_>], block_ends: BlockEnds) -> Reading {
    let mut builder = Builder::new(file, source, block_ends);
    // Invalid UTF-8 is reported once; the text, with the invalid bytes
    // replaced, is still parsed, as it is usually one stray Latin-1 byte.
    builder.diagnostics.extend(invalid_utf8(file, source));
    builder.read_lines(lines);
    let unclosed_blocks = builder.unclosed_blocks + builder.open_blocks.len();
    Reading {
        parsed: builder.finish(),
        unclosed_blocks,
    }
}

/// How far a line is indented, a tab counting as four spaces.
fn indentation_width(text: &str) -> usize {
    text.chars()
        .take_while(|c| matches!(c, ' ' | '\t'))
        .map(|c| if c == '\t' { 4 } else { 1 })
        .sum()
}

/// A line of the file without its line ending, and where it starts.
#[derive(Clone, Copy, Debug)]
struct Line<'a> {
    start: usize,
    text: &'a str,
}

/// Splits on LF; a CR before the LF belongs to the line ending.
fn lines(text: &str) -> Vec<Line<'_>> {
    let mut start = 0;
    text.split('\n')
        .map(|raw| {
            let line = Line {
                start,
                text: raw.strip_suffix('\r').unwrap_or(raw),
            };
            start += raw.len() + 1;
            line
        })
        .collect()
}

fn invalid_utf8(file: FileId, source: &SourceFile) -> Option<Diagnostic> {
    let at = source.invalid_utf8_at?;
    let width = source.text[at..].chars().next().map_or(1, char::len_utf8);
    Some(
        Diagnostic::new(Code::E0001, "file is not valid UTF-8 text")
            .with_primary(Span::new(file, at, at + width), "this byte is not UTF-8")
            .with_help("policy files are UTF-8 text; save the file as UTF-8"),
    )
}

/// A file with a NUL byte is not text at all; parsing it would only list
/// every line as a syntax error.
fn binary_content(file: FileId, source: &SourceFile) -> Option<Diagnostic> {
    let at = source.text.find('\0')?;
    Some(
        Diagnostic::new(Code::E0001, "file contains a NUL byte and looks binary")
            .with_primary(Span::new(file, at, at + 1), "NUL byte")
            .with_help("policy files are UTF-8 text; check that this is the file you meant"),
    )
}

/// What kind of block a statement stands in, for placement rules and messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Container {
    TopLevel,
    Defaults,
    Queue,
    Channel(Channel),
    /// The block of a line that could not be parsed: anything may stand in
    /// it, since what the block was meant to be is unknown.
    Unparsed,
}

impl Container {
    fn describe(self) -> &'static str {
        match self {
            Container::TopLevel => "at the top level",
            Container::Defaults => "inside `defaults`",
            Container::Queue => "inside a `queue` block",
            Container::Channel(Channel::Call) => "inside a `call` block",
            Container::Channel(Channel::Chat) => "inside a `chat` block",
            Container::Unparsed => "inside this block",
        }
    }

    /// What may be written here, for "expected ..." messages.
    fn expected(self) -> &'static str {
        match self {
            Container::TopLevel => "`crm: NAME`, `defaults {` or `queue \"NAME\"`",
            Container::Defaults => "a setting such as `skip record creation: yes`, `call {`, `chat {` or `}`",
            Container::Queue => {
                "a setting such as `skip record creation: yes`, `queue \"NAME\"`, `call {`, `chat {` or `}`"
            }
            Container::Channel(_) => "a setting such as `skip record creation: yes`, or `}`",
            Container::Unparsed => "a statement",
        }
    }
}

struct Builder<'a> {
    file: FileId,
    source: &'a SourceFile,
    text: &'a str,
    /// Added to pest offsets: pest sees one line at a time, so this is the
    /// file offset where that line starts.
    base: usize,
    tree: SyntaxTree,
    diagnostics: Vec<Diagnostic>,
    /// Blocks opened and not yet closed, innermost last.
    open_blocks: Vec<OpenBlock>,
    block_ends: BlockEnds,
    /// Indentation of the line being read.
    line_indentation: usize,
    /// Blocks reported as never closed, at the end or by indentation.
    unclosed_blocks: usize,
}

/// A block waiting for its `}`.
#[derive(Clone, Copy, Debug)]
struct OpenBlock {
    id: NodeId,
    /// Indentation of the line that opened it.
    indentation: usize,
}

impl<'a> Builder<'a> {
    fn new(file: FileId, source: &'a SourceFile, block_ends: BlockEnds) -> Builder<'a> {
        Builder {
            file,
            source,
            text: &source.text,
            base: 0,
            tree: SyntaxTree::new(file),
            diagnostics: Vec::new(),
            open_blocks: Vec::new(),
            block_ends,
            line_indentation: 0,
            unclosed_blocks: 0,
        }
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end)
    }

    /// The file span of a pair, without trailing spaces.
    fn trimmed_span(&self, pair: &Pair<'_, Rule>) -> Span {
        let start = self.base + pair.as_span().start();
        self.span(start, start + pair.as_str().trim_end().len())
    }

    fn block_start(&self, pair: &Pair<'_, Rule>) -> BlockStart {
        BlockStart {
            span: self.trimmed_span(pair),
            empty: pair.as_rule() == Rule::empty_block,
        }
    }

    fn read_lines(&mut self, lines: &[Line<'_>]) {
        let mut skip_next = false;
        for (index, line) in lines.iter().enumerate() {
            if std::mem::take(&mut skip_next) {
                continue;
            }
            let Some(parsed) = PolicyGrammar::parse(Rule::line, line.text)
                .ok()
                .and_then(|mut p| p.next())
            else {
                // `line` matches any text without a line break; should that
                // ever change, say so rather than skip the line silently.
                let span = self.span(line.start, line.start + line.text.len());
                self.diagnostics
                    .push(Diagnostic::new(Code::E0001, "this line could not be read").with_primary(span, "here"));
                continue;
            };
            self.base = line.start;
            self.line_indentation = indentation_width(line.text);
            if self.block_ends == BlockEnds::ByIndentation {
                self.end_blocks_by_indentation(line);
            }
            for part in parsed.into_inner() {
                match part.as_rule() {
                    Rule::comment => self.tree.comments.push(self.trimmed_span(&part)),
                    Rule::bad_line => self.bad_line(&part),
                    Rule::EOI => {}
                    _ => skip_next = self.statement(part, lines.get(index + 1)),
                }
            }
            self.base = 0;
        }
    }

    fn container(&self) -> Container {
        let Some(node) = self.open_blocks.last().and_then(|open| self.tree.node(open.id)) else {
            return Container::TopLevel;
        };
        match &node.kind {
            NodeKind::Defaults => Container::Defaults,
            NodeKind::Channel(channel) => Container::Channel(channel.value),
            NodeKind::Unparsed => Container::Unparsed,
            _ => Container::Queue,
        }
    }

    /// Adds one statement. Returns whether the next line was consumed as the
    /// rest of a queue name that spans two lines.
    fn statement(&mut self, pair: Pair<'_, Rule>, next_line: Option<&Line<'_>>) -> bool {
        let span = self.trimmed_span(&pair);
        match pair.as_rule() {
            Rule::crm_decl => {
                let written = pair
                    .into_inner()
                    .find(|part| part.as_rule() == Rule::crm_value)
                    .map(|value| self.folded(&value));
                let crm = written.as_ref().and_then(|w| Crm::from_keyword(&w.value));
                self.add(NodeKind::Crm(CrmDecl { written, crm }), span, None);
            }
            Rule::defaults_open => {
                let block = pair.into_inner().next().map(|b| self.block_start(&b));
                self.add(NodeKind::Defaults, span, block);
            }
            Rule::channel_open => {
                let mut parts = pair.into_inner();
                let Some(channel_pair) = parts.next() else { return false };
                let channel = Channel::from_keyword(channel_pair.as_str()).unwrap_or(Channel::Call);
                let channel = Spanned::new(channel, self.trimmed_span(&channel_pair));
                let block = parts.next().map(|b| self.block_start(&b));
                self.add(NodeKind::Channel(channel), span, block);
            }
            Rule::queue_decl => return self.queue_decl(pair, span, next_line),
            Rule::setting => self.setting(pair, span),
            Rule::block_close => self.close_block(span),
            _ => {}
        }
        false
    }

    fn setting(&mut self, pair: Pair<'_, Rule>, span: Span) {
        let mut name = None;
        let mut written_value = None;
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::setting_name => name = Some(self.folded(&part)),
                Rule::setting_value => written_value = Some(self.folded(&part)),
                _ => {}
            }
        }
        let Some(name) = name else { return };
        // `CRM: salesforce` reads as a setting; it is the declaration with
        // its keyword in the wrong case.
        if name.value.eq_ignore_ascii_case("crm") {
            self.diagnostics.push(miscased_keyword(name.span, &name.value, "crm"));
            let crm = written_value.as_ref().and_then(|w| Crm::from_keyword(&w.value));
            self.add(
                NodeKind::Crm(CrmDecl {
                    written: written_value,
                    crm,
                }),
                span,
                None,
            );
            return;
        }
        let key = SettingKey::from_name(&name.value);
        let value = key
            .zip(written_value.as_ref())
            .and_then(|(key, written)| key.parse_value(&written.value));
        let stmt = SettingStmt {
            name,
            key,
            written_value,
            value,
        };
        self.add(NodeKind::Setting(stmt), span, None);
    }

    /// A word or phrase with its whitespace folded and its span trimmed.
    fn folded(&self, pair: &Pair<'_, Rule>) -> Spanned<String> {
        Spanned::new(vocabulary::fold_whitespace(pair.as_str()), self.trimmed_span(pair))
    }

    fn queue_decl(&mut self, pair: Pair<'_, Rule>, mut span: Span, next_line: Option<&Line<'_>>) -> bool {
        let mut path = Vec::new();
        let mut block = None;
        let mut consumed_next = false;
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::queue_path => {
                    for name in part.into_inner() {
                        match name.as_rule() {
                            Rule::queue_name => path.push(self.queue_name(&name)),
                            Rule::unterminated_name => {
                                let recovered = self.unterminated_name(&name, next_line);
                                consumed_next = recovered.statement_end.is_some();
                                if let Some(end) = recovered.statement_end {
                                    span.end = end;
                                }
                                path.push(recovered.name);
                                block = recovered.block;
                            }
                            _ => {}
                        }
                    }
                }
                Rule::block_open | Rule::empty_block => block = Some(self.block_start(&part)),
                _ => {}
            }
        }
        self.add(NodeKind::Queue(QueueDecl { path }), span, block);
        consumed_next
    }

    /// A well-formed quoted name: unescapes it and reports empty names and
    /// unknown escapes (E0008).
    fn queue_name(&mut self, pair: &Pair<'_, Rule>) -> QueueName {
        let span = self.trimmed_span(pair);
        let quoted = pair.as_str();
        let inner = quoted.get(1..quoted.len().saturating_sub(1)).unwrap_or("");
        let name = self.unescape(inner, span.start + 1);
        if name.is_empty() {
            self.diagnostics.push(
                Diagnostic::new(Code::E0008, "queue name is empty")
                    .with_primary(span, "empty name")
                    .with_help("give the queue the name it has in the portal, such as `\"Support\"`"),
            );
        }
        QueueName { name, span }
    }

    /// Resolves `\"` and `\\`; any other escape is reported and kept as written.
    fn unescape(&mut self, inner: &str, inner_start: usize) -> String {
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
                        Diagnostic::new(Code::E0008, format!("unknown escape `\\{other}` in queue name"))
                            .with_primary(escape_span, "not an escape the language knows")
                            .with_help(
                                "only `\\\"` (a quote) and `\\\\` (a backslash) are escapes; write a backslash as `\\\\`",
                            )
                            .with_fix(Fix::maybe_incorrect(
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
    fn unterminated_name(&mut self, pair: &Pair<'_, Rule>, next_line: Option<&Line<'_>>) -> RecoveredName {
        let open = self.base + pair.as_span().start();
        let rest = pair.as_str().get(1..).unwrap_or("");
        if let Some(recovered) = next_line.and_then(|next| self.name_across_lines(open, rest, next)) {
            return recovered;
        }
        let written = rest.trim_end();
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
        let name_text = name_text.trim_end();
        let name_end = self.span(open + 1 + name_text.len(), open + 1 + name_text.len());
        self.diagnostics.push(
            Diagnostic::new(Code::E0008, "queue name is not closed")
                .with_primary(self.span(open, open + 1), "this `\"` has no closing `\"` on its line")
                .with_help("queue names are written on one line between double quotes, such as `queue \"Support\" {`")
                .with_fix(Fix::machine_applicable(
                    "close the name with `\"`",
                    vec![Edit::insert(name_end, "\"")],
                )),
        );
        let name = self.unescape(name_text, open + 1);
        RecoveredName {
            name: QueueName {
                name,
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
        let tail = after_quote.split('#').next().unwrap_or("").trim();
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
        let first_end = open + 1 + first_part.trim_end().len();
        let second_start = next_start + (next_text.len() - next_text.trim_start().len());
        self.diagnostics.push(
            Diagnostic::new(Code::E0008, "queue name spans lines")
                .with_primary(name_span, "this name runs over a line break")
                .with_help("write the whole name on one line")
                .with_fix(Fix::machine_applicable(
                    "join the name into one line",
                    vec![Edit::replace(self.span(first_end, second_start), " ")],
                )),
        );
        let joined = format!("{} {}", first_part.trim_end(), next_text[..close].trim_start());
        let name = self.unescape(&joined, open + 1);
        Some(RecoveredName {
            name: QueueName { name, span: name_span },
            statement_end: Some(block.map_or(name_span.end, |block| block.span.end)),
            block,
        })
    }

    /// Adds a statement where it stands, reporting it if it may not stand
    /// there. A misplaced statement is still added, so its braces pair up and
    /// its block's contents are parsed; later stages skip it.
    fn add(&mut self, kind: NodeKind, span: Span, block: Option<BlockStart>) {
        if let Some(diagnostic) = misplaced(&kind, self.container(), span) {
            self.diagnostics.push(diagnostic);
        }
        let id = self.tree.push(self.open_blocks.last().map(|open| open.id), kind, span);
        if let Some(block) = block {
            self.open_block(id, block);
        }
    }

    /// Gives a statement its block; an empty `{}` is closed at once, any
    /// other block stays open until its `}`.
    fn open_block(&mut self, id: NodeId, block: BlockStart) {
        if let Some(node) = self.tree.node_mut(id) {
            node.block = Some(Block {
                open: block.span,
                close: block.empty.then_some(block.span),
            });
        }
        if !block.empty {
            self.open_blocks.push(OpenBlock {
                id,
                indentation: self.line_indentation,
            });
        }
    }

    fn close_block(&mut self, span: Span) {
        let Some(OpenBlock { id, .. }) = self.open_blocks.pop() else {
            self.diagnostics.push(
                Diagnostic::new(Code::E0001, "unmatched `}`")
                    .with_primary(span, "no open block to close")
                    .with_help("remove this `}`, or look above for a block whose `{` is missing")
                    .with_fix(Fix::maybe_incorrect("remove this `}`", vec![Edit::delete(span)])),
            );
            return;
        };
        if let Some(block) = self.tree.node_mut(id).and_then(|node| node.block.as_mut()) {
            block.close = Some(span);
        }
    }

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
        let outer_base = std::mem::replace(&mut self.base, line_start);
        self.statement(statement, None);
        self.base = outer_base;
        (self.tree.len() > before).then_some(NodeId(before))
    }

    /// A line pest could not read as a statement: one E0001 (or more, for a
    /// miscased keyword) and as much of the line as can be kept.
    fn bad_line(&mut self, pair: &Pair<'_, Rule>) {
        let start = self.base + pair.as_span().start();
        let written = BadLine {
            text: pair.as_str(),
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
        if expected.starts_with("a queue name") {
            let bare = bare_name(rest)?;
            let span = self.span(at, at + bare.len());
            return Some(Fix::machine_applicable(
                format!("quote the name: `\"{bare}\"`"),
                vec![Edit::replace(span, format!("\"{bare}\""))],
            ));
        }
        let kept = self.tree.node(kept?)?;
        if expected != "end of line" || rest.trim_end().ends_with('}') {
            return None;
        }
        let indent = self.source.indentation_at(at);
        let deeper = if kept.block.is_some() { "    " } else { "" };
        let gap_start = kept.span.end.max(self.text[..at].trim_end().len());
        let break_line = format!("{}{indent}{deeper}", self.source.line_ending());
        Some(Fix::maybe_incorrect(
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
                node.block.is_none()
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
        if let Some((key, name_end)) = line.setting_without_colon() {
            let at = line.start + name_end;
            return Diagnostic::new(
                Code::E0001,
                format!("expected `:` after the setting name `{}`", key.name()),
            )
            .with_primary(self.span(at, at), "`:` missing here")
            .with_help(format!("write `{}: {}`", key.name(), key.value_spellings()[0]))
            .with_fix(Fix::machine_applicable(
                "add `:`",
                vec![Edit::insert(self.span(at, at), ":")],
            ));
        }
        let found = found_at(self.text, line.start, line.end());
        Diagnostic::new(Code::E0001, format!("expected {}, found {found}", container.expected())).with_primary(
            self.span(line.start, found_end(self.text, line.start, line.end())),
            format!("not a statement {}", container.describe()),
        )
    }

    fn finish(mut self) -> ParsedFile {
        while let Some(open) = self.open_blocks.pop() {
            let end = self.text.len();
            let closing = format!(
                "{}{}}}{}",
                self.ending_for_end(),
                " ".repeat(open.indentation),
                self.source.line_ending()
            );
            self.report_unclosed(open, None, Edit::insert(self.span(end, end), closing));
        }
        self.finish_without_blocks()
    }

    /// Before a line is read, when blocks may end by indentation: a line
    /// indented no deeper than a block's first line is outside that block.
    /// A `}` closes the block whose first line it lines up with, so blocks
    /// opened after that one and still open were never closed.
    fn end_blocks_by_indentation(&mut self, line: &Line<'_>) {
        let code = line.text.trim_start();
        if code.is_empty() || code.starts_with('#') {
            return;
        }
        let indentation = self.line_indentation;
        let is_close = code.starts_with('}');
        while let Some(&innermost) = self.open_blocks.last() {
            let ends_here = if is_close {
                indentation < innermost.indentation
                    && self.open_blocks.iter().any(|outer| outer.indentation <= indentation)
            } else {
                indentation <= innermost.indentation
            };
            if !ends_here {
                break;
            }
            self.open_blocks.pop();
            let closing = format!("{}}}{}", " ".repeat(innermost.indentation), self.source.line_ending());
            let before_line = self.span(line.start, line.start);
            self.report_unclosed(innermost, Some(line), Edit::insert(before_line, closing));
        }
    }

    /// A block whose `}` is missing: reported at its `{`, with a fix that
    /// adds the `}` where the block seems to end (a guess, so a person
    /// confirms it).
    fn report_unclosed(&mut self, open: OpenBlock, ends_before: Option<&Line<'_>>, closing: Edit) {
        self.unclosed_blocks += 1;
        let Some(node) = self.tree.node(open.id) else { return };
        let Some(block) = node.block else { return };
        let what = node.kind.describe();
        let mut diagnostic = Diagnostic::new(Code::E0001, format!("unclosed `{{` of {what}"))
            .with_primary(block.open, "this `{` is never closed")
            .with_secondary(node.span, "the block starts here")
            .with_help("add `}` on its own line where the block ends");
        if let Some(line) = ends_before {
            let line_number = self.source.line_column(line.start).line;
            diagnostic = diagnostic.with_note(format!(
                "the block seems to end before line {line_number}, whose indentation is back at the level of its first line"
            ));
        }
        self.diagnostics
            .push(diagnostic.with_fix(Fix::maybe_incorrect("add the missing `}`", vec![closing])));
    }

    /// A line break to put before text added at the end of the file, if the
    /// file does not end with one.
    fn ending_for_end(&self) -> &'static str {
        if self.text.is_empty() || self.text.ends_with('\n') {
            ""
        } else {
            self.source.line_ending()
        }
    }

    fn finish_without_blocks(self) -> ParsedFile {
        ParsedFile {
            tree: self.tree,
            diagnostics: self.diagnostics,
        }
    }
}

fn miscased_keyword(span: Span, written: &str, keyword: &str) -> Diagnostic {
    Diagnostic::new(
        Code::E0001,
        format!("keyword `{written}` must be written in lower case"),
    )
    .with_primary(span, format!("write `{keyword}`"))
    .with_help("the keywords `crm`, `defaults`, `queue`, `call` and `chat` are lower case")
    .with_fix(Fix::machine_applicable(
        format!("write `{keyword}`"),
        vec![Edit::replace(span, keyword)],
    ))
}

/// Where a statement may stand; `None` if it is fine where it is.
fn misplaced(kind: &NodeKind, container: Container, span: Span) -> Option<Diagnostic> {
    if container == Container::Unparsed {
        return None;
    }
    let allowed = match kind {
        NodeKind::Unparsed => true,
        NodeKind::Crm(_) | NodeKind::Defaults => container == Container::TopLevel,
        NodeKind::Queue(_) => matches!(container, Container::TopLevel | Container::Queue),
        NodeKind::Channel(_) => matches!(container, Container::Defaults | Container::Queue),
        NodeKind::Setting(_) => container != Container::TopLevel,
    };
    if allowed {
        return None;
    }
    let what = kind.describe();
    let help = match kind {
        NodeKind::Crm(_) | NodeKind::Defaults => format!("move {what} out of every block, to the top of a file"),
        NodeKind::Queue(_) => {
            "queues are declared at the top level or inside another queue; close this block with `}` first".to_owned()
        }
        NodeKind::Channel(_) => {
            "channel blocks go inside `defaults` or a `queue` block and hold settings only".to_owned()
        }
        NodeKind::Setting(_) => "settings go inside `defaults { }`, a `queue` block or a channel block".to_owned(),
        NodeKind::Unparsed => String::new(),
    };
    Some(
        Diagnostic::new(Code::E0001, format!("{what} cannot stand {}", container.describe()))
            .with_primary(span, "not allowed here")
            .with_help(help),
    )
}

/// The opening of a block as found on a statement's line.
#[derive(Clone, Copy, Debug)]
struct BlockStart {
    span: Span,
    /// `{}`: opened and closed on the same line.
    empty: bool,
}

/// What became of a name with a missing closing quote.
struct RecoveredName {
    name: QueueName,
    block: Option<BlockStart>,
    /// Where the statement ends, when it ran on into the next line.
    statement_end: Option<usize>,
}

/// A line pest could not read as any statement.
struct BadLine<'a> {
    /// The line from its first non-blank character to its end.
    text: &'a str,
    start: usize,
}

const KEYWORDS: [&str; 5] = ["crm", "defaults", "queue", "call", "chat"];

impl<'a> BadLine<'a> {
    fn end(&self) -> usize {
        self.start + self.text.len()
    }

    fn first_word(&self) -> &'a str {
        let end = self
            .text
            .find(|c: char| c.is_whitespace() || matches!(c, ':' | '"' | '{' | '}' | '#'))
            .unwrap_or(self.text.len());
        &self.text[..end]
    }

    /// The line without a trailing comment (a `#` outside quotes) or blanks.
    fn code(&self) -> &'a str {
        let mut in_quotes = false;
        let mut escaped = false;
        for (at, c) in self.text.char_indices() {
            match c {
                '\\' if in_quotes && !escaped => {
                    escaped = true;
                    continue;
                }
                '"' if !escaped => in_quotes = !in_quotes,
                '#' if !in_quotes => return self.text[..at].trim_end(),
                _ => {}
            }
            escaped = false;
        }
        self.text.trim_end()
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

    /// `skip record creation yes`: a known setting name with its `:` missing.
    /// Returns the setting and where its name ends in the line.
    fn setting_without_colon(&self) -> Option<(SettingKey, usize)> {
        SettingKey::ALL.into_iter().find_map(|key| {
            let mut rest = self.text;
            for word in key.name().split(' ') {
                rest = rest.trim_start_matches([' ', '\t']).strip_prefix(word)?;
            }
            let follows_space = rest.starts_with([' ', '\t']) || rest.is_empty();
            follows_space.then(|| (key, self.text.len() - rest.len()))
        })
    }
}

impl Rule {
    /// The strict single-statement rule for a line starting with `keyword`.
    fn strict_line_for(keyword: &str) -> Rule {
        match keyword {
            "crm" => Rule::crm_line,
            "defaults" => Rule::defaults_line,
            "queue" => Rule::queue_line,
            "call" | "chat" => Rule::channel_line,
            _ => Rule::setting_line,
        }
    }
}

/// The quoted form of a bare queue name: the words up to a `{` or comment.
fn bare_name(rest: &str) -> Option<&str> {
    let code = rest.split('#').next().unwrap_or("");
    let bare = code.trim_end().trim_end_matches('{').trim_end();
    (!bare.is_empty() && !bare.contains(['"', '/'])).then_some(bare)
}

/// Advice for the common shapes of a broken statement.
fn junk_help(expected: &str, kept_statement: bool, rest: &str) -> Option<String> {
    if kept_statement && expected == "end of line" {
        return Some("write one statement per line".to_owned());
    }
    if expected.starts_with("a queue name")
        && let Some(bare) = bare_name(rest)
    {
        return Some(format!("queue names are quoted: write `\"{bare}\"`"));
    }
    if expected.contains("`:`") {
        return Some("a setting is written `NAME: VALUE`, such as `skip record creation: yes`".to_owned());
    }
    None
}

/// How a position is shown in "found ..." messages: the word there, or
/// "end of line".
fn found_at(text: &str, at: usize, line_end: usize) -> String {
    let end = found_end(text, at, line_end);
    match text.get(at..end) {
        Some("") | None => "end of line".to_owned(),
        Some(word) => format!("`{word}`"),
    }
}

/// The end of the word at `at`: up to the next blank, at most 24 characters.
fn found_end(text: &str, at: usize, line_end: usize) -> usize {
    let rest = text.get(at..line_end).unwrap_or("");
    let word_len = rest.find([' ', '\t']).unwrap_or(rest.len());
    let capped = rest[..word_len]
        .char_indices()
        .nth(24)
        .map_or(word_len, |(index, _)| index);
    at + capped
}

fn error_offset(error: &pest::error::Error<Rule>) -> usize {
    match error.location {
        pest::error::InputLocation::Pos(at) => at,
        pest::error::InputLocation::Span((start, _)) => start,
    }
}

/// What pest wanted at its furthest failure, in an operator's words:
/// "`/`, `{` or end of line".
fn expected_phrases(error: &pest::error::Error<Rule>) -> String {
    let pest::error::ErrorVariant::ParsingError { positives, .. } = &error.variant else {
        return String::new();
    };
    let mut phrases: Vec<&str> = Vec::new();
    for rule in positives {
        if let Some(phrase) = describe_rule(*rule)
            && !phrases.contains(&phrase)
        {
            phrases.push(phrase);
        }
    }
    // End of line reads best last: "`/`, `{` or end of line".
    phrases.sort_by_key(|phrase| *phrase == "end of line");
    join_alternatives(&phrases)
}

fn describe_rule(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::queue_path | Rule::queue_name | Rule::unterminated_name => {
            "a queue name in double quotes, such as `\"Support\"`"
        }
        Rule::path_sep => "`/`",
        Rule::block_open | Rule::empty_block => "`{`",
        Rule::block_close => "`}`",
        Rule::colon => "`:`",
        Rule::crm_value => "a CRM name such as `salesforce`",
        Rule::setting_value => "a value",
        Rule::channel => "`call` or `chat`",
        Rule::setting | Rule::setting_name => "a setting such as `skip record creation: yes`",
        Rule::EOI => "end of line",
        _ => return None,
    })
}

/// "a", "a or b", "a, b or c".
fn join_alternatives(phrases: &[&str]) -> String {
    match phrases {
        [] => String::new(),
        [only] => (*only).to_owned(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// Byte index of the first unescaped `"` in a line.
fn closing_quote(text: &str) -> Option<usize> {
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
