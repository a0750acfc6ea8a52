//! `crmpol why --format json`: the explanation for tools, in the shape
//! `docs/cli.md` documents (`format_version` 1).
//!
//! In: the explanations, the queue asked about and the channel. Out: one
//! indented JSON object ending in a newline. Values are written as the
//! decision table writes them (`true`, `"ccaas_session"`, `2`), the rows
//! and diagnostics in the shapes of `compile --format json` and
//! `check --message-format json`.

use crate::query::Semantics;
use crate::query::why::{EntryExplanation, SettingExplanation, Step};
use crate::render::{JsonDiagnostic, json_range, json_without_raw_controls};
use crate::resolve::{Owner, QueueId, Scope};
use crate::settings::TableScalar;
use crate::vendor::Outcome;
use crate::vocabulary::{Channel, Crm};
use serde::Serialize;
use serde::ser::SerializeMap;

/// The version of this shape; raised only when it changes incompatibly.
pub const FORMAT_VERSION: u32 = 2;

#[derive(Serialize)]
struct JsonWhy<'a> {
    format_version: u32,
    crm: Option<Crm>,
    /// The queue asked about, which may be an inner queue.
    queue: Vec<&'a str>,
    channel: Option<Channel>,
    /// In force in the whole policy set.
    errors: usize,
    warnings: usize,
    entries: Vec<JsonEntry<'a>>,
}

#[derive(Serialize)]
struct JsonEntry<'a> {
    queue: &'a [String],
    channel: Channel,
    settings: JsonSettings<'a>,
    records_options_available: u8,
    rules: &'a [Outcome],
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

/// The settings as an object keyed as the table's `settings` are, in the
/// same order.
struct JsonSettings<'a> {
    semantics: &'a Semantics<'a>,
    settings: &'a [SettingExplanation],
}

impl Serialize for JsonSettings<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.settings.len()))?;
        for setting in self.settings {
            map.serialize_entry(
                &setting.key.name().replace(' ', "_"),
                &JsonSetting {
                    value: setting.value.table_value(),
                    chain: setting
                        .chain
                        .iter()
                        .map(|step| JsonStep::of(self.semantics, step))
                        .collect(),
                },
            )?;
        }
        map.end()
    }
}

#[derive(Serialize)]
struct JsonSetting<'a> {
    value: Option<TableScalar>,
    chain: Vec<JsonStep<'a>>,
}

#[derive(Serialize)]
#[serde(tag = "source", rename_all = "snake_case")]
enum JsonStep<'a> {
    Statement {
        value: Option<TableScalar>,
        file: &'a str,
        line: usize,
        column: usize,
        /// The statement's whole line, without indentation.
        text: &'a str,
        /// `"defaults"` or `"queue"`.
        owner: &'static str,
        #[serde(skip_serializing_if = "Option::is_none")]
        queue: Option<Vec<&'a str>>,
        /// The channel block it stands in, or null.
        block: Option<Channel>,
    },
    BuiltInDefault {
        value: Option<TableScalar>,
    },
}

impl<'a> JsonStep<'a> {
    fn of(semantics: &'a Semantics<'a>, step: &'a Step) -> JsonStep<'a> {
        match step {
            Step::Stated(at) => {
                let (owner, queue) = match at.owner {
                    Owner::Defaults => ("defaults", None),
                    Owner::Queue(queue) => ("queue", Some(semantics.snapshot.analysis.policy.path(queue))),
                };
                JsonStep::Statement {
                    value: at.value.table_value(),
                    file: &at.file,
                    line: at.line,
                    column: at.column,
                    text: &at.source_line,
                    owner,
                    queue,
                    block: match at.scope {
                        Scope::Plain => None,
                        Scope::Channel(channel) => Some(channel),
                    },
                }
            }
            Step::BuiltIn(value) => JsonStep::BuiltInDefault {
                value: value.table_value(),
            },
        }
    }
}

pub fn render(
    semantics: &Semantics<'_>,
    queue: QueueId,
    channel: Option<Channel>,
    explained: &[EntryExplanation<'_>],
) -> String {
    let analysis = &semantics.snapshot.analysis;
    let sources = &semantics.snapshot.sources;
    let tally = crate::diagnostic::Tally::of(&analysis.diagnostics);
    let entries = explained
        .iter()
        .map(|entry| JsonEntry {
            queue: &entry.key.queue,
            channel: entry.key.channel,
            settings: JsonSettings {
                semantics,
                settings: &entry.settings,
            },
            records_options_available: entry.table.records_options_available(),
            rules: &entry.table.rules,
            diagnostics: entry
                .concerns
                .iter()
                .map(|concern| match concern.allowed_by {
                    None => JsonDiagnostic::new(concern.diagnostic, sources),
                    Some(by) => JsonDiagnostic {
                        suppressed: true,
                        suppressed_by: Some(json_range(sources, by)),
                        ..JsonDiagnostic::new(concern.diagnostic, sources)
                    },
                })
                .collect(),
        })
        .collect();
    let why = JsonWhy {
        format_version: FORMAT_VERSION,
        crm: analysis.policy.crm(),
        queue: analysis.policy.path(queue),
        channel,
        errors: tally.errors,
        warnings: tally.warnings,
        entries,
    };
    // Serialising strings, numbers and lists cannot fail.
    let json = serde_json::to_string_pretty(&why).unwrap_or_default();
    json_without_raw_controls(json) + "\n"
}
