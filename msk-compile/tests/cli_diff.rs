//! `msk-compile diff OLD NEW` and `--against`: pairs of configs (`tests/diff-pairs/<pair>/`,
//! `old.yml` and `new.yml`) compiled with `msk-compile compile`, then compared. Each pair's
//! `expected.json` holds the codes the comparison must report, in order, and the exit status,
//! with the rule of CloudFormation or Lambda behind them (`why`): the create-only properties of
//! the resource schema, the consumer group ID that must be unique and cannot be updated.

mod binary;

use std::path::{Path, PathBuf};
use std::process::Output;

use binary::{json_lines, repo, run, run_with_stdin, scratch, stderr};

fn pairs_dir() -> PathBuf {
    repo().join("tests/diff-pairs")
}

fn pair_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(pairs_dir())
        .expect("tests/diff-pairs")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.join("expected.json").is_file())
        .collect();
    dirs.sort();
    dirs
}

fn arg(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

/// `msk-compile compile CONFIG` with the oracle's stage and region, written to `output`.
fn compile(config: &Path, output: &Path, extra: &[&str]) {
    let mut args = vec![
        "compile",
        arg(config),
        "--stage",
        "dev",
        "--region",
        "us-east-1",
    ];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["--output", arg(output)]);
    let result = run(&args);
    assert_eq!(
        result.status.code(),
        Some(0),
        "{}: {}",
        config.display(),
        stderr(&result)
    );
}

/// Compiles a pair into `dir` (`old.json`, `new.json`).
fn compiled_pair(pair: &Path, dir: &Path) -> (PathBuf, PathBuf) {
    let old = dir.join("old.json");
    let new = dir.join("new.json");
    compile(&pair.join("old.yml"), &old, &[]);
    compile(&pair.join("new.yml"), &new, &[]);
    (old, new)
}

fn codes(output: &Output) -> Vec<String> {
    json_lines(output)
        .iter()
        .map(|line| line["code"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn expected(pair: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(pair.join("expected.json")).expect("expected.json");
    serde_json::from_str(&text).expect("expected.json is JSON")
}

fn expected_codes(expected: &serde_json::Value) -> Vec<String> {
    expected["codes"]
        .as_array()
        .expect("codes")
        .iter()
        .map(|code| code.as_str().expect("a code").to_owned())
        .collect()
}

fn extra_args(expected: &serde_json::Value) -> Vec<String> {
    expected["args"]
        .as_array()
        .map(|args| {
            args.iter()
                .map(|arg| arg.as_str().expect("an argument").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn every_pair_reports_exactly_its_codes_and_exit_status() {
    let pairs = pair_dirs();
    assert!(pairs.len() >= 20, "{} pairs", pairs.len());
    let mut failures = Vec::new();
    for pair in pairs {
        let name = pair
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let dir = scratch("diff", &name);
        let (old, new) = compiled_pair(&pair, &dir);
        let expected = expected(&pair);
        let mut args = vec![
            "diff".to_owned(),
            arg(&old).to_owned(),
            arg(&new).to_owned(),
            "--message-format".to_owned(),
            "json".to_owned(),
        ];
        args.extend(extra_args(&expected));
        let output = run(&args);
        let got = codes(&output);
        let want = expected_codes(&expected);
        let status = output.status.code();
        let want_status = expected["exit"].as_i64().map(|code| code as i32);
        if got != want || status != want_status {
            failures.push(format!(
                "{name}: got {got:?} exit {status:?}, expected {want:?} exit {want_status:?}\n{}",
                stderr(&output)
            ));
            continue;
        }
        for line in json_lines(&output) {
            for key in ["code", "severity", "message", "help", "logicalId"] {
                assert!(line[key].is_string(), "{name}: no {key} in {line}");
            }
            let severity = if line["code"] == "MSK_MAPPING_REPLACED"
                || line["code"] == "MSK_MAPPING_MOVED"
                || line["code"] == "MSK_MAPPING_REMOVED"
            {
                "warning"
            } else {
                "error"
            };
            assert_eq!(line["severity"], severity, "{name}: {line}");
        }
        for words in expected["messageContains"].as_array().into_iter().flatten() {
            let words = words.as_str().expect("text");
            assert!(
                json_lines(&output)
                    .iter()
                    .any(|line| line["code"] == "MSK_OFFSETS_RESET"
                        && line["message"]
                            .as_str()
                            .is_some_and(|text| text.contains(words))),
                "{name}: no MSK_OFFSETS_RESET message with {words:?}: {}",
                stderr(&output)
            );
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_reset_message_says_replay_or_skip_as_the_starting_position_does() {
    for (pair, says, never) in [
        ("starting-position-latest", "skips", "replays"),
        ("starting-position-trim-horizon", "replays", "skips"),
    ] {
        let dir = scratch("diff", &format!("wording-{pair}"));
        let (old, new) = compiled_pair(&pairs_dir().join(pair), &dir);
        let output = run(&["diff", arg(&old), arg(&new), "--message-format", "json"]);
        let lines = json_lines(&output);
        let reset = lines
            .iter()
            .find(|line| line["code"] == "MSK_OFFSETS_RESET")
            .expect("a reset");
        let message = reset["message"].as_str().expect("message");
        assert!(
            message.contains(says) && !message.contains(never),
            "{pair}: {message}"
        );
    }
}

#[test]
fn check_and_compile_against_report_what_diff_reports() {
    let pair = pairs_dir().join("pinned-group-replaced");
    let dir = scratch("diff", "against");
    let (old, new) = compiled_pair(&pair, &dir);
    let diff = codes(&run(&[
        "diff",
        arg(&old),
        arg(&new),
        "--message-format",
        "json",
    ]));
    assert_eq!(diff, ["MSK_MAPPING_REPLACED", "MSK_CONSUMER_GROUP_REUSED"]);

    let config = pair.join("new.yml");
    let check = run(&[
        "check",
        arg(&config),
        "--against",
        arg(&old),
        "--message-format",
        "json",
    ]);
    assert_eq!(check.status.code(), Some(1), "{}", stderr(&check));
    assert_eq!(codes(&check), diff);
    for line in json_lines(&check) {
        assert_eq!(line["file"], arg(&config), "{line}");
        assert!(line["logicalId"].is_string(), "{line}");
    }

    // compile --against fails like any error: exit 1, nothing written.
    let output = dir.join("out.json");
    let compile = run(&[
        "compile",
        arg(&config),
        "--against",
        arg(&old),
        "--message-format",
        "json",
        "--output",
        arg(&output),
    ]);
    assert_eq!(compile.status.code(), Some(1), "{}", stderr(&compile));
    assert_eq!(codes(&compile), diff);
    assert!(!output.exists());

    // Compared with itself: nothing to say, the output is written.
    let same = run(&[
        "compile",
        arg(&config),
        "--against",
        arg(&new),
        "--output",
        arg(&output),
    ]);
    assert_eq!(same.status.code(), Some(0), "{}", stderr(&same));
    assert!(stderr(&same).is_empty(), "{}", stderr(&same));
    assert!(output.is_file());
}

#[test]
fn compile_against_compares_the_merged_template() {
    // The template `serverless package` wrote, merged: its other resources are no finding.
    let case = repo().join("tests/cases/minimal");
    let dir = scratch("diff", "against-template");
    let template = dir.join("template.json");
    std::fs::write(&template, binary::stripped_template(&case)).expect("write");
    let deployed = dir.join("deployed.json");
    compile(
        &case.join("serverless.yml"),
        &deployed,
        &["--template", arg(&template)],
    );
    let changed = dir.join("serverless.yml");
    let text = std::fs::read_to_string(case.join("serverless.yml")).expect("config");
    std::fs::write(
        &changed,
        text.replace(
            "topic: orders",
            "topic: orders\n          startingPosition: LATEST",
        ),
    )
    .expect("write");
    let output = run(&[
        "compile",
        arg(&changed),
        "--template",
        arg(&template),
        "--against",
        arg(&deployed),
        "--message-format",
        "json",
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(
        codes(&output),
        ["MSK_MAPPING_REPLACED", "MSK_OFFSETS_RESET"]
    );
}

#[test]
fn old_may_be_get_templates_output_on_stdin() {
    let pair = pairs_dir().join("function-renamed");
    let dir = scratch("diff", "stdin");
    let (old, new) = compiled_pair(&pair, &dir);
    // `aws cloudformation get-template --stack-name … --output json` wraps the template.
    let template: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&old).expect("old")).expect("JSON");
    let printed =
        serde_json::json!({"TemplateBody": template, "StagesAvailable": ["Original", "Processed"]});
    let output = run_with_stdin(
        &["diff", "-", arg(&new), "--message-format", "json"],
        printed.to_string().as_bytes(),
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(codes(&output), ["MSK_MAPPING_MOVED", "MSK_OFFSETS_RESET"]);
}

#[test]
fn a_file_that_is_not_a_template_is_a_usage_error() {
    let dir = scratch("diff", "invalid");
    let notes = dir.join("notes.json");
    std::fs::write(&notes, "{\"Description\": \"no resources\"}\n").expect("write");
    let broken = dir.join("broken.json");
    std::fs::write(&broken, "{\"Resources\": {").expect("write");
    for (old, new, file) in [(&notes, &broken, &notes), (&broken, &notes, &broken)] {
        let output = run(&["diff", arg(old), arg(new), "--message-format", "json"]);
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        let lines = json_lines(&output);
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert_eq!(lines[0]["code"], "MSK_TEMPLATE_INVALID");
        assert_eq!(lines[0]["file"], arg(file));
    }
    let output = run(&["diff", "-", "-"]);
    assert_eq!(output.status.code(), Some(2));
}
