//! `msk-compile diff` as people read it: the findings on a pair of `tests/diff-pairs`, rendered
//! in the human format (what the CLI prints on stderr), as a reviewed snapshot.

use msk_compile::diff::{TemplateText, compare};
use msk_compile::json::stringify_pretty;
use msk_compile::render::{MessageFormat, SourceFile, render_located};
use msk_tests::{compile_yaml, read, repo_snapshots};

/// A pair's config compiled as `msk-compile compile` writes it (pretty JSON, final newline).
fn compiled(path: &std::path::Path) -> String {
    let report = compile_yaml(&read(path));
    let compiled = report
        .compiled
        .unwrap_or_else(|| panic!("{}: {:#?}", path.display(), report.diagnostics));
    stringify_pretty(&compiled.to_json()) + "\n"
}

#[test]
fn a_replaced_mapping_with_a_pinned_group_reads_as_reviewed() {
    let pair =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("diff-pairs/pinned-group-replaced");
    let old = compiled(&pair.join("old.yml"));
    let new = compiled(&pair.join("new.yml"));
    let comparison = compare(
        TemplateText {
            name: "old.json",
            text: &old,
        },
        TemplateText {
            name: "new.json",
            text: &new,
        },
    )
    .expect("both are templates");
    let file = SourceFile::new("new.json", &new);
    let rendered: Vec<String> = comparison
        .diagnostics
        .iter()
        .map(|diagnostic| {
            render_located(
                diagnostic,
                &file,
                &comparison.files,
                MessageFormat::Human { color: false },
            )
        })
        .collect();
    repo_snapshots().bind(|| {
        insta::assert_snapshot!("diff_human_pinned_group_replaced", rendered.join("\n\n"));
    });
}
