//! `crmpol compile` writes the table entry by entry (`emit::emit_policy`),
//! each distinct entry body once. The bytes must be those of the whole
//! table handed to serde_yaml and serde_json (`emit::emit`), which is the
//! oracle here: over every fixture, over random policies, and over queue
//! names that YAML writes quoted, escaped or on several lines.

mod common;

use common::random::Rng;
use crmpol::catalog::{AttachedCatalog, CatalogOrigin};
use crmpol::emit::{self, TableFormat};
use crmpol::{Analysis, SourceFile, SourceSet};
use std::path::Path;

const FORMATS: [TableFormat; 3] = [TableFormat::Yaml, TableFormat::Json, TableFormat::Markdown];

fn assert_streamed_as_whole(analysis: &Analysis, what: &str) {
    let table = analysis.table();
    for format in FORMATS {
        let whole = emit::emit(&table, format).expect("the table serialises");
        let streamed = emit::emit_policy(&analysis.policy, format).expect("the table serialises");
        if streamed != whole {
            let line = whole
                .lines()
                .zip(streamed.lines())
                .position(|(a, b)| a != b)
                .map_or_else(|| "the end".to_owned(), |n| format!("line {}", n + 1));
            panic!("{what}: {format:?} written entry by entry differs from the whole table at {line}");
        }
    }
}

fn fixture_files(dir: &Path, found: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            fixture_files(&path, found);
        } else if path.extension().is_some_and(|ext| ext == "crmpol") {
            found.push(path);
        }
    }
}

#[test]
fn every_fixture_and_example_streams_as_the_whole_table() {
    let mut files = Vec::new();
    fixture_files(Path::new("tests/fixtures"), &mut files);
    files.sort();
    assert!(files.len() > 50, "fixtures found: {}", files.len());
    for path in files.iter().map(|path| path.as_path()).chain([Path::new("policies")]) {
        let (_, analysis) = common::analyze(path);
        assert_streamed_as_whole(&analysis, &path.display().to_string());
    }
}

/// Names serde_yaml quotes, escapes or folds, and some it leaves plain.
const AWKWARD_NAMES: [&str; 22] = [
    "Support",
    "null",
    "yes",
    "No",
    "~",
    "123",
    "0x1F",
    "- dash",
    "? question",
    "colon: inside",
    "#hash",
    "it's",
    "say \\\"hi\\\"",
    "back\\\\slash",
    " leading",
    "trailing ",
    "ünïcödé Ω",
    "tab\there",
    "",
    "@at",
    "*star",
    "a very long queue name that goes on and on past any line width a YAML emitter might fold at, \
     with commas, and: colons, and #hashes, and 'quotes' inside it",
];

#[test]
fn awkward_queue_names_stream_as_the_whole_table() {
    let mut rng = Rng(0x5eed_7ab1e);
    for round in 0..40 {
        let mut text = String::from("crm: salesforce\n");
        for leaf in 0..12 {
            let parent = AWKWARD_NAMES[rng.below(AWKWARD_NAMES.len())];
            let name = AWKWARD_NAMES[rng.below(AWKWARD_NAMES.len())];
            let setting = match rng.below(4) {
                0 => "skip record creation: yes",
                1 => "skip account creation: yes",
                2 => "map session data to: ccaas session",
                _ => "append to latest open record: yes",
            };
            text.push_str(&format!(
                "queue \"{parent}\" / \"{name} {leaf}\" {{\n    {setting}\n}}\n"
            ));
        }
        let sources = SourceSet::from_texts([("awkward.crmpol", text)]);
        assert_streamed_as_whole(&crmpol::analyze(&sources), &format!("round {round}"));
    }
}

/// Catalog names come from JSON and may hold line breaks, which YAML
/// writes as block scalars over several lines.
#[test]
fn catalog_names_with_line_breaks_stream_as_the_whole_table() {
    let catalog = r#"{"menus": [
        {"id": 1, "name": "Two\nlines", "parent_id": null, "menu_type": "ivr_menu", "position": 1},
        {"id": 2, "name": "Blank\n\nline", "parent_id": 1, "menu_type": "ivr_menu", "position": 1},
        {"id": 3, "name": "Plain", "parent_id": 1, "menu_type": "ivr_menu", "position": 2},
        {"id": 4, "name": "Ends with a break\n", "parent_id": null, "menu_type": "web_menu", "position": 1}
    ]}"#;
    let mut sources = SourceSet::new();
    sources.add(SourceFile::from_text("main.crmpol", "crm: zendesk\n"));
    sources.set_catalog(Some(std::sync::Arc::new(AttachedCatalog::from_text(
        CatalogOrigin::CommandLine,
        "menus.json",
        catalog,
    ))));
    let analysis = crmpol::analyze(&sources);
    assert!(analysis.policy.entries.len() >= 3, "{:?}", analysis.diagnostics);
    let yaml = emit::emit_policy(&analysis.policy, TableFormat::Yaml).expect("serialises");
    assert!(
        yaml.contains("|-"),
        "a name on several lines is a block scalar:\n{yaml}"
    );
    assert_streamed_as_whole(&analysis, "catalog with line breaks");
}
