use msk_model::CfnMapping;

#[derive(CfnMapping)]
#[cfn(resource = "AWS::Test::Thing", logical_id = "Thing")]
struct Thing {
    #[cfn(property = "A", order = 1, presense = "always", presence = "always")]
    a: String,
    #[cfn(property = "B", order = 2, presence = "truthy", serde::rename = "b", iam_resource)]
    b: String,
}

fn main() {}
