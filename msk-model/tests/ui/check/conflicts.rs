use msk_model::CfnMapping;
use serde::Deserialize;

#[derive(Deserialize, CfnMapping)]
#[cfn(resource = "AWS::Test::Thing", logical_id = "Thing", slot(name = "FunctionName", order = 9))]
struct Thing {
    #[cfn(property = "A", order = 1, presence = "always", iam_resource)]
    a: String,
    #[cfn(property = "B", order = 2, presence = "always", iam_resource)]
    b: String,
    #[cfn(property = "C", order = 3, presence = "not_null", shape = "list", source_access = "BASIC_AUTH")]
    c: Option<String>,
    #[cfn(property = "A.Inner", order = 4, presence = "truthy")]
    d: Option<String>,
    #[cfn(property = "FunctionName", order = 5, presence = "truthy")]
    e: Option<String>,
    #[serde(skip)]
    #[cfn(property = "F", order = 6, presence = "truthy")]
    f: Option<String>,
}

fn main() {}
