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
    /// A mapping `{k: v, …}` becomes `[{Key: k, Value: v}, …]` (`Tags`).
    KeyValueList,
    /// A mapping whose keys are renamed (and values wrapped) by the rules, so that the
    /// config's camelCase shape becomes CloudFormation's.
    Object { renames: &'static [Rename] },
    /// A new mapping holding only the keys the rules rename, in the rules' order, each when it
    /// is not `null` (osls' `provisionedPollerConfig`: any other truthy value becomes `{}`).
    Picked { renames: &'static [Rename] },
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
    /// The profile the key belongs to; the property is written only under it.
    pub profile: Profile,
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
    /// Every rule on the event's values, in declaration order (the order they are checked
    /// and reported in).
    const RULES: &'static [Rule];
    /// Every field with `#[cfn]`: its profile, grant and code.
    const KEYS: &'static [CfnKey];

    /// The key entry of `key`, if the field has `#[cfn]`.
    fn key(key: &str) -> Option<&'static CfnKey> {
        Self::KEYS.iter().find(|entry| entry.key == key)
    }

    /// The keys that exist only under `owner` (`Profile::Extended`: the extension keys).
    fn keys_of(owner: Profile) -> impl Iterator<Item = &'static str> {
        Self::KEYS
            .iter()
            .filter(move |entry| entry.profile == owner)
            .map(|entry| entry.key)
    }

    /// The keys that exist only under `Profile::Extended`.
    fn extension_keys() -> impl Iterator<Item = &'static str> {
        Self::keys_of(Profile::Extended)
    }

    /// The mapping of the field with config key `key`, if it has one.
    fn field(key: &str) -> Option<&'static CfnField> {
        Self::PROPERTIES.iter().find_map(|property| match property {
            CfnProperty::Field(field) if field.key == key => Some(field),
            _ => None,
        })
    }
}

/// Which set of keys and behaviours a compilation uses, and which set a key or rule belongs to.
///
/// `ServerlessV3` is exactly Serverless Framework 3.40.0; `Osls` is osls 4.3.1 (the maintained
/// fork of v3: its keys, such as `provisionedPollerConfig`, and its behaviour); `Extended` adds
/// the keys and IAM grants marked `profile = "extended"` on the model, and its rules of
/// `profile = "extended"`, to the behaviour of the framework it runs in (its [`Host`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Profile {
    /// Serverless Framework 3.40.0's keys and output, byte for byte (the default).
    #[default]
    ServerlessV3,
    /// osls 4.3.1's keys and output, byte for byte.
    Osls,
    /// Every MSK capability of CloudFormation, with least-privilege IAM.
    Extended,
}

impl Profile {
    /// Every profile, in the order the command line lists them.
    pub const ALL: [Profile; 3] = [Profile::ServerlessV3, Profile::Osls, Profile::Extended];

    /// The name used on the command line and in `custom.mskEvents.profile`.
    pub fn name(self) -> &'static str {
        match self {
            Profile::ServerlessV3 => "serverless-v3",
            Profile::Osls => "osls",
            Profile::Extended => "extended",
        }
    }

    /// The profile called `name` (see [`Profile::name`]).
    pub fn from_name(name: &str) -> Option<Self> {
        Profile::ALL
            .into_iter()
            .find(|profile| profile.name() == name)
    }
}

/// The framework the compiled template is for: whose behaviour the `serverless-v3`/`osls`
/// profiles reproduce and the `extended` profile builds on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Host {
    /// Serverless Framework 3.40.0 (npm `serverless@3`).
    #[default]
    ServerlessV3,
    /// osls 4.3.1 (npm `osls`), the community-maintained fork of Serverless Framework v3.
    Osls,
}

impl Host {
    /// Every host, in the order the command line lists them.
    pub const ALL: [Host; 2] = [Host::ServerlessV3, Host::Osls];

    /// The name used on the command line and in `custom.mskEvents.host`.
    pub fn name(self) -> &'static str {
        match self {
            Host::ServerlessV3 => "serverless-v3",
            Host::Osls => "osls",
        }
    }

    /// The host called `name` (see [`Host::name`]).
    pub fn from_name(name: &str) -> Option<Self> {
        Host::ALL.into_iter().find(|host| host.name() == name)
    }

    /// The profile that is this host's own behaviour, byte for byte.
    pub fn own_profile(self) -> Profile {
        match self {
            Host::ServerlessV3 => Profile::ServerlessV3,
            Host::Osls => Profile::Osls,
        }
    }
}

/// The key sets in force in a compilation: Serverless 3.40.0's always, osls' under the osls
/// host, the extended profile's under `extended`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct KeySet {
    pub osls: bool,
    pub extended: bool,
}

impl KeySet {
    /// The keys of `profile` on `host`.
    pub fn of(profile: Profile, host: Host) -> Self {
        KeySet {
            osls: profile == Profile::Osls || host == Host::Osls,
            extended: profile == Profile::Extended,
        }
    }

    /// Whether a key or rule declared for `owner` is in force.
    pub fn has(self, owner: Profile) -> bool {
        match owner {
            Profile::ServerlessV3 => true,
            Profile::Osls => self.osls,
            Profile::Extended => self.extended,
        }
    }
}

/// What a field's value adds to the role's policy (extended profile).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grant {
    /// A Secrets Manager secret ARN: `secretsmanager:GetSecretValue` on it.
    Secret,
    /// A SASL/SCRAM secret ARN: `secretsmanager:GetSecretValue` on it and
    /// `kafka:ListScramSecrets` on the cluster.
    ScramSecret,
    /// A KMS key ARN: `kms:Decrypt` on it.
    KmsDecrypt,
    /// `true`: the IAM access-control data plane (`kafka-cluster:*` actions, listed one by one)
    /// on the cluster, the topic and the consumer group.
    IamAuth,
    /// `{onFailure: …}`: write access to the on-failure destination (SQS, SNS, S3, Kafka topic).
    Destination,
    /// A schema registry: Glue read access for a Glue registry, and its access-config secrets.
    SchemaRegistry,
}

/// Every field that carries `#[cfn]`, mapped to a property or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CfnKey {
    /// The config key.
    pub key: &'static str,
    /// The profile the key belongs to; under `ServerlessV3` an extended key is unknown.
    pub profile: Profile,
    /// The IAM the value adds (extended profile).
    pub grant: Option<Grant>,
    /// The code of every problem with the value under the extended profile (its schema
    /// violations are errors with this code).
    pub code: Option<crate::Code>,
}

/// How a rename rule of [`Shape::Object`] applies at its path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenameKind {
    /// The key is renamed to `to`; an empty `to` drops the key.
    Key,
    /// A scalar value at the path becomes `{to: value}`.
    WrapScalar,
    /// Each scalar item of a list at the path becomes `{to: item}`.
    WrapItems,
}

/// One rule of [`Shape::Object`]: what happens to the key at `path` (lists are transparent).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rename {
    pub path: &'static [&'static str],
    pub kind: RenameKind,
    pub to: &'static str,
}

/// A rule on the values of one event, declared on the model with `rule(...)` (or a group of
/// them with `rules(...)`) and checked by the compiler before the resource is built. Every
/// config path is a dotted path inside the event (`provisionedPollers.min`); a `[]` after a
/// segment stands for each item of the list there (`filterPatterns[]`,
/// `schemaRegistry.accessConfigs[].uri`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rule {
    /// What the rule tests.
    pub test: Test,
    /// `ServerlessV3`: in force under every profile; `Osls`: on the osls host; `Extended`: only
    /// under the extended profile.
    pub profile: Profile,
    /// For a rule that enforces a constraint of CloudFormation's schema: the property it is
    /// about (`DestinationConfig.OnFailure.Destination`, `Topics[]`). Such a rule is an error
    /// under the extended profile and a warning (with its own code) under the others, whose
    /// output stays the framework's.
    pub cloudformation: Option<&'static str>,
    /// The code every failure of the rule is reported with.
    pub code: crate::Code,
    /// What is wrong; `{function}` is replaced by the function name, `{value}` by the value.
    pub message: &'static str,
    /// How to fix it (may be empty).
    pub help: &'static str,
}

/// What a [`Rule`] tests. Each variant's values were checked when the model compiled (a
/// pattern is a valid regular expression, a path starts with a key of the struct).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Test {
    /// When `field`, after its default, is exactly `equals`, `requires` must be present and
    /// not `null` (Serverless' own cross-key rule).
    RequiredWhen {
        field: &'static str,
        equals: &'static str,
        requires: &'static str,
    },
    /// When `field` is set (truthy) and `trigger` holds, `other` must be set (truthy).
    Requires {
        field: &'static str,
        trigger: Trigger,
        other: &'static str,
    },
    /// `field` and `other` cannot both be set (truthy); reported at `other`.
    Conflicts {
        field: &'static str,
        other: &'static str,
    },
    /// The number at `field` must not be greater than the number at `other`.
    NotGreater {
        field: &'static str,
        other: &'static str,
    },
    /// The string at `field`, with `prefix` removed (only when it has it), must differ from the
    /// string at `other`.
    Differs {
        field: &'static str,
        prefix: &'static str,
        other: &'static str,
    },
    /// A string at `field` must match the regular expression `pattern` (searched, as JSON
    /// Schema's `pattern` is: anchor it to match the whole string).
    Matches {
        field: &'static str,
        pattern: &'static str,
    },
    /// A string at `field` must have from `min` to `max` characters (UTF-16 code units, as
    /// JavaScript and CloudFormation count them).
    Length {
        field: &'static str,
        min: Option<u64>,
        max: Option<u64>,
    },
    /// The value at `field`, as `JSON.stringify` writes it, must have at most `max` characters.
    JsonLength { field: &'static str, max: u64 },
    /// A number at `field` must be from `min` to `max`.
    Range {
        field: &'static str,
        min: Option<f64>,
        max: Option<f64>,
    },
    /// The value at `field` must be of JSON type `is` (a CloudFormation function such as
    /// `Ref` aside, whose value is known at deploy time only).
    Type { field: &'static str, is: JsonType },
    /// The value at `field` must be one of `values`.
    OneOf {
        field: &'static str,
        values: &'static [&'static str],
    },
    /// A list at `field` must have from `min` to `max` items.
    Items {
        field: &'static str,
        min: Option<u64>,
        max: Option<u64>,
    },
    /// The items of a list at `field` must differ from each other.
    Unique { field: &'static str },
}

impl Test {
    /// The config path the rule is about (where it is reported, but for `Conflicts`).
    pub fn field(&self) -> &'static str {
        match *self {
            Test::RequiredWhen { field, .. }
            | Test::Requires { field, .. }
            | Test::Conflicts { field, .. }
            | Test::NotGreater { field, .. }
            | Test::Differs { field, .. }
            | Test::Matches { field, .. }
            | Test::Length { field, .. }
            | Test::JsonLength { field, .. }
            | Test::Range { field, .. }
            | Test::Type { field, .. }
            | Test::OneOf { field, .. }
            | Test::Items { field, .. }
            | Test::Unique { field } => field,
        }
    }
}

/// When a [`Test::Requires`] applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// Whenever the field is set.
    Set,
    /// When the field is this string, or a list holding it.
    Equals(&'static str),
    /// When the field is a string starting with this prefix.
    Prefix(&'static str),
}

/// A JSON type, as JSON Schema's `type` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonType {
    String,
    Integer,
    Number,
    Boolean,
}

impl JsonType {
    /// JSON Schema's name for the type.
    pub const fn name(self) -> &'static str {
        match self {
            JsonType::String => "string",
            JsonType::Integer => "integer",
            JsonType::Number => "number",
            JsonType::Boolean => "boolean",
        }
    }
}
