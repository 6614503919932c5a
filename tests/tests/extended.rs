//! The extended profile, pinned by reviewed snapshots: one config per key, per IAM case and per
//! new diagnostic (`tests/extended-cases`), each rendered as the user reads it (human and JSON
//! diagnostics) with the output it compiles to. Plus the promises that need no snapshot: a
//! config without extension keys compiles to Serverless' mappings under `extended` too, and
//! merging the own-role policy into a template twice gives the same template.

use msk_compile::render::SourceFile;
use msk_compile::{Format, Options, Profile, compile_source, template};
use msk_model::{CfnMapping, MskEvent};
use msk_tests::{case_dirs, compile_config, oracle_options, read, rendered, repo_snapshots};
use serde_json::Value;

#[test]
fn extended_cases_render_as_snapshotted() {
    let settings = repo_snapshots();
    settings.bind(|| {
        insta::glob!("..", "extended-cases/*.yml", |path| {
            let text = read(path);
            let name = format!(
                "extended-cases/{}",
                path.file_name().unwrap_or_default().to_string_lossy()
            );
            let report = compile_source(&text, Format::Yaml, &oracle_options());
            assert!(
                report
                    .diagnostics
                    .iter()
                    .all(|diagnostic| diagnostic.span.is_some() && diagnostic.help.is_some()),
                "{name}: every diagnostic has a position and a help line: {:#?}",
                report.diagnostics
            );
            let file = SourceFile::new(&name, &text);
            let output = match &report.compiled {
                Some(compiled) => compiled.to_pretty_json(),
                None => "failed".to_owned(),
            };
            insta::assert_snapshot!(format!(
                "{}\n\n--- output\n{output}",
                rendered(&report.diagnostics, &file)
            ));
        });
    });
}

/// Every oracle case that compiles gives the same mappings under `extended` (none uses an
/// extension key); the IAM statements are the extended profile's. The one rule the extended
/// profile adds to a Serverless key is CloudFormation's topic pattern: a case whose topic
/// CloudFormation would reject fails with that error only.
#[test]
fn without_extension_keys_the_mappings_are_serverless() {
    let mut compared = 0;
    for dir in case_dirs() {
        let v3 = compile_config(&dir);
        // A case that uses an extension key (as an unknown key of Serverless') is not one.
        let uses_extension = v3.diagnostics.iter().any(|diagnostic| {
            MskEvent::extension_keys()
                .any(|key| diagnostic.message == format!("unrecognized property '{key}'"))
        });
        let Some(v3) = v3.compiled.filter(|_| !uses_extension) else {
            continue;
        };
        let text = read(&dir.join("serverless.yml"));
        let options = Options {
            profile: Some(Profile::Extended),
            ..oracle_options()
        };
        let extended = compile_source(&text, Format::Yaml, &options);
        let Some(extended) = extended.compiled else {
            assert!(
                extended
                    .diagnostics
                    .iter()
                    .filter(|diagnostic| diagnostic.is_error())
                    .all(|diagnostic| diagnostic.code == "MSK_TOPIC_INVALID"),
                "{}: {:#?}",
                dir.display(),
                extended.diagnostics
            );
            continue;
        };
        assert_eq!(extended.resources, v3.resources, "{}", dir.display());
        assert_eq!(extended.shared_role, v3.shared_role, "{}", dir.display());
        if !v3.statements.is_empty() {
            assert!(
                extended.statements.iter().all(|statement| statement["Sid"]
                    .as_str()
                    .is_some_and(|sid| sid.starts_with("MskEvents"))),
                "{}",
                dir.display()
            );
        }
        compared += 1;
    }
    assert!(compared >= 20, "only {compared} cases compiled");
}

#[test]
fn the_flag_wins_over_the_config() {
    let text =
        read(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("extended-cases/key-tags.yml"));
    let options = Options {
        profile: Some(Profile::ServerlessV3),
        ..oracle_options()
    };
    let report = compile_source(&text, Format::Yaml, &options);
    let compiled = report.compiled.expect("warn mode compiles");
    let resource = compiled
        .resources
        .values()
        .next()
        .expect("a mapping")
        .to_json();
    assert!(resource["Properties"].get("Tags").is_none(), "{resource:#}");
    assert!(report.diagnostics.iter().any(|diagnostic| {
        diagnostic
            .help
            .as_deref()
            .is_some_and(|help| help.contains("--profile extended"))
    }));
}

#[test]
fn the_own_role_policy_merges_once() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = read(&dir.join("extended-cases/iam-role-in-template.yml"));
    let compiled = compile_source(&text, Format::Yaml, &oracle_options())
        .compiled
        .expect("compiles");
    let base = serde_json::json!({
        "Resources": {
            "ConsumerRole": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {}}}
        }
    })
    .to_string();
    let once = template::merge(&base, &compiled).expect("merges");
    let twice = template::merge(&once, &compiled).expect("merges again");
    assert_eq!(once, twice);
    let merged: Value = serde_json::from_str(&once).expect("JSON");
    let policies = merged["Resources"]["ConsumerRole"]["Properties"]["Policies"]
        .as_array()
        .expect("policies");
    assert_eq!(policies.len(), 1);
    assert_eq!(
        policies[0]["PolicyName"],
        msk_model::iam::OWN_ROLE_POLICY_NAME
    );
    assert_eq!(
        policies[0]["PolicyDocument"]["Statement"],
        Value::from(compiled.role_policies["ConsumerRole"].clone())
    );
}

/// README's feature table of the extended profile against the model: a row per extension key
/// (and `saslScram512`, which gains a grant), naming the key's CloudFormation property (or
/// none) and, in the IAM column, the actions of the key's grant (or none).
#[test]
fn the_readme_table_matches_the_model() {
    use msk_model::Grant;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let readme = read(&root.join("README.md"));
    let section = readme
        .split_once("## The extended profile")
        .map(|(_, rest)| rest)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("README has the extended profile's section");
    let rows: Vec<Vec<&str>> = section
        .lines()
        .filter(|line| line.starts_with("| `"))
        .map(|line| line.trim_matches('|').split(" | ").map(str::trim).collect())
        .collect();
    let mut keys: Vec<&str> = MskEvent::extension_keys().collect();
    keys.push("saslScram512");
    for key in keys {
        let row = rows
            .iter()
            .find(|row| {
                row[0].match_indices(&format!("`{key}")).any(|(at, found)| {
                    matches!(row[0][at + found.len()..].chars().next(), Some('`' | ':'))
                })
            })
            .unwrap_or_else(|| panic!("README's table has a row for `{key}`"));
        let property = MskEvent::field(key)
            .filter(|field| field.profile == Profile::Extended)
            .and_then(|field| field.path.first());
        match property {
            Some(property) => assert!(row[1].contains(property), "`{key}`: {property} in {row:?}"),
            None => assert!(
                row[1] == "—" || row[1].starts_with('(') || row[1] == "unchanged",
                "`{key}` writes no property of its own: {row:?}"
            ),
        }
        let entry = MskEvent::key(key).expect("a key of the model");
        let action = entry.grant.map(|grant| match grant {
            Grant::Secret => "secretsmanager:GetSecretValue",
            Grant::KmsDecrypt => "kms:Decrypt",
            Grant::IamAuth => "kafka-cluster:Connect",
            Grant::Destination => "sqs:SendMessage",
            Grant::SchemaRegistry => "glue:GetRegistry",
        });
        match action {
            Some(action) => assert!(row[2].contains(action), "`{key}`: {action} in {row:?}"),
            None => assert!(row[2].starts_with('—'), "`{key}` adds no IAM: {row:?}"),
        }
    }
}
