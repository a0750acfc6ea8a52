//! The oracle's rows and table: spec v1 §5/§8 and v2 §2/§3/§6 with the
//! decisions file, restated as plainly as possible. Shares no code with
//! crmpol.
//!
//! In: one entry's effective [`Combination`], its channel and the CRM.
//! Out: its rows ([`rows`]), its table entry as JSON ([`entry`]), the whole
//! table ([`table`]), what W0207 compares ([`Signature`]), and the same
//! table projected down to v1 ([`to_v1`]) or to its `engaged` rows.

use crate::model::{Channel, Combination, Mapping};
use serde_json::{Value, json};

/// The CRMs for which the vendor page says skipping works (v1 §6, E0104).
pub fn crm_supports_skipping(crm: &str) -> bool {
    matches!(crm, "salesforce" | "zendesk" | "servicenow" | "custom")
}

/// How many "Records" options the portal offers (v1 §7; v2 changes nothing).
pub fn records_options(c: &Combination) -> u8 {
    match (c.mapping, c.skip_record_creation, c.append, c.skip_account_lookup) {
        (Mapping::ActivityObject, _, _, _) => 1,
        (Mapping::CcaasSession, false, _, _) => 1,
        (Mapping::CcaasSession, true, true, _) => 1,
        (Mapping::CcaasSession, true, false, true) => 2,
        (Mapping::CcaasSession, true, false, false) => 3,
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub situation: &'static str,
    pub progress: &'static str,
    pub account: &'static str,
    pub record: &'static str,
    pub record_created_at: Option<&'static str>,
    pub attached_to: &'static str,
}

/// The lookup situations of v2 §2, in order. Reading: the recently closed
/// row needs an account found, so it never exists with the lookup skipped.
pub fn situations(c: &Combination) -> Vec<&'static str> {
    if c.skip_account_lookup {
        return vec!["not_looked_up"];
    }
    let mut situations = vec!["found_with_open_record"];
    if c.append && c.closed_within_days.is_some() {
        situations.push("found_with_recently_closed_record");
    }
    situations.extend(["found_without_open_record", "not_found"]);
    situations
}

/// The chat message delay where it decides something (v2 §2: only for chats
/// and only when record creation is not skipped).
fn message_delay(c: &Combination, channel: Channel) -> Option<u32> {
    match channel {
        Channel::Chat if !c.skip_record_creation => c.chat_delay,
        _ => None,
    }
}

pub fn progresses(c: &Combination, channel: Channel) -> Vec<&'static str> {
    if message_delay(c, channel).is_some() {
        vec!["engaged", "unengaged", "abandoned"]
    } else {
        vec!["engaged", "abandoned"]
    }
}

pub fn rows(c: &Combination, channel: Channel, crm: &str) -> Vec<Row> {
    let mut rows = Vec::new();
    for situation in situations(c) {
        for progress in progresses(c, channel) {
            rows.push(row(c, channel, crm, situation, progress));
        }
    }
    rows
}

fn row(c: &Combination, channel: Channel, crm: &str, situation: &'static str, progress: &'static str) -> Row {
    let account = if situation.starts_with("found_") {
        "use_existing"
    } else if !c.skip_account_creation {
        "create"
    } else {
        "none"
    };
    let call_delay = channel == Channel::Call && c.call_delay;
    let chat_delay = channel == Channel::Chat && c.chat_delay.is_some();
    // v2 §3, record, steps 3 and 4.
    let no_record_made = c.skip_record_creation
        || progress == "unengaged"
        || (progress == "abandoned" && (!c.abandoned || call_delay || chat_delay));
    let record = if c.append && situation == "found_with_open_record" {
        "append"
    } else if situation == "found_with_recently_closed_record" {
        "reopen"
    } else if no_record_made {
        "none"
    } else {
        "create"
    };
    let record_created_at = (record == "create").then_some(if call_delay {
        "agent_connected"
    } else if chat_delay {
        "consumer_messages"
    } else {
        "assignment"
    });
    let account_gets_data = account != "none" && (crm != "servicenow" || c.push);
    let attached_to = if record != "none" {
        "record"
    } else if account_gets_data {
        "account"
    } else {
        "none"
    };
    Row {
        situation,
        progress,
        account,
        record,
        record_created_at,
        attached_to,
    }
}

/// What W0207 compares between a setting and its replacement: the rows, plus
/// the window behind a recently-closed row and the message count behind an
/// unengaged row or `record_created_at: consumer_messages`.
#[derive(Debug, PartialEq, Eq)]
pub struct Signature {
    rows: Vec<Row>,
    window: Option<u32>,
    messages: Option<u32>,
}

pub fn signature(c: &Combination, channel: Channel, crm: &str) -> Signature {
    let rows = rows(c, channel, crm);
    let window = rows
        .iter()
        .any(|r| r.situation == "found_with_recently_closed_record")
        .then_some(c.closed_within_days)
        .flatten();
    let messages = rows
        .iter()
        .any(|r| r.progress == "unengaged" || r.record_created_at == Some("consumer_messages"))
        .then_some(c.chat_delay)
        .flatten();
    Signature { rows, window, messages }
}

fn session_data(c: &Combination) -> &'static str {
    match c.mapping {
        Mapping::ActivityObject => "activity_object",
        Mapping::CcaasSession => "ccaas_session",
    }
}

/// One table entry in the v2 shape (decisions file).
pub fn entry(queue: &[&str], channel: Channel, c: &Combination, crm: &str) -> Value {
    let rules: Vec<Value> = rows(c, channel, crm)
        .into_iter()
        .map(|row| {
            json!({
                "situation": row.situation,
                "progress": row.progress,
                "account": row.account,
                "record": row.record,
                "record_created_at": row.record_created_at,
                "session_data": session_data(c),
                "attached_to": row.attached_to,
            })
        })
        .collect();
    let call_delay = match channel {
        Channel::Call => json!(c.call_delay),
        Channel::Chat => Value::Null,
    };
    let chat_delay = match channel {
        Channel::Call => Value::Null,
        Channel::Chat => json!(c.chat_delay),
    };
    json!({
        "queue": queue,
        "channel": channel.name(),
        "settings": {
            "map_session_data_to": session_data(c),
            "skip_account_creation": c.skip_account_creation,
            "skip_record_creation": c.skip_record_creation,
            "skip_account_lookup": c.skip_account_lookup,
            "append_to_latest_open_record": c.append,
            "records": c.records,
            "append_to_closed_records_within_days": c.closed_within_days,
            "delay_call_record_creation_until_connected": call_delay,
            "delay_chat_record_creation_until_consumer_messages": chat_delay,
            "create_records_for_abandoned_sessions": c.abandoned,
            "push_session_data_to_account": c.push,
        },
        "rules": rules,
    })
}

pub fn table(crm: &str, entries: Vec<Value>) -> Value {
    json!({ "format_version": 2, "crm": crm, "entries": entries })
}

const V2_SETTINGS: [&str; 5] = [
    "append_to_closed_records_within_days",
    "delay_call_record_creation_until_connected",
    "delay_chat_record_creation_until_consumer_messages",
    "create_records_for_abandoned_sessions",
    "push_session_data_to_account",
];

/// Keeps only the `engaged` rows of every entry.
pub fn engaged_only(table: &Value) -> Value {
    let mut table = table.clone();
    if let Some(entries) = table["entries"].as_array_mut() {
        for entry in entries {
            if let Some(rules) = entry["rules"].as_array_mut() {
                rules.retain(|rule| rule["progress"] == "engaged");
            }
        }
    }
    table
}

/// A v2 table of a policy whose v2 settings are all at their defaults, as v1
/// gave it (v2 §3): `engaged` rows only, without `progress`,
/// `record_created_at` and the five new settings, format_version 1, and
/// ServiceNow data on the account when no record is made (v1 did not model
/// the push option).
pub fn to_v1(table: &Value) -> Value {
    let mut table = engaged_only(table);
    let servicenow = table["crm"] == "servicenow";
    table["format_version"] = json!(1);
    if let Some(entries) = table["entries"].as_array_mut() {
        for entry in entries {
            if let Some(settings) = entry["settings"].as_object_mut() {
                for key in V2_SETTINGS {
                    settings.remove(key);
                }
            }
            for rule in entry["rules"].as_array_mut().into_iter().flatten() {
                let rule = rule.as_object_mut().expect("a rule is an object");
                rule.remove("progress");
                rule.remove("record_created_at");
                if servicenow && rule["record"] == "none" && rule["account"] != "none" {
                    rule.insert("attached_to".into(), json!("account"));
                }
            }
        }
    }
    table
}
