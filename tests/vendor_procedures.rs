//! Every procedure of the vendor page on skipping CRM account and record
//! creation, with its optional steps, as a fixture under
//! `tests/fixtures/vendor/`. Each compiled table is snapshotted, and each
//! statement the page makes about the outcome is checked on every fixture it
//! applies to.

mod common;

use crmpol::settings::{SessionDataTarget, SettingKey};
use crmpol::table::{DecisionTable, TableEntry};
use crmpol::vendor::{AccountAction, Attachment, Outcome, RecordAction, Situation};
use std::path::PathBuf;

fn fixture_path(stem: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/vendor/{stem}.crmpol"))
}

/// The compiled table of a fixture, which must have no errors.
fn table(stem: &str) -> DecisionTable {
    let (_, analysis) = common::analyze(&fixture_path(stem));
    assert!(!analysis.has_errors(), "{stem}: {:?}", common::codes(&analysis));
    let table = analysis.table();
    assert_eq!(table.entries.len(), 2, "{stem}: one leaf, call and chat");
    table
}

fn row(entry: &TableEntry, situation: Situation) -> Option<&Outcome> {
    entry.rules.iter().find(|rule| rule.situation == situation)
}

/// Runs `check` on both entries (call and chat) of each fixture.
fn for_each_entry(stems: &[&str], check: impl Fn(&str, &TableEntry)) {
    for stem in stems {
        for entry in &table(stem).entries {
            check(stem, entry);
        }
    }
}

const ALL: [&str; 16] = [
    "1a-skip-account-activity-object",
    "1b-skip-account-activity-object-append",
    "1c-skip-account-activity-object-skip-lookup",
    "2a-skip-record-activity-object",
    "2b-skip-record-activity-object-append",
    "3a-skip-both-activity-object",
    "3b-skip-both-activity-object-append",
    "3c-skip-both-activity-object-skip-lookup",
    "4a-skip-account-ccaas-session",
    "4b-skip-account-ccaas-session-append",
    "4c-skip-account-ccaas-session-skip-lookup",
    "5a-skip-record-ccaip-session",
    "5b-skip-record-ccaip-session-append",
    "6a-skip-both-ccaas-session",
    "6b-skip-both-ccaas-session-append",
    "6c-skip-both-ccaas-session-skip-lookup",
];

#[test]
fn every_fixture_is_listed_here() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/vendor");
    let mut on_disk: Vec<String> = std::fs::read_dir(dir)
        .expect("fixture folder")
        .filter_map(|entry| Some(entry.ok()?.path().file_stem()?.to_str()?.to_owned()))
        .collect();
    on_disk.sort();
    assert_eq!(on_disk, ALL);
}

#[test]
fn compiled_tables_match_their_snapshots() {
    insta::glob!("fixtures/vendor/*.crmpol", |path| {
        insta::assert_snapshot!(common::diagnostics_and_table(path));
    });
}

#[test]
fn skipped_account_creation_creates_no_account_when_none_is_found() {
    let stems = [
        "1a-skip-account-activity-object",
        "3a-skip-both-activity-object",
        "4a-skip-account-ccaas-session",
    ];
    for_each_entry(&stems, |stem, entry| {
        let not_found = row(entry, Situation::NotFound).expect("lookup is performed");
        assert_eq!(not_found.account, AccountAction::None, "{stem}");
        let found = row(entry, Situation::FoundWithoutOpenRecord).expect("lookup is performed");
        assert_eq!(found.account, AccountAction::UseExisting, "{stem}");
    });
}

#[test]
fn kept_account_creation_creates_an_account_when_none_is_found() {
    let stems = ["2a-skip-record-activity-object", "5a-skip-record-ccaip-session"];
    for_each_entry(&stems, |stem, entry| {
        let not_found = row(entry, Situation::NotFound).expect("lookup is performed");
        assert_eq!(not_found.account, AccountAction::Create, "{stem}");
        assert_eq!(not_found.attached_to, Attachment::Account, "{stem}");
    });
}

#[test]
fn append_with_record_creation_kept_creates_a_record_when_none_is_open() {
    let stems = [
        "1b-skip-account-activity-object-append",
        "4b-skip-account-ccaas-session-append",
    ];
    for_each_entry(&stems, |stem, entry| {
        let open = row(entry, Situation::FoundWithOpenRecord).expect("lookup is performed");
        assert_eq!(open.record, RecordAction::Append, "{stem}");
        let none_open = row(entry, Situation::FoundWithoutOpenRecord).expect("lookup is performed");
        assert_eq!(none_open.record, RecordAction::Create, "{stem}");
    });
}

#[test]
fn append_with_record_creation_skipped_creates_no_record_when_none_is_open() {
    let stems = [
        "2b-skip-record-activity-object-append",
        "3b-skip-both-activity-object-append",
        "5b-skip-record-ccaip-session-append",
        "6b-skip-both-ccaas-session-append",
    ];
    for_each_entry(&stems, |stem, entry| {
        let open = row(entry, Situation::FoundWithOpenRecord).expect("lookup is performed");
        assert_eq!(open.record, RecordAction::Append, "{stem}");
        assert_eq!(open.attached_to, Attachment::Record, "{stem}");
        for situation in [Situation::FoundWithoutOpenRecord, Situation::NotFound] {
            let rule = row(entry, situation).expect("lookup is performed");
            assert_eq!(rule.record, RecordAction::None, "{stem} {situation:?}");
        }
    });
}

#[test]
fn skipped_record_creation_without_append_never_creates_a_record() {
    let stems = [
        "2a-skip-record-activity-object",
        "3a-skip-both-activity-object",
        "5a-skip-record-ccaip-session",
    ];
    for_each_entry(&stems, |stem, entry| {
        assert!(
            entry.rules.iter().all(|rule| rule.record == RecordAction::None),
            "{stem}"
        );
    });
}

#[test]
fn skipped_lookup_leaves_one_situation_and_no_append() {
    let stems = [
        "1c-skip-account-activity-object-skip-lookup",
        "3c-skip-both-activity-object-skip-lookup",
        "4c-skip-account-ccaas-session-skip-lookup",
        "6c-skip-both-ccaas-session-skip-lookup",
    ];
    for_each_entry(&stems, |stem, entry| {
        let mut situations: Vec<Situation> = entry.rules.iter().map(|rule| rule.situation).collect();
        situations.dedup();
        assert_eq!(situations, [Situation::NotLookedUp], "{stem}");
        assert!(!entry.settings.flag(SettingKey::AppendToLatestOpenRecord), "{stem}");
        assert_eq!(
            entry.rules[0].account,
            AccountAction::None,
            "{stem}: account creation is skipped too"
        );
    });
}

#[test]
fn skipping_both_leaves_session_data_unattached_without_an_account() {
    let stems = ["3a-skip-both-activity-object", "6a-skip-both-ccaas-session"];
    for_each_entry(&stems, |stem, entry| {
        let not_found = row(entry, Situation::NotFound).expect("lookup is performed");
        assert_eq!(
            (not_found.account, not_found.record),
            (AccountAction::None, RecordAction::None),
            "{stem}"
        );
        assert_eq!(not_found.attached_to, Attachment::None, "{stem}");
    });
}

#[test]
fn session_data_goes_where_step_three_maps_it() {
    for stem in ALL {
        let expected = if stem.contains("activity-object") {
            SessionDataTarget::ActivityObject
        } else {
            SessionDataTarget::CcaasSession
        };
        for entry in &table(stem).entries {
            assert!(entry.rules.iter().all(|rule| rule.session_data == expected), "{stem}");
        }
    }
}

#[test]
fn records_options_offered_match_the_page() {
    // Activity object: one option in every procedure. CCaaS session: one
    // while records are created; three once record creation is skipped; one
    // with append; two with account lookup skipped.
    let expected = [
        ("1a-skip-account-activity-object", 1),
        ("2a-skip-record-activity-object", 1),
        ("3c-skip-both-activity-object-skip-lookup", 1),
        ("4a-skip-account-ccaas-session", 1),
        ("4c-skip-account-ccaas-session-skip-lookup", 1),
        ("5a-skip-record-ccaip-session", 3),
        ("5b-skip-record-ccaip-session-append", 1),
        ("6a-skip-both-ccaas-session", 3),
        ("6b-skip-both-ccaas-session-append", 1),
        ("6c-skip-both-ccaas-session-skip-lookup", 2),
    ];
    for (stem, options) in expected {
        for entry in &table(stem).entries {
            assert_eq!(entry.records_options_available(), options, "{stem}");
        }
    }
}
