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
    /// `uniqueItems`: the repeated item (when it is a string), at the later of the two.
    Duplicate {
        item: Option<String>,
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
    /// `uniqueItems: true`, with how Ajv compares the items (see [`UniqueBy`]).
    unique_items: Option<UniqueBy>,
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

/// How Ajv's `uniqueItems` compares items; its choice, and so which pair it reports,
/// depends on the `type` written on the `items` schema itself (a `$ref` there has none).
#[derive(Debug)]
enum UniqueBy {
    /// `items` declares only scalar types: items of another type are skipped, the rest are
    /// keyed by value in a JS object, scanning from the last item down; the first repeat
    /// reports the later index first (`items ## 2 and 0`).
    Scalar(Vec<String>),
    /// Anything else: every pair, deep-equal, from the last item down; the earlier index is
    /// reported first (`items ## 0 and 2`).
    Deep,
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
            unique_items: (keywords.get("uniqueItems") == Some(&Schema::Bool(true))).then(|| {
                let item_types = keywords
                    .get("items")
                    .and_then(|items| items.get("type"))
                    .map(|types| match types {
                        Schema::String(single) => vec![single.clone()],
                        other => as_strings(other),
                    })
                    .unwrap_or_default();
                if item_types.is_empty()
                    || item_types
                        .iter()
                        .any(|kind| kind == "object" || kind == "array")
                {
                    UniqueBy::Deep
                } else {
                    UniqueBy::Scalar(item_types)
                }
            }),
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
                // After `items`, as in Ajv: it compares the coerced items.
                if let Some(unique_by) = &rule.unique_items
                    && let Some((first, second)) = duplicate_items(unique_by, items)
                {
                    let later = items.get(first.max(second));
                    let span = later.map_or(node.span, |item| item.span);
                    let item = later.and_then(Node::as_str).map(str::to_owned);
                    fail(
                        errors,
                        "uniqueItems",
                        format!(
                            "must NOT have duplicate items (items ## {first} and {second} are identical)"
                        ),
                        span,
                        Detail::Duplicate { item },
                        path,
                    );
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

/// The pair Ajv's `uniqueItems` reports, in its message's order, or `None` when the items
/// are unique.
fn duplicate_items(unique_by: &UniqueBy, items: &[Node]) -> Option<(usize, usize)> {
    match unique_by {
        UniqueBy::Scalar(types) => {
            let several = types.len() > 1;
            let mut seen: HashMap<String, usize> = HashMap::new();
            for (index, item) in items.iter().enumerate().rev() {
                if !types.iter().any(|kind| has_type(item, kind)) {
                    continue;
                }
                // The item as a JS property name; with several types a string gets a `_`
                // suffix so that `"1"` and `1` differ.
                let key = match &item.value {
                    Value::String(text) if several => format!("{text}_"),
                    // Ajv's `{}`: assigning `__proto__` sets no property, so it never repeats.
                    Value::String(text) if text == "__proto__" => continue,
                    Value::String(text) => text.clone(),
                    Value::Number(number) => js::number_to_string(*number),
                    Value::Bool(flag) => flag.to_string(),
                    Value::Null => "null".to_owned(),
                    Value::Array(_) | Value::Object(_) => continue,
                };
                if let Some(&later) = seen.get(&key) {
                    return Some((later, index));
                }
                seen.insert(key, index);
            }
            None
        }
        UniqueBy::Deep => (1..items.len()).rev().find_map(|later| {
            (0..later)
                .rev()
                .find(|&earlier| deep_equal(&items[later], &items[earlier]))
                .map(|earlier| (earlier, later))
        }),
    }
}

/// fast-deep-equal, Ajv's `equal`: mappings ignore key order, NaN equals NaN.
fn deep_equal(left: &Node, right: &Node) -> bool {
    match (&left.value, &right.value) {
        (Value::Null, Value::Null) => true,
        (Value::Bool(a), Value::Bool(b)) => a == b,
        (Value::Number(a), Value::Number(b)) => a == b || (a.is_nan() && b.is_nan()),
        (Value::String(a), Value::String(b)) => a == b,
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| deep_equal(x, y))
        }
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len()
                && a.iter().all(|entry| {
                    b.iter()
                        .find(|other| other.key == entry.key)
                        .is_some_and(|other| deep_equal(&entry.value, &other.value))
                })
        }
        _ => false,
    }
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
    use crate::load::{Format, parse};

    /// `(keyword, path, message)` of every violation of `data` (JSON) against `schema`.
    fn violations(schema: Schema, data: &str) -> Vec<(String, String, String)> {
        // A config is a mapping: the data sits under `v`, left out of the paths.
        let mut node =
            parse(&format!(r#"{{"v": {data}}}"#), Format::Json).expect("test data parses");
        let schema = serde_json::json!({"type": "object", "properties": {"v": schema}});
        Validator::new(schema)
            .validate(&mut node)
            .into_iter()
            .map(|violation| {
                (
                    violation.keyword.to_owned(),
                    violation.path[1..].join("/"),
                    violation.message,
                )
            })
            .collect()
    }

    fn duplicate(first: usize, second: usize) -> String {
        format!("must NOT have duplicate items (items ## {first} and {second} are identical)")
    }

    /// Expected results measured with Ajv 8.20.0 (the oracle's, `allErrors`, `coerceTypes:
    /// 'array'`) on the same schemas and data.
    #[test]
    fn unique_items_reports_the_pair_ajv_reports() {
        let metrics = serde_json::json!({
            "type": "array",
            "items": {"type": "string", "enum": ["EventCount", "ErrorCount", "KafkaMetrics"]},
            "minItems": 1, "maxItems": 3, "uniqueItems": true
        });
        let unique = |first, second| {
            (
                "uniqueItems".to_owned(),
                String::new(),
                duplicate(first, second),
            )
        };
        assert_eq!(
            violations(metrics.clone(), r#"["EventCount","ErrorCount"]"#),
            vec![]
        );
        assert_eq!(
            violations(metrics.clone(), r#"["EventCount","EventCount"]"#),
            vec![unique(1, 0)]
        );
        assert_eq!(
            violations(
                metrics.clone(),
                r#"["EventCount","ErrorCount","EventCount"]"#
            ),
            vec![unique(2, 0)]
        );
        // After maxItems and the items' own errors; on the coerced items (`1` → `"1"`).
        let found = violations(
            metrics.clone(),
            r#"["EventCount","ErrorCount","ErrorCount","EventCount"]"#,
        );
        assert_eq!(
            found.iter().map(|v| v.0.as_str()).collect::<Vec<_>>(),
            ["maxItems", "uniqueItems"]
        );
        assert_eq!(found[1].2, duplicate(2, 1));
        let found = violations(metrics.clone(), r#"["1", 1]"#);
        assert_eq!(
            found.iter().map(|v| v.0.as_str()).collect::<Vec<_>>(),
            ["enum", "enum", "uniqueItems"]
        );
        assert_eq!(found[2].2, duplicate(1, 0));
        assert_eq!(
            violations(metrics.clone(), r#"["EventCount",["EventCount"]]"#),
            vec![unique(1, 0)]
        );
        // A scalar is wrapped, one item cannot repeat.
        assert_eq!(violations(metrics, r#""EventCount""#), vec![]);

        // Items of the wrong type are skipped; `__proto__` never repeats (a JS object's quirk).
        let strings =
            serde_json::json!({"type": "array", "items": {"type": "string"}, "uniqueItems": true});
        let found = violations(strings.clone(), r#"[{"a":1},{"a":1}]"#);
        assert!(found.iter().all(|v| v.0 == "type"), "{found:?}");
        assert_eq!(
            violations(strings.clone(), r#"["__proto__","__proto__"]"#),
            vec![]
        );
        assert_eq!(
            violations(strings, r#"["constructor","constructor"]"#),
            vec![unique(1, 0)]
        );

        // Several scalar types: a string and a number never match.
        let several = serde_json::json!({"type": "array", "items": {"type": ["string", "number"]}, "uniqueItems": true});
        assert_eq!(violations(several.clone(), r#"[1,"1"]"#), vec![]);
        assert_eq!(violations(several, r#"["a","a"]"#), vec![unique(1, 0)]);

        // No item type, or objects: deep equality, the earlier index first.
        let untyped = serde_json::json!({"type": "array", "uniqueItems": true});
        assert_eq!(violations(untyped.clone(), r#"[1,"1"]"#), vec![]);
        assert_eq!(violations(untyped.clone(), r#"[1,1]"#), vec![unique(0, 1)]);
        assert_eq!(
            violations(untyped.clone(), r#"["a","b","a"]"#),
            vec![unique(0, 2)]
        );
        assert_eq!(violations(untyped, r#"[[1,2],[1,2]]"#), vec![unique(0, 1)]);
        let objects =
            serde_json::json!({"type": "array", "items": {"type": "object"}, "uniqueItems": true});
        assert_eq!(
            violations(objects.clone(), r#"[{"a":1},{"b":2},{"a":1}]"#),
            vec![unique(0, 2)]
        );
        assert_eq!(
            violations(objects, r#"[{"a":1,"b":2},{"b":2,"a":1}]"#),
            vec![unique(0, 1)]
        );
    }

    fn node(yaml: &str) -> Node {
        parse(yaml, Format::Yaml).expect("valid YAML")
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
