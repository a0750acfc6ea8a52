//! The words of the language besides the settings: CRMs and channels, and
//! how a misspelt word finds the one meant.
//!
//! In: words as an operator wrote them (whitespace already folded). Out:
//! typed values, or the closest known spelling for a "did you mean". The
//! settings and their values are declared in [`crate::settings`].

use serde::Serialize;
use std::fmt;

/// The CRM a policy set targets (`crm: NAME`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Crm {
    Salesforce,
    Zendesk,
    Servicenow,
    Custom,
    Kustomer,
    Dynamics,
    Freshdesk,
    Hubspot,
}

impl Crm {
    pub const ALL: [Crm; 8] = [
        Crm::Salesforce,
        Crm::Zendesk,
        Crm::Servicenow,
        Crm::Custom,
        Crm::Kustomer,
        Crm::Dynamics,
        Crm::Freshdesk,
        Crm::Hubspot,
    ];

    pub fn keyword(self) -> &'static str {
        match self {
            Crm::Salesforce => "salesforce",
            Crm::Zendesk => "zendesk",
            Crm::Servicenow => "servicenow",
            Crm::Custom => "custom",
            Crm::Kustomer => "kustomer",
            Crm::Dynamics => "dynamics",
            Crm::Freshdesk => "freshdesk",
            Crm::Hubspot => "hubspot",
        }
    }

    pub fn from_keyword(word: &str) -> Option<Crm> {
        Crm::ALL.into_iter().find(|crm| crm.keyword() == word)
    }

    /// What this CRM calls a record and an account, for text written for
    /// people. Where the terms are not confirmed, the generic ones.
    pub fn terms(self) -> CrmTerms {
        match self {
            Crm::Salesforce => CrmTerms::new(["case", "cases"], ["contact", "contacts"]),
            Crm::Zendesk => CrmTerms::new(["ticket", "tickets"], ["user", "users"]),
            Crm::Servicenow => CrmTerms::new(["incident", "incidents"], ["user", "users"]),
            Crm::Kustomer => CrmTerms::new(["conversation", "conversations"], ["customer", "customers"]),
            Crm::Custom | Crm::Dynamics | Crm::Freshdesk | Crm::Hubspot => CrmTerms::GENERIC,
        }
    }
}

/// A CRM's own words for a record and an account. The table's fields and
/// the JSON formats keep the generic names; only text for people uses these.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CrmTerms {
    pub record: &'static str,
    pub records: &'static str,
    pub account: &'static str,
    pub accounts: &'static str,
}

impl CrmTerms {
    pub const GENERIC: CrmTerms = CrmTerms::new(["record", "records"], ["account", "accounts"]);

    /// From the singular and plural of each word.
    const fn new([record, records]: [&'static str; 2], [account, accounts]: [&'static str; 2]) -> CrmTerms {
        CrmTerms {
            record,
            records,
            account,
            accounts,
        }
    }

    /// The terms of a policy's CRM, the generic ones without a known CRM.
    pub fn of(crm: Option<Crm>) -> CrmTerms {
        crm.map_or(CrmTerms::GENERIC, Crm::terms)
    }

    /// Whether these are the generic words.
    pub fn is_generic(self) -> bool {
        self == CrmTerms::GENERIC
    }
}

/// `word` with its first letter in upper case.
pub fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect())
}

impl fmt::Display for Crm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.keyword())
    }
}

/// A session channel; each leaf queue has one decision-table entry per channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Call,
    Chat,
}

impl Channel {
    /// In table order: `call` before `chat`.
    pub const ALL: [Channel; 2] = [Channel::Call, Channel::Chat];

    pub fn keyword(self) -> &'static str {
        match self {
            Channel::Call => "call",
            Channel::Chat => "chat",
        }
    }

    pub fn from_keyword(word: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|channel| channel.keyword() == word)
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.keyword())
    }
}

/// Folds every run of spaces and tabs into one space and trims the ends, the
/// way the language compares setting names and values.
pub fn fold_whitespace(text: &str) -> String {
    // Nearly every name and value is already folded; the parser folds one
    // per statement, so that case costs one copy and no list of words.
    if is_folded(text) {
        return text.to_owned();
    }
    text.split([' ', '\t'])
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether [`fold_whitespace`] leaves a text as it is: no tab, no space at
/// either end, no two spaces in a row. One pass over the bytes.
fn is_folded(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.first() == Some(&b' ') || bytes.last() == Some(&b' ') {
        return false;
    }
    let mut after_space = false;
    for &byte in bytes {
        match byte {
            b'\t' => return false,
            b' ' if after_space => return false,
            b' ' => after_space = true,
            _ => after_space = false,
        }
    }
    true
}

/// What "did you mean" can say about a misspelt name or value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Suggestion<'a> {
    /// Nothing known is close enough to be a plausible typo.
    None,
    /// One spelling is clearly meant. `safe` when the typo is small enough
    /// (see [`suggest`]) for `--fix` to correct it without asking.
    One { spelling: &'a str, safe: bool },
    /// Several spellings are about as close: the author has to choose.
    Several(Vec<&'a str>),
}

/// How close `written` is to each candidate, and which of them it most
/// likely meant. Case, `_` and `-` are ignored first, so
/// `Skip_Record_Creation` finds `skip record creation`.
///
/// The rule: a candidate is plausible when it is at most a third of its
/// length away (at least one edit; an edit adds, drops or changes a
/// character or swaps two neighbours). Of the plausible ones the closest is
/// meant, unless another candidate is within twice its distance; then both
/// are shown and neither is chosen. The correction is safe when the closest
/// is at most one edit per eight characters away (at least one): a dropped,
/// doubled or swapped letter, not a different word.
pub fn suggest<'a>(written: &str, candidates: &[&'a str]) -> Suggestion<'a> {
    let normalized = normalize_for_matching(written);
    let mut scored: Vec<(usize, &'a str)> = candidates
        .iter()
        .map(|candidate| (strsim::damerau_levenshtein(&normalized, candidate), *candidate))
        .collect();
    scored.sort_by_key(|(distance, _)| *distance);
    let Some(&(best, spelling)) = scored.first() else {
        return Suggestion::None;
    };
    if !is_plausible_typo(best, spelling) {
        return Suggestion::None;
    }
    let rivals: Vec<&'a str> = scored
        .iter()
        .skip(1)
        .filter(|(distance, _)| *distance <= best * 2)
        .map(|(_, candidate)| *candidate)
        .take(2)
        .collect();
    if rivals.is_empty() {
        let safe = best <= (spelling.chars().count() / 8).max(1);
        return Suggestion::One { spelling, safe };
    }
    Suggestion::Several(std::iter::once(spelling).chain(rivals).collect())
}

/// The known spelling closest to `written`, if one is close enough to be a
/// plausible typo and no other is as close (see [`suggest`]).
pub fn closest<'a>(written: &str, candidates: &[&'a str]) -> Option<&'a str> {
    match suggest(written, candidates) {
        Suggestion::One { spelling, .. } => Some(spelling),
        _ => None,
    }
}

/// A spelling as [`suggest`] compares it: lower case, `_` and `-` as
/// spaces, white space folded. Candidates that are not already in this
/// form (queue names) go through it before they are compared.
pub fn normalize_for_matching(text: &str) -> String {
    fold_whitespace(&text.to_lowercase().replace(['_', '-'], " "))
}

/// A third of the word's length, at least one edit: "recrods" → "records"
/// is a typo, "yes" → "no" is not.
fn is_plausible_typo(distance: usize, candidate: &str) -> bool {
    distance <= (candidate.chars().count() / 3).max(1)
}

/// All CRM keywords, for suggestions and completion.
pub fn crm_keywords() -> Vec<&'static str> {
    Crm::ALL.iter().map(|crm| crm.keyword()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::setting_names;

    #[test]
    fn suggests_close_names_only() {
        let names = setting_names();
        assert_eq!(closest("skip recrod creation", &names), Some("skip record creation"));
        assert_eq!(closest("Skip_Account_Lookup", &names), Some("skip account lookup"));
        assert_eq!(closest("colour", &names), None);
        assert_eq!(closest("yess", &["yes", "no"]), Some("yes"));
        assert_eq!(closest("maybe", &["yes", "no"]), None);
    }

    #[test]
    fn only_a_clear_small_typo_is_safe_to_correct() {
        let names = setting_names();
        assert_eq!(
            suggest("skip accout creation", &names),
            Suggestion::One {
                spelling: "skip account creation",
                safe: true
            }
        );
        // `lookup` from one setting, `record` from another: not a typo of either.
        assert_eq!(
            suggest("skip record lookup", &names),
            Suggestion::Several(vec!["skip account lookup", "skip record creation"])
        );
        assert_eq!(
            suggest("map session to", &names),
            Suggestion::One {
                spelling: "map session data to",
                safe: false
            },
            "a missing word is a guess"
        );
        assert_eq!(suggest("colour", &names), Suggestion::None);
    }

    #[test]
    fn folds_runs_of_spaces_and_tabs() {
        assert_eq!(fold_whitespace(" skip \t account  creation "), "skip account creation");
        for text in [
            "",
            " ",
            "\t",
            "a",
            "a b",
            "a  b",
            "a\tb",
            " a",
            "a ",
            "a b c",
            "a \t b",
            "\u{a0}a b",
        ] {
            let slow: Vec<&str> = text.split([' ', '\t']).filter(|word| !word.is_empty()).collect();
            assert_eq!(fold_whitespace(text), slow.join(" "), "{text:?}");
        }
    }
}
