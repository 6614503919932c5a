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

use syn::meta::ParseNestedMeta;
use syn::{Attribute, Path};

use crate::ctxt::Ctxt;
use crate::parse::{
    Attr, PROFILES, Profile, Seen, Spanned, parse_choice, parse_flag, parse_list, parse_path,
    parse_str, parse_u32,
};
use crate::rule::{RuleAttr, parse_rules};
use crate::symbol::*;

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
