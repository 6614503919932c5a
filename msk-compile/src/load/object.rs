//! Mappings built with JavaScript object semantics, because key order is visible in
//! Serverless' output (e.g. inside `JSON.stringify`'d `filterPatterns`).
//!
//! Contract:
//! * Keys keep insertion order, except that array-index keys (`"0"` … `"4294967294"`) come
//!   first in ascending numeric order, as in every JavaScript object (oracle: a mapping
//!   `{b: 1, "2": x, a: 3, 1: y}` is written `{"1":"y","2":"x","b":1,"a":3}`).
//! * [`ObjectBuilder::insert_yaml`] and [`ObjectBuilder::merge`] follow js-yaml's
//!   `storeMappingPair`/`mergeMappings`: a merged key is only added when absent, an explicit
//!   key may replace a merged one in place (once), any other repeated key is an error.
//! * [`ObjectBuilder::insert_json`] follows `JSON.parse`: a repeated key replaces the value in
//!   the position of its first occurrence.

use std::collections::{HashMap, HashSet};

use crate::js::{is_array_index, key_rank};
use crate::tree::{Entry, Node, Span};

/// Mappings with up to this many keys find a key by scanning: most mappings have a handful
/// of keys, and hashing (plus a copy of every key) would cost more than the scan. Bigger
/// ones (`functions:` of a big service) get a hash index, so loading stays linear.
const SCAN_LIMIT: usize = 16;

#[derive(Debug, Default)]
pub(crate) struct ObjectBuilder {
    entries: Vec<Entry>,
    /// Key → position, built once the mapping outgrows [`SCAN_LIMIT`] (empty before).
    index: HashMap<String, usize>,
    /// Keys that came from a merge and may still be overridden by an explicit key.
    overridable: HashSet<String>,
}

impl ObjectBuilder {
    pub(crate) fn new() -> Self {
        ObjectBuilder::default()
    }

    /// An explicit `key: value`; on a duplicate returns the span of the first key (and the
    /// key, for the message).
    pub(crate) fn insert_yaml(
        &mut self,
        key: String,
        key_span: Span,
        value: Node,
    ) -> Result<(), (Span, String)> {
        match self.position(&key) {
            Some(at) => {
                if !self.overridable.remove(&key) {
                    return Err((self.entries[at].key_span, key));
                }
                // Assignment to an existing JavaScript property keeps its position.
                self.entries[at] = Entry {
                    key,
                    key_span,
                    value,
                };
            }
            None => self.push(key, key_span, value),
        }
        Ok(())
    }

    /// The entries of one merge source (`<<: *anchor`), in that source's order.
    pub(crate) fn merge(&mut self, source: Vec<Entry>) {
        for entry in source {
            if self.position(&entry.key).is_none() {
                self.overridable.insert(entry.key.clone());
                self.push(entry.key, entry.key_span, entry.value);
            }
        }
    }

    /// `JSON.parse`: the last value wins, in the first key's position.
    pub(crate) fn insert_json(&mut self, key: String, key_span: Span, value: Node) {
        match self.position(&key) {
            Some(at) => {
                self.entries[at] = Entry {
                    key,
                    key_span,
                    value,
                }
            }
            None => self.push(key, key_span, value),
        }
    }

    fn position(&self, key: &str) -> Option<usize> {
        if self.index.is_empty() {
            self.entries.iter().position(|entry| entry.key == key)
        } else {
            self.index.get(key).copied()
        }
    }

    fn push(&mut self, key: String, key_span: Span, value: Node) {
        if self.entries.len() == SCAN_LIMIT && self.index.is_empty() {
            self.index = self
                .entries
                .iter()
                .enumerate()
                .map(|(at, entry)| (entry.key.clone(), at))
                .collect();
        }
        if !self.index.is_empty() {
            self.index.insert(key.clone(), self.entries.len());
        }
        self.entries.push(Entry {
            key,
            key_span,
            value,
        });
    }

    /// The entries in JavaScript property order.
    pub(crate) fn finish(self) -> Vec<Entry> {
        let mut entries = self.entries;
        js_order(&mut entries);
        // The tree keeps every mapping until the end of the run; the growth slack would be
        // a third of its memory.
        entries.shrink_to_fit();
        entries
    }
}

/// Moves array-index keys to the front in ascending order; the rest keep their order.
pub(crate) fn js_order(entries: &mut [Entry]) {
    if !entries.iter().any(|entry| is_array_index(&entry.key)) {
        return;
    }
    // Stable sort: index keys (by value) before all other keys (which compare equal).
    entries.sort_by_key(|entry| key_rank(&entry.key));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::Value;

    fn node(number: f64) -> Node {
        Node::new(Value::Number(number), Span::default())
    }

    fn keys(entries: &[Entry]) -> Vec<&str> {
        entries.iter().map(|entry| entry.key.as_str()).collect()
    }

    #[test]
    fn array_index_keys_come_first() {
        let mut object = ObjectBuilder::new();
        for key in [
            "b",
            "2",
            "a",
            "1",
            "01",
            "-1",
            "4294967294",
            "4294967295",
            "1.5",
        ] {
            object.insert_json(key.to_owned(), Span::default(), node(0.0));
        }
        assert_eq!(
            keys(&object.finish()),
            [
                "1",
                "2",
                "4294967294",
                "b",
                "a",
                "01",
                "-1",
                "4294967295",
                "1.5"
            ]
        );
    }

    #[test]
    fn big_mappings_find_their_keys_through_the_index() {
        let mut object = ObjectBuilder::new();
        for at in 0..40 {
            assert!(
                object
                    .insert_yaml(format!("k{at}"), Span::new(at, at + 1), node(0.0))
                    .is_ok()
            );
        }
        for at in [0, SCAN_LIMIT - 1, SCAN_LIMIT, 39] {
            assert_eq!(
                object.insert_yaml(format!("k{at}"), Span::default(), node(1.0)),
                Err((Span::new(at, at + 1), format!("k{at}")))
            );
        }
        object.insert_json("k20".to_owned(), Span::default(), node(2.0));
        let entries = object.finish();
        assert_eq!(entries.len(), 40);
        assert_eq!(entries[20].value.value, Value::Number(2.0));
    }

    #[test]
    fn merged_keys_can_be_overridden_once() {
        let mut object = ObjectBuilder::new();
        object
            .insert_yaml("x".into(), Span::default(), node(0.0))
            .ok();
        let source = vec![
            Entry {
                key: "a".into(),
                key_span: Span::default(),
                value: node(1.0),
            },
            Entry {
                key: "x".into(),
                key_span: Span::default(),
                value: node(9.0),
            },
        ];
        object.merge(source);
        assert!(
            object
                .insert_yaml("a".into(), Span::new(5, 6), node(2.0))
                .is_ok()
        );
        assert_eq!(
            object.insert_yaml("a".into(), Span::new(7, 8), node(3.0)),
            Err((Span::new(5, 6), "a".to_owned()))
        );
        assert!(
            object
                .insert_yaml("x".into(), Span::default(), node(3.0))
                .is_err()
        );
        let entries = object.finish();
        assert_eq!(keys(&entries), ["x", "a"]);
        assert_eq!(entries[1].value.value, Value::Number(2.0));
    }
}
