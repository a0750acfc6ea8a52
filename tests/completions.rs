//! `crmpol completions SHELL`: each script is valid in its shell and
//! completes every command; bash and fish are asked for real completions.
//! A shell that is not installed is skipped (but see `have_tool`).

mod common;

use clap::CommandFactory;
use common::cli::{crmpol, have_tool, scratch, status, stderr, stdout, write};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Every command `crmpol --help` lists, `help` included.
fn commands() -> Vec<String> {
    let command = crmpol::cli::Cli::command();
    let names: Vec<String> = command
        .get_subcommands()
        .map(|sub| sub.get_name().to_owned())
        .chain(["help".to_owned()])
        .collect();
    assert!(names.len() >= 8, "{names:?}");
    names
}

/// The script for `shell`, saved where the shell can read it.
fn script(shell: &str) -> (String, PathBuf) {
    let output = crmpol(&["completions", shell]);
    assert_eq!(status(&output), 0, "{}", stderr(&output));
    assert_eq!(stderr(&output), "");
    let text = stdout(&output);
    let path = scratch(&format!("completions-{shell}")).join("crmpol.completion");
    write(&path, &text);
    (text, path)
}

fn run(program: &str, args: &[&str]) -> String {
    let output = Command::new(program).args(args).output().expect("run the shell");
    assert!(
        output.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// What bash offers at the end of `words`, as the completion function
/// sees it after Tab.
fn bash_completes(script: &Path, words: &[&str]) -> Vec<String> {
    let quoted: Vec<String> = words.iter().map(|word| format!("'{word}'")).collect();
    let current = words.len() - 1;
    let previous = if current == 0 { "" } else { words[current - 1] };
    let program = format!(
        "source '{}'; COMP_WORDS=({}); COMP_CWORD={current}; _crmpol crmpol '{}' '{previous}'; \
         printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display(),
        quoted.join(" "),
        words[current],
    );
    run("bash", &["-c", &program]).lines().map(str::to_owned).collect()
}

#[test]
fn bash_completes_every_command_and_the_values_of_options() {
    if !have_tool("bash", "--version") {
        return;
    }
    let (_, path) = script("bash");
    run("bash", &["-n", &path.to_string_lossy()]);

    let offered = bash_completes(&path, &["crmpol", ""]);
    for command in commands() {
        assert!(offered.contains(&command), "`{command}` not offered: {offered:?}");
    }
    assert_eq!(bash_completes(&path, &["crmpol", "co"]), ["compile", "completions"]);
    assert_eq!(
        bash_completes(&path, &["crmpol", "check", "--message-format", ""]),
        ["human", "short", "json", "sarif", "github"]
    );
    let shells = bash_completes(&path, &["crmpol", "completions", ""]);
    for shell in ["bash", "zsh", "fish", "powershell"] {
        assert!(shells.iter().any(|offered| offered == shell), "{shells:?}");
    }
}

#[test]
fn fish_completes_every_command_with_its_description() {
    if !have_tool("fish", "--version") {
        return;
    }
    let (_, path) = script("fish");
    let path = path.to_string_lossy();
    run("fish", &["--no-execute", &path]);

    let offered = run("fish", &["-c", &format!("source '{path}'; complete -C 'crmpol '")]);
    let lines: Vec<&str> = offered.lines().collect();
    for command in commands() {
        assert!(
            lines.iter().any(|line| line.starts_with(&format!("{command}\t"))),
            "`{command}` not offered: {offered}"
        );
    }
    assert!(
        offered.contains("check\tParse and check a policy set; print diagnostics"),
        "{offered}"
    );
    let formats = run(
        "fish",
        &[
            "-c",
            &format!("source '{path}'; complete -C 'crmpol compile --format '"),
        ],
    );
    // fish sorts what it offers.
    assert_eq!(formats.lines().collect::<Vec<_>>(), ["json", "markdown", "yaml"]);
}

#[test]
fn zsh_script_is_valid_and_describes_every_command() {
    let (text, path) = script("zsh");
    assert!(text.starts_with("#compdef crmpol\n"), "zsh finds it by this line");
    for command in commands() {
        assert!(text.contains(&format!("\n'{command}:")), "`{command}` missing");
    }
    if have_tool("zsh", "--version") {
        run("zsh", &["-n", &path.to_string_lossy()]);
    }
}

/// No PowerShell here to load it: the script registers a completer for
/// crmpol that offers every command.
#[test]
fn powershell_script_offers_every_command() {
    let (text, _) = script("powershell");
    assert!(text.contains("Register-ArgumentCompleter -Native -CommandName 'crmpol'"));
    for command in commands() {
        assert!(
            text.contains(&format!("[CompletionResult]::new('{command}', '{command}'")),
            "`{command}` missing"
        );
    }
}

#[test]
fn an_unknown_shell_is_a_usage_error() {
    let output = crmpol(&["completions", "tcsh"]);
    assert_eq!(status(&output), 2);
    assert!(
        stderr(&output).contains("bash, zsh, fish, powershell"),
        "{}",
        stderr(&output)
    );
    assert_eq!(stdout(&output), "");
}
