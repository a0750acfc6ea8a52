//! E0302: the catalog cannot be used: the declared file cannot be read, or
//! reading it found problems (each one diagnostic, pointing into the file).
//! Until it can be used, the policy is compiled as if it had no catalog.

use super::{CheckContext, CheckRule};
use crate::catalog::{CatalogOrigin, CatalogState};
use crate::diagnostic::{Code, Diagnostic};
use crate::text;

pub struct CatalogUnusable;

const WITHOUT_IT: &str = "until the catalog can be used, the queues are checked as if the policy set had none";

impl CheckRule for CatalogUnusable {
    fn code(&self) -> Code {
        Code::E0302
    }

    fn check(&self, context: &CheckContext<'_>) -> Vec<Diagnostic> {
        let Some(attached) = context.sources.catalog() else {
            return Vec::new();
        };
        let name = text::escape_hidden(&attached.name).into_owned();
        match (attached.state(), attached.origin) {
            (CatalogState::Unreadable(reason), CatalogOrigin::Declared(span)) => vec![
                Diagnostic::new(Code::E0302, format!("cannot read the catalog `{name}`: {reason}"))
                    .with_primary(span, "declared here")
                    .with_help("the path is relative to the file that declares it; check that the file is there")
                    .with_note(WITHOUT_IT),
            ],
            // An unreadable `--catalog FILE` stops the command before any
            // check runs, as an unreadable policy file does.
            (CatalogState::Unreadable(_), CatalogOrigin::CommandLine) => Vec::new(),
            (CatalogState::Read { read, .. }, origin) => read
                .problems
                .iter()
                .map(|problem| {
                    let diagnostic = problem.to_diagnostic(Code::E0302).with_note(WITHOUT_IT);
                    match origin {
                        CatalogOrigin::Declared(span) => {
                            diagnostic.with_secondary(span, "the catalog is declared here")
                        }
                        CatalogOrigin::CommandLine => diagnostic,
                    }
                })
                .collect(),
        }
    }
}
