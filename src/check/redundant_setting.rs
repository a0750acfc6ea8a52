//! W0201: a setting that repeats the value it already inherits. Stating a
//! built-in default inside `defaults` is allowed: that is where a team writes
//! down what it relies on.

use super::edits::remove_setting;
use super::{CheckContext, CheckRule};
use crate::diagnostic::{Code, Diagnostic, Fix};
use crate::resolve::{Assignment, AssignmentId, Owner, Scope, Source};

pub struct RedundantSetting;

impl CheckRule for RedundantSetting {
    fn code(&self) -> Code {
        Code::W0201
    }

    fn check(&self, context: &CheckContext<'_>) -> Vec<Diagnostic> {
        context
            .policy
            .assignments
            .iter()
            .enumerate()
            .filter(|(index, assignment)| {
                let id = AssignmentId(*index);
                is_redundant(assignment) && context.is_effective(id) && !context.is_given_again(id)
            })
            .map(|(_, assignment)| diagnose(context, assignment))
            .collect()
    }
}

fn is_redundant(assignment: &Assignment) -> bool {
    if assignment.duplicate_of.is_some() || assignment.inherited.is_empty() {
        return false;
    }
    let repeats = assignment
        .channels()
        .all(|channel| assignment.repeats_inherited(channel));
    let restates_built_in_in_defaults = assignment.owner == Owner::Defaults
        && (assignment.scope == Scope::Plain
            || assignment
                .inherited
                .iter()
                .any(|(_, inherited)| inherited.source == Source::BuiltIn));
    repeats && !restates_built_in_in_defaults
}

fn diagnose(context: &CheckContext<'_>, assignment: &Assignment) -> Diagnostic {
    let mut diagnostic = Diagnostic::new(
        Code::W0201,
        format!(
            "`{}: {}` repeats the value it inherits",
            assignment.key, assignment.value
        ),
    )
    .with_primary(assignment.span, format!("already `{}` here", assignment.value))
    .with_help("remove this line")
    .with_fix(Fix::safe(
        "remove the redundant line",
        vec![remove_setting(context, assignment)],
    ));
    let mut sources: Vec<Source> = assignment
        .inherited
        .iter()
        .map(|(_, inherited)| inherited.source)
        .collect();
    sources.dedup();
    for source in sources {
        diagnostic = match source {
            Source::Stated(id) => match context.policy.assignment(id) {
                Some(from) => diagnostic.with_secondary(from.span, "inherited from here"),
                None => diagnostic,
            },
            Source::BuiltIn => diagnostic.with_note(format!(
                "`{}` is the built-in default of `{}`",
                assignment.value, assignment.key
            )),
        };
    }
    diagnostic
}
