//! Fuzz target: the merge of mutated templates. The input is a template (seed it with the
//! oracle's `tests/cases/*/expected.json`); each of three fixed compiles (serverless-v3, the
//! extended profile with an own-role policy, and no msk event at all) is merged into it, and
//! whenever the merge accepts the template: the result is JSON, and merging into the result
//! gives it back unchanged (merge×2 = merge×1).
#![no_main]

use libfuzzer_sys::fuzz_target;
use msk_compile::{Format, Options, Profile, compile_source, template};

const CONFIGS: [(&str, Option<Profile>); 3] = [
    (
        "service: s\nprovider: {name: aws}\nfunctions:\n  consumer:\n    handler: h\n    events:\n      - msk: {arn: 'arn:aws:kafka:us-east-1:111111111111:cluster/my-cluster/abc', topic: orders}\n      - sqs: arn:aws:sqs:us-east-1:111111111111:q\n",
        None,
    ),
    (
        "service: s\nprovider: {name: aws}\nfunctions:\n  consumer:\n    handler: h\n    events:\n      - msk: {arn: 'arn:aws:kafka:us-east-1:111111111111:cluster/my-cluster/abc', topic: orders, saslScram512: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:s', destinations: {onFailure: 'arn:aws:sqs:us-east-1:111111111111:dlq'}}\n",
        Some(Profile::Extended),
    ),
    (
        "service: s\nprovider: {name: aws}\nfunctions:\n  consumer:\n    handler: h\n",
        None,
    ),
];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for (config, profile) in CONFIGS {
        let options = Options {
            profile,
            ..Options::default()
        };
        let Some(compiled) = compile_source(config, Format::Yaml, &options).compiled else {
            panic!("the fixed config compiles");
        };
        let Ok(once) = template::merge(text, &compiled) else {
            continue;
        };
        assert!(
            serde_json::from_str::<serde_json::Value>(&once).is_ok(),
            "the merged template is JSON"
        );
        let twice = template::merge(&once, &compiled).expect("a merged template merges again");
        assert!(twice == once, "merging twice differs from merging once");
    }
});
