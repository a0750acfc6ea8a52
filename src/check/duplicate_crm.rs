//! E0005: more than one `crm:` declaration, even with the same CRM.

use super::edits::remove_line;
use super::{CheckContext, CheckRule};
use crate::diagnostic::{Code, Diagnostic, Fix};

pub struct DuplicateCrm;

impl CheckRule for DuplicateCrm {
    fn code(&self) -> Code {
        Code::E0005
    }

    fn check(&self, context: &CheckContext<'_>) -> Vec<Diagnostic> {
        let Some((first, others)) = context.policy.crm_declarations.split_first() else {
            return Vec::new();
        };
        others
            .iter()
            .map(|extra| {
                let diagnostic = Diagnostic::new(Code::E0005, "more than one `crm:` declaration")
                    .with_primary(extra.span, "declared again here")
                    .with_secondary(first.span, "first declared here");
                let remove_this = remove_line(context.sources, extra.span);
                if extra.crm == first.crm && extra.span.file() == first.span.file() {
                    diagnostic
                        .with_help("remove this one: the policy set declares its CRM once")
                        .with_fix(Fix::safe("remove the repeated declaration", vec![remove_this]))
                } else if extra.crm == first.crm {
                    // Two files that each declare the CRM may be two policy
                    // sets given together; removing one is a decision.
                    diagnostic
                        .with_help("remove one of them: the policy set declares its CRM once; if these files are two policy sets, check them separately")
                        .with_fix(Fix::unsafe_fix("remove the repeated declaration", vec![remove_this]))
                } else {
                    diagnostic
                        .with_help("a policy set targets one CRM; keep the right declaration and remove the other")
                        .with_fix(Fix::unsafe_fix("keep the first declaration", vec![remove_this]))
                        .with_fix(Fix::unsafe_fix(
                            "keep this declaration",
                            vec![remove_line(context.sources, first.span)],
                        ))
                }
            })
            .collect()
    }
}
