//! W0302: the policy names a queue path that the catalog lists twice (or
//! more) for the same channel: two menus the policy cannot tell apart,
//! which both get the queue's settings.

use super::{CheckContext, CheckRule};
use crate::diagnostic::{Code, Diagnostic};
use crate::resolve::QueueId;
use crate::vocabulary::Channel;

pub struct PathListedTwice;

impl CheckRule for PathListedTwice {
    fn code(&self) -> Code {
        Code::W0302
    }

    fn check(&self, context: &CheckContext<'_>) -> Vec<Diagnostic> {
        let Some(catalog) = context.catalog() else {
            return Vec::new();
        };
        let policy = context.policy;
        let mut diagnostics = Vec::new();
        for (index, queue) in policy.queues.iter().enumerate() {
            let Some(&first) = queue.declarations.first().filter(|_| queue.catalog.is_some()) else {
                continue;
            };
            let path = policy.path(QueueId(index));
            for channel in Channel::ALL {
                let menus = catalog.duplicates_for(&path, channel);
                if menus.is_empty() {
                    continue;
                }
                let shown = policy.display_path(QueueId(index));
                let mut diagnostic = Diagnostic::new(
                    Code::W0302,
                    format!("the catalog lists `{shown}` {} for {channel}s", times(menus.len())),
                )
                .with_primary(first, "one name for several menus");
                for span in menus {
                    diagnostic = diagnostic.with_secondary(span, format!("a menu with this path takes {channel}s"));
                }
                diagnostics.push(
                    diagnostic
                        .with_note("the policy cannot tell these menus apart: the queue's settings apply to all of them")
                        .with_help("rename one of the menus in the platform so each has its own path, then export the catalog again"),
                );
            }
        }
        diagnostics
    }
}

fn times(count: usize) -> String {
    match count {
        2 => "twice".to_owned(),
        _ => format!("{count} times"),
    }
}
