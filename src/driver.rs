//! The `check` and `compile` commands as library functions.
//!
//! In: the options a command line gave. Out: what to print on standard
//! output and standard error, and the exit status; `-o` files are written
//! here, atomically. `main.rs` only parses arguments and prints.

use crate::diagnostic::{Diagnostic, Tally};
use crate::emit::{self, TableFormat};
use crate::render::{self, MessageFormat, RenderOptions};
use crate::source::SourceSet;
use std::io::Write;
use std::path::{Path, PathBuf};

/// How a command ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitStatus {
    /// No errors (and, under `--deny-warnings`, no warnings).
    Success,
    /// The policy set has errors, or warnings under `--deny-warnings`.
    Failure,
    /// The command could not run: bad arguments, unreadable or unwritable files.
    CouldNotRun,
}

impl ExitStatus {
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::Failure => 1,
            ExitStatus::CouldNotRun => 2,
        }
    }
}

/// What a command prints, and how it exits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandOutput {
    pub stdout: String,
    pub stderr: String,
    pub status: ExitStatus,
}

impl CommandOutput {
    fn could_not_run(message: impl std::fmt::Display) -> CommandOutput {
        CommandOutput {
            stdout: String::new(),
            stderr: format!("error: {message}\n"),
            status: ExitStatus::CouldNotRun,
        }
    }
}

/// Options shared by `check` and `compile`.
#[derive(Clone, Debug)]
pub struct CommonOptions {
    pub paths: Vec<PathBuf>,
    pub message_format: MessageFormat,
    pub deny_warnings: bool,
    pub render: RenderOptions,
}

/// `crmpol check`: parse and check, print diagnostics, write nothing.
pub fn check(options: &CommonOptions) -> CommandOutput {
    let sources = match SourceSet::load(&options.paths) {
        Ok(sources) => sources,
        Err(error) => return CommandOutput::could_not_run(error),
    };
    let analysis = crate::analyze(&sources);
    CommandOutput {
        stdout: String::new(),
        stderr: render_diagnostics(&analysis.diagnostics, &sources, options),
        status: status_of(&analysis.diagnostics, options.deny_warnings),
    }
}

/// `crmpol compile`: check, then print the table or write it to `output`.
/// With errors nothing is printed or written, and an existing `output` file
/// is left as it was.
pub fn compile(options: &CommonOptions, format: TableFormat, output: Option<&Path>) -> CommandOutput {
    let sources = match SourceSet::load(&options.paths) {
        Ok(sources) => sources,
        Err(error) => return CommandOutput::could_not_run(error),
    };
    let analysis = crate::analyze(&sources);
    let stderr = render_diagnostics(&analysis.diagnostics, &sources, options);
    let status = status_of(&analysis.diagnostics, options.deny_warnings);
    if status != ExitStatus::Success {
        return CommandOutput {
            stdout: String::new(),
            stderr,
            status,
        };
    }
    let table = match emit::emit(&analysis.table(), format) {
        Ok(table) => table,
        Err(error) => return CommandOutput::could_not_run(error),
    };
    let Some(path) = output else {
        return CommandOutput {
            stdout: table,
            stderr,
            status,
        };
    };
    match write_atomically(path, table.as_bytes()) {
        Ok(()) => CommandOutput {
            stdout: String::new(),
            stderr,
            status,
        },
        Err(error) => {
            let mut failed =
                CommandOutput::could_not_run(format!("cannot write `{}`: {}", path.display(), why(&error)));
            failed.stderr.insert_str(0, &stderr);
            failed
        }
    }
}

fn render_diagnostics(diagnostics: &[Diagnostic], sources: &SourceSet, options: &CommonOptions) -> String {
    render::render(diagnostics, sources, options.message_format, options.render)
}

fn status_of(diagnostics: &[Diagnostic], deny_warnings: bool) -> ExitStatus {
    let tally = Tally::of(diagnostics);
    if tally.errors > 0 || (deny_warnings && tally.warnings > 0) {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    }
}

/// Why a write failed, in words about the target rather than the temporary
/// file it goes through.
fn why(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "its directory does not exist".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        std::io::ErrorKind::IsADirectory => "it is a directory".to_owned(),
        _ => error.to_string(),
    }
}

/// Writes a file so that it appears whole or not at all: a temporary file in
/// the same directory, synced, then renamed over the target. An existing
/// file keeps its permissions.
pub fn write_atomically(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let permissions = std::fs::metadata(path).map(|meta| meta.permissions()).ok();
    let mut temp = tempfile::Builder::new()
        .prefix(".crmpol-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    temp.write_all(contents)?;
    temp.as_file().sync_all()?;
    match permissions {
        Some(permissions) => temp.as_file().set_permissions(permissions)?,
        None => set_default_permissions(temp.as_file())?,
    }
    temp.persist(path).map_err(|error| error.error)?;
    Ok(())
}

/// A new output file is readable by all, like one a shell redirect makes;
/// the temporary file it starts as is private.
#[cfg(unix)]
fn set_default_permissions(file: &std::fs::File) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn set_default_permissions(_file: &std::fs::File) -> std::io::Result<()> {
    Ok(())
}
