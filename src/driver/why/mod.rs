//! `crmpol why`: why a queue behaves as it does.
//!
//! In: the policy set's paths, a queue as a person writes it
//! (`'"Support" / "Billing"'` or `Support/Billing`), an optional channel,
//! the output format and whether to colour. Out: for each leaf/channel
//! entry at or below the queue, the explanation [`crate::query::why`] gives
//! (each value in effect and the statements behind it, the entry's rows of
//! the decision table, the diagnostics that concern it), for people or as
//! JSON; exit status 1 when the policy set has errors, and 2, with a "did
//! you mean", when the queue is not in it.

mod human;
mod json;

use super::{CommandOutput, ExitStatus, Findings, summary};
use crate::diagnostic::Tally;
use crate::query::Semantics;
use crate::query::find_queue::{QueueLookup, QueueQuery};
use crate::resolve::{QueueId, ResolvedPolicy};
use crate::text::{self, or_list};
use crate::vocabulary::Channel;
use std::path::PathBuf;

/// How `why` prints its answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WhyFormat {
    Human,
    Json,
}

/// Options of `crmpol why`.
#[derive(Clone, Debug)]
pub struct WhyOptions {
    pub paths: Vec<PathBuf>,
    /// The queue as written on the command line.
    pub queue: String,
    pub channel: Option<Channel>,
    /// `--catalog FILE`.
    pub catalog: Option<PathBuf>,
    pub format: WhyFormat,
    /// Colour the human format.
    pub color: bool,
}

/// `crmpol why`: the explanation on standard output; a queue that cannot
/// be read or found is an error on standard error, exit status 2.
pub fn why(options: &WhyOptions) -> CommandOutput {
    let query = match QueueQuery::parse(&options.queue) {
        Ok(query) => query,
        Err(reason) => {
            return CommandOutput::could_not_run(format!(
                "cannot read the queue `{}`: {reason}",
                text::quoted(&options.queue)
            ));
        }
    };
    let snapshot = match super::load_snapshot(&options.paths, options.catalog.as_deref()) {
        Ok(snapshot) => snapshot,
        Err(output) => return output,
    };
    let semantics = Semantics::of(&snapshot);
    let analysis = &snapshot.analysis;
    let queue = match semantics.find_queue(&query) {
        QueueLookup::Found(queue) => queue,
        QueueLookup::Ambiguous(queues) => return ambiguous(&analysis.policy, &options.queue, &queues),
        QueueLookup::Unknown(suggestions) => {
            return unknown(&analysis.policy, &options.queue, &query, &suggestions);
        }
    };
    let explained = semantics.why(queue, options.channel);
    let stdout = match options.format {
        WhyFormat::Human => {
            let set_summary =
                (!analysis.diagnostics.is_empty()).then(|| summary(&Findings::of(analysis), snapshot.sources.len()));
            human::render(&semantics, &explained, set_summary.as_deref(), options.color)
        }
        WhyFormat::Json => json::render(&semantics, queue, options.channel, &explained),
    };
    CommandOutput {
        stdout,
        stderr: String::new(),
        status: if Tally::of(&analysis.diagnostics).errors > 0 {
            ExitStatus::Failure
        } else {
            ExitStatus::Success
        },
    }
}

/// `error:` and `help:` lines, exit status 2.
fn usage_error(error: String, help: String) -> CommandOutput {
    CommandOutput {
        stdout: String::new(),
        stderr: format!("error: {error}\nhelp: {help}\n"),
        status: ExitStatus::CouldNotRun,
    }
}

fn unknown(policy: &ResolvedPolicy, written: &str, query: &QueueQuery, suggestions: &[QueueId]) -> CommandOutput {
    let error = format!("no queue `{}` in the policy set", text::quoted(written));
    if policy.queues.is_empty() {
        return usage_error(error, "the policy set has no queues".to_owned());
    }
    let plain = matches!(query, QueueQuery::Plain(_));
    let help = if suggestions.is_empty() {
        const LISTED: usize = 5;
        let roots: Vec<String> = policy
            .roots
            .iter()
            .take(LISTED)
            .map(|&root| format!("`{}`", as_written(policy, root, plain)))
            .collect();
        let more = policy.roots.len().saturating_sub(LISTED);
        let more = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        format!("its top-level queues are {}{more}", crate::text::and_list(&roots))
    } else {
        let meant: Vec<String> = suggestions
            .iter()
            .map(|&queue| format!("`{}`", as_written(policy, queue, plain)))
            .collect();
        format!("did you mean {}?", or_list(&meant))
    };
    usage_error(error, help)
}

fn ambiguous(policy: &ResolvedPolicy, written: &str, queues: &[QueueId]) -> CommandOutput {
    let paths: Vec<String> = queues
        .iter()
        .map(|&queue| format!("`{}`", policy.display_path(queue)))
        .collect();
    let error = format!(
        "`{}` could be any of {} queues: {}",
        text::quoted(written),
        queues.len(),
        or_list(&paths)
    );
    let example = queues
        .first()
        .map_or_else(String::new, |&queue| policy.display_path(queue));
    usage_error(
        error,
        format!("a queue name holds a `/`: quote each name as a policy does, such as --queue '{example}'"),
    )
}

/// A queue path as the person wrote theirs: plain `Support/Billing` when
/// they did and the names allow it, else quoted as the language writes it.
fn as_written(policy: &ResolvedPolicy, queue: QueueId, plain: bool) -> String {
    let names = policy.path(queue);
    let plain_reads_back = names
        .iter()
        .all(|name| !name.contains('/') && text::trim_blanks(name) == *name && !name.starts_with('"'));
    if plain && plain_reads_back {
        text::quoted(&names.join("/")).into_owned()
    } else {
        policy.display_path(queue)
    }
}
