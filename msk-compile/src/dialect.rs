//! What a profile on a host means to each layer, resolved once at the entry (`lib`) and passed
//! down: which keys and rules are in force, the YAML schema, the validation default and its
//! guide link, how a role or an alias is read, how names are upper-cased. The layers read
//! these fields; none of them asks which profile or host it runs under.

use msk_model::{Host, KeySet, Profile};

/// `configValidationMode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValidationMode {
    Warn,
    Error,
    Off,
}

/// Which plain YAML scalars the loader types as dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum YamlSchema {
    /// Serverless 3.40.0 (js-yaml's default schema): a date-like plain scalar is a `Date`,
    /// written as its ISO string; the 17 CloudFormation short forms.
    #[default]
    Serverless,
    /// osls 4.3.1: date-like plain scalars stay strings (only `!!timestamp` makes a date), and
    /// the short forms add `!GetStackOutput` and `!Transform`.
    Osls,
}

/// How the first letter of a function name is upper-cased in logical IDs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpperFirst {
    /// lodash `upperFirst` (Serverless 3.40.0): the first code point.
    CodePoint,
    /// `text[0].toUpperCase()` (osls): the first UTF-16 unit, so a letter outside the Basic
    /// Multilingual Plane keeps its case.
    Utf16Unit,
}

/// The framework a run reproduces, as its messages name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Framework {
    /// The name in `FRAMEWORK_VERSION_MISMATCH` ("The Serverless version", "The osls version").
    pub name: &'static str,
    pub version: (u64, u64, u64),
}

/// Everything the layers need to know about the profile and host of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dialect {
    pub profile: Profile,
    pub host: Host,
    /// The keys (and the model's rules) in force.
    pub keys: KeySet,
    /// The extended profile's least-privilege grants, its rules (`check(...)` on the model),
    /// its extra `arn` forms and its errors for its own keys.
    pub least_privilege: bool,
    pub yaml: YamlSchema,
    /// `configValidationMode` when the config sets none.
    pub validation_default: ValidationMode,
    /// The guide the schema error message links to.
    pub validation_guide: &'static str,
    /// Whether a role `{Fn::ImportValue: ''}`, `{Ref: ''}` or `{Fn::Sub: ''}` is an external
    /// role (osls tests the key, 3.40.0 its value's truthiness: the shared role then).
    pub empty_role_intrinsic_is_external: bool,
    /// Whether `durableConfig` makes the function's alias `durable` the event target (osls).
    pub durable_functions: bool,
    pub upper_first: UpperFirst,
    pub framework: Framework,
    /// Where `RESOURCE_EXTENSION_UNSUPPORTED_ATTRIBUTE` invites a proposal.
    pub issue_tracker: &'static str,
    /// The message of a `${param:…}` that nothing resolves: `None`, Serverless 3.40.0's
    /// (naming the param); osls' generic one otherwise.
    pub missing_param_message: Option<&'static str>,
    /// How `Non-object value specified in functions array: …` writes the value: osls with
    /// `util.inspect` (`'text'`), 3.40.0 as template text (`text`).
    pub inspect_merge_items: bool,
}

const SERVERLESS_GUIDE: &str = "http://slss.io/configuration-validation";
const OSLS_GUIDE: &str =
    "https://github.com/oss-serverless/osls/blob/4.x/docs/guides/configuration-validation.md";

impl Dialect {
    /// `profile` on `host`; the `osls` profile is always on the osls host.
    pub fn new(profile: Profile, host: Host) -> Self {
        let host = if profile == Profile::Osls {
            Host::Osls
        } else {
            host
        };
        let osls = host == Host::Osls;
        Dialect {
            profile,
            host,
            keys: KeySet::of(profile, host),
            least_privilege: profile == Profile::Extended,
            yaml: if osls {
                YamlSchema::Osls
            } else {
                YamlSchema::Serverless
            },
            validation_default: if osls {
                ValidationMode::Error
            } else {
                ValidationMode::Warn
            },
            validation_guide: if osls { OSLS_GUIDE } else { SERVERLESS_GUIDE },
            empty_role_intrinsic_is_external: osls,
            durable_functions: osls,
            upper_first: if osls {
                UpperFirst::Utf16Unit
            } else {
                UpperFirst::CodePoint
            },
            issue_tracker: if osls {
                "CLI issue tracker: https://github.com/oss-serverless/osls/issues"
            } else {
                "Framework issue tracker: https://github.com/serverless/serverless/issues"
            },
            missing_param_message: osls.then_some("Value not found at \"param\" source"),
            inspect_merge_items: osls,
            framework: if osls {
                Framework {
                    name: "osls",
                    version: (4, 3, 1),
                }
            } else {
                Framework {
                    name: "Serverless",
                    version: (3, 40, 0),
                }
            },
        }
    }

    /// `profile` on the host whose own profile it is (`extended` on Serverless 3.40.0).
    pub fn of(profile: Profile) -> Self {
        Dialect::new(profile, Host::default())
    }
}

impl Default for Dialect {
    fn default() -> Self {
        Dialect::of(Profile::default())
    }
}
