//! The command line's variable inputs: `${file(…)}` diagnostics in the included file,
//! `--param`, `--values` and `--resolved` (a file or stdin, as the Serverless plugin calls it).
//! The resolved configs are what Serverless 3.40.0's own `serverless print --format json`
//! wrote for those services (`tests/extra-cases/file-whole-event/resolved.json`,
//! `tests/fixtures/resolved-schema-batchsize-zero.json`, `tests/fixtures/extended-resolved*/`);
//! expected outputs are the oracle's (extended profile: the same config compiled directly).

mod binary;

use std::path::{Path, PathBuf};
use std::process::Output;

use binary::{
    diagnostic_at, extra, json_lines, repo, run, run_with_stdin, scratch, stderr, stripped_template,
};

/// The line (1-based) of the first line of `text` containing `needle`, and the column
/// (1-based) just after `prefix`, which `needle` starts with.
fn position(text: &str, needle: &str, prefix: &str) -> (u64, u64) {
    text.lines()
        .enumerate()
        .find_map(|(index, line)| {
            line.find(needle)
                .map(|at| (index as u64 + 1, (at + prefix.len()) as u64 + 1))
        })
        .expect("needle present")
}

#[test]
fn include_diagnostics_point_into_the_included_file() {
    let case = extra("file-whole-event");
    let config = case.join("serverless.yml");
    let output = run(&[
        "compile",
        config.to_str().unwrap_or_default(),
        "--message-format",
        "json",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let lines = json_lines(&output);
    let warning = diagnostic_at(
        &lines,
        "functions.consumer.events.0.msk.batchSize",
        "the batchSize warning",
    );
    let included = std::fs::read_to_string(case.join("events/audit.yml")).expect("include");
    let (line, column) = position(&included, "batchSize: 0", "batchSize: ");
    assert!(
        warning["file"]
            .as_str()
            .is_some_and(|file| file.ends_with("events/audit.yml")),
        "{warning}"
    );
    assert_eq!(
        (warning["line"].as_u64(), warning["column"].as_u64()),
        (Some(line), Some(column))
    );
}

/// Exactly what the Serverless plugin (`serverless-plugin/`) runs: the resolved config on stdin, the
/// template `serverless package` wrote, JSON diagnostics.
#[test]
fn resolved_config_on_stdin_as_the_plugin_calls_it() {
    let case = extra("file-whole-event");
    let dir = scratch("vars", "plugin");
    let expected = std::fs::read_to_string(case.join("expected.json")).expect("expected.json");
    let template = dir.join("cloudformation-template-update-stack.json");
    std::fs::write(&template, stripped_template(&case)).expect("write");
    let resolved = std::fs::read(case.join("resolved.json")).expect("resolved.json");
    let config = case.join("serverless.yml");
    let output = run_with_stdin(
        &[
            "compile",
            config.to_str().unwrap_or_default(),
            "--resolved",
            "-",
            "--template",
            template.to_str().unwrap_or_default(),
            "--message-format",
            "json",
        ],
        &resolved,
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim_end(),
        expected.trim_end()
    );
    // The event is a `${file()}` in serverless.yml, so its batchSize has no line there: the
    // warning points into the resolved config.
    let lines = json_lines(&output);
    assert_eq!(lines.len(), 1, "{lines:?}");
    let warning = &lines[0];
    assert_eq!(warning["path"], "functions.consumer.events.0.msk.batchSize");
    assert_eq!(warning["file"], "<stdin>");
    let text = String::from_utf8_lossy(&resolved).into_owned();
    let (line, column) = position(&text, "\"batchSize\": 0", "\"batchSize\": ");
    assert_eq!(
        (warning["line"].as_u64(), warning["column"].as_u64()),
        (Some(line), Some(column))
    );
    // The template as `serverless package` wrote it, msk parts included: merged again, it
    // comes back byte for byte.
    std::fs::write(&template, &expected).expect("write");
    let output = run_with_stdin(
        &[
            "compile",
            config.to_str().unwrap_or_default(),
            "--resolved",
            "-",
            "--template",
            template.to_str().unwrap_or_default(),
            "--message-format",
            "json",
        ],
        &resolved,
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(String::from_utf8_lossy(&output.stdout), expected);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn resolved_diagnostics_point_at_serverless_yml_where_the_path_exists() {
    let config = repo().join("tests/cases/schema-batchsize-zero/serverless.yml");
    let resolved = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/resolved-schema-batchsize-zero.json");
    let output = run(&[
        "compile",
        config.to_str().unwrap_or_default(),
        "--resolved",
        resolved.to_str().unwrap_or_default(),
        "--message-format",
        "json",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = std::fs::read_to_string(&config).expect("config");
    let (line, column) = position(&text, "batchSize: 0", "batchSize: ");
    let lines = json_lines(&output);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["file"], config.to_str().unwrap_or_default());
    assert_eq!(
        (lines[0]["line"].as_u64(), lines[0]["column"].as_u64()),
        (Some(line), Some(column))
    );
    let compiled: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("stdout is JSON");
    let expected: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            repo().join("tests/cases/schema-batchsize-zero/expected.msk.json"),
        )
        .expect("expected"),
    )
    .expect("json");
    assert_eq!(compiled["Resources"], expected["EventSourceMappings"]);
}

#[test]
fn resolved_config_that_is_not_json_is_a_located_error() {
    let config = repo().join("tests/cases/minimal/serverless.yml");
    let output = run_with_stdin(
        &[
            "compile",
            config.to_str().unwrap_or_default(),
            "--resolved",
            "-",
            "--message-format",
            "json",
        ],
        b"{\"service\": \n",
    );
    assert_eq!(output.status.code(), Some(1));
    let lines = json_lines(&output);
    assert_eq!(lines[0]["code"], "JSON_SYNTAX");
    assert_eq!(lines[0]["file"], "<stdin>");
    assert_eq!(lines[0]["line"], 2);
}

#[test]
fn param_flag_wins_over_stage_and_default() {
    let config = extra("params-default-stage").join("serverless.yml");
    let output = run(&[
        "compile",
        config.to_str().unwrap_or_default(),
        "--param",
        "topic=cli-topic  ",
        "--param=missing=x=y",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let compiled: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("stdout is JSON");
    let properties = compiled["Resources"]
        .as_object()
        .and_then(|resources| resources.values().next())
        .map(|resource| resource["Properties"].clone())
        .expect("one mapping");
    // --param (trimmed at its end as Serverless does), then params.dev, then params.default.
    assert_eq!(properties["Topics"][0], "cli-topic");
    assert_eq!(properties["BatchSize"], 200);
    assert_eq!(
        properties["EventSourceArn"],
        "arn:aws:kafka:us-east-1:111111111111:cluster/default/1"
    );
    assert_eq!(
        properties["AmazonManagedKafkaEventSourceConfig"]["ConsumerGroupId"],
        "grp-x=y"
    );
    let output = run(&[
        "compile",
        config.to_str().unwrap_or_default(),
        "--param",
        "novalue",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("Encountered invalid \"--param\" CLI option value: \"novalue\"")
    );
}

#[test]
fn values_file_gives_remote_and_plugin_values() {
    let dir = scratch("vars", "values");
    std::fs::write(
        dir.join("serverless.yml"),
        "service: s\nprovider: {name: aws}\nfunctions:\n  f:\n    handler: h\n    events:\n      - msk:\n          arn: ${ssm:/${sls:stage}/msk/arn}\n          topic: ${vault(team, eu):topics.orders}\n          consumerGroupId: acct-${aws:accountId}\n",
    )
    .expect("write");
    let config = dir.join("serverless.yml");
    let output = run(&[
        "compile",
        config.to_str().unwrap_or_default(),
        "--message-format",
        "json",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let lines = json_lines(&output);
    let ssm = diagnostic_at(&lines, "functions.f.events.0.msk.arn", "the ssm error");
    assert_eq!(ssm["code"], "VARIABLE_UNRESOLVED");
    let help = ssm["help"].as_str().unwrap_or_default();
    assert!(
        help.contains("--values") && help.contains("ssm:/dev/msk/arn: <value>"),
        "{help}"
    );
    assert!(
        help.contains("--resolved") && !help.contains("--stage"),
        "{help}"
    );

    std::fs::write(
        dir.join("values.yml"),
        "ssm:/dev/msk/arn: arn:aws:kafka:us-east-1:111111111111:cluster/prod/1\n\"${vault(team, eu):topics.orders}\": orders\naws:accountId: \"123456789012\"\n",
    )
    .expect("write");
    let values = dir.join("values.yml");
    let output = run(&[
        "compile",
        config.to_str().unwrap_or_default(),
        "--values",
        values.to_str().unwrap_or_default(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let compiled: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("stdout is JSON");
    let resource = &compiled["Resources"]["FEventSourceMappingMSKProdOrders"]["Properties"];
    assert_eq!(
        resource["EventSourceArn"],
        "arn:aws:kafka:us-east-1:111111111111:cluster/prod/1"
    );
    assert_eq!(
        resource["AmazonManagedKafkaEventSourceConfig"]["ConsumerGroupId"],
        "acct-123456789012"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn file_errors_have_help_that_fits() {
    let dir = scratch("vars", "file-help");
    std::fs::write(dir.join("config.js"), "module.exports = {arn: 'x'};\n").expect("write");
    std::fs::write(
        dir.join("serverless.yml"),
        "service: s\nprovider: {name: aws}\nfunctions:\n  f:\n    handler: h\n    events:\n      - msk:\n          arn: ${file(./config.js):arn}\n          topic: ${file(./missing.yml):topic}\n",
    )
    .expect("write");
    let config = dir.join("serverless.yml");
    let output = run(&[
        "compile",
        config.to_str().unwrap_or_default(),
        "--message-format",
        "json",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let lines = json_lines(&output);
    let script = diagnostic_at(&lines, "functions.f.events.0.msk.arn", "the .js error");
    assert!(
        script["message"]
            .as_str()
            .is_some_and(|message| message.contains("does not run JavaScript"))
    );
    let help = script["help"].as_str().unwrap_or_default();
    assert!(
        help.contains("file(./config.js):arn: <value>") && help.contains("--resolved"),
        "{help}"
    );
    let missing = diagnostic_at(
        &lines,
        "functions.f.events.0.msk.topic",
        "the missing-file error",
    );
    assert_eq!(
        missing["message"],
        "Cannot resolve variable at \"functions.f.events.0.msk.topic\": Value not found at \"file\" source"
    );
    let help = missing["help"].as_str().unwrap_or_default();
    assert!(
        help.contains("missing.yml") && !help.contains("--stage"),
        "{help}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The Serverless plugin's call under the extended profile on a fixture (`tests/fixtures/NAME`:
/// its `serverless.yml`, its `resolved.json` on stdin), into a copy of the extended example's
/// base template, with JSON diagnostics.
struct PluginCall {
    dir: PathBuf,
    base: PathBuf,
    template: PathBuf,
    config: PathBuf,
    resolved: Vec<u8>,
    output: Output,
}

fn plugin_call_extended(name: &str) -> PluginCall {
    let dir = scratch("vars", name);
    let base = repo().join("tests/extended/example-base-template.json");
    let template = dir.join("cloudformation-template-update-stack.json");
    std::fs::copy(&base, &template).expect("copy the base template");
    let case = fixture(name);
    let config = case.join("serverless.yml");
    let resolved = std::fs::read(case.join("resolved.json")).expect("resolved.json");
    let output = run_with_stdin(
        &[
            "compile",
            config.to_str().unwrap_or_default(),
            "--resolved",
            "-",
            "--template",
            template.to_str().unwrap_or_default(),
            "--profile",
            "extended",
            "--message-format",
            "json",
        ],
        &resolved,
    );
    PluginCall {
        dir,
        base,
        template,
        config,
        resolved,
        output,
    }
}

/// The Serverless plugin's call under the extended profile (`--resolved -`, the template
/// `serverless package` wrote, `--profile extended`, JSON diagnostics), on a config using
/// every extended key (`examples/extended/serverless.yml`, in `warn` mode so that Serverless
/// 3.40.0 prints it): no diagnostic, and the same template as compiling the example itself.
#[test]
fn extended_profile_with_the_resolved_config_as_the_plugin_calls_it() {
    let PluginCall {
        dir, base, output, ..
    } = plugin_call_extended("extended-resolved");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stderr(&output), "", "no diagnostic");
    let merged = String::from_utf8_lossy(&output.stdout).into_owned();
    // The example read directly (its own `configValidationMode: error`, its profile from
    // `custom.mskEvents`): what `tests/validators.rs` lints.
    let example = repo().join("examples/extended/serverless.yml");
    let direct = run(&[
        "compile",
        example.to_str().unwrap_or_default(),
        "--template",
        base.to_str().unwrap_or_default(),
    ]);
    assert_eq!(direct.status.code(), Some(0), "{}", stderr(&direct));
    assert_eq!(merged, String::from_utf8_lossy(&direct.stdout));
    // Every extension key reached the mappings: one property each.
    let template: serde_json::Value = serde_json::from_str(&merged).expect("stdout is JSON");
    let mappings: Vec<&serde_json::Value> = template["Resources"]
        .as_object()
        .expect("Resources")
        .values()
        .filter(|resource| resource["Type"] == "AWS::Lambda::EventSourceMapping")
        .collect();
    assert_eq!(mappings.len(), 4);
    for property in [
        "ProvisionedPollerConfig",
        "DestinationConfig",
        "AmazonManagedKafkaEventSourceConfig",
        "KmsKeyArn",
        "MetricsConfig",
        "LoggingConfig",
        "MaximumRetryAttempts",
        "MaximumRecordAgeInSeconds",
        "BisectBatchOnFunctionError",
        "FunctionResponseTypes",
        "Tags",
        "SourceAccessConfigurations",
    ] {
        assert!(
            mappings
                .iter()
                .any(|mapping| !mapping["Properties"][property].is_null()),
            "{property} is set on a mapping"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// An extended rule broken behind variables (`logLevel: ${self:custom.levels.${sls:stage}}`
/// without `provisionedPollers`), the resolved config on stdin: the error points at the
/// value in serverless.yml, and nothing is written.
#[test]
fn extended_rule_error_with_the_resolved_config_points_at_serverless_yml() {
    let PluginCall {
        dir,
        base,
        template,
        config,
        resolved,
        output,
    } = plugin_call_extended("extended-resolved-error");
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(output.stdout.is_empty(), "no template on stdout");
    let lines = json_lines(&output);
    assert_eq!(lines.len(), 1, "{lines:?}");
    let error = &lines[0];
    assert_eq!(error["severity"], "error");
    assert_eq!(error["code"], "MSK_REQUIRES_PROVISIONED_MODE");
    assert_eq!(error["path"], "functions.ingest.events.0.msk.logLevel");
    assert_eq!(error["file"], config.to_str().unwrap_or_default());
    let text = std::fs::read_to_string(&config).expect("config");
    let (line, column) = position(&text, "logLevel: ${", "logLevel: ");
    assert_eq!(
        (error["line"].as_u64(), error["column"].as_u64()),
        (Some(line), Some(column))
    );
    assert!(
        error["help"]
            .as_str()
            .is_some_and(|help| help.contains("provisionedPollers")),
        "{error}"
    );
    // Under the default profile the same keys are Serverless' unknown keys (warnings in
    // `warn` mode, this config's default), and the mapping compiles without them.
    let output = run_with_stdin(
        &[
            "compile",
            config.to_str().unwrap_or_default(),
            "--resolved",
            "-",
            "--profile",
            "serverless-v3",
            "--message-format",
            "json",
        ],
        &resolved,
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let lines = json_lines(&output);
    assert!(
        lines.iter().all(|line| line["severity"] == "warning"
            && line["file"] == config.to_str().unwrap_or_default()),
        "{lines:?}"
    );
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(
        std::fs::read(&template).expect("template"),
        std::fs::read(&base).expect("base"),
        "the template is untouched"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
