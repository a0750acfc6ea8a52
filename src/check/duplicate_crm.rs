//! E0005: more than one `crm:` declaration, even with the same CRM.

use super::{CheckContext, CheckRule};
use crate::diagnostic::{Code, Diagnostic};

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
                let help = if extra.crm == first.crm {
                    "remove this one: the policy set declares its CRM once"
                } else {
                    "a policy set targets one CRM; keep the right declaration and remove the other"
                };
                Diagnostic::new(Code::E0005, "more than one `crm:` declaration")
                    .with_primary(extra.span, "declared again here")
                    .with_secondary(first.span, "first declared here")
                    .with_help(help)
            })
            .collect()
    }
}
