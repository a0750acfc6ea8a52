//! The platform's rules, as pure functions of a leaf's settings.
//!
//! In: the six settings in effect for one leaf queue and channel. Out: the
//! runtime situations that can occur, the outcome in each, and how many
//! "Records" mapping options the portal offers. The decision table and the
//! checks both call these, so the rules live in exactly one place;
//! `docs/semantics.md` ties each to the vendor statement it comes from.

use crate::resolve::EffectiveSettings;
use crate::vocabulary::{Crm, SessionDataTarget, SettingKey, SettingValue};
use serde::Serialize;

/// The settings of one leaf queue and channel, as plain values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Choices {
    pub map_session_data_to: SessionDataTarget,
    pub skip_account_creation: bool,
    pub skip_record_creation: bool,
    pub skip_account_lookup: bool,
    pub append_to_latest_open_record: bool,
    pub records: u8,
}

impl Choices {
    pub fn from_settings(settings: &EffectiveSettings) -> Choices {
        let flag = |key| matches!(settings.get(key).value, SettingValue::Flag(true));
        let map_session_data_to = match settings.get(SettingKey::MapSessionDataTo).value {
            SettingValue::Mapping(target) => target,
            _ => SessionDataTarget::ActivityObject,
        };
        let records = match settings.get(SettingKey::Records).value {
            SettingValue::Records(option) => option.position(),
            _ => 1,
        };
        Choices {
            map_session_data_to,
            skip_account_creation: flag(SettingKey::SkipAccountCreation),
            skip_record_creation: flag(SettingKey::SkipRecordCreation),
            skip_account_lookup: flag(SettingKey::SkipAccountLookup),
            append_to_latest_open_record: flag(SettingKey::AppendToLatestOpenRecord),
            records,
        }
    }
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
pub fn situations(choices: &Choices) -> &'static [Situation] {
    if choices.skip_account_lookup {
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
pub fn outcome(choices: &Choices, situation: Situation) -> Outcome {
    let account = match situation {
        Situation::FoundWithOpenRecord | Situation::FoundWithoutOpenRecord => AccountAction::UseExisting,
        // Without a lookup nothing is found, so an account is created unless
        // creation is skipped (E0102 flags lookup skipped without that).
        Situation::NotFound | Situation::NotLookedUp if choices.skip_account_creation => AccountAction::None,
        Situation::NotFound | Situation::NotLookedUp => AccountAction::Create,
    };
    // With append on and no open record, a new record is created, unless
    // record creation is skipped: then none is.
    let record = if choices.append_to_latest_open_record && situation == Situation::FoundWithOpenRecord {
        RecordAction::Append
    } else if choices.skip_record_creation {
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
        session_data: choices.map_session_data_to,
        attached_to,
    }
}

/// Every row for a leaf's settings, in table order.
pub fn outcomes(choices: &Choices) -> Vec<Outcome> {
    situations(choices)
        .iter()
        .map(|&situation| outcome(choices, situation))
        .collect()
}

/// How many "Records" mapping options the portal offers for these settings.
pub fn records_options_available(choices: &Choices) -> u8 {
    match choices.map_session_data_to {
        SessionDataTarget::ActivityObject => 1,
        SessionDataTarget::CcaasSession if !choices.skip_record_creation => 1,
        SessionDataTarget::CcaasSession if choices.append_to_latest_open_record => 1,
        SessionDataTarget::CcaasSession if choices.skip_account_lookup => 2,
        SessionDataTarget::CcaasSession => 3,
    }
}

/// The settings that decide the number of "Records" options for these
/// choices, for explaining an E0103. In the order a reader checks them.
pub fn records_options_deciders(choices: &Choices) -> &'static [SettingKey] {
    match choices.map_session_data_to {
        SessionDataTarget::ActivityObject => &[SettingKey::MapSessionDataTo],
        SessionDataTarget::CcaasSession if !choices.skip_record_creation => {
            &[SettingKey::MapSessionDataTo, SettingKey::SkipRecordCreation]
        }
        SessionDataTarget::CcaasSession if choices.append_to_latest_open_record => &[
            SettingKey::MapSessionDataTo,
            SettingKey::SkipRecordCreation,
            SettingKey::AppendToLatestOpenRecord,
        ],
        SessionDataTarget::CcaasSession => &[
            SettingKey::MapSessionDataTo,
            SettingKey::SkipRecordCreation,
            SettingKey::AppendToLatestOpenRecord,
            SettingKey::SkipAccountLookup,
        ],
    }
}

/// Whether the CRM integration can skip account and record creation. The
/// newer vendor statement lists four: Salesforce, Zendesk, ServiceNow and a
/// custom CRM (an older one had only Salesforce and custom).
pub fn crm_supports_skipping(crm: Crm) -> bool {
    matches!(crm, Crm::Salesforce | Crm::Zendesk | Crm::Servicenow | Crm::Custom)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choices() -> Choices {
        Choices {
            map_session_data_to: SessionDataTarget::ActivityObject,
            skip_account_creation: false,
            skip_record_creation: false,
            skip_account_lookup: false,
            append_to_latest_open_record: false,
            records: 1,
        }
    }

    #[test]
    fn append_with_skipped_record_creation_creates_nothing_without_open_record() {
        let choices = Choices {
            skip_record_creation: true,
            append_to_latest_open_record: true,
            ..choices()
        };
        let rows = outcomes(&choices);
        assert_eq!(rows[0].record, RecordAction::Append);
        assert_eq!(rows[1].record, RecordAction::None);
        assert_eq!(rows[1].attached_to, Attachment::Account);
    }

    #[test]
    fn ccaas_session_with_skipped_record_creation_offers_three_then_fewer() {
        let base = Choices {
            map_session_data_to: SessionDataTarget::CcaasSession,
            skip_record_creation: true,
            skip_account_creation: true,
            ..choices()
        };
        assert_eq!(records_options_available(&base), 3);
        let lookup_skipped = Choices {
            skip_account_lookup: true,
            ..base
        };
        assert_eq!(records_options_available(&lookup_skipped), 2);
        let append = Choices {
            append_to_latest_open_record: true,
            ..base
        };
        assert_eq!(records_options_available(&append), 1);
    }
}
