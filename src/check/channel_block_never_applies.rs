//! W0301: a channel block that never applies: with a catalog, no entry at
//! or below its queue takes that channel (`chat { }` on a queue whose
//! catalog subtree is IVR only), or, in `defaults`, no entry of the
//! catalog does.

use super::edits::remove_statement;
use super::{CheckContext, CheckRule};
use crate::catalog::ChannelSet;
use crate::diagnostic::{Code, Diagnostic, Fix};
use crate::syntax::{NodeKind, NodeRef};
use crate::vocabulary::Channel;

pub struct ChannelBlockNeverApplies;

impl CheckRule for ChannelBlockNeverApplies {
    fn code(&self) -> Code {
        Code::W0301
    }

    fn check(&self, context: &CheckContext<'_>) -> Vec<Diagnostic> {
        let Some(catalog) = context.catalog() else {
            return Vec::new();
        };
        let policy = context.policy;
        let mut diagnostics = Vec::new();
        let everywhere = catalog
            .entries()
            .iter()
            .fold(ChannelSet::NONE, |set, entry| set.with(entry.channel));
        for statement in &policy.defaults_statements {
            diagnostics.extend(blocks_outside(
                context,
                *statement,
                everywhere,
                "`defaults`",
                &|channel| format!("no queue of the catalog takes {}", plural(channel)),
            ));
        }
        // Only the queues the policy opens: naming a queue costs its depth,
        // and a catalog may be 10,000 levels deep.
        let opened = policy
            .queues
            .iter()
            .enumerate()
            .filter(|(_, queue)| !queue.statements.is_empty());
        for (index, queue) in opened {
            let Some(info) = queue.catalog.and_then(|path| catalog.info(path)) else {
                continue;
            };
            let owner = format!("queue `{}`", policy.display_path(crate::resolve::QueueId(index)));
            for statement in &queue.statements {
                diagnostics.extend(blocks_outside(
                    context,
                    *statement,
                    info.channels_at_or_below(),
                    &owner,
                    &|channel| {
                        format!(
                            "in the catalog, neither this queue nor any queue below it takes {}",
                            plural(channel)
                        )
                    },
                ));
            }
        }
        diagnostics
    }
}

/// The channel blocks of a statement's block whose channel `channels` lacks.
fn blocks_outside(
    context: &CheckContext<'_>,
    statement: NodeRef,
    channels: ChannelSet,
    owner: &str,
    note: &dyn Fn(Channel) -> String,
) -> Vec<Diagnostic> {
    let Some(tree) = context.trees.get(statement.file.0) else {
        return Vec::new();
    };
    tree.children(statement.node)
        .filter_map(|(id, node)| match &node.kind {
            NodeKind::Channel(channel) if !channels.contains(channel.value) => Some((id, node, channel.value)),
            _ => None,
        })
        .map(|(id, node, channel)| {
            let block = NodeRef {
                file: statement.file,
                node: id,
            };
            let whole = node.block().and_then(|block| block.close).map_or(node.span, |close| {
                crate::source::Span::new(node.span.file(), node.span.start(), close.end())
            });
            Diagnostic::new(Code::W0301, format!("the `{channel}` block of {owner} never applies"))
                .with_primary(node.span, format!("no {} here", plural(channel)))
                .with_note(note(channel))
                .with_help("remove the block, or check that the catalog is the platform's current one")
                .with_fix(Fix::unsafe_fix(
                    format!("remove the `{channel}` block"),
                    vec![remove_statement(context, block, whole)],
                ))
        })
        .collect()
}

fn plural(channel: Channel) -> &'static str {
    match channel {
        Channel::Call => "calls",
        Channel::Chat => "chats",
    }
}
