use msk_model::CfnMapping;

#[derive(CfnMapping)]
#[cfn(resource = "AWS::Test::Thing", logical_id = "Thing", slot(name = "FunctionName", order = 2))]
struct Thing {
    #[cfn(property = "A", order = 1, presence = "always", id_part = 1)]
    a: String,
    #[cfn(property = "B", order = 2, presence = "always", id_part = 1)]
    b: String,
    #[cfn(property = "C", order = 1, presence = "always")]
    c: String,
}

fn main() {}
