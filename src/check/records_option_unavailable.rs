//! E0103: a `records` option beyond the number the portal offers for the
//! effective combination.

use super::causes::{CauseGroups, affected_note};
use super::scoped::set_for_entries;
use super::{CheckContext, CheckRule};
use crate::diagnostic::{Code, Diagnostic, Fix};
use crate::resolve::{EffectiveSettings, Source};
use crate::settings::{LeafSettings, SettingKey, SettingValue};
use crate::vendor::{self, RecordsOptionsReason};

pub struct RecordsOptionUnavailable;

/// The statements behind one E0103: the `records` statement, how many
/// options exist, and where each deciding setting came from.
type Cause = (Source, u8, Vec<(SettingKey, Source)>);

impl CheckRule for RecordsOptionUnavailable {
    fn code(&self) -> Code {
        Code::E0103
    }

    fn check(&self, context: &CheckContext<'_>) -> Vec<Diagnostic> {
        let mut causes: CauseGroups<Cause> = CauseGroups::new();
        for (index, entry) in context.policy.entries.iter().enumerate() {
            let Some(ref choices) = context.choices(index) else {
                continue;
            };
            // Append with skipped lookup is E0101; the portal never gets that far.
            if vendor::appends_without_lookup(choices) {
                continue;
            }
            let available = vendor::records_options_available(choices);
            if vendor::records_option(choices) <= available {
                continue;
            }
            let records = entry.settings.get(SettingKey::Records).source;
            causes.add((records, available, deciders(&entry.settings, choices)), index);
        }
        causes
            .into_groups()
            .into_iter()
            .filter_map(|((records, available, deciders), entries)| {
                let Source::Stated(records) = records else { return None };
                let records = context.policy.assignment(records)?;
                let choices = entries.first().and_then(|&index| context.choices(index))?;
                let options = if available == 1 {
                    "1 option exists"
                } else {
                    "2 options exist"
                };
                let mut diagnostic = Diagnostic::new(
                    Code::E0103,
                    format!(
                        "`records: option {}` is not offered here: only {options}",
                        vendor::records_option(&choices)
                    ),
                )
                .with_primary(records.span, "option chosen here");
                for (key, source) in &deciders {
                    if let Source::Stated(id) = source
                        && let Some(decider) = context.policy.assignment(*id)
                    {
                        diagnostic = diagnostic.with_secondary(decider.span, format!("`{key}: {}`", decider.value));
                    }
                }
                let best = if available == 1 {
                    "the only option offered here is `option 1`".to_owned()
                } else {
                    format!("choose `records: option {available}` or lower")
                };
                // Which option is the author's choice: one unsafe fix per
                // option offered, largest first, each for these entries only.
                for position in (1..=available).rev() {
                    let value = SettingValue::Choice(SettingKey::Records, position - 1);
                    if let Some(change) = set_for_entries(context, SettingKey::Records, value, &entries, records.owner)
                    {
                        diagnostic = diagnostic.with_fix(Fix::unsafe_fix(
                            format!("choose `option {position}`: {}", change.summary),
                            change.edits,
                        ));
                    }
                }
                Some(
                    diagnostic
                        .with_help(best)
                        .with_note(reason(&choices, available))
                        .with_note(affected_note(context, &entries))
                        .with_entries(entries),
                )
            })
            .collect()
    }
}

fn deciders(settings: &EffectiveSettings, choices: &LeafSettings) -> Vec<(SettingKey, Source)> {
    vendor::records_options_deciders(choices)
        .iter()
        .map(|&key| (key, settings.get(key).source))
        .collect()
}

/// Why the portal offers this many options, in the vendor's terms.
fn reason(choices: &LeafSettings, available: u8) -> String {
    let why = match vendor::records_options_reason(choices) {
        RecordsOptionsReason::MappedToActivityObject => "with session data mapped to an activity object",
        RecordsOptionsReason::RecordCreationKept => {
            "with session data mapped to a CCaaS session and record creation kept on"
        }
        RecordsOptionsReason::SkippedWithAppending => {
            "with session data mapped to a CCaaS session, record creation skipped and appending on"
        }
        RecordsOptionsReason::SkippedWithoutLookup | RecordsOptionsReason::SkippedWithLookup => {
            "with session data mapped to a CCaaS session, record creation skipped and account lookup skipped"
        }
    };
    let count = if available == 1 {
        "a single \"Records\" option".to_owned()
    } else {
        format!("{available} \"Records\" options")
    };
    format!("{why}, the portal offers {count}")
}
