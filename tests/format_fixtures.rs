//! `crmpol fmt` on a folder of ugly inputs (`tests/fixtures/fmt/`): each
//! canonical output is snapshotted, is a fixed point, and means what the
//! input means.

use crmpol::format::{FormatError, FormatOptions, format_file};
use crmpol::{Code, SourceFile, SourceSet};
use std::path::Path;

fn read(path: &Path) -> SourceFile {
    let bytes = std::fs::read(path).expect("fixture");
    SourceFile::from_bytes(
        path.file_name().and_then(|name| name.to_str()).unwrap_or("fixture"),
        &bytes,
    )
}

fn format(source: &SourceFile) -> String {
    format_file(source, FormatOptions::default()).unwrap_or_else(|error| panic!("{}: {error:?}", source.name))
}

/// The table and the diagnostics without their places.
fn meaning(text: &str) -> (crmpol::table::DecisionTable, Vec<(Code, String)>) {
    let analysis = crmpol::analyze(&SourceSet::from_texts([("a.crmpol", text)]));
    (analysis.table(), analysis.findings())
}

#[test]
fn ugly_inputs_format_to_their_snapshots() {
    insta::glob!("fixtures/fmt/*.crmpol", |path| {
        insta::assert_snapshot!(format(&read(path)));
    });
}

#[test]
fn formatting_is_a_fixed_point_and_keeps_meaning() {
    insta::glob!("fixtures/fmt/*.crmpol", |path| {
        let source = read(path);
        let once = format(&source);
        let twice = format(&SourceFile::from_text("again", once.clone()));
        assert_eq!(once, twice, "{}: formatting the output changes it", path.display());
        assert_eq!(meaning(&source.text), meaning(&once), "{}", path.display());
    });
}

#[test]
fn aliases_are_kept_unless_normalized() {
    let source = SourceFile::from_text(
        "a.crmpol",
        "crm: zendesk\nqueue \"Q\" {\n    map session data to: ccaip session\n}\n",
    );
    assert!(format(&source).contains("map session data to: ccaip session"));
    let normalized = format_file(&source, FormatOptions { normalize: true }).expect("formats");
    assert!(
        normalized.contains("map session data to: ccaas session"),
        "{normalized}"
    );
    assert_eq!(meaning(&source.text), meaning(&normalized));
}

#[test]
fn normalize_leaves_the_alias_alone_where_it_is_not_a_mapping() {
    // After another setting the alias is only an invalid value (E0003);
    // rewriting it would change what the diagnostic quotes.
    let text = "crm: zendesk\n\nqueue \"Q\" {\n    skip account lookup: ccaip session\n}\n";
    let source = SourceFile::from_text("a.crmpol", text);
    let normalized = format_file(&source, FormatOptions { normalize: true }).expect("formats");
    assert_eq!(normalized, text);
}

#[test]
fn a_file_with_syntax_errors_is_not_formatted() {
    let source = SourceFile::from_text("a.crmpol", "crm: zendesk\nqueue Support {\n}\n");
    match format_file(&source, FormatOptions::default()) {
        Err(FormatError::Syntax(diagnostics)) => {
            assert!(diagnostics.iter().all(|d| d.code == Code::E0001), "{diagnostics:?}");
        }
        other => panic!("expected syntax errors, got {other:?}"),
    }
}

#[test]
fn three_thousand_nested_queues_format_without_recursion() {
    let formatted = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(|| {
            let mut text = String::from("crm: custom\n");
            for level in 0..3000 {
                text.push_str(&format!("queue \"q{level}\" {{\n"));
            }
            text.push_str(&"}\n".repeat(3000));
            format_file(&SourceFile::from_text("deep.crmpol", text), FormatOptions::default())
        })
        .expect("spawn")
        .join()
        .expect("no stack overflow")
        .expect("formats");
    assert!(formatted.contains(&format!("{}queue \"q2999\" {{}}\n", "    ".repeat(2999))));
}
