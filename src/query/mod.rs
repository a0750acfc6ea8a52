//! Semantic queries: questions about a place in a policy set, answered from
//! one analysis.
//!
//! In: a [`Snapshot`] and a byte offset in one of its files (or a statement,
//! queue or entry). Out: what is written there ([`at`]), the queue, block
//! and statement around it, where a leaf's values come from and which
//! entries a statement decides ([`provenance`]), why a leaf queue behaves
//! as it does ([`why`], which `crmpol why` prints and the hover of a leaf
//! queue shows) and which queue a command-line path names ([`find_queue`]),
//! and the answers an editor shows built on those: hover text,
//! completions, symbols, code actions and formatting edits. Nothing here
//! knows the language server protocol: spans are byte offsets, text is
//! Markdown, and `src/lsp/` converts.

pub mod actions;
pub mod at;
pub mod complete;
pub mod find_queue;
pub mod hover;
pub mod provenance;
pub mod symbols;
pub mod why;

/// Policies more than one query's tests read.
#[cfg(test)]
mod test_policies {
    /// Typos in defaults and in a chat block, a queue named like a path
    /// (`"Tier 1/Tier 2"`) beside the path itself.
    pub const TIERS: &str = "crm: salesforce\n\
        defaults {\n\
        \x20   skip record creation: yes\n\
        \x20   skip recrod creation: no\n\
        }\n\
        queue \"Support\" {\n\
        \x20   skip record creation: no   # support keeps records\n\
        \x20   queue \"Billing\" {\n\
        \x20       chat {\n\
        \x20           skip acount creation: yes\n\
        \x20       }\n\
        \x20   }\n\
        \x20   queue \"Tier 1/Tier 2\"\n\
        }\n\
        queue \"Sales\" {\n\
        \x20   skip acount lookup: yes\n\
        }\n\
        queue \"Support\" / \"Tier 1\" / \"Tier 2\"\n";
}

use crate::resolve::{AssignmentId, QueueId};
use crate::source::{FileId, Span};
use crate::syntax::NodeRef;
use crate::workspace::Snapshot;
use std::collections::HashMap;
use std::sync::OnceLock;

/// A snapshot with the lookups the queries need, built the first time one
/// is asked for.
pub struct Semantics<'s> {
    pub snapshot: &'s Snapshot,
    index: &'s Index,
}

impl<'s> Semantics<'s> {
    pub fn of(snapshot: &'s Snapshot) -> Semantics<'s> {
        Semantics {
            snapshot,
            index: snapshot.index.get_or_init(|| Index::of(snapshot)),
        }
    }

    /// The assignment a setting statement made, if it is valid and placed.
    pub fn assignment_of(&self, statement: NodeRef) -> Option<AssignmentId> {
        self.index.assignments.get(&statement).copied()
    }

    /// The queue a queue statement opens (the last name of its path).
    pub fn queue_opened_by(&self, statement: NodeRef) -> Option<QueueId> {
        self.index.queues_by_statement.get(&statement).copied()
    }

    /// The queue a name in a queue statement stands for.
    pub fn queue_named_at(&self, name: Span) -> Option<QueueId> {
        self.index.queues_by_name.get(&name).copied()
    }

    /// Every place a queue is opened: the span of its name in each
    /// statement that opens it, in policy-set order.
    pub fn openings(&self, queue: QueueId) -> &'s [Span] {
        self.snapshot
            .analysis
            .policy
            .queue(queue)
            .map_or(&[], |queue| queue.declarations.as_slice())
    }

    /// The statements that give a setting a value that `assignment`
    /// overrides, in any channel it applies to.
    pub fn overridden_by_this(&self, assignment: AssignmentId) -> Vec<AssignmentId> {
        let policy = &self.snapshot.analysis.policy;
        let mut found: Vec<AssignmentId> = policy
            .assignment(assignment)
            .map(|assignment| {
                assignment
                    .inherited
                    .iter()
                    .filter_map(|(_, inherited)| match inherited.source {
                        crate::resolve::Source::Stated(id) => Some(id),
                        crate::resolve::Source::BuiltIn => None,
                    })
                    .collect()
            })
            .unwrap_or_default();
        found.sort();
        found.dedup();
        found
    }

    /// The statements that override `assignment` somewhere below it.
    pub fn overriding_this(&self, assignment: AssignmentId) -> &'s [AssignmentId] {
        self.index.overridden_by.get(&assignment).map_or(&[], Vec::as_slice)
    }

    /// The statement's node.
    pub fn node(&self, statement: NodeRef) -> Option<&'s crate::syntax::Node> {
        self.snapshot.analysis.trees.get(statement.file.0)?.node(statement.node)
    }

    pub fn file_text(&self, file: FileId) -> &'s str {
        self.snapshot.sources.get(file).map_or("", |file| file.text.as_str())
    }
}

/// Reverse lookups from statements to what resolution made of them.
#[derive(Debug, Default)]
pub struct Index {
    assignments: HashMap<NodeRef, AssignmentId>,
    queues_by_statement: HashMap<NodeRef, QueueId>,
    queues_by_name: HashMap<Span, QueueId>,
    /// For each assignment, the later ones whose inherited value it gave.
    overridden_by: HashMap<AssignmentId, Vec<AssignmentId>>,
}

impl Index {
    fn of(snapshot: &Snapshot) -> Index {
        let policy = &snapshot.analysis.policy;
        let mut index = Index::default();
        for (number, assignment) in policy.assignments.iter().enumerate() {
            let id = AssignmentId(number);
            index.assignments.insert(assignment.statement, id);
            for (_, inherited) in assignment.inherited.iter() {
                if let crate::resolve::Source::Stated(source) = inherited.source {
                    let overriders = index.overridden_by.entry(source).or_default();
                    if overriders.last() != Some(&id) {
                        overriders.push(id);
                    }
                }
            }
        }
        for (number, queue) in policy.queues.iter().enumerate() {
            let id = QueueId(number);
            for statement in &queue.statements {
                index.queues_by_statement.insert(*statement, id);
            }
            for name in &queue.declarations {
                index.queues_by_name.insert(*name, id);
            }
        }
        index
    }
}

/// The lazily built [`Index`] a [`Snapshot`] carries.
pub type IndexCell = OnceLock<Index>;
