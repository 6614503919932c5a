//! What an editor shows with the exported schema: yaml-language-server 2.0.0 (the engine of
//! VS Code's YAML extension), driven headless over LSP by `tests/editor/lsp-session.cjs`, with
//! the schema from `serverless_schema` and exactly the settings README.md tells users to set
//! (`yaml.schemas`, `yaml.customTags`), plus one file associated through the modeline.
//!
//! Asserted, in one server session:
//! * completion inside an empty `msk` mapping lists all ten keys, each with its documentation,
//!   and a new `events[]` item offers the "msk event" snippet;
//! * hover on `batchSize` shows its title, its description with the range, and the link to the
//!   CloudFormation property;
//! * `batchSize: 0` and an unknown key each give one diagnostic, on their own line, and a
//!   realistic config (`examples/serverless.yml`, with `!Ref`/`!ImportValue`, variables, a
//!   `<<` merge) and a config with variables in every msk value give none;
//! * the server never tried to reach the network;
//! * with the extended profile's schema (a second session), the cross-key rules are flagged
//!   on exactly the lines the compiler flags, with its code, and not behind variables.
//!
//! Needs Node.js and `npm ci` in `tests/editor` (`.ci/run` does it). Without `node` on PATH the
//! test is skipped with a message; with Node but without the installed server it fails.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use msk_compile::Profile;
use msk_compile::json::stringify_pretty;
use msk_compile::schema::serverless_schema;
use msk_compile::stages::CLOUDFORMATION_TAGS;
use serde_json::{Value, json};

/// A realistic service with two errors in its msk event, next to other event types that must
/// not be flagged.
const INVALID: &str = r#"service: orders
frameworkVersion: '3'

provider:
  name: aws
  runtime: nodejs18.x

functions:
  consumer:
    handler: src/consumer.handler
    events:
      - http:
          path: /orders
          method: post
      - sqs: arn:aws:sqs:us-east-1:111111111111:orders
      - msk:
          arn: arn:aws:kafka:us-east-1:111111111111:cluster/orders/9a8b7c6d-1e2f-3a4b-5c6d-7e8f9a0b1c2d-3
          topic: orders.created
          batchSize: 0
          startingPosition: LATEST
          bogusKey: 1
"#;

/// An `msk` event whose mapping is still empty (the cursor goes on its blank line), and a new
/// `events[]` item being written.
const COMPLETE: &str = "service: orders\nprovider:\n  name: aws\nfunctions:\n  consumer:\n    handler: src/consumer.handler\n    events:\n      - msk:\n          \n      - \n";

/// One document of the session: where it is, its text, and the positions to ask about.
struct Document {
    path: PathBuf,
    text: String,
    complete: Vec<(u32, u32)>,
    hover: Vec<(u32, u32)>,
}

/// The LSP position (0-based line and UTF-16 column; the texts here are ASCII) of `needle`'s
/// first character, on the first line containing it.
fn position(text: &str, needle: &str) -> (u32, u32) {
    text.lines()
        .enumerate()
        .find_map(|(line, content)| {
            content
                .find(needle)
                .map(|column| (to_u32(line), to_u32(column)))
        })
        .unwrap_or_else(|| panic!("{needle:?} is in the document"))
}

fn to_u32(value: usize) -> u32 {
    u32::try_from(value).expect("test documents are small")
}

fn line_of(text: &str, needle: &str) -> u64 {
    u64::from(position(text, needle).0)
}

/// The JSON block of README.md that holds `yaml.customTags`: the test uses the settings users
/// are told to copy.
fn readme_settings(root: &Path) -> Value {
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md is readable");
    let mut blocks = readme.split("```json\n").skip(1);
    let block = blocks
        .find_map(|rest| {
            rest.split_once("\n```")
                .map(|(block, _)| block)
                .filter(|block| block.contains("yaml.customTags"))
        })
        .expect("README.md has a ```json block with yaml.customTags");
    serde_json::from_str(block).expect("README.md's settings block is JSON")
}

fn node_version() -> Option<String> {
    let output = Command::new("node").arg("--version").output().ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// The files of one directory must not be under a directory whose name starts with `.`:
/// yaml-language-server does not apply `yaml.schemas` patterns there.
fn has_dot_directory(path: &Path) -> bool {
    path.components().any(|component| {
        component.as_os_str().to_string_lossy().starts_with('.')
            && component.as_os_str() != "."
            && component.as_os_str() != ".."
    })
}

/// The editor harness (`tests/editor`), or `None` (with a message) when `node` is missing.
/// With Node but without the installed server, a failure.
fn harness() -> Option<(PathBuf, String)> {
    let Some(node) = node_version() else {
        eprintln!(
            "SKIPPED schema_editor: `node` is not on PATH; the editor test needs Node.js (and `npm ci` in tests/editor)"
        );
        return None;
    };
    let harness = Path::new(env!("CARGO_MANIFEST_DIR")).join("editor");
    assert!(
        harness
            .join("node_modules/yaml-language-server/package.json")
            .is_file(),
        "yaml-language-server is not installed: run `npm ci` in tests/editor (.ci/run does)"
    );
    Some((harness, node))
}

/// A scratch directory for one session, outside any directory starting with `.`.
fn work_dir(name: &str) -> PathBuf {
    let mut work = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    if has_dot_directory(&work) {
        work = std::env::temp_dir().join(format!("msk-events-{name}"));
    }
    assert!(
        !has_dot_directory(&work),
        "{} has no directory starting with `.` (yaml.schemas would not apply)",
        work.display()
    );
    std::fs::create_dir_all(&work).expect("the work directory can be created");
    work
}

/// Writes the documents and runs one server session over them (`lsp-session.cjs`); its
/// result, checked for the right server, no errors and no network attempt.
fn run_session(harness: &Path, node: &str, settings: Value, documents: &[Document]) -> Value {
    for document in documents {
        if let Some(parent) = document.path.parent() {
            std::fs::create_dir_all(parent).expect("a document directory can be created");
        }
        std::fs::write(&document.path, &document.text).expect("a document can be written");
    }
    let job = json!({
        "settings": settings,
        "documents": documents.iter().map(|document| json!({
            "path": document.path,
            "text": document.text,
            "complete": document.complete.iter().map(|(line, column)| [line, column]).collect::<Vec<_>>(),
            "hover": document.hover.iter().map(|(line, column)| [line, column]).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    });
    let started = Instant::now();
    let mut child = Command::new("node")
        .arg(harness.join("lsp-session.cjs"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(job.to_string().as_bytes())
        .expect("the job is written");
    let output = child.wait_with_output().expect("the session ends");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "lsp-session failed ({}):\n{stderr}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout)
    );
    let result: Value = serde_json::from_slice(&output.stdout).expect("lsp-session prints JSON");
    eprintln!(
        "schema_editor: {} on node {} (harness started with node {node}), {} ms; timings {}",
        result["server"],
        result["node"],
        started.elapsed().as_millis(),
        result["timingsMs"]
    );
    assert_eq!(result["server"], "yaml-language-server 2.0.0");
    assert_eq!(result["errors"], json!([]), "{result:#}");
    assert_eq!(
        result["blockedNetwork"],
        json!([]),
        "the server stayed offline"
    );
    let count = result["documents"].as_array().map_or(0, Vec::len);
    assert_eq!(count, documents.len(), "one result per document");
    result
}

/// `(line, message)` of every diagnostic of document `index` (0-based lines).
fn diagnostics_of(result: &Value, index: usize) -> Vec<(u64, String)> {
    result["documents"][index]["diagnostics"]
        .as_array()
        .map(|all| {
            all.iter()
                .map(|diagnostic| {
                    (
                        diagnostic["range"]["start"]["line"]
                            .as_u64()
                            .unwrap_or(u64::MAX),
                        diagnostic["message"]
                            .as_str()
                            .unwrap_or_default()
                            .to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn yaml_language_server_understands_the_msk_event() {
    let Some((harness, node)) = harness() else {
        return;
    };
    let tests = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = tests.parent().expect("the workspace root");
    let work = work_dir("schema-editor");
    let schema_path = work.join("msk-events.schema.json");
    std::fs::write(
        &schema_path,
        stringify_pretty(&serverless_schema(Profile::ServerlessV3)),
    )
    .expect("the schema can be written");

    // The settings of README.md, with the schema path made absolute (the README's is relative
    // to a workspace folder, which this session does not have).
    let settings = readme_settings(root);
    let custom_tags = settings["yaml.customTags"].clone();
    let expected_tags: Vec<String> = CLOUDFORMATION_TAGS
        .iter()
        .flat_map(|tag| {
            ["scalar", "sequence", "mapping"].map(|kind| format!("!{tag} {kind}:object"))
        })
        .collect();
    assert_eq!(
        custom_tags,
        json!(expected_tags),
        "README lists the 17 short forms Serverless reads, in all three kinds"
    );
    let patterns = settings["yaml.schemas"]["./msk-events.schema.json"].clone();
    assert!(
        patterns
            .as_array()
            .is_some_and(|all| all.contains(&json!("serverless.yml"))),
        "README maps serverless.yml: {patterns}"
    );
    let schema_uri = format!("file://{}", schema_path.display());

    let example = std::fs::read_to_string(root.join("examples/serverless.yml"))
        .expect("examples/serverless.yml");
    let variables = std::fs::read_to_string(tests.join("schema-fixtures/variables-everywhere.yml"))
        .expect("variables fixture");
    let documents = vec![
        Document {
            path: work.join("invalid/serverless.yml"),
            text: INVALID.to_owned(),
            complete: Vec::new(),
            hover: vec![position(INVALID, "batchSize"), position(INVALID, "LATEST")],
        },
        Document {
            path: work.join("complete/serverless.yml"),
            text: COMPLETE.to_owned(),
            complete: vec![(8, 10), (9, 8)],
            hover: Vec::new(),
        },
        // The README's modeline, with the schema one directory up.
        Document {
            path: work.join("example/serverless.yml"),
            text: format!("# yaml-language-server: $schema=../msk-events.schema.json\n{example}"),
            complete: Vec::new(),
            hover: Vec::new(),
        },
        Document {
            path: work.join("variables/serverless.yml"),
            text: variables,
            complete: Vec::new(),
            hover: Vec::new(),
        },
    ];
    let result = run_session(
        &harness,
        &node,
        json!({ "schemas": { schema_uri: patterns }, "customTags": custom_tags }),
        &documents,
    );
    let results = result["documents"]
        .as_array()
        .expect("one result per document");
    let diagnostics = |index: usize| diagnostics_of(&result, index);

    // `batchSize: 0` and the unknown key, each on its own line, and nothing else.
    let invalid = diagnostics(0);
    assert_eq!(
        invalid,
        vec![
            (
                line_of(INVALID, "batchSize: 0"),
                "Value is below the minimum of 1.".to_owned()
            ),
            (
                line_of(INVALID, "bogusKey"),
                "Property bogusKey is not allowed.".to_owned()
            ),
        ],
        "{:#}",
        results[0]
    );

    // Hover on `batchSize`: title, description with the range, CloudFormation link.
    let hover = results[0]["hovers"][0]["text"].as_str().unwrap_or_default();
    for expected in [
        "#### Batch size",
        "Largest number of records",
        "`1`–`10000`",
        "[`BatchSize`](",
        "#cfn-lambda-eventsourcemapping-batchsize",
    ] {
        assert!(
            hover.contains(expected),
            "hover on batchSize shows {expected:?}:\n{hover}"
        );
    }
    let range = &results[0]["hovers"][0]["range"];
    assert_eq!(
        range["start"]["line"].as_u64(),
        Some(line_of(INVALID, "batchSize")),
        "the hover is anchored on the key"
    );
    let enum_hover = results[0]["hovers"][1]["text"].as_str().unwrap_or_default();
    for expected in [
        "#### Starting position",
        "* `LATEST`: Only records added",
        "* `TRIM_HORIZON`: **Default.**",
        "* `AT_TIMESTAMP`: Records from",
    ] {
        assert!(
            enum_hover.contains(expected),
            "hover on a startingPosition value shows {expected:?}:\n{enum_hover}"
        );
    }

    // Completion in the empty msk mapping: the ten keys, documented.
    let items = results[1]["completions"][0]["items"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let keys = [
        "arn",
        "batchSize",
        "maximumBatchingWindow",
        "enabled",
        "startingPosition",
        "startingPositionTimestamp",
        "topic",
        "saslScram512",
        "consumerGroupId",
        "filterPatterns",
    ];
    for key in keys {
        let item = items
            .iter()
            .find(|item| item["label"] == key)
            .unwrap_or_else(|| panic!("completion offers {key}: {items:#?}"));
        let documentation = item["documentation"].as_str().unwrap_or_default();
        assert!(
            documentation.contains("CloudFormation: [`")
                && documentation.contains("docs.aws.amazon.com"),
            "{key} is documented: {documentation}"
        );
    }
    let item_snippets = results[1]["completions"][1]["items"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let snippet = item_snippets
        .iter()
        .find(|item| item["label"] == "msk event")
        .unwrap_or_else(|| {
            panic!("a new events[] item offers the msk snippet: {item_snippets:#?}")
        });
    assert!(
        snippet["insertText"]
            .as_str()
            .is_some_and(|text| text.contains("msk:")
                && text.contains("arn: ${1:")
                && text.contains("topic: ${2:")),
        "{snippet:#}"
    );

    // Realistic configs: none.
    assert_eq!(
        diagnostics(2),
        Vec::new(),
        "examples/serverless.yml (modeline) gives no diagnostic: {:#}",
        results[2]
    );
    assert_eq!(
        diagnostics(3),
        Vec::new(),
        "variables in every msk value give no diagnostic: {:#}",
        results[3]
    );
}

/// Provisioned-mode prerequisites the editor must flag and must not: `provisionedPollers:
/// false` is not provisioned mode, a falsy key triggers nothing, `EventCount` alone needs no
/// pollers.
const PROVISIONED: &str = r#"service: ext
provider:
  name: aws
custom:
  mskEvents:
    profile: extended
functions:
  consumer:
    handler: handler.main
    events:
      - msk:
          arn: arn:aws:kafka:us-east-1:111111111111:cluster/orders/8a0e5b9c-2
          topic: orders
          provisionedPollers: false
          metrics: [EventCount, KafkaMetrics]
          bisectBatchOnFunctionError: false
          destinations:
            onFailure: kafka://orders-dlt
      - msk:
          arn: arn:aws:kafka:us-east-1:111111111111:cluster/orders/8a0e5b9c-2
          topic: refunds
          metrics: [EventCount]
          destinations:
            onFailure: arn:aws:sqs:us-east-1:111111111111:refunds-dlq
"#;

/// Every rule's keys behind variables: the editor cannot know their values, so it flags none
/// (the compiler judges them once resolved).
const VARIABLES: &str = r#"service: ext
provider:
  name: aws
custom:
  mskEvents:
    profile: extended
functions:
  consumer:
    handler: handler.main
    events:
      - msk:
          arn: arn:aws:kafka:us-east-1:111111111111:cluster/orders/8a0e5b9c-2
          topic: ${self:custom.topic}
          logLevel: ${self:custom.logLevel}
          metrics: ${self:custom.metrics}
          iamAuth: ${self:custom.iamAuth}
          saslScram512: arn:aws:secretsmanager:us-east-1:111111111111:secret:AmazonMSK_a
      - msk:
          arn: arn:aws:kafka:us-east-1:111111111111:cluster/orders/8a0e5b9c-2
          topic: refunds
          provisionedPollers: ${self:custom.pollers}
          logLevel: INFO
          maximumRetryAttempts: 2
          clientCertificateTlsAuth: ${self:custom.certificate}
          saslScram512: arn:aws:secretsmanager:us-east-1:111111111111:secret:AmazonMSK_a
"#;

/// The 0-based lines of the compiler's diagnostics for a config, with their codes.
fn compiler_lines(name: &str, text: &str) -> Vec<(u64, String)> {
    use msk_compile::render::{MessageFormat, SourceFile, render};
    let report = msk_compile::compile_source(
        text,
        msk_compile::Format::Yaml,
        &msk_tests::oracle_options(),
    );
    let file = SourceFile::new(name, text);
    let mut lines: Vec<(u64, String)> = report
        .diagnostics
        .iter()
        .map(|diagnostic| {
            let json: Value = serde_json::from_str(&render(diagnostic, &file, MessageFormat::Json))
                .expect("a JSON diagnostic");
            (
                json["line"].as_u64().unwrap_or(0).saturating_sub(1),
                json["code"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    lines.sort();
    lines
}

/// Under `--profile extended`, the whole-file schema states the cross-key rules draft-07 can
/// (provisioned-mode prerequisites, exclusive authentication keys, the topic's pattern and
/// length): yaml-language-server flags exactly the lines the compiler flags, with the
/// compiler's message and code, and nothing on the example that uses every key or on values
/// held by variables. (`provisionedPollers.min ≤ max` and the Kafka destination differing from
/// the topic compare two values, which draft-07 cannot; the compiler reports them.)
#[test]
fn yaml_language_server_flags_the_extended_rules() {
    let Some((harness, node)) = harness() else {
        return;
    };
    let tests = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = tests.parent().expect("the workspace root");
    let work = work_dir("schema-editor-extended");
    let schema_path = work.join("msk-events.schema.json");
    let schema = serverless_schema(Profile::Extended);
    std::fs::write(&schema_path, stringify_pretty(&schema)).expect("the schema can be written");
    let settings = readme_settings(root);
    let patterns = settings["yaml.schemas"]["./msk-events.schema.json"].clone();
    let schema_uri = format!("file://{}", schema_path.display());

    // (name, text, judged by the compiler too)
    let mut configs: Vec<(String, String, bool)> = [
        "error-requires-provisioned-mode.yml",
        "error-auth-conflict.yml",
        "error-topic-invalid.yml",
        "error-topic-too-long.yml",
    ]
    .iter()
    .map(|name| {
        let text = msk_tests::read(&tests.join("extended-cases").join(name));
        ((*name).to_owned(), text, true)
    })
    .collect();
    configs.push(("provisioned.yml".to_owned(), PROVISIONED.to_owned(), true));
    configs.push((
        "example.yml".to_owned(),
        msk_tests::read(&root.join("examples/extended/serverless.yml")),
        true,
    ));
    configs.push(("variables.yml".to_owned(), VARIABLES.to_owned(), false));
    let documents: Vec<Document> = configs
        .iter()
        .map(|(name, text, _)| Document {
            path: work
                .join(name.trim_end_matches(".yml"))
                .join("serverless.yml"),
            text: text.clone(),
            complete: Vec::new(),
            hover: Vec::new(),
        })
        .collect();
    let result = run_session(
        &harness,
        &node,
        json!({ "schemas": { schema_uri: patterns }, "customTags": settings["yaml.customTags"] }),
        &documents,
    );

    let mut flagged = 0;
    for (index, (name, text, judged)) in configs.iter().enumerate() {
        let editor = diagnostics_of(&result, index);
        if !judged {
            assert_eq!(editor, Vec::new(), "{name}: nothing flagged");
            continue;
        }
        let compiler = compiler_lines(name, text);
        let mut editor_lines: Vec<u64> = editor.iter().map(|(line, _)| *line).collect();
        editor_lines.sort_unstable();
        let compiler_lines: Vec<u64> = compiler.iter().map(|(line, _)| *line).collect();
        assert_eq!(
            editor_lines, compiler_lines,
            "{name}: the editor flags the compiler's lines\neditor: {editor:#?}\ncompiler: {compiler:#?}"
        );
        // The compiler's code in the editor's message, where yaml-language-server shows one
        // (a length has its own wording).
        for (line, code) in &compiler {
            let message = editor
                .iter()
                .find(|(at, _)| at == line)
                .map(|(_, message)| message.as_str())
                .unwrap_or_default();
            assert!(
                message.contains(&format!("[{code}]"))
                    || message.starts_with("String is longer than the maximum length of 249"),
                "{name}:{}: {message:?} names {code}",
                line + 1
            );
        }
        flagged += compiler.len();
    }
    eprintln!(
        "schema_editor: {flagged} extended rule findings flagged in the editor as by the compiler"
    );
    assert!(flagged >= 15, "the documents break the rules: {flagged}");
}
