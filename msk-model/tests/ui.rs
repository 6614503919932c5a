//! Compile-fail tests of `#[derive(CfnMapping)]`: what a user sees for each kind of bad input.
//!
//! The `.stderr` files hold rustc's exact output, which changes between compiler versions, so
//! they are only compared on the toolchain they were generated with.

#[rustversion::attr(not(stable(1.95)), ignore)]
#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*/*.rs");
}
