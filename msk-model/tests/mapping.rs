//! The tables `#[derive(CfnMapping)]` generates, compared with what Serverless 3.40.0 does.
//!
//! The expected tables for `MskEvent` are written from Serverless' behaviour (the property order
//! of its `compileMsk` output, its `!= null` versus truthiness tests, its defaults), not from the
//! attributes in `event.rs`, so a wrong attribute there fails here.

use msk_model::{
    CfnField, CfnMapping, CfnProperty, Grant, IdPart, IdToken, MskEvent, Presence, Profile, Rename,
    RenameKind, Rule, Shape, Slot, Test, Trigger,
};
use serde::Deserialize;

fn field(
    key: &'static str,
    path: &'static [&'static str],
    presence: Presence,
    default: Option<&'static str>,
    shape: Shape,
) -> CfnProperty {
    CfnProperty::Field(CfnField {
        key,
        path,
        presence,
        default,
        shape,
        profile: Profile::ServerlessV3,
    })
}

/// A field of the extended profile.
fn extended(
    key: &'static str,
    path: &'static [&'static str],
    presence: Presence,
    shape: Shape,
) -> CfnProperty {
    CfnProperty::Field(CfnField {
        key,
        path,
        presence,
        default: None,
        shape,
        profile: Profile::Extended,
    })
}

/// A key rename of `Shape::Object`.
const fn rename(path: &'static [&'static str], to: &'static str) -> Rename {
    Rename {
        path,
        kind: RenameKind::Key,
        to,
    }
}

/// The properties written under `serverless-v3` (slots and v3 fields).
fn v3_properties() -> Vec<CfnProperty> {
    MskEvent::PROPERTIES
        .iter()
        .filter(|property| match property {
            CfnProperty::Field(field) => field.profile == Profile::ServerlessV3,
            CfnProperty::Slot(_) => true,
        })
        .copied()
        .collect()
}

#[test]
fn msk_event_resource() {
    assert_eq!(MskEvent::RESOURCE_TYPE, "AWS::Lambda::EventSourceMapping");
    assert_eq!(MskEvent::LOGICAL_ID_INFIX, "EventSourceMappingMSK");
}

#[test]
fn msk_event_properties_in_serverless_order() {
    use Presence::*;
    let expected = [
        field("arn", &["EventSourceArn"], Always, None, Shape::Value),
        CfnProperty::Slot(Slot::FunctionName),
        field(
            "startingPosition",
            &["StartingPosition"],
            Always,
            Some("TRIM_HORIZON"),
            Shape::Value,
        ),
        field("topic", &["Topics"], Always, None, Shape::List),
        field(
            "startingPositionTimestamp",
            &["StartingPositionTimestamp"],
            NotNull,
            None,
            Shape::Value,
        ),
        field("batchSize", &["BatchSize"], Truthy, None, Shape::Value),
        field(
            "maximumBatchingWindow",
            &["MaximumBatchingWindowInSeconds"],
            Truthy,
            None,
            Shape::Value,
        ),
        field(
            "consumerGroupId",
            &["AmazonManagedKafkaEventSourceConfig", "ConsumerGroupId"],
            Truthy,
            None,
            Shape::Value,
        ),
        field("enabled", &["Enabled"], NotNull, None, Shape::Value),
        field(
            "saslScram512",
            &["SourceAccessConfigurations"],
            NotNull,
            None,
            Shape::SourceAccess {
                kind: "SASL_SCRAM_512_AUTH",
            },
        ),
        field(
            "filterPatterns",
            &["FilterCriteria", "Filters"],
            Truthy,
            None,
            Shape::FilterPatterns,
        ),
    ];
    assert_eq!(v3_properties(), expected);
}

/// The extended profile's properties, from CloudFormation's `AWS::Lambda::EventSourceMapping`
/// reference (property names and nesting) and Serverless v4 / stream-event key names.
#[test]
fn extended_properties_follow_cloudformation() {
    use Presence::*;
    const POLLERS: &[Rename] = &[
        rename(&["min"], "MinimumPollers"),
        rename(&["max"], "MaximumPollers"),
        rename(&["group"], "PollerGroupName"),
    ];
    const DESTINATIONS: &[Rename] = &[
        rename(&["onFailure"], "OnFailure"),
        Rename {
            path: &["onFailure"],
            kind: RenameKind::WrapScalar,
            to: "Destination",
        },
        rename(&["onFailure", "arn"], "Destination"),
        rename(&["onFailure", "type"], ""),
    ];
    const REGISTRY: &[Rename] = &[
        rename(&["uri"], "SchemaRegistryURI"),
        rename(&["eventRecordFormat"], "EventRecordFormat"),
        rename(&["validate"], "SchemaValidationConfigs"),
        Rename {
            path: &["validate"],
            kind: RenameKind::WrapItems,
            to: "Attribute",
        },
        rename(&["accessConfigs"], "AccessConfigs"),
        rename(&["accessConfigs", "type"], "Type"),
        rename(&["accessConfigs", "uri"], "URI"),
    ];
    let expected = [
        extended(
            "provisionedPollers",
            &["ProvisionedPollerConfig"],
            Truthy,
            Shape::Object { renames: POLLERS },
        ),
        extended(
            "destinations",
            &["DestinationConfig"],
            Truthy,
            Shape::Object {
                renames: DESTINATIONS,
            },
        ),
        extended(
            "clientCertificateTlsAuth",
            &["SourceAccessConfigurations"],
            Truthy,
            Shape::SourceAccess {
                kind: "CLIENT_CERTIFICATE_TLS_AUTH",
            },
        ),
        extended("kmsKeyArn", &["KmsKeyArn"], Truthy, Shape::Value),
        extended(
            "metrics",
            &["MetricsConfig", "Metrics"],
            Truthy,
            Shape::Value,
        ),
        extended(
            "logLevel",
            &["LoggingConfig", "SystemLogLevel"],
            Truthy,
            Shape::Value,
        ),
        extended(
            "maximumRetryAttempts",
            &["MaximumRetryAttempts"],
            NotNull,
            Shape::Value,
        ),
        extended(
            "maximumRecordAgeInSeconds",
            &["MaximumRecordAgeInSeconds"],
            NotNull,
            Shape::Value,
        ),
        extended(
            "bisectBatchOnFunctionError",
            &["BisectBatchOnFunctionError"],
            NotNull,
            Shape::Value,
        ),
        extended(
            "functionResponseType",
            &["FunctionResponseTypes"],
            Truthy,
            Shape::List,
        ),
        extended("tags", &["Tags"], Truthy, Shape::KeyValueList),
        extended(
            "schemaRegistry",
            &[
                "AmazonManagedKafkaEventSourceConfig",
                "SchemaRegistryConfig",
            ],
            Truthy,
            Shape::Object { renames: REGISTRY },
        ),
    ];
    let actual: Vec<CfnProperty> = MskEvent::PROPERTIES
        .iter()
        .filter(|property| {
            matches!(property, CfnProperty::Field(field) if field.profile == Profile::Extended)
        })
        .copied()
        .collect();
    assert_eq!(actual, expected);
}

#[test]
fn extended_grants_are_declared_on_their_keys() {
    let grants: Vec<(&str, Grant)> = MskEvent::KEYS
        .iter()
        .filter_map(|entry| Some((entry.key, entry.grant?)))
        .collect();
    assert_eq!(
        grants,
        [
            ("saslScram512", Grant::ScramSecret),
            ("destinations", Grant::Destination),
            ("clientCertificateTlsAuth", Grant::Secret),
            ("iamAuth", Grant::IamAuth),
            ("secretsKmsKeyArn", Grant::KmsDecrypt),
            ("schemaRegistry", Grant::SchemaRegistry),
        ]
    );
    // Every extension key has a code of its own.
    for entry in MskEvent::KEYS
        .iter()
        .filter(|entry| entry.profile == Profile::Extended)
    {
        assert!(
            entry
                .code
                .is_some_and(|code| code.as_str().starts_with("MSK_")),
            "{entry:?}"
        );
    }
    assert_eq!(MskEvent::extension_keys().count(), 14);
}

#[test]
fn msk_event_logical_id_parts_and_iam_resource() {
    assert_eq!(
        MskEvent::ID_PARTS,
        [
            IdPart {
                key: "arn",
                token: IdToken::ClusterName,
            },
            IdPart {
                key: "topic",
                token: IdToken::Value,
            },
        ]
    );
    assert_eq!(MskEvent::IAM_RESOURCE_KEY, Some("arn"));
}

#[test]
fn msk_event_rules() {
    // Serverless' own rule comes first, in force under every profile, with the help the
    // derive writes for `required_when`.
    assert_eq!(
        MskEvent::RULES[0],
        Rule {
            test: Test::RequiredWhen {
                field: "startingPosition",
                equals: "AT_TIMESTAMP",
                requires: "startingPositionTimestamp",
            },
            profile: Profile::ServerlessV3,
            cloudformation: None,
            code: msk_model::Code::StartingPositionTimestamp,
            message: "You must specify startingPositionTimestamp for function: {function} when startingPosition is AT_TIMESTAMP.",
            help: "add `startingPositionTimestamp` to this event",
        }
    );
    // The group of the keys that need provisioned mode: one declaration, eight rules sharing
    // the key they require, the code and (unless they say otherwise) the help.
    let provisioned: Vec<&Rule> = MskEvent::RULES
        .iter()
        .filter(|rule| rule.code == msk_model::Code::RequiresProvisionedMode)
        .collect();
    assert_eq!(provisioned.len(), 8);
    for rule in &provisioned {
        let Test::Requires { other, .. } = rule.test else {
            panic!("{rule:?} is not a `requires` rule");
        };
        assert_eq!(other, "provisionedPollers");
        assert_eq!(rule.profile, Profile::Extended);
        assert!(
            rule.help
                .starts_with("add `provisionedPollers: {min: 1, max: 2}` (or your sizes)")
        );
    }
    assert_eq!(
        provisioned[2].test,
        Test::Requires {
            field: "metrics",
            trigger: Trigger::Equals("KafkaMetrics"),
            other: "provisionedPollers"
        }
    );
    assert_eq!(
        provisioned[7].test,
        Test::Requires {
            field: "destinations.onFailure",
            trigger: Trigger::Prefix("kafka://"),
            other: "provisionedPollers"
        }
    );
}

#[test]
fn msk_event_field_lookup_uses_config_keys() {
    let batch = MskEvent::field("batchSize").expect("batchSize is mapped");
    assert_eq!(batch.path, ["BatchSize"]);
    assert_eq!(MskEvent::field("batch_size"), None);
    let names: Vec<_> = v3_properties().iter().map(CfnProperty::name).collect();
    assert_eq!(
        names,
        [
            "EventSourceArn",
            "FunctionName",
            "StartingPosition",
            "Topics",
            "StartingPositionTimestamp",
            "BatchSize",
            "MaximumBatchingWindowInSeconds",
            "AmazonManagedKafkaEventSourceConfig",
            "Enabled",
            "SourceAccessConfigurations",
            "FilterCriteria",
        ]
    );
}

/// Keys come from serde: `rename_all`, then a field's own `rename`; unmapped and
/// serde-skipped fields without `#[cfn]` are left out.
#[derive(Deserialize, CfnMapping)]
#[serde(rename_all = "SCREAMING-KEBAB-CASE")]
#[cfn(resource = "Custom::Renamed", logical_id = "Renamed")]
#[allow(dead_code)]
struct Renamed {
    #[cfn(property = "Plain", order = 1, presence = "always", id_part = 1)]
    plain_field: String,
    #[serde(rename = "explicitName")]
    #[cfn(property = "Explicit", order = 2, presence = "truthy", iam_resource)]
    renamed_field: String,
    not_mapped: u8,
    #[serde(skip)]
    skipped: u8,
}

#[test]
fn keys_follow_serde_renames() {
    assert_eq!(Renamed::RESOURCE_TYPE, "Custom::Renamed");
    assert_eq!(
        Renamed::PROPERTIES,
        [
            field(
                "PLAIN-FIELD",
                &["Plain"],
                Presence::Always,
                None,
                Shape::Value
            ),
            field(
                "explicitName",
                &["Explicit"],
                Presence::Truthy,
                None,
                Shape::Value
            ),
        ]
    );
    assert_eq!(
        Renamed::ID_PARTS,
        [IdPart {
            key: "PLAIN-FIELD",
            token: IdToken::Value,
        }]
    );
    assert_eq!(Renamed::IAM_RESOURCE_KEY, Some("explicitName"));
    assert_eq!(Renamed::RULES, []);
}

/// Slots and fields interleave by `order`, whatever order they are declared in; container
/// keys may be split over several attributes; rules keep their declaration order.
// clippy's `duplicated_attributes` mistakes repeated keys in sibling `slot(...)` and
// `rule(...)` lists for duplicates.
#[allow(clippy::duplicated_attributes)]
#[derive(Deserialize, CfnMapping)]
#[serde(rename_all = "camelCase")]
#[cfn(resource = "AWS::Test::Thing")]
#[cfn(slot(name = "FunctionName", order = 15))]
#[cfn(
    logical_id = "Thing",
    rule(
        required_when(field = "mode", equals = "B", requires = "bValue"),
        code = msk_model::Code::StartingPositionTimestamp,
        message = "{function}: mode B needs bValue"
    ),
    rule(
        required_when(field = "mode", equals = "A", requires = "aValue"),
        code = msk_model::Code::MissingKey,
        message = "{function}: mode A needs aValue"
    )
)]
#[allow(dead_code)]
struct Interleaved {
    #[cfn(
        property = "Settings.Mode",
        order = 20,
        presence = "always",
        default = "A",
        id_part = 2,
        id_token = "value"
    )]
    mode: Option<String>,
    #[cfn(property = "AValue", order = 10, presence = "not_null", shape = "list")]
    a_value: Option<String>,
    #[cfn(
        property = "BValue",
        order = 11,
        presence = "truthy",
        source_access = "BASIC_AUTH",
        id_part = 1,
        id_token = "cluster_name"
    )]
    b_value: Option<String>,
}

#[test]
fn slots_interleave_and_rules_keep_order() {
    assert_eq!(Interleaved::LOGICAL_ID_INFIX, "Thing");
    assert_eq!(
        Interleaved::PROPERTIES,
        [
            field("aValue", &["AValue"], Presence::NotNull, None, Shape::List),
            field(
                "bValue",
                &["BValue"],
                Presence::Truthy,
                None,
                Shape::SourceAccess { kind: "BASIC_AUTH" }
            ),
            CfnProperty::Slot(Slot::FunctionName),
            field(
                "mode",
                &["Settings", "Mode"],
                Presence::Always,
                Some("A"),
                Shape::Value
            ),
        ]
    );
    assert_eq!(
        Interleaved::ID_PARTS,
        [
            IdPart {
                key: "bValue",
                token: IdToken::ClusterName,
            },
            IdPart {
                key: "mode",
                token: IdToken::Value,
            },
        ]
    );
    assert_eq!(Interleaved::IAM_RESOURCE_KEY, None);
    let codes: Vec<_> = Interleaved::RULES.iter().map(|rule| rule.code).collect();
    assert_eq!(
        codes,
        [
            msk_model::Code::StartingPositionTimestamp,
            msk_model::Code::MissingKey
        ]
    );
    assert!(matches!(
        Interleaved::RULES[1].test,
        Test::RequiredWhen {
            requires: "aValue",
            ..
        }
    ));
}

/// Generic structs get a generic impl; generated paths go through `::msk_model::__private`
/// and `::core`, so local items named `CfnField`, `Option` or `msk_model` do not interfere.
mod shadowed {
    use serde::Deserialize;

    #[derive(Deserialize, ::msk_model::CfnMapping)]
    #[cfn(resource = "AWS::Test::Generic", logical_id = "Generic")]
    #[allow(dead_code)]
    pub struct Generic<T> {
        #[cfn(property = "Value", order = 1, presence = "not_null", iam_resource)]
        value: T,
    }

    #[allow(dead_code)]
    struct CfnField;
    #[allow(dead_code)]
    enum Option {}
    #[allow(dead_code)]
    mod msk_model {}
}

#[test]
fn generic_struct() {
    use shadowed::Generic;
    assert_eq!(Generic::<u8>::PROPERTIES.len(), 1);
    assert_eq!(Generic::<String>::IAM_RESOURCE_KEY, Some("value"));
    assert_eq!(
        <Generic<String> as CfnMapping>::field("value").map(|field| field.presence),
        Some(Presence::NotNull)
    );
}

/// Every statement kind of the extended profile says why the role needs it: the part of AWS's
/// permissions page that lists each of its actions.
#[test]
fn every_grant_explains_itself_with_the_permissions_page() {
    for kind in msk_model::iam::EXTENDED_STATEMENTS {
        for action in kind.actions {
            let name = action.split_once(':').map_or(*action, |(_, name)| name);
            assert!(
                kind.explain.contains(name),
                "{}: `explain` does not name {action}: {}",
                kind.sid,
                kind.explain
            );
        }
    }
    assert!(msk_model::iam::PERMISSIONS_PAGE.ends_with("/with-msk-permissions.html"));
}
