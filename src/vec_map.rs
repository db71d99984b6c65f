//! A small ordered map kept as a vector sorted by key.
//!
//! The crate's maps are small (a version's figures; a scenario's overrides, at most 200 by
//! `limits::MAX_OVERRIDES`; the figures one calculation used), so shifting entries on insert costs
//! nothing that matters. A `BTreeMap` brings its node code for each key type, several kilobytes of
//! the page's wasm per map; a binary search over a vector does the same job in a few hundred bytes
//! (BENCHMARKS.md, Size).

use serde::{Serialize, Serializer};
use std::borrow::Borrow;

#[derive(Clone, Debug, PartialEq)]
pub struct VecMap<K, V>(Vec<(K, V)>);

impl<K, V> Default for VecMap<K, V> {
    fn default() -> Self {
        VecMap(Vec::new())
    }
}

impl<K: Ord, V> VecMap<K, V> {
    pub fn new() -> Self {
        VecMap::default()
    }

    fn position<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        self.0.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.position(key).ok().map(|at| &self.0[at].1)
    }

    /// Sets `key` to `value`, replacing the value it had.
    pub fn insert(&mut self, key: K, value: V) {
        match self.position(&key) {
            Ok(at) => self.0[at].1 = value,
            Err(at) => self.0.insert(at, (key, value)),
        }
    }

    /// Sets `key` to `value` unless it has a value already (the first one stays).
    pub fn insert_if_absent(&mut self, key: K, value: V) {
        if let Err(at) = self.position(&key) {
            self.0.insert(at, (key, value));
        }
    }
}

impl<K, V> VecMap<K, V> {
    /// Entries in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    pub fn keys(&self) -> impl Iterator<Item = &K> {
        self.0.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.0.iter().map(|(_, v)| v)
    }

    pub fn into_values(self) -> impl Iterator<Item = V> {
        self.0.into_iter().map(|(_, v)| v)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// As a map, in key order: what a `BTreeMap` gave.
impl<K: Serialize, V: Serialize> Serialize for VecMap<K, V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::VecMap;
    use std::collections::BTreeMap;

    proptest::proptest! {
        /// The same operations on a `BTreeMap` give the same map: entries, order and lookups.
        #[test]
        fn behaves_as_a_btree_map(ops in proptest::collection::vec((0u8..20, 0u16..100, proptest::bool::ANY), 0..60)) {
            let (mut map, mut oracle) = (VecMap::new(), BTreeMap::new());
            for (key, value, replace) in ops {
                if replace {
                    map.insert(key, value);
                    oracle.insert(key, value);
                } else {
                    map.insert_if_absent(key, value);
                    oracle.entry(key).or_insert(value);
                }
            }
            proptest::prop_assert_eq!(map.iter().collect::<Vec<_>>(), oracle.iter().collect::<Vec<_>>());
            proptest::prop_assert_eq!(map.len(), oracle.len());
            for key in 0u8..20 {
                proptest::prop_assert_eq!(map.get(&key), oracle.get(&key));
            }
        }
    }

    #[test]
    fn looks_up_string_keys_by_str_and_serializes_as_an_object_in_key_order() {
        let mut map = VecMap::new();
        map.insert("ratio.primary".to_owned(), 1);
        map.insert("cap.retiree".to_owned(), 2);
        map.insert("ratio.primary".to_owned(), 3);
        assert_eq!(map.get("ratio.primary"), Some(&3));
        assert_eq!(map.get("deductible"), None);
        assert_eq!(serde_json::to_string(&map).unwrap(), r#"{"cap.retiree":2,"ratio.primary":3}"#);
    }
}
