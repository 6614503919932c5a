use msk_model::{CfnMapping, Code};

// The extended profile's attributes: a rule with an unknown test, a code that is not a `Code`
// variant's path, a rename without the object shape and an object shape without renames, a
// rename rule without its `:`, and a code that names no `Code` variant.
#[derive(CfnMapping)]
#[cfn(resource = "AWS::Test::Thing", logical_id = "Thing")]
#[cfn(rule(maybe(field = "a"), code = Code::TopicInvalid, message = "m"))]
struct Thing {
    #[cfn(property = "A", order = 1, presence = "truthy", rename = "a:A")]
    a: String,
    #[cfn(property = "B", order = 2, presence = "truthy", shape = "object")]
    b: String,
    #[cfn(property = "C", order = 3, presence = "truthy", shape = "object", rename = "c")]
    c: String,
    #[cfn(profile = "extended", code = "MSK_D_INVALID")]
    d: String,
}

#[derive(CfnMapping)]
#[cfn(resource = "AWS::Test::Other", logical_id = "Other")]
struct Other {
    #[cfn(profile = "extended", grant = "kms_decrypt", code = Code::NoSuchCode)]
    key: String,
}

fn main() {}
