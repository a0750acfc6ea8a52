//! The syntax tree of one policy file, independent of pest.
//!
//! Statements live in an arena in source order and point at their parent and
//! children by [`NodeId`], so a file nested thousands of levels deep costs no
//! recursion to build, walk or drop. Every node and every word in it carries
//! its byte [`Span`]; names and values keep the text as written (whitespace
//! folded) next to their typed meaning, so a formatter can reproduce what the
//! author wrote and a language server can complete or correct it.

use crate::settings::{SettingKey, SettingValue};
use crate::source::{FileId, Span, Spanned};
use crate::vocabulary::{Channel, Crm};
use std::borrow::Cow;
use std::sync::Arc;

/// Index of a node in its [`SyntaxTree`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId(pub usize);

/// A statement of a policy set: its file and its node there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeRef {
    pub file: FileId,
    pub node: NodeId,
}

/// The parsed statements of one file.
#[derive(Clone, Debug)]
pub struct SyntaxTree {
    pub file: FileId,
    nodes: Vec<Node>,
    roots: Vec<NodeId>,
    /// Every comment in the file, in source order.
    pub comments: Vec<Span>,
    /// The file is not text (binary) and was not parsed, so checks that
    /// conclude something is missing from the policy set cannot trust it.
    pub unreadable: bool,
}

impl SyntaxTree {
    pub fn new(file: FileId) -> SyntaxTree {
        SyntaxTree {
            file,
            nodes: Vec::new(),
            roots: Vec::new(),
            comments: Vec::new(),
            unreadable: false,
        }
    }

    /// An empty tree with room for `nodes` statements.
    pub fn with_capacity(file: FileId, nodes: usize) -> SyntaxTree {
        SyntaxTree {
            nodes: Vec::with_capacity(nodes),
            ..SyntaxTree::new(file)
        }
    }

    /// Adds a node under `parent` (or at the top level) and returns its id.
    pub fn push(&mut self, parent: Option<NodeId>, kind: NodeKind, span: Span) -> NodeId {
        let id = NodeId(self.nodes.len());
        let link = Link::to(id);
        self.nodes.push(Node {
            kind,
            span,
            parent: parent.map_or(Link::NONE, Link::to),
            first_child: Link::NONE,
            last_child: Link::NONE,
            next_sibling: Link::NONE,
            block: BlockOffsets::NONE,
        });
        let Some(parent) = parent.and_then(|parent| self.nodes.get_mut(parent.0)) else {
            self.roots.push(id);
            return id;
        };
        let previous = std::mem::replace(&mut parent.last_child, link);
        if previous == Link::NONE {
            parent.first_child = link;
        } else if let Some(previous) = previous.id().and_then(|previous| self.nodes.get_mut(previous.0)) {
            previous.next_sibling = link;
        }
        id
    }

    pub fn node(&self, id: NodeId) -> Option<&Node> {
        self.nodes.get(id.0)
    }

    /// Gives a statement the braces of its block (`close` when they are
    /// on its line, as in `{}`).
    pub fn open_block(&mut self, id: NodeId, open: Span, close: Option<Span>) {
        if let Some(node) = self.nodes.get_mut(id.0) {
            node.block = BlockOffsets {
                open: Offsets::of(open),
                close: close.map_or(Offsets::NONE, Offsets::of),
            };
        }
    }

    /// Records where a statement's block is closed.
    pub fn close_block(&mut self, id: NodeId, close: Span) {
        if let Some(node) = self.nodes.get_mut(id.0)
            && node.block.open != Offsets::NONE
        {
            node.block.close = Offsets::of(close);
        }
    }

    /// Top-level statements, in source order.
    pub fn roots(&self) -> impl DoubleEndedIterator<Item = (NodeId, &Node)> {
        self.roots.iter().filter_map(|&id| Some((id, self.node(id)?)))
    }

    /// The statements directly inside a block, in source order.
    pub fn children(&self, id: NodeId) -> impl Iterator<Item = (NodeId, &Node)> {
        let first = self.node(id).and_then(|node| node.first_child.id());
        std::iter::successors(first.and_then(|first| Some((first, self.node(first)?))), |(_, node)| {
            let next = node.next_sibling.id()?;
            Some((next, self.node(next)?))
        })
    }

    /// Every statement in source order, however deeply nested.
    pub fn nodes(&self) -> impl Iterator<Item = (NodeId, &Node)> {
        self.nodes.iter().enumerate().map(|(index, node)| (NodeId(index), node))
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether a comment starts in `start..end` (comments are in source
    /// order, so this is a binary search).
    pub fn has_comment_in(&self, start: usize, end: usize) -> bool {
        let first = self.comments.partition_point(|comment| comment.start() < start);
        self.comments.get(first).is_some_and(|comment| comment.start() < end)
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }
}

/// One statement.
///
/// A large policy has a node per line, so the links and the braces are
/// kept in four-byte numbers (a policy file is smaller than 4 GiB:
/// [`crate::source::SourceSet::load`] says so of a larger one) and read
/// through [`Node::parent`] and [`Node::block`].
#[derive(Clone, Debug)]
pub struct Node {
    pub kind: NodeKind,
    /// The statement's own line, without indentation or trailing comment.
    pub span: Span,
    parent: Link,
    /// The statements inside its block, as a list threaded through them:
    /// no list of its own per block.
    first_child: Link,
    last_child: Link,
    next_sibling: Link,
    block: BlockOffsets,
}

impl Node {
    /// The statement whose block this one stands in; `None` at the top level.
    pub fn parent(&self) -> Option<NodeId> {
        self.parent.id()
    }

    /// For `defaults`, channel and queue blocks: where the braces are.
    pub fn block(&self) -> Option<Block> {
        let file = self.span.file();
        Some(Block {
            open: self.block.open.span(file)?,
            close: self.block.close.span(file),
        })
    }
}

/// The braces of a block, as offsets in the statement's file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct BlockOffsets {
    open: Offsets,
    close: Offsets,
}

impl BlockOffsets {
    const NONE: BlockOffsets = BlockOffsets {
        open: Offsets::NONE,
        close: Offsets::NONE,
    };
}

/// A span's start and end in four bytes each, or none.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Offsets {
    start: u32,
    end: u32,
}

impl Offsets {
    const NONE: Offsets = Offsets {
        start: u32::MAX,
        end: u32::MAX,
    };

    /// Files of 4 GiB or more are not read, so every span fits; should
    /// one not, the braces are left out rather than misplaced.
    fn of(span: Span) -> Offsets {
        match (u32::try_from(span.start()), u32::try_from(span.end())) {
            (Ok(start), Ok(end)) if start != u32::MAX => Offsets { start, end },
            _ => Offsets::NONE,
        }
    }

    fn span(self, file: FileId) -> Option<Span> {
        (self != Offsets::NONE).then(|| Span::new(file, self.start as usize, self.end as usize))
    }
}

/// A node's number in four bytes, or none.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Link(u32);

impl Link {
    const NONE: Link = Link(u32::MAX);

    /// A file of four billion statements cannot be read into memory, so a
    /// number that does not fit ends the list there rather than wrapping.
    fn to(id: NodeId) -> Link {
        u32::try_from(id.0).map_or(Link::NONE, Link)
    }

    fn id(self) -> Option<NodeId> {
        (self != Link::NONE).then_some(NodeId(self.0 as usize))
    }
}

/// The braces of a block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Block {
    pub open: Span,
    /// `None` when the block is never closed (a syntax error).
    pub close: Option<Span>,
}

#[derive(Clone, Debug)]
pub enum NodeKind {
    /// `crm: NAME`
    Crm(CrmDecl),
    /// `catalog: "FILE"`
    Catalog(CatalogDecl),
    /// `defaults {`
    Defaults,
    /// `queue "A" / "B" {` or a leaf `queue "A"`
    Queue(QueueDecl),
    /// `call {` or `chat {`
    Channel(Spanned<Channel>),
    /// `NAME: VALUE`
    Setting(SettingStmt),
    /// A line that could not be parsed but opens a block (`queue Billing {`),
    /// kept so that braces still pair up. Later stages skip it and all
    /// inside it.
    Unparsed,
}

impl NodeKind {
    /// Where the statement goes in the canonical layout of its block:
    /// `crm:`, `catalog:`, `defaults`, settings (by setting, unknown ones last), channel
    /// blocks (`call`, then `chat`), then queues. Equal ranks keep their order.
    pub fn canonical_rank(&self) -> (u8, usize) {
        match self {
            NodeKind::Crm(_) => (0, 0),
            NodeKind::Catalog(_) => (0, 1),
            NodeKind::Defaults => (1, 0),
            NodeKind::Setting(stmt) => (2, stmt.key.map_or(SettingKey::ALL.len(), SettingKey::index)),
            NodeKind::Channel(channel) => (3, channel.value.index()),
            NodeKind::Queue(_) | NodeKind::Unparsed => (4, 0),
        }
    }

    /// How the statement is named in messages: "`queue`", "a setting", ...
    pub fn describe(&self) -> &'static str {
        match self {
            NodeKind::Crm(_) => "`crm:`",
            NodeKind::Catalog(_) => "`catalog:`",
            NodeKind::Defaults => "`defaults`",
            NodeKind::Queue(_) => "a `queue`",
            NodeKind::Channel(channel) => match channel.value {
                Channel::Call => "a `call` block",
                Channel::Chat => "a `chat` block",
            },
            NodeKind::Setting(_) => "a setting",
            NodeKind::Unparsed => "a block",
        }
    }
}

#[derive(Clone, Debug)]
pub struct CrmDecl {
    /// The CRM name as written; `None` when the value is missing.
    pub written: Option<Spanned<String>>,
    /// The CRM, if the name is one the language knows.
    pub crm: Option<Crm>,
}

/// `catalog: "FILE"`: where the policy set's queue catalog is, relative to
/// the file that declares it.
#[derive(Clone, Debug)]
pub struct CatalogDecl {
    /// The path, unescaped, with the span of the quoted text; `None` when
    /// it is missing or not written as a quoted string (an E0001).
    pub path: Option<Spanned<String>>,
}

#[derive(Clone, Debug)]
pub struct QueueDecl {
    /// One element for `queue "A"`, several for the shorthand `queue "A" / "B"`.
    pub path: Vec<QueueName>,
}

/// A queue name as written: the unescaped name and the span of the quoted
/// text, quotes included. Shared: a name that many paths repeat (a
/// department above thousands of queues) is kept once, by the parser and
/// by the queue tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueueName {
    pub name: Arc<str>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct SettingStmt {
    /// The name as written, whitespace folded; borrowed from the
    /// vocabulary when written as the vocabulary spells it, as nearly every
    /// name is (a large policy holds hundreds of thousands of these).
    pub name: Spanned<Cow<'static, str>>,
    /// The setting, if the name is one the language knows.
    pub key: Option<SettingKey>,
    /// The value as written, whitespace folded; `None` when missing.
    /// Borrowed, like the name, when it is a value's own spelling.
    pub written_value: Option<Spanned<Cow<'static, str>>>,
    /// The value, if the name is known and the value valid for it.
    pub value: Option<SettingValue>,
}
