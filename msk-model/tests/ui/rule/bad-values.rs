// Every value of a rule is typed and checked when the model compiles, and every bad one is
// reported in the same compile: a pattern that is not a regular expression, a bound that is
// not a number, a count that is not whole, a path that names no config key, a test without
// the keys it needs or with a key it does not take.
use msk_model::{CfnMapping, Code};
use serde::Deserialize;

#[derive(Deserialize, CfnMapping)]
#[serde(rename_all = "camelCase")]
#[cfn(resource = "AWS::Test::Thing", logical_id = "Thing")]
#[cfn(
    rule(matches(field = "topic", pattern = "^[a-z"), code = Code::TopicInvalid, message = "m"),
    rule(range(field = "batchSize", max = "10000"), code = Code::Internal, cloudformation = "BatchSize"),
    rule(length(field = "topic", max = 24.9), code = Code::TopicInvalid, message = "m"),
    rule(type_is(field = "batch_size", is = "integer"), code = Code::Internal, cloudformation = "BatchSize"),
    rule(requires(field = "topic"), code = Code::Internal, message = "m"),
    rule(unique(field = "topic", max = 2), code = Code::Internal, message = "m")
)]
struct Thing {
    #[cfn(property = "Topics", order = 1, presence = "always", shape = "list")]
    topic: String,
    #[cfn(property = "BatchSize", order = 2, presence = "truthy")]
    batch_size: Option<f64>,
}

fn main() {}
