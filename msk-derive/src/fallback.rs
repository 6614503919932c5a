//! The output for an input with errors: the `compile_error!`s plus an `impl CfnMapping` with
//! empty tables (as thiserror's fallback does), so the user sees the attribute errors and not
//! a cascade of "the trait `CfnMapping` is not implemented" from every use of the type.

use proc_macro2::TokenStream;
use quote::quote;
use syn::DeriveInput;

use crate::symbol::private;

pub fn expand(input: &DeriveInput, error: syn::Error) -> TokenStream {
    let error = error.into_compile_error();
    let private = private();
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();

    quote! {
        #error
        const _: () = {
            #[automatically_derived]
            impl #impl_generics #private::CfnMapping for #ident #ty_generics #where_clause {
                const RESOURCE_TYPE: &'static str = "";
                const LOGICAL_ID_INFIX: &'static str = "";
                const ID_PARTS: &'static [#private::IdPart] = &[];
                const IAM_RESOURCE_KEY: ::core::option::Option<&'static str> = ::core::option::Option::None;
                const PROPERTIES: &'static [#private::CfnProperty] = &[];
                const RULES: &'static [#private::Rule] = &[];
                const KEYS: &'static [#private::CfnKey] = &[];
            }
        };
    }
}
