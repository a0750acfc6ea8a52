//! E0004: no `crm:` declaration anywhere in the policy set.

use super::{CheckContext, CheckRule};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, Span};

pub struct MissingCrm;

impl CheckRule for MissingCrm {
    fn code(&self) -> Code {
        Code::E0004
    }

    fn check(&self, context: &CheckContext<'_>) -> Vec<Diagnostic> {
        let some_file_unread = context.trees.iter().any(|tree| tree.unreadable);
        if !context.policy.crm_declarations.is_empty() || context.sources.is_empty() || some_file_unread {
            return Vec::new();
        }
        // There is no line to point at; the start of the first file is where
        // the declaration would usually go.
        let start = Span::new(FileId(0), 0, 0);
        let files = context.sources.len();
        let label = if files == 1 {
            "no `crm:` in this file".to_owned()
        } else {
            format!("no `crm:` in this file or the {} others", files - 1)
        };
        vec![
            Diagnostic::new(Code::E0004, "no `crm:` declaration in the policy set")
                .with_primary(start, label)
                .with_help("declare the CRM once, at the top of one file, such as `crm: salesforce`"),
        ]
    }
}
