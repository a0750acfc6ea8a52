//! Fixes that change a setting for the entries of a finding and for no
//! other entry.
//!
//! A statement usually applies to many leaf queues; a finding is usually
//! about some of them. Rewriting the statement would change the others too,
//! which had no error: `records: option 3` on a parent can be wrong for two
//! leaves and right for a third. So a fix changes the statement only when
//! every entry it reaches is one of the finding's; otherwise it adds the
//! setting where it covers exactly the finding's entries: in the block that
//! holds them all if nothing else below it would change, else in each
//! sub-queue or channel block, going down until it fits.

use super::CheckContext;
use super::edits::{insert_setting, remove_setting};
use crate::diagnostic::Edit;
use crate::resolve::{AssignmentId, Owner, Scope, Source};
use crate::settings::{SettingKey, SettingValue};
use crate::vocabulary::Channel;

/// Edits that give `key` the value `value` in exactly the entries `target`,
/// and what they do in words ("remove `...`", "add `...` to queue ...").
pub struct ScopedChange {
    pub edits: Vec<Edit>,
    pub summary: String,
}

/// Plans the change, starting the search at `start` (a place every target
/// entry is under). `None` when no edit reaches exactly those entries.
pub fn set_for_entries(
    context: &CheckContext<'_>,
    key: SettingKey,
    value: SettingValue,
    target: &[usize],
    start: Owner,
) -> Option<ScopedChange> {
    let mut target = target.to_vec();
    target.sort_unstable();
    target.dedup();
    if target.is_empty() {
        return None;
    }
    if let Some(change) = change_the_statement(context, key, value, &target) {
        return Some(change);
    }
    let mut search = Search {
        context,
        key,
        target: &target,
        placements: Vec::new(),
        covered: 0,
    };
    search.descend(start, &Channel::ALL)?;
    if search.covered != target.len() || search.placements.is_empty() {
        return None;
    }
    let mut edits = Vec::new();
    let mut places = Vec::new();
    for (owner, scope) in &search.placements {
        edits.extend(insert_setting(context, *owner, *scope, key, value)?);
        places.push(context.describe_place(*owner, *scope));
    }
    let places = match places.as_slice() {
        [one] => one.clone(),
        [first, rest @ ..] => format!("{first} and {} more", rest.len()),
        [] => String::new(),
    };
    Some(ScopedChange {
        edits,
        summary: format!("add `{key}: {value}` to {places}"),
    })
}

/// When every target entry takes `key` from one statement and that
/// statement reaches no other entry: remove it (when what it overrides is
/// `value` already) or give it `value`.
fn change_the_statement(
    context: &CheckContext<'_>,
    key: SettingKey,
    value: SettingValue,
    target: &[usize],
) -> Option<ScopedChange> {
    let policy = context.policy;
    let first = policy.entries.get(*target.first()?)?;
    let Source::Stated(id) = first.settings.get(key).source else {
        return None;
    };
    let same_source = target.iter().all(|&index| {
        policy
            .entries
            .get(index)
            .is_some_and(|entry| entry.settings.get(key).source == Source::Stated(id))
    });
    if !same_source || reach(context, key, id) != target {
        return None;
    }
    let statement = policy.assignment(id)?;
    let inherits_value = statement.scope.channels().iter().all(|&channel| {
        statement
            .inherited_for(channel)
            .is_some_and(|inherited| inherited.value == value)
    });
    let written = format!("{key}: {}", statement.value);
    if inherits_value {
        Some(ScopedChange {
            edits: vec![remove_setting(context, statement)],
            summary: format!("remove `{written}`"),
        })
    } else {
        Some(ScopedChange {
            edits: vec![Edit::replace(statement.value_span, value.to_string())],
            summary: format!("write `{key}: {value}`"),
        })
    }
}

/// The entries that take `key` from the statement `id`, in order.
fn reach(context: &CheckContext<'_>, key: SettingKey, id: AssignmentId) -> Vec<usize> {
    let policy = context.policy;
    let range = match policy.assignment(id).map(|assignment| assignment.owner) {
        Some(Owner::Queue(queue)) => policy.queue(queue).map_or(0..0, |queue| queue.entries.clone()),
        _ => 0..policy.entries.len(),
    };
    range
        .filter(|&index| {
            policy
                .entries
                .get(index)
                .is_some_and(|entry| entry.settings.get(key).source == Source::Stated(id))
        })
        .collect()
}

/// The search for places to add the setting.
struct Search<'c, 'a> {
    context: &'c CheckContext<'a>,
    key: SettingKey,
    target: &'c [usize],
    placements: Vec<(Owner, Scope)>,
    /// Target entries the placements so far cover.
    covered: usize,
}

impl Search<'_, '_> {
    /// Places the setting at `owner` for `channels` where that fits, and
    /// goes down to the sub-queues for the channels where it does not.
    fn descend(&mut self, owner: Owner, channels: &[Channel]) -> Option<()> {
        if channels.len() == Channel::ALL.len() && self.try_place(owner, Scope::Plain) {
            return Some(());
        }
        let remaining: Vec<Channel> = channels
            .iter()
            .copied()
            .filter(|&channel| !self.try_place(owner, Scope::Channel(channel)))
            .collect();
        if remaining.is_empty() {
            return Some(());
        }
        let policy = self.context.policy;
        let children = match owner {
            Owner::Defaults => policy.roots.clone(),
            Owner::Queue(queue) => policy.queue(queue)?.children.clone(),
        };
        if children.is_empty() {
            return None;
        }
        for child in children {
            self.descend(Owner::Queue(child), &remaining)?;
        }
        Some(())
    }

    /// Adds a placement at `owner` when it would change every target
    /// entry below it (for the scope's channels) and no other entry.
    /// Returns whether nothing further is needed below this place.
    fn try_place(&mut self, owner: Owner, scope: Scope) -> bool {
        let policy = self.context.policy;
        let range = match owner {
            Owner::Defaults => 0..policy.entries.len(),
            Owner::Queue(queue) => policy.queue(queue).map_or(0..0, |queue| queue.entries.clone()),
        };
        let rank = placement_rank(self.context, owner, scope);
        let (mut covered, mut targets_here, mut changes_others) = (0, 0, false);
        for index in range {
            let Some(entry) = policy.entries.get(index) else {
                continue;
            };
            if !scope.channels().contains(&entry.channel) {
                continue;
            }
            let is_target = self.target.binary_search(&index).is_ok();
            let would_change = source_rank(self.context, entry.settings.get(self.key).source) < rank;
            changes_others |= would_change && !is_target;
            covered += usize::from(would_change && is_target);
            targets_here += usize::from(is_target);
        }
        if targets_here == 0 {
            return true;
        }
        if changes_others || covered < targets_here {
            return false;
        }
        if covered > 0 {
            if insert_setting(self.context, owner, scope, self.key, self.key.built_in_default()).is_none() {
                return false;
            }
            self.placements.push((owner, scope));
            self.covered += covered;
        }
        true
    }
}

/// Where a place stands in the order of precedence: built-in defaults,
/// then `defaults`, then each queue from the top down; within one, the
/// plain settings before the channel block.
fn placement_rank(context: &CheckContext<'_>, owner: Owner, scope: Scope) -> (usize, u8) {
    let depth = match owner {
        Owner::Defaults => 1,
        Owner::Queue(queue) => context.policy.queue(queue).map_or(1, |queue| queue.depth + 1),
    };
    let scope = match scope {
        Scope::Plain => 0,
        Scope::Channel(_) => 1,
    };
    (depth, scope)
}

fn source_rank(context: &CheckContext<'_>, source: Source) -> (usize, u8) {
    match source {
        Source::BuiltIn => (0, 0),
        Source::Stated(id) => context.policy.assignment(id).map_or((0, 0), |assignment| {
            placement_rank(context, assignment.owner, assignment.scope)
        }),
    }
}
