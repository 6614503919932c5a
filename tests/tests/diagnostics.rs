//! The diagnostics users read, pinned for a corpus of bad configs (`tests/bad-configs`, one
//! file per kind of mistake): rustc-style human output and the JSON lines, snapshot-tested.
//! Every bad config must produce at least one diagnostic with a code and a position.

use msk_compile::render::{MessageFormat, SourceFile, render_located};
use msk_tests::{compile_config, compile_yaml, read, rendered, repo_snapshots};

#[test]
fn bad_configs_render_as_snapshotted() {
    let settings = repo_snapshots();
    settings.bind(|| {
        insta::glob!("..", "bad-configs/*.yml", |path| {
            let text = read(path);
            let name = format!(
                "bad-configs/{}",
                path.file_name().unwrap_or_default().to_string_lossy()
            );
            let report = compile_yaml(&text);
            assert!(!report.diagnostics.is_empty(), "{name} gives no diagnostic");
            assert!(
                report
                    .diagnostics
                    .iter()
                    .all(|diagnostic| diagnostic.span.is_some()),
                "{name}: a diagnostic without a position: {:#?}",
                report.diagnostics
            );
            let file = SourceFile::new(&name, &text);
            let outcome = if report.compiled.is_some() {
                "compiled (warnings only)"
            } else {
                "failed"
            };
            insta::assert_snapshot!(format!(
                "{outcome}\n\n{}",
                rendered(&report.diagnostics, &file)
            ));
        });
    });
}

/// `${file(…)}` problems (`tests/bad-configs/includes`): a YAML and a JSON syntax error in
/// included files are shown in those files; a directory, a missing file and a missing param
/// at the variable in serverless.yml, each with a help line that fits it.
#[test]
fn include_diagnostics_render_in_their_files() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("bad-configs/includes");
    let report = compile_config(&dir);
    assert!(report.compiled.is_none());
    let text = read(&dir.join("serverless.yml"));
    let file = SourceFile::new("bad-configs/includes/serverless.yml", &text);
    // Included files are named by path; the snapshot keeps the part inside the repository.
    let root = format!("{}/", env!("CARGO_MANIFEST_DIR"));
    let files: Vec<msk_compile::SourceText> = report
        .files
        .iter()
        .map(|included| msk_compile::SourceText {
            name: included.name.replace(&root, ""),
            ..included.clone()
        })
        .collect();
    let human: Vec<String> = report
        .diagnostics
        .iter()
        .map(|diagnostic| {
            render_located(
                diagnostic,
                &file,
                &files,
                MessageFormat::Human { color: false },
            )
        })
        .collect();
    let settings = repo_snapshots();
    settings.bind(|| insta::assert_snapshot!(human.join("\n\n")));
}
