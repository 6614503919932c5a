//! YAML tags as Serverless 3.40.0 loads them: the CloudFormation short forms of
//! `@serverless/utils/cloudformation-schema.js`, and js-yaml's own `!!` types.
//!
//! Contract:
//! * The 17 short forms (`!Ref`, `!GetAtt`, `!Sub`, …) work on scalars, sequences and mappings
//!   and build `{"Fn::<Name>": data}` (`{"Ref": data}` and `{"Condition": data}` for the two
//!   that are not functions). A tagged scalar keeps its text (`!Ref 123` is `{"Ref": "123"}`,
//!   oracle) and an empty one is `null` (`!Ref` alone is `{"Ref": null}`, oracle).
//! * A scalar `!GetAtt a.b.c` is split at the first dot: `["a", "b.c"]`; `!GetAtt a` gives
//!   `["a", ""]` (oracle).
//! * There is no `!merge` tag in 3.40.0 (the oracle says `unknown tag !<!merge>`); every tag
//!   not listed here is an error, reported by the caller as `Code::YamlUnknownTag`.

use crate::dialect::YamlSchema;
use crate::tree::{Entry, Node, Span, Value};

/// The CloudFormation short-form tags Serverless 3.40.0 understands, without the `!`.
pub const CLOUDFORMATION_TAGS: [&str; 17] = [
    "And",
    "Base64",
    "Cidr",
    "Condition",
    "Equals",
    "FindInMap",
    "GetAtt",
    "GetAZs",
    "If",
    "ImportValue",
    "Join",
    "Not",
    "Or",
    "Ref",
    "Select",
    "Split",
    "Sub",
];

/// The short forms osls 4.3.1 adds to those (`!GetStackOutput`, `!Transform`).
pub const OSLS_TAGS: [&str; 2] = ["GetStackOutput", "Transform"];

/// The js-yaml core types that can be named with `!!` (`tag:yaml.org,2002:<name>`).
pub(crate) const CORE_TAGS: [&str; 13] = [
    "str",
    "int",
    "float",
    "bool",
    "null",
    "timestamp",
    "binary",
    "map",
    "seq",
    "set",
    "omap",
    "pairs",
    "merge",
];

/// What a tag means to the loader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TagKind {
    /// `!`: no implicit typing (a plain scalar stays a string).
    NonSpecific,
    /// A CloudFormation short form; the payload is the key of the object it builds.
    CloudFormation(&'static str),
    /// A js-yaml `!!` type.
    Core(&'static str),
}

/// Classifies a resolved tag (`handle` + `suffix`, e.g. `"!"` + `"Ref"`); `None` if unknown.
pub(crate) fn classify(full: &str, schema: YamlSchema) -> Option<TagKind> {
    if full == "!" {
        return Some(TagKind::NonSpecific);
    }
    if let Some(name) = full.strip_prefix('!') {
        let osls = match schema {
            YamlSchema::Osls => &OSLS_TAGS[..],
            YamlSchema::Serverless => &[],
        };
        return CLOUDFORMATION_TAGS
            .iter()
            .chain(osls)
            .find(|candidate| **candidate == name)
            .map(|name| TagKind::CloudFormation(function_key(name)));
    }
    if let Some(name) = full.strip_prefix("tag:yaml.org,2002:") {
        return CORE_TAGS
            .iter()
            .find(|candidate| **candidate == name)
            .map(|name| TagKind::Core(name));
    }
    None
}

/// `Fn::<Name>`, except `Ref` and `Condition` which keep their bare name.
fn function_key(name: &'static str) -> &'static str {
    match name {
        "Ref" => "Ref",
        "Condition" => "Condition",
        "And" => "Fn::And",
        "Base64" => "Fn::Base64",
        "Cidr" => "Fn::Cidr",
        "Equals" => "Fn::Equals",
        "FindInMap" => "Fn::FindInMap",
        "GetAtt" => "Fn::GetAtt",
        "GetAZs" => "Fn::GetAZs",
        "If" => "Fn::If",
        "ImportValue" => "Fn::ImportValue",
        "Join" => "Fn::Join",
        "Not" => "Fn::Not",
        "Or" => "Fn::Or",
        "Select" => "Fn::Select",
        "Split" => "Fn::Split",
        "GetStackOutput" => "Fn::GetStackOutput",
        "Transform" => "Fn::Transform",
        _ => "Fn::Sub",
    }
}

/// Builds the long form of a CloudFormation short form. `span` covers the tag and its data.
pub(crate) fn construct_cloudformation(key: &'static str, data: Node, span: Span) -> Node {
    let data = match (&data.value, key) {
        (Value::String(text), "Fn::GetAtt") => split_get_att(text, data.span),
        _ => data,
    };
    Node::new(
        Value::Object(vec![Entry {
            key: key.to_owned(),
            key_span: span,
            value: data,
        }]),
        span,
    )
}

/// `!GetAtt a.b.c` → `["a", "b.c"]`: `const [first, ...tail] = data.split('.')`.
fn split_get_att(text: &str, span: Span) -> Node {
    let (first, rest) = text.split_once('.').unwrap_or((text, ""));
    // Sub-spans are exact when the scalar was written plainly (its text is its source).
    let exact = span.end - span.start == text.len();
    let first_span = if exact {
        Span::new(span.start, span.start + first.len())
    } else {
        span
    };
    let rest_span = if exact && !rest.is_empty() {
        Span::new(span.start + first.len() + 1, span.end)
    } else {
        span
    };
    Node::new(
        Value::Array(vec![
            Node::new(Value::String(first.to_owned()), first_span),
            Node::new(Value::String(rest.to_owned()), rest_span),
        ]),
        span,
    )
}

/// The help text of `Code::YamlUnknownTag`.
pub(crate) fn supported_tags_help() -> String {
    let short: Vec<String> = CLOUDFORMATION_TAGS
        .iter()
        .map(|name| format!("!{name}"))
        .collect();
    format!(
        "Serverless 3.40.0 understands the CloudFormation short forms {} (and js-yaml's !!str, !!int, !!float, !!bool, !!null, !!timestamp, !!binary, !!map, !!seq, !!set, !!omap, !!pairs); write other functions in long form, e.g. `Fn::GetAZs: \"\"`",
        short.join(" ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_tags() {
        assert_eq!(
            classify("!Ref", YamlSchema::Serverless),
            Some(TagKind::CloudFormation("Ref"))
        );
        assert_eq!(
            classify("!Condition", YamlSchema::Serverless),
            Some(TagKind::CloudFormation("Condition"))
        );
        assert_eq!(
            classify("!GetAZs", YamlSchema::Serverless),
            Some(TagKind::CloudFormation("Fn::GetAZs"))
        );
        assert_eq!(
            classify("!", YamlSchema::Serverless),
            Some(TagKind::NonSpecific)
        );
        assert_eq!(
            classify("tag:yaml.org,2002:str", YamlSchema::Serverless),
            Some(TagKind::Core("str"))
        );
        assert_eq!(classify("!merge", YamlSchema::Serverless), None);
        assert_eq!(classify("!ref", YamlSchema::Serverless), None);
        assert_eq!(
            classify("tag:yaml.org,2002:python/none", YamlSchema::Serverless),
            None
        );
    }

    #[test]
    fn every_short_form_has_its_key() {
        for name in CLOUDFORMATION_TAGS {
            let key = function_key(name);
            let expected = if matches!(name, "Ref" | "Condition") {
                name.to_owned()
            } else {
                format!("Fn::{name}")
            };
            assert_eq!(key, expected);
        }
    }

    #[test]
    fn get_att_splits_at_the_first_dot() {
        let node = split_get_att("a.b.c", Span::new(10, 15));
        let Value::Array(items) = node.value else {
            panic!("array")
        };
        assert_eq!(items[0].value, Value::String("a".into()));
        assert_eq!(items[0].span, Span::new(10, 11));
        assert_eq!(items[1].value, Value::String("b.c".into()));
        assert_eq!(items[1].span, Span::new(12, 15));
        let node = split_get_att("a", Span::new(0, 1));
        let Value::Array(items) = node.value else {
            panic!("array")
        };
        assert_eq!(items[1].value, Value::String(String::new()));
    }
}
