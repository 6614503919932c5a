//! Checks that need more than one key or more than one field: required keys, keys that only
//! make sense together, numbers and properties that must be unique, and rule keys that must name
//! fields. Each error points at the offending key or literal; all are reported in one pass.

use std::collections::HashMap;

use proc_macro2::TokenStream;
use quote::ToTokens;

use crate::ast::{Container, Field};
use crate::attr::{self, Presence};
use crate::ctxt::Ctxt;
use crate::parse::{Seen, Spanned};
use crate::rule::{RuleAttr, TESTS, TestKind};
use crate::symbol::*;

pub fn check(cx: &Ctxt, cont: &Container) {
    check_container_keys(cx, cont);
    for field in &cont.fields {
        if let Some(attrs) = &field.attrs {
            check_field(cx, field, attrs);
        }
    }
    check_unique_orders(cx, cont);
    check_unique_id_parts(cx, cont);
    check_single_iam_resource(cx, cont);
    check_property_overlap(cx, cont);
    check_rule_keys(cx, cont);
}

/// Reports the `required` keys (with whether each has a value) that the attribute list at `at`
/// lacks, in one error, unless the user already has an error there that may explain it.
fn require(cx: &Ctxt, seen: &Seen, at: &dyn ToTokens, required: &[(Symbol, bool)]) {
    let missing: Vec<Symbol> = required
        .iter()
        .filter(|(key, present)| !present && seen.lacks(*key))
        .map(|(key, _)| *key)
        .collect();
    let msg = match missing.as_slice() {
        [] => return,
        [key] => format!("missing cfn attribute `{}`", usage(*key)),
        keys => format!("missing cfn attributes {}", all_of(keys)),
    };
    cx.error_spanned_by(at, msg);
}

/// How a required key is written, for "missing" errors.
fn usage(key: Symbol) -> String {
    if key == ORDER {
        format!("{key} = N")
    } else if key == CODE {
        format!("{key} = Code::...")
    } else if key == PRESENCE {
        format!("{key} = \"always\" | \"not_null\" | \"truthy\"")
    } else {
        format!("{key} = \"...\"")
    }
}

fn check_container_keys(cx: &Ctxt, cont: &Container) {
    let attrs = &cont.attrs;
    // Without any `#[cfn]` on the container, the struct name is the closest token.
    let at: &dyn ToTokens = match &attrs.cfn {
        Some(cfn) => cfn,
        None => cont.ident,
    };
    let required = [
        (RESOURCE, attrs.resource.is_some()),
        (LOGICAL_ID, attrs.logical_id.is_some()),
    ];
    require(cx, &attrs.seen, at, &required);
    for slot in &attrs.slots {
        let required = [(NAME, slot.name.is_some()), (ORDER, slot.order.is_some())];
        require(cx, &slot.seen, &slot.path, &required);
    }
    for rule in &attrs.rules {
        check_rule(cx, rule);
    }
}

fn check_rule(cx: &Ctxt, rule: &RuleAttr) {
    let Some(test) = &rule.test else {
        if rule.seen.lacks(TEST) {
            cx.error_spanned_by(
                &rule.path,
                format!(
                    "missing the rule's test, one of {}",
                    one_of(&TESTS.iter().map(|(name, ..)| *name).collect::<Vec<_>>())
                ),
            );
        }
        return;
    };
    // A rule about a CloudFormation constraint has a message and help made from the constraint;
    // any other rule says what is wrong itself.
    let required = [
        (CODE, rule.code.is_some()),
        (
            MESSAGE,
            rule.message.is_some()
                || rule.cloudformation.is_some()
                || !rule.seen.lacks(CLOUDFORMATION),
        ),
    ];
    require(cx, &rule.seen, &rule.path, &required);
    let (name, _, needed, optional) = TESTS
        .iter()
        .find(|(_, kind, ..)| *kind == test.kind)
        .expect("every test kind is in TESTS");
    let required: Vec<(Symbol, bool)> = needed
        .iter()
        .map(|key| (*key, test.args.has(*key)))
        .collect();
    require(cx, &test.seen, &test.path, &required);
    let allowed = |key: Symbol| needed.contains(&key) || optional.contains(&key);
    for key in [
        FIELD, OTHER, REQUIRES, EQUALS, PREFIX, PATTERN, MIN, MAX, IS, VALUES,
    ] {
        if let (false, Some(path)) = (allowed(key), test.args.key_path(key)) {
            let keys: Vec<Symbol> = needed.iter().chain(optional.iter()).copied().collect();
            cx.error_spanned_by(
                path,
                format!("`{name}` takes no `{key}`; it takes {}", all_of(&keys)),
            );
        }
    }
    let args = &test.args;
    if let (Some(equals), Some(_)) = (&args.equals, &args.prefix)
        && test.kind == TestKind::Requires
    {
        cx.error_spanned_by(
            &equals.key,
            "`requires` triggers on `equals` or on `prefix`, not both",
        );
    }
    if matches!(
        test.kind,
        TestKind::Length | TestKind::Range | TestKind::Items
    ) && args.min.is_none()
        && args.max.is_none()
        && test.seen.lacks(MIN)
        && test.seen.lacks(MAX)
    {
        cx.error_spanned_by(&test.path, format!("`{name}` needs `min`, `max` or both"));
    }
    // Lengths and counts are whole and not negative.
    if matches!(
        test.kind,
        TestKind::Length | TestKind::JsonLength | TestKind::Items
    ) {
        for bound in [&args.min, &args.max].into_iter().flatten() {
            if !bound.value.whole || bound.value.value < 0.0 {
                cx.error_spanned_by(
                    &bound.lit,
                    format!("`{name}` counts: its bounds are whole numbers, 0 or more"),
                );
            }
        }
    }
    if let (Some(min), Some(max)) = (&args.min, &args.max)
        && min.value.value > max.value.value
    {
        cx.error_spanned_by(&min.lit, "`min` is greater than `max`");
    }
}

fn check_field(cx: &Ctxt, field: &Field, attrs: &attr::Field) {
    if field.keyless {
        cx.error_spanned_by(
            &attrs.cfn,
            "serde skips or flattens this field, so it has no config key to map",
        );
    }

    // A field with only `profile`, `grant` and `code` is a key without a property of its own
    // (what it means goes into the role's policy); any mapping key, or none at all, makes it a
    // mapped field.
    let key_only = attrs.profile.is_some() || attrs.grant.is_some() || attrs.code.is_some();
    let mapped = !key_only
        || attrs.property.is_some()
        || attrs.order.is_some()
        || attrs.presence.is_some()
        || attrs.default.is_some()
        || attrs.shape.is_some()
        || attrs.source_access.is_some()
        || attrs.id_part.is_some()
        || attrs.iam_resource.is_some()
        || attrs.rename.is_some();
    if mapped {
        let required = [
            (PROPERTY, attrs.property.is_some()),
            (ORDER, attrs.order.is_some()),
            (PRESENCE, attrs.presence.is_some()),
        ];
        require(cx, &attrs.seen, &attrs.cfn, &required);
    }

    let is_object = attrs
        .shape
        .as_ref()
        .is_some_and(|shape| matches!(shape.value, attr::Shape::Object | attr::Shape::Picked));
    if let (Some(rename), false) = (&attrs.rename, is_object) {
        cx.error_spanned_by(&rename.key, "`rename` needs `shape = \"object\"`");
    }
    if let (Some(shape), true, true) = (&attrs.shape, is_object, attrs.seen.lacks(RENAME)) {
        let name = if shape.value == attr::Shape::Picked {
            "picked"
        } else {
            "object"
        };
        cx.error_spanned_by(
            &shape.lit,
            format!("`shape = \"{name}\"` needs `rename = \"...\"`"),
        );
    }

    // Serverless applies a default as `value || default` and then always writes the property;
    // with any other presence the default would never be seen.
    if let (Some(default), Some(presence)) = (&attrs.default, &attrs.presence)
        && presence.value != Presence::Always
    {
        cx.error_spanned_by(
            &default.key,
            "`default` needs `presence = \"always\"`: a defaulted property is always written",
        );
    }

    if let (Some(shape), Some(_)) = (&attrs.shape, &attrs.source_access) {
        cx.error_spanned_by(
            &shape.key,
            "`shape` cannot be combined with `source_access`, which already sets the shape",
        );
    }

    if let (Some(id_token), None) = (&attrs.id_token, &attrs.id_part) {
        cx.error_spanned_by(
            &id_token.key,
            "`id_token` needs `id_part = N`: it only says how an ID part is taken from the value",
        );
    }
}

/// `field `name``, for naming the other party of a conflict.
fn describe_field(field: &Field) -> String {
    match &field.original.ident {
        Some(ident) => format!("field `{ident}`"),
        None => "another field".to_owned(),
    }
}

/// Reports every number of `entries` (in declaration order) that an earlier entry already took.
fn check_unique_numbers<'a>(
    cx: &Ctxt,
    key: Symbol,
    entries: impl IntoIterator<Item = (&'a Spanned<u32>, String)>,
) {
    let mut taken: HashMap<u32, String> = HashMap::new();
    for (number, owner) in entries {
        if let Some(first) = taken.get(&number.value) {
            let msg = format!("{key} {} is already taken by {first}", number.value);
            cx.error_spanned_by(&number.lit, msg);
        } else {
            taken.insert(number.value, owner);
        }
    }
}

/// Orders are positions in `PROPERTIES`, shared by slots and fields.
fn check_unique_orders(cx: &Ctxt, cont: &Container) {
    // Slots are written on the container, before any field, so they come first.
    let slots = cont.attrs.slots.iter().filter_map(|slot| {
        let owner = match &slot.name {
            Some(name) => format!("slot `{}`", name.value),
            None => "a slot".to_owned(),
        };
        Some((slot.order.as_ref()?, owner))
    });
    let fields = mapped(cont)
        .filter_map(|(field, attrs)| Some((attrs.order.as_ref()?, describe_field(field))));
    check_unique_numbers(cx, ORDER, slots.chain(fields));
}

fn check_unique_id_parts(cx: &Ctxt, cont: &Container) {
    let parts = mapped(cont)
        .filter_map(|(field, attrs)| Some((attrs.id_part.as_ref()?, describe_field(field))));
    check_unique_numbers(cx, ID_PART, parts);
}

/// `IAM_RESOURCE_KEY` is a single key.
fn check_single_iam_resource(cx: &Ctxt, cont: &Container) {
    let mut first = None;
    for (field, attrs) in mapped(cont) {
        let Some(flag) = &attrs.iam_resource else {
            continue;
        };
        match &first {
            None => first = Some(describe_field(field)),
            Some(first) => cx.error_spanned_by(
                &flag.key,
                format!("only one field can be `iam_resource`, and {first} already is"),
            ),
        }
    }
}

/// Two entries writing the same property, or one writing inside the other (`A` and `A.B`),
/// would overwrite each other in the output.
fn check_property_overlap(cx: &Ctxt, cont: &Container) {
    let slots = cont.attrs.slots.iter().filter_map(|slot| {
        let name = slot.name.as_ref()?;
        Some((
            vec![name.value.clone()],
            &name.lit,
            format!("slot `{}`", name.value),
            "",
        ))
    });
    let fields = mapped(cont).filter_map(|(field, attrs)| {
        let property = attrs.property.as_ref()?;
        Some((
            property.value.clone(),
            &property.lit,
            describe_field(field),
            field.key.as_str(),
        ))
    });
    // Two keys that a `conflicts` check makes exclusive may write the same property (one
    // profile's spelling of another's, such as osls' `provisionedPollerConfig` beside
    // `provisionedPollers`): the check's error keeps both from being written.
    let exclusive = |one: &str, other: &str| {
        cont.attrs
            .rules
            .iter()
            .filter_map(|rule| rule.test.as_ref())
            .any(|test| {
                let keys = [&test.args.field, &test.args.other];
                let names = |key: &str| {
                    keys.iter()
                        .copied()
                        .flatten()
                        .any(|named| named.value == key)
                };
                test.kind == TestKind::Conflicts && names(one) && names(other)
            })
    };
    // Two `source_access` fields write entries of the same list; the model's rules make them
    // exclusive, so the list never has both.
    let shared: Vec<Vec<String>> = mapped(cont)
        .filter(|(_, attrs)| attrs.source_access.is_some())
        .filter_map(|(_, attrs)| Some(attrs.property.as_ref()?.value.clone()))
        .collect();
    let mut written: Vec<(Vec<String>, &TokenStream, String, &str)> = Vec::new();
    for (path, lit, owner, key) in slots.chain(fields) {
        if shared.iter().filter(|other| **other == path).count() > 1 {
            written.push((path, lit, owner, key));
            continue;
        }
        let overlap = written.iter().find(|(other, _, _, other_key)| {
            let shorter = path.len().min(other.len());
            path[..shorter] == other[..shorter] && !(*other == path && exclusive(key, other_key))
        });
        if let Some((other, _, other_owner, _)) = overlap {
            let msg = if *other == path {
                format!(
                    "property `{}` is already written by {other_owner}",
                    path.join(".")
                )
            } else {
                format!(
                    "property `{}` overlaps `{}`, written by {other_owner}",
                    path.join("."),
                    other.join(".")
                )
            };
            cx.error_spanned_by(lit, msg);
        } else {
            written.push((path, lit, owner, key));
        }
    }
}

/// The config paths of the rules start with a config key of the struct (the keys below it are
/// the nested types', which this derive does not see).
fn check_rule_keys(cx: &Ctxt, cont: &Container) {
    for rule in &cont.attrs.rules {
        let Some(test) = &rule.test else {
            continue;
        };
        for path in test.args.paths() {
            let first = path.value.split('.').next().unwrap_or_default();
            let key = first.strip_suffix("[]").unwrap_or(first);
            if cont
                .fields
                .iter()
                .any(|field| !field.keyless && field.key == key)
            {
                continue;
            }
            let mut msg = format!(
                "`{}` names no config key of `{}`",
                key.escape_debug(),
                cont.ident
            );
            // The Rust field name is the likeliest slip when serde renames fields.
            let renamed = cont.fields.iter().find(|field| {
                !field.keyless
                    && field
                        .original
                        .ident
                        .as_ref()
                        .is_some_and(|ident| ident == key)
            });
            if let Some(field) = renamed {
                msg.push_str(&format!(
                    "; rules use serde's names: did you mean `{}`?",
                    field.key
                ));
            }
            cx.error_spanned_by(&path.lit, msg);
        }
    }
}

/// The fields that have `#[cfn]`, with their attributes.
fn mapped<'c, 'a>(
    cont: &'c Container<'a>,
) -> impl Iterator<Item = (&'c Field<'a>, &'c attr::Field)> {
    cont.fields
        .iter()
        .filter_map(|field| Some((field, field.attrs.as_ref()?)))
}
