//! Hover text: what the word under the cursor means here.
//!
//! In: a [`Semantics`], a file and an offset. Out: a [`Hover`], Markdown and
//! the span it is about. On a setting: its meaning, the value in effect,
//! which leaf/channel entries it decides and which statements override it.
//! On a queue name: where it is opened and its settings per channel, with
//! the decision-table rows for a leaf, both taken from the explanation
//! `crmpol why` prints ([`super::why`]). On a diagnostic code in a comment:
//! the code's documentation, the same text `crmpol explain` prints.

use super::Semantics;
use super::at::{Item, item_at};
use super::provenance::Provenance;
use super::why::{EntryExplanation, SettingExplanation, Step};
use crate::emit::{attached_words, created_at_words, markdown_queue_path, markdown_text, words};
use crate::resolve::{AssignmentId, Owner, QueueId, Scope, Source};
use crate::settings::SettingKey;
use crate::source::{FileId, Span};
use crate::syntax::{NodeKind, NodeRef};
use crate::vendor;
use crate::vocabulary::{Channel, CrmTerms, capitalized};
use std::fmt::Write;

/// How many entries a hover lists before "and N more".
const ENTRIES_SHOWN: usize = 8;

/// Hover text and the span it describes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hover {
    pub span: Span,
    pub markdown: String,
}

impl<'s> Semantics<'s> {
    /// The hover at `offset` in `file`, if there is something to say.
    pub fn hover(&self, file: FileId, offset: usize) -> Option<Hover> {
        let tree = self.snapshot.analysis.trees.get(file.0)?;
        let item = item_at(tree, self.file_text(file), offset)?;
        let markdown = match &item {
            Item::SettingName { statement, .. } | Item::SettingValue { statement, .. } => {
                self.setting_hover(*statement)?
            }
            Item::QueueName {
                statement,
                position,
                span,
            } => {
                let queue = self
                    .queue_named_at(*span)
                    .or_else(|| (*position == 0).then(|| self.queue_opened_by(*statement)).flatten())?;
                self.queue_hover(queue)
            }
            Item::Code { code, .. } => {
                format!("**{code}**: {}\n\n{}", code.title(), code.documentation().unwrap_or(""))
            }
            Item::CrmName { .. } | Item::Keyword { .. } => self.keyword_hover(&item)?,
        };
        Some(Hover {
            span: item.span(),
            markdown,
        })
    }

    fn setting_hover(&self, statement: NodeRef) -> Option<String> {
        let NodeKind::Setting(stmt) = &self.node(statement)?.kind else {
            return None;
        };
        let key = stmt.key?;
        let mut out = format!("**`{}`**", key.name());
        let _ = write!(out, ": {}", key.spec().doc);
        let _ = write!(out, "\n\nBuilt-in default: `{}`.", key.built_in_default());
        if let Some(assignment) = self.assignment_of(statement) {
            out.push_str("\n\n");
            out.push_str(&self.assignment_summary(assignment));
        }
        Some(out)
    }

    /// What a setting statement decides and what overrides it.
    fn assignment_summary(&self, id: AssignmentId) -> String {
        let policy = &self.snapshot.analysis.policy;
        let Some(stated) = policy.assignment(id) else {
            return String::new();
        };
        if let Some(first) = stated.duplicate_of {
            return format!(
                "This repeats the setting for the same place; the first one, {}, is the one in effect.",
                self.where_stated(first)
            );
        }
        let reach = self.reach(id);
        let total = match stated.owner {
            Owner::Defaults => policy.entries.len(),
            Owner::Queue(queue) => policy.queue(queue).map_or(0, |queue| queue.entries.len()),
        };
        let in_scope = reach.decides.len() + reach.overridden.len();
        let scope = match stated.scope {
            Scope::Plain => String::new(),
            Scope::Channel(channel) => format!(" ({channel} only)"),
        };
        let mut out = format!(
            "`{}` here decides **{} of {in_scope}** leaf/channel {} under it{scope}",
            stated.value,
            reach.decides.len(),
            plural(in_scope, "entry", "entries"),
        );
        if total != in_scope {
            let _ = write!(out, " ({total} in all)");
        }
        out.push_str(&self.entry_list(&reach.decides));
        let overriders = self.overriding_this(id);
        if !overriders.is_empty() {
            let _ = write!(
                out,
                "\n\nOverridden for {} {} by:",
                reach.overridden.len(),
                plural(reach.overridden.len(), "entry", "entries")
            );
            for &overrider in overriders.iter().take(ENTRIES_SHOWN) {
                let value = policy.assignment(overrider).map(|stated| stated.value.to_string());
                let _ = write!(
                    out,
                    "\n- `{}` at {}",
                    value.unwrap_or_default(),
                    self.where_stated(overrider)
                );
            }
            more(&mut out, overriders.len());
        }
        let overridden = self.overridden_by_this(id);
        if !overridden.is_empty() {
            out.push_str("\n\nThis overrides:");
            for &earlier in overridden.iter().take(ENTRIES_SHOWN) {
                let value = policy.assignment(earlier).map(|stated| stated.value.to_string());
                let _ = write!(
                    out,
                    "\n- `{}` at {}",
                    value.unwrap_or_default(),
                    self.where_stated(earlier)
                );
            }
            more(&mut out, overridden.len());
        } else if stated
            .inherited
            .iter()
            .all(|(_, inherited)| inherited.source == Source::BuiltIn)
        {
            out.push_str("\n\nThis overrides the built-in default.");
        }
        out
    }

    fn queue_hover(&self, queue: QueueId) -> String {
        let policy = &self.snapshot.analysis.policy;
        let Some(node) = policy.queue(queue) else {
            return String::new();
        };
        let path = policy.path(queue);
        // With a catalog a queue can be a leaf for one channel and have
        // sub-queues for the other: a leaf is a queue with entries.
        let is_leaf = policy.has_entries(queue);
        let kind = if is_leaf { "leaf queue" } else { "queue" };
        let mut out = format!("**{}** ({kind})", markdown_queue_path(&path));
        let openings = self.openings(queue).len();
        let _ = write!(out, "\n\nOpened in {openings} {}.", plural(openings, "place", "places"));
        if !is_leaf {
            let leaves = count_leaves(policy, node);
            let _ = write!(
                out,
                " {leaves} leaf {} below it; the settings they start from:",
                plural(leaves, "queue", "queues")
            );
        }
        out.push_str("\n\n");
        if is_leaf {
            // The same explanation `crmpol why` prints, so the two agree.
            let explained = self.why(queue, None);
            let cells = |channel: Channel| {
                explained
                    .iter()
                    .filter(|entry| entry.key.channel == channel)
                    .flat_map(|entry| entry.settings.iter().map(|setting| self.explained_cell(setting)))
                    .collect()
            };
            out.push_str(&settings_table(cells(Channel::Call), cells(Channel::Chat)));
            let terms = CrmTerms::of(self.snapshot.analysis.policy.crm());
            for entry in &explained {
                out.push_str(&outcome_rows(entry, terms));
            }
        } else {
            let cells = |channel: Channel| {
                self.provenance_at(queue, channel)
                    .iter()
                    .map(|provenance| (provenance.key, self.value_cell(provenance)))
                    .collect()
            };
            out.push_str(&settings_table(cells(Channel::Call), cells(Channel::Chat)));
        }
        out
    }

    fn value_cell(&self, provenance: &Provenance) -> String {
        match provenance.decided_by() {
            Some(id) => format!("`{}` ({})", provenance.value, self.where_stated(id)),
            None => format!("`{}` (built-in default)", provenance.value),
        }
    }

    fn explained_cell(&self, setting: &SettingExplanation) -> (SettingKey, String) {
        let cell = match setting.chain.first() {
            Some(Step::Stated(at)) => format!("`{}` ({})", setting.value, self.where_stated(at.assignment)),
            _ => format!("`{}` (built-in default)", setting.value),
        };
        (setting.key, cell)
    }

    fn keyword_hover(&self, item: &Item) -> Option<String> {
        let (Item::CrmName { statement, .. } | Item::Keyword { statement, .. }) = item else {
            return None;
        };
        match &self.node(*statement)?.kind {
            NodeKind::Crm(decl) => {
                let crm = decl.crm?;
                let skipping = if vendor::crm_supports_skipping(crm) {
                    "supports skipping account and record creation"
                } else {
                    "does not support skipping account or record creation (`E0104`)"
                };
                Some(format!("**CRM: `{crm}`**, which {skipping}."))
            }
            NodeKind::Defaults => Some(format!(
                "**`defaults`**: settings for every queue, which queues override. Applies to {} leaf/channel {}.",
                self.snapshot.analysis.policy.entries.len(),
                plural(self.snapshot.analysis.policy.entries.len(), "entry", "entries")
            )),
            NodeKind::Channel(channel) => Some(format!(
                "**`{}`**: settings for {} sessions only, over the block's plain settings.",
                channel.value, channel.value
            )),
            NodeKind::Queue(_) => {
                let queue = self.queue_opened_by(*statement)?;
                Some(self.queue_hover(queue))
            }
            _ => None,
        }
    }

    /// "`p.crmpol:3` (`defaults`)": where a statement is, and whose it is.
    fn where_stated(&self, id: AssignmentId) -> String {
        let policy = &self.snapshot.analysis.policy;
        let Some(stated) = policy.assignment(id) else {
            return String::from("(unknown)");
        };
        let place = self
            .snapshot
            .sources
            .get(stated.span.file())
            .map_or_else(String::new, |file| {
                format!(
                    "{}:{}",
                    markdown_text(&file.name),
                    file.line_column(stated.span.start()).line
                )
            });
        let owner = match stated.owner {
            Owner::Defaults => "`defaults`".to_owned(),
            Owner::Queue(queue) => markdown_queue_path(&policy.path(queue)),
        };
        let scope = match stated.scope {
            Scope::Plain => String::new(),
            Scope::Channel(channel) => format!(", {channel} block"),
        };
        format!("{owner}{scope}, {place}")
    }

    fn entry_list(&self, entries: &[usize]) -> String {
        let policy = &self.snapshot.analysis.policy;
        let mut out = String::new();
        if entries.is_empty() {
            out.push('.');
            return out;
        }
        out.push(':');
        for &index in entries.iter().take(ENTRIES_SHOWN) {
            if let Some(key) = policy.entry_key(index) {
                let _ = write!(out, "\n- {} ({})", markdown_queue_path(&key.queue), key.channel);
            }
        }
        more(&mut out, entries.len());
        out
    }
}

/// The settings in effect at a queue, per channel, with where each comes
/// from: one cell per setting and channel, in canonical order.
fn settings_table(call: Vec<(SettingKey, String)>, chat: Vec<(SettingKey, String)>) -> String {
    let mut out = String::from("| Setting | call | chat |\n|---|---|---|\n");
    // A setting of one channel only has no cell in the other.
    let cell = |cells: &[(SettingKey, String)], key: SettingKey| {
        cells
            .iter()
            .find(|(of, _)| *of == key)
            .map_or("—", |(_, cell)| cell.as_str())
            .to_owned()
    };
    for key in SettingKey::ALL {
        let _ = writeln!(out, "| {} | {} | {} |", key.name(), cell(&call, key), cell(&chat, key));
    }
    out
}

/// The decision-table rows of one entry.
fn outcome_rows(entry: &EntryExplanation<'_>, terms: CrmTerms) -> String {
    let table = &entry.table;
    let mut out = format!(
        "\n**{}**: \"Records\" option {} of {}\n\n| Situation | Progress | {} | {} | Created at | Session data | Attached to |\n|---|---|---|---|---|---|---|\n",
        table.channel,
        table.records_option(),
        table.records_options_available(),
        capitalized(terms.account),
        capitalized(terms.record),
    );
    for outcome in &table.rules {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            words(outcome.situation),
            words(outcome.progress),
            words(outcome.account),
            words(outcome.record),
            created_at_words(outcome.record_created_at),
            words(outcome.session_data),
            attached_words(outcome.attached_to, terms)
        );
    }
    out
}

fn more(out: &mut String, count: usize) {
    if count > ENTRIES_SHOWN {
        let _ = write!(out, "\n- and {} more", count - ENTRIES_SHOWN);
    }
}

fn plural(count: usize, one: &'static str, many: &'static str) -> &'static str {
    if count == 1 { one } else { many }
}

/// The queues with entries at or below a queue.
fn count_leaves(policy: &crate::resolve::ResolvedPolicy, node: &crate::resolve::QueueNode) -> usize {
    let mut leaves = 0;
    let mut previous = None;
    for entry in node.entries.clone().filter_map(|index| policy.entries.get(index)) {
        if previous != Some(entry.queue) {
            leaves += 1;
        }
        previous = Some(entry.queue);
    }
    leaves
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::snapshot_of_texts;

    const POLICY: &str = "crm: salesforce\n\
        # crmpol: allow(W0201)\n\
        defaults {\n\
        \x20   append to latest open record: yes\n\
        }\n\
        queue \"Support\" {\n\
        \x20   append to latest open record: no\n\
        \x20   queue \"Billing\"\n\
        \x20   queue \"Chat Desk\" {\n\
        \x20       chat {\n\
        \x20           append to latest open record: yes\n\
        \x20       }\n\
        \x20   }\n\
        }\n";

    fn hover(needle: &str) -> String {
        let snapshot = snapshot_of_texts(&[("p.crmpol", POLICY)]);
        let offset = POLICY.find(needle).expect("needle") + 1;
        Semantics::of(&snapshot)
            .hover(FileId(0), offset)
            .map(|hover| hover.markdown)
            .unwrap_or_default()
    }

    #[test]
    fn a_setting_says_what_it_decides_and_what_overrides_it() {
        let text = hover("append to latest open record: no");
        assert!(text.contains("decides **3 of 4**"), "{text}");
        assert!(!text.contains("Support / Chat Desk (chat)"), "{text}");
        assert!(text.contains("Overridden for 1 entry by:"), "{text}");
        assert!(
            text.contains("`yes` at Support / Chat Desk, chat block, p.crmpol:11"),
            "{text}"
        );
        assert!(
            text.contains("This overrides:\n- `yes` at `defaults`, p.crmpol:4"),
            "{text}"
        );
    }

    #[test]
    fn a_leaf_shows_its_settings_and_rows() {
        let text = hover("\"Chat Desk\"");
        assert!(text.contains("**Support / Chat Desk** (leaf queue)"), "{text}");
        assert!(
            text.contains("| append to latest open record | `no` (Support, p.crmpol:7) | `yes` (Support / Chat Desk, chat block, p.crmpol:11) |"),
            "{text}"
        );
        assert!(
            text.contains("| found with open record | engaged | use existing | append |"),
            "{text}"
        );
        assert!(text.contains("| records | `option 1` (built-in default)"), "{text}");
    }

    #[test]
    fn a_leaf_hover_and_why_give_the_same_sources_and_rows() {
        let snapshot = snapshot_of_texts(&[("p.crmpol", POLICY)]);
        let semantics = Semantics::of(&snapshot);
        let text = hover("\"Chat Desk\"");
        let leaf = semantics.queue_named_at(Span::new(
            FileId(0),
            POLICY.find("\"Chat Desk\"").expect("name"),
            POLICY.find("\"Chat Desk\"").expect("name") + "\"Chat Desk\"".len(),
        ));
        let explained = semantics.why(leaf.expect("Chat Desk"), None);
        assert_eq!(explained.len(), 2);
        let source = |step: Option<&Step>| match step {
            Some(Step::Stated(at)) => format!("p.crmpol:{}) ", at.line),
            _ => "(built-in default) ".to_owned(),
        };
        for key in SettingKey::ALL {
            let row = text
                .lines()
                .find(|line| line.starts_with(&format!("| {} |", key.name())))
                .unwrap_or_else(|| panic!("{key}: {text}"));
            let cells: Vec<&str> = row.split('|').collect();
            for (column, entry) in explained.iter().enumerate() {
                let Some(setting) = entry.settings.iter().find(|setting| setting.key == key) else {
                    // Not a setting of this entry's channel.
                    assert!(!key.applies_to(entry.table.channel), "{key}");
                    continue;
                };
                let chain = &setting.chain;
                let cell = cells.get(column + 2).copied().unwrap_or_default();
                assert!(
                    cell.ends_with(&source(chain.first())),
                    "{key} ({}): hover `{cell}`, why {chain:?}",
                    entry.key.channel
                );
            }
        }
        for entry in &explained {
            for rule in &entry.table.rules {
                let row = format!(
                    "| {} | {} | {} | {} | {} | {} | {} |",
                    words(rule.situation),
                    words(rule.progress),
                    words(rule.account),
                    words(rule.record),
                    created_at_words(rule.record_created_at),
                    words(rule.session_data),
                    attached_words(rule.attached_to, CrmTerms::of(snapshot.analysis.policy.crm()))
                );
                assert!(text.contains(&row), "{row}: {text}");
            }
        }
    }

    #[test]
    fn a_code_in_an_allow_comment_shows_its_documentation() {
        let text = hover("W0201");
        assert!(text.starts_with("**W0201**: "), "{text}");
        assert_eq!(
            text.split_once("\n\n").map(|(_, doc)| doc),
            crate::Code::W0201.documentation()
        );
    }
}
