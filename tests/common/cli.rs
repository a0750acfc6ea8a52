//! Running the `crmpol` binary as a user does, from the package root, and
//! scratch directories for the files it writes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// A `crmpol` command from the package root, with colour, terminal width
/// and the terminal type taken out of the environment.
pub fn command(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_crmpol"));
    command
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("COLUMNS")
        .env_remove("TERM")
        .env("NO_COLOR", "1");
    command
}

pub fn crmpol(args: &[&str]) -> Output {
    command(args).stdin(Stdio::null()).output().expect("run crmpol")
}

/// `crmpol` with `input` on standard input.
pub fn crmpol_with_input(args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = command(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run crmpol");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("crmpol finishes")
}

/// A shell command line, run by `sh -c` from the package root, with
/// `$CRMPOL` naming the binary.
pub fn shell(script: &str) -> Output {
    Command::new("sh")
        .arg("-c")
        .arg(script)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("CRMPOL", env!("CARGO_BIN_EXE_crmpol"))
        .env_remove("COLUMNS")
        .env_remove("TERM")
        .env("NO_COLOR", "1")
        .output()
        .expect("run sh")
}

pub fn status(output: &Output) -> i32 {
    output.status.code().expect("exit status, not a signal")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 output")
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("UTF-8 output")
}

/// A fresh directory under the target directory, removed and recreated.
pub fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

pub fn write(path: &Path, text: &str) {
    std::fs::write(path, text).expect("write fixture");
}

pub fn path_str(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

/// The names in a directory, sorted.
pub fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Whether `program` can be run here. Where it cannot, a test that needs it
/// is skipped with a note, except under `CRMPOL_REQUIRE_TOOLS=1`, which
/// `.ci/run` sets after installing the tools: there a missing tool fails,
/// so a skipped check never passes for a real one in CI.
pub fn have_tool(program: &str, version_flag: &str) -> bool {
    let found = Command::new(program)
        .arg(version_flag)
        .stdin(Stdio::null())
        .output()
        .is_ok_and(|output| output.status.success());
    if !found {
        assert!(
            std::env::var_os("CRMPOL_REQUIRE_TOOLS").is_none_or(|require| require != "1"),
            "`{program}` is missing, and CRMPOL_REQUIRE_TOOLS=1 requires it"
        );
        eprintln!("note: `{program}` is not installed: its checks are skipped");
    }
    found
}
