//! `#[derive(CfnMapping)]`: turns the `#[cfn(...)]` attributes of an msk-model struct into the
//! static tables of `msk_model::CfnMapping`; `#[derive(CfnKeys)]` gives a nested struct its
//! config-key constants alone.
//!
//! The pipeline follows serde_derive: `attr` (fields, container) and `rule` (rules) parse the
//! attributes, `ast` joins them with serde's field names, `check` validates across keys and
//! fields, `expand` generates the impl and `keys` the key constants; `ctxt` collects every
//! error on the way so they are all reported in one compile, and `fallback` keeps an
//! erroneous input from cascading into unrelated errors.
//!
//! # What the derives generate
//!
//! * `impl CfnMapping` with `RESOURCE_TYPE`, `LOGICAL_ID_INFIX`, `ID_PARTS`,
//!   `IAM_RESOURCE_KEY`, `PROPERTIES` (fields and slots in `order`), `RULES` (in declaration
//!   order) and `KEYS` (every field with `#[cfn]`: its profile, grant and code).
//! * An inherent `pub const KEY_<FIELD>: &str` per field serde reads (not `skip`ped or
//!   `flatten`ed), holding the field's config key as serde spells it (`rename_all`, `rename`):
//!   `MskEvent::KEY_CONSUMER_GROUP_ID == "consumerGroupId"`. `#[derive(CfnKeys)]` emits only
//!   these, for nested types such as `Destinations` or `SchemaRegistry`.
//!
//! A config key anywhere in `#[cfn]` (a rule's `field`, `other`, `requires`) is the serde name,
//! checked against the struct's fields; a dotted path (`destinations.onFailure`) starts with one.
//!
//! # Container attributes
//!
//! Several `#[cfn(...)]` may sit on the struct; each key at most once, except `slot` and the
//! rules.
//!
//! * `resource = "AWS::<Service>::<Type>"` (required): the CloudFormation resource type.
//! * `logical_id = "<Alphanumeric>"` (required): the infix of the logical ID between the
//!   normalized function name and the ID parts.
//!
//!   ```text
//!   #[cfn(resource = "AWS::Lambda::EventSourceMapping", logical_id = "EventSourceMappingMSK")]
//!   ```
//! * `slot(name = "<Slot variant>", order = N)`: a property the compiler fills from outside the
//!   event (the function), placed among the fields by `order`. The name must be a variant of
//!   `msk_model::Slot`, or rustc rejects it at the name.
//!
//!   ```text
//!   #[cfn(slot(name = "FunctionName", order = 2))]
//!   ```
//! * `rule(<test>(...), code = ..., message = "...", help = "...", profile = "...",
//!   cloudformation = "Property.Path")`: a check on the event's values, run in declaration
//!   order. `code` (a path to a `Code` variant) is required, `message` too unless the rule has
//!   `cloudformation`. `profile` is `extended` unless it says `serverless_v3` or `osls`. A
//!   rule with `cloudformation` enforces that property's schema constraint: an error under
//!   `extended`, a warning under the other profiles. Without `help`, a `required_when` rule
//!   says "add `<requires>` to this event".
//!
//!   ```text
//!   #[cfn(rule(
//!       conflicts(field = "iamAuth", other = "saslScram512"),
//!       code = crate::Code::AuthConflict,
//!       message = "`iamAuth` and `saslScram512` are two ways to authenticate; use one",
//!   ))]
//!   ```
//! * `rules(<shared test>, <shared rule keys>, rule(...), rule(...), ...)`: a group. The
//!   shared test names the test and any of its keys; each member inherits every key it does
//!   not write (its test's keys included), so a member can be `rule(requires(field =
//!   "logLevel"), message = "...")` under a group that sets `other`, `code` and `help` once.
//!   A message may name the function as `{function}`.
//!
//!   ```text
//!   #[cfn(rules(
//!       requires(other = "provisionedPollers"),
//!       code = crate::Code::RequiresProvisionedMode,
//!       help = "add `provisionedPollers: {min: 1, max: 2}` (or your sizes) to this event",
//!       rule(requires(field = "logLevel"), message = "`logLevel` works in provisioned mode only"),
//!       rule(
//!           requires(field = "destinations.onFailure", prefix = "kafka://"),
//!           message = "a Kafka on-failure destination works in provisioned mode only",
//!       ),
//!   ))]
//!   ```
//!
//! The tests of a rule, each with typed keys checked at compile time (a `pattern` must be a
//! valid regex, a bound a number, `min` not above `max`, a path a serde key of the struct):
//!
//! | test | keys | fires when |
//! |---|---|---|
//! | `required_when(field, equals, requires)` | all required | `field` equals `equals` and `requires` is unset |
//! | `requires(field, other, equals? \| prefix?)` | `field`, `other` | `field` is set (or equals / starts with) and `other` is unset |
//! | `conflicts(field, other)` | both | both are set |
//! | `not_greater(field, other)` | both | `field` is greater than `other` |
//! | `differs(field, prefix, other)` | all | `field` is `prefix` + the value of `other` |
//! | `matches(field, pattern)` | both | a string `field` does not match `pattern` |
//! | `length(field, min?, max?)` | `field` | a string is shorter or longer |
//! | `json_length(field, max)` | both | the value as compact JSON is longer than `max` |
//! | `range(field, min?, max?)` | `field` | a number is out of range |
//! | `type_is(field, is)` | both | the value is not `"string"`, `"integer"`, `"number"` or `"boolean"` |
//! | `one_of(field, values = ["A", "B"])` | both | the value is none of `values` |
//! | `items(field, min?, max?)` | `field` | a list has too few or too many items |
//! | `unique(field)` | `field` | a list repeats an item |
//!
//! ```text
//! #[cfn(rule(
//!     length(field = "consumerGroupId", min = 1, max = 200),
//!     code = crate::Code::CloudFormationRejects,
//!     cloudformation = "AmazonManagedKafkaEventSourceConfig.ConsumerGroupId",
//! ))]
//! ```
//!
//! # Field attributes
//!
//! A field without `#[cfn]` is not mapped (and has no entry in `KEYS`); a `#[cfn]` without
//! `property` only declares the key's profile, grant and code; a field serde never
//! reads (`skip`, `skip_deserializing`, `flatten`) cannot carry one.
//!
//! * `property = "A.B"` with `order = N` and `presence = "always" | "not_null" | "truthy"`:
//!   the CloudFormation property path the value is written to, its place among the properties
//!   (unique, slots included), and when it is written (always; when not `null`; when
//!   JavaScript-truthy). `order` and `presence` are required with `property`.
//!
//!   ```text
//!   #[cfn(property = "BatchSize", order = 6, presence = "truthy")]
//!   ```
//! * `default = "..."` (with `presence = "always"` only): the value written when the key is
//!   unset.
//!
//!   ```text
//!   #[cfn(property = "StartingPosition", order = 3, presence = "always", default = "TRIM_HORIZON")]
//!   ```
//! * `shape = "value" | "list" | "filter_patterns" | "key_value_list" | "object" | "picked"`:
//!   how the value becomes the CloudFormation value (as is; a list; `{Filters: [{Pattern}]}`;
//!   `[{Key, Value}]`; a mapping with renamed keys; a new mapping of the renamed keys only).
//!   `value` when unset.
//! * `rename = "<rule>,<rule>,..."` (with `shape = "object"` or `"picked"`): each rule is
//!   `path:To` (rename the key at the dotted path; an empty `To` drops it), `path=:To` (wrap a
//!   scalar as `{To: value}`) or `path[]:To` (wrap each item of a list as `{To: item}`).
//!
//!   ```text
//!   #[cfn(property = "ProvisionedPollerConfig", order = 12, presence = "truthy",
//!         shape = "object", rename = "min:MinimumPollers,max:MaximumPollers")]
//!   ```
//! * `source_access = "KIND"` (instead of `shape`): the value becomes
//!   `[{Type: KIND, URI: value}]` in `SourceAccessConfigurations`.
//!
//!   ```text
//!   #[cfn(property = "SourceAccessConfigurations", order = 9, presence = "truthy",
//!         source_access = "SASL_SCRAM_512_AUTH")]
//!   ```
//! * `id_part = N` with optional `id_token = "value" | "cluster_name"`: the field is the N-th
//!   part of the logical ID after the infix, as its string value or as the cluster-name token
//!   of an ARN (`msk_model::arn`).
//! * `iam_resource` (a flag): the field holds the resource of the role's statements (the
//!   cluster ARN).
//!
//!   ```text
//!   #[cfn(property = "EventSourceArn", order = 1, presence = "always",
//!         id_part = 1, id_token = "cluster_name", iam_resource)]
//!   ```
//! * `profile = "serverless_v3" | "osls" | "extended"`: the profile the key belongs to
//!   (`serverless_v3` when unset); under another profile the key is unknown.
//! * `grant = "secret" | "scram_secret" | "kms_decrypt" | "iam_auth" | "destination" |
//!   "schema_registry"`: the IAM the value adds to the role under the extended profile
//!   (`msk_model::Grant`).
//! * `code = crate::Code::Variant`: the code of every problem with the value under the
//!   extended profile (its schema violations become errors with this code).
//!
//!   ```text
//!   // A key with no property of its own: only its profile, grant and code.
//!   #[cfn(profile = "extended", grant = "kms_decrypt", code = crate::Code::SecretsKmsKeyArnInvalid)]
//!   ```
#![forbid(unsafe_code)]

mod ast;
mod attr;
mod check;
mod ctxt;
mod expand;
mod fallback;
mod keys;
mod parse;
mod rule;
mod symbol;
#[cfg(test)]
mod tests;

use proc_macro::TokenStream;
use syn::{DeriveInput, parse_macro_input};

/// Derives `msk_model::CfnMapping` from `#[cfn(...)]` attributes, and a `KEY_<FIELD>`
/// constant per config key.
///
/// On the struct: `resource = "AWS::..."` and `logical_id = "..."` (both required),
/// `slot(name = "...", order = N)`, `rule(<test>(...), code = ..., message = "...", help = "...",
/// profile = "...", cloudformation = "...")` and the group `rules(<shared keys>, rule(...), ...)`,
/// with the tests `required_when`, `requires`, `conflicts`, `not_greater`, `differs`,
/// `matches`, `length`, `json_length`, `range`, `type_is`, `one_of`, `items`, `unique`.
///
/// On a field: `property = "A.B"` with `order = N` and `presence = "always" | "not_null" |
/// "truthy"`, `default = "..."`, `shape = "value" | "list" | "filter_patterns" |
/// "key_value_list" | "object" | "picked"` with `rename = "a:A,b=:B,c[]:C"`, `source_access =
/// "KIND"`, `id_part = N` with `id_token = "value" | "cluster_name"`, the flag `iam_resource`,
/// `profile = "serverless_v3" | "osls" | "extended"`, `grant = "..."` and `code = Code::...`.
/// The field's config key is its serde deserialize name.
///
/// The crate documentation describes each attribute with an example.
#[proc_macro_derive(CfnMapping, attributes(cfn))]
pub fn derive_cfn_mapping(input: TokenStream) -> TokenStream {
    expand::derive(&parse_macro_input!(input as DeriveInput)).into()
}

/// Derives the config-key constants alone, for a nested type without a CloudFormation
/// mapping of its own: `pub const KEY_<FIELD>: &str`, the field's serde deserialize name.
#[proc_macro_derive(CfnKeys)]
pub fn derive_cfn_keys(input: TokenStream) -> TokenStream {
    keys::derive(&parse_macro_input!(input as DeriveInput)).into()
}
