use msk_model::CfnMapping;

#[derive(CfnMapping)]
#[cfn(resource = "AWS::Test::Thing", logical_id = "Thing")]
struct Thing {
    #[cfn(property = "A", order = 1, presence = "truthy", default = "TRIM_HORIZON")]
    a: Option<String>,
}

fn main() {}
