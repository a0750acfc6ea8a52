//! Formatting: a parsed file in, the same policy in the one canonical
//! layout out.
//!
//! The layout: four spaces per level, one statement per line, one space
//! after `:`, LF line ends and no byte-order mark; `crm:` first, then
//! `defaults`, then the queues in their order; inside a block the settings
//! in the canonical order of `SettingKey::ALL`, then the channel blocks
//! (`call`, then `chat`), then the sub-queues in their order; exactly one
//! blank line between top-level items, and the author's blank lines inside
//! blocks kept, each run collapsed to one. An empty block is written `{}`.
//! Queue order never changes, nor anything else that could change meaning.
//!
//! Comments travel with what they describe: the comment lines (and blank
//! lines) above a statement move with it, a comment after a statement or a
//! `}` stays on that line, and comments before a `}` or at the end of the
//! file stay there.
//!
//! [`verify`] is the safety net, after the formatter of Cedar: the output is
//! parsed again and must hold the same statements, queue order and comments
//! as the input, or it is refused.

use crate::diagnostic::Diagnostic;
use crate::resolve::quote_name;
use crate::source::{FileId, SourceFile};
use crate::syntax::{self, NodeId, NodeKind, SyntaxTree};
use crate::vocabulary;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

/// Choices beyond the canonical layout.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FormatOptions {
    /// Write value aliases in their canonical spelling (`ccaip session` →
    /// `ccaas session`). Off by default: aliases are kept as written.
    pub normalize: bool,
}

const INDENT: &str = "    ";

/// Why a file was not formatted.
#[derive(Clone, Debug)]
pub enum FormatError {
    /// The file has syntax errors (E0001, E0008): its layout cannot be
    /// trusted to mean what it seems, so it is left alone.
    Syntax(Vec<Diagnostic>),
    /// The formatted text would not mean what the input means: a bug in the
    /// formatter, caught before anything was written.
    WouldChangeMeaning(String),
    /// The file cannot be laid out canonically, and is left alone: why, in
    /// words. Its canonical layout would be absurdly larger than the file
    /// (indentation grows with the square of the nesting), so the work is
    /// refused rather than run out of memory; or a statement holds a control
    /// character, which a new layout could turn into something else (a
    /// carriage return moved to the end of a line becomes a line ending).
    Refused(String),
}

/// Why a file was not formatted, in one line for an operator.
pub fn refusal_message(file_name: &str, error: &FormatError) -> String {
    let name = crate::text::escape_hidden(file_name);
    match error {
        FormatError::Syntax(diagnostics) => format!(
            "cannot format `{name}`: it has {} syntax {}; fix {} first (`crmpol check` shows them)",
            diagnostics.len(),
            if diagnostics.len() == 1 { "error" } else { "errors" },
            if diagnostics.len() == 1 { "it" } else { "them" },
        ),
        FormatError::Refused(why) => format!("cannot format `{name}`: {why}; the file was left as it is"),
        FormatError::WouldChangeMeaning(why) => format!(
            "internal error: formatting `{name}` was refused because {why}; nothing was written. \
             This is a bug in crmpol: please report it with the file."
        ),
    }
}

/// The canonical layout may be this many times the size of the input ...
const MAX_GROWTH: usize = 8;
/// ... or this large, whichever is more.
const MAX_FORMATTED_BYTES: usize = 64 << 20;

/// Formats one file's text. The result has passed [`verify`].
pub fn format_file(source: &SourceFile, options: FormatOptions) -> Result<String, FormatError> {
    let parsed = syntax::parse_file(FileId(0), source);
    if !parsed.diagnostics.is_empty() {
        return Err(FormatError::Syntax(parsed.diagnostics));
    }
    refuse_if_too_large(&parsed.tree, source)?;
    refuse_control_characters(&parsed.tree, source)?;
    let formatted = Printer::new(&parsed.tree, source, options).print();
    verify(&parsed.tree, source, &formatted)?;
    Ok(formatted)
}

/// Whether a file is in the canonical layout. Most files that are not give
/// themselves away by a statement indented other than four spaces a
/// level, which is seen without formatting anything.
pub fn is_canonical(source: &SourceFile, options: FormatOptions) -> bool {
    let parsed = syntax::parse_file(FileId(0), source);
    if !parsed.diagnostics.is_empty() || source.text.contains('\r') || !indented_canonically(&parsed.tree, source) {
        return false;
    }
    format_file(source, options).is_ok_and(|text| text == source.text)
}

fn indented_canonically(tree: &SyntaxTree, source: &SourceFile) -> bool {
    tree.nodes().zip(statement_depths(tree)).all(|((_, node), depth)| {
        let line_start = source.line_start(source.line_of(node.span.start())).unwrap_or(0);
        node.span.start() - line_start == depth * INDENT.len()
    })
}

/// How deep each statement is nested, by node: 0 at the top level.
fn statement_depths(tree: &SyntaxTree) -> Vec<usize> {
    let mut depths: Vec<usize> = Vec::with_capacity(tree.len());
    for (_, node) in tree.nodes() {
        // A node's parent always comes before it.
        let depth = node
            .parent()
            .and_then(|parent| depths.get(parent.0))
            .map_or(0, |depth| depth + 1);
        depths.push(depth);
    }
    depths
}

/// A statement holding a control character other than a tab is left as
/// written: its value is invalid anyway (`E0003`, or `E0008` in a name),
/// and moved elsewhere on its line the character could change what the
/// line says.
fn refuse_control_characters(tree: &SyntaxTree, source: &SourceFile) -> Result<(), FormatError> {
    for (_, node) in tree.nodes() {
        let statement = source.slice(node.span);
        if let Some(c) = statement.chars().find(|&c| c != '\t' && crate::text::is_control(c)) {
            let line = source.line_column(node.span.start()).line;
            return Err(FormatError::Refused(format!(
                "line {line} holds {}; correct it (`crmpol check` says how) and format again",
                crate::text::describe_char(c)
            )));
        }
    }
    Ok(())
}

/// Bounds the work before doing it: the canonical text is at most each
/// statement and comment with its indentation, plus its braces.
fn refuse_if_too_large(tree: &SyntaxTree, source: &SourceFile) -> Result<(), FormatError> {
    let depths = statement_depths(tree);
    let mut estimate: usize = 0;
    let mut deepest = 0;
    for ((_, node), &depth) in tree.nodes().zip(&depths) {
        deepest = deepest.max(depth);
        let braces = if node.block().is_some() {
            (depth * INDENT.len()) + 6
        } else {
            1
        };
        estimate = estimate.saturating_add(depth * INDENT.len() + node.span.end() - node.span.start() + braces);
    }
    // A comment is at most one level deeper than the statement before it.
    let starts: Vec<usize> = tree.nodes().map(|(_, node)| node.span.start()).collect();
    for comment in &tree.comments {
        let before = starts.partition_point(|&start| start <= comment.start());
        let depth = before
            .checked_sub(1)
            .and_then(|index| depths.get(index))
            .map_or(0, |depth| depth + 1);
        estimate = estimate.saturating_add(depth * INDENT.len() + comment.end() - comment.start() + 2);
    }
    let limit = MAX_FORMATTED_BYTES.max(source.text.len().saturating_mul(MAX_GROWTH));
    if estimate <= limit {
        return Ok(());
    }
    Err(FormatError::Refused(format!(
        "its canonical layout would take about {} MB for {} KB of policy, as its blocks nest {deepest} levels deep and each level is indented four more spaces",
        estimate >> 20,
        (source.text.len() >> 10).max(1)
    )))
}

/// What stands between statements: comment lines and blank lines.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Piece {
    Comment(String),
    Blank,
}

/// Comments and blank lines, attached to the statements they belong with.
#[derive(Default)]
struct Trivia {
    /// The lines above a statement, since the previous statement or brace.
    leading: HashMap<NodeId, Vec<Piece>>,
    /// A comment after the statement (after its `{`, for a block) on its line.
    trailing: HashMap<NodeId, String>,
    /// The lines inside a block after its last statement.
    inner_tail: HashMap<NodeId, Vec<Piece>>,
    /// A comment after a block's `}`.
    after_close: HashMap<NodeId, String>,
    /// The lines after the last statement of the file.
    file_tail: Vec<Piece>,
}

impl Trivia {
    /// Walks the file's lines once: each comment or blank line waits for
    /// what comes next, a statement (its leading lines), a `}` (the block's
    /// tail), or the end of the file.
    fn collect(tree: &SyntaxTree, source: &SourceFile) -> Trivia {
        let line_of = |offset: usize| source.line_of(offset);
        let mut statement_at: HashMap<usize, NodeId> = HashMap::new();
        let mut close_at: HashMap<usize, NodeId> = HashMap::new();
        for (id, node) in tree.nodes() {
            let line = line_of(node.span.start());
            statement_at.insert(line, id);
            if let Some(close) = node.block().and_then(|block| block.close)
                && line_of(close.start()) != line
            {
                close_at.insert(line_of(close.start()), id);
            }
        }
        let comment_at: HashMap<usize, String> = tree
            .comments
            .iter()
            .map(|span| (line_of(span.start()), source.slice(*span).trim_end().to_owned()))
            .collect();

        let mut trivia = Trivia::default();
        let mut pending: Vec<Piece> = Vec::new();
        for line in 0..source.line_count() {
            if let Some(&id) = statement_at.get(&line) {
                trivia.leading.insert(id, std::mem::take(&mut pending));
                if let Some(comment) = comment_at.get(&line) {
                    trivia.trailing.insert(id, comment.clone());
                }
            } else if let Some(&id) = close_at.get(&line) {
                trivia.inner_tail.insert(id, std::mem::take(&mut pending));
                if let Some(comment) = comment_at.get(&line) {
                    trivia.after_close.insert(id, comment.clone());
                }
            } else if let Some(comment) = comment_at.get(&line) {
                pending.push(Piece::Comment(comment.clone()));
            } else {
                pending.push(Piece::Blank);
            }
        }
        trivia.file_tail = pending;
        trivia
    }
}

/// The canonical order of a block's statements: settings (by setting, the
/// unknown ones last), channel blocks (`call`, then `chat`), sub-queues; a
/// stable sort, so equal ones keep their order. At the top level: `crm:`,
/// `defaults`, queues.
fn canonical_order(tree: &SyntaxTree, children: impl Iterator<Item = NodeId>) -> Vec<NodeId> {
    let mut ordered: Vec<NodeId> = children.collect();
    ordered.sort_by_key(|&id| tree.node(id).map_or((4, 0), |node| node.kind.canonical_rank()));
    ordered
}

/// One step of the printer's walk, which uses an explicit stack so that
/// nesting depth never turns into recursion depth.
enum Step {
    /// Print a statement (and, for a block, schedule its contents).
    Statement {
        id: NodeId,
        depth: usize,
        first_in_block: bool,
    },
    /// Print the tail comments of a block and its `}`.
    Close { id: NodeId, depth: usize },
}

struct Printer<'a> {
    tree: &'a SyntaxTree,
    trivia: Trivia,
    options: FormatOptions,
    out: String,
}

impl<'a> Printer<'a> {
    fn new(tree: &'a SyntaxTree, source: &SourceFile, options: FormatOptions) -> Printer<'a> {
        Printer {
            tree,
            trivia: Trivia::collect(tree, source),
            options,
            out: String::with_capacity(source.text.len()),
        }
    }

    fn print(mut self) -> String {
        let roots = canonical_order(self.tree, self.tree.roots().map(|(id, _)| id));
        let mut steps: Vec<Step> = roots
            .iter()
            .enumerate()
            .rev()
            .map(|(index, &id)| Step::Statement {
                id,
                depth: 0,
                first_in_block: index == 0,
            })
            .collect();
        while let Some(step) = steps.pop() {
            match step {
                Step::Statement {
                    id,
                    depth,
                    first_in_block,
                } => {
                    self.statement(id, depth, first_in_block, &mut steps);
                }
                Step::Close { id, depth } => self.close(id, depth),
            }
        }
        let tail = self.trivia.file_tail.clone();
        self.pieces(&tail, 0, PieceContext::FileEnd);
        if self.out.is_empty() {
            return String::new();
        }
        self.out
    }

    fn statement(&mut self, id: NodeId, depth: usize, first_in_block: bool, steps: &mut Vec<Step>) {
        let Some(node) = self.tree.node(id) else { return };
        let leading = self.trivia.leading.remove(&id).unwrap_or_default();
        let context = match (depth, first_in_block) {
            (0, true) => PieceContext::FileStart,
            (0, false) => PieceContext::BetweenTopLevel,
            (_, true) => PieceContext::BlockStart,
            (_, false) => PieceContext::InBlock,
        };
        self.pieces(&leading, depth, context);

        let mut line = format!("{}{}", INDENT.repeat(depth), self.statement_text(&node.kind));
        let children = canonical_order(self.tree, self.tree.children(id).map(|(child, _)| child));
        let inner_tail = self.trivia.inner_tail.get(&id).cloned().unwrap_or_default();
        let after_close = self.trivia.after_close.get(&id).cloned();
        let has_block = node.block().is_some();
        let empty_block = has_block && children.is_empty() && inner_tail.iter().all(|piece| *piece == Piece::Blank);
        if empty_block && after_close.is_none() {
            line.push_str(" {}");
        } else if has_block {
            line.push_str(" {");
        }
        if let Some(comment) = self.trivia.trailing.get(&id) {
            line.push(' ');
            line.push_str(comment);
        }
        self.line(&line);
        if !has_block || (empty_block && after_close.is_none()) {
            return;
        }
        steps.push(Step::Close { id, depth });
        steps.extend(
            children
                .iter()
                .enumerate()
                .rev()
                .map(|(index, &child)| Step::Statement {
                    id: child,
                    depth: depth + 1,
                    first_in_block: index == 0,
                }),
        );
    }

    fn close(&mut self, id: NodeId, depth: usize) {
        let tail = self.trivia.inner_tail.remove(&id).unwrap_or_default();
        self.pieces(&tail, depth + 1, PieceContext::BlockEnd);
        let mut line = format!("{}}}", INDENT.repeat(depth));
        if let Some(comment) = self.trivia.after_close.get(&id) {
            line.push(' ');
            line.push_str(comment);
        }
        self.line(&line);
    }

    /// Comment and blank lines. A run of blank lines becomes one; none is
    /// kept at the start of the file or of a block, nor right before a `}`
    /// or the end of the file; exactly one stands before each top-level item
    /// but the first.
    fn pieces(&mut self, pieces: &[Piece], depth: usize, context: PieceContext) {
        use PieceContext::*;
        let blank_may_come_first = matches!(context, BetweenTopLevel | InBlock | BlockEnd | FileEnd);
        let blank_may_come_last = !matches!(context, BlockEnd | FileEnd);
        let mut blank_pending = context == BetweenTopLevel;
        let mut printed_any = false;
        for piece in pieces {
            match piece {
                Piece::Blank => blank_pending |= printed_any || blank_may_come_first,
                Piece::Comment(text) => {
                    if std::mem::take(&mut blank_pending) && !self.out.is_empty() {
                        self.out.push('\n');
                    }
                    let line = format!("{}{text}", INDENT.repeat(depth));
                    self.line(&line);
                    printed_any = true;
                }
            }
        }
        if blank_pending && blank_may_come_last && !self.out.is_empty() {
            self.out.push('\n');
        }
    }

    fn line(&mut self, text: &str) {
        self.out.push_str(text);
        self.out.push('\n');
    }

    fn statement_text(&self, kind: &NodeKind) -> String {
        match kind {
            NodeKind::Crm(decl) => match &decl.written {
                Some(written) => format!("crm: {}", written.value),
                None => "crm:".to_owned(),
            },
            NodeKind::Catalog(decl) => match &decl.path {
                Some(path) => format!("catalog: {}", quote_name(&path.value)),
                None => "catalog:".to_owned(),
            },
            NodeKind::Defaults => "defaults".to_owned(),
            NodeKind::Queue(decl) => {
                let path: Vec<String> = decl.path.iter().map(|name| quote_name(&name.name)).collect();
                format!("queue {}", path.join(" / "))
            }
            NodeKind::Channel(channel) => channel.value.keyword().to_owned(),
            NodeKind::Setting(stmt) => {
                let value = stmt.written_value.as_ref().map(|written| {
                    // An alias is a spelling of a value of one setting only,
                    // so it is read with the statement's own setting; a
                    // value the setting does not take is kept as written.
                    let canonical = stmt.value.map(|value| value.to_string());
                    match canonical {
                        Some(canonical)
                            if self.options.normalize && vocabulary::fold_whitespace(&written.value) != canonical =>
                        {
                            canonical
                        }
                        _ => written.value.to_string(),
                    }
                });
                match value {
                    Some(value) => format!("{}: {value}", stmt.name.value),
                    None => format!("{}:", stmt.name.value),
                }
            }
            // Files with unparsed lines are never formatted.
            NodeKind::Unparsed => String::new(),
        }
    }
}

/// Where comment and blank lines are printed, which decides their blanks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PieceContext {
    FileStart,
    BetweenTopLevel,
    BlockStart,
    InBlock,
    BlockEnd,
    FileEnd,
}

/// The safety net: the formatted text must parse without errors and hold
/// the same statements (settings and channel blocks may move within their
/// block; queues keep their order) and the same comments as the original.
pub fn verify(original: &SyntaxTree, source: &SourceFile, formatted: &str) -> Result<(), FormatError> {
    let reparsed_source = SourceFile::from_text(source.name.clone(), formatted);
    let reparsed = syntax::parse_file(FileId(0), &reparsed_source);
    if let Some(first) = reparsed.diagnostics.first() {
        return Err(FormatError::WouldChangeMeaning(format!(
            "the formatted text does not parse: {}",
            first.message
        )));
    }
    if statement_fingerprints(original) != statement_fingerprints(&reparsed.tree) {
        return Err(FormatError::WouldChangeMeaning(
            "the formatted text holds different statements".to_owned(),
        ));
    }
    if comment_texts(original, source) != comment_texts(&reparsed.tree, &reparsed_source) {
        return Err(FormatError::WouldChangeMeaning(
            "the formatted text lost or changed a comment".to_owned(),
        ));
    }
    Ok(())
}

/// One fingerprint per statement, from what it says and where it stands
/// (the fingerprints of the blocks around it), sorted: equal for two trees
/// that differ only in layout and in the order of settings and channel
/// blocks within their block. A queue's fingerprint includes its place
/// among its sibling queues, so queue order counts.
fn statement_fingerprints(tree: &SyntaxTree) -> Vec<u64> {
    let mut by_node: Vec<u64> = vec![0; tree.len()];
    let mut queue_places: HashMap<Option<NodeId>, usize> = HashMap::new();
    for (id, node) in tree.nodes() {
        let parent = node
            .parent()
            .and_then(|parent| by_node.get(parent.0).copied())
            .unwrap_or(0);
        let mut hasher = DefaultHasher::new();
        parent.hash(&mut hasher);
        match &node.kind {
            NodeKind::Crm(decl) => ("crm", decl.written.as_ref().map(|w| w.value.clone())).hash(&mut hasher),
            NodeKind::Catalog(decl) => ("catalog", decl.path.as_ref().map(|p| p.value.clone())).hash(&mut hasher),
            NodeKind::Defaults => "defaults".hash(&mut hasher),
            NodeKind::Queue(decl) => {
                let place = queue_places.entry(node.parent()).or_insert(0);
                *place += 1;
                let names: Vec<&str> = decl.path.iter().map(|name| &*name.name).collect();
                ("queue", names, *place, node.block().is_some()).hash(&mut hasher);
            }
            NodeKind::Channel(channel) => ("channel", channel.value).hash(&mut hasher),
            NodeKind::Setting(stmt) => {
                let value = match stmt.value {
                    Some(value) => value.to_string(),
                    None => stmt
                        .written_value
                        .as_ref()
                        .map_or(String::new(), |w| w.value.to_string()),
                };
                ("setting", &stmt.name.value, value).hash(&mut hasher);
            }
            NodeKind::Unparsed => "unparsed".hash(&mut hasher),
        }
        if let Some(slot) = by_node.get_mut(id.0) {
            *slot = hasher.finish();
        }
    }
    by_node.sort_unstable();
    by_node
}

/// Every comment's text, sorted: comments may move with their statements.
fn comment_texts(tree: &SyntaxTree, source: &SourceFile) -> Vec<String> {
    let mut texts: Vec<String> = tree
        .comments
        .iter()
        .map(|span| source.slice(*span).trim_end().to_owned())
        .collect();
    texts.sort();
    texts
}
