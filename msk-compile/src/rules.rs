//! The model's `check(...)` rules ([`msk_model::Check`]), interpreted over one msk event:
//! each failed rule is an error with the rule's code, at the value it is about.

use std::cell::RefCell;
use std::collections::HashMap;

use regex::Regex;

use msk_model::{Check, CheckKind, KeySet};

use crate::diag::Diagnostic;
use crate::js;
use crate::tree::{Node, Value};

/// The set (non-null) value at a dotted path inside the event (`provisionedPollers.min`).
fn at<'a>(msk: &'a Node, path: &str) -> Option<&'a Node> {
    msk.at_dotted(path).filter(|node| !node.is_null())
}

/// `value` as a [`CheckKind::Requires`] trigger: empty (any set value), a string the value
/// equals or a list contains, or a prefix when it ends in `*`.
fn triggers(node: &Node, value: &str) -> bool {
    if value.is_empty() {
        return true;
    }
    let matches = |text: &str| match value.strip_suffix('*') {
        Some(prefix) => text.starts_with(prefix),
        None => text == value,
    };
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

thread_local! {
    /// Compiled patterns of `matches` rules: a big service checks every event.
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

/// Checks `rules` in force under `keys` on the event `msk` of `function`; `key_path` gives
/// a dotted key's Serverless path.
pub fn check(
    rules: &[Check],
    keys: KeySet,
    function: &str,
    msk: &Node,
    key_path: &dyn Fn(&str) -> String,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for rule in rules.iter().filter(|rule| keys.has(rule.profile)) {
        let field = at(msk, rule.field);
        let other = || at(msk, rule.other);
        let failed_at = match rule.kind {
            CheckKind::Requires => field
                .filter(|node| js::is_truthy(&node.value) && triggers(node, rule.value))
                .filter(|_| !other().is_some_and(|node| js::is_truthy(&node.value)))
                .map(|node| (node, rule.field)),
            CheckKind::Conflicts => field
                .filter(|node| js::is_truthy(&node.value))
                .and(other().filter(|node| js::is_truthy(&node.value)))
                .map(|node| (node, rule.other)),
            CheckKind::NotGreater => match (field.and_then(number), other().and_then(number)) {
                (Some(low), Some(high)) if low > high => field.map(|node| (node, rule.field)),
                _ => None,
            },
            CheckKind::Matches => field
                .filter(|node| {
                    node.as_str()
                        .is_some_and(|text| !is_match(rule.value, text))
                })
                .map(|node| (node, rule.field)),
            CheckKind::MaxLength => field
                .filter(|node| {
                    let limit = rule.value.parse::<usize>().unwrap_or(usize::MAX);
                    node.as_str()
                        .is_some_and(|text| text.chars().count() > limit)
                })
                .map(|node| (node, rule.field)),
            CheckKind::Differs => field
                .filter(|node| {
                    let (Some(text), Some(source)) =
                        (node.as_str(), other().and_then(Node::as_str))
                    else {
                        return false;
                    };
                    text.strip_prefix(rule.value) == Some(source)
                })
                .map(|node| (node, rule.field)),
        };
        if let Some((node, path)) = failed_at {
            let mut diagnostic =
                Diagnostic::error(rule.code, rule.message.replace("{function}", function))
                    .at(node.span)
                    .with_path(key_path(path));
            if !rule.help.is_empty() {
                diagnostic = diagnostic.with_help(rule.help);
            }
            diagnostics.push(diagnostic);
        }
    }
}
