//! The exported JSON Schemas: `msk-compile schema` prints [`msk_event_schema`] and
//! `msk-compile schema --serverless` prints [`serverless_schema`], both pinned by reviewed
//! snapshots in `snapshots/` (the text exactly as the command prints it).
//!
//! The snapshots show everything; the tests below state the rules a reviewer would otherwise
//! have to check by eye: the validation keywords are exactly Serverless Framework 3.40.0's,
//! every key is documented with its CloudFormation property, editor keywords are consistent
//! with the model's mapping, and the whole-file schema is strict only inside `msk`.

use msk_compile::json::stringify_pretty;
use msk_compile::schema::{msk_event_schema, serverless_schema};
use msk_model::{CfnMapping, MskEvent, Profile};
use serde_json::{Value, json};

/// Keywords that only editors read; validators (Ajv, `jsonschema`, ours) ignore them.
const EDITOR_KEYWORDS: &[&str] = &[
    "$schema",
    "title",
    "description",
    "markdownDescription",
    "enumDescriptions",
    "markdownEnumDescriptions",
    "examples",
    "default",
    "defaultSnippets",
    "errorMessage",
    "patternErrorMessage",
];

const CFN_REFERENCE: &str = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/";

fn snapshot_settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../snapshots");
    settings
}

#[test]
fn msk_event_schema_snapshot() {
    snapshot_settings().bind(|| {
        insta::assert_snapshot!(
            "msk_event_schema",
            stringify_pretty(&msk_event_schema(Profile::ServerlessV3))
        )
    });
}

#[test]
fn serverless_schema_snapshot() {
    snapshot_settings().bind(|| {
        insta::assert_snapshot!(
            "serverless_schema",
            stringify_pretty(&serverless_schema(Profile::ServerlessV3))
        )
    });
}

/// Removes editor keywords everywhere except inside data (`enum`, `examples`, …) and inside
/// `properties` maps, whose keys are property names, not keywords.
fn without_editor_keywords(schema: &Value) -> Value {
    match schema {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(key, _)| !EDITOR_KEYWORDS.contains(&key.as_str()))
                .map(|(key, value)| {
                    let value = match key.as_str() {
                        "properties" => Value::Object(
                            value
                                .as_object()
                                .map(|members| {
                                    members
                                        .iter()
                                        .map(|(name, member)| {
                                            (name.clone(), without_editor_keywords(member))
                                        })
                                        .collect()
                                })
                                .unwrap_or_default(),
                        ),
                        "enum" | "const" => value.clone(),
                        _ => without_editor_keywords(value),
                    };
                    (key.clone(), value)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_editor_keywords).collect()),
        other => other.clone(),
    }
}

/// spec/serverless-v3-behaviour.md §2: the schema Serverless 3.40.0 registers for `msk`, with
/// its definitions (`awsArnString`, `awsCfImport`, `awsCfRef`, `filterPatterns`) inlined.
fn serverless_3_40_msk_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "arn": { "anyOf": [
                { "type": "string", "pattern": "^arn:" },
                { "type": "object", "properties": { "Fn::ImportValue": {} }, "additionalProperties": false, "required": ["Fn::ImportValue"] },
                { "type": "object", "properties": { "Ref": { "type": "string", "minLength": 1 } }, "required": ["Ref"], "additionalProperties": false }
            ] },
            "batchSize": { "type": "number", "minimum": 1, "maximum": 10000 },
            "maximumBatchingWindow": { "type": "number", "minimum": 0, "maximum": 300 },
            "enabled": { "type": "boolean" },
            "startingPosition": { "type": "string", "enum": ["LATEST", "TRIM_HORIZON", "AT_TIMESTAMP"] },
            "startingPositionTimestamp": { "type": "number" },
            "topic": { "type": "string" },
            "saslScram512": { "type": "string", "pattern": "^arn:" },
            "consumerGroupId": { "type": "string", "maxLength": 200, "pattern": "[a-zA-Z0-9-/*:_+=.@-]*" },
            "filterPatterns": { "type": "array", "minItems": 1, "maxItems": 10, "items": { "type": "object" } }
        },
        "additionalProperties": false,
        "required": ["arn", "topic"]
    })
}

#[test]
fn validation_keywords_are_exactly_serverless() {
    let ours = without_editor_keywords(&msk_event_schema(Profile::ServerlessV3));
    let expected = serverless_3_40_msk_schema();
    // Map comparison ignores key order; the order of `properties` is checked separately.
    assert_eq!(ours, expected, "ours:\n{}", stringify_pretty(&ours));
    let order = |schema: &Value| {
        schema["properties"]
            .as_object()
            .map(|properties| properties.keys().cloned().collect::<Vec<_>>())
            .unwrap_or_default()
    };
    assert_eq!(
        order(&ours),
        order(&expected),
        "properties are declared in Serverless' order"
    );
    assert_eq!(
        msk_event_schema(Profile::ServerlessV3)["$schema"],
        "http://json-schema.org/draft-07/schema#"
    );
}

#[test]
fn every_key_names_its_cloudformation_property_and_links_the_reference() {
    let schema = msk_event_schema(Profile::ServerlessV3);
    let properties = schema["properties"].as_object().expect("properties");
    assert_eq!(properties.len(), 10);
    for (key, property) in properties {
        let field =
            MskEvent::field(key).unwrap_or_else(|| panic!("{key} has a CloudFormation mapping"));
        let cfn_name = field.path[0];
        for keyword in ["title", "description", "markdownDescription"] {
            assert!(
                property[keyword]
                    .as_str()
                    .is_some_and(|text| !text.trim().is_empty()),
                "{key} has a {keyword}"
            );
        }
        let markdown = property["markdownDescription"].as_str().unwrap_or_default();
        assert!(
            markdown.contains(&format!("[`{cfn_name}")),
            "{key}'s markdownDescription names `{cfn_name}`: {markdown}"
        );
        let anchor = format!("#cfn-lambda-eventsourcemapping-{}", cfn_name.to_lowercase());
        assert!(
            markdown.contains(CFN_REFERENCE) && markdown.contains(&anchor),
            "{key}'s markdownDescription links {anchor}: {markdown}"
        );
        // Ranges and lengths are stated in the text: editors do not show `minimum`/`maximum`.
        for (low, high) in [("minimum", "maximum"), ("minItems", "maxItems")] {
            if let (Some(low), Some(high)) = (property.get(low), property.get(high)) {
                let stated = format!("`{low}`–`{high}`");
                assert!(
                    markdown.contains(&stated),
                    "{key}'s markdownDescription states the range {stated}: {markdown}"
                );
            }
        }
        // `default` is what Serverless writes when the key is unset, nothing else.
        assert_eq!(
            property.get("default").and_then(Value::as_str),
            field.default,
            "{key}'s default is the mapping's default"
        );
        if let Some(examples) = property.get("examples").and_then(Value::as_array) {
            let validator = jsonschema::draft7::new(&without_editor_keywords(property))
                .expect("a property schema compiles");
            for example in examples {
                assert!(
                    validator.is_valid(example),
                    "{key}'s example {example} is valid"
                );
            }
        }
    }
    let markdown = schema["markdownDescription"].as_str().unwrap_or_default();
    assert!(
        schema["title"] == "MSK event" && markdown.contains(CFN_REFERENCE),
        "the event itself is documented: {markdown}"
    );
}

#[test]
fn enum_descriptions_match_the_enum() {
    let schema = msk_event_schema(Profile::ServerlessV3);
    let starting = &schema["properties"]["startingPosition"];
    let values = starting["enum"].as_array().expect("an enum").len();
    for keyword in ["enumDescriptions", "markdownEnumDescriptions"] {
        assert_eq!(
            starting[keyword].as_array().map(Vec::len),
            Some(values),
            "{keyword} has one entry per value"
        );
    }
    assert!(
        starting["enum"]
            .as_array()
            .is_some_and(|all| all.contains(&starting["default"])),
        "the default is an allowed value"
    );
}

#[test]
fn arn_forms_carry_no_documentation() {
    // yaml-language-server shows the text of the branch a value matches: only `arn` speaks.
    let schema = msk_event_schema(Profile::ServerlessV3);
    let branches = schema["properties"]["arn"]["anyOf"]
        .as_array()
        .expect("arn is an anyOf");
    assert_eq!(branches.len(), 3);
    for branch in branches {
        for keyword in ["title", "description", "markdownDescription"] {
            assert!(branch.get(keyword).is_none(), "no {keyword} on {branch}");
        }
        assert!(
            branch["errorMessage"]
                .as_str()
                .is_some_and(|message| message.starts_with("arn must be")),
            "{branch} says what arn accepts"
        );
    }
}

#[test]
fn snippets_write_the_required_keys() {
    let event = msk_event_schema(Profile::ServerlessV3);
    let required: Vec<&str> = event["required"]
        .as_array()
        .expect("required")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let snippets = event["defaultSnippets"]
        .as_array()
        .expect("defaultSnippets");
    assert!(!snippets.is_empty());
    let item_snippets =
        serverless_schema(Profile::ServerlessV3)["definitions"]["event"]["defaultSnippets"].clone();
    for (index, snippet) in snippets.iter().enumerate() {
        for key in &required {
            assert!(
                snippet["body"].get(*key).is_some(),
                "snippet {} writes {key}",
                snippet["label"]
            );
        }
        assert_eq!(
            item_snippets[index]["body"]["msk"], snippet["body"],
            "the events[] snippet wraps the same body"
        );
    }
}

fn validate(schema: &Value, yaml_like: &Value) -> Vec<String> {
    let validator = jsonschema::draft7::new(schema).expect("the schema compiles");
    validator
        .iter_errors(yaml_like)
        .map(|error| format!("{}: {error}", error.instance_path()))
        .collect()
}

#[test]
fn the_whole_file_schema_is_strict_inside_msk_only() {
    let schema = serverless_schema(Profile::ServerlessV3);
    let service = |events: Value| json!({ "service": "s", "anything": { "goes": [1] }, "functions": { "f": { "handler": "h", "whatever": true, "events": events } } });
    let open = service(json!([
        { "http": { "path": "/", "method": "get", "notAKey": 1 } },
        { "sqs": "arn:aws:sqs:us-east-1:1:q" },
        { "unknownEvent": null },
        "${file(events.yml):one}",
    ]));
    assert_eq!(validate(&schema, &open), Vec::<String>::new());
    assert_eq!(
        validate(&schema, &json!({ "functions": "${file(functions.yml)}" })),
        Vec::<String>::new()
    );

    let bad = service(
        json!([{ "msk": { "arn": "arn:aws:kafka:r:1:cluster/c/1", "topic": "t", "batchSize": 0, "bogus": 1 } }]),
    );
    let errors = validate(&schema, &bad);
    assert_eq!(errors.len(), 2, "{errors:#?}");
}

#[test]
fn the_whole_file_schema_accepts_variables_for_every_msk_value() {
    let schema = serverless_schema(Profile::ServerlessV3);
    let variable = |key: &str| json!(format!("${{self:custom.{key}}}"));
    let keys: Vec<String> = msk_event_schema(Profile::ServerlessV3)["properties"]
        .as_object()
        .expect("properties")
        .keys()
        .cloned()
        .collect();
    let mut msk = serde_json::Map::new();
    for key in &keys {
        msk.insert(key.clone(), variable(key));
    }
    let config = json!({ "functions": { "f": { "events": [
        { "msk": msk },
        { "msk": "${self:custom.wholeEvent}" },
        { "msk": { "arn": "arn:aws:kafka:${aws:region}:1:cluster/c/1", "topic": "t", "filterPatterns": ["${self:custom.filter}", { "value": { "a": [1] } }] } },
    ] } } });
    assert_eq!(validate(&schema, &config), Vec::<String>::new());

    // A variable is a string with `${`; other strings are still judged.
    let wrong = json!({ "functions": { "f": { "events": [
        { "msk": { "arn": "my-cluster", "topic": "t", "batchSize": "100", "enabled": "yes", "startingPosition": "latest", "saslScram512": "secret", "filterPatterns": ["a"] } },
    ] } } });
    let errors = validate(&schema, &wrong);
    for key in [
        "arn",
        "batchSize",
        "enabled",
        "startingPosition",
        "saslScram512",
        "filterPatterns/0",
    ] {
        assert!(
            errors
                .iter()
                .any(|error| error.starts_with(&format!("/functions/f/events/0/msk/{key}:"))),
            "{key} is flagged: {errors:#?}"
        );
    }
}

// The extended profile's schemas (`msk-compile schema --profile extended [--serverless]`).

#[test]
fn extended_schema_snapshots() {
    use msk_compile::schema::{msk_event_schema, serverless_schema};
    use msk_model::Profile;
    snapshot_settings().bind(|| {
        insta::assert_snapshot!(
            "msk_event_schema_extended",
            stringify_pretty(&msk_event_schema(Profile::Extended))
        );
        insta::assert_snapshot!(
            "serverless_schema_extended",
            stringify_pretty(&serverless_schema(Profile::Extended))
        );
    });
}

/// The Serverless plugin generates `defineFunctionEventProperties` from this schema: a plain
/// draft-07 object schema whose `properties` holds every key of the model, each documented as
/// today's keys are (title, description, markdown naming the CloudFormation property with its
/// AWS link, ranges stated, valid examples).
#[test]
fn the_extended_schema_documents_every_key() {
    use msk_compile::schema::msk_event_schema;
    use msk_model::Profile;
    let schema = msk_event_schema(Profile::Extended);
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    assert_eq!(schema["type"], "object");
    assert_eq!(schema["additionalProperties"], false);
    let properties = schema["properties"].as_object().expect("properties");
    // Every key but osls' own (`provisionedPollerConfig`), which is the osls host's.
    let keys: Vec<&str> = MskEvent::KEYS
        .iter()
        .filter(|entry| entry.profile != Profile::Osls)
        .map(|entry| entry.key)
        .collect();
    assert_eq!(
        properties.keys().map(String::as_str).collect::<Vec<_>>(),
        keys
    );
    let text = schema.to_string();
    assert!(
        !text.contains("x-profile") && !text.contains("x-extended-"),
        "markers left"
    );
    for key in MskEvent::extension_keys() {
        let property = &properties[key];
        for keyword in ["title", "description", "markdownDescription"] {
            assert!(
                property[keyword]
                    .as_str()
                    .is_some_and(|text| !text.trim().is_empty()),
                "{key} has a {keyword}"
            );
        }
        let markdown = property["markdownDescription"].as_str().unwrap_or_default();
        if let Some(field) = MskEvent::field(key) {
            let cfn_name = field.path.last().copied().unwrap_or_default();
            let top = field.path[0];
            assert!(
                markdown.contains(&format!("[`{top}"))
                    || markdown.contains(&format!("[`{cfn_name}")),
                "{key}'s markdownDescription names `{top}`: {markdown}"
            );
            assert!(
                markdown.contains(CFN_REFERENCE),
                "{key} links the reference: {markdown}"
            );
        } else {
            // A key that only grants: its text says what the role gets.
            assert!(markdown.contains("role"), "{key}: {markdown}");
        }
        for (low, high) in [("minimum", "maximum"), ("minItems", "maxItems")] {
            if let (Some(low), Some(high)) = (property.get(low), property.get(high)) {
                let stated = format!("`{low}`–`{high}`");
                assert!(
                    markdown.contains(&stated),
                    "{key} states {stated}: {markdown}"
                );
            }
        }
        if let Some(examples) = property.get("examples").and_then(Value::as_array) {
            let validator = jsonschema::draft7::new(&without_editor_keywords(property))
                .expect("a property schema compiles");
            for example in examples {
                assert!(
                    validator.is_valid(example),
                    "{key}'s example {example} is valid"
                );
            }
        }
        if let Some(values) = property.get("enum").and_then(Value::as_array)
            && let Some(descriptions) = property.get("markdownEnumDescriptions")
        {
            assert_eq!(
                descriptions.as_array().map(Vec::len),
                Some(values.len()),
                "{key}"
            );
        }
    }
    // Every value the extended example writes is valid for the schema of its key.
    let validator =
        jsonschema::draft7::new(&without_editor_keywords(&schema)).expect("the schema compiles");
    for event in [
        json!({"arn": "arn:aws:kafka:us-east-1:111111111111:cluster/o/1", "topic": "t",
               "provisionedPollers": {"min": 1, "max": 10, "group": "g"},
               "destinations": {"onFailure": {"arn": {"Fn::GetAtt": ["Q", "Arn"]}, "type": "sqs"}},
               "maximumRecordAgeInSeconds": -1, "tags": {"team": "orders"},
               "schemaRegistry": {"uri": "arn:aws:glue:us-east-1:111111111111:registry/r",
                                  "eventRecordFormat": "JSON", "validate": ["VALUE"]}}),
        json!({"arn": {"Fn::GetAtt": ["Cluster", "Arn"]}, "topic": "t", "provisionedPollers": false,
               "destinations": {"onFailure": "kafka://dlt"}}),
    ] {
        assert!(
            validator.is_valid(&event),
            "{event}: {:?}",
            validator
                .iter_errors(&event)
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
        );
    }
    for event in [
        json!({"arn": "arn:aws:kafka:us-east-1:1:cluster/o/1", "topic": "t", "maximumRecordAgeInSeconds": 30}),
        json!({"arn": "arn:aws:kafka:us-east-1:1:cluster/o/1", "topic": "t", "tags": {"k": 1}}),
        json!({"arn": "arn:aws:kafka:us-east-1:1:cluster/o/1", "topic": "t", "provisionedPollers": true}),
    ] {
        assert!(!validator.is_valid(&event), "{event} is rejected");
    }
}
