//! What is written at an offset, and what surrounds it.
//!
//! In: a file's syntax tree and a byte offset. Out: the [`Item`] under the
//! offset (a queue name, a setting's name or value, a keyword, a diagnostic
//! code in a comment) and the [`Place`]: the statement on that line and the
//! blocks around it, innermost first. An offset at the very end of a word
//! still counts as on it, as an editor's cursor after the last letter does.

use crate::diagnostic::Code;
use crate::source::Span;
use crate::syntax::{NodeId, NodeKind, NodeRef, SyntaxTree};

/// One word of a statement, or a code in a comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    /// The name at `position` in a queue statement's path.
    QueueName {
        statement: NodeRef,
        position: usize,
        span: Span,
    },
    SettingName {
        statement: NodeRef,
        span: Span,
    },
    SettingValue {
        statement: NodeRef,
        span: Span,
    },
    /// The CRM named by `crm:`.
    CrmName {
        statement: NodeRef,
        span: Span,
    },
    /// `crm`, `defaults`, `queue`, `call` or `chat`.
    Keyword {
        statement: NodeRef,
        span: Span,
    },
    /// A diagnostic code written in a comment (an allow comment, or a note).
    Code {
        code: Code,
        span: Span,
    },
}

impl Item {
    pub fn span(&self) -> Span {
        match self {
            Item::QueueName { span, .. }
            | Item::SettingName { span, .. }
            | Item::SettingValue { span, .. }
            | Item::CrmName { span, .. }
            | Item::Keyword { span, .. }
            | Item::Code { span, .. } => *span,
        }
    }
}

/// Where an offset stands in the statement tree.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Place {
    /// The statement whose line holds the offset.
    pub statement: Option<NodeRef>,
    /// The blocks the offset is inside (between their braces), innermost
    /// first.
    pub blocks: Vec<NodeRef>,
}

/// The item under `offset`, if any.
pub fn item_at(tree: &SyntaxTree, text: &str, offset: usize) -> Option<Item> {
    if let Some(comment) = comment_at(tree, offset) {
        return code_in_comment(text, comment, offset);
    }
    let statement = statement_at(tree, offset)?;
    let node = tree.node(statement)?;
    let at = NodeRef {
        file: tree.file,
        node: statement,
    };
    let touches = |span: Span| span.start() <= offset && offset <= span.end();
    let keyword = |length: usize| Span::new(tree.file, node.span.start(), node.span.start() + length);
    match &node.kind {
        NodeKind::Queue(decl) => {
            if let Some((position, name)) = decl.path.iter().enumerate().find(|(_, name)| touches(name.span)) {
                return Some(Item::QueueName {
                    statement: at,
                    position,
                    span: name.span,
                });
            }
            let span = keyword("queue".len());
            touches(span).then_some(Item::Keyword { statement: at, span })
        }
        NodeKind::Setting(stmt) => {
            if touches(stmt.name.span) {
                return Some(Item::SettingName {
                    statement: at,
                    span: stmt.name.span,
                });
            }
            let value = stmt.written_value.as_ref().filter(|value| touches(value.span))?;
            Some(Item::SettingValue {
                statement: at,
                span: value.span,
            })
        }
        NodeKind::Crm(decl) => {
            if let Some(written) = decl.written.as_ref().filter(|written| touches(written.span)) {
                return Some(Item::CrmName {
                    statement: at,
                    span: written.span,
                });
            }
            let span = keyword("crm".len());
            touches(span).then_some(Item::Keyword { statement: at, span })
        }
        NodeKind::Channel(channel) => touches(channel.span).then_some(Item::Keyword {
            statement: at,
            span: channel.span,
        }),
        NodeKind::Catalog(_) => {
            let span = keyword("catalog".len());
            touches(span).then_some(Item::Keyword { statement: at, span })
        }
        NodeKind::Defaults => {
            let span = keyword("defaults".len());
            touches(span).then_some(Item::Keyword { statement: at, span })
        }
        NodeKind::Unparsed => None,
    }
}

/// The statement and blocks around `offset`.
pub fn place_at(tree: &SyntaxTree, offset: usize) -> Place {
    let node_ref = |node: NodeId| NodeRef { file: tree.file, node };
    let statement = statement_at(tree, offset).map(node_ref);
    let mut blocks = Vec::new();
    // The innermost block around the offset is the last statement starting
    // before it, or one of that statement's ancestors.
    let mut current = last_starting_at_or_before(tree, offset);
    while let Some(id) = current {
        let Some(node) = tree.node(id) else { break };
        if let Some(block) = node.block()
            && block.open.end() <= offset
            && block.close.is_none_or(|close| offset <= close.start())
        {
            blocks.push(node_ref(id));
        }
        current = node.parent();
    }
    Place { statement, blocks }
}

/// The statement whose own span holds `offset` (its end included).
pub fn statement_at(tree: &SyntaxTree, offset: usize) -> Option<NodeId> {
    let id = last_starting_at_or_before(tree, offset)?;
    let node = tree.node(id)?;
    (offset <= node.span.end()).then_some(id)
}

/// Statements are stored in source order, so this is a binary search.
fn last_starting_at_or_before(tree: &SyntaxTree, offset: usize) -> Option<NodeId> {
    let count = tree.len();
    let (mut low, mut high) = (0, count);
    while low < high {
        let middle = low + (high - low) / 2;
        let starts_before = tree
            .node(NodeId(middle))
            .is_some_and(|node| node.span.start() <= offset);
        if starts_before {
            low = middle + 1;
        } else {
            high = middle;
        }
    }
    low.checked_sub(1).map(NodeId)
}

/// The comment holding `offset` (its end included).
pub fn comment_at(tree: &SyntaxTree, offset: usize) -> Option<Span> {
    let after = tree.comments.partition_point(|comment| comment.start() <= offset);
    let comment = *tree.comments.get(after.checked_sub(1)?)?;
    (offset <= comment.end()).then_some(comment)
}

/// A diagnostic code (`E0101`, `w0201`) in a comment, under `offset`.
fn code_in_comment(text: &str, comment: Span, offset: usize) -> Option<Item> {
    let body = text.get(comment.range())?;
    let mut start = None;
    for (at, c) in body.char_indices().chain(std::iter::once((body.len(), ' '))) {
        if c.is_ascii_alphanumeric() {
            start.get_or_insert(at);
            continue;
        }
        let Some(word_start) = start.take() else { continue };
        let span = Span::new(comment.file(), comment.start() + word_start, comment.start() + at);
        if span.start() <= offset && offset <= span.end() {
            return Code::parse(body.get(word_start..at)?).map(|code| Item::Code { code, span });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{FileId, SourceFile};
    use crate::syntax::parse_file;

    const POLICY: &str = "crm: zendesk\n\
        # crmpol: allow(W0201)\n\
        queue \"Support\" / \"Billing\" {\n\
        \x20   skip account creation: yes\n\
        \x20   call {\n\
        \x20       records: option 1\n\
        \x20   }\n\
        }\n";

    fn at(needle: &str, delta: usize) -> (crate::syntax::ParsedFile, usize) {
        let source = SourceFile::from_text("a.crmpol", POLICY);
        let offset = POLICY.find(needle).expect("needle") + delta;
        (parse_file(FileId(0), &source), offset)
    }

    #[test]
    fn finds_each_kind_of_word() {
        let cases: [(&str, usize, &str); 7] = [
            ("zendesk", 3, "CrmName"),
            ("\"Billing\"", 0, "QueueName"),
            ("account creation", 2, "SettingName"),
            ("yes", 3, "SettingValue"),
            ("call", 1, "Keyword"),
            ("W0201", 2, "Code"),
            ("queue", 0, "Keyword"),
        ];
        for (needle, delta, expected) in cases {
            let (parsed, offset) = at(needle, delta);
            let item = item_at(&parsed.tree, POLICY, offset).expect(needle);
            assert!(format!("{item:?}").starts_with(expected), "{needle}: {item:?}");
        }
        let (parsed, offset) = at("\"Billing\"", 0);
        match item_at(&parsed.tree, POLICY, offset) {
            Some(Item::QueueName { position, span, .. }) => {
                assert_eq!(position, 1);
                assert_eq!(&POLICY[span.range()], "\"Billing\"");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn places_nest_innermost_first() {
        let (parsed, offset) = at("records", 0);
        let place = place_at(&parsed.tree, offset);
        let kinds: Vec<&str> = place
            .blocks
            .iter()
            .filter_map(|block| parsed.tree.node(block.node))
            .map(|node| node.kind.describe())
            .collect();
        assert_eq!(kinds, ["a `call` block", "a `queue`"]);
        let (parsed, offset) = at("queue", 2);
        let place = place_at(&parsed.tree, offset);
        assert!(place.blocks.is_empty(), "a block's own header is not inside it");
        assert!(place.statement.is_some());
        let after_everything = POLICY.len();
        assert_eq!(place_at(&parsed.tree, after_everything).blocks, []);
    }

    #[test]
    fn nothing_between_words() {
        let (parsed, offset) = at("    skip", 1);
        assert_eq!(item_at(&parsed.tree, POLICY, offset), None);
        assert_eq!(item_at(&parsed.tree, POLICY, POLICY.len() + 10), None);
    }
}
