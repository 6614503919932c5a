//! The interpreter of the model's derived mapping tables (`CfnMapping`): one msk event's
//! `AWS::Lambda::EventSourceMapping`, its properties written as JSON text field by field
//! (presence, default, shape, renames), after the model's rules; and its logical ID.
//!
//! Where Serverless 3.40.0 would crash with a `TypeError`, this reports a coded error at
//! the offending value instead.

use serde_json::Value as Json;

use msk_model::{CfnField, CfnMapping, CfnProperty, Presence, Rename, RenameKind, Shape, Slot};

use crate::diag::{Code, Diagnostic};
use crate::event::EventContext;
use crate::js;
use crate::json::{object, stringify_compact, to_json, write_node, write_string};
use crate::logical_id::id_token;
use crate::naming::event_logical_id_normalized;
use crate::tree::Value;

/// The buffers one event's resource is written into; kept by the compiler and reused, so
/// that compiling an event allocates little beyond the resource's own text.
#[derive(Debug, Default)]
pub struct Scratch {
    /// The finished resource, `JSON.stringify(resource)`.
    pub resource: String,
    /// Each property value's JSON text, one after the other…
    values: String,
    /// …and where each one is, under its property path, in table order.
    properties: Vec<(&'static [&'static str], std::ops::Range<usize>)>,
    /// The logical ID's parts.
    id_parts: Vec<String>,
}

/// Builds one resource from the mapping tables of `M` into `scratch.resource` and returns
/// its logical ID; `None` after reporting errors.
pub fn build_resource<M: CfnMapping>(
    event: &EventContext<'_>,
    depends_on: &str,
    scratch: &mut Scratch,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<String> {
    // Only this event's own diagnostics are looked at: counting all of them for every event
    // made a service with many colliding events quadratic (40 000 events took seconds).
    let first_new = diagnostics.len();
    if !matches!(event.msk.value, Value::Object(_)) {
        diagnostics.push(
            Diagnostic::error(
                Code::EventNotAnObject,
                format!(
                    "the msk event must be a mapping with `arn` and `topic`, not {}",
                    event.msk.type_with_article()
                ),
            )
            .at(event.msk.span)
            .with_path(event.path()),
        );
        return None;
    }

    crate::rules::check(
        M::RULES,
        event.dialect,
        event.function,
        event.msk,
        &|key| event.key_path(key),
        &|key| M::field(key).is_some_and(|field| writes_as_written(event, field)),
        diagnostics,
    );

    scratch.id_parts.clear();
    for part in M::ID_PARTS {
        if let Some(token) = id_token(event, part.key, part.token, diagnostics) {
            scratch.id_parts.push(token);
        }
    }

    scratch.values.clear();
    scratch.properties.clear();
    for property in M::PROPERTIES {
        let start = scratch.values.len();
        let path = match property {
            CfnProperty::Slot(Slot::FunctionName) => {
                scratch.values.push_str(event.lambda_target);
                &["FunctionName"][..]
            }
            CfnProperty::Slot(other) => {
                // `Slot` is non-exhaustive: a variant added to the model before the compiler.
                diagnostics.push(Diagnostic::error(
                    Code::Internal,
                    format!("no value for the `{}` slot", other.property()),
                ));
                continue;
            }
            CfnProperty::Field(field) if !event.dialect.keys.has(field.profile) => continue,
            CfnProperty::Field(field) => {
                if !write_field_value(event, field, &mut scratch.values, diagnostics) {
                    continue;
                }
                field.path
            }
        };
        scratch.properties.push((path, start..scratch.values.len()));
    }

    let failed = diagnostics
        .get(first_new..)
        .is_some_and(|new| new.iter().any(Diagnostic::is_error));
    if failed || scratch.id_parts.len() != M::ID_PARTS.len() {
        return None;
    }
    let parts: Vec<&str> = scratch.id_parts.iter().map(String::as_str).collect();
    let logical_id =
        event_logical_id_normalized(event.normalized_function, M::LOGICAL_ID_INFIX, &parts);
    let out = &mut scratch.resource;
    out.clear();
    out.push_str("{\"Type\":");
    write_string(out, M::RESOURCE_TYPE);
    out.push_str(",\"DependsOn\":");
    out.push_str(depends_on);
    out.push_str(",\"Properties\":");
    write_properties(out, &scratch.values, &scratch.properties);
    out.push('}');
    Some(logical_id)
}

/// Writes the properties object. Entries whose paths share a first segment form one nested
/// object where the first of them stands, as assigning `Properties.A.B` and later
/// `Properties.A.C` does in JavaScript (the derive rejects tables where one path is inside
/// another or two are equal, so grouping is all there is to it).
fn write_properties(
    out: &mut String,
    values: &str,
    entries: &[(&'static [&'static str], std::ops::Range<usize>)],
) {
    write_property_object(out, values, entries, &[]);
}

/// The object of the entries whose paths continue `parent`.
fn write_property_object(
    out: &mut String,
    values: &str,
    entries: &[(&'static [&'static str], std::ops::Range<usize>)],
    parent: &[&str],
) {
    let level = parent.len();
    let inside = |path: &[&str]| path.len() > level && path[..level] == *parent;
    out.push('{');
    let mut first = true;
    for (index, (path, range)) in entries.iter().enumerate() {
        if !inside(path) {
            continue;
        }
        let key = &path[..=level];
        // Written with the first entry under the same key.
        if entries[..index]
            .iter()
            .any(|(earlier, _)| inside(earlier) && earlier[..=level] == *key)
        {
            continue;
        }
        if !first {
            out.push(',');
        }
        first = false;
        write_string(out, path[level]);
        out.push(':');
        if path.len() == level + 1 {
            out.push_str(&values[range.clone()]);
        } else {
            write_property_object(out, values, entries, key);
        }
    }
    out.push('}');
}

/// Whether Serverless writes the field's own value (not its default, not nothing) under the
/// event's profile: what CloudFormation's constraints are judged on.
fn writes_as_written(event: &EventContext<'_>, field: &CfnField) -> bool {
    let node = event.value(field.key);
    let truthy = node.is_some_and(|node| js::is_truthy(&node.value));
    event.dialect.keys.has(field.profile)
        && match (field.presence, field.default) {
            (_, Some(_)) | (Presence::Truthy, _) => truthy,
            (Presence::NotNull, None) => node.is_some_and(|node| !node.is_null()),
            (Presence::Always, None) => node.is_some(),
        }
}

/// Appends the CloudFormation value of one field to `out` as JSON text; `false` (and
/// nothing written) when Serverless leaves it out.
fn write_field_value(
    event: &EventContext<'_>,
    field: &CfnField,
    out: &mut String,
    diagnostics: &mut Vec<Diagnostic>,
) -> bool {
    let node = event.value(field.key);
    let present = match field.presence {
        Presence::Always => true,
        Presence::NotNull => node.is_some_and(|node| !node.is_null()),
        Presence::Truthy => node.is_some_and(|node| js::is_truthy(&node.value)),
    };
    if !present {
        return false;
    }
    let write_value = |out: &mut String| match (
        node.filter(|node| js::is_truthy(&node.value)),
        field.default,
    ) {
        (None, Some(default)) => write_string(out, default),
        _ => match node {
            Some(node) => write_node(out, node),
            None => out.push_str("null"),
        },
    };
    match field.shape {
        Shape::Value => write_value(out),
        Shape::List => {
            out.push('[');
            write_value(out);
            out.push(']');
        }
        Shape::SourceAccess { kind } => {
            out.push_str("[{\"Type\":");
            write_string(out, kind);
            out.push_str(",\"URI\":");
            write_value(out);
            out.push_str("}]");
        }
        Shape::KeyValueList => match node.map(|node| &node.value) {
            Some(Value::Object(entries)) => {
                let list: Vec<Json> = entries
                    .iter()
                    .filter(|entry| !entry.value.is_null())
                    .map(|entry| {
                        object([
                            ("Key", Json::from(entry.key.as_str())),
                            ("Value", to_json(&entry.value)),
                        ])
                    })
                    .collect();
                out.push_str(&stringify_compact(&list));
            }
            _ => write_value(out),
        },
        Shape::Object { renames } => match node {
            Some(node) => out.push_str(&stringify_compact(&renamed(to_json(node), &[], renames))),
            None => out.push_str("null"),
        },
        Shape::Picked { renames } => {
            // `{}`, then each renamed key whose value is not null, in the rules' order: other
            // keys, and anything but a mapping, give nothing.
            let picked = renames.iter().filter_map(|rule| {
                let value = node?.get(rule.path.first()?)?;
                (rule.kind == RenameKind::Key && !value.is_null())
                    .then(|| (rule.to.to_owned(), to_json(value)))
            });
            out.push_str(&stringify_compact(&Json::Object(picked.collect())));
        }
        Shape::FilterPatterns => match node.map(|node| &node.value) {
            Some(Value::Array(patterns)) => {
                // `{Pattern: JSON.stringify(pattern)}` for each: the pattern's JSON text,
                // itself written as a JSON string.
                let mut pattern_text = String::new();
                out.push('[');
                for (index, pattern) in patterns.iter().enumerate() {
                    if index > 0 {
                        out.push(',');
                    }
                    pattern_text.clear();
                    write_node(&mut pattern_text, pattern);
                    out.push_str("{\"Pattern\":");
                    write_string(out, &pattern_text);
                    out.push('}');
                }
                out.push(']');
            }
            _ => {
                let Some(node) = node else { return false };
                diagnostics.push(
                    Diagnostic::error(
                        Code::FilterPatternsNotAList,
                        format!(
                            "`{}` must be a list of patterns, not {}",
                            field.key,
                            node.type_with_article()
                        ),
                    )
                    .at(node.span)
                    .with_path(event.key_path(field.key))
                    .with_help("write each pattern as a list item: `- value: {...}`"),
                );
                return false;
            }
        },
    }
    true
}

/// `value` (at config path `at`) with the keys of `renames` renamed, dropped or wrapped; lists
/// are transparent (their items are at the list's path).
fn renamed(value: Json, at: &[&str], renames: &[Rename]) -> Json {
    let rule = |path: &[&str], kind: RenameKind| {
        renames
            .iter()
            .find(|rule| rule.kind == kind && rule.path == path)
    };
    let wrap = |to: &str, value: Json| object([(to, value)]);
    match value {
        Json::Object(entries) => Json::Object(
            entries
                .into_iter()
                .filter_map(|(key, child)| {
                    let mut path = at.to_vec();
                    path.push(key.as_str());
                    let mut child = renamed(child, &path, renames);
                    if let Some(rule) = rule(&path, RenameKind::WrapScalar)
                        && !child.is_object()
                        && !child.is_array()
                    {
                        child = wrap(rule.to, child);
                    }
                    if let (Some(rule), Json::Array(items)) =
                        (rule(&path, RenameKind::WrapItems), &mut child)
                    {
                        for item in items.iter_mut() {
                            if !item.is_object() && !item.is_array() {
                                *item = wrap(rule.to, item.take());
                            }
                        }
                    }
                    match rule(&path, RenameKind::Key) {
                        Some(rule) if rule.to.is_empty() => None,
                        Some(rule) => Some((rule.to.to_owned(), child)),
                        None => Some((key, child)),
                    }
                })
                .collect(),
        ),
        Json::Array(items) => Json::Array(
            items
                .into_iter()
                .map(|item| renamed(item, at, renames))
                .collect(),
        ),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn properties_sharing_a_path_prefix_nest_where_the_first_stands() {
        // JavaScript: p.A = {B: 1}; p.C = 2; p.A.D = 3; p.E = {F: {G: 4}}; p.E.H = 5.
        let values = "12345";
        let entries: [(&'static [&'static str], std::ops::Range<usize>); 5] = [
            (&["A", "B"], 0..1),
            (&["C"], 1..2),
            (&["A", "D"], 2..3),
            (&["E", "F", "G"], 3..4),
            (&["E", "H"], 4..5),
        ];
        let mut out = String::new();
        write_properties(&mut out, values, &entries);
        assert_eq!(out, r#"{"A":{"B":1,"D":3},"C":2,"E":{"F":{"G":4},"H":5}}"#);
        out.clear();
        write_properties(&mut out, values, &[]);
        assert_eq!(out, "{}");
    }
}
