//! Which leaf/channel entries a diagnostic is about, so that the `fix`
//! target can check that fixing leaves every other entry's table entry as
//! it was (the promise of a safe fix, `Applicability::Safe`).
//!
//! A semantic finding lists its entries (`Diagnostic::entries`). A finding
//! about the text alone (a syntax error, an unknown setting) lists none: it
//! is taken to touch every entry below the top-level queue whose block holds
//! its primary span, in whichever file that queue is opened. When that span
//! is at the top level, in `defaults`, in a block that could not be parsed,
//! or nowhere, a fix of it may change any entry, and no entry is known to be
//! untouched.

use crmpol::Analysis;
use crmpol::syntax::{NodeId, NodeKind, SyntaxTree};
use std::collections::BTreeSet;

/// The indexes (into `analysis.policy.entries`) of the entries some
/// diagnostic touches, or `None` when any entry may be touched.
pub fn touched_entries(analysis: &Analysis) -> Option<BTreeSet<usize>> {
    let mut touched = BTreeSet::new();
    for diagnostic in &analysis.diagnostics {
        if !diagnostic.entries.is_empty() {
            touched.extend(diagnostic.entries.iter().copied());
            continue;
        }
        let span = diagnostic.primary_span()?;
        let tree = analysis.trees.get(span.file().0)?;
        let root = root_holding(tree, span.start())?;
        let NodeKind::Queue(decl) = &tree.node(root)?.kind else {
            return None;
        };
        let name = &decl.path.first()?.name;
        let policy = &analysis.policy;
        let queue = policy
            .roots
            .iter()
            .filter_map(|&id| policy.queue(id))
            .find(|queue| queue.name == *name)?;
        touched.extend(queue.entries.clone());
    }
    Some(touched)
}

/// The top-level statement whose text, block included, holds `offset`.
/// A block runs to its `}`, or when it is never closed, to the end of the
/// last statement inside it.
fn root_holding(tree: &SyntaxTree, offset: usize) -> Option<NodeId> {
    let mut ends: Vec<usize> = tree
        .nodes()
        .map(|(_, node)| {
            let close = node
                .block()
                .and_then(|block| block.close)
                .map_or(0, |close| close.end());
            node.span.end().max(close)
        })
        .collect();
    // Children come after their parents in the arena: going backwards
    // finishes every child before its parent.
    let parents: Vec<Option<NodeId>> = tree.nodes().map(|(_, node)| node.parent()).collect();
    for index in (0..ends.len()).rev() {
        if let Some(parent) = parents[index] {
            ends[parent.0] = ends[parent.0].max(ends[index]);
        }
    }
    tree.roots()
        .find(|(id, node)| node.span.start() <= offset && offset < ends[id.0])
        .map(|(id, _)| id)
}
