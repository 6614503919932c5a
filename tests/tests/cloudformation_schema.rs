//! CloudFormation's own schema of `AWS::Lambda::EventSourceMapping`, as the pinned cfn-lint
//! (1.58.0, in `.venv-validators/`, see `.ci/run`) ships it, against what the compiler writes:
//!
//! * every constraint (type, minimum/maximum, minLength/maxLength, enum, pattern,
//!   minItems/maxItems, uniqueItems) on every property the extended profile can write is
//!   enforced by a rule declared on the model with its code, or by the extended key's own schema
//!   (whose violations are errors with the key's code), or is listed here with the reason no
//!   config can break it;
//! * every mapping written without an error under `extended`, for every oracle case, our own
//!   cases, the examples and the snapshot fixtures, validates against that schema
//!   (CloudFormation functions such as `Ref` aside: their value is known at deploy time only);
//! * the values the issue found CloudFormation refusing are errors under `extended` (coded,
//!   positioned, the constraint in the help) and warnings under `serverless-v3`, whose output
//!   stays Serverless'.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use msk_compile::{Code, Format, Options, Profile, compile_source, schema};
use msk_model::{CfnMapping, CfnProperty, JsonType, MskEvent, Rule, Test};
use msk_tests::{case_dirs, oracle_options, read};
use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace")
        .to_path_buf()
}

/// The resource schema cfn-lint uses for `AWS::Lambda::EventSourceMapping` in us-east-1.
fn resource_schema() -> Value {
    let lib = root().join(".venv-validators/lib");
    let python = std::fs::read_dir(&lib)
        .unwrap_or_else(|_| {
            panic!(
                "cfn-lint is not installed: run .ci/run, or python3 -m venv .venv-validators && .venv-validators/bin/pip install -r tests/validators/requirements.txt"
            )
        })
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .find(|path| path.join("site-packages/cfnlint").is_dir())
        .expect("cfn-lint is installed in .venv-validators");
    let schemas = python.join("site-packages/cfnlint/data/schemas");
    let providers: Value =
        serde_json::from_str(&read(&schemas.join("providers/us-east-1.json"))).expect("JSON");
    let hash = providers["AWS::Lambda::EventSourceMapping"]
        .as_str()
        .expect("cfn-lint knows the resource");
    serde_json::from_str(&read(&schemas.join(format!("resources/{hash}.json")))).expect("JSON")
}

/// A constraint of the schema: the property path (`Topics[]` for the items of `Topics`), the
/// keyword and its value.
#[derive(Debug, Clone)]
struct Constraint {
    path: String,
    keyword: &'static str,
    value: Value,
}

const KEYWORDS: &[&str] = &[
    "type",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "enum",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
];

/// Every constraint below `node` (at `path`), following `$ref`s and list items.
fn constraints(schema: &Value, node: &Value, path: &str, found: &mut Vec<Constraint>) {
    if let Some(reference) = node.get("$ref").and_then(Value::as_str) {
        let name = reference.trim_start_matches("#/definitions/");
        constraints(schema, &schema["definitions"][name], path, found);
        return;
    }
    for keyword in KEYWORDS {
        if let Some(value) = node.get(*keyword) {
            found.push(Constraint {
                path: path.to_owned(),
                keyword,
                value: value.clone(),
            });
        }
    }
    if let Some(items) = node.get("items") {
        constraints(schema, items, &format!("{path}[]"), found);
    }
    if let Some(Value::Object(properties)) = node.get("properties") {
        for (name, property) in properties {
            constraints(schema, property, &format!("{path}.{name}"), found);
        }
    }
}

/// The properties the compiler writes under the extended profile: every field's and slot's
/// top-level property.
fn written_properties() -> BTreeSet<&'static str> {
    MskEvent::PROPERTIES.iter().map(CfnProperty::name).collect()
}

/// How a constraint no rule needs to enforce is met anyway.
const UNREACHABLE: &[(&str, &str, &str)] = &[
    (
        "FunctionName",
        "*",
        "the compiler writes the function's ARN or alias as `Fn::GetAtt`/`Ref`, never a literal",
    ),
    (
        "Topics",
        "*",
        "the compiler writes a list of exactly one topic (`[topic]`)",
    ),
    (
        "SourceAccessConfigurations",
        "*",
        "the compiler writes exactly one entry (`saslScram512`, `clientCertificateTlsAuth` and `iamAuth` exclude each other)",
    ),
    (
        "SourceAccessConfigurations[].Type",
        "*",
        "the compiler writes SASL_SCRAM_512_AUTH or CLIENT_CERTIFICATE_TLS_AUTH itself",
    ),
    (
        "SourceAccessConfigurations[].URI",
        "pattern",
        "`[a-zA-Z0-9-\\/*:_+=.@-]*` is unanchored and matches every string (the empty match)",
    ),
    (
        "AmazonManagedKafkaEventSourceConfig.ConsumerGroupId",
        "pattern",
        "`[a-zA-Z0-9-\\/*:_+=.@-]*` is unanchored and matches every string",
    ),
    (
        "AmazonManagedKafkaEventSourceConfig.SchemaRegistryConfig.SchemaRegistryURI",
        "pattern",
        "`[a-zA-Z0-9-/*:_+=.@-]*` is unanchored and matches every string",
    ),
    (
        "FilterCriteria.Filters[].Pattern",
        "type",
        "the compiler writes each pattern as `JSON.stringify` of the item: always a string",
    ),
    (
        "FilterCriteria.Filters[].Pattern",
        "minLength",
        "`minLength: 0`",
    ),
    (
        "FilterCriteria.Filters[].Pattern",
        "pattern",
        "`.*` is unanchored and matches every string",
    ),
    (
        "FilterCriteria.Filters",
        "type",
        "the compiler writes a list only when `filterPatterns` is a list (Serverless' schema), and the type rule below is Serverless'",
    ),
    (
        "KmsKeyArn",
        "pattern",
        "`(arn:…)|()` has an empty alternative and matches every string",
    ),
    ("MetricsConfig.Metrics", "minItems", "`minItems: 0`"),
    (
        "FunctionResponseTypes",
        "*",
        "the compiler writes a list of exactly one value (`[functionResponseType]`), whose enum the key's schema states",
    ),
    (
        "Tags",
        "*",
        "the compiler writes a list built from a mapping: one entry per distinct key",
    ),
    (
        "ProvisionedPollerConfig.PollerGroupName",
        "minLength",
        "`minLength: 0`",
    ),
    (
        "Tags[].Key",
        "type",
        "the compiler writes the keys of the `tags` mapping, which are strings",
    ),
    ("Tags[].Value", "minLength", "`minLength: 0`"),
];

/// Constraints that the extended keys' own schema states (violations are errors with the key's
/// code whatever `configValidationMode` says), as a JSON pointer into
/// `msk_event_schema(Extended)` and the key whose code reports it.
const KEY_SCHEMA: &[(&str, &str, &str, &str)] = &[
    (
        "ProvisionedPollerConfig.MinimumPollers",
        "*",
        "/properties/provisionedPollers/anyOf/1/properties/min",
        "provisionedPollers",
    ),
    (
        "ProvisionedPollerConfig.MaximumPollers",
        "*",
        "/properties/provisionedPollers/anyOf/1/properties/max",
        "provisionedPollers",
    ),
    (
        "ProvisionedPollerConfig.PollerGroupName",
        "*",
        "/properties/provisionedPollers/anyOf/1/properties/group",
        "provisionedPollers",
    ),
    ("KmsKeyArn", "*", "/properties/kmsKeyArn", "kmsKeyArn"),
    (
        "MetricsConfig.Metrics",
        "*",
        "/properties/metrics",
        "metrics",
    ),
    (
        "MetricsConfig.Metrics[]",
        "*",
        "/properties/metrics/items",
        "metrics",
    ),
    (
        "LoggingConfig.SystemLogLevel",
        "*",
        "/properties/logLevel",
        "logLevel",
    ),
    (
        "MaximumRetryAttempts",
        "*",
        "/properties/maximumRetryAttempts",
        "maximumRetryAttempts",
    ),
    (
        "MaximumRecordAgeInSeconds",
        "*",
        "/properties/maximumRecordAgeInSeconds",
        "maximumRecordAgeInSeconds",
    ),
    (
        "BisectBatchOnFunctionError",
        "*",
        "/properties/bisectBatchOnFunctionError",
        "bisectBatchOnFunctionError",
    ),
    (
        "FunctionResponseTypes[]",
        "*",
        "/properties/functionResponseType",
        "functionResponseType",
    ),
    ("Tags[].Key", "*", "/properties/tags/propertyNames", "tags"),
    (
        "Tags[].Value",
        "*",
        "/properties/tags/additionalProperties",
        "tags",
    ),
    (
        "SourceAccessConfigurations[].URI",
        "type",
        "/properties/clientCertificateTlsAuth",
        "clientCertificateTlsAuth",
    ),
    (
        "AmazonManagedKafkaEventSourceConfig.SchemaRegistryConfig.SchemaRegistryURI",
        "*",
        "/properties/schemaRegistry/properties/uri",
        "schemaRegistry",
    ),
    (
        "AmazonManagedKafkaEventSourceConfig.SchemaRegistryConfig.EventRecordFormat",
        "*",
        "/properties/schemaRegistry/properties/eventRecordFormat",
        "schemaRegistry",
    ),
    (
        "AmazonManagedKafkaEventSourceConfig.SchemaRegistryConfig.SchemaValidationConfigs",
        "minItems",
        "/properties/schemaRegistry/properties/validate",
        "schemaRegistry",
    ),
    (
        "AmazonManagedKafkaEventSourceConfig.SchemaRegistryConfig.SchemaValidationConfigs",
        "maxItems",
        "/properties/schemaRegistry/properties/validate",
        "schemaRegistry",
    ),
    (
        "AmazonManagedKafkaEventSourceConfig.SchemaRegistryConfig.SchemaValidationConfigs",
        "type",
        "/properties/schemaRegistry/properties/validate",
        "schemaRegistry",
    ),
    (
        "AmazonManagedKafkaEventSourceConfig.SchemaRegistryConfig.SchemaValidationConfigs[].Attribute",
        "*",
        "/properties/schemaRegistry/properties/validate/items",
        "schemaRegistry",
    ),
    (
        "AmazonManagedKafkaEventSourceConfig.SchemaRegistryConfig.AccessConfigs",
        "maxItems",
        "/properties/schemaRegistry/properties/accessConfigs",
        "schemaRegistry",
    ),
    (
        "AmazonManagedKafkaEventSourceConfig.SchemaRegistryConfig.AccessConfigs",
        "type",
        "/properties/schemaRegistry/properties/accessConfigs",
        "schemaRegistry",
    ),
    (
        "AmazonManagedKafkaEventSourceConfig.SchemaRegistryConfig.AccessConfigs[].Type",
        "*",
        "/properties/schemaRegistry/properties/accessConfigs/items/properties/type",
        "schemaRegistry",
    ),
    (
        "AmazonManagedKafkaEventSourceConfig.SchemaRegistryConfig.AccessConfigs[].URI",
        "type",
        "/properties/schemaRegistry/properties/accessConfigs/items/properties/uri",
        "schemaRegistry",
    ),
    (
        "AmazonManagedKafkaEventSourceConfig.SchemaRegistryConfig.AccessConfigs[].URI",
        "minLength",
        "/properties/schemaRegistry/properties/accessConfigs/items/properties/uri",
        "schemaRegistry",
    ),
    (
        "DestinationConfig.OnFailure.Destination",
        "type",
        "/properties/destinations/properties/onFailure/anyOf/0",
        "destinations",
    ),
];

/// The JSON type a value of the key's schema has at `pointer`, with every `anyOf` branch and
/// `$ref` followed: how strict the key's schema is about `keyword`.
fn key_schema_states(schema: &Value, pointer: &str, constraint: &Constraint) -> bool {
    let Some(node) = schema.pointer(pointer) else {
        return false;
    };
    let number = |value: &Value| value.as_f64();
    let states = |node: &Value| -> bool {
        let own = node.get(constraint.keyword);
        match constraint.keyword {
            "type" => {
                let expected = constraint.value.as_str().unwrap_or_default();
                let types: Vec<&str> = match node.get("type") {
                    Some(Value::String(name)) => vec![name.as_str()],
                    Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).collect(),
                    _ => node
                        .get("enum")
                        .and_then(Value::as_array)
                        .map(|values| {
                            values
                                .iter()
                                .map(|value| match value {
                                    Value::String(_) => "string",
                                    Value::Bool(_) => "boolean",
                                    _ => "other",
                                })
                                .collect()
                        })
                        .unwrap_or_default(),
                };
                !types.is_empty()
                    && types.iter().all(|name| {
                        *name == expected || (*name == "integer" && expected == "number")
                    })
            }
            "minimum" | "minLength" | "minItems" => {
                let enumerated = node
                    .get("enum")
                    .and_then(Value::as_array)
                    .is_some_and(|values| {
                        values.iter().all(|value| {
                            number(value)
                                .zip(number(&constraint.value))
                                .is_some_and(|(ours, theirs)| ours >= theirs)
                        })
                    });
                enumerated
                    || own
                        .and_then(number)
                        .zip(number(&constraint.value))
                        .is_some_and(|(ours, theirs)| ours >= theirs)
            }
            "maximum" | "maxLength" | "maxItems" => {
                let enumerated = node
                    .get("enum")
                    .and_then(Value::as_array)
                    .is_some_and(|values| {
                        values.iter().all(|value| {
                            number(value)
                                .zip(number(&constraint.value))
                                .is_some_and(|(ours, theirs)| ours <= theirs)
                        })
                    });
                enumerated
                    || own
                        .and_then(number)
                        .zip(number(&constraint.value))
                        .is_some_and(|(ours, theirs)| ours <= theirs)
            }
            "pattern" => own
                .and_then(Value::as_str)
                .zip(constraint.value.as_str())
                .is_some_and(|(ours, theirs)| pattern_implies(ours, theirs)),
            "enum" => own.and_then(Value::as_array).is_some_and(|ours| {
                let theirs = constraint.value.as_array().cloned().unwrap_or_default();
                ours.iter().all(|value| theirs.contains(value))
            }),
            "uniqueItems" => own == Some(&Value::Bool(true)),
            _ => own == Some(&constraint.value),
        }
    };
    if states(node) {
        return true;
    }
    // `anyOf` (e.g. `-1` or `60`–`604800`): every branch must state it.
    node.get("anyOf")
        .and_then(Value::as_array)
        .is_some_and(|branches| {
            branches.iter().all(|branch| {
                states(branch)
                    || (constraint.keyword == "type"
                        && branch.get("enum").is_some_and(|values| {
                            values.as_array().is_some_and(|values| {
                                values
                                    .iter()
                                    .all(|value| value.is_i64() && constraint.value == "integer")
                            })
                        }))
            })
        })
}

/// Whether every sample string `ours` matches, `theirs` matches too (both searched, as JSON
/// Schema does): ours is at least as strict on names made of these characters.
fn pattern_implies(ours: &str, theirs: &str) -> bool {
    let (Ok(ours), Ok(theirs)) = (regex::Regex::new(ours), regex::Regex::new(theirs)) else {
        return false;
    };
    let alphabet = ["a", "Z", "0", "-", "_", ".", " ", "/", "é", "$", ":", "*"];
    let mut samples = vec![String::new()];
    for _ in 0..3 {
        let longer: Vec<String> = samples
            .iter()
            .flat_map(|sample| alphabet.iter().map(move |c| format!("{sample}{c}")))
            .collect();
        samples.extend(longer);
        samples.dedup();
    }
    samples
        .iter()
        .all(|sample| !ours.is_match(sample) || theirs.is_match(sample))
}

/// The declared rule that enforces `constraint`, if any: a rule on the same property whose test
/// states the keyword at least as strictly. A `one_of` rule also covers a `pattern`, `type`,
/// `minLength` or `maxLength` its every value meets, and a `matches` rule a `minLength: 1`
/// when it refuses the empty string.
fn enforcing_rule(constraint: &Constraint) -> Option<&'static Rule> {
    let at_least = |ours: Option<f64>, theirs: &Value| {
        ours.zip(theirs.as_f64())
            .is_some_and(|(ours, theirs)| ours >= theirs)
    };
    let at_most = |ours: Option<f64>, theirs: &Value| {
        ours.zip(theirs.as_f64())
            .is_some_and(|(ours, theirs)| ours <= theirs)
    };
    MskEvent::RULES.iter().find(|rule| {
        rule.cloudformation == Some(constraint.path.as_str())
            && match (rule.test, constraint.keyword) {
                (Test::Type { is, .. }, "type") => {
                    constraint.value == is.name()
                        || (is == JsonType::Integer && constraint.value == "number")
                }
                (Test::Range { min, .. }, "minimum") => at_least(min, &constraint.value),
                (Test::Range { max, .. }, "maximum") => at_most(max, &constraint.value),
                (Test::Length { min, .. }, "minLength") => {
                    at_least(min.map(|min| min as f64), &constraint.value)
                }
                (Test::Length { max, .. }, "maxLength") => {
                    at_most(max.map(|max| max as f64), &constraint.value)
                }
                (Test::JsonLength { max, .. }, "maxLength") => {
                    at_most(Some(max as f64), &constraint.value)
                }
                (Test::Items { min, .. }, "minItems") => {
                    at_least(min.map(|min| min as f64), &constraint.value)
                }
                (Test::Items { max, .. }, "maxItems") => {
                    at_most(max.map(|max| max as f64), &constraint.value)
                }
                (Test::Unique { .. }, "uniqueItems") => constraint.value == true,
                (Test::Matches { pattern, .. }, "pattern") => constraint.value == pattern,
                // Our anchored form of CloudFormation's topic pattern (checked below on
                // samples) refuses the empty string.
                (Test::Matches { pattern, .. }, "minLength") => {
                    constraint.value == 1
                        && !regex::Regex::new(pattern).expect("a regex").is_match("")
                }
                (Test::OneOf { values, .. }, _) => one_of_meets(values, constraint),
                _ => false,
            }
    })
}

/// Whether every value of a `one_of` rule meets `constraint`.
fn one_of_meets(values: &[&str], constraint: &Constraint) -> bool {
    values.iter().all(|value| {
        let length = value.chars().count() as f64;
        match constraint.keyword {
            "type" => constraint.value == "string",
            "enum" => constraint
                .value
                .as_array()
                .is_some_and(|allowed| allowed.iter().any(|allowed| allowed == value)),
            "pattern" => regex::Regex::new(constraint.value.as_str().unwrap_or_default())
                .is_ok_and(|regex| regex.is_match(value)),
            "minLength" => constraint.value.as_f64().is_some_and(|min| length >= min),
            "maxLength" => constraint.value.as_f64().is_some_and(|max| length <= max),
            _ => false,
        }
    })
}

/// The entry of `table` for `constraint`: its property (or, with `below`, a property it is
/// under) and its keyword (or `*`).
fn listed<'a, T>(
    table: &'a [T],
    constraint: &Constraint,
    below: bool,
    key: impl Fn(&T) -> (&str, &str),
) -> Option<&'a T> {
    table.iter().find(|entry| {
        let (path, keyword) = key(entry);
        (path == constraint.path
            || (below
                && constraint
                    .path
                    .strip_prefix(path)
                    .is_some_and(|rest| rest.starts_with(['.', '[']))))
            && (keyword == "*" || keyword == constraint.keyword)
    })
}

#[test]
fn every_constraint_is_enforced_by_a_rule_or_unreachable() {
    let schema = resource_schema();
    let mut all = Vec::new();
    for property in written_properties() {
        let node = &schema["properties"][property];
        assert!(
            !node.is_null(),
            "{property} is not in CloudFormation's schema"
        );
        constraints(&schema, node, property, &mut all);
    }
    assert!(all.len() > 60, "only {} constraints found", all.len());
    let key_schema = schema::msk_event_schema(Profile::Extended);
    let mut report = Vec::new();
    let mut missing = Vec::new();
    for constraint in &all {
        let how = if let Some(rule) = enforcing_rule(constraint) {
            format!("rule {} ({:?})", rule.code, rule.test)
        } else if let Some((_, _, reason)) =
            listed(UNREACHABLE, constraint, true, |entry| (entry.0, entry.1))
        {
            format!("unreachable: {reason}")
        } else if let Some((_, _, pointer, key)) =
            listed(KEY_SCHEMA, constraint, false, |entry| (entry.0, entry.1))
        {
            let code = MskEvent::key(key).and_then(|entry| entry.code);
            assert!(code.is_some(), "{key} has no code of its own");
            if !key_schema_states(&key_schema, pointer, constraint) {
                missing.push(format!(
                    "{constraint:?}: the schema of `{key}` ({pointer}) does not state it"
                ));
                continue;
            }
            format!("schema of `{key}` ({})", code.expect("checked"))
        } else if constraint.keyword == "type" && constraint.value == "object" {
            "unreachable: the compiler builds this object itself from the key's mapping".to_owned()
        } else {
            missing.push(format!("{constraint:?}"));
            continue;
        };
        report.push(format!(
            "{} {}={}: {how}",
            constraint.path, constraint.keyword, constraint.value
        ));
    }
    assert!(
        missing.is_empty(),
        "constraints no rule enforces:\n{}\n\ncovered:\n{}",
        missing.join("\n"),
        report.join("\n")
    );
    // The rules on CloudFormation's schema name properties that exist.
    for rule in MskEvent::RULES {
        if let Some(property) = rule.cloudformation {
            assert!(
                all.iter().any(|constraint| constraint.path == property),
                "{property} (rule {:?}) has no constraint in CloudFormation's schema",
                rule.test
            );
        }
    }
}

/// Our topic pattern is CloudFormation's, anchored: on names around its edges, ours accepts a
/// name exactly when CloudFormation's pattern matches all of it.
#[test]
fn the_topic_rule_is_the_anchored_cloudformation_pattern() {
    let schema = resource_schema();
    let theirs = schema["properties"]["Topics"]["items"]["pattern"]
        .as_str()
        .expect("a pattern");
    let theirs = regex::Regex::new(&format!("^(?:{theirs})$")).expect("a regex");
    let ours = MskEvent::RULES
        .iter()
        .find_map(|rule| match rule.test {
            Test::Matches {
                field: "topic",
                pattern,
            } => Some(regex::Regex::new(pattern).expect("a regex")),
            _ => None,
        })
        .expect("a topic rule");
    for sample in [
        "", "a", ".a", "ab", "a.b", "a-b_c.d", "a b", "a/b", "_x", "-x", "é", "ab\n", "a$",
    ] {
        assert_eq!(ours.is_match(sample), theirs.is_match(sample), "{sample:?}");
    }
}

/// Whether the instance value at `pointer` (or one of its parents) is a CloudFormation function.
fn under_intrinsic(instance: &Value, pointer: &str) -> bool {
    let mut path = String::new();
    let mut node = instance;
    for segment in pointer.split('/').skip(1) {
        if is_intrinsic(node) {
            return true;
        }
        path.push('/');
        path.push_str(segment);
        let segment = segment.replace("~1", "/").replace("~0", "~");
        node = match node {
            Value::Object(map) => map.get(&segment).unwrap_or(&Value::Null),
            Value::Array(items) => segment
                .parse::<usize>()
                .ok()
                .and_then(|index| items.get(index))
                .unwrap_or(&Value::Null),
            _ => &Value::Null,
        };
    }
    is_intrinsic(node)
}

fn is_intrinsic(node: &Value) -> bool {
    node.as_object().is_some_and(|map| {
        map.len() == 1
            && map
                .keys()
                .all(|key| key == "Ref" || key.starts_with("Fn::"))
    })
}

/// The schema's violations in `properties`, CloudFormation functions aside.
fn violations(validator: &jsonschema::Validator, properties: &Value) -> Vec<String> {
    validator
        .iter_errors(properties)
        .filter(|error| !under_intrinsic(properties, error.instance_path().as_str()))
        .map(|error| format!("{} at {}", error, error.instance_path()))
        .collect()
}

fn validator() -> jsonschema::Validator {
    let schema = resource_schema();
    // The resource schema's `properties` and `definitions`, as a draft-07 schema of the
    // `Properties` object (its `format`s are cfn-lint's own names, not validated here).
    let properties_schema = serde_json::json!({
        "type": "object",
        "properties": schema["properties"],
        "definitions": schema["definitions"],
        "additionalProperties": false
    });
    jsonschema::draft7::options()
        .should_validate_formats(false)
        .build(&properties_schema)
        .expect("CloudFormation's schema compiles")
}

/// Every config we have: the oracle cases, our cases, the examples and the snapshot fixtures.
fn every_config() -> Vec<(String, PathBuf)> {
    let tests = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut configs: Vec<(String, PathBuf)> = case_dirs()
        .into_iter()
        .map(|dir| (dir.display().to_string(), dir))
        .collect();
    for folder in ["extra-cases"] {
        for entry in std::fs::read_dir(tests.join(folder))
            .expect("a folder")
            .flatten()
        {
            let has_config = ["serverless.yml", "serverless.yaml", "serverless.json"]
                .iter()
                .any(|name| entry.path().join(name).is_file());
            if has_config {
                configs.push((entry.path().display().to_string(), entry.path()));
            }
        }
    }
    for folder in [
        "extended-cases",
        "bad-configs",
        "schema-fixtures",
        "hostile",
    ] {
        let Ok(entries) = std::fs::read_dir(tests.join(folder)) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path
                .extension()
                .is_some_and(|ext| ext == "yml" || ext == "yaml")
            {
                configs.push((path.display().to_string(), path));
            }
        }
    }
    for example in [
        "examples/serverless.yml",
        "examples/extended/serverless.yml",
    ] {
        configs.push((example.to_owned(), root().join(example)));
    }
    configs.sort();
    configs
}

/// The config text (every file of a case folder, for `${file()}` includes).
fn config_text(path: &Path) -> String {
    if !path.is_dir() {
        return read(path);
    }
    std::fs::read_dir(path)
        .expect("a folder")
        .flatten()
        .filter(|entry| entry.path().is_file())
        .filter(|entry| !entry.file_name().to_string_lossy().starts_with("expected"))
        .map(|entry| std::fs::read_to_string(entry.path()).unwrap_or_default())
        .collect()
}

fn compile_extended(path: &Path) -> msk_compile::Report {
    let mut options = Options {
        profile: Some(Profile::Extended),
        ..oracle_options()
    };
    if path.is_dir() {
        options.variables.service_dir = Some(path.to_path_buf());
        let config = ["serverless.yml", "serverless.yaml", "serverless.json"]
            .iter()
            .map(|name| path.join(name))
            .find(|config| config.is_file())
            .expect("checked by every_config");
        let format = if config.extension().is_some_and(|ext| ext == "json") {
            Format::Json
        } else {
            Format::Yaml
        };
        compile_source(&read(&config), format, &options)
    } else {
        options.variables.service_dir = path.parent().map(Path::to_path_buf);
        compile_source(&read(path), Format::Yaml, &options)
    }
}

#[test]
fn every_mapping_written_under_extended_is_schema_valid() {
    let validator = validator();
    let mut mappings = 0;
    let mut extended_by_user = 0;
    let mut failures = Vec::new();
    for (name, path) in every_config() {
        let report = compile_extended(&path);
        let Some(compiled) = report.compiled else {
            continue;
        };
        let text = config_text(&path);
        for (id, resource) in &compiled.resources {
            // `resources.extensions.<id>.Properties` is CloudFormation the user writes, merged
            // as Serverless merges it; only what the compiler makes of the msk event is ours.
            if text.contains(id.as_str()) {
                extended_by_user += 1;
                continue;
            }
            let resource = resource.to_json();
            mappings += 1;
            let found = violations(&validator, &resource["Properties"]);
            if !found.is_empty() {
                failures.push(format!("{name} {id}: {}", found.join("; ")));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "mappings CloudFormation rejects, written with exit 0:\n{}",
        failures.join("\n")
    );
    assert!(
        mappings >= 100 && extended_by_user < mappings / 5,
        "only {mappings} mappings checked ({extended_by_user} with resource extensions skipped)"
    );
}

/// The schema does reject what the rules are about: the validator is not vacuous.
#[test]
fn the_validator_rejects_what_cloudformation_rejects() {
    let validator = validator();
    let bad = serde_json::json!({
        "BatchSize": 2.5,
        "Enabled": "yes",
        "DestinationConfig": {"OnFailure": {"Destination": "kafka://dlt"}},
        "FilterCriteria": {"Filters": []},
        "EventSourceArn": {"Ref": "Cluster"}
    });
    let found = violations(&validator, &bad);
    assert_eq!(found.len(), 4, "{found:#?}");
}

/// The configs: each value CloudFormation refuses, alone in an event.
const GAPS: &[(&str, &str, &str)] = &[
    (
        "destinations: {onFailure: 'kafka://dlt'}",
        "destinations.onFailure",
        "minLength: 12",
    ),
    (
        "clientCertificateTlsAuth: arn:aws:secretsmanager:us-east-1:111111111111:secret:LONG",
        "clientCertificateTlsAuth",
        "maxLength: 200",
    ),
    (
        "filterPatterns: [{value: {status: [BIG]}}]",
        "filterPatterns.0",
        "maxLength: 4096",
    ),
    ("batchSize: 10001", "batchSize", "maximum: 10000"),
    ("batchSize: 2.5", "batchSize", "type: integer"),
    ("enabled: 'yes'", "enabled", "type: boolean"),
    (
        "startingPosition: latest",
        "startingPosition",
        "enum: [LATEST, TRIM_HORIZON, AT_TIMESTAMP]",
    ),
    (
        "startingPosition: EARLIEST",
        "startingPosition",
        "enum: [LATEST, TRIM_HORIZON, AT_TIMESTAMP]",
    ),
    ("filterPatterns: []", "filterPatterns", "minItems: 1"),
    ("consumerGroupId: LONG", "consumerGroupId", "maxLength: 200"),
    (
        "saslScram512: arn:aws:secretsmanager:us-east-1:111111111111:secret:LONG",
        "saslScram512",
        "maxLength: 200",
    ),
];

fn gap_config(line: &str, extended_keys: bool) -> String {
    let line = line
        .replace("LONG", &"x".repeat(300))
        .replace("BIG", &"y".repeat(4100));
    let provisioned = if extended_keys {
        "\n          provisionedPollers: {min: 1, max: 2}"
    } else {
        ""
    };
    format!(
        "service: s\nprovider:\n  name: aws\nfunctions:\n  f:\n    handler: h\n    events:\n      - msk:\n          arn: arn:aws:kafka:us-east-1:111111111111:cluster/c/1\n          topic: orders{provisioned}\n          {line}\n"
    )
}

#[test]
fn each_gap_is_an_error_under_extended_whatever_the_mode() {
    for (line, key, constraint) in GAPS {
        for mode in ["warn", "error", "off"] {
            let text = format!("configValidationMode: {mode}\n{}", gap_config(line, true));
            let options = Options {
                profile: Some(Profile::Extended),
                ..oracle_options()
            };
            let report = compile_source(&text, Format::Yaml, &options);
            assert!(report.compiled.is_none(), "{line} ({mode}) compiled");
            let path = format!("functions.f.events.0.msk.{key}");
            let at_path = |diagnostic: &&msk_compile::Diagnostic| {
                diagnostic.is_error() && diagnostic.path.as_deref() == Some(path.as_str())
            };
            // In error mode, a value Serverless' schema refuses already stops the compile there.
            if mode == "error"
                && report
                    .diagnostics
                    .iter()
                    .any(|diagnostic| at_path(&diagnostic) && diagnostic.code == Code::Schema)
            {
                continue;
            }
            let ours = report
                .diagnostics
                .iter()
                .filter(at_path)
                .find(|diagnostic| diagnostic.code != Code::Schema)
                .unwrap_or_else(|| panic!("{line} ({mode}): {:#?}", report.diagnostics));
            assert!(ours.span.is_some(), "{line}: positioned");
            let help = ours.help.as_deref().unwrap_or_default();
            assert!(help.contains(constraint), "{line}: {help}");
            assert!(
                help.contains("CloudFormation's AWS::Lambda::EventSourceMapping schema"),
                "{help}"
            );
            // Warn mode still prints Serverless' own warning first, when its schema has one.
            if mode == "warn"
                && let Some(serverless) = report
                    .diagnostics
                    .iter()
                    .position(|diagnostic| diagnostic.code == Code::Schema)
            {
                let ours = report
                    .diagnostics
                    .iter()
                    .position(|diagnostic| std::ptr::eq(diagnostic, ours))
                    .expect("found above");
                assert!(serverless < ours, "{line}: {:#?}", report.diagnostics);
            }
        }
    }
}

#[test]
fn each_serverless_gap_is_one_more_warning_under_serverless_v3_and_osls() {
    for (profile, (line, key, constraint)) in [Profile::ServerlessV3, Profile::Osls]
        .into_iter()
        .flat_map(|profile| GAPS.iter().map(move |gap| (profile, gap)))
    {
        // osls stops on its schema's errors unless told to warn; Serverless warns by default.
        let text = format!("configValidationMode: warn\n{}", gap_config(line, false));
        let extended_key = MskEvent::extension_keys().any(|extension| line.starts_with(extension));
        if extended_key {
            continue;
        }
        let options = Options {
            profile: Some(profile),
            ..oracle_options()
        };
        let report = compile_source(&text, Format::Yaml, &options);
        let compiled = report
            .compiled
            .unwrap_or_else(|| panic!("{line}: {:#?}", report.diagnostics));
        let path = format!("functions.f.events.0.msk.{key}");
        let ours: Vec<_> = report
            .diagnostics
            .iter()
            .filter(|diagnostic| diagnostic.code != Code::Schema)
            .collect();
        assert_eq!(ours.len(), 1, "{line}: {ours:#?}");
        assert!(!ours[0].is_error(), "{line}: a warning");
        assert_eq!(ours[0].path.as_deref(), Some(path.as_str()));
        assert!(
            ours[0]
                .help
                .as_deref()
                .unwrap_or_default()
                .contains(constraint)
        );
        // The output is what Serverless writes (the oracle cases prove it byte for byte):
        // the value goes out as written.
        assert_eq!(compiled.resources.len(), 1, "{line}");
    }
}
