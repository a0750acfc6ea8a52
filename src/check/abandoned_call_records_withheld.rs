//! W0208: `create records for abandoned sessions: yes` stated for calls that
//! also wait for an agent before creating their record: an abandoned call
//! never connects, so it still gets no record. One finding per pair of
//! statements, both labelled.

use super::causes::{CauseGroups, affected_note};
use super::{CheckContext, CheckRule};
use crate::diagnostic::{Code, Diagnostic};
use crate::resolve::{AssignmentId, Source};
use crate::settings::SettingKey;
use crate::vendor;

pub struct AbandonedCallRecordsWithheld;

impl CheckRule for AbandonedCallRecordsWithheld {
    fn code(&self) -> Code {
        Code::W0208
    }

    fn check(&self, context: &CheckContext<'_>) -> Vec<Diagnostic> {
        pairs(context)
            .into_iter()
            .filter_map(|((abandoned, delay), entries)| {
                let abandoned = context.policy.assignment(abandoned)?;
                let delay = context.policy.assignment(delay)?;
                Some(
                    Diagnostic::new(
                        Code::W0208,
                        "abandoned calls get no record: their record waits for an agent who never connects",
                    )
                    .with_primary(abandoned.span, "records for abandoned sessions asked for here")
                    .with_secondary(delay.span, "call records wait for a connected agent here")
                    .with_help(format!(
                        "to keep records of abandoned calls, remove `{}: yes`; otherwise say `{}: no` for calls",
                        SettingKey::DelayCallRecordCreationUntilConnected,
                        SettingKey::CreateRecordsForAbandonedSessions
                    ))
                    .with_note("with the call delay on, only calls connected to an agent create records")
                    .with_note(affected_note(context, &entries))
                    .with_entries(entries),
                )
            })
            .collect()
    }
}

/// The (abandoned `yes`, call delay `yes`) statement pairs in effect together
/// on some call entry, with those entries.
fn pairs(context: &CheckContext<'_>) -> Vec<((AssignmentId, AssignmentId), Vec<usize>)> {
    let mut causes = CauseGroups::new();
    for (index, entry) in context.policy.entries.iter().enumerate() {
        let Some(ref settings) = context.choices(index) else {
            continue;
        };
        if !vendor::call_delay_withholds_abandoned_records(settings) {
            continue;
        }
        let abandoned = entry.settings.get(SettingKey::CreateRecordsForAbandonedSessions).source;
        let delay = entry
            .settings
            .get(SettingKey::DelayCallRecordCreationUntilConnected)
            .source;
        if let (Source::Stated(abandoned), Source::Stated(delay)) = (abandoned, delay) {
            causes.add((abandoned, delay), index);
        }
    }
    causes.into_groups()
}

/// The statements this rule reports, both of each pair; W0207 leaves them
/// to it.
pub(super) fn reported_statements(context: &CheckContext<'_>) -> Vec<AssignmentId> {
    pairs(context)
        .into_iter()
        .flat_map(|((abandoned, delay), _)| [abandoned, delay])
        .collect()
}
