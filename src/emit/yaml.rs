//! The decision table as YAML, written by serde_yaml. serde_yaml is
//! deprecated upstream, so this is the one module that uses it: replacing
//! it touches nothing else.
//!
//! In: a table, or a resolved policy whose table is streamed. Out: the
//! same YAML text either way. serde_yaml's emitter costs much per value and
//! a table is many times the size of its policy, so streaming has serde_yaml
//! write each distinct entry body (channel, settings, rules) and each queue
//! name once, and copies them for every entry that shares them.

use super::{EmitError, EntryBodies, EntryBody, Sink, indent_lines};
use crate::resolve::ResolvedPolicy;
use crate::table::{self, DecisionTable, Row};
use rustc_hash::FxHashMap;
use serde::Serialize;

pub(super) fn table(table: &DecisionTable) -> Result<String, EmitError> {
    to_yaml(table)
}

pub(super) fn streamed(policy: &ResolvedPolicy, sink: &mut Sink<'_>) -> Result<(), EmitError> {
    if policy.entries.is_empty() {
        // `entries: []`, written as serde_yaml writes an empty list.
        sink.pending = table(&table::build(policy))?;
        return Ok(());
    }
    let crm = policy.crm();
    sink.pending = to_yaml(&table::header(policy))?;
    sink.pending.push_str("entries:\n");
    let mut bodies = EntryBodies::new(crm);
    let mut names = NameLines::default();
    for row in table::rows(policy) {
        let out = &mut sink.pending;
        let start = out.len();
        if write_queue(out, &row, &mut names)? {
            bodies.write(out, row.settings, body_text)?;
        } else {
            // A name serde_yaml writes on several lines: the entry as a whole.
            out.truncate(start);
            out.push_str(&indent_lines(&to_yaml(&row.to_entry(crm))?, "- ", "  "));
        }
        sink.entry_done()?;
    }
    Ok(())
}

/// `- queue:` and one line per name; `false` (with part of it written)
/// if a name takes more than one line.
fn write_queue<'a>(out: &mut String, row: &Row<'a>, names: &mut NameLines<'a>) -> Result<bool, EmitError> {
    if row.queue.is_empty() {
        return Ok(false);
    }
    out.push_str("- queue:\n");
    for &name in &row.queue {
        match names.line(name)? {
            Some(line) => {
                out.push_str("  ");
                out.push_str(line);
            }
            None => return Ok(false),
        }
    }
    Ok(true)
}

/// Each queue name as an item of a list, `- NAME` and its line end, as
/// serde_yaml writes it; `None` for a name it writes on several lines.
#[derive(Default)]
struct NameLines<'a> {
    written: FxHashMap<&'a str, Option<String>>,
}

impl<'a> NameLines<'a> {
    fn line(&mut self, name: &'a str) -> Result<Option<&str>, EmitError> {
        if !self.written.contains_key(name) {
            let item = to_yaml(&[name])?;
            let single = item.strip_suffix('\n').is_some_and(|line| !line.contains('\n'));
            self.written.insert(name, single.then_some(item));
        }
        Ok(self.written.get(name).and_then(Option::as_deref))
    }
}

/// What follows an entry's queue: its channel, settings and rules, indented
/// as an item of `entries`.
fn body_text(body: &EntryBody<'_>) -> Result<String, EmitError> {
    Ok(indent_lines(&to_yaml(body)?, "  ", "  "))
}

fn to_yaml<T: Serialize + ?Sized>(value: &T) -> Result<String, EmitError> {
    serde_yaml::to_string(value).map_err(|error| EmitError(error.to_string()))
}
