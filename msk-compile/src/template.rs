//! Merging the compiled msk parts into a CloudFormation template, as the framework does
//! in-process: mappings are assigned into `Resources`, statements appended to the first
//! policy of `IamRoleLambdaExecution` (only when the template has that role).
//!
//! Merging is idempotent: the msk mappings and msk statements already in the template
//! (Serverless' own, or an earlier merge's) are recognised and replaced where they stand, so
//! merging into `serverless package`'s template gives that template back byte for byte, and
//! merging twice gives what merging once gave. An msk mapping is an
//! `AWS::Lambda::EventSourceMapping` whose logical ID holds `EventSourceMappingMSK` (the
//! framework's `getMSKEventLogicalId`); msk statements are the run of statement pairs the
//! msk compiler appends, one pair per function: `{Effect: Allow, Action: [the two kafka
//! actions], Resource: [...]}` then `{Effect: Allow, Action: [the six ec2 actions],
//! Resource: "*"}`. A statement pair of exactly that form that the config itself declares
//! right before them cannot be told apart, and is replaced too.
//!
//! Under the extended profile the statements are recognised by their `Sid` (every one starts
//! with `MskEvents`), and the statements of functions with their own role in the template go to
//! that role as the policy `msk-events`, replaced as a whole on every merge.
//!
//! Position matters because the output is compared byte for byte. In the framework the msk
//! compiler runs after the functions and the earlier event compilers and before the sqs
//! compiler; the config's own `resources.Resources` are merged last. So without msk parts in
//! the template, new mappings go before the first sqs mapping and before the trailing run of
//! custom resources, and the msk statements before the first sqs statement.

use std::ops::Range;

use serde_json::{Map, Value as Json};

use crate::diag::{Code, Diagnostic};
use crate::json::stringify_pretty;
use crate::output::{Compiled, Resource};

/// Logical-ID marker of the sqs compiler's mappings (`<Fn>EventSourceMappingSQS<Queue>`).
const SQS_MAPPING_MARKER: &str = "EventSourceMappingSQS";
/// Logical-ID marker of the msk compiler's mappings (`<Fn>EventSourceMappingMSK<Cluster><Topic>`).
const MSK_MAPPING_MARKER: &str = "EventSourceMappingMSK";

/// Returns the merged template text (`JSON.stringify(template, null, 2)`, with a final
/// newline if the template had one), or the original text unchanged when there is nothing
/// to add or replace.
pub fn merge(template_text: &str, compiled: &Compiled) -> Result<String, Diagnostic> {
    let invalid = |message: String| Diagnostic::error(Code::TemplateInvalid, message);
    let mut template: Json = serde_json::from_str(template_text)
        .map_err(|error| invalid(format!("the template is not valid JSON: {error}")))?;
    let Some(resources) = template.get_mut("Resources").and_then(Json::as_object_mut) else {
        return Err(invalid("the template has no `Resources` object".to_owned()));
    };
    let had_mappings = merge_resources(resources, compiled);
    let mut had_statements = false;
    if let Some(role) = resources.get_mut(msk_model::iam::SHARED_ROLE_LOGICAL_ID) {
        let statements = role
            .pointer_mut("/Properties/Policies/0/PolicyDocument/Statement")
            .and_then(Json::as_array_mut)
            .ok_or_else(|| invalid("`IamRoleLambdaExecution` has no `Properties.Policies[0].PolicyDocument.Statement` list".to_owned()))?;
        let at = match msk_statements(statements) {
            Some(run) => {
                had_statements = true;
                run
            }
            None => {
                let at = statements
                    .iter()
                    .position(is_sqs_statement)
                    .unwrap_or(statements.len());
                at..at
            }
        };
        statements.splice(at, compiled.statements.iter().cloned());
    }
    for (role, statements) in &compiled.role_policies {
        add_role_policy(resources, role, statements).map_err(invalid)?;
    }
    if compiled.resources.is_empty()
        && compiled.statements.is_empty()
        && compiled.role_policies.is_empty()
        && !had_mappings
        && !had_statements
    {
        return Ok(template_text.to_owned());
    }
    let mut merged = stringify_pretty(&template);
    if template_text.ends_with('\n') {
        merged.push('\n');
    }
    Ok(merged)
}

/// Extended profile: the statements of functions with their own role, as one policy of ours
/// on that role (replacing the one an earlier merge added).
fn add_role_policy(
    resources: &mut Map<String, Json>,
    role: &str,
    statements: &[Json],
) -> Result<(), String> {
    let properties = resources
        .get_mut(role)
        .and_then(|resource| resource.as_object_mut())
        .ok_or_else(|| format!("the template has no role `{role}`"))?
        .entry("Properties")
        .or_insert_with(|| Json::Object(Map::new()))
        .as_object_mut()
        .ok_or_else(|| format!("`{role}.Properties` is not an object"))?;
    let policies = properties
        .entry("Policies")
        .or_insert_with(|| Json::Array(Vec::new()))
        .as_array_mut()
        .ok_or_else(|| format!("`{role}.Properties.Policies` is not a list"))?;
    let name = msk_model::iam::OWN_ROLE_POLICY_NAME;
    let policy = crate::json::object([
        ("PolicyName", Json::from(name)),
        (
            "PolicyDocument",
            crate::json::object([
                ("Version", Json::from("2012-10-17")),
                ("Statement", Json::Array(statements.to_vec())),
            ]),
        ),
    ]);
    match policies
        .iter_mut()
        .find(|existing| existing["PolicyName"] == name)
    {
        Some(existing) => *existing = policy,
        None => policies.push(policy),
    }
    Ok(())
}

/// Puts the compiled mappings into `resources`, replacing the msk mappings there; returns
/// whether there were any.
fn merge_resources(resources: &mut Map<String, Json>, compiled: &Compiled) -> bool {
    let is_custom = |key: &str| compiled.custom_resources.iter().any(|custom| custom == key);
    // The config's own resources of an msk mapping's name stay where they are (Serverless
    // merges them over the mapping); every other msk mapping is taken out and the compiled
    // ones go where the first of them was.
    let mut replaced_at = None;
    let mut kept = Map::with_capacity(resources.len() + compiled.resources.len());
    for (key, value) in std::mem::take(resources) {
        if is_msk_mapping(&key, &value) && !is_custom(&key) {
            replaced_at.get_or_insert(kept.len());
        } else {
            kept.insert(key, value);
        }
    }
    let insert_at = replaced_at.unwrap_or_else(|| {
        let keys: Vec<&String> = kept.keys().collect();
        let custom_tail = keys
            .iter()
            .rposition(|key| !is_custom(key))
            .map_or(0, |last| last + 1);
        let first_sqs = keys
            .iter()
            .position(|key| key.contains(SQS_MAPPING_MARKER))
            .unwrap_or(keys.len());
        custom_tail.min(first_sqs)
    });

    let mut rest = kept.into_iter();
    resources.extend(rest.by_ref().take(insert_at));
    let rest: Vec<(String, Json)> = rest.collect();
    for (logical_id, resource) in &compiled.resources {
        if !rest.iter().any(|(key, _)| key == logical_id) {
            resources.insert(logical_id.clone(), resource.to_json());
        }
    }
    for (key, value) in rest {
        let value = compiled
            .resources
            .get(&key)
            .map_or(value, Resource::to_json);
        resources.insert(key, value);
    }
    replaced_at.is_some()
}

fn is_msk_mapping(logical_id: &str, resource: &Json) -> bool {
    logical_id.contains(MSK_MAPPING_MARKER) && resource["Type"] == "AWS::Lambda::EventSourceMapping"
}

/// The msk statements in a statement list: the last run of kafka/ec2 pairs before the first
/// sqs statement (the msk compiler runs before the sqs one).
fn msk_statements(statements: &[Json]) -> Option<Range<usize>> {
    let end = statements
        .iter()
        .position(is_sqs_statement)
        .unwrap_or(statements.len());
    if let Some(first) = statements[..end].iter().position(is_extended_statement) {
        let last = first
            + statements[first..end]
                .iter()
                .take_while(|statement| is_extended_statement(statement))
                .count();
        return Some(first..last);
    }
    let is_pair = |at: usize| {
        at + 1 < end
            && is_statement(
                &statements[at],
                &msk_model::iam::KAFKA_ACTIONS,
                Json::is_array,
            )
            && is_statement(
                &statements[at + 1],
                &msk_model::iam::EC2_ACTIONS,
                |resource| resource == "*",
            )
    };
    let last = (0..end).rev().find(|&at| is_pair(at))?;
    let mut start = last;
    while start >= 2 && is_pair(start - 2) {
        start -= 2;
    }
    Some(start..last + 2)
}

/// `{Effect: Allow, Action: actions, Resource: …}` with exactly these keys, in this order.
fn is_statement(statement: &Json, actions: &[&str], resource: impl Fn(&Json) -> bool) -> bool {
    let Some(object) = statement.as_object() else {
        return false;
    };
    let keys: Vec<&str> = object.keys().map(String::as_str).collect();
    keys == ["Effect", "Action", "Resource"]
        && object["Effect"] == "Allow"
        && object["Action"].as_array().is_some_and(|listed| {
            listed.len() == actions.len()
                && listed
                    .iter()
                    .zip(actions)
                    .all(|(listed, action)| listed == action)
        })
        && resource(&object["Resource"])
}

/// One of the extended profile's statements, recognised by its `Sid`.
fn is_extended_statement(statement: &Json) -> bool {
    statement["Sid"]
        .as_str()
        .is_some_and(|sid| sid.starts_with(msk_model::iam::SID_PREFIX))
}

/// A statement of the sqs compiler (an `sqs:` action). The extended profile's own
/// `sqs:SendMessage` statement (failed records to a queue) is not one: taking it for the sqs
/// compiler's cut the run of msk statements short, and merging again added them twice.
fn is_sqs_statement(statement: &Json) -> bool {
    !is_extended_statement(statement)
        && statement["Action"].as_array().is_some_and(|actions| {
            actions.iter().any(|action| {
                action
                    .as_str()
                    .is_some_and(|action| action.starts_with("sqs:"))
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Format, Options, compile_source};

    fn compiled(events: &str) -> Compiled {
        let yaml = format!(
            "service: s\nprovider: {{name: aws}}\nfunctions:\n  f:\n    handler: h\n    events:\n{events}"
        );
        compile_source(&yaml, Format::Yaml, &Options::default())
            .compiled
            .expect("compiles")
    }

    #[test]
    fn the_extended_statements_replace_serverless_ones_and_merge_once() {
        let events = "      - msk: {arn: 'arn:aws:kafka:us-east-1:111111111111:cluster/a/1', topic: orders, saslScram512: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:s'}\n";
        let v3 = compiled(events);
        let yaml = format!(
            "service: s\nprovider: {{name: aws}}\nfunctions:\n  f:\n    handler: h\n    events:\n{events}"
        );
        let options = Options {
            profile: Some(crate::Profile::Extended),
            host: None,
            ..Options::default()
        };
        let extended = compile_source(&yaml, Format::Yaml, &options)
            .compiled
            .expect("compiles");
        let serverless = merge(TEMPLATE, &v3).expect("merges");
        let once = merge(&serverless, &extended).expect("merges");
        assert_eq!(merge(&once, &extended).expect("merges"), once);
        // Back to serverless-v3: Serverless' pair again, where ours stood.
        assert_eq!(merge(&once, &v3).expect("merges"), serverless);
        let template: Json = serde_json::from_str(&once).expect("json");
        let statements = template
            .pointer(
                "/Resources/IamRoleLambdaExecution/Properties/Policies/0/PolicyDocument/Statement",
            )
            .and_then(Json::as_array)
            .expect("statements");
        let sids: Vec<&str> = statements
            .iter()
            .filter_map(|statement| statement["Sid"].as_str())
            .collect();
        assert_eq!(
            sids,
            [
                "MskEventsDescribeClusters",
                "MskEventsGetBootstrapBrokers",
                "MskEventsNetworkInterfaces",
                "MskEventsReadSecrets"
            ]
        );
        assert_eq!(statements.len(), 5, "{statements:#?}");
    }

    const TEMPLATE: &str = r#"{
  "Resources": {
    "IamRoleLambdaExecution": {"Properties": {"Policies": [{"PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": ["logs:PutLogEvents"], "Resource": "*"}]}}]}},
    "FLambdaFunction": {"Type": "AWS::Lambda::Function"}
  }
}"#;

    #[test]
    fn a_merge_replaces_the_msk_parts_of_an_earlier_one() {
        let two = compiled(
            "      - msk: {arn: 'arn:aws:kafka:us-east-1:1:cluster/a/1', topic: t}\n      - msk: {arn: 'arn:aws:kafka:us-east-1:1:cluster/b/1', topic: t}\n",
        );
        let once = merge(TEMPLATE, &two).expect("merges");
        assert_eq!(merge(&once, &two).expect("merges"), once);
        let statements = |text: &str| {
            let template: Json = serde_json::from_str(text).expect("json");
            template
                .pointer("/Resources/IamRoleLambdaExecution/Properties/Policies/0/PolicyDocument/Statement")
                .and_then(Json::as_array)
                .map_or(0, Vec::len)
        };
        assert_eq!(statements(&once), 3);

        // The config changed: one event left. The stale mapping goes, the other is replaced.
        let one =
            compiled("      - msk: {arn: 'arn:aws:kafka:us-east-1:1:cluster/b/1', topic: t}\n");
        let again = merge(&once, &one).expect("merges");
        assert!(!again.contains("FEventSourceMappingMSKAT"));
        assert!(again.contains("FEventSourceMappingMSKBT"));
        assert_eq!(again, merge(TEMPLATE, &one).expect("merges"));

        // No msk events any more: the msk parts go, everything else stays.
        let none = compiled("      - sqs: arn:aws:sqs:us-east-1:1:q\n");
        let cleared = merge(&once, &none).expect("merges");
        assert!(!cleared.contains("EventSourceMappingMSK"));
        assert_eq!(statements(&cleared), 1);
    }
}
