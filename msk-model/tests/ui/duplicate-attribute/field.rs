use msk_model::CfnMapping;

#[derive(CfnMapping)]
#[cfn(resource = "AWS::Test::Thing", logical_id = "Thing")]
struct Thing {
    #[cfn(property = "A", order = 1, order = 2, presence = "always")]
    a: String,
    // Keys may be split over several attributes, but each still appears once.
    #[cfn(property = "B", order = 3, presence = "truthy")]
    #[cfn(presence = "not_null", iam_resource, iam_resource)]
    b: String,
}

fn main() {}
