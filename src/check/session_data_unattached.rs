//! W0203: some reachable situation attaches the session data to nothing: no
//! record is created or appended to, and no account is found or created.

use super::causes::{CauseGroups, affected_note};
use super::{CheckContext, CheckRule};
use crate::diagnostic::{Code, Diagnostic};
use crate::resolve::Source;
use crate::settings::SettingKey;
use crate::vendor::{self, Attachment};

pub struct SessionDataUnattached;

impl CheckRule for SessionDataUnattached {
    fn code(&self) -> Code {
        Code::W0203
    }

    fn check(&self, context: &CheckContext<'_>) -> Vec<Diagnostic> {
        let mut causes = CauseGroups::new();
        for (index, entry) in context.policy.entries.iter().enumerate() {
            let Some(choices) = context.choices.get(index) else {
                continue;
            };
            let unattached = vendor::outcomes(choices)
                .into_iter()
                .find(|outcome| outcome.attached_to == Attachment::None);
            if let Some(outcome) = unattached {
                let record = entry.settings.get(SettingKey::SkipRecordCreation).source;
                let account = entry.settings.get(SettingKey::SkipAccountCreation).source;
                causes.add((record, account, outcome.situation), index);
            }
        }
        causes
            .into_groups()
            .into_iter()
            .map(|((record, account, situation), entries)| {
                let mut diagnostic = Diagnostic::new(
                    Code::W0203,
                    format!("session data is attached to nothing in situation `{}`", situation.name()),
                );
                let labels = [
                    (record, "record creation skipped here"),
                    (account, "account creation skipped here"),
                ];
                let mut primary = true;
                for (source, label) in labels {
                    let Source::Stated(id) = source else { continue };
                    let Some(statement) = context.policy.assignment(id) else { continue };
                    diagnostic = if std::mem::take(&mut primary) {
                        diagnostic.with_primary(statement.span, label)
                    } else {
                        diagnostic.with_secondary(statement.span, label)
                    };
                }
                diagnostic
                    .with_help("keep account or record creation on for these queues if their sessions belong in the CRM")
                    .with_note("no record is created or appended to, and no account is found or created; the platform's own session monitoring still lists the session")
                    .with_note(affected_note(context, &entries))
                    .with_entries(entries)
            })
            .collect()
    }
}
