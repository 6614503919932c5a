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
mod symbol;
#[cfg(test)]
mod tests;

use proc_macro::TokenStream;
use syn::{DeriveInput, parse_macro_input};

/// Derives `msk_model::CfnMapping` from `#[cfn(...)]` attributes.
///
/// On the struct (several `#[cfn]` allowed):
/// `resource = "AWS::..."`, `logical_id = "..."` (both required),
/// `slot(name = "...", order = N)` and
/// `required_when(field = "...", equals = "...", requires = "...", code = Code::..., message = "...")`
/// (repeatable; `field` and `requires` are serde key names).
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
