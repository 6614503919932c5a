//! Shared helpers for the workspace tests: the oracle cases (configs with the outputs
//! Serverless Framework 3.40.0 produced for them, copied from `shared/oracle/cases`) and a
//! compile call that uses the oracle's command line (`--stage dev --region us-east-1`).

use std::path::{Path, PathBuf};

use msk_compile::render::{MessageFormat, SourceFile, render};
use msk_compile::{Diagnostic, Format, Options, Report, VariableOptions, compile_source};

/// The folder holding the oracle cases.
pub fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("cases")
}

/// Every case folder, sorted by name.
pub fn case_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(cases_dir())
        .expect("tests/cases exists")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.join("serverless.yml").is_file())
        .collect();
    dirs.sort();
    dirs
}

/// Options equal to the oracle's `serverless package --stage dev --region us-east-1`.
pub fn oracle_options() -> Options {
    Options {
        variables: VariableOptions {
            stage: Some("dev".to_owned()),
            region: Some("us-east-1".to_owned()),
            ..VariableOptions::default()
        },
        ..Options::default()
    }
}

/// Compiles a YAML config text as the oracle would be asked to.
pub fn compile_yaml(source: &str) -> Report {
    compile_source(source, Format::Yaml, &oracle_options())
}

/// Compiles the config of a case folder (`serverless.yml`, `.yaml` or `.json`, as
/// Serverless looks for them) with the oracle's options, the folder as the service
/// directory (so `${file(…)}` reads the files beside the config, as the oracle copies them).
pub fn compile_config(dir: &Path) -> Report {
    compile_config_as(dir, None)
}

/// [`compile_config`] under `profile` (`--profile`; `None`: the config's, else `serverless-v3`).
pub fn compile_config_as(dir: &Path, profile: Option<msk_compile::Profile>) -> Report {
    let mut options = oracle_options();
    options.profile = profile;
    options.variables.service_dir = Some(dir.to_path_buf());
    for (name, format) in [
        ("serverless.yml", Format::Yaml),
        ("serverless.yaml", Format::Yaml),
        ("serverless.json", Format::Json),
    ] {
        let path = dir.join(name);
        if path.is_file() {
            return compile_source(&read(&path), format, &options);
        }
    }
    panic!("no serverless config in {}", dir.display());
}

/// Reads a file of the repository as text.
pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()))
}

/// The oracle's `expected.error.txt`: code, name and message.
#[derive(Debug)]
pub struct ExpectedError {
    pub code: String,
    pub name: String,
    pub message: String,
}

pub fn parse_expected_error(text: &str) -> ExpectedError {
    let field = |prefix: &str| {
        text.lines()
            .find_map(|line| line.strip_prefix(prefix))
            .unwrap_or_default()
            .to_owned()
    };
    let message_start = text
        .find("error.message: ")
        .expect("expected.error.txt has a message")
        + "error.message: ".len();
    ExpectedError {
        code: field("error.code: "),
        name: field("error.name: "),
        message: text[message_start..].trim_end_matches('\n').to_owned(),
    }
}

/// insta settings for the repository's `snapshots/` folder, snapshots named without the test
/// module (the path is resolved from the test file, `tests/tests/*.rs`).
pub fn repo_snapshots() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings
}

/// The diagnostics as users read them, for a snapshot: each in the human form (no colour),
/// then `--- json` and each as a JSON line.
pub fn rendered(diagnostics: &[Diagnostic], file: &SourceFile<'_>) -> String {
    let human: Vec<String> = diagnostics
        .iter()
        .map(|diagnostic| render(diagnostic, file, MessageFormat::Human { color: false }))
        .collect();
    let json: Vec<String> = diagnostics
        .iter()
        .map(|diagnostic| render(diagnostic, file, MessageFormat::Json))
        .collect();
    format!("{}\n\n--- json\n{}", human.join("\n\n"), json.join("\n"))
}
