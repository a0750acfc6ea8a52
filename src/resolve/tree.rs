//! Placing statements: the syntax trees (and the catalog's paths) in, the
//! union queue tree, the `crm:` and `defaults` statements and every
//! setting statement as an [`Assignment`] with its owner and scope out.

use super::{
    Assignment, AssignmentId, CrmDeclaration, MisplacedSetting, Owner, QueueId, QueueNode, ResolvedPolicy, Scope, Slots,
};
use crate::catalog::{Catalog, PathId};
use crate::settings::{SettingKey, SettingValue};
use crate::source::Span;
use crate::syntax::{NodeKind, NodeRef, QueueName, SyntaxTree};
use crate::vocabulary::Channel;
use rustc_hash::FxHashMap;
use std::sync::Arc;

#[derive(Default)]
pub(super) struct TreeBuilder {
    pub(super) policy: ResolvedPolicy,
    /// Each queue by its parent (`None`: the top level) and the hash of its
    /// name; the name itself is read from the queue, so it is kept once.
    children_by_name: FxHashMap<(Option<QueueId>, u64), QueueId>,
    /// Queues whose parent and name hash were already another queue's (a
    /// 64-bit hash collision): looked up one by one.
    collided: Vec<QueueId>,
}

fn name_hash(name: &str) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(name)
}

/// What a syntax node stands for once placed: a queue, or where the
/// settings inside it go. `Skip` for statements the parser reported as
/// misplaced, and everything inside them.
#[derive(Clone, Copy, Debug)]
enum Placement {
    Skip,
    Defaults,
    Queue(QueueId),
    Channel(Owner, Channel),
}

impl TreeBuilder {
    /// Opens a queue for every path of the catalog, in catalog order
    /// (each path before the paths below it), before any policy file: the
    /// policy's queues then join them by name.
    pub(super) fn add_catalog(&mut self, catalog: &Catalog) {
        self.policy.from_catalog = true;
        let mut pending: Vec<(Option<QueueId>, PathId)> =
            catalog.children(None).iter().rev().map(|&path| (None, path)).collect();
        while let Some((parent, path)) = pending.pop() {
            let id = self.new_queue(parent, Arc::from(catalog.name(path)));
            if let Some(queue) = self.policy.queues.get_mut(id.0) {
                queue.catalog = Some(path);
            }
            pending.extend(
                catalog
                    .children(Some(path))
                    .iter()
                    .rev()
                    .map(|&child| (Some(id), child)),
            );
        }
    }

    /// Walks a file's nodes in source order; a node's parent always comes
    /// before it, so its placement is known without recursion.
    pub(super) fn add_file(&mut self, tree: &SyntaxTree) {
        let mut placements = vec![Placement::Skip; tree.len()];
        for (id, node) in tree.nodes() {
            let parent = node
                .parent()
                .map(|parent| placements.get(parent.0).copied().unwrap_or(Placement::Skip));
            let statement = NodeRef {
                file: tree.file,
                node: id,
            };
            let placement = self.place(&node.kind, node.span, parent, statement);
            if let Some(slot) = placements.get_mut(id.0) {
                *slot = placement;
            }
        }
    }

    fn place(&mut self, kind: &NodeKind, span: Span, parent: Option<Placement>, statement: NodeRef) -> Placement {
        match (kind, parent) {
            (NodeKind::Crm(decl), _) => {
                // Counted wherever it stands, so a misplaced `crm:` (already an
                // E0001) does not also cause "no `crm:` declaration".
                self.policy
                    .crm_declarations
                    .push(CrmDeclaration { crm: decl.crm, span });
                Placement::Skip
            }
            (NodeKind::Defaults, None) => {
                self.policy.defaults_blocks.push(span);
                self.policy.defaults_statements.push(statement);
                Placement::Defaults
            }
            (NodeKind::Queue(decl), None) => self.open_path(None, &decl.path, statement),
            (NodeKind::Queue(decl), Some(Placement::Queue(parent))) => {
                self.open_path(Some(parent), &decl.path, statement)
            }
            (NodeKind::Channel(channel), Some(Placement::Defaults)) => {
                Placement::Channel(Owner::Defaults, channel.value)
            }
            (NodeKind::Channel(channel), Some(Placement::Queue(queue))) => {
                Placement::Channel(Owner::Queue(queue), channel.value)
            }
            (NodeKind::Setting(stmt), Some(parent)) => {
                let (owner, scope) = match parent {
                    Placement::Defaults => (Owner::Defaults, Scope::Plain),
                    Placement::Queue(queue) => (Owner::Queue(queue), Scope::Plain),
                    Placement::Channel(owner, channel) => (owner, Scope::Channel(channel)),
                    Placement::Skip => return Placement::Skip,
                };
                if let (Some(key), Some(value), Scope::Channel(channel)) = (stmt.key, stmt.value, scope)
                    && !key.applies_to(channel)
                {
                    self.policy.misplaced.push(MisplacedSetting {
                        key,
                        value,
                        owner,
                        channel,
                        span,
                        statement,
                    });
                    return Placement::Skip;
                }
                if let (Some(key), Some(value), Some(written)) = (stmt.key, stmt.value, &stmt.written_value) {
                    let written = Written {
                        span,
                        value_span: written.span,
                        statement,
                    };
                    self.assign(key, value, owner, scope, written);
                }
                Placement::Skip
            }
            _ => Placement::Skip,
        }
    }

    /// Opens (or reopens) each queue of a path under `parent`.
    fn open_path(&mut self, parent: Option<QueueId>, path: &[QueueName], statement: NodeRef) -> Placement {
        let mut current = parent;
        for name in path {
            current = Some(self.open_queue(current, &name.name, name.span));
        }
        if let Some(queue) = current.and_then(|id| self.policy.queues.get_mut(id.0)) {
            push_first_exactly(&mut queue.statements, statement);
        }
        current.map_or(Placement::Skip, Placement::Queue)
    }

    /// Room for the queues and assignments the trees can make, so that
    /// neither list is copied as it grows.
    pub(super) fn reserve(&mut self, trees: &[std::sync::Arc<SyntaxTree>], catalog: Option<&Catalog>) {
        let (mut names, mut queue_statements, mut settings) =
            (catalog.map_or(0, |catalog| catalog.entries().len()), 0, 0);
        for (_, node) in trees.iter().flat_map(|tree| tree.nodes()) {
            match &node.kind {
                NodeKind::Queue(decl) => {
                    names += decl.path.len();
                    queue_statements += 1;
                }
                NodeKind::Setting(_) => settings += 1,
                _ => {}
            }
        }
        self.policy.queues.reserve(names);
        self.policy.assignments.reserve(settings);
        self.children_by_name.reserve(queue_statements);
    }

    fn find_queue(&self, parent: Option<QueueId>, name: &str) -> Option<QueueId> {
        let is_it = |id: &QueueId| {
            self.policy
                .queues
                .get(id.0)
                .is_some_and(|queue| queue.parent == parent && *queue.name == *name)
        };
        match self.children_by_name.get(&(parent, name_hash(name))) {
            Some(id) if is_it(id) => Some(*id),
            // The latest such queue, as for a name the map holds itself.
            Some(_) => self.collided.iter().rev().copied().find(is_it),
            None => None,
        }
    }

    fn open_queue(&mut self, parent: Option<QueueId>, name: &Arc<str>, span: Span) -> QueueId {
        let existing = self.find_queue(parent, name);
        let id = existing.unwrap_or_else(|| self.new_queue(parent, Arc::clone(name)));
        if let Some(queue) = self.policy.queues.get_mut(id.0) {
            push_first_exactly(&mut queue.declarations, span);
        }
        id
    }

    fn new_queue(&mut self, parent: Option<QueueId>, name: Arc<str>) -> QueueId {
        let id = QueueId(self.policy.queues.len());
        match self.children_by_name.entry((parent, name_hash(&name))) {
            std::collections::hash_map::Entry::Vacant(vacant) => {
                vacant.insert(id);
            }
            // The same name twice under one parent (a catalog listing a
            // path twice): the later queue is the one found by name.
            std::collections::hash_map::Entry::Occupied(mut occupied) => {
                let same = self
                    .policy
                    .queues
                    .get(occupied.get().0)
                    .is_some_and(|queue| queue.parent == parent && queue.name == name);
                if same {
                    occupied.insert(id);
                } else {
                    self.collided.push(id);
                }
            }
        }
        let depth = parent
            .and_then(|parent| self.policy.queues.get(parent.0))
            .map_or(1, |parent| parent.depth + 1);
        self.policy.queues.push(QueueNode {
            name,
            parent,
            depth,
            children: Vec::new(),
            declarations: Vec::new(),
            statements: Vec::new(),
            slots: Slots::default(),
            entries: 0..0,
            catalog: None,
        });
        match parent.and_then(|parent| self.policy.queues.get_mut(parent.0)) {
            Some(parent) => parent.children.push(id),
            None => self.policy.roots.push(id),
        }
        id
    }

    fn assign(&mut self, key: SettingKey, value: SettingValue, owner: Owner, scope: Scope, written: Written) {
        let Written {
            span,
            value_span,
            statement,
        } = written;
        let id = AssignmentId(self.policy.assignments.len());
        let slots = match owner {
            Owner::Defaults => &mut self.policy.defaults,
            Owner::Queue(queue) => match self.policy.queues.get_mut(queue.0) {
                Some(queue) => &mut queue.slots,
                None => return,
            },
        };
        let duplicate_of = slots.claim(scope, key, id);
        self.policy.assignments.push(Assignment {
            key,
            value,
            owner,
            scope,
            span,
            value_span,
            statement,
            duplicate_of,
            inherited: super::Inherited::new(key),
        });
    }
}

/// Pushes onto a list that most queues keep one item in: the first push
/// makes room for one, not the four a vector starts with.
fn push_first_exactly<T>(list: &mut Vec<T>, item: T) {
    if list.capacity() == 0 {
        list.reserve_exact(1);
    }
    list.push(item);
}

/// Where a setting statement is written.
struct Written {
    span: Span,
    value_span: Span,
    statement: NodeRef,
}
