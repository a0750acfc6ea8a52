//! `crmpol compile`.

use super::{CommandOutput, CommonOptions, ExitStatus, Findings, denied_warnings_only, report, status_of};
use crate::emit::{self, TableFormat};
use crate::write::{self, Destination};
use std::path::Path;

/// `crmpol compile`: check, then print the table or write it to `output`.
/// Diagnostics go to standard error, as standard output may carry the table.
/// With errors nothing is printed or written, and an existing `output` file
/// is left as it was. An `output` that is one of the policy files is
/// refused before anything else happens.
pub fn compile(options: &CommonOptions, format: TableFormat, output: Option<&Path>) -> CommandOutput {
    let snapshot = match super::load_snapshot(&options.paths, options.catalog.as_deref()) {
        Ok(snapshot) => snapshot,
        Err(output) => return output,
    };
    let sources = &snapshot.sources;
    let inputs: Vec<(&Path, &str)> = sources
        .iter()
        .map(|(_, file)| (Path::new(&file.path), file.name.as_str()))
        .collect();
    let destination = match write::destination(output, &inputs) {
        Ok(destination) => destination,
        Err(error) => return CommandOutput::could_not_run(error),
    };
    let analysis = &snapshot.analysis;
    let mut stderr = report(&Findings::of(analysis), sources, options);
    let status = status_of(&analysis.diagnostics, options.deny_warnings);
    if status != ExitStatus::Success {
        if denied_warnings_only(&analysis.diagnostics, options.deny_warnings) && options.message_format.is_for_people()
        {
            stderr.push_str("error: no table was written: warnings are denied by --deny-warnings\n");
        }
        return CommandOutput {
            stdout: String::new(),
            stderr,
            status,
        };
    }
    match destination {
        Destination::Stdout | Destination::Stderr => match emit::emit_policy(&analysis.policy, format) {
            Ok(table) if matches!(destination, Destination::Stderr) => CommandOutput {
                stdout: String::new(),
                stderr: stderr + &table,
                status,
            },
            Ok(table) => CommandOutput {
                stdout: table,
                stderr,
                status,
            },
            Err(error) => CommandOutput::could_not_run(error),
        },
        // Written as it is made: a large policy set's table is hundreds of
        // megabytes, and is never held whole.
        ref file => match write::write_file_with(file, &mut |out| {
            emit::write_policy(&analysis.policy, format, out).map_err(|error| std::io::Error::other(error.to_string()))
        }) {
            Ok(()) => CommandOutput {
                stdout: String::new(),
                stderr,
                status,
            },
            Err(error) => {
                let mut failed = CommandOutput::could_not_run(error);
                failed.stderr.insert_str(0, &stderr);
                failed
            }
        },
    }
}
