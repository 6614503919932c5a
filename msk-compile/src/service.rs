//! Facts about the surrounding service that shape each msk resource: the functions in
//! order, their execution role (`DependsOn`, and where the extended profile's grants go),
//! their alias target (`FunctionName`), and whether Serverless creates the shared
//! `IamRoleLambdaExecution` role at all.

use serde_json::Value as Json;

use crate::diag::{Code, Diagnostic};
use crate::js;
use crate::json::object;
use crate::naming::{lambda_logical_id, normalized_function_name};
use crate::tree::{Node, Span, Value};

/// The alias Serverless points event sources at (`functionObject.targetAlias`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetAlias {
    pub name: &'static str,
    pub logical_id: String,
}

/// The functions of the service in config order (`service.getAllFunctions()`).
pub fn functions(root: &Node) -> Vec<(&str, &Node)> {
    match root.get("functions").map(|node| &node.value) {
        Some(Value::Object(entries)) => entries
            .iter()
            .map(|entry| (entry.key.as_str(), &entry.value))
            .collect(),
        _ => Vec::new(),
    }
}

/// `provider.isExistingRoleProvided`: a string, or an object with an intrinsic-looking key.
fn is_existing_role(role: &Node) -> bool {
    match &role.value {
        Value::String(_) => true,
        Value::Object(entries) => entries.iter().any(|entry| entry.key.contains("::")),
        _ => false,
    }
}

/// The provider-level `iam.role`, when set.
fn provider_iam_role(root: &Node) -> Option<&Node> {
    root.pointer(&["provider", "iam", "role"])
}

/// Whether Serverless' `mergeIamTemplates` creates `IamRoleLambdaExecution`.
pub fn creates_shared_role(root: &Node, functions: &[(&str, &Node)]) -> bool {
    if functions.is_empty() {
        return false;
    }
    if provider_iam_role(root).is_some_and(|role| !role.is_null() && is_existing_role(role)) {
        return false;
    }
    if root
        .get("provider")
        .and_then(|provider| provider.entry("role"))
        .is_some()
    {
        return false;
    }
    // `'role' in functionObject`: the key counts even when its value is null.
    !functions
        .iter()
        .all(|(_, function)| function.entry("role").is_some())
}

/// `resolveFunctionIamRoleResourceName`: the role logical ID the mapping must wait for.
pub fn role_dependency(root: &Node, function: &Node) -> Option<String> {
    let custom = function
        .get("role")
        .filter(|role| js::is_truthy(&role.value))
        .or_else(|| {
            provider_iam_role(root).filter(|role| !role.is_null() && is_existing_role(role))
        })
        .or_else(|| root.pointer(&["provider", "role"]))
        .filter(|role| js::is_truthy(&role.value));
    let Some(role) = custom else {
        return Some(msk_model::iam::SHARED_ROLE_LOGICAL_ID.to_owned());
    };
    match &role.value {
        // An ARN (contains `:`) needs no dependency; a bare name is a logical ID.
        Value::String(name) => (!name.contains(':')).then(|| name.clone()),
        Value::Object(_) => {
            if let Some(Value::Array(items)) = role.get("Fn::GetAtt").map(|node| &node.value)
                && let [resource, attribute] = items.as_slice()
                && let (Some(resource), Some("Arn")) = (resource.as_str(), attribute.as_str())
            {
                return Some(resource.to_owned());
            }
            let external = ["Fn::ImportValue", "Ref", "Fn::Sub"]
                .iter()
                .any(|key| role.get(key).is_some_and(|node| js::is_truthy(&node.value)));
            if external {
                None
            } else {
                Some(msk_model::iam::SHARED_ROLE_LOGICAL_ID.to_owned())
            }
        }
        _ => Some(msk_model::iam::SHARED_ROLE_LOGICAL_ID.to_owned()),
    }
}

/// The role a function's grants go to (extended profile).
#[derive(Debug, Clone, PartialEq)]
pub enum RoleTarget {
    /// `IamRoleLambdaExecution`, which Serverless creates.
    Shared,
    /// A role resource of the template (`role: MyRole`, `!GetAtt MyRole.Arn`).
    InTemplate(String),
    /// An ARN, an import or a role not in the template: where the role is written.
    External(Span),
}

/// Where `function`'s grants go.
pub fn role_target(root: &Node, function: &Node) -> RoleTarget {
    let Some(logical_id) = role_dependency(root, function) else {
        let span = function
            .get("role")
            .or_else(|| provider_iam_role(root))
            .or_else(|| root.pointer(&["provider", "role"]))
            .map_or(function.span, |node| node.span);
        return RoleTarget::External(span);
    };
    if logical_id == msk_model::iam::SHARED_ROLE_LOGICAL_ID {
        return RoleTarget::Shared;
    }
    let is_role = root
        .pointer(&["resources", "Resources", &logical_id, "Type"])
        .and_then(Node::as_str)
        == Some("AWS::IAM::Role");
    if is_role {
        RoleTarget::InTemplate(logical_id)
    } else {
        let span = function
            .get("role")
            .or_else(|| root.pointer(&["provider", "role"]))
            .map_or(function.span, |node| node.span);
        RoleTarget::External(span)
    }
}

/// The alias the functions compiler creates for `provisionedConcurrency` or `snapStart`.
pub fn target_alias(name: &str, function: &Node) -> Result<Option<TargetAlias>, Diagnostic> {
    let provisioned = function
        .get("provisionedConcurrency")
        .filter(|node| js::is_truthy(&node.value));
    let snap_start = function
        .get("snapStart")
        .filter(|node| js::is_truthy(&node.value));
    match (provisioned, snap_start) {
        (Some(_), Some(snap)) => Err(Diagnostic::error(
            Code::BothAliases,
            format!("Functions with enabled SnapStart does not support provisioned concurrency. Please remove at least one of the settings on function \"{name}\"."),
        )
        .at(snap.span)
        .with_path(format!("functions.{name}.snapStart"))
        .with_help("remove either `provisionedConcurrency` or `snapStart`")),
        (Some(_), None) => Ok(Some(TargetAlias { name: "provisioned", logical_id: format!("{}ProvConcLambdaAlias", normalized_function_name(name)) })),
        (None, Some(_)) => Ok(Some(TargetAlias { name: "snapstart", logical_id: format!("{}SnapStartLambdaAlias", normalized_function_name(name)) })),
        (None, None) => Ok(None),
    }
}

/// `resolveLambdaTarget`: the function ARN, or the alias ARN when there is an alias.
pub fn lambda_target(name: &str, alias: Option<&TargetAlias>) -> serde_json::Value {
    // Built by moving values in: `json!` would copy `arn` through serialization.
    let arn = object([(
        "Fn::GetAtt",
        Json::Array(vec![
            Json::String(lambda_logical_id(name)),
            Json::from("Arn"),
        ]),
    )]);
    match alias {
        Some(alias) => object([(
            "Fn::Join",
            Json::Array(vec![
                Json::from(":"),
                Json::Array(vec![arn, Json::from(alias.name)]),
            ]),
        )]),
        None => arn,
    }
}
