//! Code generation: turns a checked [`Container`] into `impl CfnMapping`, wrapped in
//! `const _: () = { ... };` and naming runtime items only through `::msk_model::__private`.
//! On any error it emits the errors plus the empty impl of `fallback.rs`.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::DeriveInput;

use crate::ast::Container;
use crate::attr::{Grant, IdToken, Presence, RenameKind, Shape};
use crate::check;
use crate::ctxt::Ctxt;
use crate::fallback;
use crate::parse::{Profile, Spanned};
use crate::rule::{JsonType, RuleAttr, TestKind};
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
                    Grant::ScramSecret => quote!(ScramSecret),
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

    let rules = attrs.rules.iter().map(rule_tokens);
    let key_constants = crate::keys::key_constants(cont.original, &cont.fields);

    quote! {
        const _: () = {
            #[automatically_derived]
            impl #impl_generics #private::CfnMapping for #ident #ty_generics #where_clause {
                const RESOURCE_TYPE: &'static str = #resource;
                const LOGICAL_ID_INFIX: &'static str = #logical_id;
                const ID_PARTS: &'static [#private::IdPart] = &[#(#id_parts),*];
                const IAM_RESOURCE_KEY: ::core::option::Option<&'static str> = #iam_resource_key;
                const PROPERTIES: &'static [#private::CfnProperty] = &[#(#properties),*];
                const RULES: &'static [#private::Rule] = &[#(#rules),*];
                const KEYS: &'static [#private::CfnKey] = &[#(#keys),*];
            }

            #key_constants
        };
    }
}

/// One `msk_model::Rule`. A rule's profile is `extended` unless it says otherwise; the
/// message of `required_when` names the key it requires in its help unless it has one.
fn rule_tokens(rule: &RuleAttr) -> TokenStream {
    let private = private();
    let test = rule.test.as_ref().expect(CHECKED);
    let args = &test.args;
    let text = |value: &Option<Spanned<String>>| {
        value
            .as_ref()
            .map(|value| value.value.clone())
            .unwrap_or_default()
    };
    let field = text(&args.field);
    let bound = |value: &Option<Spanned<crate::rule::Number>>, whole: bool| match value {
        None => quote!(::core::option::Option::None),
        Some(bound) if whole => {
            let value = bound.value.value as u64;
            quote!(::core::option::Option::Some(#value))
        }
        Some(bound) => {
            let value = bound.value.value;
            quote!(::core::option::Option::Some(#value))
        }
    };
    let test_tokens = match test.kind {
        TestKind::RequiredWhen => {
            let (equals, requires) = (text(&args.equals), text(&args.requires));
            quote!(RequiredWhen { field: #field, equals: #equals, requires: #requires })
        }
        TestKind::Requires => {
            let other = text(&args.other);
            let trigger = match (&args.equals, &args.prefix) {
                (Some(equals), _) => {
                    let equals = &equals.value;
                    quote!(#private::Trigger::Equals(#equals))
                }
                (None, Some(prefix)) => {
                    let prefix = &prefix.value;
                    quote!(#private::Trigger::Prefix(#prefix))
                }
                (None, None) => quote!(#private::Trigger::Set),
            };
            quote!(Requires { field: #field, trigger: #trigger, other: #other })
        }
        TestKind::Conflicts => {
            let other = text(&args.other);
            quote!(Conflicts { field: #field, other: #other })
        }
        TestKind::NotGreater => {
            let other = text(&args.other);
            quote!(NotGreater { field: #field, other: #other })
        }
        TestKind::Differs => {
            let (prefix, other) = (text(&args.prefix), text(&args.other));
            quote!(Differs { field: #field, prefix: #prefix, other: #other })
        }
        TestKind::Matches => {
            let pattern = text(&args.pattern);
            quote!(Matches { field: #field, pattern: #pattern })
        }
        TestKind::Length => {
            let (min, max) = (bound(&args.min, true), bound(&args.max, true));
            quote!(Length { field: #field, min: #min, max: #max })
        }
        TestKind::JsonLength => {
            let max = args.max.as_ref().expect(CHECKED).value.value as u64;
            quote!(JsonLength { field: #field, max: #max })
        }
        TestKind::Range => {
            let (min, max) = (bound(&args.min, false), bound(&args.max, false));
            quote!(Range { field: #field, min: #min, max: #max })
        }
        TestKind::Type => {
            let is = match args.is.as_ref().expect(CHECKED).value {
                JsonType::String => quote!(String),
                JsonType::Integer => quote!(Integer),
                JsonType::Number => quote!(Number),
                JsonType::Boolean => quote!(Boolean),
            };
            quote!(Type { field: #field, is: #private::JsonType::#is })
        }
        TestKind::OneOf => {
            let values = &args.values.as_ref().expect(CHECKED).value;
            quote!(OneOf { field: #field, values: &[#(#values),*] })
        }
        TestKind::Items => {
            let (min, max) = (bound(&args.min, true), bound(&args.max, true));
            quote!(Items { field: #field, min: #min, max: #max })
        }
        TestKind::Unique => quote!(Unique { field: #field }),
    };
    let profile = profile_tokens(Some(
        rule.profile
            .as_ref()
            .map_or(Profile::Extended, |profile| profile.value),
    ));
    let cloudformation = option_str(rule.cloudformation.as_ref().map(|path| &path.value));
    let code = &rule.code.as_ref().expect(CHECKED).value;
    let message = text(&rule.message);
    let help = match (&rule.help, test.kind) {
        (Some(help), _) => help.value.clone(),
        (None, TestKind::RequiredWhen) => format!("add `{}` to this event", text(&args.requires)),
        (None, _) => String::new(),
    };
    quote! {
        #private::Rule {
            test: #private::Test::#test_tokens,
            profile: #profile,
            cloudformation: #cloudformation,
            code: #code,
            message: #message,
            help: #help,
        }
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
