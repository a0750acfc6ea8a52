//! A comparison as a pull-request comment (`crmpol diff --format markdown`).
//!
//! In: a [`PolicyDiff`] and the [`human::Options`] (sides, witnesses; colour
//! is ignored). Out: GitHub-flavoured Markdown: the summary line, a table
//! with one row per cause, then each cause's entries in a collapsed
//! `<details>` block. Text from a policy is escaped, so a queue name cannot
//! break the table or inject markup. The comment stays under GitHub's size
//! limit for comments: past [`BUDGET`] characters, the remaining rows and
//! blocks are left out and the comment says how many.

use super::causes::{Cause, Place};
use super::human::Options;
use super::words;
use super::{EntryDiff, PolicyDiff, direction};
use crate::emit::markdown_text;

/// Characters the comment may use; GitHub refuses comments over 65,536.
pub const BUDGET: usize = 60_000;

/// The first line of every comment, an HTML comment GitHub does not show.
pub const MARKER: &str = "<!-- crmpol diff -->";

/// The witnesses a cause lists by default in a comment.
pub const DEFAULT_WITNESSES: usize = 20;

/// The comparison as Markdown, ending with a newline.
pub fn render(diff: &PolicyDiff, options: &Options) -> String {
    // The marker lets a workflow find its earlier comment and update it.
    let mut out = format!("{MARKER}\n### crmpol diff\n\n");
    out.push_str(&format!("**{}**\n\n", markdown_text(&direction::summary_line(diff))));
    out.push_str(&format!(
        "Before: {} · after: {}\n",
        markdown_text(&options.before_label),
        markdown_text(&options.after_label)
    ));
    if !diff.has_changes() {
        return out;
    }
    let groups: Vec<(Vec<&Cause>, Vec<&EntryDiff>)> = diff
        .groups()
        .into_iter()
        .map(|(ids, entries)| (ids.iter().filter_map(|&id| diff.cause(id)).collect(), entries))
        .collect();
    out.push_str("\n| | Cause | Statement | Effect |\n|---|---|---|---|\n");
    if diff.crm.differs() {
        let causes: Vec<&Cause> = diff.crm_causes.iter().filter_map(|&id| diff.cause(id)).collect();
        let statements: Vec<String> = causes.iter().map(|cause| statements(cause)).collect();
        out.push_str(&format!(
            "| ~ | the CRM | {} | {} |\n",
            statements.join("<br>"),
            words::crm_change(&diff.crm)
        ));
    }
    let mut left_out = 0;
    for (causes, entries) in &groups {
        let row = format!(
            "| {} | {} | {} | {} |\n",
            signs(causes),
            headings(causes),
            causes
                .iter()
                .map(|cause| statements(cause))
                .collect::<Vec<_>>()
                .join("<br>"),
            markdown_text(&words::effect(entries)),
        );
        if out.len() + row.len() > BUDGET {
            left_out += 1;
            continue;
        }
        out.push_str(&row);
    }
    let mut details_left_out = 0;
    for (causes, entries) in &groups {
        let block = details(causes, entries, options.max_witnesses);
        if out.len() + block.len() > BUDGET {
            details_left_out += 1;
            continue;
        }
        out.push_str(&block);
    }
    if left_out + details_left_out > 0 {
        out.push_str(&format!(
            "\n_{left_out} causes and {details_left_out} detail blocks were left out to keep this comment \
             within GitHub's size limit; `crmpol diff --format json` has every change._\n"
        ));
    }
    out
}

/// `~`, or `+ +` for a group of two added statements.
fn signs(causes: &[&Cause]) -> String {
    if causes.is_empty() {
        return "~".to_owned();
    }
    let mut signs: Vec<String> = causes.iter().map(|cause| words::sign(cause.kind).to_string()).collect();
    signs.dedup();
    signs.join(" ")
}

/// `changed in defaults<br>added in "Support"`.
fn headings(causes: &[&Cause]) -> String {
    if causes.is_empty() {
        return "no single statement".to_owned();
    }
    let mut shown: Vec<String> = causes
        .iter()
        .map(|cause| markdown_text(&words::cause_heading(cause)))
        .collect();
    shown.dedup();
    shown.join("<br>")
}

/// `- file:3 skip record creation: no<br>+ file:3 skip record creation: yes`.
fn statements(cause: &Cause) -> String {
    [('-', &cause.before), ('+', &cause.after)]
        .into_iter()
        .filter_map(|(sign, place)| place.as_ref().map(|place| format!("{sign} {}", located(place))))
        .collect::<Vec<_>>()
        .join("<br>")
}

fn located(place: &Place) -> String {
    format!(
        "{}:{} {}",
        markdown_text(&place.file),
        place.line,
        markdown_text(&place.statement)
    )
}

/// A cause's entries, collapsed: one table row per entry, its changes in
/// the cell.
fn details(causes: &[&Cause], entries: &[&EntryDiff], max: usize) -> String {
    let mut headings: Vec<String> = causes
        .iter()
        .map(|cause| {
            format!(
                "{} {}",
                words::sign(cause.kind),
                markdown_text(&words::cause_heading(cause))
            )
        })
        .collect();
    headings.dedup();
    let mut block = format!(
        "\n<details>\n<summary>{}: {}</summary>\n\n| Entry | What changes |\n|---|---|\n",
        headings.join(", "),
        markdown_text(&words::effect(entries)),
    );
    let shown = words::witnesses_shown(max, entries.len());
    for entry in entries.iter().take(shown) {
        let lines: Vec<String> = words::entry_lines(entry)
            .iter()
            .map(|line| markdown_text(line))
            .collect();
        block.push_str(&format!(
            "| {} {} | {} |\n",
            words::entry_sign(entry.change),
            markdown_text(&words::entry_name(&entry.key)),
            lines.join("<br>")
        ));
    }
    let hidden = entries.len() - shown;
    if hidden > 0 {
        block.push_str(&format!(
            "| … and {} | `crmpol diff --format json` lists every entry |\n",
            words::more_entries(hidden)
        ));
    }
    block.push_str("\n</details>\n");
    block
}
