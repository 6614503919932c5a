use msk_model::CfnMapping;

#[derive(CfnMapping)]
#[cfn(resource = "AWS::Test::Thing", logical_id = "Thing")]
enum Thing {
    A { a: String },
}

// The derive still implements the trait (with empty tables), so uses of the type report
// nothing beyond the error above.
fn main() {
    let _ = <Thing as CfnMapping>::PROPERTIES;
}
