// Every key of this input has a bad value; all of them are reported in one compile.
use msk_model::CfnMapping;

#[derive(CfnMapping)]
#[cfn(resource = "Lambda", logical_id = "Event-Source", slot(name = FunctionName, order = 2))]
struct Thing {
    #[cfn(property = "Topics..Name", order = "1", presence = "sometimes")]
    a: String,
    #[cfn(property = "B", order = -3, presence = "always", shape = list)]
    b: String,
    #[cfn(property = "C", order = 4, presence = "truthy", id_part = 99999999999, id_token = "hash")]
    c: String,
    #[cfn(property = "D", order = 5, presence = "truthy", iam_resource = true, default)]
    d: String,
}

fn main() {}
