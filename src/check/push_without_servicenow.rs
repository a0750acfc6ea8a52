//! E0106: `push session data to account: yes` with a CRM whose integration
//! has no such option; only ServiceNow's does (`vendor::PUSHING_CRMS`).

use super::edits::remove_setting;
use super::{CheckContext, CheckRule};
use crate::diagnostic::{Code, Diagnostic, Fix};
use crate::resolve::Assignment;
use crate::settings::SettingKey;
use crate::vendor;

pub struct PushWithoutServicenow;

impl CheckRule for PushWithoutServicenow {
    fn code(&self) -> Code {
        Code::E0106
    }

    fn check(&self, context: &CheckContext<'_>) -> Vec<Diagnostic> {
        let Some(declaration) = context.policy.crm_declarations.first() else {
            return Vec::new();
        };
        let Some(crm) = declaration.crm else {
            return Vec::new();
        };
        context
            .policy
            .assignments
            .iter()
            .filter(|assignment| asks_unoffered_push(context, assignment))
            .map(|assignment| {
                Diagnostic::new(
                    Code::E0106,
                    format!("`{crm}` has no option to push session data to the account"),
                )
                .with_primary(assignment.span, "pushing to the account asked for here")
                .with_secondary(declaration.span, format!("the CRM is `{crm}`"))
                .with_help("remove this line: only the ServiceNow integration can push session data to the account")
                .with_fix(Fix::safe("remove the line", vec![remove_setting(context, assignment)]))
            })
            .collect()
    }
}

/// Whether a statement asks for the push (any value but the built-in
/// default) with a CRM that does not offer it. W0207 leaves these to E0106.
pub(super) fn asks_unoffered_push(context: &CheckContext<'_>, assignment: &Assignment) -> bool {
    let key = SettingKey::PushSessionDataToAccount;
    assignment.key == key
        && assignment.value != key.built_in_default()
        && context
            .policy
            .crm()
            .is_some_and(|crm| !vendor::crm_offers_push_to_account(crm))
}
