//! Stage 5: the decision table.
//!
//! In: the resolved policy. Out: a [`DecisionTable`] with one entry per leaf
//! queue and channel, in tree order, `call` before `chat`, each listing its
//! settings and one outcome per runtime situation. The table holds no spans,
//! file names or line numbers, so reformatting or commenting a policy never
//! changes it, and a diff of two tables shows only changes in behaviour.
//!
//! With a queue catalog, the entries are the catalog's, and the table says
//! which of them the policy does not cover: every setting of the entry is
//! built in or comes from `defaults`, no queue on its path sets anything.

use crate::resolve::{EntryKey, LeafEntry, Owner, ResolvedPolicy, Source};
use crate::settings::LeafSettings;
use crate::vendor::{self, Outcome};
use crate::vocabulary::{Channel, Crm};
use serde::Serialize;

/// The version of the table's shape; bumped on any incompatible change.
pub const FORMAT_VERSION: u32 = 2;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DecisionTable {
    pub format_version: u32,
    pub crm: Option<Crm>,
    /// Only with a catalog.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub catalog: Option<CatalogCoverage>,
    pub entries: Vec<TableEntry>,
}

/// What the policy covers of the catalog's entries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CatalogCoverage {
    /// How many (leaf, channel) entries the catalog has: all the table's.
    pub entries: usize,
    /// The entries no policy queue sets anything for, in table order.
    pub uncovered: Vec<EntryKey>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TableEntry {
    /// Queue names from the top-level queue down to the leaf.
    pub queue: Vec<String>,
    pub channel: Channel,
    pub settings: LeafSettings,
    pub rules: Vec<Outcome>,
}

impl TableEntry {
    /// How many "Records" options the portal offers for this entry.
    pub fn records_options_available(&self) -> u8 {
        vendor::records_options_available(&self.settings)
    }

    /// The "Records" option chosen for this entry, by its position from 1.
    pub fn records_option(&self) -> u8 {
        vendor::records_option(&self.settings)
    }
}

/// The table's fields before its entries, in the order they are written:
/// what a writer that streams the entries writes first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TableHeader {
    pub format_version: u32,
    pub crm: Option<Crm>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub catalog: Option<CatalogCoverage>,
}

pub fn header(policy: &ResolvedPolicy) -> TableHeader {
    TableHeader {
        format_version: FORMAT_VERSION,
        crm: policy.crm(),
        catalog: policy.from_catalog.then(|| coverage(policy)),
    }
}

/// A table entry as a writer streams it: its queue path and settings. Its
/// rules follow from the settings and the CRM ([`vendor::outcomes`]), so
/// entries with the same settings have the same rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row<'a> {
    pub queue: Vec<&'a str>,
    pub settings: LeafSettings,
}

impl Row<'_> {
    /// The full entry, rules included.
    pub fn to_entry(&self, crm: Option<Crm>) -> TableEntry {
        TableEntry {
            queue: self.queue.iter().map(|&name| name.to_owned()).collect(),
            channel: self.settings.channel(),
            settings: self.settings,
            rules: vendor::outcomes(&self.settings, crm),
        }
    }
}

/// The table's entries one at a time, in table order, without building them
/// all: a large policy set's table is many times the size of its policy.
pub fn rows(policy: &ResolvedPolicy) -> impl Iterator<Item = Row<'_>> {
    policy.entries.iter().map(|entry| row(policy, entry))
}

fn row<'a>(policy: &'a ResolvedPolicy, entry: &LeafEntry) -> Row<'a> {
    Row {
        queue: policy.path(entry.queue),
        settings: entry.settings.leaf_settings(entry.channel),
    }
}

/// Builds the table of a resolved policy.
pub fn build(policy: &ResolvedPolicy) -> DecisionTable {
    let TableHeader {
        format_version,
        crm,
        catalog,
    } = header(policy);
    DecisionTable {
        format_version,
        crm,
        catalog,
        entries: rows(policy).map(|row| row.to_entry(crm)).collect(),
    }
}

fn coverage(policy: &ResolvedPolicy) -> CatalogCoverage {
    let uncovered = policy
        .entries
        .iter()
        .enumerate()
        .filter(|(_, entry)| !is_covered(policy, entry))
        .filter_map(|(index, _)| policy.entry_key(index))
        .collect();
    CatalogCoverage {
        entries: policy.entries.len(),
        uncovered,
    }
}

/// Whether some queue statement decides a setting of the entry (one that
/// applies to its channel).
pub fn is_covered(policy: &ResolvedPolicy, entry: &LeafEntry) -> bool {
    entry
        .settings
        .iter()
        .filter(|(key, _)| key.applies_to(entry.channel))
        .any(|(_, value)| match value.source {
            Source::BuiltIn => false,
            Source::Stated(id) => policy
                .assignment(id)
                .is_some_and(|assignment| matches!(assignment.owner, Owner::Queue(_))),
        })
}

/// The table's entry for one leaf queue and channel.
pub fn table_entry(policy: &ResolvedPolicy, entry: &LeafEntry) -> TableEntry {
    row(policy, entry).to_entry(policy.crm())
}
