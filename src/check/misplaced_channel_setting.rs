//! E0105: a setting that decides one channel only, written inside the other
//! channel's block (`delay call ...` in `chat { }`). It takes effect nowhere.
//! The fix moves it where it belongs: into the owner's block for its own
//! channel when there is one, else out of the wrong block into the owner's
//! plain settings, where it affects its channel's entries only.

use super::edits::{insert_setting, remove_statement};
use super::{CheckContext, CheckRule};
use crate::diagnostic::{Code, Diagnostic, Fix};
use crate::resolve::{MisplacedSetting, Owner, Scope};
use crate::settings::SettingKey;
use crate::syntax::NodeKind;
use crate::vocabulary::Channel;

pub struct MisplacedChannelSetting;

impl CheckRule for MisplacedChannelSetting {
    fn code(&self) -> Code {
        Code::E0105
    }

    fn check(&self, context: &CheckContext<'_>) -> Vec<Diagnostic> {
        context
            .policy
            .misplaced
            .iter()
            .map(|misplaced| diagnose(context, misplaced))
            .collect()
    }
}

/// The one channel a setting decides.
fn own_channel(key: SettingKey) -> Option<Channel> {
    match key.spec().channels {
        [channel] => Some(*channel),
        _ => None,
    }
}

fn diagnose(context: &CheckContext<'_>, misplaced: &MisplacedSetting) -> Diagnostic {
    let key = misplaced.key;
    let own = own_channel(key);
    let applies = own.map_or_else(|| "its channel".to_owned(), |channel| format!("{channel}s"));
    let mut diagnostic = Diagnostic::new(
        Code::E0105,
        format!(
            "`{key}` decides {applies} only, but stands in a `{}` block",
            misplaced.channel
        ),
    )
    .with_primary(misplaced.span, format!("no {} entry can use this", misplaced.channel));
    if let Some(block) = enclosing_block_header(context, misplaced) {
        diagnostic = diagnostic.with_secondary(block, format!("the `{}` block", misplaced.channel));
    }
    diagnostic = diagnostic
        .with_help(format!(
            "move it out of the `{}` block: outside channel blocks it affects only {applies}",
            misplaced.channel
        ))
        .with_note("a statement in the wrong channel block takes effect nowhere");
    match own.and_then(|channel| move_fix(context, misplaced, channel)) {
        Some(fix) => diagnostic.with_fix(fix),
        None => diagnostic,
    }
}

/// The header of the channel block the statement stands in.
fn enclosing_block_header(context: &CheckContext<'_>, misplaced: &MisplacedSetting) -> Option<crate::Span> {
    let tree = context.trees.get(misplaced.statement.file.0)?;
    let parent = tree.node(tree.node(misplaced.statement.node)?.parent()?)?;
    match &parent.kind {
        NodeKind::Channel(channel) => Some(channel.span),
        _ => None,
    }
}

/// Moves the statement to where it belongs. Safe when nothing is there for
/// the setting yet (the statement keeps its value and reaches exactly the
/// entries it was written for); when the destination already states the
/// setting with the same value the misplaced line is only removed (safe);
/// with another value, which one was meant is a guess, so no fix.
fn move_fix(context: &CheckContext<'_>, misplaced: &MisplacedSetting, own: Channel) -> Option<Fix> {
    let slots = match misplaced.owner {
        Owner::Defaults => &context.policy.defaults,
        Owner::Queue(queue) => &context.policy.queue(queue)?.slots,
    };
    let has_own_block = has_channel_block(context, misplaced.owner, own);
    let scope = if has_own_block {
        Scope::Channel(own)
    } else {
        Scope::Plain
    };
    let removal = remove_statement(context, misplaced.statement, misplaced.span);
    let place = context.describe_place(misplaced.owner, scope);
    match slots
        .get(scope, misplaced.key)
        .and_then(|id| context.policy.assignment(id))
    {
        Some(existing) if existing.value == misplaced.value => Some(Fix::safe(
            format!(
                "remove the line: {place} already says `{}: {}`",
                misplaced.key, misplaced.value
            ),
            vec![removal],
        )),
        Some(_) => None,
        None => {
            let mut edits = vec![removal];
            edits.extend(insert_setting(
                context,
                misplaced.owner,
                scope,
                misplaced.key,
                misplaced.value,
            )?);
            Some(Fix::safe(
                format!("move `{}: {}` to {place}", misplaced.key, misplaced.value),
                edits,
            ))
        }
    }
}

/// Whether the owner has a block for `channel` in any of its statements.
fn has_channel_block(context: &CheckContext<'_>, owner: Owner, channel: Channel) -> bool {
    let statements = match owner {
        Owner::Defaults => &context.policy.defaults_statements,
        Owner::Queue(queue) => match context.policy.queue(queue) {
            Some(queue) => &queue.statements,
            None => return false,
        },
    };
    statements.iter().any(|statement| {
        context.trees.get(statement.file.0).is_some_and(|tree| {
            tree.children(statement.node)
                .any(|(_, child)| matches!(&child.kind, NodeKind::Channel(c) if c.value == channel))
        })
    })
}
