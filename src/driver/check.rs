//! `crmpol check`, with `--fix` and `--fix --diff`.

use super::{CommandOutput, CommonOptions, ExitStatus, Findings, report, status_of, unified_diff, write_report};
use crate::fix::{self, AppliedFix, FixOptions};
use crate::source::{FileId, SourceSet};
use crate::write;
use std::path::Path;

/// What `check` does about fixes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FixRequest {
    /// Report only.
    #[default]
    None,
    /// Apply the automatic fixes in place (`--fix`).
    Apply(FixOptions),
    /// Show what `--fix` would write as a unified diff, writing nothing
    /// (`--fix --diff`).
    Diff(FixOptions),
}

/// `crmpol check`: parse and check, print diagnostics on standard output
/// (they are what the command is for). With a fix request, first apply
/// every automatic fix, writing the changed files as one change, and report
/// each fix on standard error once it is on disk.
pub fn check(options: &CommonOptions, request: FixRequest) -> CommandOutput {
    let mut report = Vec::new();
    let mut output = check_to(options, request, &mut report);
    if !report.is_empty() {
        output.stdout = crate::text::from_written(report);
    }
    output
}

/// [`check`], with the report of diagnostics written to `stdout` as it is
/// made rather than returned (a large report is never held whole). A
/// stream that stops taking text (a closed pipe) ends the report there;
/// it is not an error. What `--fix` reports is returned as [`check`]
/// returns it.
pub fn check_to(options: &CommonOptions, request: FixRequest, stdout: &mut dyn std::io::Write) -> CommandOutput {
    let snapshot = match super::load_snapshot(&options.paths, options.catalog.as_deref()) {
        Ok(snapshot) => snapshot,
        Err(output) => return output,
    };
    let sources = snapshot.sources.clone();
    match request {
        FixRequest::None => report_findings(snapshot, &sources, options, stdout),
        FixRequest::Apply(fix_options) => fix_in_place(sources, options, fix_options),
        FixRequest::Diff(fix_options) => fix_diff(sources, fix_options),
    }
}

/// The report of a check. The syntax trees and the resolved policy are let
/// go of first: the report needs only the diagnostics and the sources, and
/// on a large policy set the trees and the policy are most of the memory in
/// use, which the report's own work can then reuse.
fn report_findings(
    snapshot: std::sync::Arc<crate::workspace::Snapshot>,
    sources: &SourceSet,
    options: &CommonOptions,
    stdout: &mut dyn std::io::Write,
) -> CommandOutput {
    let (diagnostics, suppressed) = match std::sync::Arc::try_unwrap(snapshot) {
        Ok(snapshot) => (snapshot.analysis.diagnostics, snapshot.analysis.suppressed),
        Err(shared) => (shared.analysis.diagnostics.clone(), shared.analysis.suppressed.clone()),
    };
    let findings = Findings {
        diagnostics: &diagnostics,
        suppressed: &suppressed,
    };
    let _ = write_report(&findings, sources, options, stdout).and_then(|()| stdout.flush());
    let mut output = CommandOutput {
        stdout: String::new(),
        stderr: String::new(),
        status: status_of(&diagnostics, options.deny_warnings),
    };
    note_denied_warnings(&mut output, options, &diagnostics);
    output
}

/// When only warnings failed the command (`--deny-warnings`), the short
/// and github formats say so on standard error; the human format says it
/// in its summary line, and the formats for tools carry no prose.
fn note_denied_warnings(output: &mut CommandOutput, options: &CommonOptions, diagnostics: &[crate::Diagnostic]) {
    let format = options.message_format;
    if super::denied_warnings_only(diagnostics, options.deny_warnings)
        && format.is_for_people()
        && format != crate::render::MessageFormat::Human
    {
        output
            .stderr
            .push_str("error: warnings are denied by --deny-warnings\n");
    }
}

/// One line per fix: `fixed FILE:LINE: DESCRIPTION [CODE]`.
fn fix_lines(verb: &str, applied: &[AppliedFix], sources: &SourceSet, written: &dyn Fn(FileId) -> bool) -> String {
    applied
        .iter()
        .filter(|fix| written(fix.file))
        .map(|applied| {
            // A later round's line counts lines after the earlier fixes.
            let after = if applied.round > 1 {
                " (after the fixes above)"
            } else {
                ""
            };
            format!(
                "{verb} {}:{}: {} [{}]{after}\n",
                sources.name(applied.file),
                applied.line,
                applied.description,
                applied.code
            )
        })
        .collect()
}

/// The files whose text the fixes changed, with their new bytes.
fn changed_files<'a>(original: &'a SourceSet, fixed: &'a SourceSet) -> Vec<(FileId, &'a str, Vec<u8>)> {
    original
        .iter()
        .zip(fixed.iter())
        .filter(|((_, before), (_, after))| before.text != after.text)
        .map(|((id, before), (_, after))| (id, before.path.as_str(), after.to_bytes()))
        .collect()
}

fn fix_in_place(original: SourceSet, options: &CommonOptions, fix_options: FixOptions) -> CommandOutput {
    let mut sources = original.clone();
    let fixed = fix::fix_all(&mut sources, fix_options);
    let changed = changed_files(&original, &sources);
    let files: Vec<(&Path, &[u8])> = changed
        .iter()
        .map(|(_, path, bytes)| (Path::new(*path), bytes.as_slice()))
        .collect();
    if let Err(failure) = write::write_all_or_none(&files) {
        // Nothing was changed (or, if a rename failed mid-way, only the files
        // listed as replaced): report what is true of the files on disk.
        let replaced = |id: FileId| {
            changed
                .iter()
                .any(|(file, path, _)| *file == id && failure.replaced.iter().any(|done| done == Path::new(path)))
        };
        let mut output = CommandOutput::could_not_run_all(&failure.errors);
        output
            .stderr
            .insert_str(0, &fix_lines("fixed", &fixed.applied, &sources, &replaced));
        let not_written: Vec<String> = changed
            .iter()
            .filter(|(id, _, _)| !replaced(*id))
            .map(|(id, _, _)| format!("`{}`", sources.name(*id)))
            .collect();
        let none = if failure.replaced.is_empty() {
            "no file was changed"
        } else {
            "the other files were changed as reported above"
        };
        output.stderr.push_str(&format!(
            "error: fixes not written to {}; {none}\n",
            crate::text::and_list(&not_written)
        ));
        let analysis = crate::analyze(&original);
        output.stdout = report(&Findings::of(&analysis), &original, options);
        return output;
    }
    let analysis = fixed.analysis;
    let mut output = CommandOutput {
        stdout: report(&Findings::of(&analysis), &sources, options),
        stderr: fix_lines("fixed", &fixed.applied, &original, &|_| true),
        status: status_of(&analysis.diagnostics, options.deny_warnings),
    };
    note_denied_warnings(&mut output, options, &analysis.diagnostics);
    output
}

/// `check --fix --diff`: what `--fix` would write, as a unified diff on
/// standard output, each fix on standard error; nothing is written. Exits 1
/// when some file would change, like `fmt --check`.
fn fix_diff(original: SourceSet, fix_options: FixOptions) -> CommandOutput {
    let mut sources = original.clone();
    let fixed = fix::fix_all(&mut sources, fix_options);
    let mut stdout = String::new();
    for ((_, before), (_, after)) in original.iter().zip(sources.iter()) {
        if before.text != after.text {
            stdout.push_str(&unified_diff(before, &after.text, "fixed"));
        }
    }
    CommandOutput {
        status: if stdout.is_empty() {
            ExitStatus::Success
        } else {
            ExitStatus::Failure
        },
        stdout,
        stderr: fix_lines("would fix", &fixed.applied, &original, &|_| true),
    }
}
