//! Fuzz target for the YAML fast path (`msk_compile::load::check_against_granit`).
//!
//! Contract checked on every input (a violation aborts the run as a crash): when the fast path
//! reads a text to its end, granit-parser accepts the text and yields the same events with the
//! same spans (byte offsets included); and loading gives the same tree, or the same diagnostic,
//! with and without the fast path. Bytes that are not UTF-8 are skipped (the CLI never hands
//! them to the YAML loader).

#![no_main]

use libfuzzer_sys::fuzz_target;
use msk_compile::load::check_against_granit;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(disagreement) = check_against_granit(text) {
        panic!("the fast path disagrees with granit: {disagreement}\n--- input ---\n{text:?}");
    }
});
