//! Fuzz target over the whole path of `msk-compile`: bytes → text → load → resolve variables
//! → validate → compile → render diagnostics → write the output and merge it into a template.
//!
//! Contract checked on every input (a violation aborts the run as a crash):
//! - nothing panics, overflows the stack or allocates without bound (libFuzzer's `-timeout`
//!   and `-rss_limit_mb` turn hangs and memory blow-ups into findings too);
//! - no data is lost silently: a run yields compiled output exactly when it reports no error,
//!   and every error carries a code and a span inside the text;
//! - every diagnostic renders in each `--message-format` (human with and without colour, JSON,
//!   GitHub annotations), and the JSON format is one valid JSON object per line;
//! - compiled output serializes to JSON and YAML, and merges into a template giving valid JSON;
//!   merging is idempotent: merging into the merged template gives it back unchanged;
//! - exit 0 under `extended` means CloudFormation accepts the mappings: every mapping compiled
//!   without error validates against `AWS::Lambda::EventSourceMapping`'s schema as the pinned
//!   cfn-lint ships it (read from `../.venv-validators`, which `.ci/run` installs), CloudFormation
//!   functions aside, and but for mappings `resources.extensions` writes into (the user's own
//!   CloudFormation, merged as Serverless merges it).
//!
//! Each input runs under both profiles: once with none given (so `custom.mskEvents.profile`
//! decides, `serverless-v3` by default) and once with `--profile extended`. `${file(…)}` paths
//! resolve in `fuzz/includes/` (a YAML file, a JSON file, a text file, a nested include and an
//! include cycle), `${param:topic}` comes from `--param`, and `--values` holds a few variables.
//! JSON input is also given as the `--resolved` config of a fixed small `serverless.yml`.
//!
//! Bytes that are not UTF-8 take the CLI's path: the lossy text is compiled and rendered under a
//! `CONFIG_NOT_UTF8` diagnostic at the first bad byte. Input whose first non-blank byte is `{` or
//! `[` is also compiled as `serverless.json`, so the JSON loader is fuzzed by the same corpus.

#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use msk_compile::render::{MessageFormat, SourceFile, render_located};
use msk_compile::{
    Code, Diagnostic, Format, Options, Profile, ResolvedConfig, SourceText, Values,
    Span, VariableOptions, compile_source, json, stages, template,
};

/// A template shaped like the framework's: the shared role with a policy to append to, a
/// function, a role of its own (`role: ConsumerRole`), and an sqs mapping the msk mappings must be placed before.
const TEMPLATE: &str = r#"{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "ServerlessDeploymentBucket": {"Type": "AWS::S3::Bucket"},
    "IamRoleLambdaExecution": {
      "Type": "AWS::IAM::Role",
      "Properties": {"Policies": [{"PolicyDocument": {"Statement": [
        {"Effect": "Allow", "Action": ["logs:CreateLogStream"], "Resource": "*"},
        {"Effect": "Allow", "Action": ["sqs:ReceiveMessage"], "Resource": "*"}
      ]}}]}
    },
    "ConsumerLambdaFunction": {"Type": "AWS::Lambda::Function"},
    "ConsumerRole": {"Type": "AWS::IAM::Role", "Properties": {"Policies": []}},
    "ConsumerEventSourceMappingSQSQueue": {"Type": "AWS::Lambda::EventSourceMapping"}
  },
  "Outputs": {}
}"#;

/// The `serverless.yml` whose `--resolved` config the JSON inputs are: diagnostics about
/// paths it has point at its lines.
const RESOLVED_SOURCE: &str = "service: s\nprovider:\n  name: aws\nfunctions:\n  f:\n    handler: h\n    events:\n      - msk: ${ssm:/msk/event}\n";

/// The `--values` file.
const VALUES: &str = "'ssm:/msk/arn': arn:aws:kafka:us-east-1:111111111111:cluster/values/3\n'ssm:/msk/event': {arn: 'arn:aws:kafka:us-east-1:111111111111:cluster/values/3', topic: t}\n'aws:accountId': '111111111111'\n'cf:stack.Topic': topic-from-cf\n";

/// `AWS::Lambda::EventSourceMapping`'s `Properties` schema, from the pinned cfn-lint.
fn cloudformation_schema() -> &'static jsonschema::Validator {
    static SCHEMA: std::sync::OnceLock<jsonschema::Validator> = std::sync::OnceLock::new();
    SCHEMA.get_or_init(|| {
        let lib = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../.venv-validators/lib");
        let schemas = std::fs::read_dir(&lib)
            .ok()
            .into_iter()
            .flatten()
            .flatten()
            .map(|entry| entry.path().join("site-packages/cfnlint/data/schemas"))
            .find(|path| path.is_dir())
            .expect("cfn-lint is installed in .venv-validators (run .ci/run)");
        let read = |path: std::path::PathBuf| -> serde_json::Value {
            serde_json::from_str(&std::fs::read_to_string(path).expect("readable")).expect("JSON")
        };
        let providers = read(schemas.join("providers/us-east-1.json"));
        let hash = providers["AWS::Lambda::EventSourceMapping"].as_str().expect("known");
        let schema = read(schemas.join(format!("resources/{hash}.json")));
        let properties = serde_json::json!({
            "type": "object",
            "properties": schema["properties"],
            "definitions": schema["definitions"],
            "additionalProperties": false
        });
        jsonschema::draft7::options()
            .should_validate_formats(false)
            .build(&properties)
            .expect("CloudFormation's schema compiles")
    })
}

/// Whether the value at `pointer`, or one of its parents, is a CloudFormation function.
fn under_intrinsic(instance: &serde_json::Value, pointer: &str) -> bool {
    let intrinsic = |node: &serde_json::Value| {
        node.as_object().is_some_and(|map| {
            map.len() == 1 && map.keys().all(|key| key == "Ref" || key.starts_with("Fn::"))
        })
    };
    let mut node = instance;
    for segment in pointer.split('/').skip(1) {
        if intrinsic(node) {
            return true;
        }
        let segment = segment.replace("~1", "/").replace("~0", "~");
        node = match node {
            serde_json::Value::Object(map) => map.get(&segment).unwrap_or(&serde_json::Value::Null),
            serde_json::Value::Array(items) => segment
                .parse::<usize>()
                .ok()
                .and_then(|index| items.get(index))
                .unwrap_or(&serde_json::Value::Null),
            _ => &serde_json::Value::Null,
        };
    }
    intrinsic(node)
}

fuzz_target!(|data: &[u8]| {
    let options = options();
    let extended = Options {
        profile: Some(Profile::Extended),
        ..options.clone()
    };
    match std::str::from_utf8(data) {
        Ok(text) => {
            for options in [&options, &extended] {
                run(text, Format::Yaml, options, None);
                if text.trim_start().starts_with(['{', '[']) {
                    run(text, Format::Json, options, None);
                }
            }
            if text.trim_start().starts_with('{') {
                let resolved = Options {
                    resolved: Some(ResolvedConfig {
                        name: "resolved.json".to_owned(),
                        text: text.to_owned(),
                    }),
                    ..options.clone()
                };
                run(RESOLVED_SOURCE, Format::Yaml, &resolved, None);
            }
        }
        Err(error) => {
            // What the CLI does with such a file: report the first bad byte, against the lossy
            // text (identical up to that byte). The lossy text is compiled as well, so that
            // U+FFFD in every position is exercised.
            let offset = error.valid_up_to();
            let text = String::from_utf8_lossy(data);
            let not_utf8 = Diagnostic::error(Code::ConfigNotUtf8, "the file is not valid UTF-8")
                .at(Span::new(offset, offset + 1));
            for options in [&options, &extended] {
                run(&text, Format::Yaml, options, Some(not_utf8.clone()));
            }
        }
    }
});

/// Fixed options, so that `${opt:…}`, `${env:…}`, `${param:…}`, `${file(…)}` and `${sls:stage}` resolve for some names and
/// fail for others: both branches of the resolver are reachable.
fn options() -> Options {
    let pairs = |entries: &[(&str, &str)]| -> BTreeMap<String, String> {
        entries
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect()
    };
    Options {
        variables: VariableOptions {
            stage: Some("dev".to_owned()),
            region: Some("us-east-1".to_owned()),
            options: pairs(&[("topic", "orders"), ("size", "100")]),
            env: pairs(&[
                (
                    "CLUSTER_ARN",
                    "arn:aws:kafka:us-east-1:111111111111:cluster/c/1",
                ),
                ("ENABLED", "true"),
                ("EMPTY", ""),
            ]),
            // `${file(…)}` reads in `fuzz/includes/` (real files, a directory by `..`, and
            // whatever absolute paths the dictionary names: /dev/zero, /proc).
            service_dir: Some(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("includes")),
            params: pairs(&[("topic", "orders"), ("size", "100")]),
            values: match stages::parse(VALUES, Format::Yaml) {
                Ok(root) => Values::from_tree(root),
                Err(diagnostics) => panic!("the fixed values file is valid: {diagnostics:#?}"),
            },
        },
        ..Options::default()
    }
}

fn run(text: &str, format: Format, options: &Options, extra: Option<Diagnostic>) {
    let report = compile_source(text, format, options);

    assert_eq!(
        report.compiled.is_some(),
        !report.has_errors(),
        "compiled output exactly when there is no error: {:#?}",
        report.diagnostics
    );
    for diagnostic in &report.diagnostics {
        assert!(
            !diagnostic.code.as_str().is_empty(),
            "uncoded diagnostic: {diagnostic:#?}"
        );
        if diagnostic.is_error() {
            let span = diagnostic
                .span
                .unwrap_or_else(|| panic!("error without a position: {diagnostic:#?}"));
            // Inside the config, or inside one of the files the report names (an include,
            // the `--resolved` config).
            let inside = match SourceText::locate(&report.files, span) {
                Some((file, local)) => local.start <= local.end && local.end <= file.text.len(),
                None => span.start <= span.end && span.end <= text.len(),
            };
            assert!(
                inside,
                "span {span:?} outside the {}-byte text and its files: {diagnostic:#?}",
                text.len()
            );
        }
    }

    let file = SourceFile::new("serverless.yml", text);
    for diagnostic in report.diagnostics.iter().chain(&extra) {
        for format in [
            MessageFormat::Human { color: false },
            MessageFormat::Human { color: true },
            MessageFormat::Github,
        ] {
            let _ = render_located(diagnostic, &file, &report.files, format);
        }
        let line = render_located(diagnostic, &file, &report.files, MessageFormat::Json);
        assert!(
            !line.contains('\n'),
            "JSON diagnostics are one per line: {line}"
        );
        assert!(
            serde_json::from_str::<serde_json::Value>(&line).is_ok(),
            "invalid JSON diagnostic: {line}"
        );
    }

    if let Some(compiled) = report.compiled {
        if options.profile == Some(Profile::Extended) {
            for (id, resource) in &compiled.resources {
                if text.contains(id.as_str()) {
                    continue;
                }
                let properties = resource.to_json()["Properties"].clone();
                let rejected: Vec<String> = cloudformation_schema()
                    .iter_errors(&properties)
                    .filter(|error| !under_intrinsic(&properties, error.instance_path().as_str()))
                    .map(|error| format!("{error} at {}", error.instance_path()))
                    .collect();
                assert!(
                    rejected.is_empty(),
                    "exit 0 under extended, but CloudFormation rejects {id}: {rejected:#?}\n{properties:#}"
                );
            }
        }
        let output = compiled.to_json();
        let _ = json::stringify_pretty(&output);
        // `--format yaml` may fail with an error but must not panic.
        let _ = serde_saphyr::to_string(&output);
        let merged = match template::merge(TEMPLATE, &compiled) {
            Ok(merged) => merged,
            // Under the extended profile a function's own role (`role: MyRole`) gets a policy
            // in the template, and the fixed template has only `ConsumerRole`: the one
            // refusal allowed. `serverless package` puts the config's resources in it.
            Err(diagnostic) => {
                let template: serde_json::Value = serde_json::from_str(TEMPLATE).unwrap();
                assert!(
                    compiled
                        .role_policies
                        .iter()
                        .any(|(role, _)| !template["Resources"][role.as_str()].is_object()),
                    "the fixed template is valid: {diagnostic:#?}"
                );
                return;
            }
        };
        assert!(
            serde_json::from_str::<serde_json::Value>(&merged).is_ok(),
            "merged template is not JSON"
        );
        // Idempotent: the msk parts already there are replaced, not added again.
        let again = template::merge(&merged, &compiled)
            .unwrap_or_else(|diagnostic| panic!("a merged template merges again: {diagnostic:#?}"));
        assert!(
            again == merged,
            "merging twice differs from merging once:\n--- once\n{merged}\n--- twice\n{again}"
        );
    }
}
