use msk_model::CfnMapping;

#[derive(CfnMapping)]
#[cfn(resource = "AWS::Test::Thing", logical_id = "Thing")]
#[cfn(resource = "AWS::Test::Other")]
#[cfn(slot(name = "FunctionName", name = "Role", order = 2))]
struct Thing {
    #[cfn(property = "A", order = 1, presence = "always")]
    a: String,
}

fn main() {}
