//! Which queue a person means: a queue path as written on the command
//! line, found in a policy set.
//!
//! In: a [`Semantics`] and the text of a path, plain (`Support/Billing`)
//! or quoted as the language writes it (`"Support" / "Billing"`). Out: the
//! queue; or, when a plain path reads as more than one queue, all of them;
//! or, when there is none, the ones probably meant, for a "did you mean".

use super::Semantics;
use crate::resolve::{QueueId, ResolvedPolicy};

/// A queue as a person names it on the command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QueueQuery {
    /// `"Support" / "Billing"`: the names exactly, as the language reads them.
    Quoted(Vec<String>),
    /// `Support/Billing`: the text cut at every `/`, each part trimmed.
    Plain(Vec<String>),
}

impl QueueQuery {
    /// Text starting with `"` is read as the language writes a path; any
    /// other text as plain names separated by `/`.
    pub fn parse(text: &str) -> Result<QueueQuery, String> {
        let trimmed = crate::text::trim_blanks(text);
        if trimmed.starts_with('"') {
            return crate::syntax::parse_queue_path(trimmed).map(QueueQuery::Quoted);
        }
        let parts: Vec<String> = trimmed
            .split('/')
            .map(|part| crate::text::trim_blanks(part).to_owned())
            .collect();
        if parts.iter().any(String::is_empty) {
            return Err(
                "a queue name is empty: write the names separated by `/`, such as `Support/Billing`".to_owned(),
            );
        }
        Ok(QueueQuery::Plain(parts))
    }

    fn parts(&self) -> &[String] {
        match self {
            QueueQuery::Quoted(names) | QueueQuery::Plain(names) => names,
        }
    }
}

/// What a [`QueueQuery`] names in a policy set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QueueLookup {
    Found(QueueId),
    /// A plain path that reads as more than one queue (a name holds a `/`).
    Ambiguous(Vec<QueueId>),
    /// No queue is called that; the likeliest ones meant, best first.
    Unknown(Vec<QueueId>),
}

/// How many queues "did you mean" offers at most.
const SUGGESTIONS: usize = 3;

impl<'s> Semantics<'s> {
    /// The queue a person named, or the ones they probably meant.
    pub fn find_queue(&self, query: &QueueQuery) -> QueueLookup {
        let policy = &self.snapshot.analysis.policy;
        let found = match query {
            QueueQuery::Quoted(names) => policy.queue_by_path(names).into_iter().collect(),
            QueueQuery::Plain(parts) => plain_matches(policy, parts),
        };
        match found.as_slice() {
            [only] => QueueLookup::Found(*only),
            [] => QueueLookup::Unknown(suggestions(policy, query.parts())),
            _ => QueueLookup::Ambiguous(found),
        }
    }
}

/// A name cut at every `/`, each part trimmed: how a plain path reads it.
fn plain_parts(name: &str) -> impl Iterator<Item = &str> {
    name.split('/').map(crate::text::trim_blanks)
}

/// The queues whose names, cut and trimmed as a plain path is, give
/// `parts`. Walks down only through queues that match so far.
fn plain_matches(policy: &ResolvedPolicy, parts: &[String]) -> Vec<QueueId> {
    let mut found = Vec::new();
    let mut pending: Vec<(QueueId, usize)> = policy.roots.iter().map(|&root| (root, 0)).collect();
    while let Some((id, matched)) = pending.pop() {
        let Some(queue) = policy.queue(id) else { continue };
        let mut next = matched;
        let fits = plain_parts(&queue.name).all(|part| {
            let same = parts.get(next).is_some_and(|wanted| wanted == part);
            next += 1;
            same
        });
        if !fits {
            continue;
        }
        if next == parts.len() {
            found.push(id);
        } else {
            pending.extend(queue.children.iter().map(|&child| (child, next)));
        }
    }
    found.sort();
    found
}

/// The queues probably meant: those whose path ends with the names given,
/// ignoring letter case (the leaf's name alone, say); else those closest
/// to it by a few typos.
fn suggestions(policy: &ResolvedPolicy, parts: &[String]) -> Vec<QueueId> {
    let wanted: Vec<String> = parts.iter().map(|part| part.to_lowercase()).collect();
    let mut by_suffix: Vec<QueueId> = (0..policy.queues.len())
        .map(QueueId)
        .filter(|&id| path_ends_with(policy, id, &wanted))
        .collect();
    if !by_suffix.is_empty() {
        by_suffix.truncate(SUGGESTIONS);
        return by_suffix;
    }
    closest_paths(policy, &wanted.join("/"), parts.len())
}

fn path_ends_with(policy: &ResolvedPolicy, queue: QueueId, wanted: &[String]) -> bool {
    let mut current = policy.queue(queue);
    for name in wanted.iter().rev() {
        let Some(node) = current else { return false };
        if crate::text::trim_blanks(&node.name).to_lowercase() != *name {
            return false;
        }
        current = node.parent.and_then(|parent| policy.queue(parent));
    }
    true
}

/// Queues at about the depth written whose path, in lower case and joined
/// by `/`, is a plausible typo of `written`: at most a third of its length
/// away, as setting names are suggested.
fn closest_paths(policy: &ResolvedPolicy, written: &str, depth: usize) -> Vec<QueueId> {
    let near_depth = depth.saturating_sub(1)..=depth + 1;
    let mut scored: Vec<(usize, QueueId)> = (0..policy.queues.len())
        .map(QueueId)
        .filter(|&id| policy.queue(id).is_some_and(|queue| near_depth.contains(&queue.depth)))
        .filter_map(|id| {
            let candidate = policy.path(id).join("/").to_lowercase();
            let distance = strsim::damerau_levenshtein(written, &candidate);
            (distance <= (candidate.chars().count() / 3).max(1)).then_some((distance, id))
        })
        .collect();
    scored.sort();
    let best = scored.first().map(|(distance, _)| *distance);
    scored
        .into_iter()
        .take_while(|(distance, _)| Some(*distance) == best)
        .map(|(_, id)| id)
        .take(SUGGESTIONS)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::snapshot_of_texts;

    use crate::query::test_policies::TIERS as POLICY;

    fn lookup(text: &str) -> QueueLookup {
        let snapshot = snapshot_of_texts(&[("p.crmpol", POLICY)]);
        let semantics = Semantics::of(&snapshot);
        match QueueQuery::parse(text) {
            Ok(query) => semantics.find_queue(&query),
            Err(why) => panic!("{text}: {why}"),
        }
    }

    fn names(snapshot: &crate::workspace::Snapshot, lookup: &QueueLookup) -> Vec<String> {
        let ids = match lookup {
            QueueLookup::Found(id) => vec![*id],
            QueueLookup::Ambiguous(ids) | QueueLookup::Unknown(ids) => ids.clone(),
        };
        ids.iter()
            .map(|id| snapshot.analysis.policy.display_path(*id))
            .collect()
    }

    #[test]
    fn plain_and_quoted_paths_find_their_queue() {
        let snapshot = snapshot_of_texts(&[("p.crmpol", POLICY)]);
        assert!(matches!(lookup("Support/Billing"), QueueLookup::Found(_)));
        assert!(matches!(lookup(" Support / Billing "), QueueLookup::Found(_)));
        let quoted = lookup(r#""Support" / "Tier 1/Tier 2""#);
        assert_eq!(names(&snapshot, &quoted), [r#""Support" / "Tier 1/Tier 2""#]);
        let plain = lookup("Support/Tier 1/Tier 2");
        assert!(matches!(plain, QueueLookup::Ambiguous(_)), "{plain:?}");
        assert_eq!(
            names(&snapshot, &plain),
            [r#""Support" / "Tier 1/Tier 2""#, r#""Support" / "Tier 1" / "Tier 2""#]
        );
    }

    #[test]
    fn an_unknown_queue_suggests_the_likeliest() {
        let snapshot = snapshot_of_texts(&[("p.crmpol", POLICY)]);
        assert_eq!(
            names(&snapshot, &lookup("Billing")),
            [r#""Support" / "Billing""#],
            "the leaf's name alone"
        );
        assert_eq!(
            names(&snapshot, &lookup("support/biling")),
            [r#""Support" / "Billing""#]
        );
        assert_eq!(names(&snapshot, &lookup(r#""Sale""#)), [r#""Sales""#]);
        assert_eq!(lookup("Marketing/Outbound"), QueueLookup::Unknown(Vec::new()));
    }

    #[test]
    fn a_queue_argument_is_one_path() {
        assert!(QueueQuery::parse("Support//Billing").is_err());
        assert!(QueueQuery::parse("/Support").is_err());
        assert!(QueueQuery::parse(r#""Support" {"#).is_err());
        assert_eq!(
            QueueQuery::parse("Say \"Hi\""),
            Ok(QueueQuery::Plain(vec!["Say \"Hi\"".to_owned()]))
        );
    }
}
