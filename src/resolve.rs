//! Stage 3: syntax trees to the queue tree and effective settings.
//!
//! In: the syntax trees of a policy set, in policy-set order. Out: a
//! [`ResolvedPolicy`]: the queue tree as the union of every file, every
//! setting statement as an [`Assignment`] with its place, and one
//! [`LeafEntry`] per leaf queue and channel holding its effective settings,
//! each value with where it came from. Produces no diagnostics: statements
//! the parser already reported (misplaced, unknown, invalid) are skipped.
//!
//! Precedence, last one wins: built-in default, `defaults`, the `defaults`
//! channel block, then from the root queue down each queue's plain settings
//! and its channel block.

use crate::settings::{LeafSettings, SettingKey, SettingMap, SettingValue};
use crate::source::Span;
use crate::syntax::{NodeKind, NodeRef, QueueName, SyntaxTree};
use crate::vocabulary::{Channel, Crm};
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

/// Index of a queue in [`ResolvedPolicy::queues`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct QueueId(pub usize);

/// Index of an assignment in [`ResolvedPolicy::assignments`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AssignmentId(pub usize);

/// A queue of the union tree.
#[derive(Clone, Debug)]
pub struct QueueNode {
    pub name: String,
    pub parent: Option<QueueId>,
    /// 1 for a top-level queue, one more for each level below.
    pub depth: usize,
    /// In order of first appearance.
    pub children: Vec<QueueId>,
    /// The name's span at every place the queue is opened.
    pub declarations: Vec<Span>,
    /// The statements that open this queue as the last name of their path:
    /// the places its own settings are written.
    pub statements: Vec<NodeRef>,
    pub slots: Slots,
    /// The entries of the leaf queues below this one (itself, if a leaf):
    /// entries are in tree order, so they are contiguous.
    pub entries: Range<usize>,
}

impl QueueNode {
    pub fn is_leaf(&self) -> bool {
        self.children.is_empty()
    }
}

/// Whose setting an assignment is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Owner {
    Defaults,
    Queue(QueueId),
}

/// Whether an assignment is a plain setting or inside a channel block.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    Plain,
    Channel(Channel),
}

impl Scope {
    /// The channels an assignment in this scope applies to.
    pub fn channels(self) -> &'static [Channel] {
        match self {
            Scope::Plain => &Channel::ALL,
            Scope::Channel(Channel::Call) => &[Channel::Call],
            Scope::Channel(Channel::Chat) => &[Channel::Chat],
        }
    }
}

/// One valid setting statement, placed in the tree.
#[derive(Clone, Debug)]
pub struct Assignment {
    pub key: SettingKey,
    pub value: SettingValue,
    pub owner: Owner,
    pub scope: Scope,
    /// The whole statement, `NAME: VALUE`.
    pub span: Span,
    pub value_span: Span,
    /// The statement in its syntax tree.
    pub statement: NodeRef,
    /// When the same setting is already given for the same owner and scope
    /// (E0007): the first statement, which is the one that counts.
    pub duplicate_of: Option<AssignmentId>,
    /// What the setting would be without this statement, for each channel it
    /// applies to. Empty for duplicates.
    pub inherited: Vec<(Channel, Effective)>,
}

/// A statement of a one-channel setting inside the other channel's block
/// (E0105). It takes effect nowhere, so it is not an [`Assignment`].
#[derive(Clone, Debug)]
pub struct MisplacedSetting {
    pub key: SettingKey,
    pub value: SettingValue,
    pub owner: Owner,
    /// The block it stands in.
    pub channel: Channel,
    pub span: Span,
    pub statement: NodeRef,
}

impl Assignment {
    /// The channels whose entries this statement can decide: those of its
    /// scope that its setting applies to.
    pub fn channels(&self) -> impl Iterator<Item = Channel> + '_ {
        self.scope
            .channels()
            .iter()
            .copied()
            .filter(|&channel| self.key.applies_to(channel))
    }

    /// Whether this statement repeats, for `channel`, the value it inherits.
    pub fn repeats_inherited(&self, channel: Channel) -> bool {
        self.inherited_for(channel)
            .is_some_and(|inherited| inherited.value == self.value)
    }

    pub fn inherited_for(&self, channel: Channel) -> Option<Effective> {
        self.inherited
            .iter()
            .find(|(c, _)| *c == channel)
            .map(|(_, inherited)| *inherited)
    }

    /// Where the value really comes from when this statement only restates
    /// it for `channel`: the statement it inherits from.
    pub fn passed_on_source(&self, channel: Channel) -> Option<Source> {
        self.repeats_inherited(channel)
            .then(|| self.inherited_for(channel).map(|inherited| inherited.source))
            .flatten()
    }
}

/// The statements that set each setting for one owner: plain and per
/// channel. Most queues set nothing, so the table is only allocated once a
/// queue states a setting.
#[derive(Clone, Debug, Default)]
pub struct Slots(Option<Box<SlotTable>>);

#[derive(Clone, Debug, Default)]
struct SlotTable {
    plain: SettingMap<Option<AssignmentId>>,
    /// Indexed by [`Channel::index`].
    channel: [SettingMap<Option<AssignmentId>>; Channel::ALL.len()],
}

impl Slots {
    fn slot_mut(&mut self, scope: Scope, key: SettingKey) -> &mut Option<AssignmentId> {
        let table = self.0.get_or_insert_with(Box::default);
        let map = match scope {
            Scope::Plain => &mut table.plain,
            Scope::Channel(channel) => &mut table.channel[channel.index()],
        };
        &mut map[key]
    }

    pub fn get(&self, scope: Scope, key: SettingKey) -> Option<AssignmentId> {
        let table = self.0.as_ref()?;
        match scope {
            Scope::Plain => table.plain[key],
            Scope::Channel(channel) => table.channel.get(channel.index())?[key],
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    /// Applies this owner's statements for `scope` on top of `settings`.
    fn apply(&self, scope: Scope, settings: &mut EffectiveSettings, assignments: &[Assignment]) {
        for key in SettingKey::ALL {
            if let Some(id) = self.get(scope, key)
                && let Some(assignment) = assignments.get(id.0)
            {
                settings.values[key] = Effective {
                    value: assignment.value,
                    source: Source::Stated(id),
                };
            }
        }
    }
}

/// Where an effective value comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Source {
    BuiltIn,
    Stated(AssignmentId),
}

/// A setting's value in effect, with its provenance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Effective {
    pub value: SettingValue,
    pub source: Source,
}

/// Every setting in effect for one leaf queue and channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EffectiveSettings {
    values: SettingMap<Effective>,
}

impl EffectiveSettings {
    pub fn built_in() -> EffectiveSettings {
        EffectiveSettings {
            values: SettingMap::from_fn(|key| Effective {
                value: key.built_in_default(),
                source: Source::BuiltIn,
            }),
        }
    }

    /// The plain values, for the vendor's rules.
    pub fn leaf_settings(&self, channel: Channel) -> LeafSettings {
        LeafSettings::new(channel, SettingMap::from_fn(|key| self.values[key].value))
    }

    pub fn get(&self, key: SettingKey) -> Effective {
        self.values[key]
    }

    pub fn iter(&self) -> impl Iterator<Item = (SettingKey, Effective)> + '_ {
        SettingKey::ALL.into_iter().map(|key| (key, self.get(key)))
    }
}

/// One row group of the decision table: a leaf queue and a channel.
#[derive(Clone, Debug)]
pub struct LeafEntry {
    pub queue: QueueId,
    pub channel: Channel,
    pub settings: EffectiveSettings,
}

/// What names a leaf/channel entry whatever else changes in the policy: the
/// queue names from the top-level queue down to the leaf, and the channel.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct EntryKey {
    pub queue: Vec<String>,
    pub channel: Channel,
}

/// A `crm:` statement.
#[derive(Clone, Debug)]
pub struct CrmDeclaration {
    pub crm: Option<Crm>,
    pub span: Span,
}

/// The policy set after resolution.
#[derive(Clone, Debug, Default)]
pub struct ResolvedPolicy {
    /// Every `crm:` statement, in policy-set order.
    pub crm_declarations: Vec<CrmDeclaration>,
    /// The header span of every `defaults` block, in policy-set order.
    pub defaults_blocks: Vec<Span>,
    /// The `defaults` statements, in policy-set order.
    pub defaults_statements: Vec<NodeRef>,
    pub defaults: Slots,
    pub queues: Vec<QueueNode>,
    /// Top-level queues in order of first appearance.
    pub roots: Vec<QueueId>,
    pub assignments: Vec<Assignment>,
    /// Statements of a one-channel setting in the other channel's block.
    pub misplaced: Vec<MisplacedSetting>,
    /// Leaf queues in tree order, `call` before `chat`.
    pub entries: Vec<LeafEntry>,
}

impl ResolvedPolicy {
    /// The CRM, if the first `crm:` names a known one.
    pub fn crm(&self) -> Option<Crm> {
        self.crm_declarations.first().and_then(|decl| decl.crm)
    }

    pub fn queue(&self, id: QueueId) -> Option<&QueueNode> {
        self.queues.get(id.0)
    }

    pub fn assignment(&self, id: AssignmentId) -> Option<&Assignment> {
        self.assignments.get(id.0)
    }

    /// The settings in effect at a queue, for each channel (indexed by
    /// [`Channel::index`]): for a leaf, its entries' settings; for an inner
    /// queue, what its sub-queues start from. Provenance as for entries.
    pub fn settings_at(&self, id: QueueId) -> [EffectiveSettings; 2] {
        let mut chain = Vec::new();
        let mut current = self.queue(id);
        while let Some(queue) = current {
            chain.push(&queue.slots);
            current = queue.parent.and_then(|parent| self.queue(parent));
        }
        let mut settings = self.settings_after(&self.defaults, [EffectiveSettings::built_in(); 2]);
        for slots in chain.into_iter().rev() {
            settings = self.settings_after(slots, settings);
        }
        settings
    }

    /// `inherited`, with one owner's plain settings and then its channel
    /// blocks applied: the precedence rule of the module header.
    fn settings_after(&self, slots: &Slots, inherited: PerChannel) -> PerChannel {
        let mut result = inherited;
        for channel in Channel::ALL {
            let settings = &mut result[channel.index()];
            slots.apply(Scope::Plain, settings, &self.assignments);
            slots.apply(Scope::Channel(channel), settings, &self.assignments);
        }
        result
    }

    /// The stable key of entry number `index`: its queue path and channel.
    pub fn entry_key(&self, index: usize) -> Option<EntryKey> {
        let entry = self.entries.get(index)?;
        Some(EntryKey {
            queue: self.path(entry.queue).into_iter().map(str::to_owned).collect(),
            channel: entry.channel,
        })
    }

    /// The entry with a key, if the policy has it.
    pub fn entry_index(&self, key: &EntryKey) -> Option<usize> {
        let queue = self.queue(self.queue_by_path(&key.queue)?)?;
        queue
            .entries
            .clone()
            .find(|&index| {
                self.entries
                    .get(index)
                    .is_some_and(|entry| entry.channel == key.channel)
            })
            .filter(|_| queue.is_leaf())
    }

    /// The queue with a path of names from the top level down, if the
    /// policy has it.
    pub fn queue_by_path<S: AsRef<str>>(&self, path: &[S]) -> Option<QueueId> {
        let mut siblings = &self.roots;
        let mut found = None;
        for name in path {
            let id = siblings
                .iter()
                .copied()
                .find(|&id| self.queue(id).is_some_and(|queue| queue.name == name.as_ref()))?;
            siblings = &self.queue(id)?.children;
            found = Some(id);
        }
        found
    }

    /// Names from the root down to `id`.
    pub fn path(&self, id: QueueId) -> Vec<&str> {
        let mut path = Vec::new();
        let mut current = self.queue(id);
        while let Some(queue) = current {
            path.push(queue.name.as_str());
            current = queue.parent.and_then(|parent| self.queue(parent));
        }
        path.reverse();
        path
    }

    /// A queue path as messages show it, `"Support" / "Billing"`: as the
    /// language writes it, with hidden characters written out and very long
    /// names cut (see [`crate::text::quoted`]).
    pub fn display_path(&self, id: QueueId) -> String {
        self.path(id)
            .iter()
            .map(|name| crate::text::quoted(&quote_name(name)).into_owned())
            .collect::<Vec<_>>()
            .join(" / ")
    }

    /// Where a setting statement belongs, as messages show it: `defaults`,
    /// `defaults, chat block`, `"Support" / "Billing", call block`.
    pub fn display_owner(&self, owner: Owner, scope: Scope) -> String {
        let owner = match owner {
            Owner::Defaults => "defaults".to_owned(),
            Owner::Queue(queue) => self.display_path(queue),
        };
        match scope {
            Scope::Plain => owner,
            Scope::Channel(channel) => format!("{owner}, {channel} block"),
        }
    }
}

/// A queue name quoted and escaped as the language writes it.
pub fn quote_name(name: &str) -> String {
    format!("\"{}\"", name.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Resolves a policy set's syntax trees.
pub fn resolve(trees: &[Arc<SyntaxTree>]) -> ResolvedPolicy {
    let mut builder = TreeBuilder::default();
    for tree in trees {
        builder.add_file(tree);
    }
    let mut policy = builder.policy;
    compute_effective_settings(&mut policy);
    policy
}

#[derive(Default)]
struct TreeBuilder {
    policy: ResolvedPolicy,
    /// Children by name for each parent (`None`: the top level).
    children_by_name: HashMap<Option<QueueId>, HashMap<String, QueueId>>,
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
    /// Walks a file's nodes in source order; a node's parent always comes
    /// before it, so its placement is known without recursion.
    fn add_file(&mut self, tree: &SyntaxTree) {
        let mut placements = vec![Placement::Skip; tree.len()];
        for (id, node) in tree.nodes() {
            let parent = node
                .parent
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
            queue.statements.push(statement);
        }
        current.map_or(Placement::Skip, Placement::Queue)
    }

    fn open_queue(&mut self, parent: Option<QueueId>, name: &str, span: Span) -> QueueId {
        let siblings = self.children_by_name.entry(parent).or_default();
        if let Some(&existing) = siblings.get(name) {
            if let Some(queue) = self.policy.queues.get_mut(existing.0) {
                queue.declarations.push(span);
            }
            return existing;
        }
        let id = QueueId(self.policy.queues.len());
        siblings.insert(name.to_owned(), id);
        let depth = parent
            .and_then(|parent| self.policy.queues.get(parent.0))
            .map_or(1, |parent| parent.depth + 1);
        self.policy.queues.push(QueueNode {
            name: name.to_owned(),
            parent,
            depth,
            children: Vec::new(),
            declarations: vec![span],
            statements: Vec::new(),
            slots: Slots::default(),
            entries: 0..0,
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
        let slot = slots.slot_mut(scope, key);
        let duplicate_of = *slot;
        if duplicate_of.is_none() {
            *slot = Some(id);
        }
        self.policy.assignments.push(Assignment {
            key,
            value,
            owner,
            scope,
            span,
            value_span,
            statement,
            duplicate_of,
            inherited: Vec::new(),
        });
    }
}

/// Where a setting statement is written.
struct Written {
    span: Span,
    value_span: Span,
    statement: NodeRef,
}

/// The settings in effect after a node, per channel (indexed by channel).
type PerChannel = [EffectiveSettings; 2];

/// Walks the queue tree once, depth first without recursion, carrying the
/// settings in effect down; fills the leaf entries in tree order, each
/// queue's range of entries, and what each assignment inherits.
fn compute_effective_settings(policy: &mut ResolvedPolicy) {
    let built_in = [EffectiveSettings::built_in(); 2];
    let defaults = policy.defaults.clone();
    let after_defaults = apply_owner(&defaults, &built_in, &mut policy.assignments);

    let mut entries = Vec::new();
    let mut pending: Vec<(QueueId, PerChannel)> =
        policy.roots.iter().rev().map(|&root| (root, after_defaults)).collect();
    while let Some((id, inherited)) = pending.pop() {
        let Some(queue) = policy.queues.get(id.0) else { continue };
        let slots = queue.slots.clone();
        let settings = apply_owner(&slots, &inherited, &mut policy.assignments);
        let Some(queue) = policy.queues.get_mut(id.0) else {
            continue;
        };
        if queue.is_leaf() {
            queue.entries = entries.len()..entries.len() + Channel::ALL.len();
            for channel in Channel::ALL {
                entries.push(LeafEntry {
                    queue: id,
                    channel,
                    settings: settings[channel.index()],
                });
            }
        } else {
            pending.extend(queue.children.iter().rev().map(|&child| (child, settings)));
        }
    }
    policy.entries = entries;
    set_inner_entry_ranges(&mut policy.queues);
}

/// An inner queue's entries run from its first child's to its last child's.
/// A queue is always created before its children, so going through the
/// queues backwards finishes every child before its parent.
fn set_inner_entry_ranges(queues: &mut [QueueNode]) {
    for index in (0..queues.len()).rev() {
        let Some(queue) = queues.get(index) else { continue };
        let (Some(first), Some(last)) = (queue.children.first(), queue.children.last()) else {
            continue;
        };
        let start = queues.get(first.0).map_or(0, |child| child.entries.start);
        let end = queues.get(last.0).map_or(0, |child| child.entries.end);
        if let Some(queue) = queues.get_mut(index) {
            queue.entries = start..end;
        }
    }
}

/// Applies one owner's plain settings then its channel blocks on top of what
/// it inherits, noting what each of its assignments overrides.
fn apply_owner(slots: &Slots, inherited: &PerChannel, assignments: &mut [Assignment]) -> PerChannel {
    if slots.is_empty() {
        return *inherited;
    }
    let mut result = *inherited;
    for channel in Channel::ALL {
        let index = channel.index();
        record_inherited(slots, Scope::Plain, channel, &result[index], assignments);
        slots.apply(Scope::Plain, &mut result[index], assignments);
        record_inherited(slots, Scope::Channel(channel), channel, &result[index], assignments);
        slots.apply(Scope::Channel(channel), &mut result[index], assignments);
    }
    result
}

fn record_inherited(
    slots: &Slots,
    scope: Scope,
    channel: Channel,
    before: &EffectiveSettings,
    assignments: &mut [Assignment],
) {
    for key in SettingKey::ALL {
        if let Some(id) = slots.get(scope, key)
            && let Some(assignment) = assignments.get_mut(id.0)
        {
            assignment.inherited.push((channel, before.get(key)));
        }
    }
}
