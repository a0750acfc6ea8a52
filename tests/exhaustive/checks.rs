//! The oracle's effective settings (v1 §4, v2 §1) and diagnostics (v1 §6, v2
//! §4, decisions file), from a written [`Policy`] alone.
//!
//! In: a [`Policy`]. Out: [`Expected`]: for each diagnostic code how many
//! times it may be reported, and the decision table JSON.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{Channel, Combination, Setting, Value};
use crate::oracle;
use crate::policy::{Block, Policy, Scope, Statement};

/// How many diagnostics of one code are expected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Count {
    Exactly(usize),
    /// Split by cause is allowed: at least one, at most this many.
    Between(usize, usize),
    /// At least one (W0203 and E0104 may be split by cause).
    AtLeastOne,
}

impl Count {
    pub fn allows(self, n: usize) -> bool {
        match self {
            Count::Exactly(m) => n == m,
            Count::Between(lo, hi) => (lo..=hi).contains(&n),
            Count::AtLeastOne => n >= 1,
        }
    }
}

/// One leaf/channel entry with its effective values and, per setting (in
/// [`Setting::ALL`] order), the index of the statement that gives it (`None`:
/// built-in default) and the value that statement overrides.
#[derive(Clone, Debug)]
pub struct Entry {
    pub queue: Vec<&'static str>,
    pub channel: Channel,
    pub combination: Combination,
    pub provenance: [Option<usize>; 11],
    pub overridden: [Value; 11],
}

/// Spec v2 §4 E0105: a channel-only setting inside the other channel's block.
pub fn misplaced(statement: &Statement) -> bool {
    matches!(
        (statement.setting.only_channel(), statement.block),
        (Some(Channel::Call), Block::Chat) | (Some(Channel::Chat), Block::Call)
    )
}

fn block_of(channel: Channel) -> Block {
    match channel {
        Channel::Call => Block::Call,
        Channel::Chat => Block::Chat,
    }
}

/// Every entry's effective values (v1 §4: built-in, `defaults` plain,
/// `defaults` channel block, then per queue from the top: plain, channel
/// block). A misplaced statement takes effect nowhere; a channel-only
/// setting takes effect in its channel only.
pub fn resolve(policy: &Policy) -> Vec<Entry> {
    let mut entries = Vec::new();
    for leaf in policy.leaves() {
        for channel in Channel::BOTH {
            // (depth, channel block after plain, statement index)
            let mut chain: Vec<(usize, bool, usize)> = Vec::new();
            for (index, statement) in policy.statements.iter().enumerate() {
                let depth = match &statement.scope {
                    Scope::Defaults => 0,
                    Scope::Queue(path) if leaf.starts_with(path) => path.len(),
                    Scope::Queue(_) => continue,
                };
                let in_block = statement.block != Block::Plain;
                if (in_block && statement.block != block_of(channel))
                    || misplaced(statement)
                    || !statement.setting.applies_to(channel)
                {
                    continue;
                }
                chain.push((depth, in_block, index));
            }
            chain.sort();
            let mut combination = Combination::BUILT_IN;
            let mut provenance = [None; 11];
            let mut overridden = Setting::ALL.map(|s| Combination::BUILT_IN.get(s));
            for (_, _, index) in chain {
                let statement = &policy.statements[index];
                let slot = statement.setting as usize;
                overridden[slot] = combination.get(statement.setting);
                combination = combination.with(statement.setting, statement.value);
                provenance[slot] = Some(index);
            }
            entries.push(Entry {
                queue: leaf.clone(),
                channel,
                combination,
                provenance,
                overridden,
            });
        }
    }
    entries
}

pub struct Expected {
    pub counts: BTreeMap<&'static str, Count>,
    pub crm: &'static str,
    pub entries: Vec<Entry>,
}

impl Expected {
    /// The decision table JSON (built on demand: most cases have errors).
    pub fn table(&self) -> serde_json::Value {
        let entries = self
            .entries
            .iter()
            .map(|e| oracle::entry(&e.queue, e.channel, &e.combination, self.crm))
            .collect();
        oracle::table(self.crm, entries)
    }

    pub fn has_errors(&self) -> bool {
        self.counts.keys().any(|code| code.starts_with('E'))
    }
}

pub fn expect(policy: &Policy) -> Expected {
    let crm = policy.crm;
    let entries = resolve(policy);
    let mut causes: BTreeMap<&'static str, BTreeSet<Vec<Option<usize>>>> = BTreeMap::new();
    let mut split: BTreeSet<&'static str> = BTreeSet::new();
    let mut w0208_statements = BTreeSet::new();
    for entry in &entries {
        let c = &entry.combination;
        let p = |s: Setting| entry.provenance[s as usize];
        let mut cause = |code: &'static str, by: Vec<Option<usize>>| {
            causes.entry(code).or_default().insert(by);
        };
        let append_without_lookup = c.append && c.skip_account_lookup;
        if append_without_lookup {
            cause(
                "E0101",
                vec![p(Setting::AppendToLatestOpenRecord), p(Setting::SkipAccountLookup)],
            );
        }
        if c.skip_account_lookup && !c.skip_account_creation {
            cause(
                "E0102",
                vec![p(Setting::SkipAccountLookup), p(Setting::SkipAccountCreation)],
            );
        }
        // v1 §7 is never consulted for the E0101 pair.
        if !append_without_lookup && c.records > oracle::records_options(c) {
            let by = [
                Setting::Records,
                Setting::MapSessionDataTo,
                Setting::SkipRecordCreation,
                Setting::AppendToLatestOpenRecord,
                Setting::SkipAccountLookup,
            ];
            cause("E0103", by.iter().map(|&s| p(s)).collect());
        }
        if !oracle::crm_supports_skipping(crm) && (c.skip_account_creation || c.skip_record_creation) {
            split.insert("E0104");
        }
        if oracle::rows(c, entry.channel, crm)
            .iter()
            .any(|r| r.attached_to == "none")
        {
            split.insert("W0203");
        }
        let stated_yes = |s: Setting| p(s).filter(|&i| policy.statements[i].value == Value::Flag(true));
        if entry.channel == Channel::Call
            && let (Some(abandoned), Some(delay)) = (
                stated_yes(Setting::CreateRecordsForAbandonedSessions),
                stated_yes(Setting::DelayCallRecordCreation),
            )
        {
            cause("W0208", vec![Some(abandoned), Some(delay)]);
            w0208_statements.extend([abandoned, delay]);
        }
        if crm == "zendesk"
            && let (Some(account), Some(record)) = (
                stated_yes(Setting::SkipAccountCreation),
                stated_yes(Setting::SkipRecordCreation),
            )
        {
            cause("W0209", vec![Some(account), Some(record)]);
        }
    }

    let mut counts: BTreeMap<&'static str, Count> = BTreeMap::new();
    for (code, set) in &causes {
        let count = if *code == "E0103" {
            Count::Between(1, set.len())
        } else {
            Count::Exactly(set.len())
        };
        counts.insert(code, count);
    }
    for code in split {
        counts.insert(code, Count::AtLeastOne);
    }
    let mut per_statement = |code: &'static str| match counts.entry(code).or_insert(Count::Exactly(0)) {
        Count::Exactly(n) => *n += 1,
        _ => unreachable!("{code} is counted per statement"),
    };
    for (index, statement) in policy.statements.iter().enumerate() {
        if misplaced(statement) {
            per_statement("E0105");
            continue;
        }
        let e0106 = statement.setting == Setting::PushSessionDataToAccount
            && statement.value == Value::Flag(true)
            && crm != "servicenow";
        if e0106 {
            per_statement("E0106");
        }
        let slot = statement.setting as usize;
        let effective: Vec<&Entry> = entries.iter().filter(|e| e.provenance[slot] == Some(index)).collect();
        if effective.is_empty() {
            per_statement("W0202");
            continue;
        }
        let differing: Vec<&Entry> = effective
            .into_iter()
            .filter(|e| e.overridden[slot] != statement.value)
            .collect();
        if differing.is_empty() {
            let built_in = Combination::BUILT_IN.get(statement.setting);
            if !(statement.scope == Scope::Defaults && statement.value == built_in) {
                per_statement("W0201");
            }
            continue;
        }
        if statement.setting.is_v2() && !e0106 && !w0208_statements.contains(&index) {
            let no_effect = differing.iter().all(|e| {
                let instead = e.combination.with(statement.setting, e.overridden[slot]);
                oracle::signature(&e.combination, e.channel, crm) == oracle::signature(&instead, e.channel, crm)
            });
            if no_effect {
                per_statement("W0207");
            }
        }
    }
    counts.retain(|_, count| *count != Count::Exactly(0));

    Expected { counts, crm, entries }
}
