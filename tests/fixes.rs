//! Every fix crmpol offers does what it says: applied alone it removes the
//! diagnostic it belongs to without adding errors; `--fix`
//! (here `fix_all`) leaves strictly fewer diagnostics and settles in one
//! run, so a second run changes nothing.

mod common;

use crmpol::diagnostic::Fix;
use crmpol::{Analysis, Code, SourceSet};
use std::path::PathBuf;

/// Every fixture holding mistakes: one per diagnostic shape, and the
/// policy set with a dozen of them.
fn fixtures() -> Vec<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root.join("diagnostics"))
        .expect("fixtures")
        .filter_map(|entry| Some(entry.ok()?.path()))
        .collect();
    paths.sort();
    paths.push(root.join("mistakes"));
    paths
}

fn with_fix(sources: &SourceSet, fix: &Fix) -> SourceSet {
    let mut fixed = sources.clone();
    for (file, text) in crmpol::fix::apply_edits(sources, &fix.edits) {
        fixed.replace_text(file, text);
    }
    fixed
}

fn count(analysis: &Analysis, code: Code) -> usize {
    analysis.diagnostics.iter().filter(|d| d.code == code).count()
}

#[test]
fn each_fix_alone_removes_its_diagnostic_and_adds_no_error() {
    let mut checked = 0;
    for path in fixtures() {
        let sources = common::load(&path);
        let before = crmpol::analyze(&sources);
        for diagnostic in &before.diagnostics {
            for fix in &diagnostic.fixes {
                let after = crmpol::analyze(&with_fix(&sources, fix));
                let what = format!("{}: {} fix `{}`", path.display(), diagnostic.code, fix.description);
                assert!(
                    count(&after, diagnostic.code) < count(&before, diagnostic.code),
                    "{what} leaves the diagnostic: {:?}",
                    common::codes(&after)
                );
                // A fix may uncover the next step (removing a line that never
                // took effect can leave its overrides restating the default,
                // W0201), which `--fix` takes in its next pass; but it never
                // adds an error.
                let errors = |analysis: &Analysis| analysis.diagnostics.iter().filter(|d| d.is_error()).count();
                assert!(
                    errors(&after) <= errors(&before),
                    "{what}: {:?} became {:?}",
                    common::codes(&before),
                    common::codes(&after)
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 40, "only {checked} fixes checked");
}

#[test]
fn fixing_everything_twice_changes_nothing_the_second_time() {
    for path in fixtures() {
        let original = common::load(&path);
        let mut sources = original.clone();
        let first = crmpol::fix::fix_all(&mut sources).applied;
        let after_first: Vec<String> = sources.iter().map(|(_, file)| file.text.clone()).collect();
        let second = crmpol::fix::fix_all(&mut sources).applied;
        assert_eq!(second, [], "{}: a second run applied fixes", path.display());
        let after_second: Vec<String> = sources.iter().map(|(_, file)| file.text.clone()).collect();
        assert_eq!(after_first, after_second, "{}", path.display());
        if !first.is_empty() {
            let before = crmpol::analyze(&original).diagnostics.len();
            let after = crmpol::analyze(&sources).diagnostics.len();
            assert!(
                after < before,
                "{}: {before} diagnostics became {after}",
                path.display()
            );
        }
    }
}

/// The policy, fixed by `--fix`, and what remains.
fn fix_text(text: &str) -> (String, Vec<&'static str>) {
    let mut sources = SourceSet::from_texts([("a.crmpol", text)]);
    let fixed = crmpol::fix::fix_all(&mut sources);
    let analysis = crmpol::analyze(&sources);
    assert_eq!(
        fixed.analysis.diagnostics, analysis.diagnostics,
        "fix_all reports the text it left"
    );
    let fixed = sources.get(crmpol::source::FileId(0)).expect("file").text.clone();
    (fixed, common::codes(&analysis))
}

#[test]
fn the_closest_setting_and_value_names_are_written_in() {
    let (fixed, left) = fix_text("crm: salesfroce\nqueue \"Q\" {\n    Skip_Recrod_Creation: Yes\n}\n");
    assert_eq!(
        fixed,
        "crm: salesforce\nqueue \"Q\" {\n    skip record creation: yes\n}\n"
    );
    assert_eq!(left, [] as [&str; 0]);
}

#[test]
fn a_redundant_line_is_removed() {
    let (fixed, left) = fix_text(
        "crm: zendesk\nqueue \"Q\" {\n    skip account creation: yes\n    queue \"R\" {\n        skip account creation: yes\n    }\n}\n",
    );
    assert_eq!(
        fixed,
        "crm: zendesk\nqueue \"Q\" {\n    skip account creation: yes\n    queue \"R\" {\n    }\n}\n"
    );
    assert_eq!(left, [] as [&str; 0]);
}

#[test]
fn either_side_of_append_without_lookup_is_offered_and_both_compile() {
    let text = "crm: zendesk\nqueue \"Q\" {\n    skip account creation: yes\n    append to latest open record: yes\n    skip account lookup: yes\n}\n";
    let sources = SourceSet::from_texts([("a.crmpol", text)]);
    let analysis = crmpol::analyze(&sources);
    let diagnostic = analysis
        .diagnostics
        .iter()
        .find(|d| d.code == Code::E0101)
        .expect("E0101");
    assert_eq!(diagnostic.fixes.len(), 2);
    assert!(
        diagnostic.automatic_fix().is_none(),
        "choosing a side is a person's call"
    );
    for fix in &diagnostic.fixes {
        let after = crmpol::analyze(&with_fix(&sources, fix));
        assert!(!after.has_errors(), "{}: {:?}", fix.description, common::codes(&after));
    }
    let (fixed, left) = fix_text(text);
    assert_eq!(fixed, text, "--fix leaves the choice alone");
    assert_eq!(left, ["E0101"]);
}

#[test]
fn skipped_lookup_gets_skipped_account_creation() {
    let (fixed, left) =
        fix_text("crm: zendesk\nqueue \"Q\" {\n    call {\n        skip account lookup: yes\n    }\n}\n");
    assert_eq!(
        fixed,
        "crm: zendesk\nqueue \"Q\" {\n    call {\n        skip account creation: yes\n        skip account lookup: yes\n    }\n}\n"
    );
    assert_eq!(left, [] as [&str; 0]);

    // Where the same block says `no`, that `no` becomes `yes` (a second
    // statement there would be given twice).
    let (fixed, _) =
        fix_text("crm: zendesk\nqueue \"Q\" {\n    skip account creation: no\n    skip account lookup: yes\n}\n");
    assert_eq!(
        fixed,
        "crm: zendesk\nqueue \"Q\" {\n    skip account creation: yes\n    skip account lookup: yes\n}\n"
    );
}

#[test]
fn an_unavailable_records_option_becomes_the_largest_offered() {
    let text = "crm: zendesk\ndefaults {\n    map session data to: ccaas session\n}\nqueue \"Q\" {\n    skip account creation: yes\n    skip record creation: yes\n    skip account lookup: yes\n    records: option 3\n}\n";
    let (fixed, left) = fix_text(text);
    assert_eq!(fixed, text.replace("option 3", "option 2"));
    assert_eq!(
        left,
        ["W0203"],
        "only the data-loss warning, which has no mechanical fix"
    );
}

#[test]
fn fixes_keep_crlf_line_ends() {
    let (fixed, _) = fix_text("crm: zendesk\r\nqueue \"Q\" {\r\n    skip account lookup: yes\r\n}\r\n");
    assert_eq!(
        fixed,
        "crm: zendesk\r\nqueue \"Q\" {\r\n    skip account creation: yes\r\n    skip account lookup: yes\r\n}\r\n"
    );
}
