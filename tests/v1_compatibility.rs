//! A version 1 policy compiles to the rows it compiled to before version 2:
//! over random policies that use only the six version 1 settings, every
//! entry's `engaged` rows are the rows of the version 1 rules (spec v1 §5),
//! restated here from the spec as the version 1 exhaustive test had them,
//! sharing no code with crmpol.
//!
//! The one intended difference (spec v2 §3, `docs/cli.md`): with
//! `crm: servicenow`, a row without a record attaches the session data to
//! nothing unless `push session data to account: yes`, which no version 1
//! policy says.

mod common;

use common::language::{CRMS, SETTINGS};
use common::random::Rng;
use crmpol::SourceSet;
use serde_json::Value;
use std::fmt::Write;

fn settings_block(rng: &mut Rng, indent: &str) -> String {
    let mut out = String::new();
    let mut used = Vec::new();
    for _ in 0..rng.below(4) {
        let (name, values) = SETTINGS[rng.below(SETTINGS.len())];
        if used.contains(&name) {
            continue;
        }
        used.push(name);
        let _ = writeln!(out, "{indent}{name}: {}", rng.pick(values));
    }
    for channel in ["call", "chat"] {
        if rng.chance(25) {
            let inner = settings_block_flat(rng, &format!("{indent}    "));
            let _ = write!(out, "{indent}{channel} {{\n{inner}{indent}}}\n");
        }
    }
    out
}

fn settings_block_flat(rng: &mut Rng, indent: &str) -> String {
    let (name, values) = SETTINGS[rng.below(SETTINGS.len())];
    format!("{indent}{name}: {}\n", rng.pick(values))
}

fn random_policy(rng: &mut Rng) -> String {
    let mut text = format!("crm: {}\n", rng.pick(&CRMS));
    if rng.chance(60) {
        let _ = write!(text, "defaults {{\n{}}}\n", settings_block(rng, "    "));
    }
    let mut paths: Vec<Vec<String>> = Vec::new();
    for _ in 0..rng.in_range(1..=8) {
        let mut path = match paths.len() {
            0 => Vec::new(),
            count if rng.chance(50) => paths[rng.below(count)].clone(),
            _ => Vec::new(),
        };
        path.push(rng.pick(&["Support", "Billing", "Sales", "Chat", "Outage"]).to_owned());
        let quoted: Vec<String> = path.iter().map(|name| format!("\"{name}\"")).collect();
        let _ = write!(
            text,
            "queue {} {{\n{}}}\n",
            quoted.join(" / "),
            settings_block(rng, "    ")
        );
        paths.push(path);
    }
    text
}

/// Spec v1 §5: the rows of one entry, as (situation, account, record,
/// session data, attached to).
fn v1_rows(settings: &Value) -> Vec<[String; 5]> {
    let flag = |name: &str| settings[name].as_bool().unwrap_or(false);
    let session_data = settings["map_session_data_to"].as_str().unwrap_or_default().to_owned();
    let situations: &[&str] = if flag("skip_account_lookup") {
        &["not_looked_up"]
    } else {
        &["found_with_open_record", "found_without_open_record", "not_found"]
    };
    situations
        .iter()
        .map(|&situation| {
            let account = if situation.starts_with("found_") {
                "use_existing"
            } else if flag("skip_account_creation") {
                "none"
            } else {
                "create"
            };
            let record = if flag("append_to_latest_open_record") && situation == "found_with_open_record" {
                "append"
            } else if flag("skip_record_creation") {
                "none"
            } else {
                "create"
            };
            let attached_to = match (record, account) {
                ("none", "none") => "none",
                ("none", _) => "account",
                _ => "record",
            };
            [situation, account, record, &session_data, attached_to].map(str::to_owned)
        })
        .collect()
}

fn engaged_rows(entry: &Value) -> Vec<[String; 5]> {
    entry["rules"]
        .as_array()
        .map(|rules| {
            rules
                .iter()
                .filter(|rule| rule["progress"] == "engaged")
                .map(|rule| {
                    ["situation", "account", "record", "session_data", "attached_to"]
                        .map(|field| rule[field].as_str().unwrap_or("null").to_owned())
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn version_1_policies_keep_their_engaged_rows() {
    let mut entries_checked = 0;
    for seed in 1..=400 {
        let mut rng = Rng(seed);
        let text = random_policy(&mut rng);
        let analysis = crmpol::analyze(&SourceSet::from_texts([("v1.crmpol", text.as_str())]));
        let json = crmpol::emit::emit(&analysis.table(), crmpol::emit::TableFormat::Json).expect("json");
        let table: Value = serde_json::from_str(&json).expect("a table");
        let servicenow = table["crm"] == "servicenow";
        for entry in table["entries"].as_array().into_iter().flatten() {
            let mut expected = v1_rows(&entry["settings"]);
            if servicenow {
                for row in &mut expected {
                    if row[2] == "none" {
                        row[4] = "none".to_owned();
                    }
                }
            }
            assert_eq!(
                engaged_rows(entry),
                expected,
                "seed {seed}, entry {}:\n{text}",
                entry["queue"]
            );
            entries_checked += 1;
        }
    }
    assert!(entries_checked > 1_000, "only {entries_checked} entries");
}
