//! Grouping leaf/channel entries by the statements that cause a finding, so
//! each cause is reported once, with the entries it affects as witnesses.

use super::CheckContext;
use rustc_hash::FxHashMap;
use std::hash::Hash;

/// How many affected entries a note names before "and N more".
const WITNESSES_SHOWN: usize = 3;

/// Entries grouped by cause, in order of each cause's first entry.
pub struct CauseGroups<K> {
    groups: Vec<(K, Vec<usize>)>,
    index: FxHashMap<K, usize>,
}

impl<K: Hash + Eq + Clone> CauseGroups<K> {
    pub fn new() -> Self {
        CauseGroups {
            groups: Vec::new(),
            index: FxHashMap::default(),
        }
    }

    /// Records that entry number `entry` shows the finding caused by `key`.
    pub fn add(&mut self, key: K, entry: usize) {
        let next = self.groups.len();
        let slot = *self.index.entry(key.clone()).or_insert(next);
        match self.groups.get_mut(slot) {
            Some((_, entries)) => entries.push(entry),
            None => self.groups.push((key, vec![entry])),
        }
    }

    pub fn into_groups(self) -> Vec<(K, Vec<usize>)> {
        self.groups
    }
}

/// "affects 2 of 8 leaf/channel entries: "Support" / "Billing" (call), ..."
/// Written into one string: a large policy has a note per finding, tens of
/// thousands of them.
pub fn affected_note(context: &CheckContext<'_>, entries: &[usize]) -> String {
    use std::fmt::Write;
    let total = context.policy.entries.len();
    let noun = if total == 1 { "entry" } else { "entries" };
    let mut note = String::with_capacity(128);
    // Writing to a String cannot fail.
    let _ = write!(note, "affects {} of {total} leaf/channel {noun}: ", entries.len());
    let shown = entries
        .iter()
        .take(WITNESSES_SHOWN)
        .filter_map(|&index| context.policy.entries.get(index));
    for (at, entry) in shown.enumerate() {
        if at > 0 {
            note.push_str(", ");
        }
        context.policy.push_display_path(&mut note, entry.queue);
        let _ = write!(note, " ({})", entry.channel);
    }
    if entries.len() > WITNESSES_SHOWN {
        let _ = write!(note, ", and {} more", entries.len() - WITNESSES_SHOWN);
    }
    note
}
