// A syntax error stops the rest of its own attribute list (no "missing key" guesses follow),
// but the other attributes are still checked.
use msk_model::CfnMapping;

#[derive(CfnMapping)]
#[cfn(resource = "AWS::Test::Thing", logical_id = "Thing", slot = "FunctionName")]
#[cfn(rule(required_when(field = "a" equals = "x")))]
struct Thing {
    #[cfn]
    a: String,
    #[cfn(property = "B" order = 2, presence = "always")]
    b: String,
    #[cfn("C", order = 3)]
    c: String,
    #[cfn(property = "D", order = 4, presence = "truthy", shape = "list",)]
    d: String,
}

fn main() {}
