//! Snapshots of what the bundled examples compile to (reviewed against the oracle: the
//! example's output is also checked byte for byte by the `extra_example_orders`
//! conformance test, so a snapshot change that the oracle did not make fails twice).

use msk_compile::json::stringify_pretty;
use msk_tests::{compile_yaml, read, repo_snapshots};

#[test]
fn examples_compile_to_their_snapshots() {
    let examples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let settings = repo_snapshots();
    let _guard = settings.bind_to_scope();
    let mut names: Vec<_> = std::fs::read_dir(&examples)
        .expect("examples/")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yml"))
        .collect();
    names.sort();
    assert!(!names.is_empty());
    for path in names {
        let report = compile_yaml(&read(&path));
        let compiled = report
            .compiled
            .unwrap_or_else(|| panic!("{} fails: {:#?}", path.display(), report.diagnostics));
        assert!(report.diagnostics.is_empty(), "{:#?}", report.diagnostics);
        let name = format!(
            "example__{}",
            path.file_stem().unwrap_or_default().to_string_lossy()
        );
        insta::assert_snapshot!(name, stringify_pretty(&compiled.to_json()));
    }
}

/// `examples/extended/serverless.yml` uses every key of the extended profile (its profile is
/// set in the file); its merged template is also linted in `validators.rs`.
#[test]
fn the_extended_example_uses_every_key_and_compiles_cleanly() {
    use msk_model::{CfnMapping, MskEvent};
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/extended/serverless.yml");
    let text = read(&path);
    for key in MskEvent::extension_keys() {
        assert!(
            text.contains(&format!(" {key}:")),
            "the extended example uses {key}"
        );
    }
    let report = compile_yaml(&text);
    assert!(report.diagnostics.is_empty(), "{:#?}", report.diagnostics);
    let compiled = report.compiled.expect("compiles");
    let settings = repo_snapshots();
    settings.bind(|| insta::assert_snapshot!("example__extended", compiled.to_pretty_json()));
}
