//! The platform's rules, as pure functions of a leaf's settings.
//!
//! In: the settings in effect for one leaf queue and channel. Out: the
//! runtime situations that can occur, the outcome in each, and how many
//! "Records" mapping options the portal offers. The decision table and the
//! checks both call these, so the rules live in exactly one place;
//! `docs/semantics.md` ties each to the vendor statement it comes from.

use crate::settings::{LeafSettings, SessionDataTarget, SettingKey};
use crate::vocabulary::Crm;
use serde::Serialize;

/// The integrations that can skip account and record creation. The newer
/// vendor statement lists four: Salesforce, Zendesk, ServiceNow and a custom
/// CRM (an older one had only Salesforce and custom).
pub const SKIPPING_CRMS: &[Crm] = &[Crm::Salesforce, Crm::Zendesk, Crm::Servicenow, Crm::Custom];

/// Where the session data goes.
pub fn session_data_target(settings: &LeafSettings) -> SessionDataTarget {
    SessionDataTarget::of_choice(settings.choice(SettingKey::MapSessionDataTo))
}

/// The chosen "Records" option, by its position from 1.
pub fn records_option(settings: &LeafSettings) -> u8 {
    settings.choice(SettingKey::Records) + 1
}

/// What is true of a session when it arrives, as far as the CRM is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Situation {
    /// Lookup done, account found, with an open record in this leaf queue.
    FoundWithOpenRecord,
    /// Lookup done, account found, no open record in this leaf queue.
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
            Situation::FoundWithoutOpenRecord => "found_without_open_record",
            Situation::NotFound => "not_found",
            Situation::NotLookedUp => "not_looked_up",
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
    Create,
    None,
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
    pub account: AccountAction,
    pub record: RecordAction,
    pub session_data: SessionDataTarget,
    pub attached_to: Attachment,
}

/// The situations a leaf meets: the three lookup results, or only
/// `not_looked_up` when lookup is skipped. An open record is searched for
/// the caller's account, so there is no open record without an account.
pub fn situations(settings: &LeafSettings) -> &'static [Situation] {
    if settings.flag(SettingKey::SkipAccountLookup) {
        &[Situation::NotLookedUp]
    } else {
        &[
            Situation::FoundWithOpenRecord,
            Situation::FoundWithoutOpenRecord,
            Situation::NotFound,
        ]
    }
}

/// The outcome in one situation.
pub fn outcome(settings: &LeafSettings, situation: Situation) -> Outcome {
    let account = match situation {
        Situation::FoundWithOpenRecord | Situation::FoundWithoutOpenRecord => AccountAction::UseExisting,
        // Without a lookup nothing is found, so an account is created unless
        // creation is skipped (E0102 flags lookup skipped without that).
        Situation::NotFound | Situation::NotLookedUp if settings.flag(SettingKey::SkipAccountCreation) => {
            AccountAction::None
        }
        Situation::NotFound | Situation::NotLookedUp => AccountAction::Create,
    };
    // With append on and no open record, a new record is created, unless
    // record creation is skipped: then none is.
    let record = if settings.flag(SettingKey::AppendToLatestOpenRecord) && situation == Situation::FoundWithOpenRecord {
        RecordAction::Append
    } else if settings.flag(SettingKey::SkipRecordCreation) {
        RecordAction::None
    } else {
        RecordAction::Create
    };
    let attached_to = match (record, account) {
        (RecordAction::Append | RecordAction::Create, _) => Attachment::Record,
        (RecordAction::None, AccountAction::UseExisting | AccountAction::Create) => Attachment::Account,
        (RecordAction::None, AccountAction::None) => Attachment::None,
    };
    Outcome {
        situation,
        account,
        record,
        session_data: session_data_target(settings),
        attached_to,
    }
}

/// Every row for a leaf's settings, in table order.
pub fn outcomes(settings: &LeafSettings) -> Vec<Outcome> {
    situations(settings)
        .iter()
        .map(|&situation| outcome(settings, situation))
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::SettingValue;
    use crate::vocabulary::Channel;

    const ON: SettingValue = SettingValue::Flag(true);

    fn settings() -> LeafSettings {
        LeafSettings::built_in(Channel::Call)
    }

    #[test]
    fn append_with_skipped_record_creation_creates_nothing_without_open_record() {
        let settings = settings()
            .with(SettingKey::SkipRecordCreation, ON)
            .with(SettingKey::AppendToLatestOpenRecord, ON);
        let rows = outcomes(&settings);
        assert_eq!(rows[0].record, RecordAction::Append);
        assert_eq!(rows[1].record, RecordAction::None);
        assert_eq!(rows[1].attached_to, Attachment::Account);
    }

    #[test]
    fn ccaas_session_with_skipped_record_creation_offers_three_then_fewer() {
        let base = settings()
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
