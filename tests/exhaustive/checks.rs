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

/// One leaf/channel entry with its effective values and, per setting, the
/// index of the statement that gives it (`None`: built-in default).
#[derive(Clone, Debug)]
pub struct Entry {
    pub queue: Vec<&'static str>,
    pub channel: Channel,
    pub combination: Combination,
    pub provenance: BTreeMap<Setting, Option<usize>>,
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

/// Every entry's effective values, leaving out statement `without` (to find
/// the value a statement overrides). A misplaced statement takes effect
/// nowhere; a channel-only setting takes effect in its channel only.
pub fn resolve(policy: &Policy, without: Option<usize>) -> Vec<Entry> {
    let mut entries = Vec::new();
    for leaf in policy.leaves() {
        for channel in Channel::BOTH {
            let mut order = vec![(Scope::Defaults, Block::Plain), (Scope::Defaults, block_of(channel))];
            for depth in 1..=leaf.len() {
                let scope = Scope::Queue(leaf[..depth].to_vec());
                order.push((scope.clone(), Block::Plain));
                order.push((scope, block_of(channel)));
            }
            let mut combination = Combination::BUILT_IN;
            let mut provenance: BTreeMap<Setting, Option<usize>> = Setting::ALL.iter().map(|&s| (s, None)).collect();
            for (scope, block) in &order {
                for (index, statement) in policy.statements.iter().enumerate() {
                    if Some(index) == without
                        || &statement.scope != scope
                        || statement.block != *block
                        || misplaced(statement)
                        || !statement.setting.applies_to(channel)
                    {
                        continue;
                    }
                    combination = combination.with(statement.setting, statement.value);
                    provenance.insert(statement.setting, Some(index));
                }
            }
            entries.push(Entry {
                queue: leaf.clone(),
                channel,
                combination,
                provenance,
            });
        }
    }
    entries
}

pub struct Expected {
    pub counts: BTreeMap<&'static str, Count>,
    pub table: serde_json::Value,
}

impl Expected {
    pub fn has_errors(&self) -> bool {
        self.counts.keys().any(|code| code.starts_with('E'))
    }
}

pub fn expect(policy: &Policy) -> Expected {
    let crm = policy.crm;
    let entries = resolve(policy, None);
    let mut causes: BTreeMap<&'static str, BTreeSet<Vec<Option<usize>>>> = BTreeMap::new();
    let mut split: BTreeSet<&'static str> = BTreeSet::new();
    let mut w0208_statements = BTreeSet::new();
    for entry in &entries {
        let c = &entry.combination;
        let p = |s: Setting| entry.provenance[&s];
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
        let effective: Vec<&Entry> = entries
            .iter()
            .filter(|e| e.channel_applies(statement.setting) && e.provenance[&statement.setting] == Some(index))
            .collect();
        if effective.is_empty() {
            per_statement("W0202");
            continue;
        }
        let replaced = resolve(policy, Some(index));
        let overridden = |entry: &Entry| -> Entry {
            replaced
                .iter()
                .find(|r| r.queue == entry.queue && r.channel == entry.channel)
                .expect("the same leaves without one statement")
                .clone()
        };
        let differing: Vec<(&Entry, Entry)> = effective
            .iter()
            .map(|&e| (e, overridden(e)))
            .filter(|(_, o)| o.combination.get(statement.setting) != statement.value)
            .collect();
        if differing.is_empty() {
            let built_in = Combination::BUILT_IN.get(statement.setting);
            if !(statement.scope == Scope::Defaults && statement.value == built_in) {
                per_statement("W0201");
            }
            continue;
        }
        if statement.setting.is_v2() && !e0106 && !w0208_statements.contains(&index) {
            let no_effect = differing.iter().all(|(e, o)| {
                let instead = e
                    .combination
                    .with(statement.setting, o.combination.get(statement.setting));
                oracle::signature(&e.combination, e.channel, crm) == oracle::signature(&instead, e.channel, crm)
            });
            if no_effect {
                per_statement("W0207");
            }
        }
    }
    counts.retain(|_, count| *count != Count::Exactly(0));

    let table_entries = entries
        .iter()
        .map(|e| oracle::entry(&e.queue, e.channel, &e.combination, crm))
        .collect();
    Expected {
        counts,
        table: oracle::table(crm, table_entries),
    }
}

impl Entry {
    fn channel_applies(&self, setting: Setting) -> bool {
        setting.applies_to(self.channel)
    }
}
