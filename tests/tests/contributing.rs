//! CONTRIBUTING.md stays true: every file or folder it names exists, and the variable sources
//! it lists are exactly the modules of `msk-compile/src/load/vars/sources/`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn contributing() -> String {
    std::fs::read_to_string(root().join("CONTRIBUTING.md")).expect("CONTRIBUTING.md")
}

/// The backticked texts of `text` that are paths in this repository (`a/b.rs`, `a/b/`).
fn named_paths(text: &str) -> Vec<&str> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .filter(|quoted| {
            !quoted.contains(' ')
                && !quoted.contains("://")
                && !quoted.starts_with('/')
                && (quoted.ends_with('/')
                    || [".rs", ".md", ".yml", ".toml", ".js"]
                        .iter()
                        .any(|extension| quoted.ends_with(extension)))
                && quoted.contains('/')
        })
        .collect()
}

#[test]
fn every_path_it_names_exists() {
    let text = contributing();
    let paths = named_paths(&text);
    assert!(paths.len() > 15, "{paths:?}");
    for path in paths {
        assert!(
            root().join(path).exists(),
            "CONTRIBUTING.md names `{path}`, which does not exist"
        );
    }
}

#[test]
fn it_lists_every_variable_source() {
    let text = contributing();
    let line = text
        .lines()
        .find(|line| line.starts_with("The sources today:"))
        .expect("the list of sources");
    let listed: BTreeSet<String> = line
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect();
    let modules: BTreeSet<String> =
        std::fs::read_dir(root().join("msk-compile/src/load/vars/sources"))
            .expect("the sources folder")
            .filter_map(|entry| {
                let name = entry.ok()?.file_name().into_string().ok()?;
                let module = name.strip_suffix(".rs")?;
                (module != "mod").then(|| module.to_owned())
            })
            .collect();
    assert_eq!(listed, modules);
}
