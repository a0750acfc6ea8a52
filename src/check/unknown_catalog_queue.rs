//! E0301: a policy queue whose path the catalog does not have. Only the
//! topmost such queue of a path is reported (the queues below it are not in
//! the catalog either), once, at every place it is opened, with the closest
//! catalog path as the suggestion: among the same parent's queues first.

use super::{CheckContext, CheckRule};
use crate::catalog::{Catalog, PathId};
use crate::diagnostic::{Code, Diagnostic, Edit, Fix};
use crate::resolve::{QueueId, QueueNode, ResolvedPolicy, quote_name};

pub struct UnknownCatalogQueue;

/// How many suggestions the help lists.
const SHOWN: usize = 3;

impl CheckRule for UnknownCatalogQueue {
    fn code(&self) -> Code {
        Code::E0301
    }

    fn check(&self, context: &CheckContext<'_>) -> Vec<Diagnostic> {
        let Some(catalog) = context.catalog() else {
            return Vec::new();
        };
        let policy = context.policy;
        policy
            .queues
            .iter()
            .enumerate()
            .filter(|(_, queue)| queue.catalog.is_none() && !queue.is_catalog_only())
            .filter(|(_, queue)| parent_in_catalog(policy, queue))
            .filter_map(|(index, queue)| unknown(policy, catalog, QueueId(index), queue))
            .collect()
    }
}

/// Whether the queue's parent is in the catalog (or it is top level): the
/// queue is then the first name of its path the catalog lacks.
fn parent_in_catalog(policy: &ResolvedPolicy, queue: &QueueNode) -> bool {
    queue
        .parent
        .is_none_or(|parent| policy.queue(parent).is_some_and(|parent| parent.catalog.is_some()))
}

fn unknown(policy: &ResolvedPolicy, catalog: &Catalog, id: QueueId, queue: &QueueNode) -> Option<Diagnostic> {
    let (&first, others) = queue.declarations.split_first()?;
    let path = policy.path(id);
    let shown = policy.display_path(id);
    let below = count_below(policy, queue);
    let mut diagnostic = if catalog.is_deleted_only(&path) {
        Diagnostic::new(
            Code::E0301,
            format!("queue `{shown}` is in the catalog only as deleted menus"),
        )
        .with_primary(first, "deleted in the platform")
        .with_note("a deleted menu takes no calls or chats, so this queue's settings reach no entry")
    } else {
        Diagnostic::new(Code::E0301, format!("queue `{shown}` is not in the catalog"))
            .with_primary(first, "no such queue in the catalog")
            .with_note("the table's entries are the catalog's queues, so this queue's settings reach no entry")
    };
    for &other in others {
        diagnostic = diagnostic.with_secondary(other, "opened again here");
    }
    if below > 0 {
        diagnostic = diagnostic.with_note(match below {
            1 => "nor do those of the queue below it".to_owned(),
            _ => format!("nor do those of the {below} queues below it"),
        });
    }
    let suggested = catalog.suggest_paths(&path);
    let Some((&closest, rest)) = suggested.split_first() else {
        return Some(diagnostic.with_help(
            "write the queue's name as the platform has it, or remove the queue if the platform no longer has it",
        ));
    };
    let listed: Vec<String> = suggested
        .iter()
        .take(SHOWN)
        .map(|&path| format!("`{}`", catalog.display_path(path)))
        .collect();
    diagnostic = diagnostic.with_help(format!("did you mean {}?", crate::text::or_list(&listed)));
    if let Some(fix) = rename_fix(catalog, &path, closest, &queue.declarations) {
        diagnostic = diagnostic.with_fix(fix);
        for &other in rest.iter().take(SHOWN - 1) {
            if let Some(fix) = rename_fix(catalog, &path, other, &queue.declarations) {
                diagnostic = diagnostic.with_fix(fix);
            }
        }
    }
    Some(diagnostic)
}

/// The queues below a queue, counted without recursion.
fn count_below(policy: &ResolvedPolicy, queue: &QueueNode) -> usize {
    let mut pending: Vec<QueueId> = queue.children.clone();
    let mut count = 0;
    while let Some(id) = pending.pop() {
        count += 1;
        if let Some(child) = policy.queue(id) {
            pending.extend(child.children.iter().copied());
        }
    }
    count
}

/// Renames the queue at every place it is opened, when the suggestion has
/// the same parent (only the last name changes). A guess, so unsafe.
fn rename_fix(
    catalog: &Catalog,
    path: &[&str],
    suggestion: PathId,
    declarations: &[crate::source::Span],
) -> Option<Fix> {
    let suggested = catalog.path(suggestion);
    let (new_name, new_parent) = suggested.split_last()?;
    let (_, parent) = path.split_last()?;
    if new_parent != parent {
        return None;
    }
    let quoted = quote_name(new_name);
    let edits = declarations
        .iter()
        .map(|&span| Edit::replace(span, quoted.clone()))
        .collect();
    Some(Fix::unsafe_fix(
        format!("write `{}`", crate::text::quoted(&quoted)),
        edits,
    ))
}
