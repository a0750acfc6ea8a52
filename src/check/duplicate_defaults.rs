//! E0006: more than one `defaults` block in the policy set.

use super::{CheckContext, CheckRule};
use crate::diagnostic::{Code, Diagnostic};

pub struct DuplicateDefaults;

impl CheckRule for DuplicateDefaults {
    fn code(&self) -> Code {
        Code::E0006
    }

    fn check(&self, context: &CheckContext<'_>) -> Vec<Diagnostic> {
        let Some((first, others)) = context.policy.defaults_blocks.split_first() else {
            return Vec::new();
        };
        others
            .iter()
            .map(|extra| {
                Diagnostic::new(Code::E0006, "more than one `defaults` block")
                    .with_primary(*extra, "another `defaults` block")
                    .with_secondary(*first, "first `defaults` block")
                    .with_help("merge the settings into the first `defaults` block and remove this one")
            })
            .collect()
    }
}
