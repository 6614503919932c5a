//! The IAM statements Serverless 3.40.0 appends to the shared Lambda role for msk events.
//!
//! One pair per function that has at least one msk event: the kafka statement over that
//! function's cluster ARNs (in event order, duplicates kept), then the network statement.

/// Actions of the first statement, granted on the function's cluster ARNs.
pub const KAFKA_ACTIONS: [&str; 2] = ["kafka:DescribeCluster", "kafka:GetBootstrapBrokers"];

/// Actions of the second statement, granted on `*` (Lambda polls MSK from inside the VPC).
pub const EC2_ACTIONS: [&str; 6] = [
    "ec2:CreateNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeVpcs",
    "ec2:DeleteNetworkInterface",
    "ec2:DescribeSubnets",
    "ec2:DescribeSecurityGroups",
];

/// The logical ID of the shared execution role the statements are added to.
pub const SHARED_ROLE_LOGICAL_ID: &str = "IamRoleLambdaExecution";

/// The start of the `Sid` of every statement of the extended profile.
pub const SID_PREFIX: &str = "MskEvents";

/// One kind of statement of the extended profile's least-privilege policy: its `Sid` (every one
/// starts with `MskEvents`, so a later run can tell ours from the user's), its actions, and
/// whether its resource is `*`. The policy holds them in this order, each at most once, over
/// the distinct resources the events need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatementKind {
    pub sid: &'static str,
    pub actions: &'static [&'static str],
    /// Granted on `*`: the action has no resource-level permission.
    pub on_any: bool,
    /// Why the role needs it: what AWS's page "Configuring Lambda permissions for Amazon MSK
    /// event source mappings" ([`PERMISSIONS_PAGE`]) lists it for.
    pub explain: &'static str,
}

/// AWS's page "Configuring Lambda permissions for Amazon MSK event source mappings", which every
/// statement kind's `explain` cites.
pub const PERMISSIONS_PAGE: &str =
    "https://docs.aws.amazon.com/lambda/latest/dg/with-msk-permissions.html";

/// `kafka:DescribeClusterV2` on the clusters (v2 answers for provisioned and serverless MSK).
pub const DESCRIBE_CLUSTERS: StatementKind = StatementKind {
    sid: "MskEventsDescribeClusters",
    actions: &["kafka:DescribeClusterV2"],
    on_any: false,
    explain: "Required for every MSK event source mapping, a cross-account one on a VPC connection included (\"MSK cluster permissions\": kafka:DescribeClusterV2, recommended over kafka:DescribeCluster; it works for provisioned and serverless clusters). For a VPC connection it is granted on the other account's cluster, `cluster/<name>/*`.",
};
/// `kafka:DescribeVpcConnection` on the multi-VPC connections to other accounts' clusters.
pub const DESCRIBE_VPC_CONNECTIONS: StatementKind = StatementKind {
    sid: "MskEventsDescribeVpcConnections",
    actions: &["kafka:DescribeVpcConnection"],
    on_any: false,
    explain: "Cross-account mappings on a multi-VPC connection (\"Optional permissions\": kafka:DescribeVpcConnection in the execution role).",
};
/// `kafka:GetBootstrapBrokers` has no resource type in the Service Authorization Reference:
/// a statement scoped to cluster ARNs matches no request, so it is granted on `*`.
pub const BOOTSTRAP_BROKERS: StatementKind = StatementKind {
    sid: "MskEventsGetBootstrapBrokers",
    actions: &["kafka:GetBootstrapBrokers"],
    on_any: true,
    explain: "Required for every MSK event source mapping (\"MSK cluster permissions\": kafka:GetBootstrapBrokers).",
};
/// Lambda's network interfaces in the cluster's VPC (the same actions as Serverless').
pub const NETWORK_INTERFACES: StatementKind = StatementKind {
    sid: "MskEventsNetworkInterfaces",
    actions: &EC2_ACTIONS,
    on_any: true,
    explain: "Required for every MSK event source mapping (\"VPC permissions\": ec2:CreateNetworkInterface, DescribeNetworkInterfaces, DescribeVpcs, DeleteNetworkInterface, DescribeSubnets, DescribeSecurityGroups).",
};
/// The SASL/SCRAM, mTLS and schema-registry secrets.
pub const READ_SECRETS: StatementKind = StatementKind {
    sid: "MskEventsReadSecrets",
    actions: &["secretsmanager:GetSecretValue"],
    on_any: false,
    explain: "SASL/SCRAM and mTLS secrets, and schema-registry access secrets (\"Optional permissions\": secretsmanager:GetSecretValue; the page's \"describe your Secrets Manager secret\" is this action, it lists no secretsmanager:DescribeSecret).",
};
/// `kafka:ListScramSecrets` on the clusters of SASL/SCRAM events.
pub const LIST_SCRAM_SECRETS: StatementKind = StatementKind {
    sid: "MskEventsListScramSecrets",
    actions: &["kafka:ListScramSecrets"],
    on_any: false,
    explain: "SASL/SCRAM authentication (\"Optional permissions\": kafka:ListScramSecrets, listing the SCRAM secrets associated with the cluster).",
};
/// The customer managed keys of those secrets.
pub const DECRYPT_SECRETS: StatementKind = StatementKind {
    sid: "MskEventsDecryptSecrets",
    actions: &["kms:Decrypt"],
    on_any: false,
    explain: "A Secrets Manager secret encrypted with a customer managed key (\"Optional permissions\": kms:Decrypt).",
};
/// IAM access control: connecting to the cluster.
pub const CONNECT_CLUSTERS: StatementKind = StatementKind {
    sid: "MskEventsConnectClusters",
    actions: &[
        "kafka-cluster:Connect",
        "kafka-cluster:DescribeClusterDynamicConfiguration",
    ],
    on_any: false,
    explain: "IAM access control (\"Optional permissions\": kafka-cluster:Connect; DescribeClusterDynamicConfiguration is the DescribeConfigs Cluster ACL the page's troubleshooting section requires).",
};
/// IAM access control: reading the source topics.
pub const READ_TOPICS: StatementKind = StatementKind {
    sid: "MskEventsReadTopics",
    actions: &["kafka-cluster:DescribeTopic", "kafka-cluster:ReadData"],
    on_any: false,
    explain: "IAM access control (\"Optional permissions\": kafka-cluster:DescribeTopic and kafka-cluster:ReadData on the topic).",
};
/// IAM access control: the consumer groups.
pub const CONSUMER_GROUPS: StatementKind = StatementKind {
    sid: "MskEventsConsumerGroups",
    actions: &["kafka-cluster:AlterGroup", "kafka-cluster:DescribeGroup"],
    on_any: false,
    explain: "IAM access control (\"Optional permissions\": kafka-cluster:AlterGroup and kafka-cluster:DescribeGroup on the consumer group).",
};
/// `kafka://` on-failure destinations.
pub const WRITE_TOPICS: StatementKind = StatementKind {
    sid: "MskEventsWriteFailedRecords",
    actions: &["kafka-cluster:DescribeTopic", "kafka-cluster:WriteData"],
    on_any: false,
    explain: "A `kafka://` on-failure destination (the page's on-failure list names SQS, SNS and S3; for a Kafka topic the role needs the IAM access-control actions of a producer on that topic: kafka-cluster:DescribeTopic and kafka-cluster:WriteData).",
};
/// SQS on-failure destinations.
pub const SEND_TO_QUEUES: StatementKind = StatementKind {
    sid: "MskEventsSendFailedToQueues",
    actions: &["sqs:SendMessage"],
    on_any: false,
    explain: "An SQS on-failure destination (\"Additionally …\": sqs:SendMessage).",
};
/// SNS on-failure destinations.
pub const PUBLISH_TO_TOPICS: StatementKind = StatementKind {
    sid: "MskEventsPublishFailedToTopics",
    actions: &["sns:Publish"],
    on_any: false,
    explain: "An SNS on-failure destination (\"Additionally …\": sns:Publish).",
};
/// S3 on-failure destinations: the objects…
pub const PUT_OBJECTS: StatementKind = StatementKind {
    sid: "MskEventsPutFailedToBuckets",
    actions: &["s3:PutObject"],
    on_any: false,
    explain: "An S3 on-failure destination (\"Additionally …\": s3:PutObject).",
};
/// …and the bucket.
pub const LIST_BUCKETS: StatementKind = StatementKind {
    sid: "MskEventsListFailureBuckets",
    actions: &["s3:ListBucket"],
    on_any: false,
    explain: "An S3 on-failure destination (\"Additionally …\": s3:ListBucket).",
};
/// Glue schema registries.
pub const GLUE_REGISTRIES: StatementKind = StatementKind {
    sid: "MskEventsGlueRegistries",
    actions: &["glue:GetRegistry"],
    on_any: false,
    explain: "An AWS Glue schema registry (\"Optional permissions\": glue:GetRegistry).",
};
/// The schemas of Glue schema registries.
pub const GLUE_SCHEMA_VERSIONS: StatementKind = StatementKind {
    sid: "MskEventsGlueSchemaVersions",
    actions: &["glue:GetSchemaVersion"],
    on_any: false,
    explain: "An AWS Glue schema registry (\"Optional permissions\": glue:GetSchemaVersion).",
};

/// Every statement kind of the extended profile, in policy order.
pub const EXTENDED_STATEMENTS: [StatementKind; 17] = [
    DESCRIBE_CLUSTERS,
    DESCRIBE_VPC_CONNECTIONS,
    BOOTSTRAP_BROKERS,
    NETWORK_INTERFACES,
    READ_SECRETS,
    LIST_SCRAM_SECRETS,
    DECRYPT_SECRETS,
    CONNECT_CLUSTERS,
    READ_TOPICS,
    CONSUMER_GROUPS,
    WRITE_TOPICS,
    SEND_TO_QUEUES,
    PUBLISH_TO_TOPICS,
    PUT_OBJECTS,
    LIST_BUCKETS,
    GLUE_REGISTRIES,
    GLUE_SCHEMA_VERSIONS,
];

/// The policy name of the statements added to a function's own role in the template.
pub const OWN_ROLE_POLICY_NAME: &str = "msk-events";
