//! One value per setting, indexed by [`SettingKey`].
//!
//! In: a value for every key. Out: a fixed-size map the size of the schema,
//! so adding a setting to the schema grows every map with it and no count
//! is written anywhere else.

use super::SettingKey;
use std::ops::{Index, IndexMut};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SettingMap<T>([T; SettingKey::COUNT]);

impl<T> SettingMap<T> {
    /// A map holding `value(key)` for every key.
    pub fn from_fn(mut value: impl FnMut(SettingKey) -> T) -> SettingMap<T> {
        SettingMap(std::array::from_fn(|index| {
            value(
                SettingKey::ALL
                    .get(index)
                    .copied()
                    .unwrap_or(SettingKey::MapSessionDataTo),
            )
        }))
    }

    /// Every key with its value, in canonical order.
    pub fn iter(&self) -> impl Iterator<Item = (SettingKey, &T)> {
        SettingKey::ALL.into_iter().zip(self.0.iter())
    }
}

impl<T: Default> Default for SettingMap<T> {
    fn default() -> SettingMap<T> {
        SettingMap::from_fn(|_| T::default())
    }
}

// A key is a position in the schema and a map has one slot per position,
// so indexing by key cannot go out of bounds.
impl<T> Index<SettingKey> for SettingMap<T> {
    type Output = T;

    fn index(&self, key: SettingKey) -> &T {
        &self.0[key.index()]
    }
}

impl<T> IndexMut<SettingKey> for SettingMap<T> {
    fn index_mut(&mut self, key: SettingKey) -> &mut T {
        &mut self.0[key.index()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_one_value_per_key_in_canonical_order() {
        let mut map = SettingMap::from_fn(|key| key.index());
        map[SettingKey::Records] = 99;
        let keys: Vec<SettingKey> = map.iter().map(|(key, _)| key).collect();
        assert_eq!(keys, SettingKey::ALL);
        assert_eq!(
            map[SettingKey::SkipRecordCreation],
            SettingKey::SkipRecordCreation.index()
        );
        assert_eq!(map[SettingKey::Records], 99);
    }
}
