//! W0202: a setting that is never in effect, because every leaf/channel
//! entry below it sets it again.

use super::edits::remove_setting;
use super::{CheckContext, CheckRule};
use crate::diagnostic::{Code, Diagnostic, Fix};
use crate::resolve::{Assignment, AssignmentId, Owner, Source};

pub struct IneffectiveSetting;

/// How many overriding statements are labelled.
const OVERRIDES_SHOWN: usize = 3;

impl CheckRule for IneffectiveSetting {
    fn code(&self) -> Code {
        Code::W0202
    }

    fn check(&self, context: &CheckContext<'_>) -> Vec<Diagnostic> {
        if context.policy.entries.is_empty() {
            return Vec::new();
        }
        context
            .policy
            .assignments
            .iter()
            .enumerate()
            .filter(|(index, assignment)| {
                let id = AssignmentId(*index);
                assignment.duplicate_of.is_none() && !context.is_effective(id) && !context.is_given_again(id)
            })
            // With a catalog, a statement can apply to no entry at all: its
            // queue is not in the catalog (E0301) or its channel block
            // never applies (W0301); that is said there, not here.
            .filter(|(_, assignment)| !covered_entries(context, assignment).is_empty())
            .map(|(_, assignment)| diagnose(context, assignment))
            .collect()
    }
}

fn diagnose(context: &CheckContext<'_>, assignment: &Assignment) -> Diagnostic {
    let covered = covered_entries(context, assignment);
    let mut overrides: Vec<AssignmentId> = Vec::new();
    for &index in &covered {
        let Some(entry) = context.policy.entries.get(index) else {
            continue;
        };
        if let Source::Stated(id) = entry.settings.get(assignment.key).source
            && !overrides.contains(&id)
        {
            overrides.push(id);
        }
    }
    let mut diagnostic = Diagnostic::new(
        Code::W0202,
        format!("`{}: {}` never takes effect", assignment.key, assignment.value),
    )
    .with_primary(assignment.span, "overridden everywhere it applies");
    for id in overrides.iter().take(OVERRIDES_SHOWN) {
        if let Some(other) = context.policy.assignment(*id) {
            diagnostic = diagnostic.with_secondary(other.span, "overridden here");
        }
    }
    let every = match covered.len() {
        1 => "the one leaf/channel entry it applies to sets".to_owned(),
        2 => "both leaf/channel entries it applies to set".to_owned(),
        count => format!("all {count} leaf/channel entries it applies to set"),
    };
    diagnostic
        .with_help("remove this line, or remove the overriding settings if this value is the one you meant")
        .with_fix(Fix::safe(
            "remove the line that never takes effect",
            vec![remove_setting(context, assignment)],
        ))
        .with_note(format!("{every} `{}` again", assignment.key))
}

/// The entries an assignment would apply to, were it not overridden.
fn covered_entries(context: &CheckContext<'_>, assignment: &Assignment) -> Vec<usize> {
    let policy = context.policy;
    let range = match assignment.owner {
        Owner::Defaults => 0..policy.entries.len(),
        Owner::Queue(queue) => policy.queue(queue).map_or(0..0, |queue| queue.entries.clone()),
    };
    let channels: Vec<_> = assignment.channels().collect();
    range
        .filter(|&index| {
            policy
                .entries
                .get(index)
                .is_some_and(|entry| channels.contains(&entry.channel))
        })
        .collect()
}
