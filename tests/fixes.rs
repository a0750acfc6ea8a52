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

/// Errors about the text itself (`E0001`, `E0002`, `E0003`, `E0008`) whose
/// main position is on one of `lines` (file, line). Other diagnostics there
/// can be the next step: a corrected value that repeats what it inherits, or
/// a combination crmpol can check once it reads the statement.
fn on_lines(analysis: &Analysis, sources: &SourceSet, lines: &std::collections::BTreeSet<(usize, usize)>) -> usize {
    analysis
        .diagnostics
        .iter()
        .filter(|d| matches!(d.code.as_str(), "E0001" | "E0002" | "E0003" | "E0008"))
        .filter_map(|d| d.primary_span())
        .filter(|span| {
            sources
                .get(span.file())
                .is_some_and(|file| lines.contains(&(span.file().0, file.line_column(span.start()).line)))
        })
        .count()
}

/// A fix that keeps the lines where they are (it adds and removes no line
/// break) leaves strictly fewer errors on the lines it edits, so it
/// does what its help says and no half of it: adding only the `:` of
/// `skip account lookup` at the top level would turn one error there into two.
#[test]
fn a_fix_leaves_fewer_errors_on_the_lines_it_edits() {
    let mut checked = 0;
    for path in fixtures() {
        let sources = common::load(&path);
        let before = crmpol::analyze(&sources);
        let about_the_text = |code: Code| matches!(code.as_str(), "E0001" | "E0002" | "E0003" | "E0008");
        for diagnostic in before.diagnostics.iter().filter(|d| about_the_text(d.code)) {
            for fix in &diagnostic.fixes {
                let keeps_lines = fix.edits.iter().all(|edit| {
                    edit.replacement.matches('\n').count() == sources.slice(edit.span).matches('\n').count()
                });
                if !keeps_lines {
                    continue;
                }
                let lines: std::collections::BTreeSet<(usize, usize)> = fix
                    .edits
                    .iter()
                    .filter_map(|edit| {
                        Some((
                            edit.span.file().0,
                            sources.get(edit.span.file())?.line_column(edit.span.start()).line,
                        ))
                    })
                    .collect();
                let fixed = with_fix(&sources, fix);
                let after = crmpol::analyze(&fixed);
                assert!(
                    on_lines(&after, &fixed, &lines) < on_lines(&before, &sources, &lines),
                    "{}: {} fix `{}` leaves {:?}",
                    path.display(),
                    diagnostic.code,
                    fix.description,
                    common::codes(&after)
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 15, "only {checked} fixes checked");
}

#[test]
fn no_fix_about_the_whole_policy_while_crm_is_declared_in_two_files() {
    // Two files that each declare the CRM may be two policy sets given
    // together: the redundant line is left alone, and so is the repetition.
    let a = "crm: zendesk\nqueue \"Support\" {\n    skip account creation: yes\n}\n";
    let b =
        "crm: zendesk\nqueue \"Support\" {\n    queue \"Billing\" {\n        skip account creation: yes\n    }\n}\n";
    let mut sources = SourceSet::from_texts([("a.crmpol", a), ("b.crmpol", b)]);
    let fixed = crmpol::fix::fix_all(&mut sources, Default::default());
    assert_eq!(fixed.applied, [], "nothing applied while the set is in doubt");
    let codes = common::codes(&fixed.analysis);
    assert!(codes.contains(&"E0005") && codes.contains(&"W0201"), "{codes:?}");

    // One file that says it twice is simply repetitive: both are fixed.
    let one = "crm: zendesk\ncrm: zendesk\nqueue \"Support\" {\n    skip account creation: yes\n    queue \"Billing\" {\n        skip account creation: yes\n    }\n}\n";
    let (text, left) = fix_text(one);
    assert_eq!(
        text,
        "crm: zendesk\nqueue \"Support\" {\n    skip account creation: yes\n    queue \"Billing\" {}\n}\n"
    );
    assert_eq!(left, [] as [&str; 0]);
}

#[test]
fn fixing_everything_twice_changes_nothing_the_second_time() {
    for path in fixtures() {
        let original = common::load(&path);
        let mut sources = original.clone();
        let first = crmpol::fix::fix_all(&mut sources, Default::default()).applied;
        let after_first: Vec<String> = sources.iter().map(|(_, file)| file.text.clone()).collect();
        let second = crmpol::fix::fix_all(&mut sources, Default::default()).applied;
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
    let fixed = crmpol::fix::fix_all(&mut sources, Default::default());
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
fn a_redundant_line_is_removed_and_its_empty_block_closed_up() {
    let (fixed, left) = fix_text(
        "crm: zendesk\nqueue \"Q\" {\n    skip account creation: yes\n    queue \"R\" {\n        skip account creation: yes\n    }\n}\n",
    );
    assert_eq!(
        fixed,
        "crm: zendesk\nqueue \"Q\" {\n    skip account creation: yes\n    queue \"R\" {}\n}\n"
    );
    assert_eq!(left, [] as [&str; 0]);
}

/// The fixes a diagnostic offers, by description, applied one at a time.
fn offered(text: &str, code: Code) -> Vec<(String, String)> {
    let sources = SourceSet::from_texts([("a.crmpol", text)]);
    let analysis = crmpol::analyze(&sources);
    let diagnostic = analysis
        .diagnostics
        .iter()
        .find(|d| d.code == code)
        .unwrap_or_else(|| panic!("no {code} in {:?}", common::codes(&analysis)));
    assert!(
        diagnostic.automatic_fix(false).is_none(),
        "{code} is a choice, never fixed without asking"
    );
    diagnostic
        .fixes
        .iter()
        .map(|fix| {
            let after = with_fix(&sources, fix);
            let text = after.get(crmpol::source::FileId(0)).expect("file").text.clone();
            (fix.description.clone(), text)
        })
        .collect()
}

#[test]
fn either_side_of_append_without_lookup_is_offered_and_both_compile() {
    let text = "crm: zendesk\nqueue \"Q\" {\n    skip account creation: yes\n    append to latest open record: yes\n    skip account lookup: yes\n}\n";
    let fixes = offered(text, Code::E0101);
    assert_eq!(fixes.len(), 2);
    for (description, fixed) in &fixes {
        let after = crmpol::analyze(&SourceSet::from_texts([("a.crmpol", fixed.as_str())]));
        assert!(!after.has_errors(), "{description}: {:?}", common::codes(&after));
    }
    let (fixed, left) = fix_text(text);
    assert_eq!(fixed, text, "--fix leaves the choice alone");
    assert_eq!(left, ["E0101"]);
}

#[test]
fn append_without_lookup_is_fixed_in_the_queue_that_skips_the_lookup_only() {
    // Appending is on for all of Support; only the hotline skips the lookup.
    // Removing the append line would stop appending in Billing, which has
    // no error: the fix turns appending off in the hotline alone.
    let text = "crm: zendesk\nqueue \"Support\" {\n    skip account creation: yes\n    append to latest open record: yes\n    queue \"Billing\"\n    queue \"Hotline\" {\n        skip account lookup: yes\n    }\n}\n";
    let fixes = offered(text, Code::E0101);
    let descriptions: Vec<&str> = fixes.iter().map(|(description, _)| description.as_str()).collect();
    assert_eq!(
        descriptions,
        [
            "stop appending: add `append to latest open record: no` to queue `\"Support\" / \"Hotline\"`",
            "stop skipping the lookup: remove `skip account lookup: yes`",
        ]
    );
    assert_eq!(
        fixes[0].1,
        "crm: zendesk\nqueue \"Support\" {\n    skip account creation: yes\n    append to latest open record: yes\n    queue \"Billing\"\n    queue \"Hotline\" {\n        skip account lookup: yes\n        append to latest open record: no\n    }\n}\n"
    );
}

#[test]
fn skipped_lookup_offers_skipped_account_creation_or_no_skipped_lookup() {
    let text = "crm: zendesk\nqueue \"Q\" {\n    call {\n        skip account lookup: yes\n    }\n}\n";
    let fixes = offered(text, Code::E0102);
    assert_eq!(
        fixes,
        [
            (
                "skip account creation too: add `skip account creation: yes` to the `call` block of queue `\"Q\"`"
                    .to_owned(),
                "crm: zendesk\nqueue \"Q\" {\n    call {\n        skip account creation: yes\n        skip account lookup: yes\n    }\n}\n"
                    .to_owned()
            ),
            (
                "stop skipping the lookup: remove `skip account lookup: yes`".to_owned(),
                "crm: zendesk\nqueue \"Q\" {\n    call {}\n}\n".to_owned()
            ),
        ]
    );
    let (fixed, left) = fix_text(text);
    assert_eq!(fixed, text, "--fix makes no decision");
    assert_eq!(left, ["E0102"]);

    // Where the same block says `no`, that `no` becomes `yes` (a second
    // statement there would be given twice).
    let fixes = offered(
        "crm: zendesk\nqueue \"Q\" {\n    skip account creation: no\n    skip account lookup: yes\n}\n",
        Code::E0102,
    );
    assert_eq!(
        fixes[0].1,
        "crm: zendesk\nqueue \"Q\" {\n    skip account creation: yes\n    skip account lookup: yes\n}\n"
    );
}

#[test]
fn a_misspelt_name_that_could_be_two_settings_is_not_guessed() {
    // `skip record lookup`: `skip account lookup`? `skip record creation`?
    let text = "crm: salesforce\nqueue \"Q\" {\n    skip record lookup: yes\n}\n";
    let (fixed, left) = fix_text(text);
    assert_eq!(fixed, text, "neither guess is applied, nor anything after it");
    assert_eq!(left, ["E0002"]);
    let fixes = offered(text, Code::E0002);
    let descriptions: Vec<&str> = fixes.iter().map(|(description, _)| description.as_str()).collect();
    assert_eq!(
        descriptions,
        ["write `skip account lookup`", "write `skip record creation`"]
    );
}

#[test]
fn each_records_option_offered_is_a_fix_and_none_is_chosen() {
    let text = "crm: zendesk\ndefaults {\n    map session data to: ccaas session\n}\nqueue \"Q\" {\n    skip account creation: yes\n    skip record creation: yes\n    skip account lookup: yes\n    records: option 3\n}\n";
    let fixes = offered(text, Code::E0103);
    assert_eq!(
        fixes,
        [
            (
                "choose `option 2`: write `records: option 2`".to_owned(),
                text.replace("option 3", "option 2")
            ),
            (
                "choose `option 1`: remove `records: option 3`".to_owned(),
                text.replace("    records: option 3\n", "")
            ),
        ]
    );
    let (fixed, left) = fix_text(text);
    assert_eq!(fixed, text);
    assert_eq!(left, ["W0203", "W0209", "E0103"]);
}

/// The case: `records: option 3` on a parent is right for
/// "Post-call" and too high for its two siblings. No fix may move
/// "Post-call" off option 3.
#[test]
fn a_records_fix_never_changes_the_leaf_that_had_no_error() {
    let text = "crm: salesforce\nqueue \"Surveys\" {\n    map session data to: ccaas session\n    skip record creation: yes\n    records: option 3\n    queue \"Post-call\"\n    queue \"Anonymous\" {\n        skip account creation: yes\n        skip account lookup: yes\n    }\n    queue \"Repeat\" {\n        append to latest open record: yes\n    }\n}\n";
    let sources = SourceSet::from_texts([("a.crmpol", text)]);
    let before = crmpol::analyze(&sources);
    let post_call = |analysis: &Analysis| {
        analysis
            .table()
            .entries
            .into_iter()
            .filter(|entry| entry.queue == ["Surveys", "Post-call"])
            .collect::<Vec<_>>()
    };
    let mut checked = 0;
    for diagnostic in before.diagnostics.iter().filter(|d| d.code == Code::E0103) {
        assert!(!diagnostic.fixes.is_empty(), "{}", diagnostic.message);
        for fix in &diagnostic.fixes {
            let after = crmpol::analyze(&with_fix(&sources, fix));
            assert_eq!(post_call(&after), post_call(&before), "{}", fix.description);
            assert!(
                count(&after, Code::E0103) < count(&before, Code::E0103),
                "{}",
                fix.description
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 3, "option 2 or 1 for Anonymous, option 1 for Repeat");
}

#[test]
fn fixes_keep_crlf_line_ends() {
    let fixes = offered(
        "crm: zendesk\r\nqueue \"Q\" {\r\n    skip account lookup: yes\r\n}\r\n",
        Code::E0102,
    );
    assert_eq!(
        fixes[0].1,
        "crm: zendesk\r\nqueue \"Q\" {\r\n    skip account creation: yes\r\n    skip account lookup: yes\r\n}\r\n"
    );
}

#[test]
fn a_correction_that_lets_crmpol_see_an_error_is_still_applied() {
    // The no-break space hides the whole queue from crmpol; once it is a
    // space, crmpol sees that the queue appends while skipping the lookup,
    // and skips the lookup but not account creation: two errors for the one
    // it fixed. They were there all along: the correction stands.
    let block = "{\n    append to latest open record: yes\n    skip account lookup: yes\n}\n";
    let (fixed, left) = fix_text(&format!("crm: zendesk\nqueue\u{a0}\"Q\" {block}"));
    assert_eq!(fixed, format!("crm: zendesk\nqueue \"Q\" {block}"));
    assert_eq!(left, ["E0101", "E0102"]);
}
