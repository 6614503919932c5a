//! Helpers shared by the tests that run the `msk-compile` binary (`cli`, `cli_variables`,
//! `files`): where the cases are, running it with or without stdin, scratch folders, and the
//! oracle's template with its msk parts taken out.
#![allow(dead_code)]

use std::ffi::OsStr;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_msk-compile"))
}

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// An oracle case of the conformance suite (`tests/cases/<name>`).
pub fn case(name: &str) -> PathBuf {
    repo().join("tests/cases").join(name)
}

/// An oracle case outside the conformance suite (`tests/extra-cases/<name>`).
pub fn extra(name: &str) -> PathBuf {
    repo().join("tests/extra-cases").join(name)
}

/// Runs the binary with nothing on stdin.
pub fn run<S: AsRef<OsStr>>(args: &[S]) -> Output {
    bin().args(args).output().expect("the binary runs")
}

pub fn run_with_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = bin()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input)
        .expect("write stdin");
    child.wait_with_output().expect("the binary ends")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// `--message-format json` diagnostics: one object a line on stderr.
pub fn json_lines(output: &Output) -> Vec<serde_json::Value> {
    stderr(output)
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON object per line"))
        .collect()
}

/// The JSON diagnostic about Serverless' dotted `path`; panics naming `what` if there is none.
pub fn diagnostic_at<'a>(
    lines: &'a [serde_json::Value],
    path: &str,
    what: &str,
) -> &'a serde_json::Value {
    lines
        .iter()
        .find(|line| line["path"] == path)
        .unwrap_or_else(|| panic!("{what} at {path}: {lines:?}"))
}

/// A fresh, empty folder for one test (`group` keeps the test binaries apart).
pub fn scratch(group: &str, name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("msk-compile-{group}-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// The names of the temporary files (`*.tmp`) left in `dir`.
pub fn temporary_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("dir")
        .filter_map(Result::ok)
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".tmp"))
        .collect()
}

/// The oracle's template of a case (`expected.json` in `case`) without its msk mappings and
/// msk statements: what `serverless package` leaves before the merge.
pub fn stripped_template(case: &Path) -> String {
    let expected = std::fs::read_to_string(case.join("expected.json")).expect("expected.json");
    let mut template: serde_json::Value = serde_json::from_str(&expected).expect("json");
    let resources = template["Resources"].as_object_mut().expect("Resources");
    resources.retain(|key, _| !key.contains("EventSourceMappingMSK"));
    if let Some(statements) = resources
        .get_mut("IamRoleLambdaExecution")
        .and_then(|role| role.pointer_mut("/Properties/Policies/0/PolicyDocument/Statement"))
        .and_then(serde_json::Value::as_array_mut)
    {
        statements.retain(|statement| {
            !statement["Action"][0]
                .as_str()
                .is_some_and(|action| action.starts_with("kafka:") || action.starts_with("ec2:"))
        });
    }
    msk_compile::json::stringify_pretty(&template) + "\n"
}
