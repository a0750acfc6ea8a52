//! The platform's rules, as pure functions of a leaf's settings.
//!
//! In: the settings in effect for one leaf queue and channel, and the CRM.
//! Out: the rows of its entry (lookup situation × session progress), the
//! outcome in each, how many "Records" mapping options the portal offers,
//! and the combinations the portal cannot run or that lose data. The
//! decision table and the checks both call these, so the rules live in
//! exactly one place; `docs/semantics.md` ties each to the vendor statement
//! it comes from or marks it as an assumption.

use crate::settings::{LeafSettings, SessionDataTarget, SettingKey};
use crate::vocabulary::{Channel, Crm};
use serde::Serialize;

/// The integrations that can skip account and record creation. The newer
/// vendor statement lists four: Salesforce, Zendesk, ServiceNow and a custom
/// CRM (an older one had only Salesforce and custom).
pub const SKIPPING_CRMS: &[Crm] = &[Crm::Salesforce, Crm::Zendesk, Crm::Servicenow, Crm::Custom];

/// The integrations with the option to push session data to the account
/// when record creation is skipped: ServiceNow only.
pub const PUSHING_CRMS: &[Crm] = &[Crm::Servicenow];

/// Where the session data goes.
pub fn session_data_target(settings: &LeafSettings) -> SessionDataTarget {
    SessionDataTarget::of_choice(settings.choice(SettingKey::MapSessionDataTo))
}

/// The chosen "Records" option, by its position from 1.
pub fn records_option(settings: &LeafSettings) -> u8 {
    settings.choice(SettingKey::Records) + 1
}

/// What is known of the caller's account when a session arrives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Situation {
    /// Lookup done, account found, with an open record in this leaf queue.
    FoundWithOpenRecord,
    /// Lookup done, account found, no open record but one in this leaf
    /// queue closed within the window of `append to closed records within`.
    FoundWithRecentlyClosedRecord,
    /// Lookup done, account found, no open record in this leaf queue (and
    /// none closed within the window, where there is one).
    FoundWithoutOpenRecord,
    /// Lookup done, no account found.
    NotFound,
    /// Lookup skipped.
    NotLookedUp,
}

impl Situation {
    pub fn name(self) -> &'static str {
        match self {
            Situation::FoundWithOpenRecord => "found_with_open_record",
            Situation::FoundWithRecentlyClosedRecord => "found_with_recently_closed_record",
            Situation::FoundWithoutOpenRecord => "found_without_open_record",
            Situation::NotFound => "not_found",
            Situation::NotLookedUp => "not_looked_up",
        }
    }
}

/// How far a session got.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Progress {
    /// An agent was connected (for a chat waiting for N consumer messages:
    /// and the consumer sent them).
    Engaged,
    /// A chat waiting for N consumer messages: an agent was connected but
    /// the consumer sent fewer.
    Unengaged,
    /// The session ended before an agent was connected.
    Abandoned,
}

impl Progress {
    pub fn name(self) -> &'static str {
        match self {
            Progress::Engaged => "engaged",
            Progress::Unengaged => "unengaged",
            Progress::Abandoned => "abandoned",
        }
    }
}

/// What happens to the caller's CRM account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountAction {
    UseExisting,
    Create,
    None,
}

/// What happens to a CRM record (case, ticket).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordAction {
    Append,
    /// A recently closed record is opened again and the session added to it.
    Reopen,
    Create,
    None,
}

/// When a new record is created.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordCreatedAt {
    /// When the session is assigned to an agent: the platform's default.
    Assignment,
    /// When the call is connected to an agent.
    AgentConnected,
    /// When the consumer has sent the chat's N-th message.
    ConsumerMessages,
}

/// What the session data ends up attached to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Attachment {
    Record,
    Account,
    None,
}

/// One row of the decision table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Outcome {
    pub situation: Situation,
    pub progress: Progress,
    pub account: AccountAction,
    pub record: RecordAction,
    /// `None` (`null`) unless `record` is `create`.
    pub record_created_at: Option<RecordCreatedAt>,
    pub session_data: SessionDataTarget,
    pub attached_to: Attachment,
}

/// Whether the session is a call held back until an agent connects.
fn waits_for_agent(settings: &LeafSettings) -> bool {
    settings.channel() == Channel::Call && settings.flag(SettingKey::DelayCallRecordCreationUntilConnected)
}

/// The number of consumer messages a chat's record waits for, if any.
pub fn consumer_messages_awaited(settings: &LeafSettings) -> Option<u32> {
    settings.number(SettingKey::DelayChatRecordCreationUntilConsumerMessages)
}

/// The window of `append to closed records within`, in days, when it
/// decides something: only together with appending.
pub fn reopen_window_days(settings: &LeafSettings) -> Option<u32> {
    if settings.flag(SettingKey::AppendToLatestOpenRecord) {
        settings.number(SettingKey::AppendToClosedRecordsWithin)
    } else {
        None
    }
}

/// The lookup situations a leaf meets: the lookup results, or only
/// `not_looked_up` when lookup is skipped. An open (or recently closed)
/// record is searched for the caller's account, so there is none without
/// an account; the recently closed one only matters to appending.
pub fn situations(settings: &LeafSettings) -> &'static [Situation] {
    if settings.flag(SettingKey::SkipAccountLookup) {
        &[Situation::NotLookedUp]
    } else if reopen_window_days(settings).is_some() {
        &[
            Situation::FoundWithOpenRecord,
            Situation::FoundWithRecentlyClosedRecord,
            Situation::FoundWithoutOpenRecord,
            Situation::NotFound,
        ]
    } else {
        &[
            Situation::FoundWithOpenRecord,
            Situation::FoundWithoutOpenRecord,
            Situation::NotFound,
        ]
    }
}

/// How far a session can get: `unengaged` only for a chat that waits for
/// consumer messages and would otherwise create a record.
pub fn progresses(settings: &LeafSettings) -> &'static [Progress] {
    if consumer_messages_awaited(settings).is_some() && !settings.flag(SettingKey::SkipRecordCreation) {
        &[Progress::Engaged, Progress::Unengaged, Progress::Abandoned]
    } else {
        &[Progress::Engaged, Progress::Abandoned]
    }
}

/// Whether a new record would be created for a session that got this far,
/// record creation not being skipped.
fn creates_record_at(settings: &LeafSettings, progress: Progress) -> bool {
    match progress {
        Progress::Engaged => true,
        Progress::Unengaged => false,
        // An abandoned call never connects; an abandoned chat is taken to
        // have fewer than N consumer messages (an assumption).
        Progress::Abandoned => {
            settings.flag(SettingKey::CreateRecordsForAbandonedSessions)
                && !waits_for_agent(settings)
                && consumer_messages_awaited(settings).is_none()
        }
    }
}

fn record_created_at(settings: &LeafSettings) -> RecordCreatedAt {
    if waits_for_agent(settings) {
        RecordCreatedAt::AgentConnected
    } else if consumer_messages_awaited(settings).is_some() {
        RecordCreatedAt::ConsumerMessages
    } else {
        RecordCreatedAt::Assignment
    }
}

/// Whether session data reaches an account when no record takes it: with
/// ServiceNow only when pushed to the account.
fn account_takes_session_data(settings: &LeafSettings, crm: Option<Crm>) -> bool {
    crm != Some(Crm::Servicenow) || settings.flag(SettingKey::PushSessionDataToAccount)
}

/// The outcome of one row.
pub fn outcome(settings: &LeafSettings, crm: Option<Crm>, situation: Situation, progress: Progress) -> Outcome {
    let account = match situation {
        Situation::FoundWithOpenRecord
        | Situation::FoundWithRecentlyClosedRecord
        | Situation::FoundWithoutOpenRecord => AccountAction::UseExisting,
        // Without a lookup nothing is found, so an account is created unless
        // creation is skipped (E0102 flags lookup skipped without that).
        Situation::NotFound | Situation::NotLookedUp if settings.flag(SettingKey::SkipAccountCreation) => {
            AccountAction::None
        }
        Situation::NotFound | Situation::NotLookedUp => AccountAction::Create,
    };
    // Appending and reopening add to an existing record, which is not record
    // creation: neither skipping nor the delays and the abandoned switch
    // stop them (an assumption for the last three).
    let appends = settings.flag(SettingKey::AppendToLatestOpenRecord);
    let record = match situation {
        Situation::FoundWithOpenRecord if appends => RecordAction::Append,
        Situation::FoundWithRecentlyClosedRecord => RecordAction::Reopen,
        _ if settings.flag(SettingKey::SkipRecordCreation) => RecordAction::None,
        _ if creates_record_at(settings, progress) => RecordAction::Create,
        _ => RecordAction::None,
    };
    let record_created_at = (record == RecordAction::Create).then(|| record_created_at(settings));
    let attached_to = match (record, account) {
        (RecordAction::Append | RecordAction::Reopen | RecordAction::Create, _) => Attachment::Record,
        (RecordAction::None, AccountAction::UseExisting | AccountAction::Create)
            if account_takes_session_data(settings, crm) =>
        {
            Attachment::Account
        }
        (RecordAction::None, _) => Attachment::None,
    };
    Outcome {
        situation,
        progress,
        account,
        record,
        record_created_at,
        session_data: session_data_target(settings),
        attached_to,
    }
}

/// Every row for a leaf's settings, in table order: lookup situation
/// first, then progress.
pub fn outcomes(settings: &LeafSettings, crm: Option<Crm>) -> Vec<Outcome> {
    let progresses = progresses(settings);
    situations(settings)
        .iter()
        .flat_map(|&situation| {
            progresses
                .iter()
                .map(move |&progress| outcome(settings, crm, situation, progress))
        })
        .collect()
}

/// What an entry does, as far as an operator can tell: its rows, and the
/// numbers the rows stand for (the window behind a
/// `found_with_recently_closed_record` row, the message count behind
/// `unengaged` rows and records created at `consumer_messages`). Two
/// settings with the same behaviour are interchangeable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Behaviour {
    pub rows: Vec<Outcome>,
    pub reopen_window_days: Option<u32>,
    pub consumer_messages: Option<u32>,
}

pub fn behaviour(settings: &LeafSettings, crm: Option<Crm>) -> Behaviour {
    let rows = outcomes(settings, crm);
    let window_row = rows
        .iter()
        .any(|row| row.situation == Situation::FoundWithRecentlyClosedRecord);
    let count_row = rows.iter().any(|row| {
        row.progress == Progress::Unengaged || row.record_created_at == Some(RecordCreatedAt::ConsumerMessages)
    });
    Behaviour {
        reopen_window_days: reopen_window_days(settings).filter(|_| window_row),
        consumer_messages: consumer_messages_awaited(settings).filter(|_| count_row),
        rows,
    }
}

/// How many "Records" mapping options the portal offers for these settings.
pub fn records_options_available(settings: &LeafSettings) -> u8 {
    records_options_reason(settings).offered()
}

/// Why the portal offers as many "Records" options as it does: the
/// branches of the vendor's rule, in the order a reader checks them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordsOptionsReason {
    MappedToActivityObject,
    RecordCreationKept,
    SkippedWithAppending,
    SkippedWithoutLookup,
    SkippedWithLookup,
}

impl RecordsOptionsReason {
    /// How many options the portal offers in this branch.
    pub fn offered(self) -> u8 {
        match self {
            RecordsOptionsReason::MappedToActivityObject
            | RecordsOptionsReason::RecordCreationKept
            | RecordsOptionsReason::SkippedWithAppending => 1,
            RecordsOptionsReason::SkippedWithoutLookup => 2,
            RecordsOptionsReason::SkippedWithLookup => 3,
        }
    }

    /// The settings that lead to this branch, for explaining an E0103.
    pub fn deciders(self) -> &'static [SettingKey] {
        match self {
            RecordsOptionsReason::MappedToActivityObject => &[SettingKey::MapSessionDataTo],
            RecordsOptionsReason::RecordCreationKept => &[SettingKey::MapSessionDataTo, SettingKey::SkipRecordCreation],
            RecordsOptionsReason::SkippedWithAppending => &[
                SettingKey::MapSessionDataTo,
                SettingKey::SkipRecordCreation,
                SettingKey::AppendToLatestOpenRecord,
            ],
            RecordsOptionsReason::SkippedWithoutLookup | RecordsOptionsReason::SkippedWithLookup => &[
                SettingKey::MapSessionDataTo,
                SettingKey::SkipRecordCreation,
                SettingKey::AppendToLatestOpenRecord,
                SettingKey::SkipAccountLookup,
            ],
        }
    }
}

/// Which branch of the "Records" rule these settings take.
pub fn records_options_reason(settings: &LeafSettings) -> RecordsOptionsReason {
    if session_data_target(settings) == SessionDataTarget::ActivityObject {
        RecordsOptionsReason::MappedToActivityObject
    } else if !settings.flag(SettingKey::SkipRecordCreation) {
        RecordsOptionsReason::RecordCreationKept
    } else if settings.flag(SettingKey::AppendToLatestOpenRecord) {
        RecordsOptionsReason::SkippedWithAppending
    } else if settings.flag(SettingKey::SkipAccountLookup) {
        RecordsOptionsReason::SkippedWithoutLookup
    } else {
        RecordsOptionsReason::SkippedWithLookup
    }
}

/// The settings that decide the number of "Records" options for these
/// settings, for explaining an E0103. In the order a reader checks them.
pub fn records_options_deciders(settings: &LeafSettings) -> &'static [SettingKey] {
    records_options_reason(settings).deciders()
}

/// Appending while account lookup is skipped, which the portal does not
/// offer: the latest open record cannot be found without the account.
pub fn appends_without_lookup(settings: &LeafSettings) -> bool {
    settings.flag(SettingKey::AppendToLatestOpenRecord) && settings.flag(SettingKey::SkipAccountLookup)
}

/// Skipping account lookup while accounts are still created, which the
/// portal does not offer: lookup can be skipped only with account creation.
pub fn skips_lookup_while_creating_accounts(settings: &LeafSettings) -> bool {
    settings.flag(SettingKey::SkipAccountLookup) && !settings.flag(SettingKey::SkipAccountCreation)
}

/// Whether the CRM integration can skip account and record creation.
pub fn crm_supports_skipping(crm: Crm) -> bool {
    SKIPPING_CRMS.contains(&crm)
}

/// Whether the CRM integration offers pushing session data to the account.
pub fn crm_offers_push_to_account(crm: Crm) -> bool {
    PUSHING_CRMS.contains(&crm)
}

/// A call that asks for records of abandoned sessions while its record
/// waits for an agent: an abandoned call never connects, so it gets none.
pub fn call_delay_withholds_abandoned_records(settings: &LeafSettings) -> bool {
    waits_for_agent(settings) && settings.flag(SettingKey::CreateRecordsForAbandonedSessions)
}

/// Zendesk with both account and record creation skipped: no ticket gets
/// the session's comments or attachments.
pub fn zendesk_keeps_no_ticket(settings: &LeafSettings, crm: Option<Crm>) -> bool {
    crm == Some(Crm::Zendesk)
        && settings.flag(SettingKey::SkipAccountCreation)
        && settings.flag(SettingKey::SkipRecordCreation)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::SettingValue;

    const ON: SettingValue = SettingValue::Flag(true);
    const OFF: SettingValue = SettingValue::Flag(false);

    fn call() -> LeafSettings {
        LeafSettings::built_in(Channel::Call)
    }

    fn chat() -> LeafSettings {
        LeafSettings::built_in(Channel::Chat)
    }

    fn row(rows: &[Outcome], situation: Situation, progress: Progress) -> Option<Outcome> {
        rows.iter()
            .copied()
            .find(|row| row.situation == situation && row.progress == progress)
    }

    #[test]
    fn append_with_skipped_record_creation_creates_nothing_without_open_record() {
        let settings = call()
            .with(SettingKey::SkipRecordCreation, ON)
            .with(SettingKey::AppendToLatestOpenRecord, ON);
        let rows = outcomes(&settings, Some(Crm::Salesforce));
        assert_eq!(rows[0].record, RecordAction::Append);
        let none_open = row(&rows, Situation::FoundWithoutOpenRecord, Progress::Engaged);
        assert_eq!(none_open.map(|row| row.record), Some(RecordAction::None));
        assert_eq!(none_open.map(|row| row.attached_to), Some(Attachment::Account));
    }

    #[test]
    fn defaults_give_an_engaged_and_an_abandoned_row_per_situation() {
        let rows = outcomes(&call(), Some(Crm::Salesforce));
        let shape: Vec<(Situation, Progress)> = rows.iter().map(|row| (row.situation, row.progress)).collect();
        assert_eq!(
            shape,
            [
                (Situation::FoundWithOpenRecord, Progress::Engaged),
                (Situation::FoundWithOpenRecord, Progress::Abandoned),
                (Situation::FoundWithoutOpenRecord, Progress::Engaged),
                (Situation::FoundWithoutOpenRecord, Progress::Abandoned),
                (Situation::NotFound, Progress::Engaged),
                (Situation::NotFound, Progress::Abandoned),
            ]
        );
        assert!(rows.iter().all(
            |row| row.record == RecordAction::Create && row.record_created_at == Some(RecordCreatedAt::Assignment)
        ));
    }

    #[test]
    fn a_record_closed_within_the_window_is_reopened() {
        let settings = call()
            .with(SettingKey::AppendToLatestOpenRecord, ON)
            .with(SettingKey::AppendToClosedRecordsWithin, SettingValue::Days(Some(30)));
        assert_eq!(situations(&settings)[1], Situation::FoundWithRecentlyClosedRecord);
        let reopened = row(
            &outcomes(&settings, Some(Crm::Salesforce)),
            Situation::FoundWithRecentlyClosedRecord,
            Progress::Abandoned,
        );
        assert_eq!(
            reopened.map(|row| (row.record, row.record_created_at)),
            Some((RecordAction::Reopen, None))
        );
        // Without appending, the window decides nothing.
        let window_only = call().with(SettingKey::AppendToClosedRecordsWithin, SettingValue::Days(Some(30)));
        assert_eq!(situations(&window_only).len(), 3);
    }

    #[test]
    fn the_call_delay_creates_at_connection_and_never_for_abandoned_calls() {
        let settings = call().with(SettingKey::DelayCallRecordCreationUntilConnected, ON);
        let rows = outcomes(&settings, Some(Crm::Salesforce));
        let engaged = row(&rows, Situation::NotFound, Progress::Engaged);
        assert_eq!(
            engaged.and_then(|row| row.record_created_at),
            Some(RecordCreatedAt::AgentConnected)
        );
        let abandoned = row(&rows, Situation::NotFound, Progress::Abandoned);
        assert_eq!(abandoned.map(|row| row.record), Some(RecordAction::None));
        assert!(call_delay_withholds_abandoned_records(&settings));
        // The call delay decides nothing for chats.
        let chat = chat().with(SettingKey::DelayCallRecordCreationUntilConnected, ON);
        assert_eq!(
            outcomes(&chat, None),
            outcomes(&LeafSettings::built_in(Channel::Chat), None)
        );
    }

    #[test]
    fn the_chat_delay_adds_unengaged_rows_without_a_record() {
        let settings = chat().with(
            SettingKey::DelayChatRecordCreationUntilConsumerMessages,
            SettingValue::Count(Some(3)),
        );
        assert_eq!(
            progresses(&settings),
            [Progress::Engaged, Progress::Unengaged, Progress::Abandoned]
        );
        let rows = outcomes(&settings, Some(Crm::Zendesk));
        let unengaged = row(&rows, Situation::NotFound, Progress::Unengaged);
        assert_eq!(
            unengaged.map(|row| (row.record, row.attached_to)),
            Some((RecordAction::None, Attachment::Account))
        );
        let engaged = row(&rows, Situation::NotFound, Progress::Engaged);
        assert_eq!(
            engaged.and_then(|row| row.record_created_at),
            Some(RecordCreatedAt::ConsumerMessages)
        );
        let skipped = settings.with(SettingKey::SkipRecordCreation, ON);
        assert_eq!(progresses(&skipped), [Progress::Engaged, Progress::Abandoned]);
    }

    #[test]
    fn abandoned_sessions_can_go_without_records() {
        let settings = chat().with(SettingKey::CreateRecordsForAbandonedSessions, OFF);
        let rows = outcomes(&settings, Some(Crm::Salesforce));
        let abandoned = row(&rows, Situation::FoundWithoutOpenRecord, Progress::Abandoned);
        assert_eq!(
            abandoned.map(|row| (row.record, row.attached_to)),
            Some((RecordAction::None, Attachment::Account))
        );
    }

    #[test]
    fn servicenow_attaches_to_the_account_only_when_pushed() {
        let skipped = call().with(SettingKey::SkipRecordCreation, ON);
        let found = |settings: &LeafSettings| {
            row(
                &outcomes(settings, Some(Crm::Servicenow)),
                Situation::FoundWithoutOpenRecord,
                Progress::Engaged,
            )
            .map(|row| row.attached_to)
        };
        assert_eq!(found(&skipped), Some(Attachment::None));
        assert_eq!(
            found(&skipped.with(SettingKey::PushSessionDataToAccount, ON)),
            Some(Attachment::Account)
        );
        assert!(crm_offers_push_to_account(Crm::Servicenow));
        assert!(!crm_offers_push_to_account(Crm::Salesforce));
    }

    #[test]
    fn behaviour_counts_the_numbers_behind_its_rows() {
        let window = |days| {
            call()
                .with(SettingKey::AppendToLatestOpenRecord, ON)
                .with(SettingKey::AppendToClosedRecordsWithin, SettingValue::Days(Some(days)))
        };
        assert_ne!(behaviour(&window(30), None), behaviour(&window(7), None));
        let off = |days| call().with(SettingKey::AppendToClosedRecordsWithin, SettingValue::Days(Some(days)));
        assert_eq!(behaviour(&off(30), None), behaviour(&off(7), None));
    }

    #[test]
    fn zendesk_skipping_both_keeps_no_ticket() {
        let both = call()
            .with(SettingKey::SkipAccountCreation, ON)
            .with(SettingKey::SkipRecordCreation, ON);
        assert!(zendesk_keeps_no_ticket(&both, Some(Crm::Zendesk)));
        assert!(!zendesk_keeps_no_ticket(&both, Some(Crm::Salesforce)));
    }

    #[test]
    fn ccaas_session_with_skipped_record_creation_offers_three_then_fewer() {
        let base = call()
            .with(
                SettingKey::MapSessionDataTo,
                SettingValue::Choice(SettingKey::MapSessionDataTo, 1),
            )
            .with(SettingKey::SkipRecordCreation, ON)
            .with(SettingKey::SkipAccountCreation, ON);
        assert_eq!(records_options_available(&base), 3);
        let lookup_skipped = base.with(SettingKey::SkipAccountLookup, ON);
        assert_eq!(records_options_available(&lookup_skipped), 2);
        let append = base.with(SettingKey::AppendToLatestOpenRecord, ON);
        assert_eq!(records_options_available(&append), 1);
    }
}
