//! A comparison as JSON, for tools (`crmpol diff --format json`).
//!
//! In: a [`PolicyDiff`]. Out: one JSON document whose shape docs/cli.md
//! documents, with `format_version` as the compatibility promise: fields may
//! be added within a version, never renamed, removed or given another
//! meaning. Setting names and values are spelt as in the decision table's
//! own JSON (`crmpol compile --format json`), so a tool can read both.

use super::causes::{Cause, CauseId, CauseKind, Place};
use super::direction::Direction;
use super::{Counts, EntryChange, EntryDiff, PolicyDiff};
use crate::settings::{SessionDataTarget, SettingValue};
use crate::vendor::{AccountAction, Attachment, Outcome, Progress, RecordAction, RecordCreatedAt, Situation};
use crate::vocabulary::{Channel, Crm};
use serde::Serialize;

/// The version of the shape below; bumped on any incompatible change.
pub const FORMAT_VERSION: u32 = 2;

#[derive(Serialize)]
struct Document<'a> {
    format_version: u32,
    crm: CrmChange,
    entries: Vec<Entry<'a>>,
    summary: Counts,
}

#[derive(Serialize)]
struct CrmChange {
    before: Option<Crm>,
    after: Option<Crm>,
    /// Empty unless the CRM changed.
    causes: Vec<CauseObject>,
}

#[derive(Serialize)]
struct Entry<'a> {
    queue: &'a [String],
    channel: Channel,
    change: EntryChange,
    /// Keyed by the table's field names, in the table's order; only
    /// settings that differ.
    settings: Ordered<ValueChange>,
    rules: Vec<Rule>,
    causes: Vec<CauseObject>,
    direction: &'a [Direction],
}

/// A JSON object whose keys keep their order.
struct Ordered<T>(Vec<(String, T)>);

impl<T: Serialize> Serialize for Ordered<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

#[derive(Serialize)]
struct ValueChange {
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
}

#[derive(Serialize)]
struct Rule {
    situation: Situation,
    progress: Progress,
    before: Option<Row>,
    after: Option<Row>,
}

/// A table row without its situation, which the rule already names.
#[derive(Serialize)]
struct Row {
    account: AccountAction,
    record: RecordAction,
    record_created_at: Option<RecordCreatedAt>,
    session_data: SessionDataTarget,
    attached_to: Attachment,
}

/// One statement on one side; a changed statement gives two, `before`
/// first.
#[derive(Serialize)]
struct CauseObject {
    side: &'static str,
    change: CauseKind,
    /// Where the statement belongs: `defaults`, a queue path as the language
    /// writes it, with `, call block` or `, chat block` for a channel block.
    owner: String,
    file: String,
    line: usize,
    statement: String,
}

/// The comparison as pretty-printed JSON, with a final newline.
pub fn render(diff: &PolicyDiff) -> String {
    let document = Document {
        format_version: FORMAT_VERSION,
        crm: CrmChange {
            before: diff.crm.before,
            after: diff.crm.after,
            causes: cause_objects(diff, &diff.crm_causes),
        },
        entries: diff.entries.iter().map(|entry| entry_object(diff, entry)).collect(),
        summary: diff.counts(),
    };
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}

fn entry_object<'a>(diff: &PolicyDiff, entry: &'a EntryDiff) -> Entry<'a> {
    let settings = entry
        .settings
        .iter()
        .map(|setting| {
            let change = ValueChange {
                before: setting.before.map(table_value),
                after: setting.after.map(table_value),
            };
            (setting.key.spec().table_field.to_owned(), change)
        })
        .collect();
    Entry {
        queue: &entry.key.queue,
        channel: entry.key.channel,
        change: entry.change,
        settings: Ordered(settings),
        rules: entry
            .rules
            .iter()
            .map(|rule| Rule {
                situation: rule.situation,
                progress: rule.progress,
                before: rule.before.map(row),
                after: rule.after.map(row),
            })
            .collect(),
        causes: cause_objects(diff, &entry.causes),
        direction: &entry.directions,
    }
}

/// A setting's value as the table's JSON writes it.
fn table_value(value: SettingValue) -> serde_json::Value {
    serde_json::to_value(value.table_value()).unwrap_or_default()
}

fn row(outcome: Outcome) -> Row {
    Row {
        account: outcome.account,
        record: outcome.record,
        record_created_at: outcome.record_created_at,
        session_data: outcome.session_data,
        attached_to: outcome.attached_to,
    }
}

fn cause_objects(diff: &PolicyDiff, ids: &[CauseId]) -> Vec<CauseObject> {
    ids.iter()
        .filter_map(|&id| diff.cause(id))
        .flat_map(|cause| {
            let object = |side, place: &Option<Place>| place.as_ref().map(|place| side_object(cause, side, place));
            [object("before", &cause.before), object("after", &cause.after)]
        })
        .flatten()
        .collect()
}

fn side_object(cause: &Cause, side: &'static str, place: &Place) -> CauseObject {
    CauseObject {
        side,
        change: cause.kind,
        owner: cause.subject.clone(),
        file: place.file.clone(),
        line: place.line,
        statement: place.statement.clone(),
    }
}
