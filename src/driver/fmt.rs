//! `crmpol fmt`.

use super::{CommandOutput, ExitStatus, plural, unified_diff};
use crate::diagnostic::Diagnostic;
use crate::format::{self, FormatError, FormatOptions};
use crate::render::{self, MessageFormat, RenderOptions};
use crate::source::{FileId, SourceFile, SourceSet, Span};
use crate::write;
use std::path::{Path, PathBuf};

/// What `fmt` calls standard input in its messages.
const STDIN_NAME: &str = "<stdin>";

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

/// `crmpol fmt`: rewrites files in the canonical layout, all changed files
/// as one change, and only those that change. A file with syntax errors, or
/// whose canonical layout would be absurdly large, is left alone and
/// reported (exit 1); a formatting that would change what the policy set
/// means is refused before anything is written (exit 2).
pub fn fmt(options: &FmtOptions) -> CommandOutput {
    let reads_stdin = options.paths.iter().any(|path| path.as_os_str() == "-");
    if reads_stdin && options.paths.len() > 1 {
        return CommandOutput::could_not_run(
            "`-` (standard input) cannot be formatted together with files: format it on its own, \
             `crmpol fmt -`, which writes the result to standard output",
        );
    }
    if reads_stdin {
        return fmt_stdin(options);
    }
    let sources = match SourceSet::load(&options.paths) {
        Ok(sources) => sources,
        Err(errors) => return CommandOutput::could_not_load(errors),
    };
    let formatted = match format_set(&sources, options.format) {
        Ok(formatted) => formatted,
        Err(refusal) => return CommandOutput::could_not_run(refusal),
    };
    let mut output = CommandOutput {
        stdout: String::new(),
        stderr: formatted.problems(&sources, options.render),
        status: if formatted.is_complete() {
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
                output.stdout.push_str(&unified_diff(file, text, "formatted"));
            }
        }
        if !changed.is_empty() {
            output.status = ExitStatus::Failure;
        }
        return output;
    }
    let files: Vec<(&Path, &[u8])> = changed
        .iter()
        .map(|(file, text)| (Path::new(&file.path), text.as_bytes()))
        .collect();
    if let Err(failure) = write::write_all_or_none(&files) {
        let mut failed = CommandOutput::could_not_run_all(&failure.errors);
        failed.stderr.insert_str(0, &output.stderr);
        if failure.replaced.is_empty() {
            failed.stderr.push_str("error: no file was reformatted\n");
        }
        return failed;
    }
    let left_alone = formatted.texts.iter().filter(|text| text.is_none()).count();
    let unchanged = sources.len() - changed.len() - left_alone;
    output.stderr.push_str(&format!(
        "{} reformatted, {} already formatted\n",
        plural(changed.len(), "file", "files"),
        unchanged
    ));
    output
}

/// `crmpol fmt -`: standard input formatted to standard output; with
/// `--check`, nothing printed but whether (and with `--diff`, how) it would
/// change.
fn fmt_stdin(options: &FmtOptions) -> CommandOutput {
    let mut bytes = Vec::new();
    if let Err(error) = std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes) {
        return CommandOutput::could_not_run(format!("cannot read standard input: {error}"));
    }
    let mut sources = SourceSet::new();
    sources.add(SourceFile::from_bytes(STDIN_NAME, &bytes));
    let formatted = match format_set(&sources, options.format) {
        Ok(formatted) => formatted,
        Err(refusal) => return CommandOutput::could_not_run(refusal),
    };
    let problems = formatted.problems(&sources, options.render);
    let (Some(file), Some(Some(text))) = (sources.get(FileId(0)), formatted.texts.into_iter().next()) else {
        return CommandOutput {
            stdout: String::new(),
            stderr: problems,
            status: ExitStatus::Failure,
        };
    };
    if !options.check {
        return CommandOutput {
            stdout: text,
            stderr: String::new(),
            status: ExitStatus::Success,
        };
    }
    if file.to_bytes() == text.as_bytes() {
        return CommandOutput {
            stdout: String::new(),
            stderr: String::new(),
            status: ExitStatus::Success,
        };
    }
    let mut stdout = format!("would reformat {STDIN_NAME}\n");
    if options.diff {
        stdout.push_str(&unified_diff(file, &text, "formatted"));
    }
    CommandOutput {
        stdout,
        stderr: String::new(),
        status: ExitStatus::Failure,
    }
}

/// A policy set formatted: each file's new text (`None` for a file left as
/// it is), the syntax errors of the files with any, and the other reasons
/// files were left alone.
struct FormattedSet {
    texts: Vec<Option<String>>,
    syntax_errors: Vec<Diagnostic>,
    refused: Vec<String>,
}

impl FormattedSet {
    fn is_complete(&self) -> bool {
        self.syntax_errors.is_empty() && self.refused.is_empty()
    }

    /// Why files were left alone, for standard error.
    fn problems(&self, sources: &SourceSet, options: RenderOptions) -> String {
        let mut text = render::render(&self.syntax_errors, &[], sources, MessageFormat::Human, options);
        for refusal in &self.refused {
            text.push_str(&format!("error: {refusal}\n"));
        }
        text
    }
}

/// Formats every file, then checks the set as a whole: formatting must not
/// change the decision table or any diagnostic's code and message. Returns
/// why it refuses otherwise.
fn format_set(sources: &SourceSet, options: FormatOptions) -> Result<FormattedSet, String> {
    let mut formatted = FormattedSet {
        texts: Vec::with_capacity(sources.len()),
        syntax_errors: Vec::new(),
        refused: Vec::new(),
    };
    for (id, file) in sources.iter() {
        match format::format_file(file, options) {
            Ok(text) => formatted.texts.push(Some(text)),
            Err(FormatError::Syntax(mut diagnostics)) => {
                for label in diagnostics.iter_mut().flat_map(|d| d.labels.iter_mut()) {
                    label.span = Span::new(id, label.span.start(), label.span.end());
                }
                formatted.syntax_errors.extend(diagnostics);
                formatted.texts.push(None);
            }
            Err(refusal @ FormatError::Refused(_)) => {
                formatted.refused.push(format::refusal_message(&file.name, &refusal));
                formatted.texts.push(None);
            }
            Err(FormatError::WouldChangeMeaning(why)) => return Err(internal_error(&file.name, &why)),
        }
    }
    // Both sides check against one reading of the catalog, not two.
    let mut before = sources.clone();
    let (trees, _) = crate::syntax::parse_set(&before);
    crate::catalog::attach::attach_declared(&mut before, &trees);
    let mut after = before.clone();
    for (index, text) in formatted.texts.iter().enumerate() {
        if let Some(text) = text {
            after.replace_text(FileId(index), text.clone());
        }
    }
    let before = crate::analyze(&before);
    let after = crate::analyze(&after);
    if before.table() != after.table() {
        return Err(internal_error("the policy set", "the decision table would change"));
    }
    if before.findings() != after.findings() {
        return Err(internal_error("the policy set", "its diagnostics would change"));
    }
    Ok(formatted)
}

fn internal_error(what: &str, why: &str) -> String {
    format!(
        "internal error: formatting {what} was refused because {why}; nothing was written. \
         This is a bug in crmpol: please report it with the file."
    )
}
