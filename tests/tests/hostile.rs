//! Hostile inputs end in a coded error, quickly and without exhausting memory: alias bombs,
//! 100 000-deep nesting, a 50 MB file, a 100 000-character key, an extension spreading an
//! 8 MB string into keys. (Invalid UTF-8 is caught where bytes become text, in the CLI; see
//! `msk-compile/tests/cli.rs`.) Timing and peak memory of the release binary on the same
//! inputs are measured by `tests/hostile/measure.sh`.

use std::time::{Duration, Instant};

use msk_compile::Code;
use msk_tests::compile_yaml;

/// A ceiling that only catches hangs; the real figures come from the measuring script.
const CEILING: Duration = Duration::from_secs(20);

fn assert_refused(source: &str, code: Code) {
    let started = Instant::now();
    let report = compile_yaml(source);
    let elapsed = started.elapsed();
    assert!(elapsed < CEILING, "took {elapsed:?}");
    assert!(report.compiled.is_none());
    let codes: Vec<Code> = report
        .diagnostics
        .iter()
        .map(|diagnostic| diagnostic.code)
        .collect();
    assert!(codes.contains(&code), "expected {code}, got {codes:?}");
    assert!(
        report
            .diagnostics
            .iter()
            .all(|diagnostic| diagnostic.span.is_some()),
        "every diagnostic has a position"
    );
}

pub fn billion_laughs() -> String {
    let mut text =
        String::from("service: s\na0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for level in 1..10 {
        let previous = format!("*a{}", level - 1);
        text.push_str(&format!(
            "a{level}: &a{level} [{}]\n",
            vec![previous; 10].join(", ")
        ));
    }
    text.push_str(
        "functions:\n  f:\n    handler: h\n    events:\n      - msk: {arn: *a9, topic: t}\n",
    );
    text
}

#[test]
fn alias_bomb() {
    assert_refused(&billion_laughs(), Code::YamlTooComplex);
}

#[test]
fn deeply_nested_sequences() {
    let depth = 100_000;
    assert_refused(
        &format!(
            "service: s\ncustom: {}{}\n",
            "[".repeat(depth),
            "]".repeat(depth)
        ),
        Code::YamlTooComplex,
    );
}

#[test]
fn deeply_nested_mappings() {
    let depth = 100_000;
    assert_refused(
        &format!(
            "service: s\ncustom: {}1{}\n",
            "{a: ".repeat(depth),
            "}".repeat(depth)
        ),
        Code::YamlTooComplex,
    );
}

#[test]
fn deeply_nested_block_mappings() {
    // Block style nests by indentation: 2 000 levels make a 4 MB file of spaces.
    let mut text = String::from("service: s\ncustom:\n");
    for level in 0..2_000 {
        text.push_str(&" ".repeat(2 * level + 2));
        text.push_str("a:\n");
    }
    assert_refused(&text, Code::YamlTooComplex);
}

#[test]
fn fifty_megabytes() {
    let line = format!("    - \"{}\"\n", "x".repeat(90));
    let mut text = String::from("service: s\ncustom:\n  blob:\n");
    while text.len() < 50 * 1024 * 1024 {
        text.push_str(&line);
    }
    assert_refused(&text, Code::ConfigTooLarge);
}

#[test]
fn hundred_thousand_character_key() {
    // YAML limits implicit keys to 1024 characters; js-yaml and our parser refuse longer ones.
    assert_refused(
        &format!("service: s\n{}: 1\n", "k".repeat(100_000)),
        Code::YamlSyntax,
    );
}

#[test]
fn hundred_thousand_character_key_in_an_msk_event() {
    let text = format!(
        "service: s\nfunctions:\n  f:\n    handler: h\n    events:\n      - msk:\n          arn: arn:aws:kafka:us-east-1:1:cluster/c/1\n          topic: t\n          {}: 1\n",
        "k".repeat(100_000)
    );
    assert_refused(&text, Code::YamlSyntax);
}

#[test]
fn quoted_long_key_is_fine_but_unknown() {
    // An explicit (quoted) 100 000-character key is legal YAML: it is reported as an unknown
    // msk key with its position, and the help does not echo 100 000 characters.
    let text = format!(
        "service: s\nfunctions:\n  f:\n    handler: h\n    events:\n      - msk:\n          arn: arn:aws:kafka:us-east-1:1:cluster/c/1\n          topic: t\n          ? \"{}\"\n          : 1\n",
        "k".repeat(100_000)
    );
    let report = compile_yaml(&text);
    let unknown = report
        .diagnostics
        .iter()
        .find(|diagnostic| diagnostic.code == Code::Schema)
        .expect("an unknown-key diagnostic");
    assert!(
        unknown
            .span
            .is_some_and(|span| span.end - span.start >= 100_000)
    );
    assert!(
        unknown
            .help
            .as_deref()
            .is_some_and(|help| help.len() < 1000)
    );
}

/// A long string given as an extension's `Properties` would become one key per character
/// (`Object.assign`): a few megabytes of config, gigabytes of keys.
#[test]
fn extension_spreading_a_long_string() {
    let long = "x".repeat(8 * 1024 * 1024);
    let source = format!(
        "service: s\nprovider: {{name: aws}}\nfunctions:\n  f:\n    handler: h\n    events:\n      - msk: {{arn: 'arn:aws:kafka:us-east-1:111111111111:cluster/c/1', topic: t}}\nresources:\n  extensions:\n    FEventSourceMappingMSKCT:\n      Properties: {long}\n      DependsOn: {long}\n"
    );
    assert_refused(&source, Code::ExtensionNotApplicable);
}
