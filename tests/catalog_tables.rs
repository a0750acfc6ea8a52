//! Policies compiled with a queue catalog (spec v2 §5): the entries and
//! their order come from the catalog, the table says what the policy does
//! not cover, and the command line, the workspace and the example policy
//! set use the catalog a policy declares or `--catalog` names.

mod common;

use common::cli::{crmpol, scratch, status, stderr, stdout, write};
use common::random::Rng;
use crmpol::catalog::{AttachedCatalog, CatalogOrigin};
use crmpol::emit::{self, TableFormat};
use crmpol::render::MessageFormat;
use crmpol::table::DecisionTable;
use crmpol::workspace::{FileOrder, Workspace};
use crmpol::{SourceFile, SourceSet};
use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The entries (queue and channel), the catalog section as JSON, and the
/// Markdown page's catalog section.
fn entries_and_coverage(table: &DecisionTable) -> String {
    let mut out = String::from("# entries\n");
    for entry in &table.entries {
        let _ = writeln!(out, "{} ({})", entry.queue.join(" / "), entry.channel);
    }
    let coverage = serde_json::to_string_pretty(&table.catalog).expect("serialisable");
    let markdown = emit::emit(table, TableFormat::Markdown).expect("markdown");
    let section = markdown
        .split("## Catalog\n")
        .nth(1)
        .and_then(|rest| rest.split("## Settings").next())
        .unwrap_or("(no catalog section)");
    let _ = write!(out, "\n# catalog\n{coverage}\n\n# markdown\n## Catalog\n{section}");
    out
}

#[test]
fn catalog_tables_match_their_snapshots() {
    insta::glob!("fixtures/catalog-tables/*", |path| {
        let (sources, analysis) = common::analyze(path);
        let diagnostics = common::rendered(&sources, &analysis, MessageFormat::Short);
        let errors: Vec<_> = analysis.diagnostics.iter().filter(|d| d.is_error()).collect();
        assert!(errors.is_empty(), "{}: {diagnostics}", path.display());
        insta::assert_snapshot!(format!(
            "# diagnostics\n{diagnostics}\n{}",
            entries_and_coverage(&analysis.table())
        ));
    });
}

/// A queue tree of random names (some shared between branches), as policy
/// text with a setting here and there.
struct RandomTree {
    /// (parent index, name) in creation order; parents come first.
    queues: Vec<(Option<usize>, String)>,
}

fn random_tree(rng: &mut Rng) -> RandomTree {
    const NAMES: [&str; 6] = ["Support", "Billing", "Sales", "Refunds", "TV", "Chat Help"];
    let mut queues: Vec<(Option<usize>, String)> = Vec::new();
    for _ in 0..rng.in_range(1..=12) {
        let parent = if queues.is_empty() || rng.chance(30) {
            None
        } else {
            Some(rng.below(queues.len()))
        };
        let name = rng.pick(&NAMES).to_owned();
        let taken = queues
            .iter()
            .any(|(other, existing)| *other == parent && *existing == name);
        if !taken {
            queues.push((parent, name));
        }
    }
    RandomTree { queues }
}

impl RandomTree {
    fn policy_text(&self, rng: &mut Rng) -> String {
        const LINES: [&str; 5] = [
            "skip account lookup: no",
            "append to latest open record: yes",
            "map session data to: ccaas session",
            "create records for abandoned sessions: no",
            "append to closed records within: 30 days",
        ];
        let mut text = String::from("crm: salesforce\n");
        for (index, _) in self.queues.iter().enumerate() {
            let path: Vec<String> = self.path(index).iter().map(|name| format!("\"{name}\"")).collect();
            let _ = writeln!(text, "queue {} {{", path.join(" / "));
            if rng.chance(50) {
                let _ = writeln!(text, "    {}", rng.pick(&LINES));
            }
            text.push_str("}\n");
        }
        text
    }

    fn path(&self, mut index: usize) -> Vec<&str> {
        let mut names = Vec::new();
        loop {
            let (parent, name) = &self.queues[index];
            names.push(name.as_str());
            match parent {
                Some(parent) => index = *parent,
                None => break,
            }
        }
        names.reverse();
        names
    }

    /// The same tree as a catalog: every queue a menu carrying both
    /// channels, siblings ordered by `position` as the policy orders them,
    /// listed in a shuffled order (the entries' order must come from the
    /// positions, not from the file).
    fn catalog_json(&self, rng: &mut Rng) -> String {
        let mut menus: Vec<String> = self
            .queues
            .iter()
            .enumerate()
            .map(|(index, (parent, name))| {
                let parent = parent.map_or("null".to_owned(), |parent| format!("\"m{parent}\""));
                format!(r#"{{"id": "m{index}", "name": "{name}", "parent_id": {parent}, "position": {index}}}"#)
            })
            .collect();
        for at in (1..menus.len()).rev() {
            menus.swap(at, rng.below(at + 1));
        }
        format!("[\n{}\n]\n", menus.join(",\n"))
    }
}

fn analysis_with(text: &str, catalog: Option<&str>) -> crmpol::Analysis {
    let mut sources = SourceSet::from_texts([("policy.crmpol", text)]);
    if let Some(json) = catalog {
        let attached = AttachedCatalog::from_text(CatalogOrigin::CommandLine, "menus.json", json);
        sources.set_catalog(Some(Arc::new(attached)));
    }
    crmpol::analyze(&sources)
}

/// A catalog that is the policy's own tree, with both channels on every
/// menu, changes no entry: v1 behaviour is the catalog's special case.
#[test]
fn a_catalog_of_the_policys_own_queues_gives_the_same_entries() {
    for seed in 1..=300 {
        let mut rng = Rng(seed);
        let tree = random_tree(&mut rng);
        let text = tree.policy_text(&mut rng);
        let json = tree.catalog_json(&mut rng);
        let without = analysis_with(&text, None);
        let with = analysis_with(&text, Some(&json));
        assert!(
            !with.has_errors(),
            "seed {seed}: {:?}\n{text}\n{json}",
            with.diagnostics
        );
        let (without, with) = (without.table(), with.table());
        assert_eq!(without.entries, with.entries, "seed {seed}:\n{text}\n{json}");
        let coverage = with.catalog.expect("a catalog section");
        assert_eq!(coverage.entries, with.entries.len(), "seed {seed}");
        assert!(without.catalog.is_none(), "seed {seed}: no catalog, no section");
    }
}

#[test]
fn the_example_policy_set_takes_its_queues_from_its_catalog() {
    let (_, analysis) = common::analyze(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("policies"));
    assert!(analysis.diagnostics.is_empty(), "{:?}", analysis.diagnostics);
    let table = analysis.table();
    let channels_of = |path: &[&str]| -> Vec<String> {
        table
            .entries
            .iter()
            .filter(|entry| entry.queue == path)
            .map(|entry| entry.channel.to_string())
            .collect()
    };
    assert_eq!(channels_of(&["Digital", "Quick Questions"]), ["chat"], "web only");
    assert_eq!(
        channels_of(&["Support", "Technical", "Outage Hotline"]),
        ["call"],
        "IVR only"
    );
    assert_eq!(channels_of(&["Digital", "App Callbacks"]), ["call", "chat"], "mobile");
    assert!(
        channels_of(&["Sales", "Fax Orders"]).is_empty(),
        "deleted in the platform"
    );
    let coverage = table.catalog.expect("the example declares a catalog");
    assert_eq!(coverage.entries, table.entries.len());
    assert!(
        coverage.uncovered.iter().any(|key| key.queue == ["Sales", "Inbound"]),
        "{:?}",
        coverage.uncovered
    );
}

/// A policy with one queue and a catalog file beside it, in a scratch
/// folder.
fn scratch_policy(name: &str, catalog_line: &str, json: &str) -> PathBuf {
    let dir = scratch(name);
    write(
        &dir.join("policy.crmpol"),
        &format!("crm: salesforce\n{catalog_line}\nqueue \"Support\" / \"Billing\"\n"),
    );
    write(&dir.join("menus.json"), json);
    dir
}

const SUPPORT_BILLING_IVR: &str = r#"[
  {"id": 1, "name": "Support", "menu_type": "ivr_menu"},
  {"id": 2, "name": "Billing", "parent_id": 1, "menu_type": "ivr_menu"}
]"#;

#[test]
fn the_command_line_catalog_wins_and_an_unreadable_one_stops_the_command() {
    let dir = scratch_policy("catalog-option", "catalog: \"missing.json\"", SUPPORT_BILLING_IVR);
    let policy = dir.join("policy.crmpol");
    let policy = policy.to_str().expect("utf-8 path");
    let declared = crmpol(&["check", policy, "--message-format", "short"]);
    assert_eq!(status(&declared), 1, "the declared file is missing: E0302");
    assert!(stdout(&declared).contains("error[E0302]"), "{}", stdout(&declared));

    let menus = dir.join("menus.json");
    let menus = menus.to_str().expect("utf-8 path");
    let given = crmpol(&["compile", policy, "--catalog", menus, "--format", "json"]);
    assert_eq!(status(&given), 0, "{}", stderr(&given));
    let table: serde_json::Value = serde_json::from_str(&stdout(&given)).expect("json");
    assert_eq!(table["catalog"]["entries"], 1, "IVR only: one call entry");
    assert_eq!(table["entries"][0]["channel"], "call");

    let missing = dir.join("nowhere.json");
    let unreadable = crmpol(&["check", policy, "--catalog", missing.to_str().expect("utf-8")]);
    assert_eq!(status(&unreadable), 2);
    assert!(stderr(&unreadable).contains("nowhere.json"), "{}", stderr(&unreadable));
    assert!(stdout(&unreadable).is_empty());

    let why = crmpol(&["why", policy, "--queue", "Support/Billing", "--catalog", menus]);
    assert_eq!(status(&why), 0, "{}", stderr(&why));
    assert!(!stdout(&why).contains("(chat)"), "no chat entry: {}", stdout(&why));
}

#[test]
fn a_workspace_reads_its_catalog_once_until_the_file_changes() {
    let dir = scratch_policy("catalog-cache", "catalog: \"menus.json\"", SUPPORT_BILLING_IVR);
    let key = dir.join("policy.crmpol").display().to_string();
    let text = std::fs::read_to_string(&key).expect("policy");
    let mut workspace = Workspace::new(FileOrder::ByKey);
    workspace.set_file(&key, SourceFile::from_text("policy.crmpol", text.clone()), Some(1));
    let first = workspace.snapshot();
    assert!(
        first.analysis.diagnostics.is_empty(),
        "{:?}",
        first.analysis.diagnostics
    );
    assert_eq!(first.analysis.policy.entries.len(), 1);

    // An edit that moves the declaration keeps what was read.
    let edited = format!("# a comment\n{text}");
    workspace.set_file(&key, SourceFile::from_text("policy.crmpol", edited), Some(2));
    let second = workspace.snapshot();
    let catalog_file = |snapshot: &crmpol::workspace::Snapshot| {
        snapshot
            .sources
            .catalog()
            .and_then(|catalog| catalog.file())
            .cloned()
            .expect("read")
    };
    assert!(
        Arc::ptr_eq(&catalog_file(&first), &catalog_file(&second)),
        "not read again"
    );
    assert!(!workspace.refresh_catalog(), "unchanged on disk");

    write(
        &dir.join("menus.json"),
        r#"[{"id": 1, "name": "Support"}, {"id": 2, "name": "Billing", "parent_id": 1}, {"id": 3, "name": "Sales"}]"#,
    );
    assert!(workspace.refresh_catalog(), "a new export is noticed");
    let third = workspace.snapshot();
    assert_eq!(
        third.analysis.policy.entries.len(),
        4,
        "Billing and Sales, both channels"
    );
}

/// Catalogs at the limits: a 10,000-deep chain, 100,000 menus, a cycle,
/// mixed ids and a repeated name: a table or diagnostics, never a panic.
#[test]
fn catalogs_at_the_limits_give_a_table_or_diagnostics() {
    let mut chain = String::from("[");
    for index in 0..10_000 {
        let parent = if index == 0 {
            "null".to_owned()
        } else {
            (index - 1).to_string()
        };
        let _ = write!(
            chain,
            r#"{}{{"id": {index}, "name": "L{index}", "parent_id": {parent}}}"#,
            if index == 0 { "" } else { "," }
        );
    }
    chain.push(']');
    let deep = analysis_with(
        "crm: salesforce\nqueue \"L0\" / \"L1\" {\n    skip account lookup: no\n}\n",
        Some(&chain),
    );
    assert!(!deep.has_errors(), "{:?}", deep.diagnostics);
    let table = deep.table();
    assert_eq!(table.entries.len(), 2, "one leaf at the bottom, both channels");
    assert_eq!(table.entries[0].queue.len(), 10_000);

    let mut wide = String::from("[{\"id\": \"top\", \"name\": \"Top\"}");
    for index in 0..100_000 {
        let kind = ["ivr_menu", "web_menu", "mobile_menu"][index % 3];
        let _ = write!(
            wide,
            r#",{{"id": {index}, "name": "Q{index}", "parent_id": "top", "menu_type": "{kind}"}}"#
        );
    }
    wide.push(']');
    let broad = analysis_with("crm: salesforce\nqueue \"Top\" / \"Q7\"\n", Some(&wide));
    assert!(!broad.has_errors(), "{:?}", broad.diagnostics.first());
    assert_eq!(
        broad.policy.entries.len(),
        133_333,
        "ivr 1, web 1, mobile 2 per three menus"
    );

    let cycle = r#"[{"id": 1, "name": "A", "parent_id": 2}, {"id": 2, "name": "B", "parent_id": 1}]"#;
    let cyclic = analysis_with("crm: salesforce\nqueue \"A\"\n", Some(cycle));
    let codes: Vec<&str> = cyclic.diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(
        codes,
        ["E0302"],
        "one cycle, and the policy checked without the catalog"
    );

    let mixed = r#"[{"id": 1, "name": "A"}, {"id": "1", "name": "B"}, {"id": 2.0, "name": "C", "parent_id": "1"},
                   {"id": 3, "name": "C", "parent_id": "1"}]"#;
    let repeated = analysis_with("crm: salesforce\nqueue \"B\" / \"C\"\n", Some(mixed));
    let codes: Vec<&str> = repeated.diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(
        codes,
        ["W0302", "W0302"],
        "the same name twice under one parent, for each channel"
    );
}

#[test]
fn a_catalog_problem_points_into_the_catalog_in_every_format() {
    let dir = scratch_policy(
        "catalog-problem",
        "catalog: \"menus.json\"",
        "[{\"id\": 1, \"name\": \"Support\"},\n {\"name\": 2}]",
    );
    let policy = dir.join("policy.crmpol");
    let output = crmpol(&["check", policy.to_str().expect("utf-8"), "--message-format", "short"]);
    assert_eq!(status(&output), 1);
    let shown = stdout(&output);
    let in_catalog: Vec<&str> = shown.lines().filter(|line| line.contains("menus.json:2:")).collect();
    assert_eq!(in_catalog.len(), 2, "no id, and a name that is not a string: {shown}");
    assert!(
        shown.lines().all(|line| !line.contains("E0301")),
        "no catalog, no E0301: {shown}"
    );
    assert!(Path::new(&dir.join("menus.json")).exists());
}
