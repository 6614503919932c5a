//! A template read as JavaScript's `JSON.parse` reads it, without building a tree of it.
//!
//! The merge changes a few resources of a template that may hold hundreds of thousands of
//! others. A `serde_json::Value` of the whole template cost 65–75 times the text (a node is
//! about 80 bytes, a `0` in a list two); here the text is split only where the merge looks
//! (the template's keys, `Resources`, the roles' policies) into borrowed slices, and every
//! untouched part is written from its text straight into the output. Lists are written as
//! they are read, objects hold one borrowed slice per key: memory stays within a few times
//! the template.
//!
//! JavaScript's semantics are kept where they show in `JSON.stringify(JSON.parse(text), null,
//! 2)`: a key given twice keeps the last value at the first key's place; array-index keys
//! (`"0"`, `"17"`) come first, ascending; numbers are doubles (`1e400` is `Infinity`, written
//! `null`; `1.0` is written `1`); escapes are decoded and written again as JavaScript does.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value as Json;
use serde_json::value::RawValue;

use crate::json::{number_to_json, write_number, write_string};

/// The text of one JSON value of the template (already checked to be JSON).
pub type Raw<'a> = &'a RawValue;

/// Why a part of the template could not be read (it is JSON, but not what JavaScript reads,
/// e.g. a string holding a lone surrogate escape).
pub type Error = serde_json::Error;

/// Checks that `text` is one JSON value and gives its text.
pub fn parse(text: &str) -> Result<Raw<'_>, Error> {
    serde_json::from_str(text)
}

/// The members of an object in JavaScript's order (see the module's text), or `None` when
/// `raw` is not an object.
pub fn entries(raw: Raw<'_>) -> Result<Option<Vec<(String, Raw<'_>)>>, Error> {
    if !raw.get().starts_with('{') {
        return Ok(None);
    }
    let mut members: Vec<(String, Raw<'_>)> = deserializer(raw).deserialize_map(MembersVisitor)?;
    in_javascript_order(&mut members);
    Ok(Some(members))
}

/// The items of a list, or `None` when `raw` is not a list.
pub fn items(raw: Raw<'_>) -> Result<Option<Vec<Raw<'_>>>, Error> {
    if !raw.get().starts_with('[') {
        return Ok(None);
    }
    serde_json::from_str(raw.get()).map(Some)
}

/// Whether `raw` is the string `text`.
pub fn is_string(raw: Raw<'_>, text: &str) -> bool {
    let raw = raw.get();
    raw.strip_prefix('"')
        .and_then(|inner| inner.strip_suffix('"'))
        .is_some_and(|inner| inner == text)
        || (raw.contains('\\') && serde_json::from_str::<String>(raw).is_ok_and(|s| s == text))
}

/// The value `JSON.parse` gives, as a tree (for the small parts the merge changes).
pub fn to_value(raw: Raw<'_>) -> Result<Json, Error> {
    let text = raw.get();
    match text.as_bytes().first() {
        Some(b'{') => Ok(Json::Object(
            entries(raw)?
                .unwrap_or_default()
                .into_iter()
                .map(|(key, value)| Ok((key, to_value(value)?)))
                .collect::<Result<_, Error>>()?,
        )),
        Some(b'[') => Ok(Json::Array(
            items(raw)?
                .unwrap_or_default()
                .into_iter()
                .map(to_value)
                .collect::<Result<_, Error>>()?,
        )),
        Some(b'-' | b'0'..=b'9') => Ok(number_to_json(number(text))),
        _ => serde_json::from_str(text),
    }
}

/// Appends `JSON.stringify(value, null, 2)` of the value `raw` holds, as it is written
/// `depth` levels deep.
pub fn write_pretty(out: &mut String, raw: Raw<'_>, depth: usize) -> Result<(), Error> {
    let text = raw.get();
    match text.as_bytes().first() {
        Some(b'{') => {
            let members = entries(raw)?.unwrap_or_default();
            write_object(
                out,
                depth,
                members.len(),
                members.into_iter(),
                |out, raw| write_pretty(out, raw, depth + 1),
            )
        }
        Some(b'[') => deserializer(raw).deserialize_seq(ListWriter { out, depth }),
        Some(b'"') => {
            match text[1..text.len() - 1].contains('\\') {
                false => write_string(out, &text[1..text.len() - 1]),
                true => write_string(out, &serde_json::from_str::<String>(text)?),
            }
            Ok(())
        }
        Some(b'-' | b'0'..=b'9') => {
            write_number(out, number(text));
            Ok(())
        }
        _ => {
            out.push_str(text);
            Ok(())
        }
    }
}

/// Appends an object of `len` members in the pretty form, each value written by `write`.
pub fn write_object<V, E>(
    out: &mut String,
    depth: usize,
    len: usize,
    members: impl Iterator<Item = (String, V)>,
    mut write: impl FnMut(&mut String, V) -> Result<(), E>,
) -> Result<(), E> {
    if len == 0 {
        out.push_str("{}");
        return Ok(());
    }
    out.push('{');
    for (index, (key, value)) in members.enumerate() {
        if index > 0 {
            out.push(',');
        }
        newline(out, depth + 1);
        write_string(out, &key);
        out.push_str(": ");
        write(out, value)?;
    }
    newline(out, depth);
    out.push('}');
    Ok(())
}

/// Appends a list in the pretty form, each item written by `write`.
pub fn write_list<V, E>(
    out: &mut String,
    depth: usize,
    items: impl IntoIterator<Item = V>,
    mut write: impl FnMut(&mut String, V) -> Result<(), E>,
) -> Result<(), E> {
    let mut empty = true;
    out.push('[');
    for item in items {
        if !empty {
            out.push(',');
        }
        empty = false;
        newline(out, depth + 1);
        write(out, item)?;
    }
    if !empty {
        newline(out, depth);
    }
    out.push(']');
    Ok(())
}

/// A line break and the indentation of `depth` levels.
pub fn newline(out: &mut String, depth: usize) {
    out.push('\n');
    for _ in 0..depth {
        out.push_str("  ");
    }
}

/// `JSON.parse`'s number: the nearest double; beyond its range ±∞.
fn number(text: &str) -> f64 {
    text.parse::<f64>().unwrap_or(f64::NAN)
}

/// Duplicates keep the last value at the first key's place; array-index keys first.
fn in_javascript_order(members: &mut Vec<(String, Raw<'_>)>) {
    let mut seen = std::collections::HashMap::with_capacity(members.len());
    let mut kept: Vec<(String, Raw<'_>)> = Vec::with_capacity(members.len());
    for (key, value) in members.drain(..) {
        match seen.get(&key) {
            Some(&at) => {
                let slot: &mut (String, Raw<'_>) = &mut kept[at];
                slot.1 = value;
            }
            None => {
                seen.insert(key.clone(), kept.len());
                kept.push((key, value));
            }
        }
    }
    kept.sort_by_key(|(key, _)| crate::js::key_rank(key));
    *members = kept;
}

fn deserializer(raw: Raw<'_>) -> serde_json::Deserializer<serde_json::de::StrRead<'_>> {
    serde_json::Deserializer::from_str(raw.get())
}

/// Collects an object's members, duplicates included, in text order.
struct MembersVisitor;

impl<'de> Visitor<'de> for MembersVisitor {
    type Value = Vec<(String, Raw<'de>)>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut members = Vec::new();
        while let Some(member) = map.next_entry::<String, Raw<'de>>()? {
            members.push(member);
        }
        Ok(members)
    }
}

/// Writes a list's items as they are read: a list of a million numbers never exists as a
/// list of slices.
struct ListWriter<'o> {
    out: &'o mut String,
    depth: usize,
}

impl<'de> Visitor<'de> for ListWriter<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut empty = true;
        self.out.push('[');
        while let Some(()) = seq.next_element_seed(ItemWriter {
            out: self.out,
            depth: self.depth + 1,
            first: empty,
        })? {
            empty = false;
        }
        if !empty {
            newline(self.out, self.depth);
        }
        self.out.push(']');
        Ok(())
    }
}

/// One item of [`ListWriter`]'s list.
struct ItemWriter<'o> {
    out: &'o mut String,
    depth: usize,
    first: bool,
}

impl<'de> DeserializeSeed<'de> for ItemWriter<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        let raw: Raw<'de> = serde::Deserialize::deserialize(deserializer)?;
        if !self.first {
            self.out.push(',');
        }
        newline(self.out, self.depth);
        write_pretty(self.out, raw, self.depth).map_err(de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pretty(text: &str) -> String {
        let mut out = String::new();
        write_pretty(&mut out, parse(text).expect("json"), 0).expect("writes");
        out
    }

    #[test]
    fn writes_what_json_stringify_of_json_parse_writes() {
        // Expected texts: node -e 'console.log(JSON.stringify(JSON.parse(t), null, 2))'.
        assert_eq!(pretty("[]"), "[]");
        assert_eq!(
            pretty(r#"{"a":{},"b":[1,[]]}"#),
            "{\n  \"a\": {},\n  \"b\": [\n    1,\n    []\n  ]\n}"
        );
        assert_eq!(
            pretty("[1e400, -1e400, 1.50, -0, 1e21, 0.0000001]"),
            "[\n  null,\n  null,\n  1.5,\n  0,\n  1e+21,\n  1e-7\n]"
        );
        assert_eq!(
            pretty(r#"{"b":1,"a":2,"b":3,"10":4,"2":5,"01":6}"#),
            "{\n  \"2\": 5,\n  \"10\": 4,\n  \"b\": 3,\n  \"a\": 2,\n  \"01\": 6\n}"
        );
        assert_eq!(pretty(r#""\u00e9\/\u001b""#), "\"é/\\u001b\"");
    }

    #[test]
    fn values_are_what_json_parse_gives() {
        let value = to_value(parse(r#"{"a":1e400,"a":[2.0,"x"]}"#).expect("json")).expect("value");
        assert_eq!(value, serde_json::json!({"a": [2, "x"]}));
        assert_eq!(
            to_value(parse("1e400").expect("json")).expect("value"),
            Json::Null
        );
    }
}
