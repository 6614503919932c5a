//! Real validators on what msk-compile writes: cfn-lint 1.58 (CloudFormation's resource schemas)
//! with the cfn-lint-serverless rules on every example's merged template, parliament on the
//! extended profile's policies, and parliament's IAM database (the Service Authorization
//! Reference) on every action the extended profile grants.
//!
//! The tools come from `.venv-validators/`, which `.ci/run` creates from the pinned
//! `tests/validators/requirements.txt`.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use msk_compile::{Format, Options, Profile, compile_source, template};
use msk_tests::{oracle_options, read};
use serde_json::{Value, json};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A tool of the validators' virtualenv.
fn tool(name: &str) -> PathBuf {
    let path = root().join(".venv-validators/bin").join(name);
    assert!(
        path.is_file(),
        "{} is not installed: run .ci/run, or python3 -m venv .venv-validators && .venv-validators/bin/pip install -r tests/validators/requirements.txt",
        path.display()
    );
    path
}

/// parliament's IAM database (actions, their resource types, ARN formats).
fn iam_database() -> Value {
    let lib = root().join(".venv-validators/lib");
    let python = std::fs::read_dir(&lib)
        .unwrap_or_else(|error| panic!("{}: {error}; run .ci/run", lib.display()))
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .find(|path| {
            path.join("site-packages/parliament/iam_definition.json")
                .is_file()
        })
        .expect("parliament is installed in .venv-validators");
    serde_json::from_str(&read(
        &python.join("site-packages/parliament/iam_definition.json"),
    ))
    .expect("parliament's database is JSON")
}

/// A config compiled (with its own profile unless `profile` says otherwise) and merged into
/// `base`, a template the real Serverless Framework 3.40.0 wrote.
fn merged(config: &Path, base: &Path, profile: Option<Profile>) -> Value {
    let options = Options {
        profile,
        ..oracle_options()
    };
    let report = compile_source(&read(config), Format::Yaml, &options);
    let compiled = report
        .compiled
        .unwrap_or_else(|| panic!("{}: {:#?}", config.display(), report.diagnostics));
    assert!(report.diagnostics.is_empty(), "{:#?}", report.diagnostics);
    let text = template::merge(&read(base), &compiled).expect("merges");
    serde_json::from_str(&text).expect("the merged template is JSON")
}

/// The msk parts Serverless itself added, taken out of its template (as the conformance test
/// does), so that merging ours back in is the template under test.
fn without_msk(template: &Value) -> Value {
    let mut template = template.clone();
    if let Some(resources) = template["Resources"].as_object_mut() {
        resources.retain(|_, resource| {
            !(resource["Type"] == "AWS::Lambda::EventSourceMapping"
                && resource["Properties"].get("Topics").is_some())
        });
        if let Some(statements) = resources
            .get_mut("IamRoleLambdaExecution")
            .and_then(|role| role.pointer_mut("/Properties/Policies/0/PolicyDocument/Statement"))
            .and_then(Value::as_array_mut)
        {
            statements.retain(|statement| {
                let actions = statement["Action"].to_string();
                !(actions.contains("kafka:") || actions.contains("ec2:CreateNetworkInterface"))
            });
        }
    }
    template
}

/// cfn-lint with the serverless rules on `template`: every finding as (rule, resource, message).
fn cfn_lint(template: &Value, name: &str) -> Vec<(String, String, String)> {
    let dir = std::env::temp_dir().join(format!("msk-validators-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join(format!("{name}.json"));
    std::fs::write(&file, serde_json::to_string_pretty(template).expect("JSON")).expect("write");
    let output = Command::new(tool("cfn-lint"))
        .arg(&file)
        .args(["--format", "json", "-a", "cfn_lint_serverless.rules"])
        .output()
        .expect("cfn-lint runs");
    let findings: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "cfn-lint output is not JSON ({error}): {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    findings
        .as_array()
        .expect("a list of findings")
        .iter()
        .map(|finding| {
            (
                finding["Rule"]["Id"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                finding["Location"]["Path"][1]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                finding["Message"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// The resources msk-compile wrote or changed: the msk mappings and the roles.
fn ours(template: &Value) -> BTreeSet<String> {
    template["Resources"]
        .as_object()
        .expect("Resources")
        .iter()
        .filter(|(_, resource)| {
            (resource["Type"] == "AWS::Lambda::EventSourceMapping"
                && resource["Properties"].get("Topics").is_some())
                || resource["Type"] == "AWS::IAM::Role"
        })
        .map(|(id, _)| id.clone())
        .collect()
}

fn extended_example() -> Value {
    merged(
        &root().join("examples/extended/serverless.yml"),
        &root().join("tests/extended/example-base-template.json"),
        None,
    )
}

fn v3_example(profile: Profile) -> Value {
    let oracle: Value = serde_json::from_str(&read(
        &root().join("tests/extra-cases/example-orders/expected.json"),
    ))
    .expect("JSON");
    let dir = std::env::temp_dir().join(format!("msk-validators-base-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let base = dir.join(format!("{profile:?}.json"));
    let mut template = without_msk(&oracle);
    // The example reads `!Ref ReplayCluster`, a cluster it leaves to the rest of the stack.
    template["Resources"]["ReplayCluster"] = json!({
        "Type": "AWS::MSK::Cluster",
        "Properties": {
            "ClusterName": "replay",
            "KafkaVersion": "3.6.0",
            "NumberOfBrokerNodes": 2,
            "BrokerNodeGroupInfo": {
                "InstanceType": "kafka.m7g.large",
                "ClientSubnets": ["subnet-0a1b2c3d", "subnet-1a2b3c4d"]
            }
        }
    });
    std::fs::write(&base, serde_json::to_string(&template).expect("JSON")).expect("write");
    merged(
        &root().join("examples/serverless.yml"),
        &base,
        Some(profile),
    )
}

#[test]
fn cfn_lint_finds_nothing_on_the_mappings_and_roles_of_every_example() {
    for (name, template) in [
        ("extended", extended_example()),
        ("v3", v3_example(Profile::ServerlessV3)),
        ("v3-under-extended", v3_example(Profile::Extended)),
    ] {
        let ours = ours(&template);
        let mappings_with_destinations: BTreeSet<String> = template["Resources"]
            .as_object()
            .expect("Resources")
            .iter()
            .filter(|(_, resource)| resource["Properties"].get("DestinationConfig").is_some())
            .map(|(id, _)| id.clone())
            .collect();
        let findings = cfn_lint(&template, name);
        let bad: Vec<_> = findings
            .iter()
            .filter(|(rule, resource, _)| {
                ours.contains(resource)
                    // ES1001 ("no destination for failed invocations") is the finding the
                    // extended `destinations` answers; the v3 profile has no such key.
                    && (rule != "ES1001" || mappings_with_destinations.contains(resource))
            })
            .collect();
        assert!(bad.is_empty(), "{name}: {bad:#?}");
        // The serverless rules did run: the v3 example's mappings have no destination.
        if name == "v3" {
            assert!(
                findings.iter().any(|(rule, _, _)| rule == "ES1001"),
                "{findings:#?}"
            );
        }
        if name == "extended" {
            assert_eq!(mappings_with_destinations.len(), 4);
        }
    }
}

/// Replaces the functions CloudFormation evaluates at deploy time by what they give for the
/// example's resources, so parliament sees ARNs.
fn resolve(value: &Value, variables: &HashMap<String, String>) -> Value {
    let attributes: HashMap<&str, &str> = HashMap::from([
        (
            "OrdersCluster",
            "arn:aws:kafka:us-east-1:111111111111:cluster/orders-refunds/0c1d2e3f-4a5b-6c7d-8e9f-0a1b2c3d4e5f-1",
        ),
        (
            "RefundsDlq",
            "arn:aws:sqs:us-east-1:111111111111:refunds-dlq",
        ),
    ]);
    let substitute = |text: &str, variables: &HashMap<String, String>| {
        let mut text = text.to_owned();
        let pseudo = [
            ("AWS::Partition", "aws"),
            ("AWS::Region", "us-east-1"),
            ("AWS::AccountId", "111111111111"),
        ];
        for (name, value) in variables
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
            .chain(pseudo)
        {
            text = text.replace(&format!("${{{name}}}"), value);
        }
        Value::from(text)
    };
    match value {
        Value::Object(object) => {
            if let Some(target) = object.get("Fn::GetAtt") {
                return Value::from(attributes[target[0].as_str().expect("name")]);
            }
            if let Some(sub) = object.get("Fn::Sub") {
                return match sub {
                    Value::String(text) => substitute(text, variables),
                    _ => {
                        let names: HashMap<String, String> = sub[1]
                            .as_object()
                            .expect("variables")
                            .iter()
                            .map(|(name, value)| {
                                let value = resolve(value, variables);
                                (name.clone(), value.as_str().expect("string").to_owned())
                            })
                            .collect();
                        substitute(sub[0].as_str().expect("template"), &names)
                    }
                };
            }
            if let Some(select) = object.get("Fn::Select") {
                let index = select[0].as_u64().expect("index") as usize;
                return resolve(&select[1], variables)[index].clone();
            }
            if let Some(split) = object.get("Fn::Split") {
                let separator = split[0].as_str().expect("separator");
                let text = resolve(&split[1], variables);
                return Value::from(
                    text.as_str()
                        .expect("string")
                        .split(separator)
                        .map(Value::from)
                        .collect::<Vec<_>>(),
                );
            }
            if let Some(join) = object.get("Fn::Join") {
                let parts = resolve(&join[1], variables);
                let parts: Vec<&str> = parts
                    .as_array()
                    .expect("list")
                    .iter()
                    .map(|part| part.as_str().expect("string"))
                    .collect();
                return Value::from(parts.join(join[0].as_str().expect("separator")));
            }
            Value::Object(
                object
                    .iter()
                    .map(|(key, value)| (key.clone(), resolve(value, variables)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::from(
            items
                .iter()
                .map(|item| resolve(item, variables))
                .collect::<Vec<_>>(),
        ),
        other => other.clone(),
    }
}

/// Every policy of every role of `template`, resolved, by `<role>/<policy>`.
fn policies(template: &Value) -> Vec<(String, Value)> {
    let mut found = Vec::new();
    for (id, resource) in template["Resources"].as_object().expect("Resources") {
        if resource["Type"] != "AWS::IAM::Role" {
            continue;
        }
        for policy in resource["Properties"]["Policies"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let name = match &policy["PolicyName"] {
                Value::String(name) => name.clone(),
                _ => "(computed)".to_owned(),
            };
            found.push((
                format!("{id}/{name}"),
                resolve(&policy["PolicyDocument"], &HashMap::new()),
            ));
        }
    }
    found
}

/// Findings parliament reports that AWS's own execution role has too: Lambda creates and
/// deletes the mapping's network interfaces in the subnets of the cluster's VPC, which it
/// discovers when the mapping starts (AWSLambdaMSKExecutionRole grants them on `*`). See the
/// README.
const UNAVOIDABLE: &[(&str, &[&str])] = &[(
    "RESOURCE_STAR",
    &["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface"],
)];

#[test]
fn parliament_finds_only_the_unavoidable_in_the_extended_policies() {
    let template = extended_example();
    let policies = policies(&template);
    assert_eq!(policies.len(), 2, "{policies:#?}");
    for (name, document) in policies {
        let mut child = Command::new(tool("parliament"))
            .args(["--json", "--minimum_severity", "INFO"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("parliament runs");
        std::io::Write::write_all(
            &mut child.stdin.take().expect("stdin"),
            document.to_string().as_bytes(),
        )
        .expect("write the policy");
        let output = child.wait_with_output().expect("parliament ends");
        assert!(
            output.stderr.is_empty(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let findings: Vec<Value> = String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter(|line| !line.trim().is_empty())
            .map(|line| serde_json::from_str(line).expect("a JSON finding"))
            .collect();
        for finding in &findings {
            let issue = finding["issue"].as_str().unwrap_or_default();
            let detail: Vec<&str> = finding["detail"]
                .as_array()
                .map(|detail| detail.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let allowed = UNAVOIDABLE.iter().any(|(unavoidable, actions)| {
                *unavoidable == issue && detail.iter().all(|action| actions.contains(action))
            });
            assert!(allowed, "{name}: {finding:#}");
        }
    }
}

/// The regular expression of an ARN format of the database (`arn:${Partition}:kafka:…`).
fn arn_pattern(format: &str) -> regex::Regex {
    let mut pattern = String::from("^");
    let mut rest = format;
    while let Some(start) = rest.find("${") {
        pattern.push_str(&regex::escape(&rest[..start]));
        let end = rest[start..].find('}').expect("closed") + start;
        // A placeholder is one ARN field or path segment, or a wildcard.
        pattern.push_str("([^:/]+|\\*)");
        rest = &rest[end + 1..];
    }
    pattern.push_str(&regex::escape(rest));
    // A trailing placeholder may hold further path segments or `*` (`schema/<registry>/*`).
    if format.ends_with('}') {
        pattern.push_str("(/.*)?");
    }
    pattern.push('$');
    regex::Regex::new(&pattern).expect("valid pattern")
}

#[test]
fn every_granted_action_is_granted_on_a_resource_type_it_has() {
    let database = iam_database();
    let template = extended_example();
    let mut statements: Vec<Value> = Vec::new();
    for (_, document) in policies(&template) {
        statements.extend(
            document["Statement"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|statement| {
                    statement["Sid"]
                        .as_str()
                        .is_some_and(|sid| sid.starts_with("MskEvents"))
                })
                .cloned(),
        );
    }
    // Every kind of statement the extended profile has is in the example.
    let sids: BTreeSet<&str> = statements
        .iter()
        .filter_map(|s| s["Sid"].as_str())
        .collect();
    let kinds: BTreeSet<&str> = msk_model::iam::EXTENDED_STATEMENTS
        .iter()
        .map(|kind| kind.sid)
        .collect();
    assert_eq!(sids, kinds);

    for statement in &statements {
        let resources: Vec<&str> = match &statement["Resource"] {
            Value::String(one) => vec![one.as_str()],
            Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
            other => panic!("unresolved resource {other}"),
        };
        for action in statement["Action"].as_array().expect("actions") {
            let action = action.as_str().expect("string");
            assert!(!action.contains('*'), "wildcard action {action}");
            let (prefix, name) = action.split_once(':').expect("service:action");
            let service = database
                .as_array()
                .expect("services")
                .iter()
                .find(|service| service["prefix"] == prefix)
                .unwrap_or_else(|| panic!("no service {prefix}"));
            let privilege = service["privileges"]
                .as_array()
                .expect("privileges")
                .iter()
                .find(|privilege| privilege["privilege"] == name)
                .unwrap_or_else(|| panic!("no action {action}"));
            let types: Vec<&str> = privilege["resource_types"]
                .as_array()
                .expect("resource types")
                .iter()
                .filter_map(|entry| entry["resource_type"].as_str())
                .map(|kind| kind.trim_end_matches('*'))
                .filter(|kind| !kind.is_empty())
                .collect();
            if resources == ["*"] {
                let unavoidable = UNAVOIDABLE
                    .iter()
                    .any(|(_, actions)| actions.contains(&action));
                assert!(
                    types.is_empty() || unavoidable,
                    "{action} is granted on * but has resource types {types:?}"
                );
                continue;
            }
            assert!(
                !types.is_empty(),
                "{action} has no resource type: grant it on *"
            );
            let patterns: Vec<regex::Regex> = types
                .iter()
                .filter_map(|kind| {
                    service["resources"]
                        .as_array()?
                        .iter()
                        .find(|resource| resource["resource"] == *kind)
                })
                .filter_map(|resource| resource["arn"].as_str())
                .map(arn_pattern)
                .collect();
            for resource in &resources {
                assert!(
                    patterns.iter().any(|pattern| pattern.is_match(resource)),
                    "{action} on {resource} matches none of {types:?} ({patterns:?})"
                );
            }
        }
    }
    // The v3 profile's grant that matches nothing: GetBootstrapBrokers has no resource type.
    let unscoped = json!(
        database
            .as_array()
            .expect("services")
            .iter()
            .find(|service| service["prefix"] == "kafka")
            .and_then(|service| {
                service["privileges"]
                    .as_array()?
                    .iter()
                    .find(|privilege| privilege["privilege"] == "GetBootstrapBrokers")
            })
            .map(|privilege| privilege["resource_types"].clone())
    );
    assert_eq!(
        unscoped,
        json!([{"condition_keys": [], "dependent_actions": [], "resource_type": ""}])
    );
}

/// The properties `msk-compile diff` treats as replacing a mapping are exactly the
/// `createOnlyProperties` of CloudFormation's resource schema as the pinned cfn-lint ships it
/// (read through cfn-lint's own schema manager, in every region it has, so its patches count).
#[test]
fn create_only_properties_are_cfn_lints() {
    let script = r#"
import json
from cfnlint.schema import PROVIDER_SCHEMA_MANAGER
from cfnlint.helpers import REGIONS
found = set()
for region in REGIONS:
    try:
        schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema(region, "AWS::Lambda::EventSourceMapping")
    except Exception:
        continue
    found.add(json.dumps(schema.schema.get("createOnlyProperties", [])))
print(json.dumps([json.loads(item) for item in sorted(found)]))
"#;
    let output = Command::new(tool("python"))
        .args(["-c", script])
        .output()
        .expect("the validators' python runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let lists: Vec<Vec<String>> =
        serde_json::from_slice(&output.stdout).expect("a JSON list of lists");
    assert_eq!(lists.len(), 1, "regions disagree: {lists:?}");
    assert_eq!(lists[0], msk_model::replacement::CREATE_ONLY_PROPERTIES);
}
