//! Hostile inputs end in a coded error, quickly and without exhausting memory: alias bombs,
//! 100 000-deep nesting, a 50 MB file, a 100 000-character key, an extension spreading an
//! 8 MB string into keys; and the same through `${file(…)}`: a file that includes itself, a
//! directory, `/dev/zero`, a 50 MB file, invalid UTF-8, an alias bomb, each located in the file
//! it is about. (Invalid UTF-8 is caught where bytes become text, in the CLI; see
//! `msk-compile/tests/cli.rs`.) Timing and peak memory of the release binary on the same inputs
//! are measured by `tests/hostile/measure.sh`.

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

/// A service directory with `files` beside a `serverless.yml` whose `custom` is `custom`.
fn service_with(name: &str, custom: &str, files: &[(&str, &[u8])]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("msk-hostile-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    for (file, bytes) in files {
        let path = dir.join(file);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("dir");
        }
        std::fs::write(path, bytes).expect("write");
    }
    std::fs::write(
        dir.join("serverless.yml"),
        format!("service: s\nprovider: {{name: aws}}\ncustom: {custom}\nfunctions:\n  f:\n    handler: h\n    events:\n      - msk: {{arn: 'arn:aws:kafka:us-east-1:1:cluster/c/1', topic: t}}\n"),
    )
    .expect("write");
    dir
}

/// Compiles the service in `dir`; the error with `code` must be there, every diagnostic
/// located, and the one with `code` in `in_file` (a file of the service) when given.
fn assert_include_refused(dir: &std::path::Path, code: Code, in_file: Option<&str>) {
    let started = Instant::now();
    let report = msk_tests::compile_config(dir);
    let elapsed = started.elapsed();
    assert!(elapsed < CEILING, "took {elapsed:?}");
    assert!(report.compiled.is_none());
    let found = report
        .diagnostics
        .iter()
        .find(|diagnostic| diagnostic.code == code)
        .unwrap_or_else(|| panic!("expected {code}, got {:#?}", report.diagnostics));
    assert!(
        report
            .diagnostics
            .iter()
            .all(|diagnostic| diagnostic.span.is_some())
    );
    let span = found.span.expect("located");
    match in_file {
        Some(name) => {
            let (file, local) = msk_compile::SourceText::locate(&report.files, span)
                .unwrap_or_else(|| panic!("{found:?} is not in an included file"));
            assert!(file.name.ends_with(name), "{} is not {name}", file.name);
            assert!(local.start <= file.text.len());
        }
        None => assert!(msk_compile::SourceText::locate(&report.files, span).is_none()),
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn include_cycle() {
    let dir = service_with(
        "cycle",
        "${file(./a.yml)}",
        &[("a.yml", b"again: ${file(./a.yml)}\n")],
    );
    // Reported where the circle closes: the variable in a.yml.
    assert_include_refused(&dir, Code::VariableCycle, Some("a.yml"));
}

#[test]
fn include_of_a_directory() {
    let dir = service_with("dir", "${file(./config.yml)}", &[("config.yml/x", b"")]);
    assert_include_refused(&dir, Code::VariableFile, None);
}

#[cfg(unix)]
#[test]
fn include_of_dev_zero() {
    let dir = service_with("zero", "${file(/dev/zero)}", &[]);
    assert_include_refused(&dir, Code::VariableFile, None);
    let dir = service_with(
        "zero-yml",
        "${file(../../../../../../../../dev/zero):a}",
        &[],
    );
    assert_include_refused(&dir, Code::VariableFile, None);
}

#[test]
fn include_of_fifty_megabytes() {
    let mut text = String::from("blob:\n");
    let line = format!("  - \"{}\"\n", "x".repeat(90));
    while text.len() < 50 * 1024 * 1024 {
        text.push_str(&line);
    }
    let dir = service_with("big", "${file(./big.yml)}", &[("big.yml", text.as_bytes())]);
    assert_include_refused(&dir, Code::VariableFile, None);
}

#[test]
fn includes_share_one_budget() {
    // Three files of 12 MiB each: each fits the limit, together they do not.
    let text = format!("a: \"{}\"\n", "x".repeat(12 * 1024 * 1024));
    let dir = service_with(
        "budget",
        "{a: '${file(./a.yml)}', b: '${file(./b.yml)}', c: '${file(./c.yml)}'}",
        &[
            ("a.yml", text.as_bytes()),
            ("b.yml", text.as_bytes()),
            ("c.yml", text.as_bytes()),
        ],
    );
    assert_include_refused(&dir, Code::VariableFile, None);
}

#[test]
fn include_with_invalid_utf8() {
    let dir = service_with(
        "utf8",
        "${file(./latin1.yml)}",
        &[("latin1.yml", b"topic: caf\xe9\n")],
    );
    assert_include_refused(&dir, Code::VariableFile, Some("latin1.yml"));
}

#[test]
fn include_with_an_alias_bomb() {
    let bomb = billion_laughs();
    let dir = service_with(
        "bomb",
        "${file(./bomb.yml)}",
        &[("bomb.yml", bomb.as_bytes())],
    );
    assert_include_refused(&dir, Code::YamlTooComplex, Some("bomb.yml"));
}

#[test]
fn a_big_include_referenced_many_times_is_read_and_parsed_once() {
    // 8 MB of YAML, referenced 2 000 times for one small key: read once, walked each time,
    // and only the key's value copied (a copy of the whole file each time was 16 GB of work).
    let mut text = String::from("arn: 'arn:aws:kafka:us-east-1:1:cluster/c/1'\nblob:\n");
    let line = format!("  - \"{}\"\n", "x".repeat(90));
    while text.len() < 8 * 1024 * 1024 {
        text.push_str(&line);
    }
    let references: Vec<String> = (0..2_000)
        .map(|index| format!("k{index}: '${{file(./big.yml):arn}}'"))
        .collect();
    let dir = service_with(
        "many-refs",
        &format!("{{{}}}", references.join(", ")),
        &[("big.yml", text.as_bytes())],
    );
    let started = Instant::now();
    let report = msk_tests::compile_config(&dir);
    let elapsed = started.elapsed();
    assert!(elapsed < CEILING, "took {elapsed:?}");
    assert!(report.compiled.is_some(), "{:#?}", report.diagnostics);
    assert_eq!(report.files.len(), 1, "read once");
    let _ = std::fs::remove_dir_all(&dir);
}
