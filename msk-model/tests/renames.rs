//! The `rename = "…"` rules of `shape = "object"` fields name keys their nested types have.
//! A rule is matched by path while the compiler renames, so a misspelt path would silently
//! rename nothing; here every path is looked up in the field's JSON Schema (the nested type's
//! own serde names, through `anyOf` branches and list items, as the compiler sees lists).

use msk_model::{CfnMapping, CfnProperty, MskEvent, Shape};
use serde_json::Value;

/// `schema` with a `$ref` into `root`'s definitions followed.
fn resolved<'a>(schema: &'a Value, root: &'a Value) -> &'a Value {
    let Some(reference) = schema.get("$ref").and_then(Value::as_str) else {
        return schema;
    };
    let name = reference
        .strip_prefix("#/$defs/")
        .or_else(|| reference.strip_prefix("#/definitions/"))
        .unwrap_or(reference);
    ["$defs", "definitions"]
        .iter()
        .find_map(|defs| root.get(*defs).and_then(|defs| defs.get(name)))
        .map_or(schema, |target| resolved(target, root))
}

/// The schemas a value at `schema` may have: the schema, its branches and its items.
fn alternatives<'a>(schema: &'a Value, root: &'a Value, out: &mut Vec<&'a Value>) {
    let schema = resolved(schema, root);
    out.push(schema);
    for keyword in ["anyOf", "oneOf", "allOf"] {
        for branch in schema
            .get(keyword)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            alternatives(branch, root, out);
        }
    }
    if let Some(items) = schema.get("items") {
        alternatives(items, root, out);
    }
}

/// Whether some value valid under `schema` can have a key at `path`.
fn has_path(schema: &Value, root: &Value, path: &[&str]) -> bool {
    let Some((first, rest)) = path.split_first() else {
        return true;
    };
    let mut candidates = Vec::new();
    alternatives(schema, root, &mut candidates);
    candidates.iter().any(|candidate| {
        candidate
            .get("properties")
            .and_then(|properties| properties.get(*first))
            .is_some_and(|child| has_path(child, root, rest))
    })
}

#[test]
fn every_rename_path_is_a_key_of_the_nested_type() {
    let root = schemars::schema_for!(MskEvent).to_value();
    let properties = &root["properties"];
    let mut checked = 0;
    for property in MskEvent::PROPERTIES {
        let CfnProperty::Field(field) = property else {
            continue;
        };
        let Shape::Object { renames } = field.shape else {
            continue;
        };
        let schema = &properties[field.key];
        assert!(!schema.is_null(), "no schema for `{}`", field.key);
        for rename in renames {
            assert!(
                has_path(schema, &root, rename.path),
                "`{}`: the rename rule at `{}` names no key of the nested type",
                field.key,
                rename.path.join(".")
            );
            checked += 1;
        }
        // The walk can fail: a path that is no key is refused.
        assert!(!has_path(schema, &root, &["noSuchKey"]));
    }
    assert!(checked >= 10, "{checked} rules checked");
}
