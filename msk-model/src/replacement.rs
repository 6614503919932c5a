//! How CloudFormation updates an `AWS::Lambda::EventSourceMapping`: which properties it can
//! change in place and which replace the mapping, and where a Kafka mapping's consumer group
//! is. Facts of CloudFormation's resource schema and of the Lambda API, which `msk-compile
//! diff` judges two templates by.

/// The properties whose change makes CloudFormation replace the mapping: the resource schema's
/// `createOnlyProperties`, as JSON pointers into the resource, in the schema's order (a test
/// compares them with the schema cfn-lint ships). Every other property (`BatchSize`, `Enabled`,
/// `FunctionName`, `FilterCriteria`, `AmazonManagedKafkaEventSourceConfig`, …) is updated in
/// place with `UpdateEventSourceMapping`.
///
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-eventsourcemapping.html>
pub const CREATE_ONLY_PROPERTIES: &[&str] = &[
    "/properties/EventSourceArn",
    "/properties/StartingPosition",
    "/properties/StartingPositionTimestamp",
    "/properties/SelfManagedEventSource",
];

/// The property path of the consumer group an MSK mapping joins. Without it, Lambda names the
/// group after the mapping's UUID, so a new mapping is a new group. The Lambda API does not
/// let it change once the mapping exists ("After creating a Kafka event source mapping with
/// the consumer group ID specified, you cannot update this value"), although CloudFormation's
/// schema does not make it create-only: a change in place fails.
///
/// <https://docs.aws.amazon.com/lambda/latest/dg/kafka-consumer-group-id.html>
pub const CONSUMER_GROUP_ID: [&str; 2] = ["AmazonManagedKafkaEventSourceConfig", "ConsumerGroupId"];

/// The name of a create-only property (`StartingPosition` for `/properties/StartingPosition`).
pub fn property_name(pointer: &str) -> &str {
    pointer.strip_prefix("/properties/").unwrap_or(pointer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_only_properties_are_top_level_property_pointers() {
        for pointer in CREATE_ONLY_PROPERTIES {
            let name = property_name(pointer);
            assert!(!name.is_empty() && !name.contains('/'), "{pointer}");
        }
    }
}
