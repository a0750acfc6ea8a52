//! Where a combination's values are written in a policy.
//!
//! In: a [`Combination`], a CRM name, a spelling choice and whether the text
//! must stay v1 (no v2 setting written at its default, so today's v1 parser
//! reads it). Out: the [`Policy`] holding the combination in one of five
//! layouts. Inside queues only values that differ from the built-in default
//! are written (a default there would be W0201); `defaults` may state
//! built-in values (v1 §6, W0201), so some layouts write every value there.

use crate::model::{Combination, Setting};
use crate::policy::{Block, Policy, Scope};

use Setting::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placement {
    /// All eleven values in `defaults`, one leaf `Support` with nothing.
    AllInDefaults,
    /// The non-default values as plain settings of the leaf `Support`.
    InQueue,
    /// Mapping, records and window in `defaults`; the creation switches, call
    /// delay and abandoned in the parent `Support`; lookup, append, chat
    /// delay and push in the leaf `Support/Billing`; a sibling leaf
    /// `Support/Refunds` with nothing of its own.
    Split,
    /// Chat delay in the `defaults` chat block; call delay, account
    /// creation and append in `Support`'s `call { }`; the rest in its
    /// `chat { }`: the two channels get different combinations.
    ChannelBlocks,
    /// The v1 settings and the three two-channel v2 settings in `Support`;
    /// the chat delay misplaced in the `defaults` `call { }` block and the
    /// call delay misplaced in `Support`'s `chat { }` (E0105 when written).
    Misplaced,
}

impl Placement {
    pub const ALL: [Placement; 5] = [
        Placement::AllInDefaults,
        Placement::InQueue,
        Placement::Split,
        Placement::ChannelBlocks,
        Placement::Misplaced,
    ];

    pub fn policy(self, c: &Combination, crm: &'static str, alternate: bool, v1_text: bool) -> Policy {
        let mut policy = Policy::new(crm, alternate);
        // `always`: write even the built-in value (only used in `defaults`),
        // except a v2 setting in v1 text.
        let put = |policy: &mut Policy, scope: Scope, block: Block, settings: &[Setting], always: bool| {
            for &setting in settings {
                let differs = c.differs_from_built_in(setting);
                let write = differs || (always && !(v1_text && setting.is_v2()));
                if write {
                    policy.state(scope.clone(), block, setting, c.get(setting));
                }
            }
        };
        let support = || Scope::Queue(vec!["Support"]);
        match self {
            Placement::AllInDefaults => {
                put(&mut policy, Scope::Defaults, Block::Plain, &Setting::ALL, true);
                policy.queue(&["Support"]);
            }
            Placement::InQueue => {
                policy.queue(&["Support"]);
                put(&mut policy, support(), Block::Plain, &Setting::ALL, false);
            }
            Placement::Split => {
                put(
                    &mut policy,
                    Scope::Defaults,
                    Block::Plain,
                    &[MapSessionDataTo, Records, AppendToClosedRecordsWithin],
                    true,
                );
                policy.queue(&["Support"]);
                put(
                    &mut policy,
                    support(),
                    Block::Plain,
                    &[
                        SkipAccountCreation,
                        SkipRecordCreation,
                        DelayCallRecordCreation,
                        CreateRecordsForAbandonedSessions,
                    ],
                    false,
                );
                policy.queue(&["Support", "Billing"]);
                put(
                    &mut policy,
                    Scope::Queue(vec!["Support", "Billing"]),
                    Block::Plain,
                    &[
                        SkipAccountLookup,
                        AppendToLatestOpenRecord,
                        DelayChatRecordCreation,
                        PushSessionDataToAccount,
                    ],
                    false,
                );
                policy.queue(&["Support", "Refunds"]);
            }
            Placement::ChannelBlocks => {
                put(
                    &mut policy,
                    Scope::Defaults,
                    Block::Chat,
                    &[DelayChatRecordCreation],
                    true,
                );
                policy.queue(&["Support"]);
                put(
                    &mut policy,
                    support(),
                    Block::Call,
                    &[DelayCallRecordCreation, SkipAccountCreation, AppendToLatestOpenRecord],
                    false,
                );
                put(
                    &mut policy,
                    support(),
                    Block::Chat,
                    &[
                        MapSessionDataTo,
                        SkipRecordCreation,
                        SkipAccountLookup,
                        Records,
                        AppendToClosedRecordsWithin,
                        CreateRecordsForAbandonedSessions,
                        PushSessionDataToAccount,
                    ],
                    false,
                );
            }
            Placement::Misplaced => {
                put(
                    &mut policy,
                    Scope::Defaults,
                    Block::Call,
                    &[DelayChatRecordCreation],
                    false,
                );
                policy.queue(&["Support"]);
                let plain: Vec<Setting> = Setting::ALL
                    .into_iter()
                    .filter(|s| s.only_channel().is_none())
                    .collect();
                put(&mut policy, support(), Block::Plain, &plain, false);
                put(&mut policy, support(), Block::Chat, &[DelayCallRecordCreation], false);
            }
        }
        policy
    }
}
