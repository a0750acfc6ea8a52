//! Why a leaf queue behaves as it does: the question `crmpol why` asks, and
//! the one the language server's hover of a leaf queue answers.
//!
//! In: a [`Semantics`] and a queue (leaf or inner) with an optional channel,
//! or one leaf/channel entry. Out: an [`EntryExplanation`] per entry: each
//! setting's value in effect with its chain of statements, each with its
//! file, line and source line, down to the built-in default; the entry's
//! rows of the decision table; and the diagnostics that concern it. Chains
//! come from [`Semantics::provenance`] and rows from [`crate::table`], so
//! nothing here decides a value or an outcome.
//!
//! A diagnostic concerns an entry when it names the entry among those it
//! affects; or, for a diagnostic about the text alone (which names no
//! entries), when it is reported inside `defaults` or the block of a queue
//! on the entry's path (outside a channel block of the other channel), or
//! when one of its labels is the name of a queue on that path.

use super::Semantics;
use super::at::place_at;
use super::provenance::Provenance;
use crate::diagnostic::Diagnostic;
use crate::resolve::{AssignmentId, EntryKey, Owner, QueueId, ResolvedPolicy, Scope, Source};
use crate::settings::{SettingKey, SettingValue};
use crate::source::Span;
use crate::syntax::NodeKind;
use crate::table::{TableEntry, table_entry};
use crate::vocabulary::Channel;
use std::collections::HashSet;

/// One leaf/channel entry, explained.
#[derive(Clone, Debug)]
pub struct EntryExplanation<'s> {
    /// Its index among the analysis's entries.
    pub entry: usize,
    pub key: EntryKey,
    /// The settings that decide the entry's channel, in canonical order.
    pub settings: Vec<SettingExplanation>,
    /// The entry as the decision table has it: its rows are `table.rules`.
    pub table: TableEntry,
    /// In force first, in reading order; then those allow comments silenced.
    pub concerns: Vec<Concern<'s>>,
}

/// A setting's value in effect and the statements behind it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettingExplanation {
    pub key: SettingKey,
    pub value: SettingValue,
    /// The step in effect first, then each one it overrode, ending with the
    /// built-in default.
    pub chain: Vec<Step>,
}

/// One link of a chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    Stated(StatementAt),
    BuiltIn(SettingValue),
}

impl Step {
    pub fn value(&self) -> SettingValue {
        match self {
            Step::Stated(statement) => statement.value,
            Step::BuiltIn(value) => *value,
        }
    }
}

/// A setting statement and where it is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatementAt {
    pub assignment: AssignmentId,
    pub value: SettingValue,
    pub owner: Owner,
    pub scope: Scope,
    pub span: Span,
    /// The file's name as given, and the one-based line and column.
    pub file: String,
    pub line: usize,
    pub column: usize,
    /// The whole line holding the statement, trailing comment included,
    /// without its indentation and line ending.
    pub source_line: String,
}

/// A diagnostic that concerns an entry.
#[derive(Clone, Copy, Debug)]
pub struct Concern<'s> {
    pub diagnostic: &'s Diagnostic,
    /// The code in the allow comment that silenced it, if one did.
    pub allowed_by: Option<Span>,
}

impl<'s> Semantics<'s> {
    /// Each leaf/channel entry at or below `queue`, explained; only those of
    /// `channel` when given.
    pub fn why(&self, queue: QueueId, channel: Option<Channel>) -> Vec<EntryExplanation<'s>> {
        let policy = &self.snapshot.analysis.policy;
        let Some(node) = policy.queue(queue) else {
            return Vec::new();
        };
        let places = self.text_places();
        node.entries
            .clone()
            .filter(|&index| {
                policy
                    .entries
                    .get(index)
                    .is_some_and(|entry| channel.is_none_or(|channel| entry.channel == channel))
            })
            .filter_map(|index| self.explain_with(index, &places))
            .collect()
    }

    /// One entry, explained.
    pub fn explain_entry(&self, entry: usize) -> Option<EntryExplanation<'s>> {
        self.explain_with(entry, &self.text_places())
    }

    fn explain_with(&self, index: usize, places: &TextPlaces<'s>) -> Option<EntryExplanation<'s>> {
        let policy = &self.snapshot.analysis.policy;
        let entry = policy.entries.get(index)?;
        let settings = self
            .provenance(index)
            .into_iter()
            .map(|provenance| self.explain_setting(provenance))
            .collect();
        let path = ancestors(policy, entry.queue);
        let concerns = places
            .entry_based
            .iter()
            .filter(|(diagnostic, _)| diagnostic.entries.contains(&index))
            .chain(
                places
                    .text_only
                    .iter()
                    .filter(|(_, place)| place.concerns(&path, entry.channel))
                    .map(|(concern, _)| concern),
            )
            .copied()
            .map(|(diagnostic, allowed_by)| Concern { diagnostic, allowed_by })
            .collect::<Vec<_>>();
        Some(EntryExplanation {
            entry: index,
            key: policy.entry_key(index)?,
            settings,
            table: table_entry(policy, entry),
            concerns: in_reading_order(concerns),
        })
    }

    fn explain_setting(&self, provenance: Provenance) -> SettingExplanation {
        let chain = provenance
            .chain
            .iter()
            .filter_map(|source| match source {
                Source::BuiltIn => Some(Step::BuiltIn(provenance.key.built_in_default())),
                Source::Stated(id) => self.statement_at(*id).map(Step::Stated),
            })
            .collect();
        SettingExplanation {
            key: provenance.key,
            value: provenance.value,
            chain,
        }
    }

    fn statement_at(&self, id: AssignmentId) -> Option<StatementAt> {
        let stated = self.snapshot.analysis.policy.assignment(id)?;
        let file = self.snapshot.sources.get(stated.span.file())?;
        let position = file.line_column(stated.span.start());
        let line = file
            .line_range(position.line - 1)
            .and_then(|range| file.text.get(range))
            .unwrap_or_default();
        Some(StatementAt {
            assignment: id,
            value: stated.value,
            owner: stated.owner,
            scope: stated.scope,
            span: stated.span,
            file: file.name.clone(),
            line: position.line,
            column: position.column,
            source_line: crate::text::trim_blanks(line).to_owned(),
        })
    }

    /// Every diagnostic, in force or silenced, sorted once into those that
    /// name their entries and those about the text, with where the latter
    /// stand.
    fn text_places(&self) -> TextPlaces<'s> {
        let analysis = &self.snapshot.analysis;
        let all = analysis.diagnostics.iter().map(|diagnostic| (diagnostic, None)).chain(
            analysis
                .suppressed
                .iter()
                .map(|suppressed| (&suppressed.diagnostic, Some(suppressed.by))),
        );
        let mut places = TextPlaces::default();
        for concern in all {
            if concern.0.entries.is_empty() {
                let place = self.text_place(concern.0);
                places.text_only.push((concern, place));
            } else {
                places.entry_based.push(concern);
            }
        }
        places
    }

    fn text_place(&self, diagnostic: &Diagnostic) -> TextPlace {
        let named_queues = diagnostic
            .labels
            .iter()
            .filter_map(|label| self.queue_named_at(label.span))
            .collect();
        let (owner, channel) = diagnostic
            .primary_span()
            .map_or((None, None), |span| self.block_owner(span));
        TextPlace {
            owner,
            channel,
            named_queues,
        }
    }

    /// Whose settings a place stands among: `defaults` or a queue, and the
    /// channel when it is inside a channel block.
    fn block_owner(&self, span: Span) -> (Option<Owner>, Option<Channel>) {
        let Some(tree) = self.snapshot.analysis.trees.get(span.file().0) else {
            return (None, None);
        };
        let mut channel = None;
        for block in place_at(tree, span.start()).blocks {
            match self.node(block).map(|node| &node.kind) {
                Some(NodeKind::Channel(block_channel)) => {
                    channel.get_or_insert(block_channel.value);
                }
                Some(NodeKind::Defaults) => return (Some(Owner::Defaults), channel),
                Some(NodeKind::Queue(_)) => {
                    if let Some(queue) = self.queue_opened_by(block) {
                        return (Some(Owner::Queue(queue)), channel);
                    }
                }
                _ => {}
            }
        }
        (None, None)
    }
}

/// A diagnostic and the allow comment that silenced it, if any.
type Candidate<'s> = (&'s Diagnostic, Option<Span>);

#[derive(Default)]
struct TextPlaces<'s> {
    entry_based: Vec<Candidate<'s>>,
    text_only: Vec<(Candidate<'s>, TextPlace)>,
}

/// Where a diagnostic about the text stands in the queue tree.
struct TextPlace {
    owner: Option<Owner>,
    /// Inside a channel block of this channel.
    channel: Option<Channel>,
    /// The queues whose names its labels are.
    named_queues: Vec<QueueId>,
}

impl TextPlace {
    /// `path`: the queues from the entry's leaf up to its top-level queue.
    fn concerns(&self, path: &HashSet<QueueId>, channel: Channel) -> bool {
        if self.named_queues.iter().any(|queue| path.contains(queue)) {
            return true;
        }
        let in_scope = self.channel.is_none_or(|only| only == channel);
        let on_path = match self.owner {
            Some(Owner::Defaults) => true,
            Some(Owner::Queue(queue)) => path.contains(&queue),
            None => false,
        };
        in_scope && on_path
    }
}

fn in_reading_order(mut concerns: Vec<Concern<'_>>) -> Vec<Concern<'_>> {
    concerns.sort_by_key(|concern| (concern.allowed_by.is_some(), concern.diagnostic.reading_key()));
    concerns
}

/// `queue` and the queues above it, up to its top-level queue.
fn ancestors(policy: &ResolvedPolicy, queue: QueueId) -> HashSet<QueueId> {
    let mut path = HashSet::new();
    let mut current = Some(queue);
    while let Some(id) = current {
        if !path.insert(id) {
            break;
        }
        current = policy.queue(id).and_then(|node| node.parent);
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::find_queue::{QueueLookup, QueueQuery};
    use crate::workspace::snapshot_of_texts;

    use crate::query::test_policies::TIERS as POLICY;

    #[test]
    fn an_entry_is_explained_with_its_chain_rows_and_concerns() {
        let snapshot = snapshot_of_texts(&[("p.crmpol", POLICY)]);
        let semantics = Semantics::of(&snapshot);
        let Some(QueueLookup::Found(billing)) = QueueQuery::parse("Support/Billing")
            .ok()
            .map(|query| semantics.find_queue(&query))
        else {
            panic!("Billing")
        };
        let explained = semantics.why(billing, None);
        assert_eq!(explained.len(), 2);
        let call = &explained[0];
        assert_eq!(call.key.channel, Channel::Call);
        let skip = &call.settings[SettingKey::SkipRecordCreation.index()];
        assert_eq!(skip.value, SettingValue::Flag(false));
        let lines: Vec<(usize, &str)> = skip
            .chain
            .iter()
            .filter_map(|step| match step {
                Step::Stated(at) => Some((at.line, at.source_line.as_str())),
                Step::BuiltIn(_) => None,
            })
            .collect();
        assert_eq!(
            lines,
            [
                (7, "skip record creation: no   # support keeps records"),
                (3, "skip record creation: yes")
            ]
        );
        assert_eq!(skip.chain.last(), Some(&Step::BuiltIn(SettingValue::Flag(false))));
        // Three lookup situations, each engaged and abandoned.
        assert_eq!(call.table.rules.len(), 6);

        let codes = |entry: &EntryExplanation<'_>| -> Vec<(usize, String)> {
            entry
                .concerns
                .iter()
                .map(|concern| {
                    let line = concern
                        .diagnostic
                        .primary_span()
                        .and_then(|span| Some(snapshot.sources.get(span.file())?.line_column(span.start()).line))
                        .unwrap_or(0);
                    (line, concern.diagnostic.code.to_string())
                })
                .collect()
        };
        assert_eq!(
            codes(call),
            [(4, "E0002".to_owned())],
            "the defaults typo, not the chat one"
        );
        assert_eq!(
            codes(&explained[1]),
            [(4, "E0002".to_owned()), (10, "E0002".to_owned())],
            "Billing's chat block"
        );
        let only_chat = semantics.why(billing, Some(Channel::Chat));
        assert_eq!(only_chat.len(), 1);
        assert_eq!(only_chat[0].key.channel, Channel::Chat);
    }

    #[test]
    fn an_inner_queue_is_explained_leaf_by_leaf() {
        let snapshot = snapshot_of_texts(&[("p.crmpol", POLICY)]);
        let semantics = Semantics::of(&snapshot);
        let QueueLookup::Found(support) = semantics.find_queue(&QueueQuery::Quoted(vec!["Support".to_owned()])) else {
            panic!("Support")
        };
        let keys: Vec<String> = semantics
            .why(support, Some(Channel::Call))
            .iter()
            .map(|entry| entry.key.queue.join(" / "))
            .collect();
        assert_eq!(
            keys,
            [
                "Support / Billing",
                "Support / Tier 1/Tier 2",
                "Support / Tier 1 / Tier 2"
            ]
        );
    }
}
