//! `crmpol why` for people: per entry, each setting with the chain of
//! statements behind it in aligned columns, the entry's decision-table rows,
//! then the diagnostics that concern it; a note on the policy set's
//! diagnostics at the end.
//!
//! In: the explanations and whether to colour. Out: terminal text. Text
//! from a policy is shown with hidden characters written out.

use crate::diagnostic::Severity;
use crate::emit::{created_at_words, words};
use crate::query::Semantics;
use crate::query::why::{Concern, EntryExplanation, SettingExplanation, Step};
use crate::text::{escape_hidden, shown_cut};
use std::fmt::Write;

/// How many characters of a source line are shown before "…".
const LINE_CHARS: usize = 100;

/// ANSI styles, or nothing when colour is off.
#[derive(Clone, Copy)]
struct Style {
    color: bool,
}

impl Style {
    fn paint(self, code: &str, text: &str) -> String {
        if self.color && !text.is_empty() {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    fn bold(self, text: &str) -> String {
        self.paint("1", text)
    }

    fn dim(self, text: &str) -> String {
        self.paint("2", text)
    }

    fn severity(self, severity: Severity) -> String {
        match severity {
            Severity::Error => self.paint("1;31", "error"),
            Severity::Warning => self.paint("1;33", "warning"),
        }
    }
}

/// `set_summary`: what `crmpol check` would count ("1 error in 1 file"),
/// when the policy set has diagnostics.
pub fn render(
    semantics: &Semantics<'_>,
    explained: &[EntryExplanation<'_>],
    set_summary: Option<&str>,
    color: bool,
) -> String {
    let style = Style { color };
    let mut out = String::new();
    for (number, entry) in explained.iter().enumerate() {
        if number > 0 {
            out.push('\n');
        }
        entry_text(&mut out, semantics, entry, style);
    }
    if let Some(counts) = set_summary {
        let has_errors = semantics.snapshot.analysis.has_errors();
        let consequence = if has_errors {
            ": the policy set does not compile, and the values above are what crmpol reads in it as it stands"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "\n{}: `crmpol check` reports {counts}{consequence}",
            style.bold("note")
        );
    }
    out
}

fn entry_text(out: &mut String, semantics: &Semantics<'_>, entry: &EntryExplanation<'_>, style: Style) {
    let policy = &semantics.snapshot.analysis.policy;
    let path = policy
        .entries
        .get(entry.entry)
        .map(|leaf| policy.display_path(leaf.queue))
        .unwrap_or_default();
    let _ = writeln!(out, "{}", style.bold(&format!("{path} ({})", entry.key.channel)));
    let rows: Vec<[String; 4]> = entry
        .settings
        .iter()
        .flat_map(|setting| chain_rows(semantics, setting))
        .collect();
    let widths = column_widths(&rows);
    for setting in &entry.settings {
        settings_text(out, semantics, setting, &widths, style);
    }
    rows_text(out, entry, style);
    concerns_text(out, semantics, &entry.concerns, style);
}

/// One setting: its value, then its chain, unless the built-in default is
/// all there is.
fn settings_text(
    out: &mut String,
    semantics: &Semantics<'_>,
    setting: &SettingExplanation,
    widths: &[usize; 4],
    style: Style,
) {
    let heading = format!("{}: {}", setting.key.name(), setting.value);
    if let [Step::BuiltIn(_)] = setting.chain.as_slice() {
        let _ = writeln!(out, "  {} {}", style.bold(&heading), style.dim("(built-in default)"));
        return;
    }
    let _ = writeln!(out, "  {}", style.bold(&heading));
    for (position, row) in chain_rows(semantics, setting).iter().enumerate() {
        let line = aligned(row, widths);
        if position == 0 {
            let _ = writeln!(out, "    {line}");
        } else {
            let _ = writeln!(out, "    {}", style.dim(&line));
        }
    }
}

/// Each step of a chain as four columns: what it did, where it is, whose
/// block it is in, and the line as written (the value, for the built-in
/// default).
fn chain_rows(semantics: &Semantics<'_>, setting: &SettingExplanation) -> Vec<[String; 4]> {
    if let [Step::BuiltIn(_)] = setting.chain.as_slice() {
        return Vec::new();
    }
    setting
        .chain
        .iter()
        .enumerate()
        .map(|(position, step)| {
            let verb = if position == 0 { "set by" } else { "overrides" }.to_owned();
            match step {
                Step::Stated(at) => [
                    verb,
                    format!("{}:{}", escape_hidden(&at.file), at.line),
                    semantics.snapshot.analysis.policy.display_owner(at.owner, at.scope),
                    shown_cut(&at.source_line, LINE_CHARS).into_owned(),
                ],
                Step::BuiltIn(value) => [verb, "built-in default".to_owned(), String::new(), value.to_string()],
            }
        })
        .collect()
}

fn column_widths<const N: usize>(rows: &[[String; N]]) -> [usize; N] {
    let mut widths = [0; N];
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    widths
}

/// Cells padded to their column's width, two spaces apart, with no
/// trailing blanks. Padded by hand: a deeply nested queue's path can be
/// wider than a format width may be.
fn aligned<const N: usize>(row: &[String; N], widths: &[usize; N]) -> String {
    let mut line = String::new();
    for (cell, width) in row.iter().zip(widths) {
        line.push_str(cell);
        let padding = width.saturating_sub(cell.chars().count()) + 2;
        line.extend(std::iter::repeat_n(' ', padding));
    }
    line.trim_end().to_owned()
}

fn rows_text(out: &mut String, entry: &EntryExplanation<'_>, style: Style) {
    let table = &entry.table;
    let heading = format!(
        "rows (\"Records\" option {} of {})",
        table.records_option(),
        table.records_options_available()
    );
    let _ = writeln!(out, "  {}", style.bold(&heading));
    let header = [
        "situation",
        "progress",
        "account",
        "record",
        "created at",
        "session data",
        "attached to",
    ]
    .map(str::to_owned);
    let mut rows = vec![header];
    rows.extend(table.rules.iter().map(|rule| {
        [
            words(rule.situation),
            words(rule.progress),
            words(rule.account),
            words(rule.record),
            created_at_words(rule.record_created_at),
            words(rule.session_data),
            words(rule.attached_to),
        ]
    }));
    let widths = column_widths(&rows);
    for (number, row) in rows.iter().enumerate() {
        let line = aligned(row, &widths);
        let line = if number == 0 { style.dim(&line) } else { line };
        let _ = writeln!(out, "    {line}");
    }
}

fn concerns_text(out: &mut String, semantics: &Semantics<'_>, concerns: &[Concern<'_>], style: Style) {
    if concerns.is_empty() {
        let _ = writeln!(out, "  {} {}", style.bold("diagnostics:"), style.dim("none"));
        return;
    }
    let _ = writeln!(out, "  {}", style.bold("diagnostics"));
    let sources = &semantics.snapshot.sources;
    let place = |span: crate::source::Span| {
        sources.get(span.file()).map(|file| {
            let at = file.line_column(span.start());
            (escape_hidden(&file.name).into_owned(), at)
        })
    };
    for concern in concerns {
        let diagnostic = concern.diagnostic;
        let location = diagnostic
            .primary_span()
            .and_then(place)
            .map(|(file, at)| format!("{file}:{}:{}: ", at.line, at.column))
            .unwrap_or_default();
        let allowed = concern
            .allowed_by
            .and_then(place)
            .map(|(file, at)| format!(" (allowed at {file}:{})", at.line))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "    {location}{}[{}]: {}{}",
            style.severity(diagnostic.severity),
            diagnostic.code,
            diagnostic.message,
            style.dim(&allowed)
        );
        if let Some(help) = &diagnostic.help {
            let _ = writeln!(out, "      help: {help}");
        }
    }
}
