//! E0101: appending to the latest open record while account lookup is
//! skipped. The portal hides the append checkbox once lookup is skipped: the
//! latest open record cannot be found without looking the account up.

use super::causes::{CauseGroups, affected_note};
use super::scoped::set_for_entries;
use super::{CheckContext, CheckRule};
use crate::diagnostic::{Code, Diagnostic, Fix};
use crate::resolve::Source;
use crate::settings::{SettingKey, SettingValue};
use crate::vendor;

pub struct AppendWithoutLookup;

impl CheckRule for AppendWithoutLookup {
    fn code(&self) -> Code {
        Code::E0101
    }

    fn check(&self, context: &CheckContext<'_>) -> Vec<Diagnostic> {
        let mut causes = CauseGroups::new();
        for (index, entry) in context.policy.entries.iter().enumerate() {
            let Some(ref choices) = context.choices(index) else {
                continue;
            };
            if vendor::appends_without_lookup(choices) {
                let append = entry.settings.get(SettingKey::AppendToLatestOpenRecord).source;
                let lookup = entry.settings.get(SettingKey::SkipAccountLookup).source;
                causes.add((append, lookup), index);
            }
        }
        causes
            .into_groups()
            .into_iter()
            .filter_map(|((append, lookup), entries)| {
                let (Source::Stated(append), Source::Stated(lookup)) = (append, lookup) else {
                    return None;
                };
                let append = context.policy.assignment(append)?;
                let lookup = context.policy.assignment(lookup)?;
                let mut diagnostic = Diagnostic::new(
                    Code::E0101,
                    "cannot append to the latest open record when account lookup is skipped",
                )
                .with_primary(append.span, "append turned on here")
                .with_secondary(lookup.span, "account lookup skipped here")
                .with_help({
                    let terms = crate::vocabulary::CrmTerms::of(context.policy.crm());
                    format!(
                        "remove one of the two: without a lookup there is no {}, so no open {} to append to",
                        terms.account, terms.record
                    )
                })
                .with_note("the portal hides the append option once account lookup is skipped")
                .with_note(affected_note(context, &entries));
                // Both ways out are decisions, so both fixes are unsafe;
                // each changes only the entries with this error.
                let off = SettingValue::Flag(false);
                let ways = [
                    (SettingKey::AppendToLatestOpenRecord, "stop appending"),
                    (SettingKey::SkipAccountLookup, "stop skipping the lookup"),
                ];
                for (key, what) in ways {
                    if let Some(change) = set_for_entries(context, key, off, &entries, lookup.owner) {
                        diagnostic =
                            diagnostic.with_fix(Fix::unsafe_fix(format!("{what}: {}", change.summary), change.edits));
                    }
                }
                Some(diagnostic.with_entries(entries))
            })
            .collect()
    }
}
