//! Merging the compiled msk parts into a CloudFormation template, as the framework does
//! in-process: mappings are assigned into `Resources`, statements appended to the first
//! policy of `IamRoleLambdaExecution` (only when the template has that role).
//!
//! Position matters because the output is compared byte for byte. In the framework the msk
//! compiler runs after the functions and the earlier event compilers and before the sqs
//! compiler; the config's own `resources.Resources` are merged last. So new mappings go
//! before the first sqs mapping and before the trailing run of custom resources, and the
//! msk statements before the first sqs statement. A mapping already in the template is
//! replaced where it stands.

use serde_json::{Map, Value as Json};

use crate::compile::{Compiled, Resource};
use crate::diag::{Code, Diagnostic};
use crate::json::stringify_pretty;

/// Logical-ID marker of the sqs compiler's mappings (`<Fn>EventSourceMappingSQS<Queue>`).
const SQS_MAPPING_MARKER: &str = "EventSourceMappingSQS";

/// Returns the merged template text (`JSON.stringify(template, null, 2)`), or the original
/// text unchanged when there is nothing to add.
pub fn merge(template_text: &str, compiled: &Compiled) -> Result<String, Diagnostic> {
    if compiled.resources.is_empty() && compiled.statements.is_empty() {
        return Ok(template_text.to_owned());
    }
    let invalid = |message: String| Diagnostic::error(Code::TemplateInvalid, message);
    let mut template: Json = serde_json::from_str(template_text)
        .map_err(|error| invalid(format!("the template is not valid JSON: {error}")))?;
    let Some(resources) = template.get_mut("Resources").and_then(Json::as_object_mut) else {
        return Err(invalid("the template has no `Resources` object".to_owned()));
    };
    merge_resources(resources, compiled);
    if let Some(role) = resources.get_mut(msk_model::iam::SHARED_ROLE_LOGICAL_ID) {
        let statements = role
            .pointer_mut("/Properties/Policies/0/PolicyDocument/Statement")
            .and_then(Json::as_array_mut)
            .ok_or_else(|| invalid("`IamRoleLambdaExecution` has no `Properties.Policies[0].PolicyDocument.Statement` list".to_owned()))?;
        let at = statements
            .iter()
            .position(is_sqs_statement)
            .unwrap_or(statements.len());
        statements.splice(at..at, compiled.statements.iter().cloned());
    }
    Ok(stringify_pretty(&template))
}

fn merge_resources(resources: &mut Map<String, Json>, compiled: &Compiled) {
    let keys: Vec<&String> = resources.keys().collect();
    let custom_tail = keys
        .iter()
        .rposition(|key| !compiled.custom_resources.contains(key))
        .map_or(0, |last| last + 1);
    let first_sqs = keys
        .iter()
        .position(|key| key.contains(SQS_MAPPING_MARKER))
        .unwrap_or(keys.len());
    let insert_at = custom_tail.min(first_sqs);

    let mut merged = Map::with_capacity(resources.len() + compiled.resources.len());
    let mut rest = std::mem::take(resources).into_iter();
    merged.extend(rest.by_ref().take(insert_at));
    let rest: Vec<(String, Json)> = rest.collect();
    for (logical_id, resource) in &compiled.resources {
        if !rest.iter().any(|(key, _)| key == logical_id) {
            merged.insert(logical_id.clone(), resource.to_json());
        }
    }
    for (key, value) in rest {
        let value = compiled
            .resources
            .get(&key)
            .map_or(value, Resource::to_json);
        merged.insert(key, value);
    }
    *resources = merged;
}

fn is_sqs_statement(statement: &Json) -> bool {
    statement["Action"].as_array().is_some_and(|actions| {
        actions.iter().any(|action| {
            action
                .as_str()
                .is_some_and(|action| action.starts_with("sqs:"))
        })
    })
}
