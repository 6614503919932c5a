//! Regressions for what fuzzing found (see `fuzz/README.md`): each input, minimized, gives a
//! coded diagnostic (or its correct output) quickly and in bounded memory. The inputs are
//! generated rather than stored, since most are large by nature; each test names the finding.
//!
//! The time ceiling only catches a return of the superlinear behaviour (the fixed code takes
//! well under a second in a release build, the old one minutes or all the memory); it is
//! generous because debug builds on a shared machine are slow.

use std::time::{Duration, Instant};

use msk_compile::render::{MessageFormat, SourceFile, render};
use msk_compile::{Code, Format, Report, compile_source};
use msk_tests::{compile_yaml, oracle_options};

const CEILING: Duration = Duration::from_secs(20);

const HEAD: &str = "service: s\nprovider: {name: aws}\n";
const FUNCTIONS: &str = "functions:\n  f:\n    handler: h\n    events:\n      - msk: {arn: 'arn:aws:kafka:us-east-1:111111111111:cluster/c/1', topic: tt}\n";

fn timed(run: impl FnOnce() -> Report) -> Report {
    let started = Instant::now();
    let report = run();
    let elapsed = started.elapsed();
    assert!(elapsed < CEILING, "took {elapsed:?}");
    report
}

fn codes_of(report: &Report) -> Vec<Code> {
    report
        .diagnostics
        .iter()
        .map(|diagnostic| diagnostic.code)
        .collect()
}

/// Refused with exactly one `VARIABLE_TOO_COMPLEX` error, positioned, and the other codes.
fn assert_too_complex(report: &Report) {
    assert!(report.compiled.is_none());
    let too_complex: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.code == Code::VariableTooComplex)
        .collect();
    assert_eq!(too_complex.len(), 1, "{:?}", codes_of(report));
    assert!(too_complex[0].is_error());
    assert!(too_complex[0].span.is_some());
    assert!(
        too_complex[0]
            .message
            .starts_with("Cannot resolve variable at \"custom.")
    );
}

/// Finding 1 (out of memory): the variable form of billion laughs. Each level is a list of ten
/// `${self:…}` references to the level below, and a referenced value is copied where it is
/// used, so level 11 would be 10^11 nodes. Fixed by a budget on what references copy.
#[test]
fn variable_bomb_of_lists() {
    let mut text =
        format!("{HEAD}custom:\n  a0: [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for level in 1..12 {
        let reference = format!("'${{self:custom.a{}}}'", level - 1);
        text.push_str(&format!(
            "  a{level}: [{}]\n",
            vec![reference; 10].join(", ")
        ));
    }
    text.push_str(FUNCTIONS);
    assert_too_complex(&timed(|| compile_yaml(&text)));
}

/// Finding 1, string form: each level concatenates ten references to the level below.
#[test]
fn variable_bomb_of_strings() {
    let mut text = format!("{HEAD}custom:\n  a0: lollollollollollollollollollol\n");
    for level in 1..12 {
        let reference = format!("${{self:custom.a{}}}", level - 1);
        text.push_str(&format!("  a{level}: '{}'\n", reference.repeat(10)));
    }
    text.push_str(FUNCTIONS);
    assert_too_complex(&timed(|| compile_yaml(&text)));
}

/// Finding 1, linear form: 2 000 references to one 2 000-key mapping copy 4 million nodes
/// from a 100 kB file.
#[test]
fn many_references_to_a_big_mapping() {
    let keys: Vec<String> = (0..2000).map(|index| format!("k{index}: v")).collect();
    let mut text = format!("{HEAD}custom:\n  big: {{{}}}\n", keys.join(", "));
    for index in 0..2000 {
        text.push_str(&format!("  r{index}: ${{self:custom.big}}\n"));
    }
    text.push_str(FUNCTIONS);
    assert_too_complex(&timed(|| compile_yaml(&text)));
}

/// Finding 2 (hang): each reference to a mapping looked through every property of the config
/// for the unresolved ones under it, so 20 000 references took seconds (40 000: 10 s in a
/// release build; a 32 MiB file: hours). The values must still be right.
#[test]
fn many_references_to_a_small_mapping() {
    let mut text = format!("{HEAD}custom:\n  small: {{batch: '${{opt:size}}'}}\n");
    for index in 0..20_000 {
        text.push_str(&format!("  r{index}: ${{self:custom.small}}\n"));
    }
    text.push_str("functions:\n  f:\n    handler: h\n    events:\n      - msk:\n          arn: arn:aws:kafka:us-east-1:111111111111:cluster/c/1\n          topic: tt\n          batchSize: ${self:custom.r19999.batch}\n");
    let mut options = oracle_options();
    options
        .variables
        .options
        .insert("size".to_owned(), "7".to_owned());
    let report = timed(|| compile_source(&text, Format::Yaml, &options));
    assert_eq!(codes_of(&report), Vec::<Code>::new());
    let output = report.compiled.expect("compiles").to_json();
    let mapping = output["Resources"]
        .as_object()
        .and_then(|resources| resources.values().next())
        .expect("one mapping");
    assert_eq!(mapping["Properties"]["BatchSize"], 7);
}

/// Finding 2, with properties that never resolve: every later reference to their mapping
/// looks through all of them again. Bounded by a budget on those lookups.
#[test]
fn many_references_to_unresolvable_properties() {
    let mut text = format!("{HEAD}custom:\n  big:\n");
    for index in 0..5000 {
        text.push_str(&format!("    e{index}: ${{opt:missing{index}}}\n"));
    }
    for index in 0..5000 {
        text.push_str(&format!("  r{index}: ${{self:custom.big}}\n"));
    }
    text.push_str(FUNCTIONS);
    let report = timed(|| compile_yaml(&text));
    assert_too_complex(&report);
    let unresolved = codes_of(&report)
        .into_iter()
        .filter(|code| *code == Code::VariableUnresolved)
        .count();
    assert_eq!(unresolved, 5000, "each missing option is reported");
}

/// Finding 3 (hang): human diagnostics gave annotate-snippets the whole file each time, so a
/// minified `serverless.json` with thousands of unknown keys on its one line took minutes.
/// Now only the span's line goes, cut around the span; the `-->` column must stay the true
/// one (the same as the JSON format's).
#[test]
fn many_diagnostics_on_one_long_line() {
    let keys: String = (0..3000)
        .map(|index| format!("\"batchSiz{index}\": 1, "))
        .collect();
    let text = format!(
        "{{\"service\": \"s\", \"provider\": {{\"name\": \"aws\"}}, \"functions\": {{\"f\": {{\"handler\": \"h\", \"events\": [{{\"msk\": {{{keys}\"arn\": \"arn:aws:kafka:us-east-1:111111111111:cluster/c/1\", \"topic\": \"tt\"}}}}]}}}}}}"
    );
    let started = Instant::now();
    let report = compile_source(&text, Format::Json, &oracle_options());
    assert_eq!(report.diagnostics.len(), 3000);
    assert!(
        report
            .diagnostics
            .iter()
            .all(|diagnostic| diagnostic.code == Code::Schema)
    );
    let file = SourceFile::new("serverless.json", &text);
    for diagnostic in &report.diagnostics {
        let human = render(diagnostic, &file, MessageFormat::Human { color: false });
        let (line, column) = file.position(diagnostic).expect("positioned");
        assert!(
            human.contains(&format!(" --> serverless.json:{line}:{column}\n")),
            "{human}"
        );
        assert!(
            human.len() < 2000,
            "the excerpt is cut: {} bytes",
            human.len()
        );
    }
    let elapsed = started.elapsed();
    assert!(elapsed < CEILING, "took {elapsed:?}");
}

/// Finding 4 (hang): each event counted every diagnostic so far to see whether it added an
/// error, so a service whose events all collide (one warning each) was quadratic.
#[test]
fn many_colliding_events() {
    let mut text = format!("{HEAD}functions:\n  f:\n    handler: h\n    events:\n");
    for _ in 0..20_000 {
        text.push_str(
            "      - msk: {arn: 'arn:aws:kafka:us-east-1:111111111111:cluster/c/1', topic: tt}\n",
        );
    }
    let report = timed(|| compile_yaml(&text));
    let codes = codes_of(&report);
    assert_eq!(codes.len(), 19_999);
    assert!(codes.iter().all(|code| *code == Code::LogicalIdCollision));
    assert_eq!(report.compiled.expect("warnings only").resources.len(), 1);
}

/// Finding 5 (hang, found by the fuzzer from the string-bomb seed: one `${self:…}` mutated
/// into an unknown source): a property that never resolves was retried by every reference to
/// it, and each retry retried its own references, so a chain of levels each referring ten
/// times to the level below took 10^depth attempts (11 levels: minutes). A property whose
/// last attempt changed nothing now answers at once until something changes.
#[test]
fn references_to_a_property_that_never_resolves() {
    let mut text = format!("{HEAD}custom:\n  a0: ${{unknown:x}}\n");
    for level in 1..12 {
        let reference = format!("${{self:custom.a{}}}", level - 1);
        text.push_str(&format!("  a{level}: '{}'\n", reference.repeat(10)));
    }
    text.push_str(FUNCTIONS);
    let report = timed(|| compile_yaml(&text));
    assert!(report.compiled.is_none());
    let [only] = report.diagnostics.as_slice() else {
        panic!("one diagnostic: {:?}", codes_of(&report));
    };
    assert_eq!(only.code, Code::VariableUnresolved);
    assert_eq!(
        only.message,
        "Cannot resolve variable at \"custom.a0\": Unrecognized configuration variable source \"unknown\""
    );
}

/// Finding 6 (hang, quadratic): in `configValidationMode: error`, each compile diagnostic was
/// compared with each earlier error (formatting two strings per pair) to drop those about an
/// already rejected value; 20 000 events with a schema error and a compile error each took
/// over a minute. The dropping rule is unchanged: a compile error under a rejected value goes.
#[test]
fn many_errors_in_error_mode() {
    let mut text = String::from(
        "service: s\nconfigValidationMode: error\nprovider: {name: aws}\nfunctions:\n  f:\n    handler: h\n    events:\n",
    );
    for _ in 0..5000 {
        // The schema rejects `batchSize: 0`; the cluster-less arn is a compile error beside it.
        text.push_str("      - msk: {arn: 'arn:aws:kafka:us-east-1:111111111111:cluster', topic: tt, batchSize: 0}\n");
    }
    // The schema rejects this arn itself, so its compile error is dropped.
    text.push_str(
        "  g:\n    handler: h\n    events:\n      - msk: {arn: {Fn::GetAtt: [a, b]}, topic: tt}\n",
    );
    let report = timed(|| compile_yaml(&text));
    let codes = codes_of(&report);
    let count = |code: Code| codes.iter().filter(|found| **found == code).count();
    assert_eq!(count(Code::Schema), 5001, "{codes:?}");
    assert_eq!(count(Code::ArnWithoutClusterName), 5000);
    assert_eq!(
        codes.len(),
        10_001,
        "nothing else, and nothing about `g`'s arn twice"
    );
}

/// Finding 7 (broken invariant: merging twice ≠ merging once), found by the round-2 fuzzer on
/// the extended-profile seed `key-destinations-sqs-sns-s3.yml`. The extended profile's
/// `MskEventsSendFailedToQueues` statement has an `sqs:` action, so the merge took it for the
/// sqs compiler's first statement and recognised only the msk statements before it: a second
/// merge kept it and what followed, and added them again.
#[test]
fn merging_the_extended_failure_queue_statement_twice() {
    let text = "service: s\nprovider: {name: aws}\ncustom: {mskEvents: {profile: extended}}\nfunctions:\n  f:\n    handler: h\n    events:\n      - msk: {arn: 'arn:aws:kafka:us-east-1:111111111111:cluster/c/1', topic: orders, destinations: {onFailure: 'arn:aws:sqs:us-east-1:111111111111:dlq'}}\n";
    let template = r#"{
  "Resources": {
    "IamRoleLambdaExecution": {
      "Type": "AWS::IAM::Role",
      "Properties": {"Policies": [{"PolicyDocument": {"Statement": [
        {"Effect": "Allow", "Action": ["logs:CreateLogStream"], "Resource": "*"},
        {"Effect": "Allow", "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"], "Resource": ["arn:aws:sqs:us-east-1:111111111111:jobs"]}
      ]}}]}
    }
  }
}"#;
    let report = compile_yaml(text);
    let compiled = report
        .compiled
        .unwrap_or_else(|| panic!("compiles: {:#?}", report.diagnostics));
    let once = msk_compile::template::merge(template, &compiled).expect("merges");
    let twice = msk_compile::template::merge(&once, &compiled).expect("merges again");
    assert_eq!(twice, once);
    let merged: serde_json::Value = serde_json::from_str(&once).expect("JSON");
    let sids: Vec<&str> = merged
        .pointer("/Resources/IamRoleLambdaExecution/Properties/Policies/0/PolicyDocument/Statement")
        .and_then(serde_json::Value::as_array)
        .expect("the shared role's statements")
        .iter()
        .map(|statement| statement["Sid"].as_str().unwrap_or("-"))
        .collect();
    assert_eq!(sids.first(), Some(&"-"), "logs first: {sids:?}");
    assert_eq!(
        sids.last(),
        Some(&"-"),
        "the sqs compiler's statement last: {sids:?}"
    );
    assert!(sids.contains(&"MskEventsSendFailedToQueues"), "{sids:?}");
}

/// Finding 8 (hang, quadratic): `functions:` or `resources:` written as a list is merged into
/// one mapping (Serverless' `mergeArrays`), and each key of each item was looked up by scanning
/// every key merged before it: 20 000 one-function items, or 20 000 `resources` items each
/// adding one resource under `Resources`, took seconds and grew with the square of the count.
/// The merged mapping now indexes its keys; the result is unchanged (order, later wins).
#[test]
fn long_lists_of_functions_and_resources() {
    let count = 40_000;
    let mut text = format!("{HEAD}functions:\n");
    for index in 0..count {
        text.push_str(&format!("  - f{index}: {{handler: h}}\n"));
    }
    text.push_str("  - f0: {handler: last}\nresources:\n");
    for index in 0..count {
        text.push_str(&format!(
            "  - Resources: {{R{index}: {{Type: 'AWS::SQS::Queue'}}}}\n"
        ));
    }
    let mut root = msk_compile::stages::parse(&text, Format::Yaml).expect("parses");
    let started = Instant::now();
    let diagnostics = msk_compile::stages::merge_arrays(&mut root);
    let elapsed = started.elapsed();
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert!(elapsed < Duration::from_secs(5), "took {elapsed:?}");
    let keys = |node: &msk_compile::stages::Node| -> Vec<String> {
        match &node.value {
            msk_compile::stages::Value::Object(entries) => {
                entries.iter().map(|entry| entry.key.clone()).collect()
            }
            other => panic!("not merged into a mapping: {other:?}"),
        }
    };
    let functions = root.get("functions").expect("functions");
    let names = keys(functions);
    assert_eq!(names.len(), count);
    assert_eq!(
        (names[0].as_str(), names[count - 1].as_str()),
        ("f0", "f39999")
    );
    assert_eq!(
        functions
            .pointer(&["f0", "handler"])
            .and_then(|node| node.as_str()),
        Some("last"),
        "a later item wins, in the first one's place"
    );
    let resources = root
        .pointer(&["resources", "Resources"])
        .expect("Resources");
    assert_eq!(keys(resources).len(), count);
}

/// Finding 9 (hang, quadratic): each `${self:…}` or `${param:…}` reference found its key by
/// scanning the mapping's keys (several times: once per step of the path), so 40 000
/// references to the keys of a 40 000-key mapping (`params.default`, a `custom` table) grew
/// with the square of the count. Large mappings of the config now index their keys.
#[test]
fn references_to_every_key_of_a_large_mapping() {
    let count = 40_000;
    let mut text = format!("{HEAD}params:\n  default:\n");
    for index in 0..count {
        text.push_str(&format!("    p{index}: v{index}\n"));
    }
    text.push_str("custom:\n  table:\n");
    for index in 0..count {
        text.push_str(&format!("    t{index}: w{index}\n"));
    }
    text.push_str("  fromParams:\n");
    for index in 0..count {
        text.push_str(&format!("    k{index}: ${{param:p{index}}}\n"));
    }
    text.push_str("  fromSelf:\n");
    for index in 0..count {
        text.push_str(&format!("    k{index}: ${{self:custom.table.t{index}}}\n"));
    }
    // The last one reads a value that is itself resolved first, and one that is missing.
    text.push_str("  last: ${self:custom.fromSelf.k39999}-${param:p7}\n");
    text.push_str("  missing: ${self:custom.table.none, 'fallback'}\n");
    text.push_str("functions:\n  f:\n    handler: h\n    events:\n      - msk: {arn: 'arn:aws:kafka:us-east-1:111111111111:cluster/c/1', topic: '${self:custom.last}', consumerGroupId: '${self:custom.missing}'}\n");
    let report = timed(|| compile_yaml(&text));
    assert!(!report.has_errors(), "{:?}", codes_of(&report));
    let mapping = &report.compiled.expect("compiles").to_json()["Resources"]["FEventSourceMappingMSKCW39999v7"];
    assert_eq!(mapping["Properties"]["Topics"][0], "w39999-v7");
    assert_eq!(
        mapping["Properties"]["AmazonManagedKafkaEventSourceConfig"]["ConsumerGroupId"],
        "fallback"
    );
}

/// A short mutation round over the merge (what `fuzz/fuzz_targets/merge.rs` does under
/// libFuzzer, without it): the oracle's templates, mutated (spans deleted, duplicated or
/// replaced with tokens the merge looks at), merged with a serverless-v3 and an extended
/// compile; every accepted merge must be idempotent. `cargo test -- --ignored` runs it.
#[test]
#[ignore = "a fuzzing round, minutes long"]
fn merge_of_mutated_templates_is_idempotent() {
    const TOKENS: &[&str] = &[
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        "\"Sid\"",
        "\"MskEventsDescribeClusters\"",
        "\"MskEventsAudit\"",
        "1e400",
        "\"0\"",
        "\"Resources\"",
        "null",
        "\"msk-events\"",
        "\"Policies\"",
        "\"sqs:ReceiveMessage\"",
        "\"kafka:DescribeCluster\"",
        "\"*\"",
        "\"AWS::IAM::Role\"",
        "\"EventSourceMappingMSKX\"",
        "\"\\u0000\"",
        "-0",
        "\"Type\"",
    ];
    let events = "      - msk: {arn: 'arn:aws:kafka:us-east-1:111111111111:cluster/my-cluster/abc', topic: orders}\n      - sqs: arn:aws:sqs:us-east-1:111111111111:q\n";
    let v3 = compile_yaml(&format!(
        "{HEAD}functions:\n  consumer:\n    handler: h\n    events:\n{events}"
    ))
    .compiled
    .expect("compiles");
    let mut options = oracle_options();
    options.profile = Some(msk_compile::Profile::Extended);
    let extended = compile_source(
        &format!("{HEAD}functions:\n  consumer:\n    handler: h\n    events:\n{events}"),
        Format::Yaml,
        &options,
    )
    .compiled
    .expect("compiles");
    let seeds: Vec<String> = msk_tests::case_dirs()
        .into_iter()
        .filter_map(|dir| std::fs::read_to_string(dir.join("expected.json")).ok())
        .collect();
    let rounds: usize = std::env::var("MERGE_FUZZ_ROUNDS")
        .ok()
        .and_then(|rounds| rounds.parse().ok())
        .unwrap_or(20_000);
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move |below: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % below.max(1) as u64) as usize
    };
    let (mut merged, mut failures) = (0, Vec::new());
    for _ in 0..rounds {
        let mut text = seeds[next(seeds.len())].clone().into_bytes();
        for _ in 0..1 + next(4) {
            let at = next(text.len());
            let len = next(64).min(text.len() - at);
            match next(3) {
                0 => drop(text.drain(at..at + len)),
                1 => {
                    let copy = text[at..at + len].to_vec();
                    let to = next(text.len());
                    text.splice(to..to, copy);
                }
                _ => drop(text.splice(at..at + len.min(4), TOKENS[next(TOKENS.len())].bytes())),
            }
        }
        let Ok(text) = String::from_utf8(text) else {
            continue;
        };
        for compiled in [&v3, &extended] {
            let Ok(once) = msk_compile::template::merge(&text, compiled) else {
                continue;
            };
            merged += 1;
            let twice = msk_compile::template::merge(&once, compiled);
            if twice.as_ref().ok() != Some(&once) {
                failures.push(text.clone());
            }
        }
    }
    eprintln!(
        "{merged} accepted merges of {rounds} mutated templates, {} not idempotent",
        failures.len()
    );
    if let Some(first) = failures.first() {
        let _ = std::fs::write(std::env::temp_dir().join("merge-fuzz-finding.json"), first);
    }
    assert!(
        failures.is_empty(),
        "{} of {merged} merges not idempotent",
        failures.len()
    );
}
