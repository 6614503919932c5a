//! Prints the msk event schema (development aid).
fn main() {
    println!(
        "{}",
        msk_compile::json::stringify_pretty(&msk_compile::schema::msk_event_schema(
            msk_compile::Profile::ServerlessV3
        ))
    );
}
