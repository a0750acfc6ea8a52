//! W0209: with Zendesk, account and record creation both skipped: no ticket
//! gets the session's comments or attachments. One finding per pair of skip
//! statements, both labelled.

use super::causes::{CauseGroups, affected_note};
use super::{CheckContext, CheckRule};
use crate::diagnostic::{Code, Diagnostic};
use crate::resolve::Source;
use crate::settings::SettingKey;
use crate::vendor;

pub struct ZendeskTicketGetsNothing;

impl CheckRule for ZendeskTicketGetsNothing {
    fn code(&self) -> Code {
        Code::W0209
    }

    fn check(&self, context: &CheckContext<'_>) -> Vec<Diagnostic> {
        let crm = context.policy.crm();
        let mut causes = CauseGroups::new();
        for (index, entry) in context.policy.entries.iter().enumerate() {
            let Some(ref settings) = context.choices(index) else {
                continue;
            };
            if !vendor::zendesk_keeps_no_ticket(settings, crm) {
                continue;
            }
            let account = entry.settings.get(SettingKey::SkipAccountCreation).source;
            let record = entry.settings.get(SettingKey::SkipRecordCreation).source;
            if let (Source::Stated(account), Source::Stated(record)) = (account, record) {
                causes.add((account, record), index);
            }
        }
        causes
            .into_groups()
            .into_iter()
            .filter_map(|((account, record), entries)| {
                let account = context.policy.assignment(account)?;
                let record = context.policy.assignment(record)?;
                let mut diagnostic = Diagnostic::new(
                    Code::W0209,
                    "no Zendesk ticket gets these sessions' comments or attachments",
                )
                .with_primary(record.span, "ticket creation skipped here")
                .with_secondary(account.span, "user creation skipped here");
                if let Some(declaration) = context.policy.crm_declarations.first() {
                    diagnostic = diagnostic.with_secondary(declaration.span, "the CRM is `zendesk`");
                }
                Some(
                    diagnostic
                        .with_help("keep ticket creation on for these queues if their comments and attachments matter")
                        .with_note("with both creations skipped, Zendesk attaches a session's comments and attachments to no ticket")
                        .with_note(affected_note(context, &entries))
                        .with_entries(entries),
                )
            })
            .collect()
    }
}
