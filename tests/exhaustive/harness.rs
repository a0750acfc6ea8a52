//! Running crmpol on the cases and comparing it with the oracle.
//!
//! In: [`Case`]s (combination × CRM × placement × spelling) and a [`Mode`].
//! Out: per case a list of differences (codes and counts, `has_errors`, the
//! differing table entries); [`run_all`] checks cases on every core and
//! panics with the first ~20 failures and the total.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::Value;

use crate::checks;
use crate::model::Combination;
use crate::oracle;
use crate::placement::Placement;

/// CRM kinds: one that skips and is not ServiceNow/Zendesk, ServiceNow,
/// Zendesk, one that cannot skip. Names rotate within a kind.
pub const CRM_KINDS: [&[&str]; 4] = [
    &["salesforce", "custom"],
    &["servicenow"],
    &["zendesk"],
    &["hubspot", "kustomer", "dynamics", "freshdesk"],
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// The full v2 contract.
    V2,
    /// v1 text compared with a v2 crmpol on the `engaged` rows only.
    V1OnV2Engaged,
}

pub struct Case {
    pub combination: Combination,
    pub crm: &'static str,
    pub placement: Placement,
    pub alternate_spelling: bool,
}

impl Case {
    /// Every combination (or only the v1 ones) × CRM kind × placement, but
    /// for the duplicates `Misplaced` would write.
    pub fn all(v1_only: bool) -> Vec<Case> {
        let mut cases = Vec::new();
        let combinations = Combination::all().into_iter().filter(|c| !v1_only || c.is_v1());
        for (index, combination) in combinations.enumerate() {
            for (p, placement) in Placement::ALL.into_iter().enumerate() {
                // Without a delay to misplace, Misplaced writes InQueue's text.
                let delays = combination.call_delay || combination.chat_delay.is_some();
                if placement == Placement::Misplaced && !delays {
                    continue;
                }
                for kind in CRM_KINDS {
                    cases.push(Case {
                        combination,
                        crm: kind[(index + p) % kind.len()],
                        placement,
                        alternate_spelling: (index / 3 + p) % 2 == 1,
                    });
                }
            }
        }
        cases
    }

    pub fn policy(&self, mode: Mode) -> crate::policy::Policy {
        self.placement
            .policy(&self.combination, self.crm, self.alternate_spelling, mode != Mode::V2)
    }
}

impl fmt::Display for Case {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "crm={}, placement={:?}, alternate spelling={}, {}",
            self.crm, self.placement, self.alternate_spelling, self.combination
        )
    }
}

/// Runs crmpol on one case; an empty list means it agrees with the oracle.
/// Without `detail` a failing case gives one empty string (describing every
/// failure of a v2 run against a v1 crmpol would take most of the time).
pub fn check_case(case: &Case, mode: Mode, detail: bool) -> Vec<String> {
    let policy = case.policy(mode);
    let text = policy.text();
    let expected = checks::expect(&policy);
    let expect_errors = expected.has_errors();
    let (counts, table) = match mode {
        Mode::V2 => (expected.counts.clone(), (!expect_errors).then(|| expected.table())),
        Mode::V1OnV2Engaged => (expected.counts.clone(), Some(oracle::engaged_only(&expected.table()))),
    };

    let sources = crmpol::SourceSet::from_texts([("policy.crmpol", text.as_str())]);
    let analysis = crmpol::analyze(&sources);
    let mut actual: BTreeMap<&'static str, usize> = BTreeMap::new();
    for diagnostic in &analysis.diagnostics {
        *actual.entry(diagnostic.code.as_str()).or_insert(0) += 1;
    }

    let mut problems = Vec::new();
    for (code, count) in &counts {
        let got = actual.get(code).copied().unwrap_or(0);
        if !count.allows(got) {
            problems.push(format!("{code}: expected {count:?}, got {got}"));
        }
    }
    for (code, got) in &actual {
        if !counts.contains_key(code) {
            problems.push(format!("{code}: not expected, got {got}"));
        }
    }
    if analysis.has_errors() != expect_errors {
        problems.push(format!(
            "has_errors: expected {expect_errors}, got {}",
            analysis.has_errors()
        ));
    }
    // A table is a deliverable only for a policy that compiles.
    if let Some(table) = table.filter(|_| !expect_errors) {
        let mut got = serde_json::to_value(analysis.table()).expect("the decision table serializes to JSON");
        if mode == Mode::V1OnV2Engaged {
            got = oracle::engaged_only(&got);
        }
        if !detail && table != got {
            problems.push(String::new());
        } else if detail {
            problems.extend(table_differences(&table, &got));
        }
    }
    if problems.is_empty() || !detail {
        return problems.into_iter().take(1).map(|_| String::new()).collect();
    }
    let messages: Vec<String> = analysis
        .diagnostics
        .iter()
        .map(|d| format!("{} {}", d.code.as_str(), d.message))
        .collect();
    vec![format!(
        "case: {case}\n  {}\n  diagnostics: {messages:#?}\n  policy:\n{}",
        problems.join("\n  "),
        text.lines().map(|line| format!("    | {line}\n")).collect::<String>()
    )]
}

/// Names the differing parts: top-level fields, entry count, and within each
/// differing entry its differing settings and rules.
fn table_differences(expected: &Value, actual: &Value) -> Vec<String> {
    if expected == actual {
        return Vec::new();
    }
    let mut problems = Vec::new();
    for key in ["format_version", "crm"] {
        if expected[key] != actual[key] {
            problems.push(format!("table {key}: expected {}, got {}", expected[key], actual[key]));
        }
    }
    let none = Vec::new();
    let want_entries = expected["entries"].as_array().unwrap_or(&none);
    let got_entries = actual["entries"].as_array().unwrap_or(&none);
    if want_entries.len() != got_entries.len() {
        problems.push(format!(
            "table has {} entries, expected {}",
            got_entries.len(),
            want_entries.len()
        ));
    }
    for (index, (want, got)) in want_entries.iter().zip(got_entries).enumerate() {
        if want == got {
            continue;
        }
        let here = format!("entry {index} ({} {})", want["queue"], want["channel"]);
        for key in ["queue", "channel"] {
            if want[key] != got[key] {
                problems.push(format!("{here} {key}: expected {}, got {}", want[key], got[key]));
            }
        }
        let empty = serde_json::Map::new();
        let want_settings = want["settings"].as_object().unwrap_or(&empty);
        let got_settings = got["settings"].as_object().unwrap_or(&empty);
        let keys: std::collections::BTreeSet<&String> = want_settings.keys().chain(got_settings.keys()).collect();
        for key in keys {
            if want_settings.get(key) != got_settings.get(key) {
                let show = |v: Option<&Value>| v.map_or("(absent)".to_string(), Value::to_string);
                problems.push(format!(
                    "{here} settings.{key}: expected {}, got {}",
                    show(want_settings.get(key)),
                    show(got_settings.get(key))
                ));
            }
        }
        let want_rules = want["rules"].as_array().unwrap_or(&none);
        let got_rules = got["rules"].as_array().unwrap_or(&none);
        if want_rules.len() != got_rules.len() {
            problems.push(format!(
                "{here} has {} rules, expected {}",
                got_rules.len(),
                want_rules.len()
            ));
        }
        for (r, (want_rule, got_rule)) in want_rules.iter().zip(got_rules).enumerate() {
            if want_rule != got_rule {
                problems.push(format!(
                    "{here} rule {r}:\n    expected {want_rule}\n    got      {got_rule}"
                ));
            }
        }
    }
    if problems.is_empty() {
        problems.push(format!("table: expected {expected}\n    got {actual}"));
    }
    problems
}

/// Checks every case on all cores; panics with up to 20 failures and the count.
pub fn run_all(cases: &[Case], mode: Mode) {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let chunk = cases.len().div_ceil(threads).max(1);
    let results: Vec<(usize, Vec<String>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = cases
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    let mut failing = 0;
                    let mut shown = Vec::new();
                    for case in part {
                        let detail = shown.len() < 20;
                        let problems = check_case(case, mode, detail);
                        if !problems.is_empty() {
                            failing += 1;
                            if detail {
                                shown.extend(problems);
                            }
                        }
                    }
                    (failing, shown)
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("a worker panicked"))
            .collect()
    });
    let failing: usize = results.iter().map(|(n, _)| n).sum();
    let shown: Vec<&String> = results.iter().flat_map(|(_, s)| s).take(20).collect();
    let shown: Vec<&str> = shown.iter().map(|s| s.as_str()).collect();
    assert!(
        failing == 0,
        "{failing} of {} cases disagree with the oracle ({mode:?}); the first {}:\n\n{}",
        cases.len(),
        shown.len(),
        shown.join("\n\n")
    );
}
