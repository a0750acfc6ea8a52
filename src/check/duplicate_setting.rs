//! E0007: the same setting given twice for one queue and channel block, in
//! one block, across reopened blocks, or across files.

use super::edits::remove_setting;
use super::{CheckContext, CheckRule};
use crate::diagnostic::{Code, Diagnostic, Fix};

pub struct DuplicateSetting;

impl CheckRule for DuplicateSetting {
    fn code(&self) -> Code {
        Code::E0007
    }

    fn check(&self, context: &CheckContext<'_>) -> Vec<Diagnostic> {
        let policy = context.policy;
        policy
            .assignments
            .iter()
            .filter_map(|again| {
                let first = policy.assignment(again.duplicate_of?)?;
                let place = context.describe_place(again.owner, again.scope);
                let mut diagnostic =
                    Diagnostic::new(Code::E0007, format!("`{}` is given twice for {place}", again.key))
                        .with_primary(again.span, "given again here")
                        .with_secondary(first.span, "first given here");
                let remove_again = remove_setting(context, again);
                diagnostic = if first.value == again.value {
                    diagnostic
                        .with_help("remove one of the two statements")
                        .with_fix(Fix::safe("remove the repetition", vec![remove_again]))
                } else {
                    diagnostic
                        .with_help(format!(
                            "the two disagree (`{}` and `{}`); keep the one you mean and remove the other",
                            first.value, again.value
                        ))
                        .with_fix(Fix::unsafe_fix(format!("keep `{}`", first.value), vec![remove_again]))
                        .with_fix(Fix::unsafe_fix(
                            format!("keep `{}`", again.value),
                            vec![remove_setting(context, first)],
                        ))
                };
                Some(diagnostic)
            })
            .collect()
    }
}
