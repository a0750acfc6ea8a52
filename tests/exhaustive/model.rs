//! The combinations under test: the eleven settings of spec v1 §3 and v2 §1
//! with bounded values.
//!
//! In: nothing. Out: [`Setting`], [`Value`], [`Channel`] and [`Combination`]
//! (one value per setting), with the built-in defaults and the list of all
//! 6,912 combinations (2 mappings × 2⁴ flags × 3 records options × 3 windows ×
//! 2 call delays × 3 chat delays × 2 abandoned × 2 push).

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Mapping {
    ActivityObject,
    CcaasSession,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Channel {
    Call,
    Chat,
}

impl Channel {
    pub const BOTH: [Channel; 2] = [Channel::Call, Channel::Chat];

    pub fn name(self) -> &'static str {
        match self {
            Channel::Call => "call",
            Channel::Chat => "chat",
        }
    }
}

/// The eleven settings, v1's six first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Setting {
    MapSessionDataTo,
    SkipAccountCreation,
    SkipRecordCreation,
    SkipAccountLookup,
    AppendToLatestOpenRecord,
    Records,
    AppendToClosedRecordsWithin,
    DelayCallRecordCreation,
    DelayChatRecordCreation,
    CreateRecordsForAbandonedSessions,
    PushSessionDataToAccount,
}

impl Setting {
    pub const ALL: [Setting; 11] = [
        Setting::MapSessionDataTo,
        Setting::SkipAccountCreation,
        Setting::SkipRecordCreation,
        Setting::SkipAccountLookup,
        Setting::AppendToLatestOpenRecord,
        Setting::Records,
        Setting::AppendToClosedRecordsWithin,
        Setting::DelayCallRecordCreation,
        Setting::DelayChatRecordCreation,
        Setting::CreateRecordsForAbandonedSessions,
        Setting::PushSessionDataToAccount,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Setting::MapSessionDataTo => "map session data to",
            Setting::SkipAccountCreation => "skip account creation",
            Setting::SkipRecordCreation => "skip record creation",
            Setting::SkipAccountLookup => "skip account lookup",
            Setting::AppendToLatestOpenRecord => "append to latest open record",
            Setting::Records => "records",
            Setting::AppendToClosedRecordsWithin => "append to closed records within",
            Setting::DelayCallRecordCreation => "delay call record creation until connected",
            Setting::DelayChatRecordCreation => "delay chat record creation until consumer messages",
            Setting::CreateRecordsForAbandonedSessions => "create records for abandoned sessions",
            Setting::PushSessionDataToAccount => "push session data to account",
        }
    }

    /// One of the five settings spec v2 §1 adds (the only ones W0207 is about).
    pub fn is_v2(self) -> bool {
        self >= Setting::AppendToClosedRecordsWithin
    }

    /// The one channel a channel-only setting applies to (spec v2 §1), if any.
    pub fn only_channel(self) -> Option<Channel> {
        match self {
            Setting::DelayCallRecordCreation => Some(Channel::Call),
            Setting::DelayChatRecordCreation => Some(Channel::Chat),
            _ => None,
        }
    }

    pub fn applies_to(self, channel: Channel) -> bool {
        self.only_channel().is_none_or(|only| only == channel)
    }
}

/// A setting's value. `Days` and `Count` hold `None` for `no`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Value {
    Mapping(Mapping),
    Flag(bool),
    Records(u8),
    Days(Option<u32>),
    Count(Option<u32>),
}

pub fn yes_no(value: bool) -> &'static str {
    if value { "yes" } else { "no" }
}

impl Value {
    /// The value as a policy spells it; `alternate` picks the other accepted
    /// spellings (`ccaip session`, `1 days`).
    pub fn text(self, alternate: bool) -> String {
        match self {
            Value::Mapping(Mapping::ActivityObject) => "activity object".into(),
            Value::Mapping(Mapping::CcaasSession) if alternate => "ccaip session".into(),
            Value::Mapping(Mapping::CcaasSession) => "ccaas session".into(),
            Value::Flag(flag) => yes_no(flag).into(),
            Value::Records(n) => format!("option {n}"),
            Value::Days(None) | Value::Count(None) => "no".into(),
            Value::Days(Some(1)) if !alternate => "1 day".into(),
            Value::Days(Some(n)) => format!("{n} days"),
            Value::Count(Some(n)) => n.to_string(),
        }
    }
}

/// One value for each of the eleven settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Combination {
    pub mapping: Mapping,
    pub skip_account_creation: bool,
    pub skip_record_creation: bool,
    pub skip_account_lookup: bool,
    pub append: bool,
    pub records: u8,
    pub closed_within_days: Option<u32>,
    pub call_delay: bool,
    pub chat_delay: Option<u32>,
    pub abandoned: bool,
    pub push: bool,
}

impl Combination {
    /// The values a leaf gets when nothing is written anywhere (v1 §3, v2 §1).
    pub const BUILT_IN: Combination = Combination {
        mapping: Mapping::ActivityObject,
        skip_account_creation: false,
        skip_record_creation: false,
        skip_account_lookup: false,
        append: false,
        records: 1,
        closed_within_days: None,
        call_delay: false,
        chat_delay: None,
        abandoned: true,
        push: false,
    };

    pub fn get(&self, setting: Setting) -> Value {
        match setting {
            Setting::MapSessionDataTo => Value::Mapping(self.mapping),
            Setting::SkipAccountCreation => Value::Flag(self.skip_account_creation),
            Setting::SkipRecordCreation => Value::Flag(self.skip_record_creation),
            Setting::SkipAccountLookup => Value::Flag(self.skip_account_lookup),
            Setting::AppendToLatestOpenRecord => Value::Flag(self.append),
            Setting::Records => Value::Records(self.records),
            Setting::AppendToClosedRecordsWithin => Value::Days(self.closed_within_days),
            Setting::DelayCallRecordCreation => Value::Flag(self.call_delay),
            Setting::DelayChatRecordCreation => Value::Count(self.chat_delay),
            Setting::CreateRecordsForAbandonedSessions => Value::Flag(self.abandoned),
            Setting::PushSessionDataToAccount => Value::Flag(self.push),
        }
    }

    /// This combination with one setting changed; panics on a value of the
    /// wrong kind (a slip in the test, not in crmpol).
    pub fn with(mut self, setting: Setting, value: Value) -> Combination {
        match (setting, value) {
            (Setting::MapSessionDataTo, Value::Mapping(m)) => self.mapping = m,
            (Setting::SkipAccountCreation, Value::Flag(f)) => self.skip_account_creation = f,
            (Setting::SkipRecordCreation, Value::Flag(f)) => self.skip_record_creation = f,
            (Setting::SkipAccountLookup, Value::Flag(f)) => self.skip_account_lookup = f,
            (Setting::AppendToLatestOpenRecord, Value::Flag(f)) => self.append = f,
            (Setting::Records, Value::Records(n)) => self.records = n,
            (Setting::AppendToClosedRecordsWithin, Value::Days(d)) => self.closed_within_days = d,
            (Setting::DelayCallRecordCreation, Value::Flag(f)) => self.call_delay = f,
            (Setting::DelayChatRecordCreation, Value::Count(n)) => self.chat_delay = n,
            (Setting::CreateRecordsForAbandonedSessions, Value::Flag(f)) => self.abandoned = f,
            (Setting::PushSessionDataToAccount, Value::Flag(f)) => self.push = f,
            (setting, value) => panic!("{value:?} is not a value of {setting:?}"),
        }
        self
    }

    pub fn differs_from_built_in(&self, setting: Setting) -> bool {
        self.get(setting) != Combination::BUILT_IN.get(setting)
    }

    /// Whether the five v2 settings are all at their built-in defaults.
    pub fn is_v1(&self) -> bool {
        Setting::ALL
            .iter()
            .all(|&s| !s.is_v2() || !self.differs_from_built_in(s))
    }

    /// All 6,912 combinations.
    pub fn all() -> Vec<Combination> {
        let mut all = Vec::with_capacity(6912);
        for mapping in [Mapping::ActivityObject, Mapping::CcaasSession] {
            for flags in 0..16u8 {
                for records in 1..=3 {
                    for closed_within_days in [None, Some(1), Some(30)] {
                        for call_delay in [false, true] {
                            for chat_delay in [None, Some(1), Some(3)] {
                                for abandoned in [true, false] {
                                    for push in [false, true] {
                                        all.push(Combination {
                                            mapping,
                                            skip_account_creation: flags & 1 != 0,
                                            skip_record_creation: flags & 2 != 0,
                                            skip_account_lookup: flags & 4 != 0,
                                            append: flags & 8 != 0,
                                            records,
                                            closed_within_days,
                                            call_delay,
                                            chat_delay,
                                            abandoned,
                                            push,
                                        });
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        all
    }
}

impl fmt::Display for Combination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = Setting::ALL
            .iter()
            .map(|&s| format!("{}={}", s.name(), self.get(s).text(false)))
            .collect();
        f.write_str(&parts.join(", "))
    }
}
