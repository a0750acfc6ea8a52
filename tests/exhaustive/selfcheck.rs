//! The oracle against rows and diagnostics worked out by hand from the spec
//! (v2 §2-§4) and the decisions file, so that a slip in the oracle cannot
//! agree unseen with the same slip in crmpol.
//!
//! In: hand-written combinations and policies. Out: assertions on the
//! oracle's rows, codes and counts; no crmpol call.

use std::collections::BTreeMap;

use crate::checks::{self, Count};
use crate::model::{Channel, Combination, Mapping, Setting, Value};
use crate::oracle;
use crate::placement::Placement;
use crate::policy::{Block, Policy, Scope};

type Brief = (
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static str,
);

/// (situation, progress, record, record_created_at, attached_to) per row.
fn brief(c: &Combination, channel: Channel, crm: &str) -> Vec<Brief> {
    oracle::rows(c, channel, crm)
        .into_iter()
        .map(|r| (r.situation, r.progress, r.record, r.record_created_at, r.attached_to))
        .collect()
}

fn codes(policy: &Policy) -> BTreeMap<&'static str, Count> {
    checks::expect(policy).counts
}

fn in_queue(c: Combination, crm: &'static str) -> BTreeMap<&'static str, Count> {
    codes(&Placement::InQueue.policy(&c, crm, false, false))
}

fn exactly(pairs: &[(&'static str, usize)]) -> BTreeMap<&'static str, Count> {
    pairs.iter().map(|&(code, n)| (code, Count::Exactly(n))).collect()
}

const B: Combination = Combination::BUILT_IN;
const CREATE: Option<&str> = Some("assignment");

#[test]
fn reopen_row() {
    let c = Combination {
        append: true,
        closed_within_days: Some(30),
        ..B
    };
    assert_eq!(
        brief(&c, Channel::Call, "salesforce"),
        [
            ("found_with_open_record", "engaged", "append", None, "record"),
            ("found_with_open_record", "abandoned", "append", None, "record"),
            ("found_with_recently_closed_record", "engaged", "reopen", None, "record"),
            (
                "found_with_recently_closed_record",
                "abandoned",
                "reopen",
                None,
                "record"
            ),
            ("found_without_open_record", "engaged", "create", CREATE, "record"),
            ("found_without_open_record", "abandoned", "create", CREATE, "record"),
            ("not_found", "engaged", "create", CREATE, "record"),
            ("not_found", "abandoned", "create", CREATE, "record"),
        ]
    );
    assert!(in_queue(c, "salesforce").is_empty());
    // Without append the window decides nothing: no such row, W0207.
    let c = Combination { append: false, ..c };
    assert_eq!(
        oracle::situations(&c),
        ["found_with_open_record", "found_without_open_record", "not_found"]
    );
    assert_eq!(in_queue(c, "salesforce"), exactly(&[("W0207", 1)]));
}

#[test]
fn call_delay_abandoned_row_gets_no_record() {
    let c = Combination { call_delay: true, ..B };
    let connected = Some("agent_connected");
    assert_eq!(
        brief(&c, Channel::Call, "hubspot"),
        [
            ("found_with_open_record", "engaged", "create", connected, "record"),
            ("found_with_open_record", "abandoned", "none", None, "account"),
            ("found_without_open_record", "engaged", "create", connected, "record"),
            ("found_without_open_record", "abandoned", "none", None, "account"),
            ("not_found", "engaged", "create", connected, "record"),
            ("not_found", "abandoned", "none", None, "account"),
        ]
    );
    // The call delay decides nothing for chats.
    assert!(
        brief(&c, Channel::Chat, "hubspot")
            .iter()
            .all(|r| r.2 == "create" && r.3 == CREATE)
    );
    assert!(in_queue(c, "hubspot").is_empty());
}

#[test]
fn chat_delay_unengaged_row() {
    let c = Combination {
        chat_delay: Some(3),
        skip_account_creation: true,
        skip_account_lookup: true,
        ..B
    };
    let messages = Some("consumer_messages");
    assert_eq!(
        brief(&c, Channel::Chat, "salesforce"),
        [
            ("not_looked_up", "engaged", "create", messages, "record"),
            ("not_looked_up", "unengaged", "none", None, "none"),
            ("not_looked_up", "abandoned", "none", None, "none"),
        ]
    );
    assert_eq!(oracle::progresses(&c, Channel::Call), ["engaged", "abandoned"]);
    let skipped = Combination {
        skip_record_creation: true,
        ..c
    };
    assert_eq!(oracle::progresses(&skipped, Channel::Chat), ["engaged", "abandoned"]);
    // With record creation skipped the delay has no effect.
    let codes = in_queue(skipped, "salesforce");
    assert_eq!(codes.get("W0207"), Some(&Count::Exactly(1)));
}

#[test]
fn abandoned_off() {
    let c = Combination { abandoned: false, ..B };
    let rows = brief(&c, Channel::Chat, "zendesk");
    assert_eq!(
        rows[1],
        ("found_with_open_record", "abandoned", "none", None, "account")
    );
    assert_eq!(rows[5], ("not_found", "abandoned", "none", None, "account"));
    assert!(rows.iter().filter(|r| r.1 == "engaged").all(|r| r.2 == "create"));
    assert!(in_queue(c, "zendesk").is_empty());
    // Record creation skipped: abandoned rows get no record anyway.
    let moot = Combination {
        skip_record_creation: true,
        ..c
    };
    assert_eq!(in_queue(moot, "zendesk"), exactly(&[("W0207", 1)]));
    // Both delays on: no abandoned row gets a record anyway.
    let delayed = Combination {
        call_delay: true,
        chat_delay: Some(1),
        ..c
    };
    assert_eq!(in_queue(delayed, "custom"), exactly(&[("W0207", 1)]));
}

#[test]
fn servicenow_with_and_without_push() {
    let c = Combination {
        skip_record_creation: true,
        ..B
    };
    let without = brief(&c, Channel::Call, "servicenow");
    assert!(without.iter().all(|r| r.2 == "none" && r.4 == "none"));
    assert_eq!(in_queue(c, "servicenow").get("W0203"), Some(&Count::AtLeastOne));
    let pushed = Combination { push: true, ..c };
    assert!(
        brief(&pushed, Channel::Call, "servicenow")
            .iter()
            .all(|r| r.4 == "account")
    );
    assert!(in_queue(pushed, "servicenow").is_empty());
    // Other CRMs: the account gets the data without any push option.
    assert!(brief(&c, Channel::Call, "salesforce").iter().all(|r| r.4 == "account"));
    // Push where every row has a record, or no account exists: W0207.
    let all_records = Combination { push: true, ..B };
    assert_eq!(in_queue(all_records, "servicenow"), exactly(&[("W0207", 1)]));
    let no_account = Combination {
        skip_account_creation: true,
        skip_account_lookup: true,
        ..pushed
    };
    let codes = in_queue(no_account, "servicenow");
    assert_eq!(codes.get("W0207"), Some(&Count::Exactly(1)));
    assert_eq!(codes.get("W0203"), Some(&Count::AtLeastOne));
    // v1 gave ServiceNow's data to the account when no record is made.
    let v2 = oracle::table(
        "servicenow",
        vec![oracle::entry(&["Q"], Channel::Call, &c, "servicenow")],
    );
    let v1 = oracle::to_v1(&v2);
    assert_eq!(v1["format_version"], 1);
    assert_eq!(v1["entries"][0]["rules"].as_array().map(Vec::len), Some(3));
    assert_eq!(v1["entries"][0]["rules"][2]["attached_to"], "account");
    assert!(
        v1["entries"][0]["settings"]
            .get("push_session_data_to_account")
            .is_none()
    );
}

#[test]
fn w0208_abandoned_yes_with_call_delay() {
    let c = Combination { call_delay: true, ..B };
    // AllInDefaults states `create records for abandoned sessions: yes`.
    let policy = Placement::AllInDefaults.policy(&c, "salesforce", false, false);
    assert_eq!(codes(&policy), exactly(&[("W0208", 1)]));
    // Record creation skipped: still W0208, and no W0207 on the delay.
    let skipped = Combination {
        skip_record_creation: true,
        ..c
    };
    let policy = Placement::AllInDefaults.policy(&skipped, "salesforce", false, false);
    assert_eq!(codes(&policy), exactly(&[("W0208", 1)]));
    // Not stated: no W0208; the delay alone then is W0207.
    assert_eq!(in_queue(skipped, "salesforce"), exactly(&[("W0207", 1)]));
}

#[test]
fn w0209_zendesk_skips_both() {
    let c = Combination {
        skip_account_creation: true,
        skip_record_creation: true,
        ..B
    };
    let codes = in_queue(c, "zendesk");
    assert_eq!(codes.get("W0209"), Some(&Count::Exactly(1)));
    assert_eq!(codes.get("W0203"), Some(&Count::AtLeastOne));
    assert!(!in_queue(c, "salesforce").contains_key("W0209"));
}

#[test]
fn e0105_misplaced_channel_setting() {
    let c = Combination {
        call_delay: true,
        chat_delay: Some(3),
        ..B
    };
    let policy = Placement::Misplaced.policy(&c, "salesforce", false, false);
    assert!(
        policy
            .text()
            .contains("chat {\n        delay call record creation until connected: yes")
    );
    assert_eq!(codes(&policy), exactly(&[("E0105", 2)]));
    // The misplaced statements take effect nowhere.
    let expected = checks::expect(&policy);
    assert_eq!(
        expected.table()["entries"][0]["settings"]["delay_call_record_creation_until_connected"],
        false
    );
    assert_eq!(
        expected.table()["entries"][1]["settings"]["delay_chat_record_creation_until_consumer_messages"],
        serde_json::Value::Null
    );
}

#[test]
fn e0106_push_without_servicenow() {
    let c = Combination { push: true, ..B };
    assert_eq!(in_queue(c, "salesforce"), exactly(&[("E0106", 1)]));
    assert_eq!(in_queue(c, "hubspot"), exactly(&[("E0106", 1)]));
    let mapped = Combination {
        mapping: Mapping::CcaasSession,
        ..c
    };
    assert_eq!(in_queue(mapped, "zendesk"), exactly(&[("E0106", 1)]));
}

/// The numbers behind a row count as part of it (v2 §4, W0207).
#[test]
fn w0207_counts_the_window_and_the_message_count() {
    let mut policy = Policy::new("salesforce", false);
    let days = |n| Value::Days(Some(n));
    policy.state(
        Scope::Defaults,
        Block::Plain,
        Setting::AppendToLatestOpenRecord,
        Value::Flag(true),
    );
    policy.state(
        Scope::Defaults,
        Block::Plain,
        Setting::AppendToClosedRecordsWithin,
        days(7),
    );
    policy.state(
        Scope::Defaults,
        Block::Chat,
        Setting::DelayChatRecordCreation,
        Value::Count(Some(1)),
    );
    policy.state(
        Scope::Queue(vec!["Support"]),
        Block::Plain,
        Setting::AppendToClosedRecordsWithin,
        days(30),
    );
    policy.state(
        Scope::Queue(vec!["Support"]),
        Block::Chat,
        Setting::DelayChatRecordCreation,
        Value::Count(Some(3)),
    );
    policy.queue(&["Sales"]);
    assert!(codes(&policy).is_empty(), "{:?}", codes(&policy));
    // Record creation skipped in Support: the message count decides nothing
    // there (the window still does: reopen rows).
    policy.state(
        Scope::Queue(vec!["Support"]),
        Block::Plain,
        Setting::SkipRecordCreation,
        Value::Flag(true),
    );
    assert_eq!(codes(&policy), exactly(&[("W0207", 1)]));
}
