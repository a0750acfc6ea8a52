//! Stage 1 and 2: text to syntax tree.
//!
//! In: a [`SourceSet`]. Out: one [`SyntaxTree`] per file, with byte spans on
//! every statement and word, plus the syntax diagnostics (E0001, E0008).
//! Later stages never see pest types.

pub mod ast;
mod parser;

pub use ast::{Block, CrmDecl, Node, NodeId, NodeKind, QueueDecl, QueueName, SettingStmt, SyntaxTree};
pub use parser::{ParsedFile, parse_file};

use crate::diagnostic::Diagnostic;
use crate::source::SourceSet;

/// Parses every file of a policy set.
pub fn parse_set(sources: &SourceSet) -> (Vec<SyntaxTree>, Vec<Diagnostic>) {
    let mut trees = Vec::with_capacity(sources.len());
    let mut diagnostics = Vec::new();
    for (id, file) in sources.iter() {
        let parsed = parse_file(id, file);
        trees.push(parsed.tree);
        diagnostics.extend(parsed.diagnostics);
    }
    (trees, diagnostics)
}
