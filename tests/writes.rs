//! crmpol never loses a file: `-o` onto a policy file is refused, standard
//! output is written as standard output, new files get the permissions a
//! shell redirection would give them, and `--fix` reports a fix only once it
//! is on disk (and writes all files or none).

mod common;

use common::cli::{crmpol, files_in, path_str, scratch, shell, status, stderr, stdout, write};
use std::path::Path;

const POLICY: &str = "crm: salesforce\nqueue \"Support\"\n";

fn policy_in(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("self.crmpol");
    write(&path, POLICY);
    path
}

#[test]
fn the_output_is_never_written_onto_a_policy_file() {
    let dir = scratch("onto-input");
    let policy = policy_in(&dir);
    std::fs::create_dir_all(dir.join("sub")).expect("dir");
    let spellings = [
        path_str(&policy).to_owned(),
        format!("{}/./self.crmpol", path_str(&dir)),
        format!("{}/sub/../self.crmpol", path_str(&dir)),
    ];
    for spelling in &spellings {
        let output = crmpol(&["compile", path_str(&policy), "-o", spelling]);
        assert_eq!(status(&output), 2, "{spelling}: {}", stderr(&output));
        assert!(
            stderr(&output).contains("refusing to write the output"),
            "{spelling}: says why: {}",
            stderr(&output)
        );
        assert_eq!(std::fs::read_to_string(&policy).expect("policy"), POLICY, "{spelling}");
    }
    #[cfg(unix)]
    {
        let link = dir.join("table.yaml");
        std::os::unix::fs::symlink(&policy, &link).expect("symlink");
        let output = crmpol(&["compile", path_str(&dir), "-o", path_str(&link)]);
        assert_eq!(status(&output), 2, "through a symbolic link: {}", stderr(&output));
        assert_eq!(std::fs::read_to_string(&policy).expect("policy"), POLICY);
        assert!(
            std::fs::symlink_metadata(&link).expect("link").file_type().is_symlink(),
            "the link is still a link"
        );
    }
}

#[cfg(unix)]
#[test]
fn dev_stdout_is_standard_output_itself() {
    let dir = scratch("dev-stdout");
    let policy = policy_in(&dir);
    let log = dir.join("log.txt");
    let script = format!(
        "{{ echo before; \"$CRMPOL\" compile {} -o /dev/stdout; echo after; }} > {}",
        path_str(&policy),
        path_str(&log)
    );
    let output = shell(&script);
    assert_eq!(status(&output), 0, "{}", stderr(&output));
    let text = std::fs::read_to_string(&log).expect("log");
    assert!(text.starts_with("before\nformat_version: 2\n"), "{text}");
    assert!(text.ends_with("after\n"), "{text}");

    // Into a pipe, too.
    let piped = shell(&format!(
        "\"$CRMPOL\" compile {} -o /dev/stdout | head -1",
        path_str(&policy)
    ));
    assert_eq!(stdout(&piped), "format_version: 2\n", "{}", stderr(&piped));
}

#[test]
fn a_dash_is_standard_output_not_a_file_named_dash() {
    let dir = scratch("dash");
    let policy = policy_in(&dir);
    let output = common::cli::command(&["compile", path_str(&policy), "-o", "-"])
        .current_dir(&dir)
        .output()
        .expect("run");
    assert_eq!(status(&output), 0, "{}", stderr(&output));
    assert!(stdout(&output).starts_with("format_version: 2"));
    assert_eq!(files_in(&dir), ["self.crmpol"], "no file named `-`");
}

#[cfg(unix)]
#[test]
fn a_device_or_fifo_is_written_in_place() {
    let dir = scratch("fifo");
    let policy = policy_in(&dir);
    let fifo = dir.join("table.fifo");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|status| status.success()) {
        eprintln!("mkfifo is not available; skipping the FIFO case");
        return;
    }
    let script = format!(
        "cat {fifo} > {out} & \"$CRMPOL\" compile {policy} -o {fifo}; wait",
        fifo = path_str(&fifo),
        out = path_str(&dir.join("read.txt")),
        policy = path_str(&policy)
    );
    let output = shell(&script);
    assert_eq!(status(&output), 0, "{}", stderr(&output));
    let read = std::fs::read_to_string(dir.join("read.txt")).expect("read");
    assert!(read.starts_with("format_version: 2"), "{read}");
    assert!(
        !std::fs::metadata(&fifo).expect("fifo").file_type().is_file(),
        "the FIFO was not replaced by a file"
    );
    let null = crmpol(&["compile", path_str(&policy), "-o", "/dev/null"]);
    assert_eq!(status(&null), 0, "{}", stderr(&null));
}

#[cfg(unix)]
#[test]
fn a_new_output_file_gets_what_a_shell_redirection_gives() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch("umask");
    let policy = policy_in(&dir);
    for (umask, expected) in [("077", 0o600), ("022", 0o644), ("002", 0o664)] {
        let table = dir.join(format!("table-{umask}.yaml"));
        let output = shell(&format!(
            "umask {umask}; \"$CRMPOL\" compile {} -o {}",
            path_str(&policy),
            path_str(&table)
        ));
        assert_eq!(status(&output), 0, "{}", stderr(&output));
        let mode = std::fs::metadata(&table).expect("written").permissions().mode() & 0o777;
        assert_eq!(mode, expected, "umask {umask}");
    }
}

/// Makes `dir` unwritable, also for root (with the immutable attribute);
/// returns whether that worked, so the test can say it was skipped.
#[cfg(unix)]
fn make_unwritable(dir: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o555));
    let probe = dir.join(".probe");
    if std::fs::write(&probe, "").is_err() {
        return true;
    }
    let _ = std::fs::remove_file(&probe);
    let immutable = std::process::Command::new("chattr").arg("+i").arg(dir).status();
    immutable.is_ok_and(|status| status.success()) && std::fs::write(&probe, "").is_err()
}

#[cfg(unix)]
fn make_writable(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::process::Command::new("chattr").arg("-i").arg(dir).status();
    let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755));
}

#[cfg(unix)]
#[test]
fn fix_in_an_unwritable_directory_reports_no_fix_and_changes_no_file() {
    let dir = scratch("read-only");
    let a = dir.join("a.crmpol");
    let b = dir.join("b.crmpol");
    let broken_a = "crm: salesforce\nqueue \"Support\" {\n    skip recrod creation: yes\n}\n";
    let broken_b = "queue \"Sales\" {\n    skip acount creation: yes\n}\n";
    write(&a, broken_a);
    write(&b, broken_b);
    if !make_unwritable(&dir) {
        make_writable(&dir);
        eprintln!("cannot make a directory unwritable here (root without chattr); skipping");
        return;
    }
    let output = crmpol(&["check", "--fix", path_str(&dir)]);
    make_writable(&dir);
    assert_eq!(status(&output), 2, "{}", stderr(&output));
    let report = stderr(&output);
    assert!(!report.contains("fixed "), "no fix is reported: {report}");
    assert!(report.contains("cannot write"), "{report}");
    assert!(report.contains("no file was changed"), "{report}");
    assert!(
        report.contains("a.crmpol") && report.contains("b.crmpol"),
        "names both: {report}"
    );
    assert_eq!(std::fs::read_to_string(&a).expect("a"), broken_a);
    assert_eq!(std::fs::read_to_string(&b).expect("b"), broken_b);
    assert!(
        stdout(&output).contains("E0002"),
        "the diagnostics still tell what is wrong"
    );
}

#[test]
fn fix_diff_shows_what_fix_would_write_and_writes_nothing() {
    let dir = scratch("fix-diff");
    let policy = dir.join("p.crmpol");
    let broken = "crm: salesforce\nqueue \"Support\" {\n    skip recrod creation: yes\n}\n";
    write(&policy, broken);
    for flag in ["--diff", "--dry-run"] {
        let output = crmpol(&["check", "--fix", flag, path_str(&policy)]);
        assert_eq!(status(&output), 1, "something would change");
        let diff = stdout(&output);
        assert!(
            diff.contains("-    skip recrod creation: yes\n+    skip record creation: yes\n"),
            "{diff}"
        );
        assert!(stderr(&output).contains("would fix"), "{}", stderr(&output));
        assert_eq!(
            std::fs::read_to_string(&policy).expect("p"),
            broken,
            "{flag} writes nothing"
        );
        assert_eq!(files_in(&dir), ["p.crmpol"]);
    }
    let clean = dir.join("clean.crmpol");
    write(&clean, POLICY);
    let output = crmpol(&["check", "--diff", path_str(&clean)]);
    assert_eq!(status(&output), 0);
    assert_eq!(stdout(&output), "");
}

#[test]
fn fix_writes_every_changed_file() {
    let dir = scratch("fix-two-files");
    write(
        &dir.join("a.crmpol"),
        "crm: salesforce\nqueue \"A\" {\n    skip recrod creation: yes\n}\n",
    );
    write(
        &dir.join("b.crmpol"),
        "queue \"B\" {\n    skip acount creation: yes\n}\n",
    );
    let output = crmpol(&["check", "--fix", path_str(&dir)]);
    let report = stderr(&output);
    assert!(report.contains("a.crmpol:3: write `skip record creation`"), "{report}");
    assert!(report.contains("b.crmpol:2: write `skip account creation`"), "{report}");
    assert!(
        std::fs::read_to_string(dir.join("b.crmpol"))
            .expect("b")
            .contains("skip account creation: yes")
    );
    assert_eq!(
        files_in(&dir),
        ["a.crmpol", "b.crmpol"],
        "no temporary file left behind"
    );
}

#[cfg(unix)]
#[test]
fn standard_output_redirected_onto_a_policy_file_is_refused() {
    let dir = scratch("stdout-onto-input");
    let policy = policy_in(&dir);
    let output = shell(&format!("\"$CRMPOL\" compile {0} >> {0}", path_str(&policy)));
    assert_eq!(status(&output), 2, "{}", stderr(&output));
    assert!(
        stderr(&output).contains("redirected to the policy file"),
        "{}",
        stderr(&output)
    );
    assert_eq!(std::fs::read_to_string(&policy).expect("policy"), POLICY);
    let through_dev_stdout = shell(&format!(
        "\"$CRMPOL\" compile {0} -o /dev/stdout >> {0}",
        path_str(&policy)
    ));
    assert_eq!(status(&through_dev_stdout), 2);
    assert_eq!(std::fs::read_to_string(&policy).expect("policy"), POLICY);
}
