//! JSON Schemas generated from the model, both draft-07 (the dialect of Serverless' Ajv and of
//! yaml-language-server, the engine of VS Code's YAML extension).
//!
//! * [`msk_event_schema`] is the schema of one `msk` event value. Its validation keywords are
//!   exactly Serverless Framework 3.40.0's (the compiler's validator interprets this schema);
//!   the editor keywords the model adds (`title`, `markdownDescription`, `examples`, …) are
//!   ignored by validators. It is post-processed in one place: `Option` fields lose the `null`
//!   branch schemars gives them (Serverless' schema has none; it deletes null-valued keys
//!   before validating), formats draft-07 does not know (`double`) are dropped, and keys are put
//!   in a fixed, readable order (documentation first, then constraints).
//! * [`serverless_schema`] is the schema of a whole `serverless.yml` for editors: strict for
//!   `functions.<name>.events[].msk`, open everywhere else (other keys and event types are not
//!   this tool's to judge), and it accepts a Serverless variable (`${…}`) in place of any msk
//!   value, because Serverless resolves variables before it validates.

use schemars::Schema;
use schemars::generate::SchemaSettings;
use schemars::transform::{RestrictFormats, Transform, transform_subschemas};
use serde_json::{Map, Value, json};

use msk_model::{CfnMapping, KeySet, MskEvent, Profile, Rule, Test, Trigger};

/// The draft-07 JSON Schema of one `msk` event value under `profile` (`serverless-v3`:
/// Serverless Framework 3.40.0's keys). The model declares
/// every key of every profile; a key of the extended profile (and a branch the model marks
/// `x-profile: extended`, such as `arn`'s `Fn::GetAtt`) is removed from the other profiles'
/// schemas, and the marker itself from every schema.
pub fn msk_event_schema(profile: Profile) -> Value {
    msk_event_schema_of(crate::dialect::Dialect::of(profile).keys)
}

/// [`msk_event_schema`] for the keys of a resolved [`crate::dialect::Dialect`] (the osls keys
/// are in force on the osls host under `extended` too).
pub fn msk_event_schema_of(keys: KeySet) -> Value {
    let mut schema = generated_schema();
    if let Some(Value::Object(properties)) = schema.get_mut("properties") {
        for owner in [Profile::Osls, Profile::Extended] {
            if !keys.has(owner) {
                for key in MskEvent::keys_of(owner) {
                    properties.shift_remove(key);
                }
            }
        }
    }
    select_profile(&mut schema, keys);
    schema
}

/// Drops the subschemas marked for a profile not in force and every `x-profile` marker; a
/// keyword written `x-extended-<keyword>` (documentation that differs under the extended
/// profile) replaces `<keyword>` under `extended` and is dropped under the other profiles.
fn select_profile(schema: &mut Value, keys: KeySet) {
    match schema {
        Value::Object(object) => {
            object.remove(PROFILE_MARKER);
            let overrides: Vec<String> = object
                .keys()
                .filter(|key| key.starts_with(EXTENDED_OVERRIDE))
                .cloned()
                .collect();
            for key in overrides {
                let Some(value) = object.shift_remove(&key) else {
                    continue;
                };
                if keys.extended
                    && let Some(slot) = object.get_mut(&key[EXTENDED_OVERRIDE.len()..])
                {
                    *slot = value;
                }
            }
            for (key, value) in object.iter_mut() {
                if SCHEMA_LIST_KEYWORDS.contains(&key.as_str())
                    && let Value::Array(branches) = value
                {
                    branches.retain(|branch| {
                        branch
                            .get(PROFILE_MARKER)
                            .and_then(Value::as_str)
                            .and_then(Profile::from_name)
                            .is_none_or(|only| keys.has(only))
                    });
                }
                select_profile(value, keys);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| select_profile(item, keys)),
        _ => {}
    }
}

/// The model's keyword naming the profile a subschema belongs to.
const PROFILE_MARKER: &str = "x-profile";
/// The prefix of a keyword whose value replaces the unprefixed one under `extended`.
const EXTENDED_OVERRIDE: &str = "x-extended-";

/// The schema the model generates, with every profile's keys (tidied, markers kept).
fn generated_schema() -> Value {
    let mut settings = SchemaSettings::draft07();
    settings
        .transforms
        .push(Box::new(RestrictFormats::default()));
    settings.transforms.push(Box::new(StripNullBranches));
    let generator = settings.into_generator();
    let mut schema = generator.into_root_schema_for::<MskEvent>().to_value();
    tidy(&mut schema);
    schema
}

/// Removes `"null"` from `type` arrays and `enum`s (and a lone `{"type": "null"}` from
/// `anyOf`), so that optional keys are typed exactly as Serverless declares them.
#[derive(Debug, Clone)]
struct StripNullBranches;

impl Transform for StripNullBranches {
    fn transform(&mut self, schema: &mut Schema) {
        if let Some(object) = schema.as_object_mut() {
            if let Some(Value::Array(types)) = object.get_mut("type") {
                types.retain(|kind| kind != "null");
                if types.len() == 1 {
                    let single = types.remove(0);
                    object.insert("type".to_owned(), single);
                }
            }
            if let Some(Value::Array(values)) = object.get_mut("enum") {
                values.retain(|value| !value.is_null());
            }
            let only_key = object.len() == 1;
            if let Some(Value::Array(branches)) = object.get_mut("anyOf") {
                branches.retain(|branch| branch.get("type") != Some(&Value::from("null")));
                if branches.len() == 1
                    && only_key
                    && let Value::Object(inner) = branches.remove(0)
                {
                    *object = inner;
                } else if let [Value::Object(inner)] = branches.as_slice()
                    && inner.keys().all(|key| key == "anyOf")
                {
                    // `Option<untagged enum>`: the enum's own `anyOf` takes the place of the
                    // one schemars wrapped it in, beside the property's documentation.
                    let inner = inner["anyOf"].clone();
                    object.insert("anyOf".to_owned(), inner);
                }
            }
            if object.get("default") == Some(&Value::Null) {
                object.remove("default");
            }
        }
        transform_subschemas(self, schema);
    }
}

/// Keywords in the order they are written: what a reader looks for first (documentation),
/// then the constraints. Keywords not listed keep their relative order after these.
const KEY_ORDER: &[&str] = &[
    "$schema",
    "$comment",
    "title",
    "description",
    "markdownDescription",
    "type",
    "enum",
    "enumDescriptions",
    "markdownEnumDescriptions",
    "default",
    "examples",
    "defaultSnippets",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "pattern",
    "patternErrorMessage",
    "errorMessage",
    "items",
    "minItems",
    "maxItems",
    "anyOf",
    "allOf",
    "if",
    "then",
    "else",
    "properties",
    "required",
    "additionalProperties",
    "dependencies",
    "definitions",
];

/// Keywords whose value is a schema, or a list or map of schemas (as opposed to data such as
/// `enum`, `default`, `examples` or `defaultSnippets`, which are left exactly as written).
const SCHEMA_KEYWORDS: &[&str] = &["items", "additionalProperties", "if", "then", "else", "not"];
const SCHEMA_LIST_KEYWORDS: &[&str] = &["anyOf", "allOf", "oneOf"];
const SCHEMA_MAP_KEYWORDS: &[&str] = &[
    "properties",
    "definitions",
    "patternProperties",
    "dependencies",
];

/// Puts keys in [`KEY_ORDER`], drops `additionalProperties: true` (the default) and writes a
/// property that accepts anything as `{}`, as Serverless does (`'Fn::ImportValue': {}`).
fn tidy(schema: &mut Value) {
    let Value::Object(object) = schema else {
        return;
    };
    if object.get("additionalProperties") == Some(&Value::Bool(true)) {
        object.remove("additionalProperties");
    }
    for (key, value) in object.iter_mut() {
        if SCHEMA_KEYWORDS.contains(&key.as_str()) {
            tidy(value);
        } else if SCHEMA_LIST_KEYWORDS.contains(&key.as_str())
            && let Value::Array(branches) = value
        {
            branches.iter_mut().for_each(tidy);
        } else if SCHEMA_MAP_KEYWORDS.contains(&key.as_str())
            && let Value::Object(members) = value
        {
            for member in members.values_mut() {
                if *member == Value::Bool(true) {
                    *member = json!({});
                }
                tidy(member);
            }
        }
    }
    let mut ordered = Map::new();
    for key in KEY_ORDER {
        if let Some(value) = object.remove(*key) {
            ordered.insert((*key).to_owned(), value);
        }
    }
    ordered.append(object);
    *object = ordered;
}

/// A Serverless variable (`${self:custom.batchSize}`, `${opt:stage}`, …) anywhere in a string.
/// Serverless resolves variables before it validates, so the editor cannot know the value.
const VARIABLE_PATTERN: &str = r"\$\{";

/// Keywords that document a schema or help completion; they stay where they are when the
/// constraints of a key move under `else` (see [`accept_variables`]).
const ANNOTATIONS: &[&str] = &[
    "title",
    "description",
    "markdownDescription",
    "default",
    "examples",
    "defaultSnippets",
    "type",
];

/// A schema for a whole `serverless.yml`: strict for `functions.*.events[].msk`, open for
/// everything else (other keys and event types are not this tool's to judge).
///
/// Differences from [`msk_event_schema`]:
/// * every msk value, the `msk` mapping itself and each `filterPatterns` item may be a string
///   holding a Serverless variable (`${…}`), which Serverless resolves before it validates; see
///   [`accept_variables`];
/// * nothing outside `functions.<name>.events[].msk` has a type or is closed, so
///   `functions: ${file(functions.yml)}`, other event types and unknown keys are never flagged,
///   except a key beside `msk` in the same `events[]` item (Serverless: "unrecognized property");
/// * the model's cross-key rules, which Serverless checks while compiling, are stated too (see
///   [`add_rules`]), and under the extended profile its checks that draft-07 can state
///   (provisioned-mode prerequisites, exclusive authentication keys, the topic's pattern and
///   length), with the compiler's message and code.
///
/// The `defaultSnippets` of the msk event are offered twice: as the value of `msk:` and, wrapped
/// in `msk:`, as a whole `events[]` item.
pub fn serverless_schema(profile: Profile) -> Value {
    let mut msk = msk_event_schema(profile);
    let mut definitions = Map::new();
    if let Value::Object(object) = &mut msk {
        object.remove("$schema");
        // The model's types are inlined today; should one become a definition, it moves to
        // the root, where its `#/definitions/…` references still point.
        if let Some(Value::Object(nested)) = object.remove("definitions") {
            definitions.extend(nested);
        }
    }
    let item_snippets: Vec<Value> = msk
        .get("defaultSnippets")
        .and_then(Value::as_array)
        .map(|snippets| snippets.iter().map(wrap_snippet).collect())
        .unwrap_or_default();
    accept_variables(&mut msk);
    add_rules::<MskEvent>(&mut msk, profile);

    definitions.insert(
        "function".to_owned(),
        json!({
            "properties": {
                "events": {
                    "title": "Events",
                    "markdownDescription": "The events that invoke the function. This schema checks `msk` events only; every other event type is left to the Serverless Framework.",
                    "items": { "$ref": "#/definitions/event" }
                }
            }
        }),
    );
    definitions.insert(
        "event".to_owned(),
        json!({
            "defaultSnippets": item_snippets,
            "properties": { "msk": { "$ref": "#/definitions/msk" } },
            // An item with `msk` holds nothing else (Serverless: "unrecognized property"); keys
            // set to null do not count, since Serverless deletes them before validating.
            "dependencies": {
                "msk": {
                    "properties": { "msk": {} },
                    "additionalProperties": {
                        "type": "null",
                        "errorMessage": "An events[] item holds exactly one event type: move this key into its own `- <event>:` item."
                    }
                }
            }
        }),
    );
    definitions.insert("msk".to_owned(), msk);
    let mut schema = json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "Serverless Framework service",
        "description": "serverless.yml, as checked by msk-compile: functions.<name>.events[].msk strictly (Serverless Framework 3.40.0's rules), everything else not at all.",
        "markdownDescription": "`serverless.yml`, as checked by `msk-compile`: `functions.<name>.events[].msk` strictly (Serverless Framework 3.40.0's rules), everything else not at all.",
        "type": "object",
        "properties": {
            "functions": {
                "title": "Functions",
                "markdownDescription": "The service's Lambda functions, by name. Only their `events[].msk` entries are checked here.",
                "additionalProperties": { "$ref": "#/definitions/function" }
            }
        },
        "definitions": definitions
    });
    tidy(&mut schema);
    schema
}

/// The model's cross-key rules (`startingPosition: AT_TIMESTAMP` requires
/// `startingPositionTimestamp`) as `if`/`then`, and, under `profile`, its other [`Rule`]s that
/// draft-07 can state (see [`check_rule`]). Serverless (and the compiler) check them when
/// compiling, not in the validator's schema, so [`msk_event_schema`] leaves them out; an editor
/// should flag them all the same. A key holding a variable never triggers a rule.
fn add_rules<M: CfnMapping>(schema: &mut Value, profile: Profile) {
    // A rule in force whose keys the schema has (one about a key of another profile, such as
    // osls' `provisionedPollerConfig` beside `provisionedPollers`, has nothing to flag).
    let keys = crate::dialect::Dialect::of(profile).keys;
    let has_key = |dotted: &str| {
        let key = dotted.split(['.', '[']).next().unwrap_or_default();
        schema["properties"].get(key).is_some()
    };
    let in_schema: Vec<&Rule> = M::RULES
        .iter()
        .filter(|rule| keys.has(rule.profile))
        .filter(|rule| match rule.test {
            Test::Requires { field, other, .. }
            | Test::Conflicts { field, other }
            | Test::NotGreater { field, other }
            | Test::Differs { field, other, .. } => has_key(field) && has_key(other),
            _ => true,
        })
        // CloudFormation's constraints are the extended profile's errors; elsewhere they are
        // the compiler's warnings beside Serverless' schema, which the editor shows as is.
        .filter(|rule| rule.cloudformation.is_none() || keys.extended)
        .collect();
    let rules: Vec<Value> = in_schema.into_iter().filter_map(rule_schema).collect();
    if let (Some(object), false) = (schema.as_object_mut(), rules.is_empty()) {
        object.insert("allOf".to_owned(), Value::Array(rules));
    }
}

/// One [`Rule`] as `if`/`then` that flags the value the compiler's diagnostic points at,
/// with the compiler's message and code. yaml-language-server shows an `errorMessage` for a
/// failed `type` or `pattern` but not for `not`: a value that must go is flagged with
/// `type: "null"` (it is set, so never null). `None` for what draft-07 cannot state, a
/// comparison of two values (`not_greater`, `differs`), and for the rules on CloudFormation's
/// schema without a message of their own, which the compiler words from the value it found.
fn rule_schema(rule: &Rule) -> Option<Value> {
    if rule.message.is_empty() {
        return None;
    }
    let message = format!(
        "{} [{}]",
        rule.message
            .replace("function {function}", "the function")
            .replace("{function}", "the function"),
        rule.code
    );
    let (condition, flagged, flag) = match rule.test {
        Test::RequiredWhen {
            field,
            equals,
            requires,
        } => {
            return Some(json!({
                "if": { "properties": { field: { "const": equals } }, "required": [field] },
                "then": {
                    "required": [requires],
                    "errorMessage": format!("{requires} is required when {field} is {equals}.")
                }
            }));
        }
        Test::Requires {
            field,
            trigger,
            other,
        } => {
            let trigger = match trigger {
                Trigger::Set => set(),
                Trigger::Prefix(prefix) => {
                    let starts = json!({ "type": "string", "pattern": format!("^{}", escape_pattern(prefix)) });
                    json!({ "anyOf": [starts, { "type": "array", "contains": starts }] })
                }
                Trigger::Equals(value) => json!({ "anyOf": [
                    { "const": value },
                    { "type": "array", "contains": { "const": value } }
                ] }),
            };
            // `other` unset or falsy; a variable there counts as set.
            let condition = json!({ "allOf": [
                at_path(field, trigger),
                { "not": at_path(other, truthy()) }
            ] });
            let flag = json!({ "type": "null", "errorMessage": message });
            (condition, field, flag)
        }
        Test::Conflicts { field, other } => {
            let condition = json!({ "allOf": [at_path(field, set()), at_path(other, set())] });
            let flag = json!({ "type": "null", "errorMessage": message });
            (condition, other, flag)
        }
        Test::Matches { field, pattern } => {
            let flag = json!({ "pattern": pattern, "errorMessage": message });
            (at_path(field, written_string()), field, flag)
        }
        Test::Length {
            field,
            min: None,
            max: Some(limit),
        } => (
            at_path(field, written_string()),
            field,
            json!({ "maxLength": limit }),
        ),
        _ => return None,
    };
    Some(json!({ "if": condition, "then": below(flagged, flag) }))
}

/// `text` as a literal in a pattern that both Rust's `regex` and JavaScript's `u` mode read
/// (which refuses escapes such as `\-` that `regex::escape` writes): only syntax characters
/// are escaped.
fn escape_pattern(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if "^$\\.*+?()[]{}|".contains(c) {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// JavaScript truthiness, how the compiler reads a key as set: not `false`, `0`, `""` or null.
fn truthy() -> Value {
    json!({ "not": { "enum": [false, 0, "", null] } })
}

/// Not a string holding a Serverless variable (whose value the editor cannot know).
fn not_variable() -> Value {
    json!({ "not": { "type": "string", "pattern": VARIABLE_PATTERN } })
}

/// Set to a value the editor can judge: truthy and not a variable.
fn set() -> Value {
    json!({ "allOf": [truthy(), not_variable()] })
}

/// A string written out (not a variable).
fn written_string() -> Value {
    json!({ "allOf": [{ "type": "string" }, not_variable()] })
}

/// `leaf` at the dotted `path` of the event, every key on the way required (for an `if`).
fn at_path(path: &str, leaf: Value) -> Value {
    path.rsplit('.').fold(
        leaf,
        |inner, key| json!({ "required": [key], "properties": { key: inner } }),
    )
}

/// `leaf` at the dotted `path` (for a `then`: its `if` made sure the path exists).
fn below(path: &str, leaf: Value) -> Value {
    path.rsplit('.')
        .fold(leaf, |inner, key| json!({ "properties": { key: inner } }))
}

/// `{label, body}` of the msk event/// `{label, body}` of the msk event → the same snippet for an `events[]` item (`{msk: body}`).
fn wrap_snippet(snippet: &Value) -> Value {
    let mut wrapped = snippet.clone();
    if let Some(object) = wrapped.as_object_mut()
        && let Some(body) = object.remove("body")
    {
        object.insert("body".to_owned(), json!({ "msk": body }));
    }
    wrapped
}

/// Rewrites the editor's copy of the msk schema so that a string holding a Serverless variable
/// passes wherever a value is expected, without losing any check on written-out values:
///
/// * a key whose type is not `string` (`batchSize`, `enabled`, `filterPatterns`, the `msk`
///   mapping) gets `string` added to its `type` and `pattern: \$\{`, which only strings must
///   match; number, array and object keywords keep applying to numbers, arrays and objects;
/// * a key whose constraints a variable would break (`startingPosition`'s `enum`, the `arn`
///   forms, `saslScram512`'s pattern, `consumerGroupId`'s length) keeps its documentation and
///   moves the constraints under `if: <variable> … else:`, so they apply to everything but a
///   variable. Completion does not look under `else`, so an `enum` is also offered as one
///   `defaultSnippets` item per value, with its description.
///
/// `if`/`else` is used rather than `anyOf: [<key>, <variable>]` because yaml-language-server's
/// hover shows an `anyOf` whose branches all lack titles as `Title || Title` with the plain
/// description; with `else` it shows the key's own title and markdown.
fn accept_variables(schema: &mut Value) {
    let Value::Object(object) = schema else {
        return;
    };
    if let Some(Value::Object(properties)) = object.get_mut("properties") {
        properties.values_mut().for_each(accept_variables);
    }
    if let Some(items) = object.get_mut("items") {
        accept_variables(items);
    }

    let types: Vec<String> = match object.get("type") {
        Some(Value::String(single)) => vec![single.clone()],
        Some(Value::Array(many)) => many
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    };
    let constrains_strings = [
        "enum",
        "const",
        "pattern",
        "minLength",
        "maxLength",
        "anyOf",
        "oneOf",
        "allOf",
    ]
    .iter()
    .any(|keyword| object.contains_key(*keyword));
    if !types.is_empty() && !types.iter().any(|kind| kind == "string") && !constrains_strings {
        let expected = types.join(", ");
        let mut widened: Vec<Value> = types.into_iter().map(Value::from).collect();
        widened.push(Value::from("string"));
        object.insert("type".to_owned(), Value::Array(widened));
        object.insert("pattern".to_owned(), Value::from(VARIABLE_PATTERN));
        // yaml-language-server words both a type mismatch and a failed `pattern` with
        // `errorMessage`, which would otherwise say "one of number, string" or quote the
        // variable pattern. On an object it would also replace "Missing property" and
        // "Property … is not allowed", so objects only get the pattern's message.
        let message = format!("Incorrect type. Expected \"{expected}\" (or a ${{…}} variable).");
        let keyword = if expected == "object" {
            "patternErrorMessage"
        } else {
            "errorMessage"
        };
        object.insert(keyword.to_owned(), Value::from(message));
        return;
    }
    if !constrains_strings {
        return;
    }
    let mut constraints = Map::new();
    let keys: Vec<String> = object
        .keys()
        .filter(|key| !ANNOTATIONS.contains(&key.as_str()))
        .cloned()
        .collect();
    for key in keys {
        if let Some(value) = object.remove(&key) {
            constraints.insert(key, value);
        }
    }
    if let Some(Value::Array(values)) = constraints.get("enum") {
        let descriptions = constraints
            .get("markdownEnumDescriptions")
            .or_else(|| constraints.get("enumDescriptions"))
            .and_then(Value::as_array);
        let snippets: Vec<Value> = values
            .iter()
            .enumerate()
            .map(|(index, value)| {
                let mut snippet = Map::new();
                snippet.insert("label".to_owned(), Value::from(value_label(value)));
                if let Some(description) = descriptions.and_then(|all| all.get(index)) {
                    snippet.insert("markdownDescription".to_owned(), description.clone());
                }
                snippet.insert("body".to_owned(), value.clone());
                Value::Object(snippet)
            })
            .collect();
        object.insert("defaultSnippets".to_owned(), Value::Array(snippets));
    }
    object.insert(
        "if".to_owned(),
        json!({ "type": "string", "pattern": VARIABLE_PATTERN }),
    );
    object.insert("else".to_owned(), Value::Object(constraints));
}

/// How a value is shown as a completion label: strings bare, anything else as JSON.
fn value_label(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}
