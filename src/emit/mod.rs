//! Stage 6: the decision table as text.
//!
//! In: a [`DecisionTable`], or a resolved policy whose table is written
//! entry by entry ([`write_policy`], what `crmpol compile` uses: the same
//! bytes, without the whole table in memory at any time). Out: YAML (`yaml.rs`),
//! JSON (`json.rs`), both in the shape documented in `docs/cli.md`, or a
//! Markdown page for people. Deterministic: the same table always gives
//! the same bytes.

mod json;
mod yaml;

use crate::resolve::{ResolvedPolicy, quote_name};
use crate::settings::{LeafSettings, SettingKey};
use crate::table::{DecisionTable, TableEntry};
use crate::vocabulary::{CrmTerms, capitalized};
use std::fmt::Write;

/// The formats `compile --format` offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableFormat {
    Yaml,
    Json,
    Markdown,
}

/// Why a table could not be turned into text (a bug, never bad input), or
/// could not be written out ([`write_policy`]).
#[derive(Debug)]
pub struct EmitError(String);

impl std::fmt::Display for EmitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "could not write the table: {}", self.0)
    }
}

impl std::error::Error for EmitError {}

pub fn emit(table: &DecisionTable, format: TableFormat) -> Result<String, EmitError> {
    match format {
        TableFormat::Yaml => yaml::table(table),
        TableFormat::Json => json::table(table),
        TableFormat::Markdown => Ok(markdown(table)),
    }
}

/// The decision table of a resolved policy as text: the bytes of
/// [`emit`] on [`crate::table::build`], with YAML and JSON written entry by
/// entry, each distinct entry body once (a large policy set's table is
/// many times its size, and most entries share their settings).
pub fn emit_policy(policy: &ResolvedPolicy, format: TableFormat) -> Result<String, EmitError> {
    let mut bytes = Vec::new();
    write_policy(policy, format, &mut bytes)?;
    Ok(crate::text::from_written(bytes))
}

/// [`emit_policy`], written to `out` entry by entry: the table of a large
/// policy set (hundreds of megabytes) is never held whole.
pub fn write_policy(
    policy: &ResolvedPolicy,
    format: TableFormat,
    out: &mut dyn std::io::Write,
) -> Result<(), EmitError> {
    let mut sink = Sink {
        out,
        pending: String::new(),
    };
    match format {
        TableFormat::Yaml => yaml::streamed(policy, &mut sink)?,
        TableFormat::Json => json::streamed(policy, &mut sink)?,
        TableFormat::Markdown => sink.pending = markdown(&crate::table::build(policy)),
    }
    sink.flush()
}

/// Where a streamed table goes: text is gathered an entry or so at a time
/// in `pending`, then written out.
struct Sink<'a> {
    out: &'a mut dyn std::io::Write,
    pending: String,
}

impl Sink<'_> {
    /// Text gathered beyond this is written out at the next entry.
    const GATHERED: usize = 64 * 1024;

    /// Between entries: writes out what is gathered once there is enough.
    fn entry_done(&mut self) -> Result<(), EmitError> {
        if self.pending.len() >= Self::GATHERED {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), EmitError> {
        self.out
            .write_all(self.pending.as_bytes())
            .map_err(|error| EmitError(crate::write::why(&error)))?;
        self.pending.clear();
        Ok(())
    }
}

/// An entry of the table after its queue: what entries with the same
/// settings have in common, serialised as the table serialises it.
#[derive(serde::Serialize)]
struct EntryBody<'a> {
    channel: crate::vocabulary::Channel,
    settings: LeafSettings,
    rules: &'a [crate::vendor::Outcome],
}

/// Each distinct entry body's text, written once by a format's writer and
/// copied for every entry that shares it.
struct EntryBodies {
    crm: Option<crate::vocabulary::Crm>,
    written: rustc_hash::FxHashMap<LeafSettings, String>,
}

impl EntryBodies {
    fn new(crm: Option<crate::vocabulary::Crm>) -> EntryBodies {
        EntryBodies {
            crm,
            written: rustc_hash::FxHashMap::default(),
        }
    }

    /// Appends the body of an entry with `settings` to `out`; `text`
    /// writes a body not seen before.
    fn write(
        &mut self,
        out: &mut String,
        settings: LeafSettings,
        text: impl FnOnce(&EntryBody<'_>) -> Result<String, EmitError>,
    ) -> Result<(), EmitError> {
        if let Some(body) = self.written.get(&settings) {
            out.push_str(body);
            return Ok(());
        }
        let rules = crate::vendor::outcomes(&settings, self.crm);
        let body = text(&EntryBody {
            channel: settings.channel(),
            settings,
            rules: &rules,
        })?;
        out.push_str(&body);
        self.written.insert(settings, body);
        Ok(())
    }
}

/// `text` with `first` before its first line and `rest` before every other
/// line but empty ones (which a serializer writes without indentation).
fn indent_lines(text: &str, first: &str, rest: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for (number, line) in text.split_inclusive('\n').enumerate() {
        if line != "\n" {
            out.push_str(if number == 0 { first } else { rest });
        }
        out.push_str(line);
    }
    out
}

fn markdown(table: &DecisionTable) -> String {
    let mut out = String::new();
    let crm = table.crm.map_or("(none)", |crm| crm.keyword());
    let leaves = count_leaves(table);
    let _ = writeln!(out, "# CRM record-creation decision table\n");
    let terms = CrmTerms::of(table.crm);
    let _ = writeln!(
        out,
        "CRM: `{crm}`. {leaves} leaf {}, {} leaf/channel entries.\n",
        if leaves == 1 { "queue" } else { "queues" },
        table.entries.len()
    );
    if !terms.is_generic() {
        let _ = writeln!(
            out,
            "In `{crm}`, records are {} and accounts are {}; the outcomes below use these words.\n",
            terms.records, terms.accounts
        );
    }
    if let Some(catalog) = &table.catalog {
        catalog_section(&mut out, catalog);
    }
    let _ = writeln!(out, "## Settings\n");
    let columns: Vec<&str> = SettingKey::ALL.iter().map(|key| key.spec().column).collect();
    let _ = writeln!(out, "| Queue | Channel | {} |", columns.join(" | "));
    let _ = writeln!(out, "|---|---|{}", "---|".repeat(columns.len()));
    for entry in &table.entries {
        let cells: Vec<String> = SettingKey::ALL.iter().map(|&key| settings_cell(entry, key)).collect();
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            queue_cell(entry),
            entry.channel,
            cells.join(" | ")
        );
    }
    let _ = writeln!(out, "\n## Outcomes\n");
    let _ = writeln!(
        out,
        "| Queue | Channel | Situation | Progress | {} | {} | {} created at | Session data | Attached to |",
        capitalized(terms.account),
        capitalized(terms.record),
        capitalized(terms.record)
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|---|---|");
    for entry in &table.entries {
        for rule in &entry.rules {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                queue_cell(entry),
                entry.channel,
                words(rule.situation),
                words(rule.progress),
                words(rule.account),
                words(rule.record),
                created_at_words(rule.record_created_at),
                words(rule.session_data),
                attached_words(rule.attached_to, terms),
            );
        }
    }
    out
}

/// Leaf queues: entries of one queue are next to each other.
fn count_leaves(table: &DecisionTable) -> usize {
    let mut leaves = 0;
    let mut previous: Option<&[String]> = None;
    for entry in &table.entries {
        if previous != Some(entry.queue.as_slice()) {
            leaves += 1;
        }
        previous = Some(entry.queue.as_slice());
    }
    leaves
}

/// Which catalog entries the policy does not cover.
fn catalog_section(out: &mut String, catalog: &crate::table::CatalogCoverage) {
    let _ = writeln!(out, "## Catalog\n");
    let covered = catalog.entries - catalog.uncovered.len().min(catalog.entries);
    let _ = writeln!(
        out,
        "The entries are the queue catalog's: {} leaf/channel {}, {covered} of them set by a policy queue.\n",
        catalog.entries,
        if catalog.entries == 1 { "entry" } else { "entries" },
    );
    if catalog.uncovered.is_empty() {
        return;
    }
    let _ = writeln!(out, "Not covered (every setting built in or from `defaults`):\n");
    for key in &catalog.uncovered {
        let _ = writeln!(out, "- {} ({})", markdown_queue_path(&key.queue), key.channel);
    }
    let _ = writeln!(out);
}

/// What the session data is attached to, in the CRM's words.
pub fn attached_words(attached_to: crate::vendor::Attachment, terms: CrmTerms) -> String {
    match attached_to {
        crate::vendor::Attachment::Record => terms.record.to_owned(),
        crate::vendor::Attachment::Account => terms.account.to_owned(),
        crate::vendor::Attachment::None => "none".to_owned(),
    }
}

/// When a row's record is created; `—` where it creates none.
pub fn created_at_words(at: Option<crate::vendor::RecordCreatedAt>) -> String {
    at.map_or_else(|| "—".to_owned(), words)
}

/// A setting's value as the settings table shows it: its spelling in a
/// policy, `—` where it does not apply to the channel, and for `records`
/// how many options the portal offers.
fn settings_cell(entry: &TableEntry, key: SettingKey) -> String {
    match entry.settings.value(key) {
        None => "—".to_owned(),
        Some(value) if key == SettingKey::Records => {
            format!("{value} of {}", entry.records_options_available())
        }
        Some(value) => value.to_string(),
    }
}

/// A queue path for a table cell, with Markdown's special characters
/// escaped and invisible characters written out (`<U+200B>`), as in every
/// output for people. A name holding `/` or `"` is quoted as the language
/// writes it, so `"A / B"` and `"A" / "B"` stay apart.
fn queue_cell(entry: &TableEntry) -> String {
    markdown_queue_path(&entry.queue)
}

/// Queue names as one Markdown text, `Support / Billing`, safe in a table
/// cell (see [`queue_cell`]).
pub fn markdown_queue_path<S: AsRef<str>>(names: &[S]) -> String {
    names
        .iter()
        .map(|name| {
            let name = name.as_ref();
            let name = if name.contains(['/', '"']) {
                quote_name(name)
            } else {
                name.to_owned()
            };
            markdown_text(&name)
        })
        .collect::<Vec<_>>()
        .join(" / ")
}

/// Text from a policy, with Markdown's special characters escaped and
/// invisible characters written out.
pub fn markdown_text(text: &str) -> String {
    crate::text::escape_hidden(text)
        .replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('`', "\\`")
        .replace('*', "\\*")
        .replace('_', "\\_")
}

/// A table value in words: `found_with_open_record` → "found with open record".
pub fn words(value: impl serde::Serialize) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|value| value.as_str().map(|text| text.replace('_', " ")))
        .unwrap_or_default()
}
