//! The commands (`check`, `compile`, `fmt`, `explain`) as library functions.
//!
//! In: the options a command line gave. Out: what to print on standard
//! output and standard error, and the exit status; files (`-o`, `--fix`)
//! are written here, atomically. `main.rs` only parses arguments and prints.

use crate::diagnostic::{Code, Diagnostic, Tally};
use crate::emit::{self, TableFormat};
use crate::fix;
use crate::format::{self, FormatError, FormatOptions};
use crate::render::{self, MessageFormat, RenderOptions};
use crate::source::{FileId, SourceFile, SourceSet};
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
    let (analysis, stderr) = if fix {
        let (fixed, report, written) = fix_in_place(&mut sources);
        if let Err(error) = written {
            let mut failed = CommandOutput::could_not_run(error);
            failed.stderr.insert_str(0, &report);
            return failed;
        }
        (fixed, report)
    } else {
        (crate::analyze(&sources), String::new())
    };
    CommandOutput {
        stdout: report(&analysis.diagnostics, &sources, options),
        stderr,
        status: status_of(&analysis.diagnostics, options.deny_warnings),
    }
}

/// Applies every automatic fix, then writes each changed file atomically.
/// Returns the analysis of the fixed text, the report of what was fixed
/// (which stands even when a write fails: files written before the failure
/// keep their fixes), and whether every file was written.
fn fix_in_place(sources: &mut SourceSet) -> (crate::Analysis, String, Result<(), String>) {
    let original: Vec<String> = sources.iter().map(|(_, file)| file.text.clone()).collect();
    let fixed = fix::fix_all(sources);
    let report: String = fixed
        .applied
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
            return (
                fixed.analysis,
                report,
                Err(format!("cannot write `{}`: {}", file.name, why(&error))),
            );
        }
    }
    (fixed.analysis, report, Ok(()))
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

/// Options of `crmpol fmt`.
#[derive(Clone, Debug)]
pub struct FmtOptions {
    /// Files and directories; `-` alone formats standard input to standard output.
    pub paths: Vec<PathBuf>,
    /// Change nothing: list the files that would change, exit 1 if any.
    pub check: bool,
    /// With `check`: show each change as a unified diff.
    pub diff: bool,
    pub format: FormatOptions,
    pub render: RenderOptions,
}

/// `crmpol fmt`: rewrites files in the canonical layout, atomically, and
/// only those that change. A file with syntax errors is left alone and
/// reported (exit 1); a formatting that would change what the policy set
/// means is refused before anything is written (exit 2).
pub fn fmt(options: &FmtOptions) -> CommandOutput {
    if options.paths.len() == 1 && options.paths[0].as_os_str() == "-" {
        return fmt_stdin(options);
    }
    let sources = match SourceSet::load(&options.paths) {
        Ok(sources) => sources,
        Err(error) => return CommandOutput::could_not_run(error),
    };
    let formatted = match format_set(&sources, options.format) {
        Ok(formatted) => formatted,
        Err(refusal) => return CommandOutput::could_not_run(refusal),
    };
    let mut output = CommandOutput {
        stdout: String::new(),
        stderr: render::render(&formatted.syntax_errors, &sources, MessageFormat::Human, options.render),
        status: if formatted.syntax_errors.is_empty() {
            ExitStatus::Success
        } else {
            ExitStatus::Failure
        },
    };
    let changed: Vec<(&SourceFile, &String)> = sources
        .iter()
        .zip(&formatted.texts)
        .filter_map(|((_, file), text)| Some((file, text.as_ref()?)))
        .filter(|(file, text)| file.to_bytes() != text.as_bytes())
        .collect();
    if options.check {
        for (file, text) in &changed {
            output.stdout.push_str(&format!("would reformat {}\n", file.name));
            if options.diff {
                output.stdout.push_str(&unified_diff(file, text));
            }
        }
        if !changed.is_empty() {
            output.status = ExitStatus::Failure;
        }
        return output;
    }
    for (file, text) in &changed {
        if let Err(error) = write_atomically(Path::new(&file.path), text.as_bytes()) {
            let mut failed = CommandOutput::could_not_run(format!("cannot write `{}`: {}", file.name, why(&error)));
            failed.stderr.insert_str(0, &output.stderr);
            return failed;
        }
    }
    let unchanged = sources.len() - changed.len() - formatted.texts.iter().filter(|text| text.is_none()).count();
    output.stderr.push_str(&format!(
        "{} reformatted, {} already formatted\n",
        plural(changed.len(), "file", "files"),
        unchanged
    ));
    output
}

/// `crmpol fmt -`: standard input formatted to standard output.
fn fmt_stdin(options: &FmtOptions) -> CommandOutput {
    let mut bytes = Vec::new();
    if let Err(error) = std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes) {
        return CommandOutput::could_not_run(format!("cannot read standard input: {error}"));
    }
    let mut sources = SourceSet::new();
    sources.add(SourceFile::from_bytes("<stdin>", &bytes));
    match format_set(&sources, options.format) {
        Err(refusal) => CommandOutput::could_not_run(refusal),
        Ok(formatted) => match formatted.texts.into_iter().next().flatten() {
            Some(text) if options.check => CommandOutput {
                stdout: if options.diff {
                    sources.get(FileId(0)).map_or(String::new(), |f| unified_diff(f, &text))
                } else {
                    String::new()
                },
                stderr: String::new(),
                status: if sources.get(FileId(0)).is_some_and(|f| f.to_bytes() == text.as_bytes()) {
                    ExitStatus::Success
                } else {
                    ExitStatus::Failure
                },
            },
            Some(text) => CommandOutput {
                stdout: text,
                stderr: String::new(),
                status: ExitStatus::Success,
            },
            None => CommandOutput {
                stdout: String::new(),
                stderr: render::render(&formatted.syntax_errors, &sources, MessageFormat::Human, options.render),
                status: ExitStatus::Failure,
            },
        },
    }
}

/// A policy set formatted: each file's new text (`None` for a file with
/// syntax errors, left as it is), and those errors.
struct FormattedSet {
    texts: Vec<Option<String>>,
    syntax_errors: Vec<Diagnostic>,
}

/// Formats every file, then checks the set as a whole: formatting must not
/// change the decision table or any diagnostic's code and message. Returns
/// why it refuses otherwise.
fn format_set(sources: &SourceSet, options: FormatOptions) -> Result<FormattedSet, String> {
    let mut texts = Vec::with_capacity(sources.len());
    let mut syntax_errors = Vec::new();
    for (id, file) in sources.iter() {
        match format::format_file(file, options) {
            Ok(text) => texts.push(Some(text)),
            Err(FormatError::Syntax(mut diagnostics)) => {
                for label in diagnostics.iter_mut().flat_map(|d| d.labels.iter_mut()) {
                    label.span.file = id;
                }
                syntax_errors.extend(diagnostics);
                texts.push(None);
            }
            Err(FormatError::WouldChangeMeaning(why)) => return Err(internal_error(&file.name, &why)),
        }
    }
    let mut formatted = sources.clone();
    for (index, text) in texts.iter().enumerate() {
        if let Some(text) = text {
            formatted.replace_text(FileId(index), text.clone());
        }
    }
    let before = crate::analyze(sources);
    let after = crate::analyze(&formatted);
    if before.table() != after.table() {
        return Err(internal_error("the policy set", "the decision table would change"));
    }
    if before.findings() != after.findings() {
        return Err(internal_error("the policy set", "its diagnostics would change"));
    }
    Ok(FormattedSet { texts, syntax_errors })
}

fn internal_error(what: &str, why: &str) -> String {
    format!(
        "internal error: formatting {what} was refused because {why}; nothing was written. \
         This is a bug in crmpol: please report it with the file."
    )
}

fn unified_diff(file: &SourceFile, formatted: &str) -> String {
    similar::TextDiff::from_lines(file.text.as_str(), formatted)
        .unified_diff()
        .context_radius(3)
        .header(&file.name, &format!("{} (formatted)", file.name))
        .to_string()
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
