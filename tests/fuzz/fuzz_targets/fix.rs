//! Fuzz target `fix`: any bytes, as a policy set of one file or two (see
//! `crmpol_fuzz::input::policy_set`), through
//! `crmpol::fix::fix_all` with the default options (safe fixes only):
//! - it never makes things worse: no more errors about the text (lines that
//!   cannot be read, unknown names and values), and, when the text read
//!   cleanly, no more errors at all, counted by the entries they are about.
//!   (A corrected statement can show errors it hid; those were there.)
//! - the analysis it returns is the analysis of the text it left;
//! - a second `fix_all` on its result applies nothing and changes no text;
//! - no leaf/channel entry that no diagnostic was about changes its
//!   decision-table entry (compared by queue path and channel; which
//!   entries a diagnostic is about: `crmpol_fuzz::touched`).

#![no_main]

use crmpol::fix::{FixOptions, fix_all};
use crmpol::table::{DecisionTable, TableEntry};
use crmpol::vocabulary::Channel;
use crmpol::{Analysis, SourceSet};
use crmpol_fuzz::input::policy_set;
use crmpol_fuzz::touched::touched_entries;
use libfuzzer_sys::fuzz_target;
use std::collections::HashMap;

fuzz_target!(|data: &[u8]| {
    let mut sources = policy_set(data);
    let original = sources.clone();
    let before = crmpol::analyze(&sources);
    let table_before = before.table();
    let touched = touched_entries(&before);

    let fixed = fix_all(&mut sources, FixOptions::default());
    let shown = || format!("before: {:?}\nafter: {:?}", texts(&original), texts(&sources));
    assert!(
        about_the_text(&fixed.analysis) <= about_the_text(&before),
        "fixing left {} errors about the text where there were {}\n{}",
        about_the_text(&fixed.analysis),
        about_the_text(&before),
        shown()
    );
    assert!(
        about_the_text(&before) > 0 || burden(&fixed.analysis) <= burden(&before),
        "fixing left errors about {} entries where there were {}\n{}",
        burden(&fixed.analysis),
        burden(&before),
        shown()
    );
    let reanalyzed = crmpol::analyze(&sources);
    assert!(
        reanalyzed.diagnostics == fixed.analysis.diagnostics,
        "fix_all's analysis is not the analysis of the fixed text\n{}",
        shown()
    );

    let mut again = sources.clone();
    let second = fix_all(&mut again, FixOptions::default());
    assert!(
        second.applied.is_empty(),
        "a second fix_all applied {:?}\n{}",
        second.applied,
        shown()
    );
    assert!(
        texts(&again) == texts(&sources),
        "a second fix_all changed the text to {:?}\n{}",
        texts(&again),
        shown()
    );

    let Some(touched) = touched else { return };
    let table_after = fixed.analysis.table();
    let after = by_queue_and_channel(&table_after);
    for (index, entry) in table_before.entries.iter().enumerate() {
        if touched.contains(&index) {
            continue;
        }
        let now = after.get(&(entry.queue.clone(), entry.channel));
        assert!(
            now == Some(&entry),
            "fixing changed the entry of {:?} ({}), which no diagnostic was about\nwas: {entry:?}\nnow: {now:?}\n{}",
            entry.queue,
            entry.channel,
            shown()
        );
    }
});

fn about_the_text(analysis: &Analysis) -> usize {
    analysis
        .diagnostics
        .iter()
        .filter(|d| d.is_error() && matches!(d.code.as_str(), "E0001" | "E0002" | "E0003" | "E0008"))
        .count()
}

/// Errors weighed by the entries they are about, which removing a redundant
/// line cannot change by regrouping them.
fn burden(analysis: &Analysis) -> usize {
    analysis
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.entries.len().max(1))
        .sum()
}

fn texts(sources: &SourceSet) -> Vec<&str> {
    sources.iter().map(|(_, file)| file.text.as_str()).collect()
}

fn by_queue_and_channel(table: &DecisionTable) -> HashMap<(Vec<String>, Channel), &TableEntry> {
    table
        .entries
        .iter()
        .map(|entry| ((entry.queue.clone(), entry.channel), entry))
        .collect()
}
