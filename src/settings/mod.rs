//! The settings schema: every setting of the language, declared once.
//!
//! In: nothing; this is a table. Out: [`SettingKey`], [`SETTINGS`] and the
//! questions asked of them (a setting's name, value kind, built-in default,
//! channels, CRMs, table field and documentation). The parser reads values
//! by the kind declared here, the resolver and the table store them in a
//! [`SettingMap`], and the table's columns, the language server's completion
//! and hover, `crmpol explain` and the settings table of `docs/language.md`
//! are all made from these entries. What the settings *do* is the vendor's
//! rules, in `vendor.rs`.

mod docs;
mod leaf;
mod map;
mod packed;
mod value;

pub use docs::{docs_bullets, docs_table, explain};
pub use leaf::LeafSettings;
pub use map::SettingMap;
pub use packed::{PackedValue, PackedValues};
pub use value::{ChoiceSpec, SessionDataTarget, SettingValue, TableScalar, ValueKind};

use crate::vendor;
use crate::vocabulary::{Channel, Crm};
use std::fmt;

/// Which CRM integrations offer a setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Offered {
    ByEveryCrm,
    /// Only these integrations; with another CRM the setting must keep its
    /// built-in default.
    Only(&'static [Crm]),
}

impl Offered {
    pub fn includes(self, crm: Crm) -> bool {
        match self {
            Offered::ByEveryCrm => true,
            Offered::Only(crms) => crms.contains(&crm),
        }
    }
}

/// One setting of the language.
#[derive(Clone, Copy, Debug)]
pub struct SettingSpec {
    /// As written in policies: `skip record creation`.
    pub name: &'static str,
    /// The field of the decision table's `settings`: `skip_record_creation`.
    pub table_field: &'static str,
    /// The heading of its column in the Markdown table.
    pub column: &'static str,
    pub kind: ValueKind,
    /// The value when no policy states it.
    pub default: SettingValue,
    /// The channels whose entries it decides.
    pub channels: &'static [Channel],
    pub offered: Offered,
    /// The language version that added it: 1 for the first six settings.
    pub added_in: u8,
    /// What it does, in one Markdown paragraph (hover, `explain`, docs).
    pub doc: &'static str,
}

const BOTH_CHANNELS: &[Channel] = &Channel::ALL;
const CALL_ONLY: &[Channel] = &[Channel::Call];
const CHAT_ONLY: &[Channel] = &[Channel::Chat];

/// Declares [`SettingKey`] and [`SETTINGS`] together, so the two cannot
/// drift: one variant per entry, in canonical order.
macro_rules! settings {
    ($($key:ident => $spec:expr,)*) => {
        /// A setting, by its place in [`SETTINGS`].
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum SettingKey {
            $($key,)*
        }

        impl SettingKey {
            /// In canonical order: the order of [`SETTINGS`], of the table's
            /// `settings` and of statements in a formatted block.
            pub const ALL: [SettingKey; SettingKey::COUNT] = [$(SettingKey::$key,)*];
            pub const COUNT: usize = [$(stringify!($key),)*].len();
        }

        /// Every setting, in canonical order.
        pub static SETTINGS: [SettingSpec; SettingKey::COUNT] = [$($spec,)*];
    };
}

settings! {
    MapSessionDataTo => SettingSpec {
        name: "map session data to",
        table_field: "map_session_data_to",
        column: "Map session data to",
        kind: ValueKind::Choice(value::SESSION_DATA_TARGETS),
        default: SettingValue::Choice(SettingKey::MapSessionDataTo, 0),
        channels: BOTH_CHANNELS,
        offered: Offered::ByEveryCrm,
        added_in: 1,
        doc: "where the platform stores the session data: `activity object`, a CRM activity object \
              attached to the record, or `ccaas session`, the platform's own session object. The \
              portal has called that object \"CCaaS Session\" and \"CCAIP Session\", so `ccaip session` \
              is accepted as another spelling of `ccaas session`.",
    },
    SkipAccountCreation => SettingSpec {
        name: "skip account creation",
        table_field: "skip_account_creation",
        column: "Skip account creation",
        kind: ValueKind::Flag,
        default: SettingValue::Flag(false),
        channels: BOTH_CHANNELS,
        offered: Offered::Only(vendor::SKIPPING_CRMS),
        added_in: 1,
        doc: "`yes`: when the caller has no CRM account, do not create one.",
    },
    SkipRecordCreation => SettingSpec {
        name: "skip record creation",
        table_field: "skip_record_creation",
        column: "Skip record creation",
        kind: ValueKind::Flag,
        default: SettingValue::Flag(false),
        channels: BOTH_CHANNELS,
        offered: Offered::Only(vendor::SKIPPING_CRMS),
        added_in: 1,
        doc: "`yes`: do not create a new record (case, ticket) for the session.",
    },
    SkipAccountLookup => SettingSpec {
        name: "skip account lookup",
        table_field: "skip_account_lookup",
        column: "Skip account lookup",
        kind: ValueKind::Flag,
        default: SettingValue::Flag(false),
        channels: BOTH_CHANNELS,
        offered: Offered::ByEveryCrm,
        added_in: 1,
        doc: "`yes`: do not look the caller's account up at all. Allowed only together with \
              `skip account creation: yes` (`E0102`) and not together with appending (`E0101`).",
    },
    AppendToLatestOpenRecord => SettingSpec {
        name: "append to latest open record",
        table_field: "append_to_latest_open_record",
        column: "Append to latest open record",
        kind: ValueKind::Flag,
        default: SettingValue::Flag(false),
        channels: BOTH_CHANNELS,
        offered: Offered::ByEveryCrm,
        added_in: 1,
        doc: "`yes`: when the caller already has an open record that came in through the same leaf \
              queue, add the session to it instead of creating a new one.",
    },
    Records => SettingSpec {
        name: "records",
        table_field: "records",
        column: "Records",
        kind: ValueKind::Choice(value::RECORDS_OPTIONS),
        default: SettingValue::Choice(SettingKey::Records, 0),
        channels: BOTH_CHANNELS,
        offered: Offered::ByEveryCrm,
        added_in: 1,
        doc: "the choice in the portal's \"Records\" data-mapping list, by its position (first, \
              second, third). How many choices the portal offers depends on the other settings, and \
              is often just one (`E0103`).",
    },
    AppendToClosedRecordsWithin => SettingSpec {
        name: "append to closed records within",
        table_field: "append_to_closed_records_within_days",
        column: "Append to closed records within",
        kind: ValueKind::Days,
        default: SettingValue::Days(None),
        channels: BOTH_CHANNELS,
        offered: Offered::ByEveryCrm,
        added_in: 2,
        doc: "`N days`: together with `append to latest open record: yes`, a caller whose latest record \
              in the same leaf queue was closed within the last N days gets that record opened again \
              (back to the default open status) and the session added to it. Decides nothing without \
              appending (`W0207`).",
    },
    DelayCallRecordCreationUntilConnected => SettingSpec {
        name: "delay call record creation until connected",
        table_field: "delay_call_record_creation_until_connected",
        column: "Delay call record until connected",
        kind: ValueKind::Flag,
        default: SettingValue::Flag(false),
        channels: CALL_ONLY,
        offered: Offered::ByEveryCrm,
        added_in: 2,
        doc: "`yes`: a call's record is created when an agent is connected, not when the call is \
              assigned, so callers who hang up before that get none. Calls only: inside a `chat { }` \
              block it is `E0105`; elsewhere it affects only call entries. Abandoned calls then never \
              get a record (`W0208`).",
    },
    DelayChatRecordCreationUntilConsumerMessages => SettingSpec {
        name: "delay chat record creation until consumer messages",
        table_field: "delay_chat_record_creation_until_consumer_messages",
        column: "Delay chat record until consumer messages",
        kind: ValueKind::Count,
        default: SettingValue::Count(None),
        channels: CHAT_ONLY,
        offered: Offered::ByEveryCrm,
        added_in: 2,
        doc: "`N`: a chat's record is created once the consumer has sent N messages, so chats where \
              the consumer never writes leave no empty record. Chats only: inside a `call { }` block \
              it is `E0105`; elsewhere it affects only chat entries.",
    },
    CreateRecordsForAbandonedSessions => SettingSpec {
        name: "create records for abandoned sessions",
        table_field: "create_records_for_abandoned_sessions",
        column: "Create records for abandoned sessions",
        kind: ValueKind::Flag,
        default: SettingValue::Flag(true),
        channels: BOTH_CHANNELS,
        offered: Offered::ByEveryCrm,
        added_in: 2,
        doc: "`no`: calls and chats that end before an agent is connected get no new record (appending \
              to an open record, or reopening a recently closed one, still happens).",
    },
    PushSessionDataToAccount => SettingSpec {
        name: "push session data to account",
        table_field: "push_session_data_to_account",
        column: "Push session data to account",
        kind: ValueKind::Flag,
        default: SettingValue::Flag(false),
        channels: BOTH_CHANNELS,
        offered: Offered::Only(vendor::PUSHING_CRMS),
        added_in: 2,
        doc: "`yes`: with ServiceNow, where no record takes the session, its data is pushed to the \
              caller's account; without it the data reaches neither the account nor a record \
              (`W0203`). Only the ServiceNow integration has this option (`E0106`).",
    },
}

impl SettingKey {
    pub fn spec(self) -> &'static SettingSpec {
        // Every key has its entry: the macro above makes both from one list.
        &SETTINGS[self as usize]
    }

    /// The name as written in policies.
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    pub fn from_name(name: &str) -> Option<SettingKey> {
        SettingKey::ALL.into_iter().find(|key| key.name() == name)
    }

    /// The key's position in canonical order.
    pub fn index(self) -> usize {
        self as usize
    }

    pub fn kind(self) -> ValueKind {
        self.spec().kind
    }

    /// The value a setting has when no policy states it.
    pub fn built_in_default(self) -> SettingValue {
        self.spec().default
    }

    /// Whether the setting decides anything in `channel`'s entries.
    pub fn applies_to(self, channel: Channel) -> bool {
        self.spec().channels.contains(&channel)
    }

    /// Canonical spellings of this setting's values (for a count or a
    /// number of days, examples), for help texts and completion.
    pub fn value_spellings(self) -> Vec<&'static str> {
        self.kind().spellings()
    }

    /// The values it takes, as help texts say it: "`yes` or `no`".
    pub fn allowed_values(self) -> String {
        self.kind().allowed()
    }

    /// Parses a value written for this setting; `None` if it is not one.
    pub fn parse_value(self, text: &str) -> Option<SettingValue> {
        self.kind().parse(self, text)
    }
}

impl fmt::Display for SettingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// All setting names, for suggestions and completion.
pub fn setting_names() -> Vec<&'static str> {
    SettingKey::ALL.iter().map(|key| key.name()).collect()
}

/// Every spelling a setting accepts, aliases included, for suggestions.
pub fn accepted_value_spellings(key: SettingKey) -> Vec<&'static str> {
    key.kind().accepted_spellings()
}

/// The settings entries of `channel` are decided by, in canonical order.
pub fn applying_to(channel: Channel) -> impl Iterator<Item = SettingKey> {
    SettingKey::ALL.into_iter().filter(move |key| key.applies_to(channel))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_setting_name_and_canonical_value_round_trips() {
        for key in SettingKey::ALL {
            assert_eq!(SettingKey::from_name(key.name()), Some(key));
            for spelling in key.value_spellings() {
                let value = key.parse_value(spelling).expect("canonical spelling parses");
                assert_eq!(value.to_string(), spelling);
            }
            let default = key.built_in_default();
            assert_eq!(key.parse_value(&default.to_string()), Some(default), "{key}");
        }
    }

    #[test]
    fn names_fields_and_columns_are_unique_and_well_formed() {
        let (mut names, mut fields, mut columns) = (HashSet::new(), HashSet::new(), HashSet::new());
        for spec in &SETTINGS {
            assert!(names.insert(spec.name), "name `{}` given twice", spec.name);
            assert!(
                fields.insert(spec.table_field),
                "field `{}` given twice",
                spec.table_field
            );
            assert!(columns.insert(spec.column), "column `{}` given twice", spec.column);
            assert_eq!(spec.table_field, spec.table_field.to_lowercase());
            assert!(!spec.table_field.contains(' '), "{}", spec.table_field);
            assert!(!spec.channels.is_empty(), "{} applies to no channel", spec.name);
            assert!(!spec.doc.is_empty(), "{} has no documentation", spec.name);
        }
    }

    #[test]
    fn only_the_skipping_crms_offer_skipping() {
        let offered = SettingKey::SkipRecordCreation.spec().offered;
        assert!(offered.includes(Crm::Servicenow));
        assert!(!offered.includes(Crm::Kustomer));
        assert!(SettingKey::Records.spec().offered.includes(Crm::Kustomer));
    }
}
