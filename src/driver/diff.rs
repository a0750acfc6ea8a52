//! `crmpol diff`: what a change to a policy set does to callers.
//!
//! In: two policy sets, each a path, or read at git revisions
//! (`--git REV [PATH...]` against the work tree, `--git A..B`, `--git
//! A...B` from their merge base). Out: the comparison ([`crate::diff`]) in
//! the chosen format on standard output; when a side has errors, its errors
//! on standard error and exit 1, since a set with errors has no table to
//! compare. `--exit-code` makes a behaviour change exit 3.

use super::{CommandOutput, ExitStatus};
use crate::diff::{self, Side, human, markdown};
use crate::render::{self, MessageFormat, RenderOptions};
use crate::source::SourceSet;
use crate::source::git::{GitError, Repository};
use crate::{Analysis, Diagnostic};
use std::path::PathBuf;

/// How `crmpol diff` prints the comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiffFormat {
    Human,
    Markdown,
    Json,
}

#[derive(Clone, Debug)]
pub struct DiffOptions {
    /// `OLD NEW` without `--git`; the paths to read at each revision with it.
    pub paths: Vec<PathBuf>,
    /// `REV`, `A..B` or `A...B`.
    pub git: Option<String>,
    pub format: DiffFormat,
    /// Exit 3 when the two sides behave differently.
    pub exit_code: bool,
    /// For the human format and for the errors of a side.
    pub render: RenderOptions,
    /// Entries listed per cause; `None`: the format's default.
    pub max_witnesses: Option<usize>,
}

/// A side to compare, read and named.
struct LoadedSide {
    label: String,
    sources: SourceSet,
}

/// `crmpol diff`.
pub fn diff(options: &DiffOptions) -> CommandOutput {
    let (before, after) = match load_sides(options) {
        Ok(sides) => sides,
        Err(messages) => return CommandOutput::could_not_run_all(messages),
    };
    let analyses = (crate::analyze(&before.sources), crate::analyze(&after.sources));
    let mut stderr = String::new();
    for (name, side, analysis) in [("before", &before, &analyses.0), ("after", &after, &analyses.1)] {
        if analysis.has_errors() {
            stderr.push_str(&side_errors(name, side, analysis, options.render));
        }
    }
    if !stderr.is_empty() {
        return CommandOutput {
            stdout: String::new(),
            stderr,
            status: ExitStatus::Failure,
        };
    }
    let comparison = diff::compare(
        &Side {
            sources: &before.sources,
            analysis: &analyses.0,
        },
        &Side {
            sources: &after.sources,
            analysis: &analyses.1,
        },
    );
    let default_witnesses = match options.format {
        DiffFormat::Markdown => markdown::DEFAULT_WITNESSES,
        _ => human::DEFAULT_WITNESSES,
    };
    let human_options = human::Options {
        before_label: before.label,
        after_label: after.label,
        color: options.render.color,
        max_witnesses: options.max_witnesses.unwrap_or(default_witnesses),
    };
    let stdout = match options.format {
        DiffFormat::Human => human::render(&comparison, &human_options),
        DiffFormat::Markdown => markdown::render(&comparison, &human_options),
        DiffFormat::Json => diff::json::render(&comparison),
    };
    let status = if options.exit_code && comparison.has_changes() {
        ExitStatus::Differs
    } else {
        ExitStatus::Success
    };
    CommandOutput {
        stdout,
        stderr: String::new(),
        status,
    }
}

/// "error: the policy set before (OLD) has errors; they must be fixed to
/// compare", then the errors, as `check` shows them.
fn side_errors(name: &str, side: &LoadedSide, analysis: &Analysis, render_options: RenderOptions) -> String {
    let errors: Vec<Diagnostic> = analysis
        .diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.is_error())
        .cloned()
        .collect();
    let count = errors.len();
    let noun = if count == 1 { "error" } else { "errors" };
    let mut text = format!(
        "error: the policy set {name} the change ({}) has {count} {noun}; fix {} to compare the two\n\n",
        crate::text::escape_hidden(&side.label),
        if count == 1 { "it" } else { "them" },
    );
    text.push_str(&render::render(
        &errors,
        &[],
        &side.sources,
        MessageFormat::Human,
        render_options,
    ));
    text
}

/// Reads both sides, or says every reason it could not.
fn load_sides(options: &DiffOptions) -> Result<(LoadedSide, LoadedSide), Vec<String>> {
    match &options.git {
        None => match options.paths.as_slice() {
            [old, new] => {
                let before = from_disk(std::slice::from_ref(old), path_label(std::slice::from_ref(old)));
                let after = from_disk(std::slice::from_ref(new), path_label(std::slice::from_ref(new)));
                both(before, after)
            }
            _ => Err(vec![
                "`crmpol diff` compares two policy sets: give OLD and NEW (each a file or folder), \
                 or `--git REV [PATH...]`"
                    .to_owned(),
            ]),
        },
        Some(spec) => from_git(spec, &options.paths),
    }
}

fn both(
    before: Result<LoadedSide, Vec<String>>,
    after: Result<LoadedSide, Vec<String>>,
) -> Result<(LoadedSide, LoadedSide), Vec<String>> {
    match (before, after) {
        (Ok(before), Ok(after)) => Ok((before, after)),
        (before, after) => Err([before.err(), after.err()].into_iter().flatten().flatten().collect()),
    }
}

fn from_disk(paths: &[PathBuf], label: String) -> Result<LoadedSide, Vec<String>> {
    let mut sources =
        SourceSet::load(paths).map_err(|errors| errors.iter().map(ToString::to_string).collect::<Vec<_>>())?;
    let (trees, _) = crate::syntax::parse_set(&sources);
    crate::catalog::attach::attach_declared(&mut sources, &trees);
    Ok(LoadedSide { label, sources })
}

/// `policies`, `a.crmpol b.crmpol`, `.` for none.
fn path_label(paths: &[PathBuf]) -> String {
    if paths.is_empty() {
        return ".".to_owned();
    }
    paths
        .iter()
        .map(|path| path.display().to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The sides `--git SPEC` names: `A...B` (from the merge base of A and B
/// to B), `A..B` (A to B), or `REV` (REV to the work tree). An empty end
/// of a range means `HEAD`, as in git.
fn from_git(spec: &str, paths: &[PathBuf]) -> Result<(LoadedSide, LoadedSide), Vec<String>> {
    let repository = Repository::discover().map_err(|error| vec![error.to_string()])?;
    let paths_shown = path_label(paths);
    let or_head = |end: &str| {
        if end.is_empty() {
            "HEAD".to_owned()
        } else {
            end.to_owned()
        }
    };
    let at = |revision: &str, commit: &str| -> Result<LoadedSide, Vec<String>> {
        let mut sources = repository
            .policy_set(commit, revision, paths)
            .map_err(|errors| errors.iter().map(GitError::to_string).collect::<Vec<_>>())?;
        sources.set_catalog(repository.catalog_at(commit, revision, &sources));
        Ok(LoadedSide {
            label: format!("{paths_shown} at {revision}"),
            sources,
        })
    };
    let commit = |revision: &str| repository.commit(revision).map_err(|error| vec![error.to_string()]);
    if let Some((first, second)) = spec.split_once("...") {
        let (first, second) = (or_head(first), or_head(second));
        let (old, new) = (commit(&first)?, commit(&second)?);
        let base = repository
            .merge_base(&old, &new)
            .map_err(|error| vec![error.to_string()])?;
        let before = at(&format!("the merge base of {first} and {second}"), &base);
        return both(before, at(&second, &new));
    }
    if let Some((first, second)) = spec.split_once("..") {
        let (first, second) = (or_head(first), or_head(second));
        let (old, new) = (commit(&first)?, commit(&second)?);
        return both(at(&first, &old), at(&second, &new));
    }
    let old = commit(spec)?;
    let work_tree_paths = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    both(
        at(spec, &old),
        from_disk(&work_tree_paths, format!("{paths_shown} in the work tree")),
    )
}
