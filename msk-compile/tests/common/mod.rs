//! Helpers shared by the `load_*` tests.
#![allow(dead_code)]

use msk_compile::stages::{self as load, Entry, Node, Value, number_to_string};
use msk_compile::{Diagnostic, Format, VariableOptions};

/// `JSON.stringify(value)`: compact, keys in order, JavaScript numbers, non-ASCII unescaped.
pub fn stringify(node: &Node) -> String {
    let mut out = String::new();
    write(node, &mut out);
    out
}

fn write(node: &Node, out: &mut String) {
    match &node.value {
        Value::Null => out.push_str("null"),
        Value::Bool(flag) => out.push_str(if *flag { "true" } else { "false" }),
        Value::Number(number) if number.is_finite() => out.push_str(&number_to_string(*number)),
        Value::Number(_) => out.push_str("null"),
        Value::String(text) => quote(text, out),
        Value::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                write(item, out);
            }
            out.push(']');
        }
        Value::Object(entries) => {
            out.push('{');
            for (index, entry) in entries.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                quote(&entry.key, out);
                out.push(':');
                write(&entry.value, out);
            }
            out.push('}');
        }
    }
}

fn quote(text: &str, out: &mut String) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Parses YAML that must load.
pub fn yaml(source: &str) -> Node {
    match load::parse(source, Format::Yaml) {
        Ok(node) => node,
        Err(errors) => panic!("{source}\nfailed to load: {errors:#?}"),
    }
}

/// Parses YAML that must fail; returns the single diagnostic.
pub fn yaml_error(source: &str) -> Diagnostic {
    match load::parse(source, Format::Yaml) {
        Ok(node) => panic!("{source}\nloaded unexpectedly: {}", stringify(&node)),
        Err(mut errors) => {
            assert_eq!(errors.len(), 1, "{errors:#?}");
            errors.remove(0)
        }
    }
}

/// `functions.consumer.events.<n>.msk.filterPatterns.<i>` of the probe configs.
pub fn pattern(root: &Node, event: usize, index: usize) -> &Node {
    let events = root
        .pointer(&["functions", "consumer", "events"])
        .expect("events");
    let Value::Array(events) = &events.value else {
        panic!("events list")
    };
    let patterns = events[event]
        .pointer(&["msk", "filterPatterns"])
        .expect("filterPatterns");
    let Value::Array(patterns) = &patterns.value else {
        panic!("patterns list")
    };
    &patterns[index]
}

/// The source text of a span.
pub fn text(source: &str, span: msk_compile::Span) -> &str {
    &source[span.start..span.end]
}

/// The options `sls-package` runs with: `--stage dev --region us-east-1`.
pub fn oracle_options() -> VariableOptions {
    VariableOptions {
        stage: Some("dev".into()),
        region: Some("us-east-1".into()),
        ..VariableOptions::default()
    }
}

/// The header of every probe config (as in /tmp/probe/head.yml of the oracle runs).
pub const HEAD: &str = "service: probe
frameworkVersion: '3'
configValidationMode: off
provider:
  name: aws
  runtime: nodejs18.x
functions:
  consumer:
    handler: handler.main
    events:
      - msk:
          arn: arn:aws:kafka:us-east-1:111111111111:cluster/my-cluster/abc
          topic: orders
          filterPatterns:
";

/// Serverless' validator deletes `null`-valued keys and puts them back at the end of their
/// object (`normalizeUserConfig`/`denormalizeUserConfig`), which the oracle's output shows.
/// The loader itself keeps source order; this applies that later step for comparisons.
pub fn nulls_last(node: &Node) -> Node {
    let value = match &node.value {
        Value::Object(entries) => {
            let (nulls, others): (Vec<&Entry>, Vec<&Entry>) =
                entries.iter().partition(|entry| entry.value.is_null());
            Value::Object(
                others
                    .into_iter()
                    .map(|entry| Entry {
                        value: nulls_last(&entry.value),
                        ..entry.clone()
                    })
                    .chain(nulls.into_iter().cloned())
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(nulls_last).collect()),
        other => other.clone(),
    };
    Node::new(value, node.span)
}

/// A deterministic xorshift generator for the random-input tests: each call returns a number
/// below `bound` (`bound` > 0), the same sequence for the same seed on every machine.
pub fn xorshift(seed: u64) -> impl FnMut(usize) -> usize {
    let mut state = seed;
    move |bound: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        usize::try_from(state % bound as u64).unwrap_or(0)
    }
}
