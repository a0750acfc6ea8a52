//! The settings of one leaf queue and channel, as plain values.
//!
//! In: the effective value of every setting for one entry. Out: typed reads
//! for the vendor's rules, and the `settings` object of a decision-table
//! entry, one field per setting as the schema names it.

use super::{PackedValues, SettingKey, SettingMap, SettingValue};
use crate::vocabulary::Channel;
use serde::ser::{Serialize, SerializeMap, Serializer};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LeafSettings {
    channel: Channel,
    values: PackedValues,
}

impl LeafSettings {
    pub fn new(channel: Channel, values: SettingMap<SettingValue>) -> LeafSettings {
        LeafSettings::from_fn(channel, |key| values[key])
    }

    /// The settings of `channel` with these values, as they are kept.
    pub fn from_packed(channel: Channel, values: PackedValues) -> LeafSettings {
        LeafSettings { channel, values }
    }

    /// The settings holding `value(key)` for every key.
    pub fn from_fn(channel: Channel, value: impl FnMut(SettingKey) -> SettingValue) -> LeafSettings {
        LeafSettings {
            channel,
            values: PackedValues::from_fn(value),
        }
    }

    /// Every setting at its built-in default.
    pub fn built_in(channel: Channel) -> LeafSettings {
        LeafSettings::from_fn(channel, SettingKey::built_in_default)
    }

    /// The same settings with one value changed.
    pub fn with(mut self, key: SettingKey, value: SettingValue) -> LeafSettings {
        self.values.set(key, value);
        self
    }

    pub fn channel(&self) -> Channel {
        self.channel
    }

    /// The value in effect, or `None` for a setting that decides nothing in
    /// this channel.
    pub fn value(&self, key: SettingKey) -> Option<SettingValue> {
        key.applies_to(self.channel).then(|| self.values.get(key))
    }

    /// Whether a yes/no setting is on (never, where it does not apply).
    pub fn flag(&self, key: SettingKey) -> bool {
        matches!(self.value(key), Some(SettingValue::Flag(true)))
    }

    /// The position of a choice setting's value in its list of choices.
    pub fn choice(&self, key: SettingKey) -> u8 {
        self.value(key).and_then(SettingValue::choice).unwrap_or(0)
    }

    /// The number of a count or days setting; `None` for `no` and where it
    /// does not apply.
    pub fn number(&self, key: SettingKey) -> Option<u32> {
        self.value(key).and_then(SettingValue::number)
    }
}

impl Serialize for LeafSettings {
    /// One field per setting, in canonical order; `null` where the setting
    /// does not apply to the channel and for the `no` of a number.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(SettingKey::COUNT))?;
        for key in SettingKey::ALL {
            let value = self.value(key).and_then(SettingValue::table_value);
            map.serialize_entry(key.spec().table_field, &value)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_one_field_per_setting_in_schema_order() {
        let settings =
            LeafSettings::built_in(Channel::Call).with(SettingKey::SkipRecordCreation, SettingValue::Flag(true));
        let json = serde_json::to_value(settings).expect("settings serialize");
        let fields: Vec<&str> = json
            .as_object()
            .expect("an object")
            .keys()
            .map(String::as_str)
            .collect();
        let schema: Vec<&str> = SettingKey::ALL.iter().map(|key| key.spec().table_field).collect();
        assert_eq!(fields.len(), schema.len());
        assert_eq!(json["skip_record_creation"], serde_json::json!(true));
        assert_eq!(json["map_session_data_to"], serde_json::json!("activity_object"));
        assert_eq!(json["records"], serde_json::json!(1));
    }
}
