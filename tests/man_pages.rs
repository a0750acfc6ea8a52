//! `crmpol man`: crmpol(1) on standard output, or every page written into a
//! directory, each one a man page that groff renders without a warning.

mod common;

use clap::CommandFactory;
use common::cli::{crmpol, files_in, have_tool, path_str, scratch, status, stderr, stdout, write};
use std::path::Path;
use std::process::Command;

fn commands() -> Vec<String> {
    crmpol::cli::Cli::command()
        .get_subcommands()
        .map(|sub| sub.get_name().to_owned())
        .collect()
}

/// groff's own warnings (`-ww`) about a page, and its text as a terminal
/// would show it.
fn groff(page: &Path) -> (String, String) {
    let lint = Command::new("groff")
        .args(["-man", "-ww", "-z", path_str(page)])
        .output()
        .expect("run groff");
    assert!(lint.status.success(), "groff fails on {}", page.display());
    let text = Command::new("groff")
        .args(["-man", "-Tutf8", "-P-c", "-P-b", "-P-u", path_str(page)])
        .env("MANWIDTH", "80")
        .output()
        .expect("run groff");
    (
        String::from_utf8_lossy(&lint.stderr).into_owned(),
        String::from_utf8_lossy(&text.stdout).into_owned(),
    )
}

#[test]
fn man_prints_the_page_of_crmpol_with_every_command() {
    let output = crmpol(&["man"]);
    assert_eq!(status(&output), 0, "{}", stderr(&output));
    assert_eq!(stderr(&output), "");
    let page = stdout(&output);
    assert!(page.contains("\n.TH crmpol 1 "), "{page}");
    for section in ["NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "SUBCOMMANDS", "VERSION"] {
        assert!(page.contains(&format!("\n.SH {section}\n")), "no {section}");
    }
    for section in ["EXIT STATUS", "SEE ALSO"] {
        assert!(page.contains(&format!("\n.SH \"{section}\"\n")), "no {section}");
    }
    for command in commands() {
        assert!(
            page.contains(&format!("\ncrmpol\\-{command}(1)\n")),
            "{command} is not listed"
        );
    }
    assert!(page.is_ascii(), "groff reads its input as Latin-1");
    assert!(
        page.starts_with(".ie \\n(.g .ds Aq"),
        "roff's apostrophe string comes first"
    );
    assert_eq!(page.matches(".ds Aq").count(), 2, "and only once (its two lines)");
}

#[test]
fn the_page_renders_without_warnings() {
    if !have_tool("groff", "--version") {
        return;
    }
    let path = scratch("man-stdout").join("crmpol.1");
    write(&path, &stdout(&crmpol(&["man"])));
    let (warnings, text) = groff(&path);
    assert_eq!(warnings, "");
    assert!(text.contains("crmpol - Compiler and linter"), "{text}");
    assert!(text.contains("EXIT STATUS"), "{text}");
    assert!(text.contains("crmpol-check(1)"), "{text}");
}

#[test]
fn man_dir_writes_one_page_per_command_and_each_renders_cleanly() {
    let dir = scratch("man-dir");
    let output = crmpol(&["man", "--dir", path_str(&dir)]);
    assert_eq!(status(&output), 0, "{}", stderr(&output));
    assert_eq!(stdout(&output), "");
    let summary = format!(
        "wrote {} man pages into {}: crmpol.1, crmpol-check.1, ",
        commands().len() + 1,
        dir.display()
    );
    assert!(stderr(&output).starts_with(&summary), "{}", stderr(&output));

    let mut expected: Vec<String> = commands().iter().map(|command| format!("crmpol-{command}.1")).collect();
    expected.push("crmpol.1".to_owned());
    expected.sort();
    assert_eq!(files_in(&dir), expected, "no temporary file left behind");

    let top = std::fs::read_to_string(dir.join("crmpol.1")).expect("crmpol.1");
    assert_eq!(top, stdout(&crmpol(&["man"])), "the page `crmpol man` prints");
    let fmt = std::fs::read_to_string(dir.join("crmpol-fmt.1")).expect("crmpol-fmt.1");
    assert!(fmt.contains("\n.TH crmpol-fmt 1 "), "{fmt}");
    assert!(
        fmt.contains("\\fBcrmpol fmt\\fR"),
        "the synopsis names the command as typed"
    );
    assert!(fmt.contains("\\fB\\-\\-normalize\\fR"), "its options are on its page");
    assert!(fmt.contains("\\[u2192]"), "non-ASCII text is escaped, not dropped");

    if !have_tool("groff", "--version") {
        return;
    }
    for name in &expected {
        let (warnings, text) = groff(&dir.join(name));
        assert_eq!(warnings, "", "{name}");
        assert!(text.contains("NAME"), "{name}: {text}");
    }
    let (_, fmt_text) = groff(&dir.join("crmpol-fmt.1"));
    // The line wraps at `(`ccaip`, so only the arrow's own neighbourhood is certain.
    assert!(fmt_text.contains("session` → `ccaas"), "{fmt_text}");
}

#[test]
fn man_dir_must_be_an_existing_directory() {
    let parent = scratch("man-missing");
    let missing = parent.join("no-such-dir");
    let output = crmpol(&["man", "--dir", path_str(&missing)]);
    assert_eq!(status(&output), 2);
    assert!(
        stderr(&output).contains("it is not a directory (create it first)"),
        "{}",
        stderr(&output)
    );
    assert!(files_in(&parent).is_empty(), "nothing is created");
}
