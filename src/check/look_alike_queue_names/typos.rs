//! Typo candidates among sibling names: which pairs are one dropped,
//! added or swapped letter apart, found through an index of spellings so
//! that 100,000 siblings are never compared pair by pair.

use super::{INDEXED_FROM, Likeness, LookAlike, MAX_TYPO_LETTERS, MIN_TYPO_LETTERS, Role, Spelling, Typo};
use std::hash::{Hash, Hasher};

/// One key of one name: a hash of the name with one word varied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct TypoKey {
    hash: u64,
    role: Role,
    /// Which name, as an index into the names indexed.
    name: usize,
}

/// Typo pairs among the representatives (indexes into `spellings`): in a
/// small sibling group every pair is compared, in a large one only the
/// pairs the index suggests. A typo is in a word that may hold one in both
/// names ([`may_hold_typo`]), so names without such a word (codes such as
/// `Q0000001`, most leaves of a large policy) take no part.
pub(super) fn typo_pairs(spellings: &[Spelling], representatives: &[usize]) -> Vec<LookAlike> {
    let (representatives, words): (Vec<usize>, Vec<Vec<&str>>) = representatives
        .iter()
        .filter_map(|&index| {
            let folded = &spellings.get(index)?.folded;
            folded
                .split(' ')
                .any(may_hold_typo)
                .then(|| (index, folded.split(' ').collect()))
        })
        .unzip();
    let candidates = if words.len() < INDEXED_FROM {
        every_pair(words.len())
    } else {
        indexed_candidates(&words)
    };
    candidates
        .into_iter()
        .filter_map(|(first, second)| {
            let typo = typo_between(words.get(first)?, words.get(second)?)?;
            Some(LookAlike {
                earlier: *representatives.get(first)?,
                later: *representatives.get(second)?,
                likeness: Likeness::Typo(typo),
            })
        })
        .collect()
}

/// Every pair of `count` names, smaller index first.
pub(super) fn every_pair(count: usize) -> Vec<(usize, usize)> {
    (0..count)
        .flat_map(|first| (first + 1..count).map(move |second| (first, second)))
        .collect()
}

/// The pairs of names (indexes into `names`, smaller first, each once)
/// that share a typo key: a superset of the typo pairs, found without
/// comparing every pair.
pub(super) fn indexed_candidates(names: &[Vec<&str>]) -> Vec<(usize, usize)> {
    let mut keys = Vec::new();
    for (name, words) in names.iter().enumerate() {
        push_typo_keys(words, name, &mut keys);
    }
    keys.sort_unstable();
    keys.dedup();
    let mut candidates = Vec::new();
    for run in keys.chunk_by(|a, b| a.hash == b.hash) {
        push_candidates(run, &mut candidates);
    }
    candidates.sort_unstable();
    candidates.dedup();
    candidates
}

/// The pairs of names one run of equal hashes suggests, smaller index
/// first: a word as written against the same word with a letter deleted,
/// and two words with the same letters put in order. Two deletions are not
/// paired: they meet for every substituted letter, which is not reported.
/// A run pairs few names: only one name has a given exact spelling, and two
/// a given ordered one; deletions of one spelling are all real typos.
pub(super) fn push_candidates(run: &[TypoKey], candidates: &mut Vec<(usize, usize)>) {
    let with_role = |role: Role| run.iter().filter(move |key| key.role == role).map(|key| key.name);
    for exact in with_role(Role::Exact) {
        for deleted in with_role(Role::Deleted).filter(|&deleted| deleted != exact) {
            candidates.push((exact.min(deleted), exact.max(deleted)));
        }
    }
    let ordered: Vec<usize> = with_role(Role::Ordered).collect();
    for (at, &first) in ordered.iter().enumerate() {
        for &second in ordered.iter().skip(at + 1) {
            candidates.push((first.min(second), first.max(second)));
        }
    }
}

/// The typo keys of one name's words: for each word a typo may be in, the
/// word, each deletion of one letter, and each pair of unequal neighbouring
/// letters put in order, hashed with the word's place and the other words.
pub(super) fn push_typo_keys(words: &[&str], name: usize, keys: &mut Vec<TypoKey>) {
    let (before, after) = context_hashes(words);
    // One buffer for every varied spelling of the name.
    let mut variant = String::new();
    for (position, word) in words.iter().enumerate() {
        let Some(letters) = typo_letters(word) else {
            continue;
        };
        let context = hash_of(&(
            position,
            before.get(position).copied().unwrap_or_default(),
            after.get(position + 1).copied().unwrap_or_default(),
        ));
        let mut push = |role: Role, ordered_at: Option<usize>, variant: &str| {
            keys.push(TypoKey {
                hash: spelling_hash(context, ordered_at, variant),
                role,
                name,
            });
        };
        push(Role::Exact, None, word);
        if letters.len() > MIN_TYPO_LETTERS {
            for deleted in 0..letters.len() {
                variant.clear();
                variant.extend(
                    letters
                        .iter()
                        .enumerate()
                        .filter(|&(at, _)| at != deleted)
                        .map(|(_, &c)| c),
                );
                push(Role::Deleted, None, &variant);
            }
        }
        for (at, pair) in letters.windows(2).enumerate() {
            if let [first, second] = *pair
                && first != second
            {
                variant.clear();
                variant.extend(letters.iter().enumerate().map(|(index, &c)| match index {
                    _ if index == at => first.min(second),
                    _ if index == at + 1 => first.max(second),
                    _ => c,
                }));
                push(Role::Ordered, Some(at), &variant);
            }
        }
    }
}

/// For each word place, a hash of the words before it (`before[i]`) and of
/// the words from it on (`after[i]`), so the rest of a name around word `i`
/// is `(before[i], after[i + 1])`, without rehashing it for every key.
pub(super) fn context_hashes(words: &[&str]) -> (Vec<u64>, Vec<u64>) {
    let mut before = vec![0];
    for word in words {
        let last = before.last().copied().unwrap_or_default();
        before.push(hash_of(&(last, word)));
    }
    let mut after = vec![0];
    for word in words.iter().rev() {
        let last = after.last().copied().unwrap_or_default();
        after.push(hash_of(&(last, word)));
    }
    after.reverse();
    (before, after)
}

pub(super) fn hash_of(value: &impl Hash) -> u64 {
    let mut hasher = rustc_hash::FxHasher::default();
    value.hash(&mut hasher);
    hasher.finish()
}

/// A hash of one varied word in its place among the other words. Exact and
/// deleted spellings share one space (a word matches its one-letter-longer
/// neighbour's deletion); ordered spellings have their own, per place.
pub(super) fn spelling_hash(context: u64, ordered_at: Option<usize>, letters: &str) -> u64 {
    let mut hasher = rustc_hash::FxHasher::default();
    hasher.write_u64(context);
    hasher.write_usize(ordered_at.map_or(0, |at| at + 1));
    hasher.write(letters.as_bytes());
    hasher.finish()
}

/// The letters of a word a typo is looked for in: letters only (digits
/// and signs make codes such as `Q1`, where one character more is another
/// queue), and long enough that one letter more or less is no other word.
/// Most words that differ between siblings are numbers, so those are turned
/// away before any letter is collected.
pub(super) fn typo_letters(word: &str) -> Option<Vec<char>> {
    may_hold_typo(word).then(|| word.chars().collect())
}

/// Whether [`typo_letters`] looks for a typo in `word`, without collecting
/// its letters.
pub(super) fn may_hold_typo(word: &str) -> bool {
    let mut letters = 0;
    for c in word.chars() {
        if !c.is_alphabetic() {
            return false;
        }
        letters += 1;
    }
    (MIN_TYPO_LETTERS..=MAX_TYPO_LETTERS).contains(&letters)
}

/// The typo between two folded names, if they are equal word for word but
/// for one typo word that differs by one letter added or two swapped.
pub(super) fn typo_between(earlier: &[&str], later: &[&str]) -> Option<Typo> {
    if earlier.len() != later.len() {
        return None;
    }
    let mut differing = earlier.iter().zip(later).filter(|(a, b)| a != b);
    let (earlier_word, later_word) = differing.next()?;
    if differing.next().is_some() {
        return None;
    }
    let earlier_letters = typo_letters(earlier_word)?;
    let later_letters = typo_letters(later_word)?;
    match earlier_letters.len().cmp(&later_letters.len()) {
        std::cmp::Ordering::Less => {
            extra_letter(&later_letters, &earlier_letters).map(|letter| Typo::ExtraLetter { in_later: true, letter })
        }
        std::cmp::Ordering::Greater => extra_letter(&earlier_letters, &later_letters).map(|letter| Typo::ExtraLetter {
            in_later: false,
            letter,
        }),
        std::cmp::Ordering::Equal => {
            swapped_letters(&earlier_letters, &later_letters).map(|earlier| Typo::SwappedLetters { earlier })
        }
    }
}

/// The letter `longer` has more than `shorter`, when that is the only
/// difference.
pub(super) fn extra_letter(longer: &[char], shorter: &[char]) -> Option<char> {
    if longer.len() != shorter.len() + 1 {
        return None;
    }
    let at = first_difference(longer, shorter);
    (longer.get(at + 1..) == shorter.get(at..)).then_some(*longer.get(at)?)
}

/// The two neighbouring letters of `a` that `b` has the other way round,
/// when that is the only difference.
pub(super) fn swapped_letters(a: &[char], b: &[char]) -> Option<[char; 2]> {
    let at = first_difference(a, b);
    let (&[a1, a2], &[b1, b2]) = (a.get(at..at + 2)?, b.get(at..at + 2)?) else {
        return None;
    };
    (a1 == b2 && a2 == b1 && a.get(at + 2..) == b.get(at + 2..)).then_some([a1, a2])
}

pub(super) fn first_difference(a: &[char], b: &[char]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

// ---------------------------------------------------------------------------
// The diagnostic
// ---------------------------------------------------------------------------
