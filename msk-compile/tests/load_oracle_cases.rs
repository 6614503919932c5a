//! The oracle's own cases (`tests/cases/<name>`, copied from `/work/shared/oracle/cases`):
//! loading and resolving their `serverless.yml` must give the values that Serverless 3.40.0
//! wrote into their `expected.msk.json`.

mod common;

use std::path::{Path, PathBuf};

use common::{oracle_options, stringify};
use msk_compile::Format;
use msk_compile::stages::{self as load, Node, Value, resolve_variables_with_source};

fn case_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/cases")
        .join(name)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// The case's config, loaded and resolved as `sls-package` runs it (`--stage dev --region us-east-1`).
fn load_case(name: &str) -> Node {
    let source = read(&case_dir(name).join("serverless.yml"));
    let mut root =
        load::parse(&source, Format::Yaml).unwrap_or_else(|errors| panic!("{name}: {errors:#?}"));
    let diagnostics = resolve_variables_with_source(&mut root, &oracle_options(), &source);
    assert!(diagnostics.is_empty(), "{name}: {diagnostics:#?}");
    root
}

fn expected_msk(name: &str) -> Node {
    let text = read(&case_dir(name).join("expected.msk.json"));
    load::parse(&text, Format::Json).unwrap_or_else(|errors| panic!("{name}: {errors:#?}"))
}

fn mappings(expected: &Node) -> Vec<&Node> {
    match &expected.get("EventSourceMappings").expect("mappings").value {
        Value::Object(entries) => entries
            .iter()
            .map(|entry| entry.value.get("Properties").expect("Properties"))
            .collect(),
        _ => panic!("EventSourceMappings is not an object"),
    }
}

fn msk_event<'n>(root: &'n Node, function: &str, index: usize) -> &'n Node {
    let events = root
        .pointer(&["functions", function, "events"])
        .expect("events");
    let Value::Array(events) = &events.value else {
        panic!("events")
    };
    events[index].get("msk").expect("msk")
}

#[test]
fn variables_case() {
    let root = load_case("variables");
    let expected = expected_msk("variables");
    let properties = mappings(&expected)[0];
    let event = msk_event(&root, "consumer", 0);
    assert_eq!(
        event.get("arn").map(stringify),
        properties.get("EventSourceArn").map(stringify)
    );
    assert_eq!(
        event.get("topic").map(stringify),
        properties
            .pointer(&["Topics"])
            .map(|topics| stringify(topics).trim_matches(['[', ']']).to_owned())
    );
    assert_eq!(
        event.get("batchSize").map(stringify),
        properties.get("BatchSize").map(stringify)
    );
    assert_eq!(
        event.get("enabled").map(stringify),
        properties.get("Enabled").map(stringify)
    );
    assert_eq!(
        event.get("consumerGroupId").map(stringify),
        properties
            .pointer(&["AmazonManagedKafkaEventSourceConfig", "ConsumerGroupId"])
            .map(stringify)
    );
    // The values themselves, for the record.
    assert_eq!(
        event.get("batchSize").map(|node| &node.value),
        Some(&Value::Number(250.0))
    );
    assert_eq!(
        event.get("enabled").map(|node| &node.value),
        Some(&Value::Bool(true))
    );
    assert_eq!(
        event.get("topic").and_then(Node::as_str),
        Some("dev.orders")
    );
}

#[test]
fn arn_intrinsics_short_case() {
    let root = load_case("arn-intrinsics-short");
    let expected = expected_msk("arn-intrinsics-short");
    let properties = mappings(&expected);
    for (function, mapping) in [("importer", properties[0]), ("referrer", properties[1])] {
        let event = msk_event(&root, function, 0);
        assert_eq!(
            event.get("arn").map(stringify),
            mapping.get("EventSourceArn").map(stringify),
            "{function}"
        );
    }
    assert_eq!(
        stringify(msk_event(&root, "importer", 0).get("arn").expect("arn")),
        r#"{"Fn::ImportValue":"shared-msk-ClusterArn"}"#
    );
}

#[test]
fn filter_patterns_case() {
    let root = load_case("filter-patterns");
    let expected = expected_msk("filter-patterns");
    let properties = mappings(&expected);
    for (index, mapping) in properties.iter().enumerate() {
        let event = msk_event(&root, "consumer", index);
        let Value::Array(patterns) = &event.get("filterPatterns").expect("filterPatterns").value
        else {
            panic!("list")
        };
        let Value::Array(filters) = &mapping
            .pointer(&["FilterCriteria", "Filters"])
            .expect("Filters")
            .value
        else {
            panic!("list")
        };
        assert_eq!(patterns.len(), filters.len());
        for (pattern, filter) in patterns.iter().zip(filters) {
            assert_eq!(
                Some(stringify(pattern).as_str()),
                filter.get("Pattern").and_then(Node::as_str)
            );
        }
    }
}

/// Every oracle case loads and resolves (none of them fails in the loader).
#[test]
fn every_case_loads() {
    let cases = std::fs::read_dir(case_dir("")).expect("tests/cases");
    let mut count = 0;
    for case in cases.flatten() {
        if case.path().join("serverless.yml").exists() {
            load_case(&case.file_name().to_string_lossy());
            count += 1;
        }
    }
    assert!(count >= 33, "only {count} cases");
}
