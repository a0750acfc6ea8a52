//! E0104: account or record creation skipped with a CRM whose integration
//! cannot skip it; only four integrations can (see `vendor::crm_supports_skipping`).

use super::causes::{CauseGroups, affected_note};
use super::edits::remove_line;
use super::{CheckContext, CheckRule};
use crate::diagnostic::{Code, Diagnostic, Fix};
use crate::resolve::Source;
use crate::vendor;
use crate::vocabulary::SettingKey;

pub struct UnsupportedCrmSkip;

const SKIPPABLE: [(SettingKey, &str); 2] = [
    (SettingKey::SkipAccountCreation, "account creation"),
    (SettingKey::SkipRecordCreation, "record creation"),
];

impl CheckRule for UnsupportedCrmSkip {
    fn code(&self) -> Code {
        Code::E0104
    }

    fn check(&self, context: &CheckContext<'_>) -> Vec<Diagnostic> {
        let Some(crm) = context.policy.crm() else {
            return Vec::new();
        };
        if vendor::crm_supports_skipping(crm) {
            return Vec::new();
        }
        let Some(declaration) = context.policy.crm_declarations.first() else {
            return Vec::new();
        };
        let mut causes = CauseGroups::new();
        for (index, entry) in context.policy.entries.iter().enumerate() {
            for (key, what) in SKIPPABLE {
                let effective = entry.settings.get(key);
                if let (crate::vocabulary::SettingValue::Flag(true), Source::Stated(id)) =
                    (effective.value, effective.source)
                {
                    causes.add((id, what), index);
                }
            }
        }
        causes
            .into_groups()
            .into_iter()
            .filter_map(|((id, what), entries)| {
                let skip = context.policy.assignment(id)?;
                Some(
                    Diagnostic::new(Code::E0104, format!("`{crm}` does not support skipping {what}"))
                        .with_primary(skip.span, format!("{what} skipped here"))
                        .with_secondary(declaration.span, "CRM declared here")
                        .with_help("skipping creation works with `salesforce`, `zendesk`, `servicenow` and `custom`; remove this setting")
                        .with_note(affected_note(context, &entries))
                        .with_fix(Fix::maybe_incorrect(
                            "remove this setting",
                            vec![remove_line(context.sources, skip.span)],
                        )),
                )
            })
            .collect()
    }
}
