//! Every setting's value in four bytes: the compact form the resolver keeps
//! for each of a policy set's leaf/channel entries.
//!
//! In: [`SettingValue`]s, each stored under its own key. Out: the same
//! values back. The key says which kind of value its slot holds, so a slot
//! needs only the payload: a flag as 0 or 1, a choice as its position, a
//! count or a number of days as the number, with 0 for `no` (the language's
//! numbers start at 1). A policy set of a million queues keeps two million
//! of these, so 44 bytes instead of 132 each is what keeps it in memory.

use super::{SettingKey, SettingMap, SettingValue, ValueKind};
use std::fmt;

/// One value per setting, packed (see the module header).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PackedValues(SettingMap<u32>);

impl PackedValues {
    /// A map holding `value(key)` for every key.
    pub fn from_fn(mut value: impl FnMut(SettingKey) -> SettingValue) -> PackedValues {
        PackedValues(SettingMap::from_fn(|key| pack(value(key))))
    }

    pub fn get(&self, key: SettingKey) -> SettingValue {
        unpack(key, self.0[key])
    }

    pub fn set(&mut self, key: SettingKey, value: SettingValue) {
        self.0[key] = pack(value);
    }
}

/// One setting's value packed alone, for a record that keeps one value of
/// a known setting (what an assignment inherits).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PackedValue(u32);

impl PackedValue {
    pub fn new(value: SettingValue) -> PackedValue {
        PackedValue(pack(value))
    }

    /// The value, read as a value of `key` (the setting it was packed for).
    pub fn get(self, key: SettingKey) -> SettingValue {
        unpack(key, self.0)
    }
}

/// A value's payload. Every value stored under a key is of the kind the
/// schema declares for it (the parser reads it by that kind, defaults are
/// declared with it), which is what lets [`unpack`] tell the kind from the
/// key.
fn pack(value: SettingValue) -> u32 {
    match value {
        SettingValue::Flag(on) => u32::from(on),
        SettingValue::Choice(_, index) => u32::from(index),
        SettingValue::Count(number) | SettingValue::Days(number) => number.unwrap_or(0),
    }
}

fn unpack(key: SettingKey, payload: u32) -> SettingValue {
    let number = (payload != 0).then_some(payload);
    match key.kind() {
        ValueKind::Flag => SettingValue::Flag(payload != 0),
        ValueKind::Choice(_) => SettingValue::Choice(key, u8::try_from(payload).unwrap_or(u8::MAX)),
        ValueKind::Count => SettingValue::Count(number),
        ValueKind::Days => SettingValue::Days(number),
    }
}

impl fmt::Debug for PackedValues {
    /// As the values themselves, not their payloads.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(SettingKey::ALL.map(|key| (key, self.get(key))))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every value a policy can state, for every key, comes back unchanged.
    #[test]
    fn every_value_of_every_setting_survives_packing() {
        for key in SettingKey::ALL {
            let mut values = vec![key.built_in_default()];
            values.extend(
                key.kind()
                    .accepted_spellings()
                    .iter()
                    .filter_map(|text| key.parse_value(text)),
            );
            values.extend(
                ["1", "2", "4294967295", "1 day", "365 days"]
                    .iter()
                    .filter_map(|text| key.parse_value(text)),
            );
            for value in values {
                let mut packed = PackedValues::from_fn(SettingKey::built_in_default);
                packed.set(key, value);
                assert_eq!(packed.get(key), value, "{key}");
                for other in SettingKey::ALL.into_iter().filter(|&other| other != key) {
                    assert_eq!(
                        packed.get(other),
                        other.built_in_default(),
                        "{other} after setting {key}"
                    );
                }
            }
        }
    }

    #[test]
    fn numbers_start_at_one_so_zero_can_mean_no() {
        for key in SettingKey::ALL {
            if matches!(key.kind(), ValueKind::Count | ValueKind::Days) {
                assert_eq!(key.parse_value("0"), None, "{key}");
                assert_eq!(key.parse_value("0 days"), None, "{key}");
            }
        }
    }
}
