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

use crate::{CfnKeys, CfnMapping};

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
/// [`ARN_FORMS`] of the extended profile, which also takes `Fn::GetAtt [Cluster, Arn]`.
const ARN_FORMS_EXTENDED: &str = "arn must be an ARN (starting with \"arn:\"), a Ref, an Fn::ImportValue or an Fn::GetAtt [Cluster, Arn].";

/// The AWS page of an MSK ESM parameter group.
macro_rules! lambda_doc {
    ($page:literal) => {
        concat!("https://docs.aws.amazon.com/lambda/latest/dg/", $page)
    };
}

/// An Amazon MSK cluster as the event source of a Lambda function.
///
/// Serverless compiles each `msk` event into an `AWS::Lambda::EventSourceMapping`.
// clippy's `duplicated_attributes` mistakes the repeated keys of sibling `rule(...)` lists
// for duplicates.
#[allow(clippy::duplicated_attributes)]
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
        // Offered when completing the value of `msk:`; `serverless_schema` wraps them for an
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
    rule(
        required_when(field = "startingPosition", equals = "AT_TIMESTAMP", requires = "startingPositionTimestamp"),
        profile = "serverless_v3",
        code = crate::Code::StartingPositionTimestamp,
        message = "You must specify startingPositionTimestamp for function: {function} when startingPosition is AT_TIMESTAMP."
    ),
    // CloudFormation's schema, on the values every profile writes: errors under `extended`,
    // warnings (beside Serverless' output, unchanged) under the others. Patterns are
    // CloudFormation's own, searched as JSON Schema searches them.
    rules(
        profile = "serverless_v3",
        code = crate::Code::CloudFormationRejects,
        cloudformation = "EventSourceArn",
        rule(type_is(field = "arn", is = "string")),
        rule(length(field = "arn", min = 12, max = 1024)),
        rule(matches(field = "arn", pattern = r"arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\-])+:((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1})?:(\d{12})?:(.*)"))
    ),
    rules(
        profile = "serverless_v3",
        code = crate::Code::CloudFormationRejects,
        rule(type_is(field = "batchSize", is = "integer"), cloudformation = "BatchSize"),
        rule(range(field = "batchSize", min = 1, max = 10000), cloudformation = "BatchSize"),
        rule(type_is(field = "maximumBatchingWindow", is = "integer"), cloudformation = "MaximumBatchingWindowInSeconds"),
        rule(range(field = "maximumBatchingWindow", min = 0, max = 300), cloudformation = "MaximumBatchingWindowInSeconds"),
        rule(type_is(field = "enabled", is = "boolean"), cloudformation = "Enabled"),
        // Lambda's three positions; CloudFormation's pattern, searched, would also let
        // `EARLIEST` through, which Lambda refuses.
        rule(one_of(field = "startingPosition", values = ["LATEST", "TRIM_HORIZON", "AT_TIMESTAMP"]), cloudformation = "StartingPosition"),
        rule(type_is(field = "startingPositionTimestamp", is = "number"), cloudformation = "StartingPositionTimestamp"),
        rule(type_is(field = "topic", is = "string"), cloudformation = "Topics[]"),
        rule(type_is(field = "saslScram512", is = "string"), cloudformation = "SourceAccessConfigurations[].URI"),
        rule(length(field = "saslScram512", min = 1, max = 200), cloudformation = "SourceAccessConfigurations[].URI"),
        rule(type_is(field = "consumerGroupId", is = "string"), cloudformation = "AmazonManagedKafkaEventSourceConfig.ConsumerGroupId"),
        rule(length(field = "consumerGroupId", min = 1, max = 200), cloudformation = "AmazonManagedKafkaEventSourceConfig.ConsumerGroupId"),
        rule(items(field = "filterPatterns", min = 1, max = 20), cloudformation = "FilterCriteria.Filters"),
        rule(unique(field = "filterPatterns"), cloudformation = "FilterCriteria.Filters"),
        rule(json_length(field = "filterPatterns[]", max = 4096), cloudformation = "FilterCriteria.Filters[].Pattern")
    ),
    rules(
        profile = "serverless_v3",
        code = crate::Code::TopicInvalid,
        cloudformation = "Topics[]",
        message = "the topic must be 2 to 249 characters of letters, digits, `.`, `_` and `-`, not starting with `.` (CloudFormation's Topics pattern)",
        rule(
            // Anchored, so that the whole name is Kafka's characters. Unbounded: a `{1,248}`
            // repetition made the regex (and its per-thread caches) several megabytes; the
            // length is the next rule's.
            matches(field = "topic", pattern = "^[^.][a-zA-Z0-9_.-]+$"),
            help = "use the topic's Kafka name exactly"
        ),
        rule(
            length(field = "topic", max = 249),
            help = "Kafka topic names have at most 249 characters"
        )
    ),
    // The same for the keys of the extended profile, beyond what their schema states.
    rule(
        length(field = "destinations.onFailure", min = 12, max = 1024),
        code = crate::Code::DestinationsInvalid,
        cloudformation = "DestinationConfig.OnFailure.Destination",
        help = "a `kafka://` destination needs a topic of at least 4 characters"
    ),
    rule(
        matches(field = "destinations.onFailure", pattern = r"^$|kafka://([^.]([a-zA-Z0-9\-_.]{0,248}))|arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\-])+:((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1})?:(\d{12})?:(.*)"),
        code = crate::Code::DestinationsInvalid,
        cloudformation = "DestinationConfig.OnFailure.Destination"
    ),
    rule(
        length(field = "clientCertificateTlsAuth", max = 200),
        code = crate::Code::ClientCertificateTlsAuthInvalid,
        cloudformation = "SourceAccessConfigurations[].URI"
    ),
    rules(
        code = crate::Code::SchemaRegistryInvalid,
        rule(
            matches(field = "schemaRegistry.accessConfigs[].uri", pattern = r"arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\-])+:((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1})?:(\d{12})?:(.*)"),
            cloudformation = "AmazonManagedKafkaEventSourceConfig.SchemaRegistryConfig.AccessConfigs[].URI"
        ),
        rule(
            length(field = "schemaRegistry.accessConfigs[].uri", max = 10000),
            cloudformation = "AmazonManagedKafkaEventSourceConfig.SchemaRegistryConfig.AccessConfigs[].URI"
        ),
        rule(
            unique(field = "schemaRegistry.accessConfigs"),
            cloudformation = "AmazonManagedKafkaEventSourceConfig.SchemaRegistryConfig.AccessConfigs"
        ),
        rule(
            unique(field = "schemaRegistry.validate"),
            cloudformation = "AmazonManagedKafkaEventSourceConfig.SchemaRegistryConfig.SchemaValidationConfigs"
        )
    ),
    rules(
        code = crate::Code::AuthConflict,
        rule(
            conflicts(field = "saslScram512", other = "clientCertificateTlsAuth"),
            message = "an msk event authenticates one way: `saslScram512` and `clientCertificateTlsAuth` cannot both be set",
            help = "keep the one the cluster's client authentication uses"
        ),
        rule(
            conflicts(field = "iamAuth", other = "saslScram512"),
            message = "an msk event authenticates one way: `iamAuth` and `saslScram512` cannot both be set",
            help = "remove `iamAuth: true` to use SASL/SCRAM, or `saslScram512` to use IAM access control"
        ),
        rule(
            conflicts(field = "iamAuth", other = "clientCertificateTlsAuth"),
            message = "an msk event authenticates one way: `iamAuth` and `clientCertificateTlsAuth` cannot both be set",
            help = "remove `iamAuth: true` to use mTLS, or `clientCertificateTlsAuth` to use IAM access control"
        )
    ),
    rule(
        conflicts(field = "provisionedPollers", other = "provisionedPollerConfig"),
        code = crate::Code::ProvisionedPollersInvalid,
        message = "`provisionedPollers` and osls' `provisionedPollerConfig` both set `ProvisionedPollerConfig`: keep one",
        help = "`provisionedPollerConfig: {minimumPollers: 1, maximumPollers: 10}` is `provisionedPollers: {min: 1, max: 10}`"
    ),
    rule(
        not_greater(field = "provisionedPollers.min", other = "provisionedPollers.max"),
        code = crate::Code::ProvisionedPollersInvalid,
        message = "provisionedPollers.min is greater than provisionedPollers.max",
        help = "set `min` to at most `max`"
    ),
    // The keys that work in provisioned mode only.
    rules(
        requires(other = "provisionedPollers"),
        code = crate::Code::RequiresProvisionedMode,
        help = "add `provisionedPollers: {min: 1, max: 2}` (or your sizes) to this event",
        rule(
            requires(field = "schemaRegistry"),
            message = "`schemaRegistry` works in provisioned mode only: function {function} needs `provisionedPollers` on this event"
        ),
        rule(
            requires(field = "logLevel"),
            message = "`logLevel` (event source mapping system logs) works in provisioned mode only: function {function} needs `provisionedPollers` on this event"
        ),
        rule(
            requires(field = "metrics", equals = "KafkaMetrics"),
            message = "the `KafkaMetrics` metrics work in provisioned mode only: function {function} needs `provisionedPollers` on this event",
            help = "add `provisionedPollers: {min: 1, max: 2}` (or your sizes), or keep `EventCount`/`ErrorCount` only"
        ),
        rule(
            requires(field = "maximumRetryAttempts"),
            message = "`maximumRetryAttempts` works in provisioned mode only: function {function} needs `provisionedPollers` on this event"
        ),
        rule(
            requires(field = "maximumRecordAgeInSeconds"),
            message = "`maximumRecordAgeInSeconds` works in provisioned mode only: function {function} needs `provisionedPollers` on this event"
        ),
        rule(
            requires(field = "bisectBatchOnFunctionError"),
            message = "`bisectBatchOnFunctionError` works in provisioned mode only: function {function} needs `provisionedPollers` on this event"
        ),
        rule(
            requires(field = "functionResponseType"),
            message = "`functionResponseType` (partial batch responses) works in provisioned mode only: function {function} needs `provisionedPollers` on this event"
        ),
        rule(
            requires(field = "destinations.onFailure", prefix = "kafka://"),
            message = "a Kafka on-failure destination works in provisioned mode only: function {function} needs `provisionedPollers` on this event"
        )
    ),
    rule(
        differs(field = "destinations.onFailure", prefix = "kafka://", other = "topic"),
        code = crate::Code::DestinationIsSourceTopic,
        message = "the on-failure Kafka topic is the topic this event reads; Lambda requires a different topic",
        help = "send failed records to a topic of their own, e.g. `kafka://<topic>-dlt`"
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
        ),
        // What editors show under the extended profile (see `msk_compile::schema`).
        "x-extended-markdownDescription" = concat!(
            "The **Amazon MSK cluster** to consume, written as one of:\n\n",
            "* an ARN: `arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid>`\n",
            "* a multi-VPC connection to another account's cluster: `arn:aws:kafka:<region>:<account>:vpc-connection/<cluster account>/<cluster name>/<uuid>`\n",
            "* `!Ref <logical ID>` or `!GetAtt <logical ID>.Arn` of an `AWS::MSK::Cluster`\n",
            "* `!ImportValue <export>` (or `Fn::ImportValue:`) of an exported ARN\n\n",
            "The cluster name, the resource's logical ID or the export name becomes part of the logical ID. The role gets `kafka:DescribeClusterV2` on the cluster (`kafka:DescribeVpcConnection` on a VPC connection).\n\n",
            "CloudFormation: [`EventSourceArn`](", cfn!("eventsourcearn"), ")"
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
        source_access = "SASL_SCRAM_512_AUTH",
        grant = "scram_secret"
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

    /// osls' provisioned mode: the minimum and maximum number of event pollers, each 1–1000.
    ///
    /// Becomes `ProvisionedPollerConfig` (osls 4.3.1's key: the `osls` profile, and `extended`
    /// on the osls host, where it gives what `provisionedPollers` gives).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        title = "Provisioned poller config (osls)",
        extend(
            "x-profile" = "osls",
            "examples" = [{ "minimumPollers": 1, "maximumPollers": 10 }],
            "markdownDescription" = concat!(
                "**Provisioned mode** as osls 4.3.1 writes it: dedicated event pollers for this mapping.\n\n",
                "* `minimumPollers`: `1`–`1000` pollers\n",
                "* `maximumPollers`: `1`–`1000` pollers\n\n",
                "osls writes the property whenever the value is set (`{}` for an empty mapping) and each count that is not `null`; other keys are ignored.\n\n",
                "CloudFormation: [`ProvisionedPollerConfig`](", cfn!("provisionedpollerconfig"), ") · [Provisioned mode](", lambda_doc!("kafka-scaling-modes.html"), ")"
            )
        )
    )]
    #[cfn(
        property = "ProvisionedPollerConfig",
        order = 12,
        presence = "truthy",
        shape = "picked",
        rename = "minimumPollers:MinimumPollers,maximumPollers:MaximumPollers",
        profile = "osls"
    )]
    pub provisioned_poller_config: Option<OslsPollerConfig>,

    /// Provisioned mode: the minimum and maximum number of event pollers (and their group),
    /// or `false` for on-demand polling.
    ///
    /// Becomes `ProvisionedPollerConfig` (extended profile).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        title = "Provisioned pollers",
        extend(
            "examples" = [{ "min": 1, "max": 10 }],
            "markdownDescription" = concat!(
                "**Provisioned mode**: dedicated event pollers for this mapping (Serverless v4's key and shape). `false` or unset: on-demand polling.\n\n",
                "* `min`: `1`–`200` pollers (Lambda's default `1`)\n",
                "* `max`: `1`–`2000` pollers (Lambda's default `200`), at least `min`\n",
                "* `group`: poller group name, `1`–`128` characters of `a-zA-Z0-9-_`; up to 100 mappings share a group\n\n",
                "Needed by `schemaRegistry`, `logLevel`, `KafkaMetrics`, the retry and partial-batch keys and a `kafka://` destination.\n\n",
                "CloudFormation: [`ProvisionedPollerConfig`](", cfn!("provisionedpollerconfig"), ") · [Provisioned mode](", lambda_doc!("kafka-scaling-modes.html"), ")"
            )
        )
    )]
    #[cfn(
        property = "ProvisionedPollerConfig",
        order = 13,
        presence = "truthy",
        shape = "object",
        rename = "min:MinimumPollers,max:MaximumPollers,group:PollerGroupName",
        profile = "extended",
        code = crate::Code::ProvisionedPollersInvalid
    )]
    pub provisioned_pollers: Option<ProvisionedPollers>,

    /// Where Lambda sends records it gave up on: `{onFailure: <SQS, SNS or S3 ARN | kafka://topic>}`.
    ///
    /// Becomes `DestinationConfig.OnFailure.Destination` (extended profile).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        title = "Destinations",
        extend(
            "examples" = [{ "onFailure": "arn:aws:sqs:us-east-1:123456789012:orders-dlq" }],
            "markdownDescription" = concat!(
                "Where Lambda sends a batch it gave up on (the shape Serverless uses for stream events). `onFailure` is one of:\n\n",
                "* an SQS queue, SNS topic or S3 bucket ARN (the role gets `sqs:SendMessage`, `sns:Publish` or `s3:PutObject` + `s3:ListBucket`)\n",
                "* `{arn: !GetAtt Queue.Arn, type: sqs}` (or `sns`, `s3`) for an ARN known at deploy time\n",
                "* `kafka://<topic>`: a topic of the same cluster, other than the one read (provisioned mode; the role gets `kafka-cluster:WriteData` on it)\n\n",
                "CloudFormation: [`DestinationConfig`](", cfn!("destinationconfig"), ") `.OnFailure.Destination` · [On-failure destinations](", lambda_doc!("kafka-on-failure.html"), ")"
            )
        )
    )]
    #[cfn(
        property = "DestinationConfig",
        order = 14,
        presence = "truthy",
        shape = "object",
        rename = "onFailure:OnFailure,onFailure=:Destination,onFailure.arn:Destination,onFailure.type:",
        profile = "extended",
        grant = "destination",
        code = crate::Code::DestinationsInvalid
    )]
    pub destinations: Option<Destinations>,

    /// ARN of the Secrets Manager secret with the client certificate for mutual TLS.
    ///
    /// Becomes `SourceAccessConfigurations: [{Type: CLIENT_CERTIFICATE_TLS_AUTH, URI: <arn>}]`
    /// (extended profile).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        title = "mTLS client certificate secret",
        regex(pattern = "^arn:"),
        example = "arn:aws:secretsmanager:us-east-1:123456789012:secret:orders-client-cert-AbCdEf",
        extend(
            "patternErrorMessage" = "clientCertificateTlsAuth must be an ARN (starting with \"arn:\"): the ARN of a Secrets Manager secret.",
            "markdownDescription" = concat!(
                "ARN of the **Secrets Manager** secret that holds the client certificate chain, private key (and optional password) for **mutual TLS**. Not together with `saslScram512` or `iamAuth`.\n\n",
                "The role gets `secretsmanager:GetSecretValue` on it; add `secretsKmsKeyArn` if a customer managed key encrypts it.\n\n",
                "CloudFormation: [`SourceAccessConfigurations`](", cfn!("sourceaccessconfigurations"), ") as `[{Type: CLIENT_CERTIFICATE_TLS_AUTH, URI: <arn>}]`"
            )
        )
    )]
    #[cfn(
        property = "SourceAccessConfigurations",
        order = 15,
        presence = "truthy",
        source_access = "CLIENT_CERTIFICATE_TLS_AUTH",
        profile = "extended",
        grant = "secret",
        code = crate::Code::ClientCertificateTlsAuthInvalid
    )]
    pub client_certificate_tls_auth: Option<String>,

    /// `true`: the cluster's IAM access control authenticates Lambda; the role gets the
    /// `kafka-cluster` data-plane permissions for the cluster, topic and consumer group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        title = "IAM access control",
        extend(
            "markdownDescription" = concat!(
                "`true`: Lambda reads the topic through the cluster's **IAM access control** (no secret; CloudFormation gets no access configuration). The role gets `kafka-cluster:Connect` and `kafka-cluster:DescribeClusterDynamicConfiguration` on the cluster, `kafka-cluster:DescribeTopic` and `kafka-cluster:ReadData` on the topic, `kafka-cluster:DescribeGroup` and `kafka-cluster:AlterGroup` on the consumer group (`consumerGroupId`, else any group of the cluster). Not together with `saslScram512` or `clientCertificateTlsAuth`.\n\n",
                "[MSK cluster authentication](", lambda_doc!("msk-cluster-auth.html"), ")"
            )
        )
    )]
    #[cfn(
        profile = "extended",
        grant = "iam_auth",
        code = crate::Code::IamAuthInvalid
    )]
    pub iam_auth: Option<bool>,

    /// ARN of the KMS key that encrypts the filter criteria.
    ///
    /// Becomes `KmsKeyArn` (extended profile).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        title = "Filter criteria KMS key",
        regex(pattern = "^arn:"),
        length(min = 12, max = 2048),
        example = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555",
        extend(
            "markdownDescription" = concat!(
                "ARN of the customer managed **KMS key** that encrypts the event source mapping's filter criteria (`filterPatterns`). The key policy must let `lambda.amazonaws.com` use it; the function's role needs nothing.\n\n",
                "CloudFormation: [`KmsKeyArn`](", cfn!("kmskeyarn"), ")"
            )
        )
    )]
    #[cfn(
        property = "KmsKeyArn",
        order = 16,
        presence = "truthy",
        profile = "extended",
        code = crate::Code::KmsKeyArnInvalid
    )]
    pub kms_key_arn: Option<String>,

    /// ARN of the KMS key that encrypts the SASL/SCRAM or mTLS secret: the role gets
    /// `kms:Decrypt` on it. Nothing is written to the mapping.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        title = "Secrets KMS key",
        regex(pattern = "^arn:"),
        example = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555",
        extend(
            "markdownDescription" = "ARN of the customer managed **KMS key** that encrypts the `saslScram512` or `clientCertificateTlsAuth` secret (and the schema registry's secrets). The role gets `kms:Decrypt` on it; nothing is written to the event source mapping."
        )
    )]
    #[cfn(
        profile = "extended",
        grant = "kms_decrypt",
        code = crate::Code::SecretsKmsKeyArnInvalid
    )]
    pub secrets_kms_key_arn: Option<String>,

    /// The metrics Lambda publishes for the mapping: `EventCount`, `ErrorCount`, `KafkaMetrics`.
    ///
    /// Becomes `MetricsConfig.Metrics` (extended profile).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        title = "Metrics",
        length(min = 1, max = 3),
        extend(
            // CloudFormation's `Metrics` is a set: a repeated metric is rejected at deploy time.
            "uniqueItems" = true,
            "examples" = [["EventCount", "ErrorCount"]],
            "markdownDescription" = concat!(
                "Event source mapping metrics Lambda publishes to CloudWatch, `1`–`3` of:\n\n",
                "* `EventCount`: records polled, filtered, invoked, dropped\n",
                "* `ErrorCount`: records that failed\n",
                "* `KafkaMetrics`: consumer lag and related Kafka metrics (provisioned mode only)\n\n",
                "CloudFormation: [`MetricsConfig`](", cfn!("metricsconfig"), ") `.Metrics`"
            )
        )
    )]
    #[cfn(
        property = "MetricsConfig.Metrics",
        order = 17,
        presence = "truthy",
        profile = "extended",
        code = crate::Code::MetricsInvalid
    )]
    pub metrics: Option<Vec<Metric>>,

    /// Level of the event source mapping's system logs: `DEBUG`, `INFO` or `WARN`.
    ///
    /// Becomes `LoggingConfig.SystemLogLevel` (extended profile).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        title = "System log level",
        extend(
            "markdownDescription" = concat!(
                "Level of the event source mapping's own **system logs**, written to the function's log group (provisioned mode only).\n\n",
                "CloudFormation: [`LoggingConfig`](", cfn!("loggingconfig"), ") `.SystemLogLevel`"
            ),
            "markdownEnumDescriptions" = [
                "Everything, including each poll.",
                "Lifecycle events and problems.",
                "Problems only."
            ]
        )
    )]
    #[cfn(
        property = "LoggingConfig.SystemLogLevel",
        order = 18,
        presence = "truthy",
        profile = "extended",
        code = crate::Code::LogLevelInvalid
    )]
    pub log_level: Option<LogLevel>,

    /// How often Lambda retries a failed batch: −1 (until the record expires) to 10000.
    ///
    /// Becomes `MaximumRetryAttempts` (extended profile).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        title = "Maximum retry attempts",
        range(min = -1, max = 10000),
        example = 3,
        extend(
            "markdownDescription" = concat!(
                "How many times Lambda retries a batch that failed (provisioned mode only).\n\n",
                "* Range: `-1`–`10000`; `-1` retries until the record expires\n",
                "* With an on-failure destination and `-1`, Lambda stops after 10 retries\n\n",
                "CloudFormation: [`MaximumRetryAttempts`](", cfn!("maximumretryattempts"), ")"
            )
        )
    )]
    #[cfn(
        property = "MaximumRetryAttempts",
        order = 19,
        presence = "not_null",
        profile = "extended",
        code = crate::Code::MaximumRetryAttemptsInvalid
    )]
    pub maximum_retry_attempts: Option<i64>,

    /// Oldest record Lambda still sends to the function, in seconds: −1 (no limit) or 60–604800.
    ///
    /// Becomes `MaximumRecordAgeInSeconds` (extended profile).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        title = "Maximum record age",
        example = 3600,
        extend(
            "anyOf" = [
                { "enum": [-1] },
                { "minimum": 60, "maximum": 604800 }
            ],
            "type" = "integer",
            "markdownDescription" = concat!(
                "Records older than this, in seconds, are not sent to the function but to the on-failure destination (provisioned mode only).\n\n",
                "* `-1`: no limit, or `60`–`604800` (7 days)\n\n",
                "CloudFormation: [`MaximumRecordAgeInSeconds`](", cfn!("maximumrecordageinseconds"), ")"
            )
        )
    )]
    #[cfn(
        property = "MaximumRecordAgeInSeconds",
        order = 20,
        presence = "not_null",
        profile = "extended",
        code = crate::Code::MaximumRecordAgeInvalid
    )]
    pub maximum_record_age_in_seconds: Option<i64>,

    /// `true`: a failed batch is split in two and each half retried.
    ///
    /// Becomes `BisectBatchOnFunctionError` (extended profile).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        title = "Bisect batch on function error",
        extend(
            "markdownDescription" = concat!(
                "`true`: when the function fails, Lambda splits the batch in two and retries each half, to isolate a bad record (provisioned mode only).\n\n",
                "CloudFormation: [`BisectBatchOnFunctionError`](", cfn!("bisectbatchonfunctionerror"), ")"
            )
        )
    )]
    #[cfn(
        property = "BisectBatchOnFunctionError",
        order = 21,
        presence = "not_null",
        profile = "extended",
        code = crate::Code::BisectBatchInvalid
    )]
    pub bisect_batch_on_function_error: Option<bool>,

    /// `ReportBatchItemFailures`: the function may report which records failed.
    ///
    /// Becomes `FunctionResponseTypes: [ReportBatchItemFailures]` (extended profile).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        title = "Function response type",
        extend(
            "markdownDescription" = concat!(
                "`ReportBatchItemFailures`: the function returns the records that failed (`batchItemFailures`) and Lambda retries from the first of them only (provisioned mode only).\n\n",
                "CloudFormation: [`FunctionResponseTypes`](", cfn!("functionresponsetypes"), ") as `[ReportBatchItemFailures]`"
            ),
            "markdownEnumDescriptions" = ["Partial batch responses."]
        )
    )]
    #[cfn(
        property = "FunctionResponseTypes",
        order = 22,
        presence = "truthy",
        shape = "list",
        profile = "extended",
        code = crate::Code::FunctionResponseTypeInvalid
    )]
    pub function_response_type: Option<FunctionResponseType>,

    /// Tags of the event source mapping, `Key: Value`.
    ///
    /// Becomes `Tags: [{Key, Value}]` (extended profile).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        title = "Tags",
        extend(
            "examples" = [{ "team": "orders" }],
            "propertyNames" = { "minLength": 1, "maxLength": 128 },
            "additionalProperties" = { "type": "string", "maxLength": 256 },
            "markdownDescription" = concat!(
                "Tags on the event source mapping itself, as `Key: Value` (keys `1`–`128` characters, values at most `256`). The deploying principal needs `lambda:TagResource`.\n\n",
                "CloudFormation: [`Tags`](", cfn!("tags"), ") as `[{Key, Value}]`"
            )
        )
    )]
    #[cfn(
        property = "Tags",
        order = 23,
        presence = "truthy",
        shape = "key_value_list",
        profile = "extended",
        code = crate::Code::TagsInvalid
    )]
    pub tags: Option<std::collections::BTreeMap<String, String>>,

    /// A schema registry (AWS Glue or Confluent) that Lambda validates and decodes records with.
    ///
    /// Becomes `AmazonManagedKafkaEventSourceConfig.SchemaRegistryConfig` (extended profile).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        title = "Schema registry",
        extend(
            "markdownDescription" = concat!(
                "A **schema registry** that Lambda uses to validate and decode Avro, Protobuf or JSON Schema records before invoking the function (provisioned mode only).\n\n",
                "* `uri`: a Glue registry ARN or a Confluent registry URL\n",
                "* `eventRecordFormat`: `JSON` (decoded) or `SOURCE` (as produced)\n",
                "* `validate`: `KEY`, `VALUE` or both\n",
                "* `accessConfigs`: up to two `{type, uri}` secrets for a Confluent registry\n\n",
                "The role gets `glue:GetRegistry` and `glue:GetSchemaVersion` for a Glue registry, and `secretsmanager:GetSecretValue` on the access-config secrets.\n\n",
                "CloudFormation: [`SchemaRegistryConfig`](", cfn_page!("aws-properties-lambda-eventsourcemapping-schemaregistryconfig.html"), ")"
            )
        )
    )]
    #[cfn(
        property = "AmazonManagedKafkaEventSourceConfig.SchemaRegistryConfig",
        order = 24,
        presence = "truthy",
        shape = "object",
        rename = "uri:SchemaRegistryURI,eventRecordFormat:EventRecordFormat,validate:SchemaValidationConfigs,validate[]:Attribute,accessConfigs:AccessConfigs,accessConfigs.type:Type,accessConfigs.uri:URI",
        profile = "extended",
        grant = "schema_registry",
        code = crate::Code::SchemaRegistryInvalid
    )]
    pub schema_registry: Option<SchemaRegistry>,
}

impl MskEvent {
    /// The key of a function event that makes it an msk event (`events: [{msk: {...}}]`).
    pub const EVENT_KEY: &'static str = "msk";
    /// The prefix of an on-failure destination that is a topic of the event's own cluster
    /// (`destinations.onFailure: kafka://<topic>`), as the destination rules above write it.
    pub const KAFKA_DESTINATION_PREFIX: &'static str = "kafka://";
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
            extend(
                "patternErrorMessage" = ARN_FORMS,
                "errorMessage" = ARN_FORMS,
                "x-extended-patternErrorMessage" = ARN_FORMS_EXTENDED,
                "x-extended-errorMessage" = ARN_FORMS_EXTENDED
            )
        )]
        String,
    ),
    // `Fn::ImportValue` of an exported cluster ARN.
    ImportValue(CfnImportValue),
    // `Ref` to an `AWS::MSK::Cluster` resource (its `Ref` is the cluster ARN).
    Ref(CfnRef),
    // `Fn::GetAtt [<Cluster>, Arn]`: extended profile only (`x-profile` drops the branch from
    // the serverless-v3 schema).
    GetAtt(CfnGetAtt),
}

/// `{"Fn::GetAtt": [<logical ID>, "Arn"]}` (extended profile).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(inline, transform = undocumented, extend("errorMessage" = ARN_FORMS_EXTENDED, "x-profile" = "extended"))]
pub struct CfnGetAtt {
    #[serde(rename = "Fn::GetAtt")]
    #[schemars(length(min = 2, max = 2))]
    pub get_att: Vec<String>,
}

/// `{"Fn::ImportValue": <export name>}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(inline, transform = undocumented, extend("errorMessage" = ARN_FORMS, "x-extended-errorMessage" = ARN_FORMS_EXTENDED))]
pub struct CfnImportValue {
    #[serde(rename = "Fn::ImportValue")]
    pub import_value: serde_json::Value,
}

/// `{"Ref": <logical ID>}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(inline, transform = undocumented, extend("errorMessage" = ARN_FORMS, "x-extended-errorMessage" = ARN_FORMS_EXTENDED))]
pub struct CfnRef {
    #[serde(rename = "Ref")]
    #[schemars(length(min = 1))]
    pub logical_id: String,
}

/// osls' `provisionedPollerConfig` (`mskProvisionedPollerConfig` in its schema): nothing
/// required, other keys allowed, the minimum not checked against the maximum.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(inline, transform = undocumented)]
pub struct OslsPollerConfig {
    /// Minimum number of pollers, 1–1000.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 1000))]
    pub minimum_pollers: Option<i64>,
    /// Maximum number of pollers, 1–1000.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 1000))]
    pub maximum_pollers: Option<i64>,
    /// Other keys are allowed (and ignored).
    #[serde(flatten)]
    #[schemars(skip)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

/// `provisionedPollers`: a poller configuration, or `false`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
#[schemars(inline, transform = undocumented)]
pub enum ProvisionedPollers {
    // `false`: on-demand polling (nothing written).
    Off(#[schemars(extend("enum" = [false]))] bool),
    // `{min, max, group}`.
    On(PollerConfig),
}

/// `{min, max, group}` of `provisionedPollers`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, CfnKeys)]
#[serde(deny_unknown_fields)]
#[schemars(inline, transform = undocumented)]
pub struct PollerConfig {
    /// Minimum number of pollers, 1–200.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 200))]
    pub min: Option<u32>,
    /// Maximum number of pollers, 1–2000.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 2000))]
    pub max: Option<u32>,
    /// Poller group name, 1–128 characters of `a-zA-Z0-9-_`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 128), regex(pattern = "^[a-zA-Z0-9_-]+$"))]
    pub group: Option<String>,
}

/// `destinations` of an msk event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, CfnKeys)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(inline, transform = undocumented)]
pub struct Destinations {
    /// Where a batch Lambda gave up on goes.
    pub on_failure: OnFailure,
}

/// An on-failure destination: an ARN or `kafka://topic`, or `{arn, type}` for an intrinsic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
#[schemars(inline, transform = undocumented)]
pub enum OnFailure {
    // An SQS, SNS or S3 ARN, or `kafka://<topic>`.
    Literal(
        #[schemars(
            regex(pattern = "^(arn:[^:]+:(sqs|sns|s3):|kafka://[^.][a-zA-Z0-9_.-]{0,248}$)"),
            extend("patternErrorMessage" = "onFailure must be an SQS, SNS or S3 ARN, or kafka://<topic>.")
        )]
        String,
    ),
    // `{arn: <intrinsic>, type: sqs|sns|s3}`.
    Typed(TypedDestination),
}

/// `{arn, type}` of an on-failure destination whose ARN is a CloudFormation function.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, CfnKeys)]
#[serde(deny_unknown_fields)]
#[schemars(inline, transform = undocumented)]
pub struct TypedDestination {
    /// `Ref`, `Fn::GetAtt` or `Fn::ImportValue` of the destination's ARN.
    #[schemars(extend("type" = "object"))]
    pub arn: serde_json::Value,
    /// The kind of destination, which decides the permission.
    #[serde(rename = "type")]
    pub kind: DestinationType,
}

/// The service of an on-failure destination given as a CloudFormation function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
#[schemars(inline)]
pub enum DestinationType {
    Sqs,
    Sns,
    S3,
}

/// A CloudWatch metric of the event source mapping: `EventCount`, `ErrorCount` or
/// `KafkaMetrics` (provisioned mode only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(inline)]
pub enum Metric {
    EventCount,
    ErrorCount,
    KafkaMetrics,
}

/// The level of the event source mapping's system logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[allow(clippy::upper_case_acronyms)]
#[schemars(inline)]
pub enum LogLevel {
    DEBUG,
    INFO,
    WARN,
}

/// What the function may return about a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(inline)]
pub enum FunctionResponseType {
    ReportBatchItemFailures,
}

/// `schemaRegistry` of an msk event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, CfnKeys)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(inline, transform = undocumented)]
pub struct SchemaRegistry {
    /// A Glue registry ARN or a Confluent registry URL.
    #[schemars(length(min = 1, max = 10000))]
    pub uri: String,
    /// `JSON` or `SOURCE`.
    pub event_record_format: EventRecordFormat,
    /// `KEY`, `VALUE` or both.
    #[schemars(length(min = 1, max = 2))]
    pub validate: Vec<SchemaAttribute>,
    /// Secrets for a Confluent registry, at most two.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 2))]
    pub access_configs: Option<Vec<AccessConfig>>,
}

/// How Lambda passes validated records: `JSON` (decoded) or `SOURCE` (as produced).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[allow(clippy::upper_case_acronyms)]
#[schemars(inline)]
pub enum EventRecordFormat {
    JSON,
    SOURCE,
}

/// The part of each record the registry validates: `KEY` or `VALUE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[allow(clippy::upper_case_acronyms)]
#[schemars(inline)]
pub enum SchemaAttribute {
    KEY,
    VALUE,
}

/// A secret Lambda uses for the schema registry: `{type, uri}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, CfnKeys)]
#[serde(deny_unknown_fields)]
#[schemars(inline, transform = undocumented)]
pub struct AccessConfig {
    /// How Lambda authenticates to the registry.
    #[serde(rename = "type")]
    pub kind: AccessConfigType,
    /// The secret's ARN.
    #[schemars(regex(pattern = "^arn:"))]
    pub uri: String,
}

/// How Lambda authenticates to the schema registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[allow(non_camel_case_types, clippy::upper_case_acronyms)]
#[schemars(inline)]
pub enum AccessConfigType {
    BASIC_AUTH,
    CLIENT_CERTIFICATE_TLS_AUTH,
    SERVER_ROOT_CA_CERTIFICATE,
    OAUTHBEARER_AUTH,
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
