use msk_model::CfnMapping;

#[derive(CfnMapping)]
#[cfn(resource = "AWS::Test::Thing", logical_id = "Thing")]
struct Thing {
    #[cfn(property = "A", order = 1, presence = "always", id_token = "cluster_name")]
    a: String,
}

fn main() {}
