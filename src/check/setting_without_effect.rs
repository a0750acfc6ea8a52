//! W0207: a v2 setting stated where it changes nothing: on every leaf/channel
//! entry where it is in effect, the value it overrides gives the same rows
//! (and the same window and message count behind them). The statements
//! whose values make it moot are labelled too.

use super::causes::affected_note;
use super::edits::remove_setting;
use super::{CheckContext, CheckRule, abandoned_call_records_withheld, push_without_servicenow};
use crate::diagnostic::{Code, Diagnostic, Fix};
use crate::resolve::{Assignment, AssignmentId, Source};
use crate::settings::{LeafSettings, SettingKey};
use crate::vendor;

pub struct SettingWithoutEffect;

/// The language version whose settings this rule covers; the v1 settings
/// have W0202 and the rules of their own combinations.
const FROM_VERSION: u8 = 2;

/// How many mooting statements are labelled.
const CAUSES_SHOWN: usize = 3;

impl CheckRule for SettingWithoutEffect {
    fn code(&self) -> Code {
        Code::W0207
    }

    fn check(&self, context: &CheckContext<'_>) -> Vec<Diagnostic> {
        let excused = abandoned_call_records_withheld::reported_statements(context);
        let mut entries_of: Vec<Vec<usize>> = vec![Vec::new(); context.policy.assignments.len()];
        for (index, entry) in context.policy.entries.iter().enumerate() {
            for key in SettingKey::ALL {
                if key.spec().added_in < FROM_VERSION || !key.applies_to(entry.channel) {
                    continue;
                }
                if let Source::Stated(id) = entry.settings.get(key).source
                    && let Some(list) = entries_of.get_mut(id.0)
                {
                    list.push(index);
                }
            }
        }
        entries_of
            .into_iter()
            .enumerate()
            .filter(|(_, entries)| !entries.is_empty())
            .filter_map(|(index, entries)| {
                let id = AssignmentId(index);
                let assignment = context.policy.assignment(id)?;
                let excused =
                    excused.contains(&id) || push_without_servicenow::asks_unoffered_push(context, assignment);
                (!excused && is_without_effect(context, assignment, &entries))
                    .then(|| diagnose(context, id, assignment, entries))
                    .flatten()
            })
            .collect()
    }
}

/// Whether replacing the statement by what it overrides changes no entry
/// it is in effect on. A statement equal to what it overrides is W0201's.
fn is_without_effect(context: &CheckContext<'_>, assignment: &Assignment, entries: &[usize]) -> bool {
    let crm = context.policy.crm();
    let mut differs_somewhere = false;
    for &index in entries {
        let (Some(ref settings), Some(entry)) = (context.choices(index), context.policy.entries.get(index)) else {
            return false;
        };
        let Some(overridden) = assignment.inherited_for(entry.channel) else {
            return false;
        };
        if overridden.value != assignment.value {
            differs_somewhere = true;
        }
        let replaced = settings.with(assignment.key, overridden.value);
        if vendor::behaviour(settings, crm) != vendor::behaviour(&replaced, crm) {
            return false;
        }
    }
    differs_somewhere
}

fn diagnose(
    context: &CheckContext<'_>,
    id: AssignmentId,
    assignment: &Assignment,
    entries: Vec<usize>,
) -> Option<Diagnostic> {
    let mut diagnostic = Diagnostic::new(
        Code::W0207,
        format!("`{}: {}` has no effect", assignment.key, assignment.value),
    )
    .with_primary(assignment.span, "changes no row of the entries it applies to");
    let mut labelled: Vec<AssignmentId> = vec![id];
    for cause in mooting_statements(context, assignment, &entries)
        .into_iter()
        .take(CAUSES_SHOWN)
    {
        if labelled.contains(&cause) {
            continue;
        }
        labelled.push(cause);
        if let Some(statement) = context.policy.assignment(cause) {
            diagnostic = diagnostic.with_secondary(statement.span, "makes it moot here");
        }
    }
    let overridden = entries
        .first()
        .and_then(|&index| context.policy.entries.get(index))
        .and_then(|entry| assignment.inherited_for(entry.channel))
        .map(|inherited| inherited.value.to_string())
        .unwrap_or_default();
    Some(
        diagnostic
            .with_help("remove this line, or change the setting that makes it moot")
            .with_note(format!(
                "with `{}: {overridden}`, the value it overrides, every row stays the same",
                assignment.key
            ))
            .with_note(affected_note(context, &entries))
            .with_fix(Fix::safe(
                "remove the line that has no effect",
                vec![remove_setting(context, assignment)],
            ))
            .with_entries(entries),
    )
}

/// The statements, on these entries, whose values make the statement moot:
/// those that, put back to their built-in default, would let it change a
/// row. Found by trying, so no rule is restated here.
fn mooting_statements(context: &CheckContext<'_>, assignment: &Assignment, entries: &[usize]) -> Vec<AssignmentId> {
    let crm = context.policy.crm();
    let mut found = Vec::new();
    for &index in entries {
        let (Some(ref settings), Some(entry)) = (context.choices(index), context.policy.entries.get(index)) else {
            continue;
        };
        let Some(overridden) = assignment.inherited_for(entry.channel) else {
            continue;
        };
        for key in SettingKey::ALL {
            let Source::Stated(other) = entry.settings.get(key).source else {
                continue;
            };
            if key == assignment.key || found.contains(&other) {
                continue;
            }
            let freed: LeafSettings = settings.with(key, key.built_in_default());
            if freed == *settings {
                continue;
            }
            let replaced = freed.with(assignment.key, overridden.value);
            if vendor::behaviour(&freed, crm) != vendor::behaviour(&replaced, crm) {
                found.push(other);
            }
        }
    }
    found
}
