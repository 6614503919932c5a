//! The `msk` event itself: keys, constraints, documentation and CloudFormation mapping.
//!
//! The `#[schemars]` attributes carry two kinds of keywords. Validation keywords (`type`,
//! ranges, lengths, `pattern`, `enum`, `required`, `additionalProperties`) are exactly
//! Serverless Framework 3.40.0's schema for `msk`, because the compiler validates with this
//! schema. Everything else is for editors (yaml-language-server, VS Code): `title`,
//! `markdownDescription` with the CloudFormation property and a link to its reference,
//! `markdownEnumDescriptions`, `examples`, `default`, `defaultSnippets`, `errorMessage` and
//! `patternErrorMessage`; validators ignore them. Doc comments become the plain `description`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::CfnMapping;

/// The CloudFormation reference of `AWS::Lambda::EventSourceMapping`, optionally with the
/// anchor of one property (`cfn!("batchsize")`). A macro, so that it can sit in `concat!`.
macro_rules! cfn {
    () => {
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-lambda-eventsourcemapping.html"
    };
    ($anchor:literal) => {
        concat!(cfn!(), "#cfn-lambda-eventsourcemapping-", $anchor)
    };
}

/// A page of the CloudFormation reference other than the resource's own (property types).
macro_rules! cfn_page {
    ($page:literal) => {
        concat!(
            "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/",
            $page
        )
    };
}

/// The editor message for an `arn` that matches none of its forms. Each form (branch) carries it
/// as `errorMessage`: an editor reports the errors of the closest branch, which alone read as
/// "Incorrect type. Expected "string"" or "Missing property "Ref"".
const ARN_FORMS: &str = "arn must be an ARN (starting with \"arn:\"), a Ref or an Fn::ImportValue.";

/// An Amazon MSK cluster as the event source of a Lambda function.
///
/// Serverless compiles each `msk` event into an `AWS::Lambda::EventSourceMapping`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, CfnMapping)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(
    title = "MSK event",
    extend(
        "markdownDescription" = concat!(
            "Consumes a topic of an **Amazon MSK** cluster. Serverless compiles each `msk` event into an [`AWS::Lambda::EventSourceMapping`](",
            cfn!(),
            ") and gives the function's role `kafka:DescribeCluster`, `kafka:GetBootstrapBrokers` and the EC2 network-interface permissions Lambda needs.\n\n",
            "Required: `arn`, `topic`.\n\n",
            "[Serverless docs](https://www.serverless.com/framework/docs/providers/aws/events/msk) · [Lambda with Amazon MSK](https://docs.aws.amazon.com/lambda/latest/dg/with-msk.html)"
        ),
        // Offered when completing the value of `msk:`; `serverless_schema()` wraps them for an
        // `events[]` item. `${n:…}` are tab stops.
        "defaultSnippets" = [
            {
                "label": "msk event",
                "description": "arn + topic",
                "markdownDescription": "An `msk` event with its two required keys: the cluster ARN and the topic.",
                "body": {
                    "arn": "${1:arn:aws:kafka:us-east-1:123456789012:cluster/name/uuid}",
                    "topic": "${2:topic}"
                }
            },
            {
                "label": "msk event with SASL/SCRAM",
                "description": "arn + topic + saslScram512",
                "markdownDescription": "An `msk` event that authenticates with a SASL/SCRAM-512 secret from Secrets Manager.",
                "body": {
                    "arn": "${1:arn:aws:kafka:us-east-1:123456789012:cluster/name/uuid}",
                    "topic": "${2:topic}",
                    "saslScram512": "${3:arn:aws:secretsmanager:us-east-1:123456789012:secret:AmazonMSK_name}"
                }
            }
        ]
    )
)]
#[cfn(
    resource = "AWS::Lambda::EventSourceMapping",
    logical_id = "EventSourceMappingMSK",
    slot(name = "FunctionName", order = 2),
    required_when(
        field = "startingPosition",
        equals = "AT_TIMESTAMP",
        requires = "startingPositionTimestamp",
        code = crate::Code::StartingPositionTimestamp,
        message = "You must specify startingPositionTimestamp for function: {function} when startingPosition is AT_TIMESTAMP."
    )
)]
pub struct MskEvent {
    /// ARN of the MSK cluster: an ARN string, `!Ref`/`Ref` to a cluster resource, or
    /// `!ImportValue`/`Fn::ImportValue` of an exported ARN.
    ///
    /// Becomes `EventSourceArn`; it is also the resource of the `kafka:DescribeCluster` /
    /// `kafka:GetBootstrapBrokers` statement added to the function's role.
    #[schemars(
        title = "Cluster ARN",
        example = "arn:aws:kafka:us-east-1:123456789012:cluster/orders/9a8b7c6d-1e2f-3a4b-5c6d-7e8f9a0b1c2d-3",
        extend("markdownDescription" = concat!(
            "The **Amazon MSK cluster** to consume, written as one of:\n\n",
            "* an ARN: `arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid>`\n",
            "* `!Ref <logical ID>` (or `Ref:`) of an `AWS::MSK::Cluster`, whose `Ref` is its ARN\n",
            "* `!ImportValue <export>` (or `Fn::ImportValue:`) of an exported ARN\n\n",
            "Serverless accepts no other form (not `Fn::GetAtt`). The cluster name (the part after the first `/`), the `Ref` or the export name becomes part of the logical ID.\n\n",
            "CloudFormation: [`EventSourceArn`](", cfn!("eventsourcearn"), "); also the `Resource` of the `kafka:DescribeCluster` / `kafka:GetBootstrapBrokers` statement added to the function's role."
        ))
    )]
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
    #[schemars(
        title = "Batch size",
        range(min = 1, max = 10000),
        example = 100,
        extend("markdownDescription" = concat!(
            "Largest number of records Lambda reads from the topic and passes to one invocation.\n\n",
            "* Range: `1`–`10000`\n",
            "* Unset or `0`: not written, Lambda's default for Amazon MSK applies (`100`)\n\n",
            "CloudFormation: [`BatchSize`](", cfn!("batchsize"), ")"
        ))
    )]
    #[cfn(property = "BatchSize", order = 6, presence = "truthy")]
    pub batch_size: Option<f64>,

    /// Seconds Lambda gathers records before invoking the function (0–300).
    ///
    /// Becomes `MaximumBatchingWindowInSeconds`; `0` is left out, as Serverless does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        title = "Maximum batching window",
        range(min = 0, max = 300),
        example = 5,
        extend("markdownDescription" = concat!(
            "How long Lambda gathers records, in seconds, before it invokes the function with a batch smaller than `batchSize`.\n\n",
            "* Range: `0`–`300` seconds\n",
            "* Unset or `0`: not written, Lambda's default for Kafka sources applies (500 ms)\n\n",
            "CloudFormation: [`MaximumBatchingWindowInSeconds`](", cfn!("maximumbatchingwindowinseconds"), ")"
        ))
    )]
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
    #[schemars(
        title = "Enabled",
        extend("markdownDescription" = concat!(
            "Whether the event source mapping polls the topic. `false` creates it disabled (paused); unset, CloudFormation's default `true` applies.\n\n",
            "CloudFormation: [`Enabled`](", cfn!("enabled"), "), written whenever set, `false` included."
        ))
    )]
    #[cfn(property = "Enabled", order = 9, presence = "not_null")]
    pub enabled: Option<bool>,

    /// Where in the topic Lambda starts reading: `LATEST`, `TRIM_HORIZON` (the default) or
    /// `AT_TIMESTAMP` (then `startingPositionTimestamp` is required).
    ///
    /// Becomes `StartingPosition`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        title = "Starting position",
        extend(
            // What Serverless writes when the key is unset (`startingPosition || 'TRIM_HORIZON'`).
            "default" = "TRIM_HORIZON",
            "markdownDescription" = concat!(
                "Where in the topic Lambda starts reading when the mapping is created.\n\n",
                "* Default: `TRIM_HORIZON` (Serverless writes it when the key is unset)\n",
                "* `AT_TIMESTAMP` requires `startingPositionTimestamp`\n\n",
                "CloudFormation: [`StartingPosition`](", cfn!("startingposition"), ")"
            ),
            // In `enum` order: LATEST, TRIM_HORIZON, AT_TIMESTAMP.
            "enumDescriptions" = [
                "Only records added to the topic after the mapping is created.",
                "The oldest record still retained in the topic (Serverless' default).",
                "Records from startingPositionTimestamp on."
            ],
            // Editors print each next to its value (`* \`LATEST\`: …`), so none repeats it.
            "markdownEnumDescriptions" = [
                "Only records added to the topic after the mapping is created.",
                "**Default.** The oldest record still retained in the topic.",
                "Records from `startingPositionTimestamp` on (required with this value)."
            ]
        )
    )]
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
    #[schemars(
        title = "Starting position timestamp",
        example = 1735689600,
        extend("markdownDescription" = concat!(
            "Unix time **in seconds** from which Lambda reads the topic. Required with `startingPosition: AT_TIMESTAMP`: without it Serverless stops with `FUNCTION_MSK_STARTING_POSITION_TIMESTAMP_INVALID`.\n\n",
            "Written whenever set, whatever `startingPosition` is.\n\n",
            "CloudFormation: [`StartingPositionTimestamp`](", cfn!("startingpositiontimestamp"), ")"
        ))
    )]
    #[cfn(
        property = "StartingPositionTimestamp",
        order = 5,
        presence = "not_null"
    )]
    pub starting_position_timestamp: Option<f64>,

    /// Name of the Kafka topic to consume.
    ///
    /// Becomes `Topics: [topic]`.
    #[schemars(
        title = "Topic",
        example = "orders.created",
        extend("markdownDescription" = concat!(
            "Name of the Kafka topic to consume. One topic per event: add one `msk` event per topic. The topic name becomes part of the logical ID.\n\n",
            "CloudFormation: [`Topics`](", cfn!("topics"), "), as `[topic]`"
        ))
    )]
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
    #[schemars(
        title = "SASL/SCRAM-512 secret",
        regex(pattern = "^arn:"),
        example = "arn:aws:secretsmanager:us-east-1:123456789012:secret:AmazonMSK_orders-AbCdEf",
        extend(
            "patternErrorMessage" = "saslScram512 must be an ARN (starting with \"arn:\"): the ARN of a Secrets Manager secret.",
            "markdownDescription" = concat!(
                "ARN of the **Secrets Manager** secret that holds the SASL/SCRAM-512 user name and password (MSK requires its name to start with `AmazonMSK_`). Leave it out for IAM or unauthenticated access.\n\n",
                "Serverless adds no permission for the secret: grant `secretsmanager:GetSecretValue` (and `kms:Decrypt` for a customer managed key) in `provider.iam.role.statements`.\n\n",
                "CloudFormation: [`SourceAccessConfigurations`](", cfn!("sourceaccessconfigurations"), ") as `[{Type: SASL_SCRAM_512_AUTH, URI: <arn>}]` ([SourceAccessConfiguration](",
                cfn_page!("aws-properties-lambda-eventsourcemapping-sourceaccessconfiguration.html"), "))"
            )
        )
    )]
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
    #[schemars(
        title = "Consumer group ID",
        length(max = 200),
        // Unanchored, as in Serverless: it matches every string, only the length bites.
        regex(pattern = "[a-zA-Z0-9-/*:_+=.@-]*"),
        example = "orders-ingest",
        extend("markdownDescription" = concat!(
            "Kafka consumer group the mapping joins, at most 200 characters (AWS allows letters, digits and `-/*:_+=.@`). It must be unique among your Kafka event sources and cannot be changed after creation. Unset or `\"\"`: not written, Lambda uses the mapping's UUID.\n\n",
            "CloudFormation: [`AmazonManagedKafkaEventSourceConfig.ConsumerGroupId`](",
            cfn_page!("aws-properties-lambda-eventsourcemapping-amazonmanagedkafkaeventsourceconfig.html#cfn-lambda-eventsourcemapping-amazonmanagedkafkaeventsourceconfig-consumergroupid"),
            ")"
        ))
    )]
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
    #[schemars(
        title = "Filter patterns",
        length(min = 1, max = 10),
        extend(
            // JSON, not a Rust expression: `example = …` takes the latter.
            "examples" = [[{ "value": { "status": ["paid"] } }]],
            "markdownDescription" = concat!(
            "[Event filtering](https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html) patterns: Lambda passes a record to the function only if it matches at least one, for example `{value: {status: [paid]}}`.\n\n",
            "* Items: `1`–`10` objects\n\n",
            "CloudFormation: [`FilterCriteria`](", cfn!("filtercriteria"), ") `.Filters[].Pattern`, each pattern as a JSON string ([Filter](",
            cfn_page!("aws-properties-lambda-eventsourcemapping-filter.html"), "))"
            )
        )
    )]
    #[cfn(
        property = "FilterCriteria.Filters",
        order = 11,
        presence = "truthy",
        shape = "filter_patterns"
    )]
    pub filter_patterns: Option<Vec<serde_json::Map<String, serde_json::Value>>>,
}

/// The MSK cluster reference accepted by `arn`.
///
/// Inlined into `arn` as an `anyOf` whose branches carry no descriptions: an editor's hover
/// shows the text of the branch a value matches, and the property's own text is the clear one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
#[schemars(inline, transform = undocumented)]
pub enum Arn {
    // An ARN string such as `arn:aws:kafka:us-east-1:123456789012:cluster/name/uuid`.
    Literal(
        #[schemars(
            regex(pattern = "^arn:"),
            extend("patternErrorMessage" = ARN_FORMS, "errorMessage" = ARN_FORMS)
        )]
        String,
    ),
    // `Fn::ImportValue` of an exported cluster ARN.
    ImportValue(CfnImportValue),
    // `Ref` to an `AWS::MSK::Cluster` resource (its `Ref` is the cluster ARN).
    Ref(CfnRef),
}

/// `{"Fn::ImportValue": <export name>}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(inline, transform = undocumented, extend("errorMessage" = ARN_FORMS))]
pub struct CfnImportValue {
    #[serde(rename = "Fn::ImportValue")]
    pub import_value: serde_json::Value,
}

/// `{"Ref": <logical ID>}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(inline, transform = undocumented, extend("errorMessage" = ARN_FORMS))]
pub struct CfnRef {
    #[serde(rename = "Ref")]
    #[schemars(length(min = 1))]
    pub logical_id: String,
}

/// Where Lambda starts reading the topic.
///
/// Inlined, so that `startingPosition` holds its `enum` next to the `markdownEnumDescriptions`
/// that editors pair with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[allow(non_camel_case_types)]
#[schemars(inline)]
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

/// Drops the type-level `title`/`description` of a type inlined as an `anyOf` branch (see
/// [`Arn`]); the property that uses it documents it instead.
fn undocumented(schema: &mut schemars::Schema) {
    schema.remove("title");
    schema.remove("description");
}
