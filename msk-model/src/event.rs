//! The `msk` event itself: keys, constraints, documentation and CloudFormation mapping.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::CfnMapping;

/// An Amazon MSK cluster as the event source of a Lambda function.
///
/// Serverless compiles each `msk` event into an `AWS::Lambda::EventSourceMapping`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, CfnMapping)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfn(
    resource = "AWS::Lambda::EventSourceMapping",
    logical_id = "EventSourceMappingMSK",
    slot(name = "FunctionName", order = 2),
    required_when(
        field = "startingPosition",
        equals = "AT_TIMESTAMP",
        requires = "startingPositionTimestamp",
        code = "FUNCTION_MSK_STARTING_POSITION_TIMESTAMP_INVALID",
        message = "You must specify startingPositionTimestamp for function: {function} when startingPosition is AT_TIMESTAMP."
    )
)]
pub struct MskEvent {
    /// ARN of the MSK cluster: an ARN string, `!Ref`/`Ref` to a cluster resource, or
    /// `!ImportValue`/`Fn::ImportValue` of an exported ARN.
    ///
    /// Becomes `EventSourceArn`; it is also the resource of the `kafka:DescribeCluster` /
    /// `kafka:GetBootstrapBrokers` statement added to the function's role.
    #[cfn(
        property = "EventSourceArn",
        order = 1,
        presence = "always",
        id_part = 1,
        id_token = "cluster_name",
        iam_resource
    )]
    pub arn: Arn,

    /// Largest number of records Lambda reads from the topic in one batch (1–10000).
    ///
    /// Becomes `BatchSize`; `0` is left out, as Serverless does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 10000))]
    #[cfn(property = "BatchSize", order = 6, presence = "truthy")]
    pub batch_size: Option<f64>,

    /// Seconds Lambda gathers records before invoking the function (0–300).
    ///
    /// Becomes `MaximumBatchingWindowInSeconds`; `0` is left out, as Serverless does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 300))]
    #[cfn(
        property = "MaximumBatchingWindowInSeconds",
        order = 7,
        presence = "truthy"
    )]
    pub maximum_batching_window: Option<f64>,

    /// Whether the event source mapping is active. `false` creates it disabled.
    ///
    /// Becomes `Enabled` (written whenever set, `false` included).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfn(property = "Enabled", order = 9, presence = "not_null")]
    pub enabled: Option<bool>,

    /// Where in the topic Lambda starts reading: `LATEST`, `TRIM_HORIZON` (the default) or
    /// `AT_TIMESTAMP` (then `startingPositionTimestamp` is required).
    ///
    /// Becomes `StartingPosition`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfn(
        property = "StartingPosition",
        order = 3,
        presence = "always",
        default = "TRIM_HORIZON"
    )]
    pub starting_position: Option<StartingPosition>,

    /// Unix time in seconds to start reading from, with `startingPosition: AT_TIMESTAMP`.
    ///
    /// Becomes `StartingPositionTimestamp` (written whenever set).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfn(
        property = "StartingPositionTimestamp",
        order = 5,
        presence = "not_null"
    )]
    pub starting_position_timestamp: Option<f64>,

    /// Name of the Kafka topic to consume.
    ///
    /// Becomes `Topics: [topic]`.
    #[cfn(
        property = "Topics",
        order = 4,
        presence = "always",
        shape = "list",
        id_part = 2
    )]
    pub topic: String,

    /// ARN of the Secrets Manager secret holding SASL/SCRAM-512 credentials for the cluster.
    ///
    /// Becomes `SourceAccessConfigurations: [{Type: SASL_SCRAM_512_AUTH, URI: <arn>}]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = "^arn:"))]
    #[cfn(
        property = "SourceAccessConfigurations",
        order = 10,
        presence = "not_null",
        source_access = "SASL_SCRAM_512_AUTH"
    )]
    pub sasl_scram512: Option<String>,

    /// Kafka consumer group ID Lambda joins (at most 200 characters).
    ///
    /// Becomes `AmazonManagedKafkaEventSourceConfig.ConsumerGroupId`; `""` is left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 200), regex(pattern = "[a-zA-Z0-9-/*:_+=.@-]*"))]
    #[cfn(
        property = "AmazonManagedKafkaEventSourceConfig.ConsumerGroupId",
        order = 8,
        presence = "truthy"
    )]
    pub consumer_group_id: Option<String>,

    /// Event filtering patterns (1–10); records that match none are dropped before invocation.
    ///
    /// Each pattern becomes `FilterCriteria.Filters[].Pattern`, the pattern as a JSON string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 10))]
    #[cfn(
        property = "FilterCriteria.Filters",
        order = 11,
        presence = "truthy",
        shape = "filter_patterns"
    )]
    pub filter_patterns: Option<Vec<serde_json::Map<String, serde_json::Value>>>,
}

/// The MSK cluster reference accepted by `arn`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Arn {
    // An ARN string such as `arn:aws:kafka:us-east-1:123456789012:cluster/name/uuid`.
    Literal(#[schemars(regex(pattern = "^arn:"))] String),
    // `Fn::ImportValue` of an exported cluster ARN.
    ImportValue(CfnImportValue),
    // `Ref` to an `AWS::MSK::Cluster` resource (its `Ref` is the cluster ARN).
    Ref(CfnRef),
}

/// `{"Fn::ImportValue": <export name>}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CfnImportValue {
    #[serde(rename = "Fn::ImportValue")]
    pub import_value: serde_json::Value,
}

/// `{"Ref": <logical ID>}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CfnRef {
    #[serde(rename = "Ref")]
    #[schemars(length(min = 1))]
    pub logical_id: String,
}

/// Where Lambda starts reading the topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[allow(non_camel_case_types)]
pub enum StartingPosition {
    // Plain comments, not doc comments: documented variants would turn the schema's
    // `enum` into a `oneOf` of constants, which validates with different messages.
    // Only records added after the mapping is created.
    LATEST,
    // The oldest record still in the topic (Serverless' default).
    TRIM_HORIZON,
    // Records from `startingPositionTimestamp` on.
    AT_TIMESTAMP,
}
