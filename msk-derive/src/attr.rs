//! Parsing of `#[cfn(...)]` into typed attributes. Nothing here fails: an unknown, duplicated or
//! badly valued key is reported to the [`Ctxt`] and parsing goes on with the next key, so the
//! user sees every bad key of the input in one compile. Only a syntax error (a missing comma, a
//! literal where a key belongs) stops the rest of that one attribute list from being read.
//!
//! Whether a required key is present is not judged here but in `check.rs`, from [`Seen`].
//!
//! The shapes parsed here (each described with an example in the crate documentation):
//! on the container `resource = "..."`, `logical_id = "..."`, `slot(name = "...", order = N)`
//! and the rules (`rule(...)`, `rules(...)`, parsed by `rule.rs`); on a field `property`,
//! `order`, `presence`, `default`, `shape`, `rename`, `source_access`, `id_part`, `id_token`,
//! `iam_resource`, `profile`, `grant` and `code`.

use proc_macro2::{TokenStream, TokenTree};
use quote::{ToTokens, quote};
use syn::meta::ParseNestedMeta;
use syn::parse::{Parse, ParseStream};
use syn::token::Paren;
use syn::{Attribute, LitInt, LitStr, MacroDelimiter, MetaList, Path, Token};

use crate::ctxt::Ctxt;
use crate::rule::{RuleAttr, parse_rules};
use crate::symbol::*;

/// A parsed value with the tokens it came from, so later checks can point at the key
/// (`default`) or at the written value (`3`), whichever is the smallest culprit.
#[derive(Clone)]
pub struct Spanned<T> {
    pub value: T,
    /// The key path, e.g. `order`.
    pub key: Path,
    /// The value as written, e.g. `3`; the key itself for flags such as `iam_resource`.
    pub lit: TokenStream,
}

/// Which keys one attribute list wrote, valid or not.
///
/// `check.rs` reports a missing key only when the user really left it out: a key written with a
/// bad value already has its own error, an unknown key is most likely the missing one
/// misspelt, and after a syntax error the rest of the list is unknown.
#[derive(Default, Clone)]
pub struct Seen {
    keys: Vec<Symbol>,
    /// The list has an error that may explain a missing key (a syntax error or an unknown key).
    pub incomplete: bool,
}

impl Seen {
    /// The key of `meta` if it is one of `keys`, recorded as written. An unknown key is
    /// reported and its value skipped, so the keys after it are still read.
    pub fn key(
        &mut self,
        cx: &Ctxt,
        meta: &ParseNestedMeta,
        keys: &[Symbol],
        place: &str,
    ) -> syn::Result<Option<Symbol>> {
        if let Some(key) = keys.iter().find(|key| meta.path == **key) {
            self.keys.push(*key);
            return Ok(Some(*key));
        }
        self.incomplete = true;
        let path = meta.path.to_token_stream().to_string().replace(' ', "");
        let closest = keys
            .iter()
            .find(|key| strsim::levenshtein(key.as_str(), &path) <= 2);
        let msg = match closest {
            Some(key) => format!("unknown cfn {place} attribute `{path}`; did you mean `{key}`?"),
            None => format!(
                "unknown cfn {place} attribute `{path}`, expected {}",
                one_of(keys)
            ),
        };
        cx.error_spanned_by(&meta.path, msg);
        take_to_comma(meta.input)?;
        Ok(None)
    }

    /// The keys of both lists (a group's rule and one of its members).
    pub fn merged(&self, other: &Seen) -> Seen {
        Seen {
            keys: self.keys.iter().chain(&other.keys).copied().collect(),
            incomplete: self.incomplete || other.incomplete,
        }
    }

    /// `key` is missing and the user does not already have an error that may explain why.
    pub fn lacks(&self, key: Symbol) -> bool {
        !self.incomplete && !self.keys.contains(&key)
    }
}

/// One single-valued key while its attribute lists are being read.
///
/// Holds the first value and reports "duplicate cfn attribute" at every later occurrence,
/// including occurrences spread over several `#[cfn(...)]` attributes.
pub struct Attr<'c, T> {
    cx: &'c Ctxt,
    name: Symbol,
    written: bool,
    value: Option<T>,
}

impl<'c, T> Attr<'c, T> {
    pub fn none(cx: &'c Ctxt, name: Symbol) -> Self {
        Attr {
            cx,
            name,
            written: false,
            value: None,
        }
    }

    /// Records an occurrence of the key written as `key`. `value` is `None` when the value was
    /// rejected (already reported); the key still counts as written for duplicate detection.
    pub fn set(&mut self, key: &Path, value: Option<T>) {
        if self.written {
            let msg = format!("duplicate cfn attribute `{}`", self.name);
            self.cx.error_spanned_by(key, msg);
        } else {
            self.written = true;
            self.value = value;
        }
    }

    pub fn get(self) -> Option<T> {
        self.value
    }
}

/// How Serverless decides whether to write a property (mirrors `msk_model::Presence`).
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum Presence {
    Always,
    NotNull,
    Truthy,
}

/// The value shapes selectable with `shape = "..."`; `source_access` is a key of its own
/// because it carries a parameter (mirrors `msk_model::Shape`).
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum Shape {
    Value,
    List,
    FilterPatterns,
    KeyValueList,
    Object,
    Picked,
}

/// The profile of a key or check (mirrors `msk_model::Profile`).
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum Profile {
    ServerlessV3,
    Osls,
    Extended,
}

/// What a field's value grants (mirrors `msk_model::Grant`).
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum Grant {
    Secret,
    ScramSecret,
    KmsDecrypt,
    IamAuth,
    Destination,
    SchemaRegistry,
}

/// How a rename rule applies (mirrors `msk_model::RenameKind`).
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum RenameKind {
    Key,
    WrapScalar,
    WrapItems,
}

/// One rule of `rename = "a.b:To,c[]:Attr,d=:Wrap"`.
pub struct RenameRule {
    pub path: Vec<String>,
    pub kind: RenameKind,
    pub to: String,
}

/// How a field becomes part of the logical ID (mirrors `msk_model::IdToken`).
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum IdToken {
    Value,
    ClusterName,
}

const PRESENCES: &[(&str, Presence)] = &[
    ("always", Presence::Always),
    ("not_null", Presence::NotNull),
    ("truthy", Presence::Truthy),
];
const SHAPES: &[(&str, Shape)] = &[
    ("value", Shape::Value),
    ("list", Shape::List),
    ("filter_patterns", Shape::FilterPatterns),
    ("key_value_list", Shape::KeyValueList),
    ("object", Shape::Object),
    ("picked", Shape::Picked),
];
pub const PROFILES: &[(&str, Profile)] = &[
    ("serverless_v3", Profile::ServerlessV3),
    ("osls", Profile::Osls),
    ("extended", Profile::Extended),
];
const GRANTS: &[(&str, Grant)] = &[
    ("secret", Grant::Secret),
    ("scram_secret", Grant::ScramSecret),
    ("kms_decrypt", Grant::KmsDecrypt),
    ("iam_auth", Grant::IamAuth),
    ("destination", Grant::Destination),
    ("schema_registry", Grant::SchemaRegistry),
];
const ID_TOKENS: &[(&str, IdToken)] = &[
    ("value", IdToken::Value),
    ("cluster_name", IdToken::ClusterName),
];

const CONTAINER_KEYS: &[Symbol] = &[RESOURCE, LOGICAL_ID, SLOT, RULE, RULES];
const SLOT_KEYS: &[Symbol] = &[NAME, ORDER];
const FIELD_KEYS: &[Symbol] = &[
    PROPERTY,
    ORDER,
    PRESENCE,
    DEFAULT,
    SHAPE,
    SOURCE_ACCESS,
    ID_PART,
    ID_TOKEN,
    IAM_RESOURCE,
    PROFILE,
    GRANT,
    CODE,
    RENAME,
];

/// The container attributes: `#[cfn(resource = ..., logical_id = ..., slot(...), rule(...), rules(...))]`.
pub struct Container {
    /// The `cfn` of the first `#[cfn]` on the container, where "missing key" errors point;
    /// `None` when there is none.
    pub cfn: Option<Path>,
    pub resource: Option<Spanned<String>>,
    pub logical_id: Option<Spanned<String>>,
    pub slots: Vec<Slot>,
    /// `rule(...)` and the members of `rules(...)` in declaration order, which is the order
    /// they are checked in.
    pub rules: Vec<RuleAttr>,
    pub seen: Seen,
}

/// `slot(name = "FunctionName", order = 2)`: a property the compiler supplies.
pub struct Slot {
    /// The `slot` keyword, where "missing key" errors point.
    pub path: Path,
    pub name: Option<Spanned<String>>,
    pub order: Option<Spanned<u32>>,
    pub seen: Seen,
}

/// The attributes of one mapped field.
pub struct Field {
    /// The `cfn` of the field's first `#[cfn]`, where "missing key" errors point.
    pub cfn: Path,
    /// The property path, split at the dots.
    pub property: Option<Spanned<Vec<String>>>,
    pub order: Option<Spanned<u32>>,
    pub presence: Option<Spanned<Presence>>,
    pub default: Option<Spanned<String>>,
    pub shape: Option<Spanned<Shape>>,
    /// The access configuration type of `source_access = "KIND"`.
    pub source_access: Option<Spanned<String>>,
    pub id_part: Option<Spanned<u32>>,
    pub id_token: Option<Spanned<IdToken>>,
    pub iam_resource: Option<Spanned<()>>,
    pub profile: Option<Spanned<Profile>>,
    pub grant: Option<Spanned<Grant>>,
    /// The code of the key's problems under the extended profile (a `Code` variant's path).
    pub code: Option<Spanned<Path>>,
    /// The rules of `shape = "object"`.
    pub rename: Option<Spanned<Vec<RenameRule>>>,
    pub seen: Seen,
}

impl Container {
    /// Reads every `#[cfn(...)]` on the container; keys may be spread over several attributes.
    pub fn from_ast(cx: &Ctxt, attrs: &[Attribute]) -> Self {
        let mut resource = Attr::none(cx, RESOURCE);
        let mut logical_id = Attr::none(cx, LOGICAL_ID);
        let mut slots = Vec::new();
        let mut rules = Vec::new();
        let mut seen = Seen::default();
        let mut cfn = None;

        for attr in attrs.iter().filter(|attr| attr.path() == CFN) {
            cfn.get_or_insert_with(|| attr.path().clone());
            let result = attr.parse_nested_meta(|meta| {
                let Some(key) = seen.key(cx, &meta, CONTAINER_KEYS, "container")? else {
                    return Ok(());
                };
                if key == RESOURCE {
                    let value = parse_str(cx, &meta, key, check_resource)?;
                    resource.set(&meta.path, value);
                } else if key == LOGICAL_ID {
                    let value = parse_str(cx, &meta, key, check_alphanumeric)?;
                    logical_id.set(&meta.path, value);
                } else if key == SLOT {
                    if let Some(slot) = Slot::from_meta(cx, &meta)? {
                        slots.push(slot);
                    }
                } else {
                    parse_rules(cx, &meta, key == RULES, &mut rules)?;
                }
                Ok(())
            });
            abort_on(cx, result, &mut seen);
        }

        Container {
            cfn,
            resource: resource.get(),
            logical_id: logical_id.get(),
            slots,
            rules,
            seen,
        }
    }
}

impl Slot {
    fn from_meta(cx: &Ctxt, meta: &ParseNestedMeta) -> syn::Result<Option<Self>> {
        let mut name = Attr::none(cx, NAME);
        let mut order = Attr::none(cx, ORDER);
        let mut seen = Seen::default();
        let parsed = parse_list(cx, meta, "slot(name = \"...\", order = N)", |meta| {
            let Some(key) = seen.key(cx, &meta, SLOT_KEYS, "slot")? else {
                return Ok(());
            };
            if key == NAME {
                let value = parse_str(cx, &meta, key, check_alphanumeric)?;
                name.set(&meta.path, value);
            } else {
                let value = parse_u32(cx, &meta, key)?;
                order.set(&meta.path, value);
            }
            Ok(())
        })?;
        Ok(parsed.map(|complete| {
            seen.incomplete |= !complete;
            Slot {
                path: meta.path.clone(),
                name: name.get(),
                order: order.get(),
                seen,
            }
        }))
    }
}

impl Field {
    /// Reads the `#[cfn(...)]` attributes of one field; `None` when it has none (not mapped).
    pub fn from_ast(cx: &Ctxt, field: &syn::Field) -> Option<Self> {
        let cfn_attrs: Vec<&Attribute> = field
            .attrs
            .iter()
            .filter(|attr| attr.path() == CFN)
            .collect();
        let cfn = cfn_attrs.first()?.path().clone();

        let mut property = Attr::none(cx, PROPERTY);
        let mut order = Attr::none(cx, ORDER);
        let mut presence = Attr::none(cx, PRESENCE);
        let mut default = Attr::none(cx, DEFAULT);
        let mut shape = Attr::none(cx, SHAPE);
        let mut source_access = Attr::none(cx, SOURCE_ACCESS);
        let mut id_part = Attr::none(cx, ID_PART);
        let mut id_token = Attr::none(cx, ID_TOKEN);
        let mut iam_resource = Attr::none(cx, IAM_RESOURCE);
        let mut profile = Attr::none(cx, PROFILE);
        let mut grant = Attr::none(cx, GRANT);
        let mut code = Attr::none(cx, CODE);
        let mut rename = Attr::none(cx, RENAME);
        let mut seen = Seen::default();

        for attr in cfn_attrs {
            let result = attr.parse_nested_meta(|meta| {
                let Some(key) = seen.key(cx, &meta, FIELD_KEYS, "field")? else {
                    return Ok(());
                };
                if key == PROPERTY {
                    let value = parse_str(cx, &meta, key, check_property)?;
                    let value = value.map(|spanned| Spanned {
                        value: spanned.value.split('.').map(str::to_owned).collect(),
                        key: spanned.key,
                        lit: spanned.lit,
                    });
                    property.set(&meta.path, value);
                } else if key == ORDER {
                    order.set(&meta.path, parse_u32(cx, &meta, key)?);
                } else if key == PRESENCE {
                    presence.set(&meta.path, parse_choice(cx, &meta, key, PRESENCES)?);
                } else if key == DEFAULT {
                    default.set(&meta.path, parse_str(cx, &meta, key, |_| Ok(()))?);
                } else if key == SHAPE {
                    shape.set(&meta.path, parse_choice(cx, &meta, key, SHAPES)?);
                } else if key == SOURCE_ACCESS {
                    let value = parse_str(cx, &meta, key, check_nonempty)?;
                    source_access.set(&meta.path, value);
                } else if key == ID_PART {
                    id_part.set(&meta.path, parse_u32(cx, &meta, key)?);
                } else if key == ID_TOKEN {
                    id_token.set(&meta.path, parse_choice(cx, &meta, key, ID_TOKENS)?);
                } else if key == PROFILE {
                    profile.set(&meta.path, parse_choice(cx, &meta, key, PROFILES)?);
                } else if key == GRANT {
                    grant.set(&meta.path, parse_choice(cx, &meta, key, GRANTS)?);
                } else if key == CODE {
                    code.set(&meta.path, parse_path(cx, &meta, key)?);
                } else if key == RENAME {
                    let value = parse_str(cx, &meta, key, |text| parse_renames(text).map(|_| ()))?;
                    let value = value.map(|spanned| Spanned {
                        value: parse_renames(&spanned.value).unwrap_or_default(),
                        key: spanned.key,
                        lit: spanned.lit,
                    });
                    rename.set(&meta.path, value);
                } else {
                    iam_resource.set(&meta.path, parse_flag(cx, &meta, key)?);
                }
                Ok(())
            });
            abort_on(cx, result, &mut seen);
        }

        Some(Field {
            cfn,
            property: property.get(),
            order: order.get(),
            presence: presence.get(),
            default: default.get(),
            shape: shape.get(),
            source_access: source_access.get(),
            id_part: id_part.get(),
            id_token: id_token.get(),
            iam_resource: iam_resource.get(),
            profile: profile.get(),
            grant: grant.get(),
            code: code.get(),
            rename: rename.get(),
            seen,
        })
    }
}

/// Records the syntax error that stopped an attribute list, if any.
fn abort_on(cx: &Ctxt, result: syn::Result<()>, seen: &mut Seen) {
    if let Err(err) = result {
        cx.syn_error(err);
        seen.incomplete = true;
    }
}

/// The tokens up to the next comma of the current list (not consumed).
pub fn take_to_comma(input: ParseStream) -> syn::Result<TokenStream> {
    let mut tokens = TokenStream::new();
    while !input.is_empty() && !input.peek(Token![,]) {
        tokens.extend([input.parse::<TokenTree>()?]);
    }
    Ok(tokens)
}

/// Parses `= <literal>` after a key. The whole value up to the next comma is taken before it is
/// judged, so a wrong value (`order = "3"`, `order = list`) is reported on exactly its tokens and
/// parsing resumes at the next key. A valid literal followed by more tokens is a missing comma:
/// a syntax error, returned as `Err` to stop the list.
fn parse_lit<T: Parse>(
    cx: &Ctxt,
    meta: &ParseNestedMeta,
    expected: impl FnOnce() -> String,
) -> syn::Result<Option<(T, TokenStream)>> {
    let eq: Token![=] = match meta.input.parse() {
        Ok(eq) => eq,
        Err(_) => {
            // A value key written like a flag or a list: say what is expected, skip the rest.
            let rest = take_to_comma(meta.input)?;
            let path = &meta.path;
            cx.error_spanned_by(quote!(#path #rest), expected());
            return Ok(None);
        }
    };
    let tokens = take_to_comma(meta.input)?;
    let mut trees = tokens.clone().into_iter();
    let Some(first) = trees.next() else {
        cx.error_spanned_by(eq, expected());
        return Ok(None);
    };
    match syn::parse2::<T>(first.into()) {
        Ok(lit) => match trees.next() {
            None => Ok(Some((lit, tokens))),
            Some(extra) => Err(syn::Error::new(extra.span(), "expected `,`")),
        },
        Err(_) => {
            cx.error_spanned_by(&tokens, expected());
            Ok(None)
        }
    }
}

/// `key = some::path` (a `Code` variant): checked by rustc where the generated code uses it.
pub fn parse_path(
    cx: &Ctxt,
    meta: &ParseNestedMeta,
    key: Symbol,
) -> syn::Result<Option<Spanned<Path>>> {
    let expected = || format!("expected cfn attribute `{key}` to be a path: `{key} = Code::...`");
    let Ok(_) = meta.input.parse::<Token![=]>() else {
        let rest = take_to_comma(meta.input)?;
        let path = &meta.path;
        cx.error_spanned_by(quote!(#path #rest), expected());
        return Ok(None);
    };
    let tokens = take_to_comma(meta.input)?;
    match syn::parse2::<Path>(tokens.clone()) {
        Ok(value) => Ok(Some(Spanned {
            value,
            key: meta.path.clone(),
            lit: tokens,
        })),
        Err(_) => {
            cx.error_spanned_by(&tokens, expected());
            Ok(None)
        }
    }
}

/// `key = "string"`, then `validate`d; the error of `validate` is reported on the literal.
pub fn parse_str(
    cx: &Ctxt,
    meta: &ParseNestedMeta,
    key: Symbol,
    validate: impl FnOnce(&str) -> Result<(), String>,
) -> syn::Result<Option<Spanned<String>>> {
    let expected = || format!("expected cfn attribute `{key}` to be a string: `{key} = \"...\"`");
    let Some((lit, tokens)) = parse_lit::<LitStr>(cx, meta, expected)? else {
        return Ok(None);
    };
    let value = lit.value();
    if let Err(msg) = validate(&value) {
        cx.error_spanned_by(&tokens, format!("invalid `{key}`: {msg}"));
        return Ok(None);
    }
    Ok(Some(Spanned {
        value,
        key: meta.path.clone(),
        lit: tokens,
    }))
}

/// `key = N` with `N` a `u32`.
fn parse_u32(cx: &Ctxt, meta: &ParseNestedMeta, key: Symbol) -> syn::Result<Option<Spanned<u32>>> {
    let expected =
        || format!("expected cfn attribute `{key}` to be an unsigned integer: `{key} = 1`");
    let Some((lit, tokens)) = parse_lit::<LitInt>(cx, meta, expected)? else {
        return Ok(None);
    };
    // A literal passed through `macro_rules!` (`$n:literal`) arrives as one token, and that
    // token may be negative.
    if lit.base10_digits().starts_with('-') {
        cx.error_spanned_by(&tokens, expected());
        return Ok(None);
    }
    match lit.base10_parse::<u32>() {
        Ok(value) => Ok(Some(Spanned {
            value,
            key: meta.path.clone(),
            lit: tokens,
        })),
        Err(_) => {
            let msg = format!(
                "invalid `{key}`: {} does not fit in a u32",
                lit.base10_digits()
            );
            cx.error_spanned_by(&tokens, msg);
            Ok(None)
        }
    }
}

/// `key = "choice"`, one of the strings of `choices`.
pub fn parse_choice<T: Copy>(
    cx: &Ctxt,
    meta: &ParseNestedMeta,
    key: Symbol,
    choices: &[(&str, T)],
) -> syn::Result<Option<Spanned<T>>> {
    let names: Vec<String> = choices
        .iter()
        .map(|(name, _)| format!("\"{name}\""))
        .collect();
    let names = match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => names.concat(),
    };
    let Some(spanned) = parse_str(cx, meta, key, |_| Ok(()))? else {
        return Ok(None);
    };
    match choices.iter().find(|(name, _)| *name == spanned.value) {
        Some((_, value)) => Ok(Some(Spanned {
            value: *value,
            key: spanned.key,
            lit: spanned.lit,
        })),
        None => {
            let msg = format!(
                "unknown `{key}` \"{}\", expected {names}",
                spanned.value.escape_debug()
            );
            cx.error_spanned_by(&spanned.lit, msg);
            Ok(None)
        }
    }
}

/// A bare flag such as `iam_resource`; a value after it is reported and ignored.
fn parse_flag(cx: &Ctxt, meta: &ParseNestedMeta, key: Symbol) -> syn::Result<Option<Spanned<()>>> {
    let rest = take_to_comma(meta.input)?;
    if !rest.is_empty() {
        let msg = format!("cfn attribute `{key}` is a flag and takes no value: write `{key}`");
        cx.error_spanned_by(&rest, msg);
    }
    Ok(Some(Spanned {
        value: (),
        key: meta.path.clone(),
        lit: meta.path.to_token_stream(),
    }))
}

/// A nested list such as `slot(...)`, read with `each` per key. `Ok(Some(complete))` when the
/// list was there (`complete` is false after a syntax error inside it, which is recorded);
/// `Ok(None)` when the key was not followed by a list (reported).
pub fn parse_list(
    cx: &Ctxt,
    meta: &ParseNestedMeta,
    usage: &str,
    each: impl FnMut(ParseNestedMeta) -> syn::Result<()>,
) -> syn::Result<Option<bool>> {
    if !meta.input.peek(Paren) {
        let rest = take_to_comma(meta.input)?;
        let path = &meta.path;
        cx.error_spanned_by(quote!(#path #rest), format!("expected `{usage}`"));
        return Ok(None);
    }
    // The list is parsed as a `MetaList` of its own rather than with
    // `ParseNestedMeta::parse_nested_meta`: a syntax error inside the parentheses then stays
    // inside them, and the keys after the list are still read.
    let group: proc_macro2::Group = meta.input.parse()?;
    let list = MetaList {
        path: meta.path.clone(),
        delimiter: MacroDelimiter::Paren(Paren {
            span: group.delim_span(),
        }),
        tokens: group.stream(),
    };
    match list.parse_nested_meta(each) {
        Ok(()) => Ok(Some(true)),
        Err(err) => {
            cx.syn_error(err);
            Ok(Some(false))
        }
    }
}

fn check_nonempty(value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Err("must not be empty".to_owned());
    }
    Ok(())
}

/// CloudFormation logical IDs and property names are ASCII alphanumeric.
fn check_alphanumeric(value: &str) -> Result<(), String> {
    if value.is_empty() || !value.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(format!(
            "\"{}\" is not an ASCII alphanumeric CloudFormation name",
            value.escape_debug()
        ));
    }
    Ok(())
}

/// `Service::Module::Type` (or `Custom::Name`): `::`-separated alphanumeric parts.
fn check_resource(value: &str) -> Result<(), String> {
    let parts: Vec<&str> = value.split("::").collect();
    if parts.len() < 2
        || parts
            .iter()
            .any(|part| part.is_empty() || !part.chars().all(|c| c.is_ascii_alphanumeric()))
    {
        return Err(format!(
            "\"{}\" is not a CloudFormation resource type such as \"AWS::Lambda::EventSourceMapping\"",
            value.escape_debug()
        ));
    }
    Ok(())
}

/// A dotted path of property names under `Properties`, e.g. `FilterCriteria.Filters`.
fn check_property(value: &str) -> Result<(), String> {
    if value
        .split('.')
        .any(|part| part.is_empty() || !part.chars().all(|c| c.is_ascii_alphanumeric()))
    {
        return Err(format!(
            "\"{}\" is not a dotted CloudFormation property path such as \"FilterCriteria.Filters\"",
            value.escape_debug()
        ));
    }
    Ok(())
}

/// `rename = "a:To,a.b:To,list[]:Attr,scalar=:Wrap,dropped:"`: comma-separated rules, each a
/// dotted config path, an optional `[]` (wrap each list item) or `=` (wrap a scalar), a colon
/// and the CloudFormation name (empty: drop the key).
pub fn parse_renames(text: &str) -> Result<Vec<RenameRule>, String> {
    text.split(',')
        .map(str::trim)
        .map(|rule| {
            let (from, to) = rule
                .split_once(':')
                .ok_or_else(|| format!("rule \"{}\" has no `:`", rule.escape_debug()))?;
            let (from, kind) = if let Some(from) = from.strip_suffix("[]") {
                (from, RenameKind::WrapItems)
            } else if let Some(from) = from.strip_suffix('=') {
                (from, RenameKind::WrapScalar)
            } else {
                (from, RenameKind::Key)
            };
            let path: Vec<String> = from.split('.').map(str::to_owned).collect();
            if path
                .iter()
                .any(|part| part.is_empty() || !part.chars().all(|c| c.is_ascii_alphanumeric()))
            {
                return Err(format!(
                    "\"{}\" is not a dotted config path",
                    from.escape_debug()
                ));
            }
            if !to.chars().all(|c| c.is_ascii_alphanumeric())
                || (to.is_empty() && kind != RenameKind::Key)
            {
                return Err(format!(
                    "\"{}\" is not a CloudFormation name",
                    to.escape_debug()
                ));
            }
            Ok(RenameRule {
                path,
                kind,
                to: to.to_owned(),
            })
        })
        .collect()
}
