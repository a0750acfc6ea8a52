//! E0102: account lookup skipped while account creation is not. The portal
//! offers the lookup checkbox only once account creation is skipped;
//! otherwise every session would create a new account.

use super::causes::{CauseGroups, affected_note};
use super::scoped::set_for_entries;
use super::{CheckContext, CheckRule};
use crate::diagnostic::{Code, Diagnostic, Fix};
use crate::resolve::Source;
use crate::settings::{SettingKey, SettingValue};
use crate::vendor;

pub struct LookupSkippedWithAccountCreation;

impl CheckRule for LookupSkippedWithAccountCreation {
    fn code(&self) -> Code {
        Code::E0102
    }

    fn check(&self, context: &CheckContext<'_>) -> Vec<Diagnostic> {
        let mut causes = CauseGroups::new();
        for (index, entry) in context.policy.entries.iter().enumerate() {
            let Some(ref choices) = context.choices(index) else {
                continue;
            };
            if vendor::skips_lookup_while_creating_accounts(choices) {
                let lookup = entry.settings.get(SettingKey::SkipAccountLookup).source;
                let creation = entry.settings.get(SettingKey::SkipAccountCreation).source;
                causes.add((lookup, creation), index);
            }
        }
        causes
            .into_groups()
            .into_iter()
            .filter_map(|((lookup, creation), entries)| {
                let Source::Stated(lookup) = lookup else { return None };
                let lookup = context.policy.assignment(lookup)?;
                let mut diagnostic =
                    Diagnostic::new(Code::E0102, "account lookup is skipped while account creation is not")
                        .with_primary(lookup.span, "account lookup skipped here");
                let creation = match creation {
                    Source::Stated(id) => Some(context.policy.assignment(id)?),
                    Source::BuiltIn => None,
                };
                diagnostic = match creation {
                    Some(creation) => diagnostic.with_secondary(creation.span, "account creation kept on here"),
                    None => diagnostic.with_note("accounts are created unless `skip account creation: yes` is set"),
                };
                // Two ways out, both decisions: both fixes are unsafe.
                let ways = [
                    (
                        SettingKey::SkipAccountCreation,
                        SettingValue::Flag(true),
                        "skip account creation too",
                    ),
                    (
                        SettingKey::SkipAccountLookup,
                        SettingValue::Flag(false),
                        "stop skipping the lookup",
                    ),
                ];
                for (key, value, what) in ways {
                    if let Some(change) = set_for_entries(context, key, value, &entries, lookup.owner) {
                        diagnostic =
                            diagnostic.with_fix(Fix::unsafe_fix(format!("{what}: {}", change.summary), change.edits));
                    }
                }
                Some(
                    diagnostic
                        .with_help(
                            "add `skip account creation: yes` where the lookup is skipped, or stop skipping the lookup",
                        )
                        .with_note({
                            let terms = crate::vocabulary::CrmTerms::of(context.policy.crm());
                            format!(
                                "without a lookup no {account} is ever found, so every session would create a new {account}",
                                account = terms.account
                            )
                        })
                        .with_note(affected_note(context, &entries))
                        .with_entries(entries),
                )
            })
            .collect()
    }
}
