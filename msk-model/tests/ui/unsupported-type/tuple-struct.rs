use msk_model::CfnMapping;

#[derive(CfnMapping)]
#[cfn(resource = "AWS::Test::Thing", logical_id = "Thing")]
struct Thing(#[cfn(property = "A", order = 1, presence = "always")] String);

#[derive(CfnMapping)]
#[cfn(resource = "AWS::Test::Unit", logical_id = "Unit")]
struct Unit;

fn main() {
    let _ = Thing::PROPERTIES;
    let _ = Unit::RULES;
}
