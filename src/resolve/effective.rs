//! Effective settings: the placed statements in, each entry's settings in
//! effect (with where each value comes from), each queue's range of
//! entries and what each assignment inherits out.

use super::{Assignment, EffectiveSettings, LeafEntry, QueueId, QueueNode, ResolvedPolicy, Scope, Slots};
use crate::catalog::Catalog;
use crate::vocabulary::Channel;

/// The settings in effect after a node, per channel (indexed by channel).
pub(super) type PerChannel = [EffectiveSettings; 2];

/// Walks the queue tree once, depth first without recursion, carrying the
/// settings in effect down; fills the entries in tree order, each queue's
/// range of entries (its own, then those below it), and what each
/// assignment inherits.
pub(super) fn compute_effective_settings(policy: &mut ResolvedPolicy, catalog: Option<&Catalog>) {
    enum Visit {
        Enter(QueueId),
        /// Every queue below has been visited: the queue's range ends here.
        Exit(QueueId),
    }
    let built_in = [EffectiveSettings::built_in(); 2];
    let defaults = policy.defaults.clone();
    let after_defaults = apply_owner(&defaults, &built_in, &mut policy.assignments);

    // Counted first: a vector grown by doubling would copy every entry of
    // a large policy set several times over, and hold two copies at once.
    let count = policy
        .queues
        .iter()
        .map(|queue| entry_channels(queue, catalog).count())
        .sum();
    let mut entries = Vec::with_capacity(count);
    // The settings each queue on the path from the top down to the queue
    // being visited starts its children from: one per level, not one per
    // waiting queue, so 100,000 siblings cost no copies.
    let mut inherited: Vec<PerChannel> = vec![after_defaults];
    let mut pending: Vec<Visit> = policy.roots.iter().rev().map(|&root| Visit::Enter(root)).collect();
    while let Some(visit) = pending.pop() {
        let id = match visit {
            Visit::Enter(id) => id,
            Visit::Exit(id) => {
                inherited.pop();
                if let Some(queue) = policy.queues.get_mut(id.0) {
                    queue.entries.end = entries.len();
                }
                continue;
            }
        };
        let Some(queue) = policy.queues.get(id.0) else { continue };
        let from = inherited.last().copied().unwrap_or(after_defaults);
        let settings = apply_owner(&queue.slots, &from, &mut policy.assignments);
        let Some(queue) = policy.queues.get_mut(id.0) else {
            continue;
        };
        queue.entries = entries.len()..entries.len();
        for channel in entry_channels(queue, catalog) {
            entries.push(LeafEntry {
                queue: id,
                channel,
                settings: settings[channel.index()],
            });
        }
        inherited.push(settings);
        pending.push(Visit::Exit(id));
        pending.extend(queue.children.iter().rev().map(|&child| Visit::Enter(child)));
    }
    policy.entries = entries;
}

/// The channels a queue has entries for, `call` before `chat`: without a
/// catalog both, for a queue without sub-queues; with one, those its
/// catalog path is a leaf for.
fn entry_channels(queue: &QueueNode, catalog: Option<&Catalog>) -> impl Iterator<Item = Channel> {
    let info = catalog.map(|catalog| queue.catalog.and_then(|path| catalog.info(path)));
    let leaf = queue.is_leaf();
    Channel::ALL.into_iter().filter(move |&channel| match &info {
        None => leaf,
        Some(info) => info.as_ref().is_some_and(|info| info.is_leaf_for(channel)),
    })
}

/// Applies one owner's plain settings then its channel blocks on top of what
/// it inherits, noting what each of its assignments overrides.
pub(super) fn apply_owner(slots: &Slots, inherited: &PerChannel, assignments: &mut [Assignment]) -> PerChannel {
    if slots.is_empty() {
        return *inherited;
    }
    let mut result = *inherited;
    for channel in Channel::ALL {
        let index = channel.index();
        slots.record_inherited(Scope::Plain, channel, &result[index], assignments);
        slots.apply(Scope::Plain, &mut result[index], assignments);
        slots.record_inherited(Scope::Channel(channel), channel, &result[index], assignments);
        slots.apply(Scope::Channel(channel), &mut result[index], assignments);
    }
    result
}
