use msk_model::CfnMapping;

// A slot is a property the compiler fills; one it does not know (`Role`) does not compile.
#[derive(CfnMapping)]
#[cfn(resource = "AWS::Test::Thing", logical_id = "Thing", slot(name = "Role", order = 2))]
struct Thing {
    #[cfn(property = "A", order = 1, presence = "always", id_part = 1)]
    a: String,
}

fn main() {}
