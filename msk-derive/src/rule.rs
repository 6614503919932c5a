//! Parsing of the typed rules of a container: `rule(<test>(...), code = ..., message = ...)` and
//! the group form `rules(<shared keys>, rule(...), rule(...))`, whose members inherit every key
//! they do not write (the test's own keys included). Each test key is parsed into its type here
//! (a pattern must compile, a bound must be a number); whether a test has the keys it needs and
//! whether its paths name config keys is judged in `check.rs`.

use proc_macro2::{Delimiter, TokenTree};
use syn::meta::ParseNestedMeta;
use syn::{LitFloat, LitInt, LitStr, Path};

use crate::ctxt::Ctxt;
use crate::parse::{
    Attr, PROFILES, Profile, Seen, Spanned, parse_choice, parse_list, parse_path, parse_str,
    take_to_comma,
};
use crate::symbol::*;

/// What a rule tests (mirrors `msk_model::Test`).
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum TestKind {
    RequiredWhen,
    Requires,
    Conflicts,
    NotGreater,
    Differs,
    Matches,
    Length,
    JsonLength,
    Range,
    Type,
    OneOf,
    Items,
    Unique,
}

/// Each test: its keyword, the keys it must have and the keys it may have.
pub const TESTS: &[(Symbol, TestKind, &[Symbol], &[Symbol])] = &[
    (
        REQUIRED_WHEN,
        TestKind::RequiredWhen,
        &[FIELD, EQUALS, REQUIRES],
        &[],
    ),
    (
        REQUIRES,
        TestKind::Requires,
        &[FIELD, OTHER],
        &[EQUALS, PREFIX],
    ),
    (CONFLICTS, TestKind::Conflicts, &[FIELD, OTHER], &[]),
    (NOT_GREATER, TestKind::NotGreater, &[FIELD, OTHER], &[]),
    (DIFFERS, TestKind::Differs, &[FIELD, OTHER, PREFIX], &[]),
    (MATCHES, TestKind::Matches, &[FIELD, PATTERN], &[]),
    (LENGTH, TestKind::Length, &[FIELD], &[MIN, MAX]),
    (JSON_LENGTH, TestKind::JsonLength, &[FIELD, MAX], &[]),
    (RANGE, TestKind::Range, &[FIELD], &[MIN, MAX]),
    (TYPE_IS, TestKind::Type, &[FIELD, IS], &[]),
    (ONE_OF, TestKind::OneOf, &[FIELD, VALUES], &[]),
    (ITEMS, TestKind::Items, &[FIELD], &[MIN, MAX]),
    (UNIQUE, TestKind::Unique, &[FIELD], &[]),
];

const TEST_KEYS: &[Symbol] = &[
    FIELD, OTHER, REQUIRES, EQUALS, PREFIX, PATTERN, MIN, MAX, IS, VALUES,
];
const RULE_KEYS: &[Symbol] = &[CODE, MESSAGE, HELP, PROFILE, CLOUDFORMATION];

/// A JSON type of `type_is(is = ...)` (mirrors `msk_model::JsonType`).
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum JsonType {
    String,
    Integer,
    Number,
    Boolean,
}

const JSON_TYPES: &[(&str, JsonType)] = &[
    ("string", JsonType::String),
    ("integer", JsonType::Integer),
    ("number", JsonType::Number),
    ("boolean", JsonType::Boolean),
];

/// A bound as written: its value, and whether it is a whole number.
#[derive(Copy, Clone, Debug)]
pub struct Number {
    pub value: f64,
    pub whole: bool,
}

/// The keys of one test, as written (a group's and a member's are merged key by key).
#[derive(Default)]
pub struct TestArgs {
    pub field: Option<Spanned<String>>,
    pub other: Option<Spanned<String>>,
    pub requires: Option<Spanned<String>>,
    pub equals: Option<Spanned<String>>,
    pub prefix: Option<Spanned<String>>,
    pub pattern: Option<Spanned<String>>,
    pub min: Option<Spanned<Number>>,
    pub max: Option<Spanned<Number>>,
    pub is: Option<Spanned<JsonType>>,
    pub values: Option<Spanned<Vec<String>>>,
}

impl TestArgs {
    /// Whether the key `key` has a value.
    pub fn has(&self, key: Symbol) -> bool {
        [
            (FIELD, self.field.is_some()),
            (OTHER, self.other.is_some()),
            (REQUIRES, self.requires.is_some()),
            (EQUALS, self.equals.is_some()),
            (PREFIX, self.prefix.is_some()),
            (PATTERN, self.pattern.is_some()),
            (MIN, self.min.is_some()),
            (MAX, self.max.is_some()),
            (IS, self.is.is_some()),
            (VALUES, self.values.is_some()),
        ]
        .iter()
        .any(|(name, present)| *name == key && *present)
    }

    /// The written key `key`'s tokens, for pointing at it.
    pub fn key_path(&self, key: Symbol) -> Option<&Path> {
        let strings = [
            (FIELD, &self.field),
            (OTHER, &self.other),
            (REQUIRES, &self.requires),
            (EQUALS, &self.equals),
            (PREFIX, &self.prefix),
            (PATTERN, &self.pattern),
        ];
        if let Some((_, value)) = strings.iter().find(|(name, _)| *name == key) {
            return value.as_ref().map(|value| &value.key);
        }
        match key {
            key if key == MIN => self.min.as_ref().map(|value| &value.key),
            key if key == MAX => self.max.as_ref().map(|value| &value.key),
            key if key == IS => self.is.as_ref().map(|value| &value.key),
            _ => self.values.as_ref().map(|value| &value.key),
        }
    }

    /// The config paths the test names, for `check.rs` to look up.
    pub fn paths(&self) -> impl Iterator<Item = &Spanned<String>> {
        [&self.field, &self.other, &self.requires]
            .into_iter()
            .flatten()
    }

    /// `self`'s keys, each taken from `defaults` where `self` lacks it.
    fn inherit(self, defaults: &TestArgs) -> TestArgs {
        TestArgs {
            field: self.field.or_else(|| defaults.field.clone()),
            other: self.other.or_else(|| defaults.other.clone()),
            requires: self.requires.or_else(|| defaults.requires.clone()),
            equals: self.equals.or_else(|| defaults.equals.clone()),
            prefix: self.prefix.or_else(|| defaults.prefix.clone()),
            pattern: self.pattern.or_else(|| defaults.pattern.clone()),
            min: self.min.or_else(|| defaults.min.clone()),
            max: self.max.or_else(|| defaults.max.clone()),
            is: self.is.or_else(|| defaults.is.clone()),
            values: self.values.or_else(|| defaults.values.clone()),
        }
    }
}

/// `<test>(...)` inside a rule.
pub struct TestAttr {
    /// The test keyword (`requires`), where "missing key" errors point.
    pub path: Path,
    pub kind: TestKind,
    pub args: TestArgs,
    pub seen: Seen,
}

/// One rule, a group's keys already inherited.
pub struct RuleAttr {
    /// The `rule` keyword, where "missing key" errors point.
    pub path: Path,
    pub test: Option<TestAttr>,
    /// A path to a `msk_model::Code` variant.
    pub code: Option<Spanned<Path>>,
    pub message: Option<Spanned<String>>,
    pub help: Option<Spanned<String>>,
    pub profile: Option<Spanned<Profile>>,
    /// The CloudFormation property whose schema constraint the rule enforces.
    pub cloudformation: Option<Spanned<String>>,
    pub seen: Seen,
}

impl RuleAttr {
    /// `self` with every key it lacks taken from the group `defaults`.
    fn inherit(self, defaults: &RuleAttr) -> RuleAttr {
        let test = match (self.test, &defaults.test) {
            (Some(test), Some(shared)) if test.kind == shared.kind => Some(TestAttr {
                args: test.args.inherit(&shared.args),
                seen: test.seen.merged(&shared.seen),
                ..test
            }),
            (Some(test), _) => Some(test),
            (None, Some(shared)) => Some(TestAttr {
                path: shared.path.clone(),
                kind: shared.kind,
                args: TestArgs::default().inherit(&shared.args),
                seen: shared.seen.clone(),
            }),
            (None, None) => None,
        };
        RuleAttr {
            path: self.path,
            test,
            code: self.code.or_else(|| defaults.code.clone()),
            message: self.message.or_else(|| defaults.message.clone()),
            help: self.help.or_else(|| defaults.help.clone()),
            profile: self.profile.or_else(|| defaults.profile.clone()),
            cloudformation: self
                .cloudformation
                .or_else(|| defaults.cloudformation.clone()),
            seen: self.seen.merged(&defaults.seen),
        }
    }
}

/// Reads `rule(...)` (with `group` false) or `rules(...)` (with `group` true) and appends the
/// rules it declares to `rules`.
pub fn parse_rules(
    cx: &Ctxt,
    meta: &ParseNestedMeta,
    group: bool,
    rules: &mut Vec<RuleAttr>,
) -> syn::Result<()> {
    let mut members = Vec::new();
    let usage = if group {
        "rules(<test>(...), code = Code::..., rule(...), rule(...))"
    } else {
        "rule(<test>(...), code = Code::..., message = \"...\")"
    };
    let own = parse_rule(cx, meta, usage, group.then_some(&mut members))?;
    let Some(own) = own else {
        return Ok(());
    };
    if !group {
        rules.push(own);
        return Ok(());
    }
    if members.is_empty() {
        cx.error_spanned_by(&meta.path, "`rules(...)` declares no `rule(...)`");
    }
    rules.extend(members.into_iter().map(|member| member.inherit(&own)));
    Ok(())
}

/// One rule list; with `members`, a group whose `rule(...)` entries are collected there.
fn parse_rule(
    cx: &Ctxt,
    meta: &ParseNestedMeta,
    usage: &str,
    mut members: Option<&mut Vec<RuleAttr>>,
) -> syn::Result<Option<RuleAttr>> {
    let mut test: Attr<TestAttr> = Attr::none(cx, TEST);
    let mut code = Attr::none(cx, CODE);
    let mut message = Attr::none(cx, MESSAGE);
    let mut help = Attr::none(cx, HELP);
    let mut profile = Attr::none(cx, PROFILE);
    let mut cloudformation = Attr::none(cx, CLOUDFORMATION);
    let mut seen = Seen::default();
    let tests: Vec<Symbol> = TESTS.iter().map(|(name, ..)| *name).collect();
    let mut keys: Vec<Symbol> = RULE_KEYS.to_vec();
    keys.extend(&tests);
    if members.is_some() {
        keys.push(RULE);
    }
    let place = if members.is_some() { "rules" } else { "rule" };
    let parsed = parse_list(cx, meta, usage, |meta| {
        let Some(key) = seen.key(cx, &meta, &keys, place)? else {
            return Ok(());
        };
        if key == RULE {
            let member_usage = "rule(<test>(...), message = \"...\")";
            if let (Some(rule), Some(members)) =
                (parse_rule(cx, &meta, member_usage, None)?, members.as_mut())
            {
                members.push(rule);
            }
        } else if key == CODE {
            code.set(&meta.path, parse_path(cx, &meta, key)?);
        } else if key == PROFILE {
            profile.set(&meta.path, parse_choice(cx, &meta, key, PROFILES)?);
        } else if key == CLOUDFORMATION {
            let value = parse_str(cx, &meta, key, check_cloudformation_path)?;
            cloudformation.set(&meta.path, value);
        } else if key == MESSAGE {
            message.set(&meta.path, parse_str(cx, &meta, key, |_| Ok(()))?);
        } else if key == HELP {
            help.set(&meta.path, parse_str(cx, &meta, key, |_| Ok(()))?);
        } else {
            let parsed = parse_test(cx, &meta, key)?;
            // A syntax error inside the test may hide the rule's keys after it.
            seen.incomplete |= parsed.as_ref().is_none_or(|test| test.seen.incomplete);
            test.set(&meta.path, parsed);
        }
        Ok(())
    })?;
    Ok(parsed.map(|complete| {
        seen.incomplete |= !complete;
        RuleAttr {
            path: meta.path.clone(),
            test: test.get(),
            code: code.get(),
            message: message.get(),
            help: help.get(),
            profile: profile.get(),
            cloudformation: cloudformation.get(),
            seen,
        }
    }))
}

/// `<test>(key = value, ...)`, each key parsed into its type.
fn parse_test(cx: &Ctxt, meta: &ParseNestedMeta, name: Symbol) -> syn::Result<Option<TestAttr>> {
    let kind = TESTS
        .iter()
        .find(|(test, ..)| *test == name)
        .map(|(_, kind, ..)| *kind)
        .expect("a test keyword");
    let mut field = Attr::none(cx, FIELD);
    let mut other = Attr::none(cx, OTHER);
    let mut requires = Attr::none(cx, REQUIRES);
    let mut equals = Attr::none(cx, EQUALS);
    let mut prefix = Attr::none(cx, PREFIX);
    let mut pattern = Attr::none(cx, PATTERN);
    let mut min = Attr::none(cx, MIN);
    let mut max = Attr::none(cx, MAX);
    let mut is = Attr::none(cx, IS);
    let mut values = Attr::none(cx, VALUES);
    let mut seen = Seen::default();
    let usage = format!("{name}(field = \"...\", ...)");
    let parsed = parse_list(cx, meta, &usage, |meta| {
        let Some(key) = seen.key(cx, &meta, TEST_KEYS, name.as_str())? else {
            return Ok(());
        };
        if key == PATTERN {
            pattern.set(&meta.path, parse_str(cx, &meta, key, check_pattern)?);
        } else if key == MIN || key == MAX {
            let value = parse_number(cx, &meta, key)?;
            let target = if key == MIN { &mut min } else { &mut max };
            target.set(&meta.path, value);
        } else if key == IS {
            is.set(&meta.path, parse_choice(cx, &meta, key, JSON_TYPES)?);
        } else if key == VALUES {
            values.set(&meta.path, parse_strings(cx, &meta, key)?);
        } else {
            let validate = if key == FIELD || key == OTHER || key == REQUIRES {
                check_config_path
            } else {
                check_nonempty_text
            };
            let value = parse_str(cx, &meta, key, validate)?;
            let target = if key == FIELD {
                &mut field
            } else if key == OTHER {
                &mut other
            } else if key == REQUIRES {
                &mut requires
            } else if key == EQUALS {
                &mut equals
            } else {
                &mut prefix
            };
            target.set(&meta.path, value);
        }
        Ok(())
    })?;
    Ok(parsed.map(|complete| {
        seen.incomplete |= !complete;
        TestAttr {
            path: meta.path.clone(),
            kind,
            args: TestArgs {
                field: field.get(),
                other: other.get(),
                requires: requires.get(),
                equals: equals.get(),
                prefix: prefix.get(),
                pattern: pattern.get(),
                min: min.get(),
                max: max.get(),
                is: is.get(),
                values: values.get(),
            },
            seen,
        }
    }))
}

/// `key = N`, `key = -N` or `key = N.M`: a bound.
fn parse_number(
    cx: &Ctxt,
    meta: &ParseNestedMeta,
    key: Symbol,
) -> syn::Result<Option<Spanned<Number>>> {
    let expected = || format!("expected cfn attribute `{key}` to be a number: `{key} = 1`");
    if meta.input.parse::<syn::Token![=]>().is_err() {
        let rest = take_to_comma(meta.input)?;
        let path = &meta.path;
        cx.error_spanned_by(quote::quote!(#path #rest), expected());
        return Ok(None);
    }
    let tokens = take_to_comma(meta.input)?;
    let text = tokens.to_string().replace(' ', "");
    let (negative, digits) = match text.strip_prefix('-') {
        Some(digits) => (true, digits.to_owned()),
        None => (false, text.clone()),
    };
    let number = syn::parse_str::<LitInt>(&digits)
        .ok()
        .and_then(|lit| {
            lit.base10_parse::<u64>()
                .ok()
                .map(|value| (value as f64, true))
        })
        .or_else(|| {
            syn::parse_str::<LitFloat>(&digits)
                .ok()
                .and_then(|lit| lit.base10_parse::<f64>().ok().map(|value| (value, false)))
        });
    match number {
        Some((value, whole)) if value.is_finite() => Ok(Some(Spanned {
            value: Number {
                value: if negative { -value } else { value },
                whole,
            },
            key: meta.path.clone(),
            lit: tokens,
        })),
        _ => {
            cx.error_spanned_by(&tokens, expected());
            Ok(None)
        }
    }
}

/// `key = ["a", "b"]`: a non-empty list of strings.
fn parse_strings(
    cx: &Ctxt,
    meta: &ParseNestedMeta,
    key: Symbol,
) -> syn::Result<Option<Spanned<Vec<String>>>> {
    let expected = || {
        format!("expected cfn attribute `{key}` to be a list of strings: `{key} = [\"A\", \"B\"]`")
    };
    if meta.input.parse::<syn::Token![=]>().is_err() {
        let rest = take_to_comma(meta.input)?;
        let path = &meta.path;
        cx.error_spanned_by(quote::quote!(#path #rest), expected());
        return Ok(None);
    }
    let tokens = take_to_comma(meta.input)?;
    let mut trees = tokens.clone().into_iter();
    let (Some(TokenTree::Group(group)), None) = (trees.next(), trees.next()) else {
        cx.error_spanned_by(&tokens, expected());
        return Ok(None);
    };
    if group.delimiter() != Delimiter::Bracket {
        cx.error_spanned_by(&tokens, expected());
        return Ok(None);
    }
    let parser = syn::punctuated::Punctuated::<LitStr, syn::Token![,]>::parse_terminated;
    match syn::parse::Parser::parse2(parser, group.stream()) {
        Ok(items) if !items.is_empty() => Ok(Some(Spanned {
            value: items.iter().map(LitStr::value).collect(),
            key: meta.path.clone(),
            lit: tokens,
        })),
        _ => {
            cx.error_spanned_by(&tokens, expected());
            Ok(None)
        }
    }
}

/// A regular expression the compiler's `regex` crate accepts.
fn check_pattern(pattern: &str) -> Result<(), String> {
    regex::Regex::new(pattern)
        .map(|_| ())
        .map_err(|error| format!("not a regular expression: {}", one_line(&error.to_string())))
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A dotted path of config keys, each optionally followed by `[]` (each item of a list).
fn check_config_path(path: &str) -> Result<(), String> {
    check_dotted_path(
        path,
        |c| c.is_ascii_alphanumeric() || c == '_',
        "a dotted config path",
        "\"provisionedPollers.min\" or \"filterPatterns[]\"",
    )
}

/// A CloudFormation property path under `Properties`, with `[]` for the items of a list.
fn check_cloudformation_path(path: &str) -> Result<(), String> {
    check_dotted_path(
        path,
        |c| c.is_ascii_alphanumeric(),
        "a CloudFormation property path",
        "\"DestinationConfig.OnFailure.Destination\" or \"Topics[]\"",
    )
}

/// The one reader of both path forms: non-empty segments of `allowed` characters, each
/// optionally followed by `[]`; `what` and `examples` make the message.
fn check_dotted_path(
    path: &str,
    allowed: impl Fn(char) -> bool,
    what: &str,
    examples: &str,
) -> Result<(), String> {
    let valid = path.split('.').all(|segment| {
        let name = segment.strip_suffix("[]").unwrap_or(segment);
        !name.is_empty() && name.chars().all(&allowed)
    });
    if valid {
        Ok(())
    } else {
        Err(format!(
            "\"{}\" is not {what} such as {examples}",
            path.escape_debug()
        ))
    }
}

fn check_nonempty_text(value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Err("must not be empty".to_owned());
    }
    Ok(())
}
