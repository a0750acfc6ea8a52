//! `crmpol diff` over the fixture pairs in `tests/fixtures/diff/`: each
//! folder holds `old/` and `new/` policy sets and a README saying what the
//! change is. Every pair is compared in the three formats and snapshotted;
//! the kinds of change the issue names are also asserted outright, so a
//! snapshot accepted by mistake cannot hide a wrong answer.

use crmpol::diff::{self, EntryChange, Side};
use crmpol::driver::{self, DiffFormat, DiffOptions, ExitStatus};
use crmpol::render::RenderOptions;
use crmpol::{SourceSet, analyze};
use std::path::{Path, PathBuf};

const FIXTURES: &str = "tests/fixtures/diff";

fn cases() -> Vec<String> {
    let mut cases: Vec<String> = std::fs::read_dir(FIXTURES)
        .expect("fixture folder")
        .filter_map(Result::ok)
        .filter(|entry| entry.path().is_dir())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    cases.sort();
    cases
}

fn side_path(case: &str, side: &str) -> PathBuf {
    Path::new(FIXTURES).join(case).join(side)
}

fn run(case: &str, format: DiffFormat) -> driver::CommandOutput {
    driver::diff(&DiffOptions {
        paths: vec![side_path(case, "old"), side_path(case, "new")],
        git: None,
        format,
        exit_code: true,
        render: RenderOptions {
            color: false,
            width: 100,
            unicode: true,
        },
        max_witnesses: None,
    })
}

/// The comparison itself, for assertions about its parts.
fn compared(case: &str) -> diff::PolicyDiff {
    let load = |side| SourceSet::load(&[side_path(case, side)]).expect("fixture loads");
    let (old, new) = (load("old"), load("new"));
    let (old_analysis, new_analysis) = (analyze(&old), analyze(&new));
    assert!(
        !old_analysis.has_errors() && !new_analysis.has_errors(),
        "{case}: a side has errors"
    );
    diff::compare(
        &Side {
            sources: &old,
            analysis: &old_analysis,
        },
        &Side {
            sources: &new,
            analysis: &new_analysis,
        },
    )
}

#[test]
fn every_pair_is_snapshotted_in_every_format() {
    let cases = cases();
    assert!(cases.len() >= 12, "only {} fixture pairs", cases.len());
    for case in &cases {
        assert!(
            Path::new(FIXTURES).join(case).join("README").is_file(),
            "{case}: every pair says what it is"
        );
        for (format, name) in [
            (DiffFormat::Human, "human"),
            (DiffFormat::Markdown, "markdown"),
            (DiffFormat::Json, "json"),
        ] {
            let output = run(case, format);
            let shown = format!(
                "status: {}\n--- stdout\n{}--- stderr\n{}",
                output.status.code(),
                output.stdout,
                output.stderr
            );
            insta::with_settings!({
                snapshot_path => "snapshots/diff",
                prepend_module_to_snapshot => false,
                description => format!("crmpol diff {FIXTURES}/{case}/old {FIXTURES}/{case}/new --format {name} --exit-code"),
            }, {
                insta::assert_snapshot!(format!("{case}__{name}"), shown);
            });
        }
    }
}

#[test]
fn layout_order_comments_files_and_moves_into_children_change_nothing() {
    for case in ["reformatted_reordered", "moved_into_children"] {
        let diff = compared(case);
        assert!(!diff.has_changes(), "{case}: {diff:?}");
        let output = run(case, DiffFormat::Human);
        assert_eq!(
            output.status,
            ExitStatus::Success,
            "{case}: --exit-code is 0 without changes"
        );
        assert!(output.stdout.contains("No changes"), "{case}: says so");
    }
}

#[test]
fn one_line_in_defaults_is_one_cause_for_every_entry() {
    let diff = compared("defaults_one_line");
    assert_eq!(diff.entries.len(), 8);
    assert_eq!(diff.causes.len(), 1, "the added line restating the default is no cause");
    let groups = diff.groups();
    assert_eq!(groups.len(), 1);
    let cause = &diff.causes[0];
    assert_eq!(cause.kind, diff::causes::CauseKind::Changed);
    assert_eq!(
        cause.before.as_ref().map(|place| place.statement.as_str()),
        Some("skip record creation: no")
    );
    assert_eq!(
        cause.after.as_ref().map(|place| place.statement.as_str()),
        Some("skip record creation: yes")
    );
    assert!(
        diff.entries
            .iter()
            .all(|entry| entry.directions == [diff::direction::Direction::FewerRecords])
    );
    let human = run("defaults_one_line", DiffFormat::Human).stdout;
    assert_eq!(
        human.matches("skip record creation: yes").count(),
        1,
        "the cause is shown once:\n{human}"
    );
    assert!(human.contains("and 5 more entries"), "{human}");
    assert_eq!(run("defaults_one_line", DiffFormat::Human).status, ExitStatus::Differs);
}

#[test]
fn rows_that_change_only_for_abandoned_sessions_are_a_change_of_behaviour() {
    let diff = compared("abandoned_off");
    assert_eq!(diff.entries.len(), 2);
    for entry in &diff.entries {
        assert_eq!(
            entry.directions,
            [diff::direction::Direction::FewerRecords],
            "{:?}",
            entry.key
        );
        assert!(
            entry
                .rules
                .iter()
                .all(|rule| rule.progress == crmpol::vendor::Progress::Abandoned),
            "only the abandoned rows differ"
        );
    }
}

#[test]
fn a_leaf_split_in_two_is_one_removed_and_two_added_queues() {
    let diff = compared("leaf_split");
    let queues = |change| {
        let mut queues: Vec<String> = diff
            .entries
            .iter()
            .filter(|entry| entry.change == change)
            .map(|entry| entry.key.queue.join("/"))
            .collect();
        queues.dedup();
        queues
    };
    assert_eq!(queues(EntryChange::Removed), ["Support/Billing"]);
    assert_eq!(
        queues(EntryChange::Added),
        ["Support/Billing/Refunds", "Support/Billing/Invoices"]
    );
    assert_eq!(queues(EntryChange::Changed), Vec::<String>::new());
    let position = |queue: &str| diff.entries.iter().position(|entry| entry.key.queue.join("/") == queue);
    assert!(
        position("Support/Billing") < position("Support/Billing/Refunds"),
        "the removed leaf shows where it was"
    );
}

#[test]
fn a_changed_crm_is_a_change_with_its_statements() {
    let diff = compared("crm_changed");
    assert!(diff.has_changes());
    assert!(diff.entries.is_empty());
    assert_eq!(diff.crm_causes.len(), 1);
    assert_eq!(run("crm_changed", DiffFormat::Json).status, ExitStatus::Differs);
}

#[test]
fn a_side_with_errors_is_named_and_nothing_is_compared() {
    let output = run("side_with_errors", DiffFormat::Json);
    assert_eq!(output.status, ExitStatus::Failure);
    assert_eq!(output.stdout, "");
    assert!(output.stderr.contains("after the change"), "{}", output.stderr);
    assert!(output.stderr.contains("E0002"), "{}", output.stderr);
}

#[test]
fn directions_are_said_in_operator_terms() {
    use diff::direction::Direction::*;
    let directions = |case| {
        let mut all: Vec<_> = compared(case)
            .entries
            .iter()
            .flat_map(|entry| entry.directions.clone())
            .collect();
        all.sort();
        all.dedup();
        all
    };
    assert_eq!(directions("channel_block"), [MoreRecords, StopsAppending]);
    assert_eq!(directions("line_removed"), [MoreRecords, StopsAppending]);
    assert_eq!(
        directions("reaches_nothing"),
        [FewerRecords, FewerAccounts, ReachesNothing]
    );
    assert_eq!(directions("lookup_skipped"), [FewerAccounts, StopsUsingAccounts]);
    assert_eq!(directions("settings_only"), [SettingsOnly]);
}

#[test]
fn a_removed_line_is_a_cause_on_the_old_side() {
    let diff = compared("line_removed");
    assert_eq!(diff.causes.len(), 1);
    let cause = &diff.causes[0];
    assert_eq!(cause.kind, diff::causes::CauseKind::Removed);
    assert!(cause.after.is_none());
    assert_eq!(cause.before.as_ref().map(|place| place.line), Some(9));
}
