//! Code generation: turns a checked [`Container`] into `impl CfnMapping`, wrapped in
//! `const _: () = { ... };` and naming runtime items only through `::msk_model::__private`.
//! On any error it emits the errors plus the empty impl of `fallback.rs`.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::DeriveInput;

use crate::ast::Container;
use crate::attr::{CheckKind, Grant, IdToken, Presence, Profile, RenameKind, Shape};
use crate::check;
use crate::ctxt::Ctxt;
use crate::fallback;
use crate::symbol::private;

/// The derive's output for `input`: the impl, or the errors with a stub impl.
pub fn derive(input: &DeriveInput) -> TokenStream {
    try_expand(input).unwrap_or_else(|error| fallback::expand(input, error))
}

/// The impl for `input`, or every error found in it, combined.
pub fn try_expand(input: &DeriveInput) -> syn::Result<TokenStream> {
    let cx = Ctxt::new();
    let cont = ast_checked(&cx, input);
    cx.check()?;
    let cont = cont.expect("from_ast returns None only after reporting an error");
    Ok(impl_cfn_mapping(&cont))
}

fn ast_checked<'a>(cx: &Ctxt, input: &'a DeriveInput) -> Option<Container<'a>> {
    let cont = Container::from_ast(cx, input)?;
    check::check(cx, &cont);
    Some(cont)
}

fn impl_cfn_mapping(cont: &Container) -> TokenStream {
    let private = private();
    let ident = cont.ident;
    let (impl_generics, ty_generics, where_clause) = cont.original.generics.split_for_impl();

    let attrs = &cont.attrs;
    let resource = &attrs.resource.as_ref().expect(CHECKED).value;
    let logical_id = &attrs.logical_id.as_ref().expect(CHECKED).value;

    // PROPERTIES: fields and slots merged by `order`, which check.rs made unique.
    let mut properties: Vec<(u32, TokenStream)> = Vec::new();
    for slot in &attrs.slots {
        let order = slot.order.as_ref().expect(CHECKED).value;
        let name = slot.name.as_ref().expect(CHECKED);
        // The name becomes a path to a `Slot` variant, spanned at the literal: rustc then
        // rejects a slot the compiler does not know, pointing at the name.
        let span = name
            .lit
            .clone()
            .into_iter()
            .next()
            .map_or_else(Span::call_site, |token| token.span());
        let variant = match syn::parse_str::<syn::Ident>(&name.value) {
            Ok(mut ident) => {
                ident.set_span(span);
                quote!(#private::Slot::#ident)
            }
            Err(_) => {
                quote_spanned!(span=> ::core::compile_error!("a slot name is a `Slot` variant"))
            }
        };
        properties.push((order, quote!(#private::CfnProperty::Slot(#variant))));
    }
    let mut id_parts: Vec<(u32, TokenStream)> = Vec::new();
    let mut iam_resource_key = quote!(::core::option::Option::None);
    let mut keys: Vec<TokenStream> = Vec::new();
    for field in &cont.fields {
        let Some(field_attrs) = &field.attrs else {
            continue;
        };
        let key = &field.key;
        let profile = profile_tokens(field_attrs.profile.as_ref().map(|profile| profile.value));
        let grant = match field_attrs.grant.as_ref().map(|grant| grant.value) {
            None => quote!(::core::option::Option::None),
            Some(grant) => {
                let variant = match grant {
                    Grant::Secret => quote!(Secret),
                    Grant::KmsDecrypt => quote!(KmsDecrypt),
                    Grant::IamAuth => quote!(IamAuth),
                    Grant::Destination => quote!(Destination),
                    Grant::SchemaRegistry => quote!(SchemaRegistry),
                };
                quote!(::core::option::Option::Some(#private::Grant::#variant))
            }
        };
        let code = match &field_attrs.code {
            Some(code) => {
                let code = &code.value;
                quote!(::core::option::Option::Some(#code))
            }
            None => quote!(::core::option::Option::None),
        };
        keys.push(quote! {
            #private::CfnKey { key: #key, profile: #profile, grant: #grant, code: #code }
        });
        if field_attrs.property.is_none() {
            continue;
        }
        let order = field_attrs.order.as_ref().expect(CHECKED).value;
        let path = &field_attrs.property.as_ref().expect(CHECKED).value;
        let presence = match field_attrs.presence.as_ref().expect(CHECKED).value {
            Presence::Always => quote!(#private::Presence::Always),
            Presence::NotNull => quote!(#private::Presence::NotNull),
            Presence::Truthy => quote!(#private::Presence::Truthy),
        };
        let default = option_str(field_attrs.default.as_ref().map(|default| &default.value));
        let shape = match (&field_attrs.source_access, &field_attrs.shape) {
            (Some(kind), _) => {
                let kind = &kind.value;
                quote!(#private::Shape::SourceAccess { kind: #kind })
            }
            (None, Some(shape)) => match shape.value {
                Shape::Value => quote!(#private::Shape::Value),
                Shape::List => quote!(#private::Shape::List),
                Shape::FilterPatterns => quote!(#private::Shape::FilterPatterns),
                Shape::KeyValueList => quote!(#private::Shape::KeyValueList),
                Shape::Object | Shape::Picked => {
                    let renames = field_attrs.rename.iter().flat_map(|rename| &rename.value).map(|rule| {
                        let path = &rule.path;
                        let to = &rule.to;
                        let kind = match rule.kind {
                            RenameKind::Key => quote!(Key),
                            RenameKind::WrapScalar => quote!(WrapScalar),
                            RenameKind::WrapItems => quote!(WrapItems),
                        };
                        quote!(#private::Rename { path: &[#(#path),*], kind: #private::RenameKind::#kind, to: #to })
                    });
                    if shape.value == Shape::Picked {
                        quote!(#private::Shape::Picked { renames: &[#(#renames),*] })
                    } else {
                        quote!(#private::Shape::Object { renames: &[#(#renames),*] })
                    }
                }
            },
            (None, None) => quote!(#private::Shape::Value),
        };
        properties.push((
            order,
            quote! {
                #private::CfnProperty::Field(#private::CfnField {
                    key: #key,
                    path: &[#(#path),*],
                    presence: #presence,
                    default: #default,
                    shape: #shape,
                    profile: #profile,
                })
            },
        ));

        if let Some(id_part) = &field_attrs.id_part {
            let token = match field_attrs.id_token.as_ref().map(|token| token.value) {
                None | Some(IdToken::Value) => quote!(#private::IdToken::Value),
                Some(IdToken::ClusterName) => quote!(#private::IdToken::ClusterName),
            };
            id_parts.push((
                id_part.value,
                quote!(#private::IdPart { key: #key, token: #token }),
            ));
        }
        if field_attrs.iam_resource.is_some() {
            iam_resource_key = option_str(Some(key));
        }
    }
    properties.sort_by_key(|(order, _)| *order);
    id_parts.sort_by_key(|(part, _)| *part);
    let properties = properties.into_iter().map(|(_, property)| property);
    let id_parts = id_parts.into_iter().map(|(_, part)| part);

    let rules = attrs.rules.iter().map(|rule| {
        let field = &rule.field.as_ref().expect(CHECKED).value;
        let equals = &rule.equals.as_ref().expect(CHECKED).value;
        let requires = &rule.requires.as_ref().expect(CHECKED).value;
        let code = &rule.code.as_ref().expect(CHECKED).value;
        let message = &rule.message.as_ref().expect(CHECKED).value;
        quote! {
            #private::RequiredWhen {
                field: #field,
                equals: #equals,
                requires: #requires,
                code: #code,
                message: #message,
            }
        }
    });

    let checks = attrs.checks.iter().map(|check| {
        let kind = match check.kind.as_ref().expect(CHECKED).value {
            CheckKind::Requires => quote!(Requires),
            CheckKind::Conflicts => quote!(Conflicts),
            CheckKind::NotGreater => quote!(NotGreater),
            CheckKind::Matches => quote!(Matches),
            CheckKind::MaxLength => quote!(MaxLength),
            CheckKind::Differs => quote!(Differs),
        };
        let text = |value: &Option<crate::attr::Spanned<String>>| {
            value
                .as_ref()
                .map(|value| value.value.clone())
                .unwrap_or_default()
        };
        let profile = profile_tokens(Some(
            check
                .profile
                .as_ref()
                .map_or(Profile::Extended, |profile| profile.value),
        ));
        let (field, other, value) = (text(&check.field), text(&check.other), text(&check.value));
        let code = &check.code.as_ref().expect(CHECKED).value;
        let (message, help) = (text(&check.message), text(&check.help));
        quote! {
            #private::Check {
                kind: #private::CheckKind::#kind,
                profile: #profile,
                field: #field,
                other: #other,
                value: #value,
                code: #code,
                message: #message,
                help: #help,
            }
        }
    });

    quote! {
        const _: () = {
            #[automatically_derived]
            impl #impl_generics #private::CfnMapping for #ident #ty_generics #where_clause {
                const RESOURCE_TYPE: &'static str = #resource;
                const LOGICAL_ID_INFIX: &'static str = #logical_id;
                const ID_PARTS: &'static [#private::IdPart] = &[#(#id_parts),*];
                const IAM_RESOURCE_KEY: ::core::option::Option<&'static str> = #iam_resource_key;
                const PROPERTIES: &'static [#private::CfnProperty] = &[#(#properties),*];
                const RULES: &'static [#private::RequiredWhen] = &[#(#rules),*];
                const KEYS: &'static [#private::CfnKey] = &[#(#keys),*];
                const CHECKS: &'static [#private::Check] = &[#(#checks),*];
            }
        };
    }
}

/// Required keys are present once check.rs passed without errors.
const CHECKED: &str = "required cfn attribute not caught by check.rs";

/// A field's profile (`serverless_v3` when unset).
fn profile_tokens(profile: Option<Profile>) -> TokenStream {
    let private = private();
    match profile {
        None | Some(Profile::ServerlessV3) => quote!(#private::Profile::ServerlessV3),
        Some(Profile::Osls) => quote!(#private::Profile::Osls),
        Some(Profile::Extended) => quote!(#private::Profile::Extended),
    }
}

fn option_str(value: Option<&String>) -> TokenStream {
    match value {
        Some(value) => quote!(::core::option::Option::Some(#value)),
        None => quote!(::core::option::Option::None),
    }
}
