//! E0104: account or record creation skipped with a CRM whose integration
//! cannot skip it; only four integrations can (see `vendor::crm_supports_skipping`).

use super::causes::{CauseGroups, affected_note};
use super::scoped::set_for_entries;
use super::{CheckContext, CheckRule};
use crate::diagnostic::{Code, Diagnostic, Fix};
use crate::resolve::Source;
use crate::settings::SettingKey;
use crate::vendor;

pub struct UnsupportedCrmSkip;

/// "`salesforce`, `zendesk`, `servicenow` and `custom`", from the vendor rule.
fn supporting_crms() -> String {
    let names: Vec<String> = crate::vocabulary::Crm::ALL
        .into_iter()
        .filter(|&crm| vendor::crm_supports_skipping(crm))
        .map(|crm| format!("`{crm}`"))
        .collect();
    match names.split_last() {
        Some((last, init)) if !init.is_empty() => format!("{} and {last}", init.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}

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
                if let (crate::settings::SettingValue::Flag(true), Source::Stated(id)) =
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
                let mut diagnostic = Diagnostic::new(Code::E0104, format!("`{crm}` does not support skipping {what}"))
                    .with_primary(skip.span, format!("{what} skipped here"))
                    .with_secondary(declaration.span, "CRM declared here")
                    .with_help(format!(
                        "skipping creation works with {}; stop skipping {what} here, or declare the CRM the policy is really for",
                        supporting_crms()
                    ))
                    .with_note(affected_note(context, &entries));
                // The mistake may be the declared CRM, so the fix is unsafe.
                let off = crate::settings::SettingValue::Flag(false);
                if let Some(change) = set_for_entries(context, skip.key, off, &entries, skip.owner) {
                    diagnostic = diagnostic.with_fix(Fix::unsafe_fix(
                        format!("stop skipping {what}: {}", change.summary),
                        change.edits,
                    ));
                }
                Some(diagnostic.with_entries(entries))
            })
            .collect()
    }
}
