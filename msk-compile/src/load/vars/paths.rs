//! Config values by path, as JavaScript reads and writes them: property paths, `parseEntries`,
//! `value[key]` walks (with `length` and list indices), in-place writes, JavaScript's string
//! conversion, and span moves for included files.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::ops::Bound;

use crate::js::{self, is_array_index};
use crate::load::scalar::number_value;
use crate::load::var_syntax::{self, Variable};
use crate::tree::{Entry, Node, Span, Value};

/// The resolver's maps are keyed by property paths and hashed many times per variable: a
/// fast fixed-seed hash (iteration order never matters here, and the input is the user's own
/// config, not an attacker's).
pub(super) type FixedHash = foldhash::fast::FixedState;
pub(super) type HashMap<K, V> = std::collections::HashMap<K, V, FixedHash>;
pub(super) type HashSet<T> = std::collections::HashSet<T, FixedHash>;
pub(super) type IndexMap<K, V> = indexmap::IndexMap<K, V, FixedHash>;
pub(super) type IndexSet<T> = indexmap::IndexSet<T, FixedHash>;

/// One string found by `parseEntries`.
pub(super) struct Found {
    /// The property path: its keys joined with NUL, as [`join_path`] writes them.
    pub(super) path: String,
    pub(super) span: Span,
    pub(super) value: String,
    pub(super) parsed: Result<Vec<Variable>, var_syntax::SyntaxError>,
}

/// The position of each key of the config's large mappings, by the mapping's path, built at
/// the first lookup through it: a scan of the keys for each reference made 10 000
/// references to the keys of a 10 000-key mapping (`params.default`, `custom`) quadratic.
/// A resolved property replaces only its own value, never a key, so the positions in the
/// mappings around it stay right; those under it are dropped ([`KeyPositions::forget`]).
#[derive(Default)]
pub(super) struct KeyPositions(BTreeMap<String, HashMap<String, usize>>);

impl KeyPositions {
    /// Mappings with at most this many keys are scanned: indexing them costs more.
    pub(super) const SCANNED: usize = 32;

    /// The position of `key` in `entries`, the mapping at `path` of the config.
    pub(super) fn find(&mut self, path: &[String], entries: &[Entry], key: &str) -> Option<usize> {
        if entries.len() <= Self::SCANNED {
            return entries.iter().position(|entry| entry.key == key);
        }
        let positions = self.0.entry(join_path(path)).or_insert_with(|| {
            let mut positions =
                HashMap::with_capacity_and_hasher(entries.len(), FixedHash::default());
            for (at, entry) in entries.iter().enumerate() {
                positions.entry(entry.key.clone()).or_insert(at);
            }
            positions
        });
        positions.get(key).copied()
    }

    /// The value at `prefix` (a path) was replaced: the mappings in it are new. (Paths that
    /// only start with the same text are forgotten too, and built again if needed.)
    pub(super) fn forget(&mut self, prefix: &str) {
        if self.0.is_empty() {
            return;
        }
        let stale: Vec<String> = self
            .0
            .range::<str, _>((Bound::Included(prefix), Bound::Unbounded))
            .take_while(|(under, _)| under.starts_with(prefix))
            .map(|(under, _)| under.clone())
            .collect();
        for under in stale {
            self.0.remove(&under);
        }
    }
}

pub(super) fn join_path(keys: &[String]) -> String {
    keys.join("\0")
}

/// `humanizePropertyPath`: keys joined with dots.
pub(super) fn humanize(path: &str) -> String {
    path.replace('\0', ".")
}

/// One step below the `base` of [`parse_entries`], kept borrowed until a string is found.
#[derive(Debug, Clone, Copy)]
pub(super) enum Step<'n> {
    Key(&'n str),
    Index(usize),
}

/// `parseEntries`: every string with variables (or a syntax error) under `node`, in order.
pub(super) fn parse_entries<K: AsRef<str>>(node: &Node, base: &[K]) -> Vec<Found> {
    let mut found = Vec::new();
    let mut path: Vec<Step<'_>> = Vec::new();
    // (node, its depth below `node`, the step that leads to it)
    let mut pending: Vec<(&Node, usize, Option<Step<'_>>)> = vec![(node, 0, None)];
    while let Some((node, depth, step)) = pending.pop() {
        path.truncate(depth.saturating_sub(1));
        if let Some(step) = step {
            path.push(step);
        }
        match &node.value {
            Value::Object(entries) => {
                for entry in entries.iter().rev() {
                    pending.push((&entry.value, depth + 1, Some(Step::Key(&entry.key))));
                }
            }
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate().rev() {
                    pending.push((item, depth + 1, Some(Step::Index(index))));
                }
            }
            Value::String(text) => {
                let parsed = match var_syntax::parse(text) {
                    Ok(None) => continue,
                    Ok(Some(variables)) => Ok(variables),
                    Err(error) => Err(error),
                };
                // `join_path` of the base keys and the steps, written in one string.
                let mut joined = String::new();
                let mut index_text = itoa::Buffer::new();
                for (at, key) in base.iter().map(AsRef::as_ref).enumerate() {
                    if at > 0 {
                        joined.push('\0');
                    }
                    joined.push_str(key);
                }
                for (at, step) in path.iter().enumerate() {
                    if at > 0 || !base.is_empty() {
                        joined.push('\0');
                    }
                    match step {
                        Step::Key(key) => joined.push_str(key),
                        Step::Index(index) => joined.push_str(index_text.format(*index)),
                    }
                }
                found.push(Found {
                    path: joined,
                    span: node.span,
                    value: text.clone(),
                    parsed,
                });
            }
            _ => {}
        }
    }
    found
}

/// `type/string/coerce`: `None` for `null` and plain objects.
pub(super) fn coerce_string(value: &Value) -> Option<String> {
    match value {
        Value::Null | Value::Object(_) => None,
        Value::Bool(flag) => Some(flag.to_string()),
        Value::Number(number) => Some(js::number_to_string(*number)),
        Value::String(text) => Some(text.clone()),
        Value::Array(items) => Some(join_array(items)),
    }
}

/// `Array.prototype.join(",")` as `String(array)` does it.
pub(super) fn join_array(items: &[Node]) -> String {
    items
        .iter()
        .map(|item| match &item.value {
            Value::Null => String::new(),
            Value::Object(_) => "[object Object]".to_owned(),
            Value::Array(inner) => join_array(inner),
            other => coerce_string(other).unwrap_or_default(),
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// `type/lib/to-short-string`, for messages.
pub(super) fn short_string(value: &Value) -> String {
    let text = match value {
        Value::Object(_) => "[object Object]".to_owned(),
        Value::Null => "null".to_owned(),
        other => coerce_string(other).unwrap_or_default(),
    };
    let text = if text.encode_utf16().count() > 100 {
        format!("{}…", text.chars().take(99).collect::<String>())
    } else {
        text
    };
    text.replace('\n', "\\n")
        .replace('\r', "\\r")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// JavaScript `value[key]` on config data (`undefined` is `None`).
pub(super) fn js_get(node: &Node, key: &str) -> Option<Node> {
    match &node.value {
        Value::Object(entries) => entries
            .iter()
            .find(|entry| entry.key == key)
            .map(|entry| entry.value.clone()),
        Value::Array(items) if key == "length" => {
            #[allow(clippy::cast_precision_loss)] // Lists are far shorter than 2^53.
            Some(Node::new(Value::Number(items.len() as f64), node.span))
        }
        Value::Array(items) if is_array_index(key) => key
            .parse::<usize>()
            .ok()
            .and_then(|index| items.get(index))
            .cloned(),
        Value::String(text) if key == "length" =>
        {
            #[allow(clippy::cast_precision_loss)]
            Some(Node::new(
                Value::Number(text.encode_utf16().count() as f64),
                node.span,
            ))
        }
        Value::String(text) if is_array_index(key) => {
            let index = key.parse::<usize>().ok()?;
            let unit = text.encode_utf16().nth(index)?;
            Some(Node::new(
                Value::String(String::from_utf16_lossy(&[unit])),
                node.span,
            ))
        }
        _ => None,
    }
}

/// JavaScript `keys.reduce((value, key) => value[key], root)`, stopping at `null`/`undefined`.
/// Borrows along the way; only synthetic values (`length`, a character) are created. With
/// `positions`, `root` is the config's root and its large mappings are looked up by index.
pub(super) fn js_walk<'n>(
    root: &'n Node,
    keys: &[String],
    mut positions: Option<&mut KeyPositions>,
) -> Option<Cow<'n, Node>> {
    let mut current = Cow::Borrowed(root);
    for (depth, key) in keys.iter().enumerate() {
        if current.is_null() {
            return None;
        }
        current = match current {
            Cow::Borrowed(node) => match &node.value {
                Value::Object(entries) => {
                    let at = match positions.as_deref_mut() {
                        Some(positions) => positions.find(&keys[..depth], entries, key),
                        None => entries.iter().position(|entry| &entry.key == key),
                    }?;
                    Cow::Borrowed(&entries[at].value)
                }
                Value::Array(items) if is_array_index(key) => {
                    Cow::Borrowed(items.get(key.parse::<usize>().ok()?)?)
                }
                _ => Cow::Owned(js_get(node, key)?),
            },
            Cow::Owned(node) => Cow::Owned(js_get(&node, key)?),
        };
    }
    Some(current)
}

pub(super) fn set_at<K: AsRef<str>>(root: &mut Node, keys: &[K], value: Node) {
    set_at_hinted(root, keys, value, &mut Vec::new());
}

/// [`set_at`], starting the key search in each mapping where the previous call found its
/// key at that depth (`hints`, updated): properties are resolved in config order, so the next
/// one sits at or just after the previous one, and resolving every property under a mapping
/// with thousands of keys (`functions` of a big service) stays linear instead of quadratic.
/// Keys are unique within a mapping, so where the search starts does not change the result.
pub(super) fn set_at_hinted<K: AsRef<str>>(
    root: &mut Node,
    keys: &[K],
    value: Node,
    hints: &mut Vec<usize>,
) {
    let Some((last, parents)) = keys.split_last() else {
        *root = value;
        return;
    };
    let mut node = root;
    let last = last.as_ref();
    for (depth, key) in keys.iter().enumerate() {
        let key = key.as_ref();
        let hint = hints.get(depth).copied().unwrap_or(0);
        let at = match &node.value {
            Value::Object(entries) => find_from(entries, key, hint),
            Value::Array(items) => key.parse::<usize>().ok().filter(|at| *at < items.len()),
            _ => None,
        };
        let Some(at) = at else { return };
        // Overwritten in place: the deeper hints are still to be read by this walk.
        match hints.get_mut(depth) {
            Some(slot) => *slot = at,
            None => hints.push(at),
        }
        if depth == parents.len() {
            break;
        }
        let child = match &mut node.value {
            Value::Object(entries) => entries.get_mut(at).map(|entry| &mut entry.value),
            Value::Array(items) => items.get_mut(at),
            _ => None,
        };
        let Some(child) = child else { return };
        node = child;
    }
    hints.truncate(keys.len());
    match &mut node.value {
        Value::Object(entries) => {
            if let Some(entry) = hints.last().and_then(|at| entries.get_mut(*at))
                && entry.key == last
            {
                entry.value = value;
            }
        }
        Value::Array(items) => {
            if let Some(item) = hints.last().and_then(|at| items.get_mut(*at)) {
                *item = value;
            }
        }
        _ => {}
    }
}

/// The position of `key` in `entries`, searching from `hint` on, then before it.
pub(super) fn find_from(entries: &[Entry], key: &str, hint: usize) -> Option<usize> {
    let start = hint.min(entries.len());
    let (before, after) = entries.split_at(start);
    after
        .iter()
        .position(|entry| entry.key == key)
        .map(|at| start + at)
        .or_else(|| before.iter().position(|entry| entry.key == key))
}

/// A value as it leaves a source: `JSON.parse(JSON.stringify(value))`.
pub(super) fn json_normalize(mut node: Node) -> Node {
    let mut pending = vec![&mut node];
    while let Some(node) = pending.pop() {
        if let Value::Number(number) = node.value {
            node.value = number_value(number);
            continue;
        }
        match &mut node.value {
            Value::Array(items) => pending.extend(items.iter_mut()),
            Value::Object(entries) => {
                pending.extend(entries.iter_mut().map(|entry| &mut entry.value))
            }
            _ => {}
        }
    }
    node
}

/// Moves every span of an included file's tree to the file's place after the config.
pub fn shift_spans(node: &mut Node, base: usize) {
    map_spans(node, |span| span.shifted(base));
}

/// Replaces every span of a tree (nodes and keys) by `change(span)`, without recursion.
pub(super) fn map_spans(node: &mut Node, change: impl Fn(Span) -> Span) {
    let mut pending = vec![node];
    while let Some(node) = pending.pop() {
        node.span = change(node.span);
        match &mut node.value {
            Value::Array(items) => pending.extend(items.iter_mut()),
            Value::Object(entries) => {
                for entry in entries.iter_mut() {
                    entry.key_span = change(entry.key_span);
                    pending.push(&mut entry.value);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coerces_like_javascript() {
        assert_eq!(
            coerce_string(&Value::Number(1e21)).as_deref(),
            Some("1e+21")
        );
        assert_eq!(coerce_string(&Value::Bool(true)).as_deref(), Some("true"));
        assert_eq!(coerce_string(&Value::Null), None);
        assert_eq!(coerce_string(&Value::Object(Vec::new())), None);
        let list = Value::Array(vec![
            Node::new(Value::Number(1.0), Span::default()),
            Node::new(Value::Null, Span::default()),
            Node::new(Value::Object(Vec::new()), Span::default()),
        ]);
        assert_eq!(coerce_string(&list).as_deref(), Some("1,,[object Object]"));
    }
}
