//! The vendor facts behind the version 2 settings (spec v2 §1), one fixture
//! each under `tests/fixtures/v2/`: the reopen row, the call delay, the chat
//! delay, abandoned sessions switched off, and ServiceNow with and without
//! the push to the account. Each compiled table is snapshotted, and each
//! fact is checked on the rows it speaks of.

mod common;

use crmpol::table::{DecisionTable, TableEntry};
use crmpol::vendor::{AccountAction, Attachment, Outcome, Progress, RecordAction, RecordCreatedAt, Situation};
use crmpol::vocabulary::Channel;
use std::path::PathBuf;

/// The compiled table of a fixture, which must compile without diagnostics
/// in force.
fn table(stem: &str) -> DecisionTable {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/v2/{stem}.crmpol"));
    let (_, analysis) = common::analyze(&path);
    assert_eq!(common::codes(&analysis), [] as [&str; 0], "{stem}");
    analysis.table()
}

fn entry(table: &DecisionTable, channel: Channel) -> &TableEntry {
    table
        .entries
        .iter()
        .find(|entry| entry.channel == channel)
        .expect("an entry for the channel")
}

fn row(entry: &TableEntry, situation: Situation, progress: Progress) -> Outcome {
    *entry
        .rules
        .iter()
        .find(|rule| rule.situation == situation && rule.progress == progress)
        .unwrap_or_else(|| panic!("no row {situation:?} {progress:?}"))
}

#[test]
fn compiled_tables_match_their_snapshots() {
    insta::glob!("fixtures/v2/*.crmpol", |path| {
        insta::assert_snapshot!(common::diagnostics_and_table(path));
    });
}

#[test]
fn a_record_closed_within_the_window_is_reopened() {
    let table = table("reopen");
    for channel in Channel::ALL {
        let entry = entry(&table, channel);
        let situations: Vec<Situation> = entry.rules.iter().map(|rule| rule.situation).collect();
        assert_eq!(
            situations.get(2),
            Some(&Situation::FoundWithRecentlyClosedRecord),
            "right after the open record"
        );
        for progress in [Progress::Engaged, Progress::Abandoned] {
            let reopened = row(entry, Situation::FoundWithRecentlyClosedRecord, progress);
            assert_eq!(reopened.record, RecordAction::Reopen);
            assert_eq!(reopened.record_created_at, None);
            assert_eq!(reopened.attached_to, Attachment::Record);
        }
        let neither = row(entry, Situation::FoundWithoutOpenRecord, Progress::Engaged);
        assert_eq!(neither.record, RecordAction::Create);
    }
}

#[test]
fn the_call_delay_waits_for_an_agent_and_leaves_chats_alone() {
    let table = table("call-delay");
    let call = entry(&table, Channel::Call);
    for situation in [Situation::FoundWithoutOpenRecord, Situation::NotFound] {
        let engaged = row(call, situation, Progress::Engaged);
        assert_eq!(engaged.record_created_at, Some(RecordCreatedAt::AgentConnected));
        assert_eq!(row(call, situation, Progress::Abandoned).record, RecordAction::None);
    }
    let chat = entry(&table, Channel::Chat);
    assert!(
        chat.settings
            .value(crmpol::settings::SettingKey::DelayCallRecordCreationUntilConnected)
            .is_none()
    );
    assert!(
        chat.rules
            .iter()
            .all(|rule| rule.record == RecordAction::Create
                && rule.record_created_at == Some(RecordCreatedAt::Assignment))
    );
}

#[test]
fn the_chat_delay_waits_for_consumer_messages_and_leaves_calls_alone() {
    let table = table("chat-delay");
    let chat = entry(&table, Channel::Chat);
    let progresses: Vec<Progress> = chat
        .rules
        .iter()
        .filter(|rule| rule.situation == Situation::NotFound)
        .map(|rule| rule.progress)
        .collect();
    assert_eq!(
        progresses,
        [Progress::Engaged, Progress::Unengaged, Progress::Abandoned]
    );
    let engaged = row(chat, Situation::NotFound, Progress::Engaged);
    assert_eq!(engaged.record_created_at, Some(RecordCreatedAt::ConsumerMessages));
    for progress in [Progress::Unengaged, Progress::Abandoned] {
        let short = row(chat, Situation::NotFound, progress);
        assert_eq!(
            (short.record, short.account, short.attached_to),
            (RecordAction::None, AccountAction::Create, Attachment::Account)
        );
    }
    let call = entry(&table, Channel::Call);
    assert!(call.rules.iter().all(|rule| rule.progress != Progress::Unengaged));
}

#[test]
fn abandoned_sessions_get_no_new_record_but_still_append() {
    let table = table("abandoned-off");
    for channel in Channel::ALL {
        let entry = entry(&table, channel);
        assert_eq!(
            row(entry, Situation::FoundWithOpenRecord, Progress::Abandoned).record,
            RecordAction::Append
        );
        for situation in [Situation::FoundWithoutOpenRecord, Situation::NotFound] {
            assert_eq!(row(entry, situation, Progress::Abandoned).record, RecordAction::None);
            assert_eq!(row(entry, situation, Progress::Engaged).record, RecordAction::Create);
        }
    }
}

#[test]
fn servicenow_keeps_session_data_on_the_account_only_when_pushed() {
    let without = table("servicenow-without-push");
    let with = table("servicenow-with-push");
    for channel in Channel::ALL {
        for rule in &entry(&without, channel).rules {
            assert_eq!(rule.record, RecordAction::None);
            assert_eq!(rule.attached_to, Attachment::None, "{rule:?}");
        }
        for rule in &entry(&with, channel).rules {
            assert_eq!(rule.attached_to, Attachment::Account, "{rule:?}");
        }
    }
}
