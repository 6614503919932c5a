use msk_model::CfnMapping;
use serde::Deserialize;

#[derive(Deserialize, CfnMapping)]
#[serde(rename_all = "camelCase")]
#[cfn(
    resource = "AWS::Test::Thing",
    logical_id = "Thing",
    rule(
        required_when(
            field = "starting_position",
            equals = "AT_TIMESTAMP",
            requires = "timestamp"
        ),
        code = msk_model::Code::Internal,
        message = "message"
    )
)]
struct Thing {
    #[cfn(property = "StartingPosition", order = 1, presence = "always")]
    starting_position: String,
    #[serde(skip)]
    timestamp: u64,
}

fn main() {}
