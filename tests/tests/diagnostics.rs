//! The diagnostics users read, pinned for a corpus of bad configs (`tests/bad-configs`, one
//! file per kind of mistake): rustc-style human output and the JSON lines, snapshot-tested.
//! Every bad config must produce at least one diagnostic with a code and a position.

use msk_compile::render::{MessageFormat, SourceFile, render};
use msk_tests::{compile_yaml, read};

#[test]
fn bad_configs_render_as_snapshotted() {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../snapshots");
    settings.set_prepend_module_to_snapshot(false);
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
            let human: Vec<String> = report
                .diagnostics
                .iter()
                .map(|diagnostic| render(diagnostic, &file, MessageFormat::Human { color: false }))
                .collect();
            let json: Vec<String> = report
                .diagnostics
                .iter()
                .map(|diagnostic| render(diagnostic, &file, MessageFormat::Json))
                .collect();
            let outcome = if report.compiled.is_some() {
                "compiled (warnings only)"
            } else {
                "failed"
            };
            insta::assert_snapshot!(format!(
                "{outcome}\n\n{}\n\n--- json\n{}",
                human.join("\n\n"),
                json.join("\n")
            ));
        });
    });
}
