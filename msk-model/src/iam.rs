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
