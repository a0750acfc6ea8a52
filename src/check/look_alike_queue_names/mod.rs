//! W0205: sibling queue names that look alike but are not the same name.
//!
//! In: the resolved queue tree. Out: one warning for each pair of sibling
//! queues (same parent, or both top level) whose names either
//!
//! - read the same once Unicode compatibility forms (NFKC) and invisible
//!   characters are set aside: `Café` with a composed and a decomposed `é`,
//!   a full-width `Ｓupport`, a zero-width space inside `Sup<U+200B>port`; or
//! - are one typo apart: equal word for word but for one word of four letters
//!   or more, where a letter was dropped, added or doubled, or two
//!   neighbouring letters swapped (`Suport`, `Billling`, `Supprot`).
//!
//! Names are compared exactly, so each such pair is two queues, and a
//! misspelt reopening silently creates a new one. A substituted letter is
//! not reported: `Gold`/`Bold` and `Sales EN`/`Sales ES` are real neighbours.
//! Pairs that differ only in letter case or spacing are W0204's.
//!
//! A policy may have 100,000 siblings, so no two names are compared blindly.
//! Look-alikes share a key in a hash map. Typo candidates are found as in
//! SymSpell's "symmetric delete": every comparable word contributes its
//! spelling, its spellings with one letter deleted, and one spelling per
//! pair of neighbouring letters put in order, each hashed together with the
//! rest of the name; names with a key in common are candidates, and only
//! candidates are compared letter by letter. Small sibling groups, the
//! usual case, skip the index and compare every pair.

mod notes;
mod typos;

use super::similar_queue_names::comparison_key as case_and_space_key;
use super::{CheckContext, CheckRule};
use crate::diagnostic::{Code, Diagnostic};
use crate::resolve::QueueNode;
use crate::source::Span;
use crate::text;
use notes::report;
use rustc_hash::{FxHashMap, FxHashSet};
use std::borrow::Cow;
use std::collections::hash_map::Entry;
use typos::typo_pairs;
use unicode_normalization::UnicodeNormalization;

/// The shortest word, in letters, in which a typo is reported: below that,
/// one letter more or less usually makes another word (`Tier`/`Tie`).
const MIN_TYPO_LETTERS: usize = 4;

/// The longest word, in letters, the typo comparison looks at: longer words
/// are not names people retype, and each costs its length in keys.
const MAX_TYPO_LETTERS: usize = 64;

/// From this many distinct spellings among siblings on, typo candidates
/// come from the index; below it, comparing every pair costs less than
/// building the index, and most sibling groups are that small.
const INDEXED_FROM: usize = 64;

const HELP: &str = "names are compared exactly, so these are two queues; if they are one, spell it the same way \
                    everywhere; if the portal really has both, allow this warning";

pub struct LookAlikeQueueNames;

impl CheckRule for LookAlikeQueueNames {
    fn code(&self) -> Code {
        Code::W0205
    }

    fn check(&self, context: &CheckContext<'_>) -> Vec<Diagnostic> {
        let policy = context.policy;
        let sibling_groups =
            std::iter::once(policy.roots.as_slice()).chain(policy.queues.iter().map(|queue| queue.children.as_slice()));
        let mut diagnostics = Vec::new();
        for siblings in sibling_groups.filter(|siblings| siblings.len() > 1) {
            let named: Vec<(&QueueNode, Span)> = siblings
                .iter()
                .filter_map(|&id| {
                    let queue = policy.queue(id)?;
                    Some((queue, *queue.declarations.first()?))
                })
                .collect();
            let names: Vec<&str> = named.iter().map(|(queue, _)| &*queue.name).collect();
            for pair in look_alike_pairs(&names) {
                let (Some(&(earlier, there)), Some(&(later, here))) = (named.get(pair.earlier), named.get(pair.later))
                else {
                    continue;
                };
                diagnostics.push(report(&earlier.name, there, &later.name, here, &pair.likeness));
            }
        }
        diagnostics
    }
}

/// Two sibling names that look alike, as indexes into the sibling list.
#[derive(Clone, Debug, PartialEq, Eq)]
struct LookAlike {
    earlier: usize,
    later: usize,
    likeness: Likeness,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Likeness {
    /// The same letters once compatibility forms and invisible characters
    /// are set aside (and letter case and spacing, which alone are W0204).
    SameLetters,
    Typo(Typo),
}

/// How the one differing word of a typo pair differs, in folded letters.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Typo {
    /// One name has this letter more than the other.
    ExtraLetter { in_later: bool, letter: char },
    /// The earlier name has these two neighbouring letters, the later one
    /// has them the other way round.
    SwappedLetters { earlier: [char; 2] },
}

/// A sibling name as the comparison sees it.
struct Spelling<'a> {
    name: &'a str,
    /// Its words, folded by [`folded`], one space between them.
    folded: String,
}

impl<'a> Spelling<'a> {
    fn of(name: &'a str) -> Spelling<'a> {
        Spelling {
            name,
            folded: folded(name),
        }
    }
}

/// Every look-alike pair among sibling names given in declaration order,
/// each once, earlier name first, in the order they are found.
fn look_alike_pairs(names: &[&str]) -> Vec<LookAlike> {
    let spellings: Vec<Spelling> = names.iter().map(|&name| Spelling::of(name)).collect();
    let (mut pairs, representatives) = same_letter_pairs(&spellings);
    pairs.extend(typo_pairs(&spellings, &representatives));
    pairs
}

/// `name` in lower case, its words one space apart, after dropping
/// the characters crmpol writes out as `<U+XXXX>` (zero-width characters,
/// controls, bidirectional marks) and replacing compatibility forms by what
/// they stand for (NFKC: a full-width `Ｓ` is `S`, a no-break space a space,
/// a decomposed `é` a composed one).
fn folded(name: &str) -> String {
    if name.is_ascii() {
        // NFKC leaves ASCII as it is: most names, spared its cost.
        return folded_ascii(name);
    }
    folded_any(name)
}

/// [`folded`] for any name.
fn folded_any(name: &str) -> String {
    let visible: String = visible_text(name.chars()).collect();
    let normalized: String = visible_text(visible.nfkc()).flat_map(char::to_lowercase).collect();
    let mut words = String::with_capacity(normalized.len());
    for word in normalized.split_whitespace() {
        if !words.is_empty() {
            words.push(' ');
        }
        words.push_str(word);
    }
    words
}

/// [`folded`] for an ASCII name, in one pass: NFKC leaves ASCII as it is,
/// white space separates words, controls are dropped without separating.
fn folded_ascii(name: &str) -> String {
    let mut words = String::with_capacity(name.len());
    let mut space_pending = false;
    for c in name.chars() {
        // Letters, digits and signs first: most of every name.
        if !c.is_ascii_graphic() && c.is_whitespace() {
            space_pending = true;
        } else if c.is_ascii_graphic() || !text::needs_escape(c) {
            if space_pending && !words.is_empty() {
                words.push(' ');
            }
            space_pending = false;
            words.push(c.to_ascii_lowercase());
        }
    }
    words
}

/// The characters of a name that can be seen, with every kind of white
/// space as a plain space. Used before and after NFKC, which may turn one
/// invisible character into another.
fn visible_text(chars: impl Iterator<Item = char>) -> impl Iterator<Item = char> {
    chars.filter_map(|c| {
        if c.is_whitespace() {
            Some(' ')
        } else if text::needs_escape(c) {
            None
        } else {
            Some(c)
        }
    })
}

/// Pairs with the same letters once folded, each spelling that W0204 does
/// not already tie to an earlier one reported against the first name with
/// those letters; and that first name of each set of letters, the names the
/// typo comparison looks at.
fn same_letter_pairs(spellings: &[Spelling]) -> (Vec<LookAlike>, Vec<usize>) {
    let mut first_by_letters: FxHashMap<Cow<str>, usize> = FxHashMap::default();
    // W0204's keys in each set of letters, computed only for sets of two
    // names or more: pairs sharing one are W0204's.
    let mut seen: FxHashSet<(usize, String)> = FxHashSet::default();
    let mut pairs = Vec::new();
    let mut representatives = Vec::new();
    for (index, spelling) in spellings.iter().enumerate() {
        // A name of one word, as most are, is its own letters.
        let letters = if spelling.folded.contains(' ') {
            Cow::Owned(spelling.folded.chars().filter(|&c| c != ' ').collect())
        } else {
            Cow::Borrowed(spelling.folded.as_str())
        };
        let first = match first_by_letters.entry(letters) {
            Entry::Vacant(vacant) => {
                vacant.insert(index);
                representatives.push(index);
                continue;
            }
            Entry::Occupied(occupied) => *occupied.get(),
        };
        if let Some(first_spelling) = spellings.get(first) {
            seen.insert((first, case_and_space_key(first_spelling.name)));
        }
        if seen.insert((first, case_and_space_key(spelling.name))) {
            pairs.push(LookAlike {
                earlier: first,
                later: index,
                likeness: Likeness::SameLetters,
            });
        }
    }
    (pairs, representatives)
}

/// What a typo key stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Role {
    /// A word as written: it matches the same word with a letter added.
    Exact,
    /// A word with one letter deleted: it matches the word without it.
    Deleted,
    /// A word with two neighbouring letters put in order: it matches the
    /// word with those two letters swapped.
    Ordered,
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_ascii_name_folds_in_one_pass_as_any_name_folds() {
        for name in [
            "",
            " ",
            "Support",
            "  Tier  1  ",
            "Sup\u{1}port",
            "a \u{1} b",
            "A\tB\nC\u{b}D\u{c}E\rF",
            "\u{7f}x",
            "MiXeD Case ~!",
        ] {
            assert_eq!(super::folded_ascii(name), super::folded_any(name), "{name:?}");
        }
    }

    use super::notes::*;
    use super::typos::*;
    use super::*;

    fn pairs(names: &[&str]) -> Vec<(usize, usize)> {
        look_alike_pairs(names)
            .into_iter()
            .map(|pair| (pair.earlier, pair.later))
            .collect()
    }

    fn looks_alike(a: &str, b: &str) -> bool {
        !pairs(&[a, b]).is_empty()
    }

    fn typo(a: &str, b: &str) -> Option<Typo> {
        match look_alike_pairs(&[a, b]).pop()?.likeness {
            Likeness::Typo(typo) => Some(typo),
            Likeness::SameLetters => None,
        }
    }

    #[test]
    fn names_real_contact_centers_use_side_by_side_are_quiet() {
        let quiet = [
            ("Tier 1", "Tier 2"),
            ("Sales EN", "Sales ES"),
            ("Q1", "Q2"),
            ("Gold", "Bold"),
            ("Team", "Tea"),
            ("Sales", "Sale 2"),
            ("Tier 1 Billing", "Tier 2 Biling"),
            ("Support", "Support Billing"),
            ("Billing Support", "Support Billing"),
            ("Refunds 3", "Refunds 13"),
            ("Support", "Support"),
        ];
        for (a, b) in quiet {
            assert!(!looks_alike(a, b), "{a:?} / {b:?}");
        }
    }

    #[test]
    fn one_letter_typos_are_caught() {
        let caught = [
            ("Support", "Suport"),
            ("Billing", "Billling"),
            ("Billing", "Biling"),
            ("Support", "Supprot"),
            ("Outage Hotline", "Outage Hotlien"),
            ("Sales Support", "Sales suport"),
            ("Éclair", "Éclari"),
        ];
        for (a, b) in caught {
            assert!(typo(a, b).is_some(), "{a:?} / {b:?}");
            assert!(typo(b, a).is_some(), "{b:?} / {a:?}");
        }
    }

    #[test]
    fn a_letter_added_at_the_end_of_a_word_is_a_typo_too() {
        assert_eq!(
            typo("Billing", "Billings"),
            Some(Typo::ExtraLetter {
                in_later: true,
                letter: 's'
            })
        );
    }

    #[test]
    fn typos_say_which_letter_differs() {
        assert_eq!(
            typo("Support", "Suport"),
            Some(Typo::ExtraLetter {
                in_later: false,
                letter: 'p'
            })
        );
        assert_eq!(
            typo("Support", "Supprot"),
            Some(Typo::SwappedLetters { earlier: ['o', 'r'] })
        );
    }

    #[test]
    fn substitutions_and_two_typos_are_not_typos() {
        assert_eq!(typo("Support", "Suppirt"), None);
        assert_eq!(typo("Support", "Supprto"), None, "a letter moved by two places");
        assert_eq!(typo("Support Billing", "Suport Biling"), None, "two words differ");
        assert_eq!(typo("Support", "Suppport2"), None);
    }

    #[test]
    fn composed_and_decomposed_accents_look_alike() {
        let found = look_alike_pairs(&["Caf\u{e9}", "Cafe\u{301}"]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].likeness, Likeness::SameLetters);
    }

    #[test]
    fn full_width_letters_look_alike() {
        assert_eq!(pairs(&["Support", "\u{ff33}upport"]), [(0, 1)]);
        assert_eq!(pairs(&["SUPPORT", "\u{ff33}upport"]), [(0, 1)], "case differs as well");
    }

    #[test]
    fn invisible_characters_look_alike() {
        assert_eq!(pairs(&["Support", "Sup\u{200b}port"]), [(0, 1)]);
        assert_eq!(pairs(&["Support\u{feff}", "Support"]), [(0, 1)]);
        assert_eq!(pairs(&["Sales EN", "\u{ff33}ales\u{a0}EN"]), [(0, 1)]);
    }

    #[test]
    fn pairs_w0204_reports_are_left_to_it() {
        assert!(!looks_alike("Billing", "billing"));
        assert!(!looks_alike("Sales EN", "Sales\u{a0}EN"), "a no-break space is spacing");
        assert!(!looks_alike("Quick Questions", "QuickQuestions"));
        // W0204 ties `support` to `Support`; only the full-width one is ours.
        assert_eq!(pairs(&["Support", "support", "\u{ff33}upport"]), [(0, 2)]);
    }

    #[test]
    fn each_pair_is_reported_once() {
        assert_eq!(pairs(&["Support", "Suport", "Sup\u{200b}port"]), [(0, 2), (0, 1)]);
        assert_eq!(pairs(&["Billing", "Billling"]), [(0, 1)], "two ways to delete an `l`");
    }

    #[test]
    fn notes_say_what_differs() {
        let span = Span::new(crate::source::FileId(0), 0, 1);
        let notes = |a: &str, b: &str| {
            let pair = look_alike_pairs(&[a, b]).pop().unwrap();
            report(a, span, b, span, &pair.likeness).notes
        };
        assert_eq!(
            notes("Support", "Sup\u{200b}port"),
            ["`\"Sup<U+200B>port\"` holds a zero-width space (U+200B)"]
        );
        assert_eq!(
            notes("Support", "\u{ff33}upport"),
            ["`\"\u{ff33}upport\"` holds `\u{ff33}` (U+FF33), a full-width form of `S`"]
        );
        assert_eq!(
            notes("Caf\u{e9}", "Cafe\u{301}"),
            ["`\"Cafe\u{301}\"` writes `\u{e9}` as U+0065 U+0301 rather than U+00E9"]
        );
        assert_eq!(
            notes("Support", "Suport"),
            ["they differ by one letter: `\"Support\"` has one `p` more than `\"Suport\"`"]
        );
        assert_eq!(
            notes("Support", "Supprot"),
            ["they differ by two swapped letters: `\"Supprot\"` has `ro` where `\"Support\"` has `or`"]
        );
        assert_eq!(
            notes("sales", "\u{ff33}ales"),
            [
                "`\"\u{ff33}ales\"` holds `\u{ff33}` (U+FF33), a full-width form of `S`",
                "apart from that, they differ only in letter case or spacing"
            ]
        );
    }

    #[test]
    fn very_long_words_are_not_compared_for_typos() {
        let long = "a".repeat(MAX_TYPO_LETTERS + 1);
        let longer = format!("{long}b");
        assert!(!looks_alike(&long, &longer));
    }

    #[test]
    fn the_index_finds_the_typos_comparing_every_pair_finds() {
        let names = [
            "Support",
            "Suport",
            "Supprot",
            "Billing",
            "Billling",
            "Biling",
            "Billings",
            "Gold",
            "Bold",
            "Tier 1",
            "Tier 2",
            "Outage Hotline",
            "Outage Hotlien",
            "Outage Hotlines",
            "Sales EN",
            "Sales ES",
            "Sales ENG",
            "Returns",
            "Retunrs",
            "Retuns",
            "Éclair",
            "Éclari",
            "Ｓupport Desk",
            "Support Desk",
            "Suport Desk",
        ];
        let spellings: Vec<Spelling> = names.iter().map(|&name| Spelling::of(name)).collect();
        let words: Vec<Vec<&str>> = spellings
            .iter()
            .map(|spelling| spelling.folded.split(' ').collect())
            .collect();
        let typos = |candidates: Vec<(usize, usize)>| -> Vec<(usize, usize)> {
            candidates
                .into_iter()
                .filter(|&(a, b)| typo_between(&words[a], &words[b]).is_some())
                .collect()
        };
        let everywhere = typos(every_pair(words.len()));
        assert_eq!(typos(indexed_candidates(&words)), everywhere);
        assert_eq!(everywhere.len(), 13, "{everywhere:?}");
        // Names without a word that may hold a typo (codes, numbers, short
        // words) are left out before pairing; the pairs are the same.
        let mut mixed: Vec<&str> = names.to_vec();
        mixed.extend([
            "Q0000001", "Q0000002", "Tier 3", "EN", "Go", "Gol", "Q1", "Q12", "Goldd",
        ]);
        let spellings: Vec<Spelling> = mixed.iter().map(|&name| Spelling::of(name)).collect();
        let words: Vec<Vec<&str>> = spellings
            .iter()
            .map(|spelling| spelling.folded.split(' ').collect())
            .collect();
        let every: Vec<usize> = (0..mixed.len()).collect();
        let pruned: Vec<(usize, usize)> = typo_pairs(&spellings, &every)
            .into_iter()
            .map(|pair| (pair.earlier, pair.later))
            .collect();
        let compared: Vec<(usize, usize)> = every_pair(words.len())
            .into_iter()
            .filter(|&(a, b)| typo_between(&words[a], &words[b]).is_some())
            .collect();
        assert_eq!(pruned, compared);
        assert_eq!(
            compared.len(),
            everywhere.len() + 1,
            "`Gold` / `Goldd` is a pair too: {compared:?}"
        );
    }

    /// 50,000 distinct five-letter words with their letters in alphabetical
    /// order: no two are one deletion or one swap apart.
    fn quiet_words(count: usize) -> Vec<String> {
        let letters: Vec<char> = ('a'..='z').collect();
        let mut words = Vec::with_capacity(count);
        let mut picked = [0, 1, 2, 3, 4];
        while words.len() < count {
            words.push(picked.iter().map(|&at| letters[at]).collect::<String>());
            // The next combination of 5 of the 26 letters.
            let Some(slot) = (0..5).rev().find(|&slot| picked[slot] < 21 + slot) else {
                break;
            };
            picked[slot] += 1;
            for next in slot + 1..5 {
                picked[next] = picked[next - 1] + 1;
            }
        }
        words
    }

    #[test]
    fn fifty_thousand_siblings_are_compared_quickly() {
        let words = quiet_words(50_000);
        assert_eq!(words.len(), 50_000);
        let mut names: Vec<String> = words.iter().map(|word| format!("Queue {word}")).collect();
        // Planted: a doubled letter, a swap, a full-width letter.
        names.push("Queue abbcde".to_owned());
        names.push("Queue bacde".to_owned());
        names.push("\u{ff31}ueue abcdf".to_owned());
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let started = std::time::Instant::now();
        let found = pairs(&names);
        let elapsed = started.elapsed();
        assert_eq!(found, [(1, 50_002), (0, 50_000), (0, 50_001)]);
        // All pairs would be 1.25 billion comparisons; this takes well under
        // a second. The bound only catches a quadratic comparison.
        assert!(elapsed.as_secs() < 10, "{elapsed:?}");
    }
}
