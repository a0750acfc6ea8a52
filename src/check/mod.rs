//! Stage 4: the check rules.
//!
//! In: the syntax trees and the resolved policy. Out: diagnostics. Each rule
//! is one small file with one code; [`run`] runs them all, in the same way
//! for the command line and, later, the language server. Rules report each
//! cause once (the statements that produce it), not once per leaf, with a
//! note naming how many leaf/channel entries it affects.

mod abandoned_call_records_withheld;
mod append_without_lookup;
mod catalog_unusable;
mod causes;
mod channel_block_never_applies;
mod duplicate_catalog;
mod duplicate_crm;
mod duplicate_defaults;
mod duplicate_setting;
mod edits;
mod ineffective_setting;
mod invalid_value;
mod look_alike_queue_names;
mod lookup_skipped_with_account_creation;
mod misplaced_channel_setting;
mod missing_crm;
mod path_listed_twice;
mod push_without_servicenow;
mod records_option_unavailable;
mod redundant_setting;
mod scoped;
mod session_data_unattached;
mod setting_without_effect;
mod similar_queue_names;
mod suggestions;
mod unknown_catalog_queue;
mod unknown_setting;
mod unsupported_crm_skip;
mod zendesk_ticket_gets_nothing;

use crate::diagnostic::{Code, Diagnostic};
use crate::resolve::{AssignmentId, Owner, ResolvedPolicy, Scope, Source};
use crate::settings::LeafSettings;
use crate::source::SourceSet;
use crate::syntax::{SettingStmt, SyntaxTree};
use std::sync::Arc;

/// What every rule may look at.
pub struct CheckContext<'a> {
    pub sources: &'a SourceSet,
    pub trees: &'a [Arc<SyntaxTree>],
    pub policy: &'a ResolvedPolicy,
    /// For each assignment: whether some entry takes a value from it.
    effective: Vec<bool>,
    /// For each assignment: whether a later statement gives the same
    /// setting again for the same place (E0007).
    given_again: Vec<bool>,
}

impl<'a> CheckContext<'a> {
    pub fn new(sources: &'a SourceSet, trees: &'a [Arc<SyntaxTree>], policy: &'a ResolvedPolicy) -> Self {
        let effective = effective_assignments(policy);
        let mut given_again = vec![false; policy.assignments.len()];
        for first in policy
            .assignments
            .iter()
            .filter_map(|assignment| assignment.duplicate_of)
        {
            if let Some(flag) = given_again.get_mut(first.0) {
                *flag = true;
            }
        }
        CheckContext {
            sources,
            trees,
            policy,
            effective,
            given_again,
        }
    }

    /// The settings of entry number `index` of `policy.entries`, as plain
    /// values (unpacked when asked: a list of them would cost as much
    /// memory as the entries themselves).
    pub fn choices(&self, index: usize) -> Option<LeafSettings> {
        let entry = self.policy.entries.get(index)?;
        Some(entry.settings.leaf_settings(entry.channel))
    }

    /// Whether the same setting is given again for this statement's place
    /// (E0007). Removing such a statement would let the repetition count,
    /// so no rule may offer that as a change of layout only.
    pub fn is_given_again(&self, id: AssignmentId) -> bool {
        self.given_again.get(id.0).copied().unwrap_or(false)
    }

    /// Whether this assignment's value reaches some leaf/channel entry:
    /// directly, or through statements below it that only restate it.
    pub fn is_effective(&self, id: AssignmentId) -> bool {
        self.effective.get(id.0).copied().unwrap_or(false)
    }

    /// The policy set's queue catalog, when it has one it can use.
    pub fn catalog(&self) -> Option<&'a crate::catalog::Catalog> {
        self.sources.catalog().and_then(|attached| attached.catalog())
    }

    /// Every setting statement of every file, wherever it stands.
    pub fn setting_statements(&self) -> impl Iterator<Item = &'a SettingStmt> {
        self.trees.iter().flat_map(|tree| {
            tree.nodes().filter_map(|(_, node)| match &node.kind {
                crate::syntax::NodeKind::Setting(stmt) => Some(stmt),
                _ => None,
            })
        })
    }

    /// "`defaults`", "the `chat` block of `\"Support\"`", ...
    pub fn describe_place(&self, owner: Owner, scope: Scope) -> String {
        let owner = match owner {
            Owner::Defaults => "`defaults`".to_owned(),
            Owner::Queue(queue) => format!("queue `{}`", self.policy.display_path(queue)),
        };
        match scope {
            Scope::Plain => owner,
            Scope::Channel(channel) => format!("the `{channel}` block of {owner}"),
        }
    }
}

/// Marks every assignment whose value reaches an entry. A statement that
/// restates the value it inherits passes that value on, so the statement it
/// inherits from counts as reaching the entry too; otherwise a parent and a
/// child stating the same value would get W0202 and W0201 at once, and
/// following both would change the policy. Each (assignment, channel) is
/// walked once, so this stays linear.
fn effective_assignments(policy: &ResolvedPolicy) -> Vec<bool> {
    let count = policy.assignments.len();
    let mut reached = [vec![false; count], vec![false; count]];
    for entry in &policy.entries {
        let reached = &mut reached[entry.channel.index()];
        for (_, value) in entry.settings.iter().filter(|(key, _)| key.applies_to(entry.channel)) {
            let mut source = value.source;
            while let Source::Stated(id) = source {
                match reached.get_mut(id.0) {
                    Some(flag) if !*flag => *flag = true,
                    _ => break,
                }
                source = policy
                    .assignment(id)
                    .and_then(|assignment| assignment.passed_on_source(entry.channel))
                    .unwrap_or(Source::BuiltIn);
            }
        }
    }
    let [call, chat] = reached;
    call.into_iter().zip(chat).map(|(call, chat)| call || chat).collect()
}

/// A check: one code, one file.
pub trait CheckRule: Sync {
    fn code(&self) -> Code;
    fn check(&self, context: &CheckContext<'_>) -> Vec<Diagnostic>;
}

/// Every rule, in code order.
pub const RULES: &[&dyn CheckRule] = &[
    &unknown_setting::UnknownSetting,
    &invalid_value::InvalidValue,
    &missing_crm::MissingCrm,
    &duplicate_crm::DuplicateCrm,
    &duplicate_defaults::DuplicateDefaults,
    &duplicate_setting::DuplicateSetting,
    &append_without_lookup::AppendWithoutLookup,
    &lookup_skipped_with_account_creation::LookupSkippedWithAccountCreation,
    &records_option_unavailable::RecordsOptionUnavailable,
    &unsupported_crm_skip::UnsupportedCrmSkip,
    &misplaced_channel_setting::MisplacedChannelSetting,
    &push_without_servicenow::PushWithoutServicenow,
    &unknown_catalog_queue::UnknownCatalogQueue,
    &catalog_unusable::CatalogUnusable,
    &duplicate_catalog::DuplicateCatalog,
    &redundant_setting::RedundantSetting,
    &ineffective_setting::IneffectiveSetting,
    &session_data_unattached::SessionDataUnattached,
    &similar_queue_names::SimilarQueueNames,
    &look_alike_queue_names::LookAlikeQueueNames,
    &setting_without_effect::SettingWithoutEffect,
    &abandoned_call_records_withheld::AbandonedCallRecordsWithheld,
    &zendesk_ticket_gets_nothing::ZendeskTicketGetsNothing,
    &channel_block_never_applies::ChannelBlockNeverApplies,
    &path_listed_twice::PathListedTwice,
];

/// Runs every rule.
pub fn run(context: &CheckContext<'_>) -> Vec<Diagnostic> {
    RULES.iter().flat_map(|rule| rule.check(context)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_beyond_syntax_and_allow_comments_has_exactly_one_rule() {
        // E0001 and E0008 come from the parser, the codes about allow
        // comments from their stage; every other code from one rule.
        let parser_codes = [Code::E0001, Code::E0008];
        for code in Code::ALL {
            let rules = RULES.iter().filter(|rule| rule.code() == *code).count();
            let from_elsewhere = parser_codes.contains(code) || crate::suppress::CODES.contains(code);
            assert_eq!(rules, usize::from(!from_elsewhere), "{code}");
        }
    }
}
