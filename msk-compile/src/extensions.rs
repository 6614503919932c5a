//! `resources.extensions` applied to the compiled msk mappings exactly as Serverless 3.40.0's
//! `mergeCustomProviderResources` (then `stripNullPropsFromTemplateResources`) does:
//!
//! * `Properties` and `Metadata` are `Object.assign`ed: a key already there is replaced where
//!   it stands, a new key goes after the framework's; a string or a list given instead of a
//!   mapping assigns its characters or items under index keys (`"0"`, `"1"`, …), which a
//!   JavaScript object lists first; a number or boolean assigns nothing.
//! * `DependsOn` items are appended to the mapping's list (a string's characters, if Ajv did
//!   not already make it a list).
//! * `Condition`, `CreationPolicy`, `DeletionPolicy`, `UpdatePolicy`, `UpdateReplacePolicy`
//!   are set (added after the framework's attributes, or replaced in place).
//! * Any other attribute is `RESOURCE_EXTENSION_UNSUPPORTED_ATTRIBUTE`; a mapping-like name
//!   (`…EventSourceMappingMSK…`), or an index name (`extensions` written as a string or a
//!   list), that no event compiles to and `resources.Resources` does not define is
//!   `RESOURCE_EXTENSION_NOT_EXISTING`. Extensions of other resources (functions, roles, …)
//!   are the framework's business and left alone, except that replacing the `Policies` of
//!   `IamRoleLambdaExecution` drops the msk statements ([`replaces_shared_role_policies`]).
//! * Serverless' crashes (a null extension, a `DependsOn` that is no list) and strings or lists
//!   that would spread into more than [`MAX_SPREAD`] keys are `MSK_RESOURCE_EXTENSION_NOT_APPLICABLE`.
//! * Then null-valued keys are deleted from the extended mapping's `Properties`, at any depth
//!   of mappings (a `null` list item stays).
//!
//! It runs on the validated config, so Ajv's coercion (`DependsOn: KafkaSecret` →
//! `[KafkaSecret]`, `Condition: 7` → `"7"`) has already happened.

use indexmap::IndexMap;
use serde_json::{Map, Value as Json};

use msk_model::{CfnMapping, MskEvent};

use crate::diag::{Code, Diagnostic};
use crate::js::{is_array_index, key_rank};
use crate::json::to_json;
use crate::output::Resource;
use crate::tree::{Node, Value};

/// The most characters or items a string or list given where a mapping or list of names is
/// expected may spread into: each becomes a key or a `DependsOn` entry, so a config of a few
/// megabytes could otherwise fill gigabytes. More than this could not fit CloudFormation's
/// 1 MB template body anyway.
pub const MAX_SPREAD: usize = 100_000;

/// Attributes set as given.
const SET_ATTRIBUTES: &[&str] = &[
    "Condition",
    "CreationPolicy",
    "DeletionPolicy",
    "UpdatePolicy",
    "UpdateReplacePolicy",
];

/// One extension: its value and where its name is written.
struct Extension<'a> {
    value: &'a Node,
    key_span: crate::tree::Span,
}

/// Applies `resources.extensions` of `root` to `resources` (the compiled mappings).
/// `custom_resources` are the logical IDs of `resources.Resources`, which exist in the
/// framework's template too.
pub fn apply(
    root: &Node,
    dialect: &crate::dialect::Dialect,
    resources: &mut IndexMap<String, Resource>,
    custom_resources: &[String],
    diagnostics: &mut Vec<Diagnostic>,
) {
    let Some(all) = root.pointer(&["resources", "extensions"]) else {
        return;
    };
    // `Object.entries(extensions)`: a string or a list (a schema warning) gives index names.
    let extensions = match js_entries(all) {
        Ok(extensions) => extensions,
        Err(NoEntries::Null) => return,
        Err(NoEntries::TooLong(length)) => {
            diagnostics.push(too_long(
                "extensions",
                length,
                all.span,
                "resources.extensions".to_owned(),
            ));
            return;
        }
    };
    for (name, value, key_span) in &extensions {
        let name = name.as_str();
        let extension = Extension {
            value,
            key_span: *key_span,
        };
        let path = format!("resources.extensions.{name}");
        // `Object.entries` of the extension, then of each attribute: Serverless fails on
        // these whether or not the resource is one of ours.
        let attributes = match js_entries(extension.value) {
            Ok(attributes) => attributes,
            Err(NoEntries::TooLong(length)) => {
                diagnostics.push(too_long(name, length, extension.value.span, path));
                continue;
            }
            Err(NoEntries::Null) => {
                diagnostics.push(
                Diagnostic::error(
                    Code::ExtensionNotApplicable,
                    format!("the extension of \"{name}\" is empty (null); Serverless crashes on it (Cannot convert undefined or null to object)"),
                )
                .at(extension.value.span)
                .with_path(path)
                .with_help("give the extension an attribute such as `Properties:`, or remove it"),
            );
                continue;
            }
        };
        let mut extended: Option<Map<String, Json>> = None;
        for (attribute, value, span) in attributes {
            let attribute_path = format!("{path}.{attribute}");
            // Serverless checks that the resource exists first, then the attribute.
            // An index name (from a string or list) is no generated resource either.
            if !resources.contains_key(name)
                && (name.contains(MskEvent::LOGICAL_ID_INFIX) || is_array_index(name))
                && !custom_resources.iter().any(|custom| custom == name)
            {
                diagnostics.push(
                    Diagnostic::error(
                        Code::ExtensionNotExisting,
                        format!("Cannot extend \"{name}\" resource, as it's not found in generated stack"),
                    )
                    .at(extension.key_span)
                    .with_path(path.clone())
                    .with_help(closest_mapping(name, resources)),
                );
                break;
            }
            let supported = ["Properties", "Metadata", "DependsOn"].contains(&attribute.as_str())
                || SET_ATTRIBUTES.contains(&attribute.as_str());
            if !supported {
                diagnostics.push(unsupported(name, &attribute, span, attribute_path, dialect));
                break;
            }
            if let Err(NoEntries::TooLong(length)) = spread_length(&value)
                && (attribute == "Properties"
                    || attribute == "Metadata"
                    || attribute == "DependsOn")
            {
                diagnostics.push(too_long(name, length, span, attribute_path));
                break;
            }
            // `push(...value)`: a list's items or a string's characters.
            let depends_on: Option<Vec<Json>> = match &value.value {
                Value::Array(items) => Some(items.iter().map(to_json).collect()),
                Value::String(text) => {
                    Some(text.chars().map(|c| Json::String(c.to_string())).collect())
                }
                _ => None,
            };
            if attribute == "DependsOn" && depends_on.is_none() {
                diagnostics.push(
                    Diagnostic::error(
                        Code::ExtensionNotApplicable,
                        format!("`DependsOn` of the extension of \"{name}\" is not a list; Serverless crashes on it (Spread syntax requires ...iterable[Symbol.iterator] to be a function)"),
                    )
                    .at(span)
                    .with_path(attribute_path)
                    .with_help("write a logical ID or a list of logical IDs"),
                );
                break;
            }
            // Other resources are the framework's to extend.
            let Some(resource) = resources.get(name) else {
                continue;
            };
            let target = extended.get_or_insert_with(|| match resource.to_json() {
                Json::Object(map) => map,
                _ => Map::new(),
            });
            match (attribute.as_str(), depends_on) {
                ("Properties" | "Metadata", _) => {
                    if let Json::Object(members) = target
                        .entry(attribute.clone())
                        .or_insert_with(|| Json::Object(Map::new()))
                    {
                        object_assign(members, &value);
                    }
                }
                ("DependsOn", Some(items)) => {
                    match target
                        .entry("DependsOn")
                        .or_insert_with(|| Json::Array(Vec::new()))
                    {
                        Json::Array(list) => list.extend(items),
                        single => {
                            let first = std::mem::take(single);
                            *single = Json::Array(std::iter::once(first).chain(items).collect());
                        }
                    }
                }
                _ => {
                    target.insert(attribute.clone(), to_json(&value));
                }
            }
        }
        if let Some(mut extended) = extended {
            if let Some(Json::Object(properties)) = extended.get_mut("Properties") {
                strip_null_members(properties);
            }
            resources.insert(name.to_owned(), Resource::new(&Json::Object(extended)));
        }
    }
}

/// Whether an extension of the shared role replaces its `Policies` (`Object.assign` on its
/// `Properties`, even with `null`, which is then stripped): the msk statements appended to
/// the policy before are gone then (oracle: only the extension's statements remain).
pub fn replaces_shared_role_policies(root: &Node) -> bool {
    root.pointer(&[
        "resources",
        "extensions",
        msk_model::iam::SHARED_ROLE_LOGICAL_ID,
        "Properties",
    ])
    .and_then(|properties| properties.entry("Policies"))
    .is_some()
}

fn unsupported(
    name: &str,
    attribute: &str,
    span: crate::tree::Span,
    path: String,
    dialect: &crate::dialect::Dialect,
) -> Diagnostic {
    Diagnostic::error(
        Code::ExtensionUnsupportedAttribute,
        format!("Cannot extend \"{name}\" resource, as extending the \"{attribute}\" attribute at this point is not supported. Feel free to propose support for it in the {}", dialect.issue_tracker),
    )
    .at(span)
    .with_path(path)
    .with_help("extensions can set Properties, DependsOn, Metadata, Condition, CreationPolicy, DeletionPolicy, UpdatePolicy and UpdateReplacePolicy")
}

/// The help for a mapping name that does not exist: the closest one that does.
fn closest_mapping(name: &str, resources: &IndexMap<String, Resource>) -> String {
    if is_array_index(name) {
        return "`resources.extensions` is a mapping from logical IDs to what to extend; a string or a list is read by index".to_owned();
    }
    let best = resources
        .keys()
        .map(|candidate| (strsim::jaro_winkler(name, candidate), candidate))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    match best {
        Some((_, candidate)) => format!("did you mean `{candidate}`?"),
        None => "the names of the msk mappings are the keys of `Resources` in `msk-compile compile`'s output".to_owned(),
    }
}

/// Why `Object.entries` of a value is not applied.
enum NoEntries {
    /// `null`: a TypeError in Serverless.
    Null,
    /// A string or list longer than [`MAX_SPREAD`] (its length).
    TooLong(usize),
}

/// `Object.entries(value)`: a mapping's entries, a string's characters or a list's items
/// under index keys, nothing for a number or boolean.
fn js_entries(node: &Node) -> Result<Vec<(String, Node, crate::tree::Span)>, NoEntries> {
    spread_length(node)?;
    Ok(match &node.value {
        Value::Object(entries) => entries
            .iter()
            .map(|entry| (entry.key.clone(), entry.value.clone(), entry.key_span))
            .collect(),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(index, item)| (index.to_string(), item.clone(), item.span))
            .collect(),
        Value::String(text) => text
            .chars()
            .enumerate()
            .map(|(index, c)| {
                (
                    index.to_string(),
                    Node::new(Value::String(c.to_string()), node.span),
                    node.span,
                )
            })
            .collect(),
        Value::Number(_) | Value::Bool(_) => Vec::new(),
        Value::Null => return Err(NoEntries::Null),
    })
}

/// Refuses null and strings or lists longer than [`MAX_SPREAD`].
fn spread_length(node: &Node) -> Result<(), NoEntries> {
    let length = match &node.value {
        Value::String(text) if text.len() > MAX_SPREAD => text.chars().count(),
        Value::Array(items) => items.len(),
        Value::Null => return Err(NoEntries::Null),
        _ => 0,
    };
    if length > MAX_SPREAD {
        return Err(NoEntries::TooLong(length));
    }
    Ok(())
}

fn too_long(name: &str, length: usize, span: crate::tree::Span, path: String) -> Diagnostic {
    Diagnostic::error(
        Code::ExtensionNotApplicable,
        format!("the extension of \"{name}\" spreads a string or list of {length} characters or items into keys; msk-compile applies at most {MAX_SPREAD}"),
    )
    .at(span)
    .with_path(path)
    .with_help("write the attribute as a mapping (or `DependsOn` as a list of logical IDs)")
}

/// `Object.assign(target, value)`, then the key order of a JavaScript object (array-index
/// keys first, ascending).
fn object_assign(target: &mut Map<String, Json>, value: &Node) {
    // Null assigns nothing; a too long value was refused before.
    let Ok(entries) = js_entries(value) else {
        return;
    };
    for (key, value, _) in entries {
        // Replacing keeps the key's position (`preserve_order`), as in JavaScript.
        target.insert(key, to_json(&value));
    }
    if target.keys().any(|key| is_array_index(key)) {
        let mut all: Vec<(String, Json)> = std::mem::take(target).into_iter().collect();
        all.sort_by_key(|(key, _)| key_rank(key));
        target.extend(all);
    }
}

/// `stripNullPropsFromObj`: deletes null-valued keys of mappings at any depth; a null list
/// item is only a hole `JSON.stringify` writes as `null`, so it stays.
fn strip_null_members(object: &mut Map<String, Json>) {
    object.retain(|_, value| !value.is_null());
    object.values_mut().for_each(strip_nulls_below);
}

fn strip_nulls_below(value: &mut Json) {
    match value {
        Json::Object(object) => strip_null_members(object),
        Json::Array(items) => items.iter_mut().for_each(strip_nulls_below),
        _ => {}
    }
}
