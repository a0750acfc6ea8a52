//! Stage 5: the decision table.
//!
//! In: the resolved policy. Out: a [`DecisionTable`] with one entry per leaf
//! queue and channel, in tree order, `call` before `chat`, each listing its
//! settings and one outcome per runtime situation. The table holds no spans,
//! file names or line numbers, so reformatting or commenting a policy never
//! changes it, and a diff of two tables shows only changes in behaviour.

use crate::resolve::{LeafEntry, ResolvedPolicy};
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
    pub entries: Vec<TableEntry>,
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

/// Builds the table of a resolved policy.
pub fn build(policy: &ResolvedPolicy) -> DecisionTable {
    let entries = policy.entries.iter().map(|entry| table_entry(policy, entry)).collect();
    DecisionTable {
        format_version: FORMAT_VERSION,
        crm: policy.crm(),
        entries,
    }
}

/// The table's entry for one leaf queue and channel.
pub fn table_entry(policy: &ResolvedPolicy, entry: &LeafEntry) -> TableEntry {
    let settings = entry.settings.leaf_settings(entry.channel);
    TableEntry {
        queue: policy.path(entry.queue).into_iter().map(str::to_owned).collect(),
        channel: entry.channel,
        settings,
        rules: vendor::outcomes(&settings, policy.crm()),
    }
}
