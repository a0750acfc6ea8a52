//! The `crmpol` binary as a user runs it: exit statuses, where output goes,
//! `-o` written whole or not at all, and output that depends only on what a
//! policy means.

mod common;

use common::cli::{crmpol, files_in, scratch, status, stderr, stdout, write};
use std::path::{Path, PathBuf};
use std::process::Output;

const CLEAN: &str = "tests/fixtures/vendor/1b-skip-account-activity-object-append.crmpol";
const WARNS: &str = "tests/fixtures/diagnostics/W0203-skip-both.crmpol";
const FAILS: &str = "tests/fixtures/diagnostics/E0101-same-queue.crmpol";

#[test]
fn exit_status_is_zero_without_errors() {
    let output = crmpol(&["check", CLEAN]);
    assert_eq!(status(&output), 0, "{}", stderr(&output));
    assert_eq!(stderr(&output), "");
    assert_eq!(stdout(&output), "");
}

#[test]
fn exit_status_is_one_with_errors() {
    let check = crmpol(&["check", FAILS]);
    assert_eq!(status(&check), 1);
    assert!(
        stdout(&check).contains("E0101"),
        "check prints its findings: {}",
        stdout(&check)
    );
    assert_eq!(stderr(&check), "");

    let compile = crmpol(&["compile", FAILS]);
    assert_eq!(status(&compile), 1);
    assert!(stderr(&compile).contains("E0101"), "compile keeps stdout for the table");
    assert_eq!(stdout(&compile), "", "no table with errors");
}

#[test]
fn warnings_fail_only_under_deny_warnings() {
    let lenient = crmpol(&["compile", WARNS]);
    assert_eq!(status(&lenient), 0);
    assert!(stderr(&lenient).contains("W0203"));
    assert!(stdout(&lenient).starts_with("format_version: 2"));

    let strict = crmpol(&["compile", "--deny-warnings", WARNS]);
    assert_eq!(status(&strict), 1);
    assert_eq!(stdout(&strict), "", "no table when warnings are denied");
}

#[test]
fn exit_status_is_two_when_the_command_cannot_run() {
    let empty_dir = scratch("no-policies");
    let unwritable = scratch("unwritable").join("missing-dir").join("table.yaml");
    let cases: [(&str, Vec<&str>); 4] = [
        ("missing file", vec!["check", "no/such/file.crmpol"]),
        (
            "directory without policies",
            vec!["check", empty_dir.to_str().expect("utf-8 path")],
        ),
        ("unknown option", vec!["check", "--frobnicate", CLEAN]),
        (
            "output in a missing directory",
            vec!["compile", CLEAN, "-o", unwritable.to_str().expect("utf-8 path")],
        ),
    ];
    for (what, args) in cases {
        let output = crmpol(&args);
        assert_eq!(status(&output), 2, "{what}: {}", stderr(&output));
        assert!(!stderr(&output).is_empty(), "{what}: says why");
    }
}

#[test]
fn no_paths_is_a_usage_error() {
    assert_eq!(status(&crmpol(&["check"])), 2);
}

#[test]
fn output_file_is_left_untouched_on_error() {
    let dir = scratch("untouched");
    let table = dir.join("table.yaml");
    write(&table, "previous table\n");
    let before = std::fs::metadata(&table)
        .and_then(|meta| meta.modified())
        .expect("mtime");

    let output = crmpol(&["compile", FAILS, "-o", table.to_str().expect("utf-8 path")]);

    assert_eq!(status(&output), 1);
    assert_eq!(
        std::fs::read_to_string(&table).expect("still there"),
        "previous table\n"
    );
    let after = std::fs::metadata(&table)
        .and_then(|meta| meta.modified())
        .expect("mtime");
    assert_eq!(before, after);
    assert_eq!(files_in(&dir), ["table.yaml"], "no temporary file left behind");
}

#[test]
fn output_file_is_written_whole_and_matches_standard_output() {
    let dir = scratch("written");
    let table = dir.join("table.json");
    let to_file = crmpol(&[
        "compile",
        "--format",
        "json",
        CLEAN,
        "-o",
        table.to_str().expect("utf-8 path"),
    ]);
    assert_eq!(status(&to_file), 0, "{}", stderr(&to_file));
    assert_eq!(stdout(&to_file), "", "the table goes to the file only");

    let to_stdout = crmpol(&["compile", "--format", "json", CLEAN]);
    assert_eq!(std::fs::read_to_string(&table).expect("written"), stdout(&to_stdout));
    assert_eq!(files_in(&dir), ["table.json"], "no temporary file left behind");
}

#[cfg(unix)]
#[test]
fn replacing_an_output_file_keeps_its_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch("permissions");
    let table = dir.join("table.yaml");
    write(&table, "old\n");
    std::fs::set_permissions(&table, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    let output = crmpol(&["compile", CLEAN, "-o", table.to_str().expect("utf-8 path")]);
    assert_eq!(status(&output), 0);
    let mode = std::fs::metadata(&table).expect("written").permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
}

#[test]
fn every_format_is_deterministic_across_runs() {
    for format in ["yaml", "json", "markdown"] {
        let runs: Vec<Output> = (0..3)
            .map(|_| crmpol(&["compile", "--format", format, "policies/"]))
            .collect();
        assert_eq!(status(&runs[0]), 0, "{}", stderr(&runs[0]));
        assert!(!runs[0].stdout.is_empty());
        assert!(runs.windows(2).all(|pair| pair[0].stdout == pair[1].stdout), "{format}");
    }
    // Diagnostics too: a policy set full of errors reports them identically.
    let first = crmpol(&["check", "--message-format", "json", "tests/fixtures/diagnostics"]);
    let second = crmpol(&["check", "--message-format", "json", "tests/fixtures/diagnostics"]);
    assert_eq!(status(&first), 1);
    assert!(!first.stdout.is_empty());
    assert_eq!(first.stdout, second.stdout);
}

/// The same policy in two layouts: different indentation, tabs, spacing,
/// comments, blank lines, CRLF line ends and a byte-order mark.
const TIDY: &str = r#"crm: salesforce

defaults {
    map session data to: activity object
}

queue "Support" {
    skip account creation: yes
    append to latest open record: yes
    queue "Billing" / "Refunds"
    queue "Billing" {
        queue "Invoices"
    }
    chat {
        skip record creation: no
        map session data to: ccaas session
    }
}
"#;

const MESSY: &str = "\u{feff}# reformatted by hand\r\ncrm:salesforce\r\n\r\n\r\ndefaults{\r\n\tmap   session data to :  activity\tobject   # the default\r\n}\r\nqueue \"Support\"{\r\n  skip account creation:yes\r\n      append to latest open record:   yes\r\n\r\n  queue \"Billing\"/\"Refunds\"\r\n  queue \"Billing\" {   # reopened\r\n\t\tqueue \"Invoices\"\r\n  }\r\n  chat {\r\n    skip record creation : no\r\n    map session data to: ccaip session\r\n  }\r\n}";

#[test]
fn reformatting_a_policy_leaves_its_table_byte_identical() {
    let dir = scratch("reformatted");
    let tidy = dir.join("tidy.crmpol");
    let messy = dir.join("messy.crmpol");
    write(&tidy, TIDY);
    write(&messy, MESSY);
    for format in ["yaml", "json", "markdown"] {
        let a = crmpol(&["compile", "--format", format, tidy.to_str().expect("utf-8 path")]);
        let b = crmpol(&["compile", "--format", format, messy.to_str().expect("utf-8 path")]);
        assert_eq!(status(&a), 0, "{}", stderr(&a));
        assert_eq!(status(&b), 0, "{}", stderr(&b));
        assert!(!a.stdout.is_empty());
        assert_eq!(stdout(&a), stdout(&b), "{format}");
    }
}

#[test]
fn short_format_is_one_quickfix_line_per_diagnostic() {
    let output = crmpol(&[
        "check",
        "--message-format",
        "short",
        "tests/fixtures/diagnostics/E0001-misplaced-statements.crmpol",
    ]);
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    for line in lines {
        let mut parts = line.splitn(4, ':');
        let file = parts.next().unwrap_or_default();
        let line_number = parts.next().unwrap_or_default();
        let column = parts.next().unwrap_or_default();
        let rest = parts.next().unwrap_or_default();
        assert_eq!(file, "tests/fixtures/diagnostics/E0001-misplaced-statements.crmpol");
        assert!(
            line_number.parse::<usize>().is_ok() && column.parse::<usize>().is_ok(),
            "{line}"
        );
        assert!(rest.starts_with(" error[E0001]: "), "{line}");
    }
}

#[test]
fn json_format_is_one_object_per_line_with_spans() {
    let output = crmpol(&[
        "check",
        "--message-format",
        "json",
        "tests/fixtures/diagnostics/E0101-across-files",
    ]);
    let text = stdout(&output);
    let objects: Vec<serde_json::Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is JSON"))
        .collect();
    assert_eq!(objects.len(), 1, "{text}");
    let diagnostic = &objects[0];
    assert_eq!(diagnostic["code"], "E0101");
    assert_eq!(diagnostic["severity"], "error");
    let spans = diagnostic["spans"].as_array().expect("spans");
    let files: Vec<&str> = spans.iter().filter_map(|span| span["file"].as_str()).collect();
    assert_eq!(
        files,
        [
            "tests/fixtures/diagnostics/E0101-across-files/a.crmpol",
            "tests/fixtures/diagnostics/E0101-across-files/b.crmpol"
        ]
    );
    assert_eq!(spans[0]["line_start"], 5);
    assert_eq!(spans[1]["line_start"], 3);
    assert_eq!(spans[0]["primary"], true);
}

#[test]
fn human_format_points_at_both_files_of_a_cross_file_error() {
    let output = crmpol(&["check", "tests/fixtures/diagnostics/E0101-across-files"]);
    let text = stdout(&output);
    assert!(text.contains("E0101-across-files/a.crmpol:5:5"), "{text}");
    assert!(text.contains("E0101-across-files/b.crmpol:3:5"), "{text}");
    assert!(text.contains("append turned on here") && text.contains("account lookup skipped here"));
}

#[test]
fn color_can_be_forced_and_is_off_otherwise() {
    let forced = crmpol(&["check", "--color", "always", FAILS]);
    assert!(stdout(&forced).contains('\u{1b}'), "ANSI colour codes");
    let piped = crmpol(&["check", FAILS]);
    assert!(!stdout(&piped).contains('\u{1b}'), "no colour when not a terminal");
}

#[test]
fn directories_are_read_recursively_in_sorted_order() {
    let dir = scratch("sorted");
    std::fs::create_dir_all(dir.join("b")).expect("dir");
    write(&dir.join("b/z.crmpol"), "queue \"Third\"\n");
    write(&dir.join("b/a.crmpol"), "queue \"Second\"\n");
    write(&dir.join("a.crmpol"), "crm: custom\nqueue \"First\"\n");
    write(&dir.join("notes.txt"), "not a policy");
    let output = crmpol(&["compile", "--format", "json", dir.to_str().expect("utf-8 path")]);
    assert_eq!(status(&output), 0, "{}", stderr(&output));
    let table: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("JSON table");
    let queues: Vec<&str> = table["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|entry| entry["queue"][0].as_str())
        .collect();
    assert_eq!(queues, ["First", "First", "Second", "Second", "Third", "Third"]);
}

#[test]
fn bundled_example_policies_compile_cleanly() {
    let output = crmpol(&["compile", "--deny-warnings", "policies/"]);
    assert_eq!(status(&output), 0, "{}", stderr(&output));
    assert_eq!(stderr(&output), "");
    assert!(stdout(&output).starts_with("format_version: 2\ncrm: "));
}

#[test]
fn human_format_ends_with_a_summary_and_caps_the_list() {
    let all = crmpol(&["check", "tests/fixtures/diagnostics/E0001-misplaced-statements.crmpol"]);
    assert!(stdout(&all).ends_with("\n3 errors in 1 file\n"), "{}", stdout(&all));

    let capped = crmpol(&[
        "check",
        "--max-diagnostics",
        "1",
        "tests/fixtures/diagnostics/E0001-misplaced-statements.crmpol",
    ]);
    let text = stdout(&capped);
    assert_eq!(text.matches("× ").count(), 1, "{text}");
    assert!(text.contains("2 more diagnostics not shown"), "{text}");
    assert!(
        text.ends_with("3 errors in 1 file\n"),
        "the summary counts all of them: {text}"
    );

    let short = crmpol(&[
        "check",
        "--message-format",
        "short",
        "--max-diagnostics",
        "2",
        "tests/fixtures/diagnostics",
    ]);
    let text = stdout(&short);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "two diagnostics and the closing line");
    assert!(lines[2].ends_with("more diagnostics not shown (use --max-diagnostics 0 to see them all)"));
}

#[test]
fn tool_formats_are_never_capped() {
    let json = crmpol(&[
        "check",
        "--message-format",
        "json",
        "--max-diagnostics",
        "1",
        "tests/fixtures/diagnostics",
    ]);
    let everything = crmpol(&["check", "--message-format", "json", "tests/fixtures/diagnostics"]);
    assert!(stdout(&json).lines().count() > 40);
    assert_eq!(json.stdout, everything.stdout);
}

#[test]
fn explain_prints_the_documented_entry() {
    let output = crmpol(&["explain", "e0101"]);
    assert_eq!(status(&output), 0);
    let text = stdout(&output);
    assert!(
        text.starts_with("E0101 append to the latest open record without an account lookup\n\n"),
        "{text}"
    );
    let documentation = crmpol::Code::E0101.documentation().expect("documented");
    assert!(text.contains(documentation));

    let unknown = crmpol(&["explain", "E9999"]);
    assert_eq!(status(&unknown), 2);
    assert!(stderr(&unknown).contains("unknown code `E9999`"));
}

#[test]
fn explain_prints_a_setting_from_the_schema() {
    let output = crmpol(&["explain", "Skip  Account Lookup"]);
    assert_eq!(status(&output), 0);
    let text = stdout(&output);
    assert!(text.starts_with("setting `skip account lookup`\n\n"), "{text}");
    assert!(text.contains("do not look the caller's account up"), "{text}");
    assert!(text.contains("Built-in default: `no`."), "{text}");

    let misspelt = crmpol(&["explain", "skip acount lookup"]);
    assert_eq!(status(&misspelt), 2);
    assert!(
        stderr(&misspelt).contains("did you mean the setting `skip account lookup`?"),
        "{}",
        stderr(&misspelt)
    );
}

#[test]
fn github_format_is_one_workflow_command_per_diagnostic() {
    let output = crmpol(&[
        "check",
        "--message-format",
        "github",
        "tests/fixtures/diagnostics/E0101-across-files",
    ]);
    assert_eq!(
        stdout(&output),
        "::error file=tests/fixtures/diagnostics/E0101-across-files/a.crmpol,line=5,col=5,endLine=5,endColumn=38,\
         title=E0101 append to the latest open record without an account lookup::cannot append to the latest \
         open record when account lookup is skipped%0Ahelp: remove one of the two: without a lookup there is no \
         user, so no open ticket to append to\n"
    );
}

/// Two files with mechanical mistakes, copied to a scratch directory; one
/// has a byte-order mark and CRLF line ends, which fixing must keep.
fn fixable_copy(name: &str) -> PathBuf {
    let dir = scratch(name);
    write(
        &dir.join("a.crmpol"),
        "\u{feff}CRM: salesforce\r\n\r\nqueue \"Support\" {\r\n    skip recrod creation: yes\r\n    \
         skip account lookup: yes\r\n    queue Billing\r\n}\r\n",
    );
    write(
        &dir.join("b.crmpol"),
        "queue \"Support\" {\n    queue \"Refunds\" {\n        skip record creation: yes\n    }\n}\n",
    );
    dir
}

#[test]
fn fix_repairs_mechanical_mistakes_in_place_and_reports_them() {
    let dir = fixable_copy("fix");
    let output = crmpol(&[
        "check",
        "--fix",
        "--message-format",
        "short",
        dir.to_str().expect("utf-8 path"),
    ]);
    let report = stderr(&output);
    for expected in [
        "write `crm` [E0001]",
        "write `skip record creation` [E0002]",
        "quote the name",
        "[W0201]",
    ] {
        assert!(report.contains(expected), "{expected} missing from:\n{report}");
    }
    assert!(!report.contains("[E0102]"), "a choice is left to the author:\n{report}");
    let fixed = std::fs::read(dir.join("a.crmpol")).expect("fixed file");
    assert_eq!(
        String::from_utf8(fixed).expect("UTF-8"),
        "\u{feff}crm: salesforce\r\n\r\nqueue \"Support\" {\r\n    skip record creation: yes\r\n    \
         skip account lookup: yes\r\n    queue \"Billing\"\r\n}\r\n",
        "byte-order mark and CRLF kept, every safe fix applied"
    );
    let b = std::fs::read_to_string(dir.join("b.crmpol")).expect("fixed file");
    assert_eq!(b, "queue \"Support\" {\n    queue \"Refunds\" {}\n}\n");
    assert_eq!(
        files_in(&dir),
        ["a.crmpol", "b.crmpol"],
        "no temporary file left behind"
    );
    // What is left is the choice between skipping account creation and
    // keeping the lookup.
    assert_eq!(stdout(&output).lines().count(), 1, "{}", stdout(&output));
    assert!(stdout(&output).contains("E0102"));
    assert_eq!(status(&output), 1);
}

#[test]
fn fix_run_twice_changes_nothing_the_second_time() {
    let dir = fixable_copy("fix-twice");
    let path = dir.to_str().expect("utf-8 path");
    let read_both = || ["a.crmpol", "b.crmpol"].map(|name| std::fs::read(dir.join(name)).expect("file"));
    crmpol(&["check", "--fix", path]);
    let after_first = read_both();
    let modified = std::fs::metadata(dir.join("a.crmpol"))
        .and_then(|meta| meta.modified())
        .expect("mtime");

    let second = crmpol(&["check", "--fix", path]);
    assert_eq!(stderr(&second), "", "nothing left to fix");
    assert_eq!(after_first, read_both());
    let unchanged = std::fs::metadata(dir.join("a.crmpol"))
        .and_then(|meta| meta.modified())
        .expect("mtime");
    assert_eq!(modified, unchanged, "an unchanged file is not rewritten");
}

#[cfg(unix)]
#[test]
fn writing_through_a_symbolic_link_replaces_the_file_it_points_at() {
    let dir = scratch("symlinks");
    std::fs::create_dir_all(dir.join("real")).expect("dir");
    write(
        &dir.join("real/policy.crmpol"),
        "crm: zendesk\nqueue \"Q\" {\n    skip recrod creation: yes\n}\n",
    );
    write(&dir.join("real/table.yaml"), "old table\n");
    std::os::unix::fs::symlink("real/policy.crmpol", dir.join("policy.crmpol")).expect("link");
    std::os::unix::fs::symlink("real/table.yaml", dir.join("table.yaml")).expect("link");

    crmpol(&[
        "check",
        "--fix",
        dir.join("policy.crmpol").to_str().expect("utf-8 path"),
    ]);
    let table = dir.join("table.yaml");
    crmpol(&[
        "compile",
        dir.join("policy.crmpol").to_str().expect("utf-8 path"),
        "-o",
        table.to_str().expect("utf-8 path"),
    ]);

    for link in ["policy.crmpol", "table.yaml"] {
        let meta = std::fs::symlink_metadata(dir.join(link)).expect("still there");
        assert!(meta.file_type().is_symlink(), "{link} is still a link");
    }
    let fixed = std::fs::read_to_string(dir.join("real/policy.crmpol")).expect("real file");
    assert!(fixed.contains("skip record creation: yes"), "{fixed}");
    let written = std::fs::read_to_string(dir.join("real/table.yaml")).expect("real file");
    assert!(written.starts_with("format_version: 2"), "{written}");
}

const UGLY: &str = "crm:zendesk\nqueue \"Q\"{\n  skip record creation: yes\n\tskip account creation:yes # both\n}\n";
const CANONICAL: &str =
    "crm: zendesk\n\nqueue \"Q\" {\n    skip account creation: yes # both\n    skip record creation: yes\n}\n";

fn mtime(path: &Path) -> std::time::SystemTime {
    std::fs::metadata(path).and_then(|meta| meta.modified()).expect("mtime")
}

#[test]
fn fmt_check_lists_what_would_change_and_changes_nothing() {
    let dir = scratch("fmt-check");
    write(&dir.join("ugly.crmpol"), UGLY);
    write(&dir.join("tidy.crmpol"), CANONICAL);
    let before = mtime(&dir.join("ugly.crmpol"));

    let output = crmpol(&["fmt", "--check", dir.to_str().expect("utf-8 path")]);
    assert_eq!(status(&output), 1);
    assert_eq!(
        stdout(&output),
        format!("would reformat {}\n", dir.join("ugly.crmpol").display())
    );
    assert_eq!(std::fs::read_to_string(dir.join("ugly.crmpol")).expect("file"), UGLY);
    assert_eq!(mtime(&dir.join("ugly.crmpol")), before);

    let tidy = crmpol(&["fmt", "--check", dir.join("tidy.crmpol").to_str().expect("utf-8 path")]);
    assert_eq!(status(&tidy), 0, "{}", stdout(&tidy));
    assert_eq!(stdout(&tidy), "");
}

#[test]
fn fmt_check_diff_shows_a_unified_diff() {
    let dir = scratch("fmt-diff");
    write(&dir.join("ugly.crmpol"), UGLY);
    let output = crmpol(&[
        "fmt",
        "--check",
        "--diff",
        dir.join("ugly.crmpol").to_str().expect("utf-8 path"),
    ]);
    let text = stdout(&output);
    assert!(text.contains("@@ "), "{text}");
    assert!(
        text.contains("\n-crm:zendesk\n") && text.contains("\n+crm: zendesk\n"),
        "{text}"
    );
}

#[test]
fn fmt_rewrites_only_what_changes_and_settles() {
    let dir = scratch("fmt-write");
    write(&dir.join("ugly.crmpol"), UGLY);
    write(&dir.join("tidy.crmpol"), CANONICAL);
    let tidy_before = mtime(&dir.join("tidy.crmpol"));

    let first = crmpol(&["fmt", dir.to_str().expect("utf-8 path")]);
    assert_eq!(status(&first), 0, "{}", stderr(&first));
    assert_eq!(stderr(&first), "1 file reformatted, 1 already formatted\n");
    assert_eq!(
        std::fs::read_to_string(dir.join("ugly.crmpol")).expect("file"),
        CANONICAL
    );
    assert_eq!(
        mtime(&dir.join("tidy.crmpol")),
        tidy_before,
        "a canonical file is not rewritten"
    );
    assert_eq!(
        files_in(&dir),
        ["tidy.crmpol", "ugly.crmpol"],
        "no temporary file left behind"
    );

    let second = crmpol(&["fmt", dir.to_str().expect("utf-8 path")]);
    assert_eq!(stderr(&second), "0 files reformatted, 2 already formatted\n");
}

#[cfg(unix)]
#[test]
fn fmt_keeps_a_files_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch("fmt-permissions");
    let path = dir.join("ugly.crmpol");
    write(&path, UGLY);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    crmpol(&["fmt", path.to_str().expect("utf-8 path")]);
    assert_eq!(
        std::fs::metadata(&path).expect("file").permissions().mode() & 0o777,
        0o600
    );
}

#[test]
fn fmt_leaves_a_file_with_syntax_errors_alone() {
    let dir = scratch("fmt-syntax");
    let broken = "crm: zendesk\nqueue Support {\n}\n";
    write(&dir.join("broken.crmpol"), broken);
    write(&dir.join("ugly.crmpol"), UGLY);
    let output = crmpol(&["fmt", dir.to_str().expect("utf-8 path")]);
    assert_eq!(status(&output), 1);
    assert!(stderr(&output).contains("E0001"), "{}", stderr(&output));
    assert_eq!(
        std::fs::read_to_string(dir.join("broken.crmpol")).expect("file"),
        broken
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("ugly.crmpol")).expect("file"),
        CANONICAL,
        "the other file is formatted"
    );
}

#[test]
fn fmt_dash_formats_standard_input_to_standard_output() {
    let output = common::cli::crmpol_with_input(&["fmt", "-"], UGLY);
    assert_eq!(status(&output), 0);
    assert_eq!(stdout(&output), CANONICAL);
}

#[test]
fn fmt_normalize_spells_aliases_canonically() {
    let dir = scratch("fmt-normalize");
    let path = dir.join("alias.crmpol");
    write(
        &path,
        "crm: zendesk\n\nqueue \"Q\" {\n    map session data to: ccaip session\n}\n",
    );
    let kept = crmpol(&["fmt", "--check", path.to_str().expect("utf-8 path")]);
    assert_eq!(status(&kept), 0, "the alias is canonical layout unless --normalize");
    crmpol(&["fmt", "--normalize", path.to_str().expect("utf-8 path")]);
    let text = std::fs::read_to_string(&path).expect("file");
    assert!(text.contains("map session data to: ccaas session"), "{text}");
}

#[test]
fn the_bundled_policies_are_canonical() {
    let output = crmpol(&["fmt", "--check", "policies/"]);
    assert_eq!(status(&output), 0, "{}", stdout(&output));
}

/// A survey queue that stores nothing in the CRM on purpose: its only
/// warning, W0203, is allowed.
const ALLOWED_SURVEY: &str = "crm: salesforce\n\n# Surveys store nothing in the CRM on purpose.\n\
     # crmpol: allow(W0203)\nqueue \"Surveys\" {\n    skip account creation: yes\n    skip record creation: yes\n}\n";

#[test]
fn an_allowed_warning_passes_deny_warnings() {
    let dir = scratch("allow-deny");
    let path = dir.join("surveys.crmpol");
    write(&path, ALLOWED_SURVEY);
    let path = path.to_str().expect("utf-8 path");

    let check = crmpol(&["check", "--deny-warnings", path]);
    assert_eq!(status(&check), 0, "{}", stdout(&check));
    assert_eq!(stdout(&check), "", "the formats for people leave allowed warnings out");
    let compile = crmpol(&["compile", "--deny-warnings", path]);
    assert_eq!(status(&compile), 0, "{}", stderr(&compile));
    assert!(stdout(&compile).starts_with("format_version: 2"));
}

#[test]
fn tool_formats_carry_allowed_warnings_marked_as_suppressed() {
    let dir = scratch("allow-json");
    let path = dir.join("surveys.crmpol");
    write(&path, ALLOWED_SURVEY);
    let path = path.to_str().expect("utf-8 path");

    let json = stdout(&crmpol(&["check", "--message-format", "json", path]));
    let lines: Vec<&str> = json.lines().collect();
    assert_eq!(lines.len(), 1, "{json}");
    assert!(lines[0].starts_with(r#"{"code":"W0203","#), "{json}");
    assert!(lines[0].contains(r#""suppressed":true,"suppressed_by":{"#), "{json}");
    assert!(
        lines[0].contains(r#""line_start":4,"column_start":17"#),
        "points at the code: {json}"
    );

    let sarif = stdout(&crmpol(&["check", "--message-format", "sarif", path]));
    assert!(sarif.contains(r#""kind": "inSource""#), "{sarif}");
}

#[test]
fn the_summary_counts_allowed_warnings_apart() {
    let dir = scratch("allow-summary");
    let path = dir.join("mixed.crmpol");
    write(
        &path,
        "crm: salesforce\n\ndefaults {\n    skip account creation: yes\n}\n\n# crmpol: allow(W0203)\n\
         queue \"Surveys\" {\n    skip record creation: yes\n}\n\nqueue \"Sales\" {\n    skip account creation: yes\n}\n",
    );
    let output = crmpol(&["check", path.to_str().expect("utf-8 path")]);
    assert_eq!(status(&output), 0);
    let text = stdout(&output);
    assert!(text.contains("W0201"), "{text}");
    assert!(!text.contains("W0203"), "{text}");
    assert!(text.ends_with("\n1 warning in 1 file; 1 warning allowed\n"), "{text}");
}

#[test]
fn fix_leaves_an_allowed_warning_alone() {
    let dir = scratch("allow-fix");
    let path = dir.join("sales.crmpol");
    let text = "crm: salesforce\n\ndefaults {\n    skip account creation: yes\n}\n\n\
                queue \"Sales\" {\n    skip account creation: yes # crmpol: allow(W0201)\n}\n";
    write(&path, text);
    let output = crmpol(&["check", "--fix", path.to_str().expect("utf-8 path")]);
    assert_eq!(status(&output), 0, "{}", stderr(&output));
    assert_eq!(stderr(&output), "", "nothing fixed");
    assert_eq!(std::fs::read_to_string(&path).expect("file"), text);
}

#[test]
fn fmt_keeps_what_allow_comments_silence() {
    let dir = scratch("allow-fmt");
    let path = dir.join("allow.crmpol");
    // Settings out of canonical order, so fmt moves statements together
    // with the allow comments above them; trailing ones stay on their line.
    let ugly = "crm:salesforce\ndefaults{\nskip account creation : yes\n}\n\
                # Surveys store nothing on purpose.\n# crmpol: allow(W0203)\nqueue \"Surveys\"{\n\
                skip record creation:yes # crmpol: allow(W0201)\n  # crmpol: allow(W0201)\nskip account creation: yes\n}\n\
                queue \"Sales\" {\n    call {\n        skip record creation: no\n    }\n\n\
                # crmpol: allow(W0201)\n    skip account creation: yes\n}\n";
    write(&path, ugly);
    let output = crmpol(&["fmt", path.to_str().expect("utf-8 path")]);
    assert_eq!(status(&output), 0, "{}", stderr(&output));
    let formatted = std::fs::read_to_string(&path).expect("file");
    assert_ne!(formatted, ugly, "fmt changed the layout");

    // What is reported, and what is silenced by which code of which comment.
    let meaning = |text: &str| {
        let sources = crmpol::SourceSet::from_texts([("allow.crmpol", text)]);
        let analysis = crmpol::analyze(&sources);
        let mut silenced: Vec<(crmpol::Code, String, String)> = analysis
            .suppressed
            .iter()
            .map(|suppressed| {
                let by = sources.get(suppressed.by.file()).map(|file| {
                    let line = file.line_of(suppressed.by.start());
                    let range = file.line_range(line).unwrap_or_default();
                    file.text[range].trim().to_owned()
                });
                (
                    suppressed.diagnostic.code,
                    suppressed.diagnostic.message.clone(),
                    by.unwrap_or_default(),
                )
            })
            .collect();
        silenced.sort();
        (analysis.findings(), silenced)
    };
    let (findings, silenced) = meaning(ugly);
    assert_eq!(silenced.len(), 3, "{silenced:?}");
    assert!(
        findings.iter().any(|(code, _)| *code == crmpol::Code::W0206),
        "{findings:?}"
    );
    assert_eq!(meaning(&formatted), (findings, silenced), "{formatted}");
}

/// `check` writes its JSON report as it makes it; a reader that stops
/// early (`| head -1`) ends the report there, and the exit status is still
/// the check's.
#[test]
fn a_report_cut_short_by_a_closed_pipe_still_exits_with_the_checks_status() {
    use std::io::{BufRead, BufReader};
    let dir = scratch("closed-pipe");
    let queues: String = (0..4000)
        .map(|number| {
            format!(
                "queue \"Q{number}\" {{\n    skip account creation: yes\n    append to latest open record: yes\n    skip account lookup: yes\n}}\n"
            )
        })
        .collect();
    let policy = dir.join("many.crmpol");
    write(&policy, &format!("crm: salesforce\n\n{queues}"));
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_crmpol"))
        .args(["check", "--message-format", "json", common::cli::path_str(&policy)])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run crmpol");
    let mut first = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut first)
        .expect("a line");
    // The reading end is closed here, long before 4000 diagnostics are read.
    let output = child.wait_with_output().expect("crmpol exits");
    assert!(first.starts_with("{\"code\":\"E0101\""), "{first}");
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.stderr.is_empty(), "{}", String::from_utf8_lossy(&output.stderr));
}
