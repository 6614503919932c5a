//! Merging the compiled msk parts into a CloudFormation template, as the framework does
//! in-process: mappings are assigned into `Resources`, statements appended to the first
//! policy of `IamRoleLambdaExecution` (only when the template has that role).
//!
//! Merging is idempotent and touches only what is ours: the msk mappings and msk statements
//! already in the template (Serverless' own, or an earlier merge's) are recognised and replaced
//! where they stand, so merging into `serverless package`'s template gives that template back
//! byte for byte, and merging twice gives what merging once gave. An msk mapping is an
//! `AWS::Lambda::EventSourceMapping` whose logical ID holds `EventSourceMappingMSK` (the
//! framework's `getMSKEventLogicalId`).
//!
//! Where the msk statements stand follows from the framework's order: the logs statements,
//! the config's `provider.iam.role.statements`, the statements of the event compilers that run
//! before the msk one (streams, kafka, mq), the msk statements, then the sqs compiler's one
//! statement and CloudFront's (Lambda@Edge) logs statement. So the msk statements are the run
//! that ends right before that tail: serverless-v3's kafka/ec2 pairs (`{Effect: Allow,
//! Action: [the two kafka actions], Resource: [...]}` then `{Effect: Allow, Action: [the six
//! ec2 actions], Resource: "*"}`), or the extended profile's statements, each in exactly the
//! form the profile writes (its `Sid`, actions and resource shape, in policy order). A
//! statement of the config before them is never taken for one of ours, whatever its actions
//! or `Sid`, unless it is of exactly that form and stands right before them (it cannot be told
//! apart then, and is replaced too).
//!
//! Under the extended profile the statements of functions with their own role in the
//! template go to that role as the policy `msk-events`, replaced as a whole on every merge;
//! a policy of that name and form on a role that no longer gets one (the event was removed,
//! the function's role changed, the profile is `serverless-v3` again) is removed.
//!
//! Position matters because the output is compared byte for byte. Without msk parts in the
//! template, new mappings go before the first sqs mapping and before the trailing run of
//! custom resources (the config's own `resources.Resources` are merged last), and the msk
//! statements before that tail.
//!
//! The template is read as `JSON.parse` reads it and written as `JSON.stringify(template,
//! null, 2)` writes it, without a tree of the whole template (see [`raw`]).

mod raw;

use serde_json::Value as Json;

use msk_model::{CfnMapping, MskEvent};

use crate::diag::{Code, Diagnostic};
use crate::json::{stringify_compact, write_pretty_from_compact};
use crate::output::Compiled;
use raw::Raw;

/// Logical-ID marker of the sqs compiler's mappings (`<Fn>EventSourceMappingSQS<Queue>`).
const SQS_MAPPING_MARKER: &str = "EventSourceMappingSQS";
/// The sqs compiler's statement, appended after the msk statements.
const SQS_COMPILER_ACTIONS: [&str; 3] = [
    "sqs:ReceiveMessage",
    "sqs:DeleteMessage",
    "sqs:GetQueueAttributes",
];
/// The CloudFront compiler's logs statement for Lambda@Edge, appended after the sqs one.
const EDGE_LOGS_ACTIONS: [&str; 4] = [
    "logs:CreateLogGroup",
    "logs:CreateLogStream",
    "logs:PutLogEvents",
    "logs:TagResource",
];
/// A statement larger than this is not one of ours (ours list one resource per event):
/// it is not read into a tree.
const LARGEST_OWN_STATEMENT: usize = 16 * 1024 * 1024;

/// A part of the template: as read (written back from its text) or changed.
enum Part<'a> {
    Raw(Raw<'a>),
    Value(Json),
    Object(Vec<(String, Part<'a>)>),
    List(Vec<Part<'a>>),
}

impl<'a> Part<'a> {
    /// The object's members, opened up for changes (`None`: not an object).
    fn object(&mut self) -> Result<Option<&mut Vec<(String, Part<'a>)>>, raw::Error> {
        if let Part::Raw(text) = self {
            match raw::entries(text)? {
                Some(members) => {
                    *self = Part::Object(
                        members
                            .into_iter()
                            .map(|(key, value)| (key, Part::Raw(value)))
                            .collect(),
                    );
                }
                None => return Ok(None),
            }
        }
        if let Part::Value(Json::Object(_)) = self {
            return Ok(None);
        }
        Ok(match self {
            Part::Object(members) => Some(members),
            _ => None,
        })
    }

    /// The list's items, opened up for changes (`None`: not a list).
    fn list(&mut self) -> Result<Option<&mut Vec<Part<'a>>>, raw::Error> {
        if let Part::Raw(text) = self {
            match raw::items(text)? {
                Some(items) => *self = Part::List(items.into_iter().map(Part::Raw).collect()),
                None => return Ok(None),
            }
        }
        Ok(match self {
            Part::List(items) => Some(items),
            _ => None,
        })
    }

    /// The member `key` of an object, opened up.
    fn member(&mut self, key: &str) -> Result<Option<&mut Part<'a>>, raw::Error> {
        Ok(self
            .object()?
            .and_then(|members| members.iter_mut().find(|(name, _)| name == key))
            .map(|(_, value)| value))
    }

    /// The value `JSON.parse` gives for this part (for the small parts the merge inspects).
    fn value(&self) -> Result<Json, raw::Error> {
        match self {
            Part::Raw(text) => raw::to_value(text),
            Part::Value(value) => Ok(value.clone()),
            Part::Object(members) => members
                .iter()
                .map(|(key, value)| Ok((key.clone(), value.value()?)))
                .collect::<Result<_, raw::Error>>()
                .map(Json::Object),
            Part::List(items) => items
                .iter()
                .map(Part::value)
                .collect::<Result<_, raw::Error>>()
                .map(Json::Array),
        }
    }

    /// The size of the part's text (changed parts count as small).
    fn text_len(&self) -> usize {
        match self {
            Part::Raw(text) => text.get().len(),
            _ => 0,
        }
    }

    fn write(&self, out: &mut String, depth: usize) -> Result<(), raw::Error> {
        match self {
            Part::Raw(text) => raw::write_pretty(out, text, depth),
            Part::Value(value) => {
                write_pretty_from_compact(out, &stringify_compact(value), depth);
                Ok(())
            }
            Part::Object(members) => {
                // JavaScript lists array-index keys first, whatever order they came in.
                let mut ordered: Vec<&(String, Part<'a>)> = members.iter().collect();
                ordered.sort_by_key(|(key, _)| crate::js::key_rank(key));
                raw::write_object(
                    out,
                    depth,
                    ordered.len(),
                    ordered.into_iter().map(|(key, value)| (key.clone(), value)),
                    |out, value| value.write(out, depth + 1),
                )
            }
            Part::List(items) => {
                raw::write_list(out, depth, items, |out, item| item.write(out, depth + 1))
            }
        }
    }
}

/// Returns the merged template text (`JSON.stringify(template, null, 2)`, with a final
/// newline if the template had one), or the original text unchanged when there is nothing
/// to add, replace or remove.
pub fn merge(template_text: &str, compiled: &Compiled) -> Result<String, Diagnostic> {
    let invalid = |message: String| Diagnostic::error(Code::TemplateInvalid, message);
    let not_json = |error: raw::Error| invalid(format!("the template is not valid JSON: {error}"));
    let mut template = Part::Raw(raw::parse(template_text).map_err(not_json)?);
    let no_resources = || invalid("the template has no `Resources` object".to_owned());
    let resources = template
        .member("Resources")
        .map_err(not_json)?
        .ok_or_else(no_resources)?
        .object()
        .map_err(not_json)?
        .ok_or_else(no_resources)?;
    let mut changed = merge_resources(resources, compiled).map_err(not_json)?;
    if let Some((_, role)) = resources
        .iter_mut()
        .find(|(key, _)| key == msk_model::iam::SHARED_ROLE_LOGICAL_ID)
    {
        let statements = shared_role_statements(role).map_err(not_json)?.ok_or_else(|| {
            invalid("`IamRoleLambdaExecution` has no `Properties.Policies[0].PolicyDocument.Statement` list".to_owned())
        })?;
        let values: Vec<Option<Json>> = statements.iter().map(statement_value).collect();
        let (ours, tail) = msk_statements(&values);
        changed |= !ours.is_empty();
        let at = if ours.is_empty() { tail } else { ours };
        statements.splice(at, compiled.statements.iter().cloned().map(Part::Value));
    }
    changed |= merge_role_policies(resources, compiled).map_err(invalid)?;
    if !changed
        && compiled.resources.is_empty()
        && compiled.statements.is_empty()
        && compiled.role_policies.is_empty()
    {
        return Ok(template_text.to_owned());
    }
    let mut merged = String::with_capacity(template_text.len() + template_text.len() / 2);
    template.write(&mut merged, 0).map_err(not_json)?;
    if template_text.ends_with('\n') {
        merged.push('\n');
    }
    Ok(merged)
}

/// `Properties.Policies[0].PolicyDocument.Statement` of the shared role.
fn shared_role_statements<'p, 'a>(
    role: &'p mut Part<'a>,
) -> Result<Option<&'p mut Vec<Part<'a>>>, raw::Error> {
    let Some(policies) = role
        .member("Properties")?
        .map(|p| p.member("Policies"))
        .transpose()?
        .flatten()
    else {
        return Ok(None);
    };
    let Some(first) = policies.list()?.and_then(|list| list.first_mut()) else {
        return Ok(None);
    };
    let Some(statement) = first
        .member("PolicyDocument")?
        .map(|d| d.member("Statement"))
        .transpose()?
        .flatten()
    else {
        return Ok(None);
    };
    statement.list()
}

/// A statement as a tree, if it could be one of ours (not an oversized one).
fn statement_value(statement: &Part<'_>) -> Option<Json> {
    (statement.text_len() <= LARGEST_OWN_STATEMENT)
        .then(|| statement.value().ok())
        .flatten()
}

/// The msk statements among the shared role's statements, and where the framework's tail
/// (the sqs compiler's and CloudFront's statements) starts. The run of ours is the one that
/// ends right before a tail; the shortest tail with such a run before it wins (a statement of
/// the config in the very form of the sqs compiler's stands before ours, the framework's after).
fn msk_statements(statements: &[Option<Json>]) -> (std::ops::Range<usize>, std::ops::Range<usize>) {
    let is = |at: usize, actions: &[&str], resource: fn(&Json) -> bool| {
        statements[at]
            .as_ref()
            .is_some_and(|statement| is_statement(statement, actions, resource))
    };
    let mut tails = vec![statements.len()];
    let mut end = statements.len();
    if end > 0 && is(end - 1, &EDGE_LOGS_ACTIONS, is_edge_logs_resource) {
        end -= 1;
        tails.push(end);
    }
    if end > 0 && is(end - 1, &SQS_COMPILER_ACTIONS, Json::is_array) {
        tails.push(end - 1);
    }
    for &tail in &tails {
        let run = own_run_before(statements, tail);
        if !run.is_empty() {
            return (run, tail..tail);
        }
    }
    let tail = tails.last().copied().unwrap_or(0);
    (tail..tail, tail..tail)
}

/// The statements of ours that end at `end`: the extended profile's (in policy order) or
/// serverless-v3's kafka/ec2 pairs.
fn own_run_before(statements: &[Option<Json>], end: usize) -> std::ops::Range<usize> {
    let kind = |at: usize| statements[at].as_ref().and_then(extended_kind);
    let mut start = end;
    let mut next_kind = usize::MAX;
    while start > 0 {
        match kind(start - 1) {
            Some(index) if index < next_kind => {
                next_kind = index;
                start -= 1;
            }
            _ => break,
        }
    }
    if start < end {
        return start..end;
    }
    let is_pair = |at: usize| {
        let matches = |at: usize, actions: &[&str], resource: fn(&Json) -> bool| {
            statements[at]
                .as_ref()
                .is_some_and(|statement| is_statement(statement, actions, resource))
        };
        matches(at, &msk_model::iam::KAFKA_ACTIONS, Json::is_array)
            && matches(at + 1, &msk_model::iam::EC2_ACTIONS, |resource| {
                resource == "*"
            })
    };
    while start >= 2 && is_pair(start - 2) {
        start -= 2;
    }
    start..end
}

/// `{Effect: Allow, Action: actions, Resource: …}` with exactly these keys, in this order.
fn is_statement(statement: &Json, actions: &[&str], resource: impl Fn(&Json) -> bool) -> bool {
    let Some(object) = statement.as_object() else {
        return false;
    };
    let keys: Vec<&str> = object.keys().map(String::as_str).collect();
    keys == ["Effect", "Action", "Resource"]
        && object["Effect"] == "Allow"
        && lists(&object["Action"], actions)
        && resource(&object["Resource"])
}

fn lists(value: &Json, texts: &[&str]) -> bool {
    value.as_array().is_some_and(|listed| {
        listed.len() == texts.len()
            && listed
                .iter()
                .zip(texts)
                .all(|(listed, text)| listed == text)
    })
}

/// CloudFront's `[{"Fn::Sub": "arn:${AWS::Partition}:logs:*:*:*"}]`.
fn is_edge_logs_resource(resource: &Json) -> bool {
    *resource == serde_json::json!([{"Fn::Sub": "arn:${AWS::Partition}:logs:*:*:*"}])
}

/// Which of the extended profile's statement kinds (`msk_model::iam::EXTENDED_STATEMENTS`)
/// this statement is, written exactly as the profile writes it: `{Sid, Effect: Allow,
/// Action, Resource}` with the kind's `Sid` and actions, and `*` or a list as the kind grants.
/// A `Sid` alone (`MskEventsAudit`, or ours on other actions) is the config's own statement.
fn extended_kind(statement: &Json) -> Option<usize> {
    let object = statement.as_object()?;
    let keys: Vec<&str> = object.keys().map(String::as_str).collect();
    if keys != ["Sid", "Effect", "Action", "Resource"] || object["Effect"] != "Allow" {
        return None;
    }
    let sid = object["Sid"].as_str()?;
    msk_model::iam::EXTENDED_STATEMENTS
        .iter()
        .position(|kind| kind.sid == sid)
        .filter(|&index| {
            let kind = &msk_model::iam::EXTENDED_STATEMENTS[index];
            lists(&object["Action"], kind.actions)
                && match kind.on_any {
                    true => object["Resource"] == "*",
                    false => object["Resource"]
                        .as_array()
                        .is_some_and(|list| !list.is_empty()),
                }
        })
}

/// Extended profile: the statements of functions with their own role, as one policy of ours
/// on that role (replacing the one an earlier merge added); our policy on any other role is
/// stale and removed. Returns whether anything was removed or replaced.
fn merge_role_policies(
    resources: &mut [(String, Part<'_>)],
    compiled: &Compiled,
) -> Result<bool, String> {
    let not_json = |error: raw::Error| format!("the template is not valid JSON: {error}");
    for role in compiled.role_policies.keys() {
        if !resources.iter().any(|(key, _)| key == role) {
            return Err(format!("the template has no role `{role}`"));
        }
    }
    let mut changed = false;
    for (key, resource) in resources.iter_mut() {
        let wanted = compiled.role_policies.get(key.as_str());
        if wanted.is_none() && !may_hold_our_policy(resource).map_err(not_json)? {
            continue;
        }
        let Some(properties) = resource.object().map_err(not_json)? else {
            return Err(format!("`{key}` is not an object"));
        };
        let properties = match properties.iter_mut().find(|(name, _)| name == "Properties") {
            Some((_, properties)) => properties,
            None => {
                properties.push(("Properties".to_owned(), Part::Object(Vec::new())));
                &mut properties.last_mut().expect("pushed").1
            }
        };
        let Some(members) = properties.object().map_err(not_json)? else {
            return Err(format!("`{key}.Properties` is not an object"));
        };
        let had_policies = members.iter().any(|(name, _)| name == "Policies");
        if !had_policies {
            if wanted.is_none() {
                continue;
            }
            members.push(("Policies".to_owned(), Part::List(Vec::new())));
        }
        let at = members
            .iter()
            .position(|(name, _)| name == "Policies")
            .expect("there");
        let Some(policies) = members[at].1.list().map_err(not_json)? else {
            return Err(format!("`{key}.Properties.Policies` is not a list"));
        };
        let ours: Vec<usize> = (0..policies.len())
            .filter(|&index| is_own_policy(&policies[index]))
            .collect();
        let name = msk_model::iam::OWN_ROLE_POLICY_NAME;
        if let Some(statements) = wanted {
            let policy = Part::Value(own_policy(statements));
            match ours.first() {
                Some(&first) => {
                    policies[first] = policy;
                    changed = true;
                }
                None if policies
                    .iter()
                    .any(|policy| policy_name(policy).as_deref() == Some(name)) =>
                {
                    return Err(format!(
                        "the role `{key}` already has a policy named `{name}` that msk-compile did not write: rename it"
                    ));
                }
                None => policies.push(policy),
            }
            for &index in ours.iter().skip(1).rev() {
                policies.remove(index);
            }
        } else if !ours.is_empty() {
            for &index in ours.iter().rev() {
                policies.remove(index);
            }
            changed = true;
            // The list was ours alone (an earlier merge made it): it goes with our policy.
            if policies.is_empty() {
                members.remove(at);
            }
        }
    }
    Ok(changed)
}

/// A role resource with a policy named like ours (read without opening the rest).
fn may_hold_our_policy(resource: &Part<'_>) -> Result<bool, raw::Error> {
    let Part::Raw(text) = resource else {
        return Ok(false);
    };
    if !text.get().contains(msk_model::iam::OWN_ROLE_POLICY_NAME) {
        return Ok(false);
    }
    let Some(members) = raw::entries(text)? else {
        return Ok(false);
    };
    Ok(members
        .iter()
        .any(|(key, value)| key == "Type" && raw::is_string(value, "AWS::IAM::Role")))
}

fn policy_name(policy: &Part<'_>) -> Option<String> {
    let value = (policy.text_len() <= LARGEST_OWN_STATEMENT).then(|| policy.value().ok())??;
    value["PolicyName"].as_str().map(str::to_owned)
}

/// The policy an earlier merge added: exactly `{PolicyName: "msk-events", PolicyDocument:
/// {Version: "2012-10-17", Statement: [statements of the extended profile]}}`.
fn is_own_policy(policy: &Part<'_>) -> bool {
    if policy.text_len() > LARGEST_OWN_STATEMENT {
        return false;
    }
    let Ok(value) = policy.value() else {
        return false;
    };
    value == own_policy_shape(&value)
        && value["PolicyDocument"]["Statement"]
            .as_array()
            .is_some_and(|statements| {
                !statements.is_empty() && statements.iter().all(|s| extended_kind(s).is_some())
            })
}

/// `value` rebuilt in the form of our policy, with its statements (equal to `value` only if it
/// has that form).
fn own_policy_shape(value: &Json) -> Json {
    match value["PolicyDocument"]["Statement"].as_array() {
        Some(statements) => own_policy(statements),
        None => Json::Null,
    }
}

fn own_policy(statements: &[Json]) -> Json {
    crate::json::object([
        (
            "PolicyName",
            Json::from(msk_model::iam::OWN_ROLE_POLICY_NAME),
        ),
        (
            "PolicyDocument",
            crate::json::object([
                ("Version", Json::from("2012-10-17")),
                ("Statement", Json::Array(statements.to_vec())),
            ]),
        ),
    ])
}

/// Puts the compiled mappings into `resources`, replacing the msk mappings there; returns
/// whether there were any.
fn merge_resources(
    resources: &mut Vec<(String, Part<'_>)>,
    compiled: &Compiled,
) -> Result<bool, raw::Error> {
    let is_custom = |key: &str| compiled.custom_resources.iter().any(|custom| custom == key);
    // The config's own resources of an msk mapping's name stay where they are (Serverless
    // merges them over the mapping); every other msk mapping is taken out and the compiled
    // ones go where the first of them was.
    let mut replaced_at = None;
    let mut kept = Vec::with_capacity(resources.len() + compiled.resources.len());
    for (key, value) in std::mem::take(resources) {
        if key.contains(MskEvent::LOGICAL_ID_INFIX) && !is_custom(&key) && is_mapping(&value)? {
            replaced_at.get_or_insert(kept.len());
        } else {
            kept.push((key, value));
        }
    }
    let insert_at = replaced_at.unwrap_or_else(|| {
        let custom_tail = kept
            .iter()
            .rposition(|(key, _)| !is_custom(key))
            .map_or(0, |last| last + 1);
        let first_sqs = kept
            .iter()
            .position(|(key, _)| key.contains(SQS_MAPPING_MARKER))
            .unwrap_or(kept.len());
        custom_tail.min(first_sqs)
    });
    // A resource of a compiled mapping's name that is not recognisable as one (its type was
    // edited) is replaced where it stands, as assigning the mapping into `Resources` would:
    // adding the mapping beside it wrote the key twice.
    let taken: std::collections::HashSet<String> = kept
        .iter()
        .map(|(key, _)| key.clone())
        .filter(|key| compiled.resources.contains_key(key))
        .collect();
    for (key, value) in &mut kept {
        if let Some(resource) = compiled.resources.get(key.as_str()) {
            *value = Part::Value(resource.to_json());
        }
    }
    let rest = kept.split_off(insert_at);
    *resources = kept;
    for (logical_id, resource) in &compiled.resources {
        if !taken.contains(logical_id) {
            resources.push((logical_id.clone(), Part::Value(resource.to_json())));
        }
    }
    resources.extend(rest);
    Ok(replaced_at.is_some())
}

fn is_mapping(resource: &Part<'_>) -> Result<bool, raw::Error> {
    Ok(match resource {
        Part::Raw(text) => raw::entries(text)?.is_some_and(|members| {
            members.iter().any(|(key, value)| {
                key == "Type" && raw::is_string(value, "AWS::Lambda::EventSourceMapping")
            })
        }),
        other => other.value()?["Type"] == "AWS::Lambda::EventSourceMapping",
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
                "MskEventsReadSecrets",
                "MskEventsListScramSecrets"
            ]
        );
        assert_eq!(statements.len(), 6, "{statements:#?}");
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
        assert!(!cleared.contains(MskEvent::LOGICAL_ID_INFIX));
        assert_eq!(statements(&cleared), 1);
    }

    /// `JSON.parse` reads `1e400` as `Infinity`, which `JSON.stringify` writes as `null`
    /// (serde_json refused the template); a key given twice keeps its last value.
    #[test]
    fn a_template_is_read_as_json_parse_reads_it() {
        let text = TEMPLATE.replace(
            "\"Resources\"",
            "\"Metadata\": {\"Big\": 1e400, \"Small\": -1e400, \"A\": 1, \"A\": 2.50},\n  \"Resources\"",
        );
        let merged = merge(
            &text,
            &compiled("      - msk: {arn: 'arn:aws:kafka:us-east-1:1:cluster/a/1', topic: t}\n"),
        )
        .expect("merges");
        assert!(merged.starts_with("{\n  \"Metadata\": {\n    \"Big\": null,\n    \"Small\": null,\n    \"A\": 2.5\n  },"), "{merged}");
    }

    /// A config statement in exactly the sqs compiler's form, last of the config's own, with
    /// no sqs event: without msk statements in the template it cannot be told from the
    /// framework's and ours go before it; once they are there, they are found before or after
    /// it, and nothing is lost or added twice.
    #[test]
    fn a_config_statement_of_the_sqs_compilers_form_is_never_doubled_or_lost() {
        let with_user = TEMPLATE.replace(
            "\"Resource\": \"*\"}]",
            "\"Resource\": \"*\"}, {\"Effect\": \"Allow\", \"Action\": [\"sqs:ReceiveMessage\", \"sqs:DeleteMessage\", \"sqs:GetQueueAttributes\"], \"Resource\": [\"a\", \"b\"]}]",
        );
        assert_ne!(with_user, TEMPLATE);
        let one =
            compiled("      - msk: {arn: 'arn:aws:kafka:us-east-1:1:cluster/a/1', topic: t}\n");
        let once = merge(&with_user, &one).expect("merges");
        assert_eq!(merge(&once, &one).expect("merges"), once);
        let template: Json = serde_json::from_str(&once).expect("json");
        let statements = template
            .pointer(
                "/Resources/IamRoleLambdaExecution/Properties/Policies/0/PolicyDocument/Statement",
            )
            .and_then(Json::as_array)
            .expect("statements");
        assert_eq!(statements.len(), 4, "{statements:#?}");
    }

    /// Found by the merge fuzzing round: a resource of a compiled mapping's name whose type
    /// was edited (so not recognisable as an msk mapping) was kept and the mapping added beside
    /// it under the same key; the second merge then read the later one and differed.
    #[test]
    fn a_resource_of_a_mappings_name_is_replaced_once() {
        let one =
            compiled("      - msk: {arn: 'arn:aws:kafka:us-east-1:1:cluster/a/1', topic: t}\n");
        let (name, _) = one.resources.first().expect("a mapping");
        let text = TEMPLATE.replace(
            "\"FLambdaFunction\"",
            &format!(
                "\"{name}\": {{\"Type\": \"AWS::Lambda::Evpping\"}},\n    \"FLambdaFunction\""
            ),
        );
        let once = merge(&text, &one).expect("merges");
        assert_eq!(once.matches(&format!("\"{name}\"")).count(), 1, "{once}");
        assert_eq!(merge(&once, &one).expect("merges"), once);
    }
}
