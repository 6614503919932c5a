//! The model's rules ([`msk_model::Rule`]), interpreted over one msk event: each failed rule is
//! a diagnostic with the rule's code, at the value it is about. A rule that enforces a
//! constraint of CloudFormation's schema is an error under the extended profile and a warning
//! under the others (whose output stays the framework's); every other rule is an error.

use std::cell::RefCell;
use std::collections::HashMap;

use regex::Regex;

use msk_model::{JsonType, Rule, Test, Trigger};

use crate::diag::Diagnostic;
use crate::dialect::Dialect;
use crate::js;
use crate::json::write_node;
use crate::tree::{Node, Value};

/// The resource type whose schema the CloudFormation rules come from, for help texts.
const RESOURCE_SCHEMA: &str = "AWS::Lambda::EventSourceMapping";

/// The set (non-null) value at a dotted path inside the event (`provisionedPollers.min`).
fn at<'a>(msk: &'a Node, path: &str) -> Option<&'a Node> {
    msk.at_dotted(path).filter(|node| !node.is_null())
}

/// Every set value at `path`, where a segment ending in `[]` stands for each item of the list
/// there, with its dotted path (list items by index, as Serverless names them).
fn select<'a>(msk: &'a Node, path: &str) -> Vec<(&'a Node, String)> {
    if !path.contains("[]") {
        return at(msk, path)
            .map(|node| (node, path.to_owned()))
            .into_iter()
            .collect();
    }
    let mut found = vec![(msk, String::new())];
    for segment in path.split('.') {
        let (key, each) = match segment.strip_suffix("[]") {
            Some(key) => (key, true),
            None => (segment, false),
        };
        let join = |prefix: &str, key: &str| {
            if prefix.is_empty() {
                key.to_owned()
            } else {
                format!("{prefix}.{key}")
            }
        };
        let mut next = Vec::new();
        for (node, prefix) in found {
            let Some(child) = node.get(key).filter(|child| !child.is_null()) else {
                continue;
            };
            let child_path = join(&prefix, key);
            match (&child.value, each) {
                (Value::Array(items), true) => next.extend(
                    items
                        .iter()
                        .enumerate()
                        .filter(|(_, item)| !item.is_null())
                        .map(|(index, item)| (item, format!("{child_path}.{index}"))),
                ),
                (_, true) => {}
                (_, false) => next.push((child, child_path)),
            }
        }
        found = next;
    }
    found
}

/// Whether `node` triggers a [`Test::Requires`]: a string that equals (or starts with) the
/// trigger's text, or a list holding one.
fn triggers(node: &Node, trigger: Trigger) -> bool {
    let matches = |text: &str| match trigger {
        Trigger::Set => true,
        Trigger::Equals(value) => text == value,
        Trigger::Prefix(prefix) => text.starts_with(prefix),
    };
    if trigger == Trigger::Set {
        return true;
    }
    match &node.value {
        Value::String(text) => matches(text),
        Value::Array(items) => items.iter().filter_map(Node::as_str).any(matches),
        _ => false,
    }
}

fn number(node: &Node) -> Option<f64> {
    match node.value {
        Value::Number(number) => Some(number),
        _ => None,
    }
}

/// A CloudFormation function (`{Ref: …}`, `{"Fn::GetAtt": …}`): its value is known at deploy
/// time only, so no constraint is judged on it.
fn is_intrinsic(node: &Node) -> bool {
    match &node.value {
        Value::Object(entries) => {
            entries.len() == 1 && (entries[0].key == "Ref" || entries[0].key.starts_with("Fn::"))
        }
        _ => false,
    }
}

fn json_text(node: &Node) -> String {
    let mut text = String::new();
    write_node(&mut text, node);
    text
}

thread_local! {
    /// Compiled patterns of `matches` rules: a big service checks every event. The derive
    /// made sure each one compiles.
    static PATTERNS: RefCell<HashMap<&'static str, Option<Regex>>> = RefCell::new(HashMap::new());
}

fn is_match(pattern: &'static str, text: &str) -> bool {
    PATTERNS.with(|patterns| {
        patterns
            .borrow_mut()
            .entry(pattern)
            .or_insert_with(|| Regex::new(pattern).ok())
            .as_ref()
            .is_none_or(|regex| regex.is_match(text))
    })
}

/// One failure of a rule: the value, its path, and for a schema constraint the constraint as
/// the schema writes it (`maxLength: 200`) and what the value does instead.
struct Failure<'a> {
    node: &'a Node,
    path: String,
    constraint: Option<String>,
    found: String,
}

impl<'a> Failure<'a> {
    fn at(node: &'a Node, path: impl Into<String>) -> Self {
        Failure {
            node,
            path: path.into(),
            constraint: None,
            found: String::new(),
        }
    }

    fn constraint(node: &'a Node, path: String, constraint: String, found: String) -> Self {
        Failure {
            node,
            path,
            constraint: Some(constraint),
            found,
        }
    }
}

fn bound(number: f64) -> String {
    js::number_to_string(number)
}

/// The failures of `test` on the event `msk`.
fn failures<'a>(test: &Test, msk: &'a Node) -> Vec<Failure<'a>> {
    let mut failed = Vec::new();
    match *test {
        Test::RequiredWhen {
            field,
            equals,
            requires,
        } => {
            // Serverless compares the value after its default (`startingPosition || …`); the
            // defaults of the model never equal a rule's trigger, so the written value decides.
            let triggered = at(msk, field).and_then(Node::as_str) == Some(equals);
            if triggered && msk.at_dotted(requires).is_none_or(Node::is_null) {
                failed.extend(at(msk, field).map(|node| Failure::at(node, field)));
            }
        }
        Test::Requires {
            field,
            trigger,
            other,
        } => {
            let unmet = !at(msk, other).is_some_and(|node| js::is_truthy(&node.value));
            failed.extend(
                at(msk, field)
                    .filter(|node| js::is_truthy(&node.value) && triggers(node, trigger))
                    .filter(|_| unmet)
                    .map(|node| Failure::at(node, field)),
            );
        }
        Test::Conflicts { field, other } => {
            let set = |path| at(msk, path).filter(|node| js::is_truthy(&node.value));
            if set(field).is_some()
                && let Some(node) = set(other)
            {
                failed.push(Failure::at(node, other));
            }
        }
        Test::NotGreater { field, other } => {
            let (low, high) = (at(msk, field), at(msk, other));
            if let (Some(low_node), Some(low), Some(high)) =
                (low, low.and_then(number), high.and_then(number))
                && low > high
            {
                failed.push(Failure::at(low_node, field));
            }
        }
        Test::Differs {
            field,
            prefix,
            other,
        } => {
            if let (Some(node), Some(source)) =
                (at(msk, field), at(msk, other).and_then(Node::as_str))
                && node.as_str().and_then(|text| text.strip_prefix(prefix)) == Some(source)
            {
                failed.push(Failure::at(node, field));
            }
        }
        Test::Matches { field, pattern } => {
            for (node, path) in select(msk, field) {
                if let Some(text) = node.as_str()
                    && !is_match(pattern, text)
                {
                    failed.push(Failure::constraint(
                        node,
                        path,
                        format!("pattern: {pattern}"),
                        format!("{} does not match it", json_text(node)),
                    ));
                }
            }
        }
        Test::Length { field, min, max } => {
            for (node, path) in select(msk, field) {
                let Some(text) = node.as_str() else {
                    continue;
                };
                let length = text.chars().count() as u64;
                if let Some(min) = min.filter(|min| length < *min) {
                    failed.push(Failure::constraint(
                        node,
                        path,
                        format!("minLength: {min}"),
                        format!("it has {length} characters"),
                    ));
                } else if let Some(max) = max.filter(|max| length > *max) {
                    failed.push(Failure::constraint(
                        node,
                        path,
                        format!("maxLength: {max}"),
                        format!("it has {length} characters"),
                    ));
                }
            }
        }
        Test::JsonLength { field, max } => {
            for (node, path) in select(msk, field) {
                let length = json_text(node).chars().count() as u64;
                if length > max {
                    failed.push(Failure::constraint(
                        node,
                        path,
                        format!("maxLength: {max}"),
                        format!("as JSON it has {length} characters"),
                    ));
                }
            }
        }
        Test::Range { field, min, max } => {
            for (node, path) in select(msk, field) {
                let Some(value) = number(node) else {
                    continue;
                };
                if let Some(min) = min.filter(|min| value < *min) {
                    failed.push(Failure::constraint(
                        node,
                        path,
                        format!("minimum: {}", bound(min)),
                        format!("it is {}", bound(value)),
                    ));
                } else if let Some(max) = max.filter(|max| value > *max) {
                    failed.push(Failure::constraint(
                        node,
                        path,
                        format!("maximum: {}", bound(max)),
                        format!("it is {}", bound(value)),
                    ));
                }
            }
        }
        Test::Type { field, is } => {
            for (node, path) in select(msk, field) {
                let fits = match (&node.value, is) {
                    (Value::String(_), JsonType::String) | (Value::Bool(_), JsonType::Boolean) => {
                        true
                    }
                    (Value::Number(number), JsonType::Number) => number.is_finite(),
                    (Value::Number(number), JsonType::Integer) => {
                        number.is_finite() && number.fract() == 0.0
                    }
                    _ => is_intrinsic(node),
                };
                if !fits {
                    failed.push(Failure::constraint(
                        node,
                        path,
                        format!("type: {}", is.name()),
                        format!("it is {}", json_text(node)),
                    ));
                }
            }
        }
        Test::OneOf { field, values } => {
            for (node, path) in select(msk, field) {
                if !is_intrinsic(node) && !node.as_str().is_some_and(|text| values.contains(&text))
                {
                    failed.push(Failure::constraint(
                        node,
                        path,
                        format!("enum: [{}]", values.join(", ")),
                        format!("it is {}", json_text(node)),
                    ));
                }
            }
        }
        Test::Items { field, min, max } => {
            for (node, path) in select(msk, field) {
                let Value::Array(items) = &node.value else {
                    continue;
                };
                let count = items.len() as u64;
                if let Some(min) = min.filter(|min| count < *min) {
                    failed.push(Failure::constraint(
                        node,
                        path,
                        format!("minItems: {min}"),
                        format!("it has {count} items"),
                    ));
                } else if let Some(max) = max.filter(|max| count > *max) {
                    failed.push(Failure::constraint(
                        node,
                        path,
                        format!("maxItems: {max}"),
                        format!("it has {count} items"),
                    ));
                }
            }
        }
        Test::Unique { field } => {
            for (node, path) in select(msk, field) {
                let Value::Array(items) = &node.value else {
                    continue;
                };
                let mut seen = std::collections::HashSet::new();
                for (index, item) in items.iter().enumerate() {
                    let text = json_text(item);
                    if !seen.insert(text.clone()) {
                        failed.push(Failure::constraint(
                            item,
                            format!("{path}.{index}"),
                            "uniqueItems: true".to_owned(),
                            format!("{text} is listed twice"),
                        ));
                    }
                }
            }
        }
    }
    failed
}

/// Checks the `rules` in force under `dialect` on the event `msk` of `function`; `key_path`
/// gives a dotted key's Serverless path, `written` whether Serverless writes the value of a
/// key as it is (a rule on CloudFormation's schema judges only what reaches the template:
/// not `batchSize: 0`, which is left out, nor a falsy `startingPosition`, replaced by its
/// default).
pub fn check(
    rules: &[Rule],
    dialect: &Dialect,
    function: &str,
    msk: &Node,
    key_path: &dyn Fn(&str) -> String,
    written: &dyn Fn(&str) -> bool,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for rule in rules.iter().filter(|rule| dialect.keys.has(rule.profile)) {
        if rule.cloudformation.is_some() {
            let field = rule.test.field();
            let key = field.split(['.', '[']).next().unwrap_or(field);
            if !written(key) {
                continue;
            }
        }
        for failure in failures(&rule.test, msk) {
            diagnostics.push(diagnostic(rule, dialect, function, failure, key_path));
        }
    }
}

fn diagnostic(
    rule: &Rule,
    dialect: &Dialect,
    function: &str,
    failure: Failure,
    key_path: &dyn Fn(&str) -> String,
) -> Diagnostic {
    let message = if rule.message.is_empty() {
        format!(
            "CloudFormation rejects this `{}`: {}",
            failure.path, failure.found
        )
    } else {
        rule.message.replace("{function}", function)
    };
    let warn = rule.cloudformation.is_some() && !dialect.least_privilege;
    let mut diagnostic = if warn {
        Diagnostic::warning(rule.code, message)
    } else {
        Diagnostic::error(rule.code, message)
    }
    .at(failure.node.span)
    .with_path(key_path(&failure.path));
    let help = match (rule.cloudformation, &failure.constraint) {
        (Some(property), Some(constraint)) => {
            let schema = format!(
                "CloudFormation's {RESOURCE_SCHEMA} schema: `{property}` has `{constraint}`"
            );
            if rule.help.is_empty() {
                schema
            } else {
                format!("{}; {schema}", rule.help)
            }
        }
        _ => rule.help.to_owned(),
    };
    if !help.is_empty() {
        diagnostic = diagnostic.with_help(help);
    }
    diagnostic
}
