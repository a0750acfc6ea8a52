//! A comparison's pieces in words, shared by the formats for people.
//!
//! In: parts of a [`super::PolicyDiff`]. Out: plain text (no colour, no
//! Markdown): an entry's name, a setting's before → after, a row's changed
//! fields, a group's effect. Each format escapes and decorates it.

use super::causes::{Cause, CauseKind, TOP_LEVEL};
use super::{EntryChange, EntryDiff, RuleChange, SettingChange};
use crate::emit::{created_at_words, words};
use crate::resolve::{EntryKey, quote_name};
use crate::vendor::{Outcome, Progress};

/// `"Support" / "Billing" (call)`, names as the language writes them.
pub fn entry_name(key: &EntryKey) -> String {
    let path: Vec<String> = key
        .queue
        .iter()
        .map(|name| crate::text::quoted(&quote_name(name)).into_owned())
        .collect();
    format!("{} ({})", path.join(" / "), key.channel)
}

/// `skip record creation: no → yes`; for an entry one side lacks, the value
/// it has.
pub fn setting_change(setting: &SettingChange) -> String {
    match (setting.before, setting.after) {
        (Some(before), Some(after)) => format!("{}: {before} → {after}", setting.key),
        (None, Some(value)) | (Some(value), None) => format!("{}: {value}", setting.key),
        (None, None) => setting.key.to_string(),
    }
}

/// `not found: record create → none, attached to record → account`; a row
/// only one side has lists its fields, marked as new or gone when the entry
/// itself is on both sides.
pub fn rule_change(rule: &RuleChange, entry_change: EntryChange) -> String {
    let situation = match rule.progress {
        Progress::Engaged => words(rule.situation),
        progress => format!("{} ({})", words(rule.situation), words(progress)),
    };
    match (rule.before, rule.after) {
        (Some(before), Some(after)) => {
            // When a record is no longer (or now) created, when it would be
            // created says nothing more.
            let record_changed = before.record != after.record;
            let fields: Vec<String> = fields(&before)
                .into_iter()
                .zip(fields(&after))
                .filter(|(was, is)| was.1 != is.1 && !(record_changed && was.0 == CREATED_AT))
                .map(|((name, was), (_, is))| format!("{name} {was} → {is}"))
                .collect();
            format!("{situation}: {}", fields.join(", "))
        }
        (None, Some(row)) | (Some(row), None) => {
            // An added or removed entry says where its session data goes
            // once, above its rows.
            let one_sided = entry_change != EntryChange::Changed;
            let listed: Vec<String> = fields(&row)
                .into_iter()
                .filter(|(name, _)| !(one_sided && *name == SESSION_DATA))
                .filter(|(name, value)| !(*name == CREATED_AT && (value == "assignment" || value == "—")))
                .map(|(name, value)| format!("{name} {value}"))
                .collect();
            let mark = match (entry_change, rule.before.is_none()) {
                (EntryChange::Changed, true) => " (a situation it did not meet before)",
                (EntryChange::Changed, false) => " (a situation it no longer meets)",
                _ => "",
            };
            format!("{situation}{mark}: {}", listed.join(", "))
        }
        (None, None) => situation,
    }
}

const SESSION_DATA: &str = "session data";
/// Shown only where it is not the platform's default, `assignment`.
const CREATED_AT: &str = "created at";

/// A row's fields in words, in the table's order.
fn fields(row: &Outcome) -> [(&'static str, String); 5] {
    [
        ("account", words(row.account)),
        ("record", words(row.record)),
        (CREATED_AT, created_at_words(row.record_created_at)),
        (SESSION_DATA, words(row.session_data)),
        ("attached to", words(row.attached_to)),
    ]
}

/// The lines that describe one entry's change: its settings, then its rows
/// (an added or removed entry: its rows only, which say what it does).
pub fn entry_lines(entry: &EntryDiff) -> Vec<String> {
    let mut lines = Vec::new();
    if entry.change == EntryChange::Changed {
        lines.extend(entry.settings.iter().map(setting_change));
    } else if let Some(row) = entry.rules.first().and_then(|rule| rule.before.or(rule.after)) {
        lines.push(format!("{SESSION_DATA} to {}", words(row.session_data)));
    }
    lines.extend(entry.rules.iter().map(|rule| rule_change(rule, entry.change)));
    lines
}

/// `changes 8 entries: 8 create fewer records; adds 2 entries`: what a
/// group of entries with one cause shows.
pub fn effect(entries: &[&EntryDiff]) -> String {
    let mut parts = Vec::new();
    let changed: Vec<&&EntryDiff> = entries
        .iter()
        .filter(|entry| entry.change == EntryChange::Changed)
        .collect();
    if !changed.is_empty() {
        let tally = super::direction::tally(changed.iter().map(|entry| **entry));
        parts.push(format!("changes {}: {tally}", entries_count(changed.len())));
    }
    for (change, verb) in [(EntryChange::Added, "adds"), (EntryChange::Removed, "removes")] {
        let count = entries.iter().filter(|entry| entry.change == change).count();
        if count > 0 {
            parts.push(format!("{verb} {}", entries_count(count)));
        }
    }
    parts.join("; ")
}

/// `1 entry`, `3 entries`.
pub fn entries_count(count: usize) -> String {
    format!("{count} {}", if count == 1 { "entry" } else { "entries" })
}

/// `changed in defaults`, `added in "Support"`, `added at the top level`.
pub fn cause_heading(cause: &Cause) -> String {
    let top = cause.subject == TOP_LEVEL;
    match cause.kind {
        CauseKind::Added if top => format!("added at {}", cause.subject),
        CauseKind::Added => format!("added in {}", cause.subject),
        CauseKind::Removed => format!("removed from {}", cause.subject),
        CauseKind::Changed => format!("changed in {}", cause.subject),
    }
}

/// `salesforce → zendesk`; `none` for a side without a CRM.
pub fn crm_change(crm: &super::Change<Option<crate::vocabulary::Crm>>) -> String {
    format!("{} → {}", crm_name(crm.before), crm_name(crm.after))
}

/// A CRM's keyword, `none` without one.
pub fn crm_name(crm: Option<crate::vocabulary::Crm>) -> &'static str {
    crm.map_or("none", |crm| crm.keyword())
}

/// How many of `count` entries to list when at most `max` are (0: all).
pub fn witnesses_shown(max: usize, count: usize) -> usize {
    if max == 0 { count } else { max.min(count) }
}

/// `5 more entries`, `1 more entry`.
pub fn more_entries(count: usize) -> String {
    format!("{count} more {}", if count == 1 { "entry" } else { "entries" })
}

/// The sign of a change: `+` added, `-` removed, `~` changed.
pub fn sign(kind: CauseKind) -> char {
    match kind {
        CauseKind::Added => '+',
        CauseKind::Removed => '-',
        CauseKind::Changed => '~',
    }
}

/// The sign of an entry's change.
pub fn entry_sign(change: EntryChange) -> char {
    match change {
        EntryChange::Added => '+',
        EntryChange::Removed => '-',
        EntryChange::Changed => '~',
    }
}
