//! `#[derive(CfnMapping)]`: turns the `#[cfn(...)]` attributes of an msk-model struct into the
//! static tables of `msk_model::CfnMapping`.
//!
//! The pipeline follows serde_derive: `attr` parses the attributes, `ast` joins them with
//! serde's field names, `check` validates across keys and fields, `expand` generates the impl;
//! `ctxt` collects every error on the way so they are all reported in one compile, and
//! `fallback` keeps an erroneous input from cascading into unrelated errors.
#![forbid(unsafe_code)]

mod ast;
mod attr;
mod check;
mod ctxt;
mod expand;
mod fallback;
mod keys;
mod rule;
mod symbol;
#[cfg(test)]
mod tests;

use proc_macro::TokenStream;
use syn::{DeriveInput, parse_macro_input};

/// Derives `msk_model::CfnMapping` from `#[cfn(...)]` attributes.
///
/// On the struct (several `#[cfn]` allowed):
/// `resource = "AWS::..."`, `logical_id = "..."` (both required),
/// `slot(name = "...", order = N)`, and rules, in the order they are checked:
/// `rule(<test>(...), code = Code::..., message = "...", help = "...", profile = "...",
/// cloudformation = "Property.Path")`, or a group
/// `rules(<shared test keys and rule keys>, rule(...), rule(...))` whose members inherit every
/// key they do not write. The tests, each with typed keys checked here (a pattern must compile,
/// a bound must be a number, a path must start with a serde key of the struct):
/// `required_when(field, equals, requires)`, `requires(field, other, equals | prefix)`,
/// `conflicts(field, other)`, `not_greater(field, other)`, `differs(field, prefix, other)`,
/// `matches(field, pattern)`, `length(field, min, max)`, `json_length(field, max)`,
/// `range(field, min, max)`, `type_is(field, is)`, `one_of(field, values = [...])`,
/// `items(field, min, max)`, `unique(field)`. A rule's profile is `extended` unless it says
/// `serverless_v3`; a rule with `cloudformation` enforces that property's schema constraint
/// (an error under `extended`, a warning under the other profiles) and may leave out `message`.
///
/// On a field (a field without `#[cfn]` is not mapped):
/// `property = "A.B"`, `order = N`, `presence = "always" | "not_null" | "truthy"` (required),
/// `default = "..."` (with `presence = "always"` only),
/// `shape = "value" | "list" | "filter_patterns"` or `source_access = "KIND"`,
/// `id_part = N` with optional `id_token = "value" | "cluster_name"`, and the flag `iam_resource`.
/// The field's config key is its serde deserialize name.
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
