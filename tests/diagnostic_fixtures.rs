//! One fixture per diagnostic code and shape under
//! `tests/fixtures/diagnostics/`: a file, or a directory for a policy set
//! of several files. A fixture's name starts with the code it must report;
//! its human, short and JSON renderings are snapshotted.

mod common;

use crmpol::Code;
use crmpol::render::MessageFormat;
use std::path::{Path, PathBuf};

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/diagnostics")
}

fn fixtures() -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(fixtures_dir())
        .expect("fixture folder")
        .filter_map(|entry| Some(entry.ok()?.path()))
        .collect();
    paths.sort();
    paths
}

#[test]
fn each_fixture_reports_the_code_in_its_name() {
    for path in fixtures() {
        let expected = common::code_in_name(&path);
        let (_, analysis) = common::analyze(&path);
        let codes = common::codes(&analysis);
        assert!(
            codes.contains(&expected.as_str()),
            "{}: expected {expected}, got {codes:?}",
            path.display()
        );
    }
}

#[test]
fn every_code_has_a_fixture() {
    let fixtures = fixtures();
    for code in Code::ALL {
        let has = fixtures.iter().any(|path| common::code_in_name(path) == code.as_str());
        assert!(has, "no fixture for {code} in {}", fixtures_dir().display());
    }
}

#[test]
fn each_diagnostic_has_exactly_one_primary_label() {
    for path in fixtures() {
        let (_, analysis) = common::analyze(&path);
        for diagnostic in &analysis.diagnostics {
            let primaries = diagnostic
                .labels
                .iter()
                .filter(|label| label.style == crmpol::diagnostic::LabelStyle::Primary)
                .count();
            assert_eq!(primaries, 1, "{}: {}", path.display(), diagnostic.message);
        }
    }
}

#[test]
fn messages_follow_the_house_style() {
    for path in fixtures() {
        let (_, analysis) = common::analyze(&path);
        for diagnostic in &analysis.diagnostics {
            let message = &diagnostic.message;
            let first = message.chars().next().unwrap_or(' ');
            assert!(
                !first.is_uppercase(),
                "{}: starts upper case: {message}",
                path.display()
            );
            assert!(
                !message.ends_with('.'),
                "{}: ends with a period: {message}",
                path.display()
            );
            assert!(
                !message.contains('\n'),
                "{}: more than one line: {message}",
                path.display()
            );
        }
    }
}

fn all_renderings(path: &Path) -> String {
    let (sources, analysis) = common::analyze(path);
    format!(
        "# human\n{}\n# short\n{}\n# json\n{}",
        common::rendered(&sources, &analysis, MessageFormat::Human),
        common::rendered(&sources, &analysis, MessageFormat::Short),
        common::rendered(&sources, &analysis, MessageFormat::Json),
    )
}

#[test]
fn renderings_match_their_snapshots() {
    insta::glob!("fixtures/diagnostics/*", |path| {
        insta::assert_snapshot!(all_renderings(path));
    });
}
