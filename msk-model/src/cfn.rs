//! The CloudFormation mapping vocabulary that `#[derive(CfnMapping)]` fills in.
//!
//! A model struct does not convert itself; the derive turns its `#[cfn(...)]`
//! attributes into static tables (`CfnMapping::PROPERTIES`, `CfnMapping::RULES`, …)
//! and `msk-compile` interprets those tables over the raw, position-carrying
//! config values. Keeping the mapping as data means the Serverless behaviour of a
//! field (its CloudFormation name, its emptiness test, its default) is written
//! once, next to the field, and can be inspected and tested on its own.

/// When Serverless writes a property, judged on the raw config value.
///
/// Serverless 3.40.0 uses two different JavaScript tests for the optional msk keys,
/// and the difference is visible in the output (`batchSize: 0` is dropped, `enabled: false` is kept).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// Always written (after applying the field's default, if any).
    Always,
    /// Written when the value is not `null`/absent (JavaScript `value != null`).
    NotNull,
    /// Written when the value is JavaScript-truthy: not absent, `null`, `false`, `0`, `NaN` or `""`.
    Truthy,
}

/// How the config value is turned into the CloudFormation value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// The value as written (after Ajv coercion).
    Value,
    /// A one-element list holding the value (`topic` → `Topics: [topic]`).
    List,
    /// `[{Type: <kind>, URI: value}]`, an EventSourceMapping `SourceAccessConfigurations` list.
    SourceAccess {
        /// The access configuration `Type`, e.g. `SASL_SCRAM_512_AUTH`.
        kind: &'static str,
    },
    /// Each element becomes `{Pattern: JSON.stringify(element)}`; the list is wrapped as
    /// `{Filters: [...]}` by the property path (`FilterCriteria.Filters`).
    FilterPatterns,
}

/// How a field contributes to the resource's logical ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdToken {
    /// The string value itself.
    Value,
    /// The cluster name of an MSK ARN: the value of `Fn::ImportValue`, else of `Ref`,
    /// else the ARN's segment after its first `/`.
    ClusterName,
}

/// One model field mapped to one CloudFormation property.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CfnField {
    /// The config key (serde's deserialize name, e.g. `batchSize`).
    pub key: &'static str,
    /// The CloudFormation property path under `Properties` (e.g. `["BatchSize"]`,
    /// `["AmazonManagedKafkaEventSourceConfig", "ConsumerGroupId"]`).
    pub path: &'static [&'static str],
    /// The test that decides whether the property is written.
    pub presence: Presence,
    /// Value used when the config value is falsy (JavaScript `value || default`).
    pub default: Option<&'static str>,
    /// How the value is shaped.
    pub shape: Shape,
}

/// One entry of a resource's `Properties`, in output order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CfnProperty {
    /// A property computed from a model field.
    Field(CfnField),
    /// A property the compiler supplies from the surrounding service.
    Slot(Slot),
}

/// A property of the resource that does not come from the event's keys but from the service
/// around it; the compiler knows how to fill each one. `#[cfn(slot(name = "FunctionName"))]`
/// names a variant, so a name the compiler cannot fill does not compile.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// `FunctionName`: the function's ARN (`Fn::GetAtt`), or its alias when the function has
    /// `provisionedConcurrency` or `snapStart`.
    FunctionName,
}

impl Slot {
    /// The CloudFormation property the slot fills.
    pub const fn property(self) -> &'static str {
        match self {
            Slot::FunctionName => "FunctionName",
        }
    }
}

impl CfnProperty {
    /// The top-level CloudFormation property name this entry writes.
    pub fn name(&self) -> &'static str {
        match self {
            CfnProperty::Field(field) => field.path[0],
            CfnProperty::Slot(slot) => slot.property(),
        }
    }
}

/// A part of the logical ID taken from a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdPart {
    /// The config key the part comes from.
    pub key: &'static str,
    /// How the token is extracted from the value.
    pub token: IdToken,
}

/// A rule spanning several fields, checked by the compiler before the resource is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequiredWhen {
    /// The field whose (defaulted) value triggers the rule.
    pub field: &'static str,
    /// The exact value that triggers it (compared case-sensitively, as Serverless does).
    pub equals: &'static str,
    /// The field that must then be present and not `null`.
    pub requires: &'static str,
    /// Error code reported when the rule fails.
    pub code: crate::Code,
    /// Error message; `{function}` is replaced by the function name.
    pub message: &'static str,
}

/// The CloudFormation mapping of a model struct, generated by `#[derive(CfnMapping)]`.
pub trait CfnMapping {
    /// The CloudFormation resource type (`AWS::Lambda::EventSourceMapping`).
    const RESOURCE_TYPE: &'static str;
    /// The infix between the normalized function name and the ID parts
    /// (`EventSourceMappingMSK`).
    const LOGICAL_ID_INFIX: &'static str;
    /// The fields that make up the rest of the logical ID, in order.
    const ID_PARTS: &'static [IdPart];
    /// The config key whose values are the IAM statement resources (the cluster ARN).
    const IAM_RESOURCE_KEY: Option<&'static str>;
    /// Every property in Serverless' output order.
    const PROPERTIES: &'static [CfnProperty];
    /// Cross-field rules, in the order Serverless checks them.
    const RULES: &'static [RequiredWhen];

    /// The mapping of the field with config key `key`, if it has one.
    fn field(key: &str) -> Option<&'static CfnField> {
        Self::PROPERTIES.iter().find_map(|property| match property {
            CfnProperty::Field(field) if field.key == key => Some(field),
            _ => None,
        })
    }
}
