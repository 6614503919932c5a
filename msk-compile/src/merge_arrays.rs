//! Serverless' `mergeArrays`: `functions` or `resources` written as a list of mappings (often
//! `- ${file(…)}` items) is merged into one mapping with lodash's `_.merge` before anything
//! reads the config, so the compiler, the validator and the extensions see what Serverless sees.
//!
//! `_.merge` on plain data: mappings merge key by key (a new key goes after the existing ones),
//! lists merge index by index, anything else replaces what was there (`null` included). Falsy
//! items are skipped; any other item that is not a mapping or a list is Serverless'
//! `LEGACY_CONFIGURATION_PROPERTY_MERGE_INVALID_INPUT`.

use crate::diag::{Code, Diagnostic};
use crate::js::is_truthy;
use crate::tree::{Entry, Node, Value};

/// The top-level keys Serverless merges (`Service.mergeArrays`), in its order.
const MERGED_KEYS: &[&str] = &["resources", "functions"];

/// Merges each of [`MERGED_KEYS`] that is a list into one mapping, in place.
pub fn merge_arrays(root: &mut Node) -> Vec<Diagnostic> {
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
        let mut merged = Node::new(Value::Object(Vec::new()), node.span);
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
                            template_text(&item.value)
                        ),
                    )
                    .at(item.span)
                    .with_path(format!("{key}.{index}"))
                    .with_help(help(key, &item.value)),
                ),
            }
        }
        node.value = merged.value;
    }
    diagnostics
}

/// `_.merge(target, source)` for the config's plain data.
fn merge(target: &mut Node, source: Node) {
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
        other => target.value = other,
    }
}

/// One key (or index) of the source merged into `target`.
fn merge_member(target: &mut Node, key: String, key_span: crate::tree::Span, value: Node) {
    let slot = match &mut target.value {
        Value::Object(entries) => match entries.iter().position(|entry| entry.key == key) {
            Some(at) => &mut entries[at].value,
            None => {
                entries.push(Entry {
                    key,
                    key_span,
                    value,
                });
                return;
            }
        },
        Value::Array(items) => match key.parse::<usize>() {
            Ok(index) if index < items.len() => &mut items[index],
            Ok(index) if index == items.len() => {
                items.push(value);
                return;
            }
            // A mapping's key merged into a list: lodash would give the list a property,
            // which the config's data cannot hold; the source wins.
            _ => {
                *target = Node::new(Value::Object(Vec::new()), target.span);
                return merge_member(target, key, key_span, value);
            }
        },
        _ => return,
    };
    let compatible = matches!(
        (&slot.value, &value.value),
        (Value::Object(_), Value::Object(_)) | (Value::Array(_), Value::Array(_))
    );
    if compatible {
        merge(slot, value);
    } else {
        // A source value where nothing mergeable was replaces it (lodash merges it into a
        // new, empty mapping or list: the same data).
        *slot = value;
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
fn template_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Number(number) => crate::js::number_to_string(*number),
        Value::Bool(flag) => flag.to_string(),
        _ => String::new(),
    }
}
