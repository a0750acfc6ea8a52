//! Parsing: one file's text in, its [`SyntaxTree`] and syntax diagnostics
//! (E0001, E0008) out.
//!
//! pest splits the file into lines and recognises each statement; this module
//! pairs `{` with `}` on an explicit stack, checks that each statement stands
//! where the language allows it, and turns every line pest could not read
//! into one E0001 in an operator's words. Parsing never stops at the first
//! mistake: a bad line is reported and skipped, a statement with trailing
//! junk is kept, and an unclosed block is reported at its `{`.

mod catalog;
mod line_parses;
mod messages;
mod names;
mod plain_lines;
pub(crate) use names::{closing_quote, unescape_name};
mod recovery;
mod setting_lines;
mod slips;

use super::ast::{CrmDecl, NodeId, NodeKind, QueueDecl, SettingStmt, SyntaxTree};
use crate::diagnostic::{Code, Diagnostic, Edit, Fix};
use crate::settings::SettingKey;
use crate::source::{FileId, SourceFile, Span, Spanned};
use crate::vocabulary::{self, Channel, Crm};
use line_parses::LineParses;
use messages::{miscased_keyword, misplaced};
use pest::iterators::Pair;
use plain_lines::{PlainHeader, PlainLine};
use setting_lines::SettingLines;
use std::borrow::Cow;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/crmpol.pest"]
struct PolicyGrammar;

/// A parsed file: its tree and what was wrong with its syntax.
#[derive(Clone, Debug)]
pub struct ParsedFile {
    /// Shared, so a workspace can keep it across analyses without copying.
    pub tree: std::sync::Arc<SyntaxTree>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses one file. Never fails: whatever the input, the result is a tree of
/// the statements that could be read and a diagnostic for each that could not.
pub fn parse_file(file: FileId, source: &SourceFile) -> ParsedFile {
    if let Some(diagnostic) = binary_content(file, source).or_else(|| carriage_return_line_ends(file, source)) {
        let mut builder = Builder::new(file, source, BlockEnds::ByBraces);
        builder.diagnostics.push(diagnostic);
        builder.tree.unreadable = true;
        return builder.finish_without_blocks();
    }
    let lines = lines(&source.text);
    let by_braces = read(file, source, lines.clone(), BlockEnds::ByBraces);
    if by_braces.unclosed_blocks == 0 {
        return by_braces.parsed;
    }
    // A `{` was never closed, so every line after it was read as inside its
    // block. Read the file again letting indentation end blocks, and keep
    // the reading with fewer syntax errors; on a tie the one that follows
    // the author's indentation.
    let by_indentation = read(file, source, lines, BlockEnds::ByIndentation);
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

fn read<'a>(
    file: FileId,
    source: &'a SourceFile,
    lines: impl Iterator<Item = Line<'a>>,
    block_ends: BlockEnds,
) -> Reading {
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

/// Splits on LF; a CR before the LF belongs to the line ending. A CR
/// anywhere else, the end of the file included, is part of the line. Lazy,
/// so a large file costs no list of its lines.
fn lines(text: &str) -> impl Iterator<Item = Line<'_>> + Clone {
    let ends = memchr::memchr_iter(b'\n', text.as_bytes()).chain(std::iter::once(text.len()));
    let mut start = 0;
    ends.map(move |end| {
        let raw = text.get(start..end).unwrap_or("");
        let line = Line {
            start,
            text: raw.strip_suffix('\r').filter(|_| end < text.len()).unwrap_or(raw),
        };
        start = end + 1;
        line
    })
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

/// A file whose lines end with a carriage return alone (as on classic Mac
/// OS) would read as one long line; it is reported once instead, with the
/// line ends converted to LF as its fix.
fn carriage_return_line_ends(file: FileId, source: &SourceFile) -> Option<Diagnostic> {
    let text = &source.text;
    let bytes = text.as_bytes();
    let lone = |at: usize| bytes.get(at + 1) != Some(&b'\n');
    let mut lone_crs = text.match_indices('\r').map(|(at, _)| at).filter(|&at| lone(at));
    let first = lone_crs.next()?;
    let line_feeds = bytes.iter().filter(|&&byte| byte == b'\n').count();
    if lone_crs.count() < line_feeds {
        return None;
    }
    let converted = text.replace("\r\n", "\n").replace('\r', "\n");
    Some(
        Diagnostic::new(Code::E0001, "lines end with a carriage return alone")
            .with_primary(
                Span::new(file, first, first + 1),
                "a line ends here with CR, not LF or CRLF",
            )
            .with_help("crmpol reads lines that end with LF or CRLF; save the file with those line ends")
            .with_note("the file was not read, since it would be one long line")
            .with_fix(Fix::safe(
                "end the lines with LF",
                vec![Edit::replace(Span::new(file, 0, text.len()), converted)],
            )),
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
            Container::TopLevel => "`crm: NAME`, `catalog: \"FILE\"`, `defaults {` or `queue \"NAME\"`",
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
    /// The line being read, while its statements come from the reading of
    /// the whole line: the words are taken from here by pest's offsets, as
    /// that reading may be of an earlier line of the same shape
    /// ([`LineParses`]). `None` while a statement is salvaged from a line
    /// rewritten on the side (a keyword's case corrected).
    line_text: Option<&'a str>,
    tree: SyntaxTree,
    diagnostics: Vec<Diagnostic>,
    /// Blocks opened and not yet closed, innermost last.
    open_blocks: Vec<OpenBlock>,
    block_ends: BlockEnds,
    /// Indentation of the line being read.
    line_indentation: usize,
    /// Blocks reported as never closed, at the end or by indentation.
    unclosed_blocks: usize,
    names: names::SharedNames,
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
            line_text: None,
            // A statement per line at most: reserved up front, since growing
            // by doubling would copy every node of a large file several times.
            tree: SyntaxTree::with_capacity(file, source.line_count()),
            diagnostics: Vec::new(),
            open_blocks: Vec::new(),
            block_ends,
            line_indentation: 0,
            unclosed_blocks: 0,
            names: names::SharedNames::default(),
        }
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end)
    }

    /// The text a pair stands for: the current line's at the pair's
    /// offsets, or what pest read when there is no current line.
    fn text<'p>(&self, pair: &Pair<'p, Rule>) -> &'p str
    where
        'a: 'p,
    {
        self.text_at(pair.as_span())
    }

    /// [`Builder::text`] for a pair's span, found once by the caller.
    fn text_at<'p>(&self, span: pest::Span<'p>) -> &'p str
    where
        'a: 'p,
    {
        self.line_text
            .and_then(|line| line.get(span.start()..span.end()))
            .unwrap_or_else(|| span.as_str())
    }

    /// The file span of a pair, without trailing blanks (spaces and tabs
    /// only: any other character is part of what was written).
    fn trimmed_span(&self, pair: &Pair<'_, Rule>) -> Span {
        let span = pair.as_span();
        let start = self.base + span.start();
        self.span(start, start + crate::text::trim_end_blanks(self.text_at(span)).len())
    }

    fn block_start(&self, pair: &Pair<'_, Rule>) -> BlockStart {
        BlockStart {
            span: self.trimmed_span(pair),
            empty: pair.as_rule() == Rule::empty_block,
        }
    }

    fn read_lines(&mut self, lines: impl Iterator<Item = Line<'a>>) {
        let mut lines = lines.peekable();
        let mut parses = LineParses::default();
        let mut settings = SettingLines::default();
        let mut header_names = Vec::new();
        while let Some(line) = lines.next() {
            if let Some(plain) = plain_lines::read(line.text) {
                self.begin_line(&line);
                self.plain_line(plain);
                self.end_line();
                continue;
            }
            if let Some(header) = plain_lines::queue_header(line.text, &mut header_names) {
                self.begin_line(&line);
                self.plain_queue_header(line.text, header, &header_names);
                self.end_line();
                continue;
            }
            if let Some((stmt, span)) = settings.get(line.text, line.start) {
                self.begin_line(&line);
                self.add(NodeKind::Setting(stmt), span, None);
                self.end_line();
                continue;
            }
            let Some(parsed) = parses.parse(line.text) else {
                // `line` matches any text without a line break; should that
                // ever change, say so rather than skip the line silently.
                let span = self.span(line.start, line.start + line.text.len());
                self.diagnostics
                    .push(Diagnostic::new(Code::E0001, "this line could not be read").with_primary(span, "here"));
                continue;
            };
            self.begin_line(&line);
            let nodes_before = self.tree.len();
            let mut setting_alone = true;
            let mut skip_next = false;
            for part in parsed.into_inner() {
                let rule = part.as_rule();
                setting_alone &= matches!(rule, Rule::setting | Rule::EOI);
                match rule {
                    Rule::comment => self.tree.comments.push(self.trimmed_span(&part)),
                    Rule::bad_line => self.bad_line(&part),
                    Rule::EOI => {}
                    _ => skip_next = self.statement(part, lines.peek()),
                }
            }
            if setting_alone
                && self.tree.len() == nodes_before + 1
                && let Some(node) = self.tree.node(NodeId(nodes_before))
                && let NodeKind::Setting(stmt) = &node.kind
            {
                settings.remember(line.text, line.start, stmt, node.span);
            }
            if skip_next {
                lines.next();
            }
            self.end_line();
        }
    }

    /// A line read without pest ([`plain_lines`]), as [`Self::statement`]
    /// reads the same line from pest's pairs.
    fn plain_line(&mut self, plain: PlainLine) {
        let at = |offset: usize| self.base + offset;
        match plain {
            PlainLine::Close { at: brace } => self.close_block(self.span(at(brace), at(brace) + 1)),
            PlainLine::ChannelOpen { channel, word, brace } => {
                let span = self.span(at(word.start), at(brace) + 1);
                let channel = Spanned::new(channel, self.span(at(word.start), at(word.end)));
                let block = BlockStart {
                    span: self.span(at(brace), at(brace) + 1),
                    empty: false,
                };
                self.add(NodeKind::Channel(channel), span, Some(block));
            }
        }
    }

    /// A queue header read without pest ([`plain_lines::queue_header`]),
    /// as [`Self::queue_decl`] reads the same line from pest's pairs.
    fn plain_queue_header(&mut self, text: &str, header: PlainHeader, names: &[std::ops::Range<usize>]) {
        let base = self.base;
        let path = names
            .iter()
            .map(|name| {
                let span = self.span(base + name.start, base + name.end);
                self.quoted_name(text.get(name.clone()).unwrap_or(""), span)
            })
            .collect();
        let span = self.span(base + header.start, base + header.end);
        let block = header.brace.map(|brace| BlockStart {
            span: self.span(base + brace, base + brace + 1),
            empty: false,
        });
        self.add(NodeKind::Queue(QueueDecl { path }), span, block);
    }

    /// Before a line's statements: where it starts, its text and
    /// indentation, and (when blocks end by indentation) the blocks it ends.
    fn begin_line(&mut self, line: &Line<'a>) {
        self.base = line.start;
        self.line_text = Some(line.text);
        self.line_indentation = indentation_width(line.text);
        if self.block_ends == BlockEnds::ByIndentation {
            self.end_blocks_by_indentation(line);
        }
    }

    fn end_line(&mut self) {
        self.base = 0;
        self.line_text = None;
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
            Rule::catalog_decl => self.catalog_decl(pair, span),
            Rule::defaults_open => {
                let block = pair.into_inner().next().map(|b| self.block_start(&b));
                self.add(NodeKind::Defaults, span, block);
            }
            Rule::channel_open => {
                let mut parts = pair.into_inner();
                let Some(channel_pair) = parts.next() else { return false };
                let channel = Channel::from_keyword(self.text(&channel_pair)).unwrap_or(Channel::Call);
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
        if name.value.eq_ignore_ascii_case("catalog") {
            self.diagnostics
                .push(miscased_keyword(name.span, &name.value, "catalog"));
            let path = written_value.and_then(|written| self.catalog_path(&written.value, written.span));
            self.add(NodeKind::Catalog(super::ast::CatalogDecl { path }), span, None);
            return;
        }
        let key = SettingKey::from_name(&name.value);
        let value = key
            .zip(written_value.as_ref())
            .and_then(|(key, written)| key.parse_value(&written.value));
        let spelt = |fixed: Option<&'static str>, text: String| match fixed {
            Some(fixed) if fixed == text => Cow::Borrowed(fixed),
            _ => Cow::Owned(text),
        };
        let stmt = SettingStmt {
            name: Spanned::new(spelt(key.map(SettingKey::name), name.value), name.span),
            key,
            written_value: written_value.map(|written| {
                let fixed = key.zip(value).and_then(|(key, value)| key.kind().fixed_spelling(value));
                Spanned::new(spelt(fixed, written.value), written.span)
            }),
            value,
        };
        self.add(NodeKind::Setting(stmt), span, None);
    }

    /// A word or phrase with its whitespace folded and its span trimmed.
    fn folded(&self, pair: &Pair<'_, Rule>) -> Spanned<String> {
        Spanned::new(vocabulary::fold_whitespace(self.text(pair)), self.trimmed_span(pair))
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
                                    span = span.with_end(end);
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
        self.tree.open_block(id, block.span, block.empty.then_some(block.span));
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
                    .with_fix(Fix::unsafe_fix("remove this `}`", vec![Edit::delete(span)])),
            );
            return;
        };
        self.tree.close_block(id, span);
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
        let code = crate::text::trim_start_blanks(line.text);
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
        let Some(block) = node.block() else { return };
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
            .push(diagnostic.with_fix(Fix::unsafe_fix("add the missing `}`", vec![closing])));
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
            tree: std::sync::Arc::new(self.tree),
            diagnostics: self.diagnostics,
        }
    }
}

/// The opening of a block as found on a statement's line.
#[derive(Clone, Copy, Debug)]
struct BlockStart {
    span: Span,
    /// `{}`: opened and closed on the same line.
    empty: bool,
}

/// For the tests of the readings reused line to line: the first statement
/// of `text` starting at `start` or later, and the diagnostics pointing
/// there or later, as text to compare.
#[cfg(test)]
fn read_from(text: &str, start: usize) -> (String, Vec<String>) {
    let ParsedFile { tree, diagnostics } = parse_file(FileId(0), &SourceFile::from_text("t.crmpol", text));
    let node = tree
        .nodes()
        .find(|(_, node)| node.span.start() >= start)
        .map(|(_, node)| format!("{:?} {:?} {:?} {:?}", node.kind, node.span, node.block(), node.parent()))
        .unwrap_or_default();
    let diagnostics = diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.labels.iter().any(|label| label.span.start() >= start))
        .map(|diagnostic| format!("{diagnostic:?}"))
        .collect();
    (node, diagnostics)
}
