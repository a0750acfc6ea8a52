//! Symbols: the outline of a file, and the queues of the whole set.
//!
//! In: a [`Semantics`]. Out: for one file, its statements as a tree of
//! [`Symbol`]s (the queue tree as written there, with `defaults`, channel
//! blocks and settings inside); for the set, every place a queue is opened,
//! found by a part of its name.

use super::Semantics;
use crate::source::{FileId, Span};
use crate::syntax::{NodeId, NodeKind, SyntaxTree};

/// What a symbol stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolKind {
    Crm,
    Catalog,
    Defaults,
    Queue,
    Channel,
    Setting,
}

/// One statement of a file's outline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub kind: SymbolKind,
    pub detail: Option<String>,
    /// The statement and its block, through the closing brace.
    pub span: Span,
    /// The part to select: the name.
    pub selection: Span,
    pub children: Vec<Symbol>,
}

/// A place a queue is opened, for a search across the set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueueSymbol {
    /// The queue's path, `Support / Billing`.
    pub name: String,
    /// The parent's path, if the queue is not top-level.
    pub container: Option<String>,
    pub span: Span,
}

impl<'s> Semantics<'s> {
    /// The outline of a file.
    pub fn document_symbols(&self, file: FileId) -> Vec<Symbol> {
        let Some(tree) = self.snapshot.analysis.trees.get(file.0) else {
            return Vec::new();
        };
        // Children are built before their parents: walking the arena
        // backwards visits every child before its parent, with no recursion
        // however deep the nesting.
        let mut built: Vec<Option<Symbol>> = vec![None; tree.len()];
        for index in (0..tree.len()).rev() {
            let id = NodeId(index);
            let children = tree
                .children(id)
                .filter_map(|(child, _)| built.get_mut(child.0).and_then(Option::take))
                .collect();
            if let Some(slot) = built.get_mut(index) {
                *slot = symbol(tree, id, children);
            }
        }
        tree.roots()
            .filter_map(|(id, _)| built.get_mut(id.0).and_then(Option::take))
            .collect()
    }

    /// Every opening of a queue whose path contains `query` (ignoring
    /// case); all of them for an empty query.
    pub fn queue_symbols(&self, query: &str) -> Vec<QueueSymbol> {
        let policy = &self.snapshot.analysis.policy;
        let query = query.to_lowercase();
        let mut found = Vec::new();
        for (number, queue) in policy.queues.iter().enumerate() {
            let id = crate::resolve::QueueId(number);
            let path = policy.path(id).join(" / ");
            if !path.to_lowercase().contains(&query) {
                continue;
            }
            let container = queue.parent.map(|parent| policy.path(parent).join(" / "));
            for span in &queue.declarations {
                found.push(QueueSymbol {
                    name: path.clone(),
                    container: container.clone(),
                    span: *span,
                });
            }
        }
        found
    }
}

fn symbol(tree: &SyntaxTree, id: NodeId, children: Vec<Symbol>) -> Option<Symbol> {
    let node = tree.node(id)?;
    let end = node
        .block()
        .and_then(|block| block.close)
        .map_or(node.span.end(), |close| close.end());
    let span = Span::new(node.span.file(), node.span.start(), end.max(node.span.end()));
    let (name, kind, detail, selection) = match &node.kind {
        NodeKind::Crm(decl) => (
            "crm".to_owned(),
            SymbolKind::Crm,
            decl.written.as_ref().map(|written| written.value.clone()),
            node.span,
        ),
        NodeKind::Catalog(decl) => (
            "catalog".to_owned(),
            SymbolKind::Catalog,
            decl.path.as_ref().map(|path| path.value.clone()),
            node.span,
        ),
        NodeKind::Defaults => ("defaults".to_owned(), SymbolKind::Defaults, None, node.span),
        NodeKind::Queue(decl) => {
            let names: Vec<&str> = decl.path.iter().map(|name| &*name.name).collect();
            let selection = match (decl.path.first(), decl.path.last()) {
                (Some(first), Some(last)) => Span::new(node.span.file(), first.span.start(), last.span.end()),
                _ => node.span,
            };
            (names.join(" / "), SymbolKind::Queue, None, selection)
        }
        NodeKind::Channel(channel) => (channel.value.to_string(), SymbolKind::Channel, None, channel.span),
        NodeKind::Setting(stmt) => (
            stmt.name.value.to_string(),
            SymbolKind::Setting,
            stmt.written_value.as_ref().map(|value| value.value.to_string()),
            stmt.name.span,
        ),
        NodeKind::Unparsed => return None,
    };
    Some(Symbol {
        // An editor shows no symbol with an empty name.
        name: if name.is_empty() { "\"\"".to_owned() } else { name },
        kind,
        detail,
        span,
        selection,
        children,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::snapshot_of_texts;

    #[test]
    fn the_outline_follows_the_blocks() {
        let text =
            "crm: zendesk\nqueue \"A\" / \"B\" {\n    call {\n        records: option 1\n    }\n    queue \"C\"\n}\n";
        let snapshot = snapshot_of_texts(&[("p", text), ("q", "queue \"A\" / \"B\" / \"D\"\n")]);
        let semantics = Semantics::of(&snapshot);
        let outline = semantics.document_symbols(FileId(0));
        assert_eq!(outline.len(), 2);
        let queue = &outline[1];
        assert_eq!((queue.name.as_str(), queue.kind), ("A / B", SymbolKind::Queue));
        assert_eq!(
            &text[queue.span.range()],
            &text[text.find("queue").unwrap_or(0)..text.len() - 1]
        );
        let children: Vec<&str> = queue.children.iter().map(|child| child.name.as_str()).collect();
        assert_eq!(children, ["call", "C"]);
        assert_eq!(queue.children[0].children[0].detail.as_deref(), Some("option 1"));

        let found = semantics.queue_symbols("b");
        let names: Vec<&str> = found.iter().map(|symbol| symbol.name.as_str()).collect();
        assert_eq!(
            names,
            ["A / B", "A / B", "A / B / C", "A / B / D"],
            "B is opened in both files"
        );
        assert_eq!(found[3].container.as_deref(), Some("A / B"));
    }
}
