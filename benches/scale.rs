//! How `crmpol check` and `crmpol compile` scale with the size of a policy set.
//!
//! Generates realistic policy sets in memory with 1 000, 10 000 and 100 000
//! leaf queues and times, per size:
//!
//! - `check`: `crmpol::analyze` (parse, resolve, every check rule);
//! - `compile yaml`, `compile json`: `analyze`, then the decision table
//!   written as `crmpol compile -o FILE` writes it, as it is made
//!   (`emit::write_policy`), short of the file; `x check` is how many
//!   times the check that takes.
//!
//! With `--stages`, each stage on its own: read (the files' text into a
//! source set), parse, resolve, the check context and every rule, allow
//! comments, sorting, the diagnostics rendered as JSON, the table, and the
//! table written as YAML and as JSON.
//!
//! The median wall time of several runs is reported, with the cost per leaf
//! queue and how that cost compares with the smallest size: if the pipeline
//! is linear, every ratio stays close to 1.
//!
//! ```text
//! cargo bench --bench scale                    # all sizes
//! cargo bench --bench scale -- 1000,10000      # a subset (also: 1k, 10k, 100k)
//! cargo bench --bench scale -- --stages        # plus the time of each stage and rule
//! CRMPOL_BENCH_SIZES=1000,10000 CRMPOL_BENCH_RUNS=3 cargo bench --bench scale
//! CRMPOL_BENCH_STAGES=1 cargo bench --bench scale
//! CRMPOL_BENCH_DUMP=/tmp/policies cargo bench --bench scale -- 1k   # keep the files
//! ```
//!
//! Plain `std` on purpose: one binary, no harness, numbers that read the same
//! on a laptop and in CI logs.

#[path = "../tests/common/random.rs"]
mod random;

use crmpol::emit::{self, TableFormat};
use crmpol::settings::{LeafSettings, SettingKey as Key, SettingValue};
use crmpol::vendor;
use crmpol::vocabulary::Channel;
use crmpol::{Analysis, SourceSet};
use random::Rng;
use std::fmt::Write as _;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// The sizes measured when no filter is given, in leaf queues.
const DEFAULT_SIZES: [usize; 3] = [1_000, 10_000, 100_000];

/// Runs per size unless `CRMPOL_BENCH_RUNS` says otherwise: fewer for the
/// largest size, whose single run already averages over a lot of work.
fn default_runs(leaves: usize) -> usize {
    if leaves >= 100_000 { 5 } else { 7 }
}

fn main() {
    let config = Config::from_env_and_args();
    println!(
        "crmpol scale benchmark: sizes {:?}, median of {} runs (CRMPOL_BENCH_RUNS to change)\n",
        config.sizes,
        config.runs.map_or_else(|| "5-7".to_owned(), |runs| runs.to_string())
    );
    let mut results = Vec::new();
    for &leaves in &config.sizes {
        let runs = config.runs.unwrap_or_else(|| default_runs(leaves));
        results.push(measure(leaves, runs, config.stages));
    }
    report(&results);
    if config.stages {
        report_stages(&results);
    }
}

// ---------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------

struct Config {
    sizes: Vec<usize>,
    runs: Option<usize>,
    stages: bool,
}

impl Config {
    /// Sizes come from positional arguments, else `CRMPOL_BENCH_SIZES`, else
    /// the defaults. Flags other than `--stages` are ignored, because `cargo
    /// bench` passes `--bench` to every bench binary.
    fn from_env_and_args() -> Config {
        let mut sizes = Vec::new();
        let mut stages = env_flag("CRMPOL_BENCH_STAGES");
        for arg in std::env::args().skip(1) {
            if arg == "--stages" {
                stages = true;
            } else if !arg.starts_with('-') {
                sizes.extend(parse_sizes(&arg));
            }
        }
        if sizes.is_empty()
            && let Ok(list) = std::env::var("CRMPOL_BENCH_SIZES")
        {
            sizes = parse_sizes(&list);
        }
        if sizes.is_empty() {
            sizes = DEFAULT_SIZES.to_vec();
        }
        sizes.sort_unstable();
        sizes.dedup();
        let runs = std::env::var("CRMPOL_BENCH_RUNS").ok().map(|runs| {
            runs.trim()
                .parse::<usize>()
                .ok()
                .filter(|&runs| runs > 0)
                .unwrap_or_else(|| panic!("CRMPOL_BENCH_RUNS must be a positive number, not `{runs}`"))
        });
        Config { sizes, runs, stages }
    }
}

fn env_flag(name: &str) -> bool {
    std::env::var(name).is_ok_and(|value| !value.is_empty() && value != "0")
}

/// "1000,10k, 100_000" → [1000, 10000, 100000].
fn parse_sizes(list: &str) -> Vec<usize> {
    list.split(',')
        .map(|item| item.trim().replace('_', "").to_ascii_lowercase())
        .filter(|item| !item.is_empty())
        .map(|item| {
            let (digits, scale) = match item.strip_suffix('k') {
                Some(digits) => (digits, 1_000),
                None => (item.as_str(), 1),
            };
            digits
                .parse::<usize>()
                .ok()
                .map(|number| number * scale)
                .filter(|&leaves| leaves >= 2)
                .unwrap_or_else(|| panic!("not a size in leaf queues (at least 2): `{item}`"))
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Generator
// ---------------------------------------------------------------------------

/// Departments, one file each. A fixed number, so larger policy sets grow the
/// way a real contact center does: more teams per department.
const DEPARTMENTS: [&str; 8] = [
    "Customer Care",
    "Sales",
    "Billing",
    "Claims",
    "Retention",
    "Technical Support",
    "Onboarding",
    "Collections",
];

/// Team names are a topic and a number: "Refunds 3".
const TEAM_TOPICS: [&str; 12] = [
    "Refunds",
    "Payments",
    "Orders",
    "Returns",
    "Accounts",
    "Devices",
    "Renewals",
    "Upgrades",
    "Disputes",
    "Deliveries",
    "Loyalty",
    "Partners",
];

/// Leaf queue names; a team or sub-group has at most this many leaves. No two
/// differ only in case or spacing (that would be W0204).
const LEAVES: [&str; 16] = [
    "Tier 1",
    "Tier 2",
    "Tier 3",
    "VIP",
    "Spanish",
    "French",
    "German",
    "Callbacks",
    "Web Form",
    "Mobile App",
    "Outbound",
    "Walk-ins",
    "Priority",
    "Standard",
    "Quick Questions",
    "Follow-ups",
];

/// Sub-groups, the optional fourth level; siblings of leaves, so no name is
/// shared with [`LEAVES`].
const SUBGROUPS: [&str; 4] = ["Escalations", "Overflow", "After Hours", "Specialists"];

/// Leaves per team, drawn uniformly: about 8.5 on average.
const TEAM_SIZES: std::ops::RangeInclusive<usize> = 3..=14;

/// A setting's bit in the generator's mask of settings stated on a queue.
fn bit(key: Key) -> u8 {
    1 << key as u8
}

/// One setting statement. `value`: 0/1 for flags and for the mapping
/// (activity object / ccaas session), the option number for `records`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Setting {
    key: Key,
    value: u8,
}

const fn set(key: Key, value: u8) -> Setting {
    Setting { key, value }
}

impl Setting {
    /// Why an operator might have written this, for trailing comments.
    fn reason(self) -> &'static str {
        match (self.key, self.value) {
            (Key::MapSessionDataTo, 0) => "# this team reports on CRM activities",
            (Key::MapSessionDataTo, _) => "# reporting reads sessions, not activities",
            (Key::SkipAccountCreation, 0) => "# new callers get an account here",
            (Key::SkipAccountCreation, _) => "# accounts come from the billing system",
            (Key::SkipRecordCreation, 0) => "# every contact needs a case here",
            (Key::SkipRecordCreation, _) => "# no case for informational contacts",
            (Key::SkipAccountLookup, 0) => "# callers here are known customers",
            (Key::SkipAccountLookup, _) => "# anonymous hotline",
            (Key::AppendToLatestOpenRecord, 0) => "# one case per contact",
            (Key::AppendToLatestOpenRecord, _) => "# keep one case per open issue",
            (Key::Records, _) => "# agreed with the CRM team",
            // The generator states the version 1 settings only.
            _ => "# agreed with the CRM team",
        }
    }

    /// The value as crmpol types it.
    fn typed(self) -> SettingValue {
        match self.key {
            Key::Records => SettingValue::Choice(self.key, self.value.saturating_sub(1)),
            Key::MapSessionDataTo => SettingValue::Choice(self.key, self.value),
            _ => SettingValue::Flag(self.value == 1),
        }
    }

    fn text(self) -> String {
        format!("{}: {}", self.key.name(), self.typed())
    }
}

/// What a queue block may set. Compound moves are the combinations that only
/// make sense together (lookup skipping needs account creation skipped;
/// option 3 needs a CCaaS session with record creation skipped). A component
/// that the queue already inherits is left out rather than restated.
const MOVES: &[&[Setting]] = &[
    &[set(Key::SkipAccountCreation, 1)],
    &[set(Key::SkipAccountCreation, 1)],
    &[set(Key::AppendToLatestOpenRecord, 1)],
    &[set(Key::AppendToLatestOpenRecord, 1)],
    &[set(Key::MapSessionDataTo, 1)],
    &[set(Key::SkipRecordCreation, 1)],
    &[set(Key::SkipAccountCreation, 1), set(Key::AppendToLatestOpenRecord, 1)],
    &[
        set(Key::AppendToLatestOpenRecord, 0),
        set(Key::SkipAccountCreation, 1),
        set(Key::SkipAccountLookup, 1),
    ],
    &[
        set(Key::MapSessionDataTo, 1),
        set(Key::SkipRecordCreation, 1),
        set(Key::Records, 3),
    ],
    &[set(Key::SkipRecordCreation, 1), set(Key::Records, 3)],
    // A team or queue turning off what its parent turned on.
    &[set(Key::SkipAccountCreation, 0)],
    &[set(Key::AppendToLatestOpenRecord, 0)],
    &[set(Key::SkipAccountLookup, 0)],
    &[set(Key::SkipRecordCreation, 0), set(Key::Records, 1)],
    &[set(Key::MapSessionDataTo, 0), set(Key::Records, 1)],
];

/// The settings in effect for one channel at some point of the tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct State(LeafSettings);

impl State {
    fn built_in() -> State {
        State(LeafSettings::built_in(Channel::Call))
    }

    /// The value as [`Setting`] writes it.
    fn get(self, key: Key) -> u8 {
        match self.0.value(key) {
            Some(SettingValue::Flag(on)) => u8::from(on),
            Some(SettingValue::Choice(Key::Records, index)) => index + 1,
            Some(SettingValue::Choice(_, index)) => index,
            _ => 0,
        }
    }

    fn with(self, setting: Setting) -> State {
        State(self.0.with(setting.key, setting.typed()))
    }

    /// Whether a leaf with these settings compiles without errors and
    /// without warnings, by the vendor's rules: no combination the portal
    /// cannot run (E0101, E0102), session data attached to something in
    /// every row (W0203), and a `records` option the portal offers (E0103).
    fn is_clean(self) -> bool {
        let settings = &self.0;
        !vendor::appends_without_lookup(settings)
            && !vendor::skips_lookup_while_creating_accounts(settings)
            && vendor::outcomes(settings, Some(crmpol::vocabulary::Crm::Salesforce))
                .iter()
                .all(|row| row.attached_to != vendor::Attachment::None)
            && vendor::records_option(settings) <= vendor::records_options_available(settings)
    }
}

/// Both channels: index 0 `call`, 1 `chat`.
type PerChannel<T> = [T; 2];

/// Where a setting stands in its queue block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scope {
    Plain,
    Call,
    Chat,
}

impl Scope {
    fn channels(self) -> &'static [usize] {
        match self {
            Scope::Plain => &[0, 1],
            Scope::Call => &[0],
            Scope::Chat => &[1],
        }
    }
}

/// The settings of one queue block.
#[derive(Default)]
struct Settings {
    plain: Vec<Setting>,
    call: Vec<Setting>,
    chat: Vec<Setting>,
}

impl Settings {
    fn is_empty(&self) -> bool {
        self.plain.is_empty() && self.call.is_empty() && self.chat.is_empty()
    }
}

/// What one queue sets, and what its children inherit.
struct Chosen {
    settings: Settings,
    /// Effective settings after this queue, per channel.
    after: PerChannel<State>,
    /// Keys this queue sets, per channel (bit masks, see [`Key::bit`]).
    keys: PerChannel<u8>,
}

/// How many settings to give a queue block.
struct Plan {
    plain: usize,
    channel: Option<(Scope, usize)>,
}

/// Indented text with `{`/`}` blocks.
struct Writer {
    text: String,
    indent: &'static str,
    depth: usize,
}

impl Writer {
    fn new(indent: &'static str) -> Writer {
        Writer {
            text: String::new(),
            indent,
            depth: 0,
        }
    }

    fn line(&mut self, line: &str) {
        for _ in 0..self.depth {
            self.text.push_str(self.indent);
        }
        self.text.push_str(line);
        self.text.push('\n');
    }

    fn blank(&mut self) {
        self.text.push('\n');
    }

    fn open(&mut self, header: &str) {
        self.line(&format!("{header} {{"));
        self.depth += 1;
    }

    fn close(&mut self) {
        self.depth -= 1;
        self.line("}");
    }
}

/// `queue "A" / "B"`.
fn queue_header(path: &[&str]) -> String {
    let quoted: Vec<String> = path.iter().map(|name| format!("\"{name}\"")).collect();
    format!("queue {}", quoted.join(" / "))
}

/// Builds a policy set that compiles without errors or warnings.
///
/// Validity is kept by modelling the effective settings while generating: a
/// setting is only written if it changes what the queue inherits (no W0201)
/// and leaves the queue's effective settings clean ([`State::is_clean`]);
/// since every leaf starts from its parent's clean state, every leaf is clean.
///
/// W0202 (a setting overridden everywhere below it) is avoided structurally:
/// the first child of every queue never sets a key its ancestors along that
/// chain of first children set, and the first leaf of every team and
/// sub-group has no settings of its own; so every statement takes effect in
/// at least the first leaf below it.
struct Generator {
    rng: Rng,
}

/// The effective settings after the `defaults` block written by
/// [`Generator::global_file`], and the keys it sets.
fn after_defaults() -> (PerChannel<State>, PerChannel<u8>) {
    let map = bit(Key::MapSessionDataTo);
    let append = bit(Key::AppendToLatestOpenRecord);
    (
        [
            State::built_in(),
            State::built_in().with(set(Key::AppendToLatestOpenRecord, 1)),
        ],
        [map, map | append],
    )
}

impl Generator {
    /// The policy set with exactly `leaves` leaf queues, as (file name, text).
    fn policy_set(leaves: usize) -> Vec<(String, String)> {
        let mut generator = Generator {
            rng: Rng(0x00C0_FFEE ^ leaves as u64),
        };
        let teams = generator.plan_teams(leaves);
        let mut files = vec![("global.crmpol".to_owned(), Generator::global_file())];
        // Some teams of every department live in a file of their own, as a
        // partner's teams would: the same queues opened again across files.
        let mut outsourced = Writer::new("    ");
        for (index, (department, sizes)) in DEPARTMENTS.iter().zip(&teams).enumerate() {
            // Tiny sizes leave some departments without teams: leave them out,
            // or they would be leaf queues themselves.
            if sizes.is_empty() {
                continue;
            }
            let name = format!("{}.crmpol", department.to_lowercase().replace(' ', "-"));
            files.push((name, generator.department(index, department, sizes, &mut outsourced)));
        }
        if !outsourced.text.is_empty() {
            let header = "# Teams run by our outsourcing partner, one block per team.\n\n";
            files.push(("outsourced.crmpol".to_owned(), format!("{header}{}", outsourced.text)));
        }
        files
    }

    /// Team sizes per department, dealt round-robin, summing to `leaves`.
    fn plan_teams(&mut self, leaves: usize) -> Vec<Vec<usize>> {
        let mut teams = vec![Vec::new(); DEPARTMENTS.len()];
        let mut left = leaves;
        let mut next = 0;
        while left > 0 {
            let mut size = self.rng.in_range(TEAM_SIZES).min(left);
            // Every team needs two leaves (see the W0202 note on `Generator`);
            // a remainder of one joins a full team.
            if left - size == 1 {
                size += 1;
            }
            teams[next % DEPARTMENTS.len()].push(size);
            left -= size;
            next += 1;
        }
        teams
    }

    fn global_file() -> String {
        [
            "# Contact-center CRM policy: what every queue does unless it says otherwise.",
            "",
            "crm: salesforce",
            "",
            "defaults {",
            "    map session data to: activity object   # the built-in default, stated for reviewers",
            "",
            "    chat {",
            "        append to latest open record: yes  # chats usually continue an open conversation",
            "    }",
            "}",
            "",
        ]
        .join("\n")
    }

    /// A department's file: its block with most teams nested, then a few
    /// teams written with the path shorthand. Some teams go to `outsourced`.
    fn department(&mut self, index: usize, name: &str, teams: &[usize], outsourced: &mut Writer) -> String {
        // One department is indented with tabs, as some editors do.
        let mut out = Writer::new(if index == 3 { "\t" } else { "    " });
        let mut tail = Writer::new(out.indent);
        out.line(&format!("# {name}: queues and CRM record policy."));
        out.line(&format!(
            "# {} teams, {} leaf queues.",
            teams.len(),
            teams.iter().sum::<usize>()
        ));
        out.blank();

        let (inherited, defaults_keys) = after_defaults();
        // The first department continues the `defaults` block's chain of first
        // children; the others are free to override it.
        let locks = if index == 0 { defaults_keys } else { [0, 0] };
        let plan = Plan {
            plain: self.rng.in_range(1..=2),
            channel: self.channel_block(50, 1..=1),
        };
        let department = self.choose(inherited, locks, plan);
        out.open(&queue_header(&[name]));
        self.write_settings(&mut out, &department.settings);
        let first_locks = or(locks, department.keys);
        for (team, &size) in teams.iter().enumerate() {
            let topic = TEAM_TOPICS[team % TEAM_TOPICS.len()];
            let team_name = format!("{topic} {}", team / TEAM_TOPICS.len() + 1);
            let locks = if team == 0 { first_locks } else { [0, 0] };
            // The first team stays nested so that it is the first child.
            if team > 0 && team % 7 == 3 {
                self.team(outsourced, &[name, &team_name], size, department.after, locks);
                outsourced.blank();
            } else if team > 0 && team % 5 == 2 {
                self.team(&mut tail, &[name, &team_name], size, department.after, locks);
                tail.blank();
            } else {
                out.blank();
                self.team(&mut out, &[&team_name], size, department.after, locks);
            }
        }
        out.close();
        if !tail.text.is_empty() {
            out.blank();
            out.line("# Teams added later, written with the path shorthand.");
            out.blank();
            out.text.push_str(&tail.text);
        }
        out.text
    }

    /// A team: a bare first leaf, more leaves, maybe one sub-group.
    fn team(
        &mut self,
        out: &mut Writer,
        path: &[&str],
        size: usize,
        inherited: PerChannel<State>,
        locks: PerChannel<u8>,
    ) {
        let plan = Plan {
            plain: [0, 0, 1, 1, 1, 2][self.rng.below(6)],
            channel: self.channel_block(30, 1..=2),
        };
        let team = self.choose(inherited, locks, plan);
        out.line(&format!(
            "# {} team, {size} queues",
            path.last().copied().unwrap_or_default()
        ));
        out.open(&queue_header(path));
        self.write_settings(out, &team.settings);
        if !team.settings.is_empty() {
            out.blank();
        }

        let subgroup = (size >= 6 && self.rng.chance(50)).then(|| self.rng.in_range(2..=4));
        let direct = size - subgroup.unwrap_or(0);
        // After the first leaf, so that the first child is a bare leaf.
        let subgroup_at = 1 + self.rng.below(direct);
        for (index, &leaf) in LEAVES[..direct].iter().enumerate() {
            if index == subgroup_at
                && let Some(leaves) = subgroup
            {
                self.subgroup(out, leaves, team.after);
            }
            self.leaf(out, &[leaf], index == 0, team.after);
        }
        if subgroup_at == direct
            && let Some(leaves) = subgroup
        {
            self.subgroup(out, leaves, team.after);
        }
        out.close();
    }

    /// The fourth level: either a nested block or one path-shorthand line per
    /// leaf (`queue "Overflow" / "Tier 1"`), which reopens the sub-group.
    fn subgroup(&mut self, out: &mut Writer, leaves: usize, inherited: PerChannel<State>) {
        let name = SUBGROUPS[self.rng.below(SUBGROUPS.len())];
        if self.rng.chance(60) {
            let plan = Plan {
                plain: usize::from(self.rng.chance(40)),
                channel: None,
            };
            // Never a first child, so nothing above constrains it.
            let group = self.choose(inherited, [0, 0], plan);
            out.open(&queue_header(&[name]));
            self.write_settings(out, &group.settings);
            for (index, &leaf) in LEAVES[..leaves].iter().enumerate() {
                self.leaf(out, &[leaf], index == 0, group.after);
            }
            out.close();
        } else {
            for (index, &leaf) in LEAVES[..leaves].iter().enumerate() {
                self.leaf(out, &[name, leaf], index == 0, inherited);
            }
        }
    }

    /// A leaf queue: bare when first (see `Generator`), else a third have
    /// settings of their own and a fifth a channel block. Only a first leaf
    /// continues a chain of first children, so the others are never locked.
    fn leaf(&mut self, out: &mut Writer, path: &[&str], first: bool, inherited: PerChannel<State>) {
        let header = queue_header(path);
        if first {
            out.line(&header);
            return;
        }
        let plan = Plan {
            plain: usize::from(self.rng.chance(33)),
            channel: self.channel_block(20, 1..=2),
        };
        let leaf = self.choose(inherited, [0, 0], plan);
        if leaf.settings.is_empty() {
            out.line(&header);
        } else {
            out.open(&header);
            self.write_settings(out, &leaf.settings);
            out.close();
        }
    }

    /// With `percent` chance, a `call` or `chat` block of so many settings.
    fn channel_block(&mut self, percent: u64, settings: std::ops::RangeInclusive<usize>) -> Option<(Scope, usize)> {
        if !self.rng.chance(percent) {
            return None;
        }
        let scope = if self.rng.chance(50) { Scope::Call } else { Scope::Chat };
        Some((scope, self.rng.in_range(settings)))
    }

    /// Picks a queue's settings: plain ones first, then its channel block,
    /// the order in which they apply. `locks`: the keys it must not set, per
    /// channel (see the W0202 note on [`Generator`]).
    fn choose(&mut self, inherited: PerChannel<State>, locks: PerChannel<u8>, plan: Plan) -> Chosen {
        let mut chosen = Chosen {
            settings: Settings::default(),
            after: inherited,
            keys: [0, 0],
        };
        let plain = self.pick_moves(Scope::Plain, plan.plain, locks, &mut chosen);
        chosen.settings.plain = plain;
        if let Some((scope, count)) = plan.channel {
            // A `call` block never repeats a plain key of the same queue: a
            // plain setting overridden in both channel blocks would be W0202.
            let locks = match scope {
                Scope::Call => or(locks, chosen.keys),
                _ => locks,
            };
            let block = self.pick_moves(scope, count, locks, &mut chosen);
            match scope {
                Scope::Call => chosen.settings.call = block,
                _ => chosen.settings.chat = block,
            }
        }
        chosen
    }

    /// Up to `wanted` settings for one scope, from random [`MOVES`] that
    /// change something, touch no locked or already-used key and keep the
    /// queue clean. Gives up after a few tries: fewer settings is fine.
    fn pick_moves(&mut self, scope: Scope, wanted: usize, locks: PerChannel<u8>, chosen: &mut Chosen) -> Vec<Setting> {
        // What the scope inherits: redundancy (W0201) is judged against this,
        // as `crmpol` does, whatever order the statements are written in.
        let entry = chosen.after;
        let channels = scope.channels();
        let mut picked: Vec<Setting> = Vec::new();
        for _ in 0..4 * wanted {
            if picked.len() >= wanted {
                break;
            }
            let fresh: Vec<Setting> = MOVES[self.rng.below(MOVES.len())]
                .iter()
                .copied()
                .filter(|setting| channels.iter().any(|&c| entry[c].get(setting.key) != setting.value))
                .collect();
            let blocked = |setting: &Setting| {
                channels.iter().any(|&c| locks[c] & bit(setting.key) != 0)
                    || picked.iter().any(|other| other.key == setting.key)
            };
            if fresh.is_empty() || fresh.iter().any(blocked) {
                continue;
            }
            let mut after = chosen.after;
            for &c in channels {
                after[c] = fresh.iter().fold(after[c], |state, &setting| state.with(setting));
            }
            if !channels.iter().all(|&c| after[c].is_clean()) {
                continue;
            }
            chosen.after = after;
            for &c in channels {
                chosen.keys[c] |= fresh.iter().fold(0, |keys, setting| keys | bit(setting.key));
            }
            picked.extend(fresh);
        }
        picked
    }

    fn write_settings(&mut self, out: &mut Writer, settings: &Settings) {
        for &setting in &settings.plain {
            self.write_setting(out, setting);
        }
        for (channel, block) in [("call", &settings.call), ("chat", &settings.chat)] {
            if block.is_empty() {
                continue;
            }
            out.open(channel);
            for &setting in block {
                self.write_setting(out, setting);
            }
            out.close();
        }
    }

    /// One statement; a quarter carry a comment saying why.
    fn write_setting(&mut self, out: &mut Writer, setting: Setting) {
        let mut line = setting.text();
        if self.rng.chance(25) {
            let _ = write!(line, "   {}", setting.reason());
        }
        out.line(&line);
    }
}

fn or(a: PerChannel<u8>, b: PerChannel<u8>) -> PerChannel<u8> {
    [a[0] | b[0], a[1] | b[1]]
}

// ---------------------------------------------------------------------------
// Measurement
// ---------------------------------------------------------------------------

/// Everything measured for one size.
struct SizeResult {
    leaves: usize,
    files: usize,
    bytes: usize,
    lines: usize,
    warnings: usize,
    yaml_bytes: usize,
    runs: usize,
    check: Duration,
    compile_yaml: Duration,
    compile_json: Duration,
    /// Median time of each stage, when asked for (`--stages`).
    stages: Vec<(String, Duration)>,
}

/// Generates one size, checks it compiles cleanly, then times it.
fn measure(leaves: usize, runs: usize, stages: bool) -> SizeResult {
    let files = Generator::policy_set(leaves);
    dump(&files, leaves);
    let file_count = files.len();
    let bytes = files.iter().map(|(_, text)| text.len()).sum();
    let lines = files.iter().map(|(_, text)| text.lines().count()).sum();
    let sources = SourceSet::from_texts(files.clone());

    // Doubles as the warm-up run.
    let analysis = crmpol::analyze(&sources);
    validate(&analysis, leaves);
    let warnings = analysis.diagnostics.len();
    let yaml_bytes = compile(&sources, TableFormat::Yaml);
    drop(analysis);

    let check = median_time(runs, || crmpol::analyze(black_box(&sources)));
    let compile_yaml = median_time(runs, || compile(black_box(&sources), TableFormat::Yaml));
    let compile_json = median_time(runs, || compile(black_box(&sources), TableFormat::Json));
    let stages = if stages {
        stage_times(&files, &sources, runs)
    } else {
        Vec::new()
    };
    eprintln!(
        "measured {leaves} leaf queues: check {}, compile yaml {}, compile json {}",
        millis(check),
        millis(compile_yaml),
        millis(compile_json)
    );
    SizeResult {
        leaves,
        files: file_count,
        bytes,
        lines,
        warnings,
        yaml_bytes,
        runs,
        check,
        compile_yaml,
        compile_json,
        stages,
    }
}

/// With `CRMPOL_BENCH_DUMP=DIR`, writes the generated files to `DIR/<leaves>/`,
/// to read them or run the `crmpol` binary on them.
fn dump(files: &[(String, String)], leaves: usize) {
    let Some(dir) = std::env::var_os("CRMPOL_BENCH_DUMP") else {
        return;
    };
    let dir = std::path::Path::new(&dir).join(leaves.to_string());
    std::fs::create_dir_all(&dir).expect("create the dump directory");
    for (name, text) in files {
        std::fs::write(dir.join(name), text).expect("write a generated file");
    }
}

/// What `crmpol compile -o FILE` does, short of the file: the table is
/// written as it is made, here counted and let go. Returns its size.
fn compile(sources: &SourceSet, format: TableFormat) -> usize {
    let analysis = crmpol::analyze(sources);
    let mut counted = Counted(0);
    emit::write_policy(&analysis.policy, format, &mut counted).expect("emit the decision table");
    counted.0
}

/// A writer that keeps only the number of bytes written to it.
struct Counted(usize);

impl std::io::Write for Counted {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0 += black_box(bytes).len();
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A benchmark of an invalid policy would measure the error paths instead.
fn validate(analysis: &Analysis, leaves: usize) {
    if let Some(error) = analysis.diagnostics.iter().find(|diagnostic| diagnostic.is_error()) {
        panic!(
            "generated policy with {leaves} leaf queues has errors; first: error[{}]: {}",
            error.code.as_str(),
            error.message
        );
    }
    assert_eq!(
        analysis.policy.entries.len(),
        2 * leaves,
        "one call and one chat entry per leaf queue"
    );
}

/// The median wall time of `runs` calls. The result is dropped outside the
/// timed region: freeing it is not work a command-line run waits for.
fn median_time<T>(runs: usize, mut operation: impl FnMut() -> T) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            let result = black_box(operation());
            let elapsed = start.elapsed();
            drop(result);
            elapsed
        })
        .collect();
    median(&mut times)
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort_unstable();
    let middle = times.len() / 2;
    if times.len() % 2 == 1 {
        times[middle]
    } else {
        (times[middle - 1] + times[middle]) / 2
    }
}

/// `analyze` and `compile` taken apart, stage by stage and rule by rule,
/// through the library's public modules, to find which part grows faster
/// than the input. Mirrors `crmpol::analyze`.
fn stage_times(files: &[(String, String)], sources: &SourceSet, runs: usize) -> Vec<(String, Duration)> {
    use crmpol::render::{self, MessageFormat, RenderOptions};
    use crmpol::{check, diagnostic, resolve, suppress, syntax, table};
    let mut clock = StageClock::default();
    for _ in 0..runs {
        clock.next_run();
        let texts = files.to_vec();
        clock.time("read", move || SourceSet::from_texts(texts));
        let (trees, mut diagnostics) = clock.time("parse", || syntax::parse_set(sources));
        let policy = clock.time("resolve", || resolve::resolve(&trees, None));
        let context = clock.time("check context", || check::CheckContext::new(sources, &trees, &policy));
        for rule in check::RULES {
            let name = format!("  rule {}", rule.code().as_str());
            diagnostics.extend(clock.time(&name, || rule.check(&context)));
        }
        let suppress::Outcome {
            mut diagnostics,
            suppressed,
        } = clock.time("allow comments", || suppress::run(diagnostics, &trees, sources));
        clock.time("sort diagnostics", || diagnostic::sort_for_reading(&mut diagnostics));
        clock.time("render json", || {
            render::render(
                &diagnostics,
                &suppressed,
                sources,
                MessageFormat::Json,
                RenderOptions::default(),
            )
        });
        clock.time("table", || table::build(&policy));
        for (name, format) in [("emit yaml", TableFormat::Yaml), ("emit json", TableFormat::Json)] {
            clock.time(name, || {
                emit::write_policy(&policy, format, &mut Counted(0)).expect("emit");
            });
        }
    }
    clock.medians()
}

/// The time of each named stage, over several runs of the same stages.
#[derive(Default)]
struct StageClock {
    samples: Vec<(String, Vec<Duration>)>,
    /// The stage about to run, counted from the start of the run.
    next: usize,
}

impl StageClock {
    fn next_run(&mut self) {
        self.next = 0;
    }

    /// Times one stage. Its result is handed back, so freeing it is not timed.
    fn time<T>(&mut self, name: &str, stage: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let result = black_box(stage());
        let elapsed = start.elapsed();
        if self.samples.len() <= self.next {
            self.samples.push((name.to_owned(), Vec::new()));
        }
        self.samples[self.next].1.push(elapsed);
        self.next += 1;
        result
    }

    fn medians(self) -> Vec<(String, Duration)> {
        self.samples
            .into_iter()
            .map(|(name, mut times)| (name, median(&mut times)))
            .collect()
    }
}

// ---------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------

fn report(results: &[SizeResult]) {
    let Some(base) = results.first() else { return };
    println!("Generated policy sets (no errors; all measured in memory):\n");
    println!(
        "{:>8}  {:>5}  {:>12}  {:>10}  {:>8}  {:>12}",
        "leaves", "files", "bytes", "lines", "warnings", "yaml bytes"
    );
    for result in results {
        println!(
            "{:>8}  {:>5}  {:>12}  {:>10}  {:>8}  {:>12}",
            grouped(result.leaves as u128),
            result.files,
            grouped(result.bytes as u128),
            grouped(result.lines as u128),
            result.warnings,
            grouped(result.yaml_bytes as u128)
        );
    }
    println!();
    let ratio_header = format!("vs {}", short_size(base.leaves));
    println!(
        "{:>8}  {:<12}  {:>4}  {:>12}  {:>10}  {:>8}  {:>7}",
        "leaves", "op", "runs", "median", "ns/leaf", ratio_header, "x check"
    );
    for result in results {
        for (op, time, base_time) in [
            ("check", result.check, base.check),
            ("compile yaml", result.compile_yaml, base.compile_yaml),
            ("compile json", result.compile_json, base.compile_json),
        ] {
            println!(
                "{:>8}  {:<12}  {:>4}  {:>12}  {:>10}  {:>8.2}  {:>7.2}",
                grouped(result.leaves as u128),
                op,
                result.runs,
                millis(time),
                grouped(per_leaf(time, result.leaves) as u128),
                per_leaf(time, result.leaves) / per_leaf(base_time, base.leaves),
                time.as_secs_f64() / result.check.as_secs_f64().max(1e-12)
            );
        }
    }
    println!(
        "\nns/leaf: median time / leaf queues; {ratio_header}: ns/leaf over that of the smallest size (linear ⇒ ≈ 1); x check: time over that of check"
    );
}

/// One row per stage, one column group per size: ns/leaf and the ratio to
/// the smallest size.
fn report_stages(results: &[SizeResult]) {
    let Some(base) = results.first() else { return };
    println!(
        "\nStages (median of the runs, ns per leaf queue, ratio to {}):\n",
        short_size(base.leaves)
    );
    let mut header = format!("{:<18}", "stage");
    for result in results {
        let _ = write!(header, "  {:>14}", short_size(result.leaves));
    }
    println!("{header}");
    for (index, (name, _)) in base.stages.iter().enumerate() {
        let mut row = format!("{name:<18}");
        let base_cost = per_leaf(base.stages[index].1, base.leaves);
        for result in results {
            let cost = per_leaf(result.stages[index].1, result.leaves);
            let _ = write!(
                row,
                "  {:>8} {:>5.1}x",
                grouped(cost as u128),
                cost / base_cost.max(1e-9)
            );
        }
        println!("{row}");
    }
}

fn per_leaf(time: Duration, leaves: usize) -> f64 {
    time.as_nanos() as f64 / leaves as f64
}

fn millis(time: Duration) -> String {
    format!("{:.2} ms", time.as_secs_f64() * 1e3)
}

fn short_size(leaves: usize) -> String {
    if leaves.is_multiple_of(1_000) {
        format!("{}k", leaves / 1_000)
    } else {
        leaves.to_string()
    }
}

/// 1234567 → "1 234 567".
fn grouped(number: u128) -> String {
    let digits = number.to_string();
    let mut out = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(digit);
    }
    out
}
