use msk_model::CfnMapping;

#[derive(CfnMapping)]
#[cfn(logical_id = "Thing", slot(name = "FunctionName"), rule(required_when(field = "a", equals = "x")))]
struct Thing {
    #[cfn(order = 1, presence = "always")]
    a: String,
    #[cfn(property = "B")]
    b: String,
    #[cfn()]
    c: String,
}

#[derive(CfnMapping)]
struct NoAttributes {
    #[cfn(property = "A", order = 1, presence = "always")]
    a: String,
}

fn main() {}
