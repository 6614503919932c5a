//! The config keys of a struct as associated constants (`KEY_<FIELD>`): one `&str` per field
//! serde reads, spelled as serde reads it, so code that addresses a config by key (the
//! compiler's grants, its logical IDs) names the field instead of repeating its spelling.
//! Emitted by `#[derive(CfnMapping)]` and, for nested types without a mapping of their own,
//! by `#[derive(CfnKeys)]`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::DeriveInput;
use syn::ext::IdentExt;

use crate::ast::Field;
use crate::ctxt::Ctxt;

/// `impl <Type> { pub const KEY_<FIELD>: &'static str = "<serde key>"; ... }` for `fields`.
pub fn key_constants(input: &DeriveInput, fields: &[Field<'_>]) -> TokenStream {
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let constants = fields
        .iter()
        .filter(|field| !field.keyless)
        .filter_map(|field| {
            let name = field.original.ident.as_ref()?.unraw();
            let constant = format_ident!("KEY_{}", name.to_string().to_uppercase());
            let key = &field.key;
            let doc = format!("The config key of `{name}`: `{key}`.");
            Some(quote! {
                #[doc = #doc]
                pub const #constant: &'static str = #key;
            })
        });
    quote! {
        #[automatically_derived]
        impl #impl_generics #ident #ty_generics #where_clause {
            #(#constants)*
        }
    }
}

/// The output of `#[derive(CfnKeys)]`: the key constants, or the errors.
pub fn derive(input: &DeriveInput) -> TokenStream {
    let cx = Ctxt::new();
    let cont = crate::ast::Container::from_ast(&cx, input);
    match (cx.check(), cont) {
        (Ok(()), Some(cont)) => key_constants(input, &cont.fields),
        (Err(error), _) => error.into_compile_error(),
        (Ok(()), None) => unreachable!("from_ast returns None only after reporting an error"),
    }
}
