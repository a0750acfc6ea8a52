//! W0203: some reachable situation attaches the session data to nothing: no
//! record is created or appended to, and no account is found or created.

use super::causes::{CauseGroups, affected_note};
use super::{CheckContext, CheckRule};
use crate::diagnostic::{Code, Diagnostic};
use crate::resolve::Source;
use crate::settings::SettingKey;
use crate::vendor::{self, Attachment, Progress};
use crate::vocabulary::{Crm, CrmTerms};

pub struct SessionDataUnattached;

impl CheckRule for SessionDataUnattached {
    fn code(&self) -> Code {
        Code::W0203
    }

    fn check(&self, context: &CheckContext<'_>) -> Vec<Diagnostic> {
        let crm = context.policy.crm();
        let terms = CrmTerms::of(crm);
        let mut causes = CauseGroups::new();
        // Entries share their settings far more often than not, and the
        // outcomes follow from the settings alone.
        let mut unattached_by_settings = rustc_hash::FxHashMap::default();
        for (index, entry) in context.policy.entries.iter().enumerate() {
            let Some(choices) = context.choices(index) else {
                continue;
            };
            let unattached = *unattached_by_settings.entry(choices).or_insert_with(|| {
                vendor::outcomes(&choices, crm)
                    .into_iter()
                    .find(|outcome| outcome.attached_to == Attachment::None)
            });
            if let Some(outcome) = unattached {
                let source = |key| entry.settings.get(key).source;
                let record = source(SettingKey::SkipRecordCreation);
                let account = source(SettingKey::SkipAccountCreation);
                // Where a session that got less far loses its record, the
                // setting that withholds it is part of the cause.
                let withheld = match outcome.progress {
                    Progress::Engaged => None,
                    Progress::Unengaged => Some(source(SettingKey::DelayChatRecordCreationUntilConsumerMessages)),
                    Progress::Abandoned => [
                        SettingKey::CreateRecordsForAbandonedSessions,
                        SettingKey::DelayCallRecordCreationUntilConnected,
                        SettingKey::DelayChatRecordCreationUntilConsumerMessages,
                    ]
                    .into_iter()
                    .filter(|&key| key.applies_to(entry.channel))
                    .map(source)
                    .find(|source| matches!(source, Source::Stated(_))),
                };
                causes.add((record, account, withheld, outcome.situation, outcome.progress), index);
            }
        }
        // The same for every finding: written once, copied into each.
        let servicenow_note = (crm == Some(Crm::Servicenow)).then(|| {
            format!(
                "with ServiceNow, session data reaches the {} only with `push session data to account: yes`",
                terms.account
            )
        });
        let nothing_note = format!(
            "no {record} is created or appended to, and no {account} is found or created; the platform's own session monitoring still lists the session",
            record = terms.record,
            account = terms.account
        );
        causes
            .into_groups()
            .into_iter()
            .map(|((record, account, withheld, situation, progress), entries)| {
                let situation = match progress {
                    Progress::Engaged => format!("`{}`", situation.name()),
                    progress => format!("`{}` (`{}`)", situation.name(), progress.name()),
                };
                let mut diagnostic = Diagnostic::new(
                    Code::W0203,
                    format!("session data is attached to nothing in situation {situation}"),
                );
                let labels = [
                    (record, "record creation skipped here"),
                    (account, "account creation skipped here"),
                    (
                        withheld.unwrap_or(Source::BuiltIn),
                        "no record for these sessions because of this",
                    ),
                ];
                let mut primary = true;
                for (source, label) in labels {
                    let Source::Stated(id) = source else { continue };
                    let Some(statement) = context.policy.assignment(id) else {
                        continue;
                    };
                    diagnostic = if std::mem::take(&mut primary) {
                        diagnostic.with_primary(statement.span, label)
                    } else {
                        diagnostic.with_secondary(statement.span, label)
                    };
                }
                if let Some(note) = &servicenow_note {
                    diagnostic = diagnostic.with_note(note.clone());
                }
                diagnostic
                    .with_help(
                        "keep account or record creation on for these queues if their sessions belong in the CRM",
                    )
                    .with_note(nothing_note.clone())
                    .with_note(affected_note(context, &entries))
                    .with_entries(entries)
            })
            .collect()
    }
}
