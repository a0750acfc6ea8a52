//! E0103: a `records` option beyond the number the portal offers for the
//! effective combination.

use super::causes::{CauseGroups, affected_note};
use super::{CheckContext, CheckRule};
use crate::diagnostic::{Code, Diagnostic, Edit, Fix};
use crate::resolve::{EffectiveSettings, Source};
use crate::vendor::{self, Choices};
use crate::vocabulary::{SessionDataTarget, SettingKey};
use std::collections::HashMap;

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
            let choices = &context.choices[index];
            // Append with skipped lookup is E0101; the portal never gets that far.
            if choices.append_to_latest_open_record && choices.skip_account_lookup {
                continue;
            }
            let available = vendor::records_options_available(choices);
            if choices.records <= available {
                continue;
            }
            let records = entry.settings.get(SettingKey::Records).source;
            causes.add((records, available, deciders(&entry.settings, choices)), index);
        }
        let groups = causes.into_groups();
        // One `records` statement can be too high for several combinations;
        // its fix must suit them all, so it takes the smallest count.
        let mut fewest: HashMap<Source, u8> = HashMap::new();
        for ((records, available, _), _) in &groups {
            let count = fewest.entry(*records).or_insert(*available);
            *count = (*count).min(*available);
        }
        groups
            .into_iter()
            .filter_map(|((records, available, deciders), entries)| {
                let fix_option = fewest.get(&records).copied().unwrap_or(available);
                let Source::Stated(records) = records else { return None };
                let records = context.policy.assignment(records)?;
                let choices = entries.first().and_then(|&index| context.choices.get(index))?;
                let options = if available == 1 {
                    "1 option exists"
                } else {
                    "2 options exist"
                };
                let mut diagnostic = Diagnostic::new(
                    Code::E0103,
                    format!(
                        "`records: option {}` is not offered here: only {options}",
                        choices.records
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
                let fix = Fix::machine_applicable(
                    format!("choose `option {fix_option}`, the largest offered"),
                    vec![Edit::replace(records.value_span, format!("option {fix_option}"))],
                );
                Some(
                    diagnostic
                        .with_help(best)
                        .with_fix(fix)
                        .with_note(reason(choices, available))
                        .with_note(affected_note(context, &entries)),
                )
            })
            .collect()
    }
}

fn deciders(settings: &EffectiveSettings, choices: &Choices) -> Vec<(SettingKey, Source)> {
    vendor::records_options_deciders(choices)
        .iter()
        .map(|&key| (key, settings.get(key).source))
        .collect()
}

/// Why the portal offers this many options, in the vendor's terms.
fn reason(choices: &Choices, available: u8) -> String {
    let why = match choices.map_session_data_to {
        SessionDataTarget::ActivityObject => "with session data mapped to an activity object".to_owned(),
        SessionDataTarget::CcaasSession if !choices.skip_record_creation => {
            "with session data mapped to a CCaaS session and record creation kept on".to_owned()
        }
        SessionDataTarget::CcaasSession if choices.append_to_latest_open_record => {
            "with session data mapped to a CCaaS session, record creation skipped and appending on".to_owned()
        }
        SessionDataTarget::CcaasSession => {
            "with session data mapped to a CCaaS session, record creation skipped and account lookup skipped".to_owned()
        }
    };
    let count = if available == 1 {
        "a single \"Records\" option".to_owned()
    } else {
        format!("{available} \"Records\" options")
    };
    format!("{why}, the portal offers {count}")
}
