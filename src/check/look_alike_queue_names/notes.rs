//! The words of a W0205 report: the diagnostic for a pair, and the notes
//! that say what differs between the two names.

use super::{HELP, Likeness, Typo, visible_text};
use crate::diagnostic::{Code, Diagnostic};
use crate::resolve::quote_name;
use crate::source::Span;
use crate::text;
use std::collections::HashSet;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

pub(super) fn report(earlier: &str, there: Span, later: &str, here: Span, likeness: &Likeness) -> Diagnostic {
    let mut diagnostic = Diagnostic::new(
        Code::W0205,
        format!("sibling queues `{}` and `{}` look alike", shown(earlier), shown(later)),
    )
    .with_primary(here, "this queue")
    .with_secondary(there, "looks like this one");
    let mut notes = Vec::new();
    if let Likeness::Typo(typo) = likeness {
        notes.push(typo_note(earlier, later, typo));
    }
    notes.extend(character_notes(earlier, later));
    if *likeness == Likeness::SameLetters {
        if notes.is_empty() {
            notes.push("they differ only in characters that look alike or cannot be seen".to_owned());
        }
        if visible_normalized(earlier) != visible_normalized(later) {
            notes.push("apart from that, they differ only in letter case or spacing".to_owned());
        }
    }
    for note in notes {
        diagnostic = diagnostic.with_note(note);
    }
    diagnostic.with_help(HELP)
}

/// A name as a message shows it: in the language's quotes, with invisible
/// characters written out and a very long name cut.
pub(super) fn shown(name: &str) -> String {
    text::quoted(&quote_name(name)).into_owned()
}

pub(super) fn typo_note(earlier: &str, later: &str, typo: &Typo) -> String {
    match *typo {
        Typo::ExtraLetter { in_later, letter } => {
            let (longer, shorter) = if in_later { (later, earlier) } else { (earlier, later) };
            format!(
                "they differ by one letter: `{}` has one `{letter}` more than `{}`",
                shown(longer),
                shown(shorter)
            )
        }
        Typo::SwappedLetters {
            earlier: [first, second],
        } => format!(
            "they differ by two swapped letters: `{}` has `{second}{first}` where `{}` has `{first}{second}`",
            shown(later),
            shown(earlier)
        ),
    }
}

/// What sets each name's characters apart from the other's: its first
/// invisible character, its first compatibility form, and its first letter
/// written in decomposed form, each only when the other name lacks it.
pub(super) fn character_notes(earlier: &str, later: &str) -> Vec<String> {
    let mut notes = Vec::new();
    for (name, other) in [(earlier, later), (later, earlier)] {
        let others: HashSet<char> = other.chars().collect();
        let lacks = |c: &char| !others.contains(c);
        if let Some(hidden) = name.chars().filter(|&c| text::needs_escape(c)).find(lacks) {
            notes.push(format!("`{}` holds {}", shown(name), text::describe_char(hidden)));
        }
        if let Some((variant, meaning)) = name.chars().filter(lacks).find_map(compatibility_form) {
            notes.push(format!(
                "`{}` holds {}, {meaning}",
                shown(name),
                text::describe_char(variant)
            ));
        }
        notes.extend(decomposed_note(name, other));
    }
    notes
}

/// A character NFKC replaces, and what it is a form of: "a full-width form
/// of `S`". Invisible characters are named as such instead.
pub(super) fn compatibility_form(c: char) -> Option<(char, String)> {
    if text::needs_escape(c) || c.is_whitespace() {
        return None;
    }
    let replacement: String = std::iter::once(c).nfkc().collect();
    if replacement == c.to_string() {
        return None;
    }
    let replacement = text::escape_hidden(&replacement).into_owned();
    let kind = if ('\u{FF01}'..='\u{FF5E}').contains(&c) {
        "a full-width form"
    } else {
        "a compatibility form"
    };
    Some((c, format!("{kind} of `{replacement}`")))
}

/// "`"Café"` writes `é` as U+0065 U+0301 rather than U+00E9", for the first
/// letter with its marks that is not in composed form (NFC), unless `other`
/// writes it the same way.
pub(super) fn decomposed_note(name: &str, other: &str) -> Option<String> {
    let visible: String = visible_text(name.chars()).collect();
    if unicode_normalization::is_nfc(&visible) {
        return None;
    }
    match letter_clusters(&visible).find(|cluster| !unicode_normalization::is_nfc(cluster)) {
        Some(cluster) if other.contains(cluster) => None,
        Some(cluster) => {
            let composed: String = cluster.nfc().collect();
            Some(format!(
                "`{}` writes `{}` as {} rather than {}",
                shown(name),
                text::escape_hidden(&composed),
                code_points(cluster),
                code_points(&composed)
            ))
        }
        // Letters that compose across clusters, such as Hangul syllables
        // written as separate jamo.
        None => Some(format!(
            "`{}` writes some letters as several Unicode characters (decomposed form)",
            shown(name)
        )),
    }
}

/// A text cut before each character that is not a combining mark: each
/// piece is a letter with the marks that follow it.
pub(super) fn letter_clusters(text: &str) -> impl Iterator<Item = &str> {
    let mut starts: Vec<usize> = text
        .char_indices()
        .filter(|&(_, c)| !is_combining_mark(c))
        .map(|(at, _)| at)
        .collect();
    if starts.first() != Some(&0) {
        starts.insert(0, 0);
    }
    starts.push(text.len());
    let ends: Vec<usize> = starts.iter().skip(1).copied().collect();
    starts
        .into_iter()
        .zip(ends)
        .filter_map(move |(start, end)| text.get(start..end))
        .filter(|cluster| !cluster.is_empty())
}

/// "U+0065 U+0301".
pub(super) fn code_points(text: &str) -> String {
    text.chars().map(text::code_point).collect::<Vec<_>>().join(" ")
}

/// The name with invisible characters dropped and compatibility forms
/// replaced, case and spacing kept: what is left to tell two look-alikes
/// apart once those are set aside.
pub(super) fn visible_normalized(name: &str) -> String {
    let visible: String = visible_text(name.chars()).collect();
    visible_text(visible.nfkc()).collect()
}
