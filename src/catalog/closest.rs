//! "Did you mean" for a queue path the catalog does not have (E0301).
//!
//! In: a path as a policy wrote it, and the catalog. Out: the catalog paths
//! probably meant, by the rule every "did you mean" of crmpol follows
//! ([`crate::vocabulary::suggest`]: a third of the length away at most, and
//! rivals within twice the best distance shown too), after both sides are
//! put in the same form ([`crate::vocabulary::normalize_for_matching`]).
//!
//! The same parent first: when the path's parent is in the catalog, its
//! children's names are compared with the last name written. Only when
//! none is close, anywhere: every path about as deep (one level more or
//! less), compared as its names joined by `/`, as `crmpol why` compares
//! queue paths.

use super::tree::{Catalog, PathId};
use crate::vocabulary::{self, Suggestion};

/// Longer than this (in characters, names joined), a path gets no
/// suggestion: comparing costs the product of the lengths.
const LONGEST_COMPARED: usize = 1_000;

impl Catalog {
    /// The catalog paths a path not in the catalog probably means: none,
    /// one, or a few about as close (the author chooses), closest first.
    pub fn suggest_paths<S: AsRef<str>>(&self, path: &[S]) -> Vec<PathId> {
        let Some((last, _)) = path.split_last() else {
            return Vec::new();
        };
        if let Some(parent) = self.parent_of(path) {
            let siblings = self.children(Some(parent));
            let names: Vec<String> = siblings
                .iter()
                .map(|&id| vocabulary::normalize_for_matching(self.name(id)))
                .collect();
            if last.as_ref().chars().count() <= LONGEST_COMPARED {
                let found = suggested(last.as_ref(), &names, siblings);
                if !found.is_empty() {
                    return found;
                }
            }
        }
        let written: Vec<String> = path
            .iter()
            .map(|name| vocabulary::normalize_for_matching(name.as_ref()))
            .collect();
        let written = written.join("/");
        let length = written.chars().count();
        if length > LONGEST_COMPARED {
            return Vec::new();
        }
        let depth = path.len();
        let (ids, names): (Vec<PathId>, Vec<String>) = self
            .live_paths()
            .filter(|&(_, at, _)| at + 1 >= depth && at <= depth + 1)
            .filter(|&(_, at, chars)| could_be_close(chars + at.saturating_sub(1), length))
            .map(|(id, ..)| {
                let names: Vec<String> = self
                    .path(id)
                    .iter()
                    .map(|name| vocabulary::normalize_for_matching(name))
                    .collect();
                (id, names.join("/"))
            })
            .unzip();
        suggested(&written, &names, &ids)
    }

    /// The path a path not in the catalog most likely means: the closest
    /// of [`Catalog::suggest_paths`].
    pub fn closest_path<S: AsRef<str>>(&self, path: &[S]) -> Option<PathId> {
        self.suggest_paths(path).first().copied()
    }
}

/// Whether a candidate of `chars` characters can be within a third of its
/// length of a text of `length` characters (the distance is at least the
/// difference of the lengths), with room for what normalizing changes.
fn could_be_close(chars: usize, length: usize) -> bool {
    chars <= 2 * (length + 2) && 3 * chars + 3 >= length
}

/// The ids whose names [`vocabulary::suggest`] suggests for `written`.
fn suggested(written: &str, names: &[String], ids: &[PathId]) -> Vec<PathId> {
    let candidates: Vec<&str> = names.iter().map(String::as_str).collect();
    let spellings = match vocabulary::suggest(written, &candidates) {
        Suggestion::None => Vec::new(),
        Suggestion::One { spelling, .. } => vec![spelling],
        Suggestion::Several(spellings) => spellings,
    };
    spellings
        .into_iter()
        .filter_map(|spelling| {
            // By address: two names may normalize to the same text.
            candidates
                .iter()
                .position(|candidate| std::ptr::eq(candidate.as_ptr(), spelling.as_ptr()))
        })
        .filter_map(|index| ids.get(index).copied())
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::catalog::read_catalog;
    use crate::source::FileId;

    const CATALOG: &str = r#"[
        {"id": 1, "name": "Support"},
        {"id": 2, "name": "Billing", "parent_id": 1},
        {"id": 3, "name": "Technical", "parent_id": 1},
        {"id": 4, "name": "Sales"},
        {"id": 5, "name": "Inbound", "parent_id": 4},
        {"id": 6, "name": "Tier 1", "parent_id": 1},
        {"id": 7, "name": "Tier 2", "parent_id": 1}
    ]"#;

    fn suggestions(path: &[&str]) -> Vec<String> {
        let read = read_catalog(FileId(0), CATALOG);
        let Some(catalog) = read.catalog else {
            panic!("{:?}", read.problems)
        };
        catalog
            .suggest_paths(path)
            .into_iter()
            .map(|id| catalog.path(id).join("/"))
            .collect()
    }

    #[test]
    fn a_sibling_first() {
        assert_eq!(suggestions(&["Support", "Biling"]), ["Support/Billing"]);
        assert_eq!(suggestions(&["Support", "billing"]), ["Support/Billing"], "case");
        assert_eq!(suggestions(&["Sales", "Inbond"]), ["Sales/Inbound"]);
    }

    #[test]
    fn then_anywhere() {
        assert_eq!(suggestions(&["Suport", "Billing"]), ["Support/Billing"]);
        assert_eq!(suggestions(&["Sale", "Inbound"]), ["Sales/Inbound"]);
        assert_eq!(suggestions(&["Supprot"]), ["Support"]);
    }

    #[test]
    fn rivals_are_all_shown_and_strangers_none() {
        assert_eq!(
            suggestions(&["Support", "Tier 3"]),
            ["Support/Tier 1", "Support/Tier 2"]
        );
        assert_eq!(suggestions(&["Marketing", "Outbound"]), Vec::<String>::new());
        assert_eq!(suggestions(&[]), Vec::<String>::new());
    }
}
