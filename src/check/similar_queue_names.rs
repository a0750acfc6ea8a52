//! W0204: sibling queues whose names differ only in letter case or spacing.
//! Names are compared exactly, so these are two queues, which is rarely what
//! the author meant.

use super::{CheckContext, CheckRule};
use crate::diagnostic::{Code, Diagnostic};
use crate::resolve::{QueueId, quote_name};
use crate::text;
use rustc_hash::FxHashMap;

pub struct SimilarQueueNames;

impl CheckRule for SimilarQueueNames {
    fn code(&self) -> Code {
        Code::W0204
    }

    fn check(&self, context: &CheckContext<'_>) -> Vec<Diagnostic> {
        let policy = context.policy;
        let sibling_groups =
            std::iter::once(policy.roots.as_slice()).chain(policy.queues.iter().map(|queue| queue.children.as_slice()));
        let mut diagnostics = Vec::new();
        for siblings in sibling_groups {
            let mut first_by_key: FxHashMap<String, QueueId> = FxHashMap::default();
            for &id in siblings {
                let Some(queue) = policy.queue(id) else { continue };
                let key = comparison_key(&queue.name);
                let Some(&first) = first_by_key.get(&key) else {
                    first_by_key.insert(key, id);
                    continue;
                };
                let Some(first) = policy.queue(first) else { continue };
                let (Some(&here), Some(&there)) = (queue.declarations.first(), first.declarations.first()) else {
                    continue;
                };
                diagnostics.push(
                    Diagnostic::new(
                        Code::W0204,
                        format!(
                            "sibling queues `{}` and `{}` differ only in letter case or spacing",
                            text::quoted(&quote_name(&first.name)),
                            text::quoted(&quote_name(&queue.name))
                        ),
                    )
                    .with_primary(here, "this queue")
                    .with_secondary(there, "looks like this one")
                    .with_help("names are compared exactly, so these are two queues; if they are one, spell it the same way everywhere"),
                );
            }
        }
        diagnostics
    }
}

/// Lower case, with every kind of white space removed. W0205 uses it too,
/// so as not to report the pairs this rule reports.
pub(super) fn comparison_key(name: &str) -> String {
    if name.is_ascii() {
        // Most names: white space and lower case of ASCII need no tables.
        return name
            .bytes()
            .filter(|&byte| !matches!(byte, b'\t'..=b'\r' | b' '))
            .map(|byte| char::from(byte.to_ascii_lowercase()))
            .collect();
    }
    any_comparison_key(name)
}

/// [`comparison_key`] for any name.
fn any_comparison_key(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_of_an_ascii_name_is_the_key_any_name_gets() {
        let every_ascii: String = (0u8..128).map(char::from).collect();
        for name in [
            every_ascii.as_str(),
            "Sales Team",
            " Q0000001\t",
            "a\u{b}b\u{c}c\u{1c}d",
            "",
        ] {
            assert_eq!(comparison_key(name), any_comparison_key(name), "{name:?}");
        }
        assert_eq!(
            comparison_key("Sales\u{a0}TEAM"),
            "salesteam",
            "a no-break space is white space"
        );
    }
}
