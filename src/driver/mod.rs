//! The commands (`check`, `compile`, `diff`, `fmt`, `explain`, `why`,
//! `completions`, `man`) as library functions.
//!
//! In: the options a command line gave. Out: what to print on standard
//! output and standard error, and the exit status; files (`-o`, `--fix`,
//! `fmt`, `man --dir`) are written through [`crate::write`], whole or not
//! at all.
//! `main.rs` only parses arguments and prints.

mod check;
mod compile;
mod diff;
mod fmt;
mod generate;
mod why;

pub use check::{FixRequest, check, check_to};
pub use compile::compile;
pub use diff::{DiffFormat, DiffOptions, diff};
pub use fmt::{FmtOptions, fmt};
pub use generate::{ManPage, completions, man, man_pages};
pub use why::{WhyFormat, WhyOptions, why};

use crate::diagnostic::{Code, Diagnostic, Tally};
use crate::render::{self, MessageFormat, RenderOptions};
use crate::settings::SettingKey;
use crate::source::{LoadError, SourceFile, SourceSet};
use crate::suppress::Suppressed;
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
    /// `crmpol diff --exit-code`: both sides compile and behave differently.
    Differs,
}

impl ExitStatus {
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::Failure => 1,
            ExitStatus::CouldNotRun => 2,
            ExitStatus::Differs => 3,
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
        CommandOutput::could_not_run_all([message])
    }

    /// Every reason, one `error:` line each.
    fn could_not_run_all<M: std::fmt::Display>(messages: impl IntoIterator<Item = M>) -> CommandOutput {
        CommandOutput {
            stdout: String::new(),
            stderr: messages
                .into_iter()
                .map(|message| format!("error: {message}\n"))
                .collect(),
            status: ExitStatus::CouldNotRun,
        }
    }

    fn could_not_load(errors: Vec<LoadError>) -> CommandOutput {
        CommandOutput::could_not_run_all(errors)
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
    /// The diagnostics go to a terminal: a clean run says so in one line.
    pub interactive: bool,
    /// `--catalog FILE`.
    pub catalog: Option<PathBuf>,
}

/// Loads the policy set named on the command line and analyzes it, with
/// `--catalog FILE` if given. A path or a `--catalog` file that cannot be
/// read is the command's failure (exit 2), not a diagnostic.
pub(crate) fn load_snapshot(
    paths: &[PathBuf],
    catalog: Option<&Path>,
) -> Result<std::sync::Arc<crate::workspace::Snapshot>, CommandOutput> {
    let mut workspace = crate::workspace::Workspace::load(paths).map_err(CommandOutput::could_not_load)?;
    workspace.set_catalog_override(catalog.map(Path::to_path_buf));
    let snapshot = workspace.snapshot();
    if let Some(attached) = snapshot.sources.catalog()
        && attached.origin == crate::catalog::CatalogOrigin::CommandLine
        && let crate::catalog::CatalogState::Unreadable(reason) = attached.state()
    {
        return Err(CommandOutput::could_not_load(vec![LoadError::Unreadable {
            path: attached.path.clone(),
            reason: reason.clone(),
        }]));
    }
    Ok(snapshot)
}

/// The default of `--max-diagnostics`.
pub const DEFAULT_MAX_DIAGNOSTICS: usize = 50;

/// The diagnostics of an analysis, and those its allow comments silenced.
pub struct Findings<'a> {
    pub diagnostics: &'a [Diagnostic],
    pub suppressed: &'a [Suppressed],
}

impl<'a> Findings<'a> {
    pub fn of(analysis: &'a crate::Analysis) -> Findings<'a> {
        Findings {
            diagnostics: &analysis.diagnostics,
            suppressed: &analysis.suppressed,
        }
    }
}

/// Diagnostics in the chosen format. Formats for people show at most
/// `max_diagnostics` and say how many more there are; the human format ends
/// with a summary line (on a terminal, even when there is nothing to say).
fn report(findings: &Findings<'_>, sources: &SourceSet, options: &CommonOptions) -> String {
    let mut bytes = Vec::new();
    // Writing to memory cannot fail, and every format writes UTF-8.
    let _ = write_report(findings, sources, options, &mut bytes);
    crate::text::from_written(bytes)
}

/// [`report`], written to `out` as it is made.
fn write_report(
    findings: &Findings<'_>,
    sources: &SourceSet,
    options: &CommonOptions,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let diagnostics = findings.diagnostics;
    let format = options.message_format;
    let limit = match options.max_diagnostics {
        0 => diagnostics.len(),
        max if format.is_for_people() => max.min(diagnostics.len()),
        _ => diagnostics.len(),
    };
    let (shown, hidden) = diagnostics.split_at(limit);
    render::write(shown, findings.suppressed, sources, format, options.render, out)?;
    if !hidden.is_empty() {
        let noun = if hidden.len() == 1 { "diagnostic" } else { "diagnostics" };
        writeln!(
            out,
            "{} more {noun} not shown (use --max-diagnostics 0 to see them all)",
            hidden.len()
        )?;
    }
    let denied = denied_warnings_only(diagnostics, options.deny_warnings);
    if format == MessageFormat::Human && (!diagnostics.is_empty() || options.interactive) {
        let mut line = summary(findings, sources.len());
        if denied {
            line.push_str(" (warnings are denied by --deny-warnings)");
        }
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// "2 errors, 3 warnings in 4 files": the files are those with diagnostics.
/// With nothing to report: "no problems found in 3 files". Warnings that
/// allow comments silenced are counted at the end: "; 2 warnings allowed".
pub fn summary(findings: &Findings<'_>, files_checked: usize) -> String {
    let diagnostics = findings.diagnostics;
    let tally = Tally::of(diagnostics);
    let mut files: Vec<_> = diagnostics
        .iter()
        .filter_map(|d| d.primary_span().map(|span| span.file()))
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
    let mut line = if counts.is_empty() {
        format!("no problems found in {}", plural(files_checked, "file", "files"))
    } else {
        format!("{} in {}", counts.join(", "), plural(files.len(), "file", "files"))
    };
    if !findings.suppressed.is_empty() {
        line.push_str(&format!(
            "; {} allowed",
            plural(findings.suppressed.len(), "warning", "warnings")
        ));
    }
    line
}

fn plural(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

/// Whether the command fails for warnings alone, because they are denied.
fn denied_warnings_only(diagnostics: &[Diagnostic], deny_warnings: bool) -> bool {
    let tally = Tally::of(diagnostics);
    deny_warnings && tally.errors == 0 && tally.warnings > 0
}

fn status_of(diagnostics: &[Diagnostic], deny_warnings: bool) -> ExitStatus {
    let tally = Tally::of(diagnostics);
    if tally.errors > 0 || (deny_warnings && tally.warnings > 0) {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    }
}

/// A unified diff of a file's text against its new text.
fn unified_diff(file: &SourceFile, new_text: &str, new_label: &str) -> String {
    similar::TextDiff::from_lines(file.text.as_str(), new_text)
        .unified_diff()
        .context_radius(3)
        .header(&file.name, &format!("{} ({new_label})", file.name))
        .to_string()
}

/// `crmpol explain CODE|SETTING`: a code's entry of `docs/diagnostics.md`,
/// or what a setting does, from the settings schema.
pub fn explain(topic: &str) -> CommandOutput {
    let setting_name = crate::vocabulary::fold_whitespace(&topic.to_lowercase());
    if let Some(key) = SettingKey::from_name(&setting_name) {
        return CommandOutput {
            stdout: crate::settings::explain(key),
            stderr: String::new(),
            status: ExitStatus::Success,
        };
    }
    let Some(code) = Code::parse(topic) else {
        return CommandOutput::could_not_run(unknown_topic(topic));
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

/// What `explain` says about a word that is neither a code nor a setting:
/// a setting it looks like, or else the list of codes.
fn unknown_topic(topic: &str) -> String {
    let names = crate::settings::setting_names();
    if let Some(meant) = crate::vocabulary::closest(topic, &names) {
        return format!(
            "unknown code or setting `{}`; did you mean the setting `{meant}`?",
            crate::text::quoted(topic)
        );
    }
    let known: Vec<&str> = Code::ALL.iter().map(|code| code.as_str()).collect();
    format!(
        "unknown code `{}`; the codes are {}; `crmpol explain \"SETTING\"` explains a setting",
        crate::text::quoted(topic),
        known.join(", ")
    )
}
