//! Text edits that whole-statement fixes share: removing a statement's
//! line, and adding a setting to a block where the canonical layout puts it,
//! creating the block (or the channel block) when there is none yet.

use super::CheckContext;
use crate::diagnostic::Edit;
use crate::resolve::{Assignment, Owner, Scope};
use crate::settings::{SettingKey, SettingValue};
use crate::source::{SourceFile, SourceSet, Span};
use crate::syntax::{NodeId, NodeKind, NodeRef, SyntaxTree};

/// The indentation the canonical layout adds per level.
const INDENT: &str = "    ";

/// Removes the lines of a statement, with their line ending.
pub fn remove_line(sources: &SourceSet, statement: Span) -> Edit {
    let lines = sources
        .get(statement.file())
        .map_or(statement, |file| file.full_lines(statement));
    Edit::delete(lines)
}

/// Removes a setting statement; when it is all its block holds (no other
/// statement, no comment), the block closes up to `{}` on its opening line,
/// as the canonical layout writes an empty block.
pub fn remove_setting(context: &CheckContext<'_>, assignment: &Assignment) -> Edit {
    remove_statement(context, assignment.statement, assignment.span)
}

/// Removes the statement `statement`, written at `span`, as
/// [`remove_setting`] does.
pub fn remove_statement(context: &CheckContext<'_>, statement: NodeRef, span: Span) -> Edit {
    let closed_up = (|| {
        let tree = context.trees.get(statement.file.0)?;
        let source = context.sources.get(statement.file)?;
        let parent_id = tree.node(statement.node)?.parent()?;
        let parent = tree.node(parent_id)?;
        let block = parent.block()?;
        let close = block.close?;
        let alone = tree.children(parent_id).count() == 1;
        let close_line_end = source
            .line_range(source.line_of(close.start()))
            .map_or(close.end(), |range| range.end);
        let no_comment = !tree.has_comment_in(block.open.end(), close_line_end);
        (alone && no_comment).then(|| Edit::replace(Span::new(statement.file, block.open.start(), close.end()), "{}"))
    })();
    closed_up.unwrap_or_else(|| remove_line(context.sources, span))
}

/// Adds `key: value` to the settings of `owner` (in its `scope`), where the
/// canonical layout puts it: among the block's settings in canonical order,
/// before its channel blocks and sub-queues. A missing channel block is
/// created, and a leaf queue written without a block gets one. `None` when
/// the owner has no statement of its own to write into (a queue only ever
/// opened as the first part of a path such as `queue "A" / "B"`).
pub fn insert_setting(
    context: &CheckContext<'_>,
    owner: Owner,
    scope: Scope,
    key: SettingKey,
    value: SettingValue,
) -> Option<Vec<Edit>> {
    let statements: &[NodeRef] = match owner {
        Owner::Defaults => &context.policy.defaults_statements,
        Owner::Queue(queue) => &context.policy.queue(queue)?.statements,
    };
    let target = statements
        .iter()
        .find(|statement| node_of(context, **statement).is_some_and(|node| node.block().is_some()))
        .or(statements.first())?;
    let tree = context.trees.get(target.file.0)?;
    let source = context.sources.get(target.file)?;
    let setting = format!("{key}: {value}");
    match scope {
        Scope::Plain => into_block(tree, source, target.node, (2, key.index()), &[setting]),
        Scope::Channel(channel) => {
            let existing = tree.children(target.node).find(|(_, child)| {
                matches!(&child.kind, NodeKind::Channel(c) if c.value == channel) && child.block().is_some()
            });
            match existing {
                Some((block, _)) => into_block(tree, source, block, (2, key.index()), &[setting]),
                None => {
                    let lines = [
                        format!("{} {{", channel.keyword()),
                        format!("{INDENT}{setting}"),
                        "}".to_owned(),
                    ];
                    into_block(tree, source, target.node, (3, channel.index()), &lines)
                }
            }
        }
    }
}

fn node_of<'a>(context: &'a CheckContext<'_>, statement: NodeRef) -> Option<&'a crate::syntax::Node> {
    context.trees.get(statement.file.0)?.node(statement.node)
}

/// Inserts `lines` (indented relative to each other) into the block of
/// `parent` at the place of `rank` in the canonical order.
fn into_block(
    tree: &SyntaxTree,
    source: &SourceFile,
    parent: NodeId,
    rank: (u8, usize),
    lines: &[String],
) -> Option<Vec<Edit>> {
    let node = tree.node(parent)?;
    let file = node.span.file();
    let eol = source.line_ending();
    let owner_indent = source.indentation_at(node.span.start()).to_owned();
    let Some(block) = node.block() else {
        // A leaf written `queue "A"`: give it a block, after any comment on
        // its line.
        let inner = indented(lines, &format!("{owner_indent}{INDENT}"), eol);
        let line_end = source
            .line_range(source.line_of(node.span.start()))
            .map_or(node.span.end(), |range| range.end);
        let close = format!("{eol}{inner}{owner_indent}}}");
        // One edit when nothing stands between the statement and the line's
        // end: two insertions at one point would leave their order open.
        if line_end == node.span.end() {
            return Some(vec![Edit::insert(
                Span::new(file, line_end, line_end),
                format!(" {{{close}"),
            )]);
        }
        return Some(vec![
            Edit::insert(Span::new(file, node.span.end(), node.span.end()), " {"),
            Edit::insert(Span::new(file, line_end, line_end), close),
        ]);
    };
    let close = block.close?;
    if source.line_of(block.open.start()) == source.line_of(close.start()) {
        // `{}` on the statement's line: open it up.
        let inner = indented(lines, &format!("{owner_indent}{INDENT}"), eol);
        return Some(vec![Edit::replace(
            Span::new(file, block.open.start(), close.end()),
            format!("{{{eol}{inner}{owner_indent}}}"),
        )]);
    }
    let children: Vec<(NodeId, &crate::syntax::Node)> = tree.children(parent).collect();
    let indent = children
        .first()
        .map_or(format!("{owner_indent}{INDENT}"), |(_, child)| {
            source.indentation_at(child.span.start()).to_owned()
        });
    let text = indented(lines, &indent, eol);
    let before = children.iter().find(|(_, child)| child.kind.canonical_rank() > rank);
    let at = match (before, children.last()) {
        (Some((_, child)), _) => first_line_of_comments_above(source, child.span.start()),
        (None, Some((_, last))) => {
            let end = last
                .block()
                .and_then(|block| block.close)
                .map_or(last.span.end(), |close| close.end());
            source.line_start(source.line_of(end) + 1).unwrap_or(source.text.len())
        }
        (None, None) => source
            .line_start(source.line_of(close.start()))
            .unwrap_or(close.start()),
    };
    Some(vec![Edit::insert(Span::new(file, at, at), text)])
}

/// `lines`, each indented and ended with the file's line ending.
fn indented(lines: &[String], indent: &str, eol: &str) -> String {
    lines.iter().map(|line| format!("{indent}{line}{eol}")).collect()
}

/// Where a statement's block of comment lines directly above it starts
/// (the statement's own line if there is none): comments travel with the
/// statement below them, so nothing is inserted between the two.
fn first_line_of_comments_above(source: &SourceFile, statement: usize) -> usize {
    let mut line = source.line_of(statement);
    while line > 0 {
        let is_comment = source
            .line_range(line - 1)
            .is_some_and(|range| crate::text::trim_start_blanks(&source.text[range]).starts_with('#'));
        if !is_comment {
            break;
        }
        line -= 1;
    }
    source.line_start(line).unwrap_or(statement)
}
