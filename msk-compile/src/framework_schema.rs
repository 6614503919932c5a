//! The pieces of Serverless Framework 3.40.0's own config schema that cover keys outside the
//! msk event which the compiler reads: the function keys `name`, `snapStart`,
//! `provisionedConcurrency`, `role`, and `resources.extensions`. The validator interprets
//! them like the msk event's schema, so their messages, order and Ajv coercion are
//! Serverless'.
//!
//! Copied as data from the installed framework (`lib/config-schema.js`, the function and
//! `resources` schemas and the `definitions` in `lib/plugins/aws/provider.js`); property
//! order is the framework's, because Ajv reports errors in that order.

use serde_json::{Value, json};

/// The definitions the pieces refer to, verbatim from `provider.js`.
fn definitions() -> Value {
    json!({
        "awsCfFunction": {
            "anyOf": [
                { "$ref": "#/definitions/awsCfImport" },
                { "$ref": "#/definitions/awsCfJoin" },
                { "$ref": "#/definitions/awsCfGetAtt" },
                { "$ref": "#/definitions/awsCfRef" },
                { "$ref": "#/definitions/awsCfSub" },
                { "$ref": "#/definitions/awsCfBase64" },
                { "$ref": "#/definitions/awsCfToJsonString" }
            ]
        },
        "awsCfGetAtt": {
            "type": "object",
            "properties": {
                "Fn::GetAtt": {
                    "type": "array",
                    "minItems": 2,
                    "maxItems": 2,
                    "items": { "type": "string", "minLength": 1 }
                }
            },
            "required": ["Fn::GetAtt"],
            "additionalProperties": false
        },
        "awsCfImport": {
            "type": "object",
            "properties": { "Fn::ImportValue": {} },
            "additionalProperties": false,
            "required": ["Fn::ImportValue"]
        },
        "awsCfIf": {
            "type": "object",
            "properties": {
                "Fn::If": {
                    "type": "array",
                    "minItems": 3,
                    "maxItems": 3,
                    "items": { "$ref": "#/definitions/awsCfInstruction" }
                }
            },
            "required": ["Fn::If"],
            "additionalProperties": false
        },
        "awsCfInstruction": {
            "anyOf": [{ "type": "string", "minLength": 1 }, { "$ref": "#/definitions/awsCfFunction" }]
        },
        "awsCfJoin": {
            "type": "object",
            "properties": {
                "Fn::Join": {
                    "type": "array",
                    "minItems": 2,
                    "maxItems": 2,
                    "items": [{ "type": "string" }, { "type": "array" }],
                    "additionalItems": false
                }
            },
            "required": ["Fn::Join"],
            "additionalProperties": false
        },
        "awsCfRef": {
            "type": "object",
            "properties": { "Ref": { "type": "string", "minLength": 1 } },
            "required": ["Ref"],
            "additionalProperties": false
        },
        "awsCfSub": {
            "type": "object",
            "properties": { "Fn::Sub": {} },
            "required": ["Fn::Sub"],
            "additionalProperties": false
        },
        "awsCfBase64": {
            "type": "object",
            "properties": { "Fn::Base64": {} }
        },
        "awsCfToJsonString": {
            "type": "object",
            "properties": {
                "Fn::ToJsonString": { "anyOf": [{ "type": "object" }, { "type": "array" }] }
            },
            "required": ["Fn::ToJsonString"],
            "additionalProperties": false
        },
        "awsLambdaRole": {
            "anyOf": [
                { "type": "string", "minLength": 1 },
                { "$ref": "#/definitions/awsCfSub" },
                { "$ref": "#/definitions/awsCfImport" },
                { "$ref": "#/definitions/awsCfGetAtt" }
            ]
        },
        "awsResourceCondition": { "type": "string" },
        "awsResourceDependsOn": { "type": "array", "items": { "type": "string" } }
    })
}

/// The keys of `functions.<name>` that the compiler reads, in the framework's order (`name`
/// comes from `config-schema.js`, before `events`; the rest from `provider.js`, after it).
/// Open: a function's other keys are not this tool's to judge. With `osls`, osls' `durableConfig`
/// (which the compiler reads on the osls host) too, in its place in osls' schema, before
/// `snapStart`.
pub fn function_keys_schema_for(osls: bool) -> Value {
    let mut schema = json!({
        "properties": {
            "name": { "type": "string" },
            "snapStart": { "type": "boolean" },
            // `cfValue({ type: 'integer', minimum: 0 })`
            "provisionedConcurrency": {
                "anyOf": [
                    { "type": "integer", "minimum": 0 },
                    { "$ref": "#/definitions/awsCfFunction" },
                    { "$ref": "#/definitions/awsCfIf" }
                ]
            },
            "role": { "$ref": "#/definitions/awsLambdaRole" }
        },
        "definitions": definitions()
    });
    if osls && let Some(Value::Object(properties)) = schema.get_mut("properties") {
        let at = properties
            .keys()
            .position(|key| key == "snapStart")
            .unwrap_or(properties.len());
        properties.shift_insert(
            at,
            "durableConfig".to_owned(),
            json!({
                "type": "object",
                "properties": {
                    "executionTimeout": { "type": "integer", "minimum": 1, "maximum": 31622400 },
                    "retentionPeriodInDays": { "type": "integer", "minimum": 1, "maximum": 90 }
                },
                "required": ["executionTimeout"],
                "additionalProperties": false
            }),
        );
    }
    schema
}

/// `resources.extensions`: resource logical IDs mapped to the attributes that may be
/// extended.
pub fn resources_extensions_schema() -> Value {
    json!({
        "type": "object",
        "patternProperties": {
            "^[a-zA-Z0-9]{1,255}$": {
                "type": "object",
                "properties": {
                    "Properties": { "type": "object" },
                    "CreationPolicy": { "type": "object" },
                    "DeletionPolicy": { "type": "string" },
                    "DependsOn": { "$ref": "#/definitions/awsResourceDependsOn" },
                    "Metadata": { "type": "object" },
                    "UpdatePolicy": { "type": "object" },
                    "UpdateReplacePolicy": { "type": "string" },
                    "Condition": { "$ref": "#/definitions/awsResourceCondition" }
                },
                "additionalProperties": false
            }
        },
        "additionalProperties": false,
        "definitions": definitions()
    })
}
