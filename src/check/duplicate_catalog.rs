//! E0303: `catalog:` declared more than once in the policy set.

use super::edits::remove_line;
use super::{CheckContext, CheckRule};
use crate::catalog::attach::declarations;
use crate::diagnostic::{Code, Diagnostic, Fix};

pub struct DuplicateCatalog;

impl CheckRule for DuplicateCatalog {
    fn code(&self) -> Code {
        Code::E0303
    }

    fn check(&self, context: &CheckContext<'_>) -> Vec<Diagnostic> {
        let mut declared = declarations(context.trees);
        let Some((first, first_path)) = declared.next() else {
            return Vec::new();
        };
        declared
            .map(|(extra, path)| {
                let diagnostic = Diagnostic::new(Code::E0303, "more than one `catalog:` declaration")
                    .with_primary(extra, "declared again here")
                    .with_secondary(first, "first declared here, and this one counts");
                let remove_this = remove_line(context.sources, extra);
                if path == first_path && extra.file() == first.file() {
                    diagnostic
                        .with_help("remove this one: a policy set declares its catalog once")
                        .with_fix(Fix::safe("remove the repeated declaration", vec![remove_this]))
                } else {
                    // Another file, or another catalog: which one is meant
                    // is the author's decision.
                    diagnostic
                        .with_help("a policy set has one catalog; keep the right declaration and remove the other")
                        .with_fix(Fix::unsafe_fix("remove this declaration", vec![remove_this]))
                }
            })
            .collect()
    }
}
