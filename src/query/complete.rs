//! Completion: what may be written at the cursor.
//!
//! In: a [`Semantics`], a file and an offset. Out: [`Completion`]s, each
//! with the text to insert and the span it replaces, offering only what is
//! valid at that place: statement keywords and setting names at the start
//! of a line (no `queue` inside a channel block, no `crm:` inside any
//! block), the values of the setting being written, CRM names after `crm:`,
//! and existing queue names inside `queue "` or a path shorthand.
//!
//! Completion reads the line up to the cursor, not the syntax tree, because
//! the line being typed is rarely a complete statement yet; the tree says
//! which block the line is in.

use super::Semantics;
use super::at::{comment_at, place_at};
use crate::resolve::{QueueId, quote_name};
use crate::settings::SettingKey;
use crate::source::{FileId, Span};
use crate::syntax::NodeKind;
use crate::text::trim_start_blanks;
use crate::vocabulary::{Channel, Crm};

/// What a completion stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    Keyword,
    Setting,
    Value,
    Crm,
    Queue,
}

/// One thing that may be written at the cursor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    pub label: String,
    pub kind: CompletionKind,
    pub detail: Option<String>,
    /// Markdown saying what the item means, where there is more to say
    /// than the detail.
    pub documentation: Option<&'static str>,
    /// What replaces `replace`.
    pub insert: String,
    /// The part of the line already typed that the completion replaces
    /// (empty at the cursor when nothing is typed yet).
    pub replace: Span,
}

/// The kind of block a line stands in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Context {
    TopLevel,
    Defaults,
    Queue(Option<QueueId>),
    /// A `call { }` or `chat { }` block: only the settings of its channel.
    Channel(Channel),
    /// Inside a block that could not be read: nothing is known to be valid.
    Unknown,
}

impl<'s> Semantics<'s> {
    /// The completions at `offset` in `file`.
    pub fn completions(&self, file: FileId, offset: usize) -> Vec<Completion> {
        let Some(source) = self.snapshot.sources.get(file) else {
            return Vec::new();
        };
        let Some(tree) = self.snapshot.analysis.trees.get(file.0) else {
            return Vec::new();
        };
        let offset = source.clamp(offset);
        let line_start = source.line_start(source.line_of(offset)).unwrap_or(0);
        let before = source.text.get(line_start..offset).unwrap_or("");
        if comment_at(tree, offset).is_some_and(|comment| comment.start() < offset) || in_comment(before) {
            return Vec::new();
        }
        let line_end = source
            .line_range(source.line_of(offset))
            .map_or(offset, |line| line.end);
        let this_line = Span::new(file, line_start, line_end);
        let typed = trim_start_blanks(before);
        let typed_start = offset - typed.len();
        let span = |start: usize| Span::new(file, start, offset);
        let context = self.context_at(file, offset);

        if let Some(path) = typed.strip_prefix("queue") {
            return match queue_path_being_typed(path) {
                Some((parents, partial)) => {
                    self.queue_names(context, &parents, span(offset - partial.len()), this_line)
                }
                None => Vec::new(),
            };
        }
        if let Some((name, value)) = typed.split_once(':') {
            let value_start = offset - trim_start_blanks(value).len();
            // Right after the colon (`:` triggers completion), the value
            // comes with the space the canonical layout puts there.
            let spaced = |mut completions: Vec<Completion>| {
                if value.is_empty() {
                    for completion in &mut completions {
                        completion.insert.insert(0, ' ');
                    }
                }
                completions
            };
            let name = crate::vocabulary::fold_whitespace(name);
            if name == "crm" {
                return if context == Context::TopLevel {
                    spaced(crm_names(span(value_start)))
                } else {
                    Vec::new()
                };
            }
            return match SettingKey::from_name(&name) {
                Some(key) if context.allows_settings() => {
                    let mut values = values_of(key, span(value_start));
                    if key == SettingKey::Records {
                        self.note_unavailable_options(file, offset, &mut values);
                    }
                    spaced(values)
                }
                _ => Vec::new(),
            };
        }
        if typed.contains(['{', '}', '"']) {
            return Vec::new();
        }
        statements(context, span(typed_start))
    }

    /// Marks the "Records" options that some leaf/channel entry under the
    /// cursor's block does not offer (they would be E0103), and lists them
    /// after the ones every entry offers.
    fn note_unavailable_options(&self, file: FileId, offset: usize, values: &mut [Completion]) {
        let Some(offered) = self.records_options_offered(file, offset) else {
            return;
        };
        for value in values.iter_mut() {
            let position: u8 = value.label.trim_start_matches("option ").parse().unwrap_or(0);
            if position > offered {
                value.detail = Some(format!(
                    "not offered for every leaf queue here: at most option {offered} (E0103)"
                ));
            }
        }
        values.sort_by_key(|value| {
            value
                .detail
                .as_deref()
                .is_some_and(|detail| detail.starts_with("not offered"))
        });
    }

    /// The most "Records" options every entry under the cursor's block
    /// offers, as the portal decides it for each entry's settings.
    fn records_options_offered(&self, file: FileId, offset: usize) -> Option<u8> {
        let tree = self.snapshot.analysis.trees.get(file.0)?;
        let policy = &self.snapshot.analysis.policy;
        let place = place_at(tree, offset);
        let channel = place.blocks.first().and_then(|block| match &self.node(*block)?.kind {
            NodeKind::Channel(channel) => Some(channel.value),
            _ => None,
        });
        let owner = place.blocks.iter().find_map(|block| match &self.node(*block)?.kind {
            NodeKind::Queue(_) => Some(self.queue_opened_by(*block)),
            NodeKind::Defaults => Some(None),
            _ => None,
        })?;
        let entries = match owner {
            Some(queue) => policy.queue(queue)?.entries.clone(),
            None => 0..policy.entries.len(),
        };
        entries
            .filter_map(|index| policy.entries.get(index))
            .filter(|entry| channel.is_none_or(|channel| entry.channel == channel))
            .map(|entry| crate::vendor::records_options_available(&entry.settings.leaf_settings(entry.channel)))
            .min()
    }

    fn context_at(&self, file: FileId, offset: usize) -> Context {
        let Some(tree) = self.snapshot.analysis.trees.get(file.0) else {
            return Context::Unknown;
        };
        let place = place_at(tree, offset);
        let Some(block) = place.blocks.first() else {
            return Context::TopLevel;
        };
        match self.node(*block).map(|node| &node.kind) {
            Some(NodeKind::Defaults) => Context::Defaults,
            Some(NodeKind::Queue(_)) => Context::Queue(self.queue_opened_by(*block)),
            Some(NodeKind::Channel(channel)) => Context::Channel(channel.value),
            _ => Context::Unknown,
        }
    }

    /// Existing queue names that may follow `parents` (names already typed
    /// in a path shorthand) where the line stands.
    fn queue_names(&self, context: Context, parents: &[String], replace: Span, this_line: Span) -> Vec<Completion> {
        let policy = &self.snapshot.analysis.policy;
        let mut siblings: &[QueueId] = match context {
            Context::TopLevel => &policy.roots,
            Context::Queue(Some(queue)) => policy.queue(queue).map_or(&[], |queue| queue.children.as_slice()),
            _ => return Vec::new(),
        };
        for parent in parents {
            let found = siblings
                .iter()
                .find(|&&id| policy.queue(id).is_some_and(|queue| *queue.name == **parent));
            siblings = match found.and_then(|&id| policy.queue(id)) {
                Some(queue) => &queue.children,
                None => return Vec::new(),
            };
        }
        // A queue opened only by the line being typed is not one that exists.
        let elsewhere = |span: &Span| {
            span.file() != this_line.file() || span.end() < this_line.start() || span.start() > this_line.end()
        };
        // With a catalog, its queues are the ones that exist, opened in the
        // policy or not.
        siblings
            .iter()
            .filter_map(|&id| policy.queue(id).map(|queue| (id, queue)))
            .filter(|(_, queue)| queue.catalog.is_some() || queue.declarations.iter().any(elsewhere))
            .map(|(id, queue)| {
                let quoted = quote_name(&queue.name);
                let kind = match (queue.catalog.is_some(), policy.has_entries(id)) {
                    (true, true) => "catalog leaf queue",
                    (true, false) => "catalog queue",
                    (false, true) => "leaf queue",
                    (false, false) => "queue",
                };
                let opened = queue.declarations.iter().filter(|span| elsewhere(span)).count();
                Completion {
                    label: queue.name.to_string(),
                    kind: CompletionKind::Queue,
                    detail: Some(match opened {
                        0 => format!("{kind}, not in the policy yet"),
                        1 => format!("{kind}, opened in 1 place"),
                        _ => format!("{kind}, opened in {opened} places"),
                    }),
                    documentation: None,
                    // The opening quote is already typed.
                    insert: quoted.get(1..).unwrap_or_default().to_owned(),
                    replace,
                }
            })
            .collect()
    }
}

impl Context {
    fn allows_settings(self) -> bool {
        matches!(self, Context::Defaults | Context::Queue(_) | Context::Channel(_))
    }
}

/// After `queue`: the names already closed in the path, and the name being
/// typed inside an open quote. `None` when the cursor is not inside a name.
fn queue_path_being_typed(after_keyword: &str) -> Option<(Vec<String>, &str)> {
    let mut names = Vec::new();
    let mut rest = after_keyword;
    loop {
        rest = trim_start_blanks(rest);
        let inside = rest.strip_prefix('"')?;
        match crate::syntax::closing_quote(inside) {
            Some(end) => {
                names.push(crate::syntax::unescape_name(inside.get(..end)?));
                rest = trim_start_blanks(inside.get(end + 1..)?);
                rest = rest.strip_prefix('/')?;
            }
            None => return Some((names, inside)),
        }
    }
}

/// Whether a `#` outside a quoted name starts a comment before the cursor.
fn in_comment(before: &str) -> bool {
    let (mut quoted, mut escaped) = (false, false);
    for c in before.chars() {
        match c {
            '\\' if quoted && !escaped => {
                escaped = true;
                continue;
            }
            '"' if !escaped => quoted = !quoted,
            '#' if !quoted => return true,
            _ => {}
        }
        escaped = false;
    }
    false
}

fn statements(context: Context, replace: Span) -> Vec<Completion> {
    let keyword = |label: &str, insert: &str, detail: &str| Completion {
        label: label.to_owned(),
        kind: CompletionKind::Keyword,
        detail: Some(detail.to_owned()),
        documentation: None,
        insert: insert.to_owned(),
        replace,
    };
    let mut found = Vec::new();
    match context {
        Context::TopLevel => {
            found.push(keyword("crm", "crm: ", "the CRM the contact center uses"));
            found.push(keyword("defaults", "defaults {", "settings for every queue"));
            found.push(keyword("queue", "queue \"", "a queue and its settings"));
        }
        Context::Defaults | Context::Queue(_) => {
            found.extend(settings(replace, SettingKey::ALL.into_iter()));
            found.push(keyword("call", "call {", "settings for calls only"));
            found.push(keyword("chat", "chat {", "settings for chats only"));
            if matches!(context, Context::Queue(_)) {
                found.push(keyword("queue", "queue \"", "a sub-queue"));
            }
        }
        Context::Channel(channel) => found.extend(settings(replace, crate::settings::applying_to(channel))),
        Context::Unknown => {}
    }
    found
}

fn settings(replace: Span, keys: impl Iterator<Item = SettingKey>) -> impl Iterator<Item = Completion> {
    keys.map(move |key| Completion {
        label: key.name().to_owned(),
        kind: CompletionKind::Setting,
        detail: Some(format!("built-in default: {}", key.built_in_default())),
        documentation: Some(key.spec().doc),
        insert: format!("{}: ", key.name()),
        replace,
    })
}

fn values_of(key: SettingKey, replace: Span) -> Vec<Completion> {
    let default = key.built_in_default().to_string();
    key.value_spellings()
        .iter()
        .map(|value| Completion {
            label: (*value).to_owned(),
            kind: CompletionKind::Value,
            detail: (*value == default).then(|| "the built-in default".to_owned()),
            documentation: None,
            insert: (*value).to_owned(),
            replace,
        })
        .collect()
}

fn crm_names(replace: Span) -> Vec<Completion> {
    Crm::ALL
        .into_iter()
        .map(|crm| Completion {
            label: crm.keyword().to_owned(),
            kind: CompletionKind::Crm,
            detail: (!crate::vendor::crm_supports_skipping(crm))
                .then(|| "does not support skipping account or record creation".to_owned()),
            documentation: None,
            insert: crm.keyword().to_owned(),
            replace,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::snapshot_of_texts;

    /// The labels offered where `|` stands in `text`.
    fn labels(text: &str) -> Vec<String> {
        let offset = text.find('|').expect("a cursor");
        let text = text.replacen('|', "", 1);
        let snapshot = snapshot_of_texts(&[("p.crmpol", &text)]);
        Semantics::of(&snapshot)
            .completions(FileId(0), offset)
            .into_iter()
            .map(|completion| completion.label)
            .collect()
    }

    const QUEUES: &str = "crm: zendesk\nqueue \"Support\" {\n    queue \"Billing\"\n    queue \"Tier \\\"2\\\"\"\n}\n";

    #[test]
    fn only_what_is_valid_in_the_block() {
        assert_eq!(labels("|"), ["crm", "defaults", "queue"]);
        let in_channel = labels("queue \"A\" {\n    call {\n        |\n    }\n}\n");
        let call_settings: Vec<String> = crate::settings::applying_to(Channel::Call)
            .map(|key| key.name().to_owned())
            .collect();
        assert_eq!(in_channel, call_settings, "the call settings only");
        assert!(
            !in_channel.contains(
                &SettingKey::DelayChatRecordCreationUntilConsumerMessages
                    .name()
                    .to_owned()
            )
        );
        let in_queue = labels("queue \"A\" {\n    sk|\n}\n");
        assert!(in_queue.contains(&"queue".to_owned()) && in_queue.contains(&"call".to_owned()));
        let in_defaults = labels("defaults {\n    |\n}\n");
        assert!(!in_defaults.contains(&"queue".to_owned()));
        assert_eq!(labels("# a comment |\n"), Vec::<String>::new());
    }

    #[test]
    fn values_and_crm_names() {
        assert_eq!(
            labels("queue \"A\" {\n    records: |\n}\n"),
            ["option 1", "option 2", "option 3"]
        );
        assert_eq!(
            labels("queue \"A\" {\n    skip  account creation :y|\n}\n"),
            ["yes", "no"]
        );
        assert_eq!(labels("crm: |\n").len(), Crm::ALL.len());
        let text = "crm:";
        let snapshot = snapshot_of_texts(&[("p.crmpol", text)]);
        let completions = Semantics::of(&snapshot).completions(FileId(0), text.len());
        assert_eq!(completions[0].insert, " salesforce", "a space after a bare colon");
        assert!(
            labels("queue \"A\" {\n    crm: |\n}\n").is_empty(),
            "crm: only at the top level"
        );
    }

    #[test]
    fn records_options_a_leaf_does_not_offer_come_last_and_say_so() {
        let text = "crm: zendesk\nqueue \"A\" {\n    records: \n}\n";
        let snapshot = snapshot_of_texts(&[("p.crmpol", text)]);
        let offset = text.find("records: ").expect("records") + "records: ".len();
        let completions = Semantics::of(&snapshot).completions(FileId(0), offset);
        let details: Vec<(&str, bool)> = completions
            .iter()
            .map(|c| {
                (
                    c.label.as_str(),
                    c.detail.as_deref().is_some_and(|d| d.contains("E0103")),
                )
            })
            .collect();
        assert_eq!(details, [("option 1", false), ("option 2", true), ("option 3", true)]);
    }

    #[test]
    fn queue_names_that_already_exist() {
        let at_top = format!("{QUEUES}queue \"|");
        assert_eq!(labels(&at_top), ["Support"]);
        let shorthand = format!("{QUEUES}queue \"Support\" / \"B|");
        assert_eq!(labels(&shorthand), ["Billing", "Tier \"2\""]);
        let inside = "crm: zendesk\nqueue \"Support\" {\n    queue \"Billing\"\n    queue \"|\n}\n";
        assert_eq!(labels(inside), ["Billing"]);
    }

    #[test]
    fn a_queue_name_is_inserted_escaped_after_the_typed_quote() {
        let text = format!("{QUEUES}queue \"Support\" / \"T");
        let snapshot = snapshot_of_texts(&[("p.crmpol", &text)]);
        let completions = Semantics::of(&snapshot).completions(FileId(0), text.len());
        let tier = completions.iter().find(|c| c.label.starts_with("Tier")).expect("Tier");
        assert_eq!(tier.insert, "Tier \\\"2\\\"\"");
        assert_eq!(&text[tier.replace.range()], "T");
    }
}
