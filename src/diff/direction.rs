//! What a changed entry now does differently, in the operator's terms.
//!
//! In: an entry's decision-table rows before and after. Out: its
//! [`Direction`]s (creates fewer records, stops appending, sessions reach
//! nothing, ...), and the one-line summary of a whole comparison.
//!
//! Rows are compared per caller, not per row: a caller either has an account
//! with an open record in the leaf queue, an account without one, or no
//! account. With lookup on, each meets the row of that situation; with
//! lookup skipped, all of them meet the one `not_looked_up` row. So skipping
//! lookup, which turns three rows into one, reads as what it does to each
//! caller (an existing caller now gets a new account). A caller whose
//! record in the queue was closed recently meets the window's row where
//! there is one, else that of an account without an open record. Each
//! caller is followed at each progress, a session that got less far
//! meeting the `engaged` row where its side has no row of its own.

use super::{EntryChange, EntryDiff, PolicyDiff};
use crate::vendor::{AccountAction, Attachment, Outcome, Progress, RecordAction, Situation};

/// One way an entry's behaviour changed, as a reviewer asks about it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Some caller who got a new record no longer does.
    FewerRecords,
    /// Some caller gets a new record who did not.
    MoreRecords,
    FewerAccounts,
    MoreAccounts,
    /// A caller with an account no longer has it used (lookup skipped).
    StopsUsingAccounts,
    /// A caller with an account has it used again.
    StartsUsingAccounts,
    StartsAppending,
    StopsAppending,
    /// Some caller's session now reaches no record and no account.
    ReachesNothing,
    /// Some caller's session reached nothing and now reaches a record or account.
    ReachesSomething,
    /// Session data goes to another object.
    MovesSessionData,
    /// The settings differ, every caller's outcome is the same (the
    /// "Records" option, say).
    SettingsOnly,
}

impl Direction {
    /// For a summary: the words after a count, singular and plural.
    pub fn words(self, count: usize) -> &'static str {
        let one = count == 1;
        match self {
            Direction::FewerRecords if one => "creates fewer records",
            Direction::FewerRecords => "create fewer records",
            Direction::MoreRecords if one => "creates more records",
            Direction::MoreRecords => "create more records",
            Direction::FewerAccounts if one => "creates fewer accounts",
            Direction::FewerAccounts => "create fewer accounts",
            Direction::MoreAccounts if one => "creates more accounts",
            Direction::MoreAccounts => "create more accounts",
            Direction::StopsUsingAccounts if one => "no longer uses callers' existing accounts",
            Direction::StopsUsingAccounts => "no longer use callers' existing accounts",
            Direction::StartsUsingAccounts if one => "starts using callers' existing accounts",
            Direction::StartsUsingAccounts => "start using callers' existing accounts",
            Direction::StartsAppending if one => "starts appending",
            Direction::StartsAppending => "start appending",
            Direction::StopsAppending if one => "stops appending",
            Direction::StopsAppending => "stop appending",
            Direction::ReachesNothing if one => "leaves sessions with no record and no account",
            Direction::ReachesNothing => "leave sessions with no record and no account",
            Direction::ReachesSomething if one => "no longer leaves sessions with nothing",
            Direction::ReachesSomething => "no longer leave sessions with nothing",
            Direction::MovesSessionData if one => "maps session data elsewhere",
            Direction::MovesSessionData => "map session data elsewhere",
            Direction::SettingsOnly if one => "changes settings only",
            Direction::SettingsOnly => "change settings only",
        }
    }
}

/// The kinds of caller, as the situations they meet with lookup on.
const CALLERS: [Situation; 4] = [
    Situation::FoundWithOpenRecord,
    Situation::FoundWithRecentlyClosedRecord,
    Situation::FoundWithoutOpenRecord,
    Situation::NotFound,
];

/// The row a kind of caller meets at a progress: its situation's, or the
/// one situation of a leaf that skips lookup.
fn row_for(rows: &[Outcome], caller: Situation, progress: Progress) -> Option<&Outcome> {
    let at = |situation: Situation, progress: Progress| {
        rows.iter()
            .find(move |row| row.situation == situation && row.progress == progress)
    };
    let met = |progress| {
        at(Situation::NotLookedUp, progress)
            .or_else(|| at(caller, progress))
            .or_else(|| {
                (caller == Situation::FoundWithRecentlyClosedRecord)
                    .then(|| at(Situation::FoundWithoutOpenRecord, progress))
                    .flatten()
            })
    };
    // Without the message delay a chat with few consumer messages is simply
    // engaged.
    met(progress).or_else(|| {
        (progress == Progress::Unengaged)
            .then(|| met(Progress::Engaged))
            .flatten()
    })
}

/// The directions of one changed entry, in [`Direction`]'s order.
/// `settings_differ`: whether any setting changed (rows can only change
/// with them).
pub fn of_rows(before: &[Outcome], after: &[Outcome], settings_differ: bool) -> Vec<Direction> {
    let mut directions = Vec::new();
    let mut note = |happened: bool, direction| {
        if happened && !directions.contains(&direction) {
            directions.push(direction);
        }
    };
    let met = CALLERS.into_iter().flat_map(|caller| {
        [Progress::Engaged, Progress::Unengaged, Progress::Abandoned]
            .into_iter()
            .map(move |progress| (caller, progress))
    });
    for (caller, progress) in met {
        let (Some(was), Some(is)) = (row_for(before, caller, progress), row_for(after, caller, progress)) else {
            continue;
        };
        let created = |row: &Outcome| row.record == RecordAction::Create;
        let account = |row: &Outcome| row.account == AccountAction::Create;
        let uses = |row: &Outcome| row.account == AccountAction::UseExisting;
        let appends = |row: &Outcome| matches!(row.record, RecordAction::Append | RecordAction::Reopen);
        let nothing = |row: &Outcome| row.attached_to == Attachment::None;
        note(created(was) && !created(is), Direction::FewerRecords);
        note(!created(was) && created(is), Direction::MoreRecords);
        note(account(was) && !account(is), Direction::FewerAccounts);
        note(!account(was) && account(is), Direction::MoreAccounts);
        note(uses(was) && !uses(is), Direction::StopsUsingAccounts);
        note(!uses(was) && uses(is), Direction::StartsUsingAccounts);
        note(!appends(was) && appends(is), Direction::StartsAppending);
        note(appends(was) && !appends(is), Direction::StopsAppending);
        note(!nothing(was) && nothing(is), Direction::ReachesNothing);
        note(nothing(was) && !nothing(is), Direction::ReachesSomething);
        note(was.session_data != is.session_data, Direction::MovesSessionData);
    }
    if directions.is_empty() && settings_differ {
        directions.push(Direction::SettingsOnly);
    }
    directions.sort();
    directions
}

/// "3 entries change: 2 create fewer records, 1 stops appending; 1 leaf
/// queue added; the CRM changes from zendesk to salesforce", or "no
/// changes".
pub fn summary_line(diff: &PolicyDiff) -> String {
    let mut parts = Vec::new();
    let changed: Vec<_> = diff
        .entries
        .iter()
        .filter(|entry| entry.change == EntryChange::Changed)
        .collect();
    if !changed.is_empty() {
        let verb = if changed.len() == 1 {
            "entry changes"
        } else {
            "entries change"
        };
        parts.push(format!("{} {verb}: {}", changed.len(), tally(changed.iter().copied())));
    }
    for (change, word) in [(EntryChange::Added, "added"), (EntryChange::Removed, "removed")] {
        let (queues, entries) = queues_and_entries(diff, change);
        if queues > 0 {
            let noun = if queues == 1 { "leaf queue" } else { "leaf queues" };
            let entry_noun = if entries == 1 { "entry" } else { "entries" };
            parts.push(format!("{queues} {noun} {word} ({entries} {entry_noun})"));
        }
    }
    if diff.crm.differs() {
        let (before, after) = (
            super::words::crm_name(diff.crm.before),
            super::words::crm_name(diff.crm.after),
        );
        parts.push(format!("the CRM changes from {before} to {after}"));
    }
    if parts.is_empty() {
        let entries = diff.entry_counts.after;
        let noun = if entries == 1 { "entry" } else { "entries" };
        return format!("No changes: both policy sets behave the same ({entries} leaf/channel {noun} compared).");
    }
    let line = parts.join("; ");
    let mut chars = line.chars();
    let first = chars
        .next()
        .map(|first| first.to_uppercase().collect::<String>())
        .unwrap_or_default();
    format!("{first}{}.", chars.as_str())
}

/// "2 create fewer records, 1 stops appending": how many of the entries
/// go each way, in [`Direction`]'s order.
pub fn tally<'a>(entries: impl IntoIterator<Item = &'a EntryDiff>) -> String {
    let mut counts: Vec<(Direction, usize)> = Vec::new();
    for direction in entries.into_iter().flat_map(|entry| entry.directions.iter()) {
        match counts.iter_mut().find(|(seen, _)| seen == direction) {
            Some((_, count)) => *count += 1,
            None => counts.push((*direction, 1)),
        }
    }
    counts.sort();
    counts
        .iter()
        .map(|(direction, count)| format!("{count} {}", direction.words(*count)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// How many distinct leaf queues, and entries, were added (or removed).
fn queues_and_entries(diff: &PolicyDiff, change: EntryChange) -> (usize, usize) {
    let mut queues: std::collections::HashSet<&[String]> = std::collections::HashSet::new();
    let mut entries = 0;
    for entry in diff.entries.iter().filter(|entry| entry.change == change) {
        entries += 1;
        queues.insert(&entry.key.queue);
    }
    (queues.len(), entries)
}
