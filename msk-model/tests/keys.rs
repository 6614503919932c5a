//! The `KEY_<FIELD>` constants the derives generate are the keys a config really has: for each
//! type the compiler reads by key, the constants are exactly the property names of the type's
//! JSON Schema (schemars' reading of the same serde attributes), so code addressing the config
//! through them can never ask for a key that does not exist.

use std::collections::BTreeSet;

use msk_model::{
    AccessConfig, Destinations, MskEvent, PollerConfig, SchemaRegistry, TypedDestination,
};
use schemars::JsonSchema;

/// The property names of `T`'s JSON Schema.
fn schema_keys<T: JsonSchema>() -> BTreeSet<String> {
    let schema = schemars::schema_for!(T).to_value();
    schema
        .get("properties")
        .and_then(|properties| properties.as_object())
        .map(|properties| properties.keys().cloned().collect())
        .unwrap_or_default()
}

fn set(keys: &[&str]) -> BTreeSet<String> {
    keys.iter().map(|key| (*key).to_owned()).collect()
}

#[test]
fn nested_key_constants_are_the_schemas_properties() {
    assert_eq!(
        schema_keys::<Destinations>(),
        set(&[Destinations::KEY_ON_FAILURE])
    );
    assert_eq!(
        schema_keys::<TypedDestination>(),
        set(&[TypedDestination::KEY_ARN, TypedDestination::KEY_KIND])
    );
    assert_eq!(
        schema_keys::<SchemaRegistry>(),
        set(&[
            SchemaRegistry::KEY_URI,
            SchemaRegistry::KEY_EVENT_RECORD_FORMAT,
            SchemaRegistry::KEY_VALIDATE,
            SchemaRegistry::KEY_ACCESS_CONFIGS,
        ])
    );
    assert_eq!(
        schema_keys::<AccessConfig>(),
        set(&[AccessConfig::KEY_KIND, AccessConfig::KEY_URI])
    );
    assert_eq!(
        schema_keys::<PollerConfig>(),
        set(&[
            PollerConfig::KEY_MIN,
            PollerConfig::KEY_MAX,
            PollerConfig::KEY_GROUP
        ])
    );
}

#[test]
fn the_event_keys_the_compiler_reads_are_schema_properties() {
    let keys = schema_keys::<MskEvent>();
    for key in [
        MskEvent::KEY_ARN,
        MskEvent::KEY_TOPIC,
        MskEvent::KEY_CONSUMER_GROUP_ID,
        MskEvent::KEY_DESTINATIONS,
        MskEvent::KEY_SCHEMA_REGISTRY,
        MskEvent::KEY_SASL_SCRAM512,
        MskEvent::KEY_KMS_KEY_ARN,
    ] {
        assert!(
            keys.contains(key),
            "`{key}` is not a key of the msk event: {keys:?}"
        );
    }
    assert_eq!(MskEvent::KEY_CONSUMER_GROUP_ID, "consumerGroupId");
}
