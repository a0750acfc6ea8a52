//! The decision table as JSON (serde_json, pretty-printed, two spaces).
//!
//! In: a table, or a resolved policy whose table is streamed. Out: the
//! same JSON text either way. Streaming writes each distinct entry body
//! (channel, settings, rules) once and copies it for every entry that
//! shares it; JSON strings never span lines, so an entry written on its
//! own is the entry in the table indented four more spaces.

use super::{EmitError, EntryBodies, EntryBody, Sink, indent_lines};
use crate::resolve::ResolvedPolicy;
use crate::table::{self, DecisionTable, Row};
use serde::Serialize;

/// Where an entry's lines start: inside `{ "entries": [`.
const ENTRY_INDENT: &str = "    ";

pub(super) fn table(table: &DecisionTable) -> Result<String, EmitError> {
    Ok(to_json(table)? + "\n")
}

pub(super) fn streamed(policy: &ResolvedPolicy, sink: &mut Sink<'_>) -> Result<(), EmitError> {
    let header = to_json(&table::header(policy))?;
    let Some(header) = header.strip_suffix("\n}").filter(|_| !policy.entries.is_empty()) else {
        // `"entries": []`, written as serde_json writes an empty list.
        sink.pending = table(&table::build(policy))?;
        return Ok(());
    };
    let crm = policy.crm();
    sink.pending.push_str(header);
    sink.pending.push_str(",\n  \"entries\": [\n");
    let mut bodies = EntryBodies::new(crm);
    for (number, row) in table::rows(policy).enumerate() {
        let out = &mut sink.pending;
        if number > 0 {
            out.push_str(",\n");
        }
        if row.queue.is_empty() {
            out.push_str(&indent_lines(&to_json(&row.to_entry(crm))?, ENTRY_INDENT, ENTRY_INDENT));
        } else {
            write_queue(out, &row)?;
            bodies.write(out, row.settings, body_text)?;
        }
        sink.entry_done()?;
    }
    sink.pending.push_str("\n  ]\n}\n");
    Ok(())
}

/// The entry's `{` and its `"queue"` list.
fn write_queue(out: &mut String, row: &Row<'_>) -> Result<(), EmitError> {
    out.push_str(ENTRY_INDENT);
    out.push_str("{\n");
    out.push_str(ENTRY_INDENT);
    out.push_str("  \"queue\": [\n");
    for (number, name) in row.queue.iter().enumerate() {
        if number > 0 {
            out.push_str(",\n");
        }
        out.push_str(ENTRY_INDENT);
        out.push_str("    ");
        out.push_str(&serde_json::to_string(name).map_err(|error| EmitError(error.to_string()))?);
    }
    out.push('\n');
    out.push_str(ENTRY_INDENT);
    out.push_str("  ],\n");
    Ok(())
}

/// The rest of an entry after its queue, up to its closing `}`.
fn body_text(body: &EntryBody<'_>) -> Result<String, EmitError> {
    let text = to_json(body)?;
    let fields = text.strip_prefix("{\n").unwrap_or(&text);
    Ok(indent_lines(fields, ENTRY_INDENT, ENTRY_INDENT))
}

fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<String, EmitError> {
    serde_json::to_string_pretty(value).map_err(|error| EmitError(error.to_string()))
}
