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
//! * the server never tried to reach the network.
//!
//! Needs Node.js and `npm ci` in `tests/editor` (`.ci/run` does it). Without `node` on PATH the
//! test is skipped with a message; with Node but without the installed server it fails.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use msk_compile::Profile;
use msk_compile::json::stringify_pretty;
use msk_compile::load::CLOUDFORMATION_TAGS;
use msk_compile::schema::serverless_schema;
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

#[test]
fn yaml_language_server_understands_the_msk_event() {
    let Some(node) = node_version() else {
        eprintln!(
            "SKIPPED schema_editor: `node` is not on PATH; the editor test needs Node.js (and `npm ci` in tests/editor)"
        );
        return;
    };
    let tests = Path::new(env!("CARGO_MANIFEST_DIR"));
    let harness = tests.join("editor");
    assert!(
        harness
            .join("node_modules/yaml-language-server/package.json")
            .is_file(),
        "yaml-language-server is not installed: run `npm ci` in tests/editor (.ci/run does)"
    );
    let root = tests.parent().expect("the workspace root");

    let mut work = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("schema-editor");
    if has_dot_directory(&work) {
        work = std::env::temp_dir().join("msk-events-schema-editor");
    }
    assert!(
        !has_dot_directory(&work),
        "{} has no directory starting with `.` (yaml.schemas would not apply)",
        work.display()
    );
    let schema_path = work.join("msk-events.schema.json");
    std::fs::create_dir_all(&work).expect("the work directory can be created");
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
    for document in &documents {
        if let Some(parent) = document.path.parent() {
            std::fs::create_dir_all(parent).expect("a document directory can be created");
        }
        std::fs::write(&document.path, &document.text).expect("a document can be written");
    }
    let job = json!({
        "settings": { "schemas": { schema_uri: patterns }, "customTags": custom_tags },
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
    let results = result["documents"]
        .as_array()
        .expect("one result per document");
    assert_eq!(results.len(), documents.len());
    let diagnostics = |index: usize| -> Vec<(u64, String)> {
        results[index]["diagnostics"]
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
    };

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
