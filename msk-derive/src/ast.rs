//! The derive input as this macro sees it: a named struct whose fields carry their config key
//! (serde's deserialize name) and their parsed `#[cfn]` attributes, with the original syn nodes
//! kept for error spans. Building it reports unsupported inputs and every attribute error.

use proc_macro2::Span;
use serde_derive_internals::{Ctxt as SerdeCtxt, Derive, ast as serde_ast};
use syn::{Data, DeriveInput, Fields, Ident};

use crate::attr;
use crate::ctxt::Ctxt;

pub struct Container<'a> {
    pub ident: &'a Ident,
    pub attrs: attr::Container,
    pub fields: Vec<Field<'a>>,
    pub original: &'a DeriveInput,
}

pub struct Field<'a> {
    /// The config key: serde's deserialize name, so `rename_all` and `rename` are honoured
    /// exactly as serde (and the JSON Schema) see them.
    pub key: String,
    /// Serde never reads this field from a config key (`skip`, `skip_deserializing`, `flatten`),
    /// so it cannot be mapped or named by a rule.
    pub keyless: bool,
    /// `None` for a field without `#[cfn]`, which is simply not mapped.
    pub attrs: Option<attr::Field>,
    pub original: &'a syn::Field,
}

impl<'a> Container<'a> {
    /// `None` when the input is not a struct with named fields (reported to `cx`).
    pub fn from_ast(cx: &Ctxt, input: &'a DeriveInput) -> Option<Self> {
        // The container attributes are read even for an unsupported input, so their errors
        // show up in the same compile as the "unsupported" one.
        let attrs = attr::Container::from_ast(cx, &input.attrs);

        let named = match &input.data {
            Data::Struct(data) => match &data.fields {
                Fields::Named(fields) => fields,
                Fields::Unnamed(_) => {
                    cx.error_spanned_by(
                        data.struct_token,
                        "CfnMapping cannot be derived for a tuple struct: config keys are field names, use named fields",
                    );
                    return None;
                }
                Fields::Unit => {
                    cx.error_spanned_by(
                        data.struct_token,
                        "CfnMapping cannot be derived for a unit struct: it has no fields to map",
                    );
                    return None;
                }
            },
            Data::Enum(data) => {
                cx.error_spanned_by(
                    data.enum_token,
                    "CfnMapping can only be derived for a struct with named fields, not an enum",
                );
                return None;
            }
            Data::Union(data) => {
                cx.error_spanned_by(
                    data.union_token,
                    "CfnMapping can only be derived for a struct with named fields, not a union",
                );
                return None;
            }
        };

        let Some(keys) = serde_keys(cx, input) else {
            // Unreachable for a named struct; reported rather than trusted, so a serde change
            // cannot turn into a mapping with no fields.
            cx.error_spanned_by(
                &input.ident,
                "serde_derive_internals did not read this struct",
            );
            return None;
        };
        let fields = named
            .named
            .iter()
            .zip(keys)
            .map(|(field, (key, keyless))| Field {
                key,
                keyless,
                attrs: attr::Field::from_ast(cx, field),
                original: field,
            })
            .collect();

        Some(Container {
            ident: &input.ident,
            attrs,
            fields,
            original: input,
        })
    }
}

/// Each field's serde deserialize name, and whether serde leaves it out of deserialization.
///
/// Serde's own attribute errors are passed on: a mapping computed from keys serde could not
/// make sense of would be wrong, and `Deserialize` may not be derived to report them.
fn serde_keys(cx: &Ctxt, input: &DeriveInput) -> Option<Vec<(String, bool)>> {
    let serde_cx = SerdeCtxt::new();
    // The last argument names serde's private module in paths serde_derive would generate;
    // only the parsed names are used here, so any identifier does.
    let private = Ident::new("__private", Span::call_site());
    let container = serde_ast::Container::from_ast(&serde_cx, input, Derive::Deserialize, &private);
    if let Err(err) = serde_cx.check() {
        cx.syn_error(err);
    }
    let serde_ast::Data::Struct(_, fields) = container?.data else {
        return None;
    };
    Some(
        fields
            .iter()
            .map(|field| {
                let key = field.attrs.name().deserialize_name().value.clone();
                let keyless = field.attrs.skip_deserializing() || field.attrs.flatten();
                (key, keyless)
            })
            .collect(),
    )
}
