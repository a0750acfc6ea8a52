//! Where a value in effect comes from, and what a statement decides.
//!
//! In: a [`Semantics`] and a leaf/channel entry, a queue, or a setting
//! statement. Out: for each setting of an entry its [`Provenance`], the
//! statement that set the value and the ones it overrode, down to the
//! built-in default; for a statement its [`Reach`], the entries whose value
//! it decides and those where a statement below it overrides it. All of it
//! is read off the resolved policy; the precedence rule itself lives only in
//! [`crate::resolve`].

use super::Semantics;
use crate::resolve::{AssignmentId, EffectiveSettings, Owner, QueueId, Source};
use crate::settings::{SettingKey, SettingValue};
use crate::vocabulary::Channel;

/// A value in effect and how it got there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Provenance {
    pub key: SettingKey,
    pub value: SettingValue,
    /// The statement in effect first, then the one it overrode, and so on;
    /// [`Source::BuiltIn`] last, unless a statement in `defaults` sets the
    /// value over the built-in default (it is still listed last then).
    pub chain: Vec<Source>,
}

impl Provenance {
    /// The statement the value comes from, or `None` for a built-in default.
    pub fn decided_by(&self) -> Option<AssignmentId> {
        match self.chain.first() {
            Some(Source::Stated(id)) => Some(*id),
            _ => None,
        }
    }
}

/// The entries a setting statement has a say in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reach {
    /// Entries whose value of the setting is this statement's.
    pub decides: Vec<usize>,
    /// Entries under it whose value another statement, nearer to them,
    /// decides instead.
    pub overridden: Vec<usize>,
}

impl<'s> Semantics<'s> {
    /// Each setting in effect for entry number `entry`, with its chain.
    pub fn provenance(&self, entry: usize) -> Vec<Provenance> {
        let policy = &self.snapshot.analysis.policy;
        let Some(entry) = policy.entries.get(entry) else {
            return Vec::new();
        };
        chains(self, &entry.settings, entry.channel)
    }

    /// Each setting in effect at a queue for a channel (for an inner queue,
    /// what its sub-queues start from), with its chain.
    pub fn provenance_at(&self, queue: QueueId, channel: Channel) -> Vec<Provenance> {
        let settings = self.snapshot.analysis.policy.settings_at(queue);
        settings
            .get(channel.index())
            .map(|settings| chains(self, settings, channel))
            .unwrap_or_default()
    }

    /// The entries a setting statement decides, and those where it is
    /// overridden. A statement that repeats the setting for the same place
    /// (E0007) decides nothing.
    pub fn reach(&self, assignment: AssignmentId) -> Reach {
        let policy = &self.snapshot.analysis.policy;
        let Some(stated) = policy.assignment(assignment) else {
            return Reach::default();
        };
        let entries = match stated.owner {
            Owner::Defaults => 0..policy.entries.len(),
            Owner::Queue(queue) => policy.queue(queue).map_or(0..0, |queue| queue.entries.clone()),
        };
        let mut reach = Reach::default();
        for index in entries {
            let Some(entry) = policy.entries.get(index) else {
                continue;
            };
            if !stated.scope.channels().contains(&entry.channel) {
                continue;
            }
            if entry.settings.get(stated.key).source == Source::Stated(assignment) {
                reach.decides.push(index);
            } else {
                reach.overridden.push(index);
            }
        }
        reach
    }
}

fn chains(semantics: &Semantics<'_>, settings: &EffectiveSettings, channel: Channel) -> Vec<Provenance> {
    // A setting that decides nothing in this channel has no chain to show.
    settings
        .iter()
        .filter(|(key, _)| key.applies_to(channel))
        .map(|(key, effective)| Provenance {
            key,
            value: effective.value,
            chain: chain_from(semantics, effective.source, channel),
        })
        .collect()
}

/// Follows what each statement inherited, from `source` down to the
/// built-in default. Every step goes to an earlier assignment, so the walk
/// ends; the bound only guards against a malformed policy.
fn chain_from(semantics: &Semantics<'_>, source: Source, channel: Channel) -> Vec<Source> {
    let policy = &semantics.snapshot.analysis.policy;
    let mut chain = vec![source];
    let mut current = source;
    while let Source::Stated(id) = current {
        let Some(inherited) = policy.assignment(id).and_then(|stated| stated.inherited_for(channel)) else {
            break;
        };
        if chain.len() > policy.assignments.len() {
            break;
        }
        chain.push(inherited.source);
        current = inherited.source;
    }
    if chain.last() != Some(&Source::BuiltIn) {
        chain.push(Source::BuiltIn);
    }
    chain
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::{Snapshot, snapshot_of_texts};
    use std::sync::Arc;

    const POLICY: &str = "crm: salesforce\n\
        defaults {\n\
        \x20   append to latest open record: yes\n\
        \x20   chat {\n\
        \x20       append to latest open record: no\n\
        \x20   }\n\
        }\n\
        queue \"Support\" {\n\
        \x20   append to latest open record: yes\n\
        \x20   queue \"Billing\"\n\
        \x20   queue \"Chat Desk\" {\n\
        \x20       chat {\n\
        \x20           append to latest open record: no\n\
        \x20       }\n\
        \x20   }\n\
        }\n";

    fn snapshot() -> Arc<Snapshot> {
        snapshot_of_texts(&[("p.crmpol", POLICY)])
    }

    /// The line of each statement in a chain, 0 for the built-in default.
    fn lines(semantics: &Semantics<'_>, chain: &[Source]) -> Vec<usize> {
        chain
            .iter()
            .map(|source| match source {
                Source::BuiltIn => 0,
                Source::Stated(id) => semantics
                    .snapshot
                    .analysis
                    .policy
                    .assignment(*id)
                    .and_then(|stated| {
                        let file = semantics.snapshot.sources.get(stated.span.file())?;
                        Some(file.line_column(stated.span.start()).line)
                    })
                    .unwrap_or(usize::MAX),
            })
            .collect()
    }

    #[test]
    fn a_chain_runs_from_the_nearest_statement_to_the_built_in_default() {
        let snapshot = snapshot();
        let semantics = Semantics::of(&snapshot);
        // Entries: Billing call, Billing chat, Chat Desk call, Chat Desk chat.
        let append = |entry: usize| {
            semantics
                .provenance(entry)
                .into_iter()
                .find(|provenance| provenance.key == SettingKey::AppendToLatestOpenRecord)
                .expect("append")
        };
        assert_eq!(lines(&semantics, &append(1).chain), [9, 5, 3, 0], "Billing chat");
        assert_eq!(append(1).value, SettingValue::Flag(true));
        assert_eq!(lines(&semantics, &append(3).chain), [13, 9, 5, 3, 0], "Chat Desk chat");
        assert_eq!(append(3).value, SettingValue::Flag(false));
        let records = semantics
            .provenance(0)
            .into_iter()
            .find(|provenance| provenance.key == SettingKey::Records)
            .expect("records");
        assert_eq!(records.chain, [Source::BuiltIn]);
    }

    #[test]
    fn reach_splits_decided_from_overridden() {
        let snapshot = snapshot();
        let semantics = Semantics::of(&snapshot);
        let support = semantics
            .snapshot
            .analysis
            .policy
            .assignments
            .iter()
            .position(|stated| matches!(stated.owner, Owner::Queue(_)))
            .map(AssignmentId)
            .expect("Support's statement");
        let reach = semantics.reach(support);
        assert_eq!(reach.decides, [0, 1, 2], "both Billing entries and Chat Desk's call");
        assert_eq!(reach.overridden, [3], "Chat Desk's chat block overrides it");
        assert_eq!(semantics.overriding_this(support).len(), 1);
        assert_eq!(
            semantics.overridden_by_this(support).len(),
            2,
            "defaults plain and chat"
        );
    }

    #[test]
    fn an_inner_queue_has_the_settings_its_sub_queues_start_from() {
        let snapshot = snapshot();
        let semantics = Semantics::of(&snapshot);
        let support = QueueId(0);
        let chat = semantics.provenance_at(support, Channel::Chat);
        let append = chat
            .iter()
            .find(|provenance| provenance.key == SettingKey::AppendToLatestOpenRecord)
            .expect("append");
        assert_eq!(lines(&semantics, &append.chain), [9, 5, 3, 0]);
    }
}
