//! `crmpol diff --git` against scratch repositories made here: a revision
//! against the work tree, two revisions, a merge base, and the ways it
//! cannot run. Reading revisions must leave the work tree and the index as
//! they were.

mod common;

use common::cli::{status, stderr, stdout};
use std::path::Path;
use std::process::{Command, Output};

const FIRST: &str = "crm: salesforce\n\nqueue \"Support\" {\n    queue \"Billing\"\n    queue \"Outages\"\n}\n";
const SECOND: &str = "crm: salesforce\n\nqueue \"Support\" {\n    skip record creation: yes\n\n    queue \"Billing\"\n    queue \"Outages\"\n}\n";

fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .args(["-c", "user.name=crmpol tests", "-c", "user.email=tests@crmpol.invalid"])
        .args(["-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(dir)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .output()
        .expect("run git");
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn crmpol_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_crmpol"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .output()
        .expect("run crmpol")
}

/// A repository with two commits of `policies/main.crmpol` (the second
/// skips record creation in "Support"), a `docs/` folder without policies,
/// and a hidden policy file that a folder scan leaves out.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("scratch repository");
    let root = dir.path();
    git(root, &["init", "-q"]);
    std::fs::create_dir_all(root.join("policies")).expect("policies folder");
    std::fs::create_dir_all(root.join("docs")).expect("docs folder");
    std::fs::write(root.join("policies/main.crmpol"), FIRST).expect("write");
    std::fs::write(root.join("policies/.draft.crmpol"), "this is not a policy {\n").expect("write");
    std::fs::write(root.join("docs/notes.md"), "notes\n").expect("write");
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "first"]);
    git(root, &["tag", "first"]);
    std::fs::write(root.join("policies/main.crmpol"), SECOND).expect("write");
    git(root, &["commit", "-q", "-am", "second"]);
    dir
}

#[test]
fn a_revision_is_compared_with_the_work_tree_without_touching_either() {
    let repo = repository();
    let root = repo.path();
    // An uncommitted edit in the work tree: it is what `after` holds.
    std::fs::write(
        root.join("policies/main.crmpol"),
        FIRST.replace("queue \"Outages\"\n", ""),
    )
    .expect("edit");
    let status_before = git(root, &["status", "--porcelain"]);
    let index_before = std::fs::read(root.join(".git/index")).expect("index");

    let output = crmpol_in(root, &["diff", "--git", "HEAD", "policies", "--format", "json"]);
    assert_eq!(status(&output), 0, "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    let summary = &json["summary"];
    assert_eq!(summary["removed"], 2, "Outages is gone in the work tree: {json:#}");
    assert_eq!(summary["changed"], 2, "Billing creates records again: {json:#}");
    let cause = &json["entries"][0]["causes"][0];
    assert_eq!(cause["side"], "before");
    assert_eq!(cause["file"], "policies/main.crmpol");
    assert_eq!(cause["line"], 4);
    assert_eq!(cause["statement"], "skip record creation: yes");

    assert_eq!(git(root, &["status", "--porcelain"]), status_before);
    assert_eq!(std::fs::read(root.join(".git/index")).expect("index"), index_before);
}

#[test]
fn two_revisions_and_a_merge_base_are_compared() {
    let repo = repository();
    let root = repo.path();
    let range = crmpol_in(root, &["diff", "--git", "first..HEAD", "policies", "--exit-code"]);
    assert_eq!(status(&range), 3, "{}", stderr(&range));
    let shown = stdout(&range);
    assert!(shown.contains("--- before: policies at first"), "{shown}");
    assert!(shown.contains("+++ after:  policies at HEAD"), "{shown}");
    assert!(
        shown.contains("+ policies/main.crmpol:4  skip record creation: yes"),
        "{shown}"
    );
    assert!(
        shown.ends_with("4 entries change: 4 create fewer records.\n"),
        "{shown}"
    );

    // A branch from `first` that changes nothing the tables see.
    git(root, &["checkout", "-q", "-b", "topic", "first"]);
    std::fs::write(root.join("policies/main.crmpol"), format!("# a comment\n{FIRST}")).expect("edit");
    git(root, &["commit", "-q", "-am", "comment"]);
    let merge_base = crmpol_in(root, &["diff", "--git", "main...topic", "policies", "--exit-code"]);
    assert_eq!(status(&merge_base), 0, "{}", stderr(&merge_base));
    assert!(stdout(&merge_base).contains("No changes"), "{}", stdout(&merge_base));
    // `main..topic` compares the tips: topic lacks main's change.
    let tips = crmpol_in(root, &["diff", "--git", "main..topic", "policies", "--exit-code"]);
    assert_eq!(status(&tips), 3, "{}", stdout(&tips));
}

#[test]
fn paths_default_to_the_current_folder_and_work_from_a_sub_folder() {
    let repo = repository();
    let root = repo.path();
    let from_root = crmpol_in(root, &["diff", "--git", "first", "--format", "json"]);
    assert_eq!(status(&from_root), 0, "{}", stderr(&from_root));
    let from_inside = crmpol_in(&root.join("policies"), &["diff", "--git", "first", "--format", "json"]);
    assert_eq!(status(&from_inside), 0, "{}", stderr(&from_inside));
    let changed = |output: &Output| {
        let json: serde_json::Value = serde_json::from_str(&stdout(output)).expect("JSON");
        json["summary"]["changed"].clone()
    };
    assert_eq!(changed(&from_root), 4);
    assert_eq!(changed(&from_inside), 4);
}

#[test]
fn what_cannot_be_read_is_a_clear_error() {
    let repo = repository();
    let root = repo.path();
    let cases: [(&[&str], &str); 4] = [
        (
            &["diff", "--git", "no-such-branch", "policies"],
            "unknown revision `no-such-branch`",
        ),
        (
            &["diff", "--git", "HEAD", "missing"],
            "`missing` does not exist at `HEAD`",
        ),
        (
            &["diff", "--git", "HEAD", "docs"],
            "no `.crmpol` files under `docs` at `HEAD`",
        ),
        (&["diff", "--git=--upload-pack=x", "policies"], "is not a revision"),
    ];
    for (args, message) in cases {
        let output = crmpol_in(root, args);
        assert_eq!(status(&output), 2, "{args:?}: {}", stderr(&output));
        assert!(stderr(&output).contains(message), "{args:?}: {}", stderr(&output));
        assert_eq!(stdout(&output), "");
    }
}

#[test]
fn outside_a_repository_git_is_a_clear_error() {
    let outside = tempfile::tempdir().expect("scratch folder");
    std::fs::write(outside.path().join("main.crmpol"), FIRST).expect("write");
    let output = crmpol_in(outside.path(), &["diff", "--git", "HEAD", "main.crmpol"]);
    assert_eq!(status(&output), 2);
    assert!(
        stderr(&output).contains("not in a git repository"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn without_git_two_paths_are_needed() {
    let output = common::cli::crmpol(&["diff", "tests/fixtures/diff/crm_changed/old"]);
    assert_eq!(status(&output), 2);
    assert!(stderr(&output).contains("give OLD and NEW"), "{}", stderr(&output));
    let missing = common::cli::crmpol(&["diff", "no/such/old", "no/such/new"]);
    assert_eq!(status(&missing), 2);
    assert_eq!(
        stderr(&missing).matches("cannot read").count(),
        2,
        "{}",
        stderr(&missing)
    );
}
