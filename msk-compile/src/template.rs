//! Merging the compiled msk parts into a CloudFormation template, as the framework does
//! in-process: mappings are assigned into `Resources`, statements appended to the first
//! policy of `IamRoleLambdaExecution` (only when the template has that role).

use serde_json::Value as Json;

use crate::codes;
use crate::compile::Compiled;
use crate::diag::Diagnostic;
use crate::json::stringify_pretty;

/// Returns the merged template text (`JSON.stringify(template, null, 2)`), or the original
/// text unchanged when there is nothing to add.
pub fn merge(template_text: &str, compiled: &Compiled) -> Result<String, Diagnostic> {
    if compiled.resources.is_empty() && compiled.statements.is_empty() {
        return Ok(template_text.to_owned());
    }
    let mut template: Json = serde_json::from_str(template_text).map_err(|error| {
        Diagnostic::error(
            codes::TEMPLATE_INVALID,
            format!("the template is not valid JSON: {error}"),
        )
    })?;
    let Some(resources) = template.get_mut("Resources").and_then(Json::as_object_mut) else {
        return Err(Diagnostic::error(
            codes::TEMPLATE_INVALID,
            "the template has no `Resources` object",
        ));
    };
    // The framework assigns the mappings while compiling events, before it merges the
    // config's own `resources.Resources`; so new mappings go before the trailing run of
    // custom resources, and a mapping already in the template is replaced where it stands.
    let keys: Vec<String> = resources.keys().cloned().collect();
    let tail_start = keys
        .iter()
        .rposition(|key| !compiled.custom_resources.contains(key))
        .map_or(0, |last| last + 1);
    let mut tail: Vec<(String, Json)> = keys[tail_start..]
        .iter()
        .filter_map(|key| {
            resources
                .shift_remove(key)
                .map(|value| (key.clone(), value))
        })
        .collect();
    for (logical_id, resource) in &compiled.resources {
        match tail.iter_mut().find(|(key, _)| key == logical_id) {
            Some(slot) => slot.1 = resource.clone(),
            None => {
                resources.insert(logical_id.clone(), resource.clone());
            }
        }
    }
    resources.extend(tail);
    if let Some(role) = resources.get_mut(msk_model::iam::SHARED_ROLE_LOGICAL_ID) {
        let statements = role
            .pointer_mut("/Properties/Policies/0/PolicyDocument/Statement")
            .and_then(Json::as_array_mut)
            .ok_or_else(|| Diagnostic::error(codes::TEMPLATE_INVALID, "`IamRoleLambdaExecution` has no `Properties.Policies[0].PolicyDocument.Statement` list"))?;
        statements.extend(compiled.statements.iter().cloned());
    }
    Ok(stringify_pretty(&template))
}
