use msk_model::CfnMapping;

#[derive(CfnMapping)]
#[cfn(resource = "AWS::Test::Thing", logical_id = "Thing", logicalId = "Thing")]
#[cfn(slot(name = "FunctionName", position = 2))]
#[cfn(rule(
    required_when(field = "a", equals = "x", requires = "a"),
    error_code = "CODE",
    code = msk_model::Code::Internal,
    message = "message"
))]
struct Thing {
    #[cfn(property = "A", order = 1, presence = "always")]
    a: String,
}

fn main() {}
