//! Stage 3: syntax trees to the queue tree and effective settings.
//!
//! In: the syntax trees of a policy set, in policy-set order, and the
//! set's queue catalog if it has a usable one. Out: a [`ResolvedPolicy`]:
//! the queue tree as the union of every file (and of the catalog's paths),
//! every setting statement as an [`Assignment`] with its place, and one
//! [`LeafEntry`] per leaf queue and channel holding its effective settings,
//! each value with where it came from. Produces no diagnostics: statements
//! the parser already reported (misplaced, unknown, invalid) are skipped.
//!
//! Without a catalog, every queue without sub-queues in the policy text is
//! a leaf with a `call` and a `chat` entry (v1). With a catalog, the
//! entries are the catalog's: its paths come first in the tree, in catalog
//! order, and a queue has an entry for a channel exactly when the catalog
//! says its path is a leaf for that channel; a policy queue the catalog
//! does not have (E0301) has none.
//!
//! Precedence, last one wins: built-in default, `defaults`, the `defaults`
//! channel block, then from the root queue down each queue's plain settings
//! and its channel block.

mod effective;
mod tree;

use crate::catalog::{Catalog, PathId};
use crate::settings::{LeafSettings, PackedValue, PackedValues, SettingKey, SettingMap, SettingValue};
use crate::source::Span;
use crate::syntax::{NodeRef, SyntaxTree};
use crate::vocabulary::{Channel, Crm};
use effective::{PerChannel, compute_effective_settings};
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
    /// Shared with the statements that name it ([`crate::syntax::QueueName`]).
    pub name: Arc<str>,
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
    /// The entries of this queue and of every queue below it: entries are
    /// in tree order, so they are contiguous.
    pub entries: Range<usize>,
    /// The queue's path in the catalog, when the policy set has a catalog
    /// holding it.
    pub catalog: Option<PathId>,
}

impl QueueNode {
    /// Without sub-queues in the policy text or the catalog.
    pub fn is_leaf(&self) -> bool {
        self.children.is_empty()
    }

    /// Named only by the catalog: no policy statement opens it.
    pub fn is_catalog_only(&self) -> bool {
        self.declarations.is_empty()
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
    pub inherited: Inherited,
}

/// What an assignment overrides, per channel: kept in place rather than in
/// a list of its own, and packed (the value as [`PackedValue`], the source
/// in four bytes), since a policy set has an assignment per statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Inherited {
    /// The assignment's setting, which says how to read the values.
    key: SettingKey,
    by_channel: [Option<(PackedValue, PackedSource)>; Channel::ALL.len()],
}

impl Inherited {
    /// Nothing inherited yet, for a statement of `key`.
    pub(crate) fn new(key: SettingKey) -> Inherited {
        Inherited {
            key,
            by_channel: [None; Channel::ALL.len()],
        }
    }

    pub fn get(&self, channel: Channel) -> Option<Effective> {
        let (value, source) = self.by_channel.get(channel.index()).copied().flatten()?;
        Some(Effective {
            value: value.get(self.key),
            source: unpack_source(source),
        })
    }

    /// Records what `channel` inherits: a value of the assignment's setting.
    pub(crate) fn set(&mut self, channel: Channel, inherited: Effective) {
        if let Some(slot) = self.by_channel.get_mut(channel.index()) {
            *slot = Some((PackedValue::new(inherited.value), pack_source(inherited.source)));
        }
    }

    pub fn is_empty(&self) -> bool {
        self.by_channel.iter().all(Option::is_none)
    }

    /// Each channel with what it inherits, `call` before `chat`.
    pub fn iter(&self) -> impl Iterator<Item = (Channel, Effective)> + '_ {
        Channel::ALL
            .into_iter()
            .filter_map(|channel| Some((channel, self.get(channel)?)))
    }
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
        self.inherited.get(channel)
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
/// channel. Most queues state a setting or two and many none, so only the
/// slots taken are kept, eight bytes each, allocated once a queue states a
/// setting; a lookup reads them all, which for so few costs less than a
/// table would.
#[derive(Clone, Debug, Default)]
pub struct Slots(Option<Box<[Slot]>>);

/// The setting `key` in `scope` is set by assignment number `id`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Slot {
    scope: Scope,
    key: SettingKey,
    id: PackedSource,
}

impl Slots {
    fn taken(&self) -> &[Slot] {
        self.0.as_deref().unwrap_or_default()
    }

    /// Gives the slot of `key` in `scope` to `id` unless a statement has it
    /// already; returns that statement.
    fn claim(&mut self, scope: Scope, key: SettingKey, id: AssignmentId) -> Option<AssignmentId> {
        if let Some(first) = self.get(scope, key) {
            return Some(first);
        }
        // Made at its new size at once: growing the old list would
        // reallocate it twice, to grow and to shrink back.
        let mut taken = Vec::with_capacity(self.taken().len() + 1);
        taken.extend_from_slice(self.taken());
        taken.push(Slot {
            scope,
            key,
            id: pack_source(Source::Stated(id)),
        });
        self.0 = Some(taken.into_boxed_slice());
        None
    }

    pub fn get(&self, scope: Scope, key: SettingKey) -> Option<AssignmentId> {
        let slot = self
            .taken()
            .iter()
            .find(|slot| slot.scope == scope && slot.key == key)?;
        match unpack_source(slot.id) {
            Source::Stated(id) => Some(id),
            Source::BuiltIn => None,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    /// The settings this owner states in `scope`, each with its statement.
    fn stated(&self, scope: Scope) -> impl Iterator<Item = (SettingKey, AssignmentId)> + '_ {
        self.taken()
            .iter()
            .filter(move |slot| slot.scope == scope)
            .filter_map(|slot| match unpack_source(slot.id) {
                Source::Stated(id) => Some((slot.key, id)),
                Source::BuiltIn => None,
            })
    }

    /// Notes, for each statement of this owner in `scope`, what it
    /// overrides for `channel`: the setting in `before`.
    fn record_inherited(
        &self,
        scope: Scope,
        channel: Channel,
        before: &EffectiveSettings,
        assignments: &mut [Assignment],
    ) {
        for (key, id) in self.stated(scope) {
            if let Some(assignment) = assignments.get_mut(id.0) {
                assignment.inherited.set(channel, before.get(key));
            }
        }
    }

    /// Applies this owner's statements for `scope` on top of `settings`.
    fn apply(&self, scope: Scope, settings: &mut EffectiveSettings, assignments: &[Assignment]) {
        for (key, id) in self.stated(scope) {
            if let Some(assignment) = assignments.get(id.0) {
                settings.set(
                    key,
                    Effective {
                        value: assignment.value,
                        source: Source::Stated(id),
                    },
                );
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

/// Every setting in effect for one leaf queue and channel. Kept for every
/// entry of a policy set, so it is packed: each value in four bytes (see
/// [`PackedValues`]) and each source as an assignment's number.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct EffectiveSettings {
    values: PackedValues,
    sources: SettingMap<PackedSource>,
}

/// A [`Source`] in four bytes: the assignment's number, or [`BUILT_IN`].
type PackedSource = u32;

const BUILT_IN: PackedSource = PackedSource::MAX;

fn pack_source(source: Source) -> PackedSource {
    match source {
        Source::BuiltIn => BUILT_IN,
        // A policy set with four billion setting statements is far larger
        // than any machine can read, so saturating never merges two real
        // statements; it keeps the conversion total.
        Source::Stated(id) => PackedSource::try_from(id.0).unwrap_or(BUILT_IN - 1),
    }
}

fn unpack_source(source: PackedSource) -> Source {
    match source {
        BUILT_IN => Source::BuiltIn,
        id => Source::Stated(AssignmentId(id as usize)),
    }
}

impl EffectiveSettings {
    pub fn built_in() -> EffectiveSettings {
        EffectiveSettings {
            values: PackedValues::from_fn(SettingKey::built_in_default),
            sources: SettingMap::from_fn(|_| BUILT_IN),
        }
    }

    /// The plain values, for the vendor's rules.
    pub fn leaf_settings(&self, channel: Channel) -> LeafSettings {
        LeafSettings::from_packed(channel, self.values)
    }

    pub fn get(&self, key: SettingKey) -> Effective {
        Effective {
            value: self.values.get(key),
            source: unpack_source(self.sources[key]),
        }
    }

    fn set(&mut self, key: SettingKey, effective: Effective) {
        self.values.set(key, effective.value);
        self.sources[key] = pack_source(effective.source);
    }

    pub fn iter(&self) -> impl Iterator<Item = (SettingKey, Effective)> + '_ {
        SettingKey::ALL.into_iter().map(|key| (key, self.get(key)))
    }
}

impl std::fmt::Debug for EffectiveSettings {
    /// As the values and sources themselves.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
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
    /// The entries come from a queue catalog.
    pub from_catalog: bool,
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
        let id = self.queue_by_path(&key.queue)?;
        self.queue_entries(id).find(|&index| {
            self.entries
                .get(index)
                .is_some_and(|entry| entry.channel == key.channel)
        })
    }

    /// The indexes of a queue's own entries (not those of queues below it).
    pub fn queue_entries(&self, id: QueueId) -> impl Iterator<Item = usize> + '_ {
        let range = self.queue(id).map_or(0..0, |queue| queue.entries.clone());
        range.filter(move |&index| self.entries.get(index).is_some_and(|entry| entry.queue == id))
    }

    /// Whether the queue has an entry of its own, for some channel.
    pub fn has_entries(&self, id: QueueId) -> bool {
        self.queue_entries(id).next().is_some()
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
                .find(|&id| self.queue(id).is_some_and(|queue| &*queue.name == name.as_ref()))?;
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
            path.push(&*queue.name);
            current = queue.parent.and_then(|parent| self.queue(parent));
        }
        path.reverse();
        path
    }

    /// A queue path as messages show it, `"Support" / "Billing"`: as the
    /// language writes it, with hidden characters written out and very long
    /// names cut (see [`crate::text::quoted`]).
    pub fn display_path(&self, id: QueueId) -> String {
        let mut shown = String::new();
        self.push_display_path(&mut shown, id);
        shown
    }

    /// [`ResolvedPolicy::display_path`], added to `shown`.
    pub fn push_display_path(&self, shown: &mut String, id: QueueId) {
        for (at, name) in self.path(id).into_iter().enumerate() {
            if at > 0 {
                shown.push_str(" / ");
            }
            push_shown_name(shown, name);
        }
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
/// Adds a queue name as messages show it: quoted as the language writes it,
/// then through [`crate::text::quoted`]. Most names are printable ASCII
/// with nothing to escape and short enough not to be cut, and are copied
/// between quotes without building the quoted name first.
fn push_shown_name(shown: &mut String, name: &str) {
    let as_written = name.len() + 2 <= crate::text::QUOTED_CHARS
        && name
            .bytes()
            .all(|byte| (b' '..=b'~').contains(&byte) && byte != b'"' && byte != b'\\');
    if as_written {
        shown.push('"');
        shown.push_str(name);
        shown.push('"');
    } else {
        shown.push_str(&crate::text::quoted(&quote_name(name)));
    }
}

pub fn quote_name(name: &str) -> String {
    format!("\"{}\"", name.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Resolves a policy set's syntax trees, with the queues and entries of
/// `catalog` when it has one.
pub fn resolve(trees: &[Arc<SyntaxTree>], catalog: Option<&Catalog>) -> ResolvedPolicy {
    let mut builder = tree::TreeBuilder::default();
    builder.reserve(trees, catalog);
    if let Some(catalog) = catalog {
        builder.add_catalog(catalog);
    }
    for tree in trees {
        builder.add_file(tree);
    }
    let mut policy = builder.policy;
    compute_effective_settings(&mut policy, catalog);
    policy
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_shown_as_quoting_it_and_then_showing_it_would() {
        let long = "n".repeat(58);
        let longer = "n".repeat(59);
        for name in [
            "Support",
            "",
            "Tier 1 ~ VIP",
            "Say \"hi\"",
            "back\\slash",
            long.as_str(),
            longer.as_str(),
            "Café",
            "tab\there",
            "\u{202e}evil",
            "zero\u{200b}width",
        ] {
            let mut shown = String::new();
            push_shown_name(&mut shown, name);
            assert_eq!(shown, crate::text::quoted(&quote_name(name)), "{name:?}");
        }
    }
}
