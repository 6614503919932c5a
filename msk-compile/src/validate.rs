//! Schema validation as Serverless 3.40.0 performs it: Ajv 8 with `allErrors`,
//! `coerceTypes: 'array'`, null-valued keys ignored, followed by Serverless' own
//! error normalization and message wording.
//!
//! The validator interprets the schema generated from the model (so the schema users get
//! in their editor and the checks the compiler runs cannot disagree). Coercion rewrites the
//! node in place, as Ajv does, so coerced values reach the compiler (`"10"` → `10`).
//! Every error keeps the span of what it is about: the value, the unknown key, or the
//! mapping that lacks a required key.

use std::collections::HashMap;

use regex::Regex;
use serde_json::Value as Schema;

use crate::js;
use crate::tree::{Node, Span, Value};

/// One schema violation, already worded as Serverless words it.
#[derive(Debug, Clone, PartialEq)]
pub struct SchemaViolation {
    /// Path segments below the validated node (`["batchSize"]`, `["arn", "Ref"]`).
    pub path: Vec<String>,
    /// The Ajv keyword that failed (`maximum`, `required`, `additionalProperties`, …).
    pub keyword: &'static str,
    /// The message without the `at '<path>': ` prefix (`must be >= 1`).
    pub message: String,
    pub span: Span,
    /// Extra facts for better help texts (the allowed values, the unknown key, the bound).
    pub detail: Detail,
}

/// What a violation was about, for help texts beyond Serverless' message.
#[derive(Debug, Clone, PartialEq)]
pub enum Detail {
    None,
    UnknownKey {
        key: String,
        known: Vec<String>,
    },
    MissingKey {
        key: String,
    },
    Enum {
        allowed: Vec<String>,
        actual: Option<String>,
    },
    Range {
        minimum: Option<f64>,
        maximum: Option<f64>,
    },
    Type {
        expected: String,
    },
    Pattern {
        pattern: String,
    },
}

/// Error as Ajv records it, before Serverless' normalization.
#[derive(Debug, Clone)]
struct RawError<'s> {
    violation: SchemaViolation,
    /// `parentSchema.type` of the failing keyword (Serverless uses it to word anyOf errors).
    parent_type: Option<&'s str>,
}

/// One step of the path below the validated node while validating. Borrowed from the
/// schema (property names) or a plain index, so that walking a valid value allocates
/// nothing; violations get the path as strings.
#[derive(Debug, Clone)]
enum Segment<'s> {
    Key(&'s str),
    Index(usize),
    /// A key of the data (under `patternProperties`), not of the schema.
    Owned(String),
}

fn path_strings(path: &[Segment<'_>]) -> Vec<String> {
    path.iter()
        .map(|segment| match segment {
            Segment::Key(key) => (*key).to_owned(),
            Segment::Index(index) => index.to_string(),
            Segment::Owned(key) => key.clone(),
        })
        .collect()
}

/// A compiled view of one schema document: every schema object reachable from the root,
/// with `$ref`s and single-branch `allOf`s resolved and its keywords read once.
///
/// Validation runs once per msk event, tens of thousands of times for a big service; reading
/// the keywords out of the schema's JSON maps on every visit (a hashed lookup per keyword)
/// was most of its cost.
#[derive(Debug)]
pub struct Validator {
    /// `rules[0]` is the root.
    rules: Vec<Rule>,
}

/// The keywords of one schema, as [`Validator::check`] uses them. `None`/empty is "keyword
/// absent, or not of the form that applies" (exactly where the JSON reading gave up).
#[derive(Debug, Default)]
struct Rule {
    /// The schema is an object; other schemas (`true`, a list) check nothing.
    object: bool,
    /// `type`: the names listed (one for a string; a non-string `type` lists none).
    types: Option<Vec<String>>,
    /// `type` when it is a string: Ajv's `parentSchema.type` in Serverless' wording.
    single_type: Option<String>,
    minimum: Option<f64>,
    maximum: Option<f64>,
    max_length: Option<u64>,
    min_length: Option<u64>,
    /// `pattern` and its regex (`None` when it does not compile: then it matches all).
    pattern: Option<(String, Option<Regex>)>,
    max_items: Option<u64>,
    min_items: Option<u64>,
    items: Option<usize>,
    required: Option<Vec<String>>,
    /// `additionalProperties: false`.
    closed: bool,
    /// `additionalProperties: <schema>`: the rule every unlisted key's value follows.
    additional: Option<usize>,
    /// `propertyNames: <schema>`: the rule every key (as a string) follows.
    property_names: Option<usize>,
    /// `properties`, in schema order.
    properties: Option<Vec<(String, usize)>>,
    /// `patternProperties`, in schema order (a pattern that does not compile matches nothing).
    pattern_properties: Option<Vec<(Option<Regex>, usize)>>,
    enum_values: Option<Vec<Schema>>,
    any_of: Option<Vec<usize>>,
    one_of: Option<Vec<usize>>,
}

/// Builds the rules: one per distinct (resolved) schema object, shared where `$ref`s meet.
struct RuleBuilder<'s> {
    root: &'s Schema,
    rules: Vec<Rule>,
    /// Resolved schema (by address) → its rule; also ends `$ref` cycles.
    seen: HashMap<*const Schema, usize>,
    patterns: HashMap<String, Option<Regex>>,
}

impl<'s> RuleBuilder<'s> {
    fn resolve(&self, schema: &'s Schema) -> &'s Schema {
        let mut current = schema;
        // Follow `$ref` chains and single-branch `allOf` wrappers (schemars wraps `$ref`s
        // that carry a description); Serverless inlines its definitions the same way.
        for _ in 0..32 {
            if let Some(reference) = current.get("$ref").and_then(Schema::as_str) {
                // `#/a/b` → the JSON pointer `/a/b`.
                let Some(target) = reference
                    .strip_prefix('#')
                    .filter(|pointer| pointer.starts_with('/'))
                else {
                    return current;
                };
                match self.root.pointer(target) {
                    Some(found) => current = found,
                    None => return current,
                }
            } else if let Some(Schema::Array(all)) = current.get("allOf") {
                match all.as_slice() {
                    [single] => current = single,
                    _ => return current,
                }
            } else {
                return current;
            }
        }
        current
    }

    /// The rule of `schema` (resolved first).
    fn rule(&mut self, schema: &'s Schema) -> usize {
        let schema = self.resolve(schema);
        let address: *const Schema = schema;
        if let Some(&index) = self.seen.get(&address) {
            return index;
        }
        let index = self.rules.len();
        self.rules.push(Rule::default());
        self.seen.insert(address, index);
        let Some(keywords) = schema.as_object() else {
            return index;
        };
        let as_strings = |value: &Schema| -> Vec<String> {
            match value {
                Schema::Array(items) => items
                    .iter()
                    .filter_map(Schema::as_str)
                    .map(str::to_owned)
                    .collect(),
                _ => Vec::new(),
            }
        };
        let branches = |builder: &mut Self, keyword: &str| match keywords.get(keyword) {
            Some(Schema::Array(branches)) => {
                Some(branches.iter().map(|branch| builder.rule(branch)).collect())
            }
            _ => None,
        };
        let pattern = keywords
            .get("pattern")
            .and_then(Schema::as_str)
            .map(|pattern| {
                let regex = self
                    .patterns
                    .entry(pattern.to_owned())
                    .or_insert_with(|| Regex::new(pattern).ok())
                    .clone();
                (pattern.to_owned(), regex)
            });
        let items = keywords.get("items").map(|items| self.rule(items));
        let additional = keywords
            .get("additionalProperties")
            .filter(|schema| schema.is_object())
            .map(|schema| self.rule(schema));
        let property_names = keywords
            .get("propertyNames")
            .filter(|schema| schema.is_object())
            .map(|schema| self.rule(schema));
        let properties = keywords
            .get("properties")
            .and_then(Schema::as_object)
            .map(|properties| {
                properties
                    .iter()
                    .map(|(key, property)| (key.clone(), self.rule(property)))
                    .collect()
            });
        let pattern_properties = keywords
            .get("patternProperties")
            .and_then(Schema::as_object)
            .map(|patterns| {
                patterns
                    .iter()
                    .map(|(pattern, property)| (Regex::new(pattern).ok(), self.rule(property)))
                    .collect()
            });
        let any_of = branches(self, "anyOf");
        let one_of = branches(self, "oneOf");
        let rule = Rule {
            object: true,
            types: keywords.get("type").map(|types| match types {
                Schema::String(single) => vec![single.clone()],
                other => as_strings(other),
            }),
            single_type: keywords
                .get("type")
                .and_then(Schema::as_str)
                .map(str::to_owned),
            minimum: keywords.get("minimum").and_then(Schema::as_f64),
            maximum: keywords.get("maximum").and_then(Schema::as_f64),
            max_length: keywords.get("maxLength").and_then(Schema::as_u64),
            min_length: keywords.get("minLength").and_then(Schema::as_u64),
            pattern,
            max_items: keywords.get("maxItems").and_then(Schema::as_u64),
            min_items: keywords.get("minItems").and_then(Schema::as_u64),
            items,
            required: match keywords.get("required") {
                Some(required @ Schema::Array(_)) => Some(as_strings(required)),
                _ => None,
            },
            closed: keywords.get("additionalProperties") == Some(&Schema::Bool(false)),
            additional,
            property_names,
            properties,
            pattern_properties,
            enum_values: match keywords.get("enum") {
                Some(Schema::Array(allowed)) => Some(allowed.clone()),
                _ => None,
            },
            any_of,
            one_of,
        };
        if let Some(slot) = self.rules.get_mut(index) {
            *slot = rule;
        }
        index
    }
}

impl Validator {
    pub fn new(root: Schema) -> Self {
        let mut builder = RuleBuilder {
            root: &root,
            rules: Vec::new(),
            seen: HashMap::new(),
            patterns: HashMap::new(),
        };
        builder.rule(&root);
        Validator {
            rules: builder.rules,
        }
    }

    /// Validates (and coerces) `node` against the root schema.
    pub fn validate(&self, node: &mut Node) -> Vec<SchemaViolation> {
        let mut errors = Vec::new();
        let mut path = Vec::new();
        self.check(0, node, &mut path, &mut errors);
        errors.into_iter().map(|raw| raw.violation).collect()
    }

    fn check<'s>(
        &'s self,
        rule: usize,
        node: &mut Node,
        path: &mut Vec<Segment<'s>>,
        errors: &mut Vec<RawError<'s>>,
    ) {
        let Some(rule) = self.rules.get(rule).filter(|rule| rule.object) else {
            return;
        };
        let parent_type = rule.single_type.as_deref();
        let fail = |errors: &mut Vec<RawError<'s>>,
                    keyword: &'static str,
                    message: String,
                    span: Span,
                    detail: Detail,
                    path: &[Segment<'s>]| {
            errors.push(RawError {
                violation: SchemaViolation {
                    path: path_strings(path),
                    keyword,
                    message,
                    span,
                    detail,
                },
                parent_type,
            });
        };

        if let Some(types) = &rule.types {
            // The common case, a value of the right type, needs no list of the types.
            let matches = types.iter().any(|kind| has_type(node, kind));
            let types: Vec<&str> = if matches {
                Vec::new()
            } else {
                types.iter().map(String::as_str).collect()
            };
            if !matches {
                match coerce(node, &types) {
                    Some(coerced) => node.value = coerced,
                    None => {
                        let expected = types.join(",");
                        fail(
                            errors,
                            "type",
                            format!("must be {expected}"),
                            node.span,
                            Detail::Type { expected },
                            path,
                        );
                        // Ajv skips the type-specific keywords of a value of the wrong type.
                        self.check_untyped(rule, node, path, errors);
                        return;
                    }
                }
            }
        }
        self.check_untyped(rule, node, path, errors);

        match &mut node.value {
            Value::Number(number) => {
                let number = *number;
                let range = Detail::Range {
                    minimum: rule.minimum,
                    maximum: rule.maximum,
                };
                if let Some(maximum) = rule.maximum
                    && (number > maximum || number.is_nan())
                {
                    fail(
                        errors,
                        "maximum",
                        format!("must be <= {}", js::number_to_string(maximum)),
                        node.span,
                        range.clone(),
                        path,
                    );
                }
                if let Some(minimum) = rule.minimum
                    && (number < minimum || number.is_nan())
                {
                    fail(
                        errors,
                        "minimum",
                        format!("must be >= {}", js::number_to_string(minimum)),
                        node.span,
                        range,
                        path,
                    );
                }
            }
            Value::String(text) => {
                // Ajv counts Unicode code points, as `chars()` does.
                let length = text.chars().count();
                if let Some(maximum) = rule.max_length
                    && length as u64 > maximum
                {
                    fail(
                        errors,
                        "maxLength",
                        format!("must NOT have more than {maximum} characters"),
                        node.span,
                        Detail::None,
                        path,
                    );
                }
                if let Some(minimum) = rule.min_length
                    && (length as u64) < minimum
                {
                    fail(
                        errors,
                        "minLength",
                        format!("must NOT have fewer than {minimum} characters"),
                        node.span,
                        Detail::None,
                        path,
                    );
                }
                if let Some((pattern, regex)) = &rule.pattern {
                    let matches = regex.as_ref().is_none_or(|regex| regex.is_match(text));
                    if !matches {
                        fail(
                            errors,
                            "pattern",
                            format!("must match pattern \"{pattern}\""),
                            node.span,
                            Detail::Pattern {
                                pattern: pattern.to_owned(),
                            },
                            path,
                        );
                    }
                }
            }
            Value::Array(items) => {
                let count = items.len() as u64;
                if let Some(maximum) = rule.max_items
                    && count > maximum
                {
                    fail(
                        errors,
                        "maxItems",
                        format!("must NOT have more than {maximum} items"),
                        node.span,
                        Detail::None,
                        path,
                    );
                }
                if let Some(minimum) = rule.min_items
                    && count < minimum
                {
                    fail(
                        errors,
                        "minItems",
                        format!("must NOT have fewer than {minimum} items"),
                        node.span,
                        Detail::None,
                        path,
                    );
                }
                if let Some(item_rule) = rule.items {
                    for (index, item) in items.iter_mut().enumerate() {
                        path.push(Segment::Index(index));
                        self.check(item_rule, item, path, errors);
                        path.pop();
                    }
                }
            }
            Value::Object(entries) => {
                let properties = rule.properties.as_deref();
                let patterns = rule.pattern_properties.as_deref().unwrap_or_default();
                let pattern_rules = |key: &str| -> Vec<usize> {
                    patterns
                        .iter()
                        .filter(|(regex, _)| {
                            regex.as_ref().is_some_and(|regex| regex.is_match(key))
                        })
                        .map(|(_, rule)| *rule)
                        .collect()
                };
                let present = |key: &str| {
                    entries
                        .iter()
                        .any(|entry| entry.key == key && !entry.value.is_null())
                };
                if let Some(required) = &rule.required {
                    for key in required {
                        if !present(key) {
                            fail(
                                errors,
                                "required",
                                format!("must have required property '{key}'"),
                                node.span,
                                Detail::MissingKey {
                                    key: key.to_owned(),
                                },
                                path,
                            );
                        }
                    }
                }
                if rule.closed {
                    // Listed (and copied) only for a violation's help text.
                    let known = || -> Vec<String> {
                        properties
                            .map(|list| list.iter().map(|(key, _)| key.clone()).collect())
                            .unwrap_or_default()
                    };
                    for entry in entries.iter().filter(|entry| !entry.value.is_null()) {
                        let listed = properties
                            .is_some_and(|list| list.iter().any(|(key, _)| *key == entry.key));
                        if !listed && pattern_rules(&entry.key).is_empty() {
                            fail(
                                errors,
                                "additionalProperties",
                                format!("unrecognized property '{}'", entry.key),
                                entry.key_span,
                                Detail::UnknownKey {
                                    key: entry.key.clone(),
                                    known: known(),
                                },
                                path,
                            );
                        }
                    }
                }
                // Unlisted keys and their values are reported at the object (the path holds
                // schema names only); the span is the key or value itself.
                if let Some(names_rule) = rule.property_names {
                    for entry in entries.iter() {
                        let mut key = Node::new(Value::String(entry.key.clone()), entry.key_span);
                        self.check(names_rule, &mut key, path, errors);
                    }
                }
                if let Some(additional_rule) = rule.additional {
                    for entry in entries.iter_mut().filter(|entry| {
                        !entry.value.is_null()
                            && !properties
                                .is_some_and(|list| list.iter().any(|(key, _)| *key == entry.key))
                    }) {
                        self.check(additional_rule, &mut entry.value, path, errors);
                    }
                }
                if let Some(properties) = properties {
                    for (key, property_rule) in properties {
                        // Serverless deletes null-valued keys before validating.
                        if let Some(entry) = entries
                            .iter_mut()
                            .find(|entry| entry.key == *key && !entry.value.is_null())
                        {
                            path.push(Segment::Key(key));
                            self.check(*property_rule, &mut entry.value, path, errors);
                            path.pop();
                        }
                    }
                }
                // Ajv applies `patternProperties` after `properties`, to every key a pattern
                // matches (listed or not), in the object's order.
                if !patterns.is_empty() {
                    for entry in entries.iter_mut().filter(|entry| !entry.value.is_null()) {
                        for property_rule in pattern_rules(&entry.key) {
                            path.push(Segment::Owned(entry.key.clone()));
                            self.check(property_rule, &mut entry.value, path, errors);
                            path.pop();
                        }
                    }
                }
            }
            Value::Null | Value::Bool(_) => {}
        }
    }

    /// Keywords that apply to values of every type: `enum`, `const`, `anyOf`/`oneOf`.
    fn check_untyped<'s>(
        &'s self,
        rule: &'s Rule,
        node: &mut Node,
        path: &mut Vec<Segment<'s>>,
        errors: &mut Vec<RawError<'s>>,
    ) {
        let parent_type = rule.single_type.as_deref();
        if let Some(allowed) = &rule.enum_values {
            let found = match &node.value {
                // Strings (the usual enum values) compare as `json_equal` does, without
                // converting the node.
                Value::String(text) => allowed
                    .iter()
                    .any(|candidate| candidate.as_str() == Some(text.as_str())),
                _ => {
                    let data = crate::json::to_json(node);
                    allowed.iter().any(|candidate| json_equal(candidate, &data))
                }
            };
            if !found {
                let strings: Option<Vec<String>> = allowed
                    .iter()
                    .map(|value| value.as_str().map(str::to_owned))
                    .collect();
                let mut message = "must be equal to one of the allowed values".to_owned();
                if let Some(strings) = &strings {
                    message.push_str(&format!(" [{}]", strings.join(", ")));
                }
                errors.push(RawError {
                    violation: SchemaViolation {
                        path: path_strings(path),
                        keyword: "enum",
                        message,
                        span: node.span,
                        detail: Detail::Enum {
                            allowed: strings.unwrap_or_default(),
                            actual: node.as_str().map(str::to_owned),
                        },
                    },
                    parent_type,
                });
            }
        }
        for (keyword, branches) in [("anyOf", &rule.any_of), ("oneOf", &rule.one_of)] {
            if let Some(branches) = branches {
                self.check_any_of(branches, keyword, node, path, parent_type, errors);
            }
        }
    }

    /// `anyOf`: the first passing branch wins (later ones are not evaluated, as in Ajv);
    /// when none passes, Serverless' normalization decides which errors to show.
    #[allow(clippy::too_many_arguments)]
    fn check_any_of<'s>(
        &'s self,
        branches: &[usize],
        keyword: &'static str,
        node: &mut Node,
        path: &mut Vec<Segment<'s>>,
        parent_type: Option<&'s str>,
        errors: &mut Vec<RawError<'s>>,
    ) {
        let mut variants: Vec<Vec<RawError>> = Vec::new();
        for &branch in branches {
            let mut branch_errors = Vec::new();
            self.check(branch, node, path, &mut branch_errors);
            if branch_errors.is_empty() {
                return;
            }
            variants.push(branch_errors);
        }
        let depth = path.len();
        // A variant whose only complaint is the value's type at the branch root is not what
        // the user meant, when other variants have more to say.
        if variants.len() > 1 {
            variants.retain(|variant| {
                !(variant.len() == 1
                    && variant[0].violation.keyword == "type"
                    && variant[0].violation.path.len() == depth)
            });
        }
        if variants.len() > 1 {
            let deepest = variants
                .iter()
                .map(|variant| {
                    variant
                        .iter()
                        .map(|error| error.violation.path.len())
                        .max()
                        .unwrap_or(0)
                })
                .max()
                .unwrap_or(0);
            variants.retain(|variant| {
                variant
                    .iter()
                    .map(|error| error.violation.path.len())
                    .max()
                    .unwrap_or(0)
                    == deepest
            });
        }
        if variants.len() == 1 {
            errors.append(&mut variants.remove(0));
            return;
        }
        let mut common_type = None;
        for variant in &variants {
            let mut types: Vec<Option<&str>> =
                variant.iter().map(|error| error.parent_type).collect();
            types.dedup();
            if let [Some(kind)] = types.as_slice() {
                common_type = Some(*kind);
            }
        }
        let message = match (variants.is_empty(), common_type) {
            (false, Some(kind)) => format!("unsupported {kind} format"),
            _ => "unsupported configuration format".to_owned(),
        };
        errors.push(RawError {
            violation: SchemaViolation {
                path: path_strings(path),
                keyword,
                message,
                span: node.span,
                detail: Detail::None,
            },
            parent_type,
        });
    }
}

fn has_type(node: &Node, kind: &str) -> bool {
    match (&node.value, kind) {
        (Value::Null, "null")
        | (Value::Bool(_), "boolean")
        | (Value::String(_), "string")
        | (Value::Array(_), "array")
        | (Value::Object(_), "object") => true,
        // Ajv's strictNumbers: NaN and ±Infinity are not numbers.
        (Value::Number(number), "number") => number.is_finite(),
        (Value::Number(number), "integer") => number.is_finite() && number.fract() == 0.0,
        _ => false,
    }
}

/// Ajv's `coerceTypes: 'array'`: unwrap a one-element array, then try each target type in order.
fn coerce(node: &Node, types: &[&str]) -> Option<Value> {
    // `coerceToTypes`: with none of these among the types (`type: object`), Ajv does not
    // coerce at all, not even by unwrapping a one-element list (oracle: a filterPatterns
    // item `[{…}]` stays a list, with the warning "must be object").
    if !types.iter().any(|kind| {
        matches!(
            *kind,
            "string" | "number" | "integer" | "boolean" | "null" | "array"
        )
    }) {
        return None;
    }
    let mut data = &node.value;
    if let Value::Array(items) = data
        && items.len() == 1
        && !types.contains(&"array")
    {
        data = &items[0].value;
        let unwrapped = Node::new(data.clone(), node.span);
        if types.iter().any(|kind| has_type(&unwrapped, kind)) {
            return Some(data.clone());
        }
    }
    for kind in types {
        let coerced = match (*kind, data) {
            ("number" | "integer", Value::Bool(flag)) => {
                Some(Value::Number(if *flag { 1.0 } else { 0.0 }))
            }
            ("number" | "integer", Value::Null) => Some(Value::Number(0.0)),
            ("number" | "integer", Value::String(text)) if !text.is_empty() => {
                Some(js::string_to_number(text))
                    .filter(|number| !number.is_nan())
                    .map(Value::Number)
            }
            ("string", Value::Number(number)) => Some(Value::String(js::number_to_string(*number))),
            ("string", Value::Bool(flag)) => Some(Value::String(flag.to_string())),
            ("string", Value::Null) => Some(Value::String(String::new())),
            ("boolean", Value::String(text)) if text == "false" => Some(Value::Bool(false)),
            ("boolean", Value::String(text)) if text == "true" => Some(Value::Bool(true)),
            ("boolean", Value::Number(number)) if *number == 0.0 => Some(Value::Bool(false)),
            ("boolean", Value::Number(number)) if *number == 1.0 => Some(Value::Bool(true)),
            ("boolean", Value::Null) => Some(Value::Bool(false)),
            ("null", Value::String(text)) if text.is_empty() => Some(Value::Null),
            ("null", Value::Number(number)) if *number == 0.0 => Some(Value::Null),
            ("null", Value::Bool(false)) => Some(Value::Null),
            ("array", Value::String(_) | Value::Number(_) | Value::Bool(_) | Value::Null) => {
                Some(Value::Array(vec![Node::new(data.clone(), node.span)]))
            }
            _ => None,
        };
        if let Some(value) = coerced {
            if kind == &"integer"
                && !matches!(value, Value::Number(number) if number.fract() == 0.0)
            {
                continue;
            }
            return Some(value);
        }
    }
    None
}

fn json_equal(left: &serde_json::Value, right: &serde_json::Value) -> bool {
    match (left.as_f64(), right.as_f64()) {
        (Some(a), Some(b)) => a == b,
        _ => left == right,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(yaml: &str) -> Node {
        crate::load::parse(yaml, crate::load::Format::Yaml).expect("valid YAML")
    }

    /// Ajv's `coerceToTypes`: `type: object` coerces nothing, not even a one-element list
    /// (oracle: the filterPatterns item `[{…}]` warns "must be object" and stays a list);
    /// `type: string` unwraps one.
    #[test]
    fn object_type_does_not_unwrap_a_list() {
        let validator = Validator::new(serde_json::json!({
            "properties": {
                "pattern": { "type": "object" },
                "name": { "type": "string" }
            }
        }));
        let mut config = node("pattern: [{a: 1}]\nname: [x]\n");
        let violations = validator.validate(&mut config);
        let messages: Vec<(String, &str)> = violations
            .iter()
            .map(|violation| (violation.path.join("."), violation.message.as_str()))
            .collect();
        assert_eq!(messages, [("pattern".to_owned(), "must be object")]);
        assert!(matches!(
            config.get("pattern").map(|n| &n.value),
            Some(Value::Array(_))
        ));
        assert_eq!(config.get("name").and_then(Node::as_str), Some("x"));
    }

    /// `patternProperties` validate every key they match; with `additionalProperties: false`
    /// a key that neither `properties` nor a pattern knows is unrecognized.
    #[test]
    fn pattern_properties() {
        let validator = Validator::new(serde_json::json!({
            "patternProperties": { "^[a-zA-Z0-9]{1,255}$": { "type": "object" } },
            "additionalProperties": false
        }));
        let mut config = node("Good: {}\nAlsoGood: 5\nBad-Name: {}\n");
        let messages: Vec<(String, String)> = validator
            .validate(&mut config)
            .into_iter()
            .map(|violation| (violation.path.join("."), violation.message))
            .collect();
        assert_eq!(
            messages,
            [
                (String::new(), "unrecognized property 'Bad-Name'".to_owned()),
                ("AlsoGood".to_owned(), "must be object".to_owned()),
            ]
        );
    }
}
