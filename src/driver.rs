//! The commands (`check`, `compile`, `explain`) as library functions.
//!
//! In: the options a command line gave. Out: what to print on standard
//! output and standard error, and the exit status; files (`-o`, `--fix`)
//! are written here, atomically. `main.rs` only parses arguments and prints.

use crate::diagnostic::{Code, Diagnostic, Tally};
use crate::emit::{self, TableFormat};
use crate::fix;
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
    /// How many diagnostics the formats for people show; 0 shows all.
    pub max_diagnostics: usize,
}

/// The default of `--max-diagnostics`.
pub const DEFAULT_MAX_DIAGNOSTICS: usize = 50;

/// `crmpol check`: parse and check, print diagnostics on standard output
/// (they are what the command is for). With `fix`, first apply every
/// automatic fix, writing each changed file atomically, and report each fix
/// on standard error.
pub fn check(options: &CommonOptions, fix: bool) -> CommandOutput {
    let mut sources = match SourceSet::load(&options.paths) {
        Ok(sources) => sources,
        Err(error) => return CommandOutput::could_not_run(error),
    };
    let mut stderr = String::new();
    if fix {
        let (report, written) = fix_in_place(&mut sources);
        stderr = report;
        if let Err(error) = written {
            let mut failed = CommandOutput::could_not_run(error);
            failed.stderr.insert_str(0, &stderr);
            return failed;
        }
    }
    let analysis = crate::analyze(&sources);
    CommandOutput {
        stdout: report(&analysis.diagnostics, &sources, options),
        stderr,
        status: status_of(&analysis.diagnostics, options.deny_warnings),
    }
}

/// Applies every automatic fix, then writes each changed file atomically.
/// Returns the report of what was fixed, which stands even when a write
/// fails (files written before the failure keep their fixes), and whether
/// every file was written.
fn fix_in_place(sources: &mut SourceSet) -> (String, Result<(), String>) {
    let original: Vec<String> = sources.iter().map(|(_, file)| file.text.clone()).collect();
    let report: String = fix::fix_all(sources)
        .iter()
        .map(|applied| {
            let file = sources.name(applied.file);
            // A later round's line counts lines after the earlier fixes.
            let after = if applied.round > 1 {
                " (after the fixes above)"
            } else {
                ""
            };
            format!(
                "fixed {file}:{}: {} [{}]{after}\n",
                applied.line, applied.description, applied.code
            )
        })
        .collect();
    for ((_, file), before) in sources.iter().zip(&original) {
        if file.text != *before
            && let Err(error) = write_atomically(Path::new(&file.path), &file.to_bytes())
        {
            return (report, Err(format!("cannot write `{}`: {}", file.name, why(&error))));
        }
    }
    (report, Ok(()))
}

/// `crmpol compile`: check, then print the table or write it to `output`.
/// Diagnostics go to standard error, as standard output may carry the table.
/// With errors nothing is printed or written, and an existing `output` file
/// is left as it was.
pub fn compile(options: &CommonOptions, format: TableFormat, output: Option<&Path>) -> CommandOutput {
    let sources = match SourceSet::load(&options.paths) {
        Ok(sources) => sources,
        Err(error) => return CommandOutput::could_not_run(error),
    };
    let analysis = crate::analyze(&sources);
    let stderr = report(&analysis.diagnostics, &sources, options);
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

/// `crmpol explain CODE`: the code's entry of `docs/diagnostics.md`.
pub fn explain(code: &str) -> CommandOutput {
    let Some(code) = Code::parse(code) else {
        let known: Vec<&str> = Code::ALL.iter().map(|code| code.as_str()).collect();
        return CommandOutput::could_not_run(format!("unknown code `{code}`; the codes are {}", known.join(", ")));
    };
    let Some(documentation) = code.documentation() else {
        return CommandOutput::could_not_run(format!("no documentation for {code}"));
    };
    CommandOutput {
        stdout: format!("{code} {}\n\n{documentation}\n", code.title()),
        stderr: String::new(),
        status: ExitStatus::Success,
    }
}

/// Diagnostics in the chosen format. Formats for people show at most
/// `max_diagnostics` and say how many more there are; the human format ends
/// with a summary line.
fn report(diagnostics: &[Diagnostic], sources: &SourceSet, options: &CommonOptions) -> String {
    let format = options.message_format;
    let limit = match options.max_diagnostics {
        0 => diagnostics.len(),
        max if format.is_for_people() => max.min(diagnostics.len()),
        _ => diagnostics.len(),
    };
    let (shown, hidden) = diagnostics.split_at(limit);
    let mut text = render::render(shown, sources, format, options.render);
    if !hidden.is_empty() {
        let noun = if hidden.len() == 1 { "diagnostic" } else { "diagnostics" };
        text.push_str(&format!(
            "{} more {noun} not shown (use --max-diagnostics 0 to see them all)\n",
            hidden.len()
        ));
    }
    if format == MessageFormat::Human && !diagnostics.is_empty() {
        text.push_str(&summary(diagnostics));
        text.push('\n');
    }
    text
}

/// "2 errors, 3 warnings in 4 files": the files are those with diagnostics.
pub fn summary(diagnostics: &[Diagnostic]) -> String {
    let tally = Tally::of(diagnostics);
    let mut files: Vec<_> = diagnostics
        .iter()
        .filter_map(|d| d.primary_span().map(|span| span.file))
        .collect();
    files.sort();
    files.dedup();
    let counts: Vec<String> = [
        (tally.errors, "error", "errors"),
        (tally.warnings, "warning", "warnings"),
    ]
    .into_iter()
    .filter(|(count, _, _)| *count > 0)
    .map(|(count, one, many)| plural(count, one, many))
    .collect();
    format!("{} in {}", counts.join(", "), plural(files.len(), "file", "files"))
}

fn plural(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
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
    // Through a symbolic link, the file it points at is the one to replace;
    // renaming over the link itself would cut it.
    let resolved;
    let path = if std::fs::symlink_metadata(path).is_ok_and(|meta| meta.file_type().is_symlink()) {
        resolved = std::fs::canonicalize(path)?;
        resolved.as_path()
    } else {
        path
    };
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
