//! Fuzz target `diff`: `crmpol::diff::compare` over pairs made from the
//! bytes. A first byte from 0x80 up cuts the rest into an old and a new
//! policy file (its low seven bits pick where); otherwise all the bytes are
//! the old file and the new one is its canonical layout (`crmpol fmt`).
//! Whenever both sides are free of errors:
//! - a side compared with itself, and the old file with its canonical
//!   layout, show no change;
//! - the entries reported are exactly those whose decision-table entry
//!   differs or exists on one side only (by queue path and channel), each
//!   once, and every one has at least one cause;
//! - the human (with and without colour), Markdown and JSON outputs render
//!   without a panic, the JSON is a document of `format_version` 2, and no
//!   output holds a character a terminal would act on.

#![no_main]

use crmpol::diff::{self, EntryChange, Side, human};
use crmpol::format::{FormatOptions, format_file};
use crmpol::{Analysis, SourceFile, SourceSet};
use crmpol_fuzz::terminal::{Allowed, assert_safe_for_terminal};
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;

fuzz_target!(|data: &[u8]| {
    let (old, new) = match data.split_first() {
        Some((&control, rest)) if control >= 0x80 => {
            let at = usize::from(control & 0x7f) * rest.len() / 128;
            let (first, second) = rest.split_at(at);
            (set("fuzz/old.crmpol", first), set("fuzz/new.crmpol", second))
        }
        _ => {
            let old = set("fuzz/a.crmpol", data);
            let Some(file) = old.get(crmpol::source::FileId(0)) else {
                return;
            };
            let Ok(formatted) = format_file(file, FormatOptions::default()) else {
                return;
            };
            (old, set("fuzz/a.crmpol", formatted.as_bytes()))
        }
    };
    let (old_analysis, new_analysis) = (crmpol::analyze(&old), crmpol::analyze(&new));
    if old_analysis.has_errors() || new_analysis.has_errors() {
        return;
    }
    let before = Side {
        sources: &old,
        analysis: &old_analysis,
    };
    let after = Side {
        sources: &new,
        analysis: &new_analysis,
    };
    for side in [&before, &after] {
        let itself = diff::compare(side, side);
        assert!(!itself.has_changes(), "a set differs from itself: {itself:?}");
    }
    let found = diff::compare(&before, &after);
    if data.first().is_none_or(|&first| first < 0x80) {
        assert!(
            !found.has_changes(),
            "the canonical layout changed behaviour: {found:?}"
        );
    }
    let expected = differing_entries(&old_analysis, &new_analysis);
    let mut reported: BTreeMap<(Vec<String>, String), EntryChange> = BTreeMap::new();
    for entry in &found.entries {
        let key = (entry.key.queue.clone(), entry.key.channel.to_string());
        assert!(
            reported.insert(key, entry.change).is_none(),
            "{:?} reported twice",
            entry.key
        );
        assert!(!entry.causes.is_empty(), "no cause for {:?}", entry.key);
    }
    assert!(reported == expected, "reported {reported:#?}\nexpected {expected:#?}");
    render_all(&found);
});

fn set(name: &str, bytes: &[u8]) -> SourceSet {
    let mut set = SourceSet::new();
    set.add(SourceFile::from_bytes(name, bytes));
    set
}

/// The oracle: entries whose table entry differs, or that one side lacks.
fn differing_entries(old: &Analysis, new: &Analysis) -> BTreeMap<(Vec<String>, String), EntryChange> {
    let keyed = |analysis: &Analysis| {
        analysis
            .table()
            .entries
            .into_iter()
            .map(|entry| ((entry.queue.clone(), entry.channel.to_string()), entry))
            .collect::<BTreeMap<_, _>>()
    };
    let (before, after) = (keyed(old), keyed(new));
    let mut expected = BTreeMap::new();
    for (key, entry) in &before {
        match after.get(key) {
            None => {
                expected.insert(key.clone(), EntryChange::Removed);
            }
            Some(other) if other != entry => {
                expected.insert(key.clone(), EntryChange::Changed);
            }
            Some(_) => {}
        }
    }
    for key in after.keys().filter(|key| !before.contains_key(*key)) {
        expected.insert(key.clone(), EntryChange::Added);
    }
    expected
}

fn render_all(found: &diff::PolicyDiff) {
    for color in [false, true] {
        let options = human::Options {
            before_label: "old".to_owned(),
            after_label: "new".to_owned(),
            color,
            max_witnesses: 2,
        };
        let text = human::render(found, &options);
        assert_safe_for_terminal(&text, Allowed { tab: false, color }, "human");
        if !color {
            let markdown = diff::markdown::render(found, &options);
            assert_safe_for_terminal(
                &markdown,
                Allowed {
                    tab: false,
                    color: false,
                },
                "markdown",
            );
        }
    }
    let json = diff::json::render(found);
    let value: serde_json::Value = serde_json::from_str(&json).expect("the JSON output parses");
    assert!(value["format_version"] == 2, "format_version: {value}");
    assert_safe_for_terminal(
        &json,
        Allowed {
            tab: false,
            color: false,
        },
        "json",
    );
}
