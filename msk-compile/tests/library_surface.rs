//! msk-compile as a library: a crate depending on it with `default-features = false` builds
//! none of the command line's dependencies, and the crate's public modules stay few.

use std::process::Command;

/// The command line's own dependencies: argument parsing, its allocator, atomic output files,
/// signal handling.
const CLI_ONLY: [&str; 4] = ["clap", "mimalloc", "tempfile", "signal-hook"];

/// The names of the crates `cargo tree` lists for msk-compile's normal (non-dev, non-build)
/// dependencies, with `features` as cargo flags.
fn dependency_names(features: &[&str]) -> Vec<String> {
    let output = Command::new(env!("CARGO"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "tree",
            "--offline",
            "--locked",
            "-e",
            "normal",
            "-p",
            "msk-compile",
        ])
        .args(["--prefix", "none", "--format", "{p}"])
        .args(features)
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .map(str::to_owned)
        .collect()
}

#[test]
fn without_default_features_no_cli_dependency_is_built() {
    let names = dependency_names(&["--no-default-features"]);
    assert!(
        names.iter().any(|name| name == "serde_json"),
        "cargo tree lists the library's dependencies: {names:?}"
    );
    for cli in CLI_ONLY {
        assert!(
            !names.iter().any(|name| name == cli),
            "{cli} is built for a library user: {names:?}"
        );
    }
}

#[test]
fn the_cli_feature_brings_the_cli_dependencies() {
    // The same query with the default features finds them: the test above can fail.
    let names = dependency_names(&[]);
    for cli in CLI_ONLY {
        assert!(
            names.iter().any(|name| name == cli),
            "{cli} missing: {names:?}"
        );
    }
}

#[test]
fn at_most_eight_public_modules() {
    let lib = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/lib.rs"))
        .expect("lib.rs reads");
    let public: Vec<&str> = lib
        .lines()
        .map(str::trim_start)
        .filter(|line| line.starts_with("pub mod "))
        .collect();
    assert!(
        !public.is_empty() && public.len() <= 8,
        "public modules: {public:?}"
    );
}
