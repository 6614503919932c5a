//! The building blocks of `#[cfn(...)]` parsing that the field and container attributes
//! (`attr.rs`) and the rules (`rule.rs`) share: a value with its tokens, the keys a list wrote,
//! one single-valued key, and the readers of `key = value` and `key(...)`. Like the rest of the
//! parsing, nothing here fails: bad values are reported to the [`Ctxt`] and parsing goes on.

use proc_macro2::{TokenStream, TokenTree};
use quote::{ToTokens, quote};
use syn::meta::ParseNestedMeta;
use syn::parse::{Parse, ParseStream};
use syn::token::Paren;
use syn::{LitInt, LitStr, MacroDelimiter, MetaList, Path, Token};

use crate::ctxt::Ctxt;
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

/// The profile of a key or check (mirrors `msk_model::Profile`).
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum Profile {
    ServerlessV3,
    Osls,
    Extended,
}

pub const PROFILES: &[(&str, Profile)] = &[
    ("serverless_v3", Profile::ServerlessV3),
    ("osls", Profile::Osls),
    ("extended", Profile::Extended),
];

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
pub fn parse_u32(
    cx: &Ctxt,
    meta: &ParseNestedMeta,
    key: Symbol,
) -> syn::Result<Option<Spanned<u32>>> {
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
pub fn parse_flag(
    cx: &Ctxt,
    meta: &ParseNestedMeta,
    key: Symbol,
) -> syn::Result<Option<Spanned<()>>> {
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
