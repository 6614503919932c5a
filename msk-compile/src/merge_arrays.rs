//! Serverless' `mergeArrays`: `functions` or `resources` written as a list of mappings (often
//! `- ${file(…)}` items) is merged into one mapping with lodash's `_.merge` before anything
//! reads the config, so the compiler, the validator and the extensions see what Serverless sees.
//!
//! `_.merge` on plain data: mappings merge key by key (a new key goes after the existing ones),
//! lists merge index by index, anything else replaces what was there (`null` included). Falsy
//! items are skipped; any other item that is not a mapping or a list is Serverless'
//! `LEGACY_CONFIGURATION_PROPERTY_MERGE_INVALID_INPUT`.

use std::collections::HashMap;

use crate::diag::{Code, Diagnostic};
use crate::js::is_truthy;
use crate::tree::{Entry, Node, Span, Value};

/// The top-level keys Serverless merges (`Service.mergeArrays`), in its order.
const MERGED_KEYS: &[&str] = &["resources", "functions"];

/// Merges each of [`MERGED_KEYS`] that is a list into one mapping, in place.
pub fn merge_arrays(root: &mut Node) -> Vec<Diagnostic> {
    merge_arrays_as(root, &crate::dialect::Dialect::default())
}

/// [`merge_arrays`] with the messages of the host's framework.
pub fn merge_arrays_as(root: &mut Node, dialect: &crate::dialect::Dialect) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for key in MERGED_KEYS {
        let Some(node) = root
            .get_mut(key)
            .filter(|node| matches!(node.value, Value::Array(_)))
        else {
            continue;
        };
        let Value::Array(items) = std::mem::replace(&mut node.value, Value::Null) else {
            continue;
        };
        let mut merged = Merged::empty_object(node.span);
        for (index, item) in items.into_iter().enumerate() {
            if !is_truthy(&item.value) {
                continue;
            }
            match item.value {
                Value::Object(_) | Value::Array(_) => merge(&mut merged, item),
                _ => diagnostics.push(
                    Diagnostic::error(
                        Code::MergeInvalidInput,
                        format!(
                            "Non-object value specified in {key} array: {}",
                            if dialect.inspect_merge_items {
                                inspect_text(&item.value)
                            } else {
                                template_text(&item.value)
                            }
                        ),
                    )
                    .at(item.span)
                    .with_path(format!("{key}.{index}"))
                    .with_help(help(key, &item.value)),
                ),
            }
        }
        node.value = merged.into_node().value;
    }
    diagnostics
}

/// A value being merged. Mappings and lists that something was merged into are open, and
/// each open mapping indexes its keys, so merging an item costs the item's size: scanning
/// the entries for each key made a list of 20 000 functions (or of 20 000 `resources` items)
/// take seconds, quadratically. Values nothing was merged into stay as they were written.
enum Merged {
    Object {
        span: Span,
        entries: Vec<(String, Span, Merged)>,
        index: HashMap<String, usize>,
    },
    Array {
        span: Span,
        items: Vec<Merged>,
    },
    Closed(Node),
}

impl Merged {
    fn empty_object(span: Span) -> Merged {
        Merged::Object {
            span,
            entries: Vec::new(),
            index: HashMap::new(),
        }
    }

    /// Opens a mapping or list as written, one level deep; anything else stays closed.
    fn open(&mut self) {
        let Merged::Closed(node) = self else {
            return;
        };
        let span = node.span;
        match std::mem::replace(&mut node.value, Value::Null) {
            Value::Object(written) => {
                let mut entries = Vec::with_capacity(written.len());
                let mut index = HashMap::with_capacity(written.len());
                for entry in written {
                    // The first of two equal keys is the one a search finds.
                    index.entry(entry.key.clone()).or_insert(entries.len());
                    entries.push((entry.key, entry.key_span, Merged::Closed(entry.value)));
                }
                *self = Merged::Object {
                    span,
                    entries,
                    index,
                };
            }
            Value::Array(items) => {
                *self = Merged::Array {
                    span,
                    items: items.into_iter().map(Merged::Closed).collect(),
                };
            }
            other => node.value = other,
        }
    }

    fn is_object(&self) -> bool {
        match self {
            Merged::Object { .. } => true,
            Merged::Array { .. } => false,
            Merged::Closed(node) => matches!(node.value, Value::Object(_)),
        }
    }

    fn is_array(&self) -> bool {
        match self {
            Merged::Object { .. } => false,
            Merged::Array { .. } => true,
            Merged::Closed(node) => matches!(node.value, Value::Array(_)),
        }
    }

    fn span(&self) -> Span {
        match self {
            Merged::Object { span, .. } | Merged::Array { span, .. } => *span,
            Merged::Closed(node) => node.span,
        }
    }

    fn into_node(self) -> Node {
        match self {
            Merged::Object { span, entries, .. } => Node::new(
                Value::Object(
                    entries
                        .into_iter()
                        .map(|(key, key_span, value)| Entry {
                            key,
                            key_span,
                            value: value.into_node(),
                        })
                        .collect(),
                ),
                span,
            ),
            Merged::Array { span, items } => Node::new(
                Value::Array(items.into_iter().map(Merged::into_node).collect()),
                span,
            ),
            Merged::Closed(node) => node,
        }
    }
}

/// `_.merge(target, source)` for the config's plain data.
fn merge(target: &mut Merged, source: Node) {
    target.open();
    match source.value {
        Value::Object(entries) => {
            for entry in entries {
                merge_member(target, entry.key, entry.key_span, entry.value);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.into_iter().enumerate() {
                let span = item.span;
                merge_member(target, index.to_string(), span, item);
            }
        }
        other => *target = Merged::Closed(Node::new(other, target.span())),
    }
}

/// One key (or index) of the source merged into `target` (open).
fn merge_member(target: &mut Merged, key: String, key_span: Span, value: Node) {
    let slot = match target {
        Merged::Object { entries, index, .. } => match index.get(&key) {
            Some(&at) => &mut entries[at].2,
            None => {
                index.insert(key.clone(), entries.len());
                entries.push((key, key_span, Merged::Closed(value)));
                return;
            }
        },
        Merged::Array { span, items } => match key.parse::<usize>() {
            Ok(at) if at < items.len() => &mut items[at],
            Ok(at) if at == items.len() => {
                items.push(Merged::Closed(value));
                return;
            }
            // A mapping's key merged into a list: lodash would give the list a property,
            // which the config's data cannot hold; the source wins.
            _ => {
                *target = Merged::empty_object(*span);
                return merge_member(target, key, key_span, value);
            }
        },
        Merged::Closed(_) => return,
    };
    let compatible = match &value.value {
        Value::Object(_) => slot.is_object(),
        Value::Array(_) => slot.is_array(),
        _ => false,
    };
    if compatible {
        merge(slot, value);
    } else {
        // A source value where nothing mergeable was replaces it (lodash merges it into a
        // new, empty mapping or list: the same data).
        *slot = Merged::Closed(value);
    }
}

/// A file name was most likely meant to be included.
fn help(key: &str, item: &Value) -> String {
    match item {
        Value::String(text)
            if [".yml", ".yaml", ".json"]
                .iter()
                .any(|extension| text.ends_with(extension)) =>
        {
            format!("to include that file, write `- ${{file({text})}}`")
        }
        _ => format!(
            "every item of `{key}` is merged into one mapping: make it a mapping, or remove it"
        ),
    }
}

/// `${value}` in a JavaScript template literal, for the scalars this message shows.
/// Node's `util.inspect` of a scalar: a string quoted with `'` (or `"`, or `` ` ``, the
/// first the text does not hold), escaped; other scalars as in template text.
fn inspect_text(value: &Value) -> String {
    let Value::String(text) = value else {
        return template_text(value);
    };
    let quote = ['\'', '"', '`']
        .into_iter()
        .find(|quote| !text.contains(*quote))
        .unwrap_or('\'');
    let mut out = String::with_capacity(text.len() + 2);
    out.push(quote);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            '\\' => out.push_str("\\\\"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() && (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02X}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

fn template_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Number(number) => crate::js::number_to_string(*number),
        Value::Bool(flag) => flag.to_string(),
        _ => String::new(),
    }
}
