//! Setting values: the kinds a setting's value can be, how each is read
//! from a policy and written back, and how the decision table shows it.
//!
//! In: a value as written (whitespace already folded), and the kind the
//! schema declares. Out: a typed [`SettingValue`], its canonical spelling,
//! its table form, and the texts help messages and completion use.

use super::SettingKey;
use serde::Serialize;
use std::fmt;

/// What a setting's values look like.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueKind {
    /// `yes` or `no`.
    Flag,
    /// One of a fixed list of spellings.
    Choice(&'static [ChoiceSpec]),
    /// `no`, or a whole number N ≥ 1.
    Count,
    /// `no`, or `N days` with N ≥ 1 (`1 day` too).
    Days,
}

/// One value of a [`ValueKind::Choice`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChoiceSpec {
    /// The canonical spelling.
    pub spelling: &'static str,
    /// Other spellings the language accepts for it.
    pub aliases: &'static [&'static str],
    /// How the decision table writes it.
    pub table: TableScalar,
}

/// A value as the decision table writes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum TableScalar {
    Bool(bool),
    Text(&'static str),
    Number(u32),
}

/// A typed setting value. A [`SettingValue::Choice`] is the setting's
/// choice at that position of its list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SettingValue {
    Flag(bool),
    Choice(SettingKey, u8),
    /// `None` for `no`.
    Count(Option<u32>),
    /// `None` for `no`.
    Days(Option<u32>),
}

impl SettingValue {
    /// The number of a count or of days; `None` for `no` and for other kinds.
    pub fn number(self) -> Option<u32> {
        match self {
            SettingValue::Count(number) | SettingValue::Days(number) => number,
            SettingValue::Flag(_) | SettingValue::Choice(..) => None,
        }
    }

    /// The position of a choice in its setting's list; `None` for other kinds.
    pub fn choice(self) -> Option<u8> {
        match self {
            SettingValue::Choice(_, index) => Some(index),
            _ => None,
        }
    }
}

impl SettingValue {
    pub fn kind(self) -> ValueKind {
        match self {
            SettingValue::Choice(key, _) => key.kind(),
            SettingValue::Flag(_) => ValueKind::Flag,
            SettingValue::Count(_) => ValueKind::Count,
            SettingValue::Days(_) => ValueKind::Days,
        }
    }

    /// How the decision table writes this value (`None`: `null`).
    pub fn table_value(self) -> Option<TableScalar> {
        self.kind().table_value(self)
    }
}

impl fmt::Display for SettingValue {
    /// The canonical spelling, as a policy would state it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.kind().spell(*self))
    }
}

/// Where session data goes (`map session data to`), in the order of its
/// choices in the schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionDataTarget {
    ActivityObject,
    CcaasSession,
}

impl SessionDataTarget {
    pub const ALL: [SessionDataTarget; 2] = [SessionDataTarget::ActivityObject, SessionDataTarget::CcaasSession];

    pub fn keyword(self) -> &'static str {
        SESSION_DATA_TARGETS
            .get(self as usize)
            .map_or("activity object", |choice| choice.spelling)
    }

    /// The target a `map session data to` choice stands for.
    pub fn of_choice(index: u8) -> SessionDataTarget {
        SessionDataTarget::ALL
            .get(usize::from(index))
            .copied()
            .unwrap_or(SessionDataTarget::ActivityObject)
    }
}

/// The choices of `map session data to`, in [`SessionDataTarget`] order.
/// The portal once named its session object "CCAIP Session".
pub const SESSION_DATA_TARGETS: &[ChoiceSpec] = &[
    ChoiceSpec {
        spelling: "activity object",
        aliases: &[],
        table: TableScalar::Text("activity_object"),
    },
    ChoiceSpec {
        spelling: "ccaas session",
        aliases: &["ccaip session"],
        table: TableScalar::Text("ccaas_session"),
    },
];

/// The choices of `records`: positions in the portal's "Records" list.
pub const RECORDS_OPTIONS: &[ChoiceSpec] = &[
    ChoiceSpec {
        spelling: "option 1",
        aliases: &[],
        table: TableScalar::Number(1),
    },
    ChoiceSpec {
        spelling: "option 2",
        aliases: &[],
        table: TableScalar::Number(2),
    },
    ChoiceSpec {
        spelling: "option 3",
        aliases: &[],
        table: TableScalar::Number(3),
    },
];

impl ValueKind {
    /// Parses a value written for `key`, a setting of this kind; `None` if
    /// this kind has no such value.
    pub fn parse(self, key: SettingKey, text: &str) -> Option<SettingValue> {
        match self {
            ValueKind::Flag => match text {
                "yes" => Some(SettingValue::Flag(true)),
                "no" => Some(SettingValue::Flag(false)),
                _ => None,
            },
            ValueKind::Choice(choices) => choices
                .iter()
                .position(|choice| choice.spelling == text || choice.aliases.contains(&text))
                .and_then(|index| u8::try_from(index).ok())
                .map(|index| SettingValue::Choice(key, index)),
            ValueKind::Count => parse_no_or(text, whole_number).map(SettingValue::Count),
            ValueKind::Days => parse_no_or(text, days).map(SettingValue::Days),
        }
    }

    /// The canonical spelling of a value of this kind.
    /// [`ValueKind::spell`] for the values whose spelling is fixed text
    /// (flags, choices, `no`, `1 day`); `None` for other numbers.
    pub fn fixed_spelling(self, value: SettingValue) -> Option<&'static str> {
        match (self, value) {
            (_, SettingValue::Flag(true)) => Some("yes"),
            (_, SettingValue::Flag(false) | SettingValue::Count(None) | SettingValue::Days(None)) => Some("no"),
            (ValueKind::Choice(choices), SettingValue::Choice(_, index)) => {
                choices.get(usize::from(index)).map(|choice| choice.spelling)
            }
            (_, SettingValue::Days(Some(1))) => Some("1 day"),
            _ => None,
        }
    }

    pub fn spell(self, value: SettingValue) -> String {
        match (self, value) {
            (_, SettingValue::Flag(true)) => "yes".to_owned(),
            (_, SettingValue::Flag(false)) => "no".to_owned(),
            (ValueKind::Choice(choices), SettingValue::Choice(_, index)) => choices
                .get(usize::from(index))
                .map_or_else(|| format!("choice {index}"), |choice| choice.spelling.to_owned()),
            (_, SettingValue::Choice(_, index)) => format!("choice {index}"),
            (_, SettingValue::Count(None) | SettingValue::Days(None)) => "no".to_owned(),
            (_, SettingValue::Count(Some(count))) => count.to_string(),
            (_, SettingValue::Days(Some(1))) => "1 day".to_owned(),
            (_, SettingValue::Days(Some(days))) => format!("{days} days"),
        }
    }

    /// How the decision table writes a value of this kind: `null` for the
    /// `no` of a count or of days.
    pub fn table_value(self, value: SettingValue) -> Option<TableScalar> {
        match (self, value) {
            (ValueKind::Choice(choices), SettingValue::Choice(_, index)) => {
                choices.get(usize::from(index)).map(|choice| choice.table)
            }
            (_, SettingValue::Flag(flag)) => Some(TableScalar::Bool(flag)),
            (_, value) => value.number().map(TableScalar::Number),
        }
    }

    /// Canonical spellings (for counts and days, examples), for help texts
    /// and completion.
    pub fn spellings(self) -> Vec<&'static str> {
        match self {
            ValueKind::Flag => vec!["yes", "no"],
            ValueKind::Choice(choices) => choices.iter().map(|choice| choice.spelling).collect(),
            ValueKind::Count => vec!["no", "1", "3"],
            ValueKind::Days => vec!["no", "1 day", "30 days"],
        }
    }

    /// Every accepted spelling of a fixed word (not the numbers), aliases
    /// included, for "did you mean".
    pub fn accepted_spellings(self) -> Vec<&'static str> {
        match self {
            ValueKind::Flag => vec!["yes", "no"],
            ValueKind::Choice(choices) => choices
                .iter()
                .flat_map(|choice| std::iter::once(choice.spelling).chain(choice.aliases.iter().copied()))
                .collect(),
            ValueKind::Count | ValueKind::Days => vec!["no"],
        }
    }

    /// The values, as help texts say it: "`yes` or `no`".
    pub fn allowed(self) -> String {
        match self {
            ValueKind::Flag | ValueKind::Choice(_) => {
                let quoted: Vec<String> = self.spellings().iter().map(|s| format!("`{s}`")).collect();
                crate::text::or_list(&quoted)
            }
            ValueKind::Count => "`no` or a whole number from 1, such as `3`".to_owned(),
            ValueKind::Days => "`no` or a number of days from 1, such as `30 days`".to_owned(),
        }
    }

    /// The values, as the settings table of `docs/language.md` lists them.
    pub fn documented_values(self) -> String {
        match self {
            ValueKind::Flag | ValueKind::Choice(_) => self
                .spellings()
                .iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", "),
            ValueKind::Count => "`no`, or a whole number N ≥ 1".to_owned(),
            ValueKind::Days => "`no`, or `N days` (N ≥ 1; `1 day`)".to_owned(),
        }
    }
}

fn parse_no_or(text: &str, number: fn(&str) -> Option<u32>) -> Option<Option<u32>> {
    if text == "no" {
        Some(None)
    } else {
        number(text).map(Some)
    }
}

/// A whole number from 1, in plain decimal digits without a leading zero
/// (so `07` is not taken for 7 silently).
fn whole_number(text: &str) -> Option<u32> {
    let canonical = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) && !text.starts_with('0');
    canonical.then(|| text.parse().ok()).flatten()
}

/// `N days` with N from 1; `1 day` for one.
fn days(text: &str) -> Option<u32> {
    if text == "1 day" {
        return Some(1);
    }
    whole_number(text.strip_suffix(" days")?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_spelling_is_the_spelling() {
        for key in SettingKey::ALL {
            let kind = key.kind();
            for text in kind.spellings().into_iter().chain(kind.accepted_spellings()) {
                let Some(value) = key.parse_value(text) else { continue };
                if let Some(fixed) = kind.fixed_spelling(value) {
                    assert_eq!(fixed, kind.spell(value), "{key} {text}");
                }
            }
        }
        let days = SettingKey::ALL.into_iter().find(|key| key.kind() == ValueKind::Days);
        if let Some(days) = days {
            assert_eq!(days.kind().fixed_spelling(SettingValue::Days(Some(30))), None);
        }
    }

    /// Counts and days ignore the key, which only names a choice's list.
    fn parse_as(kind: ValueKind, text: &str) -> Option<SettingValue> {
        kind.parse(SettingKey::Records, text)
    }

    #[test]
    fn aliases_read_as_their_choice() {
        let key = SettingKey::MapSessionDataTo;
        assert_eq!(key.parse_value("ccaip session"), Some(SettingValue::Choice(key, 1)));
        assert_eq!(SettingValue::Choice(key, 1).to_string(), "ccaas session");
        assert_eq!(SessionDataTarget::of_choice(1), SessionDataTarget::CcaasSession);
        for target in SessionDataTarget::ALL {
            assert_eq!(
                key.parse_value(target.keyword()),
                Some(SettingValue::Choice(key, target as u8))
            );
        }
    }

    #[test]
    fn records_accepts_only_options_one_to_three() {
        let key = SettingKey::Records;
        assert_eq!(key.parse_value("option 3"), Some(SettingValue::Choice(key, 2)));
        for bad in ["option 0", "option 4", "option 01", "option", "3", "option -1"] {
            assert_eq!(key.parse_value(bad), None, "{bad}");
        }
    }

    #[test]
    fn days_are_no_or_whole_days_from_one() {
        let parse = |text| parse_as(ValueKind::Days, text);
        assert_eq!(parse("no"), Some(SettingValue::Days(None)));
        assert_eq!(parse("1 day"), Some(SettingValue::Days(Some(1))));
        assert_eq!(parse("1 days"), Some(SettingValue::Days(Some(1))));
        assert_eq!(parse("30 days"), Some(SettingValue::Days(Some(30))));
        for bad in [
            "0 days",
            "30",
            "30 day",
            "07 days",
            "-1 days",
            "1.5 days",
            "99999999999 days",
            "days",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
        assert_eq!(SettingValue::Days(Some(1)).to_string(), "1 day");
        assert_eq!(SettingValue::Days(Some(7)).to_string(), "7 days");
    }

    #[test]
    fn counts_are_no_or_whole_numbers_from_one() {
        let parse = |text| parse_as(ValueKind::Count, text);
        assert_eq!(parse("no"), Some(SettingValue::Count(None)));
        assert_eq!(parse("3"), Some(SettingValue::Count(Some(3))));
        for bad in ["0", "03", "three", "3 messages", "", "+3"] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn counts_and_days_spell_their_examples_canonically() {
        for kind in [ValueKind::Count, ValueKind::Days] {
            for spelling in kind.spellings() {
                let value = parse_as(kind, spelling).expect("an example parses");
                assert_eq!(value.to_string(), spelling);
            }
        }
    }
}
