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
/// profile adds to Serverless' keys are CloudFormation's constraints: a case with a value
/// CloudFormation would reject (its topic pattern, a value Serverless only warns about) fails
/// with those errors only.
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
                    .all(|diagnostic| {
                        diagnostic.code == "MSK_TOPIC_INVALID"
                            || diagnostic.code == "MSK_CLOUDFORMATION_REJECTS"
                    }),
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
    // Six oracle cases hold values CloudFormation refuses (`batchSize: 2.5`, `EARLIEST`, a
    // 201-character group, …): errors under `extended`.
    assert!(compared >= 17, "only {compared} cases compiled");
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
            Grant::ScramSecret => "kafka:ListScramSecrets",
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

fn shared_statements(template: &str) -> Vec<Value> {
    let template: Value = serde_json::from_str(template).expect("JSON");
    template
        .pointer("/Resources/IamRoleLambdaExecution/Properties/Policies/0/PolicyDocument/Statement")
        .and_then(Value::as_array)
        .cloned()
        .expect("the shared role's statements")
}

/// Serverless puts `provider.iam.role.statements` (here with `sqs:` actions, one exactly the
/// sqs compiler's statement, and `MskEvents…` Sids of the config's own) before the msk pairs
/// and its sqs statement after them. The extended merge into that template replaces the
/// framework's pairs, keeps every statement of the config, and merges once; merging
/// serverless-v3 again gives the framework's template back byte for byte.
#[test]
fn the_extended_merge_replaces_only_the_frameworks_statements() {
    let extra = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("extra-cases");
    for case in ["iam-user-sqs-statements", "iam-user-msk-sids"] {
        let dir = extra.join(case);
        let serverless = read(&dir.join("expected.json"));
        let v3 = compile_config(&dir).compiled.expect("compiles");
        let mut options = oracle_options();
        options.profile = Some(Profile::Extended);
        let text = read(&dir.join("serverless.yml"));
        let extended = compile_source(&text, Format::Yaml, &options)
            .compiled
            .expect("compiles");
        let once = template::merge(&serverless, &extended).expect("merges");
        assert_eq!(
            template::merge(&once, &extended).expect("merges"),
            once,
            "{case}"
        );
        assert_eq!(
            template::merge(&once, &v3).expect("merges"),
            serverless,
            "{case}"
        );

        let before = shared_statements(&serverless);
        let after = shared_statements(&once);
        // Serverless writes the config's one-item lists as strings: its statements with the
        // msk pair's actions have a string resource.
        let framework_pair = |statement: &Value| {
            (statement["Action"] == Value::from(msk_model::iam::KAFKA_ACTIONS.to_vec())
                && statement["Resource"].is_array())
                || (statement["Action"] == Value::from(msk_model::iam::EC2_ACTIONS.to_vec())
                    && statement.get("Sid").is_none())
        };
        let kept: Vec<&Value> = before.iter().filter(|s| !framework_pair(s)).collect();
        let without_ours: Vec<&Value> = after
            .iter()
            .filter(|statement| !extended.statements.contains(statement))
            .collect();
        assert_eq!(
            without_ours, kept,
            "{case}: the config's statements, in order"
        );
        assert!(!after.iter().any(framework_pair), "{case}: {after:#?}");
        let ec2 = Value::from(msk_model::iam::EC2_ACTIONS.to_vec());
        assert_eq!(
            after
                .iter()
                .filter(|s| s["Action"] == ec2 && s["Resource"] == "*")
                .count(),
            1,
            "{case}: one network statement, ours"
        );
    }
}

/// The own-role policy `msk-events` goes when no function needs it on that role any more:
/// after the event is removed, after the function's role changed (it moves), and on a later
/// serverless-v3 merge. A policy of the config's own under that name is never touched.
#[test]
fn a_stale_own_role_policy_is_removed() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = read(&dir.join("extended-cases/iam-role-in-template.yml"));
    let compile = |text: &str, profile: Profile| {
        let mut options = oracle_options();
        options.profile = Some(profile);
        compile_source(text, Format::Yaml, &options)
            .compiled
            .expect("compiles")
    };
    let role = |name: &str| {
        serde_json::json!({"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {}}})
            .to_string()
            .replace("{}}", &format!("{{}}, \"Description\": \"{name}\"}}"))
    };
    let base = format!(
        "{{\"Resources\": {{\"ConsumerRole\": {}, \"OtherRole\": {}}}}}",
        role("consumer"),
        role("other")
    );
    let granted = template::merge(&base, &compile(&text, Profile::Extended)).expect("merges");
    assert!(granted.contains("\"msk-events\""));
    let policies = |template: &str, role: &str| {
        let template: Value = serde_json::from_str(template).expect("JSON");
        template["Resources"][role]["Properties"]["Policies"].clone()
    };

    let v3 = compile(&text, Profile::ServerlessV3);
    let cleared = template::merge(&granted, &v3).expect("merges");
    assert_eq!(cleared, template::merge(&base, &v3).expect("merges"));
    assert_eq!(policies(&cleared, "ConsumerRole"), Value::Null);

    let no_event = text.replace("    events:\n", "    events: []\n    unused:\n");
    let cleared =
        template::merge(&granted, &compile(&no_event, Profile::Extended)).expect("merges");
    assert_eq!(policies(&cleared, "ConsumerRole"), Value::Null, "{cleared}");

    let moved = text.replace("role: ConsumerRole", "role: OtherRole").replace(
        "    ConsumerRole:\n",
        "    OtherRole:\n      Type: AWS::IAM::Role\n      Properties: {AssumeRolePolicyDocument: {}}\n    ConsumerRole:\n",
    );
    let moved = template::merge(&granted, &compile(&moved, Profile::Extended)).expect("merges");
    assert_eq!(policies(&moved, "ConsumerRole"), Value::Null, "{moved}");
    assert_eq!(policies(&moved, "OtherRole")[0]["PolicyName"], "msk-events");

    // The config's own policy of that name (not in our form) stays, and is not replaced.
    let own = base.replace(
        "\"AssumeRolePolicyDocument\":{}",
        "\"AssumeRolePolicyDocument\":{},\"Policies\":[{\"PolicyName\":\"msk-events\",\"PolicyDocument\":{\"Statement\":[]}}]",
    );
    assert!(own.contains("\"msk-events\""), "{own}");
    let kept = template::merge(&own, &v3).expect("merges");
    assert_eq!(
        policies(&kept, "ConsumerRole")[0]["PolicyName"],
        "msk-events"
    );
    let refused = template::merge(&own, &compile(&text, Profile::Extended)).expect_err("refused");
    assert!(
        refused.message.contains("did not write"),
        "{}",
        refused.message
    );
}
