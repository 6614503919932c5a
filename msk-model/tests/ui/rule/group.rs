// A group shares its keys with its members; a member still needs what neither gives, and a
// group without members is a mistake.
use msk_model::{CfnMapping, Code};

#[derive(CfnMapping)]
#[cfn(resource = "AWS::Test::Thing", logical_id = "Thing")]
#[cfn(
    rules(
        requires(other = "b"),
        help = "add `b`",
        rule(requires(field = "a"), message = "`a` needs `b`"),
        rule(requires(field = "c"), code = Code::Internal)
    ),
    rules(code = Code::Internal)
)]
struct Thing {
    #[cfn(property = "A", order = 1, presence = "always")]
    a: String,
    #[cfn(property = "B", order = 2, presence = "always")]
    b: String,
}

fn main() {}
