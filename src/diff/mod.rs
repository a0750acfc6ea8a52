//! Comparing two policy sets by what they do, not by their text.
//!
//! In: two checked policy sets, `before` and `after`, each its sources and
//! analysis. Out: a [`PolicyDiff`]: the CRM before and after, and every
//! leaf/channel entry that was added, removed or changed, keyed by queue path
//! and channel; for a changed entry the settings and decision-table rows
//! (keyed by situation) that differ; for each change its causes, the
//! statements whose addition, removal or change produced it ([`causes`]);
//! and its direction in the operator's terms ([`direction`]). Layout,
//! comments, statement order and the split into files never show, because
//! only the decision tables and the statements that decide them are
//! compared. [`human`], [`markdown`] and [`json`] write a diff out.

pub mod causes;
pub mod direction;
pub mod human;
pub mod json;
pub mod markdown;
mod words;

use crate::resolve::{EntryKey, LeafEntry};
use crate::settings::{SettingKey, SettingValue};
use crate::table::DecisionTable;
use crate::vendor::{Outcome, Progress, Situation};
use crate::vocabulary::Crm;
use crate::{Analysis, SourceSet};
use causes::{Cause, CauseId, CauseIndex};
use direction::Direction;
use std::collections::HashMap;

/// One side of a comparison: a policy set without errors.
pub struct Side<'a> {
    pub sources: &'a SourceSet,
    pub analysis: &'a Analysis,
}

impl Side<'_> {
    fn entry(&self, index: usize) -> Option<&LeafEntry> {
        self.analysis.policy.entries.get(index)
    }
}

/// A value before and after.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change<T> {
    pub before: T,
    pub after: T,
}

impl<T: PartialEq> Change<T> {
    pub fn differs(&self) -> bool {
        self.before != self.after
    }
}

/// Whether an entry is new, gone, or different.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryChange {
    Added,
    Removed,
    Changed,
}

/// A setting of an entry whose value differs; `None` on the side that lacks
/// the entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettingChange {
    pub key: SettingKey,
    pub before: Option<SettingValue>,
    pub after: Option<SettingValue>,
}

/// A decision-table row that differs; `None` where the side has no row for
/// the situation (the entry is missing, or lookup is skipped on one side).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleChange {
    pub situation: Situation,
    pub progress: Progress,
    pub before: Option<Outcome>,
    pub after: Option<Outcome>,
}

/// One entry that differs between the two sides.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryDiff {
    pub key: EntryKey,
    pub change: EntryChange,
    pub settings: Vec<SettingChange>,
    pub rules: Vec<RuleChange>,
    /// Into [`PolicyDiff::causes`], in order of first appearance.
    pub causes: Vec<CauseId>,
    /// Empty for added and removed entries.
    pub directions: Vec<Direction>,
}

/// What a change to a policy set does to callers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyDiff {
    pub crm: Change<Option<Crm>>,
    /// The `crm:` statements behind a changed CRM.
    pub crm_causes: Vec<CauseId>,
    /// In table order: the `after` table's, each removed entry after the
    /// entry that preceded it before.
    pub entries: Vec<EntryDiff>,
    /// Every cause, each once, in order of first appearance.
    pub causes: Vec<Cause>,
    /// How many leaf/channel entries each side has.
    pub entry_counts: Change<usize>,
}

impl PolicyDiff {
    /// Whether the two sets behave differently in any way.
    pub fn has_changes(&self) -> bool {
        self.crm.differs() || !self.entries.is_empty()
    }

    pub fn cause(&self, id: CauseId) -> Option<&Cause> {
        self.causes.get(id.0)
    }

    /// How many entries were added, removed and changed.
    pub fn counts(&self) -> Counts {
        let count = |change| self.entries.iter().filter(|entry| entry.change == change).count();
        Counts {
            added: count(EntryChange::Added),
            removed: count(EntryChange::Removed),
            changed: count(EntryChange::Changed),
        }
    }

    /// The changed entries grouped by their causes: entries with the same
    /// causes form one group, so one statement that changes many entries is
    /// shown once with all of them. Groups in table order of their first
    /// entry; entries no statement accounts for (none, while the sides are
    /// free of errors) form a group with no causes.
    pub fn groups(&self) -> Vec<(Vec<CauseId>, Vec<&EntryDiff>)> {
        let mut groups: Vec<(Vec<CauseId>, Vec<&EntryDiff>)> = Vec::new();
        let mut index: HashMap<Vec<CauseId>, usize> = HashMap::new();
        for entry in &self.entries {
            let mut key = entry.causes.clone();
            key.sort();
            let slot = *index.entry(key.clone()).or_insert_with(|| {
                groups.push((entry.causes.clone(), Vec::new()));
                groups.len() - 1
            });
            if let Some((_, entries)) = groups.get_mut(slot) {
                entries.push(entry);
            }
        }
        groups
    }
}

/// Entry counts by kind of change.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    pub added: usize,
    pub removed: usize,
    pub changed: usize,
}

/// Compares two policy sets. Both should be free of errors: with errors a
/// table is not a deliverable, and the comparison says little.
pub fn compare(before: &Side<'_>, after: &Side<'_>) -> PolicyDiff {
    let mut index = CauseIndex::new(before, after);
    let crm = Change {
        before: before.analysis.policy.crm(),
        after: after.analysis.policy.crm(),
    };
    let crm_causes = if crm.differs() { index.of_crm() } else { Vec::new() };
    let tables = Change {
        before: before.analysis.table(),
        after: after.analysis.table(),
    };
    let mut entries = Vec::new();
    for step in aligned(&tables) {
        let entry = match step {
            Aligned::Both(old, new) => changed_entry(&tables, old, new, before, after, &mut index),
            Aligned::Before(old) => one_sided_entry(&tables.before, before, old, EntryChange::Removed, &mut index),
            Aligned::After(new) => one_sided_entry(&tables.after, after, new, EntryChange::Added, &mut index),
        };
        entries.extend(entry);
    }
    let causes = index.into_causes();
    for entry in &mut entries {
        entry.causes.sort_by_key(|id| causes::reading_key(causes.get(id.0)));
    }
    PolicyDiff {
        crm,
        crm_causes,
        entries,
        causes,
        entry_counts: Change {
            before: tables.before.entries.len(),
            after: tables.after.entries.len(),
        },
    }
}

/// A step of the walk over both tables: an entry on both sides (by index on
/// each), or on one only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Aligned {
    Both(usize, usize),
    Before(usize),
    After(usize),
}

/// Both tables' entries in one order: the `after` table's, with each entry
/// only `before` has placed after the entry that preceded it there (or
/// first), so a removed queue shows where it used to be.
fn aligned(tables: &Change<DecisionTable>) -> Vec<Aligned> {
    let after_index: HashMap<(&[String], _), usize> = tables
        .after
        .entries
        .iter()
        .enumerate()
        .map(|(index, entry)| ((entry.queue.as_slice(), entry.channel), index))
        .collect();
    let mut leading_removed = Vec::new();
    let mut removed_after: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut matched: Vec<Option<usize>> = vec![None; tables.after.entries.len()];
    let mut anchor = None;
    for (old, entry) in tables.before.entries.iter().enumerate() {
        match after_index.get(&(entry.queue.as_slice(), entry.channel)) {
            Some(&new) => {
                if let Some(slot) = matched.get_mut(new) {
                    *slot = Some(old);
                }
                anchor = Some(new);
            }
            None => match anchor {
                Some(new) => removed_after.entry(new).or_default().push(old),
                None => leading_removed.push(old),
            },
        }
    }
    let mut steps: Vec<Aligned> = leading_removed.into_iter().map(Aligned::Before).collect();
    for (new, old) in matched.into_iter().enumerate() {
        steps.push(match old {
            Some(old) => Aligned::Both(old, new),
            None => Aligned::After(new),
        });
        if let Some(removed) = removed_after.remove(&new) {
            steps.extend(removed.into_iter().map(Aligned::Before));
        }
    }
    steps
}

/// The differences of an entry both sides have; `None` when there are none.
fn changed_entry(
    tables: &Change<DecisionTable>,
    old: usize,
    new: usize,
    before: &Side<'_>,
    after: &Side<'_>,
    causes: &mut CauseIndex<'_>,
) -> Option<EntryDiff> {
    let old_entry = tables.before.entries.get(old)?;
    let new_entry = tables.after.entries.get(new)?;
    if old_entry.settings == new_entry.settings && old_entry.rules == new_entry.rules {
        return None;
    }
    let (old_settings, new_settings) = (&before.entry(old)?.settings, &after.entry(new)?.settings);
    let settings: Vec<SettingChange> = SettingKey::ALL
        .into_iter()
        .filter_map(|key| {
            let (was, is) = (old_settings.get(key), new_settings.get(key));
            (was.value != is.value).then_some(SettingChange {
                key,
                before: Some(was.value),
                after: Some(is.value),
            })
        })
        .collect();
    let mut entry_causes = Vec::new();
    for setting in &settings {
        for cause in causes.of_setting(old, new, setting.key) {
            if !entry_causes.contains(&cause) {
                entry_causes.push(cause);
            }
        }
    }
    let rules = changed_rules(&old_entry.rules, &new_entry.rules);
    Some(EntryDiff {
        key: EntryKey {
            queue: new_entry.queue.clone(),
            channel: new_entry.channel,
        },
        change: EntryChange::Changed,
        directions: direction::of_rows(&old_entry.rules, &new_entry.rules, !settings.is_empty()),
        settings,
        rules,
        causes: entry_causes,
    })
}

/// The rows that differ, keyed by situation and progress: first in the
/// `before` table's order, then the rows only `after` has.
fn changed_rules(before: &[Outcome], after: &[Outcome]) -> Vec<RuleChange> {
    let key = |row: &Outcome| (row.situation, row.progress);
    let find = |rows: &[Outcome], wanted| rows.iter().find(|row| key(row) == wanted).copied();
    let mut keys: Vec<(Situation, Progress)> = before.iter().map(key).collect();
    for row in after {
        if !keys.contains(&key(row)) {
            keys.push(key(row));
        }
    }
    keys.into_iter()
        .filter_map(|(situation, progress)| {
            let wanted = (situation, progress);
            let (was, is) = (find(before, wanted), find(after, wanted));
            (was != is).then_some(RuleChange {
                situation,
                progress,
                before: was,
                after: is,
            })
        })
        .collect()
}

/// An entry only one side has: every setting and row, with nothing on the
/// other side.
fn one_sided_entry(
    table: &DecisionTable,
    side: &Side<'_>,
    index: usize,
    change: EntryChange,
    causes: &mut CauseIndex<'_>,
) -> Option<EntryDiff> {
    let entry = table.entries.get(index)?;
    let added = change == EntryChange::Added;
    let settings = side
        .entry(index)?
        .settings
        .iter()
        .map(|(key, effective)| {
            let (before, after) = on_one_side(effective.value, added);
            SettingChange { key, before, after }
        })
        .collect();
    let rules = entry
        .rules
        .iter()
        .map(|row| {
            let (before, after) = on_one_side(*row, added);
            RuleChange {
                situation: row.situation,
                progress: row.progress,
                before,
                after,
            }
        })
        .collect();
    Some(EntryDiff {
        key: EntryKey {
            queue: entry.queue.clone(),
            channel: entry.channel,
        },
        change,
        settings,
        rules,
        causes: causes.of_queue(&entry.queue, added),
        directions: Vec::new(),
    })
}

/// `(before, after)` for a value only one side has (`after`: the `after` side).
fn on_one_side<T>(value: T, after: bool) -> (Option<T>, Option<T>) {
    if after {
        (None, Some(value))
    } else {
        (Some(value), None)
    }
}
