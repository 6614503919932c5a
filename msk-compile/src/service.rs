//! Facts about the surrounding service that shape each msk resource: the functions in
//! order, their execution role (`DependsOn`, and where the extended profile's grants go),
//! their alias target (`FunctionName`), and whether Serverless creates the shared
//! `IamRoleLambdaExecution` role at all.

use serde_json::Value as Json;

use crate::diag::{Code, Diagnostic};
use crate::dialect::Dialect;
use crate::js;
use crate::json::object;
use crate::naming::{lambda_logical_id_as, normalized_function_name_as};
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
pub fn role_dependency(root: &Node, function: &Node, dialect: &Dialect) -> Option<String> {
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
            // 3.40.0 tests the intrinsic's value, osls the key (`hasOwn`): `{Fn::Sub: ''}` is
            // the shared role to one and an external role to the other.
            let external = ["Fn::ImportValue", "Ref", "Fn::Sub"].iter().any(|key| {
                role.get(key).is_some_and(|node| {
                    dialect.empty_role_intrinsic_is_external || js::is_truthy(&node.value)
                })
            });
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
pub fn role_target(root: &Node, function: &Node, dialect: &Dialect) -> RoleTarget {
    let Some(logical_id) = role_dependency(root, function, dialect) else {
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

/// The event source mapping keys that make a durable function's execution synchronous
/// (osls' `durableEventSourceMappingEventKeys`).
const EVENT_SOURCE_MAPPING_KEYS: [&str; 6] =
    ["sqs", "stream", "msk", "kafka", "activemq", "rabbitmq"];

/// The longest `durableConfig.executionTimeout` (seconds) an event source mapping allows.
const DURABLE_ESM_MAX_TIMEOUT: f64 = 900.0;

/// The alias the functions compiler creates for `durableConfig` (osls), `provisionedConcurrency`
/// or `snapStart`, in that order of precedence; the errors the functions compiler stops at
/// first, in its order.
pub fn target_alias(
    name: &str,
    function: &Node,
    dialect: &Dialect,
) -> (Option<TargetAlias>, Vec<Diagnostic>) {
    let set = |key: &str| function.get(key).filter(|node| js::is_truthy(&node.value));
    let normalized = || normalized_function_name_as(name, dialect.upper_first);
    let mut errors = Vec::new();
    let durable = set("durableConfig").filter(|_| dialect.durable_functions);
    if let Some(timeout) = durable
        .and_then(|durable| durable.get("executionTimeout"))
        .filter(|timeout| {
            // JavaScript's `>`: a string is compared as its number.
            match &timeout.value {
                Value::Number(seconds) => *seconds > DURABLE_ESM_MAX_TIMEOUT,
                Value::String(text) => js::string_to_number(text) > DURABLE_ESM_MAX_TIMEOUT,
                Value::Bool(_) | Value::Null | Value::Array(_) | Value::Object(_) => false,
            }
        })
        && has_event_source_mapping(function)
    {
        errors.push(Diagnostic::error(
            Code::DurableEsmTimeout,
            format!("Function \"{name}\" uses an event source mapping with \"durableConfig.executionTimeout\" greater than 900 seconds. AWS Lambda event source mappings invoke durable functions synchronously and require durable execution timeout to be 15 minutes or less."),
        )
        .at(timeout.span)
        .with_path(format!("functions.{name}.durableConfig.executionTimeout"))
        .with_help("set `executionTimeout` to 900 or less, or consume the topic from a function that is not durable"));
    }
    let (provisioned, snap_start) = (set("provisionedConcurrency"), set("snapStart"));
    if let (Some(_), Some(snap)) = (provisioned, snap_start) {
        errors.push(Diagnostic::error(
            Code::BothAliases,
            format!("Functions with enabled SnapStart does not support provisioned concurrency. Please remove at least one of the settings on function \"{name}\"."),
        )
        .at(snap.span)
        .with_path(format!("functions.{name}.snapStart"))
        .with_help("remove either `provisionedConcurrency` or `snapStart`"));
    }
    let alias = if durable.is_some() {
        Some(TargetAlias {
            name: "durable",
            logical_id: format!("{}DurableLambdaAlias", normalized()),
        })
    } else if !errors.is_empty() {
        None
    } else if provisioned.is_some() {
        Some(TargetAlias {
            name: "provisioned",
            logical_id: format!("{}ProvConcLambdaAlias", normalized()),
        })
    } else if snap_start.is_some() {
        Some(TargetAlias {
            name: "snapstart",
            logical_id: format!("{}SnapStartLambdaAlias", normalized()),
        })
    } else {
        None
    };
    (alias, errors)
}

/// Whether one of the function's events is compiled to an event source mapping.
fn has_event_source_mapping(function: &Node) -> bool {
    match function.get("events").map(|events| &events.value) {
        Some(Value::Array(events)) => events.iter().any(|event| match &event.value {
            Value::Object(entries) => entries
                .iter()
                .any(|entry| EVENT_SOURCE_MAPPING_KEYS.contains(&entry.key.as_str())),
            _ => false,
        }),
        _ => false,
    }
}

/// `resolveLambdaTarget`: the function ARN, or the alias ARN when there is an alias.
pub fn lambda_target(
    name: &str,
    alias: Option<&TargetAlias>,
    dialect: &Dialect,
) -> serde_json::Value {
    // Built by moving values in: `json!` would copy `arn` through serialization.
    let arn = object([(
        "Fn::GetAtt",
        Json::Array(vec![
            Json::String(lambda_logical_id_as(name, dialect.upper_first)),
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
