//! The command-line contract: output shape, exit statuses, diagnostic formats, template
//! merging and atomic writes. Expected outputs come from the oracle cases in `tests/`.

mod binary;

use binary::{bin, case, repo, run, scratch, stderr, stdout, stripped_template, temporary_files};

fn oracle_msk(name: &str) -> serde_json::Value {
    let text =
        std::fs::read_to_string(case(name).join("expected.msk.json")).expect("expected.msk.json");
    serde_json::from_str(&text).expect("json")
}

#[test]
fn compile_prints_exactly_resources_and_statements() {
    let config = case("all-options").join("serverless.yml");
    let output = run(&[
        "compile",
        config.to_str().unwrap_or_default(),
        "--stage",
        "dev",
        "--region",
        "us-east-1",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let value: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("stdout is JSON");
    let keys: Vec<&String> = value.as_object().expect("object").keys().collect();
    assert_eq!(keys, ["Resources", "IamRoleStatements"]);
    assert_eq!(
        value["Resources"],
        oracle_msk("all-options")["EventSourceMappings"]
    );
    // The oracle's role holds the two log statements first, then the msk pair.
    let statements = oracle_msk("all-options")["IamRoleLambdaExecutionStatements"]
        .as_array()
        .expect("list")[2..]
        .to_vec();
    assert_eq!(
        value["IamRoleStatements"],
        serde_json::Value::Array(statements)
    );
}

#[test]
fn statements_are_null_without_the_shared_role() {
    let config = case("role-provider-arn").join("serverless.yml");
    let output = run(&["compile", config.to_str().unwrap_or_default()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let value: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("stdout is JSON");
    assert!(value["IamRoleStatements"].is_null());
    assert_eq!(
        value["Resources"],
        oracle_msk("role-provider-arn")["EventSourceMappings"]
    );
}

#[test]
fn config_defaults_to_the_current_directory() {
    let output = bin()
        .arg("compile")
        .current_dir(case("minimal"))
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let value: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    assert_eq!(
        value["Resources"],
        oracle_msk("minimal")["EventSourceMappings"]
    );
}

#[test]
fn yaml_output_holds_the_same_data() {
    let config = case("minimal").join("serverless.yml");
    let output = run(&[
        "compile",
        config.to_str().unwrap_or_default(),
        "--format",
        "yaml",
    ]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(
        text.contains("ConsumerEventSourceMappingMSKMyclusterOrders:"),
        "{text}"
    );
    assert!(text.contains("StartingPosition: TRIM_HORIZON"), "{text}");
}

#[test]
fn json_diagnostics_carry_code_path_and_position() {
    // schema-batchsize-zero: `batchSize: 0` in warn mode → a warning, exit 0.
    let config = case("schema-batchsize-zero").join("serverless.yml");
    let text = std::fs::read_to_string(&config).expect("config");
    let (line, column) = text
        .lines()
        .enumerate()
        .find_map(|(index, line)| {
            line.find("batchSize: 0")
                .map(|at| (index + 1, at + "batchSize: ".len() + 1))
        })
        .expect("the case sets batchSize: 0");
    let output = run(&[
        "compile",
        config.to_str().unwrap_or_default(),
        "--message-format",
        "json",
    ]);
    assert_eq!(output.status.code(), Some(0));
    let lines: Vec<serde_json::Value> = stderr(&output)
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON object per line"))
        .collect();
    let warning = lines
        .iter()
        .find(|diagnostic| diagnostic["path"] == "functions.consumer.events.0.msk.batchSize")
        .expect("a batchSize diagnostic");
    assert_eq!(warning["severity"], "warning");
    assert_eq!(
        warning["code"],
        "INVALID_NON_SCHEMA_COMPLIANT_CONFIGURATION"
    );
    assert_eq!(warning["message"], "must be >= 1");
    assert_eq!(warning["file"], config.to_str().unwrap_or_default());
    assert_eq!(
        (warning["line"].as_u64(), warning["column"].as_u64()),
        (Some(line as u64), Some(column as u64))
    );
}

#[test]
fn errors_exit_1_and_deny_warnings_turns_warnings_into_failure() {
    let error_case = case("at-timestamp-missing").join("serverless.yml");
    let output = run(&["compile", error_case.to_str().unwrap_or_default()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).is_empty());
    assert!(stderr(&output).contains("FUNCTION_MSK_STARTING_POSITION_TIMESTAMP_INVALID"));

    let warn_case = case("schema-batchsize-zero").join("serverless.yml");
    assert_eq!(
        run(&["check", warn_case.to_str().unwrap_or_default()])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        run(&[
            "check",
            warn_case.to_str().unwrap_or_default(),
            "--deny-warnings"
        ])
        .status
        .code(),
        Some(1)
    );
}

#[test]
fn usage_and_io_errors_exit_2() {
    assert_eq!(
        run(&["compile", "/nonexistent/serverless.yml"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(run(&["compile", "--no-such-flag"]).status.code(), Some(2));
    assert_eq!(run(&["explain", "NO_SUCH_CODE"]).status.code(), Some(2));
    let empty = scratch("cli", "empty");
    let output = bin()
        .arg("check")
        .current_dir(&empty)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn invalid_utf8_is_a_coded_error_with_a_position() {
    let dir = scratch("cli", "utf8");
    let path = dir.join("serverless.yml");
    std::fs::write(&path, b"service: s\nprovider:\n  name: \xff\n").expect("write");
    let output = run(&["check", path.to_str().unwrap_or_default()]);
    // An input that cannot be read as text: exit status 2, as for --values and --resolved.
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("CONFIG_NOT_UTF8"),
        "{}",
        stderr(&output)
    );
    assert!(stderr(&output).contains(":3:9"), "{}", stderr(&output));
}

#[test]
fn github_format_writes_workflow_annotations() {
    let config = case("schema-unknown-key").join("serverless.yml");
    let output = run(&[
        "check",
        config.to_str().unwrap_or_default(),
        "--message-format",
        "github",
    ]);
    let text = stderr(&output);
    let first = text.lines().next().expect("a line");
    assert!(first.starts_with("::warning file="), "{first}");
    assert!(
        first.contains(",line=") && first.contains(",col="),
        "{first}"
    );
    assert!(first.contains("unrecognized property"), "{first}");
}

#[test]
fn human_format_shows_the_source_line_and_help() {
    let config = case("schema-enum-case").join("serverless.yml");
    let output = bin()
        .args(["check", config.to_str().unwrap_or_default()])
        .env("NO_COLOR", "1")
        .output()
        .expect("runs");
    let text = stderr(&output);
    assert!(
        text.contains("warning[INVALID_NON_SCHEMA_COMPLIANT_CONFIGURATION]"),
        "{text}"
    );
    assert!(text.contains("startingPosition: latest"), "{text}");
    assert!(
        text.contains("help: values are case-sensitive: write `LATEST`"),
        "{text}"
    );
    assert!(!text.contains('\u{1b}'), "no colour when not a terminal");
}

#[test]
fn template_merge_reproduces_the_oracle_template_and_in_place_is_atomic() {
    let dir = scratch("cli", "template");
    let expected = std::fs::read_to_string(case("multi-function").join("expected.json"))
        .expect("expected.json");
    let template = dir.join("cloudformation-template-update-stack.json");
    std::fs::write(&template, stripped_template(&case("multi-function"))).expect("write");
    let config = case("multi-function").join("serverless.yml");
    let output = run(&[
        "compile",
        config.to_str().unwrap_or_default(),
        "--template",
        template.to_str().unwrap_or_default(),
        "--in-place",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).is_empty());
    assert_eq!(
        std::fs::read_to_string(&template).expect("read").trim_end(),
        expected.trim_end()
    );

    // On a config error the template is left byte-identical.
    let before = std::fs::read(&template).expect("read");
    let bad = case("at-timestamp-missing").join("serverless.yml");
    let output = run(&[
        "compile",
        bad.to_str().unwrap_or_default(),
        "--template",
        template.to_str().unwrap_or_default(),
        "--in-place",
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(std::fs::read(&template).expect("read"), before);
    assert!(temporary_files(&dir).is_empty());
}

#[test]
fn a_template_without_msk_events_comes_back_byte_identical() {
    let dir = scratch("cli", "no-msk");
    let config = dir.join("serverless.yml");
    std::fs::write(&config, "service: plain\nprovider:\n  name: aws\nfunctions:\n  f:\n    handler: h.f\n    events:\n      - sqs: arn:aws:sqs:us-east-1:111111111111:q\n").expect("write");
    let template = dir.join("template.json");
    let original = "{\n  \"Resources\": {\"Odd\":   1.50}\n}\n";
    std::fs::write(&template, original).expect("write");
    let output = run(&[
        "compile",
        config.to_str().unwrap_or_default(),
        "--template",
        template.to_str().unwrap_or_default(),
        "--in-place",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(std::fs::read_to_string(&template).expect("read"), original);
}

#[test]
fn output_is_deterministic() {
    let config = repo().join("examples/serverless.yml");
    let first = run(&["compile", config.to_str().unwrap_or_default()]);
    let second = run(&["compile", config.to_str().unwrap_or_default()]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    assert_eq!(first.stdout, second.stdout);
}

#[test]
fn explain_has_a_page_for_every_code() {
    for code in msk_compile::Code::ALL {
        let output = run(&["explain", code.as_str()]);
        assert_eq!(output.status.code(), Some(0), "{code}");
        let text = stdout(&output);
        assert!(
            text.contains("Example:") && text.contains("How to fix it:"),
            "{text}"
        );
    }
}

#[test]
fn a_file_over_the_size_limit_is_refused_before_reading() {
    let dir = scratch("cli", "big");
    let path = dir.join("serverless.yml");
    let file = std::fs::File::create(&path).expect("create");
    // A sparse file: the size is what counts, nothing needs to be written.
    file.set_len(msk_compile::MAX_CONFIG_BYTES as u64 + 1)
        .expect("set_len");
    let output = run(&[
        "check",
        path.to_str().unwrap_or_default(),
        "--message-format",
        "json",
    ]);
    assert_eq!(output.status.code(), Some(2));
    let diagnostic: serde_json::Value =
        serde_json::from_str(stderr(&output).lines().next().expect("a line")).expect("json");
    assert_eq!(diagnostic["code"], "CONFIG_TOO_LARGE");
    assert_eq!(
        (diagnostic["line"].as_u64(), diagnostic["column"].as_u64()),
        (Some(1), Some(1))
    );
}

/// `resources.extensions` reach the CLI's output: merging into the template Serverless wrote
/// for that config (extended mappings included) gives it back byte for byte, and an extension
/// of a mapping that does not exist exits 1 with Serverless' code, at the extension's name.
#[test]
fn template_merge_applies_resource_extensions() {
    let extra = repo().join("tests/extra-cases");
    let config = extra.join("extensions-mappings/serverless.yml");
    let template = extra.join("extensions-mappings/expected.json");
    let output = run(&[
        "compile",
        config.to_str().unwrap_or_default(),
        "--template",
        template.to_str().unwrap_or_default(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let expected = std::fs::read_to_string(&template).expect("expected.json");
    assert_eq!(stdout(&output).trim_end(), expected.trim_end());

    let bad = extra.join("extensions-not-existing/serverless.yml");
    let output = run(&[
        "compile",
        bad.to_str().unwrap_or_default(),
        "--message-format",
        "json",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let line = stderr(&output);
    let diagnostic: serde_json::Value =
        serde_json::from_str(line.lines().next().unwrap_or_default()).expect("one JSON line");
    assert_eq!(diagnostic["code"], "RESOURCE_EXTENSION_NOT_EXISTING");
    assert_eq!(
        diagnostic["path"],
        "resources.extensions.ConsumerEventSourceMappingMSKOrdersOrder"
    );
    assert_eq!(diagnostic["line"], 30);
}

/// A service whose counts are known: three functions (one without events), five msk events
/// and an sqs event that is not counted.
const COUNTED_SERVICE: &str = "service: counted
provider:
  name: aws
functions:
  first:
    handler: h.main
    events:
      - msk: { arn: 'arn:aws:kafka:us-east-1:111111111111:cluster/a/1', topic: t1 }
      - msk: { arn: 'arn:aws:kafka:us-east-1:111111111111:cluster/a/1', topic: t2 }
      - sqs: arn:aws:sqs:us-east-1:111111111111:queue
  second:
    handler: h.main
    events:
      - msk: { arn: 'arn:aws:kafka:us-east-1:111111111111:cluster/b/1', topic: t1 }
      - msk: { arn: 'arn:aws:kafka:us-east-1:111111111111:cluster/b/1', topic: t2 }
      - msk: { arn: 'arn:aws:kafka:us-east-1:111111111111:cluster/b/1', topic: t3 }
  third:
    handler: h.main
";

#[test]
fn check_says_what_it_checked_on_success() {
    let dir = scratch("cli", "check-summary");
    let path = dir.join("serverless.yml");
    std::fs::write(&path, COUNTED_SERVICE).expect("write");
    let output = run(&["check", path.to_str().unwrap_or_default()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        format!(
            "{}: 3 functions, 5 msk events: no problems\n",
            path.display()
        )
    );

    // Warnings are counted; errors print no summary.
    let warn_case = case("schema-batchsize-zero").join("serverless.yml");
    let output = run(&["check", warn_case.to_str().unwrap_or_default()]);
    assert_eq!(
        stdout(&output),
        format!(
            "{}: 1 function, 1 msk event: 1 warning\n",
            warn_case.display()
        )
    );
    let error_case = case("at-timestamp-missing").join("serverless.yml");
    let output = run(&["check", error_case.to_str().unwrap_or_default()]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stdout(&output), "");
}

#[test]
fn diagnostics_come_out_in_line_order() {
    // The collision (a compile warning, line 13) is found after the schema warning of the
    // later line 16: the report lists schema warnings first, the human and github output
    // follows the file.
    let config = "service: ordered
provider:
  name: aws
functions:
  consumer:
    handler: h.main
    events:
      - msk:
          arn: arn:aws:kafka:us-east-1:111111111111:cluster/my-cluster/1
          topic: orders
      - msk:
          arn: arn:aws:kafka:us-east-1:111111111111:cluster/my.cluster/2
          topic: orders
      - msk:
          arn: arn:aws:kafka:us-east-1:111111111111:cluster/other/3
          batchSize: 0
          topic: orders
";
    let dir = scratch("cli", "line-order");
    let path = dir.join("serverless.yml");
    std::fs::write(&path, config).expect("write");
    for format in ["human", "github"] {
        let output = bin()
            .args([
                "check",
                path.to_str().unwrap_or_default(),
                "--message-format",
                format,
            ])
            .env("NO_COLOR", "1")
            .output()
            .expect("runs");
        let text = stderr(&output);
        let collision = text.find("MSK_LOGICAL_ID_COLLISION").expect(&text);
        let schema = text
            .find("INVALID_NON_SCHEMA_COMPLIANT_CONFIGURATION")
            .expect(&text);
        assert!(collision < schema, "{format}: not in line order:\n{text}");
    }
}

#[test]
fn explain_of_an_unknown_code_suggests_the_closest() {
    let output = run(&["explain", "MSK_LOGICAL_ID_COLISION"]);
    assert_eq!(output.status.code(), Some(2));
    let text = stderr(&output);
    assert_eq!(
        text,
        "error: unknown code `MSK_LOGICAL_ID_COLISION`; did you mean `MSK_LOGICAL_ID_COLLISION`?\n"
    );
    let output = run(&["explain", "msk_logical_id_colision"]);
    assert!(
        stderr(&output).contains("did you mean `MSK_LOGICAL_ID_COLLISION`?"),
        "{}",
        stderr(&output)
    );
    let far = stderr(&run(&["explain", "HELLO"]));
    assert_eq!(far.lines().count(), 1, "{far}");
    assert!(!far.contains(", "), "does not list the codes: {far}");
}
